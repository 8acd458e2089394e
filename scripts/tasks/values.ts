/**
 * Issue 24: lib/generated/contracts.ts, the values the contracts define, generated from the solc output
 * (scripts/lib/contract-values.ts).
 *
 * - `hardhat compile` (and every task that compiles first: test, run, ...) regenerates the module when a compile job
 *   ran or the module is missing, and rewrites it only when its text changed. Not under `hardhat coverage`, whose
 *   build is instrumented.
 * - `hardhat values:generate` regenerates it unconditionally (e.g. after a change to the generator itself).
 * - `hardhat values:check` (in `npm run lint`) fails when the module on disk differs from what the contracts produce.
 *   It compiles first with the compile hook switched off, then regenerates in memory and compares: a compile that
 *   rewrote the file before the comparison would hide a stale committed module on a fresh clone (CI compiles there).
 *   Comparing with the working tree rather than with git also catches an uncommitted hand edit.
 */
import * as fs from "fs";
import * as path from "path";
import { subtask, task } from "hardhat/config";
import { HardhatPluginError } from "hardhat/plugins";
import { TASK_COMPILE, TASK_COMPILE_SOLIDITY_COMPILE_JOBS } from "hardhat/builtin-tasks/task-names";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import {
  type BuildInfoLike,
  extractValues,
  isGeneratedSource,
  renderValuesModule,
} from "../lib/contract-values";

/** The one generated module, relative to the project root. */
export const VALUES_FILE = "lib/generated/contracts.ts";

/** Whether a compile job of this process emitted artifacts since the module was last generated. */
let compiledSomething = false;
/** Set while `values:check` compiles: the compile hook must not write the file it is about to compare. */
let checking = false;

/** Whether the compile hook (re)generates the module. */
export function shouldGenerateAfterCompile(s: {
  coverage: boolean;
  checking: boolean;
  compiled: boolean;
  exists: boolean;
}): boolean {
  if (s.coverage || s.checking) return false;
  return s.compiled || !s.exists;
}

/**
 * Reads, for every generated source, the build-info of the compile that built it last: the one its artifacts'
 * .dbg.json files name. An older build-info can still hold an earlier text of the source (as a dependency of
 * contracts not recompiled since), so the first build-info that holds a source is not enough. A source without an
 * artifact of its own (file-level declarations only) is read from the newest build-info holding it (file time).
 */
export async function readBuildInfos(hre: HardhatRuntimeEnvironment): Promise<{
  infos: BuildInfoLike[];
  sources: string[];
  owners: Map<string, BuildInfoLike>;
}> {
  const mtime = (p: string) => fs.statSync(p).mtimeMs;
  const own = new Map<string, string>(); // generated source -> build-info path its artifacts name
  for (const fqn of await hre.artifacts.getAllFullyQualifiedNames()) {
    const source = fqn.split(":")[0];
    if (!isGeneratedSource(source)) continue;
    const debugFile = hre.artifacts
      .formArtifactPathFromFullyQualifiedName(fqn)
      .replace(/\.json$/, ".dbg.json");
    if (!fs.existsSync(debugFile)) continue;
    const buildInfo = path.resolve(
      path.dirname(debugFile),
      JSON.parse(fs.readFileSync(debugFile, "utf8")).buildInfo,
    );
    if (!fs.existsSync(buildInfo)) continue;
    const known = own.get(source);
    // The contracts of one source come from one compile; should they differ, the newest build wins.
    if (known === undefined || mtime(buildInfo) > mtime(known)) own.set(source, buildInfo);
  }
  const cache = new Map<string, BuildInfoLike>(); // build-infos are large: each is read once
  const read = (p: string): BuildInfoLike => {
    let bi = cache.get(p);
    if (!bi) {
      bi = JSON.parse(fs.readFileSync(p, "utf8")) as BuildInfoLike;
      cache.set(p, bi);
    }
    return bi;
  };
  const sources = listSources(hre.config.paths.sources, hre.config.paths.root);
  const owners = new Map<string, BuildInfoLike>();
  for (const source of sources) {
    const p = own.get(source);
    if (p !== undefined && source in read(p).output.sources) owners.set(source, read(p));
  }
  const missing = sources.filter((s) => !owners.has(s));
  if (missing.length > 0) {
    const newestFirst = (await hre.artifacts.getBuildInfoPaths()).sort(
      (a, b) => mtime(b) - mtime(a) || a.localeCompare(b),
    );
    for (const p of newestFirst) {
      if (missing.every((s) => owners.has(s))) break;
      const bi = read(p);
      for (const s of missing) if (!owners.has(s) && s in bi.output.sources) owners.set(s, bi);
    }
  }
  return { infos: [...cache.values()], sources, owners };
}

