/**
 * Investors verified by the registry's sources (docs/IDENTITY.md): register a wallet from its ONCHAINID claims or
 * its EAS attestations, and refresh records whose evidence changed at the source. These calls need no role (the
 * proof is on chain): the task checks the evidence first with the source's `evaluate` view, names what fails
 * before anything is sent, then sends from a local account (the first one unless `--sender` names another).
 */
import { task, types } from "hardhat/config";
import { getAddress, keccak256, type Contract, type Log, type Signer } from "ethers";
import { OpsContext, TaskInputError, isoTime, runTask, say } from "./context";
import { parseAddress } from "./inputs";
import { recordOf } from "./chain";
import { scanLogs, deploymentBlock } from "../../lib/log-scan";
import { unpackRecord } from "../../lib/investor-record";
import { classNames } from "../../lib/classes";
import {
  ATTESTATION_STATUS,
  CLAIM_STATUS,
  SOURCE_NAMES,
  decodeClaimData,
  onchainIdAbi,
} from "../../lib/identity-sources";
import { easArtifact } from "../../lib/deploy/eas";
import type { AttestationSource, OnchainIdSource } from "../../typechain-types";

const ZERO = "0x0000000000000000000000000000000000000000";

export interface SourceTxResult {
  wallet: string;
  txHash?: string;
  /** Whether the wallet's record is verified afterwards (or would be, on a dry run). */
  verified: boolean;
}

function claimSource(ctx: OpsContext): OnchainIdSource {
  const s = ctx.fund.contracts.onchainIdSource;
  if (!s) throw new TaskInputError(`${ctx.network} has no OnchainIdSource deployment record`);
  return s;
}

function attestationSource(ctx: OpsContext): AttestationSource {
  const s = ctx.fund.contracts.attestationSource;
  if (!s)
    throw new TaskInputError(`${ctx.network} has no AttestationSource deployment record (no EAS there)`);
  return s;
}

async function senderOf(ctx: OpsContext, sender?: string): Promise<Signer> {
  const signers = await ctx.hre.ethers.getSigners();
  if (sender === undefined) {
    if (signers.length === 0) throw new TaskInputError("no local account to send from");
    return signers[0];
  }
  const address = parseAddress("sender", sender);
  const s = signers.find((x) => getAddress(x.address) === address);
  if (!s) throw new TaskInputError(`--sender: ${address} is not a local account of ${ctx.network}`);
  return s;
}

async function send(ctx: OpsContext, signer: Signer, target: Contract, fn: string, args: unknown[]) {
  const connected = target.connect(signer) as Contract;
  const response = await connected.getFunction(fn)(...args);
  const receipt = await response.wait();
  say(`  sent ${fn} from ${await signer.getAddress()}: tx ${response.hash} (block ${receipt!.blockNumber})`);
  return response.hash as string;
}

function describeRecord(record: {
  country: number | bigint;
  classes: number | bigint;
  kycExpiry: number | bigint;
}) {
  const names = classNames(Number(record.classes));
  return `country ${record.country}, classes ${names.length ? names.join("|") : "none"}, KYC expiry ${isoTime(Number(record.kycExpiry))}`;
}

// ------------------------------------------------------------------------------------------------ claims

export interface VerifyClaimsArgs {
  wallet: string;
  identity: string;
  sender?: string;
  dryRun?: boolean;
}

/** Why an identity's claims do not verify, topic by topic: the claims it holds and whether their issuer is trusted. */
async function claimDiagnostics(ctx: OpsContext, identity: string): Promise<string[]> {
  const source = claimSource(ctx);
  const lines: string[] = [];
  const trusted = (await source.trustedIssuers()).map((a) => getAddress(a));
  const id = new ctx.hre.ethers.Contract(
    identity,
    onchainIdAbi("Identity") as never,
    ctx.hre.ethers.provider,
  );
  for (const topic of await source.claimTopics()) {
    let ids: string[] = [];
    try {
      ids = await id.getClaimIdsByTopic(topic);
    } catch {
      lines.push(`topic ${topic}: the identity does not answer getClaimIdsByTopic`);
      continue;
    }
    if (ids.length === 0) lines.push(`topic ${topic}: the identity holds no claim of this topic`);
    for (const cid of ids) {
      const c = await id.getClaim(cid);
      const issuer = getAddress(c.issuer as string);
      const scope = trusted.includes(issuer)
        ? (await source.issuerTopics(issuer)).includes(topic)
          ? "trusted for it"
          : "trusted for other topics only"
        : "not a trusted issuer";
      const data = decodeClaimData(c.data as string);
      const content = data
        ? `chain ${data.chainId}, ${describeRecord({ country: data.country, classes: data.classes, kycExpiry: data.validUntil })}`
        : "data not of the suite's format";
      lines.push(`topic ${topic}: claim of issuer ${issuer} (${scope}): ${content}`);
    }
  }
  return lines;
}

