// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IdentityRegistry} from "../../identity/IdentityRegistry.sol";
import {IdentityRegistrySources} from "../../identity/IdentityRegistrySources.sol";

/// @title IdentityRegistrySourcesV2
/// @notice Test-only next version of the registry's sources extension: the real extension plus one function,
/// reached through the registry's fallback like every other extension function.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract IdentityRegistrySourcesV2 is IdentityRegistrySources {
    /// @notice Marker of the upgraded extension.
    /// @return The version number, 2.
    function adminVersion2() external pure returns (uint256) {
        return 2;
    }
}

/// @title IdentityRegistryV2
/// @notice Test-only next version of the identity registry: the real contract plus one function, to prove an
/// upgrade through the AccessManager keeps every record (tests/governance/upgrades.test.ts).
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract IdentityRegistryV2 is IdentityRegistry {
    /// @param extension_ The IdentityRegistrySources deployment this implementation delegates to.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address extension_) IdentityRegistry(extension_) {}

    /// @notice Marker of the upgraded implementation.
    /// @return The version number, 2.
    function version2() external pure returns (uint256) {
        return 2;
    }
}
