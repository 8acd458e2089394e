/**
 * The orchestrator's decision for off-chain DvP trades (services/orchestrator/core/offchain.ts), on its own: a pure
 * function, so every combination of what the chain, the rail and the journal can say is tried (6 statuses x 4
 * moments x 2 x 2 restrictions x 2 x 2 journal flags x 7 rail states x 3 pending Safe transactions = 16,128
 * snapshots), against the safety rules docs/SETTLEMENT.md states, then the named situations one by one.
 */
import { expect } from "chai";
import {
  DEFAULT_POLICY,
  DvpStatus,
  REJECT,
  RETURN_REASON,
  decideOffChain,
  endToEndIdOf,
  sellerRestrictionOf,
  type OffChainSnapshot,
  type PendingSafe,
  type RailState,
} from "../../services/orchestrator/core";

const DEADLINE = 1_000_000;
const MARGIN = DEFAULT_POLICY.instructMarginSeconds;
const policy = DEFAULT_POLICY;

const MOMENTS = {
  early: DEADLINE - 2 * MARGIN,
  inMargin: DEADLINE - MARGIN + 1,
  atDeadline: DEADLINE,
  expired: DEADLINE + 1,
} as const;

const RAILS: RailState[] = [
  { kind: "unknown" },
  { kind: "unreachable", error: "HTTP 503" },
  { kind: "pending", status: "ACSP" },
  { kind: "settled", reference: "RAIL-000042" },
  { kind: "rejected", reason: "AM04" },
  { kind: "cancelled" },
  { kind: "returned", reference: "RAIL-000042" },
];

const PENDING: (PendingSafe | undefined)[] = [
  undefined,
  { action: "acknowledge", nonce: 7, mode: "execute" },
  { action: "confirm", nonce: 8, mode: "proposal" },
];

const STATUSES = [
  DvpStatus.None,
  DvpStatus.SellerCommitted,
  DvpStatus.BuyerCommitted,
  DvpStatus.Acknowledged,
  DvpStatus.Settled,
  DvpStatus.Refunded,
];

function snapshot(over: Partial<OffChainSnapshot> & { status?: DvpStatus }): OffChainSnapshot {
  return {
    now: over.now ?? MOMENTS.early,
    trade: { status: over.status ?? DvpStatus.SellerCommitted, deadline: DEADLINE },
    releaseRestriction: over.releaseRestriction ?? 0,
    sellerRestriction: over.sellerRestriction ?? 0,
    instructed: over.instructed ?? false,
    returnRequested: over.returnRequested ?? false,
    rail: over.rail ?? { kind: "unknown" },
    pendingSafe: over.pendingSafe,
  };
}

function* everySnapshot(): Generator<OffChainSnapshot> {
  for (const status of STATUSES)
    for (const now of Object.values(MOMENTS))
      for (const releaseRestriction of [0, 3])
        for (const sellerRestriction of [0, 5])
          for (const instructed of [false, true])
            for (const returnRequested of [false, true])
              for (const rail of RAILS)
                for (const pendingSafe of PENDING)
                  yield snapshot({
                    status,
                    now,
                    releaseRestriction,
                    sellerRestriction,
                    instructed,
                    returnRequested,
                    rail,
                    pendingSafe,
                  });
}

const isOpen = (s: DvpStatus) => s === DvpStatus.SellerCommitted || s === DvpStatus.Acknowledged;
const mayPay = (r: RailState) => r.kind === "pending" || r.kind === "settled" || r.kind === "unreachable";
const describeSnapshot = (s: OffChainSnapshot) =>
  JSON.stringify({ ...s, trade: { ...s.trade, status: DvpStatus[s.trade.status] } });
/** Fails naming the snapshot (built only on failure: 16,128 snapshots are checked per rule). */
function holds(ok: boolean, s: OffChainSnapshot, what = ""): void {
  if (!ok) expect.fail(`${what} ${describeSnapshot(s)}`);
}

