import * as fs from "fs";
import * as path from "path";
import hre from "hardhat";
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, keccak256, toBeHex } from "ethers";
import {
  deployFundFixture,
  registerInvestor,
  mint,
  publishNav,
  publishReserves,
  ONE,
  DAY,
} from "../helpers/fund";
import { RULES } from "../../lib/compliance-rules";
import type { CapTable, Reconciliation } from "../../scripts/tasks/captable";
import { captureOutput, expectNothingSent, expectRefused, tmpDir } from "./helpers";

/** ERC-7201 slot of FundToken's storage (contracts/token/FundTokenBase.sol); `accounts` is its 4th field. */
const TOKEN_STORAGE = 0x86873f1b879875410db3a709b234d468609418f813435623928c4cc915dc1700n;

/**
 * Alice holds through two wallets (100 + 50), Bob's wallet (200) is frozen, Carol's 10 tokens are under a
 * 30-day lockup, Dave is registered without tokens.
 */
async function registerFixture() {
  const f = await loadFixture(deployFundFixture);
  const { fund } = f;
  const [alice, alice2, bob, carol, dave] = f.investors.map((s) => s.address);
  await registerInvestor(fund, alice);
  await registerInvestor(fund, alice2, { identity: alice });
  await registerInvestor(fund, bob, { country: 826 });
  await registerInvestor(fund, carol);
  await registerInvestor(fund, dave);
  await mint(fund, alice, 100n * ONE);
  await mint(fund, alice2, 50n * ONE);
  await mint(fund, bob, 200n * ONE);
  await fund.as("transferAgent").on(fund.contracts.token).setAddressFrozen(bob, true);
  const { compliance } = fund.contracts;
  await fund
    .as("issuer")
    .now(compliance)
    .setLockPeriod(30 * DAY);
  await fund
    .as("issuer")
    .now(compliance)
    .setRules(Number(await compliance.rules()) | RULES.LOCKUP);
  // The two issuer delays took four days: the reserve round is stale for issuance until the next one.
  await publishReserves(fund, "10000000");
  await mint(fund, carol, 10n * ONE);
  return { ...f, alice, alice2, bob, carol, dave };
}

