import { expect } from "chai";
import { anyUint } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Signature, ZeroAddress } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { DAY, publishNav, publishReserves } from "../helpers/fund";
import {
  managerFixture,
  limitsFixture,
  asIssuer,
  USDC,
  TOKENS,
  STATUS,
  type ManagerFixture,
} from "./fixtures";
import type { IFundToken } from "../../typechain-types";
import { RULES } from "../../lib/compliance-rules";
import { roleStep } from "../../lib/fund";

/**
 * {limitsFixture} after alice subscribed 5,000 USDC (4,995 tokens; 2,000 USDC kept as buffer, 2,995 sent to the
 * custodian) and bob 2,000 (1,998 tokens, all to the custodian): 1,000 of the fund's subscription limit is left.
 */
async function holdersFixture(): Promise<ManagerFixture> {
  const f = await loadFixture(limitsFixture);
  await f.fm.connect(f.alice).subscribe(f.usdc, USDC("5000"), 0);
  await f.fm.connect(f.bob).subscribe(f.usdc, USDC("2000"), 0);
  return f;
}

/** {holdersFixture} with 10,000 more USDC in the manager: the buffer never limits, only the daily limits do. */
async function liquidFixture(): Promise<ManagerFixture> {
  const f = await loadFixture(holdersFixture);
  await f.usdc.connect((await hre.ethers.getSigners())[0]).mint(f.fm, USDC("10000"));
  return f;
}

async function at(timestamp: number) {
  await time.setNextBlockTimestamp(timestamp);
}

async function permit(
  token: IFundToken,
  owner: HardhatEthersSigner,
  spender: string,
  value: bigint,
  deadline: number,
) {
  const domain = {
    name: await token.name(),
    version: "1",
    chainId: (await hre.ethers.provider.getNetwork()).chainId,
    verifyingContract: await token.getAddress(),
  };
  const types = {
    Permit: [
      { name: "owner", type: "address" },
      { name: "spender", type: "address" },
      { name: "value", type: "uint256" },
      { name: "nonce", type: "uint256" },
      { name: "deadline", type: "uint256" },
    ],
  };
  const nonce = await token.nonces(owner.address);
  return Signature.from(
    await owner.signTypedData(domain, types, { owner: owner.address, spender, value, nonce, deadline }),
  );
}

