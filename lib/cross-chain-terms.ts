/**
 * The terms a payer confirms when it pays a cross-chain trade (CrossChainPaymentEscrow.pay(tradeId, termsHash)):
 * SettlementMessages.TradeTerms and its hash, the EIP-712 struct hash computed here with ethers' own EIP-712
 * encoder (independently of the contract's `termsHash` view, which must give the same value).
 */
import { TypedDataEncoder, getAddress } from "ethers";

/** EIP-712 type of SettlementMessages.TradeTerms (contracts/settlement/SettlementMessages.sol), in field order. */
export const TRADE_TERMS_TYPES = {
  TradeTerms: [
    { name: "tradeId", type: "bytes32" },
    { name: "assetChainSelector", type: "uint64" },
    { name: "assetEscrow", type: "address" },
    { name: "paymentChainSelector", type: "uint64" },
    { name: "paymentEscrow", type: "address" },
    { name: "paymentToken", type: "address" },
    { name: "seller", type: "address" },
    { name: "buyer", type: "address" },
    { name: "shares", type: "uint256" },
    { name: "amount", type: "uint256" },
    { name: "payer", type: "address" },
    { name: "payee", type: "address" },
    { name: "price", type: "uint256" },
    { name: "paymentDeadline", type: "uint40" },
  ],
};

/** Every term of a cross-chain trade, as CrossChainPaymentEscrow.tradeTerms returns them. */
export interface TradeTerms {
  tradeId: string;
  assetChainSelector: bigint;
  assetEscrow: string;
  paymentChainSelector: bigint;
  paymentEscrow: string;
  paymentToken: string;
  seller: string;
  buyer: string;
  shares: bigint;
  amount: bigint;
  payer: string;
  payee: string;
  price: bigint;
  paymentDeadline: bigint;
}

/** Any subset of the terms, numbers accepted for the integer ones. */
export type AgreedTerms = Partial<{
  [K in keyof TradeTerms]: TradeTerms[K] extends bigint ? bigint | number : TradeTerms[K];
}>;

/** The field names of TradeTerms, in the contract's order. */
export const TRADE_TERMS_FIELDS = TRADE_TERMS_TYPES.TradeTerms.map((f) => f.name) as (keyof TradeTerms)[];

/** A TradeTerms from anything holding its fields by name (an ethers Result of `tradeTerms`, a plain object). */
export function tradeTermsOf(source: { [K in keyof TradeTerms]: unknown }): TradeTerms {
  const out = {} as Record<string, unknown>;
  for (const { name, type } of TRADE_TERMS_TYPES.TradeTerms) {
    const value = (source as Record<string, unknown>)[name];
    out[name] =
      type === "address"
        ? getAddress(String(value))
        : type === "bytes32"
          ? String(value).toLowerCase()
          : BigInt(value as bigint | number | string);
  }
  return out as unknown as TradeTerms;
}

/** The terms hash `pay` requires: the EIP-712 struct hash of the terms. */
export function hashTradeTerms(terms: TradeTerms): string {
  return TypedDataEncoder.hashStruct("TradeTerms", TRADE_TERMS_TYPES, terms);
}

/**
 * What a payer's wallet does before paying: compares the terms the payment escrow holds (`tradeTerms(tradeId)`)
 * with the terms the payer agreed to (any subset: typically buyer, amount, payer, payee, price, deadline), and
 * returns the hash of the agreed terms to give `pay`. Throws, naming every field that differs, instead of
 * returning a hash the escrow would accept for terms the payer did not agree to.
 */
export function confirmTradeTerms(onChain: TradeTerms, agreed: AgreedTerms): string {
  const expected = tradeTermsOf({ ...onChain, ...agreed });
  const differ = TRADE_TERMS_FIELDS.filter((k) => expected[k] !== onChain[k]);
  if (differ.length !== 0) {
    throw new Error(
      `trade ${onChain.tradeId}: the escrow's terms differ from the agreed ones in ${differ
        .map((k) => `${k} (escrow ${String(onChain[k])}, agreed ${String(expected[k])})`)
        .join(", ")}`,
    );
  }
  return hashTradeTerms(expected);
}
