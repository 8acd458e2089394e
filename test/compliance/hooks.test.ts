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
      [
        "transferred",
        ({ fund, outsider, alice, bob }) =>
          fund.contracts.compliance.connect(outsider).transferred(alice.address, bob.address, 1n),
      ],
      [
        "created",
        ({ fund, outsider, bob }) => fund.contracts.compliance.connect(outsider).created(bob.address, 1n),
      ],
      [
        "destroyed",
        ({ fund, outsider, alice }) =>
          fund.contracts.compliance.connect(outsider).destroyed(alice.address, 1n),
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

  describe("ERC-3643 hooks (created, transferred, destroyed)", function () {
    it("created should record an issuance without rule checks, lock it and notify the modules", async function () {
      const { compliance, module, bob } = await loadFixture(hooksFixture);
      const tx = compliance.created(bob.address, tokens("50"));
      await expect(tx).to.emit(compliance, "InvestorCountChanged").withArgs(1, 2);
      await expect(tx).to.emit(compliance, "SharesLocked");
      await expect(tx)
        .to.emit(module, "MintAction")
        .withArgs(await compliance.getAddress(), bob.address, tokens("50"));
      expect((await compliance.investorState(IDS.bob)).shares).to.equal(tokens("50"));
      expect(await compliance.lockedShares(IDS.bob)).to.equal(tokens("50"));
      // No rule is enforced by the hook (the ERC-3643 token asks canTransfer first): above the maximum holding.
      await compliance.created(bob.address, tokens("200000000"));
      expect((await compliance.investorState(IDS.bob)).shares).to.equal(tokens("200000050"));
    });

    it("transferred should move the investor totals and notify the modules", async function () {
      const { compliance, module, alice, alice2, bob } = await loadFixture(hooksFixture);
      await expect(compliance.transferred(alice.address, bob.address, tokens("40")))
        .to.emit(module, "TransferAction")
        .withArgs(await compliance.getAddress(), alice.address, bob.address, tokens("40"));
      expect((await compliance.investorState(IDS.alice)).shares).to.equal(tokens("960"));
      expect((await compliance.investorState(IDS.bob)).shares).to.equal(tokens("40"));
      expect((await compliance.investorState(IDS.bob)).counted).to.equal(true);
      // Between two wallets of one investor nothing changes but the modules hear of it.
      await expect(compliance.transferred(alice.address, alice2.address, tokens("10"))).to.emit(
        module,
        "TransferAction",
      );
      expect((await compliance.investorState(IDS.alice)).shares).to.equal(tokens("960"));
    });

    it("destroyed should reduce the investor total, uncount an emptied investor and notify the modules", async function () {
      const { compliance, module, alice } = await loadFixture(hooksFixture);
      const tx = compliance.destroyed(alice.address, tokens("1000"));
      await expect(tx).to.emit(compliance, "InvestorCountChanged").withArgs(1, 0);
      await expect(tx)
        .to.emit(module, "BurnAction")
        .withArgs(await compliance.getAddress(), alice.address, tokens("1000"));
      expect((await compliance.investorState(IDS.alice)).shares).to.equal(0n);
    });

    it("destroyed should refuse more than the investor holds with InvestorSharesUnderflow", async function () {
      const { compliance, alice } = await loadFixture(hooksFixture);
      await expect(compliance.destroyed(alice.address, tokens("1000") + 1n))
        .to.be.revertedWithCustomError(compliance, "InvestorSharesUnderflow")
        .withArgs(IDS.alice, tokens("1000"), tokens("1000") + 1n);
    });
  });
});
