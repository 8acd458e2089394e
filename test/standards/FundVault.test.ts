/**
 * The fund's ERC-7575 entry point (FundVault, USDC) over the fund manager: synchronous subscriptions, ERC-7540
 * redemption requests in the manager's queue, claims, ERC-7887 cancellations, and the attacks the issue names (an
 * operator or a third-party receiver or controller bypassing the investor rules). The conformance files of this
 * folder quote the standards; this file checks the fund's own rules through the vault.
 */
import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, ZeroAddress } from "ethers";
import { DAY, publishNav, publishReserves } from "../helpers/fund";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { asIssuer, managerFixture } from "../fund/fixtures";
import {
  vaultFixture,
  holdersFixture,
  settle,
  tokensFor,
  netFor,
  USDC,
  TOKENS,
  STATUS,
  HOLD,
  type VaultFixture,
} from "./fixtures";
import type { FundVault } from "../../typechain-types";
import { roleStep } from "../../lib/fund";

/** {holdersFixture} after alice requested the redemption of 1,000 tokens through the vault (request #1). */
async function requestedFixture(): Promise<VaultFixture> {
  const f = await loadFixture(holdersFixture);
  await f.vault.connect(f.alice).requestRedeem(TOKENS("1000"), f.alice.address, f.alice.address);
  return f;
}

/** {requestedFixture} after the transfer agent settled request #1: 999.5 USDC claimable by alice in the vault. */
async function claimableFixture(): Promise<VaultFixture> {
  const f = await loadFixture(requestedFixture);
  await settle(f, 1);
  return f;
}

const deposit = (vault: FundVault) => vault["deposit(uint256,address)"];

