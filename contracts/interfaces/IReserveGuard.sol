// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/// @title IReserveGuard
/// @notice Proof-of-reserve check: the fund's token supply (USD, 18 decimals, since one token is $1) may not
/// exceed the reserves reported by a Chainlink-compatible proof-of-reserve feed (USD).
interface IReserveGuard {
    /// @notice The reserve feed returned a zero or negative answer.
    error ReserveNotPositive(uint80 roundId, int256 answer);
    /// @notice The answer is too large to be scaled to 18 decimals (scaling it would overflow uint256).
    error ReserveTooLarge(uint80 roundId, int256 answer);
    /// @notice The reserve round has no timestamp or was answered in an earlier round.
    error ReserveRoundIncomplete(uint80 roundId);
    /// @notice The reserve round's timestamp lies in the future.
    error ReserveRoundFromFuture(uint80 roundId, uint256 updatedAt, uint256 nowTimestamp);
    /// @notice The reserve round is older than the configured maximum age.
    error ReserveStale(uint80 roundId, uint256 updatedAt, uint256 maxAge, uint256 nowTimestamp);
    /// @notice A configuration value is out of its allowed range.
    error InvalidReserveGuardConfig(string field);

    /// @notice Emitted when governance changes the reserve feed.
    event ReserveFeedChanged(address indexed oldFeed, address indexed newFeed, uint8 decimals);
    /// @notice Emitted when the maximum age of a usable reserve round changes.
    event ReserveMaxAgeChanged(uint32 oldMaxAge, uint32 newMaxAge);

    /// @notice The proof-of-reserve feed.
    function feed() external view returns (AggregatorV3Interface);

    /// @notice Maximum age in seconds of a usable reserve round.
    function maxAge() external view returns (uint32);

    /// @notice The latest validated reserves, scaled to 18 decimals, and their timestamp.
    function reserves() external view returns (uint256 amount, uint256 updatedAt);

    /// @notice Whether a total supply of `newSupply` (18 decimals) stays within the validated reserves.
    /// @dev Reverts with a named error when the reserve round itself is unusable (stale, incomplete, non-positive).
    /// @return withinReserves True when newSupply <= reserves.
    /// @return reserveAmount The reserves the decision was based on (18 decimals).
    function checkSupply(
        uint256 newSupply
    ) external view returns (bool withinReserves, uint256 reserveAmount);
}