/** `investor:verify-claims`: registers (or re-verifies) a wallet from the claims of its ONCHAINID identity. */
export async function verifyFromClaims(ctx: OpsContext, args: VerifyClaimsArgs): Promise<SourceTxResult> {
  const source = claimSource(ctx);
  const wallet = parseAddress("wallet", args.wallet);
  const identity = parseAddress("identity", args.identity);
  const existing = await recordOf(ctx, wallet);
  if (existing && getAddress(existing.identity) !== identity) {
    throw new TaskInputError(
      `--wallet: ${wallet} is registered under another identity (${existing.identity})`,
    );
  }
  const e = await source.evaluate(wallet, identity);
  if (!e.valid) {
    const status = CLAIM_STATUS[Number(e.failure)] ?? `status ${e.failure}`;
    const details = status === "WalletNotKey" ? [] : await claimDiagnostics(ctx, identity);
    throw new TaskInputError(
      `the claims of identity ${identity} do not verify ${wallet}: ${status}` +
        (details.length ? `\n  ${details.join("\n  ")}` : ""),
    );
  }
  say(`Wallet ${wallet}, identity ${identity}: the claims verify (${describeRecord(e)})`);
  if (args.dryRun) return { wallet, verified: true };
  const txHash = await send(
    ctx,
    await senderOf(ctx, args.sender),
    source as unknown as Contract,
    "registerFromClaims",
    [wallet, identity],
  );
  return { wallet, txHash, verified: (await recordOf(ctx, wallet))?.verified ?? false };
}

// ------------------------------------------------------------------------------------------------ attestations

export interface VerifyAttestationArgs {
  wallet: string;
  /** Attestation uids, comma-separated, one per required schema in the source's order. */
  uids: string;
  sender?: string;
  dryRun?: boolean;
}

function parseUids(value: string): string[] {
  const uids = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (uids.length === 0) throw new TaskInputError("--uids: give at least one attestation uid");
  for (const uid of uids) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(uid)) throw new TaskInputError(`--uids: ${uid} is not a 32-byte hex uid`);
  }
  return uids;
}

/** `investor:verify-attestation`: registers (or re-verifies) a wallet from its EAS attestations. */
export async function verifyFromAttestation(
  ctx: OpsContext,
  args: VerifyAttestationArgs,
): Promise<SourceTxResult> {
  const source = attestationSource(ctx);
  const wallet = parseAddress("wallet", args.wallet);
  const uids = parseUids(args.uids);
  const rules = await source.schemaRules();
  if (rules.length === 0)
    throw new TaskInputError("the attestation source requires no schema yet: it verifies no one");
  if (uids.length !== rules.length) {
    throw new TaskInputError(
      `--uids: ${uids.length} uid(s) given, the source requires ${rules.length} (schemas ${rules.map((r) => r.schema).join(", ")})`,
    );
  }
  try {
    await source.registerFromAttestation.staticCall(wallet, uids);
  } catch (error) {
    const data = (error as { data?: string }).data;
    const parsed = data
      ? (source.interface.parseError(data) ??
        ctx.fund.contracts.registry.interface.parseError(data) ??
        ctx.fund.contracts.registrySources.interface.parseError(data))
      : null;
    if (!parsed) throw error;
    const why =
      parsed.name === "AttestationRefused"
        ? `attestation ${parsed.args[0]}: ${ATTESTATION_STATUS[Number(parsed.args[1])]}`
        : `${parsed.name}(${parsed.args.join(", ")})`;
    throw new TaskInputError(`the attestations do not verify ${wallet}: ${why}`);
  }
  say(`Wallet ${wallet}: the attestations verify`);
  if (args.dryRun) return { wallet, verified: true };
  const txHash = await send(
    ctx,
    await senderOf(ctx, args.sender),
    source as unknown as Contract,
    "registerFromAttestation",
    [wallet, uids],
  );
  const record = await recordOf(ctx, wallet);
  if (record) say(`  record: ${describeRecord(record)}`);
  return { wallet, txHash, verified: record?.verified ?? false };
}

