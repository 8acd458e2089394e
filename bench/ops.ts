/**
 * `npm run bench:ops`: the operator's tasks at a fund's size, measured against a JSON-RPC node process.
 *
 * Starts anvil on a free loopback port and the JSON-RPC proxy (test-integration/helpers/issue22-rpc-proxy.ts,
 * its own process: counts calls, keeps the sent transactions, can cap eth_getLogs or drop the connection) in
 * front of it, deploys the fund with the deploy scripts (`hardhat deploy --network localhost`), and runs every
 * task as an operator does, `hardhat <task> --network localhost` as its own process through the proxy:
 *
 * 1. resume: `investor:import` of the OPS_INVESTORS-row CSV, the connection dropped after half its batches; the
 *    same command again sends only the missing rows; every wallet registered once (IdentityRegistered events).
 * 2. (chain reverted to the deployment) 1,000 investors imported, minted, a year of history (bench/ops-world.ts:
 *    260 NAV rounds accrued, 10 transfers a day), then `captable:export` and `captable:reconcile` measured.
 * 3. (reverted again) the OPS_INVESTORS-row import measured, the same year, export and reconcile measured, the
 *    same two behind the proxy's public-RPC caps (eth_getLogs over 1,000 blocks or 1,000 results refused) and
 *    compared, then 1,000 redemption requests: `redemptions:list` and `redemptions:settle --count 1000`.
 *
 * Writes bench/results/ops.json and bench/results/ops.md. Every process is stopped by its PID at the end.
 * OPS_INVESTORS (default 10000), OPS_SMALL (1000), OPS_ROUNDS (260), OPS_REDEMPTIONS (1000) change the sizes;
 * OPS_KEEP=true keeps the working folder (logs, CSVs, cap tables).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AbiCoder, JsonRpcProvider, getAddress, id, keccak256, toUtf8Bytes } from "ethers";
import { freePort, hardhat, rpc, startAnvil, stopAll, ROOT } from "../test-integration/helpers/i17-processes";
import { startRpcProxy, type ProxyStats, type RpcProxy } from "../test-integration/helpers/issue22-rpc-proxy";

const N = Number(process.env.OPS_INVESTORS ?? "10000");
const SMALL = Math.min(N, Number(process.env.OPS_SMALL ?? "1000"));
const ROUNDS = Number(process.env.OPS_ROUNDS ?? "260");
const REDEMPTIONS = Math.min(N, Number(process.env.OPS_REDEMPTIONS ?? "1000"));
const BATCH = 200;
const LIMITS = { maxBlockRange: 1000, maxResults: 1000 };
const RESULTS = path.join(ROOT, "bench", "results");

/** The investor CSV of `n` rows: wallets from a hash (no keys: the node signs for them), every 20th row a second
 * wallet of the previous row's investor. */
function investorCsv(n: number, kycExpiry: number): string {
  const countries = [840, 826, 276, 702];
  const lines = ["wallet,identity,country,classes,kycExpiry"];
  const wallet = (i: number) =>
    getAddress(keccak256(toUtf8Bytes(`fundsuite.ops.investor.${i}`)).slice(0, 42));
  for (let i = 0; i < n; i++) {
    const shared = i % 20 === 19;
    const owner = shared ? i - 1 : i;
    lines.push(`${wallet(i)},${shared ? wallet(owner) : ""},${countries[owner % 4]},accredited,${kycExpiry}`);
  }
  return lines.join("\n") + "\n";
}

