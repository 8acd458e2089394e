import hre from "hardhat";
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployFundFixture, registerInvestor, mint, ONE, COUNTRY } from "../helpers/fund";
import type { Explanation } from "../../scripts/tasks/compliance";
import { RESTRICTION } from "../../scripts/lib/compliance-rules";
import { captureOutput, expectNothingSent, expectRefused } from "./helpers";

/** Alice holds 1,000 tokens; Bob is registered; Carol lives in Iran; Dave has no investor class. */
async function partiesFixture() {
  const f = await loadFixture(deployFundFixture);
  const [alice, bob, carol, dave, erin] = f.investors.map((s) => s.address);
  await registerInvestor(f.fund, alice);
  await registerInvestor(f.fund, bob);
  await registerInvestor(f.fund, carol, { country: COUNTRY.IR });
  await registerInvestor(f.fund, dave, { classes: 0 });
  await mint(f.fund, alice, 1000n * ONE);
  return { ...f, alice, bob, carol, dave, erin };
}

describe("tasks: compliance", function () {
  let output: ReturnType<typeof captureOutput>;
  beforeEach(() => (output = captureOutput()));
  afterEach(() => output.restore());

  describe("compliance:explain", function () {
    it("should say a transfer between verified investors is allowed", async function () {
      const { alice, bob } = await loadFixture(partiesFixture);
      const e: Explanation = await expectNothingSent("compliance:explain", {
        from: alice,
        to: bob,
        amount: "10",
      });
      expect(e).to.include({ code: 0, name: "NONE", message: "NONE: Transfer allowed" });
      expect(e.to.record).to.include({ identity: bob, verified: true });
      expect(output.lines).to.include("  ALLOWED - code 0 NONE: Transfer allowed");
    });

    it("should name the country rule and its listing for a recipient in a denied country", async function () {
      const { alice, carol } = await loadFixture(partiesFixture);
      const e: Explanation = await hre.run("compliance:explain", { from: alice, to: carol, amount: "10" });
      expect(e.code).to.equal(RESTRICTION.RECIPIENT_COUNTRY_RESTRICTED);
      expect(e.message).to.equal("RECIPIENT_COUNTRY_RESTRICTED: Recipient country is restricted");
      expect(e.detail).to.equal("country rule (on): deny-list; country 364 is listed");
    });

    it("should name the class requirements for a recipient without a required class", async function () {
      const { alice, dave } = await loadFixture(partiesFixture);
      const e: Explanation = await hre.run("compliance:explain", { from: alice, to: dave, amount: "10" });
      expect(e.name).to.equal("RECIPIENT_CLASS_MISSING");
      expect(e.detail).to.equal(
        "investor class rule (on): required all none, required any accredited|qualified_purchaser|institutional, " +
          "barred none; recipient classes none",
      );
    });

    it("should name the holding limits when the sender would keep less than the minimum", async function () {
      const { alice, bob } = await loadFixture(partiesFixture);
      const e: Explanation = await hre.run("compliance:explain", { from: alice, to: bob, amount: "999.5" });
      expect(e.name).to.equal("SENDER_BELOW_MIN_HOLDING");
      expect(e.detail).to.equal("holding limits rule (on): min 1, max 100000000; the investor holds 1000");
    });

    it("should explain a recipient that is not registered", async function () {
      const { alice, erin } = await loadFixture(partiesFixture);
      const e: Explanation = await hre.run("compliance:explain", { from: alice, to: erin, amount: "1" });
      expect(e.name).to.equal("RECIPIENT_NOT_VERIFIED");
      expect(e.to.record).to.equal(undefined);
      expect(output.lines).to.include("    not registered");
    });

    it("should refuse a negative amount", async function () {
      const { alice, bob } = await loadFixture(partiesFixture);
      await expectRefused(
        "compliance:explain",
        { from: alice, to: bob, amount: "-5" },
        '--amount: "-5" is not a decimal amount (e.g. 1000 or 0.25)',
      );
    });

    it("should refuse a malformed recipient", async function () {
      const { alice } = await loadFixture(partiesFixture);
      await expectRefused(
        "compliance:explain",
        { from: alice, to: "bob", amount: "1" },
        '--to: "bob" is not an address',
      );
    });
  });

  describe("compliance:sanction", function () {
    it("should add wallets to the sanctions list and remove them with --remove", async function () {
      const { fund, alice, bob, erin } = await loadFixture(partiesFixture);
      const { compliance } = fund.contracts;
      const result = await hre.run("compliance:sanction", { wallets: `${bob},${erin}` });
      expect(result.role).to.equal("COMPLIANCE_OFFICER");
      expect(await compliance.isSanctioned(bob)).to.equal(true);
      expect(await compliance.isSanctioned(erin)).to.equal(true);
      const e: Explanation = await hre.run("compliance:explain", { from: alice, to: bob, amount: "1" });
      expect(e.name).to.equal("RECIPIENT_SANCTIONED");
      await hre.run("compliance:sanction", { wallets: bob, remove: true });
      expect(await compliance.isSanctioned(bob)).to.equal(false);
      expect(await compliance.isSanctioned(erin)).to.equal(true);
    });

    it("should refuse a wallet listed twice", async function () {
      const { bob } = await loadFixture(partiesFixture);
      await expectRefused(
        "compliance:sanction",
        { wallets: `${bob}, ${bob.toLowerCase()}` },
        `--wallets: ${bob} is listed twice`,
      );
    });

    it("should refuse an empty item in the list", async function () {
      const { bob, erin } = await loadFixture(partiesFixture);
      await expectRefused(
        "compliance:sanction",
        { wallets: `${bob},,${erin}` },
        "--wallets: item 2 is empty",
      );
    });
  });
});
