/**
 * The fund manager's enums (contracts/fund/IFundManagerTypes.sol), generated (lib/generated/contracts.ts), under the
 * names the unit tests and the property model use. Plain values only: no Hardhat import, so the model stays pure
 * TypeScript.
 */
import { IFundManagerTypes } from "../../lib/generated/contracts";

/** `IFundManagerTypes.Flow`. */
export const FLOW = IFundManagerTypes.Flow;
/** `IFundManagerTypes.RequestStatus`. */
export const STATUS = IFundManagerTypes.RequestStatus;
/** `IFundManagerTypes.HoldReason`. */
export const HOLD = IFundManagerTypes.HoldReason;
