/**
 * Bounded parallel reads: at most `limit` calls in flight at once, results in input order. The tasks read one
 * value per wallet or per request from the node; sent one after the other, 10,000 wallets cost 10,000 round
 * trips end to end, sent all at once they flood the node (and public RPCs answer with HTTP 429). A few
 * dozen in flight keeps a local node busy without queueing thousands of sockets.
 */

/** Calls in flight at once when a task reads per wallet or per request (`RPC_CONCURRENCY` overrides it). */
export const DEFAULT_CONCURRENCY = 16;

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
