import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { getAddress, toBeHex, zeroPadValue } from "ethers";
import hardhatConfig from "../../deploy/config/hardhat";
import localhostConfig from "../../deploy/config/localhost";
import sepoliaConfig from "../../deploy/config/sepolia";
import mainnetConfig from "../../deploy/config/mainnet";
import { FundConfig, OFAC_EMBARGOED_COUNTRIES, REPLACE_ME } from "../../lib/config/types";
import {
  FundConfigError,
  ValidationContext,
  countryList,
  loadFundConfig,
  roleHolderThresholdProblems,
  validateFundConfig,
} from "../../lib/config/validate";

// Configs are mutated freely here, as an issuer's hand-edited file could be.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = any;

const LOCAL: ValidationContext = { network: "hardhat", chainId: 31337, isLocal: true, accountCount: 40 };
const SEPOLIA: ValidationContext = { network: "sepolia", chainId: 11155111, isLocal: false };
const MAINNET: ValidationContext = { network: "mainnet", chainId: 1, isLocal: false };

const USER_A = getAddress("0x70997970c51812dc3a010c7d01b50e20d17dc79c");
const USER_B = getAddress("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");

/** The address with the case of its first hex letter flipped: same bytes, wrong EIP-55 checksum. */
function breakChecksum(address: string): string {
  const i = address.slice(2).search(/[a-fA-F]/) + 2;
  const ch = address[i];
  return (
    address.slice(0, i) +
    (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) +
    address.slice(i + 1)
  );
}

/** The problems a config is refused with, or [] when it validates. */
function problemsOf(raw: unknown, ctx: ValidationContext): string[] {
  try {
    validateFundConfig(raw, ctx);
    return [];
  } catch (error) {
    if (!(error instanceof FundConfigError)) throw error;
    return error.problems;
  }
}

/** Every placeholder of a config as [path, what to fill in]. */
function placeholders(value: unknown, at = ""): [string, string][] {
  if (typeof value === "string") {
    return value.startsWith(REPLACE_ME) ? [[at, value.slice(`${REPLACE_ME}: `.length)]] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => placeholders(v, `${at}[${i}]`));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => placeholders(v, at ? `${at}.${k}` : k));
  }
  return [];
}

/** A copy of a config with each placeholder replaced by a distinct address, as an issuer would fill it. */
function filled(value: unknown, counter = { n: 0 }): unknown {
  if (typeof value === "string" && value.startsWith(REPLACE_ME)) {
    counter.n += 1;
    return getAddress(zeroPadValue(toBeHex(0xc0ffee00 + counter.n), 20));
  }
  if (Array.isArray(value)) return value.map((v) => filled(v, counter));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, filled(v, counter)]));
  }
  return value;
}

const local = (): Raw => structuredClone(hardhatConfig);
const real = (): Raw => filled(sepoliaConfig);

