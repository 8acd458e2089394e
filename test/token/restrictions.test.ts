import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ZeroAddress, parseUnits } from "ethers";
import { RESTRICTION, RESTRICTIONS, RULES, type RestrictionName } from "../../lib/compliance-rules";
import {
  CLASS,
  COUNTRY,
  DAY,
  ONE,
  investorsFixture,
  issuerCalls,
  mint,
  registerMany,
  type InvestorsFixture,
} from "./fixtures";
import { roleStep } from "../../lib/fund";

/**
 * The reason code a transfer's revert stands for (0 when it would succeed), so that the view can be compared
 * with what the transfer really does.
 */
async function codeOfTransfer(f: InvestorsFixture, from: HardhatEthersSigner, to: string, amount: bigint) {
  try {
    await f.token.connect(from).transfer.staticCall(to, amount);
    return RESTRICTION.NONE;
  } catch (error) {
    const data = (error as { data?: string }).data;
    if (!data) throw error;
    const compliance = f.fund.contracts.compliance.interface.parseError(data);
    if (compliance?.name === "TransferRestricted") return Number(compliance.args[0]);
    const e = f.token.interface.parseError(data);
    const byName: Record<string, RestrictionName> = {
      EnforcedPause: "PAUSED",
      SenderNotVerified: "SENDER_NOT_VERIFIED",
      RecipientNotVerified: "RECIPIENT_NOT_VERIFIED",
      ERC20InsufficientBalance: "INSUFFICIENT_BALANCE",
      InsufficientUnfrozenBalance: "INSUFFICIENT_UNFROZEN_BALANCE",
      ERC20InvalidReceiver: "INVALID_RECIPIENT",
    };
    if (e?.name === "WalletFrozen") {
      return e.args[0] === from.address ? RESTRICTION.SENDER_FROZEN : RESTRICTION.RECIPIENT_FROZEN;
    }
    if (e && byName[e.name]) return RESTRICTION[byName[e.name]];
    throw error;
  }
}

/** Expects the view, canTransfer and the transfer itself to agree on `expected`. */
async function expectRestriction(
  f: InvestorsFixture,
  from: HardhatEthersSigner,
  to: string,
  amount: bigint,
  expected: RestrictionName,
) {
  expect(await f.token.detectTransferRestriction(from.address, to, amount)).to.equal(RESTRICTION[expected]);
  expect(await f.token.canTransfer(from.address, to, amount)).to.equal(expected === "NONE");
  expect(await codeOfTransfer(f, from, to, amount)).to.equal(RESTRICTION[expected]);
}

const agent = (f: InvestorsFixture) => f.fund.as("transferAgent");
const officer = (f: InvestorsFixture) => f.fund.as("complianceOfficer");

