import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ALL_RULES } from "../../lib/compliance-rules";
import {
  CLASS,
  COUNTRY,
  DAY,
  IDS,
  R,
  act,
  castFixture,
  configure,
  expectConsistentAccounting,
  freshReserves,
  issue,
  labelled,
  register,
  tokens,
  listProtocolAccounts,
} from "./helpers";

/** Deterministic pseudo-random numbers (mulberry32), so a failing sequence can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)],
    /** A random amount in [0, max], in 1/1000 steps of `max`, plus a random number of wei. */
    part: (max: bigint) => (max * BigInt(Math.floor(next() * 1001))) / 1000n,
  };
}

/**
 * Every rule on: holdings 10 to 20,000, five investors at most, 5,000 tokens a day, a two-day lockup. Bob has
 * a second wallet; Frank is a sixth investor; the escrow is an account of the fund.
 */
async function mixedFixture() {
  const cast = await loadFixture(castFixture);
  const { fund, spare } = cast;
  const [bob2, frank, escrow, alice3] = spare;
  await listProtocolAccounts(fund, [escrow.address]);
  await register(fund, [
    { wallet: bob2.address, identity: IDS.bob, country: COUNTRY.GB, classes: CLASS.qualified_purchaser },
    {
      wallet: frank.address,
      identity: labelled("identity:frank"),
      country: COUNTRY.DE,
      classes: CLASS.accredited,
    },
    { wallet: escrow.address, identity: escrow.address, country: COUNTRY.US, classes: CLASS.protocol },
  ]);
  await configure(fund, "setHoldingLimits", [tokens("10"), tokens("20000")]);
  await configure(fund, "setMaxInvestors", [5]);
  await configure(fund, "setMaxDailyOutflow", [tokens("5000")]);
  await configure(fund, "setLockPeriod", [2 * DAY]);
  await configure(fund, "setRules", [ALL_RULES]);
  return { ...cast, bob2, frank, escrow, alice3 };
}

describe("ModularCompliance: per-investor accounting", function () {
  for (const seed of [1, 2]) {
    it(`should match the token's balances after every step of a mixed sequence (seed ${seed})`, async function () {
      const ctx = await loadFixture(mixedFixture);
      const { fund, alice, alice2, alice3, bob, bob2, carol, dave, erin, frank, escrow } = ctx;
      const { token, compliance, registry } = fund.contracts;
      const rnd = prng(seed);
      const signers: HardhatEthersSigner[] = [alice, alice2, bob, bob2, carol, dave, erin, frank, escrow];
      const all = () => signers.map((s) => s.address);
      const stats = { issued: 0, issueRefused: 0, moved: 0, refused: 0, forced: 0, burned: 0, rebased: 0 };
      let nav = 10n ** 8n;
      let recovered = false;

      for (let step = 0; step < 100; step++) {
        const op = rnd.next();
        if (op < 0.2) {
          const to = rnd.pick(signers);
          const amount = tokens(String(1 + rnd.int(3000)));
          const code = await compliance.detectTransferRestriction(ethers.ZeroAddress, to.address, amount);
          if (code === 0n) {
            await issue(fund, to.address, amount);
            stats.issued++;
          } else {
            await expect(issue(fund, to.address, amount))
              .to.be.revertedWithCustomError(compliance, "TransferRestricted")
              .withArgs(code);
            stats.issueRefused++;
          }
        } else if (op < 0.65) {
          const from = rnd.pick(signers);
          const to = rnd.pick(signers.filter((s) => s !== from));
          const balance = await token.balanceOf(from.address);
          const kind = rnd.next();
          const amount = kind < 0.25 ? balance : kind < 0.9 ? rnd.part(balance) : balance + 1n;
          if (amount === 0n) continue;
          const code = await token.detectTransferRestriction(from.address, to.address, amount);
          const tx = token.connect(from).transfer(to.address, amount);
          if (code === 0n) {
            await tx;
            stats.moved++;
          } else {
            if (code >= BigInt(R.SENDER_SANCTIONED)) {
              await expect(tx).to.be.revertedWithCustomError(compliance, "TransferRestricted").withArgs(code);
            } else {
              await expect(tx).to.be.reverted;
            }
            stats.refused++;
          }
        } else if (op < 0.75) {
          const from = rnd.pick(signers);
          const to = rnd.pick(signers.filter((s) => s !== from));
          const amount = rnd.part(await token.balanceOf(from.address));
          if (amount === 0n) continue;
          await act(fund, "transferAgent", token, "forcedTransfer", [from.address, to.address, amount]);
          stats.forced++;
        } else if (op < 0.83) {
          const from = rnd.pick(signers);
          const balance = await token.balanceOf(from.address);
          const amount = rnd.next() < 0.3 ? balance : rnd.part(balance);
          if (amount === 0n) continue;
          await act(fund, "transferAgent", token, "burn", [from.address, amount]);
          stats.burned++;
        } else if (op < 0.93) {
          await time.increase(1 + rnd.int(36 * 3600));
        } else {
          // A NAV increase of 5 bps after at least a day (the oracle allows 10 bps a day).
          await time.increase(DAY);
          await freshReserves(fund);
          nav += (nav * 5n) / 10_000n;
          await act(fund, "navPublisher", fund.contracts.navPublisher!, "publish", [nav]);
          await (await token.accrue()).wait();
          stats.rebased++;
        }
        if (!recovered && step >= 40 && (await token.sharesOf(alice2.address)) !== 0n) {
          // Alice loses her second wallet: the compliance officer registers a new one, the agent recovers.
          const expiry = await registry.kycExpiry(alice2.address);
          await act(fund, "complianceOfficer", registry, "registerInvestor", [
            alice3.address,
            IDS.alice,
            COUNTRY.US,
            CLASS.accredited,
            expiry,
          ]);
          await act(fund, "transferAgent", token, "recoveryAddress", [
            alice2.address,
            alice3.address,
            IDS.alice,
          ]);
          signers[signers.indexOf(alice2)] = alice3;
          recovered = true;
        }
        await expectConsistentAccounting(fund, [...all(), alice2.address, alice3.address]);
      }
      // The sequence exercised every kind of movement, allowed and refused.
      expect(stats.issued, JSON.stringify(stats)).to.be.gte(5);
      expect(stats.moved, JSON.stringify(stats)).to.be.gte(10);
      expect(stats.refused + stats.issueRefused, JSON.stringify(stats)).to.be.gte(3);
      expect(stats.forced + stats.burned, JSON.stringify(stats)).to.be.gte(5);
    });
  }
});
