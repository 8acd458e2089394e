/**
 * Complete validation of a fund config (./types.ts) before anything is sent: every field's type and range,
 * the rules between fields, and the forms only local networks may use. Every problem is collected and
 * reported together as `path: message` in one {@link FundConfigError}.
 */
import * as fs from "fs";
import * as path from "path";
import { ZeroAddress, formatUnits, getAddress, parseUnits } from "ethers";
import { INVESTOR_CLASS_NAMES, isClassName } from "../classes";
import {
  FundConfig,
  MAX_FLOW_FEE_BPS,
  MAX_NAV_CARRY_RATE_BPS,
  MAX_GOVERNANCE_DELAY,
  OFAC_EMBARGOED_COUNTRIES,
  REPLACE_ME,
  ROLE_HOLDERS,
  TOKEN_DECIMALS,
  USD_DECIMALS,
  CountryRule,
  type RoleHolderName,
} from "./types";
import { REMOTE_NETWORKS } from "../networks";
import { deploymentProblems, multichainProblems, type MultichainConfig } from "../deploy/multichain-config";
import {
  ComplianceBase,
  CcipEndpoint,
  CrossChainAssetEscrow,
  DvPSettlement,
  FeedMath,
  FundTokenBase,
  IdentityRegistry,
  NavOracle,
} from "../generated/contracts";

export interface ValidationContext {
  /** Hardhat network name, e.g. "sepolia". */
  network: string;
  chainId: number;
  /** Whether local-only forms (Hardhat account indexes, mock deployments) are allowed. */
  isLocal: boolean;
  /** Number of Hardhat accounts, to bound account indexes (local networks). */
  accountCount?: number;
}

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

const UINT16_MAX = 2 ** 16 - 1;
const UINT32_MAX = 2 ** 32 - 1;
const UINT64_MAX = 2n ** 64n - 1n;
const INT192_MAX = 2n ** 191n - 1n;
const UINT96_MAX = 2n ** 96n - 1n;
// The contracts' own limits, generated from them (lib/generated/contracts.ts).
const { MAX_KYC_VALIDITY } = IdentityRegistry;
const { MAX_LOCK_PERIOD } = ComplianceBase;
const { MAX_MANAGEMENT_FEE_BPS } = FundTokenBase;
const { MAX_FEED_DECIMALS } = FeedMath;
/** NavOracle's basis-point scale: the largest maxChangeBpsPerDay it accepts. */
const NAV_MAX_CHANGE_BPS = Number(NavOracle.BPS);
/** Safe's owner-list sentinel, never a valid owner. */
const SAFE_SENTINEL = "0x0000000000000000000000000000000000000001";
const SYMBOL = /^[A-Za-z0-9.-]{1,11}$/;

type Obj = Record<string, unknown>;

/** Reads values of unknown shape, recording a problem for each one that is wrong. */
class Checker {
  readonly problems: string[] = [];

  constructor(readonly ctx: ValidationContext) {}

  fail(at: string, message: string): undefined {
    this.problems.push(`${at || "config"}: ${message}`);
    return undefined;
  }

  /** An object with exactly the given keys (optional ones may be absent or null); missing keys are reported. */
  object(at: string, v: unknown, required: string[], optional: string[] = []): Obj | undefined {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return this.fail(at, "must be an object");
    const o = v as Obj;
    const known = [...required, ...optional];
    for (const key of Object.keys(o)) {
      if (!known.includes(key))
        this.fail(join(at, key), `unknown field (expected one of: ${known.join(", ")})`);
    }
    for (const key of required) {
      if (o[key] === undefined || o[key] === null) this.fail(join(at, key), "is required");
    }
    return o;
  }

  list(at: string, v: unknown): unknown[] | undefined {
    return Array.isArray(v) ? v : this.fail(at, "must be a list");
  }

  int(at: string, v: unknown, min: number, max: number, note = ""): number | undefined {
    if (typeof v === "number" && Number.isInteger(v) && v >= min && v <= max) return v;
    return this.fail(at, `must be an integer between ${min} and ${max}${note}, got ${show(v)}`);
  }

  bool(at: string, v: unknown): boolean | undefined {
    return typeof v === "boolean" ? v : this.fail(at, `must be true or false, got ${show(v)}`);
  }

  text(at: string, v: unknown): string | undefined {
    if (typeof v !== "string" || v.trim() === "")
      return this.fail(at, `must be a non-empty string, got ${show(v)}`);
    if (v.trim() !== v) return this.fail(at, `must not start or end with spaces, got ${show(v)}`);
    return v;
  }

  symbol(at: string, v: unknown): string | undefined {
    if (typeof v === "string" && SYMBOL.test(v)) return v;
    return this.fail(at, `must be 1 to 11 letters, digits, "." or "-", got ${show(v)}`);
  }

