// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title IFundManagerTypes
/// @notice Errors, events and structs of the fund manager (shared by its implementation and its extension).
/// @dev USD amounts of limits and minimums are 18-decimal token units (one token is $1); stablecoin amounts are
/// in the stablecoin's own decimals.
interface IFundManagerTypes {
    /// @notice Lifecycle of a queued redemption request. A request made through an ERC-7540 vault is Settled once
    /// its payout is in the vault, claimable by its controller; CancelClaimable once its controller cancelled it
    /// through the vault (ERC-7887), its escrow waiting in the manager for the controller's claim (then Cancelled).
    enum RequestStatus {
        None,
        Pending,
        Held,
        Settled,
        Cancelled,
        Released,
        CancelClaimable
    }

    /// @notice Why a request was set aside instead of paid: by a settlement (investor no longer payable, payout
    /// below its minimum, payment refused by the stablecoin) or explicitly by the transfer agent.
    enum HoldReason {
        None,
        NotVerified,
        Frozen,
        Sanctioned,
        BelowMinOut,
        PaymentFailed,
        TransferAgent
    }

    /// @notice The two flows the guardian can pause separately.
    enum Flow {
        Subscription,
        Redemption
    }

    /// @notice A configured stablecoin: one storage word.
    /// @param id Position in the registration order (1-based), stored in redemption requests.
    /// @param decimals The stablecoin's decimals, read when it was added (at most 18).
    /// @param enabled Whether subscriptions and new redemption requests accept it.
    /// @param bufferTarget Free liquidity the manager keeps for instant redemptions, in stablecoin units.
    /// @param pendingShares Escrowed shares of pending requests paid in this stablecoin.
    struct StablecoinInfo {
        uint8 id;
        uint8 decimals;
        bool enabled;
        uint96 bufferTarget;
        uint128 pendingShares;
    }

    /// @notice A queued redemption request: two storage words.
    /// @param investor The wallet that requested and is paid; for a request made through an ERC-7540 vault, its
    /// controller (who claims the payout from the vault; the settlement's checks apply to it).
    /// @param requestedAt When the request entered the queue.
    /// @param coinId The stablecoin's id.
    /// @param status The request's state.
    /// @param vaultId The ERC-7540 vault the request was made through ({vaultIdOf}), 0 for a direct request.
    /// @param shares Token shares held in escrow by the manager (earning yield until settlement).
    /// @param minOut Smallest net payout the investor accepts, in stablecoin units (0 through a vault).
    struct RedemptionRequest {
        address investor;
        uint40 requestedAt;
        uint8 coinId;
        RequestStatus status;
        uint8 vaultId;
        uint128 shares;
        uint128 minOut;
    }

    /// @notice Positions in the queue and the escrow it holds.
    /// @param head Id of the oldest request not yet passed by a settlement.
    /// @param tail Id the next request will get (requests are [head, tail)).
    /// @param pendingCount Requests waiting for settlement.
    /// @param heldCount Requests set aside by a settlement for the transfer agent.
    /// @param pendingShares Escrowed shares of pending requests.
    /// @param heldShares Escrowed shares of held requests.
    struct QueueInfo {
        uint64 head;
        uint64 tail;
        uint64 pendingCount;
        uint64 heldCount;
        uint128 pendingShares;
        uint128 heldShares;
    }

    /// @notice Every parameter of the manager.
    struct Parameters {
        address token;
        address custodian;
        address feeRecipient;
        uint16 subscriptionFeeBps;
        uint16 redemptionFeeBps;
        bool subscriptionsPaused;
        bool redemptionsPaused;
        bool instantRedemption;
        uint16 navCarryRateBps;
        uint96 minFirstInvestment;
        uint96 minTopUp;
        uint96 maxPerInvestor;
        uint96 subscriptionLimitPerInvestor;
        uint96 subscriptionLimitGlobal;
        uint96 redemptionLimitPerInvestor;
        uint96 redemptionLimitGlobal;
    }

    // ------------------------------------------------------------------------------------------ errors

