import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionReceipt, TransactionReceipt } from "ethers";
import { registerProtocolAccount, publishNav, publishReserves, DAY } from "../helpers/fund";
import { queueFixture, asIssuer, USDC, TOKENS, STATUS, HOLD, type ManagerFixture } from "./fixtures";
import type { IFundManager } from "../../typechain-types";
import { roleStep } from "../../lib/fund";

/**
 * {queueFixture} (instant redemption off) after alice subscribed 5,000 USDC (2,000 kept as buffer), bob and carol
 * 1,000 each, then requested redemptions: #1 alice 1,500 tokens, #2 bob 500 (minimum 499.75 USDC: the exact net),
 * #3 carol 500. At 5 bps they are worth 1,499.25, 499.75 and 499.75 USDC net; the manager holds 2,000 USDC.
 */
async function queuedFixture(): Promise<ManagerFixture> {
  const f = await loadFixture(queueFixture);
  const { fm, usdc, alice, bob, carol } = f;
  await fm.connect(alice).subscribe(usdc, USDC("5000"), 0);
  await fm.connect(bob).subscribe(usdc, USDC("1000"), 0);
  await fm.connect(carol).subscribe(usdc, USDC("1000"), 0);
  await fm.connect(alice).requestRedemption(TOKENS("1500"), usdc, 0);
  await fm.connect(bob).requestRedemption(TOKENS("500"), usdc, USDC("499.75"));
  await fm.connect(carol).requestRedemption(TOKENS("500"), usdc, 0);
  return f;
}

/** {queuedFixture} with 500 more USDC sent by the custodian: enough for the whole queue. */
async function fundedFixture(): Promise<ManagerFixture> {
  const f = await loadFixture(queuedFixture);
  await f.usdc.connect(await hre.ethers.getSigner(f.custodian)).transfer(f.fm, USDC("500"));
  return f;
}

function settledIds(fm: IFundManager, receipt: TransactionReceipt | ContractTransactionReceipt): bigint[] {
  return receipt.logs
    .map((log) => {
      try {
        return fm.interface.parseLog(log);
      } catch {
        return null;
      }
    })
    .filter((e) => e?.name === "RedemptionSettled")
    .map((e) => e!.args.requestId as bigint);
}

