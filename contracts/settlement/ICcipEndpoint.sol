// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title ICcipEndpoint
/// @notice What both cross-chain settlement escrows share: the allow-list of peers (one escrow contract per
/// remote chain, which is both the only accepted sender from that chain and the receiver of what this escrow
/// sends there), at-most-once processing of message ids, and message sending with the CCIP fee paid in the
/// native gas token by the caller (any excess is returned to the caller in the same transaction).
interface ICcipEndpoint {
    /// @notice The message comes from a chain without a peer.
    error SourceChainNotAllowed(uint64 sourceChainSelector);
    /// @notice The message's sender is not the peer of its source chain (`sender` as CCIP delivered it).
    error SenderNotAllowed(uint64 sourceChainSelector, bytes sender);
    /// @notice The message id was processed already.
    error MessageAlreadyProcessed(bytes32 messageId);
    /// @notice The message data does not have the layout of its kind.
    error MalformedMessage(bytes32 messageId);
    /// @notice The message kind is not one this escrow accepts.
    error UnexpectedMessageKind(bytes32 messageId, uint8 kind);
    /// @notice No peer is set for the destination chain.
    error DestinationChainNotAllowed(uint64 destinationChainSelector);
    /// @notice The chain selector is zero.
    error InvalidChainSelector(uint64 chainSelector);
    /// @notice The destination gas limit is outside the bounds.
    error InvalidGasLimit(uint32 gasLimit);
    /// @notice The native value sent does not cover the CCIP fee.
    error InsufficientFee(uint256 fee, uint256 value);

    /// @notice The peer of a chain changed (zero: the chain is no longer allowed).
    event PeerChanged(uint64 indexed chainSelector, address oldPeer, address newPeer);
    /// @notice The gas limit given to the receiver on the destination chain changed.
    event GasLimitChanged(uint32 oldGasLimit, uint32 newGasLimit);
    /// @notice A message was sent; `fee` (native) was paid by the caller.
    event MessageSent(
        bytes32 indexed messageId,
        uint64 indexed destinationChainSelector,
        address receiver,
        uint8 kind,
        bytes32 indexed tradeId,
        uint256 fee
    );
    /// @notice A message was accepted (allow-listed source and sender, first delivery).
    event MessageReceived(
        bytes32 indexed messageId,
        uint64 indexed sourceChainSelector,
        address sender,
        uint8 kind,
        bytes32 indexed tradeId
    );

    /// @notice Allows a chain and its peer escrow, or (with the zero address) removes it. ISSUER.
    /// @param chainSelector The remote chain's CCIP selector.
    /// @param peer The escrow contract on that chain.
    function setPeer(uint64 chainSelector, address peer) external;

    /// @notice Sets the gas limit given to the receiver on the destination chain. ISSUER.
    /// @param gasLimit Within [{MIN_GAS_LIMIT}, {MAX_GAS_LIMIT}].
    function setGasLimit(uint32 gasLimit) external;

    /// @notice The peer escrow of a chain (zero if the chain is not allowed).
    function peer(uint64 chainSelector) external view returns (address);

    /// @notice The gas limit given to the receiver on the destination chain.
    function gasLimit() external view returns (uint32);

    /// @notice Whether a message id was processed.
    function isProcessed(bytes32 messageId) external view returns (bool);

    /// @notice The native fee of sending a message of `kind` (see SettlementMessages) to the peer of a chain.
    function quoteFee(uint64 destinationChainSelector, uint8 kind) external view returns (uint256);
}
