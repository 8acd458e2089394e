// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/// @title FeedMath
/// @notice Helpers shared by the suite's Chainlink feed consumers: reading a feed's decimals without trusting
/// the feed, and scaling a feed answer to 18 decimals without overflowing.
/// @dev Internal functions only, so the library is inlined (no linked library, nothing unsafe for upgrades).
library FeedMath {
    /// @notice The suite works in 18 decimals whatever the feed's precision.
    uint8 internal constant WAD_DECIMALS = 18;
    /// @notice Largest feed precision a consumer accepts: 10**(36 - 18) still fits comfortably in uint256.
    uint8 internal constant MAX_FEED_DECIMALS = 36;

    /// @notice Reads `feed.decimals()` defensively.
    /// @dev A low-level static call, because a high-level `try` cannot catch an address without code or
    /// return data that does not decode (both revert in the caller's frame, not in the callee's).
    /// @return ok False when the feed has no code, the call reverts, the return data is not exactly one
    /// word, or the value exceeds {MAX_FEED_DECIMALS}.
    /// @return decimals The feed's decimals when `ok`.
    function readDecimals(AggregatorV3Interface feed) internal view returns (bool ok, uint8 decimals) {
        if (address(feed).code.length == 0) return (false, 0);
        // solhint-disable-next-line avoid-low-level-calls
        (bool success, bytes memory data) = address(feed).staticcall(
            abi.encodeCall(AggregatorV3Interface.decimals, ())
        );
        if (!success || data.length != 32) return (false, 0);
        uint256 value = abi.decode(data, (uint256));
        if (value > MAX_FEED_DECIMALS) return (false, 0);
        return (true, uint8(value));
    }

    /// @notice Scales a positive feed answer with `decimals` decimals to 18 decimals.
    /// @dev Up-scaling is exact; down-scaling (feeds with more than 18 decimals) truncates toward zero, i.e.
    /// drops digits below 1e-18, which can never raise a NAV or a reserve.
    /// @return ok False when up-scaling would overflow uint256.
    /// @return wad The answer in 18 decimals when `ok`.
    function toWad(uint256 answer, uint8 decimals) internal pure returns (bool ok, uint256 wad) {
        unchecked {
            if (decimals < WAD_DECIMALS) {
                // decimals < 18, so the factor is at most 1e18 and the division-based check is exact.
                uint256 factor = 10 ** (WAD_DECIMALS - decimals);
                if (answer > type(uint256).max / factor) return (false, 0);
                return (true, answer * factor);
            }
            // decimals <= 36 (checked when the feed is set), so the divisor is at most 1e18.
            return (true, answer / 10 ** (decimals - WAD_DECIMALS));
        }
    }
}
