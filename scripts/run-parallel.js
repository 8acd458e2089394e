#!/usr/bin/env node
/**
 * `node scripts/run-parallel.js <npm script>...`: runs the package's npm scripts at the same time, at most one per
 * core, prints each one's output in one piece when it ends (prefixed by its name), and fails if any fails. `npm run
 * lint` uses it for its checks that do not depend on each other (solhint, tsc, Prettier), each single-threaded.
 * Written here rather than taken from npm-run-all2 or concurrently: it is the only use, in about 60 lines.
 */
"use strict";
const { spawn } = require("child_process");
const os = require("os");
const path = require("path");

const root = path.join(__dirname, "..");
const scripts = require(path.join(root, "package.json")).scripts ?? {};
const names = process.argv.slice(2);
if (names.length === 0) {
  console.error("run-parallel: name at least one npm script");
  process.exit(2);
}
const unknown = names.filter((n) => scripts[n] === undefined);
if (unknown.length > 0) {
  console.error(`run-parallel: no npm script named ${unknown.join(", ")} in package.json`);
  process.exit(2);
}
const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** Runs `npm run -s <name>`; resolves with its exit code (1 for a signal) after printing its output. */
function run(name) {
  const started = Date.now();
  const child = spawn(npm, ["run", "-s", name], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  return new Promise((resolve) => {
    child.on("error", (e) => {
      output += `${e.message}\n`;
    });
    child.on("close", (code, signal) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const text = output.trimEnd();
      if (text !== "")
        console.log(
          text
            .split("\n")
            .map((l) => `[${name}] ${l}`)
            .join("\n"),
        );
      const status = code === 0 ? "passed" : `failed (exit ${code ?? signal})`;
      console.log(`[${name}] ${status} in ${seconds} s`);
      resolve(code === 0 ? 0 : 1);
    });
  });
}

async function main() {
  const queue = [...names];
  let failed = 0;
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) failed += await run(name);
  };
  await Promise.all(Array.from({ length: Math.min(cores, names.length) }, worker));
  if (failed > 0) {
    console.error(`run-parallel: ${failed} of ${names.length} script(s) failed`);
    process.exit(1);
  }
}

main();
