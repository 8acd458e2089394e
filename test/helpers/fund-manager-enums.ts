/**
 * The fund manager's enums (contracts/fund/IFundManagerTypes.sol) as numbers, shared by the unit tests and the
 * property model. Plain values only: no Hardhat import, so the model stays pure TypeScript.
 */

/** `IFundManagerTypes.Flow`. */
export const FLOW = { Subscription: 0, Redemption: 1 } as const;
/** `IFundManagerTypes.RequestStatus`. */
export const STATUS = {
  None: 0,
  Pending: 1,
  Held: 2,
  Settled: 3,
  Cancelled: 4,
  Released: 5,
  CancelClaimable: 6,
} as const;
/** `IFundManagerTypes.HoldReason`. */
export const HOLD = {
  None: 0,
  NotVerified: 1,
  Frozen: 2,
  Sanctioned: 3,
  BelowMinOut: 4,
  PaymentFailed: 5,
  TransferAgent: 6,
} as const;
