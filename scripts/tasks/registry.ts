/**
 * The issuer's list of protocol accounts in the identity registry: only a listed wallet may be registered with the
 * `protocol` class, which exempts it from the investor rules (docs/COMPLIANCE.md). Listing and delisting are the
 * ISSUER role's, behind its execution delay: the task schedules, and runs again with `--execute` once the delay has
 * passed (or writes both Safe transactions for offline signing).
 */
import { task, types } from "hardhat/config";
import { FUND_ACCOUNT_CLASS } from "../../lib/investors-csv";
import { classNames } from "../../lib/classes";
import { OpsContext, TaskInputError, runTask } from "./context";
import { ExecFlags, PerformResult, perform, withExecutionFlags } from "./execute";
import { parseAddress } from "./inputs";
import { recordOf } from "./chain";

export interface ProtocolAccountArgs extends ExecFlags {
  account: string;
  /** Delist the account instead of listing it. */
  remove?: boolean;
  /** Execute the call scheduled earlier, once the issuer's delay has passed. */
  execute?: boolean;
}

/**
 * Lists (or, with `remove`, delists) an account of the fund on the registry's list of protocol accounts, through
 * the issuer's Safe. Refused before anything is sent when the list already says so, and a delisting while the
 * account is registered with the protocol class (the registry would refuse it with `ProtocolAccountStillRegistered`
 * when the delayed call executes).
 */
export async function setProtocolAccount(ctx: OpsContext, args: ProtocolAccountArgs): Promise<PerformResult> {
  const account = parseAddress("account", args.account);
  const listed = !args.remove;
  const { registry } = ctx.fund.contracts;
  if ((await registry.isProtocolAccount(account)) === listed) {
    throw new TaskInputError(
      `--account: ${account} is ${listed ? "already" : "not"} on the list of protocol accounts: nothing to do`,
    );
  }
  if (!listed) {
    const record = await recordOf(ctx, account);
    if (record && classNames(record.classes).includes(FUND_ACCOUNT_CLASS)) {
      throw new TaskInputError(
        `--account: ${account} is registered with the ${FUND_ACCOUNT_CLASS} class (identity ${record.identity}): ` +
          `the compliance officer first deletes its registration (once it holds nothing) or reclassifies it, ` +
          `then the issuer can delist it`,
      );
    }
  }
  return perform(
    ctx,
    [
      {
        target: registry,
        fn: "setProtocolAccount",
        args: [account, listed],
        summary: listed
          ? `list ${account} as a protocol account (it may then be registered with the ${FUND_ACCOUNT_CLASS} class)`
          : `delist ${account} as a protocol account`,
      },
    ],
    args,
    args.execute ? "execute" : "call",
  );
}

export function registerRegistryTasks(): void {
  withExecutionFlags(
    task(
      "registry:protocol-account",
      "Lists an account of the fund as a protocol account, or --remove it; schedules behind the ISSUER delay, " +
        "--execute runs it once due (ISSUER)",
    )
      .addParam("account", "The account of the fund (contract or wallet)", undefined, types.string)
      .addFlag("remove", "Delist the account")
      .addFlag("execute", "Execute the call scheduled earlier"),
  ).setAction((args, hre) => runTask(hre, (ctx) => setProtocolAccount(ctx, args)));
}
