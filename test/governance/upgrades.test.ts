/**
 * Upgrades of the deployed fund: every UUPS proxy is upgraded only through the issuer's delayed schedule, keeps
 * every piece of state, and is checked by the OpenZeppelin upgrades plugin (storage layout against the deployed
 * implementation, upgrade safety of implementations and admin extensions); a layout-breaking version is
 * refused; the guardian can cancel an upgrade; implementations cannot be initialised.
 */
import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Contract, ZeroAddress, getAddress, type FunctionFragment, type Interface } from "ethers";
import { registerInvestor, mint, publishNav, ONE, DAY, COUNTRY } from "../helpers/fund";
import { revertDataOf } from "../../lib/safe";
import type { UpgradeOptions } from "@openzeppelin/hardhat-upgrades";
import { governedFund, rejection, sampleCalldata, throughSafe, type GovernedContract } from "./model";

const { upgrades, ethers } = hre;

type UnsafeAllow = NonNullable<UpgradeOptions["unsafeAllow"]>;

/** Upgrade-safety exceptions of an admin extension, which is never a proxy's implementation itself. */
const EXTENSION_UNSAFE_ALLOW: UnsafeAllow = [
  // Runs in the proxy's storage, initialised by the implementation's `initialize`.
  "missing-initializer",
  // Reached by delegatecall from the implementation, which holds `upgradeToAndCall`.
  "missing-public-upgradeto",
];

/**
 * The flags deploy/scripts/07_settlement.ts passes for the CCIP escrows: Chainlink's CCIPReceiver keeps the router
 * in an immutable set by its constructor, third-party code that cannot carry the plugin's annotations.
 */
const CCIP_UNSAFE_ALLOW: UnsafeAllow = ["constructor", "state-variable-immutable"];

interface UpgradeCase {
  /** Deployment record of the proxy. */
  record: string;
  /** Contract deployed as its implementation. */
  implementation: string;
  /** Its admin extension, when the contract is split (the implementation's constructor argument). */
  extension?: string;
  /** The next version: the real contract plus `version2()`. */
  v2: string;
  /** Constructor arguments of the extension, when it has a constructor (read from the deployment). */
  extensionArgs?: () => Promise<unknown[]>;
  /** Further extensions sharing the proxy's storage, reached through the extension's fallback (no constructor). */
  moreExtensions?: string[];
  /** The next version's extension, deployed with `v2ExtensionArgs(current extension)`. */
  v2Extension?: string;
  v2ExtensionArgs?: (currentExtension: string) => unknown[] | Promise<unknown[]>;
  /** Constructor arguments of the next version (not a split contract), read from the deployed proxy. */
  v2Args?: (proxy: Contract) => Promise<unknown[]>;
  /** Flags the deploy script passes for this contract, beyond the annotations in its source. */
  unsafeAllow?: UnsafeAllow;
}

/** One case per UUPS proxy of the deployment; the suite checks that no proxy is left out. */
const CASES: UpgradeCase[] = [
  {
    record: "IdentityRegistry",
    implementation: "IdentityRegistry",
    extension: "IdentityRegistrySources",
    v2: "IdentityRegistryV2",
    v2Extension: "IdentityRegistrySourcesV2",
    v2ExtensionArgs: () => [],
  },
  {
    record: "ModularCompliance",
    implementation: "ModularCompliance",
    extension: "ModularComplianceAdmin",
    v2: "ModularComplianceV2",
    v2Extension: "ModularComplianceAdminV2",
    v2ExtensionArgs: (current) => [current],
  },
  {
    record: "FundToken",
    implementation: "FundToken",
    extension: "FundTokenAdmin",
    v2: "FundTokenV2",
    v2Extension: "FundTokenAdminV2",
    v2ExtensionArgs: () => [],
  },
  {
    record: "FundManager",
    implementation: "FundManager",
    extension: "FundManagerAdmin",
    v2: "FundManagerV2",
    // FundManagerAdmin delegates in turn to FundManagerVaults (issue 19), kept by the next version.
    extensionArgs: async () => [(await hre.deployments.get("FundManagerVaults")).address],
    moreExtensions: ["FundManagerVaults"],
    v2Extension: "FundManagerAdminV2",
    v2ExtensionArgs: async (current) => [
      await new Contract(
        current,
        ["function vaultExtension() view returns (address)"],
        ethers.provider,
      ).vaultExtension(),
    ],
  },
  { record: "DvPSettlement", implementation: "DvPSettlement", v2: "DvPSettlementV2" },
  {
    record: "CrossChainAssetEscrow",
    implementation: "CrossChainAssetEscrow",
    v2: "CrossChainAssetEscrowV2",
    v2Args: async (proxy) => [await proxy.getRouter()],
    unsafeAllow: CCIP_UNSAFE_ALLOW,
  },
  {
    record: "CrossChainPaymentEscrow",
    implementation: "CrossChainPaymentEscrow",
    v2: "CrossChainPaymentEscrowV2",
    v2Args: async (proxy) => [await proxy.getRouter()],
    unsafeAllow: CCIP_UNSAFE_ALLOW,
  },
  {
    record: "WrappedFundToken",
    implementation: "WrappedFundToken",
    v2: "WrappedFundTokenV2",
    v2Args: async (proxy) => [await proxy.fundToken()],
  },
  { record: "OnchainIdSource", implementation: "OnchainIdSource", v2: "OnchainIdSourceV2" },
  { record: "AttestationSource", implementation: "AttestationSource", v2: "AttestationSourceV2" },
];

