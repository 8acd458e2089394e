/**
 * Reference model of the deployed fund: identity registry, modular compliance (the seven built-in rules), the
 * rebasing fund token, the NAV and reserve publishers, the NAV oracle, the reserve guard, and the fund manager
 * (subscriptions, instant and queued redemptions, settlement, held requests, daily limits) with its stablecoin.
 *
 * Written from docs/TOKEN.md and the contracts' specification, in plain TypeScript with `bigint` arithmetic:
 * for every operation it predicts whether the contracts accept it (and otherwise the exact custom error with its
 * arguments, or the TransferRestrictions code) and the exact resulting state, with the same integer formulas and
 * rounding directions as the contracts:
 *
 * - balance = shares x index / 1e18, rounded down;
 * - a sender gives up shares rounded up, or every share when it sends its whole balance;
 * - an issuance credits shares rounded down;
 * - the accrual: gross index = index x nav / lastNav (down); net index = gross x (D - feeTime) / D (down) with
 *   D = 10_000 x 365 days and feeTime = bps x elapsed; fee = supply at gross - supply at net; fee shares = fee
 *   / net index (down);
 * - the fund manager (docs/FUND.md): fees rounded up; a subscription mints (paid - fee) x 10^(18 - decimals)
 *   tokens; a redemption pays floor(tokens / 10^(18 - decimals)) less the fee; a queued request is paid what its
 *   escrowed shares are worth at settlement (down); the liquidity owed to the queue is reserved rounded up; the
 *   daily limits are OpenZeppelin RefillingBuckets (used amount decaying linearly over a day).
 *
 * The model has no dependency on Hardhat or ethers: it is a pure state machine, cloned with `structuredClone`.
 * Every operation runs on a draft that is committed only when it succeeds, as a reverting transaction changes
 * nothing. Operations read the model's clock (`state.now`): the harness sets it to the block timestamp of the
 * transaction before calling them.
 */

import { STATUS as REQUEST, HOLD } from "../helpers/fund-manager-enums";
import { RULES } from "../../lib/compliance-rules";
import {
  AttestationSource,
  ComplianceBase,
  FundManagerBase,
  FundToken,
  InvestorClasses,
  ShareMath,
  TransferRestrictions,
} from "../../lib/generated/contracts";

// ============================================================================================== constants

export const ONE = 10n ** 18n;
export const DAY = 86_400;
export const YEAR = 365 * DAY;
export const MAX_UINT256 = (1n << 256n) - 1n;
export const MAX_UINT96 = (1n << 96n) - 1n;
export const MAX_UINT128 = (1n << 128n) - 1n;
export const MAX_INT192 = (1n << 191n) - 1n;
export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
const U256 = 1n << 256n;
const BPS = 10_000n;
// The values the contracts define come from lib/generated/contracts.ts (issue 24: generated, not retyped).
/** FundToken's fee proration denominator: basis points x seconds per year (FundToken._FEE_DENOMINATOR). */
const FEE_DENOMINATOR = FundToken._FEE_DENOMINATOR;
const MAX_LOCK_TRANCHES = ComplianceBase.MAX_LOCK_TRANCHES;

/** InvestorClasses (contracts/identity/InvestorRecord.sol). */
export const CLASS = InvestorClasses;

/** Rule flags of ComplianceBase. */
export const RULE = RULES;

/** TransferRestrictions codes. */
export const R = TransferRestrictions;

const COUNTRY_ALLOW_LIST = ComplianceBase.COUNTRY_ALLOW_LIST;

// ============================================================================================== errors

/** A custom error (or `Panic(code)`) the model predicts, with its arguments in ABI order. */
export interface ModelError {
  name: string;
  args: (bigint | number | string | boolean)[];
}

/** Thrown inside an operation: the transaction reverts with `error` and nothing changes. */
export class Refusal extends Error {
  constructor(readonly error: ModelError) {
    super(`${error.name}(${error.args.map(String).join(", ")})`);
  }
}

function refuse(name: string, ...args: ModelError["args"]): never {
  throw new Refusal({ name, args });
}

/** Solidity 0.8 checked multiplication: overflow reverts with Panic(0x11). */
function mul(a: bigint, b: bigint): bigint {
  const r = a * b;
  if (r >= U256) refuse("Panic", 0x11n);
  return r;
}

/** A state the contracts can never reach if the model is right: a bug in the model or the harness. */
function internal(message: string): never {
  throw new Error(`model inconsistency: ${message}`);
}

// ============================================================================================== ShareMath

/** ShareMath.toAmount: shares x index / 1e18, rounded down. */
export function toAmount(shares: bigint, index: bigint): bigint {
  return mul(shares, index) / ONE;
}

/** ShareMath.MAX_AMOUNT: the largest amount whose conversion to shares cannot overflow. */
export const MAX_AMOUNT = ShareMath.MAX_AMOUNT;

/** ShareMath.toAmountSaturating: toAmount, or 2^256 - 1 when shares x index does not fit 256 bits. */
export function toAmountSaturating(shares: bigint, index: bigint): bigint {
  const product = shares * index;
  return product >= U256 ? MAX_UINT256 : product / ONE;
}

/** ShareMath.toSharesUp: shares worth at least `amount`. */
export function toSharesUp(amount: bigint, index: bigint): bigint {
  const product = mul(amount, ONE);
  return product === 0n ? 0n : (product - 1n) / index + 1n;
}

/** ShareMath.toSharesDown: shares worth at most `amount`. */
export function toSharesDown(amount: bigint, index: bigint): bigint {
  return mul(amount, ONE) / index;
}

// ============================================================================================== state

/** One wallet's registry record (InvestorRecord); absent = not registered. */
export interface WalletRecord {
  identity: string;
  country: number;
  classes: number;
  kycExpiry: number;
  revoked: boolean;
  /** Provenance (issue 20): the verification source that wrote the record; absent or 0 = the compliance officer. */
  source?: number;
}

/** FundTokenBase.Account. */
export interface Account {
  shares: bigint;
  frozenShares: bigint;
  frozen: boolean;
}

/** IFundComplianceTypes.InvestorState. */
export interface InvestorState {
  shares: bigint;
  outflowUsed: bigint;
  outflowUpdatedAt: number;
  counted: boolean;
}

/** A lock tranche still pending (released ones are dropped). */
export interface Tranche {
  shares: bigint;
  releaseAt: number;
}

/** The latest round of a NavPublisher (answer in the feed's decimals). */
export interface FeedRound {
  roundId: bigint;
  answer: bigint;
  updatedAt: number;
}

/** A NavPublisher: its configuration and latest round. */
export interface Feed {
  decimals: number;
  minInterval: number;
  maxChangeBpsPerRound: bigint;
  latest: FeedRound;
}

export interface ComplianceConfig {
  rules: number;
  countryMode: number;
  listedCountries: Set<number>;
  requiredAll: number;
  requiredAny: number;
  barred: number;
  maxDailyOutflow: bigint;
  minHolding: bigint;
  maxHolding: bigint;
  maxInvestors: number;
  lockPeriod: number;
}

/** IFundManagerTypes.RequestStatus and HoldReason (test/helpers/fund-manager-enums.ts). */
export { REQUEST, HOLD };
/** The key of the global entries of the manager's rate limiters (bytes32(0)). */
export const GLOBAL_KEY = "global";

/** An entry of an OpenZeppelin RateLimiter.RefillingBucket (used quantity at its last update). */
export interface Bucket {
  lastUsed: bigint;
  lastTimepoint: number;
}

/** A RefillingBucket limiter: shared capacity and window, entries by key (identity or GLOBAL_KEY). */
export interface Limiter {
  capacity: bigint;
  window: number;
  items: Map<string, Bucket>;
}

/** The manager's stablecoin (IFundManagerTypes.StablecoinInfo), with its address. */
export interface Coin {
  address: string;
  id: number;
  decimals: number;
  enabled: boolean;
  bufferTarget: bigint;
  pendingShares: bigint;
}

/** IFundManagerTypes.RedemptionRequest. */
export interface RedemptionRequest {
  investor: string;
  requestedAt: number;
  coinId: number;
  status: number;
  shares: bigint;
  minOut: bigint;
  /** Issue 19: made through the ERC-7575 entry point (its investor is the ERC-7540 controller). */
  viaVault?: boolean;
}

/**
 * Issue 19: the USDC entry point (FundVault) and the manager's book of it: the ERC-7540 operators (in the vault),
 * each controller's claims (FundManagerBase.ClaimAccount: settlement value of its settled requests, the part
 * claimed, the stablecoins the vault holds for it) and the escrow of cancelled requests awaiting their claim.
 */
export interface VaultState {
  address: string;
  /** `controller|operator` pairs approved. */
  operators: Set<string>;
  claims: Map<string, { settled: bigint; claimed: bigint; assets: bigint }>;
  cancelledShares: bigint;
}

/** The fund manager (FundManagerBase.FundManagerStorage), with one stablecoin. */
export interface ManagerState {
  address: string;
  custodian: string;
  feeRecipient: string;
  subscriptionFeeBps: bigint;
  redemptionFeeBps: bigint;
  subscriptionsPaused: boolean;
  redemptionsPaused: boolean;
  instantRedemption: boolean;
  /** Annual rate (bps) at which subscriptions carry the applied NAV forward (FundManager, docs/FUND.md "Pricing"). */
  navCarryRateBps: bigint;
  minFirstInvestment: bigint;
  minTopUp: bigint;
  maxPerInvestor: bigint;
  subscriptionPerInvestor: Limiter;
  subscriptionGlobal: Limiter;
  redemptionPerInvestor: Limiter;
  redemptionGlobal: Limiter;
  coin: Coin;
  queue: { head: number; tail: number; pendingCount: number; heldCount: number };
  escrow: { pendingShares: bigint; heldShares: bigint };
  requests: Map<number, RedemptionRequest>;
  /** Issue 19: the USDC entry point. */
  vault: VaultState;
}

/** The mock stablecoin (an OpenZeppelin ERC-20): balances and supply. */
export interface StablecoinState {
  balances: Map<string, bigint>;
  totalSupply: bigint;
}

