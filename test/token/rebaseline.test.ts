import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import {
  DAY,
  ISSUER_DELAY,
  ONE,
  accrualModel,
  expectShareInvariants,
  latestRound,
  publishNavAnswer,
  rebasedFixture,
  refreshReserves,
  tx,
  wad,
  type InvestorsFixture,
} from "./fixtures";
import type { MockV3Aggregator } from "../../typechain-types";

const issuer = (f: InvestorsFixture) => f.fund.as("issuer");

/** A Chainlink-style aggregator with 18 decimals, its first round not yet set. */
async function deployAggregator18(): Promise<MockV3Aggregator> {
  const factory = await ethers.getContractFactory("MockV3Aggregator");
  return (await factory.deploy(18, 1n)) as unknown as MockV3Aggregator;
}

/** Sets the aggregator's latest round (answeredInRound == roundId) at the current time. */
async function setRound(feed: MockV3Aggregator, roundId: bigint, answer: bigint) {
  const now = (await time.latest()) + 1;
  await feed.updateRoundData(roundId, answer, now, now);
  return { roundId, answer, updatedAt: BigInt(now) };
}

/** Everything the re-baseline must leave alone. */
async function balancesOf(f: InvestorsFixture) {
  return {
    index: await f.token.index(),
    totalShares: await f.token.totalShares(),
    totalSupply: await f.token.totalSupply(),
    alice: await f.token.sharesOf(f.alice.address),
    fee: await f.token.sharesOf(f.feeWallet),
  };
}

/**
 * The rebased fund whose NAV oracle the issuer switched (behind its delay) from the 8-decimal NAV publisher to an
 * 18-decimal feed quoting the NAV per 100 shares: its first round, 100.18, is a day of growth after the last
 * applied NAV (1.0017 per share), on another scale.
 */
async function switchedScaleFixture() {
  const f = await loadFixture(rebasedFixture);
  const feed = await deployAggregator18();
  await issuer(f)
    .now(f.fund.contracts.navOracle)
    .setFeed(await feed.getAddress());
  const first = await setRound(feed, 1n, 10_018n * 10n ** 16n);
  await refreshReserves(f.fund);
  return { ...f, feed, first };
}

