/**
 * Comparison suite: T-REX 4.1.6 (Tokeny's reference ERC-3643 implementation), deployed on the
 * in-process Hardhat network from the ABI + bytecode artifacts shipped in the npm package
 * `@tokenysolutions/t-rex`, with investor identities from `@onchain-id/solidity` 2.1.0.
 *
 * Deployment follows T-REX's production path (see bench/README.md): implementations registered as a
 * version in the reference TREXImplementationAuthority, a TREXFactory wired to it and to ONCHAINID's
 * IdFactory, and one `deployTREXSuite` call per token, which deploys the six proxies (token, identity
 * registry, identity registry storage, claim topics registry, trusted issuers registry, modular
 * compliance), creates the token's ONCHAINID, sets the claim topic and trusted issuer, adds the
 * agents, binds the compliance modules and hands ownership to the issuer.
 *
 * Nothing from T-REX is compiled or copied here: its artifacts are loaded as they are published.
 */
import { ethers } from "hardhat";
import type { Contract, InterfaceAbi, Signer } from "ethers";
import {
  batchInvestorAddresses,
  benchAccounts,
  check,
  isolated,
  measureGas,
  type BenchAccounts,
} from "./common";
import {
  BATCH_SIZE,
  COUNTRIES,
  DECIMALS,
  INITIAL_BALANCE,
  MINT_AMOUNT,
  TRANSFER_AMOUNT,
  UNIT,
  type GasRecord,
  type OperationKey,
} from "./operations";

interface Artifact {
  contractName: string;
  abi: InterfaceAbi;
  bytecode: string;
}

/** Loads a published artifact; T-REX and ONCHAINID ship Hardhat artifacts under `artifacts/contracts/`. */
function artifact(pkg: "@tokenysolutions/t-rex" | "@onchain-id/solidity", path: string): Artifact {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const a = require(`${pkg}/artifacts/contracts/${path}`) as Artifact;
  if (!a.bytecode || a.bytecode === "0x") throw new Error(`${pkg}/${path} has no bytecode`);
  return a;
}

const trex = (path: string) => artifact("@tokenysolutions/t-rex", path);
const oid = (path: string) => artifact("@onchain-id/solidity", path);

/** T-REX 4.1.6 artifacts, as published on npm. */
export const TREX_ARTIFACTS = {
  Token: trex("token/Token.sol/Token.json"),
  IdentityRegistry: trex("registry/implementation/IdentityRegistry.sol/IdentityRegistry.json"),
  IdentityRegistryStorage: trex(
    "registry/implementation/IdentityRegistryStorage.sol/IdentityRegistryStorage.json",
  ),
  ClaimTopicsRegistry: trex("registry/implementation/ClaimTopicsRegistry.sol/ClaimTopicsRegistry.json"),
  TrustedIssuersRegistry: trex(
    "registry/implementation/TrustedIssuersRegistry.sol/TrustedIssuersRegistry.json",
  ),
  ModularCompliance: trex("compliance/modular/ModularCompliance.sol/ModularCompliance.json"),
  TREXImplementationAuthority: trex(
    "proxy/authority/TREXImplementationAuthority.sol/TREXImplementationAuthority.json",
  ),
  IAFactory: trex("proxy/authority/IAFactory.sol/IAFactory.json"),
  TREXFactory: trex("factory/TREXFactory.sol/TREXFactory.json"),
  ModuleProxy: trex("compliance/modular/modules/ModuleProxy.sol/ModuleProxy.json"),
  CountryAllowModule: trex("compliance/modular/modules/CountryAllowModule.sol/CountryAllowModule.json"),
  MaxBalanceModule: trex("compliance/modular/modules/MaxBalanceModule.sol/MaxBalanceModule.json"),
};

/** ONCHAINID 2.1.0 artifacts, as published on npm. */
export const ONCHAINID_ARTIFACTS = {
  Identity: oid("Identity.sol/Identity.json"),
  ImplementationAuthority: oid("proxy/ImplementationAuthority.sol/ImplementationAuthority.json"),
  IdFactory: oid("factory/IdFactory.sol/IdFactory.json"),
  ClaimIssuer: oid("ClaimIssuer.sol/ClaimIssuer.json"),
};

