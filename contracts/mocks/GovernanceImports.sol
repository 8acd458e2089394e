// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// Imported only so that Hardhat compiles OpenZeppelin's AccessManager and emits its artifact and
// TypeChain types for tests and deploy scripts (`ethers.getContractFactory("AccessManager")`).
// solhint-disable-next-line no-unused-import
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
