/**
 * Accounts of the fund itself (fee wallet, fund manager, settlement escrows, wrapper) are registered in the
 * identity registry with the PROTOCOL class: they may hold the token but are not investors. The registry writes
 * that class only for a wallet the issuer listed (`setProtocolAccount`), so each account is listed first.
 */
import type { DeployContext } from "./context";
import { accessManager } from "./deploy";
import type { IdentityRegistry } from "../../typechain-types";
import { INVESTOR_CLASS_BITS } from "../classes";

/** ISO-3166 code recorded for the fund's own accounts (PROTOCOL accounts are exempt from country rules). */
export const FUND_ACCOUNT_COUNTRY = 840;
/** KYC expiry of the fund's own accounts: 2100-01-01, they are not subject to investor KYC renewals. */
export const FUND_ACCOUNT_KYC_EXPIRY = 4_102_444_800;

/** Whether the deployer may call `fn` of the registry now, without a delay (it holds the role during the deployment). */
async function deployerMayCall(
  ctx: DeployContext,
  registry: IdentityRegistry,
  fn: "setProtocolAccount" | "registerInvestor",
): Promise<boolean> {
  const manager = await accessManager(ctx);
  const selector = registry.interface.getFunction(fn)!.selector;
  const [immediate] = await manager.canCall(ctx.deployer.address, await registry.getAddress(), selector);
  return immediate;
}

/**
 * Puts `wallet` on the issuer's list of protocol accounts, then registers it as its own identity with the
 * PROTOCOL class; each step only when the chain lacks it (a re-run sends nothing). The deployer does it while it
 * holds ISSUER and COMPLIANCE_OFFICER (before the handover, `asDeployerWithRoles`); after the handover a missing
 * step fails naming what the issuer's or the compliance officer's Safe must do.
 */
export async function registerFundAccount(
  ctx: DeployContext,
  recordedRegistry: IdentityRegistry,
  wallet: string,
  label: string,
): Promise<void> {
  // The current ABI, whatever the deployment record kept (a registry upgraded since its record was written).
  const registry = (await ctx.hre.ethers.getContractAt(
    "IdentityRegistry",
    await recordedRegistry.getAddress(),
    ctx.deployer,
  )) as unknown as IdentityRegistry;
  const registered = await registry.contains(wallet);
  if (registered) {
    const classes = await registry.investorClasses(wallet);
    if ((classes & BigInt(INVESTOR_CLASS_BITS.protocol)) === 0n)
      throw new Error(`${label} ${wallet} is registered as an investor, not as an account of the fund`);
  }
  if (!(await registry.isProtocolAccount(wallet))) {
    if (!(await deployerMayCall(ctx, registry, "setProtocolAccount")))
      throw new Error(
        `${label} ${wallet} is not on the IdentityRegistry's list of protocol accounts and the deployer no ` +
          `longer holds ISSUER: the issuer's Safe lists it first (npx hardhat registry:protocol-account ` +
          `--network ${ctx.network} --account ${wallet}, then again with --execute once the issuer's delay has ` +
          `passed), then run the deployment again`,
      );
    await (await registry.setProtocolAccount(wallet, true)).wait();
    ctx.log(`IdentityRegistry: ${label} ${wallet} listed as a protocol account`);
  }
  if (registered) return;
  if (!(await deployerMayCall(ctx, registry, "registerInvestor")))
    throw new Error(
      `${label} ${wallet} is not registered and the deployer no longer holds COMPLIANCE_OFFICER: the compliance ` +
        `officer's Safe registers it with IdentityRegistry.registerInvestor(${wallet}, ${wallet}, ` +
        `${FUND_ACCOUNT_COUNTRY}, ${INVESTOR_CLASS_BITS.protocol}, ${FUND_ACCOUNT_KYC_EXPIRY}), then run the ` +
        `deployment again`,
    );
  await (
    await registry.registerInvestor(
      wallet,
      wallet,
      FUND_ACCOUNT_COUNTRY,
      INVESTOR_CLASS_BITS.protocol,
      FUND_ACCOUNT_KYC_EXPIRY,
    )
  ).wait();
  ctx.log(`IdentityRegistry: ${label} ${wallet} registered as an account of the fund`);
}
