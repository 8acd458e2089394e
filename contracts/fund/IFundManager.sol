// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IFundToken} from "../interfaces/IFundToken.sol";
import {IFundManagerTypes} from "./IFundManagerTypes.sol";

/// @title IFundManager
/// @notice Subscriptions and redemptions of the fund token against stablecoins at NAV, with minimums, fees,
/// rolling daily limits, an instant-redemption liquidity buffer and a FIFO redemption queue settled by the
/// transfer agent at the settlement NAV. See docs/FUND.md.
/// Its ERC-7575 entry points (`FundVault`, one per accepted stablecoin) subscribe and request redemptions through
/// the vault functions below: the same rules, the same queue (docs/INTEGRATION.md).
/// @dev The implementation is split in three contracts sharing one storage: FundManager (investors' paths and
/// the queue settlement), FundManagerAdmin (configuration, held requests, cancellations, views), reached through
/// FundManager's fallback, and FundManagerVaults (the vaults' side), reached through FundManagerAdmin's fallback.
/// This interface is the ABI of the whole manager.
interface IFundManager is IAccessManaged, IFundManagerTypes {
    /// @notice A state-changing function was entered again during its own execution (ReentrancyGuardTransient).
    error ReentrancyGuardReentrantCall();
    /// @notice A stablecoin transfer failed (SafeERC20).
    error SafeERC20FailedOperation(address token);
    /// @notice The authority given at initialisation is the zero address (ManagedUpgradeable).
    error ZeroAuthority();

    // ------------------------------------------------------------------ investors

    /// @notice Subscribes `amount` of `stablecoin` for tokens at NAV (see FundManager).
    function subscribe(
        address stablecoin,
        uint256 amount,
        uint256 minTokensOut
    ) external returns (uint256 tokens);

    /// @notice Redeems tokens at NAV: paid at once from the buffer or queued (see FundManager).
    function requestRedemption(
        uint256 tokenAmount,
        address stablecoin,
        uint256 minOut
    ) external returns (uint256 requestId, uint256 paid);

    /// @notice {requestRedemption} with an EIP-2612 permit of the token.
    function requestRedemptionWithPermit(
        uint256 tokenAmount,
        address stablecoin,
        uint256 minOut,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 requestId, uint256 paid);

    /// @notice Cancels the caller's pending or held request; the escrowed tokens go back.
    function cancelRedemption(uint256 requestId) external returns (uint256 amount);

    // ------------------------------------------------------------------ transfer agent

    /// @notice Settles up to `count` queue positions at the current NAV, first in, first out per stablecoin.
    /// TRANSFER_AGENT.
    function settleRedemptions(uint256 count) external returns (uint256 settled);

    /// @notice Sets a pending request aside (held, reason TransferAgent). TRANSFER_AGENT.
    function holdRequest(uint256 requestId) external;

    /// @notice Pays held requests whose investors may be paid again. TRANSFER_AGENT.
    function settleHeld(uint256[] calldata requestIds) external;

    /// @notice Moves a held request's escrow to `to` and closes it. TRANSFER_AGENT.
    function releaseHeld(uint256 requestId, address to) external returns (uint256 amount);

    /// @notice Sends free liquidity to the custodian. TRANSFER_AGENT.
    function withdrawToCustodian(address stablecoin, uint256 amount) external;

    // ------------------------------------------------------------------ governance

    /// @notice Accepts a stablecoin. ISSUER.
    function addStablecoin(address stablecoin, uint96 bufferTarget) external;

    /// @notice Stops accepting a stablecoin. ISSUER.
    function removeStablecoin(address stablecoin) external;

    /// @notice Sets a stablecoin's liquidity buffer target. ISSUER.
    function setLiquidityBufferTarget(address stablecoin, uint96 target) external;

    /// @notice Sets the fees. ISSUER.
    function setFees(uint16 subscriptionFeeBps, uint16 redemptionFeeBps) external;

    /// @notice Sets the minimums and the position cap. ISSUER.
    function setInvestmentLimits(uint96 minFirstInvestment, uint96 minTopUp, uint96 maxPerInvestor) external;

    /// @notice Sets a flow's rolling daily limits. ISSUER.
    function setDailyLimits(Flow flow, uint96 perInvestor, uint96 global) external;

    /// @notice Sets the custodian. ISSUER.
    function setCustodian(address custodian) external;

    /// @notice Sets the fee recipient. ISSUER.
    function setFeeRecipient(address feeRecipient) external;

    /// @notice Sets the annual rate at which subscriptions carry the applied NAV forward. ISSUER.
    function setNavCarryRate(uint16 bps) external;

    /// @notice Switches instant redemption. ISSUER.
    function setInstantRedemption(bool enabled) external;

    /// @notice Pauses subscriptions. GUARDIAN.
    function pauseSubscriptions() external;

    /// @notice Unpauses subscriptions. ISSUER.
    function unpauseSubscriptions() external;

    /// @notice Pauses redemptions. GUARDIAN.
    function pauseRedemptions() external;

    /// @notice Unpauses redemptions. ISSUER.
    function unpauseRedemptions() external;

    /// @notice UUPS upgrade. ISSUER.
    function upgradeToAndCall(address newImplementation, bytes calldata data) external payable;

