/**
 * Reading a contract's whole event history from any RPC: logs fetched in block ranges (public RPCs cap a
 * query at a few thousand blocks or results), halving the range when a query is refused, and returned in
 * chain order. Also where a recorded contract's history starts.
 */
import type { Log, Provider } from "ethers";
import type { DeploymentsExtension } from "hardhat-deploy/types";

export interface ScanOptions {
  fromBlock: number;
  toBlock: number;
  /** Blocks per query (halved on a refused query down to 1). Default 10,000. */
  chunk?: number;
  /** Topic filter (topic0 and so on); all logs of the address when omitted. */
  topics?: (string | string[] | null)[];
}

/** Ranges answered in a row before the range is doubled again (up to `chunk`) after a refused query. */
export const GROW_AFTER = 4;

/**
 * Every log of `address` in [fromBlock, toBlock], ordered by block then log index, each exactly once. A refused
 * query (a public RPC's block-range or result-count cap, or any error) is retried on half the range, down to one
 * block; after {@link GROW_AFTER} ranges answered in a row the range doubles again, up to `chunk`, so that one
 * dense stretch of history does not slow the scan of the rest. A log outside the range asked for (a provider
 * that ignores the bounds) is dropped: the ranges asked are disjoint, so no log is counted twice.
 */
export async function scanLogs(provider: Provider, address: string, options: ScanOptions): Promise<Log[]> {
  const out: Log[] = [];
  const max = Math.max(1, options.chunk ?? 10_000);
  let chunk = max;
  let answered = 0;
  let from = options.fromBlock;
  while (from <= options.toBlock) {
    const to = Math.min(options.toBlock, from + chunk - 1);
    let logs: Log[];
    try {
      logs = await provider.getLogs({ address, topics: options.topics, fromBlock: from, toBlock: to });
    } catch (error) {
      if (chunk === 1) throw error;
      chunk = Math.max(1, Math.floor(chunk / 2));
      answered = 0;
      continue;
    }
    // One by one: `out.push(...logs)` overflows the call stack beyond about 100,000 logs in one answer.
    for (const log of logs) if (log.blockNumber >= from && log.blockNumber <= to) out.push(log);
    from = to + 1;
    if (chunk < max && ++answered >= GROW_AFTER) {
      chunk = Math.min(max, chunk * 2);
      answered = 0;
    }
  }
  return out.sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
}

/**
 * The block a recorded deployment was created in (its receipt, or its transaction's receipt); 0 when the
 * record has neither, so a scan starts at genesis.
 */
export async function deploymentBlock(
  deployments: DeploymentsExtension,
  provider: Provider,
  name: string,
): Promise<number> {
  const d = await deployments.get(name);
  if (d.receipt?.blockNumber !== undefined) return Number(d.receipt.blockNumber);
  if (d.transactionHash) {
    const receipt = await provider.getTransactionReceipt(d.transactionHash);
    if (receipt) return receipt.blockNumber;
  }
  return 0;
}
