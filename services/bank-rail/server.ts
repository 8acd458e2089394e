/**
 * A bank payment rail for tests and the demo, over HTTP, modelled on ISO 20022 (services/bank-rail/iso20022.ts):
 * the orchestrator instructs credit transfers (pacs.008-like) with an idempotency key, follows their status
 * reports (pacs.002-like: accepted, settled, rejected with a reason) and cancels or returns them (camt.056 /
 * pacs.004-like). Accounts hold balances in one currency each; a payment moves money from the debtor's account
 * to the creditor's once, when it settles, and back when it is returned.
 *
 * It can be told to fail (POST /__admin/faults): delay an answer, reject a payment with a reason, answer 5xx
 * (before or after doing the work), never answer (time-out, before or after doing the work), report every status
 * twice, or hold a payment unsettled until released. GET /__admin/ledger shows every payment, how many times it
 * was instructed, and every balance, so that a test can check that nothing was paid twice.
 *
 * Node's own `http` module serves it: six routes need no framework, and the server must stop and start as a
 * separate process in milliseconds.
 *
 * API (JSON bodies):
 *   POST /v1/payments                         pacs.008-like body, header Idempotency-Key (required)
 *                                             -> 202 StatusReport; a replay of the key -> 200 + the latest report
 *   GET  /v1/payments/{EndToEndId}            -> 200 { latest, reports } | 404
 *   POST /v1/payments/{EndToEndId}/cancellation  camt.056-like body -> 200 StatusReport (CANC or RTND)
 *   GET  /health                              -> 200 { ok: true }
 *   POST /__admin/accounts                    { accounts: { id: { ccy, balance } } } (balances in minor units)
 *   POST /__admin/faults                      { rules: FaultRule[] } (replaces the rules)
 *   POST /__admin/release                     { endToEndId }: settles a held payment now
 *   GET  /__admin/ledger                      -> Ledger
 */
import * as http from "http";
import type { AddressInfo, Socket } from "net";
import { createHash } from "crypto";
import {
  fromIsoAmount,
  type CancellationRequest,
  type CreditTransfer,
  type PaymentStatusResponse,
  type StatusReport,
  type TxStatus,
} from "./iso20022";

export type FaultKind = "delay" | "reject" | "http5xx" | "timeout" | "reportTwice" | "hold";

export interface FaultRule {
  /** Which requests: instructions, status queries, cancellations, or all of them. */
  op: "instruct" | "status" | "cancel" | "any";
  fault: FaultKind;
  /** Only the payment with this end-to-end id (or whose id starts with `prefix`); every payment otherwise. */
  endToEndId?: string;
  prefix?: string;
  /** How many requests the rule hits before it is spent (unlimited when omitted). */
  times?: number;
  /** delay: milliseconds. */
  ms?: number;
  /** reject: the ISO reason code (default MS03, reason not specified). */
  reason?: string;
  /** http5xx / timeout: fail before doing the work (default) or after it (the work is done, the answer lost). */
  when?: "before" | "after";
}

interface AccountRecord {
  ccy: string;
  balance: bigint;
}

interface PaymentRecord {
  endToEndId: string;
  idempotencyKey: string;
  bodyHash: string;
  instrMsgId: string;
  debtor: string;
  creditor: string;
  ccy: string;
  minor: bigint;
  reference: string;
  status: TxStatus;
  reason?: string;
  reports: StatusReport[];
  reportTwice: boolean;
  held: boolean;
  timer?: NodeJS.Timeout;
  /** POST /v1/payments requests received for this end-to-end id (replays included). */
  instructions: number;
  /** Times money moved debtor -> creditor (settlement) and back (return): at most one each. */
  settlements: number;
  returns: number;
}

export interface LedgerPayment {
  endToEndId: string;
  idempotencyKey: string;
  reference: string;
  status: TxStatus;
  reason?: string;
  debtor: string;
  creditor: string;
  ccy: string;
  amountMinor: string;
  instructions: number;
  settlements: number;
  returns: number;
  reports: number;
}

export interface Ledger {
  accounts: Record<string, { ccy: string; balance: string }>;
  payments: LedgerPayment[];
  requests: Record<string, number>;
}

