/**
 * Investor onboarding and maintenance in the identity registry (the COMPLIANCE_OFFICER role's functions):
 * add one wallet, import a CSV in batches, update country/classes/KYC expiry, revoke and reinstate, remove a
 * wallet, show a wallet, list KYC expiries coming up.
 */
import * as fs from "fs";
import { task, types } from "hardhat/config";
import {
  FUND_ACCOUNT_CLASS,
  parseInvestorCsv,
  type Registration,
  type RejectedRow,
} from "../../lib/investors-csv";
import { classNames } from "../../lib/classes";
import { COUNTRY_MODE, RULES } from "../../lib/compliance-rules";
import { countryLabel } from "../../lib/countries";
import { OpsContext, TaskInputError, isoTime, runTask, say, tokens } from "./context";
import { ExecFlags, PerformResult, Step, perform, withExecutionFlags } from "./execute";
import {
  flag,
  parseAddress,
  parseAddressList,
  parseClasses,
  parseCountry,
  parseExpiry,
  parseInteger,
} from "./inputs";
import { chainNow, recordOf, requireRegistered, walletIndex, type WalletRecord } from "./chain";
import { sourceLine } from "./sources";
import { isRegisteredRecord, unpackRecord } from "../../lib/investor-record";
import { bulkReader, rpcConcurrency } from "../../lib/parallel";

/**
 * Largest batch of `batchRegisterInvestor`, and the default: about 29,000 gas a row measured (bench/results/ops.md),
 * so 200 rows take about 5.8 million gas, a fifth of a block, and 10,000 investors go in 50 transactions.
 */
export const MAX_BATCH_SIZE = 200;

function classText(bits: number): string {
  const names = classNames(bits);
  return names.length ? names.join("|") : "none";
}

// ------------------------------------------------------------------------------------------------ rules

/**
 * The compliance rules that would refuse a mint or a transfer to an investor of `country` and `classes`, read from
 * the chain (the country listing and class requirements the deploy config set): each as "<rule>: <why>; <code>".
 */
export async function investorRuleProblems(
  ctx: OpsContext,
  country: number,
  classes: number,
): Promise<string[]> {
  const { compliance } = ctx.fund.contracts;
  const rules = Number(await compliance.rules());
  const problems: string[] = [];
  if ((rules & RULES.COUNTRY) !== 0) {
    const [mode, listed] = await compliance.countryListing(country);
    const allowList = Number(mode) === COUNTRY_MODE.allow;
    if (allowList ? !listed : listed) {
      problems.push(
        `country rule: ${countryLabel(country)} is ${allowList ? "not on the allow-list" : "on the deny-list (embargoed)"}` +
          `; a mint or transfer to this investor would be refused with RECIPIENT_COUNTRY_RESTRICTED`,
      );
    }
  }
  if ((rules & RULES.INVESTOR_CLASS) !== 0) {
    const c = await compliance.classAndFlow();
    const [all, any, barred] = [Number(c.requiredAll), Number(c.requiredAny), Number(c.barred)];
    if ((classes & all) !== all || (any !== 0 && (classes & any) === 0)) {
      const need = [
        all !== 0 ? `all of ${classText(all)}` : "",
        any !== 0 ? `one of ${classText(any)}` : "",
      ].filter(Boolean);
      problems.push(
        `investor class rule: classes ${classText(classes)} lack ${need.join(" and ")}; a mint or transfer to this ` +
          `investor would be refused with RECIPIENT_CLASS_MISSING`,
      );
    }
    if ((classes & barred) !== 0) {
      problems.push(
        `investor class rule: ${classText(classes & barred)} is barred; a mint or transfer to this investor would be ` +
          `refused with RECIPIENT_CLASS_BARRED`,
      );
    }
  }
  return problems;
}

