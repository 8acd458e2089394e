// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title IFundTokenTypes
/// @notice Errors, events and structs of the fund token (shared by its implementation and its extension).
interface IFundTokenTypes {
    /// @notice The token is paused.
    error EnforcedPause();
    /// @notice The token is not paused.
    error ExpectedPause();
    /// @notice EIP-2612: the permit's deadline passed.
    error ERC2612ExpiredSignature(uint256 deadline);
    /// @notice EIP-2612: the permit was not signed by the owner.
    error ERC2612InvalidSigner(address signer, address owner);
    /// @notice The wallet is frozen.
    error WalletFrozen(address wallet);
    /// @notice The sender is not a verified investor.
    error SenderNotVerified(address wallet);
    /// @notice The recipient is not a verified investor.
    error RecipientNotVerified(address wallet);
    /// @notice The amount exceeds the wallet's unfrozen balance.
    error InsufficientUnfrozenBalance(address wallet, uint256 unfrozenBalance, uint256 amount);
    /// @notice Freezing would freeze more than the balance.
    error FreezeExceedsBalance(address wallet, uint256 balance, uint256 frozenAfter);
    /// @notice Unfreezing more than is frozen.
    error UnfreezeExceedsFrozen(address wallet, uint256 frozen, uint256 amount);
    /// @notice The amount is worth zero shares at the current index.
    error AmountBelowOneShare(uint256 amount);
    /// @notice Issuance would take the supply above the reserves.
    error ReserveExceeded(uint256 newSupply, uint256 reserves);
    /// @notice A forced transfer from a wallet to itself.
    error ForcedTransferToSelf(address wallet);
    /// @notice The recovery wallets do not both belong to the named investor, or the lost wallet holds nothing.
    error InvalidRecovery(address lostWallet, address newWallet, address investor);
    /// @notice The arrays of a batch call have different lengths.
    error BatchLengthMismatch();
    /// @notice A batch call was given no item.
    error EmptyBatch();
    /// @notice A contract address setting is the zero address or not a contract.
    error InvalidAddress(address value);
    /// @notice The compliance contract is not bound to this token, or supply exists (its accounting would be lost).
    error InvalidCompliance(address compliance);
    /// @notice The fee wallet is not a verified PROTOCOL account.
    error InvalidFeeWallet(address wallet);
    /// @notice The management fee exceeds the cap.
    error ManagementFeeTooHigh(uint16 bps, uint16 maxBps);
    /// @notice Name or symbol is empty.
    error EmptyTokenInformation();
    /// @notice The new index does not fit or is zero.
    error IndexOutOfRange(uint256 index);
    /// @notice The accrual was left too little gas to give the reserve guard its whole budget (100,000 gas):
    /// retry with a higher gas limit.
    error InsufficientGasForReserveCheck(uint256 gasLeft, uint256 gasNeeded);
    /// @notice The NAV oracle accepts its latest round against the applied one: accrue it instead of re-basing.
    error NavRebaselineNotNeeded(uint80 roundId);
    /// @notice The new NAV is within a factor of two of the applied one: a NAV move, not a change of scale.
    error NavRebaselineNotAScaleChange(uint256 appliedNav, uint256 nav);
    /// @notice The NAV oracle returned a NAV of zero or above 2^128 - 1 (the NavOracle refuses both itself).
    error NavOutOfRange(uint256 nav);
    /// @notice ERC-7943 `setFrozenTokens`: the amount converts to more than 2^120 - 1 frozen shares.
    error FrozenAmountTooLarge(uint256 amount);
    /// @notice `setVault`: the asset is zero or the token itself, or the vault is not an ERC-7575 entry point of
    /// this token for that asset (its `share()` and `asset()`).
    error InvalidVault(address asset, address vault);
    /// @notice Total shares would exceed 2^120 - 1, the width every per-wallet and per-investor share count is
    /// stored in (so no narrowing cast can truncate).
    error SharesOverflow(uint256 totalShares);

    /// @notice A satellite was sent a round that is not newer than the round it applied (issue 18).
    error IndexRoundNotNewer(uint80 roundId, uint40 updatedAt, uint40 appliedUpdatedAt);

    /// @notice Shares moved (beside the ERC-20 Transfer event, which carries the token amount).
    event TransferShares(address indexed from, address indexed to, uint256 sharesValue);
    /// @notice A NAV round was applied: the index moved with the NAV, net of the management fee.
    event YieldAccrued(
        uint80 indexed roundId,
        uint256 nav,
        uint256 indexBefore,
        uint256 indexAfter,
        int256 holdersSupplyChange,
        uint256 feeAmount,
        uint256 feeShares
    );
    /// @notice A NAV round could not be applied because the supply would exceed the reserves.
    event AccrualBlockedByReserve(uint80 indexed roundId, uint256 nav, uint256 newSupply, uint256 reserves);
    /// @notice A NAV round could not be applied because the reserve guard could not confirm the reserves:
    /// `reason` is its revert data (e.g. an encoded `ReserveStale(...)`; empty when it ran out of gas), or its
    /// answer when that was not (bool, uint256).
    event AccrualBlockedByReserveGuard(uint80 indexed roundId, uint256 nav, uint256 newSupply, bytes reason);
    /// @notice The applied NAV was re-based on the oracle's latest round (index unchanged, no fee).
    event NavRebaselined(
        uint80 indexed oldRoundId,
        uint256 oldNav,
        uint256 oldUpdatedAt,
        uint80 indexed newRoundId,
        uint256 newNav,
        uint256 newUpdatedAt
    );
    /// @notice The ERC-7575 entry point of `asset` changed (beside the standard's `VaultUpdate`, which carries
    /// only the new one).
    event VaultChanged(address indexed asset, address oldVault, address newVault);
    /// @notice The NAV oracle changed.
    event NavOracleChanged(address indexed oldOracle, address indexed newOracle);
    /// @notice The reserve guard changed.
    event ReserveGuardChanged(address indexed oldGuard, address indexed newGuard);
    /// @notice The fee wallet changed.
    event FeeWalletChanged(address indexed oldWallet, address indexed newWallet);
    /// @notice The management fee changed.
    event ManagementFeeChanged(uint16 oldBps, uint16 newBps);

    /// @notice The last NAV round applied by {accrue}.
    struct AppliedNav {
        uint128 nav;
        uint40 updatedAt;
        uint80 roundId;
    }
}
