/**
 * The investor onboarding CSV transfer agents work from, checked row by row before anything is sent.
 *
 * Header (any order, names case-insensitive): `wallet,identity,country,classes,kycExpiry`
 * - wallet: the investor's wallet address (EIP-55 checksum checked when mixed-case).
 * - identity: the investor identity; empty means a new identity equal to the wallet. Wallets sharing an
 *   identity belong to one investor and must agree on country, classes and kycExpiry.
 * - country: an ISO 3166-1 numeric country code (lib/countries.ts), e.g. 840.
 * - classes: investor class names of ./classes.ts joined by `|` or `;` (e.g. `accredited|us_person`); may be
 *   empty. `protocol` is refused: it is reserved for the fund's own accounts, which the deploy scripts register
 *   (it exempts the holder from the country, class, cap, holding and lockup rules).
 * - kycExpiry: `YYYY-MM-DD` (KYC stops counting at 00:00 UTC that day) or unix seconds; in the future.
 *
 * A file-level problem (empty file, bad header, unreadable CSV) is reported as one rejected entry for the
 * line concerned, and no row is accepted.
 */
import { parse } from "csv-parse/sync";
import { ZeroAddress, getAddress } from "ethers";
import { COUNTRY_EXAMPLES, isIsoCountry } from "./countries";
import { INVESTOR_CLASS_BITS, INVESTOR_CLASS_NAMES, isClassName, type InvestorClassName } from "./classes";
import type { InvestorRecordFields } from "./investor-record";
import { mapLimit } from "./parallel";

/** One registration, shaped as `IInvestorRegistry.Registration` for `batchRegisterInvestor`. */
export interface Registration {
  wallet: string;
  identity: string;
  country: number;
  classes: number;
  kycExpiry: number;
}

export interface RejectedRow {
  /** 1-based line number in the file (the row's first line). */
  line: number;
  /** The row as written. */
  raw: string;
  reasons: string[];
}

export interface InvestorCsvResult {
  valid: Registration[];
  rejected: RejectedRow[];
  /**
   * With {@link InvestorCsvOptions.recordOf}: the rows whose wallet the registry already holds with exactly the
   * row's identity, country, classes and KYC expiry, not revoked (an earlier run of the same file registered
   * them): neither sent again nor rejected.
   */
  done?: Registration[];
}

export interface InvestorCsvOptions {
  /** Current time in unix seconds (use the chain's latest block time); defaults to the clock. */
  now?: number;
  /** Whether a wallet is already registered on-chain (e.g. `registry.contains`). */
  isRegistered?: (wallet: string) => Promise<boolean>;
  /**
   * The wallet's registry record, or undefined when it is not registered (replaces `isRegistered`): a row equal
   * to its record goes to `done`, a registered wallet with other data is rejected.
   */
  recordOf?: (wallet: string) => Promise<InvestorRecordFields | undefined>;
  /**
   * Why a compliance rule would refuse a mint to an investor of this country and classes (empty: none); a valid
   * row with a problem is rejected with it. Asked once per distinct country and classes.
   */
  ruleProblems?: (country: number, classes: number) => Promise<string[]>;
  /** Chain questions (`isRegistered`, `recordOf`) in flight at once; default 1. */
  concurrency?: number;
}

export const CSV_COLUMNS = ["wallet", "identity", "country", "classes", "kycExpiry"] as const;

/**
 * The class of the fund's own accounts (fee wallet, fund manager, settlement escrows, wrapper vault): exempt from
 * the country, class, cap, holding and lockup rules. The deploy scripts register those accounts; the investor
 * CSV and the transfer agent's tasks refuse it.
 */
export const FUND_ACCOUNT_CLASS = "protocol" satisfies InvestorClassName;

/** The classes an investor may have: every class but {@link FUND_ACCOUNT_CLASS}, in bit order. */
export const INVESTOR_ONLY_CLASSES: readonly InvestorClassName[] = INVESTOR_CLASS_NAMES.filter(
  (name) => name !== FUND_ACCOUNT_CLASS,
);

/** Why {@link FUND_ACCOUNT_CLASS} is refused for an investor (the CSV's reason, the tasks' message). */
export const FUND_ACCOUNT_CLASS_REFUSAL =
  `"${FUND_ACCOUNT_CLASS}" is reserved for the fund's own accounts, which the deploy scripts register; ` +
  `an investor's classes are ${INVESTOR_ONLY_CLASSES.join(", ")}`;
type Column = (typeof CSV_COLUMNS)[number];

const UINT40_MAX = 2 ** 40 - 1;

