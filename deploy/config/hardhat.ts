/**
 * Local demo fund (Hardhat network, 40 accounts). Every role is held by a Safe created among Hardhat
 * accounts, with production-like delays: tests and the demo time-travel past them.
 *
 * Account plan: 0 deployer | 1-5 admin owners | 6-8 issuer | 9 fee wallet | 10 custodian |
 * 11-13 transfer agent | 14-16 compliance officer | 17-19 guardian | 20-22 NAV publisher |
 * 23-25 settlement agent | 26-39 investors.
 */
import type { FundConfig } from "../../lib/config/types";

const HOUR = 3600;
const DAY = 24 * HOUR;

const config: FundConfig = {
  chainId: 31337,
  fund: {
    name: "Demo Treasury Money Fund",
    symbol: "DTMF",
    // 0.20% a year, in line with tokenized Treasury money market funds.
    managementFeeBps: 20,
    feeWallet: { account: 9 },
    custodian: { account: 10 },
  },
  governance: {
    // Admin (role grants, function wiring): higher threshold than the operational Safes.
    admin: { safe: { owners: [1, 2, 3, 4, 5], threshold: 3 } },
    issuer: { safe: { owners: [6, 7, 8], threshold: 2 } },
    transferAgent: { safe: { owners: [11, 12, 13], threshold: 2 } },
    complianceOfficer: { safe: { owners: [14, 15, 16], threshold: 2 } },
    guardian: { safe: { owners: [17, 18, 19], threshold: 2 } },
    navPublisher: { safe: { owners: [20, 21, 22], threshold: 2 } },
    settlementAgent: { safe: { owners: [23, 24, 25], threshold: 2 } },
    delays: {
      // Two days for upgrades, unpause, rule and oracle changes: time for the guardian to cancel.
      issuer: 2 * DAY,
      // Admin at least the issuer delay, so rewiring functions cannot shortcut it.
      admin: 3 * DAY,
      // A newly granted role takes effect after a day.
      roleGrant: 1 * DAY,
    },
  },
  identity: {
    // KYC refreshed yearly for investors onboarded through ERC-3643 `registerIdentity`.
    defaultKycValiditySeconds: 365 * DAY,
  },
  compliance: {
    // Deny the OFAC comprehensively sanctioned jurisdictions; add more codes to `countries` as counsel requires.
    country: { mode: "deny", countries: [], presetEmbargoed: true },
    // Internal list kept by the compliance officer; no Chainalysis oracle on a local chain.
    sanctions: { wallets: [] },
    // Reg D 506(c) / 3(c)(7) style offering: accredited investors, qualified purchasers or institutions.
    investorClass: { requiredAny: ["accredited", "qualified_purchaser", "institutional"] },
    // Below the Exchange Act 12(g) threshold of 2,000 holders of record.
    maxInvestors: 2000,
    // At least one token per investor (no dust positions), at most 100 million.
    holdingLimits: { min: "1", max: "100000000" },
    // No lockup: a money market fund stays liquid between verified investors.
    lockup: null,
    // Any investor may move at most 10 million tokens over a rolling day.
    transferLimit: { maxDailyOutflow: "10000000" },
  },
  oracle: {
    nav: {
      publisher: {
        decimals: 8,
        description: "DTMF / USD NAV",
        // One round an hour at most (corrections possible the same day).
        minIntervalSeconds: 1 * HOUR,
        // A round may move at most 1% from the previous one.
        maxChangeBpsPerRound: 100,
        initialNav: "1.00",
      },
      // A Friday NAV must still be usable on Tuesday after a Monday holiday.
      maxAgeSeconds: 4 * DAY,
      // 10 bps a day: T-bill yields accrue about 1.4 bps a day, so this leaves margin and catches errors.
      maxChangeBpsPerDay: 10,
      allowDecrease: false,
    },
    reserve: {
      publisher: {
        decimals: 8,
        description: "DTMF reserves (USD)",
        minIntervalSeconds: 1 * HOUR,
        // Reserves move with subscriptions: up to +200% (ramp-up) or down to zero per round.
        maxChangeBpsPerRound: 20_000,
        // The custodian's reported assets backing the demo fund: 10 million USD.
        initialReserves: "10000000",
      },
      maxAgeSeconds: 4 * DAY,
    },
  },
  stablecoins: [{ symbol: "USDC", deployMock: { decimals: 6 } }],
  fundManager: {
    subscriptionFeeBps: 0,
    // 5 bps on redemptions, covering the cost of selling bills early.
    redemptionFeeBps: 5,
    minFirstInvestment: "1000",
    minTopUp: "100",
    maxPerInvestor: "100000000",
    dailyLimits: {
      perInvestor: { subscription: "10000000", redemption: "10000000" },
      global: { subscription: "50000000", redemption: "25000000" },
    },
    // One million USDC kept for instant redemptions; larger ones queue for the transfer agent.
    liquidityBufferTarget: "1000000",
    instantRedemption: true,
    // 6% a year, above the demo's 5.12% T-bill yield: subscribing before a NAV round and redeeming
    // after it pays nothing (docs/FUND.md, "Pricing").
    navCarryRateBps: 600,
  },
  settlement: {
    // T+1 off-chain payment with a day of margin, then the seller may be refunded.
    offchainPaymentDeadlineSeconds: 2 * DAY,
    // Chainlink's CCIP local simulator: both escrows of a cross-chain trade on this one network (the payment
    // leg in USDC), so the demo and the tests run a cross-chain trade end to end. Defaults: 500,000 gas for
    // the receiving escrow, a day of grace after the payment deadline for the confirmation to arrive.
    ccip: { local: true },
  },
};

export default config;
