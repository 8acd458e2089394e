import { expect } from "chai";
import fc from "fast-check";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  ONE,
  VIRTUAL_SHARES,
  assetsToSharesDown,
  ceilDiv,
  nextBusinessDay,
  sharesToAssetsDown,
  wrapperFixture,
  type WrapperFixture,
} from "./fixtures";

/**
 * Model-based property test: random sequences of wraps, unwraps, wrapped transfers, donations and business
 * days, each checked against the vault's conversion formulas (the model) and the invariants that matter for
 * holders and for the fund:
 * - every conversion rounds in the vault's favour (shares minted down, assets charged up, shares burnt up,
 *   fund-token shares delivered down, never more than the value burnt);
 * - the vault is always solvent: what previewRedeem promises to all holders together never exceeds its assets;
 * - fund-token shares paid out never exceed those wrapped plus those donated (the vault creates no value).
 */

/** Deterministic by default; PROPERTY_RUNS=<n> explores n random sequences with a fresh seed. */
const PROPERTY_OPTIONS = process.env.PROPERTY_RUNS
  ? { numRuns: Number(process.env.PROPERTY_RUNS) }
  : { numRuns: 30, seed: 20261122 };

type Op =
  | { kind: "deposit"; who: number; amount: bigint }
  | { kind: "mint"; who: number; shares: bigint }
  | { kind: "redeem"; who: number; part: number }
  | { kind: "withdraw"; who: number; part: number }
  | { kind: "transfer"; who: number; to: number; part: number }
  | { kind: "donate"; who: number; amount: bigint }
  | { kind: "day"; growthPpm: bigint };

const who = fc.integer({ min: 0, max: 2 });
/** Token amounts from 1 unit to 50,000 tokens, biased towards both ends. */
const amount = fc.oneof(
  fc.bigInt({ min: 1n, max: 1_000n }),
  fc.bigInt({ min: ONE / 1000n, max: 50_000n * ONE }),
);
/** Fraction of a balance, in percent (100 = everything). */
const part = fc.integer({ min: 1, max: 100 });

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("deposit" as const), who, amount }),
  fc.record({
    kind: fc.constant("mint" as const),
    who,
    shares: fc.oneof(fc.bigInt({ min: 1n, max: 10n ** 9n }), fc.bigInt({ min: 10n ** 9n, max: 10n ** 28n })),
  }),
  fc.record({ kind: fc.constant("redeem" as const), who, part }),
  fc.record({ kind: fc.constant("withdraw" as const), who, part }),
  fc.record({ kind: fc.constant("transfer" as const), who, to: who, part }),
  fc.record({ kind: fc.constant("donate" as const), who, amount: fc.bigInt({ min: 1n, max: 1_000n * ONE }) }),
  fc.record({ kind: fc.constant("day" as const), growthPpm: fc.bigInt({ min: 0n, max: 900n }) }),
);

class Run {
  /** Fund-token shares moved into the vault by wraps and donations, and out of it by unwraps. */
  sharesIn = 0n;
  sharesOut = 0n;

  constructor(readonly f: WrapperFixture) {}

  get holders(): HardhatEthersSigner[] {
    return [this.f.alice, this.f.bob, this.f.carol];
  }

  async snapshot() {
    const { vault, fund } = this.f;
    return {
      totalAssets: await vault.totalAssets(),
      totalSupply: await vault.totalSupply(),
      index: await fund.contracts.token.index(),
      vaultFundShares: await fund.contracts.token.sharesOf(await vault.getAddress()),
    };
  }

  async apply(o: Op) {
    const { vault, fund } = this.f;
    const { token } = fund.contracts;
    const s = await this.snapshot();
    const user = o.kind === "day" ? undefined : this.holders[o.who];
    switch (o.kind) {
      case "deposit": {
        if (!(await this.canPay(user!, o.amount))) return;
        const shares = assetsToSharesDown(o.amount, s.totalAssets, s.totalSupply);
        if (shares === 0n) {
          await expect(vault.connect(user!).deposit(o.amount, user!.address))
            .to.be.revertedWithCustomError(vault, "NoSharesForDeposit")
            .withArgs(o.amount);
          return;
        }
        await expect(vault.connect(user!).deposit(o.amount, user!.address)).to.changeTokenBalance(
          vault,
          user!,
          shares,
        );
        await this.recordIn(s.vaultFundShares, o.amount);
        // Rounding favours the vault: the shares are never worth more than the assets paid.
        expect(await vault.previewRedeem(shares)).to.be.lte(o.amount);
        return;
      }
      case "mint": {
        const assets = ceilDiv(o.shares * (s.totalAssets + 1n), s.totalSupply + VIRTUAL_SHARES);
        expect(await vault.previewMint(o.shares)).to.equal(assets);
        if (!(await this.canPay(user!, assets))) return;
        await expect(vault.connect(user!).mint(o.shares, user!.address)).to.changeTokenBalance(
          vault,
          user!,
          o.shares,
        );
        await this.recordIn(s.vaultFundShares, assets);
        return;
      }
      case "redeem": {
        const balance = await vault.balanceOf(user!.address);
        const shares = (balance * BigInt(o.part)) / 100n;
        const assets = sharesToAssetsDown(shares, s.totalAssets, s.totalSupply);
        await this.unwrap(user!, shares, assets, s, () =>
          vault.connect(user!).redeem(shares, user!.address, user!.address),
        );
        return;
      }
      case "withdraw": {
        const max = await vault.maxWithdraw(user!.address);
        const assets = (max * BigInt(o.part)) / 100n;
        const shares = ceilDiv(assets * (s.totalSupply + VIRTUAL_SHARES), s.totalAssets + 1n);
        await this.unwrap(user!, shares, assets, s, () =>
          vault.connect(user!).withdraw(assets, user!.address, user!.address),
        );
        return;
      }
      case "transfer": {
        const to = this.holders[o.to];
        const shares = ((await vault.balanceOf(user!.address)) * BigInt(o.part)) / 100n;
        if (to === user) {
          await expect(vault.connect(user!).transfer(to.address, shares)).to.changeTokenBalance(
            vault,
            to,
            0n,
          );
        } else {
          await expect(vault.connect(user!).transfer(to.address, shares)).to.changeTokenBalances(
            vault,
            [user!, to],
            [-shares, shares],
          );
        }
        return;
      }
      case "donate": {
        if (!(await this.canPay(user!, o.amount))) return;
        await token.connect(user!).transfer(await vault.getAddress(), o.amount);
        await this.recordIn(s.vaultFundShares, o.amount);
        return;
      }
      case "day":
        await nextBusinessDay(fund, o.growthPpm);
        return;
    }
  }

