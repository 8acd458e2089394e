/**
 * The real system the property tests drive: the fund deployed by the real deploy scripts (test/helpers/fund.ts),
 * prepared once (EOA role holders for speed, lockup on, a small investor cap, the fund manager's fee and daily
 * limits set to be reached, stablecoins for the investors, a populated cap table and redemption queue),
 * snapshotted, and restored before every sequence. A `World` sends each operation as a raw transaction at an
 * exact block timestamp, asks the model what should happen, and compares the outcome (success, or the exact
 * revert data). It then reads the whole stored state of the token, registry, compliance, feeds, fund manager and
 * stablecoin (every tracked wallet, investor and open request, one eth_call) and compares it with the model,
 * compares the parties' sharesOf/balanceOf (and every public view the model covers, periodically), and checks
 * the invariants between the states before and after the operation on the chain's own data.
 */
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  AbiCoder,
  type BaseContract,
  ErrorFragment,
  Interface,
  getAddress,
  keccak256,
  parseUnits,
  Signature,
  toBeHex,
  type Result,
} from "ethers";
import { deployFundFixture } from "../helpers/fund";
import { FLOW } from "../helpers/fund-manager-enums";
import { InvestorRecordLib, Roles as ROLE } from "../../lib/generated/contracts";
import { easArtifact } from "../../lib/deploy/eas";
import { SCHEMA_KIND, SUITE_RECORD_SCHEMA, encodeRecordAttestation } from "../../lib/identity-sources";
import { CallRevertedError } from "../../lib/safe";
import type { Fund } from "../../lib/fund";
import type { FundStateReader, FundVault, IFundManager, MockStablecoin } from "../../typechain-types";
import {
  CLASS,
  DAY,
  FundModel,
  GLOBAL_KEY,
  MAX_UINT256,
  ONE,
  REQUEST,
  RULE,
  ZERO_ADDRESS,
  feeUp,
  carriedTokens,
  toAmount,
  type Limiter,
  type ManagerState,
  type ModelError,
  type ModelState,
  type Outcome,
  type Tranche,
  type WalletRecord,
  EAS_SOURCE_ID,
} from "./model";

const ZERO_BYTES32 = "0x" + "00".repeat(32);

// ============================================================================================== fixture

/** Hardhat accounts acting for the roles in the hot loop (deploy/config/hardhat.ts account plan). */
const ACCOUNT = {
  caller: 0,
  feeWallet: 9,
  custodian: 10,
  agent: 11,
  officer: 14,
  guardian: 17,
  publisher: 20,
} as const;
const FIRST_INVESTOR = 26;
const INVESTOR_ACCOUNTS = 14;
/** Synthetic investor identities (any non-zero address is an identity for the registry). */
const IDENTITY_COUNT = 8;
/**
 * Investor accounts (offsets from FIRST_INVESTOR) the issuer Safe lists as protocol accounts, so that the PROTOCOL
 * class can be given to them: one the preamble registers as an investor (w4) and five of the six it leaves
 * unregistered (w8 to w12). The other wallets are refused the class (`ProtocolAccountNotListed`).
 */
const LISTED_PROTOCOL_INVESTORS = [4, 8, 9, 10, 11, 12] as const;
/** Lockup the fixture turns on through the issuer Safe. */
export const LOCK_PERIOD = 3 * DAY;
/** Investor cap the fixture sets through the issuer Safe, small enough to be reached. */
export const MAX_INVESTORS = 5;
/** Countries the commands register investors in (ISO-3166 numeric); the OFAC preset denies 192, 364, 408, 760. */
export const COUNTRIES = [840, 826, 276, 702, 364, 192, 408, 760] as const;
/** Subscription fee the fixture sets through the issuer Safe (the deployed config has none), in basis points. */
export const SUBSCRIPTION_FEE_BPS = 10n;
/**
 * Daily limits (per investor, global) the fixture sets on the manager so that they are reached: the global
 * subscription limit by two investors, and instant redemptions' limits below the compliance's daily outflow (with
 * equal limits, an investor over the manager's limit is always over the outflow too, so its redemption could never
 * be queued for that reason).
 */
export const SUBSCRIPTION_LIMITS = [10_000_000n * ONE, 15_000_000n * ONE] as const;
export const REDEMPTION_LIMITS = [2_000_000n * ONE, 3_000_000n * ONE] as const;
/** Gas for every operation: far above any path, so that no refusal is an out-of-gas. */
const GAS = toBeHex(5_000_000);
/** Fee cap of every operation, given so that Hardhat does not query fee data before each transaction. */
const MAX_FEE = toBeHex(100_000_000_000);

/** The deployed rules, read from the chain once: what the invariants hold the fund to. */
export interface DeployedRules {
  rules: number;
  denied: Set<number>;
  requiredAny: number;
  minHolding: bigint;
  maxHolding: bigint;
  maxInvestors: number;
  maxDailyOutflow: bigint;
}

export interface PropertyEnv {
  fund: Fund;
  reader: FundStateReader;
  addr: {
    token: string;
    compliance: string;
    registry: string;
    navFeed: string;
    reserveFeed: string;
    reader: string;
    issuer: string;
    manager: string;
    usdc: string;
    /** Issue 19: the USDC entry point (FundVault). */
    vault: string;
  };
  actors: {
    caller: string;
    agent: string;
    officer: string;
    guardian: string;
    publisher: string;
    custodian: string;
  };
  /** Investor wallets (Hardhat accounts 26..39) then the fee wallet: what the commands act on. */
  wallets: string[];
  /** Token accounts whose state is read and compared: the wallets, then the fund manager (escrow, dust). */
  accounts: string[];
  /** Stablecoin holders: the wallets, the custodian, the fund manager and (issue 19) the USDC entry point. */
  usdcHolders: string[];
  fundManager: IFundManager;
  /** Issue 19: the USDC entry point. */
  vault: FundVault;
  usdc: MockStablecoin;
  identities: string[];
  feeWallet: string;
  rules: DeployedRules;
  errors: Interface;
  /** Timestamp the traces count from (the preamble's start). */
  t0: number;
  /** Model and chain state after the fixture's preamble; every run starts from a copy. */
  base: { model: FundModel; view: ChainView; trace: string[] };
  /** Issue 20: the EAS verification source the runs register investors through. */
  source: AttestationSourceEnv;
}

// ============================================================================================== issue 20: EAS source

/** Investor accounts (indices of `wallets`) the EAS source registers, each its own identity (kept in `identities`). */
const SOURCE_WALLET_INDICES = [13, 12] as const;
/** The trusted attester of the suite's record schema (an account with no role). */
const ATTESTER_ACCOUNT = 24;

export interface AttestationSourceEnv {
  attestationSource: string;
  eas: string;
  easIface: Interface;
  attester: string;
  schema: string;
  /** The wallets the source may register (their own identities). */
  wallets: string[];
}

/**
 * Registers the suite's record schema in EAS (deployed by the deploy scripts from its package's bytecode) and
 * returns the issuer calls that make the attestation source require it from one trusted attester.
 */
async function prepareAttestationSource(
  fund: Fund,
  at: (i: number) => string,
): Promise<{ env: AttestationSourceEnv; calls: [BaseContract, string, unknown[]][] }> {
  const [deployer] = await hre.ethers.getSigners();
  const easIface = new Interface(easArtifact("EAS.sol/EAS.json").abi as never);
  const schemaRegistry = new hre.ethers.Contract(
    (await hre.deployments.get("EAS.SchemaRegistry")).address,
    easArtifact("SchemaRegistry.sol/SchemaRegistry.json").abi as never,
    deployer,
  );
  const receipt = await (await schemaRegistry.register(SUITE_RECORD_SCHEMA, ZERO_ADDRESS, true)).wait();
  const schema = schemaRegistry.interface.parseLog(receipt!.logs[0])!.args.uid as string;
  const source = fund.contracts.attestationSource!;
  const attester = at(ATTESTER_ACCOUNT);
  return {
    env: {
      attestationSource: getAddress(await source.getAddress()),
      eas: getAddress((await hre.deployments.get("EAS")).address),
      easIface,
      attester,
      schema,
      wallets: SOURCE_WALLET_INDICES.map((i) => at(FIRST_INVESTOR + i)),
    },
    calls: [
      [source, "setSchemaRules", [[{ schema, kind: SCHEMA_KIND.Record, classes: 0 }]]],
      [source, "setTrustedAttester", [schema, attester, true]],
    ],
  };
}

/**
 * Issue 20 invariant, on the chain's own records: a wallet whose record its verification source revoked (EAS
 * provenance, revoked: only a refresh after a revocation at the source writes that) neither receives nor sends
 * shares, except by the transfer agent's and the minter's remedies.
 */
function checkSourceRevocations(
  env: PropertyEnv,
  prev: ChainView,
  cur: ChainView,
  op: OpInfo,
  fail: (m: string) => void,
) {
  for (const w of env.accounts) {
    const before = prev.wallets.get(w)!;
    if (Number(bits(before.record, 240, 8)) !== EAS_SOURCE_ID || bits(before.record, 232, 1) !== 1n) continue;
    stats.sourceRevokedChecks += 1;
    const after = cur.wallets.get(w)!;
    if (after.shares !== before.shares && !AGENT_OPS.includes(op.name))
      fail(
        `${short(w)}, whose record its source revoked, ${after.shares > before.shares ? "received" : "sent"} shares through ${op.name}`,
      );
  }
}

/**
 * The deployed fund, prepared for the property runs. Slow governance happens here once: the admin Safe grants
 * the transfer agent, minter, compliance officer, guardian and NAV publisher roles to EOAs (3-day admin delay,
 * then the 1-day grant delay), and the issuer Safe turns the lockup rule on (3 days) and lowers the investor cap
 * to MAX_INVESTORS so that it can be reached, and sets a subscription fee on the fund manager. The investor wallets
 * approve the manager for their stablecoin once (unlimited). A preamble of model-checked operations then publishes
 * fresh NAV and reserves, registers investors (some with several wallets), issues tokens, gives the investors
 * stablecoins and opens the manager's queue with a subscription and a queued redemption.
 */
export async function propertyFixture(): Promise<PropertyEnv> {
  const { fund } = await loadFixture(deployFundFixture);
  const { manager, token, compliance, registry } = fund.contracts;
  const fundManager = fund.contracts.fundManager!;
  const usdc = fund.contracts.stablecoins.USDC;
  const signers = await hre.ethers.getSigners();
  const at = (i: number) => getAddress(signers[i].address);
  const actors = {
    caller: at(ACCOUNT.caller),
    agent: at(ACCOUNT.agent),
    officer: at(ACCOUNT.officer),
    guardian: at(ACCOUNT.guardian),
    publisher: at(ACCOUNT.publisher),
    custodian: at(ACCOUNT.custodian),
  };

  const grants: [bigint, string][] = [
    [ROLE.TRANSFER_AGENT, actors.agent],
    [ROLE.MINTER, actors.agent],
    [ROLE.COMPLIANCE_OFFICER, actors.officer],
    [ROLE.GUARDIAN, actors.guardian],
    [ROLE.NAV_PUBLISHER, actors.publisher],
  ];
  const issuerCalls: [BaseContract, string, unknown[]][] = [
    [compliance, "setLockPeriod", [LOCK_PERIOD]],
    [compliance, "setRules", [Number(await compliance.rules()) | RULE.LOCKUP]],
    [compliance, "setMaxInvestors", [MAX_INVESTORS]],
    // Negative rebases on, so that the management fee takes a flat NAV's index below 1 (the runs toggle it).
    [fund.contracts.navOracle, "setAllowDecrease", [true]],
    [fundManager, "setFees", [SUBSCRIPTION_FEE_BPS, (await fundManager.parameters()).redemptionFeeBps]],
    [fundManager, "setDailyLimits", [FLOW.Subscription, ...SUBSCRIPTION_LIMITS]],
    [fundManager, "setDailyLimits", [FLOW.Redemption, ...REDEMPTION_LIMITS]],
    ...LISTED_PROTOCOL_INVESTORS.map((i): [BaseContract, string, unknown[]] => [
      registry,
      "setProtocolAccount",
      [at(FIRST_INVESTOR + i), true],
    ]),
  ];
  // Issue 20: the EAS source requires the suite's record schema from one attester (same issuer delay).
  const source = await prepareAttestationSource(fund, at);
  issuerCalls.push(...source.calls);
  const admin = fund.as("admin");
  const issuer = fund.as("issuer");
  for (const [role, who] of grants) await admin.on(manager).grantRole(role, who, 0);
  for (const [target, fn, args] of issuerCalls) await issuer.call(target, fn, args);
  await increaseTime(3 * DAY);
  for (const [role, who] of grants) await admin.executeOn(manager).grantRole(role, who, 0);
  for (const [target, fn, args] of issuerCalls) await issuer.execute(target, fn, args);
  await increaseTime(DAY);

  const Reader = await hre.ethers.getContractFactory("FundStateReader");
  const reader = (await Reader.deploy()) as unknown as FundStateReader;
  await reader.waitForDeployment();

  const addr = {
    token: getAddress(await token.getAddress()),
    compliance: getAddress(await compliance.getAddress()),
    registry: getAddress(await registry.getAddress()),
    navFeed: getAddress(await fund.contracts.navPublisher!.getAddress()),
    reserveFeed: getAddress(await fund.contracts.reservePublisher!.getAddress()),
    reader: getAddress(await reader.getAddress()),
    issuer: getAddress(issuer.address),
    manager: getAddress(await fundManager.getAddress()),
    usdc: getAddress(await usdc.getAddress()),
    vault: getAddress(await fund.contracts.vaults.USDC.getAddress()),
  };
  const wallets = [
    ...Array.from({ length: INVESTOR_ACCOUNTS }, (_, i) => at(FIRST_INVESTOR + i)),
    at(ACCOUNT.feeWallet),
  ];
  // The investors pay subscriptions from an unlimited stablecoin allowance (the model does not track it).
  for (let i = 0; i < INVESTOR_ACCOUNTS; i++)
    await (await usdc.connect(signers[FIRST_INVESTOR + i]).approve(addr.manager, MAX_UINT256)).wait();
  // Issue 19: and the USDC entry point, which takes a subscription's stablecoins from its payer.
  for (let i = 0; i < INVESTOR_ACCOUNTS; i++)
    await (await usdc.connect(signers[FIRST_INVESTOR + i]).approve(addr.vault, MAX_UINT256)).wait();
  const feeWallet = getAddress(await token.feeWallet());
  if (feeWallet !== at(ACCOUNT.feeWallet)) throw new Error(`unexpected fee wallet ${feeWallet}`);
  const identities = [
    ...Array.from({ length: IDENTITY_COUNT }, (_, i) => getAddress(toBeHex(0x1d00 + i + 1, 20))),
    feeWallet,
    // Issue 20: a wallet the EAS source registers is its own identity.
    ...source.env.wallets,
  ];

  const limits = await compliance.limits();
  const cf = await compliance.classAndFlow();
  const denied = new Set<number>();
  for (const c of COUNTRIES) if ((await compliance.countryListing(c)).listed) denied.add(c);
  const rules: DeployedRules = {
    rules: Number(await compliance.rules()),
    denied,
    requiredAny: Number(cf.requiredAny),
    minHolding: limits.minHolding,
    maxHolding: limits.maxHolding,
    maxInvestors: Number(limits.maxInvestors),
    maxDailyOutflow: cf.maxDailyOutflow,
  };

  const env: PropertyEnv = {
    fund,
    reader,
    addr,
    actors,
    wallets,
    accounts: [...wallets, addr.manager],
    usdcHolders: [...wallets, actors.custodian, addr.manager, addr.vault],
    fundManager,
    vault: fund.contracts.vaults.USDC,
    usdc,
    identities,
    feeWallet,
    rules,
    errors: errorInterface(fund),
    t0: await latestTimestamp(),
    base: undefined as unknown as PropertyEnv["base"],
    source: source.env,
  };
  const model = await initialModel(env);
  const world = new World(env, model, await readChain(env, model, undefined, model.state.now));
  world.checkAgreement("deployment");
  await world.checkViews("deployment");
  await preamble(world);
  env.base = { model: world.model.clone(), view: world.prev, trace: [...world.trace] };
  return env;
}

/** The model of the deployed fund, from the deploy config and the values the deployment recorded on chain. */
async function initialModel(env: PropertyEnv): Promise<FundModel> {
  const { token, compliance, registry, navOracle, reserveGuard, navPublisher, reservePublisher } =
    env.fund.contracts;
  const feed = async (p: typeof navPublisher) => {
    const [roundId, answer, , updatedAt] = await p!.latestRoundData();
    return {
      decimals: Number(await p!.decimals()),
      minInterval: Number(await p!.minInterval()),
      maxChangeBpsPerRound: await p!.maxChangeBpsPerRound(),
      latest: { roundId, answer, updatedAt: Number(updatedAt) },
    };
  };
  const nav = await token.appliedNav();
  const limits = await compliance.limits();
  const cf = await compliance.classAndFlow();
  const listed = new Set<number>();
  for (let c = 1; c <= 999; c++) if (env.rules.denied.has(c)) listed.add(c);
  const protocolAccounts = new Set<string>();
  for (const account of env.accounts)
    if (await registry.isProtocolAccount(account)) protocolAccounts.add(account);
  const feeRecord = await registry.investorRecord(env.feeWallet);
  const managerRecord = await registry.investorRecord(env.addr.manager);
  const state: ModelState = {
    now: await latestTimestamp(),
    token: env.addr.token,
    records: new Map([
      [env.feeWallet, unpackRecord(feeRecord)!],
      [env.addr.manager, unpackRecord(managerRecord)!],
    ]),
    protocolAccounts,
    accounts: new Map(),
    allowances: new Map(),
    totalShares: 0n,
    index: await token.index(),
    paused: false,
    appliedNav: { nav: nav.nav, updatedAt: Number(nav.updatedAt), roundId: nav.roundId },
    feeWallet: env.feeWallet,
    managementFeeBps: await token.managementFeeBps(),
    compliance: {
      rules: env.rules.rules,
      countryMode: Number((await compliance.countryListing(1)).mode),
      listedCountries: listed,
      requiredAll: Number(cf.requiredAll),
      requiredAny: Number(cf.requiredAny),
      barred: Number(cf.barred),
      maxDailyOutflow: cf.maxDailyOutflow,
      minHolding: limits.minHolding,
      maxHolding: limits.maxHolding,
      maxInvestors: Number(limits.maxInvestors),
      lockPeriod: Number(await compliance.lockPeriod()),
    },
    sanctioned: new Set(),
    investors: new Map(),
    investorCount: Number(limits.investorCount),
    locks: new Map(),
    navFeed: await feed(navPublisher),
    reserveFeed: await feed(reservePublisher),
    navOracle: {
      maxAge: Number(await navOracle.maxAge()),
      maxChangeBpsPerDay: await navOracle.maxChangeBpsPerDay(),
      allowDecrease: await navOracle.allowDecrease(),
    },
    reserveGuard: { maxAge: Number(await reserveGuard.maxAge()) },
    manager: await initialManager(env),
    usdc: { balances: new Map(), totalSupply: await env.usdc.totalSupply() },
  };
  for (const h of env.usdcHolders) state.usdc.balances.set(h, await env.usdc.balanceOf(h));
  if (state.investorCount !== 0 || (await token.totalShares()) !== 0n)
    throw new Error("the deployed fund is expected to start empty");
  if (!((managerRecord >> 176n) & BigInt(CLASS.PROTOCOL)))
    throw new Error("the fund manager is expected to be registered as an account of the fund");
  if ([...state.usdc.balances.values()].reduce((a, b) => a + b, 0n) !== state.usdc.totalSupply)
    throw new Error("stablecoins are expected to be held only by the tracked holders");
  return new FundModel(state);
}

