/**
 * Access control of the deployed fund, generated from the role maps of lib/deploy/roles.ts and the holders of
 * docs/ROLES.md: every privileged function refuses every Safe without its role and an outsider; a delayed role
 * must schedule; one Safe owner alone can do nothing; the guardian pauses at once and cancels the issuer's
 * scheduled changes; the issuer's unpause and the admin's own operations wait their delays.
 */
import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Contract } from "ethers";
import { registerInvestor, mint, publishReserves, ONE, DAY } from "../helpers/fund";
import { ROLE_IDS, type RoleName } from "../../lib/deploy/roles";
import type { RoleHolderName } from "../../lib/config/types";
import type { Fund } from "../../lib/fund";
import { buildSafeTx, encodeSignatures, readSafeState, safeArtifacts, signSafeTx } from "../../lib/safe";
import {
  governedContracts,
  governedFund,
  readRolesDoc,
  throughSafe,
  sampleCalldata,
  wiredFunctions,
  type GovernedContract,
} from "./model";

const doc = readRolesDoc();
const MANAGER = "AccessManager";
/**
 * Safe holders of each role, and every Safe holder, from docs/ROLES.md (checked against the chain by
 * roles-doc.test.ts). Contracts holding a role (the fund manager as MINTER) act by code, not through a Safe.
 */
const holdersOf = (role: RoleName) =>
  doc.holders.filter((h) => h.role === role && h.kind === "Safe").map((h) => h.holder as RoleHolderName);
const SAFE_HOLDERS = [
  ...new Set(doc.holders.filter((h) => h.kind === "Safe").map((h) => h.holder)),
] as RoleHolderName[];
const delayOf = (role: RoleName) => doc.holders.find((h) => h.role === role)?.executionDelay ?? 0;

function fixture() {
  return loadFixture(governedFund);
}

