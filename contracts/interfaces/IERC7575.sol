// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/// @title IERC7575
/// @notice ERC-7575 (Multi-Asset ERC-4626 Vaults, status Final): an ERC-4626 vault without the ERC-20 part, whose
/// share is an external token (`share()`), so that several entry points, one per asset, share one share token.
/// Its ERC-165 id is 0x2f0a18c5 (the XOR of the selectors below).
interface IERC7575 is IERC165 {
    /// @notice ERC-4626: `sender` paid `assets` and `owner` received `shares`.
    event Deposit(address indexed sender, address indexed owner, uint256 assets, uint256 shares);
    /// @notice ERC-4626: `sender` had `assets` sent to `receiver` for `shares` of `owner` (with ERC-7540: the
    /// controller).
    event Withdraw(
        address indexed sender,
        address indexed receiver,
        address indexed owner,
        uint256 assets,
        uint256 shares
    );

    /// @notice The asset paid in and out (ERC-20).
    function asset() external view returns (address assetTokenAddress);

    /// @notice The share token (ERC-20) the entry point issues and redeems.
    function share() external view returns (address shareTokenAddress);

    /// @notice Shares for `assets` in an ideal exchange (no fee, no limit), rounded down.
    function convertToShares(uint256 assets) external view returns (uint256 shares);

    /// @notice Assets for `shares` in an ideal exchange (no fee, no limit), rounded down.
    function convertToAssets(uint256 shares) external view returns (uint256 assets);

    /// @notice Total assets managed behind the share.
    function totalAssets() external view returns (uint256 totalManagedAssets);

    /// @notice Largest `deposit` for `receiver` that would not revert.
    function maxDeposit(address receiver) external view returns (uint256 maxAssets);

    /// @notice Shares a `deposit` of `assets` would give now, at most.
    function previewDeposit(uint256 assets) external view returns (uint256 shares);

    /// @notice Pays `assets` for shares given to `receiver`.
    function deposit(uint256 assets, address receiver) external returns (uint256 shares);

    /// @notice Largest `mint` for `receiver` that would not revert.
    function maxMint(address receiver) external view returns (uint256 maxShares);

    /// @notice Assets a `mint` of `shares` would take now, at least.
    function previewMint(uint256 shares) external view returns (uint256 assets);

    /// @notice Gives `shares` to `receiver` for the assets they cost.
    function mint(uint256 shares, address receiver) external returns (uint256 assets);

    /// @notice Largest `withdraw` for `owner` that would not revert.
    function maxWithdraw(address owner) external view returns (uint256 maxAssets);

    /// @notice Shares a `withdraw` of `assets` would take now, at least.
    function previewWithdraw(uint256 assets) external view returns (uint256 shares);

    /// @notice Sends `assets` to `receiver` for shares of `owner`.
    function withdraw(uint256 assets, address receiver, address owner) external returns (uint256 shares);

    /// @notice Largest `redeem` for `owner` that would not revert.
    function maxRedeem(address owner) external view returns (uint256 maxShares);

    /// @notice Assets a `redeem` of `shares` would give now, at most.
    function previewRedeem(uint256 shares) external view returns (uint256 assets);

    /// @notice Sends `receiver` the assets for `shares` of `owner`.
    function redeem(uint256 shares, address receiver, address owner) external returns (uint256 assets);
}

/// @title IERC7575Share
/// @notice ERC-7575's share-to-vault lookup on the share token. Its ERC-165 id is 0xf815c03d (`vault(address)`).
interface IERC7575Share is IERC165 {
    /// @notice The entry point of `asset` changed to `vault` (zero: none).
    event VaultUpdate(address indexed asset, address vault);

    /// @notice The entry point (ERC-7575 vault) of `asset`, or zero.
    function vault(address asset) external view returns (address vault);
}
