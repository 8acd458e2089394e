// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {OnchainIdSource} from "../../identity/sources/OnchainIdSource.sol";
import {AttestationSource} from "../../identity/sources/AttestationSource.sol";

/// @title OnchainIdSourceV2
/// @notice Test-only next version of the claim source: the real contract plus one function
/// (tests/governance/upgrades.test.ts).
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract OnchainIdSourceV2 is OnchainIdSource {
    /// @notice Marker of the upgraded implementation.
    /// @return The version number, 2.
    function version2() external pure returns (uint256) {
        return 2;
    }
}

/// @title AttestationSourceV2
/// @notice Test-only next version of the attestation source: the real contract plus one function.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract AttestationSourceV2 is AttestationSource {
    /// @notice Marker of the upgraded implementation.
    /// @return The version number, 2.
    function version2() external pure returns (uint256) {
        return 2;
    }
}
