/**
 * Which role may call which function: the single source the deploy scripts wire into the AccessManager,
 * docs/ROLES.md describes, and the governance test compares with the deployed AccessManager.
 *
 * Role ids are those of contracts/governance/Roles.sol, generated (lib/generated/contracts.ts).
 */
import { Roles } from "../generated/contracts";

export const ROLE_IDS = Roles;

export type RoleName = keyof typeof ROLE_IDS;

export function roleName(id: bigint): RoleName {
  const entry = Object.entries(ROLE_IDS).find(([, v]) => v === id);
  if (!entry) throw new Error(`unknown role id ${id}`);
  return entry[0] as RoleName;
}

/** Restricted functions of each deployed contract (by deployment name), grouped by the role that calls them. */
export type FunctionRoles = Partial<Record<RoleName, string[]>>;

const UPGRADE = "upgradeToAndCall";

export const IDENTITY_REGISTRY_ROLES: FunctionRoles = {
  COMPLIANCE_OFFICER: [
    "registerIdentity",
    "batchRegisterIdentity",
    "registerInvestor",
    "batchRegisterInvestor",
    "updateIdentity",
    "updateCountry",
    "updateInvestor",
    "setRevoked",
    "deleteIdentity",
  ],
  ISSUER: [
    "setDefaultKycValidity",
    "bindToken",
    "unbindToken",
    "setProtocolAccount",
    UPGRADE,
    "setVerificationSource",
    "setSourcePolicy",
  ],
};

/** The ONCHAINID claim source (deploy/scripts/01b_identity_sources.ts): the fund's claim topics and trusted issuers. */
export const ONCHAINID_SOURCE_ROLES: FunctionRoles = {
  ISSUER: ["setClaimTopics", "setTrustedIssuer", "setMaxRecordValidity", UPGRADE],
};

/** The EAS attestation source: the fund's schemas, trusted attesters and country-code table. */
export const ATTESTATION_SOURCE_ROLES: FunctionRoles = {
  ISSUER: ["setSchemaRules", "setTrustedAttester", "setCountryCodes", "setMaxRecordValidity", UPGRADE],
};

export const COMPLIANCE_ROLES: FunctionRoles = {
  ISSUER: [
    "bindToken",
    "unbindToken",
    "addModule",
    "removeModule",
    "callModuleFunction",
    "setRules",
    "setCountryMode",
    "setCountriesListed",
    "setSanctionsOracle",
    "setClassRequirements",
    "setMaxInvestors",
    "setHoldingLimits",
    "setLockPeriod",
    "setMaxDailyOutflow",
    UPGRADE,
  ],
  COMPLIANCE_OFFICER: ["setSanctioned"],
};

export const TOKEN_ROLES: FunctionRoles = {
  MINTER: ["mint", "batchMint", "burn", "batchBurn", "escrowFrom"],
  TRANSFER_AGENT: [
    "forcedTransfer",
    "batchForcedTransfer",
    "recoveryAddress",
    "setAddressFrozen",
    "batchSetAddressFrozen",
    "freezePartialTokens",
    "batchFreezePartialTokens",
    "unfreezePartialTokens",
    "batchUnfreezePartialTokens",
    "setFrozenTokens",
  ],
  GUARDIAN: ["pause"],
  ISSUER: [
    "unpause",
    "setName",
    "setSymbol",
    "setOnchainID",
    "setIdentityRegistry",
    "setCompliance",
    "setNavOracle",
    "setReserveGuard",
    "setFeeWallet",
    "setManagementFeeBps",
    "rebaselineNav",
    UPGRADE,
    "setVault",
  ],
  // Issue 18 (docs/MULTICHAIN.md): a satellite's pool issues and burns the shares crossing chains, its mirror
  // applies the home index. Wired on every chain; nobody holds these roles on the home chain.
  BRIDGE_POOL: ["bridgeMint", "bridgeMintTo", "bridgeBurn"],
  CHAIN_MIRROR: ["syncIndex"],
};

