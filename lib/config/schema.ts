/**
 * The fund config (./types.ts) as one zod schema: the field types and ranges in the shape, the rules between fields
 * in refinements, the forms only local networks may use from the {@link ValidationContext} the schema is built for.
 * Zod because Hardhat validates its own config with it and its issues carry a path: every problem is reported as
 * `path: message` (./validate.ts). The exported types are the schema's (`z.infer`).
 */
import { z } from "zod";
import { ZeroAddress, formatUnits, getAddress, parseUnits } from "ethers";
import { INVESTOR_CLASS_NAMES, isClassName, type InvestorClassName } from "../classes";
import type { MultichainConfig } from "../deploy/multichain-config";
import { deploymentProblems, multichainProblems } from "../deploy/multichain-config";
import {
  MAX_FLOW_FEE_BPS,
  MAX_GOVERNANCE_DELAY,
  MAX_NAV_CARRY_RATE_BPS,
  REPLACE_ME,
  ROLE_HOLDERS,
  TOKEN_DECIMALS,
  USD_DECIMALS,
  type RoleHolderName,
} from "./types";
import {
  ComplianceBase,
  CcipEndpoint,
  CrossChainAssetEscrow,
  DvPSettlement,
  FeedMath,
  FundTokenBase,
  IdentityRegistry,
  NavOracle,
} from "../generated/contracts";

export interface ValidationContext {
  /** Hardhat network name, e.g. "sepolia". */
  network: string;
  chainId: number;
  /** Whether local-only forms (Hardhat account indexes, mock deployments) are allowed. */
  isLocal: boolean;
  /** Number of Hardhat accounts, to bound account indexes (local networks). */
  accountCount?: number;
}

const UINT16_MAX = 2 ** 16 - 1;
const UINT32_MAX = 2 ** 32 - 1;
const UINT64_MAX = 2n ** 64n - 1n;
const INT192_MAX = 2n ** 191n - 1n;
const UINT96_MAX = 2n ** 96n - 1n;
/** Safe's owner-list sentinel, never a valid owner. */
const SAFE_SENTINEL = "0x0000000000000000000000000000000000000001";
const SYMBOL = /^[A-Za-z0-9.-]{1,11}$/;

type Obj = Record<string, unknown>;
type Path = (string | number)[];

export const isSet = (v: unknown) => v !== undefined && v !== null;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** A value as the messages quote it. */
export function show(v: unknown): string {
  if (v === undefined) return "undefined";
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "number") return String(v);
  return JSON.stringify(v) ?? String(v);
}

/** A zod path as the messages write it: `governance.admin.safe.owners[0]`. */
export function formatPath(path: Path): string {
  return path.reduce<string>((at, k) => (typeof k === "number" ? `${at}[${k}]` : at ? `${at}.${k}` : k), "");
}

// ------------------------------------------------------------------------------------------------ building blocks

/** Schema parameters reporting a value of the wrong type as `message(value)`. */
const wrongType = (message: (v: unknown) => string) => ({
  errorMap: (_: unknown, c: { data: unknown }) => ({ message: message(c.data) }),
});

/** `schema`, and the problem `problem(value)` names, if any. */
function check<S extends z.ZodTypeAny>(
  schema: S,
  problem: (v: z.output<S>) => string | undefined,
): z.ZodEffects<S, z.output<S>, z.input<S>> {
  return schema.superRefine((v, c) => {
    const message = problem(v);
    // Fatal: a later check of the same value (e.g. the chain id's match) only sees a valid value.
    if (message !== undefined) c.addIssue({ code: "custom", message, fatal: true });
  });
}

/** Adds a problem at `path` below the refined value; a `raw` problem is already `path: message`. */
function fail(c: z.RefinementCtx, path: Path, message: string, raw = false): void {
  c.addIssue({ code: "custom", path, message, params: raw ? { raw } : undefined });
}

/** The value when `schema` accepts it, else undefined (a rule between fields compares valid values only). */
function ok<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, v: unknown): T | undefined {
  return isSet(v) && schema.safeParse(v).success ? (v as T) : undefined;
}

/**
 * An object with exactly the shape's keys (and `alsoKnown`, accepted when unset): each unknown key and each missing
 * required key (absent or null; optional ones are `.nullish()`) is reported first, then the fields.
 */
function strict<S extends z.ZodRawShape>(shape: S, known?: string[], alsoKnown: string[] = []) {
  const keys = Object.keys(shape);
  const required = keys.filter((k) => !(shape[k] instanceof z.ZodOptional));
  const expected = known ?? [...required, ...keys.filter((k) => !required.includes(k)), ...alsoKnown];
  return z.preprocess(
    (v, c) => {
      if (!isObj(v)) return v;
      for (const key of Object.keys(v))
        if (!expected.includes(key))
          fail(c, [key], `unknown field (expected one of: ${expected.join(", ")})`);
      for (const key of required) if (!isSet(v[key])) fail(c, [key], "is required");
      return v;
    },
    z.object(
      shape,
      wrongType(() => "must be an object"),
    ),
  );
}

