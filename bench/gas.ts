/**
 * The gas benchmark: the fund suite, T-REX 4.1.6 and a plain OpenZeppelin ERC-20 measured in one Hardhat
 * run, written to bench/results/gas.md (table with ratios) and bench/results/gas.json
 * (`{ "<operation>": { "ours": n, "trex": n|null, "erc20": n|null } }`).
 *
 *   npm run bench
 */
import * as fs from "fs";
import * as path from "path";
import { measureErc20, ERC20_NOT_APPLICABLE } from "./erc20";
import { measureTrex, TREX_NOT_APPLICABLE } from "./trex";
import { measureFund } from "./fund";
import { measureBridgeBaseline, measureBridgeFund } from "./bridge";
import {
  assertGasRecord,
  formatComparisonTable,
  formatGas,
  OPERATION_KEYS,
  OPERATION_LABELS,
  SUITE_NAMES,
} from "./operations";

const RESULTS = path.join(__dirname, "results");

async function main(): Promise<void> {
  const started = Date.now();
  const fundGas = await measureFund();
  const trex = assertGasRecord(SUITE_NAMES.trex, await measureTrex());
  const erc20Gas = await measureErc20();
  // Last: the two-chain fixture deploys the fund again through hardhat-deploy (isolated, reverted afterwards).
  const bridge = await measureBridgeFund();
  const bridgeBaseline = await measureBridgeBaseline();
  const ours = assertGasRecord(SUITE_NAMES.fund, {
    ...fundGas,
    bridge_send: bridge.bridge_send,
    bridge_receive: bridge.bridge_receive,
  });
  const erc20 = assertGasRecord(SUITE_NAMES.erc20, { ...erc20Gas, ...bridgeBaseline });

  const json = Object.fromEntries(
    OPERATION_KEYS.map((key) => [key, { ours: ours[key], trex: trex[key], erc20: erc20[key] }]),
  );
  const md = [
    "# Gas benchmark",
    "",
    "Receipt `gasUsed` of one transaction per operation (21,000 base included), measured in one in-process",
    "Hardhat run by `npm run bench` (bench/gas.ts). The fund suite is deployed by its deploy scripts",
    "(deploy/config/hardhat.ts); T-REX 4.1.6 by its own factory from its npm artifacts; the ERC-20 is",
    "OpenZeppelin's. See bench/README.md for what each operation measures and the caveats.",
    "",
    formatComparisonTable(ours, trex, erc20),
    "## Operations",
    "",
    ...OPERATION_KEYS.map((key) => `- \`${key}\`: ${OPERATION_LABELS[key]}`),
    "",
    "## Not applicable",
    "",
    ...Object.entries(TREX_NOT_APPLICABLE).map(([k, why]) => `- ${SUITE_NAMES.trex}, \`${k}\`: ${why}`),
    ...Object.entries(ERC20_NOT_APPLICABLE).map(([k, why]) => `- ${SUITE_NAMES.erc20}, \`${k}\`: ${why}`),
    "",
    "## Cross-chain transfers (issue 18)",
    "",
    `Satellite (burn/mint): send ${formatGas(bridge.bridge_send)}, arrival ${formatGas(bridge.bridge_receive)}; ` +
      `home (lock/release): send ${formatGas(bridge.homeSend)}, arrival ${formatGas(bridge.homeReceive)}. ` +
      `Baseline (Chainlink BurnMintERC20 + BurnMintTokenPool): send ${formatGas(bridgeBaseline.bridge_send)}, ` +
      `arrival ${formatGas(bridgeBaseline.bridge_receive)}. The LocalCcipLane's own work (message storage, ` +
      "balance checks) is in every figure; see docs/MULTICHAIN.md.",
    "",
    "## Accrual at any holder count",
    "",
    `10 holders: ${formatGas(ours.accrue_10_holders)}, 1,000: ${formatGas(ours.accrue_1000_holders)}, ` +
      `10,000: ${formatGas(ours.accrue_10000_holders)} (no loop over holders).`,
    "",
  ].join("\n");

  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(path.join(RESULTS, "gas.json"), JSON.stringify(json, null, 2) + "\n");
  fs.writeFileSync(path.join(RESULTS, "gas.md"), md);
  console.log(md);
  console.log(`written bench/results/gas.md and gas.json in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
