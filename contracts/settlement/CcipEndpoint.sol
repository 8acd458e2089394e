// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {CCIPReceiver} from "@chainlink/contracts-ccip/contracts/applications/CCIPReceiver.sol";
import {IRouterClient} from "@chainlink/contracts-ccip/contracts/interfaces/IRouterClient.sol";
import {Client} from "@chainlink/contracts-ccip/contracts/libraries/Client.sol";
import {ManagedUpgradeable} from "../governance/ManagedUpgradeable.sol";
import {ICcipEndpoint} from "./ICcipEndpoint.sol";
import {SettlementMessages} from "./SettlementMessages.sol";

/// @title CcipEndpoint
/// @notice Base of the cross-chain settlement escrows: a Chainlink CCIP receiver that accepts a message only from
/// an allow-listed source chain and, on it, only from that chain's peer escrow, processes every message id at
/// most once, and sends messages to peers with the CCIP fee paid in native gas by the caller.
/// @dev The router is an immutable of the implementation (Chainlink's CCIPReceiver): a router change is an
/// upgrade. Deployed behind a UUPS proxy with the upgrades plugin's `unsafeAllow: ["constructor",
/// "state-variable-immutable"]` for CCIPReceiver's constructor and immutable (see deploy/scripts/07_settlement.ts).
abstract contract CcipEndpoint is ManagedUpgradeable, CCIPReceiver, ReentrancyGuardTransient, ICcipEndpoint {
    /// @notice Smallest gas limit for the receiver on the destination chain.
    uint32 public constant MIN_GAS_LIMIT = 100_000;
    /// @notice Largest gas limit (CCIP's per-message execution gas cap on most lanes).
    uint32 public constant MAX_GAS_LIMIT = 3_000_000;

    /// @custom:storage-location erc7201:fundsuite.storage.CcipEndpoint
    struct CcipEndpointStorage {
        mapping(uint64 chainSelector => address) peers;
        mapping(bytes32 messageId => bool) processed;
        uint32 gasLimit;
    }

    // keccak256(abi.encode(uint256(keccak256("fundsuite.storage.CcipEndpoint")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_SLOT =
        0xc1c2239d5d8454db3ebfc1fbf110d114c66c2e74447f228b4db218675c265e00;

    function _endpoint() private pure returns (CcipEndpointStorage storage $) {
        assembly {
            $.slot := _STORAGE_SLOT
        }
    }

    /// @param router The CCIP router of this chain.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address router) CCIPReceiver(router) {}

    /// @dev Sets the destination gas limit.
    function __CcipEndpoint_init(uint32 gasLimit_) internal onlyInitializing {
        _setGasLimit(gasLimit_);
    }

    /// @inheritdoc ICcipEndpoint
    function setPeer(uint64 chainSelector, address peer_) external restricted {
        if (chainSelector == 0) revert InvalidChainSelector(chainSelector);
        mapping(uint64 => address) storage peers = _endpoint().peers;
        emit PeerChanged(chainSelector, peers[chainSelector], peer_);
        peers[chainSelector] = peer_;
    }

    /// @inheritdoc ICcipEndpoint
    function setGasLimit(uint32 gasLimit_) external restricted {
        _setGasLimit(gasLimit_);
    }

    /// @inheritdoc ICcipEndpoint
    function peer(uint64 chainSelector) external view returns (address) {
        return _endpoint().peers[chainSelector];
    }

    /// @inheritdoc ICcipEndpoint
    function gasLimit() external view returns (uint32) {
        return _endpoint().gasLimit;
    }

    /// @inheritdoc ICcipEndpoint
    function isProcessed(bytes32 messageId) external view returns (bool) {
        return _endpoint().processed[messageId];
    }

    /// @inheritdoc ICcipEndpoint
    function quoteFee(uint64 destinationChainSelector, uint8 kind) external view returns (uint256) {
        address receiver = _peerOrRevert(destinationChainSelector);
        bytes memory data = new bytes(SettlementMessages.lengthOf(kind));
        return IRouterClient(getRouter()).getFee(destinationChainSelector, _message(receiver, data));
    }

    /// @notice Called by the CCIP router to deliver a message (see {_accept} for what is refused).
    /// @param message The message.
    function ccipReceive(Client.Any2EVMMessage calldata message) external override onlyRouter nonReentrant {
        _ccipReceive(message);
    }

    /// @dev Accepts a message: its source chain has a peer, its sender is that peer, its id was never processed,
    /// and its data starts with a header. Marks the id processed and returns the header.
    function _accept(
        Client.Any2EVMMessage memory m
    ) internal returns (uint8 kind, bytes32 tradeId, address sender) {
        CcipEndpointStorage storage $ = _endpoint();
        sender = $.peers[m.sourceChainSelector];
        if (sender == address(0)) revert SourceChainNotAllowed(m.sourceChainSelector);
        if (keccak256(m.sender) != keccak256(abi.encode(sender))) {
            revert SenderNotAllowed(m.sourceChainSelector, m.sender);
        }
        if ($.processed[m.messageId]) revert MessageAlreadyProcessed(m.messageId);
        $.processed[m.messageId] = true;
        bool ok;
        (ok, kind, tradeId) = SettlementMessages.header(m.data);
        if (!ok) revert MalformedMessage(m.messageId);
        if (m.data.length != SettlementMessages.lengthOf(kind)) {
            if (SettlementMessages.lengthOf(kind) == 0) revert UnexpectedMessageKind(m.messageId, kind);
            revert MalformedMessage(m.messageId);
        }
        emit MessageReceived(m.messageId, m.sourceChainSelector, sender, kind, tradeId);
    }

    /// @dev Sends `data` to `receiver` on the destination chain, paying the fee from the call's native value,
    /// and returns the excess to the caller.
    function _send(
        uint64 destinationChainSelector,
        address receiver,
        bytes memory data,
        uint8 kind,
        bytes32 tradeId
    ) internal returns (bytes32 messageId) {
        Client.EVM2AnyMessage memory message = _message(receiver, data);
        IRouterClient router = IRouterClient(getRouter());
        uint256 fee = router.getFee(destinationChainSelector, message);
        if (msg.value < fee) revert InsufficientFee(fee, msg.value);
        messageId = router.ccipSend{value: fee}(destinationChainSelector, message);
        emit MessageSent(messageId, destinationChainSelector, receiver, kind, tradeId, fee);
        _returnValue(msg.value - fee);
    }

    /// @dev Returns `value` of the call's native value to the caller.
    function _returnValue(uint256 value) internal {
        if (value != 0) Address.sendValue(payable(msg.sender), value);
    }

    /// @dev The peer of a destination chain; reverts when there is none.
    function _peerOrRevert(uint64 chainSelector) internal view returns (address receiver) {
        receiver = _endpoint().peers[chainSelector];
        if (receiver == address(0)) revert DestinationChainNotAllowed(chainSelector);
    }

    function _message(
        address receiver,
        bytes memory data
    ) private view returns (Client.EVM2AnyMessage memory) {
        return
            Client.EVM2AnyMessage({
                receiver: abi.encode(receiver),
                data: data,
                tokenAmounts: new Client.EVMTokenAmount[](0),
                feeToken: address(0),
                extraArgs: Client._argsToBytes(
                    Client.GenericExtraArgsV2({
                        gasLimit: _endpoint().gasLimit,
                        allowOutOfOrderExecution: true
                    })
                )
            });
    }

    function _setGasLimit(uint32 gasLimit_) private {
        if (gasLimit_ < MIN_GAS_LIMIT || gasLimit_ > MAX_GAS_LIMIT) revert InvalidGasLimit(gasLimit_);
        CcipEndpointStorage storage $ = _endpoint();
        emit GasLimitChanged($.gasLimit, gasLimit_);
        $.gasLimit = gasLimit_;
    }
}
