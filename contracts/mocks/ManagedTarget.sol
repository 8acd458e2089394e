// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";

/// @title ManagedTarget
/// @notice Test-only AccessManaged contract used to exercise calls, schedules and cancellations made by
/// Safe multisigs through the suite's AccessManager. Every setter is `restricted`: the AccessManager decides
/// which role may call it and with which execution delay.
contract ManagedTarget is AccessManaged {
    /// @notice Upper bound accepted by {setValue}.
    uint256 public limit;
    /// @notice The value set by the last successful {setValue}.
    uint256 public value;

    /// @notice `newValue` is above the current `limit`.
    error ValueAboveLimit(uint256 newValue, uint256 limit);

    /// @notice Emitted when {setValue} changes the value.
    event ValueChanged(uint256 oldValue, uint256 newValue);
    /// @notice Emitted when {setLimit} changes the limit.
    event LimitChanged(uint256 oldLimit, uint256 newLimit);

    /// @param initialAuthority The AccessManager that authorises calls to the restricted functions.
    /// @param initialLimit The initial upper bound for {setValue}.
    constructor(address initialAuthority, uint256 initialLimit) AccessManaged(initialAuthority) {
        limit = initialLimit;
        emit LimitChanged(0, initialLimit);
    }

    /// @notice Sets the value; reverts with {ValueAboveLimit} when `newValue` exceeds the limit.
    /// @param newValue The new value.
    function setValue(uint256 newValue) external restricted {
        uint256 currentLimit = limit;
        if (newValue > currentLimit) revert ValueAboveLimit(newValue, currentLimit);
        emit ValueChanged(value, newValue);
        value = newValue;
    }

    /// @notice Sets the limit (a configuration change: wired to a role held with an execution delay in tests).
    /// @param newLimit The new upper bound for {setValue}.
    function setLimit(uint256 newLimit) external restricted {
        emit LimitChanged(limit, newLimit);
        limit = newLimit;
    }
}
