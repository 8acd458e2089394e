import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import type { Interface } from "ethers";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ALL_RULES } from "../../lib/compliance-rules";
import { COMPLIANCE_ROLES, ROLE_IDS, type RoleName } from "../../lib/deploy/roles";
import { execSafeTransaction } from "../../lib/safe";
import {
  CLASS,
  COUNTRY,
  DAY,
  DEPLOYED_RULES,
  RULES,
  castFixture,
  complianceAdmin,
  configure,
  issue,
  labelled,
  register,
  tokens,
} from "./helpers";
import { ModularCompliance__factory, type IFundCompliance } from "../../typechain-types";

/** A compliance deployed on its own (no token bound, nothing configured), governed by the deployer as ADMIN. */
async function freshComplianceFixture() {
  const [deployer, other] = await ethers.getSigners();
  const manager = await (await ethers.getContractFactory("AccessManager")).deploy(deployer.address);
  const extension = await (await ethers.getContractFactory("ModularComplianceAdmin")).deploy();
  const proxy = await upgrades.deployProxy(
    await ethers.getContractFactory("ModularCompliance"),
    [await manager.getAddress()],
    { kind: "uups", constructorArgs: [await extension.getAddress()] },
  );
  const compliance = (await ethers.getContractAt(
    "IFundCompliance",
    await proxy.getAddress(),
  )) as unknown as IFundCompliance;
  return { deployer, other, manager, extension, compliance };
}

/** Valid arguments for each restricted function of the compliance (refused before they are used). */
function sampleArgs(fn: string, address: string): unknown[] {
  switch (fn) {
    case "bindToken":
    case "unbindToken":
    case "addModule":
    case "removeModule":
    case "setSanctionsOracle":
      return [address];
    case "callModuleFunction":
      return ["0x12345678", address];
    case "setRules":
      return [RULES.COUNTRY];
    case "setCountryMode":
      return [1];
    case "setCountriesListed":
      return [[COUNTRY.DE], true];
    case "setSanctioned":
      return [[address], true];
    case "setClassRequirements":
      return [CLASS.accredited, 0, 0];
    case "setMaxInvestors":
      return [10];
    case "setHoldingLimits":
      return [1, 2];
    case "setLockPeriod":
      return [DAY];
    case "setMaxDailyOutflow":
      return [1];
    case "upgradeToAndCall":
      return [address, "0x"];
    default:
      throw new Error(`no sample arguments for ${fn}`);
  }
}

const restricted = (Object.entries(COMPLIANCE_ROLES) as [RoleName, string[]][]).flatMap(([role, fns]) =>
  fns.map((fn) => ({ role, fn })),
);

