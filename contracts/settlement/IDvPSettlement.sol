// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IFundToken} from "../interfaces/IFundToken.sol";

/// @title IDvPSettlement
/// @notice Delivery-versus-payment of secondary trades of the fund token on the fund's chain, against an
/// on-chain stablecoin payment (atomic exchange once both legs are committed) or an off-chain payment that the
/// settlement agent (the orchestrator watching a bank payment rail) acknowledges and confirms before a deadline.
/// @dev Trades are denominated in escrowed shares: the seller names a token amount, the escrow records the
/// shares it received, and exactly those shares (with the yield they earned in escrow) go to the buyer on
/// settlement or back to the seller on refund. docs/SETTLEMENT.md describes the workflows and state machine.
interface IDvPSettlement {
    /// @notice How the trade is paid.
    enum Mode {
        OnChain,
        OffChain
    }

    /// @notice Where a trade is in its life. Terminal states: Settled, Refunded.
    /// None -> SellerCommitted | BuyerCommitted (on-chain proposal);
    /// None -> SellerCommitted (off-chain lock);
    /// SellerCommitted | BuyerCommitted -> Settled (the counterparty commits, on-chain);
    /// SellerCommitted -> Acknowledged -> Settled (agent acknowledges, then confirms the payment, off-chain);
    /// SellerCommitted | BuyerCommitted | Acknowledged -> Refunded (after the deadline; off-chain also on rejection).
    enum Status {
        None,
        SellerCommitted,
        BuyerCommitted,
        Acknowledged,
        Settled,
        Refunded
    }

    /// @notice A trade. Five storage words.
    struct Trade {
        address seller;
        /// Last second at which the trade may settle; refunds are possible strictly after it.
        uint40 deadline;
        Mode mode;
        Status status;
        address buyer;
        /// Off-chain: when the settlement agent acknowledged the trade (0 before).
        uint40 acknowledgedAt;
        /// Off-chain: ISO 4217 currency of the payment, e.g. "USD".
        bytes3 currency;
        /// Token amount the seller committed (at the index of its commitment).
        uint128 amount;
        /// Shares held in escrow for the trade (0 until the seller commits).
        uint128 shares;
        /// On-chain: the stablecoin paid; zero off-chain.
        address paymentToken;
        /// On-chain: stablecoin units; off-chain: minor units of `currency` (e.g. cents).
        uint96 price;
        /// Off-chain: the payment reference the agent confirmed (0 before).
        bytes32 paymentReference;
    }

    /// @notice Terms of a trade paid on-chain.
    struct OnChainTerms {
        address seller;
        address buyer;
        /// Token amount the seller delivers (converted to shares when the seller commits).
        uint256 amount;
        address paymentToken;
        uint256 price;
        uint40 deadline;
    }

    /// @notice Terms of a trade paid off-chain (the seller is the caller; the deadline is now + the window).
    struct OffChainTerms {
        address buyer;
        uint256 amount;
        uint256 price;
        bytes3 currency;
    }

