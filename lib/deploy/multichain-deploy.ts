/**
 * Issue 18 (docs/MULTICHAIN.md "Deployment across networks"): deploys and links one fund across networks from the
 * home chain's fund config (`FundConfig.multichain`), idempotently (a second run sends nothing).
 *
 * - Home (`deployHomeSide`, deploy script 10_multichain on the home network, before the handover): the
 *   lock/release pool and the relay, their function roles, the pool listed and registered as a PROTOCOL account,
 *   the CCT registration (TokenAdminRegistry admin = the AccessManager, `getCCIPAdmin()`), the pool owned by the
 *   AccessManager, and for every satellite already deployed its lane (remote pool and token, rate limits from the
 *   config) and the relay's mirror.
 * - Satellite (`deploySatelliteSide`, the same script on the satellite's network with FUND_CONFIG=<home network>):
 *   AccessManager, registry, compliance, token, burn/mint pool and mirror of the home relay, wired; its lane to the
 *   home pool; its CCT registration; then the roles handed to the holders the config names and the deployer's ADMIN
 *   renounced.
 *
 * Records: home's are named as the contracts (`FundLockReleasePool`, `HomeRelay`); a satellite's are prefixed with
 * its network (`<network>_FundToken`), so one Hardhat network can host both chains (the tests). The other side's
 * records are read from hardhat-deploy's companion network of the same name when the network config names one,
 * else from this network's records.
 *
 * Before it sends anything, each side checks every lane it would touch: a pool already linking a chain to another
 * pool or token is refused (`MultichainLinkError`); re-pointing a lane is a governance decision, not a deploy.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { AbiCoder, Interface, getAddress, type BaseContract } from "ethers";
import type { DeployContext } from "./context";
import { accessManager, deployPlain, deployProxy, recorded, wireFunctionRoles } from "./deploy";
import {
  COMPLIANCE_ROLES,
  IDENTITY_REGISTRY_ROLES,
  ROLE_IDS,
  TOKEN_ROLES,
  type FunctionRoles,
  type RoleName,
} from "./roles";
import {
  ACCOUNT_KYC_EXPIRY,
  FUND_POOL_ROLES,
  HOME_RELAY_ROLES,
  PROTOCOL_CLASS,
  SATELLITE_MIRROR_ROLES,
  chainUpdate,
} from "./multichain";
import {
  bucket,
  type ChainAccount,
  type MultichainConfig,
  type RateLimiterConfig,
  type SatelliteConfig,
} from "./multichain-config";
import type {
  AccessManager,
  FundBurnMintPool,
  FundLockReleasePool,
  HomeRelay,
  IdentityRegistry,
  IFundCompliance,
  IFundToken,
  SatelliteMirror,
  TokenAdminRegistry,
  RegistryModuleOwnerCustom,
} from "../../typechain-types";

const coder = AbiCoder.defaultAbiCoder();

/** A lane configured on a pool that differs from the deployment (refused before anything is sent). */
export class MultichainLinkError extends Error {}

/** The record name of a satellite's contract. */
export function satelliteRecord(network: string, name: string): string {
  return `${network}_${name}`;
}

/** Country code of the pools' own registry entries (the issuer's, United States). */
const POOL_COUNTRY = 840;

/** The deployment records of `network`: this network's, a companion network's, or (one network hosting both) ours. */
function recordsOf(hre: HardhatRuntimeEnvironment, network: string) {
  if (network === hre.network.name) return hre.deployments;
  const companions = (
    hre as unknown as { companionNetworks?: Record<string, { deployments: typeof hre.deployments }> }
  ).companionNetworks;
  return companions?.[network]?.deployments ?? hre.deployments;
}

/** What a side needs to send: the chain's deployer, its AccessManager, a logger. */
interface Side {
  hre: HardhatRuntimeEnvironment;
  deployer: HardhatEthersSigner;
  manager: AccessManager;
  log(message: string): void;
}

