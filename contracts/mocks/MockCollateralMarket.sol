// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/// @title MockCollateralMarket
/// @notice Test-only stand-in for a lending market holding wrapped fund tokens as collateral: it caches each
/// user's collateral balance (which a rebasing token would break), values it with a Chainlink-style feed under a
/// staleness bound, and moves collateral out on withdrawal or seizure, as a liquidation would.
contract MockCollateralMarket {
    using SafeERC20 for IERC20;

    /// @notice The collateral token (the wrapped fund token).
    IERC20 public immutable collateral;
    /// @notice The collateral's USD price feed.
    AggregatorV3Interface public immutable feed;
    /// @notice Largest accepted age of the feed's answer, in seconds.
    uint256 public immutable maxAge;

    /// @notice Collateral deposited by each user (cached: the wrapped balance does not rebase).
    mapping(address user => uint256) public collateralOf;

    /// @notice The feed's answer is older than `maxAge`.
    error StalePrice(uint256 updatedAt, uint256 nowTimestamp, uint256 maxAge);
    /// @notice The feed's answer is not positive.
    error InvalidPrice(int256 answer);

    constructor(IERC20 collateral_, AggregatorV3Interface feed_, uint256 maxAge_) {
        collateral = collateral_;
        feed = feed_;
        maxAge = maxAge_;
    }

    /// @notice Deposits collateral.
    function supply(uint256 amount) external {
        collateral.safeTransferFrom(msg.sender, address(this), amount);
        collateralOf[msg.sender] += amount;
    }

    /// @notice Withdraws collateral.
    function withdraw(uint256 amount) external {
        collateralOf[msg.sender] -= amount;
        collateral.safeTransfer(msg.sender, amount);
    }

    /// @notice Gives a user's whole collateral to `to` (a liquidation; no health check in this mock).
    function seize(address user, address to) external {
        uint256 amount = collateralOf[user];
        collateralOf[user] = 0;
        collateral.safeTransfer(to, amount);
    }

    /// @notice USD value (feed decimals) of a user's collateral, refusing a stale or invalid price.
    function collateralValue(address user) external view returns (uint256) {
        (, int256 answer, , uint256 updatedAt, ) = feed.latestRoundData();
        if (answer <= 0) revert InvalidPrice(answer);
        if (block.timestamp - updatedAt > maxAge) revert StalePrice(updatedAt, block.timestamp, maxAge);
        return (collateralOf[user] * uint256(answer)) / 10 ** IERC20Metadata(address(collateral)).decimals();
    }
}
