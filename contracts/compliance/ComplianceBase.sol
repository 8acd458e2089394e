// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {IFundComplianceTypes} from "../interfaces/IFundComplianceTypes.sol";
import {IComplianceModule} from "../interfaces/IComplianceModule.sol";
import {ISanctionsList} from "../interfaces/ISanctionsList.sol";
import {IInvestorRegistry} from "../interfaces/IInvestorRegistry.sol";
import {InvestorRecord} from "../identity/InvestorRecord.sol";
import {TransferRestrictions as R} from "./TransferRestrictions.sol";
import {ShareMath} from "../token/ShareMath.sol";

/// @notice The token's view of its identity registry, for the views.
interface IRegistryHolder {
    function identityRegistry() external view returns (IInvestorRegistry);
}

/// @title ComplianceBase
/// @notice Storage and rule engine of the fund's compliance, shared by ModularCompliance (the proxy's
/// implementation: the token's hooks) and ModularComplianceAdmin (its extension: configuration and views).
/// @dev The seven built-in rules live in one contract on purpose: a transfer makes one external call for all of
/// them instead of one per module (T-REX's design), and reads at most three configuration words. Per-investor
/// state is kept in shares, so rebases never make it stale. Accounts of the fund (PROTOCOL class) are exempt
/// from every investor rule except sanctions, never count as investors and have no per-investor accounting.
abstract contract ComplianceBase is AccessManagedUpgradeable, IFundComplianceTypes {
    /// @notice Rule flag: country allow/deny list.
    uint16 internal constant RULE_COUNTRY = 1 << 0;
    /// @notice Rule flag: sanctions list and oracle.
    uint16 internal constant RULE_SANCTIONS = 1 << 1;
    /// @notice Rule flag: investor class requirements.
    uint16 internal constant RULE_INVESTOR_CLASS = 1 << 2;
    /// @notice Rule flag: maximum number of investors.
    uint16 internal constant RULE_MAX_INVESTORS = 1 << 3;
    /// @notice Rule flag: minimum and maximum holding per investor.
    uint16 internal constant RULE_HOLDING_LIMITS = 1 << 4;
    /// @notice Rule flag: lockup of issued shares.
    uint16 internal constant RULE_LOCKUP = 1 << 5;
    /// @notice Rule flag: daily outflow limit per investor.
    uint16 internal constant RULE_TRANSFER_LIMIT = 1 << 6;
    /// @notice Every rule flag.
    uint16 internal constant ALL_RULES = (1 << 7) - 1;

    /// @notice Country mode: listed countries are refused.
    uint8 internal constant COUNTRY_DENY_LIST = 0;
    /// @notice Country mode: only listed countries are accepted.
    uint8 internal constant COUNTRY_ALLOW_LIST = 1;

    /// @notice Largest number of external modules.
    uint256 internal constant MAX_MODULES = 8;
    /// @notice Largest number of pending lock tranches per investor; later issuances merge into the newest.
    uint32 internal constant MAX_LOCK_TRANCHES = 32;
    /// @notice Longest lockup period.
    uint40 internal constant MAX_LOCK_PERIOD = 10 * 365 days;

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

    /// @dev Summary of an investor's lock tranches (a FIFO queue, release times non-decreasing).
    struct LockState {
        uint128 lockedShares;
        uint40 nextRelease;
        uint32 head;
        uint32 tail;
        uint16 epoch;
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

    function _s() internal pure returns (ComplianceStorage storage $) {
        assembly {
            $.slot := _STORAGE_SLOT
        }
    }

    // =============================================================== rule evaluation

    function _onlyToken() internal view returns (Core memory c) {
        c = _s().core;
        if (msg.sender != c.token || c.token == address(0)) revert CallerNotBoundToken(msg.sender);
    }

    function _registry(Core memory c) internal view returns (IInvestorRegistry) {
        return IRegistryHolder(c.token).identityRegistry();
    }

    /// @dev Sender-side and recipient-side party rules of a holder's transfer.
    function _checkParties(
        Core memory c,
        address from,
        address to,
        InvestorRecord fr,
        InvestorRecord tr
    ) internal view returns (uint8) {
        uint8 code = _checkSender(c, from, fr);
        return code != R.NONE ? code : _checkRecipient(c, to, tr);
    }

    /// @dev Sender rules that do not depend on amounts or on the counterparty: sanctions, country.
    function _checkSender(Core memory c, address from, InvestorRecord fr) internal view returns (uint8) {
        uint16 r = c.rules;
        ComplianceStorage storage $ = _s();
        if (r & RULE_SANCTIONS != 0 && _sanctioned($, c, from)) return R.SENDER_SANCTIONED;
        if (r & RULE_COUNTRY != 0 && !fr.isProtocol() && !_countryAllowed($, c, fr.country()))
            return R.SENDER_COUNTRY_RESTRICTED;
        return R.NONE;
    }

    /// @dev Recipient rules that do not depend on amounts: sanctions, country, class.
    function _checkRecipient(Core memory c, address to, InvestorRecord tr) internal view returns (uint8) {
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
    ) internal view returns (bool) {
        if ($.sanctioned[wallet]) return true;
        return c.hasSanctionsOracle && ISanctionsList($.sanctionsOracle).isSanctioned(wallet);
    }

    function _isListed(ComplianceStorage storage $, uint16 country) internal view returns (bool) {
        return ($.countryBits[country >> 8] >> (country & 255)) & 1 == 1;
    }

    function _countryAllowed(
        ComplianceStorage storage $,
        Core memory c,
        uint16 country
    ) internal view returns (bool) {
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
    ) internal view returns (uint8 code, MoveEval memory e) {
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
    ) internal view returns (uint8) {
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
    ) internal view returns (uint8) {
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

    function _commitMove(Core memory c, InvestorRecord fr, InvestorRecord tr, MoveEval memory e) internal {
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
    ) internal view returns (uint8, MoveEval memory e) {
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
    ) internal {
        if (tr.isProtocol()) return;
        ComplianceStorage storage $ = _s();
        address toId = tr.identity();
        $.investors[toId] = e.t;
        if (e.oldCount != e.newCount) _setInvestorCount($, e.oldCount, e.newCount);
        if (lockIt && shares != 0 && c.rules & RULE_LOCKUP != 0) _lock(c, toId, shares);
    }

    function _checkPosition(Limits memory lim, uint256 shares, uint256 index) internal pure returns (uint8) {
        uint256 position = ShareMath.toAmount(shares, index);
        if (position < lim.minHolding) return R.RECIPIENT_BELOW_MIN_HOLDING;
        if (lim.maxHolding != 0 && position > lim.maxHolding) return R.RECIPIENT_ABOVE_MAX_HOLDING;
        return R.NONE;
    }

    /// @dev Records a movement without enforcing rules (forced transfer, burn; an issuance when `from` is zero,
    /// which the token never reports through recordMovement). The accrual's fee issuance is not recorded: the fee wallet is a PROTOCOL account. A burn or forced transfer that takes locked shares consumes the oldest tranches.
    function _record(
        Core memory c,
        address from,
        address to,
        InvestorRecord fr,
        InvestorRecord tr,
        uint256 shares,
        uint256 amount,
        bool lockIssuance
    ) internal {
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
    function _changesTotals(InvestorRecord fr, InvestorRecord tr) internal pure returns (bool) {
        bool fromInvestor = !fr.isProtocol();
        bool toInvestor = !tr.isProtocol();
        if (fromInvestor && toInvestor) return fr.identity() != tr.identity();
        return fromInvestor || toInvestor;
    }

    function _setInvestorCount(ComplianceStorage storage $, uint32 oldCount, uint32 newCount) internal {
        $.limits.investorCount = newCount;
        emit InvestorCountChanged(oldCount, newCount);
    }

    /// @dev Outflow still counted against the limit: it decays linearly to zero over one day.
    function _decayedOutflow(InvestorState memory f, uint256 maxFlow) internal view returns (uint256) {
        uint256 decay = (maxFlow * (block.timestamp - f.outflowUpdatedAt)) / 1 days;
        return f.outflowUsed > decay ? f.outflowUsed - decay : 0;
    }

    // =============================================================== lockup

    /// @dev Shares of `identity` locked now, and whether matured tranches are waiting to be released.
    function _lockedNow(
        ComplianceStorage storage $,
        Core memory c,
        address identity
    ) internal view returns (uint256 locked, bool matured) {
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
    function _releaseLocks(Core memory c, address identity) internal returns (LockState memory lock) {
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

    function _lock(Core memory c, address identity, uint256 shares) internal {
        ComplianceStorage storage $ = _s();
        LockState memory lock = _releaseLocks(c, identity);
        uint40 releaseAt = uint40(block.timestamp) + c.lockPeriod;
        mapping(uint256 => Tranche) storage queue = $.tranches[identity];
        if (lock.tail > lock.head) {
            Tranche storage last = queue[lock.tail - 1];
            // Same-day issuances, an issuance whose lock would end before the newest tranche's (the period was
            // shortened: the queue stays in release order, so no tranche releases before an older one), and any
            // issuance once the queue is full, join the newest tranche; its release moves to the later time, so
            // merging never shortens a lock.
            if (
                releaseAt <= last.releaseAt ||
                last.releaseAt / 1 days == releaseAt / 1 days ||
                lock.tail - lock.head >= MAX_LOCK_TRANCHES
            ) {
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
    function _clampLocks(Core memory c, address identity, uint256 remaining) internal {
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

    function _isModule(address module) internal view returns (bool) {
        address[] storage modules = _s().modules;
        uint256 n = modules.length;
        for (uint256 i; i < n; ++i) if (modules[i] == module) return true;
        return false;
    }

    function _modulesCheck(address from, address to, uint256 amount) internal view returns (uint8) {
        address[] storage modules = _s().modules;
        uint256 n = modules.length;
        for (uint256 i; i < n; ++i) {
            if (!IComplianceModule(modules[i]).moduleCheck(from, to, amount, address(this)))
                return R.MODULE_REFUSED;
        }
        return R.NONE;
    }

    function _modulesTransferAction(address from, address to, uint256 amount) internal {
        address[] storage modules = _s().modules;
        uint256 n = modules.length;
        for (uint256 i; i < n; ++i) IComplianceModule(modules[i]).moduleTransferAction(from, to, amount);
    }

    function _modulesMintAction(address to, uint256 amount) internal {
        address[] storage modules = _s().modules;
        uint256 n = modules.length;
        for (uint256 i; i < n; ++i) IComplianceModule(modules[i]).moduleMintAction(to, amount);
    }

    function _modulesBurnAction(address from, uint256 amount) internal {
        address[] storage modules = _s().modules;
        uint256 n = modules.length;
        for (uint256 i; i < n; ++i) IComplianceModule(modules[i]).moduleBurnAction(from, amount);
    }
}
