// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {DvPSettlement} from "../../settlement/DvPSettlement.sol";
import {CrossChainAssetEscrow} from "../../settlement/CrossChainAssetEscrow.sol";
import {CrossChainPaymentEscrow} from "../../settlement/CrossChainPaymentEscrow.sol";

/// @title DvPSettlementV2
/// @notice Test-only next version of the DvP settlement: the real contract plus one function.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract DvPSettlementV2 is DvPSettlement {
    /// @notice Marker of the upgraded implementation.
    /// @return The version number, 2.
    function version2() external pure returns (uint256) {
        return 2;
    }
}

/// @title CrossChainAssetEscrowV2
/// @notice Test-only next version of the cross-chain asset escrow: the real contract plus one function.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract CrossChainAssetEscrowV2 is CrossChainAssetEscrow {
    /// @param router The CCIP router (an immutable of the implementation, as in the real contract).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address router) CrossChainAssetEscrow(router) {}

    /// @notice Marker of the upgraded implementation.
    /// @return The version number, 2.
    function version2() external pure returns (uint256) {
        return 2;
    }
}

/// @title CrossChainPaymentEscrowV2
/// @notice Test-only next version of the cross-chain payment escrow: the real contract plus one function.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract CrossChainPaymentEscrowV2 is CrossChainPaymentEscrow {
    /// @param router The CCIP router (an immutable of the implementation, as in the real contract).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address router) CrossChainPaymentEscrow(router) {}

    /// @notice Marker of the upgraded implementation.
    /// @return The version number, 2.
    function version2() external pure returns (uint256) {
        return 2;
    }
}
