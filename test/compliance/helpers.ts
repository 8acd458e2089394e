/**
 * Shared setup of the compliance specification: the deployed fund (deploy scripts, Safes holding every role)
 * with a cast of registered investors, and helpers to change the rules through the issuer's Safe, issue
 * tokens through the transfer agent's Safe, rebase, and check the per-investor accounting against the token.
 */
import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { getAddress, id, parseUnits, type BaseContract, type TransactionResponse } from "ethers";
import type { RoleHolderName } from "../../lib/config/types";
import type { Fund, RoleFunctionArgs, RoleFunctionName } from "../../lib/fund";
import type { IFundCompliance } from "../../typechain-types";
import { RULES, RESTRICTION } from "../../lib/compliance-rules";
import {
  CLASS,
  COUNTRY,
  DAY,
  ONE,
  YEAR,
  deployFundFixture,
  listProtocolAccounts,
  mint,
} from "../helpers/fund";
import { ModularComplianceAdmin__factory, type ModularComplianceAdmin } from "../../typechain-types";

export { RULES, RESTRICTION as R, CLASS, COUNTRY, DAY, ONE, YEAR, listProtocolAccounts };

/** Rules the demo fund deploys with (deploy/config/hardhat.ts): every rule but the lockup. */
export const DEPLOYED_RULES =
  RULES.COUNTRY |
  RULES.SANCTIONS |
  RULES.INVESTOR_CLASS |
  RULES.MAX_INVESTORS |
  RULES.HOLDING_LIMITS |
  RULES.TRANSFER_LIMIT;

/** Country codes of the OFAC preset deny list (Cuba, Iran, North Korea, Syria). */
export const OFAC_PRESET = [192, 364, 408, 760];

/** Token units (18 decimals) of a decimal string. */
export const tokens = (value: string): bigint => parseUnits(value, 18);

/** A deterministic address standing for an investor identity (never signs). */
export function labelled(label: string): string {
  return getAddress(id(label).slice(0, 42));
}

export const IDS = {
  alice: labelled("identity:alice"),
  bob: labelled("identity:bob"),
  carol: labelled("identity:carol"),
  dave: labelled("identity:dave"),
  erin: labelled("identity:erin"),
} as const;

export interface Cast {
  fund: Fund;
  outsider: HardhatEthersSigner;
  /** Alice: two wallets, US, accredited. */
  alice: HardhatEthersSigner;
  alice2: HardhatEthersSigner;
  /** Bob: United Kingdom, qualified purchaser. */
  bob: HardhatEthersSigner;
  /** Carol: Germany, institutional. */
  carol: HardhatEthersSigner;
  /** Dave: Singapore, accredited + qualified purchaser. */
  dave: HardhatEthersSigner;
  /** Erin: US, accredited. */
  erin: HardhatEthersSigner;
  /** Investor accounts registered by nobody yet (free for each test). */
  spare: HardhatEthersSigner[];
  /** Every registered wallet with its identity, for the accounting checks. */
  wallets: string[];
}

export interface Registration {
  wallet: string;
  identity: string;
  country: number;
  classes: number;
  kycExpiry?: number;
}

/** Registers wallets in one transaction of the compliance officer's Safe (KYC valid two years by default). */
export async function register(fund: Fund, list: Registration[]) {
  const expiry = (await time.latest()) + 2 * YEAR;
  return fund
    .as("complianceOfficer")
    .on(fund.contracts.registry)
    .batchRegisterInvestor(
      list.map((r) => ({
        wallet: r.wallet,
        identity: r.identity,
        country: r.country,
        classes: r.classes,
        kycExpiry: r.kycExpiry ?? expiry,
      })),
    );
}

/** The deployed fund with Alice (two wallets), Bob, Carol, Dave and Erin registered; nothing issued. */
export async function castFixture(): Promise<Cast> {
  const { fund, investors, outsider } = await loadFixture(deployFundFixture);
  const [alice, alice2, bob, carol, dave, erin, ...spare] = investors;
  await register(fund, [
    { wallet: alice.address, identity: IDS.alice, country: COUNTRY.US, classes: CLASS.accredited },
    { wallet: alice2.address, identity: IDS.alice, country: COUNTRY.US, classes: CLASS.accredited },
    { wallet: bob.address, identity: IDS.bob, country: COUNTRY.GB, classes: CLASS.qualified_purchaser },
    { wallet: carol.address, identity: IDS.carol, country: COUNTRY.DE, classes: CLASS.institutional },
    {
      wallet: dave.address,
      identity: IDS.dave,
      country: COUNTRY.SG,
      classes: CLASS.accredited | CLASS.qualified_purchaser,
    },
    { wallet: erin.address, identity: IDS.erin, country: COUNTRY.US, classes: CLASS.accredited },
  ]);
  return {
    fund,
    outsider,
    alice,
    alice2,
    bob,
    carol,
    dave,
    erin,
    spare,
    wallets: [alice, alice2, bob, carol, dave, erin].map((s) => s.address),
  };
}

