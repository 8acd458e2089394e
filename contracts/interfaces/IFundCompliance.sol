// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IModularCompliance} from "./IModularCompliance.sol";
import {InvestorRecord} from "../identity/InvestorRecord.sol";
import {IFundComplianceTypes} from "./IFundComplianceTypes.sol";

/// @title IFundCompliance
/// @notice The suite's compliance: ERC-3643's modular surface plus built-in rules (country, sanctions, investor
/// class, max investors, holding limits, lockup, daily outflow) kept in one contract so that a transfer pays
/// one external call for all of them, and per-investor accounting in shares (rebase-proof).
/// @dev The implementation is split in two contracts sharing one storage: ModularCompliance (the token's hooks)
/// and ModularComplianceAdmin (configuration, binding, modules, views), reached through ModularCompliance's
/// fallback. This interface is the ABI of the whole compliance.
interface IFundCompliance is IModularCompliance, IFundComplianceTypes {
    /// @notice Checks a holder's transfer against every enabled rule and records it; reverts with
    /// {TransferRestricted} when refused. Token only.
    function checkTransfer(Movement calldata m) external;

    /// @notice Checks an issuance against the recipient rules, records it and locks it when the lockup rule
    /// is on; reverts with {TransferRestricted} when refused. Token only.
    function checkMint(
        address to,
        InvestorRecord toRecord,
        uint256 shares,
        uint256 amount,
        uint256 index
    ) external;

    /// @notice Records a movement made without rule checks (agent forced transfer, burn). `from` or `to` is zero
    /// for an issuance or a burn. External modules are told the token value of the shares moved. Token only.
    function recordMovement(
        address from,
        address to,
        InvestorRecord fromRecord,
        InvestorRecord toRecord,
        uint256 shares
    ) external;

    /// @notice The reason code a transfer (or, with from == 0, an issuance) would be refused with, 0 if allowed;
    /// only the compliance rules, not the token's own checks.
    function detectTransferRestriction(
        address from,
        address to,
        uint256 amount
    ) external view returns (uint8);

    /// @notice The reason code the rules would refuse `from` with as the sender of any transfer (sanctions,
    /// country), 0 if none: the rules that depend neither on the recipient nor on the amount.
    function detectSenderRestriction(address from) external view returns (uint8);

    /// @notice The reason code the rules would refuse `to` with as the recipient of any transfer or issuance
    /// (sanctions, country, investor class), 0 if none: the rules that depend neither on the sender nor on the
    /// amount.
    function detectRecipientRestriction(address to) external view returns (uint8);

    /// @notice Enabled built-in rules (bit flags, see ModularCompliance's RULE_* constants).
    function rules() external view returns (uint16);

    /// @notice Per-investor state.
    function investorState(address identity) external view returns (InvestorState memory);

    /// @notice Shares of `identity` still locked at the current time.
    function lockedShares(address identity) external view returns (uint256);

    /// @notice Number of investors (non-protocol identities) holding shares.
    function investorCount() external view returns (uint32);

    /// @notice Whether `wallet` is on the internal sanctions list or flagged by the sanctions oracle.
    function isSanctioned(address wallet) external view returns (bool);

    /// @notice Enables exactly the given built-in rules. ISSUER.
    function setRules(uint16 newRules) external;

    /// @notice Switches the country list between deny-list (0) and allow-list (1). ISSUER.
    function setCountryMode(uint8 mode) external;

    /// @notice Lists or unlists countries. ISSUER.
    function setCountriesListed(uint16[] calldata countries, bool listed) external;

    /// @notice Adds wallets to or removes them from the internal sanctions list. COMPLIANCE_OFFICER.
    function setSanctioned(address[] calldata wallets, bool sanctioned) external;

    /// @notice Sets or removes the Chainalysis-compatible sanctions oracle. ISSUER.
    function setSanctionsOracle(address oracle) external;

    /// @notice Sets the recipient class requirements. ISSUER.
    function setClassRequirements(uint16 requiredAll, uint16 requiredAny, uint16 barred) external;

    /// @notice Sets the investor cap. ISSUER.
    function setMaxInvestors(uint32 maxInvestors) external;

    /// @notice Sets the holding limits in token units. ISSUER.
    function setHoldingLimits(uint96 minHolding, uint96 maxHolding) external;

    /// @notice Sets the lockup period for future issuances. ISSUER.
    function setLockPeriod(uint40 period) external;

    /// @notice Sets the per-investor outflow limit over a rolling day. ISSUER.
    function setMaxDailyOutflow(uint96 maxDailyOutflow) external;

    /// @notice The country list's mode and whether `country` is listed.
    function countryListing(uint16 country) external view returns (uint8 mode, bool listed);

    /// @notice The sanctions oracle (zero if none).
    function sanctionsOracle() external view returns (address);

    /// @notice The class requirements and the daily outflow limit.
    function classAndFlow() external view returns (ClassAndFlow memory);

    /// @notice The holding limits, the investor cap and the investor count.
    function limits() external view returns (Limits memory);

    /// @notice The lockup period.
    function lockPeriod() external view returns (uint40);

    /// @notice The pending lock tranches of an investor, oldest first.
    function lockTranches(address identity) external view returns (Tranche[] memory);

    /// @notice The contract holding configuration and views, run in the compliance's context.
    function extension() external view returns (address);
}
