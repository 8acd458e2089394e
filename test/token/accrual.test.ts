import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { ZeroAddress } from "ethers";
import { deployFundFixture, listProtocolAccounts } from "../helpers/fund";
import {
  DAY,
  HOUR,
  ONE,
  accrualModel,
  expectShareInvariants,
  feedUnits,
  investorsFixture,
  issuerCalls,
  mint,
  rebasedFixture,
  revertingGuardFixture,
  latestRound,
  publishNavAnswer,
  publishReserveAnswer,
  refreshReserves,
  registerMany,
  CLASS,
  sharesToTake,
  toAmount,
  toSharesDown,
  toSharesUp,
  wad,
  type InvestorsFixture,
} from "./fixtures";
import type { IFundToken } from "../../typechain-types";
import { roleStep } from "../../lib/fund";

/** 5 % a year: the NAV (8 decimals) grows by 0.000137 per calendar day. */
const DAILY_NAV_STEP = 13_700n;

/** The NAV publisher's latest round and the token's applied round, as the accrual model needs them. */
async function accrualInputs(f: InvestorsFixture) {
  const applied = await f.token.appliedNav();
  const round = await latestRound(f.fund.contracts.navPublisher!);
  return {
    index: await f.token.index(),
    totalShares: await f.token.totalShares(),
    lastNav: applied.nav,
    nav: wad(round.answer),
    lastUpdatedAt: applied.updatedAt,
    updatedAt: round.updatedAt,
    roundId: round.roundId,
    allowDecrease: await f.fund.contracts.navOracle.allowDecrease(),
  };
}

/** Moves to `days` after the last NAV round, publishes the NAV grown by as many daily steps and fresh reserves. */
async function publishAfter(f: InvestorsFixture, days: number, step = DAILY_NAV_STEP) {
  const last = await latestRound(f.fund.contracts.navPublisher!);
  await time.increaseTo(Number(last.updatedAt) + days * DAY);
  await refreshReserves(f.fund);
  return publishNavAnswer(f.fund, last.answer + BigInt(days) * step);
}

/** Accrues as an outsider and checks the documented outcome exactly; returns the model. */
async function accrueAndCheck(f: InvestorsFixture, feeBps?: bigint) {
  const inputs = await accrualInputs(f);
  const m = accrualModel({ ...inputs, feeBps });
  const feeWallet = await f.token.feeWallet();
  const feeSharesBefore = await f.token.sharesOf(feeWallet);
  const t = f.token.connect(f.outsider).accrue();
  await expect(t)
    .to.emit(f.token, "YieldAccrued")
    .withArgs(
      inputs.roundId,
      inputs.nav,
      inputs.index,
      m.newIndex,
      m.holdersSupplyChange,
      m.feeSharesAmount,
      m.feeShares,
    );
  if (m.feeShares > 0n) {
    await expect(t)
      .to.emit(f.token, "Transfer")
      .withArgs(ZeroAddress, feeWallet, m.feeSharesAmount)
      .and.to.emit(f.token, "TransferShares")
      .withArgs(ZeroAddress, feeWallet, m.feeShares);
  }
  expect(await f.token.index()).to.equal(m.newIndex);
  expect(await f.token.totalShares()).to.equal(inputs.totalShares + m.feeShares);
  expect(await f.token.sharesOf(feeWallet)).to.equal(feeSharesBefore + m.feeShares);
  const applied = await f.token.appliedNav();
  expect([applied.roundId, applied.nav, applied.updatedAt]).to.deep.equal([
    inputs.roundId,
    inputs.nav,
    inputs.updatedAt,
  ]);
  return { ...m, inputs };
}

