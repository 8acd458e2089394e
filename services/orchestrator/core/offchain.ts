/**
 * The decision for an off-chain DvP trade (DvPSettlement, off-chain mode): one pure function from what the
 * chain, the payment rail and the orchestrator's journal say now to the next step. docs/SETTLEMENT.md
 * ("The settlement orchestrator") lists the rules; test/orchestrator/offchain.test.ts checks every state.
 *
 * The rules that keep money safe:
 * - a payment is instructed only for an acknowledged trade, with the release to the buyer allowed *now* and the
 *   seller still able to sell, and only while the deadline is further than the margin;
 * - a payment the rail may still settle (pending, unreachable) is never answered by a rejection: the trade
 *   waits, and after its deadline is refunded, and the payment then cancelled or returned on the rail;
 * - a trade is confirmed only against a payment the rail reports settled, with the rail's reference;
 * - a trade refunded while its payment settled (or may still settle) has its payment cancelled or returned.
 */
import {
  DvpStatus,
  type Decision,
  type OffChainAction,
  type OffChainSnapshot,
  type Policy,
  type RailState,
} from "./types";

export type OffChainDecision = Decision<OffChainAction>;

const open = (waiting: string, action?: OffChainAction, stuck?: string): OffChainDecision => ({
  action,
  waiting,
  stuck,
  done: false,
});
const done = (stuck?: string): OffChainDecision => ({ waiting: "", stuck, done: true });

/** Rejection reasons the orchestrator writes on chain (`rejectTrade`'s bytes32: at most 31 characters). */
export const REJECT = {
  deadline: "DEADLINE_MARGIN",
  restricted: (code: number) => `RELEASE_RESTRICTED:${code}`,
  seller: (code: number) => `SELLER_RESTRICTED:${code}`,
  rail: (reason: string) => `RAIL_REJECTED:${reason}`.slice(0, 31),
  cancelled: "RAIL_CANCELLED",
} as const;

/**
 * The code `acknowledge` would answer about the seller (SellerRestricted's code; 0 = the seller may sell), from what
 * the token, the identity registry and the compliance say about the seller's wallet: frozen (4), not verified (2),
 * sanctioned (9), in that order.
 */
export function sellerRestrictionOf(seller: {
  frozen: boolean;
  verified: boolean;
  sanctioned: boolean;
}): number {
  if (seller.frozen) return 4;
  if (!seller.verified) return 2;
  if (seller.sanctioned) return 9;
  return 0;
}

/** Why a payment is cancelled or returned on the rail. */
export const RETURN_REASON = { refunded: "TRADE_REFUNDED" } as const;

/** Whether the rail may still move (or has moved) the money of an instructed payment. */
function mayPay(rail: RailState): boolean {
  return rail.kind === "pending" || rail.kind === "settled" || rail.kind === "unreachable";
}

function railLabel(rail: RailState): string {
  switch (rail.kind) {
    case "pending":
      return `pending (${rail.status})`;
    case "unreachable":
      return `unreachable (${rail.error})`;
    case "settled":
      return `settled (${rail.reference})`;
    case "rejected":
      return `rejected (${rail.reason})`;
    default:
      return rail.kind;
  }
}