interface Measure {
  command: string;
  seconds: number;
  rpcCalls: number;
  /** HTTP requests that carried them (a JSON-RPC batch is one). */
  httpRequests: number;
  calls: Record<string, number>;
  transactions: number;
  gasUsed: number;
  maxGasUsed: number;
  getLogsRefused: number;
  output: string;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-ops-"));
  const log = path.join(dir, "bench.log");
  const say = (line: string) => {
    console.log(line);
    fs.appendFileSync(log, line + "\n");
  };
  say(`bench:ops in ${dir}: ${N} investors (and ${SMALL}), ${ROUNDS} NAV rounds, ${REDEMPTIONS} redemptions`);
  const anvilPort = await freePort();
  const anvil = await startAnvil({
    port: anvilPort,
    stateFile: path.join(dir, "anvil-state.json"),
    logFile: path.join(dir, "anvil.log"),
  });
  const anvilUrl = `http://127.0.0.1:${anvilPort}`;
  let proxy: RpcProxy | undefined;
  const direct = new JsonRpcProvider(anvilUrl, undefined, { staticNetwork: true, batchMaxCount: 1 });
  const results: Record<string, unknown> = {};
  try {
    proxy = await startRpcProxy(anvilUrl, await freePort());
    const env = {
      LOCALHOST_RPC_URL: proxy.url,
      DEPLOYMENTS_DIR: path.join(dir, "deployments"),
      DEPLOY_QUIET: "true",
    };
    const px = proxy;
    const run = async (label: string, args: string[], allowFail = false): Promise<Measure> => {
      await px.reset();
      const started = Date.now();
      let output: string;
      try {
        output = await hardhat([...args, "--network", "localhost"], env, 3_600_000, log);
      } catch (error) {
        if (!allowFail) throw error;
        output = (error as Error).message;
      }
      const seconds = (Date.now() - started) / 1000;
      const stats: ProxyStats = await px.stats();
      let gasUsed = 0;
      let maxGasUsed = 0;
      for (const hash of stats.txHashes) {
        const receipt = await direct.getTransactionReceipt(hash);
        if (!receipt) continue;
        gasUsed += Number(receipt.gasUsed);
        maxGasUsed = Math.max(maxGasUsed, Number(receipt.gasUsed));
      }
      const m: Measure = {
        command: `hardhat ${args.join(" ")}`,
        seconds,
        rpcCalls: stats.total,
        httpRequests: stats.requests,
        calls: stats.calls,
        transactions: stats.txHashes.length,
        gasUsed,
        maxGasUsed,
        getLogsRefused: stats.refusedGetLogs,
        output,
      };
      say(
        `${label}: ${seconds.toFixed(1)} s, ${stats.total} RPC calls in ${stats.requests} HTTP requests, ` +
          `${stats.txHashes.length} transactions, ` +
          `${gasUsed} gas (max ${maxGasUsed})${stats.refusedGetLogs ? `, ${stats.refusedGetLogs} eth_getLogs refused` : ""}`,
      );
      return m;
    };
    const world = async (phase: string, csv: string, extra: Record<string, string> = {}) => {
      const out = path.join(dir, `world-${phase}.json`);
      await hardhat(
        ["run", "bench/ops-world.ts", "--network", "localhost"],
        { ...env, LOCALHOST_RPC_URL: anvilUrl, OPS_PHASE: phase, OPS_OUT: out, OPS_CSV: csv, ...extra },
        3_600_000,
        log,
      );
      const r = JSON.parse(fs.readFileSync(out, "utf8")) as Record<string, unknown>;
      say(`world ${phase}: ${JSON.stringify(r)}`);
      return r;
    };
    const strip = (m: Measure) => {
      const { output: _output, ...rest } = m;
      void _output;
      return rest;
    };

    // Hardhat's own start (config, TypeScript): part of every command below.
    const baseline = await run("hardhat start (help)", ["help"]);
    results.hardhatStartSeconds = baseline.seconds;

    const deploy = await run("deploy", ["deploy"]);
    results.deploy = { seconds: deploy.seconds, transactions: deploy.transactions, gasUsed: deploy.gasUsed };
    const registry = JSON.parse(
      fs.readFileSync(path.join(dir, "deployments", "localhost", "IdentityRegistry.json"), "utf8"),
    ) as { address: string };
    const now = (await direct.getBlock("latest"))!.timestamp;
    const expiry = now + 5 * 365 * 86_400;
    const csvFull = path.join(dir, `investors-${N}.csv`);
    const csvSmall = path.join(dir, `investors-${SMALL}.csv`);
    fs.writeFileSync(csvFull, investorCsv(N, expiry));
    fs.writeFileSync(csvSmall, investorCsv(SMALL, expiry));
    let snapshot = (await rpc(anvilUrl, "evm_snapshot")) as string;
    const revert = async () => {
      if (!(await rpc(anvilUrl, "evm_revert", [snapshot]))) throw new Error("evm_revert failed");
      snapshot = (await rpc(anvilUrl, "evm_snapshot")) as string;
    };
    const importArgs = (file: string) => ["investor:import", "--file", file, "--batch-size", String(BATCH)];

    // 1. Resume: the connection dropped after half the batches, the same command again.
    const batches = Math.ceil(N / BATCH);
    const dropAt = Math.ceil(batches / 2);
    await px.dropAfter(["eth_sendTransaction", "eth_sendRawTransaction"], dropAt);
    const cut = await run("import, connection dropped", importArgs(csvFull), true);
    await px.restore();
    const resumed = await run("import again (resume)", importArgs(csvFull));
    const registered = await direct.getLogs({
      address: registry.address,
      topics: [id("IdentityRegistered(address,address)")],
      fromBlock: 0,
      toBlock: "latest",
    });
    // Registrations of the CSV's wallets (the deploy scripts registered the fund's own accounts before).
    const csvWallets = new Set(
      fs
        .readFileSync(csvFull, "utf8")
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.split(",")[0]),
    );
    const perWallet = new Map<string, number>();
    for (const l of registered) {
      const w = getAddress(AbiCoder.defaultAbiCoder().decode(["address"], l.topics[1])[0] as string);
      if (csvWallets.has(w)) perWallet.set(w, (perWallet.get(w) ?? 0) + 1);
    }
    const skipped = Number(/(\d+) already registered with the row's data/.exec(resumed.output)?.[1] ?? 0);
    const sentRows = Number(/: (\d+) valid row\(s\)/.exec(resumed.output)?.[1] ?? -1);
    results.resume = {
      batches,
      droppedOnBatch: dropAt,
      firstRun: strip(cut),
      firstRunExited: /exited with/.test(cut.output) ? "non-zero (connection lost)" : "zero",
      secondRun: strip(resumed),
      rowsSkipped: skipped,
      rowsSent: sentRows,
      walletsRegistered: perWallet.size,
      walletsRegisteredTwice: [...perWallet.values()].filter((n) => n > 1).length,
    };
    if (perWallet.size < N) throw new Error(`resume: ${perWallet.size} of ${N} registered`);

    // 2. and 3. The import, a year of history, the cap table; at SMALL and N investors.
    const sizes = SMALL < N ? [SMALL, N] : [N];
    results.sizes = {};
    for (const size of sizes) {
      await revert();
      const csv = size === N ? csvFull : csvSmall;
      const r: Record<string, unknown> = {};
      (results.sizes as Record<string, unknown>)[size] = r;
      const imported = await run(`import ${size}`, importArgs(csv));
      r.import = { ...strip(imported), gasPerInvestor: Math.round(imported.gasUsed / size) };
      r.holders = await world("holders", csv);
      r.history = await world("history", csv, { OPS_ROUNDS: String(ROUNDS) });
      const capOut = path.join(dir, `cap-table-${size}.csv`);
      r.export = strip(await run(`captable:export ${size}`, ["captable:export", "--out", capOut]));
      const reconcile = await run(`captable:reconcile ${size}`, ["captable:reconcile"]);
      r.reconcile = {
        ...strip(reconcile),
        events: Number(/(\d+) TransferShares events/.exec(reconcile.output)?.[1] ?? -1),
        wallets: Number(/events, (\d+) wallets/.exec(reconcile.output)?.[1] ?? -1),
        exact: /every wallet reconciles/.test(reconcile.output),
      };
      await px.limits(LIMITS);
      const capLimited = path.join(dir, `cap-table-${size}-limited.csv`);
      const exportLimited = await run(`captable:export ${size} (capped RPC)`, [
        "captable:export",
        "--out",
        capLimited,
      ]);
      const reconcileLimited = await run(`captable:reconcile ${size} (capped RPC)`, ["captable:reconcile"]);
      await px.limits({});
      r.logLimits = {
        limits: LIMITS,
        export: strip(exportLimited),
        reconcile: strip(reconcileLimited),
        sameCapTable: fs.readFileSync(capOut, "utf8") === fs.readFileSync(capLimited, "utf8"),
        sameReconciliation:
          /every wallet reconciles/.test(reconcileLimited.output) &&
          /(\d+) TransferShares events, (\d+) wallets/.exec(reconcileLimited.output)?.[0] ===
            /(\d+) TransferShares events, (\d+) wallets/.exec(reconcile.output)?.[0],
      };
      if (size === N) {
        r.redemptionRequests = await world("redemptions", csv, { OPS_REDEMPTIONS: String(REDEMPTIONS) });
        r.list = strip(await run("redemptions:list", ["redemptions:list"]));
        const settle = await run("redemptions:settle", [
          "redemptions:settle",
          "--count",
          String(REDEMPTIONS),
        ]);
        const settled = Number(/Settled (\d+), held/.exec(settle.output)?.[1] ?? -1);
        r.settle = {
          ...strip(settle),
          settled,
          gasPerSettledRequest: settled > 0 ? Math.round(settle.gasUsed / settled) : null,
        };
      }
    }
  } finally {
    direct.destroy();
    await proxy?.stop();
    await anvil.stop();
    await stopAll();
    if (process.env.OPS_KEEP !== "true") fs.rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  }
  results.config = { investors: N, small: SMALL, rounds: ROUNDS, redemptions: REDEMPTIONS, batchSize: BATCH };
  results.machine = { cpus: os.cpus().length, node: process.version };
  fs.mkdirSync(RESULTS, { recursive: true });
  const suffix = process.env.OPS_RESULTS_SUFFIX ?? "";
  fs.writeFileSync(path.join(RESULTS, `ops${suffix}.json`), JSON.stringify(results, null, 2) + "\n");
  fs.writeFileSync(path.join(RESULTS, `ops${suffix}.md`), markdown(results));
  console.log(`written bench/results/ops${suffix}.json and ops${suffix}.md`);
}

