// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {IERC7943Fungible} from "../interfaces/IERC7943.sol";
import {IFundToken} from "../interfaces/IFundToken.sol";

/// @title IWrappedFundToken
/// @notice A non-rebasing, permissioned ERC-4626 wrapper of the fund token, for DeFi collateral: the wrapped
/// balance never changes by itself, its value in fund tokens grows with the fund's daily accrual. Wrapping,
/// unwrapping and every wrapped transfer happen only between eligible wallets (verified in the fund's identity
/// registry, PROTOCOL accounts only when the issuer allows them, not sanctioned in the fund's compliance, not
/// frozen in the wrapper), and stop while the wrapper or the fund token is paused.
/// It implements ERC-7943 (uRWA, fungible): `canSend` and `canReceive` are {isEligible}, partial freezes are
/// `setFrozenTokens`, and the transfer agent's `forcedTransfer` unfreezes what it takes.
/// @dev See docs/WRAPPER.md for the rounding, the decimals offset and the known limitations.
interface IWrappedFundToken is IERC4626, IERC7943Fungible {
    /// @notice The fund token is paused: wrapped transfers, wrapping and unwrapping are refused.
    error FundTokenPaused();
    /// @notice The sender (wrapped sender, owner of the wrapped shares burnt, or the wallet wrapping fund
    /// tokens) is not verified in the fund's identity registry.
    error SenderNotVerified(address wallet);
    /// @notice The recipient (of wrapped shares or of unwrapped fund tokens) is not verified in the fund's
    /// identity registry.
    error RecipientNotVerified(address wallet);
    /// @notice The wallet is frozen in the wrapper (independent of a freeze in the fund token).
    error WalletFrozenInWrapper(address wallet);
    /// @notice The wallet is sanctioned in the fund's compliance (internal list or sanctions oracle).
    error WalletSanctioned(address wallet);
    /// @notice The wallet is an account of the fund (PROTOCOL class) that the issuer has not allowed in the wrapper.
    error ProtocolAccountNotAllowed(address wallet);
    /// @notice Only a verified PROTOCOL account of the fund can be allowed to hold wrapped shares.
    error NotProtocolAccount(address wallet);
    /// @notice The deposit would mint no wrapped share (zero assets, or assets worth less than one share).
    error NoSharesForDeposit(uint256 assets);
    /// @notice The withdrawal would deliver no fund-token share (zero, or worth less than one fund-token share).
    error NoAssetsForRedemption(uint256 shares, uint256 assets);
    /// @notice The amount or share count converts to more than 2^256 - 1 (far beyond any fund-token supply).
    error ConversionOverflow(uint256 value);
    /// @notice ERC-7943 `setFrozenTokens`: the amount does not fit the 240 bits it is stored in.
    error FrozenAmountTooLarge(uint256 amount);
    /// @notice A forced transfer from a wallet to itself.
    error ForcedTransferToSelf(address wallet);
    /// @notice An address setting is the zero address or not a contract.
    error InvalidAddress(address value);
    /// @notice Name or symbol is empty.
    error EmptyTokenInformation();

    /// @notice The transfer agent froze or unfroze a wallet in the wrapper.
    event WalletFrozenChanged(address indexed wallet, bool oldFrozen, bool newFrozen, address indexed agent);
    /// @notice The issuer allowed or disallowed an account of the fund (PROTOCOL class) in the wrapper.
    event ProtocolAccountAllowedChanged(address indexed account, bool oldAllowed, bool newAllowed);

    /// @notice The wrapped fund token (same address as {IERC4626-asset}).
    function fundToken() external view returns (IFundToken);

    /// @notice Whether the wrapper is paused by the guardian (the fund token's pause is `fundToken().paused()`).
    function paused() external view returns (bool);

    /// @notice Whether the wallet is frozen in the wrapper.
    function isFrozen(address wallet) external view returns (bool);

    /// @notice Whether the issuer allowed this account of the fund (PROTOCOL class) to hold wrapped shares.
    function isProtocolAccountAllowed(address account) external view returns (bool);

    /// @notice Whether `wallet` may send and receive wrapped shares now: verified (a PROTOCOL account only when
    /// allowed), not sanctioned, not frozen in the wrapper. Ignores the pauses.
    function isEligible(address wallet) external view returns (bool);

    /// @notice Freezes or unfreezes a wallet in the wrapper. TRANSFER_AGENT.
    function setAddressFrozen(address wallet, bool frozen) external;

    /// @notice Allows (or disallows) an account of the fund (PROTOCOL class, e.g. a lending market) to hold
    /// wrapped shares. ISSUER.
    function setProtocolAccountAllowed(address account, bool allowed) external;

    /// @notice Pauses wrapped transfers, wrapping and unwrapping. GUARDIAN.
    function pause() external;

    /// @notice Lifts the wrapper's pause (the fund token's own pause is separate). ISSUER.
    function unpause() external;
}
