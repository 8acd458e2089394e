/**
 * ERC-7943 (uRWA, status Final; the fungible interface IERC7943Fungible, ERC-165 id 0x3edbb4c4): one `it` per MUST
 * statement of the specification that applies to an ERC-20 based token, quoted, run against the fund token and
 * against the wrapper. Then how the fund token's ERC-3643 surface and its ERC-7943 surface sit side by side
 * (docs/TOKEN.md, "ERC-3643 and ERC-7943").
 */
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Interface, MaxUint256, ZeroAddress, type BaseContract } from "ethers";
import { investorsFixture, ONE, COUNTRY } from "../token/fixtures";
import { wrapperFixture } from "../wrapper/fixtures";
import { registerInvestor } from "../helpers/fund";
import type { Fund, RoleActor } from "../../lib/fund";
import { interfaceIdOf, logNames, IERC165 } from "./fixtures";
import type { IFundToken, WrappedFundToken } from "../../typechain-types";

const IERC7943 = "contracts/interfaces/IERC7943.sol:IERC7943Fungible";

/** What the statements need of a token: the contract, wallets, and how to freeze a wallet and pause. */
interface Subject {
  fund: Fund;
  token: IFundToken | WrappedFundToken;
  /** A contract whose ABI has AccessManaged's errors, at the token's address. */
  managed: BaseContract;
  /** Eligible, holding tokens. */
  holder: HardhatEthersSigner;
  /** Eligible, may receive. */
  other: HardhatEthersSigner;
  /** Never registered in the identity registry. */
  unverified: HardhatEthersSigner;
  outsider: HardhatEthersSigner;
  agent: RoleActor;
  /** An amount every rule accepts between the holder and the other wallet (above the minimum holding). */
  unit: bigint;
  freezeWallet(wallet: string): Promise<unknown>;
  pause(): Promise<unknown>;
}

async function tokenSubject(): Promise<Subject> {
  const f = await loadFixture(investorsFixture);
  return {
    fund: f.fund,
    token: f.token,
    managed: f.tokenImpl,
    holder: f.alice,
    other: f.dave,
    unverified: f.erin,
    outsider: f.outsider,
    agent: f.fund.as("transferAgent"),
    unit: 10n * ONE,
    freezeWallet: (w) => f.fund.as("transferAgent").on(f.token).setAddressFrozen(w, true),
    pause: () => f.fund.as("guardian").on(f.token).pause(),
  };
}

/** The wrapper, alice holding 10,000 fund tokens' worth of wrapped shares. */
async function wrapperHolders() {
  const f = await loadFixture(wrapperFixture);
  await f.vault.connect(f.alice).deposit(10_000n * ONE, f.alice.address);
  return f;
}

async function wrapperSubject(): Promise<Subject> {
  const f = await loadFixture(wrapperHolders);
  return {
    fund: f.fund,
    token: f.vault,
    managed: f.vault,
    holder: f.alice,
    other: f.erin,
    unverified: f.dave,
    outsider: f.outsider,
    agent: f.fund.as("transferAgent"),
    unit: 10n * ONE * 10n ** 6n,
    freezeWallet: (w) => f.fund.as("transferAgent").on(f.vault).setAddressFrozen(w, true),
    pause: () => f.fund.as("guardian").on(f.vault).pause(),
  };
}

