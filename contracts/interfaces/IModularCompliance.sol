// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title IModularCompliance
/// @notice The ERC-3643 modular compliance surface: bound to one token, asked whether a transfer is allowed,
/// told about every transfer, issuance and burn.
interface IModularCompliance {
    /// @notice A call was made to a module through {callModuleFunction}.
    event ModuleInteraction(address indexed target, bytes4 selector);
    /// @notice A token was bound.
    event TokenBound(address _token);
    /// @notice The token was unbound.
    event TokenUnbound(address _token);
    /// @notice A module was added.
    event ModuleAdded(address indexed _module);
    /// @notice A module was removed.
    event ModuleRemoved(address indexed _module);

    /// @notice Binds the token whose movements this compliance governs.
    function bindToken(address _token) external;

    /// @notice Unbinds the token.
    function unbindToken(address _token) external;

    /// @notice Adds an external ERC-3643 module.
    function addModule(address _module) external;

    /// @notice Removes an external module.
    function removeModule(address _module) external;

    /// @notice Calls a configuration function of a bound module.
    function callModuleFunction(bytes calldata callData, address _module) external;

    /// @notice Hook: tokens moved between holders. The suite's compliance refuses the three generic hooks
    /// (`UnsupportedHook`): its token reports movements through `checkTransfer`, `checkMint` and `recordMovement`.
    function transferred(address _from, address _to, uint256 _amount) external;

    /// @notice Hook: tokens were issued.
    function created(address _to, uint256 _amount) external;

    /// @notice Hook: tokens were burned.
    function destroyed(address _from, uint256 _amount) external;

    /// @notice Whether a transfer of `_amount` from `_from` to `_to` passes every rule.
    function canTransfer(address _from, address _to, uint256 _amount) external view returns (bool);

    /// @notice The external modules.
    function getModules() external view returns (address[] memory);

    /// @notice The bound token.
    function getTokenBound() external view returns (address);

    /// @notice Whether `_module` is bound.
    function isModuleBound(address _module) external view returns (bool);
}
