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
for (const [name, s] of Object.entries(summary)) {
  if (
    name === "total" ||
    !name.includes(`${path.sep}contracts${path.sep}`) ||
    name.includes(`${path.sep}mocks${path.sep}`)
  )
    continue;
  totals.lines[0] += s.lines.covered;
  totals.lines[1] += s.lines.total;
  totals.branches[0] += s.branches.covered;
  totals.branches[1] += s.branches.total;
  if (s.lines.pct < LINES) below.push(`${path.relative(process.cwd(), name)}: lines ${s.lines.pct}%`);
}
const pct = ([c, t]) => (t === 0 ? 100 : (100 * c) / t);
const lines = pct(totals.lines);
const branches = pct(totals.branches);
console.log(
  `coverage of contracts/ (mocks excluded): lines ${lines.toFixed(2)}% (${totals.lines[0]}/${totals.lines[1]}), branches ${branches.toFixed(2)}% (${totals.branches[0]}/${totals.branches[1]})`,
);
for (const b of below) console.log(`  below ${LINES}% lines: ${b}`);
if (lines < LINES || branches < BRANCHES) {
  console.error(`coverage gate failed: needs ${LINES}% lines and ${BRANCHES}% branches`);
  process.exit(1);
}
console.log("coverage gate passed");