/** Version under which the implementations are registered in the implementation authority. */
export const TREX_VERSION = { major: 4, minor: 1, patch: 6 } as const;
/** The one claim topic the tokens require (KYC). */
export const KYC_CLAIM_TOPIC = 1n;
/** ECDSA claim scheme of ONCHAINID. */
const ECDSA_SCHEME = 1n;
/** Public data of the KYC claims: under 32 bytes (one storage slot), like T-REX's own test fixture. */
export const KYC_CLAIM_DATA = ethers.hexlify(ethers.toUtf8Bytes("KYC passed"));
/** MaxBalanceModule limit per investor identity (far above any benchmark balance). */
export const MAX_BALANCE = 1_000_000n * UNIT;

/** Why an operation has no T-REX figure. */
export const TREX_NOT_APPLICABLE: Partial<Record<OperationKey, string>> = {
  transfer_existing_all_modules:
    "T-REX has no equivalent of the fund suite's full module set (sanctions oracle, investor class, " +
    "max investors, min/max holding, lockup, transfer limits); a partial T-REX stand-in would not compare like with like",
  register_from_claims:
    "T-REX has no registration from claims: its agent registers the identity, and its identity registry reads the claims on every transfer (in its transfer figures)",
  register_from_attestation: "T-REX has no EAS source",
  refresh: "T-REX keeps no record to refresh: every transfer re-reads the claims",
  mint_live_check: "T-REX always checks claims live, on every mint and transfer (its `mint` figure)",
  accrue_10_holders: "T-REX has no accrual (not a rebasing token)",
  accrue_1000_holders: "T-REX has no accrual (not a rebasing token)",
  accrue_10000_holders: "T-REX has no accrual (not a rebasing token)",
  bridge_send: "T-REX 4.1.6 has no CCIP token pool",
  bridge_receive: "T-REX 4.1.6 has no CCIP token pool",
  vault_request_redeem: "T-REX has no subscription or redemption entry point (no ERC-7540 vault)",
  vault_claim_redeem: "T-REX has no subscription or redemption entry point (no ERC-7540 vault)",
};

async function deploy(a: Artifact, signer: Signer, ...args: unknown[]): Promise<Contract> {
  const c = await new ethers.ContractFactory(a.abi, a.bytecode, signer).deploy(...args);
  await c.waitForDeployment();
  return new ethers.Contract(await c.getAddress(), a.abi, signer);
}

function at(a: Artifact, address: string, signer: Signer): Contract {
  return new ethers.Contract(address, a.abi, signer);
}

/** Sends a set-up transaction and waits until it is mined successfully. */
async function mined(send: Promise<{ wait(): Promise<{ status: number | null } | null> }>): Promise<void> {
  const receipt = await (await send).wait();
  if (receipt === null || receipt.status !== 1) throw new Error("T-REX set-up transaction failed");
}

/** Shared infrastructure: what Tokeny (or an issuer platform) deploys once for all its tokens. */
export interface TrexInfrastructure {
  identityImplementationAuthority: Contract;
  idFactory: Contract;
  implementationAuthority: Contract;
  factory: Contract;
  claimIssuer: Contract;
  /** holds the claim issuer's CLAIM key (purpose 3): signs KYC claims */
  claimSigner: InstanceType<typeof ethers.Wallet>;
  countryAllowModule: Contract;
  maxBalanceModule: Contract;
}

/** One token's suite as returned by `deployTREXSuite`, connected to the issuer. */
export interface TrexToken {
  token: Contract;
  identityRegistry: Contract;
  identityRegistryStorage: Contract;
  compliance: Contract;
}

export interface TrexDeployment {
  accounts: BenchAccounts;
  infra: TrexInfrastructure;
  /** token without compliance modules */
  plain: TrexToken;
  /** token with CountryAllowModule + MaxBalanceModule bound at deployment */
  restricted: TrexToken;
  /** ONCHAINID proxies of the benchmark investors, by name */
  identities: { alice: Contract; bob: Contract; carol: Contract; dave: Contract };
  /** wallets and ONCHAINID addresses of the batch registration */
  batch: { wallets: string[]; identities: string[] };
}