export interface ModelState {
  /** Timestamp of the block the next (or last) operation runs in. */
  now: number;
  /** The token's address (reported by the registry's WalletHoldsTokens). */
  token: string;
  // ---- identity registry
  records: Map<string, WalletRecord>;
  /** The issuer's list of protocol accounts (`isProtocolAccount`): only they may carry the PROTOCOL class. */
  protocolAccounts: Set<string>;
  // ---- token
  accounts: Map<string, Account>;
  /** `${owner}|${spender}` -> allowance in token units. */
  allowances: Map<string, bigint>;
  totalShares: bigint;
  index: bigint;
  paused: boolean;
  appliedNav: { nav: bigint; updatedAt: number; roundId: bigint };
  feeWallet: string;
  managementFeeBps: bigint;
  // ---- compliance
  compliance: ComplianceConfig;
  sanctioned: Set<string>;
  investors: Map<string, InvestorState>;
  investorCount: number;
  locks: Map<string, Tranche[]>;
  // ---- oracles
  navFeed: Feed;
  reserveFeed: Feed;
  navOracle: { maxAge: number; maxChangeBpsPerDay: bigint; allowDecrease: boolean };
  reserveGuard: { maxAge: number };
  // ---- fund manager and its stablecoin
  manager: ManagerState;
  usdc: StablecoinState;
  // ---- the EAS verification source (issue 20); absent until the first attestation
  attestationSource?: AttestationSourceState;
}

// ============================================================================================== issue 20: EAS source

/** AttestationSource's registry id (deploy/scripts/01b_identity_sources.ts). */
export const EAS_SOURCE_ID = 2;
/** AttestationSource.AttestationStatus. */
export const ATTESTATION_STATUS = AttestationSource.AttestationStatus;

/** One attestation of the suite's record schema (`uint16 country,uint16 classes`) by the trusted attester. */
export interface AttestationModel {
  recipient: string;
  country: number;
  classes: number;
  /** 0: never expires. */
  expiration: number;
  revoked: boolean;
}

export interface AttestationSourceState {
  /** The source's longest record validity (the deploy config's defaultKycValiditySeconds). */
  maxRecordValidity: number;
  attestations: Map<string, AttestationModel>;
  /** The uid each wallet was registered with (`evidenceOf`). */
  evidence: Map<string, string>;
}

/** Outcome of an operation: accepted (with its return value, if any) or refused with an error. */
export type Outcome = { ok: true; value?: bigint | boolean } | { ok: false; error: ModelError };

const NO_ACCOUNT: Account = { shares: 0n, frozenShares: 0n, frozen: false };
const NO_INVESTOR: InvestorState = { shares: 0n, outflowUsed: 0n, outflowUpdatedAt: 0, counted: false };

// ============================================================================================== the model

export class FundModel {
  constructor(public state: ModelState) {}

  /** An independent copy (runs start from a copy of the fixture's model). */
  clone(): FundModel {
    return new FundModel(structuredClone(this.state));
  }

  // ------------------------------------------------------------------------------------- views

  record(wallet: string): WalletRecord | undefined {
    return this.state.records.get(wallet);
  }

  /** A copy of the wallet's account (changes go through `setAccount`). */
  account(wallet: string): Account {
    return { ...(this.state.accounts.get(wallet) ?? NO_ACCOUNT) };
  }

  /** A copy of the investor's compliance state. */
  investor(identity: string): InvestorState {
    return { ...(this.state.investors.get(identity) ?? NO_INVESTOR) };
  }

  allowance(owner: string, spender: string): bigint {
    return this.state.allowances.get(`${owner}|${spender}`) ?? 0n;
  }

  balanceOf(wallet: string): bigint {
    return toAmount(this.account(wallet).shares, this.state.index);
  }

  totalSupply(): bigint {
    return toAmount(this.state.totalShares, this.state.index);
  }

  frozenTokens(wallet: string): bigint {
    return toAmount(this.account(wallet).frozenShares, this.state.index);
  }

  /** InvestorRecordLib.isVerified at `at` (default: now). */
  isVerified(wallet: string, at = this.state.now): boolean {
    const r = this.record(wallet);
    return r !== undefined && !r.revoked && r.kycExpiry > at;
  }

  isProtocol(wallet: string): boolean {
    return ((this.record(wallet)?.classes ?? 0) & CLASS.PROTOCOL) !== 0;
  }

  identityOf(wallet: string): string {
    return this.record(wallet)?.identity ?? ZERO_ADDRESS;
  }

  /** Whether the country rule lets `country` hold or send. */
  countryAllowed(country: number): boolean {
    const c = this.state.compliance;
    return c.listedCountries.has(country) === (c.countryMode === COUNTRY_ALLOW_LIST);
  }

  /** Shares of `identity` locked at `at` (ModularComplianceAdmin.lockedShares). */
  lockedShares(identity: string, at = this.state.now): bigint {
    return (this.state.locks.get(identity) ?? [])
      .filter((t) => t.releaseAt > at)
      .reduce((sum, t) => sum + t.shares, 0n);
  }

  /** Pending lock tranches of `identity` at `at`, oldest first. */
  pendingTranches(identity: string, at = this.state.now): Tranche[] {
    return (this.state.locks.get(identity) ?? []).filter((t) => t.releaseAt > at);
  }

  /** What `identity` may still send today at `at`: the daily limit less the decayed outflow. */
  outflowAvailable(identity: string, at = this.state.now): bigint {
    const maxFlow = this.state.compliance.maxDailyOutflow;
    const f = this.investor(identity);
    const decay = (maxFlow * BigInt(at - f.outflowUpdatedAt)) / BigInt(DAY);
    return maxFlow - (f.outflowUsed > decay ? f.outflowUsed - decay : 0n);
  }

  /** The reserves the guard reports now (wad), or the error it reverts with. */
  reserves(): bigint {
    const s = this.state;
    const f = s.reserveFeed.latest;
    if (s.now - f.updatedAt > s.reserveGuard.maxAge)
      refuse("ReserveStale", f.roundId, BigInt(f.updatedAt), BigInt(s.reserveGuard.maxAge), BigInt(s.now));
    return f.answer * 10n ** BigInt(18 - s.reserveFeed.decimals);
  }

  // ------------------------------------------------------------------------------------- transactions

  /** Runs `op` on a draft; commits the draft only if `op` does not refuse. */
  private tx(op: (m: FundModel) => bigint | boolean | void): Outcome {
    const draft = this.clone();
    try {
      const value = op(draft);
      this.state = draft.state;
      return value === undefined ? { ok: true } : { ok: true, value };
    } catch (e) {
      if (e instanceof Refusal) return { ok: false, error: e.error };
      throw e;
    }
  }

  private setAccount(wallet: string, a: Account) {
    this.state.accounts.set(wallet, a);
  }

  // ============================================================================ identity registry (COMPLIANCE_OFFICER)

  registerInvestor(wallet: string, identity: string, country: number, classes: number, kycExpiry: number) {
    return this.tx((m) => {
      if (wallet === ZERO_ADDRESS) refuse("InvalidWallet");
      if (identity === ZERO_ADDRESS) refuse("InvalidIdentity", wallet);
      m.checkData(wallet, country, classes, kycExpiry);
      const existing = m.record(wallet);
      if (existing) refuse("WalletAlreadyRegistered", wallet, existing.identity);
      m.state.records.set(wallet, { identity, country, classes, kycExpiry, revoked: false });
    });
  }

  updateInvestor(identity: string, wallets: string[], country: number, classes: number, kycExpiry: number) {
    return this.tx((m) => {
      if (wallets.length === 0) refuse("EmptyBatch");
      wallets.forEach((wallet, i) => {
        const old = m.ofIdentity(wallet, identity);
        m.checkData(wallet, country, classes, kycExpiry);
        m.requireNoDuplicate(wallets, i);
        if (((old.classes & CLASS.PROTOCOL) !== 0) !== ((classes & CLASS.PROTOCOL) !== 0))
          m.requireNoHoldings(wallet);
        m.state.records.set(wallet, { identity, country, classes, kycExpiry, revoked: old.revoked });
      });
    });
  }

  setRevoked(identity: string, wallets: string[], revoked: boolean) {
    return this.tx((m) => {
      if (wallets.length === 0) refuse("EmptyBatch");
      wallets.forEach((wallet, i) => {
        const old = m.ofIdentity(wallet, identity);
        m.requireNoDuplicate(wallets, i);
        if (!revoked) m.requireListedIfProtocol(wallet, old.classes);
        // The officer's write makes the record the officer's (provenance 0, issue 20).
        m.state.records.set(wallet, { ...old, revoked, source: undefined });
      });
    });
  }

  deleteIdentity(wallet: string) {
    return this.tx((m) => {
      if (!m.record(wallet)) refuse("WalletNotRegistered", wallet);
      m.requireNoHoldings(wallet);
      m.state.records.delete(wallet);
    });
  }

  private checkData(wallet: string, country: number, classes: number, kycExpiry: number) {
    if (country === 0 || country > 999) refuse("InvalidCountry", wallet, country);
    if ((classes & ~CLASS.ALL) !== 0) refuse("InvalidClasses", wallet, classes);
    if (kycExpiry <= this.state.now) refuse("KycExpiryNotInFuture", wallet, kycExpiry);
    this.requireListedIfProtocol(wallet, classes);
  }

  private requireListedIfProtocol(wallet: string, classes: number) {
    if ((classes & CLASS.PROTOCOL) !== 0 && !this.state.protocolAccounts.has(wallet))
      refuse("ProtocolAccountNotListed", wallet);
  }

  private ofIdentity(wallet: string, identity: string): WalletRecord {
    const r = this.record(wallet);
    if (!r) refuse("WalletNotRegistered", wallet);
    if (r.identity !== identity) refuse("WalletNotOfIdentity", wallet, identity, r.identity);
    return r;
  }

  private requireNoDuplicate(wallets: string[], i: number) {
    for (let j = 0; j < i; j++) if (wallets[j] === wallets[i]) refuse("DuplicateWallet", wallets[i]);
  }

  /** IdentityRegistry._requireNoHoldings: no shares of the bound token, and not its fee wallet. */
  private requireNoHoldings(wallet: string) {
    const shares = this.account(wallet).shares;
    if (shares !== 0n) refuse("WalletHoldsTokens", wallet, this.state.token, shares);
    if (wallet === this.state.feeWallet) refuse("WalletIsFeeWallet", wallet, this.state.token);
  }