  /**
   * Whether `user` can pay `assets` fund tokens and keep the fund's minimum holding (1 token): a donation made
   * before the first wrap can make shares expensive, and the fund token would then refuse the movement with
   * its own rule (tested in WrappedFundToken.test.ts), which is not what this property is about.
   */
  private async canPay(user: HardhatEthersSigner, assets: bigint): Promise<boolean> {
    return assets + ONE <= (await this.f.fund.contracts.token.balanceOf(user.address));
  }

  /** Records fund-token shares that entered the vault; the vault's balance grew by at least `assets`. */
  private async recordIn(vaultFundSharesBefore: bigint, assets: bigint) {
    const { vault, fund } = this.f;
    const after = await fund.contracts.token.sharesOf(await vault.getAddress());
    this.sharesIn += after - vaultFundSharesBefore;
    expect(((after - vaultFundSharesBefore) * (await fund.contracts.token.index())) / ONE).to.be.gte(assets);
  }

  private async unwrap(
    user: HardhatEthersSigner,
    shares: bigint,
    assets: bigint,
    s: Awaited<ReturnType<Run["snapshot"]>>,
    call: () => Promise<unknown>,
  ) {
    const { vault, fund } = this.f;
    const fundShares = (assets * ONE) / s.index;
    if (fundShares === 0n) {
      await expect(call())
        .to.be.revertedWithCustomError(vault, "NoAssetsForRedemption")
        .withArgs(shares, assets);
      return;
    }
    const userShares = await fund.contracts.token.sharesOf(user.address);
    const wrapped = await vault.balanceOf(user.address);
    await call();
    expect(await vault.balanceOf(user.address)).to.equal(wrapped - shares);
    expect((await fund.contracts.token.sharesOf(user.address)) - userShares).to.equal(fundShares);
    // Never more value out than the burnt shares were worth.
    expect((fundShares * s.index) / ONE).to.be.lte(assets);
    this.sharesOut += fundShares;
  }

  async checkInvariants() {
    const { vault, fund } = this.f;
    let promised = 0n;
    for (const h of this.holders) promised += await vault.previewRedeem(await vault.balanceOf(h.address));
    const totalAssets = await vault.totalAssets();
    expect(promised).to.be.lte(totalAssets);
    expect(totalAssets).to.equal(await fund.contracts.token.balanceOf(await vault.getAddress()));
    expect(this.sharesOut).to.be.lte(this.sharesIn);
    expect(await fund.contracts.token.sharesOf(await vault.getAddress())).to.equal(
      this.sharesIn - this.sharesOut,
    );
  }
}

describe("WrappedFundToken (property: random wraps, unwraps, transfers, donations and rebases)", function () {
  it("should round in the vault's favour, stay solvent and never pay out more than came in", async function () {
    this.timeout(600_000);
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 12 }), async (ops) => {
        const run = new Run(await loadFixture(wrapperFixture));
        for (const o of ops) {
          await run.apply(o);
          await run.checkInvariants();
        }
        // Everyone leaves: what the vault keeps is the rounding it earned, never a deficit.
        for (const h of run.holders) {
          const shares = await run.f.vault.balanceOf(h.address);
          if (shares === 0n) continue;
          const s = await run.snapshot();
          await run.apply({ kind: "redeem", who: run.holders.indexOf(h), part: 100 });
          if ((sharesToAssetsDown(shares, s.totalAssets, s.totalSupply) * ONE) / s.index !== 0n)
            expect(await run.f.vault.balanceOf(h.address)).to.equal(0n);
        }
        await run.checkInvariants();
      }),
      PROPERTY_OPTIONS,
    );
  });
});
