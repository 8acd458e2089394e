/**
 * The remote networks of hardhat.config.ts. Each exists only when its RPC URL variable is set, so that nothing
 * secret is committed; asking for one whose variable is missing fails with a message naming the variable
 * (Hardhat alone would only say that the network does not exist).
 */

/** Network name -> the environment variable holding its RPC URL, and its chain id. */
export const REMOTE_NETWORKS: Record<string, { urlVar: string; chainId: number }> = {
  sepolia: { urlVar: "SEPOLIA_RPC_URL", chainId: 11155111 },
  mainnet: { urlVar: "MAINNET_RPC_URL", chainId: 1 },
  base: { urlVar: "BASE_RPC_URL", chainId: 8453 },
  arbitrum: { urlVar: "ARBITRUM_RPC_URL", chainId: 42161 },
};

export interface RemoteNetworkConfig {
  url: string;
  chainId: number;
  accounts: string[];
}

/** The remote networks whose RPC URL is set, with the deployer key when `DEPLOYER_PRIVATE_KEY` is set. */
export function remoteNetworks(env: NodeJS.ProcessEnv): Record<string, RemoteNetworkConfig> {
  const key = env.DEPLOYER_PRIVATE_KEY;
  const networks: Record<string, RemoteNetworkConfig> = {};
  for (const [name, { urlVar, chainId }] of Object.entries(REMOTE_NETWORKS)) {
    const url = env[urlVar];
    if (url) networks[name] = { url, chainId, accounts: key ? [key] : [] };
  }
  return networks;
}

/** The network Hardhat was asked for: `--network <name>` (Hardhat's only form), else `HARDHAT_NETWORK`. */
export function requestedNetwork(argv: string[], env: NodeJS.ProcessEnv): string | undefined {
  const i = argv.indexOf("--network");
  return i >= 0 ? argv[i + 1] : env.HARDHAT_NETWORK;
}

/** Why the requested network cannot be used, or undefined: a known remote network whose RPC URL is not set. */
export function missingNetworkProblem(argv: string[], env: NodeJS.ProcessEnv): string | undefined {
  const name = requestedNetwork(argv, env);
  if (name === undefined || !(name in REMOTE_NETWORKS)) return undefined;
  const { urlVar } = REMOTE_NETWORKS[name];
  if (env[urlVar]) return undefined;
  return (
    `--network ${name}: set ${urlVar} to the network's RPC URL (README, Networks); ` +
    `DEPLOYER_PRIVATE_KEY signs deployments when set`
  );
}
