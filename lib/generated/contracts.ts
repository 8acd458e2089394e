/**
 * GENERATED FILE, DO NOT EDIT. The values the contracts define, from the solc output of contracts/ (mocks
 * excluded): every enum (members in order, as numbers), every constant, every custom error (signature and
 * selector) and the restriction texts of TransferRestrictions.message, grouped by the contract that declares them
 * (`Roles.ISSUER`, `IFundManagerTypes.RequestStatus.Pending`, `ComplianceBase.RULE_COUNTRY`).
 *
 * Written by `npx hardhat compile` (scripts/tasks/values.ts, scripts/lib/contract-values.ts) when a contract
 * changed; `npx hardhat values:generate` rewrites it; `npx hardhat values:check` (in `npm run lint`) fails when
 * it differs from what the contracts produce.
 *
 * Integers: `number` when the Solidity type has at most 48 bits (uint8 ... uint48, int8 ... int48; enum
 * members), `bigint` for wider types (uint56 ... uint256), whatever the value. bytesN: 0x-prefixed lowercase hex.
 *
 * Skipped constants (not values): none.
 */

/** contracts/identity/sources/AttestationSource.sol */
export const AttestationSource = {
  /** enum SchemaKind */
  SchemaKind: { None: 0, Flag: 1, CountryCode: 2, Record: 3 },
  /** enum AttestationStatus */
  AttestationStatus: {
    Valid: 0,
    NoSchemas: 1,
    EvidenceMismatch: 2,
    NotFound: 3,
    WrongSchema: 4,
    UntrustedAttester: 5,
    NotForWallet: 6,
    Revoked: 7,
    Expired: 8,
    MalformedData: 9,
    CountryNotMapped: 10,
    EvaluationReverted: 11,
  },
  /** uint256 */
  MAX_SCHEMAS: 4n,
  /** bytes32 */
  _STORAGE_SLOT: "0xae7ba0f97151a84521285a4b3e130ae2f393ef40b58e5c108147a18c83e6d000",
  InvalidEas: { signature: "InvalidEas(address)", selector: "0x98acc0f2" },
  NoSchemas: { signature: "NoSchemas()", selector: "0xe3e39fdb" },
  AttestationCountMismatch: {
    signature: "AttestationCountMismatch(uint256,uint256)",
    selector: "0xcad11ac9",
  },
  AttestationRefused: { signature: "AttestationRefused(bytes32,uint8)", selector: "0xfc5f130c" },
  InvalidSchemaRule: { signature: "InvalidSchemaRule(bytes32)", selector: "0xac5bf261" },
  InvalidCountryCodes: { signature: "InvalidCountryCodes()", selector: "0xb6b4e482" },
  InvalidAttester: { signature: "InvalidAttester(address)", selector: "0x50ac526b" },
} as const;

/** contracts/settlement/CcipEndpoint.sol */
export const CcipEndpoint = {
  /** uint32 */
  MIN_GAS_LIMIT: 100_000,
  /** uint32 */
  MAX_GAS_LIMIT: 3_000_000,
  /** bytes32 */
  _STORAGE_SLOT: "0xc1c2239d5d8454db3ebfc1fbf110d114c66c2e74447f228b4db218675c265e00",
} as const;

/** contracts/bridge/ChainMessages.sol */
export const ChainMessages = {
  /** uint8 */
  INVESTORS: 1,
  /** uint8 */
  INDEX: 2,
} as const;

/** contracts/compliance/ComplianceBase.sol */
export const ComplianceBase = {
  /** uint16 */
  RULE_COUNTRY: 1,
  /** uint16 */
  RULE_SANCTIONS: 2,
  /** uint16 */
  RULE_INVESTOR_CLASS: 4,
  /** uint16 */
  RULE_MAX_INVESTORS: 8,
  /** uint16 */
  RULE_HOLDING_LIMITS: 16,
  /** uint16 */
  RULE_LOCKUP: 32,
  /** uint16 */
  RULE_TRANSFER_LIMIT: 64,
  /** uint16 */
  ALL_RULES: 127,
  /** uint8 */
  COUNTRY_DENY_LIST: 0,
  /** uint8 */
  COUNTRY_ALLOW_LIST: 1,
  /** uint256 */
  MAX_MODULES: 8n,
  /** uint32 */
  MAX_LOCK_TRANCHES: 32,
  /** uint40 */
  MAX_LOCK_PERIOD: 315_360_000,
  /** bytes32 */
  _STORAGE_SLOT: "0x637e86f7b8f758e96095a0d4bcdf8e3ef79cfa90371dd7b85bb89c732d38d700",
} as const;

/** contracts/settlement/CrossChainAssetEscrow.sol */
export const CrossChainAssetEscrow = {
  /** uint40 */
  MAX_PAYMENT_WINDOW: 2_592_000,
  /** uint32 */
  MIN_CONFIRMATION_GRACE: 28_800,
  /** uint32 */
  MAX_CONFIRMATION_GRACE: 2_592_000,
  /** bytes32 */
  _STORAGE_SLOT: "0xb801642a7087cd53e8fc1075890a9bec7f65f5093a33ed7b129d76994053a400",
} as const;

/** contracts/settlement/CrossChainPaymentEscrow.sol */
export const CrossChainPaymentEscrow = {
  /** bytes32 */
  _STORAGE_SLOT: "0xc105d49e7e008e4dcd9a63a2a1b5ef55c9133cdde90180a2f06f296be5311500",
} as const;

/** contracts/settlement/DvPSettlement.sol */
export const DvPSettlement = {
  /** uint40 */
  MAX_TRADE_DURATION: 2_592_000,
  /** uint32 */
  MIN_PAYMENT_WINDOW: 3600,
  /** bytes32 */
  _STORAGE_SLOT: "0x36bd7f377ae6ca4f0c3a069b2d2eb6410d714868ad9b577b3048e48219917300",
} as const;

/** contracts/oracle/FeedMath.sol */
export const FeedMath = {
  /** uint8 */
  WAD_DECIMALS: 18,
  /** uint8 */
  MAX_FEED_DECIMALS: 36,
} as const;

/** contracts/bridge/FundBurnMintPool.sol */
export const FundBurnMintPool = {
  /** string */
  typeAndVersion: "FundBurnMintPool 1.0.0",
} as const;

