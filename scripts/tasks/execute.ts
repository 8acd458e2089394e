/**
 * How a task acts: the AccessManager says which role a function needs; the recorded role holder holding it
 * acts through its Safe. Every call is first simulated with eth_call from the holder's address, so a refusal
 * surfaces as the contract's named error before anything is sent. Then, as asked:
 * - `--dry-run`: print what would happen, send nothing;
 * - the owners' keys are local (Hardhat networks) and `--offline` is not given: execute through the Safe (or
 *   schedule behind the role's execution delay; `execute` mode runs a scheduled call once due);
 * - otherwise: write each Safe transaction for offline signing (`proposeSafeTransaction`, with a Safe{Wallet}
 *   Transaction Builder file) with consecutive nonces, and print where.
 */
import type { ConfigurableTaskDefinition } from "hardhat/types";
import { BaseContract, Interface, TransactionReceipt, getAddress } from "ethers";
import type { RoleActor, HolderRecord } from "../../lib/fund";
import {
  CallRevertedError,
  buildProposal,
  buildSafeTx,
  readSafeState,
  simulateCall,
  txBuilderBatch,
} from "../../lib/safe";
import {
  listProposals,
  nextNonce,
  queueDir,
  supersede,
  writeProposal,
  type ChainView,
} from "../../lib/safe-queue";
import { TxService, serviceUrl, serviceUrlVariable } from "../../lib/safe-service";
import { PUBLIC_ROLE, accessManagerInterface } from "../../lib/governance";
import { ROLE_HOLDERS } from "../../lib/config/types";
import { ROLE_IDS } from "../../lib/deploy/roles";
import { isRegisteredRecord, unpackRecord } from "../../lib/investor-record";
import { classNames } from "../../lib/classes";
import {
  OpsContext,
  TaskInputError,
  TaskRefusedError,
  describeRevert,
  duration,
  revertDataFrom,
  isoTime,
  namedCall,
  nameOf,
  say,
  show,
} from "./context";

/** One call a task wants made. */
export interface Step {
  target: BaseContract;
  fn: string;
  args: unknown[];
  /** What it does, in the operator's words (e.g. "freeze 0xAb… entirely"). */
  summary: string;
  /**
   * Native currency (wei) the call sends, paid from the role holder's own balance (e.g. the CCIP fee of
   * `returnToSender`): the Safe transaction's value, on the call itself or on the `execute` of a scheduled call.
   */
  value?: bigint;
}

export interface ExecFlags {
  /** Simulate and print; send nothing. */
  dryRun?: boolean;
  /** Write Safe transactions for offline signing even when the owners' keys are local. */
  offline?: boolean;
  /** Folder for offline Safe transactions (a subfolder per network is added). */
  proposalsDir?: string;
  /**
   * Safe nonce of the (one) Safe transaction to write, instead of the next free one: replaces the proposals still
   * pending at that nonce (they are marked superseded).
   */
  nonce?: string;
  /** Go on although a later step (e.g. the NAV oracle at accrual, a compliance rule at mint) would refuse. */
  force?: boolean;
}

/** An event of a fund contract, decoded. */
export interface DecodedEvent {
  contract: string;
  name: string;
  args: Record<string, unknown>;
  text: string;
}

export type Outcome =
  | { status: "simulated"; step: Step; via: Via }
  | { status: "executed"; step: Step; txHash: string; blockNumber: number; events: DecodedEvent[] }
  | {
      status: "scheduled";
      step: Step;
      txHash: string;
      blockNumber: number;
      operationId: string;
      executableAt: bigint;
    }
  | {
      status: "proposed";
      step: Step;
      file: string;
      txBuilderFile: string;
      safeTxHash: string;
      nonce: bigint;
      /** Proposals this one replaced at its nonce (`--nonce`). */
      replaced: string[];
    };

export interface PerformResult {
  holder: HolderRecord;
  /** Name of the role used (e.g. "TRANSFER_AGENT"). */
  role: string;
  outcomes: Outcome[];
}

/** How the holder's Safe reaches the target: directly, by scheduling, or by executing a scheduled call. */
export type Via = "call" | "schedule" | "execute";

interface Planned {
  step: Step;
  target: string;
  data: string;
  via: Via;
  safeCall: { to: string; data: string; value?: bigint };
  delay: bigint;
}

