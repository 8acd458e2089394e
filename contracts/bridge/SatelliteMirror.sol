// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {CCIPReceiver} from "@chainlink/contracts-ccip/contracts/applications/CCIPReceiver.sol";
import {Client} from "@chainlink/contracts-ccip/contracts/libraries/Client.sol";
import {IFundToken} from "../interfaces/IFundToken.sol";
import {IFundTokenTypes} from "../interfaces/IFundTokenTypes.sol";
import {IInvestorRegistry} from "../interfaces/IInvestorRegistry.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {IIdentity} from "../interfaces/IIdentity.sol";
import {IFundCompliance} from "../interfaces/IFundCompliance.sol";
import {InvestorRecord} from "../identity/InvestorRecord.sol";
import {ChainMessages} from "./ChainMessages.sol";

/// @title SatelliteMirror
/// @notice A satellite chain's copy of the home chain: receives the home relay's CCIP messages and writes the
/// investor records and sanctions status into this chain's registry and compliance (it holds their
/// COMPLIANCE_OFFICER role), and applies the home index to this chain's token (CHAIN_MIRROR). It is also this token's
/// NAV oracle and reserve guard, refusing both: a satellite never accrues by itself (AccrualOnHomeChainOnly) and
/// never issues shares but through its pool (a `mint` exceeds reserves of zero). A message from anyone else than
/// the home relay is refused; a record older than the one applied for that wallet is ignored (ordering and replay);
/// a record the registry refuses is reported (RecordNotApplied), never reverted, so that no message becomes
/// unexecutable. docs/MULTICHAIN.md.
contract SatelliteMirror is CCIPReceiver, AccessManaged {
    /// @notice A message not from the home relay on the home chain.
    error UnknownSource(uint64 sourceChainSelector, bytes sender);
    /// @notice A message of an unknown kind.
    error UnknownMessageKind(uint8 kind);
    /// @notice The token is bound already.
    error TokenAlreadyBound(address token);
    /// @notice A registry, compliance or token call failed without revert data (out of gas): the message is retried.
    error CallFailedWithoutReason(address target);
    /// @notice The token bound must be a contract.
    error InvalidToken(address token);
    /// @notice The satellite's accrual: the index comes from the home chain only.
    error AccrualOnHomeChainOnly();

    /// @notice The token the mirror applies the index to was bound.
    event TokenBound(address indexed token);
    /// @notice A home record (and sanctions status) was written for `wallet`.
    event RecordApplied(address indexed wallet, uint64 indexed sequence, uint256 record, bool sanctioned);
    /// @notice This chain refused (part of) a home record: `reason` is its revert data. The wallet stays as it was,
    /// or revoked when a deletion was refused (it still holds tokens here).
    event RecordNotApplied(address indexed wallet, uint64 indexed sequence, bytes reason);
    /// @notice A record older than the one applied for `wallet` (or replayed) was ignored.
    event RecordIgnored(address indexed wallet, uint64 indexed sequence, uint64 appliedSequence);
    /// @notice A home index arrived.
    event IndexReceived(uint64 indexed sequence, uint256 index, uint80 roundId, uint40 updatedAt);
    /// @notice The token refused the pending index (e.g. paused): anyone applies it later (applyPendingIndex).
    event IndexPending(uint256 index, uint80 roundId, bytes reason);

    /// @notice The home chain's CCIP selector.
    uint64 public immutable homeChainSelector;
    /// @notice The home chain's relay.
    address public immutable homeRelay;
    /// @notice This chain's identity registry.
    IInvestorRegistry public immutable registry;
    /// @notice This chain's compliance.
    IFundCompliance public immutable compliance;

    IFundToken private s_token;
    mapping(address wallet => uint64) private s_walletSequence;
    uint64 private s_indexSequence;
    uint256 private s_pendingIndex;
    IFundTokenTypes.AppliedNav private s_pendingRound;

    /// @param router This chain's CCIP router.
    /// @param homeChainSelector_ The home chain's selector.
    /// @param homeRelay_ The home relay.
    /// @param registry_ This chain's identity registry.
    /// @param compliance_ This chain's compliance.
    /// @param authority This chain's AccessManager.
    constructor(
        address router,
        uint64 homeChainSelector_,
        address homeRelay_,
        address registry_,
        address compliance_,
        address authority
    ) CCIPReceiver(router) AccessManaged(authority) {
        homeChainSelector = homeChainSelector_;
        homeRelay = homeRelay_;
        registry = IInvestorRegistry(registry_);
        compliance = IFundCompliance(compliance_);
    }

    /// @notice Binds this chain's token (once). ISSUER.
    /// @param token_ The satellite fund token.
    function bindToken(address token_) external restricted {
        if (address(s_token) != address(0)) revert TokenAlreadyBound(address(s_token));
        if (token_.code.length == 0) revert InvalidToken(token_);
        s_token = IFundToken(token_);
        emit TokenBound(token_);
    }

    /// @notice Applies the last home index received, if the token did not apply it yet (e.g. it was paused). Anyone.
    /// @return applied Whether the token applied it.
    function applyPendingIndex() external returns (bool applied) {
        return _applyIndex();
    }

    // =================================================================== the satellite token's oracle and guard

    /// @notice The satellite token's NAV oracle: always refuses (the index comes from the home chain).
    function nextNav(uint256, uint256) external pure returns (uint256, uint256, uint256) {
        revert AccrualOnHomeChainOnly();
    }

    /// @notice The satellite token's reserve guard: refuses every issuance (`mint`); the pool issues with
    /// `bridgeMint`, which does not ask it.
    /// @return within Always false.
    /// @return reserves Always 0.
    function checkSupply(uint256) external pure returns (bool within, uint256 reserves) {
        return (false, 0);
    }

    // =================================================================== views

    /// @notice The token bound.
    function token() external view returns (IFundToken) {
        return s_token;
    }

    /// @notice The relay sequence of the last record applied for `wallet`.
    /// @param wallet The wallet.
    function walletSequence(address wallet) external view returns (uint64) {
        return s_walletSequence[wallet];
    }

    /// @notice The last index received and its round.
    function pendingIndex() external view returns (uint256 index, IFundTokenTypes.AppliedNav memory round) {
        return (s_pendingIndex, s_pendingRound);
    }

    // =================================================================== CCIP

    function _ccipReceive(Client.Any2EVMMessage memory message) internal override {
        if (
            message.sourceChainSelector != homeChainSelector ||
            message.sender.length != 32 ||
            abi.decode(message.sender, (address)) != homeRelay
        ) revert UnknownSource(message.sourceChainSelector, message.sender);
        (uint8 kind, uint64 seq, bytes memory body) = abi.decode(message.data, (uint8, uint64, bytes));
        if (kind == ChainMessages.INVESTORS) {
            (address[] memory wallets, uint256[] memory records, bool[] memory sanctioned) = abi.decode(
                body,
                (address[], uint256[], bool[])
            );
            for (uint256 i; i < wallets.length; ++i) _applyRecord(wallets[i], seq, records[i], sanctioned[i]);
        } else if (kind == ChainMessages.INDEX) {
            (uint256 index, IFundTokenTypes.AppliedNav memory round) = abi.decode(
                body,
                (uint256, IFundTokenTypes.AppliedNav)
            );
            emit IndexReceived(seq, index, round.roundId, round.updatedAt);
            if (seq > s_indexSequence && round.updatedAt > s_pendingRound.updatedAt) {
                s_indexSequence = seq;
                s_pendingIndex = index;
                s_pendingRound = round;
                _applyIndex();
            }
        } else {
            revert UnknownMessageKind(kind);
        }
    }

    function _applyIndex() private returns (bool) {
        IFundToken t = s_token;
        IFundTokenTypes.AppliedNav memory round = s_pendingRound;
        if (address(t) == address(0) || round.updatedAt <= t.appliedNav().updatedAt) return false;
        (bool ok, bytes memory reason) = _call(
            address(t),
            abi.encodeCall(IFundToken.syncIndex, (s_pendingIndex, round))
        );
        if (!ok) emit IndexPending(s_pendingIndex, round.roundId, reason);
        return ok;
    }

    function _applyRecord(address wallet, uint64 seq, uint256 word, bool sanctioned) private {
        uint64 applied = s_walletSequence[wallet];
        if (seq <= applied) {
            emit RecordIgnored(wallet, seq, applied);
            return;
        }
        s_walletSequence[wallet] = seq;
        InvestorRecord home = InvestorRecord.wrap(word);
        // The home chain's own accounts (fund manager, escrows, fee wallet) are not the satellite's.
        if (home.isProtocol()) {
            emit RecordNotApplied(
                wallet,
                seq,
                abi.encodeWithSelector(IInvestorRegistry.InvalidClasses.selector, wallet, home.classes())
            );
            return;
        }
        bytes memory reason = _writeRecord(wallet, home);
        if (reason.length == 0) reason = _writeSanctions(wallet, sanctioned);
        if (reason.length != 0) emit RecordNotApplied(wallet, seq, reason);
        else emit RecordApplied(wallet, seq, word, sanctioned);
    }

    /// @dev Writes the home record; returns the first refusal (empty when all passed).
    function _writeRecord(address wallet, InvestorRecord home) private returns (bytes memory) {
        address reg = address(registry);
        InvestorRecord cur = registry.investorRecord(wallet);
        bool ok;
        bytes memory reason;
        if (!home.isRegistered()) {
            if (!cur.isRegistered()) return "";
            (ok, reason) = _call(reg, abi.encodeCall(IIdentityRegistry.deleteIdentity, (wallet)));
            // A wallet still holding tokens here cannot be deleted: it is revoked instead.
            if (!ok && !cur.revoked()) _revoke(cur.identity(), wallet, true);
            return ok ? bytes("") : reason;
        }
        address id = home.identity();
        if (!cur.isRegistered()) {
            (ok, reason) = _call(
                reg,
                abi.encodeCall(
                    IInvestorRegistry.registerInvestor,
                    (wallet, id, home.country(), home.classes(), home.kycExpiry())
                )
            );
            if (!ok) return reason;
            cur = registry.investorRecord(wallet);
        } else {
            if (cur.identity() != id) {
                (ok, reason) = _call(
                    reg,
                    abi.encodeCall(IIdentityRegistry.updateIdentity, (wallet, IIdentity(id)))
                );
                if (!ok) return reason;
            }
            address[] memory one = new address[](1);
            one[0] = wallet;
            (ok, reason) = _call(
                reg,
                abi.encodeCall(
                    IInvestorRegistry.updateInvestor,
                    (id, one, home.country(), home.classes(), home.kycExpiry())
                )
            );
            if (!ok) return reason;
        }
        if (cur.revoked() != home.revoked()) return _revoke(id, wallet, home.revoked());
        return "";
    }

    function _revoke(address id, address wallet, bool revoked) private returns (bytes memory) {
        address[] memory one = new address[](1);
        one[0] = wallet;
        (bool ok, bytes memory reason) = _call(
            address(registry),
            abi.encodeCall(IInvestorRegistry.setRevoked, (id, one, revoked))
        );
        return ok ? bytes("") : reason;
    }

    function _writeSanctions(address wallet, bool sanctioned) private returns (bytes memory) {
        if (compliance.isSanctioned(wallet) == sanctioned) return "";
        address[] memory one = new address[](1);
        one[0] = wallet;
        (bool ok, bytes memory reason) = _call(
            address(compliance),
            abi.encodeCall(IFundCompliance.setSanctioned, (one, sanctioned))
        );
        return ok ? bytes("") : reason;
    }

    function _call(address target, bytes memory data) private returns (bool ok, bytes memory reason) {
        // solhint-disable-next-line avoid-low-level-calls
        (ok, reason) = target.call(data);
        // A refusal without data (out of gas) must not be taken for a refusal of the record: retry the message.
        if (!ok && reason.length == 0) revert CallFailedWithoutReason(target);
    }
}
