/**
 * A deployed fund, as tests, Hardhat tasks and the demo use it: typed contracts from the deployment records,
 * and each role holder able to act through its Safe (executing at once, or scheduling behind the role's
 * execution delay).
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { BaseContract, FunctionFragment, Signer } from "ethers";
import { getAddress, resolveAddress } from "ethers";
import type { TypedContractMethod } from "../typechain-types/common";
import type {
  AccessManager,
  IdentityRegistry,
  IFundCompliance,
  IFundToken,
  NavOracle,
  NavPublisher,
  ReserveGuard,
  MockStablecoin,
  IFundManager,
  DvPSettlement,
  CrossChainAssetEscrow,
  CrossChainPaymentEscrow,
  WrappedFundToken,
  WrappedFundPriceFeed,
  OnchainIdSource,
  AttestationSource,
  IRegistrySources,
  FundVault,
} from "../typechain-types";
import {
  managedCall,
  executeScheduled,
  cancelScheduled,
  type ManagedCallResult,
  type TxResult,
} from "./governance";
import { ROLE_HOLDERS, type RoleHolderName } from "./config/types";

export interface HolderRecord {
  role: RoleHolderName;
  address: string;
  kind: "safe" | "account";
  owners: string[];
  threshold: number;
}

export interface FundContracts {
  manager: AccessManager;
  registry: IdentityRegistry;
  /** The registry's verification-sources functions (its IdentityRegistrySources extension), at the registry's address. */
  registrySources: IRegistrySources;
  compliance: IFundCompliance;
  token: IFundToken;
  navOracle: NavOracle;
  reserveGuard: ReserveGuard;
  /** Our NAV publisher, when the fund publishes its own NAV. */
  navPublisher?: NavPublisher;
  /** Our reserve publisher, when the fund publishes its own reserves. */
  reservePublisher?: NavPublisher;
  /** Stablecoins by symbol (mocks on local networks). */
  stablecoins: Record<string, MockStablecoin>;
  /** Subscriptions and redemptions (deploy/scripts/06_fund_manager.ts). */
  fundManager?: IFundManager;
  /** DvP settlement of secondary trades (deploy/scripts/07_settlement.ts). */
  settlement?: DvPSettlement;
  /** Cross-chain DvP: the asset leg on the fund's chain, the payment leg (locally on the same chain). */
  assetEscrow?: CrossChainAssetEscrow;
  paymentEscrow?: CrossChainPaymentEscrow;
  /** The non-rebasing wrapper and its price feed (deploy/scripts/08_wrapper.ts). */
  wrapper?: WrappedFundToken;
  wrapperFeed?: WrappedFundPriceFeed;
  /** The registry's verification sources (deploy/scripts/01b_identity_sources.ts, docs/IDENTITY.md). */
  onchainIdSource?: OnchainIdSource;
  attestationSource?: AttestationSource;
  /** The ERC-7575 / ERC-7540 entry points by stablecoin symbol (deploy/scripts/09_vaults.ts). */
  vaults: Record<string, FundVault>;
}

/** Whether `M` is a TypeChain method that changes state (distributes over a union: a target typed as one of two). */
type StateChanging<M> =
  M extends TypedContractMethod<infer _A, infer _R, infer S> ? (S extends "view" ? false : true) : false;

/** The arguments of the TypeChain method `M` (for a union, the union of its members' arguments). */
type MethodArgs<M> = M extends TypedContractMethod<infer A, infer _R, infer _S> ? A : never;

/** The state-changing functions of a TypeChain contract type `C` (its view and pure ones are not role calls). */
export type RoleFunctionName<C> = {
  [K in keyof C]: K extends string ? (StateChanging<C[K]> extends true ? K : never) : never;
}[keyof C];

/** The arguments of `C`'s function `K`, as TypeChain types them. */
export type RoleFunctionArgs<C, K extends keyof C> = MethodArgs<C[K]>;