    /// @notice Subscriptions are paused by the guardian.
    error SubscriptionsPaused();
    /// @notice Redemptions are paused by the guardian.
    error RedemptionsPaused();
    /// @notice The stablecoin is not accepted.
    error StablecoinNotEnabled(address stablecoin);
    /// @notice The stablecoin is already accepted.
    error StablecoinAlreadyEnabled(address stablecoin);
    /// @notice The address is not a usable stablecoin (no code, the fund token, or decimals not readable or > 18).
    error InvalidStablecoin(address stablecoin);
    /// @notice No more stablecoins can be registered (255 at most).
    error TooManyStablecoins();
    /// @notice The amount is zero or above 2^128 - 1.
    error InvalidAmount(uint256 amount);
    /// @notice The caller is not a verified investor (unregistered, KYC expired, revoked, or an account of the fund).
    error NotAnInvestor(address wallet);
    /// @notice A first investment below the minimum (USD, 18 decimals).
    error BelowMinFirstInvestment(uint256 usd, uint256 minimum);
    /// @notice A top-up below the minimum (USD, 18 decimals).
    error BelowMinTopUp(uint256 usd, uint256 minimum);
    /// @notice The investor's position after subscribing would exceed the maximum (USD, 18 decimals).
    error MaxPerInvestorExceeded(address identity, uint256 positionAfter, uint256 maximum);
    /// @notice The investor's rolling daily subscription limit is used up (USD, 18 decimals).
    error InvestorSubscriptionLimitExceeded(address identity, uint256 usd, uint256 available);
    /// @notice The fund's rolling daily subscription limit is used up (USD, 18 decimals).
    error GlobalSubscriptionLimitExceeded(uint256 usd, uint256 available);
    /// @notice The stablecoin credited another amount than was sent (fee-on-transfer or rebasing token).
    error FeeOnTransferStablecoin(address stablecoin, uint256 sent, uint256 received);
    /// @notice The output is below the caller's minimum.
    error InsufficientOutput(uint256 out, uint256 minOut);
    /// @notice The redemption would pay nothing after rounding and fee.
    error RedemptionTooSmall(uint256 tokenAmount);
    /// @notice The wallet is sanctioned (internal list or sanctions oracle): it may not redeem.
    error WalletSanctioned(address wallet);
    /// @notice The newest NAV round could not be applied (the reserve guard blocked the accrual).
    error NavAccrualBlocked(uint80 roundId, uint256 updatedAt);
    /// @notice The manager's free stablecoin balance does not cover the payment.
    error InsufficientLiquidity(address stablecoin, uint256 available, uint256 needed);
    /// @notice The request is not in a state that allows the operation.
    error InvalidRequestStatus(uint256 requestId, RequestStatus status);
    /// @notice Only the investor who made the request may cancel it.
    error NotRequestOwner(uint256 requestId, address caller, address investor);
    /// @notice A held request still cannot be paid.
    error RequestStillBlocked(uint256 requestId, HoldReason reason);
    /// @notice A settlement was asked for zero requests.
    error ZeroCount();
    /// @notice Nothing to settle: no request between the head and the tail of the queue.
    error QueueEmpty();
    /// @notice A fee above {MAX_FEE_BPS}.
    error FeeTooHigh(uint16 bps, uint16 maxBps);
    /// @notice A NAV carry rate above {MAX_NAV_CARRY_RATE_BPS}.
    error NavCarryRateTooHigh(uint16 bps, uint16 maxBps);
    /// @notice Maximum per investor zero or below the minimum first investment.
    error InvalidInvestmentLimits(uint96 minFirstInvestment, uint96 minTopUp, uint96 maxPerInvestor);
    /// @notice A daily limit of zero, or a global limit below the per-investor limit.
    error InvalidDailyLimits(uint96 perInvestor, uint96 global);
    /// @notice The custodian is zero or the manager itself.
    error InvalidCustodian(address custodian);
    /// @notice The fee recipient is zero or the manager itself.
    error InvalidFeeRecipient(address feeRecipient);
    /// @notice The token is not a contract.
    error InvalidToken(address token);
    /// @notice The extension is not a contract.
    error InvalidExtension(address extension);
    /// @notice The caller is not the ERC-7575 entry point the fund token lists for the stablecoin (`vault(asset)`).
    error NotTheVault(address stablecoin, address caller);
    /// @notice The caller is not the ERC-7540 vault the request was made through.
    error NotRequestVault(uint256 requestId, address caller);
    /// @notice No more vaults can be registered (255 at most).
    error TooManyVaults();
    /// @notice The wallet cannot be paid, or be the controller or payer of a vault operation, for `reason`
    /// (not verified, frozen in the token, or sanctioned).
    error IneligibleWallet(address wallet, HoldReason reason);
    /// @notice A claim of zero, or of more than the controller's claimable shares or assets.
    error ClaimExceedsClaimable(address controller, uint256 requested, uint256 claimable);

    // ------------------------------------------------------------------------------------------ events

