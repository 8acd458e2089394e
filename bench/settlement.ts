/**
 * `npm run bench:settlement`: throughput and latency of the settlement orchestrator on off-chain DvP trades, as it
 * runs: anvil mining a block every second, the bank-rail server answering every request in 200 ms, the orchestrator
 * as its own process (`hardhat settlement:orchestrate`), each started on a free loopback port and stopped by PID
 * (the integration test's helpers, test-integration/helpers/i17-*.ts).
 *
 * Three runs on the same deployment:
 * - **sustained, batched**: the orchestrator has Safe's MultiSendCallOnly, so the settlement agent's calls of a
 *   round go in one Safe transaction; BENCH_TRADES trades (default 200) with BENCH_OPEN (default 50) open at once:
 *   whenever trades end, sellers open new ones to keep BENCH_OPEN open (latency = open trades / throughput);
 * - **burst, batched**: BENCH_OPEN trades opened at once, nothing more: the time each takes from a standing start;
 * - **burst, one call per Safe transaction** (no MultiSend): BENCH_UNBATCHED_TRADES trades (default 20, 0 skips the
 *   run) opened at once, to show the bound batching lifts.
 *
 * Latency of a trade: the timestamp of the block holding its TradeSettled minus that of its OffChainTradeOpened
 * (the chain's clock, one-second blocks). Throughput: trades settled per minute between the first opening and the
 * last settlement. Writes bench/results/settlement.json and settlement.md.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseUnits } from "ethers";
import {
  freePort,
  hardhat,
  hardhatProcess,
  rpc,
  sleep,
  startAnvil,
  startRail,
  stopAll,
  type Proc,
} from "../test-integration/helpers/i17-processes";
import { World } from "../test-integration/helpers/i17-world";
import { parseJournal, type JournalRecord } from "../services/orchestrator/journal";

const TRADES = Number(process.env.BENCH_TRADES ?? "200");
const OPEN = Number(process.env.BENCH_OPEN ?? "50");
const UNBATCHED_TRADES = Number(process.env.BENCH_UNBATCHED_TRADES ?? "20");
const RAIL_LATENCY_MS = 200;
const RAIL_SETTLE_MS = 200;
const POLL_MS = 1_000;
const RESULTS = path.join(__dirname, "results");

interface RunResult {
  name: string;
  multiSend: boolean;
  trades: number;
  openAtOnce: number;
  settled: number;
  refunded: number;
  durationSeconds: number;
  tradesPerMinute: number;
  latencySeconds: { median: number; p95: number; max: number; min: number };
  safeTransactions: number;
  callsPerSafeTransaction: { mean: number; max: number };
  railInstructions: number;
  /** Rounds that acted, as the orchestrator logs them ("round took N ms"). */
  roundMs: { median: number; p95: number; count: number };
}

