import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash } from "ethers";
import { registerInvestor, mint, CLASS, COUNTRY, YEAR } from "../helpers/fund";
import {
  settlementFixture,
  accrueYield,
  amountOf,
  sharesFor,
  crossChainTradeId,
  encodeDecision,
  encodeLock,
  mockMessageId,
  nextTimestamp,
  any2EvmMessage,
  routerSigner,
  DAY,
  ONE,
  USDC,
  ASSET_STATUS,
  PAYMENT_STATUS,
  KIND,
  RESTRICTION,
  SELLER_TOKENS,
  BUYER_USDC,
  type SettlementFixture,
} from "./fixtures";
import {
  TRADE_TERMS_FIELDS,
  confirmTradeTerms,
  hashTradeTerms,
  tradeTermsOf,
  type TradeTerms,
} from "../../lib/cross-chain-terms";
import { RULES } from "../../lib/compliance-rules";
import type {
  CrossChainPaymentEscrow,
  MockBlockingStablecoin,
  MockSanctionsList,
} from "../../typechain-types";

const AMOUNT = 400n * ONE;
const PRICE = USDC("400.04");
/** deploy/config types DEFAULT_CCIP_GAS_LIMIT and DEFAULT_CONFIRMATION_GRACE. */
const GAS_LIMIT = 500_000n;
const GRACE = DAY;

type F = SettlementFixture;

/** Lock terms between the fixture's seller and buyer (same wallets on both chains), paid within two days. */
async function termsOf(f: F, overrides: Record<string, unknown> = {}) {
  return {
    buyer: f.buyer.address,
    amount: AMOUNT,
    paymentChainSelector: f.selector,
    payer: f.buyer.address,
    payee: f.seller.address,
    price: PRICE,
    paymentDeadline: (await time.latest()) + 2 * DAY,
    ...overrides,
  };
}

type Terms = Awaited<ReturnType<typeof termsOf>>;
const tuple = (t: Terms) => [
  t.buyer,
  t.amount,
  t.paymentChainSelector,
  t.payer,
  t.payee,
  t.price,
  t.paymentDeadline,
];

/**
 * Every term of a trade the seller locked with `t`, from what the test knows (the lock terms, the shares the asset
 * escrow recorded, the deployment): not read from the payment escrow.
 */
async function termsFor(
  f: F,
  tradeId: string,
  t: Terms,
  seller: string,
  shares: bigint,
): Promise<TradeTerms> {
  return {
    tradeId,
    assetChainSelector: f.selector,
    assetEscrow: await f.asset.getAddress(),
    paymentChainSelector: t.paymentChainSelector,
    paymentEscrow: await f.payment.getAddress(),
    paymentToken: await f.payment.paymentToken(),
    seller,
    buyer: t.buyer,
    shares,
    amount: t.amount,
    payer: t.payer,
    payee: t.payee,
    price: t.price,
    paymentDeadline: BigInt(t.paymentDeadline),
  };
}

/** The terms as the contract's TradeTerms tuple (event and view arguments). */
const termsTuple = (terms: TradeTerms) => TRADE_TERMS_FIELDS.map((k) => terms[k]);

/** Locks the terms, returning the trade id, the LOCK message's id, every term of the trade and their hash. */
async function lock(f: F, t: Terms, seller = f.seller) {
  const n = (await f.asset.tradeCount()) + 1n;
  await f.asset.connect(seller).lock(t);
  const tradeId = await crossChainTradeId(f.asset, n);
  const { shares } = await f.asset.trade(tradeId);
  const lockId = mockMessageId(
    await f.payment.getAddress(),
    encodeLock({ ...t, tradeId, seller: seller.address, shares }),
    GAS_LIMIT,
  );
  const terms = await termsFor(f, tradeId, t, seller.address, shares);
  return { tradeId, lockId, terms, hash: hashTradeTerms(terms) };
}

async function locked() {
  const f = await loadFixture(settlementFixture);
  const t = await termsOf(f);
  return { ...f, t, ...(await lock(f, t)) };
}

/** The CONFIRM or CANCEL message id the payment escrow sends for a trade. */
async function decisionId(f: F, kind: number, tradeId: string) {
  return mockMessageId(await f.asset.getAddress(), encodeDecision(kind, tradeId), GAS_LIMIT);
}

/**
 * The fixture with a second payment escrow settling in a stablecoin that can block accounts (its own
 * AccessManager on the "payment chain"), made the asset escrow's peer by the issuer. Built inside the test, after
 * the settlement fixture's snapshot (hardhat-deploy's own fixture snapshots cannot nest in loadFixture).
 */
async function withBlockingStablecoin() {
  const f = await loadFixture(settlementFixture);
  const { ethers, upgrades } = hre;
  const coin = (await ethers.deployContract("MockBlockingStablecoin", [
    "Blockable USD",
    "BUSD",
    6,
    f.deployer.address,
  ])) as unknown as MockBlockingStablecoin;
  const manager = await ethers.deployContract("AccessManager", [f.deployer.address]);
  const factory = await ethers.getContractFactory("CrossChainPaymentEscrow");
  const payment = (await upgrades.deployProxy(
    factory,
    [await manager.getAddress(), await coin.getAddress(), GAS_LIMIT],
    {
      kind: "uups",
      constructorArgs: [await f.router.getAddress()],
      unsafeAllow: ["constructor", "state-variable-immutable"],
    },
  )) as unknown as CrossChainPaymentEscrow;
  await payment.connect(f.deployer).setPeer(f.selector, await f.asset.getAddress());
  await f.fund
    .as("issuer")
    .now(f.asset)
    .setPeer(f.selector, await payment.getAddress());
  await coin.connect(f.deployer).mint(f.buyer.address, BUYER_USDC);
  await coin.connect(f.buyer).approve(await payment.getAddress(), ethers.MaxUint256);
  return { ...f, payment, coin };
}

