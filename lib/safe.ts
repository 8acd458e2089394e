/**
 * Safe 1.4.1 multisigs for the suite, through Safe's own SDK (`@safe-global/protocol-kit`): the official contract
 * deployments (`@safe-global/safe-deployments`, deployed at their canonical addresses through Safe's singleton
 * factory where a local chain lacks them), Safe creation, SafeTx hashing, owners' EIP-712 signatures and execution;
 * and the proposal files owners sign elsewhere (hardware wallets, Safe{Wallet}, the Safe Transaction Service).
 *
 * What stays here by hand, and why (docs/SAFE.md): the EIP-1193 bridge from ethers signers to the SDK, the
 * simulation of the inner call (the SDK cannot show the inner call's error a Safe hides behind GS013), the
 * proposal file and its checks, and the Transaction Builder file (the SDK writes neither).
 *
 * Nothing here knows a fund address: every address comes from the caller (deploy records, network config) or from
 * Safe's own deployment list.
 */
import * as fs from "fs";
import * as path from "path";
import {
  Contract,
  Interface,
  InterfaceAbi,
  Provider,
  Result,
  Signer,
  TransactionReceipt,
  Transaction,
  TransactionResponse,
  TypedDataEncoder,
  ZeroAddress,
  ZeroHash,
  concat,
  getAddress,
  isAddress,
  isCallException,
  isHexString,
  keccak256,
  recoverAddress,
  toUtf8Bytes,
} from "ethers";
import Safe, {
  EthSafeSignature,
  SafeProvider,
  buildSignatureBytes,
  calculateSafeTransactionHash,
  getEip712TxTypes,
  predictSafeAddress as sdkPredictSafeAddress,
  type ContractNetworksConfig,
} from "@safe-global/protocol-kit";
import { OperationType, type SafeTransaction, type SafeTransactionData } from "@safe-global/types-kit";
import * as safeDeployments from "@safe-global/safe-deployments";
import { getSingletonFactoryInfo } from "@safe-global/safe-singleton-factory";
import type { DeploymentsExtension } from "hardhat-deploy/types";

/** The Safe version every Safe of the suite runs. */
export const SAFE_VERSION = "1.4.1";

// ------------------------------------------------------------------------------------------------
// Artifacts
// ------------------------------------------------------------------------------------------------

/** ABI, creation bytecode and runtime bytecode of a contract shipped as a Hardhat artifact. */
export interface ContractArtifact {
  abi: InterfaceAbi;
  bytecode: string;
  deployedBytecode: string;
}

/**
 * Which Safe singleton backs the proxies. `SafeL2` emits `SafeMultiSigTransaction` and
 * `SafeModuleTransaction` events with every parameter, so indexers (the Safe Transaction Service and
 * Safe{Wallet}) can follow executions on chains where they cannot trace internal calls. It costs about
 * 9,000 gas more per execution (docs/SAFE.md). `Safe` relies on call traces, which Ethereum L1 indexers have.
 */
export type SingletonKind = "Safe" | "SafeL2";

const SAFE_ARTIFACTS = "@safe-global/safe-contracts/build/artifacts/contracts";

function loadArtifact(relativePath: string): ContractArtifact {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const artifact = require(`${SAFE_ARTIFACTS}/${relativePath}`) as ContractArtifact;
  return { abi: artifact.abi, bytecode: artifact.bytecode, deployedBytecode: artifact.deployedBytecode };
}

/**
 * The Safe 1.4.1 artifacts, exactly as published by Safe (bytecode compiled with solc 0.7.6). Deployed through
 * Safe's singleton factory with salt 0, each lands at its official canonical address (test/governance/safe.test.ts).
 */
export const safeArtifacts = {
  Safe: loadArtifact("Safe.sol/Safe.json"),
  SafeL2: loadArtifact("SafeL2.sol/SafeL2.json"),
  SafeProxyFactory: loadArtifact("proxies/SafeProxyFactory.sol/SafeProxyFactory.json"),
  CompatibilityFallbackHandler: loadArtifact(
    "handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json",
  ),
  MultiSend: loadArtifact("libraries/MultiSend.sol/MultiSend.json"),
  MultiSendCallOnly: loadArtifact("libraries/MultiSendCallOnly.sol/MultiSendCallOnly.json"),
  SignMessageLib: loadArtifact("libraries/SignMessageLib.sol/SignMessageLib.json"),
  CreateCall: loadArtifact("libraries/CreateCall.sol/CreateCall.json"),
  SimulateTxAccessor: loadArtifact("accessors/SimulateTxAccessor.sol/SimulateTxAccessor.json"),
} as const;

export type SafeContractName = keyof typeof safeArtifacts;

const safeInterface = new Interface(safeArtifacts.SafeL2.abi);
const factoryInterface = new Interface(safeArtifacts.SafeProxyFactory.abi);

/** Chains whose indexers trace internal calls, so the cheaper `Safe` singleton is enough. */
const TRACED_CHAIN_IDS = new Set<bigint>([
  1n, // Ethereum
  11155111n, // Sepolia
  17000n, // Holesky
  560048n, // Hoodi
  31337n, // Hardhat network (mirrors Ethereum L1)
]);

/** `Safe` on Ethereum L1 and its testnets, `SafeL2` everywhere else (rollups and sidechains). */
export function defaultSingletonKind(chainId: bigint): SingletonKind {
  return TRACED_CHAIN_IDS.has(chainId) ? "Safe" : "SafeL2";
}

// ------------------------------------------------------------------------------------------------
// Official deployments
// ------------------------------------------------------------------------------------------------

type DeploymentGetter = (filter: { version: string }) => safeDeployments.SingletonDeployment | undefined;

const OFFICIAL: Record<SafeContractName, DeploymentGetter> = {
  Safe: safeDeployments.getSafeSingletonDeployment,
  SafeL2: safeDeployments.getSafeL2SingletonDeployment,
  SafeProxyFactory: safeDeployments.getProxyFactoryDeployment,
  CompatibilityFallbackHandler: safeDeployments.getCompatibilityFallbackHandlerDeployment,
  MultiSend: safeDeployments.getMultiSendDeployment,
  MultiSendCallOnly: safeDeployments.getMultiSendCallOnlyDeployment,
  SignMessageLib: safeDeployments.getSignMessageLibDeployment,
  CreateCall: safeDeployments.getCreateCallDeployment,
  SimulateTxAccessor: safeDeployments.getSimulateTxAccessorDeployment,
};

/** Safe's singleton factory (the deterministic deployment proxy Safe deploys with its own key on every chain). */
export const SAFE_SINGLETON_FACTORY = "0x914d7Fec6aaC8cd542e72Bca78B30650d45643d7";

/**
 * The official address of a Safe 1.4.1 contract on `chainId` (Safe's deployment list), and the hash of the runtime
 * code expected there. A chain the list does not know (a local Hardhat chain) gets the canonical address: where the
 * singleton factory deploys the published bytecode.
 */
