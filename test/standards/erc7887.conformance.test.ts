/**
 * ERC-7887 (Cancelation for ERC-7540 Tokenized Vaults, a Draft: the revision of ethereum/ERCs commit
 * 9d6a547022d9cffd65176e5e946bac58ac6b695e): one `it` per MUST statement that applies to an asynchronous
 * redemption Vault, quoted, against the fund's entry points (FundVault). The fund's cancellations are synchronous:
 * a cancelled request leaves the queue at once and its escrow is Claimable (the standard's "Requests MAY skip
 * straight from the Pending to the Claimable stage"), so no cancellation is ever Pending. The deposit side of the
 * standard does not apply (subscriptions are synchronous) and is checked as not implemented.
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Interface, MaxUint256, ZeroAddress, id as keccakText } from "ethers";
import {
  holdersFixture,
  vaultFixture,
  settle,
  interfaceIdOf,
  TOKENS,
  STATUS,
  type VaultFixture,
} from "./fixtures";

const IERC7887_REDEEM = "contracts/interfaces/IERC7887.sol:IERC7887Redeem";

/** {holdersFixture} after alice requested the redemption of 1,000 tokens (request #1, controlled by alice). */
async function requestedFixture(): Promise<VaultFixture> {
  const f = await loadFixture(holdersFixture);
  await f.vault.connect(f.alice).requestRedeem(TOKENS("1000"), f.alice.address, f.alice.address);
  return f;
}

/** {requestedFixture} after alice cancelled request #1 (its escrow Claimable). */
async function cancelledFixture(): Promise<VaultFixture> {
  const f = await loadFixture(requestedFixture);
  await f.vault.connect(f.alice).cancelRedeemRequest(1, f.alice.address);
  return f;
}

