/**
 * What `settlement:status` shows: every trade by state, what the orchestrator waits for, and what is stuck, from
 * the chain and the orchestrator's journal (read, never written: the orchestrator may be running). The rail is
 * not asked: a trade's payment state is the last one the journal recorded.
 */
import { AbiCoder, JsonRpcProvider, keccak256 } from "ethers";
import { AssetStatus, DvpStatus } from "./core";
import { ChainAdapter } from "./adapters/chain";
import { ReadOnlyJournal, railText } from "./journal";
import { Orchestrator, crossChainKey, offChainKey } from "./orchestrator";
import type { OrchestratorConfig } from "./service";

export interface StatusRow {
  key: string;
  kind: "offchain" | "crosschain";
  id: string;
  status: string;
  /** What the orchestrator waits for ("" when the trade is done). */
  waiting: string;
  stuck?: string;
  done: boolean;
  /** The last payment state the journal recorded. */
  rail?: string;
  /** Not in the journal yet: the orchestrator has not scanned its block. */
  unseen?: boolean;
  /** The latest step of its timeline. */
  last?: string;
}

export interface SettlementStatus {
  journal: string;
  cursors: { chain: string; cursor?: number; latest: number }[];
  rows: StatusRow[];
  pendingSafe: { nonce: number; mode: string; calls: string; file?: string }[];
}

const coder = AbiCoder.defaultAbiCoder();

/** Reads the chain and the journal of `config`. `all`: include finished trades. */
export async function settlementStatus(
  config: OrchestratorConfig,
  options: { all?: boolean; scanLast?: number } = {},
): Promise<SettlementStatus> {
  const providers = config.chains.map(
    (c) => new JsonRpcProvider(c.rpcUrl, c.chainId, { staticNetwork: true, batchMaxCount: 100 }),
  );
  try {
    const chains = config.chains.map(
      (c, i) =>
        new ChainAdapter({
          name: c.name,
          provider: providers[i],
          ccipSelector: c.ccipSelector ? BigInt(c.ccipSelector) : undefined,
          dvp: c.dvp,
          assetEscrow: c.assetEscrow,
          paymentEscrow: c.paymentEscrow,
          startBlock: c.startBlock,
        }),
    );
    const journal = new ReadOnlyJournal(config.journal);
    const orchestrator = new Orchestrator({ journal, chains, policy: config.policy });
    const rows: StatusRow[] = (await orchestrator.inspect(options.all ?? false)).map(
      ({ trade, decision, status }) => ({
        key: trade.key,
        kind: trade.kind,
        id: trade.id,
        status,
        waiting: decision.waiting,
        stuck: decision.stuck,
        done: decision.done,
        rail: trade.rail ? railText(trade.rail) : undefined,
        last: trade.timeline.at(-1)?.what,
      }),
    );
    const known = new Set(journal.state.trades.keys());
    const cursors: SettlementStatus["cursors"] = [];
    const scanLast = options.scanLast ?? 1_000;
    for (const chain of chains) {
      const latest = await chain.latest();
      cursors.push({ chain: chain.name, cursor: journal.state.cursors[chain.name], latest: latest.number });
      if (chain.dvp) {
        const count = Number(await chain.dvp.tradeCount());
        for (let id = Math.max(1, count - scanLast + 1); id <= count; id++) {
          const key = offChainKey(chain.name, String(id));
          if (known.has(key)) continue;
          const t = await chain.dvpTrade(BigInt(id));
          if (t.mode !== 1) continue;
          const open = t.status === DvpStatus.SellerCommitted || t.status === DvpStatus.Acknowledged;
          if (!open && !options.all) continue;
          rows.push({
            key,
            kind: "offchain",
            id: String(id),
            status: DvpStatus[t.status],
            waiting: open ? "the orchestrator to see the trade (its block is past the journal's cursor)" : "",
            done: !open,
            unseen: true,
          });
        }
      }
      if (chain.asset) {
        const count = Number(await chain.asset.tradeCount());
        const chainId = await chain.getChainId();
        for (let n = Math.max(1, count - scanLast + 1); n <= count; n++) {
          const id = keccak256(
            coder.encode(["uint256", "address", "uint256"], [chainId, chain.asset.target, n]),
          );
          const key = crossChainKey(id);
          if (known.has(key)) continue;
          const t = await chain.assetTrade(id);
          const open = t.status !== AssetStatus.Released && t.status !== AssetStatus.Refunded;
          if (!open && !options.all) continue;
          rows.push({
            key,
            kind: "crosschain",
            id,
            status: AssetStatus[t.status],
            waiting: open ? "the orchestrator to see the trade (its block is past the journal's cursor)" : "",
            done: !open,
            unseen: true,
          });
        }
      }
    }
    const pendingSafe = [...journal.state.safe.values()]
      .filter((s) => !s.done)
      .map((s) => ({
        nonce: s.nonce,
        mode: s.mode,
        calls: s.calls.map((c) => `${c.action} ${c.key}`).join(", "),
        file: s.file,
      }));
    return { journal: config.journal, cursors, rows, pendingSafe };
  } finally {
    for (const p of providers) p.destroy();
  }
}

/** The status as lines of text: open trades grouped by state, stuck ones, pending Safe transactions. */
export function formatStatus(s: SettlementStatus): string[] {
  const lines: string[] = [];
  lines.push(`journal ${s.journal}`);
  for (const c of s.cursors) {
    lines.push(
      `  ${c.chain}: scanned to block ${c.cursor ?? "(none yet)"} of ${c.latest}` +
        (c.cursor !== undefined && c.latest - c.cursor > 0 ? ` (${c.latest - c.cursor} behind)` : ""),
    );
  }
  const open = s.rows.filter((r) => !r.done);
  const done = s.rows.filter((r) => r.done);
  const byStatus = new Map<string, StatusRow[]>();
  for (const r of open) byStatus.set(r.status, [...(byStatus.get(r.status) ?? []), r]);
  lines.push(`open trades: ${open.length}`);
  for (const [status, rows] of byStatus) {
    lines.push(`  ${status} (${rows.length})`);
    for (const r of rows) {
      lines.push(
        `    ${r.key}${r.unseen ? " [not in the journal yet]" : ""}: waits for ${r.waiting}${r.rail ? `; rail: ${r.rail}` : ""}`,
      );
    }
  }
  const stuck = s.rows.filter((r) => r.stuck);
  lines.push(`stuck: ${stuck.length}`);
  for (const r of stuck) lines.push(`  ${r.key} (${r.status}): ${r.stuck}`);
  lines.push(`Safe transactions pending: ${s.pendingSafe.length}`);
  for (const p of s.pendingSafe) {
    lines.push(`  nonce ${p.nonce} (${p.mode}): ${p.calls}${p.file ? `; proposal ${p.file}` : ""}`);
  }
  if (done.length > 0) {
    const counts = new Map<string, number>();
    for (const r of done) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
    lines.push(`done: ${done.length} (${[...counts].map(([k, n]) => `${k} ${n}`).join(", ")})`);
    for (const r of done)
      lines.push(
        `  ${r.key}: ${r.status}${r.rail ? `; rail: ${r.rail}` : ""}${r.last ? `; last: ${r.last}` : ""}`,
      );
  }
  return lines;
}