/**
 * Plugin options with the implementation's constructor arguments. The plugin reads `constructorArgs` in every
 * validation (it encodes the creation code to find the contract), though its types only declare it for deployments.
 */
function withConstructorArgs(
  constructorArgs: unknown[],
  unsafeAllow: UnsafeAllow = [],
): { kind: "uups"; unsafeAllow: UnsafeAllow } {
  const opts = { kind: "uups" as const, unsafeAllow, constructorArgs };
  return opts;
}

/** Sample constructor arguments (addresses) for validating a factory. */
async function sampleConstructorArgs(name: string): Promise<unknown[]> {
  const factory = await ethers.getContractFactory(name);
  return factory.interface.deploy.inputs.map(() => ZeroAddress);
}

const implementationOf = (proxy: string) => upgrades.erc1967.getImplementationAddress(proxy);
/** ERC-1967 implementation slot: bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1). */
const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

/**
 * A fund with state everywhere an upgrade could lose it: investors with two wallets under one identity, shares
 * after a NAV accrual (index above 1), a transfer (outflow and holder counts), a frozen wallet and frozen tokens,
 * a revoked investor, a sanctioned wallet, an allowance and the fee wallet's fee shares.
 */
async function fundWithState() {
  const f = await loadFixture(governedFund);
  const { fund, investors, outsider } = f;
  const [alice, alice2, bob, carol, dave, sanctioned] = investors;
  const { token, compliance, registry } = fund.contracts;
  await registerInvestor(fund, alice.address);
  await registerInvestor(fund, alice2.address, { identity: alice.address });
  await registerInvestor(fund, bob.address, { country: COUNTRY.GB });
  await registerInvestor(fund, carol.address, { country: COUNTRY.SG });
  await registerInvestor(fund, dave.address);
  await mint(fund, alice.address, 1_000n * ONE);
  await mint(fund, bob.address, 500n * ONE);
  await mint(fund, carol.address, 300n * ONE);
  await mint(fund, dave.address, 200n * ONE);
  await token.connect(alice).transfer(alice2.address, 50n * ONE);
  await token.connect(alice).transfer(bob.address, 100n * ONE);
  await token.connect(bob).approve(alice.address, 7n * ONE);
  await time.increase(DAY);
  await publishNav(fund, "1.0005");
  await token.accrue();
  const ta = fund.as("transferAgent");
  await ta.on(token).setAddressFrozen(carol.address, true);
  await ta.on(token).freezePartialTokens(bob.address, 25n * ONE);
  const co = fund.as("complianceOfficer");
  await co.on(registry).setRevoked(dave.address, [dave.address], true);
  await co.on(compliance).setSanctioned([sanctioned.address], true);

  // The fund manager, the settlement and the wrapper hold state too: a subscription, an escrowed off-chain
  // trade, a wrapped position.
  const { deployments } = hre;
  const fundManager = await ethers.getContractAt(
    "IFundManager",
    (await deployments.get("FundManager")).address,
  );
  const dvp = await ethers.getContractAt("DvPSettlement", (await deployments.get("DvPSettlement")).address);
  const wrapper = await ethers.getContractAt(
    "WrappedFundToken",
    (await deployments.get("WrappedFundToken")).address,
  );
  const usdc = fund.contracts.stablecoins.USDC;
  await usdc.connect(outsider).mint(alice.address, 5_000n * 10n ** 6n);
  await usdc.connect(alice).approve(await fundManager.getAddress(), ethers.MaxUint256);
  await fundManager.connect(alice).subscribe(await usdc.getAddress(), 2_000n * 10n ** 6n, 0);
  await token.connect(alice).approve(await wrapper.getAddress(), ethers.MaxUint256);
  await wrapper.connect(alice).deposit(100n * ONE, alice.address);
  await token.connect(bob).approve(await dvp.getAddress(), ethers.MaxUint256);
  await dvp.connect(bob).openOffChainTrade({
    buyer: alice.address,
    amount: 10n * ONE,
    price: 10_000_000n,
    currency: ethers.hexlify(ethers.toUtf8Bytes("USD")),
  });

  const feeWallet = await token.feeWallet();
  const addresses = [
    alice.address,
    alice2.address,
    bob.address,
    carol.address,
    dave.address,
    sanctioned.address,
    feeWallet,
    outsider.address,
    await token.getAddress(),
    await usdc.getAddress(),
  ];
  return {
    ...f,
    alice,
    alice2,
    bob,
    carol,
    dave,
    sanctioned,
    feeWallet,
    addresses,
    fundManager,
    dvp,
    wrapper,
    usdc,
  };
}

