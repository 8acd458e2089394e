// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IIdentityRegistry} from "./IIdentityRegistry.sol";
import {InvestorRecord} from "../identity/InvestorRecord.sol";

/// @title IInvestorRegistry
/// @notice The suite's identity registry: ERC-3643's surface plus investor classes, KYC expiry, revocation,
/// batch onboarding, and the packed records the token reads on every transfer.
interface IInvestorRegistry is IIdentityRegistry {
    /// @notice One row of {batchRegisterInvestor}.
    struct Registration {
        address wallet;
        address identity;
        uint16 country;
        uint16 classes;
        uint40 kycExpiry;
    }

    /// @notice The zero address was given as a wallet.
    error InvalidWallet();
    /// @notice The zero address was given as an identity.
    error InvalidIdentity(address wallet);
    /// @notice The country is not an ISO-3166 numeric code (1..999).
    error InvalidCountry(address wallet, uint16 country);
    /// @notice The class flags contain an undefined bit.
    error InvalidClasses(address wallet, uint16 classes);
    /// @notice The KYC expiry is not in the future.
    error KycExpiryNotInFuture(address wallet, uint40 kycExpiry);
    /// @notice The wallet is already registered.
    error WalletAlreadyRegistered(address wallet, address identity);
    /// @notice The wallet is not registered.
    error WalletNotRegistered(address wallet);
    /// @notice The wallet belongs to another identity than the one named.
    error WalletNotOfIdentity(address wallet, address expectedIdentity, address actualIdentity);
    /// @notice A wallet appears twice in one call.
    error DuplicateWallet(address wallet);
    /// @notice The wallet still holds shares of a bound token, so its identity binding cannot change.
    error WalletHoldsTokens(address wallet, address token, uint256 shares);
    /// @notice The wallet is the fee wallet of a bound token (it receives shares at every accrual), so its
    /// identity, PROTOCOL flag and registration cannot change; point the token at another fee wallet first.
    error WalletIsFeeWallet(address wallet, address token);
    /// @notice The arrays of a batch call have different lengths.
    error BatchLengthMismatch();
    /// @notice A batch call was given no item.
    error EmptyBatch();
    /// @notice The default KYC validity is zero or longer than allowed.
    error InvalidKycValidity(uint40 validity);
    /// @notice The token is the zero address, does not report shares, is already bound, or too many are bound.
    error InvalidBoundToken(address token);
    /// @notice The token is not bound.
    error TokenNotBound(address token);
    /// @notice The record would carry the PROTOCOL class (exempt from the investor rules) but the issuer has not
    /// listed the wallet as an account of the fund ({setProtocolAccount}).
    error ProtocolAccountNotListed(address wallet);
    /// @notice The issuer cannot delist a wallet whose record carries the PROTOCOL class: the compliance officer
    /// first reclassifies it ({updateInvestor}) or deletes its registration.
    error ProtocolAccountStillRegistered(address wallet);

    /// @notice Any change of a wallet's record, with the packed record before and after (zero = unregistered).
    event InvestorRecordChanged(address indexed wallet, InvestorRecord oldRecord, InvestorRecord newRecord);
    /// @notice The KYC validity given by {registerIdentity} changed.
    event DefaultKycValidityChanged(uint40 oldValidity, uint40 newValidity);
    /// @notice A token whose holdings guard identity changes was bound.
    event TokenBound(address indexed token);
    /// @notice A token was unbound.
    event TokenUnbound(address indexed token);
    /// @notice The issuer listed or delisted a wallet as an account of the fund (allowed the PROTOCOL class).
    event ProtocolAccountChanged(address indexed wallet, bool oldListed, bool newListed);

    /// @notice Registers a wallet with all its investor data (the onboarding path).
    function registerInvestor(
        address wallet,
        address identity,
        uint16 country,
        uint16 classes,
        uint40 kycExpiry
    ) external;

    /// @notice Batch form of {registerInvestor}, for onboarding hundreds of investors.
    function batchRegisterInvestor(Registration[] calldata registrations) external;

    /// @notice Sets country, classes and KYC expiry on every listed wallet of `identity`.
    /// @dev Records are kept per wallet (as in ERC-3643); the transfer agent's tools list the wallets.
    function updateInvestor(
        address identity,
        address[] calldata wallets,
        uint16 country,
        uint16 classes,
        uint40 kycExpiry
    ) external;

    /// @notice Revokes (or reinstates) every listed wallet of `identity`.
    function setRevoked(address identity, address[] calldata wallets, bool revoked) external;

    /// @notice Sets the KYC validity that {registerIdentity} grants.
    function setDefaultKycValidity(uint40 validity) external;

    /// @notice Binds a token whose per-investor accounting depends on the wallet -> identity binding: a wallet
    /// holding its shares cannot be re-bound or deleted.
    function bindToken(address token) external;

    /// @notice Unbinds a token.
    function unbindToken(address token) external;

    /// @notice Lists (or delists) `wallet` as an account of the fund: only a listed wallet may be registered or
    /// updated with the PROTOCOL class, which exempts it from the investor rules. The issuer's decision, behind
    /// its execution delay. Delisting is refused while the wallet's record carries the PROTOCOL class.
    function setProtocolAccount(address wallet, bool listed) external;

    /// @notice Whether the issuer listed `wallet` as an account of the fund ({setProtocolAccount}).
    function isProtocolAccount(address wallet) external view returns (bool);

    /// @notice The tokens bound by {bindToken}.
    function boundTokens() external view returns (address[] memory);

    /// @notice The KYC validity that {registerIdentity} grants.
    function defaultKycValidity() external view returns (uint40);

    /// @notice The wallet's packed record (zero if unregistered).
    function investorRecord(address wallet) external view returns (InvestorRecord);

    /// @notice Both parties' records in one call: the token's transfer path.
    function transferRecords(address from, address to) external view returns (InvestorRecord, InvestorRecord);

    /// @notice The wallet's investor class flags.
    function investorClasses(address wallet) external view returns (uint16);

    /// @notice The wallet's KYC expiry.
    function kycExpiry(address wallet) external view returns (uint40);

    /// @notice Whether the wallet is revoked.
    function isRevoked(address wallet) external view returns (bool);
}
