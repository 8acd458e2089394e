import { ethers, upgrades } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract, ContractTransactionReceipt } from "ethers";
import type { AccessManager, IdentityRegistry, MockSharesToken } from "../../typechain-types";
import type { IInvestorRegistry } from "../../typechain-types/contracts/identity/IdentityRegistry";
import {
  IdentityRegistry as Registry,
  InvestorClasses,
  InvestorRecordLib,
  Roles,
} from "../../lib/generated/contracts";

// The deployment part of this file (identityRegistryFixture) stands in for the project's deploy scripts and
// will be replaced by them; the record helpers below it are the tests' model of InvestorRecordLib.

/** Role ids of contracts/governance/Roles.sol (generated: lib/generated/contracts.ts). */
export const ROLES = Roles;

/** Flags of contracts/identity/InvestorRecord.sol `InvestorClasses` (generated), and NONE. */
export const CLASSES = { NONE: 0, ...InvestorClasses } as const;

/** ISO-3166 numeric country codes used by the tests. */
export const COUNTRY = {
  FRANCE: 250,
  SINGAPORE: 702,
  UNITED_KINGDOM: 826,
  UNITED_STATES: 840,
} as const;

export const DAY = 86_400;
export const YEAR = 365 * DAY;
/** KYC validity the fixture's registry grants in {registerIdentity}. */
export const DEFAULT_KYC_VALIDITY = YEAR;
/** IdentityRegistry.MAX_KYC_VALIDITY (generated). */
export const MAX_KYC_VALIDITY = Registry.MAX_KYC_VALIDITY;
/** IdentityRegistry.MAX_BOUND_TOKENS (generated). */
export const MAX_BOUND_TOKENS = Number(Registry.MAX_BOUND_TOKENS);

/** Functions of the registry called by the COMPLIANCE_OFFICER role. */
export const COMPLIANCE_FUNCTIONS = [
  "registerInvestor",
  "batchRegisterInvestor",
  "registerIdentity",
  "batchRegisterIdentity",
  "updateIdentity",
  "updateCountry",
  "updateInvestor",
  "setRevoked",
  "deleteIdentity",
] as const;

/** Functions of the registry called by the ISSUER role. */
export const ISSUER_FUNCTIONS = [
  "setDefaultKycValidity",
  "bindToken",
  "unbindToken",
  "setProtocolAccount",
  "upgradeToAndCall",
] as const;

/** Function selectors of `target` by name (each name must be unambiguous in the ABI). */
export function selectors(target: BaseContract, names: readonly string[]): string[] {
  return names.map((name) => {
    const fragment = target.interface.getFunction(name);
    if (fragment === null) throw new Error(`no function ${name} in ABI`);
    return fragment.selector;
  });
}

/** A deterministic address derived from a label, for wallets and identities that never sign. */
export function labelledAddress(label: string): string {
  return ethers.getAddress(ethers.dataSlice(ethers.id(label), 12));
}

/** Deploys the registry behind a UUPS proxy (no role wiring). */
export async function deployIdentityRegistry(
  authority: string,
  defaultKycValidity: number | bigint = DEFAULT_KYC_VALIDITY,
): Promise<IdentityRegistry> {
  const extension = await ethers.deployContract("IdentityRegistrySources");
  const factory = await ethers.getContractFactory("IdentityRegistry");
  const proxy = await upgrades.deployProxy(factory, [authority, defaultKycValidity], {
    kind: "uups",
    constructorArgs: [await extension.getAddress()],
  });
  await proxy.waitForDeployment();
  return proxy as unknown as IdentityRegistry;
}

/** A registry implementation (with its IdentityRegistrySources extension), as an upgrade would deploy it. */
export async function deployRegistryImplementation(): Promise<IdentityRegistry> {
  const extension = await ethers.deployContract("IdentityRegistrySources");
  return (await ethers.deployContract("IdentityRegistry", [
    await extension.getAddress(),
  ])) as unknown as IdentityRegistry;
}

export async function deploySharesToken(): Promise<MockSharesToken> {
  return (await ethers.deployContract("MockSharesToken")) as unknown as MockSharesToken;
}

export interface RegistryActors {
  /** AccessManager admin (role ADMIN): wires functions and grants roles, holds no other role. */
  admin: HardhatEthersSigner;
  /** COMPLIANCE_OFFICER: registration, updates, revocation, deletion. */
  complianceOfficer: HardhatEthersSigner;
  /** ISSUER: default KYC validity, token binding, upgrades. */
  issuer: HardhatEthersSigner;
  /** TRANSFER_AGENT: a role of the suite with no registry function. */
  transferAgent: HardhatEthersSigner;
  /** No role at all. */
  outsider: HardhatEthersSigner;
}

/**
 * OpenZeppelin AccessManager, an IdentityRegistry UUPS proxy (default KYC validity one year) with every
 * restricted selector wired to its role, and one MockSharesToken (not bound).
 */
