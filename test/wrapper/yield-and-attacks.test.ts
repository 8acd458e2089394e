import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { registerProtocolAccount } from "../helpers/fund";
import type { WrappedFundToken } from "../../typechain-types";
import type { IFundToken } from "../../typechain-types";
import { FUNDED, ONE, VIRTUAL_SHARES, nextBusinessDay, wrapperFixture } from "./fixtures";

/** Fund-token shares a call moved into (negative) or out of (positive) `who`'s wallet. */
async function fundSharesDelta(
  token: IFundToken,
  who: string,
  action: () => Promise<unknown>,
): Promise<bigint> {
  const before = await token.sharesOf(who);
  await action();
  return (await token.sharesOf(who)) - before;
}

/** Per-holder ledger of the fund-token shares wrapped (in) and unwrapped (out). */
class Ledger {
  readonly wrapped = new Map<string, bigint>();
  readonly unwrapped = new Map<string, bigint>();
  ops = 0;

  constructor(
    readonly vault: WrappedFundToken,
    readonly token: IFundToken,
  ) {}

  async deposit(who: HardhatEthersSigner, assets: bigint) {
    const given = -(await fundSharesDelta(this.token, who.address, () =>
      this.vault.connect(who).deposit(assets, who.address),
    ));
    this.wrapped.set(who.address, (this.wrapped.get(who.address) ?? 0n) + given);
    this.ops++;
  }

  async redeem(who: HardhatEthersSigner, shares: bigint) {
    const expected = await this.vault.previewRedeem(shares);
    const sent = await this.vault.connect(who).redeem.staticCall(shares, who.address, who.address);
    expect(sent).to.be.lte(expected);
    const got = await fundSharesDelta(this.token, who.address, () =>
      this.vault.connect(who).redeem(shares, who.address, who.address),
    );
    this.unwrapped.set(who.address, (this.unwrapped.get(who.address) ?? 0n) + got);
    this.ops++;
  }

  async withdraw(who: HardhatEthersSigner, assets: bigint) {
    const sent = await this.vault.connect(who).withdraw.staticCall(assets, who.address, who.address);
    expect(sent).to.equal(await this.vault.previewWithdraw(assets));
    const got = await fundSharesDelta(this.token, who.address, () =>
      this.vault.connect(who).withdraw(assets, who.address, who.address),
    );
    // Never more than the assets asked for.
    expect((got * (await this.token.index())) / ONE).to.be.lte(assets);
    this.unwrapped.set(who.address, (this.unwrapped.get(who.address) ?? 0n) + got);
    this.ops++;
  }

  async redeemAll(who: HardhatEthersSigner) {
    const balance = await this.vault.balanceOf(who.address);
    if (balance !== 0n) await this.redeem(who, balance);
  }

  /** The vault can pay every holder what previewRedeem promises. */
  async expectSolvent(holders: HardhatEthersSigner[]) {
    let promised = 0n;
    for (const h of holders)
      promised += await this.vault.previewRedeem(await this.vault.balanceOf(h.address));
    expect(promised).to.be.lte(await this.vault.totalAssets());
  }
}