describe("FundToken: transfer restrictions (detectTransferRestriction, canTransfer)", function () {
  describe("messageForTransferRestriction (ERC-1404)", function () {
    it("should return the text of every code the suite defines, the same as the transfer agent's tools print", async function () {
      const f = await loadFixture(investorsFixture);
      for (const [code, [, text]] of RESTRICTIONS.entries()) {
        expect(await f.token.messageForTransferRestriction(code)).to.equal(text);
      }
    });

    it("should return 'Unknown restriction code' for a code the suite does not define", async function () {
      const f = await loadFixture(investorsFixture);
      for (const code of [RESTRICTIONS.length, 255]) {
        expect(await f.token.messageForTransferRestriction(code)).to.equal("Unknown restriction code");
      }
    });
  });

  describe("when nothing refuses the transfer", function () {
    it("should return NONE and canTransfer true", async function () {
      const f = await loadFixture(investorsFixture);
      await expectRestriction(f, f.alice, f.bob.address, 10n * ONE, "NONE");
    });

    it("should return NONE for the whole balance of the sender", async function () {
      const f = await loadFixture(investorsFixture);
      await expectRestriction(f, f.carol, f.bob.address, f.amounts.carol, "NONE");
    });
  });

  describe("token-level conditions", function () {
    it("should return PAUSED while paused", async function () {
      const f = await loadFixture(investorsFixture);
      await f.fund.as("guardian").on(f.token).pause();
      await expectRestriction(f, f.alice, f.bob.address, 1n, "PAUSED");
    });

    it("should return INVALID_RECIPIENT for the zero recipient", async function () {
      const f = await loadFixture(investorsFixture);
      await expectRestriction(f, f.alice, ZeroAddress, 1n, "INVALID_RECIPIENT");
    });

    it("should return SENDER_NOT_VERIFIED for an unregistered sender", async function () {
      const f = await loadFixture(investorsFixture);
      await expectRestriction(f, f.erin, f.alice.address, 0n, "SENDER_NOT_VERIFIED");
    });

    it("should return SENDER_NOT_VERIFIED for a revoked sender", async function () {
      const f = await loadFixture(investorsFixture);
      await officer(f).on(f.fund.contracts.registry).setRevoked(f.alice.address, [f.alice.address], true);
      await expectRestriction(f, f.alice, f.bob.address, 1n, "SENDER_NOT_VERIFIED");
    });

    it("should return RECIPIENT_NOT_VERIFIED for an unregistered recipient", async function () {
      const f = await loadFixture(investorsFixture);
      await expectRestriction(f, f.alice, f.erin.address, 1n, "RECIPIENT_NOT_VERIFIED");
    });

    it("should return SENDER_FROZEN and RECIPIENT_FROZEN for frozen wallets", async function () {
      const f = await loadFixture(investorsFixture);
      await agent(f).on(f.token).setAddressFrozen(f.bob.address, true);
      await expectRestriction(f, f.alice, f.bob.address, 1n, "RECIPIENT_FROZEN");
      await expectRestriction(f, f.bob, f.alice.address, 1n, "SENDER_FROZEN");
    });

    it("should return INSUFFICIENT_BALANCE above the balance", async function () {
      const f = await loadFixture(investorsFixture);
      await expectRestriction(f, f.carol, f.bob.address, f.amounts.carol + 1n, "INSUFFICIENT_BALANCE");
    });

    it("should return INSUFFICIENT_UNFROZEN_BALANCE above the unfrozen balance", async function () {
      const f = await loadFixture(investorsFixture);
      await agent(f).on(f.token).freezePartialTokens(f.carol.address, ONE);
      await expectRestriction(f, f.carol, f.bob.address, f.amounts.carol, "INSUFFICIENT_UNFROZEN_BALANCE");
      await expectRestriction(f, f.carol, f.bob.address, f.amounts.carol - ONE, "NONE");
    });
  });

  describe("compliance conditions", function () {
    it("should return SENDER_SANCTIONED and RECIPIENT_SANCTIONED for sanctioned wallets", async function () {
      const f = await loadFixture(investorsFixture);
      await officer(f).on(f.fund.contracts.compliance).setSanctioned([f.bob.address], true);
      await expectRestriction(f, f.alice, f.bob.address, 1n * ONE, "RECIPIENT_SANCTIONED");
      await expectRestriction(f, f.bob, f.alice.address, 1n * ONE, "SENDER_SANCTIONED");
    });

    it("should return RECIPIENT_COUNTRY_RESTRICTED for a recipient in an embargoed country (364)", async function () {
      const f = await loadFixture(investorsFixture);
      const frank = f.investors[5];
      await registerMany(f.fund, [frank.address], { country: COUNTRY.IR });
      await expectRestriction(f, f.alice, frank.address, 10n * ONE, "RECIPIENT_COUNTRY_RESTRICTED");
    });

    it("should return SENDER_COUNTRY_RESTRICTED for a holder who moved to an embargoed country", async function () {
      const f = await loadFixture(investorsFixture);
      await officer(f).on(f.fund.contracts.registry).updateCountry(f.alice.address, COUNTRY.CU);
      await expectRestriction(f, f.alice, f.bob.address, 10n * ONE, "SENDER_COUNTRY_RESTRICTED");
    });

    it("should return RECIPIENT_CLASS_MISSING for a recipient with none of the required classes", async function () {
      const f = await loadFixture(investorsFixture);
      const frank = f.investors[5];
      await registerMany(f.fund, [frank.address], { classes: CLASS.us_person });
      await expectRestriction(f, f.alice, frank.address, 10n * ONE, "RECIPIENT_CLASS_MISSING");
    });

    it("should return RECIPIENT_CLASS_BARRED for a recipient of a barred class", async function () {
      const f = await loadFixture(investorsFixture);
      const frank = f.investors[5];
      await registerMany(f.fund, [frank.address], { classes: CLASS.accredited | CLASS.us_person });
      const anyOf = CLASS.accredited | CLASS.qualified_purchaser | CLASS.institutional;
      await issuerCalls(f.fund, [
        roleStep(f.fund.contracts.compliance, "setClassRequirements", [0, anyOf, CLASS.us_person]),
      ]);
      await expectRestriction(f, f.alice, frank.address, 10n * ONE, "RECIPIENT_CLASS_BARRED");
    });

    it("should return MAX_INVESTORS_REACHED when a new investor would exceed the cap", async function () {
      const f = await loadFixture(investorsFixture);
      await issuerCalls(f.fund, [roleStep(f.fund.contracts.compliance, "setMaxInvestors", [3])]);
      await expectRestriction(f, f.alice, f.dave.address, 10n * ONE, "MAX_INVESTORS_REACHED");
      await expectRestriction(f, f.alice, f.bob.address, 10n * ONE, "NONE");
    });

    it("should return RECIPIENT_ABOVE_MAX_HOLDING above the maximum position", async function () {
      const f = await loadFixture(investorsFixture);
      await issuerCalls(f.fund, [
        roleStep(f.fund.contracts.compliance, "setHoldingLimits", [ONE, 300_000n * ONE]),
      ]);
      await expectRestriction(f, f.alice, f.bob.address, 50_000n * ONE + 1n, "RECIPIENT_ABOVE_MAX_HOLDING");
      await expectRestriction(f, f.alice, f.bob.address, 50_000n * ONE, "NONE");
    });

    it("should return RECIPIENT_BELOW_MIN_HOLDING when a new position stays below one token", async function () {
      const f = await loadFixture(investorsFixture);
      await expectRestriction(f, f.alice, f.dave.address, ONE - 1n, "RECIPIENT_BELOW_MIN_HOLDING");
      await expectRestriction(f, f.alice, f.dave.address, ONE, "NONE");
    });

    it("should return SENDER_BELOW_MIN_HOLDING when the sender would keep less than one token", async function () {
      const f = await loadFixture(investorsFixture);
      const amount = f.amounts.carol - parseUnits("0.5", 18);
      await expectRestriction(f, f.carol, f.bob.address, amount, "SENDER_BELOW_MIN_HOLDING");
    });

    it("should return TOKENS_LOCKED for tokens issued under a lockup", async function () {
      const f = await loadFixture(investorsFixture);
      const compliance = f.fund.contracts.compliance;
      const rules = Number(await compliance.rules());
      await issuerCalls(f.fund, [
        roleStep(compliance, "setLockPeriod", [30 * DAY]),
        roleStep(compliance, "setRules", [rules | RULES.LOCKUP]),
      ]);
      await mint(f.fund, f.dave.address, 100n * ONE);
      await expectRestriction(f, f.dave, f.alice.address, 10n * ONE, "TOKENS_LOCKED");
    });

    it("should return DAILY_OUTFLOW_EXCEEDED above the sender's daily outflow limit", async function () {
      const f = await loadFixture(investorsFixture);
      await issuerCalls(f.fund, [roleStep(f.fund.contracts.compliance, "setMaxDailyOutflow", [100n * ONE])]);
      await expectRestriction(f, f.alice, f.bob.address, 100n * ONE + 1n, "DAILY_OUTFLOW_EXCEEDED");
      await expectRestriction(f, f.alice, f.bob.address, 100n * ONE, "NONE");
    });
  });

  describe("when several conditions fail at once", function () {
    // The view must name the condition the transfer reverts with (docs/TOKEN.md "Checks on a transfer").
    it("should name the zero recipient of a paused token as the transfer does", async function () {
      const f = await loadFixture(investorsFixture);
      await f.fund.as("guardian").on(f.token).pause();
      await expectRestriction(f, f.alice, ZeroAddress, 1n, "INVALID_RECIPIENT");
    });

    it("should name the balance of a revoked sender as the transfer does", async function () {
      const f = await loadFixture(investorsFixture);
      await officer(f).on(f.fund.contracts.registry).setRevoked(f.carol.address, [f.carol.address], true);
      await expectRestriction(f, f.carol, f.bob.address, f.amounts.carol + 1n, "INSUFFICIENT_BALANCE");
    });

    it("should name the freeze of a sender sending to an unregistered wallet as the transfer does", async function () {
      const f = await loadFixture(investorsFixture);
      await agent(f).on(f.token).setAddressFrozen(f.alice.address, true);
      await expectRestriction(f, f.alice, f.erin.address, 1n, "SENDER_FROZEN");
    });

    it("should name a frozen recipient before the sender's unfrozen balance", async function () {
      const f = await loadFixture(investorsFixture);
      await agent(f).on(f.token).freezePartialTokens(f.carol.address, f.amounts.carol);
      await agent(f).on(f.token).setAddressFrozen(f.bob.address, true);
      await expectRestriction(f, f.carol, f.bob.address, 1n, "RECIPIENT_FROZEN");
    });

    it("should name the verification before a compliance rule", async function () {
      const f = await loadFixture(investorsFixture);
      await officer(f).on(f.fund.contracts.compliance).setSanctioned([f.alice.address], true);
      await expectRestriction(f, f.alice, f.erin.address, 1n, "RECIPIENT_NOT_VERIFIED");
    });
  });
});