/** The checksummed address of a contract object. */
export function addressOf(contract: BaseContract): string {
  return getAddress((contract as unknown as { target: string }).target);
}

/** The role's name in lib/deploy/roles.ts, or its id. */
export function roleLabel(id: bigint): string {
  const entry = Object.entries(ROLE_IDS).find(([, v]) => v === id);
  return entry ? entry[0] : `role ${id}`;
}

/** `Contract.fn(arg=value, ...)` of a step. */
export function describeStep(ctx: OpsContext, step: Step): string {
  const address = addressOf(step.target);
  const fragment = step.target.interface.getFunction(step.fn);
  if (!fragment) throw new Error(`${nameOf(ctx, address)} has no function ${step.fn}`);
  return `${nameOf(ctx, address)}.${namedCall(fragment, step.args)}`;
}

/** Interfaces used to decode reverts and events of the fund's contracts. */
export function fundInterfaces(ctx: OpsContext): Interface[] {
  const c = ctx.fund.contracts;
  return [
    ...ctx.fund.interfaces(),
    ...(c.reservePublisher ? [c.reservePublisher.interface] : []),
    accessManagerInterface,
  ];
}

function interfaceByName(ctx: OpsContext, name: string): Interface | undefined {
  const c = ctx.fund.contracts;
  const map: Record<string, Interface | undefined> = {
    FundToken: c.token.interface,
    ModularCompliance: c.compliance.interface,
    IdentityRegistry: c.registry.interface,
    NavOracle: c.navOracle.interface,
    ReserveGuard: c.reserveGuard.interface,
    NavPublisher: c.navPublisher?.interface,
    ReservePublisher: c.reservePublisher?.interface,
    FundManager: c.fundManager?.interface,
    DvPSettlement: c.settlement?.interface,
    CrossChainAssetEscrow: c.assetEscrow?.interface,
    CrossChainPaymentEscrow: c.paymentEscrow?.interface,
    WrappedFundToken: c.wrapper?.interface,
    AccessManager: accessManagerInterface,
  };
  // The home CCIP pool (deploy script 10_multichain): its ABI from the compiled artifacts, read when needed.
  if (name === "FundLockReleasePool")
    return new Interface(ctx.hre.artifacts.readArtifactSync("FundLockReleasePool").abi);
  return map[name];
}

/** A packed registry record as `identity/country/classes/kycExpiry[/revoked]`, or "none". */
function recordText(word: bigint): string {
  if (!isRegisteredRecord(word)) return "none";
  const r = unpackRecord(word);
  const classes = classNames(r.classes).join("|") || "no class";
  return `{identity ${r.identity}, country ${r.country}, ${classes}, KYC until ${isoTime(r.kycExpiry)}${r.revoked ? ", revoked" : ""}}`;
}

/** The fund contracts' events in a receipt, decoded (other logs, e.g. the Safe's, are skipped). */
export function decodeEvents(ctx: OpsContext, receipt: TransactionReceipt): DecodedEvent[] {
  const out: DecodedEvent[] = [];
  for (const log of receipt.logs) {
    const contract = ctx.names.get(getAddress(log.address));
    const iface = contract ? interfaceByName(ctx, contract) : undefined;
    if (!contract || !iface) continue;
    const parsed = iface.parseLog(log);
    if (!parsed) continue;
    const args: Record<string, unknown> = {};
    parsed.fragment.inputs.forEach((input, i) => (args[input.name || String(i)] = parsed.args[i]));
    const text =
      parsed.name === "InvestorRecordChanged"
        ? `${contract}.InvestorRecordChanged(wallet=${show(parsed.args[0])}, ` +
          `old=${recordText(parsed.args[1] as bigint)}, new=${recordText(parsed.args[2] as bigint)})`
        : `${contract}.${namedCall(parsed.fragment, parsed.args)}`;
    out.push({ contract, name: parsed.name, args, text });
  }
  return out;
}

/**
 * The recorded role holder holding `roleId` on the AccessManager (its grant effective). Fails, naming the
 * function and the role, when none does.
 */
