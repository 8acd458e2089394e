import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import config from "../../deploy/config/hardhat";
import { DAY, publishNav, publishReserves } from "../helpers/fund";
import { managerFixture, asIssuer, USDC, TOKENS, type ManagerFixture } from "./fixtures";
import { FundManagerBase } from "../../lib/generated/contracts";
import { roleStep } from "../../lib/fund";

/** Basis points x seconds per year: the carry's denominator (FundManagerBase._CARRY_DENOMINATOR). */
const CARRY_DENOMINATOR = FundManagerBase._CARRY_DENOMINATOR;

/** Tokens a subscription of `value` USD (18 decimals) gets at `rateBps` a year, `elapsed` seconds after the round. */
function carried(value: bigint, rateBps: bigint, elapsed: bigint): bigint {
  return (value * CARRY_DENOMINATOR) / (CARRY_DENOMINATOR + rateBps * elapsed);
}

/** An 8-decimal NAV that grew from `nav` at `yieldBps` a year for `seconds`, rounded down. */
function grown(nav: bigint, yieldBps: bigint, seconds: bigint): bigint {
  return (nav * (CARRY_DENOMINATOR + yieldBps * seconds)) / CARRY_DENOMINATOR;
}

/** {managerFixture} with 100,000 USDC already in the manager (the custodian topped the buffer up). */
async function pricingFixture(): Promise<ManagerFixture> {
  const f = await loadFixture(managerFixture);
  await f.usdc.connect((await hre.ethers.getSigners())[0]).mint(f.fm, USDC("100000"));
  return f;
}

/** Moves the chain to `timestamp` - 1, so that the next transaction (a Safe's, simulated first) lands at about it. */
async function near(timestamp: number) {
  const latest = await time.latest();
  if (timestamp - 1 > latest) await time.increaseTo(timestamp - 1);
}

/**
 * The round trip of finding 6: a NAV round at `t0`, a subscription of `amount` USDC `gap - lead` seconds later,
 * the next round (`yieldBps` a year over `gap`) at about `t0 + gap`, and an instant redemption of the whole
 * position right after it. Returns the USDC paid and received, and how long the subscription was invested
 * before the round.
 */
async function roundTrip(f: ManagerFixture, amount: bigint, gap: number, lead: number, yieldBps: bigint) {
  const { fm, usdc, alice, fund } = f;
  const { token } = fund.contracts;
  const publisher = fund.contracts.navPublisher!;
  const lastNav = Number((await publisher.latestRoundData())[3]);
  const lastReserves = Number((await fund.contracts.reservePublisher!.latestRoundData())[3]);
  await near(Math.max(await time.latest(), lastNav, lastReserves) + 3_600);
  await publishNav(fund, "1.00");
  await publishReserves(fund, "10000000");
  const [, nav0, , t0] = await publisher.latestRoundData();
  const subscribedAt = Number(t0) + gap - lead;
  await time.setNextBlockTimestamp(subscribedAt);
  await fm.connect(alice).subscribe(usdc, amount, 0);
  await near(Number(t0) + gap);
  await fund
    .as("navPublisher")
    .on(publisher)
    .publish(grown(nav0, yieldBps, BigInt(gap)));
  const roundAt = Number((await publisher.latestRoundData())[3]);
  // Anyone may apply the round; the whole position, yield included, is then redeemed.
  await expect(token.accrue()).to.emit(token, "YieldAccrued");
  const before = await usdc.balanceOf(alice.address);
  await fm.connect(alice).requestRedemption(await token.balanceOf(alice.address), usdc, 0);
  expect(await token.balanceOf(alice.address)).to.equal(0);
  const received = (await usdc.balanceOf(alice.address)) - before;
  return { paid: amount, received, held: BigInt(roundAt - subscribedAt) };
}