async function isAdmin(side: Side): Promise<boolean> {
  return (await side.manager.hasRole(ROLE_IDS.ADMIN, side.deployer.address))[0];
}

/**
 * Calls `data` on `target` as the AccessManager (a function of an unmanaged target, e.g. the CCT registry or an
 * `onlyOwner` pool function, needs ADMIN); after the handover the call is for the admin's Safe: refused with it.
 */
async function asManager(side: Side, what: string, target: BaseContract, fn: string, args: unknown[]) {
  const to = String(target.target);
  const data = target.interface.encodeFunctionData(fn, args);
  if (!(await isAdmin(side)))
    throw new Error(
      `${what}: the deployer no longer holds ADMIN; the admin Safe must call AccessManager.execute(${to}, ${data})`,
    );
  await (await side.manager.execute(to, data)).wait();
  side.log(what);
}

type RoleStep = [string, () => Promise<boolean>, () => Promise<unknown>];

/** The registry steps that list a pool as a protocol account and register it (PROTOCOL class), each if needed. */
function poolAccountSteps(registry: IdentityRegistry, poolAddress: string, label: string): RoleStep[] {
  return [
    [
      `${label} listed as a protocol account`,
      async () => !(await registry.isProtocolAccount(poolAddress)),
      () => registry.setProtocolAccount(poolAddress, true),
    ],
    [
      `${label} registered (PROTOCOL)`,
      async () => !(await registry.isVerified(poolAddress)),
      () =>
        registry.registerInvestor(poolAddress, poolAddress, POOL_COUNTRY, PROTOCOL_CLASS, ACCOUNT_KYC_EXPIRY),
    ],
  ];
}

/** Runs the needed `steps` with the deployer holding `roles` for them (granted, then renounced); none: nothing sent. */
async function withRoles(side: Side, roles: RoleName[], steps: RoleStep[]) {
  const needed: typeof steps = [];
  for (const step of steps) if (await step[1]()) needed.push(step);
  if (needed.length === 0) return;
  if (!(await isAdmin(side)))
    throw new Error(`${needed.map((s) => s[0]).join("; ")}: needed, but the deployer no longer holds ADMIN`);
  const granted: bigint[] = [];
  for (const role of roles) {
    if (!(await side.manager.hasRole(ROLE_IDS[role], side.deployer.address))[0]) {
      await (await side.manager.grantRole(ROLE_IDS[role], side.deployer.address, 0)).wait();
      granted.push(ROLE_IDS[role]);
    }
  }
  try {
    for (const [what, , send] of needed) {
      await ((await send()) as { wait(): Promise<unknown> }).wait();
      side.log(what);
    }
  } finally {
    for (const id of granted) await (await side.manager.renounceRole(id, side.deployer.address)).wait();
  }
}

/** An `onlyOwner` call of a Chainlink pool: direct while the deployer owns it, else through the AccessManager. */
async function ownerCall(
  side: Side,
  pool: FundLockReleasePool | FundBurnMintPool,
  what: string,
  fn: string,
  args: unknown[],
) {
  const owner = getAddress(await pool.owner());
  if (owner === side.deployer.address) {
    await (
      await (
        pool.connect(side.deployer) as unknown as Record<
          string,
          (...a: unknown[]) => Promise<{ wait(): Promise<unknown> }>
        >
      )[fn](...args)
    ).wait();
    side.log(what);
    return;
  }
  await asManager(side, what, pool as unknown as BaseContract, fn, args);
}

/** The pool owned by the AccessManager (Chainlink Ownable2Step: transfer, then accepted through `execute`). */
async function poolToManager(side: Side, pool: FundLockReleasePool | FundBurnMintPool, label: string) {
  const managerAddress = await side.manager.getAddress();
  if (getAddress(await pool.owner()) === managerAddress) return;
  await (await pool.connect(side.deployer).transferOwnership(managerAddress)).wait();
  await asManager(
    side,
    `${label}: owned by the AccessManager`,
    pool as unknown as BaseContract,
    "acceptOwnership",
    [],
  );
}