export function officialDeployment(
  name: SafeContractName,
  chainId: bigint,
): { address: string; codeHash: string; canonical: boolean } {
  const deployment = OFFICIAL[name]({ version: SAFE_VERSION });
  if (!deployment) throw new Error(`safe-deployments has no ${name} ${SAFE_VERSION}`);
  const canonical = deployment.deployments.canonical;
  const listed = deployment.networkAddresses[chainId.toString()];
  const candidates = listed === undefined ? [canonical?.address] : Array.isArray(listed) ? listed : [listed];
  const address = candidates.includes(canonical?.address) ? canonical!.address : candidates[0];
  if (!address)
    throw new Error(`safe-deployments has no address of ${name} ${SAFE_VERSION} on chain ${chainId}`);
  const entry = Object.values(deployment.deployments).find((d) => d?.address === address);
  return {
    address: getAddress(address),
    codeHash: entry?.codeHash ?? keccak256(safeArtifacts[name].deployedBytecode),
    canonical: address === canonical?.address,
  };
}

/** Addresses of a Safe 1.4.1 deployment. */
export interface SafeInfrastructure {
  singleton: string;
  singletonKind: SingletonKind;
  proxyFactory: string;
  fallbackHandler: string;
  multiSend?: string;
  multiSendCallOnly?: string;
  signMessageLib?: string;
  createCall?: string;
  simulateTxAccessor?: string;
}

export interface SafeInfrastructureOptions {
  /** Defaults to {@link defaultSingletonKind} of the connected chain. */
  singletonKind?: SingletonKind;
}

/** The official Safe 1.4.1 addresses on `chainId` (none is checked on chain). */
export function officialSafeInfrastructure(
  chainId: bigint,
  kind = defaultSingletonKind(chainId),
): SafeInfrastructure {
  const at = (name: SafeContractName) => officialDeployment(name, chainId).address;
  return {
    singleton: at(kind),
    singletonKind: kind,
    proxyFactory: at("SafeProxyFactory"),
    fallbackHandler: at("CompatibilityFallbackHandler"),
    multiSend: at("MultiSend"),
    multiSendCallOnly: at("MultiSendCallOnly"),
    signMessageLib: at("SignMessageLib"),
    createCall: at("CreateCall"),
    simulateTxAccessor: at("SimulateTxAccessor"),
  };
}

/** The SDK's contract addresses for `chainId`: the given infrastructure, completed with the official addresses. */
export function contractNetworks(chainId: bigint, infra?: SafeInfrastructure): ContractNetworksConfig {
  const official = officialSafeInfrastructure(chainId, infra?.singletonKind);
  const i = { ...official, ...infra };
  return {
    [chainId.toString()]: {
      safeSingletonAddress: i.singleton,
      safeProxyFactoryAddress: i.proxyFactory,
      fallbackHandlerAddress: i.fallbackHandler,
      multiSendAddress: i.multiSend ?? official.multiSend,
      multiSendCallOnlyAddress: i.multiSendCallOnly ?? official.multiSendCallOnly,
      signMessageLibAddress: i.signMessageLib ?? official.signMessageLib,
      createCallAddress: i.createCall ?? official.createCall,
      simulateTxAccessorAddress: i.simulateTxAccessor ?? official.simulateTxAccessor,
    },
  };
}

/** Deployment names used for hardhat-deploy records (the singleton is recorded as "Safe" or "SafeL2"). */
export const SAFE_DEPLOYMENT_NAMES = {
  proxyFactory: "SafeProxyFactory",
  fallbackHandler: "CompatibilityFallbackHandler",
} as const;

function providerOf(runner: Signer): Provider {
  if (!runner.provider) throw new Error("The signer is not connected to a provider");
  return runner.provider;
}

async function mined(response: TransactionResponse, what: string): Promise<TransactionReceipt> {
  const receipt = await response.wait();
  if (!receipt) throw new Error(`${what} ${response.hash} was not mined`);
  return receipt;
}

/**
 * Makes sure Safe's singleton factory exists. Where it is missing and Safe published a pre-signed deployment
 * transaction for the chain (the Hardhat chain 31337 among them), the factory's runtime code is what that
 * transaction's creation code returns. A local development node (Hardhat's `hardhat_setCode`) gets that code put at
 * the factory's address directly; any other chain gets the pre-signed transaction broadcast, `payer` funding Safe's
 * deployer key with its gas. Elsewhere the official contracts cannot be deployed at their addresses.
 *
 * The pre-signed transaction pays 100 gwei per gas: on a local node it would stay in the fee history, and Hardhat
 * then prices every later transaction sent without a fee from it (a signer holding 1 ETH could no longer send a
 * transaction whose gas the node has to estimate), hence `hardhat_setCode` there.
 */
export async function ensureSafeSingletonFactory(payer: Signer): Promise<void> {
  const provider = providerOf(payer);
  if ((await provider.getCode(SAFE_SINGLETON_FACTORY)) !== "0x") return;
  const chainId = (await provider.getNetwork()).chainId;
  const info = getSingletonFactoryInfo(Number(chainId));
  if (!info) {
    throw new Error(
      `Safe's singleton factory ${SAFE_SINGLETON_FACTORY} is not on chain ${chainId} and Safe publishes no ` +
        `deployment transaction for it: Safe's official contracts cannot be deployed at their addresses here`,
    );
  }
  const rpc = provider as unknown as Partial<JsonRpcSender>;
  const presigned = Transaction.from(info.transaction);
  let placed = false;
  if (typeof rpc.send === "function" && presigned.to === null) {
    const runtime = (await provider.call({ data: presigned.data })) as string;
    placed = await rpc
      .send("hardhat_setCode", [SAFE_SINGLETON_FACTORY, runtime])
      .then(() => true)
      .catch(() => false); // not a Hardhat node: broadcast below
  }
  if (!placed) {
    const cost = BigInt(info.gasPrice) * BigInt(info.gasLimit);
    const balance = await provider.getBalance(info.signerAddress);
    if (balance < cost) {
      await mined(
        await payer.sendTransaction({ to: info.signerAddress, value: cost - balance }),
        "Funding of the singleton factory's deployer",
      );
    }
    await mined(await provider.broadcastTransaction(info.transaction), "Singleton factory deployment");
  }
  if ((await provider.getCode(SAFE_SINGLETON_FACTORY)) === "0x") {
    throw new Error(`The singleton factory deployment left no code at ${SAFE_SINGLETON_FACTORY}`);
  }
}

/**
 * Makes sure each of `names` is at its official address with Safe's code: a contract found there is checked
 * (code hash from safe-deployments); a missing one is deployed through the singleton factory when its official
 * address is the canonical one (salt 0, the published bytecode), else refused.
 */
