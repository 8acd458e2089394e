import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { RESTRICTION } from "../../lib/compliance-rules";
import {
  DAY,
  ONE,
  accrualModel,
  expectShareInvariants,
  feedUnits,
  issuerCalls,
  latestRound,
  publishNavAnswer,
  publishReserveAnswer,
  rebasedFixture,
  sharesToTake,
  toAmount,
  toSharesDown,
  toSharesUp,
  tx,
  wad,
  type InvestorsFixture,
} from "./fixtures";
import { roleStep } from "../../lib/fund";

const agent = (f: InvestorsFixture) => f.fund.as("transferAgent");

/** Deterministic amounts with every digit significant. */
function amounts(count: number, max: bigint): bigint[] {
  let seed = 0xc0ffeen;
  const out: bigint[] = [1n, 2n, 3n, 999n, 10n ** 18n - 1n];
  while (out.length < count) {
    seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n;
    out.push(1n + (seed * max) / 2n ** 64n);
  }
  return out;
}

describe("FundToken: rounding (index above 1)", function () {
  describe("mint", function () {
    it("should refuse an amount worth zero shares with AmountBelowOneShare", async function () {
      const f = await loadFixture(rebasedFixture);
      expect(await f.token.index()).to.be.greaterThan(ONE);
      expect(await f.token.sharesForAmount(1n)).to.equal(0n);
      await expect(agent(f).on(f.token).mint(f.alice.address, 1n))
        .to.be.revertedWithCustomError(f.token, "AmountBelowOneShare")
        .withArgs(1n);
    });

    it("should issue the smallest amount worth a share (2 wei: one share)", async function () {
      const f = await loadFixture(rebasedFixture);
      const before = await f.token.sharesOf(f.alice.address);
      await expect(tx(agent(f).on(f.token).mint(f.alice.address, 2n)))
        .to.emit(f.token, "TransferShares")
        .withArgs("0x0000000000000000000000000000000000000000", f.alice.address, 1n);
      expect(await f.token.sharesOf(f.alice.address)).to.equal(before + 1n);
    });

    it("should credit at most the amount paid, and at least two wei less", async function () {
      const f = await loadFixture(rebasedFixture);
      const index = await f.token.index();
      for (const x of amounts(8, 10_000n * ONE).filter((a) => a > 1n)) {
        const shares = await f.token.sharesOf(f.bob.address);
        const balance = await f.token.balanceOf(f.bob.address);
        await agent(f).on(f.token).mint(f.bob.address, x);
        const credited = (await f.token.balanceOf(f.bob.address)) - balance;
        expect(await f.token.sharesOf(f.bob.address)).to.equal(shares + toSharesDown(x, index));
        expect(credited).to.equal(toAmount(shares + toSharesDown(x, index), index) - balance);
        expect(credited).to.be.lessThanOrEqual(x);
        expect(credited).to.be.greaterThanOrEqual(x - 2n);
      }
    });
  });

  describe("transfer", function () {
    it("should move one share, rounded up, for 1 wei", async function () {
      const f = await loadFixture(rebasedFixture);
      await expect(f.token.connect(f.alice).transfer(f.bob.address, 1n))
        .to.emit(f.token, "TransferShares")
        .withArgs(f.alice.address, f.bob.address, 1n);
    });

    it("should debit the sender at least x and credit the recipient at least x (at most x + 2 each), exactly as the shares say", async function () {
      // The sender gives up ceil(x / index) shares, worth at least x: it absorbs the rounding
      // (docs/TOKEN.md rounding table), so the recipient never receives less than x.
      const f = await loadFixture(rebasedFixture);
      const index = await f.token.index();
      const offsets = new Set<bigint>();
      for (const x of amounts(24, 50_000n * ONE)) {
        const [sa, sb] = [await f.token.sharesOf(f.alice.address), await f.token.sharesOf(f.bob.address)];
        const [ba, bb] = [await f.token.balanceOf(f.alice.address), await f.token.balanceOf(f.bob.address)];
        await f.token.connect(f.alice).transfer(f.bob.address, x);
        const moved = sharesToTake(sa, x, index);
        expect(await f.token.sharesOf(f.alice.address)).to.equal(sa - moved);
        expect(await f.token.sharesOf(f.bob.address)).to.equal(sb + moved);
        const debited = ba - (await f.token.balanceOf(f.alice.address));
        const credited = (await f.token.balanceOf(f.bob.address)) - bb;
        expect(debited).to.equal(ba - toAmount(sa - moved, index));
        expect(credited).to.equal(toAmount(sb + moved, index) - bb);
        expect(debited).to.be.within(x, x + 2n);
        expect(credited).to.be.within(x, x + 2n);
        expect(debited - credited).to.be.within(-1n, 1n);
        offsets.add(credited - x);
      }
      // The recipient does receive more than x at times: integrators must not expect exactly x.
      expect(offsets.has(1n)).to.equal(true);
    });

    it("should leave exactly zero shares after transfer(balanceOf(sender))", async function () {
      const f = await loadFixture(rebasedFixture);
      const shares = await f.token.sharesOf(f.carol.address);
      const bobShares = await f.token.sharesOf(f.bob.address);
      await expect(f.token.connect(f.carol).transfer(f.bob.address, await f.token.balanceOf(f.carol.address)))
        .to.emit(f.token, "TransferShares")
        .withArgs(f.carol.address, f.bob.address, shares);
      expect(await f.token.sharesOf(f.carol.address)).to.equal(0n);
      expect(await f.token.sharesOf(f.bob.address)).to.equal(bobShares + shares);
    });

    it("should leave exactly zero shares after a forced transfer and a burn of the whole balance", async function () {
      const f = await loadFixture(rebasedFixture);
      await agent(f)
        .on(f.token)
        .forcedTransfer(f.carol.address, f.dave.address, await f.token.balanceOf(f.carol.address));
      expect(await f.token.sharesOf(f.carol.address)).to.equal(0n);
      await agent(f)
        .on(f.token)
        .burn(f.dave.address, await f.token.balanceOf(f.dave.address));
      expect(await f.token.sharesOf(f.dave.address)).to.equal(0n);
      await expectShareInvariants(f.token, [f.alice.address, f.bob.address, f.carol.address, f.dave.address]);
    });

    it("should refuse 1 wei to a new holder (below the one-token minimum position)", async function () {
      const f = await loadFixture(rebasedFixture);
      await expect(f.token.connect(f.alice).transfer(f.dave.address, 1n))
        .to.be.revertedWithCustomError(f.fund.contracts.compliance, "TransferRestricted")
        .withArgs(RESTRICTION.RECIPIENT_BELOW_MIN_HOLDING);
    });
  });

  describe("freezes", function () {
    it("should freeze at least the amount (shares rounded up)", async function () {
      const f = await loadFixture(rebasedFixture);
      const index = await f.token.index();
      let frozenShares = 0n;
      for (const x of amounts(6, 100n * ONE)) {
        await agent(f).on(f.token).freezePartialTokens(f.carol.address, x);
        frozenShares += toSharesUp(x, index);
        expect(await f.token.getFrozenTokens(f.carol.address)).to.equal(toAmount(frozenShares, index));
      }
      expect(await f.token.getFrozenTokens(f.carol.address)).to.be.greaterThanOrEqual(
        amounts(6, 100n * ONE).reduce((a, b) => a + b, 0n),
      );
    });

    it("should clear exactly when the frozen amount is unfrozen", async function () {
      const f = await loadFixture(rebasedFixture);
      await agent(f)
        .on(f.token)
        .freezePartialTokens(f.carol.address, 1_234n * ONE + 567n);
      await agent(f).on(f.token).freezePartialTokens(f.carol.address, 1n);
      const frozen = await f.token.getFrozenTokens(f.carol.address);
      await agent(f).on(f.token).unfreezePartialTokens(f.carol.address, frozen);
      expect(await f.token.getFrozenTokens(f.carol.address)).to.equal(0n);
      // Nothing is left frozen: the whole balance can move.
      await f.token.connect(f.carol).transfer(f.bob.address, await f.token.balanceOf(f.carol.address));
      expect(await f.token.sharesOf(f.carol.address)).to.equal(0n);
    });

    it("should freeze every share when the whole balance is frozen", async function () {
      const f = await loadFixture(rebasedFixture);
      const balance = await f.token.balanceOf(f.carol.address);
      await agent(f).on(f.token).freezePartialTokens(f.carol.address, balance);
      expect(await f.token.getFrozenTokens(f.carol.address)).to.equal(balance);
      await expect(f.token.connect(f.carol).transfer(f.bob.address, 1n))
        .to.be.revertedWithCustomError(f.token, "InsufficientUnfrozenBalance")
        .withArgs(f.carol.address, 0n, 1n);
      await expect(agent(f).on(f.token).freezePartialTokens(f.carol.address, 1n))
        .to.be.revertedWithCustomError(f.token, "FreezeExceedsBalance")
        .withArgs(f.carol.address, balance, balance + 1n);
    });
  });

  describe("large balances (1e27 token units)", function () {
    /** Reserves, holding and outflow limits raised to hold a billion tokens per investor. */
    async function largeFixture() {
      const f = await loadFixture(rebasedFixture);
      const c = f.fund.contracts.compliance;
      await issuerCalls(f.fund, [
        roleStep(c, "setHoldingLimits", [ONE, 0n]),
        roleStep(c, "setMaxDailyOutflow", [2n ** 96n - 1n]),
      ]);
      // Reserves may triple per round: 10 million -> 2.43 billion in five rounds.
      let reserves = feedUnits("10000000");
      for (let i = 0; i < 5; i++) {
        reserves *= 3n;
        await publishReserveAnswer(f.fund, reserves);
      }
      return f;
    }

    it("should keep exact share sums with 1e27-unit balances through transfers, burns and an accrual", async function () {
      const f = await loadFixture(largeFixture);
      const big = 10n ** 27n;
      const index = await f.token.index();
      const holders = [f.alice.address, f.bob.address, f.carol.address, f.dave.address, f.feeWallet];
      await agent(f)
        .on(f.token)
        .batchMint([f.alice.address, f.dave.address], [big + 123_456_789n, big / 3n]);
      expect(await f.token.sharesOf(f.dave.address)).to.equal(toSharesDown(big / 3n, index));
      await f.token.connect(f.alice).transfer(f.bob.address, big / 7n);
      await f.token.connect(f.dave).transfer(f.carol.address, await f.token.balanceOf(f.dave.address));
      expect(await f.token.sharesOf(f.dave.address)).to.equal(0n);
      await agent(f)
        .on(f.token)
        .burn(f.bob.address, big / 11n);
      await expectShareInvariants(f.token, holders);
      expect(await f.token.totalSupply()).to.be.greaterThan(big);

      // A day of growth at this scale, checked against the documented formula.
      const applied = await f.token.appliedNav();
      const last = await latestRound(f.fund.contracts.navPublisher!);
      const round = await publishNavAnswer(f.fund, last.answer + 13_700n * 2n);
      const m = accrualModel({
        index,
        totalShares: await f.token.totalShares(),
        lastNav: applied.nav,
        nav: wad(round.answer),
        lastUpdatedAt: applied.updatedAt,
        updatedAt: round.updatedAt,
      });
      expect(round.updatedAt - applied.updatedAt).to.be.greaterThan(BigInt(2 * DAY));
      await f.token.accrue();
      expect(await f.token.index()).to.equal(m.newIndex);
      expect(await f.token.sharesOf(f.feeWallet)).to.equal(m.feeShares);
      await expectShareInvariants(f.token, holders);
    });
  });
});