describe("FundToken: daily accrual", function () {
  describe("the first accrual", function () {
    it("should have recorded the deploy-time NAV round as the baseline, index still 1", async function () {
      const f = await loadFixture(investorsFixture);
      const baseline = await ethers.getContractAt(
        "NavPublisher",
        String(f.fund.contracts.navPublisher!.target),
      );
      const round = await baseline.getRoundData(1n);
      const applied = await f.token.appliedNav();
      expect([applied.roundId, applied.nav, applied.updatedAt]).to.deep.equal([
        1n,
        wad(round.answer),
        round.updatedAt,
      ]);
      expect(await f.token.index()).to.equal(ONE);
    });

    it("should only record the baseline on a fresh token: index unchanged, no fee, YieldAccrued with zero change", async function () {
      const { fund } = await loadFixture(deployFundFixture);
      const c = fund.contracts;
      const ext = await (await ethers.getContractFactory("FundTokenAdmin")).deploy();
      const proxy = await upgrades.deployProxy(
        await ethers.getContractFactory("FundToken"),
        [
          {
            authority: await c.manager.getAddress(),
            name: "Fresh",
            symbol: "FRSH",
            onchainID: ZeroAddress,
            identityRegistry: await c.registry.getAddress(),
            compliance: await c.compliance.getAddress(),
            navOracle: await c.navOracle.getAddress(),
            reserveGuard: await c.reserveGuard.getAddress(),
            feeWallet: await c.token.feeWallet(),
            managementFeeBps: 200,
          },
        ],
        { kind: "uups", constructorArgs: [await ext.getAddress()] },
      );
      const fresh = (await ethers.getContractAt(
        "IFundToken",
        await proxy.getAddress(),
      )) as unknown as IFundToken;
      await time.increase(2 * DAY);
      const round = await publishNavAnswer(fund, feedUnits("1.0015"));
      await expect(fresh.accrue())
        .to.emit(fresh, "YieldAccrued")
        .withArgs(round.roundId, wad(round.answer), ONE, ONE, 0n, 0n, 0n);
      expect(await fresh.index()).to.equal(ONE);
      const applied = await fresh.appliedNav();
      expect([applied.roundId, applied.nav, applied.updatedAt]).to.deep.equal([
        round.roundId,
        wad(round.answer),
        round.updatedAt,
      ]);
      await expect(fresh.accrue())
        .to.be.revertedWithCustomError(c.navOracle, "NavRoundAlreadyApplied")
        .withArgs(round.updatedAt);
    });
  });

  describe("when a new NAV round is published", function () {
    it("should move the index with the NAV net of the fee and mint the exact fee to the fee wallet", async function () {
      const f = await loadFixture(investorsFixture);
      await publishAfter(f, 1);
      const m = await accrueAndCheck(f);
      expect(m.newIndex).to.be.greaterThan(ONE);
      expect(m.feeShares).to.be.greaterThan(0n);
      await expectShareInvariants(f.token, [f.alice.address, f.bob.address, f.carol.address, f.feeWallet]);
    });

    it("should grow the total supply with the gross NAV and the holders' balances with the net NAV", async function () {
      const f = await loadFixture(investorsFixture);
      const supply = await f.token.totalSupply();
      await publishAfter(f, 1);
      const m = await accrueAndCheck(f);
      expect(await f.token.totalSupply()).to.equal(toAmount(m.inputs.totalShares + m.feeShares, m.newIndex));
      // Gross growth to within the rounding of the fee shares (rounded down, never above the fee).
      const gross = toAmount(m.inputs.totalShares, m.grossIndex);
      expect(await f.token.totalSupply()).to.be.lessThanOrEqual(gross);
      expect(gross - (await f.token.totalSupply())).to.be.lessThanOrEqual(2n);
      expect(await f.token.balanceOf(f.alice.address)).to.equal(toAmount(f.amounts.alice, m.newIndex));
      expect(await f.token.totalSupply()).to.be.greaterThan(supply);
    });

    it("should give three days of fee and growth to a Monday round after a Friday round", async function () {
      const f = await loadFixture(investorsFixture);
      await publishAfter(f, 1); // "Friday"
      const friday = await accrueAndCheck(f);
      await publishAfter(f, 3); // "Monday"
      const monday = await accrueAndCheck(f);
      expect(monday.inputs.updatedAt - monday.inputs.lastUpdatedAt).to.be.greaterThanOrEqual(BigInt(3 * DAY));
      // Three days of fee on (about) the same supply: three times Friday's, within a basis point of it.
      const ratio = (monday.feeAmount * 10_000n) / friday.feeAmount;
      expect(ratio).to.be.within(29_900n, 30_100n);
    });

    it("should prorate the fee by the rounds' timestamps, whenever and by whomever it is called", async function () {
      const f = await loadFixture(investorsFixture);
      await publishAfter(f, 1);
      await time.increase(10 * HOUR); // called late: the fee still covers exactly the rounds' interval
      const m = await accrueAndCheck(f);
      expect(m.inputs.updatedAt - m.inputs.lastUpdatedAt).to.be.lessThan(BigInt(DAY + HOUR));
    });

    it("should let the fee wallet (an account of the fund) pay its fee out to an investor", async function () {
      const f = await loadFixture(investorsFixture);
      await publishAfter(f, 1);
      const m = await accrueAndCheck(f);
      const feeWallet = (await ethers.getSigners())[9];
      expect(feeWallet.address).to.equal(f.feeWallet);
      const fee = await f.token.balanceOf(f.feeWallet);
      expect(fee).to.equal(m.feeSharesAmount);
      const count = await f.fund.contracts.compliance.investorCount();
      await f.token.connect(feeWallet).transfer(f.bob.address, fee);
      expect(await f.token.sharesOf(f.feeWallet)).to.equal(0n);
      expect(await f.token.sharesOf(f.bob.address)).to.equal(f.amounts.bob + m.feeShares);
      expect(await f.fund.contracts.compliance.investorCount()).to.equal(count);
    });

    it("should keep frozen tokens earning yield", async function () {
      const f = await loadFixture(investorsFixture);
      await f.fund
        .as("transferAgent")
        .on(f.token)
        .freezePartialTokens(f.carol.address, 5_000n * ONE);
      await f.fund.as("transferAgent").on(f.token).setAddressFrozen(f.bob.address, true);
      await publishAfter(f, 1);
      const m = await accrueAndCheck(f);
      expect(await f.token.getFrozenTokens(f.carol.address)).to.equal(toAmount(5_000n * ONE, m.newIndex));
      expect(await f.token.getFrozenTokens(f.carol.address)).to.be.greaterThan(5_000n * ONE);
      expect(await f.token.balanceOf(f.bob.address)).to.equal(toAmount(f.amounts.bob, m.newIndex));
    });

    it("should apply a fee change to the whole period since the last applied round", async function () {
      const f = await loadFixture(investorsFixture);
      await f.fund.as("issuer").now(f.token).setManagementFeeBps(150);
      // Two days passed behind the issuer's delay: publish two days of growth.
      const last = await latestRound(f.fund.contracts.navPublisher!);
      await refreshReserves(f.fund);
      await publishNavAnswer(f.fund, last.answer + 2n * DAILY_NAV_STEP);
      const m = await accrueAndCheck(f, 150n);
      expect(m.inputs.updatedAt - m.inputs.lastUpdatedAt).to.be.greaterThan(BigInt(2 * DAY));
    });

    it("should mint no fee shares with a zero fee (the index follows the NAV exactly)", async function () {
      const f = await loadFixture(investorsFixture);
      await f.fund.as("issuer").now(f.token).setManagementFeeBps(0);
      const last = await latestRound(f.fund.contracts.navPublisher!);
      await refreshReserves(f.fund);
      await publishNavAnswer(f.fund, last.answer + 2n * DAILY_NAV_STEP);
      const t = f.token.accrue();
      await expect(t).not.to.emit(f.token, "Transfer");
      expect(await f.token.index()).to.equal(
        (ONE * wad(last.answer + 2n * DAILY_NAV_STEP)) / wad(last.answer),
      );
      expect(await f.token.sharesOf(f.feeWallet)).to.equal(0n);
    });

    it("should pay the fee to a newly set fee wallet", async function () {
      const f = await loadFixture(investorsFixture);
      const wallet = ethers.Wallet.createRandom().address;
      await listProtocolAccounts(f.fund, [wallet]);
      await registerMany(f.fund, [wallet], { classes: CLASS.protocol });
      await f.fund.as("issuer").now(f.token).setFeeWallet(wallet);
      const last = await latestRound(f.fund.contracts.navPublisher!);
      await refreshReserves(f.fund);
      await publishNavAnswer(f.fund, last.answer + 2n * DAILY_NAV_STEP);
      const m = await accrueAndCheck(f);
      expect(await f.token.sharesOf(wallet)).to.equal(m.feeShares);
      expect(await f.token.sharesOf(f.feeWallet)).to.equal(0n);
    });

    it("should lower every balance alike on a NAV decrease when the oracle allows it", async function () {
      const f = await loadFixture(investorsFixture);
      await issuerCalls(f.fund, [roleStep(f.fund.contracts.navOracle, "setAllowDecrease", [true])]);
      await refreshReserves(f.fund);
      const last = await latestRound(f.fund.contracts.navPublisher!);
      await publishNavAnswer(f.fund, last.answer - 5_000n);
      const m = await accrueAndCheck(f);
      expect(m.newIndex).to.be.lessThan(ONE);
      expect(m.holdersSupplyChange).to.be.lessThan(0n);
      expect(await f.token.balanceOf(f.alice.address)).to.equal(toAmount(f.amounts.alice, m.newIndex));
    });
  });

  describe("issue 16 finding 8: when the NAV grows less than the management fee", function () {
    /** At least a day after the last round, publishes the last NAV plus `step` (8 decimals) with fresh reserves. */
    async function publishStep(f: InvestorsFixture, step: bigint) {
      const last = await latestRound(f.fund.contracts.navPublisher!);
      const dayAfter = Number(last.updatedAt) + DAY;
      if ((await time.latest()) < dayAfter) await time.increaseTo(dayAfter);
      await refreshReserves(f.fund);
      return publishNavAnswer(f.fund, last.answer + step);
    }

    it("should leave the index unchanged and charge no fee on a flat NAV", async function () {
      const f = await loadFixture(rebasedFixture);
      const round = await publishStep(f, 0n);
      const index = await f.token.index();
      const totalShares = await f.token.totalShares();
      const feeShares = await f.token.sharesOf(f.feeWallet);
      const t = f.token.connect(f.outsider).accrue();
      await expect(t)
        .to.emit(f.token, "YieldAccrued")
        .withArgs(round.roundId, wad(round.answer), index, index, 0n, 0n, 0n);
      await expect(t).not.to.emit(f.token, "Transfer");
      expect(await f.token.index()).to.equal(index);
      expect(await f.token.totalShares()).to.equal(totalShares);
      expect(await f.token.sharesOf(f.feeWallet)).to.equal(feeShares);
      const applied = await f.token.appliedNav();
      expect([applied.roundId, applied.nav, applied.updatedAt]).to.deep.equal([
        round.roundId,
        wad(round.answer),
        round.updatedAt,
      ]);
    });

    it("should leave the index unchanged and take the whole growth as the fee", async function () {
      const f = await loadFixture(rebasedFixture);
      // 1e-8 of growth in a day, against a fee of 20 bps a year (5.5e-6 a day).
      await publishStep(f, 1n);
      const index = await f.token.index();
      const m = await accrueAndCheck(f);
      expect(m.newIndex).to.equal(index);
      expect(m.grossIndex).to.be.greaterThan(index);
      expect(m.feeAmount).to.equal(
        toAmount(m.inputs.totalShares, m.grossIndex) - toAmount(m.inputs.totalShares, index),
      );
      expect(m.feeShares).to.be.greaterThan(0n);
      // Uncapped, the fee would have taken the index below its previous value.
      expect(accrualModel({ ...m.inputs, allowDecrease: true }).newIndex).to.be.lessThan(index);
    });

    it("should keep the fee whole, lowering the index, when the oracle allows decreases", async function () {
      const f = await loadFixture(rebasedFixture);
      await issuerCalls(f.fund, [roleStep(f.fund.contracts.navOracle, "setAllowDecrease", [true])]);
      await publishStep(f, 0n);
      const index = await f.token.index();
      const m = await accrueAndCheck(f);
      expect(m.newIndex).to.be.lessThan(index);
      expect(m.feeShares).to.be.greaterThan(0n);
      expect(m.holdersSupplyChange).to.be.lessThan(0n);
    });
  });

  describe("when the round cannot be applied", function () {
    it("should refuse a second accrual of the same round with NavRoundAlreadyApplied", async function () {
      const f = await loadFixture(investorsFixture);
      const round = await publishAfter(f, 1);
      await f.token.accrue();
      await expect(f.token.connect(f.outsider).accrue())
        .to.be.revertedWithCustomError(f.fund.contracts.navOracle, "NavRoundAlreadyApplied")
        .withArgs(round.updatedAt);
    });

    it("should refuse a NAV decrease with the oracle's NavDecreaseNotAllowed", async function () {
      const f = await loadFixture(investorsFixture);
      const last = await latestRound(f.fund.contracts.navPublisher!);
      await time.increase(DAY);
      const round = await publishNavAnswer(f.fund, last.answer - 1n);
      await expect(f.token.accrue())
        .to.be.revertedWithCustomError(f.fund.contracts.navOracle, "NavDecreaseNotAllowed")
        .withArgs(wad(last.answer), wad(round.answer));
    });

    it("should refuse a NAV move above 10 bps a day with the oracle's NavChangeTooLarge", async function () {
      const f = await loadFixture(investorsFixture);
      const last = await latestRound(f.fund.contracts.navPublisher!);
      await time.increaseTo(Number(last.updatedAt) + DAY / 2);
      const round = await publishNavAnswer(f.fund, last.answer + 100_000n); // +10 bps in half a day
      await expect(f.token.accrue())
        .to.be.revertedWithCustomError(f.fund.contracts.navOracle, "NavChangeTooLarge")
        .withArgs(wad(last.answer), wad(round.answer), round.updatedAt - last.updatedAt, 10);
    });

    it("should refuse a stale NAV round with the oracle's NavStale", async function () {
      const f = await loadFixture(investorsFixture);
      const round = await publishAfter(f, 1);
      await time.increaseTo(Number(round.updatedAt) + 4 * DAY + 1);
      await expect(f.token.accrue())
        .to.be.revertedWithCustomError(f.fund.contracts.navOracle, "NavStale")
        .withArgs(round.roundId, round.updatedAt, 4 * DAY, anyValue);
    });
  });

  describe("issue 16 finding 2: when the reserve guard cannot confirm the reserves", function () {
    /** Expects accrue() to return false, emit AccrualBlockedByReserveGuard with `reason` and change nothing. */
    async function expectBlockedByGuard(f: InvestorsFixture, reason: string, at?: number) {
      const inputs = await accrualInputs(f);
      const m = accrualModel(inputs);
      const newSupply = toAmount(inputs.totalShares + m.feeShares, m.newIndex);
      expect(newSupply).to.be.greaterThan(toAmount(inputs.totalShares, inputs.index));
      const before = {
        index: await f.token.index(),
        totalShares: await f.token.totalShares(),
        feeShares: await f.token.sharesOf(f.feeWallet),
        applied: await f.token.appliedNav(),
      };
      expect(await f.token.accrue.staticCall()).to.equal(false);
      if (at !== undefined) await time.setNextBlockTimestamp(at);
      const t = f.token.connect(f.outsider).accrue();
      await expect(t)
        .to.emit(f.token, "AccrualBlockedByReserveGuard")
        .withArgs(inputs.roundId, inputs.nav, newSupply, reason);
      await expect(t).not.to.emit(f.token, "YieldAccrued");
      await expect(t).not.to.emit(f.token, "AccrualBlockedByReserve");
      expect(await f.token.index()).to.equal(before.index);
      expect(await f.token.totalShares()).to.equal(before.totalShares);
      expect(await f.token.sharesOf(f.feeWallet)).to.equal(before.feeShares);
      expect(await f.token.appliedNav()).to.deep.equal(before.applied);
    }

    it("should not revert on stale reserves: false and AccrualBlockedByReserveGuard carrying ReserveStale", async function () {
      const f = await loadFixture(investorsFixture);
      const guard = f.fund.contracts.reserveGuard;
      const reserves = await latestRound(f.fund.contracts.reservePublisher!);
      await time.increaseTo(Number(reserves.updatedAt) + 4 * DAY + 1);
      const last = await latestRound(f.fund.contracts.navPublisher!);
      await publishNavAnswer(f.fund, last.answer + 4n * DAILY_NAV_STEP);
      const at = (await time.latest()) + 5;
      const reason = guard.interface.encodeErrorResult("ReserveStale", [
        reserves.roundId,
        reserves.updatedAt,
        4 * DAY,
        at,
      ]);
      await expectBlockedByGuard(f, reason, at);
    });

    it("should apply the same round once fresh reserves are published", async function () {
      const f = await loadFixture(investorsFixture);
      const reserves = await latestRound(f.fund.contracts.reservePublisher!);
      await time.increaseTo(Number(reserves.updatedAt) + 4 * DAY + 1);
      const last = await latestRound(f.fund.contracts.navPublisher!);
      await publishNavAnswer(f.fund, last.answer + 4n * DAILY_NAV_STEP);
      expect(await f.token.accrue.staticCall()).to.equal(false);
      await f.token.accrue();
      await refreshReserves(f.fund);
      await accrueAndCheck(f);
    });

    describe("when the reserve round is unusable (the deployed ReserveGuard reading a test feed)", function () {
      /** The fund's token pointed (through the issuer's delay) at a ReserveGuard over a settable 8-decimal feed. */
      async function mockReserveFeedFixture() {
        const f = await loadFixture(investorsFixture);
        const feed = await (await ethers.getContractFactory("MockNavFeed")).deploy(8);
        const guard = await (
          await ethers.getContractFactory("ReserveGuard")
        ).deploy(await f.fund.contracts.manager.getAddress(), await feed.getAddress(), 4 * DAY);
        await issuerCalls(f.fund, [roleStep(f.token, "setReserveGuard", [await guard.getAddress()])]);
        const last = await latestRound(f.fund.contracts.navPublisher!);
        await publishNavAnswer(f.fund, last.answer + 2n * DAILY_NAV_STEP);
        return { ...f, feed, guard };
      }

      it("should block on a non-positive reserve answer (ReserveNotPositive)", async function () {
        const f = await loadFixture(mockReserveFeedFixture);
        const now = await time.latest();
        for (const answer of [0n, -1n]) {
          await f.feed.setRoundData(5, answer, now, now, 5);
          await expectBlockedByGuard(
            f,
            f.guard.interface.encodeErrorResult("ReserveNotPositive", [5, answer]),
          );
        }
      });

      it("should block on an incomplete reserve round (ReserveRoundIncomplete)", async function () {
        const f = await loadFixture(mockReserveFeedFixture);
        const now = await time.latest();
        const reason = f.guard.interface.encodeErrorResult("ReserveRoundIncomplete", [5]);
        await f.feed.setRoundData(5, feedUnits("100000000"), now, now, 4);
        await expectBlockedByGuard(f, reason);
        await f.feed.setRoundData(5, feedUnits("100000000"), 0, 0, 5);
        await expectBlockedByGuard(f, reason);
      });

      it("should block on a reserve round from the future (ReserveRoundFromFuture)", async function () {
        const f = await loadFixture(mockReserveFeedFixture);
        // An hour ahead: the transactions before the accrual are mined at the wall clock's pace, which a slow machine
        // (coverage) once carried past a margin of 10 s.
        const at = (await time.latest()) + 3600;
        await f.feed.setRoundData(5, feedUnits("100000000"), at + 1, at + 1, 5);
        const reason = f.guard.interface.encodeErrorResult("ReserveRoundFromFuture", [5, at + 1, at]);
        await expectBlockedByGuard(f, reason, at);
      });

      it("should block on a reserve answer too large to scale (ReserveTooLarge)", async function () {
        const f = await loadFixture(mockReserveFeedFixture);
        const now = await time.latest();
        const answer = ethers.MaxUint256 / 10n ** 10n + 1n;
        await f.feed.setRoundData(5, answer, now, now, 5);
        await expectBlockedByGuard(f, f.guard.interface.encodeErrorResult("ReserveTooLarge", [5, answer]));
      });

      it("should apply once the reserve round is usable again", async function () {
        const f = await loadFixture(mockReserveFeedFixture);
        const now = await time.latest();
        await f.feed.setRoundData(5, 0, now, now, 5);
        await f.token.accrue();
        await f.feed.setRoundData(6, feedUnits("100000000"), now, now, 6);
        await accrueAndCheck(f);
      });
    });

    describe("when the guard itself fails (a broken guard)", function () {
      const Mode = {
        Answer: 0,
        NamedError: 1,
        Panic: 2,
        BareRevert: 3,
        BurnGas: 4,
        ShortAnswer: 5,
        NotABool: 6,
      };
      const coder = ethers.AbiCoder.defaultAbiCoder();

      /** The fund's token pointed at MockFaultyReserveGuard (answering within reserves until told otherwise). */
      async function faultyGuardFixture() {
        const f = await loadFixture(investorsFixture);
        const guard = await (await ethers.getContractFactory("MockFaultyReserveGuard")).deploy();
        await guard.set(Mode.Answer, true, ethers.MaxUint256);
        await issuerCalls(f.fund, [roleStep(f.token, "setReserveGuard", [await guard.getAddress()])]);
        const last = await latestRound(f.fund.contracts.navPublisher!);
        await publishNavAnswer(f.fund, last.answer + 2n * DAILY_NAV_STEP);
        return { ...f, guard };
      }

      it("should block with the guard's own named error", async function () {
        const f = await loadFixture(faultyGuardFixture);
        await f.guard.set(Mode.NamedError, true, 0);
        const inputs = await accrualInputs(f);
        const m = accrualModel(inputs);
        const newSupply = toAmount(inputs.totalShares + m.feeShares, m.newIndex);
        await expectBlockedByGuard(f, f.guard.interface.encodeErrorResult("GuardBroken", [newSupply]));
      });

      it("should block on a Panic", async function () {
        const f = await loadFixture(faultyGuardFixture);
        await f.guard.set(Mode.Panic, true, 5);
        await expectBlockedByGuard(f, "0x4e487b71" + coder.encode(["uint256"], [0x12]).slice(2));
      });

      it("should block on a revert without data", async function () {
        const f = await loadFixture(faultyGuardFixture);
        await f.guard.set(Mode.BareRevert, true, 0);
        await expectBlockedByGuard(f, "0x");
      });

      it("should block when the guard uses up its gas budget (100,000) whatever the caller's gas", async function () {
        const f = await loadFixture(faultyGuardFixture);
        await f.guard.set(Mode.BurnGas, true, 0);
        await expectBlockedByGuard(f, "0x");
        // Given 5,000,000 gas, the accrual still spends only the guard's budget on it, not 63/64 of everything.
        const receipt = await (await f.token.accrue({ gasLimit: 5_000_000 })).wait();
        expect(receipt!.gasUsed).to.be.lessThan(250_000n);
      });

      it("should block on an answer of one word", async function () {
        const f = await loadFixture(faultyGuardFixture);
        await f.guard.set(Mode.ShortAnswer, true, 0);
        await expectBlockedByGuard(f, coder.encode(["uint256"], [1]));
      });

      it("should block on an answer whose verdict is neither 0 nor 1", async function () {
        const f = await loadFixture(faultyGuardFixture);
        await f.guard.set(Mode.NotABool, true, 123n);
        await expectBlockedByGuard(f, coder.encode(["uint256", "uint256"], [2, 123n]));
      });

      it("should still block a shortfall the guard answers with AccrualBlockedByReserve", async function () {
        const f = await loadFixture(faultyGuardFixture);
        await f.guard.set(Mode.Answer, false, 7n);
        const inputs = await accrualInputs(f);
        const m = accrualModel(inputs);
        const newSupply = toAmount(inputs.totalShares + m.feeShares, m.newIndex);
        await expect(f.token.accrue())
          .to.emit(f.token, "AccrualBlockedByReserve")
          .withArgs(inputs.roundId, inputs.nav, newSupply, 7n)
          .and.not.to.emit(f.token, "AccrualBlockedByReserveGuard");
      });

      it("should refuse a caller that leaves too little gas for the guard's budget with InsufficientGasForReserveCheck", async function () {
        const f = await loadFixture(faultyGuardFixture);
        const needed = (100_000n * 64n) / 63n + 5_000n;
        const applied = await f.token.appliedNav();
        await expect(f.token.accrue({ gasLimit: 150_000 }))
          .to.be.revertedWithCustomError(f.token, "InsufficientGasForReserveCheck")
          .withArgs(anyValue, needed);
        expect(await f.token.appliedNav()).to.deep.equal(applied);
        // With the gas an estimate gives, the guard answers and the round applies.
        const gasLimit = await f.token.accrue.estimateGas();
        await expect(f.token.accrue({ gasLimit })).to.emit(f.token, "YieldAccrued");
      });
    });
  });

  describe("issue 16 finding 8 (docs sweep): when the round does not grow the supply", function () {
    // docs/FUND.md and SECURITY.md: a round the reserve guard blocks is always growth, because the accrual asks the
    // guard only when the supply would grow. The guard here reverts whatever it is asked.

    it("should apply a NAV decrease (allowed by the oracle) without asking the reserve guard", async function () {
      const f = await loadFixture(revertingGuardFixture);
      await issuerCalls(f.fund, [roleStep(f.fund.contracts.navOracle, "setAllowDecrease", [true])]);
      const last = await latestRound(f.fund.contracts.navPublisher!);
      await publishNavAnswer(f.fund, last.answer - 5_000n);
      const m = await accrueAndCheck(f);
      expect(m.newIndex).to.be.lessThan(ONE);
      expect(m.feeShares).to.be.greaterThan(0n);
    });

    it("should apply a flat round (no fee under the no-decrease policy) without asking the reserve guard", async function () {
      const f = await loadFixture(revertingGuardFixture);
      const last = await latestRound(f.fund.contracts.navPublisher!);
      await publishNavAnswer(f.fund, last.answer);
      const m = await accrueAndCheck(f);
      expect([m.newIndex, m.feeShares]).to.deep.equal([ONE, 0n]);
    });

    it("should block a round that grows the supply, asking the guard (AccrualBlockedByReserveGuard)", async function () {
      const f = await loadFixture(revertingGuardFixture);
      // Three days after the deployment's round: the issuer's delay (two days) has passed.
      await publishAfter(f, 3);
      const inputs = await accrualInputs(f);
      const m = accrualModel(inputs);
      const newSupply = toAmount(inputs.totalShares + m.feeShares, m.newIndex);
      await expect(f.token.accrue())
        .to.emit(f.token, "AccrualBlockedByReserveGuard")
        .withArgs(
          inputs.roundId,
          inputs.nav,
          newSupply,
          f.guard.interface.encodeErrorResult("GuardBroken", [newSupply]),
        );
      expect(await f.token.index()).to.equal(ONE);
    });
  });

  describe("issue 16 finding 8 (docs sweep): when the fee wallet is revoked (the exception to SECURITY.md invariant 3)", function () {
    it("should keep minting the fee to it, which it cannot send (SenderNotVerified) but the transfer agent can move", async function () {
      const f = await loadFixture(investorsFixture);
      const registry = f.fund.contracts.registry;
      const feeWallet = (await ethers.getSigners())[9];
      expect(feeWallet.address).to.equal(f.feeWallet);
      const identity = await registry.identity(f.feeWallet);
      await f.fund.as("complianceOfficer").on(registry).setRevoked(identity, [f.feeWallet], true);
      expect(await registry.isVerified(f.feeWallet)).to.equal(false);
      await publishAfter(f, 1);
      const m = await accrueAndCheck(f);
      expect(m.feeShares).to.be.greaterThan(0n);
      const fee = await f.token.balanceOf(f.feeWallet);
      await expect(f.token.connect(feeWallet).transfer(f.bob.address, fee))
        .to.be.revertedWithCustomError(f.token, "SenderNotVerified")
        .withArgs(f.feeWallet);
      const forced = await f.fund
        .as("transferAgent")
        .on(f.token)
        .forcedTransfer(f.feeWallet, f.bob.address, fee);
      await expect(forced.response)
        .to.emit(f.token, "TransferShares")
        .withArgs(f.feeWallet, f.bob.address, m.feeShares);
      expect(await f.token.sharesOf(f.feeWallet)).to.equal(0n);
    });
  });

  describe("when the round would leave the token's own bounds (an oracle that validates nothing)", function () {
    /** The fixture's token reading a NAV oracle (and, if asked, a reserve guard) that accept anything. */
    async function unvalidatedSources(f: InvestorsFixture, unlimitedReserves = false) {
      const oracle = await (await ethers.getContractFactory("MockNavOracle")).deploy();
      const calls = [roleStep(f.token, "setNavOracle", [await oracle.getAddress()])];
      if (unlimitedReserves) {
        const guard = await (await ethers.getContractFactory("MockUnlimitedReserveGuard")).deploy();
        calls.push(roleStep(f.token, "setReserveGuard", [await guard.getAddress()]));
      }
      await issuerCalls(f.fund, calls);
      const applied = await f.token.appliedNav();
      return { oracle, applied };
    }

    it("should refuse an index above uint96 with IndexOutOfRange and apply nothing", async function () {
      const f = await loadFixture(rebasedFixture);
      const { oracle, applied } = await unvalidatedSources(f);
      const nav = applied.nav * 10n ** 11n;
      const updatedAt = applied.updatedAt + BigInt(DAY);
      await oracle.setRound(applied.roundId + 1n, nav, updatedAt);
      const m = accrualModel({
        index: await f.token.index(),
        totalShares: await f.token.totalShares(),
        lastNav: applied.nav,
        nav,
        lastUpdatedAt: applied.updatedAt,
        updatedAt,
      });
      expect(m.newIndex > 2n ** 96n - 1n).to.equal(true);
      const index = await f.token.index();
      await expect(f.token.accrue())
        .to.be.revertedWithCustomError(f.token, "IndexOutOfRange")
        .withArgs(m.newIndex);
      expect(await f.token.index()).to.equal(index);
    });

    describe("issue 16 finding 8: a NAV the token cannot store or multiply", function () {
      for (const [label, nav] of [
        ["2^128 (one above uint128)", 2n ** 128n],
        ["2^256 - 1 (oldIndex x nav would overflow)", 2n ** 256n - 1n],
        ["zero", 0n],
      ] as const) {
        it(`should refuse a NAV of ${label} with NavOutOfRange and apply nothing`, async function () {
          const f = await loadFixture(rebasedFixture);
          const { oracle, applied } = await unvalidatedSources(f);
          await oracle.setRound(applied.roundId + 1n, nav, applied.updatedAt + BigInt(DAY));
          const index = await f.token.index();
          await expect(f.token.accrue())
            .to.be.revertedWithCustomError(f.token, "NavOutOfRange")
            .withArgs(nav);
          expect(await f.token.index()).to.equal(index);
          expect(await f.token.appliedNav()).to.deep.equal(applied);
        });
      }
    });

    it("issue 16 finding 8: should follow a decrease reported despite the no-decrease policy with no fee", async function () {
      const f = await loadFixture(rebasedFixture);
      const { oracle, applied } = await unvalidatedSources(f);
      const nav = applied.nav - applied.nav / 10_000n;
      const updatedAt = applied.updatedAt + BigInt(DAY);
      await oracle.setRound(applied.roundId + 1n, nav, updatedAt);
      const index = await f.token.index();
      const totalShares = await f.token.totalShares();
      const gross = (index * nav) / applied.nav;
      await expect(f.token.accrue())
        .to.emit(f.token, "YieldAccrued")
        .withArgs(
          applied.roundId + 1n,
          nav,
          index,
          gross,
          toAmount(totalShares, gross) - toAmount(totalShares, index),
          0n,
          0n,
        );
      expect(await f.token.totalShares()).to.equal(totalShares);
    });

    it("should refuse an index of zero with IndexOutOfRange", async function () {
      const f = await loadFixture(rebasedFixture);
      const { oracle, applied } = await unvalidatedSources(f);
      await oracle.setRound(applied.roundId + 1n, 1n, applied.updatedAt + BigInt(DAY));
      await expect(f.token.accrue()).to.be.revertedWithCustomError(f.token, "IndexOutOfRange").withArgs(0n);
    });

    it("should refuse fee shares that would take total shares above uint120 with SharesOverflow", async function () {
      const f = await loadFixture(rebasedFixture);
      const { oracle, applied } = await unvalidatedSources(f, true);
      const feeWallet = await f.token.feeWallet();
      const index = await f.token.index();
      const room = 2n ** 120n - 1n - (await f.token.totalShares());
      await mint(f.fund, feeWallet, toAmount(room, index));
      const totalShares = await f.token.totalShares();
      expect(2n ** 120n - 1n - totalShares <= 1n).to.equal(true);
      const updatedAt = applied.updatedAt + BigInt(DAY);
      // 10 bps of growth in a day: far more than a day of fee, so the whole fee is minted.
      const nav = applied.nav + applied.nav / 1_000n;
      await oracle.setRound(applied.roundId + 1n, nav, updatedAt);
      const m = accrualModel({
        index,
        totalShares,
        lastNav: applied.nav,
        nav,
        lastUpdatedAt: applied.updatedAt,
        updatedAt,
      });
      expect(m.feeShares > 1n).to.equal(true);
      await expect(f.token.accrue())
        .to.be.revertedWithCustomError(f.token, "SharesOverflow")
        .withArgs(totalShares + m.feeShares);
    });
  });

  describe("when the reserves do not cover the grown supply", function () {
    /** Reserves published at exactly the current supply, then a day of growth. */
    async function shortReservesFixture() {
      const f = await loadFixture(investorsFixture);
      const last = await latestRound(f.fund.contracts.navPublisher!);
      await time.increaseTo(Number(last.updatedAt) + DAY);
      const supply = await f.token.totalSupply();
      await publishReserveAnswer(f.fund, supply / 10n ** 10n);
      await publishNavAnswer(f.fund, last.answer + DAILY_NAV_STEP);
      return f;
    }

    it("should not revert, apply nothing and emit AccrualBlockedByReserve(round, nav, newSupply, reserves)", async function () {
      const f = await loadFixture(shortReservesFixture);
      const inputs = await accrualInputs(f);
      const m = accrualModel(inputs);
      const newSupply = toAmount(inputs.totalShares + m.feeShares, m.newIndex);
      const reserves = await f.token.totalSupply();
      const appliedBefore = await f.token.appliedNav();
      expect(await f.token.accrue.staticCall()).to.equal(false);
      await expect(f.token.connect(f.outsider).accrue())
        .to.emit(f.token, "AccrualBlockedByReserve")
        .withArgs(inputs.roundId, inputs.nav, newSupply, reserves)
        .and.not.to.emit(f.token, "YieldAccrued");
      expect(await f.token.index()).to.equal(ONE);
      expect(await f.token.totalShares()).to.equal(inputs.totalShares);
      expect(await f.token.sharesOf(f.feeWallet)).to.equal(0n);
      expect(await f.token.appliedNav()).to.deep.equal(appliedBefore);
    });

    it("should apply the same round once the reserves are republished", async function () {
      const f = await loadFixture(shortReservesFixture);
      await f.token.accrue();
      // Reserves may grow by at most 200 % a round: twice the supply is plenty for a day of growth.
      await publishReserveAnswer(f.fund, (2n * (await f.token.totalSupply())) / 10n ** 10n);
      expect(await f.token.accrue.staticCall()).to.equal(true);
      await accrueAndCheck(f);
    });
  });

  describe("over weeks of business days with mixed operations", function () {
    it("should keep every balance, the share sum and the fee exactly as documented", async function () {
      const f = await loadFixture(investorsFixture);
      const { token, alice, bob, carol, dave, outsider } = f;
      const agent = f.fund.as("transferAgent");
      const holders = [alice.address, bob.address, carol.address, dave.address, f.feeWallet];
      // The model: shares per wallet, computed only from the documented rounding rules.
      const shares = new Map<string, bigint>(holders.map((h) => [h, 0n]));
      shares.set(alice.address, f.amounts.alice);
      shares.set(bob.address, f.amounts.bob);
      shares.set(carol.address, f.amounts.carol);
      let index = ONE;
      let frozenCarol = 0n;
      let totalFeeShares = 0n;
      const add = (w: string, s: bigint) => shares.set(w, shares.get(w)! + s);
      const check = async () => {
        expect(await token.index()).to.equal(index);
        let total = 0n;
        for (const h of holders) {
          expect(await token.sharesOf(h), h).to.equal(shares.get(h));
          total += shares.get(h)!;
        }
        expect(await token.totalShares()).to.equal(total);
        expect(await token.getFrozenTokens(carol.address)).to.equal(toAmount(frozenCarol, index));
        await expectShareInvariants(token, holders);
      };
      // Deterministic amounts with every digit significant (a linear congruential generator).
      let seed = 0x5eedn;
      const amount = (max: bigint) => {
        seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n;
        return ONE + (seed * max) / 2n ** 64n;
      };
      await token.connect(alice).approve(outsider.address, ethers.MaxUint256);

      // Mon..Fri, weekend, Mon..Fri, weekend, Mon, Tue: 12 rounds.
      const gaps = [1, 1, 1, 1, 3, 1, 1, 1, 1, 3, 1, 1];
      for (const [day, gap] of gaps.entries()) {
        await publishAfter(f, gap);
        const m = await accrueAndCheck(f);
        expect(m.inputs.updatedAt - m.inputs.lastUpdatedAt).to.be.greaterThanOrEqual(BigInt(gap * DAY));
        index = m.newIndex;
        add(f.feeWallet, m.feeShares);
        totalFeeShares += m.feeShares;
        await check();

        // Alice pays Bob.
        let x = amount(20_000n * ONE);
        const aliceTakes = sharesToTake(shares.get(alice.address)!, x, index);
        await token.connect(alice).transfer(bob.address, x);
        add(alice.address, -aliceTakes);
        add(bob.address, aliceTakes);
        // The transfer agent issues to Dave (shares rounded down).
        x = amount(5_000n * ONE);
        await agent.on(token).mint(dave.address, x);
        add(dave.address, toSharesDown(x, index));
        if (day < 8) {
          // Bob moves exact shares to Carol.
          const s = amount(1_000n * ONE);
          await token.connect(bob).transferShares(carol.address, s);
          add(bob.address, -s);
          add(carol.address, s);
        }
        // A spender moves Alice's tokens to Dave.
        x = amount(3_000n * ONE);
        const spent = sharesToTake(shares.get(alice.address)!, x, index);
        await token.connect(outsider).transferFrom(alice.address, dave.address, x);
        add(alice.address, -spent);
        add(dave.address, spent);
        // The transfer agent burns part of Bob's position (shares rounded up).
        x = amount(2_000n * ONE);
        await agent.on(token).burn(bob.address, x);
        add(bob.address, -toSharesUp(x, index));
        if (day === 3) {
          // Carol freezes part of her position, which keeps earning.
          x = amount(500n * ONE);
          await agent.on(token).freezePartialTokens(carol.address, x);
          frozenCarol += toSharesUp(x, index);
        }
        if (day === 8) {
          // Carol's frozen tokens are released exactly, then she leaves with her whole balance.
          await agent
            .on(token)
            .unfreezePartialTokens(carol.address, await token.getFrozenTokens(carol.address));
          frozenCarol = 0n;
          await token.connect(carol).transfer(dave.address, await token.balanceOf(carol.address));
          add(dave.address, shares.get(carol.address)!);
          shares.set(carol.address, 0n);
        }
        await check();
      }
      expect(await token.sharesOf(carol.address)).to.equal(0n);
      expect(await token.sharesOf(f.feeWallet)).to.equal(totalFeeShares);
      expect(index).to.be.greaterThan(ONE);
    });
  });
});