async function ensureOfficial(deployer: Signer, names: SafeContractName[]): Promise<Record<string, string>> {
  const provider = providerOf(deployer);
  const chainId = (await provider.getNetwork()).chainId;
  const out: Record<string, string> = {};
  for (const name of names) {
    const official = officialDeployment(name, chainId);
    let code = await provider.getCode(official.address);
    if (code === "0x") {
      if (!official.canonical) {
        throw new Error(
          `Safe's ${name} ${SAFE_VERSION} is not deployed at its official address ${official.address} on chain ` +
            `${chainId}, which only Safe can deploy there`,
        );
      }
      await ensureSafeSingletonFactory(deployer);
      await mined(
        await deployer.sendTransaction({
          to: SAFE_SINGLETON_FACTORY,
          data: concat([ZeroHash, safeArtifacts[name].bytecode]),
        }),
        `Deployment of ${name}`,
      );
      code = await provider.getCode(official.address);
    }
    if (keccak256(code) !== official.codeHash) {
      throw new Error(
        `The contract at the official ${name} ${SAFE_VERSION} address ${official.address} on chain ${chainId} ` +
          `does not have Safe's code (code hash ${keccak256(code)}, expected ${official.codeHash})`,
      );
    }
    out[name] = official.address;
  }
  return out;
}

const SUPPORT_CONTRACTS: SafeContractName[] = [
  "SafeProxyFactory",
  "CompatibilityFallbackHandler",
  "MultiSend",
  "MultiSendCallOnly",
  "SignMessageLib",
  "CreateCall",
  "SimulateTxAccessor",
];

/**
 * Safe 1.4.1 at its official addresses: found there (every chain Safe supports), or, where a chain lacks them
 * (a local Hardhat chain), deployed at the same canonical addresses through Safe's singleton factory. Returns the
 * singleton (`Safe` or `SafeL2`), factory, fallback handler and the libraries the SDK uses.
 */
export async function deploySafeInfrastructure(
  deployer: Signer,
  options: SafeInfrastructureOptions = {},
): Promise<SafeInfrastructure> {
  const chainId = (await providerOf(deployer).getNetwork()).chainId;
  const kind = options.singletonKind ?? defaultSingletonKind(chainId);
  const a = await ensureOfficial(deployer, [kind, ...SUPPORT_CONTRACTS]);
  return {
    singleton: a[kind],
    singletonKind: kind,
    proxyFactory: a.SafeProxyFactory,
    fallbackHandler: a.CompatibilityFallbackHandler,
    multiSend: a.MultiSend,
    multiSendCallOnly: a.MultiSendCallOnly,
    signMessageLib: a.SignMessageLib,
    createCall: a.CreateCall,
    simulateTxAccessor: a.SimulateTxAccessor,
  };
}

export interface SafeDeploymentsOptions extends SafeInfrastructureOptions {
  /** Chain id of the target network (hardhat-deploy's `getChainId()`), used for the default singleton. */
  chainId: bigint;
}

/**
 * {@link deploySafeInfrastructure}, then records each contract in deployments/<network>/ (`Safe` or `SafeL2`,
 * `SafeProxyFactory`, `CompatibilityFallbackHandler`, `MultiSend`, ...) with hardhat-deploy. A re-run sends nothing.
 */
export async function deploySafeInfrastructureWithDeployments(
  deployments: DeploymentsExtension,
  deployer: Signer,
  options: SafeDeploymentsOptions,
): Promise<SafeInfrastructure> {
  const kind = options.singletonKind ?? defaultSingletonKind(options.chainId);
  const infra = await deploySafeInfrastructure(deployer, { singletonKind: kind });
  const records: [SafeContractName, string | undefined][] = [
    [kind, infra.singleton],
    ["SafeProxyFactory", infra.proxyFactory],
    ["CompatibilityFallbackHandler", infra.fallbackHandler],
    ["MultiSend", infra.multiSend],
    ["MultiSendCallOnly", infra.multiSendCallOnly],
    ["SignMessageLib", infra.signMessageLib],
    ["CreateCall", infra.createCall],
    ["SimulateTxAccessor", infra.simulateTxAccessor],
  ];
  for (const [name, address] of records) {
    const existing = await deployments.getOrNull(name);
    if (address && existing?.address !== address) {
      await deployments.save(name, { address, abi: safeArtifacts[name].abi as never[] });
    }
  }
  return infra;
}

/**
 * Checks that the addresses hold Safe 1.4.1 contracts (e.g. addresses read from a network config instead of
 * deployed by us). Throws a message naming what is wrong.
 */
export async function verifySafeInfrastructure(infra: SafeInfrastructure, provider: Provider): Promise<void> {
  for (const [label, address] of Object.entries({
    singleton: infra.singleton,
    proxyFactory: infra.proxyFactory,
    fallbackHandler: infra.fallbackHandler,
  })) {
    if (!isAddress(address)) throw new Error(`Safe infrastructure: ${label} "${address}" is not an address`);
    if ((await provider.getCode(address)) === "0x") {
      throw new Error(`Safe infrastructure: no contract at ${label} ${address}`);
    }
  }
  const version: string = await new Contract(infra.singleton, safeInterface, provider).VERSION();
  if (version !== SAFE_VERSION) {
    throw new Error(
      `Safe infrastructure: singleton ${infra.singleton} is Safe ${version}, expected ${SAFE_VERSION}`,
    );
  }
}

// ------------------------------------------------------------------------------------------------
// The SDK over ethers
// ------------------------------------------------------------------------------------------------

/** An EIP-1193 provider, what the SDK talks to. */
export interface Eip1193 {
  request(args: { method: string; params?: readonly unknown[] | object }): Promise<unknown>;
}

interface JsonRpcSender {
  send(method: string, params: unknown[]): Promise<unknown>;
}

/**
 * An EIP-1193 provider over an ethers provider (reads) and, when given, an ethers signer: the SDK's transactions
 * and EIP-712 signing requests go to `signer` (a Hardhat account, a Wallet), everything else to the node.
 */
export function eip1193Of(provider: Provider, signer?: Signer): Eip1193 {
  const rpc = provider as unknown as Partial<JsonRpcSender>;
  if (typeof rpc.send !== "function") throw new Error("The provider does not accept JSON-RPC requests");
  return {
    async request({ method, params }) {
      const p = (Array.isArray(params) ? params : []) as unknown[];
      if (signer) {
        if (method === "eth_accounts" || method === "eth_requestAccounts") return [await signer.getAddress()];
        if (method === "eth_sendTransaction") {
          const tx = p[0] as { to?: string; data?: string; value?: string; gas?: string };
          const response = await signer.sendTransaction({
            to: tx.to,
            data: tx.data,
            value: tx.value ?? 0n,
            gasLimit: tx.gas,
          });
          return response.hash;
        }
        if (method === "eth_signTypedData_v4") {
          const typed = JSON.parse(p[1] as string) as {
            domain: Record<string, unknown>;
            types: Record<string, { name: string; type: string }[]>;
            message: Record<string, unknown>;
          };
          const { EIP712Domain: _domain, ...types } = typed.types;
          return signer.signTypedData(typed.domain, types, typed.message);
        }
      }
      return rpc.send!(method, p);
    },
  };
}

