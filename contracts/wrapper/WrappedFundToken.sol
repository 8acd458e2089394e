// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
import {ERC4626Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC4626Upgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {ManagedUpgradeable} from "../governance/ManagedUpgradeable.sol";
import {IFundToken} from "../interfaces/IFundToken.sol";
import {IInvestorRegistry} from "../interfaces/IInvestorRegistry.sol";
import {IFundCompliance} from "../interfaces/IFundCompliance.sol";
import {InvestorRecord} from "../identity/InvestorRecord.sol";
import {IERC7943Fungible} from "../interfaces/IERC7943.sol";
import {IWrappedFundToken} from "./IWrappedFundToken.sol";

/// @title WrappedFundToken
/// @notice Non-rebasing wrapper of the fund token for DeFi collateral (the wstETH / USDY pattern), as an ERC-4626
/// vault: the wrapped balance never changes by itself; what a wrapped share is worth in fund tokens grows with
/// the fund's daily accrual, because `totalAssets()` is the vault's own fund-token balance.
/// The wrapper stays inside the fund's compliance perimeter: wrapping, unwrapping and every wrapped transfer
/// happen only between wallets verified in the fund's identity registry (accounts of the fund, PROTOCOL class,
/// only when the issuer allows them), not sanctioned in the fund's compliance and not frozen in the wrapper;
/// nothing moves while the fund token or the wrapper is paused. The fund token's own checks (freezes, investor
/// rules, lockup, outflow limits, holding limits, investor cap) apply when fund tokens enter and leave the vault,
/// which is itself a PROTOCOL account of the fund.
/// @dev Rounding (docs/WRAPPER.md): every conversion rounds in the vault's favour, with OpenZeppelin's
/// directions (deposit and redeem down, mint and withdraw up) and a decimals offset of {DECIMALS_OFFSET}
/// (10**6 virtual shares against 1 virtual asset) against the first-depositor (donation) attack. Unwrapping
/// delivers the fund-token shares worth at most the assets (rounded down), with `transferShares`, so the vault
/// never gives up more value than it accounted for ({redeem} and {withdraw} replace OpenZeppelin's `_withdraw`
/// workflow, which would send a token amount whose share conversion the fund token rounds up; the `Withdraw`
/// event carries the amount actually sent). The fund token is an immutable of the implementation (one storage
/// read less on every path); an upgrade must keep it.
contract WrappedFundToken is ManagedUpgradeable, ERC4626Upgradeable, PausableUpgradeable, IWrappedFundToken {
    /// @notice Decimals added to the fund token's: 10**6 virtual shares make a donation attack cost its author
    /// about a million times what it can take from a victim (docs/WRAPPER.md, "Decimals offset").
    uint8 public constant DECIMALS_OFFSET = 6;

    /// @dev Per-wallet state of the wrapper, one storage word: the wallet freeze, the issuer's allowance of a
    /// PROTOCOL account, and (issue 19, ERC-7943) the frozen wrapped shares, which may exceed the balance.
    struct WalletFlags {
        bool frozen;
        bool protocolAllowed;
        uint240 frozenShares;
    }

    /// @custom:storage-location erc7201:fundsuite.storage.WrappedFundToken
    struct WrappedFundTokenStorage {
        mapping(address wallet => WalletFlags) wallets;
    }

    // keccak256(abi.encode(uint256(keccak256("fundsuite.storage.WrappedFundToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_SLOT =
        0x8d93ec41274a1b8eba08aecca495d78705469b9084ac18b1cf3ca0f8255c3200;

    /// @dev The fund token this implementation wraps.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IFundToken private immutable _FUND;

    /// @param fundToken_ The fund token (the ERC-4626 asset) every proxy of this implementation wraps.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address fundToken_) {
        if (fundToken_.code.length == 0) revert InvalidAddress(fundToken_);
        _FUND = IFundToken(fundToken_);
    }

    /// @notice Initialises the wrapper behind its proxy.
    /// @param authority The suite's AccessManager.
    /// @param name_ ERC-20 name of the wrapped token.
    /// @param symbol_ ERC-20 symbol of the wrapped token.
    function initialize(
        address authority,
        string calldata name_,
        string calldata symbol_
    ) external initializer {
        if (bytes(name_).length == 0 || bytes(symbol_).length == 0) revert EmptyTokenInformation();
        __Managed_init(authority);
        __ERC20_init(name_, symbol_);
        __ERC4626_init(IERC20(address(_FUND)));
        __Pausable_init();
    }

    // =================================================================== views

    /// @notice The fund token (the ERC-4626 asset), read from the code.
    function asset() public view override(IERC4626, ERC4626Upgradeable) returns (address) {
        return address(_FUND);
    }

    /// @inheritdoc IWrappedFundToken
    function fundToken() external view returns (IFundToken) {
        return _FUND;
    }

    /// @notice 18 + {DECIMALS_OFFSET} = 24: one whole wrapped token is worth one fund token at the start.
    function decimals() public view override(IERC20Metadata, ERC4626Upgradeable) returns (uint8) {
        return super.decimals();
    }

    /// @inheritdoc IWrappedFundToken
    function paused() public view override(IWrappedFundToken, PausableUpgradeable) returns (bool) {
        return super.paused();
    }

    /// @inheritdoc IWrappedFundToken
    function isFrozen(address wallet) external view returns (bool) {
        return _s().wallets[wallet].frozen;
    }

    /// @inheritdoc IWrappedFundToken
    function isProtocolAccountAllowed(address account) external view returns (bool) {
        return _s().wallets[account].protocolAllowed;
    }

    /// @inheritdoc IWrappedFundToken
    function isEligible(address wallet) public view returns (bool) {
        if (wallet == address(0)) return false;
        WalletFlags memory f = _s().wallets[wallet];
        if (f.frozen) return false;
        InvestorRecord r = _registry().investorRecord(wallet);
        if (!r.isVerified() || (r.isProtocol() && !f.protocolAllowed)) return false;
        return !_compliance().isSanctioned(wallet);
    }

    /// @notice ERC-7943: whether a wrapped transfer of `shares` from `from` to `to` would be allowed now: neither
    /// the wrapper nor the fund token paused, `canSend(from)`, `canReceive(to)`, and `shares` within `from`'s
    /// unfrozen balance (balance less {getFrozenTokens}, none when more is frozen than held).
    /// @param from Sender.
    /// @param to Recipient.
    /// @param shares Wrapped shares.
    function canTransfer(address from, address to, uint256 shares) external view returns (bool) {
        return !_anyPaused() && shares <= _unfrozen(from) && isEligible(from) && isEligible(to);
    }

    /// @notice ERC-7943: whether `account` may send wrapped shares: {isEligible} (verified, a PROTOCOL account only
    /// when allowed, not sanctioned, not frozen in the wrapper). The pauses and frozen amounts are transfer-level
    /// ({canTransfer}).
    /// @param account The wallet.
    function canSend(address account) external view returns (bool) {
        return isEligible(account);
    }

    /// @notice ERC-7943: whether `account` may receive wrapped shares: {isEligible}.
    /// @param account The wallet.
    function canReceive(address account) external view returns (bool) {
        return isEligible(account);
    }

    /// @notice ERC-7943: the frozen wrapped shares of `account` (may exceed its balance).
    /// @param account The wallet.
    function getFrozenTokens(address account) external view returns (uint256) {
        return _s().wallets[account].frozenShares;
    }

    /// @notice ERC-165: ERC-7943 (fungible, 0x3edbb4c4), ERC-4626, ERC-20, ERC-165.
    /// @param interfaceId The interface.
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return
            interfaceId == type(IERC7943Fungible).interfaceId ||
            interfaceId == type(IERC4626).interfaceId ||
            interfaceId == type(IERC20).interfaceId ||
            interfaceId == type(IERC165).interfaceId;
    }

    /// @notice Largest deposit for `receiver`: unlimited, or zero while paused or when `receiver` is not eligible
    /// (the fund token's own limits on the depositor, e.g. its daily outflow, still apply).
    /// @param receiver The wallet receiving the wrapped shares.
    function maxDeposit(
        address receiver
    ) public view override(IERC4626, ERC4626Upgradeable) returns (uint256) {
        return _anyPaused() || !isEligible(receiver) ? 0 : type(uint256).max;
    }

    /// @notice Largest mint for `receiver`: unlimited, or zero while paused or when `receiver` is not eligible.
    /// @param receiver The wallet receiving the wrapped shares.
    function maxMint(address receiver) public view override(IERC4626, ERC4626Upgradeable) returns (uint256) {
        return _anyPaused() || !isEligible(receiver) ? 0 : type(uint256).max;
    }

    /// @notice Largest withdrawal by `owner`: its unfrozen balance's value (rounded down), or zero while paused or
    /// when `owner` is not eligible. The receiver must be eligible too and pass the fund token's investor rules.
    /// @param owner The holder of the wrapped shares.
    function maxWithdraw(address owner) public view override(IERC4626, ERC4626Upgradeable) returns (uint256) {
        return _anyPaused() || !isEligible(owner) ? 0 : previewRedeem(_unfrozen(owner));
    }

    /// @notice Largest redemption by `owner`: its unfrozen balance (ERC-7943), or zero while paused or when
    /// `owner` is not eligible.
    /// @param owner The holder of the wrapped shares.
    function maxRedeem(address owner) public view override(IERC4626, ERC4626Upgradeable) returns (uint256) {
        return _anyPaused() || !isEligible(owner) ? 0 : _unfrozen(owner);
    }

    // =================================================================== ERC-4626 entry points

    /// @notice Wraps `assets` fund tokens from the caller into wrapped shares for `receiver` (rounded down).
    /// Both must be eligible; the fund token checks the caller's movement into the vault (its investor rules).
    /// @param assets Fund tokens taken from the caller (approve the vault first).
    /// @param receiver Recipient of the wrapped shares.
    /// @return shares Wrapped shares minted.
    function deposit(
        uint256 assets,
        address receiver
    ) public override(IERC4626, ERC4626Upgradeable) returns (uint256 shares) {
        _checkMove(_msgSender(), receiver);
        shares = previewDeposit(assets);
        if (shares == 0) revert NoSharesForDeposit(assets);
        _deposit(_msgSender(), receiver, assets, shares);
    }

    /// @notice Mints exactly `shares` wrapped shares for `receiver`, taking the fund tokens they are worth
    /// (rounded up) from the caller. Same checks as {deposit}.
    /// @param shares Wrapped shares to mint.
    /// @param receiver Recipient of the wrapped shares.
    /// @return assets Fund tokens taken from the caller.
    function mint(
        uint256 shares,
        address receiver
    ) public override(IERC4626, ERC4626Upgradeable) returns (uint256 assets) {
        _checkMove(_msgSender(), receiver);
        assets = previewMint(shares);
        if (shares == 0) revert NoSharesForDeposit(assets);
        _deposit(_msgSender(), receiver, assets, shares);
    }

    /// @notice Unwraps: burns the wrapped shares worth `assets` (rounded up) from `owner` and sends `receiver`
    /// the fund-token shares worth at most `assets` (rounded down: the amount sent, in the `Withdraw` event, can be
    /// one unit short of `assets` while the index is below 2, the fund token's own rounding). `owner` and
    /// `receiver` must be eligible; the fund token checks the movement out of the vault against its investor
    /// rules for `receiver`.
    /// @param assets Fund tokens to withdraw.
    /// @param receiver Recipient of the fund tokens.
    /// @param owner Holder of the wrapped shares (the caller, or a wallet that approved the caller).
    /// @return shares Wrapped shares burnt.
    function withdraw(
        uint256 assets,
        address receiver,
        address owner
    ) public override(IERC4626, ERC4626Upgradeable) returns (uint256 shares) {
        _checkMove(owner, receiver);
        shares = previewWithdraw(assets);
        uint256 balance = balanceOf(owner);
        if (shares > balance) revert ERC4626ExceededMaxWithdraw(owner, assets, previewRedeem(balance));
        _checkUnfrozen(owner, shares, balance);
        _unwrap(_msgSender(), receiver, owner, assets, shares);
    }

    /// @notice Unwraps `shares` wrapped shares of `owner` into the fund tokens they are worth (rounded down),
    /// sent to `receiver`. Same checks as {withdraw}.
    /// @param shares Wrapped shares to burn.
    /// @param receiver Recipient of the fund tokens.
    /// @param owner Holder of the wrapped shares (the caller, or a wallet that approved the caller).
    /// @return assets Fund tokens sent: the token amount of the fund-token shares moved (rounded down).
    function redeem(
        uint256 shares,
        address receiver,
        address owner
    ) public override(IERC4626, ERC4626Upgradeable) returns (uint256 assets) {
        _checkMove(owner, receiver);
        uint256 balance = balanceOf(owner);
        if (shares > balance) revert ERC4626ExceededMaxRedeem(owner, shares, balance);
        _checkUnfrozen(owner, shares, balance);
        return _unwrap(_msgSender(), receiver, owner, previewRedeem(shares), shares);
    }

    // =================================================================== agent, guardian, issuer

    /// @inheritdoc IWrappedFundToken
    function setAddressFrozen(address wallet, bool frozen) external restricted {
        WalletFlags storage f = _s().wallets[wallet];
        bool old = f.frozen;
        f.frozen = frozen;
        emit WalletFrozenChanged(wallet, old, frozen, _msgSender());
    }

    /// @notice ERC-7943: moves wrapped shares without the holder, bypassing the holder's wallet freeze and both
    /// pauses, to a wallet that can receive (`canReceive`: verified, a PROTOCOL account only when allowed, not
    /// sanctioned, not frozen in the wrapper: ERC7943CannotReceive); frozen
    /// shares it has to take are unfrozen first (`Frozen(from, frozenAfter)` before `Transfer`). Emits ERC-7943's
    /// `ForcedTransfer(from, to, shares)`. TRANSFER_AGENT.
    /// @param from Holder.
    /// @param to Recipient.
    /// @param shares Wrapped shares.
    /// @return True.
    function forcedTransfer(address from, address to, uint256 shares) external restricted returns (bool) {
        if (from == address(0)) revert ERC20InvalidSender(address(0));
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        if (from == to) revert ForcedTransferToSelf(from);
        WrappedFundTokenStorage storage $ = _s();
        InvestorRecord r = _registry().investorRecord(to);
        if (!r.isVerified()) revert RecipientNotVerified(to);
        if (r.isProtocol() && !$.wallets[to].protocolAllowed) revert ProtocolAccountNotAllowed(to);
        if (_compliance().isSanctioned(to)) revert WalletSanctioned(to);
        // ERC-7943: reverts when canReceive(to) is false; what is left of it is the wrapper's wallet freeze.
        if ($.wallets[to].frozen) revert ERC7943CannotReceive(to);
        uint256 balance = balanceOf(from);
        if (shares > balance) revert ERC20InsufficientBalance(from, balance, shares);
        WalletFlags storage f = $.wallets[from];
        uint256 unfrozen = _unfrozen(from);
        if (shares > unfrozen) {
            f.frozenShares -= uint240(shares - unfrozen);
            emit Frozen(from, f.frozenShares);
        }
        // The plain ERC-20 movement, without this contract's transfer checks (freezes and pauses are bypassed).
        ERC20Upgradeable._update(from, to, shares);
        emit ForcedTransfer(from, to, shares);
        return true;
    }

    /// @notice ERC-7943: sets the frozen wrapped shares of `account` to `amount`, overwriting them; may exceed
    /// the balance (shares received later stay frozen up to it). Frozen shares cannot be sent nor unwrapped by the
    /// holder; the transfer agent's {forcedTransfer} unfreezes what it takes. Emits `Frozen(account, amount)`.
    /// TRANSFER_AGENT.
    /// @param account Wallet.
    /// @param amount Frozen wrapped shares after the call.
    /// @return True.
    function setFrozenTokens(address account, uint256 amount) external restricted returns (bool) {
        if (amount > type(uint240).max) revert FrozenAmountTooLarge(amount);
        _s().wallets[account].frozenShares = uint240(amount);
        emit Frozen(account, amount);
        return true;
    }

    /// @inheritdoc IWrappedFundToken
    function setProtocolAccountAllowed(address account, bool allowed) external restricted {
        if (allowed) {
            InvestorRecord r = _registry().investorRecord(account);
            if (!r.isVerified() || !r.isProtocol()) revert NotProtocolAccount(account);
        }
        WalletFlags storage f = _s().wallets[account];
        bool old = f.protocolAllowed;
        f.protocolAllowed = allowed;
        emit ProtocolAccountAllowedChanged(account, old, allowed);
    }

    /// @inheritdoc IWrappedFundToken
    function pause() external restricted {
        _pause();
    }

    /// @inheritdoc IWrappedFundToken
    function unpause() external restricted {
        _unpause();
    }

    // =================================================================== internals

    function _s() private pure returns (WrappedFundTokenStorage storage $) {
        assembly {
            $.slot := _STORAGE_SLOT
        }
    }

    function _decimalsOffset() internal pure override returns (uint8) {
        return DECIMALS_OFFSET;
    }

    /// @dev OpenZeppelin's conversion (same formula and rounding), with a named error instead of mulDiv's Panic
    /// when the result does not fit 256 bits (an absurd deposit or withdrawal).
    function _convertToShares(
        uint256 assets,
        Math.Rounding rounding
    ) internal view override returns (uint256) {
        return _mulDivChecked(assets, totalSupply() + 10 ** DECIMALS_OFFSET, totalAssets() + 1, rounding);
    }

    /// @dev As {_convertToShares}, the other way.
    function _convertToAssets(
        uint256 shares,
        Math.Rounding rounding
    ) internal view override returns (uint256) {
        return _mulDivChecked(shares, totalAssets() + 1, totalSupply() + 10 ** DECIMALS_OFFSET, rounding);
    }

    /// @dev x * y / d with the rounding asked; reverts with ConversionOverflow when the quotient does not fit
    /// (the 512-bit product's high word reaches the divisor: exactly the case Math.mulDiv panics on).
    function _mulDivChecked(
        uint256 x,
        uint256 y,
        uint256 d,
        Math.Rounding rounding
    ) private pure returns (uint256) {
        (uint256 high, ) = Math.mul512(x, y);
        if (high >= d) revert ConversionOverflow(x);
        return Math.mulDiv(x, y, d, rounding);
    }

    /// @dev The fund's identity registry, read live so that the wrapper follows the fund's configuration.
    function _registry() private view returns (IInvestorRegistry) {
        return IInvestorRegistry(address(_FUND.identityRegistry()));
    }

    /// @dev The fund's compliance, read live.
    function _compliance() private view returns (IFundCompliance) {
        return IFundCompliance(address(_FUND.compliance()));
    }

    function _anyPaused() private view returns (bool) {
        return paused() || _FUND.paused();
    }

    /// @dev Wrapped transfers (mints and burns are checked by the ERC-4626 entry points, which are their only
    /// callers; forced transfers call ERC20Upgradeable._update directly): eligibility, then the frozen shares.
    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) {
            _checkMove(from, to);
            uint256 balance = balanceOf(from);
            if (value <= balance) _checkUnfrozen(from, value, balance);
        }
        super._update(from, to, value);
    }

    /// @dev Balance less frozen shares (zero when more is frozen than held).
    function _unfrozen(address account) private view returns (uint256) {
        uint256 balance = balanceOf(account);
        uint256 frozen = _s().wallets[account].frozenShares;
        return balance > frozen ? balance - frozen : 0;
    }

    /// @dev ERC-7943: a holder's movement of `value` (within its `balance`) must leave its frozen shares.
    function _checkUnfrozen(address account, uint256 value, uint256 balance) private view {
        uint256 frozen = _s().wallets[account].frozenShares;
        uint256 unfrozen = balance > frozen ? balance - frozen : 0;
        if (value > unfrozen) revert ERC7943InsufficientUnfrozenBalance(account, value, unfrozen);
    }

    /// @dev Every check of a movement of wrapped value from `from` to `to`, in this order: the wrapper's pause,
    /// the fund token's pause, freezes in the wrapper, verification in the fund's registry (both records in one
    /// call), the issuer's allowance of PROTOCOL accounts, sanctions in the fund's compliance.
    function _checkMove(address from, address to) private view {
        _requireNotPaused();
        IFundToken fund = _FUND;
        if (fund.paused()) revert FundTokenPaused();
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        WrappedFundTokenStorage storage $ = _s();
        WalletFlags memory ff = $.wallets[from];
        WalletFlags memory tf = $.wallets[to];
        if (ff.frozen) revert WalletFrozenInWrapper(from);
        if (tf.frozen) revert WalletFrozenInWrapper(to);
        (InvestorRecord fr, InvestorRecord tr) = IInvestorRegistry(address(fund.identityRegistry()))
            .transferRecords(from, to);
        if (!fr.isVerified()) revert SenderNotVerified(from);
        if (!tr.isVerified()) revert RecipientNotVerified(to);
        if (fr.isProtocol() && !ff.protocolAllowed) revert ProtocolAccountNotAllowed(from);
        if (tr.isProtocol() && !tf.protocolAllowed) revert ProtocolAccountNotAllowed(to);
        IFundCompliance compliance = IFundCompliance(address(fund.compliance()));
        if (compliance.isSanctioned(from)) revert WalletSanctioned(from);
        if (from != to && compliance.isSanctioned(to)) revert WalletSanctioned(to);
    }

    /// @dev Burns `shares` of `owner` and sends `receiver` the fund-token shares worth at most `assets` (rounded
    /// down), so the vault never gives up more than the value it burnt. Returns the token amount sent.
    function _unwrap(
        address caller,
        address receiver,
        address owner,
        uint256 assets,
        uint256 shares
    ) private returns (uint256 sent) {
        uint256 fundShares = _FUND.sharesForAmount(assets);
        if (fundShares == 0) revert NoAssetsForRedemption(shares, assets);
        if (caller != owner) _spendAllowance(owner, caller, shares);
        _burn(owner, shares);
        sent = _FUND.transferShares(receiver, fundShares);
        emit Withdraw(caller, receiver, owner, sent, shares);
    }
}
