import type { DeployFunction } from "hardhat-deploy/types";
import { parseUnits } from "ethers";
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
import { FUND_MANAGER_ROLES, ROLE_IDS } from "../../lib/deploy/roles";
import { TOKEN_DECIMALS } from "../../lib/config/types";
import type { IdentityRegistry, IERC20Metadata, IFundManager, IFundToken } from "../../typechain-types";
import { IFundManagerTypes } from "../../lib/generated/contracts";

/** `IFundManagerTypes.Flow`. */
const FLOW = IFundManagerTypes.Flow;

/**
 * The fund manager (UUPS proxy + admin extension + vault extension): subscriptions and redemptions against the configured
 * stablecoins. Wires its function roles, gives it the MINTER role on the token, registers it as an account of
 * the fund (it holds redemption escrow), and applies the config's `fundManager` section.
 */
const func: DeployFunction = async (hre) => {
  const ctx = await loadContext(hre);
  const manager = await accessManager(ctx);
  const token = await recorded<IFundToken>(ctx, "FundToken");
  const registry = await recorded<IdentityRegistry>(ctx, "IdentityRegistry");
  const custodian = ctx.address(ctx.config.fund.custodian);
  const feeRecipient = ctx.address(ctx.config.fund.feeWallet);
  const cfg = ctx.config.fundManager;

  // Three contracts share the proxy's storage: FundManager -> FundManagerAdmin -> FundManagerVaults (fallbacks).
  const vaultExtension = await deployPlain(ctx, "FundManagerVaults", "FundManagerVaults", []);
  const extension = await deployPlain(ctx, "FundManagerAdmin", "FundManagerAdmin", [vaultExtension]);
  await deployProxy(
    ctx,
    "FundManager",
    "FundManager",
    [
      {
        authority: await manager.getAddress(),
        token: await token.getAddress(),
        custodian,
        feeRecipient,
      },
    ],
    { constructorArgs: [extension], abiFrom: ["IFundManager"] },
  );
  const fm = await recorded<IFundManager>(ctx, "FundManager");
  const address = await fm.getAddress();
  await wireFunctionRoles(ctx, "FundManager", address, fm.interface, FUND_MANAGER_ROLES);

  // The manager mints subscriptions and burns redemptions.
  const [isMinter] = await manager.hasRole(ROLE_IDS.MINTER, address);
  if (!isMinter) {
    const [isAdmin] = await manager.hasRole(ROLE_IDS.ADMIN, ctx.deployer.address);
    if (!isAdmin)
      throw new Error(
        `FundManager ${address} does not hold MINTER and the deployer is no longer ADMIN: grant it through the admin Safe`,
      );
    await (await manager.grantRole(ROLE_IDS.MINTER, address, 0)).wait();
    ctx.log(`AccessManager: MINTER -> FundManager ${address}`);
  }

  const usd = (value: string) => parseUnits(value, TOKEN_DECIMALS);
  await asDeployerWithRoles(ctx, ["COMPLIANCE_OFFICER", "ISSUER"], async () => {
    await registerFundAccount(ctx, registry, address, "fund manager");

    for (const coin of ctx.config.stablecoins) {
      const stable = await recorded<IERC20Metadata>(ctx, `Stablecoin.${coin.symbol}`);
      const coinAddress = await stable.getAddress();
      const target = parseUnits(cfg.liquidityBufferTarget, await stable.decimals());
      const info = await fm.stablecoinInfo(coinAddress);
      await ensure(
        ctx,
        `FundManager: accepts ${coin.symbol}, buffer target ${cfg.liquidityBufferTarget}`,
        async () => !info.enabled,
        () => fm.addStablecoin(coinAddress, target),
      );
      await ensure(
        ctx,
        `FundManager: ${coin.symbol} buffer target ${cfg.liquidityBufferTarget}`,
        async () => info.enabled && info.bufferTarget !== target,
        () => fm.setLiquidityBufferTarget(coinAddress, target),
      );
    }

    const p = await fm.parameters();
    await ensure(
      ctx,
      `FundManager: fees ${cfg.subscriptionFeeBps} / ${cfg.redemptionFeeBps} bps`,
      async () =>
        p.subscriptionFeeBps !== BigInt(cfg.subscriptionFeeBps) ||
        p.redemptionFeeBps !== BigInt(cfg.redemptionFeeBps),
      () => fm.setFees(cfg.subscriptionFeeBps, cfg.redemptionFeeBps),
    );
    const [minFirst, minTopUp, maxPer] = [cfg.minFirstInvestment, cfg.minTopUp, cfg.maxPerInvestor].map(usd);
    await ensure(
      ctx,
      `FundManager: minimum first ${cfg.minFirstInvestment}, top-up ${cfg.minTopUp}, max ${cfg.maxPerInvestor}`,
      async () => p.minFirstInvestment !== minFirst || p.minTopUp !== minTopUp || p.maxPerInvestor !== maxPer,
      () => fm.setInvestmentLimits(minFirst, minTopUp, maxPer),
    );
    const { perInvestor, global } = cfg.dailyLimits;
    const subscription = [usd(perInvestor.subscription), usd(global.subscription)] as const;
    await ensure(
      ctx,
      `FundManager: daily subscription limits ${perInvestor.subscription} per investor, ${global.subscription} global`,
      async () =>
        p.subscriptionLimitPerInvestor !== subscription[0] || p.subscriptionLimitGlobal !== subscription[1],
      () => fm.setDailyLimits(FLOW.Subscription, ...subscription),
    );
    const redemption = [usd(perInvestor.redemption), usd(global.redemption)] as const;
    await ensure(
      ctx,
      `FundManager: daily redemption limits ${perInvestor.redemption} per investor, ${global.redemption} global`,
      async () => p.redemptionLimitPerInvestor !== redemption[0] || p.redemptionLimitGlobal !== redemption[1],
      () => fm.setDailyLimits(FLOW.Redemption, ...redemption),
    );
    await ensure(
      ctx,
      `FundManager: instant redemption ${cfg.instantRedemption}`,
      async () => p.instantRedemption !== cfg.instantRedemption,
      () => fm.setInstantRedemption(cfg.instantRedemption),
    );
    await ensure(
      ctx,
      `FundManager: NAV carry rate ${cfg.navCarryRateBps} bps a year`,
      async () => p.navCarryRateBps !== BigInt(cfg.navCarryRateBps),
      () => fm.setNavCarryRate(cfg.navCarryRateBps),
    );
    await ensure(
      ctx,
      `FundManager: custodian ${custodian}`,
      async () => p.custodian !== custodian,
      () => fm.setCustodian(custodian),
    );
    await ensure(
      ctx,
      `FundManager: fee recipient ${feeRecipient}`,
      async () => p.feeRecipient !== feeRecipient,
      () => fm.setFeeRecipient(feeRecipient),
    );
  });
};
func.tags = ["fund", "all"];
func.dependencies = ["token", "stablecoins"];
export default func;
