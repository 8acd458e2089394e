import { expect } from "chai";
import { artifacts, ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ReserveGuard } from "../../typechain-types";
import {
  DAY,
  ERC1967_IMPLEMENTATION_SLOT,
  FEED_DECIMALS,
  ONE_18,
  RESERVES_8,
  RESERVE_MAX_AGE,
  ROLES,
  UPGRADE_ENTRY_POINTS,
  UUPS,
  abiFunctionNames,
  deployAggregator,
  deployConsumer,
  deployNavPublisher,
  deployNavOracle,
  deployReserveGuard,
  reserveGuardFixture,
  scheduleWaitExecute,
  selectors,
  DecimalsMode,
} from "./fixtures";

/** $10,000,000 in 18 decimals: the fixture's reserves. */
const RESERVES_18 = 10_000_000n * ONE_18;

describe("ReserveGuard", function () {
  describe("constructor", function () {
    it("should store the feed, its decimals and maxAge", async function () {
      const { guard, reserveFeed, manager } = await loadFixture(reserveGuardFixture);
      expect(await guard.authority()).to.equal(await manager.getAddress());
      expect(await guard.feed()).to.equal(await reserveFeed.getAddress());
      expect(await guard.feedDecimals()).to.equal(FEED_DECIMALS);
      expect(await guard.maxAge()).to.equal(RESERVE_MAX_AGE);
    });

    it("should emit the configuration events with zero old values", async function () {
      const { manager, reserveFeed } = await loadFixture(reserveGuardFixture);
      const guard = await deployReserveGuard(manager, reserveFeed, DAY);
      const [feedEvent] = await guard.queryFilter(guard.filters.ReserveFeedChanged());
      expect([...feedEvent.args]).to.deep.equal([ethers.ZeroAddress, await reserveFeed.getAddress(), 8n]);
      const [ageEvent] = await guard.queryFilter(guard.filters.ReserveMaxAgeChanged());
      expect([...ageEvent.args]).to.deep.equal([0n, BigInt(DAY)]);
    });

    describe("when the configuration is invalid", function () {
      it("should refuse a zero authority", async function () {
        const { guard, reserveFeed } = await loadFixture(reserveGuardFixture);
        await expect(deployReserveGuard(ethers.ZeroAddress, reserveFeed))
          .to.be.revertedWithCustomError(guard, "InvalidReserveGuardConfig")
          .withArgs("authority");
      });

      it("should refuse a zero feed", async function () {
        const { guard, manager } = await loadFixture(reserveGuardFixture);
        await expect(deployReserveGuard(manager, ethers.ZeroAddress))
          .to.be.revertedWithCustomError(guard, "InvalidReserveGuardConfig")
          .withArgs("feed");
      });

      it("should refuse a zero maxAge", async function () {
        const { guard, manager, reserveFeed } = await loadFixture(reserveGuardFixture);
        await expect(deployReserveGuard(manager, reserveFeed, 0))
          .to.be.revertedWithCustomError(guard, "InvalidReserveGuardConfig")
          .withArgs("maxAge");
      });

      it("should refuse a feed address without code", async function () {
        const { guard, manager, stranger } = await loadFixture(reserveGuardFixture);
        await expect(deployReserveGuard(manager, stranger.address))
          .to.be.revertedWithCustomError(guard, "InvalidReserveGuardConfig")
          .withArgs("feed");
      });

      it("should refuse a feed whose decimals() returns no data, and one with 37 decimals", async function () {
        const { guard, manager, mockFeed } = await loadFixture(reserveGuardFixture);
        await mockFeed.setDecimalsMode(DecimalsMode.Empty);
        await expect(deployReserveGuard(manager, mockFeed))
          .to.be.revertedWithCustomError(guard, "InvalidReserveGuardConfig")
          .withArgs("feed");
        await mockFeed.setDecimalsMode(DecimalsMode.Normal);
        await mockFeed.setDecimals(37);
        await expect(deployReserveGuard(manager, mockFeed))
          .to.be.revertedWithCustomError(guard, "InvalidReserveGuardConfig")
          .withArgs("feed");
      });
    });
  });

  describe("upgradeability", function () {
    it("should have no upgrade or initializer entry point", async function () {
      const names = await abiFunctionNames("ReserveGuard");
      expect(names).to.include("setAuthority");
      for (const name of UPGRADE_ENTRY_POINTS) {
        expect(names, name).to.not.include(name);
      }
    });

    it("should refuse an upgradeToAndCall call, even from the ISSUER, and keep its code", async function () {
      const { guard, issuer, manager, reserveFeed } = await loadFixture(reserveGuardFixture);
      const code = await ethers.provider.getCode(guard);
      const other = await deployReserveGuard(manager, reserveFeed);
      const data = UUPS.encodeFunctionData("upgradeToAndCall", [await other.getAddress(), "0x"]);
      await expect(issuer.sendTransaction({ to: guard, data })).to.be.revertedWithoutReason();
      expect(await ethers.provider.getCode(guard)).to.equal(code);
    });

    it("should be the contract itself, not a proxy", async function () {
      const { guard } = await loadFixture(reserveGuardFixture);
      const { deployedBytecode } = await artifacts.readArtifact("ReserveGuard");
      expect(await ethers.provider.getCode(guard)).to.equal(deployedBytecode);
      expect(await ethers.provider.getStorage(guard, ERC1967_IMPLEMENTATION_SLOT)).to.equal(ethers.ZeroHash);
    });
  });

  describe("reserves", function () {
    describe("when the latest round is valid", function () {
      it("should return the reserves in 18 decimals and their timestamp", async function () {
        const { guard, reserveFeed } = await loadFixture(reserveGuardFixture);
        const { updatedAt } = await reserveFeed.latestRoundData();
        expect([...(await guard.reserves())]).to.deep.equal([RESERVES_18, updatedAt]);
      });
    });

    describe("when feeds have other precisions than 18 decimals", function () {
      const cases: { decimals: number; answer: bigint; amount: bigint }[] = [
        { decimals: 6, answer: 12_345_678_901_234n, amount: 12_345_678_901_234n * 10n ** 12n },
        { decimals: 8, answer: 1_234_567_890_123_456n, amount: 1_234_567_890_123_456n * 10n ** 10n },
        {
          decimals: 18,
          answer: 12_345_678_901_234_567_890_123_456n,
          amount: 12_345_678_901_234_567_890_123_456n,
        },
        // Digits below 1e-18 are truncated: reserves are never rounded up.
        {
          decimals: 20,
          answer: 1_234_567_890_123_456_789_012_345_699n,
          amount: 12_345_678_901_234_567_890_123_456n,
        },
      ];
      for (const { decimals, answer, amount } of cases) {
        it(`should scale a ${decimals}-decimal answer to 18 decimals`, async function () {
          const { guard, issuer, reserveFeed } = await loadFixture(reserveGuardFixture);
          const feed = await deployAggregator(decimals, answer);
          await expect(guard.connect(issuer).setFeed(feed))
            .to.emit(guard, "ReserveFeedChanged")
            .withArgs(await reserveFeed.getAddress(), await feed.getAddress(), decimals);
          const { updatedAt } = await feed.latestRoundData();
          expect([...(await guard.reserves())]).to.deep.equal([amount, updatedAt]);
        });
      }

      it("should refuse a positive answer that scales to zero", async function () {
        const { guard, issuer } = await loadFixture(reserveGuardFixture);
        await guard.connect(issuer).setFeed(await deployAggregator(20, 99n));
        await expect(guard.reserves())
          .to.be.revertedWithCustomError(guard, "ReserveNotPositive")
          .withArgs(1n, 99n);
      });

      it("should refuse an answer whose scaling would overflow", async function () {
        const { guard, issuer, mockFeed } = await loadFixture(reserveGuardFixture);
        await guard.connect(issuer).setFeed(mockFeed);
        const now = await time.latest();
        const tooLarge = ethers.MaxUint256 / 10n ** 10n + 1n;
        await mockFeed.setRoundData(3, tooLarge, now, now, 3);
        await expect(guard.reserves())
          .to.be.revertedWithCustomError(guard, "ReserveTooLarge")
          .withArgs(3n, tooLarge);
      });
    });

    describe("when the answer is not positive", function () {
      for (const answer of [0n, -1n]) {
        it(`should refuse ${answer}`, async function () {
          const { guard, reserveFeed } = await loadFixture(reserveGuardFixture);
          await reserveFeed.updateAnswer(answer);
          await expect(guard.reserves())
            .to.be.revertedWithCustomError(guard, "ReserveNotPositive")
            .withArgs(2n, answer);
        });
      }
    });

    describe("when the round is incomplete", function () {
      it("should refuse a round without a timestamp", async function () {
        const { guard, reserveFeed } = await loadFixture(reserveGuardFixture);
        await reserveFeed.updateRoundData(6, RESERVES_8, 0, 0);
        await expect(guard.reserves())
          .to.be.revertedWithCustomError(guard, "ReserveRoundIncomplete")
          .withArgs(6n);
      });

      it("should refuse a round answered in an earlier round", async function () {
        const { guard, issuer, mockFeed } = await loadFixture(reserveGuardFixture);
        await guard.connect(issuer).setFeed(mockFeed);
        const now = await time.latest();
        await mockFeed.setRoundData(9, RESERVES_8, now, now, 8);
        await expect(guard.reserves())
          .to.be.revertedWithCustomError(guard, "ReserveRoundIncomplete")
          .withArgs(9n);
      });
    });

    describe("when the round is from the future", function () {
      it("should refuse it", async function () {
        const { guard, reserveFeed } = await loadFixture(reserveGuardFixture);
        const updatedAt = (await time.latest()) + 60;
        await reserveFeed.updateRoundData(4, RESERVES_8, updatedAt, updatedAt);
        await expect(guard.reserves())
          .to.be.revertedWithCustomError(guard, "ReserveRoundFromFuture")
          .withArgs(4n, updatedAt, await time.latest());
      });
    });

    describe("when the round is stale", function () {
      it("should accept it exactly maxAge old and refuse it one second later", async function () {
        const { guard, reserveFeed } = await loadFixture(reserveGuardFixture);
        await reserveFeed.updateAnswer(RESERVES_8);
        const updatedAt = await time.latest();
        await time.increaseTo(updatedAt + RESERVE_MAX_AGE);
        expect([...(await guard.reserves())]).to.deep.equal([RESERVES_18, BigInt(updatedAt)]);
        await time.increaseTo(updatedAt + RESERVE_MAX_AGE + 1);
        await expect(guard.reserves())
          .to.be.revertedWithCustomError(guard, "ReserveStale")
          .withArgs(2n, updatedAt, RESERVE_MAX_AGE, updatedAt + RESERVE_MAX_AGE + 1);
      });
    });
  });

  describe("checkSupply", function () {
    describe("when the supply stays within the reserves", function () {
      for (const [label, supply] of [
        ["no supply", 0n],
        ["half the reserves", RESERVES_18 / 2n],
        ["exactly the reserves", RESERVES_18],
      ] as const) {
        it(`should return true for ${label}`, async function () {
          const { guard } = await loadFixture(reserveGuardFixture);
          expect([...(await guard.checkSupply(supply))]).to.deep.equal([true, RESERVES_18]);
        });
      }
    });

    describe("when the supply exceeds the reserves", function () {
      it("should return false without reverting, one wei over the reserves", async function () {
        const { guard } = await loadFixture(reserveGuardFixture);
        expect([...(await guard.checkSupply(RESERVES_18 + 1n))]).to.deep.equal([false, RESERVES_18]);
      });

      it("should return false for any larger supply", async function () {
        const { guard } = await loadFixture(reserveGuardFixture);
        expect([...(await guard.checkSupply(ethers.MaxUint256))]).to.deep.equal([false, RESERVES_18]);
      });
    });

    describe("when the reserve round is unusable", function () {
      it("should revert with the reserve error rather than answer", async function () {
        const { guard, reserveFeed } = await loadFixture(reserveGuardFixture);
        const { updatedAt } = await reserveFeed.latestRoundData();
        const now = Number(updatedAt) + RESERVE_MAX_AGE + 1;
        await time.increaseTo(now);
        await expect(guard.checkSupply(0))
          .to.be.revertedWithCustomError(guard, "ReserveStale")
          .withArgs(1n, updatedAt, RESERVE_MAX_AGE, now);
      });
    });

    describe("when the reserve feed is the fund's NavPublisher", function () {
      it("should compare against the custodian's published reserves", async function () {
        const { guard, issuer, manager, publisher } = await loadFixture(reserveGuardFixture);
        const reservePublisher = await deployNavPublisher(
          manager,
          2,
          "FUND custodian reserves (USD)",
          DAY,
          60_000,
        );
        await manager.setTargetFunctionRole(
          reservePublisher,
          selectors(reservePublisher, ["publish"]),
          ROLES.NAV_PUBLISHER,
        );
        await reservePublisher.connect(publisher).publish(5_000_000_00n); // $5,000,000.00
        await guard.connect(issuer).setFeed(reservePublisher);
        const reserves = 5_000_000n * ONE_18;
        expect([...(await guard.checkSupply(reserves))]).to.deep.equal([true, reserves]);
        expect([...(await guard.checkSupply(reserves + 1n))]).to.deep.equal([false, reserves]);
      });
    });
  });

  describe("setFeed", function () {
    it("should switch the feed, cache its decimals and emit the old and new feed", async function () {
      const { guard, issuer, reserveFeed } = await loadFixture(reserveGuardFixture);
      const feed = await deployAggregator(18, RESERVES_18);
      await expect(guard.connect(issuer).setFeed(feed))
        .to.emit(guard, "ReserveFeedChanged")
        .withArgs(await reserveFeed.getAddress(), await feed.getAddress(), 18);
      expect(await guard.feed()).to.equal(await feed.getAddress());
      expect(await guard.feedDecimals()).to.equal(18);
    });

    describe("when the feed is unusable", function () {
      it("should refuse the zero address", async function () {
        const { guard, issuer } = await loadFixture(reserveGuardFixture);
        await expect(guard.connect(issuer).setFeed(ethers.ZeroAddress))
          .to.be.revertedWithCustomError(guard, "InvalidReserveGuardConfig")
          .withArgs("feed");
      });

      it("should refuse an address without code", async function () {
        const { guard, issuer, stranger } = await loadFixture(reserveGuardFixture);
        await expect(guard.connect(issuer).setFeed(stranger.address))
          .to.be.revertedWithCustomError(guard, "InvalidReserveGuardConfig")
          .withArgs("feed");
      });

      const misbehaviours = [
        { label: "reverts", mode: DecimalsMode.Reverts },
        { label: "returns no data", mode: DecimalsMode.Empty },
        { label: "returns a word that is not a uint8", mode: DecimalsMode.Wide },
      ];
      for (const { label, mode } of misbehaviours) {
        it(`should refuse a feed whose decimals() ${label}`, async function () {
          const { guard, issuer, mockFeed } = await loadFixture(reserveGuardFixture);
          await mockFeed.setDecimalsMode(mode);
          await expect(guard.connect(issuer).setFeed(mockFeed))
            .to.be.revertedWithCustomError(guard, "InvalidReserveGuardConfig")
            .withArgs("feed");
        });
      }

      it("should refuse a feed with 37 decimals", async function () {
        const { guard, issuer, mockFeed } = await loadFixture(reserveGuardFixture);
        await mockFeed.setDecimals(37);
        await expect(guard.connect(issuer).setFeed(mockFeed))
          .to.be.revertedWithCustomError(guard, "InvalidReserveGuardConfig")
          .withArgs("feed");
      });
    });
  });

  describe("setMaxAge", function () {
    it("should set maxAge and emit the old and new values", async function () {
      const { guard, issuer } = await loadFixture(reserveGuardFixture);
      await expect(guard.connect(issuer).setMaxAge(8 * DAY))
        .to.emit(guard, "ReserveMaxAgeChanged")
        .withArgs(RESERVE_MAX_AGE, 8 * DAY);
      expect(await guard.maxAge()).to.equal(8 * DAY);
    });

    it("should refuse zero", async function () {
      const { guard, issuer } = await loadFixture(reserveGuardFixture);
      await expect(guard.connect(issuer).setMaxAge(0))
        .to.be.revertedWithCustomError(guard, "InvalidReserveGuardConfig")
        .withArgs("maxAge");
    });
  });

  describe("access control", function () {
    const restricted: Record<string, (g: ReserveGuard) => Promise<unknown>> = {
      setFeed: async (g) => g.setFeed(await deployAggregator(8, RESERVES_8)),
      setMaxAge: (g) => g.setMaxAge(DAY),
    };

    for (const [name, call] of Object.entries(restricted)) {
      it(`should refuse ${name} from callers without the ISSUER role`, async function () {
        const { guard, publisher, guardian, stranger } = await loadFixture(reserveGuardFixture);
        for (const caller of [publisher, guardian, stranger]) {
          await expect(call(guard.connect(caller)))
            .to.be.revertedWithCustomError(guard, "AccessManagedUnauthorized")
            .withArgs(caller.address);
        }
      });
    }
  });

  describe("replacement by governance (replace, don't mutate)", function () {
    it("should replace the guard in its consumer through the delayed ISSUER, the old guard and feed staying readable", async function () {
      const { guard, manager, delayedIssuer, publisher, reserveFeed } =
        await loadFixture(reserveGuardFixture);
      const navOracle = await deployNavOracle(manager, await deployAggregator(FEED_DECIMALS, 10n ** 8n));
      const consumer = await deployConsumer(manager, navOracle, guard);
      expect([...(await consumer.checkGrowth(RESERVES_18))]).to.deep.equal([true, RESERVES_18]);

      // The custodian's reports replace the Chainlink PoR feed: a new guard on a NavPublisher, first round verified.
      const reservePublisher = await deployNavPublisher(
        manager,
        2,
        "FUND custodian reserves (USD)",
        DAY,
        60_000,
      );
      await manager.setTargetFunctionRole(
        reservePublisher,
        selectors(reservePublisher, ["publish"]),
        ROLES.NAV_PUBLISHER,
      );
      await reservePublisher.connect(publisher).publish(12_000_000_00n); // $12,000,000.00
      const newReserves = 12_000_000n * ONE_18;
      // Weekly custodian attestations: a round stays usable for 8 days.
      const newGuard = await deployReserveGuard(manager, reservePublisher, 8 * DAY);

      const data = consumer.interface.encodeFunctionData("setReserveGuard", [await newGuard.getAddress()]);
      await expect(scheduleWaitExecute(manager, delayedIssuer, consumer, data))
        .to.emit(consumer, "ReserveGuardChanged")
        .withArgs(await guard.getAddress(), await newGuard.getAddress());
      expect(await consumer.reserveGuard()).to.equal(await newGuard.getAddress());

      // Growth is now checked against the new reserves.
      expect([...(await consumer.checkGrowth(newReserves))]).to.deep.equal([true, newReserves]);
      expect([...(await consumer.checkGrowth(newReserves + 1n))]).to.deep.equal([false, newReserves]);

      // The old guard holds no state to migrate: it still answers from the old feed while that feed is fresh.
      await reserveFeed.updateAnswer(RESERVES_8);
      expect([...(await guard.checkSupply(RESERVES_18))]).to.deep.equal([true, RESERVES_18]);
      expect(await guard.feed()).to.equal(await reserveFeed.getAddress());
    });
  });
});
