/**
 * The orchestrator's decision for cross-chain DvP trades (services/orchestrator/core/crosschain.ts), on its own:
 * every combination of both escrows' states, both clocks, the CCIP messages and the simulations is tried against
 * the rules of docs/SETTLEMENT.md, then the named situations one by one.
 */
import { expect } from "chai";
import {
  AssetStatus,
  DEFAULT_POLICY,
  MessageKind,
  PaymentStatus,
  decideCrossChain,
  type Check,
  type CrossChainSnapshot,
  type MessageView,
} from "../../services/orchestrator/core";

const policy = DEFAULT_POLICY;
const PAYMENT_DEADLINE = 2_000_000;
const REFUNDABLE_AT = PAYMENT_DEADLINE + 86_400;
const STUCK = policy.ccipStuckAfterSeconds;

type Asset = CrossChainSnapshot["asset"];
type Payment = CrossChainSnapshot["payment"];

const ASSETS: Asset[] = [
  undefined,
  ...[0, 1, 2, 3, 4, 5].map((status) => ({
    status: status as AssetStatus,
    paymentDeadline: PAYMENT_DEADLINE,
    refundableAt: REFUNDABLE_AT,
  })),
];
const PAYMENTS: Payment[] = [
  undefined,
  ...[0, 1, 2, 3, 4].map((status) => ({ status: status as PaymentStatus, deadline: PAYMENT_DEADLINE })),
];
/** Asset-chain clocks: before the payment deadline, between it and refundableAt, from refundableAt. */
const NOWS = [PAYMENT_DEADLINE - 10, PAYMENT_DEADLINE + 10, REFUNDABLE_AT];
const CHECKS: (Check | undefined)[] = [
  undefined,
  { ok: true },
  { ok: false, error: "RecipientNotVerified(0xb)" },
];

function message(kind: MessageKind, processed: boolean | undefined, age: number, now: number): MessageView {
  return { id: `0x${kind}${"0".repeat(63)}`, kind, sentAt: now - age, processed };
}

function* everySnapshot(): Generator<CrossChainSnapshot> {
  for (const asset of ASSETS)
    for (const payment of PAYMENTS)
      for (const now of NOWS)
        for (const processed of [true, false, undefined])
          for (const age of [10, STUCK + 1])
            for (const completeCheck of CHECKS)
              for (const executeCheck of CHECKS)
                yield {
                  now,
                  paymentNow: now,
                  asset,
                  payment,
                  lock: message(MessageKind.LOCK, processed, age, now),
                  decision:
                    payment?.status === PaymentStatus.Paid || payment?.status === PaymentStatus.Cancelled
                      ? message(
                          payment.status === PaymentStatus.Paid ? MessageKind.CONFIRM : MessageKind.CANCEL,
                          processed,
                          age,
                          now,
                        )
                      : undefined,
                  completeCheck,
                  executeCheck,
                };
}

function holds(ok: boolean, s: CrossChainSnapshot): void {
  if (!ok) expect.fail(JSON.stringify(s));
}

