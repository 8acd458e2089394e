/**
 * When the demo (scripts/demo.ts) does what, as a pure function of the chain's clock when it starts: the demo
 * runs the same lifecycle whatever the day and hour it is started, on the bond-market calendar
 * (lib/market-calendar.ts).
 *
 * - Launch: the first Monday that is a business day and whose 08:00 New York is at least an hour ahead of the
 *   chain's clock. The demo moves the chain's clock there before it deploys, so the NAV round the deploy scripts
 *   publish is that morning's: the fund launches on a business day and prices its first subscriptions two hours
 *   later, whatever the chain's clock said before.
 * - Launch day: deploy 08:00, onboarding 09:00, subscriptions (after the custodian's reserves) 10:00 New York.
 * - 30 calendar days from the launch day. On each business day: the day's event, if any, at 11:00; the custodian's
 *   reserves and the NAV published at the 16:00 New York strike; the accrual ten minutes later. Nothing happens on
 *   weekends and closures, and no NAV is published on them.
 * - The events (secondary trades, a wallet recovery, redemptions, the queue's settlement) are due on a calendar
 *   day counted from the launch ({@link DEMO_EVENT_DAYS}); one due on a weekend or a closure happens on the next
 *   business day (the bond market is closed: no bills are sold, no redemptions settled).
 */
import {
  addDays,
  isBusinessDay,
  newYorkTime,
  nonBusinessReason,
  utcDate,
  weekdayName,
  type IsoDate,
} from "../../lib/market-calendar";

/** Calendar days the demo runs, from the launch day. */
export const DEMO_DAYS = 30;

/** The day (from the launch day, 0) each event of the month is due; it moves to the next business day if closed. */
export const DEMO_EVENT_DAYS = {
  onChainTrade: 2,
  offChainTrade: 8,
  crossChainTrade: 10,
  recoverWallet: 15,
  redemptions: 22,
  settleQueue: 24,
  // issue 19: a fund platform redeems through the ERC-7540 entry point, then claims once the queue is settled
  integratorRequest: 18,
  integratorClaim: 25,
} as const;

export type DemoEvent = keyof typeof DEMO_EVENT_DAYS;

/** New York wall-clock times of the demo's steps (hour, minute). */
export const DEMO_TIMES = {
  deploy: [8, 0],
  onboard: [9, 0],
  subscribe: [10, 0],
  events: [11, 0],
  /** The NAV strike: the NAV and the custodian's reserves are published then. */
  strike: [16, 0],
  accrue: [16, 10],
} as const satisfies Record<string, readonly [number, number]>;

/** The launch day's 08:00 must be at least this far ahead of the chain's clock (seconds). */
export const LAUNCH_LEAD_SECONDS = 3600;

export interface DemoDay {
  /** Days since the launch day (0 = launch day). */
  day: number;
  date: IsoDate;
  /** Undefined on a business day; else "Saturday", "Sunday" or the closure's name. */
  closed?: string;
  /** Events of the day, in order (business days only). */
  events: DemoEvent[];
  /** When the events happen (business days with events only). */
  eventsAt?: number;
  /** The NAV strike: reserves and NAV published (business days only). */
  strikeAt?: number;
  /** The daily accrual (business days only). */
  accrueAt?: number;
}

export interface DemoSchedule {
  /** The chain's clock the schedule was computed from (unix seconds). */
  chainTime: number;
  launchDate: IsoDate;
  deployAt: number;
  onboardAt: number;
  subscribeAt: number;
  days: DemoDay[];
}

/** The unix time of one of the demo's New York times on `date`. */
export function demoTime(date: IsoDate, step: keyof typeof DEMO_TIMES): number {
  const [hour, minute] = DEMO_TIMES[step];
  return newYorkTime(date, hour, minute);
}

/** The launch day for a chain whose clock reads `chainTime` (see the module's rules). */
export function launchDate(chainTime: number): IsoDate {
  if (!Number.isSafeInteger(chainTime) || chainTime < 0) {
    throw new RangeError(`demo schedule: not a chain timestamp (unix seconds): ${chainTime}`);
  }
  let date = utcDate(chainTime);
  while (
    weekdayName(date) !== "Monday" ||
    !isBusinessDay(date) ||
    demoTime(date, "deploy") < chainTime + LAUNCH_LEAD_SECONDS
  ) {
    date = addDays(date, 1);
  }
  return date;
}

/** The demo's whole schedule for a chain whose clock reads `chainTime` (unix seconds). */
export function demoSchedule(chainTime: number): DemoSchedule {
  const launch = launchDate(chainTime);
  const days: DemoDay[] = [];
  const pending = (Object.entries(DEMO_EVENT_DAYS) as [DemoEvent, number][]).sort((a, b) => a[1] - b[1]);
  for (let day = 0; day < DEMO_DAYS; day++) {
    const date = addDays(launch, day);
    const closed = nonBusinessReason(date);
    if (closed !== undefined) {
      days.push({ day, date, closed, events: [] });
      continue;
    }
    const events: DemoEvent[] = [];
    while (pending.length > 0 && pending[0][1] <= day) events.push(pending.shift()![0]);
    days.push({
      day,
      date,
      events,
      ...(events.length > 0 ? { eventsAt: demoTime(date, "events") } : {}),
      strikeAt: demoTime(date, "strike"),
      accrueAt: demoTime(date, "accrue"),
    });
  }
  if (pending.length > 0) {
    throw new Error(
      `demo schedule: no business day left in the ${DEMO_DAYS} days for ${pending.map((p) => p[0])}`,
    );
  }
  return {
    chainTime,
    launchDate: launch,
    deployAt: demoTime(launch, "deploy"),
    onboardAt: demoTime(launch, "onboard"),
    subscribeAt: demoTime(launch, "subscribe"),
    days,
  };
}
