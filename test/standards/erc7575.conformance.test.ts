/**
 * ERC-7575 (Multi-Asset ERC-4626 Vaults, status Final): one `it` per MUST statement of the specification, quoted,
 * against the fund's entry points (FundVault, one per stablecoin, the fund token as their common share), and the
 * MUST statements of ERC-4626 that ERC-7575 imports ("All ERC-7575 Vaults MUST implement ERC-4626 excluding the
 * ERC-20 methods and events"), for the methods an asynchronous-redemption vault keeps (ERC-7540 replaces
 * `previewRedeem`/`previewWithdraw` and the owner of `redeem`/`withdraw`: see erc7540.conformance.test.ts).
 */
import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Interface, MaxUint256, ZeroAddress } from "ethers";
import { asIssuer } from "../fund/fixtures";
import { publishNav, publishReserves } from "../helpers/fund";
import {
  vaultFixture,
  holdersFixture,
  settle,
  tokensFor,
  interfaceIdOf,
  IERC165,
  USDC,
  TOKENS,
  type VaultFixture,
} from "./fixtures";
import type { FundVault, MockStablecoin } from "../../typechain-types";
import { roleStep } from "../../lib/fund";

const IERC7575 = "contracts/interfaces/IERC7575.sol:IERC7575";
const IERC7575_SHARE = "contracts/interfaces/IERC7575.sol:IERC7575Share";
const IERC4626 = "@openzeppelin/contracts/interfaces/IERC4626.sol:IERC4626";
const IERC20 = "@openzeppelin/contracts/token/ERC20/IERC20.sol:IERC20";

/** {vaultFixture} plus a second stablecoin (an 18-decimal mock "USDX") with its own entry point. */
async function twoAssetsFixture(): Promise<VaultFixture & { usdx: MockStablecoin; vault2: FundVault }> {
  const f = await loadFixture(vaultFixture);
  const [deployer] = await hre.ethers.getSigners();
  const usdx = await (
    await hre.ethers.getContractFactory("MockStablecoin")
  ).deploy("Mock USDX", "USDX", 18, deployer);
  await asIssuer(f.fund, [roleStep(f.fm, "addStablecoin", [await usdx.getAddress(), 0])]);
  const vault2 = await (await hre.ethers.getContractFactory("FundVault")).deploy(f.fm, usdx);
  await asIssuer(f.fund, [
    roleStep(f.fund.contracts.token, "setVault", [await usdx.getAddress(), await vault2.getAddress()]),
  ]);
  await publishNav(f.fund, "1.00");
  await publishReserves(f.fund, "10000000");
  await usdx.mint(f.carol.address, 10n ** 24n);
  await usdx.connect(f.carol).approve(vault2, MaxUint256);
  return { ...f, usdx, vault2 };
}