function conformance(name: string, load: () => Promise<Subject>) {
  describe(`ERC-7943 on ${name}`, function () {
    describe("interface and ERC-165", function () {
      it('"The contract MUST implement the ERC-165 supportsInterface function and MUST return true for ... 0x3edbb4c4 for the fungible interface" (id computed from the interface)', async function () {
        const { token } = await load();
        const id = await interfaceIdOf(IERC7943, [IERC165]);
        expect(id).to.equal("0x3edbb4c4");
        expect(await token.supportsInterface(id)).to.equal(true);
        expect(await token.supportsInterface(await interfaceIdOf(IERC165))).to.equal(true);
        expect(await token.supportsInterface("0xffffffff")).to.equal(false);
      });

      it('"an ERC-7943 token contract ... MUST extend from one base token interface such as ERC-20"', async function () {
        const { token, holder, other } = await load();
        const erc20 = await interfaceIdOf("@openzeppelin/contracts/token/ERC20/IERC20.sol:IERC20");
        expect(await token.supportsInterface(erc20)).to.equal(true);
        const balance = await token.balanceOf(holder.address);
        await expect(token.connect(holder).transfer(other.address, balance / 2n))
          .to.emit(token, "Transfer")
          .withArgs(holder.address, other.address, balance / 2n);
      });

      it('"canSend and canReceive ... MUST NOT change the storage of the contract"; "canTransfer ... MUST NOT change the storage of the contract" (view functions)', async function () {
        const { token } = await load();
        const iface = token.interface as Interface;
        for (const fn of ["canSend", "canReceive", "canTransfer", "getFrozenTokens"]) {
          expect(iface.getFunction(fn)!.stateMutability, fn).to.equal("view");
        }
      });
    });

    describe("canSend, canReceive", function () {
      it('"MUST NOT revert" (unknown wallets, the zero address)', async function () {
        const { token, unverified } = await load();
        for (const wallet of [
          ZeroAddress,
          unverified.address,
          "0x000000000000000000000000000000000000dEaD",
        ]) {
          expect(await token.canSend(wallet)).to.equal(false);
          expect(await token.canReceive(wallet)).to.equal(false);
        }
      });

      it('"MUST NOT encode transfer-specific or quantitative rules (e.g., balance checks, amount limits)": an empty wallet and a wholly frozen balance are still eligible', async function () {
        const { token, holder, other, agent } = await load();
        expect(await token.balanceOf(other.address)).to.equal(0n);
        expect(await token.canSend(other.address)).to.equal(true);
        expect(await token.canReceive(other.address)).to.equal(true);
        await agent.on(token).setFrozenTokens(holder.address, await token.balanceOf(holder.address));
        expect(await token.canSend(holder.address)).to.equal(true);
      });

      it("(the account-level rules themselves: a frozen wallet can neither send nor receive)", async function () {
        const s = await load();
        await s.freezeWallet(s.other.address);
        expect(await s.token.canSend(s.other.address)).to.equal(false);
        expect(await s.token.canReceive(s.other.address)).to.equal(false);
      });
    });

    describe("canTransfer", function () {
      it('"MUST NOT revert" (zero addresses, amounts up to 2^256 - 1)', async function () {
        const { token, holder, other } = await load();
        expect(await token.canTransfer(ZeroAddress, ZeroAddress, 0n)).to.equal(false);
        expect(await token.canTransfer(holder.address, other.address, MaxUint256)).to.equal(false);
        expect(await token.canTransfer(holder.address, ZeroAddress, 1n)).to.equal(false);
      });

      it('"MUST validate that the amount being transferred doesn\'t exceed the unfrozen amount (which is the difference between the current balance and the frozen balance)"', async function () {
        const { token, holder, other, agent } = await load();
        const balance = await token.balanceOf(holder.address);
        const frozen = balance / 4n;
        await agent.on(token).setFrozenTokens(holder.address, frozen);
        const unfrozen = balance - (await token.getFrozenTokens(holder.address));
        expect(await token.canTransfer(holder.address, other.address, unfrozen)).to.equal(true);
        expect(await token.canTransfer(holder.address, other.address, unfrozen + 1n)).to.equal(false);
      });

      it('"MUST perform a canSend check on the from parameter and a canReceive check on the to parameter"', async function () {
        const s = await load();
        expect(await s.token.canTransfer(s.holder.address, s.unverified.address, s.unit)).to.equal(false);
        expect(await s.token.canTransfer(s.holder.address, s.other.address, s.unit)).to.equal(true);
        await s.freezeWallet(s.holder.address);
        expect(await s.token.canSend(s.holder.address)).to.equal(false);
        expect(await s.token.canTransfer(s.holder.address, s.other.address, s.unit)).to.equal(false);
      });

      it('"MUST return false in general, if any permissioned rule would prevent a given transfer from succeeding ... A permissioned check can be a pausing mechanism"', async function () {
        const s = await load();
        await s.pause();
        expect(await s.token.canTransfer(s.holder.address, s.other.address, 1n)).to.equal(false);
      });

      it('"MUST NOT return false based on token-specific, non-permissioned validations such as balance or allowance checks" (no allowance given)', async function () {
        const { token, holder, other, unit } = await load();
        expect(await token.allowance(holder.address, other.address)).to.equal(0n);
        expect(await token.canTransfer(holder.address, other.address, unit)).to.equal(true);
      });
    });

    describe("getFrozenTokens", function () {
      it('"will return the absolute frozen amount, which MAY exceed the account\'s current balance"', async function () {
        const { token, holder, agent } = await load();
        const balance = await token.balanceOf(holder.address);
        await agent.on(token).setFrozenTokens(holder.address, 3n * balance);
        expect((await token.getFrozenTokens(holder.address)) >= 3n * balance).to.equal(true);
      });
    });

    describe("forcedTransfer", function () {
      it('"MUST directly manipulate balances ... to transfer the asset from `from` to `to`" and "MUST emit the base standard\'s canonical transfer event(s) ... and MUST emit the ForcedTransfer event"', async function () {
        const { token, holder, other, agent } = await load();
        const balance = await token.balanceOf(holder.address);
        const { response } = await agent.on(token).forcedTransfer(holder.address, other.address, 1000n);
        await expect(response)
          .to.emit(token, "Transfer")
          .withArgs(holder.address, other.address, 1000n)
          .and.to.emit(token, "ForcedTransfer")
          .withArgs(holder.address, other.address, 1000n);
        expect((await token.balanceOf(holder.address)) <= balance - 1000n).to.equal(true);
        expect((await token.balanceOf(other.address)) >= 1000n).to.equal(true);
      });

      it('"MUST be restricted in access"', async function () {
        const { token, managed, holder, other, outsider } = await load();
        await expect(token.connect(outsider).forcedTransfer(holder.address, other.address, 1n))
          .to.be.revertedWithCustomError(managed, "AccessManagedUnauthorized")
          .withArgs(outsider.address);
      });

      it('"MUST perform necessary validation checks (e.g., sufficient balance/ownership of a specific token)"', async function () {
        const { token, holder, other, agent } = await load();
        const balance = await token.balanceOf(holder.address);
        await expect(
          agent.on(token).forcedTransfer(holder.address, other.address, balance + 1n),
        ).to.be.revertedWithCustomError(token, "ERC20InsufficientBalance");
      });

      it('"If this happens, and the transfer involves tokens that are currently counted as frozen, it MUST unfreeze the assets first and emit a Frozen event before the underlying base token transfer event"', async function () {
        const { token, holder, other, agent } = await load();
        const balance = await token.balanceOf(holder.address);
        await agent.on(token).setFrozenTokens(holder.address, balance);
        const { receipt } = await agent.on(token).forcedTransfer(holder.address, other.address, balance / 2n);
        const names = logNames(token, receipt);
        expect(names.indexOf("Frozen")).to.be.greaterThan(-1);
        expect(names.indexOf("Frozen")).to.be.lessThan(names.indexOf("Transfer"));
        const frozenAfter = await token.getFrozenTokens(holder.address);
        expect(frozenAfter <= (await token.balanceOf(holder.address)) + 1n).to.equal(true);
      });

      it('"MUST revert in cases where validations and/or canReceive checks return false or fail" (an unverified recipient)', async function () {
        const { token, holder, unverified, agent } = await load();
        expect(await token.canReceive(unverified.address)).to.equal(false);
        await expect(
          agent.on(token).forcedTransfer(holder.address, unverified.address, 1n),
        ).to.be.revertedWithCustomError(token, "RecipientNotVerified");
      });

      it('"MUST revert in cases where validations and/or canReceive checks return false or fail" (issue 19: a verified recipient whose wallet is frozen, ERC7943CannotReceive)', async function () {
        const s = await load();
        const { token, holder, other, agent } = s;
        await s.freezeWallet(other.address);
        expect(await token.canReceive(other.address)).to.equal(false);
        await expect(agent.on(token).forcedTransfer(holder.address, other.address, s.unit))
          .to.be.revertedWithCustomError(token, "ERC7943CannotReceive")
          .withArgs(other.address);
      });
    });

    describe("setFrozenTokens", function () {
      it('"MUST emit the Frozen event"', async function () {
        const { token, holder, agent } = await load();
        await expect((await agent.on(token).setFrozenTokens(holder.address, 1234n)).response)
          .to.emit(token, "Frozen")
          .withArgs(holder.address, await token.getFrozenTokens(holder.address));
      });

      it('"MUST be restricted in access"', async function () {
        const { token, managed, holder, outsider } = await load();
        await expect(token.connect(outsider).setFrozenTokens(holder.address, 1n))
          .to.be.revertedWithCustomError(managed, "AccessManagedUnauthorized")
          .withArgs(outsider.address);
      });

      it('"MUST allow freezing more assets than those held. This allows for future balances withholding."', async function () {
        const { token, holder, other, agent, unit } = await load();
        await agent.on(token).setFrozenTokens(other.address, 5n * unit);
        expect((await token.getFrozenTokens(other.address)) >= 5n * unit).to.equal(true);
        await token.connect(holder).transfer(other.address, 3n * unit);
        expect(await token.canTransfer(other.address, holder.address, unit)).to.equal(false);
        await expect(token.connect(other).transfer(holder.address, unit)).to.be.reverted;
      });

      it('"MUST revert in cases of logical issues or validation checks failure" (an amount beyond what can be stored)', async function () {
        const { token, holder, agent } = await load();
        await expect(
          agent.on(token).setFrozenTokens(holder.address, MaxUint256),
        ).to.be.revertedWithCustomError(token, "FrozenAmountTooLarge");
      });
    });

    describe("transfers", function () {
      it('"Public transfers (transfer, transferFrom, ...) MUST NOT succeed in cases where canTransfer would return false, or where canSend would return false for the from address, or canReceive would return false for the to address"', async function () {
        const s = await load();
        const { token, holder, other, unverified, agent, unit } = s;
        // canReceive(to) false
        expect(await token.canReceive(unverified.address)).to.equal(false);
        await expect(token.connect(holder).transfer(unverified.address, unit)).to.be.reverted;
        // canTransfer false: the frozen amount
        const balance = await token.balanceOf(holder.address);
        await agent.on(token).setFrozenTokens(holder.address, balance);
        expect(await token.canTransfer(holder.address, other.address, unit)).to.equal(false);
        await expect(token.connect(holder).transfer(other.address, unit)).to.be.reverted;
        await token.connect(holder).approve(other.address, MaxUint256);
        await expect(token.connect(other).transferFrom(holder.address, other.address, unit)).to.be.reverted;
        await agent.on(token).setFrozenTokens(holder.address, 0n);
        expect(await token.canTransfer(holder.address, other.address, unit)).to.equal(true);
        // canSend(from) false
        await s.freezeWallet(holder.address);
        expect(await token.canSend(holder.address)).to.equal(false);
        await expect(token.connect(holder).transfer(other.address, unit)).to.be.reverted;
      });
    });
  });
}

