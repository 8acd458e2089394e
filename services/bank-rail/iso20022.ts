/**
 * The bank rail's messages, modelled on ISO 20022 (as JSON, with ISO's element names):
 * - a credit transfer instruction, after pacs.008 (FIToFICustomerCreditTransfer): one transaction with its
 *   end-to-end id, amount and currency, debtor and creditor accounts, remittance information;
 * - status reports, after pacs.002 (FIToFIPaymentStatusReport): `TxSts` ACTC (accepted, technical checks),
 *   ACSP (accepted, settlement in process), ACSC (settled: the creditor's account is credited), RJCT (rejected,
 *   with an ISO reason code such as AM04 insufficient funds or AC01 incorrect account), CANC (cancelled);
 * - a cancellation request, after camt.056 (FIToFIPaymentCancellationRequest), answered by a cancellation
 *   (CANC) when the payment has not settled yet, or by a return after pacs.004 (PaymentReturn) when it has.
 *
 * Shared by the server (services/bank-rail/server.ts) and the orchestrator's HTTP rail adapter.
 */

/** Transaction status codes used (ISO 20022 ExternalPaymentTransactionStatus1Code, plus RTND for a return). */
export type TxStatus = "ACTC" | "ACSP" | "ACSC" | "RJCT" | "CANC" | "RTND";

export interface Amount {
  /** ISO 4217 currency code. */
  Ccy: string;
  /** Decimal amount in the currency's major unit, e.g. "2500.10". */
  Amt: string;
}

export interface AccountRef {
  Id: { Othr: { Id: string } };
}

/** pacs.008-like instruction (one transaction). */
export interface CreditTransfer {
  GrpHdr: { MsgId: string; CreDtTm: string; NbOfTxs: "1"; SttlmInf: { SttlmMtd: "CLRG" } };
  CdtTrfTxInf: {
    PmtId: { InstrId: string; EndToEndId: string };
    IntrBkSttlmAmt: Amount;
    Dbtr: { Nm: string };
    DbtrAcct: AccountRef;
    Cdtr: { Nm: string };
    CdtrAcct: AccountRef;
    RmtInf: { Ustrd: string };
  };
}

/** pacs.002-like status report of one transaction (or pacs.004-like return, TxSts RTND). */
export interface StatusReport {
  GrpHdr: { MsgId: string; CreDtTm: string };
  OrgnlGrpInfAndSts: { OrgnlMsgId: string; OrgnlMsgNmId: "pacs.008.001.08" };
  TxInfAndSts: {
    StsId: string;
    OrgnlEndToEndId: string;
    TxSts: TxStatus;
    StsRsnInf?: { Rsn: { Cd?: string; Prtry?: string } };
    /** The rail's own reference of the payment (the reference the orchestrator confirms on chain). */
    AcctSvcrRef: string;
    AccptncDtTm?: string;
    /** Present on a return (RTND). */
    RtrId?: string;
  };
}

/** camt.056-like cancellation request. */
export interface CancellationRequest {
  Assgnmt: { Id: string; CreDtTm: string };
  Undrlyg: { TxInf: { OrgnlEndToEndId: string; CxlRsnInf: { Rsn: { Prtry: string } } } };
}

/** What GET /v1/payments/{EndToEndId} answers: the latest report and every report in order. */
export interface PaymentStatusResponse {
  latest: StatusReport;
  reports: StatusReport[];
}

/** ISO 4217 minor-unit exponents of the currencies the rail knows (2 for any other). */
const EXPONENTS: Record<string, number> = { JPY: 0, KRW: 0, CLP: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3 };

export function currencyExponent(ccy: string): number {
  return EXPONENTS[ccy] ?? 2;
}

/** Minor units (e.g. cents) to ISO's decimal amount string. */
export function toIsoAmount(minor: bigint, ccy: string): string {
  const e = currencyExponent(ccy);
  if (minor < 0n) throw new Error(`negative amount ${minor}`);
  if (e === 0) return minor.toString();
  const s = minor.toString().padStart(e + 1, "0");
  return `${s.slice(0, -e)}.${s.slice(-e)}`;
}

/** ISO's decimal amount string to minor units; refuses more decimals than the currency has. */
export function fromIsoAmount(amt: string, ccy: string): bigint {
  const e = currencyExponent(ccy);
  const m = /^(\d+)(?:\.(\d+))?$/.exec(amt);
  if (!m) throw new Error(`"${amt}" is not an ISO 20022 amount`);
  const frac = m[2] ?? "";
  if (frac.length > e) throw new Error(`"${amt}" has more than ${e} decimals for ${ccy}`);
  return BigInt(m[1] + frac.padEnd(e, "0"));
}

/** The rail's account of a wallet when no account directory is configured: "wallet:<address in lower case>". */
export function defaultAccountOf(wallet: string): string {
  return `wallet:${wallet.toLowerCase()}`;
}
