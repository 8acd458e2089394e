#!/usr/bin/env node
/**
 * `npm run coverage`: solidity-coverage over the whole test suite, split over one process per core (at most
 * COVERAGE_WORKERS, 2 by default), then one merged report and the gate (scripts/coverage-gate.js).
 *
 * Why by hand: `hardhat coverage` runs the tests in one mocha process (no `--parallel`), about ten times slower than
 * uninstrumented, so the suite takes about two hours on one core. solidity-coverage writes fixed paths of the project
 * (coverage.json, .coverage_cache, .coverage_contracts), so two runs cannot share a directory: every shard but the
 * first runs in a copy of the project's files under .coverage-shards/<n>/ (node_modules linked, not copied), each on
 * its share of the test files (`--testfiles`). The shards' coverage.json files have the same statements, branches
 * and functions (the same instrumented sources); their hit counts are added, and istanbul (the copy
 * solidity-coverage ships, sc-istanbul) writes the reports from the sum, as solidity-coverage itself does.
 *
 * Test files are dealt to shards longest first by size, a stand-in for their run time. Shard output goes to
 * coverage-shard-<n>.log (in the project), and a failing shard's tail is printed.
 */
"use strict";
const { spawn, execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.join(__dirname, "..");
const SHARDS_DIR = path.join(root, ".coverage-shards");
const REPORTERS = require(path.join(root, ".solcover.js")).istanbulReporter ?? [
  "html",
  "json-summary",
  "text-summary",
];

/** Reads an integer in [min, max] from the environment, or stops with a message naming the variable. */
function integer(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    console.error(`coverage: ${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    process.exit(2);
  }
  return Number(raw);
}

/** Every test file of test/ (`*.test.ts` / `*.test.js`), relative to the project. */
function testFiles(dir = path.join(root, "test")) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return testFiles(p);
    return /\.test\.(ts|js)$/.test(e.name) ? [path.relative(root, p).split(path.sep).join("/")] : [];
  });
}

/** Deals files to `n` shards, largest first (by `sizeOf`), each to the lightest shard so far. */
function deal(files, n, sizeOf = (f) => fs.statSync(path.join(root, f)).size) {
  const shards = Array.from({ length: n }, () => ({ files: [], weight: 0 }));
  const sized = files.map((f) => ({ f, size: sizeOf(f) }));
  sized.sort((a, b) => b.size - a.size || a.f.localeCompare(b.f));
  for (const { f, size } of sized) {
    const lightest = shards.reduce((a, b) => (b.weight < a.weight ? b : a));
    lightest.files.push(f);
    lightest.weight += size;
  }
  return shards.filter((s) => s.files.length > 0).map((s) => s.files.sort());
}

/** The project's files (tracked, and untracked ones git does not ignore), relative paths. */
function projectFiles() {
  try {
    const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    return out.split("\0").filter((f) => f !== "" && fs.existsSync(path.join(root, f)));
  } catch (e) {
    console.error(
      `coverage: more than one shard needs git to list the project's files (${e.message.split("\n")[0]})`,
    );
    console.error("coverage: run with COVERAGE_WORKERS=1 outside a git checkout");
    process.exit(2);
  }
}

/** A copy of the project's files in `dir`, with node_modules linked to the project's. */
function makeCopy(dir, files) {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const f of files) {
    const to = path.join(dir, f);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(root, f), to);
  }
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
}

/**
 * NODE_OPTIONS of a shard: the caller's, with an 8 GB heap unless it sets one. solidity-coverage's collector keeps
 * a transaction's steps in memory, and a whole shard ran past Node's default heap.
 */
function nodeOptions() {
  const own = process.env.NODE_OPTIONS ?? "";
  return /--max-old-space-size/.test(own) ? own : `${own} --max-old-space-size=8192`.trim();
}