/** The fund manager as deployed (its parameters, stablecoin and empty queue), read through its views. */
async function initialManager(env: PropertyEnv): Promise<ManagerState> {
  const fm = env.fundManager;
  const p = await fm.parameters();
  const info = await fm.stablecoinInfo(env.addr.usdc);
  const q = await fm.queue();
  const window = Number(await fm.LIMIT_WINDOW());
  // setDailyLimits syncs the global entries (a zero use at the time of the call): read them from storage.
  const globalItem = async (i: number) => {
    const word = BigInt(
      await hre.ethers.provider.getStorage(env.addr.manager, keySlot(GLOBAL_KEY, M.limiters[i] + 1n)),
    );
    return new Map([
      [GLOBAL_KEY, { lastUsed: bits(word, 0, 208), lastTimepoint: Number(bits(word, 208, 48)) }],
    ]);
  };
  const limiter = async (capacity: bigint, i: number): Promise<Limiter> => ({
    capacity,
    window,
    items: i % 2 === 1 ? await globalItem(i) : new Map(),
  });
  if (getAddress(p.feeRecipient) !== env.feeWallet || getAddress(p.custodian) !== env.actors.custodian)
    throw new Error("the manager's fee recipient and custodian are expected to be accounts 9 and 10");
  if (q.head !== 1n || q.tail !== 1n) throw new Error("the manager's queue is expected to be empty");
  if ((await fm.stablecoins()).length !== 1)
    throw new Error("the manager is expected to accept one stablecoin");
  return {
    address: env.addr.manager,
    custodian: getAddress(p.custodian),
    feeRecipient: getAddress(p.feeRecipient),
    subscriptionFeeBps: p.subscriptionFeeBps,
    redemptionFeeBps: p.redemptionFeeBps,
    subscriptionsPaused: p.subscriptionsPaused,
    redemptionsPaused: p.redemptionsPaused,
    instantRedemption: p.instantRedemption,
    navCarryRateBps: p.navCarryRateBps,
    minFirstInvestment: p.minFirstInvestment,
    minTopUp: p.minTopUp,
    maxPerInvestor: p.maxPerInvestor,
    subscriptionPerInvestor: await limiter(p.subscriptionLimitPerInvestor, 0),
    subscriptionGlobal: await limiter(p.subscriptionLimitGlobal, 1),
    redemptionPerInvestor: await limiter(p.redemptionLimitPerInvestor, 2),
    redemptionGlobal: await limiter(p.redemptionLimitGlobal, 3),
    coin: {
      address: env.addr.usdc,
      id: Number(info.id),
      decimals: Number(info.decimals),
      enabled: info.enabled,
      bufferTarget: info.bufferTarget,
      pendingShares: info.pendingShares,
    },
    queue: { head: 1, tail: 1, pendingCount: 0, heldCount: 0 },
    escrow: { pendingShares: 0n, heldShares: 0n },
    requests: new Map(),
    vault: { address: env.addr.vault, operators: new Set(), claims: new Map(), cancelledShares: 0n },
  };
}

/**
 * Operations every run starts after: fresh, flat NAV (so the management fee takes the index just below 1: the
 * runs' NAV moves take it across 1, exercising the conversions on both sides) and reserves ramped up
 * within the publisher's +200% a round, six investors with eight wallets (one in an embargoed country, one eligible
 * but not funded: funding it fills the investor cap), issuances at the edges of the holding limits (a few wei over
 * the minimum, one token under the maximum), stablecoins for every investor wallet, a subscription through the fund
 * manager and a queued redemption.
 */
async function preamble(w: World) {
  const [w0, w1, w2, w3, w4, w5, w6, w7] = w.env.wallets;
  const [a, b, c, d, e, f] = w.env.identities;
  const units = (x: string) => parseUnits(x, 8);
  const publishAfterInterval = async (name: "publishNav" | "publishReserves", answer: bigint) => {
    const feed = name === "publishNav" ? w.model.state.navFeed : w.model.state.reserveFeed;
    const T = Math.max(w.model.state.now + 1, feed.latest.updatedAt + feed.minInterval);
    await w.publish(name, answer, T - w.model.state.now);
  };
  await publishAfterInterval("publishNav", units("1"));
  await w.accrue(1);
  let reserves = units("10000000");
  for (let i = 0; i < 5; i++) {
    reserves *= 3n;
    await publishAfterInterval("publishReserves", reserves);
  }
  const T = () => w.model.state.now;
  const investors: [string, string, number, number, number][] = [
    [w0, a, 840, CLASS.ACCREDITED, 30 * DAY],
    [w1, a, 840, CLASS.ACCREDITED, 60 * DAY],
    [w2, b, 826, CLASS.QUALIFIED_PURCHASER, 365 * DAY],
    [w3, c, 276, CLASS.INSTITUTIONAL, 10 * DAY],
    [w4, c, 276, CLASS.INSTITUTIONAL, 365 * DAY],
    [w5, d, 702, CLASS.ACCREDITED | CLASS.QUALIFIED_PURCHASER, 45 * DAY],
    [w6, e, 364, CLASS.ACCREDITED, 365 * DAY],
    [w7, f, 826, CLASS.INSTITUTIONAL, 365 * DAY],
  ];
  for (const [wallet, id, country, classes, validity] of investors)
    await w.registerInvestor(wallet, id, country, classes, T() + 1 + validity, 1);
  const tokens = (n: string) => parseUnits(n, 18);
  await w.mint(w0, tokens("5000000"), 1);
  await w.mint(w2, tokens("20000000"), 1);
  // Just over the minimum: at an index above 1 an issuance of exactly the minimum rounds down below it.
  await w.mint(w3, w.env.rules.minHolding + 2n, 1);
  await w.mint(w5, tokens("99999999"), 1);
  // Past the lockup of these issuances, with fresh NAV and reserves; one more issuance still locked.
  await w.timeTravel(T() + LOCK_PERIOD, "time +3 days");
  await publishAfterInterval("publishNav", units("1"));
  await w.accrue(1);
  await publishAfterInterval("publishReserves", reserves);
  await w.mint(w1, tokens("1000000"), 1);
  // Stablecoins for the investors (little for two wallets, so that their balance is reached), a subscription that
  // fills the manager's liquidity buffer, and a redemption larger than the buffer, which is queued.
  const usdc = (n: string) => parseUnits(n, 6);
  for (const [i, wallet] of w.env.wallets.entries())
    if (wallet !== w.env.feeWallet)
      await w.usdcMint(wallet, i % 5 === 1 ? usdc("20000") : usdc("400000000"), 1);
  await w.subscribe(w2, w.env.addr.usdc, usdc("2500000"), 0n, 1);
  await w.approve(w0, w.env.addr.manager, tokens("2000000"), 1);
  await w.requestRedemption(w0, tokens("2000000"), w.env.addr.usdc, 0n, 1);
}

// ============================================================================================== chain access

async function latestTimestamp(): Promise<number> {
  const block = await hre.ethers.provider.getBlock("latest");
  return block!.timestamp;
}

async function increaseTime(seconds: number) {
  await hre.network.provider.send("evm_increaseTime", [seconds]);
  await hre.network.provider.send("evm_mine", []);
}

/** Every custom error of the contracts a property operation reaches, and Panic. */
function errorInterface(fund: Fund): Interface {
  const c = fund.contracts;
  const seen = new Set<string>();
  const fragments: string[] = ["error Panic(uint256)", "error Error(string)"];
  for (const iface of [
    c.token.interface,
    c.compliance.interface,
    c.registry.interface,
    c.navPublisher!.interface,
    c.navOracle.interface,
    c.reserveGuard.interface,
    c.fundManager!.interface,
    c.stablecoins.USDC.interface,
    c.attestationSource!.interface,
    c.registrySources.interface,
    c.vaults.USDC.interface,
  ]) {
    iface.forEachError((e: ErrorFragment) => {
      const sig = e.format("sighash");
      if (!seen.has(sig)) {
        seen.add(sig);
        fragments.push(e.format("full"));
      }
    });
  }
  return new Interface(fragments);
}

/** The revert data the contracts produce for a model error (ambiguous names resolved by arity). */
export function encodeError(errors: Interface, e: ModelError): string {
  const candidates: ErrorFragment[] = [];
  errors.forEachError((f) => {
    if (f.name === e.name && f.inputs.length === e.args.length) candidates.push(f);
  });
  if (candidates.length !== 1)
    throw new Error(`model error ${e.name}/${e.args.length} matches ${candidates.length}`);
  return errors.encodeErrorResult(candidates[0], e.args).toLowerCase();
}

/** Readable form of revert data. */
export function describeRevert(errors: Interface, data: string): string {
  if (data === "0x" || data === "") return "revert without data";
  try {
    const parsed = errors.parseError(data);
    if (parsed) return `${parsed.name}(${parsed.args.map(fmt).join(", ")})`;
  } catch {
    // fall through
  }
  return `revert ${data}`;
}

function fmt(v: unknown): string {
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string" && v.length === 42) return short(v);
  return String(v);
}

/** Short form of an address, for traces. */
export function short(a: string): string {
  return a === ZERO_ADDRESS ? "0x0" : `${a.slice(0, 6)}..${a.slice(-4)}`;
}

// ============================================================================================== chain view

export interface WalletView {
  shares: bigint;
  frozenShares: bigint;
  frozen: boolean;
  sanctioned: boolean;
  record: bigint;
}

export interface InvestorView {
  shares: bigint;
  outflowUsed: bigint;
  outflowUpdatedAt: number;
  counted: boolean;
  /** LockState: the window of the tranche queue. */
  lockedShares: bigint;
  head: number;
  tail: number;
  /** Stored tranches [head, tail), released or not. */
  tranches: Tranche[];
}

/** The fund's state as the contracts store it (raw storage words, decoded). */
export interface ChainView {
  timestamp: number;
  totalShares: bigint;
  index: bigint;
  paused: boolean;
  investorCount: number;
  appliedNav: { nav: bigint; updatedAt: number; roundId: bigint };
  navRound: { roundId: bigint; answer: bigint; updatedAt: number };
  reserveRound: { roundId: bigint; answer: bigint; updatedAt: number };
  /** The fee wallet and the compliance rules' configuration (constant in the runs; compared every time). */
  config: {
    feeWallet: bigint;
    rules: number;
    moduleCount: number;
    countryMode: number;
    lockEpoch: number;
    lockPeriod: number;
    requiredAll: number;
    requiredAny: number;
    barred: number;
    maxDailyOutflow: bigint;
    minHolding: bigint;
    maxHolding: bigint;
    maxInvestors: number;
  };
  wallets: Map<string, WalletView>;
  investors: Map<string, InvestorView>;
  allowances: Map<string, bigint>;
  manager: ManagerView;
  /** The stablecoin: balances of the tracked holders and the total supply. */
  usdc: { balances: Map<string, bigint>; totalSupply: bigint };
}

/** The fund manager's storage words (FundManagerBase.FundManagerStorage), raw. */
export interface ManagerView {
  config: bigint;
  minimums: bigint;
  custody: bigint;
  feeRecipient: bigint;
  queue: bigint;
  escrow: bigint;
  /** Capacity and window of the limiters, in LIMITERS order. */
  limiters: bigint[];
  /** StablecoinInfo of the stablecoin. */
  coin: bigint;
  /** `${limiter}|${key}` -> the entry's word (lastUsed, lastTimepoint). */
  items: Map<string, bigint>;
  /** Request id -> its two words. */
  requests: Map<number, [bigint, bigint]>;
}

/** The manager's four rate limiters, in storage order. */
export const LIMITERS = [
  "subscriptionPerInvestor",
  "subscriptionGlobal",
  "redemptionPerInvestor",
  "redemptionGlobal",
] as const;

/** The manager's storage, decoded. */
export function decodeManager(v: ManagerView) {
  return {
    subscriptionFeeBps: bits(v.config, 160, 16),
    redemptionFeeBps: bits(v.config, 176, 16),
    subscriptionsPaused: bits(v.config, 192, 8) !== 0n,
    redemptionsPaused: bits(v.config, 200, 8) !== 0n,
    instantRedemption: bits(v.config, 208, 8) !== 0n,
    stablecoinCount: Number(bits(v.config, 216, 8)),
    navCarryRateBps: bits(v.config, 224, 16),
    token: bits(v.config, 0, 160),
    minFirstInvestment: bits(v.minimums, 0, 96),
    minTopUp: bits(v.minimums, 96, 96),
    custodian: bits(v.custody, 0, 160),
    maxPerInvestor: bits(v.custody, 160, 96),
    feeRecipient: v.feeRecipient,
    head: Number(bits(v.queue, 0, 64)),
    tail: Number(bits(v.queue, 64, 64)),
    pendingCount: Number(bits(v.queue, 128, 64)),
    heldCount: Number(bits(v.queue, 192, 64)),
    pendingShares: bits(v.escrow, 0, 128),
    heldShares: bits(v.escrow, 128, 128),
    limiters: v.limiters.map((w) => ({ capacity: bits(w, 0, 208), window: Number(bits(w, 208, 48)) })),
    coin: {
      id: Number(bits(v.coin, 0, 8)),
      decimals: Number(bits(v.coin, 8, 8)),
      enabled: bits(v.coin, 16, 8) !== 0n,
      bufferTarget: bits(v.coin, 24, 96),
      pendingShares: bits(v.coin, 120, 128),
    },
  };
}

/** A redemption request's two words, decoded. */
export function decodeRequest([w0, w1]: [bigint, bigint]) {
  return {
    investor: bits(w0, 0, 160),
    requestedAt: Number(bits(w0, 160, 40)),
    coinId: Number(bits(w0, 200, 8)),
    status: Number(bits(w0, 208, 8)),
    /** Issue 19: the entry point the request was made through (0: a direct request). */
    vaultId: Number(bits(w0, 216, 8)),
    shares: bits(w1, 0, 128),
    minOut: bits(w1, 128, 128),
  };
}

const coder = AbiCoder.defaultAbiCoder();

/**
 * Raw storage of several contracts in one `eth_call`: a state override replaces each target's code by straight-line
 * code that loads the given slots into memory (`PUSH32 slot SLOAD PUSH2 offset MSTORE`) and returns them; the first
 * target also STATICCALLs the others, writing their words after its own. (Hardhat's EVM is slow per executed
 * instruction when it traces, so this costs a fraction of calling the contracts' views.)
 */
async function dumpStorage(targets: string[], lists: bigint[][]): Promise<bigint[][]> {
  const hex = (n: number | bigint, bytes: number) => n.toString(16).padStart(bytes * 2, "0");
  const loads = (slots: bigint[]) =>
    slots.map((slot, i) => `7f${hex(slot, 32)}5461${hex(i * 32, 2)}52`).join("");
  const offsets: number[] = [];
  let total = 0;
  for (const l of lists) {
    offsets.push(total);
    total += l.length * 32;
  }
  const overrides: Record<string, { code: string }> = {};
  targets.forEach((t, i) => {
    let code = loads(lists[i]);
    if (i === 0) {
      for (let j = 1; j < targets.length; j++) {
        // STATICCALL(gas, target, 0, 0, offset, size); POP
        code +=
          `61${hex(lists[j].length * 32, 2)}61${hex(offsets[j], 2)}60006000` +
          `73${targets[j].slice(2).toLowerCase()}5afa50`;
      }
      code += `61${hex(total, 2)}6000f3`;
    } else code += `61${hex(lists[i].length * 32, 2)}6000f3`;
    overrides[t] = { code: "0x" + code };
  });
  const out = (await hre.network.provider.request({
    method: "eth_call",
    params: [{ to: targets[0], data: "0x" }, "latest", overrides],
  })) as string;
  if (out.length !== 2 + total * 2)
    throw new Error(`storage dump returned ${(out.length - 2) / 2} bytes, expected ${total}`);
  return lists.map((l, i) =>
    words("0x" + out.slice(2 + offsets[i] * 2, 2 + (offsets[i] + l.length * 32) * 2)),
  );
}

/** Address the staticCalls code runs at (a state override; no account there). */
const MULTICALL_AT = "0x00000000000000000000000000000000000fca11";

/**
 * Several view calls in one `eth_call`: a state override places straight-line code that, for each call, copies its
 * calldata (appended to the code) to memory, STATICCALLs the target and stores [success, returndatasize,
 * returndata] in a fixed-size slot; the slots are returned together.
 */
async function staticCalls(calls: { to: string; data: string }[]): Promise<{ ok: boolean; data: string }[]> {
  const SLOT = 64 + 512;
  const OUT = 256;
  const PER_CALL = 58;
  const hex = (n: number, bytes: number) => n.toString(16).padStart(bytes * 2, "0");
  let code = "";
  let blobs = "";
  let offset = calls.length * PER_CALL + 7;
  calls.forEach((c, i) => {
    const len = (c.data.length - 2) / 2;
    const out = OUT + i * SLOT;
    code += `61${hex(len, 2)}61${hex(offset, 2)}61${hex(0, 2)}39`; // codecopy(0, offset, len)
    code += `6000600061${hex(len, 2)}600073${c.to.slice(2).toLowerCase()}5afa`; // staticcall(gas, to, 0, len, 0, 0)
    code += `61${hex(out, 2)}52`; // mstore(out, success)
    code += `3d61${hex(out + 32, 2)}52`; // mstore(out + 32, returndatasize)
    code += `3d600061${hex(out + 64, 2)}3e`; // returndatacopy(out + 64, 0, returndatasize)
    blobs += c.data.slice(2);
    offset += len;
  });
  code += `61${hex(calls.length * SLOT, 2)}61${hex(OUT, 2)}f3`; // return(OUT, calls * SLOT)
  if (
    code.length / 2 !== calls.length * PER_CALL + 7 ||
    offset > 0xffff ||
    OUT + calls.length * SLOT > 0xffff
  )
    throw new Error("staticCalls: code layout");
  const raw = (await hre.network.provider.request({
    method: "eth_call",
    params: [{ to: MULTICALL_AT, data: "0x" }, "latest", { [MULTICALL_AT]: { code: "0x" + code + blobs } }],
  })) as string;
  return calls.map((_, i) => {
    const at = 2 + i * SLOT * 2;
    const size = Number(BigInt("0x" + raw.slice(at + 64, at + 128)));
    if (size > 512) throw new Error(`staticCalls: call ${i} returned ${size} bytes`);
    return {
      ok: BigInt("0x" + raw.slice(at, at + 64)) === 1n,
      data: "0x" + raw.slice(at + 128, at + 128 + size * 2),
    };
  });
}

