/**
 * The settlement orchestrator: rounds of (watch, decide, act) over the watched chains, the payment rail and the
 * settlement agent's Safe, with every side effect announced in the journal first.
 *
 * A round:
 * 1. scans each chain's new blocks (bounded log queries from the journal's cursor) for trades and their events;
 * 2. resolves the Safe transactions submitted or proposed earlier (the Safe's nonce and ExecutionSuccess events);
 * 3. for every open trade, reads the chain (and the rail, for an instructed payment) and asks the decision core
 *    (services/orchestrator/core) what to do;
 * 4. acts: rail calls (instruct, cancel/return) in parallel; the Safe calls of the round in one Safe transaction
 *    (or one proposal); the orchestrator's own transactions one by one. Each is written to the journal before it
 *    is made.
 *
 * A round never trusts memory from an earlier one: a restart (after a crash, a kill, a node restart) reads the
 * journal and the chain and goes on from there.
 */
import * as fs from "fs";
import type { Contract, TransactionReceipt } from "ethers";
import { encodeBytes32String, keccak256, toUtf8Bytes } from "ethers";
import {
  decideCrossChain,
  decideOffChain,
  DvpStatus,
  MessageKind,
  PaymentStatus,
  AssetStatus,
  type CrossChainAction,
  type CrossChainSnapshot,
  type Decision,
  type OffChainAction,
  type OffChainSnapshot,
  type PendingSafe,
  type Policy,
  type RailState,
  endToEndIdOf,
} from "./core";
import { ChainAdapter, bytes3ToString, revertName, type ChainEvent } from "./adapters/chain";
import type { AgentCall, AgentSafe } from "./adapters/safe";
import { RailUnavailableError, type PaymentRail } from "./adapters/rail";
import {
  railText,
  type JournalLike,
  type JournalState,
  type SafeCallRecord,
  type TradeState,
} from "./journal";

export interface OrchestratorOptions {
  journal: JournalLike;
  chains: ChainAdapter[];
  /** The settlement agent's Safe (on the chain holding DvPSettlement). */
  safe?: AgentSafe;
  rail?: PaymentRail;
  policy: Policy;
  log?: (line: string) => void;
  /** Called with each transaction the orchestrator had mined (the demo records their gas). */
  onTransaction?: (label: string, receipt: TransactionReceipt) => void;
  /** Most calls in one Safe transaction. Default 40 (a confirmation costs up to ~190k gas). */
  maxBatch?: number;
  /** A Safe transaction sent but not mined after this many seconds of chain time is treated as lost. Default 120. */
  pendingTimeoutSeconds?: number;
  /** Rail requests in flight at once. Default 16. */
  railConcurrency?: number;
}

/** What one round saw and did. */
export interface RoundReport {
  actions: string[];
  errors: string[];
  open: number;
}

/** A trade with what the core decided about it this round. */
export interface TradeDecision {
  trade: TradeState;
  decision: Decision<OffChainAction | CrossChainAction>;
  /** Chain status in words (e.g. "Acknowledged", "Locked / AwaitingPayment"). */
  status: string;
}

type Planned =
  | {
      trade: TradeState;
      chain: ChainAdapter;
      kind: "offchain";
      id: bigint;
      action: OffChainAction;
      price: bigint;
      currency: string;
      seller: string;
      buyer: string;
    }
  | {
      trade: TradeState;
      kind: "crosschain";
      id: string;
      action: CrossChainAction;
      assetChain?: ChainAdapter;
      paymentChain?: ChainAdapter;
      assetChainSelector?: bigint;
    };

const KIND_NAMES: Record<number, string> = { 1: "LOCK", 2: "CONFIRM", 3: "CANCEL" };

/** The journal key of an off-chain DvP trade. */
export const offChainKey = (chain: string, id: bigint | string) => `dvp:${chain}:${id}`;
/** The journal key of a cross-chain trade (its id is unique across chains). */
export const crossChainKey = (id: string) => `xc:${id.toLowerCase()}`;

/** The payment's ISO end-to-end id and idempotency key (services/orchestrator/core/ids.ts). */
export { endToEndIdOf };

