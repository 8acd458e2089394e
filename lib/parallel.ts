/**
 * Bounded parallel reads: at most `limit` calls in flight at once, results in input order. The tasks read one
 * value per wallet or per request from the node; sent one after the other, 10,000 wallets cost 10,000 round
 * trips end to end, sent all at once they flood the node (and public RPCs answer with HTTP 429). A few
 * dozen in flight, grouped in JSON-RPC batches ({@link bulkReader}), keep a node busy with a handful of HTTP
 * requests at a time.
 */

import { FetchRequest, JsonRpcProvider, type Provider } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

/** Calls in flight at once when a task reads per wallet or per request (`RPC_CONCURRENCY` overrides it). */
export const DEFAULT_CONCURRENCY = 64;

/** The concurrency the tasks use: `RPC_CONCURRENCY` (1 to 256) or {@link DEFAULT_CONCURRENCY}. */
export function rpcConcurrency(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.RPC_CONCURRENCY;
  if (raw === undefined || raw === "") return DEFAULT_CONCURRENCY;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new Error(`RPC_CONCURRENCY: "${raw}" must be an integer between 1 and 256`);
  }
  return n;
}

/**
 * `fn` applied to every item with at most `limit` calls pending at once; resolves with the results in the
 * items' order, or rejects with the first error (no new call starts after it).
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`mapLimit: limit ${limit} must be a positive integer`);
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i], i);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Calls per JSON-RPC batch of {@link bulkReader} (`RPC_BATCH` overrides it; 1 turns batching off). */
export const DEFAULT_RPC_BATCH = 50;

const readers = new WeakMap<object, Provider>();

/**
 * The provider the tasks' bulk reads go through: on a network reached by URL, an ethers `JsonRpcProvider` on
 * that URL sending the calls made within a few milliseconds of each other as one JSON-RPC batch of up to
 * `RPC_BATCH` calls (ethers' own batching; public RPCs accept batches, usually up to 50-100 calls); elsewhere
 * (the in-process Hardhat network, or `RPC_BATCH=1`) the network's own provider. Read-only: nothing is signed
 * or sent through it.
 */
export function bulkReader(hre: HardhatRuntimeEnvironment, env: NodeJS.ProcessEnv = process.env): Provider {
  const cached = readers.get(hre);
  if (cached) return cached;
  const raw = env.RPC_BATCH;
  const batch = raw === undefined || raw === "" ? DEFAULT_RPC_BATCH : Number(raw);
  if (!Number.isInteger(batch) || batch < 1 || batch > 1000) {
    throw new Error(`RPC_BATCH: "${raw}" must be an integer between 1 and 1000`);
  }
  const config = hre.network.config as { url?: unknown; chainId?: number };
  let reader: Provider = hre.ethers.provider;
  if (batch > 1 && typeof config.url === "string") {
    const request = new FetchRequest(config.url);
    const headers = (hre.network.config as { httpHeaders?: Record<string, string> }).httpHeaders ?? {};
    for (const [key, value] of Object.entries(headers)) request.setHeader(key, value);
    reader = new JsonRpcProvider(request, undefined, { batchMaxCount: batch, batchStallTime: 2 });
  }
  readers.set(hre, reader);
  return reader;
}

/** Closes the {@link bulkReader} of `hre`, if one was opened (its polling and sockets). */
export function closeBulkReader(hre: HardhatRuntimeEnvironment): void {
  const reader = readers.get(hre);
  if (reader instanceof JsonRpcProvider) reader.destroy();
  readers.delete(hre);
}
