/**
 * Issue 18 (docs/MULTICHAIN.md): the bridge tasks on the network Hardhat is connected to. They print what
 * lib/bridge.ts computes:
 *
 *   bridge:send     --token --pool --router --dest <selector> --to <receiver> --amount <tokens> [--quote-only]
 *   bridge:status   [--pool <this chain's pool>] --source <selector> --nonce <n>   (and the arrivals waiting)
 *   bridge:deliver  [--pool] --id    (TRANSFER_AGENT, through its holder's Safe; --dry-run, --offline ...)
 *   bridge:return   [--pool] --id    (TRANSFER_AGENT, through its holder's Safe, which pays the quoted CCIP fee)
 *   bridge:captable --home-token --home-pool --satellites <name:selector:token:pool,...>
 *
 * `--pool` defaults to the pool deploy script 10_multichain recorded on the network: `FundLockReleasePool` on the
 * home network, `<network>_FundBurnMintPool` on a satellite. bridge:send signs with Hardhat's first account of the
 * network (an investor's own key). bridge:deliver and bridge:return act as the fund's other role-acting tasks do
 * (scripts/tasks/execute.ts): on a network holding the fund's records whose AccessManager governs the pool, the
 * recorded TRANSFER_AGENT holder acts through its Safe (executed when the owners' keys are local, otherwise
 * written for offline signing); on a pool governed by another AccessManager (a satellite's, whose role holders are
 * not recorded as Safes), a local account holding the role sends the call.
 */
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { formatUnits, getAddress } from "ethers";
import {
  OpsContext,
  TaskInputError,
  TaskRefusedError,
  guarded,
  nameOf,
  runTask,
  say,
  tokens,
  verboseRequested,
} from "./context";
import { ExecFlags, PerformResult, perform, resolveHolder, roleLabel, withExecutionFlags } from "./execute";
import { parseAddress, parseTokenAmount } from "./inputs";
import { CallRevertedError, simulateCall } from "../../lib/safe";
import {
  capTableAcrossChains,
  quoteTransfer,
  sendTransfer,
  transferStatus,
  waitingArrivals,
} from "../../lib/bridge";
import type {
  AccessManager,
  FundBurnMintPool,
  FundLockReleasePool,
  FundSharesPool,
  IFundToken,
  LocalCcipLane,
} from "../../typechain-types";

const tok = (v: bigint) => formatUnits(v, 18);

function selector(name: string, value: unknown): bigint {
  const v = String(value ?? "");
  if (!/^[1-9][0-9]*$/.test(v) || BigInt(v) >= 1n << 64n)
    throw new TaskInputError(`--${name}: "${v}" is not a CCIP chain selector`);
  return BigInt(v);
}

async function at<T>(hre: HardhatRuntimeEnvironment, abi: string, address: string): Promise<T> {
  return (await hre.ethers.getContractAt(abi, address)) as unknown as T;
}

/**
 * `--pool`, or the pool deploy script 10_multichain recorded on the connected network (`FundLockReleasePool` on
 * the home network, `<network>_FundBurnMintPool` on a satellite).
 */
export async function poolAddress(hre: HardhatRuntimeEnvironment, given: unknown): Promise<string> {
  if (given !== undefined && given !== null && given !== "") return parseAddress("pool", given);
  const { satelliteRecord } = await import("../../lib/deploy/multichain-deploy");
  const network = hre.network.name;
  const names = ["FundLockReleasePool", satelliteRecord(network, "FundBurnMintPool")];
  for (const name of names) {
    const record = await hre.deployments.getOrNull(name);
    if (record) return getAddress(record.address);
  }
  throw new TaskInputError(
    `--pool is required: no fund pool is recorded on network "${network}" (no ${names.join(" or ")} record)`,
  );
}

/** `--id`: a parked arrival's id (a positive whole number). */
function parkedId(value: unknown): bigint {
  const v = String(value ?? "").trim();
  if (!/^[1-9][0-9]{0,76}$/.test(v)) throw new TaskInputError(`--id: "${v}" is not a parked arrival id`);
  return BigInt(v);
}

export interface ParkedArrivalArgs extends ExecFlags {
  /** This chain's fund pool (default: the one recorded on the network). */
  pool?: string;
  id: string;
}

/** What bridge:deliver and bridge:return do with a parked arrival. */
export type ParkedAction = "deliver" | "return";

