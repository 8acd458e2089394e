import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress } from "ethers";
import { registerInvestor, publishNav, publishReserves, DAY } from "../helpers/fund";
import { limitsFixture, asIssuer, USDC, TOKENS, RESTRICTION, type ManagerFixture } from "./fixtures";
import { roleStep } from "../../lib/fund";

/** Refill of a rolling daily limit over `seconds`, as OpenZeppelin's RateLimiter computes it (rounded down). */
const refill = (capacity: bigint, seconds: number) => (capacity * BigInt(seconds)) / BigInt(DAY);

async function at(timestamp: number) {
  await time.setNextBlockTimestamp(timestamp);
}

describe("FundManager", function () {
  describe("subscribe", function () {
    describe("when the investor is verified and every limit allows it", function () {
      it("should mint the net amount as tokens, take the fee and keep the money in the buffer", async function () {
        const { fm, usdc, alice, fund, feeWallet, custodian } = await loadFixture(limitsFixture);
        const { token } = fund.contracts;
        // 1,000 USDC at 10 bps: fee 1 USDC, 999 tokens; the buffer (target 2,000) takes all the net amount.
        await expect(fm.connect(alice).subscribe(usdc, USDC("1000"), TOKENS("999")))
          .to.emit(fm, "Subscribed")
          .withArgs(
            alice.address,
            alice.address,
            usdc,
            USDC("1000"),
            USDC("1"),
            USDC("999"),
            0,
            TOKENS("999"),
            0n,
          )
          .and.to.emit(token, "Transfer")
          .withArgs(ZeroAddress, alice.address, TOKENS("999"));
        expect(await token.balanceOf(alice.address)).to.equal(TOKENS("999"));
        expect(await usdc.balanceOf(fm)).to.equal(USDC("999"));
        expect(await usdc.balanceOf(feeWallet)).to.equal(USDC("1"));
        expect(await usdc.balanceOf(custodian)).to.equal(0);
        expect(await usdc.balanceOf(alice.address)).to.equal(USDC("9999000"));
      });

      it("should keep only what tops the buffer up to its target and send the rest to the custodian", async function () {
        const { fm, usdc, alice, bob, custodian } = await loadFixture(limitsFixture);
        await fm.connect(alice).subscribe(usdc, USDC("1000"), 0);
        // Buffer 999 of 2,000: bob's net 1,998 tops it up with 1,001 and 997 goes to the custodian.
        await expect(fm.connect(bob).subscribe(usdc, USDC("2000"), 0))
          .to.emit(fm, "Subscribed")
          .withArgs(
            bob.address,
            bob.address,
            usdc,
            USDC("2000"),
            USDC("2"),
            USDC("1001"),
            USDC("997"),
            TOKENS("1998"),
            0n,
          );
        expect(await usdc.balanceOf(fm)).to.equal(USDC("2000"));
        expect(await usdc.balanceOf(custodian)).to.equal(USDC("997"));
        const [balance, reserved, free] = await fm.liquidity(usdc);
        expect([balance, reserved, free]).to.deep.equal([USDC("2000"), 0n, USDC("2000")]);
      });

      it("should round the fee up at one micro-USDC", async function () {
        const { fm, usdc, alice, feeWallet } = await loadFixture(limitsFixture);
        // 1,000.000001 USDC at 10 bps is a fee of 1.000000001 USDC: charged 1.000001, the investor gets 999 tokens.
        await expect(fm.connect(alice).subscribe(usdc, 1_000_000_001n, 0))
          .to.emit(fm, "Subscribed")
          .withArgs(
            alice.address,
            alice.address,
            usdc,
            1_000_000_001n,
            1_000_001n,
            USDC("999"),
            0,
            TOKENS("999"),
            0n,
          );
        expect(await usdc.balanceOf(feeWallet)).to.equal(1_000_001n);
        expect(await fm.quoteSubscription(usdc, 1_000_000_001n)).to.deep.equal([1_000_001n, TOKENS("999")]);
      });

      it("should apply a newer NAV round first, so that one token is worth exactly $1", async function () {
        const { fm, usdc, alice, bob, fund } = await loadFixture(limitsFixture);
        const { token } = fund.contracts;
        await fm.connect(alice).subscribe(usdc, USDC("1000"), 0);
        await time.increase(DAY);
        await publishNav(fund, "1.001");
        const round = await fund.contracts.navPublisher!.latestRound();
        await expect(fm.connect(bob).subscribe(usdc, USDC("1000"), 0))
          .to.emit(token, "YieldAccrued")
          .and.to.emit(fm, "Subscribed");
        expect((await token.appliedNav()).roundId).to.equal(round);
        expect(await token.index()).to.equal(TOKENS("1.001"));
        // Alice's 999 tokens grew with the NAV; bob's 999 tokens were issued at the new NAV (shares round down).
        expect(await token.balanceOf(alice.address)).to.equal(TOKENS("999.999"));
        const bobBalance = await token.balanceOf(bob.address);
        expect(bobBalance)
          .to.be.lte(TOKENS("999"))
          .and.gte(TOKENS("999") - 1n);
      });
    });

    describe("when the NAV oracle's latest round is stale", function () {
      it("should revert with NavStale one second after the maximum age", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(limitsFixture);
        const { navOracle } = fund.contracts;
        const [roundId, , , updatedAt] = await fund.contracts.navPublisher!.latestRoundData();
        const maxAge = await navOracle.maxAge();
        await at(Number(updatedAt + maxAge + 1n));
        await expect(fm.connect(alice).subscribe(usdc, USDC("1000"), 0))
          .to.be.revertedWithCustomError(navOracle, "NavStale")
          .withArgs(roundId, updatedAt, maxAge, updatedAt + maxAge + 1n);
      });

      it("should accept a round exactly the maximum age old", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(limitsFixture);
        const [, , , updatedAt] = await fund.contracts.navPublisher!.latestRoundData();
        await at(Number(updatedAt + (await fund.contracts.navOracle.maxAge())));
        await expect(fm.connect(alice).subscribe(usdc, USDC("1000"), 0)).to.emit(fm, "Subscribed");
      });
    });

    describe("when the reserves do not cover the new supply", function () {
      it("should revert with the token's ReserveExceeded", async function () {
        const { fm, usdc, alice, bob, fund } = await loadFixture(limitsFixture);
        await fm.connect(alice).subscribe(usdc, USDC("5000"), 0);
        await time.increase(3600);
        await publishReserves(fund, "5000");
        // Supply 4,995 + 999 = 5,994 tokens against 5,000 USD of reserves.
        await expect(fm.connect(bob).subscribe(usdc, USDC("1000"), 0))
          .to.be.revertedWithCustomError(fund.contracts.token, "ReserveExceeded")
          .withArgs(TOKENS("5994"), TOKENS("5000"));
      });

      it("should revert with NavAccrualBlocked when the newer NAV round cannot be applied", async function () {
        const { fm, usdc, alice, bob, fund } = await loadFixture(limitsFixture);
        await fm.connect(alice).subscribe(usdc, USDC("5000"), 0);
        await time.increase(DAY);
        await publishReserves(fund, "4995");
        await publishNav(fund, "1.001");
        const [roundId, , , updatedAt] = await fund.contracts.navPublisher!.latestRoundData();
        await expect(fm.connect(bob).subscribe(usdc, USDC("1000"), 0))
          .to.be.revertedWithCustomError(fm, "NavAccrualBlocked")
          .withArgs(roundId, updatedAt);
      });
    });

    describe("minimum first investment", function () {
      it("should accept exactly the minimum", async function () {
        const { fm, usdc, alice } = await loadFixture(limitsFixture);
        await expect(fm.connect(alice).subscribe(usdc, USDC("1000"), 0)).to.emit(fm, "Subscribed");
      });

      it("should revert with BelowMinFirstInvestment one micro-USDC below it", async function () {
        const { fm, usdc, alice } = await loadFixture(limitsFixture);
        await expect(fm.connect(alice).subscribe(usdc, USDC("999.999999"), 0))
          .to.be.revertedWithCustomError(fm, "BelowMinFirstInvestment")
          .withArgs(TOKENS("999.999999"), TOKENS("1000"));
      });

      it("should apply to an investor who redeemed everything", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(limitsFixture);
        await fm.connect(alice).subscribe(usdc, USDC("1000"), 0);
        await fm
          .connect(alice)
          .requestRedemption(await fund.contracts.token.balanceOf(alice.address), usdc, 0);
        await expect(fm.connect(alice).subscribe(usdc, USDC("500"), 0))
          .to.be.revertedWithCustomError(fm, "BelowMinFirstInvestment")
          .withArgs(TOKENS("500"), TOKENS("1000"));
      });
    });

    describe("minimum top-up", function () {
      it("should accept exactly the minimum once the investor holds a position", async function () {
        const { fm, usdc, alice } = await loadFixture(limitsFixture);
        await fm.connect(alice).subscribe(usdc, USDC("1000"), 0);
        await expect(fm.connect(alice).subscribe(usdc, USDC("100"), 0)).to.emit(fm, "Subscribed");
      });

      it("should revert with BelowMinTopUp one micro-USDC below it", async function () {
        const { fm, usdc, alice } = await loadFixture(limitsFixture);
        await fm.connect(alice).subscribe(usdc, USDC("1000"), 0);
        await expect(fm.connect(alice).subscribe(usdc, USDC("99.999999"), 0))
          .to.be.revertedWithCustomError(fm, "BelowMinTopUp")
          .withArgs(TOKENS("99.999999"), TOKENS("100"));
      });

      it("should count a position held in another wallet of the same investor", async function () {
        const { fm, usdc, alice, investors, fund } = await loadFixture(limitsFixture);
        const second = investors[5];
        await registerInvestor(fund, second.address, { identity: alice.address });
        await usdc.connect((await hre.ethers.getSigners())[0]).mint(second.address, USDC("1000"));
        await usdc.connect(second).approve(fm, USDC("1000"));
        await fm.connect(alice).subscribe(usdc, USDC("1000"), 0);
        await expect(fm.connect(second).subscribe(usdc, USDC("100"), 0))
          .to.emit(fm, "Subscribed")
          .withArgs(
            second.address,
            alice.address,
            usdc,
            USDC("100"),
            USDC("0.1"),
            USDC("99.9"),
            0,
            TOKENS("99.9"),
            0n,
          );
      });
    });

    describe("maximum per investor", function () {
      async function capped(): Promise<ManagerFixture & { t0: number }> {
        const f = await loadFixture(limitsFixture);
        await asIssuer(f.fund, [
          roleStep(f.fm, "setInvestmentLimits", [TOKENS("1000"), TOKENS("100"), TOKENS("6000")]),
        ]);
        await f.fm.connect(f.alice).subscribe(f.usdc, USDC("5000"), 0); // 4,995 tokens
        return { ...f, t0: await time.latest() };
      }

      it("should accept a subscription reaching exactly the maximum position", async function () {
        const { fm, usdc, alice, fund, t0 } = await loadFixture(capped);
        await at(t0 + DAY);
        // 1,006.006007 USDC - fee 1.006007 = 1,005 tokens: 4,995 + 1,005 = 6,000.
        await expect(fm.connect(alice).subscribe(usdc, 1_006_006_007n, 0))
          .to.emit(fm, "Subscribed")
          .withArgs(
            alice.address,
            alice.address,
            usdc,
            1_006_006_007n,
            1_006_007n,
            0,
            1_005_000_000n,
            TOKENS("1005"),
            0n,
          );
        expect((await fund.contracts.compliance.investorState(alice.address)).shares).to.equal(
          TOKENS("6000"),
        );
      });

      it("should revert with MaxPerInvestorExceeded one micro-USDC above it", async function () {
        const { fm, usdc, alice, t0 } = await loadFixture(capped);
        await at(t0 + DAY);
        await expect(fm.connect(alice).subscribe(usdc, 1_006_006_008n, 0))
          .to.be.revertedWithCustomError(fm, "MaxPerInvestorExceeded")
          .withArgs(alice.address, TOKENS("6000.000001"), TOKENS("6000"));
      });

      it("should include the yield the position earned", async function () {
        const { fm, usdc, alice, fund, t0 } = await loadFixture(capped);
        await at(t0 + DAY);
        await publishNav(fund, "1.001");
        // 4,995 tokens are now worth 4,999.995; 1,005 more tokens (shares rounded down) take the position above 6,000.
        const index = TOKENS("1.001");
        const shares = TOKENS("4995") + (TOKENS("1005") * 10n ** 18n) / index;
        const position = (shares * index) / 10n ** 18n;
        expect(position).to.be.gt(TOKENS("6004.99"));
        await expect(fm.connect(alice).subscribe(usdc, 1_006_006_007n, 0))
          .to.be.revertedWithCustomError(fm, "MaxPerInvestorExceeded")
          .withArgs(alice.address, position, TOKENS("6000"));
      });
    });

    describe("daily limit per investor (rolling, refilling)", function () {
      it("should accept exactly the limit", async function () {
        const { fm, usdc, alice } = await loadFixture(limitsFixture);
        await expect(fm.connect(alice).subscribe(usdc, USDC("5000"), 0)).to.emit(fm, "Subscribed");
      });

      it("should revert with InvestorSubscriptionLimitExceeded one micro-USDC above it", async function () {
        const { fm, usdc, alice } = await loadFixture(limitsFixture);
        await expect(fm.connect(alice).subscribe(usdc, USDC("5000.000001"), 0))
          .to.be.revertedWithCustomError(fm, "InvestorSubscriptionLimitExceeded")
          .withArgs(alice.address, TOKENS("5000.000001"), TOKENS("5000"));
      });

      it("should refill linearly: half the limit after half a day, not more", async function () {
        const { fm, usdc, alice } = await loadFixture(limitsFixture);
        await fm.connect(alice).subscribe(usdc, USDC("5000"), 0);
        const t0 = await time.latest();
        await at(t0 + DAY / 2);
        await expect(fm.connect(alice).subscribe(usdc, USDC("2500.000001"), 0))
          .to.be.revertedWithCustomError(fm, "InvestorSubscriptionLimitExceeded")
          .withArgs(alice.address, TOKENS("2500.000001"), TOKENS("2500"));
        await at(t0 + DAY / 2 + 1);
        await expect(fm.connect(alice).subscribe(usdc, USDC("2500"), 0)).to.emit(fm, "Subscribed");
        // Used up again one second later: only one second of refill is available.
        await at(t0 + DAY / 2 + 2);
        await expect(fm.connect(alice).subscribe(usdc, USDC("100"), 0))
          .to.be.revertedWithCustomError(fm, "InvestorSubscriptionLimitExceeded")
          .withArgs(alice.address, TOKENS("100"), refill(TOKENS("5000"), 1) + refill(TOKENS("5000"), 1));
      });

      it("should be whole again after a full window", async function () {
        const { fm, usdc, alice } = await loadFixture(limitsFixture);
        await fm.connect(alice).subscribe(usdc, USDC("5000"), 0);
        await at((await time.latest()) + DAY);
        await expect(fm.connect(alice).subscribe(usdc, USDC("5000"), 0)).to.emit(fm, "Subscribed");
      });
    });

    describe("global daily limit (rolling, refilling)", function () {
      it("should accept exactly what the fund's limit has left", async function () {
        const { fm, usdc, alice, bob } = await loadFixture(limitsFixture);
        await fm.connect(alice).subscribe(usdc, USDC("5000"), 0);
        const t0 = await time.latest();
        // 3 hours refill 1,000 of the 8,000: 4,000 left.
        await at(t0 + 3 * 3600);
        await expect(fm.connect(bob).subscribe(usdc, USDC("4000"), 0)).to.emit(fm, "Subscribed");
      });

      it("should revert with GlobalSubscriptionLimitExceeded one micro-USDC above it", async function () {
        const { fm, usdc, alice, bob } = await loadFixture(limitsFixture);
        await fm.connect(alice).subscribe(usdc, USDC("5000"), 0);
        const t0 = await time.latest();
        await at(t0 + 3 * 3600);
        await expect(fm.connect(bob).subscribe(usdc, USDC("4000.000001"), 0))
          .to.be.revertedWithCustomError(fm, "GlobalSubscriptionLimitExceeded")
          .withArgs(TOKENS("4000.000001"), TOKENS("4000"));
      });

      it("should report the remaining capacity of the investor and of the fund", async function () {
        const { fm, usdc, alice, bob } = await loadFixture(limitsFixture);
        await fm.connect(alice).subscribe(usdc, USDC("5000"), 0);
        const [investor, global] = await fm.subscriptionCapacity(bob.address);
        expect(investor).to.equal(TOKENS("5000"));
        expect(global).to.equal(TOKENS("3000"));
      });
    });

    describe("when the subscriber is not an eligible investor", function () {
      it("should revert with NotAnInvestor for an unregistered wallet", async function () {
        const { fm, usdc, investors } = await loadFixture(limitsFixture);
        await expect(fm.connect(investors[6]).subscribe(usdc, USDC("1000"), 0))
          .to.be.revertedWithCustomError(fm, "NotAnInvestor")
          .withArgs(investors[6].address);
      });

      it("should revert with NotAnInvestor for a revoked investor", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(limitsFixture);
        await fund
          .as("complianceOfficer")
          .on(fund.contracts.registry)
          .setRevoked(alice.address, [alice.address], true);
        await expect(fm.connect(alice).subscribe(usdc, USDC("1000"), 0))
          .to.be.revertedWithCustomError(fm, "NotAnInvestor")
          .withArgs(alice.address);
      });

      it("should revert with NotAnInvestor for an account of the fund", async function () {
        const { fm, usdc, feeWallet } = await loadFixture(limitsFixture);
        const wallet = await hre.ethers.getSigner(feeWallet);
        await expect(fm.connect(wallet).subscribe(usdc, USDC("1000"), 0))
          .to.be.revertedWithCustomError(fm, "NotAnInvestor")
          .withArgs(feeWallet);
      });

      it("should revert with the compliance's TransferRestricted when a recipient rule refuses", async function () {
        const { fm, usdc, investors, fund } = await loadFixture(limitsFixture);
        const retail = investors[7];
        await registerInvestor(fund, retail.address, { classes: 0 });
        await usdc.connect((await hre.ethers.getSigners())[0]).mint(retail.address, USDC("1000"));
        await usdc.connect(retail).approve(fm, USDC("1000"));
        await expect(fm.connect(retail).subscribe(usdc, USDC("1000"), 0))
          .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
          .withArgs(RESTRICTION.RECIPIENT_CLASS_MISSING);
      });

      it("should revert with the token's WalletFrozen for a frozen wallet", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(limitsFixture);
        const { token } = fund.contracts;
        await fund.as("transferAgent").on(token).setAddressFrozen(alice.address, true);
        await expect(fm.connect(alice).subscribe(usdc, USDC("1000"), 0))
          .to.be.revertedWithCustomError(token, "WalletFrozen")
          .withArgs(alice.address);
      });
    });

    describe("when the arguments are refused", function () {
      it("should revert with StablecoinNotEnabled for a stablecoin that is not accepted", async function () {
        const { fm, alice, fund } = await loadFixture(limitsFixture);
        const other = await hre.ethers.deployContract("MockStablecoin", ["Other", "OTH", 6, alice.address]);
        await expect(fm.connect(alice).subscribe(other, USDC("1000"), 0))
          .to.be.revertedWithCustomError(fm, "StablecoinNotEnabled")
          .withArgs(await other.getAddress());
        await expect(fm.connect(alice).subscribe(fund.contracts.token, USDC("1000"), 0))
          .to.be.revertedWithCustomError(fm, "StablecoinNotEnabled")
          .withArgs(await fund.contracts.token.getAddress());
      });

      for (const amount of [0n, 2n ** 128n]) {
        it(`should revert with InvalidAmount(${amount})`, async function () {
          const { fm, usdc, alice } = await loadFixture(limitsFixture);
          await expect(fm.connect(alice).subscribe(usdc, amount, 0))
            .to.be.revertedWithCustomError(fm, "InvalidAmount")
            .withArgs(amount);
        });
      }

      it("should quote up to 2^128 - 1 and refuse above it with InvalidAmount, as subscribe does (not a Panic)", async function () {
        const { fm, usdc } = await loadFixture(limitsFixture);
        const largest = 2n ** 128n - 1n;
        const fee = (largest * 10n + 9_999n) / 10_000n;
        expect(await fm.quoteSubscription(usdc, largest)).to.deep.equal([fee, (largest - fee) * 10n ** 12n]);
        for (const amount of [2n ** 128n, hre.ethers.MaxUint256]) {
          await expect(fm.quoteSubscription(usdc, amount))
            .to.be.revertedWithCustomError(fm, "InvalidAmount")
            .withArgs(amount);
        }
      });

      it("should revert with InsufficientOutput when fewer tokens than the minimum would be minted", async function () {
        const { fm, usdc, alice } = await loadFixture(limitsFixture);
        await expect(fm.connect(alice).subscribe(usdc, USDC("1000"), TOKENS("999") + 1n))
          .to.be.revertedWithCustomError(fm, "InsufficientOutput")
          .withArgs(TOKENS("999"), TOKENS("999") + 1n);
      });
    });

    describe("when the stablecoin takes a fee on transfers", function () {
      it("should revert with FeeOnTransferStablecoin", async function () {
        const { fm, alice, fund } = await loadFixture(limitsFixture);
        const coin = await hre.ethers.deployContract("MockFeeOnTransferStablecoin", [100]);
        await asIssuer(fund, [roleStep(fm, "addStablecoin", [await coin.getAddress(), 0])]);
        await coin.mint(alice.address, USDC("1000"));
        await coin.connect(alice).approve(fm, USDC("1000"));
        // The first leg, the 1 USDC fee to the fee recipient, arrives as 0.99.
        await expect(fm.connect(alice).subscribe(coin, USDC("1000"), 0))
          .to.be.revertedWithCustomError(fm, "FeeOnTransferStablecoin")
          .withArgs(await coin.getAddress(), USDC("1"), USDC("0.99"));
      });
    });

    describe("when the stablecoin calls back into the manager", function () {
      it("should revert with ReentrancyGuardReentrantCall", async function () {
        const { fm, alice, fund } = await loadFixture(limitsFixture);
        const coin = await hre.ethers.deployContract("MockReentrantStablecoin");
        await asIssuer(fund, [roleStep(fm, "addStablecoin", [await coin.getAddress(), USDC("2000")])]);
        await publishNav(fund, "1.00");
        await coin.mint(alice.address, USDC("2000"));
        await coin.connect(alice).approve(fm, USDC("2000"));
        await coin.arm(
          fm,
          fm.interface.encodeFunctionData("subscribe", [await coin.getAddress(), USDC("1000"), 0]),
        );
        await expect(fm.connect(alice).subscribe(coin, USDC("1000"), 0)).to.be.revertedWithCustomError(
          fm,
          "ReentrancyGuardReentrantCall",
        );
      });
    });

    describe("when subscriptions are paused", function () {
      it("should revert with SubscriptionsPaused", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(limitsFixture);
        await fund.as("guardian").on(fm).pauseSubscriptions();
        await expect(fm.connect(alice).subscribe(usdc, USDC("1000"), 0)).to.be.revertedWithCustomError(
          fm,
          "SubscriptionsPaused",
        );
      });
    });
  });
});
