/**
 * Packing of the registry's one-word investor record, exactly as `InvestorRecordLib` in
 * contracts/identity/InvestorRecord.sol, whose bit offsets are generated (lib/generated/contracts.ts): identity
 * below COUNTRY_SHIFT | country | classes | kycExpiry | revoked bit. Each field's width is the distance to the next
 * offset. A zero word means "not registered".
 */
import { getAddress, toBeHex, zeroPadValue } from "ethers";
import { InvestorRecordLib } from "./generated/contracts";

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

const COUNTRY_SHIFT: bigint = InvestorRecordLib.COUNTRY_SHIFT;
const CLASSES_SHIFT: bigint = InvestorRecordLib.CLASSES_SHIFT;
const EXPIRY_SHIFT: bigint = InvestorRecordLib.KYC_EXPIRY_SHIFT;
const REVOKED_SHIFT: bigint = InvestorRecordLib.REVOKED_SHIFT;
/** Widths of the fields (address 160, uint16, uint16, uint40). */
const IDENTITY_BITS = COUNTRY_SHIFT;
const COUNTRY_BITS = CLASSES_SHIFT - COUNTRY_SHIFT;
const CLASSES_BITS = EXPIRY_SHIFT - CLASSES_SHIFT;
const EXPIRY_BITS = REVOKED_SHIFT - EXPIRY_SHIFT;
const mask = (bits: bigint) => (1n << bits) - 1n;

function checkUint(name: string, value: number, bits: bigint): bigint {
  if (!Number.isSafeInteger(value) || value < 0 || BigInt(value) > mask(bits)) {
    throw new RangeError(`${name} ${value} does not fit uint${bits}`);
  }
  return BigInt(value);
}

/** The record word the registry stores for these fields. */
export function packRecord(r: InvestorRecordFields): bigint {
  const identity = BigInt(getAddress(r.identity));
  return (
    identity |
    (checkUint("country", r.country, COUNTRY_BITS) << COUNTRY_SHIFT) |
    (checkUint("classes", r.classes, CLASSES_BITS) << CLASSES_SHIFT) |
    (checkUint("kycExpiry", r.kycExpiry, EXPIRY_BITS) << EXPIRY_SHIFT) |
    ((r.revoked ? 1n : 0n) << REVOKED_SHIFT)
  );
}

/** The fields of a record word (bits above the revoked bit are ignored, as the contract ignores them). */
export function unpackRecord(word: bigint): InvestorRecordFields {
  if (word < 0n || word > mask(256n)) throw new RangeError(`Record ${word} is not a uint256`);
  return {
    identity: getAddress(zeroPadValue(toBeHex(word & mask(IDENTITY_BITS)), 20)),
    country: Number((word >> COUNTRY_SHIFT) & mask(COUNTRY_BITS)),
    classes: Number((word >> CLASSES_SHIFT) & mask(CLASSES_BITS)),
    kycExpiry: Number((word >> EXPIRY_SHIFT) & mask(EXPIRY_BITS)),
    revoked: ((word >> REVOKED_SHIFT) & 1n) === 1n,
  };
}

/** Whether a record word is a registration (`InvestorRecordLib.isRegistered`: non-zero identity). */
export function isRegisteredRecord(word: bigint): boolean {
  return (word & mask(IDENTITY_BITS)) !== 0n;
}