    /// @notice The fund token, a party or the payment token is the zero address, or not a contract.
    error InvalidAddress(address value);
    /// @notice Seller and buyer are the same wallet.
    error SelfTrade(address wallet);
    /// @notice The caller is not the party of the trade that may act.
    error CallerNotParty(uint256 tradeId, address caller);
    /// @notice The token amount is zero or does not fit 128 bits.
    error InvalidAmount(uint256 amount);
    /// @notice The price is zero or does not fit 96 bits.
    error InvalidPrice(uint256 price);
    /// @notice The currency code is not three upper-case letters.
    error InvalidCurrency(bytes3 currency);
    /// @notice The stablecoin is not accepted for on-chain payment.
    error PaymentTokenNotAllowed(address paymentToken);
    /// @notice The deadline is not in the future or too far away.
    error InvalidDeadline(uint40 deadline, uint256 latest);
    /// @notice The off-chain payment window is outside the bounds.
    error InvalidPaymentWindow(uint32 window);
    /// @notice No trade has this id.
    error UnknownTrade(uint256 tradeId);
    /// @notice The function does not apply to the trade's payment mode.
    error WrongMode(uint256 tradeId, Mode mode);
    /// @notice The trade is not in a state from which this transition is allowed.
    error InvalidStatus(uint256 tradeId, Status status);
    /// @notice The deadline has passed: the trade can no longer settle.
    error TradeExpired(uint256 tradeId, uint40 deadline);
    /// @notice The deadline has not passed: the trade cannot be refunded yet.
    error TradeNotExpired(uint256 tradeId, uint40 deadline);
    /// @notice The escrow received no share for the seller's amount.
    error NothingEscrowed(uint256 tradeId, uint256 amount);
    /// @notice The release to the buyer would be refused by the token now (TransferRestrictions code).
    error ReleaseRestricted(uint256 tradeId, uint8 restriction);
    /// @notice A payment reference or rejection reason is zero.
    error EmptyReference(uint256 tradeId);
    /// @notice The seller may no longer sell (reason code of TransferRestrictions: SENDER_FROZEN,
    /// SENDER_NOT_VERIFIED or SENDER_SANCTIONED), so the trade cannot settle.
    error SellerRestricted(uint256 tradeId, uint8 restriction);

    /// @notice A trade paid on-chain was proposed by one of its parties.
    event TradeProposed(
        uint256 indexed tradeId,
        address indexed seller,
        address indexed buyer,
        uint256 amount,
        address paymentToken,
        uint256 price,
        uint40 deadline
    );
    /// @notice A trade paid off-chain was opened by its seller (whose tokens are locked in the same transaction).
    event OffChainTradeOpened(
        uint256 indexed tradeId,
        address indexed seller,
        address indexed buyer,
        uint256 amount,
        uint256 price,
        bytes3 currency,
        uint40 deadline
    );
    /// @notice The seller's tokens moved into escrow: None/BuyerCommitted -> SellerCommitted (or on to Settled).
    event SellerCommitted(uint256 indexed tradeId, address indexed seller, uint256 amount, uint256 shares);
    /// @notice The buyer's payment was committed: None -> BuyerCommitted (or on to Settled).
    event BuyerCommitted(uint256 indexed tradeId, address indexed buyer, address paymentToken, uint256 price);
    /// @notice The settlement agent pre-validated the trade: SellerCommitted -> Acknowledged.
    event TradeAcknowledged(uint256 indexed tradeId, address indexed agent);
    /// @notice The settlement agent confirmed the off-chain payment (followed by {TradeSettled}).
    event PaymentConfirmed(uint256 indexed tradeId, address indexed agent, bytes32 paymentReference);
    /// @notice The settlement agent rejected the trade (followed by {SellerRefunded}).
    event TradeRejected(uint256 indexed tradeId, address indexed agent, bytes32 reason);
    /// @notice Both legs exchanged: -> Settled. `amount` is the token amount the buyer received for `shares`.
    event TradeSettled(
        uint256 indexed tradeId,
        address indexed seller,
        address indexed buyer,
        uint256 shares,
        uint256 amount,
        address paymentToken,
        uint256 price
    );
    /// @notice The seller's escrowed shares went back to the seller: -> Refunded.
    event SellerRefunded(uint256 indexed tradeId, address indexed seller, uint256 shares, uint256 amount);
    /// @notice The buyer's escrowed payment went back to the buyer: BuyerCommitted -> Refunded.
    event BuyerRefunded(uint256 indexed tradeId, address indexed buyer, address paymentToken, uint256 price);
    /// @notice A stablecoin was accepted or refused for on-chain payment.
    event PaymentTokenAllowed(address indexed paymentToken, bool oldAllowed, bool newAllowed);
    /// @notice The off-chain payment window changed.
    event OffChainPaymentWindowChanged(uint32 oldWindow, uint32 newWindow);

