import type { DeployFunction } from "hardhat-deploy/types";
import { loadContext } from "../../lib/deploy/context";
import { accessManager } from "../../lib/deploy/deploy";
import { holder } from "../../lib/deploy/holders";
import { pendingLanes } from "../../lib/deploy/multichain-deploy";
import { ROLE_IDS, type RoleName } from "../../lib/deploy/roles";
import type { RoleHolderName } from "../../lib/config/types";

/** Which config holder receives each role, and with which execution delay. */
function grants(delays: { issuer: number; admin: number }): [RoleName, RoleHolderName, number][] {
  return [
    ["ISSUER", "issuer", delays.issuer],
    ["TRANSFER_AGENT", "transferAgent", 0],
    ["MINTER", "transferAgent", 0],
    ["COMPLIANCE_OFFICER", "complianceOfficer", 0],
    ["GUARDIAN", "guardian", 0],
    ["NAV_PUBLISHER", "navPublisher", 0],
    ["SETTLEMENT_AGENT", "settlementAgent", 0],
    // Last: once the admin Safe holds ADMIN the deployer renounces it.
    ["ADMIN", "admin", delays.admin],
  ];
}

/**
 * Hands the fund over to its Safes: every role to its holder with its execution delay, the guardian as
 * guardian of the delayed issuer role, grant delays on every role, and finally the deployer renounces ADMIN.
 */
const func: DeployFunction = async (hre) => {
  const ctx = await loadContext(hre);
  const manager = await accessManager(ctx);
  const delays = ctx.config.governance.delays;
  const [deployerIsAdmin] = await manager.hasRole(ROLE_IDS.ADMIN, ctx.deployer.address);
  // Issue 18: a fund on several chains is handed over once the home pool links every satellite of the config
  // (linking needs ADMIN); until then each run of the home deployment links the satellites deployed since.
  const pending = deployerIsAdmin ? await pendingLanes(ctx) : [];
  if (pending.length > 0) {
    ctx.log(
      `handover deferred: the home pool does not link ${pending.join(", ")} yet (deploy it, then run again)`,
    );
    return;
  }

  for (const [role, holderName, delay] of grants(delays)) {
    const h = await holder(ctx, holderName);
    const [member, currentDelay] = await manager.hasRole(ROLE_IDS[role], h.address);
    if (member) {
      if (Number(currentDelay) !== delay)
        ctx.log(`warning: ${role} holder ${h.address} has delay ${currentDelay} s, config says ${delay} s`);
      continue;
    }
    if (!deployerIsAdmin)
      throw new Error(
        `${role} is not granted to ${holderName} (${h.address}) and the deployer is no longer ADMIN`,
      );
    await (await manager.grantRole(ROLE_IDS[role], h.address, delay)).wait();
    ctx.log(`AccessManager: ${role} -> ${holderName} ${h.address} (delay ${delay} s)`);
  }
  if (!deployerIsAdmin) return;

  if ((await manager.getRoleGuardian(ROLE_IDS.ISSUER)) !== ROLE_IDS.GUARDIAN) {
    await (await manager.setRoleGuardian(ROLE_IDS.ISSUER, ROLE_IDS.GUARDIAN)).wait();
    ctx.log("AccessManager: GUARDIAN may cancel scheduled ISSUER operations");
  }
  for (const role of Object.keys(ROLE_IDS) as RoleName[]) {
    if (role === "ADMIN" || role === "PUBLIC") continue;
    if ((await manager.getRoleGrantDelay(ROLE_IDS[role])) !== BigInt(delays.roleGrant)) {
      await (await manager.setGrantDelay(ROLE_IDS[role], delays.roleGrant)).wait();
    }
  }
  await (await manager.renounceRole(ROLE_IDS.ADMIN, ctx.deployer.address)).wait();
  ctx.log("AccessManager: deployer renounced ADMIN; the admin Safe governs from now on");
};
func.tags = ["handover", "all"];
func.dependencies = [
  "governance",
  "identity",
  "identity-sources",
  "compliance",
  "oracles",
  "token",
  "stablecoins",
  "fund",
  "settlement",
  "wrapper",
  "vaults",
];
// Not "multichain": on a satellite network that script runs alone (10_multichain.ts), and on the home network it
// runs before this one under tag all.
// The handover must run after every other script (hardhat-deploy runs files in name order).
func.runAtTheEnd = true;
export default func;
