/**
 * The daily NAV cycle: the NAV publisher's Safe publishes the fund's NAV (and the custodian's reserves) to the
 * fund's own publishers, then anyone applies the round to the token (`accrue`), which moves every balance with
 * the NAV and mints the management fee.
 */
import { task, types } from "hardhat/config";
import { formatUnits, getAddress, toBeHex } from "ethers";
import { formatDuration, formatUsd, formatValue } from "../../lib/format";
import type { NavPublisher } from "../../typechain-types";
import {
  OpsContext,
  TaskInputError,
  TaskRefusedError,
  describeRevert,
  isoTime,
  revertDataFrom,
  runTask,
  say,
  tokens,
} from "./context";
import {
  ExecFlags,
  PerformResult,
  decodeEvents,
  fundInterfaces,
  perform,
  resolveHolder,
  withExecutionFlags,
} from "./execute";
import { parseDecimal } from "./inputs";

// ------------------------------------------------------------------------------------------------ publish

export interface PublishNavArgs extends ExecFlags {
  /** NAV per token in USD, e.g. "1.0001" (at most the publisher's decimals). */
  nav: string;
}

export interface PublishReservesArgs extends ExecFlags {
  /** The custodian's reported reserves in USD, e.g. "10250000.50". */
  reserves: string;
  /** Publish even when the reserves are below the token supply (the reserve guard would then block). */
  force?: boolean;
}

async function publishTo(
  ctx: OpsContext,
  publisher: NavPublisher | undefined,
  recordName: string,
  argName: string,
  value: string,
  what: string,
  flags: ExecFlags,
): Promise<PerformResult> {
  if (!publisher) {
    throw new TaskInputError(
      `This fund has no ${recordName} on network "${ctx.network}": its ${what} comes from an external feed, ` +
        `published by its provider`,
    );
  }
  const decimals = Number(await publisher.decimals());
  const answer = parseDecimal(argName, value, decimals, what);
  const [, previous, , updatedAt] = await publisher.latestRoundData().catch(() => [0n, 0n, 0n, 0n] as const);
  const change =
    previous > 0n
      ? ` (previous ${formatUnits(previous, decimals)} at ${isoTime(updatedAt)})`
      : " (first round)";
  const result = await perform(
    ctx,
    [{ target: publisher, fn: "publish", args: [answer], summary: `publish ${what} ${value}${change}` }],
    flags,
  );
  return result;
}

/**
 * Runtime code answering any call with the five words of `latestRoundData()` for one round: put at the feed's address
 * by an eth_call state override, it lets the NAV oracle judge a round before it is published.
 */
export function roundStubCode(roundId: bigint, answer: bigint, updatedAt: bigint): string {
  const word = (v: bigint) => toBeHex(BigInt.asUintN(256, v), 32).slice(2);
  const words = [roundId, answer, updatedAt, updatedAt, roundId];
  const stores = words.map((w, i) => `7f${word(w)}60${(i * 32).toString(16).padStart(2, "0")}52`).join("");
  return `0x${stores}60a06000f3`;
}

export type OracleVerdict =
  | { status: "accepted"; nav: bigint }
  | { status: "refused"; reason: string; data: string }
  | { status: "not checked"; why: string };

/**
 * Would the NAV oracle accept `answer` at the next accrual? Asks the oracle itself: `nextNav(applied NAV, applied
 * time)` is called with the publisher's code replaced (eth_call state override) by one answering the new round
 * stamped with the latest block's time, the earliest it can be published (a later publication only widens the
 * oracle's change bound, which grows with the time since the applied round).
 */
