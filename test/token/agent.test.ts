import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { ZeroAddress, type Interface, type ParamType } from "ethers";
import { RESTRICTION } from "../../lib/compliance-rules";
import { TOKEN_ROLES } from "../../lib/deploy/roles";
import { listProtocolAccounts } from "../helpers/fund";
import {
  CLASS,
  COUNTRY,
  DAY,
  ONE,
  feedUnits,
  investorsFixture,
  issuerCalls,
  publishReserveAnswer,
  rebasedFixture,
  registerMany,
  revertingGuardFixture,
  safeDirect,
  toAmount,
  toSharesDown,
  toSharesUp,
  tx,
  type InvestorsFixture,
} from "./fixtures";
import { roleStep } from "../../lib/fund";

const agent = (f: InvestorsFixture) => f.fund.as("transferAgent");
const officer = (f: InvestorsFixture) => f.fund.as("complianceOfficer");

/** A harmless argument of each ABI type. */
function sampleArg(p: ParamType, wallet: string): unknown {
  if (p.baseType === "array") return [wallet];
  // syncIndex's AppliedNav (issue 18).
  if (p.baseType === "tuple") return p.components!.map((c) => sampleArg(c, wallet));
  if (p.type === "address") return wallet;
  if (p.type === "bool") return true;
  if (p.type === "string") return "x";
  if (p.type === "bytes") return "0x";
  return 1n;
}

