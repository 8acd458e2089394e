/**
 * Issue 17: the settlement orchestrator tested as it runs. Every component is its own process on a free loopback
 * port, started and stopped by PID: anvil (a block every second, its state kept across a restart), the deploy
 * scripts and the fund's setup (test-integration/helpers/i17-setup.ts), the bank-rail server, and the orchestrator
 * itself (`hardhat settlement:orchestrate`, the documented command). The test plays the parties: sellers open
 * off-chain trades and lock cross-chain ones, payers pay, the transfer agent freezes wallets, the rail is told to
 * fail; and the operators: it kills the orchestrator with SIGKILL mid-trade, restarts the node, signs the Safe
 * proposals the orchestrator writes for offline owners.
 *
 * 55 off-chain trades and 5 cross-chain ones; afterwards every trade is settled or refunded as its payment says,
 * no payment was made twice, and every token, stablecoin and dollar is accounted for.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { decodeBytes32String, getAddress, parseUnits, type JsonRpcSigner } from "ethers";
import {
  RailAdmin,
  freePort,
  hardhat,
  hardhatProcess,
  rpc,
  sleep,
  startAnvil,
  startRail,
  stopAll,
  type Proc,
} from "./helpers/i17-processes";
import { World } from "./helpers/i17-world";
import { execProposal, readProposal } from "../lib/safe";
import { parseJournal } from "../services/orchestrator/journal";

const TOKENS = (n: string) => parseUnits(n, 18);
const DAY = 86_400;
/** deploy/config/hardhat.ts settlement.offchainPaymentDeadlineSeconds. */
const WINDOW = 2 * DAY;
/** The orchestrator's margin in this test (seconds before the deadline after which nothing is instructed). */
const MARGIN = 3_600;
const SETTLED = 4;
const REFUNDED = 5;
const DOLLARS = 1_000_000_00n; // each investor's bank balance: USD 1,000,000.00 in cents

