// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title MockClaimHolder
/// @notice Test-only ERC-734/735 identity that stores any claim without asking its issuer (a real ONCHAINID
/// identity refuses a claim its issuer does not validate): stands for a hostile identity contract replaying
/// another identity's claim, and can be switched to revert or burn gas on every read.
contract MockClaimHolder {
    struct Claim {
        uint256 topic;
        uint256 scheme;
        address issuer;
        bytes signature;
        bytes data;
        string uri;
    }

    enum Mode {
        Normal,
        Revert,
        BurnGas
    }

    /// @notice The hostile identity reverts.
    error HostileIdentity();

    mapping(bytes32 key => bool) public keys;
    mapping(bytes32 claimId => Claim) private _claims;
    mapping(uint256 topic => bytes32[]) private _byTopic;
    Mode public mode;

    function setKey(address wallet, bool set) external {
        keys[keccak256(abi.encode(wallet))] = set;
    }

    function setMode(Mode m) external {
        mode = m;
    }

    function storeClaim(
        uint256 topic,
        address issuer,
        bytes calldata signature,
        bytes calldata data
    ) external {
        bytes32 id = keccak256(abi.encode(issuer, topic));
        if (_claims[id].issuer == address(0)) _byTopic[topic].push(id);
        _claims[id] = Claim(topic, 1, issuer, signature, data, "");
    }

    function keyHasPurpose(bytes32 key, uint256) external view returns (bool) {
        _misbehave();
        return keys[key];
    }

    function getClaim(
        bytes32 claimId
    ) external view returns (uint256, uint256, address, bytes memory, bytes memory, string memory) {
        _misbehave();
        Claim storage c = _claims[claimId];
        return (c.topic, c.scheme, c.issuer, c.signature, c.data, c.uri);
    }

    function getClaimIdsByTopic(uint256 topic) external view returns (bytes32[] memory) {
        _misbehave();
        return _byTopic[topic];
    }

    function _misbehave() private view {
        if (mode == Mode.Revert) revert HostileIdentity();
        if (mode == Mode.BurnGas) {
            uint256 x;
            while (gasleft() > 1_000) x++;
        }
    }
}