/** Records a reason for the current column; returns undefined so parsers can `return fail(...)`. */
type Fail = (message: string) => undefined;

interface ParsedRecord {
  record: string[];
  raw: string;
  info: { lines: number };
}

/** Parses and checks every row of an investor CSV; see the module comment for the format. */
export async function parseInvestorCsv(
  text: string,
  options: InvestorCsvOptions = {},
): Promise<InvestorCsvResult> {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  let records: ParsedRecord[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
    }) as unknown as ParsedRecord[];
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return fileProblem(line, "", `unreadable CSV: ${(error as Error).message}`);
  }
  if (records.length === 0)
    return fileProblem(1, "", `empty file: expected the header ${CSV_COLUMNS.join(",")}`);

  const rows = records.map((r) => ({ cells: r.record.map((c) => c.trim()), ...position(r) }));
  const [header, ...data] = rows;
  const columns = headerColumns(header.cells);
  if ("problems" in columns) return fileProblem(header.line, header.raw, ...columns.problems);
  if (data.length === 0) return fileProblem(header.line, header.raw, "no investor rows after the header");

  /** Every row with a well-formed column count, in file order; `registration` when every column parsed. */
  const checked: {
    line: number;
    raw: string;
    reasons: string[];
    wallet?: string;
    registration?: Registration;
    done?: boolean;
  }[] = [];
  const rejected: RejectedRow[] = [];
  const walletLine = new Map<string, number>();
  const investors = new Map<string, { line: number; data: string }>();
  for (const row of data) {
    const reasons: string[] = [];
    const fail =
      (column: Column) =>
      (message: string): undefined => {
        reasons.push(`${column}: ${message}`);
        return undefined;
      };
    if (row.cells.length !== CSV_COLUMNS.length) {
      rejected.push({
        line: row.line,
        raw: row.raw,
        reasons: [`expected ${CSV_COLUMNS.length} columns, got ${row.cells.length}`],
      });
      continue;
    }
    const cell = (column: Column) => row.cells[columns.index[column]];

    const wallet = parseAddress(cell("wallet"), fail("wallet"));
    const identity = cell("identity") === "" ? wallet : parseAddress(cell("identity"), fail("identity"));
    const country = parseCountry(cell("country"), fail("country"));
    const classes = parseClasses(cell("classes"), fail("classes"));
    const kycExpiry = parseExpiry(cell("kycExpiry"), now, fail("kycExpiry"));

    let firstOfWallet: string | undefined;
    if (wallet !== undefined) {
      const first = walletLine.get(wallet);
      if (first !== undefined) fail("wallet")(`duplicate of line ${first}`);
      else {
        walletLine.set(wallet, row.line);
        firstOfWallet = wallet;
      }
    }
    if (identity === undefined || country === undefined || classes === undefined || kycExpiry === undefined) {
      checked.push({ line: row.line, raw: row.raw, reasons, wallet: firstOfWallet });
      continue;
    }
    const investorData = `${country}/${classes}/${kycExpiry}`;
    const investor = investors.get(identity);
    if (investor === undefined) investors.set(identity, { line: row.line, data: investorData });
    else if (investor.data !== investorData) {
      fail("identity")(
        `same investor as line ${investor.line} but a different country, classes or kycExpiry`,
      );
    }
    checked.push({
      line: row.line,
      raw: row.raw,
      reasons,
      wallet: firstOfWallet,
      registration: wallet === undefined ? undefined : { wallet, identity, country, classes, kycExpiry },
    });
  }

  // The chain's answers, asked once per distinct well-formed wallet, `concurrency` at a time.
  const done: Registration[] = [];
  const concurrency = options.concurrency ?? 1;
  const asking = checked.filter((c) => c.wallet !== undefined);
  if (options.recordOf) {
    const recordOf = options.recordOf;
    const records = await mapLimit(asking, concurrency, (c) => recordOf(c.wallet!));
    asking.forEach((c, i) => {
      const record = records[i];
      if (record === undefined) return;
      const r = c.registration;
      if (
        r !== undefined &&
        c.reasons.length === 0 &&
        !record.revoked &&
        record.identity === r.identity &&
        record.country === r.country &&
        record.classes === r.classes &&
        record.kycExpiry === r.kycExpiry
      ) {
        done.push(r);
        c.done = true;
        return;
      }
      c.reasons.push(
        `wallet: already registered on-chain with ${record.revoked ? "a revoked record" : "other data"} ` +
          `(identity ${record.identity}, country ${record.country}, classes ${record.classes}, ` +
          `kycExpiry ${record.kycExpiry})`,
      );
    });
  } else if (options.isRegistered) {
    const isRegistered = options.isRegistered;
    const answers = await mapLimit(asking, concurrency, (c) => isRegistered(c.wallet!));
    asking.forEach((c, i) => answers[i] && c.reasons.push("wallet: already registered on-chain"));
  }
  if (options.ruleProblems) {
    const problemsOf = new Map<string, Promise<string[]>>();
    for (const c of checked) {
      const r = c.registration;
      if (r === undefined || c.done || c.reasons.length > 0) continue;
      const key = `${r.country}/${r.classes}`;
      if (!problemsOf.has(key)) problemsOf.set(key, options.ruleProblems(r.country, r.classes));
      c.reasons.push(...(await problemsOf.get(key)!).map((p) => `${p} (--force to register it anyway)`));
    }
  }
  const valid: Registration[] = [];
  for (const c of checked) {
    if (c.done) continue;
    if (c.reasons.length > 0 || c.registration === undefined)
      rejected.push({ line: c.line, raw: c.raw, reasons: c.reasons });
    else valid.push(c.registration);
  }
  rejected.sort((a, b) => a.line - b.line);
  return options.recordOf ? { valid, rejected, done } : { valid, rejected };
}

