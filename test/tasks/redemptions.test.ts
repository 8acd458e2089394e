import hre from "hardhat";
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet, parseUnits } from "ethers";
import { deployFundFixture, registerInvestor, publishNav, publishReserves, DAY } from "../helpers/fund";
import { HOLD, STATUS } from "../helpers/fund-manager-enums";
import { SAFE_TX_TYPES, execProposal, readProposal, readSafeState } from "../../lib/safe";
import type { PerformResult } from "../../scripts/tasks/execute";
import type { HeldResult, QueueReport, SettleResult } from "../../scripts/tasks/redemptions";
import { MAX_POSITIONS_PER_TX, SAFE_EXEC_OVERHEAD, settlementSplit } from "../../scripts/tasks/redemptions";
import { captureOutput, expectNothingSent, expectRefused, tmpDir, withRecords } from "./helpers";

const USDC = (value: string) => parseUnits(value, 6);
const TOKENS = (value: string) => parseUnits(value, 18);
const iso = (seconds: bigint | number) =>
  new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");

/**
 * Alice subscribed 2,000,000 USDC and Bob 500,000: the first million stays in the manager as its liquidity
 * buffer, the rest went to the custodian. Alice then asked to redeem 1,500,000 tokens (request #1, minOut
 * 1,000,000 USDC) and Bob 400,000 (#2): more than the free buffer, so both wait in the queue (the index is 1:
 * a token is worth $1). Carol is registered and holds nothing. The transfer agent's Safe holds 2,000,000 USDC
 * to fund settlements.
 */
async function queueFixture() {
  const f = await loadFixture(deployFundFixture);
  const { fund, investors } = f;
  const fm = fund.contracts.fundManager!;
  const usdc = fund.contracts.stablecoins.USDC;
  const { token } = fund.contracts;
  const signers = await hre.ethers.getSigners();
  const deployer = signers[0];
  const [alice, bob, carol] = investors;
  for (const [investor, amount] of [
    [alice, "2000000"],
    [bob, "500000"],
  ] as const) {
    await registerInvestor(fund, investor.address);
    await usdc.connect(deployer).mint(investor.address, USDC(amount));
    await usdc.connect(investor).approve(fm, USDC(amount));
    await fm.connect(investor).subscribe(usdc, USDC(amount), 0);
  }
  await registerInvestor(fund, carol.address);
  await token.connect(alice).approve(fm, TOKENS("1500000"));
  await fm.connect(alice).requestRedemption(TOKENS("1500000"), usdc, USDC("1000000"));
  await token.connect(bob).approve(fm, TOKENS("400000"));
  await fm.connect(bob).requestRedemption(TOKENS("400000"), usdc, 0);
  const transferAgent = fund.as("transferAgent").address;
  await usdc.connect(deployer).mint(transferAgent, USDC("2000000"));
  return {
    ...f,
    fm,
    usdc,
    alice: alice.address,
    bob: bob.address,
    carol: carol.address,
    bobSigner: bob,
    transferAgent,
    custodian: signers[10].address,
  };
}

