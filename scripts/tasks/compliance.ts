/**
 * Compliance operations: why a transfer would be refused (the token's `detectTransferRestriction`, decoded to
 * the rule, its message and the parameters involved, with both parties' records), and the internal sanctions
 * list kept by the compliance officer.
 */
import { task, types } from "hardhat/config";
import { ZeroAddress, getAddress } from "ethers";
import { deploymentBlock, scanLogs } from "../../lib/log-scan";
import { RESTRICTION, RESTRICTIONS, RULES, restrictionMessage } from "../../lib/compliance-rules";
import { simulateCall } from "../../lib/safe";
import { classNames } from "../../lib/classes";
import {
  OpsContext,
  TaskInputError,
  describeRevert,
  isoTime,
  revertDataFrom,
  runTask,
  say,
  tokens,
} from "./context";
import {
  ExecFlags,
  PerformResult,
  addressOf,
  fundInterfaces,
  perform,
  resolveHolder,
  withExecutionFlags,
} from "./execute";
import { parseAddress, parseAddressList, parseTokenAmount } from "./inputs";
import { chainNow, recordOf, type WalletRecord } from "./chain";

export interface Party {
  wallet: string;
  record?: WalletRecord;
  balance: bigint;
  frozen: boolean;
  frozenTokens: bigint;
  sanctioned: boolean;
}

export interface Explanation {
  code: number;
  /** Restriction name, e.g. "RECIPIENT_COUNTRY_RESTRICTED". */
  name: string;
  /** "NAME: text" as in lib/compliance-rules.ts. */
  message: string;
  /** The rule's parameters that decided it, when a compliance rule refused. */
  detail?: string;
  from: Party;
  to: Party;
  /** For a mint the compliance allows: the error the mint itself would revert with (e.g. ReserveExceeded). */
  mintRevert?: string;
}

async function party(ctx: OpsContext, wallet: string, now: number): Promise<Party> {
  const { token, compliance } = ctx.fund.contracts;
  const [record, balance, frozen, frozenTokens, sanctioned] = await Promise.all([
    recordOf(ctx, wallet, now),
    token.balanceOf(wallet),
    token.isFrozen(wallet),
    token.getFrozenTokens(wallet),
    compliance.isSanctioned(wallet),
  ]);
  return { wallet, record, balance, frozen, frozenTokens, sanctioned };
}

function describeParty(label: string, p: Party, now: number): string[] {
  const r = p.record;
  const lines = [`${label} ${p.wallet}`];
  if (!r) lines.push("    not registered");
  else {
    const status = r.verified
      ? "verified"
      : `NOT verified (${r.revoked ? "revoked" : `KYC expired ${isoTime(r.kycExpiry)}`})`;
    lines.push(
      `    identity ${r.identity}, country ${r.country}, classes ${classNames(r.classes).join("|") || "none"}`,
    );
    lines.push(`    ${status}; KYC until ${isoTime(r.kycExpiry)}${r.kycExpiry <= now ? " (expired)" : ""}`);
  }
  lines.push(
    `    balance ${tokens(p.balance)}, frozen tokens ${tokens(p.frozenTokens)}${p.frozen ? ", WALLET FROZEN" : ""}` +
      `${p.sanctioned ? ", SANCTIONED" : ""}`,
  );
  return lines;
}

function classList(bits: number | bigint): string {
  return classNames(Number(bits)).join("|") || "none";
}