  // ============================================================================ issue 20: the EAS verification source

  /** The source's state, created with the deployed validity on first use. */
  private eas(): AttestationSourceState {
    this.state.attestationSource ??= {
      maxRecordValidity: 365 * 86_400,
      attestations: new Map(),
      evidence: new Map(),
    };
    return this.state.attestationSource;
  }

  /** EAS: the trusted attester attested `uid` for `recipient` (always accepted; not a registry operation). */
  attested(uid: string, a: Omit<AttestationModel, "revoked">) {
    this.eas().attestations.set(uid, { ...a, revoked: false });
  }

  /** EAS: the attester revoked `uid`. */
  attestationRevoked(uid: string) {
    const a = this.eas().attestations.get(uid);
    if (a) a.revoked = true;
  }

  /** Whether the wallet's attestation is revoked or expired (what the invariant of issue 20 tracks). */
  sourceEvidenceValid(wallet: string): boolean {
    const uid = this.eas().evidence.get(wallet);
    const a = uid === undefined ? undefined : this.eas().attestations.get(uid);
    return a !== undefined && this.attestationStatus(a) === 0;
  }

  /** AttestationSource.registerFromAttestation(wallet, [uid]) then IdentityRegistry.writeFromSource. */
  registerFromAttestation(wallet: string, uid: string) {
    return this.tx((m) => {
      const src = m.eas();
      const a = src.attestations.get(uid)!;
      const status = m.attestationStatus(a);
      if (status !== 0) refuse("AttestationRefused", uid, status);
      m.writeFromSource(wallet, a);
      src.evidence.set(wallet, uid);
    });
  }

  /** AttestationSource.refresh(wallet). */
  refreshFromSource(wallet: string) {
    return this.tx((m) => {
      const r = m.record(wallet);
      // Unregistered or the officer's: the error names the source listed under the record's id (none).
      if (!r || (r.source ?? 0) !== EAS_SOURCE_ID) refuse("RecordNotFromThisSource", wallet, ZERO_ADDRESS);
      const src = m.eas();
      const a = src.attestations.get(src.evidence.get(wallet)!)!;
      if (m.attestationStatus(a) === 0) m.writeFromSource(wallet, a);
      else if (!r.revoked) m.state.records.set(wallet, { ...r, revoked: true });
    });
  }

  private attestationStatus(a: AttestationModel): number {
    if (a.revoked) return ATTESTATION_STATUS.Revoked;
    if (a.expiration !== 0 && a.expiration <= this.state.now) return ATTESTATION_STATUS.Expired;
    const allowed = CLASS.ALL & ~CLASS.PROTOCOL;
    if (a.country === 0 || a.country > 999 || (a.classes & ~allowed) !== 0)
      return ATTESTATION_STATUS.MalformedData;
    return 0;
  }

  /** IdentityRegistry.writeFromSource from the EAS source: identity = the wallet. */
  private writeFromSource(wallet: string, a: AttestationModel) {
    const cap = this.state.now + this.eas().maxRecordValidity;
    const kycExpiry = a.expiration !== 0 && a.expiration < cap ? a.expiration : cap;
    const old = this.record(wallet);
    if (old) {
      if (old.identity !== wallet) refuse("WalletAlreadyRegistered", wallet, old.identity);
      // The default policy: an officer's record wins.
      if ((old.source ?? 0) === 0) refuse("RecordHeldByOfficer", wallet);
    }
    this.state.records.set(wallet, {
      identity: wallet,
      country: a.country,
      classes: a.classes,
      kycExpiry,
      revoked: false,
      source: EAS_SOURCE_ID,
    });
  }

  // ============================================================================ compliance (COMPLIANCE_OFFICER)

  setSanctioned(wallets: string[], sanctioned: boolean) {
    return this.tx((m) => {
      if (wallets.length === 0) refuse("EmptyList");
      for (const w of wallets) {
        if (sanctioned) m.state.sanctioned.add(w);
        else m.state.sanctioned.delete(w);
      }
    });
  }

  // ------------------------------------------------------------------------------------- rule engine

  private rule(flag: number): boolean {
    return (this.state.compliance.rules & flag) !== 0;
  }

  sanctionedWallet(wallet: string): boolean {
    return this.state.sanctioned.has(wallet);
  }

  /** ComplianceBase._checkParties. */
  private checkParties(from: string, to: string): number {
    if (this.rule(RULE.SANCTIONS) && this.sanctionedWallet(from)) return R.SENDER_SANCTIONED;
    const fr = this.record(from);
    if (this.rule(RULE.COUNTRY) && !this.isProtocol(from) && !this.countryAllowed(fr?.country ?? 0))
      return R.SENDER_COUNTRY_RESTRICTED;
    return this.checkRecipient(to);
  }

  /** ComplianceBase._checkRecipient. */
  private checkRecipient(to: string): number {
    const c = this.state.compliance;
    if (this.rule(RULE.SANCTIONS) && this.sanctionedWallet(to)) return R.RECIPIENT_SANCTIONED;
    if (this.isProtocol(to)) return R.NONE;
    const tr = this.record(to);
    if (this.rule(RULE.COUNTRY) && !this.countryAllowed(tr?.country ?? 0))
      return R.RECIPIENT_COUNTRY_RESTRICTED;
    if (this.rule(RULE.INVESTOR_CLASS)) {
      const classes = tr?.classes ?? 0;
      if ((classes & c.barred) !== 0) return R.RECIPIENT_CLASS_BARRED;
      if ((classes & c.requiredAll) !== c.requiredAll) return R.RECIPIENT_CLASS_MISSING;
      if (c.requiredAny !== 0 && (classes & c.requiredAny) === 0) return R.RECIPIENT_CLASS_MISSING;
    }
    return R.NONE;
  }

  /** ComplianceBase._changesTotals. */
  private changesTotals(from: string, to: string): boolean {
    const fromInvestor = !this.isProtocol(from);
    const toInvestor = !this.isProtocol(to);
    if (fromInvestor && toInvestor) return this.identityOf(from) !== this.identityOf(to);
    return fromInvestor || toInvestor;
  }

  /**
   * ComplianceBase._evalMove + _evalPositions: the restriction code of moving `shares` between the two wallets'
   * investors, and the investor states and count that {commitMove} writes when the code is 0.
   */
  private evalMove(
    from: string,
    to: string,
    shares: bigint,
    amount: bigint,
    index: bigint,
    enforce: boolean,
  ) {
    const s = this.state;
    const fromInvestor = !this.isProtocol(from);
    const toInvestor = !this.isProtocol(to);
    const fromId = this.identityOf(from);
    const toId = this.identityOf(to);
    let f: InvestorState = { ...NO_INVESTOR };
    let t: InvestorState = { ...NO_INVESTOR };
    const done = (code: number) => ({
      code,
      f,
      t,
      count: s.investorCount,
      fromId,
      toId,
      fromInvestor,
      toInvestor,
    });
    if (fromInvestor) {
      f = this.investor(fromId);
      if (f.shares < shares) return done(R.INSUFFICIENT_BALANCE);
      if (enforce) {
        if (this.rule(RULE.LOCKUP) && f.shares - shares < this.lockedShares(fromId))
          return done(R.TOKENS_LOCKED);
        if (this.rule(RULE.TRANSFER_LIMIT)) {
          const maxFlow = s.compliance.maxDailyOutflow;
          const used = this.decayedOutflow(f, maxFlow) + amount;
          if (used > maxFlow) return done(R.DAILY_OUTFLOW_EXCEEDED);
          f.outflowUsed = used;
          f.outflowUpdatedAt = s.now;
        }
      }
      f.shares -= shares;
    }
    if (toInvestor) {
      t = this.investor(toId);
      t.shares += shares;
    }
    const r = enforce ? s.compliance.rules : 0;
    if ((r & RULE.HOLDING_LIMITS) !== 0) {
      if (fromInvestor) {
        const remaining = toAmount(f.shares, index);
        if (remaining !== 0n && remaining < s.compliance.minHolding) return done(R.SENDER_BELOW_MIN_HOLDING);
      }
      if (toInvestor) {
        const code = this.checkPosition(t.shares, index);
        if (code !== R.NONE) return done(code);
      }
    }
    let count = s.investorCount;
    const leaves = f.counted && f.shares === 0n;
    const joins = !t.counted && toInvestor && t.shares !== 0n;
    if (leaves) {
      f.counted = false;
      count -= 1;
    }
    if (joins) {
      t.counted = true;
      count += 1;
      if ((r & RULE.MAX_INVESTORS) !== 0 && count > s.compliance.maxInvestors)
        return { ...done(R.MAX_INVESTORS_REACHED), count };
    }
    return { ...done(R.NONE), count };
  }

  private commitMove(e: ReturnType<FundModel["evalMove"]>) {
    if (e.fromInvestor) this.state.investors.set(e.fromId, e.f);
    if (e.toInvestor) this.state.investors.set(e.toId, e.t);
    this.state.investorCount = e.count;
  }

  /** ComplianceBase._checkPosition. */
  private checkPosition(shares: bigint, index: bigint): number {
    const c = this.state.compliance;
    const position = toAmount(shares, index);
    if (position < c.minHolding) return R.RECIPIENT_BELOW_MIN_HOLDING;
    if (c.maxHolding !== 0n && position > c.maxHolding) return R.RECIPIENT_ABOVE_MAX_HOLDING;
    return R.NONE;
  }

  /** ComplianceBase._decayedOutflow: the outflow still counted, decaying linearly to zero over a day. */
  private decayedOutflow(f: InvestorState, maxFlow: bigint): bigint {
    const decay = (maxFlow * BigInt(this.state.now - f.outflowUpdatedAt)) / BigInt(DAY);
    return f.outflowUsed > decay ? f.outflowUsed - decay : 0n;
  }

  /** ModularCompliance.checkTransfer. */
  private checkTransfer(from: string, to: string, shares: bigint, amount: bigint, index: bigint) {
    let code = this.checkParties(from, to);
    // Zero shares change no total: no amount rule applies, nothing is recorded (issue 16 finding 8).
    const changes = shares !== 0n && this.changesTotals(from, to);
    let e: ReturnType<FundModel["evalMove"]> | undefined;
    if (code === R.NONE && changes) {
      e = this.evalMove(from, to, shares, amount, index, true);
      code = e.code;
    }
    if (code !== R.NONE) refuse("TransferRestricted", code);
    if (e) this.commitMove(e);
  }

