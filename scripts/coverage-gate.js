#!/usr/bin/env node
/**
 * Fails unless the coverage of contracts/ (mocks excluded, see .solcover.js) reaches 100% of lines and 95% of
 * branches. Reads coverage/coverage-summary.json written by `hardhat coverage`.
 */
const fs = require("fs");
const path = require("path");

const LINES = 100;
const BRANCHES = 95;
const file = path.join(__dirname, "..", "coverage", "coverage-summary.json");
if (!fs.existsSync(file)) {
  console.error(`coverage gate: ${file} not found; run hardhat coverage first`);
  process.exit(1);
}
const summary = JSON.parse(fs.readFileSync(file, "utf8"));
const totals = { lines: [0, 0], branches: [0, 0] };
const below = [];
const root = path.join(__dirname, "..");
let files = 0;
for (const [name, s] of Object.entries(summary)) {
  if (name === "total") continue;
  // solidity-coverage writes paths relative to the project (older versions: absolute); compare relative ones.
  const rel = path.relative(root, path.resolve(root, name)).split(path.sep).join("/");
  if (!rel.startsWith("contracts/") || rel.startsWith("contracts/mocks/")) continue;
  files++;
  totals.lines[0] += s.lines.covered;
  totals.lines[1] += s.lines.total;
  totals.branches[0] += s.branches.covered;
  totals.branches[1] += s.branches.total;
  if (s.lines.pct < LINES) below.push(`${rel}: lines ${s.lines.pct}%`);
}
if (files === 0 || totals.lines[1] === 0) {
  console.error(`coverage gate: no contract of contracts/ (mocks excluded) in ${file}`);
  process.exit(1);
}
const pct = ([c, t]) => (t === 0 ? 100 : (100 * c) / t); // t > 0 for lines (checked above)
const lines = pct(totals.lines);
const branches = pct(totals.branches);
console.log(
  `coverage of ${files} files of contracts/ (mocks excluded): lines ${lines.toFixed(2)}% (${totals.lines[0]}/${totals.lines[1]}), branches ${branches.toFixed(2)}% (${totals.branches[0]}/${totals.branches[1]})`,
);
for (const b of below) console.log(`  below ${LINES}% lines: ${b}`);
if (lines < LINES || branches < BRANCHES) {
  console.error(`coverage gate failed: needs ${LINES}% lines and ${BRANCHES}% branches`);
  process.exit(1);
}
console.log("coverage gate passed");
