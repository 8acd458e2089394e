/**
 * Runs the bank-rail server (services/bank-rail/server.ts) as its own process:
 *
 *   npm run bank-rail -- [--port 0] [--host 127.0.0.1] [--latency-ms 0] [--settle-ms 200] [--quiet]
 *
 * Prints `bank-rail listening on http://<host>:<port>` once it accepts connections (port 0: a free port), and stops
 * on SIGTERM or SIGINT.
 */
import { BankRailServer } from "./server";

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = args[i + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`--${name} needs a value`);
  return value;
}

function integer(args: string[], name: string, fallback: number): number {
  const raw = option(args, name, String(fallback));
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quiet = args.includes("--quiet");
  const host = option(args, "host", "127.0.0.1");
  const server = new BankRailServer({
    latencyMs: integer(args, "latency-ms", 0),
    settleMs: integer(args, "settle-ms", 200),
    log: quiet ? undefined : (line) => console.log(line),
  });
  const port = await server.listen(integer(args, "port", 0), host);
  console.log(`bank-rail listening on http://${host}:${port}`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e: unknown) => {
  console.error(`bank-rail: ${(e as Error).message}`);
  process.exit(1);
});