describe("FundManager", function () {
  describe("requestRedemption", function () {
    describe("when instant redemption is on, the buffer covers it and the limits allow it", function () {
      it("should burn the tokens and pay the net amount at once, the fee rounded up to the fee recipient", async function () {
        const { fm, usdc, alice, fund, feeWallet } = await loadFixture(holdersFixture);
        const { token } = fund.contracts;
        const feeBefore = await usdc.balanceOf(feeWallet);
        expect(await fm.connect(alice).requestRedemption.staticCall(TOKENS("1000"), usdc, 0)).to.deep.equal([
          0n,
          USDC("999.5"),
        ]);
        // 1,000 tokens -> 1,000 USDC gross, 5 bps fee 0.5, net 999.5.
        await expect(fm.connect(alice).requestRedemption(TOKENS("1000"), usdc, USDC("999.5")))
          .to.emit(fm, "Redeemed")
          .withArgs(
            alice.address,
            alice.address,
            usdc,
            TOKENS("1000"),
            USDC("1000"),
            USDC("0.5"),
            USDC("999.5"),
          )
          .and.to.emit(token, "Transfer")
          .withArgs(alice.address, await fm.getAddress(), TOKENS("1000"))
          .and.to.emit(token, "Transfer")
          .withArgs(await fm.getAddress(), ZeroAddress, TOKENS("1000"));
        expect(await token.balanceOf(alice.address)).to.equal(TOKENS("3995"));
        expect(await token.sharesOf(fm)).to.equal(0);
        expect(await token.totalSupply()).to.equal(TOKENS("5993"));
        expect(await usdc.balanceOf(alice.address)).to.equal(USDC("9995999.5"));
        expect(await usdc.balanceOf(fm)).to.equal(USDC("1000"));
        expect(await usdc.balanceOf(feeWallet)).to.equal(feeBefore + USDC("0.5"));
        expect((await fm.queue()).tail).to.equal(1);
      });

      it("should redeem a whole balance down to exactly zero", async function () {
        const { fm, usdc, carol, fund } = await loadFixture(holdersFixture);
        const { token } = fund.contracts;
        await fm.connect(carol).subscribe(usdc, USDC("1000"), 0); // 999 tokens
        await fm.connect(carol).requestRedemption(await token.balanceOf(carol.address), usdc, 0);
        expect(await token.sharesOf(carol.address)).to.equal(0);
        expect(await token.sharesOf(fm)).to.equal(0);
      });

      it("should round the payout down and the fee up at one micro-USDC", async function () {
        const { fm, usdc, alice, feeWallet } = await loadFixture(holdersFixture);
        const feeBefore = await usdc.balanceOf(feeWallet);
        // 2.999999999999 micro-USDC worth of tokens: 2 micro gross (the rest is not paid), fee 1 micro, net 1.
        const amount = 2n * 10n ** 12n + (10n ** 12n - 1n);
        expect(await fm.quoteRedemption(usdc, amount)).to.deep.equal([2n, 1n, 1n]);
        await expect(fm.connect(alice).requestRedemption(amount, usdc, 1))
          .to.emit(fm, "Redeemed")
          .withArgs(alice.address, alice.address, usdc, amount, 2n, 1n, 1n);
        expect(await usdc.balanceOf(feeWallet)).to.equal(feeBefore + 1n);
      });

      it("should pay exactly the free buffer", async function () {
        const { fm, usdc, alice } = await loadFixture(holdersFixture);
        await expect(fm.connect(alice).requestRedemption(TOKENS("2000"), usdc, 0)).to.emit(fm, "Redeemed");
        expect(await usdc.balanceOf(fm)).to.equal(0);
      });
    });

    describe("when the holder is the fund's fee wallet (an account of the fund)", function () {
      it("should redeem the management fee it received like any holding", async function () {
        const { fm, usdc, alice, fund, feeWallet } = await loadFixture(managerFixture);
        const { token } = fund.contracts;
        await fm.connect(alice).subscribe(usdc, USDC("100000"), 0);
        await time.increase(DAY);
        await publishNav(fund, "1.0001");
        await token.accrue();
        const fees = await token.balanceOf(feeWallet);
        expect(fees).to.be.gt(0);
        const wallet = await hre.ethers.getSigner(feeWallet);
        await token.connect(wallet).approve(fm, fees);
        const gross = fees / 10n ** 12n;
        const fee = (gross * 5n + 9_999n) / 10_000n;
        await expect(fm.connect(wallet).requestRedemption(fees, usdc, 0))
          .to.emit(fm, "Redeemed")
          .withArgs(feeWallet, feeWallet, usdc, fees, gross, fee, gross - fee);
        expect(await token.balanceOf(feeWallet)).to.equal(0);
      });
    });

    describe("when the free buffer does not cover it", function () {
      it("should queue it, the tokens held in escrow", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(holdersFixture);
        const { token } = fund.contracts;
        const amount = TOKENS("2000.000001");
        const timestamp = (await time.latest()) + 1;
        await at(timestamp);
        await expect(fm.connect(alice).requestRedemption(amount, usdc, USDC("1999")))
          .to.emit(fm, "RedemptionRequested")
          .withArgs(1, alice.address, usdc, amount, amount, USDC("1999"))
          .and.not.to.emit(fm, "Redeemed");
        expect(await token.balanceOf(fm)).to.equal(amount);
        const [request, coin] = await fm.request(1);
        expect(coin).to.equal(await usdc.getAddress());
        expect(request).to.deep.equal([
          alice.address,
          BigInt(timestamp),
          1n,
          BigInt(STATUS.Pending),
          0n, // vaultId: a direct request
          amount,
          USDC("1999"),
        ]);
        const queue = await fm.queue();
        expect([queue.head, queue.tail, queue.pendingCount, queue.pendingShares]).to.deep.equal([
          1n,
          2n,
          1n,
          amount,
        ]);
        expect(await fm.pendingValue()).to.equal(amount);
      });

      it("should not pay later requests with money owed to the queue", async function () {
        const { fm, usdc, alice, bob } = await loadFixture(holdersFixture);
        await fm.connect(alice).requestRedemption(TOKENS("2000.000001"), usdc, 0);
        // 2,000 USDC in the manager, 2,000.000001 owed to the queue: nothing is free.
        expect(await fm.liquidity(usdc)).to.deep.equal([USDC("2000"), 2_000_000_001n, 0n]);
        await expect(fm.connect(bob).requestRedemption(TOKENS("100"), usdc, 0))
          .to.emit(fm, "RedemptionRequested")
          .withArgs(2, bob.address, usdc, TOKENS("100"), TOKENS("100"), 0);
      });

      it("issue 16 finding 8 (docs sweep): should reserve the value owed to the queue rounded up to a whole stablecoin unit", async function () {
        const { fm, usdc, alice } = await loadFixture(holdersFixture);
        // 2,000.0000015 tokens are worth 2,000,000,001.5 micro-USDC: 2,000,000,002 are reserved, so the free
        // balance is never overstated (docs/FUND.md, Rounding).
        await expect(fm.connect(alice).requestRedemption(TOKENS("2000.0000015"), usdc, 0)).to.emit(
          fm,
          "RedemptionRequested",
        );
        expect(await fm.liquidity(usdc)).to.deep.equal([USDC("2000"), 2_000_000_002n, 0n]);
      });

      it("should use new subscriptions to cover the queue before keeping a buffer", async function () {
        const { fm, usdc, alice, carol } = await loadFixture(holdersFixture);
        await fm.connect(alice).requestRedemption(TOKENS("2000.000001"), usdc, 0);
        // Wanted: 2,000.000001 owed + 2,000 target - 2,000 held = 2,000.000001; carol's net 999 all stays.
        await expect(fm.connect(carol).subscribe(usdc, USDC("1000"), 0))
          .to.emit(fm, "Subscribed")
          .withArgs(
            carol.address,
            carol.address,
            usdc,
            USDC("1000"),
            USDC("1"),
            USDC("999"),
            0,
            TOKENS("999"),
            0n,
          );
      });
    });

    describe("daily instant-redemption limit per investor (rolling, refilling)", function () {
      it("should pay exactly the limit at once", async function () {
        const { fm, usdc, alice } = await loadFixture(liquidFixture);
        await expect(fm.connect(alice).requestRedemption(TOKENS("3000"), usdc, 0)).to.emit(fm, "Redeemed");
        expect((await fm.redemptionCapacity(alice.address)).investor).to.equal(0);
      });

      it("should queue one micro-USDC above it", async function () {
        const { fm, usdc, alice } = await loadFixture(liquidFixture);
        await expect(fm.connect(alice).requestRedemption(TOKENS("3000.000001"), usdc, 0))
          .to.emit(fm, "RedemptionRequested")
          .and.not.to.emit(fm, "Redeemed");
      });

      it("should refill linearly: half the limit after half a day, not more", async function () {
        const { fm, usdc, alice } = await loadFixture(liquidFixture);
        await fm.connect(alice).requestRedemption(TOKENS("3000"), usdc, 0);
        const t0 = await time.latest();
        await at(t0 + DAY / 2);
        await expect(fm.connect(alice).requestRedemption(TOKENS("1500"), usdc, 0)).to.emit(fm, "Redeemed");
        // Used up again: one second later only one second of refill is available.
        await at(t0 + DAY / 2 + 1);
        await expect(fm.connect(alice).requestRedemption(TOKENS("100"), usdc, 0))
          .to.emit(fm, "RedemptionRequested")
          .and.not.to.emit(fm, "Redeemed");
        expect((await fm.redemptionCapacity(alice.address)).investor).to.equal(
          (TOKENS("3000") * 1n) / BigInt(DAY),
        );
      });
    });

    describe("daily instant-redemption limit of the fund (rolling, refilling)", function () {
      it("should pay exactly what the fund's limit has left", async function () {
        const { fm, usdc, alice, bob } = await loadFixture(liquidFixture);
        await fm.connect(alice).requestRedemption(TOKENS("3000"), usdc, 0);
        const t0 = await time.latest();
        // 3 hours refill 500 of the 4,000: 1,500 left.
        await at(t0 + 3 * 3600);
        await expect(fm.connect(bob).requestRedemption(TOKENS("1500"), usdc, 0)).to.emit(fm, "Redeemed");
      });

      it("should queue one micro-USDC above it", async function () {
        const { fm, usdc, alice, bob } = await loadFixture(liquidFixture);
        await fm.connect(alice).requestRedemption(TOKENS("3000"), usdc, 0);
        const t0 = await time.latest();
        await at(t0 + 3 * 3600);
        await expect(fm.connect(bob).requestRedemption(TOKENS("1500.000001"), usdc, 0)).to.emit(
          fm,
          "RedemptionRequested",
        );
        expect((await fm.redemptionCapacity(bob.address)).global).to.equal(TOKENS("1500"));
      });
    });

    describe("when the compliance's daily outflow limit is below the manager's redemption limit", function () {
      it("should revert with the compliance's TransferRestricted(20) instead of queueing", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(liquidFixture);
        const { compliance, token } = fund.contracts;
        await fund.as("issuer").now(compliance).setMaxDailyOutflow(TOKENS("2000"));
        await publishNav(fund, "1.00");
        await expect(fm.connect(alice).requestRedemption(TOKENS("2000"), usdc, 0)).to.emit(fm, "Redeemed");
        // The manager's own limit has 1,000 left, so 1,500 would be queued; the outflow rule refuses it first.
        expect((await fm.redemptionCapacity(alice.address)).investor).to.be.greaterThanOrEqual(
          TOKENS("1000"),
        );
        const balance = await token.balanceOf(alice.address);
        const queue = await fm.queue();
        await expect(fm.connect(alice).requestRedemption(TOKENS("1500"), usdc, 0))
          .to.be.revertedWithCustomError(compliance, "TransferRestricted")
          .withArgs(20);
        expect(await token.balanceOf(alice.address)).to.equal(balance);
        expect((await fm.queue()).tail).to.equal(queue.tail);
      });
    });

    describe("when instant redemption is off", function () {
      it("should queue every redemption", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(holdersFixture);
        await asIssuer(fund, [roleStep(fm, "setInstantRedemption", [false])]);
        await expect(fm.connect(alice).requestRedemption(TOKENS("1"), usdc, 0))
          .to.emit(fm, "RedemptionRequested")
          .withArgs(1, alice.address, usdc, TOKENS("1"), TOKENS("1"), 0);
      });
    });

    describe("when the token refuses the holder's transfer", function () {
      it("should revert with WalletFrozen for a frozen holder", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(holdersFixture);
        const { token } = fund.contracts;
        await fund.as("transferAgent").on(token).setAddressFrozen(alice.address, true);
        await expect(fm.connect(alice).requestRedemption(TOKENS("100"), usdc, 0))
          .to.be.revertedWithCustomError(token, "WalletFrozen")
          .withArgs(alice.address);
      });

      it("should revert with InsufficientUnfrozenBalance for frozen tokens", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(holdersFixture);
        const { token } = fund.contracts;
        await fund.as("transferAgent").on(token).freezePartialTokens(alice.address, TOKENS("4000"));
        await expect(fm.connect(alice).requestRedemption(TOKENS("1000"), usdc, 0))
          .to.be.revertedWithCustomError(token, "InsufficientUnfrozenBalance")
          .withArgs(alice.address, TOKENS("995"), TOKENS("1000"));
      });

      it("should revert with WalletSanctioned for a sanctioned holder", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(holdersFixture);
        const { compliance } = fund.contracts;
        await fund.as("complianceOfficer").on(compliance).setSanctioned([alice.address], true);
        await expect(fm.connect(alice).requestRedemption(TOKENS("100"), usdc, 0))
          .to.be.revertedWithCustomError(fm, "WalletSanctioned")
          .withArgs(alice.address);
      });

      it("should revert with WalletSanctioned for a sanctioned holder even with the sanctions rule off", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(holdersFixture);
        const { compliance, token } = fund.contracts;
        await fund.as("complianceOfficer").on(compliance).setSanctioned([alice.address], true);
        await fund
          .as("issuer")
          .now(compliance)
          .setRules((await compliance.rules()) & ~BigInt(RULES.SANCTIONS));
        // The token alone would now let the holder's tokens move.
        expect(await token.detectTransferRestriction(alice.address, fm, TOKENS("100"))).to.equal(0); // allowed
        const before = await token.balanceOf(alice.address);
        await expect(fm.connect(alice).requestRedemption(TOKENS("100"), usdc, 0))
          .to.be.revertedWithCustomError(fm, "WalletSanctioned")
          .withArgs(alice.address);
        expect(await token.balanceOf(alice.address)).to.equal(before);
      });

      it("should revert with ERC20InsufficientAllowance without an approval", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(holdersFixture);
        const { token } = fund.contracts;
        await token.connect(alice).approve(fm, 0);
        await expect(fm.connect(alice).requestRedemption(TOKENS("100"), usdc, 0))
          .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
          .withArgs(await fm.getAddress(), 0, TOKENS("100"));
      });
    });

    describe("when the arguments are refused", function () {
      it("should revert with RedemptionTooSmall when nothing would be paid", async function () {
        const { fm, usdc, alice } = await loadFixture(holdersFixture);
        // Worth 1.999999999999 micro-USDC: gross 1 micro, fee 1 micro, net 0.
        const amount = 2n * 10n ** 12n - 1n;
        await expect(fm.connect(alice).requestRedemption(amount, usdc, 0))
          .to.be.revertedWithCustomError(fm, "RedemptionTooSmall")
          .withArgs(amount);
      });

      it("should revert with InsufficientOutput below the investor's minimum", async function () {
        const { fm, usdc, alice } = await loadFixture(holdersFixture);
        await expect(fm.connect(alice).requestRedemption(TOKENS("1000"), usdc, USDC("999.5") + 1n))
          .to.be.revertedWithCustomError(fm, "InsufficientOutput")
          .withArgs(USDC("999.5"), USDC("999.5") + 1n);
      });

      it("should revert with StablecoinNotEnabled for a stablecoin that is not accepted", async function () {
        const { fm, alice } = await loadFixture(holdersFixture);
        await expect(fm.connect(alice).requestRedemption(TOKENS("1000"), alice.address, 0))
          .to.be.revertedWithCustomError(fm, "StablecoinNotEnabled")
          .withArgs(alice.address);
      });

      for (const amount of [0n, 2n ** 128n]) {
        it(`should revert with InvalidAmount(${amount})`, async function () {
          const { fm, usdc, alice } = await loadFixture(holdersFixture);
          await expect(fm.connect(alice).requestRedemption(amount, usdc, 0))
            .to.be.revertedWithCustomError(fm, "InvalidAmount")
            .withArgs(amount);
        });
      }
    });

    describe("when the NAV oracle's latest round is stale (issue 16 finding 2: no feed traps an exit)", function () {
      it("should queue the request instead of reverting, and the settlement should wait for a usable round", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(holdersFixture);
        const [roundId, , , updatedAt] = await fund.contracts.navPublisher!.latestRoundData();
        const maxAge = await fund.contracts.navOracle.maxAge();
        await at(Number(updatedAt + maxAge + 1n));
        // The buffer (2,000 USDC) would pay 100 tokens at once; with no usable NAV the request waits instead.
        await expect(fm.connect(alice).requestRedemption(TOKENS("100"), usdc, 0))
          .to.emit(fm, "RedemptionRequested")
          .withArgs(1, alice.address, usdc, TOKENS("100"), TOKENS("100"), 0)
          .and.not.to.emit(fm, "Redeemed");
        await expect(fund.as("transferAgent").on(fm).settleRedemptions(1))
          .to.be.revertedWithCustomError(fund.contracts.navOracle, "NavStale")
          .withArgs(roundId, updatedAt, maxAge, anyUint);
        await publishNav(fund, "1.00");
        await publishReserves(fund, "10000000");
        const settled = await fund.as("transferAgent").on(fm).settleRedemptions(1);
        await expect(settled.response).to.emit(fm, "RedemptionSettled");
      });
    });

    describe("when the accrual refuses the oracle's latest round (issue 16 finding 2: a NAV decrease, not allowed)", function () {
      it("should queue the request instead of reverting, the round left unapplied", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(holdersFixture);
        const { token } = fund.contracts;
        await time.increase(DAY);
        await publishNav(fund, "0.9999");
        const applied = await token.appliedNav();
        await expect(token.accrue.staticCall())
          .to.be.revertedWithCustomError(fund.contracts.navOracle, "NavDecreaseNotAllowed")
          .withArgs(10n ** 18n, 9_999n * 10n ** 14n);
        // The buffer (2,000 USDC) would pay 100 tokens at once; at a round the token cannot apply the request waits.
        await expect(fm.connect(alice).requestRedemption(TOKENS("100"), usdc, 0))
          .to.emit(fm, "RedemptionRequested")
          .withArgs(1, alice.address, usdc, TOKENS("100"), TOKENS("100"), 0)
          .and.not.to.emit(fm, "Redeemed");
        expect(await token.appliedNav()).to.deep.equal(applied);
      });
    });

    describe("when the reserve guard blocks the newer NAV round (issue 16 finding 2: a shortfall blocks growth, not exits)", function () {
      /** Reserves published equal to the supply, then a NAV round of +0.1% that the accrual cannot apply. */
      async function shortfallFixture(): Promise<ManagerFixture> {
        const f = await loadFixture(holdersFixture);
        await time.increase(DAY);
        await publishReserves(f.fund, hre.ethers.formatUnits(await f.fund.contracts.token.totalSupply(), 18));
        await publishNav(f.fund, "1.001");
        return f;
      }

      it("should pay an instant redemption at the last applied index and leave the round unapplied", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(shortfallFixture);
        const { token } = fund.contracts;
        const applied = await token.appliedNav();
        // 100 tokens at $1 each (the applied index): 100 USDC gross, 0.05 fee, 99.95 net.
        await expect(fm.connect(alice).requestRedemption(TOKENS("100"), usdc, 0))
          .to.emit(token, "AccrualBlockedByReserve")
          .and.to.emit(fm, "Redeemed")
          .withArgs(
            alice.address,
            alice.address,
            usdc,
            TOKENS("100"),
            USDC("100"),
            USDC("0.05"),
            USDC("99.95"),
          );
        expect(await token.appliedNav()).to.deep.equal(applied);
        expect(await token.index()).to.equal(10n ** 18n);
      });

      it("should pay at the last applied index when the reserve feed is stale, and refuse subscriptions", async function () {
        const { fm, usdc, alice, carol, fund } = await loadFixture(holdersFixture);
        const { token, reserveGuard } = fund.contracts;
        // The reserve round goes stale; a NAV round is published after it (the NAV feed stays fresh).
        await time.increase(Number(await reserveGuard.maxAge()) + 3_600);
        await publishNav(fund, "1.0005");
        const [roundId, , , updatedAt] = await fund.contracts.navPublisher!.latestRoundData();
        await expect(fm.connect(alice).requestRedemption(TOKENS("100"), usdc, 0))
          .to.emit(token, "AccrualBlockedByReserveGuard")
          .and.to.emit(fm, "Redeemed")
          .withArgs(
            alice.address,
            alice.address,
            usdc,
            TOKENS("100"),
            USDC("100"),
            USDC("0.05"),
            USDC("99.95"),
          );
        expect(await token.index()).to.equal(10n ** 18n);
        await expect(fm.connect(carol).subscribe(usdc, USDC("1000"), 0))
          .to.be.revertedWithCustomError(fm, "NavAccrualBlocked")
          .withArgs(roundId, updatedAt);
      });

      it("should queue a request the buffer cannot pay, with its escrow", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(shortfallFixture);
        await expect(fm.connect(alice).requestRedemption(TOKENS("2500"), usdc, 0))
          .to.emit(fm, "RedemptionRequested")
          .withArgs(1, alice.address, usdc, TOKENS("2500"), TOKENS("2500"), 0);
        expect(await fund.contracts.token.sharesOf(fm)).to.equal(TOKENS("2500"));
      });

      it("should still refuse a subscription with NavAccrualBlocked", async function () {
        const { fm, usdc, carol, fund } = await loadFixture(shortfallFixture);
        const [roundId, , , updatedAt] = await fund.contracts.navPublisher!.latestRoundData();
        await expect(fm.connect(carol).subscribe(usdc, USDC("1000"), 0))
          .to.be.revertedWithCustomError(fm, "NavAccrualBlocked")
          .withArgs(roundId, updatedAt);
      });

      it("should settle the queue at the last applied index", async function () {
        const { fm, usdc, alice, fund, custodian } = await loadFixture(holdersFixture);
        await fm.connect(alice).requestRedemption(TOKENS("2500"), usdc, 0);
        await usdc.connect(await hre.ethers.getSigner(custodian)).transfer(fm, USDC("500"));
        await time.increase(DAY);
        await publishReserves(fund, hre.ethers.formatUnits(await fund.contracts.token.totalSupply(), 18));
        await publishNav(fund, "1.001");
        const settled = await fund.as("transferAgent").on(fm).settleRedemptions(1);
        await expect(settled.response)
          .to.emit(fund.contracts.token, "AccrualBlockedByReserve")
          .and.to.emit(fm, "RedemptionSettled")
          .withArgs(
            1,
            alice.address,
            usdc,
            TOKENS("2500"),
            TOKENS("2500"),
            USDC("2500"),
            USDC("1.25"),
            USDC("2498.75"),
          );
        expect(await fund.contracts.token.index()).to.equal(10n ** 18n);
      });
    });

    describe("when redemptions are paused", function () {
      it("should revert with RedemptionsPaused", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(holdersFixture);
        await fund.as("guardian").on(fm).pauseRedemptions();
        await expect(
          fm.connect(alice).requestRedemption(TOKENS("100"), usdc, 0),
        ).to.be.revertedWithCustomError(fm, "RedemptionsPaused");
      });
    });

    describe("when the stablecoin calls back into the manager while paying", function () {
      it("should revert with ReentrancyGuardReentrantCall", async function () {
        const { fm, alice, fund } = await loadFixture(holdersFixture);
        const coin = await hre.ethers.deployContract("MockReentrantStablecoin");
        await asIssuer(fund, [roleStep(fm, "addStablecoin", [await coin.getAddress(), USDC("2000")])]);
        await coin.mint(alice.address, USDC("2000"));
        await coin.connect(alice).approve(fm, USDC("2000"));
        await fm.connect(alice).subscribe(coin, USDC("1000"), 0);
        await coin.arm(fm, fm.interface.encodeFunctionData("cancelRedemption", [1]));
        await expect(
          fm.connect(alice).requestRedemption(TOKENS("100"), coin, 0),
        ).to.be.revertedWithCustomError(fm, "ReentrancyGuardReentrantCall");
      });
    });
  });

  describe("requestRedemptionWithPermit", function () {
    it("should redeem with a signed permit instead of an approval", async function () {
      const { fm, usdc, alice, fund } = await loadFixture(holdersFixture);
      const { token } = fund.contracts;
      await token.connect(alice).approve(fm, 0);
      const deadline = (await time.latest()) + 3600;
      const sig = await permit(token, alice, await fm.getAddress(), TOKENS("1000"), deadline);
      await expect(
        fm.connect(alice).requestRedemptionWithPermit(TOKENS("1000"), usdc, 0, deadline, sig.v, sig.r, sig.s),
      ).to.emit(fm, "Redeemed");
      expect(await token.nonces(alice.address)).to.equal(1);
      expect(await token.allowance(alice.address, fm)).to.equal(0);
    });

    it("should still redeem when the permit was already used by someone else (front-run)", async function () {
      const { fm, usdc, alice, outsider, fund } = await loadFixture(holdersFixture);
      const { token } = fund.contracts;
      await token.connect(alice).approve(fm, 0);
      const deadline = (await time.latest()) + 3600;
      const sig = await permit(token, alice, await fm.getAddress(), TOKENS("1000"), deadline);
      await token.connect(outsider).permit(alice.address, fm, TOKENS("1000"), deadline, sig.v, sig.r, sig.s);
      await expect(
        fm.connect(alice).requestRedemptionWithPermit(TOKENS("1000"), usdc, 0, deadline, sig.v, sig.r, sig.s),
      ).to.emit(fm, "Redeemed");
    });

    it("should revert with ERC20InsufficientAllowance when the permit is invalid and nothing is approved", async function () {
      const { fm, usdc, alice, bob, fund } = await loadFixture(holdersFixture);
      const { token } = fund.contracts;
      await token.connect(alice).approve(fm, 0);
      const deadline = (await time.latest()) + 3600;
      const sig = await permit(token, bob, await fm.getAddress(), TOKENS("1000"), deadline);
      await expect(
        fm.connect(alice).requestRedemptionWithPermit(TOKENS("1000"), usdc, 0, deadline, sig.v, sig.r, sig.s),
      )
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(await fm.getAddress(), 0, TOKENS("1000"));
    });
  });
});