// ------------------------------------------------------------------------------------------------ refresh

export interface RefreshArgs {
  /** One wallet; without it, every wallet whose evidence changed at its source. */
  wallet?: string;
  /** First block of the event scan (default: the registry's deployment). */
  fromBlock?: number;
  sender?: string;
  dryRun?: boolean;
}

export interface RefreshCandidate {
  wallet: string;
  identity: string;
  sourceId: number;
  /** What the source's evidence says now. */
  valid: boolean;
  /** Whether the registry's record says verified now (stored record, not revoked, not expired). */
  recordVerified: boolean;
  /** Source-side events that touched the wallet's evidence since the scan's first block. */
  events: string[];
}

interface SourceWallets {
  /** Wallets each source verified (from its events), with the identity. */
  wallets: Map<string, { identity: string; sourceId: number }>;
  events: Map<string, string[]>;
}

function note(map: Map<string, string[]>, wallet: string, text: string) {
  const list = map.get(wallet) ?? [];
  list.push(text);
  map.set(wallet, list);
}

/** Every wallet the sources verified, and the source-side events (claims, issuer revocations, EAS revocations). */
async function scanSources(ctx: OpsContext, fromBlock: number): Promise<SourceWallets> {
  const provider = ctx.hre.ethers.provider;
  const toBlock = await provider.getBlockNumber();
  const wallets = new Map<string, { identity: string; sourceId: number }>();
  const events = new Map<string, string[]>();
  const verifiedAt = new Map<string, number>();
  const claims = ctx.fund.contracts.onchainIdSource;
  const attestations = ctx.fund.contracts.attestationSource;
  const registry = ctx.fund.contracts.registrySources;

  if (claims) {
    const address = await claims.getAddress();
    const sourceId = Number(await registry.sourceIdOf(address));
    const start = await deploymentBlock(ctx.hre.deployments, provider, "OnchainIdSource");
    const logs = await scanLogs(provider, address, { fromBlock: start, toBlock });
    const identities = new Map<string, string[]>();
    for (const log of logs) {
      const ev = claims.interface.parseLog(log);
      if (ev?.name !== "VerifiedFromClaims") continue;
      const wallet = getAddress(ev.args.wallet as string);
      const identity = getAddress(ev.args.identity as string);
      wallets.set(wallet, { identity, sourceId });
      verifiedAt.set(wallet, log.blockNumber);
      identities.set(identity, [...new Set([...(identities.get(identity) ?? []), wallet])]);
    }
    // Claims added, changed or removed, keys removed: on the identities; revocations: at the trusted issuers.
    const identityAbi = new ctx.hre.ethers.Interface(onchainIdAbi("Identity") as never);
    const issuerAbi = new ctx.hre.ethers.Interface(onchainIdAbi("ClaimIssuer") as never);
    const signatures = new Map<string, string>();
    for (const [identity, ws] of identities) {
      for (const log of await scanLogs(provider, identity, { fromBlock: start, toBlock })) {
        const ev = safeParse(identityAbi, log);
        if (!ev) continue;
        // ClaimRevoked indexes the signature: keep the signatures' hashes.
        if (ev.name === "ClaimAdded" || ev.name === "ClaimChanged") {
          signatures.set(keccak256(ev.args[4] as string), identity);
        }
        if (log.blockNumber < fromBlock) continue;
        if (["ClaimAdded", "ClaimChanged", "ClaimRemoved", "KeyRemoved"].includes(ev.name)) {
          for (const w of ws) {
            if (log.blockNumber <= (verifiedAt.get(w) ?? 0)) continue;
            note(events, w, `${ev.name} on identity ${identity} (block ${log.blockNumber})`);
          }
        }
      }
    }
    for (const issuer of await claims.trustedIssuers()) {
      for (const log of await scanLogs(provider, issuer, { fromBlock, toBlock })) {
        const ev = safeParse(issuerAbi, log);
        if (ev?.name !== "ClaimRevoked") continue;
        const identity = signatures.get((ev.args[0] as { hash: string }).hash);
        if (!identity) continue;
        for (const w of identities.get(identity) ?? []) {
          note(events, w, `ClaimRevoked by issuer ${getAddress(issuer)} (block ${log.blockNumber})`);
        }
      }
    }
  }

  if (attestations) {
    const address = await attestations.getAddress();
    const sourceId = Number(await registry.sourceIdOf(address));
    const start = await deploymentBlock(ctx.hre.deployments, provider, "AttestationSource");
    const byUid = new Map<string, string>();
    for (const log of await scanLogs(provider, address, { fromBlock: start, toBlock })) {
      const ev = attestations.interface.parseLog(log);
      if (ev?.name !== "VerifiedFromAttestations") continue;
      const wallet = getAddress(ev.args.wallet as string);
      wallets.set(wallet, { identity: wallet, sourceId });
      for (const uid of ev.args.uids as string[]) byUid.set(uid, wallet);
    }
    const easAddress = await attestations.eas();
    const eas = new ctx.hre.ethers.Interface(easArtifact("EAS.sol/EAS.json").abi as never);
    for (const log of await scanLogs(provider, easAddress, {
      fromBlock,
      toBlock,
      topics: [eas.getEvent("Revoked")!.topicHash],
    })) {
      const ev = eas.parseLog(log);
      const wallet = ev ? byUid.get(ev.args.uid as string) : undefined;
      if (wallet) note(events, wallet, `EAS Revoked ${ev!.args.uid} (block ${log.blockNumber})`);
    }
  }
  return { wallets, events };
}

