// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title ISanctionsList
/// @notice The Chainalysis sanctions oracle interface (deployed on Ethereum and major L2s).
interface ISanctionsList {
    /// @notice Whether `addr` is on the sanctions list.
    function isSanctioned(address addr) external view returns (bool);
}
