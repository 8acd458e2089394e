// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title PlainERC20
/// @notice Gas-benchmark baseline: an unmodified OpenZeppelin 5 ERC-20 (18 decimals, no hooks, no
/// permissioning) whose only addition is an owner-only mint. bench/erc20.ts measures it next to
/// the fund token and T-REX 4.1.6.
/// @dev Test-only contract; never deployed outside the benchmark and tests.
contract PlainERC20 is ERC20, Ownable {
    /// @param name_ token name
    /// @param symbol_ token symbol
    /// @param initialOwner the only account allowed to mint
    constructor(
        string memory name_,
        string memory symbol_,
        address initialOwner
    ) ERC20(name_, symbol_) Ownable(initialOwner) {}

    /// @notice Creates `amount` tokens for `to`. Only the owner may call.
    /// @dev Emits ERC-20 `Transfer(address(0), to, amount)`; reverts with `OwnableUnauthorizedAccount`
    /// for any other caller and `ERC20InvalidReceiver` for the zero address.
    /// @param to receiver of the new tokens
    /// @param amount number of tokens (18 decimals)
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
