// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IIdentity} from "./IIdentity.sol";

/// @title IIdentityRegistry
/// @notice The ERC-3643 identity registry surface: wallet -> investor identity and country, and whether a
/// wallet may hold the token. (ERC-3643's claim-topic and trusted-issuer registries are replaced by the
/// compliance officer's on-chain KYC attestation, see IInvestorRegistry, and by the verification sources of
/// docs/IDENTITY.md, which keep their own topic and issuer lists and write the same record.)
interface IIdentityRegistry {
    /// @notice A wallet was bound to an investor identity.
    event IdentityRegistered(address indexed investorAddress, IIdentity indexed identity);
    /// @notice A wallet's binding was removed.
    event IdentityRemoved(address indexed investorAddress, IIdentity indexed identity);
    /// @notice A wallet was re-bound from one identity to another.
    event IdentityUpdated(IIdentity indexed oldIdentity, IIdentity indexed newIdentity);
    /// @notice A wallet's country changed.
    event CountryUpdated(address indexed investorAddress, uint16 indexed country);

    /// @notice Registers `userAddress` for `identity` in `country` (no class flags, default KYC validity).
    function registerIdentity(address userAddress, IIdentity identity, uint16 country) external;

    /// @notice Batch form of {registerIdentity}.
    function batchRegisterIdentity(
        address[] calldata userAddresses,
        IIdentity[] calldata identities,
        uint16[] calldata countries
    ) external;

    /// @notice Re-binds a registered wallet to another identity.
    function updateIdentity(address userAddress, IIdentity identity) external;

    /// @notice Changes a registered wallet's country.
    function updateCountry(address userAddress, uint16 country) external;

    /// @notice Removes a wallet's registration.
    function deleteIdentity(address userAddress) external;

    /// @notice Whether the wallet is registered.
    function contains(address userAddress) external view returns (bool);

    /// @notice Whether the wallet may hold the token: registered, KYC not expired, not revoked.
    function isVerified(address userAddress) external view returns (bool);

    /// @notice The wallet's investor identity (zero if unregistered).
    function identity(address userAddress) external view returns (IIdentity);

    /// @notice The wallet's ISO-3166 numeric country code (zero if unregistered).
    function investorCountry(address userAddress) external view returns (uint16);
}
