/**
 * Processes for issue 17's integration test and benchmark: a free loopback port, a child process started and
 * stopped by its PID (never by name), anvil with its state kept across restarts, the bank-rail server, Hardhat
 * commands (the deploy and setup, the orchestrator task, settlement:status). Every child runs `node` (or anvil)
 * directly, not through npx, so that its PID is the process that does the work.
 */
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..");
const HARDHAT_CLI = path.join(ROOT, "node_modules", "hardhat", "internal", "cli", "cli.js");
export const ANVIL = path.join(ROOT, "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Every process started and not yet stopped: stopped by PID in the test's `after`. */
const running = new Set<Proc>();

export class Proc {
  private out = "";
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    logFile?: string,
  ) {
    const log = logFile ? fs.createWriteStream(logFile, { flags: "a" }) : undefined;
    const take = (chunk: Buffer) => {
      const text = chunk.toString();
      this.out += text;
      if (this.out.length > 2_000_000) this.out = this.out.slice(-1_000_000);
      log?.write(text);
    };
    child.stdout?.on("data", take);
    child.stderr?.on("data", take);
    this.exited = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        running.delete(this);
        log?.end();
        resolve(code);
      });
    });
    running.add(this);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  output(): string {
    return this.out;
  }

  /** The last `n` lines of its output (for failure messages). */
  tail(n = 40): string {
    return this.out.split("\n").slice(-n).join("\n");
  }

  /** Waits until its output matches `re` (or it exits, or the time runs out). */
  async waitFor(re: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const m = this.out.match(re);
      if (m) return m;
      if (!this.alive)
        throw new Error(`${this.name} (pid ${this.pid}) exited before printing ${re}:\n${this.tail()}`);
      await sleep(50);
    }
    throw new Error(
      `${this.name} (pid ${this.pid}) did not print ${re} within ${timeoutMs} ms:\n${this.tail()}`,
    );
  }

  /** Sends `signal` to its PID and waits for it to exit (SIGKILL after `graceMs`). */
  async stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 15_000): Promise<void> {
    if (!this.alive) return;
    process.kill(this.pid, signal);
    const timer = setTimeout(() => {
      if (this.alive) process.kill(this.pid, "SIGKILL");
    }, graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** SIGKILL: no handler runs, nothing is flushed (a crash). */
  async kill9(): Promise<void> {
    await this.stop("SIGKILL");
  }
}

export function start(
  name: string,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  logFile?: string,
): Proc {
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Proc(name, child, logFile);
}

/** Stops every process still running (by PID). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop("SIGTERM", 5_000)));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface AnvilOptions {
  port: number;
  stateFile: string;
  /** Seconds between blocks; automine when omitted. */
  blockTime?: number;
  logFile?: string;
}

/** anvil (40 accounts, Hardhat's mnemonic, Cancun) keeping its state in `stateFile` across restarts. */
export async function startAnvil(o: AnvilOptions): Promise<Proc> {
  if (!fs.existsSync(ANVIL)) {
    throw new Error(
      `anvil is not installed (${ANVIL}): the optional dependency @foundry-rs/anvil-linux-amd64 exists for Linux x64 only`,
    );
  }
  const args = [
    "--port",
    String(o.port),
    "--host",
    "127.0.0.1",
    "--accounts",
    "40",
    "--hardfork",
    "cancun",
    "--state",
    o.stateFile,
  ];
  if (o.blockTime) args.push("--block-time", String(o.blockTime));
  const p = start("anvil", ANVIL, args, {}, o.logFile);
  await p.waitFor(/Listening on/, 30_000);
  return p;
}

/** Runs a Hardhat command to completion (node + Hardhat's CLI); returns its output, throws on a non-zero exit. */
export async function hardhat(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 300_000,
  logFile?: string,
): Promise<string> {
  const p = start(`hardhat ${args[0]}`, process.execPath, [HARDHAT_CLI, ...args], env, logFile);
  const timer = setTimeout(() => void p.stop("SIGKILL"), timeoutMs);
  const code = await p.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`hardhat ${args.join(" ")} exited with ${code}:\n${p.tail(60)}`);
  return p.output();
}

/** A long-running Hardhat task as a process (e.g. settlement:orchestrate). */
export function hardhatProcess(name: string, args: string[], env: NodeJS.ProcessEnv, logFile?: string): Proc {
  return start(name, process.execPath, [HARDHAT_CLI, ...args], env, logFile);
}

export interface RailProcessOptions {
  port: number;
  latencyMs?: number;
  settleMs?: number;
  logFile?: string;
}

/** The bank-rail server (services/bank-rail/main.ts) as its own process. */
export async function startRail(o: RailProcessOptions): Promise<Proc> {
  const p = start(
    "bank-rail",
    process.execPath,
    [
      "-r",
      "ts-node/register/transpile-only",
      "services/bank-rail/main.ts",
      "--port",
      String(o.port),
      "--latency-ms",
      String(o.latencyMs ?? 0),
      "--settle-ms",
      String(o.settleMs ?? 200),
      "--quiet",
    ],
    {},
    o.logFile,
  );
  await p.waitFor(/bank-rail listening on/, 180_000);
  return p;
}

/** JSON-RPC call to a node (anvil's own methods included). */
export async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** The bank rail's admin API (test control). */
export class RailAdmin {
  constructor(readonly url: string) {}

  private async call(method: string, p: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.url}${p}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  accounts(accounts: Record<string, { ccy: string; balance: string }>) {
    return this.call("POST", "/__admin/accounts", { accounts });
  }

  faults(rules: unknown[]) {
    return this.call("POST", "/__admin/faults", { rules });
  }

  release(endToEndId: string) {
    return this.call("POST", "/__admin/release", { endToEndId });
  }

  async ledger(): Promise<import("../../services/bank-rail/server").Ledger> {
    return (await this.call("GET", "/__admin/ledger")) as import("../../services/bank-rail/server").Ledger;
  }
}
