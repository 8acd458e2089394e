// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {IIdentity} from "../interfaces/IIdentity.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {IInvestorRegistry} from "../interfaces/IInvestorRegistry.sol";
import {IRegistrySources} from "../interfaces/IRegistrySources.sol";
import {InvestorRecord, InvestorRecordLib, InvestorClasses} from "./InvestorRecord.sol";
import {IdentityRegistryLayout} from "./IdentityRegistryLayout.sol";

/// @title IdentityRegistrySources
/// @notice The identity registry's verification sources (issue 20, docs/IDENTITY.md): the issuer's list of source
/// contracts and policy, and the writes and revocations only a listed source makes, each record carrying the id
/// of the source that wrote it.
/// @dev An extension of IdentityRegistry, reached through the registry's fallback by delegatecall and run in the
/// registry proxy's storage (the pattern of FundTokenAdmin): the registry's own functions, and so the transfer
/// path's gas, are unchanged. Called at its own address it has no authority and no storage of its own.
contract IdentityRegistrySources is AccessManagedUpgradeable, IdentityRegistryLayout, IRegistrySources {
    /// @notice Policy bit: a source may replace an officer's record of the same identity (not revoked, not PROTOCOL).
    uint8 public constant SOURCE_MAY_REPLACE_OFFICER = _SOURCE_MAY_REPLACE_OFFICER;
    /// @notice Policy bit: `investorRecord` and `isVerified` check a source's record at its source.
    uint8 public constant LIVE_CHECK = _LIVE_CHECK;
    /// @notice Gas budget of a live check at the source.
    uint256 public constant LIVE_CHECK_GAS = _LIVE_CHECK_GAS;

    /// @inheritdoc IRegistrySources
    function setVerificationSource(uint8 id, address source) external restricted {
        if (id == 0) revert InvalidSourceId(id);
        IdentityRegistryStorage storage $ = _s();
        if (source != address(0)) {
            if (source.code.length == 0) revert InvalidSource(source);
            uint8 listed = $.sourceIds[source];
            if (listed != 0 && listed != id) revert SourceAlreadyListed(source, listed);
        }
        address old = $.sources[id];
        if (old != address(0)) delete $.sourceIds[old];
        $.sources[id] = source;
        if (source != address(0)) $.sourceIds[source] = id;
        emit VerificationSourceChanged(id, old, source);
    }

    /// @inheritdoc IRegistrySources
    function setSourcePolicy(uint8 policy) external restricted {
        if (policy & ~(_SOURCE_MAY_REPLACE_OFFICER | _LIVE_CHECK) != 0) revert InvalidSourcePolicy(policy);
        IdentityRegistryStorage storage $ = _s();
        emit SourcePolicyChanged($.sourcePolicy, policy);
        $.sourcePolicy = policy;
    }

    /// @inheritdoc IRegistrySources
    function writeFromSource(
        address wallet,
        address identity_,
        uint16 country,
        uint16 classes,
        uint40 kycExpiry_
    ) external {
        IdentityRegistryStorage storage $ = _s();
        uint8 id = _callerSource($);
        if (wallet == address(0)) revert IInvestorRegistry.InvalidWallet();
        if (identity_ == address(0)) revert IInvestorRegistry.InvalidIdentity(wallet);
        if (classes & InvestorClasses.PROTOCOL != 0) revert ProtocolClassFromSource(wallet);
        _checkData(wallet, country, classes, kycExpiry_);
        InvestorRecord old = $.records[wallet];
        bool registered = old.isRegistered();
        if (registered) {
            if (old.identity() != identity_) {
                revert IInvestorRegistry.WalletAlreadyRegistered(wallet, old.identity());
            }
            if (
                old.source() == 0 &&
                ($.sourcePolicy & _SOURCE_MAY_REPLACE_OFFICER == 0 || old.revoked() || old.isProtocol())
            ) revert RecordHeldByOfficer(wallet);
        }
        InvestorRecord updated = InvestorRecordLib.packFromSource(
            identity_,
            country,
            classes,
            kycExpiry_,
            id
        );
        $.records[wallet] = updated;
        if (!registered) emit IIdentityRegistry.IdentityRegistered(wallet, IIdentity(identity_));
        else if (old.country() != country) emit IIdentityRegistry.CountryUpdated(wallet, country);
        emit IInvestorRegistry.InvestorRecordChanged(wallet, old, updated);
    }

    /// @inheritdoc IRegistrySources
    function revokeFromSource(address wallet) external {
        IdentityRegistryStorage storage $ = _s();
        uint8 id = _callerSource($);
        InvestorRecord old = _registered(wallet);
        if (old.source() != id) revert RecordNotFromSource(wallet, id, old.source());
        _revokeSourced($, wallet, old);
    }

    /// @inheritdoc IRegistrySources
    function revokeFromRemovedSource(address wallet) external {
        IdentityRegistryStorage storage $ = _s();
        InvestorRecord old = _registered(wallet);
        uint8 id = old.source();
        if (id == 0) revert RecordNotFromSource(wallet, 0, 0);
        address source = $.sources[id];
        if (source != address(0)) revert SourceStillListed(wallet, id, source);
        _revokeSourced($, wallet, old);
    }

    /// @inheritdoc IRegistrySources
    function verificationSource(uint8 id) external view returns (address) {
        return _s().sources[id];
    }

    /// @inheritdoc IRegistrySources
    function sourceIdOf(address source) external view returns (uint8) {
        return _s().sourceIds[source];
    }

    /// @inheritdoc IRegistrySources
    function sourcePolicy() external view returns (uint8) {
        return _s().sourcePolicy;
    }

    /// @inheritdoc IRegistrySources
    function recordSource(address wallet) external view returns (uint8 id, address source) {
        IdentityRegistryStorage storage $ = _s();
        id = $.records[wallet].source();
        if (id != 0) source = $.sources[id];
    }

    /// @inheritdoc IRegistrySources
    function storedRecord(address wallet) external view returns (uint256) {
        return InvestorRecord.unwrap(_s().records[wallet]);
    }

    function _callerSource(IdentityRegistryStorage storage $) private view returns (uint8 id) {
        id = $.sourceIds[msg.sender];
        if (id == 0) revert CallerNotSource(msg.sender);
    }

    function _revokeSourced(IdentityRegistryStorage storage $, address wallet, InvestorRecord old) private {
        if (old.revoked()) return;
        InvestorRecord updated = old.asRevoked();
        $.records[wallet] = updated;
        emit IInvestorRegistry.InvestorRecordChanged(wallet, old, updated);
    }
}
