/**
 * The settlement orchestrator's configuration for a Hardhat network, from that network's deployment records
 * (deployments/<network>/) and fund config: the RPC URL, DvPSettlement and the CCIP escrows with their first
 * block, the CCIP chain selector, the settlement agent's Safe and its owners. A JSON file given with `--config`
 * is merged over it (e.g. a payment chain on another network, the rail's account directory).
 */
import * as fs from "fs";
import * as path from "path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { getAddress } from "ethers";
import { deploymentBlock } from "../../lib/log-scan";
import { loadFundConfig, LOCAL_NETWORKS } from "../../lib/config/validate";
import {
  DEFAULT_SERVICE,
  validateConfig,
  type ChainSection,
  type OrchestratorConfig,
} from "../../services/orchestrator/service";
import { DEFAULT_POLICY } from "../../services/orchestrator/core";

/** Safe 1.4.1's MultiSendCallOnly at its canonical address (safe-deployments), used when it holds code. */
export const CANONICAL_MULTISEND_CALL_ONLY_141 = "0x9641d764fc13c8B624c04430C7356C1C7C8102e2";

export interface OrchestratorTaskOptions {
  railUrl?: string;
  journal?: string;
  proposalsDir?: string;
  /** JSON file merged over the built configuration. */
  config?: string;
  interval?: number;
  margin?: number;
  multiSend?: string;
  offline?: boolean;
}

/** Default journal of a network: .orchestrator/<network>/journal.jsonl. */
export function defaultJournal(network: string): string {
  return path.join(".orchestrator", network, "journal.jsonl");
}

function mergeChains(base: ChainSection[], extra: Partial<ChainSection>[] = []): ChainSection[] {
  const out = base.map((c) => ({ ...c }));
  for (const e of extra) {
    const i = out.findIndex((c) => c.name === e.name);
    if (i >= 0) out[i] = { ...out[i], ...e } as ChainSection;
    else out.push(e as ChainSection);
  }
  return out;
}

/** The configuration of the orchestrator for the connected network. */
export async function orchestratorConfigFor(
  hre: HardhatRuntimeEnvironment,
  o: OrchestratorTaskOptions = {},
): Promise<OrchestratorConfig> {
  const network = hre.network.name;
  const url = (hre.network.config as { url?: string }).url;
  if (!url) {
    throw new Error(
      `--network ${network} has no JSON-RPC URL: the orchestrator runs as its own process against a node ` +
        `(e.g. --network localhost with \`npx hardhat node\`) or a remote network`,
    );
  }
  const { deployments, ethers } = hre;
  const provider = ethers.provider;
  const chainId = Number((await provider.getNetwork()).chainId);
  const dvp = await deployments.getOrNull("DvPSettlement");
  if (!dvp)
    throw new Error(`no DvPSettlement recorded for ${network} (deployments/${network}/): deploy first`);
  const asset = await deployments.getOrNull("CrossChainAssetEscrow");
  const payment = await deployments.getOrNull("CrossChainPaymentEscrow");
  const starts = [await deploymentBlock(deployments, provider, "DvPSettlement")];
  if (asset) starts.push(await deploymentBlock(deployments, provider, "CrossChainAssetEscrow"));
  if (payment) starts.push(await deploymentBlock(deployments, provider, "CrossChainPaymentEscrow"));

  let ccipSelector: string | undefined;
  const simulator = await deployments.getOrNull("CCIPLocalSimulator");
  if (simulator) {
    const sim = await ethers.getContractAt("CCIPLocalSimulator", simulator.address);
    ccipSelector = (await sim.configuration()).chainSelector_.toString();
  } else if (asset) {
    const isLocal = LOCAL_NETWORKS.includes(network);
    const fundConfig = loadFundConfig(process.env.FUND_CONFIG ?? network, {
      chainId,
      isLocal,
      accountCount: (await ethers.getSigners()).length,
    });
    const ccip = fundConfig.settlement.ccip;
    if (ccip && "chainSelector" in ccip) ccipSelector = String(ccip.chainSelector);
  }

  const holder = await deployments.get("RoleHolder.settlementAgent");
  const linked = holder.linkedData as { owners: string[]; threshold: number; kind: string };
  if (linked.kind !== "safe")
    throw new Error("the settlement agent is not a Safe: the orchestrator acts through a Safe");

  let multiSend = o.multiSend;
  if (!multiSend) {
    const recorded = await deployments.getOrNull("MultiSendCallOnly");
    if (recorded) multiSend = recorded.address;
    else if ((await provider.getCode(CANONICAL_MULTISEND_CALL_ONLY_141)) !== "0x") {
      multiSend = CANONICAL_MULTISEND_CALL_ONLY_141;
    }
  }

  const base: OrchestratorConfig = {
    journal: o.journal ?? defaultJournal(network),
    proposalsDir: o.proposalsDir ?? path.join("proposals", network, "settlement"),
    pollIntervalMs: o.interval ?? DEFAULT_SERVICE.pollIntervalMs,
    policy: { ...DEFAULT_POLICY, ...(o.margin !== undefined ? { instructMarginSeconds: o.margin } : {}) },
    rail: o.railUrl ? { url: o.railUrl } : undefined,
    chains: [
      {
        name: network,
        rpcUrl: url,
        chainId,
        ccipSelector,
        dvp: dvp.address,
        assetEscrow: asset?.address,
        paymentEscrow: payment?.address,
        startBlock: Math.min(...starts),
        // A local node's accounts are unlocked: the first owner of the agent's Safe sends, unless a key is given.
        sender: LOCAL_NETWORKS.includes(network) ? getAddress(linked.owners[0]) : undefined,
      },
    ],
    safe: {
      address: holder.address,
      chain: network,
      owners: linked.owners.map(getAddress),
      multiSendCallOnly: multiSend,
      mode: o.offline ? "propose" : "auto",
    },
  };
  if (!o.config) return validateConfig(base);
  const extra = JSON.parse(fs.readFileSync(o.config, "utf8")) as Partial<OrchestratorConfig> & {
    chains?: Partial<ChainSection>[];
  };
  // The file goes over what the records say; options given on the command line go over the file.
  return validateConfig({
    ...base,
    ...extra,
    ...(o.journal !== undefined ? { journal: o.journal } : {}),
    ...(o.proposalsDir !== undefined ? { proposalsDir: o.proposalsDir } : {}),
    ...(o.interval !== undefined ? { pollIntervalMs: o.interval } : {}),
    policy: {
      ...base.policy,
      ...(extra.policy ?? {}),
      ...(o.margin !== undefined ? { instructMarginSeconds: o.margin } : {}),
    },
    rail: o.railUrl ? { ...extra.rail, url: o.railUrl } : (extra.rail ?? base.rail),
    safe: {
      ...base.safe!,
      ...(extra.safe ?? {}),
      ...(o.multiSend ? { multiSendCallOnly: o.multiSend } : {}),
      ...(o.offline ? { mode: "propose" as const } : {}),
    },
    chains: mergeChains(base.chains, extra.chains),
  });
}
