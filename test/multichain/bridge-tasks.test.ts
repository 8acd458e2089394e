/**
 * Issue 18: the bridge tasks (scripts/tasks/bridge.ts) run through `hre.run` as the CLI does, on the two-chain
 * fixture.
 */
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { HOME, SAT, expect, multichainFixture, send } from "./fixtures";
import { captureOutput } from "../tasks/helpers";

const E18 = 10n ** 18n;

describe("bridge tasks (issue 18)", function () {
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
});
