/**
 * One formatter for every value a task prints or an error carries: token amounts, USD, basis points, ISO dates
 * and durations, each with its raw on-chain value beside it (`20,000,000 tokens [20000000000000000000000000]`), so
 * that an operator reads the unit and an auditor can still check the integer.
 *
 * Decoded custom errors are written `Name(arg=value, ...)` with each argument in its unit: the unit comes from the
 * error's own table below, else from the argument's name; an argument neither knows is printed raw.
 */
import { ErrorFragment, formatUnits, getAddress } from "ethers";
import { FeedMath } from "./generated/contracts";

/**
 * Decimals of the fund token and of the 18-decimal USD values (NAV per token, fund manager limits):
 * `FeedMath.WAD_DECIMALS`, generated.
 */
export const WAD_DECIMALS: number = FeedMath.WAD_DECIMALS;

/** Groups the integer part of a decimal string by thousands: "20000000.5" -> "20,000,000.5". */
export function groupThousands(decimal: string): string {
  const negative = decimal.startsWith("-");
  const [int, fraction] = (negative ? decimal.slice(1) : decimal).split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${grouped}${fraction !== undefined ? `.${fraction}` : ""}`;
}

/** A fixed-point integer as a decimal string without a trailing ".0". */
export function decimalText(amount: bigint, decimals: number): string {
  const text = formatUnits(amount, decimals);
  return text.endsWith(".0") ? text.slice(0, -2) : text;
}

/** `value [raw]`. */
export function withRaw(text: string, raw: bigint | number): string {
  return `${text} [${raw.toString()}]`;
}

/** Token units (18 decimals): "1,000.5 tokens". */
export function formatTokens(amount: bigint): string {
  return `${groupThousands(decimalText(amount, WAD_DECIMALS))} tokens`;
}

/** A USD amount of `decimals` decimals: "$10,250,000.5" (a negative one "-$5"). */
export function formatUsd(amount: bigint, decimals = WAD_DECIMALS): string {
  const text = groupThousands(decimalText(amount < 0n ? -amount : amount, decimals));
  return `${amount < 0n ? "-" : ""}$${text}`;
}

/** Basis points: "10 bps (0.1%)". */
export function formatBps(bps: bigint | number): string {
  const n = Number(bps);
  return `${n} bps (${(n / 100).toLocaleString("en-US", { maximumFractionDigits: 2 })}%)`;
}

/** Unix seconds as an ISO date-time (UTC), e.g. "2026-12-07T21:00:00Z". */
export function formatIsoTime(seconds: bigint | number): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

/** A duration in seconds as e.g. "2d 3h 4m 5s" ("0s" for none). */
export function formatDuration(seconds: bigint | number): string {
  let s = Number(seconds);
  if (s <= 0) return "0s";
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
  ] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  if (s > 0) parts.push(`${s}s`);
  return parts.join(" ");
}

/** The units a value can be printed in. `answer` is a publisher's answer (USD with the feed's decimals). */
export type Unit = "tokens" | "usd" | "answer" | "stablecoin" | "bps" | "time" | "duration" | "raw";

export interface FormatContext {
  /** Decimals of a NAV or reserve publisher's answers (8 for the fund's publishers). */
  answerDecimals?: number;
  /** Decimals of the stablecoin an error is about (6 for USDC). */
  stablecoinDecimals?: number;
  /** Symbol of the stablecoin an error is about, printed after its amounts (e.g. "USDC"). */
  stablecoinSymbol?: string;
  /**
   * The fund's stablecoins by checksummed address: an error naming one (an argument `stablecoin`) prints its amounts
   * with its decimals and symbol; an error naming none uses the fund's only stablecoin, when it has one.
   */
  stablecoins?: Record<string, { symbol: string; decimals: number }>;
  /** The token an error's token amounts are in when it is not the fund token (a stablecoin's own ERC-20 errors). */
  token?: { symbol: string; decimals: number };
}

/** A value in its unit with the raw integer beside it. */
export function formatValue(value: bigint, unit: Unit, context: FormatContext = {}): string {
  switch (unit) {
    case "tokens":
      return withRaw(
        context.token
          ? `${groupThousands(decimalText(value, context.token.decimals))} ${context.token.symbol}`
          : formatTokens(value),
        value,
      );
    case "usd":
      return withRaw(formatUsd(value), value);
    case "answer":
      return withRaw(formatUsd(value, context.answerDecimals ?? 8), value);
    case "stablecoin": {
      const amount = groupThousands(decimalText(value, context.stablecoinDecimals ?? 6));
      return withRaw(context.stablecoinSymbol ? `${amount} ${context.stablecoinSymbol}` : amount, value);
    }
    case "bps":
      return withRaw(formatBps(value), value);
    case "time":
      return withRaw(formatIsoTime(value), value);
    case "duration":
      return withRaw(formatDuration(value), value);
    default:
      return value.toString();
  }
}

/** Units of the arguments of particular errors (where the name alone would be ambiguous). */
const ERROR_UNITS: Record<string, Record<string, Unit>> = {
  AnswerChangeTooLarge: { previousAnswer: "answer", answer: "answer", maxChangeBpsPerRound: "bps" },
  AnswerNotPositive: { answer: "answer" },
  AnswerTooLarge: { answer: "answer", maxAnswer: "answer" },
  NavNotPositive: { answer: "answer" },
  NavTooLarge: { answer: "answer" },
  ReserveNotPositive: { answer: "answer" },
  ReserveTooLarge: { answer: "answer" },
  NavChangeTooLarge: { lastNav: "usd", nav: "usd", elapsed: "duration", maxChangeBpsPerDay: "bps" },
  NavDecreaseNotAllowed: { lastNav: "usd", nav: "usd" },
  NavOutOfRange: { nav: "usd" },
  NavRebaselineNotAScaleChange: { appliedNav: "usd", nav: "usd" },
  ReserveExceeded: { newSupply: "tokens", reserves: "tokens" },
  GuardBroken: { newSupply: "tokens" },
  InsufficientLiquidity: { available: "stablecoin", needed: "stablecoin" },
  PaymentTransferFailed: { price: "stablecoin" },
  InsufficientOutput: { out: "stablecoin", minOut: "stablecoin" },
  BelowMinFirstInvestment: { usd: "usd", minimum: "usd" },
  BelowMinTopUp: { usd: "usd", minimum: "usd" },
  GlobalSubscriptionLimitExceeded: { usd: "usd", available: "usd" },
  InvestorSubscriptionLimitExceeded: { usd: "usd", available: "usd" },
  MaxPerInvestorExceeded: { positionAfter: "usd", maximum: "usd" },
  InvalidInvestmentLimits: { minFirstInvestment: "usd", minTopUp: "usd", maxPerInvestor: "usd" },
  InvalidDailyLimits: { perInvestor: "usd", global: "usd" },
  InvalidDeadline: { deadline: "time", latest: "time" },
  StalePrice: { updatedAt: "time", nowTimestamp: "time", maxAge: "duration" },
  ERC20InsufficientBalance: { balance: "tokens", needed: "tokens" },
  ERC20InsufficientAllowance: { allowance: "tokens", needed: "tokens" },
};

/** Units of arguments by name, for every other error. */
const NAME_UNITS: Record<string, Unit> = {
  updatedAt: "time",
  previousUpdatedAt: "time",
  lastUpdatedAt: "time",
  nowTimestamp: "time",
  deadline: "time",
  refundableAt: "time",
  kycExpiry: "time",
  schedule: "time",
  executableAt: "time",
  maxAge: "duration",
  minInterval: "duration",
  elapsed: "duration",
  lockPeriod: "duration",
  period: "duration",
  validity: "duration",
  window: "duration",
  grace: "duration",
  delay: "duration",
  bps: "bps",
  maxBps: "bps",
  amount: "tokens",
  balance: "tokens",
  unfrozenBalance: "tokens",
  frozenAfter: "tokens",
  frozen: "tokens",
  tokenAmount: "tokens",
  newSupply: "tokens",
  reserves: "tokens",
  maxDailyOutflow: "tokens",
  minHolding: "tokens",
  maxHolding: "tokens",
};

/** The unit of argument `name` of error (or event) `errorName`. */
export function unitOf(errorName: string, name: string): Unit {
  return ERROR_UNITS[errorName]?.[name] ?? NAME_UNITS[name] ?? "raw";
}

/** An argument for a readable line: addresses checksummed, integers in their unit, arrays bracketed. */
export function formatArg(
  errorName: string,
  name: string,
  value: unknown,
  context: FormatContext = {},
): string {
  if (typeof value === "bigint") return formatValue(value, unitOf(errorName, name), context);
  if (Array.isArray(value)) return `[${value.map((v) => formatArg(errorName, name, v, context)).join(", ")}]`;
  if (typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value)) return getAddress(value);
  if (value !== null && typeof value === "object" && "toArray" in value) {
    return formatArg(errorName, name, (value as { toArray(): unknown[] }).toArray(), context);
  }
  return String(value);
}

/**
 * The context of one error: the decimals and symbol of the stablecoin it names (argument `stablecoin`), else of the
 * fund's only stablecoin.
 */
function stablecoinContext(
  inputs: readonly { name: string }[],
  args: readonly unknown[],
  context: FormatContext,
): FormatContext {
  const known = context.stablecoins ?? {};
  const i = inputs.findIndex((input) => input.name === "stablecoin");
  const named = i >= 0 && typeof args[i] === "string" ? known[getAddress(args[i] as string)] : undefined;
  const only = Object.values(known).length === 1 ? Object.values(known)[0] : undefined;
  const coin = i >= 0 ? named : only;
  return coin ? { ...context, stablecoinDecimals: coin.decimals, stablecoinSymbol: coin.symbol } : context;
}

/** `Name(arg=value, ...)` of a decoded error (or event) with every argument in its unit. */
export function formatNamedArgs(
  fragment: { name: string; inputs: readonly { name: string }[] } | ErrorFragment,
  args: readonly unknown[],
  formatContext: FormatContext = {},
): string {
  const context = stablecoinContext(fragment.inputs, args, formatContext);
  const parts = fragment.inputs.map((input, i) =>
    input.name ? `${input.name}=${formatArg(fragment.name, input.name, args[i], context)}` : String(args[i]),
  );
  return `${fragment.name}(${parts.join(", ")})`;
}
