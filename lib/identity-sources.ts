/**
 * The registry's verification sources from the TypeScript side (docs/IDENTITY.md): the claim data format of the
 * ONCHAINID source, claim signing, EAS schemas and attestations, the sources' status codes in words, and
 * ONCHAINID's real contracts (`@onchain-id/solidity` 2.1.0, deployed from the bytecode its package ships: it
 * pins solc 0.8.17, the suite compiles with 0.8.28 only).
 */
import fs from "node:fs";
import path from "node:path";
import { AbiCoder, Contract, ContractFactory, getBytes, keccak256, type Signer } from "ethers";
import { AttestationSource, IdentityRegistrySources, OnchainIdSource } from "./generated/contracts";

const abi = AbiCoder.defaultAbiCoder();

/** Registry ids of the sources (deploy/scripts/01b_identity_sources.ts); 0 is the compliance officer. */
export const SOURCE_NAMES: Record<number, string> = {
  0: "compliance officer",
  1: "ONCHAINID claims",
  2: "EAS attestations",
};

/** Registry policy bits (IdentityRegistry.SOURCE_MAY_REPLACE_OFFICER, LIVE_CHECK; generated). */
export const SOURCE_POLICY = {
  SOURCE_MAY_REPLACE_OFFICER: IdentityRegistrySources.SOURCE_MAY_REPLACE_OFFICER,
  LIVE_CHECK: IdentityRegistrySources.LIVE_CHECK,
} as const;

/** OnchainIdSource.ClaimStatus, in order (generated). */
export const CLAIM_STATUS = Object.keys(
  OnchainIdSource.ClaimStatus,
) as readonly (keyof typeof OnchainIdSource.ClaimStatus)[];

/** AttestationSource.AttestationStatus, in order (generated). */
export const ATTESTATION_STATUS = Object.keys(
  AttestationSource.AttestationStatus,
) as readonly (keyof typeof AttestationSource.AttestationStatus)[];

/** AttestationSource.SchemaKind, the kinds a schema rule may have (generated; `None` is no rule). */
export const SCHEMA_KIND = {
  Flag: AttestationSource.SchemaKind.Flag,
  CountryCode: AttestationSource.SchemaKind.CountryCode,
  Record: AttestationSource.SchemaKind.Record,
} as const;

/** The suite's own EAS schema (kind Record). */
export const SUITE_RECORD_SCHEMA = "uint16 country,uint16 classes";
/** Coinbase Verification's schemas (kinds Flag and CountryCode). */
export const VERIFIED_ACCOUNT_SCHEMA = "bool verifiedAccount";
export const VERIFIED_COUNTRY_SCHEMA = "string verifiedCountry";

/** ERC-734 key purposes. */
export const KEY_PURPOSE = { MANAGEMENT: 1, ACTION: 2, CLAIM: 3 } as const;
/** The ONCHAINID claim scheme of ECDSA signatures. */
export const ECDSA_SCHEME = 1;

/** The ONCHAINID source's claim data: (chainId, country, classes, validUntil; 0 = no expiry). */
export function encodeClaimData(p: {
  chainId: bigint | number;
  country: number;
  classes: number;
  validUntil?: bigint | number;
}): string {
  return abi.encode(
    ["uint256", "uint16", "uint16", "uint64"],
    [p.chainId, p.country, p.classes, p.validUntil ?? 0],
  );
}

/** Decodes claim data of the suite's format (undefined when it is not 128 bytes). */
export function decodeClaimData(
  data: string,
): { chainId: bigint; country: number; classes: number; validUntil: bigint } | undefined {
  if (getBytes(data).length !== 128) return undefined;
  const [chainId, country, classes, validUntil] = abi.decode(
    ["uint256", "uint256", "uint256", "uint256"],
    data,
  );
  return { chainId, country: Number(country), classes: Number(classes), validUntil };
}

/** The id of the claim of `issuer` for `topic` on an identity (ERC-735). */
export function claimId(issuer: string, topic: bigint | number): string {
  return keccak256(abi.encode(["address", "uint256"], [issuer, topic]));
}

/** The ERC-734 key of an address. */
export function addressKey(address: string): string {
  return keccak256(abi.encode(["address"], [address]));
}

/**
 * A claim signature as ONCHAINID's ClaimIssuer checks it: an Ethereum signed message over
 * keccak256(abi.encode(identity, topic, data)), by one of the issuer's claim (or management) keys.
 */
export async function signClaim(
  signer: Signer,
  identity: string,
  topic: bigint | number,
  data: string,
): Promise<string> {
  const hash = keccak256(abi.encode(["address", "uint256", "bytes"], [identity, topic, data]));
  return signer.signMessage(getBytes(hash));
}