describe("FundVault (the USDC entry point)", function () {
  describe("deployment (deploy/scripts/09_vaults.ts)", function () {
    it("should be listed by the token as the entry point of USDC, and point back to the token, USDC and the manager", async function () {
      const { fund, vault, vaultAddress, usdcAddress, fm } = await loadFixture(vaultFixture);
      expect(await fund.contracts.token.vault(usdcAddress)).to.equal(vaultAddress);
      expect(await vault.share()).to.equal(await fund.contracts.token.getAddress());
      expect(await vault.asset()).to.equal(usdcAddress);
      expect(await vault.manager()).to.equal(await fm.getAddress());
    });

    it("should leave a re-run of the vaults script without change", async function () {
      // The deployed configuration (vaultFixture changes the manager's, which a re-run would compare).
      const { fund } = await loadFixture(managerFixture);
      const usdcAddress = await fund.contracts.stablecoins.USDC.getAddress();
      const vaultAddress = (await hre.deployments.get("FundVault.USDC")).address;
      const block = await hre.ethers.provider.getBlockNumber();
      await hre.deployments.run(["vaults"], { resetMemory: false, writeDeploymentsToFiles: false });
      expect(await hre.ethers.provider.getBlockNumber()).to.equal(block);
      expect(await fund.contracts.token.vault(usdcAddress)).to.equal(vaultAddress);
    });

    it("should refuse a constructor given a stablecoin the manager does not know (InvalidAddress)", async function () {
      const { fm, outsider } = await loadFixture(vaultFixture);
      const factory = await hre.ethers.getContractFactory("FundVault");
      await expect(factory.deploy(fm, outsider.address))
        .to.be.revertedWithCustomError(factory, "InvalidAddress")
        .withArgs(outsider.address);
    });
  });

  describe("setVault on the token (ISSUER)", function () {
    it("should refuse an address that is not an entry point of this token for that asset (InvalidVault)", async function () {
      const { fund, fm, usdcAddress, outsider } = await loadFixture(vaultFixture);
      const { token } = fund.contracts;
      await fund.as("issuer").on(token).setVault(usdcAddress, outsider.address);
      await time.increase(2 * DAY);
      await expect(fund.as("issuer").executeOn(token).setVault(usdcAddress, outsider.address))
        .to.be.revertedWithCustomError(token, "InvalidVault")
        .withArgs(usdcAddress, outsider.address);
      // The manager answers asset() and share() with nothing an entry point would.
      await fund
        .as("issuer")
        .on(token)
        .setVault(usdcAddress, await fm.getAddress());
      await time.increase(2 * DAY);
      await expect(
        fund
          .as("issuer")
          .executeOn(token)
          .setVault(usdcAddress, await fm.getAddress()),
      ).to.be.revertedWithCustomError(token, "InvalidVault");
    });

    it("should refuse anyone but the ISSUER", async function () {
      const { fund, fm, usdcAddress, outsider } = await loadFixture(vaultFixture);
      await expect(fund.contracts.token.connect(outsider).setVault(usdcAddress, ZeroAddress))
        .to.be.revertedWithCustomError(fm, "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });
  });

  describe("deposit", function () {
    describe("when an investor subscribes for itself", function () {
      it("should take the USDC, mint the tokens it returns and emit Deposit and the manager's Subscribed", async function () {
        const { vault, vaultAddress, fm, usdc, alice, fund, custodian } = await loadFixture(vaultFixture);
        const { token } = fund.contracts;
        const shares = await deposit(vault.connect(alice)).staticCall(USDC("1000"), alice.address);
        await expect(deposit(vault.connect(alice))(USDC("1000"), alice.address))
          .to.emit(vault, "Deposit")
          .withArgs(alice.address, alice.address, USDC("1000"), tokensFor(USDC("1000")))
          .and.to.emit(fm, "Subscribed")
          .withArgs(
            alice.address,
            alice.address,
            usdc,
            USDC("1000"),
            USDC("1"),
            USDC("999"),
            0,
            tokensFor(USDC("1000")),
            0,
          );
        expect(shares).to.equal(tokensFor(USDC("1000")));
        expect(await token.balanceOf(alice.address)).to.equal(tokensFor(USDC("1000")));
        expect(await usdc.balanceOf(vaultAddress)).to.equal(0n);
        expect(await usdc.balanceOf(custodian)).to.equal(0n);
      });

      it("should share the investor's rolling daily limit with the manager's own subscribe", async function () {
        const { vault, fm, usdc, alice } = await loadFixture(vaultFixture);
        await fm.connect(alice).subscribe(usdc, USDC("3000"), 0);
        await expect(deposit(vault.connect(alice))(USDC("2001"), alice.address))
          .to.be.revertedWithCustomError(fm, "InvestorSubscriptionLimitExceeded")
          .withArgs(alice.address, TOKENS("2001"), anyValue);
        await deposit(vault.connect(alice))(USDC("2000"), alice.address);
      });

      it("should refuse what the manager refuses: minimum, pause", async function () {
        const { vault, fm, alice, fund } = await loadFixture(vaultFixture);
        await expect(deposit(vault.connect(alice))(USDC("999"), alice.address))
          .to.be.revertedWithCustomError(fm, "BelowMinFirstInvestment")
          .withArgs(TOKENS("999"), TOKENS("1000"));
        await fund.as("guardian").on(fm).pauseSubscriptions();
        await expect(
          deposit(vault.connect(alice))(USDC("1000"), alice.address),
        ).to.be.revertedWithCustomError(fm, "SubscriptionsPaused");
      });
    });

    describe("when the subscription first applies a lower NAV round (the oracle allows decreases)", function () {
      it("regression (property test, seed 1080166702): should report the increase at the new index instead of reverting with an arithmetic panic", async function () {
        const { vault, alice, fund } = await loadFixture(holdersFixture);
        const { token, navOracle } = fund.contracts;
        // 200,000 more tokens: the 10 bps decrease takes about 204 of them, more than a 100 USDC top-up buys.
        await fund.as("transferAgent").on(token).mint(alice.address, TOKENS("200000"));
        await asIssuer(fund, [roleStep(navOracle, "setAllowDecrease", [true])]);
        await time.increase(DAY);
        await publishReserves(fund, "10000000");
        await publishNav(fund, "0.999");
        const indexBefore = await token.index();
        const balanceBefore = await token.balanceOf(alice.address);
        const sharesBefore = await token.sharesOf(alice.address);
        const shares = await deposit(vault.connect(alice)).staticCall(USDC("100"), alice.address);
        const tx = deposit(vault.connect(alice))(USDC("100"), alice.address);
        await expect(tx).to.emit(token, "YieldAccrued");
        const index = await token.index();
        const balance = await token.balanceOf(alice.address);
        const increase = balance - (sharesBefore * index) / 10n ** 18n;
        await expect(tx)
          .to.emit(vault, "Deposit")
          .withArgs(alice.address, alice.address, USDC("100"), increase);
        expect(index).to.equal((indexBefore * 999n) / 1000n);
        expect(balance).to.be.lessThan(balanceBefore); // the case that reverted: the decrease outweighs the mint
        expect(increase).to.be.closeTo(tokensFor(USDC("100")), 10n);
        expect(shares).to.equal(increase);
      });
    });

    describe("when the receiver is not the caller (the attacks of a third-party receiver)", function () {
      it("should subscribe for an eligible receiver with the caller's USDC, the receiver's limits applying", async function () {
        const { vault, fm, usdc, alice, dave, fund } = await loadFixture(vaultFixture);
        await expect(deposit(vault.connect(alice))(USDC("1000"), dave.address))
          .to.emit(vault, "Deposit")
          .withArgs(alice.address, dave.address, USDC("1000"), tokensFor(USDC("1000")));
        expect(await fund.contracts.token.balanceOf(dave.address)).to.equal(tokensFor(USDC("1000")));
        // dave's own limit was used, not alice's.
        expect((await fm.subscriptionCapacity(dave.address)).investor).to.equal(TOKENS("4000"));
        expect((await fm.subscriptionCapacity(alice.address)).investor).to.equal(TOKENS("5000"));
        expect(await usdc.balanceOf(dave.address)).to.equal(0n);
      });

      it("should refuse an unregistered receiver with NotAnInvestor", async function () {
        const { vault, fm, alice, outsider } = await loadFixture(vaultFixture);
        await expect(deposit(vault.connect(alice))(USDC("1000"), outsider.address))
          .to.be.revertedWithCustomError(fm, "NotAnInvestor")
          .withArgs(outsider.address);
      });

      it("should refuse an account of the fund as receiver with NotAnInvestor", async function () {
        const { vault, fm, alice, feeWallet } = await loadFixture(vaultFixture);
        await expect(deposit(vault.connect(alice))(USDC("1000"), feeWallet))
          .to.be.revertedWithCustomError(fm, "NotAnInvestor")
          .withArgs(feeWallet);
      });

      it("should refuse a frozen receiver with the token's WalletFrozen", async function () {
        const { vault, alice, dave, fund } = await loadFixture(vaultFixture);
        const { token } = fund.contracts;
        await fund.as("transferAgent").on(token).setAddressFrozen(dave.address, true);
        await expect(deposit(vault.connect(alice))(USDC("1000"), dave.address))
          .to.be.revertedWithCustomError(token, "WalletFrozen")
          .withArgs(dave.address);
      });

      it("should refuse a payer the fund could not pay (unverified, sanctioned) with IneligibleWallet", async function () {
        const { vault, vaultAddress, fm, usdc, alice, dave, outsider, fund } =
          await loadFixture(vaultFixture);
        await usdc.mint(outsider.address, USDC("1000"));
        await usdc.connect(outsider).approve(vaultAddress, MaxUint256);
        await expect(deposit(vault.connect(outsider))(USDC("1000"), dave.address))
          .to.be.revertedWithCustomError(fm, "IneligibleWallet")
          .withArgs(outsider.address, HOLD.NotVerified);
        await fund.as("complianceOfficer").on(fund.contracts.compliance).setSanctioned([alice.address], true);
        await expect(deposit(vault.connect(alice))(USDC("1000"), dave.address))
          .to.be.revertedWithCustomError(fm, "IneligibleWallet")
          .withArgs(alice.address, HOLD.Sanctioned);
      });
    });

    it("should refuse a caller that is not the registered entry point on the manager (NotTheVault)", async function () {
      const { fm, usdc, alice } = await loadFixture(vaultFixture);
      await expect(fm.connect(alice).subscribeFor(usdc, USDC("1000"), 0, alice.address, alice.address))
        .to.be.revertedWithCustomError(fm, "NotTheVault")
        .withArgs(usdc, alice.address);
    });
  });

  describe("mint", function () {
    it("should take previewMint's amount and give the receiver at least the shares asked", async function () {
      const { vault, fm, usdc, alice, fund } = await loadFixture(vaultFixture);
      const shares = TOKENS("1234.567890123456789");
      const assets = await vault.previewMint(shares);
      const before = await usdc.balanceOf(alice.address);
      await vault.connect(alice)["mint(uint256,address)"](shares, alice.address);
      expect(before - (await usdc.balanceOf(alice.address))).to.equal(assets);
      const received = await fund.contracts.token.balanceOf(alice.address);
      expect(received >= shares).to.equal(true);
      // One micro-USDC less would not have been enough, so the excess is below one micro-USDC's worth.
      const { tokens: fewer } = await fm.quoteSubscription(usdc, assets - 1n);
      expect(fewer < shares + 1n).to.equal(true);
      expect(received - shares < 10n ** 12n + 2n).to.equal(true);
    });
  });

  describe("requestRedeem", function () {
    describe("when the owner requests for itself", function () {
      it("should escrow the tokens in the manager, queue request #1 controlled by the owner and emit both events", async function () {
        const { vault, fm, usdc, alice, fund } = await loadFixture(holdersFixture);
        const { token } = fund.contracts;
        const requestId = await vault
          .connect(alice)
          .requestRedeem.staticCall(TOKENS("1000"), alice.address, alice.address);
        expect(requestId).to.equal(1n);
        await expect(vault.connect(alice).requestRedeem(TOKENS("1000"), alice.address, alice.address))
          .to.emit(vault, "RedeemRequest")
          .withArgs(alice.address, alice.address, 1, alice.address, TOKENS("1000"))
          .and.to.emit(fm, "RedemptionRequested")
          .withArgs(1, alice.address, usdc, TOKENS("1000"), TOKENS("1000"), 0)
          .and.to.emit(fm, "VaultRegistered")
          .withArgs(await vault.getAddress(), 1)
          .and.not.to.emit(fm, "Redeemed");
        expect(await token.balanceOf(alice.address)).to.equal(TOKENS("2996"));
        expect(await token.balanceOf(fm)).to.equal(TOKENS("1000"));
        const [r] = await fm.request(1);
        expect([r.investor, r.status, r.vaultId, r.shares, r.minOut]).to.deep.equal([
          alice.address,
          BigInt(STATUS.Pending),
          1n,
          TOKENS("1000"),
          0n,
        ]);
        expect(await vault.pendingRedeemRequest(1, alice.address)).to.equal(TOKENS("1000"));
      });

      it("should queue it even when the free buffer could pay it at once (requests are always asynchronous)", async function () {
        const { vault, fm, usdc, alice } = await loadFixture(holdersFixture);
        expect((await fm.liquidity(usdc)).free).to.equal(USDC("2000"));
        await vault.connect(alice).requestRedeem(TOKENS("100"), alice.address, alice.address);
        expect((await fm.queue()).pendingCount).to.equal(1n);
        expect((await fm.liquidity(usdc)).balance).to.equal(USDC("2000"));
      });

      it("should keep first in, first out with the manager's own requests", async function () {
        const f = await loadFixture(holdersFixture);
        const { vault, fm, usdc, alice, bob, fund } = f;
        await asIssuer(fund, [roleStep(fm, "setInstantRedemption", [false])]);
        await fm.connect(bob).requestRedemption(TOKENS("1200"), usdc, 0); // #1, direct
        await vault.connect(alice).requestRedeem(TOKENS("700"), alice.address, alice.address); // #2, vault
        await fm.connect(bob).requestRedemption(TOKENS("500"), usdc, 0); // #3, direct
        // 2,000 USDC: #1 (1,200) and #2 (700) are paid, #3 waits.
        await settle(f, 10);
        expect((await fm.request(1)).r.status).to.equal(STATUS.Settled);
        expect((await fm.request(2)).r.status).to.equal(STATUS.Settled);
        expect((await fm.request(3)).r.status).to.equal(STATUS.Pending);
        expect(await vault.claimableRedeemRequest(2, alice.address)).to.equal(TOKENS("700"));
      });
    });

    describe("when the caller is not the owner (the attacks of an operator)", function () {
      it("should let an operator the owner approved request without an allowance", async function () {
        const { vault, fund, alice, bob } = await loadFixture(holdersFixture);
        await vault.connect(alice).setOperator(bob.address, true);
        await expect(vault.connect(bob).requestRedeem(TOKENS("100"), bob.address, alice.address))
          .to.emit(vault, "RedeemRequest")
          .withArgs(bob.address, alice.address, 1, bob.address, TOKENS("100"));
        expect(await fund.contracts.token.allowance(alice.address, bob.address)).to.equal(0n);
      });

      it("should refuse a caller with neither approval nor allowance (ERC20InsufficientAllowance)", async function () {
        const { vault, fund, alice, bob } = await loadFixture(holdersFixture);
        await expect(vault.connect(bob).requestRedeem(TOKENS("100"), bob.address, alice.address))
          .to.be.revertedWithCustomError(fund.contracts.token, "ERC20InsufficientAllowance")
          .withArgs(bob.address, 0, TOKENS("100"));
      });

      it("should spend the allowance of a caller the owner approved through ERC-20", async function () {
        const { vault, fund, alice, bob } = await loadFixture(holdersFixture);
        const { token } = fund.contracts;
        await token.connect(alice).approve(bob.address, TOKENS("150"));
        await vault.connect(bob).requestRedeem(TOKENS("100"), bob.address, alice.address);
        expect(await token.allowance(alice.address, bob.address)).to.equal(TOKENS("50"));
      });

      it("should apply the token's sender checks to the owner, whoever calls: frozen wallet, frozen tokens", async function () {
        const { vault, fund, alice, bob } = await loadFixture(holdersFixture);
        const { token } = fund.contracts;
        await vault.connect(alice).setOperator(bob.address, true);
        await fund.as("transferAgent").on(token).freezePartialTokens(alice.address, TOKENS("3000"));
        await expect(vault.connect(bob).requestRedeem(TOKENS("1000"), bob.address, alice.address))
          .to.be.revertedWithCustomError(token, "InsufficientUnfrozenBalance")
          .withArgs(alice.address, TOKENS("996"), TOKENS("1000"));
        await fund.as("transferAgent").on(token).setAddressFrozen(alice.address, true);
        await expect(vault.connect(bob).requestRedeem(TOKENS("1"), bob.address, alice.address))
          .to.be.revertedWithCustomError(token, "WalletFrozen")
          .withArgs(alice.address);
      });

      it("should apply the compliance's daily outflow limit to the owner, whoever calls", async function () {
        const f = await loadFixture(holdersFixture);
        const { vault, fund, alice, bob } = f;
        const { compliance, token } = fund.contracts;
        const rules = await compliance.rules();
        await asIssuer(fund, [
          roleStep(compliance, "setMaxDailyOutflow", [TOKENS("500")]),
          roleStep(compliance, "setRules", [rules | (1n << 6n)]),
        ]);
        await vault.connect(alice).setOperator(bob.address, true);
        await expect(vault.connect(bob).requestRedeem(TOKENS("501"), bob.address, alice.address))
          .to.be.revertedWithCustomError(compliance, "TransferRestricted")
          .withArgs(20);
        expect(await token.canTransfer(alice.address, await f.fm.getAddress(), TOKENS("501"))).to.equal(
          false,
        );
      });

      it("should refuse a sanctioned owner with WalletSanctioned, whatever the sanctions rule", async function () {
        const { vault, fm, fund, alice, bob } = await loadFixture(holdersFixture);
        await vault.connect(alice).setOperator(bob.address, true);
        await fund.as("complianceOfficer").on(fund.contracts.compliance).setSanctioned([alice.address], true);
        await expect(vault.connect(bob).requestRedeem(TOKENS("1"), bob.address, alice.address))
          .to.be.revertedWithCustomError(fm, "WalletSanctioned")
          .withArgs(alice.address);
      });
    });

    describe("when the controller is not the owner (the attacks of a third-party controller)", function () {
      it("should accept an eligible controller, who is then the request's investor", async function () {
        const { vault, fm, alice, dave } = await loadFixture(holdersFixture);
        await vault.connect(alice).requestRedeem(TOKENS("100"), dave.address, alice.address);
        expect((await fm.request(1)).r.investor).to.equal(dave.address);
        expect(await vault.pendingRedeemRequest(1, dave.address)).to.equal(TOKENS("100"));
        expect(await vault.pendingRedeemRequest(1, alice.address)).to.equal(0n);
      });

      it("should refuse a controller the fund could not pay (unverified, frozen, sanctioned) with IneligibleWallet", async function () {
        const { vault, fm, fund, alice, dave, outsider } = await loadFixture(holdersFixture);
        await expect(vault.connect(alice).requestRedeem(TOKENS("1"), outsider.address, alice.address))
          .to.be.revertedWithCustomError(fm, "IneligibleWallet")
          .withArgs(outsider.address, HOLD.NotVerified);
        await fund.as("transferAgent").on(fund.contracts.token).setAddressFrozen(dave.address, true);
        await expect(vault.connect(alice).requestRedeem(TOKENS("1"), dave.address, alice.address))
          .to.be.revertedWithCustomError(fm, "IneligibleWallet")
          .withArgs(dave.address, HOLD.Frozen);
        await fund.as("complianceOfficer").on(fund.contracts.compliance).setSanctioned([dave.address], true);
        await fund.as("transferAgent").on(fund.contracts.token).setAddressFrozen(dave.address, false);
        await expect(vault.connect(alice).requestRedeem(TOKENS("1"), dave.address, alice.address))
          .to.be.revertedWithCustomError(fm, "IneligibleWallet")
          .withArgs(dave.address, HOLD.Sanctioned);
      });
    });

    it("should refuse while redemptions are paused, and refuse a caller that is not the entry point on the manager", async function () {
      const { vault, fm, fund, usdc, alice } = await loadFixture(holdersFixture);
      await expect(
        fm.connect(alice).requestRedemptionFor(alice.address, alice.address, alice.address, usdc, 1n),
      )
        .to.be.revertedWithCustomError(fm, "NotTheVault")
        .withArgs(usdc, alice.address);
      await fund.as("guardian").on(fm).pauseRedemptions();
      await expect(
        vault.connect(alice).requestRedeem(TOKENS("1"), alice.address, alice.address),
      ).to.be.revertedWithCustomError(fm, "RedemptionsPaused");
    });

    it("should refuse a request that would pay nothing (RedemptionTooSmall)", async function () {
      const { vault, fm, alice } = await loadFixture(holdersFixture);
      await expect(vault.connect(alice).requestRedeem(10n ** 12n - 1n, alice.address, alice.address))
        .to.be.revertedWithCustomError(fm, "RedemptionTooSmall")
        .withArgs(10n ** 12n - 1n);
    });
  });

  describe("settlement by the transfer agent", function () {
    it("should pay the net into the vault (not the controller), the fee to the fee recipient, and make it claimable", async function () {
      const f = await loadFixture(requestedFixture);
      const { vault, vaultAddress, fm, usdc, alice, fund, feeWallet } = f;
      const aliceUsdc = await usdc.balanceOf(alice.address);
      const result = await settle(f, 1);
      await expect(result.response)
        .to.emit(fm, "RedemptionSettled")
        .withArgs(
          1,
          alice.address,
          usdc,
          TOKENS("1000"),
          TOKENS("1000"),
          USDC("1000"),
          USDC("0.5"),
          USDC("999.5"),
        );
      expect(await usdc.balanceOf(vaultAddress)).to.equal(USDC("999.5"));
      expect(await usdc.balanceOf(alice.address)).to.equal(aliceUsdc);
      expect(await usdc.balanceOf(feeWallet)).to.equal(USDC("8.5")); // 8 of subscription fees
      expect(await vault.pendingRedeemRequest(1, alice.address)).to.equal(0n);
      expect(await vault.claimableRedeemRequest(1, alice.address)).to.equal(TOKENS("1000"));
      expect(await vault.maxRedeem(alice.address)).to.equal(TOKENS("1000"));
      expect(await vault.maxWithdraw(alice.address)).to.equal(USDC("999.5"));
      expect(await fund.contracts.token.balanceOf(fm)).to.equal(0n);
    });

    it("should hold the request of a controller sanctioned, frozen or revoked since, and credit nothing", async function () {
      const f = await loadFixture(requestedFixture);
      const { vault, vaultAddress, fm, usdc, alice, fund } = f;
      await fund.as("complianceOfficer").on(fund.contracts.compliance).setSanctioned([alice.address], true);
      await expect((await settle(f, 1)).response)
        .to.emit(fm, "RedemptionHeld")
        .withArgs(1, alice.address, HOLD.Sanctioned);
      expect(await usdc.balanceOf(vaultAddress)).to.equal(0n);
      expect(await vault.maxRedeem(alice.address)).to.equal(0n);
      expect(await vault.pendingRedeemRequest(1, alice.address)).to.equal(TOKENS("1000"));
      // Once the controller may be paid again, settleHeld pays into the vault as well.
      await fund.as("complianceOfficer").on(fund.contracts.compliance).setSanctioned([alice.address], false);
      await fund.as("transferAgent").on(fm).settleHeld([1]);
      expect(await usdc.balanceOf(vaultAddress)).to.equal(USDC("999.5"));
      expect(await vault.claimableRedeemRequest(1, alice.address)).to.equal(TOKENS("1000"));
    });

    it("should let the transfer agent release a held vault request's escrow (releaseHeld)", async function () {
      const { vault, fm, alice, fund } = await loadFixture(requestedFixture);
      await fund.as("transferAgent").on(fm).holdRequest(1);
      await fund.as("transferAgent").on(fm).releaseHeld(1, alice.address);
      expect((await fm.request(1)).r.status).to.equal(STATUS.Released);
      expect(await vault.pendingRedeemRequest(1, alice.address)).to.equal(0n);
      expect(await fund.contracts.token.balanceOf(alice.address)).to.equal(TOKENS("3996"));
    });
  });

  describe("redeem and withdraw (claims)", function () {
    it("should pay the controller's whole claim, emit Withdraw and leave nothing claimable", async function () {
      const { vault, vaultAddress, fm, usdc, alice } = await loadFixture(claimableFixture);
      const before = await usdc.balanceOf(alice.address);
      await expect(vault.connect(alice).redeem(TOKENS("1000"), alice.address, alice.address))
        .to.emit(vault, "Withdraw")
        .withArgs(alice.address, alice.address, alice.address, USDC("999.5"), TOKENS("1000"))
        .and.to.emit(fm, "RedemptionClaimed")
        .withArgs(vaultAddress, alice.address, alice.address, TOKENS("1000"), USDC("999.5"));
      expect((await usdc.balanceOf(alice.address)) - before).to.equal(USDC("999.5"));
      expect(await usdc.balanceOf(vaultAddress)).to.equal(0n);
      expect(await vault.claimableRedeemRequest(1, alice.address)).to.equal(0n);
      expect(await fm.claimable(vaultAddress, alice.address)).to.deep.equal([0n, 0n]);
    });

    it("should pay a part pro rata (rounded down) and the rest exactly with withdraw", async function () {
      const { vault, usdc, alice } = await loadFixture(claimableFixture);
      const before = await usdc.balanceOf(alice.address);
      expect(
        await vault.connect(alice).redeem.staticCall(TOKENS("333"), alice.address, alice.address),
      ).to.equal(USDC("332.8335"));
      await vault.connect(alice).redeem(TOKENS("333"), alice.address, alice.address);
      expect(await vault.claimableRedeemRequest(1, alice.address)).to.equal(TOKENS("667"));
      await vault.connect(alice).withdraw(USDC("666.6665"), alice.address, alice.address);
      expect((await usdc.balanceOf(alice.address)) - before).to.equal(USDC("999.5"));
      expect(await vault.maxRedeem(alice.address)).to.equal(0n);
    });

    it("should refuse a claim above the claimable amount (ClaimExceedsClaimable) and a stranger (UnauthorizedCaller)", async function () {
      const { vault, fm, alice, bob } = await loadFixture(claimableFixture);
      await expect(vault.connect(alice).redeem(TOKENS("1000") + 1n, alice.address, alice.address))
        .to.be.revertedWithCustomError(fm, "ClaimExceedsClaimable")
        .withArgs(alice.address, TOKENS("1000") + 1n, TOKENS("1000"));
      await expect(vault.connect(alice).withdraw(USDC("999.5") + 1n, alice.address, alice.address))
        .to.be.revertedWithCustomError(fm, "ClaimExceedsClaimable")
        .withArgs(alice.address, USDC("999.5") + 1n, USDC("999.5"));
      await expect(vault.connect(bob).redeem(TOKENS("1"), bob.address, alice.address))
        .to.be.revertedWithCustomError(vault, "UnauthorizedCaller")
        .withArgs(bob.address, alice.address);
    });

    describe("when the receiver or the caller is a third party (no compliance bypass)", function () {
      it("should let an operator claim to an eligible third party", async function () {
        const { vault, usdc, alice, bob, dave } = await loadFixture(claimableFixture);
        await vault.connect(alice).setOperator(bob.address, true);
        await vault.connect(bob).redeem(TOKENS("1000"), dave.address, alice.address);
        expect(await usdc.balanceOf(dave.address)).to.equal(USDC("999.5"));
      });

      it("should refuse a receiver the fund could not pay (unverified, frozen, sanctioned) with IneligibleWallet", async function () {
        const { vault, fm, fund, alice, dave, outsider } = await loadFixture(claimableFixture);
        await expect(vault.connect(alice).redeem(TOKENS("1"), outsider.address, alice.address))
          .to.be.revertedWithCustomError(fm, "IneligibleWallet")
          .withArgs(outsider.address, HOLD.NotVerified);
        await fund.as("transferAgent").on(fund.contracts.token).setAddressFrozen(dave.address, true);
        await expect(vault.connect(alice).redeem(TOKENS("1"), dave.address, alice.address))
          .to.be.revertedWithCustomError(fm, "IneligibleWallet")
          .withArgs(dave.address, HOLD.Frozen);
      });

      it("should refuse a controller sanctioned since the settlement, even through an operator", async function () {
        const { vault, fm, fund, alice, bob } = await loadFixture(claimableFixture);
        await vault.connect(alice).setOperator(bob.address, true);
        await fund.as("complianceOfficer").on(fund.contracts.compliance).setSanctioned([alice.address], true);
        expect(await vault.maxRedeem(alice.address)).to.equal(0n);
        await expect(vault.connect(bob).redeem(TOKENS("1"), bob.address, alice.address))
          .to.be.revertedWithCustomError(fm, "IneligibleWallet")
          .withArgs(alice.address, HOLD.Sanctioned);
      });
    });

    it("should refuse claims while redemptions are paused, and report nothing claimable", async function () {
      const { vault, fm, fund, alice } = await loadFixture(claimableFixture);
      await fund.as("guardian").on(fm).pauseRedemptions();
      expect(await vault.maxWithdraw(alice.address)).to.equal(0n);
      await expect(
        vault.connect(alice).redeem(TOKENS("1"), alice.address, alice.address),
      ).to.be.revertedWithCustomError(fm, "RedemptionsPaused");
    });

    it("should refuse a claim booked directly on the manager by anyone but a vault with claims", async function () {
      const { fm, alice } = await loadFixture(claimableFixture);
      await expect(fm.connect(alice).claimRedeemFor(alice.address, alice.address, 1n))
        .to.be.revertedWithCustomError(fm, "ClaimExceedsClaimable")
        .withArgs(alice.address, 1n, 0n);
    });
  });

  describe("cancelRedeemRequest and claimCancelRedeemRequest", function () {
    it("should take the request out of the queue at once and return its escrow on the claim", async function () {
      const { vault, fm, fund, alice } = await loadFixture(requestedFixture);
      const { token } = fund.contracts;
      await expect(vault.connect(alice).cancelRedeemRequest(1, alice.address))
        .to.emit(vault, "CancelRedeemRequest")
        .withArgs(alice.address, 1, alice.address)
        .and.to.emit(fm, "RedemptionCancelClaimable")
        .withArgs(1, alice.address, TOKENS("1000"));
      expect((await fm.request(1)).r.status).to.equal(STATUS.CancelClaimable);
      expect((await fm.queue()).pendingCount).to.equal(0n);
      expect(await fm.cancelledEscrow()).to.equal(TOKENS("1000"));
      expect(await vault.claimableCancelRedeemRequest(1, alice.address)).to.equal(TOKENS("1000"));
      expect(await token.balanceOf(alice.address)).to.equal(TOKENS("2996"));
      await expect(vault.connect(alice).claimCancelRedeemRequest(1, alice.address, alice.address))
        .to.emit(vault, "CancelRedeemClaim")
        .withArgs(alice.address, alice.address, 1, alice.address, TOKENS("1000"))
        .and.to.emit(fm, "CancellationClaimed")
        .withArgs(1, alice.address, alice.address, TOKENS("1000"), TOKENS("1000"));
      expect(await token.balanceOf(alice.address)).to.equal(TOKENS("3996"));
      expect((await fm.request(1)).r.status).to.equal(STATUS.Cancelled);
      expect(await fm.cancelledEscrow()).to.equal(0n);
    });

    it("should send the escrow to a third party only under the token's recipient checks", async function () {
      const { vault, fund, alice, dave, outsider } = await loadFixture(requestedFixture);
      const { token } = fund.contracts;
      await vault.connect(alice).cancelRedeemRequest(1, alice.address);
      await expect(vault.connect(alice).claimCancelRedeemRequest(1, outsider.address, alice.address))
        .to.be.revertedWithCustomError(token, "RecipientNotVerified")
        .withArgs(outsider.address);
      await vault.connect(alice).claimCancelRedeemRequest(1, dave.address, alice.address);
      expect(await token.balanceOf(dave.address)).to.equal(TOKENS("1000"));
    });

    it("should refuse a stranger, another controller, another vault's request and a settled request", async function () {
      const f = await loadFixture(requestedFixture);
      const { vault, fm, alice, bob } = f;
      await expect(vault.connect(bob).cancelRedeemRequest(1, alice.address))
        .to.be.revertedWithCustomError(vault, "UnauthorizedCaller")
        .withArgs(bob.address, alice.address);
      await expect(vault.connect(bob).cancelRedeemRequest(1, bob.address))
        .to.be.revertedWithCustomError(fm, "NotRequestOwner")
        .withArgs(1, bob.address, alice.address);
      await expect(fm.connect(alice).cancelRedemptionFor(1, alice.address))
        .to.be.revertedWithCustomError(fm, "NotRequestVault")
        .withArgs(1, alice.address);
      await settle(f, 1);
      await expect(vault.connect(alice).cancelRedeemRequest(1, alice.address))
        .to.be.revertedWithCustomError(fm, "InvalidRequestStatus")
        .withArgs(1, STATUS.Settled);
    });

    it("should also let the controller cancel through the manager's own cancelRedemption", async function () {
      const { fm, fund, alice } = await loadFixture(requestedFixture);
      await expect(fm.connect(alice).cancelRedemption(1))
        .to.emit(fm, "RedemptionCancelled")
        .withArgs(1, alice.address, TOKENS("1000"), TOKENS("1000"));
      expect(await fund.contracts.token.balanceOf(alice.address)).to.equal(TOKENS("3996"));
    });
  });

  describe("when the issuer replaces the entry point", function () {
    it("should refuse new calls of the old vault and keep serving its requests' claims", async function () {
      const f = await loadFixture(requestedFixture);
      const { vault, vaultAddress, fm, fund, alice, usdcAddress } = f;
      const replacement = await (await hre.ethers.getContractFactory("FundVault")).deploy(fm, usdcAddress);
      await asIssuer(fund, [
        roleStep(fund.contracts.token, "setVault", [usdcAddress, await replacement.getAddress()]),
      ]);
      await expect(vault.connect(alice).requestRedeem(TOKENS("1"), alice.address, alice.address))
        .to.be.revertedWithCustomError(fm, "NotTheVault")
        .withArgs(usdcAddress, vaultAddress);
      await settle(f, 1);
      expect(await f.usdc.balanceOf(vaultAddress)).to.equal(USDC("999.5"));
      expect(await replacement.maxRedeem(alice.address)).to.equal(0n);
      await vault.connect(alice).redeem(TOKENS("1000"), alice.address, alice.address);
      expect(await replacement.pendingRedeemRequest(1, alice.address)).to.equal(0n);
    });
  });

  describe("net amounts (helpers of these tests)", function () {
    it("should match the manager's quotes", async function () {
      const { fm, usdc } = await loadFixture(vaultFixture);
      expect((await fm.quoteSubscription(usdc, USDC("1000"))).tokens).to.equal(tokensFor(USDC("1000")));
      expect((await fm.quoteRedemption(usdc, TOKENS("1000"))).net).to.equal(netFor(TOKENS("1000")));
    });
  });
});
