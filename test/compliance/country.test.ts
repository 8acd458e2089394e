import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  COUNTRY,
  CLASS,
  DEPLOYED_RULES,
  IDS,
  OFAC_PRESET,
  R,
  RULES,
  castFixture,
  complianceAdmin,
  configure,
  expectConsistentAccounting,
  issue,
  labelled,
  register,
  tokens,
} from "./helpers";

const IRAN_ID = labelled("identity:iran");

/** The cast, Alice and Carol (Germany) holding 1,000 each, and Ivan registered in Iran (denied). */
async function denyListFixture() {
  const cast = await loadFixture(castFixture);
  const { fund, alice, carol, spare } = cast;
  const ivan = spare[0];
  await register(fund, [
    { wallet: ivan.address, identity: IRAN_ID, country: COUNTRY.IR, classes: CLASS.accredited },
  ]);
  await issue(fund, alice.address, tokens("1000"));
  await issue(fund, carol.address, tokens("1000"));
  return { ...cast, ivan };
}

/** The deny-list fixture switched to an allow-list of the US and the UK (Carol, in Germany, holds 1,000). */
async function allowListFixture() {
  const base = await loadFixture(denyListFixture);
  const { fund } = base;
  await configure(fund, "setCountriesListed", [OFAC_PRESET, false]);
  await configure(fund, "setCountriesListed", [[COUNTRY.US, COUNTRY.GB], true]);
  await configure(fund, "setCountryMode", [1]);
  return base;
}

