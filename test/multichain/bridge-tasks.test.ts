/**
 * Issue 18: the bridge tasks (scripts/tasks/bridge.ts) run through `hre.run` as the CLI does, on the two-chain
 * fixture.
 */
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { executeScheduled, managedCall } from "../../lib/governance";
import {
  HOME,
  SAT,
  expect,
  multichainFixture,
  send,
  resetAfterMultichain,
  type MultichainFixture,
} from "./fixtures";
import { captureOutput, expectNothingSent, expectRefused, tmpDir, withRecords } from "../tasks/helpers";
import { registerInvestor } from "../helpers/fund";
import { ROLE_IDS } from "../../lib/deploy/roles";
import { SAFE_TX_TYPES, execProposal, readProposal } from "../../lib/safe";
import type { PerformResult } from "../../scripts/tasks/execute";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { formatUnits } from "ethers";
import { setFundConfigOverride } from "../../lib/deploy/context";

const E18 = 10n ** 18n;
/** `text` matched literally inside a regular expression. */
const escape = (text: string) => text.replace(/[()]/g, "\\$&");

/**
 * Alice's 10 tokens, sent home -> satellite to herself, then back to carol on home, who is not registered there:
 * the home pool parks them as arrival 1. Returns the parked arrival.
 */
async function parkOnHome(f: MultichainFixture) {
  const home = { token: f.fund.contracts.token, lane: f.home.lane };
  const sat = { token: f.sat.token, lane: f.sat.lane };
  await f.sat.lane.execute(await send(home, sat, f.alice, f.alice.address, 10n * E18, SAT));
  await f.home.lane.execute(await send(sat, home, f.alice, f.carol.address, 10n * E18, HOME));
  const parked = await f.home.pool.parkedArrival(1n);
  expect(parked.receiver).to.equal(f.carol.address);
  return parked;
}