  /** ModularCompliance.checkMint. */
  private checkMint(to: string, shares: bigint, index: bigint) {
    const s = this.state;
    let code = this.checkRecipient(to);
    if (code !== R.NONE) refuse("TransferRestricted", code);
    if (this.isProtocol(to)) return;
    const id = this.identityOf(to);
    const t = this.investor(id);
    t.shares += shares;
    if (this.rule(RULE.HOLDING_LIMITS)) {
      code = this.checkPosition(t.shares, index);
      if (code !== R.NONE) refuse("TransferRestricted", code);
    }
    let count = s.investorCount;
    if (!t.counted && t.shares !== 0n) {
      t.counted = true;
      count += 1;
      if (this.rule(RULE.MAX_INVESTORS) && count > s.compliance.maxInvestors)
        refuse("TransferRestricted", R.MAX_INVESTORS_REACHED);
    }
    s.investors.set(id, t);
    s.investorCount = count;
    if (shares !== 0n && this.rule(RULE.LOCKUP)) this.lock(id, shares);
  }

  /** ComplianceBase._record for a movement without checks (forced transfer, burn). */
  private recordMovement(from: string, to: string, shares: bigint) {
    const s = this.state;
    const fromId = this.identityOf(from);
    if (to === ZERO_ADDRESS) {
      if (this.isProtocol(from)) return;
      const f = this.investor(fromId);
      if (f.shares < shares) refuse("InvestorSharesUnderflow", fromId, f.shares, shares);
      f.shares -= shares;
      if (f.counted && f.shares === 0n) {
        f.counted = false;
        s.investorCount -= 1;
      }
      s.investors.set(fromId, f);
      this.clampLocks(fromId, f.shares);
      return;
    }
    if (this.changesTotals(from, to)) {
      const e = this.evalMove(from, to, shares, 0n, 0n, false);
      if (e.code !== R.NONE) refuse("InvestorSharesUnderflow", fromId, e.f.shares, shares);
      this.commitMove(e);
      if (!this.isProtocol(from)) this.clampLocks(fromId, e.f.shares);
    }
  }

  // ------------------------------------------------------------------------------------- lockup

  /** Drops the tranches released by now (ComplianceBase._releaseLocks). */
  private releaseLocks(identity: string): Tranche[] {
    const pending = this.pendingTranches(identity);
    this.state.locks.set(identity, pending);
    return pending;
  }

  /** ComplianceBase._lock: a new tranche, or merged into the newest one the same day or when the queue is full. */
  private lock(identity: string, shares: bigint) {
    const queue = this.releaseLocks(identity);
    const releaseAt = this.state.now + this.state.compliance.lockPeriod;
    const last = queue[queue.length - 1];
    if (
      last &&
      (Math.floor(last.releaseAt / DAY) === Math.floor(releaseAt / DAY) || queue.length >= MAX_LOCK_TRANCHES)
    ) {
      last.shares += shares;
      if (releaseAt > last.releaseAt) last.releaseAt = releaseAt;
      return;
    }
    queue.push({ shares, releaseAt });
  }

  /** ComplianceBase._clampLocks: after shares left without checks, the oldest tranches absorb the excess. */
  private clampLocks(identity: string, remaining: bigint) {
    if (!this.rule(RULE.LOCKUP)) return;
    const queue = this.releaseLocks(identity);
    let excess = this.lockedShares(identity) - remaining;
    while (excess > 0n) {
      const head = queue[0] ?? internal(`no tranche left to clamp for ${identity}`);
      const take = head.shares > excess ? excess : head.shares;
      head.shares -= take;
      excess -= take;
      if (head.shares === 0n) queue.shift();
    }
  }

  // ============================================================================ token: holders

  approve(owner: string, spender: string, value: bigint) {
    return this.tx((m) => {
      if (spender === ZERO_ADDRESS) refuse("ERC20InvalidSpender", ZERO_ADDRESS);
      m.state.allowances.set(`${owner}|${spender}`, value);
    });
  }

  transfer(from: string, to: string, amount: bigint) {
    return this.tx((m) => m.holderTransfer(from, to, amount));
  }

  /**
   * docs/TOKEN.md, "Checks on a transfer": the zero recipient and the pause are refused first, then the balance
   * or, for transferFrom, the allowance.
   */
  transferFrom(spender: string, from: string, to: string, amount: bigint) {
    return this.tx((m) => m.spendAndTransfer(spender, from, to, amount));
  }

  transferShares(from: string, to: string, shares: bigint) {
    return this.tx((m) => m.moveShares(from, to, shares));
  }

  /** FundToken.transferFrom. */
  private spendAndTransfer(spender: string, from: string, to: string, amount: bigint) {
    this.hot(to);
    const key = `${from}|${spender}`;
    const current = this.allowance(from, spender);
    if (current !== MAX_UINT256) {
      if (current < amount) refuse("ERC20InsufficientAllowance", spender, current, amount);
      this.state.allowances.set(key, current - amount);
    }
    this.holderTransfer(from, to, amount);
  }

  /** FundToken.transferShares: returns the amount the shares are worth. */
  private moveShares(from: string, to: string, shares: bigint): bigint {
    this.hot(to);
    const idx = this.state.index;
    const a = this.account(from);
    if (shares > a.shares)
      refuse("ERC20InsufficientBalance", from, toAmount(a.shares, idx), toAmountSaturating(shares, idx));
    const amount = toAmount(shares, idx);
    this.move(from, to, a, shares, amount);
    return amount;
  }

  /** FundToken._hot: recipient and pause checks of every holder movement and issuance. */
  private hot(to: string) {
    if (to === ZERO_ADDRESS) refuse("ERC20InvalidReceiver", ZERO_ADDRESS);
    if (this.state.paused) refuse("EnforcedPause");
  }

  private holderTransfer(from: string, to: string, amount: bigint) {
    this.hot(to);
    const idx = this.state.index;
    const a = this.account(from);
    const balance = toAmount(a.shares, idx);
    if (amount > balance) refuse("ERC20InsufficientBalance", from, balance, amount);
    // A whole balance moves every share, a zero amount none (issue 16 finding 8).
    const shares = amount === balance && amount !== 0n ? a.shares : toSharesUp(amount, idx);
    this.move(from, to, a, shares, amount);
  }

  /** FundToken._move. */
  private move(from: string, to: string, a: Account, shares: bigint, amount: bigint) {
    const idx = this.state.index;
    if (a.frozen) refuse("WalletFrozen", from);
    if (this.account(to).frozen) refuse("WalletFrozen", to);
    if (shares > a.shares - a.frozenShares)
      refuse("InsufficientUnfrozenBalance", from, toAmount(a.shares - a.frozenShares, idx), amount);
    if (!this.isVerified(from)) refuse("SenderNotVerified", from);
    if (!this.isVerified(to)) refuse("RecipientNotVerified", to);
    if (from !== to) {
      this.setAccount(from, { ...a, shares: a.shares - shares });
      const b = this.account(to);
      this.setAccount(to, { ...b, shares: b.shares + shares });
    }
    this.checkTransfer(from, to, shares, amount, idx);
  }

  /** FundTokenAdmin.detectTransferRestriction (with ModularComplianceAdmin.detectTransferRestriction). */
  detectTransferRestriction(from: string, to: string, amount: bigint): number {
    const s = this.state;
    // The order of the transfer's own checks (docs/TOKEN.md "Checks on a transfer").
    if (to === ZERO_ADDRESS) return R.INVALID_RECIPIENT;
    if (s.paused) return R.PAUSED;
    const a = this.account(from);
    const balance = toAmount(a.shares, s.index);
    if (amount > balance) return R.INSUFFICIENT_BALANCE;
    if (a.frozen) return R.SENDER_FROZEN;
    if (this.account(to).frozen) return R.RECIPIENT_FROZEN;
    const shares = amount === balance && amount !== 0n ? a.shares : toSharesUp(amount, s.index);
    if (shares > a.shares - a.frozenShares) return R.INSUFFICIENT_UNFROZEN_BALANCE;
    if (!this.isVerified(from)) return R.SENDER_NOT_VERIFIED;
    if (!this.isVerified(to)) return R.RECIPIENT_NOT_VERIFIED;
    const code = this.checkParties(from, to);
    if (code !== R.NONE || shares === 0n || !this.changesTotals(from, to)) return code;
    return this.evalMove(from, to, shares, amount, s.index, true).code;
  }

  // ============================================================================ token: agents

  /** FundToken.mint (MINTER). */
  mint(to: string, amount: bigint) {
    return this.tx((m) => m.issue(to, amount));
  }

  /** FundToken.burn (MINTER): allowed while paused; frozen shares go last. */
  burn(from: string, amount: bigint) {
    return this.tx((m) => m.destroy(from, amount));
  }

  /** FundToken.mint's body (also called by the fund manager, MINTER). */
  private issue(to: string, amount: bigint) {
    const s = this.state;
    this.hot(to);
    if (amount > MAX_AMOUNT) refuse("SharesOverflow", MAX_UINT256);
    const shares = toSharesDown(amount, s.index);
    if (shares === 0n) refuse("AmountBelowOneShare", amount);
    if (this.account(to).frozen) refuse("WalletFrozen", to);
    if (!this.isVerified(to)) refuse("RecipientNotVerified", to);
    const newTotalShares = s.totalShares + shares;
    if (newTotalShares > (1n << 120n) - 1n) refuse("SharesOverflow", newTotalShares);
    const newSupply = toAmount(newTotalShares, s.index);
    const reserves = this.reserves();
    if (newSupply > reserves) refuse("ReserveExceeded", newSupply, reserves);
    s.totalShares = newTotalShares;
    const b = this.account(to);
    this.setAccount(to, { ...b, shares: b.shares + shares });
    this.checkMint(to, shares, s.index);
  }

  /** FundToken.burn's body (also called by the fund manager on its own escrow). */
  private destroy(from: string, amount: bigint) {
    const a = this.account(from);
    const shares = this.sharesToTake(from, a, amount);
    this.takeShares(from, a, shares);
    this.state.totalShares -= shares;
    this.recordMovement(from, ZERO_ADDRESS, shares);
  }

