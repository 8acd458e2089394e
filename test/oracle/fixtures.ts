import { ethers, upgrades } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { resolveAddress, type AddressLike, type BaseContract, type BigNumberish } from "ethers";
import type {
  AccessManager,
  MockNavFeed,
  MockV3Aggregator,
  NavOracle,
  NavPublisher,
  ReserveGuard,
} from "../../typechain-types";

/** MockNavFeed.DecimalsMode: how the mock's decimals() answers. */
export enum DecimalsMode {
  Normal = 0,
  Reverts = 1,
  Empty = 2,
  Wide = 3,
}

/** Role ids of contracts/governance/Roles.sol. */
export const ROLES = {
  ADMIN: 0n,
  ISSUER: 1n,
  GUARDIAN: 4n,
  NAV_PUBLISHER: 5n,
} as const;

export const HOUR = 3_600;
export const DAY = 86_400;
/** Suggested NAV maxAge: a Friday NAV must still be usable on Tuesday after a Monday holiday. */
export const NAV_MAX_AGE = 4 * DAY;
/** 0.5 % per elapsed day: far above a Treasury fund's daily yield, far below any real fault. */
export const NAV_MAX_CHANGE_BPS_PER_DAY = 50;
/** Chainlink's USD feeds report 8 decimals. */
export const FEED_DECIMALS = 8;
/** NAV per share 1.00000000 in 8 decimals. */
export const ONE_8 = 10n ** 8n;
export const ONE_18 = 10n ** 18n;
/** Execution delay of the issuer role in production-like tests. */
export const ISSUER_DELAY = 2 * DAY;
/** Reserve feeds (Chainlink PoR) typically beat daily: allow a day plus margin. */
export const RESERVE_MAX_AGE = 2 * DAY;
export const PUBLISHER_MIN_INTERVAL = 12 * HOUR;
export const PUBLISHER_MAX_CHANGE_BPS = 100;

export interface Actors {
  admin: HardhatEthersSigner;
  issuer: HardhatEthersSigner;
  delayedIssuer: HardhatEthersSigner;
  guardian: HardhatEthersSigner;
  publisher: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
}

/** Function selectors of `target` by name (each name must be unambiguous in the ABI). */
export function selectors(target: BaseContract, names: string[]): string[] {
  return names.map((name) => {
    const fragment = target.interface.getFunction(name);
    if (fragment === null) throw new Error(`no function ${name} in ABI`);
    return fragment.selector;
  });
}

/**
 * The suite's AccessManager with the roles the oracle tests need:
 * issuer (ISSUER, no delay, for unit tests of setters), delayedIssuer (ISSUER behind a 2-day execution
 * delay, as in production), guardian (GUARDIAN, the ISSUER role's guardian: may cancel scheduled ISSUER
 * operations), publisher (NAV_PUBLISHER).
 */
export async function deployAccessManager(): Promise<{ manager: AccessManager } & Actors> {
  const [admin, issuer, delayedIssuer, guardian, publisher, stranger] = await ethers.getSigners();
  const manager = (await ethers.deployContract("AccessManager", [admin.address])) as unknown as AccessManager;
  await manager.grantRole(ROLES.ISSUER, issuer.address, 0);
  await manager.grantRole(ROLES.ISSUER, delayedIssuer.address, ISSUER_DELAY);
  await manager.grantRole(ROLES.GUARDIAN, guardian.address, 0);
  await manager.grantRole(ROLES.NAV_PUBLISHER, publisher.address, 0);
  await manager.setRoleGuardian(ROLES.ISSUER, ROLES.GUARDIAN);
  return { manager, admin, issuer, delayedIssuer, guardian, publisher, stranger };
}

/** Deploys a NavOracle UUPS proxy (no role wiring). */
export async function deployNavOracle(
  authority: AddressLike,
  feed: AddressLike,
  maxAge: BigNumberish = NAV_MAX_AGE,
  maxChangeBpsPerDay: BigNumberish = NAV_MAX_CHANGE_BPS_PER_DAY,
  allowDecrease = false,
): Promise<NavOracle> {
  const factory = await ethers.getContractFactory("NavOracle");
  const proxy = await upgrades.deployProxy(
    factory,
    [await resolveAddress(authority), await resolveAddress(feed), maxAge, maxChangeBpsPerDay, allowDecrease],
    {
      kind: "uups",
    },
  );
  await proxy.waitForDeployment();
  return proxy as unknown as NavOracle;
}

