/**
 * Safe 1.4.1 multisigs for the suite: deploy the Safe infrastructure from the audited artifacts shipped in
 * `@safe-global/safe-contracts`, create Safes, execute any call through a Safe with owners' EIP-712
 * signatures, and write proposals for owners who sign offline (hardware wallets, Safe{Wallet}).
 *
 * Nothing here knows an address: every address comes from the caller (deploy records, network config).
 */
import * as fs from "fs";
import * as path from "path";
import {
  Contract,
  ContractFactory,
  Interface,
  InterfaceAbi,
  Provider,
  Result,
  Signer,
  TransactionReceipt,
  TransactionResponse,
  TypedDataEncoder,
  ZeroAddress,
  concat,
  getAddress,
  getCreate2Address,
  isAddress,
  isCallException,
  isHexString,
  keccak256,
  recoverAddress,
  toBeHex,
  zeroPadValue,
} from "ethers";
import type { DeploymentsExtension } from "hardhat-deploy/types";

// ------------------------------------------------------------------------------------------------
// Artifacts
// ------------------------------------------------------------------------------------------------

/** ABI and creation bytecode of a contract shipped as a Hardhat artifact. */
export interface ContractArtifact {
  abi: InterfaceAbi;
  bytecode: string;
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
  return { abi: artifact.abi, bytecode: artifact.bytecode };
}

/** The Safe 1.4.1 artifacts, exactly as published by Safe (bytecode compiled with solc 0.7.6). */
export const safeArtifacts = {
  Safe: loadArtifact("Safe.sol/Safe.json"),
  SafeL2: loadArtifact("SafeL2.sol/SafeL2.json"),
  SafeProxyFactory: loadArtifact("proxies/SafeProxyFactory.sol/SafeProxyFactory.json"),
  CompatibilityFallbackHandler: loadArtifact(
    "handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json",
  ),
} as const;

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
// Infrastructure
// ------------------------------------------------------------------------------------------------

/** Addresses of a Safe 1.4.1 deployment. */
export interface SafeInfrastructure {
  singleton: string;
  singletonKind: SingletonKind;
  proxyFactory: string;
  fallbackHandler: string;
}

export interface SafeInfrastructureOptions {
  /** Defaults to {@link defaultSingletonKind} of the connected chain. */
  singletonKind?: SingletonKind;
}

/** Deployment names used for hardhat-deploy records (the singleton is recorded as "Safe" or "SafeL2"). */
export const SAFE_DEPLOYMENT_NAMES = {
  proxyFactory: "SafeProxyFactory",
  fallbackHandler: "CompatibilityFallbackHandler",
} as const;

/**
 * The one deployment routine behind both entry points: it decides what to deploy, and a `deployOne`
 * strategy decides how (a plain ContractFactory, or hardhat-deploy's recorded and idempotent deploy).
 */
async function deployInfrastructure(
  kind: SingletonKind,
  deployOne: (name: string, artifact: ContractArtifact) => Promise<string>,
): Promise<SafeInfrastructure> {
  const singleton = await deployOne(kind, safeArtifacts[kind]);
  const proxyFactory = await deployOne(SAFE_DEPLOYMENT_NAMES.proxyFactory, safeArtifacts.SafeProxyFactory);
  const fallbackHandler = await deployOne(
    SAFE_DEPLOYMENT_NAMES.fallbackHandler,
    safeArtifacts.CompatibilityFallbackHandler,
  );
  return { singleton, singletonKind: kind, proxyFactory, fallbackHandler };
}

function providerOf(runner: Signer): Provider {
  if (!runner.provider) throw new Error("The signer is not connected to a provider");
  return runner.provider;
}

/** Deploys a fresh Safe singleton, SafeProxyFactory and CompatibilityFallbackHandler with `deployer`. */
export async function deploySafeInfrastructure(
  deployer: Signer,
  options: SafeInfrastructureOptions = {},
): Promise<SafeInfrastructure> {
  const chainId = (await providerOf(deployer).getNetwork()).chainId;
  const kind = options.singletonKind ?? defaultSingletonKind(chainId);
  return deployInfrastructure(kind, async (_name, artifact) => {
    const contract = await new ContractFactory(artifact.abi, artifact.bytecode, deployer).deploy();
    await contract.waitForDeployment();
    return contract.getAddress();
  });
}

export interface SafeDeploymentsOptions extends SafeInfrastructureOptions {
  /** Chain id of the target network (hardhat-deploy's `getChainId()`), used for the default singleton. */
  chainId: bigint;
  /** Print hardhat-deploy's deployment log lines. */
  log?: boolean;
  /** CREATE2 through hardhat-deploy's deterministic deployer; a string is used as the salt. */
  deterministicDeployment?: boolean | string;
}