/** Deploys ONCHAINID + T-REX infrastructure, the claim issuer and the two module proxies. */
export async function deployTrexInfrastructure(accounts: BenchAccounts): Promise<TrexInfrastructure> {
  const { deployer, claimIssuer: claimIssuerManager } = accounts;
  const T = TREX_ARTIFACTS;
  const O = ONCHAINID_ARTIFACTS;

  // ONCHAINID: one Identity implementation (library mode) behind an ImplementationAuthority; every
  // identity is an IdentityProxy created by the IdFactory.
  const identityImplementation = await deploy(O.Identity, deployer, await deployer.getAddress(), true);
  const identityImplementationAuthority = await deploy(
    O.ImplementationAuthority,
    deployer,
    await identityImplementation.getAddress(),
  );
  const idFactory = await deploy(O.IdFactory, deployer, await identityImplementationAuthority.getAddress());

  // T-REX implementations, registered as version 4.1.6 in the reference implementation authority.
  const implementations = {
    tokenImplementation: await deploy(T.Token, deployer),
    ctrImplementation: await deploy(T.ClaimTopicsRegistry, deployer),
    irImplementation: await deploy(T.IdentityRegistry, deployer),
    irsImplementation: await deploy(T.IdentityRegistryStorage, deployer),
    tirImplementation: await deploy(T.TrustedIssuersRegistry, deployer),
    mcImplementation: await deploy(T.ModularCompliance, deployer),
  };
  const implementationAuthority = await deploy(
    T.TREXImplementationAuthority,
    deployer,
    true,
    ethers.ZeroAddress,
    ethers.ZeroAddress,
  );
  const trexContracts = Object.fromEntries(
    await Promise.all(
      Object.entries(implementations).map(async ([k, c]) => [k, await c.getAddress()] as const),
    ),
  );
  await mined(implementationAuthority.addAndUseTREXVersion(TREX_VERSION, trexContracts));

  // The factory deploys every suite through this authority and creates each token's ONCHAINID.
  const factory = await deploy(
    T.TREXFactory,
    deployer,
    await implementationAuthority.getAddress(),
    await idFactory.getAddress(),
  );
  await mined(idFactory.addTokenFactory(await factory.getAddress()));
  await mined(implementationAuthority.setTREXFactory(await factory.getAddress()));
  const iaFactory = await deploy(T.IAFactory, deployer, await factory.getAddress());
  await mined(implementationAuthority.setIAFactory(await iaFactory.getAddress()));

  // The one trusted claim issuer: a ClaimIssuer identity whose CLAIM key signs KYC claims.
  const claimSigner = new ethers.Wallet(ethers.keccak256(ethers.toUtf8Bytes("fundsuite.bench.claim-signer")));
  const claimIssuer = await deploy(O.ClaimIssuer, claimIssuerManager, await claimIssuerManager.getAddress());
  const claimKey = ethers.keccak256(
    ethers.AbiCoder.defaultAbiCoder().encode(["address"], [claimSigner.address]),
  );
  await mined(claimIssuer.addKey(claimKey, 3n, 1n));

  // Compliance modules: upgradeable implementations behind ERC-1967 ModuleProxy, initialised in the
  // proxy constructor, shared by every compliance that binds them (T-REX 4.1's module deployment).
  const moduleProxy = async (a: Artifact): Promise<Contract> => {
    const implementation = await deploy(a, deployer);
    const init = implementation.interface.encodeFunctionData("initialize");
    const proxy = await deploy(T.ModuleProxy, deployer, await implementation.getAddress(), init);
    return at(a, await proxy.getAddress(), deployer);
  };
  const countryAllowModule = await moduleProxy(T.CountryAllowModule);
  const maxBalanceModule = await moduleProxy(T.MaxBalanceModule);

  return {
    identityImplementationAuthority,
    idFactory,
    implementationAuthority,
    factory,
    claimIssuer,
    claimSigner,
    countryAllowModule,
    maxBalanceModule,
  };
}