  /**
   * FundTokenAdmin.forcedTransfer (TRANSFER_AGENT): bypasses the sender's rules and freezes and the amount rules,
   * never to an unverified wallet, nor (issue 19, ERC-7943) to one `canReceive` refuses: frozen, or refused by the
   * compliance's recipient rules.
   */
  forcedTransfer(from: string, to: string, amount: bigint) {
    return this.tx((m) => {
      if (from === to) refuse("ForcedTransferToSelf", from);
      if (to === ZERO_ADDRESS) refuse("ERC20InvalidReceiver", ZERO_ADDRESS);
      if (!m.isVerified(to)) refuse("RecipientNotVerified", to);
      if (m.account(to).frozen || m.checkRecipient(to) !== R.NONE) refuse("ERC7943CannotReceive", to);
      const a = m.account(from);
      const shares = m.sharesToTake(from, a, amount);
      m.takeShares(from, a, shares);
      const b = m.account(to);
      m.setAccount(to, { ...b, shares: b.shares + shares });
      m.recordMovement(from, to, shares);
    });
  }

  /** FundTokenAdmin.recoveryAddress (TRANSFER_AGENT). */
  recoveryAddress(lost: string, fresh: string, identity: string) {
    return this.tx((m) => {
      const a = m.account(lost);
      if (
        lost === fresh ||
        m.identityOf(lost) !== identity ||
        m.identityOf(fresh) !== identity ||
        identity === ZERO_ADDRESS ||
        !m.isVerified(fresh) ||
        m.isProtocol(lost) !== m.isProtocol(fresh) ||
        (a.shares === 0n && !a.frozen)
      )
        refuse("InvalidRecovery", lost, fresh, identity);
      const b = m.account(fresh);
      m.setAccount(fresh, {
        shares: b.shares + a.shares,
        frozenShares: b.frozenShares + a.frozenShares,
        frozen: b.frozen || a.frozen,
      });
      m.state.accounts.delete(lost);
    });
  }

  setAddressFrozen(wallet: string, frozen: boolean) {
    return this.tx((m) => {
      m.setAccount(wallet, { ...m.account(wallet), frozen });
    });
  }

  freezePartialTokens(wallet: string, amount: bigint) {
    return this.tx((m) => {
      const idx = m.state.index;
      const a = m.account(wallet);
      const frozenAfter = amount > MAX_AMOUNT ? MAX_UINT256 : a.frozenShares + toSharesUp(amount, idx);
      if (frozenAfter > a.shares) {
        const wanted = toAmount(a.frozenShares, idx) + amount;
        refuse(
          "FreezeExceedsBalance",
          wallet,
          toAmount(a.shares, idx),
          wanted > MAX_UINT256 ? MAX_UINT256 : wanted,
        );
      }
      m.setAccount(wallet, { ...a, frozenShares: frozenAfter });
    });
  }

  unfreezePartialTokens(wallet: string, amount: bigint) {
    return this.tx((m) => {
      const idx = m.state.index;
      const a = m.account(wallet);
      const frozen = toAmount(a.frozenShares, idx);
      if (amount > frozen) refuse("UnfreezeExceedsFrozen", wallet, frozen, amount);
      const unfreeze = amount === frozen ? a.frozenShares : toSharesUp(amount, idx);
      if (unfreeze > a.frozenShares) refuse("Panic", 0x11n);
      m.setAccount(wallet, { ...a, frozenShares: a.frozenShares - unfreeze });
    });
  }

  /** FundTokenBase._sharesToTake. */
  private sharesToTake(from: string, a: Account, amount: bigint): bigint {
    const balance = toAmount(a.shares, this.state.index);
    if (amount > balance) refuse("ERC20InsufficientBalance", from, balance, amount);
    return amount === balance ? a.shares : toSharesUp(amount, this.state.index);
  }

  /** FundTokenBase._takeShares: unfrozen shares first, then frozen ones (unfrozen as they go). */
  private takeShares(from: string, a: Account, shares: bigint) {
    const unfrozen = a.shares - a.frozenShares;
    const frozenShares = shares > unfrozen ? a.frozenShares - (shares - unfrozen) : a.frozenShares;
    this.setAccount(from, { shares: a.shares - shares, frozenShares, frozen: a.frozen });
  }

  pause() {
    return this.tx((m) => {
      if (m.state.paused) refuse("EnforcedPause");
      m.state.paused = true;
    });
  }

  unpause() {
    return this.tx((m) => {
      if (!m.state.paused) refuse("ExpectedPause");
      m.state.paused = false;
    });
  }

  /** NavOracle.setAllowDecrease (ISSUER): the negative-rebase policy, which also decides the fee cap. */
  setAllowDecrease(allow: boolean) {
    return this.tx((m) => {
      m.state.navOracle.allowDecrease = allow;
    });
  }

  // ============================================================================ NAV, reserves, accrual

  /** NavPublisher.publish on the NAV feed (NAV_PUBLISHER). */
  publishNav(answer: bigint) {
    return this.tx((m) => m.publish(m.state.navFeed, answer));
  }

  /** NavPublisher.publish on the reserve feed (NAV_PUBLISHER). */
  publishReserves(answer: bigint) {
    return this.tx((m) => m.publish(m.state.reserveFeed, answer));
  }

  private publish(feed: Feed, answer: bigint) {
    const now = this.state.now;
    if (answer <= 0n) refuse("AnswerNotPositive", answer);
    if (answer > MAX_INT192) refuse("AnswerTooLarge", answer, MAX_INT192);
    const prev = feed.latest;
    if (now < prev.updatedAt + feed.minInterval)
      refuse("PublishTooSoon", BigInt(prev.updatedAt), BigInt(now), feed.minInterval);
    const change = answer > prev.answer ? answer - prev.answer : prev.answer - answer;
    if (change * BPS > prev.answer * feed.maxChangeBpsPerRound)
      refuse("AnswerChangeTooLarge", prev.answer, answer, feed.maxChangeBpsPerRound);
    feed.latest = { roundId: prev.roundId + 1n, answer, updatedAt: now };
  }

  /** NavOracle.nextNav: the latest round if the oracle accepts it after the last applied one. */
  private nextNav(): { roundId: bigint; nav: bigint; updatedAt: number } {
    const s = this.state;
    const o = s.navOracle;
    const f = s.navFeed.latest;
    if (s.now - f.updatedAt > o.maxAge)
      refuse("NavStale", f.roundId, BigInt(f.updatedAt), BigInt(o.maxAge), BigInt(s.now));
    const nav = f.answer * 10n ** BigInt(18 - s.navFeed.decimals);
    const last = s.appliedNav;
    if (f.updatedAt < last.updatedAt)
      refuse("NavRoundOutOfOrder", BigInt(f.updatedAt), BigInt(last.updatedAt));
    if (f.updatedAt === last.updatedAt) refuse("NavRoundAlreadyApplied", BigInt(f.updatedAt));
    let change: bigint;
    if (nav < last.nav) {
      if (!o.allowDecrease) refuse("NavDecreaseNotAllowed", last.nav, nav);
      change = last.nav - nav;
    } else change = nav - last.nav;
    const elapsed = BigInt(f.updatedAt - last.updatedAt);
    if (change > (last.nav * (o.maxChangeBpsPerDay * elapsed)) / (BPS * BigInt(DAY)))
      refuse("NavChangeTooLarge", last.nav, nav, elapsed, o.maxChangeBpsPerDay);
    return { roundId: f.roundId, nav, updatedAt: f.updatedAt };
  }

  /**
   * FundToken.accrue: returns whether the round was applied (false when the reserve guard blocked it: a shortfall,
   * or stale reserves).
   */
  accrue() {
    return this.tx((m) => m.applyNav());
  }

  /** FundToken.accrue's body (also called by the fund manager before pricing). */
  private applyNav(): boolean {
    const s = this.state;
    if (s.paused) refuse("EnforcedPause");
    const round = this.nextNav();
    const last = s.appliedNav;
    const oldIndex = s.index;
    const shares = s.totalShares;
    const grossIndex = (oldIndex * round.nav) / last.nav;
    let feeTime =
      s.feeWallet === ZERO_ADDRESS ? 0n : s.managementFeeBps * BigInt(round.updatedAt - last.updatedAt);
    if (feeTime > FEE_DENOMINATOR) feeTime = FEE_DENOMINATOR;
    let newIndex = (grossIndex * (FEE_DENOMINATOR - feeTime)) / FEE_DENOMINATOR;
    // Unless the oracle allows decreases, the fee is capped at the gross growth: the index never falls by it.
    if (newIndex < oldIndex && !s.navOracle.allowDecrease)
      newIndex = grossIndex < oldIndex ? grossIndex : oldIndex;
    if (newIndex === 0n || newIndex > MAX_UINT96) refuse("IndexOutOfRange", newIndex);
    const feeAmount = toAmount(shares, grossIndex) - toAmount(shares, newIndex);
    const feeShares = toSharesDown(feeAmount, newIndex);
    const oldSupply = toAmount(shares, oldIndex);
    const newSupply = toAmount(shares + feeShares, newIndex);
    if (newSupply > oldSupply) {
      // A reserve guard that reverts (stale reserves) blocks the growth like a shortfall (issue 16 finding 2).
      let reserves: bigint;
      try {
        reserves = this.reserves();
      } catch (e) {
        if (e instanceof Refusal) return false;
        throw e;
      }
      if (newSupply > reserves) return false;
    }
    s.index = newIndex;
    s.appliedNav = { nav: round.nav, updatedAt: round.updatedAt, roundId: round.roundId };
    if (feeShares !== 0n) {
      s.totalShares = shares + feeShares;
      const fw = this.account(s.feeWallet);
      this.setAccount(s.feeWallet, { ...fw, shares: fw.shares + feeShares });
    }
    return true;
  }

