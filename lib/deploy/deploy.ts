/**
 * Idempotent building blocks of the deploy scripts: upgradeable proxies through the OpenZeppelin upgrades
 * plugin (storage-layout validation on every deployment) recorded with hardhat-deploy, plain contracts,
 * and AccessManager wiring that only sends what differs from the chain.
 */
import { Interface, type BaseContract, type Fragment, type JsonFragment } from "ethers";
import type { DeployContext } from "./context";
import { ROLE_IDS, roleName, type FunctionRoles, type RoleName } from "./roles";

/** ABI made of several artifacts' ABIs, without duplicate entries (a split contract's whole surface). */
export async function mergedAbi(ctx: DeployContext, names: string[]): Promise<JsonFragment[]> {
  const seen = new Set<string>();
  const out: JsonFragment[] = [];
  for (const name of names) {
    const artifact = await ctx.hre.artifacts.readArtifact(name);
    for (const item of artifact.abi as JsonFragment[]) {
      const key =
        item.type === "function" || item.type === "event" || item.type === "error"
          ? `${item.type}:${(Interface.from([item]).fragments[0] as Fragment).format("sighash")}`
          : (item.type ?? "");
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(item);
    }
  }
  return out;
}

export interface ProxyOptions {
  constructorArgs?: unknown[];
  /** Validations of the upgrades plugin to relax, for an inherited base that needs it (say why at the call). */
  unsafeAllow?: ("constructor" | "state-variable-immutable")[];
  /** Artifacts whose ABIs are merged into the record (e.g. the interface of a split contract). */
  abiFrom?: string[];
}

/**
 * Deploys `contract` behind a UUPS proxy initialised with `initArgs` and records it as `name`; reuses the
 * record when it exists (re-running the scripts is idempotent).
 */
export async function deployProxy(
  ctx: DeployContext,
  name: string,
  contract: string,
  initArgs: unknown[],
  options: ProxyOptions = {},
): Promise<string> {
  const { deployments, upgrades, ethers } = ctx.hre;
  const existing = await deployments.getOrNull(name);
  if (existing) {
    ctx.log(`reusing ${name} at ${existing.address}`);
    return existing.address;
  }
  const factory = await ethers.getContractFactory(contract, ctx.deployer);
  const proxy = await upgrades.deployProxy(factory, initArgs, {
    kind: "uups",
    constructorArgs: options.constructorArgs,
    unsafeAllow: options.unsafeAllow,
  });
  await proxy.waitForDeployment();
  const address = await proxy.getAddress();
  const implementation = await upgrades.erc1967.getImplementationAddress(address);
  const tx = proxy.deploymentTransaction();
  await deployments.save(name, {
    address,
    abi: await mergedAbi(ctx, [contract, ...(options.abiFrom ?? [])]),
    implementation,
    transactionHash: tx?.hash,
    args: initArgs as never[],
  });
  ctx.log(
    `deployed ${name} (${contract} behind a UUPS proxy) at ${address}, implementation ${implementation}`,
  );
  return address;
}

/** Deploys a plain contract recorded as `name` (reused when its record exists). */
export async function deployPlain(
  ctx: DeployContext,
  name: string,
  contract: string,
  args: unknown[],
): Promise<string> {
  const result = await ctx.hre.deployments.deploy(name, {
    contract,
    from: ctx.deployer.address,
    args,
    log: false,
    skipIfAlreadyDeployed: true,
  });
  ctx.log(`${result.newlyDeployed ? "deployed" : "reusing"} ${name} at ${result.address}`);
  return result.address;
}

/** A recorded deployment as a typed contract connected to the deployer. */
export async function recorded<T extends BaseContract>(ctx: DeployContext, name: string): Promise<T> {
  const d = await ctx.hre.deployments.get(name);
  return new ctx.hre.ethers.Contract(d.address, d.abi, ctx.deployer) as unknown as T;
}

/** The AccessManager record as a contract connected to the deployer. */
export async function accessManager(ctx: DeployContext) {
  const d = await ctx.hre.deployments.get("AccessManager");
  return ctx.hre.ethers.getContractAt("AccessManager", d.address, ctx.deployer);
}

/** Selectors of `names` in `iface`, failing loudly on a name the ABI lacks (a typo in the role map). */
export function selectorsOf(iface: Interface, names: string[], label: string): string[] {
  return names.map((n) => {
    const f = iface.getFunction(n);
    if (!f) throw new Error(`Role map: ${label} has no function "${n}"`);
    return f.selector;
  });
}

/**
 * Wires each restricted function of `target` to its role, sending only the changes. After the deployer
 * handed the admin role over, a difference can only be fixed through the admin Safe: that is reported.
 */
export async function wireFunctionRoles(
  ctx: DeployContext,
  label: string,
  target: string,
  iface: Interface,
  map: FunctionRoles,
): Promise<void> {
  const manager = await accessManager(ctx);
  const [isAdmin] = await manager.hasRole(ROLE_IDS.ADMIN, ctx.deployer.address);
  for (const [role, names] of Object.entries(map) as [RoleName, string[]][]) {
    const wanted = ROLE_IDS[role];
    const selectors = selectorsOf(iface, names, label);
    const differing: string[] = [];
    for (const sel of selectors) {
      if ((await manager.getTargetFunctionRole(target, sel)) !== wanted) differing.push(sel);
    }
    if (differing.length === 0) continue;
    if (!isAdmin) {
      const current = await manager.getTargetFunctionRole(target, differing[0]);
      throw new Error(
        `${label}: ${differing.length} function(s) are not wired to ${role} (e.g. ${differing[0]} is ${roleName(current)}); ` +
          `the deployer no longer holds ADMIN: change it through the admin Safe`,
      );
    }
    await (await manager.setTargetFunctionRole(target, differing, wanted)).wait();
    ctx.log(`${label}: ${differing.length} function(s) -> ${role}`);
  }
}

/**
 * Runs `body` with the deployer holding `roles` (granted without delay while it is still the AccessManager
 * admin during the first deployment). On a re-run, after the handover, `body` must not need them: it is
 * run without, so a needed change fails with the contract's own authorisation error.
 */
export async function asDeployerWithRoles(
  ctx: DeployContext,
  roles: RoleName[],
  body: () => Promise<void>,
): Promise<void> {
  const manager = await accessManager(ctx);
  const [isAdmin] = await manager.hasRole(ROLE_IDS.ADMIN, ctx.deployer.address);
  const granted: bigint[] = [];
  if (isAdmin) {
    for (const role of roles) {
      const id = ROLE_IDS[role];
      const [member] = await manager.hasRole(id, ctx.deployer.address);
      if (!member) {
        await (await manager.grantRole(id, ctx.deployer.address, 0)).wait();
        granted.push(id);
      }
    }
  }
  try {
    await body();
  } finally {
    for (const id of granted) await (await manager.renounceRole(id, ctx.deployer.address)).wait();
  }
}

/** Sends a transaction only when `needed` says the chain differs from the config. */
export async function ensure(
  ctx: DeployContext,
  what: string,
  needed: () => Promise<boolean>,
  send: () => Promise<{ wait(): Promise<unknown> }>,
): Promise<void> {
  if (!(await needed())) return;
  await (await send()).wait();
  ctx.log(what);
}
