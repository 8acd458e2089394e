// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {ManagedUpgradeable} from "../governance/ManagedUpgradeable.sol";
import {IIdentity} from "../interfaces/IIdentity.sol";
import {IInvestorRegistry} from "../interfaces/IInvestorRegistry.sol";
import {ISharesToken} from "../interfaces/ISharesToken.sol";
import {IFeeWalletSource} from "../interfaces/IFeeWalletSource.sol";
import {IRegistrySources} from "../interfaces/IRegistrySources.sol";
import {IVerificationSource} from "../interfaces/IVerificationSource.sol";
import {InvestorRecord, InvestorRecordLib, InvestorClasses} from "./InvestorRecord.sol";
import {IdentityRegistryLayout} from "./IdentityRegistryLayout.sol";
import {ExtensionFallback} from "../governance/ExtensionFallback.sol";

/// @title IdentityRegistry
/// @notice Who may hold the fund: each wallet maps to an investor identity with country, class flags, KYC
/// expiry and revocation status, packed in one storage word. Several wallets may belong to one identity; the
/// identity is the investor's key for the compliance rules that aggregate per investor.
/// @dev Records are stored per wallet, as ERC-3643 stores the country per wallet: registration is one storage
/// write and verifying a transfer party one storage read. Investor-level updates name the identity and its
/// wallets, and the registry checks every wallet belongs to that identity.
/// The PROTOCOL class exempts a wallet from the investor rules, so it is the issuer's decision: a record carrying
/// it is written only for a wallet the issuer listed ({setProtocolAccount}, behind the issuer's delay). The check
/// is made when a record is written, never on the transfer path, which reads the record alone.
/// Verification sources the issuer lists (ONCHAINID claims, EAS attestations: contracts/identity/sources/) write the
/// same record with their id in it, through IdentityRegistrySources ({IRegistrySources}), which this contract's
/// fallback reaches by delegatecall: its own functions, and so their dispatch and the transfer path's gas, are
/// those of the registry without sources. A transfer never reads a claim or an attestation.
contract IdentityRegistry is
    ManagedUpgradeable,
    IdentityRegistryLayout,
    IInvestorRegistry,
    ExtensionFallback
{
    /// @notice Largest number of tokens whose holdings guard identity changes.
    uint256 public constant MAX_BOUND_TOKENS = 4;
    /// @notice Longest KYC validity {registerIdentity} may grant.
    uint40 public constant MAX_KYC_VALIDITY = 5 * 365 days;

    /// @notice IdentityRegistrySources: the verification sources' functions, run in this contract's context.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address public immutable extension;

    /// @param extension_ The IdentityRegistrySources deployment this implementation delegates to.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address extension_) {
        if (extension_.code.length == 0) revert IRegistrySources.InvalidSource(extension_);
        extension = extension_;
    }

    /// @notice Initialises the registry behind its proxy.
    /// @param authority The suite's AccessManager.
    /// @param defaultKycValidity_ KYC validity granted by the ERC-3643 {registerIdentity} (seconds).
    function initialize(address authority, uint40 defaultKycValidity_) external initializer {
        __Managed_init(authority);
        _setDefaultKycValidity(defaultKycValidity_);
    }

    // ------------------------------------------------------------------ registration

    /// @inheritdoc IInvestorRegistry
    function registerInvestor(
        address wallet,
        address identity_,
        uint16 country,
        uint16 classes,
        uint40 kycExpiry_
    ) external restricted {
        _register(wallet, identity_, country, classes, kycExpiry_);
    }

    /// @inheritdoc IInvestorRegistry
    function batchRegisterInvestor(Registration[] calldata registrations) external restricted {
        uint256 n = registrations.length;
        if (n == 0) revert EmptyBatch();
        for (uint256 i; i < n; ++i) {
            Registration calldata r = registrations[i];
            _register(r.wallet, r.identity, r.country, r.classes, r.kycExpiry);
        }
    }

    /// @notice ERC-3643 registration: no class flags, KYC valid for {defaultKycValidity} from now.
    /// @param userAddress The wallet.
    /// @param identity_ The investor identity.
    /// @param country ISO-3166 numeric country code.
    function registerIdentity(address userAddress, IIdentity identity_, uint16 country) external restricted {
        _register(userAddress, address(identity_), country, 0, _defaultExpiry());
    }

    /// @notice ERC-3643 batch registration, see {registerIdentity}.
    /// @param userAddresses The wallets.
    /// @param identities The identities, one per wallet.
    /// @param countries The countries, one per wallet.
    function batchRegisterIdentity(
        address[] calldata userAddresses,
        IIdentity[] calldata identities,
        uint16[] calldata countries
    ) external restricted {
        uint256 n = userAddresses.length;
        if (n == 0) revert EmptyBatch();
        if (identities.length != n || countries.length != n) revert BatchLengthMismatch();
        uint40 expiry = _defaultExpiry();
        for (uint256 i; i < n; ++i) {
            _register(userAddresses[i], address(identities[i]), countries[i], 0, expiry);
        }
    }

    // ------------------------------------------------------------------ updates

    /// @notice ERC-3643: re-binds a registered wallet to another identity, keeping its other data.
    /// @dev Refused while the wallet holds shares of a bound token (per-investor totals would go wrong):
    /// recover or move the tokens first.
    /// @param userAddress The wallet.
    /// @param identity_ The new identity.
    function updateIdentity(address userAddress, IIdentity identity_) external restricted {
        address newIdentity = address(identity_);
        InvestorRecord old = _registered(userAddress);
        if (newIdentity == address(0)) revert InvalidIdentity(userAddress);
        _requireListedIfProtocol(userAddress, old.classes());
        _requireNoHoldings(userAddress);
        InvestorRecord updated = InvestorRecordLib.pack(
            newIdentity,
            old.country(),
            old.classes(),
            old.kycExpiry(),
            old.revoked()
        );
        _s().records[userAddress] = updated;
        emit IdentityUpdated(IIdentity(old.identity()), identity_);
        emit InvestorRecordChanged(userAddress, old, updated);
    }

    /// @notice ERC-3643: changes a registered wallet's country.
    /// @param userAddress The wallet.
    /// @param country The new ISO-3166 numeric country code.
    function updateCountry(address userAddress, uint16 country) external restricted {
        InvestorRecord old = _registered(userAddress);
        _checkCountry(userAddress, country);
        _requireListedIfProtocol(userAddress, old.classes());
        InvestorRecord updated = InvestorRecordLib.pack(
            old.identity(),
            country,
            old.classes(),
            old.kycExpiry(),
            old.revoked()
        );
        _s().records[userAddress] = updated;
        emit CountryUpdated(userAddress, country);
        emit InvestorRecordChanged(userAddress, old, updated);
    }

    /// @inheritdoc IInvestorRegistry
    function updateInvestor(
        address identity_,
        address[] calldata wallets,
        uint16 country,
        uint16 classes,
        uint40 kycExpiry_
    ) external restricted {
        uint256 n = wallets.length;
        if (n == 0) revert EmptyBatch();
        for (uint256 i; i < n; ++i) {
            address wallet = wallets[i];
            InvestorRecord old = _ofIdentity(wallet, identity_);
            _checkData(wallet, country, classes, kycExpiry_);
            _requireNoDuplicate(wallets, i);
            // Accounts of the fund are kept out of the per-investor accounting: the flag may only change on
            // an empty wallet.
            if (old.isProtocol() != (classes & InvestorClasses.PROTOCOL != 0)) _requireNoHoldings(wallet);
            InvestorRecord updated = InvestorRecordLib.pack(
                identity_,
                country,
                classes,
                kycExpiry_,
                old.revoked()
            );
            _s().records[wallet] = updated;
            if (old.country() != country) emit CountryUpdated(wallet, country);
            emit InvestorRecordChanged(wallet, old, updated);
        }
    }

    /// @inheritdoc IInvestorRegistry
    function setRevoked(address identity_, address[] calldata wallets, bool revoked_) external restricted {
        uint256 n = wallets.length;
        if (n == 0) revert EmptyBatch();
        for (uint256 i; i < n; ++i) {
            address wallet = wallets[i];
            InvestorRecord old = _ofIdentity(wallet, identity_);
            _requireNoDuplicate(wallets, i);
            // Reinstating gives the exemption back: it needs the list like any write of the class.
            if (!revoked_) _requireListedIfProtocol(wallet, old.classes());
            InvestorRecord updated = InvestorRecordLib.pack(
                identity_,
                old.country(),
                old.classes(),
                old.kycExpiry(),
                revoked_
            );
            _s().records[wallet] = updated;
            emit InvestorRecordChanged(wallet, old, updated);
        }
    }

    /// @notice ERC-3643: removes a wallet's registration.
    /// @dev Refused while the wallet holds shares of a bound token.
    /// @param userAddress The wallet.
    function deleteIdentity(address userAddress) external restricted {
        InvestorRecord old = _registered(userAddress);
        _requireNoHoldings(userAddress);
        _s().records[userAddress] = InvestorRecord.wrap(0);
        emit IdentityRemoved(userAddress, IIdentity(old.identity()));
        emit InvestorRecordChanged(userAddress, old, InvestorRecord.wrap(0));
    }

    // ------------------------------------------------------------------ configuration

    /// @inheritdoc IInvestorRegistry
    function setDefaultKycValidity(uint40 validity) external restricted {
        _setDefaultKycValidity(validity);
    }

    /// @inheritdoc IInvestorRegistry
    function bindToken(address token) external restricted {
        IdentityRegistryStorage storage $ = _s();
        uint256 n = $.boundTokens.length;
        if (token == address(0) || n >= MAX_BOUND_TOKENS) revert InvalidBoundToken(token);
        for (uint256 i; i < n; ++i) {
            if ($.boundTokens[i] == token) revert InvalidBoundToken(token);
        }
        // The token must report shares: the guard reads them. A low-level static call, because a high-level
        // `try` cannot catch an address without code or return data that does not decode (both revert in this
        // frame, without a reason).
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory data) = token.staticcall(abi.encodeCall(ISharesToken.totalShares, ()));
        if (!ok || data.length < 32) revert InvalidBoundToken(token);
        $.boundTokens.push(token);
        emit TokenBound(token);
    }

    /// @inheritdoc IInvestorRegistry
    /// @dev The issuer's list is what the registry checks when a record with the PROTOCOL class is written. A
    /// wallet stays listed while its record carries the class, so every such record is of a listed wallet.
    function setProtocolAccount(address wallet, bool listed) external restricted {
        if (wallet == address(0)) revert InvalidWallet();
        IdentityRegistryStorage storage $ = _s();
        if (!listed && $.records[wallet].isProtocol()) revert ProtocolAccountStillRegistered(wallet);
        bool old = $.protocolAccounts[wallet];
        $.protocolAccounts[wallet] = listed;
        emit ProtocolAccountChanged(wallet, old, listed);
    }

    /// @inheritdoc IInvestorRegistry
    function unbindToken(address token) external restricted {
        address[] storage tokens = _s().boundTokens;
        uint256 n = tokens.length;
        for (uint256 i; i < n; ++i) {
            if (tokens[i] == token) {
                tokens[i] = tokens[n - 1];
                tokens.pop();
                emit TokenUnbound(token);
                return;
            }
        }
        revert TokenNotBound(token);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IInvestorRegistry
    function transferRecords(
        address from,
        address to
    ) external view returns (InvestorRecord, InvestorRecord) {
        IdentityRegistryStorage storage $ = _s();
        return ($.records[from], $.records[to]);
    }

    /// @inheritdoc IInvestorRegistry
    /// @dev With the sources policy's live check, a source's record is checked at its source and returned revoked
    /// when its evidence no longer holds (issuance, subscriptions and redemption settlement read this view).
    function investorRecord(address wallet) external view returns (InvestorRecord r) {
        r = _s().records[wallet];
        if (r.source() != 0) r = _live(wallet, r);
    }

    /// @notice Whether the wallet is registered.
    /// @param userAddress The wallet.
    function contains(address userAddress) external view returns (bool) {
        return _s().records[userAddress].isRegistered();
    }

    /// @notice Registered, KYC expiry strictly in the future, not revoked.
    /// @param userAddress The wallet.
    /// @dev With the sources policy's live check, a source's record is checked at its source, see {investorRecord}.
    function isVerified(address userAddress) external view returns (bool) {
        InvestorRecord r = _s().records[userAddress];
        if (r.source() != 0) r = _live(userAddress, r);
        return r.isVerified();
    }

    /// @notice The wallet's investor identity.
    /// @param userAddress The wallet.
    function identity(address userAddress) external view returns (IIdentity) {
        return IIdentity(_s().records[userAddress].identity());
    }

    /// @notice The wallet's country.
    /// @param userAddress The wallet.
    function investorCountry(address userAddress) external view returns (uint16) {
        return _s().records[userAddress].country();
    }

    /// @inheritdoc IInvestorRegistry
    function investorClasses(address wallet) external view returns (uint16) {
        return _s().records[wallet].classes();
    }

    /// @inheritdoc IInvestorRegistry
    function kycExpiry(address wallet) external view returns (uint40) {
        return _s().records[wallet].kycExpiry();
    }

    /// @inheritdoc IInvestorRegistry
    function isRevoked(address wallet) external view returns (bool) {
        return _s().records[wallet].revoked();
    }

    /// @inheritdoc IInvestorRegistry
    function defaultKycValidity() external view returns (uint40) {
        return _s().defaultKycValidity;
    }

    /// @inheritdoc IInvestorRegistry
    function boundTokens() external view returns (address[] memory) {
        return _s().boundTokens;
    }

    /// @inheritdoc IInvestorRegistry
    function isProtocolAccount(address wallet) external view returns (bool) {
        return _s().protocolAccounts[wallet];
    }

    /// @dev Every function not implemented here runs in IdentityRegistrySources ({ExtensionFallback}).
    function _extension() internal view override returns (address) {
        return extension;
    }

    // ------------------------------------------------------------------ internals

    /// @dev `r`, a source's record, as the live check sees it: unchanged without the policy's live check or when
    /// revoked already; otherwise revoked unless its source (listed, answering within its gas budget) confirms the
    /// evidence.
    function _live(address wallet, InvestorRecord r) private view returns (InvestorRecord) {
        IdentityRegistryStorage storage $ = _s();
        if ($.sourcePolicy & _LIVE_CHECK == 0 || r.revoked()) return r;
        address source = $.sources[r.source()];
        if (source != address(0)) {
            uint256 needed = (_LIVE_CHECK_GAS * 64) / 63 + 5_000;
            uint256 gasLeft = gasleft();
            if (gasLeft < needed) revert IRegistrySources.InsufficientGasForLiveCheck(gasLeft, needed);
            try IVerificationSource(source).evaluate{gas: _LIVE_CHECK_GAS}(wallet, r.identity()) returns (
                bool valid,
                uint8,
                uint16,
                uint16,
                uint40
            ) {
                if (valid) return r;
            } catch {
                // A source that cannot answer does not confirm the evidence.
            }
        }
        return r.asRevoked();
    }

    function _register(
        address wallet,
        address identity_,
        uint16 country,
        uint16 classes,
        uint40 expiry
    ) private {
        if (wallet == address(0)) revert InvalidWallet();
        if (identity_ == address(0)) revert InvalidIdentity(wallet);
        _checkData(wallet, country, classes, expiry);
        mapping(address => InvestorRecord) storage records = _s().records;
        InvestorRecord existing = records[wallet];
        if (existing.isRegistered()) revert WalletAlreadyRegistered(wallet, existing.identity());
        InvestorRecord record = InvestorRecordLib.pack(identity_, country, classes, expiry, false);
        records[wallet] = record;
        emit IdentityRegistered(wallet, IIdentity(identity_));
        emit InvestorRecordChanged(wallet, InvestorRecord.wrap(0), record);
    }

    function _ofIdentity(address wallet, address identity_) private view returns (InvestorRecord record) {
        record = _registered(wallet);
        if (record.identity() != identity_) revert WalletNotOfIdentity(wallet, identity_, record.identity());
    }

    /// @dev Quadratic in the list length, which is the handful of wallets of one investor.
    function _requireNoDuplicate(address[] calldata wallets, uint256 i) private pure {
        for (uint256 j; j < i; ++j) {
            if (wallets[j] == wallets[i]) revert DuplicateWallet(wallets[i]);
        }
    }

    /// @dev A wallet's binding (identity, PROTOCOL flag, registration) is fixed while it holds shares of a bound
    /// token, and while it is that token's fee wallet, which receives shares at every accrual without a check.
    function _requireNoHoldings(address wallet) private view {
        address[] storage tokens = _s().boundTokens;
        uint256 n = tokens.length;
        for (uint256 i; i < n; ++i) {
            address token = tokens[i];
            uint256 shares = ISharesToken(token).sharesOf(wallet);
            if (shares != 0) revert WalletHoldsTokens(wallet, token, shares);
            if (_feeWalletOf(token) == wallet) revert WalletIsFeeWallet(wallet, token);
        }
    }

    /// @dev The token's fee wallet, or zero for a bound token without one.
    function _feeWalletOf(address token) private view returns (address) {
        (bool ok, bytes memory ret) = token.staticcall(
            abi.encodeWithSelector(IFeeWalletSource.feeWallet.selector)
        );
        return ok && ret.length >= 32 ? abi.decode(ret, (address)) : address(0);
    }

    function _defaultExpiry() private view returns (uint40) {
        return uint40(block.timestamp) + _s().defaultKycValidity;
    }

    function _setDefaultKycValidity(uint40 validity) private {
        if (validity == 0 || validity > MAX_KYC_VALIDITY) revert InvalidKycValidity(validity);
        IdentityRegistryStorage storage $ = _s();
        emit DefaultKycValidityChanged($.defaultKycValidity, validity);
        $.defaultKycValidity = validity;
    }
}
