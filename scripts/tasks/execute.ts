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
import * as path from "path";
import type { ConfigurableTaskDefinition } from "hardhat/types";
import { BaseContract, Interface, TransactionReceipt, getAddress } from "ethers";
import type { RoleActor, HolderRecord } from "../lib/fund";
import { CallRevertedError, proposeSafeTransaction, readSafeState, simulateCall } from "../lib/safe";
import { PUBLIC_ROLE, accessManagerInterface } from "../lib/governance";
import { ROLE_HOLDERS } from "../../deploy/config/types";
import { ROLE_IDS } from "../../deploy/lib/roles";
import { isRegisteredRecord, unpackRecord } from "../lib/investor-record";
import { classNames } from "../lib/classes";
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
}

export interface ExecFlags {
  /** Simulate and print; send nothing. */
  dryRun?: boolean;
  /** Write Safe transactions for offline signing even when the owners' keys are local. */
  offline?: boolean;
  /** Folder for offline Safe transactions (a subfolder per network is added). */
  proposalsDir?: string;
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
  safeCall: { to: string; data: string };
  delay: bigint;
}

/** The checksummed address of a contract object. */
export function addressOf(contract: BaseContract): string {
  return getAddress((contract as unknown as { target: string }).target);
}

/** The role's name in deploy/lib/roles.ts, or its id. */
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
    if (immediate) return { step, target, data, via: "call", safeCall: { to: target, data }, delay: 0n };
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
    safeCall: { to: await manager.getAddress(), data: executeData },
    delay,
  };
}

function viaText(p: Planned): string {
  return p.via === "call" ? "" : p.via === "schedule" ? "scheduling " : "executing the scheduled ";
}

function refused(ctx: OpsContext, p: Planned, error: unknown, sent: string[]): TaskRefusedError {
  const data = revertDataFrom(error);
  if (data === undefined) throw error;
  const decoded = describeRevert(data, [p.step.target.interface, ...fundInterfaces(ctx)]);
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

  const planned: Planned[] = [];
  for (const step of steps) planned.push(await plan(ctx, actor, step, mode));
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
    if (holder.kind !== "safe") {
      throw new TaskInputError(
        `The ${holder.role} holder ${holder.address} is a plain account whose key is not available here: ` +
          `run the task where its key is`,
      );
    }
    const state = await readSafeState(holder.address, provider);
    const dir = path.join(flags.proposalsDir ?? "proposals", ctx.network);
    const why = flags.offline ? "--offline" : "the owners' keys are not available here";
    say(`${role} is held by ${holderText} (${state.threshold} of ${state.owners.length} owners); ${why}:`);
    for (const [i, p] of planned.entries()) {
      const nonce = state.nonce + BigInt(i);
      const action = p.via === "call" ? p.step.fn : `${p.via}-${p.step.fn}`;
      const base = path.join(dir, `${holder.role}-nonce${nonce}-${action}`);
      const file = `${base}.json`;
      const txBuilderFile = `${base}.tx-builder.json`;
      const safeTxHash = await proposeSafeTransaction(holder.address, p.safeCall, provider, {
        outFile: file,
        nonce,
        txBuilderFile,
      });
      say(`  ${p.step.summary}: ${viaText(p)}${describeStep(ctx, p.step)}`);
      say(`    Safe transaction nonce ${nonce}, safeTxHash ${safeTxHash}`);
      say(`    written to ${file} (Safe{Wallet} Transaction Builder: ${txBuilderFile})`);
      outcomes.push({ status: "proposed", step: p.step, file, txBuilderFile, safeTxHash, nonce });
    }
    say(
      `  Owners sign the safeTxHash (${state.threshold} of: ${state.owners.join(", ")}); execute in nonce order.`,
    );
    return { holder, role, outcomes };
  }

  const sent: string[] = [];
  for (const p of planned) {
    try {
      if (mode === "execute") {
        const r = await actor.execute(p.step.target, p.step.fn, p.step.args);
        outcomes.push(executed(ctx, p.step, r.receipt));
      } else {
        const r = await actor.call(p.step.target, p.step.fn, p.step.args);
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

/** Adds `--dry-run`, `--offline` and `--proposals-dir` to a state-changing task. */
export function withExecutionFlags(t: ConfigurableTaskDefinition): ConfigurableTaskDefinition {
  return t
    .addFlag("dryRun", "Simulate from the role holder's address and print what would happen; send nothing")
    .addFlag(
      "offline",
      "Write the Safe transaction(s) for offline signing even when the owners' keys are local",
    )
    .addOptionalParam("proposalsDir", "Folder for Safe transactions to sign offline", "proposals");
}
