// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// Makes Hardhat compile artifacts for third-party contracts the oracle tests deploy as they are:
// OpenZeppelin's AccessManager (the suite's authority) and Chainlink's MockV3Aggregator (a plain feed).
// The names are imported only for their artifacts, hence unused here.
/* solhint-disable no-unused-import */
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/shared/mocks/MockV3Aggregator.sol";
/* solhint-enable no-unused-import */
