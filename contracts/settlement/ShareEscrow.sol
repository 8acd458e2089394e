// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IFundToken} from "../interfaces/IFundToken.sol";

/// @title ShareEscrow
/// @notice How the settlement escrows hold the fund token: in shares. A seller's commitment is a token amount,
/// moved with the token's own `transferFrom` (so the token's sender-side rules apply to the seller); the escrow
/// records the shares it actually received, and later moves exactly those shares out with `transferShares`
/// (the token's recipient-side rules apply to the receiver). Escrowed shares keep earning the daily yield,
/// which follows the shares to whoever finally receives them.
library ShareEscrow {
    using SafeERC20 for IERC20;

    /// @dev Moves `amount` tokens from `from` (which approved the escrow) into the escrow and returns the shares
    /// received: measured, not recomputed, so the token's rounding (every share for a whole balance, shares
    /// rounded up otherwise) is exactly what the escrow records.
    function pull(IFundToken token, address from, uint256 amount) internal returns (uint256 shares) {
        uint256 before = token.sharesOf(address(this));
        IERC20(address(token)).safeTransferFrom(from, address(this), amount);
        shares = token.sharesOf(address(this)) - before;
    }

    /// @dev Moves `shares` escrowed shares to `to`; returns the token amount they were worth (rounded down).
    function push(IFundToken token, address to, uint256 shares) internal returns (uint256 amount) {
        return token.transferShares(to, shares);
    }

    /// @dev The reason code the token would refuse a release of `shares` to `to` with now (0 = allowed).
    function restriction(IFundToken token, address to, uint256 shares) internal view returns (uint8) {
        return token.detectTransferRestriction(address(this), to, token.amountForShares(shares));
    }
}
