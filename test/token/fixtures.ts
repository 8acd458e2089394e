/**
 * Fixtures and helpers of the fund token's specification tests. Every fixture starts from the fund deployed by
 * the real deploy scripts (`deployFundFixture`) and acts through the role holders' Safes.
 *
 * Share arithmetic is re-implemented here from docs/TOKEN.md (never read back from the contract), so that the
 * tests compare the token with the documented formulas, exactly.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Interface, parseUnits, type BaseContract, type TransactionResponse } from "ethers";
import { CLASS, COUNTRY, DAY, ONE, YEAR, deployFundFixture, mint, type FundFixture } from "../helpers/fund";
import { execSafeTransaction } from "../../lib/safe";
import type { Fund, RoleStep } from "../../lib/fund";
import type { RoleHolderName } from "../../lib/config/types";
import type { FundToken, IFundToken } from "../../typechain-types";
import { roleStep } from "../../lib/fund";

export { CLASS, COUNTRY, DAY, ONE, YEAR };
export const HOUR = 3_600;
/** Issuer execution delay of deploy/config/hardhat.ts. */
export const ISSUER_DELAY = 2 * DAY;
/** Fee proration denominator of the accrual: basis points x seconds per year. */
export const FEE_DENOMINATOR = 10_000n * 365n * 86_400n;
/** Management fee of deploy/config/hardhat.ts, in bps per year. */
export const MANAGEMENT_FEE_BPS = 20n;
/** The NAV and reserve publishers' decimals. */
export const FEED_DECIMALS = 8;

// ----------------------------------------------------------------------------- share arithmetic (docs/TOKEN.md)

/** shares -> balance, rounded down. */
export const toAmount = (shares: bigint, index: bigint): bigint => (shares * index) / ONE;
/** amount -> shares given up by a sender, rounded up. */
export const toSharesUp = (amount: bigint, index: bigint): bigint =>
  amount === 0n ? 0n : (amount * ONE - 1n) / index + 1n;
/** amount -> shares received on issuance, rounded down. */
export const toSharesDown = (amount: bigint, index: bigint): bigint => (amount * ONE) / index;
/** Shares a holder with `shares` gives up to send `amount`: every share for the whole balance. */
export const sharesToTake = (shares: bigint, amount: bigint, index: bigint): bigint =>
  amount === toAmount(shares, index) ? shares : toSharesUp(amount, index);

/** The documented accrual of one NAV round. */
export interface AccrualModel {
  grossIndex: bigint;
  newIndex: bigint;
  /** `totalShares x grossIndex / 1e18 - totalShares x newIndex / 1e18`. */
  feeAmount: bigint;
  /** `feeAmount x 1e18 / newIndex`, minted to the fee wallet. */
  feeShares: bigint;
  /** The fee shares' value, as the Transfer and YieldAccrued events carry it. */
  feeSharesAmount: bigint;
  /** Change of the holders' (pre-existing shares') supply. */
  holdersSupplyChange: bigint;
}

export function accrualModel(p: {
  index: bigint;
  totalShares: bigint;
  lastNav: bigint;
  nav: bigint;
  lastUpdatedAt: bigint;
  updatedAt: bigint;
  feeBps?: bigint;
  /** The NAV oracle's decrease policy (false by default, as deployed). */
  allowDecrease?: boolean;
}): AccrualModel {
  const feeBps = p.feeBps ?? MANAGEMENT_FEE_BPS;
  const grossIndex = (p.index * p.nav) / p.lastNav;
  let feeTime = feeBps * (p.updatedAt - p.lastUpdatedAt);
  if (feeTime > FEE_DENOMINATOR) feeTime = FEE_DENOMINATOR;
  let newIndex = (grossIndex * (FEE_DENOMINATOR - feeTime)) / FEE_DENOMINATOR;
  // Unless decreases are allowed, the fee is capped at the gross growth: the index never falls because of it.
  if (newIndex < p.index && !p.allowDecrease) newIndex = grossIndex < p.index ? grossIndex : p.index;
  const feeAmount = toAmount(p.totalShares, grossIndex) - toAmount(p.totalShares, newIndex);
  const feeShares = toSharesDown(feeAmount, newIndex);
  return {
    grossIndex,
    newIndex,
    feeAmount,
    feeShares,
    feeSharesAmount: toAmount(feeShares, newIndex),
    holdersSupplyChange: toAmount(p.totalShares, newIndex) - toAmount(p.totalShares, p.index),
  };
}

