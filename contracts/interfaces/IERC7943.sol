// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/// @title IERC7943Fungible
/// @notice ERC-7943 (uRWA, status Final), the interface for ERC-20 based real-world-asset tokens: account
/// eligibility (`canSend`, `canReceive`), a transfer pre-flight (`canTransfer`), frozen amounts and the enforcement
/// transfer. Its ERC-165 id is 0x3edbb4c4 (the XOR of the six function selectors below).
/// @dev Declarations as the standard defines them (names, parameters, events, errors); see docs/TOKEN.md for how
/// the fund token and the wrapper implement them beside their ERC-3643-style surface.
interface IERC7943Fungible is IERC165 {
    /// @notice Tokens were taken from `from` and given to `to` by an enforcement transfer.
    event ForcedTransfer(address indexed from, address indexed to, uint256 amount);

    /// @notice The frozen amount of `account` changed; `amount` is the frozen amount after the change.
    event Frozen(address indexed account, uint256 amount);

    /// @notice `account` may not send tokens.
    error ERC7943CannotSend(address account);
    /// @notice `account` may not receive tokens.
    error ERC7943CannotReceive(address account);
    /// @notice The transfer is not allowed by the token's rules.
    error ERC7943CannotTransfer(address from, address to, uint256 amount);
    /// @notice `amount` is within the balance of `account` but above its unfrozen part.
    error ERC7943InsufficientUnfrozenBalance(address account, uint256 amount, uint256 unfrozen);

    /// @notice Takes `amount` from `from` and gives it to `to` (restricted: regulatory enforcement, recovery).
    /// @return result True; reverts on failure.
    function forcedTransfer(address from, address to, uint256 amount) external returns (bool result);

    /// @notice Sets the frozen amount of `account` to `amount` (overwrites; may exceed the balance). Restricted.
    /// @return result True; reverts on failure.
    function setFrozenTokens(address account, uint256 amount) external returns (bool result);

    /// @notice Whether `account` may send tokens under the token's account-level rules.
    function canSend(address account) external view returns (bool allowed);

    /// @notice Whether `account` may receive tokens under the token's account-level rules.
    function canReceive(address account) external view returns (bool allowed);

    /// @notice The frozen amount of `account` (may exceed its balance).
    function getFrozenTokens(address account) external view returns (uint256 amount);

    /// @notice Whether a transfer of `amount` from `from` to `to` is allowed now by every permissioned rule, the
    /// frozen amount included.
    function canTransfer(address from, address to, uint256 amount) external view returns (bool allowed);
}
