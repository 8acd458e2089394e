// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {RateLimiter} from "@openzeppelin/contracts/utils/RateLimiter.sol";
import {IFundToken} from "../interfaces/IFundToken.sol";
import {IFundCompliance} from "../interfaces/IFundCompliance.sol";
import {INavOracle} from "../interfaces/INavOracle.sol";
import {InvestorRecord} from "../identity/InvestorRecord.sol";
import {ShareMath} from "../token/ShareMath.sol";
import {FundManagerBase} from "./FundManagerBase.sol";

/// @title FundManagerVaults
/// @notice The fund manager's side of its ERC-7575 entry points (one `FundVault` per accepted stablecoin): the
/// subscriptions and redemption requests a vault makes for its caller, the cancellation and claim steps of
/// ERC-7540 / ERC-7887 requests, and the views the vaults answer from. Every rule is the manager's own: a vault
/// subscription is a subscription of the receiver, a vault request a request of the owner's tokens in the same
/// first-in, first-out queue, settled by the transfer agent with the same holds; only the payout goes to the vault,
/// where the request's controller claims it. Reached through FundManagerAdmin's fallback (delegatecall), so it runs
/// in the manager proxy's storage, authority and reentrancy lock.
/// It also holds the manager's least used functions: the direct cancellation and the capacity and quote views.
/// @dev Has no state of its own. The caller of a vault entry point must be the vault the fund token lists for the
/// stablecoin (`IFundToken.vault(asset)`, set by the ISSUER), or, for a request's later steps, the vault the
/// request was made through.
contract FundManagerVaults is FundManagerBase {
    using RateLimiter for RateLimiter.RefillingBucket;

    // =================================================================== direct cancellation

    /// @notice Cancels a pending or held request of the caller: its escrowed shares (with the yield they earned)
    /// go back to the caller's wallet, under the token's recipient checks. For a request made through an ERC-7540
    /// vault the caller is its controller, who may also cancel it through the vault (ERC-7887).
    /// @param requestId The request.
    /// @return amount Tokens returned.
    function cancelRedemption(uint256 requestId) external nonReentrant returns (uint256 amount) {
        FundManagerStorage storage $ = _s();
        RedemptionRequest memory r = _requestIn($, requestId, RequestStatus.Pending, RequestStatus.Held);
        if (r.investor != msg.sender) revert NotRequestOwner(requestId, msg.sender, r.investor);
        _closeOpen($, requestId, r, RequestStatus.Cancelled);
        amount = _returnEscrow($.config.token, msg.sender, r.shares);
        emit RedemptionCancelled(requestId, msg.sender, r.shares, amount);
    }

    // =================================================================== subscriptions

    /// @notice A subscription of `amount` of `stablecoin` for `investor`, paid by the calling vault (which took
    /// the stablecoins from `payer`): every rule of {subscribe} applies to `investor` (verification, not a fund
    /// account, minimums, position cap, rolling limits, the token's recipient rules) and the tokens are minted to
    /// it. A `payer` other than `investor` must be a wallet the fund could pay (verified, not frozen in the token,
    /// not sanctioned: IneligibleWallet). The registered vault of `stablecoin` only (NotTheVault).
    /// @param stablecoin An accepted stablecoin.
    /// @param amount Stablecoin units paid, fee included.
    /// @param minTokensOut Smallest number of tokens accepted.
    /// @param investor The wallet receiving the tokens.
    /// @param payer The wallet the vault took the stablecoins from.
    /// @return tokens Tokens minted.
    function subscribeFor(
        address stablecoin,
        uint256 amount,
        uint256 minTokensOut,
        address investor,
        address payer
    ) external nonReentrant returns (uint256 tokens) {
        FundManagerStorage storage $ = _s();
        _onlyVaultOf($, stablecoin);
        if (payer != investor) _requirePayable(_settlementContext($), payer);
        return _subscribe(investor, stablecoin, amount, minTokensOut);
    }

    // =================================================================== redemption requests (ERC-7540)

    /// @notice Queues a redemption of `tokenAmount` of `owner`'s tokens, controlled by `controller`: the checks of
    /// {requestRedemption} apply to `owner` (redemptions not paused, stablecoin accepted, not sanctioned, the
    /// token's sender checks: freezes, unfrozen balance, verification, lockup, daily outflow), `controller` must be
    /// a wallet the fund could pay (IneligibleWallet), and the tokens move into escrow with the token's
    /// `escrowFrom`, spending `spender`'s allowance unless `spender` is `owner`. The request joins the same queue,
    /// first in, first out per stablecoin, with no minimum payout; it is never paid at once: the transfer agent's
    /// settlement pays it into the vault, where `controller` claims it. The registered vault of `stablecoin` only;
    /// its first request gives it its id (VaultRegistered).
    /// @param spender The vault's caller when it relies on an ERC-20 allowance, or `owner`.
    /// @param owner The holder of the tokens.
    /// @param controller The wallet that controls the request and is paid.
    /// @param stablecoin An accepted stablecoin.
    /// @param tokenAmount Tokens to redeem.
    /// @return requestId The request's id in the queue.
    function requestRedemptionFor(
        address spender,
        address owner,
        address controller,
        address stablecoin,
        uint256 tokenAmount
    ) external nonReentrant returns (uint256 requestId) {
        FundManagerStorage storage $ = _s();
        uint8 vaultId = _registerVault($, stablecoin);
        Config memory cfg = $.config;
        (StablecoinInfo memory coin, Redemption memory x) = _redemption(
            $,
            cfg,
            stablecoin,
            tokenAmount,
            0,
            owner
        );
        _requirePayable(_settlementContext($), controller);
        uint256 shares = cfg.token.escrowFrom(spender, owner, tokenAmount);
        requestId = _appendRequest($, controller, coin.id, vaultId, x, shares, 0);
    }

    /// @notice ERC-7887: cancels a pending or held request made through the calling vault, for its `controller`:
    /// it leaves the queue and its escrow waits in the manager, still earning yield, until the controller claims it
    /// ({claimCancellationFor}). Allowed while redemptions are paused.
    /// @param requestId The request.
    /// @param controller Its controller.
    function cancelRedemptionFor(uint256 requestId, address controller) external nonReentrant {
        FundManagerStorage storage $ = _s();
        RedemptionRequest memory r = _vaultRequestIn(
            $,
            requestId,
            controller,
            RequestStatus.Pending,
            RequestStatus.Held
        );
        _closeOpen($, requestId, r, RequestStatus.CancelClaimable);
        $.vaultBook.cancelledShares += r.shares;
        emit RedemptionCancelClaimable(requestId, controller, r.shares);
    }

    /// @notice ERC-7887: sends the escrow of a cancelled request made through the calling vault to `receiver`,
    /// under the token's recipient checks (verified, not frozen, every compliance rule of a recipient).
    /// @param requestId The request.
    /// @param controller Its controller.
    /// @param receiver The wallet receiving the tokens.
    /// @return amount Tokens moved.
    function claimCancellationFor(
        uint256 requestId,
        address controller,
        address receiver
    ) external nonReentrant returns (uint256 amount) {
        FundManagerStorage storage $ = _s();
        RedemptionRequest memory r = _vaultRequestIn(
            $,
            requestId,
            controller,
            RequestStatus.CancelClaimable,
            RequestStatus.CancelClaimable
        );
        $.requests[requestId].status = RequestStatus.Cancelled;
        $.vaultBook.cancelledShares -= r.shares;
        amount = _returnEscrow($.config.token, receiver, r.shares);
        emit CancellationClaimed(requestId, controller, receiver, r.shares, amount);
    }

    // =================================================================== claims (ERC-7540 redeem / withdraw)

    /// @notice Books a claim of `shares` (token value at settlement) of `controller`'s settled requests made
    /// through the calling vault, for their share of the stablecoins the vault holds for them: the last claim takes
    /// what is left, others the pro-rata part rounded down. The vault then sends them to `receiver`. Refused while
    /// redemptions are paused; `controller` and `receiver` must be wallets the fund could pay (IneligibleWallet).
    /// @param controller The requests' controller.
    /// @param receiver The wallet the vault pays.
    /// @param shares Claimable shares to claim.
    /// @return assets Stablecoin units to pay.
    function claimRedeemFor(
        address controller,
        address receiver,
        uint256 shares
    ) external nonReentrant returns (uint256 assets) {
        (ClaimAccount storage a, uint256 claimableShares) = _claimAccount(controller, receiver);
        if (shares == 0 || shares > claimableShares)
            revert ClaimExceedsClaimable(controller, shares, claimableShares);
        uint256 available = a.assets;
        assets = shares == claimableShares ? available : (shares * available) / claimableShares;
        if (assets == 0) revert RedemptionTooSmall(shares);
        _consumeClaim(a, controller, receiver, shares, assets);
    }

    /// @notice As {claimRedeemFor}, for exactly `assets` stablecoin units: the shares consumed are the pro-rata
    /// part rounded up (all of them for the whole amount).
    /// @param controller The requests' controller.
    /// @param receiver The wallet the vault pays.
    /// @param assets Stablecoin units to claim.
    /// @return shares Claimable shares consumed.
    function claimWithdrawFor(
        address controller,
        address receiver,
        uint256 assets
    ) external nonReentrant returns (uint256 shares) {
        (ClaimAccount storage a, uint256 claimableShares) = _claimAccount(controller, receiver);
        uint256 available = a.assets;
        if (assets == 0 || assets > available) revert ClaimExceedsClaimable(controller, assets, available);
        shares = assets == available ? claimableShares : Math.ceilDiv(assets * claimableShares, available);
        _consumeClaim(a, controller, receiver, shares, assets);
    }

    // =================================================================== views

    /// @notice What an investor and the fund may still subscribe now (USD, 18 decimals).
    /// @param identity The investor identity.
    function subscriptionCapacity(address identity) external view returns (uint256 investor, uint256 global) {
        FundManagerStorage storage $ = _s();
        return ($.subscriptionPerInvestor.available(_key(identity)), $.subscriptionGlobal.available(_GLOBAL));
    }

    /// @notice What an investor and the fund may still redeem instantly now (tokens).
    /// @param identity The investor identity.
    function redemptionCapacity(address identity) external view returns (uint256 investor, uint256 global) {
        FundManagerStorage storage $ = _s();
        return ($.redemptionPerInvestor.available(_key(identity)), $.redemptionGlobal.available(_GLOBAL));
    }

    /// @notice Fee and tokens of a subscription of `amount` now, priced at the applied NAV round carried forward
    /// to now (no limit or eligibility check). A newer round that the subscription would apply first only shortens
    /// the carry, so {subscribe} mints at least `tokens` in the same block. An amount above 2^128 - 1, which
    /// {subscribe} refuses, is refused with InvalidAmount.
    /// @param stablecoin An accepted stablecoin.
    /// @param amount Stablecoin units.
    function quoteSubscription(
        address stablecoin,
        uint256 amount
    ) external view returns (uint256 fee, uint256 tokens) {
        FundManagerStorage storage $ = _s();
        StablecoinInfo memory coin = $.stablecoins[stablecoin];
        if (!coin.enabled) revert StablecoinNotEnabled(stablecoin);
        if (amount > _MAX_AMOUNT) revert InvalidAmount(amount);
        return _quoteTokens($.config, coin.decimals, amount);
    }

    /// @notice Gross, fee and net stablecoins of an instant redemption of `tokenAmount`.
    /// @param stablecoin An accepted stablecoin.
    /// @param tokenAmount Tokens.
    function quoteRedemption(
        address stablecoin,
        uint256 tokenAmount
    ) external view returns (uint256 gross, uint256 fee, uint256 net) {
        FundManagerStorage storage $ = _s();
        StablecoinInfo memory coin = $.stablecoins[stablecoin];
        if (!coin.enabled) revert StablecoinNotEnabled(stablecoin);
        gross = tokenAmount / _scale(coin.decimals);
        fee = _feeUp(gross, $.config.redemptionFeeBps);
        net = gross - fee;
    }

    /// @notice The id a vault got with its first request (0: none yet).
    /// @param vault The vault.
    function vaultIdOf(address vault) external view returns (uint8) {
        return _s().vaultIds[vault];
    }

    /// @notice Escrowed shares of cancelled vault requests waiting for their controllers' claims.
    function cancelledEscrow() external view returns (uint256) {
        return _s().vaultBook.cancelledShares;
    }

    /// @notice `controller`'s claimable shares (token value at settlement) and assets (stablecoin units) in `vault`.
    /// @param vault The vault.
    /// @param controller The controller.
    function claimable(
        address vault,
        address controller
    ) public view returns (uint256 shares, uint256 assets) {
        FundManagerStorage storage $ = _s();
        ClaimAccount memory a = $.claims[$.vaultIds[vault]][controller];
        return (a.settled - a.claimed, a.assets);
    }

    /// @notice What `controller` can claim from `vault` now: {claimable}, or nothing while redemptions are paused or
    /// when the controller could not be paid (not verified, frozen, sanctioned).
    /// @param vault The vault.
    /// @param controller The controller.
    function maxClaim(
        address vault,
        address controller
    ) external view returns (uint256 shares, uint256 assets) {
        FundManagerStorage storage $ = _s();
        if ($.config.redemptionsPaused || _holdReason(_settlementContext($), controller) != HoldReason.None)
            return (0, 0);
        return claimable(vault, controller);
    }

    /// @notice ERC-7540 / ERC-7887 state of request `requestId` for `controller` in `vault`, in token units: its
    /// escrow's value now while pending or held (`pending`); once settled, the part of its settlement value not yet
    /// claimed, the controller's claims taking its settled requests in settlement order (`claimableShares`); once
    /// cancelled through the vault and until claimed, its escrow's value now (`cancelClaimable`). All zero for a
    /// request of another vault or controller.
    /// @param vault The vault.
    /// @param requestId The request.
    /// @param controller The controller.
    function vaultRequest(
        address vault,
        uint256 requestId,
        address controller
    ) external view returns (uint256 pending, uint256 claimableShares, uint256 cancelClaimable) {
        FundManagerStorage storage $ = _s();
        RedemptionRequest memory r = $.requests[requestId];
        if (r.vaultId == 0 || $.vaultIds[vault] != r.vaultId || r.investor != controller) return (0, 0, 0);
        if (r.status == RequestStatus.Pending || r.status == RequestStatus.Held) {
            pending = ShareMath.toAmount(r.shares, $.config.token.index());
        } else if (r.status == RequestStatus.CancelClaimable) {
            cancelClaimable = ShareMath.toAmount(r.shares, $.config.token.index());
        } else if (r.status == RequestStatus.Settled) {
            ClaimRecord memory c = $.claimRecords[requestId];
            uint256 claimed = $.claims[r.vaultId][controller].claimed;
            uint256 end = uint256(c.settledBefore) + c.value;
            if (claimed < end) claimableShares = claimed <= c.settledBefore ? c.value : end - claimed;
        }
    }

    /// @notice The largest subscription (stablecoin units, fee included) `investor` can make now without a
    /// revert, rounded down; 0 when none can: subscriptions or the token paused, the stablecoin not accepted,
    /// `investor` not a verified investor or unable to receive the token (ERC-7943 `canReceive`), a newer NAV round
    /// waiting to be applied (the subscription would apply it first, and the reserve guard may block it), the
    /// oracle or the reserve guard refusing, or the room left below the minimum. The room is the smallest of the
    /// rolling limits (investor and fund), the position cap and the reserves' headroom (each less one token unit
    /// of share rounding), and the compliance must accept the issuance (holding limits, investor cap: 0 when it
    /// refuses the largest one).
    /// @param stablecoin The stablecoin.
    /// @param investor The wallet that would receive the tokens.
    function maxSubscription(address stablecoin, address investor) external view returns (uint256 amount) {
        FundManagerStorage storage $ = _s();
        Config memory cfg = $.config;
        StablecoinInfo memory coin = $.stablecoins[stablecoin];
        if (cfg.subscriptionsPaused || !coin.enabled || cfg.token.paused()) return 0;
        (bool eligible, address identity, uint256 held) = _subscriber(cfg.token, investor);
        if (!eligible) return 0;
        uint256 scale = _scale(coin.decimals);
        // The tokens minted never exceed the amount paid x scale; the limits count the amount paid.
        amount = _subscriptionRoom($, cfg.token, identity, held) / scale;
        if (amount > _MAX_AMOUNT) amount = _MAX_AMOUNT;
        Minimums memory m = $.minimums;
        if (amount == 0 || amount * scale < (held == 0 ? m.minFirstInvestment : m.minTopUp)) return 0;
        (, uint256 tokens) = _quoteTokens(cfg, coin.decimals, amount);
        IFundCompliance compliance = IFundCompliance(address(cfg.token.compliance()));
        if (compliance.detectTransferRestriction(address(0), investor, tokens) != 0) return 0;
    }

    /// @notice The smallest subscription amount (stablecoin units, fee included) that mints at least `tokens` now,
    /// at the applied NAV round carried forward to now: the inverse of {quoteSubscription} (a newer round that the
    /// subscription applies first only shortens the carry, so it mints at least as much). Refuses what
    /// {quoteSubscription} refuses.
    /// @param stablecoin An accepted stablecoin.
    /// @param tokens Tokens wanted.
    function quoteSubscriptionAmount(
        address stablecoin,
        uint256 tokens
    ) external view returns (uint256 amount) {
        FundManagerStorage storage $ = _s();
        StablecoinInfo memory coin = _acceptedCoin($, stablecoin);
        if (tokens > _MAX_AMOUNT) revert InvalidAmount(tokens);
        Config memory cfg = $.config;
        // Lower bound, exact but for the fee's and the carry's rounding: the smallest value carried to `tokens`,
        // the smallest net worth it, the smallest amount whose net (less the fee rounded up) reaches it.
        uint256 carry = uint256(cfg.navCarryRateBps) * (block.timestamp - cfg.token.appliedNav().updatedAt);
        uint256 value =
            carry == 0 ? tokens : Math.ceilDiv(tokens * (_CARRY_DENOMINATOR + carry), _CARRY_DENOMINATOR);
        amount = Math.ceilDiv(
            Math.ceilDiv(value, _scale(coin.decimals)) * _BPS,
            _BPS - cfg.subscriptionFeeBps
        );
        // The manager's own formula decides.
        while (true) {
            if (amount > _MAX_AMOUNT) revert InvalidAmount(amount);
            (, uint256 minted) = _quoteTokens(cfg, coin.decimals, amount);
            if (minted >= tokens) break;
            ++amount;
        }
    }

    // =================================================================== internals

    /// @dev Refuses a caller that is not the vault the fund token lists for `stablecoin`.
    function _onlyVaultOf(FundManagerStorage storage $, address stablecoin) private view {
        if ($.config.token.vault(stablecoin) != msg.sender) revert NotTheVault(stablecoin, msg.sender);
    }

    /// @dev {_onlyVaultOf}, and the caller's vault id (given at its first request).
    function _registerVault(FundManagerStorage storage $, address stablecoin) private returns (uint8 id) {
        _onlyVaultOf($, stablecoin);
        id = $.vaultIds[msg.sender];
        if (id == 0) {
            uint8 count = $.vaultBook.count;
            if (count == type(uint8).max) revert TooManyVaults();
            id = count + 1;
            $.vaultBook.count = id;
            $.vaultIds[msg.sender] = id;
            $.vaultAt[id] = msg.sender;
            emit VaultRegistered(msg.sender, id);
        }
    }

    /// @dev A request in one of two states, made through the calling vault, of `controller`.
    function _vaultRequestIn(
        FundManagerStorage storage $,
        uint256 requestId,
        address controller,
        RequestStatus a,
        RequestStatus b
    ) private view returns (RedemptionRequest memory r) {
        r = _requestIn($, requestId, a, b);
        if (r.vaultId == 0 || $.vaultAt[r.vaultId] != msg.sender)
            revert NotRequestVault(requestId, msg.sender);
        if (r.investor != controller) revert NotRequestOwner(requestId, controller, r.investor);
    }

    /// @dev The calling vault's claim account of `controller` and its claimable shares, after the claim's checks.
    function _claimAccount(
        address controller,
        address receiver
    ) private view returns (ClaimAccount storage a, uint256 claimableShares) {
        FundManagerStorage storage $ = _s();
        if ($.config.redemptionsPaused) revert RedemptionsPaused();
        SettlementContext memory c = _settlementContext($);
        _requirePayable(c, controller);
        _requirePayable(c, receiver);
        a = $.claims[$.vaultIds[msg.sender]][controller];
        claimableShares = a.settled - a.claimed;
    }

    function _consumeClaim(
        ClaimAccount storage a,
        address controller,
        address receiver,
        uint256 shares,
        uint256 assets
    ) private {
        a.claimed += uint128(shares);
        a.assets -= uint128(assets);
        emit RedemptionClaimed(msg.sender, controller, receiver, shares, assets);
    }

    /// @dev Whether `investor` may subscribe now whatever the amount (a verified investor, not a fund account, able
    /// to receive the token, no NAV round waiting), its identity and the shares the identity holds.
    function _subscriber(
        IFundToken token,
        address investor
    ) private view returns (bool eligible, address identity, uint256 held) {
        InvestorRecord rec = _identity(token, investor);
        if (!rec.isVerified() || rec.isProtocol() || !token.canReceive(investor) || !_navApplied(token))
            return (false, address(0), 0);
        identity = rec.identity();
        held = IFundCompliance(address(token.compliance())).investorState(identity).shares;
        eligible = true;
    }

    /// @dev USD (18 decimals) an investor may still subscribe: the smallest of the rolling limits, the position
    /// cap and the reserves' headroom (these two less one token unit of share rounding).
    function _subscriptionRoom(
        FundManagerStorage storage $,
        IFundToken token,
        address identity,
        uint256 held
    ) private view returns (uint256 room) {
        room = _sub($.custody.maxPerInvestor, ShareMath.toAmount(held, token.index()) + 1);
        uint256 other = _reserveRoom(token);
        if (other < room) room = other;
        other = $.subscriptionPerInvestor.available(_key(identity));
        if (other < room) room = other;
        other = $.subscriptionGlobal.available(_GLOBAL);
        if (other < room) room = other;
    }

    /// @dev Whether the token's index prices the newest round the oracle accepts (false when the oracle refuses).
    function _navApplied(IFundToken token) private view returns (bool) {
        try token.navOracle().latestNav() returns (INavOracle.NavRound memory latest) {
            return latest.updatedAt <= token.appliedNav().updatedAt;
        } catch {
            return false;
        }
    }

    /// @dev Tokens an issuance may still add under the reserves, less one unit of share rounding (0 when the guard
    /// refuses or cannot answer).
    function _reserveRoom(IFundToken token) private view returns (uint256) {
        uint256 supply = token.totalSupply();
        try token.reserveGuard().checkSupply(supply) returns (bool, uint256 reserves) {
            return _sub(reserves, supply + 1);
        } catch {
            return 0;
        }
    }

    function _sub(uint256 a, uint256 b) private pure returns (uint256) {
        return a > b ? a - b : 0;
    }
}
