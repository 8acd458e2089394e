/**
 * Issue 18: the fund token as a CCIP cross-chain token between a home chain (lock/release) and a satellite
 * (burn/mint), on the LocalCcipLane (both chains in one Hardhat network). docs/MULTICHAIN.md.
 */
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  ALICE_TOKENS,
  CODE,
  HOME,
  SAT,
  coder,
  expect,
  multichainFixture,
  roleCalls,
  send,
  lastMessage,
  type MultichainFixture,
  resetAfterMultichain,
} from "./fixtures";
import { registerInvestor } from "../helpers/fund";
import { feedUnits, publishNavAnswer, refreshReserves } from "../token/fixtures";

const toAmount = (shares: bigint, index: bigint) => (shares * index) / 10n ** 18n;

async function toSat(f: MultichainFixture, amount: bigint, receiver = f.alice.address) {
  const home = { token: f.fund.contracts.token, lane: f.home.lane };
  return send(home, f.sat, f.alice, receiver, amount, SAT);
}

describe("issue 18: the fund across chains (FundLockReleasePool, FundBurnMintPool)", function () {
  after(resetAfterMultichain);

  describe("CCT registration", function () {
    it("should name each token's AccessManager as getCCIPAdmin and register each pool in its TokenAdminRegistry", async function () {
      const f = await loadFixture(multichainFixture);
      const { token, manager } = f.fund.contracts;
      expect(await token.getCCIPAdmin()).to.equal(await manager.getAddress());
      expect(await f.sat.token.getCCIPAdmin()).to.equal(await f.sat.manager.getAddress());
      expect(await f.home.tar.getPool(await token.getAddress())).to.equal(await f.home.pool.getAddress());
      expect(await f.sat.tar.getPool(await f.sat.token.getAddress())).to.equal(await f.sat.pool.getAddress());
      expect(await f.home.pool.owner()).to.equal(await manager.getAddress());
      expect(await f.sat.pool.owner()).to.equal(await f.sat.manager.getAddress());
    });
  });

  describe("lockOrBurn / releaseOrMint (a round trip)", function () {
    describe("when alice sends part of her home position to the satellite and back", function () {
      it("should lock her shares on home, mint the same shares to her on the satellite, and bring back exactly them", async function () {
        const f = await loadFixture(multichainFixture);
        const { token } = f.fund.contracts;
        const homePool = await f.home.pool.getAddress();
        const sharesBefore = await token.sharesOf(f.alice.address);
        const amount = 400n * 10n ** 18n;
        const id = await toSat(f, amount);
        const sent = sharesBefore - (await token.sharesOf(f.alice.address));
        expect(await token.sharesOf(homePool)).to.equal(sent);
        expect(await f.home.pool.lockedShares(SAT)).to.equal(sent);
        // In flight: nothing on the satellite yet.
        expect(await f.sat.token.totalShares()).to.equal(0n);
        await expect(f.sat.lane.execute(id))
          .to.emit(f.sat.pool, "SharesArrived")
          .withArgs(HOME, 1n, f.alice.address, sent, toAmount(sent, await f.sat.token.index()));
        expect(await f.sat.token.sharesOf(f.alice.address)).to.equal(sent);
        expect(await f.sat.token.totalShares()).to.equal(await f.home.pool.lockedShares(SAT));
        // Back home: every share.
        const back = await send(
          f.sat,
          f.home,
          f.alice,
          f.alice.address,
          await f.sat.token.balanceOf(f.alice.address),
          HOME,
        );
        expect(await f.sat.token.totalShares()).to.equal(0n);
        await f.home.lane.execute(back);
        expect(await token.sharesOf(f.alice.address)).to.equal(sharesBefore);
        expect(await f.home.pool.lockedShares(SAT)).to.equal(0n);
        expect(await token.sharesOf(homePool)).to.equal(0n);
      });
    });
  });

  describe("when an accrual happens while a transfer is in flight", function () {
    it("should deliver the shares sent, worth the new index on both chains (no value created or lost)", async function () {
      const f = await loadFixture(multichainFixture);
      const { token } = f.fund.contracts;
      const before = await token.sharesOf(f.alice.address);
      const id = await toSat(f, 500n * 10n ** 18n);
      const sent = before - (await token.sharesOf(f.alice.address));
      await refreshReserves(f.fund);
      await publishNavAnswer(f.fund, feedUnits("1.0005"));
      await token.accrue();
      const index = await token.index();
      await f.home.relay.syncIndex(SAT);
      await f.sat.lane.execute(await lastMessage(f.sat.lane));
      expect(await f.sat.token.index()).to.equal(index);
      await f.sat.lane.execute(id);
      expect(await f.sat.token.sharesOf(f.alice.address)).to.equal(sent);
      expect(await f.sat.token.balanceOf(f.alice.address)).to.equal(toAmount(sent, index));
      // Global shares: home's total counts the locked shares; satellite shares are exactly those.
      expect(await f.sat.token.totalShares()).to.equal(await f.home.pool.lockedShares(SAT));
    });
  });

  describe("when the receiver is refused on the destination", function () {
    it("should park the shares (the message succeeds) and let the transfer agent deliver them once the receiver is fixed", async function () {
      const f = await loadFixture(multichainFixture);
      const { token } = f.fund.contracts;
      const before = await token.sharesOf(f.alice.address);
      const id = await toSat(f, 100n * 10n ** 18n, f.bob.address);
      const sent = before - (await token.sharesOf(f.alice.address));
      const reason = f.sat.token.interface.encodeErrorResult("RecipientNotVerified", [f.bob.address]);
      await expect(f.sat.lane.execute(id))
        .to.emit(f.sat.pool, "ArrivalParked")
        .withArgs(1n, HOME, 1n, f.bob.address, f.alice.address, sent, reason);
      expect(await f.sat.token.balanceOf(f.bob.address)).to.equal(0n);
      expect(await f.sat.pool.parkedShares()).to.equal(sent);
      await expect(f.sat.pool.connect(f.satAgent).deliver(1n))
        .to.be.revertedWithCustomError(f.sat.token, "RecipientNotVerified")
        .withArgs(f.bob.address);
      // Bob is onboarded on home and copied over; the transfer agent delivers.
      await f.home.relay.syncInvestors(SAT, [f.bob.address]);
      await f.sat.lane.execute(await lastMessage(f.sat.lane));
      await expect(f.sat.pool.connect(f.satAgent).deliver(1n))
        .to.emit(f.sat.pool, "ParkedDelivered")
        .withArgs(1n, f.bob.address, sent, toAmount(sent, await f.sat.token.index()));
      expect(await f.sat.token.sharesOf(f.bob.address)).to.equal(sent);
      expect(await f.sat.pool.parkedShares()).to.equal(0n);
      await expect(f.sat.pool.connect(f.satAgent).deliver(1n))
        .to.be.revertedWithCustomError(f.sat.pool, "UnknownParkedArrival")
        .withArgs(1n);
    });

    it("should let the transfer agent return the parked shares to the sender on the source chain", async function () {
      const f = await loadFixture(multichainFixture);
      const { token } = f.fund.contracts;
      const before = await token.sharesOf(f.alice.address);
      const id = await toSat(f, 100n * 10n ** 18n, f.carol.address);
      await f.sat.lane.execute(id);
      await expect(f.sat.pool.connect(f.satAgent).returnToSender(1n)).to.emit(f.sat.pool, "ParkedReturned");
      expect(await f.sat.token.totalShares()).to.equal(0n);
      await f.home.lane.execute(await lastMessage(f.home.lane));
      expect(await token.sharesOf(f.alice.address)).to.equal(before);
      expect(await f.home.pool.lockedShares(SAT)).to.equal(0n);
    });
  });

  describe("when the sender is sanctioned", function () {
    it("should refuse the send on the source chain (TransferRestricted SENDER_SANCTIONED), on home and, once synced, on the satellite", async function () {
      const f = await loadFixture(multichainFixture);
      const id = await toSat(f, 100n * 10n ** 18n);
      await f.sat.lane.execute(id);
      await roleCalls(f.fund, "complianceOfficer", [
        [f.fund.contracts.compliance, "setSanctioned", [[f.alice.address], true]],
      ]);
      const home = { token: f.fund.contracts.token, lane: f.home.lane };
      await expect(send(home, f.sat, f.alice, f.alice.address, 10n ** 18n, SAT))
        .to.be.revertedWithCustomError(f.fund.contracts.compliance, "TransferRestricted")
        .withArgs(CODE.SENDER_SANCTIONED);
      await f.home.relay.syncInvestors(SAT, [f.alice.address]);
      await f.sat.lane.execute(await lastMessage(f.sat.lane));
      expect(await f.sat.compliance.isSanctioned(f.alice.address)).to.equal(true);
      await expect(send(f.sat, f.home, f.alice, f.alice.address, 10n ** 18n, HOME))
        .to.be.revertedWithCustomError(f.sat.compliance, "TransferRestricted")
        .withArgs(CODE.SENDER_SANCTIONED);
    });
  });

  describe("replay", function () {
    it("should refuse a second releaseOrMint of the same transfer (TransferAlreadyReleased)", async function () {
      const f = await loadFixture(multichainFixture);
      const id = await toSat(f, 100n * 10n ** 18n);
      await f.sat.lane.execute(id);
      await expect(f.sat.lane.execute(id)).to.be.revertedWithCustomError(f.sat.lane, "AlreadyExecuted");
      await expect(f.sat.lane.replayReleaseOrMint(id, 0))
        .to.be.revertedWithCustomError(f.sat.pool, "TransferAlreadyReleased")
        .withArgs(HOME, 1n);
    });
  });

  describe("pause", function () {
    it("should hold sends and arrivals while a pool is paused, and deliver the arrival after the unpause", async function () {
      const f = await loadFixture(multichainFixture);
      const id = await toSat(f, 100n * 10n ** 18n);
      await expect(f.sat.pool.connect(f.satGuardian).pause())
        .to.emit(f.sat.pool, "PoolPausedChanged")
        .withArgs(false, true);
      await expect(f.sat.lane.execute(id)).to.be.revertedWithCustomError(f.sat.pool, "PoolPaused");
      await f.sat.pool.connect(f.satIssuer).unpause();
      await f.sat.lane.execute(id);
      expect(await f.sat.token.balanceOf(f.alice.address)).to.be.greaterThan(0n);
      await roleCalls(f.fund, "guardian", [[f.home.pool, "pause", []]]);
      const home = { token: f.fund.contracts.token, lane: f.home.lane };
      await expect(
        send(home, f.sat, f.alice, f.alice.address, 10n ** 18n, SAT),
      ).to.be.revertedWithCustomError(f.home.pool, "PoolPaused");
    });
  });

  describe("role boundaries", function () {
    it("should refuse the pools', the token's bridge and the mirror's restricted functions to anyone else", async function () {
      const f = await loadFixture(multichainFixture);
      const o = f.outsider;
      await expect(f.sat.pool.connect(o).deliver(1n))
        .to.be.revertedWithCustomError(f.sat.pool, "AccessManagedUnauthorized")
        .withArgs(o.address);
      await expect(f.sat.pool.connect(o).returnToSender(1n))
        .to.be.revertedWithCustomError(f.sat.pool, "AccessManagedUnauthorized")
        .withArgs(o.address);
      await expect(f.sat.pool.connect(o).pause())
        .to.be.revertedWithCustomError(f.sat.pool, "AccessManagedUnauthorized")
        .withArgs(o.address);
      await expect(f.sat.pool.connect(f.satGuardian).unpause())
        .to.be.revertedWithCustomError(f.sat.pool, "AccessManagedUnauthorized")
        .withArgs(f.satGuardian.address);
      await expect(f.sat.token.connect(o).bridgeMint(1n))
        .to.be.revertedWithCustomError(f.sat.pool, "AccessManagedUnauthorized")
        .withArgs(o.address);
      await expect(f.sat.token.connect(o).bridgeBurn(1n))
        .to.be.revertedWithCustomError(f.sat.pool, "AccessManagedUnauthorized")
        .withArgs(o.address);
      await expect(f.sat.token.connect(o).syncIndex(1n, { nav: 1n, updatedAt: 1n, roundId: 1n }))
        .to.be.revertedWithCustomError(f.sat.pool, "AccessManagedUnauthorized")
        .withArgs(o.address);
      await expect(f.sat.pool.connect(o).applyChainUpdates([], [])).to.be.revertedWithCustomError(
        f.sat.pool,
        "OnlyCallableByOwner",
      );
      await expect(f.home.relay.connect(o).setMirror(SAT, o.address))
        .to.be.revertedWithCustomError(f.home.relay, "AccessManagedUnauthorized")
        .withArgs(o.address);
      await expect(f.sat.mirror.connect(o).bindToken(o.address))
        .to.be.revertedWithCustomError(f.sat.mirror, "AccessManagedUnauthorized")
        .withArgs(o.address);
      const lockIn = {
        receiver: coder.encode(["address"], [o.address]),
        remoteChainSelector: HOME,
        originalSender: o.address,
        amount: 1n,
        localToken: await f.sat.token.getAddress(),
      };
      await expect(f.sat.pool.connect(o).lockOrBurn(lockIn))
        .to.be.revertedWithCustomError(f.sat.pool, "CallerIsNotARampOnRouter")
        .withArgs(o.address);
      // The home token's bridge functions: wired on home too, held by nobody there.
      await expect(f.fund.contracts.token.connect(o).bridgeMint(1n))
        .to.be.revertedWithCustomError(f.sat.pool, "AccessManagedUnauthorized")
        .withArgs(o.address);
    });

    it("should keep the satellite from accruing or issuing by itself", async function () {
      const f = await loadFixture(multichainFixture);
      await expect(f.sat.token.accrue()).to.be.revertedWithCustomError(
        f.sat.mirror,
        "AccrualOnHomeChainOnly",
      );
    });
  });

  void ALICE_TOKENS;
  void registerInvestor;
});
