import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  DEPLOYED_RULES,
  IDS,
  R,
  RULES,
  act,
  castFixture,
  complianceAdmin,
  configure,
  expectConsistentAccounting,
  issue,
  tokens,
} from "./helpers";

const CAP = 3;

/** A cap of three investors, reached by Alice (both wallets), Bob and Carol holding 1,000 per wallet. */
async function atCapFixture() {
  const cast = await loadFixture(castFixture);
  const { fund, alice, alice2, bob, carol } = cast;
  await configure(fund, "setMaxInvestors", [CAP]);
  for (const w of [alice, alice2, bob, carol]) await issue(fund, w.address, tokens("1000"));
  return cast;
}

describe("ModularCompliance: max investors rule", function () {
  describe("counting", function () {
    it("should count an investor when it first holds shares and emit InvestorCountChanged", async function () {
      const { fund, alice, bob } = await loadFixture(castFixture);
      const { compliance } = fund.contracts;
      expect(await compliance.investorCount()).to.equal(0n);
      await expect(issue(fund, alice.address, tokens("10")))
        .to.emit(compliance, "InvestorCountChanged")
        .withArgs(0, 1);
      await expect(issue(fund, bob.address, tokens("10")))
        .to.emit(compliance, "InvestorCountChanged")
        .withArgs(1, 2);
      expect(await compliance.investorCount()).to.equal(2n);
      expect((await compliance.limits()).investorCount).to.equal(2n);
    });

    it("should count an investor with several wallets once", async function () {
      const { fund, alice, alice2, wallets } = await loadFixture(castFixture);
      const { compliance, token } = fund.contracts;
      await issue(fund, alice.address, tokens("10"));
      await expect(issue(fund, alice2.address, tokens("10"))).not.to.emit(compliance, "InvestorCountChanged");
      await expect(token.connect(alice).transfer(alice2.address, tokens("10"))).not.to.emit(
        compliance,
        "InvestorCountChanged",
      );
      expect(await compliance.investorCount()).to.equal(1n);
      expect((await compliance.investorState(IDS.alice)).counted).to.equal(true);
      await expectConsistentAccounting(fund, wallets);
    });

    it("should stop counting an investor whose last wallet empties", async function () {
      const { fund, alice, alice2, bob, wallets } = await loadFixture(castFixture);
      const { compliance, token } = fund.contracts;
      await issue(fund, alice.address, tokens("10"));
      await issue(fund, alice2.address, tokens("10"));
      await issue(fund, bob.address, tokens("10"));
      await expect(token.connect(alice).transfer(bob.address, tokens("10"))).not.to.emit(
        compliance,
        "InvestorCountChanged",
      );
      await expect(token.connect(alice2).transfer(bob.address, tokens("10")))
        .to.emit(compliance, "InvestorCountChanged")
        .withArgs(2, 1);
      expect((await compliance.investorState(IDS.alice)).counted).to.equal(false);
      await expectConsistentAccounting(fund, wallets);
    });
  });

  describe("at the cap", function () {
    it("should hold exactly the cap", async function () {
      const { fund } = await loadFixture(atCapFixture);
      const l = await fund.contracts.compliance.limits();
      expect([l.maxInvestors, l.investorCount]).to.deep.equal([BigInt(CAP), BigInt(CAP)]);
    });

    it("should refuse an issuance to a new investor with MAX_INVESTORS_REACHED", async function () {
      const { fund, dave } = await loadFixture(atCapFixture);
      await expect(issue(fund, dave.address, tokens("10")))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.MAX_INVESTORS_REACHED);
    });

    it("should refuse part of a position to a new investor with MAX_INVESTORS_REACHED", async function () {
      const { fund, bob, dave } = await loadFixture(atCapFixture);
      await expect(fund.contracts.token.connect(bob).transfer(dave.address, tokens("999")))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.MAX_INVESTORS_REACHED);
    });

    it("should allow a whole position to a new investor (the count does not change)", async function () {
      const { fund, bob, dave, wallets } = await loadFixture(atCapFixture);
      const { token, compliance } = fund.contracts;
      await expect(token.connect(bob).transfer(dave.address, tokens("1000"))).not.to.emit(
        compliance,
        "InvestorCountChanged",
      );
      expect(await compliance.investorCount()).to.equal(BigInt(CAP));
      expect((await compliance.investorState(IDS.bob)).counted).to.equal(false);
      expect((await compliance.investorState(IDS.dave)).counted).to.equal(true);
      await expectConsistentAccounting(fund, wallets);
    });

    it("should refuse one wallet's whole balance when the investor keeps another wallet", async function () {
      const { fund, alice, dave } = await loadFixture(atCapFixture);
      await expect(fund.contracts.token.connect(alice).transfer(dave.address, tokens("1000")))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.MAX_INVESTORS_REACHED);
    });

    it("should allow issuance and transfers to investors already counted", async function () {
      const { fund, alice, alice2, bob, carol, wallets } = await loadFixture(atCapFixture);
      await issue(fund, alice2.address, tokens("10"));
      await fund.contracts.token.connect(bob).transfer(carol.address, tokens("10"));
      await fund.contracts.token.connect(carol).transfer(alice.address, tokens("10"));
      expect(await fund.contracts.compliance.investorCount()).to.equal(BigInt(CAP));
      await expectConsistentAccounting(fund, wallets);
    });

    it("should free a seat when a position is burned", async function () {
      const { fund, carol, dave, wallets } = await loadFixture(atCapFixture);
      const { token, compliance } = fund.contracts;
      await expect(act(fund, "transferAgent", token, "burn", [carol.address, tokens("1000")]))
        .to.emit(compliance, "InvestorCountChanged")
        .withArgs(CAP, CAP - 1);
      await issue(fund, dave.address, tokens("10"));
      expect(await compliance.investorCount()).to.equal(BigInt(CAP));
      await expectConsistentAccounting(fund, wallets);
    });

    it("should let a forced transfer bring in a new investor beyond the cap (agent remedy)", async function () {
      const { fund, bob, dave, erin, wallets } = await loadFixture(atCapFixture);
      const { token, compliance } = fund.contracts;
      await expect(
        act(fund, "transferAgent", token, "forcedTransfer", [bob.address, dave.address, tokens("10")]),
      )
        .to.emit(compliance, "InvestorCountChanged")
        .withArgs(CAP, CAP + 1);
      // Above the cap, no new investor comes in, not even by a whole position.
      await expect(token.connect(dave).transfer(erin.address, tokens("10")))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.MAX_INVESTORS_REACHED);
      await expectConsistentAccounting(fund, wallets);
    });

    it("should admit new investors when the rule is off", async function () {
      const { fund, dave } = await loadFixture(atCapFixture);
      const { compliance } = fund.contracts;
      await configure(fund, "setRules", [DEPLOYED_RULES & ~RULES.MAX_INVESTORS]);
      await expect(issue(fund, dave.address, tokens("10")))
        .to.emit(compliance, "InvestorCountChanged")
        .withArgs(CAP, CAP + 1);
    });

    it("should keep counting while the rule is off", async function () {
      const { fund, bob, dave, erin, wallets } = await loadFixture(atCapFixture);
      const { compliance, token } = fund.contracts;
      await configure(fund, "setRules", [DEPLOYED_RULES & ~RULES.MAX_INVESTORS]);
      await issue(fund, dave.address, tokens("10"));
      await token.connect(bob).transfer(erin.address, tokens("1000"));
      expect(await compliance.investorCount()).to.equal(BigInt(CAP + 1));
      await configure(fund, "setRules", [DEPLOYED_RULES]);
      await expect(token.connect(dave).transfer(bob.address, tokens("5")))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.MAX_INVESTORS_REACHED);
      await expectConsistentAccounting(fund, wallets);
    });
  });

  describe("setMaxInvestors", function () {
    it("should set the cap and emit MaxInvestorsChanged(old, new)", async function () {
      const { fund } = await loadFixture(castFixture);
      const { compliance } = fund.contracts;
      await expect(configure(fund, "setMaxInvestors", [CAP]))
        .to.emit(compliance, "MaxInvestorsChanged")
        .withArgs(2000, CAP);
      expect((await compliance.limits()).maxInvestors).to.equal(BigInt(CAP));
    });

    it("should accept a cap below the current count (only the count's fall re-opens seats)", async function () {
      const { fund, bob, carol } = await loadFixture(atCapFixture);
      const { compliance, token } = fund.contracts;
      await configure(fund, "setMaxInvestors", [2]);
      await token.connect(bob).transfer(carol.address, tokens("10"));
      expect(await compliance.investorCount()).to.equal(BigInt(CAP));
    });

    it("should refuse zero with InvalidMaxInvestors", async function () {
      const { fund } = await loadFixture(castFixture);
      await expect(configure(fund, "setMaxInvestors", [0]))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "InvalidMaxInvestors")
        .withArgs(0);
    });

    it("should refuse a caller without the ISSUER role", async function () {
      const { fund, outsider } = await loadFixture(castFixture);
      await expect(fund.contracts.compliance.connect(outsider).setMaxInvestors(10))
        .to.be.revertedWithCustomError(complianceAdmin(fund), "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });
  });
});