function listSources(dir: string, root: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    if (fs.statSync(p).isDirectory()) return listSources(p, root);
    const name = path.relative(root, p).split(path.sep).join("/");
    return f.endsWith(".sol") && isGeneratedSource(name) ? [name] : [];
  });
}

/** Formats the module as Prettier would (the project's .prettierrc.json, resolved for the module's real path). */
export async function formatValuesModule(text: string, root: string): Promise<string> {
  const prettier = await import("prettier");
  const filepath = path.join(root, VALUES_FILE);
  const options = (await prettier.resolveConfig(filepath)) ?? {};
  return prettier.format(text, { ...options, filepath });
}

/** The module's text as the current build produces it. */
export async function generateValuesModule(hre: HardhatRuntimeEnvironment): Promise<string> {
  const { infos, sources, owners } = await readBuildInfos(hre);
  return formatValuesModule(renderValuesModule(extractValues(infos, sources, owners)), hre.config.paths.root);
}

/** Writes `text` to `file` unless it already holds exactly that (no needless mtime change). Whether it wrote. */
export function writeIfChanged(file: string, text: string): boolean {
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) return false;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return true;
}

/** Why `file` (shown as `shown`) is stale against the `expected` text, or undefined when it is up to date. */
export function stalenessProblem(expected: string, file: string, shown: string): string | undefined {
  // Not `npx hardhat compile`: it regenerates only after compiling something, and the build may be up to date.
  const how = "Regenerate it with `npx hardhat values:generate` and commit it.";
  if (!fs.existsSync(file)) return `${shown} is missing: it holds the values the contracts define. ${how}`;
  const actual = fs.readFileSync(file, "utf8");
  if (actual === expected) return undefined;
  const a = actual.split("\n");
  const e = expected.split("\n");
  let i = 0;
  while (i < a.length && i < e.length && a[i] === e[i]) i++;
  return (
    `${shown} is stale: it differs from what the contracts in contracts/ produce, from line ${i + 1} ` +
    `(file: ${JSON.stringify(a[i] ?? "<end of file>")}, contracts: ${JSON.stringify(e[i] ?? "<end of file>")}). ${how}`
  );
}

export function registerValuesTasks(): void {
  subtask(TASK_COMPILE_SOLIDITY_COMPILE_JOBS).setAction(async (args, _hre, runSuper) => {
    const out = await runSuper(args);
    const jobs = (out as { artifactsEmittedPerJob?: { artifactsEmittedPerFile: unknown[] }[] })
      .artifactsEmittedPerJob;
    if (jobs?.some((j) => j.artifactsEmittedPerFile.length > 0)) compiledSomething = true;
    return out;
  });

  task(TASK_COMPILE).setAction(async (args, hre, runSuper) => {
    const result = await runSuper(args);
    const file = path.join(hre.config.paths.root, VALUES_FILE);
    const generate = shouldGenerateAfterCompile({
      coverage:
        (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true,
      checking,
      compiled: compiledSomething,
      exists: fs.existsSync(file),
    });
    if (generate) {
      if (writeIfChanged(file, await generateValuesModule(hre)) && !(args as { quiet?: boolean }).quiet) {
        console.log(`Wrote ${VALUES_FILE} (values the contracts define)`);
      }
      compiledSomething = false;
    }
    return result;
  });

  task(
    "values:generate",
    `Writes ${VALUES_FILE}, the values the contracts define (compiles first)`,
  ).setAction(async (_args, hre) => {
    await hre.run(TASK_COMPILE, { quiet: true });
    const wrote = writeIfChanged(
      path.join(hre.config.paths.root, VALUES_FILE),
      await generateValuesModule(hre),
    );
    console.log(wrote ? `Wrote ${VALUES_FILE}` : `${VALUES_FILE} is up to date`);
  });

  task("values:check", `Fails when ${VALUES_FILE} differs from what the contracts produce (compiles first)`)
    .addOptionalParam("file", `The module to check (default ${VALUES_FILE})`)
    .setAction(async (args: { file?: string }, hre) => {
      checking = true;
      try {
        await hre.run(TASK_COMPILE, { quiet: true });
      } finally {
        checking = false;
      }
      const file = path.resolve(hre.config.paths.root, args.file ?? VALUES_FILE);
      const shown = path.relative(hre.config.paths.root, file) || file;
      const problem = stalenessProblem(await generateValuesModule(hre), file, shown);
      if (problem) throw new HardhatPluginError("values:check", problem);
      console.log(`${shown} is up to date`);
    });
}