/** Deploys a NavPublisher UUPS proxy (no role wiring). */
export async function deployNavPublisher(
  authority: AddressLike,
  decimals: BigNumberish = FEED_DECIMALS,
  description = "FUND / USD NAV",
  minInterval: BigNumberish = PUBLISHER_MIN_INTERVAL,
  maxChangeBpsPerRound: BigNumberish = PUBLISHER_MAX_CHANGE_BPS,
): Promise<NavPublisher> {
  const factory = await ethers.getContractFactory("NavPublisher");
  const proxy = await upgrades.deployProxy(
    factory,
    [await resolveAddress(authority), decimals, description, minInterval, maxChangeBpsPerRound],
    { kind: "uups" },
  );
  await proxy.waitForDeployment();
  return proxy as unknown as NavPublisher;
}

/** Deploys a ReserveGuard UUPS proxy (no role wiring). */
export async function deployReserveGuard(
  authority: AddressLike,
  feed: AddressLike,
  maxAge: BigNumberish = RESERVE_MAX_AGE,
): Promise<ReserveGuard> {
  const factory = await ethers.getContractFactory("ReserveGuard");
  const proxy = await upgrades.deployProxy(
    factory,
    [await resolveAddress(authority), await resolveAddress(feed), maxAge],
    {
      kind: "uups",
    },
  );
  await proxy.waitForDeployment();
  return proxy as unknown as ReserveGuard;
}

export async function deployAggregator(decimals: number, answer: BigNumberish): Promise<MockV3Aggregator> {
  return (await ethers.deployContract("MockV3Aggregator", [decimals, answer])) as unknown as MockV3Aggregator;
}

export async function deployMockFeed(decimals: number): Promise<MockNavFeed> {
  return (await ethers.deployContract("MockNavFeed", [decimals])) as unknown as MockNavFeed;
}

/**
 * NavOracle on an 8-decimal Chainlink MockV3Aggregator (answer 1.00000000), maxAge 4 days, 50 bps/day,
 * decreases refused; ISSUER wired to every setter and to upgrades. Also a fully settable MockNavFeed.
 */
export async function navOracleFixture() {
  const actors = await deployAccessManager();
  const { manager } = actors;
  const aggregator = await deployAggregator(FEED_DECIMALS, ONE_8);
  const mockFeed = await deployMockFeed(FEED_DECIMALS);
  const oracle = await deployNavOracle(manager, aggregator);
  await manager.setTargetFunctionRole(
    oracle,
    selectors(oracle, [
      "setFeed",
      "setMaxAge",
      "setMaxChangeBpsPerDay",
      "setAllowDecrease",
      "upgradeToAndCall",
    ]),
    ROLES.ISSUER,
  );
  return { ...actors, aggregator, mockFeed, oracle };
}

/**
 * NavPublisher with 8 decimals, 12 h minimum interval, 100 bps per round; NAV_PUBLISHER wired to `publish`,
 * ISSUER to the setters and upgrades. No round published yet.
 */
export async function navPublisherFixture() {
  const actors = await deployAccessManager();
  const { manager } = actors;
  const navPublisher = await deployNavPublisher(manager);
  await manager.setTargetFunctionRole(
    navPublisher,
    selectors(navPublisher, ["publish"]),
    ROLES.NAV_PUBLISHER,
  );
  await manager.setTargetFunctionRole(
    navPublisher,
    selectors(navPublisher, ["setMinInterval", "setMaxChangeBpsPerRound", "upgradeToAndCall"]),
    ROLES.ISSUER,
  );
  return { ...actors, navPublisher };
}

/** Reserves of $10,000,000.00000000 on an 8-decimal Chainlink-style proof-of-reserve feed. */
export const RESERVES_8 = 10_000_000n * ONE_8;

/**
 * ReserveGuard on an 8-decimal MockV3Aggregator reporting $10M, maxAge 2 days; ISSUER wired to the setters
 * and upgrades. Also a fully settable MockNavFeed.
 */
export async function reserveGuardFixture() {
  const actors = await deployAccessManager();
  const { manager } = actors;
  const reserveFeed = await deployAggregator(FEED_DECIMALS, RESERVES_8);
  const mockFeed = await deployMockFeed(FEED_DECIMALS);
  const guard = await deployReserveGuard(manager, reserveFeed);
  await manager.setTargetFunctionRole(
    guard,
    selectors(guard, ["setFeed", "setMaxAge", "upgradeToAndCall"]),
    ROLES.ISSUER,
  );
  return { ...actors, reserveFeed, mockFeed, guard };
}

/** Day of week of a unix timestamp (0 = Sunday ... 5 = Friday), UTC. 1970-01-01 was a Thursday. */
export function weekday(timestamp: number): number {
  return (Math.floor(timestamp / DAY) + 4) % 7;
}

/** The next Friday 16:00 UTC (a typical NAV strike) at least one day after the chain's latest block. */
export async function nextFriday1600(): Promise<number> {
  let t = Math.floor((await time.latest()) / DAY) * DAY + DAY + 16 * HOUR;
  while (weekday(t) !== 5) t += DAY;
  return t;
}
