// solidity-coverage: measure our contracts, not the test-only mocks.
module.exports = {
  skipFiles: ["mocks/"],
  istanbulReporter: ["html", "json-summary", "lcov", "text-summary"],
  // The model-based property run is long under instrumentation; its operations are covered by the unit tests.
  mocha: { timeout: 600_000 },
  configureYulOptimizer: false,
};
