/**
 * Issue 18 (docs/MULTICHAIN.md): the pieces of one fund on several chains. `deploySatellite` deploys a satellite
 * chain's stack (AccessManager, registry, compliance, token, burn/mint pool, mirror of the home chain) and wires it;
 * `deployHomeBridge` deploys the home chain's lock/release pool and relay next to a fund the deploy scripts
 * deployed. Both are used by the multichain tests; they take signers and addresses, not a hardhat-deploy context,
 * because one Hardhat network hosts both chains there.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { AbiCoder, Interface, id, type Signer } from "ethers";
import {
  COMPLIANCE_ROLES,
  IDENTITY_REGISTRY_ROLES,
  ROLE_IDS,
  TOKEN_ROLES,
  type FunctionRoles,
  type RoleName,
} from "./roles";
import { RULES } from "../compliance-rules";
import { InvestorClasses } from "../generated/contracts";
import type {
  AccessManager,
  FundBurnMintPool,
  FundLockReleasePool,
  HomeRelay,
  IdentityRegistry,
  IFundCompliance,
  IFundToken,
  SatelliteMirror,
} from "../../typechain-types";

/** The fund's CCIP token pools (issue 18, docs/MULTICHAIN.md): their own restricted functions. */
export const FUND_POOL_ROLES: FunctionRoles = {
  TRANSFER_AGENT: ["deliver", "returnToSender"],
  GUARDIAN: ["pause"],
  ISSUER: ["unpause"],
};

/** The home relay of registry records and the index to satellites (issue 18). */
export const HOME_RELAY_ROLES: FunctionRoles = {
  ISSUER: ["setMirror"],
};

/** A satellite's mirror of the home chain (issue 18). */
export const SATELLITE_MIRROR_ROLES: FunctionRoles = {
  ISSUER: ["bindToken"],
};

/** InvestorClasses.PROTOCOL. */
export const PROTOCOL_CLASS: number = InvestorClasses.PROTOCOL;
/** A KYC expiry for the pools' own registry entries: far in the future (year 2100). */
export const ACCOUNT_KYC_EXPIRY = 4_102_444_800;

/** A rate-limit bucket of Chainlink's RateLimiter.Config. */
export interface RateLimit {
  isEnabled: boolean;
  capacity: bigint;
  rate: bigint;
}
export const NO_RATE_LIMIT: RateLimit = { isEnabled: false, capacity: 0n, rate: 0n };

/** Wires `map` (role name -> function names) of `target` in `manager` (the caller must hold ADMIN). */
export async function wireRoles(
  manager: AccessManager,
  target: string,
  iface: Interface,
  map: FunctionRoles,
) {
  for (const [role, names] of Object.entries(map) as [RoleName, string[]][]) {
    const selectors = names.map((n) => {
      // The proxies' UUPS entry point is not in the interfaces' ABIs.
      if (n === "upgradeToAndCall") return id("upgradeToAndCall(address,bytes)").slice(0, 10);
      const f = iface.getFunction(n);
      if (!f) throw new Error(`${target}: no function ${n}`);
      return f.selector;
    });
    await (await manager.setTargetFunctionRole(target, selectors, ROLE_IDS[role])).wait();
  }
}

export interface SatelliteParams {
  /** Deploys and holds ADMIN of the satellite's AccessManager. */
  admin: Signer;
  /** Role holders on the satellite (ISSUER, TRANSFER_AGENT, GUARDIAN), without delay. */
  issuer: string;
  transferAgent: string;
  guardian: string;
  router: string;
  rmnProxy: string;
  homeChainSelector: bigint;
  homeRelay: string;
  name: string;
  symbol: string;
  kycValiditySeconds: number;
  /** Compliance rules enabled on the satellite (RULES flags); sanctions at least. */
  rules?: number;
}

export interface SatelliteStack {
  manager: AccessManager;
  registry: IdentityRegistry;
  compliance: IFundCompliance;
  token: IFundToken;
  pool: FundBurnMintPool;
  mirror: SatelliteMirror;
}

