/**
 * Issue 22, tested as it runs: anvil on a free loopback port, the JSON-RPC proxy in front of it (its own process,
 * test-integration/helpers/issue22-rpc-proxy.ts: it drops the connection on demand and caps eth_getLogs the way
 * public RPCs do), the fund deployed once by the deploy scripts for the whole file, every task a separate
 * `hardhat <task> --network localhost` process going through the proxy. Every process is stopped by its PID.
 *
 * As small as the behaviours allow (`npm run bench:ops` measures 10,000 investors): 6 investors imported in
 * batches of 2 (three batches, the connection dropped on the second), and an eth_getLogs result cap set to the
 * densest block of the history scanned (so the scans are refused for their results as well as their ranges, and
 * still fit a block's logs in one answer). Seven Hardhat processes in all: the deploy, two imports, the holders
 * and their history (one process), the export and the reconciliation behind the caps.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { Contract, JsonRpcProvider, getAddress, id, keccak256, toUtf8Bytes, type Log } from "ethers";
import { freePort, hardhat, startAnvil, stopAll, type Proc } from "./helpers/i17-processes";
import { startRpcProxy, type RpcProxy } from "./helpers/issue22-rpc-proxy";
import { scanLogs } from "../lib/log-scan";

const INVESTORS = 6;
const BATCH = 2;
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
      expect(cut.text).to.include("batch 1/3: register rows 1-2 of 6: done by complianceOfficer Safe");
      expect(cut.text).to.not.include("batch 2/3: register rows 3-4 of 6: done");
      const afterCut = await registrations();
      expect(afterCut.size).to.equal(4);

      await proxy.reset();
      const again = await task(importArgs);
      expect(again.ok, again.text).to.equal(true);
      expect(again.text).to.include(
        `${csv}: 2 valid row(s), 4 already registered with the row's data (skipped), 0 rejected`,
      );
      expect(again.text).to.include("batch 1/1: register rows 1-2 of 2: done by complianceOfficer Safe");
      expect((await proxy.stats()).txHashes).to.have.length(1);
      const count = await registrations();
      expect([...count.keys()].sort()).to.deep.equal(
        Array.from({ length: INVESTORS }, (_, i) => wallet(i)).sort(),
      );
      expect([...count.values()].every((n) => n === 1)).to.equal(true);
    });
  });

  describe("the event scans behind a provider capping eth_getLogs like public RPCs", function () {
    /** What the tasks scan: the token's TransferShares (captable:reconcile), every registry log (the wallet index). */
    const SCANS: [string, string[] | undefined][] = [
      ["FundToken", [id("TransferShares(address,address,uint256)")]],
      ["IdentityRegistry", undefined],
    ];
    const expected = new Map<string, Log[]>();
    let toBlock: number;
    /** A range cap, and a result cap that the densest block of the history scanned just fits in. */
    const limits = { maxBlockRange: 5, maxResults: 0 };

    before(async function () {
      // Holders and some history (one process): tokens minted to every investor, 2 NAV rounds, 4 transfers a day.
      await hardhat(
        ["run", "bench/ops-world.ts", "--network", "localhost"],
        {
          ...env,
          LOCALHOST_RPC_URL: anvilUrl,
          OPS_PHASE: "holders,history",
          OPS_CSV: csv,
          OPS_OUT: path.join(tmp, "world.json"),
          OPS_ROUNDS: "2",
          OPS_TRANSFERS_PER_DAY: "4",
        },
        900_000,
      );
      toBlock = await direct.getBlockNumber();
      for (const [name, topics] of SCANS) {
        const logs = await direct.getLogs({ address: record(name).address, topics, fromBlock: 0, toBlock });
        expected.set(name, logs);
        const perBlock = new Map<number, number>();
        for (const l of logs) perBlock.set(l.blockNumber, (perBlock.get(l.blockNumber) ?? 0) + 1);
        limits.maxResults = Math.max(limits.maxResults, ...perBlock.values());
      }
      for (const logs of expected.values()) expect(logs.length).to.be.greaterThan(limits.maxResults);
    });

    it("issue 22 log limits - should return every log of the token and the registry once, in chain order", async function () {
      await proxy.limits(limits);
      await proxy.reset();
      const capped = new JsonRpcProvider(proxy.url, undefined, { staticNetwork: true, batchMaxCount: 1 });
      try {
        for (const [name, topics] of SCANS) {
          const address = record(name).address;
          const scanned = await scanLogs(capped, address, { fromBlock: 0, toBlock, chunk: 10_000, topics });
          const key = (l: { blockNumber: number; index: number; transactionHash: string }) =>
            `${l.blockNumber}/${l.index}/${l.transactionHash}`;
          expect(scanned.map(key)).to.deep.equal(expected.get(name)!.map(key));
          expect(new Set(scanned.map(key)).size).to.equal(scanned.length);
        }
        expect((await proxy.stats()).refusedGetLogs).to.be.greaterThan(0);
      } finally {
        capped.destroy();
        await proxy.limits({});
      }
    });

    it("issue 22 log limits - should export the cap table the chain holds and reconcile exactly behind the caps", async function () {
      const out = path.join(tmp, "cap-table.csv");
      await proxy.limits(limits);
      await proxy.reset();
      let reconciled: { ok: boolean; text: string };
      try {
        const exported = await task(["captable:export", "--out", out]);
        expect(exported.ok, exported.text).to.equal(true);
        reconciled = await task(["captable:reconcile"]);
        expect(reconciled.ok, reconciled.text).to.equal(true);
        expect((await proxy.stats()).refusedGetLogs).to.be.greaterThan(0);
      } finally {
        await proxy.limits({});
      }
      // Every TransferShares log up to the block reconciled, every wallet agreeing with the chain.
      const [, block, events] = /Reconciliation at block (\d+): (\d+) TransferShares events/.exec(
        reconciled.text,
      )!;
      expect(Number(events)).to.equal(
        expected.get("FundToken")!.filter((l) => l.blockNumber <= Number(block)).length,
      );
      expect(reconciled.text).to.include("every wallet reconciles");
      // Every investor and the fund's own holders are in the table, each under its identity with its shares
      // (nothing was sent since); the shares add up to the supply.
      const token = new Contract(record("FundToken").address, record("FundToken").abi, direct);
      const registry = new Contract(
        record("IdentityRegistry").address,
        record("IdentityRegistry").abi,
        direct,
      );
      const lines = fs.readFileSync(out, "utf8").trim().split("\n").slice(1);
      const wallets = new Set<string>();
      let sum = 0n;
      for (const line of lines) {
        const [identity, walletList, , , shares] = line.split(",");
        let onChain = 0n;
        for (const w of walletList.split("|")) {
          wallets.add(w);
          expect(getAddress(await registry.identity(w)), w).to.equal(getAddress(identity));
          onChain += (await token.sharesOf(w)) as bigint;
        }
        expect(BigInt(shares), identity).to.equal(onChain);
        sum += onChain;
      }
      for (let i = 0; i < INVESTORS; i++) expect(wallets.has(wallet(i)), wallet(i)).to.equal(true);
      expect(sum).to.equal(await token.totalShares());
    });
  });
});
