// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title ExtensionFallback
/// @notice Base of the implementations split in two to stay under the 24 KiB code-size limit (or, for the registry, to
/// keep its dispatch cheap): every function the implementation does not have runs in its extension, by delegatecall,
/// in the caller's storage (the proxy's), with the caller's msg.sender. The extension's address is an immutable of
/// the implementation, so an upgrade replaces both halves at once.
/// @dev Written here rather than taken from OpenZeppelin's `Proxy`: its fallback is payable, and none of the split
/// contracts accepts ether. The assembly is `Proxy._delegate`'s.
abstract contract ExtensionFallback {
    /// @notice Everything not implemented here runs in the extension ({_extension}), in this contract's storage.
    /// @custom:oz-upgrades-unsafe-allow delegatecall
    // solhint-disable-next-line no-complex-fallback
    fallback() external {
        address ext = _extension();
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), ext, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) {
                revert(0, returndatasize())
            }
            return(0, returndatasize())
        }
    }

    /// @dev The contract the fallback delegates to.
    function _extension() internal view virtual returns (address);
}
