/**
 * The deploy scripts (deploy/scripts, tag "all") on a fresh Hardhat network: a bad config fails with the
 * validator's path-named message before any transaction; a good one produces every deployment record and hands
 * the fund over to its Safes, leaving the deployer with no role; a second run sends nothing and keeps every
 * address.
 *
 * The network is reset before and after this file (hardhat_reset), so other files start from a fresh chain too;
 * `clearSnapshots` forgets loadFixture snapshots the reset invalidated.
 */
import { expect } from "chai";
import hre from "hardhat";
import { clearSnapshots } from "@nomicfoundation/hardhat-network-helpers";
import { getAddress } from "ethers";
import "../helpers/fund"; // quiet deploy logs
import hardhatConfig from "../../deploy/config/hardhat";
import type { FundConfig } from "../../lib/config/types";
import { setFundConfigOverride } from "../../lib/deploy/context";
import { ROLE_IDS } from "../../lib/deploy/roles";
import { rejection } from "../governance/model";
import { createSafe, deploySafeInfrastructure } from "../../lib/safe";
import { loadFund } from "../../lib/fund";

const { deployments, ethers, network, upgrades } = hre;

/** Every record the scripts produce for deploy/config/hardhat.ts. */
const EXPECTED_RECORDS = [
  // 00_governance: the AccessManager, Safe's official 1.4.1 contracts and one Safe per role holder.
  "AccessManager",
  "Safe",
  "SafeProxyFactory",
  "CompatibilityFallbackHandler",
  "MultiSend",
  "MultiSendCallOnly",
  "SignMessageLib",
  "CreateCall",
  "SimulateTxAccessor",
  "RoleHolder.admin",
  "RoleHolder.issuer",
  "RoleHolder.transferAgent",
  "RoleHolder.complianceOfficer",
  "RoleHolder.guardian",
  "RoleHolder.navPublisher",
  "RoleHolder.settlementAgent",
  // 01_identity
  "IdentityRegistrySources",
  "IdentityRegistry",
  // 01b_identity_sources (EAS deployed from its package's bytecode on a local network)
  "OnchainIdSource",
  "EAS.SchemaRegistry",
  "EAS",
  "AttestationSource",
  // 02_compliance
  "ModularComplianceAdmin",
  "ModularCompliance",
  // 03_oracles
  "NavPublisher",
  "ReservePublisher",
  "NavOracle",
  "ReserveGuard",
  // 04_token
  "FundTokenAdmin",
  "FundToken",
  // 05_stablecoins
  "Stablecoin.USDC",
  // 06_fund_manager
  "FundManagerVaults",
  "FundManagerAdmin",
  "FundManager",
  // 07_settlement (with the local CCIP simulator of the hardhat config)
  "DvPSettlement",
  "CCIPLocalSimulator",
  "CrossChainAssetEscrow",
  "CrossChainPaymentEscrow",
  // 08_wrapper
  "WrappedFundToken",
  "WrappedFundPriceFeed",
  // 09_vaults
  "FundVault.USDC",
];
/** Records deployed behind a UUPS proxy (their record carries the implementation). */
const PROXIES = [
  "IdentityRegistry",
  "ModularCompliance",
  "FundToken",
  "FundManager",
  "DvPSettlement",
  "CrossChainAssetEscrow",
  "CrossChainPaymentEscrow",
  "WrappedFundToken",
  "OnchainIdSource",
  "AttestationSource",
];

const RUN_FRESH = { resetMemory: true, deletePreviousDeployments: false, writeDeploymentsToFiles: false };
const RUN_AGAIN = { resetMemory: false, deletePreviousDeployments: false, writeDeploymentsToFiles: false };

async function resetNetwork() {
  await network.provider.send("hardhat_reset", []);
  await clearSnapshots();
}

async function deployer() {
  return getAddress((await hre.getNamedAccounts()).deployer);
}

function configWith(change: (c: FundConfig) => void): FundConfig {
  const copy = structuredClone(hardhatConfig);
  change(copy);
  return copy;
}