/** Refuses (or, with `force`, prints as warnings) the rule problems of an investor's country and classes. */
async function checkInvestorRules(
  ctx: OpsContext,
  country: number,
  classes: number,
  force: boolean | undefined,
  what: string,
): Promise<void> {
  const problems = await investorRuleProblems(ctx, country, classes);
  if (problems.length === 0) return;
  if (!force) {
    throw new TaskInputError(
      `${what}: ${problems.join("; ")}: nothing was sent (--force to register the investor anyway)`,
    );
  }
  for (const p of problems) say(`Warning (--force): ${p}`);
}

// ------------------------------------------------------------------------------------------------ add

export interface AddInvestorArgs extends ExecFlags {
  wallet: string;
  /** Defaults to the wallet (a new investor whose identity is its first wallet). */
  identity?: string;
  country: string;
  classes?: string;
  kycExpiry: string;
}

/**
 * Registers one investor wallet with its data. Investors only: `--classes protocol` and joining the identity of
 * one of the fund's own accounts are refused.
 */
export async function addInvestor(ctx: OpsContext, args: AddInvestorArgs): Promise<PerformResult> {
  const wallet = parseAddress("wallet", args.wallet);
  const identity = args.identity === undefined ? wallet : parseAddress("identity", args.identity);
  const country = parseCountry("country", args.country);
  const classes = parseClasses("classes", args.classes ?? "");
  const kycExpiry = parseExpiry("kycExpiry", args.kycExpiry, await chainNow(ctx));
  const existing = await recordOf(ctx, wallet);
  if (existing) {
    throw new TaskInputError(`--wallet: ${wallet} is already registered (identity ${existing.identity})`);
  }
  await checkInvestorRules(ctx, country, classes, args.force, "--country/--classes");
  if (identity !== wallet) {
    const identityRecord = await recordOf(ctx, identity);
    if (identityRecord && classNames(identityRecord.classes).includes(FUND_ACCOUNT_CLASS)) {
      throw new TaskInputError(
        `--identity: ${identity} is an account of the fund (class ${FUND_ACCOUNT_CLASS}, registered by the ` +
          `deploy scripts): an investor's wallet cannot join it`,
      );
    }
  }
  const step: Step = {
    target: ctx.fund.contracts.registry,
    fn: "registerInvestor",
    args: [wallet, identity, country, classes, kycExpiry],
    summary: `register ${wallet} for identity ${identity} (country ${country}, classes ${classText(classes)}, KYC until ${isoTime(kycExpiry)})`,
  };
  return perform(ctx, [step], args);
}

// ------------------------------------------------------------------------------------------------ import

export interface ImportInvestorsArgs extends ExecFlags {
  file: string;
  /** Register rows whose country or classes a compliance rule would refuse at mint (warned). */
  force?: boolean;
  batchSize?: string | number;
  skipInvalid?: boolean;
}

export interface ImportResult {
  valid: Registration[];
  rejected: RejectedRow[];
  /** Rows the registry already holds with the row's data (an earlier, interrupted run): not sent again. */
  done: Registration[];
  result?: PerformResult;
}

/** Prints the rejected rows of an investor CSV, with line numbers and reasons. */
export function printRejected(rejected: RejectedRow[]): void {
  for (const row of rejected) {
    say(`  line ${row.line}: ${row.raw === "" ? "(file)" : row.raw}`);
    for (const reason of row.reasons) say(`    - ${reason}`);
  }
}

/**
 * Checks every row of an investor CSV (format in lib/investors-csv.ts, including each wallet's registry
 * record), prints the rejected rows and stops unless `skipInvalid`, then registers the valid rows with
 * `batchRegisterInvestor` in batches of `batchSize`, printing each batch as it is sent. A row whose wallet the
 * registry already holds with the row's data (an earlier run of the file stopped halfway) is skipped, neither sent
 * nor rejected: re-running an interrupted import sends only what is missing.
 */
