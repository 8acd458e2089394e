/**
 * The transfer agent's remedies on the fund token (freeze, force-transfer, recover), issuance (MINTER) and
 * the pause (GUARDIAN pauses at once; ISSUER unpauses behind its execution delay).
 */
import { task, types } from "hardhat/config";
import { OpsContext, TaskInputError, runTask, tokens } from "./context";
import { ExecFlags, PerformResult, Step, perform, withExecutionFlags } from "./execute";
import { parseAddress, parseTokenAmount, parseTokenAmountOrAll } from "./inputs";
import { requireRegistered } from "./chain";
import { classNames } from "../../lib/classes";

// ------------------------------------------------------------------------------------------------ freeze

export interface FreezeArgs extends ExecFlags {
  wallet: string;
  /** Token amount to (un)freeze; the whole wallet when omitted. */
  amount?: string;
}

/** Freezes (or unfreezes) a whole wallet, or `amount` of its tokens. */
export async function setFrozen(ctx: OpsContext, args: FreezeArgs, freeze: boolean): Promise<PerformResult> {
  const wallet = parseAddress("wallet", args.wallet);
  const amount = args.amount === undefined ? undefined : parseTokenAmount("amount", args.amount);
  await requireRegistered(ctx, "wallet", wallet);
  const { token } = ctx.fund.contracts;
  let step: Step;
  if (amount === undefined) {
    const frozen = await token.isFrozen(wallet);
    if (frozen === freeze) {
      throw new TaskInputError(
        `--wallet: ${wallet} is ${freeze ? "already frozen" : "not frozen"}: nothing to do`,
      );
    }
    step = {
      target: token,
      fn: "setAddressFrozen",
      args: [wallet, freeze],
      summary: `${freeze ? "freeze" : "unfreeze"} ${wallet} entirely`,
    };
  } else {
    const [balance, frozenTokens] = await Promise.all([
      token.balanceOf(wallet),
      token.getFrozenTokens(wallet),
    ]);
    if (freeze && amount > balance - frozenTokens) {
      throw new TaskInputError(
        `--amount: ${tokens(amount)} exceeds the unfrozen balance of ${wallet} (${tokens(balance - frozenTokens)})`,
      );
    }
    if (!freeze && amount > frozenTokens) {
      throw new TaskInputError(
        `--amount: ${tokens(amount)} exceeds the frozen tokens of ${wallet} (${tokens(frozenTokens)})`,
      );
    }
    step = {
      target: token,
      fn: freeze ? "freezePartialTokens" : "unfreezePartialTokens",
      args: [wallet, amount],
      summary: `${freeze ? "freeze" : "unfreeze"} ${tokens(amount)} tokens of ${wallet}`,
    };
  }
  return perform(ctx, [step], args);
}

// ------------------------------------------------------------------------------------------------ forced transfer

export interface ForceTransferArgs extends ExecFlags {
  from: string;
  to: string;
  /** Token amount, or "all" for the whole balance (exact: every share moves). */
  amount: string;
}

/** Moves tokens without the holder (compliance rules and freezes bypassed; the recipient must be verified). */
export async function forceTransfer(ctx: OpsContext, args: ForceTransferArgs): Promise<PerformResult> {
  const from = parseAddress("from", args.from);
  const to = parseAddress("to", args.to);
  const amountArg = parseTokenAmountOrAll("amount", args.amount);
  if (from === to) throw new TaskInputError(`--from and --to are the same wallet (${from})`);
  await requireRegistered(ctx, "from", from);
  const recipient = await requireRegistered(ctx, "to", to);
  if (!recipient.verified) {
    throw new TaskInputError(
      `--to: ${to} is not verified (${recipient.revoked ? "revoked" : "KYC expired"})`,
    );
  }
  const { token } = ctx.fund.contracts;
  const balance = await token.balanceOf(from);
  const amount = amountArg === "all" ? balance : amountArg;
  if (amount === 0n) throw new TaskInputError(`--from: ${from} holds no tokens`);
  if (amount > balance) {
    throw new TaskInputError(
      `--amount: ${tokens(amount)} exceeds the balance of ${from} (${tokens(balance)})`,
    );
  }
  return perform(
    ctx,
    [
      {
        target: token,
        fn: "forcedTransfer",
        args: [from, to, amount],
        summary: `force-transfer ${tokens(amount)} tokens from ${from} to ${to}`,
      },
    ],
    args,
  );
}

