// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {ManagedUpgradeable} from "../governance/ManagedUpgradeable.sol";
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
contract NavPublisher is AggregatorV3Interface, ManagedUpgradeable {
    /// @notice One published round, packed in one slot.
    struct Round {
        int192 answer;
        uint64 updatedAt;
    }

    /// @custom:storage-location erc7201:fundsuite.storage.NavPublisher
    struct NavPublisherStorage {
        // Slot 0 (17 bytes): everything {publish} reads besides the previous round.
        uint80 latestRoundId;
        uint32 minInterval;
        uint16 maxChangeBpsPerRound;
        uint8 decimals;
        // Slot 1.
        string description;
        // Slot 2: round id => round.
        mapping(uint80 roundId => Round) rounds;
    }

    // keccak256(abi.encode(uint256(keccak256("fundsuite.storage.NavPublisher")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant NAV_PUBLISHER_STORAGE_LOCATION =
        0x422bc29252027dadcbd680ed0f84eb5bb35dd2b7f2834f78e536d01d04796800;

    /// @notice Version of this feed implementation (`AggregatorV3Interface.version`).
    uint256 public constant VERSION = 1;

    /// @notice Basis points in one unit (100%).
    uint256 private constant BPS = 10_000;

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
    /// @param initialAuthority The suite's AccessManager.
    /// @param decimals_ Decimals of every answer (at most 36); fixed for the life of the feed.
    /// @param description_ Human-readable description (e.g. "FUND / USD NAV"); non-empty, fixed for the life of the feed.
    /// @param minInterval_ Minimum seconds between two rounds (non-zero, so no two rounds share a timestamp).
    /// @param maxChangeBpsPerRound_ Maximum move between two consecutive answers, in basis points of the
    /// previous answer (non-zero; values above 10_000 only loosen increases, e.g. for a reserve feed while the
    /// fund ramps up).
    function initialize(
        address initialAuthority,
        uint8 decimals_,
        string calldata description_,
        uint32 minInterval_,
        uint16 maxChangeBpsPerRound_
    ) external initializer {
        if (initialAuthority == address(0)) revert InvalidNavPublisherConfig("authority");
        if (decimals_ > FeedMath.MAX_FEED_DECIMALS) revert InvalidNavPublisherConfig("decimals");
        if (bytes(description_).length == 0) revert InvalidNavPublisherConfig("description");
        __AccessManaged_init(initialAuthority);
        NavPublisherStorage storage $ = _getNavPublisherStorage();
        $.decimals = decimals_;
        $.description = description_;
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

        NavPublisherStorage storage $ = _getNavPublisherStorage();
        uint80 previousId = $.latestRoundId;
        int256 previousAnswer;
        if (previousId != 0) {
            Round memory previous = $.rounds[previousId];
            previousAnswer = previous.answer;
            uint32 minInterval_ = $.minInterval;
            if (block.timestamp < uint256(previous.updatedAt) + minInterval_) {
                revert PublishTooSoon(previous.updatedAt, block.timestamp, minInterval_);
            }
            // Both answers are positive int192, so the products below cannot overflow uint256.
            uint256 change =
                answer > previousAnswer ? uint256(answer - previousAnswer) : uint256(previousAnswer - answer);
            uint16 bps = $.maxChangeBpsPerRound;
            if (change * BPS > uint256(previousAnswer) * bps) {
                revert AnswerChangeTooLarge(previousAnswer, answer, bps);
            }
        }

        roundId = previousId + 1;
        $.latestRoundId = roundId;
        // Casts are safe: 0 < answer <= type(int192).max was checked; timestamps fit 64 bits.
        $.rounds[roundId] = Round({answer: int192(answer), updatedAt: uint64(block.timestamp)});

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
        return _getNavPublisherStorage().decimals;
    }

    /// @notice Description of the feed, fixed at deployment.
    function description() external view returns (string memory) {
        return _getNavPublisherStorage().description;
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
        NavPublisherStorage storage $ = _getNavPublisherStorage();
        if (roundId_ == 0 || roundId_ > $.latestRoundId) revert RoundNotFound(roundId_);
        return _round($, roundId_);
    }

    /// @notice The latest published round.
    /// @dev Reverts with {NoRoundPublished} before the first publication.
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        NavPublisherStorage storage $ = _getNavPublisherStorage();
        uint80 latest = $.latestRoundId;
        if (latest == 0) revert NoRoundPublished();
        return _round($, latest);
    }

    // ---------------------------------------------------------------------------------------------
    // Other views
    // ---------------------------------------------------------------------------------------------

    /// @notice Id of the latest round (0 before the first publication).
    function latestRound() external view returns (uint256) {
        return _getNavPublisherStorage().latestRoundId;
    }

    /// @notice Minimum number of seconds between two rounds.
    function minInterval() external view returns (uint32) {
        return _getNavPublisherStorage().minInterval;
    }

    /// @notice Maximum move between two consecutive answers, in basis points of the previous answer.
    function maxChangeBpsPerRound() external view returns (uint16) {
        return _getNavPublisherStorage().maxChangeBpsPerRound;
    }

    // ---------------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------------

    function _round(
        NavPublisherStorage storage $,
        uint80 id
    ) private view returns (uint80, int256, uint256, uint256, uint80) {
        Round memory r = $.rounds[id];
        return (id, r.answer, r.updatedAt, r.updatedAt, id);
    }

    function _setMinInterval(uint32 newMinInterval) private {
        if (newMinInterval == 0) revert InvalidNavPublisherConfig("minInterval");
        NavPublisherStorage storage $ = _getNavPublisherStorage();
        uint32 oldMinInterval = $.minInterval;
        $.minInterval = newMinInterval;
        emit MinIntervalChanged(oldMinInterval, newMinInterval);
    }

    function _setMaxChangeBpsPerRound(uint16 newBps) private {
        if (newBps == 0) revert InvalidNavPublisherConfig("maxChangeBpsPerRound");
        NavPublisherStorage storage $ = _getNavPublisherStorage();
        uint16 oldBps = $.maxChangeBpsPerRound;
        $.maxChangeBpsPerRound = newBps;
        emit MaxChangeBpsPerRoundChanged(oldBps, newBps);
    }

    function _getNavPublisherStorage() private pure returns (NavPublisherStorage storage $) {
        assembly {
            $.slot := NAV_PUBLISHER_STORAGE_LOCATION
        }
    }
}