/** ERC-7201 namespaces (the slot constants of FundTokenBase, IdentityRegistry, ComplianceBase). */
const TOKEN_NS = 0x86873f1b879875410db3a709b234d468609418f813435623928c4cc915dc1700n;
const REGISTRY_NS = 0xfaba77f3940fa5ab207445583ce06dfb702968389575238722332325edbeb700n;
const COMPLIANCE_NS = 0x637e86f7b8f758e96095a0d4bcdf8e3ef79cfa90371dd7b85bb89c732d38d700n;
/** Field slots inside the namespaces (struct field order). */
const T = {
  feeWallet: TOKEN_NS + 8n,
  routing: TOKEN_NS,
  rebase: TOKEN_NS + 1n,
  totalShares: TOKEN_NS + 2n,
  accounts: TOKEN_NS + 3n,
  allowances: TOKEN_NS + 4n,
  appliedNav: TOKEN_NS + 5n,
};
const C = {
  core: COMPLIANCE_NS,
  classAndFlow: COMPLIANCE_NS + 1n,
  limits: COMPLIANCE_NS + 2n,
  sanctioned: COMPLIANCE_NS + 6n,
  investors: COMPLIANCE_NS + 7n,
  locks: COMPLIANCE_NS + 8n,
  tranches: COMPLIANCE_NS + 9n,
};
const REG_RECORDS = REGISTRY_NS;
/** NavPublisher's plain layout: slot 1 config (latestRoundId first), slot 3 the rounds mapping. */
const FEED = { config: 1n, rounds: 3n };
/** FundManagerBase's ERC-7201 namespace and its fields (struct field order; a RefillingBucket takes two slots). */
const MANAGER_NS = 0x9603226bdc93713522772f1d5c39c6add707f60a1f603b30804fcf3a45a21300n;
const M = {
  config: MANAGER_NS,
  minimums: MANAGER_NS + 1n,
  custody: MANAGER_NS + 2n,
  feeRecipient: MANAGER_NS + 3n,
  queue: MANAGER_NS + 4n,
  escrow: MANAGER_NS + 5n,
  limiters: [MANAGER_NS + 6n, MANAGER_NS + 8n, MANAGER_NS + 10n, MANAGER_NS + 12n],
  stablecoins: MANAGER_NS + 14n,
  requests: MANAGER_NS + 16n,
};
/** OpenZeppelin ERC20 (the mock stablecoin, not upgradeable): `_balances` at slot 0, `_totalSupply` at slot 2. */
const ERC20_SLOT = { balances: 0n, totalSupply: 2n };

/** The keys of a limiter's entries the state covers: every identity and the zero one, or the global key. */
export function limiterKeys(env: PropertyEnv, limiter: number): string[] {
  return limiter % 2 === 0 ? [...env.identities, ZERO_ADDRESS] : [GLOBAL_KEY];
}
const keySlot = (key: string, mapping: bigint) => mapSlot(key === GLOBAL_KEY ? 0n : key, mapping);

const slotCache = new Map<string, bigint>();
/** Slot of `mapping[key]` (Solidity: keccak256(key . slot)). */
function mapSlot(key: string | bigint, slot: bigint): bigint {
  const k = `${key}:${slot}`;
  let v = slotCache.get(k);
  if (v === undefined) {
    v = BigInt(
      keccak256(coder.encode([typeof key === "string" ? "address" : "uint256", "uint256"], [key, slot])),
    );
    slotCache.set(k, v);
  }
  return v;
}

const bits = (word: bigint, from: number, size: number) =>
  (word >> BigInt(from)) & ((1n << BigInt(size)) - 1n);
const words = (hex: string) =>
  Array.from({ length: (hex.length - 2) / 64 }, (_, i) => BigInt("0x" + hex.slice(2 + 64 * i, 66 + 64 * i)));

/**
 * The whole tracked state at the latest block, from raw storage: one eth_call reads every slot of the token,
 * the registry, the compliance and both feeds (their code replaced by DUMPER for the call). Tranche and round
 * slots depend on queue positions: they are read from the previous state's positions, and once more if the
 * queue grew further than one operation can make it grow.
 */
async function readChain(
  env: PropertyEnv,
  model: FundModel,
  prev?: ChainView,
  timestamp?: number,
): Promise<ChainView> {
  const pairs = [...model.state.allowances.keys()].map((k) => k.split("|"));
  const windows = new Map<string, [number, number]>();
  for (const id of env.identities) {
    const p = prev?.investors.get(id);
    windows.set(id, [p?.head ?? 0, (p?.tail ?? 0) + 1]);
  }
  // The requests open in the model or in the previous state (a closed request never reopens), the newest one and
  // the next id (which must be empty): every open request on chain, without reading the closed history.
  const tail = model.state.manager.queue.tail;
  // (Issue 19: a request cancelled through the entry point stays open until its escrow is claimed.)
  const OPEN = [REQUEST.Pending, REQUEST.Held, REQUEST.CancelClaimable] as number[];
  const ids = new Set([...model.requestIds(OPEN), tail - 1, tail]);
  for (const [id, words] of prev?.manager.requests ?? []) {
    const status = decodeRequest(words).status;
    if (OPEN.includes(status)) ids.add(id);
  }
  const requestIds = [...ids].filter((id) => id >= 1).sort((a, b) => a - b);
  const rounds = {
    nav: prev?.navRound.roundId ?? model.state.navFeed.latest.roundId,
    reserve: prev?.reserveRound.roundId ?? model.state.reserveFeed.latest.roundId,
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    const tokenSlots = [
      T.routing,
      T.rebase,
      T.totalShares,
      T.appliedNav,
      ...env.accounts.map((w) => mapSlot(w, T.accounts)),
      ...pairs.map(([o, sp]) => mapSlot(sp, mapSlot(o, T.allowances))),
      T.feeWallet,
    ];
    const registrySlots = env.accounts.map((w) => mapSlot(w, REG_RECORDS));
    const trancheSlots: bigint[] = [];
    for (const id of env.identities) {
      const [from, to] = windows.get(id)!;
      for (let i = from; i < to; i++) trancheSlots.push(mapSlot(BigInt(i), mapSlot(id, C.tranches)));
    }
    const complianceSlots = [
      C.limits,
      ...env.accounts.map((w) => mapSlot(w, C.sanctioned)),
      ...env.identities.map((id) => mapSlot(id, C.investors)),
      ...env.identities.map((id) => mapSlot(id, C.locks)),
      ...trancheSlots,
      C.core,
      C.classAndFlow,
    ];
    const feedSlots = (id: bigint) => [FEED.config, mapSlot(id, FEED.rounds), mapSlot(id + 1n, FEED.rounds)];
    const itemKeys = LIMITERS.flatMap((_, i) => limiterKeys(env, i).map((key) => [i, key] as const));
    const managerSlots = [
      M.config,
      M.minimums,
      M.custody,
      M.feeRecipient,
      M.queue,
      M.escrow,
      ...M.limiters,
      mapSlot(env.addr.usdc, M.stablecoins),
      ...itemKeys.map(([i, key]) => keySlot(key, M.limiters[i] + 1n)),
      ...requestIds.flatMap((id) => {
        const base = mapSlot(BigInt(id), M.requests);
        return [base, base + 1n];
      }),
    ];
    const usdcSlots = [
      ...env.usdcHolders.map((h) => mapSlot(h, ERC20_SLOT.balances)),
      ERC20_SLOT.totalSupply,
    ];
    const targets = [
      env.addr.token,
      env.addr.registry,
      env.addr.compliance,
      env.addr.navFeed,
      env.addr.reserveFeed,
      env.addr.manager,
      env.addr.usdc,
    ];
    const lists = [
      tokenSlots,
      registrySlots,
      complianceSlots,
      feedSlots(rounds.nav),
      feedSlots(rounds.reserve),
      managerSlots,
      usdcSlots,
    ];
    const tq0 = cpuNow();
    const [tw, rw, cw, nw, sw, mw, uw] = await dumpStorage(targets, lists);
    PROFILE.dump += cpuNow() - tq0;
    const items = new Map<string, bigint>();
    itemKeys.forEach(([i, key], j) => items.set(`${i}|${key}`, mw[11 + j]));
    const requests = new Map<number, [bigint, bigint]>();
    const r0 = 11 + itemKeys.length;
    requestIds.forEach((id, j) => requests.set(id, [mw[r0 + 2 * j], mw[r0 + 2 * j + 1]]));
    const v: ChainView = {
      timestamp: timestamp ?? 0,
      paused: bits(tw[0], 160, 8) !== 0n,
      index: bits(tw[1], 160, 96),
      totalShares: tw[2],
      appliedNav: {
        nav: bits(tw[3], 0, 128),
        updatedAt: Number(bits(tw[3], 128, 40)),
        roundId: bits(tw[3], 168, 80),
      },
      investorCount: Number(bits(cw[0], 224, 32)),
      config: {
        feeWallet: bits(tw[tw.length - 1], 0, 160),
        rules: Number(bits(cw[cw.length - 2], 160, 16)),
        moduleCount: Number(bits(cw[cw.length - 2], 176, 8)),
        countryMode: Number(bits(cw[cw.length - 2], 184, 8)),
        lockEpoch: Number(bits(cw[cw.length - 2], 200, 16)),
        lockPeriod: Number(bits(cw[cw.length - 2], 216, 40)),
        requiredAll: Number(bits(cw[cw.length - 1], 0, 16)),
        requiredAny: Number(bits(cw[cw.length - 1], 16, 16)),
        barred: Number(bits(cw[cw.length - 1], 32, 16)),
        maxDailyOutflow: bits(cw[cw.length - 1], 48, 96),
        minHolding: bits(cw[0], 0, 96),
        maxHolding: bits(cw[0], 96, 96),
        maxInvestors: Number(bits(cw[0], 192, 32)),
      },
      navRound: { roundId: 0n, answer: 0n, updatedAt: 0 },
      reserveRound: { roundId: 0n, answer: 0n, updatedAt: 0 },
      wallets: new Map(),
      investors: new Map(),
      allowances: new Map(),
      manager: {
        config: mw[0],
        minimums: mw[1],
        custody: mw[2],
        feeRecipient: mw[3],
        queue: mw[4],
        escrow: mw[5],
        limiters: mw.slice(6, 10),
        coin: mw[10],
        items,
        requests,
      },
      usdc: {
        balances: new Map(env.usdcHolders.map((h, i) => [h, uw[i]])),
        totalSupply: uw[uw.length - 1],
      },
    };
    const round = (w: bigint[], id: bigint) => {
      const latest = bits(w[0], 0, 80);
      const word = latest === id ? w[1] : latest === id + 1n ? w[2] : undefined;
      if (word === undefined) return undefined;
      return {
        roundId: latest,
        answer: BigInt.asIntN(192, bits(word, 0, 192)),
        updatedAt: Number(bits(word, 192, 64)),
      };
    };
    const nav = round(nw, rounds.nav);
    const reserve = round(sw, rounds.reserve);
    env.accounts.forEach((w, i) => {
      const acc = tw[4 + i];
      v.wallets.set(w, {
        shares: bits(acc, 0, 128),
        frozenShares: bits(acc, 128, 120),
        frozen: bits(acc, 248, 8) !== 0n,
        sanctioned: cw[1 + i] !== 0n,
        record: rw[i],
      });
    });
    pairs.forEach(([o, sp], i) => v.allowances.set(`${o}|${sp}`, tw[4 + env.accounts.length + i]));
    const nW = env.accounts.length;
    const nI = env.identities.length;
    let next = 1 + nW + 2 * nI;
    let complete = nav !== undefined && reserve !== undefined;
    env.identities.forEach((id, i) => {
      const inv = cw[1 + nW + i];
      const lock = cw[1 + nW + nI + i];
      const [from, to] = windows.get(id)!;
      const stored: bigint[] = cw.slice(next, next + (to - from));
      next += to - from;
      const head = Number(bits(lock, 168, 32));
      const tail = Number(bits(lock, 200, 32));
      if (head < from || tail > to) {
        windows.set(id, [Math.min(head, from), Math.max(tail, to)]);
        complete = false;
      }
      v.investors.set(id, {
        shares: bits(inv, 0, 120),
        outflowUsed: bits(inv, 120, 96),
        outflowUpdatedAt: Number(bits(inv, 216, 32)),
        counted: bits(inv, 248, 8) !== 0n,
        lockedShares: bits(lock, 0, 128),
        head,
        tail,
        tranches: stored
          .slice(head - from, tail - from)
          .map((t) => ({ shares: bits(t, 0, 128), releaseAt: Number(bits(t, 128, 40)) })),
      });
    });
    if (!nav) rounds.nav = bits(nw[0], 0, 80);
    if (!reserve) rounds.reserve = bits(sw[0], 0, 80);
    if (complete) {
      v.navRound = nav!;
      v.reserveRound = reserve!;
      return v;
    }
  }
  throw new Error("could not read the tranche queues and feed rounds");
}

/** Shares of `inv` locked at `at`, from its stored tranches (ComplianceBase._lockedNow). */
export function lockedAt(inv: InvestorView, at: number): bigint {
  return inv.tranches.filter((t) => t.releaseAt > at).reduce((sum, t) => sum + t.shares, 0n);
}

/** Bit offsets of InvestorRecordLib (generated). */
const { COUNTRY_SHIFT, CLASSES_SHIFT, KYC_EXPIRY_SHIFT, REVOKED_SHIFT, SOURCE_SHIFT } = InvestorRecordLib;

/** InvestorRecordLib.pack. */
export function packRecord(r: WalletRecord | undefined): bigint {
  if (!r) return 0n;
  return (
    BigInt(r.identity) |
    (BigInt(r.country) << COUNTRY_SHIFT) |
    (BigInt(r.classes) << CLASSES_SHIFT) |
    (BigInt(r.kycExpiry) << KYC_EXPIRY_SHIFT) |
    (r.revoked ? 1n << REVOKED_SHIFT : 0n) |
    (BigInt(r.source ?? 0) << SOURCE_SHIFT)
  );
}

function unpackRecord(word: bigint, checksum = true): WalletRecord | undefined {
  if ((word & ((1n << COUNTRY_SHIFT) - 1n)) === 0n) return undefined;
  const id = toBeHex(word & ((1n << COUNTRY_SHIFT) - 1n), 20);
  return {
    identity: checksum ? getAddress(id) : id,
    country: Number((word >> COUNTRY_SHIFT) & 0xffffn),
    classes: Number((word >> CLASSES_SHIFT) & 0xffffn),
    kycExpiry: Number((word >> KYC_EXPIRY_SHIFT) & ((1n << 40n) - 1n)),
    revoked: ((word >> REVOKED_SHIFT) & 1n) === 1n,
    ...((word >> SOURCE_SHIFT) & 0xffn ? { source: Number((word >> SOURCE_SHIFT) & 0xffn) } : {}),
  };
}

// ============================================================================================== operations

/** What an operation is, for the invariants. */
export type OpName =
  | "transfer"
  | "transferFrom"
  | "transferShares"
  | "approve"
  | "mint"
  | "burn"
  | "forcedTransfer"
  | "recoveryAddress"
  | "setAddressFrozen"
  | "freezePartialTokens"
  | "unfreezePartialTokens"
  | "accrue"
  | "registerInvestor"
  | "updateInvestor"
  | "setRevoked"
  | "deleteIdentity"
  | "setSanctioned"
  | "pause"
  | "unpause"
  | "setAllowDecrease"
  | "publishNav"
  | "publishReserves"
  | "time"
  | "subscribe"
  | "requestRedemption"
  | "cancelRedemption"
  | "settleRedemptions"
  | "settleHeld"
  | "releaseHeld"
  | "holdRequest"
  | "withdrawToCustodian"
  | "pauseFlow"
  | "unpauseFlow"
  | "usdcTransfer"
  | "usdcMint"
  // issue 20: the EAS verification source
  | "attest"
  | "revokeAttestation"
  | "registerFromAttestation"
  | "refreshSource"
  // issue 19: the USDC entry point
  | "vaultDeposit"
  | "vaultRequestRedeem"
  | "vaultRedeem"
  | "vaultCancel"
  | "vaultClaimCancel"
  | "setOperator";

export interface OpInfo {
  name: OpName;
  /** Readable call, for traces. */
  label: string;
  from?: string;
  to?: string;
  amount?: bigint;
  shares?: bigint;
  /** Stablecoin units (subscriptions, stablecoin transfers and mints, withdrawals). */
  coinAmount?: bigint;
}

const HOLDER_OPS: OpName[] = ["transfer", "transferFrom", "transferShares"];
/** The fund manager's operations that move tokens. */
const MANAGER_OPS: OpName[] = [
  "subscribe",
  "requestRedemption",
  "cancelRedemption",
  "settleRedemptions",
  "settleHeld",
  "releaseHeld",
  // issue 19
  "vaultDeposit",
  "vaultRequestRedeem",
  "vaultClaimCancel",
];
/** The manager's operations that go through the token's transfer or issuance checks (compliance enforced). */
const CHECKED_MANAGER_OPS: OpName[] = [
  "subscribe",
  "requestRedemption",
  "cancelRedemption",
  "releaseHeld",
  // issue 19
  "vaultDeposit",
  "vaultRequestRedeem",
  "vaultClaimCancel",
];
/** The manager's operations that apply the latest NAV round first. */
const SYNC_OPS: OpName[] = [
  "subscribe",
  "requestRedemption",
  "settleRedemptions",
  "settleHeld",
  "vaultDeposit",
];
/** Issue 19: the operations after which the manager's book of the entry point is compared with the model. */
const VAULT_BOOK_OPS: OpName[] = [
  "vaultDeposit",
  "vaultRequestRedeem",
  "vaultRedeem",
  "vaultCancel",
  "vaultClaimCancel",
  "settleRedemptions",
  "settleHeld",
];
/** Operations that may legitimately move frozen or locked tokens: the transfer agent's and the minter's burn. */
const AGENT_OPS: OpName[] = [
  "burn",
  "forcedTransfer",
  "recoveryAddress",
  "setAddressFrozen",
  "freezePartialTokens",
  "unfreezePartialTokens",
];