function fileProblem(line: number, raw: string, ...reasons: string[]): InvestorCsvResult {
  return { valid: [], rejected: [{ line, raw, reasons }] };
}

/** The row's text and its first line (csv-parse reports the last one, and prefixes skipped blank lines). */
function position(r: ParsedRecord): { line: number; raw: string } {
  const raw = r.raw.replace(/^(\r?\n)+/, "").replace(/\r?\n$/, "");
  return { line: r.info.lines - (raw.match(/\n/g)?.length ?? 0), raw };
}

function headerColumns(cells: string[]): { index: Record<Column, number> } | { problems: string[] } {
  const expected = CSV_COLUMNS.join(",");
  if (/^0x/i.test(cells[0] ?? ""))
    return { problems: [`header missing: the first line must be ${expected}`] };
  const problems: string[] = [];
  const index = {} as Record<Column, number>;
  cells.forEach((cell, i) => {
    const column = CSV_COLUMNS.find((c) => c.toLowerCase() === cell.toLowerCase());
    if (column === undefined) problems.push(`unknown column "${cell}" (expected ${expected})`);
    else if (index[column] !== undefined) problems.push(`duplicate column "${column}"`);
    else index[column] = i;
  });
  for (const column of CSV_COLUMNS) {
    if (index[column] === undefined) problems.push(`missing column "${column}"`);
  }
  return problems.length > 0 ? { problems } : { index };
}

function parseAddress(value: string, fail: Fail): string | undefined {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) return fail(`not an address: "${value}"`);
  let address: string;
  try {
    address = getAddress(value);
  } catch {
    return fail(`invalid EIP-55 checksum: "${value}"`);
  }
  if (address === ZeroAddress) return fail("zero address");
  return address;
}

function parseCountry(value: string, fail: Fail): number | undefined {
  const code = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
  if (isIsoCountry(code)) return code;
  return fail(`must be an ISO 3166-1 numeric country code (${COUNTRY_EXAMPLES}), got "${value}"`);
}

function parseClasses(value: string, fail: Fail): number | undefined {
  let bits = 0;
  let ok = true;
  for (const name of value.split(/[|;]/).map((n) => n.trim().toLowerCase())) {
    if (name === "") continue;
    if (name === FUND_ACCOUNT_CLASS) {
      fail(FUND_ACCOUNT_CLASS_REFUSAL);
      ok = false;
    } else if (isClassName(name)) bits |= INVESTOR_CLASS_BITS[name];
    else {
      fail(`unknown class "${name}"`);
      ok = false;
    }
  }
  return ok ? bits : undefined;
}

function parseExpiry(value: string, now: number, fail: Fail): number | undefined {
  let expiry: number;
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (date) {
    const [year, month, day] = date.slice(1).map(Number);
    const ms = Date.UTC(year, month - 1, day);
    const d = new Date(ms);
    if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) {
      return fail(`not a calendar date: "${value}"`);
    }
    expiry = ms / 1000;
  } else if (/^\d+$/.test(value)) {
    expiry = Number(value);
    if (expiry > UINT40_MAX) return fail(`too large for unix seconds (milliseconds?): "${value}"`);
  } else {
    return fail(`must be a date YYYY-MM-DD or unix seconds, got "${value}"`);
  }
  if (expiry <= now) return fail(`not in the future: "${value}"`);
  return expiry;
}
