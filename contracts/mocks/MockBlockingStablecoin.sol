// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MockStablecoin} from "./MockStablecoin.sol";

/// @title MockBlockingStablecoin
/// @notice A USDC-like stablecoin whose owner can block accounts (as Circle's blacklist does): any transfer from
/// or to a blocked account reverts. Tests use it to make a settlement payment fail.
contract MockBlockingStablecoin is MockStablecoin {
    /// @notice Accounts that can neither send nor receive.
    mapping(address account => bool) public blocked;

    /// @notice A transfer touched a blocked account.
    error AccountBlocked(address account);

    constructor(
        string memory name_,
        string memory symbol_,
        uint8 decimals_,
        address owner_
    ) MockStablecoin(name_, symbol_, decimals_, owner_) {}

    /// @notice Blocks or unblocks an account. Owner only.
    /// @param account The account.
    /// @param isBlocked Whether it is blocked.
    function setBlocked(address account, bool isBlocked) external onlyOwner {
        blocked[account] = isBlocked;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (blocked[from]) revert AccountBlocked(from);
        if (blocked[to]) revert AccountBlocked(to);
        super._update(from, to, value);
    }
}
