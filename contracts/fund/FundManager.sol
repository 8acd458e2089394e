// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {RateLimiter} from "@openzeppelin/contracts/utils/RateLimiter.sol";
import {ManagedUpgradeable} from "../governance/ManagedUpgradeable.sol";
import {IFundToken} from "../interfaces/IFundToken.sol";
import {FundManagerBase} from "./FundManagerBase.sol";
import {ExtensionFallback} from "../governance/ExtensionFallback.sol";

/// @title FundManager
/// @notice Subscriptions and redemptions of the fund token against stablecoins at NAV. The token is a $1 rebasing
/// token: once the latest NAV round is applied to its index, one token is worth exactly $1, so a subscription
/// mints (net USD) tokens and a redemption pays (tokens) USD. Redemptions are paid at once from a liquidity buffer
/// when instant redemption is on, the buffer holds enough and the daily limits allow; otherwise they wait in a
/// FIFO queue, their tokens held in escrow (still earning yield), and the transfer agent settles them in order at
/// the NAV of the settlement.
/// @dev This contract holds the investors' paths and the queue settlement and is the proxy's implementation;
/// configuration, held requests and views live in FundManagerAdmin, reached through the fallback by delegatecall
/// (the same pattern as FundToken / FundTokenAdmin). The whole ABI is IFundManager. Every state-changing function
/// takes the transient reentrancy lock. See docs/FUND.md.
contract FundManager is ManagedUpgradeable, FundManagerBase, ExtensionFallback {
    using SafeERC20 for IERC20;
    using RateLimiter for RateLimiter.RefillingBucket;

    /// @notice FundManagerAdmin: configuration, held requests and views, run in this contract's context.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address public immutable extension;

    /// @notice Addresses wired at initialisation; every other parameter is set through governance.
    struct InitParams {
        address authority;
        address token;
        address custodian;
        address feeRecipient;
    }

    /// @param extension_ The FundManagerAdmin deployment this implementation delegates to.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address extension_) {
        if (extension_.code.length == 0) revert InvalidExtension(extension_);
        extension = extension_;
    }

    /// @notice Initialises the manager behind its proxy. Until governance configures stablecoins, limits and
    /// minimums, every subscription is refused (no stablecoin is accepted and the limits are zero).
    /// @param p The AccessManager, the fund token, the custodian and the fee recipient.
    function initialize(InitParams calldata p) external initializer {
        __Managed_init(p.authority);
        if (p.token.code.length == 0) revert InvalidToken(p.token);
        if (p.custodian == address(0) || p.custodian == address(this)) revert InvalidCustodian(p.custodian);
        if (p.feeRecipient == address(0) || p.feeRecipient == address(this))
            revert InvalidFeeRecipient(p.feeRecipient);
        FundManagerStorage storage $ = _s();
        $.config.token = IFundToken(p.token);
        $.custody.custodian = p.custodian;
        $.feeRecipient = p.feeRecipient;
        $.queue = Queue(1, 1, 0, 0);
        emit CustodianChanged(address(0), p.custodian);
        emit FeeRecipientChanged(address(0), p.feeRecipient);
    }

    /// @dev Every function not implemented here runs in FundManagerAdmin ({ExtensionFallback}).
    function _extension() internal view override returns (address) {
        return extension;
    }

    // =================================================================== subscriptions

    /// @notice Subscribes `amount` of `stablecoin` for fund tokens at the current NAV: applies the latest NAV round
    /// first (refused when it is stale or the reserves block it), takes the fee (rounded up) for the fee recipient,
    /// keeps what tops the liquidity buffer up to its target, sends the rest to the custodian, and mints the net
    /// amount as tokens (one token per net USD at the applied round), less the NAV carry: the applied NAV carried
    /// forward to now at the NAV carry rate (docs/FUND.md, "Pricing"). The caller must be a verified investor
    /// whom the compliance accepts as recipient; minimums, the position cap and the rolling daily limits apply,
    /// and the supply may not exceed the reserves.
    /// @param stablecoin An accepted stablecoin; the caller approved this contract for `amount`.
    /// @param amount Stablecoin units paid, fee included.
    /// @param minTokensOut Smallest number of tokens accepted (protects against a fee change in flight).
    /// @return tokens Tokens minted (the investor's balance grows by `tokens` or `tokens - 1` wei: shares round down).
    function subscribe(
        address stablecoin,
        uint256 amount,
        uint256 minTokensOut
    ) external nonReentrant returns (uint256 tokens) {
        return _subscribe(msg.sender, stablecoin, amount, minTokensOut);
    }

    // =================================================================== redemptions

    /// @notice Redeems `tokenAmount` tokens for `stablecoin` at NAV. The tokens are taken with `transferFrom`
    /// (the caller approved this contract), so the token's sender checks apply: a frozen holder or locked tokens
    /// cannot redeem; a sanctioned holder is refused first (WalletSanctioned), whether or not the compliance's
    /// sanctions rule is on. The latest NAV round is applied first when it can be; no feed refuses a request: a
    /// round the reserve guard blocks leaves the index where it was (paying at it favours the fund), and a NAV
    /// round the oracle refuses makes the request wait in the queue. Paid at once (burned, fee rounded up) when
    /// instant redemption is on, the index prices the fund, the free buffer covers it and the daily limits allow;
    /// otherwise queued, the tokens held in escrow until the transfer agent settles the request at the NAV of
    /// that day.
    /// @param tokenAmount Tokens to redeem.
    /// @param stablecoin An accepted stablecoin to be paid in.
    /// @param minOut Smallest net payout accepted, in stablecoin units (also checked at settlement).
    /// @return requestId The queued request's id, or 0 when paid at once.
    /// @return paid The net stablecoins paid at once (0 when queued).
    function requestRedemption(
        uint256 tokenAmount,
        address stablecoin,
        uint256 minOut
    ) external nonReentrant returns (uint256 requestId, uint256 paid) {
        return _redeem(tokenAmount, stablecoin, minOut);
    }

    /// @notice {requestRedemption} with an EIP-2612 permit of the token instead of a prior approval. A permit
    /// already used (e.g. front-run) is ignored: the redemption then relies on the existing allowance.
    /// @param tokenAmount Tokens to redeem (also the permitted value).
    /// @param stablecoin An accepted stablecoin to be paid in.
    /// @param minOut Smallest net payout accepted, in stablecoin units.
    /// @param deadline The permit's deadline.
    /// @param v Signature v.
    /// @param r Signature r.
    /// @param s Signature s.
    /// @return requestId The queued request's id, or 0 when paid at once.
    /// @return paid The net stablecoins paid at once (0 when queued).
    function requestRedemptionWithPermit(
        uint256 tokenAmount,
        address stablecoin,
        uint256 minOut,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256 requestId, uint256 paid) {
        // solhint-disable-next-line no-empty-blocks
        try _s().config.token.permit(msg.sender, address(this), tokenAmount, deadline, v, r, s) {} catch {}
        return _redeem(tokenAmount, stablecoin, minOut);
    }

    /// @notice Settles the queue in order, from its head, at the current NAV (applied first; a round the reserve
    /// guard blocks leaves the index where it was, which favours the fund): examines at most `count` positions;
    /// settled, held and cancelled ones are passed; a request whose investor is no longer verified, is frozen or
    /// sanctioned, whose payout fell below its minimum, or whose payment the stablecoin refused is set aside (held,
    /// with an event) for the transfer agent; the others are paid from the manager's balance of their stablecoin
    /// (fee rounded up to the fee recipient) and their escrowed shares burned. Each stablecoin keeps its own first
    /// in, first out order: once a request cannot be paid from its stablecoin's balance, no later request in that
    /// stablecoin is paid by this call, while requests in other stablecoins still are. The head stops at the first
    /// request left pending. Reverts (InsufficientLiquidity, for the first request it could not pay) when it could
    /// neither pay nor hold any request. TRANSFER_AGENT; refused while redemptions are paused.
    /// @param count Largest number of queue positions to examine.
    /// @return settled Requests paid.
    function settleRedemptions(uint256 count) external restricted nonReentrant returns (uint256 settled) {
        FundManagerStorage storage $ = _s();
        Config memory cfg = $.config;
        if (cfg.redemptionsPaused) revert RedemptionsPaused();
        if (count == 0) revert ZeroCount();
        Queue memory q = $.queue;
        if (q.head == q.tail) revert QueueEmpty();
        _syncNavForPayout(cfg.token);
        SettlementContext memory c = _settlementContext($);
        Escrow memory e = $.escrow;
        uint256 end = q.tail - q.head > count ? q.head + count : q.tail;
        uint256 burnShares;
        uint256 held;
        // One bit per stablecoin id whose balance fell short in this call (ids are 1..255).
        uint256 shortCoins;
        uint64 firstOpen;
        Short memory firstShort;
        uint64 id = q.head;
        for (; id < end; ++id) {
            RedemptionRequest memory r = $.requests[id];
            if (r.status != RequestStatus.Pending) continue;
            if (shortCoins & (uint256(1) << r.coinId) == 0) {
                Outcome o = _settleQueued($, c, id, r, firstShort);
                if (o != Outcome.Short) {
                    q.pendingCount -= 1;
                    e.pendingShares -= r.shares;
                    if (o == Outcome.Paid) {
                        ++settled;
                        burnShares += r.shares;
                    } else {
                        ++held;
                        q.heldCount += 1;
                        e.heldShares += r.shares;
                    }
                    continue;
                }
                shortCoins |= uint256(1) << r.coinId;
            }
            if (firstOpen == 0) firstOpen = id;
        }
        if (settled == 0 && held == 0 && shortCoins != 0) {
            revert InsufficientLiquidity(firstShort.stablecoin, firstShort.balance, firstShort.needed);
        }
        q.head = firstOpen == 0 ? id : firstOpen;
        $.queue = q;
        $.escrow = e;
        if (burnShares != 0) _burnEscrow(c.token, burnShares, c.index);
    }

    // =================================================================== internals

    enum Outcome {
        Paid,
        Held,
        Short
    }

    /// @dev The first request a settlement could not pay: its stablecoin, the balance and the gross payout.
    struct Short {
        address stablecoin;
        uint256 balance;
        uint256 needed;
    }

    function _redeem(
        uint256 tokenAmount,
        address stablecoin,
        uint256 minOut
    ) private returns (uint256 requestId, uint256 paid) {
        FundManagerStorage storage $ = _s();
        Config memory cfg = $.config;
        (StablecoinInfo memory coin, Redemption memory x) = _redemption(
            $,
            cfg,
            stablecoin,
            tokenAmount,
            minOut,
            msg.sender
        );
        if (_trySyncNav(cfg.token) && cfg.instantRedemption && _tryInstant($, cfg.token, coin, x)) {
            _payInstantly($, cfg.token, x);
            return (0, x.net);
        }
        requestId = _enqueue($, cfg.token, coin.id, x, minOut);
    }

    /// @dev Whether the redemption can be paid at once: the free balance covers it and both daily limits allow
    /// it; consumes the limits when it can.
    function _tryInstant(
        FundManagerStorage storage $,
        IFundToken token,
        StablecoinInfo memory coin,
        Redemption memory x
    ) private returns (bool) {
        uint256 reserved =
            coin.pendingShares == 0 ? 0 : _reserved(coin.pendingShares, token.index(), _scale(coin.decimals));
        if (IERC20(x.stablecoin).balanceOf(address(this)) < reserved + x.gross) return false;
        if ($.redemptionGlobal.available(_GLOBAL) < x.tokenAmount) return false;
        x.identity = _identity(token, msg.sender).identity();
        bytes32 key = _key(x.identity);
        if ($.redemptionPerInvestor.available(key) < x.tokenAmount) return false;
        $.redemptionPerInvestor.tryConsume(key, x.tokenAmount);
        $.redemptionGlobal.tryConsume(_GLOBAL, x.tokenAmount);
        return true;
    }

    /// @dev Takes the tokens (the token's sender checks apply), burns them and pays.
    function _payInstantly(FundManagerStorage storage $, IFundToken token, Redemption memory x) private {
        token.transferFrom(msg.sender, address(this), x.tokenAmount);
        // The burn takes exactly the shares just received (one fewer for a whole balance, left as dust).
        token.burn(address(this), x.tokenAmount);
        IERC20(x.stablecoin).safeTransfer(msg.sender, x.net);
        if (x.fee != 0) IERC20(x.stablecoin).safeTransfer($.feeRecipient, x.fee);
        emit Redeemed(msg.sender, x.identity, x.stablecoin, x.tokenAmount, x.gross, x.fee, x.net);
    }

    /// @dev Takes the tokens into escrow (the token's sender checks apply) and appends a request.
    function _enqueue(
        FundManagerStorage storage $,
        IFundToken token,
        uint8 coinId,
        Redemption memory x,
        uint256 minOut
    ) private returns (uint256 requestId) {
        uint256 before = token.sharesOf(address(this));
        token.transferFrom(msg.sender, address(this), x.tokenAmount);
        requestId = _appendRequest(
            $,
            msg.sender,
            coinId,
            0,
            x,
            token.sharesOf(address(this)) - before,
            minOut
        );
    }

    /// @dev Settles one pending request: paid, held, or (not enough balance) left pending; the first shortfall of
    /// the call is recorded in `firstShort`.
    function _settleQueued(
        FundManagerStorage storage $,
        SettlementContext memory c,
        uint256 requestId,
        RedemptionRequest memory r,
        Short memory firstShort
    ) private returns (Outcome) {
        HoldReason reason = _holdReason(c, r.investor);
        Payout memory p = _payout($, r, c.index, c.feeBps);
        if (reason == HoldReason.None && p.net < r.minOut) reason = HoldReason.BelowMinOut;
        if (reason == HoldReason.None) {
            uint256 balance = IERC20(p.stablecoin).balanceOf(address(this));
            if (balance < p.gross) {
                if (firstShort.stablecoin == address(0)) {
                    (firstShort.stablecoin, firstShort.balance, firstShort.needed) = (
                        p.stablecoin,
                        balance,
                        p.gross
                    );
                }
                return Outcome.Short;
            }
            // A stablecoin that refuses to pay this investor (e.g. its own blacklist) must not block the queue.
            if (!IERC20(p.stablecoin).trySafeTransfer(_payee($, r), p.net)) reason = HoldReason.PaymentFailed;
        }
        $.stablecoins[p.stablecoin].pendingShares -= r.shares;
        if (reason != HoldReason.None) {
            $.requests[requestId].status = RequestStatus.Held;
            emit RedemptionHeld(requestId, r.investor, reason);
            return Outcome.Held;
        }
        _completeSettlement($, c, requestId, r, p);
        return Outcome.Paid;
    }
}