/** A rail reference as the bytes32 `confirmPayment` records: the text when it fits, else its keccak256. */
export function referenceBytes(reference: string): string {
  return toUtf8Bytes(reference).length <= 31
    ? encodeBytes32String(reference)
    : keccak256(toUtf8Bytes(reference));
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

const sameRail = (a: RailState | undefined, b: RailState) => JSON.stringify(a) === JSON.stringify(b);

export class Orchestrator {
  readonly journal: JournalLike;
  private readonly chains: ChainAdapter[];
  private readonly safe?: AgentSafe;
  private readonly rail?: PaymentRail;
  private readonly policy: Policy;
  private readonly log: (line: string) => void;
  private readonly onTransaction?: (label: string, receipt: TransactionReceipt) => void;
  private readonly maxBatch: number;
  private readonly pendingTimeout: number;
  private readonly railConcurrency: number;
  private readonly lastStuck = new Map<string, string>();
  private clocks = new Map<string, { number: number; timestamp: number }>();
  /** A batch that failed as a whole: the next round sends those calls one Safe transaction each. */
  private unbatch = false;
  private stopped = false;

  constructor(o: OrchestratorOptions) {
    this.journal = o.journal;
    this.chains = o.chains;
    this.safe = o.safe;
    this.rail = o.rail;
    this.policy = o.policy;
    this.log = o.log ?? (() => undefined);
    this.onTransaction = o.onTransaction;
    this.maxBatch = o.maxBatch ?? 40;
    this.pendingTimeout = o.pendingTimeoutSeconds ?? 120;
    this.railConcurrency = o.railConcurrency ?? 16;
  }

  get state(): JournalState {
    return this.journal.state;
  }

  private chain(name: string | undefined): ChainAdapter | undefined {
    return name === undefined ? undefined : this.chains.find((c) => c.name === name);
  }

  private chainBySelector(selector: bigint, role: "asset" | "payment"): ChainAdapter | undefined {
    return this.chains.find((c) => c.ccipSelector === selector && (role === "asset" ? c.asset : c.payment));
  }

  private now(chain: ChainAdapter): number {
    return this.clocks.get(chain.name)!.timestamp;
  }

  // ============================================================================================ the loop

  /** Runs rounds every `intervalMs` until {@link stop}; a failed round is logged and retried with a back-off. */
  async run(intervalMs = 1_000): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const started = Date.now();
      try {
        const r = await this.round();
        for (const a of r.actions) this.log(a);
        for (const e of r.errors) this.log(`error: ${e}`);
        if (r.actions.length > 0 || r.errors.length > 0) {
          this.log(`round took ${Date.now() - started} ms (${r.open} open trades)`);
        }
        failures = 0;
      } catch (e) {
        failures += 1;
        this.log(`round failed (${failures} in a row): ${(e as Error).message.split("\n")[0]}`);
      }
      const wait = failures > 0 ? Math.min(10_000, intervalMs * 2 ** Math.min(failures, 4)) : intervalMs;
      const left = wait - (Date.now() - started);
      if (left > 0 && !this.stopped) await new Promise((r) => setTimeout(r, left));
    }
  }

  stop(): void {
    this.stopped = true;
  }

  /** One round: watch, decide, act. */
  async round(): Promise<RoundReport> {
    const report: RoundReport = { actions: [], errors: [], open: 0 };
    await this.scanChains();
    await this.resolveSafe(report);
    const open = [...this.state.trades.values()].filter((t) => !t.closed);
    report.open = open.length;
    const planned: Planned[] = [];
    // Trades are read in parallel: a round over 50 open trades waits for the rail (~200 ms per answer) about once.
    await mapLimit(open, 64, async (trade) => {
      try {
        const p = await this.planTrade(trade);
        if (p) planned.push(p);
      } catch (e) {
        report.errors.push(`${trade.key}: ${(e as Error).message.split("\n")[0]}`);
      }
    });
    await this.act(planned, report);
    return report;
  }

  // ============================================================================================ watching

  private async scanChains(): Promise<void> {
    for (const chain of this.chains) {
      const latest = await chain.latest();
      this.clocks.set(chain.name, latest);
      const head = latest.number - chain.confirmations;
      const from = (this.state.cursors[chain.name] ?? chain.startBlock - 1) + 1;
      if (from > head) continue;
      const events = await chain.scan(from, head);
      for (const e of events) this.onEvent(chain, e);
      this.journal.append({ t: "cursor", chain: chain.name, block: head });
    }
  }

  private onEvent(chain: ChainAdapter, e: ChainEvent): void {
    const a = e.args;
    if (e.contract === "dvp") {
      const key = offChainKey(chain.name, a.tradeId as bigint);
      if (e.name === "OffChainTradeOpened") {
        const currency = bytes3ToString(a.currency as string);
        this.journal.append({
          t: "trade",
          key,
          kind: "offchain",
          chain: chain.name,
          id: (a.tradeId as bigint).toString(),
          block: e.block,
          at: e.at,
          detail: {
            seller: a.seller as string,
            buyer: a.buyer as string,
            amount: (a.amount as bigint).toString(),
            price: (a.price as bigint).toString(),
            currency,
            deadline: (a.deadline as bigint).toString(),
          },
        });
        this.event(
          key,
          e,
          `opened by the seller: tokens locked, price ${a.price} minor units of ${currency}, deadline ${a.deadline}`,
        );
        return;
      }
      const text: Record<string, string> = {
        TradeAcknowledged: "acknowledged on chain (TradeAcknowledged)",
        PaymentConfirmed: `payment confirmed on chain (reference ${a.paymentReference})`,
        TradeSettled: `settled on chain: ${a.shares} shares to the buyer (TradeSettled)`,
        TradeRejected: `rejected on chain (reason ${a.reason})`,
        SellerRefunded: `seller refunded on chain: ${a.shares} shares (SellerRefunded)`,
      };
      if (text[e.name]) this.event(key, e, text[e.name]);
      return;
    }
    const tradeId = a.tradeId as string | undefined;
    if (!tradeId) return;
    const key = crossChainKey(tradeId);
    if (
      (e.contract === "asset" && e.name === "TradeLocked") ||
      (e.contract === "payment" && e.name === "PaymentRequested")
    ) {
      this.journal.append({
        t: "trade",
        key,
        kind: "crosschain",
        chain: chain.name,
        id: tradeId,
        block: e.block,
        at: e.at,
      });
      this.journal.append({
        t: "detail",
        key,
        detail: e.contract === "asset" ? { assetChain: chain.name } : { paymentChain: chain.name },
      });
    }
    if (!this.state.trades.has(key)) return;
    if (e.name === "MessageSent") {
      const kind = Number(a.kind);
      const detail: Record<string, string> =
        kind === MessageKind.LOCK
          ? { lockId: a.messageId as string, lockSentAt: String(e.at) }
          : { decisionId: a.messageId as string, decisionKind: String(kind), decisionSentAt: String(e.at) };
      this.journal.append({ t: "detail", key, detail });
      this.event(key, e, `CCIP ${KIND_NAMES[kind] ?? kind} message ${a.messageId} sent from ${chain.name}`);
      return;
    }
    const text: Record<string, string> = {
      TradeLocked: `seller's tokens locked on ${chain.name} (${a.shares} shares, refundable from ${a.refundableAt})`,
      PaymentRequested: `payment requested on ${chain.name}`,
      PaymentFunded: "payer paid into the payment escrow",
      PaymentExecuted: "seller paid on the payment chain",
      PaymentFailed: "the stablecoin refused the payment to the seller (PaymentFailed)",
      PaymentCancelled: `payment cancelled (${a.refunded} returned to the payer)`,
      PaymentConfirmed: "CONFIRM received on the asset chain",
      TradeCancelled: "CANCEL received on the asset chain",
      TransferFailed: `the token refused the transfer to ${a.to} (TransferFailed)`,
      TradeReleased: `tokens released to the buyer (${a.shares} shares)`,
      TradeRefunded: `tokens refunded to the seller (${a.shares} shares)`,
      TradeTimedOut: "no decision within the grace: refunded by timeout",
      DecisionIgnored: `a ${KIND_NAMES[Number(a.kind)] ?? a.kind} arrived after the trade ended (DecisionIgnored)`,
    };
    if (text[e.name]) this.event(key, e, text[e.name]);
  }

  private event(key: string, e: ChainEvent, what: string): void {
    if (!this.state.trades.has(key)) return;
    this.journal.append({ t: "event", key, what, at: e.at, block: e.block });
  }

  // ============================================================================================ Safe transactions

  private async resolveSafe(report: RoundReport): Promise<void> {
    if (!this.safe) return;
    const pending = [...this.state.safe.values()].filter((s) => !s.done);
    if (pending.length === 0) return;
    const nonce = await this.safe.nonce();
    const fund = this.chains.find((c) => c.dvp)!;
    const now = this.now(fund);
    for (const s of pending) {
      if (nonce > s.nonce) {
        const found = await this.safe.executedIn(s.hash, s.block);
        this.journal.append({
          t: "safeDone",
          hash: s.hash,
          outcome: found ? "executed" : "dropped",
          txHash: found?.txHash,
          block: found?.block,
          at: now,
          error: found ? undefined : `nonce ${s.nonce} was used by another Safe transaction`,
        });
        report.actions.push(
          `Safe nonce ${s.nonce} (${s.calls.map((c) => c.action).join(", ")}): ${found ? `executed in block ${found.block}` : "used by another transaction"}`,
        );
      } else if (s.mode === "execute" && now - s.at > this.pendingTimeout) {
        this.journal.append({
          t: "safeDone",
          hash: s.hash,
          outcome: "dropped",
          at: now,
          error: `not mined within ${this.pendingTimeout} s`,
        });
        report.actions.push(`Safe nonce ${s.nonce}: not mined within ${this.pendingTimeout} s, released`);
      } else if (s.mode === "proposal" && s.file) {
        // Written before the crash that lost the file? Write it again (same nonce, same hash).
        if (!fs.existsSync(s.file)) {
          const prepared = await this.safe.prepare(this.callsOf(s.calls), s.nonce);
          if (prepared.hash === s.hash) await this.safe.propose(prepared, s.file);
        }
      }
    }
  }

  private callsOf(calls: SafeCallRecord[]): AgentCall[] {
    return calls.map((c) => {
      const t = this.state.trades.get(c.key)!;
      const chain = this.chain(t.chain)!;
      const id = BigInt(t.id);
      const dvp = chain.dvp!;
      const data =
        c.action === "acknowledge"
          ? dvp.interface.encodeFunctionData("acknowledge", [id])
          : c.action === "confirm"
            ? dvp.interface.encodeFunctionData("confirmPayment", [id, referenceBytes(c.arg!)])
            : dvp.interface.encodeFunctionData("rejectTrade", [id, encodeBytes32String(c.arg!)]);
      return { to: dvp.target as string, data };
    });
  }

  private pendingSafeOf(trade: TradeState): PendingSafe | undefined {
    for (const hash of trade.pendingSafe) {
      const s = this.state.safe.get(hash);
      if (!s || s.done) continue;
      const call = s.calls.find((c) => c.key === trade.key)!;
      return { action: call.action, nonce: s.nonce, mode: s.mode };
    }
    return undefined;
  }

  // ============================================================================================ deciding

  /** Reads what the core needs about a trade and asks it; closes a trade that needs nothing more. */
  private async planTrade(trade: TradeState): Promise<Planned | undefined> {
    const { decision, planned } = await this.decide(trade, true);
    if (decision.stuck && this.lastStuck.get(trade.key) !== decision.stuck) {
      this.log(`STUCK ${trade.key}: ${decision.stuck}`);
    }
    if (decision.stuck) this.lastStuck.set(trade.key, decision.stuck);
    else this.lastStuck.delete(trade.key);
    if (decision.done) {
      const fund = this.chain(trade.chain) ?? this.chains[0];
      this.journal.append({
        t: "closed",
        key: trade.key,
        status: (await this.statusOf(trade)) ?? "done",
        at: this.now(fund),
      });
      return undefined;
    }
    return decision.action ? planned : undefined;
  }

  private async statusOf(trade: TradeState): Promise<string | undefined> {
    if (trade.kind === "offchain") {
      const chain = this.chain(trade.chain)!;
      return DvpStatus[(await chain.dvpTrade(BigInt(trade.id))).status];
    }
    const assetChain = this.chain(trade.detail.assetChain);
    if (assetChain) return AssetStatus[(await assetChain.assetTrade(trade.id)).status];
    const paymentChain = this.chain(trade.detail.paymentChain);
    return paymentChain ? PaymentStatus[(await paymentChain.paymentOf(trade.id)).status] : undefined;
  }

  /**
   * The decision for one trade. `live`: ask the rail (the orchestrator's rounds); otherwise use the journal's last
   * rail state (settlement:status, which must not poll the bank).
   */
  async decide(
    trade: TradeState,
    live: boolean,
  ): Promise<{ decision: Decision<OffChainAction | CrossChainAction>; planned?: Planned; status: string }> {
    if (trade.kind === "offchain") return this.decideOff(trade, live);
    return this.decideCross(trade);
  }

  private async decideOff(trade: TradeState, live: boolean) {
    const chain = this.chain(trade.chain);
    if (!chain?.dvp) throw new Error(`chain ${trade.chain} is not watched`);
    if (!this.clocks.has(chain.name)) this.clocks.set(chain.name, await chain.latest());
    const id = BigInt(trade.id);
    const t = await chain.dvpTrade(id);
    const open = t.status === DvpStatus.SellerCommitted || t.status === DvpStatus.Acknowledged;
    const [releaseRestriction, sellerRestriction] = open
      ? await Promise.all([chain.releaseRestriction(id), chain.sellerRestriction(t.seller)])
      : [0, 0];
    let rail: RailState = trade.rail ?? { kind: "unknown" };
    if (trade.endToEndId && live && this.rail) {
      try {
        rail = await this.rail.status(trade.endToEndId);
      } catch (e) {
        rail = { kind: "unreachable", error: (e as Error).message };
      }
      if (rail.kind !== "unreachable" && !sameRail(trade.rail, rail)) {
        this.journal.append({ t: "rail", key: trade.key, state: rail, at: this.now(chain) });
      }
    } else if (!trade.endToEndId) {
      rail = { kind: "unknown" };
    }
    const snapshot: OffChainSnapshot = {
      now: this.now(chain),
      trade: { status: t.status, deadline: t.deadline },
      releaseRestriction,
      sellerRestriction,
      instructed: trade.endToEndId !== undefined,
      returnRequested: trade.returnRequested,
      rail,
      pendingSafe: this.pendingSafeOf(trade),
    };
    const decision = decideOffChain(snapshot, this.policy);
    const planned: Planned | undefined = decision.action
      ? {
          trade,
          chain,
          kind: "offchain",
          id,
          action: decision.action,
          price: t.price,
          currency: t.currency,
          seller: t.seller,
          buyer: t.buyer,
        }
      : undefined;
    return { decision, planned, status: DvpStatus[t.status] };
  }

  private async decideCross(trade: TradeState) {
    const d = trade.detail;
    let assetChain = this.chain(d.assetChain);
    let paymentChain = this.chain(d.paymentChain);
    const a = assetChain ? await assetChain.assetTrade(trade.id) : undefined;
    if (a && !paymentChain) paymentChain = this.chainBySelector(a.paymentChainSelector, "payment");
    const p = paymentChain ? await paymentChain.paymentOf(trade.id) : undefined;
    if (p && p.status !== PaymentStatus.None && !assetChain) {
      assetChain = this.chainBySelector(p.assetChainSelector, "asset");
    }
    const a2 = a ?? (assetChain ? await assetChain.assetTrade(trade.id) : undefined);
    for (const c of [assetChain, paymentChain]) {
      if (c && !this.clocks.has(c.name)) this.clocks.set(c.name, await c.latest());
    }
    const now = assetChain ? this.now(assetChain) : this.now(paymentChain!);
    const paymentNow = paymentChain ? this.now(paymentChain) : now;
    const snapshot: CrossChainSnapshot = {
      now,
      paymentNow,
      asset: a2
        ? { status: a2.status, paymentDeadline: a2.paymentDeadline, refundableAt: a2.refundableAt }
        : undefined,
      payment: p ? { status: p.status, deadline: p.deadline } : undefined,
    };
    if (d.lockId) {
      snapshot.lock = {
        id: d.lockId,
        kind: MessageKind.LOCK,
        sentAt: Number(d.lockSentAt),
        processed: paymentChain ? await paymentChain.isProcessed("payment", d.lockId) : undefined,
      };
    }
    if (d.decisionId) {
      snapshot.decision = {
        id: d.decisionId,
        kind: Number(d.decisionKind) as MessageKind,
        sentAt: Number(d.decisionSentAt),
        processed: assetChain ? await assetChain.isProcessed("asset", d.decisionId) : undefined,
      };
    }
    if (
      a2 &&
      assetChain &&
      (a2.status === AssetStatus.ReleasePending || a2.status === AssetStatus.RefundPending)
    ) {
      snapshot.completeCheck = await assetChain.check(assetChain.asset!, "complete", [trade.id]);
    }
    if (p && paymentChain && p.status === PaymentStatus.Funded && paymentNow <= p.deadline) {
      const fee = await paymentChain.decisionFee(p.assetChainSelector, MessageKind.CONFIRM);
      snapshot.executeCheck = await paymentChain.check(
        paymentChain.payment!,
        "executePayment",
        [trade.id],
        fee,
      );
    }
    const decision = decideCrossChain(snapshot, this.policy);
    const planned: Planned | undefined = decision.action
      ? {
          trade,
          kind: "crosschain",
          id: trade.id,
          action: decision.action,
          assetChain,
          paymentChain,
          assetChainSelector: p?.assetChainSelector,
        }
      : undefined;
    const status = [a2 ? AssetStatus[a2.status] : "?", p ? PaymentStatus[p.status] : "?"].join(" / ");
    return { decision, planned, status };
  }

  // ============================================================================================ acting

  private async act(planned: Planned[], report: RoundReport): Promise<void> {
    const railActions = planned.filter(
      (p) => p.kind === "offchain" && (p.action.kind === "instruct" || p.action.kind === "cancelPayment"),
    ) as Extract<Planned, { kind: "offchain" }>[];
    const safeActions = planned.filter(
      (p) =>
        p.kind === "offchain" &&
        (p.action.kind === "acknowledge" || p.action.kind === "confirm" || p.action.kind === "reject"),
    ) as Extract<Planned, { kind: "offchain" }>[];
    const ownActions = planned.filter(
      (p) => !railActions.includes(p as never) && !safeActions.includes(p as never),
    );
    await Promise.all([
      mapLimit(railActions, this.railConcurrency, (p) => this.railAction(p, report)),
      (async () => {
        await this.safeActions(safeActions, report);
        for (const p of ownActions) await this.ownAction(p, report);
      })(),
    ]);
  }

  private async railAction(p: Extract<Planned, { kind: "offchain" }>, report: RoundReport): Promise<void> {
    if (!this.rail) {
      report.errors.push(`${p.trade.key}: no payment rail configured`);
      return;
    }
    const now = this.now(p.chain);
    const e2e =
      p.trade.endToEndId ?? endToEndIdOf(await p.chain.getChainId(), p.chain.dvp!.target as string, p.id);
    let state: RailState;
    try {
      if (p.action.kind === "instruct") {
        this.journal.append({ t: "instruct", key: p.trade.key, endToEndId: e2e, at: now });
        state = await this.rail.instruct({
          endToEndId: e2e,
          idempotencyKey: e2e,
          amountMinor: p.price,
          currency: p.currency,
          buyer: p.buyer,
          seller: p.seller,
          remittance: `DvP trade ${p.id} (${p.chain.name}, DvPSettlement ${p.chain.dvp!.target})`,
        });
        report.actions.push(`${p.trade.key}: payment ${e2e} instructed: ${railText(state)}`);
      } else {
        const reason = (p.action as { reason: string }).reason;
        this.journal.append({ t: "return", key: p.trade.key, reason, at: now });
        state = await this.rail.cancelOrReturn(e2e, reason);
        report.actions.push(`${p.trade.key}: cancellation or return of ${e2e} requested: ${railText(state)}`);
      }
    } catch (e) {
      const msg = (e as Error).message;
      report.errors.push(
        `${p.trade.key}: rail ${p.action.kind} ${e instanceof RailUnavailableError ? "unavailable" : "failed"}: ${msg}`,
      );
      return;
    }
    if (state.kind !== "unreachable" && !sameRail(this.state.trades.get(p.trade.key)!.rail, state)) {
      this.journal.append({ t: "rail", key: p.trade.key, state, at: now });
    }
  }

  private async safeActions(
    list: Extract<Planned, { kind: "offchain" }>[],
    report: RoundReport,
  ): Promise<void> {
    if (list.length === 0) return;
    if (!this.safe) {
      report.errors.push(`no settlement agent Safe configured for ${list.length} call(s)`);
      return;
    }
    const fund = list[0].chain;
    const provider = fund.provider;
    const safeAddress = this.safe.address;
    // Only calls that would go through now (each simulated from the Safe): one refused call must not sink a batch.
    const ready: { p: Extract<Planned, { kind: "offchain" }>; call: AgentCall; record: SafeCallRecord }[] =
      [];
    // Simulated in parallel (a round may hold tens of calls), kept in the order of `list`.
    const checked = await mapLimit(list, 16, async (p) => {
      const record: SafeCallRecord = {
        key: p.trade.key,
        action: p.action.kind as SafeCallRecord["action"],
        arg:
          p.action.kind === "confirm"
            ? p.action.reference
            : p.action.kind === "reject"
              ? p.action.reason
              : undefined,
      };
      const [call] = this.callsOf([record]);
      try {
        await provider.call({ from: safeAddress, to: call.to, data: call.data });
        return { p, call, record };
      } catch (e) {
        report.errors.push(`${p.trade.key}: ${record.action} would revert: ${revertName(e)}`);
        return undefined;
      }
    });
    for (const c of checked) if (c) ready.push(c);
    if (ready.length === 0) return;
    const mode = await this.safe.mode();
    const perTx = this.safe.batches && !this.unbatch ? this.maxBatch : 1;
    this.unbatch = false;
    const groups: (typeof ready)[] = [];
    for (let i = 0; i < ready.length; i += perTx) groups.push(ready.slice(i, i + perTx));
    const head = this.clocks.get(fund.name)!;
    if (mode === "proposal") {
      let nonce = await this.safe.nonce();
      for (const s of this.state.safe.values())
        if (!s.done && s.mode === "proposal") nonce = Math.max(nonce, s.nonce + 1);
      for (const g of groups) {
        const prepared = await this.safe.prepare(
          g.map((x) => x.call),
          nonce,
        );
        const label = g.length === 1 ? `${g[0].record.action}-${g[0].p.id}` : `batch-${g.length}`;
        const file = this.safe.proposalFile(prepared, label);
        this.journal.append({
          t: "safe",
          hash: prepared.hash,
          safe: safeAddress,
          nonce,
          mode: "proposal",
          calls: g.map((x) => x.record),
          at: head.timestamp,
          block: head.number,
          file,
        });
        await this.safe.propose(prepared, file);
        report.actions.push(
          `proposal for the Safe owners written: ${file} (nonce ${nonce}: ${g.map((x) => `${x.record.action} ${x.p.id}`).join(", ")})`,
        );
        nonce += 1;
      }
      return;
    }
    for (const g of groups) {
      const nonce = await this.safe.nonce();
      const prepared = await this.safe.prepare(
        g.map((x) => x.call),
        nonce,
      );
      this.journal.append({
        t: "safe",
        hash: prepared.hash,
        safe: safeAddress,
        nonce,
        mode: "execute",
        calls: g.map((x) => x.record),
        at: head.timestamp,
        block: head.number,
      });
      const what = g.map((x) => `${x.record.action} ${x.p.id}`).join(", ");
      try {
        const { receipt, safeTxHash } = await this.safe.execute(prepared);
        const block = await provider.getBlock(receipt.blockNumber);
        this.journal.append({
          t: "safeDone",
          hash: prepared.hash,
          outcome: "executed",
          txHash: receipt.hash,
          block: receipt.blockNumber,
          at: block?.timestamp ?? head.timestamp,
        });
        if (safeTxHash !== prepared.hash) {
          report.errors.push(`Safe nonce ${nonce}: executed ${safeTxHash}, prepared ${prepared.hash}`);
        }
        report.actions.push(`Safe nonce ${nonce} executed in block ${receipt.blockNumber}: ${what}`);
        for (const x of g)
          this.onTransaction?.(
            `${x.record.action} (settlement agent Safe${g.length > 1 ? `, batch of ${g.length}` : ""})`,
            receipt,
          );
      } catch (e) {
        const msg = revertName(e);
        const after = await this.safe.nonce().catch(() => nonce);
        if (after > nonce) {
          // Mined after all (the wait failed): the next round's resolution reads its events.
          report.errors.push(`Safe nonce ${nonce} (${what}): ${msg}; the nonce moved, resolving next round`);
        } else if (/no result within|ECONNREFUSED|socket|network|timeout/i.test(msg)) {
          report.errors.push(`Safe nonce ${nonce} (${what}): outcome unknown (${msg}); kept pending`);
        } else {
          this.journal.append({
            t: "safeDone",
            hash: prepared.hash,
            outcome: "failed",
            at: head.timestamp,
            error: msg,
          });
          report.errors.push(`Safe nonce ${nonce} (${what}) failed: ${msg}`);
          if (g.length > 1) this.unbatch = true;
        }
        return;
      }
    }
  }

  private async ownAction(p: Planned, report: RoundReport): Promise<void> {
    let chain: ChainAdapter | undefined;
    let contract: Contract | undefined;
    let fn: string;
    let args: unknown[];
    let value = 0n;
    if (p.kind === "offchain") {
      chain = p.chain;
      contract = chain.dvp;
      fn = "refund";
      args = [p.id];
    } else {
      const a = p.action.kind;
      if (a === "complete" || a === "refundExpired") {
        chain = p.assetChain;
        contract = chain?.asset;
      } else {
        chain = p.paymentChain;
        contract = chain?.payment;
        if (chain && p.assetChainSelector !== undefined) {
          value = await chain.decisionFee(
            p.assetChainSelector,
            a === "cancel" ? MessageKind.CANCEL : MessageKind.CONFIRM,
          );
        }
      }
      fn = a;
      args = [p.id];
    }
    if (!chain || !contract) {
      report.errors.push(`${p.trade.key}: ${fn} needs a chain that is not watched`);
      return;
    }
    const now = this.now(chain);
    const check = await chain.check(contract, fn, args, value);
    if (!check.ok) {
      report.errors.push(`${p.trade.key}: ${fn} would revert: ${check.error}`);
      return;
    }
    this.journal.append({ t: "tx", key: p.trade.key, action: fn, at: now });
    try {
      const receipt = await chain.send(contract, fn, args, value);
      this.journal.append({
        t: "txDone",
        key: p.trade.key,
        action: fn,
        outcome: "mined",
        txHash: receipt.hash,
        at: now,
      });
      this.onTransaction?.(`${fn} (orchestrator)`, receipt);
      report.actions.push(`${p.trade.key}: ${fn} mined in block ${receipt.blockNumber}`);
    } catch (e) {
      const msg = revertName(e);
      this.journal.append({
        t: "txDone",
        key: p.trade.key,
        action: fn,
        outcome: "failed",
        at: now,
        error: msg,
      });
      report.errors.push(`${p.trade.key}: ${fn} failed: ${msg}`);
    }
  }

  // ============================================================================================ inspection

  /** Every trade of the journal with the core's decision now (rail state from the journal; nothing is sent). */
  async inspect(includeClosed = false): Promise<TradeDecision[]> {
    for (const chain of this.chains) this.clocks.set(chain.name, await chain.latest());
    const out: TradeDecision[] = [];
    for (const trade of this.state.trades.values()) {
      if (trade.closed && !includeClosed) continue;
      if (trade.closed) {
        out.push({ trade, decision: { waiting: "", done: true }, status: trade.closed.status });
        continue;
      }
      const { decision, status } = await this.decide(trade, false);
      out.push({ trade, decision, status });
    }
    return out;
  }
}
