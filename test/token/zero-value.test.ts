import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { RESTRICTION, RULES } from "../../lib/compliance-rules";
import {
  CLASS,
  COUNTRY,
  DAY,
  ONE,
  investorsFixture,
  issuerCalls,
  latestRound,
  mint,
  publishNavAnswer,
  refreshReserves,
  registerMany,
  type InvestorsFixture,
} from "./fixtures";
import { listProtocolAccounts } from "../helpers/fund";
import { roleStep } from "../../lib/fund";

/** Rules of deploy/config/hardhat.ts: every rule but the lockup. */
const DEPLOYED_RULES =
  RULES.COUNTRY |
  RULES.SANCTIONS |
  RULES.INVESTOR_CLASS |
  RULES.MAX_INVESTORS |
  RULES.HOLDING_LIMITS |
  RULES.TRANSFER_LIMIT;

/** Everything a zero-value transfer between `wallets` must leave as it was. */
async function snapshot(f: InvestorsFixture, wallets: string[]) {
  const { token, compliance, registry } = f.fund.contracts;
  const out: unknown[] = [
    await token.totalShares(),
    await token.totalSupply(),
    await compliance.investorCount(),
  ];
  for (const w of wallets) {
    const identity = await registry.identity(w);
    out.push(
      await token.sharesOf(w),
      await token.balanceOf(w),
      await token.getFrozenTokens(w),
      await compliance.investorState(identity),
      await compliance.lockedShares(identity),
      await compliance.lockTranches(identity),
    );
  }
  return out;
}

/**
 * Sends a zero-value transfer, transferFrom (by an outsider without allowance) and transferShares from `from` to
 * `to`: each must succeed with Transfer(from, to, 0) and TransferShares(from, to, 0) and change nothing, and the
 * token's views must agree beforehand.
 */
async function expectZeroTransfersAccepted(f: InvestorsFixture, from: HardhatEthersSigner, to: string) {
  const { token } = f;
  expect(await token.detectTransferRestriction(from.address, to, 0n)).to.equal(RESTRICTION.NONE);
  expect(await token.canTransfer(from.address, to, 0n)).to.equal(true);
  expect(await f.fund.contracts.compliance.detectTransferRestriction(from.address, to, 0n)).to.equal(0n);
  const before = await snapshot(f, [from.address, to]);
  for (const send of [
    () => token.connect(from).transfer(to, 0n),
    () => token.connect(f.outsider).transferFrom(from.address, to, 0n),
    () => token.connect(from).transferShares(to, 0n),
  ]) {
    await expect(send())
      .to.emit(token, "Transfer")
      .withArgs(from.address, to, 0n)
      .and.to.emit(token, "TransferShares")
      .withArgs(from.address, to, 0n);
    expect(await snapshot(f, [from.address, to])).to.deep.equal(before);
  }
  expect(await token.allowance(from.address, f.outsider.address)).to.equal(0n);
}

/** The transfer and the views refuse a zero-value transfer with `error` (on `on`) and `code`. */
async function expectZeroTransferRefused(
  f: InvestorsFixture,
  from: HardhatEthersSigner,
  to: string,
  on: { interface: unknown },
  error: string,
  args: unknown[],
  code: number,
) {
  expect(await f.token.detectTransferRestriction(from.address, to, 0n)).to.equal(code);
  expect(await f.token.canTransfer(from.address, to, 0n)).to.equal(false);
  for (const send of [
    () => f.token.connect(from).transfer(to, 0n),
    () => f.token.connect(from).transferShares(to, 0n),
  ]) {
    await expect(send())
      .to.be.revertedWithCustomError(on as never, error)
      .withArgs(...args);
  }
}

