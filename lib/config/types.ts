/**
 * The fund configuration an issuer deploys from: one file per network in this folder
 * (`deploy/config/<network>.ts` or `.json`), checked completely by `validateFundConfig` (./validate.ts)
 * before anything is sent.
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
import type { MultichainConfig } from "../deploy/multichain-config";
import { FundManagerBase } from "../generated/contracts";

export type { InvestorClassName };

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

// ------------------------------------------------------------------------------------------------ accounts

/** A Hardhat account by index (local networks only). */
export interface LocalAccount {
  account: number;
}

/** An address, or on local networks a Hardhat account. */
export type AccountRef = Address | LocalAccount;

// ------------------------------------------------------------------------------------------------ fund

export interface FundSection {
  /** Token name, e.g. "Treasury Money Fund". */
  name: string;
  /** Token symbol, 1 to 11 characters without spaces. */
  symbol: string;
  /** ERC-3643 ONCHAINID of the token, if the issuer has one. */
  onchainId?: Address;
  /** Yearly management fee in basis points, at most 200 (`FundToken.MAX_MANAGEMENT_FEE_BPS`). */
  managementFeeBps: number;
  /** Wallet the management fee is minted to. */
  feeWallet: AccountRef;
  /** The custodian holding the fund's assets: receives subscription proceeds, reports reserves. */
  custodian: AccountRef;
}

// ------------------------------------------------------------------------------------------------ governance

/**
 * A Safe 1.4.1 the deploy scripts create (lib/deploy/holders.ts): owners are addresses or (local networks only)
 * Hardhat account indexes. The threshold is at least 2 (no role is held by a single key) and at most the number
 * of owners; the admin's is at least the highest threshold of the other roles' new Safes.
 */
export interface NewSafeHolder {
  safe: { owners: (Address | number)[]; threshold: number };
}

/**
 * A Safe that already exists on the network. The deploy scripts read its owners and threshold on chain and
 * record them; the validator cannot check that threshold (docs/SAFE.md).
 */
export interface ExistingSafeHolder {
  existingSafe: Address;
}

/**
 * Who holds a role: a new Safe, an existing Safe, or (local networks only) a plain Hardhat account, a single key
 * meant for local rehearsals.
 */
export type RoleHolder = NewSafeHolder | ExistingSafeHolder | LocalAccount;

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

/** AccessManager delays, in seconds (each at most {MAX_GOVERNANCE_DELAY}). */
export interface GovernanceDelays {
  /**
   * Execution delay of the ISSUER role: upgrades, unpause, compliance rules, oracle configuration. During
   * the delay the guardian can cancel. Must be > 0 on real networks.
   */
  issuer: number;
  /**
   * Execution delay of the ADMIN role (role grants, function wiring). Must be > 0 on real networks and at
   * least the issuer delay, since the admin could otherwise rewire issuer functions to itself.
   */
  admin: number;
  /** Delay before a newly granted role becomes effective (AccessManager grant delay). */
  roleGrant: number;
}

/**
 * One holder per role. The guardian becomes guardian of the delayed roles (it pauses at once and cancels
 * scheduled issuer and admin operations), so it must differ from the issuer; the transfer agent (which moves
 * investors' tokens) must differ from the issuer (which changes the rules).
 */
export type GovernanceSection = { [role in RoleHolderName]: RoleHolder } & { delays: GovernanceDelays };

/** Longest AccessManager delay the validator accepts (a typo must not lock the fund for years). */
export const MAX_GOVERNANCE_DELAY = 30 * 24 * 3600;

// ------------------------------------------------------------------------------------------------ identity

export interface IdentitySection {
  /** KYC validity granted by ERC-3643 `registerIdentity`, 1 s to 5 years (`IdentityRegistry.MAX_KYC_VALIDITY`). */
  defaultKycValiditySeconds: number;
}

// ------------------------------------------------------------------------------------------------ compliance

export interface CountryRule {
  /** "deny": listed countries are refused; "allow": only listed countries are accepted. */
  mode: "deny" | "allow";
  /** ISO-3166 numeric codes, 1..999. */
  countries: number[];
  /** Adds {OFAC_EMBARGOED_COUNTRIES} to a deny list (refused with an allow list). */
  presetEmbargoed?: boolean;
}

