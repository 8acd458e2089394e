/**
 * What the settlement orchestrator's decision core reads and returns. Plain data only: no ethers, no Node.js
 * built-ins, so the same core runs in the service (services/orchestrator) and in a Chainlink CRE workflow
 * (services/orchestrator/cre), whose WASM runtime has neither.
 *
 * Times are the chain's clock (unix seconds of the latest block), never the machine's.
 */
import {
  ICrossChainAssetEscrow,
  ICrossChainPaymentEscrow,
  IDvPSettlement,
  SettlementMessages,
} from "../../../lib/generated/contracts";

// The enums of the contracts, with their values generated from them (lib/generated/contracts.ts: plain data, no
// imports, so the CRE workflow can bundle it too). TypeScript enums for their reverse mapping (`DvpStatus[3]`);
// test/generated/contract-values.test.ts checks that they list exactly the contracts' members.

/** DvPSettlement.Status (contracts/settlement/IDvPSettlement.sol). */
export enum DvpStatus {
  None = IDvPSettlement.Status.None,
  SellerCommitted = IDvPSettlement.Status.SellerCommitted,
  BuyerCommitted = IDvPSettlement.Status.BuyerCommitted,
  Acknowledged = IDvPSettlement.Status.Acknowledged,
  Settled = IDvPSettlement.Status.Settled,
  Refunded = IDvPSettlement.Status.Refunded,
}

/** CrossChainAssetEscrow.Status. */
export enum AssetStatus {
  None = ICrossChainAssetEscrow.Status.None,
  Locked = ICrossChainAssetEscrow.Status.Locked,
  ReleasePending = ICrossChainAssetEscrow.Status.ReleasePending,
  Released = ICrossChainAssetEscrow.Status.Released,
  RefundPending = ICrossChainAssetEscrow.Status.RefundPending,
  Refunded = ICrossChainAssetEscrow.Status.Refunded,
}

/** CrossChainPaymentEscrow.Status. */
export enum PaymentStatus {
  None = ICrossChainPaymentEscrow.Status.None,
  AwaitingPayment = ICrossChainPaymentEscrow.Status.AwaitingPayment,
  Funded = ICrossChainPaymentEscrow.Status.Funded,
  Paid = ICrossChainPaymentEscrow.Status.Paid,
  Cancelled = ICrossChainPaymentEscrow.Status.Cancelled,
}

/** SettlementMessages kinds. */
export enum MessageKind {
  LOCK = SettlementMessages.LOCK,
  CONFIRM = SettlementMessages.CONFIRM,
  CANCEL = SettlementMessages.CANCEL,
}

/**
 * The payment rail's view of one payment, reduced from its ISO 20022 status reports (pacs.002 `TxSts`):
 * - `unknown`: the rail has no payment with the trade's end-to-end id (never received);
 * - `unreachable`: the last query failed (5xx, timeout, connection refused): nothing is known;
 * - `pending`: accepted, settlement in process (ACTC, ACSP, PDNG);
 * - `settled`: the creditor's account was credited (ACSC), with the rail's reference of the payment;
 * - `rejected`: refused (RJCT) with an ISO reason code (e.g. AM04 insufficient funds): nothing moved;
 * - `cancelled`: cancelled before settlement on the orchestrator's request (camt.056 accepted);
 * - `returned`: settled, then returned to the debtor on the orchestrator's request (pacs.004).
 */
export type RailState =
  | { kind: "unknown" }
  | { kind: "unreachable"; error: string }
  | { kind: "pending"; status: string }
  | { kind: "settled"; reference: string }
  | { kind: "rejected"; reason: string }
  | { kind: "cancelled" }
  | { kind: "returned"; reference: string };

/** A Safe transaction the orchestrator submitted (or proposed) and whose outcome is not known yet. */
export interface PendingSafe {
  action: "acknowledge" | "confirm" | "reject";
  nonce: number;
  /** `execute`: sent by the orchestrator; `proposal`: written for the owners to sign and execute. */
  mode: "execute" | "proposal";
}

/** What the decision core is told about an off-chain DvP trade. */
export interface OffChainSnapshot {
  /** The chain's clock (latest block timestamp). */
  now: number;
  trade: {
    status: DvpStatus;
    /** Last second at which the trade may settle (DvPSettlement: settlement until the deadline inclusive). */
    deadline: number;
  };
  /** `releaseRestriction(tradeId)` read this round: the token's code for the release to the buyer (0 = allowed). */
  releaseRestriction: number;
  /** What `acknowledge` would answer about the seller now (SellerRestricted's code; 0 = the seller may sell). */
  sellerRestriction: number;
  /** The journal holds an instruction for this trade's payment (written before the rail was called). */
  instructed: boolean;
  /** The journal holds a cancellation or return request for this trade's payment. */
  returnRequested: boolean;
  /** The rail's answer this round (`unknown` when never instructed). */
  rail: RailState;
  /** A Safe transaction touching this trade whose outcome is not known yet. */
  pendingSafe?: PendingSafe;
}