/** The pool, the arrival (refused when none is parked under the id) and the step the transfer agent takes. */
async function parkedStep(hre: HardhatRuntimeEnvironment, args: ParkedArrivalArgs, action: ParkedAction) {
  const address = await poolAddress(hre, args.pool);
  const id = parkedId(args.id);
  if ((await hre.ethers.provider.getCode(address)) === "0x")
    throw new TaskInputError(
      `--pool: ${address} has no code (not a fund pool on network "${hre.network.name}")`,
    );
  const pool = await at<FundSharesPool>(hre, "FundSharesPool", address);
  const parked = await pool.parkedArrival(id);
  if (parked.shares === 0n)
    throw new TaskInputError(
      `--id: no arrival ${id} is parked on pool ${address} (never parked, or delivered or returned since): nothing was sent`,
    );
  const amount = await (
    await at<IFundToken>(hre, "IFundToken", await pool.getToken())
  ).amountForShares(parked.shares);
  const what = `arrival ${id} (${parked.shares} shares, ${tokens(amount)} tokens)`;
  if (action === "deliver")
    return {
      pool,
      step: { target: pool, fn: "deliver", args: [id], summary: `deliver ${what} to ${parked.receiver}` },
    };
  const fee = await pool.returnFee(id);
  return {
    pool,
    fee,
    step: {
      target: pool,
      fn: "returnToSender",
      args: [id],
      value: fee,
      summary:
        `return ${what} to ${parked.originalSender} on ${parked.sourceChainSelector}, ` +
        `paying the CCIP fee of ${fee} wei`,
    },
  };
}

/**
 * bridge:deliver / bridge:return on a pool the fund's AccessManager governs: the TRANSFER_AGENT holder acts through
 * its Safe as every role-acting task does (`perform`: executed, dry run, or written for offline signing). A return
 * sends the CCIP fee quoted now (`returnFee`) as the value of the Safe transaction: the Safe pays it from its own
 * balance, and the task refuses, naming the shortfall, when the Safe holds less.
 */
export async function actOnParkedArrival(
  ctx: OpsContext,
  args: ParkedArrivalArgs,
  action: ParkedAction,
): Promise<PerformResult> {
  const { hre, fund } = ctx;
  const { pool, step, fee } = await parkedStep(hre, args, action);
  const manager = fund.contracts.manager;
  if (getAddress(await pool.authority()) !== getAddress(await manager.getAddress()))
    throw new TaskInputError(
      `--pool: ${await pool.getAddress()} is governed by the AccessManager ${await pool.authority()}, not this ` +
        `fund's (${await manager.getAddress()})`,
    );
  if (fee !== undefined) {
    const selector = pool.interface.getFunction("returnToSender").selector;
    const role = await manager.getTargetFunctionRole(await pool.getAddress(), selector);
    const actor = await resolveHolder(ctx, role, `${nameOf(ctx, await pool.getAddress())}.returnToSender`);
    const balance = await hre.ethers.provider.getBalance(actor.address);
    const kind = actor.holder.kind === "safe" ? "Safe" : "account";
    say(
      `CCIP fee of the return: ${fee} wei (native), sent with the call by the ${actor.holder.role} ${kind} ` +
        `${actor.address} from its own balance (${balance} wei now)`,
    );
  }
  const result = await perform(ctx, [step], args);
  if (fee !== undefined && result.outcomes.some((o) => o.status === "proposed"))
    say(
      `  The Safe must still hold ${fee} wei when the owners execute it; should the CCIP fee rise before, the ` +
        `pool refuses with InsufficientFee: write the return again.`,
    );
  return result;
}

/**
 * bridge:deliver / bridge:return on a pool governed by another AccessManager than a recorded fund's (a satellite's):
 * sent by the first local account that may call the function at once, after a simulation. Its holders are not
 * recorded as Safes there: --offline and --nonce are refused.
 */
