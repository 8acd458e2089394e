import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { publishNav, DAY } from "../helpers/fund";
import config from "../../deploy/config/hardhat";
import { managerFixture, USDC, TOKENS, STATUS } from "./fixtures";

/** The USDC value of `tokens` (18 decimals) rounded down, as the manager pays it. */
const toUsdc = (tokens: bigint) => tokens / 10n ** 12n;
/** A fee in basis points, rounded up. */
const feeUp = (amount: bigint, bps: bigint) => (amount * bps + 9_999n) / 10_000n;
/** Tokens for `value` USD subscribed `elapsed` seconds after the applied NAV round (FundManagerBase._carriedTokens). */
const carried = (value: bigint, elapsed: bigint) => {
  const denominator = 10_000n * 365n * BigInt(DAY);
  return (value * denominator) / (denominator + BigInt(config.fundManager.navCarryRateBps) * elapsed);
};

describe("FundManager", function () {
  describe("full flows with the deployed configuration (deploy/config/hardhat.ts)", function () {
    it("should take investors through subscription, instant and queued redemption, cancellation and settlement", async function () {
      const { fm, usdc, alice, bob, fund, custodian, feeWallet } = await loadFixture(managerFixture);
      const { token } = fund.contracts;
      const transferAgent = fund.as("transferAgent");

      // Subscriptions: no subscription fee; the first million fills the buffer, the rest goes to the custodian.
      // Tokens: the net amount, less the NAV carried forward from the deployment's round at the configured rate.
      const navAt = Number((await fund.contracts.navPublisher!.latestRoundData())[3]);
      const subscribedAt = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(subscribedAt);
      const aliceTokens = carried(TOKENS("1500000"), BigInt(subscribedAt - navAt));
      await expect(fm.connect(alice).subscribe(usdc, USDC("1500000"), aliceTokens))
        .to.emit(fm, "Subscribed")
        .withArgs(
          alice.address,
          alice.address,
          usdc,
          USDC("1500000"),
          0,
          USDC("1000000"),
          USDC("500000"),
          aliceTokens,
          TOKENS("1500000") - aliceTokens,
        );
      await time.setNextBlockTimestamp(subscribedAt + 1);
      await fm.connect(bob).subscribe(usdc, USDC("200000"), 0);
      const bobTokens = carried(TOKENS("200000"), BigInt(subscribedAt + 1 - navAt));
      expect(await usdc.balanceOf(custodian)).to.equal(USDC("700000"));
      expect(await token.totalSupply()).to.equal(aliceTokens + bobTokens);

      // Instant redemption from the buffer, 5 bps fee to the fee wallet.
      await expect(fm.connect(alice).requestRedemption(TOKENS("100000"), usdc, USDC("99950")))
        .to.emit(fm, "Redeemed")
        .withArgs(
          alice.address,
          alice.address,
          usdc,
          TOKENS("100000"),
          USDC("100000"),
          USDC("50"),
          USDC("99950"),
        );
      expect(await usdc.balanceOf(feeWallet)).to.equal(USDC("50"));

      // Larger than the free buffer (900,000): queued, then nothing is free for bob either.
      await expect(fm.connect(alice).requestRedemption(TOKENS("1000000"), usdc, 0))
        .to.emit(fm, "RedemptionRequested")
        .withArgs(1, alice.address, usdc, TOKENS("1000000"), TOKENS("1000000"), 0);
      await expect(fm.connect(bob).requestRedemption(TOKENS("50000"), usdc, 0))
        .to.emit(fm, "RedemptionRequested")
        .withArgs(2, bob.address, usdc, TOKENS("50000"), TOKENS("50000"), 0);
      await fm.connect(bob).cancelRedemption(2);
      expect(await token.balanceOf(bob.address)).to.equal(bobTokens);

      // A day later the NAV rose; the escrow earned it (net of the management fee) like every holding.
      await time.increase(DAY);
      await publishNav(fund, "1.0005");
      await token.accrue();
      const index = await token.index();
      expect(index).to.be.gt(TOKENS("1"));
      const value = (TOKENS("1000000") * index) / 10n ** 18n;
      expect(await token.balanceOf(fm)).to.equal(value);
      const gross = toUsdc(value);
      const fee = feeUp(gross, 5n);
      expect(await fm.requestValue(1)).to.deep.equal([value, gross, fee, gross - fee]);

      // The custodian funds the difference; the transfer agent settles at the settlement NAV.
      await usdc.connect(await hre.ethers.getSigner(custodian)).transfer(fm, gross - USDC("900000"));
      const aliceUsdc = await usdc.balanceOf(alice.address);
      await expect((await transferAgent.on(fm).settleRedemptions(10)).response)
        .to.emit(fm, "RedemptionSettled")
        .withArgs(1, alice.address, usdc, TOKENS("1000000"), value, gross, fee, gross - fee);
      expect(await usdc.balanceOf(alice.address)).to.equal(aliceUsdc + gross - fee);
      expect(await usdc.balanceOf(fm)).to.equal(0);
      expect((await fm.request(1)).r.status).to.equal(STATUS.Settled);
      expect((await fm.request(2)).r.status).to.equal(STATUS.Cancelled);
      expect(await token.sharesOf(fm)).to.be.lte(1n);
      expect(await token.balanceOf(alice.address)).to.equal(
        ((aliceTokens - TOKENS("1100000")) * index) / 10n ** 18n,
      );
    });
  });

  describe("gas (investor transactions and settlement)", function () {
    it("should report the gas of subscribe, instant redemption, queued request and settlement", async function () {
      const { fm, usdc, alice, bob, carol, investors, fund } = await loadFixture(managerFixture);
      const gas = async (tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>) =>
        (await (await tx).wait())!.gasUsed;
      // Carol fills the buffer, so that the measured subscriptions go to the custodian (one stablecoin transfer).
      await fm.connect(carol).subscribe(usdc, USDC("1000000"), 0);
      const subscribeFirst = await gas(fm.connect(alice).subscribe(usdc, USDC("10000"), 0));
      const subscribeTopUp = await gas(fm.connect(alice).subscribe(usdc, USDC("10000"), 0));
      const redeemFirst = await gas(fm.connect(alice).requestRedemption(TOKENS("1000"), usdc, 0));
      const redeemAgain = await gas(fm.connect(alice).requestRedemption(TOKENS("1000"), usdc, 0));
      expect(redeemAgain).to.be.lt(redeemFirst);

      await fund.as("issuer").now(fm).setInstantRedemption(false);
      await publishNav(fund, "1.00");
      await fund.contracts.token.accrue();
      const request = await gas(fm.connect(alice).requestRedemption(TOKENS("1000"), usdc, 0));
      const settleOne = (await fund.as("transferAgent").on(fm).settleRedemptions(1)).receipt.gasUsed;
      const wallets = [bob, ...investors.slice(3, 12)];
      for (const w of wallets) {
        if (w !== bob) {
          await fund
            .as("complianceOfficer")
            .on(fund.contracts.registry)
            .registerInvestor(w.address, w.address, 840, 1, 4_102_444_800);
          await usdc.connect((await hre.ethers.getSigners())[0]).mint(w.address, USDC("1000"));
          await usdc.connect(w).approve(fm, USDC("1000"));
          await fund.contracts.token.connect(w).approve(fm, TOKENS("1000"));
          await fm.connect(w).subscribe(usdc, USDC("1000"), 0);
        } else {
          await fm.connect(bob).subscribe(usdc, USDC("1000"), 0);
        }
        await fm.connect(w).requestRedemption(TOKENS("500"), usdc, 0);
      }
      const settleTen = (await fund.as("transferAgent").on(fm).settleRedemptions(10)).receipt.gasUsed;
      expect(settleTen / 10n).to.be.lt(settleOne);
      console.log(
        [
          "      gas (deployed configuration; Safe overhead included for the transfer agent's settlement):",
          `        subscribe, first investment (to the custodian)  ${subscribeFirst}`,
          `        subscribe, top-up                               ${subscribeTopUp}`,
          `        instant redemption, first                       ${redeemFirst}`,
          `        instant redemption, again                       ${redeemAgain}`,
          `        queued redemption request                       ${request}`,
          `        settleRedemptions(1) through the Safe           ${settleOne}`,
          `        settleRedemptions(10) through the Safe          ${settleTen} (${settleTen / 10n} per request)`,
        ].join("\n"),
      );
    });
  });
});
