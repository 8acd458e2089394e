import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ALL_RULES, restrictionMessage } from "../../lib/compliance-rules";
import {
  CLASS,
  COUNTRY,
  DAY,
  IDS,
  R,
  act,
  castFixture,
  configure,
  issue,
  labelled,
  rebase,
  register,
  tokens,
  type Cast,
} from "./helpers";

const MIN = tokens("100");
const MAX = tokens("1000");

/**
 * Every rule on, tight: holdings 100 to 1,000, four investors (the cap: Alice 600 + 100 locked, Bob 1,000,
 * Carol 500, Dave 500), 1,000 tokens a day, 30-day lockup. Erin is registered but holds nothing; Ivan is in
 * Iran; Uma is a US person without a qualifying class; Quinn a qualified purchaser and US person; Nemo is
 * not registered.
 */
async function viewsFixture() {
  const cast = await loadFixture(castFixture);
  const { fund, alice, bob, carol, dave, spare } = cast;
  const [ivan, uma, quinn, nemo] = spare;
  await register(fund, [
    {
      wallet: ivan.address,
      identity: labelled("identity:ivan"),
      country: COUNTRY.IR,
      classes: CLASS.accredited,
    },
    {
      wallet: uma.address,
      identity: labelled("identity:uma"),
      country: COUNTRY.US,
      classes: CLASS.us_person,
    },
    {
      wallet: quinn.address,
      identity: labelled("identity:quinn"),
      country: COUNTRY.US,
      classes: CLASS.qualified_purchaser | CLASS.us_person,
    },
  ]);
  await configure(fund, "setHoldingLimits", [MIN, MAX]);
  await configure(fund, "setMaxInvestors", [4]);
  await configure(fund, "setMaxDailyOutflow", [MAX]);
  await configure(fund, "setLockPeriod", [30 * DAY]);
  await issue(fund, alice.address, tokens("600"));
  await issue(fund, bob.address, MAX);
  await issue(fund, carol.address, tokens("500"));
  await issue(fund, dave.address, tokens("500"));
  await configure(fund, "setRules", [ALL_RULES]);
  await issue(fund, alice.address, tokens("100"));
  return { ...cast, ivan, uma, quinn, nemo };
}

type Ctx = Cast & {
  ivan: HardhatEthersSigner;
  uma: HardhatEthersSigner;
  quinn: HardhatEthersSigner;
  nemo: HardhatEthersSigner;
};

interface Scenario {
  code: number;
  when: string;
  setup?: (c: Ctx) => Promise<unknown>;
  move: (c: Ctx) => { from: HardhatEthersSigner; to: string; amount: bigint };
}

