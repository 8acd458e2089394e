/**
 * Model-based property test of the whole fund: random sequences of operations (registrations, KYC expiry, issuance,
 * transfers, allowances, share transfers, forced transfers, freezes, recoveries, sanctions, pause, NAV and reserve
 * publications, accruals, burns; through the fund manager: subscriptions, redemption requests paid at once or
 * queued, cancellations, settlement of the queue and of held requests, releases, withdrawals, the custodian's
 * funding, pauses of a flow) run against the fund deployed by the real deploy scripts and against the reference
 * model (model.ts). After every operation the chain must have done exactly what the model predicts (accepted, or
 * refused with the same custom error and arguments), hold exactly the state the model holds (every wallet's
 * shares, balance, frozen shares and flag, registry record and sanctions status; every investor's compliance
 * totals, outflow window, locks; totals, index, pause, applied NAV, feeds, allowances; the manager's parameters,
 * queue, escrow, limiter entries and open requests; every stablecoin balance), and satisfy the invariants of
 * harness.ts on its own data.
 *
 * Runs (environment variables):
 *   PROPERTY_OPS    minimum number of commands over the whole run (default 10000); the run goes on in batches
 *                   of PROPERTY_RUNS sequences until it is reached. For a longer run: PROPERTY_OPS=200000.
 *   PROPERTY_RUNS   sequences per batch (default 20).
 *   PROPERTY_MAX_COMMANDS  longest sequence (default 200; lengths are drawn from 0 to it).
 *   PROPERTY_SEED   seed of the first batch (default: random, printed); batch k uses seed + k.
 *   PROPERTY_PATH   with PROPERTY_SEED, replays the one counterexample fast-check printed (seed and path of the
 *                   failing batch), without a new search.
 *   PROPERTY_BATCH_SECONDS  time limit of one batch, shrinking included (default 600): a failure found in a long
 *                   sequence is reported shrunk as far as the limit allowed.
 *   PROPERTY_KNOWN_ISSUES   comma-separated known contract issues to generate again (see commands.ts).
 *
 *   npx hardhat test test/property/fund.property.test.ts
 *   PROPERTY_OPS=100000 npx hardhat test test/property/fund.property.test.ts
 *   PROPERTY_SEED=123 PROPERTY_PATH="4:2:1" npx hardhat test test/property/fund.property.test.ts
 *
 * A failure is shrunk by fast-check to a minimal sequence, printed with the seed and path to replay it, and the
 * error carries the concrete trace of that sequence (resolved wallets and amounts, each outcome).
 *
 * The default run (about 10,000 commands, 11,000 to 13,000 transactions) takes 70 to 85 s on 2 cores; the printed CPU
 * profile shows where the time goes. See README.md in this folder for the model, the invariants and the known issues.
 */
import hre from "hardhat";
import { expect } from "chai";
import fc from "fast-check";
import { randomInt } from "node:crypto";
import { World, stats, PROFILE } from "./harness";
import { fundCommands } from "./commands";

// Run lengths: `npm test` runs 2,500 commands (the whole suite must stay under 6 minutes on 2 cores);
// `npm run test:property` (CI) runs the full 10,000 with PROPERTY_OPS; under solidity-coverage (instrumented
// bytecode, ~10x slower) 1,000: coverage is about reaching code, which the first thousand commands do.
const UNDER_COVERAGE =
  (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true;
const TARGET = Number(process.env.PROPERTY_OPS ?? (UNDER_COVERAGE ? 1_000 : 2_500));
const RUNS = Number(process.env.PROPERTY_RUNS ?? 20);
const MAX_COMMANDS = Number(process.env.PROPERTY_MAX_COMMANDS ?? 200);
const SEED = process.env.PROPERTY_SEED !== undefined ? Number(process.env.PROPERTY_SEED) : randomInt(2 ** 31);
const PATH = process.env.PROPERTY_PATH;
// Under coverage a batch gets two hours: at 600 s a loaded machine ran out of time after 11 sequences and fast-check
// reported the skipped rest as "too many pre-condition failures".
const BATCH_SECONDS = Number(process.env.PROPERTY_BATCH_SECONDS ?? (UNDER_COVERAGE ? 7_200 : 600));

describe("fund (model-based property test)", function () {
  this.timeout(0);

  it("should agree with the reference model and keep every invariant over random operation sequences", async function () {
    const started = Date.now();
    const cpuStarted = process.cpuUsage();
    const property = fc.asyncProperty(
      fc.commands([fc.oneof(...fundCommands)], { maxCommands: MAX_COMMANDS, size: "max" }),
      async (cmds) => {
        const world = await World.fresh();
        await fc.asyncModelRun(() => ({ model: world.model, real: world }), cmds);
        await world.checkViews("the end of the sequence");
      },
    );
    const report = (runs: number) => {
      const seconds = (Date.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuStarted);
      const refusals = [...stats.refusals.entries()].sort((a, b) => b[1] - a[1]);
      console.log(
        `      ${stats.commands} commands in ${runs} sequences, ${stats.transactions} transactions ` +
          `(${stats.accepted} accepted, ${stats.transactions - stats.accepted} refused) in ${seconds.toFixed(1)} s ` +
          `(${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU)`,
      );
      const per = (ms: number) => (ms / Math.max(1, stats.transactions)).toFixed(2);
      console.log(
        `      CPU per transaction (ms): send ${per(PROFILE.send)}, restriction view ${per(PROFILE.detect)}, ` +
          `model ${per(PROFILE.model)}, stored state ${per(PROFILE.read)} (dump ${per(PROFILE.dump)}), comparison and invariants ` +
          `${per(PROFILE.check)}, public views ${per(PROFILE.views - PROFILE.exits)}, exits-open invariant ${per(PROFILE.exits)}; unpause through the issuer Safe ` +
          `${(PROFILE.unpause / 1000).toFixed(1)} s, fixture restores ${(PROFILE.fresh / 1000).toFixed(1)} s in all`,
      );
      console.log(`      refusals: ${refusals.map(([k, v]) => `${k} ${v}`).join(", ")}`);
      console.log(
        `      fund manager: ${[...stats.manager.entries()].map(([k, v]) => `${k} ${v}`).join(", ")} (requests)`,
      );
      console.log(
        `      redemption requests simulated by the exits-open invariant: ${stats.exitChecks}, all accepted`,
      );
      console.log(
        `      wallet-steps with a record its source revoked (issue 20 invariant): ${stats.sourceRevokedChecks}`,
      );
    };
    console.log(`      property run: seed ${SEED}, at least ${TARGET} commands, ${RUNS} sequences a batch`);
    let runs = 0;
    for (let batch = 0; PATH !== undefined ? batch === 0 : stats.commands < TARGET; batch++) {
      const seed = SEED + batch;
      const details = await fc.check(property, {
        seed,
        numRuns: RUNS,
        path: PATH,
        // Bounds a batch, shrinking included: a long failing sequence can take minutes to shrink.
        skipAllAfterTimeLimit: BATCH_SECONDS * 1000,
      });
      runs += details.numRuns;
      if (details.failed) {
        report(runs);
        throw new Error(
          `${fc.defaultReportMessage(details)}\n${String((details.errorInstance as Error)?.message ?? details.errorInstance)}\n` +
            `Replay: PROPERTY_SEED=${details.seed} PROPERTY_PATH="${details.counterexamplePath}" ` +
            `npx hardhat test test/property/fund.property.test.ts`,
        );
      }
    }
    report(runs);
    if (PATH === undefined) expect(stats.commands).to.be.at.least(TARGET);
  });
});
