/** Identifiers shared by every host of the decision core (the service and the CRE workflow). Pure. */

/**
 * The payment's ISO end-to-end id, also its idempotency key on the rail: the chain, the DvPSettlement contract
 * and the trade (at most 35 characters, ISO's limit). Every host derives the same id for the same trade, so a
 * payment is instructed once whoever instructs it, however many times.
 */
export function endToEndIdOf(chainId: bigint, dvp: string, id: bigint): string {
  return `DVP-${chainId}-${dvp.slice(2, 10).toLowerCase()}-${id}`;
}