describe("decideOffChain (services/orchestrator/core/offchain.ts)", function () {
  describe("when given every combination of chain, rail and journal states", function () {
    const all = [...everySnapshot()];

    it("should try 16,128 snapshots", function () {
      expect(all.length).to.equal(6 * 4 * 2 * 2 * 2 * 2 * 7 * 3);
    });

    it("should instruct a payment only for an acknowledged trade, outside the margin, with the buyer and the seller cleared now, nothing instructed (or unknown to the rail) and no Safe transaction pending", function () {
      for (const s of all) {
        const d = decideOffChain(s, policy);
        if (d.action?.kind !== "instruct") continue;
        const ok =
          s.trade.status === DvpStatus.Acknowledged &&
          s.now + MARGIN <= DEADLINE &&
          s.releaseRestriction === 0 &&
          s.sellerRestriction === 0 &&
          (!s.instructed || s.rail.kind === "unknown") &&
          s.pendingSafe === undefined;
        holds(ok, s);
      }
    });

    it("should confirm only a payment the rail reports settled, with the rail's reference, until the deadline and while the release is allowed", function () {
      for (const s of all) {
        const d = decideOffChain(s, policy);
        if (d.action?.kind !== "confirm") continue;
        const ok =
          s.trade.status === DvpStatus.Acknowledged &&
          s.instructed &&
          s.rail.kind === "settled" &&
          d.action.reference === s.rail.reference &&
          s.now <= DEADLINE &&
          s.releaseRestriction === 0 &&
          s.pendingSafe === undefined;
        holds(ok, s);
      }
    });

    it("should never reject a trade whose payment the rail may still settle or has settled (pending, unreachable, settled)", function () {
      for (const s of all) {
        const d = decideOffChain(s, policy);
        if (d.action?.kind !== "reject") continue;
        const ok =
          isOpen(s.trade.status) &&
          s.now <= DEADLINE &&
          s.pendingSafe === undefined &&
          !(s.instructed && mayPay(s.rail));
        holds(ok, s);
        holds(d.action.reason.length <= 31, s, d.action.reason);
      }
    });

    it("should acknowledge only a committed trade outside the margin whose buyer and seller are cleared now", function () {
      for (const s of all) {
        const d = decideOffChain(s, policy);
        if (d.action?.kind !== "acknowledge") continue;
        const ok =
          s.trade.status === DvpStatus.SellerCommitted &&
          s.now + MARGIN <= DEADLINE &&
          s.releaseRestriction === 0 &&
          s.sellerRestriction === 0 &&
          s.pendingSafe === undefined;
        holds(ok, s);
      }
    });

    it("should refund every open trade after its deadline, and none before", function () {
      for (const s of all) {
        const d = decideOffChain(s, policy);
        const expiredOpen = isOpen(s.trade.status) && s.now > DEADLINE;
        holds((d.action?.kind === "refund") === expiredOpen, s);
      }
    });

    it("should cancel or return on the rail exactly the payments of refunded trades that may have moved money, once", function () {
      for (const s of all) {
        const d = decideOffChain(s, policy);
        const expected =
          s.trade.status === DvpStatus.Refunded && s.instructed && !s.returnRequested && mayPay(s.rail);
        holds((d.action?.kind === "cancelPayment") === expected, s);
      }
    });

    it("should send no Safe transaction for a trade with one pending, and none for a trade no longer open", function () {
      const safeActions = new Set(["acknowledge", "confirm", "reject"]);
      for (const s of all) {
        const d = decideOffChain(s, policy);
        if (!d.action || !safeActions.has(d.action.kind)) continue;
        holds(s.pendingSafe === undefined && isOpen(s.trade.status), s);
      }
    });

    it("should say what every open trade waits for, and never call an open trade done", function () {
      for (const s of all) {
        const d = decideOffChain(s, policy);
        if (d.done) holds(d.action === undefined && !isOpen(s.trade.status), s);
        else holds(d.waiting !== "", s);
      }
    });

    it("should act on every open trade before its deadline unless it waits for the rail, a pending Safe transaction or the buyer's release (the only waits; and a payment instructed for a trade not acknowledged, reported)", function () {
      for (const s of all) {
        if (!isOpen(s.trade.status) || s.now > DEADLINE) continue;
        const d = decideOffChain(s, policy);
        if (d.action) continue;
        const waitsForRail =
          s.trade.status === DvpStatus.Acknowledged &&
          s.instructed &&
          (s.rail.kind === "pending" || s.rail.kind === "unreachable");
        const waitsForBuyer = s.instructed && s.rail.kind === "settled" && s.releaseRestriction !== 0;
        const oddPaid = s.trade.status === DvpStatus.SellerCommitted && s.instructed && mayPay(s.rail);
        holds(waitsForRail || waitsForBuyer || oddPaid || s.pendingSafe !== undefined, s);
      }
    });

    it("should decide the same way every time it is asked (no hidden state)", function () {
      for (const s of all) {
        const a = JSON.stringify(decideOffChain(s, policy));
        holds(a === JSON.stringify(decideOffChain(structuredClone(s), policy)), s);
      }
    });
  });

  describe("when a trade was just opened (SellerCommitted)", function () {
    it("should acknowledge it", function () {
      expect(decideOffChain(snapshot({}), policy).action).to.deep.equal({ kind: "acknowledge" });
    });

    it("should reject it with RELEASE_RESTRICTED:<code> when the token would refuse the release to the buyer", function () {
      expect(decideOffChain(snapshot({ releaseRestriction: 3 }), policy).action).to.deep.equal({
        kind: "reject",
        reason: "RELEASE_RESTRICTED:3",
      });
    });

    it("should reject it with SELLER_RESTRICTED:<code> when the seller may no longer sell", function () {
      expect(decideOffChain(snapshot({ sellerRestriction: 6 }), policy).action).to.deep.equal({
        kind: "reject",
        reason: "SELLER_RESTRICTED:6",
      });
    });

    it("should reject it with DEADLINE_MARGIN when its deadline is closer than the margin", function () {
      expect(decideOffChain(snapshot({ now: MOMENTS.inMargin }), policy).action).to.deep.equal({
        kind: "reject",
        reason: REJECT.deadline,
      });
    });

    it("should wait for the owners while an acknowledgement proposal is unsigned", function () {
      const d = decideOffChain(
        snapshot({ pendingSafe: { action: "acknowledge", nonce: 3, mode: "proposal" } }),
        policy,
      );
      expect(d.action).to.equal(undefined);
      expect(d.waiting).to.equal(
        "the Safe owners to sign and execute the acknowledge proposal (Safe nonce 3)",
      );
    });
  });

  describe("when a trade is acknowledged and no payment was instructed", function () {
    const ack = { status: DvpStatus.Acknowledged };

    it("should instruct the payment", function () {
      expect(decideOffChain(snapshot(ack), policy).action).to.deep.equal({ kind: "instruct" });
    });

    it("should re-check the buyer immediately before instructing: a buyer restricted since the acknowledgement is rejected, nothing instructed", function () {
      expect(decideOffChain(snapshot({ ...ack, releaseRestriction: 12 }), policy).action).to.deep.equal({
        kind: "reject",
        reason: "RELEASE_RESTRICTED:12",
      });
    });

    it("should stop instructing once the deadline margin is reached, and reject", function () {
      expect(decideOffChain(snapshot({ ...ack, now: MOMENTS.inMargin }), policy).action).to.deep.equal({
        kind: "reject",
        reason: "DEADLINE_MARGIN",
      });
    });
  });

  describe("when the orchestrator stopped between writing the instruction and calling the rail (crash)", function () {
    it("should instruct again with the same idempotency key when the rail does not know the payment", function () {
      const s = snapshot({ status: DvpStatus.Acknowledged, instructed: true, rail: { kind: "unknown" } });
      expect(decideOffChain(s, policy).action).to.deep.equal({ kind: "instruct" });
    });

    it("should follow the payment when the rail got it before the crash", function () {
      const s = snapshot({
        status: DvpStatus.Acknowledged,
        instructed: true,
        rail: { kind: "pending", status: "ACSP" },
      });
      const d = decideOffChain(s, policy);
      expect(d.action).to.equal(undefined);
      expect(d.waiting).to.equal("the rail to settle the payment (ACSP)");
    });
  });

  describe("when the payment was instructed", function () {
    const paid = { status: DvpStatus.Acknowledged, instructed: true };

    it("should confirm with the rail's reference once the rail reports it settled", function () {
      const d = decideOffChain(snapshot({ ...paid, rail: { kind: "settled", reference: "RAIL-7" } }), policy);
      expect(d.action).to.deep.equal({ kind: "confirm", reference: "RAIL-7" });
    });

    it("should still confirm a settled payment inside the margin, until the deadline", function () {
      const d = decideOffChain(
        snapshot({ ...paid, now: MOMENTS.atDeadline, rail: { kind: "settled", reference: "RAIL-7" } }),
        policy,
      );
      expect(d.action).to.deep.equal({ kind: "confirm", reference: "RAIL-7" });
    });

    it("should reject with the rail's reason code when the rail rejected the payment", function () {
      const d = decideOffChain(snapshot({ ...paid, rail: { kind: "rejected", reason: "AM04" } }), policy);
      expect(d.action).to.deep.equal({ kind: "reject", reason: "RAIL_REJECTED:AM04" });
    });

    it("should wait, without rejecting, while the rail cannot be reached (5xx, time-out)", function () {
      const d = decideOffChain(
        snapshot({ ...paid, now: MOMENTS.inMargin, rail: { kind: "unreachable", error: "HTTP 503" } }),
        policy,
      );
      expect(d.action).to.equal(undefined);
      expect(d.waiting).to.equal("the payment rail, unreachable (HTTP 503)");
    });

    it("should report as stuck, without confirming, a settled payment whose release the token refuses now", function () {
      const d = decideOffChain(
        snapshot({ ...paid, releaseRestriction: 3, rail: { kind: "settled", reference: "RAIL-7" } }),
        policy,
      );
      expect(d.action).to.equal(undefined);
      expect(d.stuck).to.match(
        /^payment RAIL-7 settled but the token refuses the release to the buyer \(code 3\)/,
      );
    });

    it("should refund after the deadline when the payment did not settle in time", function () {
      const d = decideOffChain(
        snapshot({ ...paid, now: MOMENTS.expired, rail: { kind: "pending", status: "ACSP" } }),
        policy,
      );
      expect(d.action).to.deep.equal({ kind: "refund" });
    });
  });

  describe("when a refunded trade's payment settled or may still settle", function () {
    for (const rail of RAILS.filter(mayPay)) {
      it(`should ask the rail to cancel or return a ${rail.kind} payment, once`, function () {
        const s = snapshot({ status: DvpStatus.Refunded, instructed: true, rail });
        expect(decideOffChain(s, policy).action).to.deep.equal({
          kind: "cancelPayment",
          reason: RETURN_REASON.refunded,
        });
        const again = decideOffChain({ ...s, returnRequested: true }, policy);
        expect(again.action).to.equal(undefined);
        expect(again.done).to.equal(false);
      });
    }

    it("should be done once the rail returned the payment", function () {
      const s = snapshot({
        status: DvpStatus.Refunded,
        instructed: true,
        returnRequested: true,
        rail: { kind: "returned", reference: "RAIL-7" },
      });
      expect(decideOffChain(s, policy)).to.deep.equal({ waiting: "", stuck: undefined, done: true });
    });
  });

  describe("when a trade is settled", function () {
    it("should be done", function () {
      const s = snapshot({
        status: DvpStatus.Settled,
        instructed: true,
        rail: { kind: "settled", reference: "R" },
      });
      expect(decideOffChain(s, policy)).to.deep.equal({ waiting: "", stuck: undefined, done: true });
    });

    it("should report a settled trade whose payment the rail returned", function () {
      const s = snapshot({
        status: DvpStatus.Settled,
        instructed: true,
        rail: { kind: "returned", reference: "R" },
      });
      expect(decideOffChain(s, policy).stuck).to.equal(
        "trade settled on chain but its payment was returned on the rail (R)",
      );
    });
  });
});

