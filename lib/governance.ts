/**
 * Calls through the suite's OpenZeppelin AccessManager, made by a Safe (or, for local tooling, a plain
 * signer): execute at once when the caller's role has no execution delay, otherwise schedule and later
 * execute, and let a guardian cancel. Each step is simulated first so a refusal surfaces its real error.
 */
import {
  Addressable,
  Contract,
  Interface,
  InterfaceAbi,
  Provider,
  Signer,
  TransactionReceipt,
  TransactionResponse,
  dataLength,
  dataSlice,
  getAddress,
  resolveAddress,
} from "ethers";
import { execSafeTransaction, simulateCall } from "./safe";
import { Roles } from "./generated/contracts";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const accessManagerAbi = (
  require("@openzeppelin/contracts/build/contracts/AccessManager.json") as { abi: InterfaceAbi }
).abi;

/** The AccessManager's interface: encodes schedule/execute/cancel and decodes its errors and events. */
export const accessManagerInterface = new Interface(accessManagerAbi);

/** `IAccessManaged.setAuthority`, which `canCall` reserves to ADMIN_ROLE on every target. */
const setAuthoritySelector = new Interface(["function setAuthority(address)"]).getFunction(
  "setAuthority",
)!.selector;

/** AccessManager's built-in roles (Roles.ADMIN and Roles.PUBLIC of contracts/governance/Roles.sol, generated). */
export const ADMIN_ROLE: bigint = Roles.ADMIN;
export const PUBLIC_ROLE: bigint = Roles.PUBLIC;

/**
 * Who makes the call: the address of a Safe (its owners sign, see `signers`), or a signer calling
 * directly (local tooling and tests).
 */
export type Caller = string | Signer;

export interface ManagedCallParams {
  /** The AccessManager. */
  manager: string | Addressable;
  caller: Caller;
  target: string;
  /** Full calldata for the target (selector and arguments). */
  data: string;
  /**
   * Native currency sent with the call (wei), paid by the caller (its Safe's balance): with the call itself, or with
   * `execute` when the call is scheduled (`schedule` carries none). Default 0.
   */
  value?: bigint;
  /** Owners of the caller Safe who sign (at least its threshold). Unused for a signer caller. */
  signers?: Signer[];
  /** Account that sends Safe transactions and pays gas (defaults to the first signer). */
  sender?: Signer;
  /** ABIs of the target, used to name functions and decode its errors. */
  interfaces?: Interface[];
  /** Readable labels of role ids (e.g. from the deploy config), used in error messages. */
  roleNames?: Record<string, string>;
}

export interface TxResult {
  response: TransactionResponse;
  receipt: TransactionReceipt;
}

export type ManagedCallResult =
  | ({ status: "executed" } & TxResult)
  | ({ status: "scheduled"; operationId: string; nonce: bigint; executableAt: bigint } & TxResult);

/** Thrown when the caller holds no role that may call the function. */
export class UnauthorizedManagedCallError extends Error {
  constructor(
    message: string,
    readonly caller: string,
    readonly target: string,
    readonly selector: string,
    readonly requiredRole: bigint | undefined,
  ) {
    super(message);
    this.name = "UnauthorizedManagedCallError";
  }
}

interface Context {
  manager: Contract;
  managerAddress: string;
  provider: Provider;
  callerAddress: string;
  interfaces: Interface[];
}

async function context(p: ManagedCallParams | CancelParams, caller: Caller): Promise<Context> {
  const runner = typeof caller === "string" ? (p.sender ?? p.signers?.[0]) : caller;
  if (!runner?.provider) {
    throw new Error(
      typeof caller === "string"
        ? `Owners' signers are needed to act through Safe ${caller}`
        : "The caller signer is not connected to a provider",
    );
  }
  const managerAddress = getAddress(await resolveAddress(p.manager));
  return {
    manager: new Contract(managerAddress, accessManagerInterface, runner.provider),
    managerAddress,
    provider: runner.provider,
    callerAddress: getAddress(typeof caller === "string" ? caller : await caller.getAddress()),
    interfaces: [...(p.interfaces ?? []), accessManagerInterface],
  };
}

function selectorOf(data: string): string {
  if (dataLength(data) < 4) throw new Error(`Calldata ${data} has no function selector`);
  return dataSlice(data, 0, 4);
}

function functionLabel(selector: string, interfaces: Interface[]): string {
  for (const iface of interfaces) {
    const fn = iface.getFunction(selector);
    if (fn) return `${fn.format("sighash")} (${selector})`;
  }
  return `function ${selector}`;
}

