import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress } from "ethers";
import { RESTRICTION } from "../../lib/compliance-rules";
import {
  ONE,
  REBASED_NAV,
  FUNDED,
  accrualModel,
  rebasedFixture,
  toAmount,
  toSharesDown,
  wad,
  type InvestorsFixture,
} from "./fixtures";

/** The index the rebased fixture must have, from the two published rounds and the documented formula. */
async function expectedIndex(f: InvestorsFixture): Promise<bigint> {
  const feed = await ethers.getContractAt("NavPublisher", String(f.fund.contracts.navPublisher!.target));
  const baseline = await feed.getRoundData(1n);
  const next = await feed.getRoundData(2n);
  expect(next.answer).to.equal(REBASED_NAV);
  return accrualModel({
    index: ONE,
    totalShares: 0n,
    lastNav: wad(baseline.answer),
    nav: wad(next.answer),
    lastUpdatedAt: baseline.updatedAt,
    updatedAt: next.updatedAt,
  }).newIndex;
}

describe("FundToken: shares", function () {
  describe("index", function () {
    it("should start at 1e18 and follow the documented accrual formula", async function () {
      const f = await loadFixture(rebasedFixture);
      const index = await expectedIndex(f);
      expect(index).to.be.greaterThan(ONE);
      expect(index % 10n ** 6n).to.not.equal(0n); // irregular: every conversion rounds
      expect(await f.token.index()).to.equal(index);
    });
  });

  describe("sharesOf, totalShares, balanceOf", function () {
    it("should credit minted amounts as shares rounded down", async function () {
      const f = await loadFixture(rebasedFixture);
      const index = await expectedIndex(f);
      for (const [who, amount] of [
        [f.alice, FUNDED.alice],
        [f.bob, FUNDED.bob],
        [f.carol, FUNDED.carol],
      ] as const) {
        expect(await f.token.sharesOf(who.address)).to.equal(toSharesDown(amount, index));
        expect(await f.token.balanceOf(who.address)).to.equal(toAmount(toSharesDown(amount, index), index));
      }
    });

    it("should keep totalShares the exact sum and totalSupply its value rounded down", async function () {
      const f = await loadFixture(rebasedFixture);
      const index = await expectedIndex(f);
      const sum =
        (await f.token.sharesOf(f.alice.address)) +
        (await f.token.sharesOf(f.bob.address)) +
        (await f.token.sharesOf(f.carol.address));
      expect(await f.token.totalShares()).to.equal(sum);
      expect(await f.token.totalSupply()).to.equal(toAmount(sum, index));
    });
  });

  describe("sharesForAmount and amountForShares", function () {
    it("should convert both ways rounding down", async function () {
      const f = await loadFixture(rebasedFixture);
      const index = await f.token.index();
      for (const x of [0n, 1n, 2n, 999_999n, 10n ** 18n + 7n, 123_456_789n * ONE]) {
        expect(await f.token.sharesForAmount(x)).to.equal(toSharesDown(x, index));
        expect(await f.token.amountForShares(x)).to.equal(toAmount(x, index));
      }
      // Rounding down: one wei is worth no share, one share is worth one wei.
      expect(await f.token.sharesForAmount(1n)).to.equal(0n);
      expect(await f.token.amountForShares(1n)).to.equal(1n);
    });
  });

  describe("transferShares", function () {
    describe("when the transfer is allowed", function () {
      it("should move exactly the shares, return their value and emit Transfer and TransferShares", async function () {
        const f = await loadFixture(rebasedFixture);
        const index = await f.token.index();
        const shares = 12_345n * ONE + 6_789n;
        const aliceShares = await f.token.sharesOf(f.alice.address);
        const bobShares = await f.token.sharesOf(f.bob.address);
        expect(await f.token.connect(f.alice).transferShares.staticCall(f.bob.address, shares)).to.equal(
          toAmount(shares, index),
        );
        await expect(f.token.connect(f.alice).transferShares(f.bob.address, shares))
          .to.emit(f.token, "Transfer")
          .withArgs(f.alice.address, f.bob.address, toAmount(shares, index))
          .and.to.emit(f.token, "TransferShares")
          .withArgs(f.alice.address, f.bob.address, shares);
        expect(await f.token.sharesOf(f.alice.address)).to.equal(aliceShares - shares);
        expect(await f.token.sharesOf(f.bob.address)).to.equal(bobShares + shares);
      });

      it("should leave zero shares when every share is sent", async function () {
        const f = await loadFixture(rebasedFixture);
        const shares = await f.token.sharesOf(f.carol.address);
        await f.token.connect(f.carol).transferShares(f.bob.address, shares);
        expect(await f.token.sharesOf(f.carol.address)).to.equal(0n);
        expect(await f.token.balanceOf(f.carol.address)).to.equal(0n);
      });
    });

    describe("when it is refused", function () {
      it("should refuse more shares than held with ERC20InsufficientBalance(sender, balance, value)", async function () {
        const f = await loadFixture(rebasedFixture);
        const index = await f.token.index();
        const shares = await f.token.sharesOf(f.carol.address);
        await expect(f.token.connect(f.carol).transferShares(f.bob.address, shares + 1n))
          .to.be.revertedWithCustomError(f.token, "ERC20InsufficientBalance")
          .withArgs(f.carol.address, toAmount(shares, index), toAmount(shares + 1n, index));
      });

      it("should refuse shares worth more than 2^256 - 1 with ERC20InsufficientBalance, the value saturated, not a Panic", async function () {
        const f = await loadFixture(rebasedFixture);
        const index = await f.token.index();
        expect(index).to.be.greaterThan(ONE);
        const shares = await f.token.sharesOf(f.carol.address);
        await expect(f.token.connect(f.carol).transferShares(f.bob.address, ethers.MaxUint256))
          .to.be.revertedWithCustomError(f.token, "ERC20InsufficientBalance")
          .withArgs(f.carol.address, toAmount(shares, index), ethers.MaxUint256);
      });

      it("should refuse the zero recipient and a paused token", async function () {
        const f = await loadFixture(rebasedFixture);
        await expect(f.token.connect(f.alice).transferShares(ZeroAddress, 1n))
          .to.be.revertedWithCustomError(f.token, "ERC20InvalidReceiver")
          .withArgs(ZeroAddress);
        await f.fund.as("guardian").on(f.token).pause();
        await expect(
          f.token.connect(f.alice).transferShares(f.bob.address, 1n),
        ).to.be.revertedWithCustomError(f.token, "EnforcedPause");
      });

      it("should refuse frozen wallets and frozen shares", async function () {
        const f = await loadFixture(rebasedFixture);
        const index = await f.token.index();
        const agent = f.fund.as("transferAgent");
        await agent.on(f.token).freezePartialTokens(f.carol.address, 5_000n * ONE);
        const shares = await f.token.sharesOf(f.carol.address);
        // Freezing 5,000 tokens freezes their shares rounded up.
        const frozenShares = (5_000n * ONE * ONE - 1n) / index + 1n;
        const unfrozen = shares - frozenShares;
        await expect(f.token.connect(f.carol).transferShares(f.bob.address, unfrozen + 1n))
          .to.be.revertedWithCustomError(f.token, "InsufficientUnfrozenBalance")
          .withArgs(f.carol.address, toAmount(unfrozen, index), toAmount(unfrozen + 1n, index));
        await agent.on(f.token).setAddressFrozen(f.bob.address, true);
        await expect(f.token.connect(f.carol).transferShares(f.bob.address, 1n))
          .to.be.revertedWithCustomError(f.token, "WalletFrozen")
          .withArgs(f.bob.address);
      });

      it("should refuse an unverified recipient and a compliance refusal", async function () {
        const f = await loadFixture(rebasedFixture);
        await expect(f.token.connect(f.alice).transferShares(f.erin.address, ONE))
          .to.be.revertedWithCustomError(f.token, "RecipientNotVerified")
          .withArgs(f.erin.address);
        // One share is worth about one wei: below the one-token minimum position of a new holder.
        await expect(f.token.connect(f.alice).transferShares(f.dave.address, 1n))
          .to.be.revertedWithCustomError(f.fund.contracts.compliance, "TransferRestricted")
          .withArgs(RESTRICTION.RECIPIENT_BELOW_MIN_HOLDING);
      });
    });
  });
});