/** SDK instances by provider, Safe and signer: `Safe.init` reads the chain, so one is kept per triple. */
const sdkCache = new WeakMap<object, Map<string, Promise<Safe>>>();

/**
 * The SDK's view of the Safe at `safeAddress`, acting as `signer` (owners sign with it; it sends executions).
 * `signer` is an ethers signer, or a private key (hex) for owners signing from a key file or variable.
 */
export async function safeSdk(
  safeAddress: string,
  provider: Provider,
  signer?: Signer | string,
): Promise<Safe> {
  let byKey = sdkCache.get(provider);
  if (!byKey) sdkCache.set(provider, (byKey = new Map()));
  const who =
    typeof signer === "string" ? keccak256(toUtf8Bytes(signer)) : signer ? await signer.getAddress() : "";
  const key = `${getAddress(safeAddress)}|${who}`;
  let sdk = byKey.get(key);
  if (!sdk) {
    sdk = (async () => {
      const chainId = (await provider.getNetwork()).chainId;
      return Safe.init({
        provider: eip1193Of(provider, typeof signer === "string" ? undefined : signer) as never,
        signer: typeof signer === "string" ? signer : signer ? await signer.getAddress() : undefined,
        safeAddress: getAddress(safeAddress),
        contractNetworks: contractNetworks(chainId),
      });
    })();
    byKey.set(key, sdk);
    sdk.catch(() => byKey!.delete(key));
  }
  return sdk;
}

// ------------------------------------------------------------------------------------------------
// Safe creation
// ------------------------------------------------------------------------------------------------

const SENTINEL = "0x0000000000000000000000000000000000000001";
const MAX_UINT256 = (1n << 256n) - 1n;

/** Checks owners and threshold the way Safe's `setup` would, but with readable messages. */
export function validateSafeConfig(owners: string[], threshold: number): string[] {
  if (owners.length === 0) throw new Error("Safe config: the owner list is empty");
  const seen = new Set<string>();
  const checksummed = owners.map((owner, i) => {
    if (!isAddress(owner)) throw new Error(`Safe config: owner #${i} "${owner}" is not an address`);
    const address = getAddress(owner);
    if (address === ZeroAddress) throw new Error(`Safe config: owner #${i} is the zero address`);
    if (address === SENTINEL) throw new Error(`Safe config: owner #${i} is Safe's sentinel address 0x…01`);
    if (seen.has(address)) throw new Error(`Safe config: owner ${address} appears more than once`);
    seen.add(address);
    return address;
  });
  if (!Number.isInteger(threshold) || threshold < 1) {
    throw new Error(`Safe config: threshold must be an integer >= 1, got ${threshold}`);
  }
  if (threshold > owners.length) {
    throw new Error(`Safe config: threshold ${threshold} exceeds the number of owners (${owners.length})`);
  }
  return checksummed;
}

function predicted(infra: SafeInfrastructure, owners: string[], threshold: number, saltNonce: bigint) {
  return {
    safeAccountConfig: { owners, threshold, fallbackHandler: infra.fallbackHandler },
    safeDeploymentConfig: { saltNonce: saltNonce.toString(), safeVersion: SAFE_VERSION as "1.4.1" },
  };
}

/**
 * Address `createProxyWithNonce(singleton, setup(owners, threshold, 0, 0x, fallbackHandler, 0, 0, 0), saltNonce)`
 * deploys to (CREATE2), computed by the SDK.
 */
export async function predictSafeAddress(
  infra: SafeInfrastructure,
  owners: string[],
  threshold: number,
  saltNonce: bigint,
  provider: Provider,
): Promise<string> {
  const checksummed = validateSafeConfig(owners, threshold);
  const chainId = (await provider.getNetwork()).chainId;
  const networks = contractNetworks(chainId, infra);
  const safeProvider = await SafeProvider.init({
    provider: eip1193Of(provider) as never,
    safeVersion: SAFE_VERSION,
    contractNetworks: networks,
  });
  const p = predicted(infra, checksummed, threshold, saltNonce);
  return getAddress(
    await sdkPredictSafeAddress({
      safeProvider,
      chainId,
      safeAccountConfig: p.safeAccountConfig,
      safeDeploymentConfig: p.safeDeploymentConfig,
      isL1SafeSingleton: infra.singletonKind === "Safe",
      customContracts: networks[chainId.toString()],
    }),
  );
}

/**
 * Creates a Safe proxy set up with `owners` and `threshold` (fallback handler set, no payment) with the SDK's
 * deployment transaction, sent by `deployer`, and returns its address, read from the factory's `ProxyCreation`
 * event.
 */
export async function createSafe(
  infra: SafeInfrastructure,
  owners: string[],
  threshold: number,
  saltNonce: bigint,
  deployer: Signer,
): Promise<string> {
  const checksummed = validateSafeConfig(owners, threshold);
  if (saltNonce < 0n || saltNonce > MAX_UINT256)
    throw new Error(`Safe config: saltNonce ${saltNonce} is not a uint256`);
  const provider = providerOf(deployer);
  const chainId = (await provider.getNetwork()).chainId;
  const sdk = await Safe.init({
    provider: eip1193Of(provider, deployer) as never,
    signer: await deployer.getAddress(),
    predictedSafe: predicted(infra, checksummed, threshold, saltNonce),
    isL1SafeSingleton: infra.singletonKind === "Safe",
    contractNetworks: contractNetworks(chainId, infra),
  });
  const address = getAddress(await sdk.getAddress());
  if ((await provider.getCode(address)) !== "0x") {
    throw new Error(
      `A Safe with these owners, threshold and saltNonce ${saltNonce} already exists at ${address}; ` +
        `reuse it or pick another saltNonce`,
    );
  }
  const deployment = await sdk.createSafeDeploymentTransaction();
  const receipt = await mined(
    await deployer.sendTransaction({
      to: deployment.to,
      data: deployment.data,
      value: BigInt(deployment.value),
    }),
    "Safe creation transaction",
  );
  for (const log of receipt.logs) {
    if (getAddress(log.address) !== getAddress(infra.proxyFactory)) continue;
    const parsed = factoryInterface.parseLog(log);
    if (parsed?.name === "ProxyCreation") return getAddress(parsed.args.proxy as string);
  }
  throw new Error(`Safe creation transaction ${receipt.hash} emitted no ProxyCreation event`);
}

// ------------------------------------------------------------------------------------------------
// Safe transactions
// ------------------------------------------------------------------------------------------------

/** `Enum.Operation` of Safe. */
export enum Operation {
  Call = 0,
  DelegateCall = 1,
}

/** What the Safe should do. */
export interface SafeCall {
  to: string;
  data: string;
  value?: bigint;
  operation?: Operation;
}

