import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress } from "ethers";
import { deployFundFixture, listProtocolAccounts } from "../helpers/fund";
import {
  CLASS,
  investorsFixture,
  issuerCalls,
  registerMany,
  safeDirect,
  tx,
  type InvestorsFixture,
} from "./fixtures";
import { roleStep } from "../../lib/fund";

const issuer = (f: { fund: InvestorsFixture["fund"] }) => f.fund.as("issuer");
const VERSION = "1.0.0";

describe("FundToken: configuration (ISSUER, behind its two-day delay)", function () {
  describe("any setter", function () {
    it("should be refused to the issuer's Safe calling without scheduling", async function () {
      const f = await loadFixture(investorsFixture);
      const data = f.token.interface.encodeFunctionData("setName", ["X"]);
      const operationId = await f.fund.contracts.manager.hashOperation(
        issuer(f).address,
        f.token.target,
        data,
      );
      await expect(safeDirect(f.fund, "issuer", f.token, "setName", ["X"]))
        .to.be.revertedWithCustomError(f.fund.contracts.manager, "AccessManagerNotScheduled")
        .withArgs(operationId);
    });

    it("should be scheduled, not executed, by a call from the issuer", async function () {
      const f = await loadFixture(investorsFixture);
      const result = await issuer(f).on(f.token).setSymbol("NEW");
      expect(result.status).to.equal("scheduled");
      expect(await f.token.symbol()).to.equal("DTMF");
    });
  });

  describe("initialize", function () {
    it("should refuse a second initialisation of the proxy and any of the implementation", async function () {
      const f = await loadFixture(investorsFixture);
      const params = {
        authority: f.outsider.address,
        name: "X",
        symbol: "X",
        onchainID: ZeroAddress,
        identityRegistry: await f.fund.contracts.registry.getAddress(),
        compliance: await f.fund.contracts.compliance.getAddress(),
        navOracle: await f.fund.contracts.navOracle.getAddress(),
        reserveGuard: await f.fund.contracts.reserveGuard.getAddress(),
        feeWallet: ZeroAddress,
        managementFeeBps: 0,
      };
      await expect(f.tokenImpl.connect(f.outsider).initialize(params)).to.be.revertedWithCustomError(
        f.tokenImpl,
        "InvalidInitialization",
      );
      const implementation = await ethers.getContractAt(
        "FundToken",
        await upgrades.erc1967.getImplementationAddress(String(f.token.target)),
      );
      await expect(implementation.connect(f.outsider).initialize(params)).to.be.revertedWithCustomError(
        f.tokenImpl,
        "InvalidInitialization",
      );
    });
  });

  describe("setName, setSymbol, setOnchainID", function () {
    it("should rename and emit UpdatedTokenInformation(name, symbol, 18, version, onchainID)", async function () {
      const f = await loadFixture(investorsFixture);
      await expect(tx(issuer(f).now(f.token).setName("Treasury Fund II")))
        .to.emit(f.token, "UpdatedTokenInformation")
        .withArgs("Treasury Fund II", "DTMF", 18, VERSION, ZeroAddress);
      expect(await f.token.name()).to.equal("Treasury Fund II");
    });

    it("should change the symbol and emit UpdatedTokenInformation", async function () {
      const f = await loadFixture(investorsFixture);
      await expect(tx(issuer(f).now(f.token).setSymbol("TF2")))
        .to.emit(f.token, "UpdatedTokenInformation")
        .withArgs("Demo Treasury Money Fund", "TF2", 18, VERSION, ZeroAddress);
      expect(await f.token.symbol()).to.equal("TF2");
    });

    it("should set the ONCHAINID (and allow clearing it) with UpdatedTokenInformation", async function () {
      const f = await loadFixture(investorsFixture);
      const id = ethers.Wallet.createRandom().address;
      await expect(tx(issuer(f).now(f.token).setOnchainID(id)))
        .to.emit(f.token, "UpdatedTokenInformation")
        .withArgs("Demo Treasury Money Fund", "DTMF", 18, VERSION, id);
      expect(await f.token.onchainID()).to.equal(id);
      await issuer(f).now(f.token).setOnchainID(ZeroAddress);
      expect(await f.token.onchainID()).to.equal(ZeroAddress);
    });

    it("should refuse an empty name or symbol with EmptyTokenInformation", async function () {
      const f = await loadFixture(investorsFixture);
      await expect(issuer(f).now(f.token).setName("")).to.be.revertedWithCustomError(
        f.token,
        "EmptyTokenInformation",
      );
      await expect(issuer(f).now(f.token).setSymbol("")).to.be.revertedWithCustomError(
        f.token,
        "EmptyTokenInformation",
      );
    });
  });

  describe("setIdentityRegistry", function () {
    it("should set the registry and emit IdentityRegistryAdded", async function () {
      const f = await loadFixture(investorsFixture);
      const registry = await f.fund.contracts.registry.getAddress();
      await expect(tx(issuer(f).now(f.token).setIdentityRegistry(registry)))
        .to.emit(f.token, "IdentityRegistryAdded")
        .withArgs(registry);
      expect(await f.token.identityRegistry()).to.equal(registry);
    });

    it("should refuse an address without code with InvalidAddress", async function () {
      const f = await loadFixture(investorsFixture);
      await expect(issuer(f).now(f.token).setIdentityRegistry(f.erin.address))
        .to.be.revertedWithCustomError(f.token, "InvalidAddress")
        .withArgs(f.erin.address);
    });
  });

  describe("setCompliance", function () {
    it("should set a compliance bound to the token before any issuance and emit ComplianceAdded", async function () {
      const { fund } = await loadFixture(deployFundFixture);
      const token = fund.contracts.token;
      expect(await token.totalShares()).to.equal(0n);
      const compliance = await fund.contracts.compliance.getAddress();
      await expect(tx(issuer({ fund }).now(token).setCompliance(compliance)))
        .to.emit(token, "ComplianceAdded")
        .withArgs(compliance);
      expect(await token.compliance()).to.equal(compliance);
    });

    it("should refuse a compliance not bound to the token with InvalidCompliance", async function () {
      const { fund } = await loadFixture(deployFundFixture);
      const token = fund.contracts.token;
      const compliance = fund.contracts.compliance;
      await issuerCalls(fund, [roleStep(compliance, "unbindToken", [await token.getAddress()])]);
      await expect(
        issuer({ fund })
          .now(token)
          .setCompliance(await compliance.getAddress()),
      )
        .to.be.revertedWithCustomError(token, "InvalidCompliance")
        .withArgs(await compliance.getAddress());
    });

    it("should refuse any compliance once supply exists with InvalidCompliance", async function () {
      const f = await loadFixture(investorsFixture);
      const compliance = await f.fund.contracts.compliance.getAddress();
      await expect(issuer(f).now(f.token).setCompliance(compliance))
        .to.be.revertedWithCustomError(f.token, "InvalidCompliance")
        .withArgs(compliance);
    });

    it("should refuse an address without code with InvalidAddress", async function () {
      const { fund } = await loadFixture(deployFundFixture);
      const eoa = ethers.Wallet.createRandom().address;
      await expect(issuer({ fund }).now(fund.contracts.token).setCompliance(eoa))
        .to.be.revertedWithCustomError(fund.contracts.token, "InvalidAddress")
        .withArgs(eoa);
    });
  });

  describe("setNavOracle and setReserveGuard", function () {
    it("should set the NAV oracle and emit NavOracleChanged(old, new)", async function () {
      const f = await loadFixture(investorsFixture);
      const oracle = await f.fund.contracts.navOracle.getAddress();
      expect(await f.token.navOracle()).to.equal(oracle);
      await expect(tx(issuer(f).now(f.token).setNavOracle(oracle)))
        .to.emit(f.token, "NavOracleChanged")
        .withArgs(oracle, oracle);
    });

    it("should set the reserve guard and emit ReserveGuardChanged(old, new)", async function () {
      const f = await loadFixture(investorsFixture);
      const guard = await f.fund.contracts.reserveGuard.getAddress();
      expect(await f.token.reserveGuard()).to.equal(guard);
      await expect(tx(issuer(f).now(f.token).setReserveGuard(guard)))
        .to.emit(f.token, "ReserveGuardChanged")
        .withArgs(guard, guard);
    });

    it("should refuse addresses without code with InvalidAddress", async function () {
      const f = await loadFixture(investorsFixture);
      await expect(issuer(f).now(f.token).setNavOracle(ZeroAddress))
        .to.be.revertedWithCustomError(f.token, "InvalidAddress")
        .withArgs(ZeroAddress);
      await expect(issuer(f).now(f.token).setReserveGuard(f.erin.address))
        .to.be.revertedWithCustomError(f.token, "InvalidAddress")
        .withArgs(f.erin.address);
    });
  });

  describe("setFeeWallet", function () {
    it("should start with the deployed fee wallet (account 9), a PROTOCOL account", async function () {
      const f = await loadFixture(investorsFixture);
      const signers = await ethers.getSigners();
      expect(f.feeWallet).to.equal(signers[9].address);
      const classes = await f.fund.contracts.registry.investorClasses(f.feeWallet);
      expect(classes & BigInt(CLASS.protocol)).to.equal(BigInt(CLASS.protocol));
    });

    it("should set a verified PROTOCOL wallet and emit FeeWalletChanged(old, new)", async function () {
      const f = await loadFixture(investorsFixture);
      const wallet = ethers.Wallet.createRandom().address;
      await listProtocolAccounts(f.fund, [wallet]);
      await registerMany(f.fund, [wallet], { classes: CLASS.protocol });
      await expect(tx(issuer(f).now(f.token).setFeeWallet(wallet)))
        .to.emit(f.token, "FeeWalletChanged")
        .withArgs(f.feeWallet, wallet);
      expect(await f.token.feeWallet()).to.equal(wallet);
    });

    it("should refuse an investor's wallet (not PROTOCOL) with InvalidFeeWallet", async function () {
      const f = await loadFixture(investorsFixture);
      await expect(issuer(f).now(f.token).setFeeWallet(f.dave.address))
        .to.be.revertedWithCustomError(f.token, "InvalidFeeWallet")
        .withArgs(f.dave.address);
    });

    it("should refuse an unregistered, a revoked PROTOCOL and the zero wallet with InvalidFeeWallet", async function () {
      const f = await loadFixture(investorsFixture);
      const revoked = ethers.Wallet.createRandom().address;
      await listProtocolAccounts(f.fund, [revoked]);
      await registerMany(f.fund, [revoked], { classes: CLASS.protocol });
      await f.fund.as("complianceOfficer").on(f.fund.contracts.registry).setRevoked(revoked, [revoked], true);
      for (const wallet of [f.erin.address, revoked, ZeroAddress]) {
        await expect(issuer(f).now(f.token).setFeeWallet(wallet))
          .to.be.revertedWithCustomError(f.token, "InvalidFeeWallet")
          .withArgs(wallet);
      }
    });
  });

  describe("setManagementFeeBps", function () {
    it("should start at the configured 20 bps and accept up to the 200 bps cap", async function () {
      const f = await loadFixture(investorsFixture);
      expect(await f.token.managementFeeBps()).to.equal(20n);
      expect(await f.tokenImpl.MAX_MANAGEMENT_FEE_BPS()).to.equal(200n);
      await expect(tx(issuer(f).now(f.token).setManagementFeeBps(200)))
        .to.emit(f.token, "ManagementFeeChanged")
        .withArgs(20, 200);
      expect(await f.token.managementFeeBps()).to.equal(200n);
    });

    it("should refuse more than 200 bps with ManagementFeeTooHigh(bps, 200)", async function () {
      const f = await loadFixture(investorsFixture);
      await expect(issuer(f).now(f.token).setManagementFeeBps(201))
        .to.be.revertedWithCustomError(f.token, "ManagementFeeTooHigh")
        .withArgs(201, 200);
    });

    it("should accept zero (no fee)", async function () {
      const f = await loadFixture(investorsFixture);
      await issuer(f).now(f.token).setManagementFeeBps(0);
      expect(await f.token.managementFeeBps()).to.equal(0n);
    });
  });
});