/** The parameters of the rule behind a restriction code, read from the compliance. */
async function ruleDetail(
  ctx: OpsContext,
  name: string,
  from: Party,
  to: Party,
): Promise<string | undefined> {
  const { compliance, token } = ctx.fund.contracts;
  const rules = Number(await compliance.rules());
  const on = (rule: number) => ((rules & rule) !== 0 ? "on" : "off");
  switch (name) {
    case "SENDER_COUNTRY_RESTRICTED":
    case "RECIPIENT_COUNTRY_RESTRICTED": {
      const p = name.startsWith("SENDER") ? from : to;
      const country = p.record?.country ?? 0;
      const [mode, listed] = await compliance.countryListing(country);
      const list = Number(mode) === 1 ? "allow-list" : "deny-list";
      return `country rule (${on(RULES.COUNTRY)}): ${list}; country ${country} is ${listed ? "listed" : "not listed"}`;
    }
    case "RECIPIENT_CLASS_MISSING":
    case "RECIPIENT_CLASS_BARRED": {
      const c = await compliance.classAndFlow();
      return (
        `investor class rule (${on(RULES.INVESTOR_CLASS)}): required all ${classList(c.requiredAll)}, ` +
        `required any ${classList(c.requiredAny)}, barred ${classList(c.barred)}; ` +
        `recipient classes ${classList(to.record?.classes ?? 0)}`
      );
    }
    case "MAX_INVESTORS_REACHED": {
      const l = await compliance.limits();
      return `max investors rule (${on(RULES.MAX_INVESTORS)}): ${l.investorCount} of ${l.maxInvestors} investors`;
    }
    case "RECIPIENT_ABOVE_MAX_HOLDING":
    case "RECIPIENT_BELOW_MIN_HOLDING":
    case "SENDER_BELOW_MIN_HOLDING": {
      const l = await compliance.limits();
      const p = name.startsWith("SENDER") ? from : to;
      const state = p.record ? await compliance.investorState(p.record.identity) : undefined;
      const holding = state ? await token.amountForShares(state.shares) : 0n;
      return (
        `holding limits rule (${on(RULES.HOLDING_LIMITS)}): min ${tokens(l.minHolding)}, ` +
        `max ${l.maxHolding === 0n ? "none" : tokens(l.maxHolding)}; the investor holds ${tokens(holding)}`
      );
    }
    case "TOKENS_LOCKED": {
      const locked = from.record ? await compliance.lockedShares(from.record.identity) : 0n;
      return (
        `lockup rule (${on(RULES.LOCKUP)}): lock period ${await compliance.lockPeriod()} s; ` +
        `${tokens(await token.amountForShares(locked))} tokens of the sender's investor still locked`
      );
    }
    case "DAILY_OUTFLOW_EXCEEDED": {
      const c = await compliance.classAndFlow();
      const state = from.record ? await compliance.investorState(from.record.identity) : undefined;
      return (
        `transfer limit rule (${on(RULES.TRANSFER_LIMIT)}): ${tokens(c.maxDailyOutflow)} per rolling day; ` +
        `used ${tokens(state?.outflowUsed ?? 0n)} since ${isoTime(state?.outflowUpdatedAt ?? 0n)}`
      );
    }
    case "SENDER_SANCTIONED":
    case "RECIPIENT_SANCTIONED": {
      const oracle = await compliance.sanctionsOracle();
      return `sanctions rule (${on(RULES.SANCTIONS)}): internal list${oracle === ZeroAddress ? "" : ` and oracle ${oracle}`}`;
    }
    case "INSUFFICIENT_BALANCE":
      return `sender balance ${tokens(from.balance)}`;
    case "INSUFFICIENT_UNFROZEN_BALANCE":
      return `sender balance ${tokens(from.balance)}, of which frozen ${tokens(from.frozenTokens)}`;
    default:
      return undefined;
  }
}

/** The code a mint (an issuance by MINTER) to `to` would be refused with: the token's checks, then the compliance's. */
async function mintRestriction(ctx: OpsContext, to: string, amount: bigint): Promise<number> {
  const { token, compliance, registry } = ctx.fund.contracts;
  if (await token.paused()) return RESTRICTION.PAUSED;
  if (await token.isFrozen(to)) return RESTRICTION.RECIPIENT_FROZEN;
  if (!(await registry.isVerified(to))) return RESTRICTION.RECIPIENT_NOT_VERIFIED;
  return Number(await compliance.detectTransferRestriction(ZeroAddress, to, amount));
}

/**
 * Why a transfer of `amount` from `from` to `to` would be refused (or that it would pass). Without `from` (or with the
 * zero address, or `mint`), explains a mint to `to`: the token's and the compliance's issuance checks, then the mint
 * itself simulated from the MINTER holder's Safe (the reserve check: `ReserveExceeded`).
 */
export async function explainTransfer(
  ctx: OpsContext,
  args: { from?: string; to: string; amount: string; mint?: boolean },
): Promise<Explanation> {
  const isMint =
    args.mint === true ||
    args.from === undefined ||
    (typeof args.from === "string" && /^0x0{40}$/i.test(args.from.trim()));
  if (args.mint === true && args.from !== undefined && !/^0x0{40}$/i.test(String(args.from).trim())) {
    throw new TaskInputError("--mint explains an issuance: it has no sender, give no --from");
  }
  const from = isMint ? ZeroAddress : parseAddress("from", args.from);
  const to = parseAddress("to", args.to);
  const amount = parseTokenAmount("amount", args.amount);
  const { token } = ctx.fund.contracts;
  const now = await chainNow(ctx);
  const code = isMint
    ? await mintRestriction(ctx, to, amount)
    : Number(await token.detectTransferRestriction(from, to, amount));
  const [fromParty, toParty] = await Promise.all([party(ctx, from, now), party(ctx, to, now)]);
  const name = RESTRICTIONS[code]?.[0] ?? `UNKNOWN_${code}`;
  const message = restrictionMessage(code);
  const detail = await ruleDetail(ctx, name, fromParty, toParty);
  say(
    isMint
      ? `Mint of ${tokens(amount)} tokens to ${to}:`
      : `Transfer of ${tokens(amount)} tokens from ${from} to ${to}:`,
  );
  say(`  ${code === 0 ? "ALLOWED" : "REFUSED"} - code ${code} ${message}`);
  if (detail) say(`  ${detail}`);
  let mintRevert: string | undefined;
  if (isMint && code === 0) {
    const roleId = await ctx.fund.contracts.manager.getTargetFunctionRole(
      addressOf(token),
      token.interface.getFunction("mint").selector,
    );
    const minter = await resolveHolder(ctx, roleId, "FundToken.mint");
    try {
      await simulateCall(ctx.hre.ethers.provider, minter.address, {
        to: addressOf(token),
        data: token.interface.encodeFunctionData("mint", [to, amount]),
      });
      say(`  the mint itself, simulated from the ${minter.holder.role} Safe ${minter.address}: succeeds`);
    } catch (error) {
      const data = revertDataFrom(error);
      if (data === undefined) throw error;
      mintRevert = describeRevert(data, fundInterfaces(ctx), ctx.format) ?? `unknown error ${data}`;
      say(
        `  the mint itself, simulated from the ${minter.holder.role} Safe ${minter.address}: reverts with ${mintRevert}`,
      );
    }
  }
  const lines = isMint
    ? describeParty("  to  ", toParty, now)
    : [...describeParty("  from", fromParty, now), ...describeParty("  to  ", toParty, now)];
  for (const line of lines) say(line);
  return { code, name, message, detail, from: fromParty, to: toParty, ...(mintRevert ? { mintRevert } : {}) };
}