export async function oracleVerdict(
  ctx: OpsContext,
  publisher: NavPublisher,
  answer: bigint,
): Promise<OracleVerdict> {
  const { token, navOracle } = ctx.fund.contracts;
  const provider = ctx.hre.ethers.provider;
  const feed = getAddress(await navOracle.feed());
  if (feed !== getAddress(await publisher.getAddress())) {
    return { status: "not checked", why: `the NAV oracle reads the feed ${feed}, not this publisher` };
  }
  const [applied, latestRound, block] = await Promise.all([
    token.appliedNav(),
    publisher.latestRound().catch(() => 0n),
    provider.getBlock("latest"),
  ]);
  const data = navOracle.interface.encodeFunctionData("nextNav", [applied.nav, applied.updatedAt]);
  const code = roundStubCode(BigInt(latestRound) + 1n, answer, BigInt(block!.timestamp));
  try {
    const out = (await provider.send("eth_call", [
      { to: await navOracle.getAddress(), data },
      "latest",
      { [feed]: { code } },
    ])) as string;
    const [round] = navOracle.interface.decodeFunctionResult("nextNav", out);
    return { status: "accepted", nav: round.nav as bigint };
  } catch (error) {
    const revert = revertDataFrom(error);
    if (revert === undefined) {
      return {
        status: "not checked",
        why: `the node refused the simulation (${(error as Error).message.split("\n")[0]})`,
      };
    }
    const reason = describeRevert(revert, fundInterfaces(ctx), ctx.format) ?? `unknown error ${revert}`;
    return { status: "refused", reason, data: revert };
  }
}

/**
 * Whether the publisher itself would take the round (its publish simulated from the NAV publisher's Safe); when it
 * would not, the oracle is not asked and the task reports the publisher's own error.
 */
async function publisherAccepts(ctx: OpsContext, publisher: NavPublisher, nav: string): Promise<boolean> {
  const answer = parseDecimal("nav", nav, Number(await publisher.decimals()), "NAV");
  const address = await publisher.getAddress();
  const data = publisher.interface.encodeFunctionData("publish", [answer]);
  const role = await ctx.fund.contracts.manager.getTargetFunctionRole(address, data.slice(0, 10));
  const holder = await resolveHolder(ctx, role, "NavPublisher.publish");
  try {
    await ctx.hre.ethers.provider.call({ from: holder.address, to: address, data });
    return true;
  } catch (error) {
    if (revertDataFrom(error) === undefined) throw error;
    return false;
  }
}

/**
 * Publishes the NAV to the fund's NavPublisher (NAV_PUBLISHER). Before anything is sent (dry run included) the NAV
 * oracle is asked whether it would accept the round at the next accrual; a round it would refuse stops the task
 * unless `force`, since a correction then waits the publisher's minimum interval.
 */
export async function publishNav(ctx: OpsContext, args: PublishNavArgs): Promise<PerformResult> {
  const publisher = ctx.fund.contracts.navPublisher;
  if (publisher && (await publisherAccepts(ctx, publisher, args.nav))) {
    const answer = parseDecimal("nav", args.nav, Number(await publisher.decimals()), "NAV");
    const verdict = await oracleVerdict(ctx, publisher, answer);
    if (verdict.status === "refused") {
      const interval = await publisher.minInterval();
      const text =
        `--nav: the NAV oracle would refuse this round at the next accrual with ${verdict.reason}, and a ` +
        `correcting round could only be published ${formatDuration(interval)} later (PublishTooSoon)`;
      if (!args.force) {
        throw new TaskRefusedError(`${text}: nothing was sent (--force to publish it anyway)`, verdict.data);
      }
      say(`Warning (--force): ${text}`);
    } else if (verdict.status === "accepted") {
      say(
        `The NAV oracle would accept this round at the next accrual (NAV ${formatUsd(verdict.nav)} per token).`,
      );
    } else {
      say(`Note: the NAV oracle's acceptance was not checked: ${verdict.why}.`);
    }
  }
  const result = await publishTo(
    ctx,
    ctx.fund.contracts.navPublisher,
    "NavPublisher",
    "nav",
    args.nav,
    "NAV",
    args,
  );
  if (result.outcomes.some((o) => o.status === "executed")) {
    const { token, navOracle } = ctx.fund.contracts;
    const applied = await token.appliedNav();
    try {
      await navOracle.nextNav(applied.nav, applied.updatedAt);
      say("The token applies this round at the next nav:accrue.");
    } catch (error) {
      const data = revertDataFrom(error);
      const reason = data ? describeRevert(data, fundInterfaces(ctx), ctx.format) : undefined;
      say(
        `Warning: the NAV oracle would refuse this round at accrual: ${reason ?? (error as Error).message}`,
      );
    }
  }
  return result;
}

/**
 * Publishes the custodian's reserves to the fund's reserve publisher (NAV_PUBLISHER). Before anything is sent (dry run
 * included), reserves below the token supply, which the reserve guard compares them with, stop the task unless
 * `force`: the guard would refuse every mint (`ReserveExceeded`) and block the next accrual at the current NAV
 * (`AccrualBlockedByReserve`).
 */
