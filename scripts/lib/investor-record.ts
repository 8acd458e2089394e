/**
 * Packing of the registry's one-word investor record, exactly as `InvestorRecordLib` in
 * contracts/identity/InvestorRecord.sol: identity [0, 160) | country [160, 176) | classes [176, 192) |
 * kycExpiry [192, 232) | revoked [232]. A zero word means "not registered".
 */
import { getAddress, toBeHex, zeroPadValue } from "ethers";

export interface InvestorRecordFields {
  identity: string;
  /** ISO-3166 numeric country code (uint16). */
  country: number;
  /** Class flags, see ./classes.ts (uint16). */
  classes: number;
  /** Unix seconds from which the KYC no longer counts (uint40). */
  kycExpiry: number;
  revoked: boolean;
}

const COUNTRY_SHIFT = 160n;
const CLASSES_SHIFT = 176n;
const EXPIRY_SHIFT = 192n;
const REVOKED_SHIFT = 232n;
const mask = (bits: bigint) => (1n << bits) - 1n;

function checkUint(name: string, value: number, bits: number): bigint {
  if (!Number.isSafeInteger(value) || value < 0 || BigInt(value) > mask(BigInt(bits))) {
    throw new RangeError(`${name} ${value} does not fit uint${bits}`);
  }
  return BigInt(value);
}

/** The record word the registry stores for these fields. */
export function packRecord(r: InvestorRecordFields): bigint {
  const identity = BigInt(getAddress(r.identity));
  return (
    identity |
    (checkUint("country", r.country, 16) << COUNTRY_SHIFT) |
    (checkUint("classes", r.classes, 16) << CLASSES_SHIFT) |
    (checkUint("kycExpiry", r.kycExpiry, 40) << EXPIRY_SHIFT) |
    ((r.revoked ? 1n : 0n) << REVOKED_SHIFT)
  );
}

/** The fields of a record word (bits above 232 are ignored, as the contract ignores them). */
export function unpackRecord(word: bigint): InvestorRecordFields {
  if (word < 0n || word > mask(256n)) throw new RangeError(`Record ${word} is not a uint256`);
  return {
    identity: getAddress(zeroPadValue(toBeHex(word & mask(160n)), 20)),
    country: Number((word >> COUNTRY_SHIFT) & mask(16n)),
    classes: Number((word >> CLASSES_SHIFT) & mask(16n)),
    kycExpiry: Number((word >> EXPIRY_SHIFT) & mask(40n)),
    revoked: ((word >> REVOKED_SHIFT) & 1n) === 1n,
  };
}

/** Whether a record word is a registration (`InvestorRecordLib.isRegistered`: non-zero identity). */
export function isRegisteredRecord(word: bigint): boolean {
  return (word & mask(160n)) !== 0n;
}