    /// @notice Proposes a trade paid on-chain and commits the caller's leg: the seller's tokens (the token's
    /// sender rules apply now) or the buyer's payment. The caller must be the seller or the buyer.
    /// @param terms The trade; the deadline must be in the future and within {MAX_TRADE_DURATION}.
    /// @return tradeId The new trade's id.
    function proposeTrade(OnChainTerms calldata terms) external returns (uint256 tradeId);

    /// @notice Commits the counterparty's leg of an on-chain trade and exchanges both legs in the same
    /// transaction: the escrowed shares go to the buyer (the token's recipient rules apply) and the price to
    /// the seller, who must still be able to sell (verified, not frozen, not sanctioned whatever the
    /// compliance's sanctions switch; SellerRestricted). Only the party whose leg is missing, until the deadline.
    /// @param tradeId The trade.
    function commit(uint256 tradeId) external;

    /// @notice Locks the caller's tokens for a trade paid off-chain; the deadline is now plus
    /// {offChainPaymentWindow}.
    /// @param terms The trade.
    /// @return tradeId The new trade's id.
    function openOffChainTrade(OffChainTerms calldata terms) external returns (uint256 tradeId);

    /// @notice The settlement agent pre-validates an off-chain trade before instructing the payment: the release
    /// to the buyer must be allowed by the token now (ReleaseRestricted) and the seller must still be able to sell
    /// (SellerRestricted, as in {commit}). Records the acknowledgement. SETTLEMENT_AGENT.
    /// @param tradeId The trade.
    function acknowledge(uint256 tradeId) external;

    /// @notice The settlement agent confirms the off-chain payment: the escrowed shares go to the buyer (the
    /// token's recipient rules apply; a refusal reverts with the token's error). Until the deadline.
    /// SETTLEMENT_AGENT.
    /// @param tradeId The trade.
    /// @param paymentReference The payment rail's reference of the payment (non-zero).
    function confirmPayment(uint256 tradeId, bytes32 paymentReference) external;

    /// @notice The settlement agent rejects an off-chain trade before settlement (pre-validation failed, payment
    /// failed): the shares go back to the seller at once. SETTLEMENT_AGENT.
    /// @param tradeId The trade.
    /// @param reason A non-zero reason code or reference.
    function rejectTrade(uint256 tradeId, bytes32 reason) external;

    /// @notice After the deadline of a trade that did not settle, returns every escrowed leg to its owner.
    /// Anyone may call: the destination is fixed.
    /// @param tradeId The trade.
    function refund(uint256 tradeId) external;

    /// @notice Accepts or refuses a stablecoin for on-chain payment. ISSUER.
    /// @param paymentToken A plain ERC-20 (no fee on transfer, no rebasing), not the fund token.
    /// @param allowed Whether new trades may use it (open trades keep theirs).
    function setPaymentToken(address paymentToken, bool allowed) external;

    /// @notice Sets the time the off-chain payment has before a new trade may be refunded. ISSUER.
    /// @param window Seconds, within [{MIN_PAYMENT_WINDOW}, {MAX_TRADE_DURATION}].
    function setOffChainPaymentWindow(uint32 window) external;

    /// @notice A trade.
    function trade(uint256 tradeId) external view returns (Trade memory);

    /// @notice Number of trades created; ids run from 1 to this number.
    function tradeCount() external view returns (uint64);

    /// @notice The fund token.
    function token() external view returns (IFundToken);

    /// @notice The off-chain payment window given to new trades.
    function offChainPaymentWindow() external view returns (uint32);

    /// @notice Whether the stablecoin is accepted for new on-chain trades.
    function isPaymentToken(address paymentToken) external view returns (bool);

    /// @notice The TransferRestrictions code the release of the trade's shares to its buyer would meet now
    /// (0 = allowed). The orchestrator calls it before instructing a payment.
    function releaseRestriction(uint256 tradeId) external view returns (uint8);
}