/** All fields of Safe's EIP-712 `SafeTx` struct. Refund fields are always zero here. */
export interface SafeTx {
  to: string;
  value: bigint;
  data: string;
  operation: Operation;
  safeTxGas: bigint;
  baseGas: bigint;
  gasPrice: bigint;
  gasToken: string;
  refundReceiver: string;
  nonce: bigint;
}

/** EIP-712 types of a Safe 1.4.1 transaction, from the SDK (its domain is `{chainId, verifyingContract}`). */
export const SAFE_TX_TYPES = { SafeTx: getEip712TxTypes(SAFE_VERSION).SafeTx.map((f) => ({ ...f })) };

/** On-chain state a Safe transaction depends on. */
export interface SafeState {
  address: string;
  chainId: bigint;
  nonce: bigint;
  threshold: number;
  owners: string[];
}

/** Reads nonce, threshold and owners; throws when `safeAddress` holds no contract. */
export async function readSafeState(safeAddress: string, provider: Provider): Promise<SafeState> {
  if (!isAddress(safeAddress)) throw new Error(`"${safeAddress}" is not an address`);
  const address = getAddress(safeAddress);
  if ((await provider.getCode(address)) === "0x")
    throw new Error(`No Safe at ${address}: the account has no code`);
  const safe = new Contract(address, safeInterface, provider);
  const [nonce, threshold, owners, network] = await Promise.all([
    safe.nonce() as Promise<bigint>,
    safe.getThreshold() as Promise<bigint>,
    safe.getOwners() as Promise<string[]>,
    provider.getNetwork(),
  ]);
  return {
    address,
    chainId: network.chainId,
    nonce,
    threshold: Number(threshold),
    owners: owners.map(getAddress),
  };
}

/** The `SafeTx` for `call` at `nonce`, with no gas refund. */
export function buildSafeTx(call: SafeCall, nonce: bigint): SafeTx {
  if (!isAddress(call.to)) throw new Error(`Safe transaction: "to" ${call.to} is not an address`);
  if (!isHexString(call.data)) throw new Error(`Safe transaction: data is not a hex string`);
  return {
    to: getAddress(call.to),
    value: call.value ?? 0n,
    data: call.data,
    operation: call.operation ?? Operation.Call,
    safeTxGas: 0n,
    baseGas: 0n,
    gasPrice: 0n,
    gasToken: ZeroAddress,
    refundReceiver: ZeroAddress,
    nonce,
  };
}

/** The SDK's form of a SafeTx (numbers as decimal strings). */
export function sdkTxData(tx: SafeTx): SafeTransactionData {
  return {
    to: tx.to,
    value: tx.value.toString(),
    data: tx.data,
    operation: tx.operation === Operation.Call ? OperationType.Call : OperationType.DelegateCall,
    safeTxGas: tx.safeTxGas.toString(),
    baseGas: tx.baseGas.toString(),
    gasPrice: tx.gasPrice.toString(),
    gasToken: tx.gasToken,
    refundReceiver: tx.refundReceiver,
    nonce: Number(tx.nonce),
  };
}

/** The EIP-712 domain of a Safe 1.4.1. */
export function safeDomain(chainId: bigint, safeAddress: string) {
  return { chainId, verifyingContract: getAddress(safeAddress) };
}

/** The hash owners sign (the SDK's `calculateSafeTransactionHash`); equal to the Safe's `getTransactionHash(...)`. */
export function safeTxHash(chainId: bigint, safeAddress: string, tx: SafeTx): string {
  return calculateSafeTransactionHash(getAddress(safeAddress), sdkTxData(tx), SAFE_VERSION, chainId);
}

/** An owner's 65-byte ECDSA signature over a safeTxHash. */
export interface OwnerSignature {
  owner: string;
  signature: string;
}

/**
 * The owner a 65-byte EIP-712 signature of `hash` recovers to. Signatures of another kind (eth_sign's `v + 4`,
 * contract signatures) are refused with a message.
 */
export function signatureOwner(hash: string, signature: string): string {
  if (!isHexString(signature, 65)) {
    throw new Error(
      `A signature must be 65 bytes of hex (EIP-712, eth_signTypedData_v4), got "${signature}"`,
    );
  }
  const v = parseInt(signature.slice(-2), 16);
  if (v !== 27 && v !== 28) {
    throw new Error(
      `Signature ${signature.slice(0, 10)}… has v=${v}: only EIP-712 signatures (v 27 or 28, eth_signTypedData_v4) ` +
        `are accepted`,
    );
  }
  return getAddress(recoverAddress(hash, signature));
}

/**
 * Has each signer sign the SafeTx through the SDK (`signTransaction`, eth_signTypedData_v4), and checks each
 * signature recovers to its signer.
 */
export async function signSafeTx(
  chainId: bigint,
  safeAddress: string,
  tx: SafeTx,
  signers: Signer[],
): Promise<OwnerSignature[]> {
  const hash = safeTxHash(chainId, safeAddress, tx);
  const signatures: OwnerSignature[] = [];
  for (const signer of signers) {
    const owner = getAddress(await signer.getAddress());
    const sdk = await safeSdk(safeAddress, providerOf(signer), signer);
    const signed = await sdk.signTransaction(await sdk.createTransaction({ transactions: [sdkTxData(tx)] }));
    const signature = signed.getSignature(owner.toLowerCase())?.data ?? signed.getSignature(owner)?.data;
    if (!signature || signatureOwner(hash, signature) !== owner) {
      throw new Error(`The signature of ${owner} does not recover to its address`);
    }
    signatures.push({ owner, signature });
  }
  return signatures;
}

/** Safe's `signatures` argument (the SDK's `buildSignatureBytes`: ordered by owner address, concatenated). */
export function encodeSignatures(signatures: OwnerSignature[]): string {
  return buildSignatureBytes(signatures.map((s) => new EthSafeSignature(s.owner, s.signature)));
}

// ------------------------------------------------------------------------------------------------
// Revert decoding and simulation
// ------------------------------------------------------------------------------------------------

const builtinErrors = new Interface(["error Error(string message)", "error Panic(uint256 code)"]);

/** A reverted call: its raw revert data and, when an ABI knows the error, its name and arguments. */
export class CallRevertedError extends Error {
  /** The revert data again, where Hardhat's chai matchers (`revertedWithCustomError`) look for it. */
  readonly data: string;

  constructor(
    message: string,
    readonly revertData: string,
    readonly errorName?: string,
    readonly errorArgs?: Result,
  ) {
    super(message);
    this.name = "CallRevertedError";
    this.data = revertData;
  }
}