/**
 * One `deployTREXSuite` call: issuer owns everything, the agent is agent of the token and of the
 * identity registry, one claim topic (KYC) with one trusted issuer, and the given modules bound with
 * their settings.
 */
export async function deployTrexToken(
  accounts: BenchAccounts,
  infra: TrexInfrastructure,
  salt: string,
  modules: { address: string; settings: string[] }[],
): Promise<TrexToken> {
  const [issuer, agent] = await Promise.all([accounts.issuer.getAddress(), accounts.agent.getAddress()]);
  const tokenDetails = {
    owner: issuer,
    name: `T-REX bench ${salt}`,
    symbol: "TREXB",
    decimals: DECIMALS,
    irs: ethers.ZeroAddress, // deploy a new identity registry storage
    ONCHAINID: ethers.ZeroAddress, // the factory creates the token's ONCHAINID through the IdFactory
    irAgents: [agent],
    tokenAgents: [agent],
    // deployTREXSuite pairs complianceModules[i] with complianceSettings[i]; a module with several
    // settings calls is listed once per call (it is bound only the first time).
    complianceModules: modules.flatMap((m) => m.settings.map(() => m.address)),
    complianceSettings: modules.flatMap((m) => m.settings),
  };
  const claimDetails = {
    claimTopics: [KYC_CLAIM_TOPIC],
    issuers: [await infra.claimIssuer.getAddress()],
    issuerClaims: [[KYC_CLAIM_TOPIC]],
  };
  await mined(
    infra.factory.connect(accounts.deployer).getFunction("deployTREXSuite")(salt, tokenDetails, claimDetails),
  );

  const T = TREX_ARTIFACTS;
  const token = at(T.Token, await infra.factory.getToken(salt), accounts.issuer);
  const identityRegistry = at(T.IdentityRegistry, await token.identityRegistry(), accounts.issuer);
  const identityRegistryStorage = at(
    T.IdentityRegistryStorage,
    await identityRegistry.identityStorage(),
    accounts.issuer,
  );
  const compliance = at(T.ModularCompliance, await token.compliance(), accounts.issuer);
  check((await token.owner()) === issuer, "issuer owns the token");
  check((await token.isAgent(agent)) === true, "agent is a token agent");
  check((await identityRegistry.isAgent(agent)) === true, "agent is an identity registry agent");
  check((await compliance.getTokenBound()) === (await token.getAddress()), "compliance bound to the token");
  const bound: string[] = [...(await compliance.getModules())];
  check(
    bound.length === modules.length && modules.every((m) => bound.includes(m.address)),
    `modules bound: ${bound.join(", ")}`,
  );
  // T-REX tokens start paused; the agent unpauses once the suite is configured.
  await mined(token.connect(accounts.agent).getFunction("unpause")());
  return { token, identityRegistry, identityRegistryStorage, compliance };
}

/** Signs the KYC claim for `identity` with the claim issuer's CLAIM key (ONCHAINID's ECDSA scheme). */
async function signKycClaim(infra: TrexInfrastructure, identity: string): Promise<string> {
  const hash = ethers.keccak256(
    ethers.AbiCoder.defaultAbiCoder().encode(
      ["address", "uint256", "bytes"],
      [identity, KYC_CLAIM_TOPIC, KYC_CLAIM_DATA],
    ),
  );
  return infra.claimSigner.signMessage(ethers.getBytes(hash));
}

/**
 * Onboards an investor's identity: the IdFactory (owned by the platform) creates the investor's
 * ONCHAINID proxy with the wallet as management key, and the investor adds the KYC claim signed by
 * the trusted claim issuer.
 */
async function createInvestorIdentity(
  accounts: BenchAccounts,
  infra: TrexInfrastructure,
  wallet: Signer,
  salt: string,
): Promise<Contract> {
  const address = await wallet.getAddress();
  await mined(infra.idFactory.connect(accounts.deployer).getFunction("createIdentity")(address, salt));
  const identity = at(ONCHAINID_ARTIFACTS.Identity, await infra.idFactory.getIdentity(address), wallet);
  const identityAddress = await identity.getAddress();
  const signature = await signKycClaim(infra, identityAddress);
  await mined(
    identity.addClaim(
      KYC_CLAIM_TOPIC,
      ECDSA_SCHEME,
      await infra.claimIssuer.getAddress(),
      signature,
      KYC_CLAIM_DATA,
      "",
    ),
  );
  return identity;
}

