// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title ChainMessages
/// @notice Kinds of the messages the home relay sends to satellite mirrors over CCIP. A message's data is
/// `abi.encode(uint8 kind, uint64 sequence, bytes body)`; `sequence` is the relay's counter, strictly increasing.
library ChainMessages {
    /// @notice body = abi.encode(address[] wallets, uint256[] records, bool[] sanctioned): home registry words and
    /// the home compliance's sanctions answer, read when the message was sent.
    uint8 internal constant INVESTORS = 1;
    /// @notice body = abi.encode(uint256 index, IFundTokenTypes.AppliedNav round): the home index after `round`.
    uint8 internal constant INDEX = 2;
}
