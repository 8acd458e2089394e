/**
 * Issue 18: the home chain's registry, sanctions and index copied to a satellite over CCIP (HomeRelay ->
 * SatelliteMirror), and the satellite's limits: rate limits, pauses, a compromised satellite, upgrades.
 * docs/MULTICHAIN.md.
 */
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  COUNTRY,
  CLASS,
  HOME,
  SAT,
  YEAR,
  coder,
  expect,
  lastMessage,
  multichainFixture,
  roleCalls,
  send,
  type MultichainFixture,
  resetAfterMultichain,
} from "./fixtures";
import { registerInvestor } from "../helpers/fund";
import { feedUnits, publishNavAnswer, refreshReserves } from "../token/fixtures";
import { ROLE_IDS } from "../../lib/deploy/roles";

const E18 = 10n ** 18n;

async function syncInvestors(f: MultichainFixture, wallets: string[]) {
  await f.home.relay.syncInvestors(SAT, wallets);
  return lastMessage(f.sat.lane);
}

async function accrueHome(f: MultichainFixture, nav: string) {
  await refreshReserves(f.fund);
  await publishNavAnswer(f.fund, feedUnits(nav));
  await f.fund.contracts.token.accrue();
}

async function toSat(f: MultichainFixture, amount: bigint, receiver = f.alice.address) {
  return send({ token: f.fund.contracts.token, lane: f.home.lane }, f.sat, f.alice, receiver, amount, SAT);
}

