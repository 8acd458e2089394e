// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {InvestorRecord} from "../identity/InvestorRecord.sol";

/// @title IFundComplianceTypes
/// @notice Errors, events and structs of the fund's compliance (shared by its implementation and extension).
interface IFundComplianceTypes {
    /// @notice Class requirements and the outflow limit: one word.
    struct ClassAndFlow {
        uint16 requiredAll;
        uint16 requiredAny;
        uint16 barred;
        uint96 maxDailyOutflow;
    }

    /// @notice Holding limits and the investor count: one word.
    struct Limits {
        uint96 minHolding;
        uint96 maxHolding;
        uint32 maxInvestors;
        uint32 investorCount;
    }

    /// @notice A lock tranche: shares issued together and their release time.
    struct Tranche {
        uint128 shares;
        uint40 releaseAt;
    }

    /// @notice Per-investor state, aggregated over the investor's wallets.
    struct InvestorState {
        uint120 shares;
        uint96 outflowUsed;
        uint32 outflowUpdatedAt;
        bool counted;
    }

    /// @notice A movement is refused; `restriction` is a TransferRestrictions code.
    error TransferRestricted(uint8 restriction);
    /// @notice Only the bound token may call the hooks.
    error CallerNotBoundToken(address caller);
    /// @notice The ERC-3643 hook `transferred`, `created` or `destroyed` (its selector), called by the bound token:
    /// the fund token records movements with exact shares through the suite's own hooks, so these are refused.
    error UnsupportedHook(bytes4 hook);
    /// @notice A token is already bound, or the address is not a contract.
    error InvalidToken(address token);
    /// @notice The token is not the bound one.
    error TokenNotBound(address token);
    /// @notice The module is the zero address, already bound, refuses to bind, or the module list is full.
    error InvalidModule(address module);
    /// @notice The module is not bound.
    error ModuleNotBound(address module);
    /// @notice The rule flags contain an undefined bit.
    error InvalidRules(uint16 rules);
    /// @notice A rule cannot be enabled (or its parameter cleared) while its parameter is unset.
    error RuleNotConfigured(uint16 rule);
    /// @notice The country mode is neither deny-list nor allow-list.
    error InvalidCountryMode(uint8 mode);
    /// @notice The country is not an ISO-3166 numeric code (1..999).
    error InvalidCountry(uint16 country);
    /// @notice The sanctions oracle does not answer `isSanctioned`.
    error InvalidSanctionsOracle(address oracle);
    /// @notice Undefined class bits, or a class both required and barred.
    error InvalidClassRequirements(uint16 requiredAll, uint16 requiredAny, uint16 barred);
    /// @notice The investor cap is zero.
    error InvalidMaxInvestors(uint32 maxInvestors);
    /// @notice The minimum holding exceeds the maximum, or both are zero while the rule is on.
    error InvalidHoldingLimits(uint96 minHolding, uint96 maxHolding);
    /// @notice The lockup period is zero or too long.
    error InvalidLockPeriod(uint40 period);
    /// @notice The daily outflow limit is zero.
    error InvalidMaxDailyOutflow(uint96 maxDailyOutflow);
    /// @notice The per-investor accounting would go negative: the token and compliance disagree.
    error InvestorSharesUnderflow(address identity, uint256 shares, uint256 removed);
    /// @notice An empty list was given.
    error EmptyList();
    /// @notice The extension address is not a contract.
    error InvalidExtension(address extension);

    /// @notice The set of enabled built-in rules changed.
    event RulesChanged(uint16 oldRules, uint16 newRules);
    /// @notice Countries were listed or unlisted.
    event CountriesListed(uint16[] countries, bool listed);
    /// @notice The country list switched between deny-list and allow-list.
    event CountryModeChanged(uint8 oldMode, uint8 newMode);
    /// @notice Wallets were added to or removed from the internal sanctions list.
    event SanctionsListUpdated(address[] wallets, bool sanctioned);
    /// @notice The external sanctions oracle changed.
    event SanctionsOracleChanged(address oldOracle, address newOracle);
    /// @notice The class requirements changed.
    event ClassRequirementsChanged(
        uint16 oldRequiredAll,
        uint16 newRequiredAll,
        uint16 oldRequiredAny,
        uint16 newRequiredAny,
        uint16 oldBarred,
        uint16 newBarred
    );
    /// @notice The investor cap changed.
    event MaxInvestorsChanged(uint32 oldMax, uint32 newMax);
    /// @notice The holding limits changed.
    event HoldingLimitsChanged(uint96 oldMin, uint96 newMin, uint96 oldMax, uint96 newMax);
    /// @notice The lockup period changed.
    event LockPeriodChanged(uint40 oldPeriod, uint40 newPeriod);
    /// @notice The daily outflow limit changed.
    event MaxDailyOutflowChanged(uint96 oldMax, uint96 newMax);
    /// @notice Newly issued shares were locked for an investor.
    event SharesLocked(address indexed identity, uint256 shares, uint40 releaseAt);
    /// @notice An investor's number of investors counted changed.
    event InvestorCountChanged(uint32 oldCount, uint32 newCount);

    /// @notice A holder's transfer as the token presents it to {checkTransfer}.
    struct Movement {
        address from;
        address to;
        InvestorRecord fromRecord;
        InvestorRecord toRecord;
        uint256 shares;
        uint256 amount;
        uint256 index;
    }
}