/** CPU time of the process (all threads), in ms: the profile of a run on a busy machine. */
function cpuNow() {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}
/** CPU time (ms) spent per phase: transactions, restriction views, model, stored-state reads, checks, views. */
export const PROFILE = {
  dump: 0,
  send: 0,
  detect: 0,
  model: 0,
  read: 0,
  check: 0,
  views: 0,
  /** {World.checkExitsOpen}. */
  exits: 0,
  unpause: 0,
  fresh: 0,
};
/** Full public-view comparison every this many operations (and at the end of every sequence). */
const FULL_VIEWS_EVERY = 40;
/** Operations after which {World.checkExitsOpen} runs: what changes what the feeds say or how old they are. */
const FEED_OPS: OpName[] = ["publishNav", "publishReserves", "time"];
/** Wallets {World.checkExitsOpen} tries each time, in turn through the eligible ones (each costs a permit and a call). */
const EXITS_CHECKED = 1;

/** Counts of what the runs exercised, printed at the end. */
export const stats = {
  commands: 0,
  transactions: 0,
  accepted: 0,
  refusals: new Map<string, number>(),
  /** What the fund manager's accepted operations did (paid at once, queued, settled, held, ...). */
  manager: new Map<string, number>(),
  /** Redemption requests simulated by {World.checkExitsOpen} (each one had to be accepted). */
  exitChecks: 0,
  /** Issue 20: wallet-steps checked by {checkSourceRevocations} (a record its source revoked). */
  sourceRevokedChecks: 0,
};

function countManager(what: string, n = 1) {
  if (n > 0) stats.manager.set(what, (stats.manager.get(what) ?? 0) + n);
}

/** Number of requests in each status. */
function statusCounts(m: FundModel): number[] {
  const counts = [0, 0, 0, 0, 0, 0, 0];
  for (const r of m.state.manager.requests.values()) counts[r.status] += 1;
  return counts;
}

function countRefusal(name: string) {
  stats.refusals.set(name, (stats.refusals.get(name) ?? 0) + 1);
}

/** One run: the chain (restored from the fixture's snapshot) and the model (a copy of the fixture's). */
export class World {
  trace: string[] = [];
  private steps = 0;
  private permitDomain?: { name: string; version: string; chainId: bigint; verifyingContract: string };

  constructor(
    readonly env: PropertyEnv,
    public model: FundModel,
    public prev: ChainView,
  ) {}

  /** Restores the fixture's chain and model. */
  static async fresh(): Promise<World> {
    const t0 = cpuNow();
    const env = await loadFixture(propertyFixture);
    PROFILE.fresh += cpuNow() - t0;
    const w = new World(env, env.base.model.clone(), env.base.view);
    w.trace = [...env.base.trace.map((l) => `  (fixture) ${l}`)];
    return w;
  }

  get now() {
    return this.model.state.now;
  }

  /** Sends a transaction at block timestamp `T`; returns its revert data, or null when it succeeded. */
  private async send(from: string, to: string, data: string, T: number): Promise<string | null> {
    const provider = hre.network.provider;
    await provider.request({ method: "evm_setNextBlockTimestamp", params: [T] });
    stats.transactions += 1;
    try {
      await provider.request({
        method: "eth_sendTransaction",
        params: [{ from, to, data, gas: GAS, maxFeePerGas: MAX_FEE, maxPriorityFeePerGas: "0x0" }],
      });
      return null;
    } catch (e) {
      const d = (e as { data?: unknown }).data;
      if (typeof d === "string" && d.startsWith("0x")) return d.toLowerCase();
      throw new Error(`${(e as Error).message ?? e} (no revert data)`);
    }
  }

  /**
   * One operation: at `now + dt`, optionally the token's restriction view for the same transfer (evaluated in the
   * pending block, so at the same time and state), then the transaction; then the model's prediction, the
   * comparison and the invariants.
   */
  async op(
    info: OpInfo,
    call: { from: string; to: string; data: string },
    dt: number,
    predict: (m: FundModel) => Outcome,
    detect?: { from: string; to: string; amount: bigint },
  ) {
    const T = this.now + Math.max(1, dt);
    let detected: number | undefined;
    let detectExpected: number | undefined;
    if (detect) {
      const td = cpuNow();
      await hre.network.provider.request({ method: "evm_setNextBlockTimestamp", params: [T] });
      const data = this.env.reader.interface.encodeFunctionData("detect", [
        this.env.addr.token,
        detect.from,
        detect.to,
        detect.amount,
      ]);
      const out = (await hre.network.provider.request({
        method: "eth_call",
        params: [{ to: this.env.addr.reader, data }, "pending"],
      })) as string;
      const [code, ts] = this.env.reader.interface.decodeFunctionResult("detect", out);
      if (Number(ts) !== T) throw new Error(`restriction view ran at ${ts}, expected ${T}`);
      detected = Number(code);
      this.model.state.now = T;
      detectExpected = this.model.detectTransferRestriction(detect.from, detect.to, detect.amount);
      PROFILE.detect += cpuNow() - td;
    }
    const t0 = cpuNow();
    const revert = await this.send(call.from, call.to, call.data, T);
    PROFILE.send += cpuNow() - t0;
    this.model.state.now = T;
    const t1 = cpuNow();
    const managed = MANAGER_OPS.includes(info.name);
    const before = managed ? statusCounts(this.model) : [];
    const expected = predict(this.model);
    if (managed && expected.ok) {
      const after = statusCounts(this.model);
      if (info.name === "subscribe") countManager("subscribed");
      if (info.name === "requestRedemption") countManager(expected.value === 0n ? "paid at once" : "queued");
      countManager("settled", after[REQUEST.Settled] - before[REQUEST.Settled]);
      if (info.name === "settleRedemptions") countManager("held", after[REQUEST.Held] - before[REQUEST.Held]);
      countManager("cancelled", after[REQUEST.Cancelled] - before[REQUEST.Cancelled]);
      countManager("released", after[REQUEST.Released] - before[REQUEST.Released]);
    }
    if (info.name.startsWith("vault") && expected.ok) countManager(`${info.name} accepted`);
    PROFILE.model += cpuNow() - t1;
    this.record(info, T, revert, expected, detected);
    if (detected !== undefined && detected !== detectExpected)
      this.fail(`detectTransferRestriction returned ${detected}, the model expects ${detectExpected}`);
    if (info.name === "transfer" && detected !== undefined && (detected === 0) !== (revert === null))
      this.fail(
        `detectTransferRestriction returned ${detected} but the transfer ${revert === null ? "succeeded" : "reverted"}`,
      );
    await this.after(info, T, revert === null);
  }

  /** Moves the chain to `T` (an empty block) without any operation. */
  async timeTravel(T: number, label: string) {
    await hre.network.provider.request({ method: "evm_mine", params: [T] });
    this.model.state.now = T;
    this.trace.push(`${this.stamp(T)} ${label}`);
    await this.after({ name: "time", label }, T, true);
  }

  /** Unpause through the issuer Safe (2-day execution delay): slow, so rare. */
  async unpauseThroughIssuer() {
    await this.throughIssuer(
      this.env.fund.contracts.token,
      "unpause",
      { name: "unpause", label: "unpause()" },
      (m) => m.unpause(),
    );
  }

  /** Resumes a fund manager flow through the issuer Safe (2-day execution delay). */
  async unpauseFlowThroughIssuer(flow: "subscription" | "redemption") {
    const fn = flow === "subscription" ? "unpauseSubscriptions" : "unpauseRedemptions";
    await this.throughIssuer(this.env.fundManager, fn, { name: "unpauseFlow", label: `${fn}()` }, (m) =>
      m.setFlowPaused(flow, false),
    );
  }

  /** The NAV oracle's decrease policy through the issuer Safe (2-day execution delay). */
  async setAllowDecreaseThroughIssuer(allow: boolean) {
    await this.throughIssuer(
      this.env.fund.contracts.navOracle,
      "setAllowDecrease",
      { name: "setAllowDecrease", label: `setAllowDecrease(${allow})` },
      (m) => m.setAllowDecrease(allow),
      [allow],
    );
  }

  /** An ISSUER call through its Safe: scheduled, the delay passed, executed; slow, so rare. */
  private async throughIssuer(
    target: BaseContract,
    fn: string,
    info: OpInfo,
    predict: (m: FundModel) => Outcome,
    args: unknown[] = [],
  ) {
    const t0 = cpuNow();
    let revert: string | null = null;
    try {
      await this.env.fund.as("issuer").callNow(target, fn, args);
    } catch (e) {
      if (!(e instanceof CallRevertedError)) throw e;
      revert = e.revertData.toLowerCase();
    }
    const T = await latestTimestamp();
    PROFILE.unpause += cpuNow() - t0;
    this.model.state.now = T;
    const expected = predict(this.model);
    this.record(
      { ...info, label: `issuer Safe: ${info.label} (after the 2-day delay)` },
      T,
      revert,
      expected,
    );
    await this.after(info, T, revert === null);
  }

  private stamp(T: number) {
    return `#${this.trace.length} @${T - this.env.t0}s`;
  }

  private record(info: OpInfo, T: number, revert: string | null, expected: Outcome, detected?: number) {
    const actual = revert === null ? "ok" : describeRevert(this.env.errors, revert);
    this.trace.push(
      `${this.stamp(T)} ${info.label} -> ${actual}${detected !== undefined ? ` [restriction ${detected}]` : ""}`,
    );
    if (revert === null) stats.accepted += 1;
    else countRefusal(actual.startsWith("TransferRestricted") ? actual : actual.split("(")[0]);
    if (expected.ok && revert !== null) this.fail(`the contracts refused (${actual}), the model accepts`);
    // Every refusal of the suite's contracts is a named error; only the mock stablecoin's mint may overflow.
    if (actual.startsWith("Panic") && info.name !== "usdcMint")
      this.fail(`the contracts reverted with ${actual}: every refusal must be a named error`);
    if (!expected.ok) {
      const want = encodeError(this.env.errors, expected.error);
      if (revert === null)
        this.fail(`the contracts accepted, the model expects ${describeRevert(this.env.errors, want)}`);
      else if (revert !== want)
        this.fail(
          `the contracts refused with ${actual}, the model expects ${describeRevert(this.env.errors, want)}`,
        );
    }
  }

  private async after(info: OpInfo, T: number, ok: boolean) {
    const t0 = cpuNow();
    const view = await readChain(this.env, this.model, this.prev, T);
    PROFILE.read += cpuNow() - t0;
    const prev = this.prev;
    this.prev = view;
    const t1 = cpuNow();
    this.checkAgreement(info.label);
    const broken = checkInvariants(this.env, prev, view, info, T, ok);
    PROFILE.check += cpuNow() - t1;
    if (broken.length) this.fail(`invariant broken after ${info.label}:\n    ${broken.join("\n    ")}`);
    const t2 = cpuNow();
    this.steps += 1;
    if (this.steps % FULL_VIEWS_EVERY === 0 || FEED_OPS.includes(info.name)) {
      const te = cpuNow();
      await this.checkExitsOpen(info.label);
      PROFILE.exits += cpuNow() - te;
    }
    if (VAULT_BOOK_OPS.includes(info.name)) await this.checkVaultBook(info.label);
    if (this.steps % FULL_VIEWS_EVERY === 0) await this.checkViews(info.label);
    else {
      // A refused operation changed nothing (compared on the stored state above): its parties' views are as before.
      const parties = ok ? this.env.accounts.filter((w) => w === info.from || w === info.to) : [];
      if (parties.length) await this.checkBalances(info.label, parties);
    }
    PROFILE.views += cpuNow() - t2;
  }

  /**
   * Issue 16 finding 2 as an invariant on the chain's own answers, whatever the NAV and reserve feeds say: while
   * redemptions are not paused, a holder who is not sanctioned and whose tokens the token would let move to the fund
   * manager (`detectTransferRestriction` returns 0: not paused, not frozen, verified, the compliance's rules passed)
   * can ask to redeem them: `requestRedemptionWithPermit` (a permit signed for the amount) does not revert, paid at
   * once or queued. Checked for half the balance (at least two micro-USDC's worth; half, so that the yield a pending
   * NAV round adds first cannot leave a whole-balance redemption a remainder below the minimum holding) of
   * EXITS_CHECKED investor wallets in turn, after every NAV or reserve publication and time jump, and every
   * FULL_VIEWS_EVERY operations.
   */
  async checkExitsOpen(label: string) {
    const env = this.env;
    const fm = this.iface.manager;
    const tokenIface = this.iface.token;
    const call = async (from: string | undefined, to: string, data: string) => {
      try {
        const raw = (await hre.network.provider.request({
          method: "eth_call",
          params: [{ ...(from ? { from } : {}), to, data }, "latest"],
        })) as string;
        return { ok: true, raw };
      } catch (e) {
        const d = (e as { data?: unknown }).data;
        if (typeof d === "string" && d.startsWith("0x")) return { ok: false, raw: d.toLowerCase() };
        throw new Error(`${(e as Error).message ?? e} (no revert data)`);
      }
    };
    const params = fm.decodeFunctionResult(
      "parameters",
      (await call(undefined, env.addr.manager, fm.encodeFunctionData("parameters"))).raw,
    )[0];
    if (params.redemptionsPaused) return;
    const token = env.fund.contracts.token;
    this.permitDomain ??= {
      name: await token.name(),
      version: "1",
      chainId: (await hre.ethers.provider.getNetwork()).chainId,
      verifyingContract: env.addr.token,
    };
    const domain = this.permitDomain;
    const types = {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    };
    const refused: string[] = [];
    // Cheap filters from the model (which agrees with the chain here: compared before this runs).
    const m = this.model;
    const candidates = env.wallets.filter(
      (w) => w !== env.feeWallet && m.balanceOf(w) / 2n >= 2n * 10n ** 12n && !m.sanctionedWallet(w),
    );
    const start = candidates.length ? this.steps % candidates.length : 0;
    const chosen = [...candidates.slice(start), ...candidates.slice(0, start)].slice(0, EXITS_CHECKED);
    for (const wallet of chosen) {
      const amount = m.balanceOf(wallet) / 2n;
      const detect = await call(
        undefined,
        env.addr.token,
        tokenIface.encodeFunctionData("detectTransferRestriction", [wallet, env.addr.manager, amount]),
      );
      if (!detect.ok || BigInt(detect.raw) !== 0n) continue;
      stats.exitChecks += 1;
      const deadline = BigInt(this.now + 10 * DAY);
      const signer = await hre.ethers.getSigner(wallet);
      const value = {
        owner: wallet,
        spender: env.addr.manager,
        value: amount,
        nonce: await token.nonces(wallet),
        deadline,
      };
      const sig = Signature.from(await signer.signTypedData(domain, types, value));
      const request = await call(
        wallet,
        env.addr.manager,
        fm.encodeFunctionData("requestRedemptionWithPermit", [
          amount,
          env.addr.usdc,
          0,
          deadline,
          sig.v,
          sig.r,
          sig.s,
        ]),
      );
      if (!request.ok)
        refused.push(`${short(wallet)} redeeming ${amount}: ${describeRevert(env.errors, request.raw)}`);
    }
    if (refused.length) {
      this.fail(
        `a holder free to move its tokens could not request a redemption after ${label} ` +
          `(issue 16 finding 2):\n    ${refused.join("\n    ")}`,
      );
    }
  }

  /** sharesOf and balanceOf of the operation's parties agree with the model (after every accepted operation). */
  async checkBalances(label: string, wallets: string[]) {
    const env = this.env;
    const data = env.reader.interface.encodeFunctionData("balances", [env.addr.token, wallets]);
    const raw = (await hre.network.provider.request({
      method: "eth_call",
      params: [{ to: env.addr.reader, data }, "latest"],
    })) as string;
    const [timestamp, shares, amounts] = env.reader.interface.decodeFunctionResult("balances", raw);
    const out: string[] = [];
    if (Number(timestamp) !== this.now) out.push(`read at ${timestamp}, expected ${this.now}`);
    wallets.forEach((w, i) => {
      if (shares[i] !== this.model.account(w).shares)
        out.push(`${short(w)} sharesOf: chain ${shares[i]}, model ${this.model.account(w).shares}`);
      if (amounts[i] !== this.model.balanceOf(w))
        out.push(`${short(w)} balanceOf: chain ${amounts[i]}, model ${this.model.balanceOf(w)}`);
    });
    if (out.length)
      this.fail(`public views disagree with the model after ${label}:\n    ${out.join("\n    ")}`);
  }

  /**
   * Every public view the model covers (FundStateReader.read) agrees with the model: every wallet's sharesOf,
   * balanceOf, getFrozenTokens, isFrozen, isSanctioned and registry record, every investor's investorState,
   * lockedShares and pending tranches, the totals, index, pause, investor count, applied NAV, feeds and
   * allowances. Every FULL_VIEWS_EVERY operations and at the end of each sequence (the stored state behind these
   * views is compared after every operation, the parties' sharesOf and balanceOf after every accepted one).
   */
  async checkViews(label: string, wallets = this.env.accounts, identities = this.env.identities) {
    const env = this.env;
    const m = this.model;
    const s = m.state;
    const pairs = wallets === env.accounts ? [...s.allowances.keys()].map((k) => k.split("|")) : [];
    const data = env.reader.interface.encodeFunctionData("read", [
      {
        token: env.addr.token,
        compliance: env.addr.compliance,
        registry: env.addr.registry,
        navFeed: env.addr.navFeed,
        reserveFeed: env.addr.reserveFeed,
      },
      wallets,
      identities,
      pairs.map((p) => p[0]),
      pairs.map((p) => p[1]),
    ]);
    const raw = (await hre.network.provider.request({
      method: "eth_call",
      params: [{ to: env.addr.reader, data }, "latest"],
    })) as string;
    const v = env.reader.interface.decodeFunctionResult("read", raw)[0] as Result;
    const out: string[] = [];
    const eq = (what: string, chain: unknown, expected: unknown) => {
      if (chain !== expected) out.push(`${what}: chain ${String(chain)}, model ${String(expected)}`);
    };
    const T = Number(v.timestamp);
    eq("block timestamp", T, s.now);
    eq("totalShares()", v.totalShares, s.totalShares);
    eq("totalSupply()", v.totalSupply, m.totalSupply());
    eq("index()", v.index, s.index);
    eq("paused()", v.paused, s.paused);
    eq("investorCount()", v.investorCount, BigInt(s.investorCount));
    eq("appliedNav().nav", v.appliedNav.nav, s.appliedNav.nav);
    eq("appliedNav().updatedAt", Number(v.appliedNav.updatedAt), s.appliedNav.updatedAt);
    eq("appliedNav().roundId", v.appliedNav.roundId, s.appliedNav.roundId);
    eq(
      "NAV latestRoundData",
      `${v.navRound.roundId}/${v.navRound.answer}/${v.navRound.updatedAt}`,
      `${s.navFeed.latest.roundId}/${s.navFeed.latest.answer}/${s.navFeed.latest.updatedAt}`,
    );
    eq(
      "reserve latestRoundData",
      `${v.reserveRound.roundId}/${v.reserveRound.answer}/${v.reserveRound.updatedAt}`,
      `${s.reserveFeed.latest.roundId}/${s.reserveFeed.latest.answer}/${s.reserveFeed.latest.updatedAt}`,
    );
    wallets.forEach((w, i) => {
      const x = v.wallets[i] as Result;
      const tag = short(w);
      eq(`${tag} sharesOf`, x.shares, m.account(w).shares);
      eq(`${tag} balanceOf`, x.balance, m.balanceOf(w));
      eq(`${tag} getFrozenTokens`, x.frozenTokens, m.frozenTokens(w));
      eq(`${tag} isFrozen`, x.frozen, m.account(w).frozen);
      eq(`${tag} isSanctioned`, x.sanctioned, s.sanctioned.has(w));
      eq(`${tag} investorRecord`, x.record, packRecord(m.record(w)));
    });
    identities.forEach((id, i) => {
      const x = v.investors[i] as Result;
      const inv = m.investor(id);
      const tag = `investor ${short(id)}`;
      eq(`${tag} investorState.shares`, x.state.shares, inv.shares);
      eq(`${tag} investorState.outflowUsed`, x.state.outflowUsed, inv.outflowUsed);
      eq(`${tag} investorState.outflowUpdatedAt`, Number(x.state.outflowUpdatedAt), inv.outflowUpdatedAt);
      eq(`${tag} investorState.counted`, x.state.counted, inv.counted);
      eq(`${tag} lockedShares`, x.lockedShares, m.lockedShares(id, T));
      const pending = (x.tranches as Result[])
        .map((t) => ({ shares: t.shares as bigint, releaseAt: Number(t.releaseAt) }))
        .filter((t) => t.releaseAt > T);
      eq(
        `${tag} lockTranches (pending)`,
        JSON.stringify(pending, big),
        JSON.stringify(m.pendingTranches(id, T), big),
      );
    });
    pairs.forEach(([o, sp], i) =>
      eq(`allowance(${short(o)}, ${short(sp)})`, v.allowances[i], m.allowance(o, sp)),
    );
    await this.checkManagerViews(eq);
    if (out.length)
      this.fail(`public views disagree with the model after ${label}:\n    ${out.join("\n    ")}`);
  }

