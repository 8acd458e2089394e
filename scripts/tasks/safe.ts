/**
 * The queue of Safe transactions written for owners who sign elsewhere (lib/safe-queue.ts): list what is
 * pending (`safe:pending`), add an owner's signature (`safe:sign`, from a local key or a signature made elsewhere),
 * send what has its signatures in nonce order (`safe:execute`), and write the on-chain rejection of a nonce
 * (`safe:reject`). With a Transaction Service configured for the network (lib/safe-service.ts), signatures go
 * to it and are read back from it.
 */
import { task, types } from "hardhat/config";
import { Signer, getAddress, isHexString, type TransactionReceipt } from "ethers";
import {
  CallRevertedError,
  addProposalSignature,
  buildProposal,
  buildSafeTx,
  checkProposalHash,
  execProposal,
  readProposal,
  readSafeState,
  safeSdk,
  sdkTxData,
  signatureOwner,
  txBuilderBatch,
  type OwnerSignature,
  type SafeProposal,
  type SafeState,
} from "../../lib/safe";
import {
  entryStatus,
  listProposals,
  nextNonce,
  proposalsOf,
  queueDir,
  supersede,
  updateProposalFile,
  writeProposal,
  type EntryStatus,
  type QueueEntry,
} from "../../lib/safe-queue";
import { ROLE_HOLDERS } from "../../lib/config/types";
import type { HolderRecord } from "../../lib/fund";
import {
  OpsContext,
  TaskInputError,
  TaskRefusedError,
  describeRevert,
  guarded,
  loadOpsContext,
  nameOf,
  namedCall,
  revertDataFrom,
  say,
  verboseRequested,
} from "./context";
import { chainView, decodeEvents, fundInterfaces, txServiceOf, type DecodedEvent } from "./execute";
import { flag, parseAddress } from "./inputs";

/** Default environment variable holding an owner's private key for `safe:sign`. */
export const OWNER_KEY_VARIABLE = "SAFE_OWNER_PRIVATE_KEY";

// ------------------------------------------------------------------------------------------------ shared

/** The role holders that are Safes, one entry per distinct Safe (roles sharing a Safe joined with "/"). */
function holderSafes(ctx: OpsContext): HolderRecord[] {
  const bySafe = new Map<string, HolderRecord>();
  for (const role of ROLE_HOLDERS) {
    const h = ctx.fund.as(role).holder;
    if (h.kind !== "safe") continue;
    const existing = bySafe.get(getAddress(h.address));
    bySafe.set(
      getAddress(h.address),
      existing ? { ...existing, role: `${existing.role}/${h.role}` as never } : h,
    );
  }
  return [...bySafe.values()];
}

/** `--safe`: a role holder's name (e.g. transferAgent) or a Safe address; every holder Safe when omitted. */
function selectSafes(ctx: OpsContext, value: unknown): { address: string; label: string }[] {
  const safes = holderSafes(ctx).map((h) => ({ address: getAddress(h.address), label: `${h.role} Safe` }));
  if (value === undefined || value === null || String(value).trim() === "") return safes;
  const v = String(value).trim();
  const byRole = safes.find((s) => s.label.split(" ")[0].split("/").includes(v));
  if (byRole) return [byRole];
  if (/^0x/i.test(v)) {
    const address = parseAddress("safe", v);
    return [safes.find((s) => s.address === address) ?? { address, label: "Safe" }];
  }
  throw new TaskInputError(
    `--safe: "${v}" is neither a role holder (${ROLE_HOLDERS.join(", ")}) nor an address`,
  );
}

/** What a Safe transaction does, decoded with the fund's interfaces: `Contract.fn(arg=value, ...)`. */
export function describeCall(ctx: OpsContext, to: string, data: string, value = "0"): string {
  const target = nameOf(ctx, to);
  if (data === "0x") {
    return value === "0"
      ? `nothing (a call to ${target} without data or value)`
      : `send ${value} wei to ${target}`;
  }
  for (const iface of fundInterfaces(ctx)) {
    try {
      const parsed = iface.parseTransaction({ data, value: BigInt(value) });
      if (!parsed) continue;
      let text = `${target}.${namedCall(parsed.fragment, parsed.args)}`;
      if ((parsed.name === "schedule" || parsed.name === "execute") && typeof parsed.args[0] === "string") {
        text += ` -> ${describeCall(ctx, parsed.args[0] as string, parsed.args[1] as string)}`;
      }
      return text;
    } catch {
      // not this interface
    }
  }
  return `${target} with data ${data.slice(0, 10)}…`;
}