describe("settlement orchestrator (issue 17): separate processes, faults injected, SIGKILL, node restart", function () {
  this.timeout(600_000);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "i17-"));
  const files = {
    state: path.join(dir, "anvil-state.json"),
    setup: path.join(dir, "setup.json"),
    config: path.join(dir, "orchestrator.json"),
    journal: path.join(dir, "journal.jsonl"),
    proposals: path.join(dir, "proposals"),
    deployments: path.join(dir, "deployments"),
  };
  let anvilPort: number;
  let rpcUrl: string;
  let anvil: Proc;
  let railAdmin: RailAdmin;
  let railUrl: string;
  let orchestrator: Proc | undefined;
  let world: World;
  let env: NodeJS.ProcessEnv;
  /** Every off-chain trade of the test, with what its payment was told to do. */
  const trades: {
    id: bigint;
    expect: "settled" | "refunded";
    price: bigint;
    seller: string;
    buyer: string;
  }[] = [];
  const crossChain: {
    id: string;
    expect: "released" | "refunded";
    payer: string;
    payee: string;
    price: bigint;
  }[] = [];
  let supplyBefore: bigint;
  let dollarsBefore: bigint;
  let restarts = 0;

  async function startOrchestrator(extra: string[] = []): Promise<Proc> {
    restarts += 1;
    const p = hardhatProcess(
      "orchestrator",
      [
        "settlement:orchestrate",
        "--network",
        "localhost",
        "--rail-url",
        railUrl,
        "--journal",
        files.journal,
        "--proposals-dir",
        files.proposals,
        "--orchestrator-config",
        files.config,
        "--interval",
        "500",
        "--margin",
        String(MARGIN),
        ...extra,
      ],
      env,
      path.join(dir, `orchestrator-${restarts}.log`),
    );
    await p.waitFor(/orchestrator started/, 120_000);
    return p;
  }

  async function stopOrchestrator(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (orchestrator) await orchestrator.stop(signal);
    orchestrator = undefined;
  }

  function journalRecords() {
    return parseJournal(fs.existsSync(files.journal) ? fs.readFileSync(files.journal, "utf8") : "").records;
  }

  /** Sellers are investors 0..4, buyers 5..9 (deployed and funded by the setup). */
  function orders(n: number, price = 250_000n, buyerIndex?: number) {
    const inv = world.setup.investors;
    return Array.from({ length: n }, (_, i) => ({
      seller: inv[i % 5],
      buyer: inv[buyerIndex ?? 5 + ((i + 1) % 5)],
      amount: TOKENS("1000"),
      price,
    }));
  }

  /** Opens `n` trades at once; their ids come back sorted (they are sequential; the node orders the senders). */
  async function open(n: number, outcome: "settled" | "refunded", price?: bigint, buyerIndex?: number) {
    const os = orders(n, price, buyerIndex);
    const ids = await world.openOffChain(os);
    ids.forEach((id, i) =>
      trades.push({ id, expect: outcome, price: os[i].price, seller: os[i].seller, buyer: os[i].buyer }),
    );
    return ids.sort((a, b) => (a < b ? -1 : 1));
  }

  /** Restarts anvil from its state file; the chain's clock goes on from its last block (anvil would restart it at
   * the machine's clock, behind the time this test moved it to). */
  async function restartNode(pauseMs: number): Promise<void> {
    await anvil.stop("SIGTERM");
    await sleep(pauseMs);
    anvil = await startAnvil({
      port: anvilPort,
      stateFile: files.state,
      blockTime: 1,
      logFile: path.join(dir, "anvil.log"),
    });
    const last = (await rpc(rpcUrl, "eth_getBlockByNumber", ["latest", false])) as { timestamp: string };
    await rpc(rpcUrl, "evm_setNextBlockTimestamp", [Number(last.timestamp) + 1]);
  }

  before(async function () {
    anvilPort = await freePort();
    rpcUrl = `http://127.0.0.1:${anvilPort}`;
    env = { LOCALHOST_RPC_URL: rpcUrl, DEPLOYMENTS_DIR: files.deployments, DEPLOY_QUIET: "true" };
    anvil = await startAnvil({
      port: anvilPort,
      stateFile: files.state,
      logFile: path.join(dir, "anvil.log"),
    });
    await hardhat(
      ["run", "test-integration/helpers/i17-setup.ts", "--network", "localhost"],
      { ...env, I17_OUT: files.setup },
      600_000,
      path.join(dir, "setup.log"),
    );
    world = new World(rpcUrl, files.setup);
    // From now on a block every second, as on a real chain.
    await rpc(rpcUrl, "evm_setAutomine", [false]);
    await rpc(rpcUrl, "evm_setIntervalMining", [1]);

    const railPort = await freePort();
    railUrl = `http://127.0.0.1:${railPort}`;
    await startRail({ port: railPort, latencyMs: 20, settleMs: 300, logFile: path.join(dir, "rail.log") });
    railAdmin = new RailAdmin(railUrl);
    const accounts: Record<string, { ccy: string; balance: string }> = {};
    for (const w of world.setup.investors)
      accounts[`wallet:${w.toLowerCase()}`] = { ccy: "USD", balance: DOLLARS.toString() };
    await railAdmin.accounts(accounts);
    dollarsBefore = DOLLARS * BigInt(world.setup.investors.length);
    supplyBefore = await world.token.totalSupply();

    fs.writeFileSync(
      files.config,
      JSON.stringify({
        chains: [{ name: "localhost", paymentEscrow: world.setup.paymentEscrow }],
        safe: { multiSendCallOnly: world.setup.multiSendCallOnly },
        rail: { url: railUrl, timeoutMs: 1_500 },
        pendingTimeoutSeconds: 20,
      }),
    );
    orchestrator = await startOrchestrator();
  });

  after(async function () {
    await stopAll();
    if (process.env.I17_KEEP !== "true") fs.rmSync(dir, { recursive: true, force: true });
    else console.log(`      (kept ${dir})`);
  });

  describe("when the rail fails in every way it can (delay, reject, 5xx before and after the work, time-out before and after, reports twice)", function () {
    it("should settle every trade whose payment settled and refund the two the rail rejected, each paid once", async function () {
      const ids = await world.nextIds(20);
      const e = (i: number) => world.e2e(ids[i]);
      await railAdmin.faults([
        { op: "instruct", fault: "reject", endToEndId: e(0), reason: "AG01" },
        { op: "instruct", fault: "http5xx", endToEndId: e(1), times: 2 },
        { op: "instruct", fault: "http5xx", endToEndId: e(2), when: "after", times: 1 },
        { op: "instruct", fault: "timeout", endToEndId: e(3), times: 1 },
        { op: "instruct", fault: "timeout", endToEndId: e(4), when: "after", times: 1 },
        { op: "status", fault: "delay", endToEndId: e(5), ms: 600, times: 4 },
        { op: "status", fault: "http5xx", endToEndId: e(6), times: 3 },
        { op: "status", fault: "timeout", endToEndId: e(7), times: 2 },
        { op: "instruct", fault: "reportTwice", prefix: "DVP-" },
      ]);
      const opened = await open(20, "settled");
      expect(opened).to.deep.equal(ids);
      trades.find((t) => t.id === ids[0])!.expect = "refunded";
      await world.waitTerminal(ids, 120_000);

      const ledger = await railAdmin.ledger();
      const byE2e = new Map(ledger.payments.map((p) => [p.endToEndId, p]));
      expect(await world.status(ids[0])).to.equal(REFUNDED);
      const rejected = await world.dvp.queryFilter(world.dvp.filters.TradeRejected(ids[0]));
      expect(decodeBytes32String(rejected[0].args.reason)).to.equal("RAIL_REJECTED:AG01");
      expect(byE2e.get(e(0))!.status).to.equal("RJCT");
      for (let i = 1; i < 20; i++) {
        expect(await world.status(ids[i]), `trade ${i}`).to.equal(SETTLED);
        expect(byE2e.get(e(i))!.settlements, `trade ${i}`).to.equal(1);
      }
      // 5xx after the work and a time-out after the work: the rail had the payment; it was never re-created.
      expect(byE2e.get(e(2))!.instructions).to.equal(1);
      expect(byE2e.get(e(4))!.instructions).to.equal(1);
      // Time-out before the work: instructed again with the same key, created once.
      expect(byE2e.get(e(3))!.instructions).to.equal(1);
      // Every report was sent twice: still one confirmation per trade.
      expect(byE2e.get(e(1))!.reports).to.be.greaterThan(2);
      const confirmations = await world.dvp.queryFilter(world.dvp.filters.PaymentConfirmed());
      const confirmedIds = confirmations.map((c) => c.args.tradeId);
      expect(new Set(confirmedIds.map(String)).size).to.equal(confirmedIds.length);
    });

    it("should refund a trade whose payment the rail rejects at settlement for insufficient funds (AM04)", async function () {
      const [id] = await open(1, "refunded", DOLLARS * 2n);
      await world.waitTerminal([id], 60_000);
      expect(await world.status(id)).to.equal(REFUNDED);
      const rejected = await world.dvp.queryFilter(world.dvp.filters.TradeRejected(id));
      expect(decodeBytes32String(rejected[0].args.reason)).to.equal("RAIL_REJECTED:AM04");
    });
  });

  describe("when the orchestrator is killed with SIGKILL mid-trade", function () {
    it("should resume trades killed between instructing the payment and confirming it, and between the rail's settlement and the on-chain confirmation", async function () {
      const ids = await world.nextIds(10);
      await railAdmin.faults(ids.map((id) => ({ op: "instruct", fault: "hold", endToEndId: world.e2e(id) })));
      await open(10, "settled");
      await world.waitUntil(
        "10 payments instructed and held",
        async () => {
          const l = await railAdmin.ledger();
          return ids.every((id) =>
            l.payments.some((p) => p.endToEndId === world.e2e(id) && p.status === "ACSP"),
          );
        },
        60_000,
      );
      await stopOrchestrator("SIGKILL");
      for (const id of ids) await railAdmin.release(world.e2e(id));
      // Settled on the rail, not on chain: the orchestrator is down.
      expect(await world.status(ids[0])).to.equal(3);
      orchestrator = await startOrchestrator();
      await world.waitTerminal(ids, 90_000);
      const l = await railAdmin.ledger();
      for (const id of ids) {
        expect(await world.status(id)).to.equal(SETTLED);
        const p = l.payments.find((x) => x.endToEndId === world.e2e(id))!;
        expect([p.instructions, p.settlements]).to.deep.equal([1, 1]);
      }
    });

    it("should resume a trade killed while its Safe transaction was pending, without confirming twice", async function () {
      const before = journalRecords().length;
      const ids = await open(5, "settled");
      // Kill as soon as a Safe transaction is written to the journal and before its outcome is.
      await world.waitUntil(
        "a Safe transaction written and not resolved",
        async () => {
          const recs = journalRecords().slice(before);
          const sent = recs.filter((r) => r.t === "safe").map((r) => (r as { hash: string }).hash);
          const done = new Set(
            recs.filter((r) => r.t === "safeDone").map((r) => (r as { hash: string }).hash),
          );
          return sent.some((h) => !done.has(h));
        },
        60_000,
      );
      await stopOrchestrator("SIGKILL");
      orchestrator = await startOrchestrator();
      await world.waitTerminal(ids, 90_000);
      for (const id of ids) expect(await world.status(id)).to.equal(SETTLED);
      const acks = await world.dvp.queryFilter(world.dvp.filters.TradeAcknowledged());
      const ackIds = acks.map((a) => String(a.args.tradeId));
      expect(new Set(ackIds).size).to.equal(ackIds.length);
    });
  });

  describe("when the node is restarted (state kept on disk)", function () {
    it("should ride out the outage and settle every trade afterwards", async function () {
      const ids = await world.nextIds(10);
      await railAdmin.faults(ids.map((id) => ({ op: "instruct", fault: "hold", endToEndId: world.e2e(id) })));
      await open(10, "settled");
      await world.waitUntil(
        "10 payments instructed",
        async () => {
          const l = await railAdmin.ledger();
          return ids.every((id) => l.payments.some((p) => p.endToEndId === world.e2e(id)));
        },
        60_000,
      );
      await restartNode(2_000);
      for (const id of ids) await railAdmin.release(world.e2e(id));
      await world.waitTerminal(ids, 120_000);
      for (const id of ids) expect(await world.status(id)).to.equal(SETTLED);
      expect(orchestrator!.output()).to.match(/round failed/);
    });
  });

  describe("when cross-chain trades are paid, fail, go unpaid, or meet a buyer the token refuses", function () {
    it("should retry a failed payment, cancel unpaid and failed ones after their deadline, complete a refused release, and follow the paid one", async function () {
      const inv = world.setup.investors;
      const deadline = (await world.now()) + 90;
      const amount = TOKENS("500");
      const price = parseUnits("500", 6);
      const happy = await world.lock(inv[0], inv[5], amount, price, deadline);
      const retried = await world.lock(inv[1], inv[6], amount, price, deadline);
      const unpaid = await world.lock(inv[2], inv[7], amount, price, deadline);
      const refused = await world.lock(inv[3], inv[8], amount, price, deadline);
      const failed = await world.lock(inv[4], inv[9], amount, price, deadline);
      crossChain.push(
        { id: happy, expect: "released", payer: inv[5], payee: inv[0], price },
        { id: retried, expect: "released", payer: inv[6], payee: inv[1], price },
        { id: unpaid, expect: "refunded", payer: inv[7], payee: inv[2], price },
        { id: refused, expect: "released", payer: inv[8], payee: inv[3], price },
        { id: failed, expect: "refunded", payer: inv[9], payee: inv[4], price },
      );
      await world.pay(inv[5], happy);
      // The stablecoin blocks the payees of `retried` and `failed`: their payments stay Funded (PaymentFailed).
      await world.setBlocked(inv[1], true);
      await world.setBlocked(inv[4], true);
      await world.pay(inv[6], retried);
      await world.pay(inv[9], failed);
      expect(Number((await world.payment.payment(retried)).status)).to.equal(2);
      // The buyer of `refused` is frozen before its payment: the CONFIRM arrives, the token refuses the release.
      await world.setFrozen(inv[8], true);
      await world.pay(inv[8], refused);
      expect(Number((await world.asset.trade(refused)).status)).to.equal(2); // ReleasePending
      await sleep(3_000);
      expect(Number((await world.payment.payment(retried)).status)).to.equal(2); // still refused: not retried
      await world.setBlocked(inv[1], false);
      await world.setFrozen(inv[8], false);
      await world.waitUntil(
        "the retried payment and the completed release",
        async () =>
          Number((await world.asset.trade(retried)).status) === 3 &&
          Number((await world.asset.trade(refused)).status) === 3,
        60_000,
      );
      await world.increaseTime(120); // past the payment deadline
      await world.waitUntil(
        "the unpaid and the failed trades cancelled and refunded",
        async () =>
          Number((await world.asset.trade(unpaid)).status) === 5 &&
          Number((await world.asset.trade(failed)).status) === 5,
        60_000,
      );
      await world.setBlocked(inv[4], false);
      expect(Number((await world.asset.trade(happy)).status)).to.equal(3);
      expect(Number((await world.payment.payment(failed)).status)).to.equal(4); // Cancelled, payer refunded
      const p = orchestrator!;
      await p.waitFor(/xc:\S+: cancel mined[\s\S]*xc:\S+: cancel mined/, 20_000);
      expect(p.output()).to.match(/xc:\S+: executePayment mined/);
      expect(p.output()).to.match(/xc:\S+: complete mined/);
      expect(p.output()).to.match(/STUCK xc:\S+: the token refuses the release \(WalletFrozen\(/);
    });
  });

  describe("when the buyer became restricted before the trade was acknowledged", function () {
    it("should reject before instructing a trade whose buyer the token would refuse (RELEASE_RESTRICTED)", async function () {
      const buyer = world.setup.investors[9];
      await world.setFrozen(buyer, true);
      const [id] = await open(1, "refunded", 100_00n, 9);
      await world.waitTerminal([id], 60_000);
      const rejected = await world.dvp.queryFilter(world.dvp.filters.TradeRejected(id));
      expect(decodeBytes32String(rejected[0].args.reason)).to.equal("RELEASE_RESTRICTED:5");
      expect((await railAdmin.ledger()).payments.some((p) => p.endToEndId === world.e2e(id))).to.equal(false);
      await world.setFrozen(buyer, false);
    });
  });

  describe("when payments are held past their deadline (one settling while the orchestrator is stopped), a trade is opened inside the margin, and the orchestrator restarts with --offline (the Safe owners sign elsewhere)", function () {
    let late: bigint[];
    let tooLate: bigint;

    before(async function () {
      late = await world.nextIds(2);
      await railAdmin.faults(
        late.map((id) => ({ op: "instruct", fault: "hold", endToEndId: world.e2e(id) })),
      );
      await open(2, "refunded");
      await world.waitUntil(
        "both payments instructed",
        async () => {
          const l = await railAdmin.ledger();
          return late.every((id) => l.payments.some((p) => p.endToEndId === world.e2e(id)));
        },
        60_000,
      );
      await stopOrchestrator();
      await railAdmin.release(world.e2e(late[1])); // settles while the orchestrator is away
      const lateOpenedAt = Number((await world.dvp.trade(late[0])).deadline) - WINDOW;
      await world.increaseTime(100);
      [tooLate] = await open(1, "refunded");
      // Past the held payments' deadline, inside the last trade's margin (its deadline is ~40 s ahead).
      await world.increaseTime(lateOpenedAt + WINDOW + 60 - (await world.now()));
      const d = Number((await world.dvp.trade(tooLate)).deadline);
      expect(d - (await world.now())).to.be.within(1, MARGIN - 1);
    });

    it("should write each Safe transaction as a proposal for offline owners (--offline) and pick up its execution", async function () {
      orchestrator = await startOrchestrator(["--offline"]);
      const ids = await open(3, "settled");
      const owners: JsonRpcSigner[] = await Promise.all(
        world.setup.agentOwners.slice(0, 2).map((o) => world.signer(o)),
      );
      const sender = await world.signer(world.setup.investors[9]);
      const executed = new Set<string>();
      let proposals = 0;
      await world.waitUntil(
        "the proposals executed and the trades ended",
        async () => {
          const pending = fs.existsSync(files.proposals)
            ? fs.readdirSync(files.proposals).filter((f) => f.endsWith(".json") && !executed.has(f))
            : [];
          const nonceOf = (f: string) => Number(/nonce(\d+)/.exec(f)![1]);
          for (const f of pending.sort((x, y) => nonceOf(x) - nonceOf(y))) {
            const proposal = readProposal(path.join(files.proposals, f));
            const { EIP712Domain: _, ...types } = proposal.typedData.types;
            void _;
            const signatures = await Promise.all(
              owners.map((o) =>
                o.signTypedData(proposal.typedData.domain, types, proposal.typedData.message),
              ),
            );
            await execProposal(proposal, signatures, sender);
            executed.add(f);
            proposals += 1;
          }
          const statuses = await Promise.all([...ids, tooLate, ...late].map((id) => world.status(id)));
          return statuses.every((x) => x === SETTLED || x === REFUNDED);
        },
        120_000,
      );
      for (const id of ids) expect(await world.status(id)).to.equal(SETTLED);
      // An acknowledgement and a confirmation per trade, batched: at least two proposals; the rejection one more.
      expect(proposals).to.be.at.least(3);
      expect(orchestrator!.output()).to.match(/proposal for the Safe owners written/);
      expect(orchestrator!.output()).to.match(/Safe nonce \d+ \(acknowledge[^)]*\): executed in block/);
    });

    it("should stop instructing once the deadline margin is reached, and reject (DEADLINE_MARGIN)", async function () {
      expect(await world.status(tooLate)).to.equal(REFUNDED);
      const rejected = await world.dvp.queryFilter(world.dvp.filters.TradeRejected(tooLate));
      expect(decodeBytes32String(rejected[0].args.reason)).to.equal("DEADLINE_MARGIN");
      expect((await railAdmin.ledger()).payments.some((p) => p.endToEndId === world.e2e(tooLate))).to.equal(
        false,
      );
    });

    it("should refund after the deadline, cancel the payment still pending and return the one that settled too late", async function () {
      for (const id of late) expect(await world.status(id)).to.equal(REFUNDED);
      await world.waitUntil(
        "the rail to cancel one payment and return the other",
        async () => {
          const l = await railAdmin.ledger();
          const s = late.map((id) => l.payments.find((p) => p.endToEndId === world.e2e(id))!.status);
          return s[0] === "CANC" && s[1] === "RTND";
        },
        60_000,
      );
    });
  });

  describe("settlement:status", function () {
    it("should list every trade by state with nothing open or stuck, from the chain and the journal", async function () {
      await world.waitUntil(
        "the orchestrator to close every trade",
        async () => {
          const open = new Set<string>();
          for (const r of journalRecords()) {
            if (r.t === "trade") open.add(r.key);
            if (r.t === "closed") open.delete(r.key);
          }
          return open.size === 0;
        },
        60_000,
      );
      const out = await hardhat(
        [
          "settlement:status",
          "--network",
          "localhost",
          "--journal",
          files.journal,
          "--orchestrator-config",
          files.config,
          "--all",
        ],
        env,
      );
      expect(out).to.match(/open trades: 0/);
      expect(out).to.match(/stuck: 0/);
      expect(out).to.match(/Safe transactions pending: 0/);
      const done = /done: (\d+) \(([^)]*)\)/.exec(out)!;
      expect(Number(done[1])).to.equal(trades.length + crossChain.length);
      const settled = trades.filter((t) => t.expect === "settled").length;
      expect(done[2]).to.include(`Settled ${settled}`);
    });
  });

  describe("afterwards", function () {
    it(`should have run at least 50 off-chain trades and several cross-chain ones`, function () {
      expect(trades.length).to.be.at.least(50);
      expect(crossChain.length).to.be.at.least(5);
    });

    it("should have settled or refunded every off-chain trade as its payment says, and paid none twice", async function () {
      const ledger = await railAdmin.ledger();
      const byE2e = new Map(ledger.payments.map((p) => [p.endToEndId, p]));
      const known = new Set(trades.map((t) => world.e2e(t.id)));
      for (const p of ledger.payments) {
        expect(known.has(p.endToEndId), `payment ${p.endToEndId} of no trade`).to.equal(true);
        expect(p.settlements, p.endToEndId).to.be.at.most(1);
        expect(p.returns, p.endToEndId).to.be.at.most(p.settlements);
      }
      for (const t of trades) {
        const status = await world.status(t.id);
        const p = byE2e.get(world.e2e(t.id));
        const paid = p !== undefined && p.settlements - p.returns === 1;
        expect(status, `trade ${t.id}`).to.equal(t.expect === "settled" ? SETTLED : REFUNDED);
        expect(paid, `trade ${t.id}: payment ${p?.status}`).to.equal(status === SETTLED);
        if (paid) expect(BigInt(p!.amountMinor)).to.equal(t.price);
      }
    });

    it("should account for every dollar: each buyer paid exactly its settled trades, each seller received them", async function () {
      const ledger = await railAdmin.ledger();
      let total = 0n;
      const expected = new Map<string, bigint>();
      for (const w of world.setup.investors) expected.set(`wallet:${w.toLowerCase()}`, DOLLARS);
      for (const t of trades.filter((x) => x.expect === "settled")) {
        const b = `wallet:${t.buyer.toLowerCase()}`;
        const s = `wallet:${t.seller.toLowerCase()}`;
        expected.set(b, expected.get(b)! - t.price);
        expected.set(s, expected.get(s)! + t.price);
      }
      for (const [id, a] of Object.entries(ledger.accounts)) {
        total += BigInt(a.balance);
        expect(BigInt(a.balance), id).to.equal(expected.get(id));
      }
      expect(total).to.equal(dollarsBefore);
    });

    it("should account for every token and stablecoin: no share left in an escrow, supply unchanged, payers and payees square", async function () {
      expect(await world.token.sharesOf(world.setup.dvp)).to.equal(0n);
      expect(await world.token.sharesOf(world.setup.assetEscrow)).to.equal(0n);
      expect(await world.token.totalSupply()).to.equal(supplyBefore);
      expect(await world.coin.balanceOf(world.setup.paymentEscrow)).to.equal(0n);
      for (const x of crossChain) {
        const status = Number((await world.asset.trade(x.id)).status);
        expect(status, x.id).to.equal(x.expect === "released" ? 3 : 5);
        const executed = await world.payment.queryFilter(world.payment.filters.PaymentExecuted(x.id));
        expect(executed.length, x.id).to.equal(x.expect === "released" ? 1 : 0);
        if (executed.length) expect(getAddress(executed[0].args.payee)).to.equal(getAddress(x.payee));
      }
      // Tokens delivered per trade: the shares escrowed, to the buyer or back to the seller.
      const committed = await world.dvp.queryFilter(world.dvp.filters.SellerCommitted());
      const settled = await world.dvp.queryFilter(world.dvp.filters.TradeSettled());
      const refunded = await world.dvp.queryFilter(world.dvp.filters.SellerRefunded());
      const out = new Map<string, bigint>();
      for (const e of [...settled, ...refunded]) out.set(String(e.args.tradeId), e.args.shares);
      for (const c of committed)
        expect(out.get(String(c.args.tradeId)), String(c.args.tradeId)).to.equal(c.args.shares);
    });
  });
});
