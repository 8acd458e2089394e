// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title MockFeeOnTransferStablecoin
/// @notice Test-only 6-decimal token that burns `feeBps` of every transfer (mints are exact): the kind of token
/// the fund manager must refuse, because the amount it credits differs from the amount sent.
contract MockFeeOnTransferStablecoin is ERC20 {
    /// @notice Basis points of every transfer that are burned.
    uint16 public feeBps;

    /// @param feeBps_ Basis points burned on each transfer.
    constructor(uint16 feeBps_) ERC20("Fee USD", "FUSD") {
        feeBps = feeBps_;
    }

    /// @notice Mints `amount` to `to` (anyone; test token).
    /// @param to Recipient.
    /// @param amount Amount.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Six decimals, like USDC.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0) || feeBps == 0) {
            super._update(from, to, value);
            return;
        }
        uint256 fee = (value * feeBps) / 10_000;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
