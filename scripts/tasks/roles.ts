/**
 * `roles:show`: who governs the fund, read from the AccessManager. For every role: its admin and guardian, the
 * grant delay, each member (from the RoleGranted/RoleRevoked history, checked with `hasRole`) with its
 * execution delay and, for a Safe, its owners and threshold; and the functions wired to it (from the
 * TargetFunctionRoleUpdated history). The wiring is compared with lib/deploy/roles.ts, function by function,
 * with `getTargetFunctionRole`.
 */
import { task } from "hardhat/config";
import { Contract, Interface, getAddress, type InterfaceAbi } from "ethers";
import { DEPLOYMENT_ROLES, ROLE_IDS, type FunctionRoles, type RoleName } from "../../lib/deploy/roles";
import { accessManagerInterface } from "../../lib/governance";
import { safeArtifacts } from "../../lib/safe";
import { scanLogs, deploymentBlock } from "../../lib/log-scan";
import { OpsContext, duration, runTask, say } from "./context";
import { roleLabel } from "./execute";

/** The role map of lib/deploy/roles.ts for each recorded deployment it covers. */
export const EXPECTED_FUNCTION_ROLES: Readonly<Record<string, FunctionRoles>> = DEPLOYMENT_ROLES;

export interface RoleMember {
  address: string;
  /** "issuer Safe", a deployment name, or "account". */
  label: string;
  /** Whether the grant is effective now. */
  active: boolean;
  executionDelay: bigint;
  safe?: { owners: string[]; threshold: number };
}

export interface RoleReport {
  id: bigint;
  name: string;
  admin: string;
  guardian: string;
  grantDelay: bigint;
  members: RoleMember[];
  /** `Contract.function` wired to the role on chain. */
  functions: string[];
}

export interface RolesReport {
  roles: RoleReport[];
  /** Differences between the chain and lib/deploy/roles.ts ("FundToken.pause: chain GUARDIAN, roles.ts ISSUER"). */
  mismatches: string[];
  /** Admin delay of each target that has one. */
  targetAdminDelays: Record<string, bigint>;
}

const safeInterface = new Interface(safeArtifacts.Safe.abi);

async function safeInfo(ctx: OpsContext, address: string): Promise<RoleMember["safe"]> {
  const provider = ctx.hre.ethers.provider;
  if ((await provider.getCode(address)) === "0x") return undefined;
  try {
    const safe = new Contract(address, safeInterface, provider);
    const [owners, threshold] = await Promise.all([safe.getOwners(), safe.getThreshold()]);
    return { owners: (owners as string[]).map(getAddress), threshold: Number(threshold) };
  } catch {
    return undefined;
  }
}

