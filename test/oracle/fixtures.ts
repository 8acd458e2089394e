import { expect } from "chai";
import { artifacts, ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  resolveAddress,
  type AddressLike,
  type BaseContract,
  type BigNumberish,
  type BytesLike,
  type ContractTransactionResponse,
} from "ethers";
import type {
  AccessManager,
  MockNavFeed,
  MockOracleConsumer,
  MockV3Aggregator,
  NavOracle,
  NavPublisher,
  ReserveGuard,
} from "../../typechain-types";
import { Roles } from "../../lib/generated/contracts";

/** MockNavFeed.DecimalsMode: how the mock's decimals() answers. */
export enum DecimalsMode {
  Normal = 0,
  Reverts = 1,
  Empty = 2,
  Wide = 3,
}

/** Role ids of contracts/governance/Roles.sol (generated: lib/generated/contracts.ts). */
export const ROLES = Roles;

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

/** Deploys a NavOracle (a plain, non-upgradeable contract; no role wiring). */
export async function deployNavOracle(
  authority: AddressLike,
  feed: AddressLike,
  maxAge: BigNumberish = NAV_MAX_AGE,
  maxChangeBpsPerDay: BigNumberish = NAV_MAX_CHANGE_BPS_PER_DAY,
  allowDecrease = false,
): Promise<NavOracle> {
  const oracle = await ethers.deployContract("NavOracle", [
    await resolveAddress(authority),
    await resolveAddress(feed),
    maxAge,
    maxChangeBpsPerDay,
    allowDecrease,
  ]);
  await oracle.waitForDeployment();
  return oracle as unknown as NavOracle;
}

/** Deploys a NavPublisher (a plain, non-upgradeable contract; no role wiring). */
export async function deployNavPublisher(
  authority: AddressLike,
  decimals: BigNumberish = FEED_DECIMALS,
  description = "FUND / USD NAV",
  minInterval: BigNumberish = PUBLISHER_MIN_INTERVAL,
  maxChangeBpsPerRound: BigNumberish = PUBLISHER_MAX_CHANGE_BPS,
): Promise<NavPublisher> {
  const navPublisher = await ethers.deployContract("NavPublisher", [
    await resolveAddress(authority),
    decimals,
    description,
    minInterval,
    maxChangeBpsPerRound,
  ]);
  await navPublisher.waitForDeployment();
  return navPublisher as unknown as NavPublisher;
}

/** Deploys a ReserveGuard (a plain, non-upgradeable contract; no role wiring). */
export async function deployReserveGuard(
  authority: AddressLike,
  feed: AddressLike,
  maxAge: BigNumberish = RESERVE_MAX_AGE,
): Promise<ReserveGuard> {
  const guard = await ethers.deployContract("ReserveGuard", [
    await resolveAddress(authority),
    await resolveAddress(feed),
    maxAge,
  ]);
  await guard.waitForDeployment();
  return guard as unknown as ReserveGuard;
}

/**
 * Deploys the test stand-in for the fund token (applies NAV rounds, asks the guard before growth) and wires its
 * `setNavOracle` / `setReserveGuard` to ISSUER, as the token's are.
 */
export async function deployConsumer(
  manager: AccessManager,
  oracle: AddressLike,
  guard: AddressLike,
): Promise<MockOracleConsumer> {
  const consumer = (await ethers.deployContract("MockOracleConsumer", [
    await resolveAddress(manager),
    await resolveAddress(oracle),
    await resolveAddress(guard),
  ])) as unknown as MockOracleConsumer;
  await manager.setTargetFunctionRole(
    consumer,
    selectors(consumer, ["setNavOracle", "setReserveGuard"]),
    ROLES.ISSUER,
  );
  return consumer;
}

export async function deployAggregator(decimals: number, answer: BigNumberish): Promise<MockV3Aggregator> {
  return (await ethers.deployContract("MockV3Aggregator", [decimals, answer])) as unknown as MockV3Aggregator;
}

export async function deployMockFeed(decimals: number): Promise<MockNavFeed> {
  return (await ethers.deployContract("MockNavFeed", [decimals])) as unknown as MockNavFeed;
}

/**
 * NavOracle on an 8-decimal Chainlink MockV3Aggregator (answer 1.00000000), maxAge 4 days, 50 bps/day,
 * decreases refused; ISSUER wired to every setter. Also a fully settable MockNavFeed.
 */
