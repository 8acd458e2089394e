import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { parseUnits, ZeroAddress, type Interface } from "ethers";
import config from "../../deploy/config/hardhat";
import { FUND_MANAGER_ROLES, ROLE_IDS, type RoleName } from "../../lib/deploy/roles";
import { CLASS } from "../helpers/fund";
import { managerFixture, USDC, TOKENS, FLOW, ISSUER_DELAY } from "./fixtures";

const usd = (value: string) => parseUnits(value, 18);

describe("FundManager", function () {
  describe("deployment (deploy/scripts/06_fund_manager.ts)", function () {
    it("should wire every restricted function to its role", async function () {
      const { fm, fund } = await loadFixture(managerFixture);
      for (const [role, names] of Object.entries(FUND_MANAGER_ROLES) as [RoleName, string[]][]) {
        for (const name of names) {
          const selector = (fm.interface as Interface).getFunction(name)!.selector;
          expect(await fund.contracts.manager.getTargetFunctionRole(fm, selector), name).to.equal(
            ROLE_IDS[role],
          );
        }
      }
    });

    it("should give the manager the MINTER role and register it as an account of the fund", async function () {
      const { fm, fund } = await loadFixture(managerFixture);
      expect(await fund.contracts.manager.hasRole(ROLE_IDS.MINTER, fm)).to.deep.equal([true, 0n]);
      expect(await fund.contracts.registry.isVerified(fm)).to.equal(true);
      expect(await fund.contracts.registry.investorClasses(fm)).to.equal(CLASS.protocol);
    });

    it("should apply the config's parameters", async function () {
      const { fm, fund, custodian, feeWallet } = await loadFixture(managerFixture);
      const c = config.fundManager;
      const p = await fm.parameters();
      expect(p.token).to.equal(await fund.contracts.token.getAddress());
      expect(await fm.token()).to.equal(await fund.contracts.token.getAddress());
      expect(await fm.extension()).to.equal((await hre.deployments.get("FundManagerAdmin")).address);
      expect([p.custodian, p.feeRecipient]).to.deep.equal([custodian, feeWallet]);
      expect([p.subscriptionFeeBps, p.redemptionFeeBps]).to.deep.equal([
        BigInt(c.subscriptionFeeBps),
        BigInt(c.redemptionFeeBps),
      ]);
      expect([p.minFirstInvestment, p.minTopUp, p.maxPerInvestor]).to.deep.equal([
        usd(c.minFirstInvestment),
        usd(c.minTopUp),
        usd(c.maxPerInvestor),
      ]);
      expect([
        p.subscriptionLimitPerInvestor,
        p.subscriptionLimitGlobal,
        p.redemptionLimitPerInvestor,
        p.redemptionLimitGlobal,
      ]).to.deep.equal([
        usd(c.dailyLimits.perInvestor.subscription),
        usd(c.dailyLimits.global.subscription),
        usd(c.dailyLimits.perInvestor.redemption),
        usd(c.dailyLimits.global.redemption),
      ]);
      expect([p.instantRedemption, p.subscriptionsPaused, p.redemptionsPaused]).to.deep.equal([
        c.instantRedemption,
        false,
        false,
      ]);
      expect(p.navCarryRateBps).to.equal(c.navCarryRateBps);
    });

    it("should accept the configured stablecoins with their decimals and buffer target", async function () {
      const { fm, usdc } = await loadFixture(managerFixture);
      expect(await fm.stablecoins()).to.deep.equal([await usdc.getAddress()]);
      expect(await fm.stablecoinInfo(usdc)).to.deep.equal([
        1n,
        6n,
        true,
        USDC(config.fundManager.liquidityBufferTarget),
        0n,
      ]);
    });

    it("should start with an empty queue", async function () {
      const { fm } = await loadFixture(managerFixture);
      expect(await fm.queue()).to.deep.equal([1n, 1n, 0n, 0n, 0n, 0n]);
    });

    it("should send nothing when the scripts run again", async function () {
      await loadFixture(managerFixture);
      const before = await hre.ethers.provider.getBlockNumber();
      await hre.deployments.run(["fund"], { resetMemory: false, writeDeploymentsToFiles: false });
      expect(await hre.ethers.provider.getBlockNumber()).to.equal(before);
    });
  });

  describe("initialize", function () {
    async function deploy(
      params: Partial<Record<"authority" | "token" | "custodian" | "feeRecipient", string>>,
    ) {
      const { fund, custodian, feeWallet } = await loadFixture(managerFixture);
      const factory = await hre.ethers.getContractFactory("FundManager");
      const extension = (await hre.deployments.get("FundManagerAdmin")).address;
      return hre.upgrades.deployProxy(
        factory,
        [
          {
            authority: await fund.contracts.manager.getAddress(),
            token: await fund.contracts.token.getAddress(),
            custodian,
            feeRecipient: feeWallet,
            ...params,
          },
        ],
        { kind: "uups", constructorArgs: [extension] },
      );
    }

    it("should revert with InvalidInitialization when called again", async function () {
      const { fm, fund, custodian, feeWallet } = await loadFixture(managerFixture);
      const proxy = await hre.ethers.getContractAt("FundManager", await fm.getAddress());
      await expect(
        proxy.initialize({
          authority: await fund.contracts.manager.getAddress(),
          token: await fund.contracts.token.getAddress(),
          custodian,
          feeRecipient: feeWallet,
        }),
      ).to.be.revertedWithCustomError(proxy, "InvalidInitialization");
    });

    it("should revert with ZeroAuthority for a zero authority", async function () {
      const { fm } = await loadFixture(managerFixture);
      await expect(deploy({ authority: ZeroAddress })).to.be.revertedWithCustomError(fm, "ZeroAuthority");
    });

    it("should revert with InvalidToken for a token without code", async function () {
      const { fm, alice } = await loadFixture(managerFixture);
      await expect(deploy({ token: alice.address }))
        .to.be.revertedWithCustomError(fm, "InvalidToken")
        .withArgs(alice.address);
    });

    it("should revert with InvalidCustodian and InvalidFeeRecipient for zero addresses", async function () {
      const { fm } = await loadFixture(managerFixture);
      await expect(deploy({ custodian: ZeroAddress }))
        .to.be.revertedWithCustomError(fm, "InvalidCustodian")
        .withArgs(ZeroAddress);
      await expect(deploy({ feeRecipient: ZeroAddress }))
        .to.be.revertedWithCustomError(fm, "InvalidFeeRecipient")
        .withArgs(ZeroAddress);
    });

    it("should refuse an extension without code", async function () {
      const { fm, alice } = await loadFixture(managerFixture);
      await expect(hre.ethers.deployContract("FundManager", [alice.address]))
        .to.be.revertedWithCustomError(fm, "InvalidExtension")
        .withArgs(alice.address);
    });
  });

  describe("upgradeToAndCall", function () {
    it("should let the issuer upgrade, keeping the state", async function () {
      const { fm, fund } = await loadFixture(managerFixture);
      const before = await fm.parameters();
      const implementation = await hre.ethers.deployContract("FundManager", [await fm.extension()]);
      await fund
        .as("issuer")
        .now(fm)
        .upgradeToAndCall(await implementation.getAddress(), "0x");
      expect(await hre.upgrades.erc1967.getImplementationAddress(await fm.getAddress())).to.equal(
        await implementation.getAddress(),
      );
      expect(await fm.parameters()).to.deep.equal(before);
    });

    it("should revert with AccessManagedUnauthorized for anyone else", async function () {
      const { fm, alice } = await loadFixture(managerFixture);
      const implementation = await hre.ethers.deployContract("FundManager", [await fm.extension()]);
      await expect(fm.connect(alice).upgradeToAndCall(implementation, "0x"))
        .to.be.revertedWithCustomError(fm, "AccessManagedUnauthorized")
        .withArgs(alice.address);
    });
  });

  describe("addStablecoin", function () {
    it("should accept a new stablecoin with its decimals and buffer target", async function () {
      const { fm, fund, alice } = await loadFixture(managerFixture);
      const coin = await hre.ethers.deployContract("MockStablecoin", ["Dai", "DAI", 18, alice.address]);
      const result = await fund
        .as("issuer")
        .now(fm)
        .addStablecoin(await coin.getAddress(), TOKENS("5"));
      await expect(result.response)
        .to.emit(fm, "StablecoinAdded")
        .withArgs(await coin.getAddress(), 2, 18)
        .and.to.emit(fm, "LiquidityBufferTargetChanged")
        .withArgs(await coin.getAddress(), 0, TOKENS("5"));
      expect(await fm.stablecoinInfo(coin)).to.deep.equal([2n, 18n, true, TOKENS("5"), 0n]);
      expect((await fm.stablecoins()).length).to.equal(2);
    });

    it("should revert with InvalidStablecoin for an address without code, the fund token, or more than 18 decimals", async function () {
      const { fm, fund, alice } = await loadFixture(managerFixture);
      const wide = await hre.ethers.deployContract("MockStablecoin", ["Wide", "WIDE", 19, alice.address]);
      for (const bad of [alice.address, await fund.contracts.token.getAddress(), await wide.getAddress()]) {
        await expect(fund.as("issuer").now(fm).addStablecoin(bad, 0))
          .to.be.revertedWithCustomError(fm, "InvalidStablecoin")
          .withArgs(bad);
      }
    });

    it("should revert with StablecoinAlreadyEnabled for an accepted stablecoin", async function () {
      const { fm, fund, usdc } = await loadFixture(managerFixture);
      await expect(
        fund
          .as("issuer")
          .now(fm)
          .addStablecoin(await usdc.getAddress(), 0),
      )
        .to.be.revertedWithCustomError(fm, "StablecoinAlreadyEnabled")
        .withArgs(await usdc.getAddress());
    });

    it("should revert with AccessManagedUnauthorized for a caller without the ISSUER role", async function () {
      const { fm, alice, usdc } = await loadFixture(managerFixture);
      await expect(fm.connect(alice).addStablecoin(usdc, 0))
        .to.be.revertedWithCustomError(fm, "AccessManagedUnauthorized")
        .withArgs(alice.address);
    });
  });

  describe("removeStablecoin", function () {
    it("should stop accepting the stablecoin and give it back its id when added again", async function () {
      const { fm, fund, usdc, alice } = await loadFixture(managerFixture);
      const result = await fund
        .as("issuer")
        .now(fm)
        .removeStablecoin(await usdc.getAddress());
      await expect(result.response)
        .to.emit(fm, "StablecoinRemoved")
        .withArgs(await usdc.getAddress());
      await expect(fm.connect(alice).subscribe(usdc, USDC("1000"), 0))
        .to.be.revertedWithCustomError(fm, "StablecoinNotEnabled")
        .withArgs(await usdc.getAddress());
      await fund
        .as("issuer")
        .now(fm)
        .addStablecoin(await usdc.getAddress(), USDC("7"));
      expect(await fm.stablecoinInfo(usdc)).to.deep.equal([1n, 6n, true, USDC("7"), 0n]);
      expect(await fm.stablecoins()).to.deep.equal([await usdc.getAddress()]);
    });

    it("should revert with StablecoinNotEnabled for a stablecoin that is not accepted", async function () {
      const { fm, fund, alice } = await loadFixture(managerFixture);
      await expect(fund.as("issuer").now(fm).removeStablecoin(alice.address))
        .to.be.revertedWithCustomError(fm, "StablecoinNotEnabled")
        .withArgs(alice.address);
    });
  });

  describe("setLiquidityBufferTarget", function () {
    it("should emit LiquidityBufferTargetChanged with the old and new targets", async function () {
      const { fm, fund, usdc } = await loadFixture(managerFixture);
      const old = USDC(config.fundManager.liquidityBufferTarget);
      await expect(
        (
          await fund
            .as("issuer")
            .now(fm)
            .setLiquidityBufferTarget(await usdc.getAddress(), USDC("5"))
        ).response,
      )
        .to.emit(fm, "LiquidityBufferTargetChanged")
        .withArgs(await usdc.getAddress(), old, USDC("5"));
    });

    it("should revert with StablecoinNotEnabled for a stablecoin that is not accepted", async function () {
      const { fm, fund, alice } = await loadFixture(managerFixture);
      await expect(fund.as("issuer").now(fm).setLiquidityBufferTarget(alice.address, 1))
        .to.be.revertedWithCustomError(fm, "StablecoinNotEnabled")
        .withArgs(alice.address);
    });
  });

  describe("setFees", function () {
    it("should emit FeesChanged with the old and new fees, up to the cap", async function () {
      const { fm, fund } = await loadFixture(managerFixture);
      const c = config.fundManager;
      await expect((await fund.as("issuer").now(fm).setFees(100, 100)).response)
        .to.emit(fm, "FeesChanged")
        .withArgs(c.subscriptionFeeBps, 100, c.redemptionFeeBps, 100);
      const p = await fm.parameters();
      expect([p.subscriptionFeeBps, p.redemptionFeeBps]).to.deep.equal([100n, 100n]);
    });

    for (const [sub, red] of [
      [101, 0],
      [0, 101],
    ]) {
      it(`should revert with FeeTooHigh for ${sub} / ${red} bps`, async function () {
        const { fm, fund } = await loadFixture(managerFixture);
        await expect(fund.as("issuer").now(fm).setFees(sub, red))
          .to.be.revertedWithCustomError(fm, "FeeTooHigh")
          .withArgs(101, 100);
      });
    }

    it("should be cancellable by the guardian while it waits for the issuer's delay", async function () {
      const { fm, fund } = await loadFixture(managerFixture);
      const scheduled = await fund.as("issuer").on(fm).setFees(50, 50);
      expect(scheduled.status).to.equal("scheduled");
      await fund.as("guardian").cancelOn(fund.as("issuer"), fm).setFees(50, 50);
      expect((await fm.parameters()).subscriptionFeeBps).to.equal(config.fundManager.subscriptionFeeBps);
    });
  });

  describe("setInvestmentLimits", function () {
    it("should emit InvestmentLimitsChanged with the old and new values", async function () {
      const { fm, fund } = await loadFixture(managerFixture);
      const c = config.fundManager;
      await expect(
        (await fund.as("issuer").now(fm).setInvestmentLimits(TOKENS("10"), TOKENS("1"), TOKENS("10")))
          .response,
      )
        .to.emit(fm, "InvestmentLimitsChanged")
        .withArgs(
          usd(c.minFirstInvestment),
          TOKENS("10"),
          usd(c.minTopUp),
          TOKENS("1"),
          usd(c.maxPerInvestor),
          TOKENS("10"),
        );
    });

    for (const [minFirst, minTopUp, max] of [
      [TOKENS("10"), TOKENS("1"), 0n],
      [TOKENS("10"), TOKENS("1"), TOKENS("10") - 1n],
    ]) {
      it(`should revert with InvalidInvestmentLimits for a maximum of ${max}`, async function () {
        const { fm, fund } = await loadFixture(managerFixture);
        await expect(fund.as("issuer").now(fm).setInvestmentLimits(minFirst, minTopUp, max))
          .to.be.revertedWithCustomError(fm, "InvalidInvestmentLimits")
          .withArgs(minFirst, minTopUp, max);
      });
    }
  });

  describe("setDailyLimits", function () {
    for (const [flow, key] of [
      [FLOW.Subscription, "subscription"],
      [FLOW.Redemption, "redemption"],
    ] as const) {
      it(`should emit DailyLimitsChanged with the old and new ${key} limits`, async function () {
        const { fm, fund } = await loadFixture(managerFixture);
        const { perInvestor, global } = config.fundManager.dailyLimits;
        await expect(
          (await fund.as("issuer").now(fm).setDailyLimits(flow, TOKENS("2"), TOKENS("3"))).response,
        )
          .to.emit(fm, "DailyLimitsChanged")
          .withArgs(flow, usd(perInvestor[key]), TOKENS("2"), usd(global[key]), TOKENS("3"));
      });
    }

    for (const [perInvestor, global] of [
      [0n, TOKENS("1")],
      [TOKENS("2"), TOKENS("2") - 1n],
    ]) {
      it(`should revert with InvalidDailyLimits for ${perInvestor} per investor and ${global} global`, async function () {
        const { fm, fund } = await loadFixture(managerFixture);
        await expect(fund.as("issuer").now(fm).setDailyLimits(FLOW.Subscription, perInvestor, global))
          .to.be.revertedWithCustomError(fm, "InvalidDailyLimits")
          .withArgs(perInvestor, global);
      });
    }
  });

  describe("setCustodian, setFeeRecipient, setInstantRedemption", function () {
    it("should emit the change events with the old and new values", async function () {
      const { fm, fund, custodian, feeWallet, alice, bob } = await loadFixture(managerFixture);
      await expect((await fund.as("issuer").now(fm).setCustodian(alice.address)).response)
        .to.emit(fm, "CustodianChanged")
        .withArgs(custodian, alice.address);
      await expect((await fund.as("issuer").now(fm).setFeeRecipient(bob.address)).response)
        .to.emit(fm, "FeeRecipientChanged")
        .withArgs(feeWallet, bob.address);
      await expect((await fund.as("issuer").now(fm).setInstantRedemption(false)).response)
        .to.emit(fm, "InstantRedemptionChanged")
        .withArgs(true, false);
    });

    it("should revert with InvalidCustodian or InvalidFeeRecipient for the zero address or the manager", async function () {
      const { fm, fund } = await loadFixture(managerFixture);
      for (const bad of [ZeroAddress, await fm.getAddress()]) {
        await expect(fund.as("issuer").now(fm).setCustodian(bad))
          .to.be.revertedWithCustomError(fm, "InvalidCustodian")
          .withArgs(bad);
        await expect(fund.as("issuer").now(fm).setFeeRecipient(bad))
          .to.be.revertedWithCustomError(fm, "InvalidFeeRecipient")
          .withArgs(bad);
      }
    });
  });

  describe("pauses", function () {
    it("should let the guardian pause each flow at once and the issuer unpause it after its delay", async function () {
      const { fm, fund } = await loadFixture(managerFixture);
      const paused = await fund.as("guardian").on(fm).pauseSubscriptions();
      expect(paused.status).to.equal("executed");
      await expect(paused.response).to.emit(fm, "PauseChanged").withArgs(FLOW.Subscription, false, true);
      expect((await fm.parameters()).subscriptionsPaused).to.equal(true);
      expect((await fm.parameters()).redemptionsPaused).to.equal(false);
      // Pausing again changes nothing and emits nothing.
      await expect((await fund.as("guardian").on(fm).pauseSubscriptions()).response).not.to.emit(
        fm,
        "PauseChanged",
      );
      const scheduled = await fund.as("issuer").on(fm).unpauseSubscriptions();
      expect(scheduled.status).to.equal("scheduled");
      expect((await fm.parameters()).subscriptionsPaused).to.equal(true);
      await time.increase(ISSUER_DELAY);
      const unpaused = await fund.as("issuer").executeOn(fm).unpauseSubscriptions();
      await expect(unpaused.response).to.emit(fm, "PauseChanged").withArgs(FLOW.Subscription, true, false);
    });

    it("should pause redemptions separately", async function () {
      const { fm, fund } = await loadFixture(managerFixture);
      await expect((await fund.as("guardian").on(fm).pauseRedemptions()).response)
        .to.emit(fm, "PauseChanged")
        .withArgs(FLOW.Redemption, false, true);
      await expect((await fund.as("issuer").now(fm).unpauseRedemptions()).response)
        .to.emit(fm, "PauseChanged")
        .withArgs(FLOW.Redemption, true, false);
    });

    for (const fn of [
      "pauseSubscriptions",
      "pauseRedemptions",
      "unpauseSubscriptions",
      "unpauseRedemptions",
    ] as const) {
      it(`should revert ${fn} with AccessManagedUnauthorized for anyone else`, async function () {
        const { fm, alice } = await loadFixture(managerFixture);
        await expect(
          alice.sendTransaction({
            to: await fm.getAddress(),
            data: (fm.interface as Interface).getFunction(fn)!.selector,
          }),
        )
          .to.be.revertedWithCustomError(fm, "AccessManagedUnauthorized")
          .withArgs(alice.address);
      });
    }
  });

  describe("withdrawToCustodian", function () {
    async function bufferFixture() {
      const f = await loadFixture(managerFixture);
      await f.fm.connect(f.alice).subscribe(f.usdc, USDC("5000"), 0);
      return f;
    }

    it("should send free liquidity to the custodian", async function () {
      const { fm, fund, usdc, custodian } = await loadFixture(bufferFixture);
      const result = await fund
        .as("transferAgent")
        .on(fm)
        .withdrawToCustodian(await usdc.getAddress(), USDC("5000"));
      await expect(result.response)
        .to.emit(fm, "LiquidityWithdrawn")
        .withArgs(await usdc.getAddress(), custodian, USDC("5000"));
      expect(await usdc.balanceOf(custodian)).to.equal(USDC("5000"));
    });

    it("should revert with InsufficientLiquidity above the free balance", async function () {
      const { fm, fund, usdc, alice } = await loadFixture(bufferFixture);
      await fund.as("issuer").now(fm).setInstantRedemption(false);
      await fm.connect(alice).requestRedemption(TOKENS("1000"), usdc, 0);
      await expect(
        fund
          .as("transferAgent")
          .on(fm)
          .withdrawToCustodian(await usdc.getAddress(), USDC("4000") + 1n),
      )
        .to.be.revertedWithCustomError(fm, "InsufficientLiquidity")
        .withArgs(await usdc.getAddress(), USDC("4000"), USDC("4000") + 1n);
    });

    it("should revert with InvalidStablecoin or InvalidAmount for bad arguments", async function () {
      const { fm, fund, usdc, alice } = await loadFixture(bufferFixture);
      await expect(fund.as("transferAgent").on(fm).withdrawToCustodian(alice.address, 1))
        .to.be.revertedWithCustomError(fm, "InvalidStablecoin")
        .withArgs(alice.address);
      await expect(
        fund
          .as("transferAgent")
          .on(fm)
          .withdrawToCustodian(await usdc.getAddress(), 0),
      )
        .to.be.revertedWithCustomError(fm, "InvalidAmount")
        .withArgs(0);
    });

    it("should revert with AccessManagedUnauthorized for a caller without the TRANSFER_AGENT role", async function () {
      const { fm, usdc, alice } = await loadFixture(bufferFixture);
      await expect(fm.connect(alice).withdrawToCustodian(usdc, 1))
        .to.be.revertedWithCustomError(fm, "AccessManagedUnauthorized")
        .withArgs(alice.address);
    });
  });
});
