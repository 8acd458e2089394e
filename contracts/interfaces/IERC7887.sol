// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title IERC7887Redeem
/// @notice ERC-7887 (Cancelation for ERC-7540 Tokenized Vaults, a Draft: the suite implements the revision of
/// ethereum/ERCs commit 9d6a547022d9cffd65176e5e946bac58ac6b695e), redemption side. ERC-165 id 0xe76cffc7.
interface IERC7887Redeem {
    /// @notice `controller`'s redemption request `requestId` is being cancelled; `sender` called.
    event CancelRedeemRequest(address indexed controller, uint256 indexed requestId, address sender);

    /// @notice `controller` claimed the cancelled request `requestId`: `shares` went to `receiver`.
    event CancelRedeemClaim(
        address indexed controller,
        address indexed receiver,
        uint256 indexed requestId,
        address sender,
        uint256 shares
    );

    /// @notice Requests the cancellation of the pending redemption request `requestId` of `controller`.
    function cancelRedeemRequest(uint256 requestId, address controller) external;

    /// @notice Whether the cancellation of `requestId` of `controller` is pending.
    function pendingCancelRedeemRequest(
        uint256 requestId,
        address controller
    ) external view returns (bool isPending);

    /// @notice Shares of the cancelled request `requestId` of `controller` ready to be claimed.
    function claimableCancelRedeemRequest(
        uint256 requestId,
        address controller
    ) external view returns (uint256 shares);

    /// @notice Sends the shares of the cancelled request `requestId` of `controller` to `receiver`.
    function claimCancelRedeemRequest(uint256 requestId, address receiver, address controller) external;
}
