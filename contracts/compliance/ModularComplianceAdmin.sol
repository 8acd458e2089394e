// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {IModularCompliance} from "../interfaces/IModularCompliance.sol";
import {IComplianceModule} from "../interfaces/IComplianceModule.sol";
import {ISanctionsList} from "../interfaces/ISanctionsList.sol";
import {ISharesToken} from "../interfaces/ISharesToken.sol";
import {InvestorRecord, InvestorClasses} from "../identity/InvestorRecord.sol";
import {TransferRestrictions as R} from "./TransferRestrictions.sol";
import {ShareMath} from "../token/ShareMath.sol";
import {ComplianceBase} from "./ComplianceBase.sol";

/// @notice The token's ERC-20 balance view.
interface IERC20Balance {
    function balanceOf(address account) external view returns (uint256);
}

/// @title ModularComplianceAdmin
/// @notice The compliance's binding, external modules, rule configuration, the ERC-3643 generic hooks (refused:
/// the token never calls them) and the views that explain a refusal. Reached only through ModularCompliance's fallback (delegatecall), so it runs
/// in the compliance proxy's storage and authority.
/// @dev Has no state of its own; called directly, its restricted functions revert (no authority).
contract ModularComplianceAdmin is ComplianceBase {
    // =============================================================== ERC-3643 hooks and views

    /// @notice ERC-3643 hook the fund token never calls: refused with UnsupportedHook to the bound token, and with
    /// CallerNotBoundToken to anyone else, like every hook. The token records every movement with exact shares
    /// through checkTransfer, checkMint and recordMovement; an amount-based record (converted to shares at the
    /// index, with its own rounding) could only put the investors' totals out of step with the token's balances.
    function transferred(address, address, uint256) external view {
        _onlyToken();
        revert UnsupportedHook(IModularCompliance.transferred.selector);
    }

    /// @notice ERC-3643 hook the fund token never calls (it uses checkMint): refused like {transferred}.
    function created(address, uint256) external view {
        _onlyToken();
        revert UnsupportedHook(IModularCompliance.created.selector);
    }

    /// @notice ERC-3643 hook the fund token never calls (it uses recordMovement): refused like {transferred}.
    function destroyed(address, uint256) external view {
        _onlyToken();
        revert UnsupportedHook(IModularCompliance.destroyed.selector);
    }

    /// @notice ERC-3643: whether every compliance rule allows the transfer (with `_from` zero: the issuance).
    /// @param _from Sender wallet, or zero for an issuance.
    /// @param _to Recipient wallet.
    /// @param _amount Token amount.
    function canTransfer(address _from, address _to, uint256 _amount) external view returns (bool) {
        return detectTransferRestriction(_from, _to, _amount) == R.NONE;
    }

    /// @notice The reason code (TransferRestrictions) a transfer, or with `from` zero an issuance, would be refused
    /// with by the compliance rules; 0 if allowed.
    /// @param from Sender wallet, or zero.
    /// @param to Recipient wallet.
    /// @param amount Token amount.
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
            // A zero amount moves no share (checkTransfer applies no amount rule to it).
            if (code == R.NONE && amount != 0 && _changesTotals(fr, tr)) {
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

    /// @notice The reason code (TransferRestrictions) the compliance rules would refuse `from` with as the sender
    /// of any transfer, whatever the recipient and the amount (sanctions, country); 0 if none. The token's
    /// ERC-7943 `canSend` asks it. Amount rules (lockup, daily outflow, holding limits) and external modules
    /// depend on the transfer: {detectTransferRestriction}.
    /// @param from The wallet.
    function detectSenderRestriction(address from) external view returns (uint8) {
        Core memory c = _s().core;
        if (c.token == address(0)) revert TokenNotBound(address(0));
        return _checkSender(c, from, _registry(c).investorRecord(from));
    }

    /// @notice The reason code (TransferRestrictions) the compliance rules would refuse `to` with as the recipient
    /// of any transfer or issuance, whatever the sender and the amount (sanctions, country, investor class;
    /// PROTOCOL accounts only the sanctions); 0 if none. The token's ERC-7943 `canReceive` asks it.
    /// @param to The wallet.
    function detectRecipientRestriction(address to) external view returns (uint8) {
        Core memory c = _s().core;
        if (c.token == address(0)) revert TokenNotBound(address(0));
        return _checkRecipient(c, to, _registry(c).investorRecord(to));
    }

    // =============================================================== binding and modules

    /// @notice Binds the token (once; unbind first to rebind). ISSUER.
    /// @param _token The fund token.
    function bindToken(address _token) external restricted {
        Core storage core = _s().core;
        if (_token == address(0) || _token.code.length == 0 || core.token != address(0))
            revert InvalidToken(_token);
        core.token = _token;
        emit IModularCompliance.TokenBound(_token);
    }

    /// @notice Unbinds the token. ISSUER.
    /// @param _token The bound token.
    function unbindToken(address _token) external restricted {
        Core storage core = _s().core;
        if (_token == address(0) || core.token != _token) revert TokenNotBound(_token);
        core.token = address(0);
        emit IModularCompliance.TokenUnbound(_token);
    }

    /// @notice Adds an external ERC-3643 module. ISSUER.
    /// @param _module The module: plug and play (`isPlugAndPlay`) or accepting the binding (`canComplianceBind`).
    function addModule(address _module) external restricted {
        ComplianceStorage storage $ = _s();
        uint256 n = $.modules.length;
        if (_module == address(0) || n >= MAX_MODULES || _isModule(_module)) revert InvalidModule(_module);
        if (
            !_answersTrue(_module, abi.encodeCall(IComplianceModule.isPlugAndPlay, ())) &&
            !_answersTrue(_module, abi.encodeCall(IComplianceModule.canComplianceBind, (address(this))))
        ) revert InvalidModule(_module);
        $.modules.push(_module);
        $.core.moduleCount = uint8(n + 1);
        emit IModularCompliance.ModuleAdded(_module);
    }

    /// @dev Whether `target` answers the static call `data` with true. Low-level: a high-level call cannot catch
    /// an address without code or an answer that does not decode (both revert in this frame, without a reason).
    function _answersTrue(address target, bytes memory data) private view returns (bool) {
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory answer) = target.staticcall(data);
        return ok && answer.length >= 32 && abi.decode(answer, (uint256)) == 1;
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
                emit IModularCompliance.ModuleRemoved(_module);
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
        emit IModularCompliance.ModuleInteraction(_module, bytes4(callData[:4]));
    }

    /// @notice The external modules.
    function getModules() external view returns (address[] memory) {
        return _s().modules;
    }

    /// @notice The bound token.
    function getTokenBound() external view returns (address) {
        return _s().core.token;
    }

    /// @notice Whether `_module` is bound.
    /// @param _module The module.
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
            // A low-level static call: a high-level `try` cannot catch an address without code or an answer that
            // does not decode as a bool (both revert in this frame, without a reason).
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory answer) = oracle.staticcall(
                abi.encodeCall(ISanctionsList.isSanctioned, (address(0)))
            );
            if (!ok || answer.length < 32 || abi.decode(answer, (uint256)) > 1)
                revert InvalidSanctionsOracle(oracle);
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

    /// @notice Shares of `identity` still locked now.
    /// @param identity The investor identity.
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
}
