/**
 * Issue 18 (docs/MULTICHAIN.md): the part of a fund config that describes one fund across networks, and its
 * validator. Every chain names its CCIP contracts and fee mode; every lane (home <-> satellite) its rate limits, in
 * whole tokens, per direction. The validator refuses an inconsistent deployment before anything is sent: a chain
 * twice, a satellite on the home chain's selector, a missing address, LINK fees without a LINK token, a rate above
 * its capacity (Chainlink's RateLimiter refuses it), and a pair whose sending side may send more than the receiving
 * side accepts (a transfer the source let through would then wait at the destination's rate limit).
 */
import { getAddress, isAddress, parseUnits } from "ethers";

/** A token bucket, in whole tokens (capacity) and tokens per second (rate); null when off. */
export interface BucketConfig {
  capacity: string;
  ratePerSecond: string;
}

export interface ChainConfig {
  /** Hardhat network name of the chain. */
  network: string;
  /** CCIP chain selector (decimal string). */
  chainSelector: string;
  router: string;
  rmnProxy: string;
  tokenAdminRegistry: string;
  registryModuleOwnerCustom: string;
  /** How the relay and the returns pay CCIP: native currency or LINK. */
  fees: "native" | "link";
  linkToken?: string;
}

export interface LaneConfig {
  /** Home -> satellite: the home pool's outbound and the satellite pool's inbound bucket. */
  toSatellite: BucketConfig | null;
  /** Satellite -> home: the satellite pool's outbound and the home pool's inbound bucket. */
  toHome: BucketConfig | null;
}

/** An address, or on local networks a Hardhat account index (lib/config/types.ts AccountRef). */
export type ChainAccount = string | { account: number };

/**
 * What the deploy scripts deploy on a satellite (lib/deploy/multichain-deploy.ts): the token's name and symbol,
 * the KYC validity of its registry, its compliance rules (RULES flags; sanctions at least), and the holders of its
 * AccessManager's roles (the issuer's governance on that chain: ADMIN, hence `getCCIPAdmin()`, goes to `admin`),
 * with the delays of ADMIN and ISSUER.
 */
export interface SatelliteDeployment {
  name: string;
  symbol: string;
  kycValiditySeconds: number;
  rules: number;
  roles: {
    admin: ChainAccount;
    issuer: ChainAccount;
    transferAgent: ChainAccount;
    guardian: ChainAccount;
  };
  delays: { admin: number; issuer: number };
}

export interface SatelliteConfig extends ChainConfig {
  /** The satellite pool's limits; the home pool's limits for this lane are the same numbers. */
  lane: LaneConfig;
  /** Inbound limits of the receiving side, when they differ from the sending side's (each >= the sender's). */
  inbound?: Partial<LaneConfig>;
  /** What the deploy scripts deploy there; required in a fund config (`FundConfig.multichain`). */
  deployment?: SatelliteDeployment;
}

export interface MultichainConfig {
  home: ChainConfig;
  satellites: SatelliteConfig[];
}

/** A rate-limit bucket as Chainlink's TokenPool takes it (18 decimals). */
export interface RateLimiterConfig {
  isEnabled: boolean;
  capacity: bigint;
  rate: bigint;
}

export function bucket(b: BucketConfig | null | undefined): RateLimiterConfig {
  if (!b) return { isEnabled: false, capacity: 0n, rate: 0n };
  return { isEnabled: true, capacity: parseUnits(b.capacity, 18), rate: parseUnits(b.ratePerSecond, 18) };
}

function chainProblems(where: string, c: ChainConfig): string[] {
  const out: string[] = [];
  if (!c.network) out.push(`${where}: network is empty`);
  if (!/^[1-9][0-9]*$/.test(c.chainSelector ?? "") || BigInt(c.chainSelector) >= 1n << 64n)
    out.push(`${where}: chainSelector ${c.chainSelector} is not a 64-bit decimal number`);
  for (const field of ["router", "rmnProxy", "tokenAdminRegistry", "registryModuleOwnerCustom"] as const) {
    const v = c[field];
    if (!v || !isAddress(v) || BigInt(v) === 0n)
      out.push(`${where}: ${field} ${v} is not a non-zero address`);
  }
  if (c.fees !== "native" && c.fees !== "link") out.push(`${where}: fees must be "native" or "link"`);
  if (c.fees === "link" && (!c.linkToken || !isAddress(c.linkToken)))
    out.push(`${where}: fees in LINK need linkToken`);
  return out;
}

function bucketProblems(where: string, b: BucketConfig | null | undefined): string[] {
  if (!b) return [];
  const r = bucket(b);
  if (r.capacity === 0n) return [`${where}: capacity 0 (use null to switch the limit off)`];
  // Chainlink's RateLimiter (1.6.2) refuses an enabled bucket whose rate is above its capacity.
  if (r.rate > r.capacity) return [`${where}: rate ${b.ratePerSecond}/s above capacity ${b.capacity}`];
  return [];
}

