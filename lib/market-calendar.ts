/**
 * The US bond market's business days: the calendar on which a Treasury money market fund strikes and publishes
 * its NAV. A business day is a weekday that is not one of SIFMA's recommended full market closures for the
 * trading of US dollar-denominated fixed income securities. Pure functions of their arguments: nothing here reads
 * the wall clock.
 *
 * The closures, with the observed-date rules SIFMA has applied since Juneteenth joined its schedule (2022):
 *
 * | closure             | date                     | falls on a Saturday        | falls on a Sunday |
 * | ------------------- | ------------------------ | -------------------------- | ----------------- |
 * | New Year's Day      | January 1                | no closure (see below)     | Monday            |
 * | Martin Luther King  | third Monday of January  |                            |                   |
 * | Presidents' Day     | third Monday of February |                            |                   |
 * | Good Friday         | two days before Easter   |                            |                   |
 * | Memorial Day        | last Monday of May       |                            |                   |
 * | Juneteenth          | June 19                  | Friday                     | Monday            |
 * | Independence Day    | July 4                   | Friday                     | Monday            |
 * | Labor Day           | first Monday of September|                            |                   |
 * | Columbus Day        | second Monday of October |                            |                   |
 * | Veterans Day        | November 11              | no closure (see below)     | Monday            |
 * | Thanksgiving Day    | fourth Thursday of Nov.  |                            |                   |
 * | Christmas Day       | December 25              | Friday                     | Monday            |
 *
 * What the rules rest on (SIFMA's holiday-schedule press releases and market reports, read 2026-12):
 * - New Year's Day on a Saturday closes nothing: the preceding Friday, December 31, is the last trading day of
 *   the year (SIFMA, 2010/2011 recommendations: "full day trading on Friday, December 31, 2010 due to it being the
 *   last trading day for 2010").
 * - Veterans Day on a Saturday closes nothing: on Friday, November 10, 2023 the bond market traded normally
 *   (Nasdaq and ForexLive market notes of November 2023); on a Sunday it is observed on Monday (as the Federal
 *   Reserve does). New Year's Day and Veterans Day are the two holidays QuantLib's
 *   `UnitedStates::GovernmentBond` calendar moves forward from a Sunday only.
 * - Juneteenth: a full close since 2022 (SIFMA, July 2021: "Going forward, Juneteenth National Independence Day
 *   will be incorporated into our holiday schedule"; Monday, June 20, 2022 for the Sunday holiday). A Saturday
 *   Juneteenth (2027, 2032) follows the Friday rule of Independence Day and Christmas, as QuantLib's
 *   `UnitedStates::GovernmentBond` calendar does; SIFMA confirms each year's dates in its yearly recommendations.
 * - Good Friday: a full close, except that SIFMA recommends a 12:00 early close instead when the Bureau of Labor
 *   Statistics releases the employment report that morning (2010, 2012, 2015, 2021, 2026: "an early close at
 *   12:00 p.m. EST on Friday, April 3, 2026"). Even then SIFMA recommends that the day "not be treated as a good
 *   settlement day", so a fund settling subscriptions and redemptions strikes no NAV on it: this calendar treats
 *   Good Friday as closed every year.
 * - Early closes (the day before Independence Day, the Friday after Thanksgiving, Christmas Eve, New Year's Eve)
 *   are business days. One-off closures SIFMA announces at short notice (a national day of mourning, e.g.
 *   December 5, 2018) cannot be computed: an issuer handles them as docs/ORACLE.md says (the last NAV stays
 *   valid for `maxAge`, or governance raises it).
 *
 * Dates are ISO `YYYY-MM-DD` strings (a calendar day, no time zone); timestamps are unix seconds. The rules hold
 * for the years {@link FIRST_CALENDAR_YEAR} to {@link LAST_CALENDAR_YEAR}; a date outside them is refused.
 */

/** An ISO calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

/** A full market closure on a weekday. */
export interface Closure {
  /** The observed (weekday) date. */
  date: IsoDate;
  /** The holiday, e.g. "Good Friday" or "Independence Day (observed)". */
  name: string;
}