function quantile(sorted: number[], q: number): number {
  // Nearest rank: the smallest value with at least q of the samples at or below it.
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1];
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-settlement-"));
  const started = Date.now();
  try {
    const port = await freePort();
    const rpcUrl = `http://127.0.0.1:${port}`;
    const env = {
      LOCALHOST_RPC_URL: rpcUrl,
      DEPLOYMENTS_DIR: path.join(dir, "deployments"),
      DEPLOY_QUIET: "true",
    };
    const anvil = await startAnvil({
      port,
      stateFile: path.join(dir, "anvil-state.json"),
      logFile: path.join(dir, "anvil.log"),
    });
    console.log(`anvil (pid ${anvil.pid}) on ${rpcUrl}: deploying and setting up the fund`);
    const setupFile = path.join(dir, "setup.json");
    await hardhat(
      ["run", "test-integration/helpers/i17-setup.ts", "--network", "localhost"],
      { ...env, I17_OUT: setupFile },
      900_000,
      path.join(dir, "setup.log"),
    );
    const world = new World(rpcUrl, setupFile);
    await rpc(rpcUrl, "evm_setAutomine", [false]);
    await rpc(rpcUrl, "evm_setIntervalMining", [1]);

    const railPort = await freePort();
    const railUrl = `http://127.0.0.1:${railPort}`;
    const rail = await startRail({
      port: railPort,
      latencyMs: RAIL_LATENCY_MS,
      settleMs: RAIL_SETTLE_MS,
      logFile: path.join(dir, "rail.log"),
    });
    const accounts: Record<string, { ccy: string; balance: string }> = {};
    for (const w of world.setup.investors)
      accounts[`wallet:${w.toLowerCase()}`] = { ccy: "USD", balance: (10n ** 12n).toString() };
    await fetch(`${railUrl}/__admin/accounts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ accounts }),
    });
    console.log(`bank-rail (pid ${rail.pid}) on ${railUrl}, answering in ${RAIL_LATENCY_MS} ms`);

    const runs: RunResult[] = [];
    runs.push(await run(world, { name: "sustained, batched", multiSend: true, trades: TRADES, open: OPEN }));
    runs.push(await run(world, { name: "burst, batched", multiSend: true, trades: OPEN, open: OPEN }));
    if (UNBATCHED_TRADES > 0) {
      runs.push(
        await run(world, {
          name: "burst, one call per Safe transaction",
          multiSend: false,
          trades: UNBATCHED_TRADES,
          open: UNBATCHED_TRADES,
        }),
      );
    }

    const result = {
      generatedBy: "npm run bench:settlement (bench/settlement.ts)",
      node: "anvil 1.7.1 (@foundry-rs/anvil-linux-amd64), a block every second",
      rail: `services/bank-rail, ${RAIL_LATENCY_MS} ms per answer, settlement ${RAIL_SETTLE_MS} ms after acceptance`,
      orchestrator: `hardhat settlement:orchestrate, a round every ${POLL_MS} ms, Safe 2-of-3 owners' keys local`,
      machine: `${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, node ${process.version}, load average at the end ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
      runs,
    };
    fs.mkdirSync(RESULTS, { recursive: true });
    fs.writeFileSync(path.join(RESULTS, "settlement.json"), `${JSON.stringify(result, null, 2)}\n`);
    fs.writeFileSync(path.join(RESULTS, "settlement.md"), markdown(result));
    console.log(markdown(result));
    console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);

    async function run(
      w: World,
      o: { name: string; multiSend: boolean; trades: number; open: number },
    ): Promise<RunResult> {
      // One journal for every run: each orchestrator resumes from the previous one's cursor (a fresh journal would
      // first re-read and close every earlier trade).
      const journal = path.join(dir, "journal.jsonl");
      const recordsBefore = fs.existsSync(journal)
        ? parseJournal(fs.readFileSync(journal, "utf8")).records.length
        : 0;
      const config = path.join(dir, `orchestrator-${runs.length}.json`);
      fs.writeFileSync(
        config,
        JSON.stringify({
          safe: o.multiSend ? { multiSendCallOnly: w.setup.multiSendCallOnly } : {},
          rail: { url: railUrl, timeoutMs: 5_000 },
        }),
      );
      const orchestrator: Proc = hardhatProcess(
        "orchestrator",
        [
          "settlement:orchestrate",
          "--network",
          "localhost",
          "--rail-url",
          railUrl,
          "--journal",
          journal,
          "--proposals-dir",
          path.join(dir, "proposals"),
          "--orchestrator-config",
          config,
          "--interval",
          String(POLL_MS),
        ],
        env,
        path.join(dir, `orchestrator-${runs.length}.log`),
      );
      await orchestrator.waitFor(/orchestrator started/, 180_000);
      console.log(`run "${o.name}": ${o.trades} trades, ${o.open} open at once`);

      const inv = w.setup.investors;
      const ids: bigint[] = [];
      let opened = 0;
      const openSome = async (n: number) => {
        const orders = Array.from({ length: n }, (_, i) => {
          const k = opened + i;
          return {
            seller: inv[k % 5],
            buyer: inv[5 + ((k + 1) % 5)],
            amount: parseUnits("1000", 18),
            price: 250_000n,
          };
        });
        opened += n;
        ids.push(...(await w.openOffChain(orders)));
      };
      const t0 = Date.now();
      await openSome(Math.min(o.open, o.trades));
      let ended = new Set<string>();
      while (ended.size < o.trades) {
        if (Date.now() - t0 > 900_000) throw new Error(`run "${o.name}": not done after 15 minutes`);
        await sleep(500);
        const statuses = await Promise.all(ids.map((id) => w.status(id)));
        ended = new Set(ids.filter((_, i) => statuses[i] >= 4).map(String));
        const openNow = ids.length - ended.size;
        const more = Math.min(o.open - openNow, o.trades - opened);
        if (more > 0) await openSome(more);
      }
      await orchestrator.stop("SIGTERM");

      const first = ids[0];
      const last = ids[ids.length - 1];
      const openedEv = await w.dvp.queryFilter(w.dvp.filters.OffChainTradeOpened());
      const settledEv = await w.dvp.queryFilter(w.dvp.filters.TradeSettled());
      const times = new Map<number, number>();
      const at = async (block: number) => {
        if (!times.has(block)) times.set(block, (await w.provider.getBlock(block))!.timestamp);
        return times.get(block)!;
      };
      const openAt = new Map<bigint, number>();
      for (const e of openedEv) {
        if (e.args.tradeId >= first && e.args.tradeId <= last)
          openAt.set(e.args.tradeId, await at(e.blockNumber));
      }
      const latencies: number[] = [];
      let lastSettled = 0;
      for (const e of settledEv) {
        const id = e.args.tradeId;
        if (!openAt.has(id)) continue;
        const t = await at(e.blockNumber);
        latencies.push(t - openAt.get(id)!);
        lastSettled = Math.max(lastSettled, t);
      }
      latencies.sort((a, b) => a - b);
      const firstOpen = Math.min(...openAt.values());
      const duration = lastSettled - firstOpen;
      const records = parseJournal(fs.readFileSync(journal, "utf8")).records.slice(recordsBefore);
      const rounds = [...orchestrator.output().matchAll(/round took (\d+) ms/g)].map((m) => Number(m[1]));
      rounds.sort((a, b) => a - b);
      const safes = records.filter((r): r is Extract<JournalRecord, { t: "safe" }> => r.t === "safe");
      const sizes = safes.map((s) => s.calls.length);
      const result: RunResult = {
        name: o.name,
        multiSend: o.multiSend,
        trades: ids.length,
        openAtOnce: o.open,
        settled: latencies.length,
        refunded: ids.length - latencies.length,
        durationSeconds: duration,
        tradesPerMinute: Math.round((latencies.length / duration) * 60 * 10) / 10,
        latencySeconds: {
          median: quantile(latencies, 0.5),
          p95: quantile(latencies, 0.95),
          min: latencies[0],
          max: latencies[latencies.length - 1],
        },
        safeTransactions: safes.length,
        callsPerSafeTransaction: {
          mean: Math.round((sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length)) * 10) / 10,
          max: Math.max(0, ...sizes),
        },
        railInstructions: records.filter((r) => r.t === "instruct").length,
        roundMs: rounds.length
          ? { median: quantile(rounds, 0.5), p95: quantile(rounds, 0.95), count: rounds.length }
          : { median: 0, p95: 0, count: 0 },
      };
      console.log(JSON.stringify(result));
      return result;
    }
  } finally {
    await stopAll();
    if (process.env.BENCH_KEEP === "true") console.log(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

function markdown(r: {
  generatedBy: string;
  node: string;
  rail: string;
  orchestrator: string;
  machine: string;
  runs: RunResult[];
}): string {
  const rows = r.runs.map(
    (x) =>
      `| ${x.name} | ${x.trades} | ${x.openAtOnce} | ${x.settled} | ${x.tradesPerMinute} | ${x.latencySeconds.median} | ` +
      `${x.latencySeconds.p95} | ${x.latencySeconds.max} | ${x.safeTransactions} | ${x.callsPerSafeTransaction.mean} (max ${x.callsPerSafeTransaction.max}) | ` +
      `${x.roundMs.median} / ${x.roundMs.p95} (${x.roundMs.count}) |`,
  );
  return [
    "# Settlement orchestrator benchmark",
    "",
    `Generated by \`${r.generatedBy}\`.`,
    "",
    `- node: ${r.node}`,
    `- rail: ${r.rail}`,
    `- orchestrator: ${r.orchestrator}`,
    `- machine: ${r.machine}`,
    "",
    "Latency: block timestamp of `TradeSettled` minus that of `OffChainTradeOpened` (seconds, one-second blocks).",
    "",
    "| run | trades | open at once | settled | trades settled / min | median latency (s) | p95 latency (s) | max (s) | Safe transactions | calls per Safe transaction | acting round, median / p95 ms (rounds) |",
    "| --- | ------ | ------------ | ------- | -------------------- | ------------------ | --------------- | ------- | ----------------- | -------------------------- | -------------------------------------- |",
    ...rows,
    "",
  ].join("\n");
}

main().catch((e: unknown) => {
  console.error(e);
  void stopAll().finally(() => process.exit(1));
});
