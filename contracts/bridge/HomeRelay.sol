// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IRouterClient} from "@chainlink/contracts-ccip/contracts/interfaces/IRouterClient.sol";
import {Client} from "@chainlink/contracts-ccip/contracts/libraries/Client.sol";
import {IFundToken} from "../interfaces/IFundToken.sol";
import {IFundTokenTypes} from "../interfaces/IFundTokenTypes.sol";
import {IInvestorRegistry} from "../interfaces/IInvestorRegistry.sol";
import {IFundCompliance} from "../interfaces/IFundCompliance.sol";
import {InvestorRecord} from "../identity/InvestorRecord.sol";
import {ChainMessages} from "./ChainMessages.sol";

/// @title HomeRelay
/// @notice Sends the home chain's truth to the satellites' mirrors over CCIP: investor records (the registry word)
/// with their sanctions status, and the index with its NAV round. Anyone may call it (it copies home state, nothing
/// else) and pays the CCIP fee in native currency; each message carries the relay's next sequence number, which
/// the mirror uses for ordering and replay protection. docs/MULTICHAIN.md.
contract HomeRelay is AccessManaged {
    /// @notice Gas the mirror's receive gets per wallet of an investors message, and for an index message.
    uint256 public constant GAS_PER_WALLET = 250_000;
    /// @notice Gas of an index message's receive.
    uint256 public constant INDEX_GAS = 150_000;
    /// @notice Most wallets in one investors message.
    uint256 public constant MAX_WALLETS = 20;

    /// @notice No mirror is set for `chainSelector`.
    error UnknownMirror(uint64 chainSelector);
    /// @notice An investors message without wallets, or with more than MAX_WALLETS.
    error InvalidWalletCount(uint256 count, uint256 max);
    /// @notice The value sent does not cover the CCIP fee.
    error InsufficientFee(uint256 fee, uint256 paid);
    /// @notice Refunding the value above the fee failed.
    error RefundFailed(address to, uint256 value);
    /// @notice The home token has applied no NAV round yet.
    error NoAppliedRound();

    /// @notice The mirror of a satellite changed.
    event MirrorChanged(uint64 indexed chainSelector, address oldMirror, address newMirror);
    /// @notice Investor records were sent.
    event InvestorsSynced(
        uint64 indexed chainSelector,
        uint64 indexed sequence,
        bytes32 messageId,
        address[] wallets
    );
    /// @notice The index was sent.
    event IndexSynced(
        uint64 indexed chainSelector,
        uint64 indexed sequence,
        bytes32 messageId,
        uint256 index,
        uint80 roundId
    );

    /// @notice The home chain's CCIP router.
    IRouterClient public immutable router;
    /// @notice The home fund token.
    IFundToken public immutable token;

    uint64 private s_sequence;
    mapping(uint64 chainSelector => address) private s_mirrors;

    /// @param router_ The home chain's CCIP router.
    /// @param token_ The home fund token (its registry and compliance are read at each call).
    /// @param authority The fund's AccessManager.
    constructor(address router_, address token_, address authority) AccessManaged(authority) {
        router = IRouterClient(router_);
        token = IFundToken(token_);
    }

    /// @notice Sets the mirror of a satellite (zero removes it). ISSUER.
    /// @param chainSelector The satellite's CCIP chain selector.
    /// @param mirror_ Its SatelliteMirror.
    function setMirror(uint64 chainSelector, address mirror_) external restricted {
        emit MirrorChanged(chainSelector, s_mirrors[chainSelector], mirror_);
        s_mirrors[chainSelector] = mirror_;
    }

    /// @notice The mirror of a satellite (zero if none).
    /// @param chainSelector The satellite.
    function mirror(uint64 chainSelector) external view returns (address) {
        return s_mirrors[chainSelector];
    }

    /// @notice The sequence number of the last message sent.
    function sequence() external view returns (uint64) {
        return s_sequence;
    }

    /// @notice The CCIP fee of {syncInvestors}.
    /// @param chainSelector The satellite.
    /// @param wallets The wallets.
    function quoteInvestors(
        uint64 chainSelector,
        address[] calldata wallets
    ) external view returns (uint256) {
        return router.getFee(chainSelector, _investorsMessage(chainSelector, s_sequence + 1, wallets));
    }

    /// @notice Sends the current home records and sanctions status of `wallets` to a satellite's mirror (a deleted
    /// wallet is sent as a zero record). Anyone; the value sent pays the fee, the rest is refunded.
    /// @param chainSelector The satellite.
    /// @param wallets The wallets (1 to MAX_WALLETS).
    /// @return messageId The CCIP message.
    function syncInvestors(
        uint64 chainSelector,
        address[] calldata wallets
    ) external payable returns (bytes32 messageId) {
        uint64 seq = ++s_sequence;
        messageId = _send(chainSelector, _investorsMessage(chainSelector, seq, wallets));
        emit InvestorsSynced(chainSelector, seq, messageId, wallets);
    }

    /// @notice The CCIP fee of {syncIndex}.
    /// @param chainSelector The satellite.
    function quoteIndex(uint64 chainSelector) external view returns (uint256) {
        return router.getFee(chainSelector, _indexMessage(chainSelector, s_sequence + 1));
    }

    /// @notice Sends the home index and its applied NAV round to a satellite's mirror. Anyone; the value sent pays
    /// the fee, the rest is refunded.
    /// @param chainSelector The satellite.
    /// @return messageId The CCIP message.
    function syncIndex(uint64 chainSelector) external payable returns (bytes32 messageId) {
        uint64 seq = ++s_sequence;
        messageId = _send(chainSelector, _indexMessage(chainSelector, seq));
        emit IndexSynced(chainSelector, seq, messageId, token.index(), token.appliedNav().roundId);
    }

    function _investorsMessage(
        uint64 chainSelector,
        uint64 seq,
        address[] calldata wallets
    ) private view returns (Client.EVM2AnyMessage memory) {
        uint256 n = wallets.length;
        if (n == 0 || n > MAX_WALLETS) revert InvalidWalletCount(n, MAX_WALLETS);
        IInvestorRegistry registry = IInvestorRegistry(address(token.identityRegistry()));
        IFundCompliance compliance = IFundCompliance(address(token.compliance()));
        uint256[] memory records = new uint256[](n);
        bool[] memory sanctioned = new bool[](n);
        for (uint256 i; i < n; ++i) {
            records[i] = InvestorRecord.unwrap(registry.investorRecord(wallets[i]));
            sanctioned[i] = compliance.isSanctioned(wallets[i]);
        }
        return
            _message(
                chainSelector,
                abi.encode(ChainMessages.INVESTORS, seq, abi.encode(wallets, records, sanctioned)),
                GAS_PER_WALLET * n
            );
    }

    function _indexMessage(
        uint64 chainSelector,
        uint64 seq
    ) private view returns (Client.EVM2AnyMessage memory) {
        IFundTokenTypes.AppliedNav memory round = token.appliedNav();
        if (round.updatedAt == 0) revert NoAppliedRound();
        return
            _message(
                chainSelector,
                abi.encode(ChainMessages.INDEX, seq, abi.encode(token.index(), round)),
                INDEX_GAS
            );
    }

    function _message(
        uint64 chainSelector,
        bytes memory data,
        uint256 gasLimit
    ) private view returns (Client.EVM2AnyMessage memory) {
        address target = s_mirrors[chainSelector];
        if (target == address(0)) revert UnknownMirror(chainSelector);
        return
            Client.EVM2AnyMessage({
                receiver: abi.encode(target),
                data: data,
                tokenAmounts: new Client.EVMTokenAmount[](0),
                feeToken: address(0),
                // In order: a satellite applies the relay's messages in the order sent (the mirror also ignores
                // anything older than what it applied).
                extraArgs: Client._argsToBytes(
                    Client.GenericExtraArgsV2({gasLimit: gasLimit, allowOutOfOrderExecution: false})
                )
            });
    }

    function _send(uint64 chainSelector, Client.EVM2AnyMessage memory message) private returns (bytes32 id) {
        uint256 fee = router.getFee(chainSelector, message);
        if (msg.value < fee) revert InsufficientFee(fee, msg.value);
        id = router.ccipSend{value: fee}(chainSelector, message);
        if (msg.value > fee) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, ) = msg.sender.call{value: msg.value - fee}("");
            if (!ok) revert RefundFailed(msg.sender, msg.value - fee);
        }
    }
}