/**
 * `C`'s state-changing functions, each sent by a role holder through the AccessManager and resolving to `R`:
 * `fund.as("issuer").on(token).setManagementFeeBps(20)`, type-checked against TypeChain's types of the target. An
 * untyped ethers `Contract` (built from an ABI at run time) gets untyped functions.
 */
export type RoleCalls<C, R> = string extends keyof C
  ? Record<string, (...args: unknown[]) => Promise<R>>
  : { [K in RoleFunctionName<C>]: (...args: RoleFunctionArgs<C, K>) => Promise<R> };

declare const typedStep: unique symbol;

/** One role call of a batch (helpers that schedule several calls, then execute them), built by {@link roleStep}. */
export type RoleStep = {
  readonly target: BaseContract;
  readonly fn: string;
  readonly args: unknown[];
  readonly [typedStep]: true;
};

/** A role call of a batch, typed like `RoleActor.on`: `roleStep(fm, "setFees", [10, 100])`. */
export function roleStep<C extends BaseContract, K extends RoleFunctionName<C>>(
  target: C,
  fn: K,
  args: RoleFunctionArgs<C, K>,
): RoleStep {
  return { target, fn, args: [...args] } as unknown as RoleStep;
}

/** The arguments with every address (also inside tuples and arrays) resolved, as ethers' Contract does. */
async function resolveArgs(fragment: FunctionFragment, args: unknown[]): Promise<unknown[]> {
  if (args.length !== fragment.inputs.length)
    throw new Error(`${fragment.format()} takes ${fragment.inputs.length} argument(s), got ${args.length}`);
  return Promise.all(
    fragment.inputs.map((param, i) =>
      param.walkAsync(args[i], (type, value) =>
        type === "address" ? resolveAddress(value as Parameters<typeof resolveAddress>[0]) : value,
      ),
    ),
  );
}

/** A role holder acting through the AccessManager. */
export class RoleActor {
  constructor(
    readonly fund: Fund,
    readonly holder: HolderRecord,
    /** Local signers of the holder: its Safe owners (threshold of them) or the account itself. */
    readonly signers: Signer[],
  ) {}

  get address(): string {
    return this.holder.address;
  }

  private caller() {
    if (this.signers.length === 0)
      throw new Error(
        `No local signer for ${this.holder.role} (${this.holder.address}): sign offline instead`,
      );
    return this.holder.kind === "safe" ? this.holder.address : this.signers[0];
  }

  private params(target: BaseContract, data: string, value?: bigint) {
    return {
      manager: this.fund.contracts.manager,
      caller: this.caller(),
      target: getAddress((target as unknown as { target: string }).target),
      data,
      value,
      signers: this.signers,
      interfaces: [target.interface, ...this.fund.interfaces()],
    };
  }

  /**
   * Executes `target.fn(...args)` at once, or schedules it when the role has an execution delay. `value` (wei) is
   * sent with the call from the holder's balance (with the later `execute` when the call is scheduled).
   */
  async call(
    target: BaseContract,
    fn: string,
    args: unknown[] = [],
    value?: bigint,
  ): Promise<ManagedCallResult> {
    return managedCall(this.params(target, target.interface.encodeFunctionData(fn, args), value));
  }

  /** Executes a call scheduled earlier by this holder, once its delay has passed, sending `value` (wei) with it. */
  async execute(target: BaseContract, fn: string, args: unknown[] = [], value?: bigint): Promise<TxResult> {
    return executeScheduled(this.params(target, target.interface.encodeFunctionData(fn, args), value));
  }

  /** Cancels a call `scheduler` scheduled (as a guardian of its role, or as the scheduler itself). */
  async cancel(
    scheduler: RoleActor,
    target: BaseContract,
    fn: string,
    args: unknown[] = [],
  ): Promise<TxResult> {
    return cancelScheduled({
      manager: this.fund.contracts.manager,
      canceller: this.caller(),
      scheduler: scheduler.address,
      target: getAddress((target as unknown as { target: string }).target),
      data: target.interface.encodeFunctionData(fn, args),
      signers: this.signers,
      interfaces: [target.interface],
    });
  }

