/**
 * Fixtures of the verification sources' specification tests (docs/IDENTITY.md): the registry and both sources
 * behind their proxies with their own AccessManager (ISSUER held without delay by one account, so that every
 * refusal is asserted on the contract itself), ONCHAINID's real Identity and ClaimIssuer contracts and EAS
 * deployed from their packages' bytecode.
 */
import hre, { ethers, upgrades } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { Contract } from "ethers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type {
  AccessManager,
  AttestationSource,
  IdentityRegistry,
  IRegistrySources,
  OnchainIdSource,
} from "../../typechain-types";
import { deployEasFromArtifacts, easArtifact } from "../../lib/deploy/eas";
import { AttestationSource as AttestationSourceValues } from "../../lib/generated/contracts";
import {
  COUNTRY,
  CLASSES,
  COMPLIANCE_FUNCTIONS,
  DEFAULT_KYC_VALIDITY,
  ISSUER_FUNCTIONS,
  ROLES,
  YEAR,
  deployIdentityRegistry,
  selectors,
} from "./fixtures";
import {
  SCHEMA_KIND,
  SUITE_RECORD_SCHEMA,
  VERIFIED_ACCOUNT_SCHEMA,
  VERIFIED_COUNTRY_SCHEMA,
  alpha2Key,
  attest,
  deployClaimIssuer,
  deployIdentity,
  encodeClaimData,
  encodeRecordAttestation,
  issueClaim,
  registerSchema,
} from "../../lib/identity-sources";

export { COUNTRY, CLASSES, YEAR };

/** The claim topic the fixture's fund requires (ERC-3643 deployments commonly use 1 for KYC). */
export const KYC_TOPIC = 1n;
/** A topic the fund does not require. */
export const OTHER_TOPIC = 7n;
/** Source ids the fixture lists the sources under (as deploy/scripts/01b_identity_sources.ts does). */
export const ONCHAINID_ID = 1;
export const EAS_ID = 2;
/** Longest record validity the fixture's sources grant. */
export const RECORD_VALIDITY = DEFAULT_KYC_VALIDITY;

/** OnchainIdSource.ClaimStatus. */
export const CLAIM = {
  Valid: 0,
  NoClaimTopics: 1,
  WalletNotKey: 2,
  NoClaim: 3,
  UntrustedIssuer: 4,
  InvalidSignature: 5,
  Revoked: 6,
  Expired: 7,
  OtherChain: 8,
  MalformedData: 9,
  EvaluationReverted: 10,
} as const;

/** AttestationSource.AttestationStatus. */
export const ATTESTATION = AttestationSourceValues.AttestationStatus;

export const ONCHAINID_SOURCE_ISSUER_FUNCTIONS = [
  "setClaimTopics",
  "setTrustedIssuer",
  "setMaxRecordValidity",
  "upgradeToAndCall",
] as const;
export const ATTESTATION_SOURCE_ISSUER_FUNCTIONS = [
  "setSchemaRules",
  "setTrustedAttester",
  "setCountryCodes",
  "setMaxRecordValidity",
  "upgradeToAndCall",
] as const;

export interface SourcesFixture {
  manager: AccessManager;
  registry: IdentityRegistry;
  /** The registry's verification-sources functions (IdentityRegistrySources, through the registry's fallback). */
  registrySources: IRegistrySources;
  claims: OnchainIdSource;
  attestations: AttestationSource;
  eas: Contract;
  schemaRegistry: Contract;
  /** ClaimIssuer trusted for KYC_TOPIC, and its signing key. */
  trustedIssuer: Contract;
  kycKey: HardhatEthersSigner;
  /** ClaimIssuer the fund does not trust, and its key. */
  untrustedIssuer: Contract;
  otherKey: HardhatEthersSigner;
  /** EAS schema uids: the suite's record schema (required), Coinbase-style account and country schemas. */
  recordSchema: string;
  accountSchema: string;
  countrySchema: string;
  attester: HardhatEthersSigner;
  otherAttester: HardhatEthersSigner;
  admin: HardhatEthersSigner;
  issuer: HardhatEthersSigner;
  complianceOfficer: HardhatEthersSigner;
  outsider: HardhatEthersSigner;
  /** Investor wallets (no role). */
  wallets: HardhatEthersSigner[];
  chainId: bigint;
}

