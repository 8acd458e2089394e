// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {FeedMath} from "./FeedMath.sol";

/// @title NavPublisher
/// @notice A Chainlink-compatible feed (`AggregatorV3Interface`) that the fund administrator publishes to when
/// no Chainlink feed exists for the value: the fund's NAV per share, or the custodian's reported reserves (USD)
/// for the proof-of-reserve guard. Consumers ({NavOracle}, {ReserveGuard}) read it exactly like a Chainlink feed.
/// @dev Guard rails against a wrong or compromised publisher key: answers are positive, at least `minInterval`
/// apart, and move at most `maxChangeBpsPerRound` relative to the previous round (the first round is unbounded).
/// Every round is kept: `getRoundData` returns the whole history. Round ids start at 1 and increase by 1;
/// `startedAt == updatedAt == block.timestamp` and `answeredInRound == roundId`.
/// The publisher is trusted for the value itself within those bounds: see docs/ORACLE.md.
/// Not upgradeable, on purpose, like Chainlink's aggregators: a feed's rounds are its public record, and a proxy
/// hop (implementation slot read and cold DELEGATECALL, ~4.7k gas) on every read buys nothing. To change the
/// feed's logic or its fixed decimals, governance deploys a new NavPublisher and switches the consumers to it
/// (`NavOracle.setFeed` / `ReserveGuard.setFeed`, ISSUER behind its delay); this one stays readable forever.
contract NavPublisher is AggregatorV3Interface, AccessManaged {
    /// @notice One published round, packed in one slot.
    struct Round {
        int192 answer;
        uint64 updatedAt;
    }

    /// @notice Everything {publish} reads besides the previous round, packed in one slot (16 bytes).
    struct Config {
        uint80 latestRoundId;
        uint32 minInterval;
        uint16 maxChangeBpsPerRound;
    }

    /// @notice Version of this feed implementation (`AggregatorV3Interface.version`).
    uint256 public constant VERSION = 1;

    /// @notice Basis points in one unit (100%).
    uint256 private constant BPS = 10_000;

    /// @notice Decimals of every answer: fixed for the life of the feed, so read from the code, not storage.
    uint8 private immutable _decimals;

    // Plain state variables, not ERC-7201 namespaced storage: this contract is never behind a proxy, so its
    // layout is fixed at deployment and never has to line up with another implementation's (a replacement is a
    // new deployment with its own storage). They follow AccessManaged's slot: slot 1 config, slot 2 description,
    // slot 3 the rounds mapping.
    Config private _config;
    /// @notice Human-readable description, fixed for the life of the feed (a string cannot be immutable).
    string private _description;
    mapping(uint80 roundId => Round) private _rounds;

    /// @notice A configuration value is out of its allowed range.
    error InvalidNavPublisherConfig(string field);
    /// @notice The published answer is zero or negative.
    error AnswerNotPositive(int256 answer);
    /// @notice The published answer does not fit the stored 192-bit answer.
    error AnswerTooLarge(int256 answer, int256 maxAnswer);
    /// @notice Less than `minInterval` seconds passed since the previous round.
    error PublishTooSoon(uint256 previousUpdatedAt, uint256 nowTimestamp, uint32 minInterval);
    /// @notice The answer moved more than `maxChangeBpsPerRound` from the previous round's answer.
    error AnswerChangeTooLarge(int256 previousAnswer, int256 answer, uint16 maxChangeBpsPerRound);
    /// @notice No round with this id was published.
    error RoundNotFound(uint80 roundId);
    /// @notice No round was published yet.
    error NoRoundPublished();

    /// @notice Chainlink's event for a new answer (`AggregatorInterface.AnswerUpdated`).
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);
    /// @notice Chainlink's event for a new round (`AggregatorInterface.NewRound`).
    event NewRound(uint256 indexed roundId, address indexed startedBy, uint256 startedAt);
    /// @notice Emitted on every publication with the previous answer (0 for the first round) and the new one.
    event AnswerPublished(uint80 indexed roundId, int256 oldAnswer, int256 newAnswer, uint256 updatedAt);
    /// @notice Emitted when the minimum interval between two rounds changes.
    event MinIntervalChanged(uint32 oldMinInterval, uint32 newMinInterval);
    /// @notice Emitted when the maximum change per round changes.
    event MaxChangeBpsPerRoundChanged(uint16 oldBps, uint16 newBps);

    /// @notice Sets the authority, the feed's fixed decimals and description, and the publication bounds.
    /// @dev Same validation and events as the setters (with zero old values); a zero authority, more than 36
    /// decimals and an empty description are refused.
    /// @param initialAuthority The suite's AccessManager.
    /// @param decimals_ Decimals of every answer (at most 36); fixed for the life of the feed.
    /// @param description_ Human-readable description (e.g. "FUND / USD NAV"); non-empty, fixed for the life of the feed.
    /// @param minInterval_ Minimum seconds between two rounds (non-zero, so no two rounds share a timestamp).
    /// @param maxChangeBpsPerRound_ Maximum move between two consecutive answers, in basis points of the
    /// previous answer (non-zero; values above 10_000 only loosen increases, e.g. for a reserve feed while the
    /// fund ramps up).
    constructor(
        address initialAuthority,
        uint8 decimals_,
        string memory description_,
        uint32 minInterval_,
        uint16 maxChangeBpsPerRound_
    ) AccessManaged(initialAuthority) {
        if (initialAuthority == address(0)) revert InvalidNavPublisherConfig("authority");
        if (decimals_ > FeedMath.MAX_FEED_DECIMALS) revert InvalidNavPublisherConfig("decimals");
        if (bytes(description_).length == 0) revert InvalidNavPublisherConfig("description");
        _decimals = decimals_;
        _description = description_;
        _setMinInterval(minInterval_);
        _setMaxChangeBpsPerRound(maxChangeBpsPerRound_);
    }

    // ---------------------------------------------------------------------------------------------
    // Publication (NAV_PUBLISHER)
    // ---------------------------------------------------------------------------------------------

    /// @notice Publishes a new round with `answer` (in {decimals} decimals) at the current block timestamp.
    /// @param answer The new value; positive, within `maxChangeBpsPerRound` of the previous round's answer.
    /// @return roundId The new round's id (previous id + 1; the first round is 1).
    function publish(int256 answer) external restricted returns (uint80 roundId) {
        if (answer <= 0) revert AnswerNotPositive(answer);
        if (answer > type(int192).max) revert AnswerTooLarge(answer, type(int192).max);

        // One SLOAD for the whole configuration; the previous round is one more.
        Config storage c = _config;
        (uint80 previousId, uint32 minInterval_, uint16 bps) = (
            c.latestRoundId,
            c.minInterval,
            c.maxChangeBpsPerRound
        );
        int256 previousAnswer;
        if (previousId != 0) {
            Round memory previous = _rounds[previousId];
            previousAnswer = previous.answer;
            if (block.timestamp < uint256(previous.updatedAt) + minInterval_) {
                revert PublishTooSoon(previous.updatedAt, block.timestamp, minInterval_);
            }
            // Both answers are positive int192, so the products below cannot overflow uint256.
            uint256 change =
                answer > previousAnswer ? uint256(answer - previousAnswer) : uint256(previousAnswer - answer);
            if (change * BPS > uint256(previousAnswer) * bps) {
                revert AnswerChangeTooLarge(previousAnswer, answer, bps);
            }
        }

        roundId = previousId + 1;
        _config.latestRoundId = roundId;
        // Casts are safe: 0 < answer <= type(int192).max was checked; timestamps fit 64 bits.
        _rounds[roundId] = Round({answer: int192(answer), updatedAt: uint64(block.timestamp)});

        emit NewRound(roundId, msg.sender, block.timestamp);
        emit AnswerUpdated(answer, roundId, block.timestamp);
        emit AnswerPublished(roundId, previousAnswer, answer, block.timestamp);
    }

    // ---------------------------------------------------------------------------------------------
    // Governance (ISSUER, behind an execution delay)
    // ---------------------------------------------------------------------------------------------

    /// @notice Sets the minimum number of seconds between two rounds. Zero is refused.
    /// @param newMinInterval The new minimum interval in seconds.
    function setMinInterval(uint32 newMinInterval) external restricted {
        _setMinInterval(newMinInterval);
    }

    /// @notice Sets the maximum move between two consecutive answers. Zero is refused.
    /// @param newBps The new bound in basis points of the previous answer.
    function setMaxChangeBpsPerRound(uint16 newBps) external restricted {
        _setMaxChangeBpsPerRound(newBps);
    }

    // ---------------------------------------------------------------------------------------------
    // AggregatorV3Interface
    // ---------------------------------------------------------------------------------------------

    /// @notice Decimals of every answer, fixed at deployment.
    function decimals() external view returns (uint8) {
        return _decimals;
    }

    /// @notice Description of the feed, fixed at deployment.
    function description() external view returns (string memory) {
        return _description;
    }

    /// @notice Version of this feed implementation.
    function version() external pure returns (uint256) {
        return VERSION;
    }

    /// @notice A published round.
    /// @dev Reverts with {RoundNotFound} for round 0 and for ids above the latest round.
    /// @param roundId_ The round id (1 for the first round).
    function getRoundData(
        uint80 roundId_
    )
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        if (roundId_ == 0 || roundId_ > _config.latestRoundId) revert RoundNotFound(roundId_);
        return _round(roundId_);
    }

    /// @notice The latest published round.
    /// @dev Reverts with {NoRoundPublished} before the first publication.
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        uint80 latest = _config.latestRoundId;
        if (latest == 0) revert NoRoundPublished();
        return _round(latest);
    }

    // ---------------------------------------------------------------------------------------------
    // Other views
    // ---------------------------------------------------------------------------------------------

    /// @notice Id of the latest round (0 before the first publication).
    function latestRound() external view returns (uint256) {
        return _config.latestRoundId;
    }

    /// @notice Minimum number of seconds between two rounds.
    function minInterval() external view returns (uint32) {
        return _config.minInterval;
    }

    /// @notice Maximum move between two consecutive answers, in basis points of the previous answer.
    function maxChangeBpsPerRound() external view returns (uint16) {
        return _config.maxChangeBpsPerRound;
    }

    // ---------------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------------

    function _round(uint80 id) private view returns (uint80, int256, uint256, uint256, uint80) {
        Round memory r = _rounds[id];
        return (id, r.answer, r.updatedAt, r.updatedAt, id);
    }

    function _setMinInterval(uint32 newMinInterval) private {
        if (newMinInterval == 0) revert InvalidNavPublisherConfig("minInterval");
        uint32 oldMinInterval = _config.minInterval;
        _config.minInterval = newMinInterval;
        emit MinIntervalChanged(oldMinInterval, newMinInterval);
    }

    function _setMaxChangeBpsPerRound(uint16 newBps) private {
        if (newBps == 0) revert InvalidNavPublisherConfig("maxChangeBpsPerRound");
        uint16 oldBps = _config.maxChangeBpsPerRound;
        _config.maxChangeBpsPerRound = newBps;
        emit MaxChangeBpsPerRoundChanged(oldBps, newBps);
    }
}
