import * as fs from "fs";
import hre from "hardhat";
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { CLASS, DAY, deployFundFixture, listProtocolAccounts, registerInvestor } from "../helpers/fund";
import { readProposal } from "../../lib/safe";
import { accessManagerInterface } from "../../lib/governance";
import { loadOpsContext } from "../../scripts/tasks/context";
import { setProtocolAccount } from "../../scripts/tasks/registry";
import type { PerformResult } from "../../scripts/tasks/execute";
import { captureOutput, expectNothingSent, expectRefused, tmpDir } from "./helpers";

const iso = (seconds: bigint | number) =>
  new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");

const TASK = "registry:protocol-account";

/** The deployed fund and an account no one has listed or registered (say, a lending market's address). */
async function accountFixture() {
  const f = await loadFixture(deployFundFixture);
  return { ...f, account: f.investors[12].address, registry: f.fund.contracts.registry };
}

describe("tasks: registry", function () {
  let output: ReturnType<typeof captureOutput>;
  beforeEach(() => (output = captureOutput()));
  afterEach(() => output.restore());

  describe("registry:protocol-account", function () {
    it("should schedule the listing through the issuer's Safe and execute it once due with --execute", async function () {
      const { fund, account, registry } = await loadFixture(accountFixture);
      const scheduled: PerformResult = await hre.run(TASK, { account });
      expect(scheduled.role).to.equal("ISSUER");
      expect(scheduled.holder.role).to.equal("issuer");
      const outcome = scheduled.outcomes[0];
      if (outcome.status !== "scheduled") throw new Error(`unexpected ${outcome.status}`);
      expect(outcome.executableAt).to.equal(BigInt((await time.latest()) + 2 * DAY));
      expect(output.lines).to.include(
        `list ${account} as a protocol account (it may then be registered with the protocol class): ` +
          `scheduled by issuer Safe ${fund.as("issuer").address} (ISSUER), tx ${outcome.txHash} (block ${outcome.blockNumber})`,
      );
      expect(await registry.isProtocolAccount(account)).to.equal(false);

      await expectRefused(
        TASK,
        { account, execute: true },
        `IdentityRegistry.setProtocolAccount(wallet=${account}, listed=true) becomes executable at ` +
          `${iso(outcome.executableAt)} (in 2d): nothing was sent`,
      );
      await expectRefused(
        TASK,
        { account },
        `IdentityRegistry.setProtocolAccount(wallet=${account}, listed=true) is already scheduled by the issuer ` +
          `Safe, executable at ${iso(outcome.executableAt)}: run the task with --execute then`,
      );
      await time.increaseTo(outcome.executableAt);
      const executed: PerformResult = await hre.run(TASK, { account, execute: true });
      expect(executed.outcomes[0].status).to.equal("executed");
      expect(output.lines).to.include(
        `  IdentityRegistry.ProtocolAccountChanged(wallet=${account}, oldListed=false, newListed=true)`,
      );
      expect(await registry.isProtocolAccount(account)).to.equal(true);
    });

    it("should delist with --remove an account that is not registered with the protocol class", async function () {
      const { fund, account, registry } = await loadFixture(accountFixture);
      await listProtocolAccounts(fund, [account]);
      await hre.run(TASK, { account, remove: true });
      await time.increase(2 * DAY);
      await hre.run(TASK, { account, remove: true, execute: true });
      expect(output.lines).to.include(
        `  IdentityRegistry.ProtocolAccountChanged(wallet=${account}, oldListed=true, newListed=false)`,
      );
      expect(await registry.isProtocolAccount(account)).to.equal(false);
    });

    it("should simulate the scheduling with --dry-run and send nothing", async function () {
      const { account, registry } = await loadFixture(accountFixture);
      const result: PerformResult = await expectNothingSent(TASK, { account, dryRun: true });
      expect(result.outcomes.map((o) => o.status === "simulated" && o.via)).to.deep.equal(["schedule"]);
      expect(output.lines).to.include(
        `  would list ${account} as a protocol account (it may then be registered with the protocol class): ` +
          `IdentityRegistry.setProtocolAccount(wallet=${account}, listed=true) (scheduled behind the ISSUER ` +
          `execution delay of 2d): simulation succeeded`,
      );
      expect(await registry.isProtocolAccount(account)).to.equal(false);
    });

    it("should write the schedule, then the execute call, as the issuer Safe's proposals with --offline", async function () {
      const { fund, account, registry } = await loadFixture(accountFixture);
      const { manager } = fund.contracts;
      const data = registry.interface.encodeFunctionData("setProtocolAccount", [account, true]);
      const dir = tmpDir();
      const proposed: PerformResult = await expectNothingSent(TASK, {
        account,
        offline: true,
        proposalsDir: dir,
      });
      const outcome = proposed.outcomes[0];
      if (outcome.status !== "proposed") throw new Error(`unexpected ${outcome.status}`);
      expect(outcome.file).to.equal(
        `${dir}/hardhat/issuer-nonce0-schedule-setProtocolAccount-${outcome.safeTxHash.slice(2, 10)}.json`,
      );
      expect(fs.existsSync(outcome.txBuilderFile)).to.equal(true);
      const proposal = readProposal(outcome.file);
      expect(proposal.safe).to.equal(fund.as("issuer").address);
      expect(proposal.to).to.equal(await manager.getAddress());
      expect(proposal.data).to.equal(
        accessManagerInterface.encodeFunctionData("schedule", [await registry.getAddress(), data, 0]),
      );

      // Once the Safe scheduled it (here with the local owners) and the delay passed: the execute call.
      await hre.run(TASK, { account });
      await time.increase(2 * DAY);
      const executing: PerformResult = await expectNothingSent(TASK, {
        account,
        execute: true,
        offline: true,
        proposalsDir: dir,
      });
      const next = executing.outcomes[0];
      if (next.status !== "proposed") throw new Error(`unexpected ${next.status}`);
      expect(next.file).to.equal(
        `${dir}/hardhat/issuer-nonce1-execute-setProtocolAccount-${next.safeTxHash.slice(2, 10)}.json`,
      );
      expect(readProposal(next.file).data).to.equal(
        accessManagerInterface.encodeFunctionData("execute", [await registry.getAddress(), data]),
      );
      expect(await registry.isProtocolAccount(account)).to.equal(false);
    });

    it("should run without the Hardhat CLI from a context loaded once", async function () {
      const { account, registry } = await loadFixture(accountFixture);
      const ctx = await loadOpsContext(hre);
      const result = await setProtocolAccount(ctx, { account });
      expect(result.outcomes[0].status).to.equal("scheduled");
      await time.increase(2 * DAY);
      await setProtocolAccount(ctx, { account, execute: true });
      expect(await registry.isProtocolAccount(account)).to.equal(true);
    });

    describe("when an input is wrong", function () {
      it("should refuse a malformed or zero account", async function () {
        await loadFixture(accountFixture);
        await expectRefused(TASK, { account: "0x1234" }, '--account: "0x1234" is not an address');
        await expectRefused(
          TASK,
          { account: "0x0000000000000000000000000000000000000000" },
          "--account: the zero address is not allowed",
        );
      });

      it("should refuse to list an account that is listed already (the deployed fee wallet)", async function () {
        const { fund } = await loadFixture(accountFixture);
        const feeWallet = await fund.contracts.token.feeWallet();
        await expectRefused(
          TASK,
          { account: feeWallet },
          `--account: ${feeWallet} is already on the list of protocol accounts: nothing to do`,
        );
      });

      it("should refuse to delist an account that is not listed", async function () {
        const { account } = await loadFixture(accountFixture);
        await expectRefused(
          TASK,
          { account, remove: true },
          `--account: ${account} is not on the list of protocol accounts: nothing to do`,
        );
      });

      it("should refuse to delist an account registered with the protocol class (the registry would refuse it)", async function () {
        const { fund, account } = await loadFixture(accountFixture);
        await listProtocolAccounts(fund, [account]);
        await registerInvestor(fund, account, { classes: CLASS.protocol });
        await expectRefused(
          TASK,
          { account, remove: true },
          `--account: ${account} is registered with the protocol class (identity ${account}): the compliance ` +
            `officer first deletes its registration (once it holds nothing) or reclassifies it, then the issuer ` +
            `can delist it`,
        );
      });

      it("should refuse --execute when nothing was scheduled", async function () {
        const { fund, account } = await loadFixture(accountFixture);
        const issuer = fund.as("issuer").address;
        await expectRefused(
          TASK,
          { account, execute: true },
          `IdentityRegistry.setProtocolAccount(wallet=${account}, listed=true) is not scheduled by the issuer ` +
            `Safe ${issuer} (never scheduled, executed, cancelled or expired): schedule it first by running the ` +
            `task without --execute`,
        );
      });

      it("should refuse --dry-run with --offline", async function () {
        const { account } = await loadFixture(accountFixture);
        await expectRefused(
          TASK,
          { account, dryRun: true, offline: true },
          "--dry-run and --offline cannot be used together",
        );
      });
    });
  });
});
