import type { DeployFunction } from "hardhat-deploy/types";
import { getAddress } from "ethers";
import { loadContext } from "../../lib/deploy/context";
import { deployPlain } from "../../lib/deploy/deploy";

/** The stablecoins subscriptions accept: existing tokens are recorded, mocks are deployed on local networks. */
const func: DeployFunction = async (hre) => {
  const ctx = await loadContext(hre);
  for (const coin of ctx.config.stablecoins) {
    const name = `Stablecoin.${coin.symbol}`;
    if ("address" in coin) {
      const artifact = await hre.artifacts.readArtifact("IERC20Metadata");
      await hre.deployments.save(name, { address: getAddress(coin.address), abi: artifact.abi });
      ctx.log(`${name}: existing token ${coin.address}`);
    } else {
      await deployPlain(ctx, name, "MockStablecoin", [
        `Mock ${coin.symbol}`,
        coin.symbol,
        coin.deployMock.decimals,
        ctx.deployer.address,
      ]);
    }
  }
};
func.tags = ["stablecoins", "all"];
export default func;
