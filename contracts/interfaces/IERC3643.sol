// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IIdentityRegistry} from "./IIdentityRegistry.sol";
import {IModularCompliance} from "./IModularCompliance.sol";

/// @title IERC3643
/// @notice The ERC-3643 (T-REX) permissioned token surface.
interface IERC3643 is IERC20Metadata {
    /// @notice Name, symbol, decimals, version or ONCHAINID changed.
    event UpdatedTokenInformation(
        string indexed _newName,
        string indexed _newSymbol,
        uint8 _newDecimals,
        string _newVersion,
        address indexed _newOnchainID
    );
    /// @notice The identity registry was set.
    event IdentityRegistryAdded(address indexed _identityRegistry);
    /// @notice The compliance contract was set.
    event ComplianceAdded(address indexed _compliance);
    /// @notice A lost wallet's holdings were recovered to a new wallet of the same investor.
    event RecoverySuccess(
        address indexed _lostWallet,
        address indexed _newWallet,
        address indexed _investorOnchainID
    );
    /// @notice A wallet was frozen or unfrozen.
    event AddressFrozen(address indexed _userAddress, bool indexed _isFrozen, address indexed _owner);
    /// @notice Part of a wallet's tokens were frozen.
    event TokensFrozen(address indexed _userAddress, uint256 _amount);
    /// @notice Part of a wallet's frozen tokens were unfrozen.
    event TokensUnfrozen(address indexed _userAddress, uint256 _amount);
    /// @notice The token was paused.
    event Paused(address _userAddress);
    /// @notice The token was unpaused.
    event Unpaused(address _userAddress);

    function setName(string calldata _name) external;

    function setSymbol(string calldata _symbol) external;

    function setOnchainID(address _onchainID) external;

    function pause() external;

    function unpause() external;

    function setAddressFrozen(address _userAddress, bool _freeze) external;

    function freezePartialTokens(address _userAddress, uint256 _amount) external;

    function unfreezePartialTokens(address _userAddress, uint256 _amount) external;

    function setIdentityRegistry(address _identityRegistry) external;

    function setCompliance(address _compliance) external;

    function forcedTransfer(address _from, address _to, uint256 _amount) external returns (bool);

    function mint(address _to, uint256 _amount) external;

    function burn(address _userAddress, uint256 _amount) external;

    function recoveryAddress(
        address _lostWallet,
        address _newWallet,
        address _investorOnchainID
    ) external returns (bool);

    function batchTransfer(address[] calldata _toList, uint256[] calldata _amounts) external;

    function batchForcedTransfer(
        address[] calldata _fromList,
        address[] calldata _toList,
        uint256[] calldata _amounts
    ) external;

    function batchMint(address[] calldata _toList, uint256[] calldata _amounts) external;

    function batchBurn(address[] calldata _userAddresses, uint256[] calldata _amounts) external;

    function batchSetAddressFrozen(address[] calldata _userAddresses, bool[] calldata _freeze) external;

    function batchFreezePartialTokens(
        address[] calldata _userAddresses,
        uint256[] calldata _amounts
    ) external;

    function batchUnfreezePartialTokens(
        address[] calldata _userAddresses,
        uint256[] calldata _amounts
    ) external;

    function onchainID() external view returns (address);

    function version() external view returns (string memory);

    function identityRegistry() external view returns (IIdentityRegistry);

    function compliance() external view returns (IModularCompliance);

    function paused() external view returns (bool);

    function isFrozen(address _userAddress) external view returns (bool);

    function getFrozenTokens(address _userAddress) external view returns (uint256);
}