export async function publishReserves(ctx: OpsContext, args: PublishReservesArgs): Promise<PerformResult> {
  const publisher = ctx.fund.contracts.reservePublisher;
  const { reserveGuard, token } = ctx.fund.contracts;
  if (publisher && getAddress(await reserveGuard.feed()) === getAddress(await publisher.getAddress())) {
    const decimals = Number(await publisher.decimals());
    const answer = parseDecimal("reserves", args.reserves, decimals, "reserves");
    const reservesWad =
      decimals <= 18 ? answer * 10n ** BigInt(18 - decimals) : answer / 10n ** BigInt(decimals - 18);
    const supply = await token.totalSupply();
    if (reservesWad < supply) {
      const text =
        `--reserves: ${formatValue(answer, "answer", { answerDecimals: decimals })} is below the token supply of ` +
        `${formatValue(supply, "tokens")}: the reserve guard would refuse every mint (ReserveExceeded) and block ` +
        `the next accrual at the current NAV (AccrualBlockedByReserve)`;
      if (!args.force) throw new TaskInputError(`${text}: nothing was sent (--force to publish them anyway)`);
      say(`Warning (--force): ${text}`);
    }
  }
  return publishTo(
    ctx,
    ctx.fund.contracts.reservePublisher,
    "ReservePublisher",
    "reserves",
    args.reserves,
    "reserves",
    args,
  );
}

// ------------------------------------------------------------------------------------------------ accrue

export interface AccrueArgs {
  dryRun?: boolean;
}

export interface AccrueResult {
  /** "applied", "blocked" (reserve shortfall or a reserve guard that cannot answer), or "simulated" (dry run). */
  status: "applied" | "blocked" | "simulated";
  roundId: bigint;
  /** NAV of the round, 18 decimals. */
  nav: bigint;
  indexBefore: bigint;
  indexAfter: bigint;
  supplyBefore: bigint;
  supplyAfter: bigint;
  /** Change of the holders' supply (excluding the fee). */
  holdersSupplyChange: bigint;
  feeAmount: bigint;
  feeShares: bigint;
  txHash?: string;
}

/**
 * Applies the latest NAV round to the token, from the first local account (anyone may). Prints the index
 * before and after, the supply change and the fee; a round the oracle refuses is reported with its named error.
 */