/** The revert data carried by an ethers/Hardhat error, if any. */
export function revertDataOf(error: unknown): string | undefined {
  const candidates: unknown[] = [];
  if (isCallException(error)) candidates.push(error.data);
  if (typeof error === "object" && error !== null) {
    const e = error as {
      data?: unknown;
      error?: { data?: unknown };
      info?: { error?: { data?: unknown } };
    };
    // A Hardhat node over HTTP nests the revert data one level deeper (`data.data`).
    const nested = (v: unknown) =>
      typeof v === "object" && v !== null ? (v as { data?: unknown }).data : undefined;
    candidates.push(e.data, e.error?.data, e.info?.error?.data, nested(e.data), nested(e.error?.data));
  }
  return candidates.find((d): d is string => typeof d === "string" && isHexString(d));
}

/** Decodes revert data with the given interfaces, then with Error(string) and Panic(uint256). */
export function decodeRevert(
  revertData: string,
  interfaces: Interface[] = [],
): { name: string; args: Result; signature: string } | undefined {
  for (const iface of [...interfaces, builtinErrors]) {
    try {
      const parsed = iface.parseError(revertData);
      if (parsed) return { name: parsed.name, args: parsed.args, signature: parsed.signature };
    } catch {
      // data matches the selector but not the arguments: try the next interface
    }
  }
  return undefined;
}

/**
 * Runs `call` as an eth_call from `from`; when it reverts, throws a {@link CallRevertedError} with the
 * real revert data, decoded with `interfaces` when one of them declares the error.
 */
export async function simulateCall(
  provider: Provider,
  from: string,
  call: { to: string; data: string; value?: bigint },
  interfaces: Interface[] = [],
  label = `Call from ${from}`,
): Promise<void> {
  try {
    await provider.call({ from, to: call.to, data: call.data, value: call.value ?? 0n });
  } catch (error) {
    const revertData = revertDataOf(error);
    if (revertData === undefined) throw error;
    const decoded = decodeRevert(revertData, interfaces);
    const reason = decoded
      ? `${decoded.name}(${decoded.args.map((a: unknown) => String(a)).join(", ")})`
      : `unknown error, revert data ${revertData === "0x" ? "empty" : revertData}`;
    throw new CallRevertedError(
      `${label} to ${call.to} reverted: ${reason}`,
      revertData,
      decoded?.name,
      decoded?.args,
    );
  }
}

// ------------------------------------------------------------------------------------------------
// Execution
// ------------------------------------------------------------------------------------------------

export interface ExecOptions {
  /** Account that sends `execTransaction` and pays gas (defaults to the first signer). Needs no ownership. */
  sender?: Signer;
  /** ABIs used to decode the inner call's revert data (e.g. the target's interface). */
  interfaces?: Interface[];
}

export interface ExecResult {
  safeTxHash: string;
  response: TransactionResponse;
  receipt: TransactionReceipt;
}

/**
 * A Safe executing with safeTxGas = 0 reverts with the opaque GS013 when its inner call fails: simulate that
 * call from the Safe first so the caller sees the real error. A delegate call runs the target's code in the
 * Safe's storage and cannot be simulated with eth_call; it is left to the Safe.
 */
async function simulateInner(state: SafeState, tx: SafeTx, provider: Provider, interfaces: Interface[]) {
  if (tx.operation !== Operation.Call) return;
  await simulateCall(provider, state.address, tx, interfaces, `Inner call of Safe ${state.address}`);
}

/** Executes the SafeTx with the owners' signatures through the SDK (`executeTransaction`), sent by `sender`. */
async function submit(
  state: SafeState,
  tx: SafeTx,
  signatures: OwnerSignature[],
  sender: Signer,
): Promise<ExecResult> {
  const provider = providerOf(sender);
  const sdk = await safeSdk(state.address, provider, sender);
  const safeTx: SafeTransaction = await sdk.createTransaction({
    transactions: [sdkTxData(tx)],
    options: { nonce: Number(tx.nonce) },
  });
  for (const s of signatures) safeTx.addSignature(new EthSafeSignature(s.owner, s.signature));
  const { hash } = await sdk.executeTransaction(safeTx);
  const response = await provider.getTransaction(hash);
  if (!response) throw new Error(`Safe transaction ${hash} is unknown to the node`);
  const receipt = await mined(response, "Safe transaction");
  if (receipt.status !== 1) throw new Error(`Safe transaction ${hash} reverted`);
  return { safeTxHash: safeTxHash(state.chainId, state.address, tx), response, receipt };
}

function checkSigners(state: SafeState, signerAddresses: string[]): void {
  const owners = new Set(state.owners);
  const seen = new Set<string>();
  for (const address of signerAddresses) {
    if (!owners.has(address)) {
      throw new Error(
        `${address} is not an owner of Safe ${state.address} (owners: ${state.owners.join(", ")})`,
      );
    }
    if (seen.has(address)) throw new Error(`Owner ${address} is given twice for Safe ${state.address}`);
    seen.add(address);
  }
  if (signerAddresses.length < state.threshold) {
    throw new Error(
      `Safe ${state.address} needs ${state.threshold} owner signatures (its threshold); ` +
        `got ${signerAddresses.length}`,
    );
  }
}

/**
 * Executes `call` through the Safe at `safeAddress`: the first `threshold` of `signers` (all must be
 * owners) sign the SafeTx at the current nonce, and `execTransaction` is sent once a simulation of the
 * inner call from the Safe has succeeded.
 */