    // ------------------------------------------------------------------ ERC-7575 / ERC-7540 vaults

    /// @notice A subscription for `investor`, paid by the calling vault (see FundManagerVaults). The stablecoin's
    /// registered vault only.
    function subscribeFor(
        address stablecoin,
        uint256 amount,
        uint256 minTokensOut,
        address investor,
        address payer
    ) external returns (uint256 tokens);

    /// @notice A redemption request of `owner`'s tokens controlled by `controller` (see FundManagerVaults). The
    /// stablecoin's registered vault only.
    function requestRedemptionFor(
        address spender,
        address owner,
        address controller,
        address stablecoin,
        uint256 tokenAmount
    ) external returns (uint256 requestId);

    /// @notice ERC-7887: cancels a request made through the calling vault; its escrow becomes claimable.
    function cancelRedemptionFor(uint256 requestId, address controller) external;

    /// @notice ERC-7887: sends a cancelled vault request's escrow to `receiver`.
    function claimCancellationFor(
        uint256 requestId,
        address controller,
        address receiver
    ) external returns (uint256 amount);

    /// @notice ERC-7540 `redeem`: books a claim of `shares` of `controller`'s settled vault requests.
    function claimRedeemFor(
        address controller,
        address receiver,
        uint256 shares
    ) external returns (uint256 assets);

    /// @notice ERC-7540 `withdraw`: books a claim of `assets` of `controller`'s settled vault requests.
    function claimWithdrawFor(
        address controller,
        address receiver,
        uint256 assets
    ) external returns (uint256 shares);

    /// @notice The FundManagerVaults extension.
    function vaultExtension() external view returns (address);

    /// @notice A vault's id (0: it made no request yet).
    function vaultIdOf(address vault) external view returns (uint8);

    /// @notice Escrowed shares of cancelled vault requests waiting for their claims.
    function cancelledEscrow() external view returns (uint256);

    /// @notice A controller's claimable shares and assets in a vault.
    function claimable(
        address vault,
        address controller
    ) external view returns (uint256 shares, uint256 assets);

    /// @notice {claimable}, or zeros while claims are refused (redemptions paused, controller not payable).
    function maxClaim(
        address vault,
        address controller
    ) external view returns (uint256 shares, uint256 assets);

    /// @notice A vault request's pending, claimable and cancel-claimable amounts for a controller.
    function vaultRequest(
        address vault,
        uint256 requestId,
        address controller
    ) external view returns (uint256 pending, uint256 claimableShares, uint256 cancelClaimable);

    /// @notice The largest subscription an investor can make now without a revert (0 if none).
    function maxSubscription(address stablecoin, address investor) external view returns (uint256 amount);

    /// @notice The smallest subscription amount that mints at least `tokens` now.
    function quoteSubscriptionAmount(
        address stablecoin,
        uint256 tokens
    ) external view returns (uint256 amount);

    // ------------------------------------------------------------------ views

    /// @notice Largest fee, in basis points.
    function MAX_FEE_BPS() external view returns (uint16);

    /// @notice Largest NAV carry rate, in basis points a year.
    function MAX_NAV_CARRY_RATE_BPS() external view returns (uint16);

    /// @notice Refill window of the daily limits.
    function LIMIT_WINDOW() external view returns (uint48);

    /// @notice The FundManagerAdmin extension.
    function extension() external view returns (address);

    /// @notice The fund token.
    function token() external view returns (IFundToken);

    /// @notice Every parameter.
    function parameters() external view returns (Parameters memory);

    /// @notice A stablecoin's configuration.
    function stablecoinInfo(address stablecoin) external view returns (StablecoinInfo memory);

    /// @notice Every stablecoin ever configured, by id.
    function stablecoins() external view returns (address[] memory);

    /// @notice Balance, reserved part and free part of the manager's `stablecoin`.
    function liquidity(
        address stablecoin
    ) external view returns (uint256 balance, uint256 reserved, uint256 free);

    /// @notice Queue positions, counts and escrow.
    function queue() external view returns (QueueInfo memory);

    /// @notice A request and its stablecoin.
    function request(
        uint256 requestId
    ) external view returns (RedemptionRequest memory r, address stablecoin);

    /// @notice A request's value at the current index.
    function requestValue(
        uint256 requestId
    ) external view returns (uint256 value, uint256 gross, uint256 fee, uint256 net);

    /// @notice Value of the pending escrow at the current index.
    function pendingValue() external view returns (uint256);

    /// @notice Remaining subscription capacity of an investor identity and of the fund.
    function subscriptionCapacity(address identity) external view returns (uint256 investor, uint256 global);

    /// @notice Remaining instant-redemption capacity of an investor identity and of the fund.
    function redemptionCapacity(address identity) external view returns (uint256 investor, uint256 global);

    /// @notice Fee and tokens of a subscription.
    function quoteSubscription(
        address stablecoin,
        uint256 amount
    ) external view returns (uint256 fee, uint256 tokens);

    /// @notice Gross, fee and net of a redemption.
    function quoteRedemption(
        address stablecoin,
        uint256 tokenAmount
    ) external view returns (uint256 gross, uint256 fee, uint256 net);
}
