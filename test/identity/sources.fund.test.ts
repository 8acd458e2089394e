/**
 * The verification sources in the deployed fund (deploy scripts, Safes): investors onboarded from an ONCHAINID
 * claim and from an EAS attestation subscribe and trade; a revocation at the source stops their transfers once
 * anyone refreshes; with the issuer's LIVE_CHECK policy, issuance and redemption settlement see it at once.
 */
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { Contract } from "ethers";
import { asIssuer, configure, managerFixture, TOKENS, USDC, HOLD } from "../fund/fixtures";
import { mint, ONE, publishNav, publishReserves } from "../helpers/fund";
import { deployedEas } from "../../lib/deploy/eas";
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
  revokeAttestation,
} from "../../lib/identity-sources";
import type { AttestationSource, OnchainIdSource } from "../../typechain-types";
import { roleStep } from "../../lib/fund";

const KYC_TOPIC = 1n;
const ACCREDITED = 1;
const INSTITUTIONAL = 4;
const US = 840;
const GB = 826;

async function fundSourcesFixture() {
  const f = await loadFixture(managerFixture);
  const { fund, investors } = f;
  const [deployer] = await ethers.getSigners();
  const claims = fund.contracts.onchainIdSource! as OnchainIdSource;
  const attestations = fund.contracts.attestationSource! as AttestationSource;
  const [, , , dave, erin, kycKey, attester] = investors;
  const claimIssuer = await deployClaimIssuer(deployer, kycKey.address);
  const { eas, schemaRegistry } = await deployedEas(hre, deployer);
  const schema = await registerSchema(schemaRegistry, SUITE_RECORD_SCHEMA);
  await configure(f, [
    roleStep(claims, "setClaimTopics", [[KYC_TOPIC]]),
    roleStep(claims, "setTrustedIssuer", [await claimIssuer.getAddress(), [KYC_TOPIC]]),
    roleStep(attestations, "setSchemaRules", [[{ schema, kind: SCHEMA_KIND.Record, classes: 0 }]]),
    roleStep(attestations, "setTrustedAttester", [schema, attester.address, true]),
  ]);
  // Dave: an ONCHAINID identity with a KYC claim; Erin: an EAS attestation of the suite's schema.
  const identity = await deployIdentity(deployer, dave.address);
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const claim = await issueClaim({
    identity,
    holder: dave,
    issuer: await claimIssuer.getAddress(),
    issuerKey: kycKey,
    topic: KYC_TOPIC,
    data: encodeClaimData({ chainId, country: US, classes: ACCREDITED }),
  });
  await claims.connect(dave).registerFromClaims(dave.address, await identity.getAddress());
  const uid = await attest(eas, attester, {
    schema,
    recipient: erin.address,
    data: encodeRecordAttestation(GB, INSTITUTIONAL),
  });
  await attestations.connect(erin).registerFromAttestation(erin.address, [uid]);
  for (const investor of [dave, erin]) {
    await f.usdc.connect(deployer).mint(investor.address, USDC("1000000"));
    await f.usdc.connect(investor).approve(await f.fm.getAddress(), ethers.MaxUint256);
    await fund.contracts.token.connect(investor).approve(await f.fm.getAddress(), ethers.MaxUint256);
  }
  return {
    ...f,
    claims,
    attestations,
    claimIssuer,
    kycKey,
    eas,
    schema,
    attester,
    dave,
    erin,
    identity,
    claim,
    uid,
  };
}

describe("Verification sources in the deployed fund", function () {
  describe("when investors are onboarded from an ONCHAINID claim and an EAS attestation", function () {
    it("should let them subscribe and trade like officer-registered investors, each record naming its source", async function () {
      const { fm, usdc, dave, erin, fund } = await loadFixture(fundSourcesFixture);
      const { registrySources, token } = fund.contracts;
      expect((await registrySources.recordSource(dave.address))[0]).to.equal(1n);
      expect((await registrySources.recordSource(erin.address))[0]).to.equal(2n);
      await fm.connect(dave).subscribe(usdc, USDC("3000"), 0);
      await fm.connect(erin).subscribe(usdc, USDC("3000"), 0);
      await expect(token.connect(dave).transfer(erin.address, TOKENS("100"))).to.emit(token, "Transfer");
    });
  });

  describe("when the source revokes an investor's evidence", function () {
    it("should stop the investor's transfers once anyone refreshes (and not before: the window)", async function () {
      const { fm, usdc, dave, erin, fund, attestations, eas, attester, schema, uid } =
        await loadFixture(fundSourcesFixture);
      const { token } = fund.contracts;
      await fm.connect(dave).subscribe(usdc, USDC("3000"), 0);
      await fm.connect(erin).subscribe(usdc, USDC("3000"), 0);
      await revokeAttestation(eas, attester, schema, uid);
      // Until someone refreshes, the registry's record stands: the transfer path never reads an attestation.
      await token.connect(dave).transfer(erin.address, TOKENS("10"));
      // The counterparty enforces the revocation.
      await attestations.connect(dave).refresh(erin.address);
      await expect(token.connect(dave).transfer(erin.address, TOKENS("10")))
        .to.be.revertedWithCustomError(token, "RecipientNotVerified")
        .withArgs(erin.address);
      await expect(token.connect(erin).transfer(dave.address, TOKENS("10")))
        .to.be.revertedWithCustomError(token, "SenderNotVerified")
        .withArgs(erin.address);
    });
  });

  describe("with the issuer's LIVE_CHECK policy", function () {
    async function liveFixture() {
      const f = await loadFixture(fundSourcesFixture);
      // Live checks on, and every redemption queued (settled by the transfer agent).
      await asIssuer(f.fund, [
        roleStep(f.fund.contracts.registrySources, "setSourcePolicy", [SOURCE_POLICY.LIVE_CHECK]),
        roleStep(f.fm, "setInstantRedemption", [false]),
      ]);
      await publishNav(f.fund, "1.00");
      await publishReserves(f.fund, "10000000");
      return f;
    }

    it("should refuse a subscription and an issuance to an investor whose claim was revoked, with no refresh", async function () {
      const { fm, usdc, dave, erin, fund, claimIssuer, kycKey, claim } = await loadFixture(liveFixture);
      const { token } = fund.contracts;
      await fm.connect(dave).subscribe(usdc, USDC("3000"), 0);
      await (await (claimIssuer.connect(kycKey) as Contract).revokeClaimBySignature(claim.signature)).wait();
      await expect(fm.connect(dave).subscribe(usdc, USDC("3000"), 0))
        .to.be.revertedWithCustomError(fm, "NotAnInvestor")
        .withArgs(dave.address);
      // The transfer agent's issuance too (the Safe call's simulation reports the token's error).
      await expect(mint(fund, dave.address, ONE)).to.be.rejectedWith(`RecipientNotVerified(${dave.address})`);
      // Transfers read the stored record alone: the live check is not on the transfer path.
      await token.connect(dave).transfer(erin.address, TOKENS("10"));
    });

    it("should hold a queued redemption whose investor's attestation was revoked (HoldReason NotVerified)", async function () {
      const { fm, usdc, erin, fund, eas, attester, schema, uid } = await loadFixture(liveFixture);
      await fm.connect(erin).subscribe(usdc, USDC("3000"), 0);
      await fm.connect(erin).requestRedemption(TOKENS("2000"), usdc, 0);
      await revokeAttestation(eas, attester, schema, uid);
      const result = await fund.as("transferAgent").on(fm).settleRedemptions(1);
      await expect(result.response).to.emit(fm, "RedemptionHeld").withArgs(1, erin.address, HOLD.NotVerified);
    });
  });
});
