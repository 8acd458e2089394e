// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {INavOracle} from "../interfaces/INavOracle.sol";
import {FeedMath} from "./FeedMath.sol";

/// @title NavOracle
/// @notice Validating consumer of a Chainlink-compatible NAV feed (a Chainlink aggregator or the fund's own
/// {NavPublisher}). Every answer it hands out is positive, complete, not from the future, no older than
/// `maxAge`, scaled to 18 decimals and at most {MAX_NAV}; {nextNav} additionally checks a round against the last one the
/// caller applied (newer by timestamp, within a change bound proportional to the time elapsed, and not
/// lower unless negative rebases are allowed).
/// @dev `maxAge` must span weekends and market holidays: Treasury money market funds strike NAV on business
/// days only, so a Friday NAV must still be usable on Tuesday after a Monday holiday (4 days, the
/// suggested default). Rounds are ordered by `updatedAt`, never by round id, because round ids of two feeds
/// are unrelated and governance may switch feeds.
/// Not upgradeable, on purpose: the oracle is on the token's accrual path, where a proxy hop (implementation
/// slot read and cold DELEGATECALL, ~4.7k gas) buys nothing. It holds no value and no history, only a
/// configuration that governance sets; to change its logic, governance deploys a new NavOracle and points the
/// token at it (`setNavOracle`, ISSUER behind its delay): replace, don't mutate. See docs/ORACLE.md.
contract NavOracle is INavOracle, AccessManaged {
    /// @notice The whole configuration, packed in one slot (28 bytes): every read path loads it with one SLOAD.
    struct Config {
        AggregatorV3Interface feed;
        uint8 feedDecimals;
        uint32 maxAge;
        uint16 maxChangeBpsPerDay;
        bool allowDecrease;
    }

    /// @notice Basis points in one unit (100%).
    uint256 private constant BPS = 10_000;

    /// @notice Largest NAV (18 decimals) the oracle hands out: 2^128 - 1, about 3.4e20 dollars per token. A
    /// consumer can store it in 128 bits, and multiply it by a 96-bit index (the token's) without overflow.
    uint256 public constant MAX_NAV = type(uint128).max;

    // A plain state variable, not ERC-7201 namespaced storage: this contract is never behind a proxy, so its
    // layout is fixed at deployment and never has to line up with another implementation's (a replacement is a
    // new deployment with its own storage). It follows AccessManaged's slot and fills slot 1 alone.
    Config private _config;

    /// @notice Sets the authority, the feed and the validation bounds.
    /// @dev Same validation and events as the setters (with zero old values); a zero authority is refused.
    /// @param initialAuthority The suite's AccessManager.
    /// @param feed_ The Chainlink-compatible NAV feed; its decimals (at most 36) are cached.
    /// @param maxAge_ Maximum age in seconds of a usable round (non-zero; 4 days suggested, see contract docs).
    /// @param maxChangeBpsPerDay_ Maximum NAV change per elapsed day, in basis points (1..10_000).
    /// @param allowDecrease_ Whether a NAV decrease (negative rebase) is accepted by {nextNav}.
    constructor(
        address initialAuthority,
        AggregatorV3Interface feed_,
        uint32 maxAge_,
        uint16 maxChangeBpsPerDay_,
        bool allowDecrease_
    ) AccessManaged(initialAuthority) {
        if (initialAuthority == address(0)) revert InvalidNavOracleConfig("authority");
        _setFeed(feed_);
        _setMaxAge(maxAge_);
        _setMaxChangeBpsPerDay(maxChangeBpsPerDay_);
        _setAllowDecrease(allowDecrease_);
    }

    // ---------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc INavOracle
    function feed() external view returns (AggregatorV3Interface) {
        return _config.feed;
    }

    /// @notice The decimals of the current feed, cached when the feed was set.
    function feedDecimals() external view returns (uint8) {
        return _config.feedDecimals;
    }

    /// @inheritdoc INavOracle
    function maxAge() external view returns (uint32) {
        return _config.maxAge;
    }

    /// @inheritdoc INavOracle
    function maxChangeBpsPerDay() external view returns (uint16) {
        return _config.maxChangeBpsPerDay;
    }

    /// @inheritdoc INavOracle
    function allowDecrease() external view returns (bool) {
        return _config.allowDecrease;
    }

    /// @inheritdoc INavOracle
    function latestNav() external view returns (NavRound memory) {
        Config storage c = _config;
        return _latestNav(c.feed, c.feedDecimals, c.maxAge);
    }

    /// @inheritdoc INavOracle
    /// @dev The change bound is `lastNav * maxChangeBpsPerDay * elapsed / (10_000 * 1 days)` with `elapsed` in
    /// seconds between the two rounds' timestamps, compared exactly (no rounding): two rounds 12 hours apart
    /// may move half the daily bound, a Friday-to-Monday pair three times it.
    function nextNav(uint256 lastNav, uint256 lastUpdatedAt) external view returns (NavRound memory round) {
        // Every field is taken from one SLOAD here; nothing is read from storage again after the feed call.
        Config storage c = _config;
        (AggregatorV3Interface feed_, uint8 decimals, uint32 maxAge_, uint16 bps, bool allowDecrease_) = (
            c.feed,
            c.feedDecimals,
            c.maxAge,
            c.maxChangeBpsPerDay,
            c.allowDecrease
        );
        round = _latestNav(feed_, decimals, maxAge_);
        if (lastNav == 0) return round;

        if (round.updatedAt < lastUpdatedAt) revert NavRoundOutOfOrder(round.updatedAt, lastUpdatedAt);
        if (round.updatedAt == lastUpdatedAt) revert NavRoundAlreadyApplied(round.updatedAt);

        uint256 change;
        if (round.nav < lastNav) {
            if (!allowDecrease_) revert NavDecreaseNotAllowed(lastNav, round.nav);
            change = lastNav - round.nav;
        } else {
            change = round.nav - lastNav;
        }

        uint256 elapsed = round.updatedAt - lastUpdatedAt;
        // change > floor(x / y) <=> change * y > x for integers, so flooring the bound loses nothing.
        if (change > Math.mulDiv(lastNav, bps * elapsed, BPS * 1 days)) {
            revert NavChangeTooLarge(lastNav, round.nav, elapsed, bps);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Governance (ISSUER, behind an execution delay)
    // ---------------------------------------------------------------------------------------------

    /// @notice Points the oracle at another feed and caches its decimals.
    /// @dev Consumers keep working across the switch because rounds are ordered by timestamp, not round id.
    /// Reverts with `InvalidNavOracleConfig("feed")` for the zero address, an address without code, a feed
    /// whose `decimals()` reverts or returns garbage, or more than 36 decimals.
    /// @param newFeed The new Chainlink-compatible NAV feed.
    function setFeed(AggregatorV3Interface newFeed) external restricted {
        _setFeed(newFeed);
    }

    /// @notice Sets the maximum age of a usable round.
    /// @dev Must span weekends and holidays (see contract docs). Zero is refused.
    /// @param newMaxAge The new maximum age in seconds.
    function setMaxAge(uint32 newMaxAge) external restricted {
        _setMaxAge(newMaxAge);
    }

    /// @notice Sets the maximum NAV change per elapsed day.
    /// @param newBps The new bound in basis points of the last applied NAV (1..10_000).
    function setMaxChangeBpsPerDay(uint16 newBps) external restricted {
        _setMaxChangeBpsPerDay(newBps);
    }

    /// @notice Sets whether a NAV decrease (negative rebase) is accepted.
    /// @param newAllow True to accept decreases (still within the change bound).
    function setAllowDecrease(bool newAllow) external restricted {
        _setAllowDecrease(newAllow);
    }

    // ---------------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------------

    function _latestNav(
        AggregatorV3Interface feed_,
        uint8 decimals,
        uint256 maxAge_
    ) private view returns (NavRound memory) {
        (uint80 roundId, int256 answer, , uint256 updatedAt, uint80 answeredInRound) = feed_
            .latestRoundData();
        if (answer <= 0) revert NavNotPositive(roundId, answer);
        if (updatedAt == 0) revert NavRoundNoTimestamp(roundId);
        if (answeredInRound < roundId) revert NavRoundIncomplete(roundId, answeredInRound);
        if (updatedAt > block.timestamp) revert NavRoundFromFuture(roundId, updatedAt, block.timestamp);
        if (block.timestamp - updatedAt > maxAge_)
            revert NavStale(roundId, updatedAt, maxAge_, block.timestamp);

        (bool fits, uint256 nav) = FeedMath.toWad(uint256(answer), decimals);
        if (!fits || nav > MAX_NAV) revert NavTooLarge(roundId, answer);
        // A feed with more than 18 decimals can report a positive answer below 1e-18: unusable as well.
        if (nav == 0) revert NavNotPositive(roundId, answer);
        return NavRound({roundId: roundId, nav: nav, updatedAt: updatedAt});
    }

    function _setFeed(AggregatorV3Interface newFeed) private {
        if (address(newFeed) == address(0)) revert InvalidNavOracleConfig("feed");
        (bool ok, uint8 decimals) = FeedMath.readDecimals(newFeed);
        if (!ok) revert InvalidNavOracleConfig("feed");
        AggregatorV3Interface oldFeed = _config.feed;
        _config.feed = newFeed;
        _config.feedDecimals = decimals;
        emit NavFeedChanged(address(oldFeed), address(newFeed), decimals);
    }

    function _setMaxAge(uint32 newMaxAge) private {
        if (newMaxAge == 0) revert InvalidNavOracleConfig("maxAge");
        uint32 oldMaxAge = _config.maxAge;
        _config.maxAge = newMaxAge;
        emit MaxAgeChanged(oldMaxAge, newMaxAge);
    }

    function _setMaxChangeBpsPerDay(uint16 newBps) private {
        if (newBps == 0 || newBps > BPS) revert InvalidNavOracleConfig("maxChangeBpsPerDay");
        uint16 oldBps = _config.maxChangeBpsPerDay;
        _config.maxChangeBpsPerDay = newBps;
        emit MaxChangeBpsPerDayChanged(oldBps, newBps);
    }

    function _setAllowDecrease(bool newAllow) private {
        bool oldAllow = _config.allowDecrease;
        _config.allowDecrease = newAllow;
        emit AllowDecreaseChanged(oldAllow, newAllow);
    }
}
