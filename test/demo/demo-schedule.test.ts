/**
 * Issue 16 finding 1: `npm run demo` depended on the wall clock. The demo's schedule (scripts/lib/demo-schedule.ts)
 * is a pure function of the chain's clock when it starts; here it is computed from every weekday at several hours,
 * across holiday weeks and daylight-saving switches, and each schedule must keep the invariants the contracts need:
 * no NAV on a closure, every priced step within the oracle's and the reserve guard's maximum age (deploy/config/
 * hardhat.ts) with an hour to spare, rounds no closer than the publishers' minimum interval, and the same
 * lifecycle whatever the start.
 */
import { expect } from "chai";
import hardhatConfig from "../../deploy/config/hardhat";
import {
  DEMO_DAYS,
  DEMO_EVENT_DAYS,
  LAUNCH_LEAD_SECONDS,
  demoSchedule,
  launchDate,
  type DemoEvent,
  type DemoSchedule,
} from "../../scripts/lib/demo-schedule";
import {
  addDays,
  businessDays,
  closureOn,
  daysBetween,
  isBusinessDay,
  newYorkTime,
  utcDate,
  weekdayName,
} from "../../lib/market-calendar";

const HOUR = 3600;
const DAY = 24 * HOUR;
/** Margin each step keeps for the seconds the demo's own transactions move the chain's clock. */
const SLACK = HOUR;

const { nav, reserve } = hardhatConfig.oracle;
if (!("publisher" in nav) || !("publisher" in reserve))
  throw new Error("the hardhat config publishes its feeds");
const BOUNDS = {
  navMaxAge: nav.maxAgeSeconds,
  reserveMaxAge: reserve.maxAgeSeconds,
  navMinInterval: nav.publisher.minIntervalSeconds,
  reserveMinInterval: reserve.publisher.minIntervalSeconds,
};

