// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title IFeeWalletSource
/// @notice A token that mints fees to a wallet (the fund token): the identity registry keeps that wallet's
/// binding fixed.
interface IFeeWalletSource {
    /// @notice The wallet receiving the fee.
    function feeWallet() external view returns (address);
}