describe("tasks: redemptions", function () {
  let output: ReturnType<typeof captureOutput>;
  beforeEach(() => (output = captureOutput()));
  afterEach(() => output.restore());

  describe("redemptions:list", function () {
    it("should list the pending requests at their current value, the manager's balance and the shortfall", async function () {
      const { fm, alice, bob } = await loadFixture(queueFixture);
      const report: QueueReport = await expectNothingSent("redemptions:list", {});
      const [first, second] = [(await fm.request(1)).r, (await fm.request(2)).r];
      expect(output.lines).to.include.members([
        "Queue: head 1, tail 3; 2 pending (1900000 tokens, 1900000000000000000000000 shares), 0 held (0 shares)",
        `  #1 pending: ${alice}, 1500000000000000000000000 shares worth 1500000 tokens: 1499250 USDC net ` +
          `(gross 1500000, fee 750), minOut 1000000 USDC, requested ${iso(first.requestedAt)}`,
        `  #2 pending: ${bob}, 400000000000000000000000 shares worth 400000 tokens: 399800 USDC net ` +
          `(gross 400000, fee 200), minOut 0 USDC, requested ${iso(second.requestedAt)}`,
        "USDC: the manager holds 1000000 (reserved for pending requests 1900000, free 0, buffer target 1000000)",
        "Next 2 pending request(s) (2 queue position(s) from the head):",
        "  need 1900000 USDC; the manager holds 1000000: short 900000 (redemptions:settle --count 2 --fund 900000)",
      ]);
      expect(report.requests.map((r) => [r.id, r.status, r.investor, r.value, r.net])).to.deep.equal([
        [1n, "pending", alice, TOKENS("1500000"), USDC("1499250")],
        [2n, "pending", bob, TOKENS("400000"), USDC("399800")],
      ]);
      expect(report.pendingValue).to.equal(TOKENS("1900000"));
      expect(report.liquidity).to.have.length(1);
      expect(report.liquidity[0]).to.include({
        symbol: "USDC",
        balance: USDC("1000000"),
        reserved: USDC("1900000"),
        free: 0n,
        need: USDC("1900000"),
        shortfall: USDC("900000"),
      });
    });

    it("should cover only the next N pending requests with --next", async function () {
      await loadFixture(queueFixture);
      const report: QueueReport = await hre.run("redemptions:list", { next: "1" });
      expect(report.positions).to.equal(1);
      expect(output.lines).to.include.members([
        "Next 1 pending request(s) (1 queue position(s) from the head):",
        "  need 1500000 USDC; the manager holds 1000000: short 500000 (redemptions:settle --count 1 --fund 500000)",
      ]);
    });

    it("should leave finished requests out unless --all is given", async function () {
      const { fm, bob, bobSigner } = await loadFixture(queueFixture);
      await fm.connect(bobSigner).cancelRedemption(2);
      const open: QueueReport = await hre.run("redemptions:list", {});
      expect(open.requests.map((r) => r.id)).to.deep.equal([1n]);
      const all: QueueReport = await hre.run("redemptions:list", { all: true });
      expect(all.requests.map((r) => [r.id, r.status])).to.deep.equal([
        [1n, "pending"],
        [2n, "cancelled"],
      ]);
      const requestedAt = (await fm.request(2)).r.requestedAt;
      expect(output.lines).to.include(
        `  #2 cancelled: ${bob}, 400000000000000000000000 shares, paid in USDC, minOut 0 USDC, requested ${iso(requestedAt)}`,
      );
    });
    describe("regression: issue 24 (the task's status names were retyped and lacked CancelClaimable)", function () {
      it("should name a request cancelled through the fund's ERC-7887 vault cancelClaimable, in the list and in a refusal", async function () {
        const { alice, investors } = await loadFixture(queueFixture);
        const vault = await hre.ethers.getContractAt(
          "FundVault",
          (await hre.deployments.get("FundVault.USDC")).address,
        );
        await vault.connect(investors[0]).requestRedeem(TOKENS("1000"), alice, alice);
        await vault.connect(investors[0]).cancelRedeemRequest(3, alice);
        const all: QueueReport = await hre.run("redemptions:list", { all: true });
        expect(all.requests.map((r) => [r.id, r.status])).to.deep.equal([
          [1n, "pending"],
          [2n, "pending"],
          [3n, "cancelClaimable"],
        ]);
        expect(output.lines.some((line) => line.startsWith(`  #3 cancelClaimable: ${alice}, `))).to.equal(
          true,
        );
        await expectRefused(
          "redemptions:hold",
          { id: "3" },
          "--id: request 3 is cancelClaimable, not pending",
        );
      });
    });
  });

  describe("redemptions:settle", function () {
    it("should fund the manager from the transfer agent's Safe, then settle the queue in order", async function () {
      const { fm, usdc, alice, bob, transferAgent } = await loadFixture(queueFixture);
      const [aliceBefore, bobBefore] = [await usdc.balanceOf(alice), await usdc.balanceOf(bob)];
      const result: SettleResult = await hre.run("redemptions:settle", { count: "2", fund: "900000" });

      expect(result.role).to.equal("TRANSFER_AGENT");
      expect(result.outcomes.map((o) => [o.status, o.step.fn])).to.deep.equal([
        ["executed", "transfer"],
        ["executed", "settleRedemptions"],
      ]);
      expect(await usdc.balanceOf(transferAgent)).to.equal(USDC("1100000"));
      expect(await usdc.balanceOf(alice)).to.equal(aliceBefore + USDC("1499250"));
      expect(await usdc.balanceOf(bob)).to.equal(bobBefore + USDC("399800"));
      expect(await usdc.balanceOf(fm)).to.equal(0n);
      expect((await fm.request(1)).r.status).to.equal(STATUS.Settled);
      expect((await fm.request(2)).r.status).to.equal(STATUS.Settled);

      const [funding, settlement] = result.outcomes;
      if (funding.status !== "executed" || settlement.status !== "executed") throw new Error("not executed");
      expect(result.settled.map((s) => [s.id, s.investor, s.gross, s.fee, s.net, s.txHash])).to.deep.equal([
        [1n, alice, USDC("1500000"), USDC("750"), USDC("1499250"), settlement.txHash],
        [2n, bob, USDC("400000"), USDC("200"), USDC("399800"), settlement.txHash],
      ]);
      expect(output.lines).to.include.members([
        `fund the manager with 900000 USDC from the transferAgent Safe: done by transferAgent Safe ${transferAgent} ` +
          `(TRANSFER_AGENT), tx ${funding.txHash} (block ${funding.blockNumber})`,
        `  request #1 settled: 1499250 USDC paid to ${alice} (gross 1500000, fee 750) for ` +
          `1500000000000000000000000 shares worth 1500000 tokens, tx ${settlement.txHash}`,
        `  request #2 settled: 399800 USDC paid to ${bob} (gross 400000, fee 200) for ` +
          `400000000000000000000000 shares worth 400000 tokens, tx ${settlement.txHash}`,
        "Settled 2, held 0; the queue's head is now #3, 0 pending, 0 held",
      ]);
      await expect((await hre.ethers.provider.getTransaction(settlement.txHash))!.wait())
        .to.emit(fm, "RedemptionSettled")
        .withArgs(
          1,
          alice,
          usdc,
          TOKENS("1500000"),
          TOKENS("1500000"),
          USDC("1500000"),
          USDC("750"),
          USDC("1499250"),
        );
    });

    it("should settle at the last applied index when the reserve guard blocks the newer NAV round, and say so", async function () {
      const { fm, fund, alice, bob } = await loadFixture(queueFixture);
      const { token } = fund.contracts;
      await time.increase(DAY);
      // Reserves at the supply (8 decimals, rounded down): any growth exceeds them.
      await publishReserves(fund, hre.ethers.formatUnits((await token.totalSupply()) / 10n ** 10n, 8));
      await publishNav(fund, "1.001");
      const result: SettleResult = await hre.run("redemptions:settle", { count: "2", fund: "900000" });
      expect(output.lines).to.include(
        `Note: the reserve guard blocks the accrual of NAV round ${(await fund.contracts.navPublisher!.latestRoundData())[0]}: ` +
          "the settlement pays at the last applied index (1), below that round's NAV; publish the reserves " +
          "(nav:publish-reserves) first to pay at the new NAV",
      );
      // Paid at the applied index: the escrow's value did not take the refused round's +0.1%.
      expect(result.settled.map((x) => [x.id, x.investor, x.net])).to.deep.equal([
        [1n, alice, USDC("1499250")],
        [2n, bob, USDC("399800")],
      ]);
      expect(await token.index()).to.equal(10n ** 18n);
      expect((await fm.request(1)).r.status).to.equal(STATUS.Settled);
    });

    it("should stop at the count, leaving the next request pending", async function () {
      const { fm } = await loadFixture(queueFixture);
      const result: SettleResult = await hre.run("redemptions:settle", { count: "1", fund: "500000" });
      expect(result.settled.map((s) => s.id)).to.deep.equal([1n]);
      expect((await fm.request(2)).r.status).to.equal(STATUS.Pending);
      const q = await fm.queue();
      expect([q.head, q.pendingCount]).to.deep.equal([2n, 1n]);
    });

    it("should simulate and settle without funding when the manager holds enough", async function () {
      const { fm, usdc, bob, transferAgent } = await loadFixture(queueFixture);
      await hre.run("redemptions:settle", { count: "1", fund: "500000" });
      await usdc.connect((await hre.ethers.getSigners())[0]).mint(fm, USDC("400000"));
      await expectNothingSent("redemptions:settle", { count: "5", dryRun: true });
      expect(output.lines).to.include.members([
        "  would settle up to 5 queue position(s) from #2: FundManager.settleRedemptions(count=5): simulation succeeded",
        "  projected at the current index:",
        `  #2 ${bob}: would be paid 399800 USDC (gross 400000, fee 200)`,
      ]);
      const result: SettleResult = await hre.run("redemptions:settle", { count: "5" });
      expect(result.outcomes.map((o) => o.step.fn)).to.deep.equal(["settleRedemptions"]);
      expect(result.settled.map((s) => s.id)).to.deep.equal([2n]);
      expect(await usdc.balanceOf(transferAgent)).to.equal(USDC("1500000"));
    });

    it("should hold the request of an investor frozen after requesting and pay the next one", async function () {
      const { fm, usdc, alice } = await loadFixture(queueFixture);
      await hre.run("token:freeze", { wallet: alice });
      const result: SettleResult = await hre.run("redemptions:settle", { count: "2", fund: "900000" });
      const settlement = result.outcomes[1];
      if (settlement.status !== "executed") throw new Error("not executed");
      expect(result.held).to.deep.equal([
        { id: 1n, investor: alice, reason: "Frozen", txHash: settlement.txHash },
      ]);
      expect(result.settled.map((s) => s.id)).to.deep.equal([2n]);
      expect(output.lines).to.include(
        `  request #1 held (Frozen): ${alice}, tx ${settlement.txHash}; once resolved: ` +
          "redemptions:held --id 1 --settle (or --release-to <wallet>)",
      );
      expect((await fm.request(1)).r.status).to.equal(STATUS.Held);
      expect(await usdc.balanceOf(fm)).to.equal(USDC("1500000"));

      const report: QueueReport = await hre.run("redemptions:list", {});
      expect(report.requests.map((r) => [r.id, r.status, r.holdReason])).to.deep.equal([
        [1n, "held", "Frozen"],
      ]);
      expect(output.lines).to.include(
        "Queue: head 3, tail 3; 0 pending (0 tokens, 0 shares), 1 held (1500000000000000000000000 shares)",
      );
    });

    it("should simulate the funding and project the settlement with --dry-run, sending nothing", async function () {
      const { fm, alice, bob, transferAgent } = await loadFixture(queueFixture);
      const result: SettleResult = await expectNothingSent("redemptions:settle", {
        count: "2",
        fund: "900000",
        dryRun: true,
      });
      expect(result.outcomes.map((o) => o.status)).to.deep.equal(["simulated", "simulated"]);
      expect(result.projection.map((p) => [p.id, p.outcome])).to.deep.equal([
        [1n, "paid"],
        [2n, "paid"],
      ]);
      const fmAddress = await fm.getAddress();
      expect(output.lines).to.deep.equal([
        `Dry run as TRANSFER_AGENT (transferAgent Safe ${transferAgent}): nothing is sent.`,
        `  would fund the manager with 900000 USDC from the transferAgent Safe: Stablecoin.USDC.transfer(to=${fmAddress}, ` +
          "value=900000000000): simulation succeeded",
        "  would settle up to 2 queue position(s) from #1: FundManager.settleRedemptions(count=2): not simulated " +
          "(it needs the funding executed first); projected at the current index:",
        `  #1 ${alice}: would be paid 1499250 USDC (gross 1500000, fee 750)`,
        `  #2 ${bob}: would be paid 399800 USDC (gross 400000, fee 200)`,
      ]);
      expect((await fm.queue()).pendingCount).to.equal(2n);
    });

    it("should write the funding and the settlement as two Safe transactions with consecutive nonces when the owners sign offline", async function () {
      const { fm, usdc, alice, transferAgent } = await loadFixture(queueFixture);
      const dir = tmpDir();
      const nonce = (await readSafeState(transferAgent, hre.ethers.provider)).nonce;
      let result: SettleResult | undefined;
      await withRecords(
        async (records) => {
          // The record of a production Safe: its owners are hardware wallets, not keys of this machine.
          const record = records["RoleHolder.transferAgent"];
          const owners = [1, 2, 3].map(() => Wallet.createRandom().address);
          await hre.deployments.save("RoleHolder.transferAgent", {
            ...record,
            linkedData: { ...record.linkedData, owners },
          });
        },
        async () => {
          result = await expectNothingSent("redemptions:settle", {
            count: "2",
            fund: "900000",
            proposalsDir: dir,
          });
        },
      );
      const [funding, settlement] = result!.outcomes;
      if (funding.status !== "proposed" || settlement.status !== "proposed") throw new Error("not proposed");
      expect(funding.file).to.equal(
        `${dir}/hardhat/transferAgent-nonce${nonce}-transfer-${funding.safeTxHash.slice(2, 10)}.json`,
      );
      expect(settlement.file).to.equal(
        `${dir}/hardhat/transferAgent-nonce${nonce + 1n}-settleRedemptions-${settlement.safeTxHash.slice(2, 10)}.json`,
      );
      const proposals = [readProposal(funding.file), readProposal(settlement.file)];
      expect(proposals[0]).to.include({
        safe: transferAgent,
        to: await usdc.getAddress(),
        nonce: String(nonce),
        data: usdc.interface.encodeFunctionData("transfer", [await fm.getAddress(), USDC("900000")]),
      });
      expect(proposals[1]).to.include({
        safe: transferAgent,
        to: await fm.getAddress(),
        nonce: String(nonce + 1n),
        data: fm.interface.encodeFunctionData("settleRedemptions", [2]),
      });
      expect(output.lines).to.include(
        `    written to ${settlement.file} (Safe{Wallet} Transaction Builder: ${settlement.txBuilderFile})`,
      );

      // Two owners sign both elsewhere; anyone relays them in nonce order.
      const signers = await hre.ethers.getSigners();
      const aliceBefore = await usdc.balanceOf(alice);
      for (const proposal of proposals) {
        const { domain, message } = proposal.typedData;
        const signatures = await Promise.all(
          [11, 12].map((i) => signers[i].signTypedData(domain, SAFE_TX_TYPES, message)),
        );
        await execProposal(proposal, signatures, signers[0]);
      }
      expect(await usdc.balanceOf(alice)).to.equal(aliceBefore + USDC("1499250"));
      expect((await fm.queue()).pendingCount).to.equal(0n);
    });

    describe("when the positions do not fit in one transaction of --max-gas (issue 22)", function () {
      it("regression: issue 22 settlement split - should settle in several transactions, none above --max-gas", async function () {
        const { fm, usdc, alice, bob, transferAgent } = await loadFixture(queueFixture);
        await usdc.connect((await hre.ethers.getSigners())[0]).mint(fm, USDC("2000000"));
        const estimate = await hre.ethers.provider.estimateGas({
          from: transferAgent,
          to: await fm.getAddress(),
          data: fm.interface.encodeFunctionData("settleRedemptions", [2]),
        });
        // Room for one position and a half: the two positions go in two transactions.
        const one = await hre.ethers.provider.estimateGas({
          from: transferAgent,
          to: await fm.getAddress(),
          data: fm.interface.encodeFunctionData("settleRedemptions", [1]),
        });
        const maxGas = SAFE_EXEC_OVERHEAD + Number(one + (estimate - one) / 2n);
        const result: SettleResult = await hre.run("redemptions:settle", {
          count: "2",
          maxGas: String(maxGas),
        });
        expect(result.outcomes.map((o) => [o.status, o.step.args[0]])).to.deep.equal([
          ["executed", 1],
          ["executed", 1],
        ]);
        expect(result.settled.map((r) => [r.id, r.investor])).to.deep.equal([
          [1n, alice],
          [2n, bob],
        ]);
        for (const o of result.outcomes) {
          const receipt = await hre.ethers.provider.getTransactionReceipt((o as { txHash: string }).txHash);
          expect(receipt!.gasUsed).to.be.lessThanOrEqual(BigInt(maxGas));
        }
        expect(output.lines).to.include.members([
          `2 queue position(s) in 2 transactions of at most 1 (a settlement of 1 estimated at ${one} gas, ` +
            `--max-gas ${maxGas})`,
          "settlement 1/2: settle up to 1 queue position(s): done by transferAgent Safe " +
            `${transferAgent} (TRANSFER_AGENT), tx ${(result.outcomes[0] as { txHash: string }).txHash} ` +
            `(block ${(result.outcomes[0] as { blockNumber: number }).blockNumber})`,
        ]);
        const q = await fm.queue();
        expect([q.head, q.pendingCount]).to.deep.equal([3n, 0n]);
      });

      it("should refuse a --max-gas that cannot hold one position, sending nothing", async function () {
        const { fm, usdc, transferAgent } = await loadFixture(queueFixture);
        await usdc.connect((await hre.ethers.getSigners())[0]).mint(fm, USDC("2000000"));
        const one = await hre.ethers.provider.estimateGas({
          from: transferAgent,
          to: await fm.getAddress(),
          data: fm.interface.encodeFunctionData("settleRedemptions", [1]),
        });
        const maxGas = SAFE_EXEC_OVERHEAD + Number(one) - 1;
        await expectRefused(
          "redemptions:settle",
          { count: "2", maxGas: String(maxGas) },
          `--max-gas: ${maxGas} gas cannot hold one queue position (a settlement of 1 is estimated at ${one} gas, ` +
            `plus ${SAFE_EXEC_OVERHEAD} for the Safe); nothing was sent`,
        );
      });
    });

    describe("settlementSplit", function () {
      it("should size the transactions from the node's estimate so that each fits --max-gas", async function () {
        const estimate = async (n: number) => BigInt(100_000 + n * 90_000);
        const { sizes } = await settlementSplit(estimate, 1_000, 15_000_000);
        expect(sizes).to.deep.equal([163, 163, 163, 163, 163, 163, 22]);
        for (const n of sizes) expect(100_000 + n * 90_000 + SAFE_EXEC_OVERHEAD).to.be.at.most(15_000_000);
      });

      it("should take at most MAX_POSITIONS_PER_TX positions a transaction, whatever the gas", async function () {
        const { sizes } = await settlementSplit(async (n) => BigInt(50_000 + n * 10_000), 450, 30_000_000);
        expect(sizes).to.deep.equal([MAX_POSITIONS_PER_TX, MAX_POSITIONS_PER_TX, 50]);
      });
    });

    describe("when the settlement cannot go through", function () {
      it("should decode the manager's InsufficientLiquidity when it cannot pay the head of the queue", async function () {
        const { fm, usdc } = await loadFixture(queueFixture);
        const error = await expectRefused(
          "redemptions:settle",
          { count: "2" },
          `FundManager.settleRedemptions(count=2) would revert with InsufficientLiquidity(stablecoin=${await usdc.getAddress()}, ` +
            `available=1,000,000 USDC [${USDC("1000000")}], needed=1,500,000 USDC [${USDC("1500000")}]): nothing was sent`,
        );
        await expect(Promise.reject(error))
          .to.be.revertedWithCustomError(fm, "InsufficientLiquidity")
          .withArgs(usdc, USDC("1000000"), USDC("1500000"));
      });

      it("should refuse funding the transfer agent's Safe does not hold", async function () {
        const { transferAgent } = await loadFixture(queueFixture);
        await expectRefused(
          "redemptions:settle",
          { count: "2", fund: "2000000.01" },
          `--fund: the transferAgent Safe ${transferAgent} holds 2000000 USDC, less than 2000000.01 USDC: have the ` +
            "custodian send the stablecoins to it (or to the manager), nothing was sent",
        );
      });

      it("should refuse funding with which the settlement would still pay nobody", async function () {
        await loadFixture(queueFixture);
        await expectRefused(
          "redemptions:settle",
          { count: "2", fund: "400000" },
          "--fund: after the funding the manager would hold 1400000 USDC, less than the 1500000 USDC request #1 " +
            "needs, and no other request would be paid: fund at least 500000; nothing was sent",
        );
      });

      it("should refuse to fund a settlement the stale NAV would make revert", async function () {
        const { fund, transferAgent, usdc } = await loadFixture(queueFixture);
        await time.increase(5 * DAY);
        const before = await hre.ethers.provider.getBlockNumber();
        const error = await hre.run("redemptions:settle", { count: "2", fund: "900000" }).then(
          () => expect.fail("the settlement should have been refused"),
          (e: Error) => e,
        );
        expect(error.message).to.match(
          /^The NAV oracle refuses its latest round, so the settlement would revert: NavStale\(roundId=\d+, updatedAt=\S+Z \[\d+\], maxAge=4d \[345600\], nowTimestamp=\S+Z \[\d+\]\): publish the NAV first \(nav:publish\); nothing was sent$/,
        );
        await expect(Promise.reject(error)).to.be.revertedWithCustomError(
          fund.contracts.navOracle,
          "NavStale",
        );
        expect(await hre.ethers.provider.getBlockNumber()).to.equal(before);
        expect(await usdc.balanceOf(transferAgent)).to.equal(USDC("2000000"));
      });

      it("should refuse when no request is pending", async function () {
        await loadFixture(queueFixture);
        await hre.run("redemptions:settle", { count: "2", fund: "900000" });
        await expectRefused(
          "redemptions:settle",
          { count: "1" },
          "The redemption queue has no pending request: nothing to settle",
        );
      });
    });
  });

  describe("redemptions:held", function () {
    /** Alice was frozen after requesting: her request #1 is held, Bob's #2 paid. */
    async function heldFixture() {
      const f = await loadFixture(queueFixture);
      await hre.run("token:freeze", { wallet: f.alice });
      await hre.run("redemptions:settle", { count: "2", fund: "900000" });
      return f;
    }

    it("should refuse to settle while the investor is still frozen, then pay once unfrozen", async function () {
      const { fm, usdc, alice } = await loadFixture(heldFixture);
      await expectRefused(
        "redemptions:held",
        { id: "1", settle: true },
        "--id: request 1 is still blocked (Frozen): its investor's wallet must be unfrozen first (token:unfreeze)",
      );
      await hre.run("token:unfreeze", { wallet: alice });
      const aliceBefore = await usdc.balanceOf(alice);
      const dry: PerformResult = await expectNothingSent("redemptions:held", {
        id: "1",
        settle: true,
        dryRun: true,
      });
      expect(dry.outcomes[0].status).to.equal("simulated");
      expect(output.lines).to.include(
        `  would settle held request #1: pay 1499250 USDC to ${alice} (gross 1500000, fee 750, at the current index): ` +
          "FundManager.settleHeld(requestIds=[1]): simulation succeeded",
      );

      const result: HeldResult = await hre.run("redemptions:held", { id: "1", settle: true });
      expect(result.settled).to.include({ id: 1n, investor: alice, net: USDC("1499250"), fee: USDC("750") });
      expect(output.lines).to.include(
        `  request #1 settled: 1499250 USDC paid to ${alice} (gross 1500000, fee 750), tx ${result.settled!.txHash}`,
      );
      expect(await usdc.balanceOf(alice)).to.equal(aliceBefore + USDC("1499250"));
      expect((await fm.request(1)).r.status).to.equal(STATUS.Settled);
      expect((await fm.queue()).heldCount).to.equal(0n);
    });

    it("should release the held escrow to a wallet the transfer agent names", async function () {
      const { fm, alice, carol, fund } = await loadFixture(heldFixture);
      const result: HeldResult = await hre.run("redemptions:held", { id: "1", releaseTo: carol });
      expect(result.released).to.include({ to: carol, shares: TOKENS("1500000"), amount: TOKENS("1500000") });
      expect(await fund.contracts.token.balanceOf(carol)).to.equal(TOKENS("1500000"));
      expect((await fm.request(1)).r.status).to.equal(STATUS.Released);
      await expect((await hre.ethers.provider.getTransaction(result.released!.txHash))!.wait())
        .to.emit(fm, "RedemptionReleased")
        .withArgs(1, alice, carol, TOKENS("1500000"), TOKENS("1500000"));
      expect(output.lines).to.include(
        `  request #1 released: 1500000 tokens to ${carol}, tx ${result.released!.txHash}`,
      );
    });
  });

  describe("redemptions:hold", function () {
    it("should set a pending request aside through the transfer agent's Safe, so that the settlement passes it", async function () {
      const { fm, alice, bob } = await loadFixture(queueFixture);
      const dry: PerformResult = await expectNothingSent("redemptions:hold", { id: "1", dryRun: true });
      expect(dry.outcomes[0].status).to.equal("simulated");
      const result: PerformResult = await hre.run("redemptions:hold", { id: "1" });
      const o = result.outcomes[0];
      expect(o.status).to.equal("executed");
      if (o.status !== "executed") return;
      await expect((await hre.ethers.provider.getTransaction(o.txHash))!.wait())
        .to.emit(fm, "RedemptionHeld")
        .withArgs(1, alice, HOLD.TransferAgent);
      expect(output.lines).to.include(
        `  request #1 held (TransferAgent), tx ${o.txHash}; later: redemptions:held --id 1 --settle ` +
          "(or --release-to <wallet>)",
      );
      // The 1,000,000 USDC the manager holds now pay bob's 400,000 request behind it.
      const settled: SettleResult = await hre.run("redemptions:settle", { count: "2" });
      expect(settled.settled.map((x) => [x.id, x.investor])).to.deep.equal([[2n, bob]]);
      const list: QueueReport = await hre.run("redemptions:list", {});
      expect(list.requests.map((r) => [r.id, r.status])).to.deep.equal([[1n, "held"]]);
    });

    it("should refuse an unknown request id and a request that is not pending", async function () {
      await loadFixture(queueFixture);
      await expectRefused(
        "redemptions:hold",
        { id: "3" },
        "--id: there is no redemption request 3 (requests are numbered 1 to 2)",
      );
      await hre.run("redemptions:hold", { id: "2" });
      await expectRefused("redemptions:hold", { id: "2" }, "--id: request 2 is held, not pending");
    });
  });

  describe("fund:withdraw-buffer", function () {
    it("should send the manager's free liquidity to the custodian", async function () {
      const { fm, usdc, custodian } = await loadFixture(queueFixture);
      // 1,000,000 held + 1,500,000 funded - 1,900,000 paid: 600,000 free.
      await hre.run("redemptions:settle", { count: "2", fund: "1500000" });
      expect((await fm.liquidity(usdc)).free).to.equal(USDC("600000"));
      await expectNothingSent("fund:withdraw-buffer", { stablecoin: "USDC", amount: "600000", dryRun: true });
      const custodianBefore = await usdc.balanceOf(custodian);
      const result: PerformResult = await hre.run("fund:withdraw-buffer", {
        stablecoin: "usdc",
        amount: "600000",
      });
      const o = result.outcomes[0];
      if (o.status !== "executed") throw new Error("not executed");
      expect(await usdc.balanceOf(custodian)).to.equal(custodianBefore + USDC("600000"));
      expect(await usdc.balanceOf(fm)).to.equal(0n);
      expect(output.lines).to.include(
        `  600000 USDC withdrawn to ${custodian}, tx ${o.txHash}; the manager now holds 0 USDC`,
      );
    });

    it("should refuse more than the free liquidity", async function () {
      await loadFixture(queueFixture);
      await expectRefused(
        "fund:withdraw-buffer",
        { stablecoin: "USDC", amount: "0.000001" },
        "--amount: 0.000001 USDC exceeds the manager's free liquidity of 0 USDC (balance 1000000, reserved for " +
          "pending requests 1900000)",
      );
    });
  });

  describe("when an input is wrong", function () {
    it("should refuse a count of 0 or not an integer", async function () {
      await loadFixture(queueFixture);
      for (const count of ["0", "1.5", "two"]) {
        await expectRefused(
          "redemptions:settle",
          { count, fund: "900000" },
          `--count: "${count}" must be an integer between 1 and 10000`,
        );
      }
    });

    it("should refuse a --max-gas below 100,000 or not an integer", async function () {
      await loadFixture(queueFixture);
      for (const maxGas of ["99999", "1.5", "lots"]) {
        await expectRefused(
          "redemptions:settle",
          { count: "2", maxGas },
          `--max-gas: "${maxGas}" must be an integer between 100000 and 1000000000`,
        );
      }
    });

    it("should refuse an unknown stablecoin symbol", async function () {
      await loadFixture(queueFixture);
      await expectRefused(
        "fund:withdraw-buffer",
        { stablecoin: "EURC", amount: "1" },
        '--stablecoin: unknown stablecoin "EURC" (known: USDC)',
      );
      await expectRefused(
        "redemptions:settle",
        { count: "2", fund: "900000", stablecoin: "USDT" },
        '--stablecoin: unknown stablecoin "USDT" (known: USDC)',
      );
    });

    it("should refuse an amount with more decimals than the stablecoin has", async function () {
      await loadFixture(queueFixture);
      await expectRefused(
        "fund:withdraw-buffer",
        { stablecoin: "USDC", amount: "1.0000001" },
        '--amount: "1.0000001" has 7 decimals; at most 6 are allowed',
      );
      await expectRefused(
        "redemptions:settle",
        { count: "2", fund: "900000.0000001" },
        '--fund: "900000.0000001" has 7 decimals; at most 6 are allowed',
      );
    });

    it("should refuse an unknown request id", async function () {
      await loadFixture(queueFixture);
      await expectRefused(
        "redemptions:held",
        { id: "3", settle: true },
        "--id: there is no redemption request 3 (requests are numbered 1 to 2)",
      );
      await expectRefused(
        "redemptions:held",
        { id: "first", settle: true },
        '--id: "first" is not a request id (a positive integer)',
      );
    });

    it("should refuse a request that is not held", async function () {
      await loadFixture(queueFixture);
      await expectRefused(
        "redemptions:held",
        { id: "1", settle: true },
        "--id: request 1 is pending, not held",
      );
    });

    it("should refuse a malformed wallet, and --settle together with --release-to", async function () {
      const { carol } = await loadFixture(queueFixture);
      await expectRefused(
        "redemptions:held",
        { id: "1", releaseTo: "0x1234" },
        '--release-to: "0x1234" is not an address',
      );
      await expectRefused(
        "redemptions:held",
        { id: "1", settle: true, releaseTo: carol },
        "--settle and --release-to cannot be used together",
      );
      await expectRefused("redemptions:held", { id: "1" }, "Give --settle or --release-to <wallet>");
    });

    it("should refuse every task on a network without a fund manager", async function () {
      const { carol } = await loadFixture(queueFixture);
      const message =
        'No fund manager is deployed on network "hardhat" (no FundManager record in deployments/hardhat/)';
      await withRecords(
        () => hre.deployments.delete("FundManager"),
        async () => {
          await expectRefused("redemptions:list", {}, message);
          await expectRefused("redemptions:settle", { count: "2", fund: "900000" }, message);
          await expectRefused("redemptions:held", { id: "1", releaseTo: carol }, message);
          await expectRefused("fund:withdraw-buffer", { stablecoin: "USDC", amount: "1" }, message);
        },
      );
    });
  });
});