  /** A non-zero address, checksum-valid when mixed-case; returned checksummed. */
  address(at: string, v: unknown): string | undefined {
    if (typeof v !== "string") return this.fail(at, `must be an address, got ${show(v)}`);
    if (v.startsWith(REPLACE_ME)) {
      const what = v.slice(REPLACE_ME.length).replace(/^[\s:]+/, "");
      return this.fail(at, `placeholder to fill in${what ? `: ${what}` : ""}`);
    }
    if (!/^0x[0-9a-fA-F]{40}$/.test(v)) return this.fail(at, `not an address: ${show(v)}`);
    let address: string;
    try {
      address = getAddress(v);
    } catch {
      return this.fail(at, `invalid EIP-55 checksum: ${show(v)}`);
    }
    if (address === ZeroAddress) return this.fail(at, "must not be the zero address");
    return address;
  }

  /** A Hardhat account index: local networks only, below the account count when known. */
  accountIndex(at: string, v: unknown): number | undefined {
    if (!this.ctx.isLocal) {
      return this.fail(
        at,
        `Hardhat account indexes are only allowed on local networks (network "${this.ctx.network}")`,
      );
    }
    const count = this.ctx.accountCount;
    return this.int(
      at,
      v,
      0,
      count === undefined ? Number.MAX_SAFE_INTEGER : count - 1,
      count === undefined ? "" : ` (the network has ${count} accounts)`,
    );
  }

  /** An address, or on local networks `{ account: index }`. */
  accountRef(at: string, v: unknown): string | undefined {
    if (typeof v === "string") return this.address(at, v);
    if (typeof v === "object" && v !== null && !Array.isArray(v) && "account" in v) {
      const o = this.object(at, v, ["account"]);
      const index = o && this.accountIndex(join(at, "account"), o.account);
      return index === undefined ? undefined : `#${index}`;
    }
    return this.fail(at, `must be an address or { account: index }, got ${show(v)}`);
  }

  /** A decimal string with at most `decimals` decimals, parsed to base units. */
  amount(
    at: string,
    v: unknown,
    decimals: number,
    opts: { positive?: boolean; max?: bigint; maxName?: string } = {},
  ): bigint | undefined {
    if (typeof v === "number") return this.fail(at, `must be a decimal string (e.g. "${v}"), not a number`);
    if (typeof v !== "string" || !/^\d+(\.\d+)?$/.test(v))
      return this.fail(at, `not a decimal amount: ${show(v)}`);
    const fraction = v.split(".")[1] ?? "";
    if (fraction.length > decimals)
      return this.fail(at, `has more than ${decimals} decimal places: ${show(v)}`);
    const value = parseUnits(v, decimals);
    if (opts.positive && value === 0n) return this.fail(at, "must be > 0");
    if (opts.max !== undefined && value > opts.max) {
      return this.fail(at, `exceeds ${opts.maxName} (max ${formatUnits(opts.max, decimals)}): ${show(v)}`);
    }
    return value;
  }

  /** A CCIP chain selector: a decimal string of a uint64 > 0. */
  selector(at: string, v: unknown): bigint | undefined {
    if (typeof v === "number") {
      return this.fail(
        at,
        "must be a decimal string, not a number (selectors exceed JavaScript's safe integers)",
      );
    }
    if (typeof v === "string" && /^\d+$/.test(v) && BigInt(v) > 0n && BigInt(v) <= UINT64_MAX)
      return BigInt(v);
    return this.fail(at, `must be a CCIP chain selector (a uint64 > 0 as a decimal string), got ${show(v)}`);
  }

  /** Reports every item equal to an earlier one (undefined items are skipped); returns the distinct items. */
  noDuplicates<T>(at: string, items: (T | undefined)[], what = (i: number) => `${at}[${i}]`): Set<T> {
    const first = new Map<T, number>();
    items.forEach((item, i) => {
      if (item === undefined) return;
      const j = first.get(item);
      if (j === undefined) first.set(item, i);
      else this.fail(what(i), `duplicate of ${what(j)}`);
    });
    return new Set(first.keys());
  }
}

function join(at: string, key: string | number): string {
  return typeof key === "number" ? `${at}[${key}]` : at ? `${at}.${key}` : key;
}

function show(v: unknown): string {
  if (v === undefined) return "undefined";
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "number") return String(v);
  return JSON.stringify(v) ?? String(v);
}

const isSet = (v: unknown) => v !== undefined && v !== null;

// ------------------------------------------------------------------------------------------------ sections

