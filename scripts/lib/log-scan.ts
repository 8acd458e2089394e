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

/** Every log of `address` in [fromBlock, toBlock], ordered by block then log index. */
export async function scanLogs(provider: Provider, address: string, options: ScanOptions): Promise<Log[]> {
  const out: Log[] = [];
  let chunk = Math.max(1, options.chunk ?? 10_000);
  let from = options.fromBlock;
  while (from <= options.toBlock) {
    const to = Math.min(options.toBlock, from + chunk - 1);
    try {
      out.push(
        ...(await provider.getLogs({ address, topics: options.topics, fromBlock: from, toBlock: to })),
      );
      from = to + 1;
    } catch (error) {
      if (chunk === 1) throw error;
      chunk = Math.max(1, Math.floor(chunk / 2));
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