function safeParse(iface: InstanceType<typeof import("ethers").Interface>, log: Log) {
  try {
    return iface.parseLog(log);
  } catch {
    return null;
  }
}

/**
 * The wallets a refresh would change: every wallet a source verified whose record is still that source's and
 * whose evidence no longer agrees with the record (revoked or expired at the source while the record says
 * verified, or valid again while the record is revoked), with the source-side events that explain it.
 */
export async function refreshCandidates(ctx: OpsContext, fromBlock?: number): Promise<RefreshCandidate[]> {
  const provider = ctx.hre.ethers.provider;
  const start = fromBlock ?? (await deploymentBlock(ctx.hre.deployments, provider, "IdentityRegistry"));
  const { wallets, events } = await scanSources(ctx, start);
  const registry = ctx.fund.contracts.registrySources;
  const now = (await provider.getBlock("latest"))!.timestamp;
  const out: RefreshCandidate[] = [];
  for (const [wallet, { identity, sourceId }] of wallets) {
    const [id, source] = await registry.recordSource(wallet);
    if (Number(id) !== sourceId || source === ZERO) continue;
    const record = unpackRecord(await registry.storedRecord(wallet));
    const recordVerified = !record.revoked && record.kycExpiry > now;
    const target =
      sourceId === Number(await registry.sourceIdOf(await claimSource(ctx).getAddress()))
        ? claimSource(ctx)
        : attestationSource(ctx);
    const e = await target.evaluate(wallet, identity);
    if (e.valid === recordVerified) continue;
    out.push({
      wallet,
      identity,
      sourceId,
      valid: e.valid,
      recordVerified,
      events: events.get(wallet) ?? [],
    });
  }
  return out;
}