  /**
   * The fund manager's and the stablecoin's public views against the model, in one eth_call (staticCalls):
   * parameters, queue, stablecoin info, liquidity (balance, reserved rounded up, free), pending value, the
   * investors' subscription and redemption capacities, every open request (and the newest) with its value at the
   * current index, two quotes at rounding edges, and the stablecoin's balances and supply.
   */
  private async checkManagerViews(eq: (what: string, chain: unknown, expected: unknown) => void) {
    const env = this.env;
    const m = this.model;
    const g = m.state.manager;
    const fm = this.iface.manager;
    const usdc = this.iface.usdc;
    const ids = [...new Set([...m.requestIds([REQUEST.Pending, REQUEST.Held]), g.queue.tail - 1])].filter(
      (id) => id >= 1,
    );
    const quote = { subscription: 1_000_000_001n, redemption: 2_999_999_999_999n };
    // Capacities of the investors the limiters have entries for, and of one without (a full limit); the stablecoin
    // balances of the manager, the custodian and the fee recipient. (Every entry and balance is compared in
    // storage after every operation; these views add the public formulas on top.)
    const used = (l: Limiter) => env.identities.filter((id) => l.items.has(id));
    const withEntries = new Set([...used(g.subscriptionPerInvestor), ...used(g.redemptionPerInvestor)]);
    const fresh = env.identities.find((id) => !withEntries.has(id));
    const capacityOf = [...withEntries, ...(fresh ? [fresh] : [])];
    const balancesOf = [g.address, g.custodian, g.feeRecipient];
    const calls: { to: string; iface: Interface; fn: string; args: unknown[] }[] = [
      { to: env.addr.manager, iface: fm, fn: "parameters", args: [] },
      { to: env.addr.manager, iface: fm, fn: "queue", args: [] },
      { to: env.addr.manager, iface: fm, fn: "stablecoinInfo", args: [env.addr.usdc] },
      { to: env.addr.manager, iface: fm, fn: "liquidity", args: [env.addr.usdc] },
      { to: env.addr.manager, iface: fm, fn: "pendingValue", args: [] },
      { to: env.addr.manager, iface: fm, fn: "quoteSubscription", args: [env.addr.usdc, quote.subscription] },
      { to: env.addr.manager, iface: fm, fn: "quoteRedemption", args: [env.addr.usdc, quote.redemption] },
      ...capacityOf.flatMap((id) => [
        { to: env.addr.manager, iface: fm, fn: "subscriptionCapacity", args: [id] },
        { to: env.addr.manager, iface: fm, fn: "redemptionCapacity", args: [id] },
      ]),
      ...ids.flatMap((id) => [
        { to: env.addr.manager, iface: fm, fn: "request", args: [id] },
        { to: env.addr.manager, iface: fm, fn: "requestValue", args: [id] },
      ]),
      ...balancesOf.map((h) => ({ to: env.addr.usdc, iface: usdc, fn: "balanceOf", args: [h] })),
      { to: env.addr.usdc, iface: usdc, fn: "totalSupply", args: [] },
    ];
    const results = await staticCalls(
      calls.map((c) => ({ to: c.to, data: c.iface.encodeFunctionData(c.fn, c.args) })),
    );
    const r = results.map((res, i) => {
      if (!res.ok) {
        eq(`${calls[i].fn}(${calls[i].args.map(String).join(", ")})`, "reverted", "a value");
        return undefined;
      }
      return calls[i].iface.decodeFunctionResult(calls[i].fn, res.data);
    });
    let k = 0;
    const next = () => r[k++];
    const p = next()?.[0];
    if (p) {
      eq("parameters().token", getAddress(p.token), env.addr.token);
      eq("parameters().custodian", getAddress(p.custodian), g.custodian);
      eq("parameters().feeRecipient", getAddress(p.feeRecipient), g.feeRecipient);
      eq(
        "parameters() fees",
        `${p.subscriptionFeeBps}/${p.redemptionFeeBps}`,
        `${g.subscriptionFeeBps}/${g.redemptionFeeBps}`,
      );
      eq(
        "parameters() pauses and instant",
        `${p.subscriptionsPaused}/${p.redemptionsPaused}/${p.instantRedemption}`,
        `${g.subscriptionsPaused}/${g.redemptionsPaused}/${g.instantRedemption}`,
      );
      eq("parameters() NAV carry rate", p.navCarryRateBps, g.navCarryRateBps);
      eq(
        "parameters() limits",
        [
          p.minFirstInvestment,
          p.minTopUp,
          p.maxPerInvestor,
          p.subscriptionLimitPerInvestor,
          p.subscriptionLimitGlobal,
          p.redemptionLimitPerInvestor,
          p.redemptionLimitGlobal,
        ].join("/"),
        [
          g.minFirstInvestment,
          g.minTopUp,
          g.maxPerInvestor,
          g.subscriptionPerInvestor.capacity,
          g.subscriptionGlobal.capacity,
          g.redemptionPerInvestor.capacity,
          g.redemptionGlobal.capacity,
        ].join("/"),
      );
    }
    const q = next()?.[0];
    if (q)
      eq(
        "queue()",
        [q.head, q.tail, q.pendingCount, q.heldCount, q.pendingShares, q.heldShares].join("/"),
        [
          g.queue.head,
          g.queue.tail,
          g.queue.pendingCount,
          g.queue.heldCount,
          g.escrow.pendingShares,
          g.escrow.heldShares,
        ].join("/"),
      );
    const info = next()?.[0];
    if (info)
      eq(
        "stablecoinInfo(USDC)",
        [info.id, info.decimals, info.enabled, info.bufferTarget, info.pendingShares].join("/"),
        [g.coin.id, g.coin.decimals, g.coin.enabled, g.coin.bufferTarget, g.coin.pendingShares].join("/"),
      );
    const liq = next();
    if (liq) {
      const balance = m.usdcOf(g.address);
      const reserved = m.reservedLiquidity();
      eq(
        "liquidity(USDC)",
        `${liq[0]}/${liq[1]}/${liq[2]}`,
        `${balance}/${reserved}/${balance > reserved ? balance - reserved : 0n}`,
      );
    }
    const pv = next();
    if (pv) eq("pendingValue()", pv[0], toAmount(g.escrow.pendingShares, m.state.index));
    const scale = m.scaleOf(g.coin);
    const qs = next();
    if (qs) {
      const [fee, tokens] = m.quoteSubscription(quote.subscription);
      eq("quoteSubscription", `${qs[0]}/${qs[1]}`, `${fee}/${tokens}`);
    }
    const qr = next();
    if (qr) {
      const gross = quote.redemption / scale;
      const fee = feeUp(gross, g.redemptionFeeBps);
      eq("quoteRedemption", `${qr[0]}/${qr[1]}/${qr[2]}`, `${gross}/${fee}/${gross - fee}`);
    }
    for (const id of capacityOf) {
      const sc = next();
      const rc = next();
      const cap = (a: Limiter, b: Limiter) =>
        `${m.bucket(a, id).available}/${m.bucket(b, GLOBAL_KEY).available}`;
      if (sc)
        eq(
          `subscriptionCapacity(${short(id)})`,
          `${sc[0]}/${sc[1]}`,
          cap(g.subscriptionPerInvestor, g.subscriptionGlobal),
        );
      if (rc)
        eq(
          `redemptionCapacity(${short(id)})`,
          `${rc[0]}/${rc[1]}`,
          cap(g.redemptionPerInvestor, g.redemptionGlobal),
        );
    }
    for (const id of ids) {
      const rq = next();
      const rv = next();
      const want = g.requests.get(id)!;
      if (rq)
        eq(
          `request(${id})`,
          [
            getAddress(rq[0].investor),
            rq[0].requestedAt,
            rq[0].coinId,
            rq[0].status,
            rq[0].shares,
            rq[0].minOut,
            getAddress(rq[1]),
          ].join("/"),
          [
            want.investor,
            want.requestedAt,
            want.coinId,
            want.status,
            want.shares,
            want.minOut,
            g.coin.address,
          ].join("/"),
        );
      const pay = m.payout(want);
      if (rv)
        eq(`requestValue(${id})`, [...rv].join("/"), [pay.value, pay.gross, pay.fee, pay.net].join("/"));
    }
    for (const h of balancesOf) {
      const b = next();
      if (b) eq(`USDC balanceOf(${short(h)})`, b[0], m.usdcOf(h));
    }
    const ts = next();
    if (ts) eq("USDC totalSupply()", ts[0], m.state.usdc.totalSupply);
  }

  /** Model and chain agree on every tracked value. */
  checkAgreement(label: string) {
    const d = diff(this.model, this.prev, this.env);
    if (d.length) this.fail(`model and chain disagree after ${label}:\n    ${d.join("\n    ")}`);
  }

  fail(message: string): never {
    throw new Error(`${message}\n  trace (most recent last):\n    ${this.trace.join("\n    ")}`);
  }

  // ------------------------------------------------------------------------------------- issue 20: EAS source

  /** EAS: the trusted attester attests a record for `wallet` (the fund's state must not move); returns the uid. */
  async attest(wallet: string, a: { country: number; classes: number; expiresIn: number }, dt: number) {
    const src = this.env.source;
    const T = this.now + Math.max(1, dt);
    const expiration = a.expiresIn === 0 ? 0 : T + a.expiresIn;
    const data = src.easIface.encodeFunctionData("attest", [
      {
        schema: src.schema,
        data: {
          recipient: wallet,
          expirationTime: expiration,
          revocable: true,
          refUID: ZERO_BYTES32,
          data: encodeRecordAttestation(a.country, a.classes),
          value: 0,
        },
      },
    ]);
    const revert = await this.send(src.attester, src.eas, data, T);
    if (revert !== null) this.fail(`EAS refused the attestation: ${revert}`);
    const logs = await hre.ethers.provider.getLogs({
      address: src.eas,
      fromBlock: "latest",
      toBlock: "latest",
    });
    const uid = src.easIface.parseLog(logs[0])!.args.uid as string;
    this.model.state.now = T;
    this.model.attested(uid, { recipient: wallet, country: a.country, classes: a.classes, expiration });
    const label = `EAS attest ${short(wallet)} (${a.country}, classes ${a.classes}, expires ${expiration ? `t+${a.expiresIn}` : "never"}) ${uid.slice(0, 10)}`;
    this.trace.push(`${this.stamp(T)} ${label}`);
    await this.after({ name: "attest", label }, T, true);
    return uid;
  }

  /** EAS: the attester revokes the attestation `wallet` was registered with. */
  async revokeAttestation(wallet: string, dt: number) {
    const src = this.env.source;
    const uid = this.model.state.attestationSource!.evidence.get(wallet)!;
    const T = this.now + Math.max(1, dt);
    const data = src.easIface.encodeFunctionData("revoke", [{ schema: src.schema, data: { uid, value: 0 } }]);
    const revert = await this.send(src.attester, src.eas, data, T);
    const already = this.model.state.attestationSource!.attestations.get(uid)!.revoked;
    if ((revert === null) === already)
      this.fail(`EAS revoke of ${uid} ${revert === null ? "accepted" : "refused"}`);
    this.model.state.now = T;
    this.model.attestationRevoked(uid);
    const label = `EAS revoke ${uid.slice(0, 10)} of ${short(wallet)}`;
    this.trace.push(`${this.stamp(T)} ${label} -> ${revert === null ? "ok" : "already revoked"}`);
    await this.after({ name: "revokeAttestation", label }, T, true);
  }

  async registerFromAttestation(wallet: string, uid: string, dt: number) {
    const src = this.env.source;
    await this.op(
      {
        name: "registerFromAttestation",
        label: `registerFromAttestation(${short(wallet)}, ${uid.slice(0, 10)})`,
        to: wallet,
      },
      {
        from: this.env.actors.caller,
        to: src.attestationSource,
        data: this.env.fund.contracts.attestationSource!.interface.encodeFunctionData(
          "registerFromAttestation",
          [wallet, [uid]],
        ),
      },
      dt,
      (m) => m.registerFromAttestation(wallet, uid),
    );
  }

  async refreshSource(wallet: string, dt: number) {
    await this.op(
      { name: "refreshSource", label: `refresh(${short(wallet)})`, to: wallet },
      {
        from: this.env.actors.caller,
        to: this.env.source.attestationSource,
        data: this.env.fund.contracts.attestationSource!.interface.encodeFunctionData("refresh", [wallet]),
      },
      dt,
      (m) => m.refreshFromSource(wallet),
    );
  }

  // ------------------------------------------------------------------------------------- typed operations

  /** The contracts' ABIs as plain interfaces (the typed ones narrow function names by overload). */
  private get iface(): Record<
    "token" | "registry" | "compliance" | "publisher" | "manager" | "usdc",
    Interface
  > {
    const c = this.env.fund.contracts;
    return {
      token: c.token.interface as unknown as Interface,
      registry: c.registry.interface as unknown as Interface,
      compliance: c.compliance.interface as unknown as Interface,
      publisher: c.navPublisher!.interface as unknown as Interface,
      manager: this.env.fundManager.interface as unknown as Interface,
      usdc: this.env.usdc.interface as unknown as Interface,
    };
  }

  async registerInvestor(
    wallet: string,
    identity: string,
    country: number,
    classes: number,
    expiry: number,
    dt: number,
  ) {
    await this.op(
      {
        name: "registerInvestor",
        label: `registerInvestor(${short(wallet)}, id ${short(identity)}, ${country}, classes ${classes}, kyc t+${expiry - this.now})`,
      },
      {
        from: this.env.actors.officer,
        to: this.env.addr.registry,
        data: this.iface.registry.encodeFunctionData("registerInvestor", [
          wallet,
          identity,
          country,
          classes,
          expiry,
        ]),
      },
      dt,
      (m) => m.registerInvestor(wallet, identity, country, classes, expiry),
    );
  }

  async updateInvestor(
    identity: string,
    wallets: string[],
    country: number,
    classes: number,
    expiry: number,
    dt: number,
  ) {
    await this.op(
      {
        name: "updateInvestor",
        label: `updateInvestor(id ${short(identity)}, [${wallets.map(short).join(",")}], ${country}, classes ${classes}, kyc t+${expiry - this.now})`,
      },
      {
        from: this.env.actors.officer,
        to: this.env.addr.registry,
        data: this.iface.registry.encodeFunctionData("updateInvestor", [
          identity,
          wallets,
          country,
          classes,
          expiry,
        ]),
      },
      dt,
      (m) => m.updateInvestor(identity, wallets, country, classes, expiry),
    );
  }

  async setRevoked(identity: string, wallets: string[], revoked: boolean, dt: number) {
    await this.op(
      {
        name: "setRevoked",
        label: `setRevoked(id ${short(identity)}, [${wallets.map(short).join(",")}], ${revoked})`,
      },
      {
        from: this.env.actors.officer,
        to: this.env.addr.registry,
        data: this.iface.registry.encodeFunctionData("setRevoked", [identity, wallets, revoked]),
      },
      dt,
      (m) => m.setRevoked(identity, wallets, revoked),
    );
  }

  async deleteIdentity(wallet: string, dt: number) {
    await this.op(
      { name: "deleteIdentity", label: `deleteIdentity(${short(wallet)})` },
      {
        from: this.env.actors.officer,
        to: this.env.addr.registry,
        data: this.iface.registry.encodeFunctionData("deleteIdentity", [wallet]),
      },
      dt,
      (m) => m.deleteIdentity(wallet),
    );
  }

  async setSanctioned(wallets: string[], sanctioned: boolean, dt: number) {
    await this.op(
      { name: "setSanctioned", label: `setSanctioned([${wallets.map(short).join(",")}], ${sanctioned})` },
      {
        from: this.env.actors.officer,
        to: this.env.addr.compliance,
        data: this.iface.compliance.encodeFunctionData("setSanctioned", [wallets, sanctioned]),
      },
      dt,
      (m) => m.setSanctioned(wallets, sanctioned),
    );
  }

  async mint(to: string, amount: bigint, dt: number) {
    await this.op(
      { name: "mint", label: `mint(${short(to)}, ${amount})`, to, amount },
      {
        from: this.env.actors.agent,
        to: this.env.addr.token,
        data: this.iface.token.encodeFunctionData("mint", [to, amount]),
      },
      dt,
      (m) => m.mint(to, amount),
    );
  }

  async burn(from: string, amount: bigint, dt: number) {
    await this.op(
      { name: "burn", label: `burn(${short(from)}, ${amount})`, from, amount },
      {
        from: this.env.actors.agent,
        to: this.env.addr.token,
        data: this.iface.token.encodeFunctionData("burn", [from, amount]),
      },
      dt,
      (m) => m.burn(from, amount),
    );
  }

