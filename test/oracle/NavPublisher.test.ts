import { expect } from "chai";
import { artifacts, ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { NavPublisher } from "../../typechain-types";
import {
  ERC1967_IMPLEMENTATION_SLOT,
  FEED_DECIMALS,
  HOUR,
  ONE_8,
  PUBLISHER_MAX_CHANGE_BPS,
  PUBLISHER_MIN_INTERVAL,
  UPGRADE_ENTRY_POINTS,
  UUPS,
  abiFunctionNames,
  deployNavPublisher,
  navPublisherFixture,
} from "./fixtures";

const INT192_MAX = 2n ** 191n - 1n;

/** Publishes `answer` in a block at exactly `timestamp`. */
async function publishAt(navPublisher: NavPublisher, answer: bigint, timestamp: number) {
  await time.setNextBlockTimestamp(timestamp);
  return navPublisher.publish(answer);
}

/** The fixture with a first round of 1.00000000 published; returns its timestamp. */
async function firstRoundFixture() {
  const base = await navPublisherFixture();
  await base.navPublisher.connect(base.publisher).publish(ONE_8);
  const firstAt = await time.latest();
  return { ...base, firstAt };
}

describe("NavPublisher", function () {
  describe("constructor", function () {
    it("should fix the decimals and description and store the publication bounds", async function () {
      const { navPublisher, manager } = await loadFixture(navPublisherFixture);
      expect(await navPublisher.authority()).to.equal(await manager.getAddress());
      expect(await navPublisher.decimals()).to.equal(FEED_DECIMALS);
      expect(await navPublisher.description()).to.equal("FUND / USD NAV");
      expect(await navPublisher.version()).to.equal(1n);
      expect(await navPublisher.VERSION()).to.equal(1n);
      expect(await navPublisher.minInterval()).to.equal(PUBLISHER_MIN_INTERVAL);
      expect(await navPublisher.maxChangeBpsPerRound()).to.equal(PUBLISHER_MAX_CHANGE_BPS);
      expect(await navPublisher.latestRound()).to.equal(0n);
    });

    it("should emit the bounds with zero old values", async function () {
      const { manager } = await loadFixture(navPublisherFixture);
      const navPublisher = await deployNavPublisher(manager, 18, "FUND / USD reserves", HOUR, 20_000);
      const [intervalEvent] = await navPublisher.queryFilter(navPublisher.filters.MinIntervalChanged());
      expect([...intervalEvent.args]).to.deep.equal([0n, BigInt(HOUR)]);
      const [bpsEvent] = await navPublisher.queryFilter(navPublisher.filters.MaxChangeBpsPerRoundChanged());
      expect([...bpsEvent.args]).to.deep.equal([0n, 20_000n]);
      expect(await navPublisher.decimals()).to.equal(18);
      expect(await navPublisher.description()).to.equal("FUND / USD reserves");
    });

    it("should accept 36 decimals", async function () {
      const { manager } = await loadFixture(navPublisherFixture);
      const navPublisher = await deployNavPublisher(manager, 36);
      expect(await navPublisher.decimals()).to.equal(36);
    });

    describe("when the configuration is invalid", function () {
      const cases: { label: string; field: string; args: [string?, number?, string?, number?, number?] }[] = [
        { label: "a zero authority", field: "authority", args: [ethers.ZeroAddress] },
        { label: "37 decimals", field: "decimals", args: [undefined, 37] },
        { label: "an empty description", field: "description", args: [undefined, 8, ""] },
        { label: "a zero minInterval", field: "minInterval", args: [undefined, 8, "NAV", 0] },
        {
          label: "a zero maxChangeBpsPerRound",
          field: "maxChangeBpsPerRound",
          args: [undefined, 8, "NAV", HOUR, 0],
        },
      ];
      for (const { label, field, args } of cases) {
        it(`should refuse ${label}`, async function () {
          const { navPublisher, manager } = await loadFixture(navPublisherFixture);
          const [authority, decimals, description, minInterval, bps] = args;
          await expect(deployNavPublisher(authority ?? manager, decimals, description, minInterval, bps))
            .to.be.revertedWithCustomError(navPublisher, "InvalidNavPublisherConfig")
            .withArgs(field);
        });
      }
    });
  });

  describe("upgradeability", function () {
    it("should have no upgrade or initializer entry point", async function () {
      const names = await abiFunctionNames("NavPublisher");
      expect(names).to.include("setAuthority");
      for (const name of UPGRADE_ENTRY_POINTS) {
        expect(names, name).to.not.include(name);
      }
    });

    it("should refuse an upgradeToAndCall call, even from the ISSUER, and keep its code and history", async function () {
      const { navPublisher, issuer, manager, firstAt } = await loadFixture(firstRoundFixture);
      const code = await ethers.provider.getCode(navPublisher);
      const other = await deployNavPublisher(manager);
      const data = UUPS.encodeFunctionData("upgradeToAndCall", [await other.getAddress(), "0x"]);
      await expect(issuer.sendTransaction({ to: navPublisher, data })).to.be.revertedWithoutReason();
      expect(await ethers.provider.getCode(navPublisher)).to.equal(code);
      expect([...(await navPublisher.latestRoundData())]).to.deep.equal([
        1n,
        ONE_8,
        BigInt(firstAt),
        BigInt(firstAt),
        1n,
      ]);
    });

    it("should be the contract itself, not a proxy", async function () {
      const { navPublisher } = await loadFixture(navPublisherFixture);
      const { deployedBytecode } = await artifacts.readArtifact("NavPublisher");
      // The code differs from the artifact only in the immutable decimals, written at construction.
      expect((await ethers.provider.getCode(navPublisher)).length).to.equal(deployedBytecode.length);
      expect(await ethers.provider.getStorage(navPublisher, ERC1967_IMPLEMENTATION_SLOT)).to.equal(
        ethers.ZeroHash,
      );
    });
  });

  describe("before the first round", function () {
    it("should refuse latestRoundData", async function () {
      const { navPublisher } = await loadFixture(navPublisherFixture);
      await expect(navPublisher.latestRoundData()).to.be.revertedWithCustomError(
        navPublisher,
        "NoRoundPublished",
      );
    });

    for (const roundId of [0n, 1n]) {
      it(`should refuse getRoundData(${roundId})`, async function () {
        const { navPublisher } = await loadFixture(navPublisherFixture);
        await expect(navPublisher.getRoundData(roundId))
          .to.be.revertedWithCustomError(navPublisher, "RoundNotFound")
          .withArgs(roundId);
      });
    }
  });

  describe("publish", function () {
    describe("when publishing the first round", function () {
      it("should store round 1 and emit Chainlink's and its own events", async function () {
        const { navPublisher, publisher } = await loadFixture(navPublisherFixture);
        const at = (await time.latest()) + 10;
        const answer = 100_004_321n;
        expect(await navPublisher.connect(publisher).publish.staticCall(answer)).to.equal(1n);
        await expect(publishAt(navPublisher.connect(publisher), answer, at))
          .to.emit(navPublisher, "NewRound")
          .withArgs(1n, publisher.address, at)
          .and.to.emit(navPublisher, "AnswerUpdated")
          .withArgs(answer, 1n, at)
          .and.to.emit(navPublisher, "AnswerPublished")
          .withArgs(1n, 0n, answer, at);
        expect(await navPublisher.latestRound()).to.equal(1n);
        expect([...(await navPublisher.latestRoundData())]).to.deep.equal([
          1n,
          answer,
          BigInt(at),
          BigInt(at),
          1n,
        ]);
        expect([...(await navPublisher.getRoundData(1))]).to.deep.equal([
          1n,
          answer,
          BigInt(at),
          BigInt(at),
          1n,
        ]);
      });

      it("should apply no change bound", async function () {
        const { navPublisher, publisher } = await loadFixture(navPublisherFixture);
        await expect(navPublisher.connect(publisher).publish(1_000_000n * ONE_8)).to.emit(
          navPublisher,
          "AnswerPublished",
        );
      });

      it("should accept the largest answer that fits 192 bits", async function () {
        const { navPublisher, publisher } = await loadFixture(navPublisherFixture);
        await navPublisher.connect(publisher).publish(INT192_MAX);
        expect((await navPublisher.latestRoundData()).answer).to.equal(INT192_MAX);
      });
    });

    describe("when publishing later rounds", function () {
      it("should number them consecutively and keep the whole history", async function () {
        const { navPublisher, publisher, firstAt } = await loadFixture(firstRoundFixture);
        const secondAt = firstAt + PUBLISHER_MIN_INTERVAL;
        const thirdAt = secondAt + 2 * PUBLISHER_MIN_INTERVAL;
        await expect(publishAt(navPublisher.connect(publisher), 100_500_000n, secondAt))
          .to.emit(navPublisher, "AnswerPublished")
          .withArgs(2n, ONE_8, 100_500_000n, secondAt);
        await expect(publishAt(navPublisher.connect(publisher), 100_300_000n, thirdAt))
          .to.emit(navPublisher, "AnswerPublished")
          .withArgs(3n, 100_500_000n, 100_300_000n, thirdAt);

        expect(await navPublisher.latestRound()).to.equal(3n);
        const history = [
          [1n, ONE_8, BigInt(firstAt), BigInt(firstAt), 1n],
          [2n, 100_500_000n, BigInt(secondAt), BigInt(secondAt), 2n],
          [3n, 100_300_000n, BigInt(thirdAt), BigInt(thirdAt), 3n],
        ];
        for (const round of history) {
          expect([...(await navPublisher.getRoundData(round[0]))]).to.deep.equal(round);
        }
        expect([...(await navPublisher.latestRoundData())]).to.deep.equal(history[2]);
        await expect(navPublisher.getRoundData(4))
          .to.be.revertedWithCustomError(navPublisher, "RoundNotFound")
          .withArgs(4n);
      });
    });

    describe("when the minimum interval has not passed", function () {
      it("should refuse a round one second early and accept it exactly on time", async function () {
        const { navPublisher, publisher, firstAt } = await loadFixture(firstRoundFixture);
        const early = firstAt + PUBLISHER_MIN_INTERVAL - 1;
        await expect(publishAt(navPublisher.connect(publisher), ONE_8, early))
          .to.be.revertedWithCustomError(navPublisher, "PublishTooSoon")
          .withArgs(firstAt, early, PUBLISHER_MIN_INTERVAL);
        expect(await navPublisher.latestRound()).to.equal(1n);
        await expect(publishAt(navPublisher.connect(publisher), ONE_8, early + 1))
          .to.emit(navPublisher, "AnswerPublished")
          .withArgs(2n, ONE_8, ONE_8, early + 1);
      });
    });

    describe("when the answer moves more than the bound per round", function () {
      // 100 bps of 1.00000000 is 0.01000000.
      const cases = [
        { direction: "up", edge: ONE_8 + 1_000_000n, over: ONE_8 + 1_000_001n },
        { direction: "down", edge: ONE_8 - 1_000_000n, over: ONE_8 - 1_000_001n },
      ];
      for (const { direction, edge, over } of cases) {
        it(`should accept a move ${direction} exactly at the bound`, async function () {
          const { navPublisher, publisher, firstAt } = await loadFixture(firstRoundFixture);
          await expect(publishAt(navPublisher.connect(publisher), edge, firstAt + PUBLISHER_MIN_INTERVAL))
            .to.emit(navPublisher, "AnswerPublished")
            .withArgs(2n, ONE_8, edge, firstAt + PUBLISHER_MIN_INTERVAL);
        });

        it(`should refuse a move ${direction} one unit over the bound`, async function () {
          const { navPublisher, publisher, firstAt } = await loadFixture(firstRoundFixture);
          await expect(publishAt(navPublisher.connect(publisher), over, firstAt + PUBLISHER_MIN_INTERVAL))
            .to.be.revertedWithCustomError(navPublisher, "AnswerChangeTooLarge")
            .withArgs(ONE_8, over, PUBLISHER_MAX_CHANGE_BPS);
        });
      }

      it("should let a bound above 10,000 bps loosen increases (a reserve feed ramping up)", async function () {
        const { navPublisher, publisher, issuer, firstAt } = await loadFixture(firstRoundFixture);
        await navPublisher.connect(issuer).setMaxChangeBpsPerRound(60_000);
        const next = firstAt + PUBLISHER_MIN_INTERVAL;
        await expect(publishAt(navPublisher.connect(publisher), 7n * ONE_8 + 1n, next))
          .to.be.revertedWithCustomError(navPublisher, "AnswerChangeTooLarge")
          .withArgs(ONE_8, 7n * ONE_8 + 1n, 60_000);
        await publishAt(navPublisher.connect(publisher), 7n * ONE_8, next + 1);
        await publishAt(navPublisher.connect(publisher), 1n, next + 1 + PUBLISHER_MIN_INTERVAL);
        expect((await navPublisher.latestRoundData()).answer).to.equal(1n);
      });
    });

    describe("when the answer is not positive", function () {
      for (const answer of [0n, -1n]) {
        it(`should refuse ${answer}`, async function () {
          const { navPublisher, publisher } = await loadFixture(navPublisherFixture);
          await expect(navPublisher.connect(publisher).publish(answer))
            .to.be.revertedWithCustomError(navPublisher, "AnswerNotPositive")
            .withArgs(answer);
        });
      }
    });

    describe("when the answer does not fit 192 bits", function () {
      it("should refuse it", async function () {
        const { navPublisher, publisher } = await loadFixture(navPublisherFixture);
        await expect(navPublisher.connect(publisher).publish(INT192_MAX + 1n))
          .to.be.revertedWithCustomError(navPublisher, "AnswerTooLarge")
          .withArgs(INT192_MAX + 1n, INT192_MAX);
      });
    });

    describe("when the caller is not a NAV_PUBLISHER", function () {
      it("should refuse the issuer, the guardian and strangers", async function () {
        const { navPublisher, issuer, guardian, stranger } = await loadFixture(navPublisherFixture);
        for (const caller of [issuer, guardian, stranger]) {
          await expect(navPublisher.connect(caller).publish(ONE_8))
            .to.be.revertedWithCustomError(navPublisher, "AccessManagedUnauthorized")
            .withArgs(caller.address);
        }
        expect(await navPublisher.latestRound()).to.equal(0n);
      });
    });
  });

  describe("setMinInterval", function () {
    it("should set it and emit the old and new values", async function () {
      const { navPublisher, issuer } = await loadFixture(navPublisherFixture);
      await expect(navPublisher.connect(issuer).setMinInterval(HOUR))
        .to.emit(navPublisher, "MinIntervalChanged")
        .withArgs(PUBLISHER_MIN_INTERVAL, HOUR);
      expect(await navPublisher.minInterval()).to.equal(HOUR);
    });

    it("should apply the new interval to the next publication", async function () {
      const { navPublisher, publisher, issuer, firstAt } = await loadFixture(firstRoundFixture);
      await navPublisher.connect(issuer).setMinInterval(HOUR);
      await expect(publishAt(navPublisher.connect(publisher), ONE_8, firstAt + HOUR))
        .to.emit(navPublisher, "AnswerPublished")
        .withArgs(2n, ONE_8, ONE_8, firstAt + HOUR);
    });

    it("should refuse zero", async function () {
      const { navPublisher, issuer } = await loadFixture(navPublisherFixture);
      await expect(navPublisher.connect(issuer).setMinInterval(0))
        .to.be.revertedWithCustomError(navPublisher, "InvalidNavPublisherConfig")
        .withArgs("minInterval");
    });
  });

  describe("setMaxChangeBpsPerRound", function () {
    it("should set it and emit the old and new values", async function () {
      const { navPublisher, issuer } = await loadFixture(navPublisherFixture);
      await expect(navPublisher.connect(issuer).setMaxChangeBpsPerRound(25))
        .to.emit(navPublisher, "MaxChangeBpsPerRoundChanged")
        .withArgs(PUBLISHER_MAX_CHANGE_BPS, 25);
      expect(await navPublisher.maxChangeBpsPerRound()).to.equal(25);
    });

    it("should refuse zero", async function () {
      const { navPublisher, issuer } = await loadFixture(navPublisherFixture);
      await expect(navPublisher.connect(issuer).setMaxChangeBpsPerRound(0))
        .to.be.revertedWithCustomError(navPublisher, "InvalidNavPublisherConfig")
        .withArgs("maxChangeBpsPerRound");
    });
  });

  describe("access control", function () {
    const restricted: Record<string, (p: NavPublisher) => Promise<unknown>> = {
      setMinInterval: (p) => p.setMinInterval(HOUR),
      setMaxChangeBpsPerRound: (p) => p.setMaxChangeBpsPerRound(10),
    };

    for (const [name, call] of Object.entries(restricted)) {
      it(`should refuse ${name} from callers without the ISSUER role`, async function () {
        const { navPublisher, publisher, guardian, stranger } = await loadFixture(navPublisherFixture);
        for (const caller of [publisher, guardian, stranger]) {
          await expect(call(navPublisher.connect(caller)))
            .to.be.revertedWithCustomError(navPublisher, "AccessManagedUnauthorized")
            .withArgs(caller.address);
        }
      });
    }
  });
});
