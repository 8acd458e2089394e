// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IFundToken} from "../interfaces/IFundToken.sol";
import {FundSharesPool} from "./FundSharesPool.sol";

/// @title FundBurnMintPool
/// @notice A satellite chain's CCIP pool of the fund token: shares arriving are issued to the receiver with the rules
/// of a transfer from the pool (`bridgeMintTo`), or to the pool when refused (`bridgeMint`, parked); shares leaving
/// are burned (`bridgeBurn`). It holds the token's
/// BRIDGE_POOL role; the satellite token issues shares in no other way. docs/MULTICHAIN.md.
contract FundBurnMintPool is FundSharesPool {
    /// @notice Chainlink's type and version convention (its name is the convention's).
    // solhint-disable-next-line const-name-snakecase
    string public constant typeAndVersion = "FundBurnMintPool 1.0.0";

    /// @param token The satellite fund token.
    /// @param rmnProxy The chain's RMN proxy.
    /// @param router The chain's CCIP router.
    /// @param authority The fund's AccessManager on this chain.
    constructor(
        address token,
        address rmnProxy,
        address router,
        address authority
    ) FundSharesPool(token, rmnProxy, router, authority) {}

    function _heldShares() internal view override returns (uint256) {
        return parkedShares();
    }

    function _lockOrBurnShares(uint64, uint256 shares) internal override {
        i_fund.bridgeBurn(shares);
    }

    function _releaseFrom(uint64, uint256) internal pure override {}

    function _arrive(address receiver, uint256 shares) internal override returns (bool, bytes memory) {
        return _tryToken(abi.encodeCall(IFundToken.bridgeMintTo, (receiver, shares)));
    }

    function _keep(uint256 shares) internal override {
        i_fund.bridgeMint(shares);
    }
}
