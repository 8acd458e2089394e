/**
 * The transfer agent's redemption queue on the fund manager (docs/FUND.md): list the queue with what its
 * requests are worth and what the manager holds to pay them, settle it first in, first out per stablecoin (first
 * funding the manager from the transfer agent's Safe when asked), hold a pending request out of order, settle or
 * release held requests, and send spare buffer back to the custodian.
 *
 * The settlement, the held requests and the withdrawal are TRANSFER_AGENT calls on the manager and go through
 * {@link perform}. Funding is a plain stablecoin transfer made by the transfer agent's Safe (no AccessManager
 * involved): sent, simulated or proposed here, with the Safe nonce before the settlement's. A settlement that
 * needs the funding cannot be simulated before the funding is executed, so a dry run or an offline proposal of
 * `--fund` prints the settlement projected at the current index instead.
 */
import { task, types } from "hardhat/config";
import { Interface, formatUnits, getAddress, type LogDescription } from "ethers";
import type { IFundManager, MockStablecoin } from "../../typechain-types";
import { IFundManagerTypes } from "../../lib/generated/contracts";
import type { HolderRecord, RoleActor } from "../../lib/fund";
import { execSafeTransaction, simulateCall } from "../../lib/safe";
import { deploymentBlock, scanLogs } from "../../lib/log-scan";
import {
  OpsContext,
  TaskInputError,
  TaskRefusedError,
  describeRevert,
  isoTime,
  nameOf,
  revertDataFrom,
  runTask,
  say,
  tokens,
} from "./context";
import {
  ExecFlags,
  Outcome,
  PerformResult,
  Step,
  addressOf,
  describeStep,
  fundInterfaces,
  perform,
  proposeCalls,
  resolveHolder,
  roleLabel,
  withExecutionFlags,
} from "./execute";
import { exclusive, flag, parseAddress, parseDecimal, parseInteger } from "./inputs";
import { chainNow, recordOf, requireRegistered } from "./chain";
import { bulkReader, mapLimit, rpcConcurrency } from "../../lib/parallel";

/**
 * Largest number of queue positions one settlement transaction examines: about 75,000 gas per request
 * (docs/FUND.md, Gas), so 200 positions stay near 15 million gas, half an Ethereum block. A larger `--count` is
 * split into several transactions (see {@link settlementSplit}).
 */
export const MAX_POSITIONS_PER_TX = 200;

/** Largest `--count` of one run of `redemptions:settle` (split into transactions of at most `--max-gas`). */
export const MAX_SETTLE_COUNT = 10_000;

/**
 * Gas per queue position assumed when the node cannot estimate a settlement before it is sent (with `--fund`, the
 * settlement needs the funding executed first): above the most a position was measured to use (bench/results/ops.md).
 */
export const SETTLE_GAS_PER_POSITION_BOUND = 75_000;

/** Default `--max-gas`: the most gas one settlement transaction may use, half an Ethereum block. */
export const DEFAULT_SETTLE_MAX_GAS = 15_000_000;

/** Gas a Safe's `execTransaction` adds around the call it executes (signature checks, nonce, events), kept free. */
export const SAFE_EXEC_OVERHEAD = 150_000;

/**
 * How `count` queue positions are split into settlement transactions: the node estimates a settlement of as many
 * positions as one transaction may take ({@link MAX_POSITIONS_PER_TX}); while the estimate plus
 * {@link SAFE_EXEC_OVERHEAD} exceeds `maxGas`, the positions are scaled down by the excess and estimated again.
 * Every transaction then takes that many positions (the queue's next positions cost about the same: one
 * investor paid each). Returns the positions of each transaction, in order, and the estimate they were sized on.
 */
export async function settlementSplit(
  estimate: (positions: number) => Promise<bigint>,
  count: number,
  maxGas: number,
): Promise<{ sizes: number[]; perTx: number; gas: number }> {
  const room = maxGas - SAFE_EXEC_OVERHEAD;
  let perTx = Math.min(count, MAX_POSITIONS_PER_TX);
  let gas = Number(await estimate(perTx));
  while (gas > room) {
    if (perTx === 1) {
      throw new TaskInputError(
        `--max-gas: ${maxGas} gas cannot hold one queue position (a settlement of 1 is estimated at ${gas} gas, ` +
          `plus ${SAFE_EXEC_OVERHEAD} for the Safe); nothing was sent`,
      );
    }
    perTx = Math.max(1, Math.min(perTx - 1, Math.floor((perTx * room) / gas)));
    gas = Number(await estimate(perTx));
  }
  const sizes: number[] = [];
  for (let left = count; left > 0; left -= perTx) sizes.push(Math.min(perTx, left));
  return { sizes, perTx, gas };
}

/** `IFundManagerTypes.RequestStatus`, by value, as printed (the member's name starting in lower case). */
export const REQUEST_STATUS = Object.keys(IFundManagerTypes.RequestStatus).map(
  (name) => name[0].toLowerCase() + name.slice(1),
) as readonly RequestStatusName[];
export type RequestStatusName = Uncapitalize<keyof typeof IFundManagerTypes.RequestStatus>;

/** `IFundManagerTypes.HoldReason`, by value. */
export const HOLD_REASON = Object.keys(
  IFundManagerTypes.HoldReason,
) as readonly (keyof typeof IFundManagerTypes.HoldReason)[];

const builtinErrors = new Interface(["error Error(string message)", "error Panic(uint256 code)"]);

// ------------------------------------------------------------------------------------------------ shared

/** The fund manager of the connected network; fails when this fund has none. */
export async function requireFundManager(ctx: OpsContext): Promise<IFundManager> {
  const fm = ctx.fund.contracts.fundManager;
  if (!fm) {
    throw new TaskInputError(
      `No fund manager is deployed on network "${ctx.network}" (no FundManager record in deployments/${ctx.network}/)`,
    );
  }
  if ((await ctx.hre.ethers.provider.getCode(addressOf(fm))) === "0x") {
    throw new TaskInputError(
      `The deployment records of network "${ctx.network}" put FundManager at ${addressOf(fm)}, where the ` +
        `chain has no code: redeploy with npx hardhat deploy --network ${ctx.network}`,
    );
  }
  return fm;
}

/** A stablecoin configured on the manager. */
export interface Coin {
  symbol: string;
  address: string;
  /** Decimals the manager stored when it was added. */
  decimals: number;
  enabled: boolean;
  bufferTarget: bigint;
  contract: MockStablecoin;
}

