/**
 * Rule flags and modes of ModularCompliance (contracts/compliance/ComplianceBase.sol), and the reason codes
 * of contracts/compliance/TransferRestrictions.sol with their texts.
 */
export const RULES = {
  COUNTRY: 1 << 0,
  SANCTIONS: 1 << 1,
  INVESTOR_CLASS: 1 << 2,
  MAX_INVESTORS: 1 << 3,
  HOLDING_LIMITS: 1 << 4,
  LOCKUP: 1 << 5,
  TRANSFER_LIMIT: 1 << 6,
} as const;

export const ALL_RULES = Object.values(RULES).reduce((a, b) => a | b, 0);

export const COUNTRY_MODE = { deny: 0, allow: 1 } as const;

/** TransferRestrictions codes, in contract order. */
export const RESTRICTIONS = [
  ["NONE", "Transfer allowed"],
  ["PAUSED", "Token is paused"],
  ["SENDER_NOT_VERIFIED", "Sender is not a verified investor"],
  ["RECIPIENT_NOT_VERIFIED", "Recipient is not a verified investor"],
  ["SENDER_FROZEN", "Sender wallet is frozen"],
  ["RECIPIENT_FROZEN", "Recipient wallet is frozen"],
  ["INSUFFICIENT_BALANCE", "Amount exceeds balance"],
  ["INSUFFICIENT_UNFROZEN_BALANCE", "Amount exceeds unfrozen balance"],
  ["INVALID_RECIPIENT", "Invalid recipient"],
  ["SENDER_SANCTIONED", "Sender is sanctioned"],
  ["RECIPIENT_SANCTIONED", "Recipient is sanctioned"],
  ["SENDER_COUNTRY_RESTRICTED", "Sender country is restricted"],
  ["RECIPIENT_COUNTRY_RESTRICTED", "Recipient country is restricted"],
  ["RECIPIENT_CLASS_MISSING", "Recipient lacks a required investor class"],
  ["RECIPIENT_CLASS_BARRED", "Recipient has a barred investor class"],
  ["MAX_INVESTORS_REACHED", "Maximum number of investors reached"],
  ["RECIPIENT_ABOVE_MAX_HOLDING", "Recipient would exceed the maximum holding"],
  ["RECIPIENT_BELOW_MIN_HOLDING", "Recipient would hold less than the minimum holding"],
  ["SENDER_BELOW_MIN_HOLDING", "Sender would keep less than the minimum holding"],
  ["TOKENS_LOCKED", "Amount exceeds the sender's unlocked tokens"],
  ["DAILY_OUTFLOW_EXCEEDED", "Sender's daily transfer limit exceeded"],
  ["MODULE_REFUSED", "Refused by a compliance module"],
] as const;

export type RestrictionName = (typeof RESTRICTIONS)[number][0];

/** Code of a restriction name. */
export const RESTRICTION: Record<RestrictionName, number> = Object.fromEntries(
  RESTRICTIONS.map(([name], code) => [name, code]),
) as Record<RestrictionName, number>;

/** Readable text of a restriction code. */
export function restrictionMessage(code: number | bigint): string {
  const entry = RESTRICTIONS[Number(code)];
  return entry ? `${entry[0]}: ${entry[1]}` : `unknown restriction code ${code}`;
}
