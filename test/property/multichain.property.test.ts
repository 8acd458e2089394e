/**
 * Issue 18: the model-based property test's second chain, in a block of its own (this file): random transfers
 * between the home chain and a satellite, executed in random order, interleaved with accruals (and index syncs) and
 * compliance changes on home (revocations, sanctions, onboarding, copied to the satellite), and the transfer
 * agent's remedies for parked arrivals. After every step:
 *
 * - global supply = home supply: home holders + home parked + satellite holders + satellite parked + shares in
 *   flight (either way) = the home token's total shares; and the home pool's locked shares = the satellite's total
 *   shares + the shares in flight;
 * - shares are conserved: every send moves exactly the shares its arrival delivers or parks;
 * - no wallet that is not verified on a chain gains shares on that chain;
 * - after an index sync is executed, a share is worth the same on both chains.
 *
 *   PROPERTY_MC_RUNS (default 3) sequences of up to PROPERTY_MC_COMMANDS (default 10) commands; PROPERTY_SEED.
 */
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  HOME,
  SAT,
  expect,
  lastMessage,
  multichainFixture,
  resetAfterMultichain,
  roleCalls,
  type MultichainFixture,
} from "../multichain/fixtures";
import { sendTransfer } from "../../lib/bridge";
import { registerInvestor } from "../helpers/fund";
import { feedUnits, publishNavAnswer, refreshReserves } from "../token/fixtures";

const RUNS = Number(process.env.PROPERTY_MC_RUNS ?? 3);
const MAX_COMMANDS = Number(process.env.PROPERTY_MC_COMMANDS ?? 10);

interface Pending {
  lane: "home" | "sat";
  id: string;
  shares: bigint;
}

interface World {
  f: MultichainFixture;
  pending: Pending[];
  nav: number;
  wallets: string[];
}

async function snapshot(w: World) {
  const { f } = w;
  const home = f.fund.contracts.token;
  const rows = [];
  for (const wallet of w.wallets) {
    rows.push({
      wallet,
      home: await home.sharesOf(wallet),
      sat: await f.sat.token.sharesOf(wallet),
      homeVerified: await f.fund.contracts.registry.isVerified(wallet),
      satVerified: await f.sat.registry.isVerified(wallet),
    });
  }
  return rows;
}

async function checkInvariants(w: World, before: Awaited<ReturnType<typeof snapshot>>) {
  const { f } = w;
  const home = f.fund.contracts.token;
  const after = await snapshot(w);
  const inFlight = w.pending.reduce((s, p) => s + p.shares, 0n);
  const homePool = await f.home.pool.getAddress();
  const feeWallet = await home.feeWallet();
  const homeHolders = after.reduce((s, r) => s + r.home, 0n) + (await home.sharesOf(feeWallet));
  const satHolders = after.reduce((s, r) => s + r.sat, 0n);
  const homeParked = await f.home.pool.parkedShares();
  const satParked = await f.sat.pool.parkedShares();
  const locked = await f.home.pool.lockedShares(SAT);
  expect(await home.sharesOf(homePool), "home pool = locked + parked").to.equal(locked + homeParked);
  expect(await f.sat.token.sharesOf(await f.sat.pool.getAddress()), "satellite pool = parked").to.equal(
    satParked,
  );
  expect(await f.sat.token.totalShares(), "satellite supply").to.equal(satHolders + satParked);
  expect(locked, "locked = satellite supply + in flight").to.equal(
    (await f.sat.token.totalShares()) + inFlight,
  );
  expect(
    homeHolders + homeParked + satHolders + satParked + inFlight,
    "global supply = home supply",
  ).to.equal(await home.totalShares());
  for (const [i, r] of after.entries()) {
    if (!before[i].homeVerified)
      expect(r.home, `unverified ${r.wallet} gained on home`).to.be.at.most(before[i].home);
    if (!before[i].satVerified)
      expect(r.sat, `unverified ${r.wallet} gained on the satellite`).to.be.at.most(before[i].sat);
  }
}

type Cmd = { name: string; run: (w: World) => Promise<void> };

const who = fc.integer({ min: 0, max: 2 });
const fraction = fc.constantFrom(0n, 1n, 3n, 10n); // tenths of the balance; 10 = everything

function sendCmd(from: "home" | "sat"): fc.Arbitrary<Cmd> {
  return fc.tuple(who, who, fraction).map(([s, r, tenths]) => ({
    name: `send ${from} ${s}->${r} ${tenths}/10`,
    run: async (w: World) => {
      const { f } = w;
      const signers = [f.alice, f.bob, f.carol];
      const holder = signers[s];
      const token = from === "home" ? f.fund.contracts.token : f.sat.token;
      const balance = await token.balanceOf(holder.address);
      const amount = (balance * tenths) / 10n;
      if (amount === 0n) return;
      try {
        const sent = await sendTransfer(holder, {
          token,
          pool: from === "home" ? f.home.pool : f.sat.pool,
          router: from === "home" ? f.home.lane : f.sat.lane,
          dest: from === "home" ? SAT : HOME,
          receiver: signers[r].address,
          amount,
        });
        const lane = from === "home" ? "sat" : "home";
        w.pending.push({
          lane,
          id: await lastMessage(lane === "sat" ? f.sat.lane : f.home.lane),
          shares: sent.shares,
        });
      } catch {
        // A refusal on the source (sanctioned, revoked, not verified there): nothing left.
      }
    },
  }));
}