export async function accrueNav(ctx: OpsContext, args: AccrueArgs): Promise<AccrueResult> {
  const { hre } = ctx;
  const { token, navOracle } = ctx.fund.contracts;
  const signers = await hre.ethers.getSigners();
  if (signers.length === 0) {
    throw new TaskInputError(
      `nav:accrue needs a local account to send from on network "${ctx.network}" (set DEPLOYER_PRIVATE_KEY)`,
    );
  }
  const sender = signers[0];
  if (await token.paused())
    throw new TaskInputError("The token is paused: the accrual resumes once it is unpaused");
  const applied = await token.appliedNav();
  const refuse = (error: unknown, what: string): never => {
    const data = revertDataFrom(error);
    if (data === undefined) throw error;
    const reason = describeRevert(data, fundInterfaces(ctx), ctx.format) ?? `unknown error ${data}`;
    throw new TaskRefusedError(`${what}: ${reason}: nothing was sent`, data);
  };
  const round = await navOracle
    .nextNav(applied.nav, applied.updatedAt)
    .catch((error) => refuse(error, "No NAV round to apply"));
  const [indexBefore, supplyBefore] = await Promise.all([token.index(), token.totalSupply()]);
  say(
    `Applied round: ${applied.roundId} (NAV ${formatUnits(applied.nav, 18)} at ${isoTime(applied.updatedAt)}); ` +
      `next: round ${round.roundId} (NAV ${formatUnits(round.nav, 18)} at ${isoTime(round.updatedAt)})`,
  );
  const willApply = await token
    .connect(sender)
    .accrue.staticCall()
    .catch((error) => refuse(error, "The accrual would revert"));

  const base = { roundId: round.roundId, nav: round.nav, indexBefore, supplyBefore };
  if (args.dryRun) {
    say(
      willApply
        ? `Dry run: accrue() from ${sender.address} would apply round ${round.roundId}; nothing was sent`
        : `Dry run: the reserve guard would block round ${round.roundId} (supply above reserves, or the guard ` +
            `cannot confirm them, e.g. stale reserves); nothing was sent`,
    );
    return {
      ...base,
      status: "simulated",
      indexAfter: indexBefore,
      supplyAfter: supplyBefore,
      holdersSupplyChange: 0n,
      feeAmount: 0n,
      feeShares: 0n,
    };
  }

  const response = await token.connect(sender).accrue();
  const receipt = (await response.wait())!;
  const events = decodeEvents(ctx, receipt);
  const accrued = events.find((e) => e.name === "YieldAccrued");
  const blocked = events.find((e) => e.name === "AccrualBlockedByReserve");
  const guardFailed = events.find((e) => e.name === "AccrualBlockedByReserveGuard");
  const supplyAfter = await token.totalSupply();
  say(`accrue() sent by ${sender.address}: tx ${receipt.hash} (block ${receipt.blockNumber})`);
  if (blocked || guardFailed) {
    if (blocked) {
      say(
        `  BLOCKED by the reserve guard: new supply ${tokens(blocked.args.newSupply as bigint)} above reserves ` +
          `${tokens(blocked.args.reserves as bigint)}; publish the reserves (nav:publish-reserves) and accrue again`,
      );
    } else {
      const data = guardFailed!.args.reason as string;
      const reason =
        describeRevert(data, fundInterfaces(ctx), ctx.format) ?? (data === "0x" ? "no reason" : data);
      say(
        `  BLOCKED: the reserve guard could not confirm the reserves (${reason}); publish fresh reserves ` +
          `(nav:publish-reserves) and accrue again`,
      );
    }
    return {
      ...base,
      status: "blocked",
      indexAfter: indexBefore,
      supplyAfter,
      holdersSupplyChange: 0n,
      feeAmount: 0n,
      feeShares: 0n,
      txHash: receipt.hash,
    };
  }
  if (!accrued)
    throw new Error(`accrue() transaction ${receipt.hash} emitted neither YieldAccrued nor a block`);
  const indexAfter = accrued.args.indexAfter as bigint;
  const holdersSupplyChange = accrued.args.holdersSupplyChange as bigint;
  const feeAmount = accrued.args.feeAmount as bigint;
  const feeShares = accrued.args.feeShares as bigint;
  say(`  round ${round.roundId}, NAV ${formatUnits(round.nav, 18)}`);
  say(`  index  ${formatUnits(indexBefore, 18)} -> ${formatUnits(indexAfter, 18)}`);
  say(
    `  supply ${tokens(supplyBefore)} -> ${tokens(supplyAfter)} (holders ${holdersSupplyChange < 0n ? "-" : "+"}` +
      `${tokens(holdersSupplyChange < 0n ? -holdersSupplyChange : holdersSupplyChange)})`,
  );
  say(`  management fee ${tokens(feeAmount)} tokens (${feeShares} shares) to the fee wallet`);
  return {
    ...base,
    status: "applied",
    indexAfter,
    supplyAfter,
    holdersSupplyChange,
    feeAmount,
    feeShares,
    txHash: receipt.hash,
  };
}

// ------------------------------------------------------------------------------------------------ tasks

export function registerNavTasks(): void {
  withExecutionFlags(
    task("nav:publish", "Publishes the fund's NAV to its NavPublisher (NAV_PUBLISHER)")
      .addParam("nav", "NAV per token in USD, e.g. 1.0001", undefined, types.string)
      .addFlag("force", "Publish even when the NAV oracle would refuse the round at the next accrual"),
  ).setAction((args, hre) => runTask(hre, (ctx) => publishNav(ctx, args)));

  withExecutionFlags(
    task(
      "nav:publish-reserves",
      "Publishes the custodian's reserves to the reserve publisher (NAV_PUBLISHER)",
    )
      .addParam("reserves", "Reserves in USD, e.g. 10250000.50", undefined, types.string)
      .addFlag(
        "force",
        "Publish even when the reserves are below the token supply (the reserve guard blocks)",
      ),
  ).setAction((args, hre) => runTask(hre, (ctx) => publishReserves(ctx, args)));

  task("nav:accrue", "Applies the latest NAV round to the token (anyone): index, supply change, fee")
    .addFlag("dryRun", "Simulate and print; send nothing")
    .setAction((args, hre) => runTask(hre, (ctx) => accrueNav(ctx, args)));
}