/** contracts/bridge/FundLockReleasePool.sol */
export const FundLockReleasePool = {
  InsufficientLockedShares: {
    signature: "InsufficientLockedShares(uint64,uint256,uint256)",
    selector: "0x3d1b6d07",
  },
  /** string */
  typeAndVersion: "FundLockReleasePool 1.0.0",
} as const;

/** contracts/fund/FundManager.sol */
export const FundManager = {
  /** enum Outcome */
  Outcome: { Paid: 0, Held: 1, Short: 2 },
} as const;

/** contracts/fund/FundManagerBase.sol */
export const FundManagerBase = {
  /** uint16 */
  MAX_FEE_BPS: 100,
  /** uint16 */
  MAX_NAV_CARRY_RATE_BPS: 2000,
  /** uint48 */
  LIMIT_WINDOW: 86_400,
  /** uint256 */
  _BPS: 10_000n,
  /** uint256 */
  _CARRY_DENOMINATOR: 315_360_000_000n,
  /** uint256 */
  _MAX_AMOUNT: 340282366920938463463374607431768211455n,
  /** bytes32 */
  _GLOBAL: "0x0000000000000000000000000000000000000000000000000000000000000000",
  /** bytes32 */
  _STORAGE_SLOT: "0x9603226bdc93713522772f1d5c39c6add707f60a1f603b30804fcf3a45a21300",
} as const;

/** contracts/bridge/FundSharesPool.sol */
export const FundSharesPool = {
  PoolPaused: { signature: "PoolPaused()", selector: "0x51bd770c" },
  PoolPauseUnchanged: { signature: "PoolPauseUnchanged(bool)", selector: "0xae6f68fd" },
  TokenPaused: { signature: "TokenPaused()", selector: "0xe7792495" },
  NoSharesToSend: { signature: "NoSharesToSend()", selector: "0x714d5d7a" },
  InvalidSharesPayload: { signature: "InvalidSharesPayload(bytes)", selector: "0xff67ba16" },
  TransferAlreadyReleased: { signature: "TransferAlreadyReleased(uint64,uint64)", selector: "0x9d31ad9f" },
  ArrivalFailedWithoutReason: { signature: "ArrivalFailedWithoutReason(address)", selector: "0x3c524fa1" },
  UnknownParkedArrival: { signature: "UnknownParkedArrival(uint256)", selector: "0x15c5daa5" },
  NoReturnAddress: { signature: "NoReturnAddress(uint256)", selector: "0x23ca9979" },
  InsufficientFee: { signature: "InsufficientFee(uint256,uint256)", selector: "0xa458261b" },
  ReceiverIsPool: { signature: "ReceiverIsPool(address)", selector: "0x617dc56b" },
  RefundFailed: { signature: "RefundFailed(address,uint256)", selector: "0xaf73b0b2" },
  /** uint256 */
  _SHARES_MASK: 340282366920938463463374607431768211455n,
} as const;

/** contracts/token/FundToken.sol */
export const FundToken = {
  /** uint256 */
  _FEE_DENOMINATOR: 315_360_000_000n,
  /** uint256 */
  _RESERVE_CHECK_GAS: 100_000n,
  /** uint256 */
  _RESERVE_CHECK_MIN_GAS_LEFT: 106_587n,
} as const;

/** contracts/token/FundTokenAdmin.sol */
export const FundTokenAdmin = {
  /** bytes32 */
  _PERMIT_TYPEHASH: "0x6e71edae12b1b97f4d1f60370fef10105fa2faae0126114a169c64845d6126c9",
} as const;

/** contracts/token/FundTokenBase.sol */
export const FundTokenBase = {
  /** uint16 */
  MAX_MANAGEMENT_FEE_BPS: 200,
  /** string */
  _VERSION: "1.0.0",
  /** bytes32 */
  _STORAGE_SLOT: "0x86873f1b879875410db3a709b234d468609418f813435623928c4cc915dc1700",
} as const;

/** contracts/fund/vaults/FundVault.sol */
export const FundVault = {
  InvalidAddress: { signature: "InvalidAddress(address)", selector: "0x8e4c8aa6" },
  UnauthorizedCaller: { signature: "UnauthorizedCaller(address,address)", selector: "0x536dd9ef" },
  PreviewUnavailable: { signature: "PreviewUnavailable()", selector: "0x7dc53e1c" },
  AssetNotReceived: { signature: "AssetNotReceived(uint256,uint256)", selector: "0xf536bab8" },
} as const;

/** contracts/bridge/HomeRelay.sol */
export const HomeRelay = {
  /** uint256 */
  GAS_PER_WALLET: 250_000n,
  /** uint256 */
  INDEX_GAS: 150_000n,
  /** uint256 */
  MAX_WALLETS: 20n,
  UnknownMirror: { signature: "UnknownMirror(uint64)", selector: "0x787cea1b" },
  InvalidWalletCount: { signature: "InvalidWalletCount(uint256,uint256)", selector: "0xc378c816" },
  InsufficientFee: { signature: "InsufficientFee(uint256,uint256)", selector: "0xa458261b" },
  RefundFailed: { signature: "RefundFailed(address,uint256)", selector: "0xaf73b0b2" },
  NoAppliedRound: { signature: "NoAppliedRound()", selector: "0xa93b113a" },
} as const;

/** contracts/settlement/ICcipEndpoint.sol */
export const ICcipEndpoint = {
  SourceChainNotAllowed: { signature: "SourceChainNotAllowed(uint64)", selector: "0x213c2678" },
  SenderNotAllowed: { signature: "SenderNotAllowed(uint64,bytes)", selector: "0xa074639e" },
  MessageAlreadyProcessed: { signature: "MessageAlreadyProcessed(bytes32)", selector: "0x730ac1e2" },
  MalformedMessage: { signature: "MalformedMessage(bytes32)", selector: "0xace56372" },
  UnexpectedMessageKind: { signature: "UnexpectedMessageKind(bytes32,uint8)", selector: "0x4ead1e6b" },
  DestinationChainNotAllowed: { signature: "DestinationChainNotAllowed(uint64)", selector: "0x206abad7" },
  InvalidChainSelector: { signature: "InvalidChainSelector(uint64)", selector: "0xd9a9cd68" },
  InvalidGasLimit: { signature: "InvalidGasLimit(uint32)", selector: "0x29891490" },
  InsufficientFee: { signature: "InsufficientFee(uint256,uint256)", selector: "0xa458261b" },
} as const;

