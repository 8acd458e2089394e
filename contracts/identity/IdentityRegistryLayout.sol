// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IInvestorRegistry} from "../interfaces/IInvestorRegistry.sol";
import {InvestorRecord, InvestorClasses} from "./InvestorRecord.sol";

/// @title IdentityRegistryLayout
/// @notice The identity registry's storage and the record checks shared by the registry and its extension
/// (IdentityRegistrySources, reached by delegatecall from the registry's fallback, in the proxy's storage).
abstract contract IdentityRegistryLayout {
    /// @dev Policy bit: a source may replace an officer's record of the same identity (not revoked, not PROTOCOL).
    uint8 internal constant _SOURCE_MAY_REPLACE_OFFICER = 1;
    /// @dev Policy bit: the registry's `investorRecord` and `isVerified` check a source's record at its source.
    uint8 internal constant _LIVE_CHECK = 2;
    /// @dev Gas budget of a live check at the source (an investor's identity contract cannot make it dearer).
    uint256 internal constant _LIVE_CHECK_GAS = 1_000_000;

    /// @custom:storage-location erc7201:fundsuite.storage.IdentityRegistry
    struct IdentityRegistryStorage {
        mapping(address wallet => InvestorRecord) records;
        address[] boundTokens;
        uint40 defaultKycValidity;
        mapping(address wallet => bool) protocolAccounts;
        // Issue 20: the verification sources the issuer lists, by id (1..255), and the sources policy.
        mapping(uint8 id => address) sources;
        mapping(address source => uint8) sourceIds;
        uint8 sourcePolicy;
    }

    // keccak256(abi.encode(uint256(keccak256("fundsuite.storage.IdentityRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_SLOT =
        0xfaba77f3940fa5ab207445583ce06dfb702968389575238722332325edbeb700;

    function _s() internal pure returns (IdentityRegistryStorage storage $) {
        assembly {
            $.slot := _STORAGE_SLOT
        }
    }

    function _checkData(address wallet, uint16 country, uint16 classes, uint40 expiry) internal view {
        _checkCountry(wallet, country);
        if (classes & ~InvestorClasses.ALL != 0) revert IInvestorRegistry.InvalidClasses(wallet, classes);
        if (expiry <= block.timestamp) revert IInvestorRegistry.KycExpiryNotInFuture(wallet, expiry);
        _requireListedIfProtocol(wallet, classes);
    }

    /// @dev A record carrying the PROTOCOL class is written only for a wallet the issuer listed.
    function _requireListedIfProtocol(address wallet, uint16 classes) internal view {
        if (classes & InvestorClasses.PROTOCOL != 0 && !_s().protocolAccounts[wallet]) {
            revert IInvestorRegistry.ProtocolAccountNotListed(wallet);
        }
    }

    function _checkCountry(address wallet, uint16 country) internal pure {
        if (country == 0 || country > 999) revert IInvestorRegistry.InvalidCountry(wallet, country);
    }

    function _registered(address wallet) internal view returns (InvestorRecord record) {
        record = _s().records[wallet];
        if (!record.isRegistered()) revert IInvestorRegistry.WalletNotRegistered(wallet);
    }
}