describe("sellerRestrictionOf (services/orchestrator/core/offchain.ts)", function () {
  it("should give DvPSettlement._checkSeller's codes in its order: frozen 4, not verified 2, sanctioned 9, else 0", function () {
    const cases: [boolean, boolean, boolean, number][] = [
      [false, true, false, 0],
      [true, true, false, 4],
      [true, false, true, 4],
      [false, false, true, 2],
      [false, true, true, 9],
    ];
    for (const [frozen, verified, sanctioned, code] of cases) {
      expect(
        sellerRestrictionOf({ frozen, verified, sanctioned }),
        `${frozen} ${verified} ${sanctioned}`,
      ).to.equal(code);
    }
  });
});

describe("endToEndIdOf (services/orchestrator/core/ids.ts)", function () {
  it("should name the chain, the first 4 bytes of DvPSettlement and the trade: at most ISO's 35 characters for any uint64 trade id on chain 1, and for ids below 10^13 on Sepolia", function () {
    const dvp = "0xAbCdEf0123456789aBcDeF0123456789AbCdEf01";
    expect(endToEndIdOf(11155111n, dvp, 42n)).to.equal("DVP-11155111-abcdef01-42");
    expect(endToEndIdOf(1n, dvp, 2n ** 64n - 1n)).to.have.length(35);
    expect(endToEndIdOf(11155111n, dvp, 10n ** 13n - 1n)).to.have.length(35);
  });
});