export interface SanctionsRule {
  /** A Chainalysis-compatible `isSanctioned(address)` oracle. */
  oracle?: Address;
  /** Wallets put on the internal sanctions list at deployment. */
  wallets?: Address[];
}

/** Class requirements on recipients; at least one list must name a class. `protocol` is not allowed here. */
export interface InvestorClassRule {
  requiredAll?: InvestorClassName[];
  requiredAny?: InvestorClassName[];
  barred?: InvestorClassName[];
}

/** Position limits per investor, in tokens (18 decimals, each fitting uint96). */
export interface HoldingLimitsRule {
  /** Smallest non-zero position; "0" for none. */
  min: DecimalString;
  /** Largest position; omitted or null for none. */
  max?: DecimalString | null;
}

export interface LockupRule {
  /** Seconds issued tokens stay locked, 1 s to 10 years (`ModularCompliance.MAX_LOCK_PERIOD`). */
  periodSeconds: number;
}

export interface TransferLimitRule {
  /** Largest outflow per investor over a rolling day, in tokens (> 0, fits uint96). */
  maxDailyOutflow: DecimalString;
}

/** The built-in rules of ModularCompliance; a rule that is omitted or null is off. */
export interface ComplianceSection {
  country?: CountryRule | null;
  sanctions?: SanctionsRule | null;
  investorClass?: InvestorClassRule | null;
  /** Largest number of investors holding tokens (uint32, > 0). */
  maxInvestors?: number | null;
  holdingLimits?: HoldingLimitsRule | null;
  lockup?: LockupRule | null;
  transferLimit?: TransferLimitRule | null;
}

// ------------------------------------------------------------------------------------------------ oracle

/** Parameters of a NavPublisher we deploy (contracts/oracle/NavPublisher.sol). */
export interface PublisherParams {
  /** Decimals of every answer, at most 36. */
  decimals: number;
  /** Non-empty description, e.g. "TMF / USD NAV". */
  description: string;
  /** Minimum seconds between two rounds (> 0, uint32). */
  minIntervalSeconds: number;
  /** Largest move between two rounds in bps of the previous answer (1..65535). */
  maxChangeBpsPerRound: number;
}

/** An existing Chainlink-compatible feed. */
export interface ExistingFeed {
  feed: Address;
}

export type NavSource = ExistingFeed | { publisher: PublisherParams & { initialNav: DecimalString } };
export type ReserveSource =
  ExistingFeed | { publisher: PublisherParams & { initialReserves: DecimalString } };

/** NavOracle settings (contracts/oracle/NavOracle.sol). */
export interface NavOracleParams {
  /** Largest age of a usable round (> 0, uint32); must span weekends and holidays (4 days suggested). */
  maxAgeSeconds: number;
  /** Largest NAV change per elapsed day, 1..10000 bps. */
  maxChangeBpsPerDay: number;
  /** Whether a NAV decrease (negative rebase) is accepted. */
  allowDecrease: boolean;
}

export interface OracleSection {
  nav: NavSource & NavOracleParams;
  /** ReserveGuard settings: the reserve feed and the largest age of a usable round (> 0, uint32). */
  reserve: ReserveSource & { maxAgeSeconds: number };
}

// ------------------------------------------------------------------------------------------------ stablecoins

/** A stablecoin accepted for subscriptions: an existing token, or (local networks only) a mock to deploy. */
export type StablecoinConfig =
  { symbol: string; address: Address } | { symbol: string; deployMock: { decimals: number } };

// ------------------------------------------------------------------------------------------------ fund manager

export interface FlowLimits {
  /** USD. */
  subscription: DecimalString;
  /** USD. */
  redemption: DecimalString;
}

/** Subscriptions and redemptions; amounts in USD ({USD_DECIMALS} decimals at most). */
export interface FundManagerSection {
  /** Fee on subscriptions, at most {MAX_FLOW_FEE_BPS}. */
  subscriptionFeeBps: number;
  /** Fee on redemptions, at most {MAX_FLOW_FEE_BPS}. */
  redemptionFeeBps: number;
  minFirstInvestment: DecimalString;
  minTopUp: DecimalString;
  /** Largest total subscription per investor. */
  maxPerInvestor: DecimalString;
  dailyLimits: { perInvestor: FlowLimits; global: FlowLimits };
  /** Stablecoins the fund manager aims to keep for instant redemptions. */
  liquidityBufferTarget: DecimalString;
  /** Whether redemptions are paid at once from the buffer (otherwise they queue for the transfer agent). */
  instantRedemption: boolean;
  /**
   * Annual rate (basis points) at which subscriptions carry the applied NAV forward to their own time, at most
   * {MAX_NAV_CARRY_RATE_BPS}. Set it at or above the fund's gross yield: subscribing before a NAV round and
   * redeeming after it then pays nothing (docs/FUND.md, "Pricing"). 0 prices subscriptions at the applied NAV.
   */
  navCarryRateBps: number;
}