export interface SanctionArgs extends ExecFlags {
  wallets: string;
  remove?: boolean;
}

/**
 * The wallets on the compliance's internal sanctions list (not the oracle's), replayed from its
 * `SanctionsListUpdated` events: `isSanctioned` also answers for the oracle, and the list has no getter of its own.
 */
export async function internalSanctionsList(ctx: OpsContext): Promise<Set<string>> {
  const { compliance } = ctx.fund.contracts;
  const provider = ctx.hre.ethers.provider;
  const event = compliance.interface.getEvent("SanctionsListUpdated")!;
  const logs = await scanLogs(provider, addressOf(compliance), {
    fromBlock: await deploymentBlock(ctx.hre.deployments, provider, "ModularCompliance"),
    toBlock: await provider.getBlockNumber(),
    topics: [event.topicHash],
  });
  const list = new Set<string>();
  for (const log of logs) {
    const e = compliance.interface.parseLog(log)!;
    for (const w of e.args[0] as string[]) {
      if (e.args[1]) list.add(getAddress(w));
      else list.delete(getAddress(w));
    }
  }
  return list;
}

/**
 * Adds wallets to (or removes them from, with `remove`) the compliance's internal sanctions list. Wallets already in
 * the wanted state are left out (and said); when none is left the task says so and sends nothing.
 */
export async function sanctionWallets(
  ctx: OpsContext,
  args: SanctionArgs,
): Promise<PerformResult | undefined> {
  const listed = parseAddressList("wallets", args.wallets);
  const sanctioned = !args.remove;
  const internal = await internalSanctionsList(ctx);
  const already = listed.map((w) => internal.has(w) === sanctioned);
  const wallets = listed.filter((_, i) => !already[i]);
  const unchanged = listed.filter((_, i) => already[i]);
  if (unchanged.length > 0) {
    say(
      `${unchanged.join(", ")}: already ${sanctioned ? "on" : "off"} the internal sanctions list: left out`,
    );
  }
  if (wallets.length === 0) {
    say(
      `Nothing to change: every wallet is already ${sanctioned ? "sanctioned" : "off the list"}; nothing was sent.`,
    );
    return undefined;
  }
  return perform(
    ctx,
    [
      {
        target: ctx.fund.contracts.compliance,
        fn: "setSanctioned",
        args: [wallets, sanctioned],
        summary: `${sanctioned ? "add" : "remove"} ${wallets.length} wallet(s) ${sanctioned ? "to" : "from"} the sanctions list`,
      },
    ],
    args,
  );
}

export function registerComplianceTasks(): void {
  task(
    "compliance:explain",
    "Explains whether and why a transfer (or, without --from, a mint) would be refused",
  )
    .addOptionalParam("from", "Sender (omit, or the zero address, for a mint)", undefined, types.string)
    .addFlag("mint", "Explain a mint to --to (no sender)")
    .addParam("to", "Recipient", undefined, types.string)
    .addParam("amount", "Token amount", undefined, types.string)
    .setAction((args, hre) => runTask(hre, (ctx) => explainTransfer(ctx, args)));

  withExecutionFlags(
    task(
      "compliance:sanction",
      "Adds wallets to the internal sanctions list, or --remove them (COMPLIANCE_OFFICER)",
    )
      .addParam("wallets", "Comma-separated wallets", undefined, types.string)
      .addFlag("remove", "Remove the wallets from the list"),
  ).setAction((args, hre) => runTask(hre, (ctx) => sanctionWallets(ctx, args)));
}
