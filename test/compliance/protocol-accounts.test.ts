import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ALL_RULES } from "../../lib/compliance-rules";
import {
  CLASS,
  COUNTRY,
  DAY,
  IDS,
  R,
  act,
  castFixture,
  configure,
  expectConsistentAccounting,
  issue,
  rebase,
  register,
  tokens,
  listProtocolAccounts,
} from "./helpers";

const MIN = tokens("100");
const MAX = tokens("1000");
const CAP = 3;

/**
 * Every rule on, tight: holdings 100 to 1,000, three investors (Alice 1,000, Bob 500, Carol 500: the cap is
 * reached), 1,000 tokens a day, 30-day lockup. The escrow is an account of the fund (PROTOCOL class only),
 * registered in Iran (a denied country) without any investor class.
 */
async function protocolFixture() {
  const cast = await loadFixture(castFixture);
  const { fund, alice, bob, carol, spare } = cast;
  const escrow = spare[0];
  await listProtocolAccounts(fund, [escrow.address]);
  await register(fund, [
    { wallet: escrow.address, identity: escrow.address, country: COUNTRY.IR, classes: CLASS.protocol },
  ]);
  await configure(fund, "setHoldingLimits", [MIN, MAX]);
  await configure(fund, "setMaxInvestors", [CAP]);
  await configure(fund, "setMaxDailyOutflow", [MAX]);
  await configure(fund, "setLockPeriod", [30 * DAY]);
  await issue(fund, alice.address, MAX);
  await issue(fund, bob.address, tokens("500"));
  await issue(fund, carol.address, tokens("500"));
  await configure(fund, "setRules", [ALL_RULES]);
  return { ...cast, escrow };
}

/** The escrow holding 5,000 tokens. */
async function fundedEscrowFixture() {
  const base = await loadFixture(protocolFixture);
  await issue(base.fund, base.escrow.address, tokens("5000"));
  return base;
}

