/**
 * Ethereum mainnet fund. Every `placeholder(...)` below must be replaced by the issuer before deploying:
 * validation fails, naming each one by its path, until they are. Check every address on a second source.
 */
import { placeholder, type FundConfig } from "../../lib/config/types";

const HOUR = 3600;
const DAY = 24 * HOUR;

const config: FundConfig = {
  chainId: 1,
  fund: {
    name: "Treasury Money Fund",
    symbol: "TMF",
    onchainId: placeholder("the token's ONCHAINID (remove the line if none)"),
    managementFeeBps: 20,
    feeWallet: placeholder("fee wallet address"),
    custodian: placeholder("custodian address"),
  },
  governance: {
    admin: { existingSafe: placeholder("admin Safe (e.g. 3-of-5, hardware-wallet owners)") },
    issuer: { existingSafe: placeholder("issuer Safe (e.g. 2-of-3)") },
    transferAgent: { existingSafe: placeholder("transfer agent Safe") },
    complianceOfficer: { existingSafe: placeholder("compliance officer Safe") },
    guardian: { existingSafe: placeholder("guardian Safe") },
    navPublisher: { existingSafe: placeholder("NAV publisher Safe") },
    settlementAgent: { existingSafe: placeholder("settlement agent Safe") },
    delays: { issuer: 2 * DAY, admin: 3 * DAY, roleGrant: 1 * DAY },
  },
  identity: { defaultKycValiditySeconds: 365 * DAY },
  compliance: {
    country: { mode: "deny", countries: [], presetEmbargoed: true },
    sanctions: {
      oracle: placeholder("Chainalysis sanctions oracle on Ethereum (from Chainalysis's documentation)"),
      wallets: [],
    },
    investorClass: { requiredAny: ["accredited", "qualified_purchaser", "institutional"] },
    maxInvestors: 2000,
    holdingLimits: { min: "1", max: "100000000" },
    lockup: null,
    transferLimit: { maxDailyOutflow: "10000000" },
  },
  oracle: {
    nav: {
      feed: placeholder("Chainlink NAV feed of the fund (AggregatorV3Interface)"),
      maxAgeSeconds: 4 * DAY,
      maxChangeBpsPerDay: 10,
      allowDecrease: false,
    },
    reserve: {
      feed: placeholder("Chainlink Proof of Reserve feed of the fund's custodied assets"),
      // Proof of Reserve feeds update daily (heartbeat); four days span a long weekend.
      maxAgeSeconds: 4 * DAY,
    },
  },
  // Circle's USDC on Ethereum (https://developers.circle.com/stablecoins/usdc-contract-addresses).
  stablecoins: [{ symbol: "USDC", address: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48" }],
  fundManager: {
    subscriptionFeeBps: 0,
    redemptionFeeBps: 5,
    minFirstInvestment: "100000",
    minTopUp: "10000",
    maxPerInvestor: "100000000",
    dailyLimits: {
      perInvestor: { subscription: "25000000", redemption: "25000000" },
      global: { subscription: "250000000", redemption: "100000000" },
    },
    liquidityBufferTarget: "5000000",
    instantRedemption: true,
    // At or above the fund's gross yield (docs/FUND.md, "Pricing"); revisit when rates move.
    navCarryRateBps: 600,
  },
  settlement: { offchainPaymentDeadlineSeconds: 2 * DAY },
};

export default config;