describe("Cross-chain settlement (CrossChainAssetEscrow + CrossChainPaymentEscrow over CCIPLocalSimulator)", function () {
  describe("when the buyer pays before the deadline (happy path)", function () {
    it("should lock the tokens and open the payment request on the payment chain with one LOCK message carrying every term", async function () {
      const f = await loadFixture(settlementFixture);
      const { asset, payment, seller, buyer, selector, fund } = f;
      const t = await termsOf(f);
      const tradeId = await crossChainTradeId(asset, 1n);
      const terms = await termsFor(f, tradeId, t, seller.address, AMOUNT);
      const hash = hashTradeTerms(terms);
      const lockId = mockMessageId(
        await payment.getAddress(),
        encodeLock({ ...t, tradeId, seller: seller.address, shares: AMOUNT }),
        GAS_LIMIT,
      );
      const tx = asset.connect(seller).lock(t);
      await expect(tx)
        .to.emit(asset, "TradeLocked")
        .withArgs(tradeId, seller.address, buyer.address, tuple(t), AMOUNT, t.paymentDeadline + GRACE)
        .and.to.emit(asset, "MessageSent")
        .withArgs(lockId, selector, await payment.getAddress(), KIND.LOCK, tradeId, 0n);
      await expect(tx)
        .to.emit(payment, "MessageReceived")
        .withArgs(lockId, selector, await asset.getAddress(), KIND.LOCK, tradeId)
        .and.to.emit(payment, "PaymentRequested")
        .withArgs(tradeId, selector, buyer.address, termsTuple(terms), hash);
      expect(await fund.contracts.token.sharesOf(await asset.getAddress())).to.equal(AMOUNT);
      const tr = await asset.trade(tradeId);
      expect([
        tr.seller,
        tr.buyer,
        tr.status,
        tr.shares,
        tr.paymentChainSelector,
        tr.refundableAt,
      ]).to.deep.equal([
        seller.address,
        buyer.address,
        ASSET_STATUS.Locked,
        AMOUNT,
        selector,
        BigInt(t.paymentDeadline + GRACE),
      ]);
      const p = await payment.payment(tradeId);
      expect([
        p.payer,
        p.payee,
        p.price,
        p.deadline,
        p.status,
        p.assetEscrow,
        p.assetChainSelector,
        p.seller,
        p.paymentChainSelector,
        p.buyer,
        p.shares,
        p.amount,
      ]).to.deep.equal([
        buyer.address,
        seller.address,
        PRICE,
        BigInt(t.paymentDeadline),
        PAYMENT_STATUS.AwaitingPayment,
        await asset.getAddress(),
        selector,
        seller.address,
        selector,
        buyer.address,
        AMOUNT,
        AMOUNT,
      ]);
      expect(tradeTermsOf(await payment.tradeTerms(tradeId))).to.deep.equal(terms);
      expect(await payment.termsHash(tradeId)).to.equal(hash);
      expect(await payment.isProcessed(lockId)).to.equal(true);
    });

    it("should pay the seller on the payment chain and release the tokens to the buyer with one CONFIRM message", async function () {
      const f = await locked();
      const { asset, payment, seller, buyer, selector, fund, usdc, tradeId, hash } = f;
      const confirmId = await decisionId(f, KIND.CONFIRM, tradeId);
      const tx = payment.connect(buyer).pay(tradeId, hash);
      await expect(tx)
        .to.emit(payment, "PaymentFunded")
        .withArgs(tradeId, buyer.address, PRICE, hash)
        .and.to.emit(payment, "PaymentExecuted")
        .withArgs(tradeId, seller.address, PRICE)
        .and.to.emit(payment, "MessageSent")
        .withArgs(confirmId, selector, await asset.getAddress(), KIND.CONFIRM, tradeId, 0n);
      await expect(tx)
        .to.emit(asset, "MessageReceived")
        .withArgs(confirmId, selector, await payment.getAddress(), KIND.CONFIRM, tradeId)
        .and.to.emit(asset, "PaymentConfirmed")
        .withArgs(tradeId, confirmId)
        .and.to.emit(asset, "TradeReleased")
        .withArgs(tradeId, buyer.address, AMOUNT, AMOUNT);
      await expect(tx).to.changeTokenBalances(usdc, [buyer, seller, payment], [-PRICE, PRICE, 0n]);
      expect(await fund.contracts.token.balanceOf(buyer.address)).to.equal(AMOUNT);
      expect(await fund.contracts.token.balanceOf(seller.address)).to.equal(SELLER_TOKENS - AMOUNT);
      expect(await fund.contracts.token.sharesOf(await asset.getAddress())).to.equal(0n);
      expect((await asset.trade(tradeId)).status).to.equal(ASSET_STATUS.Released);
      expect((await payment.payment(tradeId)).status).to.equal(PAYMENT_STATUS.Paid);
      expect(await asset.isProcessed(confirmId)).to.equal(true);
    });

    it("should let the buyer pay from another wallet on the payment chain than the one receiving the tokens", async function () {
      const f = await loadFixture(settlementFixture);
      await registerInvestor(f.fund, f.carol.address);
      const t = await termsOf(f, { buyer: f.carol.address });
      const { tradeId, hash } = await lock(f, t);
      await expect(f.payment.connect(f.carol).pay(tradeId, hash))
        .to.be.revertedWithCustomError(f.payment, "CallerNotPayer")
        .withArgs(tradeId, f.carol.address);
      await expect(f.payment.connect(f.buyer).pay(tradeId, hash))
        .to.emit(f.asset, "TradeReleased")
        .withArgs(tradeId, f.carol.address, AMOUNT, AMOUNT);
    });
  });

  describe("CCIP fees (native gas, paid by the caller)", function () {
    it("should charge the router's fee to the seller on lock and to the buyer on payment, returning any excess", async function () {
      const f = await loadFixture(settlementFixture);
      const fee = 10n ** 15n;
      await f.router.setFee(fee);
      expect(await f.asset.quoteFee(f.selector, KIND.LOCK)).to.equal(fee);
      expect(await f.payment.quoteFee(f.selector, KIND.CONFIRM)).to.equal(fee);
      const t = await termsOf(f);
      await expect(f.asset.connect(f.seller).lock(t, { value: fee - 1n }))
        .to.be.revertedWithCustomError(f.asset, "InsufficientFee")
        .withArgs(fee, fee - 1n);
      const lockTx = f.asset.connect(f.seller).lock(t, { value: 3n * fee });
      await expect(lockTx).to.changeEtherBalances([f.seller, f.router, f.asset], [-fee, fee, 0n]);
      const tradeId = await crossChainTradeId(f.asset, 1n);
      const hash = await f.payment.termsHash(tradeId);
      const payTx = f.payment.connect(f.buyer).pay(tradeId, hash, { value: fee });
      await expect(payTx).to.changeEtherBalances([f.buyer, f.router, f.payment], [-fee, fee, 0n]);
      await expect(payTx)
        .to.emit(f.payment, "MessageSent")
        .withArgs(
          await decisionId(f, KIND.CONFIRM, tradeId),
          f.selector,
          await f.asset.getAddress(),
          KIND.CONFIRM,
          tradeId,
          fee,
        );
    });

    it("should refuse a quote for a chain without a peer", async function () {
      const f = await loadFixture(settlementFixture);
      await expect(f.asset.quoteFee(999n, KIND.LOCK))
        .to.be.revertedWithCustomError(f.asset, "DestinationChainNotAllowed")
        .withArgs(999n);
    });
  });

  describe("lock", function () {
    it("should pre-validate the release: an unverified buyer is refused before anything moves", async function () {
      const f = await loadFixture(settlementFixture);
      await expect(f.asset.connect(f.seller).lock(await termsOf(f, { buyer: f.carol.address })))
        .to.be.revertedWithCustomError(f.asset, "ReleaseRestricted")
        .withArgs(RESTRICTION.RECIPIENT_NOT_VERIFIED);
      expect(await f.fund.contracts.token.balanceOf(f.seller.address)).to.equal(SELLER_TOKENS);
    });

    it("should refuse a payment chain without a peer", async function () {
      const f = await loadFixture(settlementFixture);
      await expect(f.asset.connect(f.seller).lock(await termsOf(f, { paymentChainSelector: 999n })))
        .to.be.revertedWithCustomError(f.asset, "DestinationChainNotAllowed")
        .withArgs(999n);
    });

    it("should refuse zero wallets, a trade with oneself, a zero amount and a zero or oversized price", async function () {
      const f = await loadFixture(settlementFixture);
      const s = f.asset.connect(f.seller);
      for (const field of ["buyer", "payer", "payee"]) {
        await expect(s.lock(await termsOf(f, { [field]: ZeroAddress })))
          .to.be.revertedWithCustomError(f.asset, "InvalidAddress")
          .withArgs(ZeroAddress);
      }
      await expect(s.lock(await termsOf(f, { buyer: f.seller.address })))
        .to.be.revertedWithCustomError(f.asset, "SelfTrade")
        .withArgs(f.seller.address);
      for (const amount of [0n, 2n ** 128n]) {
        await expect(s.lock(await termsOf(f, { amount })))
          .to.be.revertedWithCustomError(f.asset, "InvalidAmount")
          .withArgs(amount);
      }
      for (const price of [0n, 2n ** 96n]) {
        await expect(s.lock(await termsOf(f, { price })))
          .to.be.revertedWithCustomError(f.asset, "InvalidPrice")
          .withArgs(price);
      }
    });

    it("should refuse a payment deadline not in the future or beyond 30 days", async function () {
      const f = await loadFixture(settlementFixture);
      const s = f.asset.connect(f.seller);
      let now = await nextTimestamp();
      await expect(s.lock(await termsOf(f, { paymentDeadline: now })))
        .to.be.revertedWithCustomError(f.asset, "InvalidDeadline")
        .withArgs(now, now + 30 * DAY);
      now = await nextTimestamp();
      await expect(s.lock(await termsOf(f, { paymentDeadline: now + 30 * DAY + 1 })))
        .to.be.revertedWithCustomError(f.asset, "InvalidDeadline")
        .withArgs(now + 30 * DAY + 1, now + 30 * DAY);
    });

    it("should apply the token's sender rules to the seller (a frozen seller cannot lock)", async function () {
      const f = await loadFixture(settlementFixture);
      await f.fund.as("transferAgent").on(f.fund.contracts.token).setAddressFrozen(f.seller.address, true);
      await expect(f.asset.connect(f.seller).lock(await termsOf(f)))
        .to.be.revertedWithCustomError(f.fund.contracts.token, "WalletFrozen")
        .withArgs(f.seller.address);
    });
  });

  describe("lock: sanctions screening (regression: issue 16 finding 7, the cross-chain lock did not screen the seller)", function () {
    /** The fixture with the compliance's sanctions rule switched off by the issuer. */
    async function sanctionsRuleOff() {
      const f = await loadFixture(settlementFixture);
      const { compliance } = f.fund.contracts;
      await f.fund
        .as("issuer")
        .now(compliance)
        .setRules((await compliance.rules()) & ~BigInt(RULES.SANCTIONS));
      return f;
    }

    /** Expects the lock to be refused with WalletSanctioned(wallet) and nothing to have moved. */
    async function expectRefused(f: F, t: Terms, wallet: string) {
      await expect(f.asset.connect(f.seller).lock(t))
        .to.be.revertedWithCustomError(f.asset, "WalletSanctioned")
        .withArgs(wallet);
      expect(await f.fund.contracts.token.balanceOf(f.seller.address)).to.equal(SELLER_TOKENS);
      expect(await f.asset.tradeCount()).to.equal(0n);
    }

    it("issue 16 finding 7: should refuse a seller on the compliance's sanctions list even with the sanctions rule off", async function () {
      const f = await sanctionsRuleOff();
      const { compliance } = f.fund.contracts;
      await f.fund.as("complianceOfficer").on(compliance).setSanctioned([f.seller.address], true);
      // The token itself would let the seller's tokens move: only the escrow's screening stops the lock.
      expect(
        await f.fund.contracts.token.detectTransferRestriction(
          f.seller.address,
          await f.asset.getAddress(),
          AMOUNT,
        ),
      ).to.equal(0n);
      await expectRefused(f, await termsOf(f), f.seller.address);
      await f.fund.as("complianceOfficer").on(compliance).setSanctioned([f.seller.address], false);
      await expect(f.asset.connect(f.seller).lock(await termsOf(f))).to.emit(f.asset, "TradeLocked");
    });

    it("issue 16 finding 7: should refuse a seller flagged by the sanctions oracle", async function () {
      const f = await sanctionsRuleOff();
      const oracle = (await hre.ethers.deployContract("MockSanctionsList")) as unknown as MockSanctionsList;
      await f.fund
        .as("issuer")
        .now(f.fund.contracts.compliance)
        .setSanctionsOracle(await oracle.getAddress());
      await oracle.setSanctioned(f.seller.address, true);
      await expectRefused(f, await termsOf(f), f.seller.address);
    });

    it("should refuse a payee (the seller's wallet paid on the payment chain) on the sanctions list", async function () {
      const f = await sanctionsRuleOff();
      const payee = f.outsider.address;
      await f.fund.as("complianceOfficer").on(f.fund.contracts.compliance).setSanctioned([payee], true);
      await expectRefused(f, await termsOf(f, { payee }), payee);
    });

    it("should screen the buyer by the token's rules only, as DvPSettlement does: refused under the sanctions rule, not without it", async function () {
      const f = await loadFixture(settlementFixture);
      const { compliance } = f.fund.contracts;
      await f.fund.as("complianceOfficer").on(compliance).setSanctioned([f.buyer.address], true);
      await expect(f.asset.connect(f.seller).lock(await termsOf(f)))
        .to.be.revertedWithCustomError(f.asset, "ReleaseRestricted")
        .withArgs(RESTRICTION.RECIPIENT_SANCTIONED);
      await f.fund
        .as("issuer")
        .now(compliance)
        .setRules((await compliance.rules()) & ~BigInt(RULES.SANCTIONS));
      await expect(f.asset.connect(f.seller).lock(await termsOf(f))).to.emit(f.asset, "TradeLocked");
    });
  });

  describe("pay", function () {
    it("should refuse a caller who is not the payer, a second payment and an unknown trade", async function () {
      const f = await locked();
      await expect(f.payment.connect(f.seller).pay(f.tradeId, f.hash))
        .to.be.revertedWithCustomError(f.payment, "CallerNotPayer")
        .withArgs(f.tradeId, f.seller.address);
      await f.payment.connect(f.buyer).pay(f.tradeId, f.hash);
      await expect(f.payment.connect(f.buyer).pay(f.tradeId, f.hash))
        .to.be.revertedWithCustomError(f.payment, "InvalidStatus")
        .withArgs(f.tradeId, PAYMENT_STATUS.Paid);
      const unknown = await crossChainTradeId(f.asset, 99n);
      await expect(f.payment.connect(f.buyer).pay(unknown, f.hash))
        .to.be.revertedWithCustomError(f.payment, "UnknownTrade")
        .withArgs(unknown);
    });

    it("should accept a payment at the deadline itself", async function () {
      const f = await locked();
      await time.setNextBlockTimestamp(f.t.paymentDeadline);
      await expect(f.payment.connect(f.buyer).pay(f.tradeId, f.hash)).to.emit(f.asset, "TradeReleased");
    });
  });

  describe("pay: the terms the payer confirms (regression: issue 16 finding 3, the payment did not commit to who receives the tokens, or how many)", function () {
    /** Every term, each changed to another plausible value. */
    async function eachTermChanged(f: F & { terms: TradeTerms }): Promise<[keyof TradeTerms, TradeTerms][]> {
      const { terms } = f;
      const other: { [K in keyof TradeTerms]: TradeTerms[K] } = {
        tradeId: await crossChainTradeId(f.asset, 2n),
        assetChainSelector: terms.assetChainSelector + 1n,
        assetEscrow: await f.dvp.getAddress(),
        paymentChainSelector: terms.paymentChainSelector + 1n,
        paymentEscrow: await f.asset.getAddress(),
        paymentToken: await f.fund.contracts.token.getAddress(),
        seller: f.carol.address,
        buyer: f.carol.address,
        shares: terms.shares - 1n,
        amount: terms.amount + 1n,
        payer: f.carol.address,
        payee: f.carol.address,
        price: terms.price - 1n,
        paymentDeadline: terms.paymentDeadline + 1n,
      };
      return TRADE_TERMS_FIELDS.map((k) => [k, { ...terms, [k]: other[k] }]);
    }

    it("should refuse a hash that differs from the trade's in any one term (TermsMismatch with both hashes), changing nothing", async function () {
      const f = await locked();
      const changed = await eachTermChanged(f);
      expect(changed.map(([k]) => k)).to.deep.equal([
        "tradeId",
        "assetChainSelector",
        "assetEscrow",
        "paymentChainSelector",
        "paymentEscrow",
        "paymentToken",
        "seller",
        "buyer",
        "shares",
        "amount",
        "payer",
        "payee",
        "price",
        "paymentDeadline",
      ]);
      for (const [field, terms] of changed) {
        const wrong = hashTradeTerms(terms);
        expect(wrong, field).to.not.equal(f.hash);
        await expect(f.payment.connect(f.buyer).pay(f.tradeId, wrong), field)
          .to.be.revertedWithCustomError(f.payment, "TermsMismatch")
          .withArgs(f.tradeId, f.hash, wrong);
      }
      await expect(f.payment.connect(f.buyer).pay(f.tradeId, ZeroHash))
        .to.be.revertedWithCustomError(f.payment, "TermsMismatch")
        .withArgs(f.tradeId, f.hash, ZeroHash);
      expect((await f.payment.payment(f.tradeId)).status).to.equal(PAYMENT_STATUS.AwaitingPayment);
      expect(await f.usdc.balanceOf(f.buyer.address)).to.equal(BUYER_USDC);
      expect((await f.asset.trade(f.tradeId)).status).to.equal(ASSET_STATUS.Locked);
      await expect(f.payment.connect(f.buyer).pay(f.tradeId, f.hash))
        .to.emit(f.payment, "PaymentFunded")
        .withArgs(f.tradeId, f.buyer.address, PRICE, f.hash);
    });

    it("should refuse the hash of another trade with the very same terms (no replay across trades)", async function () {
      const f = await loadFixture(settlementFixture);
      const t = await termsOf(f);
      const first = await lock(f, t);
      const second = await lock(f, t);
      expect(second.hash).to.not.equal(first.hash);
      await expect(f.payment.connect(f.buyer).pay(second.tradeId, first.hash))
        .to.be.revertedWithCustomError(f.payment, "TermsMismatch")
        .withArgs(second.tradeId, second.hash, first.hash);
      await f.payment.connect(f.buyer).pay(first.tradeId, first.hash);
      await expect(f.payment.connect(f.buyer).pay(second.tradeId, first.hash))
        .to.be.revertedWithCustomError(f.payment, "TermsMismatch")
        .withArgs(second.tradeId, second.hash, first.hash);
      await expect(f.payment.connect(f.buyer).pay(second.tradeId, second.hash))
        .to.emit(f.asset, "TradeReleased")
        .withArgs(second.tradeId, f.buyer.address, AMOUNT, AMOUNT);
    });

    it("should give the payer's wallet the terms to show (shares and amount apart once the index moved) and the hash an independent EIP-712 encoder gives", async function () {
      const f = await loadFixture(settlementFixture);
      await accrueYield(f.fund, "1.0004");
      const shares = await sharesFor(f.fund, f.seller.address, AMOUNT);
      expect(shares).to.be.lessThan(AMOUNT);
      const { tradeId, hash } = await lock(f, await termsOf(f));
      const onChain = tradeTermsOf(await f.payment.tradeTerms(tradeId));
      expect([onChain.shares, onChain.amount]).to.deep.equal([shares, AMOUNT]);
      const agreed = { buyer: f.buyer.address, amount: AMOUNT, payee: f.seller.address, price: PRICE };
      expect(confirmTradeTerms(onChain, agreed)).to.equal(hash);
      expect(await f.payment.termsHash(tradeId)).to.equal(hash);
      await expect(f.payment.connect(f.buyer).pay(tradeId, confirmTradeTerms(onChain, agreed)))
        .to.emit(f.asset, "TradeReleased")
        .withArgs(tradeId, f.buyer.address, shares, await amountOf(f.fund, shares));
    });

    it("should refuse the views for an unknown trade", async function () {
      const f = await loadFixture(settlementFixture);
      const unknown = await crossChainTradeId(f.asset, 7n);
      await expect(f.payment.tradeTerms(unknown))
        .to.be.revertedWithCustomError(f.payment, "UnknownTrade")
        .withArgs(unknown);
      await expect(f.payment.termsHash(unknown))
        .to.be.revertedWithCustomError(f.payment, "UnknownTrade")
        .withArgs(unknown);
    });

    it("issue 16 finding 3: should refuse the 1-wei attack end to end (1 wei locked for the seller's own second wallet, the victim named payer)", async function () {
      const f = await loadFixture(settlementFixture);
      const { asset, payment, fund, usdc, seller } = f;
      const victim = f.buyer;
      const secondWallet = f.carol;
      await registerInvestor(fund, secondWallet.address, { identity: seller.address });
      expect(await fund.contracts.registry.identity(secondWallet.address)).to.equal(
        await fund.contracts.registry.identity(seller.address),
      );
      // Agreed off-chain: AMOUNT tokens to the victim's wallet for PRICE. Locked: 1 wei to the seller's second wallet.
      const t = await termsOf(f, { buyer: secondWallet.address, amount: 1n, payer: victim.address });
      const { tradeId, terms, hash } = await lock(f, t);
      // The payment chain carries, stores and emits what was really locked, so the payer's wallet can show it.
      const onChain = tradeTermsOf(await payment.tradeTerms(tradeId));
      expect([onChain.buyer, onChain.shares, onChain.amount, onChain.seller]).to.deep.equal([
        secondWallet.address,
        1n,
        1n,
        seller.address,
      ]);
      expect(onChain).to.deep.equal(terms);
      const agreed = {
        buyer: victim.address,
        amount: AMOUNT,
        shares: AMOUNT,
        payee: seller.address,
        price: PRICE,
      };
      expect(() => confirmTradeTerms(onChain, agreed)).to.throw(/in buyer .*shares .*amount /);
      // A payment for the agreed terms is refused and moves nothing.
      const agreedHash = hashTradeTerms({ ...onChain, ...agreed });
      await expect(payment.connect(victim).pay(tradeId, agreedHash))
        .to.be.revertedWithCustomError(payment, "TermsMismatch")
        .withArgs(tradeId, hash, agreedHash);
      expect(await usdc.balanceOf(victim.address)).to.equal(BUYER_USDC);
      expect(await usdc.balanceOf(seller.address)).to.equal(0n);
      expect((await payment.payment(tradeId)).status).to.equal(PAYMENT_STATUS.AwaitingPayment);
      // After the deadline the trade is cancelled and the seller gets its 1 wei back; the victim paid nothing.
      await time.increaseTo(t.paymentDeadline + 1);
      await expect(payment.connect(f.outsider).cancel(tradeId))
        .to.emit(payment, "PaymentCancelled")
        .withArgs(tradeId, victim.address, 0n)
        .and.to.emit(asset, "TradeRefunded")
        .withArgs(tradeId, seller.address, 1n, 1n);
      expect(await usdc.balanceOf(victim.address)).to.equal(BUYER_USDC);
      expect(await fund.contracts.token.balanceOf(secondWallet.address)).to.equal(0n);
      expect(await fund.contracts.token.balanceOf(seller.address)).to.equal(SELLER_TOKENS);
    });
  });

  describe("when the buyer does not pay before the deadline (expired payment)", function () {
    it("should refuse the late payment, and a cancellation before the deadline", async function () {
      const f = await locked();
      await expect(f.payment.cancel(f.tradeId))
        .to.be.revertedWithCustomError(f.payment, "PaymentDeadlineNotPassed")
        .withArgs(f.tradeId, f.t.paymentDeadline);
      await time.increaseTo(f.t.paymentDeadline + 1);
      await expect(f.payment.connect(f.buyer).pay(f.tradeId, f.hash))
        .to.be.revertedWithCustomError(f.payment, "PaymentDeadlinePassed")
        .withArgs(f.tradeId, f.t.paymentDeadline);
    });

    it("should let anyone cancel: CANCEL returns the tokens to the seller on the asset chain", async function () {
      const f = await locked();
      const { asset, payment, seller, buyer, selector, fund, tradeId } = f;
      await time.increaseTo(f.t.paymentDeadline + 1);
      const cancelId = await decisionId(f, KIND.CANCEL, tradeId);
      const tx = payment.connect(f.outsider).cancel(tradeId);
      await expect(tx)
        .to.emit(payment, "PaymentCancelled")
        .withArgs(tradeId, buyer.address, 0n)
        .and.to.emit(payment, "MessageSent")
        .withArgs(cancelId, selector, await asset.getAddress(), KIND.CANCEL, tradeId, 0n);
      await expect(tx)
        .to.emit(asset, "TradeCancelled")
        .withArgs(tradeId, cancelId)
        .and.to.emit(asset, "TradeRefunded")
        .withArgs(tradeId, seller.address, AMOUNT, AMOUNT);
      expect(await fund.contracts.token.balanceOf(seller.address)).to.equal(SELLER_TOKENS);
      expect((await asset.trade(tradeId)).status).to.equal(ASSET_STATUS.Refunded);
      expect((await payment.payment(tradeId)).status).to.equal(PAYMENT_STATUS.Cancelled);
      await expect(payment.cancel(tradeId))
        .to.be.revertedWithCustomError(payment, "InvalidStatus")
        .withArgs(tradeId, PAYMENT_STATUS.Cancelled);
      await expect(asset.refundExpired(tradeId))
        .to.be.revertedWithCustomError(asset, "InvalidStatus")
        .withArgs(tradeId, ASSET_STATUS.Refunded);
    });
  });

  describe("when the payment to the seller fails (the stablecoin refuses it)", function () {
    it("should keep the buyer's stablecoin in escrow, then after the deadline return both legs", async function () {
      const f = await withBlockingStablecoin();
      const { asset, payment, coin, seller, buyer, fund, selector } = f;
      const t = await termsOf(f);
      const { tradeId, hash } = await lock(f, t);
      await coin.connect(f.deployer).setBlocked(seller.address, true);
      const payTx = payment.connect(buyer).pay(tradeId, hash);
      await expect(payTx)
        .to.emit(payment, "PaymentFunded")
        .withArgs(tradeId, buyer.address, PRICE, hash)
        .and.to.emit(payment, "PaymentFailed")
        .withArgs(tradeId, seller.address, PRICE);
      await expect(payTx).to.not.emit(payment, "MessageSent");
      await expect(payTx).to.changeTokenBalances(coin, [buyer, payment], [-PRICE, PRICE]);
      expect((await payment.payment(tradeId)).status).to.equal(PAYMENT_STATUS.Funded);
      expect((await asset.trade(tradeId)).status).to.equal(ASSET_STATUS.Locked);
      await expect(payment.executePayment(tradeId))
        .to.be.revertedWithCustomError(payment, "PaymentTransferFailed")
        .withArgs(tradeId, seller.address, PRICE);
      await expect(payment.cancel(tradeId))
        .to.be.revertedWithCustomError(payment, "PaymentDeadlineNotPassed")
        .withArgs(tradeId, t.paymentDeadline);

      await time.increaseTo(t.paymentDeadline + 1);
      await expect(payment.executePayment(tradeId))
        .to.be.revertedWithCustomError(payment, "PaymentDeadlinePassed")
        .withArgs(tradeId, t.paymentDeadline);
      const cancelId = mockMessageId(
        await asset.getAddress(),
        encodeDecision(KIND.CANCEL, tradeId),
        GAS_LIMIT,
      );
      const cancelTx = payment.connect(f.outsider).cancel(tradeId);
      await expect(cancelTx)
        .to.emit(payment, "PaymentCancelled")
        .withArgs(tradeId, buyer.address, PRICE)
        .and.to.emit(payment, "MessageSent")
        .withArgs(cancelId, selector, await asset.getAddress(), KIND.CANCEL, tradeId, 0n);
      await expect(cancelTx)
        .to.emit(asset, "TradeRefunded")
        .withArgs(tradeId, seller.address, AMOUNT, AMOUNT);
      await expect(cancelTx).to.changeTokenBalances(coin, [payment, buyer], [-PRICE, PRICE]);
      expect(await coin.balanceOf(buyer.address)).to.equal(BUYER_USDC);
      expect(await fund.contracts.token.balanceOf(seller.address)).to.equal(SELLER_TOKENS);
    });

    it("should let anyone retry the payment once the stablecoin accepts it, releasing the tokens", async function () {
      const f = await withBlockingStablecoin();
      const { tradeId, hash } = await lock(f, await termsOf(f));
      await f.coin.connect(f.deployer).setBlocked(f.seller.address, true);
      await f.payment.connect(f.buyer).pay(tradeId, hash);
      await f.coin.connect(f.deployer).setBlocked(f.seller.address, false);
      const tx = f.payment.connect(f.outsider).executePayment(tradeId);
      await expect(tx).to.emit(f.payment, "PaymentExecuted").withArgs(tradeId, f.seller.address, PRICE);
      await expect(tx).to.emit(f.asset, "TradeReleased").withArgs(tradeId, f.buyer.address, AMOUNT, AMOUNT);
      await expect(tx).to.changeTokenBalances(f.coin, [f.payment, f.seller], [-PRICE, PRICE]);
      await expect(f.payment.executePayment(tradeId))
        .to.be.revertedWithCustomError(f.payment, "InvalidStatus")
        .withArgs(tradeId, PAYMENT_STATUS.Paid);
    });

    it("should return the whole native value when the payment fails", async function () {
      const f = await withBlockingStablecoin();
      const { tradeId, hash } = await lock(f, await termsOf(f));
      await f.router.setFee(1000n);
      await f.coin.connect(f.deployer).setBlocked(f.seller.address, true);
      await expect(f.payment.connect(f.buyer).pay(tradeId, hash, { value: 5000n })).to.changeEtherBalances(
        [f.buyer, f.payment, f.router],
        [0n, 0n, 0n],
      );
    });
  });

  describe("when no decision arrives (timeout on the asset chain)", function () {
    it("should refund the seller from the payment deadline plus the grace, and ignore later decisions", async function () {
      const f = await locked();
      const { asset, payment, seller, tradeId } = f;
      const refundableAt = f.t.paymentDeadline + GRACE;
      await time.increaseTo(refundableAt - 2);
      await expect(asset.refundExpired(tradeId))
        .to.be.revertedWithCustomError(asset, "TradeNotExpired")
        .withArgs(tradeId, refundableAt);
      const tx = asset.connect(f.outsider).refundExpired(tradeId);
      await expect(tx).to.emit(asset, "TradeTimedOut").withArgs(tradeId);
      await expect(tx).to.emit(asset, "TradeRefunded").withArgs(tradeId, seller.address, AMOUNT, AMOUNT);

      // The payment chain's cancellation arrives afterwards: recorded, ignored.
      const cancelId = await decisionId(f, KIND.CANCEL, tradeId);
      await expect(payment.cancel(tradeId))
        .to.emit(asset, "DecisionIgnored")
        .withArgs(tradeId, cancelId, KIND.CANCEL, ASSET_STATUS.Refunded);
      // A confirmation arriving this late (CCIP delivering after the grace) is ignored too and moves nothing.
      const router = await routerSigner(f.router);
      const lateId = "0x" + "77".repeat(32);
      await expect(
        asset
          .connect(router)
          .ccipReceive(
            any2EvmMessage(
              lateId,
              f.selector,
              await payment.getAddress(),
              encodeDecision(KIND.CONFIRM, tradeId),
            ),
          ),
      )
        .to.emit(asset, "DecisionIgnored")
        .withArgs(tradeId, lateId, KIND.CONFIRM, ASSET_STATUS.Refunded);
      expect(await f.fund.contracts.token.balanceOf(seller.address)).to.equal(SELLER_TOKENS);
      expect(await f.fund.contracts.token.balanceOf(f.buyer.address)).to.equal(0n);
    });

    it("should refuse a timeout refund of a released trade", async function () {
      const f = await locked();
      await f.payment.connect(f.buyer).pay(f.tradeId, f.hash);
      await time.increaseTo(f.t.paymentDeadline + GRACE);
      await expect(f.asset.refundExpired(f.tradeId))
        .to.be.revertedWithCustomError(f.asset, "InvalidStatus")
        .withArgs(f.tradeId, ASSET_STATUS.Released);
    });
  });

  describe("when the token refuses the release at confirmation (the buyer's KYC expired meanwhile)", function () {
    it("should record the confirmation, keep the tokens for the buyer (never refund the paid seller) and release once KYC is renewed", async function () {
      const f = await loadFixture(settlementFixture);
      const { asset, payment, fund, seller, usdc } = f;
      const buyer = f.carol;
      await registerInvestor(fund, buyer.address, { kycExpiry: (await time.latest()) + DAY });
      const t = await termsOf(f, { buyer: buyer.address, payer: f.buyer.address });
      const { tradeId, hash } = await lock(f, t);
      await time.increase(DAY);
      const confirmId = await decisionId(f, KIND.CONFIRM, tradeId);
      const reason = fund.contracts.token.interface.encodeErrorResult("RecipientNotVerified", [
        buyer.address,
      ]);
      const tx = payment.connect(f.buyer).pay(tradeId, hash);
      await expect(tx).to.emit(asset, "PaymentConfirmed").withArgs(tradeId, confirmId);
      await expect(tx).to.emit(asset, "TransferFailed").withArgs(tradeId, buyer.address, reason);
      await expect(tx).to.not.emit(asset, "TradeReleased");
      await expect(tx).to.changeTokenBalances(usdc, [f.buyer, seller], [-PRICE, PRICE]);
      expect((await asset.trade(tradeId)).status).to.equal(ASSET_STATUS.ReleasePending);

      await expect(asset.complete(tradeId))
        .to.be.revertedWithCustomError(fund.contracts.token, "RecipientNotVerified")
        .withArgs(buyer.address);
      await time.increaseTo(t.paymentDeadline + GRACE);
      await expect(asset.refundExpired(tradeId))
        .to.be.revertedWithCustomError(asset, "InvalidStatus")
        .withArgs(tradeId, ASSET_STATUS.ReleasePending);

      await fund
        .as("complianceOfficer")
        .on(fund.contracts.registry)
        .updateInvestor(
          buyer.address,
          [buyer.address],
          COUNTRY.US,
          CLASS.accredited,
          (await time.latest()) + YEAR,
        );
      await expect(asset.connect(f.outsider).complete(tradeId))
        .to.emit(asset, "TradeReleased")
        .withArgs(tradeId, buyer.address, AMOUNT, AMOUNT);
      expect(await fund.contracts.token.balanceOf(buyer.address)).to.equal(AMOUNT);
      await expect(asset.complete(tradeId))
        .to.be.revertedWithCustomError(asset, "InvalidStatus")
        .withArgs(tradeId, ASSET_STATUS.Released);
    });
  });

  describe("when the token refuses the refund at cancellation (the seller's KYC expired meanwhile)", function () {
    it("should record the cancellation and refund the seller once KYC is renewed", async function () {
      const f = await loadFixture(settlementFixture);
      const { asset, payment, fund } = f;
      const seller = f.carol;
      await registerInvestor(fund, seller.address, { kycExpiry: (await time.latest()) + DAY });
      await mint(fund, seller.address, AMOUNT);
      await fund.contracts.token.connect(seller).approve(await asset.getAddress(), AMOUNT);
      const t = await termsOf(f, { payee: seller.address });
      const { tradeId } = await lock(f, t, seller);
      await time.increaseTo(t.paymentDeadline + 1);
      const reason = fund.contracts.token.interface.encodeErrorResult("RecipientNotVerified", [
        seller.address,
      ]);
      const tx = payment.cancel(tradeId);
      await expect(tx).to.emit(asset, "TradeCancelled");
      await expect(tx).to.emit(asset, "TransferFailed").withArgs(tradeId, seller.address, reason);
      expect((await asset.trade(tradeId)).status).to.equal(ASSET_STATUS.RefundPending);
      await fund
        .as("complianceOfficer")
        .on(fund.contracts.registry)
        .updateInvestor(
          seller.address,
          [seller.address],
          COUNTRY.US,
          CLASS.accredited,
          (await time.latest()) + YEAR,
        );
      await expect(asset.complete(tradeId))
        .to.emit(asset, "TradeRefunded")
        .withArgs(tradeId, seller.address, AMOUNT, AMOUNT);
      expect(await fund.contracts.token.balanceOf(seller.address)).to.equal(AMOUNT);
    });

    it("should refuse to complete a trade with nothing pending", async function () {
      const f = await locked();
      await expect(f.asset.complete(f.tradeId))
        .to.be.revertedWithCustomError(f.asset, "InvalidStatus")
        .withArgs(f.tradeId, ASSET_STATUS.Locked);
    });
  });

  describe("yield earned while locked", function () {
    it("should go to the buyer with the locked shares on release", async function () {
      const f = await locked();
      await accrueYield(f.fund, "1.0004");
      const delivered = await amountOf(f.fund, AMOUNT);
      expect(delivered).to.be.greaterThan(AMOUNT);
      await expect(f.payment.connect(f.buyer).pay(f.tradeId, f.hash))
        .to.emit(f.asset, "TradeReleased")
        .withArgs(f.tradeId, f.buyer.address, AMOUNT, delivered);
      expect(await f.fund.contracts.token.balanceOf(f.buyer.address)).to.equal(delivered);
    });

    it("should go back to the seller with the locked shares on cancellation", async function () {
      const f = await locked();
      await accrueYield(f.fund, "1.0004");
      await time.increaseTo(f.t.paymentDeadline + 1);
      const returned = await amountOf(f.fund, AMOUNT);
      expect(returned).to.be.greaterThan(AMOUNT);
      await expect(f.payment.cancel(f.tradeId))
        .to.emit(f.asset, "TradeRefunded")
        .withArgs(f.tradeId, f.seller.address, AMOUNT, returned);
      expect(await f.fund.contracts.token.sharesOf(f.seller.address)).to.equal(SELLER_TOKENS);
    });
  });
});