// ------------------------------------------------------------------------------------------------ recovery

export interface RecoverArgs extends ExecFlags {
  lost: string;
  new: string;
  identity: string;
}

/**
 * Moves everything a lost wallet holds (shares, frozen shares, the wallet freeze) to a new wallet the
 * compliance officer registered under the same identity.
 */
export async function recoverWallet(ctx: OpsContext, args: RecoverArgs): Promise<PerformResult> {
  const lost = parseAddress("lost", args.lost);
  const fresh = parseAddress("new", args.new);
  const identity = parseAddress("identity", args.identity);
  if (lost === fresh) throw new TaskInputError(`--lost and --new are the same wallet (${lost})`);
  const lostRecord = await requireRegistered(ctx, "lost", lost);
  const newRecord = await requireRegistered(ctx, "new", fresh);
  for (const [name, wallet, record] of [
    ["lost", lost, lostRecord],
    ["new", fresh, newRecord],
  ] as const) {
    if (record.identity !== identity) {
      throw new TaskInputError(
        `--${name}: ${wallet} belongs to identity ${record.identity}, not ${identity}` +
          (name === "new"
            ? ": register it under the investor's identity first (investor:add --identity)"
            : ""),
      );
    }
  }
  if (!newRecord.verified) {
    throw new TaskInputError(
      `--new: ${fresh} is not verified (${newRecord.revoked ? "revoked" : "KYC expired"})`,
    );
  }
  const isProtocol = (classes: number) => classNames(classes).includes("protocol");
  if (isProtocol(lostRecord.classes) !== isProtocol(newRecord.classes)) {
    throw new TaskInputError(
      `--new: ${fresh} is not the same kind of account as ${lost} (investor / fund account)`,
    );
  }
  const { token } = ctx.fund.contracts;
  const [shares, frozen, balance] = await Promise.all([
    token.sharesOf(lost),
    token.isFrozen(lost),
    token.balanceOf(lost),
  ]);
  if (shares === 0n && !frozen) throw new TaskInputError(`--lost: ${lost} holds nothing to recover`);
  return perform(
    ctx,
    [
      {
        target: token,
        fn: "recoveryAddress",
        args: [lost, fresh, identity],
        summary: `recover ${tokens(balance)} tokens (${shares} shares) of ${lost} to ${fresh}`,
      },
    ],
    args,
  );
}

// ------------------------------------------------------------------------------------------------ pause

/** Pauses the token at once (GUARDIAN). */
export async function pauseToken(ctx: OpsContext, args: ExecFlags): Promise<PerformResult> {
  const { token } = ctx.fund.contracts;
  if (await token.paused()) throw new TaskInputError("The token is already paused: nothing to do");
  return perform(ctx, [{ target: token, fn: "pause", args: [], summary: "pause the token" }], args);
}

export interface UnpauseArgs extends ExecFlags {
  /** Execute the unpause scheduled earlier, once its delay has passed. */
  execute?: boolean;
}

/** Schedules the unpause behind the ISSUER delay, or (`execute`) runs it once due. */
export async function unpauseToken(ctx: OpsContext, args: UnpauseArgs): Promise<PerformResult> {
  const { token } = ctx.fund.contracts;
  if (!(await token.paused())) throw new TaskInputError("The token is not paused: nothing to unpause");
  const step: Step = { target: token, fn: "unpause", args: [], summary: "unpause the token" };
  return perform(ctx, [step], args, args.execute ? "execute" : "call");
}

// ------------------------------------------------------------------------------------------------ issuance

export interface MintBurnArgs extends ExecFlags {
  wallet: string;
  /** Token amount; for a burn also "all". */
  amount: string;
}

