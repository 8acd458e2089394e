// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title Roles
/// @notice Role identifiers of the suite's single AccessManager. docs/ROLES.md maps every restricted
/// function to one of these roles; a deployment test keeps that table true.
/// @dev AccessManager maps each function selector to exactly one role, so roles are cut along the
/// functions they guard, and one Safe may hold several roles (with different execution delays).
library Roles {
    /// @notice AccessManager's built-in admin: grants and revokes roles, wires functions to roles.
    uint64 internal constant ADMIN = 0;
    /// @notice Issuer: upgrades, unpausing, and every rule or configuration change. Held with an
    /// execution delay so the guardian can cancel a scheduled change.
    uint64 internal constant ISSUER = 1;
    /// @notice Transfer agent: freezes, forced transfers, wallet recovery, redemption queue settlement.
    uint64 internal constant TRANSFER_AGENT = 2;
    /// @notice Compliance officer: investor registry (onboarding, KYC renewals) and the sanctions list.
    uint64 internal constant COMPLIANCE_OFFICER = 3;
    /// @notice Guardian: pauses at once and cancels operations scheduled by delayed roles.
    uint64 internal constant GUARDIAN = 4;
    /// @notice NAV publisher: publishes NAV and reserve rounds to our own feeds.
    uint64 internal constant NAV_PUBLISHER = 5;
    /// @notice Settlement agent: the DvP orchestrator that acknowledges and confirms off-chain payments.
    uint64 internal constant SETTLEMENT_AGENT = 6;
    /// @notice Minter: token issuance and burning; held by the transfer agent's Safe and by the fund manager contract.
    uint64 internal constant MINTER = 7;
    /// @notice A satellite chain's token pool: issues and burns the shares that cross chains (issue 18). Nobody holds
    /// it on the home chain, whose pool only locks and releases.
    uint64 internal constant BRIDGE_POOL = 8;
    /// @notice A satellite chain's mirror of the home chain: applies the home index (issue 18).
    uint64 internal constant CHAIN_MIRROR = 9;
    /// @notice Anyone (AccessManager's PUBLIC_ROLE); e.g. the daily accrual, which is deterministic.
    uint64 internal constant PUBLIC = type(uint64).max;
}
