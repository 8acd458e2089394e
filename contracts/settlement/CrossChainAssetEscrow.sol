// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Client} from "@chainlink/contracts-ccip/contracts/libraries/Client.sol";
import {IFundToken} from "../interfaces/IFundToken.sol";
import {IFundCompliance} from "../interfaces/IFundCompliance.sol";
import {CcipEndpoint} from "./CcipEndpoint.sol";
import {ICrossChainAssetEscrow} from "./ICrossChainAssetEscrow.sol";
import {SettlementMessages as Msg} from "./SettlementMessages.sol";
import {ShareEscrow} from "./ShareEscrow.sol";

/// @title CrossChainAssetEscrow
/// @notice The asset leg of a cross-chain delivery-versus-payment trade, on the fund's chain. The seller's tokens
/// are locked here and stay here until the payment chain decides: CONFIRM (the buyer paid, the seller was paid on
/// the payment chain) releases them to the buyer; CANCEL (the payment failed or expired) returns them to the seller.
/// If no decision arrives, the seller may be refunded after the payment deadline plus a confirmation grace.
/// The LOCK message carries the seller, the buyer, the shares locked and their token amount with the payment terms,
/// which the payer confirms on the payment chain; the seller and its payee are screened against the fund
/// compliance's sanctions list and oracle at lock, whatever the compliance's sanctions rule.
/// @dev The payment chain is the single decision point; this escrow follows it. A decision is recorded in the
/// transaction that delivers it even when the token refuses the transfer at that moment (paused token, the
/// buyer's KYC expired): the trade then stays ReleasePending (or RefundPending) and {complete} retries, so a
/// confirmed payment can never turn into a refund. This contract is an account of the fund (PROTOCOL class).
contract CrossChainAssetEscrow is CcipEndpoint, ICrossChainAssetEscrow {
    using ShareEscrow for IFundToken;

    /// @notice Longest time between a lock and its payment deadline.
    uint40 public constant MAX_PAYMENT_WINDOW = 30 days;
    /// @notice Shortest confirmation grace: CCIP's smart execution window (8 hours), so that a CONFIRM delivered
    /// within CCIP's own guarantee always beats the timeout refund.
    uint32 public constant MIN_CONFIRMATION_GRACE = 8 hours;
    /// @notice Longest confirmation grace.
    uint32 public constant MAX_CONFIRMATION_GRACE = 30 days;

    /// @dev One word read by every lock.
    struct Config {
        IFundToken token;
        uint32 confirmationGrace;
        uint64 tradeCount;
    }

    /// @custom:storage-location erc7201:fundsuite.storage.CrossChainAssetEscrow
    struct CrossChainAssetEscrowStorage {
        Config config;
        mapping(bytes32 tradeId => Trade) trades;
    }

    // keccak256(abi.encode(uint256(keccak256("fundsuite.storage.CrossChainAssetEscrow")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_SLOT =
        0xb801642a7087cd53e8fc1075890a9bec7f65f5093a33ed7b129d76994053a400;

    function _s() private pure returns (CrossChainAssetEscrowStorage storage $) {
        assembly {
            $.slot := _STORAGE_SLOT
        }
    }

    /// @param router The CCIP router of this chain.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address router) CcipEndpoint(router) {}

    /// @notice Initialises the escrow behind its proxy; peers are set afterwards by the ISSUER.
    /// @param authority The AccessManager.
    /// @param fundToken The fund token.
    /// @param gasLimit_ Gas limit of the receiver on the payment chain.
    /// @param grace Confirmation grace of new trades, in seconds.
    function initialize(
        address authority,
        address fundToken,
        uint32 gasLimit_,
        uint32 grace
    ) external initializer {
        __Managed_init(authority);
        __CcipEndpoint_init(gasLimit_);
        if (fundToken.code.length == 0) revert InvalidAddress(fundToken);
        _s().config.token = IFundToken(fundToken);
        _setConfirmationGrace(grace);
    }

    /// @inheritdoc ICrossChainAssetEscrow
    function lock(LockTerms calldata terms) external payable nonReentrant returns (bytes32 tradeId) {
        CrossChainAssetEscrowStorage storage $ = _s();
        Config memory cfg = $.config;
        _checkTerms(terms);
        _checkNotSanctioned(cfg.token, terms.payee);
        address receiver = _peerOrRevert(terms.paymentChainSelector);
        uint256 count = uint256(cfg.tradeCount) + 1;
        $.config.tradeCount = uint64(count);
        tradeId = keccak256(abi.encode(block.chainid, address(this), count));
        uint256 shares = cfg.token.pull(msg.sender, terms.amount);
        uint8 code = cfg.token.restriction(terms.buyer, shares);
        if (code != 0) revert ReleaseRestricted(code);
        uint40 refundableAt = terms.paymentDeadline + cfg.confirmationGrace;
        $.trades[tradeId] = Trade({
            seller: msg.sender,
            paymentDeadline: terms.paymentDeadline,
            refundableAt: refundableAt,
            status: Status.Locked,
            buyer: terms.buyer,
            paymentChainSelector: terms.paymentChainSelector,
            shares: shares
        });
        emit TradeLocked(tradeId, msg.sender, terms.buyer, terms, shares, refundableAt);
        bytes memory data = Msg.encodeLock(
            Msg.Lock({
                tradeId: tradeId,
                seller: msg.sender,
                buyer: terms.buyer,
                shares: shares,
                amount: terms.amount,
                paymentChainSelector: terms.paymentChainSelector,
                payer: terms.payer,
                payee: terms.payee,
                price: terms.price,
                paymentDeadline: terms.paymentDeadline
            })
        );
        _send(terms.paymentChainSelector, receiver, data, Msg.LOCK, tradeId);
    }

    /// @inheritdoc ICrossChainAssetEscrow
    function complete(bytes32 tradeId) external nonReentrant {
        Trade storage tr = _trade(tradeId);
        Status status = tr.status;
        IFundToken token_ = _s().config.token;
        if (status == Status.ReleasePending) {
            tr.status = Status.Released;
            (address buyer, uint256 shares) = (tr.buyer, tr.shares);
            emit TradeReleased(tradeId, buyer, shares, token_.push(buyer, shares));
        } else if (status == Status.RefundPending) {
            tr.status = Status.Refunded;
            (address seller, uint256 shares) = (tr.seller, tr.shares);
            emit TradeRefunded(tradeId, seller, shares, token_.push(seller, shares));
        } else {
            revert InvalidStatus(tradeId, status);
        }
    }

    /// @inheritdoc ICrossChainAssetEscrow
    function refundExpired(bytes32 tradeId) external nonReentrant {
        Trade storage tr = _trade(tradeId);
        if (tr.status != Status.Locked) revert InvalidStatus(tradeId, tr.status);
        uint40 refundableAt = tr.refundableAt;
        if (block.timestamp < refundableAt) revert TradeNotExpired(tradeId, refundableAt);
        tr.status = Status.Refunded;
        emit TradeTimedOut(tradeId);
        (address seller, uint256 shares) = (tr.seller, tr.shares);
        emit TradeRefunded(tradeId, seller, shares, _s().config.token.push(seller, shares));
    }

    /// @inheritdoc ICrossChainAssetEscrow
    function setConfirmationGrace(uint32 grace) external restricted {
        _setConfirmationGrace(grace);
    }

    /// @inheritdoc ICrossChainAssetEscrow
    function trade(bytes32 tradeId) external view returns (Trade memory) {
        return _s().trades[tradeId];
    }

    /// @inheritdoc ICrossChainAssetEscrow
    function tradeCount() external view returns (uint64) {
        return _s().config.tradeCount;
    }

    /// @inheritdoc ICrossChainAssetEscrow
    function token() external view returns (IFundToken) {
        return _s().config.token;
    }

    /// @inheritdoc ICrossChainAssetEscrow
    function confirmationGrace() external view returns (uint32) {
        return _s().config.confirmationGrace;
    }

    /// @dev A CONFIRM or CANCEL from the trade's payment chain. The decision is recorded first; the transfer is
    /// then attempted, and a refusal by the token leaves the trade pending instead of failing the message.
    function _ccipReceive(Client.Any2EVMMessage memory message) internal override {
        (uint8 kind, bytes32 tradeId, ) = _accept(message);
        if (kind != Msg.CONFIRM && kind != Msg.CANCEL) revert UnexpectedMessageKind(message.messageId, kind);
        Trade storage tr = _trade(tradeId);
        if (tr.paymentChainSelector != message.sourceChainSelector) {
            revert TradeOfAnotherChain(tradeId, message.sourceChainSelector);
        }
        Status status = tr.status;
        if (status != Status.Locked) {
            emit DecisionIgnored(tradeId, message.messageId, kind, status);
            return;
        }
        bool release = kind == Msg.CONFIRM;
        address to = release ? tr.buyer : tr.seller;
        uint256 shares = tr.shares;
        if (release) emit PaymentConfirmed(tradeId, message.messageId);
        else emit TradeCancelled(tradeId, message.messageId);
        tr.status = release ? Status.Released : Status.Refunded;
        try _s().config.token.transferShares(to, shares) returns (uint256 amount) {
            if (release) emit TradeReleased(tradeId, to, shares, amount);
            else emit TradeRefunded(tradeId, to, shares, amount);
        } catch (bytes memory reason) {
            tr.status = release ? Status.ReleasePending : Status.RefundPending;
            emit TransferFailed(tradeId, to, reason);
        }
    }

    function _trade(bytes32 tradeId) private view returns (Trade storage tr) {
        tr = _s().trades[tradeId];
        if (tr.status == Status.None) revert UnknownTrade(tradeId);
    }

    function _checkTerms(LockTerms calldata terms) private view {
        if (terms.buyer == address(0)) revert InvalidAddress(terms.buyer);
        if (terms.buyer == msg.sender) revert SelfTrade(msg.sender);
        if (terms.payer == address(0)) revert InvalidAddress(terms.payer);
        if (terms.payee == address(0)) revert InvalidAddress(terms.payee);
        if (terms.amount == 0 || terms.amount > type(uint128).max) revert InvalidAmount(terms.amount);
        if (terms.price == 0 || terms.price > type(uint96).max) revert InvalidPrice(terms.price);
        uint256 latest = block.timestamp + MAX_PAYMENT_WINDOW;
        if (terms.paymentDeadline <= block.timestamp || terms.paymentDeadline > latest) {
            revert InvalidDeadline(terms.paymentDeadline, latest);
        }
    }

    /// @dev The seller (the caller) and its payee on the payment chain are paid by the trade: neither may be on
    /// the fund compliance's sanctions list or flagged by its oracle, whatever the compliance's sanctions switch
    /// (DvPSettlement and the fund manager screen the wallets they pay the same way). The payee is screened by
    /// its address, as sanctions lists name addresses whatever the chain.
    function _checkNotSanctioned(IFundToken token_, address payee) private view {
        IFundCompliance compliance = IFundCompliance(address(token_.compliance()));
        if (compliance.isSanctioned(msg.sender)) revert WalletSanctioned(msg.sender);
        if (payee != msg.sender && compliance.isSanctioned(payee)) revert WalletSanctioned(payee);
    }

    function _setConfirmationGrace(uint32 grace) private {
        if (grace < MIN_CONFIRMATION_GRACE || grace > MAX_CONFIRMATION_GRACE)
            revert InvalidConfirmationGrace(grace);
        Config storage cfg = _s().config;
        emit ConfirmationGraceChanged(cfg.confirmationGrace, grace);
        cfg.confirmationGrace = grace;
    }
}
