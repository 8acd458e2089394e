// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/// @title INavOracle
/// @notice Validating consumer of a Chainlink-compatible NAV feed. Used by the fund token's daily accrual
/// and by the fund manager's subscriptions and redemptions. Every refusal is a named error carrying the values.
interface INavOracle {
    /// @notice A validated NAV round. `nav` is scaled to 18 decimals whatever the feed's decimals.
    struct NavRound {
        uint80 roundId;
        uint256 nav;
        uint256 updatedAt;
    }

    /// @notice The feed returned a zero or negative answer.
    error NavNotPositive(uint80 roundId, int256 answer);
    /// @notice The answer, scaled to 18 decimals, exceeds the oracle's maximum NAV (2^128 - 1), or scaling it
    /// would overflow uint256.
    error NavTooLarge(uint80 roundId, int256 answer);
    /// @notice The round has no timestamp (updatedAt == 0): it was never completed.
    error NavRoundNoTimestamp(uint80 roundId);
    /// @notice The round was answered in an earlier round (answeredInRound < roundId): incomplete.
    error NavRoundIncomplete(uint80 roundId, uint80 answeredInRound);
    /// @notice The round's timestamp lies in the future.
    error NavRoundFromFuture(uint80 roundId, uint256 updatedAt, uint256 nowTimestamp);
    /// @notice The latest round is older than the configured maximum age.
    error NavStale(uint80 roundId, uint256 updatedAt, uint256 maxAge, uint256 nowTimestamp);
    /// @notice The round is older than the last round the consumer applied.
    error NavRoundOutOfOrder(uint256 updatedAt, uint256 lastUpdatedAt);
    /// @notice The round is the one the consumer already applied.
    error NavRoundAlreadyApplied(uint256 updatedAt);
    /// @notice The NAV moved more than the configured bound for the time elapsed since the last applied round.
    error NavChangeTooLarge(uint256 lastNav, uint256 nav, uint256 elapsed, uint256 maxChangeBpsPerDay);
    /// @notice The NAV decreased and the fund's policy refuses negative rebases.
    error NavDecreaseNotAllowed(uint256 lastNav, uint256 nav);
    /// @notice A configuration value is out of its allowed range.
    error InvalidNavOracleConfig(string field);

    /// @notice Emitted when governance points the oracle at another feed.
    event NavFeedChanged(address indexed oldFeed, address indexed newFeed, uint8 decimals);
    /// @notice Emitted when the maximum age of a usable round changes.
    event MaxAgeChanged(uint32 oldMaxAge, uint32 newMaxAge);
    /// @notice Emitted when the maximum NAV change per elapsed day changes.
    event MaxChangeBpsPerDayChanged(uint16 oldBps, uint16 newBps);
    /// @notice Emitted when the negative-rebase policy changes.
    event AllowDecreaseChanged(bool oldAllow, bool newAllow);

    /// @notice The Chainlink-compatible feed currently read.
    function feed() external view returns (AggregatorV3Interface);

    /// @notice Maximum age in seconds of a usable round (sized for weekends and market holidays).
    function maxAge() external view returns (uint32);

    /// @notice Maximum NAV change, in basis points of the last applied NAV, per elapsed day.
    function maxChangeBpsPerDay() external view returns (uint16);

    /// @notice Whether a NAV decrease (negative rebase) is accepted.
    function allowDecrease() external view returns (bool);

    /// @notice The latest round, checked for a positive answer, a timestamp, completeness, a timestamp
    /// not in the future, an age within `maxAge`, and a NAV (18 decimals) of at most 2^128 - 1.
    function latestNav() external view returns (NavRound memory);

    /// @notice The latest round checked as in {latestNav}, and additionally against the last round the caller
    /// applied: strictly newer, within the change bound for the elapsed time, and not lower unless allowed.
    /// @param lastNav The last applied NAV (18 decimals); 0 when nothing was applied yet (skips the relative checks).
    /// @param lastUpdatedAt The timestamp of the last applied round.
    function nextNav(uint256 lastNav, uint256 lastUpdatedAt) external view returns (NavRound memory);
}
