/**
 * Parsers of task arguments. Each takes the argument's name as the user typed it (e.g. "--kyc-expiry") and
 * throws a {@link TaskInputError} naming it and the bad value; none reads the chain, so they run before
 * anything else. The rules are those of the investor CSV (lib/investors-csv.ts): one operator, one
 * set of formats.
 */
import { ZeroAddress, getAddress } from "ethers";
import { TaskInputError } from "./context";
import { INVESTOR_CLASS_BITS, isClassName } from "../../lib/classes";
import { COUNTRY_EXAMPLES, isIsoCountry } from "../../lib/countries";
import {
  FUND_ACCOUNT_CLASS,
  FUND_ACCOUNT_CLASS_REFUSAL,
  INVESTOR_ONLY_CLASSES,
} from "../../lib/investors-csv";

/** Decimals of the fund token. */
export const TOKEN_DECIMALS = 18;

const UINT40_MAX = 2 ** 40 - 1;

/** `kycExpiry` -> `--kyc-expiry`. */
export function flag(name: string): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function text(name: string, value: unknown): string {
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) {
    throw new TaskInputError(`${flag(name)} is required`);
  }
  if (typeof value !== "string")
    throw new TaskInputError(`${flag(name)}: expected a string, got ${typeof value}`);
  return value.trim();
}

/**
 * A non-zero address: 0x and 40 hex digits; mixed case must be a valid EIP-55 checksum (all lower or upper
 * case carries no checksum and is accepted). Returned checksummed.
 */
export function parseAddress(name: string, value: unknown): string {
  const v = text(name, value);
  if (!/^0x[0-9a-fA-F]{40}$/.test(v)) throw new TaskInputError(`${flag(name)}: "${v}" is not an address`);
  let address: string;
  try {
    address = getAddress(v);
  } catch {
    throw new TaskInputError(`${flag(name)}: "${v}" has an invalid EIP-55 checksum (mistyped?)`);
  }
  if (address === ZeroAddress) throw new TaskInputError(`${flag(name)}: the zero address is not allowed`);
  return address;
}

/** A comma-separated list of distinct addresses (at least one). */
export function parseAddressList(name: string, value: unknown): string[] {
  const items = text(name, value)
    .split(",")
    .map((s) => s.trim());
  const seen = new Set<string>();
  return items.map((item, i) => {
    if (item === "") throw new TaskInputError(`${flag(name)}: item ${i + 1} is empty`);
    const address = parseAddress(name, item);
    if (seen.has(address)) throw new TaskInputError(`${flag(name)}: ${address} is listed twice`);
    seen.add(address);
    return address;
  });
}

/**
 * A positive decimal amount ("1000", "0.25") in units of `decimals` decimals. Scientific notation, signs,
 * separators and excess decimals are refused rather than rounded.
 */
export function parseDecimal(name: string, value: unknown, decimals: number, what = "amount"): bigint {
  const v = text(name, value);
  const m = /^(\d+)(?:\.(\d+))?$/.exec(v);
  if (!m) throw new TaskInputError(`${flag(name)}: "${v}" is not a decimal ${what} (e.g. 1000 or 0.25)`);
  const fraction = m[2] ?? "";
  if (fraction.length > decimals) {
    throw new TaskInputError(
      `${flag(name)}: "${v}" has ${fraction.length} decimals; at most ${decimals} are allowed`,
    );
  }
  const units = BigInt(m[1] + fraction.padEnd(decimals, "0"));
  if (units === 0n) throw new TaskInputError(`${flag(name)}: must be greater than zero`);
  return units;
}

/** A token amount (18 decimals). */
export function parseTokenAmount(name: string, value: unknown): bigint {
  return parseDecimal(name, value, TOKEN_DECIMALS);
}

/** A token amount, or the word "all" (returned as "all"). */
export function parseTokenAmountOrAll(name: string, value: unknown): bigint | "all" {
  if (typeof value === "string" && value.trim().toLowerCase() === "all") return "all";
  return parseTokenAmount(name, value);
}

/** An integer in [min, max]. */
export function parseInteger(name: string, value: unknown, min: number, max: number): number {
  const v = text(name, typeof value === "number" ? String(value) : value);
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new TaskInputError(`${flag(name)}: "${v}" must be an integer between ${min} and ${max}`);
  }
  return n;
}

/** An officially assigned ISO 3166-1 numeric country code (lib/countries.ts). */
export function parseCountry(name: string, value: unknown): number {
  const v = text(name, typeof value === "number" ? String(value) : value);
  const code = /^\d{1,4}$/.test(v) ? Number(v) : NaN;
  if (!isIsoCountry(code)) {
    throw new TaskInputError(
      `${flag(name)}: "${v}" is not an ISO 3166-1 numeric country code (${COUNTRY_EXAMPLES})`,
    );
  }
  return code;
}

/**
 * Investor class names of lib/classes.ts separated by `,`, `|` or `;` (e.g. "accredited,us_person");
 * "none" or an empty string for no class. Returns the flag word. The `protocol` class is refused: it is
 * reserved for the fund's own accounts, which the deploy scripts register.
 */
export function parseClasses(name: string, value: unknown): number {
  if (value === undefined || value === null) throw new TaskInputError(`${flag(name)} is required`);
  const v = String(value).trim().toLowerCase();
  if (v === "" || v === "none") return 0;
  let bits = 0;
  for (const item of v.split(/[,|;]/).map((s) => s.trim())) {
    if (item === "") continue;
    if (item === FUND_ACCOUNT_CLASS) throw new TaskInputError(`${flag(name)}: ${FUND_ACCOUNT_CLASS_REFUSAL}`);
    if (!isClassName(item)) {
      throw new TaskInputError(
        `${flag(name)}: unknown class "${item}" (known: ${INVESTOR_ONLY_CLASSES.join(", ")})`,
      );
    }
    bits |= INVESTOR_CLASS_BITS[item];
  }
  return bits;
}

/**
 * A KYC expiry: a date `YYYY-MM-DD` (KYC stops counting at 00:00 UTC that day) or unix seconds, strictly after
 * `now` (the chain's latest block time).
 */
export function parseExpiry(name: string, value: unknown, now: number): number {
  const v = text(name, typeof value === "number" ? String(value) : value);
  let expiry: number;
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (date) {
    const [year, month, day] = date.slice(1).map(Number);
    const ms = Date.UTC(year, month - 1, day);
    const d = new Date(ms);
    if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) {
      throw new TaskInputError(`${flag(name)}: "${v}" is not a calendar date`);
    }
    expiry = ms / 1000;
  } else if (/^\d+$/.test(v)) {
    expiry = Number(v);
    if (expiry > UINT40_MAX) {
      throw new TaskInputError(`${flag(name)}: "${v}" is too large for unix seconds (milliseconds?)`);
    }
  } else {
    throw new TaskInputError(`${flag(name)}: "${v}" must be a date YYYY-MM-DD or unix seconds`);
  }
  if (expiry <= now) {
    throw new TaskInputError(
      `${flag(name)}: "${v}" is not in the future (chain time ${new Date(now * 1000).toISOString()})`,
    );
  }
  return expiry;
}

/** Refuses two flags given together. */
export function exclusive(args: Record<string, unknown>, a: string, b: string): void {
  const given = (k: string) => args[k] !== undefined && args[k] !== false;
  if (given(a) && given(b)) throw new TaskInputError(`${flag(a)} and ${flag(b)} cannot be used together`);
}