export async function importInvestors(ctx: OpsContext, args: ImportInvestorsArgs): Promise<ImportResult> {
  const batchSize = parseInteger("batchSize", args.batchSize ?? MAX_BATCH_SIZE, 1, MAX_BATCH_SIZE);
  if (typeof args.file !== "string" || args.file.trim() === "")
    throw new TaskInputError("--file is required");
  let text: string;
  try {
    text = fs.readFileSync(args.file, "utf8");
  } catch (error) {
    throw new TaskInputError(`--file: cannot read "${args.file}" (${(error as NodeJS.ErrnoException).code})`);
  }
  const registry = ctx.fund.contracts.registry;
  const reader = registry.connect(bulkReader(ctx.hre));
  const now = await chainNow(ctx);
  // One read per wallet (its record: a re-run finds the rows an interrupted run registered), `rpcConcurrency()`
  // in flight; the rules once per distinct country and classes.
  const rules = new Map<string, Promise<string[]>>();
  const problemsOf = (country: number, classes: number) => {
    const key = `${country}/${classes}`;
    if (!rules.has(key)) rules.set(key, investorRuleProblems(ctx, country, classes));
    return rules.get(key)!;
  };
  const {
    valid,
    rejected,
    done = [],
  } = await parseInvestorCsv(text, {
    now,
    recordOf: async (wallet) => {
      const word = await reader.investorRecord(wallet);
      return isRegisteredRecord(word) ? unpackRecord(word) : undefined;
    },
    ruleProblems: args.force ? undefined : problemsOf,
    concurrency: rpcConcurrency(),
  });
  if (args.force) {
    for (const row of valid) {
      for (const p of await problemsOf(Number(row.country), Number(row.classes)))
        say(`Warning (--force): ${row.wallet}: ${p}`);
    }
  }
  say(
    `${args.file}: ${valid.length} valid row(s), ` +
      (done.length > 0 ? `${done.length} already registered with the row's data (skipped), ` : "") +
      `${rejected.length} rejected`,
  );
  if (rejected.length > 0) printRejected(rejected);
  if (valid.length === 0 && done.length > 0 && (rejected.length === 0 || args.skipInvalid)) {
    say(`Nothing to send: every valid row of ${args.file} is registered already`);
    return { valid, rejected, done };
  }
  if (valid.length === 0) {
    throw new TaskInputError(
      `${args.file}: no valid row to register (${rejected.length} rejected, listed above); nothing was sent`,
    );
  }
  if (rejected.length > 0 && !args.skipInvalid) {
    throw new TaskInputError(
      `${args.file}: ${rejected.length} row(s) rejected (listed above): fix them, or pass --skip-invalid ` +
        `to register the ${valid.length} valid row(s) only; nothing was sent`,
    );
  }

  const batches = Math.ceil(valid.length / batchSize);
  const steps: Step[] = [];
  for (let b = 0; b < batches; b++) {
    const rows = valid.slice(b * batchSize, (b + 1) * batchSize);
    const first = b * batchSize + 1;
    steps.push({
      target: registry,
      fn: "batchRegisterInvestor",
      args: [rows],
      summary: `batch ${b + 1}/${batches}: register rows ${first}-${first + rows.length - 1} of ${valid.length}`,
    });
  }
  return { valid, rejected, done, result: await perform(ctx, steps, args) };
}

// ------------------------------------------------------------------------------------------------ update

/** The wallets named by `--wallets` (checked to belong to `identity`), or every wallet of the identity. */
async function walletsOfIdentity(
  ctx: OpsContext,
  identity: string,
  walletsArg: string | undefined,
): Promise<WalletRecord[]> {
  const now = await chainNow(ctx);
  if (walletsArg !== undefined) {
    const wallets = parseAddressList("wallets", walletsArg);
    const records: WalletRecord[] = [];
    for (const wallet of wallets) {
      const record = await recordOf(ctx, wallet, now);
      if (!record)
        throw new TaskInputError(`--wallets: ${wallet} is not registered in the identity registry`);
      if (record.identity !== identity) {
        throw new TaskInputError(
          `--wallets: ${wallet} belongs to identity ${record.identity}, not ${identity}`,
        );
      }
      records.push(record);
    }
    return records;
  }
  const wallets = (await walletIndex(ctx)).walletsOf.get(identity) ?? [];
  if (wallets.length === 0) throw new TaskInputError(`--identity: ${identity} has no registered wallet`);
  return Promise.all(wallets.map(async (w) => (await recordOf(ctx, w, now))!));
}

