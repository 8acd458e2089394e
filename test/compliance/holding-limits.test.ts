import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  DEPLOYED_RULES,
  IDS,
  R,
  RULES,
  castFixture,
  complianceAdmin,
  configure,
  expectConsistentAccounting,
  issue,
  rebase,
  tokens,
} from "./helpers";

const MIN = tokens("100");
const MAX = tokens("1000");

/** Holding limits of 100 to 1,000 tokens; nothing issued. */
async function limitsFixture() {
  const cast = await loadFixture(castFixture);
  await configure(cast.fund, "setHoldingLimits", [MIN, MAX]);
  return cast;
}

/** The limits with Bob holding the maximum and Alice 500 on her first wallet. */
async function holdersFixture() {
  const base = await loadFixture(limitsFixture);
  await issue(base.fund, base.bob.address, MAX);
  await issue(base.fund, base.alice.address, tokens("500"));
  return base;
}

describe("ModularCompliance: holding limits rule", function () {
  it("should be deployed with 1 to 100,000,000 tokens", async function () {
    const { fund } = await loadFixture(castFixture);
    const l = await fund.contracts.compliance.limits();
    expect([l.minHolding, l.maxHolding]).to.deep.equal([tokens("1"), tokens("100000000")]);
  });

  describe("on issuance", function () {
    it("should accept a position of exactly the maximum", async function () {
      const { fund, carol } = await loadFixture(limitsFixture);
      await issue(fund, carol.address, MAX);
      expect(await fund.contracts.token.balanceOf(carol.address)).to.equal(MAX);
    });

    it("should refuse one wei over the maximum with RECIPIENT_ABOVE_MAX_HOLDING", async function () {
      const { fund, carol } = await loadFixture(limitsFixture);
      await expect(issue(fund, carol.address, MAX + 1n))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_ABOVE_MAX_HOLDING);
    });

    it("should refuse a top-up taking a position one wei over the maximum", async function () {
      const { fund, alice } = await loadFixture(holdersFixture);
      await issue(fund, alice.address, tokens("500"));
      await expect(issue(fund, alice.address, 1n))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_ABOVE_MAX_HOLDING);
    });

    it("should accept a first position of exactly the minimum", async function () {
      const { fund, carol } = await loadFixture(limitsFixture);
      await issue(fund, carol.address, MIN);
      expect(await fund.contracts.token.balanceOf(carol.address)).to.equal(MIN);
    });

    it("should refuse a first position one wei under the minimum with RECIPIENT_BELOW_MIN_HOLDING", async function () {
      const { fund, carol } = await loadFixture(limitsFixture);
      await expect(issue(fund, carol.address, MIN - 1n))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_BELOW_MIN_HOLDING);
    });

    it("should accept a top-up smaller than the minimum to a position above it", async function () {
      const { fund, alice } = await loadFixture(holdersFixture);
      await issue(fund, alice.address, 1n);
      expect(await fund.contracts.token.balanceOf(alice.address)).to.equal(tokens("500") + 1n);
    });
  });

  describe("on a transfer, for the recipient", function () {
    it("should accept reaching exactly the maximum", async function () {
      const { fund, alice, carol } = await loadFixture(holdersFixture);
      await issue(fund, carol.address, tokens("600"));
      await fund.contracts.token.connect(carol).transfer(alice.address, tokens("500"));
      expect(await fund.contracts.token.balanceOf(alice.address)).to.equal(MAX);
    });

    it("should refuse one wei over the maximum with RECIPIENT_ABOVE_MAX_HOLDING", async function () {
      const { fund, alice, carol } = await loadFixture(holdersFixture);
      await issue(fund, carol.address, tokens("700"));
      await expect(fund.contracts.token.connect(carol).transfer(alice.address, tokens("500") + 1n))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_ABOVE_MAX_HOLDING);
    });

    it("should refuse a new position one wei under the minimum with RECIPIENT_BELOW_MIN_HOLDING", async function () {
      const { fund, bob, carol } = await loadFixture(holdersFixture);
      await expect(fund.contracts.token.connect(bob).transfer(carol.address, MIN - 1n))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_BELOW_MIN_HOLDING);
      await fund.contracts.token.connect(bob).transfer(carol.address, MIN);
      expect(await fund.contracts.token.balanceOf(carol.address)).to.equal(MIN);
    });
  });

  describe("on a transfer, for the sender", function () {
    it("should accept keeping exactly the minimum", async function () {
      const { fund, bob, carol } = await loadFixture(holdersFixture);
      await fund.contracts.token.connect(bob).transfer(carol.address, MAX - MIN);
      expect(await fund.contracts.token.balanceOf(bob.address)).to.equal(MIN);
    });

    it("should refuse keeping one wei under the minimum with SENDER_BELOW_MIN_HOLDING", async function () {
      const { fund, bob, carol } = await loadFixture(holdersFixture);
      await expect(fund.contracts.token.connect(bob).transfer(carol.address, MAX - MIN + 1n))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.SENDER_BELOW_MIN_HOLDING);
    });

    it("should accept leaving nothing", async function () {
      const { fund, bob, carol, wallets } = await loadFixture(holdersFixture);
      await fund.contracts.token.connect(bob).transfer(carol.address, MAX);
      expect(await fund.contracts.token.balanceOf(bob.address)).to.equal(0n);
      expect((await fund.contracts.compliance.investorState(IDS.bob)).shares).to.equal(0n);
      await expectConsistentAccounting(fund, wallets);
    });

    it("should check the sender before the recipient", async function () {
      const { fund, alice, bob } = await loadFixture(holdersFixture);
      // Bob would keep less than the minimum and Alice would exceed the maximum: the sender's code wins.
      await expect(fund.contracts.token.connect(bob).transfer(alice.address, MAX - MIN + 1n))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.SENDER_BELOW_MIN_HOLDING);
    });
  });

  describe("with two wallets of one investor", function () {
    it("should compare the sum of the wallets with the maximum", async function () {
      const { fund, alice2, bob } = await loadFixture(holdersFixture);
      // Alice holds 500 on her first wallet: her second may receive 500, not 500 and one wei.
      await expect(fund.contracts.token.connect(bob).transfer(alice2.address, tokens("500") + 1n))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_ABOVE_MAX_HOLDING);
      await fund.contracts.token.connect(bob).transfer(alice2.address, tokens("500"));
      expect((await fund.contracts.compliance.investorState(IDS.alice)).shares).to.equal(MAX);
    });

    it("should compare the sum of the wallets with the minimum", async function () {
      const { fund, alice, alice2, carol, wallets } = await loadFixture(holdersFixture);
      const { token, compliance } = fund.contracts;
      await issue(fund, carol.address, tokens("600"));
      await token.connect(alice).transfer(alice2.address, tokens("450"));
      // Alice: 50 + 450. A first wallet emptied is fine: 450 remain in total.
      await token.connect(alice).transfer(carol.address, tokens("50"));
      // 350 more from the second wallet keep exactly the minimum; one wei more does not.
      await expect(token.connect(alice2).transfer(carol.address, tokens("350") + 1n))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.SENDER_BELOW_MIN_HOLDING);
      await token.connect(alice2).transfer(carol.address, tokens("350"));
      expect((await compliance.investorState(IDS.alice)).shares).to.equal(MIN);
      await expectConsistentAccounting(fund, wallets);
    });

    it("should not apply the limits to a move between the investor's own wallets", async function () {
      const { fund, alice, alice2 } = await loadFixture(holdersFixture);
      // 499.99... left on one wallet and one wei on the other: the investor's position does not change.
      await fund.contracts.token.connect(alice).transfer(alice2.address, 1n);
      expect(await fund.contracts.token.balanceOf(alice2.address)).to.equal(1n);
    });
  });

  describe("after a rebase that grows balances", function () {
    async function rebasedFixture() {
      const base = await loadFixture(holdersFixture);
      const index = await rebase(base.fund, "1.003");
      return { ...base, index };
    }

    it("should let a position at the maximum exceed it by the yield alone", async function () {
      const { fund, bob, index } = await loadFixture(rebasedFixture);
      const balance = await fund.contracts.token.balanceOf(bob.address);
      expect(index).to.be.gt(10n ** 18n);
      expect(balance).to.be.gt(MAX);
      expect(balance).to.equal((MAX * index) / 10n ** 18n);
    });

    it("should refuse the next inflow with RECIPIENT_ABOVE_MAX_HOLDING", async function () {
      const { fund, alice, bob } = await loadFixture(rebasedFixture);
      await expect(fund.contracts.token.connect(alice).transfer(bob.address, tokens("1")))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_ABOVE_MAX_HOLDING);
      await expect(issue(fund, bob.address, tokens("1")))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_ABOVE_MAX_HOLDING);
    });

    it("should compare live token value: a position below the maximum in shares may be full in tokens", async function () {
      const { fund, alice, carol } = await loadFixture(rebasedFixture);
      const { token } = fund.contracts;
      const room = MAX - (await token.balanceOf(alice.address));
      await issue(fund, carol.address, tokens("600"));
      await expect(token.connect(carol).transfer(alice.address, room + 1n))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_ABOVE_MAX_HOLDING);
      await token.connect(carol).transfer(alice.address, room);
      // The recipient's position is its shares at the index, rounded down: at most the maximum.
      expect(await token.balanceOf(alice.address)).to.be.lte(MAX);
      expect(await token.balanceOf(alice.address)).to.be.gte(MAX - 1n);
    });

    it("should let the holder above the maximum send, and receive again once below it", async function () {
      const { fund, alice, bob, wallets } = await loadFixture(rebasedFixture);
      const { token } = fund.contracts;
      await token.connect(bob).transfer(alice.address, tokens("10"));
      await token.connect(alice).transfer(bob.address, tokens("5"));
      expect(await token.balanceOf(bob.address)).to.be.lte(MAX);
      await expectConsistentAccounting(fund, wallets);
    });
  });

  describe("when the rule is off", function () {
    it("should accept positions outside the limits", async function () {
      const { fund, bob, carol } = await loadFixture(holdersFixture);
      await configure(fund, "setRules", [DEPLOYED_RULES & ~RULES.HOLDING_LIMITS]);
      await issue(fund, bob.address, tokens("1"));
      await fund.contracts.token.connect(bob).transfer(carol.address, tokens("1"));
      expect(await fund.contracts.token.balanceOf(bob.address)).to.equal(MAX);
    });
  });

  describe("with a minimum and no maximum", function () {
    it("should accept any position above the minimum", async function () {
      const { fund, carol } = await loadFixture(limitsFixture);
      await configure(fund, "setHoldingLimits", [MIN, 0]);
      await issue(fund, carol.address, tokens("5000000"));
      await issue(fund, carol.address, 1n);
      expect(await fund.contracts.token.balanceOf(carol.address)).to.equal(tokens("5000000") + 1n);
    });
  });

  describe("setHoldingLimits", function () {
    it("should set both limits and emit HoldingLimitsChanged with old and new values", async function () {
      const { fund } = await loadFixture(castFixture);
      const { compliance } = fund.contracts;
      await expect(configure(fund, "setHoldingLimits", [MIN, MAX]))
        .to.emit(compliance, "HoldingLimitsChanged")
        .withArgs(tokens("1"), MIN, tokens("100000000"), MAX);
      const l = await compliance.limits();
      expect([l.minHolding, l.maxHolding, l.maxInvestors]).to.deep.equal([MIN, MAX, 2000n]);
    });

    it("should accept a minimum equal to the maximum", async function () {
      const { fund } = await loadFixture(castFixture);
      await configure(fund, "setHoldingLimits", [MAX, MAX]);
      expect((await fund.contracts.compliance.limits()).minHolding).to.equal(MAX);
    });

    it("should refuse a minimum above the maximum with InvalidHoldingLimits", async function () {
      const { fund } = await loadFixture(castFixture);
      await expect(configure(fund, "setHoldingLimits", [MAX + 1n, MAX]))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "InvalidHoldingLimits")
        .withArgs(MAX + 1n, MAX);
    });

    it("should refuse clearing both limits while the rule is on with InvalidHoldingLimits", async function () {
      const { fund } = await loadFixture(castFixture);
      await expect(configure(fund, "setHoldingLimits", [0, 0]))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "InvalidHoldingLimits")
        .withArgs(0, 0);
    });

    it("should clear both limits while the rule is off, and then refuse the rule with RuleNotConfigured", async function () {
      const { fund } = await loadFixture(castFixture);
      const { compliance } = fund.contracts;
      await configure(fund, "setRules", [DEPLOYED_RULES & ~RULES.HOLDING_LIMITS]);
      await expect(configure(fund, "setHoldingLimits", [0, 0]))
        .to.emit(compliance, "HoldingLimitsChanged")
        .withArgs(tokens("1"), 0, tokens("100000000"), 0);
      await expect(configure(fund, "setRules", [DEPLOYED_RULES]))
        .to.be.revertedWithCustomError(compliance, "RuleNotConfigured")
        .withArgs(RULES.HOLDING_LIMITS);
    });

    it("should refuse a caller without the ISSUER role", async function () {
      const { fund, outsider } = await loadFixture(castFixture);
      await expect(fund.contracts.compliance.connect(outsider).setHoldingLimits(MIN, MAX))
        .to.be.revertedWithCustomError(complianceAdmin(fund), "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });
  });
});
