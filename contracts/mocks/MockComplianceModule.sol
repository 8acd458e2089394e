// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IComplianceModule} from "../interfaces/IComplianceModule.sol";

/// @title MockComplianceModule
/// @notice Test-only ERC-3643 compliance module: allows or refuses every movement (or only those to one
/// recipient) as configured, and records every hook call as an event. Plug and play (needs no preset state);
/// see {MockPresetModule} for one that must agree to be bound.
contract MockComplianceModule is IComplianceModule {
    /// @notice Whether {moduleCheck} allows movements.
    bool public allowAll = true;
    /// @notice A recipient {moduleCheck} refuses even when `allowAll` (zero: none).
    address public blockedRecipient;
    /// @notice What {canComplianceBind} answers.
    bool public bindable = true;
    /// @notice The account that called {configure} last (the compliance, through `callModuleFunction`).
    address public configuredBy;
    /// @notice The value given to {configure}.
    uint256 public configValue;
    /// @notice Number of hook calls received (transfer, mint and burn actions).
    uint256 public actionCount;

    /// @notice A configuration call was received.
    event Configured(address indexed caller, uint256 value);
    /// @notice {moduleTransferAction} was called.
    event TransferAction(address indexed caller, address from, address to, uint256 value);
    /// @notice {moduleMintAction} was called.
    event MintAction(address indexed caller, address to, uint256 value);
    /// @notice {moduleBurnAction} was called.
    event BurnAction(address indexed caller, address from, uint256 value);

    /// @notice {configure} refuses this value.
    error ConfigurationRefused(uint256 value);

    /// @notice Sets what {canComplianceBind} answers.
    /// @param bindable_ The answer.
    function setBindable(bool bindable_) external {
        bindable = bindable_;
    }

    /// @notice Sets whether {moduleCheck} allows movements.
    /// @param allow The answer.
    function setAllowAll(bool allow) external {
        allowAll = allow;
    }

    /// @notice Sets a recipient refused by {moduleCheck}.
    /// @param recipient The recipient (zero: none).
    function setBlockedRecipient(address recipient) external {
        blockedRecipient = recipient;
    }

    /// @notice A module configuration function, called by the compliance through `callModuleFunction`.
    /// @param value Any value but 13 (refused, to test that errors bubble up).
    function configure(uint256 value) external {
        if (value == 13) revert ConfigurationRefused(value);
        configuredBy = msg.sender;
        configValue = value;
        emit Configured(msg.sender, value);
    }

    /// @inheritdoc IComplianceModule
    function moduleTransferAction(address from, address to, uint256 value) external {
        actionCount += 1;
        emit TransferAction(msg.sender, from, to, value);
    }

    /// @inheritdoc IComplianceModule
    function moduleMintAction(address to, uint256 value) external {
        actionCount += 1;
        emit MintAction(msg.sender, to, value);
    }

    /// @inheritdoc IComplianceModule
    function moduleBurnAction(address from, uint256 value) external {
        actionCount += 1;
        emit BurnAction(msg.sender, from, value);
    }

    /// @inheritdoc IComplianceModule
    function moduleCheck(address, address to, uint256, address) external view returns (bool) {
        return allowAll && (blockedRecipient == address(0) || to != blockedRecipient);
    }

    /// @inheritdoc IComplianceModule
    function canComplianceBind(address) external view returns (bool) {
        return bindable;
    }

    /// @inheritdoc IComplianceModule
    function isPlugAndPlay() external pure virtual returns (bool) {
        return true;
    }

    /// @inheritdoc IComplianceModule
    function name() external pure virtual returns (string memory) {
        return "MockComplianceModule";
    }
}

/// @title MockPresetModule
/// @notice A {MockComplianceModule} that is not plug and play: the compliance binds it only if
/// {canComplianceBind} agrees (see `setBindable`).
contract MockPresetModule is MockComplianceModule {
    /// @inheritdoc IComplianceModule
    function isPlugAndPlay() external pure override returns (bool) {
        return false;
    }

    /// @inheritdoc IComplianceModule
    function name() external pure override returns (string memory) {
        return "MockPresetModule";
    }
}
