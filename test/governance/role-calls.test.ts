/**
 * Issue 24: role calls are typed. `fund.as(role).on(target).fn(...args)` (and `now`, `executeOn`, `cancelOn`) send
 * `target.fn(...args)` through the role holder's Safe and the AccessManager exactly as the string form
 * `call(target, "fn", [args])` does, with the function and its arguments checked against TypeChain's types.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ONE, investorsFixture, type InvestorsFixture } from "../token/fixtures";
import type { RoleActor } from "../../lib/fund";

/**
 * Never run: `npm run lint` (tsc) compiles it, and each `@ts-expect-error` fails the lint if its line type-checks,
 * so these lines show what the types refuse.
 */
export function typeChecksOnly(f: InvestorsFixture, actor: RoleActor) {
  // @ts-expect-error a view is not a role call
  void actor.on(f.token).balanceOf(f.alice.address);
  // @ts-expect-error an argument of the wrong type (bool expected)
  void actor.on(f.token).setAddressFrozen(f.alice.address, 3n);
  // @ts-expect-error an argument missing
  void actor.on(f.token).setAddressFrozen(f.alice.address);
  // @ts-expect-error a function the token does not have
  void actor.on(f.token).setManagementFee(20);
}

describe("typed role calls (RoleActor.on, now, executeOn, cancelOn)", function () {
  describe("on", function () {
    describe("when the role executes at once (the transfer agent)", function () {
      it("should execute target.fn(...args) through the holder's Safe and return the executed result", async function () {
        const f = await loadFixture(investorsFixture);
        const agent = f.fund.as("transferAgent");
        const result = await agent.on(f.token).setAddressFrozen(f.alice.address, true);
        expect(result.status).to.equal("executed");
        await expect(result.response)
          .to.emit(f.token, "AddressFrozen")
          .withArgs(f.alice.address, true, agent.address);
        expect(await f.token.isFrozen(f.alice.address)).to.equal(true);
      });

      it("should resolve an address given as a signer or a contract, as ethers' Contract does", async function () {
        const f = await loadFixture(investorsFixture);
        const agent = f.fund.as("transferAgent");
        await agent.on(f.token).setAddressFrozen(f.bob, true);
        await agent.on(f.token).setAddressFrozen(f.fund.contracts.registry, true);
        expect(await f.token.isFrozen(f.bob.address)).to.equal(true);
        expect(await f.token.isFrozen(await f.fund.contracts.registry.getAddress())).to.equal(true);
      });
    });

    describe("when the role has an execution delay (the issuer)", function () {
      it("should schedule, then executeOn should execute after the delay", async function () {
        const f = await loadFixture(investorsFixture);
        const issuer = f.fund.as("issuer");
        const scheduled = await issuer.on(f.token).setName("Treasury Fund II");
        expect(scheduled.status).to.equal("scheduled");
        if (scheduled.status !== "scheduled") return;
        expect(await f.token.name()).to.not.equal("Treasury Fund II");
        await time.increaseTo(scheduled.executableAt);
        await issuer.executeOn(f.token).setName("Treasury Fund II");
        expect(await f.token.name()).to.equal("Treasury Fund II");
      });

      it("should let the guardian cancel the scheduled call with cancelOn, after which executeOn is refused", async function () {
        const f = await loadFixture(investorsFixture);
        const issuer = f.fund.as("issuer");
        const scheduled = await issuer.on(f.token).setSymbol("TF2");
        if (scheduled.status !== "scheduled") throw new Error("expected a scheduled call");
        await f.fund.as("guardian").cancelOn(issuer, f.token).setSymbol("TF2");
        await time.increaseTo(scheduled.executableAt);
        await expect(issuer.executeOn(f.token).setSymbol("TF2")).to.be.rejectedWith("is not scheduled");
        expect(await f.token.symbol()).to.not.equal("TF2");
      });
    });
  });

  describe("now", function () {
    it("should schedule, move the chain past the delay and execute (local networks)", async function () {
      const f = await loadFixture(investorsFixture);
      await f.fund.as("issuer").now(f.token).setSymbol("TF3");
      expect(await f.token.symbol()).to.equal("TF3");
    });
  });

  describe("when the input is wrong", function () {
    it("should refuse a name that is not a function of the target, naming it, and send nothing", async function () {
      const f = await loadFixture(investorsFixture);
      const calls = f.fund.as("transferAgent").on(f.token) as unknown as Record<string, unknown>;
      const block = await ethers.provider.getBlockNumber();
      expect(() => calls.freezeEverything).to.throw(
        `freezeEverything is not a function of the target ${await f.token.getAddress()}`,
      );
      expect(await ethers.provider.getBlockNumber()).to.equal(block);
    });

    it("should refuse a wrong number of arguments before sending anything", async function () {
      const f = await loadFixture(investorsFixture);
      const calls = f.fund.as("transferAgent").on(f.token) as unknown as Record<
        string,
        (...args: unknown[]) => Promise<unknown>
      >;
      const block = await ethers.provider.getBlockNumber();
      await expect(calls.setAddressFrozen(f.alice.address)).to.be.rejectedWith(
        "setAddressFrozen(address,bool) takes 2 argument(s), got 1",
      );
      expect(await ethers.provider.getBlockNumber()).to.equal(block);
      expect(await f.token.isFrozen(f.alice.address)).to.equal(false);
    });

    it("should be awaitable as a value (no `then` function: awaiting it does not call the target)", async function () {
      const f = await loadFixture(investorsFixture);
      const calls = f.fund.as("transferAgent").on(f.token);
      const awaited = await Promise.resolve(calls);
      // Compared by identity: the view refuses every name that is not a function of the token, as chai would probe.
      expect(awaited === calls).to.equal(true);
      expect(await f.token.balanceOf(f.alice.address)).to.be.greaterThan(ONE - 1n);
    });
  });
});
