import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  DAY,
  DEPLOYED_RULES,
  IDS,
  ONE,
  R,
  RULES,
  YEAR,
  act,
  castFixture,
  complianceAdmin,
  configure,
  expectConsistentAccounting,
  freshReserves,
  issue,
  rebase,
  timestampOf,
  tokens,
} from "./helpers";
import { mint } from "../helpers/fund";
import { ComplianceBase } from "../../lib/generated/contracts";

const PERIOD = 30 * DAY;
const MAX_LOCK_PERIOD = ComplianceBase.MAX_LOCK_PERIOD;
const MAX_TRANCHES = ComplianceBase.MAX_LOCK_TRANCHES;
const WITH_LOCKUP = DEPLOYED_RULES | RULES.LOCKUP;

/** A 30-day lockup; Alice received 1,000 tokens before the rule was on (unlocked). */
async function lockupFixture() {
  const cast = await loadFixture(castFixture);
  const { fund, alice } = cast;
  await configure(fund, "setLockPeriod", [PERIOD]);
  await issue(fund, alice.address, tokens("1000"));
  await configure(fund, "setRules", [WITH_LOCKUP]);
  return cast;
}

/** The lockup with 400 more tokens issued to Alice under it (locked until `releaseAt`). */
async function lockedFixture() {
  const base = await loadFixture(lockupFixture);
  const issuedAt = await timestampOf(await issue(base.fund, base.alice.address, tokens("400")));
  return { ...base, releaseAt: issuedAt + PERIOD };
}

/** The lockup with two tranches issued to Alice on two days: 100 (oldest) and 200. */
async function twoTranchesFixture() {
  const base = await loadFixture(lockupFixture);
  const t1 = await timestampOf(await issue(base.fund, base.alice.address, tokens("100")));
  await time.increase(DAY);
  const t2 = await timestampOf(await issue(base.fund, base.alice.address, tokens("200")));
  return { ...base, r1: t1 + PERIOD, r2: t2 + PERIOD };
}