export interface BankRailOptions {
  /** Every answer of the /v1 API waits this long (a bank's response time). Default 0. */
  latencyMs?: number;
  /** A payment settles this long after it is accepted. Default 200. */
  settleMs?: number;
  /** Receives one line per request handled. */
  log?: (line: string) => void;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class BankRailServer {
  private readonly accounts = new Map<string, AccountRecord>();
  private readonly payments = new Map<string, PaymentRecord>();
  private readonly keys = new Map<string, string>();
  private rules: (FaultRule & { hits: number })[] = [];
  private readonly requests: Record<string, number> = {};
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private seq = 0;
  private readonly latencyMs: number;
  private readonly settleMs: number;
  private readonly log: (line: string) => void;

  constructor(options: BankRailOptions = {}) {
    this.latencyMs = options.latencyMs ?? 0;
    this.settleMs = options.settleMs ?? 200;
    this.log = options.log ?? (() => undefined);
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  /** Listens on `host:port` (port 0: a free port) and returns the port. */
  async listen(port = 0, host = "127.0.0.1"): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const p of this.payments.values()) if (p.timer) clearTimeout(p.timer);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ------------------------------------------------------------------------------------------ routing

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://rail");
    const route = `${req.method} ${url.pathname}`;
    try {
      const body = await readBody(req);
      if (route === "GET /health") return send(res, 200, { ok: true });
      if (url.pathname.startsWith("/__admin/")) return send(res, 200, this.admin(route, body));
      const m = /^\/v1\/payments(?:\/([^/]+)(\/cancellation)?)?$/.exec(url.pathname);
      if (!m) throw new HttpError(404, `no route ${route}`);
      const e2e = m[1] ? decodeURIComponent(m[1]) : undefined;
      let op: "instruct" | "status" | "cancel";
      if (req.method === "POST" && !e2e) op = "instruct";
      else if (req.method === "GET" && e2e && !m[2]) op = "status";
      else if (req.method === "POST" && e2e && m[2]) op = "cancel";
      else throw new HttpError(405, `${req.method} not allowed on ${url.pathname}`);
      this.requests[op] = (this.requests[op] ?? 0) + 1;

      let target = e2e;
      let parsed: unknown;
      if (op === "instruct") {
        parsed = parseJson(body);
        target = (parsed as CreditTransfer)?.CdtTrfTxInf?.PmtId?.EndToEndId;
      }
      const faults = this.take(op, target);
      const delay = faults.find((f) => f.fault === "delay");
      await sleep(this.latencyMs + (delay?.ms ?? 0));
      const fail = faults.find((f) => f.fault === "http5xx" || f.fault === "timeout");
      if (fail && (fail.when ?? "before") === "before") return this.fail(res, fail, route, target);

      let status: number;
      let answer: unknown;
      if (op === "instruct") {
        [status, answer] = this.instruct(parsed, req.headers["idempotency-key"], faults);
      } else if (op === "status") {
        [status, answer] = [200, this.status(target!)];
      } else {
        [status, answer] = [200, this.cancel(target!, parseJson(body) as CancellationRequest)];
      }
      if (fail) return this.fail(res, fail, route, target);
      this.log(`${route} -> ${status}`);
      return send(res, status, answer);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      this.log(`${route} -> ${status} ${(e as Error).message}`);
      return send(res, status, { error: (e as Error).message });
    }
  }

  private fail(res: http.ServerResponse, rule: FaultRule, route: string, target?: string): void {
    if (rule.fault === "http5xx") {
      this.log(`${route} ${target ?? ""} -> 503 (fault, ${rule.when ?? "before"})`);
      send(res, 503, { error: "service unavailable (injected fault)" });
      return;
    }
    // Time-out: never answer; the socket is destroyed when the server closes or the client gives up.
    this.log(`${route} ${target ?? ""} -> no answer (fault, ${rule.when ?? "before"})`);
  }

  /** The rules matching a request, each counted as hit once. */
  private take(op: "instruct" | "status" | "cancel", e2e: string | undefined): FaultRule[] {
    const hit: FaultRule[] = [];
    for (const r of this.rules) {
      if (r.op !== "any" && r.op !== op) continue;
      if (r.endToEndId !== undefined && r.endToEndId !== e2e) continue;
      if (r.prefix !== undefined && !(e2e ?? "").startsWith(r.prefix)) continue;
      if (r.times !== undefined && r.hits >= r.times) continue;
      // Rules shaping a payment apply to its instruction only.
      if ((r.fault === "reject" || r.fault === "hold" || r.fault === "reportTwice") && op !== "instruct")
        continue;
      r.hits += 1;
      hit.push(r);
    }
    return hit;
  }

