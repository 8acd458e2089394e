// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ManagedUpgradeable} from "../governance/ManagedUpgradeable.sol";
import {INavOracle} from "../interfaces/INavOracle.sol";
import {FeedMath} from "./FeedMath.sol";

/// @title NavOracle
/// @notice Validating consumer of a Chainlink-compatible NAV feed (a Chainlink aggregator or the fund's own
/// {NavPublisher}). Every answer it hands out is positive, complete, not from the future, no older than
/// `maxAge`, and scaled to 18 decimals; {nextNav} additionally checks a round against the last one the
/// caller applied (newer by timestamp, within a change bound proportional to the time elapsed, and not
/// lower unless negative rebases are allowed).
/// @dev `maxAge` must span weekends and market holidays: Treasury money market funds strike NAV on business
/// days only, so a Friday NAV must still be usable on Tuesday after a Monday holiday (4 days, the
/// suggested default). Rounds are ordered by `updatedAt`, never by round id, because round ids of two feeds
/// are unrelated and governance may switch feeds. See docs/ORACLE.md.
contract NavOracle is INavOracle, ManagedUpgradeable {
    /// @custom:storage-location erc7201:fundsuite.storage.NavOracle
    struct NavOracleStorage {
        // One slot (28 bytes): every read path loads the whole configuration with a single SLOAD.
        AggregatorV3Interface feed;
        uint8 feedDecimals;
        uint32 maxAge;
        uint16 maxChangeBpsPerDay;
        bool allowDecrease;
    }

    // keccak256(abi.encode(uint256(keccak256("fundsuite.storage.NavOracle")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant NAV_ORACLE_STORAGE_LOCATION =
        0xc6d41d9f65054e8f232ede2cb70e2305c3c2c8f84b0730d49ff267169a69b500;

    /// @notice Basis points in one unit (100%).
    uint256 private constant BPS = 10_000;

    /// @notice Sets the authority, the feed and the validation bounds.
    /// @param initialAuthority The suite's AccessManager.
    /// @param feed_ The Chainlink-compatible NAV feed; its decimals (at most 36) are cached.
    /// @param maxAge_ Maximum age in seconds of a usable round (non-zero; 4 days suggested, see contract docs).
    /// @param maxChangeBpsPerDay_ Maximum NAV change per elapsed day, in basis points (1..10_000).
    /// @param allowDecrease_ Whether a NAV decrease (negative rebase) is accepted by {nextNav}.
    function initialize(
        address initialAuthority,
        AggregatorV3Interface feed_,
        uint32 maxAge_,
        uint16 maxChangeBpsPerDay_,
        bool allowDecrease_
    ) external initializer {
        if (initialAuthority == address(0)) revert InvalidNavOracleConfig("authority");
        __AccessManaged_init(initialAuthority);
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
        return _getNavOracleStorage().feed;
    }

    /// @notice The decimals of the current feed, cached when the feed was set.
    function feedDecimals() external view returns (uint8) {
        return _getNavOracleStorage().feedDecimals;
    }

    /// @inheritdoc INavOracle
    function maxAge() external view returns (uint32) {
        return _getNavOracleStorage().maxAge;
    }

    /// @inheritdoc INavOracle
    function maxChangeBpsPerDay() external view returns (uint16) {
        return _getNavOracleStorage().maxChangeBpsPerDay;
    }

    /// @inheritdoc INavOracle
    function allowDecrease() external view returns (bool) {
        return _getNavOracleStorage().allowDecrease;
    }

    /// @inheritdoc INavOracle
    function latestNav() external view returns (NavRound memory) {
        NavOracleStorage storage $ = _getNavOracleStorage();
        return _latestNav($.feed, $.feedDecimals, $.maxAge);
    }

    /// @inheritdoc INavOracle
    /// @dev The change bound is `lastNav * maxChangeBpsPerDay * elapsed / (10_000 * 1 days)` with `elapsed` in
    /// seconds between the two rounds' timestamps, compared exactly (no rounding): two rounds 12 hours apart
    /// may move half the daily bound, a Friday-to-Monday pair three times it.
    function nextNav(uint256 lastNav, uint256 lastUpdatedAt) external view returns (NavRound memory round) {
        NavOracleStorage storage $ = _getNavOracleStorage();
        round = _latestNav($.feed, $.feedDecimals, $.maxAge);
        if (lastNav == 0) return round;

        if (round.updatedAt < lastUpdatedAt) revert NavRoundOutOfOrder(round.updatedAt, lastUpdatedAt);
        if (round.updatedAt == lastUpdatedAt) revert NavRoundAlreadyApplied(round.updatedAt);

        uint256 change;
        if (round.nav < lastNav) {
            if (!$.allowDecrease) revert NavDecreaseNotAllowed(lastNav, round.nav);
            change = lastNav - round.nav;
        } else {
            change = round.nav - lastNav;
        }

        uint256 elapsed = round.updatedAt - lastUpdatedAt;
        uint256 bps = $.maxChangeBpsPerDay;
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
        if (!fits) revert NavTooLarge(roundId, answer);
        // A feed with more than 18 decimals can report a positive answer below 1e-18: unusable as well.
        if (nav == 0) revert NavNotPositive(roundId, answer);
        return NavRound({roundId: roundId, nav: nav, updatedAt: updatedAt});
    }

    function _setFeed(AggregatorV3Interface newFeed) private {
        if (address(newFeed) == address(0)) revert InvalidNavOracleConfig("feed");
        (bool ok, uint8 decimals) = FeedMath.readDecimals(newFeed);
        if (!ok) revert InvalidNavOracleConfig("feed");
        NavOracleStorage storage $ = _getNavOracleStorage();
        AggregatorV3Interface oldFeed = $.feed;
        $.feed = newFeed;
        $.feedDecimals = decimals;
        emit NavFeedChanged(address(oldFeed), address(newFeed), decimals);
    }

    function _setMaxAge(uint32 newMaxAge) private {
        if (newMaxAge == 0) revert InvalidNavOracleConfig("maxAge");
        NavOracleStorage storage $ = _getNavOracleStorage();
        uint32 oldMaxAge = $.maxAge;
        $.maxAge = newMaxAge;
        emit MaxAgeChanged(oldMaxAge, newMaxAge);
    }

    function _setMaxChangeBpsPerDay(uint16 newBps) private {
        if (newBps == 0 || newBps > BPS) revert InvalidNavOracleConfig("maxChangeBpsPerDay");
        NavOracleStorage storage $ = _getNavOracleStorage();
        uint16 oldBps = $.maxChangeBpsPerDay;
        $.maxChangeBpsPerDay = newBps;
        emit MaxChangeBpsPerDayChanged(oldBps, newBps);
    }

    function _setAllowDecrease(bool newAllow) private {
        NavOracleStorage storage $ = _getNavOracleStorage();
        bool oldAllow = $.allowDecrease;
        $.allowDecrease = newAllow;
        emit AllowDecreaseChanged(oldAllow, newAllow);
    }

    function _getNavOracleStorage() private pure returns (NavOracleStorage storage $) {
        assembly {
            $.slot := NAV_ORACLE_STORAGE_LOCATION
        }
    }
}
