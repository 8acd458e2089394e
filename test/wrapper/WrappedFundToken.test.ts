import { expect } from "chai";
import hre, { ethers, upgrades } from "hardhat";
import type { Interface } from "ethers";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { registerInvestor, registerProtocolAccount, mint } from "../helpers/fund";
import { UnauthorizedManagedCallError } from "../../lib/governance";
import { RESTRICTION as R } from "../../lib/compliance-rules";
import { ROLE_IDS, WRAPPER_ROLES, type RoleName } from "../../lib/deploy/roles";
import { wrappedTokenInfo } from "../../deploy/scripts/08_wrapper";
import {
  CLASS,
  DAY,
  ONE,
  VIRTUAL_SHARES,
  WHOLE_SHARE,
  assetsToSharesDown,
  ceilDiv,
  nextBusinessDay,
  sharesToAssetsDown,
  wrapperFixture,
  type WrapperFixture,
} from "./fixtures";

/** Bob holds 100,000 wrapped fund tokens and three business days have accrued: index and vault are non-trivial. */
async function accruedFixture(): Promise<WrapperFixture> {
  const f = await loadFixture(wrapperFixture);
  await f.vault.connect(f.bob).deposit(100_000n * ONE, f.bob.address);
  for (let day = 0; day < 3; day++) await nextBusinessDay(f.fund);
  return f;
}

/** Alice and Bob both hold wrapped shares after three business days. */
async function holdersFixture(): Promise<WrapperFixture> {
  const f = await loadFixture(accruedFixture);
  await f.vault.connect(f.alice).deposit(10_000n * ONE, f.alice.address);
  return f;
}

/** The vault's totals and the fund's index, read together. */
async function state(f: WrapperFixture) {
  const { token } = f.fund.contracts;
  const vaultAddress = await f.vault.getAddress();
  return {
    totalAssets: await f.vault.totalAssets(),
    totalSupply: await f.vault.totalSupply(),
    index: await token.index(),
    vaultFundShares: await token.sharesOf(vaultAddress),
  };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to be rejected");
}

