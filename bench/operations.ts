/**
 * The benchmark's vocabulary: which operations are measured (in table order), what each one means,
 * the amounts every suite uses, and the Markdown formatting of the comparison table.
 *
 * Pure module (no Hardhat runtime): the final `npm run bench` script, the suite modules and any
 * report generator can import it freely.
 */

/** Operation keys, in the order the tables list them. Every suite returns exactly these keys. */
export const OPERATION_KEYS = [
  "transfer_existing_no_rules",
  "transfer_new_no_rules",
  "transfer_existing_country_maxbalance",
  "transfer_existing_all_modules",
  "mint",
  "register_investor",
  "register_investor_batch_per_item",
  "register_from_claims",
  "register_from_attestation",
  "refresh",
  "mint_live_check",
  "accrue_10_holders",
  "accrue_1000_holders",
  "accrue_10000_holders",
  "bridge_send",
  "bridge_receive",
  "vault_request_redeem",
  "vault_claim_redeem",
] as const;

export type OperationKey = (typeof OPERATION_KEYS)[number];

/** Gas used per operation; `null` when the suite has no equivalent operation. */
export type GasRecord = Record<OperationKey, number | null>;

/** One line per operation: what the measured transaction does. */
export const OPERATION_LABELS: Record<OperationKey, string> = {
  transfer_existing_no_rules: "transfer between two verified holders, no compliance modules",
  transfer_new_no_rules: "transfer to a verified wallet with zero balance, no modules",
  transfer_existing_country_maxbalance: "transfer between holders, country allow-list + max balance modules",
  transfer_existing_all_modules: "transfer between holders, every module of the fund suite bound",
  mint: "agent mint to an existing verified holder, no modules",
  register_investor: "register one new investor (identity already deployed)",
  register_investor_batch_per_item: "batch-register 50 investors, gas per investor",
  register_from_claims:
    "register an investor from its ONCHAINID identity's KYC claim (one topic, one trusted issuer), sent by the investor",
  register_from_attestation:
    "register an investor from one EAS attestation of the suite's schema, sent by the investor",
  refresh:
    "permissionless refresh of a claim-verified investor whose claim its issuer revoked: the record is revoked",
  mint_live_check:
    "agent mint to a claim-verified holder with the issuer's LIVE_CHECK policy (claim checked at issuance)",
  accrue_10_holders: "daily accrual with 10 holders",
  accrue_1000_holders: "daily accrual with 1,000 holders",
  accrue_10000_holders: "daily accrual with 10,000 holders",
  bridge_send:
    "CCIP send of tokens from a satellite (issue 18, bench/bridge.ts): router + on-ramp + pool on the LocalCcipLane; " +
    "the OZ ERC-20 column is Chainlink's BurnMintERC20 through its stock BurnMintTokenPool",
  bridge_receive:
    "CCIP arrival of tokens on a satellite, to an existing holder (off-ramp + pool on the LocalCcipLane); " +
    "the OZ ERC-20 column is Chainlink's BurnMintERC20 through its stock BurnMintTokenPool",
  vault_request_redeem:
    "ERC-7540 requestRedeem of 1,000 tokens through the USDC entry point (FundVault), queued in the fund manager",
  vault_claim_redeem:
    "ERC-7540 redeem: the claim of a settled request's whole payout from the USDC entry point",
};

/** Number of tokens' smallest units per token: every suite uses 18 decimals. */
export const DECIMALS = 18;
export const UNIT = 10n ** BigInt(DECIMALS);
/** Balance minted to each pre-existing holder before any measurement (USD 100,000 at USD 1/token). */
export const INITIAL_BALANCE = 100_000n * UNIT;
/** Amount moved by every measured transfer (USD 2,500). */
export const TRANSFER_AMOUNT = 2_500n * UNIT;
/** Amount created by the measured mint (USD 10,000). */
export const MINT_AMOUNT = 10_000n * UNIT;
/** Investors registered by the measured batch registration. */
export const BATCH_SIZE = 50;
/**
 * ISO-3166 numeric countries of the benchmark investors. Any non-zero value costs the same; they are
 * fixed so every suite sends byte-identical calldata.
 */