/** Every stablecoin ever configured on the manager, named by its deployment record (else its `symbol()`). */
export async function managerCoins(ctx: OpsContext, fm: IFundManager): Promise<Coin[]> {
  const coins: Coin[] = [];
  for (const raw of await fm.stablecoins()) {
    const address = getAddress(raw);
    const contract = (await ctx.hre.ethers.getContractAt(
      "MockStablecoin",
      address,
    )) as unknown as MockStablecoin;
    const recorded = nameOf(ctx, address);
    const symbol = recorded.startsWith("Stablecoin.")
      ? recorded.slice("Stablecoin.".length)
      : await contract.symbol();
    const info = await fm.stablecoinInfo(address);
    coins.push({
      symbol,
      address,
      decimals: Number(info.decimals),
      enabled: info.enabled,
      bufferTarget: info.bufferTarget,
      contract,
    });
  }
  return coins;
}

/** The configured stablecoin named `value` (its symbol, case-insensitive). */
export function parseStablecoin(name: string, value: unknown, coins: Coin[]): Coin {
  if (value === undefined || value === null || String(value).trim() === "") {
    throw new TaskInputError(`${flag(name)} is required`);
  }
  const v = String(value).trim();
  const coin = coins.find((c) => c.symbol.toLowerCase() === v.toLowerCase());
  if (!coin) {
    throw new TaskInputError(
      `${flag(name)}: unknown stablecoin "${v}" (known: ${coins.map((c) => c.symbol).join(", ") || "none"})`,
    );
  }
  return coin;
}

/** Stablecoin units as a decimal string, e.g. "1499250" or "0.5". */
export function units(amount: bigint, decimals: number): string {
  const text = formatUnits(amount, decimals);
  return text.endsWith(".0") ? text.slice(0, -2) : text;
}

function coinAt(coins: Coin[], address: string): Coin {
  const coin = coins.find((c) => c.address === getAddress(address));
  if (!coin) throw new Error(`Stablecoin ${address} is not configured on the fund manager`);
  return coin;
}

function money(amount: bigint, coin: Coin): string {
  return `${units(amount, coin.decimals)} ${coin.symbol}`;
}

/** Why the manager would hold an investor's request now (`_holdReason`), or undefined. */
export async function holdReasonOf(
  ctx: OpsContext,
  investor: string,
  now?: number,
): Promise<string | undefined> {
  const { token, compliance } = ctx.fund.contracts;
  const record = await recordOf(ctx, investor, now);
  if (!record || !record.verified) return "NotVerified";
  if (await token.isFrozen(investor)) return "Frozen";
  if (await compliance.isSanctioned(investor)) return "Sanctioned";
  return undefined;
}

