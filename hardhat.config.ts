import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { HardhatUserConfig, extendConfig, subtask } from "hardhat/config";
import { HardhatPluginError } from "hardhat/plugins";
import {
  TASK_COMPILE_GET_REMAPPINGS,
  TASK_COMPILE_SOLIDITY_COMPILE_JOBS,
  TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD,
} from "hardhat/builtin-tasks/task-names";
import "@nomicfoundation/hardhat-toolbox";
import "@openzeppelin/hardhat-upgrades";
import "hardhat-deploy";
import "hardhat-contract-sizer";
import "./scripts/tasks";
import { missingNetworkProblem, remoteNetworks } from "./lib/networks";

/** The one Solidity version of the suite. The npm `solc` package must be exactly this version. */
const SOLC_VERSION = "0.8.28";

// Hardhat 2 downloads solc by default; this machine (and CI) must never do that. Compile with the
// solcjs build shipped in the npm `solc` package instead, and refuse to run with a mismatched one.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc");
  const longVersion: string = solc.version();
  if (args.solcVersion !== SOLC_VERSION || !longVersion.startsWith(`${SOLC_VERSION}+`)) {
    throw new Error(
      `Offline compiler mismatch: hardhat.config.ts asks for solc ${args.solcVersion} (pinned ${SOLC_VERSION}) ` +
        `but the npm package "solc" is ${longVersion}. Install solc@${SOLC_VERSION} exactly.`,
    );
  }
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: args.solcVersion,
    longVersion,
  };
});

// Hardhat runs at most (cores - 1) solc jobs at once: one on a 2-core machine such as CI's. Each solcjs job runs in a
// child process of its own (hardhat's solcjs-runner), so the suite's separate jobs (SEPARATE_SOLC_JOBS below and the
// size-optimised overrides) can use every core; an explicit `--concurrency` above that is kept.
subtask(TASK_COMPILE_SOLIDITY_COMPILE_JOBS, async (args: { concurrency: number }, _hre, runSuper) =>
  runSuper({ ...args, concurrency: Math.max(args.concurrency, os.availableParallelism()) }),
);

// Chainlink's CCIP sources import versioned OpenZeppelin paths ("@openzeppelin/contracts@5.0.2/...");
// npm installs those packages as "@openzeppelin/contracts-5.0.2". Map one onto the other.
subtask(TASK_COMPILE_GET_REMAPPINGS, async () => ({
  "@openzeppelin/contracts@4.7.3/": "@openzeppelin/contracts-4.7.3/",
  "@openzeppelin/contracts@4.8.3/": "@openzeppelin/contracts-4.8.3/",
  "@openzeppelin/contracts@4.9.6/": "@openzeppelin/contracts-4.9.6/",
  "@openzeppelin/contracts@5.0.2/": "@openzeppelin/contracts-5.0.2/",
  "@openzeppelin/contracts@5.1.0/": "@openzeppelin/contracts-5.1.0/",
}));

// Remote networks come from the environment only; nothing secret is committed. Asking for one whose RPC URL is
// not set fails here, naming the variable to set.
const networkProblem = missingNetworkProblem(process.argv, process.env);
if (networkProblem) throw new HardhatPluginError("treasury-fund-suite", networkProblem);

function compilerSettings(runs: number) {
  return {
    optimizer: { enabled: true, runs },
    // Cancun: supported by Ethereum and by the L2s issuers use (Arbitrum, Base, Optimism, Polygon,
    // Avalanche C-Chain); Prague is not yet everywhere. See README "EVM version".
    evmVersion: "cancun",
  };
}

/**
 * Under `npm run coverage` only (COVERAGE_SPLIT_JOBS=1): one solc job per folder of contracts/ instead of one job for
 * every file. The instrumented sources of the whole suite in one solcjs run exhaust the wasm compiler's memory
 * ("memory access out of bounds"); a distinct `runs` value per folder makes Hardhat compile each folder (with its
 * imports) separately. solidity-coverage turns the optimizer off, so the value changes no bytecode.
 */
