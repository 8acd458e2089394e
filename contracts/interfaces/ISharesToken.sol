// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title ISharesToken
/// @notice The share accounting of the rebasing fund token: balances are shares x index / 1e18.
interface ISharesToken {
    /// @notice Shares held by `account`.
    function sharesOf(address account) external view returns (uint256);

    /// @notice Sum of all accounts' shares.
    function totalShares() external view returns (uint256);

    /// @notice The current index: token units per share, scaled by 1e18.
    function index() external view returns (uint256);
}