/** The state the fixture built is not trivial (an upgrade keeping "nothing" would not pass unnoticed). */
async function expectNonTrivialState(s: Awaited<ReturnType<typeof fundWithState>>) {
  const { token, compliance, registry } = s.fund.contracts;
  expect(await token.index()).to.be.greaterThan(ONE);
  expect(await token.sharesOf(s.feeWallet)).to.be.greaterThan(0n);
  expect(await token.isFrozen(s.carol.address)).to.equal(true);
  expect(await token.getFrozenTokens(s.bob.address)).to.be.greaterThanOrEqual(25n * ONE);
  expect(await registry.isRevoked(s.dave.address)).to.equal(true);
  expect(await registry.identity(s.alice2.address)).to.equal(s.alice.address);
  expect(await compliance.isSanctioned(s.sanctioned.address)).to.equal(true);
  expect(await compliance.investorCount()).to.equal(4n);
  expect((await compliance.investorState(s.alice.address)).shares).to.be.greaterThan(0n);
  expect(await compliance.rules()).to.not.equal(0n);
  expect(await s.usdc.balanceOf(await s.fundManager.getAddress())).to.be.greaterThan(0n);
  expect(await s.wrapper.balanceOf(s.alice.address)).to.be.greaterThan(0n);
  expect((await s.dvp.trade(1)).seller).to.equal(s.bob.address);
}

function sampleArgsFor(type: string, addresses: string[]): unknown[] {
  if (type === "address") return addresses;
  if (type === "bool") return [false, true];
  const uint = /^uint(\d+)$/.exec(type);
  if (uint) {
    const max = (1n << BigInt(uint[1])) - 1n;
    return [1n, BigInt(COUNTRY.US), BigInt(COUNTRY.IR), 10n ** 18n].filter((v) => v <= max);
  }
  return [];
}

/**
 * Every view of a contract's ABI, called with every combination of sample arguments (addresses of the fixture,
 * a few numbers; at most 64 combinations a function), as raw return data or revert data.
 */
async function views(
  address: string,
  iface: Interface,
  addresses: string[],
  exclude: string[],
  blockTag: "latest" | "pending",
) {
  const out: Record<string, string> = {};
  const fragments: FunctionFragment[] = [];
  iface.forEachFunction((f) => fragments.push(f));
  for (const f of fragments) {
    if ((f.stateMutability !== "view" && f.stateMutability !== "pure") || exclude.includes(f.name)) continue;
    let combos: unknown[][] = [[]];
    for (const input of f.inputs) {
      const values = sampleArgsFor(input.type, addresses);
      combos = combos.flatMap((c) => values.map((v) => [...c, v])).slice(0, 64);
    }
    for (const args of combos) {
      const key = `${f.format("sighash")}(${args.map(String).join(",")})`;
      try {
        out[key] = await ethers.provider.call({
          to: address,
          data: iface.encodeFunctionData(f.name, args),
          blockTag,
        });
      } catch (error) {
        out[key] = `revert ${revertDataOf(error)}`;
      }
    }
  }
  return out;
}

/**
 * The views of every governed contract (the extension address excepted: an upgrade replaces it), at the latest
 * block or at the pending one (its timestamp set in advance), so that views decaying with time (rolling daily
 * limits) compare at the same second.
 */
