import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { createSafe, deploySafeInfrastructure, CallRevertedError } from "../../lib/safe";
import {
  UnauthorizedManagedCallError,
  cancelScheduled,
  executeScheduled,
  managedCall,
} from "../../lib/governance";

// Role ids as in contracts/governance/Roles.sol.
const ADMIN = 0n;
const ISSUER = 1n;
const TRANSFER_AGENT = 2n;
const GUARDIAN = 4n;
const roleNames = { "0": "ADMIN", "1": "ISSUER", "2": "TRANSFER_AGENT", "4": "GUARDIAN" };

const ISSUER_DELAY = 24n * 3600n;
const LIMIT = 100n;

async function expectRejection(promise: Promise<unknown>, message: RegExp): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect((error as Error).message).to.match(message);
    return error as Error;
  }
  expect.fail(`expected a rejection matching ${message}`);
}

describe("Governance library (lib/governance.ts)", function () {
  /**
   * Every role is held by a Safe: admin, issuer (with a one-day execution delay), transfer agent and
   * guardian (which guards the issuer role). The deployer hands ADMIN over to the admin Safe and renounces it.
   */
  /** Each run creates its Safes with new salts: the official Safe infrastructure is shared by every fixture. */
  let runs = 0n;
  async function governanceFixture() {
    const base = 100n * ++runs;
    const signers = await ethers.getSigners();
    const [deployer, outsider] = signers;
    const [adminOwners, issuerOwners, agentOwners, guardianOwners] = [2, 5, 8, 11].map((i) =>
      signers.slice(i, i + 3),
    );
    const infra = await deploySafeInfrastructure(deployer);
    const safe = (owners: typeof adminOwners, salt: bigint) =>
      createSafe(
        infra,
        owners.map((o) => o.address),
        2,
        salt,
        deployer,
      );
    const adminSafe = await safe(adminOwners, base + 1n);
    const issuerSafe = await safe(issuerOwners, base + 2n);
    const agentSafe = await safe(agentOwners, base + 3n);
    const guardianSafe = await safe(guardianOwners, base + 4n);

    const manager = await ethers.deployContract("AccessManager", [deployer.address]);
    const managerAddress = await manager.getAddress();
    const target = await ethers.deployContract("ManagedTarget", [managerAddress, LIMIT]);
    const targetAddress = await target.getAddress();
    const selector = (name: "setValue" | "setLimit") => target.interface.getFunction(name).selector;

    await manager.setTargetFunctionRole(targetAddress, [selector("setValue")], TRANSFER_AGENT);
    await manager.setTargetFunctionRole(targetAddress, [selector("setLimit")], ISSUER);
    await manager.setRoleGuardian(ISSUER, GUARDIAN);
    await manager.grantRole(TRANSFER_AGENT, agentSafe, 0);
    await manager.grantRole(ISSUER, issuerSafe, ISSUER_DELAY);
    await manager.grantRole(GUARDIAN, guardianSafe, 0);
    await manager.grantRole(ADMIN, adminSafe, 0);
    await manager.renounceRole(ADMIN, deployer.address);

    const setLimit = (n: bigint) => target.interface.encodeFunctionData("setLimit", [n]);
    const setValue = (n: bigint) => target.interface.encodeFunctionData("setValue", [n]);
    return {
      deployer,
      outsider,
      manager,
      managerAddress,
      target,
      targetAddress,
      adminSafe,
      issuerSafe,
      agentSafe,
      guardianSafe,
      adminOwners,
      issuerOwners,
      agentOwners,
      guardianOwners,
      setLimit,
      setValue,
    };
  }

  /** The issuer Safe has scheduled setLimit(500). */
  async function scheduledFixture() {
    const f = await governanceFixture();
    const data = f.setLimit(500n);
    const scheduled = await managedCall({
      manager: f.manager,
      caller: f.issuerSafe,
      target: f.targetAddress,
      data,
      signers: f.issuerOwners,
    });
    if (scheduled.status !== "scheduled") throw new Error("fixture: setLimit should have been scheduled");
    return { ...f, data, scheduled };
  }

  describe("managedCall", function () {
    describe("when the caller Safe holds the function's role without delay", function () {
      it("should execute the call through the Safe", async function () {
        const { manager, target, targetAddress, agentSafe, agentOwners, setValue } =
          await loadFixture(governanceFixture);
        const result = await managedCall({
          manager,
          caller: agentSafe,
          target: targetAddress,
          data: setValue(42n),
          signers: agentOwners,
        });
        expect(result.status).to.equal("executed");
        await expect(result.response).to.emit(target, "ValueChanged").withArgs(0n, 42n);
        expect(await target.value()).to.equal(42n);
      });
    });

    describe("when an owner of that Safe calls the target directly", function () {
      it("should be refused by the target with AccessManagedUnauthorized", async function () {
        const { target, agentOwners } = await loadFixture(governanceFixture);
        await expect(target.connect(agentOwners[0]).setValue(1n))
          .to.be.revertedWithCustomError(target, "AccessManagedUnauthorized")
          .withArgs(agentOwners[0].address);
      });

      it("should be refused by the library, naming the function and the role it needs", async function () {
        const { manager, target, targetAddress, agentOwners, setValue } =
          await loadFixture(governanceFixture);
        const error = (await expectRejection(
          managedCall({
            manager,
            caller: agentOwners[0],
            target: targetAddress,
            data: setValue(1n),
            interfaces: [target.interface],
            roleNames,
          }),
          new RegExp(
            `${agentOwners[0].address} may not call setValue\\(uint256\\) \\(0x[0-9a-f]{8}\\) on ${targetAddress}: ` +
              `it needs role 2 \\(TRANSFER_AGENT\\)`,
          ),
        )) as UnauthorizedManagedCallError;
        expect(error).to.be.instanceOf(UnauthorizedManagedCallError);
        expect(error.requiredRole).to.equal(TRANSFER_AGENT);
        expect(error.selector).to.equal(target.interface.getFunction("setValue").selector);
      });
    });

    describe("when the caller Safe holds the function's role with an execution delay", function () {
      it("should schedule the call and return its operation id and earliest execution time", async function () {
        const { manager, target, targetAddress, issuerSafe, issuerOwners, setLimit } =
          await loadFixture(governanceFixture);
        const data = setLimit(500n);
        const result = await managedCall({
          manager,
          caller: issuerSafe,
          target: targetAddress,
          data,
          signers: issuerOwners,
        });
        if (result.status !== "scheduled") expect.fail("expected a scheduled operation");
        const minedAt = BigInt((await ethers.provider.getBlock(result.receipt.blockNumber))!.timestamp);
        expect(result.operationId).to.equal(await manager.hashOperation(issuerSafe, targetAddress, data));
        expect(result.nonce).to.equal(1n);
        expect(result.executableAt).to.equal(minedAt + ISSUER_DELAY);
        await expect(result.response)
          .to.emit(manager, "OperationScheduled")
          .withArgs(result.operationId, 1n, minedAt + ISSUER_DELAY, issuerSafe, targetAddress, data);
        expect(await manager.getSchedule(result.operationId)).to.equal(minedAt + ISSUER_DELAY);
        expect(await target.limit()).to.equal(LIMIT);
      });
    });

    describe("when the inner call reverts", function () {
      it("should surface the target's custom error", async function () {
        const { manager, target, targetAddress, agentSafe, agentOwners, setValue } =
          await loadFixture(governanceFixture);
        const error = (await expectRejection(
          managedCall({
            manager,
            caller: agentSafe,
            target: targetAddress,
            data: setValue(LIMIT + 1n),
            signers: agentOwners,
            interfaces: [target.interface],
          }),
          /reverted: ValueAboveLimit\(101, 100\)/,
        )) as CallRevertedError;
        expect(error.errorName).to.equal("ValueAboveLimit");
      });
    });

    describe("when the target is the AccessManager itself", function () {
      it("should let the admin Safe grant a role at once", async function () {
        const { manager, managerAddress, adminSafe, adminOwners, outsider } =
          await loadFixture(governanceFixture);
        const data = manager.interface.encodeFunctionData("grantRole", [TRANSFER_AGENT, outsider.address, 0]);
        const result = await managedCall({
          manager,
          caller: adminSafe,
          target: managerAddress,
          data,
          signers: adminOwners,
        });
        expect(result.status).to.equal("executed");
        const minedAt = BigInt((await ethers.provider.getBlock(result.receipt.blockNumber))!.timestamp);
        await expect(result.response)
          .to.emit(manager, "RoleGranted")
          .withArgs(TRANSFER_AGENT, outsider.address, 0n, minedAt, true);
        expect(await manager.hasRole(TRANSFER_AGENT, outsider.address)).to.deep.equal([true, 0n]);
      });

      it("should refuse a Safe without the role's admin role, naming it", async function () {
        const { manager, managerAddress, agentSafe, agentOwners, outsider } =
          await loadFixture(governanceFixture);
        const data = manager.interface.encodeFunctionData("grantRole", [TRANSFER_AGENT, outsider.address, 0]);
        await expectRejection(
          managedCall({
            manager,
            caller: agentSafe,
            target: managerAddress,
            data,
            signers: agentOwners,
            roleNames,
          }),
          new RegExp(`may not call grantRole\\(uint64,address,uint32\\) .* it needs role 0 \\(ADMIN\\)`),
        );
      });

      it("should schedule a rewiring of a target that has an admin delay", async function () {
        const { manager, managerAddress, adminSafe, adminOwners, target, targetAddress } =
          await loadFixture(governanceFixture);
        const adminDelay = 3600n;
        await managedCall({
          manager,
          caller: adminSafe,
          target: managerAddress,
          data: manager.interface.encodeFunctionData("setTargetAdminDelay", [targetAddress, adminDelay]),
          signers: adminOwners,
        });
        await time.increase(5 * 24 * 3600); // the new admin delay takes effect after the minimum setback
        expect(await manager.getTargetAdminDelay(targetAddress)).to.equal(adminDelay);

        const data = manager.interface.encodeFunctionData("setTargetFunctionRole", [
          targetAddress,
          [target.interface.getFunction("setValue").selector],
          ISSUER,
        ]);
        const result = await managedCall({
          manager,
          caller: adminSafe,
          target: managerAddress,
          data,
          signers: adminOwners,
        });
        if (result.status !== "scheduled") expect.fail("expected a scheduled operation");
        const minedAt = BigInt((await ethers.provider.getBlock(result.receipt.blockNumber))!.timestamp);
        expect(result.executableAt).to.equal(minedAt + adminDelay);

        await time.increaseTo(result.executableAt);
        await executeScheduled({
          manager,
          caller: adminSafe,
          target: managerAddress,
          data,
          signers: adminOwners,
        });
        expect(
          await manager.getTargetFunctionRole(
            targetAddress,
            target.interface.getFunction("setValue").selector,
          ),
        ).to.equal(ISSUER);
      });
    });
  });

  describe("executeScheduled", function () {
    describe("when the delay has passed", function () {
      it("should execute the operation through the Safe that scheduled it", async function () {
        const { manager, target, targetAddress, issuerSafe, issuerOwners, data, scheduled } =
          await loadFixture(scheduledFixture);
        if (scheduled.status !== "scheduled") expect.fail();
        await time.increaseTo(scheduled.executableAt);
        const result = await executeScheduled({
          manager,
          caller: issuerSafe,
          target: targetAddress,
          data,
          signers: issuerOwners,
        });
        expect(result.operationId).to.equal(scheduled.operationId);
        expect(result.nonce).to.equal(1n);
        await expect(result.response)
          .to.emit(manager, "OperationExecuted")
          .withArgs(scheduled.operationId, 1n);
        await expect(result.response).to.emit(target, "LimitChanged").withArgs(LIMIT, 500n);
        expect(await manager.getSchedule(scheduled.operationId)).to.equal(0n);
      });
    });

    describe("when the delay has not passed", function () {
      it("should refuse, giving the earliest execution time", async function () {
        const { manager, targetAddress, issuerSafe, issuerOwners, data, scheduled } =
          await loadFixture(scheduledFixture);
        if (scheduled.status !== "scheduled") expect.fail();
        await time.increaseTo(scheduled.executableAt - 10n);
        await expectRejection(
          executeScheduled({
            manager,
            caller: issuerSafe,
            target: targetAddress,
            data,
            signers: issuerOwners,
          }),
          new RegExp(
            `not executable before ${new Date(Number(scheduled.executableAt) * 1000).toISOString()}`,
          ),
        );
      });
    });

    describe("when nothing was scheduled", function () {
      it("should refuse, naming the operation", async function () {
        const { manager, targetAddress, issuerSafe, issuerOwners, setLimit } =
          await loadFixture(scheduledFixture);
        const other = setLimit(7n);
        const operationId = await manager.hashOperation(issuerSafe, targetAddress, other);
        await expectRejection(
          executeScheduled({
            manager,
            caller: issuerSafe,
            target: targetAddress,
            data: other,
            signers: issuerOwners,
          }),
          new RegExp(`Operation ${operationId} .* is not scheduled`),
        );
      });
    });
  });

  describe("cancelScheduled", function () {
    describe("when the guardian Safe cancels", function () {
      it("should cancel the operation, which can then no longer be executed", async function () {
        const {
          manager,
          targetAddress,
          issuerSafe,
          issuerOwners,
          guardianSafe,
          guardianOwners,
          data,
          scheduled,
        } = await loadFixture(scheduledFixture);
        if (scheduled.status !== "scheduled") expect.fail();
        const result = await cancelScheduled({
          manager,
          canceller: guardianSafe,
          scheduler: issuerSafe,
          target: targetAddress,
          data,
          signers: guardianOwners,
        });
        await expect(result.response)
          .to.emit(manager, "OperationCanceled")
          .withArgs(scheduled.operationId, 1n);
        expect(await manager.getSchedule(scheduled.operationId)).to.equal(0n);

        await time.increaseTo(scheduled.executableAt);
        await expectRejection(
          executeScheduled({
            manager,
            caller: issuerSafe,
            target: targetAddress,
            data,
            signers: issuerOwners,
          }),
          /is not scheduled/,
        );
      });
    });

    describe("when a Safe that is neither guardian, admin nor scheduler cancels", function () {
      it("should surface AccessManagerUnauthorizedCancel", async function () {
        const { manager, target, targetAddress, issuerSafe, agentSafe, agentOwners, data } =
          await loadFixture(scheduledFixture);
        const error = (await expectRejection(
          cancelScheduled({
            manager,
            canceller: agentSafe,
            scheduler: issuerSafe,
            target: targetAddress,
            data,
            signers: agentOwners,
          }),
          /AccessManagerUnauthorizedCancel/,
        )) as CallRevertedError;
        expect(error.errorArgs?.toArray()).to.deep.equal([
          agentSafe,
          issuerSafe,
          targetAddress,
          target.interface.getFunction("setLimit").selector,
        ]);
      });
    });
  });
});
