// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {ManagedUpgradeable} from "../governance/ManagedUpgradeable.sol";
import {InvestorRecord} from "../identity/InvestorRecord.sol";
import {TransferRestrictions as R} from "./TransferRestrictions.sol";
import {ComplianceBase} from "./ComplianceBase.sol";
import {ISharesToken} from "../interfaces/ISharesToken.sol";
import {ShareMath} from "../token/ShareMath.sol";
import {ExtensionFallback} from "../governance/ExtensionFallback.sol";

/// @title ModularCompliance
/// @notice Which movements of the fund token are legal. Seven built-in rules, each enabled and configured per
/// fund, plus up to MAX_MODULES external ERC-3643 modules:
/// 1. country: allow-list or deny-list of ISO-3166 numeric codes, applied to both parties;
/// 2. sanctions: an internal list kept by the compliance officer plus an optional Chainalysis-style oracle;
///    blocks sending, receiving and issuance;
/// 3. investor class: classes a recipient must have (all of / any of) and classes it must not have;
/// 4. max investors: cap on identities holding shares across all their wallets;
/// 5. holding limits: minimum and maximum position per investor, in live token value (shares x index);
/// 6. lockup: issued shares stay locked for a period; only unlocked shares leave the investor;
/// 7. transfer limit: per-investor outflow cap over a rolling (linearly decaying) day.
/// @dev This contract is the proxy's implementation and holds the token's hooks (the hot path). Binding,
/// modules, rule configuration, the ERC-3643 generic hooks (refused) and the views live in ModularComplianceAdmin,
/// reached through the fallback by delegatecall in this contract's storage. The whole ABI is IFundCompliance.
contract ModularCompliance is ManagedUpgradeable, ComplianceBase, ExtensionFallback {
    /// @notice ModularComplianceAdmin: configuration and views, run in this contract's context.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address public immutable extension;

    /// @param extension_ The ModularComplianceAdmin deployment this implementation delegates to.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address extension_) {
        if (extension_.code.length == 0) revert InvalidExtension(extension_);
        extension = extension_;
    }

    /// @notice Initialises the compliance behind its proxy, with no rule enabled and no token bound.
    /// @param authority The suite's AccessManager.
    function initialize(address authority) external initializer {
        __Managed_init(authority);
    }

    /// @dev Every function not implemented here runs in ModularComplianceAdmin ({ExtensionFallback}).
    function _extension() internal view override returns (address) {
        return extension;
    }

    // =============================================================== token hooks (fast path)

    /// @notice Enabled built-in rules (bit flags: 1 country, 2 sanctions, 4 investor class, 8 max investors,
    /// 16 holding limits, 32 lockup, 64 transfer limit).
    function rules() external view returns (uint16) {
        return _s().core.rules;
    }

    /// @notice Per-investor state (shares across wallets, outflow window, counted flag).
    /// @param identity The investor identity.
    function investorState(address identity) external view returns (InvestorState memory) {
        return _s().investors[identity];
    }

    /// @notice Number of investors (non-protocol identities) holding shares.
    function investorCount() external view returns (uint32) {
        return _s().limits.investorCount;
    }

    /// @notice Whether the wallet is on the internal list or flagged by the oracle.
    /// @param wallet The wallet.
    function isSanctioned(address wallet) external view returns (bool) {
        ComplianceStorage storage $ = _s();
        return _sanctioned($, $.core, wallet);
    }

    /// @notice Checks a holder's transfer against every enabled rule and records it; reverts with
    /// TransferRestricted(code) when refused. A movement of zero shares is checked against the parties' rules
    /// (sanctions, country, class) and the modules only: it changes no investor total, so no amount rule
    /// (holding limits, investor cap, lockup, outflow) applies and nothing is recorded. Token only.
    /// @param m The movement.
    function checkTransfer(Movement calldata m) external {
        Core memory c = _onlyToken();
        uint8 code = _checkParties(c, m.from, m.to, m.fromRecord, m.toRecord);
        MoveEval memory e;
        // A movement of no shares (a zero-value transfer) changes no total: the amount rules do not apply to it.
        bool changesTotals = m.shares != 0 && _changesTotals(m.fromRecord, m.toRecord);
        if (code == R.NONE && changesTotals) {
            (code, e) = _evalMove(c, m.fromRecord, m.toRecord, m.shares, m.amount, m.index, true);
        }
        if (code == R.NONE && c.moduleCount != 0) code = _modulesCheck(m.from, m.to, m.amount);
        if (code != R.NONE) revert TransferRestricted(code);
        if (changesTotals) _commitMove(c, m.fromRecord, m.toRecord, e);
        if (c.moduleCount != 0) _modulesTransferAction(m.from, m.to, m.amount);
    }

    /// @notice Checks an issuance against the recipient rules, records it and locks it when the lockup rule is
    /// on; reverts with TransferRestricted(code) when refused. Token only.
    /// @param to Recipient wallet.
    /// @param toRecord Its registry record.
    /// @param shares Shares issued.
    /// @param amount Token amount issued.
    /// @param index The token's index.
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

    /// @notice Records a movement made without rule checks (forced transfer, burn). Token only.
    /// @dev External modules are told the token value of the shares moved (rounded down); the index is read
    /// from the token only when a module is bound.
    /// @param from Sender wallet (zero for an issuance).
    /// @param to Recipient wallet (zero for a burn).
    /// @param fromRecord Sender record.
    /// @param toRecord Recipient record.
    /// @param shares Shares moved.
    function recordMovement(
        address from,
        address to,
        InvestorRecord fromRecord,
        InvestorRecord toRecord,
        uint256 shares
    ) external {
        Core memory c = _onlyToken();
        uint256 amount = c.moduleCount == 0 ? 0 : ShareMath.toAmount(shares, ISharesToken(c.token).index());
        _record(c, from, to, fromRecord, toRecord, shares, amount, false);
    }
}
