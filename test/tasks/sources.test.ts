import hre, { ethers } from "hardhat";
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { Contract } from "ethers";
import { deployFundFixture, registerInvestor } from "../helpers/fund";
import { issuerCalls } from "../token/fixtures";
import { deployedEas } from "../../lib/deploy/eas";
import {
  SCHEMA_KIND,
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
import type { InvestorView } from "../../scripts/tasks/investors";
import type { SourceTxResult } from "../../scripts/tasks/sources";
import { captureOutput, expectNothingSent, expectRefused } from "./helpers";
import { roleStep } from "../../lib/fund";

const KYC_TOPIC = 1n;

/** The deployed fund with both sources configured; Dave holds an ONCHAINID identity with a KYC claim, Erin an attestation. */
async function sourcesTaskFixture() {
  const f = await loadFixture(deployFundFixture);
  const { fund, investors } = f;
  const [deployer] = await ethers.getSigners();
  const claims = fund.contracts.onchainIdSource!;
  const attestations = fund.contracts.attestationSource!;
  const [dave, erin, kycKey, attester, otherKey] = investors.slice(5);
  const claimIssuer = await deployClaimIssuer(deployer, kycKey.address);
  const untrustedIssuer = await deployClaimIssuer(deployer, otherKey.address);
  const { eas, schemaRegistry } = await deployedEas(hre, deployer);
  const schema = await registerSchema(schemaRegistry, SUITE_RECORD_SCHEMA);
  await issuerCalls(fund, [
    roleStep(claims, "setClaimTopics", [[KYC_TOPIC]]),
    roleStep(claims, "setTrustedIssuer", [await claimIssuer.getAddress(), [KYC_TOPIC]]),
    roleStep(attestations, "setSchemaRules", [[{ schema, kind: SCHEMA_KIND.Record, classes: 0 }]]),
    roleStep(attestations, "setTrustedAttester", [schema, attester.address, true]),
  ]);
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const identity = await deployIdentity(deployer, dave.address);
  const claim = await issueClaim({
    identity,
    holder: dave,
    issuer: await claimIssuer.getAddress(),
    issuerKey: kycKey,
    topic: KYC_TOPIC,
    data: encodeClaimData({ chainId, country: 840, classes: 1 }),
  });
  const uid = await attest(eas, attester, {
    schema,
    recipient: erin.address,
    data: encodeRecordAttestation(826, 4),
  });
  return {
    ...f,
    claims,
    attestations,
    claimIssuer,
    untrustedIssuer,
    kycKey,
    otherKey,
    eas,
    schema,
    attester,
    dave,
    erin,
    identity,
    claim,
    uid,
    chainId,
    deployer,
  };
}

/** Both investors registered through the tasks. */
async function registeredFixture() {
  const f = await loadFixture(sourcesTaskFixture);
  await hre.run("investor:verify-claims", {
    wallet: f.dave.address,
    identity: await f.identity.getAddress(),
  });
  await hre.run("investor:verify-attestation", { wallet: f.erin.address, uids: f.uid });
  return f;
}

describe("tasks: verification sources", function () {
  let output: ReturnType<typeof captureOutput>;
  beforeEach(() => (output = captureOutput()));
  afterEach(() => output.restore());

  describe("investor:verify-claims", function () {
    it("should check the claims, then register the wallet from them", async function () {
      const { dave, identity, fund } = await loadFixture(sourcesTaskFixture);
      const id = await identity.getAddress();
      const result: SourceTxResult = await hre.run("investor:verify-claims", {
        wallet: dave.address,
        identity: id,
      });
      expect(result.verified).to.equal(true);
      expect(output.lines[0]).to.match(
        new RegExp(
          `^Wallet ${dave.address}, identity ${id}: the claims verify \\(country 840, classes accredited, KYC expiry `,
        ),
      );
      expect(await fund.contracts.registry.identity(dave.address)).to.equal(id);
    });

    it("should send nothing with --dry-run", async function () {
      const { dave, identity, fund } = await loadFixture(sourcesTaskFixture);
      await expectNothingSent("investor:verify-claims", {
        wallet: dave.address,
        identity: await identity.getAddress(),
        dryRun: true,
      });
      expect(await fund.contracts.registry.contains(dave.address)).to.equal(false);
    });

    it("should refuse, naming each claim and its issuer's trust, when no trusted issuer's claim verifies", async function () {
      const { erin, untrustedIssuer, otherKey, deployer, chainId } = await loadFixture(sourcesTaskFixture);
      const identity = await deployIdentity(deployer, erin.address);
      await issueClaim({
        identity,
        holder: erin,
        issuer: await untrustedIssuer.getAddress(),
        issuerKey: otherKey,
        topic: KYC_TOPIC,
        data: encodeClaimData({ chainId, country: 250, classes: 1 }),
      });
      const id = await identity.getAddress();
      await expectRefused(
        "investor:verify-claims",
        { wallet: erin.address, identity: id },
        `the claims of identity ${id} do not verify ${erin.address}: UntrustedIssuer\n` +
          `  topic 1: claim of issuer ${await untrustedIssuer.getAddress()} (not a trusted issuer): chain ${chainId}, ` +
          `country 250, classes accredited, KYC expiry 1970-01-01T00:00:00Z`,
      );
    });

    it("should refuse a wallet registered under another identity", async function () {
      const { dave, identity, fund } = await loadFixture(sourcesTaskFixture);
      await registerInvestor(fund, dave.address);
      await expectRefused(
        "investor:verify-claims",
        { wallet: dave.address, identity: await identity.getAddress() },
        `--wallet: ${dave.address} is registered under another identity (${dave.address})`,
      );
    });
  });

  describe("investor:verify-attestation", function () {
    it("should register the wallet from its attestation", async function () {
      const { erin, uid, fund } = await loadFixture(sourcesTaskFixture);
      const result: SourceTxResult = await hre.run("investor:verify-attestation", {
        wallet: erin.address,
        uids: uid,
      });
      expect(result.verified).to.equal(true);
      expect(await fund.contracts.registry.investorCountry(erin.address)).to.equal(826);
    });

    it("should refuse a revoked attestation, naming it, and a wrong number of uids", async function () {
      const { erin, uid, eas, attester, schema } = await loadFixture(sourcesTaskFixture);
      await revokeAttestation(eas, attester, schema, uid);
      await expectRefused(
        "investor:verify-attestation",
        { wallet: erin.address, uids: uid },
        `the attestations do not verify ${erin.address}: attestation ${uid}: Revoked`,
      );
      await expectRefused(
        "investor:verify-attestation",
        { wallet: erin.address, uids: `${uid},${uid}` },
        `--uids: 2 uid(s) given, the source requires 1 (schemas ${schema})`,
      );
    });
  });

  describe("investor:refresh", function () {
    it("should revoke one wallet's record once its claim is revoked at the issuer", async function () {
      const { dave, claimIssuer, kycKey, claim, fund } = await loadFixture(registeredFixture);
      await (await (claimIssuer.connect(kycKey) as Contract).revokeClaimBySignature(claim.signature)).wait();
      const [result]: SourceTxResult[] = await hre.run("investor:refresh", { wallet: dave.address });
      expect(result.verified).to.equal(false);
      expect(output.lines).to.include(
        `Wallet ${dave.address} (ONCHAINID claims): evidence not valid: Revoked; record verified`,
      );
      expect(await fund.contracts.registry.isRevoked(dave.address)).to.equal(true);
    });

    it("should find every wallet whose evidence changed from the sources' events, and refresh them", async function () {
      const { dave, erin, claimIssuer, kycKey, claim, eas, attester, schema, uid, fund } =
        await loadFixture(registeredFixture);
      const from = await ethers.provider.getBlockNumber();
      await (await (claimIssuer.connect(kycKey) as Contract).revokeClaimBySignature(claim.signature)).wait();
      await revokeAttestation(eas, attester, schema, uid);
      const claimBlock = from + 1;
      const easBlock = from + 2;
      const planned: SourceTxResult[] = await expectNothingSent("investor:refresh", { dryRun: true });
      expect(planned.map((r) => r.wallet)).to.deep.equal([dave.address, erin.address]);
      expect(output.lines).to.include(
        `Wallet ${dave.address} (ONCHAINID claims, identity ${await fund.contracts.registry.identity(dave.address)}): ` +
          `no longer valid (ClaimRevoked by issuer ${await claimIssuer.getAddress()} (block ${claimBlock}))`,
      );
      expect(output.lines).to.include(
        `Wallet ${erin.address} (EAS attestations, identity ${erin.address}): no longer valid (EAS Revoked ${uid} (block ${easBlock}))`,
      );
      await hre.run("investor:refresh", {});
      expect(await fund.contracts.registry.isVerified(dave.address)).to.equal(false);
      expect(await fund.contracts.registry.isVerified(erin.address)).to.equal(false);
      const again: SourceTxResult[] = await expectNothingSent("investor:refresh", {});
      expect(again).to.deep.equal([]);
    });

    it("should refuse a wallet the compliance officer attested", async function () {
      const { fund, investors } = await loadFixture(registeredFixture);
      const wallet = investors[0].address;
      await registerInvestor(fund, wallet);
      await expectRefused(
        "investor:refresh",
        { wallet },
        `--wallet: ${wallet}'s record was attested by the compliance officer: no source to refresh from`,
      );
    });
  });

  describe("investor:show", function () {
    it("should name the source that verified the wallet", async function () {
      const { dave, erin, fund, investors } = await loadFixture(registeredFixture);
      const claims = await fund.contracts.onchainIdSource!.getAddress();
      const attestations = await fund.contracts.attestationSource!.getAddress();
      const d: InvestorView = await hre.run("investor:show", { wallet: dave.address });
      expect(d.source).to.equal(`ONCHAINID claims (source 1, ${claims})`);
      const e: InvestorView = await hre.run("investor:show", { wallet: erin.address });
      expect(e.source).to.equal(`EAS attestations (source 2, ${attestations})`);
      await registerInvestor(fund, investors[0].address);
      const o: InvestorView = await hre.run("investor:show", { wallet: investors[0].address });
      expect(o.source).to.equal("compliance officer");
      expect(output.lines).to.include(`  verified by   compliance officer`);
    });
  });
});
