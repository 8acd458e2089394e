/**
 * Investor class names and their bit flags: the bits are `InvestorClasses` of contracts/identity/InvestorRecord.sol,
 * generated (lib/generated/contracts.ts). The one place TypeScript maps names to bits: the fund config, the
 * investor CSV and the transfer agent's tasks all go through it (test/config/classes.test.ts reads the
 * Solidity source to keep the names in step).
 */
import { InvestorClasses } from "./generated/contracts";

/** Class name -> bit flag (`uint16` in the registry). */
export const INVESTOR_CLASS_BITS = {
  /** Accredited investor (Reg D 506(c)). */
  accredited: InvestorClasses.ACCREDITED,
  /** Qualified purchaser (Investment Company Act 3(c)(7)). */
  qualified_purchaser: InvestorClasses.QUALIFIED_PURCHASER,
  /** Institutional investor. */
  institutional: InvestorClasses.INSTITUTIONAL,
  /** US person (barred from a Reg S offering). */
  us_person: InvestorClasses.US_PERSON,
  /** An account of the fund itself (escrow, fund manager, wrapper, fee wallet): exempt from investor rules. */
  protocol: InvestorClasses.PROTOCOL,
} as const;

export type InvestorClassName = keyof typeof INVESTOR_CLASS_BITS;

/** Every class name, in bit order. */
export const INVESTOR_CLASS_NAMES = Object.keys(INVESTOR_CLASS_BITS) as InvestorClassName[];

/** Every defined flag (`InvestorClasses.ALL`); any other bit is refused by the registry. */
export const ALL_CLASS_BITS: number = InvestorClasses.ALL;

/** Whether `name` is a class name (exact, lower case). */
export function isClassName(name: string): name is InvestorClassName {
  return Object.prototype.hasOwnProperty.call(INVESTOR_CLASS_BITS, name);
}

/** The flags of a list of class names (duplicates are harmless). */
export function classBits(names: readonly InvestorClassName[]): number {
  return names.reduce((bits, name) => bits | INVESTOR_CLASS_BITS[name], 0);
}

/** The class names of a flag word, in bit order; throws on an undefined bit. */
export function classNames(bits: number): InvestorClassName[] {
  if (!Number.isInteger(bits) || bits < 0 || (bits & ~ALL_CLASS_BITS) !== 0) {
    throw new RangeError(`Investor classes ${bits} contain an undefined bit (defined: ${ALL_CLASS_BITS})`);
  }
  return INVESTOR_CLASS_NAMES.filter((name) => (bits & INVESTOR_CLASS_BITS[name]) !== 0);
}
