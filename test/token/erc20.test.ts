import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, ZeroAddress } from "ethers";
import { RESTRICTION } from "../../lib/compliance-rules";
import {
  COUNTRY,
  ONE,
  investorsFixture,
  mint,
  registerMany,
  revertingGuardFixture,
  type InvestorsFixture,
} from "./fixtures";

/** Freezes a wallet through the transfer agent's Safe. */
async function freeze(f: InvestorsFixture, wallet: string) {
  await f.fund.as("transferAgent").on(f.token).setAddressFrozen(wallet, true);
}

/** Freezes part of a wallet's tokens through the transfer agent's Safe. */
async function freezePartial(f: InvestorsFixture, wallet: string, amount: bigint) {
  await f.fund.as("transferAgent").on(f.token).freezePartialTokens(wallet, amount);
}

async function sanction(f: InvestorsFixture, wallet: string) {
  await f.fund.as("complianceOfficer").on(f.fund.contracts.compliance).setSanctioned([wallet], true);
}

async function revoke(f: InvestorsFixture, wallet: string) {
  await f.fund.as("complianceOfficer").on(f.fund.contracts.registry).setRevoked(wallet, [wallet], true);
}

async function pause(f: InvestorsFixture) {
  await f.fund.as("guardian").on(f.token).pause();
}

/**
 * The calls (CALL and STATICCALL) a mined transaction made to each address, from its opcode trace: the target of
 * a call is the second word of the stack when the opcode runs.
 */
async function callsByTarget(hash: string): Promise<Map<string, number>> {
  const trace = (await ethers.provider.send("debug_traceTransaction", [
    hash,
    { disableMemory: true, disableStorage: true },
  ])) as { structLogs: { op: string; stack?: string[] }[] };
  const calls = new Map<string, number>();
  for (const log of trace.structLogs) {
    if ((log.op !== "CALL" && log.op !== "STATICCALL") || !log.stack) continue;
    const word = log.stack[log.stack.length - 2];
    const target = ethers.getAddress(ethers.toBeHex(BigInt(word.startsWith("0x") ? word : "0x" + word), 20));
    calls.set(target, (calls.get(target) ?? 0) + 1);
  }
  return calls;
}