export async function resolveHolder(ctx: OpsContext, roleId: bigint, what: string): Promise<RoleActor> {
  const { fund } = ctx;
  for (const role of ROLE_HOLDERS) {
    const actor = fund.as(role);
    const [member] = await fund.contracts.manager.hasRole(roleId, actor.address);
    if (member) return actor;
  }
  throw new TaskInputError(
    `${what} requires the ${roleLabel(roleId)} role, which no role holder recorded for this fund holds ` +
      `(revoked, or its grant not yet effective): nothing was sent`,
  );
}

async function plan(
  ctx: OpsContext,
  actor: RoleActor,
  step: Step,
  mode: "call" | "execute",
): Promise<Planned> {
  const manager = ctx.fund.contracts.manager;
  const target = addressOf(step.target);
  const data = step.target.interface.encodeFunctionData(step.fn, step.args);
  const selector = data.slice(0, 10);
  const [immediate, delay] = await manager.canCall(actor.address, target, selector);
  const call = describeStep(ctx, step);
  if (mode === "call") {
    if (immediate)
      return {
        step,
        target,
        data,
        via: "call",
        safeCall: { to: target, data, value: step.value ?? 0n },
        delay: 0n,
      };
    if (delay > 0n) {
      const pending = await manager.getSchedule(await manager.hashOperation(actor.address, target, data));
      if (pending !== 0n) {
        throw new TaskInputError(
          `${call} is already scheduled by the ${actor.holder.role} Safe, executable at ${isoTime(pending)}: ` +
            `run the task with --execute then`,
        );
      }
      const scheduleData = accessManagerInterface.encodeFunctionData("schedule", [target, data, 0]);
      const managerAddress = await manager.getAddress();
      return {
        step,
        target,
        data,
        via: "schedule",
        safeCall: { to: managerAddress, data: scheduleData },
        delay,
      };
    }
    throw new TaskInputError(
      `${call} cannot be called by ${actor.address}: the target is closed on the AccessManager`,
    );
  }
  if (delay === 0n) {
    throw new TaskInputError(
      `${call} has no execution delay for ${actor.holder.role}: run the task without --execute`,
    );
  }
  const operationId = await manager.hashOperation(actor.address, target, data);
  const schedule = await manager.getSchedule(operationId);
  if (schedule === 0n) {
    throw new TaskInputError(
      `${call} is not scheduled by the ${actor.holder.role} Safe ${actor.address} (never scheduled, executed, ` +
        `cancelled or expired): schedule it first by running the task without --execute`,
    );
  }
  const now = BigInt((await ctx.hre.ethers.provider.getBlock("latest"))!.timestamp);
  if (schedule > now) {
    throw new TaskInputError(
      `${call} becomes executable at ${isoTime(schedule)} (in ${duration(schedule - now)}): nothing was sent`,
    );
  }
  const executeData = accessManagerInterface.encodeFunctionData("execute", [target, data]);
  return {
    step,
    target,
    data,
    via: "execute",
    safeCall: { to: await manager.getAddress(), data: executeData, value: step.value ?? 0n },
    delay,
  };
}

/**
 * Calls sending native currency (a CCIP fee) are paid by the role holder's Safe from its own balance: refuses, naming
 * the holder, what the calls send and what the Safe lacks, when it holds less (the simulation would fail without a
 * reason, and the Safe transaction would revert). A scheduled call sends its value only when executed.
 */
async function requireNativeBalance(
  ctx: OpsContext,
  holder: HolderRecord,
  holderText: string,
  planned: Planned[],
): Promise<void> {
  const paying = planned.filter((p) => (p.safeCall.value ?? 0n) > 0n);
  if (paying.length === 0) return;
  const needed = paying.reduce((sum, p) => sum + p.safeCall.value!, 0n);
  const balance = await ctx.hre.ethers.provider.getBalance(holder.address);
  if (balance < needed) {
    const what = paying.map((p) => `${p.step.summary} (${p.safeCall.value} wei)`).join(", ");
    throw new TaskInputError(
      `The ${holderText} pays ${needed} wei of native currency from its own balance for ${what}, and holds ` +
        `${balance} wei: send it at least ${needed - balance} wei first. Nothing was sent`,
    );
  }
}

function viaText(p: Planned): string {
  return p.via === "call" ? "" : p.via === "schedule" ? "scheduling " : "executing the scheduled ";
}

