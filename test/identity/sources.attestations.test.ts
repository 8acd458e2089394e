/**
 * Specification of the EAS attestation source (docs/IDENTITY.md): AttestationSource with EAS deployed from its
 * package's bytecode, and the registry it writes to.
 */
import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  ATTESTATION,
  CLASSES,
  COUNTRY,
  EAS_ID,
  cappedExpiry,
  recordAttestation,
  sourceOf,
  sourcesFixture,
  withSource,
  type SourcesFixture,
} from "./sources.fixtures";
import { packRecord, recordsOf } from "./fixtures";
import {
  SCHEMA_KIND,
  alpha2Key,
  attest,
  encodeCountryAttestation,
  encodeFlagAttestation,
  registerSchema,
  revokeAttestation,
} from "../../lib/identity-sources";

const DAY = 86_400;

describe("AttestationSource", function () {
  let f: SourcesFixture;

  beforeEach(async function () {
    f = await loadFixture(sourcesFixture);
  });

  /** Requires Coinbase Verification's two schemas (account flag granting ACCREDITED, then the country code). */
  async function coinbaseStyle() {
    await f.attestations.connect(f.issuer).setSchemaRules([
      { schema: f.accountSchema, kind: SCHEMA_KIND.Flag, classes: CLASSES.ACCREDITED },
      { schema: f.countrySchema, kind: SCHEMA_KIND.CountryCode, classes: 0 },
    ]);
    await f.attestations.connect(f.issuer).setTrustedAttester(f.accountSchema, f.attester.address, true);
    await f.attestations.connect(f.issuer).setTrustedAttester(f.countrySchema, f.attester.address, true);
  }

  describe("registerFromAttestation", function () {
    describe("when the attestations verify", function () {
      it("should write the record the suite's schema attests, identity the wallet itself, provenance the source's id", async function () {
        const [wallet] = f.wallets;
        const uid = await recordAttestation(f, wallet.address, {
          country: COUNTRY.UNITED_KINGDOM,
          classes: CLASSES.INSTITUTIONAL,
        });
        const expiry = await cappedExpiry();
        await expect(f.attestations.connect(f.outsider).registerFromAttestation(wallet.address, [uid]))
          .to.emit(f.attestations, "VerifiedFromAttestations")
          .withArgs(wallet.address, [uid], COUNTRY.UNITED_KINGDOM, CLASSES.INSTITUTIONAL, expiry)
          .and.to.emit(f.registry, "IdentityRegistered")
          .withArgs(wallet.address, wallet.address);
        expect(await f.registrySources.storedRecord(wallet.address)).to.equal(
          withSource(
            packRecord({
              identity: wallet.address,
              country: COUNTRY.UNITED_KINGDOM,
              classes: CLASSES.INSTITUTIONAL,
              kycExpiry: expiry,
              revoked: false,
            }),
            EAS_ID,
          ),
        );
        expect(await f.attestations.evidenceOf(wallet.address)).to.deep.equal([uid]);
      });

      it("should map Coinbase Verification-style attestations: the account flag's classes and the alpha-2 country", async function () {
        await coinbaseStyle();
        const [wallet] = f.wallets;
        const account = await attest(f.eas, f.attester, {
          schema: f.accountSchema,
          recipient: wallet.address,
          data: encodeFlagAttestation(true),
        });
        const until = BigInt((await time.latest()) + 40 * DAY);
        const country = await attest(f.eas, f.attester, {
          schema: f.countrySchema,
          recipient: wallet.address,
          data: encodeCountryAttestation("US"),
          expirationTime: until,
        });
        await f.attestations.registerFromAttestation(wallet.address, [account, country]);
        expect(await f.registry.investorCountry(wallet.address)).to.equal(COUNTRY.UNITED_STATES);
        expect(await f.registry.investorClasses(wallet.address)).to.equal(CLASSES.ACCREDITED);
        // The attestation's own expiry, earlier than the cap, is the record's.
        expect(await f.registry.kycExpiry(wallet.address)).to.equal(until);
      });

      it("should take the last registration's attestations as the evidence, whoever presents them (an attester revokes what it supersedes)", async function () {
        const [wallet] = f.wallets;
        const older = await recordAttestation(f, wallet.address, { country: COUNTRY.UNITED_KINGDOM });
        const newer = await recordAttestation(f, wallet.address, { country: COUNTRY.SINGAPORE });
        await f.attestations.connect(wallet).registerFromAttestation(wallet.address, [newer]);
        // Both attestations are valid: anyone may present the older one, and the record follows it.
        await f.attestations.connect(f.outsider).registerFromAttestation(wallet.address, [older]);
        expect(await f.registry.investorCountry(wallet.address)).to.equal(COUNTRY.UNITED_KINGDOM);
        expect(await f.attestations.evidenceOf(wallet.address)).to.deep.equal([older]);
        // Once the attester revokes the superseded attestation, it no longer verifies.
        await revokeAttestation(f.eas, f.attester, f.recordSchema, older);
        await expect(f.attestations.connect(f.outsider).registerFromAttestation(wallet.address, [older]))
          .to.be.revertedWithCustomError(f.attestations, "AttestationRefused")
          .withArgs(older, ATTESTATION.Revoked);
        await f.attestations.connect(f.outsider).refresh(wallet.address);
        expect(await f.registry.isVerified(wallet.address)).to.equal(false);
        await f.attestations.connect(wallet).registerFromAttestation(wallet.address, [newer]);
        expect(await f.registry.isVerified(wallet.address)).to.equal(true);
        expect(await f.registry.investorCountry(wallet.address)).to.equal(COUNTRY.SINGAPORE);
      });
    });

    describe("when a check fails, it should refuse with a named error and write nothing", function () {
      async function refused(wallet: string, uids: string[], uid: string, status: number) {
        await expect(f.attestations.registerFromAttestation(wallet, uids))
          .to.be.revertedWithCustomError(f.attestations, "AttestationRefused")
          .withArgs(uid, status);
        expect(await recordsOf(f.registry, [wallet])).to.deep.equal([0n]);
      }

      it("should refuse a revoked attestation (Revoked)", async function () {
        const [wallet] = f.wallets;
        const uid = await recordAttestation(f, wallet.address);
        await revokeAttestation(f.eas, f.attester, f.recordSchema, uid);
        await refused(wallet.address, [uid], uid, ATTESTATION.Revoked);
      });

      it("should refuse an expired attestation (Expired)", async function () {
        const [wallet] = f.wallets;
        // An hour ahead, not seconds: the set-up's transactions are mined at the wall clock's pace.
        const until = (await time.latest()) + 3600;
        const uid = await recordAttestation(f, wallet.address, { expirationTime: until });
        await time.increaseTo(until);
        await refused(wallet.address, [uid], uid, ATTESTATION.Expired);
      });

      it("should refuse an attestation of another schema (WrongSchema)", async function () {
        const [wallet] = f.wallets;
        const uid = await attest(f.eas, f.attester, {
          schema: f.accountSchema,
          recipient: wallet.address,
          data: encodeFlagAttestation(true),
        });
        await refused(wallet.address, [uid], uid, ATTESTATION.WrongSchema);
      });

      it("should refuse an attestation by an attester not trusted for the schema (UntrustedAttester)", async function () {
        const [wallet] = f.wallets;
        const uid = await recordAttestation(f, wallet.address, { attester: f.otherAttester });
        await refused(wallet.address, [uid], uid, ATTESTATION.UntrustedAttester);
      });

      it("should refuse another wallet's attestation (NotForWallet)", async function () {
        const [wallet, other] = f.wallets;
        const uid = await recordAttestation(f, other.address);
        await refused(wallet.address, [uid], uid, ATTESTATION.NotForWallet);
      });

      it("should refuse an unknown uid (NotFound)", async function () {
        const [wallet] = f.wallets;
        const uid = ethers.id("no such attestation");
        await refused(wallet.address, [uid], uid, ATTESTATION.NotFound);
      });

      it("should refuse malformed data, a zero country or the PROTOCOL class (MalformedData; issue 16 finding 4)", async function () {
        const [wallet] = f.wallets;
        const protocol = await recordAttestation(f, wallet.address, { classes: CLASSES.PROTOCOL });
        await refused(wallet.address, [protocol], protocol, ATTESTATION.MalformedData);
        const noCountry = await recordAttestation(f, wallet.address, { country: 0 });
        await refused(wallet.address, [noCountry], noCountry, ATTESTATION.MalformedData);
        await coinbaseStyle();
        const falseFlag = await attest(f.eas, f.attester, {
          schema: f.accountSchema,
          recipient: wallet.address,
          data: encodeFlagAttestation(false),
        });
        const us = await attest(f.eas, f.attester, {
          schema: f.countrySchema,
          recipient: wallet.address,
          data: encodeCountryAttestation("US"),
        });
        await refused(wallet.address, [falseFlag, us], falseFlag, ATTESTATION.MalformedData);
      });

      it("should refuse a country code the issuer did not map (CountryNotMapped)", async function () {
        await coinbaseStyle();
        const [wallet] = f.wallets;
        const account = await attest(f.eas, f.attester, {
          schema: f.accountSchema,
          recipient: wallet.address,
          data: encodeFlagAttestation(true),
        });
        const fr = await attest(f.eas, f.attester, {
          schema: f.countrySchema,
          recipient: wallet.address,
          data: encodeCountryAttestation("FR"),
        });
        await refused(wallet.address, [account, fr], fr, ATTESTATION.CountryNotMapped);
      });

      it("should refuse a number of uids other than the number of required schemas", async function () {
        const [wallet] = f.wallets;
        const uid = await recordAttestation(f, wallet.address);
        await expect(f.attestations.registerFromAttestation(wallet.address, [uid, uid]))
          .to.be.revertedWithCustomError(f.attestations, "AttestationCountMismatch")
          .withArgs(1, 2);
      });

      it("should refuse when the fund requires no schema (NoSchemas)", async function () {
        const [wallet] = f.wallets;
        const uid = await recordAttestation(f, wallet.address);
        await f.attestations.connect(f.issuer).setSchemaRules([]);
        await expect(
          f.attestations.registerFromAttestation(wallet.address, [uid]),
        ).to.be.revertedWithCustomError(f.attestations, "NoSchemas");
      });

      it("should refuse a wallet already registered under another identity (WalletAlreadyRegistered)", async function () {
        const [wallet] = f.wallets;
        const other = ethers.Wallet.createRandom().address;
        await f.registry
          .connect(f.complianceOfficer)
          .registerInvestor(
            wallet.address,
            other,
            COUNTRY.FRANCE,
            CLASSES.ACCREDITED,
            BigInt((await time.latest()) + 100 * DAY),
          );
        const uid = await recordAttestation(f, wallet.address);
        await expect(f.attestations.registerFromAttestation(wallet.address, [uid]))
          .to.be.revertedWithCustomError(f.registry, "WalletAlreadyRegistered")
          .withArgs(wallet.address, other);
      });
    });
  });

  describe("refresh", function () {
    async function registered() {
      const [wallet] = f.wallets;
      const uid = await recordAttestation(f, wallet.address);
      await f.attestations.registerFromAttestation(wallet.address, [uid]);
      return { wallet, uid };
    }

    it("should revoke the record once the attestation is revoked, keeping the provenance", async function () {
      const { wallet, uid } = await registered();
      await revokeAttestation(f.eas, f.attester, f.recordSchema, uid);
      expect(await f.registry.isVerified(wallet.address)).to.equal(true);
      await expect(f.attestations.connect(f.outsider).refresh(wallet.address))
        .to.emit(f.attestations, "Refreshed")
        .withArgs(wallet.address, wallet.address, false, ATTESTATION.Revoked);
      expect(await f.registry.isVerified(wallet.address)).to.equal(false);
      expect(sourceOf(await f.registrySources.storedRecord(wallet.address))).to.equal(EAS_ID);
    });

    it("should revoke the record once the attestation expired", async function () {
      const [wallet] = f.wallets;
      const until = (await time.latest()) + 5 * DAY;
      const uid = await recordAttestation(f, wallet.address, { expirationTime: until });
      await f.attestations.registerFromAttestation(wallet.address, [uid]);
      await time.increaseTo(until);
      await expect(f.attestations.refresh(wallet.address))
        .to.emit(f.attestations, "Refreshed")
        .withArgs(wallet.address, wallet.address, false, ATTESTATION.Expired);
    });

    it("should revoke the record when the attester is no longer trusted or the schemas changed", async function () {
      const { wallet } = await registered();
      await f.attestations.connect(f.issuer).setTrustedAttester(f.recordSchema, f.attester.address, false);
      await expect(f.attestations.refresh(wallet.address))
        .to.emit(f.attestations, "Refreshed")
        .withArgs(wallet.address, wallet.address, false, ATTESTATION.UntrustedAttester);
      await f.attestations.connect(f.issuer).setTrustedAttester(f.recordSchema, f.attester.address, true);
      await coinbaseStyle();
      await expect(f.attestations.refresh(wallet.address))
        .to.emit(f.attestations, "Refreshed")
        .withArgs(wallet.address, wallet.address, false, ATTESTATION.EvidenceMismatch);
    });

    it("should re-register with a new attestation after a revocation", async function () {
      const { wallet, uid } = await registered();
      await revokeAttestation(f.eas, f.attester, f.recordSchema, uid);
      await f.attestations.refresh(wallet.address);
      const fresh = await recordAttestation(f, wallet.address, { country: COUNTRY.SINGAPORE });
      await f.attestations.registerFromAttestation(wallet.address, [fresh]);
      expect(await f.registry.isVerified(wallet.address)).to.equal(true);
      expect(await f.registry.investorCountry(wallet.address)).to.equal(COUNTRY.SINGAPORE);
      expect(await f.attestations.evidenceOf(wallet.address)).to.deep.equal([fresh]);
    });

    it("should refuse a record the other source wrote", async function () {
      const { wallet } = await registered();
      await expect(f.claims.refresh(wallet.address))
        .to.be.revertedWithCustomError(f.claims, "RecordNotFromThisSource")
        .withArgs(wallet.address, await f.attestations.getAddress());
    });
  });

  describe("setSchemaRules", function () {
    it("should replace the rules, emitting the old and new ones", async function () {
      const rules = [{ schema: f.countrySchema, kind: SCHEMA_KIND.CountryCode, classes: 0 }];
      await expect(f.attestations.connect(f.issuer).setSchemaRules(rules))
        .to.emit(f.attestations, "SchemaRulesChanged")
        .withArgs([[f.recordSchema, SCHEMA_KIND.Record, 0]], [[f.countrySchema, SCHEMA_KIND.CountryCode, 0]]);
      expect(await f.attestations.schemaRules()).to.deep.equal([
        [f.countrySchema, BigInt(SCHEMA_KIND.CountryCode), 0n],
      ]);
    });

    it("should refuse an unknown schema, a duplicate, no kind, the PROTOCOL class, no country-bearing schema, or five rules", async function () {
      const unknown = ethers.id("unregistered schema");
      const cases: [{ schema: string; kind: number; classes: number }[], string][] = [
        [[{ schema: unknown, kind: SCHEMA_KIND.Record, classes: 0 }], unknown],
        [
          [
            { schema: f.recordSchema, kind: SCHEMA_KIND.Record, classes: 0 },
            { schema: f.recordSchema, kind: SCHEMA_KIND.Record, classes: 0 },
          ],
          f.recordSchema,
        ],
        [[{ schema: f.recordSchema, kind: 0, classes: 0 }], f.recordSchema],
        [[{ schema: f.accountSchema, kind: SCHEMA_KIND.Flag, classes: CLASSES.PROTOCOL }], f.accountSchema],
        [[{ schema: f.accountSchema, kind: SCHEMA_KIND.Flag, classes: CLASSES.ACCREDITED }], f.accountSchema],
      ];
      for (const [rules, schema] of cases) {
        await expect(f.attestations.connect(f.issuer).setSchemaRules(rules))
          .to.be.revertedWithCustomError(f.attestations, "InvalidSchemaRule")
          .withArgs(schema);
      }
      const extra = await registerSchema(f.schemaRegistry, "uint8 five");
      const five = [f.recordSchema, f.accountSchema, f.countrySchema, extra, ethers.id("x")].map(
        (schema) => ({
          schema,
          kind: SCHEMA_KIND.Record,
          classes: 0,
        }),
      );
      await expect(f.attestations.connect(f.issuer).setSchemaRules(five))
        .to.be.revertedWithCustomError(f.attestations, "InvalidSchemaRule")
        .withArgs(f.recordSchema);
      expect(await f.attestations.schemaRules()).to.deep.equal([
        [f.recordSchema, BigInt(SCHEMA_KIND.Record), 0n],
      ]);
    });

    it("should refuse anyone but the issuer", async function () {
      await expect(f.attestations.connect(f.outsider).setSchemaRules([]))
        .to.be.revertedWithCustomError(f.attestations, "AccessManagedUnauthorized")
        .withArgs(f.outsider.address);
    });
  });

  describe("setTrustedAttester", function () {
    it("should set the trust with its old and new values, refusing the zero address", async function () {
      await expect(
        f.attestations.connect(f.issuer).setTrustedAttester(f.recordSchema, f.otherAttester.address, true),
      )
        .to.emit(f.attestations, "TrustedAttesterChanged")
        .withArgs(f.recordSchema, f.otherAttester.address, false, true);
      expect(await f.attestations.isTrustedAttester(f.recordSchema, f.otherAttester.address)).to.equal(true);
      await expect(
        f.attestations.connect(f.issuer).setTrustedAttester(f.recordSchema, ethers.ZeroAddress, true),
      )
        .to.be.revertedWithCustomError(f.attestations, "InvalidAttester")
        .withArgs(ethers.ZeroAddress);
    });
  });

  describe("setCountryCodes", function () {
    it("should map and unmap codes with old and new values, refusing a code above 999 or lists of unequal length", async function () {
      await expect(f.attestations.connect(f.issuer).setCountryCodes([alpha2Key("FR")], [250]))
        .to.emit(f.attestations, "CountryCodeChanged")
        .withArgs(alpha2Key("FR"), 0, 250);
      expect(await f.attestations.countryCode(alpha2Key("FR"))).to.equal(250);
      await expect(f.attestations.connect(f.issuer).setCountryCodes([alpha2Key("FR")], [0]))
        .to.emit(f.attestations, "CountryCodeChanged")
        .withArgs(alpha2Key("FR"), 250, 0);
      await expect(
        f.attestations.connect(f.issuer).setCountryCodes([alpha2Key("FR")], [1000]),
      ).to.be.revertedWithCustomError(f.attestations, "InvalidCountryCodes");
      await expect(
        f.attestations.connect(f.issuer).setCountryCodes([alpha2Key("FR")], [250, 251]),
      ).to.be.revertedWithCustomError(f.attestations, "InvalidCountryCodes");
      await expect(f.attestations.connect(f.issuer).setCountryCodes([], [])).to.be.revertedWithCustomError(
        f.attestations,
        "InvalidCountryCodes",
      );
      expect(await f.attestations.countryCode(alpha2Key("FR"))).to.equal(0);
    });
  });

  describe("initialize", function () {
    it("should refuse an EAS address without code", async function () {
      await expect(
        upgrades.deployProxy(
          await ethers.getContractFactory("AttestationSource"),
          [await f.manager.getAddress(), await f.registry.getAddress(), f.outsider.address, DAY],
          { kind: "uups" },
        ),
      )
        .to.be.revertedWithCustomError(f.attestations, "InvalidEas")
        .withArgs(f.outsider.address);
    });
  });
});
