import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, dataSlice, getAddress, type Interface } from "ethers";
import { CLASS } from "../helpers/fund";
import { DVP_SETTLEMENT_ROLES, ROLE_IDS, type RoleName } from "../../lib/deploy/roles";
import { settlementFixture, DAY, ONE, STATUS } from "./fixtures";

/** keccak256(abi.encode(uint256(keccak256("fundsuite.storage.DvPSettlement")) - 1)) & ~bytes32(uint256(0xff)). */
const STORAGE_SLOT = "0x36bd7f377ae6ca4f0c3a069b2d2eb6410d714868ad9b577b3048e48219917300";

describe("DvPSettlement (deployment and configuration)", function () {
  describe("deployment (deploy/scripts/07_settlement.ts)", function () {
    it("should be initialised with the fund token, the configured payment window and the stablecoins", async function () {
      const { dvp, fund, usdc } = await loadFixture(settlementFixture);
      expect(await dvp.token()).to.equal(await fund.contracts.token.getAddress());
      expect(await dvp.offChainPaymentWindow()).to.equal(2 * DAY);
      expect(await dvp.isPaymentToken(await usdc.getAddress())).to.equal(true);
      expect(await dvp.tradeCount()).to.equal(0n);
      expect(await dvp.authority()).to.equal(await fund.contracts.manager.getAddress());
    });

    it("should be a registered, verified account of the fund (PROTOCOL class), not an investor", async function () {
      const { dvp, fund } = await loadFixture(settlementFixture);
      const address = await dvp.getAddress();
      expect(await fund.contracts.registry.isVerified(address)).to.equal(true);
      expect(await fund.contracts.registry.investorClasses(address)).to.equal(CLASS.protocol);
    });

    it("should wire every restricted function to its role in the AccessManager", async function () {
      const { dvp, fund } = await loadFixture(settlementFixture);
      const target = await dvp.getAddress();
      for (const [role, names] of Object.entries(DVP_SETTLEMENT_ROLES) as [RoleName, string[]][]) {
        for (const name of names) {
          const selector = (dvp.interface as Interface).getFunction(name)!.selector;
          expect(await fund.contracts.manager.getTargetFunctionRole(target, selector), name).to.equal(
            ROLE_IDS[role],
          );
        }
      }
      const [agent] = await fund.contracts.manager.hasRole(
        ROLE_IDS.SETTLEMENT_AGENT,
        fund.as("settlementAgent").address,
      );
      expect(agent).to.equal(true);
    });

    it("should keep its state in the ERC-7201 namespace fundsuite.storage.DvPSettlement", async function () {
      const { dvp, fund } = await loadFixture(settlementFixture);
      const word = await hre.ethers.provider.getStorage(await dvp.getAddress(), STORAGE_SLOT);
      // Config { IFundToken token; uint32 offChainPaymentWindow; uint64 tradeCount } packed from the low bytes.
      expect(getAddress(dataSlice(word, 12, 32))).to.equal(await fund.contracts.token.getAddress());
      expect(BigInt(dataSlice(word, 8, 12))).to.equal(BigInt(2 * DAY));
    });
  });

  describe("initialize", function () {
    it("should refuse a second initialisation, and any on the implementation", async function () {
      const { dvp, fund } = await loadFixture(settlementFixture);
      const token = await fund.contracts.token.getAddress();
      const manager = await fund.contracts.manager.getAddress();
      await expect(dvp.initialize(manager, token, DAY)).to.be.revertedWithCustomError(
        dvp,
        "InvalidInitialization",
      );
      const implementation = await hre.upgrades.erc1967.getImplementationAddress(await dvp.getAddress());
      const impl = await hre.ethers.getContractAt("DvPSettlement", implementation);
      await expect(impl.initialize(manager, token, DAY)).to.be.revertedWithCustomError(
        dvp,
        "InvalidInitialization",
      );
    });

    it("should refuse a zero authority, a token without code and a payment window out of bounds", async function () {
      const { dvp, fund } = await loadFixture(settlementFixture);
      const factory = await hre.ethers.getContractFactory("DvPSettlement");
      const token = await fund.contracts.token.getAddress();
      const manager = await fund.contracts.manager.getAddress();
      const deploy = (args: unknown[]) => hre.upgrades.deployProxy(factory, args, { kind: "uups" });
      await expect(deploy([ZeroAddress, token, DAY])).to.be.revertedWithCustomError(dvp, "ZeroAuthority");
      await expect(deploy([manager, ZeroAddress, DAY]))
        .to.be.revertedWithCustomError(dvp, "InvalidAddress")
        .withArgs(ZeroAddress);
      await expect(deploy([manager, token, 3599]))
        .to.be.revertedWithCustomError(dvp, "InvalidPaymentWindow")
        .withArgs(3599);
    });
  });

  describe("setPaymentToken", function () {
    it("should let the issuer accept and later refuse a stablecoin, with the old and new setting", async function () {
      const { dvp, fund, deployer } = await loadFixture(settlementFixture);
      const coin = await hre.ethers.deployContract("MockStablecoin", [
        "Mock EURC",
        "EURC",
        6,
        deployer.address,
      ]);
      const address = await coin.getAddress();
      const issuer = fund.as("issuer");
      let { response } = await issuer.now(dvp).setPaymentToken(address, true);
      await expect(response).to.emit(dvp, "PaymentTokenAllowed").withArgs(address, false, true);
      expect(await dvp.isPaymentToken(address)).to.equal(true);
      ({ response } = await issuer.now(dvp).setPaymentToken(address, false));
      await expect(response).to.emit(dvp, "PaymentTokenAllowed").withArgs(address, true, false);
      expect(await dvp.isPaymentToken(address)).to.equal(false);
    });

    it("should refuse an address without code and the fund token itself", async function () {
      const { dvp, fund, outsider } = await loadFixture(settlementFixture);
      const token = await fund.contracts.token.getAddress();
      await expect(fund.as("issuer").now(dvp).setPaymentToken(outsider.address, true))
        .to.be.revertedWithCustomError(dvp, "InvalidAddress")
        .withArgs(outsider.address);
      await expect(fund.as("issuer").now(dvp).setPaymentToken(token, true))
        .to.be.revertedWithCustomError(dvp, "InvalidAddress")
        .withArgs(token);
    });

    it("should refuse anyone without the ISSUER role, including the settlement agent", async function () {
      const { dvp, usdc, outsider } = await loadFixture(settlementFixture);
      await expect(dvp.connect(outsider).setPaymentToken(await usdc.getAddress(), false))
        .to.be.revertedWithCustomError(dvp, "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });

    it("should leave open trades their stablecoin when it is refused later", async function () {
      const f = await loadFixture(settlementFixture);
      const usdc = await f.usdc.getAddress();
      await f.dvp.connect(f.seller).proposeTrade({
        seller: f.seller.address,
        buyer: f.buyer.address,
        amount: ONE,
        paymentToken: usdc,
        price: 1_000_000n,
        deadline: (await time.latest()) + 5 * DAY,
      });
      await f.fund.as("issuer").now(f.dvp).setPaymentToken(usdc, false);
      await expect(f.dvp.connect(f.buyer).commit(1n)).to.emit(f.dvp, "TradeSettled");
      expect((await f.dvp.trade(1n)).status).to.equal(STATUS.Settled);
    });
  });

  describe("setOffChainPaymentWindow", function () {
    it("should let the issuer change the window of new trades, with the old and new value", async function () {
      const f = await loadFixture(settlementFixture);
      const { response } = await f.fund.as("issuer").now(f.dvp).setOffChainPaymentWindow(DAY);
      await expect(response)
        .to.emit(f.dvp, "OffChainPaymentWindowChanged")
        .withArgs(2 * DAY, DAY);
      const now = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(now);
      await expect(
        f.dvp
          .connect(f.seller)
          .openOffChainTrade({ buyer: f.buyer.address, amount: ONE, price: 100n, currency: "0x555344" }),
      )
        .to.emit(f.dvp, "OffChainTradeOpened")
        .withArgs(1n, f.seller.address, f.buyer.address, ONE, 100n, "0x555344", now + DAY);
    });

    it("should refuse a window below an hour or above 30 days", async function () {
      const f = await loadFixture(settlementFixture);
      for (const window of [3599, 30 * DAY + 1]) {
        await expect(f.fund.as("issuer").now(f.dvp).setOffChainPaymentWindow(window))
          .to.be.revertedWithCustomError(f.dvp, "InvalidPaymentWindow")
          .withArgs(window);
      }
    });
  });

  describe("upgradeToAndCall", function () {
    it("should let the issuer upgrade, keeping the open trades", async function () {
      const f = await loadFixture(settlementFixture);
      await f.dvp
        .connect(f.seller)
        .openOffChainTrade({ buyer: f.buyer.address, amount: ONE, price: 100n, currency: "0x555344" });
      const next = await hre.ethers.deployContract("DvPSettlement");
      await f.fund
        .as("issuer")
        .now(f.dvp)
        .upgradeToAndCall(await next.getAddress(), "0x");
      expect(await hre.upgrades.erc1967.getImplementationAddress(await f.dvp.getAddress())).to.equal(
        await next.getAddress(),
      );
      const t = await f.dvp.trade(1n);
      expect([t.seller, t.status, t.shares]).to.deep.equal([f.seller.address, STATUS.SellerCommitted, ONE]);
    });

    it("should refuse anyone without the ISSUER role", async function () {
      const { dvp, outsider } = await loadFixture(settlementFixture);
      await expect(dvp.connect(outsider).upgradeToAndCall(outsider.address, "0x"))
        .to.be.revertedWithCustomError(dvp, "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });
  });
});
