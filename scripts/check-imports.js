#!/usr/bin/env node
/**
 * `npm run lint:imports` (part of `npm run lint`): fails on any import that runs from a lower layer of the TypeScript code to a higher one
 * (docs/ARCHITECTURE.md, "Which way imports go").
 *
 *   lib/                      the shared library: may import only lib/
 *   deploy/                   lib/ and deploy/
 *   services/                 lib/ and services/
 *   scripts/                  lib/, services/ and scripts/ (never deploy/: what both need lives in lib/)
 *   hardhat.config.ts         lib/ and scripts/ (the tasks)
 *   test/, test-integration/, bench/   anything
 *
 * Packages (node_modules) and typechain-types/ (generated from the contracts) may be imported from every layer.
 * Imports are read with TypeScript's own pre-processor (`ts.preProcessFile`): static `import` / `export ... from`,
 * `import("...")` and `require("...")`.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const ts = require("typescript");

/** Layer name -> the layers it may import. */
const ALLOWED = {
  lib: ["lib"],
  deploy: ["lib", "deploy"],
  services: ["lib", "services"],
  scripts: ["lib", "services", "scripts"],
  "hardhat.config.ts": ["lib", "scripts"],
  test: ["lib", "deploy", "services", "scripts", "test", "test-integration", "bench"],
  "test-integration": ["lib", "deploy", "services", "scripts", "test", "test-integration", "bench"],
  bench: ["lib", "deploy", "services", "scripts", "test", "test-integration", "bench"],
};
/** Folders every layer may import. */
const OPEN = ["node_modules", "typechain-types"];
const SOURCE = /\.(ts|js|cjs|mjs)$/;

/** The layer a project-relative path belongs to (its first segment, or the file name at the root). */
function layerOf(rel) {
  return rel.split("/")[0];
}

/** Every source file of the checked layers under `root`, project-relative with forward slashes. */
function sourceFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = dir === "" ? e.name : `${dir}/${e.name}`;
      if (e.isDirectory()) {
        if (e.name !== "node_modules") walk(rel);
      } else if (SOURCE.test(e.name) && !e.name.endsWith(".d.ts")) out.push(rel);
    }
  };
  for (const layer of Object.keys(ALLOWED)) {
    const p = path.join(root, layer);
    if (!fs.existsSync(p)) continue;
    if (fs.statSync(p).isDirectory()) walk(layer);
    else out.push(layer);
  }
  return out.sort();
}

/**
 * The wrong-way imports of `files` (project-relative) under `root`: one `{ file, line, specifier, from, to }` per
 * relative import whose target's layer the file's layer may not import.
 */
function wrongWayImports(root, files = sourceFiles(root)) {
  const problems = [];
  for (const file of files) {
    const from = layerOf(file);
    const allowed = ALLOWED[from];
    if (!allowed) continue;
    const text = fs.readFileSync(path.join(root, file), "utf8");
    const { importedFiles } = ts.preProcessFile(text, true, true);
    for (const imported of importedFiles) {
      const specifier = imported.fileName;
      if (!specifier.startsWith(".")) continue; // a package
      const target = path.relative(root, path.resolve(path.dirname(path.join(root, file)), specifier));
      const to = layerOf(target.split(path.sep).join("/"));
      if (target.startsWith("..") || OPEN.includes(to) || allowed.includes(to)) continue;
      const line = text.slice(0, imported.pos).split("\n").length;
      problems.push({ file, line, specifier, from, to });
    }
  }
  return problems;
}

/** One line per problem, as the lint prints it. */
function describe(p) {
  return (
    `${p.file}:${p.line} imports "${p.specifier}" (${p.to}/), but ${p.from === "hardhat.config.ts" ? p.from : `${p.from}/`} ` +
    `may import only ${ALLOWED[p.from].map((l) => (l.includes(".") ? l : `${l}/`)).join(", ")} ` +
    `(and packages, typechain-types/): move what both need into lib/`
  );
}

if (require.main === module) {
  // The project by default; another root for the tests.
  const root = process.argv[2] ? path.resolve(process.argv[2]) : path.join(__dirname, "..");
  const files = sourceFiles(root);
  const problems = wrongWayImports(root, files);
  for (const p of problems) console.error(describe(p));
  if (problems.length > 0) {
    console.error(`lint:imports: ${problems.length} import(s) run the wrong way (docs/ARCHITECTURE.md)`);
    process.exit(1);
  }
  console.log(`lint:imports: ${files.length} files, every import runs the right way`);
}

module.exports = { ALLOWED, layerOf, sourceFiles, wrongWayImports, describe };
