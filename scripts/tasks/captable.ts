/**
 * The register of holders: the cap table per investor identity (wallets from the registry's events, holdings
 * from the token, locked shares from the compliance, all read at one block), and its reconciliation: every
 * wallet's shares rebuilt from the token's TransferShares events and compared with `sharesOf` and
 * `totalShares`.
 */
import * as fs from "fs";
import * as path from "path";
import { task, types } from "hardhat/config";
import { HardhatPluginError } from "hardhat/plugins";
import { Interface, ZeroAddress, getAddress, id, type Log } from "ethers";
import { classNames } from "../../lib/classes";
import { unpackRecord } from "../../lib/investor-record";
import { scanLogs, deploymentBlock } from "../../lib/log-scan";
import { OpsContext, PLUGIN_NAME, TaskInputError, guarded, runTask, say, tokens } from "./context";
import { parseInteger } from "./inputs";
import { walletIndex } from "./chain";
import { bulkReader, mapLimit, rpcConcurrency } from "../../lib/parallel";

export interface CapTableRow {
  identity: string;
  wallets: string[];
  /** ISO-3166 code(s) of the wallets ("840", or "840|826" when the wallets differ). */
  country: string;
  /** Class names ("accredited|us_person"); wallets that differ are separated by " / ". */
  classes: string;
  shares: bigint;
  balance: bigint;
  /** Tokens still locked by the compliance's lockup rule (locked shares at the current index). */
  locked: bigint;
  /** Tokens that cannot move because of a freeze: a frozen wallet's whole balance, else its frozen tokens. */
  frozen: bigint;
}

export interface CapTable {
  blockNumber: number;
  rows: CapTableRow[];
  /** Sum of the rows' shares and the token's totalShares (equal unless a holder is missing from the registry). */
  sumShares: bigint;
  totalShares: bigint;
  totalSupply: bigint;
}

export const CAP_TABLE_COLUMNS = [
  "identity",
  "wallets",
  "country",
  "classes",
  "shares",
  "balance",
  "locked",
  "frozen",
];

function distinct(values: string[], separator: string): string {
  return [...new Set(values)].join(separator);
}

const ONE = 10n ** 18n;
const FREEZE_TOPICS = [
  id("AddressFrozen(address,bool,address)"),
  id("TokensFrozen(address,uint256)"),
  id("Frozen(address,uint256)"),
];
const SHARES_LOCKED = id("SharesLocked(address,uint256,uint40)");

/** The addresses in topic 1 (the first indexed argument) of `logs`, checksummed. */
function firstIndexed(logs: readonly Log[]): Set<string> {
  return new Set(logs.map((l) => getAddress(`0x${l.topics[1].slice(26)}`)));
}

/**
 * Reads the cap table at the latest block: two reads per wallet (its record word, which the wallet index checks,
 * and its shares; the balance is shares x the token's index, computed here the way the token rounds it), and the
 * freeze and lockup state only of the wallets and identities that have one: a wallet is frozen, or holds frozen
 * tokens, only after the token logged AddressFrozen, TokensFrozen or Frozen for it, and an identity holds locked
 * shares only after the compliance logged SharesLocked for it (scanned once each, from their deployment), so every
 * other wallet's freeze and every other identity's lockup is zero without a read.
 */
