// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IdentityRegistry} from "../../identity/IdentityRegistry.sol";

/// @title IdentityRegistryV2
/// @notice Test-only next version of the identity registry: the real contract plus one function, to prove an
/// upgrade through the AccessManager keeps every record (tests/governance/upgrades.test.ts).
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract IdentityRegistryV2 is IdentityRegistry {
    /// @notice Marker of the upgraded implementation.
    /// @return The version number, 2.
    function version2() external pure returns (uint256) {
        return 2;
    }
}