function refused(ctx: OpsContext, p: Planned, error: unknown, sent: string[]): TaskRefusedError {
  const data = revertDataFrom(error);
  if (data === undefined) throw error;
  const decoded = describeRevert(data, [p.step.target.interface, ...fundInterfaces(ctx)], ctx.format);
  const reason = decoded ?? (data === "0x" ? "no reason" : `unknown error ${data}`);
  const status =
    sent.length > 0 ? `not sent; already sent before it: ${sent.join(", ")}` : "nothing was sent";
  const text = `${viaText(p)}${describeStep(ctx, p.step)} would revert with ${reason}: ${status}`;
  return new TaskRefusedError(
    text.charAt(0).toUpperCase() + text.slice(1),
    data,
    error instanceof CallRevertedError ? error.errorName : decoded?.split("(")[0],
  );
}

/**
 * Performs `steps` (all needing the same role) as described in the module comment. `mode: "execute"` runs
 * calls scheduled earlier, once their delay has passed.
 */
export async function perform(
  ctx: OpsContext,
  steps: Step[],
  flags: ExecFlags,
  mode: "call" | "execute" = "call",
): Promise<PerformResult> {
  if (flags.dryRun && flags.offline)
    throw new TaskInputError("--dry-run and --offline cannot be used together");
  if (flags.nonce !== undefined && flags.dryRun)
    throw new TaskInputError("--nonce places a proposal in the queue: it cannot be used with --dry-run");
  if (steps.length === 0) throw new Error("perform: no step given");
  const { fund, hre } = ctx;
  const provider = hre.ethers.provider;
  const manager = fund.contracts.manager;

  const roles = await Promise.all(
    steps.map(async (s) => {
      const target = addressOf(s.target);
      const selector = s.target.interface.getFunction(s.fn)!.selector;
      return manager.getTargetFunctionRole(target, selector);
    }),
  );
  const roleId = roles[0];
  if (roles.some((r) => r !== roleId)) throw new Error("perform: the steps need different roles");
  if (roleId === PUBLIC_ROLE) throw new Error("perform: the function is public, no role holder needed");
  const first = steps[0];
  const what = `${nameOf(ctx, addressOf(first.target))}.${first.fn}`;
  const actor = await resolveHolder(ctx, roleId, what);
  const role = roleLabel(roleId);
  const holder = actor.holder;
  const holderText = `${holder.role} ${holder.kind === "safe" ? "Safe" : "account"} ${holder.address}`;

  if (flags.nonce !== undefined && !flags.offline && actor.signers.length > 0) {
    throw new TaskInputError(
      "--nonce places a proposal in the queue for owners who sign elsewhere: add --offline (the owners' keys are " +
        "local here, so the task would otherwise execute at once)",
    );
  }
  const planned: Planned[] = [];
  for (const step of steps) planned.push(await plan(ctx, actor, step, mode));
  await requireNativeBalance(ctx, holder, holderText, planned);
  for (const p of planned) {
    try {
      await simulateCall(provider, holder.address, p.safeCall, [
        p.step.target.interface,
        ...fundInterfaces(ctx),
      ]);
    } catch (error) {
      throw refused(ctx, p, error, []);
    }
  }

  const outcomes: Outcome[] = [];
  if (flags.dryRun) {
    say(`Dry run as ${role} (${holderText}): nothing is sent.`);
    for (const p of planned) {
      const suffix =
        p.via === "schedule"
          ? ` (scheduled behind the ${role} execution delay of ${duration(p.delay)})`
          : p.via === "execute"
            ? " (executing the scheduled call)"
            : "";
      say(`  would ${p.step.summary}: ${describeStep(ctx, p.step)}${suffix}: simulation succeeded`);
      outcomes.push({ status: "simulated", step: p.step, via: p.via });
    }
    return { holder, role, outcomes };
  }

  if (flags.offline || actor.signers.length === 0) {
    const outcomes = await proposeCalls(
      ctx,
      holder,
      role,
      planned.map((p) => ({
        step: p.step,
        text: `${viaText(p)}${describeStep(ctx, p.step)}`,
        action: p.via === "call" ? p.step.fn : `${p.via}-${p.step.fn}`,
        call: p.safeCall,
      })),
      flags,
    );
    return { holder, role, outcomes };
  }

  const sent: string[] = [];
  for (const p of planned) {
    try {
      if (mode === "execute") {
        const r = await actor.execute(p.step.target, p.step.fn, p.step.args, p.step.value);
        outcomes.push(executed(ctx, p.step, r.receipt));
      } else {
        const r = await actor.call(p.step.target, p.step.fn, p.step.args, p.step.value);
        if (r.status === "executed") outcomes.push(executed(ctx, p.step, r.receipt));
        else {
          outcomes.push({
            status: "scheduled",
            step: p.step,
            txHash: r.receipt.hash,
            blockNumber: r.receipt.blockNumber,
            operationId: r.operationId,
            executableAt: r.executableAt,
          });
        }
      }
    } catch (error) {
      throw refused(ctx, p, error, sent);
    }
    const o = outcomes[outcomes.length - 1] as Extract<Outcome, { txHash: string }>;
    sent.push(o.txHash);
    printOutcome(holderText, role, o);
  }
  return { holder, role, outcomes };
}

