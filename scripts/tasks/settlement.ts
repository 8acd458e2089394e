/**
 * The settlement orchestrator's tasks (docs/SETTLEMENT.md, "The settlement orchestrator"; docs/OPERATIONS.md):
 *
 *   npx hardhat settlement:orchestrate --network <net> --rail-url <url>   (npm run orchestrator -- --network <net> ...)
 *   npx hardhat settlement:status --network <net> [--all] [--json]
 *
 * Thin wrappers: the configuration comes from scripts/lib/settlement-orchestrator.ts, the service and the status
 * from services/orchestrator.
 */
import { task, types } from "hardhat/config";
// Loaded inside the actions: the orchestrator's modules import the TypeChain factories, which do not exist before the
// first compile, and hardhat.config.ts loads this file on a fresh clone before anything is compiled.
import type { OrchestratorTaskOptions } from "../lib/settlement-orchestrator";
import { TaskInputError, say } from "./context";

interface OrchestrateArgs extends Omit<OrchestratorTaskOptions, "config"> {
  orchestratorConfig?: string;
  printConfig: boolean;
}

function configOptions(args: OrchestrateArgs | StatusArgs): OrchestratorTaskOptions {
  return {
    railUrl: "railUrl" in args ? args.railUrl : undefined,
    journal: args.journal,
    proposalsDir: "proposalsDir" in args ? args.proposalsDir : undefined,
    config: args.orchestratorConfig,
    interval: "interval" in args ? args.interval : undefined,
    margin: "margin" in args ? args.margin : undefined,
    multiSend: "multiSend" in args ? args.multiSend : undefined,
    offline: "offline" in args ? args.offline : undefined,
  };
}

interface StatusArgs {
  journal?: string;
  orchestratorConfig?: string;
  all: boolean;
  json: boolean;
}

export function registerSettlementTasks(): void {
  task(
    "settlement:orchestrate",
    "Runs the settlement orchestrator: watches DvPSettlement and the CCIP escrows, instructs payments on the rail, " +
      "settles through the settlement agent's Safe (until SIGTERM or Ctrl-C)",
  )
    .addOptionalParam("railUrl", "Base URL of the payment rail's HTTP API (services/bank-rail)")
    .addOptionalParam("journal", "Journal file (default .orchestrator/<network>/journal.jsonl)")
    .addOptionalParam(
      "proposalsDir",
      "Where Safe proposals for offline owners go (default proposals/<network>/settlement)",
    )
    .addOptionalParam(
      "orchestratorConfig",
      "JSON file merged over the configuration built from the deployment records",
    )
    .addOptionalParam("interval", "Milliseconds between rounds (default 1000)", undefined, types.int)
    .addOptionalParam(
      "margin",
      "Seconds before a deadline after which no payment is instructed (default 3600)",
      undefined,
      types.int,
    )
    .addOptionalParam("multiSend", "Safe's MultiSendCallOnly address, to batch the Safe's calls of a round")
    .addFlag("offline", "Write Safe proposals for the owners even when their keys are local")
    .addFlag("printConfig", "Print the configuration and exit")
    .setAction(async (args: OrchestrateArgs, hre) => {
      let config;
      try {
        config = await (
          await import("../lib/settlement-orchestrator")
        ).orchestratorConfigFor(hre, configOptions(args));
      } catch (e) {
        throw new TaskInputError((e as Error).message);
      }
      if (args.printConfig) {
        say(JSON.stringify(config, null, 2));
        return config;
      }
      const { runService } = await import("../../services/orchestrator/service");
      await runService(config, (line) => say(`[${new Date().toISOString()}] ${line}`));
      return undefined;
    });

  task(
    "settlement:status",
    "Lists settlement trades by state, what the orchestrator waits for and what is stuck (chain + journal)",
  )
    .addOptionalParam("journal", "Journal file (default .orchestrator/<network>/journal.jsonl)")
    .addOptionalParam(
      "orchestratorConfig",
      "JSON file merged over the configuration built from the deployment records",
    )
    .addFlag("all", "Also list finished trades")
    .addFlag("json", "Print JSON")
    .setAction(async (args: StatusArgs, hre) => {
      let config;
      try {
        config = await (
          await import("../lib/settlement-orchestrator")
        ).orchestratorConfigFor(hre, configOptions(args));
      } catch (e) {
        throw new TaskInputError((e as Error).message);
      }
      const { settlementStatus, formatStatus } = await import("../../services/orchestrator/status");
      const status = await settlementStatus(config, { all: args.all });
      if (args.json) say(JSON.stringify(status, null, 2));
      else for (const line of formatStatus(status)) say(line);
      return status;
    });
}