    /// @notice An investor subscribed: `amount` of `stablecoin` in, `fee` to the fee recipient, `toBuffer` kept
    /// for instant redemptions, `toCustodian` to the custodian, `tokens` minted. `carry` is what the NAV carried
    /// forward from the applied round to the subscription withheld: the net amount in USD is `tokens + carry`.
    event Subscribed(
        address indexed investor,
        address indexed identity,
        address indexed stablecoin,
        uint256 amount,
        uint256 fee,
        uint256 toBuffer,
        uint256 toCustodian,
        uint256 tokens,
        uint256 carry
    );
    /// @notice An instant redemption: `tokenAmount` burned, `gross` stablecoins of which `fee` to the fee
    /// recipient and `net` to the investor.
    event Redeemed(
        address indexed investor,
        address indexed identity,
        address indexed stablecoin,
        uint256 tokenAmount,
        uint256 gross,
        uint256 fee,
        uint256 net
    );
    /// @notice A redemption entered the queue; `shares` are held in escrow.
    event RedemptionRequested(
        uint256 indexed requestId,
        address indexed investor,
        address indexed stablecoin,
        uint256 tokenAmount,
        uint256 shares,
        uint256 minOut
    );
    /// @notice A queued request was paid at the settlement NAV: its `shares` were worth `value` tokens,
    /// `gross` stablecoins of which `fee` to the fee recipient and `net` to the investor.
    event RedemptionSettled(
        uint256 indexed requestId,
        address indexed investor,
        address indexed stablecoin,
        uint256 shares,
        uint256 value,
        uint256 gross,
        uint256 fee,
        uint256 net
    );
    /// @notice A request was set aside (by a settlement, or by the transfer agent: `reason` TransferAgent); the
    /// transfer agent settles or releases it later, or the investor cancels it.
    event RedemptionHeld(uint256 indexed requestId, address indexed investor, HoldReason reason);
    /// @notice The investor cancelled a request; its escrowed shares (worth `amount`) went back.
    event RedemptionCancelled(
        uint256 indexed requestId,
        address indexed investor,
        uint256 shares,
        uint256 amount
    );
    /// @notice The transfer agent released a held request's escrow to `to`.
    event RedemptionReleased(
        uint256 indexed requestId,
        address indexed investor,
        address indexed to,
        uint256 shares,
        uint256 amount
    );
    /// @notice A vault made its first redemption request and got its id (stored in its requests).
    event VaultRegistered(address indexed vault, uint8 id);
    /// @notice A request made through a vault was cancelled by its controller (ERC-7887): its escrowed `shares`
    /// wait in the manager for the controller's claim.
    event RedemptionCancelClaimable(uint256 indexed requestId, address indexed controller, uint256 shares);
    /// @notice The controller of a cancelled vault request claimed its escrow: `shares` (worth `amount`) went to
    /// `receiver`.
    event CancellationClaimed(
        uint256 indexed requestId,
        address indexed controller,
        address indexed receiver,
        uint256 shares,
        uint256 amount
    );
    /// @notice The controller of settled vault requests claimed `shares` (token value at settlement) of them for
    /// `assets` stablecoins, which the vault sent to `receiver`.
    event RedemptionClaimed(
        address indexed vault,
        address indexed controller,
        address indexed receiver,
        uint256 shares,
        uint256 assets
    );
    /// @notice Free liquidity went back to the custodian.
    event LiquidityWithdrawn(address indexed stablecoin, address indexed custodian, uint256 amount);
    /// @notice A stablecoin became accepted.
    event StablecoinAdded(address indexed stablecoin, uint8 id, uint8 decimals);
    /// @notice A stablecoin is no longer accepted (queued requests in it still settle).
    event StablecoinRemoved(address indexed stablecoin);
    /// @notice A stablecoin's liquidity buffer target changed (stablecoin units).
    event LiquidityBufferTargetChanged(address indexed stablecoin, uint96 oldTarget, uint96 newTarget);
    /// @notice The fees changed.
    event FeesChanged(
        uint16 oldSubscriptionFeeBps,
        uint16 newSubscriptionFeeBps,
        uint16 oldRedemptionFeeBps,
        uint16 newRedemptionFeeBps
    );
    /// @notice The investment limits changed (USD, 18 decimals).
    event InvestmentLimitsChanged(
        uint96 oldMinFirstInvestment,
        uint96 newMinFirstInvestment,
        uint96 oldMinTopUp,
        uint96 newMinTopUp,
        uint96 oldMaxPerInvestor,
        uint96 newMaxPerInvestor
    );
    /// @notice The rolling daily limits of a flow changed (USD, 18 decimals).
    event DailyLimitsChanged(
        Flow indexed flow,
        uint96 oldPerInvestor,
        uint96 newPerInvestor,
        uint96 oldGlobal,
        uint96 newGlobal
    );
    /// @notice The custodian changed.
    event CustodianChanged(address indexed oldCustodian, address indexed newCustodian);
    /// @notice The fee recipient changed.
    event FeeRecipientChanged(address indexed oldFeeRecipient, address indexed newFeeRecipient);
    /// @notice The annual rate at which subscriptions carry the applied NAV forward to their own time changed.
    event NavCarryRateChanged(uint16 oldBps, uint16 newBps);
    /// @notice Instant redemption was switched on or off.
    event InstantRedemptionChanged(bool oldEnabled, bool newEnabled);
    /// @notice A flow was paused or unpaused.
    event PauseChanged(Flow indexed flow, bool oldPaused, bool newPaused);
}
