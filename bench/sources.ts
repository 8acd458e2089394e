/**
 * The identity registry's verification sources (docs/IDENTITY.md) on the deployed fund: an investor registered
 * from an ONCHAINID claim (ONCHAINID's real Identity and ClaimIssuer from `@onchain-id/solidity`), one from an
 * EAS attestation (EAS from its package's bytecode), a refresh that revokes after the claim's revocation, and a
 * mint with the LIVE_CHECK policy (the cost of checking a source's record live on issuance).
 */
import hre, { ethers } from "hardhat";
import type { Signer } from "ethers";
import type { Fund } from "../lib/fund";
import { deployedEas } from "../lib/deploy/eas";
import {
  SCHEMA_KIND,
  SOURCE_POLICY,
  SUITE_RECORD_SCHEMA,
  attest,
  deployClaimIssuer,
  deployIdentity,
  encodeClaimData,
  encodeRecordAttestation,
  issueClaim,
  registerSchema,
} from "../lib/identity-sources";
import { check, measureGas } from "./common";
import { COUNTRIES, MINT_AMOUNT } from "./operations";

const KYC_TOPIC = 1n;
const ACCREDITED = 1;

export interface SourceGas {
  registerFromClaims: number;
  registerFromAttestation: number;
  refresh: number;
  mintLiveCheck: number;
}

/**
 * Measures the sources on `fund` (the caller isolates the network). `agent` holds MINTER; `claimKey` signs the
 * KYC claims; the investors and the attester are Hardhat accounts 30 to 32.
 */
export async function measureSources(
  fund: Fund,
  agent: Signer,
  claimKey: Signer,
  refreshReserves: () => Promise<void>,
): Promise<SourceGas> {
  const signers = await ethers.getSigners();
  const [claimInvestor, easInvestor, attester] = [signers[30], signers[31], signers[32]];
  const { token, registry } = fund.contracts;
  const claims = fund.contracts.onchainIdSource!;
  const attestations = fund.contracts.attestationSource!;
  const deployer = signers[0];
  const claimIssuer = await deployClaimIssuer(deployer, await claimKey.getAddress());
  const { eas, schemaRegistry } = await deployedEas(hre, deployer);
  const schema = await registerSchema(schemaRegistry, SUITE_RECORD_SCHEMA);
  const issuer = fund.as("issuer");
  const calls: [unknown, string, unknown[]][] = [
    [claims, "setClaimTopics", [[KYC_TOPIC]]],
    [claims, "setTrustedIssuer", [await claimIssuer.getAddress(), [KYC_TOPIC]]],
    [attestations, "setSchemaRules", [[{ schema, kind: SCHEMA_KIND.Record, classes: 0 }]]],
    [attestations, "setTrustedAttester", [schema, await attester.getAddress(), true]],
  ];
  for (const [target, fn, args] of calls) await issuer.callNow(target as never, fn, args);
  await refreshReserves();

  const identity = await deployIdentity(deployer, claimInvestor.address);
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const claim = await issueClaim({
    identity,
    holder: claimInvestor,
    issuer: await claimIssuer.getAddress(),
    issuerKey: claimKey,
    topic: KYC_TOPIC,
    data: encodeClaimData({ chainId, country: COUNTRIES.dave, classes: ACCREDITED }),
  });
  const registerFromClaims = await measureGas(
    "register from claims",
    claims.connect(claimInvestor).registerFromClaims(claimInvestor.address, await identity.getAddress()),
  );
  const uid = await attest(eas, attester, {
    schema,
    recipient: easInvestor.address,
    data: encodeRecordAttestation(COUNTRIES.dave, ACCREDITED),
  });
  const registerFromAttestation = await measureGas(
    "register from attestation",
    attestations.connect(easInvestor).registerFromAttestation(easInvestor.address, [uid]),
  );
  check(await registry.isVerified(easInvestor.address), "the attested investor is verified");

  // Issuance with the live check: the claim investor already holds tokens (as `mint` measures a holder).
  await (await token.connect(agent).mint(claimInvestor.address, MINT_AMOUNT)).wait();
  await issuer.now(fund.contracts.registrySources).setSourcePolicy(SOURCE_POLICY.LIVE_CHECK);
  await refreshReserves();
  const mintLiveCheck = await measureGas(
    "mint with the live check",
    token.connect(agent).mint(claimInvestor.address, MINT_AMOUNT),
  );

  // The claim is revoked at its issuer; anyone's refresh revokes the record.
  await (
    await (claimIssuer.connect(claimKey) as typeof claimIssuer).revokeClaimBySignature(claim.signature)
  ).wait();
  const refresh = await measureGas(
    "refresh (revokes)",
    claims.connect(easInvestor).refresh(claimInvestor.address),
  );
  check(!(await registry.isVerified(claimInvestor.address)), "the refresh revoked the record");
  return { registerFromClaims, registerFromAttestation, refresh, mintLiveCheck };
}
