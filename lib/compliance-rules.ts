/**
 * Rule flags and modes of ModularCompliance (contracts/compliance/ComplianceBase.sol), and the reason codes of
 * contracts/compliance/TransferRestrictions.sol with their texts: all generated from the contracts
 * (lib/generated/contracts.ts), under the names the tasks and tests use.
 */
import { ComplianceBase, TransferRestrictions } from "./generated/contracts";

export const RULES = {
  COUNTRY: ComplianceBase.RULE_COUNTRY,
  SANCTIONS: ComplianceBase.RULE_SANCTIONS,
  INVESTOR_CLASS: ComplianceBase.RULE_INVESTOR_CLASS,
  MAX_INVESTORS: ComplianceBase.RULE_MAX_INVESTORS,
  HOLDING_LIMITS: ComplianceBase.RULE_HOLDING_LIMITS,
  LOCKUP: ComplianceBase.RULE_LOCKUP,
  TRANSFER_LIMIT: ComplianceBase.RULE_TRANSFER_LIMIT,
} as const;

export const ALL_RULES: number = ComplianceBase.ALL_RULES;

export const COUNTRY_MODE = {
  deny: ComplianceBase.COUNTRY_DENY_LIST,
  allow: ComplianceBase.COUNTRY_ALLOW_LIST,
} as const;

type Restrictions = typeof TransferRestrictions;
/** The reason codes' names: TransferRestrictions' integer constants but `LAST` (the highest code). */
export type RestrictionName = {
  [K in keyof Restrictions]: Restrictions[K] extends number ? (K extends "LAST" ? never : K) : never;
}[keyof Restrictions];

/** Code of a restriction name. */
export const RESTRICTION = Object.fromEntries(
  Object.entries(TransferRestrictions).filter(([name, code]) => typeof code === "number" && name !== "LAST"),
) as { readonly [K in RestrictionName]: Restrictions[K] };

/** TransferRestrictions codes, in code order: [name, text of `TransferRestrictions.message`]. */
export const RESTRICTIONS: readonly (readonly [RestrictionName, string])[] = (
  Object.entries(RESTRICTION) as [RestrictionName, number][]
)
  .sort((a, b) => a[1] - b[1])
  .map(([name, code]) => [name, (TransferRestrictions.message as Record<number, string>)[code]] as const);

/** Readable text of a restriction code. */
export function restrictionMessage(code: number | bigint): string {
  const entry = RESTRICTIONS[Number(code)];
  return entry ? `${entry[0]}: ${entry[1]}` : `unknown restriction code ${code}`;
}