const NEW_YORK = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/New_York",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** "YYYY-MM-DD HH:MM" in New York, from the platform's time-zone database. */
function newYork(timestamp: number): string {
  const p = Object.fromEntries(
    NEW_YORK.formatToParts(new Date(timestamp * 1000)).map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

const iso = (ts: number) => new Date(ts * 1000).toISOString();
const utc = (isoTime: string) => Date.parse(isoTime) / 1000;

/** The steps of a schedule that price at the NAV (and, for growth, check the reserves), in order. */
function pricedSteps(s: DemoSchedule): { what: string; at: number }[] {
  return [
    { what: "subscriptions", at: s.subscribeAt },
    ...s.days.flatMap((d) => [
      ...(d.eventsAt !== undefined ? [{ what: d.events.join(", "), at: d.eventsAt }] : []),
      ...(d.accrueAt !== undefined ? [{ what: `accrual ${d.date}`, at: d.accrueAt }] : []),
    ]),
  ];
}

/** The invariants a schedule must keep; returns what breaks them (nothing for a good schedule). */
function problems(s: DemoSchedule): string[] {
  const out: string[] = [];
  const navRounds = [s.deployAt, ...s.days.flatMap((d) => (d.strikeAt !== undefined ? [d.strikeAt] : []))];
  const reserveRounds = [s.deployAt, s.subscribeAt, ...navRounds.slice(1)];

  // No NAV on weekends or closures; the deploy round is on a business day too.
  for (const round of navRounds) {
    const date = newYork(round).slice(0, 10);
    if (!isBusinessDay(date)) out.push(`NAV round published on ${date}, a closed day`);
  }
  // Each priced step: the latest NAV and reserve rounds are young enough, with SLACK to spare.
  const latest = (rounds: number[], at: number) => rounds.filter((r) => r <= at).at(-1);
  for (const { what, at } of pricedSteps(s)) {
    const navRound = latest(navRounds, at);
    if (navRound === undefined) out.push(`${what} at ${iso(at)}: no NAV round yet`);
    else if (at - navRound + SLACK > BOUNDS.navMaxAge)
      out.push(`${what} at ${iso(at)}: NAV round ${(at - navRound) / HOUR} h old`);
    const reserveRound = latest(reserveRounds, at);
    if (reserveRound === undefined) out.push(`${what} at ${iso(at)}: no reserve round yet`);
    else if (at - reserveRound + SLACK > BOUNDS.reserveMaxAge)
      out.push(`${what} at ${iso(at)}: reserve round ${(at - reserveRound) / HOUR} h old`);
  }
  // Publishers' minimum interval between rounds.
  for (const [rounds, min, feed] of [
    [navRounds, BOUNDS.navMinInterval, "NAV"],
    [reserveRounds, BOUNDS.reserveMinInterval, "reserve"],
  ] as const) {
    for (let i = 1; i < rounds.length; i++) {
      if (rounds[i] - rounds[i - 1] < min + SLACK / 2) out.push(`${feed} rounds ${iso(rounds[i])} too close`);
    }
  }
  return out;
}

/** The demo's schedule before the fix (scripts/demo.ts at 91507f8), in the same shape, for the regression. */
function scheduleBeforeTheFix(chainTime: number): DemoSchedule {
  const d = new Date((chainTime + DAY) * 1000);
  const start =
    Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + ((8 - d.getUTCDay()) % 7), 14) / 1000;
  const oldHoliday = (date: string) => {
    const x = new Date(`${date}T00:00:00Z`);
    const thanksgiving = x.getUTCMonth() === 10 && x.getUTCDay() === 4 && Math.ceil(x.getUTCDate() / 7) === 4;
    return thanksgiving || (x.getUTCMonth() === 11 && x.getUTCDate() === 25);
  };
  return {
    chainTime,
    launchDate: utcDate(start),
    deployAt: chainTime,
    onboardAt: start - 6 * HOUR,
    subscribeAt: start - 6 * HOUR,
    days: Array.from({ length: 30 }, (_, day) => {
      const date = utcDate(start + day * DAY);
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      const business = weekday !== 0 && weekday !== 6 && !oldHoliday(date);
      const events = (Object.entries(DEMO_EVENT_DAYS) as [DemoEvent, number][])
        .filter(([, due]) => due === day)
        .map(([e]) => e);
      return {
        day,
        date,
        ...(business ? {} : { closed: "closed" }),
        events,
        ...(events.length > 0 ? { eventsAt: start + day * DAY } : {}),
        ...(business
          ? { strikeAt: start + day * DAY + 7 * HOUR, accrueAt: start + day * DAY + 7 * HOUR + 600 }
          : {}),
      };
    }),
  };
}

/** Mondays (UTC) of the weeks the starts are taken from: ordinary, holiday and daylight-saving weeks. */
const WEEKS = [
  "2026-12-07", // the week; Christmas and New Year's Day within the 30 days
  "2026-11-23", // Thanksgiving week
  "2027-03-22", // Good Friday 2027-03-26
  "2027-01-11", // the next Monday (2027-01-18) is Martin Luther King Jr. Day
  "2026-08-31", // the next Monday (2026-09-07) is Labor Day
  "2027-06-14", // Juneteenth observed on Friday 2027-06-18, Independence Day on Monday 2027-07-05
  "2026-03-02", // daylight saving starts on 2026-03-08
  "2026-10-26", // daylight saving ends on 2026-11-01; Veterans Day on a Wednesday
  "2027-12-20", // Christmas observed on Friday 2027-12-24; New Year's Day 2028 on a Saturday
  "2029-05-21", // Memorial Day 2029-05-28, Juneteenth on a Tuesday
];
/** Hours of the day (UTC) the demo is started at, including the 06:52. */
const HOURS = ["00:00", "06:52", "13:59", "14:00", "23:59"];

const starts = WEEKS.flatMap((monday) =>
  Array.from({ length: 7 }, (_, k) => addDays(monday, k)).flatMap((date) =>
    HOURS.map((hour) => ({ date, hour, chainTime: utc(`${date}T${hour}:00Z`) })),
  ),
);

describe("demo schedule (scripts/lib/demo-schedule.ts)", function () {
  describe("demoSchedule", function () {
    describe("issue 16 finding 1: when the demo starts on any weekday, at any hour, in any week", function () {
      it(`should keep every invariant for ${starts.length} starts (every weekday x ${HOURS.join(", ")} UTC x ${WEEKS.length} weeks)`, function () {
        const failures: string[] = [];
        for (const { date, hour, chainTime } of starts) {
          for (const p of problems(demoSchedule(chainTime)))
            failures.push(`${weekdayName(date)} ${date} ${hour}: ${p}`);
        }
        expect(failures).to.deep.equal([]);
      });

      it("should launch on the first business-day Monday whose 08:00 New York is an hour ahead or more", function () {
        const failures: string[] = [];
        for (const { chainTime } of starts) {
          const s = demoSchedule(chainTime);
          const from = `from ${iso(chainTime)}:`;
          if (weekdayName(s.launchDate) !== "Monday" || !isBusinessDay(s.launchDate)) {
            failures.push(`${from} launch ${s.launchDate} is not a business-day Monday`);
          }
          if (newYork(s.deployAt) !== `${s.launchDate} 08:00`)
            failures.push(`${from} deploy ${newYork(s.deployAt)}`);
          const lead = s.deployAt - chainTime;
          if (lead < LAUNCH_LEAD_SECONDS || lead >= 15 * DAY) failures.push(`${from} launch ${lead} s ahead`);
          // No earlier day would have done: the launch is the first one.
          for (let d = utcDate(chainTime); d < s.launchDate; d = addDays(d, 1)) {
            if (
              weekdayName(d) === "Monday" &&
              isBusinessDay(d) &&
              newYorkTime(d, 8) >= chainTime + LAUNCH_LEAD_SECONDS
            ) {
              failures.push(`${from} ${d} would have done`);
            }
          }
        }
        expect(failures).to.deep.equal([]);
      });

      it("should run the same lifecycle: 30 days, a NAV on each business day only, every event once, in order", function () {
        const order = (Object.entries(DEMO_EVENT_DAYS) as [DemoEvent, number][])
          .sort((a, b) => a[1] - b[1])
          .map(([e]) => e);
        const failures: string[] = [];
        const check = (ok: boolean, what: string) => {
          if (!ok) failures.push(what);
        };
        for (const { chainTime } of starts) {
          const s = demoSchedule(chainTime);
          const from = `from ${iso(chainTime)}:`;
          const last = addDays(s.launchDate, DEMO_DAYS - 1);
          const dates = Array.from({ length: DEMO_DAYS }, (_, k) => addDays(s.launchDate, k));
          check(
            s.days.map((d) => d.date).join() === dates.join(),
            `${from} not ${DEMO_DAYS} consecutive days`,
          );
          const strikes = s.days.filter((d) => d.strikeAt !== undefined).map((d) => d.date);
          check(strikes.join() === businessDays(s.launchDate, last).join(), `${from} strikes ${strikes}`);
          for (const d of s.days) {
            if (isBusinessDay(d.date)) {
              check(d.closed === undefined, `${from} ${d.date} marked closed`);
              check(
                newYork(d.strikeAt!) === `${d.date} 16:00`,
                `${from} ${d.date} strike ${newYork(d.strikeAt!)}`,
              );
              check(
                newYork(d.accrueAt!) === `${d.date} 16:10`,
                `${from} ${d.date} accrual ${newYork(d.accrueAt!)}`,
              );
              if (d.events.length > 0) {
                check(
                  newYork(d.eventsAt!) === `${d.date} 11:00`,
                  `${from} ${d.date} events ${newYork(d.eventsAt!)}`,
                );
              }
            } else {
              check(typeof d.closed === "string", `${from} ${d.date} not marked closed`);
              check(
                d.strikeAt === undefined &&
                  d.accrueAt === undefined &&
                  d.eventsAt === undefined &&
                  d.events.length === 0,
                `${from} ${d.date} has steps on a closed day`,
              );
            }
          }
          // Each event once, in order, on the first business day on or after its due day.
          const happened = s.days.flatMap((d) => d.events.map((e) => ({ e, date: d.date })));
          check(
            happened.map((h) => h.e).join() === order.join(),
            `${from} events ${happened.map((h) => h.e)}`,
          );
          for (const { e, date } of happened) {
            let due = addDays(s.launchDate, DEMO_EVENT_DAYS[e]);
            while (!isBusinessDay(due)) due = addDays(due, 1);
            check(date === due, `${from} ${e} on ${date}, due ${due}`);
          }
          // The queue is settled on a later business day than the redemptions are requested.
          const on = (e: DemoEvent) => happened.find((h) => h.e === e)?.date ?? "";
          check(daysBetween(on("redemptions"), on("settleQueue")) > 0, `${from} queue settled too early`);
          // Launch day: onboarding and subscriptions in the morning, before the day's strike.
          check(
            newYork(s.onboardAt) === `${s.launchDate} 09:00`,
            `${from} onboarding ${newYork(s.onboardAt)}`,
          );
          check(
            newYork(s.subscribeAt) === `${s.launchDate} 10:00`,
            `${from} subscriptions ${newYork(s.subscribeAt)}`,
          );
        }
        expect(failures).to.deep.equal([]);
      });

      it("should only move the clock forward, leaving at least 10 minutes between steps", function () {
        const failures: string[] = [];
        for (const { chainTime } of starts) {
          const s = demoSchedule(chainTime);
          const steps = [
            chainTime,
            s.deployAt,
            s.onboardAt,
            s.subscribeAt,
            ...s.days.flatMap((d) => [d.eventsAt, d.strikeAt, d.accrueAt].filter((t) => t !== undefined)),
          ];
          for (let i = 1; i < steps.length; i++) {
            if (steps[i] - steps[i - 1] < 600) failures.push(`from ${iso(chainTime)}: ${iso(steps[i])}`);
          }
        }
        expect(failures).to.deep.equal([]);
      });
    });

    describe("when the demo starts on Monday 2026-12-07 at 06:52 UTC (the issue's report)", function () {
      it("should launch that morning and price the first subscriptions with a NAV round two hours old", function () {
        const s = demoSchedule(utc("2026-12-07T06:52:00Z"));
        expect(s.launchDate).to.equal("2026-12-07");
        expect(iso(s.deployAt)).to.equal("2026-12-07T13:00:00.000Z");
        expect(s.subscribeAt - s.deployAt).to.equal(2 * HOUR);
        expect(s.days.flatMap((d) => closureOn(d.date) ?? [])).to.deep.equal([
          { date: "2026-12-25", name: "Christmas Day" },
          { date: "2027-01-01", name: "New Year's Day" },
        ]);
        expect(s.days.filter((d) => d.closed !== undefined).map((d) => d.closed)).to.have.length(10);
      });

      it("should be what the schedule before the fix broke: its first subscription used a 7-day-old round", function () {
        // The invariants are not vacuous: they reject the old schedule from this start (NavStale in the issue)
        // and from a Thursday morning, and its NAV rounds on a Saturday (the deployment) and New Year's Day.
        expect(problems(scheduleBeforeTheFix(utc("2026-12-07T06:52:00Z")))).to.include(
          "subscriptions at 2026-12-14T08:00:00.000Z: NAV round 169.13333333333333 h old",
        );
        expect(problems(scheduleBeforeTheFix(utc("2026-12-10T06:51:00Z")))).to.include(
          "subscriptions at 2026-12-14T08:00:00.000Z: NAV round 97.15 h old",
        );
        expect(problems(scheduleBeforeTheFix(utc("2026-12-12T12:00:00Z")))).to.deep.equal([
          "NAV round published on 2026-12-12, a closed day",
          "NAV round published on 2027-01-01, a closed day",
        ]);
      });
    });

    describe("when the first Monday is too close or a closure", function () {
      it("should launch on the next business-day Monday", function () {
        // 08:00 EST is 13:00 UTC: an hour ahead until 12:00:00 UTC.
        expect(launchDate(utc("2026-12-07T12:00:00Z"))).to.equal("2026-12-07");
        expect(launchDate(utc("2026-12-07T12:00:01Z"))).to.equal("2026-12-14");
        // 08:00 EDT is 12:00 UTC.
        expect(launchDate(utc("2026-07-06T11:00:00Z"))).to.equal("2026-07-06");
        expect(launchDate(utc("2026-07-06T11:00:01Z"))).to.equal("2026-07-13");
        // Martin Luther King Jr. Day 2027-01-18 and Labor Day 2026-09-07 are skipped.
        expect(launchDate(utc("2027-01-12T10:00:00Z"))).to.equal("2027-01-25");
        expect(launchDate(utc("2026-09-01T10:00:00Z"))).to.equal("2026-09-14");
        // Sunday night: the next morning.
        expect(launchDate(utc("2026-08-30T23:59:00Z"))).to.equal("2026-08-31");
      });
    });

    describe("when the chain's clock is not a timestamp", function () {
      it("should throw a RangeError", function () {
        for (const bad of [-1, 1.5, Number.NaN, Number.MAX_VALUE]) {
          expect(() => demoSchedule(bad)).to.throw(RangeError, "demo schedule: not a chain timestamp");
        }
      });
    });
  });
});
