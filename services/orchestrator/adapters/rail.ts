/**
 * The payment rail as the orchestrator sees it: instruct a credit transfer with an idempotency key (the trade),
 * ask its status, cancel or return it. A bank's API plugs in by implementing {@link PaymentRail}; the suite ships
 * {@link HttpPaymentRail}, for the ISO 20022-like HTTP API of services/bank-rail.
 */
import { defaultAccountOf, type PaymentStatusResponse, type StatusReport } from "../../bank-rail/iso20022";
import type { RailState } from "../core/types";
import { cancellationOf, creditTransferOf, stateOf, type PaymentInstruction } from "./rail-messages";

export {
  cancellationOf,
  creditTransferOf,
  stateOf,
  type PartyNaming,
  type PaymentInstruction,
} from "./rail-messages";

/** The rail could not be asked (connection refused, time-out, 5xx): the outcome is unknown. */
export class RailUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RailUnavailableError";
  }
}

export interface PaymentRail {
  /** Instructs the payment; instructing again with the same idempotency key changes nothing. */
  instruct(p: PaymentInstruction): Promise<RailState>;
  /** The payment's state (`unknown` when the rail has no payment with this end-to-end id). */
  status(endToEndId: string): Promise<RailState>;
  /** Cancels the payment if it has not settled, returns it if it has; idempotent. */
  cancelOrReturn(endToEndId: string, reason: string): Promise<RailState>;
}

export interface HttpRailOptions {
  /** Per-request time-out in milliseconds (default 5,000). */
  timeoutMs?: number;
  /** Wallet -> the rail's account id; `wallet:<address>` for wallets not listed. */
  accounts?: Record<string, string>;
  /** Names printed on the instruction for wallets (optional). */
  names?: Record<string, string>;
}

let messageSeq = 0;

/** The bank rail of services/bank-rail over HTTP (Node's fetch). */
export class HttpPaymentRail implements PaymentRail {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly accounts: Map<string, string>;
  private readonly names: Map<string, string>;

  constructor(baseUrl: string, options: HttpRailOptions = {}) {
    this.base = baseUrl.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.accounts = new Map(Object.entries(options.accounts ?? {}).map(([w, a]) => [w.toLowerCase(), a]));
    this.names = new Map(Object.entries(options.names ?? {}).map(([w, n]) => [w.toLowerCase(), n]));
  }

  accountOf(wallet: string): string {
    return this.accounts.get(wallet.toLowerCase()) ?? defaultAccountOf(wallet);
  }

  private async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { "content-type": "application/json", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      const why =
        err.name === "TimeoutError"
          ? `no answer within ${this.timeoutMs} ms`
          : (err.cause?.code ?? err.message);
      throw new RailUnavailableError(`${method} ${path}: ${why}`);
    }
    const text = await res.text().catch(() => "");
    if (res.status >= 500) throw new RailUnavailableError(`${method} ${path}: HTTP ${res.status}`);
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new RailUnavailableError(`${method} ${path}: HTTP ${res.status} with a body that is not JSON`);
    }
    return { status: res.status, json };
  }

  async instruct(p: PaymentInstruction): Promise<RailState> {
    const body = creditTransferOf(p, {
      msgId: `ORCH-${Date.now().toString(36)}-${++messageSeq}`,
      now: new Date().toISOString(),
      accountOf: (w) => this.accountOf(w),
      nameOf: (w) => this.names.get(w.toLowerCase()) ?? w,
    });
    const { status, json } = await this.request("POST", "/v1/payments", body, {
      "idempotency-key": p.idempotencyKey,
    });
    if (status === 200 || status === 202) return stateOf(json as StatusReport);
    if (status === 409) {
      // The end-to-end id is known under another key, or the key under another body: follow the rail's record.
      return this.status(p.endToEndId);
    }
    throw new Error(
      `the rail refused the instruction of ${p.endToEndId}: HTTP ${status} ${JSON.stringify(json)}`,
    );
  }

  async status(endToEndId: string): Promise<RailState> {
    const { status, json } = await this.request("GET", `/v1/payments/${encodeURIComponent(endToEndId)}`);
    if (status === 404) return { kind: "unknown" };
    if (status !== 200) throw new Error(`status of ${endToEndId}: HTTP ${status} ${JSON.stringify(json)}`);
    return stateOf((json as PaymentStatusResponse).latest);
  }

  async cancelOrReturn(endToEndId: string, reason: string): Promise<RailState> {
    const body = cancellationOf(endToEndId, reason, new Date().toISOString());
    const { status, json } = await this.request(
      "POST",
      `/v1/payments/${encodeURIComponent(endToEndId)}/cancellation`,
      body,
    );
    if (status === 404) return { kind: "unknown" };
    if (status !== 200)
      throw new Error(`cancellation of ${endToEndId}: HTTP ${status} ${JSON.stringify(json)}`);
    return stateOf(json as StatusReport);
  }
}
