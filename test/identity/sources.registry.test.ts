/**
 * Specification of the identity registry's side of the verification sources (docs/IDENTITY.md): the issuer's
 * list of sources, the policy, the writes only listed sources make, provenance, removal and the live check.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  CLASSES,
  COUNTRY,
  EAS_ID,
  ONCHAINID_ID,
  claimedIdentity,
  recordAttestation,
  sourceOf,
  sourcesFixture,
  type SourcesFixture,
} from "./sources.fixtures";
import { REVOKED_BIT, recordsOf } from "./fixtures";
import { revokeAttestation } from "../../lib/identity-sources";

const DAY = 86_400;

describe("IdentityRegistry verification sources", function () {
  let f: SourcesFixture;

  beforeEach(async function () {
    f = await loadFixture(sourcesFixture);
  });

  describe("setVerificationSource", function () {
    it("should list, replace and remove a source with old and new addresses", async function () {
      const claims = await f.claims.getAddress();
      const attestations = await f.attestations.getAddress();
      expect(await f.registrySources.verificationSource(ONCHAINID_ID)).to.equal(claims);
      expect(await f.registrySources.sourceIdOf(attestations)).to.equal(EAS_ID);
      await expect(
        f.registrySources.connect(f.issuer).setVerificationSource(ONCHAINID_ID, ethers.ZeroAddress),
      )
        .to.emit(f.registrySources, "VerificationSourceChanged")
        .withArgs(ONCHAINID_ID, claims, ethers.ZeroAddress);
      expect(await f.registrySources.sourceIdOf(claims)).to.equal(0);
      await expect(f.registrySources.connect(f.issuer).setVerificationSource(7, claims))
        .to.emit(f.registrySources, "VerificationSourceChanged")
        .withArgs(7, ethers.ZeroAddress, claims);
      expect(await f.registrySources.sourceIdOf(claims)).to.equal(7);
    });

    it("should refuse id 0, an address without code, and a source listed under another id", async function () {
      await expect(f.registrySources.connect(f.issuer).setVerificationSource(0, await f.claims.getAddress()))
        .to.be.revertedWithCustomError(f.registrySources, "InvalidSourceId")
        .withArgs(0);
      await expect(f.registrySources.connect(f.issuer).setVerificationSource(3, f.outsider.address))
        .to.be.revertedWithCustomError(f.registrySources, "InvalidSource")
        .withArgs(f.outsider.address);
      await expect(f.registrySources.connect(f.issuer).setVerificationSource(3, await f.claims.getAddress()))
        .to.be.revertedWithCustomError(f.registrySources, "SourceAlreadyListed")
        .withArgs(await f.claims.getAddress(), ONCHAINID_ID);
      expect(await f.registrySources.verificationSource(3)).to.equal(ethers.ZeroAddress);
    });

    it("should refuse anyone but the issuer", async function () {
      await expect(
        f.registrySources.connect(f.complianceOfficer).setVerificationSource(3, await f.claims.getAddress()),
      )
        .to.be.revertedWithCustomError(f.registry, "AccessManagedUnauthorized")
        .withArgs(f.complianceOfficer.address);
    });
  });

  describe("setSourcePolicy", function () {
    it("should set the policy bits with old and new values and refuse an undefined bit", async function () {
      await expect(f.registrySources.connect(f.issuer).setSourcePolicy(3))
        .to.emit(f.registrySources, "SourcePolicyChanged")
        .withArgs(0, 3);
      await expect(f.registrySources.connect(f.issuer).setSourcePolicy(4))
        .to.be.revertedWithCustomError(f.registrySources, "InvalidSourcePolicy")
        .withArgs(4);
      expect(await f.registrySources.sourcePolicy()).to.equal(3);
    });
  });

  describe("writeFromSource and revokeFromSource", function () {
    it("should refuse any caller that is not a listed source, the compliance officer included", async function () {
      const expiry = (await time.latest()) + DAY;
      for (const caller of [f.outsider, f.complianceOfficer, f.issuer]) {
        await expect(
          f.registrySources
            .connect(caller)
            .writeFromSource(caller.address, caller.address, COUNTRY.FRANCE, CLASSES.ACCREDITED, expiry),
        )
          .to.be.revertedWithCustomError(f.registrySources, "CallerNotSource")
          .withArgs(caller.address);
        await expect(f.registrySources.connect(caller).revokeFromSource(caller.address))
          .to.be.revertedWithCustomError(f.registrySources, "CallerNotSource")
          .withArgs(caller.address);
      }
    });

    it("issue 16 finding 4: should refuse the PROTOCOL class from a source, even for a wallet the issuer listed", async function () {
      const [wallet] = f.wallets;
      await f.registry.connect(f.issuer).setProtocolAccount(wallet.address, true);
      // The sources never pass the class on (their own tests); the registry refuses it from any listed source:
      // impersonate one.
      const source = await f.claims.getAddress();
      await ethers.provider.send("hardhat_impersonateAccount", [source]);
      await ethers.provider.send("hardhat_setBalance", [source, "0x56BC75E2D63100000"]);
      const asSource = await ethers.getSigner(source);
      const expiry = (await time.latest()) + DAY;
      await expect(
        f.registrySources
          .connect(asSource)
          .writeFromSource(wallet.address, wallet.address, COUNTRY.FRANCE, CLASSES.PROTOCOL, expiry),
      )
        .to.be.revertedWithCustomError(f.registrySources, "ProtocolClassFromSource")
        .withArgs(wallet.address);
      expect(await recordsOf(f.registry, [wallet.address])).to.deep.equal([0n]);
      await ethers.provider.send("hardhat_stopImpersonatingAccount", [source]);
    });
  });

  describe("revokeFromRemovedSource", function () {
    it("should let anyone revoke a record whose source the issuer removed", async function () {
      const [wallet] = f.wallets;
      const uid = await recordAttestation(f, wallet.address);
      await f.attestations.registerFromAttestation(wallet.address, [uid]);
      await expect(f.registrySources.connect(f.outsider).revokeFromRemovedSource(wallet.address))
        .to.be.revertedWithCustomError(f.registrySources, "SourceStillListed")
        .withArgs(wallet.address, EAS_ID, await f.attestations.getAddress());
      await f.registrySources.connect(f.issuer).setVerificationSource(EAS_ID, ethers.ZeroAddress);
      // The removed source can no longer write or revoke anything.
      await expect(f.attestations.refresh(wallet.address))
        .to.be.revertedWithCustomError(f.attestations, "RecordNotFromThisSource")
        .withArgs(wallet.address, ethers.ZeroAddress);
      const before = await f.registrySources.storedRecord(wallet.address);
      await expect(f.registrySources.connect(f.outsider).revokeFromRemovedSource(wallet.address))
        .to.emit(f.registry, "InvestorRecordChanged")
        .withArgs(wallet.address, before, before | REVOKED_BIT);
      expect(await f.registry.isVerified(wallet.address)).to.equal(false);
    });

    it("should refuse an officer's record and an unregistered wallet", async function () {
      const [wallet, unregistered] = f.wallets;
      await f.registry
        .connect(f.complianceOfficer)
        .registerInvestor(
          wallet.address,
          wallet.address,
          COUNTRY.FRANCE,
          CLASSES.ACCREDITED,
          (await time.latest()) + DAY,
        );
      await expect(f.registrySources.revokeFromRemovedSource(wallet.address))
        .to.be.revertedWithCustomError(f.registrySources, "RecordNotFromSource")
        .withArgs(wallet.address, 0, 0);
      await expect(f.registrySources.revokeFromRemovedSource(unregistered.address))
        .to.be.revertedWithCustomError(f.registry, "WalletNotRegistered")
        .withArgs(unregistered.address);
    });
  });

  describe("provenance", function () {
    it("should keep the transfer path's record in one word: recordSource names the source, the officer's writes take it over", async function () {
      const [a, b] = f.wallets;
      const { identity } = await claimedIdentity(f, a);
      await f.claims.registerFromClaims(a.address, await identity.getAddress());
      await f.attestations.registerFromAttestation(b.address, [await recordAttestation(f, b.address)]);
      expect(await f.registrySources.recordSource(a.address)).to.deep.equal([
        BigInt(ONCHAINID_ID),
        await f.claims.getAddress(),
      ]);
      expect(await f.registrySources.recordSource(b.address)).to.deep.equal([
        BigInt(EAS_ID),
        await f.attestations.getAddress(),
      ]);
      // transferRecords returns the stored words, provenance bits included.
      const [ra, rb] = await f.registry.transferRecords(a.address, b.address);
      expect(sourceOf(ra)).to.equal(ONCHAINID_ID);
      expect(sourceOf(rb)).to.equal(EAS_ID);
      await f.registry
        .connect(f.complianceOfficer)
        .updateInvestor(
          b.address,
          [b.address],
          COUNTRY.SINGAPORE,
          CLASSES.INSTITUTIONAL,
          (await time.latest()) + DAY,
        );
      expect(await f.registrySources.recordSource(b.address)).to.deep.equal([0n, ethers.ZeroAddress]);
    });
  });

  describe("investorRecord and isVerified with the LIVE_CHECK policy", function () {
    async function revokedAtSource() {
      const [wallet] = f.wallets;
      const uid = await recordAttestation(f, wallet.address);
      await f.attestations.registerFromAttestation(wallet.address, [uid]);
      await revokeAttestation(f.eas, f.attester, f.recordSchema, uid);
      return wallet;
    }

    it("should report the stored record without the policy (the window until a refresh)", async function () {
      const wallet = await revokedAtSource();
      expect(await f.registry.isVerified(wallet.address)).to.equal(true);
      expect(await f.registry.investorRecord(wallet.address)).to.equal(
        await f.registrySources.storedRecord(wallet.address),
      );
    });

    it("should report a source's record revoked as soon as its evidence is, without any refresh", async function () {
      const wallet = await revokedAtSource();
      await f.registrySources.connect(f.issuer).setSourcePolicy(2);
      const stored = await f.registrySources.storedRecord(wallet.address);
      expect(await f.registry.isVerified(wallet.address)).to.equal(false);
      expect(await f.registry.investorRecord(wallet.address)).to.equal(stored | REVOKED_BIT);
      // The stored record is unchanged; the transfer path's transferRecords does not check live.
      expect((await f.registry.transferRecords(wallet.address, wallet.address))[0]).to.equal(stored);
    });

    it("should report a valid source's record verified, and a removed source's revoked", async function () {
      const [wallet] = f.wallets;
      await f.attestations.registerFromAttestation(wallet.address, [
        await recordAttestation(f, wallet.address),
      ]);
      await f.registrySources.connect(f.issuer).setSourcePolicy(2);
      expect(await f.registry.isVerified(wallet.address)).to.equal(true);
      await f.registrySources.connect(f.issuer).setVerificationSource(EAS_ID, ethers.ZeroAddress);
      expect(await f.registry.isVerified(wallet.address)).to.equal(false);
    });

    it("should refuse a caller leaving less gas than the live check's budget", async function () {
      const [wallet] = f.wallets;
      await f.attestations.registerFromAttestation(wallet.address, [
        await recordAttestation(f, wallet.address),
      ]);
      await f.registrySources.connect(f.issuer).setSourcePolicy(2);
      await expect(
        f.registry.isVerified.staticCall(wallet.address, { gasLimit: 500_000 }),
      ).to.be.revertedWithCustomError(f.registrySources, "InsufficientGasForLiveCheck");
    });

    it("should leave the compliance officer's records out of the live check", async function () {
      const [wallet] = f.wallets;
      await f.registrySources.connect(f.issuer).setSourcePolicy(2);
      await f.registry
        .connect(f.complianceOfficer)
        .registerInvestor(
          wallet.address,
          wallet.address,
          COUNTRY.FRANCE,
          CLASSES.ACCREDITED,
          (await time.latest()) + DAY,
        );
      expect(await f.registry.isVerified.staticCall(wallet.address, { gasLimit: 60_000 })).to.equal(true);
    });
  });
});