/** Deploys and wires a satellite chain's stack (docs/MULTICHAIN.md "Architecture"). */
export async function deploySatellite(
  hre: HardhatRuntimeEnvironment,
  p: SatelliteParams,
): Promise<SatelliteStack> {
  const { ethers, upgrades } = hre;
  const adminAddress = await p.admin.getAddress();
  const factory = (name: string) => ethers.getContractFactory(name, p.admin);

  const manager = (await (await factory("AccessManager")).deploy(adminAddress)) as unknown as AccessManager;
  const managerAddress = await manager.getAddress();
  // The registry's verification-sources extension (issue 20) is deployed as on home; a satellite wires no
  // source: its records come from the home chain through the mirror.
  const registrySources = await (await factory("IdentityRegistrySources")).deploy();
  const registry = (await upgrades.deployProxy(
    await factory("IdentityRegistry"),
    [managerAddress, p.kycValiditySeconds],
    { kind: "uups", constructorArgs: [await registrySources.getAddress()] },
  )) as unknown as IdentityRegistry;
  const complianceAdmin = await (await factory("ModularComplianceAdmin")).deploy();
  const complianceProxy = await upgrades.deployProxy(await factory("ModularCompliance"), [managerAddress], {
    kind: "uups",
    constructorArgs: [await complianceAdmin.getAddress()],
  });
  const compliance = (await ethers.getContractAt(
    "IFundCompliance",
    await complianceProxy.getAddress(),
    p.admin,
  )) as unknown as IFundCompliance;
  const mirror = (await (
    await factory("SatelliteMirror")
  ).deploy(
    p.router,
    p.homeChainSelector,
    p.homeRelay,
    await registry.getAddress(),
    await compliance.getAddress(),
    managerAddress,
  )) as unknown as SatelliteMirror;
  const mirrorAddress = await mirror.getAddress();
  const tokenAdmin = await (await factory("FundTokenAdmin")).deploy();
  const tokenProxy = await upgrades.deployProxy(
    await factory("FundToken"),
    [
      {
        authority: managerAddress,
        name: p.name,
        symbol: p.symbol,
        onchainID: ethers.ZeroAddress,
        identityRegistry: await registry.getAddress(),
        compliance: await compliance.getAddress(),
        // The satellite never accrues nor issues by itself: the mirror refuses both (docs/MULTICHAIN.md).
        navOracle: mirrorAddress,
        reserveGuard: mirrorAddress,
        feeWallet: ethers.ZeroAddress,
        managementFeeBps: 0,
      },
    ],
    { kind: "uups", constructorArgs: [await tokenAdmin.getAddress()] },
  );
  const token = (await ethers.getContractAt(
    "IFundToken",
    await tokenProxy.getAddress(),
    p.admin,
  )) as unknown as IFundToken;
  const tokenAddress = await token.getAddress();
  const pool = (await (
    await factory("FundBurnMintPool")
  ).deploy(tokenAddress, p.rmnProxy, p.router, managerAddress)) as unknown as FundBurnMintPool;
  const poolAddress = await pool.getAddress();

  await wireRoles(
    manager,
    await registry.getAddress(),
    new Interface([...registry.interface.fragments, ...registrySources.interface.fragments]),
    IDENTITY_REGISTRY_ROLES,
  );
  await wireRoles(manager, await compliance.getAddress(), compliance.interface, COMPLIANCE_ROLES);
  await wireRoles(manager, tokenAddress, token.interface, TOKEN_ROLES);
  await wireRoles(manager, poolAddress, pool.interface, FUND_POOL_ROLES);
  await wireRoles(manager, mirrorAddress, mirror.interface, SATELLITE_MIRROR_ROLES);
  const grant = async (role: RoleName, who: string) =>
    (await manager.grantRole(ROLE_IDS[role], who, 0)).wait();
  // The deployer configures with ISSUER and COMPLIANCE_OFFICER, then keeps ADMIN only (a test chain).
  await grant("ISSUER", adminAddress);
  await grant("COMPLIANCE_OFFICER", adminAddress);
  await grant("ISSUER", p.issuer);
  await grant("TRANSFER_AGENT", p.transferAgent);
  await grant("GUARDIAN", p.guardian);
  // The mirror writes the registry and the sanctions list and applies the index; the pool issues and burns.
  await grant("COMPLIANCE_OFFICER", mirrorAddress);
  await grant("CHAIN_MIRROR", mirrorAddress);
  await grant("BRIDGE_POOL", poolAddress);

  await (await compliance.bindToken(tokenAddress)).wait();
  await (await registry.bindToken(tokenAddress)).wait();
  await (await registry.setProtocolAccount(poolAddress, true)).wait();
  await (
    await registry.registerInvestor(poolAddress, poolAddress, 840, PROTOCOL_CLASS, ACCOUNT_KYC_EXPIRY)
  ).wait();
  await (await compliance.setRules(p.rules ?? RULES.SANCTIONS)).wait();
  await (await mirror.bindToken(tokenAddress)).wait();
  await (await manager.revokeRole(ROLE_IDS.ISSUER, adminAddress)).wait();
  await (await manager.revokeRole(ROLE_IDS.COMPLIANCE_OFFICER, adminAddress)).wait();
  return { manager, registry, compliance, token, pool, mirror };
}

/** Chainlink TokenPool.ChainUpdate linking a pool to its remote counterpart. */
export function chainUpdate(
  remoteChainSelector: bigint,
  remotePool: string,
  remoteToken: string,
  outbound: RateLimit = NO_RATE_LIMIT,
  inbound: RateLimit = NO_RATE_LIMIT,
) {
  const coder = AbiCoder.defaultAbiCoder();
  return {
    remoteChainSelector,
    remotePoolAddresses: [coder.encode(["address"], [remotePool])],
    remoteTokenAddress: coder.encode(["address"], [remoteToken]),
    outboundRateLimiterConfig: outbound,
    inboundRateLimiterConfig: inbound,
  };
}

export interface HomeBridge {
  pool: FundLockReleasePool;
  relay: HomeRelay;
}

/** Deploys the home chain's lock/release pool and relay (wiring and registration are governed calls). */
export async function deployHomeBridge(
  hre: HardhatRuntimeEnvironment,
  deployer: Signer,
  p: { token: string; router: string; rmnProxy: string; manager: string },
): Promise<HomeBridge> {
  const { ethers } = hre;
  const pool = (await (
    await ethers.getContractFactory("FundLockReleasePool", deployer)
  ).deploy(p.token, p.rmnProxy, p.router, p.manager)) as unknown as FundLockReleasePool;
  const relay = (await (
    await ethers.getContractFactory("HomeRelay", deployer)
  ).deploy(p.router, p.token, p.manager)) as unknown as HomeRelay;
  return { pool, relay };
}