// ----------------------------------------------------------------------------- transactions through Safes

/** The transaction of a Safe call, for `expect(...).to.emit`. */
export function tx(p: Promise<{ response: TransactionResponse }>): Promise<TransactionResponse> {
  return p.then((r) => r.response);
}

/** Sends `target.fn(args)` from a role holder's Safe straight to the target (no AccessManager scheduling). */
export async function safeDirect(
  fund: Fund,
  role: RoleHolderName,
  target: BaseContract,
  fn: string,
  args: unknown[],
  interfaces: Interface[] = [],
) {
  const actor = fund.as(role);
  return execSafeTransaction(
    actor.address,
    { to: String(target.target), data: target.interface.encodeFunctionData(fn, args) },
    actor.signers,
    { interfaces: [target.interface, ...interfaces, ...fund.interfaces(), fund.contracts.manager.interface] },
  );
}

/**
 * Schedules several issuer calls at once, waits the issuer's delay once and executes them all (cheaper in
 * simulated time than one `callNow` each).
 */
export async function issuerCalls(fund: Fund, calls: RoleStep[]) {
  const issuer = fund.as("issuer");
  for (const { target, fn, args } of calls) {
    const result = await issuer.call(target, fn, args);
    expect(result.status).to.equal("scheduled");
  }
  await time.increase(ISSUER_DELAY);
  for (const { target, fn, args } of calls) await issuer.execute(target, fn, args);
}

// ----------------------------------------------------------------------------- oracle inputs

/** NAV or reserves as the publishers take them (8 decimals). */
export const feedUnits = (value: string): bigint => parseUnits(value, FEED_DECIMALS);
/** A feed answer scaled to 18 decimals, as the NAV oracle and reserve guard return it. */
export const wad = (answer: bigint): bigint => answer * 10n ** BigInt(18 - FEED_DECIMALS);

/** Latest round of a publisher: answer (8 decimals) and its timestamp. */
export async function latestRound(publisher: BaseContract) {
  const feed = await ethers.getContractAt("NavPublisher", String(publisher.target));
  const r = await feed.latestRoundData();
  return { roundId: r.roundId, answer: r.answer, updatedAt: r.updatedAt };
}

/** Waits until a publisher accepts a new round (its minimum interval is one hour). */
async function waitPublisherInterval(publisher: BaseContract) {
  const { updatedAt } = await latestRound(publisher);
  const ready = Number(updatedAt) + HOUR;
  if ((await time.latest()) < ready) await time.increaseTo(ready);
}

/** Publishes a NAV answer (8 decimals) through the NAV publisher's Safe, waiting its interval if needed. */
export async function publishNavAnswer(fund: Fund, answer: bigint) {
  const publisher = fund.contracts.navPublisher!;
  await waitPublisherInterval(publisher);
  await fund.as("navPublisher").on(publisher).publish(answer);
  return latestRound(publisher);
}

/** Publishes reserves in USD (8 decimals) through the NAV publisher's Safe, waiting its interval if needed. */
export async function publishReserveAnswer(fund: Fund, answer: bigint) {
  const publisher = fund.contracts.reservePublisher!;
  await waitPublisherInterval(publisher);
  await fund.as("navPublisher").on(publisher).publish(answer);
  return latestRound(publisher);
}

/** Publishes the deployed reserves again (10 million USD), so that the reserve round is fresh. */
export async function refreshReserves(fund: Fund, usd = "10000000") {
  return publishReserveAnswer(fund, feedUnits(usd));
}

// ----------------------------------------------------------------------------- registry

export interface Registration {
  wallet: string;
  identity: string;
  country: number;
  classes: number;
  kycExpiry: number;
}

/** Registers many wallets (each its own identity unless given) in one Safe transaction. */
export async function registerMany(
  fund: Fund,
  wallets: string[],
  options: Partial<Omit<Registration, "wallet">> = {},
) {
  const expiry = options.kycExpiry ?? (await time.latest()) + YEAR;
  const regs: Registration[] = wallets.map((wallet) => ({
    wallet,
    identity: options.identity ?? wallet,
    country: options.country ?? COUNTRY.US,
    classes: options.classes ?? CLASS.accredited,
    kycExpiry: expiry,
  }));
  return fund.as("complianceOfficer").on(fund.contracts.registry).batchRegisterInvestor(regs);
}

