/**
 * The governance model the governance tests check: docs/ROLES.md parsed into typed tables, the role maps
 * exported by lib/deploy/roles.ts tied to deployment records, the contracts the AccessManager governs (read
 * from the deployment records), the members of every role replayed from the AccessManager's events, and sample
 * arguments for any function of an ABI.
 *
 * Nothing here knows a contract of the fund by heart except the few record names whose role map does not follow
 * the naming convention (`FooBar` -> `FOO_BAR_ROLES`), listed in {@link RECORDS_WITH_NAMED_MAPS}.
 */
import * as fs from "fs";
import * as path from "path";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Contract, Interface, ZeroAddress, getAddress, type JsonFragment, type ParamType } from "ethers";
import * as roleModule from "../../lib/deploy/roles";
import { ROLE_IDS, type FunctionRoles, type RoleName } from "../../lib/deploy/roles";
import { ROLE_HOLDERS, type RoleHolderName } from "../../lib/config/types";
import type { AccessManager } from "../../typechain-types";
import type { Fund } from "../../lib/fund";
import { execSafeTransaction } from "../../lib/safe";
import { deployFundFixture } from "../helpers/fund";

export const ROLES_DOC = path.join(__dirname, "..", "..", "docs", "ROLES.md");
export const ROLES_SOL = path.join(__dirname, "..", "..", "contracts", "governance", "Roles.sol");

// ------------------------------------------------------------------------------------------------ docs/ROLES.md

/** The rows of the markdown table following `<!-- table: name -->`, keyed by header. */
export function parseTable(markdown: string, name: string): Record<string, string>[] {
  const lines = markdown.split("\n");
  const marker = lines.findIndex((l) => l.trim() === `<!-- table: ${name} -->`);
  if (marker < 0) throw new Error(`docs/ROLES.md: no table marked <!-- table: ${name} -->`);
  let i = marker + 1;
  while (i < lines.length && lines[i].trim() === "") i++;
  const rows: string[][] = [];
  for (; i < lines.length && lines[i].trim().startsWith("|"); i++) {
    rows.push(
      lines[i]
        .trim()
        .replace(/^\|/, "")
        .replace(/\|$/, "")
        .split("|")
        .map((c) => c.trim()),
    );
  }
  if (rows.length < 2 || !rows[1].every((c) => /^:?-+:?$/.test(c)))
    throw new Error(`docs/ROLES.md: table "${name}" has no header and separator row`);
  const [header, , ...body] = rows;
  return body.map((cells, r) => {
    if (cells.length !== header.length)
      throw new Error(
        `docs/ROLES.md: table "${name}" row ${r + 1} has ${cells.length} cells, not ${header.length}`,
      );
    return Object.fromEntries(header.map((h, c) => [h, cells[c]]));
  });
}

/** `none` -> 0, `<n> day(s)` / `<n> hour(s)` -> seconds, `-` -> undefined. */
export function parseDelay(cell: string): number | undefined {
  if (cell === "-") return undefined;
  if (cell === "none") return 0;
  const m = /^(\d+) (day|hour)s?$/.exec(cell);
  if (!m) throw new Error(`docs/ROLES.md: "${cell}" is not a delay (none, <n> days, <n> hours)`);
  return Number(m[1]) * (m[2] === "day" ? 86_400 : 3_600);
}

/** `m-of-n` -> { threshold: m, owners: n }, `-` -> undefined. */
export function parseThreshold(cell: string): { threshold: number; owners: number } | undefined {
  if (cell === "-") return undefined;
  const m = /^(\d+)-of-(\d+)$/.exec(cell);
  if (!m) throw new Error(`docs/ROLES.md: "${cell}" is not a threshold (m-of-n)`);
  return { threshold: Number(m[1]), owners: Number(m[2]) };
}

/** "`a`, `b`" -> ["a", "b"]; anything else in the cell is an error. */
export function parseCodeList(cell: string): string[] {
  const items = cell.split(",").map((s) => s.trim());
  return items.map((item) => {
    const m = /^`([A-Za-z_][A-Za-z0-9_]*)`$/.exec(item);
    if (!m) throw new Error(`docs/ROLES.md: "${item}" is not a function name in backticks`);
    return m[1];
  });
}

/** "1, 2, 3" -> [1, 2, 3], `-` -> []. */
export function parseNumberList(cell: string): number[] {
  if (cell === "-") return [];
  return cell.split(",").map((s) => {
    if (!/^\d+$/.test(s.trim())) throw new Error(`docs/ROLES.md: "${s}" is not a number`);
    return Number(s);
  });
}

function roleOf(cell: string): RoleName {
  if (!(cell in ROLE_IDS)) throw new Error(`docs/ROLES.md: unknown role "${cell}"`);
  return cell as RoleName;
}