describe("FundToken: ERC-20", function () {
  describe("metadata", function () {
    it("should report the configured name and symbol, 18 decimals and version 1.0.0", async function () {
      const { token } = await loadFixture(investorsFixture);
      expect(await token.name()).to.equal("Demo Treasury Money Fund");
      expect(await token.symbol()).to.equal("DTMF");
      expect(await token.decimals()).to.equal(18n);
      expect(await token.version()).to.equal("1.0.0");
    });

    it("should report the identity registry, the compliance and no ONCHAINID", async function () {
      const { token, fund } = await loadFixture(investorsFixture);
      expect(await token.identityRegistry()).to.equal(await fund.contracts.registry.getAddress());
      expect(await token.compliance()).to.equal(await fund.contracts.compliance.getAddress());
      expect(await token.onchainID()).to.equal(ZeroAddress);
    });
  });

  describe("totalSupply and balanceOf", function () {
    it("should report the minted balances and their sum at the index of inception", async function () {
      const { token, alice, bob, carol, dave, amounts } = await loadFixture(investorsFixture);
      expect(await token.balanceOf(alice.address)).to.equal(amounts.alice);
      expect(await token.balanceOf(bob.address)).to.equal(amounts.bob);
      expect(await token.balanceOf(carol.address)).to.equal(amounts.carol);
      expect(await token.balanceOf(dave.address)).to.equal(0n);
      expect(await token.totalSupply()).to.equal(amounts.alice + amounts.bob + amounts.carol);
    });
  });

  describe("approve", function () {
    it("should set the allowance in token units and emit Approval", async function () {
      const { token, alice, bob } = await loadFixture(investorsFixture);
      await expect(token.connect(alice).approve(bob.address, 5n * ONE))
        .to.emit(token, "Approval")
        .withArgs(alice.address, bob.address, 5n * ONE);
      expect(await token.allowance(alice.address, bob.address)).to.equal(5n * ONE);
      expect(await token.connect(alice).approve.staticCall(bob.address, 1n)).to.equal(true);
    });

    it("should overwrite a previous allowance", async function () {
      const { token, alice, bob } = await loadFixture(investorsFixture);
      await token.connect(alice).approve(bob.address, 5n * ONE);
      await token.connect(alice).approve(bob.address, 2n);
      expect(await token.allowance(alice.address, bob.address)).to.equal(2n);
    });

    it("should refuse the zero spender with ERC20InvalidSpender", async function () {
      const { token, alice } = await loadFixture(investorsFixture);
      await expect(token.connect(alice).approve(ZeroAddress, 1n))
        .to.be.revertedWithCustomError(token, "ERC20InvalidSpender")
        .withArgs(ZeroAddress);
    });

    it("should let an unregistered wallet approve (approving moves nothing)", async function () {
      const { token, erin, alice } = await loadFixture(investorsFixture);
      await token.connect(erin).approve(alice.address, 1n);
      expect(await token.allowance(erin.address, alice.address)).to.equal(1n);
    });
  });

  describe("transfer", function () {
    describe("when both parties are verified and the rules pass", function () {
      it("should move the amount and emit Transfer and TransferShares", async function () {
        const { token, alice, bob, amounts } = await loadFixture(investorsFixture);
        await expect(token.connect(alice).transfer(bob.address, 100n * ONE))
          .to.emit(token, "Transfer")
          .withArgs(alice.address, bob.address, 100n * ONE)
          .and.to.emit(token, "TransferShares")
          .withArgs(alice.address, bob.address, 100n * ONE);
        expect(await token.balanceOf(alice.address)).to.equal(amounts.alice - 100n * ONE);
        expect(await token.balanceOf(bob.address)).to.equal(amounts.bob + 100n * ONE);
        expect(await token.sharesOf(alice.address)).to.equal(amounts.alice - 100n * ONE);
      });

      it("should return true", async function () {
        const { token, alice, bob } = await loadFixture(investorsFixture);
        expect(await token.connect(alice).transfer.staticCall(bob.address, 1n * ONE)).to.equal(true);
      });

      it("should let a new holder join and count it in the compliance", async function () {
        const { token, fund, alice, dave } = await loadFixture(investorsFixture);
        const before = await fund.contracts.compliance.investorCount();
        await token.connect(alice).transfer(dave.address, 10n * ONE);
        expect(await token.balanceOf(dave.address)).to.equal(10n * ONE);
        expect(await fund.contracts.compliance.investorCount()).to.equal(before + 1n);
      });

      it("should leave exactly zero shares when the whole balance is sent", async function () {
        const { token, bob, carol, amounts } = await loadFixture(investorsFixture);
        await token.connect(carol).transfer(bob.address, await token.balanceOf(carol.address));
        expect(await token.sharesOf(carol.address)).to.equal(0n);
        expect(await token.balanceOf(bob.address)).to.equal(amounts.bob + amounts.carol);
      });

      it("should let a holder send to itself without changing its balance", async function () {
        const { token, alice, amounts } = await loadFixture(investorsFixture);
        await expect(token.connect(alice).transfer(alice.address, 7n * ONE))
          .to.emit(token, "Transfer")
          .withArgs(alice.address, alice.address, 7n * ONE);
        expect(await token.balanceOf(alice.address)).to.equal(amounts.alice);
      });

      it("should allow a zero amount between verified investors", async function () {
        const { token, alice, bob, amounts } = await loadFixture(investorsFixture);
        await expect(token.connect(alice).transfer(bob.address, 0n))
          .to.emit(token, "Transfer")
          .withArgs(alice.address, bob.address, 0n);
        expect(await token.balanceOf(bob.address)).to.equal(amounts.bob);
      });

      it("should call the registry once (transferRecords) and the compliance once, which reads no registry itself", async function () {
        // Issue 16 finding 8 (docs sweep), docs/TOKEN.md: "the compliance never calls the registry again".
        const { token, fund, alice, bob } = await loadFixture(investorsFixture);
        const receipt = await (await token.connect(alice).transfer(bob.address, 100n * ONE)).wait();
        const calls = await callsByTarget(receipt!.hash);
        expect(calls.get(await fund.contracts.registry.getAddress())).to.equal(1);
        expect(calls.get(await fund.contracts.compliance.getAddress())).to.equal(1);
      });
    });

    describe("when the ERC-20 conditions fail", function () {
      it("should refuse the zero recipient with ERC20InvalidReceiver", async function () {
        const { token, alice } = await loadFixture(investorsFixture);
        await expect(token.connect(alice).transfer(ZeroAddress, 1n))
          .to.be.revertedWithCustomError(token, "ERC20InvalidReceiver")
          .withArgs(ZeroAddress);
      });

      it("should refuse more than the balance with ERC20InsufficientBalance(sender, balance, needed)", async function () {
        const { token, bob, carol, amounts } = await loadFixture(investorsFixture);
        await expect(token.connect(carol).transfer(bob.address, amounts.carol + 1n))
          .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
          .withArgs(carol.address, amounts.carol, amounts.carol + 1n);
      });

      it("should refuse a wallet holding nothing with ERC20InsufficientBalance(sender, 0, needed)", async function () {
        const { token, bob, dave } = await loadFixture(investorsFixture);
        await expect(token.connect(dave).transfer(bob.address, 1n))
          .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
          .withArgs(dave.address, 0n, 1n);
      });
    });

    describe("when a wallet is frozen", function () {
      it("should refuse a frozen sender with WalletFrozen(sender)", async function () {
        const f = await loadFixture(investorsFixture);
        await freeze(f, f.alice.address);
        await expect(f.token.connect(f.alice).transfer(f.bob.address, 1n))
          .to.be.revertedWithCustomError(f.token, "WalletFrozen")
          .withArgs(f.alice.address);
      });

      it("should refuse a frozen recipient with WalletFrozen(recipient)", async function () {
        const f = await loadFixture(investorsFixture);
        await freeze(f, f.bob.address);
        await expect(f.token.connect(f.alice).transfer(f.bob.address, 1n))
          .to.be.revertedWithCustomError(f.token, "WalletFrozen")
          .withArgs(f.bob.address);
      });

      it("should refuse more than the unfrozen balance with InsufficientUnfrozenBalance", async function () {
        const f = await loadFixture(investorsFixture);
        await freezePartial(f, f.carol.address, 4_000n * ONE);
        await expect(f.token.connect(f.carol).transfer(f.bob.address, 6_000n * ONE + 1n))
          .to.be.revertedWithCustomError(f.token, "InsufficientUnfrozenBalance")
          .withArgs(f.carol.address, 6_000n * ONE, 6_000n * ONE + 1n);
        await f.token.connect(f.carol).transfer(f.bob.address, 6_000n * ONE);
        expect(await f.token.balanceOf(f.carol.address)).to.equal(4_000n * ONE);
      });
    });

    describe("when a party is not verified", function () {
      it("should refuse an unregistered recipient with RecipientNotVerified", async function () {
        const { token, alice, erin } = await loadFixture(investorsFixture);
        await expect(token.connect(alice).transfer(erin.address, 1n))
          .to.be.revertedWithCustomError(token, "RecipientNotVerified")
          .withArgs(erin.address);
      });

      it("should refuse an unregistered sender with SenderNotVerified", async function () {
        const { token, alice, erin } = await loadFixture(investorsFixture);
        await expect(token.connect(erin).transfer(alice.address, 0n))
          .to.be.revertedWithCustomError(token, "SenderNotVerified")
          .withArgs(erin.address);
      });

      it("should refuse a revoked sender with SenderNotVerified and a revoked recipient with RecipientNotVerified", async function () {
        const f = await loadFixture(investorsFixture);
        await revoke(f, f.bob.address);
        await expect(f.token.connect(f.bob).transfer(f.alice.address, 1n))
          .to.be.revertedWithCustomError(f.token, "SenderNotVerified")
          .withArgs(f.bob.address);
        await expect(f.token.connect(f.alice).transfer(f.bob.address, 1n))
          .to.be.revertedWithCustomError(f.token, "RecipientNotVerified")
          .withArgs(f.bob.address);
      });

      it("should refuse a sender whose KYC expires exactly at the block's timestamp, not one second before", async function () {
        const f = await loadFixture(investorsFixture);
        const [, , , , , frank] = f.investors;
        const expiry = (await time.latest()) + 10_000;
        await registerMany(f.fund, [frank.address], { kycExpiry: expiry });
        await mint(f.fund, frank.address, 100n * ONE);
        await time.setNextBlockTimestamp(expiry - 1);
        await f.token.connect(frank).transfer(f.alice.address, 1n * ONE);
        await time.setNextBlockTimestamp(expiry);
        await expect(f.token.connect(frank).transfer(f.alice.address, 1n * ONE))
          .to.be.revertedWithCustomError(f.token, "SenderNotVerified")
          .withArgs(frank.address);
      });

      it("should refuse a recipient whose KYC expires exactly at the block's timestamp", async function () {
        const f = await loadFixture(investorsFixture);
        const [, , , , , frank] = f.investors;
        const expiry = (await time.latest()) + 10_000;
        await registerMany(f.fund, [frank.address], { kycExpiry: expiry });
        await time.setNextBlockTimestamp(expiry - 1);
        await f.token.connect(f.alice).transfer(frank.address, 10n * ONE);
        await time.setNextBlockTimestamp(expiry);
        await expect(f.token.connect(f.alice).transfer(frank.address, 10n * ONE))
          .to.be.revertedWithCustomError(f.token, "RecipientNotVerified")
          .withArgs(frank.address);
      });
    });

    describe("when a compliance rule refuses", function () {
      it("should refuse a sanctioned recipient with TransferRestricted(RECIPIENT_SANCTIONED)", async function () {
        const f = await loadFixture(investorsFixture);
        await sanction(f, f.bob.address);
        await expect(f.token.connect(f.alice).transfer(f.bob.address, 1n))
          .to.be.revertedWithCustomError(f.fund.contracts.compliance, "TransferRestricted")
          .withArgs(RESTRICTION.RECIPIENT_SANCTIONED);
      });

      it("should refuse a sanctioned sender with TransferRestricted(SENDER_SANCTIONED)", async function () {
        const f = await loadFixture(investorsFixture);
        await sanction(f, f.alice.address);
        await expect(f.token.connect(f.alice).transfer(f.bob.address, 1n))
          .to.be.revertedWithCustomError(f.fund.contracts.compliance, "TransferRestricted")
          .withArgs(RESTRICTION.SENDER_SANCTIONED);
      });

      it("should refuse a recipient in an embargoed country (364) with TransferRestricted(RECIPIENT_COUNTRY_RESTRICTED)", async function () {
        const f = await loadFixture(investorsFixture);
        const [, , , , , frank] = f.investors;
        await registerMany(f.fund, [frank.address], { country: COUNTRY.IR });
        await expect(f.token.connect(f.alice).transfer(frank.address, 10n * ONE))
          .to.be.revertedWithCustomError(f.fund.contracts.compliance, "TransferRestricted")
          .withArgs(RESTRICTION.RECIPIENT_COUNTRY_RESTRICTED);
      });

      it("should leave balances and the investor count unchanged after a refusal", async function () {
        const f = await loadFixture(investorsFixture);
        const [, , , , , frank] = f.investors;
        await registerMany(f.fund, [frank.address], { country: COUNTRY.IR });
        const count = await f.fund.contracts.compliance.investorCount();
        await expect(f.token.connect(f.alice).transfer(frank.address, 10n * ONE)).to.be.reverted;
        expect(await f.token.balanceOf(f.alice.address)).to.equal(f.amounts.alice);
        expect(await f.token.balanceOf(frank.address)).to.equal(0n);
        expect(await f.fund.contracts.compliance.investorCount()).to.equal(count);
      });
    });

    describe("when several conditions fail at once (documented order)", function () {
      it("should name the zero recipient before the pause", async function () {
        const f = await loadFixture(investorsFixture);
        await pause(f);
        await expect(f.token.connect(f.alice).transfer(ZeroAddress, 1n))
          .to.be.revertedWithCustomError(f.token, "ERC20InvalidReceiver")
          .withArgs(ZeroAddress);
      });

      it("should name the pause before the balance", async function () {
        const f = await loadFixture(investorsFixture);
        await pause(f);
        await expect(f.token.connect(f.dave).transfer(f.alice.address, 1n)).to.be.revertedWithCustomError(
          f.token,
          "EnforcedPause",
        );
      });

      it("should name the balance before a freeze", async function () {
        const f = await loadFixture(investorsFixture);
        await freeze(f, f.carol.address);
        await expect(f.token.connect(f.carol).transfer(f.bob.address, f.amounts.carol + 1n))
          .to.be.revertedWithCustomError(f.token, "ERC20InsufficientBalance")
          .withArgs(f.carol.address, f.amounts.carol, f.amounts.carol + 1n);
      });

      it("should name a frozen recipient before the sender's unfrozen balance", async function () {
        const f = await loadFixture(investorsFixture);
        await freezePartial(f, f.carol.address, f.amounts.carol);
        await freeze(f, f.bob.address);
        await expect(f.token.connect(f.carol).transfer(f.bob.address, 1n))
          .to.be.revertedWithCustomError(f.token, "WalletFrozen")
          .withArgs(f.bob.address);
      });

      it("should name a freeze before the verification", async function () {
        const f = await loadFixture(investorsFixture);
        await revoke(f, f.alice.address);
        await freeze(f, f.alice.address);
        await expect(f.token.connect(f.alice).transfer(f.erin.address, 1n))
          .to.be.revertedWithCustomError(f.token, "WalletFrozen")
          .withArgs(f.alice.address);
      });

      it("should name the verification before the compliance rules", async function () {
        const f = await loadFixture(investorsFixture);
        await sanction(f, f.alice.address);
        await revoke(f, f.alice.address);
        await expect(f.token.connect(f.alice).transfer(f.bob.address, 1n))
          .to.be.revertedWithCustomError(f.token, "SenderNotVerified")
          .withArgs(f.alice.address);
      });
    });
  });

  describe("transfer, transferFrom and transferShares", function () {
    describe("when the reserve guard reverts (issue 16 finding 8, docs sweep: holder transfers never call it)", function () {
      it("should move the tokens as usual, while a mint reverts with the guard's error", async function () {
        const f = await loadFixture(revertingGuardFixture);
        const { token, alice, bob, carol, dave, guard } = f;
        const supply = await token.totalSupply();
        await expect(mint(f.fund, dave.address, ONE))
          .to.be.revertedWithCustomError(guard, "GuardBroken")
          .withArgs(supply + ONE);
        await expect(token.connect(alice).transfer(bob.address, 10n * ONE))
          .to.emit(token, "Transfer")
          .withArgs(alice.address, bob.address, 10n * ONE);
        await token.connect(alice).approve(dave.address, 5n * ONE);
        await expect(token.connect(dave).transferFrom(alice.address, carol.address, 5n * ONE))
          .to.emit(token, "Transfer")
          .withArgs(alice.address, carol.address, 5n * ONE);
        await expect(token.connect(bob).transferShares(dave.address, 3n * ONE))
          .to.emit(token, "TransferShares")
          .withArgs(bob.address, dave.address, 3n * ONE);
        expect(await token.balanceOf(alice.address)).to.equal(f.amounts.alice - 15n * ONE);
        expect(await token.balanceOf(bob.address)).to.equal(f.amounts.bob + 7n * ONE);
        expect(await token.balanceOf(carol.address)).to.equal(f.amounts.carol + 5n * ONE);
        expect(await token.balanceOf(dave.address)).to.equal(3n * ONE);
      });
    });
  });

  describe("transferFrom", function () {
    it("should move the amount, spend the allowance and emit Transfer", async function () {
      const { token, alice, bob, dave, amounts } = await loadFixture(investorsFixture);
      await token.connect(alice).approve(dave.address, 50n * ONE);
      await expect(token.connect(dave).transferFrom(alice.address, bob.address, 20n * ONE))
        .to.emit(token, "Transfer")
        .withArgs(alice.address, bob.address, 20n * ONE)
        .and.to.emit(token, "TransferShares")
        .withArgs(alice.address, bob.address, 20n * ONE);
      expect(await token.allowance(alice.address, dave.address)).to.equal(30n * ONE);
      expect(await token.balanceOf(bob.address)).to.equal(amounts.bob + 20n * ONE);
    });

    it("should let an unregistered spender move tokens between verified investors", async function () {
      const { token, alice, bob, erin } = await loadFixture(investorsFixture);
      await token.connect(alice).approve(erin.address, 5n * ONE);
      await token.connect(erin).transferFrom(alice.address, bob.address, 5n * ONE);
      expect(await token.allowance(alice.address, erin.address)).to.equal(0n);
    });

    it("should never decrease an infinite allowance", async function () {
      const { token, alice, bob, dave } = await loadFixture(investorsFixture);
      await token.connect(alice).approve(dave.address, MaxUint256);
      await token.connect(dave).transferFrom(alice.address, bob.address, 20n * ONE);
      await token.connect(dave).transferFrom(alice.address, bob.address, 1n);
      expect(await token.allowance(alice.address, dave.address)).to.equal(MaxUint256);
    });

    it("should refuse more than the allowance with ERC20InsufficientAllowance(spender, allowance, needed)", async function () {
      const { token, alice, bob, dave } = await loadFixture(investorsFixture);
      await token.connect(alice).approve(dave.address, 10n);
      await expect(token.connect(dave).transferFrom(alice.address, bob.address, 11n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(dave.address, 10n, 11n);
    });

    it("should refuse without any allowance", async function () {
      const { token, alice, bob, dave } = await loadFixture(investorsFixture);
      await expect(token.connect(dave).transferFrom(alice.address, bob.address, 1n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(dave.address, 0n, 1n);
    });

    it("should apply the holder's checks: frozen holder, unverified recipient, compliance", async function () {
      const f = await loadFixture(investorsFixture);
      await f.token.connect(f.alice).approve(f.dave.address, MaxUint256);
      await expect(f.token.connect(f.dave).transferFrom(f.alice.address, f.erin.address, 1n))
        .to.be.revertedWithCustomError(f.token, "RecipientNotVerified")
        .withArgs(f.erin.address);
      await sanction(f, f.bob.address);
      await expect(f.token.connect(f.dave).transferFrom(f.alice.address, f.bob.address, 1n))
        .to.be.revertedWithCustomError(f.fund.contracts.compliance, "TransferRestricted")
        .withArgs(RESTRICTION.RECIPIENT_SANCTIONED);
      await freeze(f, f.alice.address);
      await expect(f.token.connect(f.dave).transferFrom(f.alice.address, f.carol.address, 1n))
        .to.be.revertedWithCustomError(f.token, "WalletFrozen")
        .withArgs(f.alice.address);
    });

    it("should leave the allowance unchanged when the transfer is refused", async function () {
      const f = await loadFixture(investorsFixture);
      await f.token.connect(f.alice).approve(f.dave.address, 10n * ONE);
      await expect(f.token.connect(f.dave).transferFrom(f.alice.address, f.erin.address, 1n * ONE)).to.be
        .reverted;
      expect(await f.token.allowance(f.alice.address, f.dave.address)).to.equal(10n * ONE);
    });

    describe("when several conditions fail at once (documented order)", function () {
      it("should name the zero recipient and the pause before the allowance", async function () {
        const f = await loadFixture(investorsFixture);
        await expect(f.token.connect(f.dave).transferFrom(f.alice.address, ZeroAddress, 1n))
          .to.be.revertedWithCustomError(f.token, "ERC20InvalidReceiver")
          .withArgs(ZeroAddress);
        await pause(f);
        await expect(
          f.token.connect(f.dave).transferFrom(f.alice.address, f.bob.address, 1n),
        ).to.be.revertedWithCustomError(f.token, "EnforcedPause");
      });

      it("should name the allowance before the holder's freeze", async function () {
        const f = await loadFixture(investorsFixture);
        await freeze(f, f.alice.address);
        await expect(f.token.connect(f.dave).transferFrom(f.alice.address, f.bob.address, 1n))
          .to.be.revertedWithCustomError(f.token, "ERC20InsufficientAllowance")
          .withArgs(f.dave.address, 0n, 1n);
      });

      it("should refuse the zero holder with ERC20InvalidSender once the allowance is met", async function () {
        const f = await loadFixture(investorsFixture);
        await expect(f.token.connect(f.dave).transferFrom(ZeroAddress, f.bob.address, 1n))
          .to.be.revertedWithCustomError(f.token, "ERC20InsufficientAllowance")
          .withArgs(f.dave.address, 0n, 1n);
        await expect(f.token.connect(f.dave).transferFrom(ZeroAddress, f.bob.address, 0n))
          .to.be.revertedWithCustomError(f.token, "ERC20InvalidSender")
          .withArgs(ZeroAddress);
      });
    });
  });

  describe("batchTransfer", function () {
    it("should send each amount to each recipient, with one Transfer each", async function () {
      const { token, alice, bob, dave, amounts } = await loadFixture(investorsFixture);
      await expect(token.connect(alice).batchTransfer([bob.address, dave.address], [3n * ONE, 5n * ONE]))
        .to.emit(token, "Transfer")
        .withArgs(alice.address, bob.address, 3n * ONE)
        .and.to.emit(token, "Transfer")
        .withArgs(alice.address, dave.address, 5n * ONE);
      expect(await token.balanceOf(alice.address)).to.equal(amounts.alice - 8n * ONE);
      expect(await token.balanceOf(bob.address)).to.equal(amounts.bob + 3n * ONE);
      expect(await token.balanceOf(dave.address)).to.equal(5n * ONE);
    });

    it("should refuse an empty batch with EmptyBatch", async function () {
      const { token, alice } = await loadFixture(investorsFixture);
      await expect(token.connect(alice).batchTransfer([], [])).to.be.revertedWithCustomError(
        token,
        "EmptyBatch",
      );
    });

    it("should refuse lists of different lengths with BatchLengthMismatch", async function () {
      const { token, alice, bob } = await loadFixture(investorsFixture);
      await expect(token.connect(alice).batchTransfer([bob.address], [1n, 2n])).to.be.revertedWithCustomError(
        token,
        "BatchLengthMismatch",
      );
    });

    it("should move nothing when one transfer is refused", async function () {
      const { token, alice, bob, erin, amounts } = await loadFixture(investorsFixture);
      await expect(token.connect(alice).batchTransfer([bob.address, erin.address], [ONE, ONE]))
        .to.be.revertedWithCustomError(token, "RecipientNotVerified")
        .withArgs(erin.address);
      expect(await token.balanceOf(alice.address)).to.equal(amounts.alice);
      expect(await token.balanceOf(bob.address)).to.equal(amounts.bob);
    });

    it("should be refused while paused", async function () {
      const f = await loadFixture(investorsFixture);
      await pause(f);
      await expect(
        f.token.connect(f.alice).batchTransfer([f.bob.address], [ONE]),
      ).to.be.revertedWithCustomError(f.token, "EnforcedPause");
    });
  });
});