export async function identityRegistryFixture() {
  const [admin, complianceOfficer, issuer, transferAgent, outsider] = await ethers.getSigners();
  const manager = (await ethers.deployContract("AccessManager", [admin.address])) as unknown as AccessManager;
  const registry = await deployIdentityRegistry(await manager.getAddress());
  await manager.setTargetFunctionRole(
    registry,
    selectors(registry, COMPLIANCE_FUNCTIONS),
    ROLES.COMPLIANCE_OFFICER,
  );
  await manager.setTargetFunctionRole(registry, selectors(registry, ISSUER_FUNCTIONS), ROLES.ISSUER);
  await manager.grantRole(ROLES.COMPLIANCE_OFFICER, complianceOfficer.address, 0);
  await manager.grantRole(ROLES.ISSUER, issuer.address, 0);
  await manager.grantRole(ROLES.TRANSFER_AGENT, transferAgent.address, 0);
  const sharesToken = await deploySharesToken();
  const actors: RegistryActors = { admin, complianceOfficer, issuer, transferAgent, outsider };
  return { manager, registry, sharesToken, ...actors };
}

// ---------------------------------------------------------------------------------------- packed records

/** The fields of an InvestorRecord word. */
export interface RecordFields {
  identity: string;
  country: number;
  classes: number;
  kycExpiry: bigint;
  revoked: boolean;
}

/** The record of an unregistered wallet. */
export const EMPTY_RECORD: RecordFields = {
  identity: ethers.ZeroAddress,
  country: 0,
  classes: 0,
  kycExpiry: 0n,
  revoked: false,
};

// Bit offsets of InvestorRecordLib (generated); the identity (an address) fills the bits below the country.
const ADDRESS_BITS = 160n;
const COUNTRY_SHIFT = InvestorRecordLib.COUNTRY_SHIFT;
const CLASSES_SHIFT = InvestorRecordLib.CLASSES_SHIFT;
const EXPIRY_SHIFT = InvestorRecordLib.KYC_EXPIRY_SHIFT;
const REVOKED_SHIFT = InvestorRecordLib.REVOKED_SHIFT;
/** The revoked flag of a record word. */
export const REVOKED_BIT = 1n << REVOKED_SHIFT;

function mask(bits: bigint): bigint {
  return (1n << bits) - 1n;
}

function checkWidth(name: string, value: bigint, bits: bigint): bigint {
  if (value < 0n || value > mask(bits)) throw new Error(`${name} ${value} does not fit in ${bits} bits`);
  return value;
}

/**
 * Packs a record exactly like InvestorRecordLib.pack: identity [0, 160) | country [160, 176) |
 * classes [176, 192) | kycExpiry [192, 232) | revoked [232]. Throws on a field that does not fit its width
 * (the Solidity types make that impossible on-chain).
 */
export function packRecord(r: RecordFields): bigint {
  return (
    BigInt(ethers.getAddress(r.identity)) |
    (checkWidth("country", BigInt(r.country), 16n) << COUNTRY_SHIFT) |
    (checkWidth("classes", BigInt(r.classes), 16n) << CLASSES_SHIFT) |
    (checkWidth("kycExpiry", BigInt(r.kycExpiry), 40n) << EXPIRY_SHIFT) |
    (r.revoked ? REVOKED_BIT : 0n)
  );
}

/** Reads a record word exactly like InvestorRecordLib's getters (bits above 232 are ignored, as there). */
export function unpackRecord(word: bigint): RecordFields {
  return {
    identity: ethers.getAddress(ethers.toBeHex(word & mask(ADDRESS_BITS), 20)),
    country: Number((word >> COUNTRY_SHIFT) & mask(16n)),
    classes: Number((word >> CLASSES_SHIFT) & mask(16n)),
    kycExpiry: (word >> EXPIRY_SHIFT) & mask(40n),
    revoked: ((word >> REVOKED_SHIFT) & 1n) === 1n,
  };
}

/** A registration row of batchRegisterInvestor. */
export type Registration = IInvestorRegistry.RegistrationStruct;

/** The fields a batchRegisterInvestor row stores (not revoked). */
export function recordOf(r: {
  identity: string;
  country: number;
  classes: number;
  kycExpiry: bigint;
}): RecordFields {
  return {
    identity: r.identity,
    country: r.country,
    classes: r.classes,
    kycExpiry: r.kycExpiry,
    revoked: false,
  };
}

/** The InvestorRecordChanged events of a receipt, in log order, with their records unpacked. */
export function recordChanges(
  registry: IdentityRegistry,
  receipt: ContractTransactionReceipt,
): { wallet: string; oldRecord: RecordFields; newRecord: RecordFields }[] {
  const changes = [];
  for (const log of receipt.logs) {
    const parsed = registry.interface.parseLog(log);
    if (parsed?.name !== "InvestorRecordChanged") continue;
    changes.push({
      wallet: parsed.args.wallet as string,
      oldRecord: unpackRecord(parsed.args.oldRecord as bigint),
      newRecord: unpackRecord(parsed.args.newRecord as bigint),
    });
  }
  return changes;
}

/** The packed records of `wallets`, to show that a refused call changed nothing. */
export async function recordsOf(registry: IdentityRegistry, wallets: string[]): Promise<bigint[]> {
  return Promise.all(wallets.map((w) => registry.investorRecord(w)));
}
