// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {ManagedUpgradeable} from "../../governance/ManagedUpgradeable.sol";
import {IRegistrySources} from "../../interfaces/IRegistrySources.sol";
import {IVerificationSource} from "../../interfaces/IVerificationSource.sol";
import {IIdentityRegistry} from "../../interfaces/IIdentityRegistry.sol";

/// @title VerificationSource
/// @notice Base of the identity registry's verification sources: the registry they write to, the longest
/// validity of the records they write, and the permissionless {refresh} that re-checks a wallet's evidence and
/// rewrites or revokes its record, so that anyone (the investor's counterparty, a keeper) can enforce a
/// revocation at the source.
/// @dev Upgradeable behind a UUPS proxy governed by the suite's AccessManager; ERC-7201 storage.
abstract contract VerificationSource is ManagedUpgradeable, IVerificationSource {
    /// @notice Longest record validity (the registry's `MAX_KYC_VALIDITY`).
    uint40 public constant MAX_RECORD_VALIDITY = 5 * 365 days;
    /// @notice Gas budget of one evaluation inside {refresh}: a caller cannot make a valid record look invalid by
    /// sending too little gas, and an identity contract cannot make the evaluation dearer than this.
    uint256 public constant EVALUATION_GAS = 1_000_000;

    struct Evaluation {
        bool valid;
        uint8 failure;
        uint16 country;
        uint16 classes;
        uint40 expiry;
    }

    /// @custom:storage-location erc7201:fundsuite.storage.VerificationSource
    struct VerificationSourceStorage {
        address registry;
        uint40 maxRecordValidity;
    }

    // keccak256(abi.encode(uint256(keccak256("fundsuite.storage.VerificationSource")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_SLOT =
        0xa201486e713dcb2dfc1c855f0f7406bf9b631b3ff9c20e0dd611dee0b72b2000;

    function _vs() private pure returns (VerificationSourceStorage storage $) {
        assembly {
            $.slot := _STORAGE_SLOT
        }
    }

    // solhint-disable-next-line func-name-mixedcase
    function __VerificationSource_init(
        address authority,
        address registry_,
        uint40 maxRecordValidity_
    ) internal onlyInitializing {
        __Managed_init(authority);
        if (registry_.code.length == 0) revert InvalidRegistry(registry_);
        _vs().registry = registry_;
        _setMaxRecordValidity(maxRecordValidity_);
    }

    /// @inheritdoc IVerificationSource
    function refresh(address wallet) external returns (bool verified) {
        IRegistrySources reg = IRegistrySources(_vs().registry);
        (, address source) = reg.recordSource(wallet);
        if (source != address(this)) revert RecordNotFromThisSource(wallet, source);
        address identity = address(IIdentityRegistry(address(reg)).identity(wallet));
        Evaluation memory e = _evaluateBudgeted(wallet, identity);
        if (e.valid) {
            reg.writeFromSource(wallet, identity, e.country, e.classes, e.expiry);
        } else {
            reg.revokeFromSource(wallet);
        }
        emit Refreshed(wallet, identity, e.valid, e.failure);
        return e.valid;
    }

    /// @inheritdoc IVerificationSource
    function registry() external view returns (address) {
        return _vs().registry;
    }

    /// @inheritdoc IVerificationSource
    function maxRecordValidity() external view returns (uint40) {
        return _vs().maxRecordValidity;
    }

    /// @inheritdoc IVerificationSource
    function setMaxRecordValidity(uint40 validity) external restricted {
        _setMaxRecordValidity(validity);
    }

    /// @dev The evaluation within its fixed gas budget, by an external self-call: whatever the investor's
    /// identity contract returns or does (reverts, malformed answers, gas burnt) ends as a failed evaluation.
    function _evaluateBudgeted(address wallet, address identity) private view returns (Evaluation memory e) {
        uint256 needed = (EVALUATION_GAS * 64) / 63 + 100_000;
        uint256 gasLeft = gasleft();
        if (gasLeft < needed) revert InsufficientGasForEvaluation(gasLeft, needed);
        try this.evaluate{gas: EVALUATION_GAS}(wallet, identity) returns (
            bool ok,
            uint8 failure,
            uint16 country,
            uint16 classes,
            uint40 expiry
        ) {
            e = Evaluation(ok, failure, country, classes, expiry);
        } catch {
            e.failure = _evaluationReverted();
        }
    }

    /// @dev Writes the record of a wallet whose evidence was just checked.
    function _write(
        address wallet,
        address identity,
        uint16 country,
        uint16 classes,
        uint40 expiry
    ) internal {
        IRegistrySources(_vs().registry).writeFromSource(wallet, identity, country, classes, expiry);
    }

    /// @dev The record expiry for evidence valid until `until` (0: no expiry of its own).
    function _expiry(uint64 until) internal view returns (uint40) {
        uint256 cap = block.timestamp + _vs().maxRecordValidity;
        return uint40(until != 0 && until < cap ? until : cap);
    }

    /// @dev The failure code reported when the evaluation itself reverted.
    function _evaluationReverted() internal pure virtual returns (uint8);

    function _setMaxRecordValidity(uint40 validity) private {
        if (validity == 0 || validity > MAX_RECORD_VALIDITY) revert InvalidMaxRecordValidity(validity);
        VerificationSourceStorage storage $ = _vs();
        emit MaxRecordValidityChanged($.maxRecordValidity, validity);
        $.maxRecordValidity = validity;
    }
}
