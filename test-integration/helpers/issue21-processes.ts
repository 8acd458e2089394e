/**
 * Processes of the issue 21 integration test: a free loopback port, a `hardhat node` child process, the Transaction
 * Service stand-in, and Hardhat task invocations as separate processes (as an operator and each Safe owner would run
 * them). Every process started here is stopped by its PID.
 */
import * as net from "net";
import * as path from "path";
import { ChildProcess, spawn } from "child_process";

export const REPO = path.resolve(__dirname, "..", "..");
const HARDHAT_CLI = require.resolve("hardhat/internal/cli/cli", { paths: [REPO] });

/** A port nothing listens on at the moment, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A child process and how to stop it. */
export interface Running {
  pid: number;
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

function track(child: ChildProcess): { output: () => string; exited: Promise<number | null> } {
  let text = "";
  child.stdout?.on("data", (d) => (text += d.toString()));
  child.stderr?.on("data", (d) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { output: () => text, exited };
}

function stopper(child: ChildProcess, exited: Promise<number | null>): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    process.kill(child.pid, "SIGTERM");
    const timer = setTimeout(
      () => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, "SIGKILL"),
      5000,
    );
    await exited;
    clearTimeout(timer);
  };
}

async function waitFor(what: string, check: () => Promise<boolean>, output: () => string, timeoutMs: number) {
  const start = Date.now();
  while (!(await check().catch(() => false))) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`${what} did not start in ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Starts `hardhat node` (no deployment) on 127.0.0.1:`port` and waits until it answers JSON-RPC. */
export async function startHardhatNode(port: number): Promise<Running> {
  const child = spawn(
    process.execPath,
    [HARDHAT_CLI, "node", "--hostname", "127.0.0.1", "--port", String(port), "--no-deploy"],
    { cwd: REPO, env: { ...process.env, HARDHAT_NETWORK: undefined }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const { output, exited } = track(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `hardhat node on port ${port}`,
    async () => {
      const r = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      return r.ok;
    },
    output,
    120_000,
  );
  return { pid: child.pid!, url, output, stop: stopper(child, exited) };
}

/** Starts the Transaction Service stand-in on a free port; resolves with its `/api` URL. */
export async function startTxService(): Promise<Running> {
  const child = spawn(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join(__dirname, "issue21-tx-service.ts")],
    { cwd: REPO, env: { ...process.env, PORT: "0" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const { output, exited } = track(child);
  let url = "";
  await waitFor(
    "Transaction Service stand-in",
    async () => {
      const m = output().match(/listening on (http:\/\/127\.0\.0\.1:\d+\/api)/);
      if (m) url = m[1];
      return m !== null;
    },
    output,
    60_000,
  );
  return { pid: child.pid!, url, output, stop: stopper(child, exited) };
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together. */
  text: string;
}

/** Runs `npx hardhat <args>` as a separate process with `env` added; resolves when it exits. */
export function hardhat(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HARDHAT_CLI, ...args], {
      cwd: REPO,
      env: { ...process.env, HARDHAT_NETWORK: undefined, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d.toString()));
    child.stderr.on("data", (d) => (stderr += d.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr, text: stdout + stderr }));
  });
}
