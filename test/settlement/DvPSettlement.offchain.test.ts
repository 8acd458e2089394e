import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash, encodeBytes32String } from "ethers";
import { registerInvestor, COUNTRY } from "../helpers/fund";
import {
  settlementFixture,
  accrueYield,
  amountOf,
  nextTimestamp,
  sharesFor,
  DAY,
  ONE,
  MODE,
  STATUS,
  RESTRICTION,
  SELLER_TOKENS,
} from "./fixtures";

const AMOUNT = 250n * ONE;
/** USD 250.10 in cents. */
const PRICE = 25_010n;
const USD = "0x555344";
const REF = encodeBytes32String("FEDWIRE-20261123-000042");
const REASON = encodeBytes32String("BUYER-ACCOUNT-CLOSED");
/** deploy/config/hardhat.ts settlement.offchainPaymentDeadlineSeconds. */
const WINDOW = 2 * DAY;

describe("DvPSettlement (off-chain payment)", function () {
  async function opened() {
    const f = await loadFixture(settlementFixture);
    const shares = await sharesFor(f.fund, f.seller.address, AMOUNT);
    const openedAt = await nextTimestamp();
    await f.dvp
      .connect(f.seller)
      .openOffChainTrade({ buyer: f.buyer.address, amount: AMOUNT, price: PRICE, currency: USD });
    const agent = f.fund.as("settlementAgent");
    return { ...f, id: 1n, shares, deadline: openedAt + WINDOW, agent };
  }

  async function acknowledged() {
    const f = await opened();
    await f.agent.on(f.dvp).acknowledge(f.id);
    return f;
  }

  describe("openOffChainTrade", function () {
    it("should lock the seller's tokens until now + the payment window and emit the opening and the commitment", async function () {
      const f = await loadFixture(settlementFixture);
      const { dvp, fund, seller, buyer } = f;
      const shares = await sharesFor(fund, seller.address, AMOUNT);
      const now = await nextTimestamp();
      await expect(
        dvp
          .connect(seller)
          .openOffChainTrade({ buyer: buyer.address, amount: AMOUNT, price: PRICE, currency: USD }),
      )
        .to.emit(dvp, "OffChainTradeOpened")
        .withArgs(1n, seller.address, buyer.address, AMOUNT, PRICE, USD, now + WINDOW)
        .and.to.emit(dvp, "SellerCommitted")
        .withArgs(1n, seller.address, AMOUNT, shares);
      const t = await dvp.trade(1n);
      expect([t.mode, t.status, t.deadline, t.currency, t.price, t.paymentToken, t.shares]).to.deep.equal([
        MODE.OffChain,
        STATUS.SellerCommitted,
        BigInt(now + WINDOW),
        USD,
        PRICE,
        ZeroAddress,
        shares,
      ]);
      expect(await fund.contracts.token.balanceOf(seller.address)).to.equal(SELLER_TOKENS - AMOUNT);
    });

    it("should refuse a currency that is not three upper-case letters", async function () {
      const f = await loadFixture(settlementFixture);
      for (const currency of ["0x757364", "0x000000", "0x55535b", "0x405344"]) {
        await expect(
          f.dvp
            .connect(f.seller)
            .openOffChainTrade({ buyer: f.buyer.address, amount: AMOUNT, price: PRICE, currency }),
        )
          .to.be.revertedWithCustomError(f.dvp, "InvalidCurrency")
          .withArgs(currency);
      }
    });

    it("should refuse a trade with oneself, a zero buyer, a zero amount and a zero price", async function () {
      const f = await loadFixture(settlementFixture);
      const s = f.dvp.connect(f.seller);
      const base = { buyer: f.buyer.address, amount: AMOUNT, price: PRICE, currency: USD };
      await expect(s.openOffChainTrade({ ...base, buyer: f.seller.address }))
        .to.be.revertedWithCustomError(f.dvp, "SelfTrade")
        .withArgs(f.seller.address);
      await expect(s.openOffChainTrade({ ...base, buyer: ZeroAddress }))
        .to.be.revertedWithCustomError(f.dvp, "InvalidAddress")
        .withArgs(ZeroAddress);
      await expect(s.openOffChainTrade({ ...base, amount: 0n }))
        .to.be.revertedWithCustomError(f.dvp, "InvalidAmount")
        .withArgs(0n);
      await expect(s.openOffChainTrade({ ...base, price: 0n }))
        .to.be.revertedWithCustomError(f.dvp, "InvalidPrice")
        .withArgs(0n);
    });
  });

  describe("acknowledge", function () {
    describe("when the settlement agent pre-validates a releasable trade", function () {
      it("should record the acknowledgement", async function () {
        const f = await opened();
        const now = await nextTimestamp();
        const { response } = await f.agent.on(f.dvp).acknowledge(f.id);
        await expect(response).to.emit(f.dvp, "TradeAcknowledged").withArgs(f.id, f.agent.address);
        const t = await f.dvp.trade(f.id);
        expect([t.status, t.acknowledgedAt]).to.deep.equal([STATUS.Acknowledged, BigInt(now)]);
      });
    });

    describe("when the release would be refused", function () {
      it("should refuse an unverified buyer with the restriction code", async function () {
        const f = await loadFixture(settlementFixture);
        await f.dvp
          .connect(f.seller)
          .openOffChainTrade({ buyer: f.carol.address, amount: AMOUNT, price: PRICE, currency: USD });
        expect(await f.dvp.releaseRestriction(1n)).to.equal(RESTRICTION.RECIPIENT_NOT_VERIFIED);
        await expect(f.fund.as("settlementAgent").on(f.dvp).acknowledge(1n))
          .to.be.revertedWithCustomError(f.dvp, "ReleaseRestricted")
          .withArgs(1n, RESTRICTION.RECIPIENT_NOT_VERIFIED);
      });

      it("should refuse a buyer a compliance rule refuses (no required investor class)", async function () {
        const f = await loadFixture(settlementFixture);
        await registerInvestor(f.fund, f.carol.address, { classes: 0, country: COUNTRY.DE });
        await f.dvp
          .connect(f.seller)
          .openOffChainTrade({ buyer: f.carol.address, amount: AMOUNT, price: PRICE, currency: USD });
        await expect(f.fund.as("settlementAgent").on(f.dvp).acknowledge(1n))
          .to.be.revertedWithCustomError(f.dvp, "ReleaseRestricted")
          .withArgs(1n, RESTRICTION.RECIPIENT_CLASS_MISSING);
      });
    });

    describe("when the seller can no longer sell", function () {
      it("should refuse a sanctioned seller with SellerRestricted(SENDER_SANCTIONED)", async function () {
        const f = await opened();
        const { compliance } = f.fund.contracts;
        await f.fund.as("complianceOfficer").on(compliance).setSanctioned([f.seller.address], true);
        await expect(f.agent.on(f.dvp).acknowledge(f.id))
          .to.be.revertedWithCustomError(f.dvp, "SellerRestricted")
          .withArgs(f.id, 9);
        expect((await f.dvp.trade(f.id)).status).to.equal(STATUS.SellerCommitted);
      });

      it("should refuse a frozen seller with SellerRestricted(SENDER_FROZEN)", async function () {
        const f = await opened();
        await f.fund.as("transferAgent").on(f.fund.contracts.token).setAddressFrozen(f.seller.address, true);
        await expect(f.agent.on(f.dvp).acknowledge(f.id))
          .to.be.revertedWithCustomError(f.dvp, "SellerRestricted")
          .withArgs(f.id, 4);
      });
    });

    it("should refuse anyone without the SETTLEMENT_AGENT role", async function () {
      const f = await opened();
      for (const caller of [f.seller, f.buyer, f.outsider]) {
        await expect(f.dvp.connect(caller).acknowledge(f.id))
          .to.be.revertedWithCustomError(f.dvp, "AccessManagedUnauthorized")
          .withArgs(caller.address);
      }
    });

    it("should refuse after the deadline, an on-chain trade and an unknown trade", async function () {
      const f = await opened();
      await time.increaseTo(f.deadline + 1);
      await expect(f.agent.on(f.dvp).acknowledge(f.id))
        .to.be.revertedWithCustomError(f.dvp, "TradeExpired")
        .withArgs(f.id, f.deadline);
      await expect(f.agent.on(f.dvp).acknowledge(5n))
        .to.be.revertedWithCustomError(f.dvp, "UnknownTrade")
        .withArgs(5n);
      await f.dvp.connect(f.seller).proposeTrade({
        seller: f.seller.address,
        buyer: f.buyer.address,
        amount: ONE,
        paymentToken: await f.usdc.getAddress(),
        price: 1n,
        deadline: (await time.latest()) + DAY,
      });
      await expect(f.agent.on(f.dvp).acknowledge(2n))
        .to.be.revertedWithCustomError(f.dvp, "WrongMode")
        .withArgs(2n, MODE.OnChain);
    });
  });

  describe("confirmPayment", function () {
    describe("when the agent confirms the payment of an acknowledged trade", function () {
      it("should release the escrowed shares to the buyer and record the payment reference", async function () {
        const f = await acknowledged();
        const { response } = await f.agent.on(f.dvp).confirmPayment(f.id, REF);
        await expect(response).to.emit(f.dvp, "PaymentConfirmed").withArgs(f.id, f.agent.address, REF);
        await expect(response)
          .to.emit(f.dvp, "TradeSettled")
          .withArgs(f.id, f.seller.address, f.buyer.address, f.shares, AMOUNT, ZeroAddress, PRICE);
        expect(await f.fund.contracts.token.balanceOf(f.buyer.address)).to.equal(AMOUNT);
        const t = await f.dvp.trade(f.id);
        expect([t.status, t.paymentReference]).to.deep.equal([STATUS.Settled, REF]);
      });

      it("should confirm at the deadline itself", async function () {
        const f = await acknowledged();
        await time.setNextBlockTimestamp(f.deadline);
        const { response } = await f.agent.on(f.dvp).confirmPayment(f.id, REF);
        await expect(response).to.emit(f.dvp, "TradeSettled");
      });
    });

    it("should refuse a trade not acknowledged, an empty reference and a confirmation after the deadline", async function () {
      const f = await opened();
      await expect(f.agent.on(f.dvp).confirmPayment(f.id, REF))
        .to.be.revertedWithCustomError(f.dvp, "InvalidStatus")
        .withArgs(f.id, STATUS.SellerCommitted);
      await f.agent.on(f.dvp).acknowledge(f.id);
      await expect(f.agent.on(f.dvp).confirmPayment(f.id, ZeroHash))
        .to.be.revertedWithCustomError(f.dvp, "EmptyReference")
        .withArgs(f.id);
      await time.increaseTo(f.deadline + 1);
      await expect(f.agent.on(f.dvp).confirmPayment(f.id, REF))
        .to.be.revertedWithCustomError(f.dvp, "TradeExpired")
        .withArgs(f.id, f.deadline);
    });

    it("should refuse anyone without the SETTLEMENT_AGENT role", async function () {
      const f = await acknowledged();
      await expect(f.dvp.connect(f.buyer).confirmPayment(f.id, REF))
        .to.be.revertedWithCustomError(f.dvp, "AccessManagedUnauthorized")
        .withArgs(f.buyer.address);
    });

    describe("when the buyer's KYC expired after the acknowledgement (compliance checked at settlement)", function () {
      it("should refuse the release with the token's error, keep the trade acknowledged, then refund the seller after the deadline", async function () {
        const f = await loadFixture(settlementFixture);
        const { dvp, fund, seller } = f;
        const buyer = f.carol;
        const agent = fund.as("settlementAgent");
        await registerInvestor(fund, buyer.address, { kycExpiry: (await time.latest()) + DAY });
        const openedAt = await nextTimestamp();
        await dvp
          .connect(seller)
          .openOffChainTrade({ buyer: buyer.address, amount: AMOUNT, price: PRICE, currency: USD });
        await agent.on(dvp).acknowledge(1n);
        await time.increase(DAY);
        expect(await dvp.releaseRestriction(1n)).to.equal(RESTRICTION.RECIPIENT_NOT_VERIFIED);
        await expect(agent.on(dvp).confirmPayment(1n, REF))
          .to.be.revertedWithCustomError(fund.contracts.token, "RecipientNotVerified")
          .withArgs(buyer.address);
        expect((await dvp.trade(1n)).status).to.equal(STATUS.Acknowledged);
        await time.increaseTo(openedAt + WINDOW + 1);
        await expect(dvp.connect(f.outsider).refund(1n))
          .to.emit(dvp, "SellerRefunded")
          .withArgs(1n, seller.address, AMOUNT, AMOUNT);
        expect(await fund.contracts.token.balanceOf(seller.address)).to.equal(SELLER_TOKENS);
        expect(await fund.contracts.token.balanceOf(buyer.address)).to.equal(0n);
        await expect(agent.on(dvp).confirmPayment(1n, REF))
          .to.be.revertedWithCustomError(dvp, "InvalidStatus")
          .withArgs(1n, STATUS.Refunded);
      });
    });
  });

  describe("rejectTrade", function () {
    for (const [label, setup] of [
      ["a locked trade", opened],
      ["an acknowledged trade", acknowledged],
    ] as const) {
      it(`should refund ${label} to the seller at once`, async function () {
        const f = await setup();
        const { response } = await f.agent.on(f.dvp).rejectTrade(f.id, REASON);
        await expect(response).to.emit(f.dvp, "TradeRejected").withArgs(f.id, f.agent.address, REASON);
        await expect(response)
          .to.emit(f.dvp, "SellerRefunded")
          .withArgs(f.id, f.seller.address, f.shares, AMOUNT);
        expect((await f.dvp.trade(f.id)).status).to.equal(STATUS.Refunded);
        expect(await f.fund.contracts.token.balanceOf(f.seller.address)).to.equal(SELLER_TOKENS);
      });
    }

    it("should refuse an empty reason and anyone without the SETTLEMENT_AGENT role", async function () {
      const f = await opened();
      await expect(f.agent.on(f.dvp).rejectTrade(f.id, ZeroHash))
        .to.be.revertedWithCustomError(f.dvp, "EmptyReference")
        .withArgs(f.id);
      await expect(f.dvp.connect(f.seller).rejectTrade(f.id, REASON))
        .to.be.revertedWithCustomError(f.dvp, "AccessManagedUnauthorized")
        .withArgs(f.seller.address);
    });
  });

  describe("refund", function () {
    for (const [label, setup] of [
      ["a locked trade", opened],
      ["an acknowledged trade", acknowledged],
    ] as const) {
      it(`should return ${label} to the seller only after the deadline`, async function () {
        const f = await setup();
        await time.setNextBlockTimestamp(f.deadline);
        await expect(f.dvp.refund(f.id))
          .to.be.revertedWithCustomError(f.dvp, "TradeNotExpired")
          .withArgs(f.id, f.deadline);
        await expect(f.dvp.refund(f.id))
          .to.emit(f.dvp, "SellerRefunded")
          .withArgs(f.id, f.seller.address, f.shares, AMOUNT);
        expect((await f.dvp.trade(f.id)).status).to.equal(STATUS.Refunded);
      });
    }
  });

  describe("state machine: a trade never both releases and refunds", function () {
    type F = Awaited<ReturnType<typeof opened>>;
    type Action = [string, (f: F) => Promise<unknown>];
    const actions: Action[] = [
      ["acknowledge", (f) => f.agent.on(f.dvp).acknowledge(f.id)],
      ["confirmPayment", (f) => f.agent.on(f.dvp).confirmPayment(f.id, REF)],
      ["rejectTrade", (f) => f.agent.on(f.dvp).rejectTrade(f.id, REASON)],
      ["refund", (f) => f.dvp.connect(f.outsider).refund(f.id)],
      ["commit", (f) => f.dvp.connect(f.buyer).commit(f.id)],
    ];
    /** Per state: how to reach it, and the error each action meets there (undefined = allowed). */
    const states: [string, () => Promise<F>, Record<string, [string, (f: F) => unknown[]] | undefined>][] = [
      [
        "SellerCommitted",
        opened,
        {
          acknowledge: undefined,
          confirmPayment: ["InvalidStatus", (f) => [f.id, STATUS.SellerCommitted]],
          rejectTrade: undefined,
          refund: ["TradeNotExpired", (f) => [f.id, f.deadline]],
          commit: ["WrongMode", (f) => [f.id, MODE.OffChain]],
        },
      ],
      [
        "Acknowledged",
        acknowledged,
        {
          acknowledge: ["InvalidStatus", (f) => [f.id, STATUS.Acknowledged]],
          confirmPayment: undefined,
          rejectTrade: undefined,
          refund: ["TradeNotExpired", (f) => [f.id, f.deadline]],
          commit: ["WrongMode", (f) => [f.id, MODE.OffChain]],
        },
      ],
      [
        "Settled (then past the deadline)",
        async () => {
          const f = await acknowledged();
          await f.agent.on(f.dvp).confirmPayment(f.id, REF);
          await time.increaseTo(f.deadline + 1);
          return f;
        },
        {
          acknowledge: ["InvalidStatus", (f) => [f.id, STATUS.Settled]],
          confirmPayment: ["InvalidStatus", (f) => [f.id, STATUS.Settled]],
          rejectTrade: ["InvalidStatus", (f) => [f.id, STATUS.Settled]],
          refund: ["InvalidStatus", (f) => [f.id, STATUS.Settled]],
          commit: ["WrongMode", (f) => [f.id, MODE.OffChain]],
        },
      ],
      [
        "Refunded after the deadline",
        async () => {
          const f = await acknowledged();
          await time.increaseTo(f.deadline + 1);
          await f.dvp.refund(f.id);
          return f;
        },
        {
          acknowledge: ["InvalidStatus", (f) => [f.id, STATUS.Refunded]],
          confirmPayment: ["InvalidStatus", (f) => [f.id, STATUS.Refunded]],
          rejectTrade: ["InvalidStatus", (f) => [f.id, STATUS.Refunded]],
          refund: ["InvalidStatus", (f) => [f.id, STATUS.Refunded]],
          commit: ["WrongMode", (f) => [f.id, MODE.OffChain]],
        },
      ],
      [
        "Refunded by rejection (before the deadline)",
        async () => {
          const f = await acknowledged();
          await f.agent.on(f.dvp).rejectTrade(f.id, REASON);
          return f;
        },
        {
          acknowledge: ["InvalidStatus", (f) => [f.id, STATUS.Refunded]],
          confirmPayment: ["InvalidStatus", (f) => [f.id, STATUS.Refunded]],
          rejectTrade: ["InvalidStatus", (f) => [f.id, STATUS.Refunded]],
          refund: ["InvalidStatus", (f) => [f.id, STATUS.Refunded]],
          commit: ["WrongMode", (f) => [f.id, MODE.OffChain]],
        },
      ],
    ];

    for (const [state, reach, expected] of states) {
      describe(`when the trade is ${state}`, function () {
        for (const [name, act] of actions) {
          const outcome = expected[name];
          if (outcome === undefined) {
            it(`should allow ${name}`, async function () {
              const f = await reach();
              await act(f);
            });
          } else {
            it(`should refuse ${name} with ${outcome[0]} and move nothing`, async function () {
              const f = await reach();
              const token = f.fund.contracts.token;
              const escrow = await f.dvp.getAddress();
              const before = [
                await token.sharesOf(escrow),
                await token.sharesOf(f.seller.address),
                await token.sharesOf(f.buyer.address),
              ];
              const status = (await f.dvp.trade(f.id)).status;
              await expect(act(f))
                .to.be.revertedWithCustomError(f.dvp, outcome[0])
                .withArgs(...outcome[1](f));
              expect([
                await token.sharesOf(escrow),
                await token.sharesOf(f.seller.address),
                await token.sharesOf(f.buyer.address),
              ]).to.deep.equal(before);
              expect((await f.dvp.trade(f.id)).status).to.equal(status);
            });
          }
        }
      });
    }

    it("should conserve shares: escrow + seller + buyer is the same in every terminal state", async function () {
      for (const terminal of ["settled", "refunded"]) {
        const f = await acknowledged();
        const token = f.fund.contracts.token;
        if (terminal === "settled") await f.agent.on(f.dvp).confirmPayment(f.id, REF);
        else await f.agent.on(f.dvp).rejectTrade(f.id, REASON);
        const escrow = await token.sharesOf(await f.dvp.getAddress());
        const seller = await token.sharesOf(f.seller.address);
        const buyer = await token.sharesOf(f.buyer.address);
        expect(escrow).to.equal(0n);
        expect(seller + buyer).to.equal(SELLER_TOKENS);
        expect(terminal === "settled" ? buyer : seller).to.equal(
          terminal === "settled" ? f.shares : SELLER_TOKENS,
        );
      }
    });
  });

  describe("yield earned in escrow", function () {
    it("should go to the buyer on confirmation and back to the seller on refund", async function () {
      const f = await acknowledged();
      await accrueYield(f.fund, "1.0003");
      const delivered = await amountOf(f.fund, f.shares);
      expect(delivered).to.be.greaterThan(AMOUNT);
      const { response } = await f.agent.on(f.dvp).confirmPayment(f.id, REF);
      await expect(response)
        .to.emit(f.dvp, "TradeSettled")
        .withArgs(f.id, f.seller.address, f.buyer.address, f.shares, delivered, ZeroAddress, PRICE);
      expect(await f.fund.contracts.token.balanceOf(f.buyer.address)).to.equal(delivered);

      const g = await opened();
      await accrueYield(g.fund, "1.0003");
      await time.increaseTo(g.deadline + 1);
      const returned = await amountOf(g.fund, g.shares);
      expect(returned).to.be.greaterThan(AMOUNT);
      await expect(g.dvp.refund(g.id))
        .to.emit(g.dvp, "SellerRefunded")
        .withArgs(g.id, g.seller.address, g.shares, returned);
    });
  });
});
