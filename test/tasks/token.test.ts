import hre from "hardhat";
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployFundFixture, registerInvestor, mint, ONE, DAY } from "../helpers/fund";
import type { PerformResult } from "../../scripts/tasks/execute";
import { captureOutput, expectNothingSent, expectRefused } from "./helpers";

const iso = (seconds: bigint | number) =>
  new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");

/** Alice holds 1,000 tokens; Bob is registered and empty. */
async function holdersFixture() {
  const f = await loadFixture(deployFundFixture);
  const [alice, bob] = [f.investors[0].address, f.investors[1].address];
  await registerInvestor(f.fund, alice);
  await registerInvestor(f.fund, bob);
  await mint(f.fund, alice, 1000n * ONE);
  return { ...f, alice, bob };
}

describe("tasks: token", function () {
  let output: ReturnType<typeof captureOutput>;
  beforeEach(() => (output = captureOutput()));
  afterEach(() => output.restore());

  describe("token:freeze and token:unfreeze", function () {
    it("should freeze and unfreeze a whole wallet through the transfer agent's Safe", async function () {
      const { fund, alice } = await loadFixture(holdersFixture);
      const result: PerformResult = await hre.run("token:freeze", { wallet: alice });
      expect(result.role).to.equal("TRANSFER_AGENT");
      expect(await fund.contracts.token.isFrozen(alice)).to.equal(true);
      expect(output.text()).to.contain(
        `FundToken.AddressFrozen(_userAddress=${alice}, _isFrozen=true, _owner=${result.holder.address})`,
      );
      await hre.run("token:unfreeze", { wallet: alice });
      expect(await fund.contracts.token.isFrozen(alice)).to.equal(false);
    });

    it("should freeze and unfreeze part of the tokens with --amount", async function () {
      const { fund, alice } = await loadFixture(holdersFixture);
      await hre.run("token:freeze", { wallet: alice, amount: "100.5" });
      expect(await fund.contracts.token.getFrozenTokens(alice)).to.equal(1005n * 10n ** 17n);
      await hre.run("token:unfreeze", { wallet: alice, amount: "100.5" });
      expect(await fund.contracts.token.getFrozenTokens(alice)).to.equal(0n);
    });

    describe("when an input is wrong", function () {
      it("should refuse a wallet that is not registered", async function () {
        const { investors } = await loadFixture(holdersFixture);
        const stranger = investors[9].address;
        await expectRefused(
          "token:freeze",
          { wallet: stranger },
          `--wallet: ${stranger} is not registered in the identity registry`,
        );
      });

      it("should refuse an amount with more than 18 decimals", async function () {
        const { alice } = await loadFixture(holdersFixture);
        await expectRefused(
          "token:freeze",
          { wallet: alice, amount: "1.0000000000000000001" },
          '--amount: "1.0000000000000000001" has 19 decimals; at most 18 are allowed',
        );
      });

      it("should refuse to freeze more than the unfrozen balance", async function () {
        const { fund, alice } = await loadFixture(holdersFixture);
        await fund
          .as("transferAgent")
          .on(fund.contracts.token)
          .freezePartialTokens(alice, 400n * ONE);
        await expectRefused(
          "token:freeze",
          { wallet: alice, amount: "601" },
          `--amount: 601 exceeds the unfrozen balance of ${alice} (600)`,
        );
      });

      it("should refuse to unfreeze a wallet that is not frozen", async function () {
        const { alice } = await loadFixture(holdersFixture);
        await expectRefused(
          "token:unfreeze",
          { wallet: alice },
          `--wallet: ${alice} is not frozen: nothing to do`,
        );
      });
    });
  });

  describe("token:force-transfer", function () {
    it("should move tokens without the holder, and the whole balance with all", async function () {
      const { fund, alice, bob } = await loadFixture(holdersFixture);
      const { token } = fund.contracts;
      await hre.run("token:force-transfer", { from: alice, to: bob, amount: "250" });
      expect(await token.balanceOf(bob)).to.equal(250n * ONE);
      await hre.run("token:force-transfer", { from: alice, to: bob, amount: "all" });
      expect(await token.sharesOf(alice)).to.equal(0n);
      expect(await token.balanceOf(bob)).to.equal(1000n * ONE);
    });

    describe("when an input is wrong", function () {
      it("should refuse the same wallet on both sides", async function () {
        const { alice } = await loadFixture(holdersFixture);
        await expectRefused(
          "token:force-transfer",
          { from: alice, to: alice, amount: "1" },
          `--from and --to are the same wallet (${alice})`,
        );
      });

      it("should refuse a recipient that is not verified", async function () {
        const { alice, bob } = await loadFixture(holdersFixture);
        await hre.run("investor:revoke", { identity: bob });
        await expectRefused(
          "token:force-transfer",
          { from: alice, to: bob, amount: "1" },
          `--to: ${bob} is not verified (revoked)`,
        );
      });
    });
  });

  describe("token:recover", function () {
    it("should move a lost wallet's holdings and freeze to the investor's new wallet", async function () {
      const { fund, investors, alice } = await loadFixture(holdersFixture);
      const { token } = fund.contracts;
      const fresh = investors[2].address;
      await hre.run("investor:add", {
        wallet: fresh,
        identity: alice,
        country: "840",
        classes: "accredited",
        kycExpiry: "2099-01-01",
      });
      await hre.run("token:freeze", { wallet: alice, amount: "10" });
      await hre.run("token:recover", { lost: alice, new: fresh, identity: alice });
      expect(await token.balanceOf(alice)).to.equal(0n);
      expect(await token.balanceOf(fresh)).to.equal(1000n * ONE);
      expect(await token.getFrozenTokens(fresh)).to.equal(10n * ONE);
      expect(output.text()).to.contain(
        `FundToken.RecoverySuccess(_lostWallet=${alice}, _newWallet=${fresh}, _investorOnchainID=${alice})`,
      );
    });

    it("should refuse a new wallet registered to another investor", async function () {
      const { alice, bob } = await loadFixture(holdersFixture);
      await expectRefused(
        "token:recover",
        { lost: alice, new: bob, identity: alice },
        `--new: ${bob} belongs to identity ${bob}, not ${alice}: register it under the investor's identity first (investor:add --identity)`,
      );
    });
  });

  describe("token:pause and token:unpause", function () {
    it("should pause at once (guardian), schedule the unpause (issuer) and execute it once due", async function () {
      const { fund } = await loadFixture(holdersFixture);
      const { token } = fund.contracts;
      const paused: PerformResult = await hre.run("token:pause", {});
      expect(paused.role).to.equal("GUARDIAN");
      expect(await token.paused()).to.equal(true);

      const scheduled: PerformResult = await hre.run("token:unpause", {});
      const outcome = scheduled.outcomes[0];
      if (outcome.status !== "scheduled") throw new Error(`unexpected ${outcome.status}`);
      expect(outcome.executableAt).to.equal(BigInt((await time.latest()) + 2 * DAY));
      expect(output.lines).to.include(
        `  executable from ${iso(outcome.executableAt)}: run the same task with --execute then`,
      );
      expect(await token.paused()).to.equal(true);

      await expectRefused(
        "token:unpause",
        { execute: true },
        `FundToken.unpause() becomes executable at ${iso(outcome.executableAt)} (in 2d): nothing was sent`,
      );
      await expectRefused(
        "token:unpause",
        {},
        `FundToken.unpause() is already scheduled by the issuer Safe, executable at ${iso(outcome.executableAt)}: run the task with --execute then`,
      );
      await time.increase(2 * DAY);
      const executed: PerformResult = await hre.run("token:unpause", { execute: true });
      expect(executed.outcomes[0].status).to.equal("executed");
      expect(await token.paused()).to.equal(false);
    });

    it("should refuse to pause a paused token", async function () {
      await loadFixture(holdersFixture);
      await hre.run("token:pause", {});
      await expectRefused("token:pause", {}, "The token is already paused: nothing to do");
    });

    it("should refuse to unpause a token that is not paused", async function () {
      await loadFixture(holdersFixture);
      await expectRefused("token:unpause", {}, "The token is not paused: nothing to unpause");
    });

    it("should refuse to execute an unpause nobody scheduled", async function () {
      const { fund } = await loadFixture(holdersFixture);
      await hre.run("token:pause", {});
      const issuer = fund.as("issuer").address;
      await expectRefused(
        "token:unpause",
        { execute: true },
        `FundToken.unpause() is not scheduled by the issuer Safe ${issuer} (never scheduled, executed, cancelled or expired): schedule it first by running the task without --execute`,
      );
    });
  });

  describe("token:mint and token:burn", function () {
    it("should mint to a verified wallet and burn a whole balance", async function () {
      const { fund, bob } = await loadFixture(holdersFixture);
      const { token } = fund.contracts;
      const minted: PerformResult = await hre.run("token:mint", { wallet: bob, amount: "1234.5678" });
      expect(minted.role).to.equal("MINTER");
      expect(minted.holder.role).to.equal("transferAgent");
      expect(await token.balanceOf(bob)).to.equal(12345678n * 10n ** 14n);
      await hre.run("token:burn", { wallet: bob, amount: "all" });
      expect(await token.sharesOf(bob)).to.equal(0n);
    });

    it("should simulate a mint with --dry-run and send nothing", async function () {
      const { fund, bob } = await loadFixture(holdersFixture);
      await expectNothingSent("token:mint", { wallet: bob, amount: "5", dryRun: true });
      expect(await fund.contracts.token.balanceOf(bob)).to.equal(0n);
      expect(output.lines).to.include(
        `  would mint 5 tokens to ${bob}: FundToken.mint(_to=${bob}, _amount=${5n * ONE}): simulation succeeded`,
      );
    });

    describe("when an input is wrong", function () {
      it("should refuse an amount in scientific notation", async function () {
        const { bob } = await loadFixture(holdersFixture);
        await expectRefused(
          "token:mint",
          { wallet: bob, amount: "1e18" },
          '--amount: "1e18" is not a decimal amount (e.g. 1000 or 0.25)',
        );
      });

      it("should refuse a zero amount", async function () {
        const { bob } = await loadFixture(holdersFixture);
        await expectRefused(
          "token:mint",
          { wallet: bob, amount: "0.000" },
          "--amount: must be greater than zero",
        );
      });

      it("should decode the token's refusal when the mint would exceed the reserves", async function () {
        const { fund, bob } = await loadFixture(holdersFixture);
        const amount = 10_000_000n * ONE;
        const error = await expectRefused(
          "token:mint",
          { wallet: bob, amount: "10000000" },
          `FundToken.mint(_to=${bob}, _amount=${amount}) would revert with ReserveExceeded(newSupply=10,001,000 tokens ` +
            `[${amount + 1000n * ONE}], reserves=10,000,000 tokens [${10_000_000n * ONE}]): nothing was sent`,
        );
        await expect(Promise.reject(error)).to.be.revertedWithCustomError(
          fund.contracts.token,
          "ReserveExceeded",
        );
      });

      it("should refuse to burn more than the balance", async function () {
        const { alice } = await loadFixture(holdersFixture);
        await expectRefused(
          "token:burn",
          { wallet: alice, amount: "1000.000000000000000001" },
          `--amount: 1000.000000000000000001 exceeds the balance of ${alice} (1000)`,
        );
      });
    });
  });
});
