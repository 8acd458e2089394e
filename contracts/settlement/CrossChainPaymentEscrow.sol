// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Client} from "@chainlink/contracts-ccip/contracts/libraries/Client.sol";
import {CcipEndpoint} from "./CcipEndpoint.sol";
import {ICrossChainPaymentEscrow} from "./ICrossChainPaymentEscrow.sol";
import {SettlementMessages as Msg} from "./SettlementMessages.sol";

/// @title CrossChainPaymentEscrow
/// @notice The payment leg of a cross-chain delivery-versus-payment trade, on the payment chain: it holds the
/// buyer's stablecoin only for the instant of the payment (or until a failed payment is cancelled), pays the
/// seller, and tells the asset chain the outcome: CONFIRM (release the tokens to the buyer) or CANCEL (return
/// them to the seller). The payer pays for exact terms: the LOCK message carries the delivery (seller, buyer,
/// shares, token amount) with the payment terms, and {pay} refuses any hash but that of every term of the trade.
/// @dev This escrow decides each trade exactly once: Paid (only until the deadline) or Cancelled (only after it).
/// The asset chain lets its seller be refunded by timeout only a confirmation grace after that deadline, so a
/// CONFIRM sent before the deadline arrives first as long as CCIP delivers within the grace.
contract CrossChainPaymentEscrow is CcipEndpoint, ICrossChainPaymentEscrow {
    using SafeERC20 for IERC20;

    /// @custom:storage-location erc7201:fundsuite.storage.CrossChainPaymentEscrow
    struct CrossChainPaymentEscrowStorage {
        IERC20 paymentToken;
        mapping(bytes32 tradeId => Payment) payments;
    }

    // keccak256(abi.encode(uint256(keccak256("fundsuite.storage.CrossChainPaymentEscrow")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_SLOT =
        0xc105d49e7e008e4dcd9a63a2a1b5ef55c9133cdde90180a2f06f296be5311500;

    function _s() private pure returns (CrossChainPaymentEscrowStorage storage $) {
        assembly {
            $.slot := _STORAGE_SLOT
        }
    }

    /// @param router The CCIP router of this chain.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address router) CcipEndpoint(router) {}

    /// @notice Initialises the escrow behind its proxy; peers are set afterwards by the ISSUER.
    /// @param authority The AccessManager (of the payment chain).
    /// @param paymentToken_ The stablecoin of every payment: a plain ERC-20 (no fee on transfer, no rebasing).
    /// @param gasLimit_ Gas limit of the receiver on the asset chain (the release runs the token's checks).
    function initialize(address authority, address paymentToken_, uint32 gasLimit_) external initializer {
        __Managed_init(authority);
        __CcipEndpoint_init(gasLimit_);
        if (paymentToken_.code.length == 0) revert InvalidPaymentToken(paymentToken_);
        _s().paymentToken = IERC20(paymentToken_);
    }

    /// @inheritdoc ICrossChainPaymentEscrow
    function pay(bytes32 tradeId, bytes32 confirmedTermsHash) external payable nonReentrant {
        CrossChainPaymentEscrowStorage storage $ = _s();
        Payment storage p = _payment($, tradeId);
        if (p.status != Status.AwaitingPayment) revert InvalidStatus(tradeId, p.status);
        if (msg.sender != p.payer) revert CallerNotPayer(tradeId, msg.sender);
        _requireOpen(tradeId, p.deadline);
        bytes32 expected = Msg.hashTerms(_terms($, tradeId, p));
        if (confirmedTermsHash != expected) revert TermsMismatch(tradeId, expected, confirmedTermsHash);
        p.status = Status.Funded;
        uint256 price = p.price;
        emit PaymentFunded(tradeId, msg.sender, price, expected);
        $.paymentToken.safeTransferFrom(msg.sender, address(this), price);
        _execute($, tradeId, p, false);
    }

    /// @inheritdoc ICrossChainPaymentEscrow
    function executePayment(bytes32 tradeId) external payable nonReentrant {
        CrossChainPaymentEscrowStorage storage $ = _s();
        Payment storage p = _payment($, tradeId);
        if (p.status != Status.Funded) revert InvalidStatus(tradeId, p.status);
        _requireOpen(tradeId, p.deadline);
        _execute($, tradeId, p, true);
    }

    /// @inheritdoc ICrossChainPaymentEscrow
    function cancel(bytes32 tradeId) external payable nonReentrant {
        CrossChainPaymentEscrowStorage storage $ = _s();
        Payment storage p = _payment($, tradeId);
        Status status = p.status;
        if (status != Status.AwaitingPayment && status != Status.Funded)
            revert InvalidStatus(tradeId, status);
        uint40 deadline = p.deadline;
        if (block.timestamp <= deadline) revert PaymentDeadlineNotPassed(tradeId, deadline);
        p.status = Status.Cancelled;
        address payer = p.payer;
        uint256 refunded = status == Status.Funded ? p.price : 0;
        emit PaymentCancelled(tradeId, payer, refunded);
        if (refunded != 0) $.paymentToken.safeTransfer(payer, refunded);
        _send(
            p.assetChainSelector,
            p.assetEscrow,
            Msg.encodeDecision(Msg.CANCEL, tradeId),
            Msg.CANCEL,
            tradeId
        );
    }

    /// @inheritdoc ICrossChainPaymentEscrow
    function payment(bytes32 tradeId) external view returns (Payment memory) {
        return _s().payments[tradeId];
    }

    /// @inheritdoc ICrossChainPaymentEscrow
    function tradeTerms(bytes32 tradeId) external view returns (Msg.TradeTerms memory) {
        CrossChainPaymentEscrowStorage storage $ = _s();
        return _terms($, tradeId, _payment($, tradeId));
    }

    /// @inheritdoc ICrossChainPaymentEscrow
    function termsHash(bytes32 tradeId) external view returns (bytes32) {
        CrossChainPaymentEscrowStorage storage $ = _s();
        return Msg.hashTerms(_terms($, tradeId, _payment($, tradeId)));
    }

    /// @inheritdoc ICrossChainPaymentEscrow
    function paymentToken() external view returns (IERC20) {
        return _s().paymentToken;
    }

    /// @dev A LOCK from an allow-listed asset-chain escrow opens the payment request. The asset chain and its
    /// escrow are the ones CCIP authenticated ({_accept}); the rest of the terms is the message's.
    function _ccipReceive(Client.Any2EVMMessage memory message) internal override {
        (uint8 kind, bytes32 tradeId, address sender) = _accept(message);
        if (kind != Msg.LOCK) revert UnexpectedMessageKind(message.messageId, kind);
        Msg.Lock memory lock = Msg.decodeLock(message.data);
        if (
            lock.seller == address(0) ||
            lock.buyer == address(0) ||
            lock.shares == 0 ||
            lock.shares > type(uint128).max ||
            lock.amount == 0 ||
            lock.amount > type(uint128).max ||
            lock.payer == address(0) ||
            lock.payee == address(0) ||
            lock.price == 0 ||
            lock.price > type(uint96).max
        ) {
            revert MalformedMessage(message.messageId);
        }
        CrossChainPaymentEscrowStorage storage $ = _s();
        Payment storage p = $.payments[tradeId];
        if (p.status != Status.None) revert TradeAlreadyKnown(tradeId);
        $.payments[tradeId] = Payment({
            payer: lock.payer,
            deadline: lock.paymentDeadline,
            status: Status.AwaitingPayment,
            payee: lock.payee,
            price: uint96(lock.price),
            assetEscrow: sender,
            assetChainSelector: message.sourceChainSelector,
            seller: lock.seller,
            paymentChainSelector: lock.paymentChainSelector,
            buyer: lock.buyer,
            shares: uint128(lock.shares),
            amount: uint128(lock.amount)
        });
        Msg.TradeTerms memory terms = _terms($, tradeId, p);
        emit PaymentRequested(tradeId, message.sourceChainSelector, lock.payer, terms, Msg.hashTerms(terms));
    }

    /// @dev Pays the seller from the escrow and sends CONFIRM; on a refusal by the stablecoin, reverts when
    /// `revertOnFailure`, otherwise records the failure and returns the whole native value.
    function _execute(
        CrossChainPaymentEscrowStorage storage $,
        bytes32 tradeId,
        Payment storage p,
        bool revertOnFailure
    ) private {
        (address payee, uint256 price) = (p.payee, p.price);
        p.status = Status.Paid;
        if (!$.paymentToken.trySafeTransfer(payee, price)) {
            if (revertOnFailure) revert PaymentTransferFailed(tradeId, payee, price);
            p.status = Status.Funded;
            emit PaymentFailed(tradeId, payee, price);
            _returnValue(msg.value);
            return;
        }
        emit PaymentExecuted(tradeId, payee, price);
        _send(
            p.assetChainSelector,
            p.assetEscrow,
            Msg.encodeDecision(Msg.CONFIRM, tradeId),
            Msg.CONFIRM,
            tradeId
        );
    }

    function _payment(
        CrossChainPaymentEscrowStorage storage $,
        bytes32 tradeId
    ) private view returns (Payment storage p) {
        p = $.payments[tradeId];
        if (p.status == Status.None) revert UnknownTrade(tradeId);
    }

    /// @dev Every term of a stored payment request.
    function _terms(
        CrossChainPaymentEscrowStorage storage $,
        bytes32 tradeId,
        Payment storage p
    ) private view returns (Msg.TradeTerms memory t) {
        t.tradeId = tradeId;
        t.assetChainSelector = p.assetChainSelector;
        t.assetEscrow = p.assetEscrow;
        t.paymentChainSelector = p.paymentChainSelector;
        t.paymentEscrow = address(this);
        t.paymentToken = address($.paymentToken);
        t.seller = p.seller;
        t.buyer = p.buyer;
        t.shares = p.shares;
        t.amount = p.amount;
        t.payer = p.payer;
        t.payee = p.payee;
        t.price = p.price;
        t.paymentDeadline = p.deadline;
    }

    function _requireOpen(bytes32 tradeId, uint40 deadline) private view {
        if (block.timestamp > deadline) revert PaymentDeadlinePassed(tradeId, deadline);
    }
}
