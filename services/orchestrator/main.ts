/**
 * Runs the orchestrator from a configuration file, without Hardhat:
 *
 *   node -r ts-node/register/transpile-only services/orchestrator/main.ts --config orchestrator.json
 *
 * The file is an {@link OrchestratorConfig} (services/orchestrator/service.ts); `npx hardhat settlement:orchestrate
 * --network <net> --print-config` prints the one built from a network's deployment records. Keys come from
 * ORCHESTRATOR_OWNER_KEYS and ORCHESTRATOR_SENDER_KEY (or the node's unlocked accounts).
 */
import * as fs from "fs";
import { runService, validateConfig } from "./service";

async function main(): Promise<void> {
  const i = process.argv.indexOf("--config");
  const file = i >= 0 ? process.argv[i + 1] : undefined;
  if (!file) throw new Error("usage: main.ts --config <orchestrator.json>");
  const config = validateConfig(JSON.parse(fs.readFileSync(file, "utf8")));
  await runService(config, (line) => console.log(`[${new Date().toISOString()}] ${line}`));
}

main().catch((e: unknown) => {
  console.error(`orchestrator: ${(e as Error).message}`);
  process.exit(1);
});
