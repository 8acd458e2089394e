/**
 * Issue 18: what the bridge tasks do (lib/bridge.ts): a holder's send with its fee, the status of a transfer
 * from source to arrival, the arrivals waiting for the transfer agent, and the cap table across chains reconciled
 * with the home pool's locked shares.
 */
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { SAT, HOME, expect, lastMessage, multichainFixture, resetAfterMultichain } from "./fixtures";
import { capTableAcrossChains, sendTransfer, transferStatus, waitingArrivals } from "../../lib/bridge";

const E18 = 10n ** 18n;

describe("lib/bridge.ts (issue 18: the bridge tasks' functions)", function () {
  after(resetAfterMultichain);

  describe("sendTransfer and transferStatus", function () {
    it("should send with the quoted fee and follow the transfer from in flight to delivered", async function () {
      const f = await loadFixture(multichainFixture);
      await f.home.lane.setFee(1234n);
      const sent = await sendTransfer(f.alice, {
        token: f.fund.contracts.token,
        pool: f.home.pool,
        router: f.home.lane,
        dest: SAT,
        receiver: f.alice.address,
        amount: 200n * E18,
      });
      expect(sent.fee).to.equal(1234n);
      expect(sent.nonce).to.equal(1n);
      expect(await transferStatus(f.sat.pool, HOME, sent.nonce)).to.deep.equal({ status: "in flight" });
      await f.sat.lane.execute(await lastMessage(f.sat.lane));
      const index = await f.sat.token.index();
      expect(await transferStatus(f.sat.pool, HOME, sent.nonce)).to.deep.equal({
        status: "delivered",
        receiver: f.alice.address,
        shares: sent.shares,
        amount: (sent.shares * index) / E18,
      });
    });

    it("should report a refused arrival as parked and waiting, then no longer waiting once delivered", async function () {
      const f = await loadFixture(multichainFixture);
      const sent = await sendTransfer(f.alice, {
        token: f.fund.contracts.token,
        pool: f.home.pool,
        router: f.home.lane,
        dest: SAT,
        receiver: f.bob.address,
        amount: 50n * E18,
      });
      await f.sat.lane.execute(await lastMessage(f.sat.lane));
      const reason = f.sat.token.interface.encodeErrorResult("RecipientNotVerified", [f.bob.address]);
      expect(await transferStatus(f.sat.pool, HOME, sent.nonce)).to.deep.equal({
        status: "parked",
        id: 1n,
        receiver: f.bob.address,
        shares: sent.shares,
        reason,
        waiting: true,
      });
      expect(await waitingArrivals(f.sat.pool)).to.deep.equal([
        {
          id: 1n,
          receiver: f.bob.address,
          sourceChainSelector: HOME,
          originalSender: f.alice.address,
          shares: sent.shares,
        },
      ]);
      await f.home.relay.syncInvestors(SAT, [f.bob.address]);
      await f.sat.lane.execute(await lastMessage(f.sat.lane));
      await f.sat.pool.connect(f.satAgent).deliver(1n);
      expect(await waitingArrivals(f.sat.pool)).to.deep.equal([]);
      expect((await transferStatus(f.sat.pool, HOME, sent.nonce)).status).to.equal("parked");
    });
  });

  describe("capTableAcrossChains", function () {
    it("should list each chain and the consolidated position, and reconcile satellite shares with the home pool's locked shares", async function () {
      const f = await loadFixture(multichainFixture);
      const { token } = f.fund.contracts;
      const before = await token.sharesOf(f.alice.address);
      const one = { token, pool: f.home.pool, router: f.home.lane, dest: SAT, receiver: f.alice.address };
      const a = await sendTransfer(f.alice, { ...one, amount: 300n * E18 });
      await f.sat.lane.execute(await lastMessage(f.sat.lane));
      const b = await sendTransfer(f.alice, { ...one, amount: 100n * E18 });
      const sats = [{ chain: "satellite", selector: SAT, token: f.sat.token, pool: f.sat.pool }];
      const table = await capTableAcrossChains({ token, pool: f.home.pool }, sats);
      expect(table.chains.map((c) => c.chain)).to.deep.equal(["home", "satellite"]);
      expect(table.chains[1].holders).to.deep.equal([
        { wallet: f.alice.address, shares: a.shares, amount: (a.shares * (await f.sat.token.index())) / E18 },
      ]);
      const alice = table.consolidated.find((h) => h.wallet === f.alice.address)!;
      // In flight: counted by the home pool, on no chain's holders.
      expect(alice.shares).to.equal(before - b.shares);
      expect(table.reconciliation).to.deep.equal([
        {
          chain: "satellite",
          satelliteShares: a.shares,
          lockedOnHome: a.shares + b.shares,
          difference: b.shares,
        },
      ]);
    });
  });
});