export async function execSafeTransaction(
  safeAddress: string,
  call: SafeCall,
  signers: Signer[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  const sender = options.sender ?? signers[0];
  if (!sender) throw new Error(`No signer given to execute through Safe ${safeAddress}`);
  const state = await readSafeState(safeAddress, providerOf(sender));
  const addresses = await Promise.all(signers.map(async (s) => getAddress(await s.getAddress())));
  checkSigners(state, addresses);

  const tx = buildSafeTx(call, state.nonce);
  await simulateInner(state, tx, providerOf(sender), options.interfaces ?? []);
  const signatures = await signSafeTx(state.chainId, state.address, tx, signers.slice(0, state.threshold));
  return submit(state, tx, signatures, sender);
}

// ------------------------------------------------------------------------------------------------
// Offline proposals
// ------------------------------------------------------------------------------------------------

/** Format tag of the proposal files this module writes. */
export const PROPOSAL_FORMAT = "treasury-fund-suite/safe-proposal@2";

/**
 * A Safe transaction written for owners who sign elsewhere. Numbers are decimal strings. Its fields include the
 * body the Safe Transaction Service accepts (`POST /api/v2/safes/{safe}/multisig-transactions/`: the SafeTx fields,
 * `contractTransactionHash`, `sender`, `signature`, `origin`), `sender` and `signature` filled by the first owner
 * who signs; every signature collected is in `signatures`.
 */
export interface SafeProposal {
  format?: string;
  safe: string;
  chainId: string;
  to: string;
  value: string;
  data: string;
  operation: Operation;
  safeTxGas: string;
  baseGas: string;
  gasPrice: string;
  gasToken: string;
  refundReceiver: string;
  nonce: string;
  /** The SafeTx hash, under the Transaction Service's name. */
  contractTransactionHash: string;
  /** The same hash (what Safe{Wallet} shows as "safeTxHash"). */
  safeTxHash: string;
  /** The owner who proposes to the Transaction Service (the first to sign), and that owner's signature. */
  sender: string | null;
  signature: string | null;
  /** Who wrote the proposal, as the Transaction Service records it (at most 100 characters). */
  origin: string;
  /** EIP-712 domain separator and struct hash: what hardware wallets display when blind-signing. */
  domainHash: string;
  messageHash: string;
  threshold: number;
  owners: string[];
  /** `eth_signTypedData_v4` payload: what a wallet shows and signs. */
  typedData: {
    types: Record<string, { name: string; type: string }[]>;
    primaryType: "SafeTx";
    domain: { chainId: string; verifyingContract: string };
    message: Record<string, string | number>;
  };
  /** Owners' signatures collected so far (EIP-712, 65 bytes each). */
  signatures: OwnerSignature[];
  /** What the transaction does, in the operator's words. */
  summary?: string;
  /** The role holder whose Safe it is (e.g. "transferAgent"). */
  role?: string;
  /** Short name of the action (function, `schedule-<function>`, `execute-<function>`, `rejection`). */
  action?: string;
  /** Hash of the chain's block 0 when written: a restarted local node has another. */
  chainGenesis?: string;
  /** The safeTxHash of the proposal that replaced this one at its nonce (`--nonce`, `safe:reject`). */
  supersededBy?: string;
  /** ISO time the file was written (information only). */
  createdAt?: string;
}

export interface ProposeOptions {
  /** Where to write the proposal JSON. */
  outFile: string;
  /** Nonce to use instead of the Safe's current one (to queue after pending proposals). */
  nonce?: bigint;
  /** Also write a Safe{Wallet} Transaction Builder batch file with this one call (operation Call only). */
  txBuilderFile?: string;
  /** Descriptive fields written into the proposal. */
  describe?: Partial<Pick<SafeProposal, "summary" | "role" | "action" | "origin">>;
}

/** Writes JSON through a temporary file and a rename, so that a reader never sees half a file. */
export function writeJson(file: string, content: unknown): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(content, null, 2) + "\n");
  fs.renameSync(tmp, file);
}

/** The SafeTx a proposal describes, rebuilt from its fields. */
export function proposalTx(p: SafeProposal): SafeTx {
  const tx = buildSafeTx(
    { to: p.to, data: p.data, value: BigInt(p.value), operation: p.operation },
    BigInt(p.nonce),
  );
  for (const [field, value] of [
    ["safeTxGas", p.safeTxGas],
    ["baseGas", p.baseGas],
    ["gasPrice", p.gasPrice],
  ] as const) {
    if (value !== undefined && value !== "0")
      throw new Error(`Proposal ${field} is ${value}: only 0 is supported`);
  }
  for (const [field, value] of [
    ["gasToken", p.gasToken],
    ["refundReceiver", p.refundReceiver],
  ] as const) {
    if (value !== undefined && getAddress(value) !== ZeroAddress) {
      throw new Error(`Proposal ${field} is ${value}: only the zero address is supported`);
    }
  }
  return tx;
}

/**
 * Builds the proposal of `tx` for the Safe in `state`; its hash is checked against the Safe's own
 * `getTransactionHash` when a provider is given.
 */
export async function buildProposal(
  state: SafeState,
  tx: SafeTx,
  provider: Provider | undefined,
  describe: ProposeOptions["describe"] = {},
): Promise<SafeProposal> {
  const hash = safeTxHash(state.chainId, state.address, tx);
  if (provider) {
    const onChain: string = await new Contract(state.address, safeInterface, provider).getTransactionHash(
      tx.to,
      tx.value,
      tx.data,
      tx.operation,
      tx.safeTxGas,
      tx.baseGas,
      tx.gasPrice,
      tx.gasToken,
      tx.refundReceiver,
      tx.nonce,
    );
    if (onChain !== hash) throw new Error(`safeTxHash mismatch: computed ${hash}, Safe returns ${onChain}`);
  }
  const message = {
    to: tx.to,
    value: tx.value.toString(),
    data: tx.data,
    operation: tx.operation,
    safeTxGas: tx.safeTxGas.toString(),
    baseGas: tx.baseGas.toString(),
    gasPrice: tx.gasPrice.toString(),
    gasToken: tx.gasToken,
    refundReceiver: tx.refundReceiver,
    nonce: tx.nonce.toString(),
  };
  const genesis = provider ? await provider.getBlock(0).catch(() => null) : null;
  return {
    format: PROPOSAL_FORMAT,
    safe: state.address,
    chainId: state.chainId.toString(),
    to: tx.to,
    value: message.value,
    data: tx.data,
    operation: tx.operation,
    safeTxGas: message.safeTxGas,
    baseGas: message.baseGas,
    gasPrice: message.gasPrice,
    gasToken: tx.gasToken,
    refundReceiver: tx.refundReceiver,
    nonce: message.nonce,
    contractTransactionHash: hash,
    safeTxHash: hash,
    sender: null,
    signature: null,
    origin: (describe.origin ?? `treasury-fund-suite${describe.action ? `: ${describe.action}` : ""}`).slice(
      0,
      100,
    ),
    domainHash: TypedDataEncoder.hashDomain(safeDomain(state.chainId, state.address)),
    messageHash: TypedDataEncoder.from(SAFE_TX_TYPES).hash(tx),
    threshold: state.threshold,
    owners: state.owners,
    typedData: {
      types: {
        EIP712Domain: [
          { name: "chainId", type: "uint256" },
          { name: "verifyingContract", type: "address" },
        ],
        ...SAFE_TX_TYPES,
      },
      primaryType: "SafeTx",
      domain: { chainId: state.chainId.toString(), verifyingContract: state.address },
      message,
    },
    signatures: [],
    ...(describe.summary ? { summary: describe.summary } : {}),
    ...(describe.role ? { role: describe.role } : {}),
    ...(describe.action ? { action: describe.action } : {}),
    ...(genesis?.hash ? { chainGenesis: genesis.hash } : {}),
    createdAt: new Date().toISOString(),
  };
}

/**
 * Writes the SafeTx for `call` (current nonce unless given) with its EIP-712 typed data and safeTxHash to
 * `options.outFile`, and returns the safeTxHash. The hash is checked against the Safe's own
 * `getTransactionHash` before anything is written.
 */