function roleLabel(role: bigint, names: Record<string, string> = {}): string {
  const name =
    names[role.toString()] ??
    (role === ADMIN_ROLE ? "ADMIN_ROLE" : role === PUBLIC_ROLE ? "PUBLIC_ROLE" : undefined);
  return name ? `role ${role} (${name})` : `role ${role}`;
}

/** What the AccessManager requires of `caller` for `data` on `target`. */
interface Requirement {
  immediate: boolean;
  delay: bigint;
  role: bigint;
  closed: boolean;
}

async function hasRole(manager: Contract, role: bigint, account: string): Promise<[boolean, bigint]> {
  const [isMember, delay] = (await manager.hasRole(role, account)) as [boolean, bigint];
  return [isMember, delay];
}

/**
 * `canCall` answers for any target but the AccessManager itself, whose own functions are guarded by
 * admin rules (`_getAdminRestrictions`) that `canCall` does not apply. Those rules are mirrored here.
 */
async function requirement(ctx: Context, target: string, data: string): Promise<Requirement> {
  const { manager } = ctx;
  const selector = selectorOf(data);
  if (target !== ctx.managerAddress) {
    const [[immediate, delay], closed] = await Promise.all([
      manager.canCall(ctx.callerAddress, target, selector) as Promise<[boolean, bigint]>,
      manager.isTargetClosed(target) as Promise<boolean>,
    ]);
    const role =
      selector === setAuthoritySelector
        ? ADMIN_ROLE
        : ((await manager.getTargetFunctionRole(target, selector)) as bigint);
    return { immediate, delay, role, closed };
  }

  const fn = accessManagerInterface.getFunction(selector);
  let role: bigint;
  let operationDelay = 0n;
  let adminRestricted = true;
  switch (fn?.name) {
    case "labelRole":
    case "setRoleAdmin":
    case "setRoleGuardian":
    case "setGrantDelay":
    case "setTargetAdminDelay":
      role = ADMIN_ROLE;
      break;
    case "updateAuthority":
    case "setTargetClosed":
    case "setTargetFunctionRole": {
      const [firstTarget] = accessManagerInterface.decodeFunctionData(fn, data);
      role = ADMIN_ROLE;
      operationDelay = (await manager.getTargetAdminDelay(firstTarget)) as bigint;
      break;
    }
    case "grantRole":
    case "revokeRole": {
      const [roleId] = accessManagerInterface.decodeFunctionData(fn, data);
      role = (await manager.getRoleAdmin(roleId)) as bigint;
      break;
    }
    default:
      adminRestricted = false;
      role = (await manager.getTargetFunctionRole(ctx.managerAddress, selector)) as bigint;
  }
  const closed = !adminRestricted && ((await manager.isTargetClosed(ctx.managerAddress)) as boolean);
  const [isMember, executionDelay] = await hasRole(manager, role, ctx.callerAddress);
  if (closed || !isMember) return { immediate: false, delay: 0n, role, closed };
  const delay = operationDelay > executionDelay ? operationDelay : executionDelay;
  return { immediate: delay === 0n, delay, role, closed };
}

/** Sends `{to, data, value}` as the caller: through its Safe, or directly after a simulation. */
async function send(
  ctx: Context,
  caller: Caller,
  p: { signers?: Signer[]; sender?: Signer },
  to: string,
  data: string,
  value = 0n,
): Promise<TxResult> {
  if (typeof caller === "string") {
    const { response, receipt } = await execSafeTransaction(caller, { to, data, value }, p.signers ?? [], {
      sender: p.sender,
      interfaces: ctx.interfaces,
    });
    return { response, receipt };
  }
  await simulateCall(
    ctx.provider,
    ctx.callerAddress,
    { to, data, value },
    ctx.interfaces,
    `Call from ${ctx.callerAddress}`,
  );
  const response = await caller.sendTransaction({ to, data, value });
  const receipt = await response.wait();
  if (!receipt) throw new Error(`Transaction ${response.hash} was not mined`);
  return { response, receipt };
}

function managerEvent(ctx: Context, receipt: TransactionReceipt, name: string) {
  for (const log of receipt.logs) {
    if (getAddress(log.address) !== ctx.managerAddress) continue;
    const parsed = accessManagerInterface.parseLog(log);
    if (parsed?.name === name) return parsed;
  }
  throw new Error(`Transaction ${receipt.hash} emitted no ${name} event from the AccessManager`);
}

