/**
 * The orchestrator's journal: an append-only file of JSON lines, one record per line, each written with one
 * `write` and made durable with `fsync` before the side effect it announces (a payment instruction, a Safe
 * transaction, a transaction of the orchestrator's account). What the orchestrator decides is derived from the
 * chain and the rail; the journal adds only what neither can say: the block cursor of each watched chain, which
 * payments were instructed (with their idempotency keys), which Safe transactions were submitted or proposed,
 * and the trade timelines shown by `settlement:status` and the demo.
 *
 * Why a file and not an embedded database: every record must be durable before the next side effect, which one
 * fsynced append gives; the records are few (tens per trade) and read once at start; an operator can read and
 * copy the file with any tool. The embedded stores on npm were checked (docs/SETTLEMENT.md, "Journal").
 *
 * A crash can tear only the last line (one write per record): opening the journal drops a last line that does
 * not parse, and truncates the file there. One process at a time: a lock file holds the owner's pid, and a lock
 * whose process is gone (a killed orchestrator) is taken over.
 */
import * as fs from "fs";
import * as path from "path";
import type { RailState } from "./core/types";

/** A step of a trade's life, for its timeline (chain time of the block, or of the round that saw it). */
export interface TimelineEntry {
  at: number;
  what: string;
}

/** One call the settlement agent's Safe makes for a trade. */
export interface SafeCallRecord {
  key: string;
  action: "acknowledge" | "confirm" | "reject";
  /** confirm: the payment reference; reject: the reason. */
  arg?: string;
}

export type JournalRecord =
  /** Every block up to `block` of `chain` was scanned and its trades recorded. */
  | { t: "cursor"; chain: string; block: number }
  /** A trade seen for the first time (from its opening event). */
  | {
      t: "trade";
      key: string;
      kind: "offchain" | "crosschain";
      chain: string;
      id: string;
      block: number;
      at: number;
      detail?: Record<string, string>;
    }
  /** About to instruct the payment (written before the rail is called). */
  | { t: "instruct"; key: string; endToEndId: string; at: number }
  /** The rail reported a new state of the trade's payment. */
  | { t: "rail"; key: string; state: RailState; at: number }
  /** About to ask the rail to cancel or return the payment (written before the rail is called). */
  | { t: "return"; key: string; reason: string; at: number }
  /** About to execute (or propose) a Safe transaction (written before it is signed and sent). */
  | {
      t: "safe";
      hash: string;
      safe: string;
      nonce: number;
      mode: "execute" | "proposal";
      calls: SafeCallRecord[];
      at: number;
      block: number;
      file?: string;
    }
  /** What became of a Safe transaction. */
  | {
      t: "safeDone";
      hash: string;
      outcome: "executed" | "failed" | "dropped";
      txHash?: string;
      block?: number;
      at: number;
      error?: string;
    }
  /** About to send a transaction from the orchestrator's own account (refund, cancel, complete, ...). */
  | { t: "tx"; key: string; action: string; at: number }
  /** What became of it. */
  | {
      t: "txDone";
      key: string;
      action: string;
      outcome: "mined" | "failed";
      txHash?: string;
      at: number;
      error?: string;
    }
  /** Facts about the trade learned later (CCIP message ids, the chains of its escrows). */
  | { t: "detail"; key: string; detail: Record<string, string> }
  /** An event of the trade on chain (timeline). */
  | { t: "event"; key: string; what: string; at: number; block: number }
  /** The trade needs nothing more. */
  | { t: "closed"; key: string; status: string; at: number }
  /** Compaction: the whole state at once (first line of a compacted journal). */
  | { t: "snapshot"; state: SerializedState };

export interface TradeState {
  key: string;
  kind: "offchain" | "crosschain";
  chain: string;
  id: string;
  seenBlock: number;
  seenAt: number;
  detail: Record<string, string>;
  /** The payment's end-to-end id (the idempotency key), once an instruction was written. */
  endToEndId?: string;
  instructions: number;
  rail?: RailState;
  returnRequested: boolean;
  /** Hashes of Safe transactions for this trade not resolved yet. */
  pendingSafe: string[];
  /** Own-account transactions written and not resolved. */
  pendingTx?: { action: string; at: number };
  closed?: { status: string; at: number };
  timeline: TimelineEntry[];
}

export interface SafeState {
  hash: string;
  safe: string;
  nonce: number;
  mode: "execute" | "proposal";
  calls: SafeCallRecord[];
  at: number;
  block: number;
  file?: string;
  done?: {
    outcome: "executed" | "failed" | "dropped";
    txHash?: string;
    block?: number;
    at: number;
    error?: string;
  };
}

export interface JournalState {
  cursors: Record<string, number>;
  trades: Map<string, TradeState>;
  safe: Map<string, SafeState>;
}

