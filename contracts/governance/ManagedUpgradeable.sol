// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";

/// @title ManagedUpgradeable
/// @notice Base of every upgradeable contract of the suite: UUPS proxy logic whose upgrades, like every
/// other privileged function, are authorised by the suite's AccessManager (role ISSUER, behind a delay).
abstract contract ManagedUpgradeable is Initializable, AccessManagedUpgradeable, UUPSUpgradeable {
    /// @notice The authority given at initialisation is the zero address (the proxy could never be governed).
    error ZeroAuthority();

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @dev Sets the AccessManager, refusing the zero address.
    function __Managed_init(address authority) internal onlyInitializing {
        if (authority == address(0)) revert ZeroAuthority();
        __AccessManaged_init(authority);
    }

    // solhint-disable-next-line no-empty-blocks
    function _authorizeUpgrade(address) internal override restricted {}
}
