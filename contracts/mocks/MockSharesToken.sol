// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISharesToken} from "../interfaces/ISharesToken.sol";

/// @title MockSharesToken
/// @notice Test-only share accounting whose holdings the tests set directly: the identity registry reads
/// {sharesOf} of its bound tokens to refuse identity changes of wallets that hold shares.
contract MockSharesToken is ISharesToken {
    /// @notice Shares held by each account, as set by {setShares}.
    mapping(address account => uint256) public sharesOf;
    /// @notice Sum of the shares set by {setShares}.
    uint256 public totalShares;
    /// @notice Token units per share, scaled by 1e18, as set by {setIndex}.
    uint256 public index = 1e18;

    /// @notice Emitted when {setShares} changes an account's shares.
    event SharesSet(address indexed account, uint256 oldShares, uint256 newShares);
    /// @notice Emitted when {setIndex} changes the index.
    event IndexSet(uint256 oldIndex, uint256 newIndex);

    /// @notice Sets `account`'s shares and moves {totalShares} by the difference.
    /// @param account The holder.
    /// @param shares The new number of shares.
    function setShares(address account, uint256 shares) external {
        uint256 old = sharesOf[account];
        totalShares = totalShares - old + shares;
        sharesOf[account] = shares;
        emit SharesSet(account, old, shares);
    }

    /// @notice Sets the index.
    /// @param newIndex Token units per share, scaled by 1e18.
    function setIndex(uint256 newIndex) external {
        emit IndexSet(index, newIndex);
        index = newIndex;
    }
}
