import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { getAddress } from "ethers";
import {
  CLASS,
  COUNTRY,
  YEAR,
  deployFundFixture,
  listProtocolAccounts,
  registerInvestor,
} from "../helpers/fund";
import { UnauthorizedManagedCallError } from "../../lib/governance";
import { rejection } from "../governance/model";

/**
 * The PROTOCOL class exempts a wallet from every investor rule but sanctions, so it is the issuer's decision: the
 * registry writes it only for a wallet on the issuer's list (`setProtocolAccount`, ISSUER, behind the issuer
 * Safe's two-day delay). Here in the fund the deploy scripts build, with every role held by its Safe.
 */
describe("IdentityRegistry: the issuer's list of protocol accounts (deployed fund)", function () {
  async function fixture() {
    const f = await loadFixture(deployFundFixture);
    const wallet = f.investors[0].address;
    const expiry = (await time.latest()) + YEAR;
    return { ...f, wallet, expiry, registry: f.fund.contracts.registry };
  }

  describe("the deploy scripts", function () {
    it("should list exactly the accounts of the fund they register with the PROTOCOL class", async function () {
      const { fund, registry } = await loadFixture(fixture);
      const c = fund.contracts;
      const accounts = [
        await c.token.feeWallet(),
        await c.fundManager!.getAddress(),
        await c.settlement!.getAddress(),
        await c.assetEscrow!.getAddress(),
        await c.wrapper!.getAddress(),
      ].map((a) => getAddress(a));
      for (const account of accounts) {
        expect(await registry.isProtocolAccount(account), account).to.equal(true);
        expect(await registry.investorClasses(account), account).to.equal(BigInt(CLASS.protocol));
      }
      const listed = (await registry.queryFilter(registry.filters.ProtocolAccountChanged())).map((e) => [
        e.args.wallet,
        e.args.oldListed,
        e.args.newListed,
      ]);
      expect(listed).to.deep.equal(accounts.map((a) => [a, false, true]));
    });
  });

  describe("regression: issue 16 finding 4, the compliance officer alone could exempt any wallet", function () {
    describe("when the issuer has not listed the wallet", function () {
      it("should refuse the compliance officer's registerInvestor with the PROTOCOL class (ProtocolAccountNotListed)", async function () {
        const { fund, registry, wallet, expiry } = await loadFixture(fixture);
        await expect(
          fund
            .as("complianceOfficer")
            .on(registry)
            .registerInvestor(wallet, wallet, COUNTRY.IR, CLASS.protocol, expiry),
        )
          .to.be.revertedWithCustomError(registry, "ProtocolAccountNotListed")
          .withArgs(wallet);
        expect(await registry.contains(wallet)).to.equal(false);
      });

      it("should refuse the compliance officer's updateInvestor adding the PROTOCOL class (ProtocolAccountNotListed)", async function () {
        const { fund, registry, wallet, expiry } = await loadFixture(fixture);
        await registerInvestor(fund, wallet, { kycExpiry: expiry });
        const classes = CLASS.accredited | CLASS.protocol;
        await expect(
          fund
            .as("complianceOfficer")
            .on(registry)
            .updateInvestor(wallet, [wallet], COUNTRY.US, classes, expiry),
        )
          .to.be.revertedWithCustomError(registry, "ProtocolAccountNotListed")
          .withArgs(wallet);
        expect(await registry.investorClasses(wallet)).to.equal(BigInt(CLASS.accredited));
      });

      it("should not let the compliance officer's Safe list the wallet itself (an ISSUER function)", async function () {
        const { fund, registry, wallet } = await loadFixture(fixture);
        const error = await rejection(
          fund.as("complianceOfficer").on(registry).setProtocolAccount(wallet, true),
        );
        expect(error).to.be.instanceOf(UnauthorizedManagedCallError);
        expect(await registry.isProtocolAccount(wallet)).to.equal(false);
      });
    });

    describe("when the issuer's Safe lists the wallet", function () {
      it("should take effect only after the issuer's delay, then let the compliance officer register the class", async function () {
        const { fund, registry, wallet, expiry } = await loadFixture(fixture);
        const issuer = fund.as("issuer");
        const officer = fund.as("complianceOfficer");
        const scheduled = await issuer.on(registry).setProtocolAccount(wallet, true);
        if (scheduled.status !== "scheduled") throw new Error("expected the listing to be scheduled");
        expect(scheduled.executableAt - BigInt(await time.latest())).to.equal(2n * 86_400n);
        // During the delay nothing changed: the registration is still refused.
        expect(await registry.isProtocolAccount(wallet)).to.equal(false);
        await expect(officer.on(registry).registerInvestor(wallet, wallet, 840, CLASS.protocol, expiry))
          .to.be.revertedWithCustomError(registry, "ProtocolAccountNotListed")
          .withArgs(wallet);
        await time.increaseTo(scheduled.executableAt);
        const { response } = await issuer.executeOn(registry).setProtocolAccount(wallet, true);
        await expect(response).to.emit(registry, "ProtocolAccountChanged").withArgs(wallet, false, true);
        await officer.on(registry).registerInvestor(wallet, wallet, 840, CLASS.protocol, expiry);
        expect(await registry.investorClasses(wallet)).to.equal(BigInt(CLASS.protocol));
        expect(await registry.isVerified(wallet)).to.equal(true);
      });

      it("should let the guardian cancel the listing during the delay", async function () {
        const { fund, registry, wallet } = await loadFixture(fixture);
        const issuer = fund.as("issuer");
        const scheduled = await issuer.on(registry).setProtocolAccount(wallet, true);
        if (scheduled.status !== "scheduled") throw new Error("expected the listing to be scheduled");
        await fund.as("guardian").cancelOn(issuer, registry).setProtocolAccount(wallet, true);
        await time.increaseTo(scheduled.executableAt);
        const error = await rejection(issuer.executeOn(registry).setProtocolAccount(wallet, true));
        expect(error.message).to.match(/is not scheduled/);
        expect(await registry.isProtocolAccount(wallet)).to.equal(false);
      });
    });
  });

  describe("when the issuer delists an account registered with the PROTOCOL class", function () {
    it("should refuse the deployed fee wallet with ProtocolAccountStillRegistered", async function () {
      const { fund, registry } = await loadFixture(fixture);
      const feeWallet = await fund.contracts.token.feeWallet();
      await expect(fund.as("issuer").now(registry).setProtocolAccount(feeWallet, false))
        .to.be.revertedWithCustomError(registry, "ProtocolAccountStillRegistered")
        .withArgs(feeWallet);
      expect(await registry.isProtocolAccount(feeWallet)).to.equal(true);
    });

    it("should execute the scheduled delisting once the compliance officer removed the registration", async function () {
      const { fund, registry, wallet } = await loadFixture(fixture);
      await listProtocolAccounts(fund, [wallet]);
      await registerInvestor(fund, wallet, { classes: CLASS.protocol });
      const issuer = fund.as("issuer");
      const scheduled = await issuer.on(registry).setProtocolAccount(wallet, false);
      if (scheduled.status !== "scheduled") throw new Error("expected the delisting to be scheduled");
      await time.increaseTo(scheduled.executableAt);
      await expect(issuer.executeOn(registry).setProtocolAccount(wallet, false))
        .to.be.revertedWithCustomError(registry, "ProtocolAccountStillRegistered")
        .withArgs(wallet);
      expect(await registry.isProtocolAccount(wallet)).to.equal(true);
      await fund.as("complianceOfficer").on(registry).deleteIdentity(wallet);
      const { response } = await issuer.executeOn(registry).setProtocolAccount(wallet, false);
      await expect(response).to.emit(registry, "ProtocolAccountChanged").withArgs(wallet, true, false);
      const expiry = (await time.latest()) + YEAR;
      await expect(
        fund
          .as("complianceOfficer")
          .on(registry)
          .registerInvestor(wallet, wallet, 840, CLASS.protocol, expiry),
      )
        .to.be.revertedWithCustomError(registry, "ProtocolAccountNotListed")
        .withArgs(wallet);
    });
  });
});
