/**
 * Issue 16 finding 1: the staleness bounds of the deployed config (deploy/config/hardhat.ts: NAV oracle and
 * reserve guard `maxAgeSeconds`) against the bond-market calendar (lib/market-calendar.ts), with NAV and
 * reserves published at the 16:00 New York strike of each business day (scripts/lib/demo-schedule.ts, as the
 * demo and docs/OPERATIONS.md do). First over the calendar of 2026-2035, then on the fund deployed by the deploy
 * scripts: a round published on the last business day before the next long closure after the chain's clock keeps
 * subscriptions and redemptions working until the strike of the first business day after it.
 */
import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { parseUnits } from "ethers";
import hardhatConfig from "../../deploy/config/hardhat";
import { demoTime } from "../../scripts/lib/demo-schedule";
import {
  addDays,
  closedRuns,
  longestClosedRuns,
  newYorkTime,
  nextBusinessDay,
  previousBusinessDay,
  utcDate,
  weekdayName,
  type ClosedRun,
} from "../../lib/market-calendar";
import type { IFundManager } from "../../typechain-types";
import { DAY, YEAR, deployFundFixture, publishNav, publishReserves, registerInvestor } from "../helpers/fund";

const HOUR = 3600;
const USDC = (value: string) => parseUnits(value, 6);
const TOKENS = (value: string) => parseUnits(value, 18);
const NAV_MAX_AGE = hardhatConfig.oracle.nav.maxAgeSeconds;
const RESERVE_MAX_AGE = hardhatConfig.oracle.reserve.maxAgeSeconds;

/** The deployed fund, an investor with USDC and approvals, KYC valid for years (the closure may be a year away). */
async function closureFixture() {
  const { fund, investors } = await loadFixture(deployFundFixture);
  const [alice] = investors;
  const fm = (await hre.ethers.getContractAt(
    "IFundManager",
    (await hre.deployments.get("FundManager")).address,
  )) as unknown as IFundManager;
  const usdc = fund.contracts.stablecoins.USDC;
  const [deployer] = await hre.ethers.getSigners();
  await registerInvestor(fund, alice.address, { kycExpiry: (await time.latest()) + 3 * YEAR });
  await usdc.connect(deployer).mint(alice.address, USDC("10000000"));
  await usdc.connect(alice).approve(fm, hre.ethers.MaxUint256);
  await fund.contracts.token.connect(alice).approve(fm, hre.ethers.MaxUint256);
  return { fund, fm, usdc, alice };
}

/** The first three-day closure of a kind whose preceding strike is still ahead of the chain's clock. */
async function nextClosure(kind: (run: ClosedRun) => boolean): Promise<ClosedRun> {
  const now = await time.latest();
  const year = Number(utcDate(now).slice(0, 4));
  const run = closedRuns(year, year + 2)
    .filter((r) => r.days === 3 && kind(r))
    .find((r) => demoTime(r.lastBusinessDayBefore, "strike") > now + HOUR);
  if (!run) throw new Error("no such closure within two years");
  return run;
}

const KINDS: { name: string; kind: (run: ClosedRun) => boolean }[] = [
  {
    name: "Good Friday (Thursday's round used until Monday)",
    kind: (r) => r.closures[0]?.name === "Good Friday",
  },
  {
    name: "a Monday closure (Friday's round used until Tuesday)",
    kind: (r) => weekdayName(r.last) === "Monday",
  },
];

