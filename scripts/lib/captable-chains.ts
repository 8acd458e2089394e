/**
 * Issue 18 (docs/MULTICHAIN.md): `captable:export --chains`, the cap table of a fund across every network of its
 * deployment (the home chain's fund config, `FundConfig.multichain`): per chain and consolidated, shares and
 * amounts, and each satellite's supply reconciled with the shares the home pool locked for it. Each chain's token
 * and pool come from that network's deployment records (deploy script 10_multichain) and are read through that
 * network's provider: hardhat-deploy's companion network of the same name, or this network when it hosts the chain.
 */
import * as fs from "fs";
import * as path from "path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { BrowserProvider, type ContractRunner, type Eip1193Provider } from "ethers";
import type { MultichainConfig } from "../../lib/deploy/multichain-config";
import { satelliteRecord } from "../../lib/deploy/multichain-deploy";
import { capTableAcrossChains, type ConsolidatedCapTable } from "../../lib/bridge";
import type { FundBurnMintPool, FundLockReleasePool, IFundToken } from "../../typechain-types";

type Companions = Record<
  string,
  { deployments: HardhatRuntimeEnvironment["deployments"]; provider: unknown }
>;

/** A network's records and a provider to read it: its companion network, or this network (it hosts the chain). */
function chainAccess(hre: HardhatRuntimeEnvironment, network: string) {
  const companion = (hre as unknown as { companionNetworks?: Companions }).companionNetworks?.[network];
  if (network === hre.network.name || !companion)
    return { records: hre.deployments, runner: hre.ethers.provider as ContractRunner };
  return {
    records: companion.deployments,
    runner: new BrowserProvider(companion.provider as Eip1193Provider) as ContractRunner,
  };
}

/** The cap table across the deployment `mc`, read from each chain's records. */
export async function deploymentCapTable(
  hre: HardhatRuntimeEnvironment,
  mc: MultichainConfig,
): Promise<ConsolidatedCapTable> {
  const { ethers } = hre;
  const home = chainAccess(hre, mc.home.network);
  const record = async (records: typeof hre.deployments, name: string, network: string) => {
    const d = await records.getOrNull(name);
    if (!d) throw new Error(`captable: no record ${name} of network ${network} (is it deployed?)`);
    return d.address;
  };
  const homeToken = (await ethers.getContractAt(
    "IFundToken",
    await record(home.records, "FundToken", mc.home.network),
  )) as unknown as IFundToken;
  const homePool = (await ethers.getContractAt(
    "FundLockReleasePool",
    await record(home.records, "FundLockReleasePool", mc.home.network),
  )) as unknown as FundLockReleasePool;
  const satellites = [];
  for (const s of mc.satellites) {
    const access = chainAccess(hre, s.network);
    const token = (await ethers.getContractAt(
      "IFundToken",
      await record(access.records, satelliteRecord(s.network, "FundToken"), s.network),
    )) as unknown as IFundToken;
    const pool = (await ethers.getContractAt(
      "FundBurnMintPool",
      await record(access.records, satelliteRecord(s.network, "FundBurnMintPool"), s.network),
    )) as unknown as FundBurnMintPool;
    satellites.push({
      chain: s.network,
      selector: BigInt(s.chainSelector),
      token: token.connect(access.runner) as IFundToken,
      pool: pool.connect(access.runner) as FundBurnMintPool,
    });
  }
  return capTableAcrossChains(
    {
      token: homeToken.connect(home.runner) as IFundToken,
      pool: homePool.connect(home.runner) as FundLockReleasePool,
      name: mc.home.network,
    },
    satellites,
  );
}

/** Header of the cross-chain cap table CSV. */
export const CHAINS_CAP_TABLE_COLUMNS = ["scope", "chain", "wallet", "shares", "amount"];

/**
 * The cross-chain cap table as CSV: a `chain` row per holder and chain, an `all` row per holder over every chain,
 * a `supply` row per chain (total shares and supply, pools included) and a `reconciliation` row per satellite
 * (wallet column: the shares the home pool locked for it; shares: the satellite's total shares; amount: the
 * difference in shares, in flight between the two).
 */
export function chainsCapTableCsv(t: ConsolidatedCapTable, amount: (v: bigint) => string): string {
  const lines = [CHAINS_CAP_TABLE_COLUMNS.join(",")];
  for (const c of t.chains)
    for (const h of c.holders) lines.push(["chain", c.chain, h.wallet, h.shares, amount(h.amount)].join(","));
  for (const h of t.consolidated) lines.push(["all", "", h.wallet, h.shares, amount(h.amount)].join(","));
  for (const c of t.chains)
    lines.push(
      ["supply", c.chain, "", c.totalShares, amount((c.totalShares * c.index) / 10n ** 18n)].join(","),
    );
  for (const r of t.reconciliation)
    lines.push(
      [
        "reconciliation",
        r.chain,
        `locked ${r.lockedOnHome}`,
        r.satelliteShares,
        `in flight ${r.difference}`,
      ].join(","),
    );
  return lines.join("\n") + "\n";
}

/** Writes the cross-chain cap table to `out`. */
export async function exportChainsCapTable(
  hre: HardhatRuntimeEnvironment,
  mc: MultichainConfig,
  out: string,
  amount: (v: bigint) => string,
): Promise<ConsolidatedCapTable> {
  const table = await deploymentCapTable(hre, mc);
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, chainsCapTableCsv(table, amount));
  return table;
}