/** The identity named by `--identity`, or the identity of the first of `--wallets`. */
function identityArg(args: { identity?: string; wallets?: string }): string | undefined {
  if (args.identity !== undefined) return parseAddress("identity", args.identity);
  if (args.wallets === undefined) throw new TaskInputError("--identity or --wallets is required");
  return undefined;
}

async function resolveIdentity(
  ctx: OpsContext,
  args: { identity?: string; wallets?: string },
): Promise<string> {
  const identity = identityArg(args);
  if (identity !== undefined) return identity;
  const first = parseAddressList("wallets", args.wallets)[0];
  return (await requireRegistered(ctx, "wallets", first)).identity;
}

export interface UpdateInvestorArgs extends ExecFlags {
  identity: string;
  /** Comma-separated wallets of the identity; all its wallets when omitted. */
  wallets?: string;
  country?: string;
  classes?: string;
  kycExpiry?: string;
}

/**
 * Sets country, classes and KYC expiry on the identity's wallets; a field not given keeps its current value
 * (which the wallets must then share). Investors only: `--classes protocol` and the fund's own accounts
 * (registered with the protocol class by the deploy scripts) are refused.
 */
export async function updateInvestor(ctx: OpsContext, args: UpdateInvestorArgs): Promise<PerformResult> {
  const identity = parseAddress("identity", args.identity);
  const country = args.country === undefined ? undefined : parseCountry("country", args.country);
  const classes = args.classes === undefined ? undefined : parseClasses("classes", args.classes);
  if (args.wallets !== undefined) parseAddressList("wallets", args.wallets);
  if (country === undefined && classes === undefined && args.kycExpiry === undefined) {
    throw new TaskInputError("Nothing to update: give --country, --classes and/or --kyc-expiry");
  }
  const now = await chainNow(ctx);
  const kycExpiry = args.kycExpiry === undefined ? undefined : parseExpiry("kycExpiry", args.kycExpiry, now);
  const records = await walletsOfIdentity(ctx, identity, args.wallets);
  refuseFundAccount(records, "--identity", identity, "investor:update");
  const current = <K extends "country" | "classes" | "kycExpiry">(key: K, name: string): WalletRecord[K] => {
    const values = [...new Set(records.map((r) => r[key]))];
    if (values.length > 1) {
      throw new TaskInputError(
        `${flag(name)}: the wallets of ${identity} have different values (${values.join(", ")}): give ${flag(name)}`,
      );
    }
    return values[0];
  };
  const newCountry = country ?? current("country", "country");
  const newClasses = classes ?? current("classes", "classes");
  const newExpiry = kycExpiry ?? current("kycExpiry", "kycExpiry");
  if (newExpiry <= now) {
    throw new TaskInputError(
      `--kyc-expiry: the current KYC expiry ${isoTime(newExpiry)} has passed: give a new one`,
    );
  }
  const wallets = records.map((r) => r.wallet);
  if (
    records.every((r) => r.country === newCountry && r.classes === newClasses && r.kycExpiry === newExpiry)
  ) {
    throw new TaskInputError(
      `Nothing to update: the wallets of ${identity} already have country ${newCountry}, classes ` +
        `${classText(newClasses)} and KYC until ${isoTime(newExpiry)}; nothing was sent`,
    );
  }
  if (country !== undefined || classes !== undefined) {
    await checkInvestorRules(ctx, newCountry, newClasses, args.force, "--country/--classes");
  }
  const step: Step = {
    target: ctx.fund.contracts.registry,
    fn: "updateInvestor",
    args: [identity, wallets, newCountry, newClasses, newExpiry],
    summary:
      `update ${identity} (${wallets.length} wallet(s)): country ${newCountry}, classes ${classText(newClasses)}, ` +
      `KYC until ${isoTime(newExpiry)}`,
  };
  return perform(ctx, [step], args);
}