type Row = {
  seconds: number;
  rpcCalls: number;
  httpRequests: number;
  transactions: number;
  gasUsed: number;
  maxGasUsed: number;
};

function markdown(r: Record<string, unknown>): string {
  const cfg = r.config as Record<string, number>;
  const fmt = (n: number) => n.toLocaleString("en-US");
  const lines = [
    "# Operations at scale (`npm run bench:ops`)",
    "",
    `anvil (a separate process on a loopback port) behind the counting JSON-RPC proxy; ${cfg.investors} investors ` +
      `(and ${cfg.small}), ${cfg.rounds} NAV rounds, ${cfg.redemptions} redemption requests; ` +
      `${(r.machine as { cpus: number }).cpus} CPU cores, Node ${(r.machine as { node: string }).node}. ` +
      `Every figure is one \`hardhat <task> --network localhost\` process as an operator runs it, Hardhat's start ` +
      `included (${(r.hardhatStartSeconds as number).toFixed(1)} s for \`hardhat help\` alone).`,
    "",
    "| holders | command | wall time (s) | RPC calls (HTTP requests) | transactions | gas per item | largest transaction (gas) |",
    "| ------: | ------- | ------------: | ------------------------: | -----------: | -----------: | ------------------------: |",
  ];
  const sizes = r.sizes as Record<string, Record<string, unknown>>;
  for (const [size, s] of Object.entries(sizes)) {
    const row = (name: string, m: Row, perItem?: number | null) =>
      lines.push(
        `| ${fmt(Number(size))} | ${name} | ${m.seconds.toFixed(1)} | ${fmt(m.rpcCalls)} (${fmt(m.httpRequests)}) | ` +
          `${m.transactions} | ` +
          `${perItem ? fmt(perItem) : ""} | ${m.maxGasUsed ? fmt(m.maxGasUsed) : ""} |`,
      );
    const imp = s.import as Row & { gasPerInvestor: number };
    row("`investor:import` (batches of 200)", imp, imp.gasPerInvestor);
    row("`captable:export`", s.export as Row);
    row("`captable:reconcile`", s.reconcile as Row);
    const ll = s.logLimits as { export: Row; reconcile: Row };
    row("`captable:export`, eth_getLogs capped", ll.export);
    row("`captable:reconcile`, eth_getLogs capped", ll.reconcile);
    if (s.list) row(`\`redemptions:list\` (${fmt(cfg.redemptions)} pending)`, s.list as Row);
    if (s.settle) {
      const st = s.settle as Row & { gasPerSettledRequest: number };
      row(`\`redemptions:settle --count ${cfg.redemptions}\``, st, st.gasPerSettledRequest);
    }
  }
  const resume = r.resume as Record<string, unknown> & { secondRun: Row; firstRun: Row };
  lines.push(
    "",
    "## Checks",
    "",
    `- Resume: the connection dropped on batch ${resume.droppedOnBatch} of ${resume.batches} (the first run exited ` +
      `${resume.firstRunExited}, after ${resume.firstRun.transactions} transactions); the same command again ` +
      `skipped ${fmt(resume.rowsSkipped as number)} rows and sent ${fmt(resume.rowsSent as number)} in ` +
      `${resume.secondRun.transactions} transactions; ${fmt(resume.walletsRegistered as number)} of the CSV's ` +
      `${fmt(cfg.investors)} wallets registered, ${resume.walletsRegisteredTwice} of them twice.`,
  );
  for (const [size, s] of Object.entries(sizes)) {
    const rec = s.reconcile as { events: number; wallets: number; exact: boolean };
    const ll = s.logLimits as {
      sameCapTable: boolean;
      sameReconciliation: boolean;
      export: { getLogsRefused: number };
      reconcile: { getLogsRefused: number };
    };
    const hist = s.history as { rounds: number; transfers: number };
    lines.push(
      `- ${fmt(Number(size))} holders, after ${hist.rounds} NAV rounds and ${fmt(hist.transfers)} transfers: ` +
        `reconciliation ${rec.exact ? "exact" : "NOT exact"} (${fmt(rec.events)} TransferShares events, ` +
        `${fmt(rec.wallets)} wallets); behind the capped RPC (eth_getLogs over ${LIMITS.maxBlockRange} blocks or ` +
        `${LIMITS.maxResults} results refused: ${ll.export.getLogsRefused} and ${ll.reconcile.getLogsRefused} ` +
        `refusals) the cap table is ${ll.sameCapTable ? "identical" : "DIFFERENT"} and the reconciliation ` +
        `${ll.sameReconciliation ? "the same" : "DIFFERENT"}.`,
    );
    if (s.settle) {
      const st = s.settle as { settled: number; transactions: number; maxGasUsed: number };
      lines.push(
        `- Settlement: ${fmt(st.settled)} requests settled in ${st.transactions} transactions, the largest ` +
          `${fmt(st.maxGasUsed)} gas (limit 15,000,000).`,
      );
    }
  }
  return lines.join("\n") + "\n";
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
