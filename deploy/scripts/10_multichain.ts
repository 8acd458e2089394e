import type { DeployFunction } from "hardhat-deploy/types";
import { getAddress } from "ethers";
import { loadContext } from "../../lib/deploy/context";
import { loadFundConfig, LOCAL_NETWORKS } from "../../lib/config/validate";
import { deployHomeSide, deploySatelliteSide } from "../../lib/deploy/multichain-deploy";

/**
 * Issue 18 (docs/MULTICHAIN.md "Deployment across networks"): the fund on several chains.
 * - On the home network (tag all, before the handover): the lock/release pool and the relay, the CCT registration,
 *   and the lanes of the satellites already deployed.
 * - On a satellite network: `FUND_CONFIG=<home network> npx hardhat deploy --network <satellite> --tags multichain`
 *   deploys and links the satellite from the home chain's config; then the home deployment is run again to link
 *   the home pool to it (the handover waits until every satellite is linked).
 */
const func: DeployFunction = async (hre) => {
  const network = hre.network.name;
  const from = process.env.FUND_CONFIG;
  if (from && from !== network) {
    const isLocal = LOCAL_NETWORKS.includes(network);
    const signers = await hre.ethers.getSigners();
    const config = loadFundConfig(from, {
      isLocal: LOCAL_NETWORKS.includes(from),
      accountCount: signers.length,
    });
    const mc = config.multichain;
    if (mc?.satellites.some((s) => s.network === network)) {
      const { deployer } = await hre.getNamedAccounts();
      await deploySatelliteSide(
        {
          hre,
          deployer: await hre.ethers.getSigner(deployer),
          address: (ref) => {
            if (typeof ref === "string") return getAddress(ref);
            if (!isLocal) throw new Error(`No local signer for ${JSON.stringify(ref)}`);
            return signers[ref.account].address;
          },
          log: (m) => {
            if (process.env.DEPLOY_QUIET !== "true") console.log(`  ${m}`);
          },
        },
        mc,
        network,
      );
      return;
    }
  }
  const ctx = await loadContext(hre);
  if (!ctx.config.multichain) return;
  await deployHomeSide(ctx);
};
func.tags = ["multichain", "all"];
// No dependencies: on a satellite network `--tags multichain` must run this script alone (the home chain's
// scripts run before it by file order under tag all).
export default func;
