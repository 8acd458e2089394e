import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, ZeroAddress, dataSlice, id, type Interface } from "ethers";
import { CLASS } from "../helpers/fund";
import {
  CCIP_ASSET_ESCROW_ROLES,
  CCIP_PAYMENT_ESCROW_ROLES,
  ROLE_IDS,
  type RoleName,
} from "../../lib/deploy/roles";
import {
  settlementFixture,
  crossChainTradeId,
  encodeDecision,
  encodeLock,
  encodeSender,
  type LockMessage,
  mockMessageId,
  any2EvmMessage,
  routerSigner,
  DAY,
  ONE,
  USDC,
  ASSET_STATUS,
  KIND,
} from "./fixtures";

const coder = AbiCoder.defaultAbiCoder();
const AMOUNT = 50n * ONE;
const PRICE = USDC("50");
const OTHER_CHAIN = 4_949_039_107_694_359_620n;
/** type(IAny2EVMMessageReceiver).interfaceId: the selector of its only function. */
const ANY2EVM_RECEIVER_ID = dataSlice(
  id("ccipReceive((bytes32,uint64,bytes,bytes,(address,uint256)[]))"),
  0,
  4,
);

/** A trade locked by the fixture's seller, payable within `days`, and the router as a signer (`via`). */
async function lockedTrade(days = 2) {
  const f = await loadFixture(settlementFixture);
  const deadline = (await time.latest()) + days * DAY;
  const terms = {
    buyer: f.buyer.address,
    amount: AMOUNT,
    paymentChainSelector: f.selector,
    payer: f.buyer.address,
    payee: f.seller.address,
    price: PRICE,
    paymentDeadline: deadline,
  };
  await f.asset.connect(f.seller).lock(terms);
  const tradeId = await crossChainTradeId(f.asset, 1n);
  const via = await routerSigner(f.router);
  const paymentAddress = await f.payment.getAddress();
  const assetAddress = await f.asset.getAddress();
  const lock: LockMessage = { ...terms, tradeId, seller: f.seller.address, shares: AMOUNT };
  const lockData = encodeLock(lock);
  const hash = await f.payment.termsHash(tradeId);
  return { ...f, tradeId, deadline, via, paymentAddress, assetAddress, lock, lockData, hash };
}

/** A fresh message id for hand-made deliveries. */
const msgId = (n: number) => "0x" + n.toString(16).padStart(64, "0");