export async function buildCapTable(ctx: OpsContext, fromBlock?: number): Promise<CapTable> {
  const reader = bulkReader(ctx.hre);
  const provider = ctx.hre.ethers.provider;
  const token = ctx.fund.contracts.token.connect(reader);
  const compliance = ctx.fund.contracts.compliance.connect(reader);
  const registry = ctx.fund.contracts.registry.connect(reader);
  const records = new Map<string, bigint>();
  const index = await walletIndex(ctx, fromBlock, records);
  const blockTag = index.toBlock;
  const at = { blockTag };
  const scanFrom = async (name: string) =>
    fromBlock ?? (await deploymentBlock(ctx.hre.deployments, provider, name));
  const [freezeLogs, lockLogs, tokenIndex] = await Promise.all([
    scanFrom("FundToken").then(async (from) =>
      scanLogs(provider, await token.getAddress(), {
        fromBlock: from,
        toBlock: blockTag,
        topics: [FREEZE_TOPICS],
      }),
    ),
    scanFrom("ModularCompliance").then(async (from) =>
      scanLogs(provider, await compliance.getAddress(), {
        fromBlock: from,
        toBlock: blockTag,
        topics: [SHARES_LOCKED],
      }),
    ),
    token.index(at) as Promise<bigint>,
  ]);
  const toAmount = (shares: bigint) => (shares * tokenIndex) / ONE;
  const mayBeFrozen = firstIndexed(freezeLogs);
  const mayBeLocked = firstIndexed(lockLogs);
  // `rpcConcurrency()` reads in flight.
  const limit = rpcConcurrency();
  const wallets = [...index.walletsOf.values()].flat();
  const perWallet = new Map(
    (
      await mapLimit(wallets, limit, (wallet) =>
        Promise.all([
          records.get(wallet) ?? registry.investorRecord(wallet, at),
          token.sharesOf(wallet, at) as Promise<bigint>,
          mayBeFrozen.has(wallet) ? (token.isFrozen(wallet, at) as Promise<boolean>) : false,
          mayBeFrozen.has(wallet) ? (token.getFrozenTokens(wallet, at) as Promise<bigint>) : 0n,
        ]),
      )
    ).map(([word, shares, isFrozen, frozenTokens], i) => [
      wallets[i],
      [word, shares, toAmount(shares), isFrozen, frozenTokens] as const,
    ]),
  );
  const identities = [...index.walletsOf.keys()];
  const locked = await mapLimit(identities, limit, async (identity) => {
    if (!mayBeLocked.has(getAddress(identity))) return 0n;
    return toAmount((await compliance.lockedShares(identity, at)) as bigint);
  });
  const rows: CapTableRow[] = identities.map((identity, i) => {
    const wallets = index.walletsOf.get(identity)!;
    let shares = 0n;
    let balance = 0n;
    let frozen = 0n;
    const countries: string[] = [];
    const classes: string[] = [];
    for (const wallet of wallets) {
      const [word, walletShares, walletBalance, isFrozen, frozenTokens] = perWallet.get(wallet)!;
      const record = unpackRecord(word);
      countries.push(String(record.country));
      classes.push(classNames(record.classes).join("|"));
      shares += walletShares;
      balance += walletBalance;
      frozen += isFrozen ? walletBalance : frozenTokens;
    }
    return {
      identity,
      wallets,
      country: distinct(countries, "|"),
      classes: distinct(classes, " / "),
      shares,
      balance,
      locked: locked[i],
      frozen,
    };
  });
  const [totalShares, totalSupply] = await Promise.all([token.totalShares(at), token.totalSupply(at)]);
  const sumShares = rows.reduce((s, r) => s + r.shares, 0n);
  return { blockNumber: blockTag, rows, sumShares, totalShares, totalSupply };
}

/** The cap table as CSV text (header {@link CAP_TABLE_COLUMNS}; amounts in tokens, shares as integers). */
export function capTableCsv(table: CapTable): string {
  const lines = [CAP_TABLE_COLUMNS.join(",")];
  for (const r of table.rows) {
    lines.push(
      [
        r.identity,
        r.wallets.join("|"),
        r.country,
        r.classes,
        r.shares.toString(),
        tokens(r.balance),
        tokens(r.locked),
        tokens(r.frozen),
      ].join(","),
    );
  }
  return lines.join("\n") + "\n";
}

function fromBlockArg(value: unknown): number | undefined {
  return value === undefined ? undefined : parseInteger("fromBlock", value, 0, Number.MAX_SAFE_INTEGER);
}

/** Writes the cap table to `out` and prints its totals. */
export async function exportCapTable(
  ctx: OpsContext,
  args: { out: string; fromBlock?: string },
): Promise<CapTable> {
  if (typeof args.out !== "string" || args.out.trim() === "") throw new TaskInputError("--out is required");
  const fromBlock = fromBlockArg(args.fromBlock);
  if (fs.existsSync(args.out) && fs.statSync(args.out).isDirectory()) {
    throw new TaskInputError(`--out: "${args.out}" is a directory; give a file name, e.g. cap-table.csv`);
  }
  const table = await buildCapTable(ctx, fromBlock);
  fs.mkdirSync(path.dirname(path.resolve(args.out)), { recursive: true });
  fs.writeFileSync(args.out, capTableCsv(table));
  say(`Cap table at block ${table.blockNumber}: ${table.rows.length} identities written to ${args.out}`);
  say(`  total supply ${tokens(table.totalSupply)}, total shares ${table.totalShares}`);
  if (table.sumShares !== table.totalShares) {
    say(
      `  WARNING: the registered identities hold ${table.sumShares} shares, the token ${table.totalShares}: ` +
        `run captable:reconcile`,
    );
  }
  return table;
}

// ------------------------------------------------------------------------------------------------ reconcile

export interface ShareDifference {
  wallet: string;
  fromEvents: bigint;
  onChain: bigint;
}

export interface Reconciliation {
  blockNumber: number;
  events: number;
  wallets: number;
  differences: ShareDifference[];
  totalFromEvents: bigint;
  totalOnChain: bigint;
  /** Sum of sharesOf over the wallets the events name. */
  sumOnChain: bigint;
}

/** The cap table does not reconcile: the task exits non-zero. */
export class CapTableMismatchError extends HardhatPluginError {
  constructor(
    message: string,
    readonly report: Reconciliation,
  ) {
    super(PLUGIN_NAME, message);
    this.name = "CapTableMismatchError";
  }
}