describe("bond-market closures and the deployed staleness bounds", function () {
  describe("NavOracle and ReserveGuard maxAgeSeconds (deploy/config/hardhat.ts)", function () {
    describe("issue 16 finding 1: when NAV and reserves are published at 16:00 New York on each business day of 2026-2035", function () {
      it("should cover the longest gap between two strikes: four days, around each three-day closure", function () {
        const longest = longestClosedRuns(2026, 2035);
        expect(longest[0].days).to.equal(3);
        const gaps = new Map<number, string[]>();
        for (let day = previousBusinessDay("2026-01-01"); day <= "2035-12-31";) {
          const next = nextBusinessDay(day);
          const gap = demoTime(next, "strike") - demoTime(day, "strike");
          gaps.set(gap, [...(gaps.get(gap) ?? []), `${day}..${next}`]);
          day = next;
        }
        const widest = Math.max(...gaps.keys());
        expect(widest).to.equal(4 * DAY);
        expect(widest).to.be.at.most(NAV_MAX_AGE).and.at.most(RESERVE_MAX_AGE);
        // The widest gaps are exactly those around the three-day closures (no daylight-saving switch in any).
        expect(gaps.get(widest)).to.have.members(
          longest.map((r) => `${r.lastBusinessDayBefore}..${r.firstBusinessDayAfter}`),
        );
        expect(gaps.get(widest)).to.include.members(["2026-04-02..2026-04-06", "2026-01-16..2026-01-20"]);
        // Thanksgiving (one weekday) and a weekend: shorter.
        expect(gaps.get(2 * DAY)).to.include("2026-11-25..2026-11-27");
        // The bound has no margin beyond it (docs/ORACLE.md): the next round is due at the next strike; the
        // NavStale test below shows a second later.
      });
    });
  });

  describe("FundManager subscribe and requestRedemption across a three-day closure", function () {
    for (const { name, kind } of KINDS) {
      describe(`issue 16 finding 1: when the last round before ${name} was published at its strike`, function () {
        it("should keep subscriptions and instant redemptions working until the next business day's strike", async function () {
          const { fund, fm, usdc, alice } = await loadFixture(closureFixture);
          const { token } = fund.contracts;
          const run = await nextClosure(kind);
          const t0 = demoTime(run.lastBusinessDayBefore, "strike");
          const nextStrike = demoTime(run.firstBusinessDayAfter, "strike");
          expect(nextStrike - t0).to.equal(NAV_MAX_AGE);

          // The strike: NAV, then the custodian's reserves; a first subscription fills the liquidity buffer. (A
          // block just before, so that the Safe's simulation of the publication runs at the strike's time.)
          await time.increaseTo(t0 - 60);
          await time.setNextBlockTimestamp(t0);
          await publishNav(fund, "1.0001");
          await publishReserves(fund, "20000000");
          await expect(fm.connect(alice).subscribe(usdc, USDC("2000000"), 0)).to.emit(fm, "Subscribed");

          // Noon of each closed day, the next business day's morning, and its strike (the round then exactly
          // maxAge old): a redemption, then a subscription a second later.
          const checkpoints = [
            ...[0, 1, 2].map((k) => newYorkTime(addDays(run.first, k), 12)),
            demoTime(run.firstBusinessDayAfter, "events"),
            nextStrike,
          ];
          for (const at of checkpoints) {
            await time.setNextBlockTimestamp(at - 1);
            await expect(fm.connect(alice).requestRedemption(TOKENS("1000"), usdc, 0)).to.emit(
              fm,
              "Redeemed",
            );
            await time.setNextBlockTimestamp(at);
            await expect(fm.connect(alice).subscribe(usdc, USDC("1000"), 0)).to.emit(fm, "Subscribed");
          }
          // The round the token applied is still the one published before the closure.
          expect((await token.appliedNav()).updatedAt).to.equal(BigInt(t0));
        });

        it("should refuse subscriptions with NavStale (and queue redemption requests) a second after that strike until its round is published", async function () {
          const { fund, fm, usdc, alice } = await loadFixture(closureFixture);
          const { navOracle } = fund.contracts;
          const run = await nextClosure(kind);
          const t0 = demoTime(run.lastBusinessDayBefore, "strike");
          await time.increaseTo(t0 - 60);
          await time.setNextBlockTimestamp(t0);
          await publishNav(fund, "1.0001");
          await publishReserves(fund, "20000000");
          await fm.connect(alice).subscribe(usdc, USDC("2000000"), 0);
          const roundId = await fund.contracts.navPublisher!.latestRound();

          await time.setNextBlockTimestamp(t0 + NAV_MAX_AGE + 1);
          await expect(fm.connect(alice).subscribe(usdc, USDC("1000"), 0))
            .to.be.revertedWithCustomError(navOracle, "NavStale")
            .withArgs(roundId, t0, NAV_MAX_AGE, t0 + NAV_MAX_AGE + 1);
          // A redemption request is not refused for a stale NAV (issue 16 finding 2): it waits in the queue.
          await time.setNextBlockTimestamp(t0 + NAV_MAX_AGE + 2);
          await expect(fm.connect(alice).requestRedemption(TOKENS("1000"), usdc, 0))
            .to.emit(fm, "RedemptionRequested")
            .and.not.to.emit(fm, "Redeemed");

          // The first business day's round and reserves: everything works again.
          await time.increaseTo(t0 + NAV_MAX_AGE + 60);
          await publishNav(fund, "1.0002");
          await publishReserves(fund, "20000000");
          await expect(fm.connect(alice).subscribe(usdc, USDC("1000"), 0)).to.emit(fm, "Subscribed");
          await expect(fm.connect(alice).requestRedemption(TOKENS("1000"), usdc, 0)).to.emit(fm, "Redeemed");
        });
      });
    }
  });
});
