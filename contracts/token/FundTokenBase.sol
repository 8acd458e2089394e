// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {IFundTokenTypes} from "../interfaces/IFundTokenTypes.sol";
import {IERC3643} from "../interfaces/IERC3643.sol";
import {IERC7943Fungible} from "../interfaces/IERC7943.sol";
import {IFundComplianceTypes} from "../interfaces/IFundComplianceTypes.sol";
import {IInvestorRegistry} from "../interfaces/IInvestorRegistry.sol";
import {IModularCompliance} from "../interfaces/IModularCompliance.sol";
import {IFundCompliance} from "../interfaces/IFundCompliance.sol";
import {INavOracle} from "../interfaces/INavOracle.sol";
import {IReserveGuard} from "../interfaces/IReserveGuard.sol";
import {InvestorRecord} from "../identity/InvestorRecord.sol";
import {ShareMath} from "./ShareMath.sol";

/// @title FundTokenBase
/// @notice Storage and shared internals of the fund token's two halves: FundToken (the proxy's
/// implementation) and FundTokenAdmin (its extension, reached by delegatecall from FundToken's fallback).
/// Both run in the proxy's storage, in the ERC-7201 namespace below.
abstract contract FundTokenBase is AccessManagedUpgradeable, IFundTokenTypes, IERC20Errors {
    /// @notice Largest management fee, in basis points per year.
    uint16 public constant MAX_MANAGEMENT_FEE_BPS = 200;
    /// @dev The ERC-3643 version string.
    string internal constant _VERSION = "1.0.0";

    /// @dev One storage word per wallet: shares, frozen shares and the wallet freeze.
    struct Account {
        uint128 shares;
        uint120 frozenShares;
        bool frozen;
    }

    /// @dev Read by every transfer: the registry and the pause flag.
    struct Routing {
        IInvestorRegistry registry;
        bool paused;
    }

    /// @dev Read by every transfer: the compliance and the index (token units per share, 1e18 = 1).
    struct Rebase {
        IFundCompliance compliance;
        uint96 index;
    }

    /// @dev Accrual configuration.
    struct AccrualConfig {
        INavOracle navOracle;
        uint16 managementFeeBps;
    }

    /// @custom:storage-location erc7201:fundsuite.storage.FundToken
    struct FundTokenStorage {
        Routing routing;
        Rebase rebase;
        uint256 totalShares;
        mapping(address wallet => Account) accounts;
        mapping(address owner => mapping(address spender => uint256)) allowances;
        AppliedNav appliedNav;
        AccrualConfig accrual;
        IReserveGuard reserveGuard;
        address feeWallet;
        address onchainID;
        string name;
        string symbol;
        // Appended by issue 19: the ERC-7575 entry point (vault) of each accepted asset.
        mapping(address asset => address vault) vaults;
    }

    // keccak256(abi.encode(uint256(keccak256("fundsuite.storage.FundToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_SLOT =
        0x86873f1b879875410db3a709b234d468609418f813435623928c4cc915dc1700;

    function _s() internal pure returns (FundTokenStorage storage $) {
        assembly {
            $.slot := _STORAGE_SLOT
        }
    }

    /// @dev Shares a holder gives up for `amount`: rounded up, or every share for a whole balance.
    function _sharesToTake(
        address from,
        Account memory a,
        uint256 amount,
        uint256 idx
    ) internal pure returns (uint256) {
        uint256 balance = ShareMath.toAmount(a.shares, idx);
        if (amount > balance) revert ERC20InsufficientBalance(from, balance, amount);
        return amount == balance ? a.shares : ShareMath.toSharesUp(amount, idx);
    }

    /// @dev Removes shares from a wallet without the holder (burn, forced transfer), first unfreezing the frozen
    /// shares it has to take (ERC-7943: the frozen amount falls by what is taken beyond the unfrozen shares, and
    /// `Frozen` is emitted before the transfer event; ERC-3643's `TokensUnfrozen` carries the amount unfrozen).
    function _takeShares(address from, Account memory a, uint256 shares, uint256 idx) internal {
        uint256 unfrozen = _unfrozenShares(a);
        uint120 frozenShares = a.frozenShares;
        if (shares > unfrozen) {
            uint256 unfreeze = shares - unfrozen;
            frozenShares -= uint120(unfreeze);
            emit IERC3643.TokensUnfrozen(from, ShareMath.toAmount(unfreeze, idx));
            emit IERC7943Fungible.Frozen(from, ShareMath.toAmount(frozenShares, idx));
        }
        _s().accounts[from] = Account(a.shares - uint128(shares), frozenShares, a.frozen);
    }

    /// @dev The two words every holder movement reads, with the pause and recipient checks.
    function _hot(
        FundTokenStorage storage $,
        address to
    ) internal view returns (Routing memory rt, Rebase memory rb) {
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        rt = $.routing;
        if (rt.paused) revert EnforcedPause();
        rb = $.rebase;
    }

    /// @dev A holder's transfer of `amount` once the recipient and pause checks passed; returns the shares moved.
    function _transferChecked(
        FundTokenStorage storage $,
        Routing memory rt,
        Rebase memory rb,
        address from,
        address to,
        uint256 amount
    ) internal returns (uint256 shares) {
        Account memory a = $.accounts[from];
        uint256 balance = ShareMath.toAmount(a.shares, rb.index);
        if (amount > balance) revert ERC20InsufficientBalance(from, balance, amount);
        // A whole balance moves every share; a zero amount none, even from a wallet whose shares round to 0 tokens.
        shares = amount == balance && amount != 0 ? a.shares : ShareMath.toSharesUp(amount, rb.index);
        _move($, rt, rb, from, to, a, shares, amount);
    }

    /// @dev A holder's movement: freezes, unfrozen balance, verification of both parties, compliance.
    function _move(
        FundTokenStorage storage $,
        Routing memory rt,
        Rebase memory rb,
        address from,
        address to,
        Account memory a,
        uint256 shares,
        uint256 amount
    ) internal {
        if (a.frozen) revert WalletFrozen(from);
        Account storage b = $.accounts[to];
        if (b.frozen) revert WalletFrozen(to);
        // The frozen shares may exceed the shares held (ERC-7943 setFrozenTokens): nothing is unfrozen then.
        uint256 unfrozen = _unfrozenShares(a);
        if (shares > unfrozen) {
            revert InsufficientUnfrozenBalance(from, ShareMath.toAmount(unfrozen, rb.index), amount);
        }
        IFundComplianceTypes.Movement memory m = IFundComplianceTypes.Movement(
            from,
            to,
            InvestorRecord.wrap(0),
            InvestorRecord.wrap(0),
            shares,
            amount,
            rb.index
        );
        (m.fromRecord, m.toRecord) = rt.registry.transferRecords(from, to);
        if (!m.fromRecord.isVerified()) revert SenderNotVerified(from);
        if (!m.toRecord.isVerified()) revert RecipientNotVerified(to);
        if (from != to) {
            $.accounts[from].shares = a.shares - uint128(shares);
            b.shares += uint128(shares);
        }
        rb.compliance.checkTransfer(m);
        _emitTransfer(from, to, amount, shares);
    }

    /// @dev Shares of a wallet that are not frozen (zero when the frozen shares reach or exceed the shares held).
    function _unfrozenShares(Account memory a) internal pure returns (uint256) {
        return a.shares > a.frozenShares ? a.shares - a.frozenShares : 0;
    }

    function _spendAllowance(address owner, address spender, uint256 amount) internal {
        mapping(address => uint256) storage allowed = _s().allowances[owner];
        uint256 current = allowed[spender];
        if (current != type(uint256).max) {
            if (current < amount) revert ERC20InsufficientAllowance(spender, current, amount);
            allowed[spender] = current - amount;
        }
    }

    function _emitTransfer(address from, address to, uint256 amount, uint256 shares) internal {
        emit IERC20.Transfer(from, to, amount);
        emit TransferShares(from, to, shares);
    }

    function _approve(address owner, address spender, uint256 value) internal {
        if (owner == address(0)) revert ERC20InvalidApprover(address(0));
        if (spender == address(0)) revert ERC20InvalidSpender(address(0));
        _s().allowances[owner][spender] = value;
        emit IERC20.Approval(owner, spender, value);
    }

    function _batchLength(uint256 a, uint256 b) internal pure returns (uint256) {
        if (a == 0) revert EmptyBatch();
        if (a != b) revert BatchLengthMismatch();
        return a;
    }

    function _setTokenInformation(string memory name_, string memory symbol_, address onchainID_) internal {
        if (bytes(name_).length == 0 || bytes(symbol_).length == 0) revert EmptyTokenInformation();
        FundTokenStorage storage $ = _s();
        $.name = name_;
        $.symbol = symbol_;
        $.onchainID = onchainID_;
        emit IERC3643.UpdatedTokenInformation(name_, symbol_, 18, _VERSION, onchainID_);
    }

    function _setIdentityRegistry(address registry) internal {
        _requireContract(registry);
        _s().routing.registry = IInvestorRegistry(registry);
        emit IERC3643.IdentityRegistryAdded(registry);
    }

    /// @dev At initialisation the compliance cannot be bound yet (the proxy does not exist before); until it is,
    /// its hooks refuse this token, so nothing can move.
    function _setCompliance(address compliance_, bool requireBound) internal {
        _requireContract(compliance_);
        if (requireBound && IModularCompliance(compliance_).getTokenBound() != address(this))
            revert InvalidCompliance(compliance_);
        _s().rebase.compliance = IFundCompliance(compliance_);
        emit IERC3643.ComplianceAdded(compliance_);
    }

    function _setNavOracle(address oracle) internal {
        _requireContract(oracle);
        AccrualConfig storage cfg = _s().accrual;
        emit NavOracleChanged(address(cfg.navOracle), oracle);
        cfg.navOracle = INavOracle(oracle);
    }

    function _setReserveGuard(address guard) internal {
        _requireContract(guard);
        FundTokenStorage storage $ = _s();
        emit ReserveGuardChanged(address($.reserveGuard), guard);
        $.reserveGuard = IReserveGuard(guard);
    }

    function _setFeeWallet(address wallet) internal {
        FundTokenStorage storage $ = _s();
        InvestorRecord record = $.routing.registry.investorRecord(wallet);
        if (wallet == address(0) || !record.isVerified() || !record.isProtocol())
            revert InvalidFeeWallet(wallet);
        emit FeeWalletChanged($.feeWallet, wallet);
        $.feeWallet = wallet;
    }

    function _setManagementFee(uint16 bps) internal {
        if (bps > MAX_MANAGEMENT_FEE_BPS) revert ManagementFeeTooHigh(bps, MAX_MANAGEMENT_FEE_BPS);
        AccrualConfig storage cfg = _s().accrual;
        emit ManagementFeeChanged(cfg.managementFeeBps, bps);
        cfg.managementFeeBps = bps;
    }

    function _requireContract(address value) internal view {
        if (value.code.length == 0) revert InvalidAddress(value);
    }
}
