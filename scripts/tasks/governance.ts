/**
 * Operations waiting their delay on the AccessManager: `governance:scheduled` lists them (from the manager's
 * `OperationScheduled` events, kept while `getSchedule` still has them at the event's nonce), and
 * `governance:cancel` has the guardian of the function's role cancel one (`cancel(caller, target, data)`), through
 * its Safe: executed at once where the owners' keys are local, else written to the proposal queue.
 */
import { task, types } from "hardhat/config";
import { getAddress, type Log } from "ethers";
import { execSafeTransaction, simulateCall } from "../../lib/safe";
import { accessManagerInterface } from "../../lib/governance";
import { deploymentBlock, scanLogs } from "../../lib/log-scan";
import { formatDuration, formatIsoTime } from "../../lib/format";
import { ROLE_HOLDERS } from "../../lib/config/types";
import {
  OpsContext,
  TaskInputError,
  TaskRefusedError,
  describeRevert,
  revertDataFrom,
  runTask,
  say,
} from "./context";
import {
  ExecFlags,
  Outcome,
  PerformResult,
  Step,
  addressOf,
  decodeEvents,
  fundInterfaces,
  proposeCalls,
  resolveHolder,
  roleLabel,
  withExecutionFlags,
} from "./execute";
import { describeCall } from "./safe";

/** An operation scheduled on the AccessManager and still waiting (not executed, cancelled or expired). */
export interface ScheduledOperation {
  operationId: string;
  nonce: bigint;
  /** The account (a role holder's Safe) that scheduled it; only it can execute it. */
  caller: string;
  callerLabel: string;
  target: string;
  data: string;
  /** `Contract.fn(arg=value, ...)`. */
  call: string;
  executableAt: bigint;
  expiresAt: bigint;
  /** The role of the function, and the role that guards it (can cancel). */
  role: bigint;
  guardianRole: bigint;
}

function holderLabel(ctx: OpsContext, address: string): string {
  const roles = ROLE_HOLDERS.filter((r) => getAddress(ctx.fund.as(r).address) === getAddress(address));
  return roles.length ? `${roles.join("/")} Safe` : address;
}

/** The operations scheduled on the fund's AccessManager that are still waiting, soonest first. */
export async function scheduledOperations(ctx: OpsContext): Promise<ScheduledOperation[]> {
  const provider = ctx.hre.ethers.provider;
  const manager = ctx.fund.contracts.manager;
  const managerAddress = addressOf(manager);
  const logs: Log[] = await scanLogs(provider, managerAddress, {
    fromBlock: await deploymentBlock(ctx.hre.deployments, provider, "AccessManager"),
    toBlock: await provider.getBlockNumber(),
    topics: [accessManagerInterface.getEvent("OperationScheduled")!.topicHash],
  });
  const latest = new Map<
    string,
    { nonce: bigint; schedule: bigint; caller: string; target: string; data: string }
  >();
  for (const log of logs) {
    const e = accessManagerInterface.parseLog(log)!;
    latest.set(e.args.operationId as string, {
      nonce: BigInt(e.args.nonce),
      schedule: BigInt(e.args.schedule),
      caller: getAddress(e.args.caller as string),
      target: getAddress(e.args.target as string),
      data: e.args.data as string,
    });
  }
  const expiration = BigInt(await manager.expiration());
  const out: ScheduledOperation[] = [];
  for (const [operationId, op] of latest) {
    const [schedule, nonce] = await Promise.all([
      manager.getSchedule(operationId),
      manager.getNonce(operationId),
    ]);
    if (schedule === 0n || BigInt(nonce) !== op.nonce) continue;
    const role = await manager.getTargetFunctionRole(op.target, op.data.slice(0, 10));
    out.push({
      operationId,
      nonce: op.nonce,
      caller: op.caller,
      callerLabel: holderLabel(ctx, op.caller),
      target: op.target,
      data: op.data,
      call: describeCall(ctx, op.target, op.data),
      executableAt: schedule,
      expiresAt: schedule + expiration,
      role,
      guardianRole: await manager.getRoleGuardian(role),
    });
  }
  return out.sort((a, b) => (a.executableAt < b.executableAt ? -1 : a.executableAt > b.executableAt ? 1 : 0));
}

/** Prints the operations waiting on the AccessManager: who scheduled what, when it can run, who can cancel it. */
export async function listScheduled(ctx: OpsContext): Promise<ScheduledOperation[]> {
  const ops = await scheduledOperations(ctx);
  const now = BigInt((await ctx.hre.ethers.provider.getBlock("latest"))!.timestamp);
  say(`${ops.length} operation(s) scheduled on the AccessManager (chain time ${formatIsoTime(now)}):`);
  for (const op of ops) {
    const when =
      op.executableAt > now
        ? `executable from ${formatIsoTime(op.executableAt)} (in ${formatDuration(op.executableAt - now)})`
        : `executable now (since ${formatIsoTime(op.executableAt)})`;
    say(`  ${op.operationId}`);
    say(`    ${op.call}, scheduled by the ${op.callerLabel} ${op.caller}`);
    say(`    ${when}; expires ${formatIsoTime(op.expiresAt)}`);
    say(
      `    cancellable by ${roleLabel(op.guardianRole)} (guardian of ${roleLabel(op.role)}): governance:cancel ` +
        `--operation ${op.operationId}`,
    );
  }
  return ops;
}

