// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IReserveGuard} from "../interfaces/IReserveGuard.sol";
import {FeedMath} from "./FeedMath.sol";

/// @title ReserveGuard
/// @notice Proof-of-reserve check for the fund token: reads a Chainlink-compatible reserve feed (a Chainlink
/// Proof of Reserve feed, or the fund's own {NavPublisher} fed by the custodian's reports), validates the
/// latest round, scales it to 18 decimals, and tells whether a total supply stays within the reserves.
/// @dev It never reverts because of a shortfall: {checkSupply} returns false and the token decides (it refuses
/// supply growth and emits an event). Redemptions, burns and transfers never call it, so a shortfall or a
/// broken reserve feed can never trap investors' tokens. It reverts only when the reserve round itself is
/// unusable (non-positive, incomplete, from the future, stale, too large to scale).
/// Not upgradeable, on purpose: every mint and every accrual reads the guard, where a proxy hop (implementation
/// slot read and cold DELEGATECALL, ~4.7k gas) buys nothing. It holds no value, only a configuration that
/// governance sets; to change its logic, governance deploys a new ReserveGuard and points the token at it
/// (`setReserveGuard`, ISSUER behind its delay): replace, don't mutate. See docs/ORACLE.md.
contract ReserveGuard is IReserveGuard, AccessManaged {
    /// @notice The whole configuration, packed in one slot (25 bytes): every read path loads it with one SLOAD.
    struct Config {
        AggregatorV3Interface feed;
        uint8 feedDecimals;
        uint32 maxAge;
    }

    // A plain state variable, not ERC-7201 namespaced storage: this contract is never behind a proxy, so its
    // layout is fixed at deployment and never has to line up with another implementation's (a replacement is a
    // new deployment with its own storage). It follows AccessManaged's slot and fills slot 1 alone.
    Config private _config;

    /// @notice Sets the authority, the reserve feed and the maximum age of a usable reserve round.
    /// @dev Same validation and events as the setters (with zero old values); a zero authority is refused.
    /// @param initialAuthority The suite's AccessManager.
    /// @param feed_ The Chainlink-compatible reserve feed (USD); its decimals (at most 36) are cached.
    /// @param maxAge_ Maximum age in seconds of a usable reserve round (non-zero; at least the feed's heartbeat).
    constructor(
        address initialAuthority,
        AggregatorV3Interface feed_,
        uint32 maxAge_
    ) AccessManaged(initialAuthority) {
        if (initialAuthority == address(0)) revert InvalidReserveGuardConfig("authority");
        _setFeed(feed_);
        _setMaxAge(maxAge_);
    }

    // ---------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------

    /// @inheritdoc IReserveGuard
    function feed() external view returns (AggregatorV3Interface) {
        return _config.feed;
    }

    /// @notice The decimals of the current reserve feed, cached when the feed was set.
    function feedDecimals() external view returns (uint8) {
        return _config.feedDecimals;
    }

    /// @inheritdoc IReserveGuard
    function maxAge() external view returns (uint32) {
        return _config.maxAge;
    }

    /// @inheritdoc IReserveGuard
    function reserves() external view returns (uint256 amount, uint256 updatedAt) {
        return _reserves();
    }

    /// @inheritdoc IReserveGuard
    function checkSupply(
        uint256 newSupply
    ) external view returns (bool withinReserves, uint256 reserveAmount) {
        (reserveAmount, ) = _reserves();
        withinReserves = newSupply <= reserveAmount;
    }

    // ---------------------------------------------------------------------------------------------
    // Governance (ISSUER, behind an execution delay)
    // ---------------------------------------------------------------------------------------------

    /// @notice Points the guard at another reserve feed and caches its decimals.
    /// @dev Reverts with `InvalidReserveGuardConfig("feed")` for the zero address, an address without code, a
    /// feed whose `decimals()` reverts or returns garbage, or more than 36 decimals.
    /// @param newFeed The new Chainlink-compatible reserve feed.
    function setFeed(AggregatorV3Interface newFeed) external restricted {
        _setFeed(newFeed);
    }

    /// @notice Sets the maximum age of a usable reserve round. Zero is refused.
    /// @param newMaxAge The new maximum age in seconds.
    function setMaxAge(uint32 newMaxAge) external restricted {
        _setMaxAge(newMaxAge);
    }

    // ---------------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------------

    function _reserves() private view returns (uint256 amount, uint256 updatedAt) {
        Config storage c = _config;
        (AggregatorV3Interface feed_, uint8 decimals, uint256 maxAge_) = (c.feed, c.feedDecimals, c.maxAge);

        uint80 roundId;
        int256 answer;
        uint80 answeredInRound;
        (roundId, answer, , updatedAt, answeredInRound) = feed_.latestRoundData();
        if (answer <= 0) revert ReserveNotPositive(roundId, answer);
        if (updatedAt == 0 || answeredInRound < roundId) revert ReserveRoundIncomplete(roundId);
        if (updatedAt > block.timestamp) revert ReserveRoundFromFuture(roundId, updatedAt, block.timestamp);
        if (block.timestamp - updatedAt > maxAge_) {
            revert ReserveStale(roundId, updatedAt, maxAge_, block.timestamp);
        }

        bool fits;
        (fits, amount) = FeedMath.toWad(uint256(answer), decimals);
        if (!fits) revert ReserveTooLarge(roundId, answer);
        // A feed with more than 18 decimals can report a positive answer below 1e-18: treated as no reserves.
        if (amount == 0) revert ReserveNotPositive(roundId, answer);
    }

    function _setFeed(AggregatorV3Interface newFeed) private {
        if (address(newFeed) == address(0)) revert InvalidReserveGuardConfig("feed");
        (bool ok, uint8 decimals) = FeedMath.readDecimals(newFeed);
        if (!ok) revert InvalidReserveGuardConfig("feed");
        AggregatorV3Interface oldFeed = _config.feed;
        _config.feed = newFeed;
        _config.feedDecimals = decimals;
        emit ReserveFeedChanged(address(oldFeed), address(newFeed), decimals);
    }

    function _setMaxAge(uint32 newMaxAge) private {
        if (newMaxAge == 0) revert InvalidReserveGuardConfig("maxAge");
        uint32 oldMaxAge = _config.maxAge;
        _config.maxAge = newMaxAge;
        emit ReserveMaxAgeChanged(oldMaxAge, newMaxAge);
    }
}