/** The next step of an off-chain DvP trade. */
export function decideOffChain(s: OffChainSnapshot, policy: Policy): OffChainDecision {
  const { now, trade, rail } = s;
  const expired = now > trade.deadline;
  const inMargin = now + policy.instructMarginSeconds > trade.deadline;

  switch (trade.status) {
    case DvpStatus.None:
      return open("the trade to appear on chain");

    case DvpStatus.BuyerCommitted:
      // An on-chain trade: not the orchestrator's (it only follows off-chain trades).
      return done();

    case DvpStatus.Settled:
      if (s.instructed && rail.kind === "returned") {
        return done(`trade settled on chain but its payment was returned on the rail (${rail.reference})`);
      }
      if (s.instructed && rail.kind !== "settled" && rail.kind !== "unreachable") {
        return done(`trade settled on chain while the rail reports its payment ${railLabel(rail)}`);
      }
      return done();

    case DvpStatus.Refunded:
      if (!s.instructed) return done();
      if (s.returnRequested) {
        if (rail.kind === "pending" || rail.kind === "settled") {
          return open(`the rail to cancel or return the payment (now ${railLabel(rail)})`);
        }
        if (rail.kind === "unreachable")
          return open(`the rail to cancel or return the payment (unreachable)`);
        return done();
      }
      if (mayPay(rail)) {
        return open(`the rail to cancel or return the payment of a refunded trade`, {
          kind: "cancelPayment",
          reason: RETURN_REASON.refunded,
        });
      }
      return done();

    case DvpStatus.SellerCommitted:
    case DvpStatus.Acknowledged:
      break;
  }

  // Open trade: SellerCommitted or Acknowledged.
  if (expired) {
    // Too late to settle: anyone may refund; a payment that settled or may settle is cancelled or returned once
    // the trade is Refunded (above).
    return open(`the refund after the deadline`, { kind: "refund" });
  }
  if (s.pendingSafe) {
    const p = s.pendingSafe;
    return open(
      p.mode === "proposal"
        ? `the Safe owners to sign and execute the ${p.action} proposal (Safe nonce ${p.nonce})`
        : `the Safe transaction (${p.action}, nonce ${p.nonce}) to be mined`,
    );
  }

  if (trade.status === DvpStatus.SellerCommitted) {
    if (s.instructed && mayPay(rail)) {
      // Cannot happen through this core (it instructs acknowledged trades only); never reject a paid trade.
      return open(
        `the rail (${railLabel(rail)})`,
        undefined,
        "a payment was instructed for a trade that is not acknowledged on chain",
      );
    }
    if (s.sellerRestriction !== 0) {
      return open("the rejection to be mined", {
        kind: "reject",
        reason: REJECT.seller(s.sellerRestriction),
      });
    }
    if (s.releaseRestriction !== 0) {
      return open("the rejection to be mined", {
        kind: "reject",
        reason: REJECT.restricted(s.releaseRestriction),
      });
    }
    if (inMargin) return open("the rejection to be mined", { kind: "reject", reason: REJECT.deadline });
    return open("the acknowledgement to be mined", { kind: "acknowledge" });
  }

  // Acknowledged.
  const notPaid = !s.instructed || rail.kind === "unknown";
  if (notPaid) {
    // Nothing can have moved on the rail: the compliance is re-checked immediately before instructing.
    if (inMargin) return open("the rejection to be mined", { kind: "reject", reason: REJECT.deadline });
    if (s.releaseRestriction !== 0) {
      return open("the rejection to be mined", {
        kind: "reject",
        reason: REJECT.restricted(s.releaseRestriction),
      });
    }
    if (s.sellerRestriction !== 0) {
      return open("the rejection to be mined", {
        kind: "reject",
        reason: REJECT.seller(s.sellerRestriction),
      });
    }
    return open("the rail to accept the payment", { kind: "instruct" });
  }

  switch (rail.kind) {
    case "unreachable":
      return open(`the payment rail, unreachable (${rail.error})`);
    case "pending":
      return open(`the rail to settle the payment (${rail.status})`);
    case "settled":
      if (s.releaseRestriction !== 0) {
        return open(
          `the buyer to be able to receive (release restricted, code ${s.releaseRestriction}) before the deadline`,
          undefined,
          `payment ${rail.reference} settled but the token refuses the release to the buyer ` +
            `(code ${s.releaseRestriction}): fix the buyer before the deadline, or the seller is refunded and the ` +
            `payment returned`,
        );
      }
      return open("the confirmation to be mined", { kind: "confirm", reference: rail.reference });
    case "rejected":
      return open("the rejection to be mined", { kind: "reject", reason: REJECT.rail(rail.reason) });
    case "cancelled":
    case "returned":
      return open("the rejection to be mined", { kind: "reject", reason: REJECT.cancelled });
  }
  return open("nothing known");
}
