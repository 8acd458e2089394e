// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Test double of CCIP's RMN proxy as token pools read it: a curse per subject (a chain selector as bytes16).
contract MockRMN {
    mapping(bytes16 subject => bool) public cursed;

    function setCursed(bytes16 subject, bool value) external {
        cursed[subject] = value;
    }

    function isCursed(bytes16 subject) external view returns (bool) {
        return cursed[subject];
    }

    function isCursed() external pure returns (bool) {
        return false;
    }
}