const transfers: Scenario[] = [
  {
    code: R.NONE,
    when: "every rule passes",
    move: (c) => ({ from: c.alice, to: c.carol.address, amount: tokens("10") }),
  },
  {
    code: R.PAUSED,
    when: "the token is paused",
    setup: (c) => act(c.fund, "guardian", c.fund.contracts.token, "pause", []),
    move: (c) => ({ from: c.alice, to: c.carol.address, amount: tokens("10") }),
  },
  {
    code: R.SENDER_NOT_VERIFIED,
    when: "the sender is revoked",
    setup: (c) =>
      act(c.fund, "complianceOfficer", c.fund.contracts.registry, "setRevoked", [
        IDS.alice,
        [c.alice.address],
        true,
      ]),
    move: (c) => ({ from: c.alice, to: c.carol.address, amount: tokens("10") }),
  },
  {
    code: R.RECIPIENT_NOT_VERIFIED,
    when: "the recipient is not registered",
    move: (c) => ({ from: c.alice, to: c.nemo.address, amount: tokens("10") }),
  },
  {
    code: R.SENDER_FROZEN,
    when: "the sender is frozen",
    setup: (c) =>
      act(c.fund, "transferAgent", c.fund.contracts.token, "setAddressFrozen", [c.alice.address, true]),
    move: (c) => ({ from: c.alice, to: c.carol.address, amount: tokens("10") }),
  },
  {
    code: R.RECIPIENT_FROZEN,
    when: "the recipient is frozen",
    setup: (c) =>
      act(c.fund, "transferAgent", c.fund.contracts.token, "setAddressFrozen", [c.carol.address, true]),
    move: (c) => ({ from: c.alice, to: c.carol.address, amount: tokens("10") }),
  },
  {
    code: R.INSUFFICIENT_BALANCE,
    when: "the amount exceeds the balance",
    move: (c) => ({ from: c.alice, to: c.carol.address, amount: tokens("700") + 1n }),
  },
  {
    code: R.INSUFFICIENT_UNFROZEN_BALANCE,
    when: "the amount exceeds the unfrozen balance",
    setup: (c) =>
      act(c.fund, "transferAgent", c.fund.contracts.token, "freezePartialTokens", [
        c.alice.address,
        tokens("650"),
      ]),
    move: (c) => ({ from: c.alice, to: c.carol.address, amount: tokens("50") + 1n }),
  },
  {
    code: R.INVALID_RECIPIENT,
    when: "the recipient is the zero address",
    move: (c) => ({ from: c.alice, to: ethers.ZeroAddress, amount: tokens("10") }),
  },
  {
    code: R.SENDER_SANCTIONED,
    when: "the sender is sanctioned",
    setup: (c) =>
      act(c.fund, "complianceOfficer", c.fund.contracts.compliance, "setSanctioned", [
        [c.alice.address],
        true,
      ]),
    move: (c) => ({ from: c.alice, to: c.carol.address, amount: tokens("10") }),
  },
  {
    code: R.RECIPIENT_SANCTIONED,
    when: "the recipient is sanctioned",
    setup: (c) =>
      act(c.fund, "complianceOfficer", c.fund.contracts.compliance, "setSanctioned", [
        [c.carol.address],
        true,
      ]),
    move: (c) => ({ from: c.alice, to: c.carol.address, amount: tokens("10") }),
  },
  {
    code: R.SENDER_COUNTRY_RESTRICTED,
    when: "the sender's country is denied",
    setup: (c) =>
      act(c.fund, "complianceOfficer", c.fund.contracts.registry, "updateCountry", [
        c.alice.address,
        COUNTRY.CU,
      ]),
    move: (c) => ({ from: c.alice, to: c.carol.address, amount: tokens("10") }),
  },
  {
    code: R.RECIPIENT_COUNTRY_RESTRICTED,
    when: "the recipient's country is denied",
    move: (c) => ({ from: c.alice, to: c.ivan.address, amount: MIN }),
  },
  {
    code: R.RECIPIENT_CLASS_MISSING,
    when: "the recipient lacks a required class",
    move: (c) => ({ from: c.alice, to: c.uma.address, amount: MIN }),
  },
  {
    code: R.RECIPIENT_CLASS_BARRED,
    when: "the recipient has a barred class",
    setup: (c) =>
      configure(c.fund, "setClassRequirements", [
        0,
        CLASS.accredited | CLASS.qualified_purchaser,
        CLASS.us_person,
      ]),
    move: (c) => ({ from: c.alice, to: c.quinn.address, amount: MIN }),
  },
  {
    code: R.MAX_INVESTORS_REACHED,
    when: "a new investor would exceed the cap",
    move: (c) => ({ from: c.alice, to: c.erin.address, amount: MIN }),
  },
  {
    code: R.RECIPIENT_ABOVE_MAX_HOLDING,
    when: "the recipient would exceed the maximum holding",
    move: (c) => ({ from: c.carol, to: c.bob.address, amount: 1n }),
  },
  {
    code: R.RECIPIENT_BELOW_MIN_HOLDING,
    when: "a new position would be below the minimum (checked before the cap)",
    move: (c) => ({ from: c.alice, to: c.erin.address, amount: MIN - 1n }),
  },
  {
    code: R.SENDER_BELOW_MIN_HOLDING,
    when: "the sender would keep less than the minimum",
    move: (c) => ({ from: c.carol, to: c.dave.address, amount: tokens("400") + 1n }),
  },
  {
    code: R.TOKENS_LOCKED,
    when: "the amount reaches into locked tokens",
    move: (c) => ({ from: c.alice, to: c.carol.address, amount: tokens("600") + 1n }),
  },
  {
    code: R.DAILY_OUTFLOW_EXCEEDED,
    when: "the sender's daily outflow would exceed the limit",
    setup: (c) => configure(c.fund, "setMaxDailyOutflow", [tokens("50")]),
    move: (c) => ({ from: c.alice, to: c.carol.address, amount: tokens("50") + 1n }),
  },
  {
    code: R.MODULE_REFUSED,
    when: "a module refuses",
    setup: async (c) => {
      const module = await (await ethers.getContractFactory("MockComplianceModule")).deploy();
      await module.setAllowAll(false);
      await configure(c.fund, "addModule", [await module.getAddress()]);
    },
    move: (c) => ({ from: c.alice, to: c.carol.address, amount: tokens("10") }),
  },
];

