// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {NoncesUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/NoncesUpgradeable.sol";
import {IERC3643} from "../interfaces/IERC3643.sol";
import {IERC7943Fungible} from "../interfaces/IERC7943.sol";
import {IERC7575, IERC7575Share} from "../interfaces/IERC7575.sol";
import {IFundCompliance} from "../interfaces/IFundCompliance.sol";
import {INavOracle} from "../interfaces/INavOracle.sol";
import {InvestorRecord} from "../identity/InvestorRecord.sol";
import {IFundComplianceTypes} from "../interfaces/IFundComplianceTypes.sol";
import {TransferRestrictions as R} from "../compliance/TransferRestrictions.sol";
import {FundTokenBase} from "./FundTokenBase.sol";
import {ShareMath} from "./ShareMath.sol";

/// @title FundTokenAdmin
/// @notice The fund token's agent remedies (forced transfer, recovery, freezes), pause, configuration,
/// EIP-2612 permit and transfer-restriction views. Deployed once per implementation version and reached only
/// through FundToken's fallback (delegatecall), so it runs in the token proxy's storage and authority.
/// @dev Has no state of its own; called directly, its restricted functions revert (no authority).
contract FundTokenAdmin is EIP712Upgradeable, NoncesUpgradeable, FundTokenBase {
    bytes32 private constant _PERMIT_TYPEHASH = keccak256(
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
    );

    // =================================================================== EIP-2612

    /// @notice EIP-2612 permit.
    /// @param owner Holder.
    /// @param spender Spender.
    /// @param value Allowance in token units.
    /// @param deadline Last valid timestamp.
    /// @param v Signature v.
    /// @param r Signature r.
    /// @param s Signature s.
    function permit(
        address owner,
        address spender,
        uint256 value,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external {
        if (block.timestamp > deadline) revert ERC2612ExpiredSignature(deadline);
        bytes32 structHash = keccak256(
            abi.encode(_PERMIT_TYPEHASH, owner, spender, value, _useNonce(owner), deadline)
        );
        address signer = ECDSA.recover(_hashTypedDataV4(structHash), v, r, s);
        if (signer != owner) revert ERC2612InvalidSigner(signer, owner);
        _approve(owner, spender, value);
    }

    /// @notice EIP-712 domain separator of the permits.
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // =================================================================== agent remedies (TRANSFER_AGENT)

    /// @notice Moves tokens without the holder's consent (ERC-3643 and ERC-7943): bypasses the sender's rules,
    /// the amount rules and the sender's freezes, taking frozen tokens last and unfreezing them first
    /// (`TokensUnfrozen`, then ERC-7943's `Frozen` with the frozen amount left, before `Transfer`), but only to a
    /// wallet that can receive: verified (RecipientNotVerified), then ERC-7943's `canReceive` (not frozen, the
    /// compliance's recipient rules: ERC7943CannotReceive); emits ERC-7943's `ForcedTransfer(from, to, amount)`.
    /// TRANSFER_AGENT; allowed while paused.
    /// @param _from Holder.
    /// @param _to Verified recipient, not `_from`.
    /// @param _amount Token amount.
    function forcedTransfer(address _from, address _to, uint256 _amount) external restricted returns (bool) {
        _forcedTransfer(_from, _to, _amount);
        return true;
    }

    /// @notice Batch form of {forcedTransfer}. TRANSFER_AGENT.
    /// @param _fromList Holders.
    /// @param _toList Recipients.
    /// @param _amounts Amounts.
    function batchForcedTransfer(
        address[] calldata _fromList,
        address[] calldata _toList,
        uint256[] calldata _amounts
    ) external restricted {
        uint256 n = _batchLength(_fromList.length, _amounts.length);
        if (_toList.length != n) revert BatchLengthMismatch();
        for (uint256 i; i < n; ++i) _forcedTransfer(_fromList[i], _toList[i], _amounts[i]);
    }

    /// @notice Moves everything a lost wallet holds (shares, frozen shares, wallet freeze) to a new wallet of
    /// the same investor, which the compliance officer registered beforehand. TRANSFER_AGENT.
    /// @param _lostWallet The lost wallet.
    /// @param _newWallet A verified wallet of the same investor identity.
    /// @param _investorOnchainID The investor identity both wallets belong to.
    function recoveryAddress(
        address _lostWallet,
        address _newWallet,
        address _investorOnchainID
    ) external restricted returns (bool) {
        FundTokenStorage storage $ = _s();
        (InvestorRecord lost, InvestorRecord fresh) = $.routing.registry.transferRecords(
            _lostWallet,
            _newWallet
        );
        Account memory a = $.accounts[_lostWallet];
        if (
            _lostWallet == _newWallet ||
            lost.identity() != _investorOnchainID ||
            fresh.identity() != _investorOnchainID ||
            _investorOnchainID == address(0) ||
            !fresh.isVerified() ||
            lost.isProtocol() != fresh.isProtocol() ||
            (a.shares == 0 && !a.frozen)
        ) revert InvalidRecovery(_lostWallet, _newWallet, _investorOnchainID);
        Account memory b = $.accounts[_newWallet];
        uint256 idx = $.rebase.index;
        // Same investor and same account kind: no investor total changes, so no compliance hook. Frozen shares
        // above the balance (ERC-7943) can only add up beyond 2^120 - 1 for absurd freezes: capped there.
        uint256 frozenSum = uint256(b.frozenShares) + a.frozenShares;
        uint120 frozenAfter = frozenSum > type(uint120).max ? type(uint120).max : uint120(frozenSum);
        $.accounts[_newWallet] = Account(b.shares + a.shares, frozenAfter, b.frozen || a.frozen);
        delete $.accounts[_lostWallet];
        if (a.frozenShares != 0) {
            uint256 frozenAmount = ShareMath.toAmount(a.frozenShares, idx);
            emit IERC3643.TokensUnfrozen(_lostWallet, frozenAmount);
            emit IERC7943Fungible.Frozen(_lostWallet, 0);
            emit IERC3643.TokensFrozen(_newWallet, frozenAmount);
            emit IERC7943Fungible.Frozen(_newWallet, ShareMath.toAmount(frozenAfter, idx));
        }
        if (a.frozen) {
            emit IERC3643.AddressFrozen(_lostWallet, false, msg.sender);
            if (!b.frozen) emit IERC3643.AddressFrozen(_newWallet, true, msg.sender);
        }
        _emitTransfer(_lostWallet, _newWallet, ShareMath.toAmount(a.shares, idx), a.shares);
        emit IERC3643.RecoverySuccess(_lostWallet, _newWallet, _investorOnchainID);
        return true;
    }

    /// @notice Freezes or unfreezes a whole wallet. TRANSFER_AGENT.
    /// @param _userAddress Wallet.
    /// @param _freeze Whether it is frozen.
    function setAddressFrozen(address _userAddress, bool _freeze) external restricted {
        _setFrozen(_userAddress, _freeze);
    }

    /// @notice Batch form of {setAddressFrozen}. TRANSFER_AGENT.
    /// @param _userAddresses Wallets.
    /// @param _freeze Flags.
    function batchSetAddressFrozen(
        address[] calldata _userAddresses,
        bool[] calldata _freeze
    ) external restricted {
        uint256 n = _batchLength(_userAddresses.length, _freeze.length);
        for (uint256 i; i < n; ++i) _setFrozen(_userAddresses[i], _freeze[i]);
    }

    /// @notice Freezes at least `_amount` of a wallet's tokens (shares rounded up); frozen tokens keep earning
    /// yield. TRANSFER_AGENT.
    /// @param _userAddress Wallet.
    /// @param _amount Token amount.
    function freezePartialTokens(address _userAddress, uint256 _amount) external restricted {
        _freezePartial(_userAddress, _amount);
    }

    /// @notice Batch form of {freezePartialTokens}. TRANSFER_AGENT.
    /// @param _userAddresses Wallets.
    /// @param _amounts Amounts.
    function batchFreezePartialTokens(
        address[] calldata _userAddresses,
        uint256[] calldata _amounts
    ) external restricted {
        uint256 n = _batchLength(_userAddresses.length, _amounts.length);
        for (uint256 i; i < n; ++i) _freezePartial(_userAddresses[i], _amounts[i]);
    }

    /// @notice Unfreezes `_amount` of a wallet's frozen tokens (all of them when equal to the frozen amount).
    /// TRANSFER_AGENT.
    /// @param _userAddress Wallet.
    /// @param _amount Token amount.
    function unfreezePartialTokens(address _userAddress, uint256 _amount) external restricted {
        _unfreezePartial(_userAddress, _amount);
    }

    /// @notice Batch form of {unfreezePartialTokens}. TRANSFER_AGENT.
    /// @param _userAddresses Wallets.
    /// @param _amounts Amounts.
    function batchUnfreezePartialTokens(
        address[] calldata _userAddresses,
        uint256[] calldata _amounts
    ) external restricted {
        uint256 n = _batchLength(_userAddresses.length, _amounts.length);
        for (uint256 i; i < n; ++i) _unfreezePartial(_userAddresses[i], _amounts[i]);
    }

    // =================================================================== pause

    /// @notice Pauses holder transfers, issuance and accrual at once. GUARDIAN.
    function pause() external restricted {
        Routing storage rt = _s().routing;
        if (rt.paused) revert EnforcedPause();
        rt.paused = true;
        emit IERC3643.Paused(msg.sender);
    }

    /// @notice Unpauses. ISSUER (behind the execution delay, cancellable by the guardian).
    function unpause() external restricted {
        Routing storage rt = _s().routing;
        if (!rt.paused) revert ExpectedPause();
        rt.paused = false;
        emit IERC3643.Unpaused(msg.sender);
    }

    // =================================================================== transfer restrictions

    /// @notice ERC-1404: the human-readable text of a reason code returned by {detectTransferRestriction}
    /// ("Unknown restriction code" for a code the suite does not define).
    /// @param restrictionCode The code.
    function messageForTransferRestriction(uint8 restrictionCode) external pure returns (string memory) {
        return R.message(restrictionCode);
    }

    /// @notice The reason code (TransferRestrictions) a transfer would be refused with; 0 if allowed. The
    /// conditions are checked in the order `transfer` checks them, so the code names the error it reverts with.
    /// @param from Sender.
    /// @param to Recipient.
    /// @param amount Token amount.
    function detectTransferRestriction(
        address from,
        address to,
        uint256 amount
    ) external view returns (uint8) {
        uint8 code = _tokenRestriction(from, to, amount);
        return code != R.NONE ? code : _s().rebase.compliance.detectTransferRestriction(from, to, amount);
    }

    /// @notice ERC-7943: whether a holder's transfer of `amount` from `from` to `to` is allowed now by every
    /// permissioned rule: `canSend(from)`, `canReceive(to)`, the amount within `from`'s unfrozen balance (balance
    /// less frozen tokens, none when more is frozen than held), the pause and every compliance rule, the amount
    /// rules included ({detectTransferRestriction} is 0). Never reverts.
    /// @param from Sender.
    /// @param to Recipient.
    /// @param amount Token amount.
    function canTransfer(address from, address to, uint256 amount) external view returns (bool) {
        if (!canSend(from) || !canReceive(to) || amount > _unfrozenBalance(from)) return false;
        if (_tokenRestriction(from, to, amount) != R.NONE) return false;
        // A low-level call: the compliance's view reverts when it is not bound to the token.
        (bool ok, bytes memory answer) = address(_s().rebase.compliance).staticcall(
            abi.encodeCall(IFundCompliance.detectTransferRestriction, (from, to, amount))
        );
        return ok && answer.length == 32 && abi.decode(answer, (uint256)) == R.NONE;
    }

    /// @notice ERC-7943: whether `account` may send tokens under the rules that depend neither on the recipient
    /// nor on the amount: verified in the identity registry (registered, KYC valid, not revoked), wallet not
    /// frozen, and the compliance's sender rules (sanctions, country; see IFundCompliance
    /// `detectSenderRestriction`). The pause, frozen amounts and amount rules are transfer-level: {canTransfer}.
    /// Never reverts.
    /// @param account The wallet.
    function canSend(address account) public view returns (bool) {
        return _eligible(account, IFundCompliance.detectSenderRestriction.selector);
    }

    /// @notice ERC-7943: whether `account` may receive tokens under the rules that depend neither on the sender
    /// nor on the amount: not the zero address, verified, wallet not frozen, and the compliance's recipient rules
    /// (sanctions, country, investor class; PROTOCOL accounts only the sanctions). Never reverts.
    /// @param account The wallet.
    function canReceive(address account) public view returns (bool) {
        return
            account != address(0) && _eligible(account, IFundCompliance.detectRecipientRestriction.selector);
    }

    // =================================================================== ERC-7943 freezes (TRANSFER_AGENT)

    /// @notice ERC-7943: sets the frozen amount of `account` to `amount`, overwriting it (not adding), and may
    /// freeze more than the balance (tokens received later stay frozen up to that amount). Stored as shares rounded
    /// up, so frozen tokens keep earning yield: `getFrozenTokens` reads at least `amount` (`amount` plus at most one
    /// unit of rounding). Emits ERC-3643's `TokensFrozen` or `TokensUnfrozen` with the change (none when
    /// unchanged), then ERC-7943's `Frozen(account, getFrozenTokens(account))`. ERC-3643's `freezePartialTokens` and
    /// `unfreezePartialTokens` add and subtract instead, within the balance. TRANSFER_AGENT; allowed while paused.
    /// @param account Wallet.
    /// @param amount Frozen token amount after the call.
    /// @return True.
    function setFrozenTokens(address account, uint256 amount) external restricted returns (bool) {
        FundTokenStorage storage $ = _s();
        uint256 idx = $.rebase.index;
        // Checked before converting, so that no absurd amount overflows into a Panic.
        if (amount > ShareMath.MAX_AMOUNT) revert FrozenAmountTooLarge(amount);
        uint256 frozenShares = ShareMath.toSharesUp(amount, idx);
        if (frozenShares > type(uint120).max) revert FrozenAmountTooLarge(amount);
        Account storage a = $.accounts[account];
        uint256 before = ShareMath.toAmount(a.frozenShares, idx);
        uint256 after_ = ShareMath.toAmount(frozenShares, idx);
        a.frozenShares = uint120(frozenShares);
        if (after_ > before) emit IERC3643.TokensFrozen(account, after_ - before);
        else if (after_ < before) emit IERC3643.TokensUnfrozen(account, before - after_);
        emit IERC7943Fungible.Frozen(account, after_);
        return true;
    }

    // =================================================================== ERC-7575 share and redemption escrow

    /// @notice ERC-7575: the fund's entry point (vault) for `asset`, or zero.
    /// @param asset The stablecoin.
    function vault(address asset) external view returns (address) {
        return _s().vaults[asset];
    }

    /// @notice Sets the ERC-7575 entry point of `asset` (zero removes it): `vault_` must be a contract whose
    /// `share()` is this token and `asset()` is `asset`. The fund manager accepts subscriptions and redemption
    /// requests through the registered vault of a stablecoin only, so registering one trusts its code like an
    /// upgrade. Emits the standard's `VaultUpdate(asset, vault)` and `VaultChanged(asset, old, new)`. ISSUER
    /// (behind its delay, cancellable by the guardian).
    /// @param asset The stablecoin, not zero, not this token.
    /// @param vault_ The entry point, or zero.
    function setVault(address asset, address vault_) external restricted {
        if (asset == address(0) || asset == address(this)) revert InvalidVault(asset, vault_);
        if (vault_ != address(0) && !_isVaultOf(vault_, asset)) revert InvalidVault(asset, vault_);
        mapping(address => address) storage vaults = _s().vaults;
        emit VaultChanged(asset, vaults[asset], vault_);
        vaults[asset] = vault_;
        emit IERC7575Share.VaultUpdate(asset, vault_);
    }

    /// @notice Moves `amount` of `from`'s tokens to the caller, the fund manager's redemption escrow, as a holder
    /// transfer: the pause, both wallets' freezes, `from`'s unfrozen balance, both parties' verification and every
    /// compliance rule (lockup and daily outflow of `from` included) apply, exactly as `transferFrom`. When
    /// `spender` is not `from`, `spender`'s ERC-20 allowance over `from`'s tokens is spent (ERC-7540: a request by
    /// a third party approved through ERC-20); when it is `from`, no allowance is needed (the holder's own request,
    /// or one by an operator the holder approved in the vault). MINTER, held by the fund manager, which can already
    /// burn any wallet's tokens.
    /// @param spender The wallet whose allowance is spent, or `from`.
    /// @param from The holder.
    /// @param amount Token amount; a whole balance moves every share.
    /// @return shares Shares moved.
    function escrowFrom(
        address spender,
        address from,
        uint256 amount
    ) external restricted returns (uint256 shares) {
        FundTokenStorage storage $ = _s();
        (Routing memory rt, Rebase memory rb) = _hot($, msg.sender);
        if (spender != from) _spendAllowance(from, spender, amount);
        if (from == address(0)) revert ERC20InvalidSender(address(0));
        shares = _transferChecked($, rt, rb, from, msg.sender, amount);
    }

    // =================================================================== configuration (ISSUER)

    /// @notice Renames the token (the EIP-712 permit domain keeps the initial name). ISSUER.
    /// @param _name New name.
    function setName(string calldata _name) external restricted {
        FundTokenStorage storage $ = _s();
        _setTokenInformation(_name, $.symbol, $.onchainID);
    }

    /// @notice Changes the symbol. ISSUER.
    /// @param _symbol New symbol.
    function setSymbol(string calldata _symbol) external restricted {
        FundTokenStorage storage $ = _s();
        _setTokenInformation($.name, _symbol, $.onchainID);
    }

    /// @notice Sets the token's ONCHAINID (may be zero). ISSUER.
    /// @param _onchainID The identity.
    function setOnchainID(address _onchainID) external restricted {
        FundTokenStorage storage $ = _s();
        _setTokenInformation($.name, $.symbol, _onchainID);
    }

    /// @notice Points the token at another identity registry. ISSUER.
    /// @param _identityRegistry The registry.
    function setIdentityRegistry(address _identityRegistry) external restricted {
        _setIdentityRegistry(_identityRegistry);
    }

    /// @notice Points the token at another compliance, bound to this token. Only before any issuance:
    /// afterwards the per-investor accounting lives in the compliance, which is upgraded in place. ISSUER.
    /// @param _compliance The compliance.
    function setCompliance(address _compliance) external restricted {
        if (_s().totalShares != 0) revert InvalidCompliance(_compliance);
        _setCompliance(_compliance, true);
    }

    /// @notice Points the accrual at another NAV oracle. ISSUER.
    /// @param oracle The oracle.
    function setNavOracle(address oracle) external restricted {
        _setNavOracle(oracle);
    }

    /// @notice Sets the proof-of-reserve guard. ISSUER.
    /// @param guard The guard.
    function setReserveGuard(address guard) external restricted {
        _setReserveGuard(guard);
    }

    /// @notice Sets the wallet receiving the management fee: a verified PROTOCOL account. ISSUER.
    /// @param wallet The wallet.
    function setFeeWallet(address wallet) external restricted {
        _setFeeWallet(wallet);
    }

    /// @notice Sets the management fee; it applies to the whole period since the last applied round. ISSUER.
    /// @param bps Basis points per year (at most MAX_MANAGEMENT_FEE_BPS).
    function setManagementFeeBps(uint16 bps) external restricted {
        _setManagementFee(bps);
    }

    /// @notice Re-bases the applied NAV on the NAV oracle's latest round, without moving the index or minting a
    /// fee: for a switch to a feed on another scale (e.g. a NAV quoted per 100 shares), after which the oracle can
    /// never accept a round against the old applied NAV. ISSUER (behind its delay, cancellable by the guardian).
    /// @dev Only when the oracle refuses its latest round against the applied one for its size
    /// (NavChangeTooLarge, or NavDecreaseNotAllowed) and the new NAV is at least twice or at most half the applied
    /// one (NavRebaselineNotAScaleChange otherwise): a round the oracle accepts must be accrued instead
    /// (NavRebaselineNotNeeded), and any other refusal of the oracle (stale, incomplete, not newer than the applied
    /// round...) is its named error. The time between the two rounds earns neither growth nor fee. Allowed
    /// while paused: it moves no balance.
    function rebaselineNav() external restricted {
        FundTokenStorage storage $ = _s();
        AppliedNav memory last = $.appliedNav;
        INavOracle oracle = $.accrual.navOracle;
        // solhint-disable-next-line avoid-low-level-calls
        (bool accepted, bytes memory answer) = address(oracle).staticcall(
            abi.encodeCall(INavOracle.nextNav, (last.nav, last.updatedAt))
        );
        if (accepted) revert NavRebaselineNotNeeded(abi.decode(answer, (INavOracle.NavRound)).roundId);
        bytes4 refusal = bytes4(answer);
        if (
            answer.length < 4 ||
            (refusal != INavOracle.NavChangeTooLarge.selector &&
                refusal != INavOracle.NavDecreaseNotAllowed.selector)
        ) {
            assembly {
                revert(add(answer, 32), mload(answer))
            }
        }
        INavOracle.NavRound memory round = oracle.latestNav();
        if (round.nav == 0 || round.nav > type(uint128).max) revert NavOutOfRange(round.nav);
        // A change of scale, not a NAV move beyond the oracle's bound (which governance passes on to holders by
        // loosening the bound or the decrease policy, then accruing).
        if (round.nav < 2 * last.nav && 2 * round.nav > last.nav)
            revert NavRebaselineNotAScaleChange(last.nav, round.nav);
        $.appliedNav = AppliedNav(uint128(round.nav), uint40(round.updatedAt), round.roundId);
        emit NavRebaselined(
            last.roundId,
            last.nav,
            last.updatedAt,
            round.roundId,
            round.nav,
            round.updatedAt
        );
    }

    // =================================================================== cross-chain (docs/MULTICHAIN.md)

    /// @notice The CCIP token administrator (Chainlink CCT `IGetCCIPAdmin`): the token's AccessManager, so that
    /// the issuer's governance registers the token in CCIP's TokenAdminRegistry and sets its pool through
    /// `AccessManager.execute`. Follows the authority; no storage of its own.
    function getCCIPAdmin() external view returns (address) {
        return authority();
    }

    /// @notice Issues `shares` new shares to the caller, a satellite chain's token pool, for shares locked in the
    /// home chain's pool (they arrive over CCIP). The caller must be a verified PROTOCOL account; the reserve guard
    /// is not asked (the home supply, which the reserves cover, already counts these shares). BRIDGE_POOL; refused
    /// while paused.
    /// @param shares Shares to issue.
    /// @return amount Their token amount at the current index (rounded down).
    function bridgeMint(uint256 shares) external restricted returns (uint256 amount) {
        FundTokenStorage storage $ = _s();
        if ($.routing.paused) revert EnforcedPause();
        if (shares == 0) revert AmountBelowOneShare(0);
        Rebase memory rb = $.rebase;
        InvestorRecord record = $.routing.registry.investorRecord(msg.sender);
        if (!record.isVerified() || !record.isProtocol()) revert RecipientNotVerified(msg.sender);
        uint256 newTotalShares = $.totalShares + shares;
        if (newTotalShares > type(uint120).max) revert SharesOverflow(newTotalShares);
        $.totalShares = newTotalShares;
        $.accounts[msg.sender].shares += uint128(shares);
        amount = ShareMath.toAmount(shares, rb.index);
        rb.compliance.checkMint(msg.sender, record, shares, amount, rb.index);
        _emitTransfer(address(0), msg.sender, amount, shares);
    }

    /// @notice Issues `shares` new shares straight to `to` for an arrival on a satellite chain, with the rules of a
    /// transfer from the calling pool to `to` (receiver verified, not frozen, country, class, sanctions, holding
    /// limits, investor cap: the compliance sees a movement from the pool, a PROTOCOL account). The pool catches a
    /// refusal and issues the shares to itself instead (`bridgeMint`, parked). BRIDGE_POOL; refused while paused.
    /// @param to Receiver.
    /// @param shares Shares to issue.
    /// @return amount Their token amount at the current index (rounded down).
    function bridgeMintTo(address to, uint256 shares) external restricted returns (uint256 amount) {
        FundTokenStorage storage $ = _s();
        Routing memory rt = $.routing;
        if (rt.paused) revert EnforcedPause();
        if (shares == 0) revert AmountBelowOneShare(0);
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        Rebase memory rb = $.rebase;
        Account storage b = $.accounts[to];
        if (b.frozen) revert WalletFrozen(to);
        amount = ShareMath.toAmount(shares, rb.index);
        IFundComplianceTypes.Movement memory m = IFundComplianceTypes.Movement(
            msg.sender,
            to,
            InvestorRecord.wrap(0),
            InvestorRecord.wrap(0),
            shares,
            amount,
            rb.index
        );
        (m.fromRecord, m.toRecord) = rt.registry.transferRecords(msg.sender, to);
        if (!m.fromRecord.isVerified() || !m.fromRecord.isProtocol()) revert SenderNotVerified(msg.sender);
        if (!m.toRecord.isVerified()) revert RecipientNotVerified(to);
        uint256 newTotalShares = $.totalShares + shares;
        if (newTotalShares > type(uint120).max) revert SharesOverflow(newTotalShares);
        $.totalShares = newTotalShares;
        b.shares += uint128(shares);
        rb.compliance.checkTransfer(m);
        _emitTransfer(address(0), to, amount, shares);
    }

    /// @notice Destroys `shares` of the caller's unfrozen shares: a satellite chain's token pool burning shares sent
    /// to another chain. BRIDGE_POOL.
    /// @param shares Shares to burn.
    /// @return amount Their token amount at the current index (rounded down).
    function bridgeBurn(uint256 shares) external restricted returns (uint256 amount) {
        FundTokenStorage storage $ = _s();
        Rebase memory rb = $.rebase;
        Account memory a = $.accounts[msg.sender];
        amount = ShareMath.toAmount(shares, rb.index);
        if (shares > a.shares - a.frozenShares) {
            revert InsufficientUnfrozenBalance(
                msg.sender,
                ShareMath.toAmount(a.shares - a.frozenShares, rb.index),
                amount
            );
        }
        $.accounts[msg.sender].shares = a.shares - uint128(shares);
        $.totalShares -= shares;
        InvestorRecord record = $.routing.registry.investorRecord(msg.sender);
        rb.compliance.recordMovement(msg.sender, address(0), record, InvestorRecord.wrap(0), shares);
        _emitTransfer(msg.sender, address(0), amount, shares);
    }

    /// @notice Applies on a satellite chain the index the home chain computed for `round` (sent over CCIP by the
    /// home relay): the index and the applied round become the home chain's, so that a share is worth the same on
    /// every chain; no fee is minted here (the home chain mints it). Only a round newer than the applied one
    /// (IndexRoundNotNewer). CHAIN_MIRROR; refused while paused, like the accrual.
    /// @param newIndex The home chain's index after `round`.
    /// @param round The home chain's applied NAV round.
    function syncIndex(uint256 newIndex, AppliedNav calldata round) external restricted {
        FundTokenStorage storage $ = _s();
        if ($.routing.paused) revert EnforcedPause();
        AppliedNav memory last = $.appliedNav;
        if (round.updatedAt <= last.updatedAt)
            revert IndexRoundNotNewer(round.roundId, round.updatedAt, last.updatedAt);
        if (newIndex == 0 || newIndex > type(uint96).max) revert IndexOutOfRange(newIndex);
        if (round.nav == 0) revert NavOutOfRange(0);
        uint256 oldIndex = $.rebase.index;
        uint256 shares = $.totalShares;
        $.rebase.index = uint96(newIndex);
        $.appliedNav = round;
        emit YieldAccrued(
            round.roundId,
            round.nav,
            oldIndex,
            newIndex,
            int256(ShareMath.toAmount(shares, newIndex)) - int256(ShareMath.toAmount(shares, oldIndex)),
            0,
            0
        );
    }

    /// @notice The token's ONCHAINID.
    function onchainID() external view returns (address) {
        return _s().onchainID;
    }

    // =================================================================== internals

    /// @dev The token's own reason to refuse a holder's transfer, in the order `transfer` checks (0: none; the
    /// compliance's rules come after).
    function _tokenRestriction(address from, address to, uint256 amount) private view returns (uint8) {
        FundTokenStorage storage $ = _s();
        if (to == address(0)) return R.INVALID_RECIPIENT;
        if ($.routing.paused) return R.PAUSED;
        Account memory a = $.accounts[from];
        uint256 idx = $.rebase.index;
        uint256 balance = ShareMath.toAmount(a.shares, idx);
        if (amount > balance) return R.INSUFFICIENT_BALANCE;
        if (a.frozen) return R.SENDER_FROZEN;
        if ($.accounts[to].frozen) return R.RECIPIENT_FROZEN;
        uint256 shares = amount == balance && amount != 0 ? a.shares : ShareMath.toSharesUp(amount, idx);
        if (shares > _unfrozenShares(a)) return R.INSUFFICIENT_UNFROZEN_BALANCE;
        (InvestorRecord fr, InvestorRecord tr) = $.routing.registry.transferRecords(from, to);
        if (!fr.isVerified()) return R.SENDER_NOT_VERIFIED;
        if (!tr.isVerified()) return R.RECIPIENT_NOT_VERIFIED;
        return R.NONE;
    }

    /// @dev ERC-7943 account eligibility: verified, wallet not frozen, the compliance's party rules (its view asked
    /// with a low-level call, so that a compliance not bound to the token makes the answer false, not a revert).
    function _eligible(address account, bytes4 complianceView) private view returns (bool) {
        FundTokenStorage storage $ = _s();
        if ($.accounts[account].frozen || !$.routing.registry.investorRecord(account).isVerified())
            return false;
        (bool ok, bytes memory answer) = address($.rebase.compliance).staticcall(
            abi.encodeWithSelector(complianceView, account)
        );
        return ok && answer.length == 32 && abi.decode(answer, (uint256)) == R.NONE;
    }

    /// @dev Balance less frozen tokens (zero when the frozen amount reaches the balance).
    function _unfrozenBalance(address account) private view returns (uint256) {
        FundTokenStorage storage $ = _s();
        return ShareMath.toAmount(_unfrozenShares($.accounts[account]), $.rebase.index);
    }

    /// @dev Whether `vault_` answers `share()` with this token and `asset()` with `asset`.
    function _isVaultOf(address vault_, address asset) private view returns (bool) {
        if (vault_.code.length == 0) return false;
        (bool okShare, bytes memory share) = vault_.staticcall(abi.encodeCall(IERC7575.share, ()));
        (bool okAsset, bytes memory asset_) = vault_.staticcall(abi.encodeCall(IERC7575.asset, ()));
        return
            okShare &&
            okAsset &&
            share.length == 32 &&
            asset_.length == 32 &&
            abi.decode(share, (address)) == address(this) &&
            abi.decode(asset_, (address)) == asset;
    }

    function _forcedTransfer(address from, address to, uint256 amount) private {
        if (from == to) revert ForcedTransferToSelf(from);
        if (from == address(0)) revert ERC20InvalidSender(address(0));
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        FundTokenStorage storage $ = _s();
        Rebase memory rb = $.rebase;
        (InvestorRecord fr, InvestorRecord tr) = $.routing.registry.transferRecords(from, to);
        if (!tr.isVerified()) revert RecipientNotVerified(to);
        // ERC-7943: a forced transfer reverts when canReceive(to) is false (wallet frozen, the compliance's
        // recipient rules: sanctions, country, investor class).
        if (!canReceive(to)) revert IERC7943Fungible.ERC7943CannotReceive(to);
        Account memory a = $.accounts[from];
        uint256 shares = _sharesToTake(from, a, amount, rb.index);
        _takeShares(from, a, shares, rb.index);
        $.accounts[to].shares += uint128(shares);
        rb.compliance.recordMovement(from, to, fr, tr, shares);
        _emitTransfer(from, to, amount, shares);
        emit IERC7943Fungible.ForcedTransfer(from, to, amount);
    }

    function _setFrozen(address wallet, bool freeze) private {
        _s().accounts[wallet].frozen = freeze;
        emit IERC3643.AddressFrozen(wallet, freeze, msg.sender);
    }

    function _freezePartial(address wallet, uint256 amount) private {
        FundTokenStorage storage $ = _s();
        uint256 idx = $.rebase.index;
        Account storage a = $.accounts[wallet];
        // An amount beyond MAX_AMOUNT exceeds any balance; checked first so that its conversion cannot overflow.
        uint256 frozenAfter =
            amount > ShareMath.MAX_AMOUNT
                ? type(uint256).max
                : a.frozenShares + ShareMath.toSharesUp(amount, idx);
        if (frozenAfter > a.shares) {
            revert FreezeExceedsBalance(
                wallet,
                ShareMath.toAmount(a.shares, idx),
                Math.saturatingAdd(ShareMath.toAmount(a.frozenShares, idx), amount)
            );
        }
        a.frozenShares = uint120(frozenAfter);
        emit IERC3643.TokensFrozen(wallet, amount);
        emit IERC7943Fungible.Frozen(wallet, ShareMath.toAmount(frozenAfter, idx));
    }

    function _unfreezePartial(address wallet, uint256 amount) private {
        FundTokenStorage storage $ = _s();
        uint256 idx = $.rebase.index;
        Account storage a = $.accounts[wallet];
        uint256 frozen = ShareMath.toAmount(a.frozenShares, idx);
        if (amount > frozen) revert UnfreezeExceedsFrozen(wallet, frozen, amount);
        a.frozenShares -= uint120(amount == frozen ? a.frozenShares : ShareMath.toSharesUp(amount, idx));
        emit IERC3643.TokensUnfrozen(wallet, amount);
        emit IERC7943Fungible.Frozen(wallet, ShareMath.toAmount(a.frozenShares, idx));
    }
}