// ------------------------------------------------------------------------------------------------ revoke

export interface RevokeArgs extends ExecFlags {
  identity?: string;
  wallets?: string;
}

/**
 * Refuses the fund's own accounts (registered with the protocol class by the deploy scripts: fee wallet, fund
 * manager, settlement escrows, wrapper vault): the investor tasks change investors only, and revoking or removing
 * one of those accounts would stop the contract that uses it.
 */
function refuseFundAccount(records: WalletRecord[], flagName: string, who: string, taskName: string) {
  if (records.some((r) => classNames(r.classes).includes(FUND_ACCOUNT_CLASS))) {
    throw new TaskInputError(
      `${flagName}: ${who} is an account of the fund (class ${FUND_ACCOUNT_CLASS}, registered by the ` +
        `deploy scripts): ${taskName} changes investors only`,
    );
  }
}

/**
 * Revokes (or reinstates) the identity's wallets: a revoked wallet is no longer verified. Investors only: the
 * fund's own accounts are refused.
 */
export async function setInvestorRevoked(
  ctx: OpsContext,
  args: RevokeArgs,
  revoked: boolean,
): Promise<PerformResult> {
  if (args.wallets !== undefined) parseAddressList("wallets", args.wallets);
  const identity = await resolveIdentity(ctx, args);
  const records = await walletsOfIdentity(ctx, identity, args.wallets);
  refuseFundAccount(
    records,
    args.identity !== undefined ? "--identity" : "--wallets",
    identity,
    revoked ? "investor:revoke" : "investor:reinstate",
  );
  const wallets = records.filter((r) => r.revoked !== revoked).map((r) => r.wallet);
  if (wallets.length === 0) {
    throw new TaskInputError(
      `Every listed wallet of ${identity} is already ${revoked ? "revoked" : "reinstated"}: nothing to do`,
    );
  }
  const step: Step = {
    target: ctx.fund.contracts.registry,
    fn: "setRevoked",
    args: [identity, wallets, revoked],
    summary: `${revoked ? "revoke" : "reinstate"} ${wallets.length} wallet(s) of ${identity}`,
  };
  return perform(ctx, [step], args);
}

// ------------------------------------------------------------------------------------------------ remove

export interface RemoveArgs extends ExecFlags {
  wallet: string;
}

/** Deletes a wallet's registration; refused while it holds shares, and for the fund's own accounts. */
export async function removeInvestorWallet(ctx: OpsContext, args: RemoveArgs): Promise<PerformResult> {
  const wallet = parseAddress("wallet", args.wallet);
  const record = await requireRegistered(ctx, "wallet", wallet);
  refuseFundAccount([record], "--wallet", wallet, "investor:remove");
  const { token } = ctx.fund.contracts;
  const shares = await token.sharesOf(wallet);
  if (shares !== 0n) {
    throw new TaskInputError(
      `--wallet: ${wallet} still holds ${tokens(await token.balanceOf(wallet))} tokens (${shares} shares): ` +
        `move them first (token:recover or token:force-transfer)`,
    );
  }
  const step: Step = {
    target: ctx.fund.contracts.registry,
    fn: "deleteIdentity",
    args: [wallet],
    summary: `remove ${wallet} (identity ${record.identity}) from the registry`,
  };
  return perform(ctx, [step], args);
}

// ------------------------------------------------------------------------------------------------ show

export interface InvestorView {
  record: WalletRecord;
  classNames: string[];
  /** Every wallet of the identity (from the registry's events). */
  wallets: string[];
  balance: bigint;
  shares: bigint;
  frozen: boolean;
  frozenTokens: bigint;
  sanctioned: boolean;
  /** Who verified the record: the compliance officer or a verification source (docs/IDENTITY.md). */
  source: string;
  /** Compliance state of the identity (shares across wallets, outflow window, counted, locked shares). */
  compliance: {
    shares: bigint;
    outflowUsed: bigint;
    outflowUpdatedAt: bigint;
    counted: boolean;
    lockedShares: bigint;
  };
}

