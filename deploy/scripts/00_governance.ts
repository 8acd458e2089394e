import type { DeployFunction } from "hardhat-deploy/types";
import { loadContext } from "../../lib/deploy/context";
import { deployPlain } from "../../lib/deploy/deploy";
import { checkRoleHolders, ensureRoleHolders } from "../../lib/deploy/holders";

/**
 * The AccessManager (the deployer is its admin until the handover script) and the Safes holding the roles.
 */
const func: DeployFunction = async (hre) => {
  const ctx = await loadContext(hre);
  ctx.log(`fund ${ctx.config.fund.name} (${ctx.config.fund.symbol}) on ${ctx.network}`);
  await checkRoleHolders(ctx); // existing Safes are read and checked before anything is sent
  await deployPlain(ctx, "AccessManager", "AccessManager", [ctx.deployer.address]);
  await ensureRoleHolders(ctx);
};
func.tags = ["governance", "all"];
export default func;