conformance("the fund token", tokenSubject);
conformance("the wrapper", wrapperSubject);

describe("ERC-7943 on the fund token: its compliance and burns", function () {
  it('canReceive and canTransfer: "MUST return false in general, if any permissioned rule would prevent a given transfer" (the compliance\'s country rule)', async function () {
    const { fund, token, alice, investors } = await loadFixture(investorsFixture);
    const iran = investors[6];
    await registerInvestor(fund, iran.address, { country: COUNTRY.IR });
    expect(await token.canReceive(iran.address)).to.equal(false);
    expect(await token.canTransfer(alice.address, iran.address, ONE)).to.equal(false);
    await expect(token.connect(alice).transfer(iran.address, ONE)).to.be.reverted;
  });

  it('"In permissioned contexts (e.g., authorized burning by privileged roles), burning ... MAY burn more assets than the unfrozen amount, in which case the contract MUST update the frozen status accordingly and emit a Frozen event before the underlying base token transfer event"', async function () {
    const { fund, token, carol } = await loadFixture(investorsFixture);
    const minter = fund.as("transferAgent");
    await minter.on(token).setFrozenTokens(carol.address, 6_000n * ONE);
    const { receipt } = await minter.on(token).burn(carol.address, 7_000n * ONE);
    const names = logNames(token, receipt);
    expect(names.indexOf("Frozen")).to.be.lessThan(names.indexOf("Transfer"));
    expect(await token.getFrozenTokens(carol.address)).to.equal(3_000n * ONE);
    expect(await token.balanceOf(carol.address)).to.equal(3_000n * ONE);
  });
});