describe("ModularCompliance: lockup rule", function () {
  describe("on issuance", function () {
    it("should lock the issued shares for the period and emit SharesLocked", async function () {
      const { fund, alice, wallets } = await loadFixture(lockupFixture);
      const { compliance } = fund.contracts;
      await freshReserves(fund);
      const tx = await issue(fund, alice.address, tokens("400"));
      const releaseAt = (await timestampOf(tx)) + PERIOD;
      await expect(tx).to.emit(compliance, "SharesLocked").withArgs(IDS.alice, tokens("400"), releaseAt);
      expect(await compliance.lockedShares(IDS.alice)).to.equal(tokens("400"));
      expect(await compliance.lockTranches(IDS.alice)).to.deep.equal([[tokens("400"), BigInt(releaseAt)]]);
      await expectConsistentAccounting(fund, wallets);
    });

    it("should not lock shares issued while the rule was off", async function () {
      const { fund } = await loadFixture(lockupFixture);
      expect(await fund.contracts.compliance.lockedShares(IDS.alice)).to.equal(0n);
      expect(await fund.contracts.compliance.lockTranches(IDS.alice)).to.deep.equal([]);
    });
  });

  describe("on a transfer", function () {
    it("should let only the unlocked part leave", async function () {
      const { fund, alice, bob } = await loadFixture(lockedFixture);
      const { token, compliance } = fund.contracts;
      await expect(token.connect(alice).transfer(bob.address, tokens("1000") + 1n))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.TOKENS_LOCKED);
      await token.connect(alice).transfer(bob.address, tokens("1000"));
      await expect(token.connect(alice).transfer(bob.address, 1n))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.TOKENS_LOCKED);
      expect(await token.balanceOf(alice.address)).to.equal(tokens("400"));
    });

    it("should release exactly at the release time", async function () {
      const { fund, alice, bob, releaseAt, wallets } = await loadFixture(lockedFixture);
      const { token, compliance } = fund.contracts;
      await token.connect(alice).transfer(bob.address, tokens("1000"));
      await time.setNextBlockTimestamp(releaseAt - 1);
      await expect(token.connect(alice).transfer(bob.address, 1n))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.TOKENS_LOCKED);
      await time.setNextBlockTimestamp(releaseAt);
      await token.connect(alice).transfer(bob.address, tokens("400"));
      expect(await token.balanceOf(alice.address)).to.equal(0n);
      expect(await compliance.lockedShares(IDS.alice)).to.equal(0n);
      // The released tranche is removed from storage by the transfer.
      expect(await compliance.lockTranches(IDS.alice)).to.deep.equal([]);
      await expectConsistentAccounting(fund, wallets);
    });

    it("should report matured shares as unlocked before any transfer removes them", async function () {
      const { fund, releaseAt } = await loadFixture(lockedFixture);
      const { compliance } = fund.contracts;
      await time.increaseTo(releaseAt);
      expect(await compliance.lockedShares(IDS.alice)).to.equal(0n);
      expect(await compliance.lockTranches(IDS.alice)).to.deep.equal([[tokens("400"), BigInt(releaseAt)]]);
    });

    it("should let locked shares move between the investor's own wallets, keeping them locked", async function () {
      const { fund, alice, alice2, bob, wallets } = await loadFixture(lockedFixture);
      const { token, compliance } = fund.contracts;
      await token.connect(alice).transfer(alice2.address, tokens("1400"));
      await expect(token.connect(alice2).transfer(bob.address, tokens("1000") + 1n))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.TOKENS_LOCKED);
      await token.connect(alice2).transfer(bob.address, tokens("1000"));
      expect(await compliance.lockedShares(IDS.alice)).to.equal(tokens("400"));
      await expectConsistentAccounting(fund, wallets);
    });

    it("should not lock the shares a recipient receives by transfer", async function () {
      const { fund, alice, bob } = await loadFixture(lockedFixture);
      const { token, compliance } = fund.contracts;
      await token.connect(alice).transfer(bob.address, tokens("1000"));
      expect(await compliance.lockedShares(IDS.bob)).to.equal(0n);
      await token.connect(bob).transfer(alice.address, tokens("1000"));
    });
  });

  describe("tranches", function () {
    it("should merge issuances of the same day into one tranche released with the latest", async function () {
      const { fund, alice, wallets } = await loadFixture(lockupFixture);
      const { compliance } = fund.contracts;
      await freshReserves(fund);
      const dayStart = Math.floor((await time.latest()) / DAY) * DAY + DAY;
      await time.setNextBlockTimestamp(dayStart + 3600);
      await expect(mint(fund, alice.address, tokens("100")).then((r) => r.response))
        .to.emit(compliance, "SharesLocked")
        .withArgs(IDS.alice, tokens("100"), dayStart + 3600 + PERIOD);
      await time.setNextBlockTimestamp(dayStart + 20 * 3600);
      await expect(mint(fund, alice.address, tokens("200")).then((r) => r.response))
        .to.emit(compliance, "SharesLocked")
        .withArgs(IDS.alice, tokens("200"), dayStart + 20 * 3600 + PERIOD);
      expect(await compliance.lockTranches(IDS.alice)).to.deep.equal([
        [tokens("300"), BigInt(dayStart + 20 * 3600 + PERIOD)],
      ]);
      // The next day starts a new tranche.
      await time.setNextBlockTimestamp(dayStart + DAY + 60);
      await mint(fund, alice.address, tokens("50"));
      expect(await compliance.lockTranches(IDS.alice)).to.deep.equal([
        [tokens("300"), BigInt(dayStart + 20 * 3600 + PERIOD)],
        [tokens("50"), BigInt(dayStart + DAY + 60 + PERIOD)],
      ]);
      expect(await compliance.lockedShares(IDS.alice)).to.equal(tokens("350"));
      await expectConsistentAccounting(fund, wallets);
    });

    it(`should keep at most ${MAX_TRANCHES} pending tranches, merging later issuances into the newest`, async function () {
      const { fund, alice, wallets } = await loadFixture(lockupFixture);
      const { compliance } = fund.contracts;
      await configure(fund, "setLockPeriod", [YEAR]);
      for (let i = 0; i < MAX_TRANCHES; i++) {
        await time.increase(DAY);
        await issue(fund, alice.address, ONE);
      }
      const before = await compliance.lockTranches(IDS.alice);
      expect(before.length).to.equal(MAX_TRANCHES);
      await time.increase(DAY);
      const tx = await issue(fund, alice.address, ONE);
      const releaseAt = (await timestampOf(tx)) + YEAR;
      await expect(tx).to.emit(compliance, "SharesLocked").withArgs(IDS.alice, ONE, releaseAt);
      const after = await compliance.lockTranches(IDS.alice);
      expect(after.length).to.equal(MAX_TRANCHES);
      expect(after.slice(0, MAX_TRANCHES - 1)).to.deep.equal(before.slice(0, MAX_TRANCHES - 1));
      expect(after[MAX_TRANCHES - 1]).to.deep.equal([2n * ONE, BigInt(releaseAt)]);
      expect(await compliance.lockedShares(IDS.alice)).to.equal(BigInt(MAX_TRANCHES + 1) * ONE);
      // Once the oldest tranche is released, a new issuance opens a tranche again.
      await time.increaseTo(before[0].releaseAt);
      await issue(fund, alice.address, ONE);
      const reopened = await compliance.lockTranches(IDS.alice);
      expect(reopened.length).to.equal(MAX_TRANCHES);
      expect(reopened[0]).to.deep.equal(before[1]);
      expect(reopened[MAX_TRANCHES - 1].shares).to.equal(ONE);
      await expectConsistentAccounting(fund, wallets);
    });

    it("should release tranches one by one, oldest first", async function () {
      const { fund, alice, bob, r1, r2, wallets } = await loadFixture(twoTranchesFixture);
      const { token, compliance } = fund.contracts;
      await token.connect(alice).transfer(bob.address, tokens("1000"));
      await time.increaseTo(r1);
      expect(await compliance.lockedShares(IDS.alice)).to.equal(tokens("200"));
      await expect(token.connect(alice).transfer(bob.address, tokens("100") + 1n))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.TOKENS_LOCKED);
      await token.connect(alice).transfer(bob.address, tokens("100"));
      expect(await compliance.lockTranches(IDS.alice)).to.deep.equal([[tokens("200"), BigInt(r2)]]);
      await time.increaseTo(r2);
      await token.connect(alice).transfer(bob.address, tokens("200"));
      await expectConsistentAccounting(fund, wallets);
    });
  });

  describe("forced transfers and burns", function () {
    it("should leave the locks alone when only unlocked shares are taken", async function () {
      const { fund, alice, bob, r1, r2 } = await loadFixture(twoTranchesFixture);
      await act(fund, "transferAgent", fund.contracts.token, "forcedTransfer", [
        alice.address,
        bob.address,
        tokens("1000"),
      ]);
      expect(await fund.contracts.compliance.lockTranches(IDS.alice)).to.deep.equal([
        [tokens("100"), BigInt(r1)],
        [tokens("200"), BigInt(r2)],
      ]);
    });

    it("should consume the oldest locks first when a forced transfer takes locked shares", async function () {
      const { fund, alice, bob, carol, r2, wallets } = await loadFixture(twoTranchesFixture);
      const { token, compliance } = fund.contracts;
      await act(fund, "transferAgent", token, "forcedTransfer", [alice.address, bob.address, tokens("1150")]);
      expect(await compliance.lockTranches(IDS.alice)).to.deep.equal([[tokens("150"), BigInt(r2)]]);
      expect(await compliance.lockedShares(IDS.alice)).to.equal(tokens("150"));
      // What the recipient received is not locked.
      await token.connect(bob).transfer(carol.address, tokens("1150"));
      await expectConsistentAccounting(fund, wallets);
    });

    it("should consume the oldest locks first when a burn takes locked shares", async function () {
      const { fund, alice, r2, wallets } = await loadFixture(twoTranchesFixture);
      const { token, compliance } = fund.contracts;
      await act(fund, "transferAgent", token, "burn", [alice.address, tokens("1200")]);
      expect(await compliance.lockTranches(IDS.alice)).to.deep.equal([[tokens("100"), BigInt(r2)]]);
      await act(fund, "transferAgent", token, "burn", [alice.address, tokens("100")]);
      expect(await compliance.lockTranches(IDS.alice)).to.deep.equal([]);
      expect(await compliance.lockedShares(IDS.alice)).to.equal(0n);
      await expectConsistentAccounting(fund, wallets);
    });
  });

  describe("turning the rule off and on", function () {
    it("should free every lock while off", async function () {
      const { fund, alice, bob } = await loadFixture(twoTranchesFixture);
      await configure(fund, "setRules", [DEPLOYED_RULES]);
      await fund.contracts.token.connect(alice).transfer(bob.address, tokens("1300"));
      expect(await fund.contracts.token.balanceOf(alice.address)).to.equal(0n);
    });

    it("should not lock issuances made while off", async function () {
      const { fund, alice } = await loadFixture(twoTranchesFixture);
      await configure(fund, "setRules", [DEPLOYED_RULES]);
      await expect(issue(fund, alice.address, tokens("10"))).not.to.emit(
        fund.contracts.compliance,
        "SharesLocked",
      );
    });

    it("should void the old locks when turned on again, and lock only new issuances", async function () {
      const { fund, alice, bob, wallets } = await loadFixture(twoTranchesFixture);
      const { token, compliance } = fund.contracts;
      await expect(configure(fund, "setRules", [DEPLOYED_RULES]))
        .to.emit(compliance, "RulesChanged")
        .withArgs(WITH_LOCKUP, DEPLOYED_RULES);
      await configure(fund, "setRules", [WITH_LOCKUP]);
      expect(await compliance.lockedShares(IDS.alice)).to.equal(0n);
      expect(await compliance.lockTranches(IDS.alice)).to.deep.equal([]);
      const releaseAt = (await timestampOf(await issue(fund, alice.address, tokens("50")))) + PERIOD;
      expect(await compliance.lockTranches(IDS.alice)).to.deep.equal([[tokens("50"), BigInt(releaseAt)]]);
      await token.connect(alice).transfer(bob.address, tokens("1300"));
      await expect(token.connect(alice).transfer(bob.address, 1n))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.TOKENS_LOCKED);
      await expectConsistentAccounting(fund, wallets);
    });

    it("should keep the locks when other rules change", async function () {
      const { fund, r1, r2 } = await loadFixture(twoTranchesFixture);
      await configure(fund, "setRules", [WITH_LOCKUP & ~RULES.TRANSFER_LIMIT]);
      expect(await fund.contracts.compliance.lockTranches(IDS.alice)).to.deep.equal([
        [tokens("100"), BigInt(r1)],
        [tokens("200"), BigInt(r2)],
      ]);
    });
  });

  describe("with a rebase", function () {
    it("should keep locks in shares, so the locked value grows with the index", async function () {
      const { fund, alice, bob } = await loadFixture(lockupFixture);
      const { token, compliance } = fund.contracts;
      await issue(fund, alice.address, tokens("1000"));
      const index = await rebase(fund, "1.002");
      expect(index).to.be.gt(ONE);
      expect(await compliance.lockedShares(IDS.alice)).to.equal(tokens("1000"));
      const unlocked = await token.amountForShares(tokens("1000"));
      expect(unlocked).to.be.gt(tokens("1000"));
      await expect(token.connect(alice).transfer(bob.address, unlocked + 1n))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.TOKENS_LOCKED);
      await token.connect(alice).transfer(bob.address, unlocked);
      expect(await token.balanceOf(alice.address)).to.be.gte(unlocked);
    });
  });

  describe("after the period is shortened", function () {
    it("should never release a newer tranche before an older one, and report it so", async function () {
      const { fund, alice, bob, wallets } = await loadFixture(lockupFixture);
      const { token, compliance } = fund.contracts;
      const r1 = (await timestampOf(await issue(fund, alice.address, tokens("100")))) + PERIOD;
      await configure(fund, "setLockPeriod", [DAY]);
      const tx = await issue(fund, alice.address, tokens("200"));
      // A one-day lock issued now would end before the 30-day tranche: it joins it instead.
      await expect(tx).to.emit(compliance, "SharesLocked").withArgs(IDS.alice, tokens("200"), r1);
      expect(await compliance.lockTranches(IDS.alice)).to.deep.equal([[tokens("300"), BigInt(r1)]]);
      await time.increase(2 * DAY);
      await expectConsistentAccounting(fund, wallets);
      await token.connect(alice).transfer(bob.address, tokens("1000"));
      await expect(token.connect(alice).transfer(bob.address, 1n))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.TOKENS_LOCKED);
      await time.increaseTo(r1);
      await token.connect(alice).transfer(bob.address, tokens("300"));
    });
  });

  describe("setLockPeriod", function () {
    it("should set the period and emit LockPeriodChanged(old, new)", async function () {
      const { fund } = await loadFixture(castFixture);
      const { compliance } = fund.contracts;
      await expect(configure(fund, "setLockPeriod", [PERIOD]))
        .to.emit(compliance, "LockPeriodChanged")
        .withArgs(0, PERIOD);
      expect(await compliance.lockPeriod()).to.equal(BigInt(PERIOD));
      await expect(configure(fund, "setLockPeriod", [MAX_LOCK_PERIOD]))
        .to.emit(compliance, "LockPeriodChanged")
        .withArgs(PERIOD, MAX_LOCK_PERIOD);
    });

    for (const period of [0, MAX_LOCK_PERIOD + 1]) {
      it(`should refuse ${period} s with InvalidLockPeriod`, async function () {
        const { fund } = await loadFixture(castFixture);
        await expect(configure(fund, "setLockPeriod", [period]))
          .to.be.revertedWithCustomError(fund.contracts.compliance, "InvalidLockPeriod")
          .withArgs(period);
      });
    }

    it("should keep the rule off until a period is set (RuleNotConfigured)", async function () {
      const { fund } = await loadFixture(castFixture);
      await expect(configure(fund, "setRules", [WITH_LOCKUP]))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "RuleNotConfigured")
        .withArgs(RULES.LOCKUP);
    });

    it("should refuse a caller without the ISSUER role", async function () {
      const { fund, outsider } = await loadFixture(castFixture);
      await expect(fund.contracts.compliance.connect(outsider).setLockPeriod(PERIOD))
        .to.be.revertedWithCustomError(complianceAdmin(fund), "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });
  });
});
