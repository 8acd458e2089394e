import { expect } from "chai";
import { artifacts, ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { MockV3Aggregator, NavOracle } from "../../typechain-types";
import {
  DAY,
  ERC1967_IMPLEMENTATION_SLOT,
  FEED_DECIMALS,
  HOUR,
  ISSUER_DELAY,
  NAV_MAX_AGE,
  NAV_MAX_CHANGE_BPS_PER_DAY,
  ONE_18,
  ONE_8,
  RESERVES_8,
  UPGRADE_ENTRY_POINTS,
  UUPS,
  abiFunctionNames,
  deployAccessManager,
  deployAggregator,
  deployConsumer,
  deployMockFeed,
  deployNavOracle,
  deployNavPublisher,
  deployReserveGuard,
  navOracleFixture,
  nextFriday1600,
  scheduleWaitExecute,
  selectors,
  weekday,
  ROLES,
  DecimalsMode,
} from "./fixtures";

const BPS = 10_000n;
const BPS_PER_DAY = BigInt(NAV_MAX_CHANGE_BPS_PER_DAY);

/** The largest change nextNav accepts: floor(lastNav * bps * elapsed / (10_000 * 1 day)). */
function bound(lastNav: bigint, elapsed: number, bps: bigint = BPS_PER_DAY): bigint {
  return (lastNav * bps * BigInt(elapsed)) / (BPS * BigInt(DAY));
}

/** NavOracle fixture switched to an 18-decimal aggregator, so NAV values are exact to the wei. */
async function preciseFixture() {
  const base = await navOracleFixture();
  const precise = await deployAggregator(18, ONE_18);
  await base.oracle.connect(base.issuer).setFeed(precise);
  return { ...base, precise };
}

/** Sets the latest round of a MockV3Aggregator (answeredInRound == roundId, startedAt == updatedAt). */
async function setRound(feed: MockV3Aggregator, roundId: bigint, answer: bigint, updatedAt: number) {
  await feed.updateRoundData(roundId, answer, updatedAt, updatedAt);
}

function expectRound(
  round: { roundId: bigint; nav: bigint; updatedAt: bigint },
  roundId: bigint,
  nav: bigint,
  updatedAt: number,
) {
  expect(round.roundId).to.equal(roundId);
  expect(round.nav).to.equal(nav);
  expect(round.updatedAt).to.equal(BigInt(updatedAt));
}

describe("NavOracle", function () {
  describe("constructor", function () {
    it("should store the feed, its decimals, maxAge, the daily bound and the decrease policy", async function () {
      const { oracle, aggregator, manager } = await loadFixture(navOracleFixture);
      expect(await oracle.authority()).to.equal(await manager.getAddress());
      expect(await oracle.feed()).to.equal(await aggregator.getAddress());
      expect(await oracle.feedDecimals()).to.equal(FEED_DECIMALS);
      expect(await oracle.maxAge()).to.equal(NAV_MAX_AGE);
      expect(await oracle.maxChangeBpsPerDay()).to.equal(NAV_MAX_CHANGE_BPS_PER_DAY);
      expect(await oracle.allowDecrease()).to.equal(false);
    });

    it("should emit every configuration event with zero old values", async function () {
      const { manager, aggregator } = await loadFixture(navOracleFixture);
      const oracle = await deployNavOracle(manager, aggregator, NAV_MAX_AGE, 25, true);
      const [feedEvent] = await oracle.queryFilter(oracle.filters.NavFeedChanged());
      expect([...feedEvent.args]).to.deep.equal([ethers.ZeroAddress, await aggregator.getAddress(), 8n]);
      const [ageEvent] = await oracle.queryFilter(oracle.filters.MaxAgeChanged());
      expect([...ageEvent.args]).to.deep.equal([0n, BigInt(NAV_MAX_AGE)]);
      const [bpsEvent] = await oracle.queryFilter(oracle.filters.MaxChangeBpsPerDayChanged());
      expect([...bpsEvent.args]).to.deep.equal([0n, 25n]);
      const [decreaseEvent] = await oracle.queryFilter(oracle.filters.AllowDecreaseChanged());
      expect([...decreaseEvent.args]).to.deep.equal([false, true]);
    });

    describe("when the configuration is invalid", function () {
      it("should refuse a zero authority", async function () {
        const { aggregator, oracle } = await loadFixture(navOracleFixture);
        await expect(deployNavOracle(ethers.ZeroAddress, aggregator))
          .to.be.revertedWithCustomError(oracle, "InvalidNavOracleConfig")
          .withArgs("authority");
      });

      it("should refuse a zero feed", async function () {
        const { manager, oracle } = await loadFixture(navOracleFixture);
        await expect(deployNavOracle(manager, ethers.ZeroAddress))
          .to.be.revertedWithCustomError(oracle, "InvalidNavOracleConfig")
          .withArgs("feed");
      });

      it("should refuse a zero maxAge", async function () {
        const { manager, aggregator, oracle } = await loadFixture(navOracleFixture);
        await expect(deployNavOracle(manager, aggregator, 0))
          .to.be.revertedWithCustomError(oracle, "InvalidNavOracleConfig")
          .withArgs("maxAge");
      });

      for (const bps of [0, 10_001]) {
        it(`should refuse a daily bound of ${bps} bps`, async function () {
          const { manager, aggregator, oracle } = await loadFixture(navOracleFixture);
          await expect(deployNavOracle(manager, aggregator, NAV_MAX_AGE, bps))
            .to.be.revertedWithCustomError(oracle, "InvalidNavOracleConfig")
            .withArgs("maxChangeBpsPerDay");
        });
      }

      it("should refuse a feed address without code", async function () {
        const { manager, oracle, stranger } = await loadFixture(navOracleFixture);
        await expect(deployNavOracle(manager, stranger.address))
          .to.be.revertedWithCustomError(oracle, "InvalidNavOracleConfig")
          .withArgs("feed");
      });

      it("should refuse a feed whose decimals() reverts, and one with 37 decimals", async function () {
        const { manager, oracle, mockFeed } = await loadFixture(navOracleFixture);
        await mockFeed.setDecimalsMode(DecimalsMode.Reverts);
        await expect(deployNavOracle(manager, mockFeed))
          .to.be.revertedWithCustomError(oracle, "InvalidNavOracleConfig")
          .withArgs("feed");
        await mockFeed.setDecimalsMode(DecimalsMode.Normal);
        await mockFeed.setDecimals(37);
        await expect(deployNavOracle(manager, mockFeed))
          .to.be.revertedWithCustomError(oracle, "InvalidNavOracleConfig")
          .withArgs("feed");
      });
    });
  });

  describe("upgradeability", function () {
    it("should have no upgrade or initializer entry point", async function () {
      const names = await abiFunctionNames("NavOracle");
      expect(names).to.include("setAuthority");
      for (const name of UPGRADE_ENTRY_POINTS) {
        expect(names, name).to.not.include(name);
      }
    });

    it("should refuse an upgradeToAndCall call, even from the ISSUER, and keep its code", async function () {
      const { oracle, issuer } = await loadFixture(navOracleFixture);
      const code = await ethers.provider.getCode(oracle);
      const other = await deployNavOracle(await oracle.authority(), await oracle.feed());
      const data = UUPS.encodeFunctionData("upgradeToAndCall", [await other.getAddress(), "0x"]);
      await expect(issuer.sendTransaction({ to: oracle, data })).to.be.revertedWithoutReason();
      expect(await ethers.provider.getCode(oracle)).to.equal(code);
    });

    it("should be the contract itself, not a proxy", async function () {
      const { oracle } = await loadFixture(navOracleFixture);
      const { deployedBytecode } = await artifacts.readArtifact("NavOracle");
      expect(await ethers.provider.getCode(oracle)).to.equal(deployedBytecode);
      expect(await ethers.provider.getStorage(oracle, ERC1967_IMPLEMENTATION_SLOT)).to.equal(ethers.ZeroHash);
    });
  });

  describe("latestNav", function () {
    describe("when the latest round is valid", function () {
      it("should return its round id, its NAV in 18 decimals and its timestamp", async function () {
        const { oracle, aggregator } = await loadFixture(navOracleFixture);
        await aggregator.updateAnswer(100_012_345n);
        const updatedAt = await time.latest();
        expectRound(await oracle.latestNav(), 2n, 1_000_123_450_000_000_000n, updatedAt);
      });
    });

    describe("when feeds have other precisions than 18 decimals", function () {
      const cases: { decimals: number; answer: bigint; nav: bigint }[] = [
        { decimals: 0, answer: 2n, nav: 2n * ONE_18 },
        { decimals: 6, answer: 1_023_456n, nav: 1_023_456_000_000_000_000n },
        { decimals: 8, answer: 102_345_678n, nav: 1_023_456_780_000_000_000n },
        { decimals: 18, answer: 1_023_456_789_012_345_678n, nav: 1_023_456_789_012_345_678n },
        // Digits below 1e-18 are truncated: a NAV is never rounded up.
        { decimals: 20, answer: 102_345_678_901_234_567_899n, nav: 1_023_456_789_012_345_678n },
        {
          decimals: 36,
          answer: 1_500_000_000_000_000_000_999_999_999_999_999_999n,
          nav: 1_500_000_000_000_000_000n,
        },
      ];
      for (const { decimals, answer, nav } of cases) {
        it(`should scale a ${decimals}-decimal answer to 18 decimals`, async function () {
          const { oracle, issuer, aggregator } = await loadFixture(navOracleFixture);
          const feed = await deployAggregator(decimals, answer);
          await expect(oracle.connect(issuer).setFeed(feed))
            .to.emit(oracle, "NavFeedChanged")
            .withArgs(await aggregator.getAddress(), await feed.getAddress(), decimals);
          const { updatedAt } = await feed.latestRoundData();
          expectRound(await oracle.latestNav(), 1n, nav, Number(updatedAt));
        });
      }

      it("should refuse a positive answer that scales to zero", async function () {
        const { oracle, issuer } = await loadFixture(navOracleFixture);
        const feed = await deployAggregator(20, 99n);
        await oracle.connect(issuer).setFeed(feed);
        await expect(oracle.latestNav())
          .to.be.revertedWithCustomError(oracle, "NavNotPositive")
          .withArgs(1n, 99n);
      });

      it("should refuse an answer whose scaling would overflow with NavTooLarge", async function () {
        const { oracle, issuer, mockFeed } = await loadFixture(navOracleFixture);
        await oracle.connect(issuer).setFeed(mockFeed);
        const now = await time.latest();
        const overflowing = ethers.MaxUint256 / 10n ** 10n + 1n;
        await mockFeed.setRoundData(4, overflowing, now, now, 4);
        await expect(oracle.latestNav())
          .to.be.revertedWithCustomError(oracle, "NavTooLarge")
          .withArgs(4n, overflowing);
      });

      describe("issue 16 finding 8: a NAV above MAX_NAV (2^128 - 1)", function () {
        const MAX_NAV = 2n ** 128n - 1n;

        it("should publish MAX_NAV as 2^128 - 1", async function () {
          const { oracle } = await loadFixture(navOracleFixture);
          expect(await oracle.MAX_NAV()).to.equal(MAX_NAV);
        });

        it("should accept MAX_NAV exactly and refuse one wei more with NavTooLarge (18-decimal feed)", async function () {
          const { oracle, issuer, mockFeed } = await loadFixture(navOracleFixture);
          await mockFeed.setDecimals(18);
          await oracle.connect(issuer).setFeed(mockFeed);
          const now = await time.latest();
          await mockFeed.setRoundData(4, MAX_NAV, now, now, 4);
          expectRound(await oracle.latestNav(), 4n, MAX_NAV, now);
          expectRound(await oracle.nextNav(0, 0), 4n, MAX_NAV, now);
          await mockFeed.setRoundData(4, MAX_NAV + 1n, now, now, 4);
          await expect(oracle.latestNav())
            .to.be.revertedWithCustomError(oracle, "NavTooLarge")
            .withArgs(4n, MAX_NAV + 1n);
          await expect(oracle.nextNav(0, 0))
            .to.be.revertedWithCustomError(oracle, "NavTooLarge")
            .withArgs(4n, MAX_NAV + 1n);
        });

        it("should compare the scaled NAV with MAX_NAV (8-decimal feed)", async function () {
          const { oracle, issuer, mockFeed } = await loadFixture(navOracleFixture);
          await oracle.connect(issuer).setFeed(mockFeed);
          const now = await time.latest();
          const largest = MAX_NAV / 10n ** 10n;
          await mockFeed.setRoundData(4, largest, now, now, 4);
          expectRound(await oracle.latestNav(), 4n, largest * 10n ** 10n, now);
          await mockFeed.setRoundData(4, largest + 1n, now, now, 4);
          await expect(oracle.latestNav())
            .to.be.revertedWithCustomError(oracle, "NavTooLarge")
            .withArgs(4n, largest + 1n);
        });
      });

      it("should keep the decimals cached when the feed was set", async function () {
        const { oracle, issuer, mockFeed } = await loadFixture(navOracleFixture);
        await oracle.connect(issuer).setFeed(mockFeed);
        const now = await time.latest();
        await mockFeed.setRoundData(1, ONE_8, now, now, 1);
        await mockFeed.setDecimals(18);
        expect((await oracle.latestNav()).nav).to.equal(ONE_18);
        await oracle.connect(issuer).setFeed(mockFeed);
        expect(await oracle.feedDecimals()).to.equal(18);
        expect((await oracle.latestNav()).nav).to.equal(ONE_8);
      });
    });

    describe("when the answer is not positive", function () {
      for (const answer of [0n, -1n, -ONE_8]) {
        it(`should refuse an answer of ${answer}`, async function () {
          const { oracle, aggregator } = await loadFixture(navOracleFixture);
          await aggregator.updateAnswer(answer);
          await expect(oracle.latestNav())
            .to.be.revertedWithCustomError(oracle, "NavNotPositive")
            .withArgs(2n, answer);
        });
      }
    });

    describe("when the round has no timestamp", function () {
      it("should refuse it", async function () {
        const { oracle, aggregator } = await loadFixture(navOracleFixture);
        await aggregator.updateRoundData(5, ONE_8, 0, 0);
        await expect(oracle.latestNav())
          .to.be.revertedWithCustomError(oracle, "NavRoundNoTimestamp")
          .withArgs(5n);
      });
    });

    describe("when the round is incomplete", function () {
      it("should refuse a round answered in an earlier round", async function () {
        const { oracle, issuer, mockFeed } = await loadFixture(navOracleFixture);
        await oracle.connect(issuer).setFeed(mockFeed);
        const now = await time.latest();
        await mockFeed.setRoundData(7, ONE_8, now, now, 6);
        await expect(oracle.latestNav())
          .to.be.revertedWithCustomError(oracle, "NavRoundIncomplete")
          .withArgs(7n, 6n);
      });
    });

    describe("when the round is from the future", function () {
      it("should refuse it, and accept it once its time has come", async function () {
        const { oracle, aggregator } = await loadFixture(navOracleFixture);
        const updatedAt = (await time.latest()) + 60;
        await setRound(aggregator, 3n, ONE_8, updatedAt);
        await expect(oracle.latestNav())
          .to.be.revertedWithCustomError(oracle, "NavRoundFromFuture")
          .withArgs(3n, updatedAt, await time.latest());
        await time.increaseTo(updatedAt);
        expectRound(await oracle.latestNav(), 3n, ONE_18, updatedAt);
      });
    });

    describe("when the round is stale", function () {
      it("should accept it exactly maxAge old and refuse it one second later", async function () {
        const { oracle, aggregator } = await loadFixture(navOracleFixture);
        await aggregator.updateAnswer(ONE_8);
        const updatedAt = await time.latest();
        await time.increaseTo(updatedAt + NAV_MAX_AGE);
        expectRound(await oracle.latestNav(), 2n, ONE_18, updatedAt);
        await time.increaseTo(updatedAt + NAV_MAX_AGE + 1);
        await expect(oracle.latestNav())
          .to.be.revertedWithCustomError(oracle, "NavStale")
          .withArgs(2n, updatedAt, NAV_MAX_AGE, updatedAt + NAV_MAX_AGE + 1);
      });
    });

    describe("when the feed is the fund's NavPublisher", function () {
      it("should read it like a Chainlink feed", async function () {
        const { oracle, issuer, manager, publisher } = await loadFixture(navOracleFixture);
        const navPublisher = await deployNavPublisher(manager, 6, "FUND / USD NAV");
        await manager.setTargetFunctionRole(
          navPublisher,
          selectors(navPublisher, ["publish"]),
          ROLES.NAV_PUBLISHER,
        );
        await navPublisher.connect(publisher).publish(1_000_321n);
        const publishedAt = await time.latest();
        await oracle.connect(issuer).setFeed(navPublisher);
        expectRound(await oracle.latestNav(), 1n, 1_000_321_000_000_000_000n, publishedAt);
      });
    });
  });

  describe("nextNav", function () {
    describe("when nothing was applied yet (lastNav == 0)", function () {
      it("should return the latest round without relative checks", async function () {
        const { oracle, precise } = await loadFixture(preciseFixture);
        const updatedAt = (await time.latest()) + 10;
        await setRound(precise, 2n, 3n * ONE_18, updatedAt);
        await time.increaseTo(updatedAt);
        expectRound(await oracle.nextNav(0, updatedAt + 1000), 2n, 3n * ONE_18, updatedAt);
      });
    });

    describe("when the latest round itself is unusable", function () {
      it("should refuse it with the latestNav error", async function () {
        const { oracle, precise } = await loadFixture(preciseFixture);
        const updatedAt = Number((await precise.latestRoundData()).updatedAt);
        await time.increaseTo(updatedAt + NAV_MAX_AGE + 1);
        await expect(oracle.nextNav(ONE_18, updatedAt - DAY))
          .to.be.revertedWithCustomError(oracle, "NavStale")
          .withArgs(1n, updatedAt, NAV_MAX_AGE, updatedAt + NAV_MAX_AGE + 1);
      });
    });

    describe("when the latest round is not newer than the last applied one", function () {
      it("should refuse an older round as out of order", async function () {
        const { oracle, precise } = await loadFixture(preciseFixture);
        const lastUpdatedAt = (await time.latest()) + 100;
        await setRound(precise, 9n, ONE_18, lastUpdatedAt - 1);
        await time.increaseTo(lastUpdatedAt);
        await expect(oracle.nextNav(ONE_18, lastUpdatedAt))
          .to.be.revertedWithCustomError(oracle, "NavRoundOutOfOrder")
          .withArgs(lastUpdatedAt - 1, lastUpdatedAt);
      });

      it("should refuse the same round as already applied", async function () {
        const { oracle, precise } = await loadFixture(preciseFixture);
        const lastUpdatedAt = (await time.latest()) + 100;
        await setRound(precise, 9n, ONE_18, lastUpdatedAt);
        await time.increaseTo(lastUpdatedAt);
        await expect(oracle.nextNav(ONE_18, lastUpdatedAt))
          .to.be.revertedWithCustomError(oracle, "NavRoundAlreadyApplied")
          .withArgs(lastUpdatedAt);
      });
    });

    describe("when the NAV increases", function () {
      for (const elapsed of [DAY, 12 * HOUR]) {
        describe(`${elapsed / HOUR} hours after the last applied round`, function () {
          it("should accept a change exactly at the bound", async function () {
            const { oracle, precise } = await loadFixture(preciseFixture);
            const lastUpdatedAt = (await time.latest()) + 100;
            const nav = ONE_18 + bound(ONE_18, elapsed);
            expect(nav).to.equal(ONE_18 + (elapsed === DAY ? 5n * 10n ** 15n : 25n * 10n ** 14n));
            await setRound(precise, 2n, nav, lastUpdatedAt + elapsed);
            await time.increaseTo(lastUpdatedAt + elapsed);
            expectRound(await oracle.nextNav(ONE_18, lastUpdatedAt), 2n, nav, lastUpdatedAt + elapsed);
          });

          it("should refuse a change one wei over the bound", async function () {
            const { oracle, precise } = await loadFixture(preciseFixture);
            const lastUpdatedAt = (await time.latest()) + 100;
            const nav = ONE_18 + bound(ONE_18, elapsed) + 1n;
            await setRound(precise, 2n, nav, lastUpdatedAt + elapsed);
            await time.increaseTo(lastUpdatedAt + elapsed);
            await expect(oracle.nextNav(ONE_18, lastUpdatedAt))
              .to.be.revertedWithCustomError(oracle, "NavChangeTooLarge")
              .withArgs(ONE_18, nav, elapsed, NAV_MAX_CHANGE_BPS_PER_DAY);
          });
        });
      }

      it("should compare exactly when the bound is not a whole number of wei", async function () {
        const { oracle, precise } = await loadFixture(preciseFixture);
        const lastNav = 1_000_000_000_000_000_123n;
        const lastUpdatedAt = (await time.latest()) + 100;
        const edge = bound(lastNav, 1);
        expect((lastNav * BPS_PER_DAY) % (BPS * BigInt(DAY))).to.not.equal(0n);
        await setRound(precise, 2n, lastNav + edge, lastUpdatedAt + 1);
        await time.increaseTo(lastUpdatedAt + 1);
        expectRound(await oracle.nextNav(lastNav, lastUpdatedAt), 2n, lastNav + edge, lastUpdatedAt + 1);
        await setRound(precise, 3n, lastNav + edge + 1n, lastUpdatedAt + 1);
        await expect(oracle.nextNav(lastNav, lastUpdatedAt))
          .to.be.revertedWithCustomError(oracle, "NavChangeTooLarge")
          .withArgs(lastNav, lastNav + edge + 1n, 1, NAV_MAX_CHANGE_BPS_PER_DAY);
      });

      it("should accept an unchanged NAV", async function () {
        const { oracle, precise } = await loadFixture(preciseFixture);
        const lastUpdatedAt = (await time.latest()) + 100;
        await setRound(precise, 2n, ONE_18, lastUpdatedAt + 1);
        await time.increaseTo(lastUpdatedAt + 1);
        expectRound(await oracle.nextNav(ONE_18, lastUpdatedAt), 2n, ONE_18, lastUpdatedAt + 1);
      });
    });

    describe("when the NAV decreases", function () {
      describe("and decreases are not allowed", function () {
        it("should refuse a decrease of one wei", async function () {
          const { oracle, precise } = await loadFixture(preciseFixture);
          const lastUpdatedAt = (await time.latest()) + 100;
          await setRound(precise, 2n, ONE_18 - 1n, lastUpdatedAt + DAY);
          await time.increaseTo(lastUpdatedAt + DAY);
          await expect(oracle.nextNav(ONE_18, lastUpdatedAt))
            .to.be.revertedWithCustomError(oracle, "NavDecreaseNotAllowed")
            .withArgs(ONE_18, ONE_18 - 1n);
        });
      });

      describe("and decreases are allowed", function () {
        it("should accept a decrease exactly at the bound", async function () {
          const { oracle, precise, issuer } = await loadFixture(preciseFixture);
          await oracle.connect(issuer).setAllowDecrease(true);
          const lastUpdatedAt = (await time.latest()) + 100;
          const nav = ONE_18 - bound(ONE_18, DAY);
          await setRound(precise, 2n, nav, lastUpdatedAt + DAY);
          await time.increaseTo(lastUpdatedAt + DAY);
          expectRound(await oracle.nextNav(ONE_18, lastUpdatedAt), 2n, nav, lastUpdatedAt + DAY);
        });

        it("should refuse a decrease one wei over the bound", async function () {
          const { oracle, precise, issuer } = await loadFixture(preciseFixture);
          await oracle.connect(issuer).setAllowDecrease(true);
          const lastUpdatedAt = (await time.latest()) + 100;
          const nav = ONE_18 - bound(ONE_18, DAY) - 1n;
          await setRound(precise, 2n, nav, lastUpdatedAt + DAY);
          await time.increaseTo(lastUpdatedAt + DAY);
          await expect(oracle.nextNav(ONE_18, lastUpdatedAt))
            .to.be.revertedWithCustomError(oracle, "NavChangeTooLarge")
            .withArgs(ONE_18, nav, DAY, NAV_MAX_CHANGE_BPS_PER_DAY);
        });
      });
    });

    describe("over a weekend", function () {
      it("should still serve Friday's round on Monday and on Tuesday after a Monday holiday", async function () {
        const { oracle, precise } = await loadFixture(preciseFixture);
        const friday = await nextFriday1600();
        await setRound(precise, 20n, ONE_18, friday);
        await time.increaseTo(friday + 3 * DAY);
        expect(weekday(friday + 3 * DAY)).to.equal(1); // Monday
        expectRound(await oracle.latestNav(), 20n, ONE_18, friday);
        await time.increaseTo(friday + 4 * DAY);
        expect(weekday(friday + 4 * DAY)).to.equal(2); // Tuesday
        expectRound(await oracle.latestNav(), 20n, ONE_18, friday);
        await time.increaseTo(friday + 4 * DAY + 1);
        await expect(oracle.latestNav())
          .to.be.revertedWithCustomError(oracle, "NavStale")
          .withArgs(20n, friday, NAV_MAX_AGE, friday + 4 * DAY + 1);
      });

      it("should scale the change bound with the three days between Friday's and Monday's rounds", async function () {
        const { oracle, precise } = await loadFixture(preciseFixture);
        const friday = await nextFriday1600();
        const monday = friday + 3 * DAY;
        const fridayNav = 1_000_412_345_678_901_234n;
        const threeDays = bound(fridayNav, 3 * DAY);
        // Monday's move is three times what a single day allows.
        expect(threeDays).to.be.gt(bound(fridayNav, DAY) * 2n);
        await setRound(precise, 21n, fridayNav + threeDays, monday);
        await time.increaseTo(monday);
        expectRound(await oracle.nextNav(fridayNav, friday), 21n, fridayNav + threeDays, monday);
        await setRound(precise, 21n, fridayNav + threeDays + 1n, monday);
        await expect(oracle.nextNav(fridayNav, friday))
          .to.be.revertedWithCustomError(oracle, "NavChangeTooLarge")
          .withArgs(fridayNav, fridayNav + threeDays + 1n, 3 * DAY, NAV_MAX_CHANGE_BPS_PER_DAY);
      });
    });
  });

  describe("setFeed", function () {
    it("should switch the feed, cache its decimals and emit the old and new feed", async function () {
      const { oracle, issuer, aggregator } = await loadFixture(navOracleFixture);
      const feed = await deployAggregator(18, ONE_18);
      await expect(oracle.connect(issuer).setFeed(feed))
        .to.emit(oracle, "NavFeedChanged")
        .withArgs(await aggregator.getAddress(), await feed.getAddress(), 18);
      expect(await oracle.feed()).to.equal(await feed.getAddress());
      expect(await oracle.feedDecimals()).to.equal(18);
    });

    it("should accept 36 decimals", async function () {
      const { oracle, issuer, mockFeed, aggregator } = await loadFixture(navOracleFixture);
      await mockFeed.setDecimals(36);
      await expect(oracle.connect(issuer).setFeed(mockFeed))
        .to.emit(oracle, "NavFeedChanged")
        .withArgs(await aggregator.getAddress(), await mockFeed.getAddress(), 36);
      expect(await oracle.feedDecimals()).to.equal(36);
    });

    describe("when the feed is unusable", function () {
      it("should refuse the zero address", async function () {
        const { oracle, issuer } = await loadFixture(navOracleFixture);
        await expect(oracle.connect(issuer).setFeed(ethers.ZeroAddress))
          .to.be.revertedWithCustomError(oracle, "InvalidNavOracleConfig")
          .withArgs("feed");
      });

      it("should refuse an address without code", async function () {
        const { oracle, issuer, stranger } = await loadFixture(navOracleFixture);
        await expect(oracle.connect(issuer).setFeed(stranger.address))
          .to.be.revertedWithCustomError(oracle, "InvalidNavOracleConfig")
          .withArgs("feed");
      });

      const misbehaviours = [
        { label: "reverts", mode: DecimalsMode.Reverts },
        { label: "returns no data", mode: DecimalsMode.Empty },
        { label: "returns a word that is not a uint8", mode: DecimalsMode.Wide },
      ];
      for (const { label, mode } of misbehaviours) {
        it(`should refuse a feed whose decimals() ${label}`, async function () {
          const { oracle, issuer, mockFeed } = await loadFixture(navOracleFixture);
          await mockFeed.setDecimalsMode(mode);
          await expect(oracle.connect(issuer).setFeed(mockFeed))
            .to.be.revertedWithCustomError(oracle, "InvalidNavOracleConfig")
            .withArgs("feed");
        });
      }

      it("should refuse a contract without decimals()", async function () {
        const { oracle, issuer, manager } = await loadFixture(navOracleFixture);
        await expect(oracle.connect(issuer).setFeed(manager))
          .to.be.revertedWithCustomError(oracle, "InvalidNavOracleConfig")
          .withArgs("feed");
      });

      it("should refuse a feed with 37 decimals", async function () {
        const { oracle, issuer, mockFeed } = await loadFixture(navOracleFixture);
        await mockFeed.setDecimals(37);
        await expect(oracle.connect(issuer).setFeed(mockFeed))
          .to.be.revertedWithCustomError(oracle, "InvalidNavOracleConfig")
          .withArgs("feed");
      });
    });
  });

  describe("setMaxAge", function () {
    it("should set maxAge and emit the old and new values", async function () {
      const { oracle, issuer } = await loadFixture(navOracleFixture);
      await expect(oracle.connect(issuer).setMaxAge(5 * DAY))
        .to.emit(oracle, "MaxAgeChanged")
        .withArgs(NAV_MAX_AGE, 5 * DAY);
      expect(await oracle.maxAge()).to.equal(5 * DAY);
    });

    it("should refuse zero", async function () {
      const { oracle, issuer } = await loadFixture(navOracleFixture);
      await expect(oracle.connect(issuer).setMaxAge(0))
        .to.be.revertedWithCustomError(oracle, "InvalidNavOracleConfig")
        .withArgs("maxAge");
    });
  });

  describe("setMaxChangeBpsPerDay", function () {
    for (const bps of [1, 10_000]) {
      it(`should set ${bps} bps and emit the old and new values`, async function () {
        const { oracle, issuer } = await loadFixture(navOracleFixture);
        await expect(oracle.connect(issuer).setMaxChangeBpsPerDay(bps))
          .to.emit(oracle, "MaxChangeBpsPerDayChanged")
          .withArgs(NAV_MAX_CHANGE_BPS_PER_DAY, bps);
        expect(await oracle.maxChangeBpsPerDay()).to.equal(bps);
      });
    }

    for (const bps of [0, 10_001]) {
      it(`should refuse ${bps} bps`, async function () {
        const { oracle, issuer } = await loadFixture(navOracleFixture);
        await expect(oracle.connect(issuer).setMaxChangeBpsPerDay(bps))
          .to.be.revertedWithCustomError(oracle, "InvalidNavOracleConfig")
          .withArgs("maxChangeBpsPerDay");
      });
    }
  });

  describe("setAllowDecrease", function () {
    it("should set the policy and emit the old and new values", async function () {
      const { oracle, issuer } = await loadFixture(navOracleFixture);
      await expect(oracle.connect(issuer).setAllowDecrease(true))
        .to.emit(oracle, "AllowDecreaseChanged")
        .withArgs(false, true);
      expect(await oracle.allowDecrease()).to.equal(true);
      await expect(oracle.connect(issuer).setAllowDecrease(false))
        .to.emit(oracle, "AllowDecreaseChanged")
        .withArgs(true, false);
      expect(await oracle.allowDecrease()).to.equal(false);
    });
  });

  describe("access control", function () {
    const restricted: Record<string, (oracle: NavOracle) => Promise<unknown>> = {
      setFeed: async (o) => o.setFeed(await deployAggregator(8, ONE_8)),
      setMaxAge: (o) => o.setMaxAge(DAY),
      setMaxChangeBpsPerDay: (o) => o.setMaxChangeBpsPerDay(10),
      setAllowDecrease: (o) => o.setAllowDecrease(true),
    };

    for (const [name, call] of Object.entries(restricted)) {
      it(`should refuse ${name} from callers without the ISSUER role`, async function () {
        const { oracle, stranger, publisher, guardian } = await loadFixture(navOracleFixture);
        for (const caller of [stranger, publisher, guardian]) {
          await expect(call(oracle.connect(caller)))
            .to.be.revertedWithCustomError(oracle, "AccessManagedUnauthorized")
            .withArgs(caller.address);
        }
      });
    }
  });

  describe("feed switch by governance", function () {
    /**
     * The old feed is a Chainlink aggregator whose round ids carry a phase in their high bits; the new one
     * (a migration to another provider) restarts at round 7. Ordering by timestamp keeps nextNav working.
     */
    async function switchFixture() {
      const base = await navOracleFixture();
      const { oracle, aggregator } = base;
      const oldRoundId = (2n << 64n) + 1234n;
      const appliedAt = (await time.latest()) + 100;
      await setRound(aggregator, oldRoundId, 100_010_000n, appliedAt);
      await time.increaseTo(appliedAt);
      const applied = await oracle.latestNav();
      const newFeed = await deployMockFeed(18);
      const data = oracle.interface.encodeFunctionData("setFeed", [await newFeed.getAddress()]);
      const operationId = await base.manager.hashOperation(base.delayedIssuer.address, oracle, data);
      return { ...base, applied, newFeed, data, operationId, oldRoundId };
    }

    it("should refuse a direct call from the delayed ISSUER and from anyone else", async function () {
      const { oracle, manager, newFeed, delayedIssuer, stranger, operationId } =
        await loadFixture(switchFixture);
      await expect(oracle.connect(delayedIssuer).setFeed(newFeed))
        .to.be.revertedWithCustomError(manager, "AccessManagerNotScheduled")
        .withArgs(operationId);
      await expect(oracle.connect(stranger).setFeed(newFeed))
        .to.be.revertedWithCustomError(oracle, "AccessManagedUnauthorized")
        .withArgs(stranger.address);
    });

    it("should execute a scheduled switch only after the delay, then read the new feed", async function () {
      const { oracle, manager, aggregator, newFeed, delayedIssuer, data, operationId, applied, oldRoundId } =
        await loadFixture(switchFixture);
      expect(applied.roundId).to.equal(oldRoundId);

      const scheduledAt = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(scheduledAt);
      await expect(manager.connect(delayedIssuer).schedule(oracle, data, 0))
        .to.emit(manager, "OperationScheduled")
        .withArgs(
          operationId,
          1,
          scheduledAt + ISSUER_DELAY,
          delayedIssuer.address,
          await oracle.getAddress(),
          data,
        );

      // The new provider publishes a round with a much smaller, unrelated round id.
      const newRoundAt = scheduledAt + ISSUER_DELAY - 1;
      const newNav = applied.nav + bound(applied.nav, newRoundAt - Number(applied.updatedAt));
      await newFeed.setRoundData(7, newNav, newRoundAt, newRoundAt, 7);

      await time.setNextBlockTimestamp(scheduledAt + ISSUER_DELAY - 1);
      await expect(manager.connect(delayedIssuer).execute(oracle, data))
        .to.be.revertedWithCustomError(manager, "AccessManagerNotReady")
        .withArgs(operationId);
      expect(await oracle.feed()).to.equal(await aggregator.getAddress());

      await time.setNextBlockTimestamp(scheduledAt + ISSUER_DELAY);
      await expect(manager.connect(delayedIssuer).execute(oracle, data))
        .to.emit(oracle, "NavFeedChanged")
        .withArgs(await aggregator.getAddress(), await newFeed.getAddress(), 18)
        .and.to.emit(manager, "OperationExecuted")
        .withArgs(operationId, 1);
      expect(await oracle.feed()).to.equal(await newFeed.getAddress());

      const next = await oracle.nextNav(applied.nav, applied.updatedAt);
      expectRound(next, 7n, newNav, newRoundAt);
      expect(next.roundId).to.be.lt(applied.roundId);
    });

    it("should let the GUARDIAN cancel a scheduled switch", async function () {
      const { oracle, manager, aggregator, newFeed, delayedIssuer, guardian, stranger, data, operationId } =
        await loadFixture(switchFixture);
      await manager.connect(delayedIssuer).schedule(oracle, data, 0);

      const selector = oracle.interface.getFunction("setFeed").selector;
      await expect(manager.connect(stranger).cancel(delayedIssuer.address, oracle, data))
        .to.be.revertedWithCustomError(manager, "AccessManagerUnauthorizedCancel")
        .withArgs(stranger.address, delayedIssuer.address, await oracle.getAddress(), selector);

      await expect(manager.connect(guardian).cancel(delayedIssuer.address, oracle, data))
        .to.emit(manager, "OperationCanceled")
        .withArgs(operationId, 1);

      await time.increase(ISSUER_DELAY);
      await expect(manager.connect(delayedIssuer).execute(oracle, data))
        .to.be.revertedWithCustomError(manager, "AccessManagerNotScheduled")
        .withArgs(operationId);
      expect(await oracle.feed()).to.equal(await aggregator.getAddress());
      expect(await newFeed.getAddress()).to.not.equal(await aggregator.getAddress());
    });
  });

  describe("replacement by governance (replace, don't mutate)", function () {
    /**
     * The fund's NavPublisher (8 decimals) holds three daily rounds; a consumer standing in for the fund token
     * reads it through `oracle` and has applied the last round.
     */
    async function replacementFixture() {
      const actors = await deployAccessManager();
      const { manager, publisher, stranger } = actors;
      const oldPublisher = await deployNavPublisher(manager);
      await manager.setTargetFunctionRole(
        oldPublisher,
        selectors(oldPublisher, ["publish"]),
        ROLES.NAV_PUBLISHER,
      );
      const start = (await time.latest()) + HOUR;
      const history: bigint[][] = [];
      for (const [i, answer] of [ONE_8, 100_010_000n, 100_020_000n].entries()) {
        const at = BigInt(start + i * DAY);
        await time.setNextBlockTimestamp(at);
        await oldPublisher.connect(publisher).publish(answer);
        history.push([BigInt(i + 1), answer, at, at, BigInt(i + 1)]);
      }
      const oracle = await deployNavOracle(manager, oldPublisher);
      await manager.setTargetFunctionRole(
        oracle,
        selectors(oracle, ["setFeed", "setMaxAge", "setMaxChangeBpsPerDay", "setAllowDecrease"]),
        ROLES.ISSUER,
      );
      const guard = await deployReserveGuard(manager, await deployAggregator(FEED_DECIMALS, RESERVES_8));
      const consumer = await deployConsumer(manager, oracle, guard);
      await consumer.connect(stranger).accrue();
      return { ...actors, oldPublisher, history, oracle, consumer };
    }

    it("should switch the oracle to a new NavPublisher through the delayed ISSUER, the old history staying readable", async function () {
      const { manager, admin, delayedIssuer, publisher, stranger, oldPublisher, history, oracle, consumer } =
        await loadFixture(replacementFixture);
      const lastNav = await consumer.lastNav();
      const lastUpdatedAt = await consumer.lastUpdatedAt();
      expect([lastNav, lastUpdatedAt]).to.deep.equal([history[2][1] * 10n ** 10n, history[2][3]]);

      // A new feed with other fixed decimals (only a new deployment can change them), its first round verified.
      const newPublisher = await deployNavPublisher(manager, 18, "FUND / USD NAV (18 decimals)");
      await manager.setTargetFunctionRole(
        newPublisher,
        selectors(newPublisher, ["publish"]),
        ROLES.NAV_PUBLISHER,
      );
      const newAnswer = 1_000_250_000_000_000_000n;
      const newAt = Number(lastUpdatedAt) + DAY;
      await time.setNextBlockTimestamp(newAt);
      await newPublisher.connect(publisher).publish(newAnswer);

      const data = oracle.interface.encodeFunctionData("setFeed", [await newPublisher.getAddress()]);
      await expect(scheduleWaitExecute(manager, delayedIssuer, oracle, data))
        .to.emit(oracle, "NavFeedChanged")
        .withArgs(await oldPublisher.getAddress(), await newPublisher.getAddress(), 18);
      expect(await oracle.feed()).to.equal(await newPublisher.getAddress());
      expect(await oracle.feedDecimals()).to.equal(18);

      // The consumer keeps applying rounds: the new feed's round 1 is newer than the old feed's round 3.
      await expect(consumer.connect(stranger).accrue())
        .to.emit(consumer, "NavApplied")
        .withArgs(1n, lastNav, newAnswer, newAt);

      // The old feed is untouched and its whole history stays public.
      for (const round of history) {
        expect([...(await oldPublisher.getRoundData(round[0]))]).to.deep.equal(round);
      }
      expect([...(await oldPublisher.latestRoundData())]).to.deep.equal(history[2]);
      expect(await oldPublisher.decimals()).to.equal(FEED_DECIMALS);

      // Retired: the ADMIN closes it; nobody can publish to it any more, and its history stays readable.
      await manager.connect(admin).setTargetClosed(oldPublisher, true);
      await expect(oldPublisher.connect(publisher).publish(history[2][1]))
        .to.be.revertedWithCustomError(oldPublisher, "AccessManagedUnauthorized")
        .withArgs(publisher.address);
      expect([...(await oldPublisher.getRoundData(1))]).to.deep.equal(history[0]);
    });

    it("should replace the NavOracle itself in its consumer through the delayed ISSUER, the old one staying readable", async function () {
      const { manager, delayedIssuer, publisher, stranger, oldPublisher, history, oracle, consumer } =
        await loadFixture(replacementFixture);
      const lastNav = await consumer.lastNav();
      const lastUpdatedAt = await consumer.lastUpdatedAt();

      // The new oracle reads the same feed under a new policy: 25 bps per day, decreases allowed.
      const newOracle = await deployNavOracle(manager, oldPublisher, NAV_MAX_AGE, 25, true);
      const data = consumer.interface.encodeFunctionData("setNavOracle", [await newOracle.getAddress()]);
      await expect(scheduleWaitExecute(manager, delayedIssuer, consumer, data))
        .to.emit(consumer, "NavOracleChanged")
        .withArgs(await oracle.getAddress(), await newOracle.getAddress());
      expect(await consumer.navOracle()).to.equal(await newOracle.getAddress());

      // A 2 bps decrease: the old oracle's policy refuses it, the new one applies it.
      const lowerAnswer = history[2][1] - 20_000n;
      const lowerAt = Number(lastUpdatedAt) + 3 * DAY;
      await time.setNextBlockTimestamp(lowerAt);
      await oldPublisher.connect(publisher).publish(lowerAnswer);
      const lowerNav = lowerAnswer * 10n ** 10n;
      await expect(oracle.nextNav(lastNav, lastUpdatedAt))
        .to.be.revertedWithCustomError(oracle, "NavDecreaseNotAllowed")
        .withArgs(lastNav, lowerNav);
      await expect(consumer.connect(stranger).accrue())
        .to.emit(consumer, "NavApplied")
        .withArgs(4n, lastNav, lowerNav, lowerAt);

      // The old oracle holds no state to migrate: it still answers from the same feed.
      expectRound(await oracle.latestNav(), 4n, lowerNav, lowerAt);
      expect([...(await oldPublisher.getRoundData(3))]).to.deep.equal(history[2]);
    });

    it("should refuse a replacement from the delayed ISSUER without a schedule, and from anyone else", async function () {
      const { manager, delayedIssuer, stranger, oldPublisher, oracle, consumer } =
        await loadFixture(replacementFixture);
      const newOracle = await deployNavOracle(manager, oldPublisher);
      const data = consumer.interface.encodeFunctionData("setNavOracle", [await newOracle.getAddress()]);
      const operationId = await manager.hashOperation(delayedIssuer.address, consumer, data);
      await expect(consumer.connect(delayedIssuer).setNavOracle(newOracle))
        .to.be.revertedWithCustomError(manager, "AccessManagerNotScheduled")
        .withArgs(operationId);
      await expect(consumer.connect(stranger).setNavOracle(newOracle))
        .to.be.revertedWithCustomError(consumer, "AccessManagedUnauthorized")
        .withArgs(stranger.address);
      expect(await consumer.navOracle()).to.equal(await oracle.getAddress());
    });
  });
});
