import type { DeployFunction } from "hardhat-deploy/types";
import { getAddress, type BaseContract } from "ethers";
import { loadContext, type DeployContext } from "../../lib/deploy/context";
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
import {
  CCIP_ASSET_ESCROW_ROLES,
  CCIP_PAYMENT_ESCROW_ROLES,
  DVP_SETTLEMENT_ROLES,
} from "../../lib/deploy/roles";
import {
  DEFAULT_CCIP_GAS_LIMIT,
  DEFAULT_CONFIRMATION_GRACE,
  type CcipConfig,
  type LocalCcipConfig,
} from "../../lib/config/types";
import type {
  CCIPLocalSimulator,
  CrossChainAssetEscrow,
  CrossChainPaymentEscrow,
  DvPSettlement,
  IdentityRegistry,
  IFundToken,
} from "../../typechain-types";

/**
 * Delivery-versus-payment settlement: DvPSettlement (on-chain and off-chain payment) and, when the config has a
 * `settlement.ccip` section, the cross-chain asset escrow (plus, with `ccip.local`, Chainlink's CCIPLocalSimulator
 * and the payment-chain escrow on this same network). The escrows holding fund tokens are registered as accounts
 * of the fund (PROTOCOL class); the stablecoins of the config are accepted for on-chain payment.
 */
const func: DeployFunction = async (hre) => {
  const ctx = await loadContext(hre);
  const authority = await (await accessManager(ctx)).getAddress();
  const token = await recorded<IFundToken>(ctx, "FundToken");
  const tokenAddress = await token.getAddress();
  const registry = await recorded<IdentityRegistry>(ctx, "IdentityRegistry");
  const section = ctx.config.settlement;
  const window = section.offchainPaymentDeadlineSeconds;

  await deployProxy(ctx, "DvPSettlement", "DvPSettlement", [authority, tokenAddress, window]);
  const dvp = await recorded<DvPSettlement>(ctx, "DvPSettlement");
  const dvpAddress = await dvp.getAddress();
  await wireFunctionRoles(ctx, "DvPSettlement", dvpAddress, dvp.interface, DVP_SETTLEMENT_ROLES);
  const paymentTokens: string[] = [];
  for (const coin of ctx.config.stablecoins) {
    paymentTokens.push((await hre.deployments.get(`Stablecoin.${coin.symbol}`)).address);
  }

  const ccip = section.ccip ? await deployCcip(ctx, authority, tokenAddress, section.ccip) : undefined;

  await asDeployerWithRoles(ctx, ["ISSUER", "COMPLIANCE_OFFICER"], async () => {
    await registerFundAccount(ctx, registry, dvpAddress, "settlement escrow");
    await ensure(
      ctx,
      `DvPSettlement: off-chain payment window ${window} s`,
      async () => (await dvp.offChainPaymentWindow()) !== BigInt(window),
      () => dvp.setOffChainPaymentWindow(window),
    );
    for (const coin of paymentTokens) {
      await ensure(
        ctx,
        `DvPSettlement: ${coin} accepted for on-chain payment`,
        async () => !(await dvp.isPaymentToken(coin)),
        () => dvp.setPaymentToken(coin, true),
      );
    }
    if (ccip) await configureCcip(ctx, registry, ccip);
  });
};

interface CcipDeployment {
  asset: CrossChainAssetEscrow;
  /** The payment-chain escrow, when it lives on this network (local simulator). */
  payment?: CrossChainPaymentEscrow;
  /** Peers of the asset escrow: chain selector -> sender contract. */
  peers: { chainSelector: bigint; sender: string }[];
  gasLimit: number;
  grace: number;
}

