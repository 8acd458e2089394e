/**
 * Complete validation of a fund config (./types.ts) before anything is sent, by its zod schema (./schema.ts): every
 * field's type and range, the rules between fields, and the forms only local networks may use. Every problem is
 * collected and reported together as `path: message` in one {@link FundConfigError}.
 */
import * as fs from "fs";
import * as path from "path";
import type { z } from "zod";
import { FundConfig, OFAC_EMBARGOED_COUNTRIES, CountryRule } from "./types";
import { formatPath, fundConfigSchema, type ValidationContext } from "./schema";
import { REMOTE_NETWORKS } from "../networks";

export type { ValidationContext, HolderThreshold } from "./schema";
export { MIN_SAFE_THRESHOLD, roleHolderThresholdProblems } from "./schema";

/** Every problem of a config, each as `path: message`. */
export class FundConfigError extends Error {
  constructor(
    readonly network: string,
    readonly problems: string[],
  ) {
    super(
      `Invalid fund config for network "${network}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "FundConfigError";
  }
}

/** A field that is absent or null is "required"; every other message is the schema's own. */
const required: z.ZodErrorMap = (issue, ctx) =>
  issue.code === "invalid_type" &&
  (issue.received === "undefined" || issue.received === "null") &&
  typeof issue.path[issue.path.length - 1] === "string"
    ? { message: "is required" }
    : { message: ctx.defaultError };

/**
 * Checks a whole fund config against the network it is deployed to and returns it typed, with every
 * problem found reported together in a {@link FundConfigError}.
 */
export function validateFundConfig(raw: unknown, ctx: ValidationContext): FundConfig {
  const result = fundConfigSchema(ctx).safeParse(raw, { errorMap: required });
  if (result.success) return raw as FundConfig;
  const problems = result.error.issues.map((issue) =>
    issue.code === "custom" && issue.params?.raw
      ? issue.message
      : `${formatPath(issue.path) || "config"}: ${issue.message}`,
  );
  // A missing field is reported first with the unknown ones, then again by its schema.
  throw new FundConfigError(ctx.network, [...new Set(problems)]);
}

/** Sorted, de-duplicated ISO codes a country rule lists, including the OFAC preset when enabled. */
export function countryList(rule: CountryRule): number[] {
  const codes = new Set(rule.countries);
  if (rule.presetEmbargoed) OFAC_EMBARGOED_COUNTRIES.forEach((code) => codes.add(code));
  return [...codes].sort((a, b) => a - b);
}

/**
 * Folder of the per-network configs: data the issuer edits, kept beside the deploy scripts that read them (loaded by
 * path, not imported, so lib/ stays below deploy/).
 */
export const CONFIG_DIR = path.join(__dirname, "..", "..", "deploy", "config");
/** Networks where local-only forms are allowed by default. */
export const LOCAL_NETWORKS: readonly string[] = ["hardhat", "localhost"];
/** Chain ids of the networks hardhat.config.ts may define, used when the caller gives none. */
export const KNOWN_CHAIN_IDS: Readonly<Record<string, number>> = {
  hardhat: 31337,
  localhost: 31337,
  ...Object.fromEntries(Object.entries(REMOTE_NETWORKS).map(([name, { chainId }]) => [name, chainId])),
};

/**
 * Loads `deploy/config/<network>.ts` (or `.json`) and validates it. The context defaults from the network
 * name: local for hardhat and localhost, the chain id from {KNOWN_CHAIN_IDS}; deploy scripts should pass the
 * connected chain id and account count.
 */
export function loadFundConfig(
  network: string,
  ctx: Partial<Omit<ValidationContext, "network">> = {},
  dir: string = CONFIG_DIR,
): FundConfig {
  if (!/^[A-Za-z0-9_-]+$/.test(network)) {
    throw new Error(`"${network}" is not a network name`);
  }
  const files = [".ts", ".json"].map((ext) => path.join(dir, network + ext)).filter((f) => fs.existsSync(f));
  const shown = (f: string) => path.relative(process.cwd(), f);
  if (files.length === 0) {
    const existing = fs
      .readdirSync(dir)
      .map((f) => path.parse(f))
      .filter((f) => f.ext === ".ts" || f.ext === ".json")
      .map((f) => f.name);
    throw new Error(
      `No fund config for network "${network}": create ${shown(path.join(dir, `${network}.ts`))} (or .json). ` +
        `Networks with a config: ${[...new Set(existing)].sort().join(", ") || "none"}`,
    );
  }
  if (files.length > 1)
    throw new Error(`Two fund configs for network "${network}": ${files.map(shown).join(" and ")}; keep one`);
  const file = files[0];
  let raw: unknown;
  if (file.endsWith(".json")) {
    try {
      raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
      throw new Error(`Fund config ${shown(file)} is not valid JSON: ${(error as Error).message}`);
    }
  } else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(file) as { default?: unknown };
    raw = mod.default ?? mod;
  }
  const chainId = ctx.chainId ?? KNOWN_CHAIN_IDS[network];
  if (chainId === undefined)
    throw new Error(`Chain id of network "${network}" unknown: pass it in the context`);
  return validateFundConfig(raw, {
    network,
    chainId,
    isLocal: ctx.isLocal ?? LOCAL_NETWORKS.includes(network),
    accountCount: ctx.accountCount,
  });
}