export async function actOnParkedArrivalDirect(
  hre: HardhatRuntimeEnvironment,
  args: ParkedArrivalArgs,
  action: ParkedAction,
): Promise<void> {
  const { pool, step, fee } = await parkedStep(hre, args, action);
  const poolAt = await pool.getAddress();
  const managerAt = await pool.authority();
  if (args.offline || args.nonce !== undefined)
    throw new TaskInputError(
      `--offline and --nonce write proposals of the role holders' Safes recorded for a fund; network ` +
        `"${hre.network.name}" records none for the pool's AccessManager ${managerAt}`,
    );
  const manager = await at<AccessManager>(hre, "AccessManager", managerAt);
  const fn = action === "deliver" ? "deliver" : "returnToSender";
  const selector = pool.interface.getFunction(fn).selector;
  const role = await manager.getTargetFunctionRole(poolAt, selector);
  let sender: Awaited<ReturnType<typeof hre.ethers.getSigners>>[number] | undefined;
  for (const s of await hre.ethers.getSigners()) {
    if ((await manager.canCall(s.address, poolAt, selector))[0]) {
      sender = s;
      break;
    }
  }
  if (!sender)
    throw new TaskInputError(
      `No local account may call ${step.fn} on pool ${poolAt} at once: it needs ${roleLabel(role)} on the ` +
        `AccessManager ${managerAt}, and no fund records of network "${hre.network.name}" name a Safe holding it. ` +
        `Its holder sends ${step.fn}(${args.id})${fee !== undefined ? ` with ${fee} wei` : ""}: nothing was sent`,
    );
  const data =
    fn === "deliver"
      ? pool.interface.encodeFunctionData("deliver", [step.args[0] as bigint])
      : pool.interface.encodeFunctionData("returnToSender", [step.args[0] as bigint]);
  const value = step.value ?? 0n;
  try {
    await simulateCall(hre.ethers.provider, sender.address, { to: poolAt, data, value }, [pool.interface]);
  } catch (error) {
    if (error instanceof CallRevertedError)
      throw new TaskRefusedError(
        `${step.summary} would revert with ${error.errorName ?? "an unknown error"}: nothing was sent`,
        error.revertData,
        error.errorName,
      );
    throw error;
  }
  if (args.dryRun) {
    say(
      `Dry run as ${roleLabel(role)} (account ${sender.address}): would ${step.summary}: simulation succeeded`,
    );
    return;
  }
  const receipt = await (await sender.sendTransaction({ to: poolAt, data, value })).wait();
  say(`${step.summary}: done by account ${sender.address} (${roleLabel(role)}), tx ${receipt!.hash}`);
}

/** The task action of bridge:deliver / bridge:return: through the fund's Safes where it governs the pool. */
async function parkedArrivalTask(
  hre: HardhatRuntimeEnvironment,
  args: ParkedArrivalArgs,
  action: ParkedAction,
) {
  const fundManager = await hre.deployments.getOrNull("AccessManager");
  const governed = await guarded(async () => {
    if (!fundManager) return false;
    const pool = await at<FundSharesPool>(hre, "FundSharesPool", await poolAddress(hre, args.pool));
    return (
      (await hre.ethers.provider.getCode(await pool.getAddress())) !== "0x" &&
      getAddress(await pool.authority()) === getAddress(fundManager.address)
    );
  }, verboseRequested(hre));
  if (governed) return runTask(hre, (ctx) => actOnParkedArrival(ctx, args, action));
  return guarded(() => actOnParkedArrivalDirect(hre, args, action), verboseRequested(hre));
}

/**
 * `captable:export --chains` (issue 18): the cap table across every network of the fund config's multichain
 * deployment, written to `out` as CSV (scripts/lib/captable-chains.ts), with the supply per chain and the
 * reconciliation printed.
 */
export async function exportChainsAcross(hre: HardhatRuntimeEnvironment, out: string) {
  if (typeof out !== "string" || out.trim() === "") throw new TaskInputError("--out is required");
  const { loadContext } = await import("../../lib/deploy/context");
  const mc = (await loadContext(hre)).config.multichain;
  if (!mc) throw new TaskInputError(`the fund config of ${hre.network.name} has no multichain deployment`);
  const { exportChainsCapTable } = await import("../lib/captable-chains");
  const table = await exportChainsCapTable(hre, mc, out, tok);
  say(`Cap table across ${table.chains.length} chains written to ${out}`);
  for (const c of table.chains)
    say(`  ${c.chain}: ${c.holders.length} holders, total shares ${c.totalShares} (index ${c.index})`);
  const all = table.consolidated.reduce((s, h) => s + h.shares, 0n);
  say(`  consolidated: ${table.consolidated.length} holders, ${all} shares`);
  for (const r of table.reconciliation)
    say(
      `  ${r.chain}: ${r.satelliteShares} shares, ${r.lockedOnHome} locked for it on home (difference ${r.difference}: in flight)`,
    );
  return table;
}