/** `schema` and the rules between its fields, which run on the value as given even when some field is wrong. */
function withRules<T extends z.ZodTypeAny>(schema: T, rules: (v: Obj, c: z.RefinementCtx) => void) {
  return z.intersection(
    schema,
    z.unknown().superRefine((v, c) => {
      if (isObj(v)) rules(v, c);
    }),
  );
}

/** A value of one of several forms: `pick` chooses the schema that checks it (and reports its problems). */
class Forms<T> extends z.ZodType<T> {
  constructor(private readonly pick: (v: unknown) => z.ZodTypeAny) {
    super({});
  }
  _parse(input: z.ParseInput): z.ParseReturnType<T> {
    return this.pick(input.data)._parse(input);
  }
}

/** A list of `item`s. */
const list = <S extends z.ZodTypeAny>(item: S) =>
  z.array(
    item,
    wrongType(() => "must be a list"),
  );

/** A schema refusing every value with `message(value)` (a form no other schema fits). */
const refuse = (message: (v: unknown) => string) => z.never(wrongType(message));

/** Reports every item equal to an earlier one (undefined items are skipped). */
function noDuplicates<T>(
  c: z.RefinementCtx,
  items: (T | undefined)[],
  path: (i: number) => Path,
  base: Path = c.path,
): void {
  const first = new Map<T, number>();
  items.forEach((item, i) => {
    if (item === undefined) return;
    const j = first.get(item);
    if (j === undefined) first.set(item, i);
    else fail(c, path(i), `duplicate of ${formatPath([...base, ...path(j)])}`);
  });
}

// ------------------------------------------------------------------------------------------------ values

const int = (min: number, max: number, note = "") => {
  const message = (v: unknown) => `must be an integer between ${min} and ${max}${note}, got ${show(v)}`;
  return check(z.number(wrongType(message)), (v) =>
    Number.isInteger(v) && v >= min && v <= max ? undefined : message(v),
  );
};

const bool = z.boolean(wrongType((v) => `must be true or false, got ${show(v)}`));

const text = check(z.string(wrongType((v) => `must be a non-empty string, got ${show(v)}`)), (v) =>
  v.trim() === ""
    ? `must be a non-empty string, got ${show(v)}`
    : v.trim() !== v
      ? `must not start or end with spaces, got ${show(v)}`
      : undefined,
);

const symbolMessage = (v: unknown) => `must be 1 to 11 letters, digits, "." or "-", got ${show(v)}`;
const symbol = check(z.string(wrongType(symbolMessage)), (v) =>
  SYMBOL.test(v) ? undefined : symbolMessage(v),
);

/** A 20-byte address as a hex string: non-zero, checksum-valid when mixed-case, not a placeholder. */
const address = check(z.string(wrongType((v) => `must be an address, got ${show(v)}`)), (v) => {
  if (v.startsWith(REPLACE_ME)) {
    const what = v.slice(REPLACE_ME.length).replace(/^[\s:]+/, "");
    return `placeholder to fill in${what ? `: ${what}` : ""}`;
  }
  if (!/^0x[0-9a-fA-F]{40}$/.test(v)) return `not an address: ${show(v)}`;
  try {
    if (getAddress(v) === ZeroAddress) return "must not be the zero address";
  } catch {
    return `invalid EIP-55 checksum: ${show(v)}`;
  }
  return undefined;
});

/** A decimal amount as a string ("1000.50"), with at most `decimals` decimals, parsed to base units. */
function amount(decimals: number, opts: { positive?: boolean; max?: bigint; maxName?: string } = {}) {
  const wrong = (v: unknown) =>
    typeof v === "number"
      ? `must be a decimal string (e.g. "${v}"), not a number`
      : `not a decimal amount: ${show(v)}`;
  return check(z.string(wrongType(wrong)), (v) => {
    if (!/^\d+(\.\d+)?$/.test(v)) return wrong(v);
    if ((v.split(".")[1] ?? "").length > decimals)
      return `has more than ${decimals} decimal places: ${show(v)}`;
    const value = parseUnits(v, decimals);
    if (opts.positive && value === 0n) return "must be > 0";
    if (opts.max !== undefined && value > opts.max)
      return `exceeds ${opts.maxName} (max ${formatUnits(opts.max, decimals)}): ${show(v)}`;
    return undefined;
  });
}
const usd = (positive = true) => amount(USD_DECIMALS, { positive });
const tokens = (positive: boolean) =>
  amount(TOKEN_DECIMALS, { positive, max: UINT96_MAX, maxName: "uint96" });

/** A CCIP chain selector (uint64 > 0) as a decimal string: selectors exceed JavaScript's safe integers. */
const selector = check(
  z.string(
    wrongType((v) =>
      typeof v === "number"
        ? "must be a decimal string, not a number (selectors exceed JavaScript's safe integers)"
        : `must be a CCIP chain selector (a uint64 > 0 as a decimal string), got ${show(v)}`,
    ),
  ),
  (v) =>
    /^\d+$/.test(v) && BigInt(v) > 0n && BigInt(v) <= UINT64_MAX
      ? undefined
      : `must be a CCIP chain selector (a uint64 > 0 as a decimal string), got ${show(v)}`,
);

