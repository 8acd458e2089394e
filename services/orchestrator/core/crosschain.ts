/**
 * The decision for a cross-chain DvP trade (CrossChainAssetEscrow on the fund's chain, CrossChainPaymentEscrow on
 * the payment chain, CCIP between them): one pure function from both escrows' states, the CCIP messages and
 * both clocks to the next step. test/orchestrator/crosschain.test.ts checks every state.
 *
 * The payment escrow decides every trade exactly once (Paid or Cancelled); the orchestrator only helps the
 * decision along (retries a failed payment until the deadline, cancels an unpaid trade after it), finishes what
 * the token refused at first (`complete`), refunds by timeout a trade that got no decision, and reports what it
 * cannot fix: CCIP messages not executed on their destination, and trades both paid and refunded.
 * It never refunds by timeout a trade whose payment escrow says Paid, and never one whose payment chain it
 * cannot see.
 */
import {
  AssetStatus,
  MessageKind,
  PaymentStatus,
  type CrossChainAction,
  type CrossChainSnapshot,
  type Decision,
  type MessageView,
  type Policy,
} from "./types";

export type CrossChainDecision = Decision<CrossChainAction>;

const open = (waiting: string, action?: CrossChainAction, stuck?: string): CrossChainDecision => ({
  action,
  waiting,
  stuck,
  done: false,
});

/** A message sent long enough ago and not executed on its destination: CCIP marked it failed or it is late. */
function stuckMessage(m: MessageView | undefined, now: number, policy: Policy): string | undefined {
  if (!m || m.processed !== false) return undefined;
  if (now - m.sentAt < policy.ccipStuckAfterSeconds) return undefined;
  const name = MessageKind[m.kind] ?? `kind ${m.kind}`;
  const where = m.kind === MessageKind.LOCK ? "the payment chain" : "the asset chain";
  return (
    `CCIP ${name} message ${m.id} sent ${now - m.sentAt} s ago is not executed on ${where}: ` +
    `check it on the CCIP explorer and execute it manually once its cause is fixed`
  );
}

/** The next step of a cross-chain DvP trade. */
export function decideCrossChain(s: CrossChainSnapshot, policy: Policy): CrossChainDecision {
  const { asset, payment } = s;

  // The asset side first: it holds the tokens.
  if (asset) {
    switch (asset.status) {
      case AssetStatus.Released:
        return { waiting: "", done: true };
      case AssetStatus.Refunded:
        if (payment?.status === PaymentStatus.Paid) {
          return {
            waiting: "",
            done: true,
            stuck:
              "the seller was paid on the payment chain and refunded on the asset chain (the CONFIRM arrived " +
              "after the timeout refund): the transfer agent settles it off-chain (SETTLEMENT.md, trust assumption 2)",
          };
        }
        if (payment?.status === PaymentStatus.Funded && s.paymentNow > payment.deadline) {
          return open("the cancellation to return the payer's stablecoin", { kind: "cancel" });
        }
        if (payment?.status === PaymentStatus.Funded) {
          return open("the payment deadline, to cancel and return the payer's stablecoin");
        }
        return { waiting: "", done: true };
      case AssetStatus.ReleasePending:
      case AssetStatus.RefundPending: {
        const to = asset.status === AssetStatus.ReleasePending ? "buyer" : "seller";
        if (s.completeCheck?.ok) return open(`the ${to}'s transfer to be mined`, { kind: "complete" });
        const why = s.completeCheck && !s.completeCheck.ok ? s.completeCheck.error : "not checked";
        return open(
          `the ${to} to be able to receive the tokens, then complete`,
          undefined,
          `the token refuses the ${to === "buyer" ? "release" : "refund"} (${why}): fix the ${to} ` +
            `(compliance officer, transfer agent); the orchestrator then calls complete`,
        );
      }
      case AssetStatus.None:
        // Known from the payment chain only, or not yet mined.
        break;
      case AssetStatus.Locked:
        break;
    }
  }

  const locked = asset?.status === AssetStatus.Locked;
  if (!payment) {
    // The payment chain is not watched: never refund by timeout what may have been paid.
    return open(
      "the payment chain's decision (that chain is not watched)",
      undefined,
      locked && s.now >= asset!.refundableAt
        ? "refundable by timeout, but the payment chain is not watched: check the payment escrow before refunding"
        : undefined,
    );
  }

  switch (payment.status) {
    case PaymentStatus.None: {
      const stuck = stuckMessage(s.lock, s.now, policy);
      if (locked && s.now >= asset!.refundableAt) {
        return open("the timeout refund to be mined", { kind: "refundExpired" }, stuck);
      }
      return open("the LOCK message to reach the payment chain", undefined, stuck);
    }
    case PaymentStatus.AwaitingPayment:
      if (s.paymentNow > payment.deadline) return open("the cancellation to be mined", { kind: "cancel" });
      return open(`the payer to pay (deadline ${payment.deadline})`);
    case PaymentStatus.Funded:
      if (s.paymentNow > payment.deadline) return open("the cancellation to be mined", { kind: "cancel" });
      if (s.executeCheck?.ok) return open("the retried payment to be mined", { kind: "executePayment" });
      return open(
        `the stablecoin to accept the transfer to the payee (${
          s.executeCheck && !s.executeCheck.ok ? s.executeCheck.error : "not checked"
        }); retrying until the deadline ${payment.deadline}`,
      );
    case PaymentStatus.Paid: {
      if (!asset) return { waiting: "", done: true };
      const stuck = stuckMessage(s.decision, s.now, policy);
      if (locked && s.now >= asset.refundableAt) {
        return open(
          "the CONFIRM message to reach the asset chain",
          undefined,
          `paid, but refundable by timeout on the asset chain since ${asset.refundableAt}: execute the CONFIRM ` +
            `message now (anyone could refund the seller by timeout)` +
            (stuck ? `; ${stuck}` : ""),
        );
      }
      if (!locked) return open("the asset escrow to record the trade");
      return open("the CONFIRM message to reach the asset chain", undefined, stuck);
    }
    case PaymentStatus.Cancelled: {
      if (!asset) return { waiting: "", done: true };
      const stuck = stuckMessage(s.decision, s.now, policy);
      if (locked && s.now >= asset.refundableAt) {
        return open("the timeout refund to be mined", { kind: "refundExpired" }, stuck);
      }
      if (!locked) return open("the asset escrow to record the trade");
      return open("the CANCEL message to reach the asset chain", undefined, stuck);
    }
  }
  return open("nothing known");
}