interface Artifact {
  abi: unknown[];
  bytecode: string;
}

function onchainIdArtifact(name: "Identity" | "ClaimIssuer"): Artifact {
  const dir = path.dirname(require.resolve("@onchain-id/solidity/package.json"));
  return JSON.parse(
    fs.readFileSync(path.join(dir, "artifacts", "contracts", `${name}.sol`, `${name}.json`), "utf8"),
  );
}

/** ONCHAINID's Identity / ClaimIssuer ABI. */
export function onchainIdAbi(name: "Identity" | "ClaimIssuer"): unknown[] {
  return onchainIdArtifact(name).abi;
}

/** Deploys ONCHAINID's Identity (not a library) with `managementKey` as its management key. */
export async function deployIdentity(deployer: Signer, managementKey: string): Promise<Contract> {
  const a = onchainIdArtifact("Identity");
  const c = await new ContractFactory(a.abi as never, a.bytecode, deployer).deploy(managementKey, false);
  await c.waitForDeployment();
  return c as unknown as Contract;
}

/** Deploys ONCHAINID's ClaimIssuer with `managementKey` as its management (and so claim-signing) key. */
export async function deployClaimIssuer(deployer: Signer, managementKey: string): Promise<Contract> {
  const a = onchainIdArtifact("ClaimIssuer");
  const c = await new ContractFactory(a.abi as never, a.bytecode, deployer).deploy(managementKey);
  await c.waitForDeployment();
  return c as unknown as Contract;
}

/**
 * Issues a claim of the suite's format: `issuerKey` signs it and `holder` (a management key of the identity)
 * adds it to the identity. Returns the signature and data.
 */
export async function issueClaim(p: {
  identity: Contract;
  holder: Signer;
  issuer: string;
  issuerKey: Signer;
  topic: bigint | number;
  data: string;
}): Promise<{ signature: string; data: string }> {
  const identityAddress = await p.identity.getAddress();
  const signature = await signClaim(p.issuerKey, identityAddress, p.topic, p.data);
  const identity = p.identity.connect(p.holder) as Contract;
  await (await identity.addClaim(p.topic, ECDSA_SCHEME, p.issuer, signature, p.data, "")).wait();
  return { signature, data: p.data };
}

/** Registers `schema` in EAS's SchemaRegistry (no resolver, revocable) and returns its uid. */
export async function registerSchema(schemaRegistry: Contract, schema: string): Promise<string> {
  const receipt = await (
    await schemaRegistry.register(schema, "0x0000000000000000000000000000000000000000", true)
  ).wait();
  for (const log of receipt!.logs) {
    const parsed = schemaRegistry.interface.parseLog(log);
    if (parsed?.name === "Registered") return parsed.args.uid as string;
  }
  throw new Error(`schema "${schema}" not registered`);
}

/** Attests `data` of `schema` for `recipient`, expiring at `expirationTime` (0: never); returns the uid. */
export async function attest(
  eas: Contract,
  attester: Signer,
  p: { schema: string; recipient: string; data: string; expirationTime?: bigint | number },
): Promise<string> {
  const request = {
    schema: p.schema,
    data: {
      recipient: p.recipient,
      expirationTime: p.expirationTime ?? 0,
      revocable: true,
      refUID: "0x" + "00".repeat(32),
      data: p.data,
      value: 0,
    },
  };
  const receipt = await (await (eas.connect(attester) as Contract).attest(request)).wait();
  for (const log of receipt!.logs) {
    const parsed = eas.interface.parseLog(log);
    if (parsed?.name === "Attested") return parsed.args.uid as string;
  }
  throw new Error("no Attested event");
}

/** Revokes attestation `uid` of `schema` (by its attester). */
export async function revokeAttestation(eas: Contract, attester: Signer, schema: string, uid: string) {
  return (await (eas.connect(attester) as Contract).revoke({ schema, data: { uid, value: 0 } })).wait();
}

/** Attestation data of the suite's Record schema. */
export const encodeRecordAttestation = (country: number, classes: number) =>
  abi.encode(["uint16", "uint16"], [country, classes]);
/** Attestation data of a Flag schema (`bool`). */
export const encodeFlagAttestation = (value: boolean) => abi.encode(["bool"], [value]);
/** Attestation data of a CountryCode schema (`string`, ISO-3166 alpha-2). */
export const encodeCountryAttestation = (alpha2: string) => abi.encode(["string"], [alpha2]);
/** An alpha-2 code as the source's `bytes2` key. */
export const alpha2Key = (alpha2: string) => "0x" + Buffer.from(alpha2, "ascii").toString("hex");
