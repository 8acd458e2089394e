// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ManagedUpgradeable} from "../governance/ManagedUpgradeable.sol";
import {IFundToken} from "../interfaces/IFundToken.sol";
import {IFundCompliance} from "../interfaces/IFundCompliance.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {TransferRestrictions} from "../compliance/TransferRestrictions.sol";
import {IDvPSettlement} from "./IDvPSettlement.sol";
import {ShareEscrow} from "./ShareEscrow.sol";

/// @title DvPSettlement
/// @notice Delivery-versus-payment of secondary trades of the fund token between verified investors, on the
/// fund's chain:
/// - paid on-chain: one party proposes the trade and commits its leg (the seller's tokens or the buyer's
///   stablecoin); when the other party commits, both legs are exchanged in that same transaction;
/// - paid off-chain: the seller's tokens are locked; the settlement agent (the orchestrator watching the bank
///   payment rail) acknowledges the trade after pre-validating the release, then confirms the payment with its
///   reference, which releases the tokens to the buyer; without confirmation the seller is refunded after the
///   deadline.
/// @dev This contract is an account of the fund (PROTOCOL class in the identity registry): the seller's commitment
/// is a token transfer into it (the token's sender rules apply to the seller then) and the release is a transfer
/// out of it (the token's recipient rules apply to the buyer then). Trades are denominated in escrowed shares
/// (see ShareEscrow): the yield earned in escrow goes with the shares, to the buyer on settlement, back to the
/// seller on refund. Settlement is possible until the deadline (inclusive), refunds only after it, so the two
/// never compete; every transition checks the current status, so a trade can end in only one terminal state.
contract DvPSettlement is ManagedUpgradeable, ReentrancyGuardTransient, IDvPSettlement {
    using SafeERC20 for IERC20;
    using ShareEscrow for IFundToken;

    /// @notice Longest time between a trade's creation and its deadline.
    uint40 public constant MAX_TRADE_DURATION = 30 days;
    /// @notice Shortest off-chain payment window.
    uint32 public constant MIN_PAYMENT_WINDOW = 1 hours;

    /// @dev One word read by every trade creation.
    struct Config {
        IFundToken token;
        uint32 offChainPaymentWindow;
        uint64 tradeCount;
    }

    /// @custom:storage-location erc7201:fundsuite.storage.DvPSettlement
    struct DvPSettlementStorage {
        Config config;
        mapping(uint256 tradeId => Trade) trades;
        mapping(address paymentToken => bool) paymentTokens;
    }

    // keccak256(abi.encode(uint256(keccak256("fundsuite.storage.DvPSettlement")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_SLOT =
        0x36bd7f377ae6ca4f0c3a069b2d2eb6410d714868ad9b577b3048e48219917300;

    function _s() private pure returns (DvPSettlementStorage storage $) {
        assembly {
            $.slot := _STORAGE_SLOT
        }
    }

    /// @notice Initialises the settlement behind its proxy.
    /// @param authority The AccessManager.
    /// @param fundToken The fund token.
    /// @param offChainWindow Off-chain payment window of new trades, in seconds.
    function initialize(address authority, address fundToken, uint32 offChainWindow) external initializer {
        __Managed_init(authority);
        if (fundToken.code.length == 0) revert InvalidAddress(fundToken);
        _s().config.token = IFundToken(fundToken);
        _setOffChainPaymentWindow(offChainWindow);
    }

    // =================================================================== on-chain payment

    /// @inheritdoc IDvPSettlement
    function proposeTrade(OnChainTerms calldata terms) external nonReentrant returns (uint256 tradeId) {
        DvPSettlementStorage storage $ = _s();
        Config memory cfg = $.config;
        _checkParties(terms.seller, terms.buyer);
        bool bySeller = msg.sender == terms.seller;
        if (!bySeller && msg.sender != terms.buyer) revert CallerNotParty(0, msg.sender);
        _checkAmountAndPrice(terms.amount, terms.price);
        if (!$.paymentTokens[terms.paymentToken]) revert PaymentTokenNotAllowed(terms.paymentToken);
        uint256 latest = block.timestamp + MAX_TRADE_DURATION;
        if (terms.deadline <= block.timestamp || terms.deadline > latest) {
            revert InvalidDeadline(terms.deadline, latest);
        }
        tradeId = _nextTradeId($, cfg);
        emit TradeProposed(
            tradeId,
            terms.seller,
            terms.buyer,
            terms.amount,
            terms.paymentToken,
            terms.price,
            terms.deadline
        );
        uint256 shares;
        Status status;
        if (bySeller) {
            shares = cfg.token.pull(terms.seller, terms.amount);
            status = Status.SellerCommitted;
            emit SellerCommitted(tradeId, terms.seller, terms.amount, shares);
        } else {
            IERC20(terms.paymentToken).safeTransferFrom(terms.buyer, address(this), terms.price);
            status = Status.BuyerCommitted;
            emit BuyerCommitted(tradeId, terms.buyer, terms.paymentToken, terms.price);
        }
        $.trades[tradeId] = Trade({
            seller: terms.seller,
            deadline: terms.deadline,
            mode: Mode.OnChain,
            status: status,
            buyer: terms.buyer,
            acknowledgedAt: 0,
            currency: bytes3(0),
            amount: uint128(terms.amount),
            shares: uint128(shares),
            paymentToken: terms.paymentToken,
            price: uint96(terms.price),
            paymentReference: bytes32(0)
        });
    }

    /// @inheritdoc IDvPSettlement
    function commit(uint256 tradeId) external nonReentrant {
        DvPSettlementStorage storage $ = _s();
        Trade storage tr = _trade($, tradeId);
        Trade memory t = tr;
        if (t.mode != Mode.OnChain) revert WrongMode(tradeId, t.mode);
        if (block.timestamp > t.deadline) revert TradeExpired(tradeId, t.deadline);
        IFundToken fundToken = $.config.token;
        _checkSeller(fundToken, tradeId, t.seller);
        if (t.status == Status.SellerCommitted) {
            if (msg.sender != t.buyer) revert CallerNotParty(tradeId, msg.sender);
            tr.status = Status.Settled;
            emit BuyerCommitted(tradeId, t.buyer, t.paymentToken, t.price);
            // The price goes straight from the buyer to the seller: both legs move in this transaction.
            IERC20(t.paymentToken).safeTransferFrom(t.buyer, t.seller, t.price);
        } else if (t.status == Status.BuyerCommitted) {
            if (msg.sender != t.seller) revert CallerNotParty(tradeId, msg.sender);
            t.shares = uint128(fundToken.pull(t.seller, t.amount));
            tr.status = Status.Settled;
            tr.shares = t.shares;
            emit SellerCommitted(tradeId, t.seller, t.amount, t.shares);
            IERC20(t.paymentToken).safeTransfer(t.seller, t.price);
        } else {
            revert InvalidStatus(tradeId, t.status);
        }
        uint256 delivered = fundToken.push(t.buyer, t.shares);
        emit TradeSettled(tradeId, t.seller, t.buyer, t.shares, delivered, t.paymentToken, t.price);
    }

    // =================================================================== off-chain payment

    /// @inheritdoc IDvPSettlement
    function openOffChainTrade(OffChainTerms calldata terms) external nonReentrant returns (uint256 tradeId) {
        DvPSettlementStorage storage $ = _s();
        Config memory cfg = $.config;
        _checkParties(msg.sender, terms.buyer);
        _checkAmountAndPrice(terms.amount, terms.price);
        _checkCurrency(terms.currency);
        uint40 deadline = uint40(block.timestamp) + cfg.offChainPaymentWindow;
        tradeId = _nextTradeId($, cfg);
        emit OffChainTradeOpened(
            tradeId,
            msg.sender,
            terms.buyer,
            terms.amount,
            terms.price,
            terms.currency,
            deadline
        );
        uint256 shares = cfg.token.pull(msg.sender, terms.amount);
        emit SellerCommitted(tradeId, msg.sender, terms.amount, shares);
        $.trades[tradeId] = Trade({
            seller: msg.sender,
            deadline: deadline,
            mode: Mode.OffChain,
            status: Status.SellerCommitted,
            buyer: terms.buyer,
            acknowledgedAt: 0,
            currency: terms.currency,
            amount: uint128(terms.amount),
            shares: uint128(shares),
            paymentToken: address(0),
            price: uint96(terms.price),
            paymentReference: bytes32(0)
        });
    }

    /// @inheritdoc IDvPSettlement
    function acknowledge(uint256 tradeId) external restricted {
        DvPSettlementStorage storage $ = _s();
        Trade storage tr = _offChainTrade($, tradeId);
        if (tr.status != Status.SellerCommitted) revert InvalidStatus(tradeId, tr.status);
        _requireOpen(tradeId, tr.deadline);
        IFundToken fundToken = $.config.token;
        uint8 code = fundToken.restriction(tr.buyer, tr.shares);
        if (code != 0) revert ReleaseRestricted(tradeId, code);
        _checkSeller(fundToken, tradeId, tr.seller);
        tr.status = Status.Acknowledged;
        tr.acknowledgedAt = uint40(block.timestamp);
        emit TradeAcknowledged(tradeId, msg.sender);
    }

    /// @inheritdoc IDvPSettlement
    function confirmPayment(uint256 tradeId, bytes32 paymentReference) external restricted nonReentrant {
        DvPSettlementStorage storage $ = _s();
        Trade storage tr = _offChainTrade($, tradeId);
        Trade memory t = tr;
        if (t.status != Status.Acknowledged) revert InvalidStatus(tradeId, t.status);
        _requireOpen(tradeId, t.deadline);
        if (paymentReference == bytes32(0)) revert EmptyReference(tradeId);
        tr.status = Status.Settled;
        tr.paymentReference = paymentReference;
        emit PaymentConfirmed(tradeId, msg.sender, paymentReference);
        uint256 delivered = $.config.token.push(t.buyer, t.shares);
        emit TradeSettled(tradeId, t.seller, t.buyer, t.shares, delivered, address(0), t.price);
    }

    /// @inheritdoc IDvPSettlement
    function rejectTrade(uint256 tradeId, bytes32 reason) external restricted nonReentrant {
        DvPSettlementStorage storage $ = _s();
        Trade storage tr = _offChainTrade($, tradeId);
        Status status = tr.status;
        if (status != Status.SellerCommitted && status != Status.Acknowledged) {
            revert InvalidStatus(tradeId, status);
        }
        if (reason == bytes32(0)) revert EmptyReference(tradeId);
        tr.status = Status.Refunded;
        emit TradeRejected(tradeId, msg.sender, reason);
        _refundSeller($, tradeId, tr.seller, tr.shares);
    }

    // =================================================================== both modes

    /// @inheritdoc IDvPSettlement
    function refund(uint256 tradeId) external nonReentrant {
        DvPSettlementStorage storage $ = _s();
        Trade storage tr = _trade($, tradeId);
        Status status = tr.status;
        bool sellerLeg = status == Status.SellerCommitted || status == Status.Acknowledged;
        if (!sellerLeg && status != Status.BuyerCommitted) revert InvalidStatus(tradeId, status);
        uint40 deadline = tr.deadline;
        if (block.timestamp <= deadline) revert TradeNotExpired(tradeId, deadline);
        tr.status = Status.Refunded;
        if (sellerLeg) {
            _refundSeller($, tradeId, tr.seller, tr.shares);
        } else {
            (address buyer, address paymentToken, uint96 price) = (tr.buyer, tr.paymentToken, tr.price);
            emit BuyerRefunded(tradeId, buyer, paymentToken, price);
            IERC20(paymentToken).safeTransfer(buyer, price);
        }
    }

    // =================================================================== configuration (ISSUER)

    /// @inheritdoc IDvPSettlement
    function setPaymentToken(address paymentToken, bool allowed) external restricted {
        DvPSettlementStorage storage $ = _s();
        if (paymentToken.code.length == 0 || paymentToken == address($.config.token)) {
            revert InvalidAddress(paymentToken);
        }
        emit PaymentTokenAllowed(paymentToken, $.paymentTokens[paymentToken], allowed);
        $.paymentTokens[paymentToken] = allowed;
    }

    /// @inheritdoc IDvPSettlement
    function setOffChainPaymentWindow(uint32 window) external restricted {
        _setOffChainPaymentWindow(window);
    }

    // =================================================================== views

    /// @inheritdoc IDvPSettlement
    function trade(uint256 tradeId) external view returns (Trade memory) {
        return _s().trades[tradeId];
    }

    /// @inheritdoc IDvPSettlement
    function tradeCount() external view returns (uint64) {
        return _s().config.tradeCount;
    }

    /// @inheritdoc IDvPSettlement
    function token() external view returns (IFundToken) {
        return _s().config.token;
    }

    /// @inheritdoc IDvPSettlement
    function offChainPaymentWindow() external view returns (uint32) {
        return _s().config.offChainPaymentWindow;
    }

    /// @inheritdoc IDvPSettlement
    function isPaymentToken(address paymentToken) external view returns (bool) {
        return _s().paymentTokens[paymentToken];
    }

    /// @inheritdoc IDvPSettlement
    function releaseRestriction(uint256 tradeId) external view returns (uint8) {
        DvPSettlementStorage storage $ = _s();
        Trade storage tr = _trade($, tradeId);
        return $.config.token.restriction(tr.buyer, tr.shares);
    }

    // =================================================================== internals

    function _nextTradeId(
        DvPSettlementStorage storage $,
        Config memory cfg
    ) private returns (uint256 tradeId) {
        tradeId = uint256(cfg.tradeCount) + 1;
        $.config.tradeCount = uint64(tradeId);
    }

    function _trade(DvPSettlementStorage storage $, uint256 tradeId) private view returns (Trade storage tr) {
        tr = $.trades[tradeId];
        if (tr.status == Status.None) revert UnknownTrade(tradeId);
    }

    function _offChainTrade(
        DvPSettlementStorage storage $,
        uint256 tradeId
    ) private view returns (Trade storage tr) {
        tr = _trade($, tradeId);
        if (tr.mode != Mode.OffChain) revert WrongMode(tradeId, tr.mode);
    }

    function _requireOpen(uint256 tradeId, uint40 deadline) private view {
        if (block.timestamp > deadline) revert TradeExpired(tradeId, deadline);
    }

    function _refundSeller(
        DvPSettlementStorage storage $,
        uint256 tradeId,
        address seller,
        uint256 shares
    ) private {
        uint256 amount = $.config.token.push(seller, shares);
        emit SellerRefunded(tradeId, seller, shares, amount);
    }

    /// @dev The seller is paid at settlement (on-chain) or on the agent's instruction after the acknowledgement
    /// (off-chain), possibly long after its tokens were escrowed: it must still be verified and not frozen, and
    /// never sanctioned, whatever the compliance's sanctions switch (the fund manager screens the same way).
    function _checkSeller(IFundToken fundToken, uint256 tradeId, address seller) private view {
        uint8 code;
        if (fundToken.isFrozen(seller)) code = TransferRestrictions.SENDER_FROZEN;
        else if (!IIdentityRegistry(address(fundToken.identityRegistry())).isVerified(seller)) {
            code = TransferRestrictions.SENDER_NOT_VERIFIED;
        } else if (IFundCompliance(address(fundToken.compliance())).isSanctioned(seller)) {
            code = TransferRestrictions.SENDER_SANCTIONED;
        }
        if (code != TransferRestrictions.NONE) revert SellerRestricted(tradeId, code);
    }

    function _checkParties(address seller, address buyer) private pure {
        if (seller == address(0)) revert InvalidAddress(seller);
        if (buyer == address(0)) revert InvalidAddress(buyer);
        if (seller == buyer) revert SelfTrade(seller);
    }

    function _checkAmountAndPrice(uint256 amount, uint256 price) private pure {
        if (amount == 0 || amount > type(uint128).max) revert InvalidAmount(amount);
        if (price == 0 || price > type(uint96).max) revert InvalidPrice(price);
    }

    function _checkCurrency(bytes3 currency) private pure {
        for (uint256 i; i < 3; ++i) {
            bytes1 c = currency[i];
            if (c < "A" || c > "Z") revert InvalidCurrency(currency);
        }
    }

    function _setOffChainPaymentWindow(uint32 window) private {
        if (window < MIN_PAYMENT_WINDOW || window > MAX_TRADE_DURATION) revert InvalidPaymentWindow(window);
        Config storage cfg = _s().config;
        emit OffChainPaymentWindowChanged(cfg.offChainPaymentWindow, window);
        cfg.offChainPaymentWindow = window;
    }
}
