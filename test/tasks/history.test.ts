import hre from "hardhat";
import { expect } from "chai";
import { Wallet, ZeroAddress, type Interface, type Log, type Provider } from "ethers";
import { scanLogs } from "../../lib/log-scan";
import { replayRegistryLogs } from "../../lib/registry-index";
import { replayTransferShares } from "../../scripts/tasks/captable";
import { packRecord } from "../../lib/investor-record";

/** A log of `iface`'s event `name` at (block, index) in transaction `tx`. */
function log(
  iface: Interface,
  name: string,
  args: unknown[],
  block: number,
  index: number,
  tx = `0x${"ab".repeat(32)}`,
): Log {
  const { data, topics } = iface.encodeEventLog(name, args);
  return { data, topics, blockNumber: block, index, transactionHash: tx } as unknown as Log;
}

describe("tasks: event history", function () {
  let registryIface: Interface;
  let tokenIface: Interface;
  before(async function () {
    registryIface = (await hre.ethers.getContractFactory("IdentityRegistry")).interface;
    tokenIface = (await hre.ethers.getContractAt("IFundToken", ZeroAddress)).interface;
  });
  const [a, b, x, y] = Array.from({ length: 4 }, () => Wallet.createRandom().address);
  const record = (identity: string) =>
    packRecord({ identity, country: 840, classes: 1, kycExpiry: 4e9, revoked: false });

  describe("scanLogs", function () {
    it("should halve the block range when the RPC refuses a query, and return every log in chain order", async function () {
      const queries: [number, number][] = [];
      const provider = {
        async getLogs(filter: { fromBlock: number; toBlock: number }) {
          queries.push([filter.fromBlock, filter.toBlock]);
          if (filter.toBlock - filter.fromBlock + 1 > 3)
            throw new Error("query returned more than 10000 results");
          const out: Log[] = [];
          for (let n = filter.toBlock; n >= filter.fromBlock; n--) {
            out.push({ blockNumber: n, index: 1 } as Log, { blockNumber: n, index: 0 } as Log);
          }
          return out;
        },
      } as unknown as Provider;
      const logs = await scanLogs(provider, ZeroAddress, { fromBlock: 10, toBlock: 19, chunk: 8 });
      expect(logs.map((l) => [l.blockNumber, l.index])).to.deep.equal(
        Array.from({ length: 10 }, (_, i) => [
          [10 + i, 0],
          [10 + i, 1],
        ]).flat(),
      );
      expect(queries).to.deep.equal([
        [10, 17],
        [10, 13],
        [10, 11],
        [12, 13],
        [14, 15],
        [16, 17],
        [18, 19],
      ]);
    });

    describe("when a public RPC caps the block range and the results (issue 22)", function () {
      /** A provider refusing more than `maxRange` blocks or `maxResults` logs, with `perBlock(n)` logs in block n. */
      function capped(maxRange: number, maxResults: number, perBlock: (n: number) => number) {
        const queries: [number, number][] = [];
        const provider = {
          async getLogs(filter: { fromBlock: number; toBlock: number }) {
            queries.push([filter.fromBlock, filter.toBlock]);
            if (filter.toBlock - filter.fromBlock + 1 > maxRange)
              throw new Error(`query exceeds max block range ${maxRange}`);
            const out: Log[] = [];
            for (let n = filter.fromBlock; n <= filter.toBlock; n++)
              for (let i = 0; i < perBlock(n); i++) out.push({ blockNumber: n, index: i } as Log);
            if (out.length > maxResults) throw new Error(`query returned more than ${maxResults} results`);
            return out;
          },
        } as unknown as Provider;
        return { provider, queries };
      }

      it("regression: issue 22 log scan - should grow the range back after a dense stretch, missing and repeating no log", async function () {
        // Blocks 0-99 hold 50 logs each (a batch of registrations), blocks 100-4,999 one log every 10 blocks.
        const perBlock = (n: number) => (n < 100 ? 50 : n % 10 === 0 ? 1 : 0);
        const { provider, queries } = capped(2_000, 500, perBlock);
        const logs = await scanLogs(provider, ZeroAddress, { fromBlock: 0, toBlock: 4_999, chunk: 2_000 });
        const expected: [number, number][] = [];
        for (let n = 0; n < 5_000; n++) for (let i = 0; i < perBlock(n); i++) expected.push([n, i]);
        expect(logs.map((l) => [l.blockNumber, l.index])).to.deep.equal(expected);
        // The old scan stayed at the 7-block range the dense stretch needed: about 700 queries.
        expect(queries.length).to.be.lessThan(100);
        expect(queries[queries.length - 1][1]).to.equal(4_999);
      });

      it("regression: issue 22 log scan - should drop logs a provider returns outside the range asked, so none is counted twice", async function () {
        const provider = {
          async getLogs(filter: { fromBlock: number; toBlock: number }) {
            // Ignores the lower bound: answers every log from block 0.
            const out: Log[] = [];
            for (let n = 0; n <= filter.toBlock; n++) out.push({ blockNumber: n, index: 0 } as Log);
            return out;
          },
        } as unknown as Provider;
        const logs = await scanLogs(provider, ZeroAddress, { fromBlock: 0, toBlock: 9, chunk: 3 });
        expect(logs.map((l) => l.blockNumber)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      });
    });
  });

  describe("replayRegistryLogs", function () {
    it("should follow registrations, re-bindings (wallet from the next record change) and removals", function () {
      const logs = [
        log(registryIface, "IdentityRegistered", [a, x], 1, 0),
        log(registryIface, "IdentityRegistered", [b, x], 2, 0),
        log(registryIface, "IdentityUpdated", [x, y], 3, 4, `0x${"01".repeat(32)}`),
        log(registryIface, "InvestorRecordChanged", [b, record(x), record(y)], 3, 5, `0x${"01".repeat(32)}`),
        log(registryIface, "IdentityRemoved", [a, x], 4, 0),
      ];
      const index = replayRegistryLogs(registryIface, logs, 4);
      expect([...index.identityOf]).to.deep.equal([[b, y]]);
      expect([...index.walletsOf]).to.deep.equal([[y, [b]]]);
    });

    it("should fail when an IdentityUpdated is not followed by the record change naming its wallet", function () {
      const tx = `0x${"02".repeat(32)}`;
      const logs = [
        log(registryIface, "IdentityRegistered", [a, x], 1, 0),
        log(registryIface, "IdentityUpdated", [x, y], 2, 7, tx),
      ];
      expect(() => replayRegistryLogs(registryIface, logs, 2)).to.throw(
        `IdentityUpdated in transaction ${tx} (log 7) is not followed by the InvestorRecordChanged naming its wallet`,
      );
    });
  });

  describe("replayTransferShares", function () {
    it("should add mints, move transfers and subtract burns per wallet", function () {
      const logs = [
        log(tokenIface, "TransferShares", [ZeroAddress, a, 10n], 1, 0),
        log(tokenIface, "Transfer", [ZeroAddress, a, 10n], 1, 1),
        log(tokenIface, "TransferShares", [a, b, 3n], 2, 0),
        log(tokenIface, "TransferShares", [b, ZeroAddress, 2n], 3, 0),
      ];
      expect([...replayTransferShares(tokenIface, logs)]).to.deep.equal([
        [a, 7n],
        [b, 1n],
      ]);
    });
  });
});