function coverageJobs(): Record<string, { version: string; settings: ReturnType<typeof compilerSettings> }> {
  if (process.env.COVERAGE_SPLIT_JOBS !== "1") return {};
  const root = path.join(__dirname, "contracts");
  const out: Record<string, { version: string; settings: ReturnType<typeof compilerSettings> }> = {};
  const folders = fs.readdirSync(root).filter((f) => fs.statSync(path.join(root, f)).isDirectory());
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir).flatMap((f) => {
      const p = path.join(dir, f);
      return fs.statSync(p).isDirectory() ? walk(p) : f.endsWith(".sol") ? [p] : [];
    });
  folders.sort().forEach((folder, i) => {
    for (const file of walk(path.join(root, folder))) {
      const name = path.relative(__dirname, file).split(path.sep).join("/");
      out[name] = { version: SOLC_VERSION, settings: compilerSettings(10_001 + i) };
    }
  });
  return out;
}

/**
 * Folders of contracts/ compiled in solc jobs of their own, with the same settings as the rest. All the sources in
 * one solcjs run exhaust the wasm compiler's memory ("memory access out of bounds") since the CCIP pools of
 * contracts/bridge joined them. Hardhat groups files into one job per settings object (by reference), so a
 * separate but equal object per group gives a separate job and the same bytecode: solc's input settings, and so
 * the metadata hash, are unchanged. Files with an override of their own (above) keep it.
 */
const SEPARATE_SOLC_JOBS = [["bridge", "settlement"], ["mocks"]];

extendConfig((config) => {
  if (process.env.COVERAGE_SPLIT_JOBS === "1") return; // coverage has one job per folder already
  const root = path.join(config.paths.sources);
  const walk = (dir: string): string[] =>
    fs.existsSync(dir)
      ? fs.readdirSync(dir).flatMap((f) => {
          const p = path.join(dir, f);
          return fs.statSync(p).isDirectory() ? walk(p) : f.endsWith(".sol") ? [p] : [];
        })
      : [];
  const base = config.solidity.compilers[0];
  for (const folders of SEPARATE_SOLC_JOBS) {
    const job = structuredClone(base);
    for (const folder of folders) {
      for (const file of walk(path.join(root, folder))) {
        const name = path.relative(config.paths.root, file).split(path.sep).join("/");
        if (config.solidity.overrides[name] === undefined) config.solidity.overrides[name] = job;
      }
    }
  }
});

const config: HardhatUserConfig = {
  solidity: {
    compilers: [{ version: SOLC_VERSION, settings: compilerSettings(10_000) }],
    // The extensions hold cold code (configuration, agent remedies, views): optimised for size.
    overrides: {
      ...coverageJobs(),
      "contracts/compliance/ModularComplianceAdmin.sol": {
        version: SOLC_VERSION,
        settings: compilerSettings(200),
      },
      "contracts/token/FundTokenAdmin.sol": { version: SOLC_VERSION, settings: compilerSettings(200) },
      "contracts/fund/FundManagerVaults.sol": { version: SOLC_VERSION, settings: compilerSettings(200) },
      // The test-only next version of the token extends FundTokenAdmin: compiled as FundTokenAdmin is.
      "contracts/mocks/upgrades/FundTokenV2.sol": { version: SOLC_VERSION, settings: compilerSettings(200) },
    },
  },
  networks: {
    hardhat: {
      hardfork: "cancun",
      accounts: { count: 40 },
      allowUnlimitedContractSize: false,
    },
    // A local JSON-RPC node (`npx hardhat node`, anvil). LOCALHOST_RPC_URL points it at another port: the
    // integration tests start their node on a free loopback port.
    localhost: { url: process.env.LOCALHOST_RPC_URL ?? "http://127.0.0.1:8545" },
    ...remoteNetworks(process.env),
  },
  namedAccounts: {
    deployer: { default: 0 },
  },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  gasReporter: {
    enabled: process.env.REPORT_GAS === "true",
    offline: true,
    currency: "USD",
    reportPureAndViewMethods: false,
    excludeContracts: ["mocks/"],
  },
  contractSizer: { runOnCompile: false, strict: true, except: ["mocks/", "@"] },
  // `npm test` runs mocha in parallel mode, one worker per core of a 2-core CI machine (each with its own in-process
  // Hardhat network): 5m11 instead of 8m53 for the merged suite of December 2026.
  mocha: { timeout: 120_000, jobs: 2 },
  paths: {
    sources: "contracts",
    tests: "test",
    cache: "cache",
    artifacts: "artifacts",
    deploy: "deploy/scripts",
    // Where hardhat-deploy records deployments; DEPLOYMENTS_DIR moves it (the integration tests deploy to their
    // node without touching deployments/localhost).
    deployments: process.env.DEPLOYMENTS_DIR ?? "deployments",
  },
};

export default config;