describe("decideCrossChain (services/orchestrator/core/crosschain.ts)", function () {
  describe("when given every combination of both escrows, both clocks, the messages and the simulations", function () {
    const all = [...everySnapshot()];

    it("should try 7,938 snapshots", function () {
      expect(all.length).to.equal(7 * 6 * 3 * 3 * 2 * 3 * 3);
    });

    it("should refund by timeout only a locked trade past refundableAt whose payment escrow is seen and says not received or cancelled (never Paid, never payable)", function () {
      for (const s of all) {
        if (decideCrossChain(s, policy).action?.kind !== "refundExpired") continue;
        holds(
          s.asset?.status === AssetStatus.Locked &&
            s.now >= REFUNDABLE_AT &&
            (s.payment?.status === PaymentStatus.None || s.payment?.status === PaymentStatus.Cancelled),
          s,
        );
      }
    });

    it("should cancel only an unpaid or failed payment after its deadline", function () {
      for (const s of all) {
        if (decideCrossChain(s, policy).action?.kind !== "cancel") continue;
        holds(
          (s.payment?.status === PaymentStatus.AwaitingPayment ||
            s.payment?.status === PaymentStatus.Funded) &&
            s.paymentNow > PAYMENT_DEADLINE,
          s,
        );
      }
    });

    it("should retry a failed payment only until its deadline and only when the stablecoin would accept it now", function () {
      for (const s of all) {
        if (decideCrossChain(s, policy).action?.kind !== "executePayment") continue;
        holds(
          s.payment?.status === PaymentStatus.Funded &&
            s.paymentNow <= PAYMENT_DEADLINE &&
            s.executeCheck?.ok === true,
          s,
        );
      }
    });

    it("should complete only a pending release or refund that the token would accept now", function () {
      for (const s of all) {
        if (decideCrossChain(s, policy).action?.kind !== "complete") continue;
        holds(
          (s.asset?.status === AssetStatus.ReleasePending || s.asset?.status === AssetStatus.RefundPending) &&
            s.completeCheck?.ok === true,
          s,
        );
      }
    });

    it("should report every trade both paid and refunded", function () {
      for (const s of all) {
        if (s.asset?.status !== AssetStatus.Refunded || s.payment?.status !== PaymentStatus.Paid) continue;
        const d = decideCrossChain(s, policy);
        holds(d.done && d.stuck !== undefined && d.stuck.startsWith("the seller was paid"), s);
      }
    });

    it("should report a message not executed on its destination once it is older than the stuck threshold, naming its id", function () {
      for (const s of all) {
        const d = decideCrossChain(s, policy);
        const waitsOnLock =
          s.asset?.status === AssetStatus.Locked && s.payment?.status === PaymentStatus.None;
        const waitsOnDecision =
          s.asset?.status === AssetStatus.Locked &&
          (s.payment?.status === PaymentStatus.Paid || s.payment?.status === PaymentStatus.Cancelled);
        const m = waitsOnLock ? s.lock : waitsOnDecision ? s.decision : undefined;
        if (!m) continue;
        const shouldReport = m.processed === false && s.now - m.sentAt >= STUCK;
        holds((d.stuck?.includes(m.id) ?? false) === shouldReport, s);
      }
    });

    it("should say what every open trade waits for", function () {
      for (const s of all) {
        const d = decideCrossChain(s, policy);
        holds(d.done ? d.action === undefined : d.waiting !== "", s);
      }
    });
  });

  const locked = {
    status: AssetStatus.Locked,
    paymentDeadline: PAYMENT_DEADLINE,
    refundableAt: REFUNDABLE_AT,
  };
  const base = (over: Partial<CrossChainSnapshot>): CrossChainSnapshot => ({
    now: PAYMENT_DEADLINE - 100,
    paymentNow: PAYMENT_DEADLINE - 100,
    asset: locked,
    payment: { status: PaymentStatus.AwaitingPayment, deadline: PAYMENT_DEADLINE },
    ...over,
  });

  describe("when the payer has not paid", function () {
    it("should wait for the payer until the deadline", function () {
      const d = decideCrossChain(base({}), policy);
      expect(d).to.deep.equal({
        action: undefined,
        waiting: `the payer to pay (deadline ${PAYMENT_DEADLINE})`,
        stuck: undefined,
        done: false,
      });
    });

    it("should cancel after the deadline (the CANCEL refunds the seller before the timeout)", function () {
      const d = decideCrossChain(base({ paymentNow: PAYMENT_DEADLINE + 1 }), policy);
      expect(d.action).to.deep.equal({ kind: "cancel" });
    });
  });

  describe("when the stablecoin refused the transfer to the payee (PaymentFailed, Funded)", function () {
    const funded = { status: PaymentStatus.Funded, deadline: PAYMENT_DEADLINE };

    it("should retry executePayment when a simulation says the transfer goes through now", function () {
      const d = decideCrossChain(base({ payment: funded, executeCheck: { ok: true } }), policy);
      expect(d.action).to.deep.equal({ kind: "executePayment" });
    });

    it("should wait, naming the error, while the stablecoin still refuses", function () {
      const d = decideCrossChain(
        base({ payment: funded, executeCheck: { ok: false, error: "PaymentTransferFailed(...)" } }),
        policy,
      );
      expect(d.action).to.equal(undefined);
      expect(d.waiting).to.equal(
        `the stablecoin to accept the transfer to the payee (PaymentTransferFailed(...)); retrying until the deadline ${PAYMENT_DEADLINE}`,
      );
    });

    it("should cancel after the deadline (the payer gets its stablecoin back)", function () {
      const d = decideCrossChain(
        base({ payment: funded, paymentNow: PAYMENT_DEADLINE + 1, executeCheck: { ok: true } }),
        policy,
      );
      expect(d.action).to.deep.equal({ kind: "cancel" });
    });
  });

  describe("when a decision reached the asset escrow but the token refused the transfer", function () {
    it("should complete once the token accepts", function () {
      const d = decideCrossChain(
        base({
          asset: { ...locked, status: AssetStatus.ReleasePending },
          payment: { status: PaymentStatus.Paid, deadline: PAYMENT_DEADLINE },
          completeCheck: { ok: true },
        }),
        policy,
      );
      expect(d.action).to.deep.equal({ kind: "complete" });
    });

    it("should report it stuck, naming the token's error, while the buyer cannot receive", function () {
      const d = decideCrossChain(
        base({
          asset: { ...locked, status: AssetStatus.ReleasePending },
          payment: { status: PaymentStatus.Paid, deadline: PAYMENT_DEADLINE },
          completeCheck: { ok: false, error: "RecipientNotVerified(0xb)" },
        }),
        policy,
      );
      expect(d.action).to.equal(undefined);
      expect(d.stuck).to.equal(
        "the token refuses the release (RecipientNotVerified(0xb)): fix the buyer (compliance officer, transfer agent); the orchestrator then calls complete",
      );
    });
  });

  describe("when the CONFIRM has not reached the asset chain", function () {
    const paid = { status: PaymentStatus.Paid, deadline: PAYMENT_DEADLINE };

    it("should never refund by timeout a paid trade, and report it before anyone else does", function () {
      const d = decideCrossChain(
        base({
          now: REFUNDABLE_AT,
          payment: paid,
          decision: {
            id: "0xabc",
            kind: MessageKind.CONFIRM,
            sentAt: PAYMENT_DEADLINE - 50,
            processed: false,
          },
        }),
        policy,
      );
      expect(d.action).to.equal(undefined);
      expect(d.stuck).to.match(
        /^paid, but refundable by timeout on the asset chain since \d+: execute the CONFIRM/,
      );
      expect(d.stuck).to.include("CCIP CONFIRM message 0xabc");
    });
  });

  describe("when the LOCK never reached the payment chain", function () {
    it("should report the message once it is older than the threshold, and refund by timeout from refundableAt", function () {
      const lock = {
        id: "0xlock",
        kind: MessageKind.LOCK,
        sentAt: PAYMENT_DEADLINE - STUCK - 200,
        processed: false,
      };
      const early = decideCrossChain(
        base({ payment: { status: PaymentStatus.None, deadline: 0 }, lock }),
        policy,
      );
      expect(early.action).to.equal(undefined);
      expect(early.stuck).to.include("CCIP LOCK message 0xlock sent");
      const late = decideCrossChain(
        base({ now: REFUNDABLE_AT, payment: { status: PaymentStatus.None, deadline: 0 }, lock }),
        policy,
      );
      expect(late.action).to.deep.equal({ kind: "refundExpired" });
    });
  });

  describe("when the payment chain is not watched", function () {
    it("should never refund by timeout, and say why", function () {
      const d = decideCrossChain(base({ now: REFUNDABLE_AT, payment: undefined }), policy);
      expect(d.action).to.equal(undefined);
      expect(d.stuck).to.equal(
        "refundable by timeout, but the payment chain is not watched: check the payment escrow before refunding",
      );
    });
  });
});