/** contracts/settlement/ICrossChainAssetEscrow.sol */
export const ICrossChainAssetEscrow = {
  /** enum Status */
  Status: { None: 0, Locked: 1, ReleasePending: 2, Released: 3, RefundPending: 4, Refunded: 5 },
  InvalidAddress: { signature: "InvalidAddress(address)", selector: "0x8e4c8aa6" },
  SelfTrade: { signature: "SelfTrade(address)", selector: "0xff9f94ec" },
  InvalidAmount: { signature: "InvalidAmount(uint256)", selector: "0x3728b83d" },
  InvalidPrice: { signature: "InvalidPrice(uint256)", selector: "0xf9632e86" },
  InvalidDeadline: { signature: "InvalidDeadline(uint40,uint256)", selector: "0x65f5dc0e" },
  InvalidConfirmationGrace: { signature: "InvalidConfirmationGrace(uint32)", selector: "0x79fbc05a" },
  ReleaseRestricted: { signature: "ReleaseRestricted(uint8)", selector: "0xbac475f5" },
  WalletSanctioned: { signature: "WalletSanctioned(address)", selector: "0x37ea62f8" },
  UnknownTrade: { signature: "UnknownTrade(bytes32)", selector: "0x0e73ec6d" },
  TradeOfAnotherChain: { signature: "TradeOfAnotherChain(bytes32,uint64)", selector: "0x356c41cd" },
  InvalidStatus: { signature: "InvalidStatus(bytes32,uint8)", selector: "0x582ea80a" },
  TradeNotExpired: { signature: "TradeNotExpired(bytes32,uint40)", selector: "0xf007ebf1" },
} as const;

/** contracts/settlement/ICrossChainPaymentEscrow.sol */
export const ICrossChainPaymentEscrow = {
  /** enum Status */
  Status: { None: 0, AwaitingPayment: 1, Funded: 2, Paid: 3, Cancelled: 4 },
  InvalidPaymentToken: { signature: "InvalidPaymentToken(address)", selector: "0x4e34486d" },
  TradeAlreadyKnown: { signature: "TradeAlreadyKnown(bytes32)", selector: "0x44209db9" },
  UnknownTrade: { signature: "UnknownTrade(bytes32)", selector: "0x0e73ec6d" },
  InvalidStatus: { signature: "InvalidStatus(bytes32,uint8)", selector: "0x582ea80a" },
  CallerNotPayer: { signature: "CallerNotPayer(bytes32,address)", selector: "0x48809556" },
  PaymentDeadlinePassed: { signature: "PaymentDeadlinePassed(bytes32,uint40)", selector: "0x981fc906" },
  PaymentDeadlineNotPassed: { signature: "PaymentDeadlineNotPassed(bytes32,uint40)", selector: "0x18c39fec" },
  PaymentTransferFailed: {
    signature: "PaymentTransferFailed(bytes32,address,uint256)",
    selector: "0xb7b62397",
  },
  TermsMismatch: { signature: "TermsMismatch(bytes32,bytes32,bytes32)", selector: "0x3e778c1b" },
} as const;

/** contracts/settlement/IDvPSettlement.sol */
export const IDvPSettlement = {
  /** enum Mode */
  Mode: { OnChain: 0, OffChain: 1 },
  /** enum Status */
  Status: { None: 0, SellerCommitted: 1, BuyerCommitted: 2, Acknowledged: 3, Settled: 4, Refunded: 5 },
  InvalidAddress: { signature: "InvalidAddress(address)", selector: "0x8e4c8aa6" },
  SelfTrade: { signature: "SelfTrade(address)", selector: "0xff9f94ec" },
  CallerNotParty: { signature: "CallerNotParty(uint256,address)", selector: "0x047511a4" },
  InvalidAmount: { signature: "InvalidAmount(uint256)", selector: "0x3728b83d" },
  InvalidPrice: { signature: "InvalidPrice(uint256)", selector: "0xf9632e86" },
  InvalidCurrency: { signature: "InvalidCurrency(bytes3)", selector: "0x025f9bb6" },
  PaymentTokenNotAllowed: { signature: "PaymentTokenNotAllowed(address)", selector: "0xfa51aec6" },
  InvalidDeadline: { signature: "InvalidDeadline(uint40,uint256)", selector: "0x65f5dc0e" },
  InvalidPaymentWindow: { signature: "InvalidPaymentWindow(uint32)", selector: "0x296d3c66" },
  UnknownTrade: { signature: "UnknownTrade(uint256)", selector: "0x4bc5e355" },
  WrongMode: { signature: "WrongMode(uint256,uint8)", selector: "0xd9121164" },
  InvalidStatus: { signature: "InvalidStatus(uint256,uint8)", selector: "0x07dbba4c" },
  TradeExpired: { signature: "TradeExpired(uint256,uint40)", selector: "0x6d5e954f" },
  TradeNotExpired: { signature: "TradeNotExpired(uint256,uint40)", selector: "0x52007dde" },
  NothingEscrowed: { signature: "NothingEscrowed(uint256,uint256)", selector: "0xcee98fb1" },
  ReleaseRestricted: { signature: "ReleaseRestricted(uint256,uint8)", selector: "0x8e83a166" },
  EmptyReference: { signature: "EmptyReference(uint256)", selector: "0x8861c976" },
  SellerRestricted: { signature: "SellerRestricted(uint256,uint8)", selector: "0x11aa4c00" },
} as const;

/** contracts/interfaces/IERC7943.sol */
export const IERC7943Fungible = {
  ERC7943CannotSend: { signature: "ERC7943CannotSend(address)", selector: "0x45bae9e2" },
  ERC7943CannotReceive: { signature: "ERC7943CannotReceive(address)", selector: "0x705c1eed" },
  ERC7943CannotTransfer: {
    signature: "ERC7943CannotTransfer(address,address,uint256)",
    selector: "0x22dda4be",
  },
  ERC7943InsufficientUnfrozenBalance: {
    signature: "ERC7943InsufficientUnfrozenBalance(address,uint256,uint256)",
    selector: "0x00384e71",
  },
} as const;

