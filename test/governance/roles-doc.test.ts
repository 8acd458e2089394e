/**
 * docs/ROLES.md, lib/deploy/roles.ts, deploy/config/hardhat.ts and the AccessManager of a fund deployed by the
 * deploy scripts say the same thing: which role calls which function, who holds each role with which delay,
 * who guards it, and that the deployer keeps nothing.
 */
import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Contract, getAddress } from "ethers";
import hardhatConfig from "../../deploy/config/hardhat";
import { ROLE_IDS, roleName, type RoleName } from "../../lib/deploy/roles";
import { safeArtifacts } from "../../lib/safe";
import {
  ROLE_MAPS,
  governedFund,
  holderAddress,
  isRoleHolderName,
  readRolesDoc,
  readRolesSol,
  recordsOfRoleMap,
  roleMapNameOf,
  roleMembers,
  stateChangingFunctions,
} from "./model";

const doc = readRolesDoc();
const MANAGER = "AccessManager";
const ADMIN = ROLE_IDS.ADMIN;
const PUBLIC = ROLE_IDS.PUBLIC;
/** Roles that move investors' tokens without them, and roles that change the rules (docs/ROLES.md). */
const MOVING_ROLES: RoleName[] = ["TRANSFER_AGENT", "MINTER"];
const RULE_ROLES: RoleName[] = ["ISSUER", "ADMIN"];

const sorted = (xs: Iterable<string>) => [...xs].sort();

/** Functions of the functions table for one (contract, role), or undefined. */
function docFunctions(contract: string, role: RoleName): string[] | undefined {
  return doc.functions.find((r) => r.contract === contract && r.role === role)?.functions;
}

function docUnrestricted(contract: string): string[] {
  return doc.unrestricted.filter((r) => r.contract === contract).flatMap((r) => r.functions);
}

function docHolders(role: RoleName) {
  return doc.holders.filter((h) => h.role === role);
}

async function fixture() {
  const f = await loadFixture(governedFund);
  const { deployer } = await hre.getNamedAccounts();
  return { ...f, governed: [...f.governed.values()], deployer: getAddress(deployer) };
}

