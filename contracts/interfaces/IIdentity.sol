// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.28;

/// @title IIdentity
/// @notice The investor identity type of ERC-3643: an ONCHAINID (ERC-734/735) contract, or any address the
/// transfer agent assigns to an investor. The suite uses it only as the investor's key, so no function is
/// required; KYC status is attested on-chain by the compliance officer in the identity registry, or written there
/// by a verification source from the identity's claims (docs/IDENTITY.md), never read on a transfer.
// solhint-disable-next-line no-empty-blocks
interface IIdentity {}