describe("FundToken: zero-value transfers (issue 16 finding 8)", function () {
  describe("between verified wallets", function () {
    it("should let a holder send 0 to a verified empty wallet (the minimum holding does not apply)", async function () {
      const f = await loadFixture(investorsFixture);
      expect(await f.token.balanceOf(f.dave.address)).to.equal(0n);
      await expectZeroTransfersAccepted(f, f.alice, f.dave.address);
    });

    it("should let a verified wallet holding nothing send 0", async function () {
      const f = await loadFixture(investorsFixture);
      await expectZeroTransfersAccepted(f, f.dave, f.alice.address);
    });

    it("should let a holder send 0 to another holder", async function () {
      const f = await loadFixture(investorsFixture);
      await expectZeroTransfersAccepted(f, f.alice, f.bob.address);
    });
  });

  describe("when an amount rule refuses any non-zero amount", function () {
    it("should not apply the investor cap", async function () {
      const f = await loadFixture(investorsFixture);
      await issuerCalls(f.fund, [roleStep(f.fund.contracts.compliance, "setMaxInvestors", [3])]);
      await expect(f.token.connect(f.alice).transfer(f.dave.address, ONE))
        .to.be.revertedWithCustomError(f.fund.contracts.compliance, "TransferRestricted")
        .withArgs(RESTRICTION.MAX_INVESTORS_REACHED);
      await expectZeroTransfersAccepted(f, f.alice, f.dave.address);
    });

    it("should not apply the lockup", async function () {
      const f = await loadFixture(investorsFixture);
      await issuerCalls(f.fund, [
        roleStep(f.fund.contracts.compliance, "setLockPeriod", [30 * DAY]),
        roleStep(f.fund.contracts.compliance, "setRules", [DEPLOYED_RULES | RULES.LOCKUP]),
      ]);
      await refreshReserves(f.fund);
      await mint(f.fund, f.dave.address, 1_000n * ONE);
      await expect(f.token.connect(f.dave).transfer(f.alice.address, ONE))
        .to.be.revertedWithCustomError(f.fund.contracts.compliance, "TransferRestricted")
        .withArgs(RESTRICTION.TOKENS_LOCKED);
      await expectZeroTransfersAccepted(f, f.dave, f.alice.address);
    });

    it("should not apply, nor touch, the daily outflow limit", async function () {
      const f = await loadFixture(investorsFixture);
      await issuerCalls(f.fund, [roleStep(f.fund.contracts.compliance, "setMaxDailyOutflow", [ONE])]);
      await f.token.connect(f.alice).transfer(f.bob.address, ONE);
      await expect(f.token.connect(f.alice).transfer(f.bob.address, ONE / 2n))
        .to.be.revertedWithCustomError(f.fund.contracts.compliance, "TransferRestricted")
        .withArgs(RESTRICTION.DAILY_OUTFLOW_EXCEEDED);
      // The snapshot includes the outflow window (used amount and its timestamp).
      await expectZeroTransfersAccepted(f, f.alice, f.bob.address);
    });

    it("should not apply the sender's minimum holding", async function () {
      const f = await loadFixture(investorsFixture);
      // Carol's whole position is 10,000 tokens: a minimum of 20,000 refuses any partial transfer from her.
      await issuerCalls(f.fund, [
        roleStep(f.fund.contracts.compliance, "setHoldingLimits", [20_000n * ONE, 0n]),
      ]);
      await expect(f.token.connect(f.carol).transfer(f.alice.address, ONE))
        .to.be.revertedWithCustomError(f.fund.contracts.compliance, "TransferRestricted")
        .withArgs(RESTRICTION.SENDER_BELOW_MIN_HOLDING);
      await expectZeroTransfersAccepted(f, f.carol, f.alice.address);
    });
  });

  describe("when a party is not eligible (those checks stay)", function () {
    it("should refuse while paused with EnforcedPause", async function () {
      const f = await loadFixture(investorsFixture);
      await f.fund.as("guardian").on(f.token).pause();
      await expectZeroTransferRefused(
        f,
        f.alice,
        f.bob.address,
        f.token,
        "EnforcedPause",
        [],
        RESTRICTION.PAUSED,
      );
    });

    it("should refuse a frozen sender or recipient with WalletFrozen", async function () {
      const f = await loadFixture(investorsFixture);
      const agent = f.fund.as("transferAgent");
      await agent.on(f.token).setAddressFrozen(f.alice.address, true);
      await expectZeroTransferRefused(
        f,
        f.alice,
        f.bob.address,
        f.token,
        "WalletFrozen",
        [f.alice.address],
        RESTRICTION.SENDER_FROZEN,
      );
      await expectZeroTransferRefused(
        f,
        f.bob,
        f.alice.address,
        f.token,
        "WalletFrozen",
        [f.alice.address],
        RESTRICTION.RECIPIENT_FROZEN,
      );
    });

    it("should refuse an unregistered recipient with RecipientNotVerified", async function () {
      const f = await loadFixture(investorsFixture);
      await expectZeroTransferRefused(
        f,
        f.alice,
        f.erin.address,
        f.token,
        "RecipientNotVerified",
        [f.erin.address],
        RESTRICTION.RECIPIENT_NOT_VERIFIED,
      );
    });

    it("should refuse a sanctioned recipient with TransferRestricted(RECIPIENT_SANCTIONED)", async function () {
      const f = await loadFixture(investorsFixture);
      await f.fund
        .as("complianceOfficer")
        .on(f.fund.contracts.compliance)
        .setSanctioned([f.dave.address], true);
      await expectZeroTransferRefused(
        f,
        f.alice,
        f.dave.address,
        f.fund.contracts.compliance,
        "TransferRestricted",
        [RESTRICTION.RECIPIENT_SANCTIONED],
        RESTRICTION.RECIPIENT_SANCTIONED,
      );
    });

    it("should refuse a recipient in an embargoed country or without an eligible class", async function () {
      const f = await loadFixture(investorsFixture);
      const [, , , , , frank, grace] = f.investors;
      await registerMany(f.fund, [frank.address], { country: COUNTRY.IR });
      await registerMany(f.fund, [grace.address], { classes: CLASS.us_person });
      const compliance = f.fund.contracts.compliance;
      await expectZeroTransferRefused(
        f,
        f.alice,
        frank.address,
        compliance,
        "TransferRestricted",
        [RESTRICTION.RECIPIENT_COUNTRY_RESTRICTED],
        RESTRICTION.RECIPIENT_COUNTRY_RESTRICTED,
      );
      await expectZeroTransferRefused(
        f,
        f.alice,
        grace.address,
        compliance,
        "TransferRestricted",
        [RESTRICTION.RECIPIENT_CLASS_MISSING],
        RESTRICTION.RECIPIENT_CLASS_MISSING,
      );
    });
  });

  describe("from a wallet whose shares are worth less than one token unit (index below 1)", function () {
    it("should move no share: a zero amount is not the whole balance", async function () {
      const f = await loadFixture(investorsFixture);
      // Decreases allowed: a flat NAV lets the management fee take the index below 1.
      await issuerCalls(f.fund, [roleStep(f.fund.contracts.navOracle, "setAllowDecrease", [true])]);
      const last = await latestRound(f.fund.contracts.navPublisher!);
      await refreshReserves(f.fund);
      await publishNavAnswer(f.fund, last.answer);
      await f.token.accrue();
      expect(await f.token.index()).to.be.lessThan(ONE);
      // An account of the fund (exempt from the holding limits) receives one share: worth 0 tokens.
      const dust = f.investors[7];
      await listProtocolAccounts(f.fund, [dust.address]);
      await registerMany(f.fund, [dust.address], { classes: CLASS.protocol });
      await f.token.connect(f.alice).transferShares(dust.address, 1n);
      expect(await f.token.balanceOf(dust.address)).to.equal(0n);
      await expectZeroTransfersAccepted(f, dust, f.alice.address);
      expect(await f.token.sharesOf(dust.address)).to.equal(1n);
      // Its single share still moves by transferShares.
      await f.token.connect(dust).transferShares(f.alice.address, 1n);
      expect(await f.token.sharesOf(dust.address)).to.equal(0n);
    });
  });
});