export interface CancelArgs extends ExecFlags {
  operation: string;
}

/**
 * Has the guardian of the operation's role cancel it, through the guardian's Safe (simulated first). Refused, with
 * nothing sent, for an operation that is not waiting (never scheduled, executed, cancelled or expired).
 */
export async function cancelOperation(ctx: OpsContext, args: CancelArgs): Promise<PerformResult> {
  const id = String(args.operation ?? "").trim();
  if (!/^0x[0-9a-fA-F]{64}$/.test(id)) {
    throw new TaskInputError(`--operation: "${id}" is not an operation id (0x and 64 hex digits)`);
  }
  if (args.dryRun && args.offline)
    throw new TaskInputError("--dry-run and --offline cannot be used together");
  const op = (await scheduledOperations(ctx)).find((o) => o.operationId.toLowerCase() === id.toLowerCase());
  if (!op) {
    throw new TaskInputError(
      `--operation: ${id} is not waiting on the AccessManager (never scheduled, executed, cancelled or expired; ` +
        `governance:scheduled lists those that are): nothing was sent`,
    );
  }
  const manager = ctx.fund.contracts.manager;
  const actor = await resolveHolder(ctx, op.guardianRole, `Cancelling ${op.call}`);
  const role = roleLabel(op.guardianRole);
  const step: Step = {
    target: manager,
    fn: "cancel",
    args: [op.caller, op.target, op.data],
    summary: `cancel ${op.call} scheduled by the ${op.callerLabel}`,
  };
  const call = {
    to: addressOf(manager),
    data: manager.interface.encodeFunctionData("cancel", [op.caller, op.target, op.data]),
  };
  const holder = actor.holder;
  const holderText = `${holder.role} ${holder.kind === "safe" ? "Safe" : "account"} ${holder.address}`;
  try {
    await simulateCall(ctx.hre.ethers.provider, holder.address, call, fundInterfaces(ctx));
  } catch (error) {
    const data = revertDataFrom(error);
    if (data === undefined) throw error;
    const reason = describeRevert(data, fundInterfaces(ctx), ctx.format) ?? `unknown error ${data}`;
    throw new TaskRefusedError(
      `${step.summary} would revert with ${reason}: nothing was sent`,
      data,
      reason.split("(")[0],
    );
  }
  if (args.dryRun) {
    say(`Dry run as ${role} (${holderText}): nothing is sent.`);
    say(`  would ${step.summary}: AccessManager.cancel(...): simulation succeeded`);
    return { holder, role, outcomes: [{ status: "simulated", step, via: "call" }] };
  }
  if (args.offline || actor.signers.length === 0) {
    const outcomes: Outcome[] = await proposeCalls(
      ctx,
      holder,
      role,
      [{ step, text: `AccessManager.cancel(${op.operationId})`, action: "cancel", call }],
      args,
    );
    return { holder, role, outcomes };
  }
  if (args.nonce !== undefined) {
    throw new TaskInputError("--nonce places a proposal in the queue: add --offline");
  }
  const receipt =
    holder.kind === "safe"
      ? (await execSafeTransaction(holder.address, call, actor.signers, { interfaces: fundInterfaces(ctx) }))
          .receipt
      : (await (await actor.signers[0].sendTransaction(call)).wait())!;
  const events = decodeEvents(ctx, receipt);
  say(`${step.summary}: done by ${holderText} (${role}), tx ${receipt.hash} (block ${receipt.blockNumber})`);
  for (const e of events) say(`  ${e.text}`);
  return {
    holder,
    role,
    outcomes: [{ status: "executed", step, txHash: receipt.hash, blockNumber: receipt.blockNumber, events }],
  };
}

export function registerGovernanceTasks(): void {
  task(
    "governance:scheduled",
    "Lists the operations waiting their delay on the AccessManager, when they run and who can cancel them",
  ).setAction((_args, hre) => runTask(hre, (ctx) => listScheduled(ctx)));

  withExecutionFlags(
    task(
      "governance:cancel",
      "Cancels a scheduled operation as the guardian of its role (GUARDIAN)",
    ).addParam("operation", "Operation id (governance:scheduled lists them)", undefined, types.string),
  ).setAction((args, hre) => runTask(hre, (ctx) => cancelOperation(ctx, args)));
}
