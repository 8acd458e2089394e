import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, impersonateAccount, setBalance } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { DAY, DEPLOYED_RULES, IDS, ONE, R, RULES, castFixture, configure, issue, tokens } from "./helpers";
import type { MockComplianceModule } from "../../typechain-types";

/**
 * The cast with Alice holding 1,000, a 30-day lockup on, a module bound, and the token's own address
 * impersonated: the compliance's hooks are called exactly as the bound token would call them.
 */
async function hooksFixture() {
  const cast = await loadFixture(castFixture);
  const { fund, alice } = cast;
  await issue(fund, alice.address, tokens("1000"));
  await configure(fund, "setLockPeriod", [30 * DAY]);
  await configure(fund, "setRules", [DEPLOYED_RULES | RULES.LOCKUP]);
  const module = (await (
    await ethers.getContractFactory("MockComplianceModule")
  ).deploy()) as unknown as MockComplianceModule;
  await configure(fund, "addModule", [await module.getAddress()]);
  const tokenAddress = await fund.contracts.token.getAddress();
  await impersonateAccount(tokenAddress);
  await setBalance(tokenAddress, ONE);
  const asToken: HardhatEthersSigner = await hre.ethers.getSigner(tokenAddress);
  return { ...cast, module, asToken, compliance: fund.contracts.compliance.connect(asToken) };
}

describe("ModularCompliance: hooks", function () {
  describe("access", function () {
    const calls: [string, (c: Awaited<ReturnType<typeof hooksFixture>>) => Promise<unknown>][] = [
      [
        "checkTransfer",
        ({ fund, outsider, alice, bob }) =>
          fund.contracts.compliance.connect(outsider).checkTransfer({
            from: alice.address,
            to: bob.address,
            fromRecord: 0n,
            toRecord: 0n,
            shares: 1n,
            amount: 1n,
            index: ONE,
          }),
      ],
      [
        "checkMint",
        ({ fund, outsider, bob }) =>
          fund.contracts.compliance.connect(outsider).checkMint(bob.address, 0n, 1n, 1n, ONE),
      ],
      [
        "recordMovement",
        ({ fund, outsider, alice, bob }) =>
          fund.contracts.compliance.connect(outsider).recordMovement(alice.address, bob.address, 0n, 0n, 1n),
      ],
    ];
    for (const [name, call] of calls) {
      it(`should refuse ${name} from anyone but the bound token with CallerNotBoundToken`, async function () {
        const f = await loadFixture(hooksFixture);
        await expect(call(f))
          .to.be.revertedWithCustomError(f.fund.contracts.compliance, "CallerNotBoundToken")
          .withArgs(f.outsider.address);
      });
    }
  });

  describe("checkTransfer", function () {
    it("should refuse more shares than the sender's investor total with INSUFFICIENT_BALANCE", async function () {
      const { fund, compliance, alice, bob } = await loadFixture(hooksFixture);
      const [fromRecord, toRecord] = await fund.contracts.registry.transferRecords(
        alice.address,
        bob.address,
      );
      await expect(
        compliance.checkTransfer({
          from: alice.address,
          to: bob.address,
          fromRecord,
          toRecord,
          shares: tokens("1000") + 1n,
          amount: tokens("1000") + 1n,
          index: ONE,
        }),
      )
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(R.INSUFFICIENT_BALANCE);
    });
  });

  describe("recordMovement", function () {
    it("should refuse to take more than an investor holds with InvestorSharesUnderflow", async function () {
      const { fund, compliance, alice, bob } = await loadFixture(hooksFixture);
      const [fromRecord, toRecord] = await fund.contracts.registry.transferRecords(
        alice.address,
        bob.address,
      );
      const more = tokens("1000") + 1n;
      await expect(compliance.recordMovement(alice.address, bob.address, fromRecord, toRecord, more))
        .to.be.revertedWithCustomError(compliance, "InvestorSharesUnderflow")
        .withArgs(IDS.alice, tokens("1000"), more);
      await expect(compliance.recordMovement(alice.address, ethers.ZeroAddress, fromRecord, 0n, more))
        .to.be.revertedWithCustomError(compliance, "InvestorSharesUnderflow")
        .withArgs(IDS.alice, tokens("1000"), more);
    });
  });

  describe("recordMovement from the zero address (an issuance the token reports after the fact)", function () {
    it("should count the shares and the new investor as a mint would, lock nothing and tell the modules", async function () {
      const { fund, compliance, module, asToken, bob } = await loadFixture(hooksFixture);
      const [, bobRecord] = await fund.contracts.registry.transferRecords(bob.address, bob.address);
      const countBefore = await compliance.investorCount();
      const lockedBefore = await compliance.lockedShares(IDS.bob);
      await expect(compliance.recordMovement(ethers.ZeroAddress, bob.address, 0n, bobRecord, tokens("50")))
        .to.emit(module, "MintAction")
        .withArgs(await compliance.getAddress(), bob.address, tokens("50"));
      expect((await compliance.investorState(IDS.bob)).shares).to.equal(tokens("50"));
      expect(await compliance.investorCount()).to.equal(countBefore + 1n);
      expect(await compliance.lockedShares(IDS.bob)).to.deep.equal(lockedBefore);
      expect(asToken.address).to.equal(await fund.contracts.token.getAddress());
    });
  });

  describe("issue 16 finding 8: the ERC-3643 hooks transferred, created, destroyed", function () {
    /** Each hook, called by `caller`, with the amounts the old hooks recorded. */
    const hooks = (f: Awaited<ReturnType<typeof hooksFixture>>, caller: HardhatEthersSigner) => {
      const c = f.fund.contracts.compliance.connect(caller);
      return [
        ["transferred", () => c.transferred(f.alice.address, f.bob.address, tokens("40"))],
        ["created", () => c.created(f.bob.address, tokens("50"))],
        ["destroyed", () => c.destroyed(f.alice.address, tokens("1000"))],
      ] as const;
    };

    for (const who of ["the bound token", "anyone else"] as const) {
      const error = who === "the bound token" ? "UnsupportedHook" : "CallerNotBoundToken";
      it(`should refuse each of them to ${who} with ${error} and change nothing`, async function () {
        const f = await loadFixture(hooksFixture);
        const { compliance, module } = f;
        const caller = who === "the bound token" ? f.asToken : f.outsider;
        const state = async () => [
          await compliance.investorState(IDS.alice),
          await compliance.investorState(IDS.bob),
          await compliance.investorCount(),
          await compliance.lockedShares(IDS.alice),
          await compliance.lockedShares(IDS.bob),
        ];
        const before = await state();
        for (const [name, call] of hooks(f, caller)) {
          await expect(call(), name)
            .to.be.revertedWithCustomError(compliance, error)
            .withArgs(
              who === "the bound token"
                ? compliance.interface.getFunction(name)!.selector
                : f.outsider.address,
            );
        }
        expect(await state()).to.deep.equal(before);
        for (const filter of [
          module.filters.MintAction(),
          module.filters.TransferAction(),
          module.filters.BurnAction(),
        ])
          expect(await module.queryFilter(filter)).to.have.length(0);
      });
    }
  });
});