describe("ModularCompliance: configuration", function () {
  describe("deployment", function () {
    it("should start with no rule, no token, no module and nothing configured", async function () {
      const { compliance } = await loadFixture(freshComplianceFixture);
      expect(await compliance.rules()).to.equal(0n);
      expect(await compliance.getTokenBound()).to.equal(ethers.ZeroAddress);
      expect(await compliance.getModules()).to.deep.equal([]);
      expect(await compliance.lockPeriod()).to.equal(0n);
      const l = await compliance.limits();
      expect([l.minHolding, l.maxHolding, l.maxInvestors, l.investorCount]).to.deep.equal([0n, 0n, 0n, 0n]);
      const cf = await compliance.classAndFlow();
      expect([cf.requiredAll, cf.requiredAny, cf.barred, cf.maxDailyOutflow]).to.deep.equal([0n, 0n, 0n, 0n]);
    });

    it("should refuse to be initialised twice", async function () {
      const { compliance, manager } = await loadFixture(freshComplianceFixture);
      const implementation = await ethers.getContractAt("ModularCompliance", await compliance.getAddress());
      await expect(implementation.initialize(await manager.getAddress())).to.be.revertedWithCustomError(
        implementation,
        "InvalidInitialization",
      );
    });

    it("should refuse an extension without code with InvalidExtension", async function () {
      const [, other] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("ModularCompliance");
      await expect(factory.deploy(other.address))
        .to.be.revertedWithCustomError(factory, "InvalidExtension")
        .withArgs(other.address);
    });

    it("should refuse a token without code with InvalidToken", async function () {
      const { compliance, other } = await loadFixture(freshComplianceFixture);
      await expect(compliance.bindToken(other.address))
        .to.be.revertedWithCustomError(compliance, "InvalidToken")
        .withArgs(other.address);
    });
  });

  describe("setRules", function () {
    it("should enable exactly the given rules and emit RulesChanged(old, new)", async function () {
      const { fund } = await loadFixture(castFixture);
      const { compliance } = fund.contracts;
      const next = RULES.COUNTRY | RULES.SANCTIONS;
      await expect(configure(fund, "setRules", [next]))
        .to.emit(compliance, "RulesChanged")
        .withArgs(DEPLOYED_RULES, next);
      expect(await compliance.rules()).to.equal(BigInt(next));
    });

    for (const bits of [1 << 7, 1 << 15, ALL_RULES | (1 << 8)]) {
      it(`should refuse undefined bits (${bits}) with InvalidRules`, async function () {
        const { fund } = await loadFixture(castFixture);
        await expect(configure(fund, "setRules", [bits]))
          .to.be.revertedWithCustomError(fund.contracts.compliance, "InvalidRules")
          .withArgs(bits);
      });
    }

    it("should refuse each rule whose parameter is unset with RuleNotConfigured", async function () {
      const { compliance } = await loadFixture(freshComplianceFixture);
      for (const rule of [RULES.MAX_INVESTORS, RULES.HOLDING_LIMITS, RULES.LOCKUP, RULES.TRANSFER_LIMIT]) {
        await expect(compliance.setRules(rule))
          .to.be.revertedWithCustomError(compliance, "RuleNotConfigured")
          .withArgs(rule);
      }
      // The list-based rules need no parameter.
      const listBased = RULES.COUNTRY | RULES.SANCTIONS | RULES.INVESTOR_CLASS;
      await expect(compliance.setRules(listBased)).to.emit(compliance, "RulesChanged").withArgs(0, listBased);
    });

    it("should accept every rule once each is configured", async function () {
      const { compliance } = await loadFixture(freshComplianceFixture);
      await compliance.setMaxInvestors(10);
      await compliance.setHoldingLimits(0, tokens("5"));
      await compliance.setLockPeriod(DAY);
      await compliance.setMaxDailyOutflow(tokens("1"));
      await expect(compliance.setRules(ALL_RULES)).to.emit(compliance, "RulesChanged").withArgs(0, ALL_RULES);
    });

    describe("with no rule at all", function () {
      it("should let anything through while still counting investors", async function () {
        const { fund, alice, spare } = await loadFixture(castFixture);
        const { compliance, token } = fund.contracts;
        const ivan = spare[0];
        await register(fund, [
          { wallet: ivan.address, identity: labelled("identity:ivan"), country: COUNTRY.IR, classes: 0 },
        ]);
        await configure(fund, "setRules", [0]);
        await issue(fund, alice.address, tokens("1"));
        await token.connect(alice).transfer(ivan.address, 1n);
        expect(await compliance.investorCount()).to.equal(2n);
      });
    });
  });

  describe("access control", function () {
    for (const { role, fn } of restricted) {
      it(`should wire ${fn} to ${role} and refuse anyone else with AccessManagedUnauthorized`, async function () {
        const { fund, outsider } = await loadFixture(castFixture);
        const { compliance, manager } = fund.contracts;
        const admin = complianceAdmin(fund);
        // upgradeToAndCall belongs to the implementation (UUPS), not to the IFundCompliance ABI.
        const iface: Interface = compliance.interface.getFunction(fn as never)
          ? (compliance.interface as unknown as Interface)
          : (ModularCompliance__factory.createInterface() as unknown as Interface);
        const selector = iface.getFunction(fn)!.selector;
        expect(await manager.getTargetFunctionRole(await compliance.getAddress(), selector)).to.equal(
          ROLE_IDS[role],
        );
        const data = iface.encodeFunctionData(fn, sampleArgs(fn, outsider.address));
        await expect(outsider.sendTransaction({ to: await compliance.getAddress(), data }))
          .to.be.revertedWithCustomError(admin, "AccessManagedUnauthorized")
          .withArgs(outsider.address);
        // A Safe holding another role, calling directly.
        const wrong = fund.as(role === "ISSUER" ? "complianceOfficer" : "issuer");
        await expect(
          execSafeTransaction(wrong.address, { to: await compliance.getAddress(), data }, wrong.signers, {
            interfaces: [admin.interface],
          }),
        )
          .to.be.revertedWithCustomError(admin, "AccessManagedUnauthorized")
          .withArgs(wrong.address);
      });
    }

    it("should delay the issuer's rule changes, which the guardian may cancel", async function () {
      const { fund } = await loadFixture(castFixture);
      const { compliance } = fund.contracts;
      const result = await fund.as("issuer").on(compliance).setRules(0);
      expect(result.status).to.equal("scheduled");
      expect(await compliance.rules()).to.equal(BigInt(DEPLOYED_RULES));
      await time.increase(DAY);
      await expect(fund.as("issuer").executeOn(compliance).setRules(0)).to.be.rejectedWith(
        /not executable before/,
      );
      await fund.as("guardian").cancelOn(fund.as("issuer"), compliance).setRules(0);
      await time.increase(2 * DAY);
      await expect(fund.as("issuer").executeOn(compliance).setRules(0)).to.be.rejectedWith(
        /is not scheduled/,
      );
      expect(await compliance.rules()).to.equal(BigInt(DEPLOYED_RULES));
    });
  });
});