/**
 * hardhat-deploy variant of {@link deploySafeInfrastructure}: each contract is deployed with
 * `deployments.deploy(name, ...)`, so its record lands in deployments/<network>/ and a re-run reuses it.
 */
export async function deploySafeInfrastructureWithDeployments(
  deployments: DeploymentsExtension,
  from: string,
  options: SafeDeploymentsOptions,
): Promise<SafeInfrastructure> {
  const kind = options.singletonKind ?? defaultSingletonKind(options.chainId);
  return deployInfrastructure(kind, async (name, artifact) => {
    const result = await deployments.deploy(name, {
      contract: { abi: artifact.abi as unknown[], bytecode: artifact.bytecode },
      from,
      log: options.log ?? false,
      deterministicDeployment: options.deterministicDeployment,
    });
    return result.address;
  });
}

/**
 * Checks that the addresses hold Safe 1.4.1 contracts (e.g. canonical deployments read from a network
 * config instead of deployed by us). Throws a message naming what is wrong.
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
  if (version !== "1.4.1") {
    throw new Error(`Safe infrastructure: singleton ${infra.singleton} is Safe ${version}, expected 1.4.1`);
  }
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

function setupData(infra: SafeInfrastructure, owners: string[], threshold: number): string {
  return safeInterface.encodeFunctionData("setup", [
    owners,
    threshold,
    ZeroAddress, // to: no delegate call during setup
    "0x",
    infra.fallbackHandler,
    ZeroAddress, // paymentToken
    0, // payment
    ZeroAddress, // paymentReceiver
  ]);
}

/** Address `createProxyWithNonce(singleton, initializer, saltNonce)` deploys to (CREATE2). */
export async function predictSafeAddress(
  infra: SafeInfrastructure,
  owners: string[],
  threshold: number,
  saltNonce: bigint,
  provider: Provider,
): Promise<string> {
  const initializer = setupData(infra, validateSafeConfig(owners, threshold), threshold);
  const factory = new Contract(infra.proxyFactory, factoryInterface, provider);
  const creationCode: string = await factory.proxyCreationCode();
  const salt = keccak256(concat([keccak256(initializer), toBeHex(saltNonce, 32)]));
  const initCodeHash = keccak256(concat([creationCode, zeroPadValue(infra.singleton, 32)]));
  return getCreate2Address(infra.proxyFactory, salt, initCodeHash);
}

/**
 * Creates a Safe proxy set up with `owners` and `threshold` (fallback handler set, no payment) and
 * returns its address, read from the factory's `ProxyCreation` event.
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
  const predicted = await predictSafeAddress(infra, checksummed, threshold, saltNonce, provider);
  if ((await provider.getCode(predicted)) !== "0x") {
    throw new Error(
      `A Safe with these owners, threshold and saltNonce ${saltNonce} already exists at ${predicted}; ` +
        `reuse it or pick another saltNonce`,
    );
  }

  const factory = new Contract(infra.proxyFactory, factoryInterface, deployer);
  const response: TransactionResponse = await factory.createProxyWithNonce(
    infra.singleton,
    setupData(infra, checksummed, threshold),
    saltNonce,
  );
  const receipt = await response.wait();
  if (!receipt) throw new Error(`Safe creation transaction ${response.hash} was not mined`);
  for (const log of receipt.logs) {
    if (getAddress(log.address) !== getAddress(infra.proxyFactory)) continue;
    const parsed = factoryInterface.parseLog(log);
    if (parsed?.name === "ProxyCreation") return getAddress(parsed.args.proxy as string);
  }
  throw new Error(`Safe creation transaction ${response.hash} emitted no ProxyCreation event`);
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

/** EIP-712 types of Safe 1.4.1 (its domain is `EIP712Domain(uint256 chainId,address verifyingContract)`). */
export const SAFE_TX_TYPES = {
  SafeTx: [
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "data", type: "bytes" },
    { name: "operation", type: "uint8" },
    { name: "safeTxGas", type: "uint256" },
    { name: "baseGas", type: "uint256" },
    { name: "gasPrice", type: "uint256" },
    { name: "gasToken", type: "address" },
    { name: "refundReceiver", type: "address" },
    { name: "nonce", type: "uint256" },
  ],
};

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

/** The EIP-712 domain of a Safe 1.4.1. */
export function safeDomain(chainId: bigint, safeAddress: string) {
  return { chainId, verifyingContract: getAddress(safeAddress) };
}

/** The hash owners sign; equal to the Safe's `getTransactionHash(...)`. */
export function safeTxHash(chainId: bigint, safeAddress: string, tx: SafeTx): string {
  return TypedDataEncoder.hash(safeDomain(chainId, safeAddress), SAFE_TX_TYPES, tx);
}

