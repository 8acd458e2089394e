/**
 * The deployed fund (deploy scripts, Safes holding every role) with its wrapper, three funded investors who
 * approved the vault, and helpers to move the fund through business days (reserves, NAV, accrual).
 */
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { WrappedFundPriceFeed, WrappedFundToken } from "../../typechain-types";
import { deployFundFixture, registerInvestor, mint, ONE, DAY, CLASS } from "../helpers/fund";
import type { Fund } from "../../lib/fund";

export { ONE, DAY, CLASS };

/** WrappedFundToken.DECIMALS_OFFSET. */
export const OFFSET = 6n;
/** 10 ** OFFSET: the vault's virtual shares. */
export const VIRTUAL_SHARES = 10n ** OFFSET;
/** One whole wrapped token: 10 ** (18 + OFFSET). */
export const WHOLE_SHARE = 10n ** (18n + OFFSET);
/** NAV decimals of the deployed NAV publisher (deploy/config/hardhat.ts). */
export const NAV_UNIT = 10n ** 8n;
/** Fund tokens minted to each funded investor by the fixture. */
export const FUNDED = 1_000_000n * ONE;
/** The reserves published every day (USD, 8 decimals): the deploy config's 10 million. */
export const RESERVES = 10_000_000n * NAV_UNIT;

export interface WrapperFixture {
  fund: Fund;
  vault: WrappedFundToken;
  feed: WrappedFundPriceFeed;
  /** Verified, accredited, FUNDED fund tokens each, vault approved for everything. */
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  carol: HardhatEthersSigner;
  /** Registered (verified) but without any fund token. */
  erin: HardhatEthersSigner;
  /** Never registered. */
  dave: HardhatEthersSigner;
  /** Anyone without a role. */
  outsider: HardhatEthersSigner;
  investors: HardhatEthersSigner[];
}

/** The vault and feed recorded by deploy/scripts/08_wrapper.ts. */
export async function wrapperContracts() {
  const { deployments, ethers } = hre;
  const vault = (await ethers.getContractAt(
    "WrappedFundToken",
    (await deployments.get("WrappedFundToken")).address,
  )) as unknown as WrappedFundToken;
  const feed = (await ethers.getContractAt(
    "WrappedFundPriceFeed",
    (await deployments.get("WrappedFundPriceFeed")).address,
  )) as unknown as WrappedFundPriceFeed;
  return { vault, feed };
}

/**
 * The fund with its wrapper and three funded investors who approved the vault. Fixtures build on each other
 * through `loadFixture` (never by calling `deployFundFixture` directly), so that the deploy scripts run once and
 * every snapshot stays valid.
 */
export async function wrapperFixture(): Promise<WrapperFixture> {
  const { fund, investors, outsider } = await loadFixture(deployFundFixture);
  const { vault, feed } = await wrapperContracts();
  const [alice, bob, carol, erin, dave] = investors;
  const { token } = fund.contracts;
  for (const who of [alice, bob, carol]) {
    await registerInvestor(fund, who.address);
    await mint(fund, who.address, FUNDED);
    await token.connect(who).approve(await vault.getAddress(), hre.ethers.MaxUint256);
  }
  await registerInvestor(fund, erin.address);
  return { fund, vault, feed, alice, bob, carol, erin, dave, outsider, investors };
}

/** Publishes a NAV round (8 decimals) through the NAV publisher's Safe. */
export async function publishNavUnits(fund: Fund, nav: bigint) {
  return fund.as("navPublisher").on(fund.contracts.navPublisher!).publish(nav);
}

/** The NAV the publisher reported last (8 decimals). */
export async function latestNav(fund: Fund): Promise<bigint> {
  const [, answer] = await fund.contracts.navPublisher!.latestRoundData();
  return answer;
}

/**
 * One business day: a day passes, the custodian's reserves and a NAV `bpsTimes100 / 1e6` higher are published
 * through the NAV publisher's Safe, and anyone applies the round. Returns the NAV published.
 * The default (150 = 1.5 bps a day, about 5.6% a year) stays within the deploy config's 10 bps/day bound.
 */
export async function nextBusinessDay(fund: Fund, growthPpm = 150n): Promise<bigint> {
  await time.increase(DAY);
  await fund.as("navPublisher").on(fund.contracts.reservePublisher!).publish(RESERVES);
  const nav = await latestNav(fund);
  const next = nav + (nav * growthPpm) / 1_000_000n;
  await publishNavUnits(fund, next);
  await fund.contracts.token.accrue();
  return next;
}

/** Value of `shares` wrapped shares as the vault computes it, rounded down (OpenZeppelin ERC-4626 with offset). */
export function sharesToAssetsDown(shares: bigint, totalAssets: bigint, totalSupply: bigint): bigint {
  return (shares * (totalAssets + 1n)) / (totalSupply + VIRTUAL_SHARES);
}

/** Wrapped shares for `assets`, rounded down. */
export function assetsToSharesDown(assets: bigint, totalAssets: bigint, totalSupply: bigint): bigint {
  return (assets * (totalSupply + VIRTUAL_SHARES)) / (totalAssets + 1n);
}

/** Ceiling division. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  return a === 0n ? 0n : (a - 1n) / b + 1n;
}