describe("Fund config (deploy/config)", function () {
  describe("shipped configs", function () {
    describe("hardhat and localhost", function () {
      it("should validate the local demo fund and return it unchanged", function () {
        expect(validateFundConfig(local(), LOCAL)).to.deep.equal(hardhatConfig);
      });

      it("should load localhost as the same fund", function () {
        expect(localhostConfig).to.equal(hardhatConfig);
        expect(loadFundConfig("localhost", { accountCount: 40 })).to.deep.equal(hardhatConfig);
      });

      it("should refuse the local demo fund on a real network, naming every local-only form", function () {
        const problems = problemsOf({ ...local(), chainId: undefined }, SEPOLIA);
        const localOnly = problems.filter((p) => p.includes("only allowed on local networks"));
        // fee wallet + custodian + 5 + 3 * 6 Safe owners + the mock USDC + the CCIP local simulator
        expect(localOnly).to.have.length(2 + 5 + 18 + 1 + 1);
        expect(problems).to.include(
          'governance.admin.safe.owners[0]: Hardhat account indexes are only allowed on local networks (network "sepolia")',
        );
        expect(problems).to.include(
          'stablecoins[0].deployMock: mock deployments are only allowed on local networks (network "sepolia")',
        );
        expect(problems).to.include(
          'fund.feeWallet.account: Hardhat account indexes are only allowed on local networks (network "sepolia")',
        );
      });
    });

    for (const [name, config, ctx, expectedPaths] of [
      ["sepolia", sepoliaConfig, SEPOLIA, ["fund.feeWallet", "governance.admin.existingSafe"]],
      [
        "mainnet",
        mainnetConfig,
        MAINNET,
        ["oracle.nav.feed", "oracle.reserve.feed", "compliance.sanctions.oracle"],
      ],
    ] as const) {
      describe(name, function () {
        it("should fail naming each placeholder by its path, and nothing else", function () {
          const expected = placeholders(config).map(([at, what]) => `${at}: placeholder to fill in: ${what}`);
          expect(expected.length).to.be.greaterThan(8);
          expect(problemsOf(config, ctx)).to.deep.equal(expected);
          for (const at of expectedPaths)
            expect(expected.some((p) => p.startsWith(`${at}: `))).to.equal(true);
        });

        it("should validate once every placeholder is filled in", function () {
          expect(problemsOf(filled(config), ctx)).to.deep.equal([]);
        });

        it("should refuse to be deployed to another chain", function () {
          expect(problemsOf(filled(config), { ...ctx, chainId: 42161 })).to.deep.equal([
            `chainId: the config is for chain ${ctx.chainId} but network "${ctx.network}" has chain id 42161`,
          ]);
        });
      });
    }
  });

  describe("validateFundConfig", function () {
    describe("when a single field is wrong", function () {
      const cases: [string, (c: Raw) => void, string, ValidationContext?][] = [
        ["a section is missing", (c) => delete c.oracle, "oracle: is required"],
        [
          "a field is misspelled",
          (c) => (c.settlement.ccipp = null),
          "settlement.ccipp: unknown field (expected one of: offchainPaymentDeadlineSeconds, ccip)",
        ],
        [
          "the management fee exceeds the token cap",
          (c) => (c.fund.managementFeeBps = 250),
          "fund.managementFeeBps: must be an integer between 0 and 200 (FundToken cap), got 250",
        ],
        [
          "the management fee is not an integer",
          (c) => (c.fund.managementFeeBps = "20"),
          'fund.managementFeeBps: must be an integer between 0 and 200 (FundToken cap), got "20"',
        ],
        [
          "the symbol has spaces",
          (c) => (c.fund.symbol = "T MF"),
          'fund.symbol: must be 1 to 11 letters, digits, "." or "-", got "T MF"',
        ],
        ["the name is blank", (c) => (c.fund.name = "  "), 'fund.name: must be a non-empty string, got "  "'],
        [
          "the fee wallet is the zero address",
          (c) => (c.fund.feeWallet = "0x0000000000000000000000000000000000000000"),
          "fund.feeWallet: must not be the zero address",
        ],
        [
          "an address has a bad checksum",
          (c) => (c.fund.custodian = breakChecksum(USER_A)),
          `fund.custodian: invalid EIP-55 checksum: "${breakChecksum(USER_A)}"`,
        ],
        [
          "an address is too short",
          (c) => (c.fund.onchainId = "0x1234"),
          'fund.onchainId: not an address: "0x1234"',
        ],
        [
          "a placeholder is left",
          (c) => (c.governance.navPublisher = { existingSafe: `${REPLACE_ME}: NAV Safe` }),
          "governance.navPublisher.existingSafe: placeholder to fill in: NAV Safe",
        ],
        [
          "a Safe threshold exceeds its owners",
          (c) => (c.governance.issuer.safe.threshold = 4),
          "governance.issuer.safe.threshold: must be an integer between 1 and 3 (the number of owners), got 4",
        ],
        [
          "a Safe threshold is zero",
          (c) => (c.governance.issuer.safe.threshold = 0),
          "governance.issuer.safe.threshold: must be an integer between 1 and 3 (the number of owners), got 0",
        ],
        [
          "a Safe needs a single signature",
          (c) => (c.governance.issuer.safe.threshold = 1),
          "governance.issuer.safe.threshold: must be at least 2 (a role is never held by a single key), got 1",
        ],
        [
          "a Safe has a single owner",
          (c) => (c.governance.guardian = { safe: { owners: [17], threshold: 1 } }),
          "governance.guardian.safe.threshold: must be at least 2 (a role is never held by a single key), got 1",
        ],
        [
          "the admin Safe needs fewer signatures than another role's",
          (c) => {
            c.governance.admin.safe.threshold = 2;
            c.governance.navPublisher.safe.threshold = 3;
          },
          "governance.admin.safe.threshold: must be >= the highest threshold of the other role holders (2 < 3 of governance.navPublisher.safe.threshold): the admin grants every role",
        ],
        [
          "a Safe lists an owner twice",
          (c) => (c.governance.issuer.safe.owners = [6, 7, 6]),
          "governance.issuer.safe.owners[2]: duplicate of governance.issuer.safe.owners[0]",
        ],
        [
          "a Safe lists an owner address twice, differently cased",
          (c) => (c.governance.issuer.safe.owners = [USER_A, USER_A.toLowerCase()]),
          "governance.issuer.safe.owners[1]: duplicate of governance.issuer.safe.owners[0]",
        ],
        [
          "a Safe has no owner",
          (c) => (c.governance.issuer.safe.owners = []),
          "governance.issuer.safe.owners: must list at least one owner",
        ],
        [
          "a Safe owner is the Safe sentinel",
          (c) => (c.governance.issuer.safe.owners = [6, "0x0000000000000000000000000000000000000001"]),
          "governance.issuer.safe.owners[1]: is Safe's sentinel address, never a valid owner",
        ],
        [
          "an owner index exceeds the accounts",
          (c) => (c.governance.issuer.safe.owners = [6, 45]),
          "governance.issuer.safe.owners[1]: must be an integer between 0 and 39 (the network has 40 accounts), got 45",
        ],
        [
          "a holder has two forms",
          (c) => (c.governance.admin.existingSafe = USER_A),
          "governance.admin: must be { safe: { owners, threshold } }, { existingSafe: address } or { account: index }, got safe and existingSafe",
        ],
        [
          "the guardian is the issuer",
          (c) => (c.governance.guardian = structuredClone(c.governance.issuer)),
          "governance.guardian: must not be the same holder as governance.issuer (the guardian cancels the issuer's scheduled operations)",
        ],
        [
          "the transfer agent is the issuer",
          (c) => (c.governance.transferAgent = { safe: { owners: [8, 7, 6], threshold: 2 } }),
          "governance.transferAgent: must not be the same holder as governance.issuer (no single holder may both move investors' tokens and change the rules)",
        ],
        [
          "the admin delay is below the issuer delay",
          (c) => (c.governance.delays.admin = 3600),
          "governance.delays.admin: must be >= the issuer delay (3600 < 172800), or the admin could rewire issuer functions to bypass it",
        ],
        [
          "a delay exceeds 30 days",
          (c) => (c.governance.delays.roleGrant = 40 * 86400),
          "governance.delays.roleGrant: must be an integer between 0 and 2592000 (30 days), got 3456000",
        ],
        [
          "the KYC validity is zero",
          (c) => (c.identity.defaultKycValiditySeconds = 0),
          "identity.defaultKycValiditySeconds: must be an integer between 1 and 157680000 (5 years), got 0",
        ],
        [
          "the holding max is below the min",
          (c) => (c.compliance.holdingLimits = { min: "5000", max: "1000" }),
          "compliance.holdingLimits.max: must be >= min (1000 < 5000)",
        ],
        [
          "a token amount is a JS number",
          (c) => (c.compliance.holdingLimits.min = 1),
          'compliance.holdingLimits.min: must be a decimal string (e.g. "1"), not a number',
        ],
        [
          "a token amount exceeds uint96",
          (c) => (c.compliance.holdingLimits.max = "100000000000"),
          'compliance.holdingLimits.max: exceeds uint96 (max 79228162514.264337593543950335): "100000000000"',
        ],
        [
          "the holding limits set nothing",
          (c) => (c.compliance.holdingLimits = { min: "0" }),
          "compliance.holdingLimits: must set a min > 0 or a max",
        ],
        [
          "a country code is out of range",
          (c) => (c.compliance.country.countries = [840, 1000]),
          "compliance.country.countries[1]: must be an integer between 1 and 999 (ISO-3166 numeric), got 1000",
        ],
        [
          "a country is listed twice",
          (c) => (c.compliance.country.countries = [643, 112, 643]),
          "compliance.country.countries[2]: duplicate of compliance.country.countries[0]",
        ],
        [
          "the country mode is unknown",
          (c) => (c.compliance.country.mode = "block"),
          'compliance.country.mode: must be "deny" or "allow", got "block"',
        ],
        [
          "the embargo preset is set on an allow list",
          (c) => (c.compliance.country = { mode: "allow", countries: [840], presetEmbargoed: true }),
          "compliance.country.presetEmbargoed: only applies to a deny list (an allow list would admit the embargoed countries)",
        ],
        [
          "the country rule lists nothing",
          (c) => (c.compliance.country.presetEmbargoed = false),
          "compliance.country.countries: must list at least one country (or set presetEmbargoed)",
        ],
        [
          "an investor class is unknown",
          (c) => (c.compliance.investorClass.requiredAny = ["accredited", "accredited_investor"]),
          'compliance.investorClass.requiredAny[1]: unknown investor class "accredited_investor" (known: accredited, qualified_purchaser, institutional, us_person)',
        ],
        [
          "a class is both required and barred",
          (c) => (c.compliance.investorClass.barred = ["accredited"]),
          'compliance.investorClass.barred[0]: "accredited" is also required',
        ],
        [
          "the class rule names the protocol class",
          (c) => (c.compliance.investorClass.requiredAll = ["protocol"]),
          "compliance.investorClass.requiredAll[0]: protocol accounts are exempt from the class rule; name an investor class",
        ],
        [
          "the class rule names no class",
          (c) => (c.compliance.investorClass = {}),
          "compliance.investorClass: must name at least one class in requiredAll, requiredAny or barred",
        ],
        [
          "the investor cap is zero",
          (c) => (c.compliance.maxInvestors = 0),
          "compliance.maxInvestors: must be an integer between 1 and 4294967295, got 0",
        ],
        [
          "the lockup is on without a period",
          (c) => (c.compliance.lockup = {}),
          "compliance.lockup.periodSeconds: is required",
        ],
        [
          "the daily outflow is zero",
          (c) => (c.compliance.transferLimit.maxDailyOutflow = "0"),
          "compliance.transferLimit.maxDailyOutflow: must be > 0",
        ],
        [
          "a sanctioned wallet is listed twice",
          (c) => (c.compliance.sanctions.wallets = [USER_A, USER_B, USER_A]),
          "compliance.sanctions.wallets[2]: duplicate of compliance.sanctions.wallets[0]",
        ],
        [
          "the NAV publisher has too many decimals",
          (c) => (c.oracle.nav.publisher.decimals = 37),
          "oracle.nav.publisher.decimals: must be an integer between 0 and 36, got 37",
        ],
        [
          "the initial NAV has more decimals than the feed",
          (c) => (c.oracle.nav.publisher.initialNav = "1.000000001"),
          'oracle.nav.publisher.initialNav: has more than 8 decimal places: "1.000000001"',
        ],
        [
          "the initial NAV is zero",
          (c) => (c.oracle.nav.publisher.initialNav = "0.00"),
          "oracle.nav.publisher.initialNav: must be > 0",
        ],
        [
          "the NAV has both a feed and a publisher",
          (c) => (c.oracle.nav.feed = USER_A),
          "oracle.nav: must have either feed or publisher, not both",
        ],
        [
          "the reserve has neither feed nor publisher",
          (c) => delete c.oracle.reserve.publisher,
          "oracle.reserve: must have either feed or publisher",
        ],
        [
          "the NAV change bound is zero",
          (c) => (c.oracle.nav.maxChangeBpsPerDay = 0),
          "oracle.nav.maxChangeBpsPerDay: must be an integer between 1 and 10000, got 0",
        ],
        [
          "the publisher interval exceeds the max age",
          (c) => (c.oracle.reserve.publisher.minIntervalSeconds = 5 * 86400),
          "oracle.reserve.publisher.minIntervalSeconds: must be <= oracle.reserve.maxAgeSeconds (432000 > 345600), or rounds go stale before the next may be published",
        ],
        [
          "allowDecrease is not a boolean",
          (c) => (c.oracle.nav.allowDecrease = "no"),
          'oracle.nav.allowDecrease: must be true or false, got "no"',
        ],
        [
          "no stablecoin is listed",
          (c) => (c.stablecoins = []),
          "stablecoins: must list at least one stablecoin",
        ],
        [
          "a mock stablecoin has too few decimals",
          (c) => (c.stablecoins[0].deployMock.decimals = 4),
          "stablecoins[0].deployMock.decimals: must be an integer between 6 and 18, got 4",
        ],
        [
          "a stablecoin symbol is listed twice",
          (c) => c.stablecoins.push({ symbol: "usdc", address: USER_A }),
          "stablecoins[1].symbol: duplicate of stablecoins[0].symbol",
        ],
        [
          "a redemption fee exceeds the cap",
          (c) => (c.fundManager.redemptionFeeBps = 150),
          "fundManager.redemptionFeeBps: must be an integer between 0 and 100 (fee cap), got 150",
        ],
        [
          "a USD amount has more than 6 decimals",
          (c) => (c.fundManager.minTopUp = "100.0000001"),
          'fundManager.minTopUp: has more than 6 decimal places: "100.0000001"',
        ],
        [
          "a USD amount has a thousands separator",
          (c) => (c.fundManager.minTopUp = "1,000"),
          'fundManager.minTopUp: not a decimal amount: "1,000"',
        ],
        [
          "the per-investor max is below the first investment",
          (c) => (c.fundManager.maxPerInvestor = "500"),
          "fundManager.maxPerInvestor: must be >= minFirstInvestment (500 < 1000)",
        ],
        [
          "a global daily limit is below the per-investor one",
          (c) => (c.fundManager.dailyLimits.global.redemption = "5000000"),
          "fundManager.dailyLimits.global.redemption: must be >= dailyLimits.perInvestor.redemption (5000000 < 10000000)",
        ],
        [
          "the first investment exceeds the daily subscription limit",
          (c) => (c.fundManager.dailyLimits.perInvestor.subscription = "999.99"),
          "fundManager.dailyLimits.perInvestor.subscription: must be >= minFirstInvestment (999.99 < 1000)",
        ],
        [
          "the NAV carry rate is above the contract's cap",
          (c) => (c.fundManager.navCarryRateBps = 2_001),
          "fundManager.navCarryRateBps: must be an integer between 0 and 2000 (carry rate cap), got 2001",
        ],
        [
          "the NAV carry rate is missing",
          (c) => delete (c.fundManager as Partial<typeof c.fundManager>).navCarryRateBps,
          "fundManager.navCarryRateBps: is required",
        ],
        [
          "instant redemption has no buffer",
          (c) => (c.fundManager.liquidityBufferTarget = "0"),
          "fundManager.liquidityBufferTarget: must be > 0 when instantRedemption is on",
        ],
        [
          "the payment deadline is too short",
          (c) => (c.settlement.offchainPaymentDeadlineSeconds = 60),
          "settlement.offchainPaymentDeadlineSeconds: must be an integer between 3600 and 2592000 (1 hour to 30 days), got 60",
        ],
        [
          "a CCIP selector is a JS number",
          (c) =>
            (c.settlement.ccip = {
              router: USER_A,
              chainSelector: 16015286601757825000,
              allowedSourceChains: [{ chainSelector: "1", sender: USER_B }],
            }),
          "settlement.ccip.chainSelector: must be a decimal string, not a number (selectors exceed JavaScript's safe integers)",
        ],
        [
          "a CCIP source is this chain",
          (c) =>
            (c.settlement.ccip = {
              router: USER_A,
              chainSelector: "16015286601757825753",
              allowedSourceChains: [{ chainSelector: "16015286601757825753", sender: USER_B }],
            }),
          "settlement.ccip.allowedSourceChains[0].chainSelector: is this chain's own selector",
        ],
        [
          "a CCIP source is listed twice",
          (c) =>
            (c.settlement.ccip = {
              router: USER_A,
              chainSelector: "1",
              allowedSourceChains: [
                { chainSelector: "2", sender: USER_B },
                { chainSelector: "2", sender: USER_A },
              ],
            }),
          "settlement.ccip.allowedSourceChains[1].chainSelector: duplicate of settlement.ccip.allowedSourceChains[0].chainSelector",
        ],
        [
          "a CCIP selector exceeds uint64",
          (c) =>
            (c.settlement.ccip = {
              router: USER_A,
              chainSelector: "18446744073709551616",
              allowedSourceChains: [{ chainSelector: "2", sender: USER_B }],
            }),
          'settlement.ccip.chainSelector: must be a CCIP chain selector (a uint64 > 0 as a decimal string), got "18446744073709551616"',
        ],
        [
          "the config names another chain",
          (c) => (c.chainId = 1),
          'chainId: the config is for chain 1 but network "hardhat" has chain id 31337',
        ],
        // Real-network rules, on a filled-in Sepolia config.
        [
          "a plain account holds a role on a real network",
          (c) => (c.governance.guardian = { account: 3 }),
          'governance.guardian.account: Hardhat account indexes are only allowed on local networks (network "sepolia")',
          SEPOLIA,
        ],
        [
          "a mock stablecoin is deployed on a real network",
          (c) => (c.stablecoins = [{ symbol: "USDC", deployMock: { decimals: 6 } }]),
          'stablecoins[0].deployMock: mock deployments are only allowed on local networks (network "sepolia")',
          SEPOLIA,
        ],
        [
          "the issuer delay is zero on a real network",
          (c) => (c.governance.delays.issuer = 0),
          "governance.delays.issuer: must be > 0 on a real network (the guardian needs time to cancel)",
          SEPOLIA,
        ],
        [
          "two existing Safes are the same for issuer and transfer agent",
          (c) =>
            (c.governance.transferAgent = { existingSafe: c.governance.issuer.existingSafe.toLowerCase() }),
          "governance.transferAgent: must not be the same holder as governance.issuer (no single holder may both move investors' tokens and change the rules)",
          SEPOLIA,
        ],
      ];

      for (const [when, mutate, message, ctx] of cases) {
        it(`should say "${message.split(":")[0]}" when ${when}`, function () {
          const config = ctx ? real() : local();
          mutate(config);
          expect(problemsOf(config, ctx ?? LOCAL)).to.deep.equal([message]);
        });
      }

      it("should cover at least 25 distinct problems", function () {
        expect(new Set(cases.map(([when]) => when)).size).to.equal(cases.length);
        expect(new Set(cases.map(([, , message]) => message)).size).to.be.at.least(25);
      });
    });

    describe("when a role holder's Safe needs too few signatures", function () {
      const oneOfTwo = { safe: { owners: [USER_A, USER_B], threshold: 1 } };
      const shipped: [string, () => Raw, ValidationContext][] = [
        ["hardhat", local, LOCAL],
        ["sepolia", real, SEPOLIA],
        ["mainnet", () => filled(mainnetConfig), MAINNET],
      ];

      for (const [name, config, ctx] of shipped) {
        it(`should refuse a 1-of-2 admin Safe in the ${name} config`, function () {
          const c = config();
          c.governance.admin = oneOfTwo;
          const expected = [
            "governance.admin.safe.threshold: must be at least 2 (a role is never held by a single key), got 1",
          ];
          // The local demo's other roles are 2-of-3 Safes the admin must match; elsewhere they are existing Safes.
          if (name === "hardhat") {
            expected.push(
              "governance.admin.safe.threshold: must be >= the highest threshold of the other role holders (1 < 2 of governance.issuer.safe.threshold): the admin grants every role",
            );
          }
          expect(problemsOf(c, ctx)).to.deep.equal(expected);
        });

        it(`should refuse a 1-of-2 Safe for the transfer agent in the ${name} config`, function () {
          const c = config();
          c.governance.transferAgent = oneOfTwo;
          expect(problemsOf(c, ctx)).to.deep.equal([
            "governance.transferAgent.safe.threshold: must be at least 2 (a role is never held by a single key), got 1",
          ]);
        });
      }

      it("should accept an admin Safe whose threshold equals the highest of the other roles", function () {
        const c = local();
        c.governance.admin.safe.threshold = 2;
        c.governance.guardian = { safe: { owners: [17, 18], threshold: 2 } };
        expect(problemsOf(c, LOCAL)).to.deep.equal([]);
      });

      it("should accept new Safes of 2 signatures next to existing Safes on a real network", function () {
        const c = real();
        c.governance.issuer = { safe: { owners: [USER_A, USER_B], threshold: 2 } };
        expect(problemsOf(c, SEPOLIA)).to.deep.equal([]);
      });
    });

    describe("when the config is not an object", function () {
      it("should say so for the whole config", function () {
        for (const raw of [undefined, null, [], "hardhat"]) {
          expect(problemsOf(raw, LOCAL)).to.deep.equal(["config: must be an object"]);
        }
      });
    });

    describe("when several fields are wrong", function () {
      it("should report every problem together, in config order, in one FundConfigError", function () {
        const config = local();
        config.fund.managementFeeBps = 201;
        config.governance.admin.safe.threshold = 6;
        config.compliance.holdingLimits = { min: "5000", max: "1000" };
        config.fundManager.subscriptionFeeBps = -1;
        let error: unknown;
        try {
          validateFundConfig(config, LOCAL);
        } catch (e) {
          error = e;
        }
        expect(error).to.be.instanceOf(FundConfigError);
        const problems = [
          "fund.managementFeeBps: must be an integer between 0 and 200 (FundToken cap), got 201",
          "governance.admin.safe.threshold: must be an integer between 1 and 5 (the number of owners), got 6",
          "compliance.holdingLimits.max: must be >= min (1000 < 5000)",
          "fundManager.subscriptionFeeBps: must be an integer between 0 and 100 (fee cap), got -1",
        ];
        expect((error as FundConfigError).problems).to.deep.equal(problems);
        expect((error as FundConfigError).message).to.equal(
          `Invalid fund config for network "hardhat" (4 problems):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
        );
      });
    });

    describe("when optional parts are omitted", function () {
      it("should accept a fund with every compliance rule off and no CCIP", function () {
        const config = local();
        config.compliance = {};
        config.settlement.ccip = null;
        delete config.chainId;
        expect(problemsOf(config, LOCAL)).to.deep.equal([]);
      });

      it("should accept an existing feed, an existing stablecoin and a CCIP setup", function () {
        const config = local();
        config.oracle.nav = {
          feed: USER_A,
          maxAgeSeconds: 3600,
          maxChangeBpsPerDay: 50,
          allowDecrease: true,
        };
        config.stablecoins = [{ symbol: "USDC", address: USER_B.toLowerCase() }];
        config.settlement.ccip = {
          router: USER_A,
          chainSelector: "16015286601757825753",
          allowedSourceChains: [{ chainSelector: "3478487238524512106", sender: USER_B }],
        };
        expect(problemsOf(config, LOCAL)).to.deep.equal([]);
      });
    });
  });

  describe("roleHolderThresholdProblems", function () {
    it("should check thresholds read on chain from existing Safes, naming each holder's path", function () {
      expect(
        roleHolderThresholdProblems({
          admin: { threshold: 2, at: "governance.admin.existingSafe" },
          issuer: { threshold: 3, at: "governance.issuer.existingSafe" },
          guardian: { threshold: 1, at: "governance.guardian.existingSafe" },
          settlementAgent: { threshold: 3, at: "governance.settlementAgent.existingSafe" },
        }),
      ).to.deep.equal([
        "governance.guardian.existingSafe: threshold must be at least 2 (a role is never held by a single key), got 1",
        "governance.admin.existingSafe: threshold must be >= the highest threshold of the other role holders (2 < 3 of governance.issuer.existingSafe): the admin grants every role",
      ]);
    });

    it("should find nothing to say of 2-of-n Safes under a 3-of-5 admin", function () {
      const holders = Object.fromEntries(
        ["issuer", "transferAgent", "complianceOfficer", "guardian", "navPublisher", "settlementAgent"].map(
          (role) => [role, { threshold: 2, at: `governance.${role}.existingSafe` }],
        ),
      );
      expect(
        roleHolderThresholdProblems({
          ...holders,
          admin: { threshold: 3, at: "governance.admin.existingSafe" },
        }),
      ).to.deep.equal([]);
    });

    it("should not compare the admin with roles it was not given", function () {
      expect(
        roleHolderThresholdProblems({ issuer: { threshold: 3, at: "governance.issuer.safe.threshold" } }),
      ).to.deep.equal([]);
    });
  });

  describe("countryList", function () {
    it("should merge the OFAC preset into the listed countries, sorted and without duplicates", function () {
      expect(OFAC_EMBARGOED_COUNTRIES).to.deep.equal([192, 364, 408, 760]);
      expect(countryList({ mode: "deny", countries: [643, 192], presetEmbargoed: true })).to.deep.equal([
        192, 364, 408, 643, 760,
      ]);
      expect(countryList({ mode: "allow", countries: [840, 124] })).to.deep.equal([124, 840]);
    });
  });

  describe("loadFundConfig", function () {
    let dir: string;
    beforeEach(function () {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "fund-config-"));
    });
    afterEach(function () {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("should load and validate the shipped hardhat config", function () {
      const config: FundConfig = loadFundConfig("hardhat", { accountCount: 40 });
      expect(config.fund.symbol).to.equal("DTMF");
    });

    it("should name the missing file when a network has no config", function () {
      expect(() => loadFundConfig("base")).to.throw(
        'No fund config for network "base": create deploy/config/base.ts (or .json). ' +
          "Networks with a config: hardhat, localhost, mainnet, sepolia",
      );
    });

    it("should validate a shipped real-network config against its own network", function () {
      expect(() => loadFundConfig("sepolia")).to.throw(
        FundConfigError,
        "fund.feeWallet: placeholder to fill in",
      );
    });

    it("should load a JSON config", function () {
      fs.writeFileSync(path.join(dir, "devnet.json"), JSON.stringify(hardhatConfig));
      expect(loadFundConfig("devnet", { chainId: 31337, isLocal: true }, dir)).to.deep.equal(hardhatConfig);
    });

    it("should apply real-network rules to an unknown network unless told it is local", function () {
      fs.writeFileSync(
        path.join(dir, "devnet.json"),
        JSON.stringify({ ...hardhatConfig, chainId: undefined }),
      );
      expect(() => loadFundConfig("devnet", { chainId: 999 }, dir)).to.throw(
        FundConfigError,
        'fund.feeWallet.account: Hardhat account indexes are only allowed on local networks (network "devnet")',
      );
    });

    it("should require the chain id of a network it does not know", function () {
      fs.writeFileSync(path.join(dir, "devnet.json"), "{}");
      expect(() => loadFundConfig("devnet", {}, dir)).to.throw('Chain id of network "devnet" unknown');
    });

    it("should name a JSON file that does not parse", function () {
      fs.writeFileSync(path.join(dir, "devnet.json"), "{ fund: }");
      expect(() => loadFundConfig("devnet", { chainId: 5 }, dir)).to.throw(
        /^Fund config .*devnet\.json is not valid JSON/,
      );
    });

    it("should refuse two configs for one network", function () {
      fs.writeFileSync(path.join(dir, "devnet.json"), "{}");
      fs.writeFileSync(path.join(dir, "devnet.ts"), "export default {};");
      expect(() => loadFundConfig("devnet", { chainId: 5 }, dir)).to.throw(
        'Two fund configs for network "devnet"',
      );
    });

    it("should refuse names that are not networks", function () {
      expect(() => loadFundConfig("main net")).to.throw('"main net" is not a network name');
      expect(() => loadFundConfig("../hardhat")).to.throw('"../hardhat" is not a network name');
    });
  });
});
