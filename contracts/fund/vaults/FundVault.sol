// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IERC7575} from "../../interfaces/IERC7575.sol";
import {IERC7540Operator, IERC7540Redeem} from "../../interfaces/IERC7540.sol";
import {IERC7887Redeem} from "../../interfaces/IERC7887.sol";
import {IFundToken} from "../../interfaces/IFundToken.sol";
import {IFundManager} from "../IFundManager.sol";

/// @title FundVault
/// @notice The fund's ERC-7575 entry point for one stablecoin (its `asset`), sharing the fund token as `share` with
/// the entry points of the other stablecoins. Subscriptions are synchronous ERC-4626 `deposit` / `mint` (with
/// ERC-7540's overloads, a `controller` paying), as the fund manager's own subscription (priced at the applied NAV
/// carried forward to now). Redemptions are asynchronous
/// ERC-7540 requests (`requestRedeem`) in the manager's redemption queue, which the transfer agent settles first in,
/// first out per stablecoin: a settled request becomes Claimable and its controller claims the stablecoins with
/// `redeem` or `withdraw`. Pending requests can be cancelled (ERC-7887, synchronous: the escrow becomes claimable at
/// once with `claimCancelRedeemRequest`). Every rule is the manager's and the token's: see FundManagerVaults and
/// docs/INTEGRATION.md.
/// @dev A thin, immutable layer: its only state is the ERC-7540 operators. It holds the stablecoins of settled
/// requests until their controllers claim them (the manager books the claims), never fund tokens. Amounts of the
/// share are fund-token units (the token is $1, rebasing: balances move by the token's rounding, docs/TOKEN.md).
/// The manager accepts this vault's calls while the fund token lists it as the entry point of its asset
/// (`IFundToken.vault(asset)`); requests made through it keep being served after it is replaced.
contract FundVault is IERC7575, IERC7540Operator, IERC7540Redeem, IERC7887Redeem, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice The asset or manager given to the constructor is not usable (zero, not configured in the manager).
    error InvalidAddress(address value);
    /// @notice The caller is neither `account` nor an operator `account` approved (ERC-7540).
    error UnauthorizedCaller(address caller, address account);
    /// @notice Asynchronous redemption: `previewRedeem` and `previewWithdraw` always revert (ERC-7540).
    error PreviewUnavailable();
    /// @notice The asset credited the vault another amount than was sent (fee-on-transfer or rebasing asset).
    error AssetNotReceived(uint256 sent, uint256 received);

    /// @notice The fund manager whose rules and queue this entry point uses.
    IFundManager public immutable manager;
    /// @dev The fund token (the share).
    IFundToken private immutable _SHARE;
    /// @dev The stablecoin (the asset).
    IERC20 private immutable _ASSET;
    /// @dev Token units per stablecoin unit.
    uint256 private immutable _SCALE;

    /// @notice Whether `operator` may manage `controller`'s requests and claims (ERC-7540).
    mapping(address controller => mapping(address operator => bool)) public isOperator;

    /// @param manager_ The fund manager (proxy).
    /// @param asset_ A stablecoin the manager has configured.
    constructor(IFundManager manager_, address asset_) {
        if (address(manager_).code.length == 0) revert InvalidAddress(address(manager_));
        IFundManager.StablecoinInfo memory info = manager_.stablecoinInfo(asset_);
        if (info.id == 0) revert InvalidAddress(asset_);
        manager = manager_;
        _SHARE = manager_.token();
        _ASSET = IERC20(asset_);
        _SCALE = 10 ** (18 - info.decimals);
        // The manager takes a subscription's stablecoins from this vault (which took them from its caller first).
        IERC20(asset_).forceApprove(address(manager_), type(uint256).max);
    }

    // =================================================================== ERC-7575 / ERC-4626 views

    /// @inheritdoc IERC7575
    function asset() external view returns (address) {
        return address(_ASSET);
    }

    /// @inheritdoc IERC7575
    function share() external view returns (address) {
        return address(_SHARE);
    }

    /// @notice The fund's value in this asset's units: the share's total supply ($1 a token), rounded down.
    function totalAssets() external view returns (uint256) {
        return convertToAssets(_SHARE.totalSupply());
    }

    /// @notice Shares (fund tokens, $1 each) for `assets` stablecoin units, without fee or NAV carry.
    /// @param assets Stablecoin units.
    function convertToShares(uint256 assets) external view returns (uint256) {
        return assets * _SCALE;
    }

    /// @notice Stablecoin units for `shares` fund tokens ($1 each), without fee, rounded down.
    /// @param shares Fund tokens.
    function convertToAssets(uint256 shares) public view returns (uint256) {
        return shares / _SCALE;
    }

    // =================================================================== subscriptions (synchronous)

    /// @notice The largest `deposit` for `receiver` that would not revert now (the manager's maxSubscription):
    /// 0 while subscriptions or the token are paused, for a receiver that is not a verified investor able to
    /// receive the token, while a NAV round waits to be applied, or when the room left is below the minimum.
    /// @param receiver The wallet receiving the tokens.
    function maxDeposit(address receiver) public view returns (uint256) {
        try manager.maxSubscription(address(_ASSET), receiver) returns (uint256 amount) {
            return amount;
        } catch {
            return 0;
        }
    }

    /// @notice Fund tokens a `deposit` of `assets` gives at least (fee and NAV carry included), less the token's
    /// share rounding of the receiver's balance. Reverts as the manager's quote does (asset not accepted, an
    /// amount above 2^128 - 1).
    /// @param assets Stablecoin units paid.
    function previewDeposit(uint256 assets) external view returns (uint256) {
        (, uint256 tokens) = manager.quoteSubscription(address(_ASSET), assets);
        return _lessRounding(tokens);
    }

    /// @notice Subscribes `assets` for `receiver`: takes them from the caller (approve this vault), and the
    /// manager applies every subscription rule to `receiver` and mints to it; a caller other than `receiver` must
    /// be a wallet the fund could pay (verified, not frozen, not sanctioned). Emits `Deposit(caller, receiver,
    /// assets, shares)`.
    /// @param assets Stablecoin units paid, fee included.
    /// @param receiver The investor receiving the tokens.
    /// @return shares The receiver's balance increase.
    function deposit(uint256 assets, address receiver) external nonReentrant returns (uint256 shares) {
        shares = _subscribe(msg.sender, assets, receiver, 0);
    }

    /// @notice ERC-7540's overload, for this synchronous vault: {deposit} paid with the stablecoins of
    /// `controller` (who approved this vault), by `controller` or an operator it approved. Emits
    /// `Deposit(controller, receiver, assets, shares)`.
    /// @param assets Stablecoin units paid, fee included.
    /// @param receiver The investor receiving the tokens.
    /// @param controller The wallet paying.
    /// @return shares The receiver's balance increase.
    function deposit(
        uint256 assets,
        address receiver,
        address controller
    ) external nonReentrant returns (uint256 shares) {
        _authorize(controller);
        shares = _subscribe(controller, assets, receiver, 0);
    }

    /// @notice The largest `mint` for `receiver` that would not revert now: the tokens of {maxDeposit}, less the
    /// share rounding (0 when the stablecoins they cost would be below the manager's minimum).
    /// @param receiver The wallet receiving the tokens.
    function maxMint(address receiver) external view returns (uint256) {
        uint256 maxAssets = maxDeposit(receiver);
        if (maxAssets == 0) return 0;
        try this.previewDeposit(maxAssets) returns (uint256 shares) {
            // The cheapest amount minting them may be below the minimum the largest one met.
            try this.previewMint(shares) returns (uint256 assets) {
                return assets * _SCALE < _minimum(receiver) ? 0 : shares;
            } catch {
                return 0;
            }
        } catch {
            return 0;
        }
    }

    /// @notice Stablecoin units a `mint` of `shares` takes: the smallest amount whose subscription mints at least
    /// `shares` plus the token's share rounding (the manager's quoteSubscriptionAmount), so that the receiver's
    /// balance grows by at least `shares`.
    /// @param shares Fund tokens wanted.
    function previewMint(uint256 shares) public view returns (uint256) {
        return manager.quoteSubscriptionAmount(address(_ASSET), shares + _rounding());
    }

    /// @notice Subscribes the stablecoins of {previewMint} for `receiver`, which then holds at least `shares` more
    /// tokens (at most one stablecoin unit's worth more: a 6-decimal payment cannot buy an exact 18-decimal amount).
    /// Same rules as {deposit}.
    /// @param shares Fund tokens wanted.
    /// @param receiver The investor receiving the tokens.
    /// @return assets Stablecoin units paid.
    function mint(uint256 shares, address receiver) external nonReentrant returns (uint256 assets) {
        assets = previewMint(shares);
        _subscribe(msg.sender, assets, receiver, shares + _rounding());
    }

    /// @notice ERC-7540's overload, for this synchronous vault: {mint} paid with the stablecoins of `controller`,
    /// by `controller` or an operator it approved. Emits `Deposit(controller, receiver, assets, shares)`.
    /// @param shares Fund tokens wanted.
    /// @param receiver The investor receiving the tokens.
    /// @param controller The wallet paying.
    /// @return assets Stablecoin units paid.
    function mint(
        uint256 shares,
        address receiver,
        address controller
    ) external nonReentrant returns (uint256 assets) {
        _authorize(controller);
        assets = previewMint(shares);
        _subscribe(controller, assets, receiver, shares + _rounding());
    }

    // =================================================================== redemptions (ERC-7540, asynchronous)

    /// @notice ERC-7540: queues a redemption of `shares` fund tokens of `owner`, controlled by `controller`.
    /// `owner` is the caller, or approved the caller as operator (no allowance used), or gave the caller an ERC-20
    /// allowance over its fund tokens (spent). The manager applies its rules and the token's to `owner` (frozen,
    /// locked, sanctioned, unverified holders and the daily outflow limit are refused) and requires `controller`
    /// to be a wallet the fund could pay; the tokens go into the manager's escrow (earning yield until settlement).
    /// Emits `RedeemRequest`.
    /// @param shares Fund tokens to redeem.
    /// @param controller The wallet that controls the request and claims the payout.
    /// @param owner The holder of the tokens.
    /// @return requestId The request's id in the manager's queue.
    function requestRedeem(
        uint256 shares,
        address controller,
        address owner
    ) external nonReentrant returns (uint256 requestId) {
        address spender = owner == msg.sender || isOperator[owner][msg.sender] ? owner : msg.sender;
        requestId = manager.requestRedemptionFor(spender, owner, controller, address(_ASSET), shares);
        emit RedeemRequest(controller, owner, requestId, msg.sender, shares);
    }

    /// @notice ERC-7540: the value now (fund tokens) of request `requestId` of `controller` while it waits in the
    /// queue (pending, or set aside by the transfer agent); 0 otherwise. Never reverts.
    /// @param requestId The request.
    /// @param controller Its controller.
    function pendingRedeemRequest(
        uint256 requestId,
        address controller
    ) external view returns (uint256 shares) {
        (shares, , ) = _request(requestId, controller);
    }

    /// @notice ERC-7540: the part of request `requestId`'s settlement value (fund tokens) that `controller` has not
    /// claimed yet (claims take a controller's settled requests in settlement order). Never reverts.
    /// @param requestId The request.
    /// @param controller Its controller.
    function claimableRedeemRequest(
        uint256 requestId,
        address controller
    ) external view returns (uint256 shares) {
        (, shares, ) = _request(requestId, controller);
    }

    /// @notice Claimable shares of `controller` (settlement value of its settled requests not yet claimed), or 0
    /// while claims are refused (redemptions paused, controller not verified, frozen or sanctioned).
    /// @param controller The controller.
    function maxRedeem(address controller) external view returns (uint256 shares) {
        (shares, ) = _maxClaim(controller);
    }

    /// @notice Claimable stablecoin units of `controller`, or 0 while claims are refused.
    /// @param controller The controller.
    function maxWithdraw(address controller) external view returns (uint256 assets) {
        (, assets) = _maxClaim(controller);
    }

    /// @notice Always reverts: redemptions are asynchronous (ERC-7540).
    function previewRedeem(uint256) external pure returns (uint256) {
        revert PreviewUnavailable();
    }

    /// @notice Always reverts: redemptions are asynchronous (ERC-7540).
    function previewWithdraw(uint256) external pure returns (uint256) {
        revert PreviewUnavailable();
    }

    /// @notice ERC-7540 claim: sends `receiver` the stablecoins of `shares` of `controller`'s claimable shares (the
    /// pro-rata part of its claimable stablecoins, rounded down; all of them for all the shares). The caller is
    /// `controller` or its operator; `controller` and `receiver` must be wallets the fund could pay; refused while
    /// redemptions are paused. Emits `Withdraw(caller, receiver, controller, assets, shares)`.
    /// @param shares Claimable shares.
    /// @param receiver The wallet paid.
    /// @param controller The controller.
    /// @return assets Stablecoin units paid.
    function redeem(
        uint256 shares,
        address receiver,
        address controller
    ) external nonReentrant returns (uint256 assets) {
        _authorize(controller);
        assets = manager.claimRedeemFor(controller, receiver, shares);
        _pay(receiver, controller, assets, shares);
    }

    /// @notice ERC-7540 claim of exactly `assets` stablecoin units (the claimable shares consumed rounded up). Same
    /// rules as {redeem}.
    /// @param assets Stablecoin units.
    /// @param receiver The wallet paid.
    /// @param controller The controller.
    /// @return shares Claimable shares consumed.
    function withdraw(
        uint256 assets,
        address receiver,
        address controller
    ) external nonReentrant returns (uint256 shares) {
        _authorize(controller);
        shares = manager.claimWithdrawFor(controller, receiver, assets);
        _pay(receiver, controller, assets, shares);
    }

    /// @notice ERC-7540: approves or revokes `operator` for the caller's requests and claims in this vault (and the
    /// caller's fund tokens when a request names the caller as owner). Emits `OperatorSet`.
    /// @param operator The operator.
    /// @param approved Whether it is approved.
    /// @return True.
    function setOperator(address operator, bool approved) external returns (bool) {
        isOperator[msg.sender][operator] = approved;
        emit OperatorSet(msg.sender, operator, approved);
        return true;
    }

    // =================================================================== cancellations (ERC-7887, synchronous)

    /// @notice ERC-7887: cancels the pending request `requestId` of `controller` (the caller, or its operator):
    /// it leaves the queue at once and its escrow becomes claimable with {claimCancelRedeemRequest} (never pending:
    /// new requests are never blocked). Allowed while redemptions are paused. Emits `CancelRedeemRequest`.
    /// @param requestId The request.
    /// @param controller Its controller.
    function cancelRedeemRequest(uint256 requestId, address controller) external nonReentrant {
        _authorize(controller);
        manager.cancelRedemptionFor(requestId, controller);
        emit CancelRedeemRequest(controller, requestId, msg.sender);
    }

    /// @notice ERC-7887: always false, cancellations are synchronous.
    function pendingCancelRedeemRequest(uint256, address) external pure returns (bool) {
        return false;
    }

    /// @notice ERC-7887: the value now (fund tokens) of the escrow of the cancelled request `requestId` of
    /// `controller`, until claimed. Never reverts.
    /// @param requestId The request.
    /// @param controller Its controller.
    function claimableCancelRedeemRequest(
        uint256 requestId,
        address controller
    ) external view returns (uint256 shares) {
        (, , shares) = _request(requestId, controller);
    }

    /// @notice ERC-7887: sends the escrow of the cancelled request `requestId` of `controller` (the caller, or its
    /// operator) to `receiver`, under the token's recipient checks. Emits `CancelRedeemClaim` with the tokens moved.
    /// @param requestId The request.
    /// @param receiver The wallet receiving the fund tokens.
    /// @param controller Its controller.
    function claimCancelRedeemRequest(
        uint256 requestId,
        address receiver,
        address controller
    ) external nonReentrant {
        _authorize(controller);
        uint256 amount = manager.claimCancellationFor(requestId, controller, receiver);
        emit CancelRedeemClaim(controller, receiver, requestId, msg.sender, amount);
    }

    // =================================================================== ERC-165

    /// @notice ERC-165: ERC-7575 (0x2f0a18c5), ERC-7540 operators (0xe3bc4e65) and asynchronous redemption
    /// (0x620ee8e4), ERC-7887 redemption cancellation (0xe76cffc7), ERC-165.
    /// @param interfaceId The interface.
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return
            interfaceId == type(IERC7575).interfaceId ||
            interfaceId == type(IERC7540Operator).interfaceId ||
            interfaceId == type(IERC7540Redeem).interfaceId ||
            interfaceId == type(IERC7887Redeem).interfaceId ||
            interfaceId == type(IERC165).interfaceId;
    }

    // =================================================================== internals

    /// @dev Takes `assets` from `payer` and subscribes them for `receiver`; returns its balance increase.
    function _subscribe(
        address payer,
        uint256 assets,
        address receiver,
        uint256 minTokensOut
    ) private returns (uint256 shares) {
        uint256 before = _ASSET.balanceOf(address(this));
        _ASSET.safeTransferFrom(payer, address(this), assets);
        uint256 received = _ASSET.balanceOf(address(this)) - before;
        if (received != assets) revert AssetNotReceived(assets, received);
        uint256 held = _SHARE.balanceOf(receiver);
        manager.subscribeFor(address(_ASSET), assets, minTokensOut, receiver, payer);
        shares = _SHARE.balanceOf(receiver) - held;
        emit Deposit(payer, receiver, assets, shares);
    }

    function _pay(address receiver, address controller, uint256 assets, uint256 shares) private {
        _ASSET.safeTransfer(receiver, assets);
        emit Withdraw(msg.sender, receiver, controller, assets, shares);
    }

    function _authorize(address account) private view {
        if (account != msg.sender && !isOperator[account][msg.sender])
            revert UnauthorizedCaller(msg.sender, account);
    }

    function _request(
        uint256 requestId,
        address controller
    ) private view returns (uint256 pending, uint256 claimable, uint256 cancelClaimable) {
        try manager.vaultRequest(address(this), requestId, controller) returns (
            uint256 p,
            uint256 c,
            uint256 cc
        ) {
            return (p, c, cc);
        } catch {
            return (0, 0, 0);
        }
    }

    function _maxClaim(address controller) private view returns (uint256 shares, uint256 assets) {
        try manager.maxClaim(address(this), controller) returns (uint256 s, uint256 a) {
            return (s, a);
        } catch {
            return (0, 0);
        }
    }

    /// @dev The most the token's share rounding can withhold from a mint of `t` to a wallet: ceil(index / 1e18).
    function _rounding() private view returns (uint256) {
        return Math.ceilDiv(_SHARE.index(), 1e18);
    }

    function _lessRounding(uint256 tokens) private view returns (uint256) {
        uint256 margin = _rounding();
        return tokens > margin ? tokens - margin : 0;
    }

    /// @dev The manager's minimum (USD, 18 decimals) for a subscription of `receiver`: first investment or top-up.
    function _minimum(address receiver) private view returns (uint256) {
        IFundManager.Parameters memory p = manager.parameters();
        return _SHARE.balanceOf(receiver) == 0 ? p.minFirstInvestment : p.minTopUp;
    }
}
