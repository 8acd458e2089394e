// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {INavOracle} from "../interfaces/INavOracle.sol";

/// @notice Test double of the NAV oracle as the token's accrual reads it: returns the round the test sets,
/// without the real oracle's validation, so tests reach the token's own bounds (IndexOutOfRange, SharesOverflow)
/// that a validated feed cannot reach.
contract MockNavOracle {
    INavOracle.NavRound private _round;

    /// @notice The decrease policy the token reads when the fee would take the index down.
    bool public allowDecrease;

    function setAllowDecrease(bool allow) external {
        allowDecrease = allow;
    }

    function setRound(uint80 roundId, uint256 nav, uint256 updatedAt) external {
        _round = INavOracle.NavRound(roundId, nav, updatedAt);
    }

    function nextNav(uint256, uint256) external view returns (INavOracle.NavRound memory) {
        return _round;
    }
}

/// @notice Test double of the proof-of-reserve guard that accepts any supply (reserves reported as the maximum).
contract MockUnlimitedReserveGuard {
    function checkSupply(uint256) external pure returns (bool within, uint256 reserves) {
        return (true, type(uint256).max);
    }
}
