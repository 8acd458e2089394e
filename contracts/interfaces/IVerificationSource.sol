// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title IVerificationSource
/// @notice A verification source of the identity registry: it checks on-chain evidence (ONCHAINID claims, EAS
/// attestations) and writes the packed investor record the transfer path reads.
interface IVerificationSource {
    /// @notice The caller left too little gas for the evaluation's fixed budget (a refresh must not revoke a
    /// record because its caller ran the evaluation short of gas).
    error InsufficientGasForEvaluation(uint256 gasLeft, uint256 needed);
    /// @notice The wallet's record was not written by this source (`source` listed under its id, or zero).
    error RecordNotFromThisSource(address wallet, address source);
    /// @notice The record validity is zero or longer than the registry's `MAX_KYC_VALIDITY`.
    error InvalidMaxRecordValidity(uint40 validity);
    /// @notice The registry address has no code.
    error InvalidRegistry(address registry);

    /// @notice A refresh re-checked the wallet's evidence: `verified` false means the record was revoked.
    event Refreshed(address indexed wallet, address indexed identity, bool verified, uint8 failure);
    /// @notice The longest validity a record written by this source gets changed.
    event MaxRecordValidityChanged(uint40 oldValidity, uint40 newValidity);

    /// @notice Anyone: re-checks the evidence of a wallet whose record this source wrote, and rewrites the record
    /// (fields and expiry from the evidence) or revokes it. Returns whether the record stays verified.
    function refresh(address wallet) external returns (bool verified);

    /// @notice Whether `wallet` of `identity` has valid evidence now, and the record fields it gives; `failure`
    /// is the source's status code of the first failing check (0 when valid). Never reverts on bad evidence.
    function evaluate(
        address wallet,
        address identity
    ) external view returns (bool valid, uint8 failure, uint16 country, uint16 classes, uint40 kycExpiry);

    /// @notice The registry this source writes to.
    function registry() external view returns (address);

    /// @notice The longest validity a record written by this source gets (the evidence's own expiry, if
    /// earlier, wins); a refresh with valid evidence extends it.
    function maxRecordValidity() external view returns (uint40);

    /// @notice Sets {maxRecordValidity}. ISSUER, behind its delay.
    function setMaxRecordValidity(uint40 validity) external;
}
