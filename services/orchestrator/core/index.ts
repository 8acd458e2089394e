/** The orchestrator's decision core: pure functions of plain data (no I/O, no Node.js built-ins). */
export * from "./types";
export {
  decideOffChain,
  sellerRestrictionOf,
  REJECT,
  RETURN_REASON,
  type OffChainDecision,
} from "./offchain";
export { decideCrossChain, type CrossChainDecision } from "./crosschain";
export { endToEndIdOf } from "./ids";
