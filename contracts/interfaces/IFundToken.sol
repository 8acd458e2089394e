// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC3643} from "./IERC3643.sol";
import {ISharesToken} from "./ISharesToken.sol";
import {INavOracle} from "./INavOracle.sol";
import {IReserveGuard} from "./IReserveGuard.sol";

/// @title IFundToken
/// @notice The fund token: ERC-3643 permissioned, $1 per token, balances growing daily with the fund's NAV
/// (shares x index), with a management fee minted to the fee wallet and growth capped by proof of reserve.
interface IFundToken is IERC3643, ISharesToken {
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

    /// @notice Shares moved (beside the ERC-20 Transfer event, which carries the token amount).
    event TransferShares(address indexed from, address indexed to, uint256 sharesValue);
    /// @notice An agent moved tokens without the holder (with the ERC-20 Transfer event).
    event ForcedTransfer(address indexed from, address indexed to, uint256 amount, address indexed agent);
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

    /// @notice Applies the latest NAV round, if the oracle accepts it: every balance grows with the NAV, the
    /// management fee for the elapsed time is minted to the fee wallet. Anyone may call it: the round is
    /// validated by the NAV oracle and applied at most once, so the outcome does not depend on the caller or
    /// the time of the call (the fee is prorated by the rounds' timestamps).
    /// @return applied False when the reserve guard blocked the growth (see {AccrualBlockedByReserve}).
    function accrue() external returns (bool applied);

    /// @notice Moves `sharesAmount` shares to `to` (same checks as transfer).
    /// @return amount The token amount moved, rounded down.
    function transferShares(address to, uint256 sharesAmount) external returns (uint256 amount);

    /// @notice The reason code (TransferRestrictions) a transfer would be refused with; 0 if allowed.
    function detectTransferRestriction(
        address from,
        address to,
        uint256 amount
    ) external view returns (uint8);

    /// @notice Whether a transfer would succeed (ERC-7943 style).
    function canTransfer(address from, address to, uint256 amount) external view returns (bool);

    /// @notice Shares worth at most `amount` (rounded down).
    function sharesForAmount(uint256 amount) external view returns (uint256);

    /// @notice Token amount of `sharesAmount` (rounded down).
    function amountForShares(uint256 sharesAmount) external view returns (uint256);

    /// @notice The last applied NAV round.
    function appliedNav() external view returns (AppliedNav memory);

    /// @notice The NAV oracle read by {accrue}.
    function navOracle() external view returns (INavOracle);

    /// @notice The proof-of-reserve guard consulted whenever the supply grows.
    function reserveGuard() external view returns (IReserveGuard);

    /// @notice The wallet receiving the management fee.
    function feeWallet() external view returns (address);

    /// @notice The management fee, in basis points per year.
    function managementFeeBps() external view returns (uint16);
}