describe("FundManager", function () {
  describe("subscribe: pricing (issue 16 finding 6: subscribing before a NAV round and redeeming after it no longer pays)", function () {
    describe("with the deployed configuration (NAV carry 6% a year, redemption fee 5 bps, management fee 20 bps)", function () {
      it("should make a subscription placed just before a round after a 4-day closure lose money when redeemed after it", async function () {
        const f = await loadFixture(pricingFixture);
        // The T-bill yield of the demo (5.12%), over Friday to Tuesday; subscribed 10 minutes before the round.
        const { paid, received } = await roundTrip(f, USDC("500000"), 4 * DAY - 600, 600, 512n);
        expect(received).to.be.lt(paid);
      });

      it("should have paid the same round trip without the carry (the finding, reproduced)", async function () {
        const f = await loadFixture(pricingFixture);
        await asIssuer(f.fund, [roleStep(f.fm, "setNavCarryRate", [0])]);
        const { paid, received } = await roundTrip(f, USDC("500000"), 4 * DAY - 600, 600, 512n);
        // About 5.6 bps of yield for 10 minutes invested, less the 5 bps redemption fee.
        expect(received).to.be.gt(paid);
      });
    });

    describe("with no fee at all, whatever the gap and the yield up to the carry rate", function () {
      async function noFeeFixture(): Promise<ManagerFixture> {
        const f = await loadFixture(pricingFixture);
        await asIssuer(f.fund, [
          roleStep(f.fm, "setFees", [0, 0]),
          roleStep(f.fund.contracts.token, "setManagementFeeBps", [0]),
        ]);
        return f;
      }

      for (const gap of [2 * 3_600, DAY, 3 * DAY, 4 * DAY - 120]) {
        for (const yieldBps of [0n, 200n, 512n, 600n]) {
          it(`should pay no more than the yield of the time actually invested (gap ${gap} s, yield ${yieldBps} bps)`, async function () {
            const f = await loadFixture(noFeeFixture);
            const lead = 60;
            const { paid, received, held } = await roundTrip(f, USDC("500000"), gap, lead, yieldBps);
            // What holding `paid` for the `held` seconds between the subscription and the round earns at the yield.
            const earned = (paid * yieldBps * held) / CARRY_DENOMINATOR;
            expect(received).to.be.lte(paid + earned);
          });
        }
      }
    });

    describe("carry arithmetic", function () {
      it("should mint the net amount carried forward from the applied round, rounded down, and emit the carry", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(pricingFixture);
        await near((await time.latest()) + 3_600);
        await publishNav(fund, "1.00");
        const t0 = Number((await fund.contracts.navPublisher!.latestRoundData())[3]);
        const elapsed = 7_777n;
        await time.setNextBlockTimestamp(t0 + Number(elapsed));
        const rate = BigInt(config.fundManager.navCarryRateBps);
        const tokens = carried(TOKENS("1000"), rate, elapsed);
        await expect(fm.connect(alice).subscribe(usdc, USDC("1000"), 0))
          .to.emit(fm, "Subscribed")
          .withArgs(
            alice.address,
            alice.address,
            usdc,
            USDC("1000"),
            0,
            USDC("1000"),
            0,
            tokens,
            TOKENS("1000") - tokens,
          );
        // The balance is the shares minted (rounded down) at the index: `tokens` or one wei less.
        expect(tokens - (await fund.contracts.token.balanceOf(alice.address))).to.be.lte(1n);
        expect(tokens).to.be.lt(TOKENS("1000"));
      });

      it("should apply a newer round first and carry only from it", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(pricingFixture);
        await time.increase(DAY);
        await publishReserves(fund, "10000000");
        await publishNav(fund, "1.0001");
        const t1 = Number((await fund.contracts.navPublisher!.latestRoundData())[3]);
        await time.setNextBlockTimestamp(t1 + 100);
        const tokens = carried(TOKENS("1000"), BigInt(config.fundManager.navCarryRateBps), 100n);
        await expect(fm.connect(alice).subscribe(usdc, USDC("1000"), 0))
          .to.emit(fund.contracts.token, "YieldAccrued")
          .and.to.emit(fm, "Subscribed")
          .withArgs(
            alice.address,
            alice.address,
            usdc,
            USDC("1000"),
            0,
            USDC("1000"),
            0,
            tokens,
            TOKENS("1000") - tokens,
          );
      });

      it("should quote no more tokens than a subscription in a later block mints", async function () {
        const { fm, usdc, alice } = await loadFixture(pricingFixture);
        await time.increase(3_600);
        const [, quoted] = await fm.quoteSubscription(usdc, USDC("1000"));
        const minted = await fm.connect(alice).subscribe.staticCall(usdc, USDC("1000"), 0);
        expect(quoted).to.be.gte(minted - (minted * 2n) / 10n ** 9n);
        await expect(fm.connect(alice).subscribe(usdc, USDC("1000"), quoted - TOKENS("0.001"))).to.emit(
          fm,
          "Subscribed",
        );
      });

      it("should revert with InsufficientOutput when the carry takes the tokens below the minimum", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(pricingFixture);
        await near((await time.latest()) + 3_600);
        await publishNav(fund, "1.00");
        const t0 = Number((await fund.contracts.navPublisher!.latestRoundData())[3]);
        await time.setNextBlockTimestamp(t0 + DAY);
        const tokens = carried(TOKENS("1000"), BigInt(config.fundManager.navCarryRateBps), BigInt(DAY));
        await expect(fm.connect(alice).subscribe(usdc, USDC("1000"), TOKENS("1000")))
          .to.be.revertedWithCustomError(fm, "InsufficientOutput")
          .withArgs(tokens, TOKENS("1000"));
      });
    });
  });

  describe("setNavCarryRate", function () {
    it("should emit NavCarryRateChanged with the old and new rates, up to the cap", async function () {
      const { fm, fund } = await loadFixture(managerFixture);
      const max = await fm.MAX_NAV_CARRY_RATE_BPS();
      expect(max).to.equal(2_000);
      await expect((await fund.as("issuer").now(fm).setNavCarryRate(max)).response)
        .to.emit(fm, "NavCarryRateChanged")
        .withArgs(config.fundManager.navCarryRateBps, max);
      expect((await fm.parameters()).navCarryRateBps).to.equal(max);
    });

    it("should revert with NavCarryRateTooHigh above the cap", async function () {
      const { fm, fund } = await loadFixture(managerFixture);
      await expect(fund.as("issuer").now(fm).setNavCarryRate(2_001))
        .to.be.revertedWithCustomError(fm, "NavCarryRateTooHigh")
        .withArgs(2_001, 2_000);
    });

    it("should wait for the issuer's delay, which the guardian can cancel", async function () {
      const { fm, fund } = await loadFixture(managerFixture);
      const scheduled = await fund.as("issuer").on(fm).setNavCarryRate(0);
      expect(scheduled.status).to.equal("scheduled");
      await fund.as("guardian").cancelOn(fund.as("issuer"), fm).setNavCarryRate(0);
      expect((await fm.parameters()).navCarryRateBps).to.equal(config.fundManager.navCarryRateBps);
    });

    it("should revert with AccessManagedUnauthorized for a caller without the ISSUER role", async function () {
      const { fm, alice } = await loadFixture(managerFixture);
      await expect(fm.connect(alice).setNavCarryRate(0))
        .to.be.revertedWithCustomError(fm, "AccessManagedUnauthorized")
        .withArgs(alice.address);
    });
  });
});