/**
 * Deploys the full benchmark state: infrastructure, a token without modules, a token with
 * CountryAllowModule (all benchmark countries allowed) + MaxBalanceModule (MAX_BALANCE) bound at
 * deployment, KYC'd identities for alice, bob, carol and dave; alice and bob registered in both
 * tokens with INITIAL_BALANCE each, carol registered with zero balance in the plain token, dave and
 * the batch investors not registered (their identities exist).
 */
export async function deployTrexBenchmark(): Promise<TrexDeployment> {
  const accounts = await benchAccounts();
  const infra = await deployTrexInfrastructure(accounts);
  const countryAllow = await infra.countryAllowModule.getAddress();
  const maxBalance = await infra.maxBalanceModule.getAddress();

  const plain = await deployTrexToken(accounts, infra, "fundsuite-bench-plain", []);
  const restricted = await deployTrexToken(accounts, infra, "fundsuite-bench-restricted", [
    {
      address: countryAllow,
      settings: [
        infra.countryAllowModule.interface.encodeFunctionData("batchAllowCountries", [
          Object.values(COUNTRIES),
        ]),
      ],
    },
    {
      address: maxBalance,
      settings: [infra.maxBalanceModule.interface.encodeFunctionData("setMaxBalance", [MAX_BALANCE])],
    },
  ]);

  const { alice, bob, carol, dave, agent } = accounts;
  const identities = {
    alice: await createInvestorIdentity(accounts, infra, alice, "fundsuite-bench-alice"),
    bob: await createInvestorIdentity(accounts, infra, bob, "fundsuite-bench-bob"),
    carol: await createInvestorIdentity(accounts, infra, carol, "fundsuite-bench-carol"),
    dave: await createInvestorIdentity(accounts, infra, dave, "fundsuite-bench-dave"),
  };

  const register = async (t: TrexToken, wallet: Signer, identity: Contract, country: number) =>
    mined(
      t.identityRegistry.connect(agent).getFunction("registerIdentity")(
        await wallet.getAddress(),
        await identity.getAddress(),
        country,
      ),
    );
  for (const t of [plain, restricted]) {
    await register(t, alice, identities.alice, COUNTRIES.alice);
    await register(t, bob, identities.bob, COUNTRIES.bob);
    for (const holder of [alice, bob]) {
      await mined(t.token.connect(agent).getFunction("mint")(await holder.getAddress(), INITIAL_BALANCE));
    }
  }
  await register(plain, carol, identities.carol, COUNTRIES.carol);

  // Batch investors: identities deployed by the IdFactory ahead of registration. Their KYC claims
  // are not added: registration does not read the identity, so they do not change the measured gas.
  const wallets = batchInvestorAddresses(BATCH_SIZE);
  const batchIdentities: string[] = [];
  for (const [i, wallet] of wallets.entries()) {
    await mined(
      infra.idFactory.connect(accounts.deployer).getFunction("createIdentity")(
        wallet,
        `fundsuite-bench-batch-${i}`,
      ),
    );
    batchIdentities.push(await infra.idFactory.getIdentity(wallet));
  }

  return { accounts, infra, plain, restricted, identities, batch: { wallets, identities: batchIdentities } };
}

/**
 * Measures T-REX 4.1.6, one transaction per operation on the state built by `deployTrexBenchmark`:
 * - `transfer_existing_no_rules`: alice -> bob (both hold INITIAL_BALANCE), plain token;
 * - `transfer_new_no_rules`: alice -> carol (registered, verified, zero balance), plain token;
 * - `transfer_existing_country_maxbalance`: alice -> bob on the token with CountryAllowModule and
 *   MaxBalanceModule bound (both investors' identity balances tracked and non-zero);
 * - `mint`: agent mints MINT_AMOUNT to bob, plain token;
 * - `register_investor`: agent `registerIdentity(dave, daveIdentity, country)`, plain token;
 * - `register_investor_batch_per_item`: agent `batchRegisterIdentity` of BATCH_SIZE investors,
 *   receipt gasUsed / BATCH_SIZE, rounded to the nearest unit.
 * `transfer_existing_all_modules` and the accruals are null (see TREX_NOT_APPLICABLE).
 * Runs `isolated`: the network is reverted to its previous state afterwards.
 */