/**
 * Calls `target` with `data` as `caller`, as the AccessManager allows: executes at once when the caller's
 * role has no execution delay, otherwise schedules the call (`schedule(target, data, 0)`) and returns the
 * operation id and the earliest time (unix seconds) {@link executeScheduled} may run it.
 */
export async function managedCall(p: ManagedCallParams): Promise<ManagedCallResult> {
  const ctx = await context(p, p.caller);
  const target = getAddress(p.target);
  const selector = selectorOf(p.data);
  const req = await requirement(ctx, target, p.data);

  if (req.immediate) {
    return { status: "executed", ...(await send(ctx, p.caller, p, target, p.data, p.value)) };
  }
  if (req.delay === 0n) {
    const fn = functionLabel(selector, ctx.interfaces);
    const why = req.closed
      ? `target ${target} is closed`
      : `it needs ${roleLabel(req.role, p.roleNames)}, which ${ctx.callerAddress} does not hold`;
    throw new UnauthorizedManagedCallError(
      `${ctx.callerAddress} may not call ${fn} on ${target}: ${why}`,
      ctx.callerAddress,
      target,
      selector,
      req.closed ? undefined : req.role,
    );
  }

  const scheduleData = accessManagerInterface.encodeFunctionData("schedule", [target, p.data, 0]);
  const result = await send(ctx, p.caller, p, ctx.managerAddress, scheduleData);
  const event = managerEvent(ctx, result.receipt, "OperationScheduled");
  return {
    status: "scheduled",
    operationId: event.args.operationId as string,
    nonce: event.args.nonce as bigint,
    executableAt: event.args.schedule as bigint,
    ...result,
  };
}

export interface ScheduledResult extends TxResult {
  operationId: string;
  nonce: bigint;
}

async function scheduledOperation(ctx: Context, scheduler: string, target: string, data: string) {
  const operationId = (await ctx.manager.hashOperation(scheduler, target, data)) as string;
  const timepoint = (await ctx.manager.getSchedule(operationId)) as bigint;
  if (timepoint === 0n) {
    throw new Error(
      `Operation ${operationId} (${scheduler} -> ${functionLabel(selectorOf(data), ctx.interfaces)} on ${target}) ` +
        `is not scheduled: never scheduled, already executed, cancelled or expired`,
    );
  }
  return { operationId, timepoint };
}

/**
 * Executes an operation `caller` scheduled earlier, through `manager.execute(target, data)`, once its
 * delay has passed. Only the account that scheduled it can execute it.
 */
export async function executeScheduled(p: ManagedCallParams): Promise<ScheduledResult> {
  const ctx = await context(p, p.caller);
  const target = getAddress(p.target);
  const { operationId, timepoint } = await scheduledOperation(ctx, ctx.callerAddress, target, p.data);
  const latest = await ctx.provider.getBlock("latest");
  if (latest && timepoint > BigInt(latest.timestamp)) {
    throw new Error(
      `Operation ${operationId} is not executable before ${new Date(Number(timepoint) * 1000).toISOString()} ` +
        `(${timepoint - BigInt(latest.timestamp)} s from the latest block)`,
    );
  }
  const executeData = accessManagerInterface.encodeFunctionData("execute", [target, p.data]);
  const result = await send(ctx, p.caller, p, ctx.managerAddress, executeData, p.value);
  const event = managerEvent(ctx, result.receipt, "OperationExecuted");
  return { operationId, nonce: event.args.nonce as bigint, ...result };
}

export interface CancelParams {
  manager: string | Addressable;
  /** Who cancels: the scheduler itself, an admin, or a guardian of the target function's role. */
  canceller: Caller;
  /** The account (usually a Safe) that scheduled the operation. */
  scheduler: string;
  target: string;
  data: string;
  signers?: Signer[];
  sender?: Signer;
  interfaces?: Interface[];
}

/** Cancels a scheduled operation with `manager.cancel(scheduler, target, data)`. */
export async function cancelScheduled(p: CancelParams): Promise<ScheduledResult> {
  const ctx = await context(p, p.canceller);
  const target = getAddress(p.target);
  const scheduler = getAddress(p.scheduler);
  const { operationId } = await scheduledOperation(ctx, scheduler, target, p.data);
  const cancelData = accessManagerInterface.encodeFunctionData("cancel", [scheduler, target, p.data]);
  const result = await send(ctx, p.canceller, p, ctx.managerAddress, cancelData);
  const event = managerEvent(ctx, result.receipt, "OperationCanceled");
  return { operationId, nonce: event.args.nonce as bigint, ...result };
}
