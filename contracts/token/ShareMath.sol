// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title ShareMath
/// @notice Conversions between token amounts and shares of the rebasing fund token:
/// amount = shares x index / 1e18. Every conversion names its rounding direction; the suite always rounds
/// against the party that receives value (the holder) and in favour of the fund.
/// @dev Shares are bounded by 2^128 and the index by 2^96, so no product overflows 2^256.
library ShareMath {
    /// @notice The index at inception: one token unit per share.
    uint256 internal constant ONE = 1e18;

    /// @notice Token amount of `shares`, rounded down (what a holder can spend).
    function toAmount(uint256 shares, uint256 index) internal pure returns (uint256) {
        return (shares * index) / ONE;
    }

    /// @notice Shares worth at least `amount`, rounded up (what a sender gives up).
    function toSharesUp(uint256 amount, uint256 index) internal pure returns (uint256) {
        uint256 product = amount * ONE;
        return product == 0 ? 0 : (product - 1) / index + 1;
    }

    /// @notice Shares worth at most `amount`, rounded down (what a recipient of new tokens gets).
    function toSharesDown(uint256 amount, uint256 index) internal pure returns (uint256) {
        return (amount * ONE) / index;
    }
}
