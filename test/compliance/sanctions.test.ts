import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  DEPLOYED_RULES,
  R,
  RULES,
  act,
  castFixture,
  complianceAdmin,
  configure,
  expectConsistentAccounting,
  issue,
  tokens,
} from "./helpers";
import type { MockSanctionsList } from "../../typechain-types";

/** The cast with Alice and Bob holding 1,000 each. */
async function holdersFixture() {
  const cast = await loadFixture(castFixture);
  await issue(cast.fund, cast.alice.address, tokens("1000"));
  await issue(cast.fund, cast.bob.address, tokens("1000"));
  return cast;
}

/** The holders with a Chainalysis-style oracle plugged in (flagging nobody yet). */
async function oracleFixture() {
  const base = await loadFixture(holdersFixture);
  const oracle = (await (
    await ethers.getContractFactory("MockSanctionsList")
  ).deploy()) as unknown as MockSanctionsList;
  await configure(base.fund, "setSanctionsOracle", [await oracle.getAddress()]);
  return { ...base, oracle };
}

describe("ModularCompliance: sanctions rule", function () {
  describe("internal list", function () {
    describe("setSanctioned", function () {
      it("should list wallets at once for the compliance officer and emit SanctionsListUpdated", async function () {
        const { fund, bob, carol } = await loadFixture(holdersFixture);
        const { compliance } = fund.contracts;
        const wallets = [bob.address, carol.address];
        await expect(act(fund, "complianceOfficer", compliance, "setSanctioned", [wallets, true]))
          .to.emit(compliance, "SanctionsListUpdated")
          .withArgs(wallets, true);
        expect(await compliance.isSanctioned(bob.address)).to.equal(true);
        expect(await compliance.isSanctioned(carol.address)).to.equal(true);
        await expect(act(fund, "complianceOfficer", compliance, "setSanctioned", [[bob.address], false]))
          .to.emit(compliance, "SanctionsListUpdated")
          .withArgs([bob.address], false);
        expect(await compliance.isSanctioned(bob.address)).to.equal(false);
        expect(await compliance.isSanctioned(carol.address)).to.equal(true);
      });

      it("should refuse an empty list with EmptyList", async function () {
        const { fund } = await loadFixture(holdersFixture);
        await expect(
          act(fund, "complianceOfficer", fund.contracts.compliance, "setSanctioned", [[], true]),
        ).to.be.revertedWithCustomError(fund.contracts.compliance, "EmptyList");
      });

      it("should refuse a caller without the COMPLIANCE_OFFICER role", async function () {
        const { fund, outsider, bob } = await loadFixture(holdersFixture);
        await expect(fund.contracts.compliance.connect(outsider).setSanctioned([bob.address], true))
          .to.be.revertedWithCustomError(complianceAdmin(fund), "AccessManagedUnauthorized")
          .withArgs(outsider.address);
      });
    });

    describe("when the sender is listed", function () {
      it("should refuse its transfer with SENDER_SANCTIONED", async function () {
        const { fund, alice, bob } = await loadFixture(holdersFixture);
        const { token, compliance } = fund.contracts;
        await act(fund, "complianceOfficer", compliance, "setSanctioned", [[alice.address], true]);
        await expect(token.connect(alice).transfer(bob.address, tokens("1")))
          .to.be.revertedWithCustomError(compliance, "TransferRestricted")
          .withArgs(R.SENDER_SANCTIONED);
      });

      it("should refuse even a move to another wallet of the same investor", async function () {
        const { fund, alice, alice2 } = await loadFixture(holdersFixture);
        const { token, compliance } = fund.contracts;
        await act(fund, "complianceOfficer", compliance, "setSanctioned", [[alice.address], true]);
        await expect(token.connect(alice).transfer(alice2.address, tokens("1")))
          .to.be.revertedWithCustomError(compliance, "TransferRestricted")
          .withArgs(R.SENDER_SANCTIONED);
      });

      it("should check the sender before the recipient", async function () {
        const { fund, alice, bob } = await loadFixture(holdersFixture);
        const { token, compliance } = fund.contracts;
        await act(fund, "complianceOfficer", compliance, "setSanctioned", [
          [alice.address, bob.address],
          true,
        ]);
        await expect(token.connect(alice).transfer(bob.address, tokens("1")))
          .to.be.revertedWithCustomError(compliance, "TransferRestricted")
          .withArgs(R.SENDER_SANCTIONED);
      });

      it("should still let the transfer agent seize its tokens (forced transfer)", async function () {
        const { fund, alice, erin, wallets } = await loadFixture(holdersFixture);
        const { token, compliance } = fund.contracts;
        await act(fund, "complianceOfficer", compliance, "setSanctioned", [[alice.address], true]);
        await act(fund, "transferAgent", token, "forcedTransfer", [
          alice.address,
          erin.address,
          tokens("1000"),
        ]);
        expect(await token.balanceOf(erin.address)).to.equal(tokens("1000"));
        await expectConsistentAccounting(fund, wallets);
      });
    });

    describe("when the recipient is listed", function () {
      it("should refuse a transfer with RECIPIENT_SANCTIONED", async function () {
        const { fund, alice, bob } = await loadFixture(holdersFixture);
        const { token, compliance } = fund.contracts;
        await act(fund, "complianceOfficer", compliance, "setSanctioned", [[bob.address], true]);
        await expect(token.connect(alice).transfer(bob.address, tokens("1")))
          .to.be.revertedWithCustomError(compliance, "TransferRestricted")
          .withArgs(R.RECIPIENT_SANCTIONED);
      });

      it("should refuse an issuance with RECIPIENT_SANCTIONED", async function () {
        const { fund, carol } = await loadFixture(holdersFixture);
        const { compliance } = fund.contracts;
        await act(fund, "complianceOfficer", compliance, "setSanctioned", [[carol.address], true]);
        await expect(issue(fund, carol.address, tokens("10")))
          .to.be.revertedWithCustomError(compliance, "TransferRestricted")
          .withArgs(R.RECIPIENT_SANCTIONED);
      });
    });

    describe("when the wallet is delisted", function () {
      it("should allow its transfers again", async function () {
        const { fund, alice, bob } = await loadFixture(holdersFixture);
        const { token, compliance } = fund.contracts;
        await act(fund, "complianceOfficer", compliance, "setSanctioned", [[alice.address], true]);
        await act(fund, "complianceOfficer", compliance, "setSanctioned", [[alice.address], false]);
        await token.connect(alice).transfer(bob.address, tokens("1"));
        expect(await token.balanceOf(bob.address)).to.equal(tokens("1001"));
      });
    });

    describe("when the rule is off", function () {
      it("should ignore the list (while isSanctioned still reports it)", async function () {
        const { fund, alice, bob } = await loadFixture(holdersFixture);
        const { token, compliance } = fund.contracts;
        await act(fund, "complianceOfficer", compliance, "setSanctioned", [[alice.address], true]);
        await configure(fund, "setRules", [DEPLOYED_RULES & ~RULES.SANCTIONS]);
        await token.connect(alice).transfer(bob.address, tokens("1"));
        expect(await compliance.isSanctioned(alice.address)).to.equal(true);
      });
    });
  });

  describe("sanctions oracle", function () {
    describe("setSanctionsOracle", function () {
      it("should set the oracle and emit SanctionsOracleChanged(old, new)", async function () {
        const { fund } = await loadFixture(holdersFixture);
        const { compliance } = fund.contracts;
        const oracle = await (await ethers.getContractFactory("MockSanctionsList")).deploy();
        const address = await oracle.getAddress();
        await expect(configure(fund, "setSanctionsOracle", [address]))
          .to.emit(compliance, "SanctionsOracleChanged")
          .withArgs(ethers.ZeroAddress, address);
        expect(await compliance.sanctionsOracle()).to.equal(address);
      });

      it("should remove the oracle with the zero address", async function () {
        const { fund, oracle, alice, bob } = await loadFixture(oracleFixture);
        const { token, compliance } = fund.contracts;
        await oracle.setSanctioned(bob.address, true);
        await expect(configure(fund, "setSanctionsOracle", [ethers.ZeroAddress]))
          .to.emit(compliance, "SanctionsOracleChanged")
          .withArgs(await oracle.getAddress(), ethers.ZeroAddress);
        expect(await compliance.sanctionsOracle()).to.equal(ethers.ZeroAddress);
        expect(await compliance.isSanctioned(bob.address)).to.equal(false);
        await token.connect(alice).transfer(bob.address, tokens("1"));
      });

      it("should refuse a contract without isSanctioned with InvalidSanctionsOracle", async function () {
        const { fund } = await loadFixture(holdersFixture);
        const { compliance } = fund.contracts;
        const notAnOracle = await fund.contracts.registry.getAddress();
        await expect(configure(fund, "setSanctionsOracle", [notAnOracle]))
          .to.be.revertedWithCustomError(compliance, "InvalidSanctionsOracle")
          .withArgs(notAnOracle);
        expect(await compliance.sanctionsOracle()).to.equal(ethers.ZeroAddress);
      });

      it("should refuse an address without code with InvalidSanctionsOracle", async function () {
        const { fund, outsider } = await loadFixture(holdersFixture);
        await expect(configure(fund, "setSanctionsOracle", [outsider.address]))
          .to.be.revertedWithCustomError(fund.contracts.compliance, "InvalidSanctionsOracle")
          .withArgs(outsider.address);
      });

      it("should refuse a contract whose fallback answers nothing with InvalidSanctionsOracle", async function () {
        const { fund } = await loadFixture(holdersFixture);
        const silent = await (await ethers.getContractFactory("MockSilentContract")).deploy();
        const address = await silent.getAddress();
        await expect(configure(fund, "setSanctionsOracle", [address]))
          .to.be.revertedWithCustomError(fund.contracts.compliance, "InvalidSanctionsOracle")
          .withArgs(address);
      });

      it("should refuse a caller without the ISSUER role", async function () {
        const { fund, outsider } = await loadFixture(holdersFixture);
        await expect(fund.contracts.compliance.connect(outsider).setSanctionsOracle(ethers.ZeroAddress))
          .to.be.revertedWithCustomError(complianceAdmin(fund), "AccessManagedUnauthorized")
          .withArgs(outsider.address);
      });
    });

    describe("when the oracle flags a wallet", function () {
      it("should report it sanctioned", async function () {
        const { fund, oracle, bob } = await loadFixture(oracleFixture);
        expect(await fund.contracts.compliance.isSanctioned(bob.address)).to.equal(false);
        await oracle.setSanctioned(bob.address, true);
        expect(await fund.contracts.compliance.isSanctioned(bob.address)).to.equal(true);
      });

      it("should refuse it as sender with SENDER_SANCTIONED", async function () {
        const { fund, oracle, alice, bob } = await loadFixture(oracleFixture);
        await oracle.setSanctioned(alice.address, true);
        await expect(fund.contracts.token.connect(alice).transfer(bob.address, tokens("1")))
          .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
          .withArgs(R.SENDER_SANCTIONED);
      });

      it("should refuse it as recipient with RECIPIENT_SANCTIONED", async function () {
        const { fund, oracle, alice, bob } = await loadFixture(oracleFixture);
        await oracle.setSanctioned(bob.address, true);
        await expect(fund.contracts.token.connect(alice).transfer(bob.address, tokens("1")))
          .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
          .withArgs(R.RECIPIENT_SANCTIONED);
      });

      it("should refuse an issuance to it with RECIPIENT_SANCTIONED", async function () {
        const { fund, oracle, carol } = await loadFixture(oracleFixture);
        await oracle.setSanctioned(carol.address, true);
        await expect(issue(fund, carol.address, tokens("10")))
          .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
          .withArgs(R.RECIPIENT_SANCTIONED);
      });

      it("should allow the wallet again once the oracle clears it", async function () {
        const { fund, oracle, alice, bob } = await loadFixture(oracleFixture);
        await oracle.setSanctioned(bob.address, true);
        await oracle.setSanctioned(bob.address, false);
        await fund.contracts.token.connect(alice).transfer(bob.address, tokens("1"));
        expect(await fund.contracts.token.balanceOf(bob.address)).to.equal(tokens("1001"));
      });
    });

    describe("when the oracle flags nobody", function () {
      it("should still apply the internal list", async function () {
        const { fund, alice, bob } = await loadFixture(oracleFixture);
        const { compliance, token } = fund.contracts;
        await act(fund, "complianceOfficer", compliance, "setSanctioned", [[bob.address], true]);
        await expect(token.connect(alice).transfer(bob.address, tokens("1")))
          .to.be.revertedWithCustomError(compliance, "TransferRestricted")
          .withArgs(R.RECIPIENT_SANCTIONED);
      });
    });
  });
});