function checkFund(c: Checker, v: unknown): void {
  const o = c.object(
    "fund",
    v,
    ["name", "symbol", "managementFeeBps", "feeWallet", "custodian"],
    ["onchainId"],
  );
  if (!o) return;
  if (isSet(o.name)) c.text("fund.name", o.name);
  if (isSet(o.symbol)) c.symbol("fund.symbol", o.symbol);
  if (isSet(o.onchainId)) c.address("fund.onchainId", o.onchainId);
  if (isSet(o.managementFeeBps))
    c.int("fund.managementFeeBps", o.managementFeeBps, 0, MAX_MANAGEMENT_FEE_BPS, " (FundToken cap)");
  if (isSet(o.feeWallet)) c.accountRef("fund.feeWallet", o.feeWallet);
  if (isSet(o.custodian)) c.accountRef("fund.custodian", o.custodian);
}

/** Smallest threshold of a role holder's Safe: no role is held by a single key (docs/ROLES.md). */
export const MIN_SAFE_THRESHOLD = 2;

/** A role holder's Safe threshold and the config path it is reported at. */
export interface HolderThreshold {
  threshold: number;
  /** e.g. `governance.issuer.safe.threshold`, or `governance.issuer.existingSafe` for a Safe read on chain. */
  at: string;
}

/**
 * The threshold rules of the role holders' Safes, as `path: message` problems: every Safe needs at least
 * {@link MIN_SAFE_THRESHOLD} signatures, and the admin's Safe (which grants every role and wires every function)
 * at least as many as the Safe of any other role. Holders missing from `holders` are not compared. The
 * validator applies it to the Safes the config creates; the thresholds of existing Safes are only known on
 * chain, where the same function can check them (see docs/SAFE.md).
 */
export function roleHolderThresholdProblems(
  holders: Partial<Record<RoleHolderName, HolderThreshold>>,
): string[] {
  const problems: string[] = [];
  const mustBe = (at: string) => `${at}: ${at.endsWith(".threshold") ? "" : "threshold "}must be`;
  for (const role of ROLE_HOLDERS) {
    const h = holders[role];
    if (h !== undefined && h.threshold < MIN_SAFE_THRESHOLD) {
      problems.push(
        `${mustBe(h.at)} at least ${MIN_SAFE_THRESHOLD} (a role is never held by a single key), got ${h.threshold}`,
      );
    }
  }
  const admin = holders.admin;
  if (admin === undefined) return problems;
  let highest: { role: RoleHolderName; threshold: number } | undefined;
  for (const role of ROLE_HOLDERS) {
    const h = holders[role];
    if (role !== "admin" && h !== undefined && h.threshold > (highest?.threshold ?? 0))
      highest = { role, threshold: h.threshold };
  }
  if (highest !== undefined && admin.threshold < highest.threshold) {
    problems.push(
      `${mustBe(admin.at)} >= the highest threshold of the other role holders ` +
        `(${admin.threshold} < ${highest.threshold} of ${holders[highest.role]!.at}): the admin grants every role`,
    );
  }
  return problems;
}

interface HolderCheck {
  /** Equal for holders that are the same signers. */
  key: string;
  /** The threshold of a Safe the config creates (known before deployment). */
  threshold?: HolderThreshold;
}

/** Checks a role holder; undefined if invalid. */
function checkHolder(c: Checker, at: string, v: unknown): HolderCheck | undefined {
  const forms = ["safe", "existingSafe", "account"];
  const shape = "must be { safe: { owners, threshold } }, { existingSafe: address } or { account: index }";
  if (typeof v !== "object" || v === null || Array.isArray(v)) return c.fail(at, shape);
  const given = forms.filter((f) => isSet((v as Obj)[f]));
  if (given.length !== 1)
    return c.fail(at, `${shape}, got ${given.length === 0 ? "none" : given.join(" and ")}`);
  const o = c.object(
    at,
    v,
    given,
    forms.filter((f) => f !== given[0]),
  );
  if (!o) return undefined;
  if (given[0] === "existingSafe") {
    const address = c.address(join(at, "existingSafe"), o.existingSafe);
    return address === undefined ? undefined : { key: `safe ${address}` };
  }
  if (given[0] === "account") {
    const index = c.accountIndex(join(at, "account"), o.account);
    return index === undefined ? undefined : { key: `account #${index}` };
  }
  const safeAt = join(at, "safe");
  const safe = c.object(safeAt, o.safe, ["owners", "threshold"]);
  if (!safe) return undefined;
  const ownersAt = join(safeAt, "owners");
  const owners = isSet(safe.owners) ? c.list(ownersAt, safe.owners) : undefined;
  if (!owners) return undefined;
  if (owners.length === 0) return c.fail(ownersAt, "must list at least one owner");
  const keys = owners.map((owner, i) => {
    const ownerAt = join(ownersAt, i);
    if (typeof owner === "number") {
      const index = c.accountIndex(ownerAt, owner);
      return index === undefined ? undefined : `#${index}`;
    }
    const address = c.address(ownerAt, owner);
    if (address === SAFE_SENTINEL) return c.fail(ownerAt, "is Safe's sentinel address, never a valid owner");
    return address;
  });
  const distinct = c.noDuplicates(ownersAt, keys);
  const thresholdAt = join(safeAt, "threshold");
  const threshold = isSet(safe.threshold)
    ? c.int(thresholdAt, safe.threshold, 1, owners.length, " (the number of owners)")
    : undefined;
  if (threshold === undefined || keys.includes(undefined) || distinct.size !== keys.length) return undefined;
  return {
    key: `${threshold} of ${[...distinct].sort().join(",")}`,
    threshold: { threshold, at: thresholdAt },
  };
}