describe("WrappedFundToken: yield and rounding across rebases", function () {
  describe("when a holder wraps a whole balance for 30 business days", function () {
    it("should end with the direct holder's balance, at most 2 units less, never more", async function () {
      const { fund, vault, alice, carol } = await loadFixture(wrapperFixture);
      const { token } = fund.contracts;
      await vault.connect(alice).deposit(FUNDED, alice.address);
      for (let day = 0; day < 30; day++) await nextBusinessDay(fund, BigInt(120 + (day % 7) * 5));
      await vault.connect(alice).redeem(await vault.balanceOf(alice.address), alice.address, alice.address);
      const direct = await token.balanceOf(carol.address);
      const wrapped = await token.balanceOf(alice.address);
      expect(direct).to.be.greaterThan(FUNDED);
      expect(wrapped).to.be.lte(direct);
      expect(direct - wrapped).to.be.lte(2n);
    });
  });

  describe("when one holder wraps and unwraps every business day", function () {
    it("should never return more fund-token shares than were wrapped, and keep at most 3 of them", async function () {
      const { fund, vault, alice } = await loadFixture(wrapperFixture);
      const ledger = new Ledger(vault, fund.contracts.token);
      // Amounts with odd low digits so that every conversion has something to round.
      await ledger.deposit(alice, 12_345n * ONE + 6_789n);
      for (let day = 1; day <= 24; day++) {
        await nextBusinessDay(fund, BigInt(100 + 13 * (day % 5)));
        switch (day % 4) {
          case 0:
            await ledger.deposit(alice, BigInt(day) * 1_111n * ONE + BigInt(day * 7919));
            break;
          case 1:
            await ledger.redeem(alice, (await vault.balanceOf(alice.address)) / 3n + BigInt(day));
            break;
          case 2:
            await ledger.withdraw(alice, BigInt(day) * 97n * ONE + 3n);
            break;
          default:
            await ledger.deposit(alice, 1n + BigInt(day));
        }
        await ledger.expectSolvent([alice]);
      }
      await ledger.redeemAll(alice);
      const wrapped = ledger.wrapped.get(alice.address)!;
      const unwrapped = ledger.unwrapped.get(alice.address)!;
      expect(unwrapped).to.be.lte(wrapped);
      // Rounding dust of earlier operations stays in the vault and so with its only holder; the last redemption
      // leaves behind at most the virtual shares' part (about one unit) and two roundings down. Measured: 2.
      expect(wrapped - unwrapped).to.be.lte(3n);
      // What is not paid out stays in the vault: rounding never leaves the fund, it favours the vault.
      expect(await fund.contracts.token.sharesOf(await vault.getAddress())).to.equal(wrapped - unwrapped);
    });
  });

  describe("when three holders wrap and unwrap at different times", function () {
    it("should stay solvent after every step and pay out at most what was wrapped", async function () {
      const { fund, vault, alice, bob, carol } = await loadFixture(wrapperFixture);
      const { token } = fund.contracts;
      const ledger = new Ledger(vault, token);
      const holders = [alice, bob, carol];
      await ledger.deposit(alice, 500_000n * ONE + 1n);
      for (let day = 1; day <= 15; day++) {
        await nextBusinessDay(fund);
        const who = holders[day % 3];
        if (day % 2 === 0) await ledger.deposit(who, BigInt(day) * 3_333n * ONE + BigInt(day));
        else if ((await vault.balanceOf(who.address)) > 0n)
          await ledger.redeem(who, (await vault.balanceOf(who.address)) / 2n);
        await ledger.expectSolvent(holders);
      }
      for (const h of holders) await ledger.redeemAll(h);
      let wrapped = 0n;
      let unwrapped = 0n;
      for (const h of holders) {
        wrapped += ledger.wrapped.get(h.address) ?? 0n;
        unwrapped += ledger.unwrapped.get(h.address) ?? 0n;
      }
      expect(unwrapped).to.be.lte(wrapped);
      for (const h of holders) {
        const inShares = ledger.wrapped.get(h.address) ?? 0n;
        const outShares = ledger.unwrapped.get(h.address) ?? 0n;
        const forfeitedByOthers = wrapped - inShares - (unwrapped - outShares);
        // Each holder gets back its own fund-token shares (and so their yield), less a few units of rounding;
        // it can gain only what the others forfeited to rounding, never value the vault creates.
        // Measured over this schedule (18 operations): +2, -3 and -1 shares.
        expect(outShares - inShares, h.address).to.be.lte(forfeitedByOthers);
        expect(inShares - outShares, h.address).to.be.lte(2n * BigInt(ledger.ops));
      }
      expect(await vault.totalSupply()).to.equal(0n);
      expect(await token.sharesOf(await vault.getAddress())).to.equal(wrapped - unwrapped);
    });
  });
});