/** contracts/interfaces/IFundComplianceTypes.sol */
export const IFundComplianceTypes = {
  TransferRestricted: { signature: "TransferRestricted(uint8)", selector: "0xe18ca2b9" },
  CallerNotBoundToken: { signature: "CallerNotBoundToken(address)", selector: "0x14a3b4a9" },
  UnsupportedHook: { signature: "UnsupportedHook(bytes4)", selector: "0x3d975cc7" },
  InvalidToken: { signature: "InvalidToken(address)", selector: "0x961c9a4f" },
  TokenNotBound: { signature: "TokenNotBound(address)", selector: "0xa8c0eb58" },
  InvalidModule: { signature: "InvalidModule(address)", selector: "0xb927fe5e" },
  ModuleNotBound: { signature: "ModuleNotBound(address)", selector: "0x5b75587e" },
  InvalidRules: { signature: "InvalidRules(uint16)", selector: "0x58623100" },
  RuleNotConfigured: { signature: "RuleNotConfigured(uint16)", selector: "0x9bb2315c" },
  InvalidCountryMode: { signature: "InvalidCountryMode(uint8)", selector: "0xecdfe6c3" },
  InvalidCountry: { signature: "InvalidCountry(uint16)", selector: "0x4cb928b7" },
  InvalidSanctionsOracle: { signature: "InvalidSanctionsOracle(address)", selector: "0x8cfb22e3" },
  InvalidClassRequirements: {
    signature: "InvalidClassRequirements(uint16,uint16,uint16)",
    selector: "0xeb62207a",
  },
  InvalidMaxInvestors: { signature: "InvalidMaxInvestors(uint32)", selector: "0xef2c373b" },
  InvalidHoldingLimits: { signature: "InvalidHoldingLimits(uint96,uint96)", selector: "0x2b179a0c" },
  InvalidLockPeriod: { signature: "InvalidLockPeriod(uint40)", selector: "0xc7106391" },
  InvalidMaxDailyOutflow: { signature: "InvalidMaxDailyOutflow(uint96)", selector: "0x2349b5c8" },
  InvestorSharesUnderflow: {
    signature: "InvestorSharesUnderflow(address,uint256,uint256)",
    selector: "0x433ec73f",
  },
  EmptyList: { signature: "EmptyList()", selector: "0x615fd3c0" },
  InvalidExtension: { signature: "InvalidExtension(address)", selector: "0xe9add06c" },
} as const;

/** contracts/fund/IFundManager.sol */
export const IFundManager = {
  ReentrancyGuardReentrantCall: { signature: "ReentrancyGuardReentrantCall()", selector: "0x3ee5aeb5" },
  SafeERC20FailedOperation: { signature: "SafeERC20FailedOperation(address)", selector: "0x5274afe7" },
  ZeroAuthority: { signature: "ZeroAuthority()", selector: "0x5ccfa562" },
} as const;

/** contracts/fund/IFundManagerTypes.sol */
export const IFundManagerTypes = {
  /** enum RequestStatus */
  RequestStatus: { None: 0, Pending: 1, Held: 2, Settled: 3, Cancelled: 4, Released: 5, CancelClaimable: 6 },
  /** enum HoldReason */
  HoldReason: {
    None: 0,
    NotVerified: 1,
    Frozen: 2,
    Sanctioned: 3,
    BelowMinOut: 4,
    PaymentFailed: 5,
    TransferAgent: 6,
  },
  /** enum Flow */
  Flow: { Subscription: 0, Redemption: 1 },
  SubscriptionsPaused: { signature: "SubscriptionsPaused()", selector: "0x5045b9a0" },
  RedemptionsPaused: { signature: "RedemptionsPaused()", selector: "0x0df65d9f" },
  StablecoinNotEnabled: { signature: "StablecoinNotEnabled(address)", selector: "0xd9d26a51" },
  StablecoinAlreadyEnabled: { signature: "StablecoinAlreadyEnabled(address)", selector: "0x50507478" },
  InvalidStablecoin: { signature: "InvalidStablecoin(address)", selector: "0xd9c26c50" },
  TooManyStablecoins: { signature: "TooManyStablecoins()", selector: "0x1ce5e604" },
  InvalidAmount: { signature: "InvalidAmount(uint256)", selector: "0x3728b83d" },
  NotAnInvestor: { signature: "NotAnInvestor(address)", selector: "0x829a2c43" },
  BelowMinFirstInvestment: { signature: "BelowMinFirstInvestment(uint256,uint256)", selector: "0x25c14384" },
  BelowMinTopUp: { signature: "BelowMinTopUp(uint256,uint256)", selector: "0x165b5d48" },
  MaxPerInvestorExceeded: {
    signature: "MaxPerInvestorExceeded(address,uint256,uint256)",
    selector: "0xb7199884",
  },
  InvestorSubscriptionLimitExceeded: {
    signature: "InvestorSubscriptionLimitExceeded(address,uint256,uint256)",
    selector: "0x334e68b1",
  },
  GlobalSubscriptionLimitExceeded: {
    signature: "GlobalSubscriptionLimitExceeded(uint256,uint256)",
    selector: "0xe378ad76",
  },
  FeeOnTransferStablecoin: {
    signature: "FeeOnTransferStablecoin(address,uint256,uint256)",
    selector: "0xbedf48c8",
  },
  InsufficientOutput: { signature: "InsufficientOutput(uint256,uint256)", selector: "0x2c19b8b8" },
  RedemptionTooSmall: { signature: "RedemptionTooSmall(uint256)", selector: "0x113e9daf" },
  WalletSanctioned: { signature: "WalletSanctioned(address)", selector: "0x37ea62f8" },
  NavAccrualBlocked: { signature: "NavAccrualBlocked(uint80,uint256)", selector: "0xb32910bc" },
  InsufficientLiquidity: {
    signature: "InsufficientLiquidity(address,uint256,uint256)",
    selector: "0xc480be2e",
  },
  InvalidRequestStatus: { signature: "InvalidRequestStatus(uint256,uint8)", selector: "0xd4155a66" },
  NotRequestOwner: { signature: "NotRequestOwner(uint256,address,address)", selector: "0x66288651" },
  RequestStillBlocked: { signature: "RequestStillBlocked(uint256,uint8)", selector: "0xe2182ead" },
  ZeroCount: { signature: "ZeroCount()", selector: "0x047b9cec" },
  QueueEmpty: { signature: "QueueEmpty()", selector: "0x75e52f4f" },
  FeeTooHigh: { signature: "FeeTooHigh(uint16,uint16)", selector: "0x3c057d7b" },
  NavCarryRateTooHigh: { signature: "NavCarryRateTooHigh(uint16,uint16)", selector: "0x6d92cfed" },
  InvalidInvestmentLimits: {
    signature: "InvalidInvestmentLimits(uint96,uint96,uint96)",
    selector: "0x63092700",
  },
  InvalidDailyLimits: { signature: "InvalidDailyLimits(uint96,uint96)", selector: "0x70b36ec3" },
  InvalidCustodian: { signature: "InvalidCustodian(address)", selector: "0x8885ec1b" },
  InvalidFeeRecipient: { signature: "InvalidFeeRecipient(address)", selector: "0xf80a23ec" },
  InvalidToken: { signature: "InvalidToken(address)", selector: "0x961c9a4f" },
  InvalidExtension: { signature: "InvalidExtension(address)", selector: "0xe9add06c" },
  NotTheVault: { signature: "NotTheVault(address,address)", selector: "0xfaf042e5" },
  NotRequestVault: { signature: "NotRequestVault(uint256,address)", selector: "0x83321a5a" },
  TooManyVaults: { signature: "TooManyVaults()", selector: "0x0c931210" },
  IneligibleWallet: { signature: "IneligibleWallet(address,uint8)", selector: "0xa987c74e" },
  ClaimExceedsClaimable: {
    signature: "ClaimExceedsClaimable(address,uint256,uint256)",
    selector: "0x651e3b56",
  },
} as const;