/** Runs `hardhat coverage` on `files` in `cwd`; resolves with its exit code. Output goes to `log`. */
function runShard(index, count, cwd, files, log) {
  const hardhat = require.resolve("hardhat/internal/cli/cli", { paths: [root] });
  // globby (solidity-coverage's --testfiles) takes one pattern: a brace list of the shard's files.
  const pattern = files.length === 1 ? files[0] : `{${files.join(",")}}`;
  const out = fs.openSync(log, "w");
  const child = spawn(process.execPath, [hardhat, "coverage", "--testfiles", pattern], {
    cwd,
    env: { ...process.env, COVERAGE_SPLIT_JOBS: "1", NODE_OPTIONS: nodeOptions() },
    stdio: ["ignore", out, out],
  });
  console.log(
    `coverage: shard ${index + 1}/${count} (pid ${child.pid}): ${files.length} test files, log ${log}`,
  );
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      fs.closeSync(out);
      const text = fs.readFileSync(log, "utf8");
      const passing = /(\d+) passing/.exec(text)?.[1] ?? "0";
      const failing = /(\d+) failing/.exec(text)?.[1] ?? "0";
      console.log(
        `coverage: shard ${index + 1}/${count} ended (exit ${code ?? signal}): ${passing} passing, ${failing} failing`,
      );
      if (code !== 0) console.log(text.split("\n").slice(-60).join("\n"));
      resolve(code === 0 ? 0 : 1);
    });
  });
}

/** Adds the hit counts of istanbul coverage objects with the same files, statements, branches and functions. */
function mergeCoverage(parts) {
  const merged = JSON.parse(JSON.stringify(parts[0]));
  for (const part of parts.slice(1)) {
    for (const [file, cov] of Object.entries(part)) {
      const into = merged[file];
      if (into === undefined) {
        merged[file] = JSON.parse(JSON.stringify(cov));
        continue;
      }
      const shape = (o) => JSON.stringify([o.statementMap, o.branchMap, o.fnMap]);
      if (shape(into) !== shape(cov))
        throw new Error(`coverage: the shards instrumented ${file} differently`);
      for (const key of ["s", "f", "l"])
        for (const [k, v] of Object.entries(cov[key])) into[key][k] = (into[key][k] ?? 0) + v;
      for (const [k, v] of Object.entries(cov.b)) into.b[k] = into.b[k].map((hits, i) => hits + v[i]);
    }
  }
  return merged;
}

/** Writes the reports of .solcover.js from `coverage` with istanbul, as solidity-coverage does. */
function writeReports(coverage) {
  const istanbul = require(
    require.resolve("sc-istanbul", {
      paths: [path.dirname(require.resolve("solidity-coverage/package.json", { paths: [root] }))],
    }),
  );
  const collector = new istanbul.Collector();
  const reporter = new istanbul.Reporter(false, path.join(root, "coverage"));
  collector.add(coverage);
  REPORTERS.forEach((r) => reporter.add(r));
  return new Promise((resolve, reject) =>
    reporter.write(collector, true, (err) => (err ? reject(err) : resolve())),
  );
}

async function main() {
  process.chdir(root); // istanbul's HTML report reads the sources by their project-relative paths
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  const files = testFiles();
  const count = Math.min(integer("COVERAGE_WORKERS", 2, 1, 16), cores, files.length);
  const shards = deal(files, count);
  const started = Date.now();
  const copyOf = count > 1 ? projectFiles() : [];
  const dirs = shards.map((_, i) => (i === 0 ? root : path.join(SHARDS_DIR, String(i))));
  dirs.slice(1).forEach((dir) => makeCopy(dir, copyOf));
  let failed = 0;
  try {
    const codes = await Promise.all(
      shards.map((f, i) =>
        runShard(i, shards.length, dirs[i], f, path.join(root, `coverage-shard-${i + 1}.log`)),
      ),
    );
    failed = codes.reduce((a, b) => a + b, 0);
    const parts = dirs.map((dir) => {
      const file = path.join(dir, "coverage.json");
      if (!fs.existsSync(file)) throw new Error(`coverage: ${file} was not written`);
      return JSON.parse(fs.readFileSync(file, "utf8"));
    });
    const merged = mergeCoverage(parts);
    fs.writeFileSync(path.join(root, "coverage.json"), JSON.stringify(merged));
    await writeReports(merged);
  } finally {
    fs.rmSync(SHARDS_DIR, { recursive: true, force: true });
  }
  console.log(`coverage: ${shards.length} shard(s) in ${((Date.now() - started) / 60000).toFixed(1)} min`);
  if (failed > 0) {
    console.error(`coverage: ${failed} shard(s) had failing tests`);
    process.exit(1);
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e.message ?? e);
    process.exit(1);
  });
}

module.exports = { deal, mergeCoverage };
