/**
 * Issue 17's fund on a fresh JSON-RPC node, in one process:
 *
 *   LOCALHOST_RPC_URL=http://127.0.0.1:<port> DEPLOYMENTS_DIR=<dir> I17_OUT=<file> \
 *     npx hardhat run test-integration/helpers/i17-setup.ts --network localhost
 *
 * Runs the deploy scripts (tag "all", records written to DEPLOYMENTS_DIR/localhost), then, through the role
 * holders' Safes as operators would: registers the investors (Hardhat accounts 26..35), mints
 * their tokens, deploys Safe's MultiSendCallOnly (1.4.1, from the package's artifacts) for the orchestrator's
 * batches, and gives the cross-chain asset escrow a payment-chain escrow settling in a stablecoin that can block
 * accounts (like USDC's blacklist): its own AccessManager (the deployer administers that "payment chain"), its
 * peer set both ways, the asset escrow's through the issuer's Safe behind the issuer's delay (the node's clock is
 * moved past it). Sellers approve the escrows, payers approve the payment escrow. Writes the addresses to I17_OUT.
 *
 * The integration test (test-integration/orchestrator.test.ts) and the benchmark (bench/settlement.ts) use it.
 */
import * as fs from "fs";
import hre from "hardhat";
import { ContractFactory, MaxUint256, parseUnits } from "ethers";
import { loadFund } from "../../lib/fund";
import { INVESTOR_CLASS_BITS } from "../../lib/classes";

const FIRST_INVESTOR = 26;
const INVESTORS = Number(process.env.I17_INVESTORS ?? "10");
const TOKENS_EACH = parseUnits(process.env.I17_TOKENS_EACH ?? "400000", 18);
const BUSD_EACH = parseUnits("10000000", 6);

async function main(): Promise<void> {
  const out = process.env.I17_OUT;
  if (!out) throw new Error("I17_OUT (output file) is required");
  const { ethers, upgrades, deployments } = hre;
  process.env.DEPLOY_QUIET = "true";
  const started = Date.now();
  await deployments.run(["all"], {
    resetMemory: true,
    deletePreviousDeployments: true,
    writeDeploymentsToFiles: true,
  });
  console.log(`deploy scripts: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const fund = await loadFund(hre);
  const signers = await ethers.getSigners();
  const deployer = signers[0];
  const investors = signers.slice(FIRST_INVESTOR, FIRST_INVESTOR + INVESTORS);
  const { registry, token } = fund.contracts;
  const dvp = fund.contracts.settlement!;
  const asset = fund.contracts.assetEscrow!;
  const now = (await ethers.provider.getBlock("latest"))!.timestamp;

  await fund
    .as("complianceOfficer")
    .on(registry)
    .batchRegisterInvestor(
      investors.map((w) => ({
        wallet: w.address,
        identity: w.address,
        country: 840,
        classes: INVESTOR_CLASS_BITS.accredited | INVESTOR_CLASS_BITS.us_person,
        kycExpiry: now + 365 * 86_400,
      })),
    );
  for (const w of investors) await fund.as("transferAgent").on(token).mint(w.address, TOKENS_EACH);

  const artifact =
    require("@safe-global/safe-contracts/build/artifacts/contracts/libraries/MultiSendCallOnly.sol/MultiSendCallOnly.json") as {
      abi: [];
      bytecode: string;
    };
  const multiSend = await new ContractFactory(artifact.abi, artifact.bytecode, deployer).deploy();
  await multiSend.waitForDeployment();

  // The payment chain's escrow, in a stablecoin that can block accounts.
  const simulator = await ethers.getContractAt(
    "CCIPLocalSimulator",
    (await deployments.get("CCIPLocalSimulator")).address,
  );
  const { chainSelector_: selector, sourceRouter_: router } = await simulator.configuration();
  const coin = await ethers.deployContract("MockBlockingStablecoin", [
    "Blockable USD",
    "BUSD",
    6,
    deployer.address,
  ]);
  await coin.waitForDeployment();
  const manager = await ethers.deployContract("AccessManager", [deployer.address]);
  await manager.waitForDeployment();
  const factory = await ethers.getContractFactory("CrossChainPaymentEscrow");
  const payment = await upgrades.deployProxy(
    factory,
    [await manager.getAddress(), await coin.getAddress(), 500_000],
    {
      kind: "uups",
      constructorArgs: [router],
      unsafeAllow: ["constructor", "state-variable-immutable"],
    },
  );
  await payment.waitForDeployment();
  const paymentAddress = await payment.getAddress();
  await (await payment.getFunction("setPeer")(selector, await asset.getAddress())).wait();
  await fund.as("issuer").now(asset).setPeer(selector, paymentAddress);

  for (const w of investors) {
    await (await token.connect(w).approve(await dvp.getAddress(), MaxUint256)).wait();
    await (await token.connect(w).approve(await asset.getAddress(), MaxUint256)).wait();
    await (await coin.connect(deployer).getFunction("mint")(w.address, BUSD_EACH)).wait();
    await (await coin.connect(w).getFunction("approve")(paymentAddress, MaxUint256)).wait();
  }

  console.log(`deploy and setup: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const latest = await ethers.provider.getBlock("latest");
  fs.writeFileSync(
    out,
    JSON.stringify(
      {
        dvp: await dvp.getAddress(),
        token: await token.getAddress(),
        registry: await registry.getAddress(),
        assetEscrow: await asset.getAddress(),
        paymentEscrow: paymentAddress,
        paymentCoin: await coin.getAddress(),
        paymentManager: await manager.getAddress(),
        multiSendCallOnly: await multiSend.getAddress(),
        ccipSelector: selector.toString(),
        settlementAgent: fund.as("settlementAgent").address,
        complianceOfficer: fund.as("complianceOfficer").address,
        transferAgent: fund.as("transferAgent").address,
        agentOwners: fund.as("settlementAgent").holder.owners,
        complianceOwners: fund.as("complianceOfficer").holder.owners,
        transferAgentOwners: fund.as("transferAgent").holder.owners,
        deployer: deployer.address,
        investors: investors.map((w) => w.address),
        block: latest!.number,
        timestamp: latest!.timestamp,
      },
      null,
      2,
    ),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
