/**
 * The queue of Safe transactions waiting for their owners' signatures: one proposal file per Safe transaction in
 * `proposals/<network>/`, named `<role>-nonce<N>-<action>-<first 8 hex digits of its safeTxHash>.json` (two
 * proposals can share a nonce, never a name), with its Safe{Wallet} Transaction Builder file beside it.
 *
 * - A new proposal takes the nonce after the last one still pending for its Safe (files, and the Transaction
 *   Service's queue when one is configured), so consecutive runs never reuse a nonce.
 * - A proposal given an explicit nonce that already has pending proposals replaces them: they are marked
 *   `supersededBy` the new one and no longer counted as pending (a rejection is such a replacement).
 * - A proposal is pending while its nonce is not used yet on chain, it was written for this chain (same chain id and
 *   block 0: a restarted local node is another chain) and nothing superseded it.
 *
 * Writers take a lock file beside the proposal, so owners signing the same file at once lose no signature.
 */
import * as fs from "fs";
import * as path from "path";
import { getAddress } from "ethers";
import { readProposal, writeJson, type SafeProposal } from "./safe";

/** A proposal file and what it holds. */
export interface QueueEntry {
  file: string;
  proposal: SafeProposal;
}

/** Why a proposal is not pending (or "pending"). */
export type EntryStatus = "pending" | "superseded" | "nonce used" | "other chain";

/** The folder holding the proposals of `network`. */
export function queueDir(baseDir: string, network: string): string {
  return path.join(baseDir, network);
}

/** File name of a proposal: never the same for two different Safe transactions. */
export function proposalFileName(p: Pick<SafeProposal, "role" | "nonce" | "action" | "safeTxHash">): string {
  const role = p.role ?? "safe";
  const action = p.action ?? "call";
  return `${role}-nonce${p.nonce}-${action}-${p.safeTxHash.slice(2, 10)}.json`;
}

/** The Transaction Builder file written beside a proposal. */
export function txBuilderFileOf(file: string): string {
  return file.replace(/\.json$/, ".tx-builder.json");
}

/** Every proposal file in `dir` (Transaction Builder files and files that are not proposals are skipped). */
export function listProposals(dir: string): QueueEntry[] {
  if (!fs.existsSync(dir)) return [];
  const out: QueueEntry[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    if (!name.endsWith(".json") || name.endsWith(".tx-builder.json")) continue;
    const file = path.join(dir, name);
    try {
      const proposal = readProposal(file);
      if (typeof proposal.safe === "string" && typeof proposal.safeTxHash === "string")
        out.push({ file, proposal });
    } catch {
      // not a proposal (or being written): ignored
    }
  }
  return out;
}

/** What the queue needs to know about the chain and the Safe. */
export interface ChainView {
  safe: string;
  chainId: bigint;
  /** The Safe's next nonce on chain. */
  nonce: bigint;
  /** Hash of the chain's block 0 (undefined when unknown). */
  genesis?: string;
}

/** The status of a proposal for the Safe and chain of `view`. */
export function entryStatus(p: SafeProposal, view: ChainView): EntryStatus {
  if (p.chainId !== view.chainId.toString()) return "other chain";
  if (p.chainGenesis && view.genesis && p.chainGenesis !== view.genesis) return "other chain";
  if (BigInt(p.nonce) < view.nonce) return "nonce used";
  if (p.supersededBy) return "superseded";
  return "pending";
}

/** The proposals of the Safe of `view`, each with its status, in nonce order (then file name). */
export function proposalsOf(
  entries: QueueEntry[],
  view: ChainView,
): (QueueEntry & { status: EntryStatus })[] {
  const safe = getAddress(view.safe);
  return entries
    .filter((e) => getAddress(e.proposal.safe) === safe)
    .map((e) => ({ ...e, status: entryStatus(e.proposal, view) }))
    .sort((a, b) => {
      const d = BigInt(a.proposal.nonce) - BigInt(b.proposal.nonce);
      return d < 0n ? -1 : d > 0n ? 1 : a.file.localeCompare(b.file);
    });
}

/** The nonce a new proposal takes: after the Safe's on-chain nonce and after every pending nonce (files, service). */
export function nextNonce(entries: QueueEntry[], view: ChainView, servicePending: bigint[] = []): bigint {
  let next = view.nonce;
  for (const e of proposalsOf(entries, view)) {
    if (e.status === "pending" && BigInt(e.proposal.nonce) >= next) next = BigInt(e.proposal.nonce) + 1n;
  }
  for (const n of servicePending) if (n >= next) next = n + 1n;
  return next;
}

/** Runs `body` holding `<file>.lock` (created exclusively; waits up to `timeoutMs` for another holder). */
export async function withFileLock<T>(
  file: string,
  body: () => Promise<T> | T,
  timeoutMs = 10_000,
): Promise<T> {
  const lock = `${file}.lock`;
  fs.mkdirSync(path.dirname(path.resolve(lock)), { recursive: true });
  const start = Date.now();
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = fs.openSync(lock, "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (Date.now() - start > timeoutMs) {
        throw new Error(`${lock} is held by another process (remove it if no task is running)`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  try {
    return await body();
  } finally {
    fs.closeSync(fd);
    fs.rmSync(lock, { force: true });
  }
}

/** Re-reads a proposal file under its lock, lets `mutate` change it, and writes it back. */
export async function updateProposalFile(
  file: string,
  mutate: (p: SafeProposal) => void | Promise<void>,
): Promise<SafeProposal> {
  return withFileLock(file, async () => {
    const p = readProposal(file);
    await mutate(p);
    writeJson(file, p);
    return p;
  });
}

/**
 * Writes a new proposal into the queue folder `dir`. A file already holding the same Safe transaction is kept as it
 * is (with its signatures): the result says `existed`.
 */
export function writeProposal(
  dir: string,
  proposal: SafeProposal,
  txBuilder?: unknown,
): { file: string; txBuilderFile?: string; existed: boolean } {
  let file = path.join(dir, proposalFileName(proposal));
  if (fs.existsSync(file)) {
    const existing = readProposal(file);
    if (existing.safeTxHash === proposal.safeTxHash) {
      return { file, txBuilderFile: txBuilder ? txBuilderFileOf(file) : undefined, existed: true };
    }
    // Two Safe transactions whose hashes start alike: the full hash keeps the names apart.
    file = file.replace(/-[0-9a-f]{8}\.json$/, `-${proposal.safeTxHash.slice(2)}.json`);
  }
  writeJson(file, proposal);
  const txBuilderFile = txBuilder ? txBuilderFileOf(file) : undefined;
  if (txBuilderFile) writeJson(txBuilderFile, txBuilder);
  return { file, txBuilderFile, existed: false };
}

/** Marks every other pending proposal of the Safe at `nonce` as superseded by `hash`; returns their files. */
export async function supersede(
  entries: QueueEntry[],
  view: ChainView,
  nonce: bigint,
  hash: string,
): Promise<string[]> {
  const replaced: string[] = [];
  for (const e of proposalsOf(entries, view)) {
    if (e.status !== "pending" || BigInt(e.proposal.nonce) !== nonce || e.proposal.safeTxHash === hash)
      continue;
    await updateProposalFile(e.file, (p) => {
      p.supersededBy = hash;
    });
    replaced.push(e.file);
  }
  return replaced;
}