  /**
   * `target`'s functions as this holder's calls (`call`): executed at once, or scheduled when the role has an
   * execution delay; `value` (wei) is sent with each. `fund.as("issuer").on(token).setManagementFeeBps(20)`.
   */
  on<C extends BaseContract>(target: C, value?: bigint): RoleCalls<C, ManagedCallResult> {
    return this.typed(target, (fn, args) => this.call(target, fn, args, value));
  }

  /** `target`'s functions as `callNow` calls (local networks: the delay, if any, is skipped by moving the chain). */
  now<C extends BaseContract>(target: C): RoleCalls<C, TxResult> {
    return this.typed(target, (fn, args) => this.callNow(target, fn, args));
  }

  /** `target`'s functions as the `execute` of calls this holder scheduled earlier, sending `value` (wei) with each. */
  executeOn<C extends BaseContract>(target: C, value?: bigint): RoleCalls<C, TxResult> {
    return this.typed(target, (fn, args) => this.execute(target, fn, args, value));
  }

  /** `target`'s functions as the `cancel` of calls `scheduler` scheduled. */
  cancelOn<C extends BaseContract>(scheduler: RoleActor, target: C): RoleCalls<C, TxResult> {
    return this.typed(target, (fn, args) => this.cancel(scheduler, target, fn, args));
  }

  /** A view of `target` whose every function sends `send(name, resolved args)`. */
  private typed<C extends BaseContract, R>(
    target: C,
    send: (fn: string, args: unknown[]) => Promise<R>,
  ): RoleCalls<C, R> {
    return new Proxy({} as RoleCalls<C, R>, {
      get: (_, name) => {
        // Not a function name (a symbol, or `then` when the view is awaited): nothing.
        if (typeof name !== "string") return undefined;
        const fragment = target.interface.getFunction(name);
        if (fragment === null) {
          if (name === "then") return undefined;
          throw new Error(`${name} is not a function of the target ${String(target.target)}`);
        }
        return async (...args: unknown[]) => send(name, await resolveArgs(fragment, args));
      },
    });
  }

  /**
   * Local networks: executes at once, or schedules, moves the chain past the delay and executes. The same
   * two transactions a Safe would send in production, with the waiting skipped.
   */
  async callNow(target: BaseContract, fn: string, args: unknown[] = []): Promise<TxResult> {
    const result = await this.call(target, fn, args);
    if (result.status === "executed") return result;
    const hre = this.fund.hre;
    const latest = await hre.ethers.provider.getBlock("latest");
    const wait = result.executableAt - BigInt(latest!.timestamp);
    if (wait > 0n) {
      await hre.network.provider.send("evm_increaseTime", [Number(wait)]);
      await hre.network.provider.send("evm_mine", []);
    }
    return this.execute(target, fn, args);
  }
}

export class Fund {
  readonly actors: Record<RoleHolderName, RoleActor>;

  constructor(
    readonly hre: HardhatRuntimeEnvironment,
    readonly contracts: FundContracts,
    holders: Record<RoleHolderName, HolderRecord>,
    signersByAddress: Map<string, Signer>,
  ) {
    this.actors = {} as Record<RoleHolderName, RoleActor>;
    for (const role of ROLE_HOLDERS) {
      const h = holders[role];
      const wanted = h.kind === "safe" ? h.owners : [h.address];
      const local = wanted.map((a) => signersByAddress.get(getAddress(a))).filter((s): s is Signer => !!s);
      const enough = h.kind === "safe" ? local.length >= h.threshold : local.length === 1;
      this.actors[role] = new RoleActor(
        this,
        h,
        enough ? local.slice(0, h.kind === "safe" ? h.threshold : 1) : [],
      );
    }
  }