/** contracts/interfaces/IFundTokenTypes.sol */
export const IFundTokenTypes = {
  EnforcedPause: { signature: "EnforcedPause()", selector: "0xd93c0665" },
  ExpectedPause: { signature: "ExpectedPause()", selector: "0x8dfc202b" },
  ERC2612ExpiredSignature: { signature: "ERC2612ExpiredSignature(uint256)", selector: "0x62791302" },
  ERC2612InvalidSigner: { signature: "ERC2612InvalidSigner(address,address)", selector: "0x4b800e46" },
  WalletFrozen: { signature: "WalletFrozen(address)", selector: "0xc9710d20" },
  SenderNotVerified: { signature: "SenderNotVerified(address)", selector: "0x06bfa335" },
  RecipientNotVerified: { signature: "RecipientNotVerified(address)", selector: "0xa3e9d91e" },
  InsufficientUnfrozenBalance: {
    signature: "InsufficientUnfrozenBalance(address,uint256,uint256)",
    selector: "0x4c7bd554",
  },
  FreezeExceedsBalance: {
    signature: "FreezeExceedsBalance(address,uint256,uint256)",
    selector: "0xf0d8212b",
  },
  UnfreezeExceedsFrozen: {
    signature: "UnfreezeExceedsFrozen(address,uint256,uint256)",
    selector: "0xe0dfe97f",
  },
  AmountBelowOneShare: { signature: "AmountBelowOneShare(uint256)", selector: "0x9f6956a5" },
  ReserveExceeded: { signature: "ReserveExceeded(uint256,uint256)", selector: "0xf42bfaaa" },
  ForcedTransferToSelf: { signature: "ForcedTransferToSelf(address)", selector: "0x9b67b649" },
  InvalidRecovery: { signature: "InvalidRecovery(address,address,address)", selector: "0x5e71be08" },
  BatchLengthMismatch: { signature: "BatchLengthMismatch()", selector: "0x17e37b5c" },
  EmptyBatch: { signature: "EmptyBatch()", selector: "0xc2e5347d" },
  InvalidAddress: { signature: "InvalidAddress(address)", selector: "0x8e4c8aa6" },
  InvalidCompliance: { signature: "InvalidCompliance(address)", selector: "0x3a68426a" },
  InvalidFeeWallet: { signature: "InvalidFeeWallet(address)", selector: "0xb63bc9cc" },
  ManagementFeeTooHigh: { signature: "ManagementFeeTooHigh(uint16,uint16)", selector: "0x477ca91f" },
  EmptyTokenInformation: { signature: "EmptyTokenInformation()", selector: "0x9348a10f" },
  IndexOutOfRange: { signature: "IndexOutOfRange(uint256)", selector: "0x98060b46" },
  InsufficientGasForReserveCheck: {
    signature: "InsufficientGasForReserveCheck(uint256,uint256)",
    selector: "0x667d6563",
  },
  NavRebaselineNotNeeded: { signature: "NavRebaselineNotNeeded(uint80)", selector: "0x92f9a6e4" },
  NavRebaselineNotAScaleChange: {
    signature: "NavRebaselineNotAScaleChange(uint256,uint256)",
    selector: "0x96946752",
  },
  NavOutOfRange: { signature: "NavOutOfRange(uint256)", selector: "0x8f249172" },
  FrozenAmountTooLarge: { signature: "FrozenAmountTooLarge(uint256)", selector: "0xfdc7c2e5" },
  InvalidVault: { signature: "InvalidVault(address,address)", selector: "0x47e4cbf5" },
  SharesOverflow: { signature: "SharesOverflow(uint256)", selector: "0xf894473e" },
  IndexRoundNotNewer: { signature: "IndexRoundNotNewer(uint80,uint40,uint40)", selector: "0xf779daaa" },
} as const;

/** contracts/interfaces/IInvestorRegistry.sol */
export const IInvestorRegistry = {
  InvalidWallet: { signature: "InvalidWallet()", selector: "0x23455ba1" },
  InvalidIdentity: { signature: "InvalidIdentity(address)", selector: "0x841b5049" },
  InvalidCountry: { signature: "InvalidCountry(address,uint16)", selector: "0x9e642488" },
  InvalidClasses: { signature: "InvalidClasses(address,uint16)", selector: "0xba2076a1" },
  KycExpiryNotInFuture: { signature: "KycExpiryNotInFuture(address,uint40)", selector: "0xddf01c8a" },
  WalletAlreadyRegistered: { signature: "WalletAlreadyRegistered(address,address)", selector: "0x47a6f2c7" },
  WalletNotRegistered: { signature: "WalletNotRegistered(address)", selector: "0x239a7cdf" },
  WalletNotOfIdentity: { signature: "WalletNotOfIdentity(address,address,address)", selector: "0xec9a7414" },
  DuplicateWallet: { signature: "DuplicateWallet(address)", selector: "0x71fe185b" },
  WalletHoldsTokens: { signature: "WalletHoldsTokens(address,address,uint256)", selector: "0x1e12b837" },
  WalletIsFeeWallet: { signature: "WalletIsFeeWallet(address,address)", selector: "0x8051a4b2" },
  BatchLengthMismatch: { signature: "BatchLengthMismatch()", selector: "0x17e37b5c" },
  EmptyBatch: { signature: "EmptyBatch()", selector: "0xc2e5347d" },
  InvalidKycValidity: { signature: "InvalidKycValidity(uint40)", selector: "0x6a06499f" },
  InvalidBoundToken: { signature: "InvalidBoundToken(address)", selector: "0x02de70d1" },
  TokenNotBound: { signature: "TokenNotBound(address)", selector: "0xa8c0eb58" },
  ProtocolAccountNotListed: { signature: "ProtocolAccountNotListed(address)", selector: "0x03d96810" },
  ProtocolAccountStillRegistered: {
    signature: "ProtocolAccountStillRegistered(address)",
    selector: "0x80c05c21",
  },
} as const;