describe("ERC-7887 on the fund's entry points (FundVault)", function () {
  describe("Cancelation Lifecycle", function () {
    it('"Requests MUST NOT skip or otherwise short-circuit the Claim state ... a user MUST call both cancel* and the corresponding Claim function separately ... Vaults MUST NOT \\"push\\" tokens onto the user after a Request, users MUST \\"pull\\" the tokens via the Claim function"', async function () {
      const { vault, fm, fund, alice } = await loadFixture(requestedFixture);
      const { token } = fund.contracts;
      await vault.connect(alice).cancelRedeemRequest(1, alice.address);
      expect(await token.balanceOf(alice.address)).to.equal(TOKENS("2996"));
      expect(await token.balanceOf(fm)).to.equal(TOKENS("1000"));
      await vault.connect(alice).claimCancelRedeemRequest(1, alice.address, alice.address);
      expect(await token.balanceOf(alice.address)).to.equal(TOKENS("3996"));
    });

    it('"Requests MAY skip straight from the Pending to the Claimable stage, in the case of synchronous cancelation flows" (the fund\'s: the request leaves the queue at once)', async function () {
      const { vault, fm, alice } = await loadFixture(cancelledFixture);
      expect(await vault.pendingCancelRedeemRequest(1, alice.address)).to.equal(false);
      expect(await vault.claimableCancelRedeemRequest(1, alice.address)).to.equal(TOKENS("1000"));
      expect(await vault.pendingRedeemRequest(1, alice.address)).to.equal(0n);
      expect((await fm.request(1)).r.status).to.equal(STATUS.CancelClaimable);
      expect((await fm.queue()).pendingCount).to.equal(0n);
    });

    it('"while a redeem cancelation Request is Pending, new redeem Requests are blocked" (none is ever Pending: a new request is accepted right after a cancellation)', async function () {
      const { vault, alice } = await loadFixture(cancelledFixture);
      expect(await vault.pendingCancelRedeemRequest(1, alice.address)).to.equal(false);
      await expect(vault.connect(alice).requestRedeem(TOKENS("100"), alice.address, alice.address))
        .to.emit(vault, "RedeemRequest")
        .withArgs(alice.address, alice.address, 2, alice.address, TOKENS("100"));
    });
  });

  describe("cancelRedeemRequest", function () {
    it('"A Request MAY transition straight to Claimable state but MUST NOT skip the Claimable state" (Claimable until claimed, however long)', async function () {
      const { vault, alice } = await loadFixture(cancelledFixture);
      await time.increase(30 * 86_400);
      expect(await vault.claimableCancelRedeemRequest(1, alice.address)).to.equal(TOKENS("1000"));
    });

    it('"controller MUST equal msg.sender unless the controller has approved the msg.sender as an operator"', async function () {
      const { vault, alice, bob } = await loadFixture(requestedFixture);
      await expect(vault.connect(bob).cancelRedeemRequest(1, alice.address))
        .to.be.revertedWithCustomError(vault, "UnauthorizedCaller")
        .withArgs(bob.address, alice.address);
      await vault.connect(alice).setOperator(bob.address, true);
      await expect(vault.connect(bob).cancelRedeemRequest(1, alice.address))
        .to.emit(vault, "CancelRedeemRequest")
        .withArgs(alice.address, 1, bob.address);
    });

    it('"MUST emit the CancelRedeemRequest event" (controller, requestId, sender)', async function () {
      const { vault, alice } = await loadFixture(requestedFixture);
      await expect(vault.connect(alice).cancelRedeemRequest(1, alice.address))
        .to.emit(vault, "CancelRedeemRequest")
        .withArgs(alice.address, 1, alice.address);
    });

    it("should refuse to cancel a request that is no longer pending (settled) with InvalidRequestStatus", async function () {
      const f = await loadFixture(requestedFixture);
      const { vault, fm, alice } = f;
      await settle(f, 1);
      await expect(vault.connect(alice).cancelRedeemRequest(1, alice.address))
        .to.be.revertedWithCustomError(fm, "InvalidRequestStatus")
        .withArgs(1, STATUS.Settled);
    });
  });

  describe("pendingCancelRedeemRequest", function () {
    it('"MUST NOT show any variations depending on the caller"', async function () {
      const { vault, alice, bob, outsider } = await loadFixture(cancelledFixture);
      for (const caller of [alice, bob, outsider]) {
        expect(await vault.connect(caller).pendingCancelRedeemRequest(1, alice.address)).to.equal(false);
      }
    });

    it('"MUST NOT revert unless due to integer overflow caused by an unreasonably large input"', async function () {
      const { vault, alice } = await loadFixture(cancelledFixture);
      expect(await vault.pendingCancelRedeemRequest(MaxUint256, alice.address)).to.equal(false);
      expect(await vault.pendingCancelRedeemRequest(0, ZeroAddress)).to.equal(false);
    });
  });

  describe("claimableCancelRedeemRequest", function () {
    it('"MUST NOT show any variations depending on the caller"', async function () {
      const { vault, alice, bob, outsider } = await loadFixture(cancelledFixture);
      for (const caller of [alice, bob, outsider]) {
        expect(await vault.connect(caller).claimableCancelRedeemRequest(1, alice.address)).to.equal(
          TOKENS("1000"),
        );
      }
    });

    it('"MUST NOT revert unless due to integer overflow caused by an unreasonably large input" (unknown ids, another controller)', async function () {
      const { vault, alice, bob } = await loadFixture(cancelledFixture);
      expect(await vault.claimableCancelRedeemRequest(MaxUint256, alice.address)).to.equal(0n);
      expect(await vault.claimableCancelRedeemRequest(0, alice.address)).to.equal(0n);
      expect(await vault.claimableCancelRedeemRequest(1, bob.address)).to.equal(0n);
    });
  });

  describe("claimCancelRedeemRequest", function () {
    it('"controller MUST equal msg.sender unless the controller has approved the msg.sender as an operator"', async function () {
      const { vault, fund, alice, bob } = await loadFixture(cancelledFixture);
      await expect(vault.connect(bob).claimCancelRedeemRequest(1, bob.address, alice.address))
        .to.be.revertedWithCustomError(vault, "UnauthorizedCaller")
        .withArgs(bob.address, alice.address);
      await vault.connect(alice).setOperator(bob.address, true);
      const before = await fund.contracts.token.balanceOf(bob.address);
      await vault.connect(bob).claimCancelRedeemRequest(1, bob.address, alice.address);
      expect((await fund.contracts.token.balanceOf(bob.address)) - before).to.equal(TOKENS("1000"));
    });

    it('"Transfers assets to receiver" (for a redemption: the shares of the escrow, to a receiver the token accepts)', async function () {
      const { vault, fund, alice, dave, outsider } = await loadFixture(cancelledFixture);
      const { token } = fund.contracts;
      await expect(vault.connect(alice).claimCancelRedeemRequest(1, outsider.address, alice.address))
        .to.be.revertedWithCustomError(token, "RecipientNotVerified")
        .withArgs(outsider.address);
      await vault.connect(alice).claimCancelRedeemRequest(1, dave.address, alice.address);
      expect(await token.balanceOf(dave.address)).to.equal(TOKENS("1000"));
      expect(await vault.claimableCancelRedeemRequest(1, alice.address)).to.equal(0n);
    });

    it('"MUST emit the ClaimCancelRedeemRequest event" (the event the standard\'s Events section defines for it: CancelRedeemClaim(controller, receiver, requestId, sender, shares))', async function () {
      const { vault, alice, bob } = await loadFixture(cancelledFixture);
      await vault.connect(alice).setOperator(bob.address, true);
      await expect(vault.connect(bob).claimCancelRedeemRequest(1, alice.address, alice.address))
        .to.emit(vault, "CancelRedeemClaim")
        .withArgs(alice.address, alice.address, 1, bob.address, TOKENS("1000"));
    });

    it("should refuse a second claim of the same cancellation with InvalidRequestStatus", async function () {
      const { vault, fm, alice } = await loadFixture(cancelledFixture);
      await vault.connect(alice).claimCancelRedeemRequest(1, alice.address, alice.address);
      await expect(vault.connect(alice).claimCancelRedeemRequest(1, alice.address, alice.address))
        .to.be.revertedWithCustomError(fm, "InvalidRequestStatus")
        .withArgs(1, STATUS.Cancelled);
    });
  });

  describe("Events", function () {
    it("should declare CancelRedeemRequest and CancelRedeemClaim with the standard's signatures and indexed parameters", async function () {
      const { vault } = await loadFixture(vaultFixture);
      const iface = vault.interface as Interface;
      const request = iface.getEvent("CancelRedeemRequest")!;
      expect(request.topicHash).to.equal(keccakText("CancelRedeemRequest(address,uint256,address)"));
      expect(request.inputs.map((i) => i.indexed)).to.deep.equal([true, true, false]);
      const claim = iface.getEvent("CancelRedeemClaim")!;
      expect(claim.topicHash).to.equal(
        keccakText("CancelRedeemClaim(address,address,uint256,address,uint256)"),
      );
      expect(claim.inputs.map((i) => i.indexed)).to.deep.equal([true, true, true, false, false]);
      expect(iface.getEvent("CancelDepositRequest")).to.equal(null);
    });
  });

  describe("ERC-165 support", function () {
    it('"Asynchronous redemption Vaults with cancelation support MUST return the constant value true if 0xe76cffc7 is passed" (id computed from the interface)', async function () {
      const { vault } = await loadFixture(vaultFixture);
      const id = await interfaceIdOf(IERC7887_REDEEM);
      expect(id).to.equal("0xe76cffc7");
      expect(await vault.supportsInterface(id)).to.equal(true);
    });

    it('"Asynchronous deposit Vaults with cancelation support MUST return the constant value true if 0x8bf840e3 is passed" (not one: false)', async function () {
      const { vault } = await loadFixture(vaultFixture);
      expect(await vault.supportsInterface("0x8bf840e3")).to.equal(false);
    });
  });
});
