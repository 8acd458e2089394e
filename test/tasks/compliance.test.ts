import hre from "hardhat";
import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployFundFixture, registerInvestor, mint, ONE, COUNTRY } from "../helpers/fund";
import type { Explanation } from "../../scripts/tasks/compliance";
import { RESTRICTION } from "../../lib/compliance-rules";
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

  describe("regression: issue 21 finding 6 (compliance:explain could not explain a mint: the zero address was refused)", function () {
    it("should explain a mint without --from: the issuance checks, then the mint simulated from the MINTER's Safe", async function () {
      const { fund, bob } = await loadFixture(partiesFixture);
      const e: Explanation = await expectNothingSent("compliance:explain", { to: bob, amount: "10" });
      expect(e).to.include({ code: 0, name: "NONE" });
      expect(e.mintRevert).to.equal(undefined);
      expect(output.lines).to.include.members([
        `Mint of 10 tokens to ${bob}:`,
        "  ALLOWED - code 0 NONE: Transfer allowed",
        `  the mint itself, simulated from the transferAgent Safe ${fund.as("transferAgent").address}: succeeds`,
      ]);
    });

    it("should name the country rule for a mint to an investor of an embargoed country", async function () {
      const { carol } = await loadFixture(partiesFixture);
      const e: Explanation = await hre.run("compliance:explain", {
        from: ZeroAddress,
        to: carol,
        amount: "10",
      });
      expect(e.name).to.equal("RECIPIENT_COUNTRY_RESTRICTED");
      expect(e.detail).to.equal("country rule (on): deny-list; country 364 is listed");
    });

    it("should show the reserve check a mint beyond the reserves fails, in tokens with the raw values (issue 21 finding 5)", async function () {
      const { fund, bob } = await loadFixture(partiesFixture);
      expect(await fund.contracts.token.totalSupply()).to.equal(1000n * ONE);
      const e: Explanation = await expectNothingSent("compliance:explain", {
        to: bob,
        amount: "20000000",
        mint: true,
      });
      expect(e.code).to.equal(0);
      expect(e.mintRevert).to.equal(
        `ReserveExceeded(newSupply=20,001,000 tokens [${20_001_000n * ONE}], reserves=10,000,000 tokens ` +
          `[${10_000_000n * ONE}])`,
      );
    });

    it("should refuse --mint with a sender", async function () {
      const { alice, bob } = await loadFixture(partiesFixture);
      await expectRefused(
        "compliance:explain",
        { from: alice, to: bob, amount: "1", mint: true },
        "--mint explains an issuance: it has no sender, give no --from",
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
