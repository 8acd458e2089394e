// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ManagedUpgradeable} from "../governance/ManagedUpgradeable.sol";
import {IFundCompliance} from "../interfaces/IFundCompliance.sol";
import {IModularCompliance} from "../interfaces/IModularCompliance.sol";
import {IComplianceModule} from "../interfaces/IComplianceModule.sol";
import {ISanctionsList} from "../interfaces/ISanctionsList.sol";
import {ISharesToken} from "../interfaces/ISharesToken.sol";
import {IInvestorRegistry} from "../interfaces/IInvestorRegistry.sol";
import {InvestorRecord, InvestorClasses} from "../identity/InvestorRecord.sol";
import {TransferRestrictions as R} from "./TransferRestrictions.sol";
import {ShareMath} from "../token/ShareMath.sol";

/// @notice The token's view of its identity registry, for the ERC-3643 hooks and views.
interface IRegistryHolder {
    function identityRegistry() external view returns (IInvestorRegistry);
}

/// @notice The token's ERC-20 balance view.
interface IERC20Balance {
    function balanceOf(address account) external view returns (uint256);
}

/// @title ModularCompliance
/// @notice Which movements of the fund token are legal. Seven built-in rules, each enabled and configured per
/// fund, plus up to {MAX_MODULES} external ERC-3643 modules:
/// 1. country: allow-list or deny-list of ISO-3166 numeric codes, applied to both parties;
/// 2. sanctions: an internal list kept by the compliance officer plus an optional Chainalysis-style oracle;
///    blocks sending, receiving and issuance;
/// 3. investor class: classes a recipient must have (all of / any of) and classes it must not have;
/// 4. max investors: cap on identities holding shares across all their wallets;
/// 5. holding limits: minimum and maximum position per investor, in live token value (shares x index);
/// 6. lockup: issued shares stay locked for a period; only unlocked shares leave the investor;
/// 7. transfer limit: per-investor outflow cap over a rolling (linearly decaying) day.
/// @dev The rules live in one contract on purpose: a transfer makes one external call for all of them instead
/// of one per module (T-REX's design), and reads at most three configuration words. Per-investor state is kept
/// in shares, so rebases never make it stale. Accounts of the fund (PROTOCOL class) are exempt from every
/// investor rule except sanctions and never count as investors.
contract ModularCompliance is ManagedUpgradeable, IFundCompliance {
    /// @notice Rule flag: country allow/deny list.
    uint16 public constant RULE_COUNTRY = 1 << 0;
    /// @notice Rule flag: sanctions list and oracle.
    uint16 public constant RULE_SANCTIONS = 1 << 1;
    /// @notice Rule flag: investor class requirements.
    uint16 public constant RULE_INVESTOR_CLASS = 1 << 2;
    /// @notice Rule flag: maximum number of investors.
    uint16 public constant RULE_MAX_INVESTORS = 1 << 3;
    /// @notice Rule flag: minimum and maximum holding per investor.
    uint16 public constant RULE_HOLDING_LIMITS = 1 << 4;
    /// @notice Rule flag: lockup of issued shares.
    uint16 public constant RULE_LOCKUP = 1 << 5;
    /// @notice Rule flag: daily outflow limit per investor.
    uint16 public constant RULE_TRANSFER_LIMIT = 1 << 6;
    /// @notice Every rule flag.
    uint16 public constant ALL_RULES = (1 << 7) - 1;

    /// @notice Country mode: listed countries are refused.
    uint8 public constant COUNTRY_DENY_LIST = 0;
    /// @notice Country mode: only listed countries are accepted.
    uint8 public constant COUNTRY_ALLOW_LIST = 1;

    /// @notice Largest number of external modules.
    uint256 public constant MAX_MODULES = 8;
    /// @notice Largest number of pending lock tranches per investor; later issuances merge into the newest.
    uint32 public constant MAX_LOCK_TRANCHES = 32;
    /// @notice Longest lockup period.
    uint40 public constant MAX_LOCK_PERIOD = 10 * 365 days;

    /// @dev Hot configuration word, read by every hook.
    struct Core {
        address token;
        uint16 rules;
        uint8 moduleCount;
        uint8 countryMode;
        bool hasSanctionsOracle;
        uint16 lockEpoch;
        uint40 lockPeriod;
    }

    /// @dev Class requirements and the outflow limit: one word.
    struct ClassAndFlow {
        uint16 requiredAll;
        uint16 requiredAny;
        uint16 barred;
        uint96 maxDailyOutflow;
    }

    /// @dev Holding limits and the investor count: one word.
    struct Limits {
        uint96 minHolding;
        uint96 maxHolding;
        uint32 maxInvestors;
        uint32 investorCount;
    }

    /// @dev Summary of an investor's lock tranches (a FIFO queue, release times non-decreasing).
    struct LockState {
        uint128 lockedShares;
        uint40 nextRelease;
        uint32 head;
        uint32 tail;
        uint16 epoch;
    }

    struct Tranche {
        uint128 shares;
        uint40 releaseAt;
    }

    /// @custom:storage-location erc7201:fundsuite.storage.ModularCompliance
    struct ComplianceStorage {
        Core core;
        ClassAndFlow classAndFlow;
        Limits limits;
        address sanctionsOracle;
        address[] modules;
        mapping(uint256 word => uint256 bits) countryBits;
        mapping(address wallet => bool) sanctioned;
        mapping(address identity => InvestorState) investors;
        mapping(address identity => LockState) locks;
        mapping(address identity => mapping(uint256 => Tranche)) tranches;
    }

    // keccak256(abi.encode(uint256(keccak256("fundsuite.storage.ModularCompliance")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_SLOT =
        0x637e86f7b8f758e96095a0d4bcdf8e3ef79cfa90371dd7b85bb89c732d38d700;

    function _s() private pure returns (ComplianceStorage storage $) {
        assembly {
            $.slot := _STORAGE_SLOT
        }
    }

    /// @notice Initialises the compliance behind its proxy, with no rule enabled and no token bound.
    /// @param authority The suite's AccessManager.
    function initialize(address authority) external initializer {
        __AccessManaged_init(authority);
    }

    // =============================================================== token hooks (fast path)

    /// @inheritdoc IFundCompliance
    function checkTransfer(Movement calldata m) external {
        Core memory c = _onlyToken();
        uint8 code = _checkParties(c, m.from, m.to, m.fromRecord, m.toRecord);
        MoveEval memory e;
        bool changesTotals = _changesTotals(m.fromRecord, m.toRecord);
        if (code == R.NONE && changesTotals) {
            (code, e) = _evalMove(c, m.fromRecord, m.toRecord, m.shares, m.amount, m.index, true);
        }
        if (code == R.NONE && c.moduleCount != 0) code = _modulesCheck(m.from, m.to, m.amount);
        if (code != R.NONE) revert TransferRestricted(code);
        if (changesTotals) _commitMove(c, m.fromRecord, m.toRecord, e);
        if (c.moduleCount != 0) _modulesTransferAction(m.from, m.to, m.amount);
    }

    /// @inheritdoc IFundCompliance
    function checkMint(
        address to,
        InvestorRecord toRecord,
        uint256 shares,
        uint256 amount,
        uint256 index
    ) external {
        Core memory c = _onlyToken();
        uint8 code = _checkRecipient(c, to, toRecord);
        MoveEval memory e;
        if (code == R.NONE) (code, e) = _evalIssue(c, toRecord, shares, index, true);
        if (code == R.NONE && c.moduleCount != 0) code = _modulesCheck(address(0), to, amount);
        if (code != R.NONE) revert TransferRestricted(code);
        _commitIssue(c, toRecord, shares, true, e);
        if (c.moduleCount != 0) _modulesMintAction(to, amount);
    }

    /// @inheritdoc IFundCompliance
    function recordMovement(
        address from,
        address to,
        InvestorRecord fromRecord,
        InvestorRecord toRecord,
        uint256 shares
    ) external {
        Core memory c = _onlyToken();
        _record(c, from, to, fromRecord, toRecord, shares, 0, false);
    }

    // =============================================================== ERC-3643 hooks and views

    /// @notice ERC-3643 hook: records a transfer the token already checked with {canTransfer}.
    /// @param _from Sender wallet.
    /// @param _to Recipient wallet.
    /// @param _amount Token amount (converted to shares at the token's index, rounded up).
    function transferred(address _from, address _to, uint256 _amount) external {
        Core memory c = _onlyToken();
        (InvestorRecord fr, InvestorRecord tr) = _registry(c).transferRecords(_from, _to);
        uint256 shares = ShareMath.toSharesUp(_amount, ISharesToken(c.token).index());
        _record(c, _from, _to, fr, tr, shares, _amount, false);
    }

    /// @notice ERC-3643 hook: records an issuance (locked when the lockup rule is on).
    /// @param _to Recipient wallet.
    /// @param _amount Token amount (converted to shares rounded down).
    function created(address _to, uint256 _amount) external {
        Core memory c = _onlyToken();
        InvestorRecord tr = _registry(c).investorRecord(_to);
        uint256 shares = ShareMath.toSharesDown(_amount, ISharesToken(c.token).index());
        _record(c, address(0), _to, InvestorRecord.wrap(0), tr, shares, _amount, true);
    }

    /// @notice ERC-3643 hook: records a burn.
    /// @param _from Wallet burned from.
    /// @param _amount Token amount (converted to shares rounded up).
    function destroyed(address _from, uint256 _amount) external {
        Core memory c = _onlyToken();
        InvestorRecord fr = _registry(c).investorRecord(_from);
        uint256 shares = ShareMath.toSharesUp(_amount, ISharesToken(c.token).index());
        _record(c, _from, address(0), fr, InvestorRecord.wrap(0), shares, _amount, false);
    }

    /// @notice ERC-3643: whether every compliance rule allows the transfer (with `_from` zero: the issuance).
    /// @param _from Sender wallet, or zero for an issuance.
    /// @param _to Recipient wallet.
    /// @param _amount Token amount.
    function canTransfer(address _from, address _to, uint256 _amount) external view returns (bool) {
        return detectTransferRestriction(_from, _to, _amount) == R.NONE;
    }

    /// @inheritdoc IFundCompliance
    function detectTransferRestriction(
        address from,
        address to,
        uint256 amount
    ) public view returns (uint8 code) {
        Core memory c = _s().core;
        if (c.token == address(0)) revert TokenNotBound(address(0));
        uint256 index = ISharesToken(c.token).index();
        (InvestorRecord fr, InvestorRecord tr) = _registry(c).transferRecords(from, to);
        if (from == address(0)) {
            code = _checkRecipient(c, to, tr);
            if (code == R.NONE)
                (code, ) = _evalIssue(c, tr, ShareMath.toSharesDown(amount, index), index, true);
        } else {
            code = _checkParties(c, from, to, fr, tr);
            if (code == R.NONE && _changesTotals(fr, tr)) {
                // Shares exactly as the token computes them: a whole balance moves all the wallet's shares.
                ISharesToken token = ISharesToken(c.token);
                uint256 shares =
                    amount == IERC20Balance(c.token).balanceOf(from)
                        ? token.sharesOf(from)
                        : ShareMath.toSharesUp(amount, index);
                (code, ) = _evalMove(c, fr, tr, shares, amount, index, true);
            }
        }
        if (code == R.NONE && c.moduleCount != 0) code = _modulesCheck(from, to, amount);
    }

    // =============================================================== binding and modules

    /// @notice Binds the token (once; unbind first to rebind). ISSUER.
    /// @param _token The fund token.
    function bindToken(address _token) external restricted {
        Core storage core = _s().core;
        if (_token == address(0) || _token.code.length == 0 || core.token != address(0))
            revert InvalidToken(_token);
        core.token = _token;
        emit TokenBound(_token);
    }

    /// @notice Unbinds the token. ISSUER.
    /// @param _token The bound token.
    function unbindToken(address _token) external restricted {
        Core storage core = _s().core;
        if (_token == address(0) || core.token != _token) revert TokenNotBound(_token);
        core.token = address(0);
        emit TokenUnbound(_token);
    }

    /// @notice Adds an external ERC-3643 module. ISSUER.
    /// @param _module The module; must accept the binding (`canComplianceBind`).
    function addModule(address _module) external restricted {
        ComplianceStorage storage $ = _s();
        uint256 n = $.modules.length;
        if (_module == address(0) || n >= MAX_MODULES || _isModule(_module)) revert InvalidModule(_module);
        if (
            !IComplianceModule(_module).isPlugAndPlay() &&
            !IComplianceModule(_module).canComplianceBind(address(this))
        ) revert InvalidModule(_module);
        $.modules.push(_module);
        $.core.moduleCount = uint8(n + 1);
        emit ModuleAdded(_module);
    }

    /// @notice Removes an external module. ISSUER.
    /// @param _module A bound module.
    function removeModule(address _module) external restricted {
        ComplianceStorage storage $ = _s();
        address[] storage modules = $.modules;
        uint256 n = modules.length;
        for (uint256 i; i < n; ++i) {
            if (modules[i] == _module) {
                modules[i] = modules[n - 1];
                modules.pop();
                $.core.moduleCount = uint8(n - 1);
                emit ModuleRemoved(_module);
                return;
            }
        }
        revert ModuleNotBound(_module);
    }

    /// @notice Calls a configuration function on a bound module, as this compliance contract. ISSUER.
    /// @param callData The call.
    /// @param _module A bound module.
    function callModuleFunction(bytes calldata callData, address _module) external restricted {
        if (!_isModule(_module)) revert ModuleNotBound(_module);
        Address.functionCall(_module, callData);
        emit ModuleInteraction(_module, bytes4(callData[:4]));
    }

    /// @inheritdoc IModularCompliance
    function getModules() external view returns (address[] memory) {
        return _s().modules;
    }

    /// @inheritdoc IModularCompliance
    function getTokenBound() external view returns (address) {
        return _s().core.token;
    }

    /// @inheritdoc IModularCompliance
    function isModuleBound(address _module) external view returns (bool) {
        return _isModule(_module);
    }

    // =============================================================== rule configuration

    /// @notice Enables exactly the given built-in rules. ISSUER. Each enabled rule must be configured.
    /// @param newRules Bit flags (RULE_*).
    function setRules(uint16 newRules) external restricted {
        ComplianceStorage storage $ = _s();
        if (newRules & ~ALL_RULES != 0) revert InvalidRules(newRules);
        if (newRules & RULE_MAX_INVESTORS != 0 && $.limits.maxInvestors == 0)
            revert RuleNotConfigured(RULE_MAX_INVESTORS);
        if (newRules & RULE_HOLDING_LIMITS != 0 && $.limits.minHolding == 0 && $.limits.maxHolding == 0)
            revert RuleNotConfigured(RULE_HOLDING_LIMITS);
        if (newRules & RULE_LOCKUP != 0 && $.core.lockPeriod == 0) revert RuleNotConfigured(RULE_LOCKUP);
        if (newRules & RULE_TRANSFER_LIMIT != 0 && $.classAndFlow.maxDailyOutflow == 0)
            revert RuleNotConfigured(RULE_TRANSFER_LIMIT);
        Core storage core = $.core;
        uint16 old = core.rules;
        // Turning the lockup off voids every existing lock: a new epoch starts when it is turned on again.
        if (old & RULE_LOCKUP != 0 && newRules & RULE_LOCKUP == 0) core.lockEpoch += 1;
        core.rules = newRules;
        emit RulesChanged(old, newRules);
    }

    /// @notice Switches the country list between deny-list and allow-list. ISSUER.
    /// @param mode COUNTRY_DENY_LIST or COUNTRY_ALLOW_LIST.
    function setCountryMode(uint8 mode) external restricted {
        if (mode > COUNTRY_ALLOW_LIST) revert InvalidCountryMode(mode);
        Core storage core = _s().core;
        emit CountryModeChanged(core.countryMode, mode);
        core.countryMode = mode;
    }

    /// @notice Lists or unlists countries. ISSUER.
    /// @param countries ISO-3166 numeric codes (1..999).
    /// @param listed Whether they are listed.
    function setCountriesListed(uint16[] calldata countries, bool listed) external restricted {
        uint256 n = countries.length;
        if (n == 0) revert EmptyList();
        mapping(uint256 => uint256) storage bits = _s().countryBits;
        for (uint256 i; i < n; ++i) {
            uint16 code = countries[i];
            if (code == 0 || code > 999) revert InvalidCountry(code);
            uint256 mask = 1 << (code & 255);
            if (listed) bits[code >> 8] |= mask;
            else bits[code >> 8] &= ~mask;
        }
        emit CountriesListed(countries, listed);
    }

    /// @notice Adds wallets to or removes them from the internal sanctions list. COMPLIANCE_OFFICER (immediate).
    /// @param wallets The wallets.
    /// @param sanctioned_ Whether they are sanctioned.
    function setSanctioned(address[] calldata wallets, bool sanctioned_) external restricted {
        uint256 n = wallets.length;
        if (n == 0) revert EmptyList();
        mapping(address => bool) storage list = _s().sanctioned;
        for (uint256 i; i < n; ++i) list[wallets[i]] = sanctioned_;
        emit SanctionsListUpdated(wallets, sanctioned_);
    }

    /// @notice Sets (or, with zero, removes) the Chainalysis-compatible sanctions oracle. ISSUER.
    /// @param oracle The oracle; it must answer `isSanctioned`.
    function setSanctionsOracle(address oracle) external restricted {
        ComplianceStorage storage $ = _s();
        if (oracle != address(0)) {
            try ISanctionsList(oracle).isSanctioned(address(0)) returns (bool) {} catch {
                revert InvalidSanctionsOracle(oracle);
            }
        }
        emit SanctionsOracleChanged($.sanctionsOracle, oracle);
        $.sanctionsOracle = oracle;
        $.core.hasSanctionsOracle = oracle != address(0);
    }

    /// @notice Sets the recipient class requirements. ISSUER.
    /// @param requiredAll Classes a recipient must all have.
    /// @param requiredAny Classes of which a recipient must have at least one (0: none required).
    /// @param barred Classes a recipient must not have.
    function setClassRequirements(uint16 requiredAll, uint16 requiredAny, uint16 barred) external restricted {
        if (
            (requiredAll | requiredAny | barred) & ~InvestorClasses.ALL != 0 ||
            (requiredAll | requiredAny) & barred != 0
        ) revert InvalidClassRequirements(requiredAll, requiredAny, barred);
        ClassAndFlow storage cf = _s().classAndFlow;
        emit ClassRequirementsChanged(
            cf.requiredAll,
            requiredAll,
            cf.requiredAny,
            requiredAny,
            cf.barred,
            barred
        );
        (cf.requiredAll, cf.requiredAny, cf.barred) = (requiredAll, requiredAny, barred);
    }

    /// @notice Sets the investor cap. ISSUER.
    /// @param maxInvestors_ Largest number of investors holding shares (> 0).
    function setMaxInvestors(uint32 maxInvestors_) external restricted {
        if (maxInvestors_ == 0) revert InvalidMaxInvestors(maxInvestors_);
        Limits storage lim = _s().limits;
        emit MaxInvestorsChanged(lim.maxInvestors, maxInvestors_);
        lim.maxInvestors = maxInvestors_;
    }

    /// @notice Sets the holding limits, in token units (18 decimals). ISSUER.
    /// @param minHolding Smallest non-zero position (0: none).
    /// @param maxHolding Largest position (0: none).
    function setHoldingLimits(uint96 minHolding, uint96 maxHolding) external restricted {
        if (maxHolding != 0 && minHolding > maxHolding) revert InvalidHoldingLimits(minHolding, maxHolding);
        ComplianceStorage storage $ = _s();
        if (minHolding == 0 && maxHolding == 0 && $.core.rules & RULE_HOLDING_LIMITS != 0)
            revert InvalidHoldingLimits(minHolding, maxHolding);
        Limits storage lim = $.limits;
        emit HoldingLimitsChanged(lim.minHolding, minHolding, lim.maxHolding, maxHolding);
        (lim.minHolding, lim.maxHolding) = (minHolding, maxHolding);
    }

    /// @notice Sets the lockup period applied to future issuances. ISSUER.
    /// @param period Seconds (1..MAX_LOCK_PERIOD).
    function setLockPeriod(uint40 period) external restricted {
        if (period == 0 || period > MAX_LOCK_PERIOD) revert InvalidLockPeriod(period);
        Core storage core = _s().core;
        emit LockPeriodChanged(core.lockPeriod, period);
        core.lockPeriod = period;
    }

    /// @notice Sets the per-investor outflow limit over a rolling day, in token units. ISSUER.
    /// @param maxDailyOutflow_ Limit (> 0).
    function setMaxDailyOutflow(uint96 maxDailyOutflow_) external restricted {
        if (maxDailyOutflow_ == 0) revert InvalidMaxDailyOutflow(maxDailyOutflow_);
        ClassAndFlow storage cf = _s().classAndFlow;
        emit MaxDailyOutflowChanged(cf.maxDailyOutflow, maxDailyOutflow_);
        cf.maxDailyOutflow = maxDailyOutflow_;
    }

    // =============================================================== views

    /// @inheritdoc IFundCompliance
    function rules() external view returns (uint16) {
        return _s().core.rules;
    }

    /// @notice The country list's mode and whether `country` is listed.
    /// @param country ISO-3166 numeric code.
    function countryListing(uint16 country) external view returns (uint8 mode, bool listed) {
        ComplianceStorage storage $ = _s();
        return ($.core.countryMode, _isListed($, country));
    }

    /// @notice The sanctions oracle (zero if none).
    function sanctionsOracle() external view returns (address) {
        return _s().sanctionsOracle;
    }

    /// @notice The class requirements and the daily outflow limit.
    function classAndFlow() external view returns (ClassAndFlow memory) {
        return _s().classAndFlow;
    }

    /// @notice The holding limits, the investor cap and the investor count.
    function limits() external view returns (Limits memory) {
        return _s().limits;
    }

    /// @notice The lockup period.
    function lockPeriod() external view returns (uint40) {
        return _s().core.lockPeriod;
    }

    /// @inheritdoc IFundCompliance
    function investorState(address identity) external view returns (InvestorState memory) {
        return _s().investors[identity];
    }

    /// @inheritdoc IFundCompliance
    function lockedShares(address identity) external view returns (uint256 locked) {
        ComplianceStorage storage $ = _s();
        (locked, ) = _lockedNow($, $.core, identity);
    }

    /// @notice The pending lock tranches of an investor, oldest first.
    /// @param identity The investor identity.
    function lockTranches(address identity) external view returns (Tranche[] memory list) {
        ComplianceStorage storage $ = _s();
        LockState memory lock = $.locks[identity];
        if (lock.epoch != $.core.lockEpoch) return list;
        list = new Tranche[](lock.tail - lock.head);
        for (uint32 i = lock.head; i < lock.tail; ++i) list[i - lock.head] = $.tranches[identity][i];
    }

    /// @inheritdoc IFundCompliance
    function investorCount() external view returns (uint32) {
        return _s().limits.investorCount;
    }

    /// @inheritdoc IFundCompliance
    function isSanctioned(address wallet) public view returns (bool) {
        ComplianceStorage storage $ = _s();
        if ($.sanctioned[wallet]) return true;
        address oracle = $.sanctionsOracle;
        return oracle != address(0) && ISanctionsList(oracle).isSanctioned(wallet);
    }

    // =============================================================== rule evaluation

    function _onlyToken() private view returns (Core memory c) {
        c = _s().core;
        if (msg.sender != c.token || c.token == address(0)) revert CallerNotBoundToken(msg.sender);
    }

    function _registry(Core memory c) private view returns (IInvestorRegistry) {
        return IRegistryHolder(c.token).identityRegistry();
    }

    /// @dev Sender-side and recipient-side party rules of a holder's transfer.
    function _checkParties(
        Core memory c,
        address from,
        address to,
        InvestorRecord fr,
        InvestorRecord tr
    ) private view returns (uint8) {
        uint16 r = c.rules;
        ComplianceStorage storage $ = _s();
        if (r & RULE_SANCTIONS != 0 && _sanctioned($, c, from)) return R.SENDER_SANCTIONED;
        if (r & RULE_COUNTRY != 0 && !fr.isProtocol() && !_countryAllowed($, c, fr.country()))
            return R.SENDER_COUNTRY_RESTRICTED;
        return _checkRecipient(c, to, tr);
    }

    /// @dev Recipient rules that do not depend on amounts: sanctions, country, class.
    function _checkRecipient(Core memory c, address to, InvestorRecord tr) private view returns (uint8) {
        uint16 r = c.rules;
        ComplianceStorage storage $ = _s();
        if (r & RULE_SANCTIONS != 0 && _sanctioned($, c, to)) return R.RECIPIENT_SANCTIONED;
        if (tr.isProtocol()) return R.NONE;
        if (r & RULE_COUNTRY != 0 && !_countryAllowed($, c, tr.country()))
            return R.RECIPIENT_COUNTRY_RESTRICTED;
        if (r & RULE_INVESTOR_CLASS != 0) {
            ClassAndFlow memory cf = $.classAndFlow;
            uint16 classes = tr.classes();
            if (classes & cf.barred != 0) return R.RECIPIENT_CLASS_BARRED;
            if (classes & cf.requiredAll != cf.requiredAll) return R.RECIPIENT_CLASS_MISSING;
            if (cf.requiredAny != 0 && classes & cf.requiredAny == 0) return R.RECIPIENT_CLASS_MISSING;
        }
        return R.NONE;
    }

    function _sanctioned(
        ComplianceStorage storage $,
        Core memory c,
        address wallet
    ) private view returns (bool) {
        if ($.sanctioned[wallet]) return true;
        return c.hasSanctionsOracle && ISanctionsList($.sanctionsOracle).isSanctioned(wallet);
    }

    function _isListed(ComplianceStorage storage $, uint16 country) private view returns (bool) {
        return ($.countryBits[country >> 8] >> (country & 255)) & 1 == 1;
    }

    function _countryAllowed(
        ComplianceStorage storage $,
        Core memory c,
        uint16 country
    ) private view returns (bool) {
        return _isListed($, country) == (c.countryMode == COUNTRY_ALLOW_LIST);
    }

    /// @dev Outcome of evaluating a movement between two investors' totals, written by {_commitMove}.
    struct MoveEval {
        InvestorState f;
        InvestorState t;
        uint32 oldCount;
        uint32 newCount;
        bool releaseLocks;
    }

    /// @dev Evaluates moving `shares` from one investor's total to another's, enforcing the amount rules
    /// when `enforce`. Returns a restriction code; the new state is in `e` (meaningful only when the code is 0).
    function _evalMove(
        Core memory c,
        InvestorRecord fr,
        InvestorRecord tr,
        uint256 shares,
        uint256 amount,
        uint256 index,
        bool enforce
    ) private view returns (uint8 code, MoveEval memory e) {
        ComplianceStorage storage $ = _s();
        bool fromInvestor = !fr.isProtocol();
        bool toInvestor = !tr.isProtocol();
        if (fromInvestor) {
            e.f = $.investors[fr.identity()];
            if (e.f.shares < shares) return (R.INSUFFICIENT_BALANCE, e);
            if (enforce) {
                code = _enforceSender(c, fr.identity(), e, shares, amount);
                if (code != R.NONE) return (code, e);
            }
            e.f.shares -= uint120(shares);
        }
        if (toInvestor) {
            e.t = $.investors[tr.identity()];
            e.t.shares += uint120(shares);
        }
        return (_evalPositions(c.rules, fromInvestor, toInvestor, e, index, enforce), e);
    }

    /// @dev Lockup and daily outflow of a sending investor; updates the outflow in `e`.
    function _enforceSender(
        Core memory c,
        address fromId,
        MoveEval memory e,
        uint256 shares,
        uint256 amount
    ) private view returns (uint8) {
        ComplianceStorage storage $ = _s();
        if (c.rules & RULE_LOCKUP != 0) {
            uint256 locked;
            (locked, e.releaseLocks) = _lockedNow($, c, fromId);
            if (e.f.shares - shares < locked) return R.TOKENS_LOCKED;
        }
        if (c.rules & RULE_TRANSFER_LIMIT != 0) {
            uint256 maxFlow = $.classAndFlow.maxDailyOutflow;
            uint256 used = _decayedOutflow(e.f, maxFlow) + amount;
            if (used > maxFlow) return R.DAILY_OUTFLOW_EXCEEDED;
            e.f.outflowUsed = uint96(used);
            e.f.outflowUpdatedAt = uint32(block.timestamp);
        }
        return R.NONE;
    }

    /// @dev Holding limits on the new positions and the investor count, after the shares moved in `e`.
    function _evalPositions(
        uint16 rules_,
        bool fromInvestor,
        bool toInvestor,
        MoveEval memory e,
        uint256 index,
        bool enforce
    ) private view returns (uint8) {
        uint16 r = enforce ? rules_ : 0;
        Limits memory lim;
        bool limitsRead;
        if (r & RULE_HOLDING_LIMITS != 0) {
            lim = _s().limits;
            limitsRead = true;
            if (fromInvestor) {
                uint256 remaining = ShareMath.toAmount(e.f.shares, index);
                if (remaining != 0 && remaining < lim.minHolding) return R.SENDER_BELOW_MIN_HOLDING;
            }
            if (toInvestor) {
                uint8 code = _checkPosition(lim, e.t.shares, index);
                if (code != R.NONE) return code;
            }
        }
        bool leaves = e.f.counted && e.f.shares == 0;
        bool joins = !e.t.counted && toInvestor && e.t.shares != 0;
        if (leaves || joins) {
            if (!limitsRead) lim = _s().limits;
            e.oldCount = lim.investorCount;
            e.newCount = lim.investorCount;
            if (leaves) {
                e.f.counted = false;
                e.newCount -= 1;
            }
            if (joins) {
                e.t.counted = true;
                e.newCount += 1;
                if (r & RULE_MAX_INVESTORS != 0 && e.newCount > lim.maxInvestors)
                    return R.MAX_INVESTORS_REACHED;
            }
        }
        return R.NONE;
    }

    function _commitMove(Core memory c, InvestorRecord fr, InvestorRecord tr, MoveEval memory e) private {
        ComplianceStorage storage $ = _s();
        if (!fr.isProtocol()) $.investors[fr.identity()] = e.f;
        if (!tr.isProtocol()) $.investors[tr.identity()] = e.t;
        if (e.oldCount != e.newCount) _setInvestorCount($, e.oldCount, e.newCount);
        if (e.releaseLocks) _releaseLocks(c, fr.identity());
    }

    /// @dev Evaluates adding issued shares to an investor's total, enforcing the recipient amount rules
    /// when `enforce`.
    function _evalIssue(
        Core memory c,
        InvestorRecord tr,
        uint256 shares,
        uint256 index,
        bool enforce
    ) private view returns (uint8, MoveEval memory e) {
        // Accounts of the fund are not investors: no per-investor accounting, no investor rule.
        if (tr.isProtocol()) return (R.NONE, e);
        ComplianceStorage storage $ = _s();
        e.t = $.investors[tr.identity()];
        e.t.shares += uint120(shares);
        bool toInvestor = true;
        uint16 r = enforce ? c.rules : 0;
        Limits memory lim;
        bool limitsRead;
        if (toInvestor && r & RULE_HOLDING_LIMITS != 0) {
            lim = $.limits;
            limitsRead = true;
            uint8 code = _checkPosition(lim, e.t.shares, index);
            if (code != R.NONE) return (code, e);
        }
        if (!e.t.counted && toInvestor && e.t.shares != 0) {
            if (!limitsRead) lim = $.limits;
            e.t.counted = true;
            e.oldCount = lim.investorCount;
            e.newCount = lim.investorCount + 1;
            if (r & RULE_MAX_INVESTORS != 0 && e.newCount > lim.maxInvestors)
                return (R.MAX_INVESTORS_REACHED, e);
        }
        return (R.NONE, e);
    }

    function _commitIssue(
        Core memory c,
        InvestorRecord tr,
        uint256 shares,
        bool lockIt,
        MoveEval memory e
    ) private {
        if (tr.isProtocol()) return;
        ComplianceStorage storage $ = _s();
        address toId = tr.identity();
        $.investors[toId] = e.t;
        if (e.oldCount != e.newCount) _setInvestorCount($, e.oldCount, e.newCount);
        if (lockIt && shares != 0 && c.rules & RULE_LOCKUP != 0) _lock(c, toId, shares);
    }

    function _checkPosition(Limits memory lim, uint256 shares, uint256 index) private pure returns (uint8) {
        uint256 position = ShareMath.toAmount(shares, index);
        if (position < lim.minHolding) return R.RECIPIENT_BELOW_MIN_HOLDING;
        if (lim.maxHolding != 0 && position > lim.maxHolding) return R.RECIPIENT_ABOVE_MAX_HOLDING;
        return R.NONE;
    }

    /// @dev Records a movement without enforcing rules (forced transfer, burn, issuance through the ERC-3643
    /// hook or the fee). A burn or forced transfer that takes locked shares consumes the oldest tranches.
    function _record(
        Core memory c,
        address from,
        address to,
        InvestorRecord fr,
        InvestorRecord tr,
        uint256 shares,
        uint256 amount,
        bool lockIssuance
    ) private {
        MoveEval memory e;
        if (from == address(0)) {
            (, e) = _evalIssue(c, tr, shares, 0, false);
            _commitIssue(c, tr, shares, lockIssuance, e);
            if (c.moduleCount != 0) _modulesMintAction(to, amount);
            return;
        }
        ComplianceStorage storage $ = _s();
        address fromId = fr.identity();
        if (to == address(0)) {
            if (fr.isProtocol()) {
                if (c.moduleCount != 0) _modulesBurnAction(from, amount);
                return;
            }
            InvestorState storage f = $.investors[fromId];
            if (f.shares < shares) revert InvestorSharesUnderflow(fromId, f.shares, shares);
            f.shares -= uint120(shares);
            if (f.counted && f.shares == 0) {
                f.counted = false;
                uint32 count = $.limits.investorCount;
                _setInvestorCount($, count, count - 1);
            }
            _clampLocks(c, fromId, f.shares);
            if (c.moduleCount != 0) _modulesBurnAction(from, amount);
            return;
        }
        if (_changesTotals(fr, tr)) {
            uint8 code;
            (code, e) = _evalMove(c, fr, tr, shares, amount, 0, false);
            if (code != R.NONE) revert InvestorSharesUnderflow(fromId, e.f.shares, shares);
            _commitMove(c, fr, tr, e);
            if (!fr.isProtocol()) _clampLocks(c, fromId, e.f.shares);
        }
        if (c.moduleCount != 0) _modulesTransferAction(from, to, amount);
    }

    /// @dev Whether a movement changes any investor total: not between wallets of one investor, not between
    /// accounts of the fund.
    function _changesTotals(InvestorRecord fr, InvestorRecord tr) private pure returns (bool) {
        bool fromInvestor = !fr.isProtocol();
        bool toInvestor = !tr.isProtocol();
        if (fromInvestor && toInvestor) return fr.identity() != tr.identity();
        return fromInvestor || toInvestor;
    }

    function _setInvestorCount(ComplianceStorage storage $, uint32 oldCount, uint32 newCount) private {
        $.limits.investorCount = newCount;
        emit InvestorCountChanged(oldCount, newCount);
    }

    /// @dev Outflow still counted against the limit: it decays linearly to zero over one day.
    function _decayedOutflow(InvestorState memory f, uint256 maxFlow) private view returns (uint256) {
        uint256 decay = (maxFlow * (block.timestamp - f.outflowUpdatedAt)) / 1 days;
        return f.outflowUsed > decay ? f.outflowUsed - decay : 0;
    }

    // =============================================================== lockup

    /// @dev Shares of `identity` locked now, and whether matured tranches are waiting to be released.
    function _lockedNow(
        ComplianceStorage storage $,
        Core memory c,
        address identity
    ) private view returns (uint256 locked, bool matured) {
        LockState memory lock = $.locks[identity];
        if (lock.epoch != c.lockEpoch || lock.lockedShares == 0) return (0, false);
        if (lock.nextRelease > block.timestamp) return (lock.lockedShares, false);
        mapping(uint256 => Tranche) storage queue = $.tranches[identity];
        locked = lock.lockedShares;
        for (uint32 i = lock.head; i < lock.tail; ++i) {
            Tranche memory t = queue[i];
            if (t.releaseAt > block.timestamp) break;
            locked -= t.shares;
        }
        return (locked, true);
    }

    /// @dev Removes matured tranches from storage; returns the current lock state (fresh for a stale epoch).
    function _releaseLocks(Core memory c, address identity) private returns (LockState memory lock) {
        ComplianceStorage storage $ = _s();
        lock = $.locks[identity];
        if (lock.epoch != c.lockEpoch) return LockState(0, 0, 0, 0, c.lockEpoch);
        if (lock.lockedShares == 0 || lock.nextRelease > block.timestamp) return lock;
        mapping(uint256 => Tranche) storage queue = $.tranches[identity];
        while (lock.head < lock.tail) {
            Tranche memory t = queue[lock.head];
            if (t.releaseAt > block.timestamp) break;
            lock.lockedShares -= t.shares;
            delete queue[lock.head];
            lock.head += 1;
        }
        lock.nextRelease = lock.head < lock.tail ? queue[lock.head].releaseAt : 0;
        $.locks[identity] = lock;
    }

    function _lock(Core memory c, address identity, uint256 shares) private {
        ComplianceStorage storage $ = _s();
        LockState memory lock = _releaseLocks(c, identity);
        uint40 releaseAt = uint40(block.timestamp) + c.lockPeriod;
        mapping(uint256 => Tranche) storage queue = $.tranches[identity];
        if (lock.tail > lock.head) {
            Tranche storage last = queue[lock.tail - 1];
            // Same-day issuances, and any issuance once the queue is full, join the newest tranche; its
            // release moves to the later time, so merging never shortens a lock.
            if (last.releaseAt / 1 days == releaseAt / 1 days || lock.tail - lock.head >= MAX_LOCK_TRANCHES) {
                last.shares += uint128(shares);
                if (releaseAt > last.releaseAt) last.releaseAt = releaseAt;
                lock.lockedShares += uint128(shares);
                $.locks[identity] = lock;
                emit SharesLocked(identity, shares, last.releaseAt);
                return;
            }
        }
        queue[lock.tail] = Tranche(uint128(shares), releaseAt);
        if (lock.head == lock.tail) lock.nextRelease = releaseAt;
        lock.tail += 1;
        lock.lockedShares += uint128(shares);
        $.locks[identity] = lock;
        emit SharesLocked(identity, shares, releaseAt);
    }

    /// @dev After shares left an investor without checks, keeps the locked amount within what remains by
    /// consuming the oldest tranches first.
    function _clampLocks(Core memory c, address identity, uint256 remaining) private {
        if (c.rules & RULE_LOCKUP == 0) return;
        LockState memory lock = _releaseLocks(c, identity);
        uint256 locked = lock.lockedShares;
        if (locked <= remaining) return;
        ComplianceStorage storage $ = _s();
        mapping(uint256 => Tranche) storage queue = $.tranches[identity];
        uint256 excess = locked - remaining;
        while (excess != 0) {
            Tranche storage t = queue[lock.head];
            uint128 take = t.shares > excess ? uint128(excess) : t.shares;
            t.shares -= take;
            lock.lockedShares -= take;
            excess -= take;
            if (t.shares == 0) {
                delete queue[lock.head];
                lock.head += 1;
            }
        }
        lock.nextRelease = lock.head < lock.tail ? queue[lock.head].releaseAt : 0;
        $.locks[identity] = lock;
    }

    // =============================================================== external modules

    function _isModule(address module) private view returns (bool) {
        address[] storage modules = _s().modules;
        uint256 n = modules.length;
        for (uint256 i; i < n; ++i) if (modules[i] == module) return true;
        return false;
    }

    function _modulesCheck(address from, address to, uint256 amount) private view returns (uint8) {
        address[] storage modules = _s().modules;
        uint256 n = modules.length;
        for (uint256 i; i < n; ++i) {
            if (!IComplianceModule(modules[i]).moduleCheck(from, to, amount, address(this)))
                return R.MODULE_REFUSED;
        }
        return R.NONE;
    }

    function _modulesTransferAction(address from, address to, uint256 amount) private {
        address[] storage modules = _s().modules;
        uint256 n = modules.length;
        for (uint256 i; i < n; ++i) IComplianceModule(modules[i]).moduleTransferAction(from, to, amount);
    }

    function _modulesMintAction(address to, uint256 amount) private {
        address[] storage modules = _s().modules;
        uint256 n = modules.length;
        for (uint256 i; i < n; ++i) IComplianceModule(modules[i]).moduleMintAction(to, amount);
    }

    function _modulesBurnAction(address from, uint256 amount) private {
        address[] storage modules = _s().modules;
        uint256 n = modules.length;
        for (uint256 i; i < n; ++i) IComplianceModule(modules[i]).moduleBurnAction(from, amount);
    }
}