/** CCT registration: the token's CCIP admin (its AccessManager) becomes its administrator and sets its pool. */
async function registerCct(
  side: Side,
  chain: { tokenAdminRegistry: string; registryModuleOwnerCustom: string },
  token: string,
  pool: string,
  label: string,
) {
  const { ethers } = side.hre;
  const tar = (await ethers.getContractAt(
    "TokenAdminRegistry",
    chain.tokenAdminRegistry,
  )) as unknown as TokenAdminRegistry;
  const module = (await ethers.getContractAt(
    "RegistryModuleOwnerCustom",
    chain.registryModuleOwnerCustom,
  )) as unknown as RegistryModuleOwnerCustom;
  const managerAddress = await side.manager.getAddress();
  let cfg = await tar.getTokenConfig(token);
  if (getAddress(cfg.administrator) !== managerAddress) {
    if (getAddress(cfg.pendingAdministrator) !== managerAddress)
      await asManager(
        side,
        `${label}: CCT admin proposed (registerAdminViaGetCCIPAdmin)`,
        module,
        "registerAdminViaGetCCIPAdmin",
        [token],
      );
    await asManager(side, `${label}: CCT admin accepted`, tar, "acceptAdminRole", [token]);
    cfg = await tar.getTokenConfig(token);
  }
  if (getAddress(cfg.tokenPool) !== getAddress(pool))
    await asManager(side, `${label}: CCT pool ${pool}`, tar, "setPool", [token, pool]);
}

/** The lane wanted on a local pool: the remote pool and token, and the local outbound and inbound buckets. */
interface Lane {
  label: string;
  selector: bigint;
  remotePool: string;
  remoteToken: string;
  outbound: RateLimiterConfig;
  inbound: RateLimiterConfig;
}

const sameBucket = (a: { isEnabled: boolean; capacity: bigint; rate: bigint }, b: RateLimiterConfig) =>
  a.isEnabled === b.isEnabled && (!b.isEnabled || (a.capacity === b.capacity && a.rate === b.rate));

/** Refuses a lane the pool already links to another pool or token (before anything is sent). */
async function checkLane(pool: FundLockReleasePool | FundBurnMintPool, lane: Lane) {
  if (!(await pool.isSupportedChain(lane.selector))) return;
  const token = getAddress(coder.decode(["address"], await pool.getRemoteToken(lane.selector))[0]);
  const pools = (await pool.getRemotePools(lane.selector)).map((p) =>
    getAddress(coder.decode(["address"], p)[0]),
  );
  if (token !== getAddress(lane.remoteToken) || !pools.includes(getAddress(lane.remotePool)))
    throw new MultichainLinkError(
      `${lane.label}: the pool already links chain ${lane.selector} to token ${token} and pools ${pools.join(", ")}, ` +
        `the deployment says token ${lane.remoteToken} and pool ${lane.remotePool}: refused (re-pointing a lane is a governed change)`,
    );
}

/** Links `lane` on `pool` (first time), or sets its rate limits when they differ from the config. */
async function applyLane(side: Side, pool: FundLockReleasePool | FundBurnMintPool, lane: Lane) {
  if (!(await pool.isSupportedChain(lane.selector))) {
    const update = chainUpdate(lane.selector, lane.remotePool, lane.remoteToken, lane.outbound, lane.inbound);
    await ownerCall(side, pool, `${lane.label}: linked to pool ${lane.remotePool}`, "applyChainUpdates", [
      [],
      [update],
    ]);
    return;
  }
  const out = await pool.getCurrentOutboundRateLimiterState(lane.selector);
  const inb = await pool.getCurrentInboundRateLimiterState(lane.selector);
  if (!sameBucket(out, lane.outbound) || !sameBucket(inb, lane.inbound))
    await ownerCall(side, pool, `${lane.label}: rate limits from the config`, "setChainRateLimiterConfig", [
      lane.selector,
      lane.outbound,
      lane.inbound,
    ]);
}

