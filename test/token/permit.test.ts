import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Signature, TypedDataEncoder, ZeroAddress, recoverAddress } from "ethers";
import { ONE, investorsFixture, type InvestorsFixture } from "./fixtures";

const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};
const INITIAL_NAME = "Demo Treasury Money Fund";

async function domain(f: InvestorsFixture) {
  return {
    name: INITIAL_NAME,
    version: "1",
    chainId: (await ethers.provider.getNetwork()).chainId,
    verifyingContract: String(f.token.target),
  };
}

interface PermitMessage {
  owner: string;
  spender: string;
  value: bigint;
  nonce: bigint;
  deadline: bigint;
}

async function signPermit(f: InvestorsFixture, signer: HardhatEthersSigner, message: PermitMessage) {
  return Signature.from(await signer.signTypedData(await domain(f), PERMIT_TYPES, message));
}

async function permitOf(f: InvestorsFixture, owner: HardhatEthersSigner, spender: string, value: bigint) {
  const message = {
    owner: owner.address,
    spender,
    value,
    nonce: await f.token.nonces(owner.address),
    deadline: BigInt(await time.latest()) + 3_600n,
  };
  return { message, sig: await signPermit(f, owner, message) };
}

describe("FundToken: EIP-2612 permit", function () {
  describe("DOMAIN_SEPARATOR", function () {
    it("should be the EIP-712 domain of the initial name, version 1, this chain and the proxy", async function () {
      const f = await loadFixture(investorsFixture);
      expect(await f.token.DOMAIN_SEPARATOR()).to.equal(TypedDataEncoder.hashDomain(await domain(f)));
    });

    it("should keep the initial name after a rename, so that signed permits stay valid", async function () {
      const f = await loadFixture(investorsFixture);
      const before = await f.token.DOMAIN_SEPARATOR();
      // Signed before the rename, used after it (beyond the issuer's two-day delay).
      const message = {
        owner: f.alice.address,
        spender: f.bob.address,
        value: 5n,
        nonce: 0n,
        deadline: BigInt(await time.latest()) + 10n * 86_400n,
      };
      const sig = await signPermit(f, f.alice, message);
      await f.fund.as("issuer").now(f.token).setName("Renamed Fund");
      expect(await f.token.name()).to.equal("Renamed Fund");
      expect(await f.token.DOMAIN_SEPARATOR()).to.equal(before);
      await f.token.permit(
        message.owner,
        message.spender,
        message.value,
        message.deadline,
        sig.v,
        sig.r,
        sig.s,
      );
      expect(await f.token.allowance(f.alice.address, f.bob.address)).to.equal(5n);
    });
  });

  describe("nonces", function () {
    it("should start at zero", async function () {
      const f = await loadFixture(investorsFixture);
      expect(await f.token.nonces(f.alice.address)).to.equal(0n);
    });
  });

  describe("permit", function () {
    describe("when the owner signed it", function () {
      it("should set the allowance, emit Approval and increase the nonce", async function () {
        const f = await loadFixture(investorsFixture);
        const { message, sig } = await permitOf(f, f.alice, f.dave.address, 25n * ONE);
        await expect(
          f.token
            .connect(f.outsider)
            .permit(message.owner, message.spender, message.value, message.deadline, sig.v, sig.r, sig.s),
        )
          .to.emit(f.token, "Approval")
          .withArgs(f.alice.address, f.dave.address, 25n * ONE);
        expect(await f.token.allowance(f.alice.address, f.dave.address)).to.equal(25n * ONE);
        expect(await f.token.nonces(f.alice.address)).to.equal(1n);
      });

      it("should let the spender use the allowance with transferFrom", async function () {
        const f = await loadFixture(investorsFixture);
        const { message, sig } = await permitOf(f, f.alice, f.dave.address, 25n * ONE);
        await f.token.permit(
          message.owner,
          message.spender,
          message.value,
          message.deadline,
          sig.v,
          sig.r,
          sig.s,
        );
        await f.token.connect(f.dave).transferFrom(f.alice.address, f.bob.address, 25n * ONE);
        expect(await f.token.balanceOf(f.bob.address)).to.equal(f.amounts.bob + 25n * ONE);
        expect(await f.token.allowance(f.alice.address, f.dave.address)).to.equal(0n);
      });

      it("should accept a permit at exactly its deadline", async function () {
        const f = await loadFixture(investorsFixture);
        const { message, sig } = await permitOf(f, f.alice, f.dave.address, 1n);
        await time.setNextBlockTimestamp(message.deadline);
        await f.token.permit(
          message.owner,
          message.spender,
          message.value,
          message.deadline,
          sig.v,
          sig.r,
          sig.s,
        );
        expect(await f.token.allowance(f.alice.address, f.dave.address)).to.equal(1n);
      });
    });

    describe("when it cannot be used", function () {
      it("should refuse a deadline in the past with ERC2612ExpiredSignature(deadline)", async function () {
        const f = await loadFixture(investorsFixture);
        const { message, sig } = await permitOf(f, f.alice, f.dave.address, 1n);
        await time.setNextBlockTimestamp(message.deadline + 1n);
        await expect(
          f.token.permit(
            message.owner,
            message.spender,
            message.value,
            message.deadline,
            sig.v,
            sig.r,
            sig.s,
          ),
        )
          .to.be.revertedWithCustomError(f.token, "ERC2612ExpiredSignature")
          .withArgs(message.deadline);
      });

      it("should refuse a signature by another key with ERC2612InvalidSigner(signer, owner)", async function () {
        const f = await loadFixture(investorsFixture);
        const message = {
          owner: f.alice.address,
          spender: f.dave.address,
          value: 1n,
          nonce: 0n,
          deadline: BigInt(await time.latest()) + 3_600n,
        };
        const sig = await signPermit(f, f.bob, message);
        await expect(
          f.token.permit(
            message.owner,
            message.spender,
            message.value,
            message.deadline,
            sig.v,
            sig.r,
            sig.s,
          ),
        )
          .to.be.revertedWithCustomError(f.token, "ERC2612InvalidSigner")
          .withArgs(f.bob.address, f.alice.address);
      });

      it("should refuse a replayed permit (the nonce moved on) with ERC2612InvalidSigner", async function () {
        const f = await loadFixture(investorsFixture);
        const { message, sig } = await permitOf(f, f.alice, f.dave.address, 1n);
        await f.token.permit(
          message.owner,
          message.spender,
          message.value,
          message.deadline,
          sig.v,
          sig.r,
          sig.s,
        );
        // Verified against nonce 1, the signature recovers to an unrelated address.
        const digest = TypedDataEncoder.hash(await domain(f), PERMIT_TYPES, { ...message, nonce: 1n });
        const recovered = recoverAddress(digest, sig);
        await expect(
          f.token.permit(
            message.owner,
            message.spender,
            message.value,
            message.deadline,
            sig.v,
            sig.r,
            sig.s,
          ),
        )
          .to.be.revertedWithCustomError(f.token, "ERC2612InvalidSigner")
          .withArgs(recovered, f.alice.address);
      });

      it("should refuse a changed value with ERC2612InvalidSigner", async function () {
        const f = await loadFixture(investorsFixture);
        const { message, sig } = await permitOf(f, f.alice, f.dave.address, 1n);
        const digest = TypedDataEncoder.hash(await domain(f), PERMIT_TYPES, { ...message, value: 2n });
        await expect(
          f.token.permit(message.owner, message.spender, 2n, message.deadline, sig.v, sig.r, sig.s),
        )
          .to.be.revertedWithCustomError(f.token, "ERC2612InvalidSigner")
          .withArgs(recoverAddress(digest, sig), f.alice.address);
      });

      it("should refuse a permit to the zero spender with ERC20InvalidSpender", async function () {
        const f = await loadFixture(investorsFixture);
        const { message, sig } = await permitOf(f, f.alice, ZeroAddress, 1n);
        await expect(
          f.token.permit(
            message.owner,
            message.spender,
            message.value,
            message.deadline,
            sig.v,
            sig.r,
            sig.s,
          ),
        )
          .to.be.revertedWithCustomError(f.token, "ERC20InvalidSpender")
          .withArgs(ZeroAddress);
      });

      it("should refuse the zero owner before ERC20InvalidApprover can apply (no key signs for it)", async function () {
        // ERC20InvalidApprover(0) is unreachable: approve uses msg.sender and permit recovers a non-zero signer.
        const f = await loadFixture(investorsFixture);
        const message = {
          owner: ZeroAddress,
          spender: f.dave.address,
          value: 1n,
          nonce: 0n,
          deadline: BigInt(await time.latest()) + 3_600n,
        };
        const sig = await signPermit(f, f.alice, message);
        await expect(
          f.token.permit(
            message.owner,
            message.spender,
            message.value,
            message.deadline,
            sig.v,
            sig.r,
            sig.s,
          ),
        )
          .to.be.revertedWithCustomError(f.token, "ERC2612InvalidSigner")
          .withArgs(f.alice.address, ZeroAddress);
      });

      it("should leave the nonce unchanged when refused", async function () {
        const f = await loadFixture(investorsFixture);
        const { message, sig } = await permitOf(f, f.alice, f.dave.address, 1n);
        await expect(
          f.token.permit(message.owner, message.spender, 2n, message.deadline, sig.v, sig.r, sig.s),
        ).to.be.reverted;
        expect(await f.token.nonces(f.alice.address)).to.equal(0n);
      });
    });
  });
});
