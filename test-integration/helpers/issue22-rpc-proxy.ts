/**
 * Issue 22's JSON-RPC proxy, its own process in front of a node (anvil): what the tasks see of a public RPC.
 *
 *   node -r ts-node/register/transpile-only test-integration/helpers/issue22-rpc-proxy.ts \
 *     --upstream http://127.0.0.1:<node port> --port <port>
 *
 * prints `rpc-proxy listening on http://127.0.0.1:<port>` and forwards every JSON-RPC request (single or batch)
 * to the node, and:
 * - counts the calls per method (`GET /__admin/stats`, `POST /__admin/reset` zeroes them) and keeps the hashes
 *   `eth_sendTransaction` / `eth_sendRawTransaction` returned;
 * - with limits (`POST /__admin/limits {"maxBlockRange": 1000, "maxResults": 500}`, `{}` lifts them) refuses an
 *   `eth_getLogs` over more blocks, or whose answer holds more logs, with the errors public RPCs give
 *   (code -32005, "query exceeds max block range 1000" / "query returned more than 500 results");
 * - drops the connection (`POST /__admin/drop {"methods": ["eth_sendTransaction"], "after": 3}`): the third such
 *   request is forwarded, the node executes it, and the client's socket is destroyed before the answer, as a node
 *   restarting or a load balancer cutting mid-request does; every later JSON-RPC request has its connection
 *   destroyed at once until `POST /__admin/restore` (the admin calls still answer).
 *
 * The integration test (test-integration/issue22-scale.test.ts) and `npm run bench:ops` (bench/ops.ts) start it
 * with {@link startRpcProxy} and stop it by its PID.
 */
import * as http from "http";
import type { Socket } from "net";
import { start, type Proc } from "./i17-processes";

export interface ProxyLimits {
  maxBlockRange?: number;
  maxResults?: number;
}

export interface ProxyStats {
  /** Calls per JSON-RPC method since the last reset (a batch counts each of its calls). */
  calls: Record<string, number>;
  total: number;
  /** Transaction hashes returned by eth_sendTransaction / eth_sendRawTransaction since the last reset. */
  txHashes: string[];
  /** eth_getLogs refused for their range or their result count since the last reset. */
  refusedGetLogs: number;
  /** Connections dropped since the last reset. */
  dropped: number;
  /** JSON-RPC batches received (each of its calls is counted in `calls` and `total`). */
  batches: number;
  /** HTTP requests carrying JSON-RPC (a single call or a batch). */
  requests: number;
}

interface JsonRpcRequest {
  jsonrpc: "2.0";
  id: unknown;
  method: string;
  params?: unknown[];
}