/** A run of consecutive days without a business day (weekend days and closures). */
export interface ClosedRun {
  /** First and last closed day. */
  first: IsoDate;
  last: IsoDate;
  /** Number of calendar days closed. */
  days: number;
  /** The business days around the run. */
  lastBusinessDayBefore: IsoDate;
  firstBusinessDayAfter: IsoDate;
  /** The weekday closures within the run (none for a plain weekend). */
  closures: Closure[];
}

/** First year whose closures this calendar computes (Juneteenth has been a closure since 2022). */
export const FIRST_CALENDAR_YEAR = 2022;
/** Last year this calendar computes. */
export const LAST_CALENDAR_YEAR = 2099;

const DAY_SECONDS = 86_400;
const DAY_MS = DAY_SECONDS * 1000;
const WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

// ------------------------------------------------------------------------------------------------ dates

/** Days since 1970-01-01 of an ISO date; refuses anything but a real date within the calendar's years. */
function dayNumber(date: IsoDate): number {
  const match = typeof date === "string" ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) : null;
  if (!match) throw new RangeError(`market calendar: not an ISO date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`market calendar: no such day: ${date}`);
  }
  checkYear(year, date);
  return ms / DAY_MS;
}

function checkYear(year: number, what: string | number): void {
  if (!Number.isInteger(year) || year < FIRST_CALENDAR_YEAR || year > LAST_CALENDAR_YEAR) {
    throw new RangeError(
      `market calendar: ${what} is outside the years it computes (${FIRST_CALENDAR_YEAR} to ${LAST_CALENDAR_YEAR})`,
    );
  }
}

function fromDayNumber(n: number): IsoDate {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

function ymd(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/** 0 = Sunday ... 6 = Saturday. */
function weekdayOf(n: number): number {
  return (((n + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** The date `days` after (or before, if negative) `date`. */
export function addDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days)) throw new RangeError(`market calendar: not a whole number of days: ${days}`);
  return fromDayNumber(dayNumber(date) + days);
}

/** The weekday of a date: "Monday"... */
export function weekdayName(date: IsoDate): string {
  return WEEKDAY_NAMES[weekdayOf(dayNumber(date))];
}

/** The UTC calendar date of a unix timestamp in seconds. */
export function utcDate(timestamp: number): IsoDate {
  if (!Number.isFinite(timestamp)) throw new RangeError(`market calendar: not a timestamp: ${timestamp}`);
  return new Date(Math.floor(timestamp) * 1000).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative if `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return dayNumber(to) - dayNumber(from);
}

// ------------------------------------------------------------------------------------------------ holidays

/**
 * Easter Sunday of a Gregorian year (the anonymous Gregorian computus of Meeus, Jones and Butcher); valid for any
 * year from 1583.
 */
export function easterSunday(year: number): IsoDate {
  if (!Number.isInteger(year) || year < 1583)
    throw new RangeError(`easterSunday: not a Gregorian year: ${year}`);
  const golden = year % 19;
  const century = Math.floor(year / 100);
  const yearInCentury = year % 100;
  const leapCenturies = Math.floor(century / 4);
  const centuryRest = century % 4;
  const moonCorrection = Math.floor((century + 8) / 25);
  const solarCorrection = Math.floor((century - moonCorrection + 1) / 3);
  const epact = (19 * golden + century - leapCenturies - solarCorrection + 15) % 30;
  const leapYears = Math.floor(yearInCentury / 4);
  const yearRest = yearInCentury % 4;
  const weekdayOffset = (32 + 2 * centuryRest + 2 * leapYears - epact - yearRest) % 7;
  const correction = Math.floor((golden + 11 * epact + 22 * weekdayOffset) / 451);
  const monthDay = epact + weekdayOffset - 7 * correction + 114;
  const month = Math.floor(monthDay / 31);
  const day = (monthDay % 31) + 1;
  return fromDayNumber(ymd(year, month, day));
}