export async function measureTrex(): Promise<GasRecord> {
  return isolated(measureTrexHere);
}

async function measureTrexHere(): Promise<GasRecord> {
  const { accounts, infra, plain, restricted, identities, batch } = await deployTrexBenchmark();
  const { agent, alice, bob, carol, dave } = accounts;
  const [a, b, c, d] = await Promise.all([alice, bob, carol, dave].map((s) => s.getAddress()));

  for (const w of [a, b, c]) check((await plain.identityRegistry.isVerified(w)) === true, `${w} verified`);
  for (const w of [a, b]) check((await restricted.identityRegistry.isVerified(w)) === true, `${w} verified`);
  check((await plain.token.balanceOf(c)) === 0n, "carol starts with zero balance");

  const transferExisting = await measureGas(
    "T-REX transfer to holder",
    plain.token.connect(alice).getFunction("transfer")(b, TRANSFER_AMOUNT),
  );
  check((await plain.token.balanceOf(b)) === INITIAL_BALANCE + TRANSFER_AMOUNT, "bob received the transfer");

  const transferNew = await measureGas(
    "T-REX transfer to new wallet",
    plain.token.connect(alice).getFunction("transfer")(c, TRANSFER_AMOUNT),
  );
  check((await plain.token.balanceOf(c)) === TRANSFER_AMOUNT, "carol received the transfer");

  const transferModules = await measureGas(
    "T-REX transfer with country + max balance modules",
    restricted.token.connect(alice).getFunction("transfer")(b, TRANSFER_AMOUNT),
  );
  check(
    (await restricted.token.balanceOf(b)) === INITIAL_BALANCE + TRANSFER_AMOUNT,
    "bob received the transfer",
  );
  const idBalance: bigint = await infra.maxBalanceModule.getIDBalance(
    await restricted.compliance.getAddress(),
    await identities.bob.getAddress(),
  );
  check(idBalance === INITIAL_BALANCE + TRANSFER_AMOUNT, "MaxBalanceModule tracked bob's identity balance");

  const mint = await measureGas("T-REX mint", plain.token.connect(agent).getFunction("mint")(b, MINT_AMOUNT));
  check(
    (await plain.token.balanceOf(b)) === INITIAL_BALANCE + TRANSFER_AMOUNT + MINT_AMOUNT,
    "bob received the mint",
  );

  const register = await measureGas(
    "T-REX registerIdentity",
    plain.identityRegistry.connect(agent).getFunction("registerIdentity")(
      d,
      await identities.dave.getAddress(),
      COUNTRIES.dave,
    ),
  );
  check((await plain.identityRegistry.isVerified(d)) === true, "dave registered and verified");

  const batchGas = await measureGas(
    "T-REX batchRegisterIdentity",
    plain.identityRegistry.connect(agent).getFunction("batchRegisterIdentity")(
      batch.wallets,
      batch.identities,
      batch.wallets.map(() => COUNTRIES.batch),
    ),
  );
  for (const [i, w] of batch.wallets.entries()) {
    check(
      (await plain.identityRegistry.identity(w)) === batch.identities[i],
      `batch investor ${i} registered`,
    );
  }

  return {
    transfer_existing_no_rules: transferExisting,
    transfer_new_no_rules: transferNew,
    transfer_existing_country_maxbalance: transferModules,
    transfer_existing_all_modules: null,
    mint,
    register_investor: register,
    register_investor_batch_per_item: Math.round(batchGas / BATCH_SIZE),
    register_from_claims: null,
    register_from_attestation: null,
    refresh: null,
    mint_live_check: null,
    accrue_10_holders: null,
    accrue_1000_holders: null,
    accrue_10000_holders: null,
    bridge_send: null,
    bridge_receive: null,
    vault_request_redeem: null,
    vault_claim_redeem: null,
  };
}