/** The proposals folder of the network. */
function dirOf(ctx: OpsContext, proposalsDir?: string): string {
  return queueDir(proposalsDir ?? "proposals", ctx.network);
}

/** The valid signatures of a proposal: each recovers to an owner of the Safe now, one per owner. */
function validSignatures(p: SafeProposal, hash: string, state: SafeState): OwnerSignature[] {
  const seen = new Set<string>();
  const out: OwnerSignature[] = [];
  for (const s of p.signatures) {
    let owner: string;
    try {
      owner = signatureOwner(hash, s.signature);
    } catch {
      continue;
    }
    if (!state.owners.includes(owner) || seen.has(owner)) continue;
    seen.add(owner);
    out.push({ owner, signature: s.signature });
  }
  return out;
}

/** Merges the Transaction Service's signatures of a proposal into its file (when a service is configured). */
async function mergeServiceSignatures(
  ctx: OpsContext,
  e: QueueEntry,
  chainId: bigint,
): Promise<SafeProposal> {
  const service = txServiceOf(ctx, chainId);
  if (!service) return e.proposal;
  const remote = await service.signatures(e.proposal.safeTxHash);
  const missing = remote.filter(
    (r) => !e.proposal.signatures.some((s) => getAddress(s.owner) === getAddress(r.owner)),
  );
  if (missing.length === 0) return e.proposal;
  return updateProposalFile(e.file, (p) => {
    for (const r of missing) {
      try {
        addProposalSignature(p, r.signature);
      } catch {
        // a signature the service holds that does not fit this file's fields: ignored
      }
    }
  });
}

function shortSigners(sigs: OwnerSignature[]): string {
  return sigs.length === 0 ? "none" : sigs.map((s) => s.owner).join(", ");
}

// ------------------------------------------------------------------------------------------------ pending

export interface PendingRow {
  file: string;
  nonce: bigint;
  safeTxHash: string;
  status: EntryStatus;
  summary: string;
  signatures: OwnerSignature[];
  threshold: number;
  ready: boolean;
}

export interface PendingSafe {
  safe: string;
  label: string;
  nonce: bigint;
  threshold: number;
  owners: string[];
  rows: PendingRow[];
}

export interface PendingArgs {
  safe?: string;
  proposalsDir?: string;
  /** Also list proposals whose nonce was used, or written for another chain. */
  all?: boolean;
}

