import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { registerProtocolAccount } from "../helpers/fund";
import type { MockCollateralMarket } from "../../typechain-types";
import { DAY, NAV_UNIT, ONE, WHOLE_SHARE, nextBusinessDay, wrapperFixture } from "./fixtures";

/** A lending market's usual heartbeat for a daily NAV: four days cover a weekend and a holiday. */
const MAX_AGE = 4 * DAY;

/** A lending market holding wrapped collateral, registered as an account of the fund but not yet allowed. */
async function marketFixture() {
  const f = await loadFixture(wrapperFixture);
  const market = (await (
    await ethers.getContractFactory("MockCollateralMarket")
  ).deploy(
    await f.vault.getAddress(),
    await f.feed.getAddress(),
    MAX_AGE,
  )) as unknown as MockCollateralMarket;
  const marketAddress = await market.getAddress();
  await registerProtocolAccount(f.fund, marketAddress);
  await f.vault.connect(f.alice).deposit(10_000n * ONE, f.alice.address);
  await f.vault.connect(f.alice).approve(marketAddress, ethers.MaxUint256);
  return { ...f, market, marketAddress };
}

/** The same market, allowed by the issuer, with all of Alice's wrapped tokens supplied as collateral. */
async function suppliedFixture() {
  const f = await loadFixture(marketFixture);
  await f.fund.as("issuer").now(f.vault).setProtocolAccountAllowed(f.marketAddress, true);
  // The issuer's delay moved the chain two days: a business day brings a fresh NAV round.
  await nextBusinessDay(f.fund);
  const collateral = await f.vault.balanceOf(f.alice.address);
  await f.market.connect(f.alice).supply(collateral);
  return { ...f, collateral };
}

describe("WrappedFundToken as lending-market collateral (MockCollateralMarket)", function () {
  describe("when the market is a registered account of the fund the issuer has not allowed", function () {
    it("should refuse the collateral with ProtocolAccountNotAllowed", async function () {
      const { market, marketAddress, vault, alice } = await loadFixture(marketFixture);
      await expect(market.connect(alice).supply(1n))
        .to.be.revertedWithCustomError(vault, "ProtocolAccountNotAllowed")
        .withArgs(marketAddress);
    });
  });

  describe("when the issuer allowed the market", function () {
    it("should keep the cached collateral exact while its value follows the NAV", async function () {
      const { fund, market, vault, feed, alice, collateral, marketAddress } =
        await loadFixture(suppliedFixture);
      let value = await market.collateralValue(alice.address);
      for (let day = 0; day < 5; day++) {
        await nextBusinessDay(fund);
        expect(await market.collateralOf(alice.address)).to.equal(collateral);
        expect(await vault.balanceOf(marketAddress)).to.equal(collateral);
        const next = await market.collateralValue(alice.address);
        expect(next).to.be.greaterThan(value);
        const [, price] = await feed.latestRoundData();
        expect(next).to.equal((collateral * price) / WHOLE_SHARE);
        // The feed's valuation never exceeds what the collateral redeems for (8-decimal USD vs 18-decimal tokens).
        expect(next * 10n ** 10n).to.be.lte(await vault.previewRedeem(collateral));
        value = next;
      }
      expect(value).to.be.greaterThan(10_000n * NAV_UNIT);
    });

    it("should give seized collateral to a verified liquidator, never outside the perimeter", async function () {
      const { market, vault, alice, bob, dave, collateral } = await loadFixture(suppliedFixture);
      await expect(market.seize(alice.address, dave.address))
        .to.be.revertedWithCustomError(vault, "RecipientNotVerified")
        .withArgs(dave.address);
      await expect(market.seize(alice.address, bob.address)).to.changeTokenBalance(vault, bob, collateral);
      await expect(vault.connect(bob).redeem(collateral, bob.address, bob.address)).to.emit(
        vault,
        "Withdraw",
      );
    });

    it("should refuse a price whose NAV round is older than the market's heartbeat", async function () {
      const { market, feed, alice } = await loadFixture(suppliedFixture);
      const [, , , updatedAt] = await feed.latestRoundData();
      await time.increaseTo(updatedAt + BigInt(MAX_AGE) + 1n);
      await expect(market.collateralValue(alice.address)).to.be.revertedWithCustomError(market, "StalePrice");
    });

    it("should let the transfer agent freeze the market and move collateral out of it", async function () {
      const { fund, market, vault, alice, bob, marketAddress, collateral } =
        await loadFixture(suppliedFixture);
      const agent = fund.as("transferAgent");
      await agent.on(vault).setAddressFrozen(marketAddress, true);
      await expect(market.connect(alice).withdraw(collateral))
        .to.be.revertedWithCustomError(vault, "WalletFrozenInWrapper")
        .withArgs(marketAddress);
      await agent.on(vault).forcedTransfer(marketAddress, bob.address, collateral);
      expect(await vault.balanceOf(bob.address)).to.equal(collateral);
    });

    it("should stop the collateral moving while the fund token is paused", async function () {
      const { fund, market, vault, alice, collateral } = await loadFixture(suppliedFixture);
      await fund.as("guardian").on(fund.contracts.token).pause();
      await expect(market.connect(alice).withdraw(collateral)).to.be.revertedWithCustomError(
        vault,
        "FundTokenPaused",
      );
    });
  });
});