/** The token's own error for a token-level restriction code. */
async function expectTokenError(
  c: Ctx,
  code: number,
  tx: Promise<unknown>,
  from: string,
  to: string,
  amount: bigint,
) {
  const { token } = c.fund.contracts;
  switch (code) {
    case R.PAUSED:
      return expect(tx).to.be.revertedWithCustomError(token, "EnforcedPause");
    case R.SENDER_NOT_VERIFIED:
      return expect(tx).to.be.revertedWithCustomError(token, "SenderNotVerified").withArgs(from);
    case R.RECIPIENT_NOT_VERIFIED:
      return expect(tx).to.be.revertedWithCustomError(token, "RecipientNotVerified").withArgs(to);
    case R.SENDER_FROZEN:
      return expect(tx).to.be.revertedWithCustomError(token, "WalletFrozen").withArgs(from);
    case R.RECIPIENT_FROZEN:
      return expect(tx).to.be.revertedWithCustomError(token, "WalletFrozen").withArgs(to);
    case R.INSUFFICIENT_BALANCE:
      return expect(tx)
        .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
        .withArgs(from, await token.balanceOf(from), amount);
    case R.INSUFFICIENT_UNFROZEN_BALANCE:
      return expect(tx)
        .to.be.revertedWithCustomError(token, "InsufficientUnfrozenBalance")
        .withArgs(from, (await token.balanceOf(from)) - (await token.getFrozenTokens(from)), amount);
    case R.INVALID_RECIPIENT:
      return expect(tx)
        .to.be.revertedWithCustomError(token, "ERC20InvalidReceiver")
        .withArgs(ethers.ZeroAddress);
    default:
      throw new Error(`not a token-level code: ${code}`);
  }
}

