import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, takeSnapshot } from "@nomicfoundation/hardhat-network-helpers";
import { getAddress } from "ethers";
import hardhatConfig from "../../deploy/config/hardhat";
import { setFundConfigOverride } from "../../lib/deploy/context";
import settlementScript from "../../deploy/scripts/07_settlement";
import type { FundConfig } from "../../lib/config/types";
import type { CrossChainAssetEscrow, DvPSettlement, IdentityRegistry } from "../../typechain-types";
import { CLASS } from "../helpers/fund";
import { settlementFixture } from "./fixtures";

const ROUTER = getAddress("0x1111111111111111111111111111111111111111");
const ARBITRUM = 4_949_039_107_694_359_620n;
const BASE = 15_971_525_489_660_198_786n;
const PEER_ARBITRUM = getAddress("0x2222222222222222222222222222222222222222");
const PEER_BASE = getAddress("0x3333333333333333333333333333333333333333");

/**
 * Runs every deploy script with another settlement section, on top of the current chain, and restores the chain
 * afterwards (hardhat-deploy's fixture cache restores its records when a later test asks for its fixture).
 */
async function deployWith(settlement: FundConfig["settlement"], check: () => Promise<void>) {
  const snapshot = await takeSnapshot();
  // hardhat-deploy keeps its records in memory: put back exactly the fund's records afterwards, or later
  // tests would read the addresses of this throw-away deployment.
  const records = await hre.deployments.all();
  setFundConfigOverride({ ...structuredClone(hardhatConfig), settlement });
  try {
    await hre.deployments.run(["all"], {
      resetMemory: true,
      writeDeploymentsToFiles: false,
      deletePreviousDeployments: false,
    });
    await check();
  } finally {
    setFundConfigOverride(undefined);
    await snapshot.restore();
    for (const name of Object.keys(await hre.deployments.all())) {
      if (!(name in records)) await hre.deployments.delete(name);
    }
    for (const [name, record] of Object.entries(records)) await hre.deployments.save(name, record);
  }
}

async function recorded<T>(name: string, abi = name): Promise<T> {
  return (await hre.ethers.getContractAt(abi, (await hre.deployments.get(name)).address)) as unknown as T;
}

describe("deploy/scripts/07_settlement.ts", function () {
  describe("when re-run on the deployed fund (after the handover)", function () {
    it("should find everything as configured and send no transaction", async function () {
      await loadFixture(settlementFixture);
      const block = await hre.ethers.provider.getBlockNumber();
      await settlementScript(hre);
      expect(await hre.ethers.provider.getBlockNumber()).to.equal(block);
    });
  });

  describe("when the config has no CCIP section", function () {
    it("should deploy DvPSettlement only", async function () {
      await deployWith({ offchainPaymentDeadlineSeconds: 3 * 3600 }, async () => {
        const dvp = await recorded<DvPSettlement>("DvPSettlement");
        const registry = await recorded<IdentityRegistry>("IdentityRegistry");
        expect(await dvp.offChainPaymentWindow()).to.equal(3 * 3600);
        expect(await registry.investorClasses(await dvp.getAddress())).to.equal(CLASS.protocol);
        expect(await hre.deployments.getOrNull("CrossChainAssetEscrow")).to.equal(undefined);
        expect(await hre.deployments.getOrNull("CrossChainPaymentEscrow")).to.equal(undefined);
        expect(await hre.deployments.getOrNull("CCIPLocalSimulator")).to.equal(undefined);
      });
    });
  });

  describe("when the config names a real CCIP router and allow-list", function () {
    it("should deploy the asset escrow on the router with the listed peers and settings, and no payment escrow", async function () {
      await deployWith(
        {
          offchainPaymentDeadlineSeconds: 2 * 24 * 3600,
          ccip: {
            router: ROUTER,
            chainSelector: "5009297550715157269",
            allowedSourceChains: [
              { chainSelector: ARBITRUM.toString(), sender: PEER_ARBITRUM },
              { chainSelector: BASE.toString(), sender: PEER_BASE.toLowerCase() },
            ],
            gasLimit: 350_000,
            confirmationGraceSeconds: 32_400,
          },
        },
        async () => {
          const asset = await recorded<CrossChainAssetEscrow>("CrossChainAssetEscrow");
          const registry = await recorded<IdentityRegistry>("IdentityRegistry");
          expect(await asset.getRouter()).to.equal(ROUTER);
          expect(await asset.peer(ARBITRUM)).to.equal(PEER_ARBITRUM);
          expect(await asset.peer(BASE)).to.equal(PEER_BASE);
          expect(await asset.gasLimit()).to.equal(350_000n);
          expect(await asset.confirmationGrace()).to.equal(32_400n);
          expect(await registry.investorClasses(await asset.getAddress())).to.equal(CLASS.protocol);
          expect(await hre.deployments.getOrNull("CrossChainPaymentEscrow")).to.equal(undefined);
          expect(await hre.deployments.getOrNull("CCIPLocalSimulator")).to.equal(undefined);
        },
      );
    });
  });
});