describe("FundManager", function () {
  describe("requestRedemption (queued)", function () {
    it("should append requests in order with their escrowed shares", async function () {
      const { fm, fund } = await loadFixture(queuedFixture);
      const queue = await fm.queue();
      expect([queue.head, queue.tail, queue.pendingCount, queue.heldCount]).to.deep.equal([1n, 4n, 3n, 0n]);
      expect(queue.pendingShares).to.equal(TOKENS("2500"));
      expect(await fund.contracts.token.sharesOf(fm)).to.equal(TOKENS("2500"));
      expect(
        (await fm.stablecoinInfo(await fund.contracts.stablecoins.USDC.getAddress())).pendingShares,
      ).to.equal(TOKENS("2500"));
      expect(await fm.requestValue(2)).to.deep.equal([
        TOKENS("500"),
        USDC("500"),
        USDC("0.25"),
        USDC("499.75"),
      ]);
    });
  });

  describe("settleRedemptions", function () {
    describe("when the balance covers the queue", function () {
      it("should pay the requests in order, burn their escrow and move the head", async function () {
        const { fm, usdc, alice, bob, carol, fund, feeWallet } = await loadFixture(fundedFixture);
        const { token } = fund.contracts;
        const feeBefore = await usdc.balanceOf(feeWallet);
        const result = await fund.as("transferAgent").on(fm).settleRedemptions(3);
        await expect(result.response)
          .to.emit(fm, "RedemptionSettled")
          .withArgs(
            1,
            alice.address,
            usdc,
            TOKENS("1500"),
            TOKENS("1500"),
            USDC("1500"),
            USDC("0.75"),
            USDC("1499.25"),
          )
          .and.to.emit(fm, "RedemptionSettled")
          .withArgs(
            2,
            bob.address,
            usdc,
            TOKENS("500"),
            TOKENS("500"),
            USDC("500"),
            USDC("0.25"),
            USDC("499.75"),
          )
          .and.to.emit(fm, "RedemptionSettled")
          .withArgs(
            3,
            carol.address,
            usdc,
            TOKENS("500"),
            TOKENS("500"),
            USDC("500"),
            USDC("0.25"),
            USDC("499.75"),
          );
        expect(settledIds(fm, result.receipt)).to.deep.equal([1n, 2n, 3n]);
        expect(await usdc.balanceOf(fm)).to.equal(0);
        expect(await usdc.balanceOf(feeWallet)).to.equal(feeBefore + USDC("1.25"));
        expect(await token.sharesOf(fm)).to.equal(0);
        expect(await token.totalSupply()).to.equal(TOKENS("4493"));
        const queue = await fm.queue();
        expect([queue.head, queue.tail, queue.pendingCount, queue.pendingShares]).to.deep.equal([
          4n,
          4n,
          0n,
          0n,
        ]);
        expect((await fm.request(1)).r.status).to.equal(STATUS.Settled);
      });

      it("should examine at most `count` positions", async function () {
        const { fm, fund } = await loadFixture(fundedFixture);
        const result = await fund.as("transferAgent").on(fm).settleRedemptions(2);
        expect(settledIds(fm, result.receipt)).to.deep.equal([1n, 2n]);
        expect((await fm.queue()).head).to.equal(3);
        const next = await fund.as("transferAgent").on(fm).settleRedemptions(5);
        expect(settledIds(fm, next.receipt)).to.deep.equal([3n]);
        expect((await fm.queue()).head).to.equal(4);
      });
    });

    describe("when the balance runs out", function () {
      it("should stop at the first request it cannot pay and keep it at the head", async function () {
        const { fm, usdc, fund } = await loadFixture(queuedFixture);
        const result = await fund.as("transferAgent").on(fm).settleRedemptions(3);
        expect(settledIds(fm, result.receipt)).to.deep.equal([1n, 2n]);
        const queue = await fm.queue();
        expect([queue.head, queue.pendingCount]).to.deep.equal([3n, 1n]);
        await expect(fund.as("transferAgent").on(fm).settleRedemptions(1))
          .to.be.revertedWithCustomError(fm, "InsufficientLiquidity")
          .withArgs(await usdc.getAddress(), 0, USDC("500"));
      });
    });

    describe("when the NAV changed between the request and the settlement", function () {
      it("should pay the value of the escrowed shares at the settlement NAV", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(fundedFixture);
        const { token } = fund.contracts;
        await time.increase(DAY);
        await publishNav(fund, "1.001");
        // Not applied yet: the request is still valued at the applied NAV.
        expect((await fm.requestValue(1)).value).to.equal(TOKENS("1500"));
        const result = await fund.as("transferAgent").on(fm).settleRedemptions(1);
        // 1,500 shares at index 1.001 = 1,501.5 tokens: 1,501.5 USDC gross, fee 0.75075, net 1,500.74925.
        await expect(result.response)
          .to.emit(token, "YieldAccrued")
          .and.to.emit(fm, "RedemptionSettled")
          .withArgs(
            1,
            alice.address,
            usdc,
            TOKENS("1500"),
            TOKENS("1501.5"),
            USDC("1501.5"),
            750_750n,
            1_500_749_250n,
          );
        const queue = await fm.queue();
        expect((await token.sharesOf(fm)) - queue.pendingShares - queue.heldShares).to.be.lte(1n);
      });
    });

    describe("when an investor can no longer be paid", function () {
      it("should hold a frozen investor's request and pay the others", async function () {
        const { fm, bob, fund } = await loadFixture(fundedFixture);
        await fund.as("transferAgent").on(fund.contracts.token).setAddressFrozen(bob.address, true);
        const result = await fund.as("transferAgent").on(fm).settleRedemptions(3);
        await expect(result.response).to.emit(fm, "RedemptionHeld").withArgs(2, bob.address, HOLD.Frozen);
        expect(settledIds(fm, result.receipt)).to.deep.equal([1n, 3n]);
        const queue = await fm.queue();
        expect([queue.head, queue.pendingCount, queue.heldCount, queue.heldShares]).to.deep.equal([
          4n,
          0n,
          1n,
          TOKENS("500"),
        ]);
        expect(await fund.contracts.token.balanceOf(fm)).to.equal(TOKENS("500"));
        expect((await fm.request(2)).r.status).to.equal(STATUS.Held);
      });

      it("should hold a sanctioned investor's request", async function () {
        const { fm, bob, fund } = await loadFixture(fundedFixture);
        await fund.as("complianceOfficer").on(fund.contracts.compliance).setSanctioned([bob.address], true);
        await expect((await fund.as("transferAgent").on(fm).settleRedemptions(3)).response)
          .to.emit(fm, "RedemptionHeld")
          .withArgs(2, bob.address, HOLD.Sanctioned);
      });

      it("should hold the request of an investor whose KYC was revoked", async function () {
        const { fm, bob, fund } = await loadFixture(fundedFixture);
        await fund
          .as("complianceOfficer")
          .on(fund.contracts.registry)
          .setRevoked(bob.address, [bob.address], true);
        await expect((await fund.as("transferAgent").on(fm).settleRedemptions(3)).response)
          .to.emit(fm, "RedemptionHeld")
          .withArgs(2, bob.address, HOLD.NotVerified);
      });

      it("should hold a request whose payout fell below its minimum", async function () {
        const { fm, bob, fund } = await loadFixture(fundedFixture);
        await asIssuer(fund, [roleStep(fm, "setFees", [10, 100])]);
        await expect((await fund.as("transferAgent").on(fm).settleRedemptions(3)).response)
          .to.emit(fm, "RedemptionHeld")
          .withArgs(2, bob.address, HOLD.BelowMinOut);
      });

      it("should hold a request whose payment the stablecoin refuses, without reentering", async function () {
        const { fm, alice, fund } = await loadFixture(fundedFixture);
        const coin = await hre.ethers.deployContract("MockReentrantStablecoin");
        await asIssuer(fund, [roleStep(fm, "addStablecoin", [await coin.getAddress(), USDC("2000")])]);
        await coin.mint(alice.address, USDC("1000"));
        await coin.connect(alice).approve(fm, USDC("1000"));
        await fm.connect(alice).subscribe(coin, USDC("1000"), 0);
        await fm.connect(alice).requestRedemption(TOKENS("100"), coin, 0); // #4
        await coin.arm(fm, fm.interface.encodeFunctionData("cancelRedemption", [4]));
        const result = await fund.as("transferAgent").on(fm).settleRedemptions(4);
        await expect(result.response)
          .to.emit(fm, "RedemptionHeld")
          .withArgs(4, alice.address, HOLD.PaymentFailed);
        expect((await fm.request(4)).r.status).to.equal(STATUS.Held);
        expect(await coin.balanceOf(alice.address)).to.equal(0);
      });
    });

    describe("when refused", function () {
      it("should revert with InsufficientLiquidity when the head cannot be paid", async function () {
        const { fm, usdc, alice, fund } = await loadFixture(queueFixture);
        await fm.connect(alice).subscribe(usdc, USDC("5000"), 0);
        await fm.connect(alice).requestRedemption(TOKENS("2500"), usdc, 0);
        await expect(fund.as("transferAgent").on(fm).settleRedemptions(1))
          .to.be.revertedWithCustomError(fm, "InsufficientLiquidity")
          .withArgs(await usdc.getAddress(), USDC("2000"), USDC("2500"));
      });

      it("should revert with QueueEmpty when nothing is queued", async function () {
        const { fm, fund } = await loadFixture(queueFixture);
        await expect(fund.as("transferAgent").on(fm).settleRedemptions(1)).to.be.revertedWithCustomError(
          fm,
          "QueueEmpty",
        );
      });

      it("should revert with ZeroCount for a count of zero", async function () {
        const { fm, fund } = await loadFixture(queuedFixture);
        await expect(fund.as("transferAgent").on(fm).settleRedemptions(0)).to.be.revertedWithCustomError(
          fm,
          "ZeroCount",
        );
      });

      it("should revert with RedemptionsPaused while redemptions are paused", async function () {
        const { fm, fund } = await loadFixture(fundedFixture);
        await fund.as("guardian").on(fm).pauseRedemptions();
        await expect(fund.as("transferAgent").on(fm).settleRedemptions(3)).to.be.revertedWithCustomError(
          fm,
          "RedemptionsPaused",
        );
      });

      it("should revert with AccessManagedUnauthorized for a caller without the TRANSFER_AGENT role", async function () {
        const { fm, alice } = await loadFixture(fundedFixture);
        await expect(fm.connect(alice).settleRedemptions(3))
          .to.be.revertedWithCustomError(fm, "AccessManagedUnauthorized")
          .withArgs(alice.address);
      });
    });
  });

  describe("settleRedemptions with two stablecoins (issue 16 finding 5: one illiquid stablecoin no longer blocks the queue)", function () {
    /**
     * {queueFixture} with a second stablecoin, USDT (no buffer), and four requests: #1 bob 500 tokens in USDT,
     * #2 alice 1,000 in USDC, #3 bob 200 in USDT, #4 alice 500 in USDC. The manager holds 2,000 USDC and no USDT
     * (bob's USDT subscription went to the custodian).
     */
    async function twoCoinFixture() {
      const f = await loadFixture(queueFixture);
      const { fm, usdc, alice, bob, fund } = f;
      const [deployer] = await hre.ethers.getSigners();
      const usdt = await hre.ethers.deployContract("MockStablecoin", ["Tether", "USDT", 6, deployer.address]);
      await asIssuer(fund, [roleStep(fm, "addStablecoin", [await usdt.getAddress(), 0])]);
      await publishNav(fund, "1.00");
      await usdt.mint(bob.address, USDC("1000"));
      await usdt.connect(bob).approve(fm, hre.ethers.MaxUint256);
      await fm.connect(alice).subscribe(usdc, USDC("5000"), 0);
      await fm.connect(bob).subscribe(usdt, USDC("1000"), 0);
      await fm.connect(bob).requestRedemption(TOKENS("500"), usdt, 0);
      await fm.connect(alice).requestRedemption(TOKENS("1000"), usdc, 0);
      await fm.connect(bob).requestRedemption(TOKENS("200"), usdt, 0);
      await fm.connect(alice).requestRedemption(TOKENS("500"), usdc, 0);
      return { ...f, usdt };
    }

    it("should pay the requests of a stablecoin that can pay, past one that cannot, and keep the head at the first left pending", async function () {
      const { fm, usdc, usdt, fund } = await loadFixture(twoCoinFixture);
      expect(await usdt.balanceOf(fm)).to.equal(0);
      const result = await fund.as("transferAgent").on(fm).settleRedemptions(4);
      expect(settledIds(fm, result.receipt)).to.deep.equal([2n, 4n]);
      const queue = await fm.queue();
      expect([queue.head, queue.tail, queue.pendingCount, queue.heldCount]).to.deep.equal([1n, 5n, 2n, 0n]);
      expect(queue.pendingShares).to.equal(TOKENS("700"));
      expect((await fm.request(1))[0].status).to.equal(STATUS.Pending);
      expect((await fm.request(3))[0].status).to.equal(STATUS.Pending);
      expect(await usdc.balanceOf(fm)).to.equal(USDC("500"));
      expect((await fm.stablecoinInfo(usdt)).pendingShares).to.equal(TOKENS("700"));
    });

    it("should keep first in, first out within a stablecoin: a later request it could pay waits behind an earlier one it cannot", async function () {
      const { fm, usdt, bob, fund } = await loadFixture(twoCoinFixture);
      await fund.as("transferAgent").on(fm).settleRedemptions(4);
      // 200 USDT would pay #3 (200 gross) but not #1 (500 gross), which comes first.
      await usdt.mint(fm, USDC("200"));
      await expect(fund.as("transferAgent").on(fm).settleRedemptions(4))
        .to.be.revertedWithCustomError(fm, "InsufficientLiquidity")
        .withArgs(await usdt.getAddress(), USDC("200"), USDC("500"));
      await usdt.mint(fm, USDC("500"));
      const result = await fund.as("transferAgent").on(fm).settleRedemptions(4);
      expect(settledIds(fm, result.receipt)).to.deep.equal([1n, 3n]);
      await expect(result.response)
        .to.emit(fm, "RedemptionSettled")
        .withArgs(
          1,
          bob.address,
          usdt,
          TOKENS("500"),
          TOKENS("500"),
          USDC("500"),
          USDC("0.25"),
          USDC("499.75"),
        );
      const queue = await fm.queue();
      expect([queue.head, queue.pendingCount, queue.pendingShares]).to.deep.equal([5n, 0n, 0n]);
    });

    it("should settle a removed stablecoin's requests once funded, and pay the others meanwhile", async function () {
      const { fm, usdt, fund } = await loadFixture(twoCoinFixture);
      await asIssuer(fund, [roleStep(fm, "removeStablecoin", [await usdt.getAddress()])]);
      await publishNav(fund, "1.00");
      await publishReserves(fund, "10000000");
      const first = await fund.as("transferAgent").on(fm).settleRedemptions(4);
      expect(settledIds(fm, first.receipt)).to.deep.equal([2n, 4n]);
      await usdt.mint(fm, USDC("700"));
      const second = await fund.as("transferAgent").on(fm).settleRedemptions(4);
      expect(settledIds(fm, second.receipt)).to.deep.equal([1n, 3n]);
      expect((await fm.queue()).head).to.equal(5);
    });

    it("should let the transfer agent hold a depegged stablecoin's requests so that the head moves past them", async function () {
      const { fm, usdc, usdt, alice, bob, fund } = await loadFixture(twoCoinFixture);
      await fund.as("transferAgent").on(fm).settleRedemptions(4);
      for (const id of [1, 3]) {
        const held = await fund.as("transferAgent").on(fm).holdRequest(id);
        await expect(held.response)
          .to.emit(fm, "RedemptionHeld")
          .withArgs(id, bob.address, HOLD.TransferAgent);
      }
      await fm.connect(alice).requestRedemption(TOKENS("100"), usdc, 0);
      const result = await fund.as("transferAgent").on(fm).settleRedemptions(10);
      expect(settledIds(fm, result.receipt)).to.deep.equal([5n]);
      const queue = await fm.queue();
      expect([queue.head, queue.pendingCount, queue.heldCount]).to.deep.equal([6n, 0n, 2n]);
      expect(queue.heldShares).to.equal(TOKENS("700"));
      expect((await fm.stablecoinInfo(usdt)).pendingShares).to.equal(0);
      // The investor takes the escrow back and redeems in another stablecoin.
      await expect(fm.connect(bob).cancelRedemption(1))
        .to.emit(fm, "RedemptionCancelled")
        .withArgs(1, bob.address, TOKENS("500"), TOKENS("500"));
    });
  });

  describe("holdRequest", function () {
    it("should set a pending request aside with reason TransferAgent, its escrow moving from pending to held", async function () {
      const { fm, usdc, bob, fund } = await loadFixture(queuedFixture);
      const result = await fund.as("transferAgent").on(fm).holdRequest(2);
      await expect(result.response)
        .to.emit(fm, "RedemptionHeld")
        .withArgs(2, bob.address, HOLD.TransferAgent);
      expect((await fm.request(2))[0].status).to.equal(STATUS.Held);
      const queue = await fm.queue();
      expect([queue.head, queue.pendingCount, queue.heldCount]).to.deep.equal([1n, 2n, 1n]);
      expect([queue.pendingShares, queue.heldShares]).to.deep.equal([TOKENS("2000"), TOKENS("500")]);
      expect((await fm.stablecoinInfo(usdc)).pendingShares).to.equal(TOKENS("2000"));
      // The settlement passes it: the 2,000 USDC pay #1 and #3.
      const settled = await fund.as("transferAgent").on(fm).settleRedemptions(3);
      expect(settledIds(fm, settled.receipt)).to.deep.equal([1n, 3n]);
    });

    it("should let settleHeld pay it later", async function () {
      const { fm, usdc, bob, fund, custodian } = await loadFixture(queuedFixture);
      await fund.as("transferAgent").on(fm).holdRequest(2);
      await usdc.connect(await hre.ethers.getSigner(custodian)).transfer(fm, USDC("500"));
      const result = await fund.as("transferAgent").on(fm).settleHeld([2]);
      await expect(result.response)
        .to.emit(fm, "RedemptionSettled")
        .withArgs(
          2,
          bob.address,
          usdc,
          TOKENS("500"),
          TOKENS("500"),
          USDC("500"),
          USDC("0.25"),
          USDC("499.75"),
        );
    });

    it("should work while redemptions are paused", async function () {
      const { fm, fund } = await loadFixture(queuedFixture);
      await fund.as("guardian").on(fm).pauseRedemptions();
      const result = await fund.as("transferAgent").on(fm).holdRequest(1);
      await expect(result.response).to.emit(fm, "RedemptionHeld");
    });

    it("should revert with InvalidRequestStatus for a request that is not pending", async function () {
      const { fm, fund } = await loadFixture(queuedFixture);
      await fund.as("transferAgent").on(fm).holdRequest(1);
      await expect(fund.as("transferAgent").on(fm).holdRequest(1))
        .to.be.revertedWithCustomError(fm, "InvalidRequestStatus")
        .withArgs(1, STATUS.Held);
      await expect(fund.as("transferAgent").on(fm).holdRequest(9))
        .to.be.revertedWithCustomError(fm, "InvalidRequestStatus")
        .withArgs(9, STATUS.None);
    });

    it("should revert with AccessManagedUnauthorized for a caller without the TRANSFER_AGENT role", async function () {
      const { fm, bob } = await loadFixture(queuedFixture);
      await expect(fm.connect(bob).holdRequest(2))
        .to.be.revertedWithCustomError(fm, "AccessManagedUnauthorized")
        .withArgs(bob.address);
    });
  });

  describe("cancelRedemption", function () {
    it("should return the escrow and let the settlement pass over the request", async function () {
      const { fm, bob, fund } = await loadFixture(fundedFixture);
      const { token } = fund.contracts;
      await expect(fm.connect(bob).cancelRedemption(2))
        .to.emit(fm, "RedemptionCancelled")
        .withArgs(2, bob.address, TOKENS("500"), TOKENS("500"))
        .and.to.emit(token, "Transfer")
        .withArgs(await fm.getAddress(), bob.address, TOKENS("500"));
      expect(await token.balanceOf(bob.address)).to.equal(TOKENS("999"));
      expect((await fm.queue()).pendingCount).to.equal(2);
      const result = await fund.as("transferAgent").on(fm).settleRedemptions(3);
      expect(settledIds(fm, result.receipt)).to.deep.equal([1n, 3n]);
      expect((await fm.queue()).head).to.equal(4);
      expect((await fm.request(2)).r.status).to.equal(STATUS.Cancelled);
    });

    it("should return the yield the escrow earned", async function () {
      const { fm, carol, fund } = await loadFixture(queuedFixture);
      await time.increase(DAY);
      await publishNav(fund, "1.001");
      await fund.contracts.token.accrue();
      await expect(fm.connect(carol).cancelRedemption(3))
        .to.emit(fm, "RedemptionCancelled")
        .withArgs(3, carol.address, TOKENS("500"), TOKENS("500.5"));
    });

    it("should cancel a held request", async function () {
      const { fm, bob, fund } = await loadFixture(fundedFixture);
      await asIssuer(fund, [roleStep(fm, "setFees", [10, 100])]);
      await fund.as("transferAgent").on(fm).settleRedemptions(3);
      await expect(fm.connect(bob).cancelRedemption(2)).to.emit(fm, "RedemptionCancelled");
      const queue = await fm.queue();
      expect([queue.heldCount, queue.heldShares]).to.deep.equal([0n, 0n]);
    });

    it("should stay open while redemptions are paused", async function () {
      const { fm, bob, fund } = await loadFixture(queuedFixture);
      await fund.as("guardian").on(fm).pauseRedemptions();
      await expect(fm.connect(bob).cancelRedemption(2)).to.emit(fm, "RedemptionCancelled");
    });

    describe("when the fund token is paused", function () {
      it("should revert with the token's EnforcedPause and leave the request pending", async function () {
        const { fm, bob, fund } = await loadFixture(queuedFixture);
        const { token } = fund.contracts;
        const balanceBefore = await token.balanceOf(bob.address);
        await fund.as("guardian").on(token).pause();
        await expect(fm.connect(bob).cancelRedemption(2)).to.be.revertedWithCustomError(
          token,
          "EnforcedPause",
        );
        expect((await fm.request(2)).r.status).to.equal(STATUS.Pending);
        expect((await fm.queue()).pendingShares).to.equal(TOKENS("2500"));
        expect(await token.balanceOf(bob.address)).to.equal(balanceBefore);
      });
    });

    it("should revert with NotRequestOwner for someone else's request", async function () {
      const { fm, alice, bob } = await loadFixture(queuedFixture);
      await expect(fm.connect(alice).cancelRedemption(2))
        .to.be.revertedWithCustomError(fm, "NotRequestOwner")
        .withArgs(2, alice.address, bob.address);
    });

    it("should revert with InvalidRequestStatus for a settled or unknown request", async function () {
      const { fm, alice, fund } = await loadFixture(fundedFixture);
      await fund.as("transferAgent").on(fm).settleRedemptions(1);
      await expect(fm.connect(alice).cancelRedemption(1))
        .to.be.revertedWithCustomError(fm, "InvalidRequestStatus")
        .withArgs(1, STATUS.Settled);
      await expect(fm.connect(alice).cancelRedemption(99))
        .to.be.revertedWithCustomError(fm, "InvalidRequestStatus")
        .withArgs(99, STATUS.None);
    });

    it("should revert with the token's WalletFrozen when the investor is frozen", async function () {
      const { fm, bob, fund } = await loadFixture(queuedFixture);
      const { token } = fund.contracts;
      await fund.as("transferAgent").on(token).setAddressFrozen(bob.address, true);
      await expect(fm.connect(bob).cancelRedemption(2))
        .to.be.revertedWithCustomError(token, "WalletFrozen")
        .withArgs(bob.address);
    });
  });

  describe("settleHeld", function () {
    async function heldFixture(): Promise<ManagerFixture> {
      const f = await loadFixture(fundedFixture);
      await f.fund.as("transferAgent").on(f.fund.contracts.token).setAddressFrozen(f.bob.address, true);
      await f.fund.as("transferAgent").on(f.fm).settleRedemptions(3);
      await f.usdc.connect(await hre.ethers.getSigner(f.custodian)).transfer(f.fm, USDC("500"));
      return f;
    }

    it("should pay a held request once its investor may be paid again", async function () {
      const { fm, usdc, bob, fund } = await loadFixture(heldFixture);
      await fund.as("transferAgent").on(fund.contracts.token).setAddressFrozen(bob.address, false);
      const result = await fund.as("transferAgent").on(fm).settleHeld([2]);
      await expect(result.response)
        .to.emit(fm, "RedemptionSettled")
        .withArgs(
          2,
          bob.address,
          usdc,
          TOKENS("500"),
          TOKENS("500"),
          USDC("500"),
          USDC("0.25"),
          USDC("499.75"),
        );
      const queue = await fm.queue();
      expect([queue.heldCount, queue.heldShares]).to.deep.equal([0n, 0n]);
      expect(await fund.contracts.token.sharesOf(fm)).to.equal(0);
    });

    it("should revert with RequestStillBlocked while the investor is still frozen", async function () {
      const { fm, fund } = await loadFixture(heldFixture);
      await expect(fund.as("transferAgent").on(fm).settleHeld([2]))
        .to.be.revertedWithCustomError(fm, "RequestStillBlocked")
        .withArgs(2, HOLD.Frozen);
    });

    it("should revert with InvalidRequestStatus for a request that is not held", async function () {
      const { fm, fund } = await loadFixture(heldFixture);
      await expect(fund.as("transferAgent").on(fm).settleHeld([1]))
        .to.be.revertedWithCustomError(fm, "InvalidRequestStatus")
        .withArgs(1, STATUS.Settled);
    });

    it("should revert with AccessManagedUnauthorized for a caller without the TRANSFER_AGENT role", async function () {
      const { fm, bob } = await loadFixture(heldFixture);
      await expect(fm.connect(bob).settleHeld([2]))
        .to.be.revertedWithCustomError(fm, "AccessManagedUnauthorized")
        .withArgs(bob.address);
    });
  });

  describe("releaseHeld", function () {
    async function sanctionedFixture(): Promise<ManagerFixture> {
      const f = await loadFixture(fundedFixture);
      await f.fund
        .as("complianceOfficer")
        .on(f.fund.contracts.compliance)
        .setSanctioned([f.bob.address], true);
      await f.fund.as("transferAgent").on(f.fm).settleRedemptions(3);
      return f;
    }

    it("should move the escrow to the account the fund designates and close the request", async function () {
      const { fm, bob, investors, fund } = await loadFixture(sanctionedFixture);
      const blocked = investors[10].address;
      await registerProtocolAccount(fund, blocked);
      await expect((await fund.as("transferAgent").on(fm).releaseHeld(2, blocked)).response)
        .to.emit(fm, "RedemptionReleased")
        .withArgs(2, bob.address, blocked, TOKENS("500"), TOKENS("500"));
      expect(await fund.contracts.token.balanceOf(blocked)).to.equal(TOKENS("500"));
      expect((await fm.request(2)).r.status).to.equal(STATUS.Released);
      expect((await fm.queue()).heldCount).to.equal(0);
    });

    it("should revert with the token's EnforcedPause while the token is paused and keep the request held", async function () {
      const { fm, investors, fund } = await loadFixture(sanctionedFixture);
      const { token } = fund.contracts;
      const blocked = investors[10].address;
      await registerProtocolAccount(fund, blocked);
      await fund.as("guardian").on(token).pause();
      await expect(fund.as("transferAgent").on(fm).releaseHeld(2, blocked)).to.be.revertedWithCustomError(
        token,
        "EnforcedPause",
      );
      expect((await fm.request(2)).r.status).to.equal(STATUS.Held);
      expect((await fm.queue()).heldShares).to.equal(TOKENS("500"));
    });

    it("should revert with the compliance's TransferRestricted when the recipient is sanctioned", async function () {
      const { fm, bob, fund } = await loadFixture(sanctionedFixture);
      await expect(fund.as("transferAgent").on(fm).releaseHeld(2, bob.address))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(10);
    });

    it("should revert with InvalidRequestStatus for a request that is not held", async function () {
      const { fm, alice, fund } = await loadFixture(sanctionedFixture);
      await expect(fund.as("transferAgent").on(fm).releaseHeld(1, alice.address))
        .to.be.revertedWithCustomError(fm, "InvalidRequestStatus")
        .withArgs(1, STATUS.Settled);
    });

    it("should revert with AccessManagedUnauthorized for a caller without the TRANSFER_AGENT role", async function () {
      const { fm, bob } = await loadFixture(sanctionedFixture);
      await expect(fm.connect(bob).releaseHeld(2, bob.address))
        .to.be.revertedWithCustomError(fm, "AccessManagedUnauthorized")
        .withArgs(bob.address);
    });
  });
});
