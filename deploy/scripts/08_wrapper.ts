import type { DeployFunction } from "hardhat-deploy/types";
import { loadContext } from "../../lib/deploy/context";
import {
  accessManager,
  asDeployerWithRoles,
  deployPlain,
  deployProxy,
  recorded,
  wireFunctionRoles,
} from "../../lib/deploy/deploy";
import { registerFundAccount } from "../../lib/deploy/fund-accounts";
import { WRAPPER_ROLES } from "../../lib/deploy/roles";
import type { IdentityRegistry, WrappedFundToken } from "../../typechain-types";

/** Name and symbol of the wrapped token, derived from the fund's. */
export function wrappedTokenInfo(fund: { name: string; symbol: string }): { name: string; symbol: string } {
  return { name: `Wrapped ${fund.name}`, symbol: `w${fund.symbol}` };
}

/**
 * The non-rebasing wrapper of the fund token (ERC-4626, UUPS proxy) and its Chainlink-compatible price feed;
 * the wrapper's functions wired to their roles, and the vault registered as an account of the fund (PROTOCOL
 * class: it may hold the fund token, it is not an investor). See docs/WRAPPER.md.
 */
const func: DeployFunction = async (hre) => {
  const ctx = await loadContext(hre);
  const authority = await (await accessManager(ctx)).getAddress();
  const registry = await recorded<IdentityRegistry>(ctx, "IdentityRegistry");
  const token = (await hre.deployments.get("FundToken")).address;
  const { name, symbol } = wrappedTokenInfo(ctx.config.fund);

  const vaultAddress = await deployProxy(
    ctx,
    "WrappedFundToken",
    "WrappedFundToken",
    [authority, name, symbol],
    {
      constructorArgs: [token],
    },
  );
  const vault = await recorded<WrappedFundToken>(ctx, "WrappedFundToken");
  await wireFunctionRoles(ctx, "WrappedFundToken", vaultAddress, vault.interface, WRAPPER_ROLES);
  await deployPlain(ctx, "WrappedFundPriceFeed", "WrappedFundPriceFeed", [vaultAddress]);

  // Listing a protocol account is the issuer's function, registering a wallet the compliance officer's; on a
  // re-run after the handover an already listed and registered vault needs no role.
  await asDeployerWithRoles(ctx, ["ISSUER", "COMPLIANCE_OFFICER"], () =>
    registerFundAccount(ctx, registry, vaultAddress, "wrapper vault"),
  );
};
func.tags = ["wrapper", "all"];
func.dependencies = ["token"];
export default func;
