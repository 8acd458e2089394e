import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress } from "ethers";
import { registerInvestor, COUNTRY } from "../helpers/fund";
import { RULES } from "../../lib/compliance-rules";
import {
  settlementFixture,
  accrueYield,
  amountOf,
  nextTimestamp,
  sharesFor,
  DAY,
  ONE,
  USDC,
  MODE,
  STATUS,
  SELLER_TOKENS,
} from "./fixtures";

const AMOUNT = 100n * ONE;
const PRICE = USDC("100.25");

describe("DvPSettlement (on-chain payment)", function () {
  /** Terms of a trade between the fixture's seller and buyer, due in three days. */
  async function terms(
    f: Awaited<ReturnType<typeof settlementFixture>>,
    overrides: Record<string, unknown> = {},
  ) {
    return {
      seller: f.seller.address,
      buyer: f.buyer.address,
      amount: AMOUNT,
      paymentToken: await f.usdc.getAddress(),
      price: PRICE,
      deadline: (await time.latest()) + 3 * DAY,
      ...overrides,
    };
  }

  async function sellerCommitted() {
    const f = await loadFixture(settlementFixture);
    const t = await terms(f);
    const shares = await sharesFor(f.fund, f.seller.address, AMOUNT);
    await f.dvp.connect(f.seller).proposeTrade(t);
    return { ...f, t, shares, id: 1n };
  }

  async function buyerCommitted() {
    const f = await loadFixture(settlementFixture);
    const t = await terms(f);
    await f.dvp.connect(f.buyer).proposeTrade(t);
    return { ...f, t, id: 1n };
  }

  describe("proposeTrade", function () {
    describe("when the seller proposes", function () {
      it("should move the seller's tokens into escrow, record their shares and emit the proposal and the commitment", async function () {
        const f = await loadFixture(settlementFixture);
        const { dvp, fund, seller, buyer, usdc } = f;
        const t = await terms(f);
        const shares = await sharesFor(fund, seller.address, AMOUNT);
        await expect(dvp.connect(seller).proposeTrade(t))
          .to.emit(dvp, "TradeProposed")
          .withArgs(1n, seller.address, buyer.address, AMOUNT, await usdc.getAddress(), PRICE, t.deadline)
          .and.to.emit(dvp, "SellerCommitted")
          .withArgs(1n, seller.address, AMOUNT, shares);
        expect(await fund.contracts.token.sharesOf(await dvp.getAddress())).to.equal(shares);
        expect(await fund.contracts.token.balanceOf(seller.address)).to.equal(SELLER_TOKENS - AMOUNT);
        const tr = await dvp.trade(1n);
        expect([tr.seller, tr.buyer, tr.mode, tr.status]).to.deep.equal([
          seller.address,
          buyer.address,
          MODE.OnChain,
          STATUS.SellerCommitted,
        ]);
        expect([tr.amount, tr.shares, tr.paymentToken, tr.price, tr.deadline]).to.deep.equal([
          AMOUNT,
          shares,
          await usdc.getAddress(),
          PRICE,
          BigInt(t.deadline),
        ]);
        expect(await dvp.tradeCount()).to.equal(1n);
      });

      it("should apply the token's sender rules to the seller at commitment (a frozen wallet cannot commit)", async function () {
        const f = await loadFixture(settlementFixture);
        await f.fund.as("transferAgent").on(f.fund.contracts.token).setAddressFrozen(f.seller.address, true);
        await expect(f.dvp.connect(f.seller).proposeTrade(await terms(f)))
          .to.be.revertedWithCustomError(f.fund.contracts.token, "WalletFrozen")
          .withArgs(f.seller.address);
      });

      it("should need the seller's allowance", async function () {
        const f = await loadFixture(settlementFixture);
        const dvpAddress = await f.dvp.getAddress();
        await f.fund.contracts.token.connect(f.seller).approve(dvpAddress, AMOUNT - 1n);
        await expect(f.dvp.connect(f.seller).proposeTrade(await terms(f)))
          .to.be.revertedWithCustomError(f.fund.contracts.token, "ERC20InsufficientAllowance")
          .withArgs(dvpAddress, AMOUNT - 1n, AMOUNT);
      });
    });

    describe("when the buyer proposes", function () {
      it("should move the price into escrow and emit the proposal and the buyer's commitment", async function () {
        const f = await loadFixture(settlementFixture);
        const { dvp, seller, buyer, usdc } = f;
        const t = await terms(f);
        const tx = dvp.connect(buyer).proposeTrade(t);
        await expect(tx)
          .to.emit(dvp, "TradeProposed")
          .withArgs(1n, seller.address, buyer.address, AMOUNT, await usdc.getAddress(), PRICE, t.deadline)
          .and.to.emit(dvp, "BuyerCommitted")
          .withArgs(1n, buyer.address, await usdc.getAddress(), PRICE);
        await expect(tx).to.not.emit(dvp, "SellerCommitted");
        await expect(tx).to.changeTokenBalances(usdc, [buyer, dvp], [-PRICE, PRICE]);
        const tr = await dvp.trade(1n);
        expect([tr.status, tr.shares]).to.deep.equal([STATUS.BuyerCommitted, 0n]);
      });
    });

    describe("when the terms are wrong", function () {
      it("should refuse a caller who is neither party", async function () {
        const f = await loadFixture(settlementFixture);
        await expect(f.dvp.connect(f.carol).proposeTrade(await terms(f)))
          .to.be.revertedWithCustomError(f.dvp, "CallerNotParty")
          .withArgs(0n, f.carol.address);
      });

      it("should refuse a zero party and a trade with oneself", async function () {
        const f = await loadFixture(settlementFixture);
        await expect(f.dvp.connect(f.seller).proposeTrade(await terms(f, { buyer: ZeroAddress })))
          .to.be.revertedWithCustomError(f.dvp, "InvalidAddress")
          .withArgs(ZeroAddress);
        await expect(f.dvp.connect(f.buyer).proposeTrade(await terms(f, { seller: ZeroAddress })))
          .to.be.revertedWithCustomError(f.dvp, "InvalidAddress")
          .withArgs(ZeroAddress);
        await expect(f.dvp.connect(f.seller).proposeTrade(await terms(f, { buyer: f.seller.address })))
          .to.be.revertedWithCustomError(f.dvp, "SelfTrade")
          .withArgs(f.seller.address);
      });

      it("should refuse a zero or oversized amount and price", async function () {
        const f = await loadFixture(settlementFixture);
        const s = f.dvp.connect(f.seller);
        await expect(s.proposeTrade(await terms(f, { amount: 0n })))
          .to.be.revertedWithCustomError(f.dvp, "InvalidAmount")
          .withArgs(0n);
        await expect(s.proposeTrade(await terms(f, { amount: 2n ** 128n })))
          .to.be.revertedWithCustomError(f.dvp, "InvalidAmount")
          .withArgs(2n ** 128n);
        await expect(s.proposeTrade(await terms(f, { price: 0n })))
          .to.be.revertedWithCustomError(f.dvp, "InvalidPrice")
          .withArgs(0n);
        await expect(s.proposeTrade(await terms(f, { price: 2n ** 96n })))
          .to.be.revertedWithCustomError(f.dvp, "InvalidPrice")
          .withArgs(2n ** 96n);
      });

      it("should refuse a stablecoin the issuer did not accept", async function () {
        const f = await loadFixture(settlementFixture);
        const tokenAddress = await f.fund.contracts.token.getAddress();
        await expect(f.dvp.connect(f.seller).proposeTrade(await terms(f, { paymentToken: tokenAddress })))
          .to.be.revertedWithCustomError(f.dvp, "PaymentTokenNotAllowed")
          .withArgs(tokenAddress);
      });

      it("should refuse a deadline that is not in the future or beyond 30 days", async function () {
        const f = await loadFixture(settlementFixture);
        const s = f.dvp.connect(f.seller);
        let now = await nextTimestamp();
        await expect(s.proposeTrade(await terms(f, { deadline: now })))
          .to.be.revertedWithCustomError(f.dvp, "InvalidDeadline")
          .withArgs(now, now + 30 * DAY);
        now = await nextTimestamp();
        await expect(s.proposeTrade(await terms(f, { deadline: now + 30 * DAY + 1 })))
          .to.be.revertedWithCustomError(f.dvp, "InvalidDeadline")
          .withArgs(now + 30 * DAY + 1, now + 30 * DAY);
        now = await nextTimestamp();
        await expect(s.proposeTrade(await terms(f, { deadline: now + 30 * DAY }))).to.emit(
          f.dvp,
          "TradeProposed",
        );
      });
    });
  });

  describe("commit", function () {
    describe("when the buyer commits to the seller's trade", function () {
      it("should exchange both legs in that transaction: escrowed shares to the buyer, price to the seller", async function () {
        const f = await sellerCommitted();
        const { dvp, fund, seller, buyer, usdc, id, shares } = f;
        const tx = dvp.connect(buyer).commit(id);
        await expect(tx)
          .to.emit(dvp, "BuyerCommitted")
          .withArgs(id, buyer.address, await usdc.getAddress(), PRICE)
          .and.to.emit(dvp, "TradeSettled")
          .withArgs(id, seller.address, buyer.address, shares, AMOUNT, await usdc.getAddress(), PRICE);
        await expect(tx).to.changeTokenBalances(usdc, [buyer, seller, dvp], [-PRICE, PRICE, 0n]);
        expect(await fund.contracts.token.balanceOf(buyer.address)).to.equal(AMOUNT);
        expect(await fund.contracts.token.sharesOf(await dvp.getAddress())).to.equal(0n);
        expect((await dvp.trade(id)).status).to.equal(STATUS.Settled);
      });
    });

    describe("when the seller commits to the buyer's trade", function () {
      it("should escrow the seller's tokens and exchange both legs in that transaction", async function () {
        const f = await buyerCommitted();
        const { dvp, fund, seller, buyer, usdc, id } = f;
        const shares = await sharesFor(fund, seller.address, AMOUNT);
        const tx = dvp.connect(seller).commit(id);
        await expect(tx)
          .to.emit(dvp, "SellerCommitted")
          .withArgs(id, seller.address, AMOUNT, shares)
          .and.to.emit(dvp, "TradeSettled")
          .withArgs(id, seller.address, buyer.address, shares, AMOUNT, await usdc.getAddress(), PRICE);
        await expect(tx).to.changeTokenBalances(usdc, [dvp, seller], [-PRICE, PRICE]);
        expect(await fund.contracts.token.balanceOf(buyer.address)).to.equal(AMOUNT);
        const tr = await dvp.trade(id);
        expect([tr.status, tr.shares]).to.deep.equal([STATUS.Settled, shares]);
      });
    });

    describe("when the buyer's KYC expired meanwhile (compliance checked at settlement)", function () {
      it("should refuse the release with the token's error, then refund the seller's shares after the deadline", async function () {
        const f = await loadFixture(settlementFixture);
        const { dvp, fund, seller, usdc, id } = { ...f, id: 1n };
        const buyer = f.carol;
        await registerInvestor(fund, buyer.address, { kycExpiry: (await time.latest()) + DAY / 2 });
        await usdc.connect(f.deployer).mint(buyer.address, PRICE);
        await usdc.connect(buyer).approve(await dvp.getAddress(), PRICE);
        const t = await terms(f, { buyer: buyer.address });
        await dvp.connect(seller).proposeTrade(t);
        const shares = (await dvp.trade(id)).shares;
        await time.increase(DAY / 2);
        await expect(dvp.connect(buyer).commit(id))
          .to.be.revertedWithCustomError(fund.contracts.token, "RecipientNotVerified")
          .withArgs(buyer.address);
        await expect(dvp.refund(id))
          .to.be.revertedWithCustomError(dvp, "TradeNotExpired")
          .withArgs(id, t.deadline);
        await time.increaseTo(t.deadline + 1);
        await expect(dvp.connect(f.outsider).refund(id))
          .to.emit(dvp, "SellerRefunded")
          .withArgs(id, seller.address, shares, AMOUNT);
        expect(await fund.contracts.token.balanceOf(seller.address)).to.equal(SELLER_TOKENS);
        expect(await usdc.balanceOf(buyer.address)).to.equal(PRICE);
        expect((await dvp.trade(id)).status).to.equal(STATUS.Refunded);
      });

      it("should refuse the seller's commitment to the buyer's trade, then refund the buyer's payment", async function () {
        const f = await loadFixture(settlementFixture);
        const { dvp, fund, seller, usdc, id } = { ...f, id: 1n };
        const buyer = f.carol;
        await registerInvestor(fund, buyer.address, { kycExpiry: (await time.latest()) + DAY / 2 });
        await usdc.connect(f.deployer).mint(buyer.address, PRICE);
        await usdc.connect(buyer).approve(await dvp.getAddress(), PRICE);
        const t = await terms(f, { buyer: buyer.address });
        await dvp.connect(buyer).proposeTrade(t);
        await time.increase(DAY / 2);
        await expect(dvp.connect(seller).commit(id))
          .to.be.revertedWithCustomError(fund.contracts.token, "RecipientNotVerified")
          .withArgs(buyer.address);
        await time.increaseTo(t.deadline + 1);
        const tx = dvp.refund(id);
        await expect(tx)
          .to.emit(dvp, "BuyerRefunded")
          .withArgs(id, buyer.address, await usdc.getAddress(), PRICE);
        await expect(tx).to.changeTokenBalances(usdc, [dvp, buyer], [-PRICE, PRICE]);
        expect(await fund.contracts.token.balanceOf(seller.address)).to.equal(SELLER_TOKENS);
      });
    });

    describe("when a compliance rule refuses the buyer at settlement", function () {
      it("should revert with the compliance's restriction (recipient lacks a required class)", async function () {
        const f = await loadFixture(settlementFixture);
        const buyer = f.carol;
        await registerInvestor(f.fund, buyer.address, { classes: 0, country: COUNTRY.GB });
        await f.usdc.connect(f.deployer).mint(buyer.address, PRICE);
        await f.usdc.connect(buyer).approve(await f.dvp.getAddress(), PRICE);
        await f.dvp.connect(f.seller).proposeTrade(await terms(f, { buyer: buyer.address }));
        await expect(f.dvp.connect(buyer).commit(1n))
          .to.be.revertedWithCustomError(f.fund.contracts.compliance, "TransferRestricted")
          .withArgs(13);
      });
    });

    describe("when the buyer was sanctioned meanwhile", function () {
      it("should revert with the compliance's RECIPIENT_SANCTIONED and move nothing", async function () {
        const f = await sellerCommitted();
        const { compliance } = f.fund.contracts;
        await f.fund.as("complianceOfficer").on(compliance).setSanctioned([f.buyer.address], true);
        await expect(f.dvp.connect(f.buyer).commit(f.id))
          .to.be.revertedWithCustomError(compliance, "TransferRestricted")
          .withArgs(10);
        expect((await f.dvp.trade(f.id)).status).to.equal(STATUS.SellerCommitted);
      });
    });

    describe("when the seller can no longer sell (checked at settlement, before the seller is paid)", function () {
      async function sellerRefused(
        f: Awaited<ReturnType<typeof sellerCommitted>>,
        code: number,
        committer: "buyer" | "seller",
      ) {
        const before = await f.usdc.balanceOf(f.seller.address);
        const by = committer === "buyer" ? f.buyer : f.seller;
        await expect(f.dvp.connect(by).commit(f.id))
          .to.be.revertedWithCustomError(f.dvp, "SellerRestricted")
          .withArgs(f.id, code);
        expect(await f.usdc.balanceOf(f.seller.address)).to.equal(before);
      }

      it("should revert with SellerRestricted(SENDER_SANCTIONED) when the seller was sanctioned", async function () {
        const f = await sellerCommitted();
        const { compliance } = f.fund.contracts;
        await f.fund.as("complianceOfficer").on(compliance).setSanctioned([f.seller.address], true);
        await sellerRefused(f, 9, "buyer");
      });

      it("should revert with SellerRestricted(SENDER_SANCTIONED) even with the compliance's sanctions rule off", async function () {
        const f = await sellerCommitted();
        const { compliance } = f.fund.contracts;
        await f.fund.as("complianceOfficer").on(compliance).setSanctioned([f.seller.address], true);
        await f.fund
          .as("issuer")
          .now(compliance)
          .setRules((await compliance.rules()) & ~BigInt(RULES.SANCTIONS));
        await sellerRefused(f, 9, "buyer");
      });

      it("should revert with SellerRestricted(SENDER_FROZEN) when the seller's wallet was frozen", async function () {
        const f = await sellerCommitted();
        await f.fund.as("transferAgent").on(f.fund.contracts.token).setAddressFrozen(f.seller.address, true);
        await sellerRefused(f, 4, "buyer");
      });

      it("should revert with SellerRestricted(SENDER_NOT_VERIFIED) when the seller's KYC was revoked, then refund after the deadline", async function () {
        const f = await sellerCommitted();
        const { registry } = f.fund.contracts;
        const identity = await registry.identity(f.seller.address);
        await f.fund.as("complianceOfficer").on(registry).setRevoked(identity, [f.seller.address], true);
        await sellerRefused(f, 2, "buyer");
        await f.fund.as("complianceOfficer").on(registry).setRevoked(identity, [f.seller.address], false);
        await time.increaseTo(f.t.deadline + 1);
        await expect(f.dvp.refund(f.id)).to.emit(f.dvp, "SellerRefunded");
      });

      it("should revert with SellerRestricted when the sanctioned seller commits to the buyer's trade", async function () {
        const f = await buyerCommitted();
        const { compliance } = f.fund.contracts;
        await f.fund.as("complianceOfficer").on(compliance).setSanctioned([f.seller.address], true);
        await expect(f.dvp.connect(f.seller).commit(f.id))
          .to.be.revertedWithCustomError(f.dvp, "SellerRestricted")
          .withArgs(f.id, 9);
      });
    });

    describe("when the caller or the trade is not the right one", function () {
      it("should refuse the party that already committed and any third party", async function () {
        const f = await sellerCommitted();
        await expect(f.dvp.connect(f.seller).commit(f.id))
          .to.be.revertedWithCustomError(f.dvp, "CallerNotParty")
          .withArgs(f.id, f.seller.address);
        await expect(f.dvp.connect(f.carol).commit(f.id))
          .to.be.revertedWithCustomError(f.dvp, "CallerNotParty")
          .withArgs(f.id, f.carol.address);
        const g = await buyerCommitted();
        await expect(g.dvp.connect(g.buyer).commit(g.id))
          .to.be.revertedWithCustomError(g.dvp, "CallerNotParty")
          .withArgs(g.id, g.buyer.address);
      });

      it("should refuse a trade that already settled with InvalidStatus", async function () {
        const f = await sellerCommitted();
        await f.dvp.connect(f.buyer).commit(f.id);
        await expect(f.dvp.connect(f.buyer).commit(f.id))
          .to.be.revertedWithCustomError(f.dvp, "InvalidStatus")
          .withArgs(f.id, STATUS.Settled);
      });

      it("should refuse an unknown trade and an off-chain trade", async function () {
        const f = await loadFixture(settlementFixture);
        await expect(f.dvp.connect(f.buyer).commit(7n))
          .to.be.revertedWithCustomError(f.dvp, "UnknownTrade")
          .withArgs(7n);
        await f.dvp.connect(f.seller).openOffChainTrade({
          buyer: f.buyer.address,
          amount: AMOUNT,
          price: 10_025n,
          currency: "0x555344",
        });
        await expect(f.dvp.connect(f.buyer).commit(1n))
          .to.be.revertedWithCustomError(f.dvp, "WrongMode")
          .withArgs(1n, MODE.OffChain);
      });
    });

    describe("at and after the deadline", function () {
      it("should settle at the deadline itself", async function () {
        const f = await sellerCommitted();
        await time.setNextBlockTimestamp(f.t.deadline);
        await expect(f.dvp.connect(f.buyer).commit(f.id)).to.emit(f.dvp, "TradeSettled");
      });

      it("should refuse to settle after the deadline", async function () {
        const f = await sellerCommitted();
        await time.setNextBlockTimestamp(f.t.deadline + 1);
        await expect(f.dvp.connect(f.buyer).commit(f.id))
          .to.be.revertedWithCustomError(f.dvp, "TradeExpired")
          .withArgs(f.id, f.t.deadline);
      });
    });
  });

  describe("refund", function () {
    it("should refuse before the deadline and at the deadline", async function () {
      const f = await sellerCommitted();
      await time.setNextBlockTimestamp(f.t.deadline);
      await expect(f.dvp.refund(f.id))
        .to.be.revertedWithCustomError(f.dvp, "TradeNotExpired")
        .withArgs(f.id, f.t.deadline);
    });

    it("should let anyone return the seller's shares to the seller after the deadline, once", async function () {
      const f = await sellerCommitted();
      await time.increaseTo(f.t.deadline + 1);
      await expect(f.dvp.connect(f.carol).refund(f.id))
        .to.emit(f.dvp, "SellerRefunded")
        .withArgs(f.id, f.seller.address, f.shares, AMOUNT);
      expect(await f.fund.contracts.token.balanceOf(f.seller.address)).to.equal(SELLER_TOKENS);
      await expect(f.dvp.refund(f.id))
        .to.be.revertedWithCustomError(f.dvp, "InvalidStatus")
        .withArgs(f.id, STATUS.Refunded);
      await expect(f.dvp.connect(f.buyer).commit(f.id))
        .to.be.revertedWithCustomError(f.dvp, "TradeExpired")
        .withArgs(f.id, f.t.deadline);
    });

    it("should return the buyer's payment to the buyer after the deadline", async function () {
      const f = await buyerCommitted();
      await time.increaseTo(f.t.deadline + 1);
      const tx = f.dvp.refund(f.id);
      await expect(tx)
        .to.emit(f.dvp, "BuyerRefunded")
        .withArgs(f.id, f.buyer.address, await f.usdc.getAddress(), PRICE);
      await expect(tx).to.changeTokenBalances(f.usdc, [f.dvp, f.buyer], [-PRICE, PRICE]);
    });

    it("should refuse a settled trade and an unknown trade", async function () {
      const f = await sellerCommitted();
      await f.dvp.connect(f.buyer).commit(f.id);
      await time.increaseTo(f.t.deadline + 1);
      await expect(f.dvp.refund(f.id))
        .to.be.revertedWithCustomError(f.dvp, "InvalidStatus")
        .withArgs(f.id, STATUS.Settled);
      await expect(f.dvp.refund(9n)).to.be.revertedWithCustomError(f.dvp, "UnknownTrade").withArgs(9n);
    });
  });

  describe("yield earned in escrow", function () {
    it("should go to the buyer with the escrowed shares when the trade settles", async function () {
      const f = await sellerCommitted();
      const { fund, dvp, buyer, seller, usdc, id, shares } = f;
      await accrueYield(fund, "1.0002");
      const delivered = await amountOf(fund, shares);
      expect(delivered).to.be.greaterThan(AMOUNT);
      await expect(dvp.connect(buyer).commit(id))
        .to.emit(dvp, "TradeSettled")
        .withArgs(id, seller.address, buyer.address, shares, delivered, await usdc.getAddress(), PRICE);
      expect(await fund.contracts.token.sharesOf(buyer.address)).to.equal(shares);
      expect(await fund.contracts.token.balanceOf(buyer.address)).to.equal(delivered);
    });

    it("should go back to the seller with the escrowed shares when the trade is refunded", async function () {
      const f = await sellerCommitted();
      const { fund, dvp, seller, id, shares } = f;
      await accrueYield(fund, "1.0002");
      await time.increaseTo(f.t.deadline + 1);
      const returned = await amountOf(fund, shares);
      expect(returned).to.be.greaterThan(AMOUNT);
      await expect(dvp.refund(id))
        .to.emit(dvp, "SellerRefunded")
        .withArgs(id, seller.address, shares, returned);
      expect(await fund.contracts.token.sharesOf(seller.address)).to.equal(SELLER_TOKENS);
    });
  });

  describe("several trades", function () {
    it("should keep each trade's shares apart in the pooled escrow", async function () {
      const f = await loadFixture(settlementFixture);
      const { dvp, fund, seller, buyer } = f;
      await dvp.connect(seller).proposeTrade(await terms(f));
      await dvp.connect(seller).proposeTrade(await terms(f, { amount: 2n * AMOUNT }));
      const escrow = await dvp.getAddress();
      expect(await fund.contracts.token.sharesOf(escrow)).to.equal(3n * AMOUNT);
      await dvp.connect(buyer).commit(2n);
      expect(await fund.contracts.token.sharesOf(escrow)).to.equal(AMOUNT);
      expect(await fund.contracts.token.balanceOf(buyer.address)).to.equal(2n * AMOUNT);
      expect((await dvp.trade(1n)).status).to.equal(STATUS.SellerCommitted);
      expect(await hre.ethers.provider.getBalance(escrow)).to.equal(0n);
    });
  });
});