function executed(ctx: OpsContext, step: Step, receipt: TransactionReceipt): Outcome {
  return {
    status: "executed",
    step,
    txHash: receipt.hash,
    blockNumber: receipt.blockNumber,
    events: decodeEvents(ctx, receipt),
  };
}

/** Events printed one by one; beyond, a count per event (a batch of 100 registrations emits 200). */
const MAX_EVENTS_PRINTED = 8;

function printOutcome(holderText: string, role: string, o: Outcome): void {
  if (o.status === "executed") {
    say(`${o.step.summary}: done by ${holderText} (${role}), tx ${o.txHash} (block ${o.blockNumber})`);
    if (o.events.length <= MAX_EVENTS_PRINTED) for (const e of o.events) say(`  ${e.text}`);
    else {
      const counts = new Map<string, number>();
      for (const e of o.events)
        counts.set(`${e.contract}.${e.name}`, (counts.get(`${e.contract}.${e.name}`) ?? 0) + 1);
      say(`  ${o.events.length} events: ${[...counts].map(([k, n]) => `${k} x${n}`).join(", ")}`);
    }
  } else if (o.status === "scheduled") {
    say(`${o.step.summary}: scheduled by ${holderText} (${role}), tx ${o.txHash} (block ${o.blockNumber})`);
    say(`  operation ${o.operationId}`);
    say(`  executable from ${isoTime(o.executableAt)}: run the same task with --execute then`);
    say(`  the guardian can cancel it until it is executed`);
  }
}

/** One Safe transaction to write for offline signing. */
export interface CallToPropose {
  step: Step;
  /** `Contract.fn(arg=value, ...)` (with "scheduling " / "executing the scheduled " when it goes through the manager). */
  text: string;
  /** Short name in the file name, e.g. `mint`, `schedule-unpause`. */
  action: string;
  call: { to: string; data: string; value?: bigint };
}

/** `--nonce`: a Safe nonce (a non-negative integer). */
function parseNonce(value: unknown): bigint {
  const v = String(value).trim();
  if (!/^\d{1,19}$/.test(v)) throw new TaskInputError(`--nonce: "${v}" is not a Safe nonce (a whole number)`);
  return BigInt(v);
}

/** The Transaction Service of the network, when one is configured. */
export function txServiceOf(ctx: OpsContext, chainId: bigint): TxService | undefined {
  const url = serviceUrl(ctx.network);
  return url ? new TxService(url, chainId) : undefined;
}

/** The chain as the queue sees it for a Safe (its next nonce, the chain's block 0). */
export async function chainView(ctx: OpsContext, safe: string, nonce: bigint): Promise<ChainView> {
  const provider = ctx.hre.ethers.provider;
  const [network, genesis] = await Promise.all([provider.getNetwork(), provider.getBlock(0)]);
  return { safe, chainId: network.chainId, nonce, genesis: genesis?.hash ?? undefined };
}

/**
 * Writes each call as a Safe transaction of the holder's Safe into the queue (lib/safe-queue.ts), with
 * consecutive nonces after the last pending one (or at `--nonce`, replacing what is pending there), and prints
 * where, with what the owners do next.
 */