/** An owner's 65-byte ECDSA signature over a safeTxHash. */
export interface OwnerSignature {
  owner: string;
  signature: string;
}

/** Has each signer sign the SafeTx with `signTypedData`, and checks each signature recovers to its signer. */
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
    const signature = await signer.signTypedData(safeDomain(chainId, safeAddress), SAFE_TX_TYPES, tx);
    if (getAddress(recoverAddress(hash, signature)) !== owner) {
      throw new Error(`The signature of ${owner} does not recover to its address`);
    }
    signatures.push({ owner, signature });
  }
  return signatures;
}

/** Safe's `signatures` argument: signatures ordered by owner address ascending, concatenated. */
export function encodeSignatures(signatures: OwnerSignature[]): string {
  const sorted = [...signatures].sort((a, b) => {
    const x = BigInt(a.owner);
    const y = BigInt(b.owner);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return concat(sorted.map((s) => s.signature));
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

/** Sends `execTransaction` with the given owners' signatures. */
async function submit(
  state: SafeState,
  tx: SafeTx,
  signatures: OwnerSignature[],
  sender: Signer,
): Promise<ExecResult> {
  const safe = new Contract(state.address, safeInterface, sender);
  const response: TransactionResponse = await safe.execTransaction(
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
  );
  const receipt = await response.wait();
  if (!receipt) throw new Error(`Safe transaction ${response.hash} was not mined`);
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

/** A Safe transaction written for owners who sign elsewhere. Numbers are decimal strings. */
export interface SafeProposal {
  safe: string;
  chainId: string;
  to: string;
  value: string;
  data: string;
  operation: Operation;
  nonce: string;
  safeTxHash: string;
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
}

export interface ProposeOptions {
  /** Where to write the proposal JSON. */
  outFile: string;
  /** Nonce to use instead of the Safe's current one (to queue after pending proposals). */
  nonce?: bigint;
  /** Also write a Safe{Wallet} Transaction Builder batch file with this one call (operation Call only). */
  txBuilderFile?: string;
}

function writeJson(file: string, content: unknown): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(content, null, 2) + "\n");
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
  const hash = safeTxHash(state.chainId, state.address, tx);
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

  const message = {
    to: tx.to,
    value: tx.value.toString(),
    data: tx.data,
    operation: tx.operation,
    safeTxGas: "0",
    baseGas: "0",
    gasPrice: "0",
    gasToken: tx.gasToken,
    refundReceiver: tx.refundReceiver,
    nonce: tx.nonce.toString(),
  };
  const proposal: SafeProposal = {
    safe: state.address,
    chainId: state.chainId.toString(),
    to: tx.to,
    value: message.value,
    data: tx.data,
    operation: tx.operation,
    nonce: message.nonce,
    safeTxHash: hash,
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
  };
  writeJson(options.outFile, proposal);

  if (options.txBuilderFile) {
    if (tx.operation !== Operation.Call) throw new Error("The Transaction Builder only proposes calls");
    writeJson(options.txBuilderFile, {
      version: "1.0",
      chainId: proposal.chainId,
      createdAt: Date.now(),
      meta: {
        name: `safeTx ${hash}`,
        description: `nonce ${proposal.nonce}`,
        createdFromSafeAddress: state.address,
      },
      transactions: [{ to: tx.to, value: proposal.value, data: tx.data }],
    });
  }
  return hash;
}

/** Reads a proposal file written by {@link proposeSafeTransaction}. */
export function readProposal(file: string): SafeProposal {
  return JSON.parse(fs.readFileSync(file, "utf8")) as SafeProposal;
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
  const tx = buildSafeTx(
    { to: proposal.to, data: proposal.data, value: BigInt(proposal.value), operation: proposal.operation },
    BigInt(proposal.nonce),
  );
  if (tx.nonce !== state.nonce) {
    throw new Error(`Proposal nonce ${tx.nonce} is not the Safe's next nonce ${state.nonce}`);
  }
  const hash = safeTxHash(state.chainId, state.address, tx);
  if (hash !== proposal.safeTxHash) {
    throw new Error(`Proposal fields hash to ${hash}, not to its recorded safeTxHash ${proposal.safeTxHash}`);
  }
  const owned = signatures.map((signature) => ({
    owner: getAddress(recoverAddress(hash, signature)),
    signature,
  }));
  checkSigners(
    state,
    owned.map((s) => s.owner),
  );
  await simulateInner(state, tx, providerOf(sender), options.interfaces ?? []);
  return submit(state, tx, owned.slice(0, state.threshold), sender);
}
