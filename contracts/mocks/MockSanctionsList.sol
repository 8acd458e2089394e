// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISanctionsList} from "../interfaces/ISanctionsList.sol";

/// @title MockSanctionsList
/// @notice Test-only stand-in for the Chainalysis sanctions oracle: `isSanctioned(address)` answers from a list
/// the tests set directly.
contract MockSanctionsList is ISanctionsList {
    /// @notice Wallets flagged by {setSanctioned}.
    mapping(address wallet => bool) public flagged;

    /// @notice Emitted when {setSanctioned} changes a wallet's flag.
    event SanctionedSet(address indexed wallet, bool sanctioned);

    /// @notice Flags or clears a wallet.
    /// @param wallet The wallet.
    /// @param sanctioned Whether the oracle reports it as sanctioned.
    function setSanctioned(address wallet, bool sanctioned) external {
        flagged[wallet] = sanctioned;
        emit SanctionedSet(wallet, sanctioned);
    }

    /// @inheritdoc ISanctionsList
    function isSanctioned(address addr) external view returns (bool) {
        return flagged[addr];
    }
}

/// @title MockSilentContract
/// @notice Test-only contract that answers every call with empty return data (a wrong address given as an
/// oracle or module that nevertheless has code).
contract MockSilentContract {
    fallback() external {}
}
