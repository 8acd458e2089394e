/**
 * The transfer agent's and issuer's Hardhat tasks (`npx hardhat <task> --network <net>`), one module per
 * concern; docs/OPERATIONS.md is the runbook. Imported once by hardhat.config.ts. The modules' plain
 * functions (e.g. `addInvestor(ctx, args)` with a context from `loadOpsContext(hre)`) can be called without
 * the CLI.
 */
import { registerInvestorTasks } from "./investors";
import { registerTokenTasks } from "./token";
import { registerNavTasks } from "./nav";
import { registerComplianceTasks } from "./compliance";
import { registerRoleTasks } from "./roles";
import { registerCapTableTasks } from "./captable";
import { registerRedemptionTasks } from "./redemptions";
import { registerRegistryTasks } from "./registry";
import { registerBridgeTasks } from "./bridge";
import { registerSourceTasks } from "./sources";
import { registerSafeTasks } from "./safe";
import { registerGovernanceTasks } from "./governance";
import { registerSettlementTasks } from "./settlement";
import { registerValuesTasks } from "./values";

registerInvestorTasks();
registerTokenTasks();
registerNavTasks();
registerComplianceTasks();
registerRoleTasks();
registerCapTableTasks();
registerRedemptionTasks();
registerRegistryTasks();
registerBridgeTasks();
registerSourceTasks();
registerSafeTasks();
registerGovernanceTasks();
registerSettlementTasks();
registerValuesTasks();
