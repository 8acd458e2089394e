// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IFundToken} from "../interfaces/IFundToken.sol";
import {IFundTokenTypes} from "../interfaces/IFundTokenTypes.sol";
import {IFundCompliance} from "../interfaces/IFundCompliance.sol";
import {IFundComplianceTypes} from "../interfaces/IFundComplianceTypes.sol";
import {IInvestorRegistry} from "../interfaces/IInvestorRegistry.sol";
import {InvestorRecord} from "../identity/InvestorRecord.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/// @title FundStateReader
/// @notice Test helper for the property tests (test/property): reads everything the reference model tracks
/// (token, compliance and registry state of a list of wallets and identities) in one eth_call, so that the model
/// can be compared with the chain after every operation without hundreds of round trips. Read-only.
contract FundStateReader {
    /// @notice A target of {dump} did not answer (its code was not overridden by the dumper).
    error DumpFailed(address target);

    /// @notice One wallet as the token, the registry and the compliance see it.
    struct WalletView {
        uint256 shares;
        uint256 balance;
        uint256 frozenTokens;
        bool frozen;
        bool sanctioned;
        uint256 record;
    }

    /// @notice One investor identity as the compliance sees it.
    struct InvestorView {
        IFundComplianceTypes.InvestorState state;
        uint256 lockedShares;
        IFundComplianceTypes.Tranche[] tranches;
    }

    /// @notice The latest round of a Chainlink-style feed.
    struct RoundView {
        uint80 roundId;
        int256 answer;
        uint256 updatedAt;
    }

    /// @notice Where to read.
    struct Sources {
        IFundToken token;
        IFundCompliance compliance;
        IInvestorRegistry registry;
        AggregatorV3Interface navFeed;
        AggregatorV3Interface reserveFeed;
    }

    /// @notice The whole tracked state at `timestamp` (the block the call ran in).
    struct FundView {
        uint256 timestamp;
        uint256 totalShares;
        uint256 totalSupply;
        uint256 index;
        bool paused;
        uint256 investorCount;
        IFundTokenTypes.AppliedNav appliedNav;
        RoundView navRound;
        RoundView reserveRound;
        WalletView[] wallets;
        InvestorView[] investors;
        uint256[] allowances;
    }

    /// @notice Reads the tracked state.
    /// @param src The token, its compliance and registry, the NAV and reserve feeds.
    /// @param wallets Wallets to read.
    /// @param identities Investor identities to read.
    /// @param owners Allowance owners (paired with `spenders`).
    /// @param spenders Allowance spenders.
    function read(
        Sources calldata src,
        address[] calldata wallets,
        address[] calldata identities,
        address[] calldata owners,
        address[] calldata spenders
    ) external view returns (FundView memory v) {
        (IFundToken token, IFundCompliance compliance, IInvestorRegistry registry) = (
            src.token,
            src.compliance,
            src.registry
        );
        v.timestamp = block.timestamp;
        v.totalShares = token.totalShares();
        v.totalSupply = token.totalSupply();
        v.index = token.index();
        v.paused = token.paused();
        v.investorCount = compliance.investorCount();
        v.appliedNav = token.appliedNav();
        v.navRound = _round(src.navFeed);
        v.reserveRound = _round(src.reserveFeed);
        v.wallets = new WalletView[](wallets.length);
        for (uint256 i; i < wallets.length; ++i) {
            address w = wallets[i];
            v.wallets[i] = WalletView(
                token.sharesOf(w),
                token.balanceOf(w),
                token.getFrozenTokens(w),
                token.isFrozen(w),
                compliance.isSanctioned(w),
                InvestorRecord.unwrap(registry.investorRecord(w))
            );
        }
        v.investors = new InvestorView[](identities.length);
        for (uint256 i; i < identities.length; ++i) {
            v.investors[i] = InvestorView(
                compliance.investorState(identities[i]),
                compliance.lockedShares(identities[i]),
                compliance.lockTranches(identities[i])
            );
        }
        v.allowances = new uint256[](owners.length);
        for (uint256 i; i < owners.length; ++i) v.allowances[i] = token.allowance(owners[i], spenders[i]);
    }

    /// @notice Shares and balances of a few wallets (the cheap check after each operation).
    /// @param token The fund token.
    /// @param wallets Wallets to read.
    function balances(
        IFundToken token,
        address[] calldata wallets
    ) external view returns (uint256 timestamp, uint256[] memory shares, uint256[] memory amounts) {
        timestamp = block.timestamp;
        shares = new uint256[](wallets.length);
        amounts = new uint256[](wallets.length);
        for (uint256 i; i < wallets.length; ++i) {
            shares[i] = token.sharesOf(wallets[i]);
            amounts[i] = token.balanceOf(wallets[i]);
        }
    }

    /// @notice Raw storage words of several contracts in one call. Meant for an `eth_call` with a state override
    /// that replaces each target's code by a storage dumper (returns `sload` of every 32-byte word of its calldata).
    /// @param targets Contracts to read.
    /// @param slots For each target, the concatenated slots to read.
    function dump(
        address[] calldata targets,
        bytes[] calldata slots
    ) external view returns (bytes[] memory words) {
        words = new bytes[](targets.length);
        for (uint256 i; i < targets.length; ++i) {
            (bool ok, bytes memory out) = targets[i].staticcall(slots[i]);
            if (!ok) revert DumpFailed(targets[i]);
            words[i] = out;
        }
    }

    /// @notice The token's restriction code for a transfer, and the timestamp it was evaluated at.
    /// @param token The fund token.
    /// @param from Sender.
    /// @param to Recipient.
    /// @param amount Token amount.
    function detect(
        IFundToken token,
        address from,
        address to,
        uint256 amount
    ) external view returns (uint8 code, uint256 timestamp) {
        return (token.detectTransferRestriction(from, to, amount), block.timestamp);
    }

    function _round(AggregatorV3Interface feed) private view returns (RoundView memory r) {
        (r.roundId, r.answer, , r.updatedAt, ) = feed.latestRoundData();
    }
}
