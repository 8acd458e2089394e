// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {IFundTokenTypes} from "../interfaces/IFundTokenTypes.sol";

/// @title MockNavToken
/// @notice Test-only asset for WrappedFundPriceFeed's constructor and round checks: an ERC-20 with chosen
/// decimals and a settable `appliedNav()` (the fund token's last applied NAV round).
contract MockNavToken is ERC20 {
    uint8 private immutable _decimals;
    IFundTokenTypes.AppliedNav private _applied;

    constructor(uint8 decimals_) ERC20("Mock NAV token", "MNT") {
        _decimals = decimals_;
    }

    /// @notice Mints freely (test only).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Sets the round `appliedNav()` reports.
    function setAppliedNav(uint128 nav, uint40 updatedAt, uint80 roundId) external {
        _applied = IFundTokenTypes.AppliedNav(nav, updatedAt, roundId);
    }

    /// @notice The round set by {setAppliedNav}.
    function appliedNav() external view returns (IFundTokenTypes.AppliedNav memory) {
        return _applied;
    }

    /// @inheritdoc ERC20
    function decimals() public view override returns (uint8) {
        return _decimals;
    }
}

/// @title MockVault
/// @notice Test-only plain OpenZeppelin ERC-4626 vault (no offset) over any asset.
contract MockVault is ERC4626 {
    constructor(IERC20 asset_) ERC20("Mock vault", "mVLT") ERC4626(asset_) {}
}