describe("docs/ROLES.md against lib/deploy/roles.ts, the config and the deployed AccessManager", function () {
  describe("the roles table", function () {
    it("should list every role of lib/deploy/roles.ts with its id", function () {
      expect(doc.roles.map((r) => [r.role, r.id])).to.deep.equal(Object.entries(ROLE_IDS));
    });

    it("should give every role the id contracts/governance/Roles.sol declares", function () {
      expect(readRolesSol()).to.deep.equal(Object.fromEntries(doc.roles.map((r) => [r.role, r.id])));
    });

    it("should give every role the admin the AccessManager has (getRoleAdmin)", async function () {
      const { manager } = await fixture();
      for (const r of doc.roles.filter((x) => x.id !== PUBLIC)) {
        expect(r.admin, `${r.role} admin in the doc`).to.not.equal(undefined);
        expect(await manager.getRoleAdmin(r.id), `getRoleAdmin(${r.role})`).to.equal(ROLE_IDS[r.admin!]);
      }
    });

    it("should make GUARDIAN the guardian of ISSUER and give every role the guardian of the table", async function () {
      const { manager } = await fixture();
      expect(doc.roles.find((r) => r.role === "ISSUER")!.guardian).to.equal("GUARDIAN");
      for (const r of doc.roles.filter((x) => x.id !== PUBLIC)) {
        expect(await manager.getRoleGuardian(r.id), `getRoleGuardian(${r.role})`).to.equal(
          ROLE_IDS[r.guardian!],
        );
      }
    });

    describe("grant delays", function () {
      it("should be those of the config: the roleGrant delay for every role but ADMIN, none for ADMIN", function () {
        const roleGrant = hardhatConfig.governance.delays.roleGrant;
        for (const r of doc.roles.filter((x) => x.id !== PUBLIC)) {
          expect(r.grantDelay, r.role).to.equal(r.role === "ADMIN" ? 0 : roleGrant);
        }
      });

      it("should be scheduled by the handover and take effect after the AccessManager's minSetback", async function () {
        const { manager } = await fixture();
        const minSetback = await manager.minSetback();
        const changes = await manager.queryFilter(manager.filters.RoleGrantDelayChanged());
        const delayed = doc.roles.filter((r) => r.id !== PUBLIC && r.grantDelay! > 0);
        expect(sorted(changes.map((e) => roleName(e.args.roleId)))).to.deep.equal(
          sorted(delayed.map((r) => r.role)),
        );
        for (const e of changes) {
          const block = await e.getBlock();
          const row = doc.roles.find((r) => r.id === e.args.roleId)!;
          expect(e.args.delay, row.role).to.equal(BigInt(row.grantDelay!));
          expect(e.args.since, row.role).to.equal(BigInt(block.timestamp) + minSetback);
          // Not in effect yet: a grant right after the handover is effective at once.
          expect(await manager.getRoleGrantDelay(row.id), row.role).to.equal(0n);
        }
        await time.increase(minSetback);
        for (const r of doc.roles.filter((x) => x.id !== PUBLIC)) {
          expect(await manager.getRoleGrantDelay(r.id), `getRoleGrantDelay(${r.role})`).to.equal(
            BigInt(r.grantDelay!),
          );
        }
      });
    });
  });

  describe("the holders table", function () {
    it("should make the members of every role, replayed from RoleGranted and RoleRevoked, exactly its holders", async function () {
      const { manager } = await fixture();
      const members = await roleMembers(manager);
      for (const r of doc.roles) {
        const expected = await Promise.all(docHolders(r.role).map((h) => holderAddress(h.holder)));
        const actual = (members.get(r.id) ?? []).map((m) => m.account);
        expect(sorted(actual), `members of ${r.role}`).to.deep.equal(sorted(expected));
      }
      const documented = new Set(doc.roles.map((r) => r.id));
      for (const role of members.keys()) {
        if (members.get(role)!.length > 0) expect(documented.has(role), `role ${role}`).to.equal(true);
      }
    });

    it("should give every holder its role with the execution delay of the table (hasRole)", async function () {
      const { manager } = await fixture();
      for (const h of doc.holders) {
        const [isMember, delay] = await manager.hasRole(ROLE_IDS[h.role], await holderAddress(h.holder));
        expect(isMember, `${h.holder} in ${h.role}`).to.equal(true);
        expect(delay, `${h.holder} delay in ${h.role}`).to.equal(BigInt(h.executionDelay));
      }
    });

    it("should take the execution delays from the config: issuer and admin delayed, every operational role not", function () {
      const { delays } = hardhatConfig.governance;
      for (const h of doc.holders) {
        const expected = h.role === "ISSUER" ? delays.issuer : h.role === "ADMIN" ? delays.admin : 0;
        expect(h.executionDelay, `${h.role} (${h.holder})`).to.equal(expected);
      }
    });

    it("should name for every Safe the owners and threshold of deploy/config/hardhat.ts", function () {
      for (const h of doc.holders.filter((x) => x.kind === "Safe")) {
        expect(isRoleHolderName(h.holder), h.holder).to.equal(true);
        const configured = hardhatConfig.governance[h.holder as keyof typeof hardhatConfig.governance];
        expect(configured, h.holder).to.have.property("safe");
        const { owners, threshold } = (configured as { safe: { owners: number[]; threshold: number } }).safe;
        expect(h.owners, `${h.holder} owners`).to.deep.equal(owners);
        expect(h.threshold, `${h.holder} threshold`).to.deep.equal({ threshold, owners: owners.length });
      }
    });

    it("should make every Safe holder a Safe 1.4.1 with exactly those owners and that threshold on chain", async function () {
      await fixture();
      const signers = await hre.ethers.getSigners();
      for (const h of doc.holders.filter((x) => x.kind === "Safe")) {
        const safe = new Contract(await holderAddress(h.holder), safeArtifacts.Safe.abi, hre.ethers.provider);
        expect(await safe.VERSION(), h.holder).to.equal("1.4.1");
        expect(sorted((await safe.getOwners()).map(getAddress)), `${h.holder} owners`).to.deep.equal(
          sorted(h.owners.map((i) => signers[i].address)),
        );
        expect(await safe.getThreshold(), `${h.holder} threshold`).to.equal(BigInt(h.threshold!.threshold));
      }
    });
  });

  describe("the functions table", function () {
    it("should list, contract by contract and role by role, exactly the functions of lib/deploy/roles.ts", function () {
      const fromMaps: [string, RoleName, string[]][] = [];
      for (const [mapName, map] of Object.entries(ROLE_MAPS)) {
        for (const record of recordsOfRoleMap(mapName)) {
          for (const [role, fns] of Object.entries(map) as [RoleName, string[]][]) {
            fromMaps.push([record, role, sorted(fns)]);
          }
        }
      }
      const fromDoc = doc.functions
        .filter((r) => r.contract !== MANAGER)
        .map((r) => [r.contract, r.role, sorted(r.functions)] as [string, RoleName, string[]]);
      const key = (x: [string, RoleName, string[]]) => `${x[0]}/${x[1]}`;
      expect(fromDoc.map(key).sort(), "(contract, role) rows").to.deep.equal(fromMaps.map(key).sort());
      for (const m of fromMaps) expect(docFunctions(m[0], m[1]), key(m)).to.have.members(m[2]);
    });

    it("should give each row the holders of its role, and the threshold and execution delay of its Safes", function () {
      for (const row of doc.functions) {
        const holders = docHolders(row.role);
        const where = `${row.contract}/${row.role}`;
        expect(sorted(row.holders), where).to.deep.equal(sorted(holders.map((h) => h.holder)));
        for (const h of holders.filter((x) => x.kind === "Safe")) {
          expect(row.threshold, where).to.deep.equal(h.threshold);
          expect(row.executionDelay, where).to.equal(h.executionDelay);
        }
      }
    });

    it("should list as the admin's AccessManager functions every state-changing function it does not list as self-checked", async function () {
      const { manager } = await fixture();
      expect(sorted(docFunctions(MANAGER, "ADMIN")!)).to.deep.equal(
        stateChangingFunctions(manager.interface).filter((f) => !docUnrestricted(MANAGER).includes(f)),
      );
    });

    it("should wire no function of lib/deploy/roles.ts to ADMIN, and list no function twice", function () {
      for (const [mapName, map] of Object.entries(ROLE_MAPS)) {
        expect(Object.keys(map), mapName).to.not.include("ADMIN");
        const all = Object.values(map).flat();
        expect(new Set(all).size, `${mapName} lists a function twice`).to.equal(all.length);
      }
    });
  });

  describe("the contracts the AccessManager governs", function () {
    it("should have a role map in lib/deploy/roles.ts for every deployment record whose authority is the AccessManager", async function () {
      const { governed } = await fixture();
      const missing = governed.map((g) => g.record).filter((r) => roleMapNameOf(r) === undefined);
      expect(missing, "records without a role map (name it FOO_BAR_ROLES for record FooBar)").to.deep.equal(
        [],
      );
    });

    it("should have a governed deployment record for every role map exported by lib/deploy/roles.ts", async function () {
      const { governed } = await fixture();
      const records = new Set(governed.map((g) => g.record));
      for (const mapName of Object.keys(ROLE_MAPS)) {
        for (const record of recordsOfRoleMap(mapName)) {
          expect(
            records.has(record),
            `${mapName} is meant for record ${record}, not deployed or not governed`,
          ).to.be.true;
        }
      }
    });

    it("should describe in docs/ROLES.md exactly the governed contracts and the AccessManager", async function () {
      const { governed } = await fixture();
      const expected = sorted([MANAGER, ...governed.map((g) => g.record)]);
      expect(sorted(new Set(doc.functions.map((r) => r.contract)))).to.deep.equal(expected);
      expect(sorted(new Set(doc.unrestricted.map((r) => r.contract)))).to.deep.equal(expected);
    });

    it("should wire every function of every governed contract's ABI to its role of lib/deploy/roles.ts, ADMIN when unlisted (getTargetFunctionRole)", async function () {
      const { manager, governed } = await fixture();
      let checked = 0;
      for (const g of governed) {
        const map = ROLE_MAPS[roleMapNameOf(g.record)!];
        const roleOfFn = new Map<string, bigint>();
        for (const [role, fns] of Object.entries(map) as [RoleName, string[]][]) {
          for (const fn of fns) roleOfFn.set(fn, ROLE_IDS[role]);
        }
        const fragments: { name: string; selector: string }[] = [];
        g.iface.forEachFunction((f) => fragments.push(f));
        for (const f of fragments) {
          const expected = roleOfFn.get(f.name) ?? ADMIN;
          expect(
            await manager.getTargetFunctionRole(g.address, f.selector),
            `${g.record}.${f.name}`,
          ).to.equal(expected);
          checked++;
        }
        for (const fn of roleOfFn.keys())
          expect(g.iface.getFunction(fn), `${g.record}.${fn}`).to.not.equal(null);
      }
      expect(checked).to.be.greaterThan(100);
    });

    it("should wire every state-changing function to a role other than ADMIN, unless docs/ROLES.md lists it without a role", async function () {
      const { manager, governed } = await fixture();
      const unwired: string[] = [];
      for (const g of governed) {
        const unrestricted = docUnrestricted(g.record);
        for (const fn of stateChangingFunctions(g.iface)) {
          if (unrestricted.includes(fn)) continue;
          const role = await manager.getTargetFunctionRole(g.address, g.iface.getFunction(fn)!.selector);
          if (role === ADMIN) unwired.push(`${g.record}.${fn}`);
        }
      }
      expect(unwired, "state-changing functions left to ADMIN (unwired)").to.deep.equal([]);
    });

    it("should list without a role only state-changing functions that exist and that no role map wires", async function () {
      const { manager, governed } = await fixture();
      for (const row of doc.unrestricted) {
        const iface =
          row.contract === MANAGER
            ? manager.interface
            : governed.find((g) => g.record === row.contract)!.iface;
        const map = row.contract === MANAGER ? {} : ROLE_MAPS[roleMapNameOf(row.contract)!];
        const wired = Object.values(map).flat();
        for (const fn of row.functions) {
          expect(stateChangingFunctions(iface), `${row.contract}.${fn}`).to.include(fn);
          expect(wired, `${row.contract}.${fn} is both wired and listed without a role`).to.not.include(fn);
        }
      }
    });

    it("should keep every governed contract open, with no admin delay of its own", async function () {
      const { manager, governed } = await fixture();
      for (const g of governed) {
        expect(await manager.isTargetClosed(g.address), g.record).to.equal(false);
        expect(await manager.getTargetAdminDelay(g.address), g.record).to.equal(0n);
      }
    });
  });

  describe("the deployer", function () {
    it("should hold no role after the handover", async function () {
      const { manager, deployer } = await fixture();
      for (const r of doc.roles.filter((x) => x.id !== PUBLIC)) {
        const [isMember] = await manager.hasRole(r.id, deployer);
        expect(isMember, r.role).to.equal(false);
      }
      for (const [role, members] of await roleMembers(manager)) {
        expect(
          members.map((m) => m.account),
          `role ${role}`,
        ).to.not.include(deployer);
      }
    });

    it("should have been granted exactly the temporary roles of the deployer table, in that order, each renounced", async function () {
      const { manager, deployer } = await fixture();
      const grants = await manager.queryFilter(manager.filters.RoleGranted(undefined, deployer));
      expect(grants.map((e) => roleName(e.args.roleId))).to.deep.equal(doc.deployer.map((r) => r.role));
      expect(grants.every((e) => e.args.delay === 0n)).to.equal(true);
      const revocations = await manager.queryFilter(manager.filters.RoleRevoked(undefined, deployer));
      expect(sorted(revocations.map((e) => roleName(e.args.roleId)))).to.deep.equal(
        sorted(doc.deployer.map((r) => r.role)),
      );
    });
  });

  describe("separation of duties", function () {
    it("should give no account both a role that moves investors' tokens and a role that changes the rules", async function () {
      const { manager } = await fixture();
      const members = await roleMembers(manager);
      const of = (roles: RoleName[]) =>
        new Set(roles.flatMap((r) => (members.get(ROLE_IDS[r]) ?? []).map((m) => m.account)));
      const moving = of(MOVING_ROLES);
      const rules = of(RULE_ROLES);
      expect(moving.size).to.be.greaterThan(0);
      expect(rules.size).to.be.greaterThan(0);
      expect([...moving].filter((a) => rules.has(a))).to.deep.equal([]);
    });

    it("should give the seven Safes disjoint owners, so no key signs for two of them", async function () {
      await fixture();
      const seen = new Map<string, string>();
      const safes = new Set(doc.holders.filter((h) => h.kind === "Safe").map((h) => h.holder));
      expect(safes.size).to.equal(7);
      for (const holder of safes) {
        const safe = new Contract(await holderAddress(holder), safeArtifacts.Safe.abi, hre.ethers.provider);
        for (const owner of (await safe.getOwners()) as string[]) {
          expect(seen.get(owner), `${owner} owns ${holder}`).to.equal(undefined);
          seen.set(owner, holder);
        }
      }
    });
  });
});
