// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {INavOracle} from "../interfaces/INavOracle.sol";
import {IReserveGuard} from "../interfaces/IReserveGuard.sol";

/// @title MockOracleConsumer
/// @notice Test-only stand-in for the fund token's use of the oracle contracts: it applies NAV rounds through
/// {INavOracle.nextNav} (each once, ordered by timestamp), asks {IReserveGuard.checkSupply} before growth, and
/// lets governance replace either contract (`restricted` setters, wired to a delayed ISSUER in the tests), as the
/// token's `setNavOracle` / `setReserveGuard` do.
contract MockOracleConsumer is AccessManaged {
    /// @notice The NAV oracle rounds are applied through.
    INavOracle public navOracle;
    /// @notice The proof-of-reserve guard asked before growth.
    IReserveGuard public reserveGuard;
    /// @notice The last applied NAV (18 decimals); 0 before the first round.
    uint256 public lastNav;
    /// @notice The timestamp of the last applied round.
    uint256 public lastUpdatedAt;

    /// @notice Emitted when governance replaces the NAV oracle.
    event NavOracleChanged(address indexed oldOracle, address indexed newOracle);
    /// @notice Emitted when governance replaces the reserve guard.
    event ReserveGuardChanged(address indexed oldGuard, address indexed newGuard);
    /// @notice Emitted when a NAV round is applied.
    event NavApplied(uint80 indexed roundId, uint256 oldNav, uint256 newNav, uint256 updatedAt);

    /// @param initialAuthority The AccessManager that authorises the setters.
    /// @param oracle The initial NAV oracle.
    /// @param guard The initial reserve guard.
    constructor(
        address initialAuthority,
        INavOracle oracle,
        IReserveGuard guard
    ) AccessManaged(initialAuthority) {
        navOracle = oracle;
        reserveGuard = guard;
        emit NavOracleChanged(address(0), address(oracle));
        emit ReserveGuardChanged(address(0), address(guard));
    }

    /// @notice Replaces the NAV oracle.
    /// @param newOracle The new NAV oracle.
    function setNavOracle(INavOracle newOracle) external restricted {
        emit NavOracleChanged(address(navOracle), address(newOracle));
        navOracle = newOracle;
    }

    /// @notice Replaces the reserve guard.
    /// @param newGuard The new reserve guard.
    function setReserveGuard(IReserveGuard newGuard) external restricted {
        emit ReserveGuardChanged(address(reserveGuard), address(newGuard));
        reserveGuard = newGuard;
    }

    /// @notice Applies the latest NAV round the oracle accepts after the last applied one.
    /// @return round The applied round.
    function accrue() external returns (INavOracle.NavRound memory round) {
        uint256 oldNav = lastNav;
        round = navOracle.nextNav(oldNav, lastUpdatedAt);
        lastNav = round.nav;
        lastUpdatedAt = round.updatedAt;
        emit NavApplied(round.roundId, oldNav, round.nav, round.updatedAt);
    }

    /// @notice What the guard answers for a total supply of `newSupply`.
    /// @param newSupply The total supply after the intended growth (18 decimals).
    function checkGrowth(
        uint256 newSupply
    ) external view returns (bool withinReserves, uint256 reserveAmount) {
        return reserveGuard.checkSupply(newSupply);
    }
}
