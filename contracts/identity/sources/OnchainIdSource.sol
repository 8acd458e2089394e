// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {VerificationSource} from "./VerificationSource.sol";
import {IOnchainIdentity, IOnchainIdClaimIssuer} from "./IOnchainId.sol";
import {InvestorClasses} from "../InvestorRecord.sol";

/// @title OnchainIdSource
/// @notice Verification source of ONCHAINID claims (ERC-734/735): an investor whose identity contract holds, for
/// each of the fund's required claim topics, a claim signed by an issuer the fund trusts for that topic, valid
/// at that issuer (signed by one of its claim keys, not revoked), not expired and made for this chain, gets the
/// registry record the claims describe. The claim-topic list and the trusted-issuer list are this contract's,
/// set by the issuer behind its delay.
/// @dev Claim data format (ABI-encoded, 128 bytes): `(uint256 chainId, uint16 country, uint16 classes,
/// uint64 validUntil)`; `validUntil` 0 means no expiry. The record's country is the first topic's claim's,
/// its classes the union of every claim's, its expiry the earliest `validUntil` capped by
/// {maxRecordValidity}. The wallet must be an action (or management) key of the identity.
contract OnchainIdSource is VerificationSource {
    /// @notice Why a claim (or the evidence of a wallet) does not verify; 0 is valid.
    enum ClaimStatus {
        Valid,
        NoClaimTopics,
        WalletNotKey,
        NoClaim,
        UntrustedIssuer,
        InvalidSignature,
        Revoked,
        Expired,
        OtherChain,
        MalformedData,
        EvaluationReverted
    }

    /// @notice Largest number of required claim topics.
    uint256 public constant MAX_CLAIM_TOPICS = 4;
    /// @notice Largest number of trusted issuers.
    uint256 public constant MAX_TRUSTED_ISSUERS = 8;
    /// @notice ERC-734 purpose of the key the wallet must be on the identity (management keys hold every purpose).
    uint256 public constant ACTION_KEY = 2;
    /// @notice Length of the claim data: four ABI words.
    uint256 public constant CLAIM_DATA_LENGTH = 128;

    /// @custom:storage-location erc7201:fundsuite.storage.OnchainIdSource
    struct OnchainIdSourceStorage {
        uint256[] topics;
        address[] issuers;
        mapping(address issuer => uint256[]) issuerTopics;
    }

    // keccak256(abi.encode(uint256(keccak256("fundsuite.storage.OnchainIdSource")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_SLOT =
        0xe5bd278150bae07a8c33658426d6c1ee995e2cf97cabcf107c6c63877c0e2700;

    /// @notice The fund requires no claim topic: the source verifies no one.
    error NoClaimTopics();
    /// @notice The wallet is not an action or management key of the identity (or the identity has no code).
    error WalletNotKeyOfIdentity(address wallet, address identity);
    /// @notice No claim of `topic` on the identity verifies: `issuer` is the first trusted issuer holding one,
    /// or, when none does, an untrusted issuer of one (zero when the identity holds no claim of the topic).
    error ClaimRefused(address identity, uint256 topic, address issuer, ClaimStatus status);
    /// @notice The topic list is too long or has a duplicate.
    error InvalidClaimTopics(uint256[] topics);
    /// @notice The issuer has no code.
    error InvalidIssuer(address issuer);
    /// @notice The issuer is not trusted (nothing to remove).
    error IssuerNotTrusted(address issuer);
    /// @notice The trusted-issuer list is full.
    error TooManyTrustedIssuers(uint256 max);

    /// @notice The required claim topics changed.
    event ClaimTopicsChanged(uint256[] oldTopics, uint256[] newTopics);
    /// @notice An issuer's trusted topics changed (empty: no longer trusted).
    event TrustedIssuerChanged(address indexed issuer, uint256[] oldTopics, uint256[] newTopics);
    /// @notice A wallet was verified from its identity's claims and its record written.
    event VerifiedFromClaims(
        address indexed wallet,
        address indexed identity,
        uint16 country,
        uint16 classes,
        uint40 kycExpiry
    );

    function _os() private pure returns (OnchainIdSourceStorage storage $) {
        assembly {
            $.slot := _STORAGE_SLOT
        }
    }

    /// @notice Initialises the source behind its proxy.
    /// @param authority The suite's AccessManager.
    /// @param registry_ The identity registry it writes to.
    /// @param maxRecordValidity_ Longest validity of a record it writes (seconds).
    function initialize(
        address authority,
        address registry_,
        uint40 maxRecordValidity_
    ) external initializer {
        __VerificationSource_init(authority, registry_, maxRecordValidity_);
    }

    // ------------------------------------------------------------------ investors

    /// @notice Verifies `wallet` from the claims of `identity` and writes its record. Anyone may call it: the
    /// proof is on-chain. Refused with a named error for every failing check, nothing written.
    /// @param wallet The investor's wallet (an action or management key of the identity).
    /// @param identity The investor's ONCHAINID identity contract.
    function registerFromClaims(address wallet, address identity) external {
        (, uint16 country, uint16 classes, uint40 expiry) = _evaluate(wallet, identity, true);
        _write(wallet, identity, country, classes, expiry);
        emit VerifiedFromClaims(wallet, identity, country, classes, expiry);
    }

    /// @notice See {IVerificationSource-evaluate}; `failure` is a {ClaimStatus}.
    /// @param wallet The wallet.
    /// @param identity The identity it belongs to.
    function evaluate(
        address wallet,
        address identity
    ) external view returns (bool valid, uint8 failure, uint16 country, uint16 classes, uint40 kycExpiry) {
        ClaimStatus status;
        (status, country, classes, kycExpiry) = _evaluate(wallet, identity, false);
        return (status == ClaimStatus.Valid, uint8(status), country, classes, kycExpiry);
    }

    // ------------------------------------------------------------------ configuration

    /// @notice Sets the claim topics every investor must hold (at most {MAX_CLAIM_TOPICS}, no duplicate; empty
    /// stops the source verifying anyone). ISSUER, behind its delay.
    /// @param topics The topics; the first one's claim gives the record's country.
    function setClaimTopics(uint256[] calldata topics) external restricted {
        _checkTopics(topics);
        OnchainIdSourceStorage storage $ = _os();
        emit ClaimTopicsChanged($.topics, topics);
        $.topics = topics;
    }

    /// @notice Trusts `issuer` for `topics` (replacing its previous topics), or stops trusting it (empty).
    /// ISSUER, behind its delay.
    /// @param issuer An ONCHAINID claim issuer contract.
    /// @param topics The topics it is trusted for.
    function setTrustedIssuer(address issuer, uint256[] calldata topics) external restricted {
        if (issuer.code.length == 0) revert InvalidIssuer(issuer);
        _checkTopics(topics);
        OnchainIdSourceStorage storage $ = _os();
        uint256[] memory old = $.issuerTopics[issuer];
        address[] storage list = $.issuers;
        if (topics.length == 0) {
            if (old.length == 0) revert IssuerNotTrusted(issuer);
            uint256 n = list.length;
            for (uint256 i; i < n; ++i) {
                if (list[i] == issuer) {
                    list[i] = list[n - 1];
                    list.pop();
                    break;
                }
            }
        } else if (old.length == 0) {
            if (list.length >= MAX_TRUSTED_ISSUERS) revert TooManyTrustedIssuers(MAX_TRUSTED_ISSUERS);
            list.push(issuer);
        }
        $.issuerTopics[issuer] = topics;
        emit TrustedIssuerChanged(issuer, old, topics);
    }

    // ------------------------------------------------------------------ views

    /// @notice The required claim topics.
    function claimTopics() external view returns (uint256[] memory) {
        return _os().topics;
    }

    /// @notice The trusted issuers, in the order a refresh looks for claims.
    function trustedIssuers() external view returns (address[] memory) {
        return _os().issuers;
    }

    /// @notice The topics `issuer` is trusted for (empty if not trusted).
    /// @param issuer The claim issuer.
    function issuerTopics(address issuer) external view returns (uint256[] memory) {
        return _os().issuerTopics[issuer];
    }

    // ------------------------------------------------------------------ internals

    function _evaluate(
        address wallet,
        address identity,
        bool strict
    ) private view returns (ClaimStatus, uint16 country, uint16 classes, uint40 expiry) {
        uint256[] memory topics = _os().topics;
        uint256 n = topics.length;
        if (n == 0) {
            if (strict) revert NoClaimTopics();
            return (ClaimStatus.NoClaimTopics, 0, 0, 0);
        }
        if (!_isKey(wallet, identity)) {
            if (strict) revert WalletNotKeyOfIdentity(wallet, identity);
            return (ClaimStatus.WalletNotKey, 0, 0, 0);
        }
        uint64 until;
        for (uint256 i; i < n; ++i) {
            (ClaimStatus status, address issuer, uint16 c, uint16 cl, uint64 u) = _findClaim(
                identity,
                topics[i],
                i == 0
            );
            if (status != ClaimStatus.Valid) {
                if (strict) revert ClaimRefused(identity, topics[i], issuer, status);
                return (status, 0, 0, 0);
            }
            if (i == 0) country = c;
            classes |= cl;
            if (u != 0 && (until == 0 || u < until)) until = u;
        }
        return (ClaimStatus.Valid, country, classes, _expiry(until));
    }

    function _isKey(address wallet, address identity) private view returns (bool) {
        if (identity.code.length == 0) return false;
        try IOnchainIdentity(identity).keyHasPurpose(keccak256(abi.encode(wallet)), ACTION_KEY) returns (
            bool yes
        ) {
            return yes;
        } catch {
            return false;
        }
    }

    /// @dev The first trusted issuer (in list order) whose claim of `topic` verifies; otherwise the status of the
    /// first trusted issuer holding one, or an untrusted issuer's, or NoClaim.
    function _findClaim(
        address identity,
        uint256 topic,
        bool first
    )
        private
        view
        returns (ClaimStatus best, address bestIssuer, uint16 country, uint16 classes, uint64 until)
    {
        OnchainIdSourceStorage storage $ = _os();
        address[] memory issuers = $.issuers;
        best = ClaimStatus.NoClaim;
        for (uint256 i; i < issuers.length; ++i) {
            address issuer = issuers[i];
            if (!_trustedFor($.issuerTopics[issuer], topic)) continue;
            ClaimStatus status;
            (status, country, classes, until) = _checkClaim(identity, issuer, topic, first);
            if (status == ClaimStatus.Valid) return (status, issuer, country, classes, until);
            if (best == ClaimStatus.NoClaim && status != ClaimStatus.NoClaim)
                (best, bestIssuer) = (status, issuer);
        }
        if (best == ClaimStatus.NoClaim) bestIssuer = _untrustedIssuer(identity, topic);
        if (bestIssuer != address(0) && best == ClaimStatus.NoClaim) best = ClaimStatus.UntrustedIssuer;
        return (best, bestIssuer, 0, 0, 0);
    }

    /// @dev The issuer of the identity's first claim of `topic` (reported when no trusted issuer holds one).
    function _untrustedIssuer(address identity, uint256 topic) private view returns (address issuer) {
        try IOnchainIdentity(identity).getClaimIdsByTopic(topic) returns (bytes32[] memory ids) {
            if (ids.length == 0) return address(0);
            try IOnchainIdentity(identity).getClaim(ids[0]) returns (
                uint256,
                uint256,
                address claimIssuer,
                bytes memory,
                bytes memory,
                string memory
            ) {
                return claimIssuer;
            } catch {
                return address(0);
            }
        } catch {
            return address(0);
        }
    }

    function _checkClaim(
        address identity,
        address issuer,
        uint256 topic,
        bool first
    ) private view returns (ClaimStatus, uint16, uint16, uint64) {
        bytes32 claimId = keccak256(abi.encode(issuer, topic));
        bytes memory signature;
        bytes memory data;
        try IOnchainIdentity(identity).getClaim(claimId) returns (
            uint256 claimTopic,
            uint256,
            address claimIssuer,
            bytes memory sig,
            bytes memory claimData,
            string memory
        ) {
            if (claimIssuer != issuer || claimTopic != topic) return (ClaimStatus.NoClaim, 0, 0, 0);
            (signature, data) = (sig, claimData);
        } catch {
            return (ClaimStatus.NoClaim, 0, 0, 0);
        }
        if (!_validAtIssuer(identity, issuer, topic, signature, data)) {
            return (
                _isRevoked(issuer, signature) ? ClaimStatus.Revoked : ClaimStatus.InvalidSignature,
                0,
                0,
                0
            );
        }
        return _decode(data, first);
    }

    function _validAtIssuer(
        address identity,
        address issuer,
        uint256 topic,
        bytes memory signature,
        bytes memory data
    ) private view returns (bool) {
        try IOnchainIdClaimIssuer(issuer).isClaimValid(identity, topic, signature, data) returns (bool ok) {
            return ok;
        } catch {
            return false;
        }
    }

    function _isRevoked(address issuer, bytes memory signature) private view returns (bool) {
        try IOnchainIdClaimIssuer(issuer).isClaimRevoked(signature) returns (bool revoked) {
            return revoked;
        } catch {
            return false;
        }
    }

    /// @dev Decodes and checks the claim data (chain, country, classes, expiry).
    function _decode(
        bytes memory data,
        bool first
    ) private view returns (ClaimStatus, uint16, uint16, uint64) {
        if (data.length != CLAIM_DATA_LENGTH) return (ClaimStatus.MalformedData, 0, 0, 0);
        (uint256 chainId, uint256 country, uint256 classes, uint256 until) = abi.decode(
            data,
            (uint256, uint256, uint256, uint256)
        );
        if (chainId != block.chainid) return (ClaimStatus.OtherChain, 0, 0, 0);
        bool countryOk = first ? country != 0 && country <= 999 : country <= 999;
        // A claim never grants the PROTOCOL class (issue 16 finding 4).
        uint256 allowed = InvestorClasses.ALL & ~uint256(InvestorClasses.PROTOCOL);
        if (!countryOk || classes & ~allowed != 0 || until > type(uint64).max) {
            return (ClaimStatus.MalformedData, 0, 0, 0);
        }
        if (until != 0 && until <= block.timestamp) return (ClaimStatus.Expired, 0, 0, 0);
        return (ClaimStatus.Valid, uint16(country), uint16(classes), uint64(until));
    }

    function _trustedFor(uint256[] storage topics, uint256 topic) private view returns (bool) {
        uint256 n = topics.length;
        for (uint256 i; i < n; ++i) {
            if (topics[i] == topic) return true;
        }
        return false;
    }

    function _checkTopics(uint256[] calldata topics) private pure {
        uint256 n = topics.length;
        if (n > MAX_CLAIM_TOPICS) revert InvalidClaimTopics(topics);
        for (uint256 i; i < n; ++i) {
            for (uint256 j; j < i; ++j) {
                if (topics[j] == topics[i]) revert InvalidClaimTopics(topics);
            }
        }
    }

    function _evaluationReverted() internal pure override returns (uint8) {
        return uint8(ClaimStatus.EvaluationReverted);
    }
}