function checkGovernance(c: Checker, v: unknown): void {
  const o = c.object("governance", v, [...ROLE_HOLDERS, "delays"]);
  if (!o) return;
  const holders: Partial<Record<string, string>> = {};
  const thresholds: Partial<Record<RoleHolderName, HolderThreshold>> = {};
  for (const role of ROLE_HOLDERS) {
    if (!isSet(o[role])) continue;
    const holder = checkHolder(c, `governance.${role}`, o[role]);
    holders[role] = holder?.key;
    if (holder?.threshold !== undefined) thresholds[role] = holder.threshold;
  }
  c.problems.push(...roleHolderThresholdProblems(thresholds));
  const separate = (role: string, other: string, why: string) => {
    if (holders[role] !== undefined && holders[role] === holders[other]) {
      c.fail(`governance.${role}`, `must not be the same holder as governance.${other} (${why})`);
    }
  };
  separate("guardian", "issuer", "the guardian cancels the issuer's scheduled operations");
  separate(
    "transferAgent",
    "issuer",
    "no single holder may both move investors' tokens and change the rules",
  );

  if (!isSet(o.delays)) return;
  const d = c.object("governance.delays", o.delays, ["issuer", "admin", "roleGrant"]);
  if (!d) return;
  const delay = (key: string) =>
    isSet(d[key])
      ? c.int(`governance.delays.${key}`, d[key], 0, MAX_GOVERNANCE_DELAY, " (30 days)")
      : undefined;
  const issuer = delay("issuer");
  const admin = delay("admin");
  delay("roleGrant");
  if (!c.ctx.isLocal) {
    const why = "on a real network (the guardian needs time to cancel)";
    if (issuer === 0) c.fail("governance.delays.issuer", `must be > 0 ${why}`);
    if (admin === 0) c.fail("governance.delays.admin", `must be > 0 ${why}`);
  }
  if (issuer !== undefined && admin !== undefined && admin < issuer) {
    c.fail(
      "governance.delays.admin",
      `must be >= the issuer delay (${admin} < ${issuer}), or the admin could rewire issuer functions to bypass it`,
    );
  }
}

function checkIdentity(c: Checker, v: unknown): void {
  const o = c.object("identity", v, ["defaultKycValiditySeconds"]);
  if (o && isSet(o.defaultKycValiditySeconds)) {
    c.int(
      "identity.defaultKycValiditySeconds",
      o.defaultKycValiditySeconds,
      1,
      MAX_KYC_VALIDITY,
      " (5 years)",
    );
  }
}

function checkCountryRule(c: Checker, v: unknown): void {
  const at = "compliance.country";
  const o = c.object(at, v, ["mode", "countries"], ["presetEmbargoed"]);
  if (!o) return;
  const mode = o.mode;
  if (isSet(mode) && mode !== "deny" && mode !== "allow")
    c.fail(`${at}.mode`, `must be "deny" or "allow", got ${show(mode)}`);
  const preset = isSet(o.presetEmbargoed) ? c.bool(`${at}.presetEmbargoed`, o.presetEmbargoed) : false;
  if (preset && mode === "allow") {
    c.fail(
      `${at}.presetEmbargoed`,
      "only applies to a deny list (an allow list would admit the embargoed countries)",
    );
  }
  const countries = isSet(o.countries) ? c.list(`${at}.countries`, o.countries) : undefined;
  if (!countries) return;
  const codes = countries.map((code, i) =>
    c.int(`${at}.countries[${i}]`, code, 1, 999, " (ISO-3166 numeric)"),
  );
  c.noDuplicates(`${at}.countries`, codes);
  if (countries.length === 0 && !preset) {
    c.fail(
      `${at}.countries`,
      `must list at least one country${mode === "allow" ? "" : " (or set presetEmbargoed)"}`,
    );
  }
}

function checkSanctionsRule(c: Checker, v: unknown): void {
  const at = "compliance.sanctions";
  const o = c.object(at, v, [], ["oracle", "wallets"]);
  if (!o) return;
  if (isSet(o.oracle)) c.address(`${at}.oracle`, o.oracle);
  const wallets = isSet(o.wallets) ? c.list(`${at}.wallets`, o.wallets) : undefined;
  if (wallets)
    c.noDuplicates(
      `${at}.wallets`,
      wallets.map((w, i) => c.address(`${at}.wallets[${i}]`, w)),
    );
}

