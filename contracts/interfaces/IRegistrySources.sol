// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title IRegistrySources
/// @notice The identity registry's side of the verification sources (ONCHAINID claims, EAS attestations): the
/// issuer lists the source contracts it trusts, each under an id that the records they write carry; a listed
/// source writes and revokes the same packed record the transfer path reads, for the wallets it verified.
interface IRegistrySources {
    /// @notice The source id is 0 (reserved for the compliance officer's records).
    error InvalidSourceId(uint8 id);
    /// @notice The source address has no code.
    error InvalidSource(address source);
    /// @notice The source is already listed under another id.
    error SourceAlreadyListed(address source, uint8 id);
    /// @notice The policy has an undefined bit.
    error InvalidSourcePolicy(uint8 policy);
    /// @notice The caller is not a listed verification source.
    error CallerNotSource(address caller);
    /// @notice A source tried to write the PROTOCOL class (issue 16 finding 4: only the issuer's listed accounts
    /// of the fund carry it, through the compliance officer).
    error ProtocolClassFromSource(address wallet);
    /// @notice The wallet's record was attested by the compliance officer, which wins over the sources (the
    /// issuer's policy lets a source replace an officer's record of the same identity only while it is neither
    /// revoked nor a PROTOCOL record).
    error RecordHeldByOfficer(address wallet);
    /// @notice The wallet's record was not written by the source named (`recordSource` 0: the officer's).
    error RecordNotFromSource(address wallet, uint8 expectedSource, uint8 recordSource);
    /// @notice The source that wrote the wallet's record is still listed: it refreshes the record itself.
    error SourceStillListed(address wallet, uint8 id, address source);
    /// @notice The caller left too little gas for a live check's budget (a view must not report a record
    /// invalid because its caller ran the check short of gas).
    error InsufficientGasForLiveCheck(uint256 gasLeft, uint256 needed);

    /// @notice The issuer listed, replaced or removed (zero) the source under `id`.
    event VerificationSourceChanged(uint8 indexed id, address oldSource, address newSource);
    /// @notice The issuer changed the sources policy (bit flags, see `SOURCE_MAY_REPLACE_OFFICER`, `LIVE_CHECK`).
    event SourcePolicyChanged(uint8 oldPolicy, uint8 newPolicy);

    /// @notice Lists `source` under `id` (1..255), replacing the source listed there, or removes it (zero
    /// address). ISSUER, behind its delay. Records keep the id they were written under: a removed source's
    /// records can be revoked by anyone ({revokeFromRemovedSource}).
    function setVerificationSource(uint8 id, address source) external;

    /// @notice Sets the sources policy: bit 1 lets a source replace an officer's record of the same identity;
    /// bit 2 makes {investorRecord} and {isVerified} check a source's record live at its source (issuance,
    /// subscriptions, redemption settlement, not transfers). ISSUER, behind its delay.
    function setSourcePolicy(uint8 policy) external;

    /// @notice Called by a listed source: writes the (verified, unrevoked) record of `wallet` for `identity`,
    /// registering the wallet when it is new. Refused for a wallet of another identity, for an officer's record
    /// (unless the policy allows), and for the PROTOCOL class.
    function writeFromSource(
        address wallet,
        address identity,
        uint16 country,
        uint16 classes,
        uint40 kycExpiry
    ) external;

    /// @notice Called by a listed source: revokes a record it wrote (its evidence was revoked or expired).
    /// Nothing happens when the record is already revoked.
    function revokeFromSource(address wallet) external;

    /// @notice Anyone: revokes a record written by a source the issuer has since removed.
    function revokeFromRemovedSource(address wallet) external;

    /// @notice The source listed under `id` (zero if none).
    function verificationSource(uint8 id) external view returns (address);

    /// @notice The id `source` is listed under (0 if not listed).
    function sourceIdOf(address source) external view returns (uint8);

    /// @notice The sources policy (bit flags).
    function sourcePolicy() external view returns (uint8);

    /// @notice Who verified the wallet's record: the source id (0: the compliance officer) and the source
    /// listed under it now (zero for the officer or a removed source).
    function recordSource(address wallet) external view returns (uint8 id, address source);

    /// @notice The wallet's record as stored, without the live check of {investorRecord}.
    function storedRecord(address wallet) external view returns (uint256);
}