async function fundViews(
  governed: Map<string, GovernedContract>,
  addresses: string[],
  blockTag: "latest" | "pending",
) {
  const out: Record<string, Record<string, string>> = {};
  for (const [record, g] of governed) {
    out[record] = await views(g.address, g.iface, addresses, ["extension"], blockTag);
  }
  return out;
}

/** Deploys the V2 extension (if any) and, through the upgrades plugin, the V2 implementation. */
async function prepare(c: UpgradeCase, g: GovernedContract) {
  let newExtension: string | undefined;
  let constructorArgs: unknown[] = [];
  if (c.v2Extension) {
    const current = await new Contract(
      g.address,
      ["function extension() view returns (address)"],
      ethers.provider,
    ).extension();
    const ext = await (
      await ethers.getContractFactory(c.v2Extension)
    ).deploy(...(await c.v2ExtensionArgs!(current)));
    newExtension = await ext.getAddress();
    constructorArgs = [newExtension];
  } else if (c.v2Args) {
    constructorArgs = await c.v2Args(g.contract);
  }
  const factory = await ethers.getContractFactory(c.v2);
  const implementation = (await upgrades.prepareUpgrade(g.address, factory, {
    kind: "uups",
    constructorArgs,
    unsafeAllow: c.unsafeAllow,
  })) as string;
  return { implementation: getAddress(implementation), newExtension, factory };
}

