// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {INavOracle} from "../interfaces/INavOracle.sol";

/// @notice Test double of the NAV oracle as the token's accrual reads it: returns the round the test sets,
/// without the real oracle's validation, so tests reach the token's own bounds (IndexOutOfRange, SharesOverflow)
/// that a validated feed cannot reach.
contract MockNavOracle {
    INavOracle.NavRound private _round;

    /// @notice The decrease policy the token reads when the fee would take the index down.
    bool public allowDecrease;

    function setAllowDecrease(bool allow) external {
        allowDecrease = allow;
    }

    function setRound(uint80 roundId, uint256 nav, uint256 updatedAt) external {
        _round = INavOracle.NavRound(roundId, nav, updatedAt);
    }

    function nextNav(uint256, uint256) external view returns (INavOracle.NavRound memory) {
        return _round;
    }
}

/// @notice Test double of the proof-of-reserve guard that accepts any supply (reserves reported as the maximum).
contract MockUnlimitedReserveGuard {
    function checkSupply(uint256) external pure returns (bool within, uint256 reserves) {
        return (true, type(uint256).max);
    }
}

/// @notice Test double of a reserve guard that fails the way a broken guard can: a named error, a Panic, a bare
/// revert, all its gas used, or an answer that is not (bool, uint256). In `Answer` mode it answers normally.
contract MockFaultyReserveGuard {
    enum Mode {
        Answer, // (within, reserves) as set
        NamedError, // reverts GuardBroken(newSupply)
        Panic, // divides by zero
        BareRevert, // reverts with no data
        BurnGas, // loops until its gas runs out
        ShortAnswer, // returns one word
        NotABool // returns (2, reserves)
    }

    Mode public mode;
    bool public within;
    uint256 public reserves;

    error GuardBroken(uint256 newSupply);

    function set(Mode mode_, bool within_, uint256 reserves_) external {
        (mode, within, reserves) = (mode_, within_, reserves_);
    }

    function checkSupply(uint256 newSupply) external view returns (bool, uint256) {
        Mode m = mode;
        if (m == Mode.NamedError) revert GuardBroken(newSupply);
        if (m == Mode.Panic) return (true, newSupply / (reserves - reserves));
        if (m == Mode.BareRevert) {
            assembly {
                revert(0, 0)
            }
        }
        if (m == Mode.BurnGas) {
            uint256 i;
            while (gasleft() > 0) i += newSupply;
            return (i == 0, i);
        }
        if (m == Mode.ShortAnswer) {
            assembly {
                mstore(0, 1)
                return(0, 32)
            }
        }
        if (m == Mode.NotABool) {
            uint256 r = reserves;
            assembly {
                mstore(0, 2)
                mstore(32, r)
                return(0, 64)
            }
        }
        return (within, reserves);
    }
}
