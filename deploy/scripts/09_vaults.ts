import type { DeployFunction } from "hardhat-deploy/types";
import { loadContext } from "../../lib/deploy/context";
import { asDeployerWithRoles, deployPlain, ensure, recorded } from "../../lib/deploy/deploy";
import type { IFundManager, IFundToken } from "../../typechain-types";

/** Deployment record of the ERC-7575 entry point of a stablecoin. */
export function vaultRecord(symbol: string): string {
  return `FundVault.${symbol}`;
}

/**
 * The fund's ERC-7575 / ERC-7540 / ERC-7887 entry points (docs/INTEGRATION.md): one immutable `FundVault` per
 * stablecoin of the config, each registered on the fund token as the entry point of its stablecoin
 * (`setVault`, ISSUER), which is also what lets it call the fund manager's vault functions. A vault has no
 * restricted function and never holds fund tokens, so it needs no role and no registration in the identity
 * registry.
 */
const func: DeployFunction = async (hre) => {
  const ctx = await loadContext(hre);
  const fm = await recorded<IFundManager>(ctx, "FundManager");
  const token = await recorded<IFundToken>(ctx, "FundToken");
  const fmAddress = await fm.getAddress();
  await asDeployerWithRoles(ctx, ["ISSUER"], async () => {
    for (const coin of ctx.config.stablecoins) {
      const stable = await hre.deployments.get(`Stablecoin.${coin.symbol}`);
      const address = await deployPlain(ctx, vaultRecord(coin.symbol), "FundVault", [
        fmAddress,
        stable.address,
      ]);
      const current = await token.vault(stable.address);
      await ensure(
        ctx,
        `FundToken: ${coin.symbol} entry point ${address}`,
        async () => current !== address,
        () => token.setVault(stable.address, address),
      );
    }
  });
};
func.tags = ["vaults", "all"];
func.dependencies = ["fund"];
export default func;
