// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// Makes Hardhat compile Chainlink's CCIP local simulator (one Hardhat chain standing in for two chains, with a
// mock router that delivers messages synchronously), deployed by deploy/scripts/07_settlement.ts when the
// config says `settlement.ccip.local` and used by the settlement tests. Imported only for its artifact.
// solhint-disable-next-line no-unused-import
import {CCIPLocalSimulator} from "@chainlink/local/src/ccip/CCIPLocalSimulator.sol";

// The CCT registration contracts (issue 18): the real TokenAdminRegistry and RegistryModuleOwnerCustom, deployed by
// the multichain tests next to the LocalCcipLane mock.
// solhint-disable-next-line no-unused-import
import {TokenAdminRegistry} from "@chainlink/contracts-ccip/contracts/tokenAdminRegistry/TokenAdminRegistry.sol";
// solhint-disable-next-line no-unused-import
import {RegistryModuleOwnerCustom} from "@chainlink/contracts-ccip/contracts/tokenAdminRegistry/RegistryModuleOwnerCustom.sol";

// The gas baseline of issue 18 (bench/bridge.ts): Chainlink's stock burn/mint pool with its burn/mint ERC-20.
// solhint-disable-next-line no-unused-import
import {BurnMintTokenPool} from "@chainlink/contracts-ccip/contracts/pools/BurnMintTokenPool.sol";
// solhint-disable-next-line no-unused-import
import {BurnMintERC20} from "@chainlink/contracts/src/v0.8/shared/token/ERC20/BurnMintERC20.sol";
