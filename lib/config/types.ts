/**
 * The fund configuration an issuer deploys from: one file per network in this folder
 * (`deploy/config/<network>.ts` or `.json`), checked completely by `validateFundConfig` (./validate.ts)
 * before anything is sent. The config's shape, ranges and rules are one zod schema (./schema.ts); the types below are
 * its types (`z.infer`), named by section.
 *
 * Conventions:
 * - Amounts are decimal strings ("1000.50"), never JS numbers, parsed with `ethers.parseUnits`: token amounts
 *   with 18 decimals, USD amounts with {USD_DECIMALS}, feed values with the feed's decimals.
 * - Basis points and seconds are integers.
 * - Addresses are hex strings, checksummed or all lower case. A value starting with {REPLACE_ME} is a
 *   placeholder the issuer must fill in; the validator refuses it and names its path.
 * - Forms marked "local networks only" (Hardhat account indexes, mock deployments) are refused elsewhere.
 */
import type { InvestorClassName } from "../classes";
import type { FundConfig } from "./schema";
import { FundManagerBase } from "../generated/contracts";

export type { InvestorClassName, FundConfig };

/** A 20-byte address as a hex string. */
export type Address = string;
/** A decimal amount as a string, e.g. "1000" or "0.25". */
export type DecimalString = string;

/** Marker of a value the issuer must fill in; see {@link placeholder}. */
export const REPLACE_ME = "REPLACE_ME";

/** A placeholder carrying what to fill in, e.g. `placeholder("admin Safe (3-of-5)")`. */
export function placeholder(what: string): string {
  return `${REPLACE_ME}: ${what}`;
}

/** Decimals in which USD amounts are written and parsed (USDC's precision). */
export const USD_DECIMALS = 6;
/** Decimals of the fund token (`FundToken.decimals()`). */
export const TOKEN_DECIMALS = 18;

/**
 * Jurisdictions under comprehensive OFAC sanctions programs, as ISO-3166 numeric codes: Cuba (192),
 * Iran (364), North Korea (408), Syria (760). Source: US Treasury OFAC "Sanctions Programs and Country
 * Information" (https://ofac.treasury.gov/sanctions-programs-and-country-information). Programs change (the
 * Syria program was largely lifted in 2025, region-level programs such as Crimea have no ISO country code):
 * the issuer's counsel must review this list before each deployment.
 */
export const OFAC_EMBARGOED_COUNTRIES: readonly number[] = [192, 364, 408, 760];

/**
 * The role holders of contracts/governance/Roles.sol. MINTER is not listed: it is granted to the transfer
 * agent's holder and to the fund manager contract.
 */
export const ROLE_HOLDERS = [
  "admin",
  "issuer",
  "transferAgent",
  "complianceOfficer",
  "guardian",
  "navPublisher",
  "settlementAgent",
] as const;
export type RoleHolderName = (typeof ROLE_HOLDERS)[number];

/** Longest AccessManager delay the validator accepts (a typo must not lock the fund for years). */
export const MAX_GOVERNANCE_DELAY = 30 * 24 * 3600;

/** Cap on subscription and redemption fees (FundManager.MAX_FEE_BPS, generated). */
export const MAX_FLOW_FEE_BPS: number = FundManagerBase.MAX_FEE_BPS;
/** Cap on the NAV carry rate (FundManager.MAX_NAV_CARRY_RATE_BPS, generated). */
export const MAX_NAV_CARRY_RATE_BPS: number = FundManagerBase.MAX_NAV_CARRY_RATE_BPS;

/** Default gas limit of the receiving escrow (`settlement.ccip.gasLimit`). */
export const DEFAULT_CCIP_GAS_LIMIT = 500_000;
/** Default `settlement.ccip.confirmationGraceSeconds`: one day. */
export const DEFAULT_CONFIRMATION_GRACE = 24 * 3600;

// ------------------------------------------------------------------------------------------------ types (the schema's)

/** A CCIP chain selector (uint64) as a decimal string: selectors exceed JS's safe integers. */
export type ChainSelector = string;

export type FundSection = FundConfig["fund"];
/** An address, or on local networks a Hardhat account `{ account: index }`. */
export type AccountRef = FundSection["feeWallet"];
export type LocalAccount = Exclude<AccountRef, string>;

export type GovernanceSection = FundConfig["governance"];
/** A new Safe, an existing Safe, or (local networks only) a Hardhat account. */
export type RoleHolder = GovernanceSection["admin"];
export type NewSafeHolder = Extract<RoleHolder, { safe: unknown }>;
export type ExistingSafeHolder = Extract<RoleHolder, { existingSafe: unknown }>;
export type GovernanceDelays = GovernanceSection["delays"];

export type IdentitySection = FundConfig["identity"];

export type ComplianceSection = FundConfig["compliance"];
export type CountryRule = NonNullable<ComplianceSection["country"]>;
export type SanctionsRule = NonNullable<ComplianceSection["sanctions"]>;
export type InvestorClassRule = NonNullable<ComplianceSection["investorClass"]>;
export type HoldingLimitsRule = NonNullable<ComplianceSection["holdingLimits"]>;
export type LockupRule = NonNullable<ComplianceSection["lockup"]>;
export type TransferLimitRule = NonNullable<ComplianceSection["transferLimit"]>;

export type OracleSection = FundConfig["oracle"];
/** The NAV feed (an existing `{ feed }` or a `{ publisher }` to deploy) with the NavOracle settings. */
export type NavSource = OracleSection["nav"];
export type ReserveSource = OracleSection["reserve"];
/** Parameters of a NavPublisher we deploy (contracts/oracle/NavPublisher.sol). */
export type PublisherParams = Omit<Extract<NavSource, { publisher: unknown }>["publisher"], "initialNav">;

export type StablecoinConfig = FundConfig["stablecoins"][number];

export type FundManagerSection = FundConfig["fundManager"];
/** USD limits of subscriptions and redemptions. */
export type FlowLimits = FundManagerSection["dailyLimits"]["global"];

export type SettlementSection = FundConfig["settlement"];
type CcipSection = NonNullable<SettlementSection["ccip"]>;
/** Cross-chain settlement on a real network. */
export type CcipConfig = Exclude<CcipSection, { local: true }>;
/** Local networks only: Chainlink's CCIPLocalSimulator and both escrows on this one network. */
export type LocalCcipConfig = Extract<CcipSection, { local: true }>;
