// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {NoncesUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/NoncesUpgradeable.sol";
import {ManagedUpgradeable} from "../governance/ManagedUpgradeable.sol";
import {IFundToken} from "../interfaces/IFundToken.sol";
import {IERC3643} from "../interfaces/IERC3643.sol";
import {ISharesToken} from "../interfaces/ISharesToken.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {IInvestorRegistry} from "../interfaces/IInvestorRegistry.sol";
import {IModularCompliance} from "../interfaces/IModularCompliance.sol";
import {IFundCompliance} from "../interfaces/IFundCompliance.sol";
import {INavOracle} from "../interfaces/INavOracle.sol";
import {IReserveGuard} from "../interfaces/IReserveGuard.sol";
import {InvestorRecord} from "../identity/InvestorRecord.sol";
import {TransferRestrictions as R} from "../compliance/TransferRestrictions.sol";
import {ShareMath} from "./ShareMath.sol";

/// @title FundToken
/// @notice The tokenized Treasury fund: an ERC-3643 permissioned token worth $1, whose balances grow every
/// business day with the fund's NAV. Balances are shares x index / 1e18; the daily accrual moves the index
/// once for every holder (O(1), no loop over holders) and mints the management fee to the fee wallet.
/// @dev Rounding (see docs/TOKEN.md): balances round down; a sender gives up shares rounded up; a recipient of
/// new tokens gets shares rounded down; sending a whole balance moves every share, leaving exactly zero.
/// Pause stops holder transfers, issuance and accrual; agent remedies (forced transfer, recovery, freezes,
/// burn) keep working while paused.
contract FundToken is
    ManagedUpgradeable,
    EIP712Upgradeable,
    NoncesUpgradeable,
    IFundToken,
    IERC20Permit,
    IERC20Errors
{
    /// @notice Largest management fee, in basis points per year.
    uint16 public constant MAX_MANAGEMENT_FEE_BPS = 200;
    /// @dev Fee proration denominator: basis points x seconds per year.
    uint256 private constant _FEE_DENOMINATOR = 10_000 * 365 days;
    bytes32 private constant _PERMIT_TYPEHASH = keccak256(
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
    );

    /// @notice The token is paused.
    error EnforcedPause();
    /// @notice The token is not paused.
    error ExpectedPause();
    /// @notice EIP-2612: the permit's deadline passed.
    error ERC2612ExpiredSignature(uint256 deadline);
    /// @notice EIP-2612: the permit was not signed by the owner.
    error ERC2612InvalidSigner(address signer, address owner);

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
    }

    // keccak256(abi.encode(uint256(keccak256("fundsuite.storage.FundToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _STORAGE_SLOT =
        0x86873f1b879875410db3a709b234d468609418f813435623928c4cc915dc1700;

    function _s() private pure returns (FundTokenStorage storage $) {
        assembly {
            $.slot := _STORAGE_SLOT
        }
    }

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

    /// @notice Initialises the token behind its proxy. The compliance must already be bound to the proxy.
    /// @param p The parameters; the fee wallet may be zero until it is registered (then no fee accrues).
    function initialize(InitParams calldata p) external initializer {
        __AccessManaged_init(p.authority);
        __EIP712_init(p.name, "1");
        __Nonces_init();
        FundTokenStorage storage $ = _s();
        _setTokenInformation(p.name, p.symbol, p.onchainID);
        $.rebase.index = uint96(ShareMath.ONE);
        _setIdentityRegistry(p.identityRegistry);
        _setCompliance(p.compliance);
        _setNavOracle(p.navOracle);
        _setReserveGuard(p.reserveGuard);
        if (p.feeWallet != address(0)) _setFeeWallet(p.feeWallet);
        _setManagementFee(p.managementFeeBps);
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
        return "1.0.0";
    }

    /// @notice Total supply in token units: total shares at the current index, rounded down.
    function totalSupply() external view returns (uint256) {
        FundTokenStorage storage $ = _s();
        return ShareMath.toAmount($.totalShares, $.rebase.index);
    }

    /// @notice Balance of `account`: its shares at the current index, rounded down.
    /// @param account The wallet.
    function balanceOf(address account) public view returns (uint256) {
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
        _spendAllowance(from, msg.sender, amount);
        _transfer(from, to, amount);
        return true;
    }

    /// @inheritdoc IFundToken
    function transferShares(address to, uint256 sharesAmount) external returns (uint256 amount) {
        FundTokenStorage storage $ = _s();
        (Routing memory rt, Rebase memory rb) = _hot($, to);
        amount = ShareMath.toAmount(sharesAmount, rb.index);
        Account memory a = $.accounts[msg.sender];
        if (sharesAmount > a.shares) {
            revert ERC20InsufficientBalance(msg.sender, ShareMath.toAmount(a.shares, rb.index), amount);
        }
        _move($, rt, rb, msg.sender, to, a, sharesAmount, amount);
    }

    /// @notice ERC-3643 batch transfer from the caller.
    /// @param _toList Recipients.
    /// @param _amounts Amounts, one per recipient.
    function batchTransfer(address[] calldata _toList, uint256[] calldata _amounts) external {
        uint256 n = _batchLength(_toList.length, _amounts.length);
        for (uint256 i; i < n; ++i) _transfer(msg.sender, _toList[i], _amounts[i]);
    }

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

    /// @notice EIP-2612 nonce of `owner`.
    /// @param owner Holder.
    function nonces(address owner) public view override(IERC20Permit, NoncesUpgradeable) returns (uint256) {
        return super.nonces(owner);
    }

    /// @notice EIP-712 domain separator of the permits.
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // =================================================================== shares

    /// @inheritdoc ISharesToken
    function sharesOf(address account) external view returns (uint256) {
        return _s().accounts[account].shares;
    }

    /// @inheritdoc ISharesToken
    function totalShares() external view returns (uint256) {
        return _s().totalShares;
    }

    /// @inheritdoc ISharesToken
    function index() external view returns (uint256) {
        return _s().rebase.index;
    }

    /// @inheritdoc IFundToken
    function sharesForAmount(uint256 amount) external view returns (uint256) {
        return ShareMath.toSharesDown(amount, _s().rebase.index);
    }

    /// @inheritdoc IFundToken
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

    // =================================================================== agent remedies (TRANSFER_AGENT)

    /// @notice Moves tokens without the holder's consent: bypasses the compliance rules and freezes (taking
    /// frozen tokens last and unfreezing them) but never sends to an unverified wallet. TRANSFER_AGENT;
    /// allowed while paused.
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
        // Same investor and same account kind: no investor total changes, so no compliance hook.
        $.accounts[_newWallet] = Account(
            b.shares + a.shares,
            b.frozenShares + a.frozenShares,
            b.frozen || a.frozen
        );
        delete $.accounts[_lostWallet];
        if (a.frozenShares != 0) {
            uint256 frozenAmount = ShareMath.toAmount(a.frozenShares, idx);
            emit TokensUnfrozen(_lostWallet, frozenAmount);
            emit TokensFrozen(_newWallet, frozenAmount);
        }
        if (a.frozen) {
            emit AddressFrozen(_lostWallet, false, msg.sender);
            if (!b.frozen) emit AddressFrozen(_newWallet, true, msg.sender);
        }
        emit Transfer(_lostWallet, _newWallet, ShareMath.toAmount(a.shares, idx));
        emit TransferShares(_lostWallet, _newWallet, a.shares);
        emit RecoverySuccess(_lostWallet, _newWallet, _investorOnchainID);
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

    /// @notice Whether the wallet is frozen.
    /// @param _userAddress Wallet.
    function isFrozen(address _userAddress) external view returns (bool) {
        return _s().accounts[_userAddress].frozen;
    }

    /// @notice Frozen tokens of the wallet (frozen shares at the current index, rounded down).
    /// @param _userAddress Wallet.
    function getFrozenTokens(address _userAddress) public view returns (uint256) {
        FundTokenStorage storage $ = _s();
        return ShareMath.toAmount($.accounts[_userAddress].frozenShares, $.rebase.index);
    }

    // =================================================================== pause

    /// @notice Pauses holder transfers, issuance and accrual at once. GUARDIAN.
    function pause() external restricted {
        Routing storage rt = _s().routing;
        if (rt.paused) revert EnforcedPause();
        rt.paused = true;
        emit Paused(msg.sender);
    }

    /// @notice Unpauses. ISSUER (behind the execution delay, cancellable by the guardian).
    function unpause() external restricted {
        Routing storage rt = _s().routing;
        if (!rt.paused) revert ExpectedPause();
        rt.paused = false;
        emit Unpaused(msg.sender);
    }

    /// @notice Whether the token is paused.
    function paused() external view returns (bool) {
        return _s().routing.paused;
    }

    // =================================================================== daily accrual

    /// @inheritdoc IFundToken
    function accrue() external returns (bool applied) {
        FundTokenStorage storage $ = _s();
        if ($.routing.paused) revert EnforcedPause();
        AppliedNav memory last = $.appliedNav;
        AccrualConfig memory cfg = $.accrual;
        INavOracle.NavRound memory round = cfg.navOracle.nextNav(last.nav, last.updatedAt);
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
            if (newIndex == 0 || newIndex > type(uint96).max) revert IndexOutOfRange(newIndex);
            feeAmount = ShareMath.toAmount(shares, grossIndex) - ShareMath.toAmount(shares, newIndex);
            feeShares = ShareMath.toSharesDown(feeAmount, newIndex);
        }
        uint256 oldSupply = ShareMath.toAmount(shares, oldIndex);
        uint256 newSupply = ShareMath.toAmount(shares + feeShares, newIndex);
        if (newSupply > oldSupply) {
            (bool within, uint256 reserves) = $.reserveGuard.checkSupply(newSupply);
            if (!within) {
                emit AccrualBlockedByReserve(round.roundId, round.nav, newSupply, reserves);
                return false;
            }
        }
        $.rebase.index = uint96(newIndex);
        $.appliedNav = AppliedNav(uint128(round.nav), uint40(round.updatedAt), round.roundId);
        if (feeShares != 0) {
            $.totalShares = shares + feeShares;
            // The fee wallet is an account of the fund (PROTOCOL): no investor accounting to update.
            $.accounts[feeWallet_].shares += uint128(feeShares);
            feeAmount = ShareMath.toAmount(feeShares, newIndex);
            emit Transfer(address(0), feeWallet_, feeAmount);
            emit TransferShares(address(0), feeWallet_, feeShares);
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

    /// @inheritdoc IFundToken
    function appliedNav() external view returns (AppliedNav memory) {
        return _s().appliedNav;
    }

    // =================================================================== transfer restrictions

    /// @inheritdoc IFundToken
    function detectTransferRestriction(address from, address to, uint256 amount) public view returns (uint8) {
        FundTokenStorage storage $ = _s();
        if ($.routing.paused) return R.PAUSED;
        if (to == address(0)) return R.INVALID_RECIPIENT;
        (InvestorRecord fr, InvestorRecord tr) = $.routing.registry.transferRecords(from, to);
        if (!fr.isVerified()) return R.SENDER_NOT_VERIFIED;
        if (!tr.isVerified()) return R.RECIPIENT_NOT_VERIFIED;
        Account memory a = $.accounts[from];
        if (a.frozen) return R.SENDER_FROZEN;
        if ($.accounts[to].frozen) return R.RECIPIENT_FROZEN;
        uint256 idx = $.rebase.index;
        uint256 balance = ShareMath.toAmount(a.shares, idx);
        if (amount > balance) return R.INSUFFICIENT_BALANCE;
        uint256 shares = amount == balance ? a.shares : ShareMath.toSharesUp(amount, idx);
        if (shares > a.shares - a.frozenShares) return R.INSUFFICIENT_UNFROZEN_BALANCE;
        return $.rebase.compliance.detectTransferRestriction(from, to, amount);
    }

    /// @inheritdoc IFundToken
    function canTransfer(address from, address to, uint256 amount) external view returns (bool) {
        return detectTransferRestriction(from, to, amount) == R.NONE;
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
        _setCompliance(_compliance);
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

    /// @notice The ERC-3643 identity registry.
    function identityRegistry() external view returns (IIdentityRegistry) {
        return _s().routing.registry;
    }

    /// @notice The ERC-3643 compliance.
    function compliance() external view returns (IModularCompliance) {
        return _s().rebase.compliance;
    }

    /// @notice The token's ONCHAINID.
    function onchainID() external view returns (address) {
        return _s().onchainID;
    }

    /// @inheritdoc IFundToken
    function navOracle() external view returns (INavOracle) {
        return _s().accrual.navOracle;
    }

    /// @inheritdoc IFundToken
    function reserveGuard() external view returns (IReserveGuard) {
        return _s().reserveGuard;
    }

    /// @inheritdoc IFundToken
    function feeWallet() external view returns (address) {
        return _s().feeWallet;
    }

    /// @inheritdoc IFundToken
    function managementFeeBps() external view returns (uint16) {
        return _s().accrual.managementFeeBps;
    }

    /// @notice ERC-165.
    /// @param interfaceId The interface.
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return
            interfaceId == type(IERC3643).interfaceId ||
            interfaceId == type(IFundToken).interfaceId ||
            interfaceId == type(IERC20).interfaceId ||
            interfaceId == type(IERC20Metadata).interfaceId ||
            interfaceId == type(IERC20Permit).interfaceId ||
            interfaceId == type(ISharesToken).interfaceId ||
            interfaceId == type(IERC165).interfaceId;
    }

    // =================================================================== internals

    /// @dev The two words every holder movement reads, with the pause and recipient checks.
    function _hot(
        FundTokenStorage storage $,
        address to
    ) private view returns (Routing memory rt, Rebase memory rb) {
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        rt = $.routing;
        if (rt.paused) revert EnforcedPause();
        rb = $.rebase;
    }

    function _transfer(address from, address to, uint256 amount) private {
        FundTokenStorage storage $ = _s();
        (Routing memory rt, Rebase memory rb) = _hot($, to);
        Account memory a = $.accounts[from];
        uint256 balance = ShareMath.toAmount(a.shares, rb.index);
        if (amount > balance) revert ERC20InsufficientBalance(from, balance, amount);
        uint256 shares = amount == balance ? a.shares : ShareMath.toSharesUp(amount, rb.index);
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
    ) private {
        if (a.frozen) revert WalletFrozen(from);
        if (shares > a.shares - a.frozenShares) {
            revert InsufficientUnfrozenBalance(
                from,
                ShareMath.toAmount(a.shares - a.frozenShares, rb.index),
                amount
            );
        }
        Account storage b = $.accounts[to];
        if (b.frozen) revert WalletFrozen(to);
        IFundCompliance.Movement memory m = IFundCompliance.Movement(
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
        emit Transfer(from, to, amount);
        emit TransferShares(from, to, shares);
    }

    function _mint(address to, uint256 amount) private {
        FundTokenStorage storage $ = _s();
        (Routing memory rt, Rebase memory rb) = _hot($, to);
        uint256 shares = ShareMath.toSharesDown(amount, rb.index);
        if (shares == 0) revert AmountBelowOneShare(amount);
        Account storage b = $.accounts[to];
        if (b.frozen) revert WalletFrozen(to);
        InvestorRecord tr = rt.registry.investorRecord(to);
        if (!tr.isVerified()) revert RecipientNotVerified(to);
        uint256 newTotalShares = $.totalShares + shares;
        uint256 newSupply = ShareMath.toAmount(newTotalShares, rb.index);
        (bool within, uint256 reserves) = $.reserveGuard.checkSupply(newSupply);
        if (!within) revert ReserveExceeded(newSupply, reserves);
        $.totalShares = newTotalShares;
        b.shares += uint128(shares);
        rb.compliance.checkMint(to, tr, shares, amount, rb.index);
        emit Transfer(address(0), to, amount);
        emit TransferShares(address(0), to, shares);
    }

    function _burn(address from, uint256 amount) private {
        FundTokenStorage storage $ = _s();
        Rebase memory rb = $.rebase;
        Account memory a = $.accounts[from];
        uint256 shares = _sharesToTake(from, a, amount, rb.index);
        _takeShares($, from, a, shares, rb.index);
        $.totalShares -= shares;
        InvestorRecord fr = $.routing.registry.investorRecord(from);
        rb.compliance.recordMovement(from, address(0), fr, InvestorRecord.wrap(0), shares);
        emit Transfer(from, address(0), amount);
        emit TransferShares(from, address(0), shares);
    }

    function _forcedTransfer(address from, address to, uint256 amount) private {
        if (from == to) revert ForcedTransferToSelf(from);
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        FundTokenStorage storage $ = _s();
        Rebase memory rb = $.rebase;
        (InvestorRecord fr, InvestorRecord tr) = $.routing.registry.transferRecords(from, to);
        if (!tr.isVerified()) revert RecipientNotVerified(to);
        Account memory a = $.accounts[from];
        uint256 shares = _sharesToTake(from, a, amount, rb.index);
        _takeShares($, from, a, shares, rb.index);
        $.accounts[to].shares += uint128(shares);
        rb.compliance.recordMovement(from, to, fr, tr, shares);
        emit Transfer(from, to, amount);
        emit TransferShares(from, to, shares);
        emit ForcedTransfer(from, to, amount, msg.sender);
    }

    function _sharesToTake(
        address from,
        Account memory a,
        uint256 amount,
        uint256 idx
    ) private pure returns (uint256) {
        uint256 balance = ShareMath.toAmount(a.shares, idx);
        if (amount > balance) revert ERC20InsufficientBalance(from, balance, amount);
        return amount == balance ? a.shares : ShareMath.toSharesUp(amount, idx);
    }

    /// @dev Removes shares from a wallet, unfreezing the frozen shares it has to take.
    function _takeShares(
        FundTokenStorage storage $,
        address from,
        Account memory a,
        uint256 shares,
        uint256 idx
    ) private {
        uint256 unfrozen = a.shares - a.frozenShares;
        uint120 frozenShares = a.frozenShares;
        if (shares > unfrozen) {
            uint256 unfreeze = shares - unfrozen;
            frozenShares -= uint120(unfreeze);
            emit TokensUnfrozen(from, ShareMath.toAmount(unfreeze, idx));
        }
        $.accounts[from] = Account(a.shares - uint128(shares), frozenShares, a.frozen);
    }

    function _setFrozen(address wallet, bool freeze) private {
        _s().accounts[wallet].frozen = freeze;
        emit AddressFrozen(wallet, freeze, msg.sender);
    }

    function _freezePartial(address wallet, uint256 amount) private {
        FundTokenStorage storage $ = _s();
        uint256 idx = $.rebase.index;
        Account storage a = $.accounts[wallet];
        uint256 frozenAfter = a.frozenShares + ShareMath.toSharesUp(amount, idx);
        if (frozenAfter > a.shares) {
            revert FreezeExceedsBalance(
                wallet,
                ShareMath.toAmount(a.shares, idx),
                ShareMath.toAmount(a.frozenShares, idx) + amount
            );
        }
        a.frozenShares = uint120(frozenAfter);
        emit TokensFrozen(wallet, amount);
    }

    function _unfreezePartial(address wallet, uint256 amount) private {
        FundTokenStorage storage $ = _s();
        uint256 idx = $.rebase.index;
        Account storage a = $.accounts[wallet];
        uint256 frozen = ShareMath.toAmount(a.frozenShares, idx);
        if (amount > frozen) revert UnfreezeExceedsFrozen(wallet, frozen, amount);
        a.frozenShares -= uint120(amount == frozen ? a.frozenShares : ShareMath.toSharesUp(amount, idx));
        emit TokensUnfrozen(wallet, amount);
    }

    function _approve(address owner, address spender, uint256 value) private {
        if (owner == address(0)) revert ERC20InvalidApprover(address(0));
        if (spender == address(0)) revert ERC20InvalidSpender(address(0));
        _s().allowances[owner][spender] = value;
        emit Approval(owner, spender, value);
    }

    function _spendAllowance(address owner, address spender, uint256 amount) private {
        mapping(address => uint256) storage allowed = _s().allowances[owner];
        uint256 current = allowed[spender];
        if (current != type(uint256).max) {
            if (current < amount) revert ERC20InsufficientAllowance(spender, current, amount);
            allowed[spender] = current - amount;
        }
    }

    function _batchLength(uint256 a, uint256 b) private pure returns (uint256) {
        if (a == 0) revert EmptyBatch();
        if (a != b) revert BatchLengthMismatch();
        return a;
    }

    function _setTokenInformation(string memory name_, string memory symbol_, address onchainID_) private {
        if (bytes(name_).length == 0 || bytes(symbol_).length == 0) revert EmptyTokenInformation();
        FundTokenStorage storage $ = _s();
        $.name = name_;
        $.symbol = symbol_;
        $.onchainID = onchainID_;
        emit UpdatedTokenInformation(name_, symbol_, 18, "1.0.0", onchainID_);
    }

    function _setIdentityRegistry(address registry) private {
        _requireContract(registry);
        _s().routing.registry = IInvestorRegistry(registry);
        emit IdentityRegistryAdded(registry);
    }

    function _setCompliance(address compliance_) private {
        _requireContract(compliance_);
        if (IModularCompliance(compliance_).getTokenBound() != address(this))
            revert InvalidCompliance(compliance_);
        _s().rebase.compliance = IFundCompliance(compliance_);
        emit ComplianceAdded(compliance_);
    }

    function _setNavOracle(address oracle) private {
        _requireContract(oracle);
        AccrualConfig storage cfg = _s().accrual;
        emit NavOracleChanged(address(cfg.navOracle), oracle);
        cfg.navOracle = INavOracle(oracle);
    }

    function _setReserveGuard(address guard) private {
        _requireContract(guard);
        FundTokenStorage storage $ = _s();
        emit ReserveGuardChanged(address($.reserveGuard), guard);
        $.reserveGuard = IReserveGuard(guard);
    }

    function _setFeeWallet(address wallet) private {
        FundTokenStorage storage $ = _s();
        InvestorRecord record = $.routing.registry.investorRecord(wallet);
        if (wallet == address(0) || !record.isVerified() || !record.isProtocol())
            revert InvalidFeeWallet(wallet);
        emit FeeWalletChanged($.feeWallet, wallet);
        $.feeWallet = wallet;
    }

    function _setManagementFee(uint16 bps) private {
        if (bps > MAX_MANAGEMENT_FEE_BPS) revert ManagementFeeTooHigh(bps, MAX_MANAGEMENT_FEE_BPS);
        AccrualConfig storage cfg = _s().accrual;
        emit ManagementFeeChanged(cfg.managementFeeBps, bps);
        cfg.managementFeeBps = bps;
    }

    function _requireContract(address value) private view {
        if (value.code.length == 0) revert InvalidAddress(value);
    }
}