export interface RoleRow {
  role: RoleName;
  id: bigint;
  admin?: RoleName;
  guardian?: RoleName;
  grantDelay?: number;
}

export interface HolderRow {
  role: RoleName;
  /** A `governance.<holder>` of the fund config (record `RoleHolder.<holder>`), or a contract's record name. */
  holder: string;
  kind: "Safe" | "contract";
  /** Hardhat account indexes of the Safe's owners. */
  owners: number[];
  threshold?: { threshold: number; owners: number };
  executionDelay: number;
}

export interface FunctionRow {
  role: RoleName;
  contract: string;
  functions: string[];
  holders: string[];
  threshold?: { threshold: number; owners: number };
  executionDelay: number;
}

/** What protects a function without a role (docs/ROLES.md, "Functions without a role"). */
export const GUARDS = [
  "holder",
  "party",
  "anyone",
  "bound token",
  "router",
  "initializer",
  "authority",
  "self-checked",
  // issue 19: the fund manager's side of the ERC-7575 entry points
  "vault",
] as const;
export type Guard = (typeof GUARDS)[number];

export interface UnrestrictedRow {
  contract: string;
  functions: string[];
  guard: Guard;
}

export interface DeployerRow {
  step: string;
  role: RoleName;
}

export interface RolesDoc {
  roles: RoleRow[];
  holders: HolderRow[];
  functions: FunctionRow[];
  unrestricted: UnrestrictedRow[];
  deployer: DeployerRow[];
}

/** docs/ROLES.md as typed tables; throws naming the table and cell that does not follow the format. */
export function readRolesDoc(markdown = fs.readFileSync(ROLES_DOC, "utf8")): RolesDoc {
  const roles = parseTable(markdown, "roles").map((r) => ({
    role: roleOf(r.role),
    id: BigInt(r.id),
    admin: r["role admin"] === "-" ? undefined : roleOf(r["role admin"]),
    guardian: r.guardian === "-" ? undefined : roleOf(r.guardian),
    grantDelay: parseDelay(r["grant delay"]),
  }));
  const holders = parseTable(markdown, "holders").map((r) => {
    if (r.kind !== "Safe" && r.kind !== "contract")
      throw new Error(`docs/ROLES.md: holder kind "${r.kind}" is neither Safe nor contract`);
    const delay = parseDelay(r["execution delay"]);
    if (delay === undefined) throw new Error(`docs/ROLES.md: holder ${r.holder} has no execution delay`);
    return {
      role: roleOf(r.role),
      holder: r.holder,
      kind: r.kind as "Safe" | "contract",
      owners: parseNumberList(r["owners (Hardhat accounts)"]),
      threshold: parseThreshold(r.threshold),
      executionDelay: delay,
    };
  });
  const functions = parseTable(markdown, "functions").map((r) => {
    const delay = parseDelay(r["execution delay"]);
    if (delay === undefined) throw new Error(`docs/ROLES.md: functions of ${r.contract} have no delay`);
    return {
      role: roleOf(r.role),
      contract: r.contract,
      functions: parseCodeList(r.functions),
      // "-": a role nobody holds on the home chain (issue 18: BRIDGE_POOL, CHAIN_MIRROR).
      holders: r.holder === "-" ? [] : r.holder.split(",").map((h) => h.trim()),
      threshold: parseThreshold(r.threshold),
      executionDelay: delay,
    };
  });
  const unrestricted = parseTable(markdown, "unrestricted").map((r) => {
    if (!(GUARDS as readonly string[]).includes(r.guard))
      throw new Error(`docs/ROLES.md: guard "${r.guard}" is not one of ${GUARDS.join(", ")}`);
    return { contract: r.contract, functions: parseCodeList(r.functions), guard: r.guard as Guard };
  });
  const deployer = parseTable(markdown, "deployer").map((r) => ({ step: r.step, role: roleOf(r.role) }));
  return { roles, holders, functions, unrestricted, deployer };
}

/** Role ids declared in contracts/governance/Roles.sol (`uint64 internal constant NAME = value;`). */
export function readRolesSol(source = fs.readFileSync(ROLES_SOL, "utf8")): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const m of source.matchAll(/uint64 internal constant (\w+) = ([^;]+);/g)) {
    const value = m[2].trim();
    out[m[1]] = value === "type(uint64).max" ? (1n << 64n) - 1n : BigInt(value);
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ role maps

/**
 * Every role map exported by lib/deploy/roles.ts: the exports named `*_ROLES` (a FunctionRoles each). A map added
 * there is picked up here, and the tests require a deployment record for it.
 */
export const ROLE_MAPS: Readonly<Record<string, FunctionRoles>> = Object.fromEntries(
  Object.entries(roleModule).filter(
    ([name, value]) =>
      name.endsWith("_ROLES") && name !== "DEPLOYMENT_ROLES" && typeof value === "object" && value !== null,
  ),
) as Record<string, FunctionRoles>;

/**
 * The role map of each deployment record, by export name, from lib/deploy/roles.ts's DEPLOYMENT_ROLES (the map
 * the deploy scripts and roles:show use): e.g. FundToken -> TOKEN_ROLES.
 */
export const RECORDS_WITH_NAMED_MAPS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(roleModule.DEPLOYMENT_ROLES).map(([record, map]) => {
    const name = Object.entries(ROLE_MAPS).find(([, m]) => m === map)?.[0];
    if (!name) throw new Error(`DEPLOYMENT_ROLES.${record} is not an exported *_ROLES map`);
    return [record, name];
  }),
);