describe("ERC-7943 on the wrapper: wrapping and unwrapping", function () {
  it('"Minting in permissionless contexts (e.g., public mint functions) MUST NOT succeed for accounts where canReceive on the recipient would return false" (deposit for an unregistered wallet)', async function () {
    const f = await loadFixture(wrapperHolders);
    expect(await f.vault.canReceive(f.dave.address)).to.equal(false);
    await expect(f.vault.connect(f.bob).deposit(ONE, f.dave.address)).to.be.revertedWithCustomError(
      f.vault,
      "RecipientNotVerified",
    );
  });

  it('"Burning in permissionless contexts (e.g., public burn functions) MUST respect the canTransfer check, MUST respect the canSend check on the token holder, and MUST NOT allow burning more assets than the unfrozen amount" (unwrapping)', async function () {
    const f = await loadFixture(wrapperHolders);
    const { vault, alice, fund } = f;
    const shares = await vault.balanceOf(alice.address);
    await fund
      .as("transferAgent")
      .on(vault)
      .setFrozenTokens(alice.address, shares / 2n);
    expect(await vault.maxRedeem(alice.address)).to.equal(shares - shares / 2n);
    await expect(vault.connect(alice).redeem(shares, alice.address, alice.address))
      .to.be.revertedWithCustomError(vault, "ERC7943InsufficientUnfrozenBalance")
      .withArgs(alice.address, shares, shares - shares / 2n);
    await vault.connect(alice).redeem(shares - shares / 2n, alice.address, alice.address);
    await fund.as("transferAgent").on(vault).setAddressFrozen(alice.address, true);
    expect(await vault.canSend(alice.address)).to.equal(false);
    await expect(vault.connect(alice).redeem(1n, alice.address, alice.address)).to.be.revertedWithCustomError(
      vault,
      "WalletFrozenInWrapper",
    );
  });
});

