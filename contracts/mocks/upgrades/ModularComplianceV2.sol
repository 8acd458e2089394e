// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ModularCompliance} from "../../compliance/ModularCompliance.sol";
import {ExtensionFallback} from "../../governance/ExtensionFallback.sol";

/// @title ModularComplianceAdminV2
/// @notice Test-only next version of the compliance's admin extension: one new function, everything else
/// delegated to the current ModularComplianceAdmin, all in the compliance proxy's storage and with the original
/// caller (nested delegatecalls keep msg.sender and msg.data).
/// @dev Not `is ModularComplianceAdmin`: the real extension only fits the 24 KiB limit with the 200-run optimizer
/// override hardhat.config.ts gives to its own file; inherited here it would be compiled with 10,000 runs
/// (27 KiB) and could not be deployed. A production V2 is the recompiled extension itself.
contract ModularComplianceAdminV2 is ExtensionFallback {
    /// @notice The extension this one extends.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address public immutable previous;

    /// @notice `previous_` holds no code.
    error InvalidPrevious(address previous_);

    /// @param previous_ The ModularComplianceAdmin deployment this extension extends.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address previous_) {
        if (previous_.code.length == 0) revert InvalidPrevious(previous_);
        previous = previous_;
    }

    /// @dev Every other function runs in the previous extension, in the compliance proxy's storage
    /// ({ExtensionFallback}).
    function _extension() internal view override returns (address) {
        return previous;
    }

    /// @notice Marker of the upgraded extension.
    /// @return The version number, 2.
    function adminVersion2() external pure returns (uint256) {
        return 2;
    }
}

/// @title ModularComplianceV2
/// @notice Test-only next version of the compliance: the real implementation plus one function, delegating to
/// a new admin extension given at construction.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract ModularComplianceV2 is ModularCompliance {
    /// @param extension_ The ModularComplianceAdminV2 deployment this implementation delegates to.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address extension_) ModularCompliance(extension_) {}

    /// @notice Marker of the upgraded implementation.
    /// @return The version number, 2.
    function version2() external pure returns (uint256) {
        return 2;
    }
}
