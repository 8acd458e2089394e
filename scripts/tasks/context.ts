/**
 * What every operations task shares: the errors it fails with (shown by Hardhat without a stack trace), where
 * it prints, and the fund of the connected network, loaded only once the network is known to hold a complete
 * deployment.
 *
 * Nothing here registers a task: the task modules import it, and tests and the demo can call the plain
 * functions of those modules with a context from {@link loadOpsContext}.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { HardhatPluginError } from "hardhat/plugins";
import { ErrorFragment, Interface, formatUnits, getAddress } from "ethers";
import { formatDuration, formatIsoTime, formatNamedArgs, type FormatContext } from "../../lib/format";
import { loadFund, type Fund } from "../../lib/fund";
import { CallRevertedError, revertDataOf } from "../../lib/safe";
import { UnauthorizedManagedCallError } from "../../lib/governance";
import { ROLE_HOLDERS } from "../../lib/config/types";
import { closeBulkReader } from "../../lib/parallel";

/** Name under which Hardhat reports our errors ("Error in plugin fund-ops: ..."). */
export const PLUGIN_NAME = "fund-ops";

/** An input of a task is wrong (or the chain makes it wrong): nothing was sent. */
export class TaskInputError extends HardhatPluginError {
  constructor(message: string) {
    super(PLUGIN_NAME, message);
    this.name = "TaskInputError";
  }
}

/**
 * A call the task was about to send would revert: the simulation's revert data decoded to the contract's
 * named error. Carries `data` so Hardhat's `revertedWithCustomError` matcher reads it.
 */
export class TaskRefusedError extends HardhatPluginError {
  constructor(
    message: string,
    readonly data: string,
    readonly errorName?: string,
  ) {
    super(PLUGIN_NAME, message);
    this.name = "TaskRefusedError";
  }
}

// ------------------------------------------------------------------------------------------------ output

/** Where tasks print; tests swap it to read the report. */
export type TaskOutput = (line: string) => void;

let output: TaskOutput = (line) => console.log(line);

/** Sends every line tasks print to `sink`; returns a function restoring the previous sink. */
export function setTaskOutput(sink: TaskOutput): () => void {
  const previous = output;
  output = sink;
  return () => {
    output = previous;
  };
}

/** Prints one line through the current sink. */
export function say(line = ""): void {
  output(line);
}

// ------------------------------------------------------------------------------------------------ context

export interface OpsContext {
  hre: HardhatRuntimeEnvironment;
  network: string;
  fund: Fund;
  /** Deployment name of each recorded contract address (checksummed). */
  names: Map<string, string>;
  /** What errors and outputs need to print values in their units (the fund's stablecoins' decimals and symbols). */
  format: FormatContext;
}

/** Records every task needs: the fund's contracts and its role holders. */
export const REQUIRED_RECORDS = [
  "AccessManager",
  "IdentityRegistry",
  "ModularCompliance",
  "FundToken",
  "NavOracle",
  "ReserveGuard",
  ...ROLE_HOLDERS.map((role) => `RoleHolder.${role}`),
];

/**
 * The fund deployed on the connected network. Fails, naming the network, when it has no deployment records,
 * when records are missing, or when the records point at addresses without code (a restarted local node).
 */
export async function loadOpsContext(hre: HardhatRuntimeEnvironment): Promise<OpsContext> {
  const network = hre.network.name;
  const records = await hre.deployments.all();
  const missing = REQUIRED_RECORDS.filter((name) => records[name] === undefined);
  if (missing.length === REQUIRED_RECORDS.length) {
    throw new TaskInputError(
      `No fund is deployed on network "${network}" (no deployment records in deployments/${network}/): ` +
        `pick the fund's network with --network` +
        (network === "hardhat"
          ? " (the in-process hardhat network starts empty: run npx hardhat node and use --network localhost)"
          : `, or deploy with npx hardhat deploy --network ${network}`),
    );
  }
  if (missing.length > 0) {
    throw new TaskInputError(
      `The fund deployment on network "${network}" is incomplete: no record of ${missing.join(", ")}`,
    );
  }
  for (const name of ["AccessManager", "FundToken", "IdentityRegistry"]) {
    const address = records[name].address;
    if ((await hre.ethers.provider.getCode(address)) === "0x") {
      throw new TaskInputError(
        `The deployment records of network "${network}" put ${name} at ${address}, where the chain has no code ` +
          `(was the node restarted?): ${recoveryAdvice(network)}`,
      );
    }
  }
  const names = new Map<string, string>();
  for (const [name, d] of Object.entries(records)) names.set(getAddress(d.address), name);
  const fund = await loadFund(hre);
  const stablecoins: NonNullable<FormatContext["stablecoins"]> = {};
  for (const [symbol, coin] of Object.entries(fund.contracts.stablecoins)) {
    stablecoins[getAddress(await coin.getAddress())] = { symbol, decimals: Number(await coin.decimals()) };
  }
  return { hre, network, fund, names, format: { stablecoins } };
}

/** Networks whose chain lives only as long as a local node process. */
const LOCAL_NODE_NETWORKS = ["localhost", "hardhat"];

/**
 * What to do when the records of `network` point at an empty chain. A local node that was restarted lost the whole
 * fund: deploy it again with `--reset` (hardhat-deploy then forgets the old records, whose transactions the new
 * chain does not have), and set the proposals written for the old chain aside. A remote network's records are wrong.
 */
export function recoveryAdvice(network: string): string {
  return LOCAL_NODE_NETWORKS.includes(network)
    ? `deploy the fund again with npx hardhat deploy --network ${network} --reset, and move the proposals ` +
        `written for the old chain out of proposals/${network}/ (docs/OPERATIONS.md, "After a node restart")`
    : `the records in deployments/${network}/ do not describe this chain: restore them from where the deployment ` +
        `was made`;
}