// ----------------------------------------------------------------------------- fixtures

export interface InvestorsFixture extends FundFixture {
  token: IFundToken;
  /** The token proxy with FundToken's ABI (AccessManaged errors, EIP-712 domain). */
  tokenImpl: FundToken;
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  carol: HardhatEthersSigner;
  /** Registered and verified, holds nothing. */
  dave: HardhatEthersSigner;
  /** Never registered. */
  erin: HardhatEthersSigner;
  feeWallet: string;
  /** Initial holdings of alice, bob and carol. */
  amounts: { alice: bigint; bob: bigint; carol: bigint };
}

export const FUNDED = {
  alice: 1_000_000n * ONE,
  bob: 250_000n * ONE,
  carol: 10_000n * ONE,
};

async function withInvestors(base: FundFixture): Promise<InvestorsFixture> {
  const { fund, investors } = base;
  const [alice, bob, carol, dave, erin] = investors;
  const token = fund.contracts.token;
  await registerMany(fund, [alice.address, bob.address, carol.address, dave.address]);
  await fund
    .as("transferAgent")
    .on(token)
    .batchMint([alice.address, bob.address, carol.address], [FUNDED.alice, FUNDED.bob, FUNDED.carol]);
  return {
    ...base,
    token,
    tokenImpl: (await ethers.getContractAt("FundToken", String(token.target))) as unknown as FundToken,
    alice,
    bob,
    carol,
    dave,
    erin,
    feeWallet: await token.feeWallet(),
    amounts: FUNDED,
  };
}

/** Alice, Bob and Carol registered and funded at the index of inception (1.0); Dave registered only. */
export async function investorsFixture(): Promise<InvestorsFixture> {
  return withInvestors(await loadFixture(deployFundFixture));
}

/** NAV 1.00000000 published two days after deployment moved to this (17 bps in two days). */
export const REBASED_NAV = feedUnits("1.0017");

/**
 * The same investors, funded after a first accrual moved the index above 1 to an irregular value
 * (1.0017 x (1 - 20 bps x 2 days / 1 year)): every conversion rounds.
 */
export async function rebasedFixture(): Promise<InvestorsFixture> {
  const base = await loadFixture(deployFundFixture);
  await time.increase(2 * DAY);
  await publishNavAnswer(base.fund, REBASED_NAV);
  await base.fund.contracts.token.accrue();
  await refreshReserves(base.fund);
  return withInvestors(base);
}

/**
 * The same investors, with the token pointed (through the issuer's delay) at a reserve guard that reverts with
 * `GuardBroken(newSupply)` whatever it is asked (MockFaultyReserveGuard in its NamedError mode): any path that
 * consults the guard either reverts or, for the accrual, is blocked.
 */
export async function revertingGuardFixture() {
  const f = await loadFixture(investorsFixture);
  const guard = await (await ethers.getContractFactory("MockFaultyReserveGuard")).deploy();
  await guard.set(1, false, 0);
  await issuerCalls(f.fund, [roleStep(f.token, "setReserveGuard", [await guard.getAddress()])]);
  return { ...f, guard };
}

/** Mints through the transfer agent's Safe (re-exported for the tests). */
export { mint };

/** Sum of `sharesOf` over wallets. */
export async function sumShares(token: IFundToken, wallets: string[]): Promise<bigint> {
  let sum = 0n;
  for (const w of wallets) sum += await token.sharesOf(w);
  return sum;
}

/** Checks the share invariants of docs/TOKEN.md over the given wallets (which must be every holder). */
export async function expectShareInvariants(token: IFundToken, holders: string[]) {
  const index = await token.index();
  const totalShares = await token.totalShares();
  expect(await sumShares(token, holders)).to.equal(totalShares);
  expect(await token.totalSupply()).to.equal(toAmount(totalShares, index));
  for (const h of holders) {
    expect(await token.balanceOf(h)).to.equal(toAmount(await token.sharesOf(h), index));
  }
}
