// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title SettlementMessages
/// @notice The instructions the cross-chain settlement escrows exchange over CCIP, and the terms a payer
/// confirms. Only instructions cross chains; the assets stay where they are. Every message starts with the same
/// two words, `(kind, tradeId)`:
/// - LOCK (asset chain -> payment chain): the seller's tokens are locked; the delivery and payment terms follow;
/// - CONFIRM (payment chain -> asset chain): the payment was executed, release the tokens to the buyer;
/// - CANCEL (payment chain -> asset chain): the payment failed or expired, return the tokens to the seller.
library SettlementMessages {
    /// @notice Kind of the message announcing a lock, its delivery and its payment terms.
    uint8 internal constant LOCK = 1;
    /// @notice Kind of the message confirming the payment.
    uint8 internal constant CONFIRM = 2;
    /// @notice Kind of the message cancelling the trade.
    uint8 internal constant CANCEL = 3;

    /// @dev Bytes of the header `(kind, tradeId)`, the whole of a CONFIRM or CANCEL message.
    uint256 internal constant HEADER_LENGTH = 64;
    /// @dev Bytes of a LOCK message: the kind and the ten words of {Lock}.
    uint256 internal constant LOCK_LENGTH = 352;

    /// @notice EIP-712 type hash of {TradeTerms}: `termsHash` is the EIP-712 struct hash (`hashStruct`) of the
    /// terms, so any EIP-712 library computes it from the same values.
    bytes32 internal constant TRADE_TERMS_TYPEHASH = keccak256(
        "TradeTerms(bytes32 tradeId,uint64 assetChainSelector,address assetEscrow,uint64 paymentChainSelector,"
        "address paymentEscrow,address paymentToken,address seller,address buyer,uint256 shares,"
        "uint256 amount,address payer,address payee,uint256 price,uint40 paymentDeadline)"
    );

    /// @notice The body of a LOCK message: what the asset chain locked and for whom, and the payment terms.
    struct Lock {
        bytes32 tradeId;
        /// The seller's wallet on the asset chain (the caller of `lock`).
        address seller;
        /// The buyer's wallet on the asset chain, which receives the tokens.
        address buyer;
        /// Shares locked for the buyer (what a release delivers).
        uint256 shares;
        /// Token amount the seller locked (the shares' worth at lock time).
        uint256 amount;
        /// The chain the LOCK was sent to (the payment chain).
        uint64 paymentChainSelector;
        /// The buyer's wallet on the payment chain.
        address payer;
        /// The seller's wallet on the payment chain.
        address payee;
        /// Stablecoin units on the payment chain.
        uint256 price;
        /// Last second at which the payment may be made.
        uint40 paymentDeadline;
    }

    /// @notice Every term of a cross-chain trade, as the payment chain knows it: the LOCK message plus what CCIP
    /// authenticated (source chain, sending escrow) and the payment escrow's own address and stablecoin.
    struct TradeTerms {
        bytes32 tradeId;
        /// CCIP selector of the asset chain (the LOCK's authenticated source chain).
        uint64 assetChainSelector;
        /// The asset escrow that locked the tokens (the LOCK's authenticated sender).
        address assetEscrow;
        /// CCIP selector of the payment chain.
        uint64 paymentChainSelector;
        /// The payment escrow.
        address paymentEscrow;
        /// The stablecoin paid.
        address paymentToken;
        address seller;
        address buyer;
        uint256 shares;
        uint256 amount;
        address payer;
        address payee;
        uint256 price;
        uint40 paymentDeadline;
    }

    /// @dev Encodes a LOCK message.
    function encodeLock(Lock memory lock) internal pure returns (bytes memory) {
        return abi.encode(LOCK, lock);
    }

    /// @dev Encodes a CONFIRM or CANCEL message.
    function encodeDecision(uint8 kind, bytes32 tradeId) internal pure returns (bytes memory) {
        return abi.encode(kind, tradeId);
    }

    /// @dev The header of a message; `ok` is false when the data is too short or the kind is not a uint8.
    function header(bytes memory data) internal pure returns (bool ok, uint8 kind, bytes32 tradeId) {
        if (data.length < HEADER_LENGTH) return (false, 0, bytes32(0));
        uint256 k;
        (k, tradeId) = abi.decode(data, (uint256, bytes32));
        if (k > type(uint8).max) return (false, 0, bytes32(0));
        return (true, uint8(k), tradeId);
    }

    /// @dev Decodes a LOCK message whose header and length were checked by the caller (reverts on a word that
    /// does not fit its type).
    function decodeLock(bytes memory data) internal pure returns (Lock memory lock) {
        (, lock) = abi.decode(data, (uint8, Lock));
    }

    /// @dev The terms hash: the EIP-712 struct hash of `terms`.
    function hashTerms(TradeTerms memory terms) internal pure returns (bytes32) {
        return keccak256(abi.encode(TRADE_TERMS_TYPEHASH, terms));
    }

    /// @dev Byte length of a message of `kind` (0 for an unknown kind).
    function lengthOf(uint8 kind) internal pure returns (uint256) {
        if (kind == LOCK) return LOCK_LENGTH;
        if (kind == CONFIRM || kind == CANCEL) return HEADER_LENGTH;
        return 0;
    }
}
