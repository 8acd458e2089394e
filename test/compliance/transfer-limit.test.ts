import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  DAY,
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
  rebase,
  timestampOf,
  tokens,
} from "./helpers";

const LIMIT = tokens("1000");

/** What the window forgets in `seconds` (the limit per day, pro rata, rounded down). */
const decay = (seconds: number) => (LIMIT * BigInt(seconds)) / BigInt(DAY);

/** A daily outflow limit of 1,000 tokens; Alice holds 5,000 on her first wallet, Bob 1,000. */
async function limitFixture() {
  const cast = await loadFixture(castFixture);
  const { fund, alice, bob } = cast;
  await configure(fund, "setMaxDailyOutflow", [LIMIT]);
  await issue(fund, alice.address, tokens("5000"));
  await issue(fund, bob.address, tokens("1000"));
  return cast;
}

/** The limit used up by Alice at `t0`. */
async function usedFixture() {
  const base = await loadFixture(limitFixture);
  const t0 = await timestampOf(
    await base.fund.contracts.token.connect(base.alice).transfer(base.bob.address, LIMIT),
  );
  return { ...base, t0 };
}

describe("ModularCompliance: transfer limit rule", function () {
  it("should be deployed with 10,000,000 tokens a day", async function () {
    const { fund } = await loadFixture(castFixture);
    expect((await fund.contracts.compliance.classAndFlow()).maxDailyOutflow).to.equal(tokens("10000000"));
  });

  describe("within one day", function () {
    it("should allow exactly the limit and record it", async function () {
      const { fund, t0 } = await loadFixture(usedFixture);
      const state = await fund.contracts.compliance.investorState(IDS.alice);
      expect([state.outflowUsed, state.outflowUpdatedAt]).to.deep.equal([LIMIT, BigInt(t0)]);
    });

    it("should refuse one wei over the limit with DAILY_OUTFLOW_EXCEEDED", async function () {
      const { fund, alice, bob } = await loadFixture(limitFixture);
      await expect(fund.contracts.token.connect(alice).transfer(bob.address, LIMIT + 1n))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.DAILY_OUTFLOW_EXCEEDED);
    });

    it("should refuse, one second later, one wei more than what decayed in that second", async function () {
      const { fund, alice, bob, t0 } = await loadFixture(usedFixture);
      await time.setNextBlockTimestamp(t0 + 1);
      await expect(fund.contracts.token.connect(alice).transfer(bob.address, decay(1) + 1n))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.DAILY_OUTFLOW_EXCEEDED);
    });

    it("should allow, one second later, exactly what decayed in that second", async function () {
      const { fund, alice, bob, t0 } = await loadFixture(usedFixture);
      expect(decay(1)).to.equal(11574074074074074n);
      await time.setNextBlockTimestamp(t0 + 1);
      await fund.contracts.token.connect(alice).transfer(bob.address, decay(1));
      expect((await fund.contracts.compliance.investorState(IDS.alice)).outflowUsed).to.equal(LIMIT);
    });

    it("should add up several transfers", async function () {
      const { fund, alice, bob, carol } = await loadFixture(limitFixture);
      const { token, compliance } = fund.contracts;
      await token.connect(alice).transfer(bob.address, tokens("400"));
      await token.connect(alice).transfer(carol.address, tokens("500"));
      await expect(token.connect(alice).transfer(bob.address, tokens("100") + tokens("1")))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.DAILY_OUTFLOW_EXCEEDED);
    });

    it("should not count what the investor receives", async function () {
      const { fund, alice, bob } = await loadFixture(usedFixture);
      await fund.contracts.token.connect(bob).transfer(alice.address, tokens("500"));
      expect((await fund.contracts.compliance.investorState(IDS.alice)).outflowUsed).to.equal(LIMIT);
      expect((await fund.contracts.compliance.investorState(IDS.bob)).outflowUsed).to.equal(tokens("500"));
    });
  });

  describe("as time passes (the window decays linearly over one day)", function () {
    it("should allow exactly half the limit 12 hours later", async function () {
      const { fund, alice, bob, t0 } = await loadFixture(usedFixture);
      await time.setNextBlockTimestamp(t0 + DAY / 2);
      await fund.contracts.token.connect(alice).transfer(bob.address, LIMIT / 2n);
      const state = await fund.contracts.compliance.investorState(IDS.alice);
      expect([state.outflowUsed, state.outflowUpdatedAt]).to.deep.equal([LIMIT, BigInt(t0 + DAY / 2)]);
    });

    it("should refuse half the limit and one wei 12 hours later", async function () {
      const { fund, alice, bob, t0 } = await loadFixture(usedFixture);
      await time.setNextBlockTimestamp(t0 + DAY / 2);
      await expect(fund.contracts.token.connect(alice).transfer(bob.address, LIMIT / 2n + 1n))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.DAILY_OUTFLOW_EXCEEDED);
    });

    it("should allow the whole limit again one day later", async function () {
      const { fund, alice, bob, t0 } = await loadFixture(usedFixture);
      await time.setNextBlockTimestamp(t0 + DAY);
      await fund.contracts.token.connect(alice).transfer(bob.address, LIMIT);
      expect((await fund.contracts.compliance.investorState(IDS.alice)).outflowUsed).to.equal(LIMIT);
    });

    it("should not let the window decay below zero", async function () {
      const { fund, alice, bob, t0 } = await loadFixture(usedFixture);
      await time.setNextBlockTimestamp(t0 + 10 * DAY);
      await expect(fund.contracts.token.connect(alice).transfer(bob.address, LIMIT + 1n))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.DAILY_OUTFLOW_EXCEEDED);
    });
  });

  describe("with several wallets of one investor", function () {
    it("should not count moves between the investor's own wallets", async function () {
      const { fund, alice, alice2, bob } = await loadFixture(limitFixture);
      const { token, compliance } = fund.contracts;
      await token.connect(alice).transfer(alice2.address, tokens("5000"));
      expect((await compliance.investorState(IDS.alice)).outflowUsed).to.equal(0n);
      await token.connect(alice2).transfer(bob.address, LIMIT);
      expect((await compliance.investorState(IDS.alice)).outflowUsed).to.equal(LIMIT);
    });

    it("should count the investor's outflow across its wallets", async function () {
      const { fund, alice, alice2, bob } = await loadFixture(limitFixture);
      const { token, compliance } = fund.contracts;
      await token.connect(alice).transfer(alice2.address, tokens("2000"));
      const t1 = await timestampOf(await token.connect(alice).transfer(bob.address, tokens("600")));
      await time.setNextBlockTimestamp(t1 + 1);
      await expect(token.connect(alice2).transfer(bob.address, tokens("400") + decay(1) + 1n))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.DAILY_OUTFLOW_EXCEEDED);
      await time.setNextBlockTimestamp(t1 + 2);
      await token.connect(alice2).transfer(bob.address, tokens("400") + decay(2));
      expect((await compliance.investorState(IDS.alice)).outflowUsed).to.equal(LIMIT);
    });
  });

  describe("agent movements", function () {
    it("should not count a forced transfer, nor block it", async function () {
      const { fund, alice, bob, wallets } = await loadFixture(usedFixture);
      const { token, compliance } = fund.contracts;
      await act(fund, "transferAgent", token, "forcedTransfer", [alice.address, bob.address, tokens("3000")]);
      expect((await compliance.investorState(IDS.alice)).outflowUsed).to.equal(LIMIT);
      await expectConsistentAccounting(fund, wallets);
    });

    it("should not count a burn", async function () {
      const { fund, alice } = await loadFixture(limitFixture);
      await act(fund, "transferAgent", fund.contracts.token, "burn", [alice.address, tokens("3000")]);
      expect((await fund.contracts.compliance.investorState(IDS.alice)).outflowUsed).to.equal(0n);
    });
  });

  describe("after a rebase", function () {
    it("should count token amounts, not shares", async function () {
      const { fund, alice, bob } = await loadFixture(limitFixture);
      const { token, compliance } = fund.contracts;
      const index = await rebase(fund, "1.002");
      expect(index).to.be.gt(10n ** 18n);
      const shares = await token.sharesOf(alice.address);
      const t1 = await timestampOf(await token.connect(alice).transfer(bob.address, LIMIT));
      // The limit in tokens moved fewer shares than tokens.
      expect(shares - (await token.sharesOf(alice.address))).to.be.lt(LIMIT);
      expect((await compliance.investorState(IDS.alice)).outflowUsed).to.equal(LIMIT);
      await time.setNextBlockTimestamp(t1 + 1);
      await expect(token.connect(alice).transfer(bob.address, decay(1) + 1n))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.DAILY_OUTFLOW_EXCEEDED);
    });
  });

  describe("when the rule is off", function () {
    it("should neither enforce nor record the outflow", async function () {
      const { fund, alice, bob } = await loadFixture(usedFixture);
      const { token, compliance } = fund.contracts;
      await configure(fund, "setRules", [DEPLOYED_RULES & ~RULES.TRANSFER_LIMIT]);
      const before = await compliance.investorState(IDS.alice);
      await token.connect(alice).transfer(bob.address, tokens("3000"));
      const after = await compliance.investorState(IDS.alice);
      expect([after.outflowUsed, after.outflowUpdatedAt]).to.deep.equal([
        before.outflowUsed,
        before.outflowUpdatedAt,
      ]);
    });
  });

  describe("setMaxDailyOutflow", function () {
    it("should set the limit and emit MaxDailyOutflowChanged(old, new)", async function () {
      const { fund } = await loadFixture(castFixture);
      const { compliance } = fund.contracts;
      await expect(configure(fund, "setMaxDailyOutflow", [LIMIT]))
        .to.emit(compliance, "MaxDailyOutflowChanged")
        .withArgs(tokens("10000000"), LIMIT);
      const cf = await compliance.classAndFlow();
      expect(cf.maxDailyOutflow).to.equal(LIMIT);
      // The class requirements sharing the word are untouched.
      expect(cf.requiredAny).to.equal(7n);
    });

    it("should refuse zero with InvalidMaxDailyOutflow", async function () {
      const { fund } = await loadFixture(castFixture);
      await expect(configure(fund, "setMaxDailyOutflow", [0]))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "InvalidMaxDailyOutflow")
        .withArgs(0);
    });

    it("should refuse a caller without the ISSUER role", async function () {
      const { fund, outsider } = await loadFixture(castFixture);
      await expect(fund.contracts.compliance.connect(outsider).setMaxDailyOutflow(LIMIT))
        .to.be.revertedWithCustomError(complianceAdmin(fund), "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });
  });
});