const executeCmd: fc.Arbitrary<Cmd> = fc.nat().map((n) => ({
  name: `execute #${n}`,
  run: async (w: World) => {
    if (w.pending.length === 0) return;
    const i = n % w.pending.length;
    const p = w.pending[i];
    const lane = p.lane === "sat" ? w.f.sat.lane : w.f.home.lane;
    const pool = p.lane === "sat" ? w.f.sat.pool : w.f.home.pool;
    const parkedBefore = await pool.parkedShares();
    const tx = await lane.execute(p.id);
    const receipt = (await tx.wait())!;
    w.pending.splice(i, 1);
    // Conservation: the arrival delivered or parked exactly the shares sent.
    let arrived = 0n;
    for (const log of receipt.logs) {
      const parsed = log.address === (await pool.getAddress()) ? pool.interface.parseLog(log) : null;
      if (parsed?.name === "SharesArrived" || parsed?.name === "ArrivalParked")
        arrived += parsed.args.shares as bigint;
    }
    expect(arrived, "shares arrived = shares sent").to.equal(p.shares);
    expect((await pool.parkedShares()) >= parkedBefore).to.equal(true);
  },
}));

const accrueCmd: fc.Arbitrary<Cmd> = fc.boolean().map((syncNow) => ({
  name: `accrue${syncNow ? " + sync" : ""}`,
  run: async (w: World) => {
    const { f } = w;
    await time.increase(86_400);
    w.nav += 2;
    await refreshReserves(f.fund);
    await publishNavAnswer(f.fund, feedUnits((1 + w.nav / 10_000).toFixed(4)));
    await f.fund.contracts.token.accrue();
    await f.home.relay.syncIndex(SAT);
    if (syncNow) {
      await f.sat.lane.execute(await lastMessage(f.sat.lane));
      expect(await f.sat.token.index(), "one index everywhere").to.equal(
        await f.fund.contracts.token.index(),
      );
    } else {
      w.pending.push({ lane: "sat", id: await lastMessage(f.sat.lane), shares: 0n });
    }
  },
}));

const complianceCmd: fc.Arbitrary<Cmd> = fc
  .tuple(who, fc.constantFrom("revoke", "reinstate", "sanction", "clear", "onboard"))
  .map(([i, what]) => ({
    name: `${what} ${i}`,
    run: async (w: World) => {
      const { f } = w;
      const wallet = w.wallets[i];
      const { registry, compliance } = f.fund.contracts;
      const registered = await registry.contains(wallet);
      if (what === "onboard") {
        if (!registered) await registerInvestor(f.fund, wallet);
      } else if (what === "revoke" || what === "reinstate") {
        if (!registered || (await registry.isRevoked(wallet)) === (what === "revoke")) return;
        await roleCalls(f.fund, "complianceOfficer", [
          [registry, "setRevoked", [wallet, [wallet], what === "revoke"]],
        ]);
      } else {
        await roleCalls(f.fund, "complianceOfficer", [
          [compliance, "setSanctioned", [[wallet], what === "sanction"]],
        ]);
      }
      await f.home.relay.syncInvestors(SAT, [wallet]);
      // Copied at once, or later (a lagging satellite): both are explored.
      w.pending.push({ lane: "sat", id: await lastMessage(f.sat.lane), shares: 0n });
    },
  }));

const remedyCmd: fc.Arbitrary<Cmd> = fc.boolean().map((deliver) => ({
  name: deliver ? "deliver parked" : "return parked",
  run: async (w: World) => {
    const { f } = w;
    for (const side of ["sat", "home"] as const) {
      const pool = side === "sat" ? f.sat.pool : f.home.pool;
      const last = await pool.lastParkedId();
      for (let id = 1n; id <= last; ++id) {
        const p = await pool.parkedArrival(id);
        if (p.shares === 0n) continue;
        if (side === "home") return; // the home pool's remedies go through the transfer agent's Safe: not explored here
        if (deliver) {
          try {
            await pool.connect(f.satAgent).deliver(id);
          } catch {
            // Still refused: the shares keep waiting.
          }
        } else {
          await pool.connect(f.satAgent).returnToSender(id);
          w.pending.push({ lane: "home", id: await lastMessage(f.home.lane), shares: p.shares });
        }
        return;
      }
    }
  },
}));

describe("property: one fund on two chains (issue 18)", function () {
  after(resetAfterMultichain);
  it("should conserve shares, keep global supply = home supply and let no unverified wallet gain, in any interleaving", async function () {
    this.timeout(600_000);
    const seed = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : Date.now() % 2 ** 31;
    console.log(`      multichain property seed ${seed}`);
    const commands = fc.array(
      fc.oneof(sendCmd("home"), sendCmd("sat"), executeCmd, executeCmd, accrueCmd, complianceCmd, remedyCmd),
      {
        maxLength: MAX_COMMANDS,
      },
    );
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const f = await loadFixture(multichainFixture);
        const w: World = {
          f,
          pending: [],
          nav: 0,
          wallets: [f.alice.address, f.bob.address, f.carol.address],
        };
        for (const c of cmds) {
          const before = await snapshot(w);
          await c.run(w);
          await checkInvariants(w, before);
        }
      }),
      { numRuns: RUNS, seed, endOnFailure: true },
    );
  });
});