describe("upgrades of the deployed fund", function () {
  describe("coverage", function () {
    it("should have an upgrade case for every UUPS proxy of the deployment records, and no other", async function () {
      await loadFixture(governedFund);
      const proxies: string[] = [];
      for (const [name, d] of Object.entries(await hre.deployments.all())) {
        const slot = await ethers.provider.getStorage(d.address, IMPLEMENTATION_SLOT);
        if (BigInt(slot) !== 0n) proxies.push(name);
      }
      expect(proxies.sort()).to.deep.equal(CASES.map((c) => c.record).sort());
    });

    it("should leave every other governed contract without an upgrade entry point", async function () {
      const { governed } = await loadFixture(governedFund);
      for (const [record, g] of governed) {
        if (CASES.some((c) => c.record === record)) continue;
        expect(g.iface.getFunction("upgradeToAndCall"), record).to.equal(null);
      }
    });
  });

  describe("upgrade safety (OpenZeppelin upgrades plugin)", function () {
    for (const c of CASES) {
      const flags = c.unsafeAllow
        ? ` and the flags its deploy script passes (${c.unsafeAllow.join(", ")})`
        : "";
      it(`should validate ${c.implementation} as a UUPS implementation with its annotated unsafe-allows${flags}`, async function () {
        const factory = await ethers.getContractFactory(c.implementation);
        await upgrades.validateImplementation(
          factory,
          withConstructorArgs(await sampleConstructorArgs(c.implementation), c.unsafeAllow),
        );
      });
      for (const extension of c.extension ? [c.extension, ...(c.moreExtensions ?? [])] : []) {
        // Only the first extension has constructor arguments (the next one's address, annotated immutable).
        const extensionArgs = async () =>
          extension === c.extension && c.extensionArgs ? await c.extensionArgs() : [];
        it(`should validate the extension ${extension} (no selfdestruct; a constructor, an immutable or a delegatecall only where annotated)`, async function () {
          await loadFixture(governedFund);
          await upgrades.validateImplementation(
            await ethers.getContractFactory(extension),
            withConstructorArgs(await extensionArgs(), EXTENSION_UNSAFE_ALLOW),
          );
        });

        it(`should find ${c.implementation} and ${extension} agree on the proxy's storage, both ways`, async function () {
          const { governed } = await loadFixture(governedFund);
          const g = governed.get(c.record)!;
          const args = await extensionArgs();
          // The extension as a next version of the deployed implementation...
          await upgrades.validateUpgrade(
            g.address,
            await ethers.getContractFactory(extension),
            withConstructorArgs(args, EXTENSION_UNSAFE_ALLOW),
          );
          // ...and the implementation as a next version of the extension.
          const ext = await upgrades.deployImplementation(
            await ethers.getContractFactory(extension),
            withConstructorArgs(args, EXTENSION_UNSAFE_ALLOW),
          );
          await upgrades.validateUpgrade(
            ext as string,
            await ethers.getContractFactory(c.implementation),
            withConstructorArgs([g.extension!.address]),
          );
        });
      }
    }

    it("should refuse a version inserting a field in the middle of the ERC-7201 struct", async function () {
      const { governed } = await loadFixture(governedFund);
      const registry = governed.get("IdentityRegistry")!;
      const broken = await ethers.getContractFactory("IdentityRegistryInsertedField");
      const error = await rejection(upgrades.validateUpgrade(registry.address, broken, { kind: "uups" }));
      expect(error.message).to.match(/New storage layout is incompatible[\s\S]*Inserted `insertedField`/);
      const block = await ethers.provider.getBlockNumber();
      const prepared = await rejection(upgrades.prepareUpgrade(registry.address, broken, { kind: "uups" }));
      expect(prepared.message).to.match(/New storage layout is incompatible/);
      expect(await ethers.provider.getBlockNumber(), "nothing deployed").to.equal(block);
    });

    it("should refuse a split pair whose halves put different non-namespaced variables in the same slot", async function () {
      const { governed } = await loadFixture(governedFund);
      const token = governed.get("FundToken")!;
      const plain = await ethers.getContractFactory("FundTokenPlainSlot");
      const plainAdmin = await ethers.getContractFactory("FundTokenAdminPlainSlot");
      // Each half alone appends a variable, which the plugin accepts as layout-compatible...
      await upgrades.validateUpgrade(token.address, plain, withConstructorArgs([token.extension!.address]));
      await upgrades.validateUpgrade(token.address, plainAdmin, {
        kind: "uups",
        unsafeAllow: EXTENSION_UNSAFE_ALLOW,
      });
      // ...but the two halves share the proxy's storage: compared with each other, slot 0 changes type.
      const half = await upgrades.deployImplementation(plain, {
        kind: "uups",
        constructorArgs: [token.extension!.address],
      });
      const error = await rejection(
        upgrades.validateUpgrade(half as string, plainAdmin, {
          kind: "uups",
          unsafeAllow: EXTENSION_UNSAFE_ALLOW,
        }),
      );
      expect(error.message).to.match(
        /New storage layout is incompatible[\s\S]*plainCounter[\s\S]*plainOwner/,
      );
    });
  });

  for (const c of CASES) {
    describe(`${c.record}`, function () {
      async function scheduledUpgrade() {
        const s = await fundWithState();
        const g = s.governed.get(c.record)!;
        const before = { implementation: await implementationOf(g.address) };
        const prepared = await prepare(c, g);
        const upgradeData = g.iface.encodeFunctionData("upgradeToAndCall", [prepared.implementation, "0x"]);
        const scheduled = await s.fund
          .as("issuer")
          .on(g.contract)
          .upgradeToAndCall(prepared.implementation, "0x");
        if (scheduled.status !== "scheduled") throw new Error("the upgrade was not scheduled");
        const execute = s.manager.interface.encodeFunctionData("execute", [g.address, upgradeData]);
        return { ...s, g, before, prepared, scheduled, execute };
      }

      it("should refuse to initialise the deployed implementation or re-initialise the proxy (InvalidInitialization)", async function () {
        const { governed, outsider } = await loadFixture(governedFund);
        const g = governed.get(c.record)!;
        const data = sampleCalldata(g.iface, "initialize", outsider.address);
        for (const to of [await implementationOf(g.address), g.address]) {
          await expect(outsider.sendTransaction({ to, data }), to).to.be.revertedWithCustomError(
            g.contract,
            "InvalidInitialization",
          );
        }
      });

      it("should deploy a new implementation that cannot be initialised (InvalidInitialization)", async function () {
        const { g, prepared, outsider } = await loadFixture(scheduledUpgrade);
        expect(prepared.implementation).to.not.equal(await implementationOf(g.address));
        const data = sampleCalldata(g.iface, "initialize", outsider.address);
        await expect(
          outsider.sendTransaction({ to: prepared.implementation, data }),
        ).to.be.revertedWithCustomError(g.contract, "InvalidInitialization");
      });

      it("should refuse to execute the upgrade before the issuer's 2-day delay (AccessManagerNotReady)", async function () {
        const { fund, g, before, scheduled, execute, managerAddress, manager } =
          await loadFixture(scheduledUpgrade);
        expect(scheduled.executableAt).to.equal(
          BigInt((await scheduled.receipt.getBlock()).timestamp + 2 * DAY),
        );
        await time.increaseTo(scheduled.executableAt - 1n);
        await expect(throughSafe(fund, "issuer", managerAddress, execute, [g.iface]))
          .to.be.revertedWithCustomError(manager, "AccessManagerNotReady")
          .withArgs(scheduled.operationId);
        expect(await implementationOf(g.address)).to.equal(before.implementation);
      });

      it("should execute the upgrade after the delay and keep every view of every contract of the fund unchanged", async function () {
        const s = await loadFixture(scheduledUpgrade);
        const { fund, g, prepared, scheduled, execute, managerAddress, manager, governed, addresses } = s;
        await expectNonTrivialState(s);
        await time.increaseTo(scheduled.executableAt);
        // The state just before the upgrade, seen at the second the upgrade will be mined.
        const at = Number(scheduled.executableAt) + 1;
        await time.setNextBlockTimestamp(at);
        const before = await fundViews(governed, addresses, "pending");

        const { response } = await throughSafe(fund, "issuer", managerAddress, execute, [g.iface]);
        await expect(response)
          .to.emit(manager, "OperationExecuted")
          .withArgs(scheduled.operationId, scheduled.nonce);
        await expect(response).to.emit(g.contract, "Upgraded").withArgs(prepared.implementation);
        expect(await implementationOf(g.address)).to.equal(prepared.implementation);

        expect((await response.getBlock())!.timestamp).to.equal(at);
        const after = await fundViews(governed, addresses, "latest");
        for (const record of Object.keys(before)) {
          expect(after[record], record).to.deep.equal(before[record]);
        }
        expect(Object.values(before).reduce((n, v) => n + Object.keys(v).length, 0)).to.be.greaterThan(500);
      });

      it("should run the new version (with its new extension when split) and the fund keeps working", async function () {
        const s = await loadFixture(scheduledUpgrade);
        const { fund, g, prepared, scheduled, execute, managerAddress, alice, bob } = s;
        await time.increaseTo(scheduled.executableAt);
        await throughSafe(fund, "issuer", managerAddress, execute, [g.iface]);

        const v2 = new Contract(g.address, prepared.factory.interface, ethers.provider);
        expect(await v2.version2()).to.equal(2n);
        if (prepared.newExtension) {
          expect(await v2.extension()).to.equal(prepared.newExtension);
          const ext = new Contract(
            g.address,
            ["function adminVersion2() view returns (uint256)"],
            ethers.provider,
          );
          expect(await ext.adminVersion2()).to.equal(2n);
        }
        const data = sampleCalldata(g.iface, "initialize", s.outsider.address);
        await expect(s.outsider.sendTransaction({ to: g.address, data })).to.be.revertedWithCustomError(
          g.contract,
          "InvalidInitialization",
        );
        // Holders, the registry, the compliance and the transfer agent's remedies still work through the proxies.
        const { token } = fund.contracts;
        // The recipient of x gains at least x (the sender gives up its shares rounded up, docs/TOKEN.md).
        const bobBefore = await token.balanceOf(bob.address);
        await token.connect(alice).transfer(bob.address, ONE);
        expect((await token.balanceOf(bob.address)) - bobBefore).to.be.within(ONE, ONE + 1n);
        await fund.as("transferAgent").on(token).setAddressFrozen(alice.address, true);
        expect(await token.isFrozen(alice.address)).to.equal(true);
        await registerInvestor(fund, s.investors[8].address);
        await mint(fund, s.investors[8].address, 10n * ONE);
        expect(await token.balanceOf(s.investors[8].address)).to.be.closeTo(10n * ONE, 1n);
      });

      it("should let the guardian cancel the scheduled upgrade, which then never executes", async function () {
        const { fund, g, before, prepared, scheduled, execute, managerAddress, manager } =
          await loadFixture(scheduledUpgrade);
        const cancelled = await fund
          .as("guardian")
          .cancelOn(fund.as("issuer"), g.contract)
          .upgradeToAndCall(prepared.implementation, "0x");
        await expect(cancelled.response)
          .to.emit(manager, "OperationCanceled")
          .withArgs(scheduled.operationId, scheduled.nonce);
        await time.increaseTo(scheduled.executableAt);
        await expect(throughSafe(fund, "issuer", managerAddress, execute, [g.iface]))
          .to.be.revertedWithCustomError(manager, "AccessManagerNotScheduled")
          .withArgs(scheduled.operationId);
        expect(await implementationOf(g.address)).to.equal(before.implementation);
      });
    });
  }
});