/** Lists the proposals waiting for each Safe (or the one given), in nonce order, with their signatures. */
export async function listPending(ctx: OpsContext, args: PendingArgs): Promise<PendingSafe[]> {
  const provider = ctx.hre.ethers.provider;
  const entries = listProposals(dirOf(ctx, args.proposalsDir));
  const out: PendingSafe[] = [];
  for (const { address, label } of selectSafes(ctx, args.safe)) {
    const state = await readSafeState(address, provider);
    const view = await chainView(ctx, address, state.nonce);
    const rows: PendingRow[] = [];
    for (const e of proposalsOf(entries, view)) {
      if (!args.all && e.status !== "pending" && e.status !== "superseded") continue;
      const p = e.status === "pending" ? await mergeServiceSignatures(ctx, e, state.chainId) : e.proposal;
      let sigs: OwnerSignature[] = [];
      try {
        sigs = validSignatures(p, checkProposalHash(p), state);
      } catch {
        sigs = [];
      }
      rows.push({
        file: e.file,
        nonce: BigInt(p.nonce),
        safeTxHash: p.safeTxHash,
        status: e.status,
        summary: p.summary ?? describeCall(ctx, p.to, p.data, p.value),
        signatures: sigs,
        threshold: state.threshold,
        ready: e.status === "pending" && sigs.length >= state.threshold,
      });
    }
    out.push({
      safe: address,
      label,
      nonce: state.nonce,
      threshold: state.threshold,
      owners: state.owners,
      rows,
    });
    say(
      `${label} ${address} (${state.threshold} of ${state.owners.length} owners), next nonce ${state.nonce}: ` +
        `${rows.filter((r) => r.status === "pending").length} pending`,
    );
    const pendingNonces = rows.filter((r) => r.status === "pending").map((r) => r.nonce);
    if (pendingNonces.length > 0 && !pendingNonces.includes(state.nonce)) {
      say(
        `  nonce ${state.nonce}: nothing proposed; the proposals below wait for it (propose or safe:reject it)`,
      );
    }
    for (const r of rows) {
      const state_ =
        r.status === "pending"
          ? r.ready
            ? `${r.signatures.length}/${r.threshold} signatures, READY`
            : `${r.signatures.length}/${r.threshold} signatures`
          : r.status.toUpperCase();
      say(`  nonce ${r.nonce}  ${r.summary}  [${state_}]`);
      say(
        `    ${r.file}  safeTxHash ${r.safeTxHash}${r.signatures.length ? `; signed by ${shortSigners(r.signatures)}` : ""}`,
      );
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ sign

export interface SignArgs {
  /** Proposal file(s), comma-separated. */
  file: string;
  /** Environment variable holding the owner's private key (default SAFE_OWNER_PRIVATE_KEY). */
  keyEnv?: string;
  /** An owner that is an account of the connected node (a local rehearsal). */
  owner?: string;
  /** A signature made elsewhere (65 bytes, EIP-712). */
  signature?: string;
}

export interface SignResult {
  file: string;
  owner: string;
  signature: string;
  added: boolean;
  signatures: number;
  threshold: number;
  service?: "proposed" | "confirmed" | "already known";
}

/** Who signs: a key from the environment, a local account, or a signature given. */
async function signerFor(
  ctx: OpsContext,
  args: SignArgs,
): Promise<{ key?: string; signer?: Signer } | undefined> {
  if (args.signature !== undefined) return undefined;
  if (args.owner !== undefined) {
    const owner = parseAddress("owner", args.owner);
    const signer = (await ctx.hre.ethers.getSigners()).find((s) => getAddress(s.address) === owner);
    if (!signer) {
      throw new TaskInputError(
        `--owner: ${owner} is not an account of network "${ctx.network}": sign with its key ` +
          `(${OWNER_KEY_VARIABLE}) or give --signature`,
      );
    }
    return { signer };
  }
  const variable = args.keyEnv ?? OWNER_KEY_VARIABLE;
  const key = process.env[variable]?.trim();
  if (!key) {
    throw new TaskInputError(
      `No signer: set ${variable} to the owner's private key, or give --owner (an account of the node) or ` +
        `--signature (made elsewhere)`,
    );
  }
  if (!isHexString(key.startsWith("0x") ? key : `0x${key}`, 32)) {
    throw new TaskInputError(`${variable} is not a private key (32 bytes of hex)`);
  }
  return { key: key.startsWith("0x") ? key : `0x${key}` };
}

/**
 * Adds an owner's signature to each proposal file: the proposal's fields are hashed again (never its recorded hash
 * trusted), the signer must be an owner of the Safe on chain now, and the proposal must still be pending. The SDK
 * signs (eth_signTypedData_v4) with the key of `--key-env` or the node's account `--owner`; `--signature` adds one
 * made elsewhere. With a Transaction Service, the first signature proposes the transaction to it, later ones confirm.
 */
export async function signProposals(ctx: OpsContext, args: SignArgs): Promise<SignResult[]> {
  if (typeof args.file !== "string" || args.file.trim() === "")
    throw new TaskInputError("--file is required");
  const given = [args.signature !== undefined, args.owner !== undefined, args.keyEnv !== undefined].filter(
    Boolean,
  );
  if (given.length > 1) throw new TaskInputError("Give one of --signature, --owner and --key-env");
  const files = args.file.split(",").map((f) => f.trim());
  const provider = ctx.hre.ethers.provider;
  const who = await signerFor(ctx, args);
  const results: SignResult[] = [];
  for (const file of files) {
    let p: SafeProposal;
    try {
      p = readProposal(file);
    } catch (error) {
      throw new TaskInputError(`--file: cannot read the proposal "${file}" (${(error as Error).message})`);
    }
    let hash: string;
    try {
      hash = checkProposalHash(p);
    } catch (error) {
      throw new TaskInputError(`--file: ${file}: ${(error as Error).message}: nothing was signed`);
    }
    const state = await readSafeState(p.safe, provider);
    const view = await chainView(ctx, state.address, state.nonce);
    const status = entryStatus(p, view);
    if (status !== "pending") {
      throw new TaskInputError(
        `--file: ${file} is not pending (${status}` +
          (status === "nonce used" ? `: the Safe's next nonce is ${state.nonce}` : "") +
          `): nothing was signed`,
      );
    }
    say(`${file}: ${p.summary ?? "Safe transaction"}`);
    say(`  ${describeCall(ctx, p.to, p.data, p.value)}`);
    say(
      `  Safe ${p.safe}, nonce ${p.nonce}, safeTxHash ${hash} (domain ${p.domainHash}, message ${p.messageHash})`,
    );

    let signature: string;
    if (!who) {
      signature = String(args.signature).trim();
    } else {
      const sdk = await safeSdk(p.safe, provider, who.key ?? who.signer);
      const tx = await sdk.createTransaction({
        transactions: [
          sdkTxData({
            ...buildSafeTx({ to: p.to, data: p.data, value: BigInt(p.value) }, BigInt(p.nonce)),
            operation: p.operation,
          }),
        ],
        options: { nonce: Number(p.nonce) },
      });
      if ((await sdk.getTransactionHash(tx)) !== hash) {
        throw new Error(`The SDK hashes ${file} differently from its fields (${hash})`);
      }
      const signed = await sdk.signTransaction(tx);
      signature = [...signed.signatures.values()][0].data;
    }
    let owner: string;
    try {
      owner = signatureOwner(hash, signature);
    } catch (error) {
      throw new TaskInputError(`--signature: ${(error as Error).message}: nothing was added`);
    }
    if (!state.owners.includes(owner)) {
      throw new TaskInputError(
        `${flag(who ? (args.owner ? "owner" : "keyEnv") : "signature")}: the signature recovers to ${owner}, not an ` +
          `owner of Safe ${state.address} (owners: ${state.owners.join(", ")}): nothing was added`,
      );
    }
    let added = false;
    const updated = await updateProposalFile(file, (q) => {
      added = addProposalSignature(q, signature).added;
    });
    const valid = validSignatures(updated, hash, state);
    const result: SignResult = {
      file,
      owner,
      signature,
      added,
      signatures: valid.length,
      threshold: state.threshold,
    };
    const service = txServiceOf(ctx, state.chainId);
    if (service) {
      result.service = await service.sendSignature(updated, { owner, signature });
      say(`  Transaction Service ${service.url}: ${result.service}`);
    }
    say(
      `  ${added ? "signed" : "already signed"} by ${owner}: ${valid.length} of ${state.threshold} signatures` +
        (valid.length >= state.threshold ? " - ready: safe:execute sends it in nonce order" : ""),
    );
    results.push(result);
  }
  return results;
}

// ------------------------------------------------------------------------------------------------ execute

export interface ExecuteArgs {
  safe?: string;
  /** One proposal file to execute (when several at the Safe's next nonce are signed). */
  file?: string;
  /** Most Safe transactions to send per Safe (default: all that are ready, in nonce order). */
  count?: string;
  proposalsDir?: string;
  dryRun?: boolean;
}

export interface ExecutedProposal {
  file: string;
  safe: string;
  nonce: bigint;
  safeTxHash: string;
  txHash?: string;
  events: DecodedEvent[];
}

/** The local account that relays executions (anyone may; it pays the gas). */
async function relayer(ctx: OpsContext): Promise<Signer> {
  const signers = await ctx.hre.ethers.getSigners();
  if (signers.length === 0) {
    throw new TaskInputError(
      `safe:execute needs a local account to send from on network "${ctx.network}" (set DEPLOYER_PRIVATE_KEY); ` +
        `it needs no ownership`,
    );
  }
  return signers[0];
}

/**
 * Sends, for each Safe, the proposals whose owners' signatures reach the threshold, in nonce order from the Safe's
 * next nonce, each simulated first. Stops at the first nonce with no proposal ready, saying what it lacks.
 */
export async function executeProposals(ctx: OpsContext, args: ExecuteArgs): Promise<ExecutedProposal[]> {
  const provider = ctx.hre.ethers.provider;
  const limit = args.count === undefined ? Infinity : Number(args.count);
  if (!Number.isSafeInteger(limit) && limit !== Infinity)
    throw new TaskInputError(`--count: "${args.count}" is not a number`);
  if (limit < 1) throw new TaskInputError("--count must be at least 1");
  const dir = dirOf(ctx, args.proposalsDir);
  const only = args.file === undefined ? undefined : readOnly(args.file);
  const done: ExecutedProposal[] = [];
  const sender = args.dryRun ? undefined : await relayer(ctx);
  const safes = only ? [{ address: getAddress(only.safe), label: "Safe" }] : selectSafes(ctx, args.safe);
  for (const { address, label } of safes) {
    let sent = 0;
    let nonceSeen: bigint | undefined;
    while (sent < limit) {
      const state = await readSafeState(address, provider);
      if (nonceSeen !== undefined && state.nonce === nonceSeen) break; // dry run: the nonce does not move
      nonceSeen = state.nonce;
      const view = await chainView(ctx, address, state.nonce);
      const all = proposalsOf(listProposals(dir), view).filter((e) => e.status === "pending");
      const atNonce = all.filter(
        (e) => BigInt(e.proposal.nonce) === state.nonce && (!args.file || e.file === args.file),
      );
      if (atNonce.length === 0) {
        if (all.length === 0) say(`${label} ${address}: nothing pending at nonce ${state.nonce}`);
        else {
          say(
            `${label} ${address}: nonce ${state.nonce} has no proposal; ${all.length} wait behind it ` +
              `(nonces ${[...new Set(all.map((e) => e.proposal.nonce))].join(", ")}): propose or safe:reject nonce ` +
              `${state.nonce} first`,
          );
        }
        break;
      }
      const candidates: { e: QueueEntry; p: SafeProposal; sigs: OwnerSignature[] }[] = [];
      for (const e of atNonce) {
        const p = await mergeServiceSignatures(ctx, e, state.chainId);
        let hash: string;
        try {
          hash = checkProposalHash(p);
        } catch (error) {
          say(`  ${e.file}: ${(error as Error).message}: skipped`);
          continue;
        }
        candidates.push({ e, p, sigs: validSignatures(p, hash, state) });
      }
      const ready = candidates.filter((c) => c.sigs.length >= state.threshold);
      if (ready.length === 0) {
        for (const c of candidates) {
          const missing = state.owners.filter((o) => !c.sigs.some((s) => s.owner === o));
          say(
            `${label} ${address}: nonce ${state.nonce} ${c.e.file} has ${c.sigs.length} of ${state.threshold} ` +
              `signatures (signed: ${shortSigners(c.sigs)}; not yet: ${missing.join(", ")}): not sent`,
          );
        }
        break;
      }
      if (ready.length > 1) {
        throw new TaskInputError(
          `${label} ${address}: ${ready.length} proposals at nonce ${state.nonce} have their signatures ` +
            `(${ready.map((c) => c.e.file).join(", ")}): only one can run; name it with --file`,
        );
      }
      const { e, p, sigs } = ready[0];
      const what = `${label} nonce ${p.nonce}: ${p.summary ?? describeCall(ctx, p.to, p.data, p.value)}`;
      if (args.dryRun) {
        await simulateProposal(ctx, state, p, what, done);
        say(
          `Dry run: ${what}: ${sigs.length} of ${state.threshold} signatures, simulation succeeded; nothing sent`,
        );
        done.push({
          file: e.file,
          safe: address,
          nonce: BigInt(p.nonce),
          safeTxHash: p.safeTxHash,
          events: [],
        });
        break;
      }
      let receipt: TransactionReceipt;
      try {
        ({ receipt } = await execProposal(
          p,
          sigs.map((s) => s.signature),
          sender!,
          { interfaces: fundInterfaces(ctx) },
        ));
      } catch (error) {
        throw refusedExecution(ctx, what, error, done);
      }
      await updateProposalFile(e.file, (q) => {
        (q as SafeProposal & { executedIn?: string }).executedIn = receipt.hash;
      });
      const events = decodeEvents(ctx, receipt);
      say(`${what}: executed, tx ${receipt.hash} (block ${receipt.blockNumber})`);
      for (const ev of events.slice(0, 8)) say(`  ${ev.text}`);
      if (events.length > 8) say(`  … ${events.length - 8} more events`);
      done.push({
        file: e.file,
        safe: address,
        nonce: BigInt(p.nonce),
        safeTxHash: p.safeTxHash,
        txHash: receipt.hash,
        events,
      });
      sent++;
    }
  }
  if (done.length === 0) say("Nothing was sent.");
  return done;
}

function readOnly(file: string): SafeProposal {
  try {
    return readProposal(file);
  } catch (error) {
    throw new TaskInputError(`--file: cannot read the proposal "${file}" (${(error as Error).message})`);
  }
}

/** Simulates the inner call of a proposal from its Safe. */
async function simulateProposal(
  ctx: OpsContext,
  state: SafeState,
  p: SafeProposal,
  what: string,
  done: ExecutedProposal[],
): Promise<void> {
  try {
    await ctx.hre.ethers.provider.call({
      from: state.address,
      to: p.to,
      data: p.data,
      value: BigInt(p.value),
    });
  } catch (error) {
    throw refusedExecution(ctx, what, error, done);
  }
}

function refusedExecution(ctx: OpsContext, what: string, error: unknown, done: ExecutedProposal[]): Error {
  const data = error instanceof CallRevertedError ? error.revertData : revertDataFrom(error);
  if (data === undefined) return error as Error;
  const reason =
    describeRevert(data, fundInterfaces(ctx), ctx.format) ??
    (data === "0x" ? "no reason" : `unknown error ${data}`);
  const before = done.filter((d) => d.txHash).map((d) => d.txHash);
  return new TaskRefusedError(
    `${what} would revert with ${reason}: ` +
      (before.length ? `not sent; already sent before it: ${before.join(", ")}` : "nothing was sent"),
    data,
    reason.split("(")[0],
  );
}

// ------------------------------------------------------------------------------------------------ reject

export interface RejectArgs {
  safe: string;
  nonce: string;
  proposalsDir?: string;
}

/**
 * Writes the rejection of `nonce` for a Safe (the SDK's `createRejectionTransaction`: a call of the Safe to itself
 * without data or value, which does nothing but use up the nonce), replacing the proposals pending at that nonce.
 * Owners sign and execute it like any proposal; the proposals after it keep their nonces.
 */
export async function rejectNonce(
  ctx: OpsContext,
  args: RejectArgs,
): Promise<{ file: string; safeTxHash: string; replaced: string[] }> {
  if (args.safe === undefined)
    throw new TaskInputError("--safe is required (a role holder or a Safe address)");
  const [{ address, label }] = selectSafes(ctx, args.safe);
  const v = String(args.nonce ?? "").trim();
  if (!/^\d{1,19}$/.test(v)) throw new TaskInputError(`--nonce: "${v}" is not a Safe nonce (a whole number)`);
  const nonce = BigInt(v);
  const provider = ctx.hre.ethers.provider;
  const state = await readSafeState(address, provider);
  if (nonce < state.nonce) {
    throw new TaskInputError(
      `--nonce: nonce ${nonce} was already used by ${label} ${address} (its next nonce is ${state.nonce}): ` +
        `nothing to reject`,
    );
  }
  const view = await chainView(ctx, address, state.nonce);
  const dir = dirOf(ctx, args.proposalsDir);
  const entries = listProposals(dir);
  const free = nextNonce(entries, view);
  if (nonce > free) {
    throw new TaskInputError(
      `--nonce: nothing is pending at nonce ${nonce} and it is beyond the next free nonce ${free}: nothing to reject`,
    );
  }
  const sdk = await safeSdk(address, provider);
  const rejection = await sdk.createRejectionTransaction(Number(nonce));
  const tx = buildSafeTx(
    { to: rejection.data.to, data: rejection.data.data, value: BigInt(rejection.data.value) },
    nonce,
  );
  const role = label.replace(/ Safe$/, "").split("/")[0];
  const proposal = await buildProposal(state, tx, provider, {
    summary: `reject nonce ${nonce} (the Safe calls itself without data: the nonce is used, nothing happens)`,
    role,
    action: "rejection",
  });
  const { file, txBuilderFile, existed } = writeProposal(dir, proposal, txBuilderBatch(proposal));
  const replaced = await supersede(entries, view, nonce, proposal.safeTxHash);
  say(`${label} ${address}: rejection of nonce ${nonce}, safeTxHash ${proposal.safeTxHash}`);
  say(
    existed
      ? `  already in the queue: ${file}`
      : `  written to ${file} (Safe{Wallet} Transaction Builder: ${txBuilderFile})`,
  );
  for (const r of replaced) say(`  replaces ${r} (marked superseded)`);
  say(`  Owners sign it (safe:sign --file ${file}); safe:execute sends it at nonce ${nonce}.`);
  return { file, safeTxHash: proposal.safeTxHash, replaced };
}

// ------------------------------------------------------------------------------------------------ tasks

function run<A>(hre: Parameters<typeof loadOpsContext>[0], fn: (ctx: OpsContext) => Promise<A>): Promise<A> {
  return guarded(async () => fn(await loadOpsContext(hre)), verboseRequested(hre));
}

export function registerSafeTasks(): void {
  task("safe:pending", "Lists the Safe transactions waiting for owners' signatures, per Safe, in nonce order")
    .addOptionalParam(
      "safe",
      "A role holder (e.g. transferAgent) or a Safe address (default: every holder Safe)",
    )
    .addOptionalParam("proposalsDir", "Folder of the proposals", "proposals")
    .addFlag("all", "Also list proposals whose nonce was used or that were written for another chain")
    .setAction((args, hre) => run(hre, (ctx) => listPending(ctx, args)));

  task(
    "safe:sign",
    "Adds an owner's signature to proposal file(s) (a local key, a node account, or a signature)",
  )
    .addParam("file", "Proposal file(s), comma-separated", undefined, types.string)
    .addOptionalParam(
      "keyEnv",
      `Environment variable holding the owner's private key (default ${OWNER_KEY_VARIABLE})`,
    )
    .addOptionalParam("owner", "An owner that is an account of the connected node (local rehearsal)")
    .addOptionalParam(
      "signature",
      "A 65-byte EIP-712 signature made elsewhere (hardware wallet, Safe{Wallet})",
    )
    .setAction((args, hre) => run(hre, (ctx) => signProposals(ctx, args)));

  task("safe:execute", "Sends the signed proposals in nonce order (any account relays; it pays the gas)")
    .addOptionalParam("safe", "A role holder or a Safe address (default: every holder Safe)")
    .addOptionalParam("file", "The proposal to send, when several at the next nonce are signed")
    .addOptionalParam("count", "Most Safe transactions to send per Safe")
    .addOptionalParam("proposalsDir", "Folder of the proposals", "proposals")
    .addFlag("dryRun", "Simulate the next ready proposal of each Safe; send nothing")
    .setAction((args, hre) => run(hre, (ctx) => executeProposals(ctx, args)));

  task("safe:reject", "Writes the on-chain rejection of a Safe nonce, replacing the proposals pending there")
    .addParam("safe", "A role holder (e.g. transferAgent) or a Safe address", undefined, types.string)
    .addParam("nonce", "The Safe nonce to reject", undefined, types.string)
    .addOptionalParam("proposalsDir", "Folder of the proposals", "proposals")
    .setAction((args, hre) => run(hre, (ctx) => rejectNonce(ctx, args)));
}
