#!/usr/bin/env node
/**
 * `npm run test:property`: the full-length property run (at least PROPERTY_OPS commands, 10,000 by default), split
 * over one `hardhat test` process per core (at most PROPERTY_WORKERS, 2 by default) so that a 2-core CI machine
 * runs it in about half the time. Each process runs at least its share of the commands from its own seed: the
 * sequences of fast-check are independent of each other (each starts from the fixture), so two processes of 5,000
 * commands explore what one of 10,000 does, from seeds that do not overlap (batch k of a process uses seed + k, and
 * the processes' seeds are SEED_SPACING apart). The output of each process is printed when it ends, prefixed with
 * its number, and the run fails if any process fails. A failure is replayed with the seed and path it prints, as a
 * single `npx hardhat test test/property/fund.property.test.ts` (test/property/README.md).
 */
"use strict";
const { spawn } = require("child_process");
const { randomInt } = require("crypto");
const os = require("os");
const path = require("path");

const SEED_SPACING = 1_000_000;

/** Reads an integer of at least `min` from the environment, or stops with a message naming the variable. */
function integer(name, fallback, min) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    console.error(`test:property: ${name} must be an integer of at least ${min}, got "${raw}"`);
    process.exit(2);
  }
  return Number(raw);
}

const total = integer("PROPERTY_OPS", 10_000, 1);
const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
const workers = Math.min(integer("PROPERTY_WORKERS", 2, 1), cores, total);
const first = integer("PROPERTY_SEED", randomInt(2 ** 31 - SEED_SPACING * workers), 0);
const share = Math.ceil(total / workers);
const root = path.join(__dirname, "..");
const hardhat = require.resolve("hardhat/internal/cli/cli", { paths: [root] });

console.log(
  `property test: at least ${total} commands in ${workers} process(es) of ${share}, seeds ` +
    Array.from({ length: workers }, (_, i) => first + i * SEED_SPACING).join(", "),
);
const started = Date.now();
const runs = Array.from({ length: workers }, (_, i) => {
  const seed = first + i * SEED_SPACING;
  const child = spawn(process.execPath, [hardhat, "test", "test/property/fund.property.test.ts"], {
    cwd: root,
    env: { ...process.env, PROPERTY_OPS: String(share), PROPERTY_SEED: String(seed) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      const prefix = `[property ${i + 1}/${workers}] `;
      console.log(
        output
          .trimEnd()
          .split("\n")
          .map((line) => prefix + line)
          .join("\n"),
      );
      const commands = Number(/(\d+) commands in \d+ sequences/.exec(output)?.[1] ?? 0);
      resolve({ seed, ok: code === 0, code, signal, commands });
    });
  });
});

Promise.all(runs).then((results) => {
  const failed = results.filter((r) => !r.ok);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (failed.length > 0) {
    for (const r of failed)
      console.error(`property test: the process of seed ${r.seed} failed (exit ${r.code ?? r.signal})`);
    process.exit(1);
  }
  const commands = results.reduce((sum, r) => sum + r.commands, 0);
  if (commands < total) {
    console.error(`property test: ${commands} commands ran, fewer than the ${total} required`);
    process.exit(1);
  }
  console.log(`property test: ${workers} process(es) passed, ${commands} commands in all, in ${seconds} s`);
});
