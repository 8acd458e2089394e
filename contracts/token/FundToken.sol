// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {NoncesUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/NoncesUpgradeable.sol";
import {ManagedUpgradeable} from "../governance/ManagedUpgradeable.sol";
import {IFundToken} from "../interfaces/IFundToken.sol";
import {IERC3643} from "../interfaces/IERC3643.sol";
import {IERC7943Fungible} from "../interfaces/IERC7943.sol";
import {IERC7575Share} from "../interfaces/IERC7575.sol";
import {ISharesToken} from "../interfaces/ISharesToken.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {IModularCompliance} from "../interfaces/IModularCompliance.sol";
import {INavOracle} from "../interfaces/INavOracle.sol";
import {IReserveGuard} from "../interfaces/IReserveGuard.sol";
import {InvestorRecord} from "../identity/InvestorRecord.sol";
import {FundTokenBase} from "./FundTokenBase.sol";
import {ShareMath} from "./ShareMath.sol";
import {ExtensionFallback} from "../governance/ExtensionFallback.sol";

/// @title FundToken
/// @notice The tokenized Treasury fund: an ERC-3643 permissioned token worth $1, whose balances grow every
/// business day with the fund's NAV. Balances are shares x index / 1e18; the daily accrual moves the index
/// once for every holder (O(1), no loop over holders) and mints the management fee to the fee wallet.
/// @dev This contract holds the paths every holder pays for (transfers, issuance, accrual, balances) and is the
/// proxy's implementation. Agent remedies, configuration, permit and the restriction views live in
/// FundTokenAdmin, which this contract's fallback reaches by delegatecall, so that both stay under the 24 KiB
/// limit while the hot paths keep the full optimiser. The whole ABI is IFundToken.
/// Rounding (docs/TOKEN.md): balances round down; a sender gives up shares rounded up; a recipient of new
/// tokens gets shares rounded down; sending a whole balance moves every share, leaving exactly zero.
/// Pause stops holder transfers, issuance and accrual; agent remedies (forced transfer, recovery, freezes,
/// burn) keep working while paused.
contract FundToken is
    ManagedUpgradeable,
    EIP712Upgradeable,
    NoncesUpgradeable,
    FundTokenBase,
    ExtensionFallback
{
    /// @dev Fee proration denominator: basis points x seconds per year.
    uint256 private constant _FEE_DENOMINATOR = 10_000 * 365 days;
    /// @dev Gas the accrual gives the reserve guard's `checkSupply` (ReserveGuard uses about 11,000): a guard that
    /// needs more counts as unable to confirm the reserves. Not public: one more selector would cost every call.
    uint256 private constant _RESERVE_CHECK_GAS = 100_000;
    /// @dev Gas the accrual needs left before calling the guard, so that the guard always receives its whole
    /// budget (EIP-150 keeps 1/64 back) after the call's own cost (cold account access, arguments).
    uint256 private constant _RESERVE_CHECK_MIN_GAS_LEFT = (_RESERVE_CHECK_GAS * 64) / 63 + 5_000;

    /// @notice FundTokenAdmin: agent and configuration functions, run in this contract's context.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address public immutable extension;

    /// @notice Addresses wired at initialisation.
    struct InitParams {
        address authority;
        string name;
        string symbol;
        address onchainID;
        address identityRegistry;
        address compliance;
        address navOracle;
        address reserveGuard;
        address feeWallet;
        uint16 managementFeeBps;
    }

    /// @param extension_ The FundTokenAdmin deployment this implementation delegates to.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address extension_) {
        if (extension_.code.length == 0) revert InvalidAddress(extension_);
        extension = extension_;
    }

    /// @notice Initialises the token behind its proxy; the compliance is bound to the proxy afterwards.
    /// @param p The parameters; the fee wallet may be zero until it is registered (then no fee accrues).
    function initialize(InitParams calldata p) external initializer {
        __Managed_init(p.authority);
        __EIP712_init(p.name, "1");
        __Nonces_init();
        _setTokenInformation(p.name, p.symbol, p.onchainID);
        _s().rebase.index = uint96(ShareMath.ONE);
        _setIdentityRegistry(p.identityRegistry);
        _setCompliance(p.compliance, false);
        _setNavOracle(p.navOracle);
        _setReserveGuard(p.reserveGuard);
        if (p.feeWallet != address(0)) _setFeeWallet(p.feeWallet);
        _setManagementFee(p.managementFeeBps);
    }

    /// @dev Every function not implemented here runs in FundTokenAdmin ({ExtensionFallback}).
    function _extension() internal view override returns (address) {
        return extension;
    }

    // =================================================================== ERC-20

    /// @notice Token name.
    function name() external view returns (string memory) {
        return _s().name;
    }

    /// @notice Token symbol.
    function symbol() external view returns (string memory) {
        return _s().symbol;
    }

    /// @notice Always 18.
    function decimals() external pure returns (uint8) {
        return 18;
    }

    /// @notice ERC-3643 token version.
    function version() external pure returns (string memory) {
        return _VERSION;
    }

    /// @notice Total supply in token units: total shares at the current index, rounded down.
    function totalSupply() external view returns (uint256) {
        FundTokenStorage storage $ = _s();
        return ShareMath.toAmount($.totalShares, $.rebase.index);
    }

    /// @notice Balance of `account`: its shares at the current index, rounded down.
    /// @param account The wallet.
    function balanceOf(address account) external view returns (uint256) {
        FundTokenStorage storage $ = _s();
        return ShareMath.toAmount($.accounts[account].shares, $.rebase.index);
    }

    /// @notice ERC-20 allowance, in token units (not shares).
    /// @param owner The holder.
    /// @param spender The spender.
    function allowance(address owner, address spender) external view returns (uint256) {
        return _s().allowances[owner][spender];
    }

    /// @notice ERC-20 approve, in token units.
    /// @param spender The spender.
    /// @param value The allowance.
    function approve(address spender, uint256 value) external returns (bool) {
        _approve(msg.sender, spender, value);
        return true;
    }

    /// @notice ERC-20 transfer: both parties verified and not frozen, unfrozen balance sufficient, compliance
    /// rules passed.
    /// @param to Recipient.
    /// @param amount Token amount; a whole balance moves every share.
    function transfer(address to, uint256 amount) external returns (bool) {
        _transfer(msg.sender, to, amount);
        return true;
    }

    /// @notice ERC-20 transferFrom (allowance in token units; an infinite allowance is never decreased).
    /// @param from Holder.
    /// @param to Recipient.
    /// @param amount Token amount.
    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        FundTokenStorage storage $ = _s();
        // Recipient and pause first, then the allowance, then the holder's checks (docs/TOKEN.md order).
        (Routing memory rt, Rebase memory rb) = _hot($, to);
        _spendAllowance(from, msg.sender, amount);
        if (from == address(0)) revert ERC20InvalidSender(address(0));
        _transferChecked($, rt, rb, from, to, amount);
        return true;
    }

    /// @notice Moves `sharesAmount` shares to `to` (same checks as transfer); returns the token amount (rounded down).
    /// @param to Recipient.
    /// @param sharesAmount Shares.
    function transferShares(address to, uint256 sharesAmount) external returns (uint256 amount) {
        FundTokenStorage storage $ = _s();
        (Routing memory rt, Rebase memory rb) = _hot($, to);
        Account memory a = $.accounts[msg.sender];
        if (sharesAmount > a.shares) {
            revert ERC20InsufficientBalance(
                msg.sender,
                ShareMath.toAmount(a.shares, rb.index),
                ShareMath.toAmountSaturating(sharesAmount, rb.index)
            );
        }
        amount = ShareMath.toAmount(sharesAmount, rb.index);
        _move($, rt, rb, msg.sender, to, a, sharesAmount, amount);
    }

    /// @notice ERC-3643 batch transfer from the caller.
    /// @param _toList Recipients.
    /// @param _amounts Amounts, one per recipient.
    function batchTransfer(address[] calldata _toList, uint256[] calldata _amounts) external {
        uint256 n = _batchLength(_toList.length, _amounts.length);
        for (uint256 i; i < n; ++i) _transfer(msg.sender, _toList[i], _amounts[i]);
    }

    // =================================================================== shares

    /// @notice Shares held by `account`.
    /// @param account The wallet.
    function sharesOf(address account) external view returns (uint256) {
        return _s().accounts[account].shares;
    }

    /// @notice Sum of all wallets' shares.
    function totalShares() external view returns (uint256) {
        return _s().totalShares;
    }

    /// @notice Token units per share, scaled by 1e18.
    function index() external view returns (uint256) {
        return _s().rebase.index;
    }

    /// @notice Shares worth at most `amount` (rounded down).
    /// @param amount Token amount.
    function sharesForAmount(uint256 amount) external view returns (uint256) {
        return ShareMath.toSharesDown(amount, _s().rebase.index);
    }

    /// @notice Token amount of `sharesAmount` (rounded down).
    /// @param sharesAmount Shares.
    function amountForShares(uint256 sharesAmount) external view returns (uint256) {
        return ShareMath.toAmount(sharesAmount, _s().rebase.index);
    }

    // =================================================================== issuance (MINTER)

    /// @notice Issues `_amount` tokens to a verified wallet (shares rounded down), within the reserves and
    /// the compliance rules. MINTER; refused while paused.
    /// @param _to Recipient.
    /// @param _amount Token amount.
    function mint(address _to, uint256 _amount) external restricted {
        _mint(_to, _amount);
    }

    /// @notice Batch form of {mint}. MINTER.
    /// @param _toList Recipients.
    /// @param _amounts Amounts.
    function batchMint(address[] calldata _toList, uint256[] calldata _amounts) external restricted {
        uint256 n = _batchLength(_toList.length, _amounts.length);
        for (uint256 i; i < n; ++i) _mint(_toList[i], _amounts[i]);
    }

    /// @notice Burns `_amount` from a wallet (shares rounded up; a whole balance burns every share), taking
    /// frozen tokens last and unfreezing what it takes. MINTER; allowed while paused.
    /// @param _userAddress Wallet.
    /// @param _amount Token amount.
    function burn(address _userAddress, uint256 _amount) external restricted {
        _burn(_userAddress, _amount);
    }

    /// @notice Batch form of {burn}. MINTER.
    /// @param _userAddresses Wallets.
    /// @param _amounts Amounts.
    function batchBurn(address[] calldata _userAddresses, uint256[] calldata _amounts) external restricted {
        uint256 n = _batchLength(_userAddresses.length, _amounts.length);
        for (uint256 i; i < n; ++i) _burn(_userAddresses[i], _amounts[i]);
    }

    /// @notice Whether the wallet is frozen.
    /// @param _userAddress Wallet.
    function isFrozen(address _userAddress) external view returns (bool) {
        return _s().accounts[_userAddress].frozen;
    }

    /// @notice Frozen tokens of the wallet (frozen shares at the current index, rounded down): ERC-3643's and
    /// ERC-7943's getter. Frozen tokens keep earning yield. It exceeds the balance only after ERC-7943
    /// `setFrozenTokens` froze more than the wallet held (ERC-3643 `freezePartialTokens` never does).
    /// @param _userAddress Wallet.
    function getFrozenTokens(address _userAddress) external view returns (uint256) {
        FundTokenStorage storage $ = _s();
        return ShareMath.toAmount($.accounts[_userAddress].frozenShares, $.rebase.index);
    }

    /// @notice Whether the token is paused.
    function paused() external view returns (bool) {
        return _s().routing.paused;
    }

    // =================================================================== daily accrual

    /// @notice Applies the latest NAV round if the NAV oracle accepts it: every balance grows with the NAV and
    /// the management fee for the elapsed time is minted to the fee wallet. Unless the oracle allows NAV
    /// decreases, the fee is capped at the gross growth, so the index never falls. Anyone may call it: the round is
    /// validated by the oracle and applied at most once, and the fee is prorated by the rounds' timestamps, so
    /// the outcome depends neither on the caller nor on the time of the call.
    /// When the supply would grow, the reserve guard must confirm the reserves: a shortfall, or a guard that
    /// cannot answer (it reverts, e.g. on a stale reserve round, runs out of its gas budget of 100,000, or answers
    /// something else than (bool, uint256)), applies nothing and returns false with an event; the accrual never
    /// reverts because of the guard, except when the caller left too little gas to give the guard its budget
    /// (InsufficientGasForReserveCheck).
    /// @return applied False when the reserve guard blocked the growth (AccrualBlockedByReserve,
    /// AccrualBlockedByReserveGuard).
    function accrue() external returns (bool applied) {
        FundTokenStorage storage $ = _s();
        if ($.routing.paused) revert EnforcedPause();
        AppliedNav memory last = $.appliedNav;
        AccrualConfig memory cfg = $.accrual;
        INavOracle.NavRound memory round = cfg.navOracle.nextNav(last.nav, last.updatedAt);
        // Stored in 128 bits, and multiplied by the 96-bit index below: never truncated, never overflowing.
        if (round.nav == 0 || round.nav > type(uint128).max) revert NavOutOfRange(round.nav);
        uint256 oldIndex = $.rebase.index;
        uint256 shares = $.totalShares;
        uint256 newIndex = oldIndex;
        uint256 feeShares;
        uint256 feeAmount;
        address feeWallet_ = $.feeWallet;
        if (last.nav != 0) {
            // Gross growth follows the NAV; the fee for the elapsed time is carved out of it as new shares.
            uint256 grossIndex = (oldIndex * round.nav) / last.nav;
            uint256 feeTime =
                feeWallet_ == address(0) ? 0 : cfg.managementFeeBps * (round.updatedAt - last.updatedAt);
            if (feeTime > _FEE_DENOMINATOR) feeTime = _FEE_DENOMINATOR;
            newIndex = (grossIndex * (_FEE_DENOMINATOR - feeTime)) / _FEE_DENOMINATOR;
            // Unless the oracle allows decreases, the fee is capped at the gross growth: it never takes the index
            // below its previous value (a flat NAV charges no fee). The oracle is asked only in that case.
            if (newIndex < oldIndex && !cfg.navOracle.allowDecrease())
                newIndex = grossIndex < oldIndex ? grossIndex : oldIndex;
            if (newIndex == 0 || newIndex > type(uint96).max) revert IndexOutOfRange(newIndex);
            feeAmount = ShareMath.toAmount(shares, grossIndex) - ShareMath.toAmount(shares, newIndex);
            feeShares = ShareMath.toSharesDown(feeAmount, newIndex);
        }
        uint256 oldSupply = ShareMath.toAmount(shares, oldIndex);
        if (shares + feeShares > type(uint120).max) revert SharesOverflow(shares + feeShares);
        uint256 newSupply = ShareMath.toAmount(shares + feeShares, newIndex);
        if (newSupply > oldSupply && !_reservesCover($.reserveGuard, round, newSupply)) return false;
        $.rebase.index = uint96(newIndex);
        $.appliedNav = AppliedNav(uint128(round.nav), uint40(round.updatedAt), round.roundId);
        if (feeShares != 0) {
            $.totalShares = shares + feeShares;
            // The fee wallet is an account of the fund (PROTOCOL): no investor accounting to update.
            $.accounts[feeWallet_].shares += uint128(feeShares);
            feeAmount = ShareMath.toAmount(feeShares, newIndex);
            _emitTransfer(address(0), feeWallet_, feeAmount, feeShares);
        }
        emit YieldAccrued(
            round.roundId,
            round.nav,
            oldIndex,
            newIndex,
            int256(ShareMath.toAmount(shares, newIndex)) - int256(oldSupply),
            feeAmount,
            feeShares
        );
        return true;
    }

    /// @notice The last applied NAV round.
    function appliedNav() external view returns (AppliedNav memory) {
        return _s().appliedNav;
    }

    /// @notice The ERC-3643 identity registry.
    function identityRegistry() external view returns (IIdentityRegistry) {
        return _s().routing.registry;
    }

    /// @notice The ERC-3643 compliance.
    function compliance() external view returns (IModularCompliance) {
        return _s().rebase.compliance;
    }

    /// @notice The NAV oracle read by the accrual.
    function navOracle() external view returns (INavOracle) {
        return _s().accrual.navOracle;
    }

    /// @notice The proof-of-reserve guard consulted whenever the supply grows.
    function reserveGuard() external view returns (IReserveGuard) {
        return _s().reserveGuard;
    }

    /// @notice The wallet receiving the management fee.
    function feeWallet() external view returns (address) {
        return _s().feeWallet;
    }

    /// @notice The management fee, in basis points per year.
    function managementFeeBps() external view returns (uint16) {
        return _s().accrual.managementFeeBps;
    }

    /// @notice ERC-165: ERC-3643, ERC-7943 (fungible, 0x3edbb4c4), the ERC-7575 share (0xf815c03d), ERC-20 and its
    /// metadata, EIP-2612, the share accounting and the whole IFundToken.
    /// @param interfaceId The interface.
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return
            interfaceId == type(IERC3643).interfaceId ||
            interfaceId == type(IERC7943Fungible).interfaceId ||
            interfaceId == type(IERC7575Share).interfaceId ||
            interfaceId == type(IFundToken).interfaceId ||
            interfaceId == type(IERC20).interfaceId ||
            interfaceId == type(IERC20Metadata).interfaceId ||
            interfaceId == type(IERC20Permit).interfaceId ||
            interfaceId == type(ISharesToken).interfaceId ||
            interfaceId == type(IERC165).interfaceId;
    }

    /// @notice EIP-2612 nonce of `owner` (the permit itself is in FundTokenAdmin).
    /// @param owner Holder.
    function nonces(address owner) public view override returns (uint256) {
        return super.nonces(owner);
    }

    // =================================================================== internals

    function _transfer(address from, address to, uint256 amount) private {
        FundTokenStorage storage $ = _s();
        (Routing memory rt, Rebase memory rb) = _hot($, to);
        _transferChecked($, rt, rb, from, to, amount);
    }

    function _mint(address to, uint256 amount) private {
        FundTokenStorage storage $ = _s();
        (Routing memory rt, Rebase memory rb) = _hot($, to);
        // No supply can hold this many tokens; the shares would not even fit 256 bits.
        if (amount > ShareMath.MAX_AMOUNT) revert SharesOverflow(type(uint256).max);
        uint256 shares = ShareMath.toSharesDown(amount, rb.index);
        if (shares == 0) revert AmountBelowOneShare(amount);
        Account storage b = $.accounts[to];
        if (b.frozen) revert WalletFrozen(to);
        InvestorRecord tr = rt.registry.investorRecord(to);
        if (!tr.isVerified()) revert RecipientNotVerified(to);
        uint256 newTotalShares = $.totalShares + shares;
        if (newTotalShares > type(uint120).max) revert SharesOverflow(newTotalShares);
        uint256 newSupply = ShareMath.toAmount(newTotalShares, rb.index);
        (bool within, uint256 reserves) = $.reserveGuard.checkSupply(newSupply);
        if (!within) revert ReserveExceeded(newSupply, reserves);
        $.totalShares = newTotalShares;
        b.shares += uint128(shares);
        rb.compliance.checkMint(to, tr, shares, amount, rb.index);
        _emitTransfer(address(0), to, amount, shares);
    }

    function _burn(address from, uint256 amount) private {
        if (from == address(0)) revert ERC20InvalidSender(address(0));
        FundTokenStorage storage $ = _s();
        Rebase memory rb = $.rebase;
        Account memory a = $.accounts[from];
        uint256 shares = _sharesToTake(from, a, amount, rb.index);
        _takeShares(from, a, shares, rb.index);
        $.totalShares -= shares;
        InvestorRecord fr = $.routing.registry.investorRecord(from);
        rb.compliance.recordMovement(from, address(0), fr, InvestorRecord.wrap(0), shares);
        _emitTransfer(from, address(0), amount, shares);
    }

    /// @dev Whether the reserve guard confirms that `newSupply` stays within the reserves, asked with a fixed gas
    /// budget and without letting the guard revert the accrual; emits the event of a block.
    function _reservesCover(
        IReserveGuard guard,
        INavOracle.NavRound memory round,
        uint256 newSupply
    ) private returns (bool) {
        // With less gas, the guard would run short because of the caller, not because of the reserves.
        uint256 gasLeft = gasleft();
        if (gasLeft < _RESERVE_CHECK_MIN_GAS_LEFT)
            revert InsufficientGasForReserveCheck(gasLeft, _RESERVE_CHECK_MIN_GAS_LEFT);
        // A low-level call: a `try` would let a guard without code or a malformed answer revert here. Only the
        // two words of a well-formed answer are copied; any other return data only on failure, for the event.
        bytes4 selector = IReserveGuard.checkSupply.selector;
        bool answered;
        uint256 verdict;
        uint256 reserves;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 4), newSupply)
            let ok := staticcall(_RESERVE_CHECK_GAS, guard, ptr, 36, ptr, 64)
            // After the call: Yul evaluates arguments right to left.
            answered := and(ok, gt(returndatasize(), 63))
            verdict := mload(ptr)
            reserves := mload(add(ptr, 32))
        }
        if (answered && verdict == 1) return true;
        if (answered && verdict == 0) {
            emit AccrualBlockedByReserve(round.roundId, round.nav, newSupply, reserves);
            return false;
        }
        // Reverted (its revert data), or answered something else than (bool, uint256) (that answer).
        uint256 size;
        assembly ("memory-safe") {
            size := returndatasize()
        }
        bytes memory reason = new bytes(size);
        assembly ("memory-safe") {
            returndatacopy(add(reason, 32), 0, size)
        }
        emit AccrualBlockedByReserveGuard(round.roundId, round.nav, newSupply, reason);
        return false;
    }
}
