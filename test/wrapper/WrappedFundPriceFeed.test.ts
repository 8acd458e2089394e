import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  DAY,
  NAV_UNIT,
  ONE,
  VIRTUAL_SHARES,
  WHOLE_SHARE,
  latestNav,
  nextBusinessDay,
  publishNavUnits,
  wrapperFixture,
} from "./fixtures";

/** Fund-token decimals (18) minus feed decimals (8). */
const TO_FEED = 10n ** 10n;
/** Fee proration denominator of FundToken.accrue: basis points x seconds per year. */
const FEE_DENOMINATOR = 10_000n * 365n * BigInt(DAY);

/** Alice wrapped 1,000,000 fund tokens before any accrual (index exactly 1). */
async function wrappedFixture() {
  const f = await loadFixture(wrapperFixture);
  await f.vault.connect(f.alice).deposit(1_000_000n * ONE, f.alice.address);
  return f;
}

describe("WrappedFundPriceFeed", function () {
  describe("constructor", function () {
    it("should read the vault, the fund token and the decimals", async function () {
      const { fund, vault, feed } = await loadFixture(wrapperFixture);
      expect(await feed.vault()).to.equal(await vault.getAddress());
      expect(await feed.fundToken()).to.equal(await fund.contracts.token.getAddress());
      expect(await feed.decimals()).to.equal(8);
      expect(await feed.DECIMALS()).to.equal(8);
      expect(await feed.version()).to.equal(1n);
      expect(await feed.description()).to.equal("wDTMF / USD");
    });

    it("should refuse a vault without code", async function () {
      const { outsider } = await loadFixture(wrapperFixture);
      const factory = await ethers.getContractFactory("WrappedFundPriceFeed");
      await expect(factory.deploy(outsider.address))
        .to.be.revertedWithCustomError(factory, "InvalidVault")
        .withArgs(outsider.address);
    });

    it("should refuse an asset with fewer decimals than the feed or more than 36", async function () {
      const factory = await ethers.getContractFactory("WrappedFundPriceFeed");
      for (const decimals of [6, 37]) {
        const asset = await (await ethers.getContractFactory("MockNavToken")).deploy(decimals);
        const vault = await (await ethers.getContractFactory("MockVault")).deploy(await asset.getAddress());
        await expect(factory.deploy(await vault.getAddress()))
          .to.be.revertedWithCustomError(factory, "UnsupportedDecimals")
          .withArgs(decimals);
      }
    });
  });

  describe("latestRoundData", function () {
    it("should report $1.00 for an empty vault, dated by the fund's baseline NAV round", async function () {
      const { fund, feed } = await loadFixture(wrapperFixture);
      const applied = await fund.contracts.token.appliedNav();
      const [roundId, answer, startedAt, updatedAt, answeredInRound] = await feed.latestRoundData();
      expect(answer).to.equal(NAV_UNIT);
      expect(roundId).to.equal(applied.roundId);
      expect(answeredInRound).to.equal(applied.roundId);
      expect(startedAt).to.equal(applied.updatedAt);
      expect(updatedAt).to.equal(applied.updatedAt);
    });

    it("should equal the NAV-implied value of a wrapped token after each accrual", async function () {
      const { fund, vault, feed } = await loadFixture(wrappedFixture);
      const { token, navPublisher } = fund.contracts;
      const feeBps = await token.managementFeeBps();
      const vaultFundShares = await token.sharesOf(await vault.getAddress());
      const supply = await vault.totalSupply();
      // The index, modelled from the published NAV rounds alone (docs/TOKEN.md, "Daily accrual").
      let modelIndex = ONE;
      let last = await token.appliedNav();
      for (let day = 1; day <= 10; day++) {
        await nextBusinessDay(fund, BigInt(100 + 10 * day));
        const applied = await token.appliedNav();
        const gross = (modelIndex * applied.nav) / last.nav;
        const feeTime = feeBps * (applied.updatedAt - last.updatedAt);
        modelIndex = (gross * (FEE_DENOMINATOR - feeTime)) / FEE_DENOMINATOR;
        last = applied;
        expect(await token.index()).to.equal(modelIndex);

        const assets = (vaultFundShares * modelIndex) / ONE;
        const expected = (WHOLE_SHARE * (assets + 1n)) / (supply + VIRTUAL_SHARES) / TO_FEED;
        const [roundId, answer, , updatedAt, answeredInRound] = await feed.latestRoundData();
        expect(answer).to.equal(expected);
        expect(answer).to.equal((await vault.convertToAssets(WHOLE_SHARE)) / TO_FEED);
        // One whole wrapped token was one fund token at index 1: its value is the index, to the feed's precision.
        const byIndex = modelIndex / TO_FEED;
        expect(answer >= byIndex - 1n && answer <= byIndex).to.equal(true);
        // Dated by the NAV round the fund applied, not by the accrual's block.
        const published = await navPublisher!.latestRoundData();
        expect(roundId).to.equal(published[0]);
        expect(answeredInRound).to.equal(published[0]);
        expect(updatedAt).to.equal(published[3]);
      }
      const [, finalAnswer] = await feed.latestRoundData();
      expect(finalAnswer).to.be.greaterThan(NAV_UNIT);
    });

    it("should keep the last applied round while a published NAV waits for the accrual", async function () {
      const { fund, feed } = await loadFixture(wrappedFixture);
      await nextBusinessDay(fund);
      const before = await feed.latestRoundData();
      await time.increase(DAY);
      await fund
        .as("navPublisher")
        .on(fund.contracts.reservePublisher!)
        .publish(10_000_000n * NAV_UNIT);
      const nav = await latestNav(fund);
      await publishNavUnits(fund, nav + nav / 10_000n);
      expect(await feed.latestRoundData()).to.deep.equal(before);
      await fund.contracts.token.accrue();
      const after = await feed.latestRoundData();
      expect(after[0]).to.equal(before[0] + 1n);
      expect(after[1]).to.be.greaterThan(before[1]);
      expect(after[3]).to.be.greaterThan(before[3]);
    });

    it("should rise, within the same round, when fund tokens are donated to the vault", async function () {
      const { fund, vault, feed, bob } = await loadFixture(wrappedFixture);
      const [roundId, answer] = await feed.latestRoundData();
      await fund.contracts.token.connect(bob).transfer(await vault.getAddress(), 10_000n * ONE);
      const [roundAfter, answerAfter] = await feed.latestRoundData();
      expect(roundAfter).to.equal(roundId);
      const assets = await vault.totalAssets();
      const supply = await vault.totalSupply();
      expect(answerAfter).to.equal((WHOLE_SHARE * (assets + 1n)) / (supply + VIRTUAL_SHARES) / TO_FEED);
      // 10,000 donated over 1,000,000 wrapped: +1%, less the vault's rounding down.
      expect(answerAfter).to.equal(answer + answer / 100n - 1n);
    });

    describe("when the fund has applied no NAV round", function () {
      it("should revert with NoNavApplied", async function () {
        const asset = await (await ethers.getContractFactory("MockNavToken")).deploy(18);
        const vault = await (await ethers.getContractFactory("MockVault")).deploy(await asset.getAddress());
        const feed = await (
          await ethers.getContractFactory("WrappedFundPriceFeed")
        ).deploy(await vault.getAddress());
        await expect(feed.latestRoundData()).to.be.revertedWithCustomError(feed, "NoNavApplied");
        await expect(feed.getRoundData(0)).to.be.revertedWithCustomError(feed, "NoNavApplied");
        await asset.setAppliedNav(NAV_UNIT, 1_700_000_000, 7);
        const [roundId, answer, , updatedAt] = await feed.latestRoundData();
        expect([roundId, answer, updatedAt]).to.deep.equal([7n, NAV_UNIT, 1_700_000_000n]);
      });
    });
  });

  describe("getRoundData", function () {
    it("should answer the latest round like latestRoundData", async function () {
      const { fund, feed } = await loadFixture(wrappedFixture);
      await nextBusinessDay(fund);
      const latest = await feed.latestRoundData();
      expect(await feed.getRoundData(latest[0])).to.deep.equal(latest);
    });

    describe("when the round is not the latest", function () {
      it("should revert with RoundNotAvailable", async function () {
        const { fund, feed } = await loadFixture(wrappedFixture);
        await nextBusinessDay(fund);
        const [latest] = await feed.latestRoundData();
        await expect(feed.getRoundData(latest - 1n))
          .to.be.revertedWithCustomError(feed, "RoundNotAvailable")
          .withArgs(latest - 1n, latest);
        await expect(feed.getRoundData(latest + 1n))
          .to.be.revertedWithCustomError(feed, "RoundNotAvailable")
          .withArgs(latest + 1n, latest);
      });
    });
  });
});