export async function proposeSafeTransaction(
  safeAddress: string,
  call: SafeCall,
  provider: Provider,
  options: ProposeOptions,
): Promise<string> {
  const state = await readSafeState(safeAddress, provider);
  const nonce = options.nonce ?? state.nonce;
  if (nonce < state.nonce)
    throw new Error(`Nonce ${nonce} was already used by Safe ${state.address} (next is ${state.nonce})`);
  const tx = buildSafeTx(call, nonce);
  const proposal = await buildProposal(state, tx, provider, options.describe);
  if (options.txBuilderFile && tx.operation !== Operation.Call) {
    throw new Error("The Transaction Builder only proposes calls");
  }
  writeJson(options.outFile, proposal);
  if (options.txBuilderFile) writeJson(options.txBuilderFile, txBuilderBatch(proposal));
  return proposal.safeTxHash;
}

/** Reads a proposal file written by {@link proposeSafeTransaction} (or an earlier version of it). */
export function readProposal(file: string): SafeProposal {
  const raw = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<SafeProposal>;
  return {
    safeTxGas: "0",
    baseGas: "0",
    gasPrice: "0",
    gasToken: ZeroAddress,
    refundReceiver: ZeroAddress,
    contractTransactionHash: raw.safeTxHash,
    sender: null,
    signature: null,
    origin: "treasury-fund-suite",
    signatures: [],
    ...raw,
  } as SafeProposal;
}

/**
 * Checks a proposal's fields hash to its recorded hash (for `chainId` and its Safe), and returns that hash. A
 * proposal is never trusted for its hash: signatures and executions use the hash of its fields.
 */
export function checkProposalHash(p: SafeProposal): string {
  const hash = safeTxHash(BigInt(p.chainId), p.safe, proposalTx(p));
  if (hash !== p.safeTxHash || (p.contractTransactionHash && p.contractTransactionHash !== hash)) {
    throw new Error(`Proposal fields hash to ${hash}, not to its recorded safeTxHash ${p.safeTxHash}`);
  }
  return hash;
}

/**
 * Adds an owner's signature to a proposal (in memory): it must recover, over the hash of the proposal's fields, to
 * an owner listed in the proposal. The first signature also becomes the Transaction Service `sender`/`signature`.
 * Returns the owner, and whether the signature is new.
 */
export function addProposalSignature(p: SafeProposal, signature: string): { owner: string; added: boolean } {
  const hash = checkProposalHash(p);
  const owner = signatureOwner(hash, signature);
  if (!p.owners.map(getAddress).includes(owner)) {
    throw new Error(
      `The signature recovers to ${owner}, not an owner of Safe ${p.safe} (owners: ${p.owners.join(", ")})`,
    );
  }
  if (p.signatures.some((s) => getAddress(s.owner) === owner)) return { owner, added: false };
  p.signatures.push({ owner, signature });
  if (!p.sender) {
    p.sender = owner;
    p.signature = signature;
  }
  return { owner, added: true };
}

/**
 * Executes a proposal with signatures collected offline (65-byte EIP-712 signatures of its typed data).
 * The SafeTx is rebuilt from the proposal's fields, not trusted from its `safeTxHash`; each signature must
 * recover to a distinct owner, and together they must reach the threshold.
 */
export async function execProposal(
  proposal: SafeProposal,
  signatures: string[],
  sender: Signer,
  options: Pick<ExecOptions, "interfaces"> = {},
): Promise<ExecResult> {
  const state = await readSafeState(proposal.safe, providerOf(sender));
  if (state.chainId.toString() !== proposal.chainId) {
    throw new Error(`Proposal is for chain ${proposal.chainId}, connected to chain ${state.chainId}`);
  }
  const tx = proposalTx(proposal);
  if (getAddress(proposal.safe) !== state.address) throw new Error(`Proposal Safe ${proposal.safe} mismatch`);
  if (tx.nonce !== state.nonce) {
    throw new Error(`Proposal nonce ${tx.nonce} is not the Safe's next nonce ${state.nonce}`);
  }
  const hash = safeTxHash(state.chainId, state.address, tx);
  if (hash !== proposal.safeTxHash) {
    throw new Error(`Proposal fields hash to ${hash}, not to its recorded safeTxHash ${proposal.safeTxHash}`);
  }
  const owned = signatures.map((signature) => ({ owner: signatureOwner(hash, signature), signature }));
  checkSigners(
    state,
    owned.map((s) => s.owner),
  );
  await simulateInner(state, tx, providerOf(sender), options.interfaces ?? []);
  return submit(state, tx, owned.slice(0, state.threshold), sender);
}

// ------------------------------------------------------------------------------------------------
// Safe{Wallet} Transaction Builder file
// ------------------------------------------------------------------------------------------------

/** Version of the Transaction Builder file format written (the app's `version` field). */
export const TX_BUILDER_FORMAT_VERSION = "1.0";
/** The Transaction Builder app version the file says it was made for (`meta.txBuilderVersion`). */
export const TX_BUILDER_APP_VERSION = "1.18.0";

export interface TxBuilderBatch {
  version: string;
  chainId: string;
  createdAt: number;
  meta: {
    name: string | null;
    description: string;
    txBuilderVersion: string;
    createdFromSafeAddress: string;
    createdFromOwnerAddress: string;
    checksum?: string;
  };
  transactions: {
    to: string;
    value: string;
    data: string | null;
    contractMethod: null;
    contractInputsValues: null;
  }[];
}

/**
 * The Transaction Builder app's canonical text of a JSON value: object keys sorted, each object written as the JSON
 * array of its keys followed by each value and a comma, undefined written as null.
 */
function builderSerialize(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(builderSerialize).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    const parts = keys.map((k) => `${builderSerialize((value as Record<string, unknown>)[k])},`);
    return `{${JSON.stringify(keys)}${parts.join("")}}`;
  }
  return value === undefined ? "null" : JSON.stringify(value);
}

/** The checksum the Transaction Builder app checks on import: keccak256 of the batch text with `meta.name` null. */
export function txBuilderChecksum(batch: TxBuilderBatch): string {
  const { checksum: _checksum, ...meta } = batch.meta;
  return keccak256(toUtf8Bytes(builderSerialize({ ...batch, meta: { ...meta, name: null } })));
}

/** The proposal's call as a Transaction Builder batch (one call), with its version and checksum. */
export function txBuilderBatch(p: SafeProposal): TxBuilderBatch {
  const batch: TxBuilderBatch = {
    version: TX_BUILDER_FORMAT_VERSION,
    chainId: p.chainId,
    createdAt: Date.parse(p.createdAt ?? new Date().toISOString()),
    meta: {
      name: `${p.role ? `${p.role} ` : ""}nonce ${p.nonce}${p.action ? ` ${p.action}` : ""}`,
      description: `${p.summary ?? "Safe transaction"} (safeTxHash ${p.safeTxHash}; import with this nonce)`,
      txBuilderVersion: TX_BUILDER_APP_VERSION,
      createdFromSafeAddress: p.safe,
      createdFromOwnerAddress: "",
    },
    transactions: [
      { to: p.to, value: p.value, data: p.data, contractMethod: null, contractInputsValues: null },
    ],
  };
  batch.meta.checksum = txBuilderChecksum(batch);
  return batch;
}