const TRANSFER_SHARES = id("TransferShares(address,address,uint256)");

/** Every wallet's shares from TransferShares logs (mints from, burns to the zero address). */
export function replayTransferShares(iface: Interface, logs: readonly Log[]): Map<string, bigint> {
  const shares = new Map<string, bigint>();
  for (const log of logs) {
    if (log.topics[0] !== TRANSFER_SHARES) continue;
    const event = iface.parseLog(log)!;
    const from = getAddress(event.args[0] as string);
    const to = getAddress(event.args[1] as string);
    const value = event.args[2] as bigint;
    if (from !== ZeroAddress) shares.set(from, (shares.get(from) ?? 0n) - value);
    if (to !== ZeroAddress) shares.set(to, (shares.get(to) ?? 0n) + value);
  }
  return shares;
}

/**
 * Rebuilds every wallet's shares from the token's TransferShares events and compares them with `sharesOf`
 * and `totalShares` at the same block; prints the differences and throws {@link CapTableMismatchError} when
 * there is any.
 */
export async function reconcileCapTable(
  ctx: OpsContext,
  args: { fromBlock?: string },
): Promise<Reconciliation> {
  const fromBlockGiven = fromBlockArg(args.fromBlock);
  const { hre } = ctx;
  const provider = hre.ethers.provider;
  const { token } = ctx.fund.contracts;
  const tokenAddress = await token.getAddress();
  const blockNumber = await provider.getBlockNumber();
  const logs = await scanLogs(provider, tokenAddress, {
    fromBlock: fromBlockGiven ?? (await deploymentBlock(hre.deployments, provider, "FundToken")),
    toBlock: blockNumber,
    topics: [TRANSFER_SHARES],
  });
  const replayed = replayTransferShares(token.interface, logs);
  const at = { blockTag: blockNumber };
  const differences: ShareDifference[] = [];
  let sumOnChain = 0n;
  let totalFromEvents = 0n;
  const entries = [...replayed];
  const reader = token.connect(bulkReader(hre));
  const onChainShares = await mapLimit(entries, rpcConcurrency(), ([wallet]) => reader.sharesOf(wallet, at));
  for (const [i, [wallet, fromEvents]] of entries.entries()) {
    const onChain = onChainShares[i];
    sumOnChain += onChain;
    totalFromEvents += fromEvents;
    if (onChain !== fromEvents) differences.push({ wallet, fromEvents, onChain });
  }
  const totalOnChain = await token.totalShares(at);
  const report: Reconciliation = {
    blockNumber,
    events: logs.length,
    wallets: replayed.size,
    differences,
    totalFromEvents,
    totalOnChain,
    sumOnChain,
  };
  say(
    `Reconciliation at block ${blockNumber}: ${logs.length} TransferShares events, ${replayed.size} wallets`,
  );
  for (const d of differences) {
    say(
      `  ${d.wallet}: events ${d.fromEvents} shares, sharesOf ${d.onChain} (difference ${d.onChain - d.fromEvents})`,
    );
  }
  const totalsAgree = totalFromEvents === totalOnChain && sumOnChain === totalOnChain;
  say(
    `  totalShares ${totalOnChain}; from events ${totalFromEvents}; sum of sharesOf ${sumOnChain}` +
      (totalsAgree ? " (agree)" : " (DIFFER)"),
  );
  if (differences.length > 0 || !totalsAgree) {
    throw new CapTableMismatchError(
      `The cap table does not reconcile at block ${blockNumber}: ${differences.length} wallet(s) differ` +
        (totalsAgree ? "" : ", and the totals differ"),
      report,
    );
  }
  say("  every wallet reconciles");
  return report;
}

export function registerCapTableTasks(): void {
  task("captable:export", "Writes the cap table (one row per investor identity) to a CSV file")
    .addParam("out", "Output file, e.g. cap-table.csv", undefined, types.string)
    .addOptionalParam(
      "fromBlock",
      "First block of the registry's history (default: its deployment)",
      undefined,
      types.string,
    )
    .addFlag(
      "chains",
      "Issue 18: across every network of the fund config's multichain deployment (per chain and consolidated, " +
        "reconciled with the home pool's locked shares) instead",
    )
    .setAction((args, hre) =>
      args.chains
        ? guarded(async () => {
            const { exportChainsAcross } = await import("./bridge");
            return exportChainsAcross(hre, args.out);
          })
        : runTask(hre, (ctx) => exportCapTable(ctx, args)),
    );

  task(
    "captable:reconcile",
    "Rebuilds every wallet's shares from TransferShares events and compares with the chain",
  )
    .addOptionalParam(
      "fromBlock",
      "First block of the token's history (default: its deployment)",
      undefined,
      types.string,
    )
    .setAction((args, hre) => runTask(hre, (ctx) => reconcileCapTable(ctx, args)));
}