describe("WrappedFundToken: first-depositor (inflation) attack", function () {
  /** Alice (attacker) wraps 1 unit into the empty vault and donates 500,000 fund tokens to it. */
  async function donatedFixture() {
    const f = await loadFixture(wrapperFixture);
    const donation = 500_000n * ONE;
    await f.vault.connect(f.alice).deposit(1n, f.alice.address);
    await f.fund.contracts.token.connect(f.alice).transfer(await f.vault.getAddress(), donation);
    return { ...f, donation };
  }

  it("should leave the attacker with 1e6 shares for 1 unit, and the donation shared with the virtual shares", async function () {
    const { vault, alice, donation } = await loadFixture(donatedFixture);
    expect(await vault.balanceOf(alice.address)).to.equal(VIRTUAL_SHARES);
    expect(await vault.totalAssets()).to.equal(donation + 1n);
    // Half of the vault belongs to the 10**6 virtual shares: the attacker can take back only half of it.
    expect(await vault.previewRedeem(VIRTUAL_SHARES)).to.equal((donation + 2n) / 2n);
  });

  it("should cost the attacker about a million times what the victim loses", async function () {
    const { fund, vault, alice, bob, donation } = await loadFixture(donatedFixture);
    const { token } = fund.contracts;
    const deposit = 1_000n * ONE;
    const expectedShares = (deposit * (VIRTUAL_SHARES + VIRTUAL_SHARES)) / (donation + 1n + 1n);
    expect(expectedShares).to.equal(3999n);
    await vault.connect(bob).deposit(deposit, bob.address);
    expect(await vault.balanceOf(bob.address)).to.equal(expectedShares);

    const aliceBefore = await token.balanceOf(alice.address);
    await vault.connect(alice).redeem(VIRTUAL_SHARES, alice.address, alice.address);
    const attackerBack = (await token.balanceOf(alice.address)) - aliceBefore;
    const bobBefore = await token.balanceOf(bob.address);
    await vault.connect(bob).redeem(expectedShares, bob.address, bob.address);
    const victimBack = (await token.balanceOf(bob.address)) - bobBefore;

    const attackerLoss = donation + 1n - attackerBack;
    const victimLoss = deposit - victimBack;
    // Measured: the attacker loses 249,999.875 fund tokens, the victim 0.2495 (0.025% of its deposit): 1,001,998 to 1.
    expect(victimLoss).to.be.greaterThan(0n);
    expect(victimLoss * 1000n).to.be.lessThan(deposit);
    expect(attackerLoss).to.be.greaterThan(249_999n * ONE);
    expect(attackerLoss / victimLoss).to.be.greaterThan(1_000_000n);
    // Nothing is stolen: the attacker gets back less than it put in, by far.
    expect(attackerBack).to.be.lessThan(donation);
  });

  it("should refuse a deposit the donation made worth no share, leaving the victim's tokens untouched", async function () {
    const { fund, vault, bob } = await loadFixture(donatedFixture);
    const balance = await fund.contracts.token.balanceOf(bob.address);
    const deposit = ONE / 5n;
    expect(await vault.previewDeposit(deposit)).to.equal(0n);
    await expect(vault.connect(bob).deposit(deposit, bob.address))
      .to.be.revertedWithCustomError(vault, "NoSharesForDeposit")
      .withArgs(deposit);
    expect(await fund.contracts.token.balanceOf(bob.address)).to.equal(balance);
  });

  it("should compare with a plain OpenZeppelin vault (offset 0), where the same donation takes the whole deposit", async function () {
    const { fund, alice, bob } = await loadFixture(wrapperFixture);
    const { token } = fund.contracts;
    const plain = await (await ethers.getContractFactory("MockVault")).deploy(await token.getAddress());
    const plainAddress = await plain.getAddress();
    // The plain vault is made an account of the fund so that it can hold the fund token at all.
    await registerProtocolAccount(fund, plainAddress);
    for (const who of [alice, bob]) await token.connect(who).approve(plainAddress, ethers.MaxUint256);
    const donation = 500_000n * ONE;
    await plain.connect(alice).deposit(1n, alice.address);
    await token.connect(alice).transfer(plainAddress, donation);
    const deposit = 1_000n * ONE;
    await plain.connect(bob).deposit(deposit, bob.address);
    // Offset 0: the victim's 1,000 tokens buy zero shares and are lost to the vault.
    expect(await plain.balanceOf(bob.address)).to.equal(0n);
    const aliceBefore = await token.balanceOf(alice.address);
    await plain.connect(alice).redeem(1n, alice.address, alice.address);
    const attackerBack = (await token.balanceOf(alice.address)) - aliceBefore;
    // The attacker takes half the victim's deposit back and still loses half its donation: a griefing at a
    // 1:1 cost, where the offset of 6 makes the same victim lose 0.25 token.
    expect(attackerBack).to.equal((donation + 1n + deposit + 1n) / 2n);
  });
});