const investorClass = z.custom<InvestorClassName>(
  (v) => typeof v === "string" && isClassName(v) && v !== "protocol",
  (v) => ({
    fatal: false,
    message:
      v === "protocol"
        ? "protocol accounts are exempt from the class rule; name an investor class"
        : `unknown investor class ${show(v)} (known: ${INVESTOR_CLASS_NAMES.filter((n) => n !== "protocol").join(", ")})`,
  }),
);

/** A value checked by a rule of the enclosing object (it depends on other fields); only its presence is checked here. */
const checkedByRule = <T>() => z.custom<T>(() => true);

// ------------------------------------------------------------------------------------------------ the schema

/** The fund config's schema for one network: local-only forms and the chain id depend on it. */
export function fundConfigSchema(ctx: ValidationContext) {
  const localOnly = (what: string) => `${what} only allowed on local networks (network "${ctx.network}")`;
  const accountsOnly = localOnly("Hardhat account indexes are");

  /** A Hardhat account by index (local networks only, below the account count when known). */
  const accountIndex = ctx.isLocal
    ? ctx.accountCount === undefined
      ? int(0, Number.MAX_SAFE_INTEGER)
      : int(0, ctx.accountCount - 1, ` (the network has ${ctx.accountCount} accounts)`)
    : check(z.number(wrongType(() => accountsOnly)), () => accountsOnly);
  const localAccount = strict({ account: accountIndex });

  /** An address, or on local networks a Hardhat account `{ account: index }`. */
  const accountRef = new Forms<string | z.infer<typeof localAccount>>((v) =>
    typeof v === "string"
      ? address
      : isObj(v) && "account" in v
        ? localAccount
        : refuse((x) => `must be an address or { account: index }, got ${show(x)}`),
  );

  const fund = strict({
    /** Token name, e.g. "Treasury Money Fund". */
    name: text,
    /** Token symbol, 1 to 11 letters, digits, "." or "-". */
    symbol,
    /** ERC-3643 ONCHAINID of the token, if the issuer has one. */
    onchainId: address.nullish(),
    /** Yearly management fee in basis points, at most 200 (`FundToken.MAX_MANAGEMENT_FEE_BPS`). */
    managementFeeBps: int(0, FundTokenBase.MAX_MANAGEMENT_FEE_BPS, " (FundToken cap)"),
    /** Wallet the management fee is minted to. */
    feeWallet: accountRef,
    /** The custodian holding the fund's assets: receives subscription proceeds, reports reserves. */
    custodian: accountRef,
  });

  // ---------------------------------------------------------------------------------------------- governance

  /** A Safe owner: an address, or on local networks a Hardhat account index. */
  const owner = new Forms<string | number>((v) =>
    typeof v === "number"
      ? accountIndex
      : check(address, (a) =>
          a === SAFE_SENTINEL ? "is Safe's sentinel address, never a valid owner" : undefined,
        ),
  );
  const ownerKey = (v: unknown) => (typeof v === "number" ? `#${v}` : getAddress(v as string));
  /**
   * A Safe 1.4.1 the deploy scripts create (lib/deploy/holders.ts). The threshold is at least 2 (no role is held by
   * a single key) and at most the number of owners; the admin's is at least the highest threshold of the other roles'
   * new Safes (rules of `governance`).
   */
  const newSafe = withRules(
    strict({
      owners: check(list(owner), (o) => (o.length === 0 ? "must list at least one owner" : undefined)),
      threshold: checkedByRule<number>(),
    }),
    (safe, c) => {
      if (!Array.isArray(safe.owners) || safe.owners.length === 0) return;
      noDuplicates(
        c,
        safe.owners.map((o) => (ok(owner, o) === undefined ? undefined : ownerKey(o))),
        (i) => ["owners", i],
      );
      if (isSet(safe.threshold)) {
        const threshold = int(1, safe.owners.length, " (the number of owners)").safeParse(safe.threshold);
        if (!threshold.success) fail(c, ["threshold"], threshold.error.issues[0].message);
      }
    },
  );
  const holderForms = {
    safe: strict({ safe: newSafe }, undefined, ["existingSafe", "account"]),
    existingSafe: strict({ existingSafe: address }, undefined, ["safe", "account"]),
    account: strict({ account: accountIndex }, undefined, ["safe", "existingSafe"]),
  };
  const formNames = Object.keys(holderForms) as (keyof typeof holderForms)[];
  /**
   * Who holds a role: a new Safe `{ safe: { owners, threshold } }`, an existing Safe `{ existingSafe }` (its owners and
   * threshold are read on chain, docs/SAFE.md) or (local networks only) a plain Hardhat account, a single key meant
   * for local rehearsals.
   */
  const holder = new Forms<z.infer<(typeof holderForms)[keyof typeof holderForms]>>((v) => {
    const shape = "must be { safe: { owners, threshold } }, { existingSafe: address } or { account: index }";
    if (!isObj(v)) return refuse(() => shape);
    const given = formNames.filter((f) => isSet(v[f]));
    if (given.length !== 1)
      return refuse(() => `${shape}, got ${given.length === 0 ? "none" : given.join(" and ")}`);
    return holderForms[given[0]];
  });
  /** The signers of a valid holder (equal for holders that are the same signers) and its new Safe's threshold. */
  const signers = (v: unknown): { key: string; threshold?: number } | undefined => {
    const h = ok(holder, v);
    if (h === undefined) return undefined;
    if ("existingSafe" in h) return { key: `safe ${getAddress(h.existingSafe)}` };
    if ("account" in h) return { key: `account #${h.account}` };
    const owners = [...new Set(h.safe.owners.map(ownerKey))].sort();
    return { key: `${h.safe.threshold} of ${owners.join(",")}`, threshold: h.safe.threshold };
  };

  const delay = int(0, MAX_GOVERNANCE_DELAY, " (30 days)");
  /** Must be > 0 on a real network, where the guardian needs time to cancel. */
  const delayOnChain = ctx.isLocal
    ? delay
    : check(delay, (d) =>
        d === 0 ? "must be > 0 on a real network (the guardian needs time to cancel)" : undefined,
      );
  /** AccessManager delays, in seconds (each at most {MAX_GOVERNANCE_DELAY}). */
  const delays = withRules(
    strict({
      /** Execution delay of the ISSUER role (upgrades, unpause, compliance rules, oracle configuration); the guardian
       * can cancel during it. */
      issuer: delayOnChain,
      /** Execution delay of the ADMIN role (role grants, function wiring): at least the issuer delay, since the admin
       * could otherwise rewire issuer functions to itself. */
      admin: delayOnChain,
      /** Delay before a newly granted role becomes effective (AccessManager grant delay). */
      roleGrant: delay,
    }),
    (d, c) => {
      const [issuer, admin] = [ok(delay, d.issuer), ok(delay, d.admin)];
      if (issuer !== undefined && admin !== undefined && admin < issuer)
        fail(
          c,
          ["admin"],
          `must be >= the issuer delay (${admin} < ${issuer}), or the admin could rewire issuer functions to bypass it`,
        );
    },
  );
  /**
   * One holder per role of contracts/governance/Roles.sol. The guardian becomes guardian of the delayed roles (it
   * pauses at once and cancels scheduled issuer and admin operations), so it must differ from the issuer; the
   * transfer agent (which moves investors' tokens) must differ from the issuer (which changes the rules).
   */
  const governance = withRules(
    strict({
      ...(Object.fromEntries(ROLE_HOLDERS.map((role) => [role, holder])) as Record<
        RoleHolderName,
        typeof holder
      >),
      delays,
    }),
    (g, c) => {
      const held = Object.fromEntries(ROLE_HOLDERS.map((role) => [role, signers(g[role])]));
      const thresholds: Partial<Record<RoleHolderName, HolderThreshold>> = {};
      for (const role of ROLE_HOLDERS) {
        const threshold = held[role]?.threshold;
        if (threshold !== undefined)
          thresholds[role] = { threshold, at: `governance.${role}.safe.threshold` };
      }
      for (const problem of roleHolderThresholdProblems(thresholds)) fail(c, [], problem, true);
      const separate = (role: RoleHolderName, other: RoleHolderName, why: string) => {
        if (held[role] !== undefined && held[role]?.key === held[other]?.key)
          fail(c, [role], `must not be the same holder as governance.${other} (${why})`);
      };
      separate("guardian", "issuer", "the guardian cancels the issuer's scheduled operations");
      separate(
        "transferAgent",
        "issuer",
        "no single holder may both move investors' tokens and change the rules",
      );
    },
  );

  // ---------------------------------------------------------------------------------------------- compliance

  const countryRule = withRules(
    strict({
      /** "deny": listed countries are refused; "allow": only listed countries are accepted. */
      mode: z.enum(
        ["deny", "allow"],
        wrongType((v) => `must be "deny" or "allow", got ${show(v)}`),
      ),
      /** Adds {OFAC_EMBARGOED_COUNTRIES} to a deny list (refused with an allow list). */
      presetEmbargoed: bool.nullish(),
      /** ISO-3166 numeric codes, 1..999. */
      countries: list(int(1, 999, " (ISO-3166 numeric)")),
    }),
    (r, c) => {
      const preset = ok(bool, r.presetEmbargoed) ?? false;
      if (preset && r.mode === "allow")
        fail(
          c,
          ["presetEmbargoed"],
          "only applies to a deny list (an allow list would admit the embargoed countries)",
        );
      if (!Array.isArray(r.countries)) return;
      noDuplicates(
        c,
        r.countries.map((code) => ok(int(1, 999), code)),
        (i) => ["countries", i],
      );
      if (r.countries.length === 0 && !preset)
        fail(
          c,
          ["countries"],
          `must list at least one country${r.mode === "allow" ? "" : " (or set presetEmbargoed)"}`,
        );
    },
  );

  const wallets = list(address);
  const sanctionsRule = withRules(
    strict({
      /** A Chainalysis-compatible `isSanctioned(address)` oracle. */
      oracle: address.nullish(),
      /** Wallets put on the internal sanctions list at deployment. */
      wallets: wallets.nullish(),
    }),
    (r, c) => {
      if (Array.isArray(r.wallets))
        noDuplicates(
          c,
          r.wallets.map((w) => (ok(address, w) === undefined ? undefined : getAddress(w as string))),
          (i) => ["wallets", i],
        );
    },
  );

  const classLists = ["requiredAll", "requiredAny", "barred"] as const;
  const classList = list(investorClass);
  /** Class requirements on recipients; at least one list must name a class. `protocol` is not allowed here. */
  const classRule = withRules(
    strict({
      requiredAll: classList.nullish(),
      requiredAny: classList.nullish(),
      barred: classList.nullish(),
    }),
    (r, c) => {
      const names = Object.fromEntries(
        classLists.map((key) => [
          key,
          Array.isArray(r[key]) ? (r[key] as unknown[]).map((n) => ok(investorClass, n)) : [],
        ]),
      );
      for (const key of classLists) noDuplicates(c, names[key], (i) => [key, i]);
      const required = new Set([...names.requiredAll, ...names.requiredAny]);
      names.barred.forEach((name, i) => {
        if (name !== undefined && required.has(name)) fail(c, ["barred", i], `"${name}" is also required`);
      });
      if (classLists.every((key) => names[key].length === 0))
        fail(c, [], "must name at least one class in requiredAll, requiredAny or barred");
    },
  );

  /** Position limits per investor, in tokens (18 decimals, each fitting uint96). */
  const holdingLimits = withRules(
    strict({
      /** Smallest non-zero position; "0" for none. */
      min: tokens(false),
      /** Largest position; omitted or null for none. */
      max: tokens(true).nullish(),
    }),
    (r, c) => {
      const [min, max] = [ok(tokens(false), r.min), ok(tokens(true), r.max)];
      if (min !== undefined && parseUnits(min, TOKEN_DECIMALS) === 0n && !isSet(r.max))
        fail(c, [], "must set a min > 0 or a max");
      if (min !== undefined && max !== undefined && parseUnits(max, 18) < parseUnits(min, 18))
        fail(c, ["max"], `must be >= min (${max} < ${min})`);
    },
  );

  /** The built-in rules of ModularCompliance; a rule that is omitted or null is off. */
  const compliance = strict({
    country: countryRule.nullish(),
    sanctions: sanctionsRule.nullish(),
    investorClass: classRule.nullish(),
    /** Largest number of investors holding tokens (uint32, > 0). */
    maxInvestors: int(1, UINT32_MAX).nullish(),
    holdingLimits: holdingLimits.nullish(),
    /** Seconds issued tokens stay locked, 1 s to 10 years (`ModularCompliance.MAX_LOCK_PERIOD`). */
    lockup: strict({ periodSeconds: int(1, ComplianceBase.MAX_LOCK_PERIOD, " (10 years)") }).nullish(),
    /** Largest outflow per investor over a rolling day, in tokens (> 0, fits uint96). */
    transferLimit: strict({ maxDailyOutflow: tokens(true) }).nullish(),
  });

  // ---------------------------------------------------------------------------------------------- oracle

  const interval = int(1, UINT32_MAX);
  /** A NavPublisher we deploy (contracts/oracle/NavPublisher.sol) and its first answer. */
  const publisher = <K extends string>(initialKey: K) =>
    withRules(
      strict({
        /** Decimals of every answer, at most 36. */
        decimals: int(0, FeedMath.MAX_FEED_DECIMALS),
        /** Non-empty description, e.g. "TMF / USD NAV". */
        description: text,
        /** Minimum seconds between two rounds (> 0, uint32). */
        minIntervalSeconds: interval,
        /** Largest move between two rounds in bps of the previous answer (1..65535). */
        maxChangeBpsPerRound: int(1, UINT16_MAX),
        /** The first answer, with the publisher's decimals. */
        ...({ [initialKey]: checkedByRule<string>() } as Record<K, z.ZodType<string>>),
      }),
      (p, c) => {
        const decimals = ok(int(0, FeedMath.MAX_FEED_DECIMALS), p.decimals);
        if (decimals === undefined || !isSet(p[initialKey])) return;
        const first = amount(decimals, { positive: true, max: INT192_MAX, maxName: "int192" }).safeParse(
          p[initialKey],
        );
        if (!first.success) fail(c, [initialKey], first.error.issues[0].message);
      },
    );
  /**
   * A feed: an existing Chainlink-compatible `{ feed }` or a `{ publisher }` we deploy, plus the consumer's settings,
   * whose `maxAgeSeconds` must span the publisher's minimum interval.
   */
  const feedSource = <K extends string, S extends z.ZodRawShape>(initialKey: K, consumer: S) => {
    const known = [...Object.keys(consumer), "feed", "publisher"];
    const forms = {
      feed: strict({ feed: address, ...consumer }, known),
      publisher: strict({ publisher: publisher(initialKey), ...consumer }, known),
      either: strict({ feed: address.nullish(), publisher: publisher(initialKey).nullish(), ...consumer }),
    };
    const source = new Forms<z.infer<typeof forms.feed> | z.infer<typeof forms.publisher>>((v) =>
      !isObj(v)
        ? forms.either
        : isSet(v.feed) === isSet(v.publisher)
          ? forms.either
          : isSet(v.feed)
            ? forms.feed
            : forms.publisher,
    );
    return withRules(source, (o, c) => {
      if (isSet(o.feed) === isSet(o.publisher))
        fail(c, [], `must have either feed or publisher${isSet(o.feed) ? ", not both" : ""}`);
      const minInterval = isObj(o.publisher) ? ok(interval, o.publisher.minIntervalSeconds) : undefined;
      const maxAge = ok(interval, o.maxAgeSeconds);
      if (minInterval !== undefined && maxAge !== undefined && minInterval > maxAge) {
        const at = formatPath(c.path);
        fail(
          c,
          ["publisher", "minIntervalSeconds"],
          `must be <= ${at}.maxAgeSeconds (${minInterval} > ${maxAge}), or rounds go stale before the next may be published`,
        );
      }
    });
  };
  const oracle = strict({
    /** The NAV feed and the NavOracle settings (contracts/oracle/NavOracle.sol). */
    nav: feedSource("initialNav", {
      /** Largest age of a usable round (> 0, uint32); must span weekends and holidays (4 days suggested). */
      maxAgeSeconds: interval,
      /** Largest NAV change per elapsed day, 1..10000 bps. */
      maxChangeBpsPerDay: int(1, Number(NavOracle.BPS)),
      /** Whether a NAV decrease (negative rebase) is accepted. */
      allowDecrease: bool,
    }),
    /** The reserve feed of ReserveGuard and the largest age of a usable round (> 0, uint32). */
    reserve: feedSource("initialReserves", { maxAgeSeconds: interval }),
  });

  // ---------------------------------------------------------------------------------------------- stablecoins

  const mock = strict({ decimals: int(USD_DECIMALS, 18) });
  const coinForms = {
    address: strict({ symbol, address }, undefined, ["deployMock"]),
    /** Local networks only: a mock token deployed with the given decimals. */
    deployMock: strict(
      {
        symbol,
        deployMock: ctx.isLocal
          ? mock
          : z.custom<z.infer<typeof mock>>(() => false, { message: localOnly("mock deployments are") }),
      },
      undefined,
      ["address"],
    ),
  };
  /** A stablecoin accepted for subscriptions: an existing token, or (local networks only) a mock to deploy. */
  const stablecoin = withRules(
    new Forms<z.infer<typeof coinForms.address> | z.infer<typeof coinForms.deployMock>>((v) =>
      isObj(v) && isSet(v.deployMock) ? coinForms.deployMock : coinForms.address,
    ),
    (v, c) => {
      if (isSet(v.deployMock) && isSet(v.address))
        fail(c, [], "must have either address or deployMock, not both");
    },
  );
  /** Each symbol (in any case) and each existing token once. */
  const stablecoins = z.intersection(
    check(list(stablecoin), (l) => (l.length === 0 ? "must list at least one stablecoin" : undefined)),
    z.unknown().superRefine((list, c) => {
      if (!Array.isArray(list)) return;
      const valid = (s: z.ZodTypeAny, v: unknown, use: boolean) =>
        use && ok(s, v) !== undefined ? (v as string) : undefined;
      const coins = list.map((item) => (isObj(item) ? item : {}));
      noDuplicates(
        c,
        coins.map((o) => valid(symbol, o.symbol, true)?.toUpperCase()),
        (i) => [i, "symbol"],
      );
      const addresses = coins.map((o) => valid(address, o.address, !isSet(o.deployMock)));
      noDuplicates(
        c,
        addresses.map((a) => a && getAddress(a)),
        (i) => [i, "address"],
      );
    }),
  );

  // ---------------------------------------------------------------------------------------------- fund manager

  /** USD limits per day. */
  const flows = strict({ subscription: usd(), redemption: usd() });
  /** Subscriptions and redemptions; amounts in USD ({USD_DECIMALS} decimals at most). */
  const fundManager = withRules(
    strict({
      /** Fee on subscriptions, at most {MAX_FLOW_FEE_BPS}. */
      subscriptionFeeBps: int(0, MAX_FLOW_FEE_BPS, " (fee cap)"),
      /** Fee on redemptions, at most {MAX_FLOW_FEE_BPS}. */
      redemptionFeeBps: int(0, MAX_FLOW_FEE_BPS, " (fee cap)"),
      minFirstInvestment: usd(),
      minTopUp: usd(),
      /** Largest total subscription per investor. */
      maxPerInvestor: usd(),
      /** Stablecoins the fund manager aims to keep for instant redemptions. */
      liquidityBufferTarget: usd(false),
      dailyLimits: strict({ perInvestor: flows, global: flows }),
      /** Whether redemptions are paid at once from the buffer (otherwise they queue for the transfer agent). */
      instantRedemption: bool,
      /**
       * Annual rate (basis points) at which subscriptions carry the applied NAV forward to their own time, at most
       * {MAX_NAV_CARRY_RATE_BPS}. Set it at or above the fund's gross yield: subscribing before a NAV round and
       * redeeming after it then pays nothing (docs/FUND.md, "Pricing"). 0 prices subscriptions at the applied NAV.
       */
      navCarryRateBps: int(0, MAX_NAV_CARRY_RATE_BPS, " (carry rate cap)"),
    }),
    (o, c) => {
      const value = (path: string, positive = true) => {
        const v = path.split(".").reduce<unknown>((x, k) => (isObj(x) ? x[k] : undefined), o);
        const valid = ok(usd(positive), v);
        return valid === undefined ? undefined : { raw: valid, units: parseUnits(valid, USD_DECIMALS) };
      };
      const atLeast = (big: string, small: string) => {
        const [b, s] = [value(big), value(small)];
        if (b !== undefined && s !== undefined && b.units < s.units)
          fail(c, big.split("."), `must be >= ${small} (${b.raw} < ${s.raw})`);
      };
      atLeast("maxPerInvestor", "minFirstInvestment");
      if (ok(bool, o.instantRedemption) && value("liquidityBufferTarget", false)?.units === 0n)
        fail(c, ["liquidityBufferTarget"], "must be > 0 when instantRedemption is on");
      atLeast("dailyLimits.global.subscription", "dailyLimits.perInvestor.subscription");
      atLeast("dailyLimits.global.redemption", "dailyLimits.perInvestor.redemption");
      atLeast("dailyLimits.perInvestor.subscription", "minFirstInvestment");
    },
  );

  // ---------------------------------------------------------------------------------------------- settlement

  /** Settings shared by both CCIP forms (contracts/settlement/CcipEndpoint.sol, CrossChainAssetEscrow.sol). */
  const tuning = {
    /**
     * Gas limit given to the receiving escrow on the other chain (the asset-chain release runs the token's transfer
     * checks). 100,000 to 3,000,000; default {DEFAULT_CCIP_GAS_LIMIT}.
     */
    gasLimit: int(CcipEndpoint.MIN_GAS_LIMIT, CcipEndpoint.MAX_GAS_LIMIT).nullish(),
    /**
     * Seconds after a cross-chain trade's payment deadline during which the payment chain's confirmation can still
     * arrive before the seller may be refunded by timeout; must exceed CCIP's worst delivery time on the lane. 8 hours
     * (CCIP's smart execution window) to 30 days; default {DEFAULT_CONFIRMATION_GRACE}.
     */
    confirmationGraceSeconds: int(
      CrossChainAssetEscrow.MIN_CONFIRMATION_GRACE,
      CrossChainAssetEscrow.MAX_CONFIRMATION_GRACE,
      " (8 hours, CCIP's smart execution window, to 30 days)",
    ).nullish(),
  };
  /**
   * Local networks only: deploys Chainlink's CCIPLocalSimulator and both escrows on this one network (the simulator's
   * router stands in for both chains' routers), the payment-chain escrow settling in the first configured stablecoin,
   * each escrow the other's peer. Lets the demo and the tests run a cross-chain trade.
   */
  const localCcip = strict({
    local: check(
      z.literal(
        true,
        wrongType((v) => `must be true, got ${show(v)}`),
      ),
      () => (ctx.isLocal ? undefined : localOnly("the CCIP local simulator is")),
    ),
    ...tuning,
  });
  /**
   * Cross-chain settlement on a real network: the asset-chain escrow is deployed on this (the fund's) chain; the
   * payment-chain escrow is deployed on the payment chain separately (docs/SETTLEMENT.md) and named here as the
   * allowed sender of its chain.
   */
  const ccip = withRules(
    strict({
      /** The CCIP router on this chain. */
      router: address,
      /** This chain's CCIP selector. */
      chainSelector: selector,
      /** Chains (and the sender contract on each) whose messages the settlement accepts. */
      allowedSourceChains: check(list(strict({ chainSelector: selector, sender: address })), (l) =>
        l.length === 0 ? "must list at least one source chain" : undefined,
      ),
      ...tuning,
    }),
    (o, c) => {
      if (!Array.isArray(o.allowedSourceChains)) return;
      const own = ok(selector, o.chainSelector);
      const selectors = o.allowedSourceChains.map((s, i) => {
        const sel = isObj(s) ? ok(selector, s.chainSelector) : undefined;
        if (sel === undefined || own === undefined || BigInt(sel) !== BigInt(own)) return sel && BigInt(sel);
        return fail(c, ["allowedSourceChains", i, "chainSelector"], "is this chain's own selector");
      });
      noDuplicates(c, selectors, (i) => ["allowedSourceChains", i, "chainSelector"]);
    },
  );
  const settlement = strict({
    /** Default time a buyer has to pay off-chain before the trade can be refunded (1 hour to 30 days). */
    offchainPaymentDeadlineSeconds: int(
      DvPSettlement.MIN_PAYMENT_WINDOW,
      DvPSettlement.MAX_TRADE_DURATION,
      " (1 hour to 30 days)",
    ),
    /** Cross-chain settlement; omitted or null when off. */
    ccip: new Forms<z.infer<typeof ccip> | z.infer<typeof localCcip>>((v) =>
      isObj(v) && "local" in v ? localCcip : ccip,
    ).nullish(),
  });

  // ---------------------------------------------------------------------------------------------- multichain

  /**
   * Issue 18 (docs/MULTICHAIN.md): the fund on several chains, checked by lib/deploy/multichain-config.ts: chains and
   * lanes consistent, every satellite's deployment described, and this config's network the home chain.
   */
  const multichain = z.custom<MultichainConfig>().superRefine((mc, c) => {
    if (!isObj(mc) || !isObj(mc.home)) return fail(c, [], "must be an object with home and satellites");
    for (const p of [...multichainProblems(mc), ...deploymentProblems(mc)]) fail(c, [], p);
    // The fund config is the home chain's: satellites are deployed from it (FUND_CONFIG=<home network>).
    if (mc.home.network !== ctx.network)
      fail(c, ["home", "network"], `is "${mc.home.network}", but this is the config of "${ctx.network}"`);
    for (const [i, s] of (mc.satellites ?? []).entries()) {
      for (const r of ["admin", "issuer", "transferAgent", "guardian"] as const) {
        const v = s.deployment?.roles?.[r];
        if (v !== null && typeof v === "object" && !ctx.isLocal)
          fail(c, ["satellites", i, "deployment", "roles", r], "Hardhat account indexes are local only");
      }
    }
  });

  // ---------------------------------------------------------------------------------------------- whole

  return strict({
    /** When set, the chain id the config is meant for: deploying it to another chain is refused. */
    chainId: check(int(1, Number.MAX_SAFE_INTEGER), (id) =>
      id === ctx.chainId
        ? undefined
        : `the config is for chain ${id} but network "${ctx.network}" has chain id ${ctx.chainId}`,
    ).nullish(),
    fund,
    governance,
    /** KYC validity granted by ERC-3643 `registerIdentity`, 1 s to 5 years (`IdentityRegistry.MAX_KYC_VALIDITY`). */
    identity: strict({ defaultKycValiditySeconds: int(1, IdentityRegistry.MAX_KYC_VALIDITY, " (5 years)") }),
    compliance,
    oracle,
    stablecoins,
    fundManager,
    settlement,
    /** The fund on several chains (this config's network is `multichain.home.network`); omitted: one chain. */
    multichain: multichain.nullish(),
  });
}

