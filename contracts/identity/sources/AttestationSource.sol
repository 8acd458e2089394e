// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IEAS} from "@ethereum-attestation-service/eas-contracts/contracts/IEAS.sol";
import {ISchemaRegistry} from "@ethereum-attestation-service/eas-contracts/contracts/ISchemaRegistry.sol";
import {Attestation} from "@ethereum-attestation-service/eas-contracts/contracts/Common.sol";
import {VerificationSource} from "./VerificationSource.sol";
import {InvestorClasses} from "../InvestorRecord.sol";

/// @title AttestationSource
/// @notice Verification source of Ethereum Attestation Service attestations: a wallet that is the recipient of
/// one attestation of each of the fund's required schemas, made by an attester the fund trusts for that schema,
/// neither revoked nor expired, gets the registry record the attested fields give. The investor's identity is
/// the wallet itself (an attestation names a wallet, not an identity contract). Schemas, trusted attesters and
/// the country-code table are set by the issuer behind its delay.
/// @dev Schema kinds and the fields they map into the record:
/// - `Flag` (e.g. Coinbase Verification's `bool verifiedAccount`): the boolean must be true; grants the classes
///   the issuer configured for the schema;
/// - `CountryCode` (e.g. Coinbase Verification's `string verifiedCountry`): an ISO-3166 alpha-2 code, mapped to
///   the numeric code by the issuer's table ({setCountryCodes});
/// - `Record` (the suite's own schema `uint16 country, uint16 classes`): the numeric country and class flags.
/// The record's country comes from the first country-bearing schema in the list, its classes are the union,
/// its expiry the earliest attestation expiry capped by {maxRecordValidity}. The wallet's attestation uids are
/// kept so that {refresh} re-checks exactly them.
contract AttestationSource is VerificationSource {
    /// @notice How an attestation of a schema maps into the record.
    enum SchemaKind {
        None,
        Flag,
        CountryCode,
        Record
    }

    /// @notice Why an attestation (or the evidence of a wallet) does not verify; 0 is valid.
    enum AttestationStatus {
        Valid,
        NoSchemas,
        EvidenceMismatch,
        NotFound,
        WrongSchema,
        UntrustedAttester,
        NotForWallet,
        Revoked,
        Expired,
        MalformedData,
        CountryNotMapped,
        EvaluationReverted
    }

    /// @notice A required schema and how it maps into the record.
    struct SchemaRule {
        bytes32 schema;
        SchemaKind kind;
        /// @dev Classes a valid attestation grants (Flag and Record kinds), never PROTOCOL.
        uint16 classes;
    }

    struct Fields {
        uint16 country;
        uint16 classes;
        uint64 until;
    }

    /// @notice Largest number of required schemas.
    uint256 public constant MAX_SCHEMAS = 4;

    /// @custom:storage-location erc7201:fundsuite.storage.AttestationSource
    struct AttestationSourceStorage {
        IEAS eas;
        SchemaRule[] rules;
        mapping(bytes32 schema => mapping(address attester => bool)) attesters;
        mapping(bytes2 alpha2 => uint16) countryCodes;
        mapping(address wallet => bytes32[]) evidence;
    }

    // keccak256(abi.encode(uint256(keccak256("fundsuite.storage.AttestationSource")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_SLOT =
        0xae7ba0f97151a84521285a4b3e130ae2f393ef40b58e5c108147a18c83e6d000;

    /// @notice The EAS address has no code.
    error InvalidEas(address eas);
    /// @notice The fund requires no schema: the source verifies no one.
    error NoSchemas();
    /// @notice The number of attestation uids differs from the number of required schemas.
    error AttestationCountMismatch(uint256 expected, uint256 given);
    /// @notice The attestation does not verify, see {AttestationStatus}.
    error AttestationRefused(bytes32 uid, AttestationStatus status);
    /// @notice A schema rule is invalid: zero or duplicate schema, unknown to EAS's schema registry, no kind,
    /// PROTOCOL or an undefined bit in its classes, too many rules, or no country-bearing schema.
    error InvalidSchemaRule(bytes32 schema);
    /// @notice The lists have different lengths or are empty, or a code is not 1..999 (0 removes a mapping).
    error InvalidCountryCodes();
    /// @notice The attester is the zero address.
    error InvalidAttester(address attester);

    /// @notice The required schemas changed.
    event SchemaRulesChanged(SchemaRule[] oldRules, SchemaRule[] newRules);
    /// @notice An attester's trust for a schema changed.
    event TrustedAttesterChanged(
        bytes32 indexed schema,
        address indexed attester,
        bool oldTrusted,
        bool newTrusted
    );
    /// @notice An alpha-2 country code's numeric code changed (0: unmapped).
    event CountryCodeChanged(bytes2 indexed alpha2, uint16 oldCode, uint16 newCode);
    /// @notice A wallet was verified from its attestations and its record written.
    event VerifiedFromAttestations(
        address indexed wallet,
        bytes32[] uids,
        uint16 country,
        uint16 classes,
        uint40 kycExpiry
    );

    function _as() private pure returns (AttestationSourceStorage storage $) {
        assembly {
            $.slot := _STORAGE_SLOT
        }
    }

    /// @notice Initialises the source behind its proxy.
    /// @param authority The suite's AccessManager.
    /// @param registry_ The identity registry it writes to.
    /// @param eas_ The chain's EAS contract.
    /// @param maxRecordValidity_ Longest validity of a record it writes (seconds).
    function initialize(
        address authority,
        address registry_,
        address eas_,
        uint40 maxRecordValidity_
    ) external initializer {
        __VerificationSource_init(authority, registry_, maxRecordValidity_);
        if (eas_.code.length == 0) revert InvalidEas(eas_);
        _as().eas = IEAS(eas_);
    }

    // ------------------------------------------------------------------ investors

    /// @notice Verifies `wallet` from its attestations, one per required schema in the order of {schemaRules},
    /// and writes its record (identity: the wallet). Anyone may call it: the proof is on-chain. Refused with a
    /// named error for every failing check, nothing written.
    /// @param wallet The recipient of the attestations.
    /// @param uids The attestations' uids.
    function registerFromAttestation(address wallet, bytes32[] calldata uids) external {
        (, Fields memory f) = _evaluate(wallet, uids, true);
        uint40 expiry = _expiry(f.until);
        _as().evidence[wallet] = uids;
        _write(wallet, wallet, f.country, f.classes, expiry);
        emit VerifiedFromAttestations(wallet, uids, f.country, f.classes, expiry);
    }

    /// @notice See {IVerificationSource-evaluate}: the attestations recorded for `wallet` at registration;
    /// `failure` is an {AttestationStatus}.
    /// @param wallet The wallet.
    /// @param identity Its identity (the wallet itself for this source).
    function evaluate(
        address wallet,
        address identity
    ) external view returns (bool valid, uint8 failure, uint16 country, uint16 classes, uint40 kycExpiry) {
        AttestationStatus status;
        if (identity != wallet) {
            status = AttestationStatus.EvidenceMismatch;
        } else {
            Fields memory f;
            (status, f) = _evaluate(wallet, _as().evidence[wallet], false);
            if (status == AttestationStatus.Valid)
                (country, classes, kycExpiry) = (f.country, f.classes, _expiry(f.until));
        }
        return (status == AttestationStatus.Valid, uint8(status), country, classes, kycExpiry);
    }

    // ------------------------------------------------------------------ configuration

    /// @notice Replaces the required schemas (at most {MAX_SCHEMAS}, each known to EAS's schema registry, at least
    /// one bearing a country; empty stops the source verifying anyone). Wallets registered under other schemas
    /// fail their next refresh. ISSUER, behind its delay.
    /// @param rules The schemas and their mapping into the record.
    function setSchemaRules(SchemaRule[] calldata rules) external restricted {
        AttestationSourceStorage storage $ = _as();
        uint256 n = rules.length;
        if (n > MAX_SCHEMAS) revert InvalidSchemaRule(n == 0 ? bytes32(0) : rules[0].schema);
        bool country;
        ISchemaRegistry schemas = $.eas.getSchemaRegistry();
        uint256 allowed = InvestorClasses.ALL & ~uint256(InvestorClasses.PROTOCOL);
        for (uint256 i; i < n; ++i) {
            SchemaRule calldata r = rules[i];
            bool bad =
                r.schema == bytes32(0) ||
                    r.kind == SchemaKind.None ||
                    r.classes & ~allowed != 0 ||
                    schemas.getSchema(r.schema).uid != r.schema;
            for (uint256 j; j < i; ++j) {
                if (rules[j].schema == r.schema) bad = true;
            }
            if (bad) revert InvalidSchemaRule(r.schema);
            if (r.kind != SchemaKind.Flag) country = true;
        }
        if (n != 0 && !country) revert InvalidSchemaRule(rules[0].schema);
        emit SchemaRulesChanged($.rules, rules);
        delete $.rules;
        for (uint256 i; i < n; ++i) $.rules.push(rules[i]);
    }

    /// @notice Trusts (or stops trusting) `attester` for attestations of `schema`. ISSUER, behind its delay.
    /// @param schema The schema uid.
    /// @param attester The attester.
    /// @param trusted Whether it is trusted.
    function setTrustedAttester(bytes32 schema, address attester, bool trusted) external restricted {
        if (attester == address(0)) revert InvalidAttester(attester);
        mapping(address => bool) storage forSchema = _as().attesters[schema];
        emit TrustedAttesterChanged(schema, attester, forSchema[attester], trusted);
        forSchema[attester] = trusted;
    }

    /// @notice Maps ISO-3166 alpha-2 codes to numeric codes (0 removes a mapping). ISSUER, behind its delay.
    /// @param alpha2 The alpha-2 codes, upper case as attested (e.g. "US").
    /// @param numeric The numeric codes (e.g. 840).
    function setCountryCodes(bytes2[] calldata alpha2, uint16[] calldata numeric) external restricted {
        uint256 n = alpha2.length;
        if (n == 0 || numeric.length != n) revert InvalidCountryCodes();
        for (uint256 i; i < n; ++i) {
            if (numeric[i] > 999) revert InvalidCountryCodes();
        }
        mapping(bytes2 => uint16) storage codes = _as().countryCodes;
        for (uint256 i; i < n; ++i) {
            emit CountryCodeChanged(alpha2[i], codes[alpha2[i]], numeric[i]);
            codes[alpha2[i]] = numeric[i];
        }
    }

    // ------------------------------------------------------------------ views

    /// @notice The chain's EAS contract.
    function eas() external view returns (address) {
        return address(_as().eas);
    }

    /// @notice The required schemas, in the order {registerFromAttestation} takes the uids.
    function schemaRules() external view returns (SchemaRule[] memory) {
        return _as().rules;
    }

    /// @notice Whether `attester` is trusted for `schema`.
    /// @param schema The schema uid.
    /// @param attester The attester.
    function isTrustedAttester(bytes32 schema, address attester) external view returns (bool) {
        return _as().attesters[schema][attester];
    }

    /// @notice The numeric code mapped to an alpha-2 code (0 if none).
    /// @param alpha2 The alpha-2 code.
    function countryCode(bytes2 alpha2) external view returns (uint16) {
        return _as().countryCodes[alpha2];
    }

    /// @notice The attestation uids `wallet` was registered with.
    /// @param wallet The wallet.
    function evidenceOf(address wallet) external view returns (bytes32[] memory) {
        return _as().evidence[wallet];
    }

    // ------------------------------------------------------------------ internals

    function _evaluate(
        address wallet,
        bytes32[] memory uids,
        bool strict
    ) private view returns (AttestationStatus, Fields memory acc) {
        AttestationSourceStorage storage $ = _as();
        uint256 n = $.rules.length;
        if (n == 0) {
            if (strict) revert NoSchemas();
            return (AttestationStatus.NoSchemas, acc);
        }
        if (uids.length != n) {
            if (strict) revert AttestationCountMismatch(n, uids.length);
            return (AttestationStatus.EvidenceMismatch, acc);
        }
        for (uint256 i; i < n; ++i) {
            Fields memory f;
            AttestationStatus status = _check($, $.rules[i], uids[i], wallet, f);
            if (status != AttestationStatus.Valid) {
                if (strict) revert AttestationRefused(uids[i], status);
                return (status, Fields(0, 0, 0));
            }
            if (acc.country == 0) acc.country = f.country;
            acc.classes |= f.classes;
            if (f.until != 0 && (acc.until == 0 || f.until < acc.until)) acc.until = f.until;
        }
        return (AttestationStatus.Valid, acc);
    }

    /// @dev Checks one attestation against its rule and fills `f` with the fields it gives.
    function _check(
        AttestationSourceStorage storage $,
        SchemaRule storage rule,
        bytes32 uid,
        address wallet,
        Fields memory f
    ) private view returns (AttestationStatus status) {
        Attestation memory a = $.eas.getAttestation(uid);
        if (a.uid == bytes32(0) || uid == bytes32(0)) return AttestationStatus.NotFound;
        if (a.schema != rule.schema) return AttestationStatus.WrongSchema;
        if (!$.attesters[a.schema][a.attester]) return AttestationStatus.UntrustedAttester;
        if (a.recipient != wallet) return AttestationStatus.NotForWallet;
        if (a.revocationTime != 0) return AttestationStatus.Revoked;
        if (a.expirationTime != 0 && a.expirationTime <= block.timestamp) return AttestationStatus.Expired;
        (status, f.country, f.classes) = _fields($, rule, a.data);
        f.until = a.expirationTime;
    }

    /// @dev The record fields an attestation's data gives, checked without reverting on malformed data.
    function _fields(
        AttestationSourceStorage storage $,
        SchemaRule storage rule,
        bytes memory data
    ) private view returns (AttestationStatus, uint16 country, uint16 classes) {
        uint256 allowed = InvestorClasses.ALL & ~uint256(InvestorClasses.PROTOCOL);
        if (rule.kind == SchemaKind.Flag) {
            if (data.length != 32 || _word(data, 0) != 1) return (AttestationStatus.MalformedData, 0, 0);
            return (AttestationStatus.Valid, 0, rule.classes);
        }
        if (rule.kind == SchemaKind.Record) {
            if (data.length != 64) return (AttestationStatus.MalformedData, 0, 0);
            (uint256 c, uint256 cl) = (_word(data, 0), _word(data, 1));
            if (c == 0 || c > 999 || cl & ~allowed != 0) return (AttestationStatus.MalformedData, 0, 0);
            return (AttestationStatus.Valid, uint16(c), uint16(cl) | rule.classes);
        }
        // CountryCode: ABI-encoded string of exactly two bytes: offset 0x20, length 2, then the bytes.
        if (data.length != 96 || _word(data, 0) != 32 || _word(data, 1) != 2) {
            return (AttestationStatus.MalformedData, 0, 0);
        }
        bytes2 alpha2 = bytes2(bytes32(_word(data, 2)));
        uint16 code = $.countryCodes[alpha2];
        if (code == 0) return (AttestationStatus.CountryNotMapped, 0, 0);
        return (AttestationStatus.Valid, code, 0);
    }

    function _word(bytes memory data, uint256 i) private pure returns (uint256 w) {
        assembly {
            w := mload(add(data, add(32, mul(i, 32))))
        }
    }

    function _evaluationReverted() internal pure override returns (uint8) {
        return uint8(AttestationStatus.EvaluationReverted);
    }
}