/** The receiving side must accept at least what the sending side lets through (capacity and rate). */
function pairProblems(
  where: string,
  send: BucketConfig | null,
  receive: BucketConfig | null | undefined,
): string[] {
  if (receive === undefined) return [];
  const s = bucket(send);
  const r = bucket(receive);
  if (!r.isEnabled) return [];
  if (!s.isEnabled) return [`${where}: the receiving side is limited but the sending side is not`];
  if (r.capacity < s.capacity || r.rate < s.rate)
    return [
      `${where}: the receiving side accepts less (${receive!.capacity}, ${receive!.ratePerSecond}/s) than the sending side sends (${send!.capacity}, ${send!.ratePerSecond}/s)`,
    ];
  return [];
}

/** Every problem of a multichain config (empty when it is consistent). */
export function multichainProblems(cfg: MultichainConfig): string[] {
  const out = chainProblems("home", cfg.home);
  if (!cfg.satellites || cfg.satellites.length === 0) out.push("satellites: none");
  const selectors = new Map<string, string>([[cfg.home.chainSelector, "home"]]);
  const networks = new Map<string, string>([[cfg.home.network, "home"]]);
  for (const [i, s] of (cfg.satellites ?? []).entries()) {
    const where = `satellites[${i}] (${s.network})`;
    out.push(...chainProblems(where, s));
    const sel = selectors.get(s.chainSelector);
    if (sel) out.push(`${where}: chainSelector ${s.chainSelector} is already ${sel}'s`);
    selectors.set(s.chainSelector, where);
    const net = networks.get(s.network);
    if (net) out.push(`${where}: network ${s.network} is already ${net}'s`);
    networks.set(s.network, where);
    out.push(...bucketProblems(`${where} lane.toSatellite`, s.lane?.toSatellite));
    out.push(...bucketProblems(`${where} lane.toHome`, s.lane?.toHome));
    out.push(...bucketProblems(`${where} inbound.toSatellite`, s.inbound?.toSatellite));
    out.push(...bucketProblems(`${where} inbound.toHome`, s.inbound?.toHome));
    out.push(
      ...pairProblems(`${where} home -> satellite`, s.lane?.toSatellite ?? null, s.inbound?.toSatellite),
    );
    out.push(...pairProblems(`${where} satellite -> home`, s.lane?.toHome ?? null, s.inbound?.toHome));
  }
  return out;
}

function accountProblems(where: string, v: unknown): string[] {
  if (typeof v === "string")
    return isAddress(v) && BigInt(v) !== 0n ? [] : [`${where}: ${v} is not a non-zero address`];
  if (v && typeof v === "object" && Number.isInteger((v as { account: unknown }).account)) return [];
  return [`${where}: must be an address or { account: index }`];
}

/** Problems of the satellites' deployment sections (a fund config must describe what to deploy on each). */
export function deploymentProblems(cfg: MultichainConfig): string[] {
  const out: string[] = [];
  for (const [i, s] of (cfg.satellites ?? []).entries()) {
    const where = `satellites[${i}] (${s.network}) deployment`;
    const d = s.deployment;
    if (!d) {
      out.push(`${where}: missing (token name and symbol, KYC validity, rules, role holders, delays)`);
      continue;
    }
    if (!d.name) out.push(`${where}.name: empty`);
    if (!/^[^\s]{1,11}$/.test(d.symbol ?? "")) out.push(`${where}.symbol: 1 to 11 characters without spaces`);
    if (!Number.isInteger(d.kycValiditySeconds) || d.kycValiditySeconds <= 0)
      out.push(`${where}.kycValiditySeconds: a positive integer`);
    if (!Number.isInteger(d.rules) || d.rules < 0 || d.rules > 0xffff)
      out.push(`${where}.rules: RULES flags (a 16-bit integer)`);
    for (const r of ["admin", "issuer", "transferAgent", "guardian"] as const)
      out.push(...accountProblems(`${where}.roles.${r}`, d.roles?.[r]));
    for (const r of ["admin", "issuer"] as const) {
      const v = d.delays?.[r];
      if (!Number.isInteger(v) || (v as number) < 0)
        out.push(`${where}.delays.${r}: seconds, an integer >= 0`);
    }
    if (d.delays && d.delays.admin < d.delays.issuer)
      out.push(`${where}.delays.admin: must be >= the issuer delay (${d.delays.issuer})`);
  }
  return out;
}

/** Validates a multichain config: returns it with checksummed addresses, or throws every problem at once. */
export function validateMultichain(cfg: MultichainConfig): MultichainConfig {
  const problems = multichainProblems(cfg);
  if (problems.length > 0) throw new Error(`multichain config:\n- ${problems.join("\n- ")}`);
  const fix = <T extends ChainConfig>(c: T): T => ({
    ...c,
    router: getAddress(c.router),
    rmnProxy: getAddress(c.rmnProxy),
    tokenAdminRegistry: getAddress(c.tokenAdminRegistry),
    registryModuleOwnerCustom: getAddress(c.registryModuleOwnerCustom),
    ...(c.linkToken ? { linkToken: getAddress(c.linkToken) } : {}),
  });
  return { home: fix(cfg.home), satellites: cfg.satellites.map(fix) };
}