/** Cap on subscription and redemption fees (FundManager.MAX_FEE_BPS, generated). */
export const MAX_FLOW_FEE_BPS: number = FundManagerBase.MAX_FEE_BPS;
/** Cap on the NAV carry rate (FundManager.MAX_NAV_CARRY_RATE_BPS, generated). */
export const MAX_NAV_CARRY_RATE_BPS: number = FundManagerBase.MAX_NAV_CARRY_RATE_BPS;

// ------------------------------------------------------------------------------------------------ settlement

/** A CCIP chain selector (uint64) as a decimal string: selectors exceed JS's safe integers. */
export type ChainSelector = string;

/** Settings shared by both CCIP forms; each has a default. */
export interface CcipTuning {
  /**
   * Gas limit given to the receiving escrow on the other chain (the asset-chain release runs the token's
   * transfer checks). 100,000 to 3,000,000; default {DEFAULT_CCIP_GAS_LIMIT}.
   */
  gasLimit?: number;
  /**
   * Seconds after a cross-chain trade's payment deadline during which the payment chain's confirmation can
   * still arrive before the seller may be refunded by timeout. Must exceed CCIP's worst delivery time on the
   * lane. 8 hours (CCIP's smart execution window) to 30 days; default {DEFAULT_CONFIRMATION_GRACE}.
   */
  confirmationGraceSeconds?: number;
}

/** Default {@link CcipTuning.gasLimit}. */
export const DEFAULT_CCIP_GAS_LIMIT = 500_000;
/** Default {@link CcipTuning.confirmationGraceSeconds}: one day. */
export const DEFAULT_CONFIRMATION_GRACE = 24 * 3600;

/**
 * Cross-chain settlement on a real network: the asset-chain escrow is deployed on this (the fund's) chain; the
 * payment-chain escrow is deployed on the payment chain separately (see docs/SETTLEMENT.md) and named here as
 * the allowed sender of its chain.
 */
export interface CcipConfig extends CcipTuning {
  /** The CCIP router on this chain. */
  router: Address;
  /** This chain's CCIP selector. */
  chainSelector: ChainSelector;
  /** Chains (and the sender contract on each) whose messages the settlement accepts. */
  allowedSourceChains: { chainSelector: ChainSelector; sender: Address }[];
}

/**
 * Local networks only: deploys Chainlink's CCIPLocalSimulator and both escrows on this one network (the
 * simulator's router stands in for both chains' routers), the payment-chain escrow settling in the first
 * configured stablecoin, each escrow the other's peer. Lets the demo and the tests run a cross-chain trade.
 */
export interface LocalCcipConfig extends CcipTuning {
  local: true;
}

export interface SettlementSection {
  /** Default time a buyer has to pay off-chain before the trade can be refunded (1 hour to 30 days). */
  offchainPaymentDeadlineSeconds: number;
  /** Cross-chain settlement; omitted or null when off. */
  ccip?: CcipConfig | LocalCcipConfig | null;
}

// ------------------------------------------------------------------------------------------------ whole

export interface FundConfig {
  /** When set, the chain id the config is meant for: deploying it to another chain is refused. */
  chainId?: number;
  fund: FundSection;
  governance: GovernanceSection;
  identity: IdentitySection;
  compliance: ComplianceSection;
  oracle: OracleSection;
  stablecoins: StablecoinConfig[];
  fundManager: FundManagerSection;
  settlement: SettlementSection;
  /**
   * Issue 18 (docs/MULTICHAIN.md): the fund on several chains: this config's network is `multichain.home.network`
   * and each satellite says what the deploy scripts deploy there. Omitted: the fund lives on one chain.
   */
  multichain?: MultichainConfig;
}
