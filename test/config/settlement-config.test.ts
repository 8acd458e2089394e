import { expect } from "chai";
import { getAddress } from "ethers";
import hardhatConfig from "../../deploy/config/hardhat";
import { DEFAULT_CCIP_GAS_LIMIT, DEFAULT_CONFIRMATION_GRACE } from "../../lib/config/types";
import { FundConfigError, ValidationContext, validateFundConfig } from "../../lib/config/validate";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = any;

const LOCAL: ValidationContext = { network: "hardhat", chainId: 31337, isLocal: true, accountCount: 40 };
const SEPOLIA: ValidationContext = { network: "sepolia", chainId: 11155111, isLocal: false };
const ROUTER = getAddress("0x0bf3de8c5d3e8a2b34d2beeb17abfcebaf363a59");
const PEER = getAddress("0x70997970c51812dc3a010c7d01b50e20d17dc79c");

function problemsOf(raw: unknown, ctx: ValidationContext = LOCAL): string[] {
  try {
    validateFundConfig(raw, ctx);
    return [];
  } catch (error) {
    if (!(error instanceof FundConfigError)) throw error;
    return error.problems;
  }
}

/** The local demo fund with another `settlement.ccip`. */
function withCcip(ccip: unknown): Raw {
  const config: Raw = structuredClone(hardhatConfig);
  config.settlement.ccip = ccip;
  return config;
}

const REAL = {
  router: ROUTER,
  chainSelector: "16015286601757825753",
  allowedSourceChains: [{ chainSelector: "3478487238524512106", sender: PEER }],
};

describe("Fund config: settlement.ccip (deploy/config)", function () {
  describe("the shipped hardhat config", function () {
    it("should run cross-chain settlement on the CCIP local simulator with the default tuning", function () {
      expect(hardhatConfig.settlement.ccip).to.deep.equal({ local: true });
      expect(DEFAULT_CCIP_GAS_LIMIT).to.equal(500_000);
      expect(DEFAULT_CONFIRMATION_GRACE).to.equal(86_400);
    });
  });

  describe("the local form", function () {
    it("should accept { local: true } with or without tuning on a local network", function () {
      expect(problemsOf(withCcip({ local: true }))).to.deep.equal([]);
      expect(
        problemsOf(withCcip({ local: true, gasLimit: 100_000, confirmationGraceSeconds: 28_800 })),
      ).to.deep.equal([]);
      expect(
        problemsOf(withCcip({ local: true, gasLimit: 3_000_000, confirmationGraceSeconds: 30 * 86_400 })),
      ).to.deep.equal([]);
    });

    it("should refuse it on a real network", function () {
      const problems = problemsOf({ ...withCcip({ local: true }), chainId: undefined }, SEPOLIA);
      expect(problems).to.include(
        'settlement.ccip.local: the CCIP local simulator is only allowed on local networks (network "sepolia")',
      );
    });

    it("should refuse local other than true and fields of the real form", function () {
      expect(problemsOf(withCcip({ local: false }))).to.deep.equal([
        "settlement.ccip.local: must be true, got false",
      ]);
      expect(problemsOf(withCcip({ local: true, router: ROUTER }))).to.deep.equal([
        "settlement.ccip.router: unknown field (expected one of: local, gasLimit, confirmationGraceSeconds)",
      ]);
    });
  });

  describe("the tuning of both forms", function () {
    for (const [form, base] of [
      ["local", { local: true }],
      ["real", REAL],
    ] as const) {
      it(`should bound the gas limit and the confirmation grace (${form} form)`, function () {
        expect(problemsOf(withCcip({ ...base, gasLimit: 99_999 }))).to.deep.equal([
          "settlement.ccip.gasLimit: must be an integer between 100000 and 3000000, got 99999",
        ]);
        expect(problemsOf(withCcip({ ...base, gasLimit: 3_000_001 }))).to.deep.equal([
          "settlement.ccip.gasLimit: must be an integer between 100000 and 3000000, got 3000001",
        ]);
        expect(problemsOf(withCcip({ ...base, gasLimit: "500000" }))).to.deep.equal([
          'settlement.ccip.gasLimit: must be an integer between 100000 and 3000000, got "500000"',
        ]);
        expect(problemsOf(withCcip({ ...base, confirmationGraceSeconds: 28_799 }))).to.deep.equal([
          "settlement.ccip.confirmationGraceSeconds: must be an integer between 28800 and 2592000 (8 hours, CCIP's smart execution window, to 30 days), got 28799",
        ]);
        expect(problemsOf(withCcip({ ...base, confirmationGraceSeconds: 30 * 86_400 + 1 }))).to.deep.equal([
          "settlement.ccip.confirmationGraceSeconds: must be an integer between 28800 and 2592000 (8 hours, CCIP's smart execution window, to 30 days), got 2592001",
        ]);
      });
    }

    it("should accept the real form with tuning, and name the tuning fields among the expected ones", function () {
      expect(
        problemsOf(withCcip({ ...REAL, gasLimit: 400_000, confirmationGraceSeconds: 32_400 })),
      ).to.deep.equal([]);
      expect(problemsOf(withCcip({ ...REAL, grace: 1 }))).to.deep.equal([
        "settlement.ccip.grace: unknown field (expected one of: router, chainSelector, allowedSourceChains, gasLimit, confirmationGraceSeconds)",
      ]);
    });

    it("should still require every field of the real form when `local` is absent", function () {
      expect(problemsOf(withCcip({ gasLimit: 400_000 }))).to.deep.equal([
        "settlement.ccip.router: is required",
        "settlement.ccip.chainSelector: is required",
        "settlement.ccip.allowedSourceChains: is required",
      ]);
    });
  });
});
