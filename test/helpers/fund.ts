/**
 * The fund as every test starts from it: deployed by the real deploy scripts (deploy/scripts, tag "all") with
 * the hardhat network's config (deploy/config/hardhat.ts): Safes hold every role, the deployer has renounced
 * ADMIN. Tests act as the role holders through their Safes, exactly as the fund's operators do.
 */
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { parseUnits } from "ethers";
import { loadFund, type Fund } from "../../lib/fund";
import { INVESTOR_CLASS_BITS } from "../../lib/classes";

process.env.DEPLOY_QUIET = "true";

export const ONE = 10n ** 18n;
export const DAY = 86_400;
export const YEAR = 365 * DAY;
/** ISO-3166 numeric codes used by the tests. */
export const COUNTRY = { US: 840, GB: 826, DE: 276, SG: 702, IR: 364, CU: 192 } as const;
export const CLASS = INVESTOR_CLASS_BITS;
/** Index of the first investor account (deploy/config/hardhat.ts account plan). */
export const FIRST_INVESTOR_ACCOUNT = 26;

export interface FundFixture {
  fund: Fund;
  /** Hardhat accounts 26..39, free for investors. */
  investors: HardhatEthersSigner[];
  /** Anyone without a role. */
  outsider: HardhatEthersSigner;
}

/**
 * Deploys the whole fund through the deploy scripts (snapshotted by hardhat-deploy between tests).
 * Always use it as `loadFixture(deployFundFixture)`, also inside other fixtures: hardhat-deploy reverts the
 * chain to its own snapshot, which invalidates snapshots loadFixture took since unless loadFixture restores it.
 */
export async function deployFundFixture(): Promise<FundFixture> {
  // Called directly while a fund is already deployed, it would deploy a second one and leave hardhat-deploy's
  // records pointing at it after loadFixture restores the first: refuse.
  const existing = await hre.deployments.getOrNull("FundToken");
  if (existing && (await hre.ethers.provider.getCode(existing.address)) !== "0x") {
    throw new Error("deployFundFixture must be called through loadFixture(deployFundFixture)");
  }
  // A plain run, not hardhat-deploy's own fixture cache: loadFixture already snapshots the result, and
  // hardhat-deploy's cached snapshot ids would be stale after a test resets the network (test/deploy).
  await hre.deployments.run(["all"], {
    resetMemory: true,
    deletePreviousDeployments: false,
    writeDeploymentsToFiles: false,
  });
  const fund = await loadFund(hre);
  const signers = await hre.ethers.getSigners();
  return { fund, investors: signers.slice(FIRST_INVESTOR_ACCOUNT), outsider: signers[0] };
}

/** Registers `wallet` as an investor (its own identity unless given) through the compliance officer's Safe. */
export async function registerInvestor(
  fund: Fund,
  wallet: string,
  options: { identity?: string; country?: number; classes?: number; kycExpiry?: number } = {},
) {
  const expiry = options.kycExpiry ?? (await time.latest()) + YEAR;
  return fund
    .as("complianceOfficer")
    .on(fund.contracts.registry)
    .registerInvestor(
      wallet,
      options.identity ?? wallet,
      options.country ?? COUNTRY.US,
      options.classes ?? CLASS.accredited,
      expiry,
    );
}

/**
 * Lists `wallets` as protocol accounts in the identity registry through the issuer's Safe, as a registration with
 * the PROTOCOL class requires: every call scheduled, the chain moved past the issuer's delay (2 days), then each
 * executed.
 */
export async function listProtocolAccounts(fund: Fund, wallets: string[]) {
  const issuer = fund.as("issuer");
  const { registry } = fund.contracts;
  let executableAt = 0n;
  for (const wallet of wallets) {
    const result = await issuer.on(registry).setProtocolAccount(wallet, true);
    if (result.status !== "scheduled")
      throw new Error("setProtocolAccount is expected behind the issuer's delay");
    if (result.executableAt > executableAt) executableAt = result.executableAt;
  }
  await time.increaseTo(executableAt);
  for (const wallet of wallets) await issuer.executeOn(registry).setProtocolAccount(wallet, true);
}

/**
 * Registers `wallet` as an account of the fund (PROTOCOL class, its own identity unless given): listed by the
 * issuer's Safe first ({@link listProtocolAccounts}: the chain moves 2 days), then registered by the compliance
 * officer's Safe.
 */
export async function registerProtocolAccount(
  fund: Fund,
  wallet: string,
  options: { identity?: string; country?: number; kycExpiry?: number } = {},
) {
  await listProtocolAccounts(fund, [wallet]);
  return registerInvestor(fund, wallet, { ...options, classes: CLASS.protocol });
}

/** Mints `amount` tokens to `wallet` through the transfer agent's Safe (MINTER). */
export async function mint(fund: Fund, wallet: string, amount: bigint) {
  return fund.as("transferAgent").on(fund.contracts.token).mint(wallet, amount);
}

/** Publishes a NAV (8 decimals, e.g. "1.0001") through the NAV publisher's Safe. */
export async function publishNav(fund: Fund, nav: string) {
  return fund.as("navPublisher").on(fund.contracts.navPublisher!).publish(parseUnits(nav, 8));
}

/** Publishes reserves in USD (8 decimals) through the NAV publisher's Safe. */
export async function publishReserves(fund: Fund, usd: string) {
  return fund.as("navPublisher").on(fund.contracts.reservePublisher!).publish(parseUnits(usd, 8));
}