  async transfer(from: string, to: string, amount: bigint, dt: number) {
    await this.op(
      { name: "transfer", label: `${short(from)}: transfer(${short(to)}, ${amount})`, from, to, amount },
      { from, to: this.env.addr.token, data: this.iface.token.encodeFunctionData("transfer", [to, amount]) },
      dt,
      (m) => m.transfer(from, to, amount),
      { from, to, amount },
    );
  }

  async approve(owner: string, spender: string, value: bigint, dt: number) {
    await this.op(
      { name: "approve", label: `${short(owner)}: approve(${short(spender)}, ${value})`, from: owner },
      {
        from: owner,
        to: this.env.addr.token,
        data: this.iface.token.encodeFunctionData("approve", [spender, value]),
      },
      dt,
      (m) => m.approve(owner, spender, value),
    );
  }

  async transferFrom(spender: string, from: string, to: string, amount: bigint, dt: number) {
    await this.op(
      {
        name: "transferFrom",
        label: `${short(spender)}: transferFrom(${short(from)}, ${short(to)}, ${amount})`,
        from,
        to,
        amount,
      },
      {
        from: spender,
        to: this.env.addr.token,
        data: this.iface.token.encodeFunctionData("transferFrom", [from, to, amount]),
      },
      dt,
      (m) => m.transferFrom(spender, from, to, amount),
      { from, to, amount },
    );
  }

  async transferShares(from: string, to: string, shares: bigint, dt: number) {
    await this.op(
      {
        name: "transferShares",
        label: `${short(from)}: transferShares(${short(to)}, ${shares})`,
        from,
        to,
        shares,
      },
      {
        from,
        to: this.env.addr.token,
        data: this.iface.token.encodeFunctionData("transferShares", [to, shares]),
      },
      dt,
      (m) => m.transferShares(from, to, shares),
    );
  }

  async forcedTransfer(from: string, to: string, amount: bigint, dt: number) {
    await this.op(
      {
        name: "forcedTransfer",
        label: `forcedTransfer(${short(from)}, ${short(to)}, ${amount})`,
        from,
        to,
        amount,
      },
      {
        from: this.env.actors.agent,
        to: this.env.addr.token,
        data: this.iface.token.encodeFunctionData("forcedTransfer", [from, to, amount]),
      },
      dt,
      (m) => m.forcedTransfer(from, to, amount),
    );
  }

  async recoveryAddress(lost: string, fresh: string, identity: string, dt: number) {
    await this.op(
      {
        name: "recoveryAddress",
        label: `recoveryAddress(${short(lost)}, ${short(fresh)}, id ${short(identity)})`,
        from: lost,
        to: fresh,
      },
      {
        from: this.env.actors.agent,
        to: this.env.addr.token,
        data: this.iface.token.encodeFunctionData("recoveryAddress", [lost, fresh, identity]),
      },
      dt,
      (m) => m.recoveryAddress(lost, fresh, identity),
    );
  }

  async setAddressFrozen(wallet: string, frozen: boolean, dt: number) {
    await this.op(
      { name: "setAddressFrozen", label: `setAddressFrozen(${short(wallet)}, ${frozen})`, from: wallet },
      {
        from: this.env.actors.agent,
        to: this.env.addr.token,
        data: this.iface.token.encodeFunctionData("setAddressFrozen", [wallet, frozen]),
      },
      dt,
      (m) => m.setAddressFrozen(wallet, frozen),
    );
  }

  async freezePartial(wallet: string, amount: bigint, freeze: boolean, dt: number) {
    const fn = freeze ? "freezePartialTokens" : "unfreezePartialTokens";
    await this.op(
      { name: fn, label: `${fn}(${short(wallet)}, ${amount})`, from: wallet, amount },
      {
        from: this.env.actors.agent,
        to: this.env.addr.token,
        data: this.iface.token.encodeFunctionData(fn, [wallet, amount]),
      },
      dt,
      (m) => (freeze ? m.freezePartialTokens(wallet, amount) : m.unfreezePartialTokens(wallet, amount)),
    );
  }

  async pause(dt: number) {
    await this.op(
      { name: "pause", label: "pause()" },
      {
        from: this.env.actors.guardian,
        to: this.env.addr.token,
        data: this.iface.token.encodeFunctionData("pause", []),
      },
      dt,
      (m) => m.pause(),
    );
  }

  async publish(name: "publishNav" | "publishReserves", answer: bigint, dt: number) {
    const feed = name === "publishNav" ? this.env.addr.navFeed : this.env.addr.reserveFeed;
    await this.op(
      { name, label: `${name === "publishNav" ? "NAV" : "reserves"} publish(${answer})` },
      {
        from: this.env.actors.publisher,
        to: feed,
        data: this.iface.publisher.encodeFunctionData("publish", [answer]),
      },
      dt,
      (m) => (name === "publishNav" ? m.publishNav(answer) : m.publishReserves(answer)),
    );
  }

  async accrue(dt: number) {
    await this.op(
      { name: "accrue", label: "accrue()" },
      {
        from: this.env.actors.caller,
        to: this.env.addr.token,
        data: this.iface.token.encodeFunctionData("accrue", []),
      },
      dt,
      (m) => m.accrue(),
    );
  }

  // ------------------------------------------------------------------------------------- fund manager

  private coinName(stablecoin: string) {
    return stablecoin === this.env.addr.usdc ? "USDC" : short(stablecoin);
  }

  /** `wallet` subscribes `amount` stablecoin units (it approved the manager for the stablecoin in the fixture). */
  async subscribe(wallet: string, stablecoin: string, amount: bigint, minTokensOut: bigint, dt: number) {
    await this.op(
      {
        name: "subscribe",
        label: `${short(wallet)}: subscribe(${this.coinName(stablecoin)}, ${amount}, min ${minTokensOut})`,
        from: wallet,
        to: wallet,
        coinAmount: amount,
      },
      {
        from: wallet,
        to: this.env.addr.manager,
        data: this.iface.manager.encodeFunctionData("subscribe", [stablecoin, amount, minTokensOut]),
      },
      dt,
      (m) => m.subscribe(wallet, stablecoin, amount, minTokensOut),
    );
  }

  /** `wallet` asks to redeem `tokenAmount` (paid at once or queued; it approved the manager on the token). */
  async requestRedemption(
    wallet: string,
    tokenAmount: bigint,
    stablecoin: string,
    minOut: bigint,
    dt: number,
  ) {
    await this.op(
      {
        name: "requestRedemption",
        label: `${short(wallet)}: requestRedemption(${tokenAmount}, ${this.coinName(stablecoin)}, min ${minOut})`,
        from: wallet,
        to: this.env.addr.manager,
        amount: tokenAmount,
      },
      {
        from: wallet,
        to: this.env.addr.manager,
        data: this.iface.manager.encodeFunctionData("requestRedemption", [tokenAmount, stablecoin, minOut]),
      },
      dt,
      (m) => m.requestRedemption(wallet, tokenAmount, stablecoin, minOut),
    );
  }

  async cancelRedemption(caller: string, requestId: bigint, dt: number) {
    await this.op(
      {
        name: "cancelRedemption",
        label: `${short(caller)}: cancelRedemption(${requestId})`,
        from: this.env.addr.manager,
        to: caller,
      },
      {
        from: caller,
        to: this.env.addr.manager,
        data: this.iface.manager.encodeFunctionData("cancelRedemption", [requestId]),
      },
      dt,
      (m) => m.cancelRedemption(caller, requestId),
    );
  }

  // ------------------------------------------------------------------ issue 19: the USDC entry point (FundVault)

  /** `caller` subscribes `assets` for `receiver` through the entry point (`controller`: the overload, it pays). */
  async vaultDeposit(
    caller: string,
    assets: bigint,
    receiver: string,
    controller: string | undefined,
    dt: number,
  ) {
    const v = this.env.vault.interface;
    await this.op(
      {
        name: "vaultDeposit",
        label: `${short(caller)}: vault.deposit(${assets}, ${short(receiver)}${controller ? `, ${short(controller)}` : ""})`,
        from: controller ?? caller,
        to: receiver,
        coinAmount: assets,
      },
      {
        from: caller,
        to: this.env.addr.vault,
        data: controller
          ? v.encodeFunctionData("deposit(uint256,address,address)", [assets, receiver, controller])
          : v.encodeFunctionData("deposit(uint256,address)", [assets, receiver]),
      },
      dt,
      (m) => m.vaultDeposit(caller, assets, receiver, controller),
    );
  }

  /** `caller` requests the redemption of `shares` of `owner`'s tokens, controlled by `controller` (ERC-7540). */
  async vaultRequestRedeem(caller: string, shares: bigint, controller: string, owner: string, dt: number) {
    await this.op(
      {
        name: "vaultRequestRedeem",
        label: `${short(caller)}: vault.requestRedeem(${shares}, ${short(controller)}, ${short(owner)})`,
        from: owner,
        to: this.env.addr.manager,
        amount: shares,
      },
      {
        from: caller,
        to: this.env.addr.vault,
        data: this.env.vault.interface.encodeFunctionData("requestRedeem", [shares, controller, owner]),
      },
      dt,
      (m) => m.vaultRequestRedeem(caller, shares, controller, owner),
    );
  }

  /** `caller` claims `shares` of `controller`'s claimable shares, paid to `receiver` (ERC-7540 redeem). */
  async vaultRedeem(caller: string, shares: bigint, receiver: string, controller: string, dt: number) {
    await this.op(
      {
        name: "vaultRedeem",
        label: `${short(caller)}: vault.redeem(${shares}, ${short(receiver)}, ${short(controller)})`,
        from: controller,
        to: receiver,
        shares,
      },
      {
        from: caller,
        to: this.env.addr.vault,
        data: this.env.vault.interface.encodeFunctionData("redeem", [shares, receiver, controller]),
      },
      dt,
      (m) => m.vaultRedeem(caller, shares, receiver, controller),
    );
  }

  /** `caller` cancels request `requestId` of `controller` (ERC-7887). */
  async vaultCancel(caller: string, requestId: bigint, controller: string, dt: number) {
    await this.op(
      {
        name: "vaultCancel",
        label: `${short(caller)}: vault.cancelRedeemRequest(${requestId}, ${short(controller)})`,
        from: controller,
      },
      {
        from: caller,
        to: this.env.addr.vault,
        data: this.env.vault.interface.encodeFunctionData("cancelRedeemRequest", [requestId, controller]),
      },
      dt,
      (m) => m.vaultCancel(caller, requestId, controller),
    );
  }

  /** `caller` claims the escrow of the cancelled request `requestId` of `controller` for `receiver` (ERC-7887). */
  async vaultClaimCancel(
    caller: string,
    requestId: bigint,
    receiver: string,
    controller: string,
    dt: number,
  ) {
    await this.op(
      {
        name: "vaultClaimCancel",
        label: `${short(caller)}: vault.claimCancelRedeemRequest(${requestId}, ${short(receiver)}, ${short(controller)})`,
        from: this.env.addr.manager,
        to: receiver,
      },
      {
        from: caller,
        to: this.env.addr.vault,
        data: this.env.vault.interface.encodeFunctionData("claimCancelRedeemRequest", [
          requestId,
          receiver,
          controller,
        ]),
      },
      dt,
      (m) => m.vaultClaimCancel(caller, requestId, receiver, controller),
    );
  }

  /** `caller` approves or revokes `operator` in the entry point (ERC-7540). */
  async setOperator(caller: string, operator: string, approved: boolean, dt: number) {
    await this.op(
      { name: "setOperator", label: `${short(caller)}: vault.setOperator(${short(operator)}, ${approved})` },
      {
        from: caller,
        to: this.env.addr.vault,
        data: this.env.vault.interface.encodeFunctionData("setOperator", [operator, approved]),
      },
      dt,
      (m) => m.setOperator(caller, operator, approved),
    );
  }

  /**
   * Issue 19: the manager's book of the entry point against the model (the claimable shares and stablecoins of
   * every controller the model knows, the escrow of cancelled requests), and, on the chain's own data, the stablecoins the entry point
   * holds equal to what its controllers can claim (nothing created, nothing stuck).
   */
  async checkVaultBook(label: string) {
    const env = this.env;
    const fm = env.fundManager;
    let held = 0n;
    const out: string[] = [];
    // The wallets the model knows claims of (a claim the chain held for another wallet would leave the entry
    // point's balance above their sum, below).
    const controllers = [...this.model.state.manager.vault.claims.keys()];
    const chain = await Promise.all(controllers.map((w) => fm.claimable(env.addr.vault, w)));
    for (const [i, w] of controllers.entries()) {
      const [shares, assets] = chain[i];
      held += assets;
      const c = this.model.state.manager.vault.claims.get(w) ?? { settled: 0n, claimed: 0n, assets: 0n };
      if (shares !== c.settled - c.claimed || assets !== c.assets)
        out.push(
          `claimable(${short(w)}): chain ${shares} shares ${assets} units, model ${c.settled - c.claimed} ${c.assets}`,
        );
    }
    const cancelled = await fm.cancelledEscrow();
    if (cancelled !== this.model.state.manager.vault.cancelledShares)
      out.push(
        `cancelledEscrow: chain ${cancelled}, model ${this.model.state.manager.vault.cancelledShares}`,
      );
    const balance = this.prev.usdc.balances.get(env.addr.vault)!;
    if (balance !== held)
      out.push(`the entry point holds ${balance} units, its controllers can claim ${held}`);
    if (out.length) this.fail(`the entry point's book after ${label}:\n    ${out.join("\n    ")}`);
  }

  async settleRedemptions(count: bigint, dt: number) {
    await this.op(
      { name: "settleRedemptions", label: `settleRedemptions(${count})`, from: this.env.addr.manager },
      {
        from: this.env.actors.agent,
        to: this.env.addr.manager,
        data: this.iface.manager.encodeFunctionData("settleRedemptions", [count]),
      },
      dt,
      (m) => m.settleRedemptions(count),
    );
  }

  async settleHeld(ids: bigint[], dt: number) {
    await this.op(
      { name: "settleHeld", label: `settleHeld([${ids.join(",")}])`, from: this.env.addr.manager },
      {
        from: this.env.actors.agent,
        to: this.env.addr.manager,
        data: this.iface.manager.encodeFunctionData("settleHeld", [ids]),
      },
      dt,
      (m) => m.settleHeld(ids),
    );
  }

  async holdRequest(requestId: bigint, dt: number) {
    await this.op(
      { name: "holdRequest", label: `holdRequest(${requestId})`, from: this.env.addr.manager },
      {
        from: this.env.actors.agent,
        to: this.env.addr.manager,
        data: this.iface.manager.encodeFunctionData("holdRequest", [requestId]),
      },
      dt,
      (m) => m.holdRequest(requestId),
    );
  }

  async releaseHeld(requestId: bigint, to: string, dt: number) {
    await this.op(
      {
        name: "releaseHeld",
        label: `releaseHeld(${requestId}, ${short(to)})`,
        from: this.env.addr.manager,
        to,
      },
      {
        from: this.env.actors.agent,
        to: this.env.addr.manager,
        data: this.iface.manager.encodeFunctionData("releaseHeld", [requestId, to]),
      },
      dt,
      (m) => m.releaseHeld(requestId, to),
    );
  }

  async withdrawToCustodian(stablecoin: string, amount: bigint, dt: number) {
    await this.op(
      {
        name: "withdrawToCustodian",
        label: `withdrawToCustodian(${this.coinName(stablecoin)}, ${amount})`,
        coinAmount: amount,
      },
      {
        from: this.env.actors.agent,
        to: this.env.addr.manager,
        data: this.iface.manager.encodeFunctionData("withdrawToCustodian", [stablecoin, amount]),
      },
      dt,
      (m) => m.withdrawToCustodian(stablecoin, amount),
    );
  }

  /** The guardian pauses a flow of the manager (unpausing goes through the issuer). */
  async pauseFlow(flow: "subscription" | "redemption", dt: number) {
    const fn = flow === "subscription" ? "pauseSubscriptions" : "pauseRedemptions";
    await this.op(
      { name: "pauseFlow", label: `${fn}()` },
      {
        from: this.env.actors.guardian,
        to: this.env.addr.manager,
        data: this.iface.manager.encodeFunctionData(fn, []),
      },
      dt,
      (m) => m.setFlowPaused(flow, true),
    );
  }

  /** A stablecoin transfer, e.g. the custodian funding the manager for the queue. */
  async usdcTransfer(from: string, to: string, amount: bigint, dt: number) {
    await this.op(
      {
        name: "usdcTransfer",
        label: `${short(from)}: USDC transfer(${short(to)}, ${amount})`,
        to,
        coinAmount: amount,
      },
      { from, to: this.env.addr.usdc, data: this.iface.usdc.encodeFunctionData("transfer", [to, amount]) },
      dt,
      (m) => m.usdcTransfer(from, to, amount),
    );
  }

  /** The test mints stablecoins (the mock's owner is the deployer). */
  async usdcMint(to: string, amount: bigint, dt: number) {
    await this.op(
      { name: "usdcMint", label: `USDC mint(${short(to)}, ${amount})`, to, coinAmount: amount },
      {
        from: this.env.actors.caller,
        to: this.env.addr.usdc,
        data: this.iface.usdc.encodeFunctionData("mint", [to, amount]),
      },
      dt,
      (m) => m.usdcMint(to, amount),
    );
  }
}

// ============================================================================================== comparison