/** A wallet's record, balances and the compliance state of its investor. */
export async function showInvestor(ctx: OpsContext, args: { wallet: string }): Promise<InvestorView> {
  const wallet = parseAddress("wallet", args.wallet);
  const record = await requireRegistered(ctx, "wallet", wallet);
  const { token, compliance } = ctx.fund.contracts;
  const [balance, shares, frozen, frozenTokens, sanctioned, state, lockedShares, index] = await Promise.all([
    token.balanceOf(wallet),
    token.sharesOf(wallet),
    token.isFrozen(wallet),
    token.getFrozenTokens(wallet),
    compliance.isSanctioned(wallet),
    compliance.investorState(record.identity),
    compliance.lockedShares(record.identity),
    token.index(),
  ]);
  const wallets = (await walletIndex(ctx)).walletsOf.get(record.identity) ?? [wallet];
  const view: InvestorView = {
    record,
    classNames: classNames(record.classes),
    wallets,
    balance,
    shares,
    frozen,
    frozenTokens,
    sanctioned,
    source: await sourceLine(ctx, wallet),
    compliance: {
      shares: state.shares,
      outflowUsed: state.outflowUsed,
      outflowUpdatedAt: state.outflowUpdatedAt,
      counted: state.counted,
      lockedShares,
    },
  };
  say(`Wallet ${wallet}`);
  say(`  identity      ${record.identity} (wallets: ${wallets.join(", ")})`);
  say(`  country       ${record.country}`);
  say(`  classes       ${view.classNames.join(", ") || "none"}`);
  say(
    `  KYC expiry    ${isoTime(record.kycExpiry)}${record.kycExpiry <= (await chainNow(ctx)) ? " (EXPIRED)" : ""}`,
  );
  say(`  revoked       ${record.revoked}`);
  say(`  verified by   ${view.source}`);
  say(`  verified      ${record.verified}`);
  say(`  sanctioned    ${sanctioned}`);
  say(`  balance       ${tokens(balance)} (${shares} shares at index ${tokens(index)})`);
  say(`  frozen        ${frozen ? "whole wallet" : "no"}; frozen tokens ${tokens(frozenTokens)}`);
  say(
    `  investor      ${tokens((state.shares * index) / 10n ** 18n)} tokens across wallets (${state.shares} shares), ` +
      `counted ${state.counted}, locked ${tokens((lockedShares * index) / 10n ** 18n)}, outflow used ${tokens(state.outflowUsed)}`,
  );
  return view;
}

// ------------------------------------------------------------------------------------------------ expiring

export interface ExpiringArgs {
  days?: string | number;
}

/** Wallets whose KYC expires within `days` (or has expired), soonest first: the renewal worklist. */
export async function expiringInvestors(ctx: OpsContext, args: ExpiringArgs): Promise<WalletRecord[]> {
  const days = parseInteger("days", args.days ?? 30, 0, 3650);
  const now = await chainNow(ctx);
  const index = await walletIndex(ctx);
  const records: WalletRecord[] = [];
  for (const wallet of index.identityOf.keys()) {
    const record = (await recordOf(ctx, wallet, now))!;
    if (classNames(record.classes).includes("protocol")) continue;
    if (record.kycExpiry <= now + days * 86_400) records.push(record);
  }
  records.sort((a, b) => a.kycExpiry - b.kycExpiry);
  say(`${records.length} wallet(s) with KYC expiring by ${isoTime(now + days * 86_400)}:`);
  for (const r of records) {
    say(
      `  ${r.wallet}  identity ${r.identity}  ${isoTime(r.kycExpiry)}${r.kycExpiry <= now ? " EXPIRED" : ""}`,
    );
  }
  return records;
}

// ------------------------------------------------------------------------------------------------ tasks