export const NAV_ORACLE_ROLES: FunctionRoles = {
  ISSUER: ["setFeed", "setMaxAge", "setMaxChangeBpsPerDay", "setAllowDecrease"],
};

export const RESERVE_GUARD_ROLES: FunctionRoles = {
  ISSUER: ["setFeed", "setMaxAge"],
};

export const PUBLISHER_ROLES: FunctionRoles = {
  NAV_PUBLISHER: ["publish"],
  ISSUER: ["setMinInterval", "setMaxChangeBpsPerRound"],
};

/** DvPSettlement: the settlement agent (orchestrator) acts on off-chain trades; the issuer configures. */
export const DVP_SETTLEMENT_ROLES: FunctionRoles = {
  SETTLEMENT_AGENT: ["acknowledge", "confirmPayment", "rejectTrade"],
  ISSUER: ["setPaymentToken", "setOffChainPaymentWindow", UPGRADE],
};

/** CrossChainAssetEscrow: only configuration is restricted (the allow-list of peers, gas, grace, upgrades). */
export const CCIP_ASSET_ESCROW_ROLES: FunctionRoles = {
  ISSUER: ["setPeer", "setGasLimit", "setConfirmationGrace", UPGRADE],
};

/** CrossChainPaymentEscrow (on the payment chain; locally on the fund's chain). */
export const CCIP_PAYMENT_ESCROW_ROLES: FunctionRoles = {
  ISSUER: ["setPeer", "setGasLimit", UPGRADE],
};

/** FundManager (proxy + FundManagerAdmin extension); investors' functions are unrestricted. */
export const FUND_MANAGER_ROLES: FunctionRoles = {
  TRANSFER_AGENT: ["settleRedemptions", "holdRequest", "settleHeld", "releaseHeld", "withdrawToCustodian"],
  GUARDIAN: ["pauseSubscriptions", "pauseRedemptions"],
  ISSUER: [
    "unpauseSubscriptions",
    "unpauseRedemptions",
    "addStablecoin",
    "removeStablecoin",
    "setLiquidityBufferTarget",
    "setFees",
    "setInvestmentLimits",
    "setDailyLimits",
    "setCustodian",
    "setFeeRecipient",
    "setInstantRedemption",
    "setNavCarryRate",
    UPGRADE,
  ],
};

/** The non-rebasing wrapper of the fund token (deploy/scripts/08_wrapper.ts, docs/WRAPPER.md). */
export const WRAPPER_ROLES: FunctionRoles = {
  TRANSFER_AGENT: ["setAddressFrozen", "forcedTransfer", "setFrozenTokens"],
  GUARDIAN: ["pause"],
  ISSUER: ["unpause", "setProtocolAccountAllowed", UPGRADE],
};

/**
 * The role map of every recorded deployment (deployment name -> map): what the deploy scripts wire, what
 * `roles:show` compares with the chain, and what the governance tests check.
 */
export const DEPLOYMENT_ROLES: Readonly<Record<string, FunctionRoles>> = {
  IdentityRegistry: IDENTITY_REGISTRY_ROLES,
  ModularCompliance: COMPLIANCE_ROLES,
  FundToken: TOKEN_ROLES,
  NavOracle: NAV_ORACLE_ROLES,
  ReserveGuard: RESERVE_GUARD_ROLES,
  NavPublisher: PUBLISHER_ROLES,
  ReservePublisher: PUBLISHER_ROLES,
  FundManager: FUND_MANAGER_ROLES,
  DvPSettlement: DVP_SETTLEMENT_ROLES,
  CrossChainAssetEscrow: CCIP_ASSET_ESCROW_ROLES,
  CrossChainPaymentEscrow: CCIP_PAYMENT_ESCROW_ROLES,
  WrappedFundToken: WRAPPER_ROLES,
  OnchainIdSource: ONCHAINID_SOURCE_ROLES,
  AttestationSource: ATTESTATION_SOURCE_ROLES,
};
