/**
 * Accounts of the fund itself (fee wallet, fund manager, settlement escrow, wrapper) are registered in the
 * identity registry with the PROTOCOL class: they may hold the token but are not investors.
 */
import type { DeployContext } from "./context";
import type { IdentityRegistry } from "../../typechain-types";
import { INVESTOR_CLASS_BITS } from "../../scripts/lib/classes";

/** ISO-3166 code recorded for the fund's own accounts (PROTOCOL accounts are exempt from country rules). */
export const FUND_ACCOUNT_COUNTRY = 840;
/** KYC expiry of the fund's own accounts: 2100-01-01, they are not subject to investor KYC renewals. */
export const FUND_ACCOUNT_KYC_EXPIRY = 4_102_444_800;

/** Registers `wallet` as its own identity with the PROTOCOL class, unless it is registered already. */
export async function registerFundAccount(
  ctx: DeployContext,
  registry: IdentityRegistry,
  wallet: string,
  label: string,
): Promise<void> {
  if (await registry.contains(wallet)) {
    const classes = await registry.investorClasses(wallet);
    if ((classes & BigInt(INVESTOR_CLASS_BITS.protocol)) === 0n)
      throw new Error(`${label} ${wallet} is registered as an investor, not as an account of the fund`);
    return;
  }
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
