// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IFundToken} from "../interfaces/IFundToken.sol";
import {FundSharesPool} from "./FundSharesPool.sol";

/// @title FundLockReleasePool
/// @notice The home chain's CCIP pool of the fund token: shares sent to a satellite are locked here, shares coming
/// back are released from here. The home token's supply therefore keeps counting every share in existence, and the
/// proof of reserve covers the global supply unchanged. A satellite can never have released more than was locked for
/// it (InsufficientLockedShares), so a faulty lane cannot take the shares backing another chain. docs/MULTICHAIN.md.
contract FundLockReleasePool is FundSharesPool {
    /// @notice A release from `remoteChainSelector` for more shares than are locked for it.
    error InsufficientLockedShares(uint64 remoteChainSelector, uint256 locked, uint256 shares);

    /// @notice Chainlink's type and version convention (its name is the convention's).
    // solhint-disable-next-line const-name-snakecase
    string public constant typeAndVersion = "FundLockReleasePool 1.0.0";

    uint256 private s_totalLocked;
    mapping(uint64 remoteChainSelector => uint256) private s_locked;

    /// @param token The home fund token.
    /// @param rmnProxy The chain's RMN proxy.
    /// @param router The chain's CCIP router.
    /// @param authority The fund's AccessManager.
    constructor(
        address token,
        address rmnProxy,
        address router,
        address authority
    ) FundSharesPool(token, rmnProxy, router, authority) {}

    /// @notice Shares locked here for `remoteChainSelector`: its token's total shares plus those in flight to it.
    /// @param remoteChainSelector The satellite.
    function lockedShares(uint64 remoteChainSelector) external view returns (uint256) {
        return s_locked[remoteChainSelector];
    }

    /// @notice Shares locked here for every satellite.
    function totalLockedShares() external view returns (uint256) {
        return s_totalLocked;
    }

    function _heldShares() internal view override returns (uint256) {
        return s_totalLocked + parkedShares();
    }

    function _lockOrBurnShares(uint64 remote, uint256 shares) internal override {
        s_locked[remote] += shares;
        s_totalLocked += shares;
    }

    function _releaseFrom(uint64 remote, uint256 shares) internal override {
        uint256 locked = s_locked[remote];
        if (shares > locked) revert InsufficientLockedShares(remote, locked, shares);
        s_locked[remote] = locked - shares;
        s_totalLocked -= shares;
    }

    function _arrive(address receiver, uint256 shares) internal override returns (bool, bytes memory) {
        return _tryToken(abi.encodeCall(IFundToken.transferShares, (receiver, shares)));
    }

    function _keep(uint256) internal pure override {}
}