  // ============================================================================ subscriptions and redemptions
  //
  // The fund manager (contracts/fund/, docs/FUND.md) with its one stablecoin: the investors' subscriptions,
  // redemption requests (paid at once from the buffer or queued, the tokens in escrow) and cancellations; the
  // transfer agent's settlement of the queue and of held requests, release of held escrow and withdrawal of free
  // liquidity; the guardian's and issuer's pauses. The manager calls the token (mint, transferFrom, burn,
  // transferShares, accrue) exactly as a holder and minter would: the token's own rules and errors apply, through
  // the same model code. Rounding favours the fund: fees up, payouts down, the liquidity reserved for the queue up.

  /** The stablecoin's balance of `wallet`. */
  usdcOf(wallet: string): bigint {
    return this.state.usdc.balances.get(wallet) ?? 0n;
  }

  /** The manager's view of `stablecoin`: its configuration, or id 0 (never configured). */
  coinAt(stablecoin: string): Coin {
    const c = this.state.manager.coin;
    return stablecoin === c.address
      ? c
      : { address: stablecoin, id: 0, decimals: 0, enabled: false, bufferTarget: 0n, pendingShares: 0n };
  }

  /** Token units per stablecoin unit. */
  scaleOf(coin: Coin): bigint {
    return 10n ** BigInt(18 - coin.decimals);
  }

  /** RateLimiter.state: the used and available quantities of an entry now. */
  bucket(l: Limiter, key: string, at = this.state.now): { used: bigint; available: bigint } {
    const item = l.items.get(key) ?? { lastUsed: 0n, lastTimepoint: 0 };
    const refill = (BigInt(at - item.lastTimepoint) * l.capacity) / BigInt(Math.max(l.window, 1));
    const used = item.lastUsed > refill ? item.lastUsed - refill : 0n;
    return { used, available: l.capacity > used ? l.capacity - used : 0n };
  }

  /** FundManagerBase._reserved: stablecoin units owed to pending requests, rounded up. */
  reservedLiquidity(at = this.state.index): bigint {
    const coin = this.state.manager.coin;
    if (coin.pendingShares === 0n) return 0n;
    const value = toAmount(coin.pendingShares, at);
    return value === 0n ? 0n : (value - 1n) / this.scaleOf(coin) + 1n;
  }

  /** FundManagerBase._payout: value of the escrow (down), gross stablecoins (down), fee (up), net. */
  payout(r: RedemptionRequest, index = this.state.index) {
    const coin = this.state.manager.coin;
    const value = toAmount(r.shares, index);
    const gross = value / this.scaleOf(coin);
    const fee = feeUp(gross, this.state.manager.redemptionFeeBps);
    return { value, gross, fee, net: gross - fee };
  }

  /** Requests of `investor` (or every request) in one of the given statuses, by id. */
  requestIds(statuses: number[], investor?: string): number[] {
    return [...this.state.manager.requests.entries()]
      .filter(([, r]) => statuses.includes(r.status) && (investor === undefined || r.investor === investor))
      .map(([id]) => id)
      .sort((a, b) => a - b);
  }

  /** FundManager.subscribe by `wallet`: returns the tokens minted. */
  subscribe(wallet: string, stablecoin: string, amount: bigint, minTokensOut: bigint) {
    return this.tx((m) => m.subscribeFor(wallet, wallet, stablecoin, amount, minTokensOut));
  }

  /**
   * FundManagerBase._subscribe for `wallet`, the stablecoins paid by `payer` (the wallet itself, or issue 19's
   * entry point, which took them from its caller first).
   */
  private subscribeFor(
    wallet: string,
    payer: string,
    stablecoin: string,
    amount: bigint,
    minTokensOut: bigint,
  ) {
    {
      const m = this;
      const g = m.state.manager;
      if (g.subscriptionsPaused) refuse("SubscriptionsPaused");
      const coin = m.acceptedCoin(stablecoin);
      if (amount === 0n || amount > MAX_UINT128) refuse("InvalidAmount", amount);
      const pricedAt = m.syncNavForIssuance();
      const scale = m.scaleOf(coin);
      const fee = feeUp(amount, g.subscriptionFeeBps);
      const net = amount - fee;
      const tokens = carriedTokens(net * scale, g.navCarryRateBps, m.state.now - pricedAt);
      if (tokens < minTokensOut) refuse("InsufficientOutput", tokens, minTokensOut);
      const index = m.state.index;
      const usd = amount * scale;
      // _checkInvestor
      if (!m.isVerified(wallet) || m.isProtocol(wallet)) refuse("NotAnInvestor", wallet);
      const identity = m.identityOf(wallet);
      const held = m.investor(identity).shares;
      if (held === 0n) {
        if (usd < g.minFirstInvestment) refuse("BelowMinFirstInvestment", usd, g.minFirstInvestment);
      } else if (usd < g.minTopUp) refuse("BelowMinTopUp", usd, g.minTopUp);
      const position = toAmount(held + toSharesDown(tokens, index), index);
      if (position > g.maxPerInvestor) refuse("MaxPerInvestorExceeded", identity, position, g.maxPerInvestor);
      // _consumeSubscriptionLimits
      const mine = m.bucket(g.subscriptionPerInvestor, identity).available;
      if (usd > mine) refuse("InvestorSubscriptionLimitExceeded", identity, usd, mine);
      const all = m.bucket(g.subscriptionGlobal, GLOBAL_KEY).available;
      if (usd > all) refuse("GlobalSubscriptionLimitExceeded", usd, all);
      m.consume(g.subscriptionPerInvestor, identity, usd);
      m.consume(g.subscriptionGlobal, GLOBAL_KEY, usd);
      // _collect: the fee, then what tops the buffer up (after what the queue is owed), then the custodian's part.
      const wanted = m.reservedLiquidity(index) + coin.bufferTarget;
      const balance = m.usdcOf(g.address);
      const toBuffer = balance < wanted ? (wanted - balance < net ? wanted - balance : net) : 0n;
      m.usdcMove(payer, g.feeRecipient, fee);
      m.usdcMove(payer, g.address, toBuffer);
      m.usdcMove(payer, g.custodian, net - toBuffer);
      m.issue(wallet, tokens);
      return tokens;
    }
  }

  /**
   * FundManager.requestRedemption by `wallet` (which approved the manager on the token): returns the queued
   * request's id, or 0 when paid at once.
   */
  requestRedemption(wallet: string, tokenAmount: bigint, stablecoin: string, minOut: bigint) {
    return this.tx((m) => {
      const g = m.state.manager;
      if (g.redemptionsPaused) refuse("RedemptionsPaused");
      const coin = m.acceptedCoin(stablecoin);
      if (tokenAmount === 0n || tokenAmount > MAX_UINT128) refuse("InvalidAmount", tokenAmount);
      // Sanctioned holders are refused whatever the compliance's sanctions switch.
      if (m.sanctionedWallet(wallet)) refuse("WalletSanctioned", wallet);
      // No feed refuses a request: the NAV is applied when it can be; otherwise the request is queued.
      const priced = m.trySyncNav();
      const gross = tokenAmount / m.scaleOf(coin);
      const fee = feeUp(gross, g.redemptionFeeBps);
      const net = gross - fee;
      if (net === 0n) refuse("RedemptionTooSmall", tokenAmount);
      if (net < minOut) refuse("InsufficientOutput", net, minOut);
      if (priced && g.instantRedemption && m.tryInstant(wallet, tokenAmount, gross)) {
        m.spendAndTransfer(g.address, wallet, g.address, tokenAmount);
        m.destroy(g.address, tokenAmount);
        m.usdcMove(g.address, wallet, net);
        m.usdcMove(g.address, g.feeRecipient, fee);
        return 0n;
      }
      const before = m.account(g.address).shares;
      m.spendAndTransfer(g.address, wallet, g.address, tokenAmount);
      const shares = m.account(g.address).shares - before;
      const id = g.queue.tail;
      g.requests.set(id, {
        investor: wallet,
        requestedAt: m.state.now,
        coinId: coin.id,
        status: REQUEST.Pending,
        shares,
        minOut,
      });
      g.queue.tail += 1;
      g.queue.pendingCount += 1;
      g.escrow.pendingShares += shares;
      coin.pendingShares += shares;
      return BigInt(id);
    });
  }

  /** FundManager.cancelRedemption by `caller`: returns the tokens given back. */
  cancelRedemption(caller: string, requestId: bigint) {
    return this.tx((m) => {
      const g = m.state.manager;
      const r = m.requestIn(requestId, REQUEST.Pending, REQUEST.Held);
      if (r.investor !== caller) refuse("NotRequestOwner", requestId, caller, r.investor);
      if (r.status === REQUEST.Pending) {
        g.queue.pendingCount -= 1;
        g.escrow.pendingShares -= r.shares;
        g.coin.pendingShares -= r.shares;
      } else {
        g.queue.heldCount -= 1;
        g.escrow.heldShares -= r.shares;
      }
      r.status = REQUEST.Cancelled;
      return m.moveShares(g.address, caller, r.shares);
    });
  }

  /** FundManager.settleRedemptions (TRANSFER_AGENT): returns the number of requests paid. */
  settleRedemptions(count: bigint) {
    return this.tx((m) => {
      const g = m.state.manager;
      if (g.redemptionsPaused) refuse("RedemptionsPaused");
      if (count === 0n) refuse("ZeroCount");
      const q = g.queue;
      if (q.head === q.tail) refuse("QueueEmpty");
      m.syncNavForPayout();
      const index = m.state.index;
      const end = BigInt(q.tail - q.head) > count ? q.head + Number(count) : q.tail;
      let burnShares = 0n;
      let settled = 0n;
      let held = 0n;
      // First in, first out per stablecoin: once a coin is short, its later requests wait.
      const shortCoins = new Set<number>();
      let firstShort: [string, bigint, bigint] | undefined;
      let firstOpen = 0;
      let id = q.head;
      for (; id < end; id++) {
        const r = g.requests.get(id) ?? internal(`request ${id} missing below the tail`);
        if (r.status !== REQUEST.Pending) continue;
        if (!shortCoins.has(r.coinId)) {
          const outcome = m.settleQueued(r, index);
          if (outcome !== "short") {
            q.pendingCount -= 1;
            g.escrow.pendingShares -= r.shares;
            if (outcome === "paid") {
              settled += 1n;
              burnShares += r.shares;
            } else {
              held += 1n;
              q.heldCount += 1;
              g.escrow.heldShares += r.shares;
            }
            continue;
          }
          shortCoins.add(r.coinId);
          firstShort ??= [g.coin.address, m.usdcOf(g.address), m.payout(r, index).gross];
        }
        if (firstOpen === 0) firstOpen = id;
      }
      if (settled === 0n && held === 0n && firstShort) refuse("InsufficientLiquidity", ...firstShort);
      q.head = firstOpen === 0 ? id : firstOpen;
      if (burnShares !== 0n) m.burnEscrow(burnShares, index);
      return settled;
    });
  }

