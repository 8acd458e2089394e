// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ICcipEndpoint} from "./ICcipEndpoint.sol";
import {SettlementMessages} from "./SettlementMessages.sol";

/// @title ICrossChainPaymentEscrow
/// @notice The payment leg of a cross-chain trade, on the payment chain: a LOCK message from the asset chain opens
/// a payment request; the buyer pays the stablecoin into this escrow, which pays the seller at once and sends
/// CONFIRM to the asset chain; a payment that fails or is not made by the deadline is cancelled (the buyer gets
/// the stablecoin back) and CANCEL returns the tokens to the seller on the asset chain.
/// @dev This escrow is the single decision point of a cross-chain trade: each trade ends Paid or Cancelled,
/// never both, and exactly one decision message is sent. Status machine:
/// None -> AwaitingPayment (LOCK); AwaitingPayment -> Funded (the buyer paid in);
/// Funded -> Paid (the seller was paid; CONFIRM sent) until the deadline;
/// AwaitingPayment | Funded -> Cancelled (after the deadline; the buyer refunded if Funded; CANCEL sent).
/// The payer pays for exact terms: the LOCK message carries the delivery (seller, buyer, shares, token amount) with
/// the payment terms, this escrow stores and emits them, and {pay} takes the hash of the terms the payer confirms
/// ({termsHash}, {tradeTerms}) and refuses any other.
interface ICrossChainPaymentEscrow is ICcipEndpoint {
    /// @notice Where a trade's payment is.
    enum Status {
        None,
        AwaitingPayment,
        Funded,
        Paid,
        Cancelled
    }

    /// @notice A payment request and the delivery it pays for, as the LOCK message announced it. Six storage
    /// words.
    struct Payment {
        address payer;
        /// Last second at which the payment may be made and executed.
        uint40 deadline;
        Status status;
        address payee;
        uint96 price;
        /// The asset-chain escrow that sent the LOCK message, which receives the decision.
        address assetEscrow;
        uint64 assetChainSelector;
        /// The seller's wallet on the asset chain.
        address seller;
        /// This chain's CCIP selector, as the asset escrow addressed the LOCK.
        uint64 paymentChainSelector;
        /// The buyer's wallet on the asset chain, which receives the tokens on CONFIRM.
        address buyer;
        /// Shares locked on the asset chain for the buyer.
        uint128 shares;
        /// Token amount the seller locked (the shares' worth at lock time).
        uint128 amount;
    }

    /// @notice The payment token is not a contract.
    error InvalidPaymentToken(address paymentToken);
    /// @notice The trade id is already known.
    error TradeAlreadyKnown(bytes32 tradeId);
    /// @notice No payment request has this id.
    error UnknownTrade(bytes32 tradeId);
    /// @notice The payment is not in a state from which this transition is allowed.
    error InvalidStatus(bytes32 tradeId, Status status);
    /// @notice Only the trade's payer may pay.
    error CallerNotPayer(bytes32 tradeId, address caller);
    /// @notice The payment deadline has passed.
    error PaymentDeadlinePassed(bytes32 tradeId, uint40 deadline);
    /// @notice The payment deadline has not passed: the trade cannot be cancelled yet.
    error PaymentDeadlineNotPassed(bytes32 tradeId, uint40 deadline);
    /// @notice The stablecoin refused the transfer to the seller.
    error PaymentTransferFailed(bytes32 tradeId, address payee, uint256 price);
    /// @notice The terms the payer confirmed are not the trade's: `expected` is {termsHash} of the trade,
    /// `confirmed` the hash the payer sent.
    error TermsMismatch(bytes32 tradeId, bytes32 expected, bytes32 confirmed);

    /// @notice A LOCK message opened a payment request: None -> AwaitingPayment. `terms` are every term of the
    /// trade (what {tradeTerms} returns) and `termsHash` their hash (what {pay} must be given).
    event PaymentRequested(
        bytes32 indexed tradeId,
        uint64 indexed assetChainSelector,
        address indexed payer,
        SettlementMessages.TradeTerms terms,
        bytes32 termsHash
    );
    /// @notice The buyer paid the price into the escrow for the terms of `termsHash`: AwaitingPayment -> Funded.
    event PaymentFunded(bytes32 indexed tradeId, address indexed payer, uint256 price, bytes32 termsHash);
    /// @notice The seller was paid: Funded -> Paid; a CONFIRM message follows ({MessageSent}).
    event PaymentExecuted(bytes32 indexed tradeId, address indexed payee, uint256 price);
    /// @notice The stablecoin refused the transfer to the seller; the payment stays Funded.
    event PaymentFailed(bytes32 indexed tradeId, address indexed payee, uint256 price);
    /// @notice The trade was cancelled: -> Cancelled; a CANCEL message follows. `refunded` went back to the payer.
    event PaymentCancelled(bytes32 indexed tradeId, address indexed payer, uint256 refunded);

    /// @notice The buyer pays the price into the escrow (allowance needed) for the terms it confirms; the escrow
    /// pays the seller and sends CONFIRM, whose CCIP fee (native gas, see {quoteFee} with kind CONFIRM) the caller
    /// pays from the value sent, the excess returned. If the stablecoin refuses the transfer to the seller, the
    /// payment stays Funded (and the whole value is returned): {executePayment} retries, {cancel} refunds after
    /// the deadline. Only the payer, until the deadline.
    /// @param tradeId The trade.
    /// @param confirmedTermsHash The hash of the terms the payer agreed to ({termsHash}); any other hash is
    /// refused with TermsMismatch and nothing moves.
    function pay(bytes32 tradeId, bytes32 confirmedTermsHash) external payable;

    /// @notice Retries paying the seller of a Funded payment until the deadline; reverts if the stablecoin still
    /// refuses. Anyone; the caller pays the CONFIRM fee.
    /// @param tradeId The trade.
    function executePayment(bytes32 tradeId) external payable;

    /// @notice After the deadline, cancels an unpaid trade: refunds the buyer if it paid in and sends CANCEL.
    /// Anyone; the caller pays the CANCEL fee.
    /// @param tradeId The trade.
    function cancel(bytes32 tradeId) external payable;

    /// @notice A payment request (all zero for an unknown trade).
    function payment(bytes32 tradeId) external view returns (Payment memory);

    /// @notice Every term of a known trade, as the payer confirms them: trade id, both chains and escrows, the
    /// stablecoin, seller, buyer, shares, token amount, payer, payee, price and deadline. Reverts with
    /// UnknownTrade for an unknown trade.
    function tradeTerms(bytes32 tradeId) external view returns (SettlementMessages.TradeTerms memory);

    /// @notice The hash {pay} requires for a known trade: the EIP-712 struct hash of {tradeTerms}
    /// (`SettlementMessages.TRADE_TERMS_TYPEHASH`). Reverts with UnknownTrade for an unknown trade.
    function termsHash(bytes32 tradeId) external view returns (bytes32);

    /// @notice The stablecoin of every payment.
    function paymentToken() external view returns (IERC20);
}