  // ------------------------------------------------------------------------------------------ the rail

  private instruct(
    body: unknown,
    keyHeader: string | string[] | undefined,
    faults: FaultRule[],
  ): [number, unknown] {
    const key = Array.isArray(keyHeader) ? keyHeader[0] : keyHeader;
    if (!key) throw new HttpError(400, "the Idempotency-Key header is required");
    const ct = body as CreditTransfer;
    const tx = ct?.CdtTrfTxInf;
    const e2e = tx?.PmtId?.EndToEndId;
    if (!ct?.GrpHdr?.MsgId || !e2e || !tx.IntrBkSttlmAmt || !tx.DbtrAcct || !tx.CdtrAcct) {
      throw new HttpError(
        400,
        "not a credit transfer: GrpHdr.MsgId, CdtTrfTxInf.PmtId.EndToEndId, IntrBkSttlmAmt, DbtrAcct and CdtrAcct are required",
      );
    }
    if (e2e.length > 35) throw new HttpError(400, `EndToEndId "${e2e}" is longer than 35 characters`);
    const bodyHash = hashOf({ tx: ct.CdtTrfTxInf });
    const known = this.keys.get(key);
    if (known !== undefined) {
      const p = this.payments.get(known)!;
      p.instructions += 1;
      if (p.bodyHash !== bodyHash) {
        throw new HttpError(
          409,
          `Idempotency-Key ${key} was used for another instruction (end-to-end id ${known})`,
        );
      }
      return [200, p.reports[p.reports.length - 1]];
    }
    const existing = this.payments.get(e2e);
    if (existing) {
      existing.instructions += 1;
      throw new HttpError(409, `EndToEndId ${e2e} was instructed with another Idempotency-Key`);
    }
    const ccy = tx.IntrBkSttlmAmt.Ccy;
    let minor: bigint;
    try {
      minor = fromIsoAmount(tx.IntrBkSttlmAmt.Amt, ccy);
    } catch (e) {
      throw new HttpError(400, (e as Error).message);
    }
    if (minor <= 0n) throw new HttpError(400, `amount ${tx.IntrBkSttlmAmt.Amt} is not positive`);
    const p: PaymentRecord = {
      endToEndId: e2e,
      idempotencyKey: key,
      bodyHash,
      instrMsgId: ct.GrpHdr.MsgId,
      debtor: tx.DbtrAcct.Id.Othr.Id,
      creditor: tx.CdtrAcct.Id.Othr.Id,
      ccy,
      minor,
      reference: `RAIL-${String(this.payments.size + 1).padStart(6, "0")}`,
      status: "ACTC",
      reports: [],
      reportTwice: faults.some((f) => f.fault === "reportTwice"),
      held: faults.some((f) => f.fault === "hold"),
      instructions: 1,
      settlements: 0,
      returns: 0,
    };
    this.payments.set(e2e, p);
    this.keys.set(key, e2e);
    const reject = faults.find((f) => f.fault === "reject");
    const debtor = this.accounts.get(p.debtor);
    const creditor = this.accounts.get(p.creditor);
    if (reject) this.report(p, "RJCT", reject.reason ?? "MS03");
    else if (!debtor || !creditor) this.report(p, "RJCT", "AC01");
    else if (debtor.ccy !== ccy || creditor.ccy !== ccy) this.report(p, "RJCT", "AM11");
    else {
      this.report(p, "ACSP");
      if (!p.held) p.timer = setTimeout(() => this.settle(p), this.settleMs);
    }
    return [202, p.reports[p.reports.length - 1]];
  }

  private settle(p: PaymentRecord): void {
    p.timer = undefined;
    if (p.status !== "ACSP") return;
    const debtor = this.accounts.get(p.debtor)!;
    const creditor = this.accounts.get(p.creditor)!;
    if (debtor.balance < p.minor) {
      this.report(p, "RJCT", "AM04");
      return;
    }
    debtor.balance -= p.minor;
    creditor.balance += p.minor;
    p.settlements += 1;
    this.report(p, "ACSC");
  }

  private status(e2e: string): PaymentStatusResponse {
    const p = this.payments.get(e2e);
    if (!p) throw new HttpError(404, `no payment with EndToEndId ${e2e}`);
    return { latest: p.reports[p.reports.length - 1], reports: p.reports };
  }

