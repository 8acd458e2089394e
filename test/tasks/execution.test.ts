import * as fs from "fs";
import hre from "hardhat";
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ErrorFragment, Wallet } from "ethers";
import { deployFundFixture, ONE, DAY } from "../helpers/fund";
import { ROLE_IDS } from "../../lib/deploy/roles";
import { SAFE_TX_TYPES, execProposal, readProposal } from "../../lib/safe";
import { accessManagerInterface } from "../../lib/governance";
import {
  TaskFailedError,
  TaskInputError,
  guarded,
  loadOpsContext,
  recoveryAdvice,
} from "../../scripts/tasks/context";
import { formatNamedArgs, formatValue } from "../../lib/format";
import { addInvestor } from "../../scripts/tasks/investors";
import { mintTokens } from "../../scripts/tasks/token";
import type { PerformResult } from "../../scripts/tasks/execute";
import { captureOutput, expectNothingSent, expectRefused, inDays, tmpDir, withRecords } from "./helpers";

describe("tasks: execution", function () {
  let output: ReturnType<typeof captureOutput>;
  beforeEach(() => (output = captureOutput()));
  afterEach(() => output.restore());

  describe("when the network has no complete deployment", function () {
    it("should refuse a network without deployment records", async function () {
      const { investors } = await loadFixture(deployFundFixture);
      const args = { wallet: investors[0].address, country: "840", kycExpiry: await inDays(30) };
      await withRecords(
        async (records) => {
          for (const name of Object.keys(records)) await hre.deployments.delete(name);
        },
        async () => {
          await expectRefused(
            "investor:add",
            args,
            'No fund is deployed on network "hardhat" (no deployment records in deployments/hardhat/): pick the ' +
              "fund's network with --network (the in-process hardhat network starts empty: run npx hardhat node " +
              "and use --network localhost)",
          );
        },
      );
    });

    it("should refuse a deployment without the record of a role holder", async function () {
      await loadFixture(deployFundFixture);
      await withRecords(
        () => hre.deployments.delete("RoleHolder.guardian"),
        async () => {
          await expectRefused(
            "token:pause",
            {},
            'The fund deployment on network "hardhat" is incomplete: no record of RoleHolder.guardian',
          );
        },
      );
    });

    it("should refuse records pointing at addresses without code", async function () {
      await loadFixture(deployFundFixture);
      const nowhere = Wallet.createRandom().address;
      await withRecords(
        async (records) => {
          await hre.deployments.save("FundToken", { ...records.FundToken, address: nowhere });
        },
        async () => {
          await expectRefused(
            "roles:show",
            {},
            `The deployment records of network "hardhat" put FundToken at ${nowhere}, where the chain has no code ` +
              "(was the node restarted?): deploy the fund again with npx hardhat deploy --network hardhat --reset, and " +
              "move the proposals written for the old chain out of proposals/hardhat/ (docs/OPERATIONS.md, " +
              '"After a node restart")',
          );
        },
      );
    });
  });

  describe("when the role holder cannot act", function () {
    it("should refuse when no recorded holder holds the function's role", async function () {
      const { fund } = await loadFixture(deployFundFixture);
      await fund
        .as("admin")
        .now(fund.contracts.manager)
        .revokeRole(ROLE_IDS.GUARDIAN, fund.as("guardian").address);
      await expectRefused(
        "token:pause",
        {},
        "FundToken.pause requires the GUARDIAN role, which no role holder recorded for this fund holds " +
          "(revoked, or its grant not yet effective): nothing was sent",
      );
    });

    it("should refuse --dry-run together with --offline", async function () {
      await loadFixture(deployFundFixture);
      await expectRefused(
        "token:pause",
        { dryRun: true, offline: true },
        "--dry-run and --offline cannot be used together",
      );
    });
  });

  describe("when the owners' keys are not local", function () {
    it("should write the Safe transaction for offline signing, which the owners can then execute", async function () {
      const { fund, investors } = await loadFixture(deployFundFixture);
      const signers = await hre.ethers.getSigners();
      const alice = investors[0].address;
      const dir = tmpDir();
      const officer = fund.as("complianceOfficer").address;
      const expiry = await inDays(365);
      let result: PerformResult | undefined;
      await withRecords(
        async (records) => {
          // The record of a production Safe: its owners are hardware wallets, not keys of this machine.
          const record = records["RoleHolder.complianceOfficer"];
          const owners = [1, 2, 3].map(() => Wallet.createRandom().address);
          await hre.deployments.save("RoleHolder.complianceOfficer", {
            ...record,
            linkedData: { ...record.linkedData, owners },
          });
        },
        async () => {
          result = await expectNothingSent("investor:add", {
            wallet: alice,
            country: "840",
            classes: "accredited",
            kycExpiry: expiry,
            proposalsDir: dir,
          });
        },
      );
      const outcome = result!.outcomes[0];
      if (outcome.status !== "proposed") throw new Error(`unexpected ${outcome.status}`);
      expect(outcome.file).to.equal(
        `${dir}/hardhat/complianceOfficer-nonce0-registerInvestor-${outcome.safeTxHash.slice(2, 10)}.json`,
      );
      expect(fs.existsSync(outcome.txBuilderFile)).to.equal(true);
      const proposal = readProposal(outcome.file);
      const { registry } = fund.contracts;
      expect(proposal).to.include({
        safe: officer,
        to: await registry.getAddress(),
        nonce: "0",
        safeTxHash: outcome.safeTxHash,
        data: registry.interface.encodeFunctionData("registerInvestor", [alice, alice, 840, 1, expiry]),
      });
      expect(output.lines).to.include(
        `    written to ${outcome.file} (Safe{Wallet} Transaction Builder: ${outcome.txBuilderFile})`,
      );
      expect(await registry.contains(alice)).to.equal(false);

      // Two owners sign the typed data elsewhere; anyone relays.
      const { domain, message } = proposal.typedData;
      const signatures = await Promise.all(
        [14, 15].map((i) => signers[i].signTypedData(domain, SAFE_TX_TYPES, message)),
      );
      await execProposal(proposal, signatures, signers[0]);
      expect(await registry.isVerified(alice)).to.equal(true);
    });

    it("should propose the scheduling of a delayed call with --offline", async function () {
      const { fund } = await loadFixture(deployFundFixture);
      await hre.run("token:pause", {});
      const dir = tmpDir();
      const result: PerformResult = await expectNothingSent("token:unpause", {
        offline: true,
        proposalsDir: dir,
      });
      const outcome = result.outcomes[0];
      if (outcome.status !== "proposed") throw new Error(`unexpected ${outcome.status}`);
      expect(outcome.file).to.equal(
        `${dir}/hardhat/issuer-nonce0-schedule-unpause-${outcome.safeTxHash.slice(2, 10)}.json`,
      );
      const proposal = readProposal(outcome.file);
      const { token, manager } = fund.contracts;
      expect(proposal.safe).to.equal(fund.as("issuer").address);
      expect(proposal.to).to.equal(await manager.getAddress());
      expect(proposal.data).to.equal(
        accessManagerInterface.encodeFunctionData("schedule", [
          await token.getAddress(),
          token.interface.encodeFunctionData("unpause"),
          0,
        ]),
      );
    });
  });

  describe("--dry-run", function () {
    it("should simulate the scheduling of a delayed call", async function () {
      const { fund } = await loadFixture(deployFundFixture);
      await hre.run("token:pause", {});
      const result: PerformResult = await expectNothingSent("token:unpause", { dryRun: true });
      expect(result.outcomes).to.deep.equal([
        { status: "simulated", step: result.outcomes[0].step, via: "schedule" },
      ]);
      expect(output.lines).to.include(
        "  would unpause the token: FundToken.unpause() (scheduled behind the ISSUER execution delay of 2d): simulation succeeded",
      );
      expect(await fund.contracts.token.paused()).to.equal(true);
    });
  });

  describe("--execute", function () {
    it("should simulate and propose the execution of a due scheduled call", async function () {
      const { fund } = await loadFixture(deployFundFixture);
      const { token, manager } = fund.contracts;
      await hre.run("token:pause", {});
      await hre.run("token:unpause", {});
      await time.increase(2 * DAY);
      const simulated: PerformResult = await expectNothingSent("token:unpause", {
        execute: true,
        dryRun: true,
      });
      expect(simulated.outcomes.map((o) => o.status === "simulated" && o.via)).to.deep.equal(["execute"]);
      const dir = tmpDir();
      const proposed: PerformResult = await expectNothingSent("token:unpause", {
        execute: true,
        offline: true,
        proposalsDir: dir,
      });
      const outcome = proposed.outcomes[0];
      if (outcome.status !== "proposed") throw new Error(`unexpected ${outcome.status}`);
      expect(outcome.file).to.equal(
        `${dir}/hardhat/issuer-nonce1-execute-unpause-${outcome.safeTxHash.slice(2, 10)}.json`,
      );
      const proposal = readProposal(outcome.file);
      expect(proposal.to).to.equal(await manager.getAddress());
      expect(proposal.data).to.equal(
        accessManagerInterface.encodeFunctionData("execute", [
          await token.getAddress(),
          token.interface.encodeFunctionData("unpause"),
        ]),
      );
      expect(await token.paused()).to.equal(true);
    });
  });

  describe("plain functions", function () {
    it("should run without the Hardhat CLI from a context loaded once", async function () {
      const { fund, investors } = await loadFixture(deployFundFixture);
      const ctx = await loadOpsContext(hre);
      const bob = investors[1].address;
      await addInvestor(ctx, {
        wallet: bob,
        country: "840",
        classes: "institutional",
        kycExpiry: "2099-01-01",
      });
      await mintTokens(ctx, { wallet: bob, amount: "42" });
      expect(await fund.contracts.token.balanceOf(bob)).to.equal(42n * ONE);
    });
  });

  describe("regression: issue 21 finding 5 (errors printed raw integers and a stack trace every time)", function () {
    it("should give a refusal only its message line as stack unless --verbose", async function () {
      const refusal = await guarded(async () => {
        throw new TaskInputError("--wallet: nothing to do");
      }, false).catch((e: Error) => e);
      expect(refusal.name).to.equal("TaskInputError");
      expect(refusal.stack).to.equal("TaskInputError: --wallet: nothing to do");
      const verbose = await guarded(async () => {
        throw new TaskInputError("--wallet: nothing to do");
      }, true).catch((e: Error) => e);
      expect(verbose.stack).to.match(/\n\s+at .+:\d+:\d+/);
    });

    it("should turn an unexpected error into one line naming --verbose, and let it through with --verbose", async function () {
      const unexpected = new Error("connect ECONNREFUSED 127.0.0.1:8545\nsecond line");
      const quiet = await guarded(async () => {
        throw unexpected;
      }, false).catch((e: Error) => e);
      expect(quiet.name).to.equal("TaskFailedError");
      expect(quiet.message).to.equal(
        "connect ECONNREFUSED 127.0.0.1:8545 (run with npx hardhat --verbose <task> … for the stack trace)",
      );
      expect(quiet.stack).to.equal(`TaskFailedError: ${quiet.message}`);
      expect((quiet as TaskFailedError).cause).to.equal(unexpected);
      expect(
        await guarded(async () => {
          throw unexpected;
        }, true).catch((e: Error) => e),
      ).to.equal(unexpected);
    });

    it("should print each value in its unit with the raw integer beside it", function () {
      expect(formatValue(20_001_000n * ONE, "tokens")).to.equal(`20,001,000 tokens [${20_001_000n * ONE}]`);
      expect(formatValue(10_250_000_50000000n, "answer", { answerDecimals: 8 })).to.equal(
        "$10,250,000.5 [1025000050000000]",
      );
      expect(formatValue(1_000_000_000000n, "stablecoin", { stablecoinDecimals: 6 })).to.equal(
        "1,000,000 [1000000000000]",
      );
      expect(formatValue(10n, "bps")).to.equal("10 bps (0.1%) [10]");
      expect(formatValue(1796626954n, "time")).to.equal("2026-12-07T07:02:34Z [1796626954]");
      expect(formatValue(2n * BigInt(DAY) + 3661n, "duration")).to.equal("2d 1h 1m 1s [176461]");
      const publishTooSoon = ErrorFragment.from(
        "error PublishTooSoon(uint256 previousUpdatedAt, uint256 nowTimestamp, uint32 minInterval)",
      );
      // A stablecoin's amounts in its own decimals and symbol, named by the error or the fund's only one.
      const usdc = Wallet.createRandom().address;
      const insufficientLiquidity = ErrorFragment.from(
        "error InsufficientLiquidity(address stablecoin, uint256 available, uint256 needed)",
      );
      const dai = { symbol: "DAI", decimals: 18 };
      expect(
        formatNamedArgs(insufficientLiquidity, [usdc, 5n * ONE, 7n * ONE], { stablecoins: { [usdc]: dai } }),
      ).to.equal(
        `InsufficientLiquidity(stablecoin=${usdc}, available=5 DAI [${5n * ONE}], needed=7 DAI [${7n * ONE}])`,
      );
      const balance = ErrorFragment.from(
        "error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
      );
      expect(
        formatNamedArgs(balance, [usdc, 2_500_000n, 0n], { token: { symbol: "USDC", decimals: 6 } }),
      ).to.equal(`ERC20InsufficientBalance(sender=${usdc}, balance=2.5 USDC [2500000], needed=0 USDC [0])`);
      expect(formatNamedArgs(publishTooSoon, [1796626954n, 1796627000n, 3600n])).to.equal(
        "PublishTooSoon(previousUpdatedAt=2026-12-07T07:02:34Z [1796626954], nowTimestamp=2026-12-07T07:03:20Z " +
          "[1796627000], minInterval=1h [3600])",
      );
    });
  });

  describe("regression: issue 21 finding 8 (after a node restart the message advised a redeploy that fails)", function () {
    it("should advise deploy --reset on a local node, and restoring the records on a remote network", function () {
      expect(recoveryAdvice("localhost")).to.equal(
        "deploy the fund again with npx hardhat deploy --network localhost --reset, and move the proposals " +
          'written for the old chain out of proposals/localhost/ (docs/OPERATIONS.md, "After a node restart")',
      );
      expect(recoveryAdvice("sepolia")).to.equal(
        "the records in deployments/sepolia/ do not describe this chain: restore them from where the deployment " +
          "was made",
      );
    });
  });
});
