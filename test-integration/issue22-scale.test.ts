/**
 * Issue 22, tested as it runs: anvil on a free loopback port, the JSON-RPC proxy in front of it (its own process,
 * test-integration/helpers/issue22-rpc-proxy.ts: it drops the connection on demand and caps eth_getLogs the way
 * public RPCs do), the fund deployed by the deploy scripts, every task a separate `hardhat <task> --network
 * localhost` process going through the proxy. Every process is stopped by its PID.
 *
 * A few hundred investors (300), not the benchmark's 10,000 (`npm run bench:ops` measures those): the behaviours
 * tested here do not depend on the size, and the test stays within a few minutes.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { Contract, JsonRpcProvider, getAddress, id, keccak256, toUtf8Bytes } from "ethers";
import { freePort, hardhat, startAnvil, stopAll, type Proc } from "./helpers/i17-processes";
import { startRpcProxy, type RpcProxy } from "./helpers/issue22-rpc-proxy";
import { scanLogs } from "../scripts/lib/log-scan";

const INVESTORS = 300;
const BATCH = 100;
const IDENTITY_REGISTERED = id("IdentityRegistered(address,address)");

const wallet = (i: number) =>
  getAddress(keccak256(toUtf8Bytes(`fundsuite.issue22.investor.${i}`)).slice(0, 42));

describe("issue 22: operations at scale against a node behind a public-RPC-like proxy (integration)", function () {
  this.timeout(30 * 60_000);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "issue22-"));
  const csv = path.join(tmp, "investors.csv");
  let anvil: Proc;
  let anvilUrl: string;
  let proxy: RpcProxy;
  let env: NodeJS.ProcessEnv;
  let direct: JsonRpcProvider;
  const record = (name: string) =>
    JSON.parse(fs.readFileSync(path.join(tmp, "deployments", "localhost", `${name}.json`), "utf8")) as {
      address: string;
      abi: [];
    };
  /** `hardhat <args> --network localhost` through the proxy: exit code and output. */
  const task = async (args: string[]): Promise<{ ok: boolean; text: string }> => {
    try {
      return { ok: true, text: await hardhat([...args, "--network", "localhost"], env, 600_000) };
    } catch (error) {
      return { ok: false, text: (error as Error).message };
    }
  };
  /**
   * Registrations of each of the CSV's wallets, read from the node itself (not through the proxy); the deploy
   * scripts registered the fund's own accounts before.
   */
  const registrations = async (): Promise<Map<string, number>> => {
    const logs = await direct.getLogs({
      address: record("IdentityRegistry").address,
      topics: [IDENTITY_REGISTERED],
      fromBlock: 0,
      toBlock: "latest",
    });
    const csvWallets = new Set(Array.from({ length: INVESTORS }, (_, i) => wallet(i)));
    const count = new Map<string, number>();
    for (const l of logs) {
      const w = getAddress(`0x${l.topics[1].slice(26)}`);
      if (csvWallets.has(w)) count.set(w, (count.get(w) ?? 0) + 1);
    }
    return count;
  };

  before(async function () {
    const port = await freePort();
    anvil = await startAnvil({ port, stateFile: path.join(tmp, "anvil-state.json") });
    anvilUrl = `http://127.0.0.1:${port}`;
    proxy = await startRpcProxy(anvilUrl, await freePort());
    env = {
      LOCALHOST_RPC_URL: proxy.url,
      DEPLOYMENTS_DIR: path.join(tmp, "deployments"),
      DEPLOY_QUIET: "true",
    };
    direct = new JsonRpcProvider(anvilUrl, undefined, { staticNetwork: true });
    await hardhat(["deploy", "--network", "localhost"], env, 900_000);
    const now = (await direct.getBlock("latest"))!.timestamp;
    const rows = Array.from(
      { length: INVESTORS },
      (_, i) => `${wallet(i)},,840,accredited,${now + 3 * 365 * 86_400}`,
    );
    fs.writeFileSync(csv, ["wallet,identity,country,classes,kycExpiry", ...rows].join("\n") + "\n");
  });

  after(async function () {
    direct?.destroy();
    await proxy?.stop();
    await anvil?.stop();
    await stopAll();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe("investor:import when the node drops the connection halfway", function () {
    it("regression: issue 22 import resume - should register the missing rows only when run again, nobody twice", async function () {
      const importArgs = ["investor:import", "--file", csv, "--batch-size", String(BATCH)];
      // The second of three batches reaches the node, which executes it; the task never hears back.
      await proxy.dropAfter(["eth_sendTransaction", "eth_sendRawTransaction"], 2);
      const cut = await task(importArgs);
      await proxy.restore();
      expect(cut.ok, cut.text).to.equal(false);
      expect(cut.text).to.include("batch 1/3: register rows 1-100 of 300: done by complianceOfficer Safe");
      expect(cut.text).to.not.include("batch 2/3: register rows 101-200 of 300: done");
      const afterCut = await registrations();
      expect(afterCut.size).to.equal(200);

      await proxy.reset();
      const again = await task(importArgs);
      expect(again.ok, again.text).to.equal(true);
      expect(again.text).to.include(
        `${csv}: 100 valid row(s), 200 already registered with the row's data (skipped), 0 rejected`,
      );
      expect(again.text).to.include("batch 1/1: register rows 1-100 of 100: done by complianceOfficer Safe");
      expect((await proxy.stats()).txHashes).to.have.length(1);
      const count = await registrations();
      expect([...count.keys()].sort()).to.deep.equal(
        Array.from({ length: INVESTORS }, (_, i) => wallet(i)).sort(),
      );
      expect([...count.values()].every((n) => n === 1)).to.equal(true);
    });

    it("should send nothing when every row is registered, and say so", async function () {
      await proxy.reset();
      const third = await task(["investor:import", "--file", csv]);
      expect(third.ok, third.text).to.equal(true);
      expect(third.text).to.include(`Nothing to send: every valid row of ${csv} is registered already`);
      expect((await proxy.stats()).txHashes).to.deep.equal([]);
    });
  });

  describe("the event scans behind a provider capping eth_getLogs like public RPCs", function () {
    const LIMITS = { maxBlockRange: 5, maxResults: 250 };

    before(async function () {
      // Holders and some history: tokens minted to every investor, 3 NAV rounds, 20 transfers a day.
      for (const [phase, extra] of [
        ["holders", {}],
        ["history", { OPS_ROUNDS: "3", OPS_TRANSFERS_PER_DAY: "20" }],
      ] as const) {
        await hardhat(
          ["run", "bench/ops-world.ts", "--network", "localhost"],
          {
            ...env,
            LOCALHOST_RPC_URL: anvilUrl,
            OPS_PHASE: phase,
            OPS_CSV: csv,
            OPS_OUT: path.join(tmp, `${phase}.json`),
            ...extra,
          },
          900_000,
        );
      }
    });

    it("regression: issue 22 log limits - should return every log of the token and the registry once, in chain order", async function () {
      await proxy.limits(LIMITS);
      await proxy.reset();
      const capped = new JsonRpcProvider(proxy.url, undefined, { staticNetwork: true, batchMaxCount: 1 });
      try {
        const toBlock = await direct.getBlockNumber();
        // What the tasks scan: the token's TransferShares (captable:reconcile), every registry log (the wallet
        // index). A block holds at most 200 of either (a batch), within the cap of 250 results.
        const scans: [string, string[] | undefined][] = [
          ["FundToken", [id("TransferShares(address,address,uint256)")]],
          ["IdentityRegistry", undefined],
        ];
        for (const [name, topics] of scans) {
          const address = record(name).address;
          const expected = await direct.getLogs({ address, topics, fromBlock: 0, toBlock });
          const scanned = await scanLogs(capped, address, { fromBlock: 0, toBlock, chunk: 10_000, topics });
          const key = (l: { blockNumber: number; index: number; transactionHash: string }) =>
            `${l.blockNumber}/${l.index}/${l.transactionHash}`;
          expect(scanned.map(key)).to.deep.equal(expected.map(key));
          expect(new Set(scanned.map(key)).size).to.equal(scanned.length);
          expect(expected.length).to.be.greaterThan(LIMITS.maxResults);
        }
        expect((await proxy.stats()).refusedGetLogs).to.be.greaterThan(0);
      } finally {
        capped.destroy();
        await proxy.limits({});
      }
    });

    it("regression: issue 22 log limits - should export the same cap table and reconcile exactly behind the caps", async function () {
      const open = path.join(tmp, "cap-table.csv");
      const limited = path.join(tmp, "cap-table-capped.csv");
      const exported = await task(["captable:export", "--out", open]);
      expect(exported.ok, exported.text).to.equal(true);
      const reconciled = await task(["captable:reconcile"]);
      expect(reconciled.ok, reconciled.text).to.equal(true);

      await proxy.limits(LIMITS);
      await proxy.reset();
      try {
        const exportedCapped = await task(["captable:export", "--out", limited]);
        expect(exportedCapped.ok, exportedCapped.text).to.equal(true);
        const reconciledCapped = await task(["captable:reconcile"]);
        expect(reconciledCapped.ok, reconciledCapped.text).to.equal(true);
        expect((await proxy.stats()).refusedGetLogs).to.be.greaterThan(0);
        expect(fs.readFileSync(limited, "utf8")).to.equal(fs.readFileSync(open, "utf8"));
        const summary = (text: string) => /Reconciliation at block \d+: .*/.exec(text)?.[0];
        expect(summary(reconciledCapped.text)).to.equal(summary(reconciled.text));
        expect(reconciledCapped.text).to.include("every wallet reconciles");
      } finally {
        await proxy.limits({});
      }
      // Every investor and the fund's own holders are in the table; the balances add up to the supply.
      const token = new Contract(record("FundToken").address, record("FundToken").abi, direct);
      const lines = fs.readFileSync(open, "utf8").trim().split("\n").slice(1);
      const wallets = new Set(lines.flatMap((l) => l.split(",")[1].split("|")));
      for (let i = 0; i < INVESTORS; i++) expect(wallets.has(wallet(i)), wallet(i)).to.equal(true);
      const shares = lines.reduce((s, l) => s + BigInt(l.split(",")[4]), 0n);
      expect(shares).to.equal(await token.totalShares());
    });
  });
});