describe("deploy scripts (tag all)", function () {
  after(async function () {
    setFundConfigOverride(undefined);
    await resetNetwork();
  });

  describe("with a config that has a bad field", function () {
    before(resetNetwork);

    afterEach(function () {
      setFundConfigOverride(undefined);
    });

    const cases: { field: string; change: (c: FundConfig) => void; message: RegExp }[] = [
      {
        field: "governance.issuer.safe.threshold",
        change: (c) => {
          (c.governance.issuer as { safe: { threshold: number } }).safe.threshold = 4;
        },
        message:
          /governance\.issuer\.safe\.threshold: must be an integer between 1 and 3 \(the number of owners\), got 4/,
      },
      {
        field: "governance.transferAgent",
        change: (c) => {
          c.governance.transferAgent = structuredClone(c.governance.issuer);
        },
        message:
          /governance\.transferAgent: must not be the same holder as governance\.issuer \(no single holder may both move investors' tokens and change the rules\)/,
      },
      {
        field: "governance.delays.admin",
        change: (c) => {
          c.governance.delays.admin = c.governance.delays.issuer - 1;
        },
        message: /governance\.delays\.admin: must be >= the issuer delay/,
      },
      {
        field: "fund.managementFeeBps",
        change: (c) => {
          c.fund.managementFeeBps = 201;
        },
        message: /fund\.managementFeeBps: must be an integer between 0 and 200/,
      },
    ];

    for (const { field, change, message } of cases) {
      it(`should fail naming ${field} before sending any transaction`, async function () {
        const from = await deployer();
        const block = await ethers.provider.getBlockNumber();
        const nonce = await ethers.provider.getTransactionCount(from);
        setFundConfigOverride(configWith(change));
        const error = await rejection(deployments.run(["all"], RUN_FRESH));
        expect(error.message).to.match(/Invalid fund config for network "hardhat" \(1 problem\)/);
        expect(error.message).to.match(message);
        expect(await ethers.provider.getBlockNumber(), "blocks").to.equal(block);
        expect(await ethers.provider.getTransactionCount(from), "deployer nonce").to.equal(nonce);
        expect(Object.keys(await deployments.all()), "records").to.deep.equal([]);
      });
    }

    it("should deploy the unmodified copy (the failures come from the changed field alone)", async function () {
      setFundConfigOverride(configWith(() => undefined));
      await deployments.run(["all"], RUN_FRESH);
      expect(Object.keys(await deployments.all()).sort()).to.deep.equal([...EXPECTED_RECORDS].sort());
    });
  });

  describe("with role holders named as existing Safes", function () {
    /** Safe 1.4.1 infrastructure and two Safes of the issuer's owners (accounts 6-8): 1-of-3 and 2-of-3. */
    async function existingSafes() {
      await resetNetwork();
      const signers = await ethers.getSigners();
      const owners = [6, 7, 8].map((i) => signers[i].address);
      const infra = await deploySafeInfrastructure(signers[0]);
      return {
        single: await createSafe(infra, owners, 1, 1n, signers[0]),
        double: await createSafe(infra, owners, 2, 2n, signers[0]),
      };
    }

    afterEach(function () {
      setFundConfigOverride(undefined);
    });

    it("should refuse an existing Safe with a threshold of 1 before sending any transaction", async function () {
      const { single } = await existingSafes();
      const from = await deployer();
      const block = await ethers.provider.getBlockNumber();
      const nonce = await ethers.provider.getTransactionCount(from);
      setFundConfigOverride(configWith((c) => (c.governance.issuer = { existingSafe: single })));
      const error = await rejection(deployments.run(["all"], RUN_FRESH));
      expect(error.message).to.match(
        /governance\.issuer\.existingSafe: threshold must be at least 2 \(a role is never held by a single key\), got 1/,
      );
      expect(await ethers.provider.getBlockNumber(), "blocks").to.equal(block);
      expect(await ethers.provider.getTransactionCount(from), "deployer nonce").to.equal(nonce);
    });

    it("should refuse an address that is not a Safe before sending any transaction", async function () {
      await existingSafes();
      const block = await ethers.provider.getBlockNumber();
      const notSafe = (await ethers.getSigners())[30].address;
      setFundConfigOverride(configWith((c) => (c.governance.issuer = { existingSafe: notSafe })));
      const error = await rejection(deployments.run(["all"], RUN_FRESH));
      expect(error.message).to.contain(
        `governance.issuer.existingSafe: ${notSafe} is not a Safe on this network`,
      );
      expect(await ethers.provider.getBlockNumber(), "blocks").to.equal(block);
    });

    it("should hand the issuer role to an existing 2-of-3 Safe and record its owners and threshold", async function () {
      const { double } = await existingSafes();
      setFundConfigOverride(configWith((c) => (c.governance.issuer = { existingSafe: double })));
      await deployments.run(["all"], RUN_FRESH);
      const record = await deployments.get("RoleHolder.issuer");
      expect(record.address).to.equal(double);
      expect((record.linkedData as { threshold: number }).threshold).to.equal(2);
      const manager = await ethers.getContractAt(
        "AccessManager",
        (await deployments.get("AccessManager")).address,
      );
      expect((await manager.hasRole(ROLE_IDS.ISSUER, double))[0]).to.equal(true);
    });
  });

  describe("on a fresh network", function () {
    let firstBlock: number;
    let deployedBlock: number;

    before(async function () {
      await resetNetwork();
      firstBlock = await ethers.provider.getBlockNumber();
      await deployments.run(["all"], RUN_FRESH);
      deployedBlock = await ethers.provider.getBlockNumber();
    });

    it("should start from an empty chain and send the deployment's transactions", function () {
      expect(firstBlock).to.equal(0);
      expect(deployedBlock).to.be.greaterThan(50);
    });

    it("should produce every record, each with code at its address", async function () {
      const all = await deployments.all();
      expect(Object.keys(all).sort()).to.deep.equal([...EXPECTED_RECORDS].sort());
      for (const [name, d] of Object.entries(all)) {
        expect(await ethers.provider.getCode(d.address), name).to.not.equal("0x");
        expect(d.abi.length, `${name} ABI`).to.be.greaterThan(0);
      }
    });

    it("should record the implementation behind each UUPS proxy", async function () {
      for (const name of PROXIES) {
        const d = await deployments.get(name);
        expect(d.implementation, name).to.not.equal(undefined);
        expect(await upgrades.erc1967.getImplementationAddress(d.address), name).to.equal(
          getAddress(d.implementation!),
        );
      }
    });

    it("should leave the deployer with no role after the handover", async function () {
      const manager = await ethers.getContractAt(
        "AccessManager",
        (await deployments.get("AccessManager")).address,
      );
      const from = await deployer();
      for (const [role, id] of Object.entries(ROLE_IDS)) {
        if (role === "PUBLIC") continue;
        const [isMember] = await manager.hasRole(id, from);
        expect(isMember, role).to.equal(false);
      }
      const [adminIsMember, adminDelay] = await manager.hasRole(
        ROLE_IDS.ADMIN,
        (await deployments.get("RoleHolder.admin")).address,
      );
      expect(adminIsMember).to.equal(true);
      expect(adminDelay).to.equal(BigInt(hardhatConfig.governance.delays.admin));
    });

    it("should send no transaction on a second run and keep every record's address", async function () {
      const before = Object.fromEntries(
        Object.entries(await deployments.all()).map(([n, d]) => [n, d.address]),
      );
      const from = await deployer();
      const block = await ethers.provider.getBlockNumber();
      const nonce = await ethers.provider.getTransactionCount(from);
      await deployments.run(["all"], RUN_AGAIN);
      expect(await ethers.provider.getBlockNumber(), "blocks").to.equal(block);
      expect(await ethers.provider.getTransactionCount(from), "deployer nonce").to.equal(nonce);
      const after = Object.fromEntries(
        Object.entries(await deployments.all()).map(([n, d]) => [n, d.address]),
      );
      expect(after).to.deep.equal(before);
    });

    describe("when the config names a new account of the fund after the handover", function () {
      afterEach(function () {
        setFundConfigOverride(undefined);
      });

      it("should stop before sending anything, naming the issuer's listing, then the compliance officer's registration", async function () {
        const signers = await ethers.getSigners();
        const wallet = signers[38].address;
        setFundConfigOverride(configWith((c) => (c.fund.feeWallet = { account: 38 })));
        let block = await ethers.provider.getBlockNumber();
        let error = await rejection(deployments.run(["all"], RUN_AGAIN));
        expect(error.message).to.contain(
          `Error: fee wallet ${wallet} is not on the IdentityRegistry's list of protocol accounts and the deployer no ` +
            `longer holds ISSUER: the issuer's Safe lists it first (npx hardhat registry:protocol-account ` +
            `--network hardhat --account ${wallet}, then again with --execute once the issuer's delay has ` +
            `passed), then run the deployment again`,
        );
        expect(await ethers.provider.getBlockNumber(), "blocks").to.equal(block);

        const fund = await loadFund(hre);
        await fund.as("issuer").now(fund.contracts.registry).setProtocolAccount(wallet, true);
        block = await ethers.provider.getBlockNumber();
        error = await rejection(deployments.run(["all"], RUN_AGAIN));
        expect(error.message).to.contain(
          `Error: fee wallet ${wallet} is not registered and the deployer no longer holds COMPLIANCE_OFFICER: the ` +
            `compliance officer's Safe registers it with IdentityRegistry.registerInvestor(${wallet}, ${wallet}, ` +
            `840, 16, 4102444800), then run the deployment again`,
        );
        expect(await ethers.provider.getBlockNumber(), "blocks").to.equal(block);
      });
    });
  });
});