export function registerBridgeTasks(): void {
  task("bridge:send", "An investor's transfer of fund tokens to another chain over CCIP, with its fee quote")
    .addParam("token", "The fund token on this chain")
    .addParam("pool", "This chain's fund pool")
    .addParam("router", "This chain's CCIP router")
    .addParam("dest", "Destination chain selector")
    .addParam("to", "Receiver on the destination chain")
    .addParam("amount", "Token amount")
    .addFlag("quoteOnly", "Print the fee and send nothing")
    .setAction(async (args, hre) =>
      guarded(async () => {
        const [signer] = await hre.ethers.getSigners();
        const token = await at<IFundToken>(hre, "IFundToken", parseAddress("token", args.token));
        const router = await at<LocalCcipLane>(hre, "LocalCcipLane", parseAddress("router", args.router));
        const pool = await at<FundLockReleasePool>(
          hre,
          "FundLockReleasePool",
          parseAddress("pool", args.pool),
        );
        const dest = selector("dest", args.dest);
        const to = parseAddress("to", args.to);
        const amount = parseTokenAmount("amount", args.amount);
        const fee = await quoteTransfer(router, dest, await token.getAddress(), to, amount);
        say(`fee: ${fee} wei (native)`);
        if (args.quoteOnly) return;
        const balance = await token.balanceOf(signer.address);
        if (amount > balance)
          throw new TaskInputError(`--amount: ${tok(amount)} exceeds the balance ${tok(balance)}`);
        const r = await sendTransfer(signer, { token, pool, router, dest, receiver: to, amount });
        say(
          `sent ${r.shares} shares (${tok(amount)} tokens) to ${to} on ${dest}: nonce ${r.nonce}, tx ${r.receipt.hash}`,
        );
      }),
    );

  task(
    "bridge:status",
    "Where a transfer is on its destination pool, and the arrivals waiting for the transfer agent",
  )
    .addOptionalParam(
      "pool",
      "This (destination) chain's fund pool (default: the one recorded on the network)",
    )
    .addParam("source", "Source chain selector")
    .addParam(
      "nonce",
      "The source pool's nonce of the transfer (printed by bridge:send)",
      undefined,
      types.string,
    )
    .setAction(async (args, hre) =>
      guarded(async () => {
        const pool = await at<FundBurnMintPool>(hre, "FundBurnMintPool", await poolAddress(hre, args.pool));
        const s = await transferStatus(pool, selector("source", args.source), BigInt(args.nonce));
        if (s.status === "in flight") say("in flight: not released on the destination yet");
        else if (s.status === "delivered")
          say(`delivered: ${s.shares} shares (${tok(s.amount)} tokens) to ${s.receiver}`);
        else
          say(
            `parked as id ${s.id} for ${s.receiver} (${s.shares} shares), refusal ${s.reason}: ` +
              (s.waiting ? "waiting for the transfer agent" : "delivered or returned since"),
          );
        for (const w of await waitingArrivals(pool))
          say(
            `waiting: id ${w.id}, ${w.shares} shares for ${w.receiver} from ${w.originalSender} on ${w.sourceChainSelector}`,
          );
      }),
    );

  withExecutionFlags(
    task("bridge:deliver", "Delivers a parked arrival to its receiver (TRANSFER_AGENT, through its Safe)")
      .addOptionalParam("pool", "This chain's fund pool (default: the one recorded on the network)")
      .addParam("id", "The parked arrival", undefined, types.string),
  ).setAction((args, hre) => parkedArrivalTask(hre, args, "deliver"));

  withExecutionFlags(
    task(
      "bridge:return",
      "Returns a parked arrival to its sender on its source chain (TRANSFER_AGENT, through its Safe, which pays the CCIP fee)",
    )
      .addOptionalParam("pool", "This chain's fund pool (default: the one recorded on the network)")
      .addParam("id", "The parked arrival", undefined, types.string),
  ).setAction((args, hre) => parkedArrivalTask(hre, args, "return"));

  task(
    "bridge:captable",
    "The cap table per chain and consolidated, reconciled with the home pool's locked shares",
  )
    .addParam("homeToken", "The home fund token")
    .addParam("homePool", "The home pool")
    .addParam("satellites", "name:selector:token:pool, comma-separated (contracts reachable on this network)")
    .setAction(async (args, hre) =>
      guarded(async () => {
        const home = {
          token: await at<IFundToken>(hre, "IFundToken", parseAddress("home-token", args.homeToken)),
          pool: await at<FundLockReleasePool>(
            hre,
            "FundLockReleasePool",
            parseAddress("home-pool", args.homePool),
          ),
        };
        const sats = [];
        for (const item of String(args.satellites).split(",")) {
          const [chain, sel, t, p] = item.split(":");
          if (!p) throw new TaskInputError(`--satellites: "${item}" is not name:selector:token:pool`);
          sats.push({
            chain,
            selector: selector("satellites", sel),
            token: await at<IFundToken>(hre, "IFundToken", parseAddress("satellites", t)),
            pool: await at<FundBurnMintPool>(hre, "FundBurnMintPool", parseAddress("satellites", p)),
          });
        }
        const table = await capTableAcrossChains(home, sats);
        say("chain,wallet,shares,amount");
        for (const c of table.chains)
          for (const h of c.holders) say(`${c.chain},${h.wallet},${h.shares},${tok(h.amount)}`);
        for (const h of table.consolidated) say(`all,${h.wallet},${h.shares},${tok(h.amount)}`);
        for (const r of table.reconciliation)
          say(
            `reconciliation,${r.chain},satellite shares ${r.satelliteShares},locked on home ${r.lockedOnHome},in flight ${r.difference}`,
          );
      }),
    );
}