describe("CCIP endpoints of the settlement (allow-list, replay protection, configuration)", function () {
  describe("ccipReceive", function () {
    describe("when the caller is not the CCIP router", function () {
      it("should refuse with CCIPReceiver's InvalidRouter on both escrows", async function () {
        const f = await lockedTrade();
        const m = any2EvmMessage(
          msgId(1),
          f.selector,
          f.paymentAddress,
          encodeDecision(KIND.CONFIRM, f.tradeId),
        );
        for (const escrow of [f.asset, f.payment]) {
          await expect(escrow.connect(f.outsider).ccipReceive(m))
            .to.be.revertedWithCustomError(escrow, "InvalidRouter")
            .withArgs(f.outsider.address);
        }
      });
    });

    describe("when the message is forged", function () {
      it("should refuse a source chain that is not allow-listed", async function () {
        const f = await lockedTrade();
        const m = any2EvmMessage(
          msgId(1),
          OTHER_CHAIN,
          f.paymentAddress,
          encodeDecision(KIND.CONFIRM, f.tradeId),
        );
        await expect(f.asset.connect(f.via).ccipReceive(m))
          .to.be.revertedWithCustomError(f.asset, "SourceChainNotAllowed")
          .withArgs(OTHER_CHAIN);
        const lock = any2EvmMessage(msgId(2), OTHER_CHAIN, f.assetAddress, f.lockData);
        await expect(f.payment.connect(f.via).ccipReceive(lock))
          .to.be.revertedWithCustomError(f.payment, "SourceChainNotAllowed")
          .withArgs(OTHER_CHAIN);
      });

      it("should refuse a sender that is not the chain's peer", async function () {
        const f = await lockedTrade();
        const m = any2EvmMessage(
          msgId(1),
          f.selector,
          f.outsider.address,
          encodeDecision(KIND.CONFIRM, f.tradeId),
        );
        await expect(f.asset.connect(f.via).ccipReceive(m))
          .to.be.revertedWithCustomError(f.asset, "SenderNotAllowed")
          .withArgs(f.selector, encodeSender(f.outsider.address));
        // The asset escrow is the payment escrow's peer, not its own.
        const self = any2EvmMessage(
          msgId(2),
          f.selector,
          f.assetAddress,
          encodeDecision(KIND.CONFIRM, f.tradeId),
        );
        await expect(f.asset.connect(f.via).ccipReceive(self))
          .to.be.revertedWithCustomError(f.asset, "SenderNotAllowed")
          .withArgs(f.selector, encodeSender(f.assetAddress));
      });

      it("should refuse a sender encoded with dirty high bytes", async function () {
        const f = await lockedTrade();
        const dirty = "0x" + "ff".repeat(12) + f.paymentAddress.slice(2).toLowerCase();
        const m = {
          ...any2EvmMessage(msgId(1), f.selector, ZeroAddress, encodeDecision(KIND.CONFIRM, f.tradeId)),
          sender: dirty,
        };
        await expect(f.asset.connect(f.via).ccipReceive(m))
          .to.be.revertedWithCustomError(f.asset, "SenderNotAllowed")
          .withArgs(f.selector, dirty);
      });

      it("should refuse a message anyone sends through the router (the sender is the attacker)", async function () {
        const f = await lockedTrade();
        const forged = {
          receiver: encodeSender(f.assetAddress),
          data: encodeDecision(KIND.CONFIRM, f.tradeId),
          tokenAmounts: [],
          feeToken: ZeroAddress,
          extraArgs: "0x",
        };
        const inner = f.asset.interface.encodeErrorResult("SenderNotAllowed", [
          f.selector,
          encodeSender(f.outsider.address),
        ]);
        await expect(f.router.connect(f.outsider).ccipSend(f.selector, forged))
          .to.be.revertedWithCustomError(f.router, "ReceiverError")
          .withArgs(inner);
        expect((await f.asset.trade(f.tradeId)).status).to.equal(ASSET_STATUS.Locked);
      });
    });

    describe("when a message is delivered twice", function () {
      it("should process each message id at most once on both escrows", async function () {
        const f = await lockedTrade();
        const lockId = mockMessageId(f.paymentAddress, f.lockData, 500_000n);
        await expect(
          f.payment
            .connect(f.via)
            .ccipReceive(any2EvmMessage(lockId, f.selector, f.assetAddress, f.lockData)),
        )
          .to.be.revertedWithCustomError(f.payment, "MessageAlreadyProcessed")
          .withArgs(lockId);
        await f.payment.connect(f.buyer).pay(f.tradeId, f.hash);
        const confirmData = encodeDecision(KIND.CONFIRM, f.tradeId);
        const confirmId = mockMessageId(f.assetAddress, confirmData, 500_000n);
        expect(await f.asset.isProcessed(confirmId)).to.equal(true);
        await expect(
          f.asset
            .connect(f.via)
            .ccipReceive(any2EvmMessage(confirmId, f.selector, f.paymentAddress, confirmData)),
        )
          .to.be.revertedWithCustomError(f.asset, "MessageAlreadyProcessed")
          .withArgs(confirmId);
      });

      it("should ignore a second decision under a new id once the trade is decided", async function () {
        const f = await lockedTrade();
        await f.payment.connect(f.buyer).pay(f.tradeId, f.hash);
        const cancel = any2EvmMessage(
          msgId(9),
          f.selector,
          f.paymentAddress,
          encodeDecision(KIND.CANCEL, f.tradeId),
        );
        await expect(f.asset.connect(f.via).ccipReceive(cancel))
          .to.emit(f.asset, "DecisionIgnored")
          .withArgs(f.tradeId, msgId(9), KIND.CANCEL, ASSET_STATUS.Released);
        expect(await f.fund.contracts.token.balanceOf(f.buyer.address)).to.equal(AMOUNT);
      });

      it("issue 16 finding 8 (docs sweep): should ignore a CANCEL while a confirmed release is pending (a confirmed payment never turns into a refund)", async function () {
        const f = await lockedTrade();
        const token = f.fund.contracts.token;
        await f.fund.as("transferAgent").on(token).setAddressFrozen(f.buyer.address, true);
        const confirm = any2EvmMessage(
          msgId(7),
          f.selector,
          f.paymentAddress,
          encodeDecision(KIND.CONFIRM, f.tradeId),
        );
        await expect(f.asset.connect(f.via).ccipReceive(confirm))
          .to.emit(f.asset, "TransferFailed")
          .withArgs(
            f.tradeId,
            f.buyer.address,
            token.interface.encodeErrorResult("WalletFrozen", [f.buyer.address]),
          );
        const cancel = any2EvmMessage(
          msgId(8),
          f.selector,
          f.paymentAddress,
          encodeDecision(KIND.CANCEL, f.tradeId),
        );
        await expect(f.asset.connect(f.via).ccipReceive(cancel))
          .to.emit(f.asset, "DecisionIgnored")
          .withArgs(f.tradeId, msgId(8), KIND.CANCEL, ASSET_STATUS.ReleasePending);
        await expect(f.asset.refundExpired(f.tradeId))
          .to.be.revertedWithCustomError(f.asset, "InvalidStatus")
          .withArgs(f.tradeId, ASSET_STATUS.ReleasePending);
        await f.fund.as("transferAgent").on(token).setAddressFrozen(f.buyer.address, false);
        await expect(f.asset.complete(f.tradeId))
          .to.emit(f.asset, "TradeReleased")
          .withArgs(f.tradeId, f.buyer.address, AMOUNT, AMOUNT);
      });

      it("issue 16 finding 8 (docs sweep): should ignore a CONFIRM while a cancelled refund is pending (a cancellation never turns into a release)", async function () {
        const f = await lockedTrade();
        const token = f.fund.contracts.token;
        await f.fund.as("transferAgent").on(token).setAddressFrozen(f.seller.address, true);
        const cancel = any2EvmMessage(
          msgId(7),
          f.selector,
          f.paymentAddress,
          encodeDecision(KIND.CANCEL, f.tradeId),
        );
        await expect(f.asset.connect(f.via).ccipReceive(cancel))
          .to.emit(f.asset, "TransferFailed")
          .withArgs(
            f.tradeId,
            f.seller.address,
            token.interface.encodeErrorResult("WalletFrozen", [f.seller.address]),
          );
        const confirm = any2EvmMessage(
          msgId(8),
          f.selector,
          f.paymentAddress,
          encodeDecision(KIND.CONFIRM, f.tradeId),
        );
        await expect(f.asset.connect(f.via).ccipReceive(confirm))
          .to.emit(f.asset, "DecisionIgnored")
          .withArgs(f.tradeId, msgId(8), KIND.CONFIRM, ASSET_STATUS.RefundPending);
        await f.fund.as("transferAgent").on(token).setAddressFrozen(f.seller.address, false);
        await expect(f.asset.complete(f.tradeId))
          .to.emit(f.asset, "TradeRefunded")
          .withArgs(f.tradeId, f.seller.address, AMOUNT, AMOUNT);
        expect(await token.balanceOf(f.buyer.address)).to.equal(0n);
      });

      it("should refuse a LOCK for a trade the payment escrow already knows", async function () {
        const f = await lockedTrade();
        await expect(
          f.payment
            .connect(f.via)
            .ccipReceive(any2EvmMessage(msgId(3), f.selector, f.assetAddress, f.lockData)),
        )
          .to.be.revertedWithCustomError(f.payment, "TradeAlreadyKnown")
          .withArgs(f.tradeId);
      });
    });

    describe("when the message is malformed or of the wrong kind", function () {
      it("should name the problem", async function () {
        const f = await lockedTrade();
        const a = f.asset.connect(f.via);
        const deliver = (n: number, data: string) =>
          a.ccipReceive(any2EvmMessage(msgId(n), f.selector, f.paymentAddress, data));
        await expect(deliver(1, coder.encode(["uint8"], [KIND.CONFIRM])))
          .to.be.revertedWithCustomError(f.asset, "MalformedMessage")
          .withArgs(msgId(1));
        await expect(deliver(2, coder.encode(["uint256", "bytes32"], [256, f.tradeId])))
          .to.be.revertedWithCustomError(f.asset, "MalformedMessage")
          .withArgs(msgId(2));
        await expect(deliver(3, encodeDecision(KIND.CONFIRM, f.tradeId) + "00".repeat(32)))
          .to.be.revertedWithCustomError(f.asset, "MalformedMessage")
          .withArgs(msgId(3));
        await expect(deliver(4, encodeDecision(9, f.tradeId)))
          .to.be.revertedWithCustomError(f.asset, "UnexpectedMessageKind")
          .withArgs(msgId(4), 9);
        await expect(deliver(5, f.lockData))
          .to.be.revertedWithCustomError(f.asset, "UnexpectedMessageKind")
          .withArgs(msgId(5), KIND.LOCK);
        const p = f.payment.connect(f.via);
        await expect(
          p.ccipReceive(
            any2EvmMessage(msgId(6), f.selector, f.assetAddress, encodeDecision(KIND.CONFIRM, f.tradeId)),
          ),
        )
          .to.be.revertedWithCustomError(f.payment, "UnexpectedMessageKind")
          .withArgs(msgId(6), KIND.CONFIRM);
        await expect(
          p.ccipReceive(any2EvmMessage(msgId(7), f.selector, f.assetAddress, f.lockData + "00".repeat(32))),
        )
          .to.be.revertedWithCustomError(f.payment, "MalformedMessage")
          .withArgs(msgId(7));
      });

      it("should refuse a LOCK with a zero party, zero or oversized shares or amount, or a zero or oversized price", async function () {
        const f = await lockedTrade();
        const p = f.payment.connect(f.via);
        const other = await crossChainTradeId(f.asset, 2n);
        const bad: Partial<LockMessage>[] = [
          { seller: ZeroAddress },
          { buyer: ZeroAddress },
          { payer: ZeroAddress },
          { payee: ZeroAddress },
          { shares: 0n },
          { shares: 2n ** 128n },
          { amount: 0n },
          { amount: 2n ** 128n },
          { price: 0n },
          { price: 2n ** 96n },
        ];
        for (const [i, change] of bad.entries()) {
          const data = encodeLock({ ...f.lock, tradeId: other, ...change });
          await expect(
            p.ccipReceive(any2EvmMessage(msgId(10 + i), f.selector, f.assetAddress, data)),
            JSON.stringify(change, (_, v) => (typeof v === "bigint" ? v.toString() : v)),
          )
            .to.be.revertedWithCustomError(f.payment, "MalformedMessage")
            .withArgs(msgId(10 + i));
        }
        // The same LOCK with sound values is accepted.
        await expect(
          p.ccipReceive(
            any2EvmMessage(msgId(99), f.selector, f.assetAddress, encodeLock({ ...f.lock, tradeId: other })),
          ),
        ).to.emit(f.payment, "PaymentRequested");
      });

      it("should refuse a decision for an unknown trade", async function () {
        const f = await lockedTrade();
        const unknown = await crossChainTradeId(f.asset, 42n);
        await expect(
          f.asset
            .connect(f.via)
            .ccipReceive(
              any2EvmMessage(msgId(1), f.selector, f.paymentAddress, encodeDecision(KIND.CONFIRM, unknown)),
            ),
        )
          .to.be.revertedWithCustomError(f.asset, "UnknownTrade")
          .withArgs(unknown);
      });

      it("should refuse a decision from another allow-listed chain than the trade's payment chain", async function () {
        const f = await lockedTrade();
        const otherPeer = f.carol.address;
        await f.fund.as("issuer").now(f.asset).setPeer(OTHER_CHAIN, otherPeer);
        await expect(
          f.asset
            .connect(f.via)
            .ccipReceive(
              any2EvmMessage(msgId(1), OTHER_CHAIN, otherPeer, encodeDecision(KIND.CONFIRM, f.tradeId)),
            ),
        )
          .to.be.revertedWithCustomError(f.asset, "TradeOfAnotherChain")
          .withArgs(f.tradeId, OTHER_CHAIN);
      });
    });
  });

  describe("setPeer", function () {
    it("should let the issuer allow and remove a chain's peer, with the old and new peer", async function () {
      const f = await lockedTrade();
      const issuer = f.fund.as("issuer");
      let { response } = await issuer.now(f.asset).setPeer(OTHER_CHAIN, f.carol.address);
      await expect(response)
        .to.emit(f.asset, "PeerChanged")
        .withArgs(OTHER_CHAIN, ZeroAddress, f.carol.address);
      expect(await f.asset.peer(OTHER_CHAIN)).to.equal(f.carol.address);
      ({ response } = await issuer.now(f.asset).setPeer(f.selector, ZeroAddress));
      await expect(response)
        .to.emit(f.asset, "PeerChanged")
        .withArgs(f.selector, f.paymentAddress, ZeroAddress);
      await expect(
        f.asset
          .connect(f.via)
          .ccipReceive(
            any2EvmMessage(msgId(1), f.selector, f.paymentAddress, encodeDecision(KIND.CONFIRM, f.tradeId)),
          ),
      )
        .to.be.revertedWithCustomError(f.asset, "SourceChainNotAllowed")
        .withArgs(f.selector);
    });

    it("should refuse chain selector 0 and anyone without the ISSUER role", async function () {
      const f = await loadFixture(settlementFixture);
      await expect(f.fund.as("issuer").now(f.asset).setPeer(0n, f.carol.address))
        .to.be.revertedWithCustomError(f.asset, "InvalidChainSelector")
        .withArgs(0n);
      for (const escrow of [f.asset, f.payment]) {
        await expect(escrow.connect(f.outsider).setPeer(f.selector, f.outsider.address))
          .to.be.revertedWithCustomError(escrow, "AccessManagedUnauthorized")
          .withArgs(f.outsider.address);
      }
    });
  });

  describe("setGasLimit", function () {
    it("should let the issuer change the destination gas limit used by the next messages", async function () {
      const f = await loadFixture(settlementFixture);
      const { response } = await f.fund.as("issuer").now(f.asset).setGasLimit(700_000);
      await expect(response).to.emit(f.asset, "GasLimitChanged").withArgs(500_000, 700_000);
      const deadline = (await time.latest()) + DAY;
      const terms = {
        buyer: f.buyer.address,
        amount: AMOUNT,
        paymentChainSelector: f.selector,
        payer: f.buyer.address,
        payee: f.seller.address,
        price: PRICE,
        paymentDeadline: deadline,
      };
      const tradeId = await crossChainTradeId(f.asset, 1n);
      const expected = mockMessageId(
        await f.payment.getAddress(),
        encodeLock({ ...terms, tradeId, seller: f.seller.address, shares: AMOUNT }),
        700_000n,
      );
      await expect(f.asset.connect(f.seller).lock(terms))
        .to.emit(f.asset, "MessageSent")
        .withArgs(expected, f.selector, await f.payment.getAddress(), KIND.LOCK, tradeId, 0n);
    });

    it("should refuse a gas limit below 100,000 or above 3,000,000", async function () {
      const f = await loadFixture(settlementFixture);
      for (const limit of [99_999, 3_000_001]) {
        await expect(f.fund.as("issuer").now(f.payment).setGasLimit(limit))
          .to.be.revertedWithCustomError(f.payment, "InvalidGasLimit")
          .withArgs(limit);
      }
    });
  });

  describe("setConfirmationGrace", function () {
    it("should let the issuer change the grace of new trades within 8 hours to 30 days", async function () {
      const f = await loadFixture(settlementFixture);
      const { response } = await f.fund
        .as("issuer")
        .now(f.asset)
        .setConfirmationGrace(3 * DAY);
      await expect(response)
        .to.emit(f.asset, "ConfirmationGraceChanged")
        .withArgs(DAY, 3 * DAY);
      expect(await f.asset.confirmationGrace()).to.equal(3 * DAY);
      for (const grace of [8 * 3600 - 1, 30 * DAY + 1]) {
        await expect(f.fund.as("issuer").now(f.asset).setConfirmationGrace(grace))
          .to.be.revertedWithCustomError(f.asset, "InvalidConfirmationGrace")
          .withArgs(grace);
      }
      await expect(f.asset.connect(f.outsider).setConfirmationGrace(DAY))
        .to.be.revertedWithCustomError(f.asset, "AccessManagedUnauthorized")
        .withArgs(f.outsider.address);
    });
  });

  describe("deployment (deploy/scripts/07_settlement.ts with settlement.ccip.local)", function () {
    it("should make each escrow the other's only peer on the simulator's chain, with the simulator's router", async function () {
      const f = await loadFixture(settlementFixture);
      expect(await f.asset.peer(f.selector)).to.equal(await f.payment.getAddress());
      expect(await f.payment.peer(f.selector)).to.equal(await f.asset.getAddress());
      expect(await f.asset.getRouter()).to.equal(await f.router.getAddress());
      expect(await f.payment.getRouter()).to.equal(await f.router.getAddress());
      expect(await f.asset.gasLimit()).to.equal(500_000n);
      expect(await f.asset.confirmationGrace()).to.equal(DAY);
      expect(await f.payment.paymentToken()).to.equal(await f.usdc.getAddress());
      expect(await f.asset.token()).to.equal(await f.fund.contracts.token.getAddress());
    });

    it("should register the asset escrow as an account of the fund, and not the payment escrow", async function () {
      const f = await loadFixture(settlementFixture);
      const { registry } = f.fund.contracts;
      expect(await registry.investorClasses(await f.asset.getAddress())).to.equal(CLASS.protocol);
      expect(await registry.isVerified(await f.asset.getAddress())).to.equal(true);
      expect(await registry.contains(await f.payment.getAddress())).to.equal(false);
    });

    it("should wire the configuration functions to the ISSUER role", async function () {
      const f = await loadFixture(settlementFixture);
      for (const [escrow, map] of [
        [f.asset, CCIP_ASSET_ESCROW_ROLES],
        [f.payment, CCIP_PAYMENT_ESCROW_ROLES],
      ] as const) {
        for (const [role, names] of Object.entries(map) as [RoleName, string[]][]) {
          for (const name of names) {
            const selector = (escrow.interface as Interface).getFunction(name)!.selector;
            expect(
              await f.fund.contracts.manager.getTargetFunctionRole(await escrow.getAddress(), selector),
            ).to.equal(ROLE_IDS[role]);
          }
        }
      }
    });

    it("should answer ERC-165 for IAny2EVMMessageReceiver, as the CCIP off-ramp requires", async function () {
      const f = await loadFixture(settlementFixture);
      expect(await f.asset.supportsInterface(ANY2EVM_RECEIVER_ID)).to.equal(true);
      expect(await f.payment.supportsInterface(ANY2EVM_RECEIVER_ID)).to.equal(true);
      expect(await f.asset.supportsInterface("0xffffffff")).to.equal(false);
    });
  });

  describe("initialize and upgrade", function () {
    it("should refuse a zero router, a second initialisation and a payment token without code", async function () {
      const f = await loadFixture(settlementFixture);
      await expect(hre.ethers.deployContract("CrossChainAssetEscrow", [ZeroAddress]))
        .to.be.revertedWithCustomError(f.asset, "InvalidRouter")
        .withArgs(ZeroAddress);
      const manager = await f.fund.contracts.manager.getAddress();
      await expect(
        f.asset.initialize(manager, await f.fund.contracts.token.getAddress(), 500_000, DAY),
      ).to.be.revertedWithCustomError(f.asset, "InvalidInitialization");
      const factory = await hre.ethers.getContractFactory("CrossChainPaymentEscrow");
      const opts = {
        kind: "uups" as const,
        constructorArgs: [await f.router.getAddress()],
        unsafeAllow: ["constructor" as const, "state-variable-immutable" as const],
      };
      await expect(hre.upgrades.deployProxy(factory, [manager, f.outsider.address, 500_000], opts))
        .to.be.revertedWithCustomError(f.payment, "InvalidPaymentToken")
        .withArgs(f.outsider.address);
      await expect(hre.upgrades.deployProxy(factory, [manager, await f.usdc.getAddress(), 99_999], opts))
        .to.be.revertedWithCustomError(f.payment, "InvalidGasLimit")
        .withArgs(99_999);
    });

    it("should let the issuer upgrade the asset escrow, keeping its trades and peers", async function () {
      const f = await lockedTrade(5);
      const next = await hre.ethers.deployContract("CrossChainAssetEscrow", [await f.router.getAddress()]);
      await f.fund
        .as("issuer")
        .now(f.asset)
        .upgradeToAndCall(await next.getAddress(), "0x");
      expect(await hre.upgrades.erc1967.getImplementationAddress(f.assetAddress)).to.equal(
        await next.getAddress(),
      );
      expect((await f.asset.trade(f.tradeId)).status).to.equal(ASSET_STATUS.Locked);
      expect(await f.asset.peer(f.selector)).to.equal(f.paymentAddress);
      await expect(f.payment.connect(f.buyer).pay(f.tradeId, f.hash)).to.emit(f.asset, "TradeReleased");
    });
  });
});
