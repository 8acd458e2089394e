import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployFundFixture, CLASS, COUNTRY, YEAR } from "../helpers/fund";

/**
 * The fund token's fee wallet receives shares at every accrual without a compliance call, so the registry keeps
 * its binding fixed (identity, PROTOCOL flag, registration) while it is the fee wallet of a bound token.
 */
describe("IdentityRegistry: the bound token's fee wallet", function () {
  async function feeWalletFixture() {
    const f = await loadFixture(deployFundFixture);
    const feeWallet = await f.fund.contracts.token.feeWallet();
    return { ...f, feeWallet, token: await f.fund.contracts.token.getAddress() };
  }

  describe("deleteIdentity", function () {
    it("should refuse with WalletIsFeeWallet even while the wallet holds no shares", async function () {
      const { fund, feeWallet, token } = await loadFixture(feeWalletFixture);
      expect(await fund.contracts.token.sharesOf(feeWallet)).to.equal(0n);
      await expect(fund.as("complianceOfficer").on(fund.contracts.registry).deleteIdentity(feeWallet))
        .to.be.revertedWithCustomError(fund.contracts.registry, "WalletIsFeeWallet")
        .withArgs(feeWallet, token);
    });
  });

  describe("updateInvestor", function () {
    it("should refuse to drop the PROTOCOL class with WalletIsFeeWallet", async function () {
      const { fund, feeWallet, token } = await loadFixture(feeWalletFixture);
      const expiry = (await time.latest()) + YEAR;
      await expect(
        fund
          .as("complianceOfficer")
          .on(fund.contracts.registry)
          .updateInvestor(feeWallet, [feeWallet], COUNTRY.US, CLASS.accredited, expiry),
      )
        .to.be.revertedWithCustomError(fund.contracts.registry, "WalletIsFeeWallet")
        .withArgs(feeWallet, token);
    });

    it("should allow a change that keeps the PROTOCOL class (e.g. a KYC renewal)", async function () {
      const { fund, feeWallet } = await loadFixture(feeWalletFixture);
      const expiry = (await time.latest()) + 2 * YEAR;
      await fund
        .as("complianceOfficer")
        .on(fund.contracts.registry)
        .updateInvestor(feeWallet, [feeWallet], COUNTRY.US, CLASS.protocol, expiry);
      expect(await fund.contracts.registry.kycExpiry(feeWallet)).to.equal(BigInt(expiry));
    });
  });

  describe("updateIdentity", function () {
    it("should refuse with WalletIsFeeWallet", async function () {
      const { fund, feeWallet, token, outsider } = await loadFixture(feeWalletFixture);
      await expect(
        fund.as("complianceOfficer").on(fund.contracts.registry).updateIdentity(feeWallet, outsider.address),
      )
        .to.be.revertedWithCustomError(fund.contracts.registry, "WalletIsFeeWallet")
        .withArgs(feeWallet, token);
    });
  });
});
