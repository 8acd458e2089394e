/** A `hardhat node` on localhost runs the same local demo fund as the in-process Hardhat network. */
export { default } from "./hardhat";