describe("access control of the deployed fund", function () {
  describe("every privileged function (from lib/deploy/roles.ts)", function () {
    for (const { record, role, fn } of wiredFunctions()) {
      const holders = holdersOf(role);
      const others = SAFE_HOLDERS.filter((h) => !holders.includes(h));
      describe(`${record}.${fn} (${role})`, function () {
        it(`should refuse the Safe of every holder without ${role} with AccessManagedUnauthorized`, async function () {
          const { fund, governed, outsider } = await fixture();
          const g = governed.get(record)!;
          const data = sampleCalldata(g.iface, fn, outsider.address);
          expect(others.length).to.be.greaterThan(0);
          for (const h of others) {
            await expect(throughSafe(fund, h, g.address, data, [g.iface]), h)
              .to.be.revertedWithCustomError(g.contract, "AccessManagedUnauthorized")
              .withArgs(fund.as(h).address);
          }
        });

        it("should refuse an outsider with AccessManagedUnauthorized", async function () {
          const { governed, outsider } = await fixture();
          const g = governed.get(record)!;
          const data = sampleCalldata(g.iface, fn, outsider.address);
          await expect(outsider.sendTransaction({ to: g.address, data }))
            .to.be.revertedWithCustomError(g.contract, "AccessManagedUnauthorized")
            .withArgs(outsider.address);
        });

        if (delayOf(role) > 0) {
          it(`should refuse a direct call of the ${role} holder, which must schedule it (AccessManagerNotScheduled)`, async function () {
            const { fund, governed, manager, outsider } = await fixture();
            const g = governed.get(record)!;
            const data = sampleCalldata(g.iface, fn, outsider.address);
            for (const h of holders) {
              const caller = fund.as(h).address;
              await expect(throughSafe(fund, h, g.address, data, [g.iface]), h)
                .to.be.revertedWithCustomError(manager, "AccessManagerNotScheduled")
                .withArgs(await manager.hashOperation(caller, g.address, data));
            }
          });
        }
      });
    }
  });

  describe("the AccessManager's own functions (ADMIN)", function () {
    const adminFunctions = doc.functions.find((r) => r.contract === MANAGER && r.role === "ADMIN")!.functions;
    for (const fn of adminFunctions) {
      describe(fn, function () {
        it("should make the admin Safe schedule it: a direct call is refused with AccessManagerNotScheduled", async function () {
          const { fund, manager, managerAddress, outsider } = await fixture();
          const data = sampleCalldata(manager.interface, fn, outsider.address);
          for (const h of holdersOf("ADMIN")) {
            await expect(throughSafe(fund, h, managerAddress, data))
              .to.be.revertedWithCustomError(manager, "AccessManagerNotScheduled")
              .withArgs(await manager.hashOperation(fund.as(h).address, managerAddress, data));
          }
        });

        it("should refuse every other Safe and an outsider with AccessManagerUnauthorizedAccount(caller, ADMIN)", async function () {
          const { fund, manager, managerAddress, outsider } = await fixture();
          const data = sampleCalldata(manager.interface, fn, outsider.address);
          for (const h of SAFE_HOLDERS.filter((x) => !holdersOf("ADMIN").includes(x))) {
            await expect(throughSafe(fund, h, managerAddress, data), h)
              .to.be.revertedWithCustomError(manager, "AccessManagerUnauthorizedAccount")
              .withArgs(fund.as(h).address, ROLE_IDS.ADMIN);
          }
          await expect(outsider.sendTransaction({ to: managerAddress, data }))
            .to.be.revertedWithCustomError(manager, "AccessManagerUnauthorizedAccount")
            .withArgs(outsider.address, ROLE_IDS.ADMIN);
        });
      });
    }
  });

  describe("the admin extensions called at their own address", function () {
    it("should refuse every restricted function even to the Safe holding its role (no authority)", async function () {
      const { fund, governed, outsider } = await fixture();
      let checked = 0;
      for (const { record, role, fn } of wiredFunctions()) {
        const ext = governed.get(record)!.extension;
        if (!ext || !ext.iface.getFunction(fn)) continue;
        const extension = new Contract(ext.address, ext.iface, hre.ethers.provider);
        expect(await extension.authority()).to.equal(hre.ethers.ZeroAddress);
        const data = sampleCalldata(ext.iface, fn, outsider.address);
        for (const h of holdersOf(role)) {
          await expect(throughSafe(fund, h, ext.address, data, [ext.iface]), `${ext.record}.${fn} by ${h}`)
            .to.be.revertedWithCustomError(extension, "AccessManagedUnauthorized")
            .withArgs(fund.as(h).address);
          checked++;
        }
      }
      expect(checked).to.be.greaterThan(30);
    });
  });

  describe("functions without a role (docs/ROLES.md)", function () {
    for (const row of doc.unrestricted) {
      if (row.guard === "bound token") {
        for (const fn of row.functions) {
          it(`${row.contract}.${fn} should refuse every Safe and an outsider with CallerNotBoundToken`, async function () {
            const { fund, governed, outsider } = await fixture();
            const g = governed.get(row.contract)!;
            const data = sampleCalldata(g.iface, fn, outsider.address);
            for (const h of SAFE_HOLDERS) {
              await expect(throughSafe(fund, h, g.address, data, [g.iface]), h)
                .to.be.revertedWithCustomError(g.contract, "CallerNotBoundToken")
                .withArgs(fund.as(h).address);
            }
            await expect(outsider.sendTransaction({ to: g.address, data }))
              .to.be.revertedWithCustomError(g.contract, "CallerNotBoundToken")
              .withArgs(outsider.address);
          });
        }
      }
      if (row.guard === "router") {
        for (const fn of row.functions) {
          it(`${row.contract}.${fn} should refuse every Safe and an outsider with InvalidRouter`, async function () {
            const { fund, governed, outsider } = await fixture();
            const g = governed.get(row.contract)!;
            const data = sampleCalldata(g.iface, fn, outsider.address);
            for (const h of SAFE_HOLDERS) {
              await expect(throughSafe(fund, h, g.address, data, [g.iface]), h)
                .to.be.revertedWithCustomError(g.contract, "InvalidRouter")
                .withArgs(fund.as(h).address);
            }
            await expect(outsider.sendTransaction({ to: g.address, data }))
              .to.be.revertedWithCustomError(g.contract, "InvalidRouter")
              .withArgs(outsider.address);
          });
        }
      }
      if (row.guard === "authority") {
        for (const fn of row.functions) {
          it(`${row.contract}.${fn} should refuse every Safe, the admin's included, and an outsider with AccessManagedUnauthorized`, async function () {
            const { fund, governed, outsider } = await fixture();
            const g = governed.get(row.contract)!;
            const data = sampleCalldata(g.iface, fn, outsider.address);
            for (const h of SAFE_HOLDERS) {
              await expect(throughSafe(fund, h, g.address, data, [g.iface]), h)
                .to.be.revertedWithCustomError(g.contract, "AccessManagedUnauthorized")
                .withArgs(fund.as(h).address);
            }
            await expect(outsider.sendTransaction({ to: g.address, data }))
              .to.be.revertedWithCustomError(g.contract, "AccessManagedUnauthorized")
              .withArgs(outsider.address);
          });
        }
      }
      if (row.guard === "vault") {
        // What a caller that is not the stablecoin's entry point meets with the sample arguments (the outsider's
        // address everywhere, 1 for numbers): no entry point of that "stablecoin", no request #1 of a vault, no
        // claims (the outsider, unverified, may not be paid).
        const refusal: Record<string, (caller: string, outsider: string) => [string, unknown[]]> = {
          subscribeFor: (caller, outsider) => ["NotTheVault", [outsider, caller]],
          requestRedemptionFor: (caller, outsider) => ["NotTheVault", [outsider, caller]],
          cancelRedemptionFor: () => ["InvalidRequestStatus", [1n, 0]],
          claimCancellationFor: () => ["InvalidRequestStatus", [1n, 0]],
          claimRedeemFor: (_caller, outsider) => ["IneligibleWallet", [outsider, 1]],
          claimWithdrawFor: (_caller, outsider) => ["IneligibleWallet", [outsider, 1]],
        };
        for (const fn of row.functions) {
          it(`${row.contract}.${fn} should refuse every Safe and an outsider (issue 19: the entry points only)`, async function () {
            const { fund, governed, outsider } = await fixture();
            const g = governed.get(row.contract)!;
            const data = sampleCalldata(g.iface, fn, outsider.address);
            for (const h of SAFE_HOLDERS) {
              const [error, args] = refusal[fn](fund.as(h).address, outsider.address);
              await expect(throughSafe(fund, h, g.address, data, [g.iface]), h)
                .to.be.revertedWithCustomError(g.contract, error)
                .withArgs(...args);
            }
            const [error, args] = refusal[fn](outsider.address, outsider.address);
            await expect(outsider.sendTransaction({ to: g.address, data }))
              .to.be.revertedWithCustomError(g.contract, error)
              .withArgs(...args);
          });
        }
      }
      if (row.guard === "initializer") {
        for (const fn of row.functions) {
          it(`${row.contract}.${fn} should refuse a second initialisation of the proxy and any of the implementation (InvalidInitialization)`, async function () {
            const { governed, outsider } = await fixture();
            const g = governed.get(row.contract)!;
            const data = sampleCalldata(g.iface, fn, outsider.address);
            const implementation = await hre.upgrades.erc1967.getImplementationAddress(g.address);
            for (const to of [g.address, implementation]) {
              await expect(outsider.sendTransaction({ to, data }), to).to.be.revertedWithCustomError(
                g.contract,
                "InvalidInitialization",
              );
            }
          });
        }
      }
    }
  });

  describe("Safe owners", function () {
    /**
     * What each holder's Safe sends for its first function of docs/ROLES.md: the call, or its schedule when the
     * role is delayed. A holder with no function yet (the settlement agent before the settlement contract is
     * deployed) renounces its role instead: still a transaction only the Safe's threshold may send.
     */
    async function firstAction(
      fund: Fund,
      governed: Map<string, GovernedContract>,
      holder: RoleHolderName,
      filler: string,
    ) {
      const manager = fund.contracts.manager;
      const managerAddress = await manager.getAddress();
      const row = doc.functions.find((r) => r.holders.includes(holder));
      if (!row) {
        const role = doc.holders.find((h) => h.holder === holder)!.role;
        const data = manager.interface.encodeFunctionData("renounceRole", [
          ROLE_IDS[role],
          fund.as(holder).address,
        ]);
        return { to: managerAddress, data, direct: data, target: managerAddress, iface: manager.interface };
      }
      const target = row.contract === MANAGER ? managerAddress : governed.get(row.contract)!.address;
      const iface = row.contract === MANAGER ? manager.interface : governed.get(row.contract)!.iface;
      const data = sampleCalldata(iface, row.functions[0], filler);
      if (row.executionDelay === 0) return { to: target, data, direct: data, target, iface };
      return {
        to: managerAddress,
        data: manager.interface.encodeFunctionData("schedule", [target, data, 0]),
        direct: data,
        target,
        iface,
      };
    }

    for (const holder of SAFE_HOLDERS) {
      describe(`the ${holder} Safe`, function () {
        it("should refuse a transaction signed by one owner alone (GS020)", async function () {
          const { fund, governed, outsider } = await fixture();
          const actor = fund.as(holder);
          const owner = actor.signers[0];
          const action = await firstAction(fund, governed, holder, outsider.address);
          const state = await readSafeState(actor.address, hre.ethers.provider);
          expect(state.threshold).to.be.greaterThan(1);
          const tx = buildSafeTx({ to: action.to, data: action.data }, state.nonce);
          const signatures = await signSafeTx(state.chainId, state.address, tx, [owner]);
          const safe = new Contract(actor.address, safeArtifacts.Safe.abi, owner);
          await expect(
            safe.execTransaction(
              tx.to,
              tx.value,
              tx.data,
              tx.operation,
              tx.safeTxGas,
              tx.baseGas,
              tx.gasPrice,
              tx.gasToken,
              tx.refundReceiver,
              encodeSignatures(signatures),
            ),
          ).to.be.revertedWith("GS020");
          expect(await safe.nonce()).to.equal(state.nonce);
        });

        // A holder with no function yet has nothing to call with an owner's key.
        if (!doc.functions.some((r) => r.holders.includes(holder))) return;
        it("should refuse an owner calling its first function with its own key", async function () {
          const { fund, governed, outsider } = await fixture();
          const owner = fund.as(holder).signers[0];
          const ownerAddress = await owner.getAddress();
          const action = await firstAction(fund, governed, holder, outsider.address);
          const tx = owner.sendTransaction({ to: action.target, data: action.direct });
          if (action.target === (await fund.contracts.manager.getAddress())) {
            await expect(tx)
              .to.be.revertedWithCustomError(fund.contracts.manager, "AccessManagerUnauthorizedAccount")
              .withArgs(ownerAddress, ROLE_IDS.ADMIN);
          } else {
            const contract = new Contract(action.target, action.iface, hre.ethers.provider);
            await expect(tx)
              .to.be.revertedWithCustomError(contract, "AccessManagedUnauthorized")
              .withArgs(ownerAddress);
          }
        });
      });
    }
  });

  describe("pause and unpause", function () {
    async function fundWithInvestors() {
      const f = await fixture();
      const [alice, bob] = f.investors;
      await registerInvestor(f.fund, alice.address);
      await registerInvestor(f.fund, bob.address);
      await mint(f.fund, alice.address, 1_000n * ONE);
      return { ...f, alice, bob };
    }

    it("should let the guardian pause the token at once", async function () {
      const { fund, alice, bob } = await loadFixture(fundWithInvestors);
      const { token } = fund.contracts;
      const result = await fund.as("guardian").on(token).pause();
      expect(result.status).to.equal("executed");
      await expect(result.response).to.emit(token, "Paused").withArgs(fund.as("guardian").address);
      expect(await token.paused()).to.equal(true);
      await expect(token.connect(alice).transfer(bob.address, ONE)).to.be.revertedWithCustomError(
        token,
        "EnforcedPause",
      );
    });

    it("should schedule the issuer's unpause, refuse it until 2 days have passed (AccessManagerNotReady), then execute it", async function () {
      const { fund, manager, managerAddress, alice, bob } = await loadFixture(fundWithInvestors);
      const { token } = fund.contracts;
      const tokenAddress = await token.getAddress();
      await fund.as("guardian").on(token).pause();
      const issuer = fund.as("issuer");
      const unpause = token.interface.encodeFunctionData("unpause");

      const scheduled = await issuer.on(token).unpause();
      if (scheduled.status !== "scheduled") throw new Error("the issuer's unpause was not scheduled");
      const scheduledAt = (await scheduled.receipt.getBlock()).timestamp;
      expect(scheduled.executableAt).to.equal(BigInt(scheduledAt + 2 * DAY));
      expect(scheduled.operationId).to.equal(
        await manager.hashOperation(issuer.address, tokenAddress, unpause),
      );
      await expect(scheduled.response)
        .to.emit(manager, "OperationScheduled")
        .withArgs(scheduled.operationId, 1, scheduled.executableAt, issuer.address, tokenAddress, unpause);

      const execute = manager.interface.encodeFunctionData("execute", [tokenAddress, unpause]);
      await expect(throughSafe(fund, "issuer", managerAddress, execute, [token.interface]))
        .to.be.revertedWithCustomError(manager, "AccessManagerNotReady")
        .withArgs(scheduled.operationId);
      await time.increaseTo(scheduled.executableAt - 1n);
      await expect(throughSafe(fund, "issuer", managerAddress, execute, [token.interface]))
        .to.be.revertedWithCustomError(manager, "AccessManagerNotReady")
        .withArgs(scheduled.operationId);
      expect(await token.paused()).to.equal(true);

      await time.increaseTo(scheduled.executableAt);
      const { response } = await throughSafe(fund, "issuer", managerAddress, execute, [token.interface]);
      await expect(response).to.emit(manager, "OperationExecuted").withArgs(scheduled.operationId, 1);
      await expect(response).to.emit(token, "Unpaused").withArgs(managerAddress);
      expect(await token.paused()).to.equal(false);
      await expect(token.connect(alice).transfer(bob.address, ONE)).to.changeTokenBalance(token, bob, ONE);
      // At most once.
      await expect(throughSafe(fund, "issuer", managerAddress, execute, [token.interface]))
        .to.be.revertedWithCustomError(manager, "AccessManagerNotScheduled")
        .withArgs(scheduled.operationId);
    });

    /** The guardian has paused and the issuer has scheduled the unpause. */
    async function scheduledUnpause() {
      const f = await loadFixture(fundWithInvestors);
      const { token } = f.fund.contracts;
      await f.fund.as("guardian").on(token).pause();
      const scheduled = await f.fund.as("issuer").on(token).unpause();
      if (scheduled.status !== "scheduled") throw new Error("the issuer's unpause was not scheduled");
      const execute = f.manager.interface.encodeFunctionData("execute", [
        await token.getAddress(),
        token.interface.encodeFunctionData("unpause"),
      ]);
      return { ...f, token, scheduled, execute };
    }

    it("should let only the issuer Safe that scheduled the unpause execute it (AccessManagerUnauthorizedCall)", async function () {
      const { fund, manager, managerAddress, token, scheduled, execute } =
        await loadFixture(scheduledUnpause);
      await time.increaseTo(scheduled.executableAt);
      const selector = token.interface.getFunction("unpause").selector;
      for (const h of SAFE_HOLDERS.filter((x) => !holdersOf("ISSUER").includes(x))) {
        await expect(throughSafe(fund, h, managerAddress, execute, [token.interface]), h)
          .to.be.revertedWithCustomError(manager, "AccessManagerUnauthorizedCall")
          .withArgs(fund.as(h).address, await token.getAddress(), selector);
      }
      expect(await token.paused()).to.equal(true);
    });

    it("should expire the scheduled unpause a week after it became executable (AccessManagerExpired)", async function () {
      const { fund, manager, managerAddress, token, scheduled, execute } =
        await loadFixture(scheduledUnpause);
      const expiration = await manager.expiration();
      expect(expiration).to.equal(BigInt(7 * DAY));
      await time.increaseTo(scheduled.executableAt + expiration - 1n);
      expect(await manager.getSchedule(scheduled.operationId)).to.equal(scheduled.executableAt);
      await time.increaseTo(scheduled.executableAt + expiration);
      expect(await manager.getSchedule(scheduled.operationId)).to.equal(0n);
      await expect(throughSafe(fund, "issuer", managerAddress, execute, [token.interface]))
        .to.be.revertedWithCustomError(manager, "AccessManagerExpired")
        .withArgs(scheduled.operationId);
      expect(await token.paused()).to.equal(true);
    });
  });

  describe("cancelling a scheduled rule change (ModularCompliance.setRules)", function () {
    async function scheduledRuleChange() {
      const f = await fixture();
      const { compliance } = f.fund.contracts;
      const before = await compliance.rules();
      const scheduled = await f.fund.as("issuer").on(compliance).setRules(0);
      if (scheduled.status !== "scheduled") throw new Error("setRules was not scheduled");
      return { ...f, compliance, before, scheduled };
    }

    it("should let the guardian cancel it, after which it can never execute", async function () {
      const { fund, manager, managerAddress, compliance, before, scheduled } =
        await loadFixture(scheduledRuleChange);
      expect(before).to.not.equal(0n);
      const cancelled = await fund.as("guardian").cancelOn(fund.as("issuer"), compliance).setRules(0);
      await expect(cancelled.response)
        .to.emit(manager, "OperationCanceled")
        .withArgs(scheduled.operationId, scheduled.nonce);
      expect(await manager.getSchedule(scheduled.operationId)).to.equal(0n);

      await time.increaseTo(scheduled.executableAt);
      const execute = manager.interface.encodeFunctionData("execute", [
        await compliance.getAddress(),
        compliance.interface.encodeFunctionData("setRules", [0]),
      ]);
      await expect(throughSafe(fund, "issuer", managerAddress, execute))
        .to.be.revertedWithCustomError(manager, "AccessManagerNotScheduled")
        .withArgs(scheduled.operationId);
      expect(await compliance.rules()).to.equal(before);
    });

    it("should let the issuer Safe withdraw its own schedule", async function () {
      const { fund, manager, compliance, scheduled } = await loadFixture(scheduledRuleChange);
      const cancelled = await fund.as("issuer").cancelOn(fund.as("issuer"), compliance).setRules(0);
      await expect(cancelled.response)
        .to.emit(manager, "OperationCanceled")
        .withArgs(scheduled.operationId, scheduled.nonce);
    });

    it("should let the admin Safe cancel it too", async function () {
      const { fund, manager, compliance, scheduled } = await loadFixture(scheduledRuleChange);
      const cancelled = await fund.as("admin").cancelOn(fund.as("issuer"), compliance).setRules(0);
      await expect(cancelled.response)
        .to.emit(manager, "OperationCanceled")
        .withArgs(scheduled.operationId, scheduled.nonce);
    });

    it("should refuse a cancel from every other Safe and an outsider (AccessManagerUnauthorizedCancel)", async function () {
      const { fund, manager, managerAddress, compliance, outsider } = await loadFixture(scheduledRuleChange);
      const issuer = fund.as("issuer").address;
      const complianceAddress = await compliance.getAddress();
      const data = compliance.interface.encodeFunctionData("setRules", [0]);
      const selector = data.slice(0, 10);
      const cancel = manager.interface.encodeFunctionData("cancel", [issuer, complianceAddress, data]);
      const mayCancel: RoleHolderName[] = ["issuer", "guardian", "admin"];
      for (const h of SAFE_HOLDERS.filter((x) => !mayCancel.includes(x))) {
        await expect(throughSafe(fund, h, managerAddress, cancel), h)
          .to.be.revertedWithCustomError(manager, "AccessManagerUnauthorizedCancel")
          .withArgs(fund.as(h).address, issuer, complianceAddress, selector);
      }
      await expect(outsider.sendTransaction({ to: managerAddress, data: cancel }))
        .to.be.revertedWithCustomError(manager, "AccessManagerUnauthorizedCancel")
        .withArgs(outsider.address, issuer, complianceAddress, selector);
    });
  });

  describe("the admin's delay", function () {
    /** The admin Safe schedules grantRole(MINTER, a new account, 0) as the fund would for a new minter. */
    async function scheduledGrant() {
      const f = await fixture();
      const newMinter = f.investors[f.investors.length - 1];
      const grant = f.manager.interface.encodeFunctionData("grantRole", [
        ROLE_IDS.MINTER,
        newMinter.address,
        0,
      ]);
      return { ...f, newMinter, grant };
    }

    async function scheduleGrant(fund: Fund, grant: string, newMinter: string) {
      const scheduled = await fund
        .as("admin")
        .on(fund.contracts.manager)
        .grantRole(ROLE_IDS.MINTER, newMinter, 0);
      if (scheduled.status !== "scheduled") throw new Error("grantRole was not scheduled");
      expect(scheduled.operationId).to.equal(
        await fund.contracts.manager.hashOperation(
          fund.as("admin").address,
          await fund.contracts.manager.getAddress(),
          grant,
        ),
      );
      return scheduled;
    }

    it("should execute a grant only 3 days after the admin Safe scheduled it", async function () {
      const { fund, manager, managerAddress, newMinter, grant } = await loadFixture(scheduledGrant);
      const scheduled = await scheduleGrant(fund, grant, newMinter.address);
      expect(scheduled.executableAt).to.equal(
        BigInt((await scheduled.receipt.getBlock()).timestamp + 3 * DAY),
      );
      const execute = manager.interface.encodeFunctionData("execute", [managerAddress, grant]);
      await time.increaseTo(scheduled.executableAt - 1n);
      await expect(throughSafe(fund, "admin", managerAddress, execute))
        .to.be.revertedWithCustomError(manager, "AccessManagerNotReady")
        .withArgs(scheduled.operationId);
      await time.increaseTo(scheduled.executableAt);
      const { response, receipt } = await throughSafe(fund, "admin", managerAddress, execute);
      // Less than the minSetback (5 days) after the handover: the 1-day grant delay is not in effect yet.
      const executedAt = (await receipt.getBlock()).timestamp;
      await expect(response)
        .to.emit(manager, "RoleGranted")
        .withArgs(ROLE_IDS.MINTER, newMinter.address, 0, executedAt, true);
      expect(await manager.hasRole(ROLE_IDS.MINTER, newMinter.address)).to.deep.equal([true, 0n]);
    });

    it("should make a role granted once the grant delay is in effect usable only one day after the grant executes", async function () {
      const { fund, manager, managerAddress, newMinter, grant, investors } =
        await loadFixture(scheduledGrant);
      const alice = investors[0];
      await registerInvestor(fund, alice.address);
      await time.increase(await manager.minSetback());
      const scheduled = await scheduleGrant(fund, grant, newMinter.address);
      await time.increaseTo(scheduled.executableAt);
      const execute = manager.interface.encodeFunctionData("execute", [managerAddress, grant]);
      const { response, receipt } = await throughSafe(fund, "admin", managerAddress, execute);
      const since = (await receipt.getBlock()).timestamp + DAY;
      await expect(response)
        .to.emit(manager, "RoleGranted")
        .withArgs(ROLE_IDS.MINTER, newMinter.address, 0, since, true);

      const token = fund.contracts.token;
      const governed = (await governedContracts(managerAddress)).find((g) => g.record === "FundToken")!;
      // Eight days have passed: the reserve round is stale, publish a fresh one so that issuance is possible.
      await publishReserves(fund, "10000000");
      await time.increaseTo(since - 1);
      expect((await manager.hasRole(ROLE_IDS.MINTER, newMinter.address))[0]).to.equal(false);
      await expect(token.connect(newMinter).mint.staticCall(alice.address, ONE))
        .to.be.revertedWithCustomError(governed.contract, "AccessManagedUnauthorized")
        .withArgs(newMinter.address);
      await time.increaseTo(since);
      expect((await manager.hasRole(ROLE_IDS.MINTER, newMinter.address))[0]).to.equal(true);
      await expect(token.connect(newMinter).mint(alice.address, ONE)).to.changeTokenBalance(
        token,
        alice,
        ONE,
      );
    });

    it("should refuse the guardian's cancel of an admin operation: the ADMIN role's guardian is locked", async function () {
      const { fund, manager, managerAddress, newMinter, grant } = await loadFixture(scheduledGrant);
      await scheduleGrant(fund, grant, newMinter.address);
      const admin = fund.as("admin").address;
      await expect(
        fund
          .as("guardian")
          .cancelOn(fund.as("admin"), manager)
          .grantRole(ROLE_IDS.MINTER, newMinter.address, 0),
      )
        .to.be.revertedWithCustomError(manager, "AccessManagerUnauthorizedCancel")
        .withArgs(fund.as("guardian").address, admin, managerAddress, grant.slice(0, 10));
    });

    it("should refuse even the admin making GUARDIAN the guardian of ADMIN (AccessManagerLockedRole)", async function () {
      const { fund, manager, managerAddress } = await fixture();
      const args: [bigint, bigint] = [ROLE_IDS.ADMIN, ROLE_IDS.GUARDIAN];
      const scheduled = await fund.as("admin").call(manager, "setRoleGuardian", args);
      if (scheduled.status !== "scheduled") throw new Error("setRoleGuardian was not scheduled");
      await time.increaseTo(scheduled.executableAt);
      const execute = manager.interface.encodeFunctionData("execute", [
        managerAddress,
        manager.interface.encodeFunctionData("setRoleGuardian", args),
      ]);
      await expect(throughSafe(fund, "admin", managerAddress, execute))
        .to.be.revertedWithCustomError(manager, "AccessManagerLockedRole")
        .withArgs(ROLE_IDS.ADMIN);
      expect(await manager.getRoleGuardian(ROLE_IDS.ADMIN)).to.equal(ROLE_IDS.ADMIN);
    });
  });
});
