// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IFundToken} from "../interfaces/IFundToken.sol";
import {ICcipEndpoint} from "./ICcipEndpoint.sol";

/// @title ICrossChainAssetEscrow
/// @notice The asset leg of a cross-chain trade, on the fund's chain: the seller's tokens are locked and a LOCK
/// message carries the payment terms to the payment-chain escrow; its CONFIRM message releases the tokens to the
/// buyer, its CANCEL message (or, failing any answer, a timeout) returns them to the seller.
/// @dev Trades are denominated in escrowed shares: the yield earned while locked goes with the shares (to the
/// buyer on release, to the seller on refund). Status machine:
/// None -> Locked (lock);
/// Locked -> ReleasePending -> Released (CONFIRM; the release is attempted at once and retried by {complete});
/// Locked -> RefundPending -> Refunded (CANCEL; likewise);
/// Locked -> Refunded (timeout: {refundExpired} from `refundableAt`).
/// A decision that arrives for a trade no longer Locked changes nothing and is reported by {DecisionIgnored}.
interface ICrossChainAssetEscrow is ICcipEndpoint {
    /// @notice Where a cross-chain trade is on the asset chain.
    enum Status {
        None,
        Locked,
        ReleasePending,
        Released,
        RefundPending,
        Refunded
    }

    /// @notice A cross-chain trade on the asset chain. Three storage words.
    struct Trade {
        address seller;
        /// Last second of the payment on the payment chain.
        uint40 paymentDeadline;
        /// First second at which the seller may be refunded without a CANCEL message.
        uint40 refundableAt;
        Status status;
        address buyer;
        uint64 paymentChainSelector;
        /// Shares locked for the trade.
        uint256 shares;
    }

    /// @notice Terms of a cross-chain trade; the seller is the caller.
    struct LockTerms {
        /// The buyer's wallet on this chain, which receives the tokens.
        address buyer;
        /// Token amount locked (converted to shares now).
        uint256 amount;
        /// The chain where the buyer pays.
        uint64 paymentChainSelector;
        /// The buyer's wallet on the payment chain.
        address payer;
        /// The seller's wallet on the payment chain.
        address payee;
        /// Stablecoin units on the payment chain.
        uint256 price;
        /// Last second at which the buyer may pay.
        uint40 paymentDeadline;
    }

    /// @notice A party or a wallet on the payment chain is the zero address.
    error InvalidAddress(address value);
    /// @notice Seller and buyer are the same wallet.
    error SelfTrade(address wallet);
    /// @notice The token amount is zero or does not fit 128 bits.
    error InvalidAmount(uint256 amount);
    /// @notice The price is zero or does not fit 96 bits.
    error InvalidPrice(uint256 price);
    /// @notice The payment deadline is not in the future or too far away.
    error InvalidDeadline(uint40 deadline, uint256 latest);
    /// @notice The confirmation grace is outside the bounds.
    error InvalidConfirmationGrace(uint32 grace);
    /// @notice The release to the buyer would be refused by the token now (TransferRestrictions code).
    error ReleaseRestricted(uint8 restriction);
    /// @notice The seller or its payee is on the fund compliance's sanctions list or flagged by its oracle.
    error WalletSanctioned(address wallet);
    /// @notice No trade has this id.
    error UnknownTrade(bytes32 tradeId);
    /// @notice A decision for the trade came from another chain than its payment chain.
    error TradeOfAnotherChain(bytes32 tradeId, uint64 sourceChainSelector);
    /// @notice The trade is not in a state from which this transition is allowed.
    error InvalidStatus(bytes32 tradeId, Status status);
    /// @notice The trade cannot be refunded by timeout yet.
    error TradeNotExpired(bytes32 tradeId, uint40 refundableAt);

    /// @notice The seller's tokens were locked (None -> Locked); a LOCK message follows ({MessageSent}).
    event TradeLocked(
        bytes32 indexed tradeId,
        address indexed seller,
        address indexed buyer,
        LockTerms terms,
        uint256 shares,
        uint40 refundableAt
    );
    /// @notice A CONFIRM message arrived for a Locked trade: the release to the buyer follows in the same
    /// transaction (Locked -> Released, TradeReleased), or Locked -> ReleasePending if the token refuses it
    /// (TransferFailed; retried later).
    event PaymentConfirmed(bytes32 indexed tradeId, bytes32 indexed messageId);
    /// @notice A CANCEL message arrived for a Locked trade: the refund to the seller follows in the same
    /// transaction (Locked -> Refunded, TradeRefunded), or Locked -> RefundPending if the token refuses it
    /// (TransferFailed; retried later).
    event TradeCancelled(bytes32 indexed tradeId, bytes32 indexed messageId);
    /// @notice No decision arrived in time: Locked -> Refunded (the refund follows).
    event TradeTimedOut(bytes32 indexed tradeId);
    /// @notice A decision arrived for a trade no longer Locked (e.g. a confirmation after the timeout refund).
    event DecisionIgnored(bytes32 indexed tradeId, bytes32 indexed messageId, uint8 kind, Status status);
    /// @notice The tokens went to the buyer: ReleasePending -> Released.
    event TradeReleased(bytes32 indexed tradeId, address indexed buyer, uint256 shares, uint256 amount);
    /// @notice The tokens went back to the seller: -> Refunded.
    event TradeRefunded(bytes32 indexed tradeId, address indexed seller, uint256 shares, uint256 amount);
    /// @notice The token refused the release or refund (its revert data); the trade stays pending for {complete}.
    event TransferFailed(bytes32 indexed tradeId, address indexed to, bytes reason);
    /// @notice The confirmation grace changed.
    event ConfirmationGraceChanged(uint32 oldGrace, uint32 newGrace);

    /// @notice Locks the caller's tokens for a cross-chain trade and sends the LOCK message to the payment chain's
    /// peer, carrying the seller, the buyer, the shares locked, the token amount and the payment terms (the payer
    /// confirms all of them when it pays). Neither the seller nor the payee may be sanctioned (the compliance's
    /// list and oracle, whatever its sanctions switch); the release to the buyer is pre-validated (the token must
    /// allow it now). Payable: the CCIP fee in native gas (see {quoteFee} with kind LOCK); the excess is returned.
    /// @param terms The trade.
    /// @return tradeId The trade's id, unique across chains.
    function lock(LockTerms calldata terms) external payable returns (bytes32 tradeId);

    /// @notice Completes a pending release (to the buyer) or refund (to the seller) whose transfer the token
    /// refused when the decision arrived; reverts with the token's error while it still refuses. Anyone.
    /// @param tradeId The trade.
    function complete(bytes32 tradeId) external;

    /// @notice Refunds the seller of a trade still Locked from its `refundableAt` (no decision arrived). Anyone.
    /// @param tradeId The trade.
    function refundExpired(bytes32 tradeId) external;

    /// @notice Sets the time after the payment deadline during which a confirmation can still arrive before the
    /// seller may be refunded by timeout; new trades only. ISSUER.
    /// @param grace Seconds, within [{MIN_CONFIRMATION_GRACE}, {MAX_CONFIRMATION_GRACE}].
    function setConfirmationGrace(uint32 grace) external;

    /// @notice A trade.
    function trade(bytes32 tradeId) external view returns (Trade memory);

    /// @notice Number of trades locked.
    function tradeCount() external view returns (uint64);

    /// @notice The fund token.
    function token() external view returns (IFundToken);

    /// @notice The confirmation grace given to new trades.
    function confirmationGrace() external view returns (uint32);
}