/** Every difference between the model and the chain's stored state. */
function diff(model: FundModel, v: ChainView, env: PropertyEnv): string[] {
  const s = model.state;
  const out: string[] = [];
  const eq = (what: string, chain: unknown, expected: unknown) => {
    if (chain !== expected) out.push(`${what}: chain ${String(chain)}, model ${String(expected)}`);
  };
  eq("totalShares", v.totalShares, s.totalShares);
  eq("index", v.index, s.index);
  eq("paused", v.paused, s.paused);
  eq("investorCount", v.investorCount, s.investorCount);
  const c = s.compliance;
  const cfg = v.config;
  eq("fee wallet", cfg.feeWallet, BigInt(s.feeWallet));
  eq("rules", cfg.rules, c.rules);
  eq("external modules", cfg.moduleCount, 0);
  eq("country mode", cfg.countryMode, c.countryMode);
  eq("lock epoch", cfg.lockEpoch, 0);
  eq("lock period", cfg.lockPeriod, c.lockPeriod);
  eq(
    "class requirements",
    `${cfg.requiredAll}/${cfg.requiredAny}/${cfg.barred}`,
    `${c.requiredAll}/${c.requiredAny}/${c.barred}`,
  );
  eq("max daily outflow", cfg.maxDailyOutflow, c.maxDailyOutflow);
  eq("holding limits", `${cfg.minHolding}..${cfg.maxHolding}`, `${c.minHolding}..${c.maxHolding}`);
  eq("max investors", cfg.maxInvestors, c.maxInvestors);
  eq("appliedNav.nav", v.appliedNav.nav, s.appliedNav.nav);
  eq("appliedNav.updatedAt", v.appliedNav.updatedAt, s.appliedNav.updatedAt);
  eq("appliedNav.roundId", v.appliedNav.roundId, s.appliedNav.roundId);
  for (const [name, chain, m] of [
    ["NAV feed", v.navRound, s.navFeed.latest],
    ["reserve feed", v.reserveRound, s.reserveFeed.latest],
  ] as const) {
    eq(`${name} roundId`, chain.roundId, m.roundId);
    eq(`${name} answer`, chain.answer, m.answer);
    eq(`${name} updatedAt`, chain.updatedAt, m.updatedAt);
  }
  for (const w of env.accounts) {
    const c = v.wallets.get(w)!;
    const a = model.account(w);
    const tag = short(w);
    eq(`${tag} shares`, c.shares, a.shares);
    eq(`${tag} frozen shares`, c.frozenShares, a.frozenShares);
    eq(`${tag} frozen`, c.frozen, a.frozen);
    eq(`${tag} sanctioned`, c.sanctioned, s.sanctioned.has(w));
    eq(`${tag} registry record`, c.record, packRecord(model.record(w)));
  }
  for (const id of env.identities) {
    const c = v.investors.get(id)!;
    const m = model.investor(id);
    const tag = `investor ${short(id)}`;
    eq(`${tag} shares`, c.shares, m.shares);
    eq(`${tag} outflowUsed`, c.outflowUsed, m.outflowUsed);
    eq(`${tag} outflowUpdatedAt`, c.outflowUpdatedAt, m.outflowUpdatedAt);
    eq(`${tag} counted`, c.counted, m.counted);
    const chainPending = c.tranches.filter((t) => t.releaseAt > v.timestamp);
    const modelPending = model.pendingTranches(id, v.timestamp);
    if (
      chainPending.length !== modelPending.length ||
      chainPending.some(
        (t, i) => t.shares !== modelPending[i].shares || t.releaseAt !== modelPending[i].releaseAt,
      )
    )
      eq(
        `${tag} pending lock tranches`,
        JSON.stringify(chainPending, big),
        JSON.stringify(modelPending, big),
      );
  }
  for (const [key, value] of s.allowances) eq(`allowance ${key}`, v.allowances.get(key), value);
  diffManager(model, v, env, eq);
  return out;
}

/** The fund manager's stored state and the stablecoin's balances against the model. */
function diffManager(
  model: FundModel,
  v: ChainView,
  env: PropertyEnv,
  eq: (what: string, chain: unknown, expected: unknown) => void,
) {
  const g = model.state.manager;
  const c = decodeManager(v.manager);
  eq("manager token", c.token, BigInt(env.addr.token));
  eq(
    "manager fees",
    `${c.subscriptionFeeBps}/${c.redemptionFeeBps}`,
    `${g.subscriptionFeeBps}/${g.redemptionFeeBps}`,
  );
  eq("subscriptions paused", c.subscriptionsPaused, g.subscriptionsPaused);
  eq("redemptions paused", c.redemptionsPaused, g.redemptionsPaused);
  eq("instant redemption", c.instantRedemption, g.instantRedemption);
  eq("NAV carry rate", c.navCarryRateBps, g.navCarryRateBps);
  eq("stablecoin count", c.stablecoinCount, 1);
  eq(
    "investment limits",
    `${c.minFirstInvestment}/${c.minTopUp}/${c.maxPerInvestor}`,
    `${g.minFirstInvestment}/${g.minTopUp}/${g.maxPerInvestor}`,
  );
  eq("custodian", c.custodian, BigInt(g.custodian));
  eq("fee recipient", c.feeRecipient, BigInt(g.feeRecipient));
  eq(
    "queue",
    `${c.head}/${c.tail}/${c.pendingCount}/${c.heldCount}`,
    `${g.queue.head}/${g.queue.tail}/${g.queue.pendingCount}/${g.queue.heldCount}`,
  );
  eq("escrow pendingShares", c.pendingShares, g.escrow.pendingShares);
  eq("escrow heldShares", c.heldShares, g.escrow.heldShares);
  const coin = g.coin;
  eq(
    "stablecoin info",
    `${c.coin.id}/${c.coin.decimals}/${c.coin.enabled}/${c.coin.bufferTarget}/${c.coin.pendingShares}`,
    `${coin.id}/${coin.decimals}/${coin.enabled}/${coin.bufferTarget}/${coin.pendingShares}`,
  );
  LIMITERS.forEach((name, i) => {
    const l: Limiter = g[name];
    eq(
      `${name} capacity/window`,
      `${c.limiters[i].capacity}/${c.limiters[i].window}`,
      `${l.capacity}/${l.window}`,
    );
    for (const key of limiterKeys(env, i)) {
      const word = v.manager.items.get(`${i}|${key}`)!;
      const item = l.items.get(key) ?? { lastUsed: 0n, lastTimepoint: 0 };
      eq(
        `${name}[${key === GLOBAL_KEY ? key : short(key)}]`,
        `${bits(word, 0, 208)}@${bits(word, 208, 48)}`,
        `${item.lastUsed}@${item.lastTimepoint}`,
      );
    }
  });
  for (const [id, words] of v.manager.requests) {
    const r = decodeRequest(words);
    const m = g.requests.get(id);
    eq(
      `request ${id}`,
      `${r.investor}/${r.requestedAt}/${r.coinId}/${r.status}/${r.shares}/${r.minOut}`,
      m
        ? `${BigInt(m.investor)}/${m.requestedAt}/${m.coinId}/${m.status}/${m.shares}/${m.minOut}`
        : `0/0/0/${REQUEST.None}/0/0`,
    );
  }
  for (const h of env.usdcHolders) eq(`USDC ${short(h)}`, v.usdc.balances.get(h), model.usdcOf(h));
  eq("USDC totalSupply", v.usdc.totalSupply, model.state.usdc.totalSupply);
}

function big(_k: string, v: unknown) {
  return typeof v === "bigint" ? v.toString() : v;
}

// ============================================================================================== invariants

/**
 * What must hold between two consecutive states of the chain, whatever the model says: conservation of shares,
 * no value from rounding, the compliance's per-investor totals matching the token, and for each kind of operation
 * who may gain tokens and what may move (frozen and locked tokens only by the agent, rules only bypassed by the
 * agent, limits respected except through yield).
 */
export function checkInvariants(
  env: PropertyEnv,
  prev: ChainView,
  cur: ChainView,
  op: OpInfo,
  T: number,
  ok: boolean,
): string[] {
  const out: string[] = [];
  const fail = (m: string) => out.push(m);
  const rules = env.rules;
  const recordOf = (view: ChainView, w: string) => unpackRecord(view.wallets.get(w)?.record ?? 0n, false);
  const isProtocol = (r: WalletRecord | undefined) => r !== undefined && (r.classes & CLASS.PROTOCOL) !== 0;

  // ---- always
  let sumShares = 0n;
  let sumBalances = 0n;
  for (const w of env.accounts) {
    const c = cur.wallets.get(w)!;
    sumShares += c.shares;
    sumBalances += toAmount(c.shares, cur.index);
    if (c.frozenShares > c.shares)
      fail(`${short(w)} has more frozen shares (${c.frozenShares}) than shares (${c.shares})`);
  }
  if (sumShares !== cur.totalShares) fail(`sum of shares ${sumShares} != totalShares ${cur.totalShares}`);
  if (sumBalances > toAmount(cur.totalShares, cur.index))
    fail(`sum of balances ${sumBalances} > totalSupply`);
  let counted = 0;
  const heldBy = new Map<bigint, bigint>();
  for (const w of env.accounts) {
    const c = cur.wallets.get(w)!;
    const r = c.record;
    if (bits(r, 0, 160) === 0n || (Number(bits(r, 176, 16)) & CLASS.PROTOCOL) !== 0) continue;
    heldBy.set(bits(r, 0, 160), (heldBy.get(bits(r, 0, 160)) ?? 0n) + c.shares);
  }
  for (const id of env.identities) {
    const inv = cur.investors.get(id)!;
    const held = heldBy.get(BigInt(id)) ?? 0n;
    if (inv.shares !== held)
      fail(`investor ${short(id)}: compliance counts ${inv.shares} shares, its wallets hold ${held}`);
    if (inv.counted !== (inv.shares !== 0n))
      fail(`investor ${short(id)}: counted=${inv.counted} with ${inv.shares} shares`);
    if (inv.counted) counted += 1;
    const locked = lockedAt(inv, T);
    if (inv.shares < locked)
      fail(`investor ${short(id)}: ${locked} shares locked but only ${inv.shares} held`);
    const stored = inv.tranches.reduce((sum, t) => sum + t.shares, 0n);
    if (stored !== inv.lockedShares)
      fail(`investor ${short(id)}: lock total ${inv.lockedShares}, tranches ${stored}`);
    if (inv.tranches.some((t, i) => i > 0 && t.releaseAt < inv.tranches[i - 1].releaseAt))
      fail(`investor ${short(id)}: lock tranches out of release order`);
  }
  if (counted !== cur.investorCount)
    fail(`investorCount ${cur.investorCount} but ${counted} investors hold shares`);
  checkManagerAlways(env, prev, cur, op, ok, fail);
  checkSourceRevocations(env, prev, cur, op, fail);

  // ---- a refused operation changes nothing
  const sharesChanged = env.accounts.some((w) => {
    const a = prev.wallets.get(w)!;
    const b = cur.wallets.get(w)!;
    return (
      a.shares !== b.shares ||
      a.frozenShares !== b.frozenShares ||
      a.frozen !== b.frozen ||
      a.record !== b.record ||
      a.sanctioned !== b.sanctioned
    );
  });
  if (!ok) {
    if (
      sharesChanged ||
      prev.totalShares !== cur.totalShares ||
      prev.index !== cur.index ||
      prev.paused !== cur.paused ||
      !sameManager(prev, cur)
    )
      fail(`a refused operation changed the state`);
    return out;
  }
  // The manager's pricing operations apply the latest NAV round first (FundManagerBase._syncNav).
  const accrued = prev.index !== cur.index || prev.appliedNav.roundId !== cur.appliedNav.roundId;
  if (accrued && op.name !== "accrue" && !SYNC_OPS.includes(op.name))
    fail(`the index moved outside the accrual`);

  // ---- who gained shares
  const gainers = env.accounts.filter((w) => cur.wallets.get(w)!.shares > prev.wallets.get(w)!.shares);
  const allowedGainers: Partial<Record<OpName, (string | undefined)[]>> = {
    transfer: [op.to],
    transferFrom: [op.to],
    transferShares: [op.to],
    mint: [op.to],
    forcedTransfer: [op.to],
    recoveryAddress: [op.to],
    accrue: [env.feeWallet],
    subscribe: [op.to],
    requestRedemption: [env.addr.manager],
    cancelRedemption: [op.to],
    releaseHeld: [op.to],
    // issue 19: the receiver of a vault subscription or of a cancelled request's escrow, the escrow of a request
    vaultDeposit: [op.to],
    vaultRequestRedeem: [env.addr.manager],
    vaultClaimCancel: [op.to],
  };
  for (const w of gainers) {
    const feeOfAccrual = accrued && w === env.feeWallet;
    if (!(allowedGainers[op.name] ?? []).includes(w) && !feeOfAccrual) {
      fail(`${short(w)} gained shares through ${op.name}`);
      continue;
    }
    const r = recordOf(prev, w);
    const verified = r !== undefined && !r.revoked && r.kycExpiry > T;
    if (!verified) fail(`${short(w)} gained shares through ${op.name} without being verified`);
    if (op.name === "accrue" || (feeOfAccrual && w !== op.to)) {
      // The fee is minted without a compliance call: only to an account of the fund, never a sanctioned one.
      if (!isProtocol(r)) fail(`the fee went to ${short(w)}, which is not an account of the fund (PROTOCOL)`);
      if (prev.wallets.get(w)!.sanctioned) fail(`the fee went to sanctioned ${short(w)}`);
      continue;
    }
    // A recovery moves a wallet's position to another wallet of the same identity, whatever its rules; a forced
    // transfer (issue 19, ERC-7943) only to a wallet that can receive, checked below as any other recipient.
    if (op.name === "recoveryAddress") continue;
    if (prev.wallets.get(w)!.sanctioned) fail(`sanctioned ${short(w)} gained shares through ${op.name}`);
    if (prev.wallets.get(w)!.frozen) fail(`frozen ${short(w)} gained shares through ${op.name}`);
    if (!isProtocol(r)) {
      if (rules.denied.has(r!.country)) fail(`${short(w)} in embargoed country ${r!.country} gained shares`);
      if ((r!.classes & rules.requiredAny) === 0) fail(`${short(w)} without an eligible class gained shares`);
    }
  }

  // ---- conservation per kind
  const d = (w: string | undefined) => (w ? cur.wallets.get(w)!.shares - prev.wallets.get(w)!.shares : 0n);
  const supplyDelta = cur.totalShares - prev.totalShares;
  if (HOLDER_OPS.includes(op.name) || op.name === "forcedTransfer" || op.name === "recoveryAddress") {
    if (supplyDelta !== 0n) fail(`${op.name} changed totalShares by ${supplyDelta}`);
    if (op.from !== op.to && d(op.from) !== -d(op.to))
      fail(`${op.name}: sender lost ${-d(op.from)} shares, recipient gained ${d(op.to)}`);
  } else if (op.name === "mint") {
    if (supplyDelta !== d(op.to))
      fail(`mint: totalShares grew by ${supplyDelta}, the recipient by ${d(op.to)}`);
  } else if (op.name === "burn") {
    if (supplyDelta !== d(op.from))
      fail(`burn: totalShares fell by ${-supplyDelta}, the wallet by ${-d(op.from)}`);
  } else if (op.name === "accrue") {
    if (supplyDelta !== d(env.feeWallet))
      fail(`accrue: totalShares grew by ${supplyDelta}, the fee wallet by ${d(env.feeWallet)}`);
  } else if (MANAGER_OPS.includes(op.name)) {
    // Only the parties, the manager (escrow) and, when the NAV was applied, the fee wallet change.
    const parties = [op.from, op.to, env.addr.manager, ...(accrued ? [env.feeWallet] : [])];
    for (const w of env.accounts)
      if (!parties.includes(w) && d(w) !== 0n) fail(`${op.name} moved the shares of ${short(w)}`);
    const fee = accrued ? d(env.feeWallet) : 0n;
    if ((op.name === "subscribe" || op.name === "vaultDeposit") && supplyDelta - fee !== d(op.to))
      fail(`${op.name}: totalShares grew by ${supplyDelta - fee}, the subscriber by ${d(op.to)}`);
    if (
      (op.name === "cancelRedemption" || op.name === "releaseHeld" || op.name === "vaultClaimCancel") &&
      (supplyDelta !== 0n || d(op.to) !== -d(env.addr.manager))
    )
      fail(`${op.name}: the recipient gained ${d(op.to)} shares, the escrow lost ${-d(env.addr.manager)}`);
  } else if (sharesChanged && env.accounts.some((w) => d(w) !== 0n)) {
    fail(`${op.name} moved shares`);
  }

  // ---- rounding never creates value
  const moved = op.from && op.from !== op.to ? -d(op.from) : undefined;
  if (
    op.amount !== undefined &&
    moved !== undefined &&
    ["transfer", "transferFrom", "burn", "forcedTransfer"].includes(op.name)
  ) {
    // The sender gives up shares worth at least the amount (ceil), every share for its whole balance (a holder's
    // zero-value transfer moves none, even from shares worth less than one unit: issue 16 finding 8).
    if (moved * prev.index < op.amount * ONE)
      fail(`${op.name}: ${moved} shares moved are worth less than ${op.amount}`);
    if (
      op.amount === toAmount(prev.wallets.get(op.from!)!.shares, prev.index) &&
      (op.amount !== 0n || op.name === "burn" || op.name === "forcedTransfer") &&
      cur.wallets.get(op.from!)!.shares !== 0n
    )
      fail(`${op.name} of the whole balance left ${cur.wallets.get(op.from!)!.shares} shares`);
  }
  // Balances as integrators see them (docs/TOKEN.md, stETH-class rounding): a transfer of x lowers the sender's
  // balance and raises the recipient's by at least x and at most x + ceil(index); an issuance of x credits at
  // most x and at least x - ceil(index). (The docs' "x or x - 1" for the recipient is not what the formulas
  // give: the sender's rounding up is the recipient's gain.)
  const bal = (v: ChainView, w: string) => toAmount(v.wallets.get(w)!.shares, v.index);
  const slack = (prev.index + ONE - 1n) / ONE;
  if (
    op.amount !== undefined &&
    op.from &&
    op.to &&
    op.from !== op.to &&
    ["transfer", "transferFrom", "forcedTransfer"].includes(op.name)
  ) {
    const lost = bal(prev, op.from) - bal(cur, op.from);
    const gained = bal(cur, op.to) - bal(prev, op.to);
    if (lost < op.amount || lost > op.amount + slack)
      fail(`${op.name} of ${op.amount}: the sender's balance fell by ${lost}`);
    if (gained < op.amount || gained > op.amount + slack)
      fail(`${op.name} of ${op.amount}: the recipient's balance grew by ${gained}`);
  }
  if (op.name === "mint" && op.amount !== undefined) {
    const credited = bal(cur, op.to!) - bal(prev, op.to!);
    if (credited > op.amount || credited + slack < op.amount)
      fail(`mint of ${op.amount} credited ${credited}`);
  }
  // Freezing x freezes at least x; unfreezing the whole frozen amount leaves nothing frozen.
  if (op.name === "freezePartialTokens" && op.amount !== undefined) {
    const frozenBefore = toAmount(prev.wallets.get(op.from!)!.frozenShares, prev.index);
    const frozenAfter = toAmount(cur.wallets.get(op.from!)!.frozenShares, cur.index);
    if (frozenAfter - frozenBefore < op.amount)
      fail(`freezing ${op.amount} froze only ${frozenAfter - frozenBefore}`);
  }
  if (
    op.name === "unfreezePartialTokens" &&
    op.amount === toAmount(prev.wallets.get(op.from!)!.frozenShares, prev.index) &&
    cur.wallets.get(op.from!)!.frozenShares !== 0n
  )
    fail(`unfreezing the whole frozen amount left ${cur.wallets.get(op.from!)!.frozenShares} frozen shares`);
  if (op.name === "mint" && op.amount !== undefined && d(op.to) * prev.index > op.amount * ONE)
    fail(`mint: ${d(op.to)} shares credited are worth more than ${op.amount}`);
  checkManagerFlows(env, prev, cur, op, T, accrued, fail);
  if ((op.name === "mint" || op.name === "accrue" || SYNC_OPS.includes(op.name)) && supplyDelta > 0n) {
    const reserves = prev.reserveRound.answer * 10n ** 10n;
    const [before, after] = [toAmount(prev.totalShares, prev.index), toAmount(cur.totalShares, cur.index)];
    if (after > reserves && after > before)
      fail(`${op.name} grew the supply to ${after}, above the reserves ${reserves}`);
  }

  // ---- frozen and locked tokens move only by the agent
  if (!AGENT_OPS.includes(op.name)) {
    for (const w of env.accounts) {
      const a = prev.wallets.get(w)!;
      const b = cur.wallets.get(w)!;
      if (a.frozenShares !== b.frozenShares || a.frozen !== b.frozen)
        fail(`${op.name} changed the freeze of ${short(w)}`);
      if (a.frozen && b.shares < a.shares) fail(`frozen wallet ${short(w)} lost shares through ${op.name}`);
      if (b.shares < a.frozenShares) fail(`${short(w)} lost frozen shares through ${op.name}`);
    }
    for (const id of env.identities) {
      const lockedBefore = prev.investors
        .get(id)!
        .tranches.filter((t) => t.releaseAt > T)
        .reduce((s, t) => s + t.shares, 0n);
      if (cur.investors.get(id)!.shares < lockedBefore)
        fail(`investor ${short(id)} lost locked shares through ${op.name} (${lockedBefore} still locked)`);
    }
  }

  // ---- investor count, holding limits, daily outflow: respected by holders' transfers and issuances
  if (HOLDER_OPS.includes(op.name) || op.name === "mint" || CHECKED_MANAGER_OPS.includes(op.name)) {
    if (
      (rules.rules & RULE.MAX_INVESTORS) !== 0 &&
      cur.investorCount > rules.maxInvestors &&
      cur.investorCount > prev.investorCount
    )
      fail(`${op.name} took the investor count to ${cur.investorCount} (max ${rules.maxInvestors})`);
    for (const id of env.identities) {
      const before = prev.investors.get(id)!.shares;
      const after = cur.investors.get(id)!.shares;
      if (after === before || (rules.rules & RULE.HOLDING_LIMITS) === 0) continue;
      const position = toAmount(after, cur.index);
      if (
        after > before &&
        (position < rules.minHolding || (rules.maxHolding !== 0n && position > rules.maxHolding))
      )
        fail(
          `${op.name} took investor ${short(id)} to ${position}, outside [${rules.minHolding}, ${rules.maxHolding}]`,
        );
      if (after < before && position !== 0n && position < rules.minHolding)
        fail(`${op.name} left investor ${short(id)} with ${position}, below the minimum ${rules.minHolding}`);
    }
    for (const id of env.identities) {
      const inv = cur.investors.get(id)!;
      if ((rules.rules & RULE.TRANSFER_LIMIT) !== 0 && inv.outflowUsed > rules.maxDailyOutflow)
        fail(`investor ${short(id)} used ${inv.outflowUsed} of a ${rules.maxDailyOutflow} daily outflow`);
    }
  }
  return out;
}

