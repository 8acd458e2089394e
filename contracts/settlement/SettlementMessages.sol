// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title SettlementMessages
/// @notice The instructions the cross-chain settlement escrows exchange over CCIP. Only instructions cross
/// chains; the assets stay where they are. Every message starts with the same two words, `(kind, tradeId)`:
/// - LOCK (asset chain -> payment chain): the seller's tokens are locked; the payment terms follow;
/// - CONFIRM (payment chain -> asset chain): the payment was executed, release the tokens to the buyer;
/// - CANCEL (payment chain -> asset chain): the payment failed or expired, return the tokens to the seller.
library SettlementMessages {
    /// @notice Kind of the message announcing a lock and its payment terms.
    uint8 internal constant LOCK = 1;
    /// @notice Kind of the message confirming the payment.
    uint8 internal constant CONFIRM = 2;
    /// @notice Kind of the message cancelling the trade.
    uint8 internal constant CANCEL = 3;

    /// @dev Bytes of the header `(kind, tradeId)`, the whole of a CONFIRM or CANCEL message.
    uint256 internal constant HEADER_LENGTH = 64;
    /// @dev Bytes of a LOCK message: header, payer, payee, price, payment deadline.
    uint256 internal constant LOCK_LENGTH = 192;

    /// @notice Payment terms carried by a LOCK message.
    struct Lock {
        bytes32 tradeId;
        /// The buyer's wallet on the payment chain.
        address payer;
        /// The seller's wallet on the payment chain.
        address payee;
        /// Stablecoin units on the payment chain.
        uint256 price;
        /// Last second at which the payment may be made.
        uint40 paymentDeadline;
    }

    /// @dev Encodes a LOCK message.
    function encodeLock(Lock memory lock) internal pure returns (bytes memory) {
        return abi.encode(LOCK, lock.tradeId, lock.payer, lock.payee, lock.price, lock.paymentDeadline);
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

    /// @dev Decodes a LOCK message whose length was checked by the caller.
    function decodeLock(bytes memory data) internal pure returns (Lock memory lock) {
        (, lock.tradeId, lock.payer, lock.payee, lock.price, lock.paymentDeadline) = abi.decode(
            data,
            (uint8, bytes32, address, address, uint256, uint40)
        );
    }

    /// @dev Byte length of a message of `kind` (0 for an unknown kind).
    function lengthOf(uint8 kind) internal pure returns (uint256) {
        if (kind == LOCK) return LOCK_LENGTH;
        if (kind == CONFIRM || kind == CANCEL) return HEADER_LENGTH;
        return 0;
    }
}
