// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title IComplianceModule
/// @notice The ERC-3643 compliance module interface, for third-party rules plugged into ModularCompliance
/// beside its built-in rules. Each module costs an external call per hook, so the built-in rules cover the
/// common cases.
interface IComplianceModule {
    /// @notice Called on every transfer after the built-in rules; may update the module's state.
    function moduleTransferAction(address from, address to, uint256 value) external;

    /// @notice Called on every issuance.
    function moduleMintAction(address to, uint256 value) external;

    /// @notice Called on every burn.
    function moduleBurnAction(address from, uint256 value) external;

    /// @notice Whether the transfer is allowed by this module.
    /// @dev During a movement ModularCompliance asks this after the token has already updated its balances
    /// (same transaction: a refusal reverts everything), while the restriction views ask it before anything
    /// moves. A module must therefore not base its decision on the token's balances or supply; it keeps the
    /// state it needs through the action hooks, as ERC-3643 modules do.
    function moduleCheck(
        address from,
        address to,
        uint256 value,
        address compliance
    ) external view returns (bool);

    /// @notice Whether the module may be bound to `compliance` in its current state.
    function canComplianceBind(address compliance) external view returns (bool);

    /// @notice Whether the module needs no preset state to be bound.
    function isPlugAndPlay() external pure returns (bool);

    /// @notice The module's name.
    function name() external pure returns (string memory);
}