function checkClassRule(c: Checker, v: unknown): void {
  const at = "compliance.investorClass";
  const lists = ["requiredAll", "requiredAny", "barred"];
  const o = c.object(at, v, [], lists);
  if (!o) return;
  const names: Record<string, (string | undefined)[]> = {};
  for (const key of lists) {
    const items = isSet(o[key]) ? c.list(`${at}.${key}`, o[key]) : undefined;
    names[key] = (items ?? []).map((name, i) => {
      const itemAt = `${at}.${key}[${i}]`;
      if (typeof name !== "string" || !isClassName(name)) {
        const known = INVESTOR_CLASS_NAMES.filter((n) => n !== "protocol").join(", ");
        return c.fail(itemAt, `unknown investor class ${show(name)} (known: ${known})`);
      }
      if (name === "protocol")
        return c.fail(itemAt, "protocol accounts are exempt from the class rule; name an investor class");
      return name;
    });
    c.noDuplicates(`${at}.${key}`, names[key]);
  }
  const required = new Set([...names.requiredAll, ...names.requiredAny]);
  names.barred.forEach((name, i) => {
    if (name !== undefined && required.has(name)) c.fail(`${at}.barred[${i}]`, `"${name}" is also required`);
  });
  if (lists.every((key) => names[key].length === 0)) {
    c.fail(at, "must name at least one class in requiredAll, requiredAny or barred");
  }
}

function checkHoldingLimits(c: Checker, v: unknown): void {
  const at = "compliance.holdingLimits";
  const o = c.object(at, v, ["min"], ["max"]);
  if (!o) return;
  const bound = { max: UINT96_MAX, maxName: "uint96" };
  const min = isSet(o.min) ? c.amount(`${at}.min`, o.min, TOKEN_DECIMALS, bound) : undefined;
  const max = isSet(o.max)
    ? c.amount(`${at}.max`, o.max, TOKEN_DECIMALS, { ...bound, positive: true })
    : undefined;
  if (min === 0n && !isSet(o.max)) c.fail(at, "must set a min > 0 or a max");
  if (min !== undefined && max !== undefined && max < min)
    c.fail(`${at}.max`, `must be >= min (${o.max} < ${o.min})`);
}

function checkCompliance(c: Checker, v: unknown): void {
  const rules = [
    "country",
    "sanctions",
    "investorClass",
    "maxInvestors",
    "holdingLimits",
    "lockup",
    "transferLimit",
  ];
  const o = c.object("compliance", v, [], rules);
  if (!o) return;
  if (isSet(o.country)) checkCountryRule(c, o.country);
  if (isSet(o.sanctions)) checkSanctionsRule(c, o.sanctions);
  if (isSet(o.investorClass)) checkClassRule(c, o.investorClass);
  if (isSet(o.maxInvestors)) c.int("compliance.maxInvestors", o.maxInvestors, 1, UINT32_MAX);
  if (isSet(o.holdingLimits)) checkHoldingLimits(c, o.holdingLimits);
  if (isSet(o.lockup)) {
    const lock = c.object("compliance.lockup", o.lockup, ["periodSeconds"]);
    if (lock && isSet(lock.periodSeconds)) {
      c.int("compliance.lockup.periodSeconds", lock.periodSeconds, 1, MAX_LOCK_PERIOD, " (10 years)");
    }
  }
  if (isSet(o.transferLimit)) {
    const limit = c.object("compliance.transferLimit", o.transferLimit, ["maxDailyOutflow"]);
    if (limit && isSet(limit.maxDailyOutflow)) {
      c.amount("compliance.transferLimit.maxDailyOutflow", limit.maxDailyOutflow, TOKEN_DECIMALS, {
        positive: true,
        max: UINT96_MAX,
        maxName: "uint96",
      });
    }
  }
}

