// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FundToken} from "../../token/FundToken.sol";
import {FundTokenAdmin} from "../../token/FundTokenAdmin.sol";

/// @title FundTokenAdminV2
/// @notice Test-only next version of the token's admin extension: the real extension plus one function,
/// reached through the token's fallback like every other extension function.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract FundTokenAdminV2 is FundTokenAdmin {
    /// @notice Marker of the upgraded extension.
    /// @return The version number, 2.
    function adminVersion2() external pure returns (uint256) {
        return 2;
    }
}

/// @title FundTokenV2
/// @notice Test-only next version of the fund token: the real implementation plus one function, delegating to
/// a new admin extension given at construction.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract FundTokenV2 is FundToken {
    /// @param extension_ The FundTokenAdminV2 deployment this implementation delegates to.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address extension_) FundToken(extension_) {}

    /// @notice Marker of the upgraded implementation.
    /// @return The version number, 2.
    function version2() external pure returns (uint256) {
        return 2;
    }
}
