// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ManagedUpgradeable} from "../../governance/ManagedUpgradeable.sol";
import {FundToken} from "../../token/FundToken.sol";
import {FundTokenAdmin} from "../../token/FundTokenAdmin.sol";
import {InvestorRecord} from "../../identity/InvestorRecord.sol";

/// @title IdentityRegistryInsertedField
/// @notice Test-only "next version" of the identity registry that breaks its storage layout: a field inserted in
/// the middle of the ERC-7201 struct shifts `boundTokens` and `defaultKycValidity` onto other slots. The
/// OpenZeppelin upgrades plugin must refuse it.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract IdentityRegistryInsertedField is ManagedUpgradeable {
    /// @custom:storage-location erc7201:fundsuite.storage.IdentityRegistry
    struct IdentityRegistryStorage {
        mapping(address wallet => InvestorRecord) records;
        uint256 insertedField;
        address[] boundTokens;
        uint40 defaultKycValidity;
    }

    // keccak256(abi.encode(uint256(keccak256("fundsuite.storage.IdentityRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_SLOT =
        0xfaba77f3940fa5ab207445583ce06dfb702968389575238722332325edbeb700;

    /// @notice The inserted field (reads what the real registry keeps in `boundTokens`'s slot).
    /// @return The field.
    function insertedField() external view returns (uint256) {
        IdentityRegistryStorage storage $;
        assembly {
            $.slot := _STORAGE_SLOT
        }
        return $.insertedField;
    }
}

/// @title FundTokenPlainSlot
/// @notice Test-only "next version" of the fund token that adds a state variable outside any ERC-7201 namespace
/// (slot 0 of the proxy). Taken alone, appending a variable is layout-compatible; but the token's admin extension
/// runs in the same storage, and FundTokenAdminPlainSlot below puts another variable in the same slot.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract FundTokenPlainSlot is FundToken {
    /// @notice A non-namespaced variable (slot 0).
    uint256 public plainCounter;

    /// @param extension_ The admin extension this implementation delegates to.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address extension_) FundToken(extension_) {}

    /// @notice Increments the non-namespaced counter.
    function bumpPlainCounter() external {
        ++plainCounter;
    }
}

/// @title FundTokenAdminPlainSlot
/// @notice Test-only admin extension adding its own non-namespaced variable, which lands in the same slot 0 as
/// FundTokenPlainSlot's: each contract validates alone, the pair corrupts each other's state.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract FundTokenAdminPlainSlot is FundTokenAdmin {
    /// @notice A non-namespaced variable (slot 0, the same as FundTokenPlainSlot.plainCounter).
    address public plainOwner;

    /// @notice Sets the non-namespaced address.
    /// @param owner The address.
    function setPlainOwner(address owner) external {
        plainOwner = owner;
    }
}