/**
 * Calls a compliance setter as the issuer's Safe: schedules, waits the issuer's delay, executes. Resolves to
 * the executing transaction (for `.to.emit`).
 */
export async function configure<K extends RoleFunctionName<IFundCompliance>>(
  fund: Fund,
  fn: K,
  args: RoleFunctionArgs<IFundCompliance, K>,
): Promise<TransactionResponse> {
  return (await fund.as("issuer").callNow(fund.contracts.compliance, fn, args)).response;
}

/** Calls `fn` on `target` as the holder of `role` through its Safe (no delay). Resolves to the transaction. */
export async function act<C extends BaseContract, K extends RoleFunctionName<C>>(
  fund: Fund,
  role: RoleHolderName,
  target: C,
  fn: K,
  args: RoleFunctionArgs<C, K>,
): Promise<TransactionResponse> {
  const result = await fund.as(role).call(target, fn, args);
  if (result.status !== "executed") throw new Error(`${role} ${fn} was scheduled, not executed`);
  return result.response;
}

/**
 * Publishes the demo reserves again when the last round is older than three days (the reserve feed goes stale
 * after four days, and the issuer's delay moves the chain two days per configuration change).
 */
export async function freshReserves(fund: Fund, usd = "10000000") {
  const publisher = fund.contracts.reservePublisher!;
  const [, , , updatedAt] = await publisher.latestRoundData();
  if (BigInt(await time.latest()) - updatedAt > BigInt(3 * DAY)) {
    await fund.as("navPublisher").on(publisher).publish(parseUnits(usd, 8));
  }
}

/** Issues `amount` tokens to `wallet` through the transfer agent's Safe (MINTER), reserves kept fresh. */
export async function issue(fund: Fund, wallet: string, amount: bigint): Promise<TransactionResponse> {
  await freshReserves(fund);
  return (await mint(fund, wallet, amount)).response;
}

/**
 * Grows every balance: waits `days`, publishes `nav` (8 decimals) and applies it. The NAV oracle accepts
 * at most 10 bps of change per elapsed day. Returns the new index.
 */
export async function rebase(fund: Fund, nav: string, days = 3): Promise<bigint> {
  await time.increase(days * DAY);
  await freshReserves(fund);
  await fund.as("navPublisher").on(fund.contracts.navPublisher!).publish(parseUnits(nav, 8));
  await (await fund.contracts.token.accrue()).wait();
  return fund.contracts.token.index();
}

/** Timestamp of the block that mined `tx`. */
export async function timestampOf(tx: TransactionResponse): Promise<number> {
  const receipt = await tx.wait();
  return (await hre.ethers.provider.getBlock(receipt!.blockNumber))!.timestamp;
}

/** The compliance with the AccessManaged errors of its implementation (AccessManagedUnauthorized). */
export function complianceAdmin(fund: Fund): ModularComplianceAdmin {
  return ModularComplianceAdmin__factory.connect(
    fund.contracts.compliance.target as string,
    hre.ethers.provider,
  );
}

/**
 * The per-investor accounting agrees with the token: for every identity of `wallets` (investors only), the
 * sum of its wallets' shares is its `investorState.shares`, `counted` is `shares != 0`, the investor count is
 * the number of such identities holding shares, and its locks are consistent (pending tranches in release
 * order, their sum the locked total, never more than the shares held). `wallets` must list every wallet that
 * ever held shares.
 */
export async function expectConsistentAccounting(fund: Fund, wallets: string[]) {
  const { token, compliance, registry } = fund.contracts;
  const byIdentity = new Map<string, bigint>();
  for (const wallet of new Set(wallets)) {
    const classes = await registry.investorClasses(wallet);
    if ((classes & BigInt(CLASS.protocol)) !== 0n) {
      continue;
    }
    const identity = await registry.identity(wallet);
    byIdentity.set(identity, (byIdentity.get(identity) ?? 0n) + (await token.sharesOf(wallet)));
  }
  let holders = 0n;
  const now = BigInt(await time.latest());
  for (const [identity, shares] of byIdentity) {
    const state = await compliance.investorState(identity);
    expect(state.shares, `investorState(${identity}).shares`).to.equal(shares);
    expect(state.counted, `investorState(${identity}).counted`).to.equal(shares !== 0n);
    if (shares !== 0n) holders += 1n;
    const tranches = await compliance.lockTranches(identity);
    let pending = 0n;
    let total = 0n;
    for (let i = 0; i < tranches.length; i++) {
      if (i > 0)
        expect(tranches[i].releaseAt, "tranches in release order").to.be.gte(tranches[i - 1].releaseAt);
      total += tranches[i].shares;
      if (tranches[i].releaseAt > now) pending += tranches[i].shares;
    }
    const locked = await compliance.lockedShares(identity);
    expect(locked, `lockedShares(${identity})`).to.equal(pending);
    expect(total, `locked shares of ${identity} within its shares`).to.be.lte(shares);
  }
  expect(await compliance.investorCount(), "investorCount").to.equal(holders);
}
