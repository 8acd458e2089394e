/**
 * Sepolia rehearsal of a fund. Every `placeholder(...)` below must be replaced by the issuer before
 * deploying: validation fails, naming each one by its path, until they are.
 */
import { placeholder, type FundConfig } from "../../lib/config/types";

const HOUR = 3600;
const DAY = 24 * HOUR;

const config: FundConfig = {
  chainId: 11155111,
  fund: {
    name: "Treasury Money Fund (Sepolia)",
    symbol: "tTMF",
    managementFeeBps: 20,
    feeWallet: placeholder("fee wallet address"),
    custodian: placeholder("custodian address"),
  },
  governance: {
    // Safes created beforehand in the Safe app (https://app.safe.global), one per role.
    admin: { existingSafe: placeholder("admin Safe (e.g. 3-of-5)") },
    issuer: { existingSafe: placeholder("issuer Safe (e.g. 2-of-3)") },
    transferAgent: { existingSafe: placeholder("transfer agent Safe") },
    complianceOfficer: { existingSafe: placeholder("compliance officer Safe") },
    guardian: { existingSafe: placeholder("guardian Safe") },
    navPublisher: { existingSafe: placeholder("NAV publisher Safe") },
    settlementAgent: { existingSafe: placeholder("settlement agent Safe") },
    // Short delays for a testnet rehearsal; still > 0 so the guardian's cancel can be exercised.
    delays: { issuer: 1 * HOUR, admin: 2 * HOUR, roleGrant: 0 },
  },
  identity: { defaultKycValiditySeconds: 365 * DAY },
  compliance: {
    country: { mode: "deny", countries: [], presetEmbargoed: true },
    sanctions: { wallets: [] },
    investorClass: { requiredAny: ["accredited", "qualified_purchaser", "institutional"] },
    maxInvestors: 2000,
    holdingLimits: { min: "1", max: "100000000" },
    lockup: null,
    transferLimit: { maxDailyOutflow: "10000000" },
  },
  oracle: {
    // No Chainlink NAV feed exists on Sepolia: the fund publishes its own.
    nav: {
      publisher: {
        decimals: 8,
        description: "tTMF / USD NAV",
        minIntervalSeconds: 1 * HOUR,
        maxChangeBpsPerRound: 100,
        initialNav: "1.00",
      },
      maxAgeSeconds: 4 * DAY,
      maxChangeBpsPerDay: 10,
      allowDecrease: false,
    },
    reserve: {
      publisher: {
        decimals: 8,
        description: "tTMF reserves (USD)",
        minIntervalSeconds: 1 * HOUR,
        maxChangeBpsPerRound: 20_000,
        initialReserves: "1000000",
      },
      maxAgeSeconds: 4 * DAY,
    },
  },
  // Circle's USDC on Sepolia (https://developers.circle.com/stablecoins/usdc-contract-addresses).
  stablecoins: [{ symbol: "USDC", address: "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238" }],
  fundManager: {
    subscriptionFeeBps: 0,
    redemptionFeeBps: 5,
    minFirstInvestment: "100",
    minTopUp: "10",
    maxPerInvestor: "1000000",
    dailyLimits: {
      perInvestor: { subscription: "100000", redemption: "100000" },
      global: { subscription: "1000000", redemption: "500000" },
    },
    liquidityBufferTarget: "10000",
    instantRedemption: true,
    // At or above the fund's gross yield (docs/FUND.md, "Pricing").
    navCarryRateBps: 600,
  },
  settlement: { offchainPaymentDeadlineSeconds: 2 * DAY },
};

export default config;