describe("issue 18: the home chain mirrored on a satellite (HomeRelay, SatelliteMirror)", function () {
  after(resetAfterMultichain);

  describe("syncInvestors", function () {
    describe("when an investor is onboarded, updated and revoked on home", function () {
      it("should write the same record on the satellite each time, with no second KYC entry", async function () {
        const f = await loadFixture(multichainFixture);
        const { registry } = f.fund.contracts;
        const id = await syncInvestors(f, [f.bob.address]);
        const word = await registry.investorRecord(f.bob.address);
        await expect(f.sat.lane.execute(id))
          .to.emit(f.sat.mirror, "RecordApplied")
          .withArgs(f.bob.address, 3n, word, false);
        expect(await f.sat.registry.investorRecord(f.bob.address)).to.equal(word);
        const expiry = (await time.latest()) + 2 * YEAR;
        await roleCalls(f.fund, "complianceOfficer", [
          [
            registry,
            "updateInvestor",
            [f.bob.address, [f.bob.address], COUNTRY.GB, CLASS.qualified_purchaser, expiry],
          ],
        ]);
        await f.sat.lane.execute(await syncInvestors(f, [f.bob.address]));
        expect(await f.sat.registry.investorRecord(f.bob.address)).to.equal(
          await registry.investorRecord(f.bob.address),
        );
        await roleCalls(f.fund, "complianceOfficer", [
          [registry, "setRevoked", [f.bob.address, [f.bob.address], true]],
        ]);
        await f.sat.lane.execute(await syncInvestors(f, [f.bob.address]));
        expect(await f.sat.registry.isRevoked(f.bob.address)).to.equal(true);
        expect(await f.sat.registry.investorRecord(f.bob.address)).to.equal(
          await registry.investorRecord(f.bob.address),
        );
      });
    });

    describe("when a wallet deleted on home still holds tokens on the satellite", function () {
      it("should revoke it there and report the refused deletion (RecordNotApplied WalletHoldsTokens), the message succeeding", async function () {
        const f = await loadFixture(multichainFixture);
        const { registry, token } = f.fund.contracts;
        await f.sat.lane.execute(await toSat(f, await token.balanceOf(f.alice.address)));
        await roleCalls(f.fund, "complianceOfficer", [[registry, "deleteIdentity", [f.alice.address]]]);
        const shares = await f.sat.token.sharesOf(f.alice.address);
        const reason = f.sat.registry.interface.encodeErrorResult("WalletHoldsTokens", [
          f.alice.address,
          await f.sat.token.getAddress(),
          shares,
        ]);
        await expect(f.sat.lane.execute(await syncInvestors(f, [f.alice.address])))
          .to.emit(f.sat.mirror, "RecordNotApplied")
          .withArgs(f.alice.address, 3n, reason);
        expect(await f.sat.registry.isRevoked(f.alice.address)).to.equal(true);
        expect(await f.sat.registry.isVerified(f.alice.address)).to.equal(false);
      });
    });

    describe("when messages arrive out of order or twice", function () {
      it("should apply only the newest record of a wallet (RecordIgnored for the older one)", async function () {
        const f = await loadFixture(multichainFixture);
        const older = await syncInvestors(f, [f.bob.address]);
        await roleCalls(f.fund, "complianceOfficer", [
          [f.fund.contracts.registry, "setRevoked", [f.bob.address, [f.bob.address], true]],
        ]);
        const newer = await syncInvestors(f, [f.bob.address]);
        await f.sat.lane.execute(newer);
        await expect(f.sat.lane.execute(older))
          .to.emit(f.sat.mirror, "RecordIgnored")
          .withArgs(f.bob.address, 3n, 4n);
        expect(await f.sat.registry.isRevoked(f.bob.address)).to.equal(true);
      });
    });

    describe("when the wallet is an account of the home fund (PROTOCOL)", function () {
      it("should not copy it (RecordNotApplied InvalidClasses)", async function () {
        const f = await loadFixture(multichainFixture);
        const pool = await f.home.pool.getAddress();
        const reason = f.sat.registry.interface.encodeErrorResult("InvalidClasses", [pool, CLASS.protocol]);
        await expect(f.sat.lane.execute(await syncInvestors(f, [pool])))
          .to.emit(f.sat.mirror, "RecordNotApplied")
          .withArgs(pool, 3n, reason);
        expect(await f.sat.registry.contains(pool)).to.equal(false);
      });
    });

    describe("when a message does not come from the home relay", function () {
      it("should refuse it (UnknownSource)", async function () {
        const f = await loadFixture(multichainFixture);
        const data = coder.encode(["uint8", "uint64", "bytes"], [1, 99, "0x"]);
        await f.home.lane.connect(f.outsider).ccipSend(SAT, {
          receiver: coder.encode(["address"], [await f.sat.mirror.getAddress()]),
          data,
          tokenAmounts: [],
          feeToken: hre.ethers.ZeroAddress,
          extraArgs: "0x",
        });
        const inner = f.sat.mirror.interface.encodeErrorResult("UnknownSource", [
          HOME,
          coder.encode(["address"], [f.outsider.address]),
        ]);
        await expect(f.sat.lane.execute(await lastMessage(f.sat.lane)))
          .to.be.revertedWithCustomError(f.sat.lane, "ReceiverError")
          .withArgs(inner);
      });
    });
  });

  describe("syncIndex", function () {
    describe("when the home chain accrues", function () {
      it("should give the satellite the home index and round: a share is worth the same on both chains, the satellite minting no fee", async function () {
        const f = await loadFixture(multichainFixture);
        const { token } = f.fund.contracts;
        await f.sat.lane.execute(await toSat(f, 300n * E18));
        await accrueHome(f, "1.0004");
        await f.home.relay.syncIndex(SAT);
        const supplyBefore = await f.sat.token.totalSupply();
        await expect(f.sat.lane.execute(await lastMessage(f.sat.lane))).to.emit(f.sat.token, "YieldAccrued");
        expect(await f.sat.token.index()).to.equal(await token.index());
        expect(await f.sat.token.appliedNav()).to.deep.equal(await token.appliedNav());
        expect(await f.sat.token.amountForShares(E18)).to.equal(await token.amountForShares(E18));
        expect(await f.sat.token.totalShares()).to.equal(await f.home.pool.lockedShares(SAT));
        expect(await f.sat.token.totalSupply()).to.be.greaterThan(supplyBefore);
      });
    });

    describe("when an older round arrives after a newer one", function () {
      it("should keep the newer index (a satellite never goes back to a round)", async function () {
        const f = await loadFixture(multichainFixture);
        await accrueHome(f, "1.0002");
        await f.home.relay.syncIndex(SAT);
        const older = await lastMessage(f.sat.lane);
        await time.increase(86_400);
        await accrueHome(f, "1.0006");
        await f.home.relay.syncIndex(SAT);
        await f.sat.lane.execute(await lastMessage(f.sat.lane));
        const index = await f.sat.token.index();
        await f.sat.lane.execute(older);
        expect(await f.sat.token.index()).to.equal(index);
        expect(index).to.equal(await f.fund.contracts.token.index());
      });
    });

    describe("when the satellite token is paused", function () {
      it("should keep the round pending (IndexPending) and let anyone apply it after the unpause", async function () {
        const f = await loadFixture(multichainFixture);
        await accrueHome(f, "1.0003");
        await f.sat.token.connect(f.satGuardian).pause();
        await f.home.relay.syncIndex(SAT);
        const reason = f.sat.token.interface.encodeErrorResult("EnforcedPause", []);
        const homeIndex = await f.fund.contracts.token.index();
        await expect(f.sat.lane.execute(await lastMessage(f.sat.lane)))
          .to.emit(f.sat.mirror, "IndexPending")
          .withArgs(homeIndex, (await f.fund.contracts.token.appliedNav()).roundId, reason);
        await f.sat.token.connect(f.satIssuer).unpause();
        await f.sat.mirror.connect(f.outsider).applyPendingIndex();
        expect(await f.sat.token.index()).to.equal(homeIndex);
      });
    });

    describe("syncIndex on the token, with a round not newer than the applied one", function () {
      it("should refuse it (IndexRoundNotNewer)", async function () {
        const f = await loadFixture(multichainFixture);
        await f.sat.manager.connect(f.satAdmin).grantRole(ROLE_IDS.CHAIN_MIRROR, f.satAdmin.address, 0);
        const applied = await f.sat.token.appliedNav();
        const round = { nav: applied.nav, updatedAt: applied.updatedAt, roundId: applied.roundId };
        await expect(f.sat.token.connect(f.satAdmin).syncIndex(2n * E18, round))
          .to.be.revertedWithCustomError(f.sat.token, "IndexRoundNotNewer")
          .withArgs(round.roundId, round.updatedAt, round.updatedAt);
      });
    });
  });

  describe("the satellite's own limits", function () {
    it("should refuse a mint on the satellite even to a MINTER (ReserveExceeded: only the pool issues there)", async function () {
      const f = await loadFixture(multichainFixture);
      await f.sat.manager.connect(f.satAdmin).grantRole(ROLE_IDS.MINTER, f.satAdmin.address, 0);
      await expect(f.sat.token.connect(f.satAdmin).mint(f.alice.address, E18))
        .to.be.revertedWithCustomError(f.sat.token, "ReserveExceeded")
        .withArgs(await f.sat.token.amountForShares(await f.sat.token.sharesForAmount(E18)), 0n);
    });

    it("should refuse sends beyond the pool's outbound rate limit (TokenMaxCapacityExceeded), set through the AccessManager", async function () {
      const f = await loadFixture(multichainFixture);
      await f.sat.lane.execute(await toSat(f, 500n * E18));
      const limit = { isEnabled: true, capacity: 100n * E18, rate: E18 };
      const off = { isEnabled: false, capacity: 0n, rate: 0n };
      const pool = f.sat.pool;
      await f.sat.manager
        .connect(f.satAdmin)
        .execute(
          await pool.getAddress(),
          pool.interface.encodeFunctionData("setChainRateLimiterConfig", [HOME, limit, off]),
        );
      // The bucket fills at its rate from what it held (nothing while disabled).
      await time.increase(100);
      await expect(send(f.sat, f.home, f.alice, f.alice.address, 101n * E18, HOME))
        .to.be.revertedWithCustomError(pool, "TokenMaxCapacityExceeded")
        .withArgs(100n * E18, 101n * E18, await f.sat.token.getAddress());
      await send(f.sat, f.home, f.alice, f.alice.address, 100n * E18, HOME);
    });

    it("should hold an arrival while the destination token is paused (TokenPaused) and deliver it after the unpause", async function () {
      const f = await loadFixture(multichainFixture);
      const id = await toSat(f, 10n * E18);
      await f.sat.token.connect(f.satGuardian).pause();
      await expect(f.sat.lane.execute(id)).to.be.revertedWithCustomError(f.sat.pool, "TokenPaused");
      await f.sat.token.connect(f.satIssuer).unpause();
      await f.sat.lane.execute(id);
      expect(await f.sat.pool.parkedShares()).to.equal(0n);
    });

    it("should refuse on home a release for more shares than were locked for the satellite (InsufficientLockedShares)", async function () {
      const f = await loadFixture(multichainFixture);
      await f.sat.lane.execute(await toSat(f, 10n * E18));
      // A compromised satellite admin issues shares no home share backs, and sends them home.
      const m = f.sat.manager.connect(f.satAdmin);
      const rogue = f.satAdmin.address;
      for (const role of [ROLE_IDS.ISSUER, ROLE_IDS.COMPLIANCE_OFFICER, ROLE_IDS.BRIDGE_POOL])
        await m.grantRole(role, rogue, 0);
      await f.sat.registry.connect(f.satAdmin).setProtocolAccount(rogue, true);
      await f.sat.registry
        .connect(f.satAdmin)
        .registerInvestor(rogue, rogue, COUNTRY.US, CLASS.protocol, (await time.latest()) + YEAR);
      await f.sat.token.connect(f.satAdmin).bridgeMint(1_000n * E18);
      await f.sat.token.connect(f.satAdmin).transfer(f.alice.address, 1_000n * E18);
      const locked = await f.home.pool.lockedShares(SAT);
      const all = await f.sat.token.sharesOf(f.alice.address);
      const id = await send(
        f.sat,
        f.home,
        f.alice,
        f.alice.address,
        await f.sat.token.balanceOf(f.alice.address),
        HOME,
      );
      await expect(f.home.lane.execute(id))
        .to.be.revertedWithCustomError(f.home.pool, "InsufficientLockedShares")
        .withArgs(SAT, locked, all);
    });
  });

  describe("upgrades", function () {
    it("should keep the bridge working across an upgrade of the satellite token (shares in flight, parked, locked)", async function () {
      const f = await loadFixture(multichainFixture);
      const inFlight = await toSat(f, 50n * E18);
      await f.sat.lane.execute(await toSat(f, 20n * E18, f.carol.address));
      const { ethers, upgrades } = hre;
      const adminV2 = await (await ethers.getContractFactory("FundTokenAdminV2", f.satAdmin)).deploy();
      const implementation = await upgrades.prepareUpgrade(
        await f.sat.token.getAddress(),
        await ethers.getContractFactory("FundTokenV2", f.satAdmin),
        { kind: "uups", constructorArgs: [await adminV2.getAddress()] },
      );
      const v2 = await ethers.getContractAt("FundTokenV2", await f.sat.token.getAddress());
      await v2.connect(f.satIssuer).upgradeToAndCall(String(implementation), "0x");
      expect(await v2.version2()).to.equal(2n);
      await f.sat.lane.execute(inFlight);
      await registerInvestor(f.fund, f.carol.address);
      await f.sat.lane.execute(await syncInvestors(f, [f.carol.address]));
      await f.sat.pool.connect(f.satAgent).deliver(1n);
      expect(await f.sat.token.totalShares()).to.equal(await f.home.pool.lockedShares(SAT));
      expect(await f.sat.token.sharesOf(f.carol.address)).to.be.greaterThan(0n);
    });
  });
});