describe("ModularCompliance: accounts of the fund (PROTOCOL class)", function () {
  it("should run with every rule on and the investor cap reached", async function () {
    const { fund } = await loadFixture(protocolFixture);
    expect(await fund.contracts.compliance.rules()).to.equal(ALL_RULES);
    expect(await fund.contracts.compliance.investorCount()).to.equal(BigInt(CAP));
  });

  describe("when issued to", function () {
    it("should accept a position above the maximum, from a denied country, without investor class, at the cap", async function () {
      const { fund, escrow } = await loadFixture(protocolFixture);
      const { compliance } = fund.contracts;
      const tx = await issue(fund, escrow.address, tokens("5000"));
      await expect(tx).not.to.emit(compliance, "SharesLocked");
      await expect(tx).not.to.emit(compliance, "InvestorCountChanged");
      expect(await fund.contracts.token.balanceOf(escrow.address)).to.equal(tokens("5000"));
    });

    it("should keep no per-investor state and never count it as an investor", async function () {
      const { fund, escrow, wallets } = await loadFixture(fundedEscrowFixture);
      const { compliance } = fund.contracts;
      const state = await compliance.investorState(escrow.address);
      expect([state.shares, state.outflowUsed, state.outflowUpdatedAt, state.counted]).to.deep.equal([
        0n,
        0n,
        0n,
        false,
      ]);
      expect(await compliance.lockedShares(escrow.address)).to.equal(0n);
      expect(await compliance.lockTranches(escrow.address)).to.deep.equal([]);
      expect(await compliance.investorCount()).to.equal(BigInt(CAP));
      await expectConsistentAccounting(fund, [...wallets, escrow.address]);
    });
  });

  describe("when sending", function () {
    it("should have no daily limit, no minimum and no lockup of its own", async function () {
      const { fund, escrow, bob, carol, wallets } = await loadFixture(fundedEscrowFixture);
      const { token, compliance } = fund.contracts;
      // 1,000 out in one day twice over, leaving 50 (below the minimum), of shares issued minutes ago.
      await token.connect(escrow).transfer(bob.address, tokens("500"));
      await token.connect(escrow).transfer(carol.address, tokens("500"));
      await act(fund, "transferAgent", token, "burn", [escrow.address, tokens("3950")]);
      expect(await token.balanceOf(escrow.address)).to.equal(tokens("50"));
      expect((await compliance.investorState(escrow.address)).outflowUsed).to.equal(0n);
      await expectConsistentAccounting(fund, [...wallets, escrow.address]);
    });

    it("should not lock what investors receive from it", async function () {
      const { fund, escrow, bob } = await loadFixture(fundedEscrowFixture);
      await fund.contracts.token.connect(escrow).transfer(bob.address, tokens("500"));
      expect(await fund.contracts.compliance.lockedShares(IDS.bob)).to.equal(0n);
    });

    it("should still apply the recipient's investor rules", async function () {
      const { fund, escrow, bob, dave, spare } = await loadFixture(fundedEscrowFixture);
      const { token, compliance } = fund.contracts;
      await expect(token.connect(escrow).transfer(bob.address, tokens("500") + 1n))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_ABOVE_MAX_HOLDING);
      await expect(token.connect(escrow).transfer(dave.address, MIN))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.MAX_INVESTORS_REACHED);
      const uma = spare[1];
      await register(fund, [
        { wallet: uma.address, identity: uma.address, country: COUNTRY.CU, classes: CLASS.accredited },
      ]);
      await expect(token.connect(escrow).transfer(uma.address, MIN))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_COUNTRY_RESTRICTED);
    });

    it("should move freely to another account of the fund", async function () {
      const { fund, escrow } = await loadFixture(fundedEscrowFixture);
      const { token } = fund.contracts;
      const feeWallet = await token.feeWallet();
      await token.connect(escrow).transfer(feeWallet, tokens("5000"));
      expect(await token.balanceOf(feeWallet)).to.equal(tokens("5000"));
      expect(await fund.contracts.compliance.investorCount()).to.equal(BigInt(CAP));
    });
  });

  describe("when an investor sends to it", function () {
    it("should apply the investor's sender rules and the count, not the recipient's rules", async function () {
      const { fund, alice, escrow, wallets } = await loadFixture(protocolFixture);
      const { token, compliance } = fund.contracts;
      // Alice sends her whole position (the daily limit exactly): she is no longer counted.
      await expect(token.connect(alice).transfer(escrow.address, MAX))
        .to.emit(compliance, "InvestorCountChanged")
        .withArgs(CAP, CAP - 1);
      expect((await compliance.investorState(IDS.alice)).outflowUsed).to.equal(MAX);
      await expectConsistentAccounting(fund, [...wallets, escrow.address]);
    });

    it("should refuse what the investor's own rules refuse", async function () {
      const { fund, alice, bob, escrow } = await loadFixture(protocolFixture);
      const { token, compliance } = fund.contracts;
      await expect(token.connect(bob).transfer(escrow.address, tokens("400") + 1n))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.SENDER_BELOW_MIN_HOLDING);
      await issue(fund, bob.address, tokens("100"));
      // Bob: 500 unlocked and 100 locked.
      await expect(token.connect(bob).transfer(escrow.address, tokens("500") + 1n))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.TOKENS_LOCKED);
      // Alice sends 600 and gets them back from the escrow: her outflow still counts them.
      await token.connect(alice).transfer(escrow.address, tokens("600"));
      await token.connect(escrow).transfer(alice.address, tokens("600"));
      await expect(token.connect(alice).transfer(escrow.address, tokens("401")))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.DAILY_OUTFLOW_EXCEEDED);
    });
  });

  describe("sanctions", function () {
    async function sanctionedEscrowFixture() {
      const base = await loadFixture(fundedEscrowFixture);
      await act(base.fund, "complianceOfficer", base.fund.contracts.compliance, "setSanctioned", [
        [base.escrow.address],
        true,
      ]);
      return base;
    }

    it("should refuse a sanctioned account of the fund as sender with SENDER_SANCTIONED", async function () {
      const { fund, escrow, bob } = await loadFixture(sanctionedEscrowFixture);
      await expect(fund.contracts.token.connect(escrow).transfer(bob.address, MIN))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.SENDER_SANCTIONED);
    });

    it("should refuse it as recipient with RECIPIENT_SANCTIONED", async function () {
      const { fund, escrow, alice } = await loadFixture(sanctionedEscrowFixture);
      await expect(fund.contracts.token.connect(alice).transfer(escrow.address, MIN))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_SANCTIONED);
    });

    it("should refuse an issuance to it with RECIPIENT_SANCTIONED", async function () {
      const { fund, escrow } = await loadFixture(sanctionedEscrowFixture);
      await expect(issue(fund, escrow.address, MIN))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_SANCTIONED);
    });
  });

  describe("agent movements and accrual", function () {
    it("should keep the accounting exact across forced transfers, burns and the fee issuance", async function () {
      const { fund, alice, bob, escrow, wallets } = await loadFixture(fundedEscrowFixture);
      const { token, compliance } = fund.contracts;
      await act(fund, "transferAgent", token, "forcedTransfer", [escrow.address, alice.address, tokens("1")]);
      await act(fund, "transferAgent", token, "forcedTransfer", [bob.address, escrow.address, tokens("500")]);
      expect(await compliance.investorCount()).to.equal(BigInt(CAP - 1));
      await act(fund, "transferAgent", token, "burn", [escrow.address, tokens("1000")]);
      const feeWallet = await token.feeWallet();
      const feeSharesBefore = await token.sharesOf(feeWallet);
      await rebase(fund, "1.002");
      expect(await token.sharesOf(feeWallet)).to.be.gt(feeSharesBefore);
      expect((await compliance.investorState(feeWallet)).shares).to.equal(0n);
      await expectConsistentAccounting(fund, [...wallets, escrow.address, feeWallet]);
    });
  });
});