/** `investor:refresh`: re-checks one wallet's evidence at its source, or every wallet whose evidence changed. */
export async function refreshInvestors(ctx: OpsContext, args: RefreshArgs): Promise<SourceTxResult[]> {
  const registry = ctx.fund.contracts.registrySources;
  const signer = args.dryRun ? undefined : await senderOf(ctx, args.sender);
  const results: SourceTxResult[] = [];
  if (args.wallet !== undefined) {
    const wallet = parseAddress("wallet", args.wallet);
    const record = await recordOf(ctx, wallet);
    if (!record) throw new TaskInputError(`--wallet: ${wallet} is not registered in the identity registry`);
    const [id, source] = await registry.recordSource(wallet);
    if (id === 0n) {
      throw new TaskInputError(
        `--wallet: ${wallet}'s record was attested by the compliance officer: no source to refresh from`,
      );
    }
    if (source === ZERO) {
      say(`Wallet ${wallet}: its source ${id} was removed by the issuer: revoking the record`);
      const txHash = signer
        ? await send(ctx, signer, registry as unknown as Contract, "revokeFromRemovedSource", [wallet])
        : undefined;
      return [{ wallet, txHash, verified: false }];
    }
    const target =
      source === (await claimSource(ctx).getAddress()) ? claimSource(ctx) : attestationSource(ctx);
    const e = await target.evaluate(wallet, record.identity);
    const status = source === (await claimSource(ctx).getAddress()) ? CLAIM_STATUS : ATTESTATION_STATUS;
    say(
      `Wallet ${wallet} (${SOURCE_NAMES[Number(id)] ?? `source ${id}`}): evidence ${e.valid ? "valid" : `not valid: ${status[Number(e.failure)]}`}; ` +
        `record ${record.verified ? "verified" : "not verified"}`,
    );
    const txHash = signer
      ? await send(ctx, signer, target as unknown as Contract, "refresh", [wallet])
      : undefined;
    return [
      { wallet, txHash, verified: signer ? ((await recordOf(ctx, wallet))?.verified ?? false) : e.valid },
    ];
  }
  const candidates = await refreshCandidates(ctx, args.fromBlock);
  say(`${candidates.length} wallet(s) whose evidence changed at the source`);
  for (const c of candidates) {
    say(
      `Wallet ${c.wallet} (${SOURCE_NAMES[c.sourceId] ?? `source ${c.sourceId}`}, identity ${c.identity}): ` +
        `${c.valid ? "valid again" : "no longer valid"}${c.events.length ? ` (${c.events.join("; ")})` : ""}`,
    );
    const target =
      c.sourceId === Number(await registry.sourceIdOf(await claimSource(ctx).getAddress()))
        ? claimSource(ctx)
        : attestationSource(ctx);
    const txHash = signer
      ? await send(ctx, signer, target as unknown as Contract, "refresh", [c.wallet])
      : undefined;
    results.push({ wallet: c.wallet, txHash, verified: c.valid });
  }
  return results;
}

/** One line naming who verified a wallet's record, for `investor:show`. */
export async function sourceLine(ctx: OpsContext, wallet: string): Promise<string> {
  const [id, source] = await ctx.fund.contracts.registrySources.recordSource(wallet);
  const name = SOURCE_NAMES[Number(id)] ?? `source ${id}`;
  if (id === 0n) return name;
  return source === ZERO
    ? `${name} (source ${id}, removed by the issuer)`
    : `${name} (source ${id}, ${source})`;
}

export function registerSourceTasks(): void {
  task(
    "investor:verify-claims",
    "Registers a wallet from the claims of its ONCHAINID identity (no role needed)",
  )
    .addParam("wallet", "Investor wallet (a key of the identity)", undefined, types.string)
    .addParam("identity", "ONCHAINID identity contract", undefined, types.string)
    .addOptionalParam(
      "sender",
      "Local account sending the transaction (default: the first)",
      undefined,
      types.string,
    )
    .addFlag("dryRun", "Check the claims only")
    .setAction((args, hre) => runTask(hre, (ctx) => verifyFromClaims(ctx, args)));

  task("investor:verify-attestation", "Registers a wallet from its EAS attestations (no role needed)")
    .addParam("wallet", "Investor wallet (the attestations' recipient)", undefined, types.string)
    .addParam("uids", "Attestation uids, comma-separated, one per required schema", undefined, types.string)
    .addOptionalParam(
      "sender",
      "Local account sending the transaction (default: the first)",
      undefined,
      types.string,
    )
    .addFlag("dryRun", "Check the attestations only")
    .setAction((args, hre) => runTask(hre, (ctx) => verifyFromAttestation(ctx, args)));

  task(
    "investor:refresh",
    "Re-checks a wallet's claims or attestations at its source and rewrites or revokes its record; without " +
      "--wallet, every wallet whose evidence changed (found from the sources' events) (no role needed)",
  )
    .addOptionalParam("wallet", "One wallet", undefined, types.string)
    .addOptionalParam("fromBlock", "First block of the event scan", undefined, types.int)
    .addOptionalParam(
      "sender",
      "Local account sending the transactions (default: the first)",
      undefined,
      types.string,
    )
    .addFlag("dryRun", "List what a refresh would change, send nothing")
    .setAction((args, hre) => runTask(hre, (ctx) => refreshInvestors(ctx, args)));
}