interface SerializedState {
  cursors: Record<string, number>;
  trades: TradeState[];
  safe: SafeState[];
}

export function emptyState(): JournalState {
  return { cursors: {}, trades: new Map(), safe: new Map() };
}

/** Applies one record to the state (the journal's only interpretation of its records). */
export function apply(state: JournalState, r: JournalRecord): void {
  const trade = (key: string) => state.trades.get(key);
  switch (r.t) {
    case "cursor":
      state.cursors[r.chain] = Math.max(state.cursors[r.chain] ?? -1, r.block);
      return;
    case "trade":
      if (!state.trades.has(r.key)) {
        state.trades.set(r.key, {
          key: r.key,
          kind: r.kind,
          chain: r.chain,
          id: r.id,
          seenBlock: r.block,
          seenAt: r.at,
          detail: r.detail ?? {},
          instructions: 0,
          returnRequested: false,
          pendingSafe: [],
          timeline: [],
        });
      }
      return;
    case "instruct": {
      const t = trade(r.key);
      if (!t) return;
      t.endToEndId = r.endToEndId;
      t.instructions += 1;
      t.timeline.push({ at: r.at, what: `payment instructed on the rail (end-to-end id ${r.endToEndId})` });
      return;
    }
    case "rail": {
      const t = trade(r.key);
      if (!t) return;
      t.rail = r.state;
      t.timeline.push({ at: r.at, what: `rail: payment ${railText(r.state)}` });
      return;
    }
    case "return": {
      const t = trade(r.key);
      if (!t) return;
      t.returnRequested = true;
      t.timeline.push({ at: r.at, what: `rail: cancellation or return requested (${r.reason})` });
      return;
    }
    case "safe": {
      state.safe.set(r.hash, {
        hash: r.hash,
        safe: r.safe,
        nonce: r.nonce,
        mode: r.mode,
        calls: r.calls,
        at: r.at,
        block: r.block,
        file: r.file,
      });
      for (const c of r.calls) {
        const t = trade(c.key);
        if (!t) continue;
        if (!t.pendingSafe.includes(r.hash)) t.pendingSafe.push(r.hash);
        t.timeline.push({
          at: r.at,
          what:
            r.mode === "proposal"
              ? `${c.action} proposed to the Safe owners (nonce ${r.nonce}${r.file ? `, ${path.basename(r.file)}` : ""})`
              : `${c.action} sent through the settlement agent's Safe (nonce ${r.nonce})`,
        });
      }
      return;
    }
    case "safeDone": {
      const s = state.safe.get(r.hash);
      if (!s) return;
      s.done = { outcome: r.outcome, txHash: r.txHash, block: r.block, at: r.at, error: r.error };
      for (const c of s.calls) {
        const t = trade(c.key);
        if (!t) continue;
        t.pendingSafe = t.pendingSafe.filter((h) => h !== r.hash);
        if (r.outcome !== "executed") {
          t.timeline.push({
            at: r.at,
            what: `${c.action}: Safe transaction ${r.outcome}${r.error ? ` (${r.error})` : ""}`,
          });
        }
      }
      return;
    }
    case "tx": {
      const t = trade(r.key);
      if (!t) return;
      t.pendingTx = { action: r.action, at: r.at };
      return;
    }
    case "txDone": {
      const t = trade(r.key);
      if (!t) return;
      t.pendingTx = undefined;
      t.timeline.push({
        at: r.at,
        what: `${r.action} ${r.outcome === "mined" ? "sent by the orchestrator" : `failed (${r.error ?? "reverted"})`}`,
      });
      return;
    }
    case "detail": {
      const t = trade(r.key);
      if (!t) return;
      t.detail = { ...t.detail, ...r.detail };
      return;
    }
    case "event": {
      const t = trade(r.key);
      if (!t) return;
      t.timeline.push({ at: r.at, what: r.what });
      return;
    }
    case "closed": {
      const t = trade(r.key);
      if (!t) return;
      t.closed = { status: r.status, at: r.at };
      return;
    }
    case "snapshot":
      state.cursors = { ...r.state.cursors };
      state.trades = new Map(r.state.trades.map((t) => [t.key, t]));
      state.safe = new Map(r.state.safe.map((s) => [s.hash, s]));
      return;
  }
}

export function railText(s: RailState): string {
  switch (s.kind) {
    case "settled":
      return `settled (${s.reference})`;
    case "returned":
      return `returned (${s.reference})`;
    case "rejected":
      return `rejected (${s.reason})`;
    case "pending":
      return `accepted, ${s.status}`;
    case "unreachable":
      return `unreachable (${s.error})`;
    default:
      return s.kind;
  }
}

