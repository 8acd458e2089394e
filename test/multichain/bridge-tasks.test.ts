/**
 * Issue 18: the bridge tasks (scripts/tasks/bridge.ts) run through `hre.run` as the CLI does, on the two-chain
 * fixture.
 */
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { HOME, SAT, expect, multichainFixture, send, resetAfterMultichain } from "./fixtures";
import { captureOutput } from "../tasks/helpers";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { formatUnits } from "ethers";
import { setFundConfigOverride } from "../../deploy/lib/context";

const E18 = 10n ** 18n;

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