describe("bridge tasks (issue 18)", function () {
  after(resetAfterMultichain);

  describe("bridge:send", function () {
    it("should print the fee (--quote-only) and refuse an amount above the signer's balance, sending nothing", async function () {
      const f = await loadFixture(multichainFixture);
      await f.home.lane.setFee(777n);
      const args = {
        token: await f.fund.contracts.token.getAddress(),
        pool: await f.home.pool.getAddress(),
        router: await f.home.lane.getAddress(),
        dest: SAT.toString(),
        to: f.alice.address,
        amount: "1",
        quoteOnly: true,
      };
      const out = captureOutput();
      try {
        await hre.run("bridge:send", args);
        expect(out.lines).to.deep.equal(["fee: 777 wei (native)"]);
      } finally {
        out.restore();
      }
      const block = await hre.ethers.provider.getBlockNumber();
      let error: Error | undefined;
      try {
        await hre.run("bridge:send", { ...args, quoteOnly: false });
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).to.equal("--amount: 1.0 exceeds the balance 0.0");
      expect(await hre.ethers.provider.getBlockNumber()).to.equal(block);
    });
  });

  describe("bridge:status and bridge:captable", function () {
    it("should print a parked arrival waiting for the transfer agent, and the reconciled cap table", async function () {
      const f = await loadFixture(multichainFixture);
      const home = { token: f.fund.contracts.token, lane: f.home.lane };
      await f.sat.lane.execute(await send(home, f.sat, f.alice, f.bob.address, 10n * E18, SAT));
      const parked = await f.sat.pool.parkedArrival(1n);
      const out = captureOutput();
      try {
        await hre.run("bridge:status", {
          pool: await f.sat.pool.getAddress(),
          source: HOME.toString(),
          nonce: "1",
        });
        expect(out.lines[0]).to.match(
          /^parked as id 1 for 0x[0-9a-fA-F]{40} \(\d+ shares\), refusal 0x[0-9a-f]+: waiting for the transfer agent$/,
        );
        expect(out.lines[1]).to.equal(
          `waiting: id 1, ${parked.shares} shares for ${f.bob.address} from ${f.alice.address} on ${HOME}`,
        );
        out.lines.length = 0;
        await hre.run("bridge:captable", {
          homeToken: await f.fund.contracts.token.getAddress(),
          homePool: await f.home.pool.getAddress(),
          satellites: `satellite:${SAT}:${await f.sat.token.getAddress()}:${await f.sat.pool.getAddress()}`,
        });
        expect(out.lines[0]).to.equal("chain,wallet,shares,amount");
        expect(out.lines[out.lines.length - 1]).to.equal(
          `reconciliation,satellite,satellite shares ${parked.shares},locked on home ${parked.shares},in flight 0`,
        );
      } finally {
        out.restore();
      }
    });
  });

  describe("bridge:deliver and bridge:return", function () {
    describe("regression: issue 18 bridge tasks act through the transfer agent's Safe", function () {
      it("should show the old path refused: after the handover the first account holds no TRANSFER_AGENT, only the transfer agent's Safe does", async function () {
        const f = await loadFixture(multichainFixture);
        await parkOnHome(f);
        const [first] = await hre.ethers.getSigners();
        const safe = f.fund.as("transferAgent").address;
        const { manager } = f.fund.contracts;
        expect(await manager.hasRole(ROLE_IDS.TRANSFER_AGENT, first.address)).to.deep.equal([false, 0n]);
        expect(await manager.hasRole(ROLE_IDS.TRANSFER_AGENT, safe)).to.deep.equal([true, 0n]);
        // What bridge:deliver / bridge:return sent before: the first account calling the pool itself.
        await expect(f.home.pool.connect(first).deliver(1n))
          .to.be.revertedWithCustomError(f.home.pool, "AccessManagedUnauthorized")
          .withArgs(first.address);
        await expect(f.home.pool.connect(first).returnToSender(1n))
          .to.be.revertedWithCustomError(f.home.pool, "AccessManagedUnauthorized")
          .withArgs(first.address);
      });

      it("should deliver a parked arrival through the transfer agent's Safe, on the pool recorded on the network", async function () {
        const f = await loadFixture(multichainFixture);
        const parked = await parkOnHome(f);
        const { token } = f.fund.contracts;
        const safe = f.fund.as("transferAgent").address;
        // Still refused: carol is not registered on home (the token's rule, decoded, nothing sent).
        await expectRefused(
          "bridge:deliver",
          { id: "1" },
          `FundLockReleasePool.deliver(id=1) would revert with RecipientNotVerified(wallet=${f.carol.address}): nothing was sent`,
        );
        await registerInvestor(f.fund, f.carol.address);
        const amount = await token.amountForShares(parked.shares);
        const out = captureOutput();
        try {
          await hre.run("bridge:deliver", { id: "1" });
        } finally {
          out.restore();
        }
        expect(out.lines[0]).to.match(
          new RegExp(
            `^deliver arrival 1 \\(${parked.shares} shares, 10 tokens\\) to ${f.carol.address}: done by ` +
              `transferAgent Safe ${safe} \\(TRANSFER_AGENT\\), tx 0x[0-9a-f]{64} \\(block \\d+\\)$`,
          ),
        );
        expect(out.lines).to.include(
          `  FundLockReleasePool.ParkedDelivered(id=1, receiver=${f.carol.address}, shares=${parked.shares}, amount=${amount})`,
        );
        expect(await token.sharesOf(f.carol.address)).to.equal(parked.shares);
        expect(await f.home.pool.parkedShares()).to.equal(0n);
        await expectRefused(
          "bridge:deliver",
          { id: "1" },
          `--id: no arrival 1 is parked on pool ${await f.home.pool.getAddress()} (never parked, or delivered or ` +
            `returned since): nothing was sent`,
        );
      });

      it("should return a parked arrival through the transfer agent's Safe, which pays the CCIP fee, and refuse while the Safe cannot pay", async function () {
        const f = await loadFixture(multichainFixture);
        const parked = await parkOnHome(f);
        await f.home.lane.setFee(777n);
        const safe = f.fund.as("transferAgent").address;
        const [first] = await hre.ethers.getSigners();
        await first.sendTransaction({ to: safe, value: 700n });
        const summary =
          `return arrival 1 (${parked.shares} shares, 10 tokens) to ${f.alice.address} on ${SAT}, ` +
          `paying the CCIP fee of 777 wei`;
        const refusedOut = captureOutput();
        try {
          await expectRefused(
            "bridge:return",
            { id: "1" },
            `The transferAgent Safe ${safe} pays 777 wei of native currency from its own balance for ${summary} ` +
              `(777 wei), and holds 700 wei: send it at least 77 wei first. Nothing was sent`,
          );
        } finally {
          refusedOut.restore();
        }
        expect(refusedOut.lines).to.deep.equal([
          `CCIP fee of the return: 777 wei (native), sent with the call by the transferAgent Safe ${safe} from its ` +
            `own balance (700 wei now)`,
        ]);
        await first.sendTransaction({ to: safe, value: 77n });
        const queued = (await f.sat.lane.queue()).length;
        const out = captureOutput();
        try {
          await hre.run("bridge:return", { pool: await f.home.pool.getAddress(), id: "1" });
        } finally {
          out.restore();
        }
        expect(out.lines[0]).to.equal(
          `CCIP fee of the return: 777 wei (native), sent with the call by the transferAgent Safe ${safe} from its ` +
            `own balance (777 wei now)`,
        );
        expect(out.lines[1]).to.match(
          new RegExp(
            `^${escape(summary)}: done by transferAgent Safe ${safe} \\(TRANSFER_AGENT\\), tx 0x[0-9a-f]{64}`,
          ),
        );
        const messages = await f.sat.lane.queue();
        expect(messages.length).to.equal(queued + 1);
        expect(out.lines).to.include(
          `  FundLockReleasePool.ParkedReturned(id=1, remoteChainSelector=${SAT}, originalSender=${f.alice.address}, ` +
            `messageId=${messages[messages.length - 1]}, shares=${parked.shares})`,
        );
        expect(await hre.ethers.provider.getBalance(safe), "the Safe paid the fee").to.equal(0n);
        expect(await f.home.pool.parkedShares()).to.equal(0n);
        // The return arrives: alice holds her shares on the satellite again.
        const before = await f.sat.token.sharesOf(f.alice.address);
        await f.sat.lane.execute(messages[messages.length - 1]);
        expect(await f.sat.token.sharesOf(f.alice.address)).to.equal(before + parked.shares);
      });

      it("should write the return for offline signing (--offline) with the fee as the Safe transaction's value, which the owners then execute", async function () {
        const f = await loadFixture(multichainFixture);
        const parked = await parkOnHome(f);
        await f.home.lane.setFee(777n);
        const safe = f.fund.as("transferAgent").address;
        const signers = await hre.ethers.getSigners();
        await signers[0].sendTransaction({ to: safe, value: 777n });
        const dir = tmpDir();
        const out = captureOutput();
        let result: PerformResult;
        try {
          result = await expectNothingSent<PerformResult>("bridge:return", {
            id: "1",
            offline: true,
            proposalsDir: dir,
          });
        } finally {
          out.restore();
        }
        const outcome = result.outcomes[0];
        if (outcome.status !== "proposed") throw new Error(`unexpected ${outcome.status}`);
        expect(outcome.file).to.equal(
          `${dir}/hardhat/transferAgent-nonce${outcome.nonce}-returnToSender-${outcome.safeTxHash.slice(2, 10)}.json`,
        );
        const proposal = readProposal(outcome.file);
        expect(proposal).to.include({
          safe,
          to: await f.home.pool.getAddress(),
          value: "777",
          data: f.home.pool.interface.encodeFunctionData("returnToSender", [1n]),
        });
        expect(out.lines[out.lines.length - 1]).to.equal(
          "  The Safe must still hold 777 wei when the owners execute it; should the CCIP fee rise before, the pool " +
            "refuses with InsufficientFee: write the return again.",
        );
        expect(await f.home.pool.parkedShares()).to.equal(parked.shares);
        // Two of the transfer agent's owners (accounts 11, 12) sign elsewhere; anyone relays.
        const { domain, message } = proposal.typedData;
        const signatures = await Promise.all(
          [11, 12].map((i) => signers[i].signTypedData(domain, SAFE_TX_TYPES, message)),
        );
        await execProposal(proposal, signatures, signers[0]);
        expect(await f.home.pool.parkedShares()).to.equal(0n);
        expect(await hre.ethers.provider.getBalance(safe)).to.equal(0n);
      });

      it("should write a delivery for offline signing (--offline), and simulate it with --dry-run, sending nothing", async function () {
        const f = await loadFixture(multichainFixture);
        await parkOnHome(f);
        await registerInvestor(f.fund, f.carol.address);
        const safe = f.fund.as("transferAgent").address;
        const dir = tmpDir();
        const out = captureOutput();
        try {
          const dry = await expectNothingSent<PerformResult>("bridge:deliver", { id: "1", dryRun: true });
          expect(dry.outcomes.map((o) => o.status)).to.deep.equal(["simulated"]);
          const result = await expectNothingSent<PerformResult>("bridge:deliver", {
            id: "1",
            offline: true,
            proposalsDir: dir,
          });
          const outcome = result.outcomes[0];
          if (outcome.status !== "proposed") throw new Error(`unexpected ${outcome.status}`);
          expect(readProposal(outcome.file)).to.include({
            safe,
            to: await f.home.pool.getAddress(),
            value: "0",
            data: f.home.pool.interface.encodeFunctionData("deliver", [1n]),
          });
        } finally {
          out.restore();
        }
        expect((await f.home.pool.parkedArrival(1n)).receiver).to.equal(f.carol.address);
      });
    });

    describe("when the inputs are wrong", function () {
      it("should refuse an id that is not a parked arrival's, and a network recording no pool without --pool, sending nothing", async function () {
        const f = await loadFixture(multichainFixture);
        await expectRefused("bridge:deliver", { id: "0" }, '--id: "0" is not a parked arrival id');
        await expectRefused("bridge:return", { id: "one" }, '--id: "one" is not a parked arrival id');
        await expectRefused(
          "bridge:return",
          { id: "7" },
          `--id: no arrival 7 is parked on pool ${await f.home.pool.getAddress()} (never parked, or delivered or ` +
            `returned since): nothing was sent`,
        );
        await withRecords(
          async () => {
            await hre.deployments.delete("FundLockReleasePool");
          },
          async () => {
            await expectRefused(
              "bridge:deliver",
              { id: "1" },
              '--pool is required: no fund pool is recorded on network "hardhat" (no FundLockReleasePool or ' +
                "hardhat_FundBurnMintPool record)",
            );
          },
        );
      });
    });

    describe("when the pool is governed by another AccessManager (a satellite's)", function () {
      it("should send the call from the local account holding TRANSFER_AGENT there, and refuse --offline", async function () {
        const f = await loadFixture(multichainFixture);
        const home = { token: f.fund.contracts.token, lane: f.home.lane };
        // Bob is not copied to the satellite: the arrival is parked there.
        await f.sat.lane.execute(await send(home, f.sat, f.alice, f.bob.address, 10n * E18, SAT));
        const parked = await f.sat.pool.parkedArrival(1n);
        const pool = await f.sat.pool.getAddress();
        await expectRefused(
          "bridge:return",
          { pool, id: "1", offline: true },
          `--offline and --nonce write proposals of the role holders' Safes recorded for a fund; network ` +
            `"hardhat" records none for the pool's AccessManager ${await f.sat.manager.getAddress()}`,
        );
        const out = captureOutput();
        try {
          await hre.run("bridge:return", { pool, id: "1" });
        } finally {
          out.restore();
        }
        expect(out.lines[0]).to.match(
          new RegExp(
            `^return arrival 1 \\(${parked.shares} shares, 10 tokens\\) to ${f.alice.address} on ${HOME}, paying ` +
              `the CCIP fee of 0 wei: done by account ${f.satAgent.address} \\(TRANSFER_AGENT\\), tx 0x[0-9a-f]{64}$`,
          ),
        );
        expect(await f.sat.pool.parkedShares()).to.equal(0n);
      });
    });
  });

  describe("managedCall / executeScheduled with a value (lib/governance.ts)", function () {
    it("should send the value with the execute of a call scheduled behind an execution delay (schedule carries none)", async function () {
      const f = await loadFixture(multichainFixture);
      const home = { token: f.fund.contracts.token, lane: f.home.lane };
      await f.sat.lane.execute(await send(home, f.sat, f.alice, f.bob.address, 10n * E18, SAT));
      await f.sat.lane.setFee(555n);
      // The satellite's admin gives carol TRANSFER_AGENT behind an hour's execution delay.
      await f.sat.manager.grantRole(ROLE_IDS.TRANSFER_AGENT, f.carol.address, 3600);
      const params = {
        manager: f.sat.manager,
        caller: f.carol,
        target: await f.sat.pool.getAddress(),
        data: f.sat.pool.interface.encodeFunctionData("returnToSender", [1n]),
        interfaces: [f.sat.pool.interface],
      };
      const scheduled = await managedCall({ ...params, value: 555n });
      expect(scheduled.status).to.equal("scheduled");
      expect(scheduled.response.value, "schedule sends no value").to.equal(0n);
      await time.increase(3600);
      await expect(executeScheduled(params))
        .to.be.revertedWithCustomError(f.sat.pool, "InsufficientFee")
        .withArgs(555n, 0n);
      const executed = await executeScheduled({ ...params, value: 555n });
      expect(executed.response.value).to.equal(555n);
      expect(await f.sat.pool.parkedShares()).to.equal(0n);
    });
  });

  describe("captable:export --chains", function () {
    it("should write every chain's holders, the consolidated holders, the supply per chain and the reconciliation with the home pool's locked shares", async function () {
      const f = await loadFixture(multichainFixture);
      const home = { token: f.fund.contracts.token, lane: f.home.lane };
      const a = f.alice.address;
      // 100 tokens delivered on the satellite, 10 more in flight.
      await f.sat.lane.execute(await send(home, f.sat, f.alice, a, 100n * E18, SAT));
      await send(home, f.sat, f.alice, a, 10n * E18, SAT);
      const token = f.fund.contracts.token;
      const [homeShares, satShares, homeTotal, satTotal, index, locked] = await Promise.all([
        token.sharesOf(a),
        f.sat.token.sharesOf(a),
        token.totalShares(),
        f.sat.token.totalShares(),
        token.index(),
        f.home.pool.lockedShares(SAT),
      ]);
      const amount = (shares: bigint) => formatUnits((shares * index) / E18, 18);
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "captable-")), "chains.csv");
      setFundConfigOverride(f.config);
      const out = captureOutput();
      try {
        await hre.run("captable:export", { out: file, chains: true });
      } finally {
        out.restore();
        setFundConfigOverride(undefined);
      }
      expect(fs.readFileSync(file, "utf8").trim().split("\n")).to.deep.equal([
        "scope,chain,wallet,shares,amount",
        `chain,hardhat,${a},${homeShares},${amount(homeShares)}`,
        `chain,satellite,${a},${satShares},${amount(satShares)}`,
        `all,,${a},${homeShares + satShares},${amount(homeShares + satShares)}`,
        `supply,hardhat,,${homeTotal},${amount(homeTotal)}`,
        `supply,satellite,,${satTotal},${amount(satTotal)}`,
        `reconciliation,satellite,locked ${locked},${satTotal},in flight ${locked - satTotal}`,
      ]);
      expect(locked - satTotal, "the 10 tokens in flight").to.equal(await token.sharesForAmount(10n * E18));
      expect(out.lines[0]).to.equal(`Cap table across 2 chains written to ${file}`);
    });

    it("should refuse a network whose fund config has no multichain deployment", async function () {
      await loadFixture(multichainFixture);
      const error = await hre.run("captable:export", { out: "unused.csv", chains: true }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).to.equal("the fund config of hardhat has no multichain deployment");
    });
  });
});