describe("ERC-7575 on the fund's entry points (FundVault)", function () {
  describe("share", function () {
    it('"MUST return an address of an ERC-20 share representation of the Vault" (the fund token)', async function () {
      const { vault, fund } = await loadFixture(vaultFixture);
      const { token } = fund.contracts;
      expect(await vault.share()).to.equal(await token.getAddress());
      expect(await token.supportsInterface(await interfaceIdOf(IERC20))).to.equal(true);
    });

    it('"MUST _NOT_ revert" (share)', async function () {
      const { vault, outsider } = await loadFixture(vaultFixture);
      await vault.connect(outsider).share.staticCall();
    });

    it('"If the share returns an external token ... entry functions MUST increase the share balance of the receiver by the shares amount" (deposit: exactly; mint: by at least the shares asked, exactly the shares of its Deposit event: the rebasing share cannot credit an exact amount, docs/TOKEN.md)', async function () {
      const { vault, fund, alice, bob } = await loadFixture(vaultFixture);
      const { token } = fund.contracts;
      const shares = await vault
        .connect(alice)
        ["deposit(uint256,address)"].staticCall(USDC("1000"), alice.address);
      await vault.connect(alice)["deposit(uint256,address)"](USDC("1000"), alice.address);
      expect(await token.balanceOf(alice.address)).to.equal(shares);
      const wanted = TOKENS("1500");
      const receipt = await (await vault.connect(bob)["mint(uint256,address)"](wanted, bob.address)).wait();
      const event = receipt!.logs.map((l) => vault.interface.parseLog(l)).find((e) => e?.name === "Deposit")!;
      expect(await token.balanceOf(bob.address)).to.equal(event.args.shares);
      expect(event.args.shares >= wanted).to.equal(true);
    });

    it('"exit functions MUST decrease the share balance of the owner by the shares amount" (the exit is the ERC-7540 request: the owner gives up the shares requested, a whole balance exactly)', async function () {
      const { vault, fund, alice } = await loadFixture(holdersFixture);
      const { token } = fund.contracts;
      const before = await token.balanceOf(alice.address);
      await vault.connect(alice).requestRedeem(TOKENS("1000"), alice.address, alice.address);
      expect(await token.balanceOf(alice.address)).to.equal(before - TOKENS("1000"));
      await vault.connect(alice).requestRedeem(before - TOKENS("1000"), alice.address, alice.address);
      expect(await token.balanceOf(alice.address)).to.equal(0n);
    });
  });

  describe("Multi-Asset Vaults", function () {
    it('"Multi-Asset Vaults MUST implement the share method on each entry point" (one share, two assets)', async function () {
      const { vault, vault2, fund, usdx, usdcAddress } = await loadFixture(twoAssetsFixture);
      const token = await fund.contracts.token.getAddress();
      expect(await vault.share()).to.equal(token);
      expect(await vault2.share()).to.equal(token);
      expect(await vault.asset()).to.equal(usdcAddress);
      expect(await vault2.asset()).to.equal(await usdx.getAddress());
    });

    it('"The entry points SHOULD NOT be ERC-20" (neither balanceOf nor transfer)', async function () {
      const { vault } = await loadFixture(vaultFixture);
      const iface = vault.interface as Interface;
      expect(iface.getFunction("balanceOf")).to.equal(null);
      expect(iface.getFunction("transfer")).to.equal(null);
    });

    it("should subscribe through the second asset's entry point into the same share (18-decimal stablecoin)", async function () {
      const { vault2, fund, carol } = await loadFixture(twoAssetsFixture);
      const before = await fund.contracts.token.balanceOf(carol.address);
      await vault2.connect(carol)["deposit(uint256,address)"](10n ** 21n, carol.address);
      expect((await fund.contracts.token.balanceOf(carol.address)) - before).to.equal(
        (10n ** 21n * 9_990n) / 10_000n,
      );
    });
  });

  describe("Share-to-Vault lookup", function () {
    it('"The ERC-20 implementation of share SHOULD implement a vault method, that returns the address of the Vault for a specific asset"', async function () {
      const { vault2, fund, usdx, vaultAddress, usdcAddress } = await loadFixture(twoAssetsFixture);
      const { token } = fund.contracts;
      expect(await token.vault(usdcAddress)).to.equal(vaultAddress);
      expect(await token.vault(await usdx.getAddress())).to.equal(await vault2.getAddress());
      expect(await token.vault(ZeroAddress)).to.equal(ZeroAddress);
    });

    it('"SHOULD emit the VaultUpdate event when a Vault linked to the share changes"', async function () {
      const { fund, fm, usdcAddress, vaultAddress } = await loadFixture(vaultFixture);
      const { token } = fund.contracts;
      const replacement = await (await hre.ethers.getContractFactory("FundVault")).deploy(fm, usdcAddress);
      const [result] = await asIssuer(fund, [
        roleStep(token, "setVault", [usdcAddress, await replacement.getAddress()]),
      ]);
      await expect(result.response)
        .to.emit(token, "VaultUpdate")
        .withArgs(usdcAddress, await replacement.getAddress())
        .and.to.emit(token, "VaultChanged")
        .withArgs(usdcAddress, vaultAddress, await replacement.getAddress());
    });
  });

  describe("ERC-165", function () {
    it('"Vaults implementing ERC-7575 MUST implement the ERC-165 supportsInterface function. The Vault contract MUST return the constant value true if 0x2f0a18c5 is passed" (id computed from the interface)', async function () {
      const { vault } = await loadFixture(vaultFixture);
      const id = await interfaceIdOf(IERC7575, [IERC165]);
      expect(id).to.equal("0x2f0a18c5");
      expect(await vault.supportsInterface(id)).to.equal(true);
      expect(await vault.supportsInterface(await interfaceIdOf(IERC165))).to.equal(true);
      expect(await vault.supportsInterface("0xffffffff")).to.equal(false);
    });

    it('"The share token MUST return the constant value true if 0xf815c03d is passed" (id computed from the interface)', async function () {
      const { fund } = await loadFixture(vaultFixture);
      const id = await interfaceIdOf(IERC7575_SHARE, [IERC165]);
      expect(id).to.equal("0xf815c03d");
      expect(await fund.contracts.token.supportsInterface(id)).to.equal(true);
    });

    it('"All ERC-7575 Vaults MUST implement ERC-4626 excluding the ERC-20 methods and events" (every ERC-4626 function and event but ERC-20\'s)', async function () {
      const { vault } = await loadFixture(vaultFixture);
      const erc4626 = new Interface((await hre.artifacts.readArtifact(IERC4626)).abi);
      const erc20 = new Interface((await hre.artifacts.readArtifact(IERC20)).abi);
      const iface = vault.interface as Interface;
      const missing: string[] = [];
      erc4626.forEachFunction((f) => {
        if (!erc20.getFunction(f.selector) && !["decimals", "name", "symbol"].includes(f.name)) {
          if (!iface.getFunction(f.selector)) missing.push(f.format());
        }
      });
      expect(missing).to.deep.equal([]);
      expect(iface.getEvent("Deposit")!.topicHash).to.equal(erc4626.getEvent("Deposit")!.topicHash);
      expect(iface.getEvent("Withdraw")!.topicHash).to.equal(erc4626.getEvent("Withdraw")!.topicHash);
    });
  });

  describe("ERC-4626 methods", function () {
    it('asset: "MUST be an EIP-20 token contract"; "MUST _NOT_ revert"', async function () {
      const { vault, usdc, alice } = await loadFixture(vaultFixture);
      expect(await vault.asset()).to.equal(await usdc.getAddress());
      expect(await usdc.balanceOf(alice.address)).to.equal(USDC("10000000"));
    });

    it("totalAssets: \"MUST _NOT_ revert\" (the fund's value in the asset's units)", async function () {
      const { vault, fund } = await loadFixture(holdersFixture);
      expect(await vault.totalAssets()).to.equal((await fund.contracts.token.totalSupply()) / 10n ** 12n);
    });

    it('convertToShares / convertToAssets: "MUST NOT be inclusive of any fees"; "MUST NOT show any variations depending on the caller"; "MUST round down towards 0"; "MUST NOT revert unless due to integer overflow caused by an unreasonably large input"', async function () {
      const { vault, alice, outsider } = await loadFixture(vaultFixture);
      expect(await vault.convertToShares(USDC("1000"))).to.equal(TOKENS("1000"));
      expect(await vault.connect(outsider).convertToShares(USDC("1000"))).to.equal(
        await vault.connect(alice).convertToShares(USDC("1000")),
      );
      expect(await vault.convertToAssets(TOKENS("1") - 1n)).to.equal(USDC("0.999999"));
      expect(await vault.convertToAssets(MaxUint256)).to.equal(MaxUint256 / 10n ** 12n);
      await expect(vault.convertToShares(MaxUint256)).to.be.revertedWithPanic(0x11);
    });

    describe("maxDeposit and maxMint", function () {
      it('"MUST return the maximum amount of assets deposit would allow ... and not cause a revert, which MUST NOT be higher than the actual maximum" (one unit more is refused)', async function () {
        const { vault, alice } = await loadFixture(vaultFixture);
        const max = await vault.maxDeposit(alice.address);
        expect(max).to.equal(USDC("5000"));
        await expect(vault.connect(alice)["deposit(uint256,address)"](max + 1n, alice.address)).to.be
          .reverted;
        await vault.connect(alice)["deposit(uint256,address)"](max, alice.address);
        expect(await vault.maxDeposit(alice.address)).to.equal(0n);
      });

      it('"MUST factor in both global and user-specific limits, like if deposits are entirely disabled (even temporarily) it MUST return 0" (paused, a non-verified receiver, a fund account, a NAV round waiting)', async function () {
        const { vault, fm, fund, alice, outsider, feeWallet } = await loadFixture(vaultFixture);
        expect(await vault.maxDeposit(outsider.address)).to.equal(0n);
        expect(await vault.maxMint(outsider.address)).to.equal(0n);
        expect(await vault.maxDeposit(feeWallet)).to.equal(0n);
        await time.increase(3_601);
        await publishNav(fund, "1.00");
        expect(await vault.maxDeposit(alice.address)).to.equal(0n);
        await fund.contracts.token.accrue();
        expect(await vault.maxDeposit(alice.address)).to.be.greaterThan(0n);
        await fund.as("guardian").on(fm).pauseSubscriptions();
        expect(await vault.maxDeposit(alice.address)).to.equal(0n);
        expect(await vault.maxMint(alice.address)).to.equal(0n);
      });

      it('"MUST NOT revert" (maxDeposit, maxMint: the zero address, a stale NAV)', async function () {
        const { vault, alice } = await loadFixture(vaultFixture);
        expect(await vault.maxDeposit(ZeroAddress)).to.equal(0n);
        await time.increase(5 * 86_400);
        expect(await vault.maxDeposit(alice.address)).to.equal(0n);
        expect(await vault.maxMint(alice.address)).to.equal(0n);
      });

      it('maxMint: "MUST return the maximum amount of shares mint would allow ... and not cause a revert"', async function () {
        const { vault, alice } = await loadFixture(vaultFixture);
        const max = await vault.maxMint(alice.address);
        expect(max).to.be.greaterThan(0n);
        await vault.connect(alice)["mint(uint256,address)"](max, alice.address);
        expect(await vault.maxMint(alice.address)).to.equal(0n);
      });
    });

    describe("previewDeposit and previewMint", function () {
      it('previewDeposit: "MUST return as close to and no more than the exact amount of Vault shares that would be minted in a deposit call in the same transaction" and "MUST be inclusive of deposit fees"', async function () {
        const { vault, alice } = await loadFixture(vaultFixture);
        const preview = await vault.previewDeposit(USDC("1000"));
        const shares = await vault
          .connect(alice)
          ["deposit(uint256,address)"].staticCall(USDC("1000"), alice.address);
        expect(preview <= shares).to.equal(true);
        expect(shares - preview <= 2n).to.equal(true);
        expect(shares).to.equal(tokensFor(USDC("1000")));
      });

      it('previewDeposit: "MUST NOT account for deposit limits like those returned from maxDeposit" and "MUST NOT revert due to vault specific user/global limits"', async function () {
        const { vault } = await loadFixture(vaultFixture);
        expect(await vault.previewDeposit(USDC("1000000"))).to.be.greaterThan(0n);
      });

      it('previewMint: "MUST return as close to and no fewer than the exact amount of assets that would be deposited in a mint call in the same transaction" and "MUST be inclusive of deposit fees"', async function () {
        const { vault, usdc, alice } = await loadFixture(vaultFixture);
        const shares = TOKENS("999");
        const preview = await vault.previewMint(shares);
        const before = await usdc.balanceOf(alice.address);
        await vault.connect(alice)["mint(uint256,address)"](shares, alice.address);
        expect(before - (await usdc.balanceOf(alice.address))).to.equal(preview);
        // 999 tokens (plus the share rounding) with the 10 bps fee: 1,000 USDC and a micro-USDC or two.
        expect(preview > USDC("1000") && preview <= USDC("1000") + 2n).to.equal(true);
      });

      it('previewMint: "MUST NOT revert due to vault specific user/global limits"', async function () {
        const { vault } = await loadFixture(vaultFixture);
        expect(await vault.previewMint(TOKENS("10000000"))).to.be.greaterThan(0n);
      });
    });

    describe("deposit and mint", function () {
      it('"MUST emit the Deposit event" (deposit and mint)', async function () {
        const { vault, alice } = await loadFixture(vaultFixture);
        await expect(vault.connect(alice)["deposit(uint256,address)"](USDC("1000"), alice.address)).to.emit(
          vault,
          "Deposit",
        );
        await expect(vault.connect(alice)["mint(uint256,address)"](TOKENS("100"), alice.address)).to.emit(
          vault,
          "Deposit",
        );
      });

      it('"MUST support EIP-20 approve / transferFrom on asset as a deposit flow" (and a mint flow)', async function () {
        const { vault, vaultAddress, usdc, dave } = await loadFixture(vaultFixture);
        await usdc.mint(dave.address, USDC("2000"));
        await expect(vault.connect(dave)["deposit(uint256,address)"](USDC("1000"), dave.address)).to.be
          .reverted;
        await usdc.connect(dave).approve(vaultAddress, USDC("2000"));
        await vault.connect(dave)["deposit(uint256,address)"](USDC("1000"), dave.address);
        await vault.connect(dave)["mint(uint256,address)"](TOKENS("100"), dave.address);
      });

      it('"MUST revert if all of assets cannot be deposited (due to deposit limit being reached, slippage, the user not approving enough underlying tokens ...)"', async function () {
        const { vault, fm, alice } = await loadFixture(vaultFixture);
        await expect(
          vault.connect(alice)["deposit(uint256,address)"](USDC("5001"), alice.address),
        ).to.be.revertedWithCustomError(fm, "InvestorSubscriptionLimitExceeded");
        await expect(
          vault.connect(alice)["mint(uint256,address)"](TOKENS("5000"), alice.address),
        ).to.be.revertedWithCustomError(fm, "InvestorSubscriptionLimitExceeded");
      });
    });

    describe("maxWithdraw and maxRedeem", function () {
      it('"MUST return the maximum amount of assets that could be transferred from owner through withdraw and not cause a revert" (and shares through redeem)', async function () {
        const f = await loadFixture(holdersFixture);
        const { vault, alice } = f;
        await vault.connect(alice).requestRedeem(TOKENS("1000"), alice.address, alice.address);
        await settle(f, 1);
        const assets = await vault.maxWithdraw(alice.address);
        const shares = await vault.maxRedeem(alice.address);
        expect([assets, shares]).to.deep.equal([USDC("999.5"), TOKENS("1000")]);
        await expect(vault.connect(alice).withdraw(assets + 1n, alice.address, alice.address)).to.be.reverted;
        await vault.connect(alice).withdraw(assets, alice.address, alice.address);
        expect(await vault.maxRedeem(alice.address)).to.equal(0n);
      });

      it('"MUST factor in both global and user-specific limits, like if withdrawals are entirely disabled (even temporarily) it MUST return 0"; "MUST NOT revert"', async function () {
        const f = await loadFixture(holdersFixture);
        const { vault, fm, fund, alice } = f;
        await vault.connect(alice).requestRedeem(TOKENS("1000"), alice.address, alice.address);
        await settle(f, 1);
        await fund.as("guardian").on(fm).pauseRedemptions();
        expect(await vault.maxWithdraw(alice.address)).to.equal(0n);
        expect(await vault.maxRedeem(alice.address)).to.equal(0n);
        expect(await vault.maxRedeem(ZeroAddress)).to.equal(0n);
      });
    });

    describe("withdraw and redeem", function () {
      it('"MUST emit the Withdraw event"', async function () {
        const f = await loadFixture(holdersFixture);
        const { vault, alice } = f;
        await vault.connect(alice).requestRedeem(TOKENS("1000"), alice.address, alice.address);
        await settle(f, 1);
        await expect(vault.connect(alice).redeem(TOKENS("500"), alice.address, alice.address)).to.emit(
          vault,
          "Withdraw",
        );
        await expect(vault.connect(alice).withdraw(USDC("10"), alice.address, alice.address)).to.emit(
          vault,
          "Withdraw",
        );
      });
    });
  });
});