/** A satellite's records (undefined when it is not deployed yet). */
async function satelliteRecords(hre: HardhatRuntimeEnvironment, sat: SatelliteConfig) {
  const records = recordsOf(hre, sat.network);
  const get = (name: string) => records.getOrNull(satelliteRecord(sat.network, name));
  const [pool, token, mirror] = await Promise.all([
    get("FundBurnMintPool"),
    get("FundToken"),
    get("SatelliteMirror"),
  ]);
  if (!pool || !token || !mirror) return undefined;
  return { pool: pool.address, token: token.address, mirror: mirror.address };
}

/** The home lanes still to link: satellites of the config whose lane the home pool does not know yet. */
export async function pendingLanes(ctx: DeployContext): Promise<string[]> {
  const mc = ctx.config.multichain;
  if (!mc) return [];
  const rec = await ctx.hre.deployments.getOrNull("FundLockReleasePool");
  if (!rec) return mc.satellites.map((s) => s.network);
  const pool = (await ctx.hre.ethers.getContractAt(
    "FundLockReleasePool",
    rec.address,
  )) as unknown as FundLockReleasePool;
  const out: string[] = [];
  for (const s of mc.satellites)
    if (!(await pool.isSupportedChain(BigInt(s.chainSelector)))) out.push(s.network);
  return out;
}

/** The home chain's side (deploy script 10_multichain on the home network, before the handover). */
export async function deployHomeSide(
  ctx: DeployContext,
): Promise<{ pool: string; relay: string; pending: string[] }> {
  const mc = ctx.config.multichain as MultichainConfig;
  const home = mc.home;
  const manager = await accessManager(ctx);
  const side: Side = { hre: ctx.hre, deployer: ctx.deployer, manager, log: ctx.log };
  const managerAddress = await manager.getAddress();
  const token = await (await recorded<IFundToken>(ctx, "FundToken")).getAddress();
  const registry = await recorded<IdentityRegistry>(ctx, "IdentityRegistry");
  const { ethers } = ctx.hre;

  // Every lane checked before anything is sent.
  const lanes: (Lane & { mirror: string; network: string })[] = [];
  const pending: string[] = [];
  for (const sat of mc.satellites) {
    const r = await satelliteRecords(ctx.hre, sat);
    if (!r) {
      pending.push(sat.network);
      continue;
    }
    lanes.push({
      label: `FundLockReleasePool -> ${sat.network}`,
      network: sat.network,
      selector: BigInt(sat.chainSelector),
      remotePool: r.pool,
      remoteToken: r.token,
      mirror: r.mirror,
      outbound: bucket(sat.lane.toSatellite),
      inbound: bucket(sat.inbound?.toHome ?? sat.lane.toHome),
    });
  }
  const existingPool = await ctx.hre.deployments.getOrNull("FundLockReleasePool");
  if (existingPool) {
    const p = (await ethers.getContractAt(
      "FundLockReleasePool",
      existingPool.address,
    )) as unknown as FundLockReleasePool;
    for (const lane of lanes) await checkLane(p, lane);
  }

  const poolAddress = await deployPlain(ctx, "FundLockReleasePool", "FundLockReleasePool", [
    token,
    home.rmnProxy,
    home.router,
    managerAddress,
  ]);
  const relayAddress = await deployPlain(ctx, "HomeRelay", "HomeRelay", [home.router, token, managerAddress]);
  const pool = (await ethers.getContractAt(
    "FundLockReleasePool",
    poolAddress,
    ctx.deployer,
  )) as unknown as FundLockReleasePool;
  const relay = (await ethers.getContractAt("HomeRelay", relayAddress, ctx.deployer)) as unknown as HomeRelay;
  await wireFunctionRoles(ctx, "FundLockReleasePool", poolAddress, pool.interface, FUND_POOL_ROLES);
  await wireFunctionRoles(ctx, "HomeRelay", relayAddress, relay.interface, HOME_RELAY_ROLES);

  await withRoles(
    side,
    ["ISSUER", "COMPLIANCE_OFFICER"],
    poolAccountSteps(registry, poolAddress, "IdentityRegistry: FundLockReleasePool"),
  );
  await registerCct(side, home, token, poolAddress, "FundToken (home)");
  await poolToManager(side, pool, "FundLockReleasePool");
  for (const lane of lanes) await applyLane(side, pool, lane);
  await withRoles(
    side,
    ["ISSUER"],
    lanes.map((lane) => [
      `HomeRelay: mirror of ${lane.network} is ${lane.mirror}`,
      async () => getAddress(await relay.mirror(lane.selector)) !== getAddress(lane.mirror),
      () => relay.setMirror(lane.selector, lane.mirror),
    ]),
  );
  for (const network of pending)
    ctx.log(
      `multichain: ${network} is not deployed yet; deploy it, then run the home deployment again to link it`,
    );
  return { pool: poolAddress, relay: relayAddress, pending };
}