/** The deployment name of an address, or the address itself. */
export function nameOf(ctx: OpsContext, address: string): string {
  return ctx.names.get(getAddress(address)) ?? address;
}

/** A task's action: loads the network's fund, runs `fn`, and reports errors as {@link guarded} does. */
export function runTask<A>(hre: HardhatRuntimeEnvironment, fn: (ctx: OpsContext) => Promise<A>): Promise<A> {
  return guarded(async () => {
    try {
      return await fn(await loadOpsContext(hre));
    } finally {
      closeBulkReader(hre);
    }
  }, verboseRequested(hre));
}

/**
 * Hardhat's global `--verbose`, or `--show-stack-traces` written on the command line (Hardhat also turns the latter on
 * by itself on machines it takes for CI servers, any Linux without a display among them): the tasks then let errors
 * carry their stack trace.
 */
export function verboseRequested(hre: HardhatRuntimeEnvironment): boolean {
  return hre.hardhatArguments.verbose === true || process.argv.includes("--show-stack-traces");
}

/** Any other error a task meets (a node that does not answer, a file that cannot be read...), without its stack. */
export class TaskFailedError extends HardhatPluginError {
  constructor(
    message: string,
    readonly cause: unknown,
  ) {
    super(PLUGIN_NAME, message);
    this.name = "TaskFailedError";
  }
}

/**
 * Runs a task body, turning library errors into errors Hardhat prints without a stack trace: a simulation's
 * revert becomes a {@link TaskRefusedError}, any other unexpected error a {@link TaskFailedError} naming it, unless
 * `verbose`, which lets it through with its stack trace.
 */
export async function guarded<T>(body: () => Promise<T>, verbose = false): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof CallRevertedError && !(error instanceof HardhatPluginError)) {
      throw new TaskRefusedError(error.message, error.revertData, error.errorName);
    }
    if (error instanceof UnauthorizedManagedCallError)
      throw quiet(new TaskInputError(error.message), verbose);
    if (error instanceof HardhatPluginError) throw quiet(error, verbose);
    if (verbose) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw quiet(
      new TaskFailedError(
        `${message.split("\n")[0]} (run with npx hardhat --verbose <task> … for the stack trace)`,
        error,
      ),
      false,
    );
  }
}

/**
 * Hardhat prints the whole error object (its stack and fields) after the message wherever it thinks it runs on a
 * CI server, which includes any Linux machine without a display (an operator's server). Unless `verbose`, the error
 * keeps only its message there: the stack becomes the message line, and its fields stop being listed.
 */
function quiet<E extends Error>(error: E, verbose: boolean): E {
  if (verbose) return error;
  const line = `${error.name}: ${error.message}`;
  Object.defineProperty(error, "stack", { value: line, enumerable: false });
  // Hardhat's errors print the stack they kept at construction (`_stack`, their custom inspect).
  if ("_stack" in error) Object.defineProperty(error, "_stack", { value: line, enumerable: false });
  for (const key of Object.keys(error)) {
    Object.defineProperty(error, key, { enumerable: false });
  }
  return error;
}

// ------------------------------------------------------------------------------------------------ formatting

/** Token units (18 decimals) as a decimal string, e.g. "1000.5". */
export function tokens(amount: bigint): string {
  const text = formatUnits(amount, 18);
  return text.endsWith(".0") ? text.slice(0, -2) : text;
}

/** Unix seconds as an ISO date-time (UTC) (lib/format.ts). */
export function isoTime(seconds: number | bigint): string {
  return formatIsoTime(seconds);
}

/** A duration in seconds as e.g. "2d 3h 4m 5s" (lib/format.ts). */
export function duration(seconds: number | bigint): string {
  return formatDuration(seconds);
}

/** A value for a readable line: addresses checksummed, bigints as digits, arrays bracketed. */
export function show(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  if (typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value)) return getAddress(value);
  if (value !== null && typeof value === "object" && "toArray" in value) {
    return show((value as { toArray(): unknown[] }).toArray());
  }
  return String(value);
}

/**
 * The revert data of a failed call, wherever the provider put it: ethers' CALL_EXCEPTION, the in-process
 * Hardhat network (`error.data`), or a Hardhat node over HTTP (`error.data.data`).
 */
export function revertDataFrom(error: unknown): string | undefined {
  if (error instanceof CallRevertedError) return error.revertData;
  const direct = revertDataOf(error);
  if (direct !== undefined) return direct;
  const parent = (error as { parent?: unknown })?.parent;
  return parent !== undefined && parent !== error ? revertDataFrom(parent) : undefined;
}

/**
 * `Name(arg=value, ...)` of a custom error's revert data, decoded with the first interface knowing it, each argument
 * in its unit with the raw value beside it (lib/format.ts).
 */
export function describeRevert(
  data: string,
  interfaces: Interface[],
  context: FormatContext = {},
): string | undefined {
  for (const iface of interfaces) {
    try {
      const parsed = iface.parseError(data);
      if (parsed) return formatNamedArgs(parsed.fragment, parsed.args, context);
    } catch {
      // selector known but arguments malformed: try the next interface
    }
  }
  return undefined;
}

/** `name(input=value, ...)` for a function, error or event fragment and its decoded arguments. */
export function namedCall(
  fragment: { name: string; inputs: readonly { name: string }[] } | ErrorFragment,
  args: readonly unknown[],
): string {
  const parts = fragment.inputs.map((input, i) =>
    input.name ? `${input.name}=${show(args[i])}` : show(args[i]),
  );
  return `${fragment.name}(${parts.join(", ")})`;
}