/** A feed source: `{ feed }` or `{ publisher }` plus the consumer's own keys. Returns the publisher's min interval. */
function checkFeedSource(
  c: Checker,
  at: string,
  v: unknown,
  initialKey: string,
  consumerKeys: string[],
): { o?: Obj; minInterval?: number } {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return { o: c.object(at, v, []) };
  const hasFeed = isSet((v as Obj).feed);
  const hasPublisher = isSet((v as Obj).publisher);
  if (hasFeed === hasPublisher) {
    c.fail(at, `must have either feed or publisher${hasFeed ? ", not both" : ""}`);
  }
  const o = c.object(at, v, consumerKeys, ["feed", "publisher"]);
  if (!o) return {};
  if (hasFeed) c.address(`${at}.feed`, o.feed);
  if (!hasPublisher) return { o };
  const pAt = `${at}.publisher`;
  const p = c.object(pAt, o.publisher, [
    "decimals",
    "description",
    "minIntervalSeconds",
    "maxChangeBpsPerRound",
    initialKey,
  ]);
  if (!p) return { o };
  const decimals = isSet(p.decimals) ? c.int(`${pAt}.decimals`, p.decimals, 0, MAX_FEED_DECIMALS) : undefined;
  if (isSet(p.description)) c.text(`${pAt}.description`, p.description);
  const minInterval = isSet(p.minIntervalSeconds)
    ? c.int(`${pAt}.minIntervalSeconds`, p.minIntervalSeconds, 1, UINT32_MAX)
    : undefined;
  if (isSet(p.maxChangeBpsPerRound))
    c.int(`${pAt}.maxChangeBpsPerRound`, p.maxChangeBpsPerRound, 1, UINT16_MAX);
  if (decimals !== undefined && isSet(p[initialKey])) {
    c.amount(`${pAt}.${initialKey}`, p[initialKey], decimals, {
      positive: true,
      max: INT192_MAX,
      maxName: "int192",
    });
  }
  return { o, minInterval };
}

function checkMaxAge(c: Checker, at: string, o: Obj, minInterval: number | undefined): void {
  if (!isSet(o.maxAgeSeconds)) return;
  const maxAge = c.int(`${at}.maxAgeSeconds`, o.maxAgeSeconds, 1, UINT32_MAX);
  if (maxAge !== undefined && minInterval !== undefined && minInterval > maxAge) {
    c.fail(
      `${at}.publisher.minIntervalSeconds`,
      `must be <= ${at}.maxAgeSeconds (${minInterval} > ${maxAge}), or rounds go stale before the next may be published`,
    );
  }
}

function checkOracle(c: Checker, v: unknown): void {
  const o = c.object("oracle", v, ["nav", "reserve"]);
  if (!o) return;
  if (isSet(o.nav)) {
    const nav = checkFeedSource(c, "oracle.nav", o.nav, "initialNav", [
      "maxAgeSeconds",
      "maxChangeBpsPerDay",
      "allowDecrease",
    ]);
    if (nav.o) {
      checkMaxAge(c, "oracle.nav", nav.o, nav.minInterval);
      if (isSet(nav.o.maxChangeBpsPerDay))
        c.int("oracle.nav.maxChangeBpsPerDay", nav.o.maxChangeBpsPerDay, 1, NAV_MAX_CHANGE_BPS);
      if (isSet(nav.o.allowDecrease)) c.bool("oracle.nav.allowDecrease", nav.o.allowDecrease);
    }
  }
  if (isSet(o.reserve)) {
    const reserve = checkFeedSource(c, "oracle.reserve", o.reserve, "initialReserves", ["maxAgeSeconds"]);
    if (reserve.o) checkMaxAge(c, "oracle.reserve", reserve.o, reserve.minInterval);
  }
}

function checkStablecoins(c: Checker, v: unknown): void {
  const list = c.list("stablecoins", v);
  if (!list) return;
  if (list.length === 0) {
    c.fail("stablecoins", "must list at least one stablecoin");
    return;
  }
  const symbols: (string | undefined)[] = [];
  const addresses: (string | undefined)[] = [];
  list.forEach((item, i) => {
    const at = `stablecoins[${i}]`;
    const isObj = typeof item === "object" && item !== null && !Array.isArray(item);
    const form = isObj && isSet((item as Obj).deployMock) ? "deployMock" : "address";
    if (isObj && isSet((item as Obj).deployMock) && isSet((item as Obj).address)) {
      c.fail(at, "must have either address or deployMock, not both");
    }
    const o = c.object(at, item, ["symbol", form], [form === "address" ? "deployMock" : "address"]);
    if (!o) return;
    symbols[i] = isSet(o.symbol) ? c.symbol(`${at}.symbol`, o.symbol)?.toUpperCase() : undefined;
    if (form === "address" && isSet(o.address)) addresses[i] = c.address(`${at}.address`, o.address);
    if (form === "deployMock") {
      if (!c.ctx.isLocal) {
        c.fail(
          `${at}.deployMock`,
          `mock deployments are only allowed on local networks (network "${c.ctx.network}")`,
        );
      } else {
        const mock = c.object(`${at}.deployMock`, o.deployMock, ["decimals"]);
        if (mock && isSet(mock.decimals)) c.int(`${at}.deployMock.decimals`, mock.decimals, USD_DECIMALS, 18);
      }
    }
  });
  c.noDuplicates("stablecoins", symbols, (i) => `stablecoins[${i}].symbol`);
  c.noDuplicates("stablecoins", addresses, (i) => `stablecoins[${i}].address`);
}