/** A satellite's deployer context. */
export interface SatelliteContext {
  hre: HardhatRuntimeEnvironment;
  deployer: HardhatEthersSigner;
  /** The address of a role holder reference (an address, or a local Hardhat account). */
  address(ref: ChainAccount): string;
  log(message: string): void;
}

/** The contracts of a deployed satellite. */
export interface SatelliteContracts {
  manager: AccessManager;
  registry: IdentityRegistry;
  compliance: IFundCompliance;
  token: IFundToken;
  pool: FundBurnMintPool;
  mirror: SatelliteMirror;
}

/** Wires `map` of `target` in `manager`, sending only the differences (ADMIN needed for those). */
async function wire(side: Side, label: string, target: string, iface: Interface, map: FunctionRoles) {
  for (const [role, names] of Object.entries(map) as [RoleName, string[]][]) {
    const selectors = names.map((n) => {
      if (n === "upgradeToAndCall")
        return new Interface(["function upgradeToAndCall(address,bytes)"]).getFunction("upgradeToAndCall")!
          .selector;
      const f = iface.getFunction(n);
      if (!f) throw new Error(`${label}: no function ${n}`);
      return f.selector;
    });
    const differing: string[] = [];
    for (const sel of selectors)
      if ((await side.manager.getTargetFunctionRole(target, sel)) !== ROLE_IDS[role]) differing.push(sel);
    if (differing.length === 0) continue;
    if (!(await isAdmin(side)))
      throw new Error(`${label}: functions not wired to ${role}, and the deployer no longer holds ADMIN`);
    await (await side.manager.setTargetFunctionRole(target, differing, ROLE_IDS[role])).wait();
    side.log(`${label}: ${differing.length} function(s) -> ${role}`);
  }
}