/** The n-th (1-based) given weekday of a month; n = -1 for the last one. */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  if (n > 0) {
    const first = ymd(year, month, 1);
    return first + ((weekday - weekdayOf(first) + 7) % 7) + 7 * (n - 1);
  }
  const last = ymd(year, month + 1, 0);
  return last - ((weekdayOf(last) - weekday + 7) % 7);
}

/**
 * A fixed-date holiday moved off the weekend: Sunday to Monday always, Saturday to Friday only when
 * `saturdayToFriday` (otherwise a Saturday holiday closes no weekday).
 */
function observed(day: number, name: string, saturdayToFriday: boolean): { day: number; name: string }[] {
  const weekday = weekdayOf(day);
  if (weekday === 0) return [{ day: day + 1, name: `${name} (observed)` }];
  if (weekday === 6) return saturdayToFriday ? [{ day: day - 1, name: `${name} (observed)` }] : [];
  return [{ day, name }];
}

/** Closures by year, and by day number: computed once per year. */
const closuresByYear = new Map<number, { list: Closure[]; byDay: Map<number, Closure> }>();

function closuresOf(year: number): { list: Closure[]; byDay: Map<number, Closure> } {
  const cached = closuresByYear.get(year);
  if (cached) return cached;
  checkYear(year, year);
  const MONDAY = 1;
  const THURSDAY = 4;
  const days = [
    ...observed(ymd(year, 1, 1), "New Year's Day", false),
    { day: nthWeekday(year, 1, MONDAY, 3), name: "Martin Luther King Jr. Day" },
    { day: nthWeekday(year, 2, MONDAY, 3), name: "Presidents' Day" },
    { day: dayNumber(easterSunday(year)) - 2, name: "Good Friday" },
    { day: nthWeekday(year, 5, MONDAY, -1), name: "Memorial Day" },
    ...observed(ymd(year, 6, 19), "Juneteenth", true),
    ...observed(ymd(year, 7, 4), "Independence Day", true),
    { day: nthWeekday(year, 9, MONDAY, 1), name: "Labor Day" },
    { day: nthWeekday(year, 10, MONDAY, 2), name: "Columbus Day" },
    ...observed(ymd(year, 11, 11), "Veterans Day", false),
    { day: nthWeekday(year, 11, THURSDAY, 4), name: "Thanksgiving Day" },
    ...observed(ymd(year, 12, 25), "Christmas Day", true),
  ].sort((a, b) => a.day - b.day);
  const entry = {
    list: days.map(({ day, name }) => ({ date: fromDayNumber(day), name })),
    byDay: new Map(days.map(({ day, name }) => [day, { date: fromDayNumber(day), name }])),
  };
  closuresByYear.set(year, entry);
  return entry;
}

/** SIFMA's recommended full closures of a year on weekdays, in date order (see the module's rules). */
export function bondMarketClosures(year: number): Closure[] {
  return closuresOf(year).list.map((c) => ({ ...c }));
}

/** The full closure observed on `date`, if any (weekends are not closures: see {@link isBusinessDay}). */
export function closureOn(date: IsoDate): Closure | undefined {
  const n = dayNumber(date);
  const closure = closuresOf(Number(date.slice(0, 4))).byDay.get(n);
  return closure && { ...closure };
}

/** True on a weekday that is not a full closure. */
export function isBusinessDay(date: IsoDate): boolean {
  const n = dayNumber(date);
  const weekday = weekdayOf(n);
  return weekday !== 0 && weekday !== 6 && !closuresOf(Number(date.slice(0, 4))).byDay.has(n);
}

/** Why `date` is not a business day ("Saturday", "Sunday", or the closure's name); undefined on a business day. */
export function nonBusinessReason(date: IsoDate): string | undefined {
  const weekday = weekdayOf(dayNumber(date));
  if (weekday === 0 || weekday === 6) return WEEKDAY_NAMES[weekday];
  return closureOn(date)?.name;
}

