/**
 * Fixtures of the fund manager tests: the fund deployed by the real deploy scripts (deploy/config/hardhat.ts),
 * its FundManager, and three verified investors holding mock USDC with approvals given.
 */
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { parseUnits } from "ethers";
import {
  deployFundFixture,
  registerInvestor,
  publishNav,
  publishReserves,
  DAY,
  type FundFixture,
} from "../helpers/fund";
import type { Fund, RoleStep } from "../../lib/fund";
import type { IFundManager, MockStablecoin } from "../../typechain-types";
import { FLOW, STATUS, HOLD } from "../helpers/fund-manager-enums";
import { RESTRICTION as RESTRICTION_CODES } from "../../lib/compliance-rules";
import { roleStep } from "../../lib/fund";

export { FLOW, STATUS, HOLD };

export const USDC = (value: string) => parseUnits(value, 6);
export const TOKENS = (value: string) => parseUnits(value, 18);
/** TransferRestrictions codes (generated, through lib/compliance-rules.ts). */
export const RESTRICTION = RESTRICTION_CODES;
/** The ISSUER role's execution delay in deploy/config/hardhat.ts. */
export const ISSUER_DELAY = 2 * DAY;

export interface ManagerFixture extends FundFixture {
  fm: IFundManager;
  usdc: MockStablecoin;
  /** Verified investors (accredited, US), each with 10 million mock USDC approved to the manager. */
  alice: FundFixture["investors"][number];
  bob: FundFixture["investors"][number];
  carol: FundFixture["investors"][number];
  custodian: string;
  feeWallet: string;
}

/** The deployed fund and its manager, with three funded investors. The token index is still exactly 1. */
export async function managerFixture(): Promise<ManagerFixture> {
  // Through loadFixture: hardhat-deploy's own fixture reverts the chain, which would invalidate the snapshots
  // loadFixture took since; loadFixture prunes them when it restores the deployment's snapshot.
  const base = await loadFixture(deployFundFixture);
  const { fund, investors } = base;
  const fm = (await hre.ethers.getContractAt(
    "IFundManager",
    (await hre.deployments.get("FundManager")).address,
  )) as unknown as IFundManager;
  const usdc = fund.contracts.stablecoins.USDC;
  const [deployer] = await hre.ethers.getSigners();
  const [alice, bob, carol] = investors;
  for (const investor of [alice, bob, carol]) {
    await registerInvestor(fund, investor.address);
    await usdc.connect(deployer).mint(investor.address, USDC("10000000"));
    await usdc.connect(investor).approve(await fm.getAddress(), hre.ethers.MaxUint256);
    await fund.contracts.token.connect(investor).approve(await fm.getAddress(), hre.ethers.MaxUint256);
  }
  const signers = await hre.ethers.getSigners();
  return {
    ...base,
    fm,
    usdc,
    alice,
    bob,
    carol,
    custodian: signers[10].address,
    feeWallet: signers[9].address,
  };
}

/**
 * Runs ISSUER calls through the issuer's Safe: schedules them all, waits the execution delay once and executes
 * them in order (the NAV round published at deployment stays usable: it is 2 days old afterwards).
 */
export async function asIssuer(fund: Fund, calls: RoleStep[]) {
  for (const { target, fn, args } of calls) await fund.as("issuer").call(target, fn, args);
  await time.increase(ISSUER_DELAY);
  const results = [];
  for (const { target, fn, args } of calls) results.push(await fund.as("issuer").execute(target, fn, args));
  return results;
}

/**
 * The manager with small limits, easy to reach exactly: minimum first 1,000, top-up 100, at most 1,000,000 per
 * investor; subscriptions 5,000 per investor and 8,000 for the fund per rolling day; instant redemptions 3,000
 * per investor and 4,000 for the fund; fees 10 bps in, 5 bps out; a 2,000 USDC buffer; no NAV carry. The token's
 * management fee is set to 0 so that re-publishing the same NAV keeps the index at exactly 1; NAV and reserves (10 million)
 * are re-published at the end, so both are fresh.
 */
export async function configure(f: ManagerFixture, extra: RoleStep[] = []): Promise<ManagerFixture> {
  const { fm, usdc, fund } = f;
  await asIssuer(fund, [
    roleStep(fm, "setInvestmentLimits", [TOKENS("1000"), TOKENS("100"), TOKENS("1000000")]),
    roleStep(fm, "setDailyLimits", [FLOW.Subscription, TOKENS("5000"), TOKENS("8000")]),
    roleStep(fm, "setDailyLimits", [FLOW.Redemption, TOKENS("3000"), TOKENS("4000")]),
    roleStep(fm, "setFees", [10, 5]),
    roleStep(fm, "setLiquidityBufferTarget", [await usdc.getAddress(), USDC("2000")]),
    roleStep(fund.contracts.token, "setManagementFeeBps", [0]),
    // Subscriptions priced at the applied NAV exactly (no carry), so that amounts are round; the carry has its
    // own tests (FundManager.pricing.test.ts).
    roleStep(fm, "setNavCarryRate", [0]),
    ...extra,
  ]);
  await publishNav(fund, "1.00");
  await publishReserves(fund, "10000000");
  return f;
}

/** {configure}: small limits, instant redemption on. */
export async function limitsFixture(): Promise<ManagerFixture> {
  return configure(await loadFixture(managerFixture));
}

/** {configure}: small limits, instant redemption off (every redemption is queued). */
export async function queueFixture(): Promise<ManagerFixture> {
  const f = await loadFixture(managerFixture);
  return configure(f, [roleStep(f.fm, "setInstantRedemption", [false])]);
}