describe("ModularCompliance: country rule", function () {
  describe("as deployed (deny-list with the OFAC preset)", function () {
    it("should list exactly the embargoed countries in deny mode", async function () {
      const { fund } = await loadFixture(castFixture);
      const { compliance } = fund.contracts;
      expect(await compliance.rules()).to.equal(DEPLOYED_RULES);
      for (const code of OFAC_PRESET) {
        const [mode, listed] = await compliance.countryListing(code);
        expect([mode, listed]).to.deep.equal([0n, true]);
      }
      for (const code of [COUNTRY.US, COUNTRY.GB, COUNTRY.DE, COUNTRY.SG, 1, 999]) {
        expect((await compliance.countryListing(code)).listed).to.equal(false);
      }
    });

    describe("when the recipient's country is listed", function () {
      it("should refuse an issuance with RECIPIENT_COUNTRY_RESTRICTED", async function () {
        const { fund, ivan } = await loadFixture(denyListFixture);
        await expect(issue(fund, ivan.address, tokens("10")))
          .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
          .withArgs(R.RECIPIENT_COUNTRY_RESTRICTED);
      });

      it("should refuse a transfer with RECIPIENT_COUNTRY_RESTRICTED", async function () {
        const { fund, alice, ivan } = await loadFixture(denyListFixture);
        await expect(fund.contracts.token.connect(alice).transfer(ivan.address, tokens("10")))
          .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
          .withArgs(R.RECIPIENT_COUNTRY_RESTRICTED);
      });
    });

    describe("when the sender's country becomes listed", function () {
      it("should refuse its transfers with SENDER_COUNTRY_RESTRICTED", async function () {
        const { fund, alice, carol } = await loadFixture(denyListFixture);
        const { token, registry, compliance } = fund.contracts;
        await fund.as("complianceOfficer").on(registry).updateCountry(carol.address, COUNTRY.CU);
        await expect(token.connect(carol).transfer(alice.address, tokens("10")))
          .to.be.revertedWithCustomError(compliance, "TransferRestricted")
          .withArgs(R.SENDER_COUNTRY_RESTRICTED);
      });

      it("should still let the transfer agent move its tokens out (forced transfer)", async function () {
        const { fund, alice, carol, wallets } = await loadFixture(denyListFixture);
        const { token, registry } = fund.contracts;
        await fund.as("complianceOfficer").on(registry).updateCountry(carol.address, COUNTRY.CU);
        await fund.as("transferAgent").on(token).forcedTransfer(carol.address, alice.address, tokens("1000"));
        expect(await token.balanceOf(carol.address)).to.equal(0n);
        await expectConsistentAccounting(fund, wallets);
      });
    });

    describe("when neither party's country is listed", function () {
      it("should allow transfers between the US, the UK, Germany and Singapore", async function () {
        const { fund, alice, bob, carol, dave, wallets } = await loadFixture(denyListFixture);
        const { token } = fund.contracts;
        await token.connect(alice).transfer(bob.address, tokens("10"));
        await token.connect(carol).transfer(dave.address, tokens("10"));
        expect(await token.balanceOf(bob.address)).to.equal(tokens("10"));
        expect(await token.balanceOf(dave.address)).to.equal(tokens("10"));
        await expectConsistentAccounting(fund, wallets);
      });
    });

    describe("when the rule is off", function () {
      it("should let a wallet of a listed country receive and send", async function () {
        const { fund, alice, ivan } = await loadFixture(denyListFixture);
        const { token, compliance } = fund.contracts;
        await expect(configure(fund, "setRules", [DEPLOYED_RULES & ~RULES.COUNTRY]))
          .to.emit(compliance, "RulesChanged")
          .withArgs(DEPLOYED_RULES, DEPLOYED_RULES & ~RULES.COUNTRY);
        await issue(fund, ivan.address, tokens("10"));
        await token.connect(ivan).transfer(alice.address, tokens("5"));
        expect(await token.balanceOf(ivan.address)).to.equal(tokens("5"));
      });
    });
  });

  describe("in allow-list mode (US and UK listed)", function () {
    it("should report the mode and the listing", async function () {
      const { fund } = await loadFixture(allowListFixture);
      const { compliance } = fund.contracts;
      expect(await compliance.countryListing(COUNTRY.US)).to.deep.equal([1n, true]);
      expect(await compliance.countryListing(COUNTRY.GB)).to.deep.equal([1n, true]);
      expect(await compliance.countryListing(COUNTRY.DE)).to.deep.equal([1n, false]);
      expect(await compliance.countryListing(COUNTRY.IR)).to.deep.equal([1n, false]);
    });

    it("should allow a transfer between two listed countries", async function () {
      const { fund, alice, bob } = await loadFixture(allowListFixture);
      await fund.contracts.token.connect(alice).transfer(bob.address, tokens("10"));
      expect(await fund.contracts.token.balanceOf(bob.address)).to.equal(tokens("10"));
    });

    it("should refuse a recipient of an unlisted country with RECIPIENT_COUNTRY_RESTRICTED", async function () {
      const { fund, alice, dave } = await loadFixture(allowListFixture);
      const { token, compliance } = fund.contracts;
      await expect(token.connect(alice).transfer(dave.address, tokens("10")))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_COUNTRY_RESTRICTED);
      await expect(issue(fund, dave.address, tokens("10")))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_COUNTRY_RESTRICTED);
    });

    it("should refuse a sender of an unlisted country with SENDER_COUNTRY_RESTRICTED", async function () {
      const { fund, alice, carol } = await loadFixture(allowListFixture);
      await expect(fund.contracts.token.connect(carol).transfer(alice.address, tokens("10")))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.SENDER_COUNTRY_RESTRICTED);
    });

    it("should refuse the formerly denied countries now that they are unlisted", async function () {
      const { fund, alice, ivan } = await loadFixture(allowListFixture);
      await expect(fund.contracts.token.connect(alice).transfer(ivan.address, tokens("10")))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_COUNTRY_RESTRICTED);
    });

    it("should check the sender before the recipient when both are unlisted", async function () {
      const { fund, carol, dave } = await loadFixture(allowListFixture);
      await expect(fund.contracts.token.connect(carol).transfer(dave.address, tokens("10")))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.SENDER_COUNTRY_RESTRICTED);
    });

    it("should admit a country once it is listed", async function () {
      const { fund, alice, dave } = await loadFixture(allowListFixture);
      await configure(fund, "setCountriesListed", [[COUNTRY.SG], true]);
      await fund.contracts.token.connect(alice).transfer(dave.address, tokens("10"));
      expect(await fund.contracts.token.balanceOf(dave.address)).to.equal(tokens("10"));
    });
  });

  describe("setCountryMode", function () {
    it("should switch modes and emit CountryModeChanged(old, new)", async function () {
      const { fund } = await loadFixture(castFixture);
      const { compliance } = fund.contracts;
      await expect(configure(fund, "setCountryMode", [1]))
        .to.emit(compliance, "CountryModeChanged")
        .withArgs(0, 1);
      await expect(configure(fund, "setCountryMode", [0]))
        .to.emit(compliance, "CountryModeChanged")
        .withArgs(1, 0);
      expect((await compliance.countryListing(COUNTRY.US)).mode).to.equal(0n);
    });

    it("should refuse an undefined mode with InvalidCountryMode", async function () {
      const { fund } = await loadFixture(castFixture);
      await expect(configure(fund, "setCountryMode", [2]))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "InvalidCountryMode")
        .withArgs(2);
    });

    it("should refuse a caller without the ISSUER role", async function () {
      const { fund, outsider } = await loadFixture(castFixture);
      const admin = complianceAdmin(fund);
      await expect(fund.contracts.compliance.connect(outsider).setCountryMode(1))
        .to.be.revertedWithCustomError(admin, "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });
  });

  describe("setCountriesListed", function () {
    it("should list and unlist the given countries and emit CountriesListed", async function () {
      const { fund } = await loadFixture(castFixture);
      const { compliance } = fund.contracts;
      // 1, 255, 256 and 999 sit at the edges of the bitmap words.
      const codes = [1, 255, 256, 511, 512, 999];
      await expect(configure(fund, "setCountriesListed", [codes, true]))
        .to.emit(compliance, "CountriesListed")
        .withArgs(codes, true);
      for (const code of codes) expect((await compliance.countryListing(code)).listed).to.equal(true);
      for (const code of [2, 254, 257, 510, 513, 998]) {
        expect((await compliance.countryListing(code)).listed).to.equal(false);
      }
      await expect(configure(fund, "setCountriesListed", [[255, 999], false]))
        .to.emit(compliance, "CountriesListed")
        .withArgs([255, 999], false);
      expect((await compliance.countryListing(255)).listed).to.equal(false);
      expect((await compliance.countryListing(999)).listed).to.equal(false);
      expect((await compliance.countryListing(256)).listed).to.equal(true);
      // The preset is untouched.
      expect((await compliance.countryListing(COUNTRY.IR)).listed).to.equal(true);
    });

    it("should refuse an empty list with EmptyList", async function () {
      const { fund } = await loadFixture(castFixture);
      await expect(configure(fund, "setCountriesListed", [[], true])).to.be.revertedWithCustomError(
        fund.contracts.compliance,
        "EmptyList",
      );
    });

    for (const code of [0, 1000, 65535]) {
      it(`should refuse country ${code} with InvalidCountry and list nothing`, async function () {
        const { fund } = await loadFixture(castFixture);
        const { compliance } = fund.contracts;
        await expect(configure(fund, "setCountriesListed", [[COUNTRY.DE, code], true]))
          .to.be.revertedWithCustomError(compliance, "InvalidCountry")
          .withArgs(code);
        expect((await compliance.countryListing(COUNTRY.DE)).listed).to.equal(false);
      });
    }

    it("should refuse a caller without the ISSUER role", async function () {
      const { fund, outsider } = await loadFixture(castFixture);
      await expect(fund.contracts.compliance.connect(outsider).setCountriesListed([COUNTRY.DE], true))
        .to.be.revertedWithCustomError(complianceAdmin(fund), "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });
  });

  it("should keep the accounting consistent across refused and allowed movements", async function () {
    const { fund, alice, alice2, carol, ivan, wallets } = await loadFixture(denyListFixture);
    const { token } = fund.contracts;
    await expect(token.connect(alice).transfer(ivan.address, 1n)).to.be.reverted;
    await token.connect(alice).transfer(alice2.address, tokens("300"));
    await token.connect(alice2).transfer(carol.address, tokens("300"));
    await expectConsistentAccounting(fund, [...wallets, ivan.address]);
    expect((await fund.contracts.compliance.investorState(IDS.carol)).shares).to.equal(tokens("1300"));
  });
});
