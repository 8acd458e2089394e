// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title IOnchainIdentity
/// @notice The part of an ONCHAINID identity (ERC-734 keys, ERC-735 claims) the claim source reads. Written here
/// because the ONCHAINID package pins solc 0.8.17; its deployed contracts answer exactly these functions.
interface IOnchainIdentity {
    /// @notice Whether `key` (keccak256 of the ABI-encoded address) holds `purpose` (1 management, 2 action,
    /// 3 claim signer); a management key holds every purpose.
    function keyHasPurpose(bytes32 key, uint256 purpose) external view returns (bool);

    /// @notice The claim `claimId` = keccak256(abi.encode(issuer, topic)); an empty claim has a zero issuer.
    function getClaim(
        bytes32 claimId
    )
        external
        view
        returns (
            uint256 topic,
            uint256 scheme,
            address issuer,
            bytes memory signature,
            bytes memory data,
            string memory uri
        );

    /// @notice The ids of the identity's claims of `topic`.
    function getClaimIdsByTopic(uint256 topic) external view returns (bytes32[] memory claimIds);
}

/// @title IClaimIssuer
/// @notice The part of an ONCHAINID claim issuer the claim source asks.
interface IOnchainIdClaimIssuer {
    /// @notice Whether the signature over (identity, topic, data) was made by one of the issuer's claim keys and
    /// is not revoked.
    function isClaimValid(
        address identity,
        uint256 topic,
        bytes calldata signature,
        bytes calldata data
    ) external view returns (bool);

    /// @notice Whether the issuer revoked the claim with this signature.
    function isClaimRevoked(bytes calldata signature) external view returns (bool);
}