  /** FundManagerAdmin.settleHeld (TRANSFER_AGENT). */
  settleHeld(requestIds: bigint[]) {
    return this.tx((m) => {
      const g = m.state.manager;
      if (g.redemptionsPaused) refuse("RedemptionsPaused");
      m.syncNavForPayout();
      const index = m.state.index;
      let burnShares = 0n;
      for (const id of requestIds) {
        const r = m.requestIn(id, REQUEST.Held, REQUEST.Held);
        let reason = m.holdReason(r.investor);
        const p = m.payout(r, index);
        if (reason === HOLD.None && p.net < r.minOut) reason = HOLD.BelowMinOut;
        if (reason !== HOLD.None) refuse("RequestStillBlocked", id, reason);
        const balance = m.usdcOf(g.address);
        if (balance < p.gross) refuse("InsufficientLiquidity", g.coin.address, balance, p.gross);
        m.usdcMove(g.address, m.payeeOf(r), p.net);
        r.status = REQUEST.Settled;
        m.usdcMove(g.address, g.feeRecipient, p.fee);
        m.bookClaim(r, p);
        g.queue.heldCount -= 1;
        g.escrow.heldShares -= r.shares;
        burnShares += r.shares;
      }
      if (burnShares !== 0n) m.burnEscrow(burnShares, index);
    });
  }

  /** FundManagerAdmin.holdRequest (TRANSFER_AGENT): a pending request set aside, reason TransferAgent. */
  holdRequest(requestId: bigint) {
    return this.tx((m) => {
      const g = m.state.manager;
      const r = m.requestIn(requestId, REQUEST.Pending, REQUEST.Pending);
      r.status = REQUEST.Held;
      g.queue.pendingCount -= 1;
      g.queue.heldCount += 1;
      g.escrow.pendingShares -= r.shares;
      g.escrow.heldShares += r.shares;
      g.coin.pendingShares -= r.shares;
    });
  }

  /**
   * Tokens a subscription paying `amount` of the stablecoin at `at` would get, as {subscribe} prices them: the
   * latest NAV round applied first (when newer), then the carry from it (callers use it for `minTokensOut`).
   */
  subscriptionTokens(amount: bigint, at = this.state.now): bigint {
    const s = this.state;
    const g = s.manager;
    const pricedAt = Math.max(s.appliedNav.updatedAt, s.navFeed.latest.updatedAt);
    const value = (amount - feeUp(amount, g.subscriptionFeeBps)) * this.scaleOf(g.coin);
    return carriedTokens(value, g.navCarryRateBps, at - pricedAt);
  }

  /** FundManagerAdmin.quoteSubscription: fee and tokens at the applied round, carried to now. */
  quoteSubscription(amount: bigint): [bigint, bigint] {
    const g = this.state.manager;
    const fee = feeUp(amount, g.subscriptionFeeBps);
    const tokens = carriedTokens(
      (amount - fee) * this.scaleOf(g.coin),
      g.navCarryRateBps,
      this.state.now - this.state.appliedNav.updatedAt,
    );
    return [fee, tokens];
  }

  /** FundManagerAdmin.releaseHeld (TRANSFER_AGENT): returns the tokens moved. */
  releaseHeld(requestId: bigint, to: string) {
    return this.tx((m) => {
      const g = m.state.manager;
      const r = m.requestIn(requestId, REQUEST.Held, REQUEST.Held);
      r.status = REQUEST.Released;
      g.queue.heldCount -= 1;
      g.escrow.heldShares -= r.shares;
      return m.moveShares(g.address, to, r.shares);
    });
  }

  /** FundManagerAdmin.withdrawToCustodian (TRANSFER_AGENT): free liquidity at the token's current index. */
  withdrawToCustodian(stablecoin: string, amount: bigint) {
    return this.tx((m) => {
      const g = m.state.manager;
      const coin = m.coinAt(stablecoin);
      if (coin.id === 0) refuse("InvalidStablecoin", stablecoin);
      if (amount === 0n) refuse("InvalidAmount", amount);
      const balance = m.usdcOf(g.address);
      const reserved = m.reservedLiquidity();
      const free = balance > reserved ? balance - reserved : 0n;
      if (amount > free) refuse("InsufficientLiquidity", stablecoin, free, amount);
      m.usdcMove(g.address, g.custodian, amount);
    });
  }

  /** pauseSubscriptions / pauseRedemptions (GUARDIAN) and their unpause (ISSUER): no-ops when already so. */
  setFlowPaused(flow: "subscription" | "redemption", paused: boolean) {
    return this.tx((m) => {
      if (flow === "subscription") m.state.manager.subscriptionsPaused = paused;
      else m.state.manager.redemptionsPaused = paused;
    });
  }

  /** The stablecoin's transfer (ERC-20) by `from`, e.g. the custodian funding the manager. */
  usdcTransfer(from: string, to: string, amount: bigint) {
    return this.tx((m) => {
      if (to === ZERO_ADDRESS) refuse("ERC20InvalidReceiver", ZERO_ADDRESS);
      m.usdcMove(from, to, amount, true);
    });
  }

  /** The mock stablecoin's mint (its owner, the deployer): the only way the stablecoin's supply changes. */
  usdcMint(to: string, amount: bigint) {
    return this.tx((m) => {
      if (to === ZERO_ADDRESS) refuse("ERC20InvalidReceiver", ZERO_ADDRESS);
      const u = m.state.usdc;
      u.totalSupply += amount;
      if (u.totalSupply >= U256) refuse("Panic", 0x11n);
      u.balances.set(to, m.usdcOf(to) + amount);
    });
  }

  // ------------------------------------------------------------------------------------- manager internals

  private acceptedCoin(stablecoin: string): Coin {
    const coin = this.coinAt(stablecoin);
    if (!coin.enabled) refuse("StablecoinNotEnabled", stablecoin);
    return coin;
  }

  /** NavOracle.latestNav's staleness check (the publisher's rounds are otherwise always usable). */
  private requireFreshNav() {
    const s = this.state;
    const f = s.navFeed.latest;
    if (s.now - f.updatedAt > s.navOracle.maxAge)
      refuse("NavStale", f.roundId, BigInt(f.updatedAt), BigInt(s.navOracle.maxAge), BigInt(s.now));
  }

  /**
   * FundManagerBase._syncNavForIssuance: the latest round must be fresh, and applied if newer than the applied
   * one (a blocked accrual refuses); returns the applied round's timestamp.
   */
  private syncNavForIssuance(): number {
    this.requireFreshNav();
    const s = this.state;
    const f = s.navFeed.latest;
    if (f.updatedAt > s.appliedNav.updatedAt && !this.applyNav())
      refuse("NavAccrualBlocked", f.roundId, BigInt(f.updatedAt));
    return s.appliedNav.updatedAt;
  }

  /** FundManagerBase._syncNavForPayout: fresh, applied when newer; a blocked accrual proceeds at the old index. */
  private syncNavForPayout() {
    this.requireFreshNav();
    const s = this.state;
    if (s.navFeed.latest.updatedAt > s.appliedNav.updatedAt) this.applyNav();
  }

  /**
   * FundManagerBase._trySyncNav: never refuses. False when the oracle refuses its latest round or the accrual
   * reverts (the request is then queued); true otherwise, a blocked accrual included. (applyNav refuses before it
   * changes anything, so a caught refusal leaves the state as it was.)
   */
  private trySyncNav(): boolean {
    const s = this.state;
    const f = s.navFeed.latest;
    if (s.now - f.updatedAt > s.navOracle.maxAge) return false;
    if (f.updatedAt <= s.appliedNav.updatedAt) return true;
    try {
      this.applyNav();
      return true;
    } catch (e) {
      if (e instanceof Refusal) return false;
      throw e;
    }
  }

  /** RateLimiter.tryConsume, once the caller checked the quantity is available. */
  private consume(l: Limiter, key: string, quantity: bigint) {
    if (quantity === 0n) return;
    const { used, available } = this.bucket(l, key);
    if (quantity > available) internal(`consuming ${quantity} of ${available}`);
    l.items.set(key, { lastUsed: used + quantity, lastTimepoint: this.state.now });
  }

  /**
   * An ERC-20 transfer of the stablecoin (OpenZeppelin: the balance check, then the move). The manager skips
   * zero legs (`_pull`, the fee); `always` moves zero amounts too (a plain `transfer`).
   */
  private usdcMove(from: string, to: string, amount: bigint, always = false) {
    if (amount === 0n && !always) return;
    const b = this.usdcOf(from);
    if (b < amount) refuse("ERC20InsufficientBalance", from, b, amount);
    const balances = this.state.usdc.balances;
    balances.set(from, b - amount);
    balances.set(to, this.usdcOf(to) + amount);
  }

  /** FundManager._tryInstant: the free balance covers `gross` and both daily limits allow; consumes them. */
  private tryInstant(wallet: string, tokenAmount: bigint, gross: bigint): boolean {
    const g = this.state.manager;
    if (this.usdcOf(g.address) < this.reservedLiquidity() + gross) return false;
    if (this.bucket(g.redemptionGlobal, GLOBAL_KEY).available < tokenAmount) return false;
    const identity = this.identityOf(wallet);
    if (this.bucket(g.redemptionPerInvestor, identity).available < tokenAmount) return false;
    this.consume(g.redemptionPerInvestor, identity, tokenAmount);
    this.consume(g.redemptionGlobal, GLOBAL_KEY, tokenAmount);
    return true;
  }

  /** FundManagerBase._requestIn. */
  private requestIn(requestId: bigint, a: number, b: number): RedemptionRequest {
    const r =
      requestId <= BigInt(Number.MAX_SAFE_INTEGER)
        ? this.state.manager.requests.get(Number(requestId))
        : undefined;
    const status = r?.status ?? REQUEST.None;
    if (status !== a && status !== b) refuse("InvalidRequestStatus", requestId, status);
    return r!;
  }

