/**
 * Issue 16 finding 1: the whole demo (scripts/demo.ts, as `npm run demo` runs it) started from a chain clock the
 * old demo failed from: a Monday at 06:52 UTC (the issue's report: `NavStale` at the first subscription). Other
 * start times (every weekday, five hours a day, ten weeks) are covered by the schedule's own test
 * (demo-schedule.test.ts); one whole run is what the suite's time allows. The chain's clock is set by the test, relative to wherever it
 * is, so the test does not depend on the wall clock; what the demo did is read back from the chain.
 *
 * The network is reset before and after each run (hardhat_reset), so other files start from a fresh chain;
 * `clearSnapshots` forgets loadFixture snapshots the reset invalidated.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import hre from "hardhat";
import { clearSnapshots, time } from "@nomicfoundation/hardhat-network-helpers";
import "../helpers/fund"; // quiet deploy logs
import { main } from "../../scripts/demo";
import { loadFund } from "../../lib/fund";
import { demoSchedule, demoTime, DEMO_DAYS } from "../../scripts/lib/demo-schedule";
import {
  addDays,
  businessDays,
  closureOn,
  isBusinessDay,
  utcDate,
  weekdayName,
} from "../../lib/market-calendar";

async function resetNetwork() {
  await hre.network.provider.send("hardhat_reset", []);
  await clearSnapshots();
}

/** The first `weekday` at `hhmm` UTC at least a minute after the chain's clock. */
async function nextUtc(weekday: string, hhmm: string): Promise<number> {
  const now = await time.latest();
  for (let date = utcDate(now); ; date = addDays(date, 1)) {
    const t = Date.parse(`${date}T${hhmm}:00Z`) / 1000;
    if (weekdayName(date) === weekday && t > now + 60) return t;
  }
}

/** The New York calendar date of a timestamp. */
function newYorkDate(timestamp: number): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York" }).format(
    new Date(timestamp * 1000),
  );
}

describe("demo (scripts/demo.ts)", function () {
  this.timeout(900_000);

  after(resetNetwork);

  for (const [weekday, hhmm] of [["Monday", "06:52"]]) {
    describe(`main, issue 16 finding 1: when the chain's clock reads a ${weekday} at ${hhmm} UTC`, function () {
      it("should run the whole lifecycle on its schedule, a NAV on each business day only, and report its dates", async function () {
        await resetNetwork();
        const chainTime = await nextUtc(weekday, hhmm);
        await time.increaseTo(chainTime);
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "demo-report-"));
        const lines: string[] = [];

        const result = await main({ out, log: (line) => lines.push(line) });

        const schedule = demoSchedule(chainTime);
        expect(result.schedule).to.deep.equal(schedule);
        const last = addDays(schedule.launchDate, DEMO_DAYS - 1);
        const navDays = businessDays(schedule.launchDate, last);
        expect(result.timeline.map((t) => t.date)).to.deep.equal(navDays);

        // On chain: the deployment's round on the launch morning, then one round per business day, none on a
        // closed day, each at the 16:00 strike (within the seconds the demo's transactions take).
        const fund = await loadFund(hre);
        const publisher = fund.contracts.navPublisher!;
        const rounds = Number(await publisher.latestRound());
        // Issue 18's episode (section 8) adds two rounds, each at the strike of the next business day.
        expect(rounds).to.equal(1 + navDays.length + 2);
        const published: number[] = [];
        for (let id = 1; id <= rounds; id++) published.push(Number((await publisher.getRoundData(id))[3]));
        expect(published[0] - schedule.deployAt).to.be.within(0, 600);
        for (const [i, day] of navDays.entries()) {
          const strike = schedule.days.find((d) => d.date === day)!.strikeAt!;
          expect(published[i + 1] - strike, day).to.be.within(0, 60);
        }
        for (const t of published) expect(isBusinessDay(newYorkDate(t)), newYorkDate(t)).to.equal(true);
        for (const t of published.slice(-2))
          expect(t - demoTime(newYorkDate(t), "strike")).to.be.within(0, 60);
        // Issue 18: shares moved home -> satellite and back with an accrual in flight, a parked arrival delivered,
        // the satellite's supply equal to the shares the home pool locked for it, and the report's cap table.
        expect(lines.some((l) => /: parked as arrival 1 \(the CCIP message succeeded\)$/.test(l))).to.equal(
          true,
        );
        expect(
          lines.some((l) => /shares for the satellite; the satellite has \d+: reconciled$/.test(l)),
        ).to.equal(true);
        // Every subscription, redemption and accrual went through: the token applied the last round.
        expect((await fund.contracts.token.appliedNav()).updatedAt).to.equal(BigInt(published.at(-1)!));
        expect(await fund.contracts.compliance.investorCount()).to.be.greaterThan(0n);

        // Issue 20's episode: Grace (account 35) verified by her ONCHAINID claim (source 1), Hugo (36) by EAS
        // attestations (source 2); the attester's revocation, once refreshed, revoked Hugo's record and the
        // demo's last transfer to him was refused.
        const signers = await hre.ethers.getSigners();
        const [grace, hugo] = [signers[35].address, signers[36].address];
        const { registry, registrySources } = fund.contracts;
        expect((await registrySources.recordSource(grace))[0]).to.equal(1n);
        expect(await registry.isVerified(grace)).to.equal(true);
        expect((await registrySources.recordSource(hugo))[0]).to.equal(2n);
        expect(await registry.isRevoked(hugo)).to.equal(true);
        expect(lines).to.include(
          `  after the keeper's refresh, a transfer to Hugo is refused: RecipientNotVerified(${hugo})`,
        );

        // The report states the dates it used.
        const report = fs.readFileSync(result.report, "utf8");
        const closures = schedule.days.flatMap((d) => closureOn(d.date) ?? []);
        expect(report).to.include(
          `the chain's clock read ${new Date(chainTime * 1000).toISOString().replace(".000Z", "Z")} when the demo started`,
        );
        expect(report).to.include(`: ${schedule.launchDate}, deployed at 08:00 New York`);
        expect(report).to.include(`then ${DEMO_DAYS} calendar days to ${last}.`);
        expect(report).to.include(
          `closures in these days: ${closures.length > 0 ? closures.map((c) => `${c.date} ${c.name}`).join(", ") : "none"}.`,
        );
        expect(report).to.include(
          `at the 16:00 New York strike on ${navDays.length} business days from ${navDays[0]} to ${navDays.at(-1)}`,
        );
        // Issue 17: the off-chain trade was settled by the settlement orchestrator against the bank-rail server, and
        // the report shows its timeline.
        expect(report).to.include("## One fund on two chains (issue 18)");
        expect(report).to.include("(equal to the satellite's supply)");
        expect(report).to.include("## Off-chain trade through the settlement orchestrator");
        expect(report).to.match(
          /\| payment instructed on the rail \(end-to-end id DVP-31337-[0-9a-f]{8}-\d+\) \|/,
        );
        expect(report).to.match(/\| rail: payment settled \(RAIL-\d+\) \|/);
        expect(report).to.match(/\| settled on chain: \d+ shares to the buyer \(TradeSettled\) \|/);
        expect(
          lines.some((l) => /^ {2}DvP #\d+ off-chain: .* after the bank payment RAIL-\d+ settled/.test(l)),
        ).to.equal(true);
        expect(lines.at(-1)).to.match(
          /^Report: .*REPORT\.md, chart nav-supply\.svg, cap-table\.csv \(\d+ s\)$/,
        );
        fs.rmSync(out, { recursive: true, force: true });
      });
    });
  }
});
