// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {WrappedFundToken} from "../../wrapper/WrappedFundToken.sol";

/// @title WrappedFundTokenV2
/// @notice Test-only next version of the wrapper: the real contract plus one function.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract WrappedFundTokenV2 is WrappedFundToken {
    /// @param fundToken_ The fund token this implementation wraps (an immutable, as in the real contract).
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address fundToken_) WrappedFundToken(fundToken_) {}

    /// @notice Marker of the upgraded implementation.
    /// @return The version number, 2.
    function version2() external pure returns (uint256) {
        return 2;
    }
}
