/**
 * The bond-market calendar (lib/market-calendar.ts) against SIFMA's published full closures, the
 * observed-date rules and their exceptions, Easter, the business-day helpers, and New York time. Pure functions:
 * every date here is an argument, nothing reads the wall clock.
 */
import { expect } from "chai";
import {
  FIRST_CALENDAR_YEAR,
  LAST_CALENDAR_YEAR,
  addDays,
  bondMarketClosures,
  businessDays,
  closedRuns,
  closureOn,
  easterSunday,
  isBusinessDay,
  longestClosedRuns,
  newYorkTime,
  newYorkUtcOffsetHours,
  nextBusinessDay,
  nonBusinessReason,
  previousBusinessDay,
  weekdayName,
} from "../../lib/market-calendar";

/** SIFMA's recommended US full market closures (its yearly holiday recommendations), as observed dates. */
const PUBLISHED: Record<number, string[]> = {
  2024: [
    "01-01 New Year's Day",
    "01-15 Martin Luther King Jr. Day",
    "02-19 Presidents' Day",
    "03-29 Good Friday",
    "05-27 Memorial Day",
    "06-19 Juneteenth",
    "07-04 Independence Day",
    "09-02 Labor Day",
    "10-14 Columbus Day",
    "11-11 Veterans Day",
    "11-28 Thanksgiving Day",
    "12-25 Christmas Day",
  ],
  2025: [
    "01-01 New Year's Day",
    "01-20 Martin Luther King Jr. Day",
    "02-17 Presidents' Day",
    "04-18 Good Friday",
    "05-26 Memorial Day",
    "06-19 Juneteenth",
    "07-04 Independence Day",
    "09-01 Labor Day",
    "10-13 Columbus Day",
    "11-11 Veterans Day",
    "11-27 Thanksgiving Day",
    "12-25 Christmas Day",
  ],
  2026: [
    "01-01 New Year's Day",
    "01-19 Martin Luther King Jr. Day",
    "02-16 Presidents' Day",
    // SIFMA: early close at 12:00 (BLS employment report), not a good settlement day: no NAV is struck.
    "04-03 Good Friday",
    "05-25 Memorial Day",
    "06-19 Juneteenth",
    "07-03 Independence Day (observed)",
    "09-07 Labor Day",
    "10-12 Columbus Day",
    "11-11 Veterans Day",
    "11-26 Thanksgiving Day",
    "12-25 Christmas Day",
  ],
  2027: [
    "01-01 New Year's Day",
    "01-18 Martin Luther King Jr. Day",
    "02-15 Presidents' Day",
    "03-26 Good Friday",
    "05-31 Memorial Day",
    "06-18 Juneteenth (observed)",
    "07-05 Independence Day (observed)",
    "09-06 Labor Day",
    "10-11 Columbus Day",
    "11-11 Veterans Day",
    "11-25 Thanksgiving Day",
    "12-24 Christmas Day (observed)",
  ],
  // New Year's Day and Veterans Day fall on a Saturday: no weekday closure for either.
  2028: [
    "01-17 Martin Luther King Jr. Day",
    "02-21 Presidents' Day",
    "04-14 Good Friday",
    "05-29 Memorial Day",
    "06-19 Juneteenth",
    "07-04 Independence Day",
    "09-04 Labor Day",
    "10-09 Columbus Day",
    "11-23 Thanksgiving Day",
    "12-25 Christmas Day",
  ],
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

/** New York's wall-clock date and time of a unix timestamp, from the platform's time-zone database. */
function newYorkClock(timestamp: number): string {
  const p = Object.fromEntries(
    NEW_YORK.formatToParts(new Date(timestamp * 1000)).map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

describe("market calendar (lib/market-calendar.ts)", function () {
  describe("bondMarketClosures", function () {
    for (const [year, expected] of Object.entries(PUBLISHED)) {
      describe(`when the year is ${year}`, function () {
        it("should list exactly SIFMA's recommended full closures, with their observed dates", function () {
          expect(bondMarketClosures(Number(year)).map((c) => `${c.date.slice(5)} ${c.name}`)).to.deep.equal(
            expected,
          );
          for (const c of bondMarketClosures(Number(year))) expect(c.date.slice(0, 4)).to.equal(year);
        });
      });
    }

    describe("when a fixed-date holiday falls on a Saturday", function () {
      it("should close the Friday before for Juneteenth, Independence Day and Christmas Day", function () {
        expect(closureOn("2027-06-18")?.name).to.equal("Juneteenth (observed)");
        expect(closureOn("2026-07-03")?.name).to.equal("Independence Day (observed)");
        expect(closureOn("2027-12-24")?.name).to.equal("Christmas Day (observed)");
        expect(closureOn("2032-06-18")?.name).to.equal("Juneteenth (observed)");
      });

      it("should close no weekday for New Year's Day: December 31 is the year's last trading day", function () {
        // 2022-01-01 and 2028-01-01 are Saturdays.
        expect(weekdayName("2028-01-01")).to.equal("Saturday");
        expect(isBusinessDay("2027-12-31")).to.equal(true);
        expect(bondMarketClosures(2022).map((c) => c.name)).to.not.include("New Year's Day (observed)");
        expect(bondMarketClosures(2028).map((c) => c.name)).to.not.include("New Year's Day (observed)");
        expect(nonBusinessReason("2028-01-01")).to.equal("Saturday");
      });

      it("should close no weekday for Veterans Day: the bond market traded on Friday 2023-11-10", function () {
        expect(weekdayName("2023-11-11")).to.equal("Saturday");
        expect(isBusinessDay("2023-11-10")).to.equal(true);
        expect(isBusinessDay("2028-11-10")).to.equal(true);
        expect(bondMarketClosures(2023).map((c) => c.name)).to.not.include.members([
          "Veterans Day",
          "Veterans Day (observed)",
        ]);
      });
    });

    describe("when a fixed-date holiday falls on a Sunday", function () {
      it("should close the Monday after, every fixed-date holiday included", function () {
        expect(closureOn("2023-01-02")?.name).to.equal("New Year's Day (observed)");
        expect(closureOn("2022-06-20")?.name).to.equal("Juneteenth (observed)");
        expect(closureOn("2027-07-05")?.name).to.equal("Independence Day (observed)");
        expect(closureOn("2029-11-12")?.name).to.equal("Veterans Day (observed)");
        expect(closureOn("2022-12-26")?.name).to.equal("Christmas Day (observed)");
      });
    });

    describe("when the days are SIFMA early closes", function () {
      it("should keep them business days (the market is open until the early close)", function () {
        for (const day of [
          "2026-07-02",
          "2026-11-27",
          "2026-12-24",
          "2026-12-31",
          "2027-11-26",
          "2027-12-23",
        ]) {
          expect(isBusinessDay(day), day).to.equal(true);
        }
      });
    });

    describe("when any year the calendar computes is listed", function () {
      it("should give 10 to 12 closures in date order, all on weekdays, each holiday once", function () {
        for (let year = FIRST_CALENDAR_YEAR; year <= LAST_CALENDAR_YEAR; year++) {
          const list = bondMarketClosures(year);
          expect(list.length, String(year)).to.be.within(10, 12);
          const dates = list.map((c) => c.date);
          expect([...dates].sort(), String(year)).to.deep.equal(dates);
          expect(new Set(dates).size, String(year)).to.equal(dates.length);
          for (const c of list) expect(["Saturday", "Sunday"], c.date).to.not.include(weekdayName(c.date));
          const names = list.map((c) => c.name.replace(" (observed)", ""));
          expect(new Set(names).size, String(year)).to.equal(names.length);
        }
      });
    });

    describe("when the year is outside the years the rules hold for", function () {
      it("should throw a RangeError naming the years", function () {
        expect(() => bondMarketClosures(2021)).to.throw(
          RangeError,
          "outside the years it computes (2022 to 2099)",
        );
        expect(() => bondMarketClosures(2100)).to.throw(RangeError, "outside the years it computes");
        expect(() => bondMarketClosures(2026.5)).to.throw(RangeError, "outside the years it computes");
      });
    });
  });

  describe("easterSunday", function () {
    describe("when the year is Gregorian", function () {
      it("should give the published Easter dates, the earliest and the latest possible", function () {
        const published: Record<number, string> = {
          1818: "1818-03-22", // earliest possible date
          1943: "1943-04-25", // latest possible date
          2024: "2024-03-31",
          2025: "2025-04-20",
          2026: "2026-04-05",
          2027: "2027-03-28",
          2028: "2028-04-16",
          2029: "2029-04-01",
          2030: "2030-04-21",
          2031: "2031-04-13",
          2032: "2032-03-28",
          2033: "2033-04-17",
          2034: "2034-04-09",
          2035: "2035-03-25",
          2038: "2038-04-25",
          2285: "2285-03-22",
        };
        for (const [year, date] of Object.entries(published))
          expect(easterSunday(Number(year))).to.equal(date);
      });

      it("should make every Good Friday a Friday closure between March 20 and April 23", function () {
        for (let year = FIRST_CALENDAR_YEAR; year <= LAST_CALENDAR_YEAR; year++) {
          const goodFriday = addDays(easterSunday(year), -2);
          expect(weekdayName(goodFriday)).to.equal("Friday");
          expect(goodFriday.slice(5) >= "03-20" && goodFriday.slice(5) <= "04-23", goodFriday).to.equal(true);
          expect(closureOn(goodFriday)?.name).to.equal("Good Friday");
        }
      });
    });

    describe("when the year is not a Gregorian year", function () {
      it("should throw a RangeError", function () {
        expect(() => easterSunday(1582)).to.throw(RangeError, "not a Gregorian year: 1582");
        expect(() => easterSunday(2026.5)).to.throw(RangeError, "not a Gregorian year");
      });
    });
  });

  describe("isBusinessDay", function () {
    describe("when the date is a weekend day or a closure", function () {
      it("should be false, with the reason", function () {
        expect(isBusinessDay("2026-12-05")).to.equal(false);
        expect(nonBusinessReason("2026-12-05")).to.equal("Saturday");
        expect(nonBusinessReason("2026-12-06")).to.equal("Sunday");
        expect(isBusinessDay("2026-11-26")).to.equal(false);
        expect(nonBusinessReason("2026-11-26")).to.equal("Thanksgiving Day");
        expect(nonBusinessReason("2027-01-01")).to.equal("New Year's Day");
      });
    });

    describe("when the date is an ordinary weekday", function () {
      it("should be true, with no reason", function () {
        expect(isBusinessDay("2026-12-07")).to.equal(true);
        expect(nonBusinessReason("2026-12-07")).to.equal(undefined);
        expect(closureOn("2026-12-07")).to.equal(undefined);
      });
    });

    describe("when the date is not a real ISO date in the calendar's years", function () {
      it("should throw a RangeError naming the input", function () {
        expect(() => isBusinessDay("2026-02-30")).to.throw(RangeError, "no such day: 2026-02-30");
        expect(() => isBusinessDay("2026-1-5")).to.throw(
          RangeError,
          'not an ISO date (YYYY-MM-DD): "2026-1-5"',
        );
        expect(() => isBusinessDay("")).to.throw(RangeError, "not an ISO date");
        expect(() => isBusinessDay(20260105 as unknown as string)).to.throw(RangeError, "not an ISO date");
        expect(() => isBusinessDay("2021-12-31")).to.throw(RangeError, "2021-12-31 is outside the years");
      });
    });
  });

  describe("nextBusinessDay and previousBusinessDay", function () {
    describe("when closures follow each other", function () {
      it("should step over Thanksgiving, Good Friday's weekend, Christmas and New Year's Day", function () {
        expect(nextBusinessDay("2026-11-25")).to.equal("2026-11-27");
        expect(previousBusinessDay("2026-11-27")).to.equal("2026-11-25");
        expect(nextBusinessDay("2026-04-02")).to.equal("2026-04-06");
        expect(previousBusinessDay("2026-04-06")).to.equal("2026-04-02");
        expect(nextBusinessDay("2026-12-24")).to.equal("2026-12-28");
        expect(nextBusinessDay("2026-12-31")).to.equal("2027-01-04");
        expect(previousBusinessDay("2027-01-04")).to.equal("2026-12-31");
        expect(nextBusinessDay("2027-01-15")).to.equal("2027-01-19");
      });
    });

    describe("when the date itself is closed", function () {
      it("should give the neighbouring business days", function () {
        expect(nextBusinessDay("2026-04-03")).to.equal("2026-04-06");
        expect(previousBusinessDay("2026-04-03")).to.equal("2026-04-02");
      });
    });
  });

  describe("businessDays", function () {
    it("should list the business days of a range, both ends included", function () {
      expect(businessDays("2026-12-21", "2027-01-04")).to.deep.equal([
        "2026-12-21",
        "2026-12-22",
        "2026-12-23",
        "2026-12-24",
        "2026-12-28",
        "2026-12-29",
        "2026-12-30",
        "2026-12-31",
        "2027-01-04",
      ]);
    });
  });

  describe("closedRuns and longestClosedRuns", function () {
    describe("when the years are 2026 to 2035", function () {
      it("should find three days as the longest closure: a Friday or a Monday closure next to a weekend", function () {
        const longest = longestClosedRuns(2026, 2035);
        expect(longest[0].days).to.equal(3);
        for (const run of longest) {
          expect(run.closures, run.first).to.have.length(1);
          expect(["Friday", "Monday"]).to.include(weekdayName(run.closures[0].date));
        }
        // Every Friday or Monday closure of those years makes one of these runs, and nothing else does.
        const fridayOrMonday = [];
        for (let year = 2026; year <= 2035; year++) {
          fridayOrMonday.push(
            ...bondMarketClosures(year).filter((c) => ["Friday", "Monday"].includes(weekdayName(c.date))),
          );
        }
        expect(longest.flatMap((r) => r.closures)).to.have.deep.members(fridayOrMonday);
      });

      it("should describe each run with the business days around it", function () {
        const goodFriday2026 = closedRuns(2026, 2035).find((r) => r.first === "2026-04-03")!;
        expect(goodFriday2026).to.deep.equal({
          first: "2026-04-03",
          last: "2026-04-05",
          days: 3,
          lastBusinessDayBefore: "2026-04-02",
          firstBusinessDayAfter: "2026-04-06",
          closures: [{ date: "2026-04-03", name: "Good Friday" }],
        });
        const weekend = closedRuns(2026, 2035).find((r) => r.first === "2026-12-05")!;
        expect(weekend).to.deep.equal({
          first: "2026-12-05",
          last: "2026-12-06",
          days: 2,
          lastBusinessDayBefore: "2026-12-04",
          firstBusinessDayAfter: "2026-12-07",
          closures: [],
        });
        // Thanksgiving: a single weekday closure, the Friday after is open.
        expect(closedRuns(2026, 2026).find((r) => r.first === "2026-11-26")!.days).to.equal(1);
      });
    });

    describe("when the range is empty", function () {
      it("should throw a RangeError", function () {
        expect(() => closedRuns(2030, 2029)).to.throw(RangeError, "year range 2030..2029 is empty");
      });
    });
  });

  describe("newYorkUtcOffsetHours and newYorkTime", function () {
    describe("when the date is around a daylight-saving switch", function () {
      it("should use EDT (-4) from the second Sunday of March to the first Sunday of November", function () {
        expect(newYorkUtcOffsetHours("2026-03-07")).to.equal(-5);
        expect(newYorkUtcOffsetHours("2026-03-08")).to.equal(-4);
        expect(newYorkUtcOffsetHours("2026-10-31")).to.equal(-4);
        expect(newYorkUtcOffsetHours("2026-11-01")).to.equal(-5);
        expect(newYorkTime("2026-12-07", 16)).to.equal(Date.UTC(2026, 11, 7, 21) / 1000);
        expect(newYorkTime("2026-07-06", 16, 10)).to.equal(Date.UTC(2026, 6, 6, 20, 10) / 1000);
      });
    });

    describe("when compared with the platform's America/New_York time zone", function () {
      it("should agree at 08:00 and 16:00 on every day of the calendar's years", function () {
        const last = `${LAST_CALENDAR_YEAR}-12-31`;
        const disagreements: string[] = [];
        let days = 0;
        for (let day = `${FIRST_CALENDAR_YEAR}-01-01`; ; day = addDays(day, 1)) {
          for (const hour of [8, 16]) {
            const expected = `${day} ${String(hour).padStart(2, "0")}:00`;
            const actual = newYorkClock(newYorkTime(day, hour));
            if (actual !== expected) disagreements.push(`${expected} computed as ${actual}`);
          }
          days++;
          if (day === last) break;
        }
        expect(days).to.equal(28_489);
        expect(disagreements).to.deep.equal([]);
      });
    });

    describe("when the hour is before 03:00 or not a whole hour", function () {
      it("should throw a RangeError (the switch happens at 02:00)", function () {
        expect(() => newYorkTime("2026-03-08", 2)).to.throw(
          RangeError,
          "hour must be a whole hour from 3 to 23",
        );
        expect(() => newYorkTime("2026-03-08", 24)).to.throw(RangeError, "hour must be");
        expect(() => newYorkTime("2026-03-08", 16, 60)).to.throw(RangeError, "minute must be 0 to 59");
      });
    });
  });
});
