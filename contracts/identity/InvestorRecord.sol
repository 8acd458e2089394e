// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @notice Everything the suite knows about a registered wallet, packed into one storage word so that
/// verifying a party of a transfer is a single storage read.
/// @dev Layout (bit offsets): identity [0, 160) | country [160, 176) | classes [176, 192) |
/// kycExpiry [192, 232) | revoked [232] | source [240, 248). A zero word means "not registered". The source is
/// the provenance of the record: 0 when the compliance officer attested it, otherwise the id under which the
/// issuer listed the verification source that wrote it (`IdentityRegistry.setVerificationSource`).
type InvestorRecord is uint256;

using InvestorRecordLib for InvestorRecord global;

/// @title InvestorClasses
/// @notice Bit flags of investor classes carried by an {InvestorRecord}.
library InvestorClasses {
    /// @notice Accredited investor (Reg D 506(c)).
    uint16 internal constant ACCREDITED = 1 << 0;
    /// @notice Qualified purchaser (Investment Company Act 3(c)(7)).
    uint16 internal constant QUALIFIED_PURCHASER = 1 << 1;
    /// @notice Institutional investor.
    uint16 internal constant INSTITUTIONAL = 1 << 2;
    /// @notice US person (barred from a Reg S offering).
    uint16 internal constant US_PERSON = 1 << 3;
    /// @notice An account of the fund itself (escrow, fund manager, wrapper, fee wallet): exempt from the
    /// investor rules (count, holding limits, class, country, lockup, outflow) but never from sanctions. The registry
    /// writes it only for a wallet the issuer listed (`IdentityRegistry.setProtocolAccount`).
    uint16 internal constant PROTOCOL = 1 << 4;
    /// @notice Every defined flag; any other bit is refused.
    uint16 internal constant ALL = (1 << 5) - 1;
}

/// @title InvestorRecordLib
/// @notice Packing and reading of {InvestorRecord} words.
library InvestorRecordLib {
    /// @notice Bit offset of the country (uint16); the identity (an address, 160 bits) sits below it.
    uint256 internal constant COUNTRY_SHIFT = 160;
    /// @notice Bit offset of the investor classes (uint16).
    uint256 internal constant CLASSES_SHIFT = 176;
    /// @notice Bit offset of the KYC expiry (uint40).
    uint256 internal constant KYC_EXPIRY_SHIFT = 192;
    /// @notice Bit of the revoked flag.
    uint256 internal constant REVOKED_SHIFT = 232;
    /// @notice Bit offset of the verification source id (uint8).
    uint256 internal constant SOURCE_SHIFT = 240;
    // Literal expressions (folded by the compiler), equal to (1 << COUNTRY_SHIFT) - 1 and 1 << REVOKED_SHIFT.
    uint256 private constant _ADDRESS_MASK = (1 << 160) - 1;
    uint256 private constant _REVOKED_BIT = 1 << 232;

    /// @notice Packs the fields of a record.
    function pack(
        address identity_,
        uint16 country_,
        uint16 classes_,
        uint40 kycExpiry_,
        bool revoked_
    ) internal pure returns (InvestorRecord) {
        return
            InvestorRecord.wrap(
                uint256(uint160(identity_)) |
                    (uint256(country_) << COUNTRY_SHIFT) |
                    (uint256(classes_) << CLASSES_SHIFT) |
                    (uint256(kycExpiry_) << KYC_EXPIRY_SHIFT) |
                    (revoked_ ? _REVOKED_BIT : 0)
            );
    }

    /// @notice Packs the fields of a record written by verification source `source_` (1..255).
    function packFromSource(
        address identity_,
        uint16 country_,
        uint16 classes_,
        uint40 kycExpiry_,
        uint8 source_
    ) internal pure returns (InvestorRecord) {
        return
            InvestorRecord.wrap(
                InvestorRecord.unwrap(pack(identity_, country_, classes_, kycExpiry_, false)) |
                    (uint256(source_) << SOURCE_SHIFT)
            );
    }

    /// @notice The same record, revoked (provenance kept).
    function asRevoked(InvestorRecord r) internal pure returns (InvestorRecord) {
        return InvestorRecord.wrap(InvestorRecord.unwrap(r) | _REVOKED_BIT);
    }

    /// @notice Who verified the record: 0 for the compliance officer, otherwise the verification source's id.
    function source(InvestorRecord r) internal pure returns (uint8) {
        return uint8(InvestorRecord.unwrap(r) >> SOURCE_SHIFT);
    }

    /// @notice The investor identity (ONCHAINID or an address assigned by the transfer agent); zero if unregistered.
    function identity(InvestorRecord r) internal pure returns (address) {
        return address(uint160(InvestorRecord.unwrap(r) & _ADDRESS_MASK));
    }

    /// @notice ISO-3166 numeric country code.
    function country(InvestorRecord r) internal pure returns (uint16) {
        return uint16(InvestorRecord.unwrap(r) >> COUNTRY_SHIFT);
    }

    /// @notice Investor class flags, see {InvestorClasses}.
    function classes(InvestorRecord r) internal pure returns (uint16) {
        return uint16(InvestorRecord.unwrap(r) >> CLASSES_SHIFT);
    }

    /// @notice Timestamp from which the KYC no longer counts.
    function kycExpiry(InvestorRecord r) internal pure returns (uint40) {
        return uint40(InvestorRecord.unwrap(r) >> KYC_EXPIRY_SHIFT);
    }

    /// @notice Whether the investor is revoked (by the compliance officer, or by its verification source).
    function revoked(InvestorRecord r) internal pure returns (bool) {
        return (InvestorRecord.unwrap(r) >> REVOKED_SHIFT) & 1 == 1;
    }

    /// @notice Whether the wallet is registered at all.
    function isRegistered(InvestorRecord r) internal pure returns (bool) {
        return InvestorRecord.unwrap(r) & _ADDRESS_MASK != 0;
    }

    /// @notice Registered, KYC not expired (expiry strictly in the future), not revoked.
    function isVerified(InvestorRecord r) internal view returns (bool) {
        return isRegistered(r) && !revoked(r) && kycExpiry(r) > block.timestamp;
    }

    /// @notice Whether the wallet belongs to an account of the fund itself.
    function isProtocol(InvestorRecord r) internal pure returns (bool) {
        return classes(r) & InvestorClasses.PROTOCOL != 0;
    }
}
