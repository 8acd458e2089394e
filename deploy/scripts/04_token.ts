import type { DeployFunction } from "hardhat-deploy/types";
import { ZeroAddress } from "ethers";
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
import { registerFundAccount } from "../../lib/deploy/fund-accounts";
import { TOKEN_ROLES } from "../../lib/deploy/roles";
import type { IdentityRegistry, IFundCompliance, IFundToken } from "../../typechain-types";

/**
 * The fund token (UUPS proxy + admin extension), bound to the compliance and the registry, with the fee
 * wallet registered as an account of the fund, and the first NAV round applied as the baseline.
 */
const func: DeployFunction = async (hre) => {
  const ctx = await loadContext(hre);
  const { deployments } = hre;
  const authority = await (await accessManager(ctx)).getAddress();
  const registry = await recorded<IdentityRegistry>(ctx, "IdentityRegistry");
  const compliance = await recorded<IFundCompliance>(ctx, "ModularCompliance");
  const fund = ctx.config.fund;

  const extension = await deployPlain(ctx, "FundTokenAdmin", "FundTokenAdmin", []);
  await deployProxy(
    ctx,
    "FundToken",
    "FundToken",
    [
      {
        authority,
        name: fund.name,
        symbol: fund.symbol,
        onchainID: fund.onchainId ?? ZeroAddress,
        identityRegistry: await registry.getAddress(),
        compliance: await compliance.getAddress(),
        navOracle: (await deployments.get("NavOracle")).address,
        reserveGuard: (await deployments.get("ReserveGuard")).address,
        // Set below, once the fee wallet is registered as an account of the fund.
        feeWallet: ZeroAddress,
        managementFeeBps: fund.managementFeeBps,
      },
    ],
    { constructorArgs: [extension], abiFrom: ["IFundToken"] },
  );
  const token = await recorded<IFundToken>(ctx, "FundToken");
  const tokenAddress = await token.getAddress();
  await wireFunctionRoles(ctx, "FundToken", tokenAddress, token.interface, TOKEN_ROLES);

  const feeWallet = ctx.address(fund.feeWallet);
  await asDeployerWithRoles(ctx, ["ISSUER", "COMPLIANCE_OFFICER"], async () => {
    await ensure(
      ctx,
      "ModularCompliance: bound to the token",
      async () => (await compliance.getTokenBound()) !== tokenAddress,
      () => compliance.bindToken(tokenAddress),
    );
    await ensure(
      ctx,
      "IdentityRegistry: token bound (holdings guard identity changes)",
      async () => !(await registry.boundTokens()).includes(tokenAddress),
      () => registry.bindToken(tokenAddress),
    );
    await registerFundAccount(ctx, registry, feeWallet, "fee wallet");
    await ensure(
      ctx,
      `FundToken: fee wallet ${feeWallet}`,
      async () => (await token.feeWallet()) !== feeWallet,
      () => token.setFeeWallet(feeWallet),
    );
    await ensure(
      ctx,
      `FundToken: management fee ${fund.managementFeeBps} bps`,
      async () => (await token.managementFeeBps()) !== BigInt(fund.managementFeeBps),
      () => token.setManagementFeeBps(fund.managementFeeBps),
    );
  });
  // The first round only records the NAV baseline; anyone may apply it.
  await ensure(
    ctx,
    "FundToken: NAV baseline applied",
    async () => (await token.appliedNav()).updatedAt === 0n,
    () => token.accrue(),
  );
};
func.tags = ["token", "all"];
func.dependencies = ["identity", "compliance", "oracles"];
export default func;