/** contracts/interfaces/INavOracle.sol */
export const INavOracle = {
  NavNotPositive: { signature: "NavNotPositive(uint80,int256)", selector: "0x599bc082" },
  NavTooLarge: { signature: "NavTooLarge(uint80,int256)", selector: "0xdc1b993e" },
  NavRoundNoTimestamp: { signature: "NavRoundNoTimestamp(uint80)", selector: "0x7b780f98" },
  NavRoundIncomplete: { signature: "NavRoundIncomplete(uint80,uint80)", selector: "0x3a241c54" },
  NavRoundFromFuture: { signature: "NavRoundFromFuture(uint80,uint256,uint256)", selector: "0xae2e120c" },
  NavStale: { signature: "NavStale(uint80,uint256,uint256,uint256)", selector: "0x9bfa01f3" },
  NavRoundOutOfOrder: { signature: "NavRoundOutOfOrder(uint256,uint256)", selector: "0xafc5de06" },
  NavRoundAlreadyApplied: { signature: "NavRoundAlreadyApplied(uint256)", selector: "0x0521294e" },
  NavChangeTooLarge: {
    signature: "NavChangeTooLarge(uint256,uint256,uint256,uint256)",
    selector: "0x78cbc293",
  },
  NavDecreaseNotAllowed: { signature: "NavDecreaseNotAllowed(uint256,uint256)", selector: "0x2d3cf5b6" },
  InvalidNavOracleConfig: { signature: "InvalidNavOracleConfig(string)", selector: "0x203138b6" },
} as const;

/** contracts/interfaces/IRegistrySources.sol */
export const IRegistrySources = {
  InvalidSourceId: { signature: "InvalidSourceId(uint8)", selector: "0xb1d5d35e" },
  InvalidSource: { signature: "InvalidSource(address)", selector: "0xfccbaf55" },
  SourceAlreadyListed: { signature: "SourceAlreadyListed(address,uint8)", selector: "0xda1d5d48" },
  InvalidSourcePolicy: { signature: "InvalidSourcePolicy(uint8)", selector: "0xbe5ba98a" },
  CallerNotSource: { signature: "CallerNotSource(address)", selector: "0x127c1122" },
  ProtocolClassFromSource: { signature: "ProtocolClassFromSource(address)", selector: "0x82dac451" },
  RecordHeldByOfficer: { signature: "RecordHeldByOfficer(address)", selector: "0x6c3b2392" },
  RecordNotFromSource: { signature: "RecordNotFromSource(address,uint8,uint8)", selector: "0x01f35d6c" },
  SourceStillListed: { signature: "SourceStillListed(address,uint8,address)", selector: "0x0ff4c15a" },
  InsufficientGasForLiveCheck: {
    signature: "InsufficientGasForLiveCheck(uint256,uint256)",
    selector: "0x084a92b0",
  },
} as const;

/** contracts/interfaces/IReserveGuard.sol */
export const IReserveGuard = {
  ReserveNotPositive: { signature: "ReserveNotPositive(uint80,int256)", selector: "0x87526e01" },
  ReserveTooLarge: { signature: "ReserveTooLarge(uint80,int256)", selector: "0x77fb3e49" },
  ReserveRoundIncomplete: { signature: "ReserveRoundIncomplete(uint80)", selector: "0x9d143a61" },
  ReserveRoundFromFuture: {
    signature: "ReserveRoundFromFuture(uint80,uint256,uint256)",
    selector: "0xaed91dc4",
  },
  ReserveStale: { signature: "ReserveStale(uint80,uint256,uint256,uint256)", selector: "0x3670a4db" },
  InvalidReserveGuardConfig: { signature: "InvalidReserveGuardConfig(string)", selector: "0x6a0041bf" },
} as const;

/** contracts/interfaces/IVerificationSource.sol */
export const IVerificationSource = {
  InsufficientGasForEvaluation: {
    signature: "InsufficientGasForEvaluation(uint256,uint256)",
    selector: "0x13126167",
  },
  RecordNotFromThisSource: { signature: "RecordNotFromThisSource(address,address)", selector: "0x5e187c18" },
  InvalidMaxRecordValidity: { signature: "InvalidMaxRecordValidity(uint40)", selector: "0x459bc270" },
  InvalidRegistry: { signature: "InvalidRegistry(address)", selector: "0x540b9601" },
} as const;

/** contracts/wrapper/IWrappedFundToken.sol */
export const IWrappedFundToken = {
  FundTokenPaused: { signature: "FundTokenPaused()", selector: "0x6264ced3" },
  SenderNotVerified: { signature: "SenderNotVerified(address)", selector: "0x06bfa335" },
  RecipientNotVerified: { signature: "RecipientNotVerified(address)", selector: "0xa3e9d91e" },
  WalletFrozenInWrapper: { signature: "WalletFrozenInWrapper(address)", selector: "0xf159577f" },
  WalletSanctioned: { signature: "WalletSanctioned(address)", selector: "0x37ea62f8" },
  ProtocolAccountNotAllowed: { signature: "ProtocolAccountNotAllowed(address)", selector: "0x81687f74" },
  NotProtocolAccount: { signature: "NotProtocolAccount(address)", selector: "0xba068199" },
  NoSharesForDeposit: { signature: "NoSharesForDeposit(uint256)", selector: "0xd417c072" },
  NoAssetsForRedemption: { signature: "NoAssetsForRedemption(uint256,uint256)", selector: "0xa4da3cdf" },
  ConversionOverflow: { signature: "ConversionOverflow(uint256)", selector: "0xa620b94f" },
  FrozenAmountTooLarge: { signature: "FrozenAmountTooLarge(uint256)", selector: "0xfdc7c2e5" },
  ForcedTransferToSelf: { signature: "ForcedTransferToSelf(address)", selector: "0x9b67b649" },
  InvalidAddress: { signature: "InvalidAddress(address)", selector: "0x8e4c8aa6" },
  EmptyTokenInformation: { signature: "EmptyTokenInformation()", selector: "0x9348a10f" },
} as const;

