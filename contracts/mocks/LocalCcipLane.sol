// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IAny2EVMMessageReceiver} from "@chainlink/contracts-ccip/contracts/interfaces/IAny2EVMMessageReceiver.sol";
import {IPoolV1} from "@chainlink/contracts-ccip/contracts/interfaces/IPool.sol";
import {ITokenAdminRegistry} from "@chainlink/contracts-ccip/contracts/interfaces/ITokenAdminRegistry.sol";
import {Client} from "@chainlink/contracts-ccip/contracts/libraries/Client.sol";
import {Pool} from "@chainlink/contracts-ccip/contracts/libraries/Pool.sol";

/// @notice Test double of one chain's CCIP router, on-ramp and off-ramp, for token pools. The CCIP local
/// simulator's MockCCIPRouter moves tokens from sender to receiver directly and never calls a pool; this lane does
/// what CCIP 1.6 does with a CCT: `ccipSend` moves the tokens from the sender to the pool the TokenAdminRegistry names
/// and calls `lockOrBurn` as the on-ramp; the peer lane's `execute` calls `releaseOrMint` as the off-ramp, checks the
/// receiver's balance change against the pool's answer (ReleaseOrMintBalanceMismatch, as OffRamp does), then calls
/// the receiver's `ccipReceive` when there is data. Messages wait until executed (in flight), so tests can accrue,
/// pause or change rules meanwhile; a failing execution reverts and leaves the message executable (as a failed
/// message is manually executed on CCIP). Fees are native, a settable flat amount.
contract LocalCcipLane {
    struct SourceToken {
        bytes sourcePoolAddress;
        address destToken;
        bytes extraData;
        uint256 amount;
    }

    struct Inbound {
        uint64 sourceChainSelector;
        address sender;
        address receiver;
        bytes data;
        uint256 gasLimit;
        bool executed;
        bool exists;
    }

    error UnsupportedDestination(uint64 chainSelector);
    error UnsupportedToken(address token);
    error InsufficientFeeTokenAmount();
    error InvalidMsgValue();
    error UnknownMessage(bytes32 messageId);
    error AlreadyExecuted(bytes32 messageId);
    error ReleaseOrMintBalanceMismatch(uint256 amountReleased, uint256 balancePre, uint256 balancePost);
    error ReceiverError(bytes err);

    event CCIPSendRequested(bytes32 indexed messageId, uint64 indexed destChainSelector, address sender);
    event MessageQueued(bytes32 indexed messageId, uint64 indexed sourceChainSelector, address receiver);
    event MessageExecuted(bytes32 indexed messageId, uint64 indexed sourceChainSelector);

    uint64 public immutable chainSelector;
    ITokenAdminRegistry public immutable tokenAdminRegistry;
    uint256 public fee;
    uint256 private s_nonce;
    mapping(uint64 chain => LocalCcipLane) public peers;
    mapping(bytes32 messageId => Inbound) private s_inbound;
    mapping(bytes32 messageId => SourceToken[]) private s_tokens;
    bytes32[] private s_queue;

    constructor(uint64 chainSelector_, address tokenAdminRegistry_) {
        chainSelector = chainSelector_;
        tokenAdminRegistry = ITokenAdminRegistry(tokenAdminRegistry_);
    }

    function setPeer(uint64 remote, LocalCcipLane lane) external {
        peers[remote] = lane;
    }

    function setFee(uint256 fee_) external {
        fee = fee_;
    }

    // ------------------------------------------------------------------ IRouter, as token pools read it

    function getOnRamp(uint64 destChainSelector) external view returns (address) {
        return address(peers[destChainSelector]) == address(0) ? address(0) : address(this);
    }

    function isOffRamp(uint64 sourceChainSelector, address offRamp) external view returns (bool) {
        return offRamp == address(this) && address(peers[sourceChainSelector]) != address(0);
    }

    // ------------------------------------------------------------------ IRouterClient

    function isChainSupported(uint64 destChainSelector) external view returns (bool) {
        return address(peers[destChainSelector]) != address(0);
    }

    function getFee(uint64 destChainSelector, Client.EVM2AnyMessage memory) public view returns (uint256) {
        if (address(peers[destChainSelector]) == address(0)) revert UnsupportedDestination(destChainSelector);
        return fee;
    }

    function ccipSend(
        uint64 destChainSelector,
        Client.EVM2AnyMessage calldata message
    ) external payable returns (bytes32 messageId) {
        LocalCcipLane peer = peers[destChainSelector];
        if (address(peer) == address(0)) revert UnsupportedDestination(destChainSelector);
        uint256 f = getFee(destChainSelector, message);
        if (message.feeToken == address(0)) {
            if (msg.value < f) revert InsufficientFeeTokenAmount();
        } else {
            if (msg.value > 0) revert InvalidMsgValue();
            IERC20(message.feeToken).transferFrom(msg.sender, address(this), f);
        }
        messageId = keccak256(abi.encode(chainSelector, destChainSelector, ++s_nonce, msg.sender));
        SourceToken[] memory tokens = new SourceToken[](message.tokenAmounts.length);
        for (uint256 i; i < tokens.length; ++i) {
            Client.EVMTokenAmount calldata ta = message.tokenAmounts[i];
            address pool = tokenAdminRegistry.getPool(ta.token);
            if (pool == address(0)) revert UnsupportedToken(ta.token);
            IERC20(ta.token).transferFrom(msg.sender, pool, ta.amount);
            Pool.LockOrBurnOutV1 memory out = IPoolV1(pool).lockOrBurn(
                Pool.LockOrBurnInV1({
                    receiver: message.receiver,
                    remoteChainSelector: destChainSelector,
                    originalSender: msg.sender,
                    amount: ta.amount,
                    localToken: ta.token
                })
            );
            tokens[i] = SourceToken(
                abi.encode(pool),
                abi.decode(out.destTokenAddress, (address)),
                out.destPoolData,
                ta.amount
            );
        }
        uint256 gasLimit =
            message.extraArgs.length >= 36 ? abi.decode(message.extraArgs[4:36], (uint256)) : 200_000;
        peer.enqueue(
            messageId,
            chainSelector,
            msg.sender,
            abi.decode(message.receiver, (address)),
            message.data,
            gasLimit,
            tokens
        );
        emit CCIPSendRequested(messageId, destChainSelector, msg.sender);
    }

    /// @notice Called by the source lane (the DON's commit, in short).
    function enqueue(
        bytes32 messageId,
        uint64 sourceChainSelector,
        address sender,
        address receiver,
        bytes calldata data,
        uint256 gasLimit,
        SourceToken[] calldata tokens
    ) external {
        if (address(peers[sourceChainSelector]) != msg.sender)
            revert UnsupportedDestination(sourceChainSelector);
        s_inbound[messageId] = Inbound(sourceChainSelector, sender, receiver, data, gasLimit, false, true);
        for (uint256 i; i < tokens.length; ++i) s_tokens[messageId].push(tokens[i]);
        s_queue.push(messageId);
        emit MessageQueued(messageId, sourceChainSelector, receiver);
    }

    /// @notice Executes a message that arrived (the DON's execution, or a manual execution after a failure).
    function execute(bytes32 messageId) external {
        Inbound storage m = s_inbound[messageId];
        if (!m.exists) revert UnknownMessage(messageId);
        if (m.executed) revert AlreadyExecuted(messageId);
        m.executed = true;
        SourceToken[] storage tokens = s_tokens[messageId];
        Client.EVMTokenAmount[] memory dest = new Client.EVMTokenAmount[](tokens.length);
        for (uint256 i; i < tokens.length; ++i) dest[i] = _releaseOrMint(m, tokens[i]);
        if (
            (m.data.length != 0 || (m.gasLimit != 0 && tokens.length == 0)) &&
            m.receiver.code.length != 0 &&
            _supportsReceiver(m.receiver)
        ) {
            Client.Any2EVMMessage memory message = Client.Any2EVMMessage({
                messageId: messageId,
                sourceChainSelector: m.sourceChainSelector,
                sender: abi.encode(m.sender),
                data: m.data,
                destTokenAmounts: dest
            });
            try IAny2EVMMessageReceiver(m.receiver).ccipReceive(message) {} catch (bytes memory err) {
                revert ReceiverError(err);
            }
        }
        emit MessageExecuted(messageId, m.sourceChainSelector);
    }

    /// @notice A faulty off-ramp: calls `releaseOrMint` again for an executed message (pools must refuse).
    function replayReleaseOrMint(bytes32 messageId, uint256 i) external {
        Inbound storage m = s_inbound[messageId];
        _releaseOrMint(m, s_tokens[messageId][i]);
    }

    function queue() external view returns (bytes32[] memory) {
        return s_queue;
    }

    function isExecuted(bytes32 messageId) external view returns (bool) {
        return s_inbound[messageId].executed;
    }

    function _releaseOrMint(
        Inbound storage m,
        SourceToken storage t
    ) private returns (Client.EVMTokenAmount memory) {
        address pool = tokenAdminRegistry.getPool(t.destToken);
        if (pool == address(0)) revert UnsupportedToken(t.destToken);
        uint256 pre = IERC20(t.destToken).balanceOf(m.receiver);
        Pool.ReleaseOrMintOutV1 memory out = IPoolV1(pool).releaseOrMint(
            Pool.ReleaseOrMintInV1({
                originalSender: abi.encode(m.sender),
                remoteChainSelector: m.sourceChainSelector,
                receiver: m.receiver,
                sourceDenominatedAmount: t.amount,
                localToken: t.destToken,
                sourcePoolAddress: t.sourcePoolAddress,
                sourcePoolData: t.extraData,
                offchainTokenData: ""
            })
        );
        if (m.receiver != pool) {
            uint256 post = IERC20(t.destToken).balanceOf(m.receiver);
            if (post < pre || post - pre != out.destinationAmount)
                revert ReleaseOrMintBalanceMismatch(out.destinationAmount, pre, post);
        }
        return Client.EVMTokenAmount(t.destToken, out.destinationAmount);
    }

    function _supportsReceiver(address receiver) private view returns (bool) {
        try IERC165(receiver).supportsInterface(type(IAny2EVMMessageReceiver).interfaceId) returns (bool ok) {
            return ok;
        } catch {
            return false;
        }
    }
}
