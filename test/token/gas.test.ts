/* eslint-disable no-console */
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { getAddress, keccak256, toUtf8Bytes } from "ethers";
import {
  DAY,
  ONE,
  investorsFixture,
  latestRound,
  publishNavAnswer,
  refreshReserves,
  registerMany,
  type InvestorsFixture,
} from "./fixtures";

/**
 * Holders of the second accrual measurement: 1,000, or 100 under solidity-coverage, whose per-opcode
 * instrumentation makes funding a thousand holders take many minutes (and its gas figures mean nothing).
 */
const UNDER_COVERAGE =
  (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true;
const MANY = UNDER_COVERAGE ? 100 : 1_000;
/**
 * Wallets per registration and per mint transaction: as many as fit a block, or 10 under solidity-coverage, whose
 * collector holds every step of a transaction in memory (a 90-wallet batch filled an 8 GB heap).
 */
const REGISTER_CHUNK = UNDER_COVERAGE ? 10 : 250;
const MINT_CHUNK = UNDER_COVERAGE ? 10 : 200;

/** Deterministic wallets that never sign (registered and funded by the role holders' Safes). */
function holderWallets(count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, i) =>
    getAddress(keccak256(toUtf8Bytes(`gas-holder-${offset + i}`)).slice(0, 42)),
  );
}

/** Registers and funds `wallets` with two tokens each (above the one-token minimum at any index), in chunks that fit a block. */
async function fundHolders(f: InvestorsFixture, wallets: string[]) {
  for (let i = 0; i < wallets.length; i += REGISTER_CHUNK) {
    await registerMany(f.fund, wallets.slice(i, i + REGISTER_CHUNK));
  }
  for (let i = 0; i < wallets.length; i += MINT_CHUNK) {
    const chunk = wallets.slice(i, i + MINT_CHUNK);
    await f.fund
      .as("transferAgent")
      .on(f.token)
      .batchMint(
        chunk,
        chunk.map(() => 2n * ONE),
      );
  }
}

/** Publishes a NAV a day after the last round (with fresh reserves) and returns the accrual's gas. */
async function accrueNextDay(f: InvestorsFixture): Promise<bigint> {
  const last = await latestRound(f.fund.contracts.navPublisher!);
  await time.increaseTo(Number(last.updatedAt) + DAY);
  await refreshReserves(f.fund);
  await publishNavAnswer(f.fund, last.answer + 13_700n);
  const receipt = await (await f.token.connect(f.outsider).accrue()).wait();
  expect(await f.token.appliedNav().then((a) => a.roundId)).to.equal(
    (await latestRound(f.fund.contracts.navPublisher!)).roundId,
  );
  return receipt!.gasUsed;
}

describe("FundToken: gas (deployed rules: country, sanctions, class, max investors, holding limits, transfer limit)", function () {
  it("should report a transfer to an existing holder and to a new holder", async function () {
    const f = await loadFixture(investorsFixture);
    const existing = await (await f.token.connect(f.alice).transfer(f.bob.address, 10n * ONE)).wait();
    const fresh = await (await f.token.connect(f.alice).transfer(f.dave.address, 10n * ONE)).wait();
    console.log(`      gas: transfer to an existing holder ${existing!.gasUsed}`);
    console.log(`      gas: transfer to a new holder       ${fresh!.gasUsed}`);
    // A new holder costs the new storage of its account and investor state (and the investor count).
    expect(fresh!.gasUsed).to.be.greaterThan(existing!.gasUsed);
    expect(existing!.gasUsed).to.be.lessThan(150_000n);
  });

  it("should report a mint through the transfer agent's Safe, and its inner cost", async function () {
    const f = await loadFixture(investorsFixture);
    const safe = f.fund.as("transferAgent").address;
    const data = f.token.interface.encodeFunctionData("mint", [f.bob.address, 10n * ONE]);
    const inner = await ethers.provider.estimateGas({ from: safe, to: f.token.target, data });
    const result = await f.fund
      .as("transferAgent")
      .on(f.token)
      .mint(f.bob.address, 10n * ONE);
    const dataNew = f.token.interface.encodeFunctionData("mint", [f.dave.address, 10n * ONE]);
    const innerNew = await ethers.provider.estimateGas({ from: safe, to: f.token.target, data: dataNew });
    const resultNew = await f.fund
      .as("transferAgent")
      .on(f.token)
      .mint(f.dave.address, 10n * ONE);
    console.log(
      `      gas: mint to an existing holder through the Safe ${result.receipt.gasUsed} (inner call estimate ${inner})`,
    );
    console.log(
      `      gas: mint to a new holder through the Safe       ${resultNew.receipt.gasUsed} (inner call estimate ${innerNew})`,
    );
    expect(result.receipt.gasUsed).to.be.greaterThan(inner - 21_000n);
  });

  it(`should cost the same to accrue with 10 and with ${MANY.toLocaleString("en-US")} holders (no loop over holders)`, async function () {
    // Registering and funding 990 holders takes about 45 s on a quiet 2-core machine; a CI run at load 17 took
    // more than the suite's 120 s timeout.
    this.timeout(10 * 60_000);
    const f = await loadFixture(investorsFixture);
    await fundHolders(f, holderWallets(7));
    expect(await f.fund.contracts.compliance.investorCount()).to.equal(10n);
    // The first accrual pays for the fee wallet's first shares; measure the next ones.
    await accrueNextDay(f);
    const with10 = await accrueNextDay(f);
    await fundHolders(f, holderWallets(MANY - 10, 7));
    expect(await f.fund.contracts.compliance.investorCount()).to.equal(BigInt(MANY));
    const with1000 = await accrueNextDay(f);
    console.log(`      gas: accrue with    10 holders ${with10}`);
    console.log(`      gas: accrue with ${MANY} holders ${with1000}`);
    const diff = with1000 > with10 ? with1000 - with10 : with10 - with1000;
    expect(diff).to.be.lessThan(300n);
  });
});