/** Deploys the cross-chain escrows the config asks for (and the local simulator on local networks). */
async function deployCcip(
  ctx: DeployContext,
  authority: string,
  tokenAddress: string,
  config: CcipConfig | LocalCcipConfig,
): Promise<CcipDeployment> {
  const gasLimit = config.gasLimit ?? DEFAULT_CCIP_GAS_LIMIT;
  const grace = config.confirmationGraceSeconds ?? DEFAULT_CONFIRMATION_GRACE;
  if ("local" in config) {
    await deployPlain(ctx, "CCIPLocalSimulator", "CCIPLocalSimulator", []);
    const simulator = await recorded<CCIPLocalSimulator>(ctx, "CCIPLocalSimulator");
    // One router stands in for both chains' routers; messages arrive within the sending transaction.
    const { chainSelector_: selector, sourceRouter_: router } = await simulator.configuration();
    const coin = ctx.config.stablecoins[0];
    if (!coin) throw new Error("settlement.ccip.local needs a stablecoin for the payment-chain escrow");
    const paymentToken = (await ctx.hre.deployments.get(`Stablecoin.${coin.symbol}`)).address;
    const asset = await deployCcipEscrow<CrossChainAssetEscrow>(ctx, "CrossChainAssetEscrow", router, [
      authority,
      tokenAddress,
      gasLimit,
      grace,
    ]);
    const payment = await deployCcipEscrow<CrossChainPaymentEscrow>(ctx, "CrossChainPaymentEscrow", router, [
      authority,
      paymentToken,
      gasLimit,
    ]);
    return {
      asset,
      payment,
      peers: [{ chainSelector: selector, sender: await payment.getAddress() }],
      gasLimit,
      grace,
    };
  }
  const asset = await deployCcipEscrow<CrossChainAssetEscrow>(
    ctx,
    "CrossChainAssetEscrow",
    getAddress(config.router),
    [authority, tokenAddress, gasLimit, grace],
  );
  const peers = config.allowedSourceChains.map((s) => ({
    chainSelector: BigInt(s.chainSelector),
    sender: getAddress(s.sender),
  }));
  return { asset, peers, gasLimit, grace };
}

/**
 * A CCIP escrow behind a UUPS proxy, like `deployProxy` (storage-layout validation by the upgrades plugin), with
 * the router as constructor argument. Chainlink's CCIPReceiver keeps the router in an immutable set by its
 * constructor, which the plugin refuses by default: both are allowed here, for that base only (our own
 * constructors only disable initialisers, and the router immutable belongs to the implementation by design).
 */
async function deployCcipEscrow<T extends BaseContract>(
  ctx: DeployContext,
  name: string,
  router: string,
  initArgs: unknown[],
): Promise<T> {
  await deployProxy(ctx, name, name, initArgs, {
    constructorArgs: [router],
    unsafeAllow: ["constructor", "state-variable-immutable"],
  });
  return recorded<T>(ctx, name);
}

/** Roles, fund account, peers and settings of the cross-chain escrows (with ISSUER and COMPLIANCE_OFFICER). */
async function configureCcip(
  ctx: DeployContext,
  registry: IdentityRegistry,
  d: CcipDeployment,
): Promise<void> {
  const asset = d.asset;
  const assetAddress = await asset.getAddress();
  await wireFunctionRoles(
    ctx,
    "CrossChainAssetEscrow",
    assetAddress,
    asset.interface,
    CCIP_ASSET_ESCROW_ROLES,
  );
  await registerFundAccount(ctx, registry, assetAddress, "cross-chain asset escrow");
  for (const p of d.peers) {
    await ensure(
      ctx,
      `CrossChainAssetEscrow: accepts chain ${p.chainSelector} from ${p.sender}`,
      async () => (await asset.peer(p.chainSelector)) !== p.sender,
      () => asset.setPeer(p.chainSelector, p.sender),
    );
  }
  await ensure(
    ctx,
    `CrossChainAssetEscrow: gas limit ${d.gasLimit}`,
    async () => (await asset.gasLimit()) !== BigInt(d.gasLimit),
    () => asset.setGasLimit(d.gasLimit),
  );
  await ensure(
    ctx,
    `CrossChainAssetEscrow: confirmation grace ${d.grace} s`,
    async () => (await asset.confirmationGrace()) !== BigInt(d.grace),
    () => asset.setConfirmationGrace(d.grace),
  );
  const payment = d.payment;
  if (!payment) return;
  await wireFunctionRoles(
    ctx,
    "CrossChainPaymentEscrow",
    await payment.getAddress(),
    payment.interface,
    CCIP_PAYMENT_ESCROW_ROLES,
  );
  for (const p of d.peers) {
    await ensure(
      ctx,
      `CrossChainPaymentEscrow: accepts chain ${p.chainSelector} from ${assetAddress}`,
      async () => (await payment.peer(p.chainSelector)) !== assetAddress,
      () => payment.setPeer(p.chainSelector, assetAddress),
    );
  }
  await ensure(
    ctx,
    `CrossChainPaymentEscrow: gas limit ${d.gasLimit}`,
    async () => (await payment.gasLimit()) !== BigInt(d.gasLimit),
    () => payment.setGasLimit(d.gasLimit),
  );
}

func.tags = ["settlement", "all"];
func.dependencies = ["token", "stablecoins"];
export default func;