describe("FundToken: agent actions", function () {
  describe("access control", function () {
    const restricted = Object.entries(TOKEN_ROLES).flatMap(([role, fns]) =>
      fns!.map((fn) => [role, fn] as const),
    );

    for (const [role, fn] of restricted) {
      it(`should refuse ${fn} (${role}) to a caller without the role with AccessManagedUnauthorized`, async function () {
        const f = await loadFixture(investorsFixture);
        // upgradeToAndCall is FundToken's own (UUPS), not part of IFundToken.
        const ifaces = [f.token.interface, f.tokenImpl.interface] as unknown as Interface[];
        const iface = ifaces.find((i) => i.getFunction(fn) !== null)!;
        const fragment = iface.getFunction(fn)!;
        const data = iface.encodeFunctionData(
          fragment,
          fragment.inputs.map((p) => sampleArg(p, f.alice.address)),
        );
        await expect(f.outsider.sendTransaction({ to: f.token.target, data }))
          .to.be.revertedWithCustomError(f.tokenImpl, "AccessManagedUnauthorized")
          .withArgs(f.outsider.address);
      });
    }

    it("should keep the roles apart: the issuer cannot mint, the transfer agent cannot pause or configure", async function () {
      const f = await loadFixture(investorsFixture);
      const err = f.tokenImpl.interface;
      await expect(safeDirect(f.fund, "issuer", f.token, "mint", [f.alice.address, ONE], [err]))
        .to.be.revertedWithCustomError(f.tokenImpl, "AccessManagedUnauthorized")
        .withArgs(f.fund.as("issuer").address);
      await expect(safeDirect(f.fund, "transferAgent", f.token, "pause", [], [err]))
        .to.be.revertedWithCustomError(f.tokenImpl, "AccessManagedUnauthorized")
        .withArgs(agent(f).address);
      await expect(safeDirect(f.fund, "transferAgent", f.token, "setManagementFeeBps", [0], [err]))
        .to.be.revertedWithCustomError(f.tokenImpl, "AccessManagedUnauthorized")
        .withArgs(agent(f).address);
      await expect(
        safeDirect(f.fund, "complianceOfficer", f.token, "setAddressFrozen", [f.alice.address, true], [err]),
      )
        .to.be.revertedWithCustomError(f.tokenImpl, "AccessManagedUnauthorized")
        .withArgs(officer(f).address);
      await expect(safeDirect(f.fund, "guardian", f.token, "burn", [f.alice.address, ONE], [err]))
        .to.be.revertedWithCustomError(f.tokenImpl, "AccessManagedUnauthorized")
        .withArgs(f.fund.as("guardian").address);
    });
  });

  describe("mint", function () {
    describe("when the recipient may receive", function () {
      it("should issue the amount and emit Transfer and TransferShares from the zero address", async function () {
        const f = await loadFixture(investorsFixture);
        const supply = await f.token.totalSupply();
        await expect(
          tx(
            agent(f)
              .on(f.token)
              .mint(f.dave.address, 42n * ONE),
          ),
        )
          .to.emit(f.token, "Transfer")
          .withArgs(ZeroAddress, f.dave.address, 42n * ONE)
          .and.to.emit(f.token, "TransferShares")
          .withArgs(ZeroAddress, f.dave.address, 42n * ONE);
        expect(await f.token.balanceOf(f.dave.address)).to.equal(42n * ONE);
        expect(await f.token.totalSupply()).to.equal(supply + 42n * ONE);
      });

      it("should issue shares rounded down at an index above 1", async function () {
        const f = await loadFixture(rebasedFixture);
        const index = await f.token.index();
        const amount = 1_000n * ONE + 1n;
        const shares = toSharesDown(amount, index);
        await expect(tx(agent(f).on(f.token).mint(f.dave.address, amount)))
          .to.emit(f.token, "TransferShares")
          .withArgs(ZeroAddress, f.dave.address, shares);
        expect(await f.token.sharesOf(f.dave.address)).to.equal(shares);
      });

      it("should count a new investor in the compliance", async function () {
        const f = await loadFixture(investorsFixture);
        const count = await f.fund.contracts.compliance.investorCount();
        await agent(f)
          .on(f.token)
          .mint(f.dave.address, 10n * ONE);
        expect(await f.fund.contracts.compliance.investorCount()).to.equal(count + 1n);
      });
    });

    describe("when it is refused", function () {
      it("should refuse the zero recipient with ERC20InvalidReceiver", async function () {
        const f = await loadFixture(investorsFixture);
        await expect(agent(f).on(f.token).mint(ZeroAddress, ONE))
          .to.be.revertedWithCustomError(f.token, "ERC20InvalidReceiver")
          .withArgs(ZeroAddress);
      });

      it("should refuse issuance beyond uint120 total shares with SharesOverflow, before the reserve check", async function () {
        const f = await loadFixture(rebasedFixture);
        const index = await f.token.index();
        const amount = toAmount(2n ** 120n, index) + ONE;
        const expected = (await f.token.totalShares()) + toSharesDown(amount, index);
        await expect(agent(f).on(f.token).mint(f.dave.address, amount))
          .to.be.revertedWithCustomError(f.token, "SharesOverflow")
          .withArgs(expected);
      });

      it("should refuse an amount whose shares do not fit 256 bits with SharesOverflow(2^256 - 1), not a Panic", async function () {
        const f = await loadFixture(investorsFixture);
        const maxAmount = ethers.MaxUint256 / ONE;
        await expect(
          agent(f)
            .on(f.token)
            .mint(f.dave.address, maxAmount + 1n),
        )
          .to.be.revertedWithCustomError(f.token, "SharesOverflow")
          .withArgs(ethers.MaxUint256);
        await expect(agent(f).on(f.token).mint(f.dave.address, ethers.MaxUint256))
          .to.be.revertedWithCustomError(f.token, "SharesOverflow")
          .withArgs(ethers.MaxUint256);
        // At the bound the conversion fits and the uint120 cap names the total.
        await expect(agent(f).on(f.token).mint(f.dave.address, maxAmount))
          .to.be.revertedWithCustomError(f.token, "SharesOverflow")
          .withArgs((await f.token.totalShares()) + maxAmount);
      });

      it("should refuse an unregistered recipient with RecipientNotVerified", async function () {
        const f = await loadFixture(investorsFixture);
        await expect(agent(f).on(f.token).mint(f.erin.address, ONE))
          .to.be.revertedWithCustomError(f.token, "RecipientNotVerified")
          .withArgs(f.erin.address);
      });

      it("should refuse a frozen recipient with WalletFrozen", async function () {
        const f = await loadFixture(investorsFixture);
        await agent(f).on(f.token).setAddressFrozen(f.dave.address, true);
        await expect(agent(f).on(f.token).mint(f.dave.address, ONE))
          .to.be.revertedWithCustomError(f.token, "WalletFrozen")
          .withArgs(f.dave.address);
      });

      it("should refuse zero with AmountBelowOneShare(0)", async function () {
        const f = await loadFixture(investorsFixture);
        await expect(agent(f).on(f.token).mint(f.alice.address, 0n))
          .to.be.revertedWithCustomError(f.token, "AmountBelowOneShare")
          .withArgs(0n);
      });

      it("should refuse supply above the reserves with ReserveExceeded(newSupply, reserves)", async function () {
        const f = await loadFixture(investorsFixture);
        const supply = await f.token.totalSupply();
        await publishReserveAnswer(f.fund, feedUnits("1300000"));
        const amount = 1_300_000n * ONE - supply + 1n;
        await expect(agent(f).on(f.token).mint(f.dave.address, amount))
          .to.be.revertedWithCustomError(f.token, "ReserveExceeded")
          .withArgs(supply + amount, 1_300_000n * ONE);
        // Exactly the reserves is allowed.
        await agent(f)
          .on(f.token)
          .mint(f.dave.address, amount - 1n);
        expect(await f.token.totalSupply()).to.equal(1_300_000n * ONE);
      });

      it("should refuse issuance on stale reserves with the guard's ReserveStale", async function () {
        const f = await loadFixture(investorsFixture);
        const reserves = await ethers.getContractAt(
          "NavPublisher",
          String(f.fund.contracts.reservePublisher!.target),
        );
        const round = await reserves.latestRoundData();
        await time.increaseTo(round.updatedAt + BigInt(4 * DAY) + 1n);
        await expect(agent(f).on(f.token).mint(f.alice.address, ONE))
          .to.be.revertedWithCustomError(f.fund.contracts.reserveGuard, "ReserveStale")
          .withArgs(round.roundId, round.updatedAt, 4 * DAY, anyValue);
      });

      it("issue 16 finding 2: should keep refusing issuance on an unusable reserve round or a failing guard, with its error", async function () {
        const f = await loadFixture(investorsFixture);
        const feed = await (await ethers.getContractFactory("MockNavFeed")).deploy(8);
        const guard = await (
          await ethers.getContractFactory("ReserveGuard")
        ).deploy(await f.fund.contracts.manager.getAddress(), await feed.getAddress(), 4 * DAY);
        const faulty = await (await ethers.getContractFactory("MockFaultyReserveGuard")).deploy();
        await issuerCalls(f.fund, [roleStep(f.token, "setReserveGuard", [await guard.getAddress()])]);
        const now = await time.latest();
        const supply = await f.token.totalSupply();
        for (const [round, error, args] of [
          [[5, 0, now, now, 5], "ReserveNotPositive", [5, 0]],
          [[5, feedUnits("100000000"), now, now, 4], "ReserveRoundIncomplete", [5]],
          [
            [5, feedUnits("100000000"), now + 3600, now + 3600, 5],
            "ReserveRoundFromFuture",
            [5, now + 3600, anyValue],
          ],
        ] as const) {
          await feed.setRoundData(...round);
          await expect(agent(f).on(f.token).mint(f.alice.address, ONE))
            .to.be.revertedWithCustomError(guard, error)
            .withArgs(...args);
        }
        await issuerCalls(f.fund, [roleStep(f.token, "setReserveGuard", [await faulty.getAddress()])]);
        await faulty.set(1, true, 0); // NamedError
        await expect(agent(f).on(f.token).mint(f.alice.address, ONE))
          .to.be.revertedWithCustomError(faulty, "GuardBroken")
          .withArgs(supply + ONE);
        expect(await f.token.totalSupply()).to.equal(supply);
      });

      it("should refuse a sanctioned recipient with TransferRestricted(RECIPIENT_SANCTIONED)", async function () {
        const f = await loadFixture(investorsFixture);
        await officer(f).on(f.fund.contracts.compliance).setSanctioned([f.dave.address], true);
        await expect(
          agent(f)
            .on(f.token)
            .mint(f.dave.address, 10n * ONE),
        )
          .to.be.revertedWithCustomError(f.fund.contracts.compliance, "TransferRestricted")
          .withArgs(RESTRICTION.RECIPIENT_SANCTIONED);
      });

      it("should refuse a recipient in an embargoed country with TransferRestricted(RECIPIENT_COUNTRY_RESTRICTED)", async function () {
        const f = await loadFixture(investorsFixture);
        const frank = f.investors[5];
        await registerMany(f.fund, [frank.address], { country: COUNTRY.IR });
        await expect(
          agent(f)
            .on(f.token)
            .mint(frank.address, 10n * ONE),
        )
          .to.be.revertedWithCustomError(f.fund.contracts.compliance, "TransferRestricted")
          .withArgs(RESTRICTION.RECIPIENT_COUNTRY_RESTRICTED);
      });

      it("should refuse while paused with EnforcedPause", async function () {
        const f = await loadFixture(investorsFixture);
        await f.fund.as("guardian").on(f.token).pause();
        await expect(agent(f).on(f.token).mint(f.alice.address, ONE)).to.be.revertedWithCustomError(
          f.token,
          "EnforcedPause",
        );
      });
    });
  });

  describe("batchMint", function () {
    it("should issue each amount to each recipient", async function () {
      const f = await loadFixture(investorsFixture);
      await agent(f)
        .on(f.token)
        .batchMint([f.dave.address, f.alice.address], [5n * ONE, 7n * ONE]);
      expect(await f.token.balanceOf(f.dave.address)).to.equal(5n * ONE);
      expect(await f.token.balanceOf(f.alice.address)).to.equal(f.amounts.alice + 7n * ONE);
    });

    it("should refuse an empty batch and different lengths", async function () {
      const f = await loadFixture(investorsFixture);
      await expect(agent(f).on(f.token).batchMint([], [])).to.be.revertedWithCustomError(
        f.token,
        "EmptyBatch",
      );
      await expect(agent(f).on(f.token).batchMint([f.dave.address], [1n, 2n])).to.be.revertedWithCustomError(
        f.token,
        "BatchLengthMismatch",
      );
    });

    it("should issue nothing when one item is refused", async function () {
      const f = await loadFixture(investorsFixture);
      const supply = await f.token.totalSupply();
      await expect(agent(f).on(f.token).batchMint([f.dave.address, f.erin.address], [ONE, ONE]))
        .to.be.revertedWithCustomError(f.token, "RecipientNotVerified")
        .withArgs(f.erin.address);
      expect(await f.token.totalSupply()).to.equal(supply);
    });
  });

  describe("burn", function () {
    it("should destroy the amount and emit Transfer and TransferShares to the zero address", async function () {
      const f = await loadFixture(investorsFixture);
      const supply = await f.token.totalSupply();
      await expect(
        tx(
          agent(f)
            .on(f.token)
            .burn(f.bob.address, 1_000n * ONE),
        ),
      )
        .to.emit(f.token, "Transfer")
        .withArgs(f.bob.address, ZeroAddress, 1_000n * ONE)
        .and.to.emit(f.token, "TransferShares")
        .withArgs(f.bob.address, ZeroAddress, 1_000n * ONE);
      expect(await f.token.balanceOf(f.bob.address)).to.equal(f.amounts.bob - 1_000n * ONE);
      expect(await f.token.totalSupply()).to.equal(supply - 1_000n * ONE);
    });

    it("should take shares rounded up, and every share for the whole balance, at an index above 1", async function () {
      const f = await loadFixture(rebasedFixture);
      const index = await f.token.index();
      const before = await f.token.sharesOf(f.bob.address);
      await expect(tx(agent(f).on(f.token).burn(f.bob.address, 1n)))
        .to.emit(f.token, "TransferShares")
        .withArgs(f.bob.address, ZeroAddress, toSharesUp(1n, index));
      expect(await f.token.sharesOf(f.bob.address)).to.equal(before - toSharesUp(1n, index));
      const count = await f.fund.contracts.compliance.investorCount();
      await agent(f)
        .on(f.token)
        .burn(f.bob.address, await f.token.balanceOf(f.bob.address));
      expect(await f.token.sharesOf(f.bob.address)).to.equal(0n);
      expect(await f.fund.contracts.compliance.investorCount()).to.equal(count - 1n);
    });

    it("should refuse the zero address with ERC20InvalidSender", async function () {
      const f = await loadFixture(investorsFixture);
      await expect(agent(f).on(f.token).burn(ZeroAddress, ONE))
        .to.be.revertedWithCustomError(f.token, "ERC20InvalidSender")
        .withArgs(ZeroAddress);
    });

    it("should refuse more than the balance with ERC20InsufficientBalance", async function () {
      const f = await loadFixture(investorsFixture);
      await expect(
        agent(f)
          .on(f.token)
          .burn(f.carol.address, f.amounts.carol + 1n),
      )
        .to.be.revertedWithCustomError(f.token, "ERC20InsufficientBalance")
        .withArgs(f.carol.address, f.amounts.carol, f.amounts.carol + 1n);
    });

    it("should take unfrozen tokens first, then frozen ones, emitting TokensUnfrozen", async function () {
      const f = await loadFixture(investorsFixture);
      await agent(f)
        .on(f.token)
        .freezePartialTokens(f.carol.address, 4_000n * ONE);
      await expect(
        tx(
          agent(f)
            .on(f.token)
            .burn(f.carol.address, 8_000n * ONE),
        ),
      )
        .to.emit(f.token, "TokensUnfrozen")
        .withArgs(f.carol.address, 2_000n * ONE);
      expect(await f.token.getFrozenTokens(f.carol.address)).to.equal(2_000n * ONE);
      expect(await f.token.balanceOf(f.carol.address)).to.equal(2_000n * ONE);
    });

    it("should not unfreeze anything when the unfrozen tokens suffice", async function () {
      const f = await loadFixture(investorsFixture);
      await agent(f)
        .on(f.token)
        .freezePartialTokens(f.carol.address, 4_000n * ONE);
      await expect(
        tx(
          agent(f)
            .on(f.token)
            .burn(f.carol.address, 6_000n * ONE),
        ),
      ).not.to.emit(f.token, "TokensUnfrozen");
      expect(await f.token.getFrozenTokens(f.carol.address)).to.equal(4_000n * ONE);
    });

    it("should burn from a frozen wallet and while paused", async function () {
      const f = await loadFixture(investorsFixture);
      await agent(f).on(f.token).setAddressFrozen(f.carol.address, true);
      await f.fund.as("guardian").on(f.token).pause();
      await agent(f).on(f.token).burn(f.carol.address, f.amounts.carol);
      expect(await f.token.balanceOf(f.carol.address)).to.equal(0n);
      expect(await f.token.isFrozen(f.carol.address)).to.equal(true);
    });

    describe("when the reserve guard reverts (issue 16 finding 8, docs sweep: burns never call it)", function () {
      it("should burn, and force a transfer, as usual while a mint reverts with the guard's error", async function () {
        const f = await loadFixture(revertingGuardFixture);
        const supply = await f.token.totalSupply();
        await expect(agent(f).on(f.token).mint(f.dave.address, ONE))
          .to.be.revertedWithCustomError(f.guard, "GuardBroken")
          .withArgs(supply + ONE);
        await expect(
          tx(
            agent(f)
              .on(f.token)
              .burn(f.carol.address, 1_000n * ONE),
          ),
        )
          .to.emit(f.token, "Transfer")
          .withArgs(f.carol.address, ZeroAddress, 1_000n * ONE);
        await expect(
          tx(
            agent(f)
              .on(f.token)
              .forcedTransfer(f.carol.address, f.bob.address, 2_000n * ONE),
          ),
        )
          .to.emit(f.token, "ForcedTransfer")
          .withArgs(f.carol.address, f.bob.address, 2_000n * ONE);
        expect(await f.token.totalSupply()).to.equal(supply - 1_000n * ONE);
        expect(await f.token.balanceOf(f.carol.address)).to.equal(f.amounts.carol - 3_000n * ONE);
      });
    });
  });

  describe("batchBurn", function () {
    it("should burn each amount from each wallet", async function () {
      const f = await loadFixture(investorsFixture);
      await agent(f)
        .on(f.token)
        .batchBurn([f.bob.address, f.carol.address], [ONE, 2n * ONE]);
      expect(await f.token.balanceOf(f.bob.address)).to.equal(f.amounts.bob - ONE);
      expect(await f.token.balanceOf(f.carol.address)).to.equal(f.amounts.carol - 2n * ONE);
    });

    it("should refuse an empty batch and different lengths", async function () {
      const f = await loadFixture(investorsFixture);
      await expect(agent(f).on(f.token).batchBurn([], [])).to.be.revertedWithCustomError(
        f.token,
        "EmptyBatch",
      );
      await expect(
        agent(f).on(f.token).batchBurn([f.bob.address, f.carol.address], [1n]),
      ).to.be.revertedWithCustomError(f.token, "BatchLengthMismatch");
    });
  });

  describe("forcedTransfer", function () {
    it("should move the amount and emit Transfer, TransferShares and ERC-7943's ForcedTransfer(from, to, amount)", async function () {
      const f = await loadFixture(investorsFixture);
      await expect(
        tx(
          agent(f)
            .on(f.token)
            .forcedTransfer(f.bob.address, f.dave.address, 10n * ONE),
        ),
      )
        .to.emit(f.token, "Transfer")
        .withArgs(f.bob.address, f.dave.address, 10n * ONE)
        .and.to.emit(f.token, "TransferShares")
        .withArgs(f.bob.address, f.dave.address, 10n * ONE)
        .and.to.emit(f.token, "ForcedTransfer")
        .withArgs(f.bob.address, f.dave.address, 10n * ONE);
      expect(await f.token.balanceOf(f.dave.address)).to.equal(10n * ONE);
      expect(await f.token.balanceOf(f.bob.address)).to.equal(f.amounts.bob - 10n * ONE);
    });

    it("should return true", async function () {
      const f = await loadFixture(investorsFixture);
      const data = f.token.interface.encodeFunctionData("forcedTransfer", [
        f.bob.address,
        f.dave.address,
        ONE,
      ]);
      const out = await ethers.provider.call({ from: agent(f).address, to: f.token.target, data });
      expect(f.token.interface.decodeFunctionResult("forcedTransfer", out)[0]).to.equal(true);
    });

    it("should bypass the sender's freezes, taking frozen tokens last and unfreezing them", async function () {
      const f = await loadFixture(investorsFixture);
      await agent(f)
        .on(f.token)
        .freezePartialTokens(f.carol.address, 9_000n * ONE);
      await agent(f).on(f.token).setAddressFrozen(f.carol.address, true);
      await expect(
        tx(
          agent(f)
            .on(f.token)
            .forcedTransfer(f.carol.address, f.bob.address, 3_000n * ONE),
        ),
      )
        .to.emit(f.token, "TokensUnfrozen")
        .withArgs(f.carol.address, 2_000n * ONE);
      expect(await f.token.getFrozenTokens(f.carol.address)).to.equal(7_000n * ONE);
      expect(await f.token.balanceOf(f.bob.address)).to.equal(f.amounts.bob + 3_000n * ONE);
    });

    it("should bypass the sender's compliance rules and the amount rules (a sanctioned sender, a position below the minimum)", async function () {
      const f = await loadFixture(investorsFixture);
      await officer(f).on(f.fund.contracts.compliance).setSanctioned([f.bob.address], true);
      await agent(f).on(f.token).forcedTransfer(f.bob.address, f.dave.address, 1n);
      expect(await f.token.balanceOf(f.dave.address)).to.equal(1n);
    });

    describe("issue 19 (ERC-7943: forcedTransfer MUST revert when canReceive(to) is false)", function () {
      it("should refuse a frozen recipient with ERC7943CannotReceive and move nothing", async function () {
        const f = await loadFixture(investorsFixture);
        await agent(f).on(f.token).setAddressFrozen(f.dave.address, true);
        await expect(agent(f).on(f.token).forcedTransfer(f.bob.address, f.dave.address, ONE))
          .to.be.revertedWithCustomError(f.token, "ERC7943CannotReceive")
          .withArgs(f.dave.address);
        expect(await f.token.balanceOf(f.bob.address)).to.equal(f.amounts.bob);
      });

      it("should refuse a sanctioned recipient with ERC7943CannotReceive", async function () {
        const f = await loadFixture(investorsFixture);
        await officer(f).on(f.fund.contracts.compliance).setSanctioned([f.dave.address], true);
        expect(await f.token.canReceive(f.dave.address)).to.equal(false);
        await expect(agent(f).on(f.token).forcedTransfer(f.bob.address, f.dave.address, 1n))
          .to.be.revertedWithCustomError(f.token, "ERC7943CannotReceive")
          .withArgs(f.dave.address);
      });

      it("should refuse a recipient in an embargoed country with ERC7943CannotReceive (also in a batch)", async function () {
        const f = await loadFixture(investorsFixture);
        const iran = f.investors[5];
        await registerMany(f.fund, [iran.address], { country: COUNTRY.IR });
        expect(await f.token.canReceive(iran.address)).to.equal(false);
        await expect(
          agent(f)
            .on(f.token)
            .batchForcedTransfer(
              [f.bob.address, f.carol.address],
              [f.dave.address, iran.address],
              [ONE, ONE],
            ),
        )
          .to.be.revertedWithCustomError(f.token, "ERC7943CannotReceive")
          .withArgs(iran.address);
        expect(await f.token.balanceOf(f.dave.address)).to.equal(0n);
      });
    });

    it("should move tokens out of a revoked investor's wallet (the sender need not be verified)", async function () {
      const f = await loadFixture(investorsFixture);
      await officer(f).on(f.fund.contracts.registry).setRevoked(f.carol.address, [f.carol.address], true);
      await agent(f).on(f.token).forcedTransfer(f.carol.address, f.bob.address, f.amounts.carol);
      expect(await f.token.sharesOf(f.carol.address)).to.equal(0n);
      expect(await f.token.balanceOf(f.bob.address)).to.equal(f.amounts.bob + f.amounts.carol);
    });

    it("should update the compliance's investor accounting", async function () {
      const f = await loadFixture(investorsFixture);
      const compliance = f.fund.contracts.compliance;
      const count = await compliance.investorCount();
      await agent(f).on(f.token).forcedTransfer(f.carol.address, f.dave.address, f.amounts.carol);
      expect(await compliance.investorCount()).to.equal(count);
      expect((await compliance.investorState(f.dave.address)).shares).to.equal(f.amounts.carol);
      expect((await compliance.investorState(f.carol.address)).shares).to.equal(0n);
    });

    it("should work while paused", async function () {
      const f = await loadFixture(investorsFixture);
      await f.fund.as("guardian").on(f.token).pause();
      await agent(f)
        .on(f.token)
        .forcedTransfer(f.bob.address, f.dave.address, 10n * ONE);
      expect(await f.token.balanceOf(f.dave.address)).to.equal(10n * ONE);
    });

    it("should refuse a transfer to the same wallet with ForcedTransferToSelf", async function () {
      const f = await loadFixture(investorsFixture);
      await expect(agent(f).on(f.token).forcedTransfer(f.bob.address, f.bob.address, ONE))
        .to.be.revertedWithCustomError(f.token, "ForcedTransferToSelf")
        .withArgs(f.bob.address);
    });

    it("should refuse the zero recipient, the zero holder, an unverified recipient and more than the balance", async function () {
      const f = await loadFixture(investorsFixture);
      await expect(agent(f).on(f.token).forcedTransfer(f.bob.address, ZeroAddress, ONE))
        .to.be.revertedWithCustomError(f.token, "ERC20InvalidReceiver")
        .withArgs(ZeroAddress);
      await expect(agent(f).on(f.token).forcedTransfer(ZeroAddress, f.bob.address, ONE))
        .to.be.revertedWithCustomError(f.token, "ERC20InvalidSender")
        .withArgs(ZeroAddress);
      await expect(agent(f).on(f.token).forcedTransfer(f.bob.address, f.erin.address, ONE))
        .to.be.revertedWithCustomError(f.token, "RecipientNotVerified")
        .withArgs(f.erin.address);
      await officer(f).on(f.fund.contracts.registry).setRevoked(f.dave.address, [f.dave.address], true);
      await expect(agent(f).on(f.token).forcedTransfer(f.bob.address, f.dave.address, ONE))
        .to.be.revertedWithCustomError(f.token, "RecipientNotVerified")
        .withArgs(f.dave.address);
      await expect(
        agent(f)
          .on(f.token)
          .forcedTransfer(f.carol.address, f.bob.address, f.amounts.carol + 1n),
      )
        .to.be.revertedWithCustomError(f.token, "ERC20InsufficientBalance")
        .withArgs(f.carol.address, f.amounts.carol, f.amounts.carol + 1n);
    });
  });

  describe("batchForcedTransfer", function () {
    it("should force each transfer", async function () {
      const f = await loadFixture(investorsFixture);
      await agent(f)
        .on(f.token)
        .batchForcedTransfer(
          [f.bob.address, f.carol.address],
          [f.dave.address, f.dave.address],
          [2n * ONE, 3n * ONE],
        );
      expect(await f.token.balanceOf(f.dave.address)).to.equal(5n * ONE);
    });

    it("should refuse an empty batch and any list of a different length", async function () {
      const f = await loadFixture(investorsFixture);
      const { bob, dave } = f;
      await expect(agent(f).on(f.token).batchForcedTransfer([], [], [])).to.be.revertedWithCustomError(
        f.token,
        "EmptyBatch",
      );
      await expect(
        agent(f).on(f.token).batchForcedTransfer([bob.address], [dave.address], [1n, 2n]),
      ).to.be.revertedWithCustomError(f.token, "BatchLengthMismatch");
      await expect(
        agent(f).on(f.token).batchForcedTransfer([bob.address], [dave.address, dave.address], [1n]),
      ).to.be.revertedWithCustomError(f.token, "BatchLengthMismatch");
    });
  });

  describe("recoveryAddress", function () {
    /** Alice lost her wallet: the compliance officer registers Frank's wallet under Alice's identity. */
    async function lostWalletFixture() {
      const f = await loadFixture(rebasedFixture);
      const newWallet = f.investors[5];
      await registerMany(f.fund, [newWallet.address], { identity: f.alice.address });
      await agent(f)
        .on(f.token)
        .freezePartialTokens(f.alice.address, 100_000n * ONE);
      await agent(f).on(f.token).setAddressFrozen(f.alice.address, true);
      return { ...f, newWallet };
    }

    describe("when the new wallet belongs to the same investor", function () {
      it("should move shares, frozen shares and the wallet freeze, with every event", async function () {
        const f = await loadFixture(lostWalletFixture);
        const index = await f.token.index();
        const shares = await f.token.sharesOf(f.alice.address);
        const frozen = await f.token.getFrozenTokens(f.alice.address);
        const a = f.alice.address;
        const n = f.newWallet.address;
        await expect(tx(agent(f).on(f.token).recoveryAddress(a, n, a)))
          .to.emit(f.token, "Transfer")
          .withArgs(a, n, toAmount(shares, index))
          .and.to.emit(f.token, "TransferShares")
          .withArgs(a, n, shares)
          .and.to.emit(f.token, "TokensUnfrozen")
          .withArgs(a, frozen)
          .and.to.emit(f.token, "TokensFrozen")
          .withArgs(n, frozen)
          .and.to.emit(f.token, "AddressFrozen")
          .withArgs(a, false, agent(f).address)
          .and.to.emit(f.token, "AddressFrozen")
          .withArgs(n, true, agent(f).address)
          .and.to.emit(f.token, "RecoverySuccess")
          .withArgs(a, n, a);
        expect(await f.token.sharesOf(n)).to.equal(shares);
        expect(await f.token.getFrozenTokens(n)).to.equal(frozen);
        expect(await f.token.isFrozen(n)).to.equal(true);
        expect(await f.token.sharesOf(a)).to.equal(0n);
        expect(await f.token.getFrozenTokens(a)).to.equal(0n);
        expect(await f.token.isFrozen(a)).to.equal(false);
      });

      it("should leave the investor's compliance totals and the investor count unchanged", async function () {
        const f = await loadFixture(lostWalletFixture);
        const compliance = f.fund.contracts.compliance;
        const state = await compliance.investorState(f.alice.address);
        const count = await compliance.investorCount();
        await agent(f).on(f.token).recoveryAddress(f.alice.address, f.newWallet.address, f.alice.address);
        expect(await compliance.investorState(f.alice.address)).to.deep.equal(state);
        expect(await compliance.investorCount()).to.equal(count);
      });

      it("should let the compliance officer delete the lost wallet afterwards, and not before", async function () {
        const f = await loadFixture(lostWalletFixture);
        const registry = f.fund.contracts.registry;
        const shares = await f.token.sharesOf(f.alice.address);
        await expect(officer(f).on(registry).deleteIdentity(f.alice.address))
          .to.be.revertedWithCustomError(registry, "WalletHoldsTokens")
          .withArgs(f.alice.address, await f.token.getAddress(), shares);
        await agent(f).on(f.token).recoveryAddress(f.alice.address, f.newWallet.address, f.alice.address);
        await expect(tx(officer(f).on(registry).deleteIdentity(f.alice.address)))
          .to.emit(registry, "IdentityRemoved")
          .withArgs(f.alice.address, f.alice.address);
        expect(await registry.contains(f.alice.address)).to.equal(false);
      });

      it("should let the investor use the new wallet once unfrozen", async function () {
        const f = await loadFixture(lostWalletFixture);
        await agent(f).on(f.token).recoveryAddress(f.alice.address, f.newWallet.address, f.alice.address);
        await agent(f).on(f.token).setAddressFrozen(f.newWallet.address, false);
        await f.token.connect(f.newWallet).transfer(f.bob.address, 10n * ONE);
        expect(await f.token.balanceOf(f.bob.address)).to.be.greaterThan(f.amounts.bob);
      });

      it("should add to a new wallet that already holds tokens, without freezing it twice", async function () {
        const f = await loadFixture(investorsFixture);
        const second = f.investors[5];
        await registerMany(f.fund, [second.address], { identity: f.bob.address });
        await agent(f)
          .on(f.token)
          .mint(second.address, 5n * ONE);
        await agent(f)
          .on(f.token)
          .freezePartialTokens(second.address, 2n * ONE);
        await agent(f)
          .on(f.token)
          .freezePartialTokens(f.bob.address, 3n * ONE);
        await agent(f).on(f.token).recoveryAddress(f.bob.address, second.address, f.bob.address);
        expect(await f.token.balanceOf(second.address)).to.equal(f.amounts.bob + 5n * ONE);
        expect(await f.token.getFrozenTokens(second.address)).to.equal(5n * ONE);
      });

      it("should move the freeze alone from a frozen wallet holding nothing", async function () {
        const f = await loadFixture(investorsFixture);
        const second = f.investors[5];
        await registerMany(f.fund, [second.address], { identity: f.dave.address });
        await agent(f).on(f.token).setAddressFrozen(f.dave.address, true);
        await expect(tx(agent(f).on(f.token).recoveryAddress(f.dave.address, second.address, f.dave.address)))
          .to.emit(f.token, "AddressFrozen")
          .withArgs(second.address, true, agent(f).address);
        expect(await f.token.isFrozen(second.address)).to.equal(true);
        expect(await f.token.isFrozen(f.dave.address)).to.equal(false);
      });

      it("should work while paused", async function () {
        const f = await loadFixture(lostWalletFixture);
        await f.fund.as("guardian").on(f.token).pause();
        await agent(f).on(f.token).recoveryAddress(f.alice.address, f.newWallet.address, f.alice.address);
        expect(await f.token.sharesOf(f.alice.address)).to.equal(0n);
      });
    });

    describe("when the recovery is invalid (InvalidRecovery(lost, new, investor))", function () {
      it("should refuse the same wallet", async function () {
        const f = await loadFixture(lostWalletFixture);
        const a = f.alice.address;
        await expect(agent(f).on(f.token).recoveryAddress(a, a, a))
          .to.be.revertedWithCustomError(f.token, "InvalidRecovery")
          .withArgs(a, a, a);
      });

      it("should refuse a lost wallet of another investor", async function () {
        const f = await loadFixture(lostWalletFixture);
        const [b, n, a] = [f.bob.address, f.newWallet.address, f.alice.address];
        await expect(agent(f).on(f.token).recoveryAddress(b, n, a))
          .to.be.revertedWithCustomError(f.token, "InvalidRecovery")
          .withArgs(b, n, a);
      });

      it("should refuse a new wallet of another investor (or unregistered)", async function () {
        const f = await loadFixture(lostWalletFixture);
        const [a, d, e] = [f.alice.address, f.dave.address, f.erin.address];
        await expect(agent(f).on(f.token).recoveryAddress(a, d, a))
          .to.be.revertedWithCustomError(f.token, "InvalidRecovery")
          .withArgs(a, d, a);
        await expect(agent(f).on(f.token).recoveryAddress(a, e, a))
          .to.be.revertedWithCustomError(f.token, "InvalidRecovery")
          .withArgs(a, e, a);
      });

      it("should refuse the zero identity", async function () {
        const f = await loadFixture(lostWalletFixture);
        const [e, g] = [f.erin.address, f.investors[6].address];
        await expect(agent(f).on(f.token).recoveryAddress(e, g, ZeroAddress))
          .to.be.revertedWithCustomError(f.token, "InvalidRecovery")
          .withArgs(e, g, ZeroAddress);
      });

      it("should refuse a new wallet that is not verified (revoked)", async function () {
        const f = await loadFixture(lostWalletFixture);
        const [a, n] = [f.alice.address, f.newWallet.address];
        await officer(f).on(f.fund.contracts.registry).setRevoked(a, [n], true);
        await expect(agent(f).on(f.token).recoveryAddress(a, n, a))
          .to.be.revertedWithCustomError(f.token, "InvalidRecovery")
          .withArgs(a, n, a);
      });

      it("should refuse a new wallet of the other kind (an account of the fund)", async function () {
        const f = await loadFixture(rebasedFixture);
        const [a, n] = [f.alice.address, f.investors[5].address];
        await listProtocolAccounts(f.fund, [n]);
        await registerMany(f.fund, [n], { identity: a, classes: CLASS.protocol });
        await expect(agent(f).on(f.token).recoveryAddress(a, n, a))
          .to.be.revertedWithCustomError(f.token, "InvalidRecovery")
          .withArgs(a, n, a);
      });

      it("should refuse a lost wallet holding nothing and not frozen", async function () {
        const f = await loadFixture(investorsFixture);
        const [d, n] = [f.dave.address, f.investors[5].address];
        await registerMany(f.fund, [n], { identity: d });
        await expect(agent(f).on(f.token).recoveryAddress(d, n, d))
          .to.be.revertedWithCustomError(f.token, "InvalidRecovery")
          .withArgs(d, n, d);
      });
    });
  });

  describe("setAddressFrozen and batchSetAddressFrozen", function () {
    it("should freeze and unfreeze a wallet, emitting AddressFrozen(wallet, flag, agent)", async function () {
      const f = await loadFixture(investorsFixture);
      await expect(tx(agent(f).on(f.token).setAddressFrozen(f.bob.address, true)))
        .to.emit(f.token, "AddressFrozen")
        .withArgs(f.bob.address, true, agent(f).address);
      expect(await f.token.isFrozen(f.bob.address)).to.equal(true);
      await expect(tx(agent(f).on(f.token).setAddressFrozen(f.bob.address, false)))
        .to.emit(f.token, "AddressFrozen")
        .withArgs(f.bob.address, false, agent(f).address);
      expect(await f.token.isFrozen(f.bob.address)).to.equal(false);
    });

    it("should set each flag of a batch", async function () {
      const f = await loadFixture(investorsFixture);
      await agent(f).on(f.token).setAddressFrozen(f.carol.address, true);
      await expect(
        tx(agent(f).on(f.token).batchSetAddressFrozen([f.bob.address, f.carol.address], [true, false])),
      )
        .to.emit(f.token, "AddressFrozen")
        .withArgs(f.bob.address, true, agent(f).address)
        .and.to.emit(f.token, "AddressFrozen")
        .withArgs(f.carol.address, false, agent(f).address);
      expect(await f.token.isFrozen(f.bob.address)).to.equal(true);
      expect(await f.token.isFrozen(f.carol.address)).to.equal(false);
    });

    it("should refuse an empty batch and different lengths", async function () {
      const f = await loadFixture(investorsFixture);
      await expect(agent(f).on(f.token).batchSetAddressFrozen([], [])).to.be.revertedWithCustomError(
        f.token,
        "EmptyBatch",
      );
      await expect(
        agent(f).on(f.token).batchSetAddressFrozen([f.bob.address], [true, false]),
      ).to.be.revertedWithCustomError(f.token, "BatchLengthMismatch");
    });

    it("should work while paused", async function () {
      const f = await loadFixture(investorsFixture);
      await f.fund.as("guardian").on(f.token).pause();
      await agent(f).on(f.token).setAddressFrozen(f.bob.address, true);
      expect(await f.token.isFrozen(f.bob.address)).to.equal(true);
    });
  });

  describe("freezePartialTokens and unfreezePartialTokens", function () {
    it("should freeze an amount, emit TokensFrozen and add up", async function () {
      const f = await loadFixture(investorsFixture);
      await expect(
        tx(
          agent(f)
            .on(f.token)
            .freezePartialTokens(f.carol.address, 3_000n * ONE),
        ),
      )
        .to.emit(f.token, "TokensFrozen")
        .withArgs(f.carol.address, 3_000n * ONE);
      await agent(f)
        .on(f.token)
        .freezePartialTokens(f.carol.address, 2_000n * ONE);
      expect(await f.token.getFrozenTokens(f.carol.address)).to.equal(5_000n * ONE);
    });

    it("should refuse freezing beyond the balance with FreezeExceedsBalance(wallet, balance, frozenAfter)", async function () {
      const f = await loadFixture(investorsFixture);
      await agent(f)
        .on(f.token)
        .freezePartialTokens(f.carol.address, 6_000n * ONE);
      await expect(
        agent(f)
          .on(f.token)
          .freezePartialTokens(f.carol.address, 4_000n * ONE + 1n),
      )
        .to.be.revertedWithCustomError(f.token, "FreezeExceedsBalance")
        .withArgs(f.carol.address, f.amounts.carol, f.amounts.carol + 1n);
      await agent(f)
        .on(f.token)
        .freezePartialTokens(f.carol.address, 4_000n * ONE);
      expect(await f.token.getFrozenTokens(f.carol.address)).to.equal(f.amounts.carol);
    });

    it("should refuse an amount whose conversion would overflow with FreezeExceedsBalance, not a Panic", async function () {
      const f = await loadFixture(investorsFixture);
      await agent(f)
        .on(f.token)
        .freezePartialTokens(f.carol.address, 6_000n * ONE);
      const maxAmount = ethers.MaxUint256 / ONE;
      await expect(
        agent(f)
          .on(f.token)
          .freezePartialTokens(f.carol.address, maxAmount + 1n),
      )
        .to.be.revertedWithCustomError(f.token, "FreezeExceedsBalance")
        .withArgs(f.carol.address, f.amounts.carol, 6_000n * ONE + maxAmount + 1n);
      // The frozen amount plus the request saturates at 2^256 - 1.
      await expect(agent(f).on(f.token).freezePartialTokens(f.carol.address, ethers.MaxUint256))
        .to.be.revertedWithCustomError(f.token, "FreezeExceedsBalance")
        .withArgs(f.carol.address, f.amounts.carol, ethers.MaxUint256);
      expect(await f.token.getFrozenTokens(f.carol.address)).to.equal(6_000n * ONE);
    });

    it("should unfreeze an amount and emit TokensUnfrozen", async function () {
      const f = await loadFixture(investorsFixture);
      await agent(f)
        .on(f.token)
        .freezePartialTokens(f.carol.address, 3_000n * ONE);
      await expect(
        tx(
          agent(f)
            .on(f.token)
            .unfreezePartialTokens(f.carol.address, 1_000n * ONE),
        ),
      )
        .to.emit(f.token, "TokensUnfrozen")
        .withArgs(f.carol.address, 1_000n * ONE);
      expect(await f.token.getFrozenTokens(f.carol.address)).to.equal(2_000n * ONE);
    });

    it("should refuse unfreezing more than is frozen with UnfreezeExceedsFrozen(wallet, frozen, amount)", async function () {
      const f = await loadFixture(investorsFixture);
      await agent(f)
        .on(f.token)
        .freezePartialTokens(f.carol.address, 3_000n * ONE);
      await expect(
        agent(f)
          .on(f.token)
          .unfreezePartialTokens(f.carol.address, 3_000n * ONE + 1n),
      )
        .to.be.revertedWithCustomError(f.token, "UnfreezeExceedsFrozen")
        .withArgs(f.carol.address, 3_000n * ONE, 3_000n * ONE + 1n);
    });

    it("should freeze and unfreeze in batches", async function () {
      const f = await loadFixture(investorsFixture);
      await agent(f)
        .on(f.token)
        .batchFreezePartialTokens([f.bob.address, f.carol.address], [5n * ONE, 6n * ONE]);
      expect(await f.token.getFrozenTokens(f.bob.address)).to.equal(5n * ONE);
      expect(await f.token.getFrozenTokens(f.carol.address)).to.equal(6n * ONE);
      await agent(f)
        .on(f.token)
        .batchUnfreezePartialTokens([f.bob.address, f.carol.address], [5n * ONE, ONE]);
      expect(await f.token.getFrozenTokens(f.bob.address)).to.equal(0n);
      expect(await f.token.getFrozenTokens(f.carol.address)).to.equal(5n * ONE);
    });

    it("should refuse empty batches and different lengths", async function () {
      const f = await loadFixture(investorsFixture);
      for (const fn of ["batchFreezePartialTokens", "batchUnfreezePartialTokens"]) {
        await expect(agent(f).call(f.token, fn, [[], []])).to.be.revertedWithCustomError(
          f.token,
          "EmptyBatch",
        );
        await expect(agent(f).call(f.token, fn, [[f.bob.address], [1n, 2n]])).to.be.revertedWithCustomError(
          f.token,
          "BatchLengthMismatch",
        );
      }
    });

    it("should work while paused", async function () {
      const f = await loadFixture(investorsFixture);
      await f.fund.as("guardian").on(f.token).pause();
      await agent(f).on(f.token).freezePartialTokens(f.bob.address, ONE);
      await agent(f).on(f.token).unfreezePartialTokens(f.bob.address, ONE);
      expect(await f.token.getFrozenTokens(f.bob.address)).to.equal(0n);
    });
  });
});
