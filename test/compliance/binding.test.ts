import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  IDS,
  castFixture,
  complianceAdmin,
  configure,
  expectConsistentAccounting,
  issue,
  tokens,
} from "./helpers";

/** The cast with Alice holding 1,000, then the token unbound from the compliance. */
async function unboundFixture() {
  const cast = await loadFixture(castFixture);
  await issue(cast.fund, cast.alice.address, tokens("1000"));
  await configure(cast.fund, "unbindToken", [await cast.fund.contracts.token.getAddress()]);
  return cast;
}

describe("ModularCompliance: token binding", function () {
  describe("as deployed", function () {
    it("should be bound to the fund token, with the admin extension deployed", async function () {
      const { fund } = await loadFixture(castFixture);
      const { compliance, token } = fund.contracts;
      expect(await compliance.getTokenBound()).to.equal(await token.getAddress());
      expect(await token.compliance()).to.equal(await compliance.getAddress());
      expect(await compliance.extension()).to.equal(
        (await fund.hre.deployments.get("ModularComplianceAdmin")).address,
      );
    });
  });

  describe("bindToken", function () {
    it("should refuse a second token while one is bound with InvalidToken", async function () {
      const { fund } = await loadFixture(castFixture);
      const other = await fund.contracts.registry.getAddress();
      await expect(configure(fund, "bindToken", [other]))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "InvalidToken")
        .withArgs(other);
    });

    it("should refuse the zero address with InvalidToken", async function () {
      const { fund } = await loadFixture(unboundFixture);
      await expect(configure(fund, "bindToken", [ethers.ZeroAddress]))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "InvalidToken")
        .withArgs(ethers.ZeroAddress);
    });

    it("should refuse an address without code with InvalidToken", async function () {
      const { fund, outsider } = await loadFixture(unboundFixture);
      await expect(configure(fund, "bindToken", [outsider.address]))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "InvalidToken")
        .withArgs(outsider.address);
    });

    it("should bind the token again, emit TokenBound and resume with the same per-investor state", async function () {
      const { fund, alice, bob, wallets } = await loadFixture(unboundFixture);
      const { compliance, token } = fund.contracts;
      const address = await token.getAddress();
      await expect(configure(fund, "bindToken", [address]))
        .to.emit(compliance, "TokenBound")
        .withArgs(address);
      expect(await compliance.getTokenBound()).to.equal(address);
      expect((await compliance.investorState(IDS.alice)).shares).to.equal(tokens("1000"));
      await token.connect(alice).transfer(bob.address, tokens("10"));
      await expectConsistentAccounting(fund, wallets);
    });

    it("should refuse a caller without the ISSUER role", async function () {
      const { fund, outsider } = await loadFixture(unboundFixture);
      await expect(
        fund.contracts.compliance.connect(outsider).bindToken(await fund.contracts.token.getAddress()),
      )
        .to.be.revertedWithCustomError(complianceAdmin(fund), "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });
  });

  describe("unbindToken", function () {
    it("should unbind the token and emit TokenUnbound", async function () {
      const { fund } = await loadFixture(castFixture);
      const { compliance, token } = fund.contracts;
      const address = await token.getAddress();
      await expect(configure(fund, "unbindToken", [address]))
        .to.emit(compliance, "TokenUnbound")
        .withArgs(address);
      expect(await compliance.getTokenBound()).to.equal(ethers.ZeroAddress);
    });

    for (const [label, pick] of [
      ["another address", (a: { registry: string }) => a.registry],
      ["the zero address", () => ethers.ZeroAddress],
    ] as const) {
      it(`should refuse ${label} with TokenNotBound`, async function () {
        const { fund } = await loadFixture(castFixture);
        const address = pick({ registry: await fund.contracts.registry.getAddress() });
        await expect(configure(fund, "unbindToken", [address]))
          .to.be.revertedWithCustomError(fund.contracts.compliance, "TokenNotBound")
          .withArgs(address);
      });
    }

    it("should refuse when no token is bound with TokenNotBound", async function () {
      const { fund } = await loadFixture(unboundFixture);
      const address = await fund.contracts.token.getAddress();
      await expect(configure(fund, "unbindToken", [address]))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TokenNotBound")
        .withArgs(address);
    });

    it("should refuse a caller without the ISSUER role", async function () {
      const { fund, outsider } = await loadFixture(castFixture);
      await expect(
        fund.contracts.compliance.connect(outsider).unbindToken(await fund.contracts.token.getAddress()),
      )
        .to.be.revertedWithCustomError(complianceAdmin(fund), "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });
  });

  describe("while no token is bound", function () {
    it("should stop every movement of the former token with CallerNotBoundToken", async function () {
      const { fund, alice, bob } = await loadFixture(unboundFixture);
      const { compliance, token } = fund.contracts;
      const address = await token.getAddress();
      await expect(token.connect(alice).transfer(bob.address, tokens("10")))
        .to.be.revertedWithCustomError(compliance, "CallerNotBoundToken")
        .withArgs(address);
      await expect(issue(fund, bob.address, tokens("10")))
        .to.be.revertedWithCustomError(compliance, "CallerNotBoundToken")
        .withArgs(address);
      await expect(fund.as("transferAgent").on(token).burn(alice.address, tokens("10")))
        .to.be.revertedWithCustomError(compliance, "CallerNotBoundToken")
        .withArgs(address);
    });

    it("should refuse to explain a restriction with TokenNotBound", async function () {
      const { fund, alice, bob } = await loadFixture(unboundFixture);
      const { compliance, token } = fund.contracts;
      await expect(compliance.detectTransferRestriction(alice.address, bob.address, 1n))
        .to.be.revertedWithCustomError(compliance, "TokenNotBound")
        .withArgs(ethers.ZeroAddress);
      await expect(compliance.canTransfer(alice.address, bob.address, 1n))
        .to.be.revertedWithCustomError(compliance, "TokenNotBound")
        .withArgs(ethers.ZeroAddress);
      await expect(token.detectTransferRestriction(alice.address, bob.address, 1n))
        .to.be.revertedWithCustomError(compliance, "TokenNotBound")
        .withArgs(ethers.ZeroAddress);
    });
  });
});
