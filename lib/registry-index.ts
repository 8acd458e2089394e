/**
 * Which wallets belong to which investor identity, rebuilt from the identity registry's events: the registry
 * stores records per wallet and cannot list an identity's wallets, so the transfer agent's tools replay
 * `IdentityRegistered` (wallet bound), `IdentityRemoved` (wallet unbound) and `IdentityUpdated` (wallet
 * re-bound; the event names only the identities, so the wallet comes from the `InvestorRecordChanged` the
 * registry emits right after it in the same transaction).
 */
import { Interface, getAddress, type Log, type Provider } from "ethers";
import { scanLogs } from "./log-scan";
import { mapLimit } from "./parallel";

export interface WalletIndex {
  /** Current identity of every registered wallet. */
  identityOf: Map<string, string>;
  /** Wallets of every identity, in order of registration. */
  walletsOf: Map<string, string[]>;
  /** Last block the index covers. */
  toBlock: number;
}

/** Replays registry logs (any order of the registry's logs, sorted by block and log index) into a wallet index. */
export function replayRegistryLogs(iface: Interface, logs: readonly Log[], toBlock: number): WalletIndex {
  const identityOf = new Map<string, string>();
  const order: string[] = [];
  const parsed = logs.map((log) => ({ log, event: iface.parseLog(log) }));
  parsed.forEach(({ log, event }, i) => {
    if (!event) return;
    if (event.name === "IdentityRegistered") {
      const wallet = getAddress(event.args[0] as string);
      identityOf.set(wallet, getAddress(event.args[1] as string));
      order.push(wallet);
    } else if (event.name === "IdentityRemoved") {
      identityOf.delete(getAddress(event.args[0] as string));
    } else if (event.name === "IdentityUpdated") {
      const next = parsed[i + 1];
      if (
        !next?.event ||
        next.event.name !== "InvestorRecordChanged" ||
        next.log.transactionHash !== log.transactionHash
      ) {
        throw new Error(
          `IdentityUpdated in transaction ${log.transactionHash} (log ${log.index}) is not followed by the ` +
            `InvestorRecordChanged naming its wallet`,
        );
      }
      const wallet = getAddress(next.event.args[0] as string);
      identityOf.set(wallet, getAddress(event.args[1] as string));
      order.push(wallet);
    }
  });
  const walletsOf = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const wallet of order) {
    const identity = identityOf.get(wallet);
    if (identity === undefined || seen.has(wallet)) continue;
    // a wallet re-bound later is listed under its current identity only
    seen.add(wallet);
    const list = walletsOf.get(identity);
    if (list) list.push(wallet);
    else walletsOf.set(identity, [wallet]);
  }
  return { identityOf, walletsOf, toBlock };
}

export interface WalletIndexOptions {
  fromBlock: number;
  toBlock: number;
  chunk?: number;
  /**
   * Reads each wallet's identity from the registry at `toBlock` and fails on any difference with the events
   * (a registry that emitted inconsistent events, or a wrong `fromBlock`).
   */
  verify?: (wallet: string, blockTag: number) => Promise<string>;
  /** `verify` calls in flight at once; default 1. */
  concurrency?: number;
}

/** The wallet index of the registry at `registry` from its logs in the given block range. */
export async function buildWalletIndex(
  provider: Provider,
  registry: string,
  iface: Interface,
  options: WalletIndexOptions,
): Promise<WalletIndex> {
  const logs = await scanLogs(provider, registry, options);
  const index = replayRegistryLogs(iface, logs, options.toBlock);
  if (options.verify) {
    const verify = options.verify;
    const entries = [...index.identityOf];
    const onChainIdentities = await mapLimit(entries, options.concurrency ?? 1, ([wallet]) =>
      verify(wallet, options.toBlock),
    );
    for (const [i, [wallet, identity]] of entries.entries()) {
      const onChain = getAddress(onChainIdentities[i]);
      if (onChain !== identity) {
        throw new Error(
          `Registry events say ${wallet} belongs to ${identity}, the registry says ${onChain} at block ` +
            `${options.toBlock}: scan from the registry's deployment block (--from-block)`,
        );
      }
    }
  }
  return index;
}