export async function navOracleFixture() {
  const actors = await deployAccessManager();
  const { manager } = actors;
  const aggregator = await deployAggregator(FEED_DECIMALS, ONE_8);
  const mockFeed = await deployMockFeed(FEED_DECIMALS);
  const oracle = await deployNavOracle(manager, aggregator);
  await manager.setTargetFunctionRole(
    oracle,
    selectors(oracle, ["setFeed", "setMaxAge", "setMaxChangeBpsPerDay", "setAllowDecrease"]),
    ROLES.ISSUER,
  );
  return { ...actors, aggregator, mockFeed, oracle };
}

/**
 * NavPublisher with 8 decimals, 12 h minimum interval, 100 bps per round; NAV_PUBLISHER wired to `publish`,
 * ISSUER to the setters. No round published yet.
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
    selectors(navPublisher, ["setMinInterval", "setMaxChangeBpsPerRound"]),
    ROLES.ISSUER,
  );
  return { ...actors, navPublisher };
}

/** Reserves of $10,000,000.00000000 on an 8-decimal Chainlink-style proof-of-reserve feed. */
export const RESERVES_8 = 10_000_000n * ONE_8;

/**
 * ReserveGuard on an 8-decimal MockV3Aggregator reporting $10M, maxAge 2 days; ISSUER wired to the setters.
 * Also a fully settable MockNavFeed.
 */
export async function reserveGuardFixture() {
  const actors = await deployAccessManager();
  const { manager } = actors;
  const reserveFeed = await deployAggregator(FEED_DECIMALS, RESERVES_8);
  const mockFeed = await deployMockFeed(FEED_DECIMALS);
  const guard = await deployReserveGuard(manager, reserveFeed);
  await manager.setTargetFunctionRole(guard, selectors(guard, ["setFeed", "setMaxAge"]), ROLES.ISSUER);
  return { ...actors, reserveFeed, mockFeed, guard };
}

/**
 * Governance by a delayed ISSUER: schedules `data` on `target` in the AccessManager, checks that it cannot be
 * executed one second before the delay has passed (`AccessManagerNotReady`), and executes it exactly when it has.
 * @returns The execution transaction.
 */
export async function scheduleWaitExecute(
  manager: AccessManager,
  delayedIssuer: HardhatEthersSigner,
  target: AddressLike,
  data: BytesLike,
): Promise<ContractTransactionResponse> {
  const targetAddress = await resolveAddress(target);
  const operationId = await manager.hashOperation(delayedIssuer.address, targetAddress, data);
  const scheduledAt = (await time.latest()) + 1;
  await time.setNextBlockTimestamp(scheduledAt);
  await expect(manager.connect(delayedIssuer).schedule(targetAddress, data, 0))
    .to.emit(manager, "OperationScheduled")
    .withArgs(operationId, 1, scheduledAt + ISSUER_DELAY, delayedIssuer.address, targetAddress, data);
  await time.setNextBlockTimestamp(scheduledAt + ISSUER_DELAY - 1);
  await expect(manager.connect(delayedIssuer).execute(targetAddress, data))
    .to.be.revertedWithCustomError(manager, "AccessManagerNotReady")
    .withArgs(operationId);
  await time.setNextBlockTimestamp(scheduledAt + ISSUER_DELAY);
  return manager.connect(delayedIssuer).execute(targetAddress, data);
}

/** ERC-1967 implementation slot: bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1). */
export const ERC1967_IMPLEMENTATION_SLOT =
  "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

/** Entry points of UUPS implementations and initializable contracts, none of which the oracle contracts have. */
export const UPGRADE_ENTRY_POINTS = [
  "upgradeToAndCall",
  "proxiableUUID",
  "UPGRADE_INTERFACE_VERSION",
  "initialize",
] as const;

/** Names of the functions in a compiled contract's ABI. */
export async function abiFunctionNames(contractName: string): Promise<string[]> {
  const { abi } = await artifacts.readArtifact(contractName);
  return (abi as { type: string; name?: string }[])
    .filter((entry) => entry.type === "function")
    .map((entry) => entry.name ?? "");
}

/** The UUPS upgrade function, to call it on contracts whose ABI does not have it. */
export const UUPS = new ethers.Interface([
  "function upgradeToAndCall(address newImplementation, bytes data) payable",
]);

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