  /** FundManagerBase._holdReason. */
  private holdReason(investor: string): number {
    if (!this.isVerified(investor)) return HOLD.NotVerified;
    if (this.account(investor).frozen) return HOLD.Frozen;
    if (this.sanctionedWallet(investor)) return HOLD.Sanctioned;
    return HOLD.None;
  }

  /** FundManager._settleQueued: paid, held, or (balance short) left pending. */
  private settleQueued(r: RedemptionRequest, index: bigint): "paid" | "held" | "short" {
    const g = this.state.manager;
    let reason = this.holdReason(r.investor);
    const p = this.payout(r, index);
    if (reason === HOLD.None && p.net < r.minOut) reason = HOLD.BelowMinOut;
    if (reason === HOLD.None) {
      const balance = this.usdcOf(g.address);
      if (balance < p.gross) return "short";
      // trySafeTransfer: the mock stablecoin never refuses a covered transfer to a non-zero address.
      this.usdcMove(g.address, this.payeeOf(r), p.net);
    }
    g.coin.pendingShares -= r.shares;
    if (reason !== HOLD.None) {
      r.status = REQUEST.Held;
      return "held";
    }
    r.status = REQUEST.Settled;
    this.usdcMove(g.address, g.feeRecipient, p.fee);
    this.bookClaim(r, p);
    return "paid";
  }

  /** FundManagerBase._burnEscrow: burns the escrow's value (down); at most one share of dust stays. */
  private burnEscrow(shares: bigint, index: bigint) {
    const amount = toAmount(shares, index);
    if (amount !== 0n) this.destroy(this.state.manager.address, amount);
  }

  // ============================================================================ issue 19: the ERC-7575 entry point
  //
  // FundVault (contracts/fund/vaults/) for the USDC and the manager's side of it (FundManagerVaults): synchronous
  // subscriptions paid by the caller or an ERC-7540 controller, ERC-7540 redemption requests of an owner's tokens
  // controlled by a controller, claims of what the settlement paid into the vault, ERC-7887 cancellations. Every
  // rule is the manager's and the token's, applied to the owner, the controller, the receiver and the payer.

  /** FundManagerBase._payee: the investor, or the entry point for a request made through it. */
  private payeeOf(r: RedemptionRequest): string {
    return r.viaVault ? this.state.manager.vault.address : r.investor;
  }

  /** FundManagerBase._settled: a settled vault request credits its controller's claim in the vault. */
  private bookClaim(r: RedemptionRequest, p: { value: bigint; net: bigint }) {
    if (!r.viaVault) return;
    const c = this.claimOf(r.investor);
    c.settled += p.value;
    c.assets += p.net;
  }

  /** The claim account of `controller` in the entry point (created empty). */
  claimOf(controller: string) {
    const claims = this.state.manager.vault.claims;
    let c = claims.get(controller);
    if (!c) {
      c = { settled: 0n, claimed: 0n, assets: 0n };
      claims.set(controller, c);
    }
    return c;
  }

  /** FundVault._authorize: the caller is `account` or an operator it approved (ERC-7540). */
  private authorizeVault(caller: string, account: string) {
    if (caller !== account && !this.state.manager.vault.operators.has(`${account}|${caller}`))
      refuse("UnauthorizedCaller", caller, account);
  }

  /** FundManagerBase._requirePayable. */
  private requirePayable(wallet: string) {
    const reason = this.holdReason(wallet);
    if (reason !== HOLD.None) refuse("IneligibleWallet", wallet, reason);
  }

  /** FundVault.setOperator by `caller`. */
  setOperator(caller: string, operator: string, approved: boolean) {
    return this.tx((m) => {
      const ops = m.state.manager.vault.operators;
      if (approved) ops.add(`${caller}|${operator}`);
      else ops.delete(`${caller}|${operator}`);
    });
  }

  /**
   * FundVault.deposit(assets, receiver) by `caller`, or its ERC-7540 overload with `controller` paying (the caller
   * being it or its operator): the stablecoins go from the payer to the vault, then the manager's subscribeFor.
   */
  vaultDeposit(caller: string, assets: bigint, receiver: string, controller?: string) {
    return this.tx((m) => {
      const v = m.state.manager.vault;
      if (controller !== undefined) m.authorizeVault(caller, controller);
      const payer = controller ?? caller;
      // The vault's safeTransferFrom (the investors approved it without limit).
      const balance = m.usdcOf(payer);
      if (balance < assets) refuse("ERC20InsufficientBalance", payer, balance, assets);
      m.usdcMove(payer, v.address, assets);
      // FundManagerVaults.subscribeFor: a payer other than the investor must be payable.
      if (payer !== receiver) m.requirePayable(payer);
      return m.subscribeFor(receiver, v.address, m.state.manager.coin.address, assets, 0n);
    });
  }

  /**
   * FundVault.requestRedeem(shares, controller, owner) by `caller`: the owner's own request, an operator's (no
   * allowance), or a spender's ERC-20 allowance; the manager's requestRedemptionFor. Returns the request id.
   */
  vaultRequestRedeem(caller: string, shares: bigint, controller: string, owner: string) {
    return this.tx((m) => {
      const g = m.state.manager;
      const spender = owner === caller || g.vault.operators.has(`${owner}|${caller}`) ? owner : caller;
      // FundManagerBase._redemption on the owner (no minimum payout).
      if (g.redemptionsPaused) refuse("RedemptionsPaused");
      const coin = m.acceptedCoin(g.coin.address);
      if (shares === 0n || shares > MAX_UINT128) refuse("InvalidAmount", shares);
      if (m.sanctionedWallet(owner)) refuse("WalletSanctioned", owner);
      const gross = shares / m.scaleOf(coin);
      if (gross - feeUp(gross, g.redemptionFeeBps) === 0n) refuse("RedemptionTooSmall", shares);
      m.requirePayable(controller);
      // FundToken.escrowFrom(spender, owner, shares): a holder transfer into the manager's escrow.
      const before = m.account(g.address).shares;
      if (spender !== owner) m.spendAndTransfer(spender, owner, g.address, shares);
      else m.holderTransfer(owner, g.address, shares);
      const moved = m.account(g.address).shares - before;
      const id = g.queue.tail;
      g.requests.set(id, {
        investor: controller,
        requestedAt: m.state.now,
        coinId: coin.id,
        status: REQUEST.Pending,
        shares: moved,
        minOut: 0n,
        viaVault: true,
      });
      g.queue.tail += 1;
      g.queue.pendingCount += 1;
      g.escrow.pendingShares += moved;
      coin.pendingShares += moved;
      return BigInt(id);
    });
  }

  /** FundVault.redeem(shares, receiver, controller) by `caller`: returns the stablecoins paid. */
  vaultRedeem(caller: string, shares: bigint, receiver: string, controller: string) {
    return this.tx((m) => {
      const g = m.state.manager;
      m.authorizeVault(caller, controller);
      if (g.redemptionsPaused) refuse("RedemptionsPaused");
      m.requirePayable(controller);
      m.requirePayable(receiver);
      const c = m.claimOf(controller);
      const claimable = c.settled - c.claimed;
      if (shares === 0n || shares > claimable) refuse("ClaimExceedsClaimable", controller, shares, claimable);
      const assets = shares === claimable ? c.assets : (shares * c.assets) / claimable;
      if (assets === 0n) refuse("RedemptionTooSmall", shares);
      c.claimed += shares;
      c.assets -= assets;
      m.usdcMove(g.vault.address, receiver, assets);
      return assets;
    });
  }

  /** FundVault.cancelRedeemRequest(id, controller) by `caller` (ERC-7887, synchronous). */
  vaultCancel(caller: string, requestId: bigint, controller: string) {
    return this.tx((m) => {
      const g = m.state.manager;
      m.authorizeVault(caller, controller);
      const r = m.vaultRequestIn(requestId, controller, REQUEST.Pending, REQUEST.Held);
      if (r.status === REQUEST.Pending) {
        g.queue.pendingCount -= 1;
        g.escrow.pendingShares -= r.shares;
        g.coin.pendingShares -= r.shares;
      } else {
        g.queue.heldCount -= 1;
        g.escrow.heldShares -= r.shares;
      }
      r.status = REQUEST.CancelClaimable;
      g.vault.cancelledShares += r.shares;
    });
  }

  /** FundVault.claimCancelRedeemRequest(id, receiver, controller) by `caller`: returns the tokens moved. */
  vaultClaimCancel(caller: string, requestId: bigint, receiver: string, controller: string) {
    return this.tx((m) => {
      const g = m.state.manager;
      m.authorizeVault(caller, controller);
      const r = m.vaultRequestIn(requestId, controller, REQUEST.CancelClaimable, REQUEST.CancelClaimable);
      r.status = REQUEST.Cancelled;
      g.vault.cancelledShares -= r.shares;
      return m.moveShares(g.address, receiver, r.shares);
    });
  }

  /** FundManagerVaults._vaultRequestIn: in one of two states, made through the vault, of `controller`. */
  private vaultRequestIn(requestId: bigint, controller: string, a: number, b: number): RedemptionRequest {
    const r = this.requestIn(requestId, a, b);
    if (!r.viaVault) refuse("NotRequestVault", requestId, this.state.manager.vault.address);
    if (r.investor !== controller) refuse("NotRequestOwner", requestId, controller, r.investor);
    return r;
  }
}

/** Basis points x seconds per year: the carry's denominator (FundManagerBase._CARRY_DENOMINATOR). */
const CARRY_DENOMINATOR = FundManagerBase._CARRY_DENOMINATOR;

/** FundManagerBase._carriedTokens: `value` USD priced `elapsed` seconds after the applied round, rounded down. */
export function carriedTokens(value: bigint, rateBps: bigint, elapsed: number): bigint {
  const carry = rateBps * BigInt(elapsed);
  return carry === 0n ? value : (value * CARRY_DENOMINATOR) / (CARRY_DENOMINATOR + carry);
}

/** FundManagerBase._feeUp: a fee in basis points, rounded up. */
export function feeUp(amount: bigint, bps: bigint): bigint {
  const product = amount * bps;
  return product === 0n ? 0n : (product - 1n) / BPS + 1n;
}
