import hre from "hardhat";
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployFundFixture, registerInvestor, mint, publishNav, ONE, DAY } from "../helpers/fund";
import type { AccrueResult } from "../../scripts/tasks/nav";
import type { PerformResult } from "../../scripts/tasks/execute";
import { captureOutput, expectNothingSent, expectRefused, withRecords } from "./helpers";
import { formatDuration, formatIsoTime } from "../../lib/format";

/** Alice holds 1,000 tokens; a day has passed since the NAV baseline. */
async function navFixture() {
  const f = await loadFixture(deployFundFixture);
  const alice = f.investors[0].address;
  await registerInvestor(f.fund, alice);
  await mint(f.fund, alice, 1000n * ONE);
  await time.increase(DAY);
  return { ...f, alice };
}

describe("tasks: NAV", function () {
  let output: ReturnType<typeof captureOutput>;
  beforeEach(() => (output = captureOutput()));
  afterEach(() => output.restore());

  describe("nav:publish", function () {
    it("should publish the NAV through the NAV publisher's Safe", async function () {
      const { fund } = await loadFixture(navFixture);
      const result: PerformResult = await hre.run("nav:publish", { nav: "1.0002" });
      expect(result.role).to.equal("NAV_PUBLISHER");
      const [roundId, answer] = await fund.contracts.navPublisher!.latestRoundData();
      expect([roundId, answer]).to.deep.equal([2n, 100_020_000n]);
      expect(output.lines).to.include("The token applies this round at the next nav:accrue.");
    });

    describe("regression: issue 21 finding 4 (a round the oracle refuses at accrual was published, then blocked corrections for an hour)", function () {
      for (const dryRun of [true, false]) {
        it(`should refuse${dryRun ? " in a dry run" : ""}, before anything is sent, a round the NAV oracle would refuse at the next accrual`, async function () {
          const { fund } = await loadFixture(navFixture);
          const applied = await fund.contracts.token.appliedNav();
          const elapsed = BigInt(await time.latest()) - applied.updatedAt;
          const error = await expectRefused(
            "nav:publish",
            { nav: "1.0099", dryRun },
            "--nav: the NAV oracle would refuse this round at the next accrual with NavChangeTooLarge(" +
              `lastNav=$1 [${ONE}], nav=$1.0099 [${10099n * 10n ** 14n}], elapsed=${formatDuration(elapsed)} [${elapsed}], ` +
              "maxChangeBpsPerDay=10 bps (0.1%) [10]), and a correcting round could only be published 1h later " +
              "(PublishTooSoon): nothing was sent (--force to publish it anyway)",
          );
          await expect(Promise.reject(error)).to.be.revertedWithCustomError(
            fund.contracts.navOracle,
            "NavChangeTooLarge",
          );
          expect((await fund.contracts.navPublisher!.latestRoundData())[0]).to.equal(1n);
        });
      }

      it("should say the oracle would accept a round within its bound", async function () {
        await loadFixture(navFixture);
        await expectNothingSent("nav:publish", { nav: "1.0005", dryRun: true });
        expect(output.lines).to.include(
          "The NAV oracle would accept this round at the next accrual (NAV $1.0005 per token).",
        );
      });

      it("should publish with --force, and warn after publishing", async function () {
        const { fund } = await loadFixture(navFixture);
        await hre.run("nav:publish", { nav: "1.005", force: true });
        const applied = await fund.contracts.token.appliedNav();
        const [roundId, , , updatedAt] = await fund.contracts.navPublisher!.latestRoundData();
        expect(roundId).to.equal(2n);
        const elapsed = updatedAt - applied.updatedAt;
        expect(output.lines).to.include(
          `Warning: the NAV oracle would refuse this round at accrual: NavChangeTooLarge(lastNav=$1 [${ONE}], ` +
            `nav=$1.005 [${1005n * 10n ** 15n}], elapsed=${formatDuration(elapsed)} [${elapsed}], ` +
            "maxChangeBpsPerDay=10 bps (0.1%) [10])",
        );
      });
    });

    it("should publish the custodian's reserves with nav:publish-reserves", async function () {
      const { fund } = await loadFixture(navFixture);
      await hre.run("nav:publish-reserves", { reserves: "10250000.5" });
      const [, answer] = await fund.contracts.reservePublisher!.latestRoundData();
      expect(answer).to.equal(1_025_000_050_000_000n);
    });

    describe("regression: issue 21 finding 4 (a dry run did not check what the next step would refuse): reserves", function () {
      for (const dryRun of [true, false]) {
        it(`should refuse${dryRun ? " in a dry run" : ""} reserves below the token supply, which the reserve guard would refuse`, async function () {
          const { fund } = await loadFixture(navFixture);
          expect(await fund.contracts.token.totalSupply()).to.equal(1000n * ONE);
          await expectRefused(
            "nav:publish-reserves",
            { reserves: "999.99", dryRun },
            `--reserves: $999.99 [99999000000] is below the token supply of 1,000 tokens [${1000n * ONE}]: the ` +
              "reserve guard would refuse every mint (ReserveExceeded) and block the next accrual at the current NAV " +
              "(AccrualBlockedByReserve): nothing was sent (--force to publish them anyway)",
          );
        });
      }

      it("should publish them with --force, warning", async function () {
        const { fund } = await loadFixture(navFixture);
        await hre.run("nav:publish-reserves", { reserves: "999.99", force: true });
        expect((await fund.contracts.reservePublisher!.latestRoundData())[1]).to.equal(99_999_000_000n);
        expect(output.lines[0]).to.equal(
          `Warning (--force): --reserves: $999.99 [99999000000] is below the token supply of 1,000 tokens ` +
            `[${1000n * ONE}]: the reserve guard would refuse every mint (ReserveExceeded) and block the next ` +
            "accrual at the current NAV (AccrualBlockedByReserve)",
        );
      });
    });

    describe("when an input is wrong", function () {
      it("should refuse more decimals than the feed has", async function () {
        await loadFixture(navFixture);
        await expectRefused(
          "nav:publish",
          { nav: "1.000000001" },
          '--nav: "1.000000001" has 9 decimals; at most 8 are allowed',
        );
      });

      it("should refuse a zero NAV", async function () {
        await loadFixture(navFixture);
        await expectRefused("nav:publish", { nav: "0" }, "--nav: must be greater than zero");
      });

      it("should decode the publisher's refusal of a move above its per-round bound", async function () {
        const { fund } = await loadFixture(navFixture);
        const error = await expectRefused(
          "nav:publish",
          { nav: "1.02" },
          "NavPublisher.publish(answer=102000000) would revert with AnswerChangeTooLarge(previousAnswer=$1 " +
            "[100000000], answer=$1.02 [102000000], maxChangeBpsPerRound=100 bps (1%) [100]): nothing was sent",
        );
        await expect(Promise.reject(error)).to.be.revertedWithCustomError(
          fund.contracts.navPublisher!,
          "AnswerChangeTooLarge",
        );
      });

      it("should refuse when the fund reads an external NAV feed", async function () {
        await loadFixture(navFixture);
        await withRecords(
          () => hre.deployments.delete("NavPublisher"),
          () =>
            expectRefused(
              "nav:publish",
              { nav: "1.0001" },
              'This fund has no NavPublisher on network "hardhat": its NAV comes from an external feed, published by its provider',
            ).then(() => undefined),
        );
      });
    });
  });

  describe("nav:accrue", function () {
    it("should apply the round and report the index, the supply change and the fee", async function () {
      const { fund, alice } = await loadFixture(navFixture);
      const { token } = fund.contracts;
      await publishNav(fund, "1.0002");
      const supplyBefore = await token.totalSupply();
      const result: AccrueResult = await hre.run("nav:accrue", {});
      expect(result.status).to.equal("applied");
      expect(result.roundId).to.equal(2n);
      expect(result.nav).to.equal(10002n * 10n ** 14n);
      expect(result.indexBefore).to.equal(ONE);
      expect(result.indexAfter).to.equal(await token.index());
      expect(result.indexAfter > ONE).to.equal(true);
      expect(result.supplyBefore).to.equal(supplyBefore);
      expect(result.supplyAfter).to.equal(await token.totalSupply());
      expect(result.holdersSupplyChange).to.equal((await token.balanceOf(alice)) - 1000n * ONE);
      expect(result.feeAmount > 0n).to.equal(true);
      expect(await token.balanceOf(await token.feeWallet())).to.equal(result.feeAmount);
      expect(output.lines).to.include(`  index  1.0 -> ${hre.ethers.formatUnits(result.indexAfter, 18)}`);
    });

    it("should only simulate with --dry-run", async function () {
      const { fund } = await loadFixture(navFixture);
      await publishNav(fund, "1.0002");
      const result: AccrueResult = await expectNothingSent("nav:accrue", { dryRun: true });
      expect(result.status).to.equal("simulated");
      expect(await fund.contracts.token.index()).to.equal(ONE);
    });

    it("issue 16 finding 2: should report a stale reserve feed as a block with the guard's error, applying nothing", async function () {
      const { fund } = await loadFixture(navFixture);
      await time.increase(4 * DAY);
      await publishNav(fund, "1.0002");
      const [reserveRound, , , reservesAt] = await fund.contracts.reservePublisher!.latestRoundData();
      const result: AccrueResult = await hre.run("nav:accrue", {});
      expect(result.status).to.equal("blocked");
      expect(result.indexAfter).to.equal(ONE);
      expect(await fund.contracts.token.index()).to.equal(ONE);
      const line = output.lines.find((l) => l.startsWith("  BLOCKED: the reserve guard could not confirm"));
      expect(line).to.include(
        `(ReserveStale(roundId=${reserveRound}, updatedAt=${formatIsoTime(reservesAt)} [${reservesAt}], ` +
          `maxAge=4d [${4 * DAY}], nowTimestamp=`,
      );
    });

    describe("when there is nothing to apply", function () {
      it("should refuse with the oracle's named error", async function () {
        const { fund } = await loadFixture(navFixture);
        const applied = await fund.contracts.token.appliedNav();
        await expectRefused(
          "nav:accrue",
          {},
          `No NAV round to apply: NavRoundAlreadyApplied(updatedAt=${formatIsoTime(applied.updatedAt)} ` +
            `[${applied.updatedAt}]): nothing was sent`,
        );
      });

      it("should refuse while the token is paused", async function () {
        const { fund } = await loadFixture(navFixture);
        await publishNav(fund, "1.0002");
        await hre.run("token:pause", {});
        await expectRefused("nav:accrue", {}, "The token is paused: the accrual resumes once it is unpaused");
      });
    });
  });
});
