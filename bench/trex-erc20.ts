/**
 * Prints the T-REX 4.1.6 and plain ERC-20 gas figures side by side.
 *
 *   npx hardhat run bench/trex-erc20.ts
 *
 * The full report (with the fund suite, bench/results/gas.md and gas.json) is produced by
 * `npm run bench`; this script checks the two comparison suites on their own.
 */
import { measureErc20, ERC20_NOT_APPLICABLE } from "./erc20";
import { assertGasRecord, formatGasTable, OPERATION_KEYS, OPERATION_LABELS, SUITE_NAMES } from "./operations";
import { measureTrex, TREX_NOT_APPLICABLE } from "./trex";

async function main(): Promise<void> {
  const trex = assertGasRecord(SUITE_NAMES.trex, await measureTrex());
  const erc20 = assertGasRecord(SUITE_NAMES.erc20, await measureErc20());

  console.log(`\n## ${SUITE_NAMES.trex}\n`);
  console.log(formatGasTable([{ name: SUITE_NAMES.trex, gas: trex }]));
  console.log(`## ${SUITE_NAMES.erc20}\n`);
  console.log(formatGasTable([{ name: SUITE_NAMES.erc20, gas: erc20 }]));
  console.log("## Side by side\n");
  console.log(
    formatGasTable(
      [
        { name: SUITE_NAMES.trex, gas: trex },
        { name: SUITE_NAMES.erc20, gas: erc20 },
      ],
      [{ numerator: SUITE_NAMES.trex, denominator: SUITE_NAMES.erc20 }],
    ),
  );
  console.log("## Operations\n");
  for (const key of OPERATION_KEYS) console.log(`- \`${key}\`: ${OPERATION_LABELS[key]}`);
  console.log("\n## Not applicable\n");
  for (const [suite, reasons] of [
    [SUITE_NAMES.trex, TREX_NOT_APPLICABLE],
    [SUITE_NAMES.erc20, ERC20_NOT_APPLICABLE],
  ] as const) {
    for (const [key, reason] of Object.entries(reasons)) console.log(`- ${suite}, \`${key}\`: ${reason}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
