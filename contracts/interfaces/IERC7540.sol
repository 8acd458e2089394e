// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title IERC7540Operator
/// @notice ERC-7540 (Asynchronous ERC-4626 Tokenized Vaults, status Final): the operators every ERC-7540 vault
/// implements. ERC-165 id 0xe3bc4e65.
interface IERC7540Operator {
    /// @notice `controller` set `operator`'s approval to `approved`.
    event OperatorSet(address indexed controller, address indexed operator, bool approved);

    /// @notice Approves or revokes `operator` to manage the caller's requests.
    /// @return success True.
    function setOperator(address operator, bool approved) external returns (bool success);

    /// @notice Whether `operator` may manage `controller`'s requests.
    function isOperator(address controller, address operator) external view returns (bool status);
}

/// @title IERC7540Redeem
/// @notice ERC-7540's asynchronous redemption requests. ERC-165 id 0x620ee8e4.
interface IERC7540Redeem {
    /// @notice `sender` locked `shares` of `owner` in request `requestId`, controlled by `controller`.
    event RedeemRequest(
        address indexed controller,
        address indexed owner,
        uint256 indexed requestId,
        address sender,
        uint256 shares
    );

    /// @notice Takes `shares` from `owner` and submits a redemption request controlled by `controller`.
    function requestRedeem(
        uint256 shares,
        address controller,
        address owner
    ) external returns (uint256 requestId);

    /// @notice Shares of request `requestId` of `controller` in the Pending state.
    function pendingRedeemRequest(
        uint256 requestId,
        address controller
    ) external view returns (uint256 shares);

    /// @notice Shares of request `requestId` of `controller` in the Claimable state.
    function claimableRedeemRequest(
        uint256 requestId,
        address controller
    ) external view returns (uint256 shares);
}
