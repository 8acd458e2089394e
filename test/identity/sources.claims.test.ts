/**
 * Specification of the ONCHAINID claim source (docs/IDENTITY.md): OnchainIdSource with ONCHAINID's real
 * Identity and ClaimIssuer contracts, and the registry it writes to.
 */
import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Contract } from "ethers";
import {
  CLAIM,
  CLASSES,
  COUNTRY,
  KYC_TOPIC,
  ONCHAINID_ID,
  OTHER_TOPIC,
  RECORD_VALIDITY,
  claimedIdentity,
  recordAttestation,
  cappedExpiry,
  sourceOf,
  sourcesFixture,
  withSource,
  type SourcesFixture,
} from "./sources.fixtures";
import { REVOKED_BIT, packRecord, recordsOf } from "./fixtures";
import { deployClaimIssuer, encodeClaimData, issueClaim, signClaim } from "../../lib/identity-sources";

const DAY = 86_400;

describe("OnchainIdSource", function () {
  let f: SourcesFixture;

  beforeEach(async function () {
    f = await loadFixture(sourcesFixture);
  });

  async function register(wallet: string, identity: Contract | string) {
    return f.claims.registerFromClaims(
      wallet,
      typeof identity === "string" ? identity : await identity.getAddress(),
    );
  }

  describe("registerFromClaims", function () {
    describe("when the identity holds a valid claim of every required topic from a trusted issuer", function () {
      it("should write the record the claim describes, with the source's id as its provenance", async function () {
        const [wallet] = f.wallets;
        const { identity } = await claimedIdentity(f, wallet, {
          country: COUNTRY.FRANCE,
          classes: CLASSES.ACCREDITED | CLASSES.QUALIFIED_PURCHASER,
        });
        const id = await identity.getAddress();
        const expiry = await cappedExpiry();
        // Anyone may call it: the proof is on-chain.
        await expect(f.claims.connect(f.outsider).registerFromClaims(wallet.address, id))
          .to.emit(f.claims, "VerifiedFromClaims")
          .withArgs(
            wallet.address,
            id,
            COUNTRY.FRANCE,
            CLASSES.ACCREDITED | CLASSES.QUALIFIED_PURCHASER,
            expiry,
          )
          .and.to.emit(f.registry, "IdentityRegistered")
          .withArgs(wallet.address, id);
        const word = await f.registrySources.storedRecord(wallet.address);
        expect(word).to.equal(
          withSource(
            packRecord({
              identity: id,
              country: COUNTRY.FRANCE,
              classes: CLASSES.ACCREDITED | CLASSES.QUALIFIED_PURCHASER,
              kycExpiry: expiry,
              revoked: false,
            }),
            ONCHAINID_ID,
          ),
        );
        expect(await f.registry.isVerified(wallet.address)).to.equal(true);
        expect(await f.registrySources.recordSource(wallet.address)).to.deep.equal([
          BigInt(ONCHAINID_ID),
          await f.claims.getAddress(),
        ]);
      });

      it("should cap the record's expiry at the claim's own validUntil when it is earlier", async function () {
        const [wallet] = f.wallets;
        const until = BigInt((await time.latest()) + 30 * DAY);
        const { identity } = await claimedIdentity(f, wallet, { validUntil: until });
        await register(wallet.address, identity);
        expect(await f.registry.kycExpiry(wallet.address)).to.equal(until);
      });

      it("should accept a wallet that is an action key (not management key) of the identity", async function () {
        const [owner, actionWallet] = f.wallets;
        const { identity } = await claimedIdentity(f, owner);
        const key = ethers.keccak256(
          ethers.AbiCoder.defaultAbiCoder().encode(["address"], [actionWallet.address]),
        );
        await (await (identity.connect(owner) as Contract).addKey(key, 2, 1)).wait();
        await register(actionWallet.address, identity);
        expect(await f.registry.identity(actionWallet.address)).to.equal(await identity.getAddress());
      });

      it("should take the record's classes from every required claim (union) and the country from the first topic's", async function () {
        const [wallet] = f.wallets;
        await f.claims.connect(f.issuer).setClaimTopics([KYC_TOPIC, OTHER_TOPIC]);
        await f.claims
          .connect(f.issuer)
          .setTrustedIssuer(await f.trustedIssuer.getAddress(), [KYC_TOPIC, OTHER_TOPIC]);
        const { identity } = await claimedIdentity(f, wallet, {
          country: COUNTRY.FRANCE,
          classes: CLASSES.ACCREDITED,
        });
        await issueClaim({
          identity,
          holder: wallet,
          issuer: await f.trustedIssuer.getAddress(),
          issuerKey: f.kycKey,
          topic: OTHER_TOPIC,
          data: encodeClaimData({ chainId: f.chainId, country: 0, classes: CLASSES.INSTITUTIONAL }),
        });
        await register(wallet.address, identity);
        expect(await f.registry.investorCountry(wallet.address)).to.equal(COUNTRY.FRANCE);
        expect(await f.registry.investorClasses(wallet.address)).to.equal(
          CLASSES.ACCREDITED | CLASSES.INSTITUTIONAL,
        );
      });
    });

    describe("when a check fails, it should refuse with a named error and write nothing", function () {
      async function expectNothingWritten(wallet: string) {
        expect(await recordsOf(f.registry, [wallet])).to.deep.equal([0n]);
      }

      it("should refuse a claim signed by an untrusted issuer (UntrustedIssuer)", async function () {
        const [wallet] = f.wallets;
        const { identity } = await claimedIdentity(f, wallet, { issuer: f.untrustedIssuer, key: f.otherKey });
        await expect(register(wallet.address, identity))
          .to.be.revertedWithCustomError(f.claims, "ClaimRefused")
          .withArgs(
            await identity.getAddress(),
            KYC_TOPIC,
            await f.untrustedIssuer.getAddress(),
            CLAIM.UntrustedIssuer,
          );
        await expectNothingWritten(wallet.address);
      });

      it("should refuse a claim of an issuer trusted for another topic only (UntrustedIssuer)", async function () {
        const [wallet] = f.wallets;
        await f.claims
          .connect(f.issuer)
          .setTrustedIssuer(await f.untrustedIssuer.getAddress(), [OTHER_TOPIC]);
        const { identity } = await claimedIdentity(f, wallet, { issuer: f.untrustedIssuer, key: f.otherKey });
        await expect(register(wallet.address, identity))
          .to.be.revertedWithCustomError(f.claims, "ClaimRefused")
          .withArgs(
            await identity.getAddress(),
            KYC_TOPIC,
            await f.untrustedIssuer.getAddress(),
            CLAIM.UntrustedIssuer,
          );
      });

      it("should refuse an identity whose claim is of a topic the fund does not require (wrong topic: NoClaim)", async function () {
        const [wallet] = f.wallets;
        const { identity } = await claimedIdentity(f, wallet, { topic: OTHER_TOPIC });
        await expect(register(wallet.address, identity))
          .to.be.revertedWithCustomError(f.claims, "ClaimRefused")
          .withArgs(await identity.getAddress(), KYC_TOPIC, ethers.ZeroAddress, CLAIM.NoClaim);
        await expectNothingWritten(wallet.address);
      });

      it("should refuse a claim its issuer revoked (Revoked)", async function () {
        const [wallet] = f.wallets;
        const { identity, signature } = await claimedIdentity(f, wallet);
        await (
          await (f.trustedIssuer.connect(f.kycKey) as Contract).revokeClaimBySignature(signature)
        ).wait();
        await expect(register(wallet.address, identity))
          .to.be.revertedWithCustomError(f.claims, "ClaimRefused")
          .withArgs(
            await identity.getAddress(),
            KYC_TOPIC,
            await f.trustedIssuer.getAddress(),
            CLAIM.Revoked,
          );
        await expectNothingWritten(wallet.address);
      });

      it("should refuse a claim whose validUntil has passed (Expired)", async function () {
        const [wallet] = f.wallets;
        // An hour ahead, not seconds: the set-up's transactions are mined at the wall clock's pace.
        const until = (await time.latest()) + 3600;
        const { identity } = await claimedIdentity(f, wallet, { validUntil: until });
        await time.increaseTo(until);
        await expect(register(wallet.address, identity))
          .to.be.revertedWithCustomError(f.claims, "ClaimRefused")
          .withArgs(
            await identity.getAddress(),
            KYC_TOPIC,
            await f.trustedIssuer.getAddress(),
            CLAIM.Expired,
          );
      });

      it("should refuse a claim signed for another chain (OtherChain)", async function () {
        const [wallet] = f.wallets;
        const { identity } = await claimedIdentity(f, wallet, { chainId: 1n });
        await expect(register(wallet.address, identity))
          .to.be.revertedWithCustomError(f.claims, "ClaimRefused")
          .withArgs(
            await identity.getAddress(),
            KYC_TOPIC,
            await f.trustedIssuer.getAddress(),
            CLAIM.OtherChain,
          );
        await expectNothingWritten(wallet.address);
      });

      it("should refuse a claim replayed from another identity (its signature covers the first identity: InvalidSignature)", async function () {
        const [victim, attacker] = f.wallets;
        const { signature, data } = await claimedIdentity(f, victim);
        // A real ONCHAINID identity refuses to store such a claim; a hostile identity contract stores anything.
        const hostile = await ethers.deployContract("MockClaimHolder");
        await hostile.setKey(attacker.address, true);
        await hostile.storeClaim(KYC_TOPIC, await f.trustedIssuer.getAddress(), signature, data);
        await expect(register(attacker.address, await hostile.getAddress()))
          .to.be.revertedWithCustomError(f.claims, "ClaimRefused")
          .withArgs(
            await hostile.getAddress(),
            KYC_TOPIC,
            await f.trustedIssuer.getAddress(),
            CLAIM.InvalidSignature,
          );
        await expectNothingWritten(attacker.address);
      });

      it("should refuse a wallet that is not a key of the identity (someone else's identity)", async function () {
        const [owner, stranger] = f.wallets;
        const { identity } = await claimedIdentity(f, owner);
        await expect(register(stranger.address, identity))
          .to.be.revertedWithCustomError(f.claims, "WalletNotKeyOfIdentity")
          .withArgs(stranger.address, await identity.getAddress());
        await expectNothingWritten(stranger.address);
      });

      it("should refuse an identity address without code", async function () {
        const [wallet] = f.wallets;
        await expect(register(wallet.address, wallet.address))
          .to.be.revertedWithCustomError(f.claims, "WalletNotKeyOfIdentity")
          .withArgs(wallet.address, wallet.address);
      });

      it("should refuse claim data not of the suite's format (MalformedData)", async function () {
        const [wallet] = f.wallets;
        const { identity } = await claimedIdentity(f, wallet, { data: "0x0042" });
        await expect(register(wallet.address, identity))
          .to.be.revertedWithCustomError(f.claims, "ClaimRefused")
          .withArgs(
            await identity.getAddress(),
            KYC_TOPIC,
            await f.trustedIssuer.getAddress(),
            CLAIM.MalformedData,
          );
      });

      it("should refuse a claim without a country (MalformedData)", async function () {
        const [wallet] = f.wallets;
        const { identity } = await claimedIdentity(f, wallet, { country: 0 });
        await expect(register(wallet.address, identity))
          .to.be.revertedWithCustomError(f.claims, "ClaimRefused")
          .withArgs(
            await identity.getAddress(),
            KYC_TOPIC,
            await f.trustedIssuer.getAddress(),
            CLAIM.MalformedData,
          );
      });

      it("issue 16 finding 4: should refuse a claim granting the PROTOCOL class (a source never writes it)", async function () {
        const [wallet] = f.wallets;
        const { identity } = await claimedIdentity(f, wallet, {
          classes: CLASSES.ACCREDITED | CLASSES.PROTOCOL,
        });
        await expect(register(wallet.address, identity))
          .to.be.revertedWithCustomError(f.claims, "ClaimRefused")
          .withArgs(
            await identity.getAddress(),
            KYC_TOPIC,
            await f.trustedIssuer.getAddress(),
            CLAIM.MalformedData,
          );
        await expectNothingWritten(wallet.address);
      });

      it("should refuse when the fund requires no topic (NoClaimTopics)", async function () {
        const [wallet] = f.wallets;
        const { identity } = await claimedIdentity(f, wallet);
        await f.claims.connect(f.issuer).setClaimTopics([]);
        await expect(register(wallet.address, identity)).to.be.revertedWithCustomError(
          f.claims,
          "NoClaimTopics",
        );
      });

      it("should refuse a wallet already registered under another identity (WalletAlreadyRegistered)", async function () {
        const [wallet] = f.wallets;
        const other = ethers.Wallet.createRandom().address;
        const expiry = BigInt((await time.latest()) + 100 * DAY);
        await f.registry
          .connect(f.complianceOfficer)
          .registerInvestor(wallet.address, other, COUNTRY.FRANCE, CLASSES.ACCREDITED, expiry);
        const { identity } = await claimedIdentity(f, wallet);
        const before = await recordsOf(f.registry, [wallet.address]);
        await expect(register(wallet.address, identity))
          .to.be.revertedWithCustomError(f.registry, "WalletAlreadyRegistered")
          .withArgs(wallet.address, other);
        expect(await recordsOf(f.registry, [wallet.address])).to.deep.equal(before);
      });

      it("should refuse a wallet already registered by the other source under its own identity", async function () {
        const [wallet] = f.wallets;
        await f.attestations.registerFromAttestation(wallet.address, [
          await recordAttestation(f, wallet.address),
        ]);
        const { identity } = await claimedIdentity(f, wallet);
        await expect(register(wallet.address, identity))
          .to.be.revertedWithCustomError(f.registry, "WalletAlreadyRegistered")
          .withArgs(wallet.address, wallet.address);
      });
    });

    describe("when the compliance officer attested the wallet for the same identity", function () {
      async function officerRecord() {
        const [wallet] = f.wallets;
        const { identity } = await claimedIdentity(f, wallet);
        const id = await identity.getAddress();
        const expiry = BigInt((await time.latest()) + 100 * DAY);
        await f.registry
          .connect(f.complianceOfficer)
          .registerInvestor(wallet.address, id, COUNTRY.SINGAPORE, CLASSES.INSTITUTIONAL, expiry);
        return { wallet, identity, id };
      }

      it("should let the officer's record win (RecordHeldByOfficer) under the default policy", async function () {
        const { wallet, identity } = await officerRecord();
        const before = await recordsOf(f.registry, [wallet.address]);
        await expect(register(wallet.address, identity))
          .to.be.revertedWithCustomError(f.registrySources, "RecordHeldByOfficer")
          .withArgs(wallet.address);
        expect(await recordsOf(f.registry, [wallet.address])).to.deep.equal(before);
      });

      it("should let the source replace it when the issuer's policy says so, and the record then names the source", async function () {
        const { wallet, identity } = await officerRecord();
        await f.registrySources.connect(f.issuer).setSourcePolicy(1);
        await register(wallet.address, identity);
        expect(sourceOf(await f.registrySources.storedRecord(wallet.address))).to.equal(ONCHAINID_ID);
        expect(await f.registry.investorCountry(wallet.address)).to.equal(COUNTRY.UNITED_STATES);
      });

      it("should never let a source replace a record the officer revoked, whatever the policy", async function () {
        const { wallet, identity, id } = await officerRecord();
        await f.registrySources.connect(f.issuer).setSourcePolicy(1);
        await f.registry.connect(f.complianceOfficer).setRevoked(id, [wallet.address], true);
        await expect(register(wallet.address, identity))
          .to.be.revertedWithCustomError(f.registrySources, "RecordHeldByOfficer")
          .withArgs(wallet.address);
      });
    });
  });

  describe("refresh", function () {
    async function registered() {
      const [wallet] = f.wallets;
      const claim = await claimedIdentity(f, wallet);
      await register(wallet.address, claim.identity);
      return { wallet, ...claim, id: await claim.identity.getAddress() };
    }

    describe("when the claim was revoked at its issuer", function () {
      it("should revoke the record (provenance kept) and report the failure; anyone may call it", async function () {
        const { wallet, id, signature } = await registered();
        await (
          await (f.trustedIssuer.connect(f.kycKey) as Contract).revokeClaimBySignature(signature)
        ).wait();
        // The window: the registry still says verified until someone refreshes.
        expect(await f.registry.isVerified(wallet.address)).to.equal(true);
        const before = await f.registrySources.storedRecord(wallet.address);
        await expect(f.claims.connect(f.outsider).refresh(wallet.address))
          .to.emit(f.claims, "Refreshed")
          .withArgs(wallet.address, id, false, CLAIM.Revoked)
          .and.to.emit(f.registry, "InvestorRecordChanged")
          .withArgs(wallet.address, before, before | REVOKED_BIT);
        expect(await f.registry.isVerified(wallet.address)).to.equal(false);
        expect(await f.registry.isRevoked(wallet.address)).to.equal(true);
        expect(sourceOf(await f.registrySources.storedRecord(wallet.address))).to.equal(ONCHAINID_ID);
      });

      it("should reinstate the record once the identity holds a new valid claim", async function () {
        const { wallet, identity, signature } = await registered();
        await (
          await (f.trustedIssuer.connect(f.kycKey) as Contract).revokeClaimBySignature(signature)
        ).wait();
        await f.claims.refresh(wallet.address);
        await issueClaim({
          identity,
          holder: wallet,
          issuer: await f.trustedIssuer.getAddress(),
          issuerKey: f.kycKey,
          topic: KYC_TOPIC,
          data: encodeClaimData({
            chainId: f.chainId,
            country: COUNTRY.UNITED_KINGDOM,
            classes: CLASSES.ACCREDITED,
            validUntil: 1n << 40n,
          }),
        });
        await expect(f.claims.refresh(wallet.address))
          .to.emit(f.claims, "Refreshed")
          .withArgs(wallet.address, await identity.getAddress(), true, 0);
        expect(await f.registry.isVerified(wallet.address)).to.equal(true);
        expect(await f.registry.investorCountry(wallet.address)).to.equal(COUNTRY.UNITED_KINGDOM);
      });
    });

    it("should revoke the record once the claim expired", async function () {
      const [wallet] = f.wallets;
      const until = (await time.latest()) + 10 * DAY;
      const { identity } = await claimedIdentity(f, wallet, { validUntil: until });
      await register(wallet.address, identity);
      await time.increaseTo(until);
      await expect(f.claims.refresh(wallet.address))
        .to.emit(f.claims, "Refreshed")
        .withArgs(wallet.address, await identity.getAddress(), false, CLAIM.Expired);
      expect(await f.registry.isRevoked(wallet.address)).to.equal(true);
    });

    it("should revoke the record when the issuer is no longer trusted", async function () {
      const { wallet, id } = await registered();
      await f.claims.connect(f.issuer).setTrustedIssuer(await f.trustedIssuer.getAddress(), []);
      await expect(f.claims.refresh(wallet.address))
        .to.emit(f.claims, "Refreshed")
        .withArgs(wallet.address, id, false, CLAIM.UntrustedIssuer);
    });

    it("should revoke the record when the wallet's key was removed from the identity", async function () {
      const { wallet, identity, id } = await registered();
      const [, other] = f.wallets;
      const otherKey = ethers.keccak256(
        ethers.AbiCoder.defaultAbiCoder().encode(["address"], [other.address]),
      );
      const walletKey = ethers.keccak256(
        ethers.AbiCoder.defaultAbiCoder().encode(["address"], [wallet.address]),
      );
      await (await (identity.connect(wallet) as Contract).addKey(otherKey, 1, 1)).wait();
      await (await (identity.connect(other) as Contract).removeKey(walletKey, 1)).wait();
      await expect(f.claims.refresh(wallet.address))
        .to.emit(f.claims, "Refreshed")
        .withArgs(wallet.address, id, false, CLAIM.WalletNotKey);
    });

    it("should extend the record when the claim is still valid", async function () {
      const { wallet, id } = await registered();
      await time.increase(100 * DAY);
      const expiry = await cappedExpiry();
      await expect(f.claims.refresh(wallet.address))
        .to.emit(f.claims, "Refreshed")
        .withArgs(wallet.address, id, true, 0);
      expect(await f.registry.kycExpiry(wallet.address)).to.equal(expiry);
    });

    it("should revoke the record of a hostile identity that reverts or burns the evaluation's gas budget", async function () {
      const [wallet] = f.wallets;
      const { signature, data } = await claimedIdentity(f, f.wallets[1]);
      // A hostile identity whose claim verifies: it replays nothing, it is registered honestly first.
      const hostile = await ethers.deployContract("MockClaimHolder");
      await hostile.setKey(wallet.address, true);
      const sig = await signClaim(f.kycKey, await hostile.getAddress(), KYC_TOPIC, data);
      await hostile.storeClaim(KYC_TOPIC, await f.trustedIssuer.getAddress(), sig, data);
      await register(wallet.address, await hostile.getAddress());
      expect(signature).to.not.equal(sig);
      for (const mode of [1, 2]) {
        // 1: reverts on every read; 2: burns the gas it is given. Either way the identity answers nothing and the
        // evaluation, inside its own budget, reports the wallet as no key of it.
        await hostile.setMode(0);
        await f.claims.refresh(wallet.address);
        expect(await f.registry.isVerified(wallet.address)).to.equal(true);
        await hostile.setMode(mode);
        await expect(f.claims.refresh(wallet.address, { gasLimit: 3_000_000 }))
          .to.emit(f.claims, "Refreshed")
          .withArgs(wallet.address, await hostile.getAddress(), false, CLAIM.WalletNotKey);
        expect(await f.registry.isRevoked(wallet.address)).to.equal(true);
      }
    });

    it("should refuse a caller leaving less gas than the evaluation's budget (a valid record cannot be revoked by starving it)", async function () {
      const { wallet } = await registered();
      await expect(f.claims.refresh(wallet.address, { gasLimit: 600_000 })).to.be.revertedWithCustomError(
        f.claims,
        "InsufficientGasForEvaluation",
      );
      expect(await f.registry.isVerified(wallet.address)).to.equal(true);
    });

    it("should refuse a wallet whose record another source or the officer wrote (RecordNotFromThisSource)", async function () {
      const [wallet] = f.wallets;
      const expiry = BigInt((await time.latest()) + 100 * DAY);
      await f.registry
        .connect(f.complianceOfficer)
        .registerInvestor(wallet.address, wallet.address, COUNTRY.FRANCE, CLASSES.ACCREDITED, expiry);
      await expect(f.claims.refresh(wallet.address))
        .to.be.revertedWithCustomError(f.claims, "RecordNotFromThisSource")
        .withArgs(wallet.address, ethers.ZeroAddress);
      await expect(f.claims.refresh(f.wallets[1].address))
        .to.be.revertedWithCustomError(f.claims, "RecordNotFromThisSource")
        .withArgs(f.wallets[1].address, ethers.ZeroAddress);
    });

    it("should leave the record to the officer once the officer revoked it (the officer's write takes the record over)", async function () {
      const { wallet, id } = await registered();
      await f.registry.connect(f.complianceOfficer).setRevoked(id, [wallet.address], true);
      expect(sourceOf(await f.registrySources.storedRecord(wallet.address))).to.equal(0);
      await expect(f.claims.refresh(wallet.address))
        .to.be.revertedWithCustomError(f.claims, "RecordNotFromThisSource")
        .withArgs(wallet.address, ethers.ZeroAddress);
    });
  });

  describe("setClaimTopics", function () {
    it("should replace the topics and emit the old and new lists", async function () {
      await expect(f.claims.connect(f.issuer).setClaimTopics([2n, 3n]))
        .to.emit(f.claims, "ClaimTopicsChanged")
        .withArgs([KYC_TOPIC], [2n, 3n]);
      expect(await f.claims.claimTopics()).to.deep.equal([2n, 3n]);
    });

    it("should refuse more than MAX_CLAIM_TOPICS or a duplicate, changing nothing", async function () {
      await expect(f.claims.connect(f.issuer).setClaimTopics([1n, 2n, 3n, 4n, 5n]))
        .to.be.revertedWithCustomError(f.claims, "InvalidClaimTopics")
        .withArgs([1n, 2n, 3n, 4n, 5n]);
      await expect(f.claims.connect(f.issuer).setClaimTopics([1n, 1n]))
        .to.be.revertedWithCustomError(f.claims, "InvalidClaimTopics")
        .withArgs([1n, 1n]);
      expect(await f.claims.claimTopics()).to.deep.equal([KYC_TOPIC]);
    });

    it("should refuse anyone but the issuer", async function () {
      await expect(f.claims.connect(f.outsider).setClaimTopics([2n]))
        .to.be.revertedWithCustomError(f.claims, "AccessManagedUnauthorized")
        .withArgs(f.outsider.address);
    });
  });

  describe("setTrustedIssuer", function () {
    it("should trust, re-scope and remove an issuer, emitting old and new topics", async function () {
      const issuerAddress = await f.untrustedIssuer.getAddress();
      await expect(f.claims.connect(f.issuer).setTrustedIssuer(issuerAddress, [KYC_TOPIC]))
        .to.emit(f.claims, "TrustedIssuerChanged")
        .withArgs(issuerAddress, [], [KYC_TOPIC]);
      expect(await f.claims.trustedIssuers()).to.deep.equal([
        await f.trustedIssuer.getAddress(),
        issuerAddress,
      ]);
      await expect(f.claims.connect(f.issuer).setTrustedIssuer(issuerAddress, [OTHER_TOPIC]))
        .to.emit(f.claims, "TrustedIssuerChanged")
        .withArgs(issuerAddress, [KYC_TOPIC], [OTHER_TOPIC]);
      await expect(f.claims.connect(f.issuer).setTrustedIssuer(issuerAddress, []))
        .to.emit(f.claims, "TrustedIssuerChanged")
        .withArgs(issuerAddress, [OTHER_TOPIC], []);
      expect(await f.claims.trustedIssuers()).to.deep.equal([await f.trustedIssuer.getAddress()]);
      expect(await f.claims.issuerTopics(issuerAddress)).to.deep.equal([]);
    });

    it("should refuse an issuer without code, removing an issuer not trusted, and a ninth issuer", async function () {
      await expect(f.claims.connect(f.issuer).setTrustedIssuer(f.outsider.address, [KYC_TOPIC]))
        .to.be.revertedWithCustomError(f.claims, "InvalidIssuer")
        .withArgs(f.outsider.address);
      const issuerAddress = await f.untrustedIssuer.getAddress();
      await expect(f.claims.connect(f.issuer).setTrustedIssuer(issuerAddress, []))
        .to.be.revertedWithCustomError(f.claims, "IssuerNotTrusted")
        .withArgs(issuerAddress);
      for (let i = 0; i < 7; i++) {
        const ci = await deployClaimIssuer(f.admin, f.admin.address);
        await f.claims.connect(f.issuer).setTrustedIssuer(await ci.getAddress(), [KYC_TOPIC]);
      }
      await expect(f.claims.connect(f.issuer).setTrustedIssuer(issuerAddress, [KYC_TOPIC]))
        .to.be.revertedWithCustomError(f.claims, "TooManyTrustedIssuers")
        .withArgs(8);
    });
  });

  describe("setMaxRecordValidity", function () {
    it("should set the validity with old and new values, refusing 0 and more than five years", async function () {
      await expect(f.claims.connect(f.issuer).setMaxRecordValidity(30 * DAY))
        .to.emit(f.claims, "MaxRecordValidityChanged")
        .withArgs(RECORD_VALIDITY, 30 * DAY);
      await expect(f.claims.connect(f.issuer).setMaxRecordValidity(0))
        .to.be.revertedWithCustomError(f.claims, "InvalidMaxRecordValidity")
        .withArgs(0);
      await expect(f.claims.connect(f.issuer).setMaxRecordValidity(5 * 365 * DAY + 1))
        .to.be.revertedWithCustomError(f.claims, "InvalidMaxRecordValidity")
        .withArgs(5 * 365 * DAY + 1);
      expect(await f.claims.maxRecordValidity()).to.equal(30 * DAY);
    });
  });

  describe("initialize", function () {
    it("should refuse a registry without code", async function () {
      await expect(
        upgrades.deployProxy(
          await ethers.getContractFactory("OnchainIdSource"),
          [await f.manager.getAddress(), f.outsider.address, RECORD_VALIDITY],
          { kind: "uups" },
        ),
      )
        .to.be.revertedWithCustomError(f.claims, "InvalidRegistry")
        .withArgs(f.outsider.address);
    });
  });
});
