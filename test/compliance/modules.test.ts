import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  CLASS,
  COUNTRY,
  R,
  act,
  castFixture,
  complianceAdmin,
  configure,
  expectConsistentAccounting,
  issue,
  rebase,
  register,
  tokens,
  listProtocolAccounts,
} from "./helpers";
import type { MockComplianceModule, MockPresetModule } from "../../typechain-types";
import { ComplianceBase } from "../../lib/generated/contracts";

const MAX_MODULES = Number(ComplianceBase.MAX_MODULES);

async function deployModule(): Promise<MockComplianceModule> {
  return (await (
    await ethers.getContractFactory("MockComplianceModule")
  ).deploy()) as unknown as MockComplianceModule;
}

async function deployPresetModule(): Promise<MockPresetModule> {
  return (await (
    await ethers.getContractFactory("MockPresetModule")
  ).deploy()) as unknown as MockPresetModule;
}

/** The cast with Alice holding 1,000 and one plug-and-play module bound. */
async function moduleFixture() {
  const cast = await loadFixture(castFixture);
  await issue(cast.fund, cast.alice.address, tokens("1000"));
  const module = await deployModule();
  await configure(cast.fund, "addModule", [await module.getAddress()]);
  return { ...cast, module, moduleAddress: await module.getAddress() };
}