/** Reads the governance of the fund from the AccessManager (see the module comment) and prints it. */
export async function showRoles(ctx: OpsContext): Promise<RolesReport> {
  const { hre, fund } = ctx;
  const provider = hre.ethers.provider;
  const manager = fund.contracts.manager;
  const managerAddress = await manager.getAddress();
  const toBlock = await provider.getBlockNumber();
  const logs = await scanLogs(provider, managerAddress, {
    fromBlock: await deploymentBlock(hre.deployments, provider, "AccessManager"),
    toBlock,
  });

  const members = new Map<bigint, Set<string>>();
  const wiring = new Map<string, bigint>(); // "target|selector" -> role
  for (const log of logs) {
    const event = accessManagerInterface.parseLog(log);
    if (!event) continue;
    if (event.name === "RoleGranted") {
      const id = event.args.roleId as bigint;
      members.set(id, (members.get(id) ?? new Set()).add(getAddress(event.args.account as string)));
    } else if (event.name === "RoleRevoked") {
      members.get(event.args.roleId as bigint)?.delete(getAddress(event.args.account as string));
    } else if (event.name === "TargetFunctionRoleUpdated") {
      wiring.set(
        `${getAddress(event.args.target as string)}|${event.args.selector}`,
        event.args.roleId as bigint,
      );
    }
  }

  // Interfaces of recorded contracts, to name selectors.
  const records = await hre.deployments.all();
  const interfaces = new Map<string, Interface>();
  for (const d of Object.values(records)) {
    if (Array.isArray(d.abi) && d.abi.length > 0)
      interfaces.set(getAddress(d.address), new Interface(d.abi as InterfaceAbi));
  }
  const fnName = (target: string, selector: string) =>
    `${ctx.names.get(target) ?? target}.${interfaces.get(target)?.getFunction(selector)?.name ?? selector}`;

  const holderLabel = new Map<string, string>();
  for (const [name, d] of Object.entries(records)) {
    if (name.startsWith("RoleHolder.")) {
      const role = name.slice("RoleHolder.".length);
      const address = getAddress(d.address);
      holderLabel.set(address, holderLabel.has(address) ? `${holderLabel.get(address)}/${role}` : role);
    }
  }

  const ids = new Set<bigint>([...Object.values(ROLE_IDS), ...members.keys(), ...wiring.values()]);
  const roles: RoleReport[] = [];
  for (const id of [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const [admin, guardian, grantDelay] = await Promise.all([
      manager.getRoleAdmin(id),
      manager.getRoleGuardian(id),
      manager.getRoleGrantDelay(id),
    ]);
    const list: RoleMember[] = [];
    for (const address of members.get(id) ?? []) {
      const [active, executionDelay] = await manager.hasRole(id, address);
      const safe = await safeInfo(ctx, address);
      const holder = holderLabel.get(address);
      const label = holder
        ? `${holder} ${safe ? "Safe" : "account"}`
        : (ctx.names.get(address) ?? (safe ? "Safe" : "account"));
      list.push({ address, label, active, executionDelay, safe });
    }
    const functions = [...wiring.entries()]
      .filter(([, role]) => role === id)
      .map(([key]) => {
        const [target, selector] = key.split("|");
        return fnName(target, selector);
      })
      .sort();
    roles.push({
      id,
      name: roleLabel(id),
      admin: roleLabel(admin),
      guardian: roleLabel(guardian),
      grantDelay,
      members: list,
      functions,
    });
  }

  const mismatches: string[] = [];
  for (const [name, map] of Object.entries(EXPECTED_FUNCTION_ROLES)) {
    const record = records[name];
    if (!record) continue;
    const target = getAddress(record.address);
    const iface = interfaces.get(target);
    for (const [role, fns] of Object.entries(map) as [RoleName, string[]][]) {
      for (const fn of fns) {
        const fragment = iface?.getFunction(fn);
        if (!fragment) {
          mismatches.push(`${name}.${fn}: not in the deployed ABI (lib/deploy/roles.ts says ${role})`);
          continue;
        }
        const onChain = await manager.getTargetFunctionRole(target, fragment.selector);
        if (onChain !== ROLE_IDS[role]) {
          mismatches.push(
            `${name}.${fn}: wired to ${roleLabel(onChain)} on chain, lib/deploy/roles.ts says ${role}`,
          );
        }
      }
    }
  }

  const targetAdminDelays: Record<string, bigint> = {};
  for (const name of Object.keys(EXPECTED_FUNCTION_ROLES)) {
    if (!records[name]) continue;
    const delay = await manager.getTargetAdminDelay(records[name].address);
    if (delay > 0n) targetAdminDelays[name] = delay;
  }

  say(`AccessManager ${managerAddress} on ${ctx.network} (history to block ${toBlock})`);
  for (const r of roles) {
    if (r.name === "PUBLIC") continue;
    say(
      `${r.name} (${r.id}): admin ${r.admin}, guardian ${r.guardian}, grant delay ${duration(r.grantDelay)}`,
    );
    if (r.members.length === 0) say("  holders: none");
    for (const m of r.members) {
      const safe = m.safe
        ? `, ${m.safe.threshold} of ${m.safe.owners.length} owners: ${m.safe.owners.join(", ")}`
        : "";
      say(
        `  holder ${m.label} ${m.address}: execution delay ${duration(m.executionDelay)}` +
          `${m.active ? "" : " (grant not yet effective)"}${safe}`,
      );
    }
    if (r.functions.length > 0) say(`  functions: ${r.functions.join(", ")}`);
  }
  for (const [name, delay] of Object.entries(targetAdminDelays))
    say(`admin delay of ${name}: ${duration(delay)}`);
  if (mismatches.length === 0) say("Function wiring matches lib/deploy/roles.ts.");
  else {
    say(`${mismatches.length} difference(s) with lib/deploy/roles.ts:`);
    for (const m of mismatches) say(`  ${m}`);
  }
  return { roles, mismatches, targetAdminDelays };
}

export function registerRoleTasks(): void {
  task(
    "roles:show",
    "Shows every role, its holders (Safe owners, threshold), delays, guardian and functions",
  ).setAction((_args, hre) => runTask(hre, (ctx) => showRoles(ctx)));
}