/** Policy of the orchestrator (config `policy`). */
export interface Policy {
  /**
   * No payment is instructed (and no trade acknowledged) once the deadline is closer than this: the payment
   * must settle and its confirmation be mined before the deadline. Seconds.
   */
  instructMarginSeconds: number;
  /** A CCIP message not executed on its destination this long after it was sent is reported as stuck. Seconds. */
  ccipStuckAfterSeconds: number;
}

export const DEFAULT_POLICY: Policy = { instructMarginSeconds: 3600, ccipStuckAfterSeconds: 3600 };

/** The settlement agent's calls through its Safe, and what the orchestrator does itself. */
export type OffChainAction =
  /** `DvPSettlement.acknowledge(tradeId)` through the settlement agent's Safe. */
  | { kind: "acknowledge" }
  /** Instruct the payment on the rail (idempotency key: the trade). */
  | { kind: "instruct" }
  /** `confirmPayment(tradeId, reference)` through the Safe: the shares go to the buyer. */
  | { kind: "confirm"; reference: string }
  /** `rejectTrade(tradeId, reason)` through the Safe: the shares go back to the seller now. */
  | { kind: "reject"; reason: string }
  /** `refund(tradeId)` from the orchestrator's account (anyone may, after the deadline). */
  | { kind: "refund" }
  /** Cancel the payment on the rail (camt.056) or, once settled, have it returned (pacs.004). */
  | { kind: "cancelPayment"; reason: string };

export interface Decision<A> {
  /** What to do now, if anything. */
  action?: A;
  /** What the trade waits for (shown by settlement:status); empty when the trade is done. */
  waiting: string;
  /** Something an operator must look at (the orchestrator cannot fix it alone). */
  stuck?: string;
  /** The trade needs nothing more from the orchestrator. */
  done: boolean;
}

/** A CCIP message of a cross-chain trade, as seen on both chains. */
export interface MessageView {
  id: string;
  kind: MessageKind;
  /** Chain time of the block that sent it (on its source chain). */
  sentAt: number;
  /** `isProcessed(id)` on the destination escrow; undefined when that chain is not watched. */
  processed?: boolean;
}

/** A simulation (eth_call) of a call the orchestrator may send: would it go through now? */
export type Check = { ok: true } | { ok: false; error: string };

/** What the decision core is told about a cross-chain trade (both escrows, both chains). */
export interface CrossChainSnapshot {
  /** The asset chain's clock (deadlines and refunds are the asset escrow's; the payment escrow's chain is
   * compared with its own clock: `paymentNow`). */
  now: number;
  /** The payment chain's clock. */
  paymentNow: number;
  /** The asset escrow's trade; undefined when the asset chain is not watched. */
  asset?: { status: AssetStatus; paymentDeadline: number; refundableAt: number };
  /** The payment escrow's payment; undefined when the payment chain is not watched. */
  payment?: { status: PaymentStatus; deadline: number };
  /** The LOCK message (asset -> payment chain). */
  lock?: MessageView;
  /** The decision message (payment -> asset chain): CONFIRM or CANCEL. */
  decision?: MessageView;
  /** Would `complete(tradeId)` go through now (asked when the asset escrow has a pending release or refund)? */
  completeCheck?: Check;
  /** Would `executePayment(tradeId)` go through now (asked when the payment escrow holds a failed payment)? */
  executeCheck?: Check;
}

export type CrossChainAction =
  /** `CrossChainAssetEscrow.complete(tradeId)`: finishes a release or refund the token refused earlier. */
  | { kind: "complete" }
  /** `CrossChainAssetEscrow.refundExpired(tradeId)`: no decision arrived within the grace. */
  | { kind: "refundExpired" }
  /** `CrossChainPaymentEscrow.executePayment(tradeId)` (CONFIRM fee paid): retries paying the seller. */
  | { kind: "executePayment" }
  /** `CrossChainPaymentEscrow.cancel(tradeId)` (CANCEL fee paid): the payment deadline passed unpaid. */
  | { kind: "cancel" };