/** contracts/identity/IdentityRegistry.sol */
export const IdentityRegistry = {
  /** uint256 */
  MAX_BOUND_TOKENS: 4n,
  /** uint40 */
  MAX_KYC_VALIDITY: 157_680_000,
} as const;

/** contracts/identity/IdentityRegistryLayout.sol */
export const IdentityRegistryLayout = {
  /** uint8 */
  _SOURCE_MAY_REPLACE_OFFICER: 1,
  /** uint8 */
  _LIVE_CHECK: 2,
  /** uint256 */
  _LIVE_CHECK_GAS: 1_000_000n,
  /** bytes32 */
  _STORAGE_SLOT: "0xfaba77f3940fa5ab207445583ce06dfb702968389575238722332325edbeb700",
} as const;

/** contracts/identity/IdentityRegistrySources.sol */
export const IdentityRegistrySources = {
  /** uint8 */
  SOURCE_MAY_REPLACE_OFFICER: 1,
  /** uint8 */
  LIVE_CHECK: 2,
  /** uint256 */
  LIVE_CHECK_GAS: 1_000_000n,
} as const;

/** contracts/identity/InvestorRecord.sol */
export const InvestorClasses = {
  /** uint16 */
  ACCREDITED: 1,
  /** uint16 */
  QUALIFIED_PURCHASER: 2,
  /** uint16 */
  INSTITUTIONAL: 4,
  /** uint16 */
  US_PERSON: 8,
  /** uint16 */
  PROTOCOL: 16,
  /** uint16 */
  ALL: 31,
} as const;

/** contracts/identity/InvestorRecord.sol */
export const InvestorRecordLib = {
  /** uint256 */
  COUNTRY_SHIFT: 160n,
  /** uint256 */
  CLASSES_SHIFT: 176n,
  /** uint256 */
  KYC_EXPIRY_SHIFT: 192n,
  /** uint256 */
  REVOKED_SHIFT: 232n,
  /** uint256 */
  SOURCE_SHIFT: 240n,
  /** uint256 */
  _ADDRESS_MASK: 1461501637330902918203684832716283019655932542975n,
  /** uint256 */
  _REVOKED_BIT: 6901746346790563787434755862277025452451108972170386555162524223799296n,
} as const;

/** contracts/governance/ManagedUpgradeable.sol */
export const ManagedUpgradeable = {
  ZeroAuthority: { signature: "ZeroAuthority()", selector: "0x5ccfa562" },
} as const;

/** contracts/oracle/NavOracle.sol */
export const NavOracle = {
  /** uint256 */
  BPS: 10_000n,
  /** uint256 */
  MAX_NAV: 340282366920938463463374607431768211455n,
} as const;

/** contracts/oracle/NavPublisher.sol */
export const NavPublisher = {
  /** uint256 */
  VERSION: 1n,
  /** uint256 */
  BPS: 10_000n,
  InvalidNavPublisherConfig: { signature: "InvalidNavPublisherConfig(string)", selector: "0x48ddf657" },
  AnswerNotPositive: { signature: "AnswerNotPositive(int256)", selector: "0x706270ea" },
  AnswerTooLarge: { signature: "AnswerTooLarge(int256,int256)", selector: "0xfbdbcd65" },
  PublishTooSoon: { signature: "PublishTooSoon(uint256,uint256,uint32)", selector: "0x7ac5afe9" },
  AnswerChangeTooLarge: { signature: "AnswerChangeTooLarge(int256,int256,uint16)", selector: "0x9c7f17fb" },
  RoundNotFound: { signature: "RoundNotFound(uint80)", selector: "0xd7ea2271" },
  NoRoundPublished: { signature: "NoRoundPublished()", selector: "0x5509da04" },
} as const;

/** contracts/identity/sources/OnchainIdSource.sol */
export const OnchainIdSource = {
  /** enum ClaimStatus */
  ClaimStatus: {
    Valid: 0,
    NoClaimTopics: 1,
    WalletNotKey: 2,
    NoClaim: 3,
    UntrustedIssuer: 4,
    InvalidSignature: 5,
    Revoked: 6,
    Expired: 7,
    OtherChain: 8,
    MalformedData: 9,
    EvaluationReverted: 10,
  },
  /** uint256 */
  MAX_CLAIM_TOPICS: 4n,
  /** uint256 */
  MAX_TRUSTED_ISSUERS: 8n,
  /** uint256 */
  ACTION_KEY: 2n,
  /** uint256 */
  CLAIM_DATA_LENGTH: 128n,
  /** bytes32 */
  _STORAGE_SLOT: "0xe5bd278150bae07a8c33658426d6c1ee995e2cf97cabcf107c6c63877c0e2700",
  NoClaimTopics: { signature: "NoClaimTopics()", selector: "0x0b9c316d" },
  WalletNotKeyOfIdentity: { signature: "WalletNotKeyOfIdentity(address,address)", selector: "0x4053a1bb" },
  ClaimRefused: { signature: "ClaimRefused(address,uint256,address,uint8)", selector: "0x0aaa61fd" },
  InvalidClaimTopics: { signature: "InvalidClaimTopics(uint256[])", selector: "0xc0e797db" },
  InvalidIssuer: { signature: "InvalidIssuer(address)", selector: "0x228d68c0" },
  IssuerNotTrusted: { signature: "IssuerNotTrusted(address)", selector: "0x988b21a3" },
  TooManyTrustedIssuers: { signature: "TooManyTrustedIssuers(uint256)", selector: "0xcc739513" },
} as const;

