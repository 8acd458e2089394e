// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/// @title MockNavFeed
/// @notice Test-only `AggregatorV3Interface` whose latest round fields and decimals are all set directly, to
/// produce the faulty rounds Chainlink's MockV3Aggregator cannot (incomplete, from the future, without a
/// timestamp), round ids unrelated to another feed's, and a `decimals()` that misbehaves.
contract MockNavFeed is AggregatorV3Interface {
    /// @notice How `decimals()` answers.
    enum DecimalsMode {
        Normal, // returns the set decimals
        Reverts, // reverts with {DecimalsUnavailable}
        Empty, // returns successfully with no data
        Wide // returns one word holding 300, which is not a uint8
    }

    struct RoundData {
        uint80 roundId;
        int256 answer;
        uint256 startedAt;
        uint256 updatedAt;
        uint80 answeredInRound;
    }

    uint8 private _decimals;
    DecimalsMode private _decimalsMode;
    RoundData private _latest;

    /// @notice `decimals()` was made to fail.
    error DecimalsUnavailable();
    /// @notice Only the latest round is known.
    error UnknownRound(uint80 roundId);

    /// @param decimals_ The feed's decimals.
    constructor(uint8 decimals_) {
        _decimals = decimals_;
    }

    /// @notice Sets every field of the latest round.
    function setRoundData(
        uint80 roundId,
        int256 answer,
        uint256 startedAt,
        uint256 updatedAt,
        uint80 answeredInRound
    ) external {
        _latest = RoundData(roundId, answer, startedAt, updatedAt, answeredInRound);
    }

    /// @notice Sets the reported decimals.
    function setDecimals(uint8 decimals_) external {
        _decimals = decimals_;
    }

    /// @notice Sets how `decimals()` answers.
    function setDecimalsMode(DecimalsMode mode) external {
        _decimalsMode = mode;
    }

    /// @notice The feed's decimals, or one of the misbehaviours chosen with {setDecimalsMode}.
    function decimals() external view returns (uint8) {
        DecimalsMode mode = _decimalsMode;
        if (mode == DecimalsMode.Reverts) revert DecimalsUnavailable();
        if (mode == DecimalsMode.Empty) {
            assembly {
                return(0, 0)
            }
        }
        if (mode == DecimalsMode.Wide) {
            assembly {
                mstore(0, 300)
                return(0, 32)
            }
        }
        return _decimals;
    }

    /// @notice A fixed description.
    function description() external pure returns (string memory) {
        return "MockNavFeed";
    }

    /// @notice A fixed version.
    function version() external pure returns (uint256) {
        return 1;
    }

    /// @notice The latest round when `roundId` is its id; reverts with {UnknownRound} otherwise.
    function getRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80) {
        RoundData memory r = _latest;
        if (roundId != r.roundId) revert UnknownRound(roundId);
        return (r.roundId, r.answer, r.startedAt, r.updatedAt, r.answeredInRound);
    }

    /// @notice The latest round exactly as set.
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        RoundData memory r = _latest;
        return (r.roundId, r.answer, r.startedAt, r.updatedAt, r.answeredInRound);
    }
}
