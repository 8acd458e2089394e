/**
 * Role holders of the fund: the Safes (or, on local networks, plain accounts) named by the config's
 * governance section, recorded as `RoleHolder.<role>` deployments.
 */
import { Contract, getAddress, id } from "ethers";
import type { DeployContext } from "./context";
import { ROLE_HOLDERS, type RoleHolder, type RoleHolderName } from "../config/types";
import { roleHolderThresholdProblems, type HolderThreshold } from "../config/validate";
import {
  createSafe,
  predictSafeAddress,
  deploySafeInfrastructureWithDeployments,
  safeArtifacts,
} from "../safe";

export function holderRecordName(role: RoleHolderName): string {
  return `RoleHolder.${role}`;
}

export interface HolderInfo {
  role: RoleHolderName;
  address: string;
  kind: "safe" | "account";
  owners: string[];
  threshold: number;
}

/** Owners and threshold of an existing Safe named by the config (read only). */
async function readExistingSafe(
  ctx: DeployContext,
  role: RoleHolderName,
  existingSafe: string,
): Promise<{ address: string; owners: string[]; threshold: number }> {
  const address = getAddress(existingSafe);
  const safe = new Contract(address, safeArtifacts.Safe.abi as never, ctx.deployer);
  try {
    const owners = (await safe.getOwners()) as string[];
    const threshold = Number(await safe.getThreshold());
    return { address, owners, threshold };
  } catch {
    throw new Error(`governance.${role}.existingSafe: ${address} is not a Safe on this network`);
  }
}

/**
 * Checks, before anything is sent, what the config validator cannot see: every `existingSafe` is a Safe on
 * this network, and the on-chain thresholds obey the same rules as new Safes' (at least 2; the admin's at
 * least the highest of the others). Throws one error listing every problem.
 */
export async function checkRoleHolders(ctx: DeployContext): Promise<void> {
  const gov = ctx.config.governance;
  const thresholds: Partial<Record<RoleHolderName, HolderThreshold>> = {};
  for (const role of ROLE_HOLDERS) {
    const holder: RoleHolder = gov[role];
    if ("safe" in holder) {
      thresholds[role] = { threshold: holder.safe.threshold, at: `governance.${role}.safe.threshold` };
    } else if ("existingSafe" in holder) {
      const { threshold } = await readExistingSafe(ctx, role, holder.existingSafe);
      thresholds[role] = { threshold, at: `governance.${role}.existingSafe` };
    }
  }
  const problems = roleHolderThresholdProblems(thresholds);
  if (problems.length > 0) {
    throw new Error(`role holders refused before deployment:\n  - ${problems.join("\n  - ")}`);
  }
}

/** The Safe (or account) of every role holder, created when the config asks for a new Safe. */
export async function ensureRoleHolders(ctx: DeployContext): Promise<Record<RoleHolderName, HolderInfo>> {
  const { deployments } = ctx.hre;
  const gov = ctx.config.governance;
  const needsInfra = ROLE_HOLDERS.some((r) => "safe" in gov[r]);
  const infra = needsInfra
    ? await deploySafeInfrastructureWithDeployments(deployments, ctx.deployer, {
        chainId: BigInt(ctx.chainId),
      })
    : undefined;
  const out = {} as Record<RoleHolderName, HolderInfo>;
  for (const role of ROLE_HOLDERS) {
    const holder: RoleHolder = gov[role];
    let info: HolderInfo;
    if ("safe" in holder) {
      const owners = holder.safe.owners.map((o) => ctx.address(o));
      // One salt per role and fund: the same config always yields the same Safe addresses.
      const salt = BigInt(id(`${ctx.config.fund.symbol}.${role}`));
      const predicted = await predictSafeAddress(
        infra!,
        owners,
        holder.safe.threshold,
        salt,
        ctx.deployer.provider,
      );
      const address =
        (await ctx.deployer.provider.getCode(predicted)) !== "0x"
          ? predicted
          : await createSafe(infra!, owners, holder.safe.threshold, salt, ctx.deployer);
      info = { role, address, kind: "safe", owners, threshold: holder.safe.threshold };
    } else if ("existingSafe" in holder) {
      const { address, owners, threshold } = await readExistingSafe(ctx, role, holder.existingSafe);
      info = { role, address, kind: "safe", owners, threshold };
    } else {
      info = { role, address: ctx.address(holder), kind: "account", owners: [], threshold: 1 };
    }
    await deployments.save(holderRecordName(role), {
      address: info.address,
      abi: info.kind === "safe" ? (safeArtifacts.Safe.abi as never[]) : [],
      linkedData: { role, kind: info.kind, owners: info.owners, threshold: info.threshold },
    });
    out[role] = info;
    ctx.log(
      `${role}: ${info.kind === "safe" ? `Safe ${info.threshold}-of-${info.owners.length}` : "account"} ${info.address}`,
    );
  }
  return out;
}

/** The recorded holder of `role`. */
export async function holder(ctx: DeployContext, role: RoleHolderName): Promise<HolderInfo> {
  const d = await ctx.hre.deployments.get(holderRecordName(role));
  const linked = d.linkedData as { kind: "safe" | "account"; owners: string[]; threshold: number };
  return { role, address: d.address, kind: linked.kind, owners: linked.owners, threshold: linked.threshold };
}