/** Issues tokens to a verified wallet (MINTER): within the reserves and the compliance rules. */
export async function mintTokens(ctx: OpsContext, args: MintBurnArgs): Promise<PerformResult> {
  const wallet = parseAddress("wallet", args.wallet);
  const amount = parseTokenAmount("amount", args.amount);
  const record = await requireRegistered(ctx, "wallet", wallet);
  if (!record.verified) {
    throw new TaskInputError(
      `--wallet: ${wallet} is not verified (${record.revoked ? "revoked" : "KYC expired"})`,
    );
  }
  const { token } = ctx.fund.contracts;
  if (await token.isFrozen(wallet)) throw new TaskInputError(`--wallet: ${wallet} is frozen`);
  return perform(
    ctx,
    [
      {
        target: token,
        fn: "mint",
        args: [wallet, amount],
        summary: `mint ${tokens(amount)} tokens to ${wallet}`,
      },
    ],
    args,
  );
}

/** Burns tokens of a wallet (MINTER), unfrozen ones first. */
export async function burnTokens(ctx: OpsContext, args: MintBurnArgs): Promise<PerformResult> {
  const wallet = parseAddress("wallet", args.wallet);
  const amountArg = parseTokenAmountOrAll("amount", args.amount);
  const { token } = ctx.fund.contracts;
  const balance = await token.balanceOf(wallet);
  if (balance === 0n) throw new TaskInputError(`--wallet: ${wallet} holds no tokens`);
  const amount = amountArg === "all" ? balance : amountArg;
  if (amount > balance) {
    throw new TaskInputError(
      `--amount: ${tokens(amount)} exceeds the balance of ${wallet} (${tokens(balance)})`,
    );
  }
  return perform(
    ctx,
    [
      {
        target: token,
        fn: "burn",
        args: [wallet, amount],
        summary: `burn ${tokens(amount)} tokens of ${wallet}`,
      },
    ],
    args,
  );
}

// ------------------------------------------------------------------------------------------------ tasks

export function registerTokenTasks(): void {
  for (const [name, freeze] of [
    ["token:freeze", true],
    ["token:unfreeze", false],
  ] as const) {
    withExecutionFlags(
      task(name, `${freeze ? "Freezes" : "Unfreezes"} a wallet, or --amount of its tokens (TRANSFER_AGENT)`)
        .addParam("wallet", "Wallet", undefined, types.string)
        .addOptionalParam("amount", "Token amount (default: the whole wallet)", undefined, types.string),
    ).setAction((args, hre) => runTask(hre, (ctx) => setFrozen(ctx, args, freeze)));
  }

  withExecutionFlags(
    task("token:force-transfer", "Moves tokens without the holder's consent (TRANSFER_AGENT)")
      .addParam("from", "Holder", undefined, types.string)
      .addParam("to", "Verified recipient", undefined, types.string)
      .addParam("amount", 'Token amount, or "all"', undefined, types.string),
  ).setAction((args, hre) => runTask(hre, (ctx) => forceTransfer(ctx, args)));

  withExecutionFlags(
    task(
      "token:recover",
      "Moves a lost wallet's holdings to a new wallet of the same investor (TRANSFER_AGENT)",
    )
      .addParam("lost", "Lost wallet", undefined, types.string)
      .addParam("new", "New wallet, registered under the same identity", undefined, types.string)
      .addParam("identity", "The investor's identity", undefined, types.string),
  ).setAction((args, hre) => runTask(hre, (ctx) => recoverWallet(ctx, args)));

  withExecutionFlags(
    task("token:pause", "Pauses transfers, issuance and accrual at once (GUARDIAN)"),
  ).setAction((args, hre) => runTask(hre, (ctx) => pauseToken(ctx, args)));

  withExecutionFlags(
    task(
      "token:unpause",
      "Schedules the unpause behind the ISSUER delay; --execute runs it once due (ISSUER)",
    ).addFlag("execute", "Execute the unpause scheduled earlier"),
  ).setAction((args, hre) => runTask(hre, (ctx) => unpauseToken(ctx, args)));

  withExecutionFlags(
    task("token:mint", "Issues tokens to a verified wallet (MINTER)")
      .addParam("wallet", "Recipient", undefined, types.string)
      .addParam("amount", "Token amount", undefined, types.string),
  ).setAction((args, hre) => runTask(hre, (ctx) => mintTokens(ctx, args)));

  withExecutionFlags(
    task("token:burn", "Burns tokens of a wallet (MINTER)")
      .addParam("wallet", "Holder", undefined, types.string)
      .addParam("amount", 'Token amount, or "all"', undefined, types.string),
  ).setAction((args, hre) => runTask(hre, (ctx) => burnTokens(ctx, args)));
}