function serve(upstream: string, port: number): void {
  let limits: ProxyLimits = {};
  let drop: { methods: string[]; after: number; seen: number } | undefined;
  let cut = false;
  let stats: ProxyStats = {
    calls: {},
    total: 0,
    txHashes: [],
    refusedGetLogs: 0,
    dropped: 0,
    batches: 0,
    requests: 0,
  };
  const sockets = new Set<Socket>();

  const forward = async (body: unknown): Promise<unknown> => {
    const res = await fetch(upstream, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return res.json();
  };
  const blockOf = async (tag: unknown): Promise<number> => {
    if (typeof tag === "string" && /^0x[0-9a-f]+$/i.test(tag)) return Number(BigInt(tag));
    if (tag === "earliest") return 0;
    const r = (await forward({ jsonrpc: "2.0", id: 0, method: "eth_blockNumber", params: [] })) as {
      result: string;
    };
    return Number(BigInt(r.result));
  };
  const refuse = (req: JsonRpcRequest, message: string) => {
    stats.refusedGetLogs++;
    return { jsonrpc: "2.0", id: req.id, error: { code: -32005, message } };
  };

  const one = async (req: JsonRpcRequest): Promise<unknown> => {
    stats.calls[req.method] = (stats.calls[req.method] ?? 0) + 1;
    stats.total++;
    if (req.method === "eth_getLogs" && (limits.maxBlockRange || limits.maxResults)) {
      const filter = (req.params?.[0] ?? {}) as {
        fromBlock?: unknown;
        toBlock?: unknown;
        blockHash?: unknown;
      };
      if (filter.blockHash === undefined && limits.maxBlockRange) {
        const from = await blockOf(filter.fromBlock ?? "latest");
        const to = await blockOf(filter.toBlock ?? "latest");
        if (to - from + 1 > limits.maxBlockRange)
          return refuse(req, `query exceeds max block range ${limits.maxBlockRange}`);
      }
      const answer = (await forward(req)) as { result?: unknown[] };
      if (limits.maxResults && Array.isArray(answer.result) && answer.result.length > limits.maxResults)
        return refuse(req, `query returned more than ${limits.maxResults} results`);
      return answer;
    }
    const answer = (await forward(req)) as { result?: unknown };
    if (
      (req.method === "eth_sendTransaction" || req.method === "eth_sendRawTransaction") &&
      typeof answer.result === "string"
    )
      stats.txHashes.push(answer.result);
    return answer;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const text = Buffer.concat(chunks).toString();
        const json = (status: number, value: unknown) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(value));
        };
        if (req.url?.startsWith("/__admin/")) {
          const what = req.url.slice("/__admin/".length);
          const body = text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
          if (what === "stats") return json(200, stats);
          if (what === "reset") {
            stats = {
              calls: {},
              total: 0,
              txHashes: [],
              refusedGetLogs: 0,
              dropped: 0,
              batches: 0,
              requests: 0,
            };
            return json(200, { ok: true });
          }
          if (what === "limits") {
            limits = body as ProxyLimits;
            return json(200, limits);
          }
          if (what === "drop") {
            drop = { methods: body.methods as string[], after: Number(body.after), seen: 0 };
            return json(200, { ok: true });
          }
          if (what === "restore") {
            cut = false;
            drop = undefined;
            return json(200, { ok: true });
          }
          return json(404, { error: `unknown admin call ${what}` });
        }
        if (cut) {
          stats.dropped++;
          req.socket.destroy();
          return;
        }
        const body = JSON.parse(text) as JsonRpcRequest | JsonRpcRequest[];
        stats.requests++;
        const requests = Array.isArray(body) ? body : [body];
        const dropping =
          drop !== undefined &&
          requests.some((r) => drop!.methods.includes(r.method)) &&
          ++drop.seen >= drop.after;
        // A batch of plain calls goes to the node as one batch; one with a call the proxy acts on, call by call.
        const plain = requests.every(
          (r) =>
            r.method !== "eth_getLogs" &&
            r.method !== "eth_sendTransaction" &&
            r.method !== "eth_sendRawTransaction",
        );
        let answers: unknown[];
        if (Array.isArray(body) && plain && requests.length > 0) {
          for (const r of requests) stats.calls[r.method] = (stats.calls[r.method] ?? 0) + 1;
          stats.total += requests.length;
          stats.batches++;
          answers = (await forward(requests)) as unknown[];
        } else {
          if (Array.isArray(body)) stats.batches++;
          answers = await Promise.all(requests.map(one));
        }
        if (dropping) {
          // The node executed the request; the client never hears of it, nor of anything until restored.
          cut = true;
          stats.dropped++;
          req.socket.destroy();
          for (const s of sockets) s.destroy();
          return;
        }
        json(200, Array.isArray(body) ? answers : answers[0]);
      })().catch((error: unknown) => {
        res.writeHead(502, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: String(error) }));
      });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, "127.0.0.1", () => {
    const address = server.address();
    const actual = typeof address === "object" && address ? address.port : port;
    console.log(`rpc-proxy listening on http://127.0.0.1:${actual}`);
  });
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}

/** The proxy as its own process, and its control API. */
export class RpcProxy {
  constructor(
    readonly proc: Proc,
    readonly url: string,
  ) {}

  private async admin(what: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}/__admin/${what}`, {
      method: body === undefined && what === "stats" ? "GET" : "POST",
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`rpc-proxy ${what}: HTTP ${res.status}`);
    return res.json();
  }

  stats(): Promise<ProxyStats> {
    return this.admin("stats") as Promise<ProxyStats>;
  }

  async reset(): Promise<void> {
    await this.admin("reset", {});
  }

  async limits(limits: ProxyLimits): Promise<void> {
    await this.admin("limits", limits);
  }

  /** Drops the connection on the `after`-th request calling one of `methods` (forwarded first). */
  async dropAfter(methods: string[], after: number): Promise<void> {
    await this.admin("drop", { methods, after });
  }

  async restore(): Promise<void> {
    await this.admin("restore", {});
  }

  stop(): Promise<void> {
    return this.proc.stop();
  }
}

/** Starts the proxy in front of `upstream` on `port` (a free one: see freePort) and waits until it listens. */
export async function startRpcProxy(upstream: string, port: number): Promise<RpcProxy> {
  const proc = start("rpc-proxy", process.execPath, [
    "-r",
    "ts-node/register/transpile-only",
    __filename,
    "--upstream",
    upstream,
    "--port",
    String(port),
  ]);
  const m = await proc.waitFor(/rpc-proxy listening on (http:\/\/127\.0\.0\.1:\d+)/, 60_000);
  return new RpcProxy(proc, m[1]);
}

if (require.main === module) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    if (i < 0 || process.argv[i + 1] === undefined) throw new Error(`--${name} is required`);
    return process.argv[i + 1];
  };
  serve(arg("upstream"), Number(arg("port")));
}
