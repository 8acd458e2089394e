// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC3643} from "./IERC3643.sol";
import {IERC7943Fungible} from "./IERC7943.sol";
import {IERC7575Share} from "./IERC7575.sol";
import {IFundTokenTypes} from "./IFundTokenTypes.sol";
import {ISharesToken} from "./ISharesToken.sol";
import {INavOracle} from "./INavOracle.sol";
import {IReserveGuard} from "./IReserveGuard.sol";

/// @title IFundToken
/// @notice The fund token: ERC-3643 permissioned, $1 per token, balances growing daily with the fund's NAV
/// (shares x index), with a management fee minted to the fee wallet and growth capped by proof of reserve.
/// Beside ERC-3643 it implements ERC-7943 (uRWA, fungible) and is the share token of the fund's ERC-7575 entry
/// points (`vault(asset)`); docs/TOKEN.md says which call does what where the standards disagree.
/// @dev The implementation is split in two contracts sharing one storage: FundToken (holder transfers,
/// issuance, accrual) and FundTokenAdmin (agent remedies, configuration, permit, restriction views), reached
/// through FundToken's fallback. This interface is the ABI of the whole token.
interface IFundToken is
    IERC3643,
    ISharesToken,
    IERC20Permit,
    IERC165,
    IERC20Errors,
    IFundTokenTypes,
    IERC7943Fungible,
    IERC7575Share
{
    /// @notice ERC-3643 and ERC-7943: moves tokens without the holder's consent (TRANSFER_AGENT). See FundTokenAdmin.
    function forcedTransfer(
        address from,
        address to,
        uint256 amount
    ) external override(IERC3643, IERC7943Fungible) returns (bool);

    /// @notice ERC-3643 and ERC-7943: the frozen tokens of a wallet (may exceed its balance, ERC-7943).
    function getFrozenTokens(
        address account
    ) external view override(IERC3643, IERC7943Fungible) returns (uint256);

    /// @notice Moves `amount` of `from`'s tokens into the caller's redemption escrow as a holder transfer (every
    /// holder check applies), spending `spender`'s allowance unless `spender` is `from`. MINTER (the fund manager).
    function escrowFrom(address spender, address from, uint256 amount) external returns (uint256 shares);

    /// @notice Sets the ERC-7575 entry point of `asset` (zero removes it). ISSUER.
    function setVault(address asset, address vault_) external;

    /// @notice Applies the latest NAV round, if the oracle accepts it: every balance grows with the NAV, the
    /// management fee for the elapsed time is minted to the fee wallet; unless the oracle allows NAV decreases,
    /// the fee is capped at the gross growth (the index never falls). Anyone may call it: the round is
    /// validated by the NAV oracle and applied at most once, so the outcome does not depend on the caller or
    /// the time of the call (the fee is prorated by the rounds' timestamps).
    /// The reserve guard's failures (a stale or invalid reserve round, any revert, no answer within its gas
    /// budget) block the growth like a shortfall: nothing is applied and the call returns false.
    /// @return applied False when the reserve guard blocked the growth (see {AccrualBlockedByReserve} and
    /// {AccrualBlockedByReserveGuard}).
    function accrue() external returns (bool applied);

    /// @notice Moves `sharesAmount` shares to `to` (same checks as transfer).
    /// @return amount The token amount moved, rounded down.
    function transferShares(address to, uint256 sharesAmount) external returns (uint256 amount);

    /// @notice The reason code (TransferRestrictions) a transfer would be refused with; 0 if allowed.
    function detectTransferRestriction(
        address from,
        address to,
        uint256 amount
    ) external view returns (uint8);

    /// @notice ERC-1404: the human-readable text of a reason code of {detectTransferRestriction}.
    function messageForTransferRestriction(uint8 restrictionCode) external pure returns (string memory);

    /// @notice Shares worth at most `amount` (rounded down).
    function sharesForAmount(uint256 amount) external view returns (uint256);

    /// @notice Token amount of `sharesAmount` (rounded down).
    function amountForShares(uint256 sharesAmount) external view returns (uint256);

    /// @notice The last applied NAV round.
    function appliedNav() external view returns (AppliedNav memory);

    /// @notice The NAV oracle read by {accrue}.
    function navOracle() external view returns (INavOracle);

    /// @notice The proof-of-reserve guard consulted whenever the supply grows.
    function reserveGuard() external view returns (IReserveGuard);

    /// @notice The wallet receiving the management fee.
    function feeWallet() external view returns (address);

    /// @notice The management fee, in basis points per year.
    function managementFeeBps() external view returns (uint16);

    /// @notice Points the accrual at another NAV oracle. ISSUER.
    function setNavOracle(address oracle) external;

    /// @notice Re-bases the applied NAV on the NAV oracle's latest round after a switch to a feed on another scale,
    /// without moving the index or minting a fee; only when the oracle refuses that round for its size. ISSUER.
    function rebaselineNav() external;

    /// @notice Sets the proof-of-reserve guard. ISSUER.
    function setReserveGuard(address guard) external;

    /// @notice Sets the wallet receiving the management fee: a verified PROTOCOL account. ISSUER.
    function setFeeWallet(address wallet) external;

    /// @notice Sets the management fee. ISSUER.
    function setManagementFeeBps(uint16 bps) external;

    /// @notice The CCIP token administrator (CCT): the token's AccessManager.
    function getCCIPAdmin() external view returns (address);

    /// @notice Issues shares to the calling satellite pool, for shares locked on the home chain. BRIDGE_POOL.
    function bridgeMint(uint256 shares) external returns (uint256 amount);

    /// @notice Issues shares to `to` for an arrival on a satellite, with the rules of a transfer from the calling pool.
    /// BRIDGE_POOL.
    function bridgeMintTo(address to, uint256 shares) external returns (uint256 amount);

    /// @notice Burns the calling satellite pool's shares sent to another chain. BRIDGE_POOL.
    function bridgeBurn(uint256 shares) external returns (uint256 amount);

    /// @notice Applies the home chain's index and round on a satellite. CHAIN_MIRROR.
    function syncIndex(uint256 newIndex, AppliedNav calldata round) external;

    /// @notice The contract holding the agent and configuration functions, run in the token's context.
    function extension() external view returns (address);
}