export const COUNTRIES = {
  alice: 276, // Germany
  bob: 250, // France
  carol: 756, // Switzerland
  dave: 826, // United Kingdom
  batch: 528, // Netherlands
} as const;

/** Column names used by the combined report. */
export const SUITE_NAMES = {
  fund: "Fund suite",
  trex: "T-REX 4.1.6",
  erc20: "OZ ERC-20",
} as const;

/** One column of a gas table. */
export interface SuiteColumn {
  name: string;
  gas: Readonly<Record<string, number | null>>;
}

/** A ratio column: gas of `numerator` divided by gas of `denominator`, both column names. */
export interface RatioColumn {
  numerator: string;
  denominator: string;
}

/** `52123` -> `52,123`; `null` -> `n/a`. */
export function formatGas(gas: number | null | undefined): string {
  return gas === null || gas === undefined ? "n/a" : Math.round(gas).toLocaleString("en-US");
}

/** `0.4213` -> `0.42x`; `n/a` when either side is missing or zero. */
export function formatRatio(
  numerator: number | null | undefined,
  denominator: number | null | undefined,
): string {
  if (numerator === null || numerator === undefined || denominator === null || denominator === undefined) {
    return "n/a";
  }
  if (denominator === 0) return "n/a";
  return `${(numerator / denominator).toFixed(2)}x`;
}

/**
 * Markdown table: one row per operation key (in `keys` order), one gas column per suite, then the
 * requested ratio columns.
 */
export function formatGasTable(
  columns: readonly SuiteColumn[],
  ratios: readonly RatioColumn[] = [],
  keys: readonly string[] = OPERATION_KEYS,
): string {
  const byName = new Map(columns.map((c) => [c.name, c]));
  for (const r of ratios) {
    for (const name of [r.numerator, r.denominator]) {
      if (!byName.has(name)) throw new Error(`formatGasTable: ratio refers to unknown column "${name}"`);
    }
  }
  const header = [
    "operation",
    ...columns.map((c) => c.name),
    ...ratios.map((r) => `${r.numerator} / ${r.denominator}`),
  ];
  const align = ["---", ...columns.map(() => "---:"), ...ratios.map(() => "---:")];
  const rows = keys.map((key) => [
    `\`${key}\``,
    ...columns.map((c) => formatGas(c.gas[key])),
    ...ratios.map((r) => formatRatio(byName.get(r.numerator)!.gas[key], byName.get(r.denominator)!.gas[key])),
  ]);
  return [header, align, ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n") + "\n";
}

/**
 * The report's main table: fund suite, T-REX and the plain ERC-20 side by side, with the fund suite's
 * gas as a multiple of each of the other two.
 */
export function formatComparisonTable(
  fund: Readonly<Record<string, number | null>>,
  trex: Readonly<Record<string, number | null>>,
  erc20: Readonly<Record<string, number | null>>,
): string {
  return formatGasTable(
    [
      { name: SUITE_NAMES.fund, gas: fund },
      { name: SUITE_NAMES.trex, gas: trex },
      { name: SUITE_NAMES.erc20, gas: erc20 },
    ],
    [
      { numerator: SUITE_NAMES.fund, denominator: SUITE_NAMES.trex },
      { numerator: SUITE_NAMES.fund, denominator: SUITE_NAMES.erc20 },
    ],
  );
}

/** Checks that a suite returned exactly the benchmark's keys, each a positive integer or null. */
export function assertGasRecord(suite: string, record: Readonly<Record<string, number | null>>): GasRecord {
  const got = Object.keys(record).sort();
  const want = [...OPERATION_KEYS].sort();
  if (got.join() !== want.join()) {
    throw new Error(`${suite}: keys ${got.join(", ")} differ from the benchmark's ${want.join(", ")}`);
  }
  for (const key of OPERATION_KEYS) {
    const v = record[key];
    if (v !== null && !(Number.isInteger(v) && v > 0))
      throw new Error(`${suite}: ${key} = ${v} is not a gas figure`);
  }
  return record as GasRecord;
}
