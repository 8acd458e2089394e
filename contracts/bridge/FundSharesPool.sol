// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts@4.8.3/token/ERC20/IERC20.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {TokenPool} from "@chainlink/contracts-ccip/contracts/pools/TokenPool.sol";
import {Pool} from "@chainlink/contracts-ccip/contracts/libraries/Pool.sol";
import {Client} from "@chainlink/contracts-ccip/contracts/libraries/Client.sol";
import {IRouterClient} from "@chainlink/contracts-ccip/contracts/interfaces/IRouterClient.sol";
import {IFundToken} from "../interfaces/IFundToken.sol";
import {IFundTokenTypes} from "../interfaces/IFundTokenTypes.sol";

/// @title FundSharesPool
/// @notice A Chainlink CCIP token pool (CCT) for the rebasing fund token that carries **shares**, never amounts:
/// the source pool sends the shares it received (in the 32-byte `destPoolData`, with a per-lane nonce), the
/// destination pool hands the same shares to the receiver, so an accrual while a transfer is in flight, on either
/// side, neither creates nor loses value. A receiver the destination token refuses (not verified there, frozen,
/// country, class, sanctions, holding limits...) does not make the CCIP message fail: the shares are parked in
/// the pool, and the transfer agent delivers them once the receiver is fixed, or returns them to the original
/// sender on the source chain. docs/MULTICHAIN.md.
/// @dev Derived from Chainlink's `TokenPool` (router and ramp checks, RMN curse, remote pools, per-lane rate limits
/// in token units: those functions are `onlyOwner`, the owner being the fund's AccessManager). The pool's own
/// functions are AccessManager-restricted. The pool must be a verified PROTOCOL account of its chain's registry.
abstract contract FundSharesPool is TokenPool, AccessManaged {
    /// @notice An arrival refused by the destination token, waiting for the transfer agent.
    struct ParkedArrival {
        address receiver;
        uint64 sourceChainSelector;
        address originalSender;
        uint128 shares;
    }

    /// @notice The pool is paused: no send and no arrival (an arrival's CCIP message fails and is executed again
    /// after the unpause).
    error PoolPaused();
    /// @notice unpause while not paused, or pause while paused.
    error PoolPauseUnchanged(bool paused);
    /// @notice The destination token is paused: the arrival's CCIP message fails and is executed again later.
    error TokenPaused();
    /// @notice A lock or burn with no shares received.
    error NoSharesToSend();
    /// @notice The source pool data is not this pool's (nonce << 128 | shares) word.
    error InvalidSharesPayload(bytes sourcePoolData);
    /// @notice The transfer `nonce` of `remoteChainSelector` was released already (replay).
    error TransferAlreadyReleased(uint64 remoteChainSelector, uint64 nonce);
    /// @notice The token refused the receiver without a reason (e.g. out of gas): retried, never parked.
    error ArrivalFailedWithoutReason(address receiver);
    /// @notice No parked arrival under `id`.
    error UnknownParkedArrival(uint256 id);
    /// @notice The parked arrival's original sender is not an EVM address: it can only be delivered.
    error NoReturnAddress(uint256 id);
    /// @notice The value sent does not cover the CCIP fee of a return.
    error InsufficientFee(uint256 fee, uint256 paid);
    /// @notice The parking reason of an arrival addressed to the pool itself.
    error ReceiverIsPool(address receiver);
    /// @notice Refunding the value above the fee failed.
    error RefundFailed(address to, uint256 value);

    /// @notice Shares left this chain (locked or burned) for `receiver` on `remoteChainSelector`.
    event SharesSent(
        uint64 indexed remoteChainSelector,
        uint64 indexed nonce,
        address indexed originalSender,
        bytes receiver,
        uint256 shares,
        uint256 amount
    );
    /// @notice Shares arrived and reached their receiver.
    event SharesArrived(
        uint64 indexed remoteChainSelector,
        uint64 indexed nonce,
        address indexed receiver,
        uint256 shares,
        uint256 amount
    );
    /// @notice Shares arrived for a receiver the token refused (`reason`, its revert data): parked under `id`.
    event ArrivalParked(
        uint256 indexed id,
        uint64 indexed remoteChainSelector,
        uint64 nonce,
        address indexed receiver,
        address originalSender,
        uint256 shares,
        bytes reason
    );
    /// @notice The transfer agent delivered a parked arrival.
    event ParkedDelivered(uint256 indexed id, address indexed receiver, uint256 shares, uint256 amount);
    /// @notice The transfer agent returned a parked arrival to its original sender on its source chain.
    event ParkedReturned(
        uint256 indexed id,
        uint64 indexed remoteChainSelector,
        address indexed originalSender,
        bytes32 messageId,
        uint256 shares
    );
    /// @notice The pool was paused or unpaused.
    event PoolPausedChanged(bool oldPaused, bool newPaused);

    /// @dev The shares of a `destPoolData` word (its bits 128..191 are the nonce).
    uint256 private constant _SHARES_MASK = (1 << 128) - 1;

    /// @dev The fund token, with its whole ABI.
    IFundToken internal immutable i_fund;

    bool private s_paused;
    uint256 private s_parkedShares;
    uint256 private s_lastParkedId;
    mapping(uint256 id => ParkedArrival) private s_parked;
    mapping(uint64 remoteChainSelector => uint64) private s_outboundNonce;
    /// @dev Released nonces of each source chain, 256 per word (one new storage word per 256 arrivals).
    mapping(uint64 remoteChainSelector => mapping(uint256 word => uint256 bits)) private s_released;
    /// @dev Shares of the parked arrival being returned, for the `lockOrBurn` of the return's own CCIP send.
    uint256 private transient t_returnShares;

    /// @param token The fund token of this chain.
    /// @param rmnProxy The chain's RMN proxy.
    /// @param router The chain's CCIP router.
    /// @param authority The fund's AccessManager on this chain.
    constructor(
        address token,
        address rmnProxy,
        address router,
        address authority
    ) TokenPool(IERC20(token), 18, new address[](0), rmnProxy, router) AccessManaged(authority) {
        i_fund = IFundToken(token);
    }

    // =================================================================== CCIP

    /// @notice Called by the on-ramp after the router moved the sender's tokens to this pool: locks (home) or burns
    /// (satellite) the shares the pool received, and sends them, with the lane's next nonce, as `destPoolData`.
    /// @param lockOrBurnIn The on-ramp's input; `amount` (token units) is what the rate limit counts.
    function lockOrBurn(
        Pool.LockOrBurnInV1 calldata lockOrBurnIn
    ) public override returns (Pool.LockOrBurnOutV1 memory) {
        if (s_paused) revert PoolPaused();
        _validateLockOrBurn(lockOrBurnIn);
        uint256 shares;
        if (lockOrBurnIn.originalSender == address(this)) {
            shares = t_returnShares;
            t_returnShares = 0;
        } else {
            shares = i_fund.sharesOf(address(this)) - _heldShares();
        }
        if (shares == 0) revert NoSharesToSend();
        uint64 remote = lockOrBurnIn.remoteChainSelector;
        _lockOrBurnShares(remote, shares);
        uint64 nonce = ++s_outboundNonce[remote];
        emit LockedOrBurned(remote, address(i_token), msg.sender, lockOrBurnIn.amount);
        emit SharesSent(
            remote,
            nonce,
            lockOrBurnIn.originalSender,
            lockOrBurnIn.receiver,
            shares,
            lockOrBurnIn.amount
        );
        return
            Pool.LockOrBurnOutV1({
                destTokenAddress: getRemoteToken(remote),
                destPoolData: abi.encode((uint256(nonce) << 128) | shares)
            });
    }

    /// @notice Called by the off-ramp: releases (home) or mints (satellite) the shares sent, then transfers them to
    /// the receiver with every rule of this chain; a refused receiver's shares are parked. Returns the receiver's
    /// balance change (0 when parked), as the off-ramp checks it.
    /// @param releaseOrMintIn The off-ramp's input; the shares come from `sourcePoolData`.
    function releaseOrMint(
        Pool.ReleaseOrMintInV1 calldata releaseOrMintIn
    ) public override returns (Pool.ReleaseOrMintOutV1 memory) {
        if (s_paused) revert PoolPaused();
        bytes calldata data = releaseOrMintIn.sourcePoolData;
        if (data.length != 32) revert InvalidSharesPayload(data);
        uint256 word = abi.decode(data, (uint256));
        uint256 shares = word & _SHARES_MASK;
        if (shares == 0 || word >> 192 != 0) revert InvalidSharesPayload(data);
        uint64 nonce = uint64(word >> 128);
        uint64 remote = releaseOrMintIn.remoteChainSelector;
        // The rate limit counts the amount the source sent (the index is the same on every chain, up to the relay's
        // latency): no call to the token for it.
        _validateReleaseOrMint(releaseOrMintIn, releaseOrMintIn.sourceDenominatedAmount);
        uint256 bits = s_released[remote][nonce >> 8];
        uint256 bit = 1 << (nonce & 0xff);
        if (bits & bit != 0) revert TransferAlreadyReleased(remote, nonce);
        s_released[remote][nonce >> 8] = bits | bit;
        _releaseFrom(remote, shares);
        IFundToken fund = i_fund;
        address receiver = releaseOrMintIn.receiver;
        uint256 before = fund.balanceOf(receiver);
        _deliverOrPark(releaseOrMintIn, nonce, shares);
        uint256 received = fund.balanceOf(receiver) - before;
        emit ReleasedOrMinted(remote, address(i_token), msg.sender, receiver, received);
        return Pool.ReleaseOrMintOutV1({destinationAmount: received});
    }

    // =================================================================== refused arrivals

    /// @notice Delivers a parked arrival to its receiver, with every rule of this chain (the token's error if it is
    /// still refused). TRANSFER_AGENT.
    /// @param id The parked arrival.
    /// @return amount The token amount delivered.
    function deliver(uint256 id) external restricted returns (uint256 amount) {
        ParkedArrival memory p = _takeParked(id);
        amount = i_fund.transferShares(p.receiver, p.shares);
        emit ParkedDelivered(id, p.receiver, p.shares, amount);
    }

    /// @notice Returns a parked arrival to its original sender on its source chain, over CCIP (the value sent pays
    /// the fee in native currency; the rest is refunded). TRANSFER_AGENT.
    /// @param id The parked arrival.
    /// @return messageId The CCIP message of the return.
    function returnToSender(uint256 id) external payable restricted returns (bytes32 messageId) {
        ParkedArrival memory p = _takeParked(id);
        if (p.originalSender == address(0)) revert NoReturnAddress(id);
        IFundToken fund = i_fund;
        Client.EVM2AnyMessage memory message = _returnMessage(p, fund.amountForShares(p.shares));
        IRouterClient router = IRouterClient(address(s_router));
        uint256 fee = router.getFee(p.sourceChainSelector, message);
        if (msg.value < fee) revert InsufficientFee(fee, msg.value);
        fund.approve(address(router), message.tokenAmounts[0].amount);
        t_returnShares = p.shares;
        messageId = router.ccipSend{value: fee}(p.sourceChainSelector, message);
        emit ParkedReturned(id, p.sourceChainSelector, p.originalSender, messageId, p.shares);
        if (msg.value > fee) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, ) = msg.sender.call{value: msg.value - fee}("");
            if (!ok) revert RefundFailed(msg.sender, msg.value - fee);
        }
    }

    /// @notice The CCIP fee (native) of returning parked arrival `id`.
    /// @param id The parked arrival.
    function returnFee(uint256 id) external view returns (uint256) {
        ParkedArrival memory p = parkedArrival(id);
        if (p.shares == 0) revert UnknownParkedArrival(id);
        return
            IRouterClient(address(s_router)).getFee(
                p.sourceChainSelector,
                _returnMessage(p, i_fund.amountForShares(p.shares))
            );
    }

    // =================================================================== pause

    /// @notice Stops sends and arrivals through this pool. GUARDIAN.
    function pause() external restricted {
        _setPaused(true);
    }

    /// @notice Resumes sends and arrivals. ISSUER.
    function unpause() external restricted {
        _setPaused(false);
    }

    // =================================================================== views

    /// @notice Whether the pool is paused.
    function paused() external view returns (bool) {
        return s_paused;
    }

    /// @notice A parked arrival (zero shares if none, or delivered, or returned).
    /// @param id The id of its ArrivalParked event.
    function parkedArrival(uint256 id) public view returns (ParkedArrival memory) {
        return s_parked[id];
    }

    /// @notice Shares of every arrival waiting for the transfer agent.
    function parkedShares() public view returns (uint256) {
        return s_parkedShares;
    }

    /// @notice The id of the last parked arrival (ids start at 1).
    function lastParkedId() external view returns (uint256) {
        return s_lastParkedId;
    }

    /// @notice The nonce of the last transfer sent to `remoteChainSelector`.
    /// @param remoteChainSelector The destination chain.
    function outboundNonce(uint64 remoteChainSelector) external view returns (uint64) {
        return s_outboundNonce[remoteChainSelector];
    }

    /// @notice Whether transfer `nonce` from `remoteChainSelector` was released here.
    /// @param remoteChainSelector The source chain.
    /// @param nonce The source pool's nonce.
    function isReleased(uint64 remoteChainSelector, uint64 nonce) external view returns (bool) {
        return s_released[remoteChainSelector][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    // =================================================================== internals

    /// @dev Shares the pool holds for others (parked arrivals; on the home chain also the locked shares).
    function _heldShares() internal view virtual returns (uint256);

    /// @dev Locks (home) or burns (satellite) shares leaving for `remote`.
    function _lockOrBurnShares(uint64 remote, uint256 shares) internal virtual;

    /// @dev Accounts for shares arriving from `remote` (home: taken from the shares locked for it).
    function _releaseFrom(uint64 remote, uint256 shares) internal virtual;

    /// @dev Gives arriving shares to `receiver` with every rule of this chain (home: a transfer from the pool;
    /// satellite: `bridgeMintTo`); returns the token's refusal instead of reverting.
    function _arrive(
        address receiver,
        uint256 shares
    ) internal virtual returns (bool ok, bytes memory refusal);

    /// @dev Keeps refused arriving shares in the pool (satellite: issues them to the pool).
    function _keep(uint256 shares) internal virtual;

    function _deliverOrPark(Pool.ReleaseOrMintInV1 calldata r, uint64 nonce, uint256 shares) private {
        address receiver = r.receiver;
        uint64 remote = r.remoteChainSelector;
        bytes memory reason;
        if (receiver == address(this)) {
            reason = abi.encodeWithSelector(ReceiverIsPool.selector, receiver);
        } else {
            bool ok;
            (ok, reason) = _arrive(receiver, shares);
            if (ok) {
                emit SharesArrived(remote, nonce, receiver, shares, abi.decode(reason, (uint256)));
                return;
            }
            // Out of gas: the message is retried, never parked. A paused token holds the arrival (retried later).
            if (reason.length == 0) revert ArrivalFailedWithoutReason(receiver);
            if (bytes4(reason) == IFundTokenTypes.EnforcedPause.selector) revert TokenPaused();
        }
        _keep(shares);
        address originalSender;
        if (r.originalSender.length == 32) {
            uint256 raw = abi.decode(r.originalSender, (uint256));
            if (raw <= type(uint160).max) originalSender = address(uint160(raw));
        }
        uint256 id = ++s_lastParkedId;
        s_parked[id] = ParkedArrival(receiver, remote, originalSender, uint128(shares));
        s_parkedShares += shares;
        emit ArrivalParked(id, remote, nonce, receiver, originalSender, shares, reason);
    }

    /// @dev A call to the token returning (ok, return data or revert data).
    function _tryToken(bytes memory data) internal returns (bool ok, bytes memory answer) {
        // solhint-disable-next-line avoid-low-level-calls
        (ok, answer) = address(i_fund).call(data);
    }

    function _takeParked(uint256 id) private returns (ParkedArrival memory p) {
        p = s_parked[id];
        if (p.shares == 0) revert UnknownParkedArrival(id);
        delete s_parked[id];
        s_parkedShares -= p.shares;
    }

    function _returnMessage(
        ParkedArrival memory p,
        uint256 amount
    ) private view returns (Client.EVM2AnyMessage memory message) {
        Client.EVMTokenAmount[] memory tokens = new Client.EVMTokenAmount[](1);
        tokens[0] = Client.EVMTokenAmount({token: address(i_fund), amount: amount});
        message = Client.EVM2AnyMessage({
            receiver: abi.encode(p.originalSender),
            data: "",
            tokenAmounts: tokens,
            feeToken: address(0),
            extraArgs: Client._argsToBytes(
                Client.GenericExtraArgsV2({gasLimit: 0, allowOutOfOrderExecution: true})
            )
        });
    }

    function _setPaused(bool paused_) private {
        bool old = s_paused;
        if (old == paused_) revert PoolPauseUnchanged(old);
        s_paused = paused_;
        emit PoolPausedChanged(old, paused_);
    }
}
