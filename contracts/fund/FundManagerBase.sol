// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {RateLimiter} from "@openzeppelin/contracts/utils/RateLimiter.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {IFundToken} from "../interfaces/IFundToken.sol";
import {IFundCompliance} from "../interfaces/IFundCompliance.sol";
import {IInvestorRegistry} from "../interfaces/IInvestorRegistry.sol";
import {INavOracle} from "../interfaces/INavOracle.sol";
import {InvestorRecord} from "../identity/InvestorRecord.sol";
import {ShareMath} from "../token/ShareMath.sol";
import {IFundManagerTypes} from "./IFundManagerTypes.sol";

/// @title FundManagerBase
/// @notice Storage and shared internals of the fund manager's two halves: FundManager (the proxy's
/// implementation: the investors' paths and the queue settlement) and FundManagerAdmin (its extension:
/// configuration, held requests and views, reached by delegatecall from FundManager's fallback). Both run in the
/// proxy's storage, in the ERC-7201 namespace below, and share the transient reentrancy lock.
/// @dev Rounding (docs/FUND.md): every conversion favours the fund. Fees round up; a redemption's payout rounds
/// down (token units -> stablecoin units truncate); the stablecoin value reserved for the queue rounds up.
abstract contract FundManagerBase is AccessManagedUpgradeable, ReentrancyGuardTransient, IFundManagerTypes {
    using SafeERC20 for IERC20;
    using RateLimiter for RateLimiter.RefillingBucket;

    /// @notice Largest subscription or redemption fee, in basis points.
    uint16 public constant MAX_FEE_BPS = 100;
    /// @notice Largest NAV carry rate, in basis points a year (20%: far above any Treasury bill yield).
    uint16 public constant MAX_NAV_CARRY_RATE_BPS = 2_000;
    /// @notice Window of the daily limits: a used limit refills linearly over this time (never a calendar reset).
    uint48 public constant LIMIT_WINDOW = 1 days;
    /// @dev Basis points denominator.
    uint256 internal constant _BPS = 10_000;
    /// @dev Carry proration denominator: basis points x seconds per year.
    uint256 internal constant _CARRY_DENOMINATOR = 10_000 * 365 days;
    /// @dev Largest amount a single subscription or redemption may name.
    uint256 internal constant _MAX_AMOUNT = type(uint128).max;
    /// @dev The global entry of a rate limiter.
    bytes32 internal constant _GLOBAL = bytes32(0);

    /// @dev Read by every investor operation: one word.
    struct Config {
        IFundToken token;
        uint16 subscriptionFeeBps;
        uint16 redemptionFeeBps;
        bool subscriptionsPaused;
        bool redemptionsPaused;
        bool instantRedemption;
        uint8 stablecoinCount;
        uint16 navCarryRateBps;
    }

    /// @dev Subscription minimums (USD, 18 decimals): one word.
    struct Minimums {
        uint96 minFirstInvestment;
        uint96 minTopUp;
    }

    /// @dev Where subscription money goes, and the position cap (USD, 18 decimals): one word.
    struct Custody {
        address custodian;
        uint96 maxPerInvestor;
    }

    /// @dev Queue positions and counts: one word.
    struct Queue {
        uint64 head;
        uint64 tail;
        uint64 pendingCount;
        uint64 heldCount;
    }

    /// @dev Shares held in escrow: one word.
    struct Escrow {
        uint128 pendingShares;
        uint128 heldShares;
    }

    /// @custom:storage-location erc7201:fundsuite.storage.FundManager
    struct FundManagerStorage {
        Config config;
        Minimums minimums;
        Custody custody;
        address feeRecipient;
        Queue queue;
        Escrow escrow;
        RateLimiter.RefillingBucket subscriptionPerInvestor;
        RateLimiter.RefillingBucket subscriptionGlobal;
        RateLimiter.RefillingBucket redemptionPerInvestor;
        RateLimiter.RefillingBucket redemptionGlobal;
        mapping(address stablecoin => StablecoinInfo) stablecoins;
        mapping(uint256 id => address) stablecoinAt;
        mapping(uint256 requestId => RedemptionRequest) requests;
        // Appended by issue 19 (ERC-7575 / ERC-7540 / ERC-7887 entry points).
        VaultBook vaultBook;
        mapping(address vault => uint8 id) vaultIds;
        mapping(uint256 id => address vault) vaultAt;
        mapping(uint256 vaultId => mapping(address controller => ClaimAccount)) claims;
        mapping(uint256 requestId => ClaimRecord) claimRecords;
    }

    /// @dev The vaults that made requests, and the escrow of their cancelled requests awaiting the controller's
    /// claim: one word.
    struct VaultBook {
        uint8 count;
        uint128 cancelledShares;
    }

    /// @dev A controller's settled requests made through one vault: token value of all of them at their
    /// settlement (`settled`, cumulative), the part claimed (`claimed`, cumulative) and the stablecoins not yet
    /// claimed (`assets`, held by the vault). Claimable shares are `settled - claimed`.
    struct ClaimAccount {
        uint128 settled;
        uint128 claimed;
        uint128 assets;
    }

    /// @dev A settled vault request: its token value at settlement and its controller's `settled` total before it
    /// (claims consume a controller's requests in settlement order).
    struct ClaimRecord {
        uint128 value;
        uint128 settledBefore;
    }

    /// @dev Amounts of one subscription.
    struct Subscription {
        uint256 amount;
        uint256 scale;
        uint256 fee;
        uint256 net;
        uint256 tokens;
        uint256 toBuffer;
        uint256 toCustodian;
        address identity;
    }

    /// @dev Amounts of one redemption.
    struct Redemption {
        address stablecoin;
        address identity;
        uint256 tokenAmount;
        uint256 gross;
        uint256 fee;
        uint256 net;
    }

    // keccak256(abi.encode(uint256(keccak256("fundsuite.storage.FundManager")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_SLOT =
        0x9603226bdc93713522772f1d5c39c6add707f60a1f603b30804fcf3a45a21300;

    /// @dev What a settlement needs about the fund, read once per call.
    struct SettlementContext {
        IFundToken token;
        IInvestorRegistry registry;
        IFundCompliance compliance;
        uint256 index;
        uint16 feeBps;
        address feeRecipient;
    }

    /// @dev What a queued request is worth at the current index.
    struct Payout {
        address stablecoin;
        uint256 value;
        uint256 gross;
        uint256 fee;
        uint256 net;
    }

    function _s() internal pure returns (FundManagerStorage storage $) {
        assembly {
            $.slot := _STORAGE_SLOT
        }
    }

    // =================================================================== NAV

    /// @dev Before an issuance: makes the token's index reflect the latest NAV round. Reverts when the oracle
    /// refuses its latest round (the oracle's named error) and when the accrual could not apply it (the reserve
    /// guard blocked it: NavAccrualBlocked), so that new tokens are never priced at an index behind a valid round.
    /// After this, one token is worth exactly $1 as of the returned time.
    /// @return pricedAt The timestamp of the applied round, the time the index prices the fund at.
    function _syncNavForIssuance(IFundToken token) internal returns (uint256 pricedAt) {
        INavOracle.NavRound memory latest = token.navOracle().latestNav();
        pricedAt = token.appliedNav().updatedAt;
        if (latest.updatedAt > pricedAt) {
            if (!token.accrue()) revert NavAccrualBlocked(latest.roundId, latest.updatedAt);
            pricedAt = latest.updatedAt;
        }
    }

    /// @dev Before a payout by the transfer agent (queue settlement, held requests): applies the latest NAV round
    /// when it can. Reverts when the oracle refuses its latest round or the accrual reverts (a payout needs a
    /// usable NAV: the agent waits for a valid round), but not when the reserve guard blocked the growth: the
    /// payout then proceeds at the last applied index, below the refused round's NAV, which favours the fund
    /// (a decrease never asks the reserve guard, so a blocked accrual is always growth).
    function _syncNavForPayout(IFundToken token) internal {
        INavOracle.NavRound memory latest = token.navOracle().latestNav();
        if (latest.updatedAt > token.appliedNav().updatedAt) token.accrue();
    }

    /// @dev Before an investor's redemption request: never reverts, so no feed can trap an exit. Returns whether
    /// the token's index prices the fund: the latest round is applied, or its accrual was blocked by the reserve
    /// guard (paying at the lower index favours the fund). Returns false when the oracle refuses its latest round
    /// or the accrual reverts (a round outside the change bound, a disallowed decrease, too little gas): the
    /// caller then queues the request instead of paying it, and the settlement prices it at a valid NAV.
    function _trySyncNav(IFundToken token) internal returns (bool priced) {
        try token.navOracle().latestNav() returns (INavOracle.NavRound memory latest) {
            if (latest.updatedAt <= token.appliedNav().updatedAt) return true;
            try token.accrue() returns (bool) {
                return true;
            } catch {
                return false;
            }
        } catch {
            return false;
        }
    }

    /// @dev Tokens for `value` USD paid at `pricedAt`: the applied NAV carried forward to now at `rateBps` a year,
    /// rounded down. The carry charges a subscriber the yield that accrued since the applied round, which the
    /// next round will pay to every holder: without it, subscribing just before a round and redeeming after it
    /// earns the elapsed yield at the existing holders' expense (docs/FUND.md, "Pricing").
    function _carriedTokens(uint256 value, uint16 rateBps, uint256 pricedAt) internal view returns (uint256) {
        uint256 carry = rateBps * (block.timestamp - pricedAt);
        return carry == 0 ? value : (value * _CARRY_DENOMINATOR) / (_CARRY_DENOMINATOR + carry);
    }

    /// @dev Fee and tokens of a subscription of `amount` now, priced at the applied NAV round carried forward to
    /// now (what {_subscribe} mints when no newer round is waiting; a newer one only shortens the carry).
    function _quoteTokens(
        Config memory cfg,
        uint8 decimals,
        uint256 amount
    ) internal view returns (uint256 fee, uint256 tokens) {
        fee = _feeUp(amount, cfg.subscriptionFeeBps);
        tokens = _carriedTokens(
            (amount - fee) * _scale(decimals),
            cfg.navCarryRateBps,
            cfg.token.appliedNav().updatedAt
        );
    }

    // =================================================================== conversions

    /// @dev Token units per stablecoin unit.
    function _scale(uint8 decimals) internal pure returns (uint256) {
        return 10 ** (18 - decimals);
    }

    /// @dev A fee, rounded up.
    function _feeUp(uint256 amount, uint16 bps) internal pure returns (uint256) {
        uint256 product = amount * bps;
        return product == 0 ? 0 : (product - 1) / _BPS + 1;
    }

    /// @dev Stablecoin units owed to pending requests at the current index, rounded up (never under-reserved).
    function _reserved(uint256 pendingShares, uint256 index, uint256 scale) internal pure returns (uint256) {
        if (pendingShares == 0) return 0;
        uint256 value = ShareMath.toAmount(pendingShares, index);
        return value == 0 ? 0 : (value - 1) / scale + 1;
    }

    /// @dev Value of escrowed shares (down), its stablecoin amount (down), the fee (up) and the net payout.
    function _payout(
        FundManagerStorage storage $,
        RedemptionRequest memory r,
        uint256 index,
        uint16 feeBps
    ) internal view returns (Payout memory p) {
        p.stablecoin = $.stablecoinAt[r.coinId];
        p.value = ShareMath.toAmount(r.shares, index);
        p.gross = p.value / _scale($.stablecoins[p.stablecoin].decimals);
        p.fee = _feeUp(p.gross, feeBps);
        p.net = p.gross - p.fee;
    }

    // =================================================================== settlement

    function _settlementContext(
        FundManagerStorage storage $
    ) internal view returns (SettlementContext memory c) {
        Config memory cfg = $.config;
        c.token = cfg.token;
        c.registry = IInvestorRegistry(address(cfg.token.identityRegistry()));
        c.compliance = IFundCompliance(address(cfg.token.compliance()));
        c.index = cfg.token.index();
        c.feeBps = cfg.redemptionFeeBps;
        c.feeRecipient = $.feeRecipient;
    }

    /// @dev Why an investor may not be paid now: KYC no longer valid (or revoked, or unregistered), wallet
    /// frozen, or sanctioned.
    function _holdReason(SettlementContext memory c, address investor) internal view returns (HoldReason) {
        if (!c.registry.investorRecord(investor).isVerified()) return HoldReason.NotVerified;
        if (c.token.isFrozen(investor)) return HoldReason.Frozen;
        if (c.compliance.isSanctioned(investor)) return HoldReason.Sanctioned;
        return HoldReason.None;
    }

    /// @dev Pays the fee of a settled request (whose net payout went to {_payee}) and records it as settled; for a
    /// request made through a vault, credits its controller's claimable shares and assets in that vault.
    function _completeSettlement(
        FundManagerStorage storage $,
        SettlementContext memory c,
        uint256 requestId,
        RedemptionRequest memory r,
        Payout memory p
    ) internal {
        $.requests[requestId].status = RequestStatus.Settled;
        if (p.fee != 0) IERC20(p.stablecoin).safeTransfer(c.feeRecipient, p.fee);
        if (r.vaultId != 0) {
            ClaimAccount storage a = $.claims[r.vaultId][r.investor];
            uint128 value = SafeCast.toUint128(p.value);
            uint128 settled = a.settled;
            $.claimRecords[requestId] = ClaimRecord(value, settled);
            a.settled = settled + value;
            a.assets += uint128(p.net);
        }
        emit RedemptionSettled(requestId, r.investor, p.stablecoin, r.shares, p.value, p.gross, p.fee, p.net);
    }

    /// @dev Burns escrowed shares: the amount burned is their value rounded down, so the token takes at most
    /// `shares` (rounded up from that amount); at most one share of dust stays with the manager.
    function _burnEscrow(IFundToken token, uint256 shares, uint256 index) internal {
        uint256 amount = ShareMath.toAmount(shares, index);
        if (amount != 0) token.burn(address(this), amount);
    }

    /// @dev Returns a request's escrow to `to` (the investor on cancellation, anyone the agent names on release).
    function _returnEscrow(IFundToken token, address to, uint256 shares) internal returns (uint256 amount) {
        amount = token.transferShares(to, shares);
    }

    /// @dev A request that exists and is in one of the two given states.
    function _requestIn(
        FundManagerStorage storage $,
        uint256 requestId,
        RequestStatus a,
        RequestStatus b
    ) internal view returns (RedemptionRequest memory r) {
        r = $.requests[requestId];
        if (r.status != a && r.status != b) revert InvalidRequestStatus(requestId, r.status);
    }

    /// @dev The key of an investor's entry in the per-investor rate limiters.
    function _key(address identity) internal pure returns (bytes32) {
        return bytes32(uint256(uint160(identity)));
    }

    /// @dev The investor identity of a wallet (zero when unregistered).
    function _identity(IFundToken token, address wallet) internal view returns (InvestorRecord) {
        return IInvestorRegistry(address(token.identityRegistry())).investorRecord(wallet);
    }

    // =================================================================== investors' paths (shared by the
    // direct entry points and the ERC-7575 vaults)

    function _acceptedCoin(
        FundManagerStorage storage $,
        address stablecoin
    ) internal view returns (StablecoinInfo memory coin) {
        coin = $.stablecoins[stablecoin];
        if (!coin.enabled) revert StablecoinNotEnabled(stablecoin);
    }

    /// @dev A subscription of `amount` of `stablecoin`, paid by the caller, for `investor`: see
    /// FundManager.subscribe. Through a vault the vault pays (it took the stablecoins from its caller first).
    function _subscribe(
        address investor,
        address stablecoin,
        uint256 amount,
        uint256 minTokensOut
    ) internal returns (uint256) {
        FundManagerStorage storage $ = _s();
        Config memory cfg = $.config;
        if (cfg.subscriptionsPaused) revert SubscriptionsPaused();
        StablecoinInfo memory coin = _acceptedCoin($, stablecoin);
        if (amount == 0 || amount > _MAX_AMOUNT) revert InvalidAmount(amount);
        IFundToken token = cfg.token;
        uint256 pricedAt = _syncNavForIssuance(token);

        Subscription memory s;
        s.amount = amount;
        s.scale = _scale(coin.decimals);
        s.fee = _feeUp(amount, cfg.subscriptionFeeBps);
        s.net = amount - s.fee;
        s.tokens = _carriedTokens(s.net * s.scale, cfg.navCarryRateBps, pricedAt);
        if (s.tokens < minTokensOut) revert InsufficientOutput(s.tokens, minTokensOut);
        uint256 index = token.index();
        s.identity = _checkInvestor($, token, investor, amount * s.scale, s.tokens, index);
        _consumeSubscriptionLimits($, s.identity, amount * s.scale);
        _collect($, stablecoin, coin, index, s);
        token.mint(investor, s.tokens);
        emit Subscribed(
            investor,
            s.identity,
            stablecoin,
            amount,
            s.fee,
            s.toBuffer,
            s.toCustodian,
            s.tokens,
            s.net * s.scale - s.tokens
        );
        return s.tokens;
    }

    /// @dev Verification, minimums and the position cap of a subscriber; returns its identity.
    function _checkInvestor(
        FundManagerStorage storage $,
        IFundToken token,
        address investor,
        uint256 usd,
        uint256 tokens,
        uint256 index
    ) private view returns (address identity) {
        InvestorRecord rec = _identity(token, investor);
        if (!rec.isVerified() || rec.isProtocol()) revert NotAnInvestor(investor);
        identity = rec.identity();
        uint256 held = IFundCompliance(address(token.compliance())).investorState(identity).shares;
        Minimums memory m = $.minimums;
        if (held == 0) {
            if (usd < m.minFirstInvestment) revert BelowMinFirstInvestment(usd, m.minFirstInvestment);
        } else if (usd < m.minTopUp) {
            revert BelowMinTopUp(usd, m.minTopUp);
        }
        uint256 position = ShareMath.toAmount(held + ShareMath.toSharesDown(tokens, index), index);
        uint256 max = $.custody.maxPerInvestor;
        if (position > max) revert MaxPerInvestorExceeded(identity, position, max);
    }

    function _consumeSubscriptionLimits(FundManagerStorage storage $, address identity, uint256 usd) private {
        bytes32 key = _key(identity);
        uint256 available = $.subscriptionPerInvestor.available(key);
        if (usd > available) revert InvestorSubscriptionLimitExceeded(identity, usd, available);
        available = $.subscriptionGlobal.available(_GLOBAL);
        if (usd > available) revert GlobalSubscriptionLimitExceeded(usd, available);
        $.subscriptionPerInvestor.tryConsume(key, usd);
        $.subscriptionGlobal.tryConsume(_GLOBAL, usd);
    }

    /// @dev Collects a subscription: the fee to the fee recipient, what tops the buffer up to its target to the
    /// manager, the rest to the custodian. The buffer is the free balance: what the manager holds beyond the value
    /// owed to pending requests, so subscription money pays queued redemptions before it is kept as buffer.
    function _collect(
        FundManagerStorage storage $,
        address stablecoin,
        StablecoinInfo memory coin,
        uint256 index,
        Subscription memory s
    ) private {
        uint256 wanted = _reserved(coin.pendingShares, index, s.scale) + coin.bufferTarget;
        uint256 balance = IERC20(stablecoin).balanceOf(address(this));
        if (balance < wanted) s.toBuffer = wanted - balance < s.net ? wanted - balance : s.net;
        s.toCustodian = s.net - s.toBuffer;
        _pull(stablecoin, $.feeRecipient, s.fee);
        _pull(stablecoin, address(this), s.toBuffer);
        _pull(stablecoin, $.custody.custodian, s.toCustodian);
    }

    /// @dev Moves `amount` from the caller to `to`, refusing a stablecoin that credits anything else.
    function _pull(address stablecoin, address to, uint256 amount) private {
        if (amount == 0) return;
        IERC20 coin = IERC20(stablecoin);
        uint256 before = coin.balanceOf(to);
        coin.safeTransferFrom(msg.sender, to, amount);
        uint256 received = coin.balanceOf(to) - before;
        if (received != amount) revert FeeOnTransferStablecoin(stablecoin, amount, received);
    }

    /// @dev The checks and amounts every redemption request shares: redemptions not paused, stablecoin accepted,
    /// `0 < tokenAmount < 2^128`, the holder not sanctioned (whatever the compliance's sanctions switch: the same
    /// screening the settlement applies), a net payout of at least one stablecoin unit and at least `minOut`.
    function _redemption(
        FundManagerStorage storage $,
        Config memory cfg,
        address stablecoin,
        uint256 tokenAmount,
        uint256 minOut,
        address holder
    ) internal view returns (StablecoinInfo memory coin, Redemption memory x) {
        if (cfg.redemptionsPaused) revert RedemptionsPaused();
        coin = _acceptedCoin($, stablecoin);
        if (tokenAmount == 0 || tokenAmount > _MAX_AMOUNT) revert InvalidAmount(tokenAmount);
        if (IFundCompliance(address(cfg.token.compliance())).isSanctioned(holder))
            revert WalletSanctioned(holder);
        x.stablecoin = stablecoin;
        x.tokenAmount = tokenAmount;
        x.gross = tokenAmount / _scale(coin.decimals);
        x.fee = _feeUp(x.gross, cfg.redemptionFeeBps);
        x.net = x.gross - x.fee;
        if (x.net == 0) revert RedemptionTooSmall(tokenAmount);
        if (x.net < minOut) revert InsufficientOutput(x.net, minOut);
    }

    /// @dev Appends a pending request for `shares` now held in escrow.
    function _appendRequest(
        FundManagerStorage storage $,
        address investor,
        uint8 coinId,
        uint8 vaultId,
        Redemption memory x,
        uint256 shares,
        uint256 minOut
    ) internal returns (uint256 requestId) {
        Queue memory q = $.queue;
        requestId = q.tail;
        $.requests[requestId] = RedemptionRequest(
            investor,
            uint40(block.timestamp),
            coinId,
            RequestStatus.Pending,
            vaultId,
            uint128(shares),
            // minOut <= net < 2^128 (checked by _redemption).
            uint128(minOut)
        );
        $.queue = Queue(q.head, q.tail + 1, q.pendingCount + 1, q.heldCount);
        $.escrow.pendingShares += uint128(shares);
        $.stablecoins[x.stablecoin].pendingShares += uint128(shares);
        emit RedemptionRequested(requestId, investor, x.stablecoin, x.tokenAmount, shares, minOut);
    }

    /// @dev Takes a pending or held request out of the queue's counts and escrow totals, with its new status.
    function _closeOpen(
        FundManagerStorage storage $,
        uint256 requestId,
        RedemptionRequest memory r,
        RequestStatus status
    ) internal {
        $.requests[requestId].status = status;
        if (r.status == RequestStatus.Pending) {
            $.queue.pendingCount -= 1;
            $.escrow.pendingShares -= r.shares;
            $.stablecoins[$.stablecoinAt[r.coinId]].pendingShares -= r.shares;
        } else {
            $.queue.heldCount -= 1;
            $.escrow.heldShares -= r.shares;
        }
    }

    /// @dev Who a settlement pays: the investor, or for a request made through a vault the vault, where its
    /// controller claims the payout (ERC-7540: the vault never pushes it).
    function _payee(
        FundManagerStorage storage $,
        RedemptionRequest memory r
    ) internal view returns (address) {
        return r.vaultId == 0 ? r.investor : $.vaultAt[r.vaultId];
    }

    /// @dev Refuses a wallet that a settlement would hold (not verified, frozen, sanctioned).
    function _requirePayable(SettlementContext memory c, address wallet) internal view {
        HoldReason reason = _holdReason(c, wallet);
        if (reason != HoldReason.None) revert IneligibleWallet(wallet, reason);
    }
}