function checkFundManager(c: Checker, v: unknown): void {
  const at = "fundManager";
  const usdKeys = ["minFirstInvestment", "minTopUp", "maxPerInvestor", "liquidityBufferTarget"];
  const o = c.object(at, v, [
    "subscriptionFeeBps",
    "redemptionFeeBps",
    ...usdKeys,
    "dailyLimits",
    "instantRedemption",
    "navCarryRateBps",
  ]);
  if (!o) return;
  for (const key of ["subscriptionFeeBps", "redemptionFeeBps"]) {
    if (isSet(o[key])) c.int(`${at}.${key}`, o[key], 0, MAX_FLOW_FEE_BPS, " (fee cap)");
  }
  if (isSet(o.navCarryRateBps)) {
    c.int(`${at}.navCarryRateBps`, o.navCarryRateBps, 0, MAX_NAV_CARRY_RATE_BPS, " (carry rate cap)");
  }
  const usd: Record<string, bigint | undefined> = {};
  for (const key of usdKeys) {
    if (isSet(o[key]))
      usd[key] = c.amount(`${at}.${key}`, o[key], USD_DECIMALS, {
        positive: key !== "liquidityBufferTarget",
      });
  }
  const instant = isSet(o.instantRedemption)
    ? c.bool(`${at}.instantRedemption`, o.instantRedemption)
    : undefined;

  const raw = (p: string): string => p.split(".").reduce((x: unknown, k) => (x as Obj)[k], o) as string;
  const atLeast = (big: string, small: string, bigValue?: bigint, smallValue?: bigint) => {
    if (bigValue !== undefined && smallValue !== undefined && bigValue < smallValue) {
      c.fail(`${at}.${big}`, `must be >= ${small} (${raw(big)} < ${raw(small)})`);
    }
  };
  atLeast("maxPerInvestor", "minFirstInvestment", usd.maxPerInvestor, usd.minFirstInvestment);
  if (instant && usd.liquidityBufferTarget === 0n)
    c.fail(`${at}.liquidityBufferTarget`, "must be > 0 when instantRedemption is on");

  if (!isSet(o.dailyLimits)) return;
  const limits = c.object(`${at}.dailyLimits`, o.dailyLimits, ["perInvestor", "global"]);
  if (!limits) return;
  const flows: Record<string, Record<string, bigint | undefined>> = {};
  for (const scope of ["perInvestor", "global"]) {
    const sAt = `${at}.dailyLimits.${scope}`;
    const s = isSet(limits[scope]) ? c.object(sAt, limits[scope], ["subscription", "redemption"]) : undefined;
    flows[scope] = {};
    for (const flow of ["subscription", "redemption"]) {
      if (s && isSet(s[flow]))
        flows[scope][flow] = c.amount(`${sAt}.${flow}`, s[flow], USD_DECIMALS, { positive: true });
    }
  }
  for (const flow of ["subscription", "redemption"]) {
    atLeast(
      `dailyLimits.global.${flow}`,
      `dailyLimits.perInvestor.${flow}`,
      flows.global[flow],
      flows.perInvestor[flow],
    );
  }
  atLeast(
    "dailyLimits.perInvestor.subscription",
    "minFirstInvestment",
    flows.perInvestor.subscription,
    usd.minFirstInvestment,
  );
}

function checkSettlement(c: Checker, v: unknown): void {
  const o = c.object("settlement", v, ["offchainPaymentDeadlineSeconds"], ["ccip"]);
  if (!o) return;
  if (isSet(o.offchainPaymentDeadlineSeconds)) {
    c.int(
      "settlement.offchainPaymentDeadlineSeconds",
      o.offchainPaymentDeadlineSeconds,
      DvPSettlement.MIN_PAYMENT_WINDOW,
      DvPSettlement.MAX_TRADE_DURATION,
      " (1 hour to 30 days)",
    );
  }
  if (!isSet(o.ccip)) return;
  const at = "settlement.ccip";
  const tuning = ["gasLimit", "confirmationGraceSeconds"];
  if (typeof o.ccip === "object" && !Array.isArray(o.ccip) && "local" in o.ccip) {
    const local = c.object(at, o.ccip, ["local"], tuning);
    if (!local) return;
    if (local.local !== true) c.fail(`${at}.local`, `must be true, got ${show(local.local)}`);
    else if (!c.ctx.isLocal) {
      c.fail(
        `${at}.local`,
        `the CCIP local simulator is only allowed on local networks (network "${c.ctx.network}")`,
      );
    }
    checkCcipTuning(c, at, local);
    return;
  }
  const ccip = c.object(at, o.ccip, ["router", "chainSelector", "allowedSourceChains"], tuning);
  if (!ccip) return;
  checkCcipTuning(c, at, ccip);
  if (isSet(ccip.router)) c.address(`${at}.router`, ccip.router);
  const own = isSet(ccip.chainSelector) ? c.selector(`${at}.chainSelector`, ccip.chainSelector) : undefined;
  const sources = isSet(ccip.allowedSourceChains)
    ? c.list(`${at}.allowedSourceChains`, ccip.allowedSourceChains)
    : undefined;
  if (!sources) return;
  if (sources.length === 0) c.fail(`${at}.allowedSourceChains`, "must list at least one source chain");
  const selectors = sources.map((item, i) => {
    const sAt = `${at}.allowedSourceChains[${i}]`;
    const s = c.object(sAt, item, ["chainSelector", "sender"]);
    if (!s) return undefined;
    if (isSet(s.sender)) c.address(`${sAt}.sender`, s.sender);
    const selector = isSet(s.chainSelector) ? c.selector(`${sAt}.chainSelector`, s.chainSelector) : undefined;
    if (selector !== undefined && selector === own)
      return c.fail(`${sAt}.chainSelector`, "is this chain's own selector");
    return selector;
  });
  c.noDuplicates(
    `${at}.allowedSourceChains`,
    selectors,
    (i) => `${at}.allowedSourceChains[${i}].chainSelector`,
  );
}