describe("ERC-3643 beside ERC-7943 on the fund token (docs/TOKEN.md)", function () {
  it("should keep ERC-3643's freezePartialTokens incremental and within the balance, while setFrozenTokens overwrites and may exceed it", async function () {
    const { fund, token, carol } = await loadFixture(investorsFixture);
    const agent = fund.as("transferAgent");
    await agent.on(token).freezePartialTokens(carol.address, 1_000n * ONE);
    await agent.on(token).freezePartialTokens(carol.address, 1_000n * ONE);
    expect(await token.getFrozenTokens(carol.address)).to.equal(2_000n * ONE);
    await expect(
      agent.on(token).freezePartialTokens(carol.address, 8_001n * ONE),
    ).to.be.revertedWithCustomError(token, "FreezeExceedsBalance");
    await agent.on(token).setFrozenTokens(carol.address, 500n * ONE);
    expect(await token.getFrozenTokens(carol.address)).to.equal(500n * ONE);
    await agent.on(token).setFrozenTokens(carol.address, 20_000n * ONE);
    expect(await token.getFrozenTokens(carol.address)).to.equal(20_000n * ONE);
    // Above the balance already: any further partial freeze exceeds it.
    await expect(agent.on(token).freezePartialTokens(carol.address, 1n)).to.be.revertedWithCustomError(
      token,
      "FreezeExceedsBalance",
    );
    await agent.on(token).unfreezePartialTokens(carol.address, 20_000n * ONE);
    expect(await token.getFrozenTokens(carol.address)).to.equal(0n);
  });

  it("should emit both standards' events on every change of a frozen amount: TokensFrozen / TokensUnfrozen (the change) and Frozen (the total)", async function () {
    const { fund, token, carol } = await loadFixture(investorsFixture);
    const agent = fund.as("transferAgent");
    await expect((await agent.on(token).freezePartialTokens(carol.address, 1_000n * ONE)).response)
      .to.emit(token, "TokensFrozen")
      .withArgs(carol.address, 1_000n * ONE)
      .and.to.emit(token, "Frozen")
      .withArgs(carol.address, 1_000n * ONE);
    await expect((await agent.on(token).setFrozenTokens(carol.address, 400n * ONE)).response)
      .to.emit(token, "TokensUnfrozen")
      .withArgs(carol.address, 600n * ONE)
      .and.to.emit(token, "Frozen")
      .withArgs(carol.address, 400n * ONE);
    await expect((await agent.on(token).setFrozenTokens(carol.address, 900n * ONE)).response)
      .to.emit(token, "TokensFrozen")
      .withArgs(carol.address, 500n * ONE)
      .and.to.emit(token, "Frozen")
      .withArgs(carol.address, 900n * ONE);
    await expect((await agent.on(token).unfreezePartialTokens(carol.address, 900n * ONE)).response)
      .to.emit(token, "TokensUnfrozen")
      .withArgs(carol.address, 900n * ONE)
      .and.to.emit(token, "Frozen")
      .withArgs(carol.address, 0n);
  });

  it("should answer the compliance's ERC-3643 canTransfer (rules only) and the token's ERC-7943 canTransfer (rules, eligibility, freezes, pause) differently for a frozen wallet", async function () {
    const { fund, token, alice, dave } = await loadFixture(investorsFixture);
    await fund.as("transferAgent").on(token).setAddressFrozen(alice.address, true);
    expect(await fund.contracts.compliance.canTransfer(alice.address, dave.address, ONE)).to.equal(true);
    expect(await token.canTransfer(alice.address, dave.address, ONE)).to.equal(false);
    expect(await token.detectTransferRestriction(alice.address, dave.address, ONE)).to.equal(4n); // SENDER_FROZEN
  });

  it("issue 19: should refuse ERC-3643's forcedTransfer (the same function) to a verified wallet the compliance refuses, as ERC-7943 requires (canReceive false: ERC7943CannotReceive)", async function () {
    const { fund, token, alice, investors } = await loadFixture(investorsFixture);
    const iran = investors[6];
    await registerInvestor(fund, iran.address, { country: COUNTRY.IR });
    expect(await token.canReceive(iran.address)).to.equal(false);
    await expect(fund.as("transferAgent").on(token).forcedTransfer(alice.address, iran.address, ONE))
      .to.be.revertedWithCustomError(token, "ERC7943CannotReceive")
      .withArgs(iran.address);
    expect(await token.balanceOf(iran.address)).to.equal(0n);
  });

  it("should move frozen amounts with the wallet on recovery, emitting Frozen for both wallets (and cap absurd sums)", async function () {
    const { fund, token, carol, investors } = await loadFixture(investorsFixture);
    const newWallet = investors[7];
    await registerInvestor(fund, newWallet.address, { identity: carol.address });
    await fund
      .as("transferAgent")
      .on(token)
      .setFrozenTokens(carol.address, 4_000n * ONE);
    const { response } = await fund
      .as("transferAgent")
      .on(token)
      .recoveryAddress(carol.address, newWallet.address, carol.address);
    await expect(response)
      .to.emit(token, "Frozen")
      .withArgs(carol.address, 0n)
      .and.to.emit(token, "Frozen")
      .withArgs(newWallet.address, 4_000n * ONE);
    expect(await token.getFrozenTokens(newWallet.address)).to.equal(4_000n * ONE);
  });
});
