/**
 * The messages of the payment rail, built and read without I/O (no Node.js built-ins, no fetch): the HTTP adapter
 * (rail.ts) and the CRE workflow (services/orchestrator/cre) send and read exactly the same ISO 20022-like
 * messages.
 */
import {
  toIsoAmount,
  type CancellationRequest,
  type CreditTransfer,
  type StatusReport,
} from "../../bank-rail/iso20022";
import type { RailState } from "../core/types";

/** A payment to instruct for a trade. */
export interface PaymentInstruction {
  /** ISO end-to-end id (at most 35 characters), derived from the trade: also the idempotency key. */
  endToEndId: string;
  idempotencyKey: string;
  /** Amount in the currency's minor units (the trade's price). */
  amountMinor: bigint;
  /** ISO 4217 code. */
  currency: string;
  /** The buyer's and the seller's wallets on the fund's chain. */
  buyer: string;
  seller: string;
  /** Free text for the creditor's statement. */
  remittance: string;
}

/** The state a status report says (the latest report wins; repeated reports change nothing). */
export function stateOf(report: StatusReport): RailState {
  const tx = report.TxInfAndSts;
  switch (tx.TxSts) {
    case "ACSC":
      return { kind: "settled", reference: tx.AcctSvcrRef };
    case "RJCT":
      return { kind: "rejected", reason: tx.StsRsnInf?.Rsn.Cd ?? tx.StsRsnInf?.Rsn.Prtry ?? "NARR" };
    case "CANC":
      return { kind: "cancelled" };
    case "RTND":
      return { kind: "returned", reference: tx.AcctSvcrRef };
    default:
      return { kind: "pending", status: tx.TxSts };
  }
}

/** How a credit transfer names the parties: the rail's account and the name printed for a wallet. */
export interface PartyNaming {
  /** The message id (unique per message, not per payment: the end-to-end id identifies the payment). */
  msgId: string;
  /** ISO date-time of the message. */
  now: string;
  accountOf: (wallet: string) => string;
  nameOf?: (wallet: string) => string;
}

/**
 * The pacs.008-like instruction of a payment. Pure (no I/O): the HTTP adapter below and the CRE workflow
 * (services/orchestrator/cre) send the same message.
 */
export function creditTransferOf(p: PaymentInstruction, n: PartyNaming): CreditTransfer {
  const name = n.nameOf ?? ((w: string) => w);
  return {
    GrpHdr: { MsgId: n.msgId, CreDtTm: n.now, NbOfTxs: "1", SttlmInf: { SttlmMtd: "CLRG" } },
    CdtTrfTxInf: {
      PmtId: { InstrId: p.endToEndId, EndToEndId: p.endToEndId },
      IntrBkSttlmAmt: { Ccy: p.currency, Amt: toIsoAmount(p.amountMinor, p.currency) },
      Dbtr: { Nm: name(p.buyer) },
      DbtrAcct: { Id: { Othr: { Id: n.accountOf(p.buyer) } } },
      Cdtr: { Nm: name(p.seller) },
      CdtrAcct: { Id: { Othr: { Id: n.accountOf(p.seller) } } },
      RmtInf: { Ustrd: p.remittance.slice(0, 140) },
    },
  };
}

/** The camt.056-like cancellation (or return, once settled) request of a payment. Pure. */
export function cancellationOf(endToEndId: string, reason: string, now: string): CancellationRequest {
  return {
    Assgnmt: { Id: `CXL-${endToEndId}`.slice(0, 35), CreDtTm: now },
    Undrlyg: { TxInf: { OrgnlEndToEndId: endToEndId, CxlRsnInf: { Rsn: { Prtry: reason } } } },
  };
}