/** Request statuses each operation may move a request between (`from>to`); any other change is a bug. */
const REQUEST_TRANSITIONS: Partial<Record<OpName, string[]>> = {
  requestRedemption: [`${REQUEST.None}>${REQUEST.Pending}`],
  cancelRedemption: [`${REQUEST.Pending}>${REQUEST.Cancelled}`, `${REQUEST.Held}>${REQUEST.Cancelled}`],
  settleRedemptions: [`${REQUEST.Pending}>${REQUEST.Settled}`, `${REQUEST.Pending}>${REQUEST.Held}`],
  settleHeld: [`${REQUEST.Held}>${REQUEST.Settled}`],
  releaseHeld: [`${REQUEST.Held}>${REQUEST.Released}`],
  holdRequest: [`${REQUEST.Pending}>${REQUEST.Held}`],
  // issue 19
  vaultRequestRedeem: [`${REQUEST.None}>${REQUEST.Pending}`],
  vaultCancel: [
    `${REQUEST.Pending}>${REQUEST.CancelClaimable}`,
    `${REQUEST.Held}>${REQUEST.CancelClaimable}`,
  ],
  vaultClaimCancel: [`${REQUEST.CancelClaimable}>${REQUEST.Cancelled}`],
};

/** Whether the manager's storage and the stablecoin's balances are the same in both states. */
function sameManager(a: ChainView, b: ChainView): boolean {
  const x = a.manager;
  const y = b.manager;
  if (
    [x.config, x.minimums, x.custody, x.feeRecipient, x.queue, x.escrow, x.coin, ...x.limiters].some(
      (w, i) =>
        w !== [y.config, y.minimums, y.custody, y.feeRecipient, y.queue, y.escrow, y.coin, ...y.limiters][i],
    )
  )
    return false;
  for (const [k, w] of x.items) if (y.items.get(k) !== w) return false;
  for (const [id, [w0, w1]] of x.requests) {
    const o = y.requests.get(id);
    if (o && (o[0] !== w0 || o[1] !== w1)) return false;
  }
  for (const [h, bal] of a.usdc.balances) if (b.usdc.balances.get(h) !== bal) return false;
  return a.usdc.totalSupply === b.usdc.totalSupply;
}

/**
 * The fund manager's invariants on any state: the escrow it records equals the sum of its open requests (pending
 * and held, also per stablecoin) and is covered by the shares it holds; nothing pending lies behind the queue's
 * head and nothing exists at or beyond its tail; dust (shares beyond the escrow) grows by less than one token
 * wei's worth per operation; the stablecoin is held only by the tracked holders and its supply changes only by
 * the test's mints (conservation between investors, custodian, buffer and fee recipient).
 */
function checkManagerAlways(
  env: PropertyEnv,
  prev: ChainView,
  cur: ChainView,
  op: OpInfo,
  ok: boolean,
  fail: (m: string) => void,
) {
  const g = decodeManager(cur.manager);
  let pending = 0n;
  let held = 0n;
  let nPending = 0;
  let nHeld = 0;
  for (const [id, words] of cur.manager.requests) {
    const r = decodeRequest(words);
    if (id >= g.tail && r.status !== REQUEST.None)
      fail(`request ${id} exists at or beyond the tail ${g.tail}`);
    if (r.status === REQUEST.Pending) {
      pending += r.shares;
      nPending += 1;
      if (id < g.head) fail(`request ${id} is pending behind the head ${g.head}`);
    }
    if (r.status === REQUEST.Held) {
      held += r.shares;
      nHeld += 1;
    }
  }
  if (pending !== g.pendingShares || pending !== g.coin.pendingShares)
    fail(
      `pending escrow ${g.pendingShares} (stablecoin ${g.coin.pendingShares}), pending requests hold ${pending}`,
    );
  if (held !== g.heldShares) fail(`held escrow ${g.heldShares}, held requests hold ${held}`);
  if (nPending !== g.pendingCount || nHeld !== g.heldCount)
    fail(`queue counts ${g.pendingCount}/${g.heldCount}, requests ${nPending}/${nHeld}`);
  // (Issue 19: the escrow of requests cancelled through the entry point waits in the manager until claimed.)
  const cancelled = (v: ChainView) =>
    [...v.manager.requests.values()]
      .map((words) => decodeRequest(words))
      .filter((r) => r.status === REQUEST.CancelClaimable)
      .reduce((sum, r) => sum + r.shares, 0n);
  const escrow = (v: ChainView) => {
    const d = decodeManager(v.manager);
    return v.wallets.get(env.addr.manager)!.shares - d.pendingShares - d.heldShares - cancelled(v);
  };
  const dust = escrow(cur);
  if (dust < 0n) fail(`the manager holds ${-dust} shares fewer than its escrow`);
  const grown = dust - escrow(prev);
  if (grown > 0n && grown * cur.index >= ONE)
    fail(`${op.name} left ${grown} shares of dust with the manager, worth a token wei or more`);

  let tracked = 0n;
  for (const h of env.usdcHolders) tracked += cur.usdc.balances.get(h)!;
  if (tracked !== cur.usdc.totalSupply)
    fail(`the tracked holders hold ${tracked} stablecoin units of a supply of ${cur.usdc.totalSupply}`);
  const minted = cur.usdc.totalSupply - prev.usdc.totalSupply;
  if (minted !== (ok && op.name === "usdcMint" ? op.coinAmount : 0n))
    fail(`the stablecoin's supply changed by ${minted} through ${op.name}`);
}

/**
 * What each manager operation may do, on the chain's data: who gains stablecoins, the fee rounded up, the
 * buffer topped up no further than its target, tokens minted never worth more than the net paid (the floor of
 * net / price), stablecoins paid never more than the tokens redeemed or the escrow settled are worth, escrow
 * moving only with its request, requests paid only to verified, unfrozen, unsanctioned investors, and requests
 * changing status only as the operation allows.
 */
function checkManagerFlows(
  env: PropertyEnv,
  prev: ChainView,
  cur: ChainView,
  op: OpInfo,
  T: number,
  accrued: boolean,
  fail: (m: string) => void,
) {
  const g = decodeManager(cur.manager);
  const gp = decodeManager(prev.manager);
  const manager = env.addr.manager;
  const custodian = env.actors.custodian;
  const feeRecipient = env.usdcHolders.find((h) => BigInt(h) === g.feeRecipient);
  if (!feeRecipient) return fail(`the fee recipient is not a tracked stablecoin holder`);
  const scale = 10n ** BigInt(18 - g.coin.decimals);
  const coin = (h: string) => cur.usdc.balances.get(h)! - prev.usdc.balances.get(h)!;
  const shares = (w: string) => cur.wallets.get(w)!.shares - prev.wallets.get(w)!.shares;
  const idx = cur.index;
  const feeUpOk = (fee: bigint, base: bigint, bps: bigint) =>
    fee * 10_000n >= base * bps && (fee === 0n || (fee - 1n) * 10_000n < base * bps);
  const reserved = (pendingShares: bigint) => {
    const value = toAmount(pendingShares, idx);
    return value === 0n ? 0n : (value - 1n) / scale + 1n;
  };

  // ---- requests change only as the operation allows; a request's investor and shares never change
  const allowed = REQUEST_TRANSITIONS[op.name] ?? [];
  const changed: { id: number; from: number; to: number; r: ReturnType<typeof decodeRequest> }[] = [];
  for (const [id, words] of cur.manager.requests) {
    const before = prev.manager.requests.get(id);
    const r = decodeRequest(words);
    const from = before ? decodeRequest(before).status : REQUEST.None;
    if (before && from !== REQUEST.None) {
      const b = decodeRequest(before);
      if (b.investor !== r.investor || b.shares !== r.shares || b.minOut !== r.minOut)
        fail(`${op.name} changed request ${id}'s investor, shares or minimum`);
    }
    if (from === r.status) continue;
    if (!allowed.includes(`${from}>${r.status}`))
      fail(`${op.name} moved request ${id} from status ${from} to ${r.status}`);
    changed.push({ id, from, to: r.status, r });
  }
  const settled = changed.filter((c) => c.to === REQUEST.Settled);
  // (Issue 19: a request made through the entry point is paid into it, where its controller claims.)
  const settledTo = settled.map((c) =>
    c.r.vaultId !== 0 ? env.addr.vault : env.usdcHolders.find((h) => BigInt(h) === c.r.investor),
  );

  // ---- who gains stablecoins
  const gainers: Partial<Record<OpName, (string | undefined)[]>> = {
    subscribe: [feeRecipient, manager, custodian],
    requestRedemption: [op.from, feeRecipient],
    settleRedemptions: [feeRecipient, ...settledTo],
    settleHeld: [feeRecipient, ...settledTo],
    withdrawToCustodian: [custodian],
    usdcTransfer: [op.to],
    usdcMint: [op.to],
    // issue 19: a vault subscription pays as a subscription (the vault passes the stablecoins on); a claim pays
    // its receiver out of the vault
    vaultDeposit: [feeRecipient, manager, custodian],
    vaultRedeem: [op.to],
  };
  for (const h of env.usdcHolders)
    if (coin(h) > 0n && !(gainers[op.name] ?? []).includes(h))
      fail(`${short(h)} gained ${coin(h)} stablecoin units through ${op.name}`);

  if (op.name === "subscribe") {
    const paid = -coin(op.from!);
    if (paid !== op.coinAmount) fail(`subscribe of ${op.coinAmount}: the investor paid ${paid}`);
    const fee = coin(feeRecipient);
    const kept = coin(manager);
    if (!feeUpOk(fee, paid, g.subscriptionFeeBps))
      fail(`subscription fee ${fee} on ${paid} is not ${g.subscriptionFeeBps} bps rounded up`);
    const net = paid - fee;
    // The buffer is topped up to (owed to the queue + target), never further; the custodian gets the rest.
    const before = prev.usdc.balances.get(manager)!;
    const wanted = reserved(g.coin.pendingShares) + g.coin.bufferTarget;
    const room = wanted > before ? wanted - before : 0n;
    if (kept !== (room < net ? room : net))
      fail(`subscribe kept ${kept} in the buffer, ${room} was wanted of a net ${net}`);
    // Tokens at the NAV-based price, the applied round carried forward to the subscription's time at the
    // manager's carry rate: the shares credited are the floor of (carried net tokens) / index.
    const credited = shares(op.to!);
    const tokens = carriedTokens(net * scale, g.navCarryRateBps, T - cur.appliedNav.updatedAt);
    if (credited * idx > tokens * ONE)
      fail(`subscribe credited ${credited} shares, worth more than the ${tokens} tokens paid for`);
    if ((credited + 1n) * idx <= tokens * ONE)
      fail(`subscribe credited ${credited} shares, fewer than the ${tokens} tokens paid for (rounded down)`);
  }

  if (op.name === "requestRedemption") {
    // The fee wallet may redeem its fees; when the NAV is applied in the same call, its shares also grow by the
    // management fee, so what it gave is not its share delta: those checks are left to the model comparison.
    const mixed = accrued && op.from === env.feeWallet;
    const gave = -shares(op.from!);
    if (!mixed && gave * idx < op.amount! * ONE)
      fail(`a redemption of ${op.amount} took ${gave} shares, worth less`);
    if (g.tail === gp.tail + 1) {
      const r = decodeRequest(cur.manager.requests.get(gp.tail)!);
      if (r.investor !== BigInt(op.from!) || (!mixed && r.shares !== gave) || shares(manager) !== r.shares)
        fail(
          `queued request ${gp.tail}: ${r.shares} shares for ${short(op.from!)}, ${gave} given, escrow +${shares(manager)}`,
        );
      if (coin(op.from!) !== 0n || coin(manager) !== 0n) fail(`a queued redemption moved stablecoins`);
    } else {
      if (g.tail !== gp.tail) fail(`the queue's tail moved from ${gp.tail} to ${g.tail}`);
      // (The fee wallet, an account of the fund, may redeem its fees: it then receives the fee as well.)
      const own = op.from === feeRecipient;
      const net = coin(op.from!);
      const fee = own ? 0n : coin(feeRecipient);
      const gross = -coin(manager);
      if (net + fee !== gross) fail(`an instant redemption paid ${net} + ${fee} out of ${gross}`);
      if (gross * scale > op.amount!)
        fail(`an instant redemption of ${op.amount} tokens paid ${gross} units, more than they are worth`);
      if (!own && !feeUpOk(fee, gross, g.redemptionFeeBps))
        fail(`redemption fee ${fee} on ${gross} is not ${g.redemptionFeeBps} bps rounded up`);
      // Only the free buffer pays at once: what the queue is owed stays.
      if (prev.usdc.balances.get(manager)! < reserved(g.coin.pendingShares) + gross)
        fail(`an instant redemption of ${gross} used liquidity owed to the queue`);
      const fees = accrued ? shares(env.feeWallet) : 0n;
      const burned = -(cur.totalShares - prev.totalShares - fees);
      if (!mixed && burned * idx < op.amount! * ONE)
        fail(`an instant redemption of ${op.amount} burned only ${burned} shares`);
    }
  }

  if (op.name === "cancelRedemption" || op.name === "releaseHeld") {
    const closed = changed.filter((c) => c.to === REQUEST.Cancelled || c.to === REQUEST.Released);
    if (closed.length !== 1 || shares(op.to!) !== closed[0].r.shares)
      fail(
        `${op.name}: ${short(op.to!)} gained ${shares(op.to!)} shares for ${closed.length} closed requests`,
      );
    else if (op.name === "cancelRedemption" && closed[0].r.investor !== BigInt(op.to!))
      fail(`${short(op.to!)} cancelled request ${closed[0].id} of another investor`);
  }

  if (op.name === "settleRedemptions" || op.name === "settleHeld") {
    const escrow = settled.reduce((sum, c) => sum + c.r.shares, 0n);
    const out = -coin(manager);
    if (out * scale * ONE > escrow * idx)
      fail(`settlement paid ${out} units for escrow worth ${toAmount(escrow, idx)} tokens`);
    for (const c of settled) {
      const w = cur.wallets.get(env.usdcHolders.find((h) => BigInt(h) === c.r.investor) ?? "");
      const rec = unpackRecord(w?.record ?? 0n, false);
      if (!w || !rec || rec.revoked || rec.kycExpiry <= cur.timestamp || w.frozen || w.sanctioned)
        fail(`request ${c.id} was paid to an investor who may not be paid`);
    }
    if (op.name === "settleRedemptions" && g.head < gp.head) fail(`the queue's head went back`);
  }

  // ---- issue 19: the entry point passes a subscription's stablecoins on and pays claims only to payable wallets
  if (op.name === "vaultDeposit") {
    const paid = -coin(op.from!);
    if (paid !== op.coinAmount) fail(`vaultDeposit of ${op.coinAmount}: the payer paid ${paid}`);
    if (coin(env.addr.vault) !== 0n)
      fail(`vaultDeposit left ${coin(env.addr.vault)} units in the entry point`);
  }
  if (op.name === "vaultRedeem") {
    if (coin(op.to!) !== -coin(env.addr.vault) || coin(op.to!) <= 0n)
      fail(`vaultRedeem: the receiver gained ${coin(op.to!)}, the entry point lost ${-coin(env.addr.vault)}`);
    for (const w of [op.to!, op.from!]) {
      const v = prev.wallets.get(w);
      const rec = unpackRecord(v?.record ?? 0n, false);
      if (!v || !rec || rec.revoked || rec.kycExpiry <= T || v.frozen || v.sanctioned)
        fail(
          `vaultRedeem paid (receiver ${short(op.to!)}, controller ${short(op.from!)}) a wallet that may not be paid`,
        );
    }
  }

  if (op.name === "withdrawToCustodian") {
    if (coin(custodian) !== op.coinAmount || -coin(manager) !== op.coinAmount)
      fail(`withdrawal of ${op.coinAmount}: custodian +${coin(custodian)}, manager ${coin(manager)}`);
    if (cur.usdc.balances.get(manager)! < reserved(g.coin.pendingShares))
      fail(`a withdrawal took liquidity owed to the queue`);
  }
}

/** Keys of the World's operations the commands use. */
export const SECONDS = { HOUR: 3600, DAY } as const;
export { ZERO_ADDRESS };
export const TOKENS = (n: bigint) => n * ONE;