  /** The holder of `role` acting through the AccessManager. */
  as(role: RoleHolderName): RoleActor {
    return this.actors[role];
  }

  /** ABIs used to decode errors of calls through the suite. */
  interfaces() {
    const c = this.contracts;
    const optional = [
      c.navPublisher,
      c.fundManager,
      c.settlement,
      c.assetEscrow,
      c.paymentEscrow,
      c.wrapper,
      c.onchainIdSource,
      c.attestationSource,
    ].filter((x) => x !== undefined);
    return [
      c.token.interface,
      c.compliance.interface,
      c.registry.interface,
      c.registrySources.interface,
      c.navOracle.interface,
      c.reserveGuard.interface,
      c.manager.interface,
      ...optional.map((x) => x!.interface),
    ];
  }
}

/** Loads the fund recorded by the deploy scripts on the connected network. */
export async function loadFund(hre: HardhatRuntimeEnvironment): Promise<Fund> {
  const { deployments, ethers } = hre;
  const at = async <T>(name: string, abiName: string): Promise<T> =>
    (await ethers.getContractAt(abiName, (await deployments.get(name)).address)) as unknown as T;
  const optional = async <T>(name: string, abiName: string): Promise<T | undefined> =>
    (await deployments.getOrNull(name)) ? at<T>(name, abiName) : undefined;

  const stablecoins: Record<string, MockStablecoin> = {};
  for (const [name, d] of Object.entries(await deployments.all())) {
    if (name.startsWith("Stablecoin.")) {
      stablecoins[name.slice("Stablecoin.".length)] = (await ethers.getContractAt(
        "MockStablecoin",
        d.address,
      )) as unknown as MockStablecoin;
    }
  }
  const vaults: Record<string, FundVault> = {};
  for (const [name, d] of Object.entries(await deployments.all())) {
    if (name.startsWith("FundVault.")) {
      vaults[name.slice("FundVault.".length)] = (await ethers.getContractAt(
        "FundVault",
        d.address,
      )) as unknown as FundVault;
    }
  }
  const contracts: FundContracts = {
    manager: await at("AccessManager", "AccessManager"),
    registry: await at("IdentityRegistry", "IdentityRegistry"),
    registrySources: await at("IdentityRegistry", "IRegistrySources"),
    compliance: await at("ModularCompliance", "IFundCompliance"),
    token: await at("FundToken", "IFundToken"),
    navOracle: await at("NavOracle", "NavOracle"),
    reserveGuard: await at("ReserveGuard", "ReserveGuard"),
    navPublisher: await optional("NavPublisher", "NavPublisher"),
    reservePublisher: await optional("ReservePublisher", "NavPublisher"),
    stablecoins,
    fundManager: await optional("FundManager", "IFundManager"),
    settlement: await optional("DvPSettlement", "DvPSettlement"),
    assetEscrow: await optional("CrossChainAssetEscrow", "CrossChainAssetEscrow"),
    paymentEscrow: await optional("CrossChainPaymentEscrow", "CrossChainPaymentEscrow"),
    wrapper: await optional("WrappedFundToken", "WrappedFundToken"),
    wrapperFeed: await optional("WrappedFundPriceFeed", "WrappedFundPriceFeed"),
    onchainIdSource: await optional("OnchainIdSource", "OnchainIdSource"),
    attestationSource: await optional("AttestationSource", "AttestationSource"),
    vaults,
  };
  const holders = {} as Record<RoleHolderName, HolderRecord>;
  for (const role of ROLE_HOLDERS) {
    const d = await deployments.get(`RoleHolder.${role}`);
    const linked = d.linkedData as Omit<HolderRecord, "role" | "address">;
    holders[role] = { role, address: d.address, ...linked };
  }
  const signersByAddress = new Map<string, Signer>();
  for (const s of await ethers.getSigners()) signersByAddress.set(getAddress(s.address), s);
  return new Fund(hre, contracts, holders, signersByAddress);
}