export function registerInvestorTasks(): void {
  withExecutionFlags(
    task("investor:add", "Registers one investor wallet (COMPLIANCE_OFFICER)")
      .addParam("wallet", "Investor wallet", undefined, types.string)
      .addOptionalParam(
        "identity",
        "Investor identity (default: the wallet, a new investor)",
        undefined,
        types.string,
      )
      .addParam("country", "ISO-3166 numeric country code, e.g. 840", undefined, types.string)
      .addOptionalParam(
        "classes",
        "Classes, e.g. accredited,us_person (default: none)",
        undefined,
        types.string,
      )
      .addParam("kycExpiry", "KYC expiry: YYYY-MM-DD (00:00 UTC) or unix seconds", undefined, types.string)
      .addFlag("force", "Register even when a compliance rule would refuse a mint to the investor (warned)"),
  ).setAction((args, hre) => runTask(hre, (ctx) => addInvestor(ctx, args)));

  withExecutionFlags(
    task("investor:import", "Registers the investors of a CSV file in batches (COMPLIANCE_OFFICER)")
      .addParam("file", "CSV with header wallet,identity,country,classes,kycExpiry", undefined, types.string)
      .addOptionalParam(
        "batchSize",
        `Rows per transaction (1-${MAX_BATCH_SIZE})`,
        String(MAX_BATCH_SIZE),
        types.string,
      )
      .addFlag("skipInvalid", "Register the valid rows even when some are rejected")
      .addFlag(
        "force",
        "Register rows whose country or classes a compliance rule would refuse at mint (warned)",
      ),
  ).setAction((args, hre) => runTask(hre, (ctx) => importInvestors(ctx, args)));

  withExecutionFlags(
    task(
      "investor:update",
      "Sets country, classes and/or KYC expiry of an investor's wallets (COMPLIANCE_OFFICER)",
    )
      .addParam("identity", "Investor identity", undefined, types.string)
      .addOptionalParam(
        "wallets",
        "Comma-separated wallets (default: all of the identity)",
        undefined,
        types.string,
      )
      .addOptionalParam("country", "New ISO-3166 numeric country code", undefined, types.string)
      .addOptionalParam(
        "classes",
        "New classes, e.g. accredited,institutional (none for no class)",
        undefined,
        types.string,
      )
      .addOptionalParam("kycExpiry", "New KYC expiry: YYYY-MM-DD or unix seconds", undefined, types.string)
      .addFlag("force", "Apply even when a compliance rule would refuse a mint to the investor (warned)"),
  ).setAction((args, hre) => runTask(hre, (ctx) => updateInvestor(ctx, args)));

  for (const [name, revoked] of [
    ["investor:revoke", true],
    ["investor:reinstate", false],
  ] as const) {
    withExecutionFlags(
      task(name, `${revoked ? "Revokes" : "Reinstates"} an investor's wallets (COMPLIANCE_OFFICER)`)
        .addOptionalParam("identity", "Investor identity", undefined, types.string)
        .addOptionalParam(
          "wallets",
          "Comma-separated wallets (default: all of the identity)",
          undefined,
          types.string,
        ),
    ).setAction((args, hre) => runTask(hre, (ctx) => setInvestorRevoked(ctx, args, revoked)));
  }

  withExecutionFlags(
    task("investor:remove", "Deletes an empty wallet's registration (COMPLIANCE_OFFICER)").addParam(
      "wallet",
      "Wallet to remove",
      undefined,
      types.string,
    ),
  ).setAction((args, hre) => runTask(hre, (ctx) => removeInvestorWallet(ctx, args)));

  task("investor:show", "Shows a wallet's record, balance, freeze and its investor's compliance state")
    .addParam("wallet", "Wallet", undefined, types.string)
    .setAction((args, hre) => runTask(hre, (ctx) => showInvestor(ctx, args)));

  task("investor:expiring", "Lists wallets whose KYC expires within --days (renewal worklist)")
    .addOptionalParam("days", "Horizon in days", "30", types.string)
    .setAction((args, hre) => runTask(hre, (ctx) => expiringInvestors(ctx, args)));
}