/** The first business day strictly after `date`. */
export function nextBusinessDay(date: IsoDate): IsoDate {
  let d = addDays(date, 1);
  while (!isBusinessDay(d)) d = addDays(d, 1);
  return d;
}

/** The last business day strictly before `date`. */
export function previousBusinessDay(date: IsoDate): IsoDate {
  let d = addDays(date, -1);
  while (!isBusinessDay(d)) d = addDays(d, -1);
  return d;
}

/** The business days from `from` to `to`, both included. */
export function businessDays(from: IsoDate, to: IsoDate): IsoDate[] {
  const days: IsoDate[] = [];
  for (let d = from; dayNumber(d) <= dayNumber(to); d = addDays(d, 1)) if (isBusinessDay(d)) days.push(d);
  return days;
}

/**
 * Every run of closed days (weekends and closures) that starts in the years `fromYear` to `toYear`, longest
 * first (then in date order). `longestClosedRuns(a, b)[0].days` is the longest closure the calendar produces.
 * Each run names the business days around it, so a run at the edge of the calendar's years (one starting on
 * 2022-01-01) is refused with the RangeError of the day outside them.
 */
export function closedRuns(fromYear: number, toYear: number): ClosedRun[] {
  checkYear(fromYear, fromYear);
  checkYear(toYear, toYear);
  if (toYear < fromYear) throw new RangeError(`market calendar: year range ${fromYear}..${toYear} is empty`);
  const runs: ClosedRun[] = [];
  const end = `${toYear}-12-31`;
  let d = `${fromYear}-01-01`;
  while (isBusinessDay(d)) d = addDays(d, 1);
  while (dayNumber(d) <= dayNumber(end)) {
    const first = d;
    const closures: Closure[] = [];
    while (!isBusinessDay(d)) {
      const closure = closureOn(d);
      if (closure) closures.push(closure);
      d = addDays(d, 1);
    }
    runs.push({
      first,
      last: addDays(d, -1),
      days: daysBetween(first, d),
      lastBusinessDayBefore: previousBusinessDay(first),
      firstBusinessDayAfter: d,
      closures,
    });
    while (isBusinessDay(d)) d = addDays(d, 1);
  }
  return runs.sort((a, b) => b.days - a.days || daysBetween(b.first, a.first));
}

/** The longest runs of closed days starting in the years `fromYear` to `toYear` (all of the maximal length). */
export function longestClosedRuns(fromYear: number, toYear: number): ClosedRun[] {
  const runs = closedRuns(fromYear, toYear);
  return runs.filter((r) => r.days === runs[0].days);
}

// ------------------------------------------------------------------------------------------------ New York time

/**
 * Hours from UTC of New York (America/New_York) on `date`, at any time of day from 03:00 local: -4 under
 * daylight saving time (from the second Sunday of March to the first Sunday of November, the US rule since 2007),
 * else -5.
 */
export function newYorkUtcOffsetHours(date: IsoDate): -4 | -5 {
  const n = dayNumber(date);
  const year = Number(date.slice(0, 4));
  const SUNDAY = 0;
  const dstStart = nthWeekday(year, 3, SUNDAY, 2);
  const dstEnd = nthWeekday(year, 11, SUNDAY, 1);
  return n >= dstStart && n < dstEnd ? -4 : -5;
}

/** The unix timestamp (seconds) of `hour:minute` New York time on `date` (hour from 3 to 23). */
export function newYorkTime(date: IsoDate, hour: number, minute = 0): number {
  if (!Number.isInteger(hour) || hour < 3 || hour > 23) {
    throw new RangeError(
      `newYorkTime: hour must be a whole hour from 3 to 23 (after the DST switch): ${hour}`,
    );
  }
  if (!Number.isInteger(minute) || minute < 0 || minute > 59) {
    throw new RangeError(`newYorkTime: minute must be 0 to 59: ${minute}`);
  }
  return dayNumber(date) * DAY_SECONDS + (hour - newYorkUtcOffsetHours(date)) * 3600 + minute * 60;
}