/** The optional settings of both CCIP forms (contracts/settlement/CcipEndpoint.sol, CrossChainAssetEscrow.sol). */
function checkCcipTuning(c: Checker, at: string, o: Obj): void {
  if (isSet(o.gasLimit)) {
    c.int(`${at}.gasLimit`, o.gasLimit, CcipEndpoint.MIN_GAS_LIMIT, CcipEndpoint.MAX_GAS_LIMIT);
  }
  if (isSet(o.confirmationGraceSeconds)) {
    c.int(
      `${at}.confirmationGraceSeconds`,
      o.confirmationGraceSeconds,
      CrossChainAssetEscrow.MIN_CONFIRMATION_GRACE,
      CrossChainAssetEscrow.MAX_CONFIRMATION_GRACE,
      " (8 hours, CCIP's smart execution window, to 30 days)",
    );
  }
}

/**
 * Issue 18: the deployment across networks (lib/deploy/multichain-config.ts): chains and lanes consistent, every
 * satellite's deployment described, and the config's network the home chain.
 */
function checkMultichain(c: Checker, mc: MultichainConfig): void {
  if (typeof mc !== "object" || mc === null || Array.isArray(mc) || typeof mc.home !== "object") {
    c.fail("multichain", "must be an object with home and satellites");
    return;
  }
  for (const p of [...multichainProblems(mc), ...deploymentProblems(mc)]) c.fail("multichain", p);
  // The fund config is the home chain's: satellites are deployed from it (FUND_CONFIG=<home network>).
  if (mc.home.network !== c.ctx.network)
    c.fail(
      "multichain.home.network",
      `is "${mc.home.network}", but this is the config of "${c.ctx.network}"`,
    );
  for (const [i, s] of (mc.satellites ?? []).entries()) {
    for (const r of ["admin", "issuer", "transferAgent", "guardian"] as const) {
      const v = s.deployment?.roles?.[r];
      if (v !== null && typeof v === "object" && !c.ctx.isLocal)
        c.fail(`multichain.satellites[${i}].deployment.roles.${r}`, "Hardhat account indexes are local only");
    }
  }
}

// ------------------------------------------------------------------------------------------------ entry points

/**
 * Checks a whole fund config against the network it is deployed to and returns it typed, with every
 * problem found reported together in a {@link FundConfigError}.
 */
export function validateFundConfig(raw: unknown, ctx: ValidationContext): FundConfig {
  const c = new Checker(ctx);
  const sections = [
    "fund",
    "governance",
    "identity",
    "compliance",
    "oracle",
    "stablecoins",
    "fundManager",
    "settlement",
  ];
  const o = c.object("", raw, sections, ["chainId", "multichain"]);
  if (o) {
    if (
      isSet(o.chainId) &&
      c.int("chainId", o.chainId, 1, Number.MAX_SAFE_INTEGER) !== undefined &&
      o.chainId !== ctx.chainId
    ) {
      c.fail(
        "chainId",
        `the config is for chain ${o.chainId} but network "${ctx.network}" has chain id ${ctx.chainId}`,
      );
    }
    if (isSet(o.fund)) checkFund(c, o.fund);
    if (isSet(o.governance)) checkGovernance(c, o.governance);
    if (isSet(o.identity)) checkIdentity(c, o.identity);
    if (isSet(o.compliance)) checkCompliance(c, o.compliance);
    if (isSet(o.oracle)) checkOracle(c, o.oracle);
    if (isSet(o.stablecoins)) checkStablecoins(c, o.stablecoins);
    if (isSet(o.fundManager)) checkFundManager(c, o.fundManager);
    if (isSet(o.settlement)) checkSettlement(c, o.settlement);
    if (isSet(o.multichain)) checkMultichain(c, o.multichain as MultichainConfig);
  }
  if (c.problems.length > 0) throw new FundConfigError(ctx.network, c.problems);
  return raw as FundConfig;
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
