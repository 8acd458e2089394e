import type { DeployFunction } from "hardhat-deploy/types";
import { parseUnits, ZeroAddress, getAddress } from "ethers";
import { loadContext } from "../../lib/deploy/context";
import {
  accessManager,
  asDeployerWithRoles,
  deployPlain,
  deployProxy,
  ensure,
  recorded,
  wireFunctionRoles,
} from "../../lib/deploy/deploy";
import { COMPLIANCE_ROLES } from "../../lib/deploy/roles";
import { countryList } from "../../lib/config/validate";
import { classBits } from "../../lib/classes";
import { RULES, COUNTRY_MODE } from "../../lib/compliance-rules";
import type { IFundCompliance } from "../../typechain-types";

/** The modular compliance (UUPS proxy + admin extension), its function roles, and the rules of the config. */
const func: DeployFunction = async (hre) => {
  const ctx = await loadContext(hre);
  const manager = await accessManager(ctx);
  const extension = await deployPlain(ctx, "ModularComplianceAdmin", "ModularComplianceAdmin", []);
  await deployProxy(ctx, "ModularCompliance", "ModularCompliance", [await manager.getAddress()], {
    constructorArgs: [extension],
    abiFrom: ["IFundCompliance"],
  });
  const compliance = await recorded<IFundCompliance>(ctx, "ModularCompliance");
  const address = await compliance.getAddress();
  await wireFunctionRoles(ctx, "ModularCompliance", address, compliance.interface, COMPLIANCE_ROLES);

  const rules = ctx.config.compliance;
  let enabled = 0;
  await asDeployerWithRoles(ctx, ["ISSUER", "COMPLIANCE_OFFICER"], async () => {
    if (rules.country) {
      enabled |= RULES.COUNTRY;
      const mode = COUNTRY_MODE[rules.country.mode];
      await ensure(
        ctx,
        `compliance: country ${rules.country.mode}-list`,
        async () => (await compliance.countryListing(1)).mode !== BigInt(mode),
        () => compliance.setCountryMode(mode),
      );
      const missing: number[] = [];
      for (const code of countryList(rules.country)) {
        if (!(await compliance.countryListing(code)).listed) missing.push(code);
      }
      await ensure(
        ctx,
        `compliance: listed countries ${missing.join(", ")}`,
        async () => missing.length > 0,
        () => compliance.setCountriesListed(missing, true),
      );
    }
    if (rules.sanctions) {
      enabled |= RULES.SANCTIONS;
      const missing: string[] = [];
      for (const w of rules.sanctions.wallets ?? []) {
        if (!(await compliance.isSanctioned(w))) missing.push(getAddress(w));
      }
      await ensure(
        ctx,
        `compliance: ${missing.length} wallet(s) on the sanctions list`,
        async () => missing.length > 0,
        () => compliance.setSanctioned(missing, true),
      );
      const oracle = rules.sanctions.oracle ? getAddress(rules.sanctions.oracle) : ZeroAddress;
      await ensure(
        ctx,
        `compliance: sanctions oracle ${oracle}`,
        async () => (await compliance.sanctionsOracle()) !== oracle,
        () => compliance.setSanctionsOracle(oracle),
      );
    }
    if (rules.investorClass) {
      enabled |= RULES.INVESTOR_CLASS;
      const all = classBits(rules.investorClass.requiredAll ?? []);
      const any = classBits(rules.investorClass.requiredAny ?? []);
      const barred = classBits(rules.investorClass.barred ?? []);
      await ensure(
        ctx,
        `compliance: class requirements all=${all} any=${any} barred=${barred}`,
        async () => {
          const cf = await compliance.classAndFlow();
          return (
            cf.requiredAll !== BigInt(all) || cf.requiredAny !== BigInt(any) || cf.barred !== BigInt(barred)
          );
        },
        () => compliance.setClassRequirements(all, any, barred),
      );
    }
    if (rules.maxInvestors) {
      enabled |= RULES.MAX_INVESTORS;
      const max = rules.maxInvestors;
      await ensure(
        ctx,
        `compliance: at most ${max} investors`,
        async () => (await compliance.limits()).maxInvestors !== BigInt(max),
        () => compliance.setMaxInvestors(max),
      );
    }
    if (rules.holdingLimits) {
      enabled |= RULES.HOLDING_LIMITS;
      const min = parseUnits(rules.holdingLimits.min, 18);
      const max = rules.holdingLimits.max ? parseUnits(rules.holdingLimits.max, 18) : 0n;
      await ensure(
        ctx,
        `compliance: holding limits ${rules.holdingLimits.min} to ${rules.holdingLimits.max ?? "unlimited"}`,
        async () => {
          const l = await compliance.limits();
          return l.minHolding !== min || l.maxHolding !== max;
        },
        () => compliance.setHoldingLimits(min, max),
      );
    }
    if (rules.lockup) {
      enabled |= RULES.LOCKUP;
      const period = rules.lockup.periodSeconds;
      await ensure(
        ctx,
        `compliance: lockup ${period} s`,
        async () => (await compliance.lockPeriod()) !== BigInt(period),
        () => compliance.setLockPeriod(period),
      );
    }
    if (rules.transferLimit) {
      enabled |= RULES.TRANSFER_LIMIT;
      const max = parseUnits(rules.transferLimit.maxDailyOutflow, 18);
      await ensure(
        ctx,
        `compliance: daily outflow limit ${rules.transferLimit.maxDailyOutflow}`,
        async () => (await compliance.classAndFlow()).maxDailyOutflow !== max,
        () => compliance.setMaxDailyOutflow(max),
      );
    }
    await ensure(
      ctx,
      `compliance: rules ${enabled}`,
      async () => (await compliance.rules()) !== BigInt(enabled),
      () => compliance.setRules(enabled),
    );
  });
};
func.tags = ["compliance", "all"];
func.dependencies = ["governance"];
export default func;