describe("FundToken: rebaselineNav (issue 16 finding 8)", function () {
  describe("when the NAV feed was switched to another scale", function () {
    it("should leave the accrual refused by the oracle's change bound until the re-baseline", async function () {
      const f = await loadFixture(switchedScaleFixture);
      const applied = await f.token.appliedNav();
      await expect(f.token.accrue())
        .to.be.revertedWithCustomError(f.fund.contracts.navOracle, "NavChangeTooLarge")
        .withArgs(applied.nav, f.first.answer, f.first.updatedAt - applied.updatedAt, 10);
    });

    it("should re-base the applied NAV on the new round, with the index, balances and fee untouched", async function () {
      const f = await loadFixture(switchedScaleFixture);
      const applied = await f.token.appliedNav();
      const before = await balancesOf(f);
      await issuer(f).on(f.token).rebaselineNav();
      await time.increase(ISSUER_DELAY);
      const t = tx(issuer(f).executeOn(f.token).rebaselineNav());
      await expect(t)
        .to.emit(f.token, "NavRebaselined")
        .withArgs(
          applied.roundId,
          applied.nav,
          applied.updatedAt,
          f.first.roundId,
          f.first.answer,
          f.first.updatedAt,
        );
      await expect(t).not.to.emit(f.token, "Transfer");
      await expect(t).not.to.emit(f.token, "YieldAccrued");
      expect(await balancesOf(f)).to.deep.equal(before);
      const rebased = await f.token.appliedNav();
      expect([rebased.roundId, rebased.nav, rebased.updatedAt]).to.deep.equal([
        f.first.roundId,
        f.first.answer,
        f.first.updatedAt,
      ]);
    });

    it("should then let the next round move the index by the real growth only (net of the fee)", async function () {
      const f = await loadFixture(switchedScaleFixture);
      await issuer(f).now(f.token).rebaselineNav();
      const base = await f.token.appliedNav();
      await refreshReserves(f.fund);
      // After the issuer's delay, 100.18 -> 100.19 per 100 shares: about 1 bp of growth.
      const next = await setRound(f.feed, 2n, 10_019n * 10n ** 16n);
      const before = await balancesOf(f);
      const m = accrualModel({
        index: before.index,
        totalShares: before.totalShares,
        lastNav: base.nav,
        nav: next.answer,
        lastUpdatedAt: base.updatedAt,
        updatedAt: next.updatedAt,
      });
      await expect(f.token.accrue())
        .to.emit(f.token, "YieldAccrued")
        .withArgs(
          next.roundId,
          next.answer,
          before.index,
          m.newIndex,
          m.holdersSupplyChange,
          m.feeSharesAmount,
          m.feeShares,
        );
      expect(await f.token.index()).to.equal(m.newIndex);
      // The gross index grew exactly as the NAV on the new scale did: 100.19 / 100.18.
      expect(m.grossIndex).to.equal((before.index * 10_019n) / 10_018n);
      expect(m.newIndex).to.be.greaterThan(before.index);
      expect(await f.token.sharesOf(f.feeWallet)).to.equal(before.fee + m.feeShares);
      await expectShareInvariants(f.token, [f.alice.address, f.bob.address, f.carol.address, f.feeWallet]);
    });

    it("should re-base on a lower scale too (the oracle refuses it as a decrease)", async function () {
      const f = await loadFixture(rebasedFixture);
      const feed = await deployAggregator18();
      await issuer(f)
        .now(f.fund.contracts.navOracle)
        .setFeed(await feed.getAddress());
      // NAV per 1/100 share: 0.010018.
      const first = await setRound(feed, 1n, 10_018n * 10n ** 12n);
      const applied = await f.token.appliedNav();
      await expect(f.token.accrue())
        .to.be.revertedWithCustomError(f.fund.contracts.navOracle, "NavDecreaseNotAllowed")
        .withArgs(applied.nav, first.answer);
      const index = await f.token.index();
      await expect(tx(issuer(f).now(f.token).rebaselineNav()))
        .to.emit(f.token, "NavRebaselined")
        .withArgs(applied.roundId, applied.nav, applied.updatedAt, 1n, first.answer, first.updatedAt);
      expect(await f.token.index()).to.equal(index);
    });

    it("should re-base while the token is paused (it moves no balance)", async function () {
      const f = await loadFixture(switchedScaleFixture);
      await f.fund.as("guardian").on(f.token).pause();
      await expect(tx(issuer(f).now(f.token).rebaselineNav())).to.emit(f.token, "NavRebaselined");
      expect(await f.token.paused()).to.equal(true);
    });
  });

  describe("when the feed was switched to other decimals on the same scale", function () {
    it("should need no re-baseline: the oracle scales the answers to 18 decimals and the accrual applies", async function () {
      const f = await loadFixture(rebasedFixture);
      const feed = await deployAggregator18();
      await issuer(f)
        .now(f.fund.contracts.navOracle)
        .setFeed(await feed.getAddress());
      const applied = await f.token.appliedNav();
      // 1.0017 published by the 8-decimal publisher, 1.0018 by the 18-decimal feed.
      expect(applied.nav).to.equal(wad(100_170_000n));
      const round = await setRound(feed, 1n, 10_018n * 10n ** 14n);
      await refreshReserves(f.fund);
      await expect(issuer(f).now(f.token).rebaselineNav())
        .to.be.revertedWithCustomError(f.token, "NavRebaselineNotNeeded")
        .withArgs(round.roundId);
      await expect(f.token.accrue()).to.emit(f.token, "YieldAccrued");
      expect(await f.token.index()).to.be.greaterThan(ONE);
    });
  });

  describe("when the re-baseline is not needed or not possible", function () {
    it("should refuse a round the oracle accepts with NavRebaselineNotNeeded and change nothing", async function () {
      const f = await loadFixture(rebasedFixture);
      const last = await latestRound(f.fund.contracts.navPublisher!);
      await time.increase(DAY);
      const round = await publishNavAnswer(f.fund, last.answer + 10_000n);
      const applied = await f.token.appliedNav();
      await expect(issuer(f).now(f.token).rebaselineNav())
        .to.be.revertedWithCustomError(f.token, "NavRebaselineNotNeeded")
        .withArgs(round.roundId);
      expect(await f.token.appliedNav()).to.deep.equal(applied);
    });

    it("should refuse a NAV move beyond the oracle's bound that is no change of scale with NavRebaselineNotAScaleChange", async function () {
      const f = await loadFixture(rebasedFixture);
      const applied = await f.token.appliedNav();
      // 1 bp an hour after the applied round: above the 10 bps a day bound, a NAV move all the same.
      await time.increaseTo(Number(applied.updatedAt) + 3_600);
      const last = await latestRound(f.fund.contracts.navPublisher!);
      await issuer(f).on(f.token).rebaselineNav();
      const round = await publishNavAnswer(f.fund, last.answer + 10_000n);
      await expect(f.token.accrue()).to.be.revertedWithCustomError(
        f.fund.contracts.navOracle,
        "NavChangeTooLarge",
      );
      await time.increase(ISSUER_DELAY);
      await expect(issuer(f).executeOn(f.token).rebaselineNav())
        .to.be.revertedWithCustomError(f.token, "NavRebaselineNotAScaleChange")
        .withArgs(applied.nav, wad(round.answer));
      // Twice or half the applied NAV is the smallest change of scale accepted (the refused operation stays
      // scheduled: the issuer executes it again).
      const feed = await deployAggregator18();
      await issuer(f)
        .now(f.fund.contracts.navOracle)
        .setFeed(await feed.getAddress());
      await setRound(feed, 1n, 2n * applied.nav - 1n);
      await expect(issuer(f).executeOn(f.token).rebaselineNav())
        .to.be.revertedWithCustomError(f.token, "NavRebaselineNotAScaleChange")
        .withArgs(applied.nav, 2n * applied.nav - 1n);
      await setRound(feed, 2n, applied.nav / 2n + 1n);
      await expect(issuer(f).executeOn(f.token).rebaselineNav())
        .to.be.revertedWithCustomError(f.token, "NavRebaselineNotAScaleChange")
        .withArgs(applied.nav, applied.nav / 2n + 1n);
      await setRound(feed, 3n, 2n * applied.nav);
      await expect(tx(issuer(f).executeOn(f.token).rebaselineNav()))
        .to.emit(f.token, "NavRebaselined")
        .withArgs(applied.roundId, applied.nav, applied.updatedAt, 3n, 2n * applied.nav, anyValue);
    });

    it("should refuse when the applied round is still the latest with the oracle's NavRoundAlreadyApplied", async function () {
      const f = await loadFixture(rebasedFixture);
      const applied = await f.token.appliedNav();
      await expect(issuer(f).now(f.token).rebaselineNav())
        .to.be.revertedWithCustomError(f.fund.contracts.navOracle, "NavRoundAlreadyApplied")
        .withArgs(applied.updatedAt);
    });

    it("should refuse a stale round with the oracle's NavStale", async function () {
      const f = await loadFixture(switchedScaleFixture);
      await issuer(f).on(f.token).rebaselineNav();
      await time.increaseTo(Number(f.first.updatedAt) + 4 * DAY + 1);
      const applied = await f.token.appliedNav();
      await expect(issuer(f).executeOn(f.token).rebaselineNav())
        .to.be.revertedWithCustomError(f.fund.contracts.navOracle, "NavStale")
        .withArgs(f.first.roundId, f.first.updatedAt, 4 * DAY, anyValue);
      expect(await f.token.appliedNav()).to.deep.equal(applied);
    });

    it("should refuse anyone but the ISSUER with AccessManagedUnauthorized", async function () {
      const f = await loadFixture(switchedScaleFixture);
      await expect(f.token.connect(f.outsider).rebaselineNav())
        .to.be.revertedWithCustomError(f.tokenImpl, "AccessManagedUnauthorized")
        .withArgs(f.outsider.address);
    });
  });
});