// ------------------------------------------------------------------------------------------------ role holders

/** Smallest threshold of a role holder's Safe: no role is held by a single key (docs/ROLES.md). */
export const MIN_SAFE_THRESHOLD = 2;

/** A role holder's Safe threshold and the config path it is reported at. */
export interface HolderThreshold {
  threshold: number;
  /** e.g. `governance.issuer.safe.threshold`, or `governance.issuer.existingSafe` for a Safe read on chain. */
  at: string;
}

/**
 * The threshold rules of the role holders' Safes, as `path: message` problems: every Safe needs at least
 * {@link MIN_SAFE_THRESHOLD} signatures, and the admin's Safe (which grants every role and wires every function)
 * at least as many as the Safe of any other role. Holders missing from `holders` are not compared. The
 * schema applies it to the Safes the config creates; the thresholds of existing Safes are only known on
 * chain, where the same function can check them (see docs/SAFE.md).
 */
export function roleHolderThresholdProblems(
  holders: Partial<Record<RoleHolderName, HolderThreshold>>,
): string[] {
  const mustBe = (at: string) => `${at}: ${at.endsWith(".threshold") ? "" : "threshold "}must be`;
  const problems = ROLE_HOLDERS.flatMap((role) => {
    const h = holders[role];
    return h !== undefined && h.threshold < MIN_SAFE_THRESHOLD
      ? [
          `${mustBe(h.at)} at least ${MIN_SAFE_THRESHOLD} (a role is never held by a single key), got ${h.threshold}`,
        ]
      : [];
  });
  const admin = holders.admin;
  const others = ROLE_HOLDERS.filter((role) => role !== "admin" && holders[role] !== undefined);
  const highest = others.reduce<RoleHolderName | undefined>(
    (best, role) => (best === undefined || holders[role]!.threshold > holders[best]!.threshold ? role : best),
    undefined,
  );
  if (admin !== undefined && highest !== undefined && admin.threshold < holders[highest]!.threshold) {
    problems.push(
      `${mustBe(admin.at)} >= the highest threshold of the other role holders ` +
        `(${admin.threshold} < ${holders[highest]!.threshold} of ${holders[highest]!.at}): the admin grants every role`,
    );
  }
  return problems;
}

// ------------------------------------------------------------------------------------------------ types

export type FundConfig = z.infer<ReturnType<typeof fundConfigSchema>>;