describe("ModularCompliance: external ERC-3643 modules", function () {
  describe("addModule", function () {
    it("should bind a plug-and-play module and emit ModuleAdded", async function () {
      const { fund } = await loadFixture(castFixture);
      const { compliance } = fund.contracts;
      const module = await deployModule();
      const address = await module.getAddress();
      expect(await compliance.getModules()).to.deep.equal([]);
      expect(await compliance.isModuleBound(address)).to.equal(false);
      await expect(configure(fund, "addModule", [address]))
        .to.emit(compliance, "ModuleAdded")
        .withArgs(address);
      expect(await compliance.getModules()).to.deep.equal([address]);
      expect(await compliance.isModuleBound(address)).to.equal(true);
    });

    it("should bind a module that is not plug and play only if it agrees (canComplianceBind)", async function () {
      const { fund } = await loadFixture(castFixture);
      const { compliance } = fund.contracts;
      const module = await deployPresetModule();
      const address = await module.getAddress();
      await module.setBindable(false);
      await expect(configure(fund, "addModule", [address]))
        .to.be.revertedWithCustomError(compliance, "InvalidModule")
        .withArgs(address);
      await module.setBindable(true);
      // The refused operation is still scheduled in the AccessManager: the issuer executes it again.
      const retry = (await fund.as("issuer").executeOn(compliance).addModule(address)).response;
      await expect(retry).to.emit(compliance, "ModuleAdded").withArgs(address);
    });

    it("should refuse the zero address with InvalidModule", async function () {
      const { fund } = await loadFixture(castFixture);
      await expect(configure(fund, "addModule", [ethers.ZeroAddress]))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "InvalidModule")
        .withArgs(ethers.ZeroAddress);
    });

    it("should refuse a module already bound with InvalidModule", async function () {
      const { fund, moduleAddress } = await loadFixture(moduleFixture);
      await expect(configure(fund, "addModule", [moduleAddress]))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "InvalidModule")
        .withArgs(moduleAddress);
    });

    it("should refuse an address without code with InvalidModule", async function () {
      const { fund, outsider } = await loadFixture(castFixture);
      await expect(configure(fund, "addModule", [outsider.address]))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "InvalidModule")
        .withArgs(outsider.address);
    });

    it("should refuse a contract that does not answer the module interface with InvalidModule", async function () {
      const { fund } = await loadFixture(castFixture);
      const silent = await (await ethers.getContractFactory("MockSilentContract")).deploy();
      const address = await silent.getAddress();
      await expect(configure(fund, "addModule", [address]))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "InvalidModule")
        .withArgs(address);
      const registry = await fund.contracts.registry.getAddress();
      await expect(configure(fund, "addModule", [registry]))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "InvalidModule")
        .withArgs(registry);
    });

    it(`should refuse a module beyond MAX_MODULES (${MAX_MODULES}) with InvalidModule`, async function () {
      const { fund } = await loadFixture(castFixture);
      const { compliance } = fund.contracts;
      const addresses: string[] = [];
      for (let i = 0; i < MAX_MODULES; i++) {
        const address = await (await deployModule()).getAddress();
        await configure(fund, "addModule", [address]);
        addresses.push(address);
      }
      expect(await compliance.getModules()).to.deep.equal(addresses);
      const ninth = await (await deployModule()).getAddress();
      await expect(configure(fund, "addModule", [ninth]))
        .to.be.revertedWithCustomError(compliance, "InvalidModule")
        .withArgs(ninth);
      // A seat freed by removal can be taken again (the refused operation is still scheduled: execute it).
      await configure(fund, "removeModule", [addresses[0]]);
      await fund.as("issuer").executeOn(compliance).addModule(ninth);
      expect(await compliance.getModules()).to.have.length(MAX_MODULES);
    });

    it("should refuse a caller without the ISSUER role", async function () {
      const { fund, outsider } = await loadFixture(castFixture);
      const address = await (await deployModule()).getAddress();
      await expect(fund.contracts.compliance.connect(outsider).addModule(address))
        .to.be.revertedWithCustomError(complianceAdmin(fund), "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });
  });

  describe("removeModule", function () {
    it("should unbind the module, emit ModuleRemoved and keep the others", async function () {
      const { fund, moduleAddress } = await loadFixture(moduleFixture);
      const { compliance } = fund.contracts;
      const second = await (await deployModule()).getAddress();
      const third = await (await deployModule()).getAddress();
      await configure(fund, "addModule", [second]);
      await configure(fund, "addModule", [third]);
      await expect(configure(fund, "removeModule", [moduleAddress]))
        .to.emit(compliance, "ModuleRemoved")
        .withArgs(moduleAddress);
      expect(await compliance.isModuleBound(moduleAddress)).to.equal(false);
      expect([...(await compliance.getModules())].sort()).to.deep.equal([second, third].sort());
    });

    it("should refuse a module that is not bound with ModuleNotBound", async function () {
      const { fund } = await loadFixture(moduleFixture);
      const other = await (await deployModule()).getAddress();
      await expect(configure(fund, "removeModule", [other]))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "ModuleNotBound")
        .withArgs(other);
    });

    it("should stop consulting and notifying a removed module", async function () {
      const { fund, module, moduleAddress, alice, bob } = await loadFixture(moduleFixture);
      await module.setAllowAll(false);
      await configure(fund, "removeModule", [moduleAddress]);
      const calls = await module.actionCount();
      await fund.contracts.token.connect(alice).transfer(bob.address, tokens("10"));
      expect(await module.actionCount()).to.equal(calls);
    });

    it("should refuse a caller without the ISSUER role", async function () {
      const { fund, outsider, moduleAddress } = await loadFixture(moduleFixture);
      await expect(fund.contracts.compliance.connect(outsider).removeModule(moduleAddress))
        .to.be.revertedWithCustomError(complianceAdmin(fund), "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });
  });

  describe("callModuleFunction", function () {
    it("should call the module as the compliance and emit ModuleInteraction", async function () {
      const { fund, module, moduleAddress } = await loadFixture(moduleFixture);
      const { compliance } = fund.contracts;
      const data = module.interface.encodeFunctionData("configure", [42]);
      const tx = configure(fund, "callModuleFunction", [data, moduleAddress]);
      await expect(tx)
        .to.emit(compliance, "ModuleInteraction")
        .withArgs(moduleAddress, module.interface.getFunction("configure").selector);
      await expect(tx)
        .to.emit(module, "Configured")
        .withArgs(await compliance.getAddress(), 42);
      expect(await module.configuredBy()).to.equal(await compliance.getAddress());
      expect(await module.configValue()).to.equal(42n);
    });

    it("should bubble up the module's error", async function () {
      const { fund, module, moduleAddress } = await loadFixture(moduleFixture);
      const data = module.interface.encodeFunctionData("configure", [13]);
      await expect(configure(fund, "callModuleFunction", [data, moduleAddress]))
        .to.be.revertedWithCustomError(module, "ConfigurationRefused")
        .withArgs(13);
    });

    it("should refuse a module that is not bound with ModuleNotBound", async function () {
      const { fund, module } = await loadFixture(moduleFixture);
      const other = await deployModule();
      const data = module.interface.encodeFunctionData("configure", [1]);
      await expect(configure(fund, "callModuleFunction", [data, await other.getAddress()]))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "ModuleNotBound")
        .withArgs(await other.getAddress());
    });

    it("should refuse a caller without the ISSUER role", async function () {
      const { fund, outsider, module, moduleAddress } = await loadFixture(moduleFixture);
      const data = module.interface.encodeFunctionData("configure", [1]);
      await expect(fund.contracts.compliance.connect(outsider).callModuleFunction(data, moduleAddress))
        .to.be.revertedWithCustomError(complianceAdmin(fund), "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });
  });

  describe("moduleCheck", function () {
    it("should refuse a transfer the module refuses with MODULE_REFUSED", async function () {
      const { fund, module, alice, bob } = await loadFixture(moduleFixture);
      await module.setBlockedRecipient(bob.address);
      await expect(fund.contracts.token.connect(alice).transfer(bob.address, tokens("10")))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.MODULE_REFUSED);
    });

    it("should refuse an issuance the module refuses with MODULE_REFUSED", async function () {
      const { fund, module, bob } = await loadFixture(moduleFixture);
      await module.setAllowAll(false);
      await expect(issue(fund, bob.address, tokens("10")))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.MODULE_REFUSED);
    });

    it("should refuse even a move between the investor's own wallets", async function () {
      const { fund, module, alice, alice2 } = await loadFixture(moduleFixture);
      await module.setAllowAll(false);
      await expect(fund.contracts.token.connect(alice).transfer(alice2.address, tokens("10")))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.MODULE_REFUSED);
    });

    it("should allow what the module allows", async function () {
      const { fund, module, alice, bob, carol } = await loadFixture(moduleFixture);
      await module.setBlockedRecipient(bob.address);
      await fund.contracts.token.connect(alice).transfer(carol.address, tokens("10"));
      expect(await fund.contracts.token.balanceOf(carol.address)).to.equal(tokens("10"));
    });

    it("should be consulted after the built-in rules (their code comes first)", async function () {
      const { fund, module, alice, spare } = await loadFixture(moduleFixture);
      const ivan = spare[0];
      await register(fund, [
        { wallet: ivan.address, identity: ivan.address, country: COUNTRY.IR, classes: CLASS.accredited },
      ]);
      await module.setAllowAll(false);
      await expect(fund.contracts.token.connect(alice).transfer(ivan.address, tokens("10")))
        .to.be.revertedWithCustomError(fund.contracts.compliance, "TransferRestricted")
        .withArgs(R.RECIPIENT_COUNTRY_RESTRICTED);
    });

    it("should be reported by detectTransferRestriction and canTransfer", async function () {
      const { fund, module, alice, bob } = await loadFixture(moduleFixture);
      const { token, compliance } = fund.contracts;
      await module.setBlockedRecipient(bob.address);
      expect(await compliance.detectTransferRestriction(alice.address, bob.address, tokens("10"))).to.equal(
        R.MODULE_REFUSED,
      );
      expect(
        await compliance.detectTransferRestriction(ethers.ZeroAddress, bob.address, tokens("10")),
      ).to.equal(R.MODULE_REFUSED);
      expect(await compliance.canTransfer(alice.address, bob.address, tokens("10"))).to.equal(false);
      expect(await token.detectTransferRestriction(alice.address, bob.address, tokens("10"))).to.equal(
        R.MODULE_REFUSED,
      );
      expect(await token.canTransfer(alice.address, bob.address, tokens("10"))).to.equal(false);
    });
  });

  describe("module actions", function () {
    it("should call moduleMintAction on an issuance with the recipient and the amount", async function () {
      const { fund, module, bob, spare } = await loadFixture(moduleFixture);
      const compliance = await fund.contracts.compliance.getAddress();
      await expect(issue(fund, bob.address, tokens("10")))
        .to.emit(module, "MintAction")
        .withArgs(compliance, bob.address, tokens("10"));
      // Also for an account of the fund.
      const escrow = spare[0];
      await listProtocolAccounts(fund, [escrow.address]);
      await register(fund, [
        { wallet: escrow.address, identity: escrow.address, country: COUNTRY.US, classes: CLASS.protocol },
      ]);
      await expect(issue(fund, escrow.address, tokens("7")))
        .to.emit(module, "MintAction")
        .withArgs(compliance, escrow.address, tokens("7"));
    });

    it("should call moduleTransferAction on a transfer with both parties and the amount", async function () {
      const { fund, module, alice, alice2, bob } = await loadFixture(moduleFixture);
      const { token } = fund.contracts;
      const compliance = await fund.contracts.compliance.getAddress();
      await expect(token.connect(alice).transfer(bob.address, tokens("10")))
        .to.emit(module, "TransferAction")
        .withArgs(compliance, alice.address, bob.address, tokens("10"));
      await expect(token.connect(alice).transfer(alice2.address, tokens("3")))
        .to.emit(module, "TransferAction")
        .withArgs(compliance, alice.address, alice2.address, tokens("3"));
      await expect(token.connect(alice).transferShares(bob.address, tokens("2")))
        .to.emit(module, "TransferAction")
        .withArgs(compliance, alice.address, bob.address, tokens("2"));
    });

    it("should call moduleTransferAction on a forced transfer with both parties and the amount", async function () {
      const { fund, module, alice, bob, wallets } = await loadFixture(moduleFixture);
      const { token } = fund.contracts;
      await expect(
        act(fund, "transferAgent", token, "forcedTransfer", [alice.address, bob.address, tokens("10")]),
      )
        .to.emit(module, "TransferAction")
        .withArgs(await fund.contracts.compliance.getAddress(), alice.address, bob.address, tokens("10"));
      await expectConsistentAccounting(fund, wallets);
    });

    it("should call moduleBurnAction on a burn with the wallet and the amount", async function () {
      const { fund, module, alice, wallets } = await loadFixture(moduleFixture);
      await expect(act(fund, "transferAgent", fund.contracts.token, "burn", [alice.address, tokens("10")]))
        .to.emit(module, "BurnAction")
        .withArgs(await fund.contracts.compliance.getAddress(), alice.address, tokens("10"));
      await expectConsistentAccounting(fund, wallets);
    });

    it("should call moduleBurnAction on a burn from an account of the fund (no investor accounting)", async function () {
      const { fund, module } = await loadFixture(moduleFixture);
      const { token } = fund.contracts;
      const feeWallet = await token.feeWallet();
      await act(fund, "transferAgent", token, "mint", [feeWallet, tokens("10")]);
      await expect(act(fund, "transferAgent", token, "burn", [feeWallet, tokens("10")]))
        .to.emit(module, "BurnAction")
        .withArgs(await fund.contracts.compliance.getAddress(), feeWallet, tokens("10"));
      expect(await token.balanceOf(feeWallet)).to.equal(0n);
    });

    it("should report the token value of the shares burned or forced after a rebase", async function () {
      const { fund, module, alice, bob } = await loadFixture(moduleFixture);
      const { token } = fund.contracts;
      const compliance = await fund.contracts.compliance.getAddress();
      await rebase(fund, "1.002");
      await token.connect(alice).transfer(bob.address, tokens("100"));
      const balance = await token.balanceOf(bob.address);
      await expect(act(fund, "transferAgent", token, "forcedTransfer", [bob.address, alice.address, balance]))
        .to.emit(module, "TransferAction")
        .withArgs(compliance, bob.address, alice.address, balance);
      const whole = await token.balanceOf(alice.address);
      await expect(act(fund, "transferAgent", token, "burn", [alice.address, whole]))
        .to.emit(module, "BurnAction")
        .withArgs(compliance, alice.address, whole);
    });

    it("should not call the module when the movement is refused", async function () {
      const { fund, module, alice, bob } = await loadFixture(moduleFixture);
      await module.setBlockedRecipient(bob.address);
      const calls = await module.actionCount();
      await expect(fund.contracts.token.connect(alice).transfer(bob.address, tokens("10"))).to.be.reverted;
      expect(await module.actionCount()).to.equal(calls);
    });
  });
});