/** contracts/governance/Roles.sol */
export const Roles = {
  /** uint64 */
  ADMIN: 0n,
  /** uint64 */
  ISSUER: 1n,
  /** uint64 */
  TRANSFER_AGENT: 2n,
  /** uint64 */
  COMPLIANCE_OFFICER: 3n,
  /** uint64 */
  GUARDIAN: 4n,
  /** uint64 */
  NAV_PUBLISHER: 5n,
  /** uint64 */
  SETTLEMENT_AGENT: 6n,
  /** uint64 */
  MINTER: 7n,
  /** uint64 */
  BRIDGE_POOL: 8n,
  /** uint64 */
  CHAIN_MIRROR: 9n,
  /** uint64 */
  PUBLIC: 18_446_744_073_709_551_615n,
} as const;

/** contracts/bridge/SatelliteMirror.sol */
export const SatelliteMirror = {
  UnknownSource: { signature: "UnknownSource(uint64,bytes)", selector: "0xcbf102aa" },
  UnknownMessageKind: { signature: "UnknownMessageKind(uint8)", selector: "0x5d1fa439" },
  TokenAlreadyBound: { signature: "TokenAlreadyBound(address)", selector: "0xd1a83004" },
  CallFailedWithoutReason: { signature: "CallFailedWithoutReason(address)", selector: "0xa50fb5c0" },
  InvalidToken: { signature: "InvalidToken(address)", selector: "0x961c9a4f" },
  AccrualOnHomeChainOnly: { signature: "AccrualOnHomeChainOnly()", selector: "0x7bd6cf06" },
} as const;

/** contracts/settlement/SettlementMessages.sol */
export const SettlementMessages = {
  /** uint8 */
  LOCK: 1,
  /** uint8 */
  CONFIRM: 2,
  /** uint8 */
  CANCEL: 3,
  /** uint256 */
  HEADER_LENGTH: 64n,
  /** uint256 */
  LOCK_LENGTH: 352n,
  /** bytes32 */
  TRADE_TERMS_TYPEHASH: "0x0cb52a25099f7526887f4ec98b46bdee455725047e96374c087f2f9ad91ba56c",
} as const;

/** contracts/token/ShareMath.sol */
export const ShareMath = {
  /** uint256 */
  ONE: 1_000_000_000_000_000_000n,
  /** uint256 */
  MAX_AMOUNT: 115792089237316195423570985008687907853269984665640564039457n,
} as const;

/** contracts/compliance/TransferRestrictions.sol */
export const TransferRestrictions = {
  /** uint8 */
  NONE: 0,
  /** uint8 */
  PAUSED: 1,
  /** uint8 */
  SENDER_NOT_VERIFIED: 2,
  /** uint8 */
  RECIPIENT_NOT_VERIFIED: 3,
  /** uint8 */
  SENDER_FROZEN: 4,
  /** uint8 */
  RECIPIENT_FROZEN: 5,
  /** uint8 */
  INSUFFICIENT_BALANCE: 6,
  /** uint8 */
  INSUFFICIENT_UNFROZEN_BALANCE: 7,
  /** uint8 */
  INVALID_RECIPIENT: 8,
  /** uint8 */
  SENDER_SANCTIONED: 9,
  /** uint8 */
  RECIPIENT_SANCTIONED: 10,
  /** uint8 */
  SENDER_COUNTRY_RESTRICTED: 11,
  /** uint8 */
  RECIPIENT_COUNTRY_RESTRICTED: 12,
  /** uint8 */
  RECIPIENT_CLASS_MISSING: 13,
  /** uint8 */
  RECIPIENT_CLASS_BARRED: 14,
  /** uint8 */
  MAX_INVESTORS_REACHED: 15,
  /** uint8 */
  RECIPIENT_ABOVE_MAX_HOLDING: 16,
  /** uint8 */
  RECIPIENT_BELOW_MIN_HOLDING: 17,
  /** uint8 */
  SENDER_BELOW_MIN_HOLDING: 18,
  /** uint8 */
  TOKENS_LOCKED: 19,
  /** uint8 */
  DAILY_OUTFLOW_EXCEEDED: 20,
  /** uint8 */
  MODULE_REFUSED: 21,
  /** uint8 */
  LAST: 21,
  /** function message: its text of each code */
  message: {
    0: "Transfer allowed",
    1: "Token is paused",
    2: "Sender is not a verified investor",
    3: "Recipient is not a verified investor",
    4: "Sender wallet is frozen",
    5: "Recipient wallet is frozen",
    6: "Amount exceeds balance",
    7: "Amount exceeds unfrozen balance",
    8: "Invalid recipient",
    9: "Sender is sanctioned",
    10: "Recipient is sanctioned",
    11: "Sender country is restricted",
    12: "Recipient country is restricted",
    13: "Recipient lacks a required investor class",
    14: "Recipient has a barred investor class",
    15: "Maximum number of investors reached",
    16: "Recipient would exceed the maximum holding",
    17: "Recipient would hold less than the minimum holding",
    18: "Sender would keep less than the minimum holding",
    19: "Amount exceeds the sender's unlocked tokens",
    20: "Sender's daily transfer limit exceeded",
    21: "Refused by a compliance module",
  },
} as const;

/** contracts/identity/sources/VerificationSource.sol */
export const VerificationSource = {
  /** uint40 */
  MAX_RECORD_VALIDITY: 157_680_000,
  /** uint256 */
  EVALUATION_GAS: 1_000_000n,
  /** bytes32 */
  _STORAGE_SLOT: "0xa201486e713dcb2dfc1c855f0f7406bf9b631b3ff9c20e0dd611dee0b72b2000",
} as const;

/** contracts/wrapper/WrappedFundPriceFeed.sol */
export const WrappedFundPriceFeed = {
  /** uint8 */
  DECIMALS: 8,
  /** uint256 */
  VERSION: 1n,
  InvalidVault: { signature: "InvalidVault(address)", selector: "0xaf7301ae" },
  UnsupportedDecimals: { signature: "UnsupportedDecimals(uint8)", selector: "0xfd91cbed" },
  NoNavApplied: { signature: "NoNavApplied()", selector: "0x10c4a9a0" },
  RoundNotAvailable: { signature: "RoundNotAvailable(uint80,uint80)", selector: "0xb31c8298" },
} as const;

/** contracts/wrapper/WrappedFundToken.sol */
export const WrappedFundToken = {
  /** uint8 */
  DECIMALS_OFFSET: 6,
  /** bytes32 */
  _STORAGE_SLOT: "0x8d93ec41274a1b8eba08aecca495d78705469b9084ac18b1cf3ca0f8255c3200",
} as const;
