// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FundManager} from "../../fund/FundManager.sol";
import {FundManagerAdmin} from "../../fund/FundManagerAdmin.sol";

/// @title FundManagerAdminV2
/// @notice Test-only next version of the fund manager's admin extension: the real extension plus one function,
/// reached through the fund manager's fallback.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract FundManagerAdminV2 is FundManagerAdmin {
    /// @param vaultExtension_ The FundManagerVaults deployment this extension delegates to.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address vaultExtension_) FundManagerAdmin(vaultExtension_) {}

    /// @notice Marker of the upgraded extension.
    /// @return The version number, 2.
    function adminVersion2() external pure returns (uint256) {
        return 2;
    }
}

/// @title FundManagerV2
/// @notice Test-only next version of the fund manager: the real implementation plus one function, delegating to
/// a new admin extension given at construction.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract FundManagerV2 is FundManager {
    /// @param extension_ The FundManagerAdminV2 deployment this implementation delegates to.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address extension_) FundManager(extension_) {}

    /// @notice Marker of the upgraded implementation.
    /// @return The version number, 2.
    function version2() external pure returns (uint256) {
        return 2;
    }
}