/** A satellite's side (deploy script 10_multichain on that network, FUND_CONFIG=<home network>). */
export async function deploySatelliteSide(
  sctx: SatelliteContext,
  mc: MultichainConfig,
  network: string,
): Promise<SatelliteContracts> {
  const sat = mc.satellites.find((s) => s.network === network);
  if (!sat || !sat.deployment) throw new Error(`multichain: ${network} is not a satellite of the deployment`);
  const d = sat.deployment;
  const { hre } = sctx;
  const { ethers } = hre;
  const homeRecords = recordsOf(hre, mc.home.network);
  const [homePool, homeToken, homeRelay] = await Promise.all(
    ["FundLockReleasePool", "FundToken", "HomeRelay"].map((n) => homeRecords.getOrNull(n)),
  );
  if (!homePool || !homeToken || !homeRelay)
    throw new Error(
      `multichain: deploy the home chain (${mc.home.network}) first: ${network} links to its pool and relay`,
    );
  const name = (c: string) => satelliteRecord(network, c);
  // deployPlain / deployProxy only use the runtime, the deployer and the logger.
  const dctx = { hre, deployer: sctx.deployer, log: sctx.log } as unknown as DeployContext;
  const existing = await hre.deployments.getOrNull(name("FundBurnMintPool"));
  const selector = BigInt(mc.home.chainSelector);
  const homeLane = (poolAddr: string): Lane => ({
    label: `${name("FundBurnMintPool")} -> home`,
    selector,
    remotePool: homePool.address,
    remoteToken: homeToken.address,
    outbound: bucket(sat.lane.toHome),
    inbound: bucket(sat.inbound?.toSatellite ?? sat.lane.toSatellite),
  });
  if (existing) {
    const p = (await ethers.getContractAt(
      "FundBurnMintPool",
      existing.address,
    )) as unknown as FundBurnMintPool;
    await checkLane(p, homeLane(existing.address));
  }

  const managerAddress = await deployPlain(dctx, name("AccessManager"), "AccessManager", [
    sctx.deployer.address,
  ]);
  const manager = (await ethers.getContractAt(
    "AccessManager",
    managerAddress,
    sctx.deployer,
  )) as unknown as AccessManager;
  const side: Side = { hre, deployer: sctx.deployer, manager, log: sctx.log };
  const sources = await deployPlain(dctx, name("IdentityRegistrySources"), "IdentityRegistrySources", []);
  const registryAddress = await deployProxy(
    dctx,
    name("IdentityRegistry"),
    "IdentityRegistry",
    [managerAddress, d.kycValiditySeconds],
    {
      constructorArgs: [sources],
    },
  );
  const complianceAdmin = await deployPlain(
    dctx,
    name("ModularComplianceAdmin"),
    "ModularComplianceAdmin",
    [],
  );
  const complianceAddress = await deployProxy(
    dctx,
    name("ModularCompliance"),
    "ModularCompliance",
    [managerAddress],
    {
      constructorArgs: [complianceAdmin],
    },
  );
  const mirrorAddress = await deployPlain(dctx, name("SatelliteMirror"), "SatelliteMirror", [
    sat.router,
    selector,
    homeRelay.address,
    registryAddress,
    complianceAddress,
    managerAddress,
  ]);
  const tokenAdmin = await deployPlain(dctx, name("FundTokenAdmin"), "FundTokenAdmin", []);
  const tokenAddress = await deployProxy(
    dctx,
    name("FundToken"),
    "FundToken",
    [
      {
        authority: managerAddress,
        name: d.name,
        symbol: d.symbol,
        onchainID: ethers.ZeroAddress,
        identityRegistry: registryAddress,
        compliance: complianceAddress,
        // The satellite never accrues nor issues by itself: the mirror refuses both (docs/MULTICHAIN.md).
        navOracle: mirrorAddress,
        reserveGuard: mirrorAddress,
        feeWallet: ethers.ZeroAddress,
        managementFeeBps: 0,
      },
    ],
    { constructorArgs: [tokenAdmin] },
  );
  const poolAddress = await deployPlain(dctx, name("FundBurnMintPool"), "FundBurnMintPool", [
    tokenAddress,
    sat.rmnProxy,
    sat.router,
    managerAddress,
  ]);
  const at = async <T>(contract: string, address: string) =>
    (await ethers.getContractAt(contract, address, sctx.deployer)) as unknown as T;
  const registry = await at<IdentityRegistry>("IdentityRegistry", registryAddress);
  const sourcesIface = (await ethers.getContractFactory("IdentityRegistrySources")).interface;
  const compliance = await at<IFundCompliance>("IFundCompliance", complianceAddress);
  const token = await at<IFundToken>("IFundToken", tokenAddress);
  const pool = await at<FundBurnMintPool>("FundBurnMintPool", poolAddress);
  const mirror = await at<SatelliteMirror>("SatelliteMirror", mirrorAddress);

  await wire(
    side,
    name("IdentityRegistry"),
    registryAddress,
    new Interface([...registry.interface.fragments, ...sourcesIface.fragments]),
    IDENTITY_REGISTRY_ROLES,
  );
  await wire(side, name("ModularCompliance"), complianceAddress, compliance.interface, COMPLIANCE_ROLES);
  await wire(side, name("FundToken"), tokenAddress, token.interface, TOKEN_ROLES);
  await wire(side, name("FundBurnMintPool"), poolAddress, pool.interface, FUND_POOL_ROLES);
  await wire(side, name("SatelliteMirror"), mirrorAddress, mirror.interface, SATELLITE_MIRROR_ROLES);

  // The mirror writes the registry and the sanctions list and applies the index; the pool issues and burns.
  const grants: [RoleName, string, number][] = [
    ["COMPLIANCE_OFFICER", mirrorAddress, 0],
    ["CHAIN_MIRROR", mirrorAddress, 0],
    ["BRIDGE_POOL", poolAddress, 0],
  ];
  for (const [role, who, delay] of grants) {
    if ((await manager.hasRole(ROLE_IDS[role], who))[0]) continue;
    if (!(await isAdmin(side)))
      throw new Error(`${network}: ${role} is not granted to ${who} and the deployer no longer holds ADMIN`);
    await (await manager.grantRole(ROLE_IDS[role], who, delay)).wait();
    sctx.log(`${name("AccessManager")}: ${role} -> ${who}`);
  }
  await withRoles(
    side,
    ["ISSUER", "COMPLIANCE_OFFICER"],
    [
      [
        `${name("ModularCompliance")}: bound to the token`,
        async () => (await compliance.getTokenBound()) === ethers.ZeroAddress,
        () => compliance.bindToken(tokenAddress),
      ],
      [
        `${name("IdentityRegistry")}: bound to the token`,
        async () => !(await registry.boundTokens()).map(getAddress).includes(getAddress(tokenAddress)),
        () => registry.bindToken(tokenAddress),
      ],
      ...poolAccountSteps(registry, poolAddress, `${name("IdentityRegistry")}: the pool`),
      [
        `${name("ModularCompliance")}: rules ${d.rules}`,
        async () => Number(await compliance.rules()) !== d.rules,
        () => compliance.setRules(d.rules),
      ],
      [
        `${name("SatelliteMirror")}: bound to the token`,
        async () => (await mirror.token()) === ethers.ZeroAddress,
        () => mirror.bindToken(tokenAddress),
      ],
    ],
  );
  await applyLane(side, pool, homeLane(poolAddress));
  await registerCct(side, sat, tokenAddress, poolAddress, `${name("FundToken")}`);
  await poolToManager(side, pool, name("FundBurnMintPool"));

  // Handover to the issuer's governance on this chain (the last step: ADMIN, then the deployer renounces it).
  const holders: [RoleName, ChainAccount, number][] = [
    ["ISSUER", d.roles.issuer, d.delays.issuer],
    ["TRANSFER_AGENT", d.roles.transferAgent, 0],
    ["GUARDIAN", d.roles.guardian, 0],
    ["ADMIN", d.roles.admin, d.delays.admin],
  ];
  for (const [role, ref, delay] of holders) {
    const who = sctx.address(ref);
    if ((await manager.hasRole(ROLE_IDS[role], who))[0]) continue;
    if (!(await isAdmin(side)))
      throw new Error(`${network}: ${role} is not granted to ${who} and the deployer no longer holds ADMIN`);
    await (await manager.grantRole(ROLE_IDS[role], who, delay)).wait();
    sctx.log(`${name("AccessManager")}: ${role} -> ${who} (delay ${delay} s)`);
  }
  if (await isAdmin(side)) {
    if ((await manager.getRoleGuardian(ROLE_IDS.ISSUER)) !== ROLE_IDS.GUARDIAN)
      await (await manager.setRoleGuardian(ROLE_IDS.ISSUER, ROLE_IDS.GUARDIAN)).wait();
    if (getAddress(sctx.address(d.roles.admin)) !== sctx.deployer.address) {
      await (await manager.renounceRole(ROLE_IDS.ADMIN, sctx.deployer.address)).wait();
      sctx.log(`${name("AccessManager")}: deployer renounced ADMIN`);
    }
  }
  return { manager, registry, compliance, token, pool, mirror };
}