describe("WrappedFundToken", function () {
  describe("deployment (deploy/scripts/08_wrapper.ts)", function () {
    it("should wrap the fund token with 24 decimals and the fund's name and symbol", async function () {
      const { fund, vault } = await loadFixture(wrapperFixture);
      const token = fund.contracts.token;
      const info = wrappedTokenInfo({ name: await token.name(), symbol: await token.symbol() });
      expect(await vault.name()).to.equal(info.name);
      expect(await vault.symbol()).to.equal(info.symbol);
      expect(await vault.symbol()).to.equal("wDTMF");
      expect(await vault.decimals()).to.equal(24);
      expect(await vault.DECIMALS_OFFSET()).to.equal(6);
      expect(await vault.asset()).to.equal(await token.getAddress());
      expect(await vault.fundToken()).to.equal(await token.getAddress());
      expect(await vault.authority()).to.equal(await fund.contracts.manager.getAddress());
      expect(await vault.totalAssets()).to.equal(0n);
      expect(await vault.paused()).to.equal(false);
    });

    it("should register the vault as an account of the fund (PROTOCOL class), not as an investor", async function () {
      const { fund, vault } = await loadFixture(wrapperFixture);
      const { registry, compliance } = fund.contracts;
      const vaultAddress = await vault.getAddress();
      expect(await registry.isVerified(vaultAddress)).to.equal(true);
      expect(await registry.investorClasses(vaultAddress)).to.equal(BigInt(CLASS.protocol));
      expect((await compliance.investorState(vaultAddress)).counted).to.equal(false);
    });

    it("should wire every restricted function to its role in the AccessManager", async function () {
      const { fund, vault } = await loadFixture(wrapperFixture);
      const { manager } = fund.contracts;
      const vaultAddress = await vault.getAddress();
      let wired = 0;
      for (const [role, names] of Object.entries(WRAPPER_ROLES) as [RoleName, string[]][]) {
        for (const name of names) {
          const selector = (vault.interface as Interface).getFunction(name)!.selector;
          expect(await manager.getTargetFunctionRole(vaultAddress, selector), name).to.equal(ROLE_IDS[role]);
          wired++;
        }
      }
      expect(wired).to.equal(7);
    });

    it("should leave a re-run of the wrapper script without change", async function () {
      const { vault, feed } = await loadFixture(wrapperFixture);
      await hre.deployments.run(["wrapper"], { resetMemory: false, writeDeploymentsToFiles: false });
      expect((await hre.deployments.get("WrappedFundToken")).address).to.equal(await vault.getAddress());
      expect((await hre.deployments.get("WrappedFundPriceFeed")).address).to.equal(await feed.getAddress());
    });

    it("should refuse a second initialisation", async function () {
      const { vault, outsider } = await loadFixture(wrapperFixture);
      await expect(
        vault.connect(outsider).initialize(outsider.address, "X", "X"),
      ).to.be.revertedWithCustomError(vault, "InvalidInitialization");
    });

    it("should refuse to initialise the implementation itself", async function () {
      const { vault, outsider } = await loadFixture(wrapperFixture);
      const implementation = await upgrades.erc1967.getImplementationAddress(await vault.getAddress());
      const impl = await ethers.getContractAt("WrappedFundToken", implementation);
      await expect(impl.initialize(outsider.address, "X", "X")).to.be.revertedWithCustomError(
        impl,
        "InvalidInitialization",
      );
    });

    it("should refuse an implementation over an address without code", async function () {
      const { outsider } = await loadFixture(wrapperFixture);
      const factory = await ethers.getContractFactory("WrappedFundToken");
      await expect(factory.deploy(outsider.address))
        .to.be.revertedWithCustomError(factory, "InvalidAddress")
        .withArgs(outsider.address);
    });

    it("should refuse an empty name or symbol, and a zero authority", async function () {
      const { fund } = await loadFixture(wrapperFixture);
      const factory = await ethers.getContractFactory("WrappedFundToken");
      const token = await fund.contracts.token.getAddress();
      const authority = await fund.contracts.manager.getAddress();
      const opts = { kind: "uups" as const, constructorArgs: [token] };
      await expect(upgrades.deployProxy(factory, [authority, "", "w"], opts)).to.be.revertedWithCustomError(
        factory,
        "EmptyTokenInformation",
      );
      await expect(upgrades.deployProxy(factory, [authority, "W", ""], opts)).to.be.revertedWithCustomError(
        factory,
        "EmptyTokenInformation",
      );
      await expect(
        upgrades.deployProxy(factory, [ethers.ZeroAddress, "W", "w"], opts),
      ).to.be.revertedWithCustomError(factory, "ZeroAuthority");
    });
  });

  describe("non-rebasing balance", function () {
    it("should keep the wrapped balance constant while its value grows with every accrual", async function () {
      const { fund, vault, bob } = await loadFixture(accruedFixture);
      const balance = await vault.balanceOf(bob.address);
      let value = await vault.convertToAssets(balance);
      let index = await fund.contracts.token.index();
      for (let day = 0; day < 3; day++) {
        await nextBusinessDay(fund);
        expect(await vault.balanceOf(bob.address)).to.equal(balance);
        const newIndex = await fund.contracts.token.index();
        const newValue = await vault.convertToAssets(balance);
        expect(newIndex).to.be.greaterThan(index);
        expect(newValue).to.be.greaterThan(value);
        index = newIndex;
        value = newValue;
      }
    });

    it("should make totalAssets the vault's fund-token balance", async function () {
      const { fund, vault } = await loadFixture(accruedFixture);
      expect(await vault.totalAssets()).to.equal(
        await fund.contracts.token.balanceOf(await vault.getAddress()),
      );
    });
  });

  describe("deposit", function () {
    it("should mint the first depositor 10**6 wrapped shares per token unit", async function () {
      const { vault, alice } = await loadFixture(wrapperFixture);
      const assets = 1234n * ONE;
      await expect(vault.connect(alice).deposit(assets, alice.address))
        .to.emit(vault, "Deposit")
        .withArgs(alice.address, alice.address, assets, assets * VIRTUAL_SHARES);
      expect(await vault.balanceOf(alice.address)).to.equal(assets * VIRTUAL_SHARES);
      expect(await vault.totalAssets()).to.equal(assets);
    });

    it("should mint shares rounded down and receive at least the assets", async function () {
      const f = await loadFixture(accruedFixture);
      const { vault, alice, fund } = f;
      const assets = 777n * ONE + 123_456_789n;
      const before = await state(f);
      const expected = assetsToSharesDown(assets, before.totalAssets, before.totalSupply);
      expect(await vault.previewDeposit(assets)).to.equal(expected);
      const aliceFundShares = await fund.contracts.token.sharesOf(alice.address);
      await expect(vault.connect(alice).deposit(assets, alice.address))
        .to.emit(vault, "Deposit")
        .withArgs(alice.address, alice.address, assets, expected);
      const after = await state(f);
      expect(after.totalAssets - before.totalAssets).to.be.gte(assets);
      // The fund token takes the sender's shares rounded up; the vault receives all of them.
      const given = aliceFundShares - (await fund.contracts.token.sharesOf(alice.address));
      expect(given).to.equal(ceilDiv(assets * ONE, before.index));
      expect(after.vaultFundShares - before.vaultFundShares).to.equal(given);
      // Rounding favours the vault: the shares are never worth more than what was paid.
      expect(await vault.previewRedeem(expected)).to.be.lte(assets);
    });

    it("should mint the wrapped shares to another eligible receiver", async function () {
      const { vault, alice, erin } = await loadFixture(accruedFixture);
      const shares = await vault.previewDeposit(ONE);
      await expect(vault.connect(alice).deposit(ONE, erin.address))
        .to.emit(vault, "Deposit")
        .withArgs(alice.address, erin.address, ONE, shares);
      expect(await vault.balanceOf(erin.address)).to.equal(shares);
    });

    it("should not count the vault as an investor; an investor who wraps everything leaves the count", async function () {
      const { fund, vault, alice } = await loadFixture(wrapperFixture);
      const { compliance, token } = fund.contracts;
      expect(await compliance.investorCount()).to.equal(3n);
      await vault.connect(alice).deposit(await token.balanceOf(alice.address), alice.address);
      expect(await token.balanceOf(alice.address)).to.equal(0n);
      expect(await compliance.investorCount()).to.equal(2n);
    });

    describe("when the assets are worth no wrapped share", function () {
      it("should refuse a zero deposit", async function () {
        const { vault, alice } = await loadFixture(accruedFixture);
        await expect(vault.connect(alice).deposit(0n, alice.address))
          .to.be.revertedWithCustomError(vault, "NoSharesForDeposit")
          .withArgs(0n);
      });
    });

    describe("when the assets convert to more than 2^256 - 1 wrapped shares", function () {
      it("should revert with ConversionOverflow (not a Panic) exactly past the largest convertible amount", async function () {
        const f = await loadFixture(holdersFixture);
        const { vault, alice } = f;
        const { totalAssets, totalSupply } = await state(f);
        // assets x (supply + 10^6) / (assets held + 1) fits 256 bits up to this amount.
        const largest = ((1n << 256n) * (totalAssets + 1n) - 1n) / (totalSupply + VIRTUAL_SHARES);
        expect(await vault.previewDeposit(largest)).to.equal(
          (largest * (totalSupply + VIRTUAL_SHARES)) / (totalAssets + 1n),
        );
        await expect(vault.previewDeposit(largest + 1n))
          .to.be.revertedWithCustomError(vault, "ConversionOverflow")
          .withArgs(largest + 1n);
        await expect(vault.connect(alice).deposit(ethers.MaxUint256, alice.address))
          .to.be.revertedWithCustomError(vault, "ConversionOverflow")
          .withArgs(ethers.MaxUint256);
      });
    });

    describe("when the receiver is not verified", function () {
      it("should revert with RecipientNotVerified", async function () {
        const { vault, alice, dave } = await loadFixture(accruedFixture);
        await expect(vault.connect(alice).deposit(ONE, dave.address))
          .to.be.revertedWithCustomError(vault, "RecipientNotVerified")
          .withArgs(dave.address);
      });
    });

    describe("when the caller is not verified", function () {
      it("should revert with SenderNotVerified", async function () {
        const { vault, alice, dave } = await loadFixture(accruedFixture);
        await expect(vault.connect(dave).deposit(ONE, alice.address))
          .to.be.revertedWithCustomError(vault, "SenderNotVerified")
          .withArgs(dave.address);
      });
    });

    describe("when the caller or the receiver is frozen in the wrapper", function () {
      it("should revert with WalletFrozenInWrapper", async function () {
        const { fund, vault, alice, erin } = await loadFixture(accruedFixture);
        await fund.as("transferAgent").on(vault).setAddressFrozen(erin.address, true);
        await expect(vault.connect(alice).deposit(ONE, erin.address))
          .to.be.revertedWithCustomError(vault, "WalletFrozenInWrapper")
          .withArgs(erin.address);
        await fund.as("transferAgent").on(vault).setAddressFrozen(alice.address, true);
        await expect(vault.connect(alice).deposit(ONE, alice.address))
          .to.be.revertedWithCustomError(vault, "WalletFrozenInWrapper")
          .withArgs(alice.address);
      });
    });

    describe("when the receiver is sanctioned", function () {
      it("should revert with WalletSanctioned", async function () {
        const { fund, vault, alice, erin } = await loadFixture(accruedFixture);
        await fund.as("complianceOfficer").on(fund.contracts.compliance).setSanctioned([erin.address], true);
        await expect(vault.connect(alice).deposit(ONE, erin.address))
          .to.be.revertedWithCustomError(vault, "WalletSanctioned")
          .withArgs(erin.address);
      });
    });

    describe("when the fund token's rules refuse the caller's movement into the vault", function () {
      it("should revert with the compliance's TransferRestricted (minimum holding left behind)", async function () {
        const { fund, vault, alice } = await loadFixture(accruedFixture);
        const balance = await fund.contracts.token.balanceOf(alice.address);
        await expect(vault.connect(alice).deposit(balance - ONE / 2n, alice.address))
          .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
          .withArgs(R.SENDER_BELOW_MIN_HOLDING);
      });
    });

    describe("when the caller is frozen in the fund token", function () {
      it("should revert with the fund token's WalletFrozen", async function () {
        const { fund, vault, alice } = await loadFixture(accruedFixture);
        const { token } = fund.contracts;
        await fund.as("transferAgent").on(token).setAddressFrozen(alice.address, true);
        await expect(vault.connect(alice).deposit(ONE, alice.address))
          .to.be.revertedWithCustomError(token, "WalletFrozen")
          .withArgs(alice.address);
      });
    });
  });

  describe("mint", function () {
    it("should take the assets rounded up and receive at least them", async function () {
      const f = await loadFixture(accruedFixture);
      const { vault, alice } = f;
      const shares = 5n * WHOLE_SHARE + 987_654_321n;
      const before = await state(f);
      const expected = ceilDiv(shares * (before.totalAssets + 1n), before.totalSupply + VIRTUAL_SHARES);
      expect(await vault.previewMint(shares)).to.equal(expected);
      expect(expected).to.be.greaterThan(sharesToAssetsDown(shares, before.totalAssets, before.totalSupply));
      await expect(vault.connect(alice).mint(shares, alice.address))
        .to.emit(vault, "Deposit")
        .withArgs(alice.address, alice.address, expected, shares);
      expect(await vault.balanceOf(alice.address)).to.equal(shares);
      expect((await state(f)).totalAssets - before.totalAssets).to.be.gte(expected);
    });

    it("should charge one token unit for a single wrapped share (1-wei edge, worth about 10**-6 unit)", async function () {
      const { vault, alice } = await loadFixture(accruedFixture);
      expect(await vault.previewMint(1n)).to.equal(1n);
      await expect(vault.connect(alice).mint(1n, alice.address))
        .to.emit(vault, "Deposit")
        .withArgs(alice.address, alice.address, 1n, 1n);
      expect(await vault.previewRedeem(1n)).to.equal(0n);
    });

    it("should refuse to mint zero shares", async function () {
      const { vault, alice } = await loadFixture(accruedFixture);
      await expect(vault.connect(alice).mint(0n, alice.address))
        .to.be.revertedWithCustomError(vault, "NoSharesForDeposit")
        .withArgs(0n);
    });
  });

  describe("withdraw", function () {
    it("should burn shares rounded up and send fund-token shares rounded down", async function () {
      const f = await loadFixture(holdersFixture);
      const { vault, bob, fund } = f;
      const { token } = fund.contracts;
      const assets = 1_000n * ONE + 1n;
      const before = await state(f);
      const burnt = ceilDiv(assets * (before.totalSupply + VIRTUAL_SHARES), before.totalAssets + 1n);
      expect(await vault.previewWithdraw(assets)).to.equal(burnt);
      const fundShares = (assets * ONE) / before.index;
      const sent = (fundShares * before.index) / ONE;
      const bobShares = await token.sharesOf(bob.address);
      const wrapped = await vault.balanceOf(bob.address);
      await expect(vault.connect(bob).withdraw(assets, bob.address, bob.address))
        .to.emit(vault, "Withdraw")
        .withArgs(bob.address, bob.address, bob.address, sent, burnt);
      expect(sent).to.be.lte(assets);
      expect(assets - sent).to.be.lte(1n);
      expect(await vault.balanceOf(bob.address)).to.equal(wrapped - burnt);
      expect((await token.sharesOf(bob.address)) - bobShares).to.equal(fundShares);
      expect(before.vaultFundShares - (await token.sharesOf(await vault.getAddress()))).to.equal(fundShares);
    });

    it("should let an approved operator withdraw to a third wallet, spending the allowance in shares", async function () {
      const { vault, bob, alice, erin } = await loadFixture(holdersFixture);
      const burnt = await vault.previewWithdraw(10n * ONE);
      await vault.connect(bob).approve(alice.address, burnt);
      await expect(vault.connect(alice).withdraw(10n * ONE, erin.address, bob.address)).to.emit(
        vault,
        "Withdraw",
      );
      expect(await vault.allowance(bob.address, alice.address)).to.equal(0n);
      // The share price moved with the first withdrawal's rounding: ask the vault again.
      const burntAgain = await vault.previewWithdraw(10n * ONE);
      await expect(vault.connect(alice).withdraw(10n * ONE, erin.address, bob.address))
        .to.be.revertedWithCustomError(vault, "ERC20InsufficientAllowance")
        .withArgs(alice.address, 0n, burntAgain);
    });

    describe("when the assets exceed the owner's balance", function () {
      it("should revert with ERC4626ExceededMaxWithdraw", async function () {
        const { vault, alice } = await loadFixture(holdersFixture);
        const max = await vault.maxWithdraw(alice.address);
        await expect(vault.connect(alice).withdraw(max + 2n, alice.address, alice.address))
          .to.be.revertedWithCustomError(vault, "ERC4626ExceededMaxWithdraw")
          .withArgs(alice.address, max + 2n, max);
      });
    });

    describe("when the assets convert to more than 2^256 - 1 wrapped shares", function () {
      it("should revert with ConversionOverflow, not a Panic", async function () {
        const { vault, alice } = await loadFixture(holdersFixture);
        const balance = await vault.balanceOf(alice.address);
        await expect(vault.connect(alice).withdraw(ethers.MaxUint256, alice.address, alice.address))
          .to.be.revertedWithCustomError(vault, "ConversionOverflow")
          .withArgs(ethers.MaxUint256);
        expect(await vault.balanceOf(alice.address)).to.equal(balance);
      });
    });

    describe("when the assets are worth less than one fund-token share (1-wei edge)", function () {
      it("should revert with NoAssetsForRedemption instead of burning shares for nothing", async function () {
        const { fund, vault, alice } = await loadFixture(holdersFixture);
        expect(await fund.contracts.token.index()).to.be.greaterThan(ONE);
        const burnt = await vault.previewWithdraw(1n);
        expect(burnt).to.be.greaterThan(0n);
        await expect(vault.connect(alice).withdraw(1n, alice.address, alice.address))
          .to.be.revertedWithCustomError(vault, "NoAssetsForRedemption")
          .withArgs(burnt, 1n);
        await expect(vault.connect(alice).withdraw(0n, alice.address, alice.address))
          .to.be.revertedWithCustomError(vault, "NoAssetsForRedemption")
          .withArgs(0n, 0n);
      });
    });

    describe("when the receiver is not verified", function () {
      it("should revert with RecipientNotVerified", async function () {
        const { vault, alice, dave } = await loadFixture(holdersFixture);
        await expect(vault.connect(alice).withdraw(ONE, dave.address, alice.address))
          .to.be.revertedWithCustomError(vault, "RecipientNotVerified")
          .withArgs(dave.address);
      });
    });

    describe("when the receiver fails the fund's investor rules", function () {
      it("should let the fund token refuse the exit (class missing, below minimum holding)", async function () {
        const { fund, vault, alice, erin, investors } = await loadFixture(holdersFixture);
        const frank = investors[6];
        await registerInvestor(fund, frank.address, { classes: 0 });
        const { compliance } = fund.contracts;
        await expect(vault.connect(alice).withdraw(10n * ONE, frank.address, alice.address))
          .to.be.revertedWithCustomError(compliance, "TransferRestricted")
          .withArgs(R.RECIPIENT_CLASS_MISSING);
        await expect(vault.connect(alice).withdraw(ONE / 2n, erin.address, alice.address))
          .to.be.revertedWithCustomError(compliance, "TransferRestricted")
          .withArgs(R.RECIPIENT_BELOW_MIN_HOLDING);
      });
    });
  });

  describe("redeem", function () {
    it("should send the value of the shares rounded down, twice (vault, then fund-token shares)", async function () {
      const f = await loadFixture(holdersFixture);
      const { vault, alice, fund } = f;
      const shares = (await vault.balanceOf(alice.address)) / 3n;
      const before = await state(f);
      const assets = sharesToAssetsDown(shares, before.totalAssets, before.totalSupply);
      expect(await vault.previewRedeem(shares)).to.equal(assets);
      const fundShares = (assets * ONE) / before.index;
      const sent = (fundShares * before.index) / ONE;
      expect(await vault.connect(alice).redeem.staticCall(shares, alice.address, alice.address)).to.equal(
        sent,
      );
      const aliceFundShares = await fund.contracts.token.sharesOf(alice.address);
      await expect(vault.connect(alice).redeem(shares, alice.address, alice.address))
        .to.emit(vault, "Withdraw")
        .withArgs(alice.address, alice.address, alice.address, sent, shares);
      expect((await fund.contracts.token.sharesOf(alice.address)) - aliceFundShares).to.equal(fundShares);
    });

    it("should redeem a whole balance to zero", async function () {
      const { vault, alice } = await loadFixture(holdersFixture);
      await vault.connect(alice).redeem(await vault.balanceOf(alice.address), alice.address, alice.address);
      expect(await vault.balanceOf(alice.address)).to.equal(0n);
    });

    describe("when the shares are worth nothing (1-wei edge)", function () {
      it("should revert with NoAssetsForRedemption", async function () {
        const { vault, alice } = await loadFixture(holdersFixture);
        await expect(vault.connect(alice).redeem(1n, alice.address, alice.address))
          .to.be.revertedWithCustomError(vault, "NoAssetsForRedemption")
          .withArgs(1n, 0n);
      });
    });

    describe("when the shares exceed the balance", function () {
      it("should revert with ERC4626ExceededMaxRedeem", async function () {
        const { vault, alice } = await loadFixture(holdersFixture);
        const balance = await vault.balanceOf(alice.address);
        await expect(vault.connect(alice).redeem(balance + 1n, alice.address, alice.address))
          .to.be.revertedWithCustomError(vault, "ERC4626ExceededMaxRedeem")
          .withArgs(alice.address, balance + 1n, balance);
      });
    });

    describe("when one token unit was wrapped (1-wei edge)", function () {
      it("should keep the unit in the vault: its shares cannot be redeemed for a fund-token share", async function () {
        const { vault, erin, alice } = await loadFixture(holdersFixture);
        await vault.connect(alice).deposit(1n, erin.address);
        const shares = await vault.balanceOf(erin.address);
        expect(shares).to.be.greaterThan(0n);
        expect(await vault.previewRedeem(shares)).to.be.lte(1n);
        await expect(
          vault.connect(erin).redeem(shares, erin.address, erin.address),
        ).to.be.revertedWithCustomError(vault, "NoAssetsForRedemption");
      });
    });
  });

  describe("wrapped transfers", function () {
    it("should move wrapped shares between verified wallets", async function () {
      const { vault, alice, erin } = await loadFixture(holdersFixture);
      await expect(vault.connect(alice).transfer(erin.address, 5n)).to.changeTokenBalances(
        vault,
        [alice, erin],
        [-5n, 5n],
      );
    });

    it("should check the holder and the recipient of a transferFrom, not the spender", async function () {
      const { vault, alice, erin, dave } = await loadFixture(holdersFixture);
      await vault.connect(alice).approve(dave.address, 100n);
      await expect(
        vault.connect(dave).transferFrom(alice.address, erin.address, 100n),
      ).to.changeTokenBalances(vault, [alice, erin], [-100n, 100n]);
    });

    describe("when the recipient is not registered", function () {
      it("should revert with RecipientNotVerified", async function () {
        const { vault, alice, dave } = await loadFixture(holdersFixture);
        await expect(vault.connect(alice).transfer(dave.address, 1n))
          .to.be.revertedWithCustomError(vault, "RecipientNotVerified")
          .withArgs(dave.address);
      });
    });

    describe("when the sender is revoked in the registry", function () {
      it("should revert with SenderNotVerified", async function () {
        const { fund, vault, alice, erin } = await loadFixture(holdersFixture);
        await fund
          .as("complianceOfficer")
          .on(fund.contracts.registry)
          .setRevoked(alice.address, [alice.address], true);
        await expect(vault.connect(alice).transfer(erin.address, 1n))
          .to.be.revertedWithCustomError(vault, "SenderNotVerified")
          .withArgs(alice.address);
      });
    });

    describe("when the recipient's KYC has expired", function () {
      it("should revert with RecipientNotVerified", async function () {
        const { fund, vault, alice, investors } = await loadFixture(holdersFixture);
        const gus = investors[7];
        await registerInvestor(fund, gus.address, { kycExpiry: (await time.latest()) + DAY });
        await vault.connect(alice).transfer(gus.address, 1n);
        await time.increase(DAY);
        await expect(vault.connect(alice).transfer(gus.address, 1n))
          .to.be.revertedWithCustomError(vault, "RecipientNotVerified")
          .withArgs(gus.address);
      });
    });

    describe("when the sender or the recipient is sanctioned", function () {
      it("should revert with WalletSanctioned naming the wallet", async function () {
        const { fund, vault, alice, bob, erin } = await loadFixture(holdersFixture);
        const officer = fund.as("complianceOfficer");
        await officer.on(fund.contracts.compliance).setSanctioned([erin.address], true);
        await expect(vault.connect(alice).transfer(erin.address, 1n))
          .to.be.revertedWithCustomError(vault, "WalletSanctioned")
          .withArgs(erin.address);
        await officer.on(fund.contracts.compliance).setSanctioned([alice.address], true);
        await expect(vault.connect(alice).transfer(bob.address, 1n))
          .to.be.revertedWithCustomError(vault, "WalletSanctioned")
          .withArgs(alice.address);
        await expect(vault.connect(bob).transfer(alice.address, 1n))
          .to.be.revertedWithCustomError(vault, "WalletSanctioned")
          .withArgs(alice.address);
      });
    });

    describe("when the sender or the recipient is frozen in the wrapper", function () {
      it("should revert with WalletFrozenInWrapper naming the wallet", async function () {
        const { fund, vault, alice, erin } = await loadFixture(holdersFixture);
        await fund.as("transferAgent").on(vault).setAddressFrozen(erin.address, true);
        await expect(vault.connect(alice).transfer(erin.address, 1n))
          .to.be.revertedWithCustomError(vault, "WalletFrozenInWrapper")
          .withArgs(erin.address);
        await fund.as("transferAgent").on(vault).setAddressFrozen(alice.address, true);
        await expect(vault.connect(alice).transfer(alice.address, 1n))
          .to.be.revertedWithCustomError(vault, "WalletFrozenInWrapper")
          .withArgs(alice.address);
      });
    });

    describe("when the wallet is frozen in the fund token only", function () {
      it("should still move wrapped shares (the two freezes are independent)", async function () {
        const { fund, vault, alice, erin } = await loadFixture(holdersFixture);
        await fund.as("transferAgent").on(fund.contracts.token).setAddressFrozen(alice.address, true);
        await expect(vault.connect(alice).transfer(erin.address, 1n)).to.changeTokenBalance(vault, erin, 1n);
      });
    });

    describe("when the recipient is an account of the fund (PROTOCOL class)", function () {
      it("should refuse it until the issuer allows it", async function () {
        const { fund, vault, alice, investors } = await loadFixture(holdersFixture);
        const market = investors[8];
        await registerProtocolAccount(fund, market.address);
        await expect(vault.connect(alice).transfer(market.address, 1n))
          .to.be.revertedWithCustomError(vault, "ProtocolAccountNotAllowed")
          .withArgs(market.address);
        await fund.as("issuer").now(vault).setProtocolAccountAllowed(market.address, true);
        await expect(vault.connect(alice).transfer(market.address, 1n)).to.changeTokenBalance(
          vault,
          market,
          1n,
        );
        await expect(vault.connect(market).transfer(alice.address, 1n)).to.changeTokenBalance(
          vault,
          alice,
          1n,
        );
      });

      it("should refuse the vault itself as a recipient", async function () {
        const { vault, alice } = await loadFixture(holdersFixture);
        const vaultAddress = await vault.getAddress();
        await expect(vault.connect(alice).transfer(vaultAddress, 1n))
          .to.be.revertedWithCustomError(vault, "ProtocolAccountNotAllowed")
          .withArgs(vaultAddress);
      });
    });

    describe("when the recipient is the zero address", function () {
      it("should revert with ERC20InvalidReceiver", async function () {
        const { vault, alice } = await loadFixture(holdersFixture);
        await expect(vault.connect(alice).transfer(ethers.ZeroAddress, 1n))
          .to.be.revertedWithCustomError(vault, "ERC20InvalidReceiver")
          .withArgs(ethers.ZeroAddress);
      });
    });

    describe("when the recipient is verified but fails the fund's class rule", function () {
      it("should accept the wrapped transfer, and the fund token refuse the exit (known limitation)", async function () {
        const { fund, vault, alice, investors } = await loadFixture(holdersFixture);
        const frank = investors[6];
        await registerInvestor(fund, frank.address, { classes: 0 });
        const shares = await vault.previewWithdraw(10n * ONE);
        await vault.connect(alice).transfer(frank.address, shares);
        await expect(vault.connect(frank).withdraw(10n * ONE, frank.address, frank.address))
          .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
          .withArgs(R.RECIPIENT_CLASS_MISSING);
        // Frank can hand the shares back, or unwrap to an eligible wallet of the fund's rules.
        await expect(vault.connect(frank).withdraw(10n * ONE, alice.address, frank.address)).to.emit(
          vault,
          "Withdraw",
        );
      });
    });
  });

  describe("pause", function () {
    describe("when the guardian pauses the wrapper", function () {
      async function pausedFixture() {
        const f = await loadFixture(holdersFixture);
        await f.fund.as("guardian").on(f.vault).pause();
        return f;
      }

      it("should emit Paused with the guardian's Safe", async function () {
        const f = await loadFixture(holdersFixture);
        const { response } = await f.fund.as("guardian").on(f.vault).pause();
        await expect(response).to.emit(f.vault, "Paused").withArgs(f.fund.as("guardian").address);
        expect(await f.vault.paused()).to.equal(true);
      });

      it("should refuse transfers, deposits, mints, withdrawals and redemptions with EnforcedPause", async function () {
        const { vault, alice, erin } = await loadFixture(pausedFixture);
        await expect(vault.connect(alice).transfer(erin.address, 1n)).to.be.revertedWithCustomError(
          vault,
          "EnforcedPause",
        );
        await expect(vault.connect(alice).deposit(ONE, alice.address)).to.be.revertedWithCustomError(
          vault,
          "EnforcedPause",
        );
        await expect(vault.connect(alice).mint(WHOLE_SHARE, alice.address)).to.be.revertedWithCustomError(
          vault,
          "EnforcedPause",
        );
        await expect(
          vault.connect(alice).withdraw(ONE, alice.address, alice.address),
        ).to.be.revertedWithCustomError(vault, "EnforcedPause");
        await expect(
          vault.connect(alice).redeem(WHOLE_SHARE, alice.address, alice.address),
        ).to.be.revertedWithCustomError(vault, "EnforcedPause");
      });

      it("should report zero for every max* limit", async function () {
        const { vault, alice } = await loadFixture(pausedFixture);
        expect(await vault.maxDeposit(alice.address)).to.equal(0n);
        expect(await vault.maxMint(alice.address)).to.equal(0n);
        expect(await vault.maxWithdraw(alice.address)).to.equal(0n);
        expect(await vault.maxRedeem(alice.address)).to.equal(0n);
        expect(await vault.canTransfer(alice.address, alice.address, 1n)).to.equal(false);
      });

      it("should let the issuer (not the guardian) unpause, behind the issuer's delay", async function () {
        const { fund, vault, alice, erin } = await loadFixture(pausedFixture);
        const error = await rejection(fund.as("guardian").on(vault).unpause());
        expect(error).to.be.instanceOf(UnauthorizedManagedCallError);
        expect((error as UnauthorizedManagedCallError).requiredRole).to.equal(ROLE_IDS.ISSUER);
        const scheduled = await fund.as("issuer").on(vault).unpause();
        expect(scheduled.status).to.equal("scheduled");
        await time.increase(2 * DAY - 60);
        expect(await vault.paused()).to.equal(true);
        await time.increase(60);
        const { response } = await fund.as("issuer").executeOn(vault).unpause();
        // A scheduled operation is executed by the AccessManager: it is the caller the vault sees.
        await expect(response)
          .to.emit(vault, "Unpaused")
          .withArgs(await fund.contracts.manager.getAddress());
        await expect(vault.connect(alice).transfer(erin.address, 1n)).to.changeTokenBalance(vault, erin, 1n);
      });

      it("should refuse a second pause with EnforcedPause", async function () {
        const { fund, vault } = await loadFixture(pausedFixture);
        await expect(fund.as("guardian").on(vault).pause()).to.be.revertedWithCustomError(
          vault,
          "EnforcedPause",
        );
      });
    });

    describe("when the fund token is paused", function () {
      async function fundPausedFixture() {
        const f = await loadFixture(holdersFixture);
        await f.fund.as("guardian").on(f.fund.contracts.token).pause();
        return f;
      }

      it("should refuse wrapped transfers, wrapping and unwrapping with FundTokenPaused", async function () {
        const { vault, alice, erin } = await loadFixture(fundPausedFixture);
        await expect(vault.connect(alice).transfer(erin.address, 1n)).to.be.revertedWithCustomError(
          vault,
          "FundTokenPaused",
        );
        await expect(vault.connect(alice).deposit(ONE, alice.address)).to.be.revertedWithCustomError(
          vault,
          "FundTokenPaused",
        );
        await expect(
          vault.connect(alice).redeem(WHOLE_SHARE, alice.address, alice.address),
        ).to.be.revertedWithCustomError(vault, "FundTokenPaused");
        expect(await vault.paused()).to.equal(false);
        expect(await vault.maxDeposit(alice.address)).to.equal(0n);
        expect(await vault.maxRedeem(alice.address)).to.equal(0n);
      });
    });
  });

  describe("setAddressFrozen", function () {
    it("should freeze and unfreeze, emitting the old and new state and the agent", async function () {
      const { fund, vault, alice, erin } = await loadFixture(holdersFixture);
      const agent = fund.as("transferAgent");
      let { response } = await agent.on(vault).setAddressFrozen(alice.address, true);
      await expect(response)
        .to.emit(vault, "WalletFrozenChanged")
        .withArgs(alice.address, false, true, agent.address);
      expect(await vault.isFrozen(alice.address)).to.equal(true);
      expect(await vault.isEligible(alice.address)).to.equal(false);
      expect(await vault.maxRedeem(alice.address)).to.equal(0n);
      ({ response } = await agent.on(vault).setAddressFrozen(alice.address, false));
      await expect(response)
        .to.emit(vault, "WalletFrozenChanged")
        .withArgs(alice.address, true, false, agent.address);
      await expect(vault.connect(alice).transfer(erin.address, 1n)).to.changeTokenBalance(vault, erin, 1n);
    });

    it("should be refused to anyone but the transfer agent", async function () {
      const { fund, vault, alice, outsider } = await loadFixture(holdersFixture);
      await expect(vault.connect(outsider).setAddressFrozen(alice.address, true))
        .to.be.revertedWithCustomError(vault, "AccessManagedUnauthorized")
        .withArgs(outsider.address);
      const error = await rejection(
        fund.as("complianceOfficer").on(vault).setAddressFrozen(alice.address, true),
      );
      expect(error).to.be.instanceOf(UnauthorizedManagedCallError);
      expect((error as UnauthorizedManagedCallError).requiredRole).to.equal(ROLE_IDS.TRANSFER_AGENT);
    });
  });

  describe("forcedTransfer", function () {
    it("should move a frozen holder's wrapped shares to a verified wallet, emitting ForcedTransfer", async function () {
      const { fund, vault, alice, erin } = await loadFixture(holdersFixture);
      const agent = fund.as("transferAgent");
      await agent.on(vault).setAddressFrozen(alice.address, true);
      const shares = await vault.balanceOf(alice.address);
      const { response } = await agent.on(vault).forcedTransfer(alice.address, erin.address, shares);
      await expect(response).to.emit(vault, "ForcedTransfer").withArgs(alice.address, erin.address, shares);
      await expect(response).to.emit(vault, "Transfer").withArgs(alice.address, erin.address, shares);
      expect(await vault.balanceOf(alice.address)).to.equal(0n);
      expect(await vault.balanceOf(erin.address)).to.equal(shares);
    });

    it("should work while the wrapper and the fund token are paused", async function () {
      const { fund, vault, alice, erin } = await loadFixture(holdersFixture);
      await fund.as("guardian").on(vault).pause();
      await fund.as("guardian").on(fund.contracts.token).pause();
      await fund.as("transferAgent").on(vault).forcedTransfer(alice.address, erin.address, 7n);
      expect(await vault.balanceOf(erin.address)).to.equal(7n);
    });

    it("should take shares from a sanctioned wallet", async function () {
      const { fund, vault, alice, erin } = await loadFixture(holdersFixture);
      await fund.as("complianceOfficer").on(fund.contracts.compliance).setSanctioned([alice.address], true);
      await fund.as("transferAgent").on(vault).forcedTransfer(alice.address, erin.address, 7n);
      expect(await vault.balanceOf(erin.address)).to.equal(7n);
    });

    describe("when the recipient cannot hold wrapped shares", function () {
      it("should refuse an unverified, a sanctioned or a non-allowed PROTOCOL recipient", async function () {
        const { fund, vault, alice, erin, dave, investors } = await loadFixture(holdersFixture);
        const agent = fund.as("transferAgent");
        await expect(agent.on(vault).forcedTransfer(alice.address, dave.address, 1n))
          .to.be.revertedWithCustomError(vault, "RecipientNotVerified")
          .withArgs(dave.address);
        const market = investors[8];
        await registerProtocolAccount(fund, market.address);
        await expect(agent.on(vault).forcedTransfer(alice.address, market.address, 1n))
          .to.be.revertedWithCustomError(vault, "ProtocolAccountNotAllowed")
          .withArgs(market.address);
        await fund.as("complianceOfficer").on(fund.contracts.compliance).setSanctioned([erin.address], true);
        await expect(agent.on(vault).forcedTransfer(alice.address, erin.address, 1n))
          .to.be.revertedWithCustomError(vault, "WalletSanctioned")
          .withArgs(erin.address);
      });
    });

    describe("when the transfer is malformed", function () {
      it("should refuse the zero addresses, a transfer to self and more than the balance", async function () {
        const { fund, vault, alice, erin } = await loadFixture(holdersFixture);
        const agent = fund.as("transferAgent");
        await expect(agent.on(vault).forcedTransfer(ethers.ZeroAddress, erin.address, 1n))
          .to.be.revertedWithCustomError(vault, "ERC20InvalidSender")
          .withArgs(ethers.ZeroAddress);
        await expect(agent.on(vault).forcedTransfer(alice.address, ethers.ZeroAddress, 1n))
          .to.be.revertedWithCustomError(vault, "ERC20InvalidReceiver")
          .withArgs(ethers.ZeroAddress);
        await expect(agent.on(vault).forcedTransfer(alice.address, alice.address, 1n))
          .to.be.revertedWithCustomError(vault, "ForcedTransferToSelf")
          .withArgs(alice.address);
        const balance = await vault.balanceOf(alice.address);
        await expect(agent.on(vault).forcedTransfer(alice.address, erin.address, balance + 1n))
          .to.be.revertedWithCustomError(vault, "ERC20InsufficientBalance")
          .withArgs(alice.address, balance, balance + 1n);
      });
    });

    it("should be refused to anyone but the transfer agent", async function () {
      const { fund, vault, alice, erin, outsider } = await loadFixture(holdersFixture);
      await expect(vault.connect(outsider).forcedTransfer(alice.address, erin.address, 1n))
        .to.be.revertedWithCustomError(vault, "AccessManagedUnauthorized")
        .withArgs(outsider.address);
      const error = await rejection(
        fund.as("guardian").on(vault).forcedTransfer(alice.address, erin.address, 1n),
      );
      expect(error).to.be.instanceOf(UnauthorizedManagedCallError);
    });
  });

  describe("setProtocolAccountAllowed", function () {
    it("should allow and disallow a PROTOCOL account, emitting the old and new value", async function () {
      const { fund, vault, investors } = await loadFixture(holdersFixture);
      const market = investors[8];
      await registerProtocolAccount(fund, market.address);
      let { response } = await fund.as("issuer").now(vault).setProtocolAccountAllowed(market.address, true);
      await expect(response)
        .to.emit(vault, "ProtocolAccountAllowedChanged")
        .withArgs(market.address, false, true);
      expect(await vault.isProtocolAccountAllowed(market.address)).to.equal(true);
      expect(await vault.isEligible(market.address)).to.equal(true);
      ({ response } = await fund.as("issuer").now(vault).setProtocolAccountAllowed(market.address, false));
      await expect(response)
        .to.emit(vault, "ProtocolAccountAllowedChanged")
        .withArgs(market.address, true, false);
      expect(await vault.isEligible(market.address)).to.equal(false);
    });

    it("should refuse to allow a wallet that is not a verified PROTOCOL account", async function () {
      const { fund, vault, erin, dave } = await loadFixture(holdersFixture);
      await expect(fund.as("issuer").now(vault).setProtocolAccountAllowed(erin.address, true))
        .to.be.revertedWithCustomError(vault, "NotProtocolAccount")
        .withArgs(erin.address);
      await expect(fund.as("issuer").now(vault).setProtocolAccountAllowed(dave.address, true))
        .to.be.revertedWithCustomError(vault, "NotProtocolAccount")
        .withArgs(dave.address);
    });

    it("should be refused to anyone but the issuer", async function () {
      const { fund, vault, outsider } = await loadFixture(holdersFixture);
      await expect(vault.connect(outsider).setProtocolAccountAllowed(outsider.address, true))
        .to.be.revertedWithCustomError(vault, "AccessManagedUnauthorized")
        .withArgs(outsider.address);
      const error = await rejection(
        fund.as("complianceOfficer").on(vault).setProtocolAccountAllowed(outsider.address, true),
      );
      expect((error as UnauthorizedManagedCallError).requiredRole).to.equal(ROLE_IDS.ISSUER);
    });
  });

  describe("views", function () {
    it("should answer isEligible and canTransfer like the transfer checks", async function () {
      const { vault, alice, erin, dave } = await loadFixture(holdersFixture);
      const balance = await vault.balanceOf(alice.address);
      expect(await vault.isEligible(alice.address)).to.equal(true);
      expect(await vault.isEligible(dave.address)).to.equal(false);
      expect(await vault.isEligible(ethers.ZeroAddress)).to.equal(false);
      expect(await vault.isEligible(await vault.getAddress())).to.equal(false);
      expect(await vault.canTransfer(alice.address, erin.address, balance)).to.equal(true);
      expect(await vault.canTransfer(alice.address, erin.address, balance + 1n)).to.equal(false);
      expect(await vault.canTransfer(alice.address, dave.address, 1n)).to.equal(false);
    });

    it("should report the max* limits of an eligible holder", async function () {
      const { vault, alice, dave } = await loadFixture(holdersFixture);
      const balance = await vault.balanceOf(alice.address);
      expect(await vault.maxDeposit(alice.address)).to.equal(ethers.MaxUint256);
      expect(await vault.maxMint(alice.address)).to.equal(ethers.MaxUint256);
      expect(await vault.maxRedeem(alice.address)).to.equal(balance);
      expect(await vault.maxWithdraw(alice.address)).to.equal(await vault.previewRedeem(balance));
      expect(await vault.maxDeposit(dave.address)).to.equal(0n);
    });
  });

  describe("upgrades", function () {
    it("should let the issuer upgrade, behind its delay, keeping balances", async function () {
      const { fund, vault, alice } = await loadFixture(holdersFixture);
      const factory = await ethers.getContractFactory("WrappedFundToken");
      const token = await fund.contracts.token.getAddress();
      // Deploys the new implementation after OpenZeppelin's storage-layout validation against the proxy.
      const next = (await upgrades.prepareUpgrade(await vault.getAddress(), factory, {
        kind: "uups",
        constructorArgs: [token],
      })) as string;
      const balance = await vault.balanceOf(alice.address);
      await fund.as("issuer").now(vault).upgradeToAndCall(next, "0x");
      expect(await upgrades.erc1967.getImplementationAddress(await vault.getAddress())).to.equal(next);
      expect(await vault.balanceOf(alice.address)).to.equal(balance);
    });

    it("should refuse an upgrade by anyone else", async function () {
      const { fund, vault, outsider } = await loadFixture(holdersFixture);
      const next = await (
        await ethers.getContractFactory("WrappedFundToken")
      ).deploy(await fund.contracts.token.getAddress());
      await expect(vault.connect(outsider).upgradeToAndCall(await next.getAddress(), "0x"))
        .to.be.revertedWithCustomError(vault, "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });
  });

  describe("pause role", function () {
    it("should be refused to anyone but the guardian", async function () {
      const { fund, vault, outsider } = await loadFixture(holdersFixture);
      await expect(vault.connect(outsider).pause())
        .to.be.revertedWithCustomError(vault, "AccessManagedUnauthorized")
        .withArgs(outsider.address);
      const error = await rejection(fund.as("transferAgent").on(vault).pause());
      expect((error as UnauthorizedManagedCallError).requiredRole).to.equal(ROLE_IDS.GUARDIAN);
      await expect(vault.connect(outsider).unpause())
        .to.be.revertedWithCustomError(vault, "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });
  });

  describe("when the depositor has not approved the vault", function () {
    it("should let the fund token refuse with ERC20InsufficientAllowance", async function () {
      const { fund, vault, erin } = await loadFixture(accruedFixture);
      await mint(fund, erin.address, 10n * ONE);
      await expect(vault.connect(erin).deposit(ONE, erin.address))
        .to.be.revertedWithCustomError(fund.contracts.token, "ERC20InsufficientAllowance")
        .withArgs(await vault.getAddress(), 0n, ONE);
    });
  });
});