/** The registry and both sources, configured: KYC_TOPIC by `trustedIssuer`; the record schema by `attester`. */
export async function sourcesFixture(): Promise<SourcesFixture> {
  const signers = await ethers.getSigners();
  const [admin, issuer, complianceOfficer, outsider, kycKey, otherKey, attester, otherAttester] = signers;
  const wallets = signers.slice(8, 20);
  const manager = (await ethers.deployContract("AccessManager", [admin.address])) as unknown as AccessManager;
  const authority = await manager.getAddress();
  const registry = await deployIdentityRegistry(authority);
  const registryAddress = await registry.getAddress();
  const registrySources = (await ethers.getContractAt(
    "IRegistrySources",
    registryAddress,
  )) as unknown as IRegistrySources;
  const { schemaRegistry: schemaRegistryAddress, eas: easAddress } = await deployEasFromArtifacts(hre, admin);
  const claims = (await upgrades.deployProxy(
    await ethers.getContractFactory("OnchainIdSource"),
    [authority, registryAddress, RECORD_VALIDITY],
    { kind: "uups" },
  )) as unknown as OnchainIdSource;
  const attestations = (await upgrades.deployProxy(
    await ethers.getContractFactory("AttestationSource"),
    [authority, registryAddress, easAddress, RECORD_VALIDITY],
    { kind: "uups" },
  )) as unknown as AttestationSource;

  await manager.setTargetFunctionRole(
    registry,
    selectors(registry, COMPLIANCE_FUNCTIONS),
    ROLES.COMPLIANCE_OFFICER,
  );
  await manager.setTargetFunctionRole(registry, selectors(registry, ISSUER_FUNCTIONS), ROLES.ISSUER);
  await manager.setTargetFunctionRole(
    registry,
    selectors(registrySources, ["setVerificationSource", "setSourcePolicy"]),
    ROLES.ISSUER,
  );
  await manager.setTargetFunctionRole(
    claims,
    selectors(claims, ONCHAINID_SOURCE_ISSUER_FUNCTIONS),
    ROLES.ISSUER,
  );
  await manager.setTargetFunctionRole(
    attestations,
    selectors(attestations, ATTESTATION_SOURCE_ISSUER_FUNCTIONS),
    ROLES.ISSUER,
  );
  await manager.grantRole(ROLES.COMPLIANCE_OFFICER, complianceOfficer.address, 0);
  await manager.grantRole(ROLES.ISSUER, issuer.address, 0);

  await registrySources.connect(issuer).setVerificationSource(ONCHAINID_ID, claims);
  await registrySources.connect(issuer).setVerificationSource(EAS_ID, attestations);

  const trustedIssuer = await deployClaimIssuer(admin, kycKey.address);
  const untrustedIssuer = await deployClaimIssuer(admin, otherKey.address);
  await claims.connect(issuer).setClaimTopics([KYC_TOPIC]);
  await claims.connect(issuer).setTrustedIssuer(await trustedIssuer.getAddress(), [KYC_TOPIC]);

  const eas = new ethers.Contract(easAddress, easArtifact("EAS.sol/EAS.json").abi as never, admin);
  const schemaRegistry = new ethers.Contract(
    schemaRegistryAddress,
    easArtifact("SchemaRegistry.sol/SchemaRegistry.json").abi as never,
    admin,
  );
  const recordSchema = await registerSchema(schemaRegistry, SUITE_RECORD_SCHEMA);
  const accountSchema = await registerSchema(schemaRegistry, VERIFIED_ACCOUNT_SCHEMA);
  const countrySchema = await registerSchema(schemaRegistry, VERIFIED_COUNTRY_SCHEMA);
  await attestations
    .connect(issuer)
    .setSchemaRules([{ schema: recordSchema, kind: SCHEMA_KIND.Record, classes: 0 }]);
  await attestations.connect(issuer).setTrustedAttester(recordSchema, attester.address, true);
  await attestations.connect(issuer).setCountryCodes([alpha2Key("US"), alpha2Key("GB")], [840, 826]);

  return {
    manager,
    registry,
    registrySources,
    claims,
    attestations,
    eas,
    schemaRegistry,
    trustedIssuer,
    kycKey,
    untrustedIssuer,
    otherKey,
    recordSchema,
    accountSchema,
    countrySchema,
    attester,
    otherAttester,
    admin,
    issuer,
    complianceOfficer,
    outsider,
    wallets,
    chainId: (await ethers.provider.getNetwork()).chainId,
  };
}

/**
 * An ONCHAINID identity whose management key is `wallet`, holding a KYC claim of the suite's format signed by
 * the fixture's trusted issuer (unless overridden).
 */
export async function claimedIdentity(
  f: SourcesFixture,
  wallet: HardhatEthersSigner,
  o: {
    country?: number;
    classes?: number;
    validUntil?: bigint | number;
    chainId?: bigint;
    topic?: bigint;
    issuer?: Contract;
    key?: HardhatEthersSigner;
    data?: string;
  } = {},
): Promise<{ identity: Contract; signature: string; data: string }> {
  const identity = await deployIdentity(f.admin, wallet.address);
  const data =
    o.data ??
    encodeClaimData({
      chainId: o.chainId ?? f.chainId,
      country: o.country ?? COUNTRY.UNITED_STATES,
      classes: o.classes ?? CLASSES.ACCREDITED,
      validUntil: o.validUntil ?? 0,
    });
  const { signature } = await issueClaim({
    identity,
    holder: wallet,
    issuer: await (o.issuer ?? f.trustedIssuer).getAddress(),
    issuerKey: o.key ?? f.kycKey,
    topic: o.topic ?? KYC_TOPIC,
    data,
  });
  return { identity, signature, data };
}

/** An attestation of the suite's record schema by the fixture's trusted attester (unless overridden). */
export async function recordAttestation(
  f: SourcesFixture,
  recipient: string,
  o: {
    country?: number;
    classes?: number;
    expirationTime?: bigint | number;
    schema?: string;
    attester?: HardhatEthersSigner;
    data?: string;
  } = {},
): Promise<string> {
  return attest(f.eas, o.attester ?? f.attester, {
    schema: o.schema ?? f.recordSchema,
    recipient,
    data:
      o.data ??
      encodeRecordAttestation(o.country ?? COUNTRY.UNITED_KINGDOM, o.classes ?? CLASSES.INSTITUTIONAL),
    expirationTime: o.expirationTime ?? 0,
  });
}

/** Now + the fixture's record validity, as the sources cap an expiry (the next block's timestamp). */
export async function cappedExpiry(): Promise<bigint> {
  return BigInt((await time.latest()) + 1 + RECORD_VALIDITY);
}

/** The provenance bits of a record word: [240, 248). */
export function sourceOf(word: bigint): number {
  return Number((word >> 240n) & 0xffn);
}

/** A record word written by source `id` (packRecord's fields plus the provenance bits). */
export function withSource(word: bigint, id: number): bigint {
  return word | (BigInt(id) << 240n);
}