export async function proposeCalls(
  ctx: OpsContext,
  holder: HolderRecord,
  role: string,
  calls: CallToPropose[],
  flags: ExecFlags,
): Promise<Extract<Outcome, { status: "proposed" }>[]> {
  if (holder.kind !== "safe") {
    throw new TaskInputError(
      `The ${holder.role} holder ${holder.address} is a plain account whose key is not available here: ` +
        `run the task where its key is`,
    );
  }
  const provider = ctx.hre.ethers.provider;
  const state = await readSafeState(holder.address, provider);
  const view = await chainView(ctx, state.address, state.nonce);
  const dir = queueDir(flags.proposalsDir ?? "proposals", ctx.network);
  const entries = listProposals(dir);
  const service = txServiceOf(ctx, state.chainId);
  const servicePending = service ? await service.pendingNonces(state.address, state.nonce) : [];
  const free = nextNonce(entries, view, servicePending);
  let first = free;
  if (flags.nonce !== undefined) {
    const n = parseNonce(flags.nonce);
    if (calls.length > 1) {
      throw new TaskInputError(
        `--nonce: this run writes ${calls.length} Safe transactions; --nonce replaces one at a time: nothing was written`,
      );
    }
    if (n < state.nonce) {
      throw new TaskInputError(
        `--nonce: nonce ${n} was already used by the ${holder.role} Safe ${state.address} (its next nonce is ` +
          `${state.nonce}): nothing was written`,
      );
    }
    if (n > free) {
      throw new TaskInputError(
        `--nonce: nonce ${n} would leave a gap the Safe cannot pass (the next free nonce is ${free}): nothing was written`,
      );
    }
    first = n;
  }
  const why = flags.offline ? "--offline" : "the owners' keys are not available here";
  say(
    `${role} is held by ${holder.role} Safe ${holder.address} (${state.threshold} of ${state.owners.length} owners); ` +
      `${why}:`,
  );
  const outcomes: Extract<Outcome, { status: "proposed" }>[] = [];
  for (const [i, c] of calls.entries()) {
    const nonce = first + BigInt(i);
    const proposal = await buildProposal(state, buildSafeTx(c.call, nonce), provider, {
      summary: c.step.summary,
      role: holder.role,
      action: c.action,
    });
    const { file, txBuilderFile, existed } = writeProposal(dir, proposal, txBuilderBatch(proposal));
    const replaced =
      flags.nonce !== undefined ? await supersede(entries, view, nonce, proposal.safeTxHash) : [];
    say(`  ${c.step.summary}: ${c.text}`);
    say(`    Safe transaction nonce ${nonce}, safeTxHash ${proposal.safeTxHash}`);
    say(
      existed
        ? `    already in the queue: ${file} (kept with its signatures)`
        : `    written to ${file} (Safe{Wallet} Transaction Builder: ${txBuilderFile})`,
    );
    for (const r of replaced) say(`    replaces ${r} (marked superseded)`);
    outcomes.push({
      status: "proposed",
      step: c.step,
      file,
      txBuilderFile: txBuilderFile!,
      safeTxHash: proposal.safeTxHash,
      nonce,
      replaced,
    });
  }
  say(
    `  Owners sign each file (${state.threshold} of: ${state.owners.join(", ")}) with safe:sign --file <file>; ` +
      `safe:execute then sends them in nonce order.` +
      (service
        ? ` Signatures go to the Transaction Service ${service.url}.`
        : ` (No Transaction Service configured: ${serviceUrlVariable(ctx.network)}.)`),
  );
  return outcomes;
}

/**
 * Adds `--dry-run`, `--offline`, `--proposals-dir` and `--nonce` to a state-changing task (`--nonce` needs
 * `--offline` or remote owners: it places a proposal in the queue).
 */
export function withExecutionFlags(t: ConfigurableTaskDefinition): ConfigurableTaskDefinition {
  return t
    .addFlag("dryRun", "Simulate from the role holder's address and print what would happen; send nothing")
    .addFlag(
      "offline",
      "Write the Safe transaction(s) for offline signing even when the owners' keys are local",
    )
    .addOptionalParam("proposalsDir", "Folder for Safe transactions to sign offline", "proposals")
    .addOptionalParam(
      "nonce",
      "Safe nonce of the proposal written (default: after the last pending one); replaces what is pending there",
    );
}
