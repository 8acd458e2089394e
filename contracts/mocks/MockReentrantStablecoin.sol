// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title MockReentrantStablecoin
/// @notice Test-only 6-decimal token that, when armed, calls `callbackTarget` with `callbackData` from inside every transfer
/// (a malicious stablecoin attempting reentrancy) and bubbles the callee's revert.
contract MockReentrantStablecoin is ERC20 {
    /// @notice The contract called back during transfers (zero: disarmed).
    address public callbackTarget;
    /// @notice The calldata of the callback.
    bytes public callbackData;
    /// @notice Callbacks that were attempted.
    uint256 public attempts;

    constructor() ERC20("Reentrant USD", "RUSD") {}

    /// @notice Mints `amount` to `to` (anyone; test token).
    /// @param to Recipient.
    /// @param amount Amount.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arms (or, with a zero target, disarms) the callback.
    /// @param target_ Contract to call back.
    /// @param data_ Calldata.
    function arm(address target_, bytes calldata data_) external {
        callbackTarget = target_;
        callbackData = data_;
    }

    /// @notice Six decimals, like USDC.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        address t = callbackTarget;
        if (t == address(0) || from == address(0)) return;
        callbackTarget = address(0);
        attempts += 1;
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = t.call(callbackData);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        callbackTarget = t;
    }
}
