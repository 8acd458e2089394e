/**
 * What every deploy script needs: the validated fund config of the network, the deployer, and helpers to
 * resolve config references (Hardhat account indexes on local networks, addresses elsewhere).
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { getAddress } from "ethers";
import { loadFundConfig, validateFundConfig, LOCAL_NETWORKS } from "../config/validate";
import type { AccountRef, FundConfig } from "../config/types";

export interface DeployContext {
  hre: HardhatRuntimeEnvironment;
  network: string;
  chainId: number;
  isLocal: boolean;
  config: FundConfig;
  deployer: HardhatEthersSigner;
  signers: HardhatEthersSigner[];
  /** The address of an account reference. */
  address(ref: AccountRef | number): string;
  /** The local signer of an account reference (local networks only). */
  signer(ref: AccountRef | number): HardhatEthersSigner;
  log(message: string): void;
}

let override: unknown;

/**
 * Makes the deploy scripts use `raw` (validated like a file) instead of deploy/config/<network>.ts. Tests of
 * config variants use it; pass undefined to go back to the file.
 */
export function setFundConfigOverride(raw: unknown): void {
  override = raw;
}

export async function loadContext(hre: HardhatRuntimeEnvironment): Promise<DeployContext> {
  const network = hre.network.name;
  const chainId = Number((await hre.ethers.provider.getNetwork()).chainId);
  const isLocal = LOCAL_NETWORKS.includes(network);
  const signers = await hre.ethers.getSigners();
  const ctx = { chainId, isLocal, accountCount: signers.length };
  const config =
    override !== undefined
      ? validateFundConfig(override, { network, ...ctx })
      : loadFundConfig(process.env.FUND_CONFIG ?? network, ctx);
  const { deployer } = await hre.getNamedAccounts();
  const deployerSigner = await hre.ethers.getSigner(deployer);
  const quiet = process.env.DEPLOY_QUIET === "true";
  const signer = (ref: AccountRef | number): HardhatEthersSigner => {
    const index = typeof ref === "number" ? ref : typeof ref === "object" ? ref.account : undefined;
    if (index === undefined || !isLocal) throw new Error(`No local signer for ${JSON.stringify(ref)}`);
    const s = signers[index];
    if (!s) throw new Error(`Hardhat account ${index} does not exist (${signers.length} accounts)`);
    return s;
  };
  return {
    hre,
    network,
    chainId,
    isLocal,
    config,
    deployer: deployerSigner,
    signers,
    address: (ref) => (typeof ref === "string" ? getAddress(ref) : signer(ref).address),
    signer,
    log: (message) => {
      if (!quiet) console.log(`  ${message}`);
    },
  };
}