  private cancel(e2e: string, body: CancellationRequest): StatusReport {
    const p = this.payments.get(e2e);
    if (!p) throw new HttpError(404, `no payment with EndToEndId ${e2e}`);
    const reason = body?.Undrlyg?.TxInf?.CxlRsnInf?.Rsn?.Prtry ?? "CUST";
    if (p.status === "ACTC" || p.status === "ACSP") {
      if (p.timer) clearTimeout(p.timer);
      p.timer = undefined;
      this.report(p, "CANC", reason);
    } else if (p.status === "ACSC") {
      const debtor = this.accounts.get(p.debtor)!;
      const creditor = this.accounts.get(p.creditor)!;
      if (creditor.balance < p.minor) {
        throw new HttpError(409, `return of ${e2e} refused: the creditor's account lacks the funds`);
      }
      creditor.balance -= p.minor;
      debtor.balance += p.minor;
      p.returns += 1;
      this.report(p, "RTND", reason);
    }
    return p.reports[p.reports.length - 1];
  }

  private report(p: PaymentRecord, status: TxStatus, reason?: string): void {
    p.status = status;
    p.reason = reason;
    const now = new Date().toISOString();
    const id = ++this.seq;
    const report: StatusReport = {
      GrpHdr: { MsgId: `PACS002-${String(id).padStart(8, "0")}`, CreDtTm: now },
      OrgnlGrpInfAndSts: { OrgnlMsgId: p.instrMsgId, OrgnlMsgNmId: "pacs.008.001.08" },
      TxInfAndSts: {
        StsId: `STS-${id}`,
        OrgnlEndToEndId: p.endToEndId,
        TxSts: status,
        StsRsnInf: reason ? { Rsn: status === "RJCT" ? { Cd: reason } : { Prtry: reason } } : undefined,
        AcctSvcrRef: p.reference,
        AccptncDtTm: status === "ACSP" ? now : undefined,
        RtrId: status === "RTND" ? `RTR-${p.reference}` : undefined,
      },
    };
    p.reports.push(report);
    if (p.reportTwice) p.reports.push(report);
  }

  // ------------------------------------------------------------------------------------------ admin

  private admin(route: string, body: string): unknown {
    switch (route) {
      case "POST /__admin/accounts": {
        const accounts = (parseJson(body) as { accounts: Record<string, { ccy: string; balance: string }> })
          .accounts;
        for (const [id, a] of Object.entries(accounts ?? {})) {
          this.accounts.set(id, { ccy: a.ccy, balance: BigInt(a.balance) });
        }
        return { accounts: Object.keys(accounts ?? {}).length };
      }
      case "POST /__admin/faults": {
        const rules = (parseJson(body) as { rules: FaultRule[] }).rules ?? [];
        this.rules = rules.map((r) => ({ ...r, hits: 0 }));
        return { rules: this.rules.length };
      }
      case "GET /__admin/faults":
        return { rules: this.rules };
      case "POST /__admin/release": {
        const { endToEndId } = parseJson(body) as { endToEndId: string };
        const p = this.payments.get(endToEndId);
        if (!p) throw new HttpError(404, `no payment with EndToEndId ${endToEndId}`);
        p.held = false;
        if (p.status === "ACSP" && !p.timer) this.settle(p);
        return { status: p.status };
      }
      case "GET /__admin/ledger":
        return this.ledger();
      default:
        throw new HttpError(404, `no route ${route}`);
    }
  }

  ledger(): Ledger {
    const accounts: Ledger["accounts"] = {};
    for (const [id, a] of this.accounts) accounts[id] = { ccy: a.ccy, balance: a.balance.toString() };
    return {
      accounts,
      payments: [...this.payments.values()].map((p) => ({
        endToEndId: p.endToEndId,
        idempotencyKey: p.idempotencyKey,
        reference: p.reference,
        status: p.status,
        reason: p.reason,
        debtor: p.debtor,
        creditor: p.creditor,
        ccy: p.ccy,
        amountMinor: p.minor.toString(),
        instructions: p.instructions,
        settlements: p.settlements,
        returns: p.returns,
        reports: p.reports.length,
      })),
      requests: { ...this.requests },
    };
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > 1_000_000) reject(new HttpError(413, "body too large"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body || "null");
  } catch {
    throw new HttpError(400, "the body is not JSON");
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function hashOf(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}
