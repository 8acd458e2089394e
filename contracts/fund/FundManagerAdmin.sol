// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {RateLimiter} from "@openzeppelin/contracts/utils/RateLimiter.sol";
import {IFundToken} from "../interfaces/IFundToken.sol";
import {FundManagerBase} from "./FundManagerBase.sol";
import {ExtensionFallback} from "../governance/ExtensionFallback.sol";

/// @title FundManagerAdmin
/// @notice The fund manager's configuration (stablecoins, fees, minimums, limits, buffer, custodian, fee
/// recipient, instant redemption, pauses), the transfer agent's handling of held requests and of excess
/// liquidity, and the views. Deployed once per implementation version and reached only through FundManager's
/// fallback (delegatecall), so it runs in the proxy's storage, authority and reentrancy lock.
/// Everything it does not implement runs in FundManagerVaults (the ERC-7575 / ERC-7540 / ERC-7887 side of the
/// manager), reached through this contract's fallback, still in the proxy's context.
/// @dev Has no state of its own; called directly, its restricted functions revert (no authority).
contract FundManagerAdmin is FundManagerBase, ExtensionFallback {
    using SafeERC20 for IERC20;
    using RateLimiter for RateLimiter.RefillingBucket;

    /// @notice FundManagerVaults: the entry points and views of the ERC-7575 vaults, run in the proxy's context.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address public immutable vaultExtension;

    /// @param vaultExtension_ The FundManagerVaults deployment this extension delegates to.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address vaultExtension_) {
        if (vaultExtension_.code.length == 0) revert InvalidExtension(vaultExtension_);
        vaultExtension = vaultExtension_;
    }

    /// @dev Every function not implemented here runs in FundManagerVaults ({ExtensionFallback}).
    function _extension() internal view override returns (address) {
        return vaultExtension;
    }

    // =================================================================== held requests (TRANSFER_AGENT)

    /// @notice Pays held requests at the current NAV (applied first; a round the reserve guard blocks leaves the
    /// index where it was, which favours the fund) once their investors may be paid again, burning their escrow.
    /// A request the transfer agent held explicitly is paid like any other. Reverts, changing nothing, if any of
    /// them is still blocked, cannot be paid from the balance, or its payment fails. TRANSFER_AGENT; refused while
    /// redemptions are paused.
    /// @param requestIds Held requests, in any order.
    function settleHeld(uint256[] calldata requestIds) external restricted nonReentrant {
        FundManagerStorage storage $ = _s();
        if ($.config.redemptionsPaused) revert RedemptionsPaused();
        _syncNavForPayout($.config.token);
        SettlementContext memory c = _settlementContext($);
        uint256 burnShares;
        for (uint256 i; i < requestIds.length; ++i) {
            uint256 id = requestIds[i];
            RedemptionRequest memory r = _requestIn($, id, RequestStatus.Held, RequestStatus.Held);
            HoldReason reason = _holdReason(c, r.investor);
            Payout memory p = _payout($, r, c.index, c.feeBps);
            if (reason == HoldReason.None && p.net < r.minOut) reason = HoldReason.BelowMinOut;
            if (reason != HoldReason.None) revert RequestStillBlocked(id, reason);
            uint256 balance = IERC20(p.stablecoin).balanceOf(address(this));
            if (balance < p.gross) revert InsufficientLiquidity(p.stablecoin, balance, p.gross);
            IERC20(p.stablecoin).safeTransfer(_payee($, r), p.net);
            _completeSettlement($, c, id, r, p);
            $.queue.heldCount -= 1;
            $.escrow.heldShares -= r.shares;
            burnShares += r.shares;
        }
        if (burnShares != 0) _burnEscrow(c.token, burnShares, c.index);
    }

    /// @notice Sets a pending request aside (held, reason TransferAgent), out of the queue's order: e.g. a request
    /// in a stablecoin that cannot be paid for now (depegged, removed, short), so that the queue's head moves past
    /// it. The investor can still cancel it; the transfer agent pays it later with {settleHeld} or returns its
    /// escrow with {releaseHeld}. Allowed while redemptions are paused. TRANSFER_AGENT.
    /// @param requestId A pending request.
    function holdRequest(uint256 requestId) external restricted nonReentrant {
        FundManagerStorage storage $ = _s();
        RedemptionRequest memory r = _requestIn($, requestId, RequestStatus.Pending, RequestStatus.Pending);
        $.requests[requestId].status = RequestStatus.Held;
        Queue storage q = $.queue;
        q.pendingCount -= 1;
        q.heldCount += 1;
        Escrow storage e = $.escrow;
        e.pendingShares -= r.shares;
        e.heldShares += r.shares;
        $.stablecoins[$.stablecoinAt[r.coinId]].pendingShares -= r.shares;
        emit RedemptionHeld(requestId, r.investor, HoldReason.TransferAgent);
    }

    /// @notice Moves a held request's escrowed shares to `to` and closes the request: back to the investor once
    /// the matter is resolved, or to an account the fund designates when a legal order requires it. The token's
    /// checks on the recipient apply (verified, not frozen, compliance). TRANSFER_AGENT.
    /// @param requestId A held request.
    /// @param to The recipient of the escrowed shares.
    /// @return amount Tokens moved.
    function releaseHeld(
        uint256 requestId,
        address to
    ) external restricted nonReentrant returns (uint256 amount) {
        FundManagerStorage storage $ = _s();
        RedemptionRequest memory r = _requestIn($, requestId, RequestStatus.Held, RequestStatus.Held);
        $.requests[requestId].status = RequestStatus.Released;
        $.queue.heldCount -= 1;
        $.escrow.heldShares -= r.shares;
        amount = _returnEscrow($.config.token, to, r.shares);
        emit RedemptionReleased(requestId, r.investor, to, r.shares, amount);
    }

    /// @notice Sends free liquidity (the balance beyond what pending requests are owed) to the custodian.
    /// TRANSFER_AGENT.
    /// @param stablecoin A stablecoin ever configured.
    /// @param amount Stablecoin units.
    function withdrawToCustodian(address stablecoin, uint256 amount) external restricted nonReentrant {
        FundManagerStorage storage $ = _s();
        StablecoinInfo memory coin = $.stablecoins[stablecoin];
        if (coin.id == 0) revert InvalidStablecoin(stablecoin);
        if (amount == 0) revert InvalidAmount(amount);
        (, , uint256 free) = _liquidity($, stablecoin, coin);
        if (amount > free) revert InsufficientLiquidity(stablecoin, free, amount);
        address custodian = $.custody.custodian;
        IERC20(stablecoin).safeTransfer(custodian, amount);
        emit LiquidityWithdrawn(stablecoin, custodian, amount);
    }

    // =================================================================== stablecoins (ISSUER)

    /// @notice Accepts `stablecoin` for subscriptions and redemptions; its decimals (at most 18) are read and
    /// stored. A stablecoin removed earlier gets its id back. ISSUER.
    /// @param stablecoin An ERC-20 with `decimals() <= 18`, not the fund token.
    /// @param bufferTarget Free liquidity to keep for instant redemptions, in stablecoin units.
    function addStablecoin(address stablecoin, uint96 bufferTarget) external restricted nonReentrant {
        FundManagerStorage storage $ = _s();
        StablecoinInfo storage info = $.stablecoins[stablecoin];
        if (info.enabled) revert StablecoinAlreadyEnabled(stablecoin);
        if (stablecoin.code.length == 0 || stablecoin == address($.config.token))
            revert InvalidStablecoin(stablecoin);
        (bool ok, uint8 decimals) = SafeERC20.tryGetDecimals(IERC20(stablecoin));
        if (!ok || decimals > 18) revert InvalidStablecoin(stablecoin);
        uint8 id = info.id;
        if (id == 0) {
            uint8 count = $.config.stablecoinCount;
            if (count == type(uint8).max) revert TooManyStablecoins();
            id = count + 1;
            $.config.stablecoinCount = id;
            $.stablecoinAt[id] = stablecoin;
            info.id = id;
        }
        info.decimals = decimals;
        info.enabled = true;
        emit StablecoinAdded(stablecoin, id, decimals);
        _setBufferTarget(info, stablecoin, bufferTarget);
    }

    /// @notice Stops accepting `stablecoin` for subscriptions and new redemptions; requests queued in it still
    /// settle and its liquidity can still be withdrawn. ISSUER.
    /// @param stablecoin An accepted stablecoin.
    function removeStablecoin(address stablecoin) external restricted nonReentrant {
        StablecoinInfo storage info = _s().stablecoins[stablecoin];
        if (!info.enabled) revert StablecoinNotEnabled(stablecoin);
        info.enabled = false;
        emit StablecoinRemoved(stablecoin);
    }

    /// @notice Sets the free liquidity subscriptions keep in the manager for instant redemptions. ISSUER.
    /// @param stablecoin An accepted stablecoin.
    /// @param target Stablecoin units.
    function setLiquidityBufferTarget(address stablecoin, uint96 target) external restricted nonReentrant {
        StablecoinInfo storage info = _s().stablecoins[stablecoin];
        if (!info.enabled) revert StablecoinNotEnabled(stablecoin);
        _setBufferTarget(info, stablecoin, target);
    }

    // =================================================================== parameters (ISSUER)

    /// @notice Sets the subscription and redemption fees (each at most {MAX_FEE_BPS}). ISSUER.
    /// @param subscriptionFeeBps Fee on subscriptions, in basis points of the amount paid.
    /// @param redemptionFeeBps Fee on redemptions, in basis points of the gross payout.
    function setFees(uint16 subscriptionFeeBps, uint16 redemptionFeeBps) external restricted nonReentrant {
        if (subscriptionFeeBps > MAX_FEE_BPS) revert FeeTooHigh(subscriptionFeeBps, MAX_FEE_BPS);
        if (redemptionFeeBps > MAX_FEE_BPS) revert FeeTooHigh(redemptionFeeBps, MAX_FEE_BPS);
        Config storage cfg = _s().config;
        emit FeesChanged(cfg.subscriptionFeeBps, subscriptionFeeBps, cfg.redemptionFeeBps, redemptionFeeBps);
        cfg.subscriptionFeeBps = subscriptionFeeBps;
        cfg.redemptionFeeBps = redemptionFeeBps;
    }

    /// @notice Sets the minimum first investment, the minimum top-up (USD, 18 decimals, on the amount paid) and
    /// the largest position an investor may reach by subscribing (its shares across all its wallets at the
    /// current index, after the subscription). ISSUER.
    /// @param minFirstInvestment Minimum when the investor holds no position.
    /// @param minTopUp Minimum when it does.
    /// @param maxPerInvestor Non-zero, at least `minFirstInvestment`.
    function setInvestmentLimits(
        uint96 minFirstInvestment,
        uint96 minTopUp,
        uint96 maxPerInvestor
    ) external restricted nonReentrant {
        if (maxPerInvestor == 0 || maxPerInvestor < minFirstInvestment)
            revert InvalidInvestmentLimits(minFirstInvestment, minTopUp, maxPerInvestor);
        FundManagerStorage storage $ = _s();
        Minimums memory m = $.minimums;
        emit InvestmentLimitsChanged(
            m.minFirstInvestment,
            minFirstInvestment,
            m.minTopUp,
            minTopUp,
            $.custody.maxPerInvestor,
            maxPerInvestor
        );
        $.minimums = Minimums(minFirstInvestment, minTopUp);
        $.custody.maxPerInvestor = maxPerInvestor;
    }

    /// @notice Sets the rolling daily limits of a flow (USD, 18 decimals): each limit refills linearly over
    /// {LIMIT_WINDOW}. Subscriptions beyond a limit are refused; redemptions beyond it are queued. The global
    /// entry is brought up to date first; per-investor entries refill at the new rate from their last use. ISSUER.
    /// @param flow Subscription or redemption.
    /// @param perInvestor Limit per investor identity, non-zero.
    /// @param global Limit for the whole fund, at least `perInvestor`.
    function setDailyLimits(Flow flow, uint96 perInvestor, uint96 global) external restricted nonReentrant {
        if (perInvestor == 0 || global < perInvestor) revert InvalidDailyLimits(perInvestor, global);
        FundManagerStorage storage $ = _s();
        (RateLimiter.RefillingBucket storage investor, RateLimiter.RefillingBucket storage all) = flow ==
            Flow.Subscription
            ? ($.subscriptionPerInvestor, $.subscriptionGlobal)
            : ($.redemptionPerInvestor, $.redemptionGlobal);
        emit DailyLimitsChanged(flow, uint96(investor._capacity), perInvestor, uint96(all._capacity), global);
        all.sync(_GLOBAL);
        investor.updateSettings(LIMIT_WINDOW, perInvestor);
        all.updateSettings(LIMIT_WINDOW, global);
    }

    /// @notice Sets the custodian receiving subscription money beyond the buffer. ISSUER.
    /// @param custodian Not zero, not the manager.
    function setCustodian(address custodian) external restricted nonReentrant {
        if (custodian == address(0) || custodian == address(this)) revert InvalidCustodian(custodian);
        Custody storage cu = _s().custody;
        emit CustodianChanged(cu.custodian, custodian);
        cu.custodian = custodian;
    }

    /// @notice Sets the recipient of subscription and redemption fees (the fund's fee wallet). ISSUER.
    /// @param feeRecipient Not zero, not the manager.
    function setFeeRecipient(address feeRecipient) external restricted nonReentrant {
        if (feeRecipient == address(0) || feeRecipient == address(this))
            revert InvalidFeeRecipient(feeRecipient);
        FundManagerStorage storage $ = _s();
        emit FeeRecipientChanged($.feeRecipient, feeRecipient);
        $.feeRecipient = feeRecipient;
    }

    /// @notice Sets the NAV carry rate: subscriptions are priced at the applied NAV carried forward to their own
    /// time at this annual rate, so that a subscription placed long after the applied round does not buy the
    /// yield accrued since at the old price (docs/FUND.md, "Pricing"). Zero prices at the applied NAV. ISSUER.
    /// @param bps Annual rate in basis points, at most {MAX_NAV_CARRY_RATE_BPS}.
    function setNavCarryRate(uint16 bps) external restricted nonReentrant {
        if (bps > MAX_NAV_CARRY_RATE_BPS) revert NavCarryRateTooHigh(bps, MAX_NAV_CARRY_RATE_BPS);
        Config storage cfg = _s().config;
        emit NavCarryRateChanged(cfg.navCarryRateBps, bps);
        cfg.navCarryRateBps = bps;
    }

    /// @notice Switches instant redemption on or off (off: every redemption is queued). ISSUER.
    /// @param enabled Whether redemptions may be paid at once from the buffer.
    function setInstantRedemption(bool enabled) external restricted nonReentrant {
        Config storage cfg = _s().config;
        emit InstantRedemptionChanged(cfg.instantRedemption, enabled);
        cfg.instantRedemption = enabled;
    }

    // =================================================================== pauses

    /// @notice Stops subscriptions at once. GUARDIAN.
    function pauseSubscriptions() external restricted nonReentrant {
        _setPaused(Flow.Subscription, true);
    }

    /// @notice Resumes subscriptions. ISSUER (behind its delay, which the guardian can cancel).
    function unpauseSubscriptions() external restricted nonReentrant {
        _setPaused(Flow.Subscription, false);
    }

    /// @notice Stops redemption requests, instant payouts and settlements at once; cancellations stay open.
    /// GUARDIAN.
    function pauseRedemptions() external restricted nonReentrant {
        _setPaused(Flow.Redemption, true);
    }

    /// @notice Resumes redemptions. ISSUER (behind its delay, which the guardian can cancel).
    function unpauseRedemptions() external restricted nonReentrant {
        _setPaused(Flow.Redemption, false);
    }

    // =================================================================== views

    /// @notice The fund token.
    function token() external view returns (IFundToken) {
        return _s().config.token;
    }

    /// @notice Every parameter.
    function parameters() external view returns (Parameters memory p) {
        FundManagerStorage storage $ = _s();
        Config memory cfg = $.config;
        p.token = address(cfg.token);
        p.custodian = $.custody.custodian;
        p.feeRecipient = $.feeRecipient;
        p.subscriptionFeeBps = cfg.subscriptionFeeBps;
        p.redemptionFeeBps = cfg.redemptionFeeBps;
        p.subscriptionsPaused = cfg.subscriptionsPaused;
        p.redemptionsPaused = cfg.redemptionsPaused;
        p.instantRedemption = cfg.instantRedemption;
        p.navCarryRateBps = cfg.navCarryRateBps;
        p.minFirstInvestment = $.minimums.minFirstInvestment;
        p.minTopUp = $.minimums.minTopUp;
        p.maxPerInvestor = $.custody.maxPerInvestor;
        p.subscriptionLimitPerInvestor = uint96($.subscriptionPerInvestor._capacity);
        p.subscriptionLimitGlobal = uint96($.subscriptionGlobal._capacity);
        p.redemptionLimitPerInvestor = uint96($.redemptionPerInvestor._capacity);
        p.redemptionLimitGlobal = uint96($.redemptionGlobal._capacity);
    }

    /// @notice A stablecoin's configuration (id 0: never configured).
    /// @param coin The stablecoin.
    function stablecoinInfo(address coin) external view returns (StablecoinInfo memory) {
        return _s().stablecoins[coin];
    }

    /// @notice Every stablecoin ever configured, by id (enabled or not).
    function stablecoins() external view returns (address[] memory list) {
        FundManagerStorage storage $ = _s();
        uint256 count = $.config.stablecoinCount;
        list = new address[](count);
        for (uint256 i; i < count; ++i) list[i] = $.stablecoinAt[i + 1];
    }

    /// @notice The manager's balance of `stablecoin`, the part owed to pending requests at the current index
    /// (rounded up) and the free part (the liquidity buffer).
    /// @param coin A configured stablecoin.
    function liquidity(address coin) external view returns (uint256 balance, uint256 reserved, uint256 free) {
        FundManagerStorage storage $ = _s();
        return _liquidity($, coin, $.stablecoins[coin]);
    }

    /// @notice Queue positions, counts and escrowed shares.
    function queue() external view returns (QueueInfo memory) {
        FundManagerStorage storage $ = _s();
        Queue memory q = $.queue;
        Escrow memory e = $.escrow;
        return QueueInfo(q.head, q.tail, q.pendingCount, q.heldCount, e.pendingShares, e.heldShares);
    }

    /// @notice A redemption request and the stablecoin it is paid in.
    /// @param requestId The request.
    function request(
        uint256 requestId
    ) external view returns (RedemptionRequest memory r, address stablecoin_) {
        FundManagerStorage storage $ = _s();
        r = $.requests[requestId];
        stablecoin_ = $.stablecoinAt[r.coinId];
    }

    /// @notice What a request's escrow is worth at the token's current index (before any newer NAV round is
    /// applied): token value, gross stablecoins, fee and net payout.
    /// @param requestId The request.
    function requestValue(
        uint256 requestId
    ) external view returns (uint256 value, uint256 gross, uint256 fee, uint256 net) {
        FundManagerStorage storage $ = _s();
        RedemptionRequest memory r = $.requests[requestId];
        if (r.status == RequestStatus.None) revert InvalidRequestStatus(requestId, r.status);
        Config memory cfg = $.config;
        Payout memory p = _payout($, r, cfg.token.index(), cfg.redemptionFeeBps);
        return (p.value, p.gross, p.fee, p.net);
    }

    /// @notice Value of the pending requests' escrow at the current index (tokens, i.e. USD).
    function pendingValue() external view returns (uint256) {
        FundManagerStorage storage $ = _s();
        return ($.escrow.pendingShares * $.config.token.index()) / 1e18;
    }

    // =================================================================== internals

    function _setBufferTarget(StablecoinInfo storage info, address stablecoin, uint96 target) private {
        emit LiquidityBufferTargetChanged(stablecoin, info.bufferTarget, target);
        info.bufferTarget = target;
    }

    function _setPaused(Flow flow, bool paused) private {
        Config storage cfg = _s().config;
        bool old = flow == Flow.Subscription ? cfg.subscriptionsPaused : cfg.redemptionsPaused;
        if (old == paused) return;
        if (flow == Flow.Subscription) cfg.subscriptionsPaused = paused;
        else cfg.redemptionsPaused = paused;
        emit PauseChanged(flow, old, paused);
    }

    function _liquidity(
        FundManagerStorage storage $,
        address stablecoin,
        StablecoinInfo memory coin
    ) private view returns (uint256 balance, uint256 reserved, uint256 free) {
        if (coin.id == 0) revert InvalidStablecoin(stablecoin);
        balance = IERC20(stablecoin).balanceOf(address(this));
        reserved = _reserved(coin.pendingShares, $.config.token.index(), _scale(coin.decimals));
        free = balance > reserved ? balance - reserved : 0;
    }
}
