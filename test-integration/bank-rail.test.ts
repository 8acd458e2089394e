/**
 * Issue 17: the bank-rail server (services/bank-rail) as its own process, through the orchestrator's HTTP rail
 * adapter (services/orchestrator/adapters/rail.ts): ISO 20022-like instructions and status reports, idempotency
 * keys, settlement and its refusals, cancellation and return, and each fault it can be told to inject.
 */
import { expect } from "chai";
import {
  HttpPaymentRail,
  RailUnavailableError,
  type PaymentInstruction,
} from "../services/orchestrator/adapters/rail";
import { RailAdmin, freePort, sleep, startRail, stopAll, type Proc } from "./helpers/i17-processes";

const SETTLE_MS = 150;

describe("bank-rail server (services/bank-rail) through HttpPaymentRail (issue 17)", function () {
  this.timeout(60_000);
  let rail: Proc;
  let url: string;
  let admin: RailAdmin;
  let client: HttpPaymentRail;
  let n = 0;

  const BUYER = "0x00000000000000000000000000000000000000b1";
  const SELLER = "0x00000000000000000000000000000000000000a1";
  const POOR = "0x00000000000000000000000000000000000000c1";

  function instruction(over: Partial<PaymentInstruction> = {}): PaymentInstruction {
    n += 1;
    const e2e = `DVP-T-${n}`;
    return {
      endToEndId: e2e,
      idempotencyKey: e2e,
      amountMinor: 12_345n,
      currency: "USD",
      buyer: BUYER,
      seller: SELLER,
      remittance: `test ${n}`,
      ...over,
    };
  }

  async function post(body: unknown, key?: string) {
    return fetch(`${url}/v1/payments`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(key ? { "idempotency-key": key } : {}) },
      body: JSON.stringify(body),
    });
  }

  before(async function () {
    // Starting the server transpiles it first: on a loaded 2-core machine, while the other worker starts its node,
    // that took more than the tests' 60 s in one CI run.
    this.timeout(240_000);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    rail = await startRail({ port, settleMs: SETTLE_MS });
    admin = new RailAdmin(url);
    client = new HttpPaymentRail(url, { timeoutMs: 800 });
    await admin.accounts({
      [`wallet:${BUYER}`]: { ccy: "USD", balance: "10000000" },
      [`wallet:${SELLER}`]: { ccy: "USD", balance: "0" },
      [`wallet:${POOR}`]: { ccy: "USD", balance: "100" },
      "acct:eur": { ccy: "EUR", balance: "1000000" },
    });
  });

  beforeEach(async function () {
    await admin.faults([]);
  });

  after(async function () {
    await stopAll();
    expect(rail.alive).to.equal(false);
  });

  describe("instruct", function () {
    it("should accept a credit transfer (ACSP) and settle it after the settlement delay (ACSC), moving the money once", async function () {
      const p = instruction();
      expect(await client.instruct(p)).to.deep.equal({ kind: "pending", status: "ACSP" });
      await sleep(SETTLE_MS + 150);
      const s = await client.status(p.endToEndId);
      expect(s.kind).to.equal("settled");
      const ledger = await admin.ledger();
      const pay = ledger.payments.find((x) => x.endToEndId === p.endToEndId)!;
      expect([pay.status, pay.settlements, pay.amountMinor]).to.deep.equal(["ACSC", 1, "12345"]);
      expect(s).to.deep.equal({ kind: "settled", reference: pay.reference });
    });

    it("should answer a replay of the same idempotency key with the same payment (HTTP 200), creating nothing", async function () {
      const p = instruction();
      await client.instruct(p);
      const body = {
        GrpHdr: { MsgId: "X", CreDtTm: "2026-01-01T00:00:00Z", NbOfTxs: "1", SttlmInf: { SttlmMtd: "CLRG" } },
        CdtTrfTxInf: {
          PmtId: { InstrId: p.endToEndId, EndToEndId: p.endToEndId },
          IntrBkSttlmAmt: { Ccy: "USD", Amt: "123.45" },
          Dbtr: { Nm: BUYER },
          DbtrAcct: { Id: { Othr: { Id: `wallet:${BUYER}` } } },
          Cdtr: { Nm: SELLER },
          CdtrAcct: { Id: { Othr: { Id: `wallet:${SELLER}` } } },
          RmtInf: { Ustrd: `test ${n}` },
        },
      };
      const replay = await post(body, p.idempotencyKey);
      expect(replay.status).to.equal(200);
      expect(await client.instruct(p)).to.not.deep.equal({ kind: "unknown" });
      const pays = (await admin.ledger()).payments.filter((x) => x.endToEndId === p.endToEndId);
      expect(pays).to.have.length(1);
      expect(pays[0].instructions).to.equal(3);
    });

    it("should refuse a key reused for another instruction (409) and an end-to-end id instructed under another key (409)", async function () {
      const p = instruction();
      await client.instruct(p);
      const other = await post(
        {
          GrpHdr: { MsgId: "Y", CreDtTm: "x", NbOfTxs: "1", SttlmInf: { SttlmMtd: "CLRG" } },
          CdtTrfTxInf: {
            PmtId: { InstrId: "z", EndToEndId: "OTHER" },
            IntrBkSttlmAmt: { Ccy: "USD", Amt: "1.00" },
            Dbtr: { Nm: "b" },
            DbtrAcct: { Id: { Othr: { Id: `wallet:${BUYER}` } } },
            Cdtr: { Nm: "s" },
            CdtrAcct: { Id: { Othr: { Id: `wallet:${SELLER}` } } },
            RmtInf: { Ustrd: "" },
          },
        },
        p.idempotencyKey,
      );
      expect(other.status).to.equal(409);
      expect(await other.json()).to.deep.equal({
        error: `Idempotency-Key ${p.idempotencyKey} was used for another instruction (end-to-end id ${p.endToEndId})`,
      });
      // The adapter follows the rail's record of the end-to-end id on a 409.
      expect((await client.instruct({ ...p, idempotencyKey: "another-key" })).kind).to.be.oneOf([
        "pending",
        "settled",
      ]);
    });

    it("should refuse an instruction without an Idempotency-Key (400)", async function () {
      const res = await post({ GrpHdr: { MsgId: "1" } });
      expect(res.status).to.equal(400);
      expect(await res.json()).to.deep.equal({ error: "the Idempotency-Key header is required" });
    });

    it("should reject at settlement for insufficient funds (AM04), for an unknown account (AC01) and for another currency (AM11)", async function () {
      const poor = instruction({ buyer: POOR });
      const unknown = instruction({ buyer: "0x00000000000000000000000000000000000000d1" });
      const eur = instruction({ currency: "EUR" });
      await client.instruct(poor);
      expect(await client.instruct(unknown)).to.deep.equal({ kind: "rejected", reason: "AC01" });
      expect(await client.instruct(eur)).to.deep.equal({ kind: "rejected", reason: "AM11" });
      await sleep(SETTLE_MS + 150);
      expect(await client.status(poor.endToEndId)).to.deep.equal({ kind: "rejected", reason: "AM04" });
    });
  });

  describe("status", function () {
    it("should say unknown for an end-to-end id the rail never received", async function () {
      expect(await client.status("NEVER-SEEN")).to.deep.equal({ kind: "unknown" });
    });
  });

  describe("cancelOrReturn", function () {
    it("should cancel a payment not settled yet (CANC), moving nothing", async function () {
      await admin.faults([{ op: "instruct", fault: "hold" }]);
      const p = instruction();
      await client.instruct(p);
      expect(await client.cancelOrReturn(p.endToEndId, "TRADE_REFUNDED")).to.deep.equal({
        kind: "cancelled",
      });
      const pay = (await admin.ledger()).payments.find((x) => x.endToEndId === p.endToEndId)!;
      expect([pay.status, pay.settlements, pay.returns]).to.deep.equal(["CANC", 0, 0]);
    });

    it("should return a settled payment (RTND) once, the money back to the debtor", async function () {
      const p = instruction();
      const before = BigInt((await admin.ledger()).accounts[`wallet:${BUYER}`].balance);
      await client.instruct(p);
      await sleep(SETTLE_MS + 150);
      const r = await client.cancelOrReturn(p.endToEndId, "TRADE_REFUNDED");
      expect(r.kind).to.equal("returned");
      expect((await client.cancelOrReturn(p.endToEndId, "TRADE_REFUNDED")).kind).to.equal("returned");
      const ledger = await admin.ledger();
      const pay = ledger.payments.find((x) => x.endToEndId === p.endToEndId)!;
      expect([pay.settlements, pay.returns]).to.deep.equal([1, 1]);
      expect(BigInt(ledger.accounts[`wallet:${BUYER}`].balance)).to.equal(before);
    });
  });

  describe("when told to fail", function () {
    it("should delay its answer (delay)", async function () {
      await admin.faults([{ op: "status", fault: "delay", ms: 400 }]);
      const t = Date.now();
      await client.status("NEVER-SEEN");
      expect(Date.now() - t).to.be.at.least(400);
    });

    it("should reject with the reason it is given (reject)", async function () {
      await admin.faults([{ op: "instruct", fault: "reject", reason: "AG01" }]);
      expect(await client.instruct(instruction())).to.deep.equal({ kind: "rejected", reason: "AG01" });
    });

    it("should answer 503 before doing the work (http5xx, before): nothing created", async function () {
      await admin.faults([{ op: "instruct", fault: "http5xx", times: 1 }]);
      const p = instruction();
      let error: unknown;
      await client.instruct(p).catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(RailUnavailableError);
      expect((error as Error).message).to.equal("POST /v1/payments: HTTP 503");
      expect(await client.status(p.endToEndId)).to.deep.equal({ kind: "unknown" });
    });

    it("should answer 503 after doing the work (http5xx, after): the payment exists", async function () {
      await admin.faults([{ op: "instruct", fault: "http5xx", when: "after", times: 1 }]);
      const p = instruction();
      await client.instruct(p).catch(() => undefined);
      expect((await client.status(p.endToEndId)).kind).to.be.oneOf(["pending", "settled"]);
    });

    it("should never answer (timeout), before or after doing the work", async function () {
      await admin.faults([
        { op: "instruct", fault: "timeout", endToEndId: `DVP-T-${n + 1}`, times: 1 },
        { op: "instruct", fault: "timeout", endToEndId: `DVP-T-${n + 2}`, when: "after", times: 1 },
      ]);
      const before = instruction();
      const after = instruction();
      for (const p of [before, after]) {
        let error: unknown;
        await client.instruct(p).catch((e: unknown) => (error = e));
        expect((error as Error).message).to.equal("POST /v1/payments: no answer within 800 ms");
      }
      expect(await client.status(before.endToEndId)).to.deep.equal({ kind: "unknown" });
      expect((await client.status(after.endToEndId)).kind).to.be.oneOf(["pending", "settled"]);
    });

    it("should report every status twice (reportTwice)", async function () {
      await admin.faults([{ op: "instruct", fault: "reportTwice" }]);
      const p = instruction();
      await client.instruct(p);
      await sleep(SETTLE_MS + 150);
      const res = await fetch(`${url}/v1/payments/${p.endToEndId}`);
      const body = (await res.json()) as {
        reports: { GrpHdr: { MsgId: string }; TxInfAndSts: { TxSts: string } }[];
      };
      expect(body.reports.map((r) => r.TxInfAndSts.TxSts)).to.deep.equal(["ACSP", "ACSP", "ACSC", "ACSC"]);
      expect(body.reports[2].GrpHdr.MsgId).to.equal(body.reports[3].GrpHdr.MsgId);
    });

    it("should hold a payment unsettled until released (hold)", async function () {
      await admin.faults([{ op: "instruct", fault: "hold" }]);
      const p = instruction();
      await client.instruct(p);
      await sleep(SETTLE_MS + 150);
      expect(await client.status(p.endToEndId)).to.deep.equal({ kind: "pending", status: "ACSP" });
      await admin.release(p.endToEndId);
      expect((await client.status(p.endToEndId)).kind).to.equal("settled");
    });
  });
});