/** Parses the journal's lines; a last line that does not parse (torn by a crash) is reported, not applied. */
export function parseJournal(text: string): { records: JournalRecord[]; goodLength: number; torn: boolean } {
  const records: JournalRecord[] = [];
  let offset = 0;
  let torn = false;
  while (offset < text.length) {
    const end = text.indexOf("\n", offset);
    const line = end < 0 ? text.slice(offset) : text.slice(offset, end);
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      if (end >= 0 && text.slice(end + 1).trim() !== "") {
        throw new Error(
          `journal: line at byte ${offset} does not parse and is not the last one: refusing to go on`,
        );
      }
      torn = true;
      break;
    }
    offset = end < 0 ? text.length : end + 1;
  }
  return { records, goodLength: torn ? offset : text.length, torn };
}

/** Reads a journal without opening it for writing (settlement:status). */
export function readJournal(file: string): JournalState {
  const state = emptyState();
  if (!fs.existsSync(file)) return state;
  for (const r of parseJournal(fs.readFileSync(file, "utf8")).records) apply(state, r);
  return state;
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface JournalOptions {
  /** Compact into one snapshot line when the file has more lines than this at opening. Default 20,000. */
  compactAbove?: number;
}

/** What the orchestrator needs of a journal: its state, and appending a record before each side effect. */
export interface JournalLike {
  readonly state: JournalState;
  append(record: JournalRecord): void;
}

/** A journal read from its file and never written (settlement:status reads while the orchestrator runs). */
export class ReadOnlyJournal implements JournalLike {
  readonly state: JournalState;
  constructor(file: string) {
    this.state = readJournal(file);
  }
  append(record: JournalRecord): void {
    throw new Error(`read-only journal: cannot append a ${record.t} record`);
  }
}

/** The journal opened for appending by one orchestrator process. */
export class Journal implements JournalLike {
  readonly state: JournalState = emptyState();
  private fd: number;
  private closed = false;
  /** A torn last line dropped when the journal was opened (a crash in the middle of a write). */
  readonly recoveredTornLine: boolean;

  private constructor(
    readonly file: string,
    private readonly lockFile: string,
    records: JournalRecord[],
    torn: boolean,
  ) {
    for (const r of records) apply(this.state, r);
    this.recoveredTornLine = torn;
    this.fd = fs.openSync(file, "a");
  }

  /** Opens (or creates) the journal at `file`, taking its lock. */
  static open(file: string, options: JournalOptions = {}): Journal {
    const dir = path.dirname(path.resolve(file));
    fs.mkdirSync(dir, { recursive: true });
    const lockFile = `${file}.lock`;
    Journal.lock(lockFile);
    try {
      const existed = fs.existsSync(file);
      const text = existed ? fs.readFileSync(file, "utf8") : "";
      const { records, goodLength, torn } = parseJournal(text);
      if (torn) {
        fs.truncateSync(file, Buffer.byteLength(text.slice(0, goodLength), "utf8"));
      }
      if (!existed) {
        fs.writeFileSync(file, "");
        fsyncDir(dir);
      }
      if (records.length > (options.compactAbove ?? 20_000)) {
        const state = emptyState();
        for (const r of records) apply(state, r);
        Journal.writeSnapshot(file, state);
        return new Journal(file, lockFile, [{ t: "snapshot", state: serialize(state) }], torn);
      }
      return new Journal(file, lockFile, records, torn);
    } catch (e) {
      fs.rmSync(lockFile, { force: true });
      throw e;
    }
  }

  private static lock(lockFile: string): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = fs.openSync(lockFile, "wx");
        fs.writeSync(fd, String(process.pid));
        fs.fsyncSync(fd);
        fs.closeSync(fd);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        const owner = Number(fs.readFileSync(lockFile, "utf8").trim());
        if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && pidAlive(owner)) {
          throw new Error(
            `journal ${lockFile}: in use by process ${owner} (another orchestrator is running)`,
          );
        }
        // The previous owner is gone (killed): take the lock over.
        fs.rmSync(lockFile, { force: true });
      }
    }
    throw new Error(`journal ${lockFile}: could not take the lock`);
  }

  private static writeSnapshot(file: string, state: JournalState): void {
    const tmp = `${file}.compact`;
    const fd = fs.openSync(tmp, "w");
    try {
      fs.writeSync(fd, JSON.stringify({ t: "snapshot", state: serialize(state) }) + "\n");
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    fsyncDir(path.dirname(path.resolve(file)));
  }

  /** Appends one record and makes it durable (fsync) before returning; then applies it to the state. */
  append(record: JournalRecord): void {
    if (this.closed) throw new Error("journal: closed");
    fs.writeSync(this.fd, JSON.stringify(record) + "\n");
    fs.fsyncSync(this.fd);
    apply(this.state, record);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
    fs.rmSync(this.lockFile, { force: true });
  }
}

function serialize(state: JournalState): SerializedState {
  return { cursors: state.cursors, trades: [...state.trades.values()], safe: [...state.safe.values()] };
}
