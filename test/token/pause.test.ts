import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  ISSUER_DELAY,
  ONE,
  investorsFixture,
  registerMany,
  safeDirect,
  tx,
  type InvestorsFixture,
} from "./fixtures";

/** The fund with Alice, Bob and Carol funded, paused by the guardian. */
async function pausedFixture() {
  const f = await loadFixture(investorsFixture);
  await f.fund.as("guardian").on(f.token).pause();
  return f;
}

const agent = (f: InvestorsFixture) => f.fund.as("transferAgent");

describe("FundToken: pause", function () {
  describe("pause", function () {
    it("should pause at once through the guardian's Safe and emit Paused(guardian)", async function () {
      const f = await loadFixture(investorsFixture);
      expect(await f.token.paused()).to.equal(false);
      await expect(tx(f.fund.as("guardian").on(f.token).pause()))
        .to.emit(f.token, "Paused")
        .withArgs(f.fund.as("guardian").address);
      expect(await f.token.paused()).to.equal(true);
    });

    it("should refuse pausing a paused token with EnforcedPause", async function () {
      const f = await loadFixture(pausedFixture);
      await expect(f.fund.as("guardian").on(f.token).pause()).to.be.revertedWithCustomError(
        f.token,
        "EnforcedPause",
      );
    });
  });

  describe("while paused", function () {
    describe("what moves tokens at a holder's will or changes the economics is refused", function () {
      it("should refuse transfer, transferFrom, transferShares and batchTransfer with EnforcedPause", async function () {
        const f = await loadFixture(pausedFixture);
        await f.token.connect(f.alice).approve(f.dave.address, ONE);
        const alice = f.token.connect(f.alice);
        await expect(alice.transfer(f.bob.address, 1n)).to.be.revertedWithCustomError(
          f.token,
          "EnforcedPause",
        );
        await expect(
          f.token.connect(f.dave).transferFrom(f.alice.address, f.bob.address, 1n),
        ).to.be.revertedWithCustomError(f.token, "EnforcedPause");
        await expect(alice.transferShares(f.bob.address, 1n)).to.be.revertedWithCustomError(
          f.token,
          "EnforcedPause",
        );
        await expect(alice.batchTransfer([f.bob.address], [1n])).to.be.revertedWithCustomError(
          f.token,
          "EnforcedPause",
        );
      });

      it("should refuse mint and batchMint with EnforcedPause", async function () {
        const f = await loadFixture(pausedFixture);
        await expect(agent(f).on(f.token).mint(f.alice.address, ONE)).to.be.revertedWithCustomError(
          f.token,
          "EnforcedPause",
        );
        await expect(agent(f).on(f.token).batchMint([f.alice.address], [ONE])).to.be.revertedWithCustomError(
          f.token,
          "EnforcedPause",
        );
      });

      it("should refuse the accrual with EnforcedPause", async function () {
        const f = await loadFixture(pausedFixture);
        await expect(f.token.connect(f.outsider).accrue()).to.be.revertedWithCustomError(
          f.token,
          "EnforcedPause",
        );
      });
    });

    describe("the transfer agent's remedies keep working", function () {
      it("should allow burn, batchBurn, forcedTransfer, batchForcedTransfer", async function () {
        const f = await loadFixture(pausedFixture);
        await agent(f).on(f.token).burn(f.bob.address, ONE);
        await agent(f).on(f.token).batchBurn([f.bob.address], [ONE]);
        await agent(f)
          .on(f.token)
          .forcedTransfer(f.bob.address, f.dave.address, 2n * ONE);
        await agent(f)
          .on(f.token)
          .batchForcedTransfer([f.bob.address], [f.dave.address], [3n * ONE]);
        expect(await f.token.balanceOf(f.bob.address)).to.equal(f.amounts.bob - 7n * ONE);
        expect(await f.token.balanceOf(f.dave.address)).to.equal(5n * ONE);
      });

      it("should allow freezes and a recovery", async function () {
        const f = await loadFixture(pausedFixture);
        const newWallet = f.investors[5];
        await registerMany(f.fund, [newWallet.address], { identity: f.carol.address });
        await agent(f).on(f.token).setAddressFrozen(f.carol.address, true);
        await agent(f).on(f.token).freezePartialTokens(f.carol.address, ONE);
        await agent(f).on(f.token).unfreezePartialTokens(f.carol.address, ONE);
        await agent(f).on(f.token).recoveryAddress(f.carol.address, newWallet.address, f.carol.address);
        expect(await f.token.balanceOf(newWallet.address)).to.equal(f.amounts.carol);
        expect(await f.token.isFrozen(newWallet.address)).to.equal(true);
      });

      it("should allow approvals (they move nothing)", async function () {
        const f = await loadFixture(pausedFixture);
        await f.token.connect(f.alice).approve(f.bob.address, 5n);
        expect(await f.token.allowance(f.alice.address, f.bob.address)).to.equal(5n);
      });
    });
  });

  describe("unpause", function () {
    it("should be refused to the guardian (it can only pause and cancel)", async function () {
      const f = await loadFixture(pausedFixture);
      await expect(safeDirect(f.fund, "guardian", f.token, "unpause", [], [f.tokenImpl.interface]))
        .to.be.revertedWithCustomError(f.tokenImpl, "AccessManagedUnauthorized")
        .withArgs(f.fund.as("guardian").address);
    });

    it("should be refused to the issuer's Safe calling without scheduling (AccessManagerNotScheduled)", async function () {
      const f = await loadFixture(pausedFixture);
      const manager = f.fund.contracts.manager;
      const issuer = f.fund.as("issuer").address;
      const data = f.token.interface.encodeFunctionData("unpause");
      const operationId = await manager.hashOperation(issuer, f.token.target, data);
      await expect(safeDirect(f.fund, "issuer", f.token, "unpause", []))
        .to.be.revertedWithCustomError(manager, "AccessManagerNotScheduled")
        .withArgs(operationId);
    });

    it("should only take effect after the issuer's two-day delay", async function () {
      const f = await loadFixture(pausedFixture);
      const manager = f.fund.contracts.manager;
      const issuer = f.fund.as("issuer");
      const scheduled = await issuer.on(f.token).unpause();
      expect(scheduled.status).to.equal("scheduled");
      expect(await f.token.paused()).to.equal(true);
      const data = f.token.interface.encodeFunctionData("unpause");
      const operationId = await manager.hashOperation(issuer.address, f.token.target, data);
      await time.increase(ISSUER_DELAY - 10);
      await expect(safeDirect(f.fund, "issuer", manager, "execute", [f.token.target, data]))
        .to.be.revertedWithCustomError(manager, "AccessManagerNotReady")
        .withArgs(operationId);
      await time.increase(10);
      await expect(tx(issuer.executeOn(f.token).unpause()))
        .to.emit(f.token, "Unpaused")
        .withArgs(await manager.getAddress());
      expect(await f.token.paused()).to.equal(false);
      await f.token.connect(f.alice).transfer(f.bob.address, ONE);
    });

    it("should be cancellable by the guardian during the delay", async function () {
      const f = await loadFixture(pausedFixture);
      const issuer = f.fund.as("issuer");
      await issuer.on(f.token).unpause();
      await f.fund.as("guardian").cancelOn(issuer, f.token).unpause();
      await time.increase(ISSUER_DELAY);
      await expect(issuer.executeOn(f.token).unpause()).to.be.rejectedWith("is not scheduled");
      expect(await f.token.paused()).to.equal(true);
    });

    it("should refuse unpausing a token that is not paused with ExpectedPause", async function () {
      const f = await loadFixture(investorsFixture);
      await expect(f.fund.as("issuer").now(f.token).unpause()).to.be.revertedWithCustomError(
        f.token,
        "ExpectedPause",
      );
    });
  });
});