/** `FundManager` -> `FUND_MANAGER_ROLES`. */
export function conventionalMapName(record: string): string {
  return `${record.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()}_ROLES`;
}

/** `FUND_MANAGER_ROLES` -> `FundManager`. */
export function conventionalRecordName(mapName: string): string {
  return mapName
    .replace(/_ROLES$/, "")
    .split("_")
    .map((w) => w.charAt(0) + w.slice(1).toLowerCase())
    .join("");
}

/** The name of the role map of a deployment record, if lib/deploy/roles.ts exports one. */
export function roleMapNameOf(record: string): string | undefined {
  const name = RECORDS_WITH_NAMED_MAPS[record] ?? conventionalMapName(record);
  return name in ROLE_MAPS ? name : undefined;
}

/** The deployment records each exported role map is meant for (named ones, else by convention). */
export function recordsOfRoleMap(mapName: string): string[] {
  const named = Object.entries(RECORDS_WITH_NAMED_MAPS)
    .filter(([, m]) => m === mapName)
    .map(([record]) => record);
  return named.length > 0 ? named : [conventionalRecordName(mapName)];
}

/** Every (record, role, function) the role maps of lib/deploy/roles.ts wire, in a stable order. */
export function wiredFunctions(): { record: string; mapName: string; role: RoleName; fn: string }[] {
  const out: { record: string; mapName: string; role: RoleName; fn: string }[] = [];
  for (const [mapName, map] of Object.entries(ROLE_MAPS)) {
    for (const record of recordsOfRoleMap(mapName)) {
      for (const [role, fns] of Object.entries(map) as [RoleName, string[]][]) {
        for (const fn of fns) out.push({ record, mapName, role, fn });
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ deployment

/** A contract of the deployment whose authority is the fund's AccessManager. */
export interface GovernedContract {
  record: string;
  address: string;
  /** Its record's ABI, merged with its admin extension's ABI when it has one. */
  iface: Interface;
  /** A contract at `address` with the merged ABI (decodes every error the contract may raise). */
  contract: Contract;
  /** The admin extension it delegates to (`extension()`), by record name. */
  extension?: { record: string; address: string; iface: Interface };
}

function mergeAbis(...abis: JsonFragment[][]): JsonFragment[] {
  const seen = new Set<string>();
  const out: JsonFragment[] = [];
  for (const abi of abis) {
    for (const item of abi) {
      const key =
        item.type === "function" || item.type === "event" || item.type === "error"
          ? `${item.type}:${Interface.from([item]).fragments[0].format("sighash")}`
          : (item.type ?? "");
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(item);
    }
  }
  return out;
}

/**
 * Every deployment record whose contract answers `authority()` with the AccessManager: the contracts the fund's
 * governance covers, whoever added them to the deploy scripts.
 */
export async function governedContracts(managerAddress: string): Promise<GovernedContract[]> {
  const { deployments, ethers } = hre;
  const all = await deployments.all();
  const byAddress = new Map(Object.entries(all).map(([name, d]) => [getAddress(d.address), name]));
  const out: GovernedContract[] = [];
  for (const [record, d] of Object.entries(all)) {
    const iface = new Interface(d.abi);
    if (!iface.getFunction("authority()")) continue;
    const probe = new Contract(d.address, iface, ethers.provider);
    if (getAddress(await probe.authority()) !== getAddress(managerAddress)) continue;
    let abi = d.abi as JsonFragment[];
    let extension: GovernedContract["extension"];
    if (iface.getFunction("extension()")) {
      const extAddress = getAddress(await probe.extension());
      const extRecord = byAddress.get(extAddress);
      if (!extRecord) throw new Error(`${record}: its extension ${extAddress} has no deployment record`);
      const extAbi = all[extRecord].abi as JsonFragment[];
      abi = mergeAbis(abi, extAbi);
      extension = { record: extRecord, address: extAddress, iface: new Interface(extAbi) };
    }
    const merged = new Interface(abi);
    out.push({
      record,
      address: getAddress(d.address),
      iface: merged,
      contract: new Contract(d.address, merged, ethers.provider),
      extension,
    });
  }
  return out;
}

/** Names of the state-changing functions of an interface. */
export function stateChangingFunctions(iface: Interface): string[] {
  const out: string[] = [];
  iface.forEachFunction((f) => {
    if (f.stateMutability !== "view" && f.stateMutability !== "pure") out.push(f.name);
  });
  return out.sort();
}

// ------------------------------------------------------------------------------------------------ role members

export interface Membership {
  account: string;
  executionDelay: bigint;
}

/**
 * The members of every role, replayed from the AccessManager's RoleGranted and RoleRevoked events (the
 * AccessManager cannot enumerate them): whoever was ever granted a role and kept it.
 */
export async function roleMembers(manager: AccessManager): Promise<Map<bigint, Membership[]>> {
  const granted = await manager.queryFilter(manager.filters.RoleGranted());
  const revoked = await manager.queryFilter(manager.filters.RoleRevoked());
  const events = [...granted, ...revoked].sort((a, b) =>
    a.blockNumber !== b.blockNumber ? a.blockNumber - b.blockNumber : a.index - b.index,
  );
  const members = new Map<bigint, Map<string, bigint>>();
  for (const e of events) {
    const role = e.args.roleId as bigint;
    const account = getAddress(e.args.account as string);
    if (!members.has(role)) members.set(role, new Map());
    if (e.fragment.name === "RoleGranted") members.get(role)!.set(account, e.args.delay as bigint);
    else members.get(role)!.delete(account);
  }
  const out = new Map<bigint, Membership[]>();
  for (const [role, m] of members) {
    out.set(
      role,
      [...m].map(([account, executionDelay]) => ({ account, executionDelay })),
    );
  }
  return out;
}

/** The address of a holder of docs/ROLES.md: its `RoleHolder.<holder>` record, or a contract's record. */
export async function holderAddress(holder: string): Promise<string> {
  const name = (ROLE_HOLDERS as readonly string[]).includes(holder) ? `RoleHolder.${holder}` : holder;
  return getAddress((await hre.deployments.get(name)).address);
}

export function isRoleHolderName(holder: string): holder is RoleHolderName {
  return (ROLE_HOLDERS as readonly string[]).includes(holder);
}

// ------------------------------------------------------------------------------------------------ calls

function sampleValue(p: ParamType, address: string): unknown {
  if (p.isArray()) {
    const n = p.arrayLength > 0 ? p.arrayLength : 1;
    return Array.from({ length: n }, () => sampleValue(p.arrayChildren, address));
  }
  if (p.isTuple()) return p.components.map((c) => sampleValue(c, address));
  if (p.baseType === "address") return address;
  if (p.baseType === "bool") return true;
  if (p.baseType === "string") return "x";
  if (p.baseType === "bytes") return "0x";
  const fixed = /^bytes(\d+)$/.exec(p.baseType);
  if (fixed) return "0x" + "11".repeat(Number(fixed[1]));
  if (/^u?int\d*$/.test(p.baseType)) return 1n;
  throw new Error(`No sample value for ABI type ${p.type}`);
}

/**
 * Calldata for `fn` with well-formed sample arguments (`address` where an address is expected). Access checks
 * run before a function's body, so any well-formed arguments show who may call it.
 */
export function sampleCalldata(iface: Interface, fn: string, address: string = ZeroAddress): string {
  const f = iface.getFunction(fn);
  if (!f) throw new Error(`No function ${fn} in the ABI`);
  return iface.encodeFunctionData(
    f,
    f.inputs.map((p) => sampleValue(p, address)),
  );
}

/** Awaits `promise` and returns the error it was rejected with (failing when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("Expected a rejection, but the promise resolved");
}

/** Sends `data` to `to` through `holder`'s Safe, signed by its threshold of owners (simulated first). */
export function throughSafe(
  fund: Fund,
  holder: RoleHolderName,
  to: string,
  data: string,
  interfaces: Interface[] = [],
) {
  const actor = fund.as(holder);
  return execSafeTransaction(actor.address, { to, data }, actor.signers, {
    interfaces: [...interfaces, fund.contracts.manager.interface],
  });
}

/**
 * The fund of the deploy scripts with its governed contracts, for `loadFixture` (read once per snapshot). It
 * loads `deployFundFixture` through `loadFixture` too: called directly, hardhat-deploy's fixture would revert the
 * chain to its own snapshot and silently invalidate the snapshots loadFixture took since.
 */
export async function governedFund() {
  const f = await loadFixture(deployFundFixture);
  const manager = f.fund.contracts.manager;
  const managerAddress = await manager.getAddress();
  const governed = new Map((await governedContracts(managerAddress)).map((g) => [g.record, g] as const));
  return { ...f, manager, managerAddress, governed };
}
