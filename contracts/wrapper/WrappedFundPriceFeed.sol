// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {IFundToken} from "../interfaces/IFundToken.sol";
import {IFundTokenTypes} from "../interfaces/IFundTokenTypes.sol";

/// @title WrappedFundPriceFeed
/// @notice A Chainlink-compatible feed (`AggregatorV3Interface`, 8 decimals) of the USD value of one whole wrapped
/// fund token, so that a lending market can price the wrapper like any Chainlink asset. The fund token is worth
/// $1 (its NAV growth is in the index), so the value is `vault.convertToAssets(10 ** vault.decimals())`, scaled
/// from the fund token's decimals down to 8 (truncated: a collateral price is never rounded up).
/// @dev Round data come from the fund's last applied NAV round (`fundToken.appliedNav()`): `roundId` and
/// `answeredInRound` are that round's id, `startedAt == updatedAt` its timestamp. The answer moves only when the
/// fund applies a NAV round (`accrue`) or when someone donates fund tokens to the vault (which only raises it, at
/// the donor's expense). `updatedAt` is the NAV round's time, not the time of the accrual: a consumer's
/// staleness bound is a bound on the age of the NAV the price reflects (docs/WRAPPER.md, "Price feed").
/// No history is kept: `getRoundData` answers for the latest round only.
/// Not upgradeable and without configuration, like the suite's other feeds: a new version is a new deployment.
contract WrappedFundPriceFeed is AggregatorV3Interface {
    /// @notice Decimals of every answer.
    uint8 public constant DECIMALS = 8;
    /// @notice Version of this feed implementation (`AggregatorV3Interface.version`).
    uint256 public constant VERSION = 1;

    /// @notice The wrapped fund token (an ERC-4626 vault over the fund token).
    IERC4626 public immutable vault;
    /// @notice The fund token: the vault's asset, whose last applied NAV round dates every answer.
    IFundToken public immutable fundToken;

    /// @dev One whole wrapped token: 10 ** vault.decimals().
    uint256 private immutable _shareUnit;
    /// @dev Divisor from the fund token's decimals to {DECIMALS}.
    uint256 private immutable _scale;

    /// @notice The vault is the zero address or not a contract.
    error InvalidVault(address vault);
    /// @notice The fund token has fewer decimals than the feed (the answer would have to be scaled up) or more than 36.
    error UnsupportedDecimals(uint8 assetDecimals);
    /// @notice The fund has not applied any NAV round yet: no answer can be dated.
    error NoNavApplied();
    /// @notice Only the latest round is available (no history is kept).
    error RoundNotAvailable(uint80 roundId, uint80 latestRoundId);

    /// @param vault_ The WrappedFundToken vault.
    constructor(address vault_) {
        if (vault_.code.length == 0) revert InvalidVault(vault_);
        vault = IERC4626(vault_);
        address asset = IERC4626(vault_).asset();
        fundToken = IFundToken(asset);
        uint8 assetDecimals = IERC20Metadata(asset).decimals();
        if (assetDecimals < DECIMALS || assetDecimals > 36) revert UnsupportedDecimals(assetDecimals);
        _scale = 10 ** (assetDecimals - DECIMALS);
        _shareUnit = 10 ** IERC20Metadata(vault_).decimals();
    }

    /// @notice 8.
    function decimals() external pure returns (uint8) {
        return DECIMALS;
    }

    /// @notice "<wrapped symbol> / USD".
    function description() external view returns (string memory) {
        return string.concat(IERC20Metadata(address(vault)).symbol(), " / USD");
    }

    /// @notice 1.
    function version() external pure returns (uint256) {
        return VERSION;
    }

    /// @notice The latest round: only `roundId == latest` is available.
    /// @param roundId The round asked for.
    function getRoundData(
        uint80 roundId
    )
        external
        view
        returns (uint80, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        IFundTokenTypes.AppliedNav memory nav = _appliedNav();
        if (roundId != nav.roundId) revert RoundNotAvailable(roundId, nav.roundId);
        return (nav.roundId, _answer(), nav.updatedAt, nav.updatedAt, nav.roundId);
    }

    /// @notice USD value of one whole wrapped token (8 decimals), dated by the fund's last applied NAV round.
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        IFundTokenTypes.AppliedNav memory nav = _appliedNav();
        return (nav.roundId, _answer(), nav.updatedAt, nav.updatedAt, nav.roundId);
    }

    function _appliedNav() private view returns (IFundTokenTypes.AppliedNav memory nav) {
        nav = fundToken.appliedNav();
        if (nav.updatedAt == 0) revert NoNavApplied();
    }

    /// @dev Fund tokens ($1 each) per whole wrapped token, rounded down twice (by the vault, then to 8 decimals).
    /// Fits an int256: the vault's conversion is bounded by the fund token's supply (shares < 2^128, index < 2^96).
    function _answer() private view returns (int256) {
        return int256(vault.convertToAssets(_shareUnit) / _scale);
    }
}
