// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title ShareMath
/// @notice Conversions between token amounts and shares of the rebasing fund token:
/// amount = shares x index / 1e18. Every conversion names its rounding direction; the suite always rounds
/// against the party that receives value (the holder) and in favour of the fund.
/// @dev Shares are bounded by 2^128 and the index by 2^96, so no product overflows 2^256.
library ShareMath {
    /// @notice The index at inception: one token unit per share.
    uint256 internal constant ONE = 1e18;

    /// @notice The largest amount whose conversion to shares cannot overflow (amount x 1e18 < 2^256). Far beyond
    /// any supply the token can hold (total shares are capped at 2^120): entry points taking an unbounded amount
    /// compare with it first, so that an absurd input gets a named error rather than a Panic.
    uint256 internal constant MAX_AMOUNT = type(uint256).max / ONE;

    /// @notice Token amount of `shares`, rounded down (what a holder can spend).
    function toAmount(uint256 shares, uint256 index) internal pure returns (uint256) {
        return (shares * index) / ONE;
    }

    /// @notice {toAmount} for the values of an error: 2^256 - 1 when shares x index does not fit 256 bits.
    function toAmountSaturating(uint256 shares, uint256 index) internal pure returns (uint256) {
        (bool fits, uint256 product) = Math.tryMul(shares, index);
        return fits ? product / ONE : type(uint256).max;
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