/** The fund manager's events in a transaction. */
async function managerEvents(ctx: OpsContext, fm: IFundManager, txHash: string): Promise<LogDescription[]> {
  const receipt = await ctx.hre.ethers.provider.getTransactionReceipt(txHash);
  if (!receipt) throw new Error(`No receipt for ${txHash}`);
  const address = addressOf(fm);
  const out: LogDescription[] = [];
  for (const log of receipt.logs) {
    if (getAddress(log.address) !== address) continue;
    const parsed = fm.interface.parseLog(log);
    if (parsed) out.push(parsed);
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ requests

/** A redemption request as the queue holds it. */
export interface RequestRow {
  id: bigint;
  investor: string;
  status: RequestStatusName;
  /** Why a held request was set aside (from its RedemptionHeld event). */
  holdReason?: string;
  /** Escrowed shares. */
  shares: bigint;
  stablecoin: string;
  symbol: string;
  /** Smallest net payout the investor accepts (stablecoin units). */
  minOut: bigint;
  requestedAt: number;
  /** Pending and held requests: token value of the escrow at the token's current index, gross, fee and net. */
  value?: bigint;
  gross?: bigint;
  fee?: bigint;
  net?: bigint;
}

async function readRequests(
  fm: IFundManager,
  coins: Coin[],
  ids: bigint[],
  reasons: Map<bigint, string>,
): Promise<RequestRow[]> {
  const rows: RequestRow[] = [];
  const BATCH = 50;
  for (let i = 0; i < ids.length; i += BATCH) {
    const batch = await Promise.all(
      ids.slice(i, i + BATCH).map(async (id) => {
        const [r, stablecoin] = await fm.request(id);
        const status = REQUEST_STATUS[Number(r.status)];
        const coin = coinAt(coins, stablecoin);
        const row: RequestRow = {
          id,
          investor: getAddress(r.investor),
          status,
          shares: r.shares,
          stablecoin: coin.address,
          symbol: coin.symbol,
          minOut: r.minOut,
          requestedAt: Number(r.requestedAt),
        };
        if (status === "held" || status === "released") row.holdReason = reasons.get(id);
        if (status === "pending" || status === "held") {
          const [value, gross, fee, net] = await fm.requestValue(id);
          Object.assign(row, { value, gross, fee, net });
        }
        return row;
      }),
    );
    rows.push(...batch);
  }
  return rows;
}

/** Hold reasons by request id, from the manager's RedemptionHeld events. */
async function holdReasons(ctx: OpsContext, fm: IFundManager): Promise<Map<bigint, string>> {
  const provider = ctx.hre.ethers.provider;
  const logs = await scanLogs(provider, addressOf(fm), {
    fromBlock: await deploymentBlock(ctx.hre.deployments, provider, "FundManager"),
    toBlock: await provider.getBlockNumber(),
    topics: [fm.interface.getEvent("RedemptionHeld").topicHash],
  });
  const reasons = new Map<bigint, string>();
  for (const log of logs) {
    const parsed = fm.interface.parseLog(log)!;
    reasons.set(parsed.args.requestId as bigint, HOLD_REASON[Number(parsed.args.reason)]);
  }
  return reasons;
}

function rowText(row: RequestRow, coin: Coin): string {
  const status = row.holdReason ? `${row.status} (${row.holdReason})` : row.status;
  const head = `  #${row.id} ${status}: ${row.investor}, ${row.shares} shares`;
  const tail = `minOut ${money(row.minOut, coin)}, requested ${isoTime(row.requestedAt)}`;
  if (row.value === undefined) return `${head}, paid in ${coin.symbol}, ${tail}`;
  return (
    `${head} worth ${tokens(row.value)} tokens: ${money(row.net!, coin)} net ` +
    `(gross ${units(row.gross!, coin.decimals)}, fee ${units(row.fee!, coin.decimals)}), ${tail}`
  );
}

// ------------------------------------------------------------------------------------------------ list

export interface ListArgs {
  /** Also list settled, cancelled and released requests. */
  all?: boolean;
  /** How many pending requests the "need" line covers (default: every pending request). */
  next?: string;
}

/** A stablecoin's side of the queue. */
export interface CoinLiquidity {
  symbol: string;
  address: string;
  balance: bigint;
  /** Owed to pending requests at the current index (rounded up), and the rest. */
  reserved: bigint;
  free: bigint;
  bufferTarget: bigint;
  /** Gross the next pending requests paid in this stablecoin need (those that would be held excluded). */
  need: bigint;
  /** `need` beyond the manager's balance. */
  shortfall: bigint;
}

export interface QueueReport {
  blockNumber: number;
  index: bigint;
  head: bigint;
  tail: bigint;
  pendingCount: bigint;
  heldCount: bigint;
  pendingShares: bigint;
  heldShares: bigint;
  /** Token value of the pending escrow at the current index. */
  pendingValue: bigint;
  requests: RequestRow[];
  /** Pending requests the need covers, and the queue positions from the head through the last of them. */
  next: number;
  positions: number;
  /** Pending requests among them that would be held now, with the reason. */
  wouldHold: { id: bigint; reason: string }[];
  liquidity: CoinLiquidity[];
}

/**
 * The queue from its head to its tail, held requests (which a settlement passed) and, with `all`, every request
 * ever made; pending totals; the manager's balances; and what the next pending requests need.
 */
export async function listRedemptions(ctx: OpsContext, args: ListArgs): Promise<QueueReport> {
  const nextArg = args.next === undefined ? undefined : parseInteger("next", args.next, 1, 1_000_000);
  const fm = await requireFundManager(ctx);
  const provider = ctx.hre.ethers.provider;
  const blockNumber = await provider.getBlockNumber();
  const coins = await managerCoins(ctx, fm);
  const [q, pendingValue, index] = await Promise.all([
    fm.queue(),
    fm.pendingValue(),
    ctx.fund.contracts.token.index(),
  ]);

  const reasons = q.heldCount > 0n || args.all ? await holdReasons(ctx, fm) : new Map<bigint, string>();
  const range = (from: bigint, to: bigint) => {
    const ids: bigint[] = [];
    for (let id = from; id < to; id++) ids.push(id);
    return ids;
  };
  let requests: RequestRow[];
  if (args.all) {
    requests = await readRequests(fm.connect(bulkReader(ctx.hre)), coins, range(1n, q.tail), reasons);
  } else {
    // Held requests can sit anywhere: a settlement holds them as it passes, the transfer agent holds any pending
    // one (redemptions:hold), also beyond the head.
    const heldIds = [...reasons.keys()].sort((a, b) => (a < b ? -1 : 1));
    const held = (await readRequests(fm.connect(bulkReader(ctx.hre)), coins, heldIds, reasons)).filter(
      (r) => r.status === "held",
    );
    const open = (
      await readRequests(fm.connect(bulkReader(ctx.hre)), coins, range(q.head, q.tail), reasons)
    ).filter((r) => r.status === "pending");
    requests = [...held, ...open];
    if (BigInt(held.length) !== q.heldCount) {
      say(
        `Warning: the manager counts ${q.heldCount} held request(s), its RedemptionHeld events show ` +
          `${held.length}: run with --all`,
      );
    }
  }

  // What the next pending requests need, position by position from the head, as a settlement would pay them.
  const pending = requests.filter((r) => r.status === "pending");
  const next = Math.min(nextArg ?? pending.length, pending.length);
  const covered = pending.slice(0, next);
  const positions = covered.length === 0 ? 0 : Number(covered[covered.length - 1].id - q.head) + 1;
  const now = await chainNow(ctx);
  const need = new Map<string, bigint>();
  const wouldHold: { id: bigint; reason: string }[] = [];
  for (const r of covered) {
    const reason =
      (await holdReasonOf(ctx, r.investor, now)) ?? (r.net! < r.minOut ? "BelowMinOut" : undefined);
    if (reason) wouldHold.push({ id: r.id, reason });
    else need.set(r.stablecoin, (need.get(r.stablecoin) ?? 0n) + r.gross!);
  }
  const liquidity: CoinLiquidity[] = [];
  for (const coin of coins) {
    const [balance, reserved, free] = await fm.liquidity(coin.address);
    const n = need.get(coin.address) ?? 0n;
    liquidity.push({
      symbol: coin.symbol,
      address: coin.address,
      balance,
      reserved,
      free,
      bufferTarget: coin.bufferTarget,
      need: n,
      shortfall: n > balance ? n - balance : 0n,
    });
  }

  say(
    `FundManager ${addressOf(fm)} on network "${ctx.network}" at block ${blockNumber}, index ${tokens(index)}`,
  );
  say(
    `Queue: head ${q.head}, tail ${q.tail}; ${q.pendingCount} pending (${tokens(pendingValue)} tokens, ` +
      `${q.pendingShares} shares), ${q.heldCount} held (${q.heldShares} shares)`,
  );
  say(args.all ? "Every request:" : "Held and pending requests (--all for finished ones too):");
  if (requests.length === 0) say("  none");
  for (const row of requests) say(rowText(row, coinAt(coins, row.stablecoin)));
  for (const l of liquidity) {
    const c = coinAt(coins, l.address);
    say(
      `${c.symbol}: the manager holds ${units(l.balance, c.decimals)} (reserved for pending requests ` +
        `${units(l.reserved, c.decimals)}, free ${units(l.free, c.decimals)}, buffer target ` +
        `${units(l.bufferTarget, c.decimals)})${c.enabled ? "" : " (no longer accepted)"}`,
    );
  }
  if (next > 0) {
    const held = wouldHold.map((h) => `#${h.id} ${h.reason}`).join(", ");
    say(
      `Next ${next} pending request(s) (${positions} queue position(s) from the head)` +
        (held ? `, of which would be held: ${held}` : "") +
        ":",
    );
    for (const l of liquidity.filter((x) => x.need > 0n)) {
      const c = coinAt(coins, l.address);
      if (l.shortfall === 0n) {
        say(`  need ${money(l.need, c)}; the manager holds ${units(l.balance, c.decimals)}: covered`);
      } else {
        const coinFlag = coins.length > 1 ? ` --stablecoin ${c.symbol}` : "";
        say(
          `  need ${money(l.need, c)}; the manager holds ${units(l.balance, c.decimals)}: short ` +
            `${units(l.shortfall, c.decimals)} (redemptions:settle --count ${positions} --fund ` +
            `${units(l.shortfall, c.decimals)}${coinFlag})`,
        );
      }
    }
  }
  return {
    blockNumber,
    index,
    head: q.head,
    tail: q.tail,
    pendingCount: q.pendingCount,
    heldCount: q.heldCount,
    pendingShares: q.pendingShares,
    heldShares: q.heldShares,
    pendingValue,
    requests,
    next,
    positions,
    wouldHold,
    liquidity,
  };
}

// ------------------------------------------------------------------------------------------------ projection

/**
 * What a settlement would do with one queue position, at the current index: pay it, hold it, pass it (no longer
 * pending), leave it pending because its stablecoin's balance is short ("short": the first such request of its
 * stablecoin) or because an earlier request in the same stablecoin is short ("waiting": first in, first out per
 * stablecoin).
 */
export interface ProjectedPosition {
  id: bigint;
  outcome: "paid" | "held" | "passed" | "short" | "waiting";
  investor?: string;
  reason?: string;
  gross?: bigint;
  fee?: bigint;
  net?: bigint;
  stablecoin?: string;
}

/**
 * Replays `settleRedemptions(count)` on the current state with the given stablecoin balances: positions from
 * the head, settled, held and cancelled ones passed, requests held for the reasons the manager checks, paid while
 * their stablecoin's balance covers them; once a stablecoin's balance is short, its later requests wait (first
 * in, first out per stablecoin) while other stablecoins' requests are still paid. (A newer NAV round, applied
 * first by the settlement, and a stablecoin refusing a payment are not foreseen.)
 */
export async function projectSettlement(
  ctx: OpsContext,
  fm: IFundManager,
  count: number,
  balances: Map<string, bigint>,
): Promise<ProjectedPosition[]> {
  const q = await fm.queue();
  const end = q.tail - q.head > BigInt(count) ? q.head + BigInt(count) : q.tail;
  const now = await chainNow(ctx);
  const left = new Map(balances);
  const short = new Set<string>();
  const out: ProjectedPosition[] = [];
  // Each position's request, value and hold reason read `rpcConcurrency()` at a time; then played in order.
  const ids: bigint[] = [];
  for (let id = q.head; id < end; id++) ids.push(id);
  const reader = fm.connect(bulkReader(ctx.hre));
  const reads = await mapLimit(ids, rpcConcurrency(), async (id) => {
    const [r, stablecoin] = await reader.request(id);
    if (REQUEST_STATUS[Number(r.status)] !== "pending") return { id, pending: false as const };
    const [[, gross, fee, net], holdReason] = await Promise.all([
      reader.requestValue(id),
      holdReasonOf(ctx, r.investor, now),
    ]);
    const reason = holdReason ?? (net < r.minOut ? "BelowMinOut" : undefined);
    return { id, pending: true as const, investor: r.investor, stablecoin, gross, fee, net, reason };
  });
  for (const read of reads) {
    const id = read.id;
    if (!read.pending) {
      out.push({ id, outcome: "passed" });
      continue;
    }
    const { gross, fee, net, reason } = read;
    const coin = getAddress(read.stablecoin);
    const base = { id, investor: getAddress(read.investor), gross, fee, net, stablecoin: coin };
    if (short.has(coin)) {
      out.push({ ...base, outcome: "waiting" });
      continue;
    }
    if (reason) {
      out.push({ ...base, outcome: "held", reason });
      continue;
    }
    const balance = left.get(coin) ?? 0n;
    if (balance < gross) {
      short.add(coin);
      out.push({ ...base, outcome: "short" });
      continue;
    }
    left.set(coin, balance - gross);
    out.push({ ...base, outcome: "paid" });
  }
  return out;
}

/** Whether the settlement reverts (InsufficientLiquidity): it would neither pay nor hold any request. */
export function settlementReverts(projection: ProjectedPosition[]): boolean {
  return (
    projection.some((p) => p.outcome === "short") &&
    !projection.some((p) => p.outcome === "paid" || p.outcome === "held")
  );
}

function projectionText(p: ProjectedPosition, coins: Coin[], reverts: boolean): string {
  if (p.outcome === "passed") return `  #${p.id}: no longer pending, passed`;
  const coin = coinAt(coins, p.stablecoin!);
  if (p.outcome === "held") return `  #${p.id} ${p.investor}: would be held (${p.reason})`;
  if (p.outcome === "short") {
    return reverts
      ? `  #${p.id} ${p.investor}: needs ${money(p.gross!, coin)}, more than the manager would hold: the settlement reverts`
      : `  #${p.id} ${p.investor}: needs ${money(p.gross!, coin)}, more than is left: stays pending, and so do ` +
          `the later ${coin.symbol} requests (redemptions:hold sets it aside)`;
  }
  if (p.outcome === "waiting") {
    return `  #${p.id} ${p.investor}: stays pending behind an earlier ${coin.symbol} request that cannot be paid`;
  }
  return (
    `  #${p.id} ${p.investor}: would be paid ${money(p.net!, coin)} ` +
    `(gross ${units(p.gross!, coin.decimals)}, fee ${units(p.fee!, coin.decimals)})`
  );
}

// ------------------------------------------------------------------------------------------------ settle

export interface SettleArgs extends ExecFlags {
  /** Queue positions to examine (split into transactions of at most `maxGas`). */
  count: string;
  /** The most gas one settlement transaction may use (default {@link DEFAULT_SETTLE_MAX_GAS}). */
  maxGas?: string;
  /** Stablecoins (in USD, the stablecoin's decimals) the transfer agent's Safe sends to the manager first. */
  fund?: string;
  /** The stablecoin of `fund` (default: the manager's only stablecoin). */
  stablecoin?: string;
}

/** A request the settlement paid (from its RedemptionSettled event). */
export interface SettledRequest {
  id: bigint;
  investor: string;
  symbol: string;
  shares: bigint;
  value: bigint;
  gross: bigint;
  fee: bigint;
  net: bigint;
  txHash: string;
}

/** A request the settlement set aside (from its RedemptionHeld event). */
export interface HeldRequest {
  id: bigint;
  investor: string;
  reason: string;
  txHash: string;
}

export interface SettleResult {
  holder: HolderRecord;
  role: string;
  /** The funding transfer (with `--fund`), then the settlement: executed, simulated or proposed. */
  outcomes: Outcome[];
  /** The settlement projected at the current index, before anything was sent. */
  projection: ProjectedPosition[];
  /** What an executed settlement did. */
  settled: SettledRequest[];
  held: HeldRequest[];
}

/**
 * Settles up to `count` queue positions from the head (TRANSFER_AGENT). With `fund`, the transfer agent's Safe
 * first sends that amount of the stablecoin to the manager; refused, with nothing sent, when the Safe lacks it
 * or when even then the request at the head could not be paid.
 */
export async function settleRedemptions(ctx: OpsContext, args: SettleArgs): Promise<SettleResult> {
  const count = parseInteger("count", args.count, 1, MAX_SETTLE_COUNT);
  const maxGas = parseInteger("maxGas", args.maxGas ?? DEFAULT_SETTLE_MAX_GAS, 100_000, 1_000_000_000);
  if (args.dryRun && args.offline)
    throw new TaskInputError("--dry-run and --offline cannot be used together");
  if (args.stablecoin !== undefined && args.fund === undefined) {
    throw new TaskInputError(
      "--stablecoin: only used with --fund (each request is paid in its own stablecoin)",
    );
  }
  const fm = await requireFundManager(ctx);
  const coins = await managerCoins(ctx, fm);
  let funding: { coin: Coin; amount: bigint } | undefined;
  if (args.fund !== undefined) {
    if (args.stablecoin === undefined && coins.length !== 1) {
      throw new TaskInputError(
        `--stablecoin is required with --fund: the manager has ${coins.length} stablecoins ` +
          `(${coins.map((c) => c.symbol).join(", ")})`,
      );
    }
    const coin =
      args.stablecoin === undefined ? coins[0] : parseStablecoin("stablecoin", args.stablecoin, coins);
    funding = { coin, amount: parseDecimal("fund", args.fund, coin.decimals) };
  }

  const [q, params] = await Promise.all([fm.queue(), fm.parameters()]);
  if (q.pendingCount === 0n)
    throw new TaskInputError("The redemption queue has no pending request: nothing to settle");
  if (params.redemptionsPaused) {
    throw new TaskInputError(
      "Redemptions are paused on the fund manager (pauseRedemptions): settlements wait for the unpause; " +
        "nothing was sent",
    );
  }

  const roleId = await ctx.fund.contracts.manager.getTargetFunctionRole(
    addressOf(fm),
    fm.interface.getFunction("settleRedemptions").selector,
  );
  const actor = await resolveHolder(ctx, roleId, "FundManager.settleRedemptions");
  const role = roleLabel(roleId);
  const provider = ctx.hre.ethers.provider;
  const holderKind = `${actor.holder.role} ${actor.holder.kind === "safe" ? "Safe" : "account"}`;
  const holderText = `${holderKind} ${actor.address}`;

  // One transaction per split (each at most `maxGas`); a split run examines only the positions the queue has.
  const settleData = (n: number) => fm.interface.encodeFunctionData("settleRedemptions", [n]);
  const { sizes, perTx, gas } = await settlementSplit(
    (n) =>
      provider
        .estimateGas({ from: actor.address, to: addressOf(fm), data: settleData(n) })
        .catch(() => BigInt(n * SETTLE_GAS_PER_POSITION_BOUND)),
    count > MAX_POSITIONS_PER_TX ? Math.min(count, Number(q.tail - q.head)) : count,
    maxGas,
  );
  const steps: Step[] = sizes.map((n, i) => ({
    target: fm,
    fn: "settleRedemptions",
    args: [n],
    summary:
      sizes.length === 1
        ? `settle up to ${n} queue position(s) from #${q.head}`
        : `settlement ${i + 1}/${sizes.length}: settle up to ${n} queue position(s)`,
  }));
  const step = steps[0];
  if (sizes.length > 1) {
    say(
      `${sizes.reduce((a, b) => a + b, 0)} queue position(s) in ${sizes.length} transactions of at most ${perTx} (a settlement of ` +
        `${perTx} estimated at ${gas} gas, --max-gas ${maxGas})`,
    );
  }

  const balances = new Map<string, bigint>();
  for (const coin of coins) balances.set(coin.address, await coin.contract.balanceOf(addressOf(fm)));
  if (funding) {
    const { coin, amount } = funding;
    const held = await coin.contract.balanceOf(actor.address);
    if (held < amount) {
      throw new TaskInputError(
        `--fund: the ${holderText} holds ${money(held, coin)}, less than ` +
          `${money(amount, coin)}: have the custodian send the stablecoins to it (or to the manager), ` +
          `nothing was sent`,
      );
    }
    balances.set(coin.address, balances.get(coin.address)! + amount);
  }
  const projection = await projectSettlement(ctx, fm, count, balances);

  const result: SettleResult = {
    holder: actor.holder,
    role,
    outcomes: [],
    projection,
    settled: [],
    held: [],
  };
  if (funding) {
    // The contract reverts when it could neither pay nor hold any request (InsufficientLiquidity).
    const first = projection.find((p) => p.outcome === "short");
    if (first && settlementReverts(projection)) {
      const coin = coinAt(coins, first.stablecoin!);
      const after = balances.get(coin.address)!;
      const fundingCoin = funding.coin.address === coin.address;
      throw new TaskInputError(
        `--fund: after the funding the manager would hold ${money(after, coin)}, less than the ` +
          `${money(first.gross!, coin)} request #${first.id} needs, and no other request would be paid: ` +
          (fundingCoin
            ? `fund at least ${units(first.gross! - after + funding.amount, coin.decimals)}`
            : `fund ${coin.symbol} (--stablecoin ${coin.symbol})`) +
          `; nothing was sent`,
      );
    }
    await requireCurrentNav(ctx);
    const fundStep: Step = {
      target: funding.coin.contract,
      fn: "transfer",
      args: [addressOf(fm), funding.amount],
      summary: `fund the manager with ${money(funding.amount, funding.coin)} from the ${holderKind}`,
    };
    const data = funding.coin.contract.interface.encodeFunctionData("transfer", [
      addressOf(fm),
      funding.amount,
    ]);
    const call = { to: funding.coin.address, data };
    try {
      await simulateCall(provider, actor.address, call, [funding.coin.contract.interface]);
    } catch (error) {
      throw refusedTransfer(ctx, fundStep, error);
    }
    const [immediate] = await ctx.fund.contracts.manager.canCall(
      actor.address,
      addressOf(fm),
      fm.interface.getFunction("settleRedemptions").selector,
    );
    if (!immediate) {
      throw new TaskInputError(
        `${describeStep(ctx, step)} cannot be called at once by the ${holderText}: nothing was sent`,
      );
    }
    const settleCalls = steps.map(
      (st) =>
        [st, { to: addressOf(fm), data: settleData(st.args[0] as number) }] as [
          Step,
          { to: string; data: string },
        ],
    );

    if (args.dryRun) {
      say(`Dry run as ${role} (${holderText}): nothing is sent.`);
      say(`  would ${fundStep.summary}: ${describeStep(ctx, fundStep)}: simulation succeeded`);
      for (const st of steps) {
        say(
          `  would ${st.summary}: ${describeStep(ctx, st)}: not simulated (it needs the funding executed ` +
            `first)${st === steps[steps.length - 1] ? "; projected at the current index:" : ""}`,
        );
      }
      projection.forEach((p) => say(projectionText(p, coins, settlementReverts(projection))));
      result.outcomes.push(
        { status: "simulated", step: fundStep, via: "call" },
        ...steps.map((st) => ({ status: "simulated" as const, step: st, via: "call" as const })),
      );
      return result;
    }
    if (args.offline || actor.signers.length === 0) {
      result.outcomes.push(...(await proposeBoth(ctx, actor, role, args, [fundStep, call], ...settleCalls)));
      say(
        "  The settlement was not simulated (it needs the funding executed first); projected at the current index:",
      );
      projection.forEach((p) => say(projectionText(p, coins, settlementReverts(projection))));
      return result;
    }
    const sent =
      actor.holder.kind === "safe"
        ? await execSafeTransaction(actor.address, call, actor.signers, {
            interfaces: [funding.coin.contract.interface],
          })
        : await sendFromAccount(actor, call);
    say(
      `${fundStep.summary}: done by ${holderText} (${role}), tx ${sent.receipt.hash} (block ${sent.receipt.blockNumber})`,
    );
    result.outcomes.push({
      status: "executed",
      step: fundStep,
      txHash: sent.receipt.hash,
      blockNumber: sent.receipt.blockNumber,
      events: [],
    });
    let settled: PerformResult;
    try {
      settled = await perform(ctx, steps, args);
    } catch (error) {
      if (error instanceof TaskRefusedError) {
        throw new TaskRefusedError(
          error.message.replace(
            /nothing was sent$/,
            `not sent; the funding ${sent.receipt.hash} was sent (the stablecoins stay in the manager)`,
          ),
          error.data,
          error.errorName,
        );
      }
      throw error;
    }
    result.outcomes.push(...settled.outcomes);
  } else {
    const settled = await perform(ctx, steps, args);
    result.outcomes.push(...settled.outcomes);
    if (args.dryRun) {
      say("  projected at the current index:");
      projection.forEach((p) => say(projectionText(p, coins, settlementReverts(projection))));
    }
  }

  const settlements = result.outcomes.filter((o) => o.step.fn === "settleRedemptions");
  const outcome = settlements[settlements.length - 1];
  if (outcome.status === "executed") {
    const events: { e: LogDescription; txHash: string }[] = [];
    for (const o of settlements) {
      if (o.status !== "executed") continue;
      for (const e of await managerEvents(ctx, fm, o.txHash)) events.push({ e, txHash: o.txHash });
    }
    for (const { e, txHash } of events) {
      if (e.name === "RedemptionSettled") {
        const coin = coinAt(coins, e.args.stablecoin as string);
        const s: SettledRequest = {
          id: e.args.requestId as bigint,
          investor: getAddress(e.args.investor as string),
          symbol: coin.symbol,
          shares: e.args.shares as bigint,
          value: e.args.value as bigint,
          gross: e.args.gross as bigint,
          fee: e.args.fee as bigint,
          net: e.args.net as bigint,
          txHash,
        };
        result.settled.push(s);
        say(
          `  request #${s.id} settled: ${money(s.net, coin)} paid to ${s.investor} (gross ` +
            `${units(s.gross, coin.decimals)}, fee ${units(s.fee, coin.decimals)}) for ${s.shares} shares ` +
            `worth ${tokens(s.value)} tokens, tx ${s.txHash}`,
        );
      } else if (e.name === "RedemptionHeld") {
        const h: HeldRequest = {
          id: e.args.requestId as bigint,
          investor: getAddress(e.args.investor as string),
          reason: HOLD_REASON[Number(e.args.reason)],
          txHash,
        };
        result.held.push(h);
        say(
          `  request #${h.id} held (${h.reason}): ${h.investor}, tx ${h.txHash}; once resolved: ` +
            `redemptions:held --id ${h.id} --settle (or --release-to <wallet>)`,
        );
      }
    }
    const after = await fm.queue();
    say(
      `Settled ${result.settled.length}, held ${result.held.length}; the queue's head is now #${after.head}, ` +
        `${after.pendingCount} pending, ${after.heldCount} held`,
    );
  }
  return result;
}

/**
 * What a settlement does first (`_syncNavForPayout`), checked before a funding is sent: the oracle's latest NAV
 * round is usable, and it is applied already or the token's accrual does not revert. A round the reserve guard
 * blocks does not stop the settlement: it pays at the last applied index (said, not refused).
 */
async function requireCurrentNav(ctx: OpsContext): Promise<void> {
  const { token } = ctx.fund.contracts;
  const refuse = (what: string, error: unknown, remedy: string): never => {
    const data = revertDataFrom(error);
    if (data === undefined) throw error;
    const reason = describeRevert(data, fundInterfaces(ctx), ctx.format) ?? `unknown error ${data}`;
    throw new TaskRefusedError(
      `${what}, so the settlement would revert: ${reason}: ${remedy}; nothing was sent`,
      data,
      reason.split("(")[0],
    );
  };
  const oracle = ctx.fund.contracts.navOracle.attach(
    await token.navOracle(),
  ) as typeof ctx.fund.contracts.navOracle;
  const latest = await oracle
    .latestNav()
    .catch((error) =>
      refuse("The NAV oracle refuses its latest round", error, "publish the NAV first (nav:publish)"),
    );
  const applied = await token.appliedNav();
  if (latest.updatedAt <= applied.updatedAt) return;
  const applies = await token.accrue
    .staticCall()
    .catch((error) =>
      refuse("The token cannot apply the latest NAV round", error, "see nav:accrue --dry-run"),
    );
  if (!applies) {
    say(
      `Note: the reserve guard blocks the accrual of NAV round ${latest.roundId}: the settlement pays at the ` +
        `last applied index (${tokens(await token.index())}), below that round's NAV; publish the reserves ` +
        `(nav:publish-reserves) first to pay at the new NAV`,
    );
  }
}

/** The funding sent by a role holder that is a plain account with a local key (simulated already). */
async function sendFromAccount(actor: RoleActor, call: { to: string; data: string }) {
  const response = await actor.signers[0].sendTransaction(call);
  const receipt = await response.wait();
  if (!receipt) throw new Error(`Transaction ${response.hash} was not mined`);
  return { receipt };
}

function refusedTransfer(ctx: OpsContext, step: Step, error: unknown): TaskRefusedError {
  const data = revertDataFrom(error);
  if (data === undefined) throw error;
  // The step moves a stablecoin: its ERC-20 errors' amounts are in that stablecoin.
  const coin = ctx.format.stablecoins?.[getAddress(addressOf(step.target))];
  const reason =
    describeRevert(data, [step.target.interface, builtinErrors], { ...ctx.format, token: coin }) ??
    (data === "0x" ? "no reason" : `unknown error ${data}`);
  return new TaskRefusedError(
    `${describeStep(ctx, step)} would revert with ${reason}: nothing was sent`,
    data,
    reason.split("(")[0],
  );
}

/**
 * Writes the funding transfer and the settlement as two Safe transactions with consecutive nonces, for owners
 * who sign offline (as {@link perform} writes one).
 */
async function proposeBoth(
  ctx: OpsContext,
  actor: RoleActor,
  role: string,
  flags: ExecFlags,
  ...calls: [Step, { to: string; data: string }][]
): Promise<Outcome[]> {
  return proposeCalls(
    ctx,
    actor.holder,
    role,
    calls.map(([step, call]) => ({ step, text: describeStep(ctx, step), action: step.fn, call })),
    flags,
  );
}

// ------------------------------------------------------------------------------------------------ held

export interface HeldArgs extends ExecFlags {
  id: string;
  /** Pay the held request now that its investor may be paid again. */
  settle?: boolean;
  /** Move the held escrow to this wallet and close the request. */
  releaseTo?: string;
}

export interface HeldResult extends PerformResult {
  /** The settled request (executed `--settle`). */
  settled?: SettledRequest;
  /** Tokens moved (executed `--release-to`). */
  released?: { to: string; shares: bigint; amount: bigint; txHash: string };
}

/** What clears each hold reason before `--settle` can pay. */
const REMEDY: Record<string, string> = {
  NotVerified: "its investor's KYC must be renewed or reinstated first (investor:update, investor:reinstate)",
  Frozen: "its investor's wallet must be unfrozen first (token:unfreeze)",
  Sanctioned: "its investor must be cleared first (compliance:sanction --remove)",
  BelowMinOut:
    "its payout is below the investor's minOut: release it (--release-to) or let the investor cancel",
};

// ------------------------------------------------------------------------------------------------ hold

export interface HoldArgs extends ExecFlags {
  id: string;
}

/**
 * Sets a pending request aside (`holdRequest`, TRANSFER_AGENT), out of the queue's order: for a request whose
 * stablecoin cannot be paid for now (depegged, removed, short), so that the head moves past it. Settle it later
 * with redemptions:held --settle, or return its escrow with --release-to.
 */
export async function holdRedemption(ctx: OpsContext, args: HoldArgs): Promise<PerformResult> {
  const id = parseRequestId("id", args.id);
  const fm = await requireFundManager(ctx);
  const q = await fm.queue();
  const [r, stablecoin] = await fm.request(id);
  const status = REQUEST_STATUS[Number(r.status)];
  if (status === "none") {
    throw new TaskInputError(
      `--id: there is no redemption request ${id} ` +
        (q.tail > 1n ? `(requests are numbered 1 to ${q.tail - 1n})` : "(no request was ever made)"),
    );
  }
  if (status !== "pending") throw new TaskInputError(`--id: request ${id} is ${status}, not pending`);
  const coin = coinAt(await managerCoins(ctx, fm), stablecoin);
  const investor = getAddress(r.investor);
  const result = await perform(
    ctx,
    [
      {
        target: fm,
        fn: "holdRequest",
        args: [id],
        summary: `hold pending request #${id} (${investor}, ${r.shares} shares, paid in ${coin.symbol})`,
      },
    ],
    args,
  );
  const o = result.outcomes[0];
  if (o.status === "executed") {
    say(
      `  request #${id} held (TransferAgent), tx ${o.txHash}; later: redemptions:held --id ${id} --settle ` +
        `(or --release-to <wallet>)`,
    );
  }
  return result;
}

/** Parses a request id: a positive integer. */
function parseRequestId(name: string, value: unknown): bigint {
  const v = value === undefined || value === null ? "" : String(value).trim();
  if (v === "") throw new TaskInputError(`${flag(name)} is required`);
  if (!/^\d+$/.test(v) || BigInt(v) === 0n) {
    throw new TaskInputError(`${flag(name)}: "${v}" is not a request id (a positive integer)`);
  }
  return BigInt(v);
}

/** Settles a held request (`settleHeld`) or releases its escrow to a wallet (`releaseHeld`); TRANSFER_AGENT. */
export async function handleHeld(ctx: OpsContext, args: HeldArgs): Promise<HeldResult> {
  const id = parseRequestId("id", args.id);
  exclusive(args as unknown as Record<string, unknown>, "settle", "releaseTo");
  if (!args.settle && args.releaseTo === undefined) {
    throw new TaskInputError("Give --settle or --release-to <wallet>");
  }
  const to = args.releaseTo === undefined ? undefined : parseAddress("releaseTo", args.releaseTo);
  const fm = await requireFundManager(ctx);
  const q = await fm.queue();
  const [r, stablecoin] = await fm.request(id);
  const status = REQUEST_STATUS[Number(r.status)];
  if (status === "none") {
    throw new TaskInputError(
      `--id: there is no redemption request ${id} ` +
        (q.tail > 1n ? `(requests are numbered 1 to ${q.tail - 1n})` : "(no request was ever made)"),
    );
  }
  if (status !== "held") throw new TaskInputError(`--id: request ${id} is ${status}, not held`);
  const coins = await managerCoins(ctx, fm);
  const coin = coinAt(coins, stablecoin);
  const investor = getAddress(r.investor);

  if (to !== undefined) {
    await requireRegistered(ctx, "releaseTo", to);
    const result: HeldResult = await perform(
      ctx,
      [
        {
          target: fm,
          fn: "releaseHeld",
          args: [id, to],
          summary: `release the escrow of held request #${id} (${investor}, ${r.shares} shares) to ${to}`,
        },
      ],
      args,
    );
    const o = result.outcomes[0];
    if (o.status === "executed") {
      const e = (await managerEvents(ctx, fm, o.txHash)).find((x) => x.name === "RedemptionReleased")!;
      result.released = {
        to,
        shares: e.args.shares as bigint,
        amount: e.args.amount as bigint,
        txHash: o.txHash,
      };
      say(`  request #${id} released: ${tokens(result.released.amount)} tokens to ${to}, tx ${o.txHash}`);
    }
    return result;
  }

  const blocked =
    (await holdReasonOf(ctx, investor)) ??
    ((await fm.requestValue(id)).net < r.minOut ? "BelowMinOut" : undefined);
  if (blocked) {
    throw new TaskInputError(`--id: request ${id} is still blocked (${blocked}): ${REMEDY[blocked]}`);
  }
  const [, gross, fee, net] = await fm.requestValue(id);
  const result: HeldResult = await perform(
    ctx,
    [
      {
        target: fm,
        fn: "settleHeld",
        args: [[id]],
        summary:
          `settle held request #${id}: pay ${money(net, coin)} to ${investor} ` +
          `(gross ${units(gross, coin.decimals)}, fee ${units(fee, coin.decimals)}, at the current index)`,
      },
    ],
    args,
  );
  const o = result.outcomes[0];
  if (o.status === "executed") {
    const e = (await managerEvents(ctx, fm, o.txHash)).find((x) => x.name === "RedemptionSettled")!;
    result.settled = {
      id,
      investor,
      symbol: coin.symbol,
      shares: e.args.shares as bigint,
      value: e.args.value as bigint,
      gross: e.args.gross as bigint,
      fee: e.args.fee as bigint,
      net: e.args.net as bigint,
      txHash: o.txHash,
    };
    say(
      `  request #${id} settled: ${money(result.settled.net, coin)} paid to ${investor} (gross ` +
        `${units(result.settled.gross, coin.decimals)}, fee ${units(result.settled.fee, coin.decimals)}), ` +
        `tx ${o.txHash}`,
    );
  }
  return result;
}

// ------------------------------------------------------------------------------------------------ withdraw

export interface WithdrawArgs extends ExecFlags {
  stablecoin: string;
  /** Stablecoin amount (USD, the stablecoin's decimals). */
  amount: string;
}

/** Sends free liquidity of the manager (beyond what pending requests are owed) to the custodian; TRANSFER_AGENT. */
export async function withdrawBuffer(ctx: OpsContext, args: WithdrawArgs): Promise<PerformResult> {
  const fm = await requireFundManager(ctx);
  const coins = await managerCoins(ctx, fm);
  const coin = parseStablecoin("stablecoin", args.stablecoin, coins);
  const amount = parseDecimal("amount", args.amount, coin.decimals);
  const [balance, reserved, free] = await fm.liquidity(coin.address);
  if (amount > free) {
    throw new TaskInputError(
      `--amount: ${money(amount, coin)} exceeds the manager's free liquidity of ${money(free, coin)} ` +
        `(balance ${units(balance, coin.decimals)}, reserved for pending requests ${units(reserved, coin.decimals)})`,
    );
  }
  const custodian = (await fm.parameters()).custodian;
  const result = await perform(
    ctx,
    [
      {
        target: fm,
        fn: "withdrawToCustodian",
        args: [coin.address, amount],
        summary: `send ${money(amount, coin)} of free liquidity to the custodian ${custodian}`,
      },
    ],
    args,
  );
  const o = result.outcomes[0];
  if (o.status === "executed") {
    const e = (await managerEvents(ctx, fm, o.txHash)).find((x) => x.name === "LiquidityWithdrawn")!;
    say(
      `  ${money(e.args.amount as bigint, coin)} withdrawn to ${getAddress(e.args.custodian as string)}, ` +
        `tx ${o.txHash}; the manager now holds ${money(balance - amount, coin)}`,
    );
  }
  return result;
}

// ------------------------------------------------------------------------------------------------ tasks

export function registerRedemptionTasks(): void {
  task("redemptions:list", "Lists the redemption queue, its value, the manager's balances and what it needs")
    .addFlag("all", "Also list settled, cancelled and released requests")
    .addOptionalParam(
      "next",
      "Pending requests the need is computed for (default: all)",
      undefined,
      types.string,
    )
    .setAction((args, hre) => runTask(hre, (ctx) => listRedemptions(ctx, args)));

  withExecutionFlags(
    task(
      "redemptions:settle",
      "Settles queued redemptions, first in, first out per stablecoin, optionally funding first (TRANSFER_AGENT)",
    )
      .addParam("count", `Queue positions to examine (1 to ${MAX_SETTLE_COUNT})`, undefined, types.string)
      .addOptionalParam(
        "maxGas",
        `Most gas one settlement transaction may use; a larger --count is split (default ${DEFAULT_SETTLE_MAX_GAS})`,
        undefined,
        types.string,
      )
      .addOptionalParam(
        "fund",
        "Stablecoins (USD) the transfer agent's Safe sends to the manager first",
        undefined,
        types.string,
      )
      .addOptionalParam(
        "stablecoin",
        "Symbol of the --fund stablecoin (default: the manager's only one)",
        undefined,
        types.string,
      ),
  ).setAction((args, hre) => runTask(hre, (ctx) => settleRedemptions(ctx, args)));

  withExecutionFlags(
    task(
      "redemptions:hold",
      "Sets a pending redemption request aside, out of the queue's order (TRANSFER_AGENT)",
    ).addParam("id", "Request id", undefined, types.string),
  ).setAction((args, hre) => runTask(hre, (ctx) => holdRedemption(ctx, args)));

  withExecutionFlags(
    task("redemptions:held", "Settles a held redemption request or releases its escrow (TRANSFER_AGENT)")
      .addParam("id", "Request id", undefined, types.string)
      .addFlag("settle", "Pay the request (its investor may be paid again)")
      .addOptionalParam(
        "releaseTo",
        "Move the escrowed tokens to this wallet instead",
        undefined,
        types.string,
      ),
  ).setAction((args, hre) => runTask(hre, (ctx) => handleHeld(ctx, args)));

  withExecutionFlags(
    task("fund:withdraw-buffer", "Sends the manager's free stablecoins to the custodian (TRANSFER_AGENT)")
      .addParam("stablecoin", "Stablecoin symbol, e.g. USDC", undefined, types.string)
      .addParam("amount", "Stablecoin amount (USD)", undefined, types.string),
  ).setAction((args, hre) => runTask(hre, (ctx) => withdrawBuffer(ctx, args)));
}