describe("tasks: cap table", function () {
  let output: ReturnType<typeof captureOutput>;
  beforeEach(() => (output = captureOutput()));
  afterEach(() => output.restore());

  describe("captable:export", function () {
    it("should write one row per investor identity with wallets, holdings, locked and frozen tokens", async function () {
      const { fund, alice, alice2, bob, carol, dave } = await loadFixture(registerFixture);
      const out = path.join(tmpDir(), "reports", "cap-table.csv");
      const table: CapTable = await expectNothingSent("captable:export", { out });
      // The fund's own accounts registered by the deploy scripts, in registration order, hold nothing yet.
      const fundAccounts = table.rows.filter((r) => r.classes.includes("protocol")).map((r) => r.identity);
      expect(fundAccounts[0]).to.equal(await fund.contracts.token.feeWallet());
      expect(fs.readFileSync(out, "utf8").split("\n")).to.deep.equal([
        "identity,wallets,country,classes,shares,balance,locked,frozen",
        ...fundAccounts.map((a) => `${a},${a},840,protocol,0,0,0,0`),
        `${alice},${alice}|${alice2},840,accredited,${150n * ONE},150,0,0`,
        `${bob},${bob},826,accredited,${200n * ONE},200,0,200`,
        `${carol},${carol},840,accredited,${10n * ONE},10,10,0`,
        `${dave},${dave},840,accredited,0,0,0,0`,
        "",
      ]);
      expect(table.sumShares).to.equal(table.totalShares);
      expect(table.totalSupply).to.equal(360n * ONE);
      expect(output.lines[0]).to.equal(
        `Cap table at block ${table.blockNumber}: ${fundAccounts.length + 4} identities written to ${out}`,
      );
    });

    it("should follow wallets re-bound to another identity and removed wallets", async function () {
      const { fund, alice, dave } = await loadFixture(registerFixture);
      const { registry } = fund.contracts;
      await fund.as("complianceOfficer").on(registry).updateIdentity(dave, alice);
      const table: CapTable = await hre.run("captable:export", { out: path.join(tmpDir(), "t.csv") });
      expect(table.rows.find((r) => r.identity === alice)!.wallets).to.have.length(3);
      expect(table.rows.find((r) => r.identity === dave)).to.equal(undefined);
      await fund.as("complianceOfficer").on(registry).deleteIdentity(dave);
      const after: CapTable = await hre.run("captable:export", { out: path.join(tmpDir(), "t.csv") });
      expect(after.rows.find((r) => r.identity === alice)!.wallets).to.not.include(dave);
    });

    it("regression: issue 22 export reads - should give the token's balances, frozen and locked tokens after an accrual, partial freezes and an unfreeze, reading the freeze and lockup only of those that had one", async function () {
      const { fund, alice, alice2, bob, carol, dave } = await loadFixture(registerFixture);
      const { token, compliance } = fund.contracts;
      await fund
        .as("transferAgent")
        .on(token)
        .freezePartialTokens(alice2, 20n * ONE);
      await fund.as("transferAgent").on(token).setAddressFrozen(bob, false);
      await fund
        .as("transferAgent")
        .on(token)
        .freezePartialTokens(bob, 7n * ONE);
      await time.increase(DAY);
      await publishNav(fund, "1.0003");
      await hre.run("nav:accrue", {});
      const reads: string[] = [];
      const tokenAddress = (await token.getAddress()).toLowerCase();
      const complianceAddress = (await compliance.getAddress()).toLowerCase();
      const selectors = new Map<string, string>([
        [token.interface.getFunction("balanceOf")!.selector, "balanceOf"],
        [token.interface.getFunction("isFrozen")!.selector, "isFrozen"],
        [token.interface.getFunction("getFrozenTokens")!.selector, "getFrozenTokens"],
        [compliance.interface.getFunction("lockedShares")!.selector, "lockedShares"],
      ]);
      const send = hre.network.provider.send.bind(hre.network.provider);
      const request = hre.network.provider.request.bind(hre.network.provider);
      const note = (method: string, params: unknown) => {
        if (method !== "eth_call") return;
        const { to, data } = (params as [{ to: string; data: string }])[0];
        const f = selectors.get(data.slice(0, 10));
        const target = to.toLowerCase();
        if (f && (target === tokenAddress || target === complianceAddress)) reads.push(f);
      };
      hre.network.provider.request = (args) => (note(args.method, args.params), request(args));
      hre.network.provider.send = (method, params) => (note(method, params), send(method, params));
      let table: CapTable;
      try {
        table = await hre.run("captable:export", { out: path.join(tmpDir(), "t.csv") });
      } finally {
        hre.network.provider.request = request;
        hre.network.provider.send = send;
      }
      const row = (identity: string) => table.rows.find((r) => r.identity === identity)!;
      const balance = async (...wallets: string[]) =>
        (await Promise.all(wallets.map((w) => token.balanceOf(w)))).reduce((s, b) => s + b, 0n);
      expect(row(alice).balance).to.equal(await balance(alice, alice2));
      expect(row(alice).balance).to.not.equal(150n * ONE); // accrued
      expect(row(alice).frozen).to.equal(await token.getFrozenTokens(alice2));
      expect(row(bob).balance).to.equal(await balance(bob));
      expect(row(bob).frozen).to.equal(await token.getFrozenTokens(bob));
      expect(row(carol).locked).to.equal(await token.amountForShares(await compliance.lockedShares(carol)));
      expect(row(carol).locked).to.be.greaterThan(0n);
      expect(row(dave).frozen).to.equal(0n);
      expect(table.totalSupply).to.equal(await token.totalSupply());
      // No balanceOf (shares x index), the freeze of alice2 and bob only, the lockup of carol only.
      expect(reads.sort()).to.deep.equal(
        ["getFrozenTokens", "getFrozenTokens", "isFrozen", "isFrozen", "lockedShares"].sort(),
      );
    });

    it("should refuse an output path that is a directory", async function () {
      await loadFixture(registerFixture);
      const dir = tmpDir();
      await expectRefused(
        "captable:export",
        { out: dir },
        `--out: "${dir}" is a directory; give a file name, e.g. cap-table.csv`,
      );
    });
  });

  describe("captable:reconcile", function () {
    it("should rebuild every wallet's shares from the events after transfers, remedies and accrual", async function () {
      const { fund, investors, alice, alice2, carol } = await loadFixture(registerFixture);
      const { token } = fund.contracts;
      await token.connect(investors[0]).transfer(carol, 25n * ONE);
      await hre.run("token:force-transfer", { from: alice2, to: alice, amount: "all" });
      await hre.run("token:burn", { wallet: alice, amount: "5" });
      await time.increase(DAY);
      await publishNav(fund, "1.0002");
      await hre.run("nav:accrue", {});
      const report: Reconciliation = await expectNothingSent("captable:reconcile", {});
      expect(report.differences).to.deep.equal([]);
      expect(report.totalFromEvents).to.equal(await token.totalShares());
      expect(report.sumOnChain).to.equal(report.totalOnChain);
      expect(report.wallets).to.equal(5); // alice, alice2, bob, carol, fee wallet
      expect(output.lines).to.include("  every wallet reconciles");
    });

    it("should report the wallet whose shares differ from its events and fail", async function () {
      const { fund, alice } = await loadFixture(registerFixture);
      const slot = BigInt(
        keccak256(AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [alice, TOKEN_STORAGE + 3n])),
      );
      const token = await fund.contracts.token.getAddress();
      const word = BigInt(await hre.ethers.provider.getStorage(token, slot));
      // One share more in Alice's account word (shares are its low 128 bits): state the events cannot explain.
      await hre.network.provider.send("hardhat_setStorageAt", [token, toBeHex(slot), toBeHex(word + 1n, 32)]);
      const block = await hre.ethers.provider.getBlockNumber();
      const error = (await expectRefused(
        "captable:reconcile",
        {},
        `The cap table does not reconcile at block ${block}: 1 wallet(s) differ, and the totals differ`,
      )) as unknown as { report: Reconciliation };
      expect(error.report.differences).to.deep.equal([
        { wallet: alice, fromEvents: 100n * ONE, onChain: 100n * ONE + 1n },
      ]);
      expect(output.lines).to.include(
        `  ${alice}: events ${100n * ONE} shares, sharesOf ${100n * ONE + 1n} (difference 1)`,
      );
    });

    it("should refuse a first block that is not a number", async function () {
      await loadFixture(registerFixture);
      await expectRefused(
        "captable:reconcile",
        { fromBlock: "abc" },
        '--from-block: "abc" must be an integer between 0 and 9007199254740991',
      );
    });
  });
});