describe("ModularCompliance: restriction views", function () {
  it("should cover every reason code", function () {
    expect(new Set(transfers.map((s) => s.code)).size).to.equal(R.MODULE_REFUSED + 1);
  });

  describe("detectTransferRestriction and canTransfer of a holder's transfer", function () {
    for (const s of transfers) {
      describe(`when ${s.when}`, function () {
        it(`should report ${restrictionMessage(s.code)}, and the transfer should do exactly that`, async function () {
          const c = (await loadFixture(viewsFixture)) as Ctx;
          const { token, compliance } = c.fund.contracts;
          if (s.setup) await s.setup(c);
          const { from, to, amount } = s.move(c);
          expect(await token.detectTransferRestriction(from.address, to, amount)).to.equal(s.code);
          expect(await token.canTransfer(from.address, to, amount)).to.equal(s.code === R.NONE);
          const complianceLevel = s.code === R.NONE || s.code >= R.SENDER_SANCTIONED;
          if (complianceLevel) {
            expect(await compliance.detectTransferRestriction(from.address, to, amount)).to.equal(s.code);
            expect(await compliance.canTransfer(from.address, to, amount)).to.equal(s.code === R.NONE);
          }
          const tx = token.connect(from).transfer(to, amount);
          if (s.code === R.NONE) {
            await expect(tx).to.changeTokenBalances(token, [from.address, to], [-amount, amount]);
          } else if (complianceLevel) {
            await expect(tx).to.be.revertedWithCustomError(compliance, "TransferRestricted").withArgs(s.code);
          } else {
            await expectTokenError(c, s.code, tx, from.address, to, amount);
          }
        });
      });
    }
  });

  describe("detectTransferRestriction of an issuance (from the zero address)", function () {
    const issuances: (Omit<Scenario, "move"> & { to: (c: Ctx) => string; amount: bigint })[] = [
      { code: R.NONE, when: "every rule passes", to: (c) => c.carol.address, amount: tokens("10") },
      {
        code: R.RECIPIENT_SANCTIONED,
        when: "the recipient is sanctioned",
        setup: (c) =>
          act(c.fund, "complianceOfficer", c.fund.contracts.compliance, "setSanctioned", [
            [c.carol.address],
            true,
          ]),
        to: (c) => c.carol.address,
        amount: tokens("10"),
      },
      {
        code: R.RECIPIENT_COUNTRY_RESTRICTED,
        when: "the country is denied",
        to: (c) => c.ivan.address,
        amount: MIN,
      },
      { code: R.RECIPIENT_CLASS_MISSING, when: "a class is missing", to: (c) => c.uma.address, amount: MIN },
      { code: R.MAX_INVESTORS_REACHED, when: "the cap is reached", to: (c) => c.erin.address, amount: MIN },
      {
        code: R.RECIPIENT_ABOVE_MAX_HOLDING,
        when: "the maximum is exceeded",
        to: (c) => c.bob.address,
        amount: 1n,
      },
      {
        code: R.RECIPIENT_BELOW_MIN_HOLDING,
        when: "below the minimum",
        to: (c) => c.erin.address,
        amount: MIN - 1n,
      },
    ];
    for (const s of issuances) {
      it(`should report ${restrictionMessage(s.code)} when ${s.when}, as the mint then does`, async function () {
        const c = (await loadFixture(viewsFixture)) as Ctx;
        const { token, compliance } = c.fund.contracts;
        if (s.setup) await s.setup(c);
        const to = s.to(c);
        expect(await compliance.detectTransferRestriction(ethers.ZeroAddress, to, s.amount)).to.equal(s.code);
        expect(await compliance.canTransfer(ethers.ZeroAddress, to, s.amount)).to.equal(s.code === R.NONE);
        const tx = issue(c.fund, to, s.amount);
        if (s.code === R.NONE) {
          await expect(tx).to.emit(token, "Transfer").withArgs(ethers.ZeroAddress, to, s.amount);
        } else {
          await expect(tx).to.be.revertedWithCustomError(compliance, "TransferRestricted").withArgs(s.code);
        }
      });
    }
  });

  describe("after a rebase", function () {
    it("should agree with the transfer of a whole balance (every share moves) and of a partial one", async function () {
      const { fund, carol, dave } = (await loadFixture(viewsFixture)) as Ctx;
      const { token, compliance } = fund.contracts;
      await configure(fund, "setHoldingLimits", [MIN, tokens("2000")]);
      await configure(fund, "setMaxDailyOutflow", [tokens("5000")]);
      await rebase(fund, "1.003");
      const balance = await token.balanceOf(carol.address);
      expect(await compliance.detectTransferRestriction(carol.address, dave.address, balance)).to.equal(
        R.NONE,
      );
      await token.connect(carol).transfer(dave.address, balance);
      expect(await token.sharesOf(carol.address)).to.equal(0n);
      // Leaving less than the minimum is refused, by the view and by the transfer.
      const leaveTooLittle = (await token.balanceOf(dave.address)) - MIN / 2n;
      expect(
        await compliance.detectTransferRestriction(dave.address, carol.address, leaveTooLittle),
      ).to.equal(R.SENDER_BELOW_MIN_HOLDING);
      await expect(token.connect(dave).transfer(carol.address, leaveTooLittle))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.SENDER_BELOW_MIN_HOLDING);
    });
  });

  describe("configuration views", function () {
    it("should report the deployed configuration", async function () {
      const { fund } = await loadFixture(castFixture);
      const { compliance } = fund.contracts;
      const cf = await compliance.classAndFlow();
      const l = await compliance.limits();
      expect(await compliance.sanctionsOracle()).to.equal(ethers.ZeroAddress);
      expect(await compliance.lockPeriod()).to.equal(0n);
      expect([cf.requiredAll, cf.requiredAny, cf.barred, cf.maxDailyOutflow]).to.deep.equal([
        0n,
        BigInt(CLASS.accredited | CLASS.qualified_purchaser | CLASS.institutional),
        0n,
        tokens("10000000"),
      ]);
      expect([l.minHolding, l.maxHolding, l.maxInvestors, l.investorCount]).to.deep.equal([
        tokens("1"),
        tokens("100000000"),
        2000n,
        0n,
      ]);
      expect(await compliance.getModules()).to.deep.equal([]);
      expect(await compliance.isSanctioned(ethers.ZeroAddress)).to.equal(false);
    });
  });
});
