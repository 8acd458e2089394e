/**
 * Issue 18: one fund on two chains inside one Hardhat network. The home chain is the fund the deploy scripts deploy
 * (deployFundFixture: every role held by a Safe) plus its CCIP pool and relay (lib/deploy/multichain.ts); the
 * satellite is deployed by lib/deploy/multichain.ts `deploySatellite`. Each chain has its own LocalCcipLane
 * (router + ramps driving the real token pools), its own TokenAdminRegistry and RegistryModuleOwnerCustom
 * (Chainlink's), and its own RMN mock. The tokens are registered the CCT way (getCCIPAdmin -> the AccessManager).
 */
import hre from "hardhat";
import { clearSnapshots, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { AbiCoder, type BaseContract } from "ethers";
import { expect } from "chai";
import {
  CLASS,
  COUNTRY,
  DAY,
  FIRST_INVESTOR_ACCOUNT,
  ONE,
  YEAR,
  mint,
  registerInvestor,
} from "../helpers/fund";
import { loadFund, type Fund } from "../../lib/fund";
import { setFundConfigOverride } from "../../lib/deploy/context";
import hardhatConfig from "../../deploy/config/hardhat";
import type { FundConfig } from "../../lib/config/types";
import { RESTRICTION, RULES } from "../../lib/compliance-rules";
import { deploySatelliteSide, type SatelliteContext } from "../../lib/deploy/multichain-deploy";
import { refreshReserves } from "../token/fixtures";
import type { RoleHolderName } from "../../lib/config/types";
import type { SatelliteStack } from "../../lib/deploy/multichain";
import type {
  FundLockReleasePool,
  HomeRelay,
  LocalCcipLane,
  MockRMN,
  RegistryModuleOwnerCustom,
  TokenAdminRegistry,
} from "../../typechain-types";

export { CLASS, COUNTRY, DAY, ONE, YEAR };
export const HOME = 16015286601757825753n;
export const SAT = 3478487238524512106n;
export const coder = AbiCoder.defaultAbiCoder();
/** Tokens alice holds on the home chain at the start. */
export const ALICE_TOKENS = 1_000n * ONE;
/** TransferRestrictions codes (generated, through lib/compliance-rules.ts). */
export const CODE = RESTRICTION;

export interface MultichainFixture {
  /** The home fund config the deployment was made from (with its multichain section). */
  config: FundConfig;
  fund: Fund;
  home: {
    lane: LocalCcipLane;
    tar: TokenAdminRegistry;
    module: RegistryModuleOwnerCustom;
    rmn: MockRMN;
    pool: FundLockReleasePool;
    relay: HomeRelay;
  };
  sat: SatelliteStack & {
    lane: LocalCcipLane;
    tar: TokenAdminRegistry;
    module: RegistryModuleOwnerCustom;
    rmn: MockRMN;
  };
  deployer: HardhatEthersSigner;
  satAdmin: HardhatEthersSigner;
  satIssuer: HardhatEthersSigner;
  satAgent: HardhatEthersSigner;
  satGuardian: HardhatEthersSigner;
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  carol: HardhatEthersSigner;
  outsider: HardhatEthersSigner;
}

/** Schedules calls of one role holder, waits its delay once, executes them in order. */
export async function roleCalls(
  fund: Fund,
  role: RoleHolderName,
  calls: [BaseContract, string, unknown[]][],
) {
  const actor = fund.as(role);
  let executableAt = 0n;
  const scheduled: boolean[] = [];
  for (const [target, fn, args] of calls) {
    const r = await actor.call(target, fn, args);
    scheduled.push(r.status === "scheduled");
    if (r.status === "scheduled" && r.executableAt > executableAt) executableAt = r.executableAt;
  }
  if (executableAt > BigInt(await time.latest())) await time.increaseTo(executableAt);
  for (let i = 0; i < calls.length; ++i) {
    if (scheduled[i]) await actor.execute(calls[i][0], calls[i][1], calls[i][2]);
  }
}

export async function ccipInfra(selector: bigint, deployer: HardhatEthersSigner) {
  const { ethers } = hre;
  const tar = await (await ethers.getContractFactory("TokenAdminRegistry", deployer)).deploy();
  const module = await (
    await ethers.getContractFactory("RegistryModuleOwnerCustom", deployer)
  ).deploy(await tar.getAddress());
  await tar.addRegistryModule(await module.getAddress());
  const rmn = await (await ethers.getContractFactory("MockRMN", deployer)).deploy();
  const lane = await (
    await ethers.getContractFactory("LocalCcipLane", deployer)
  ).deploy(selector, await tar.getAddress());
  return { tar, module, rmn, lane };
}

/** Hardhat accounts holding the satellite's roles (investors[10..13] of deployFundFixture). */
export const SAT_ACCOUNTS = { admin: 36, issuer: 37, transferAgent: 38, guardian: 39 } as const;
/** The network name the satellite is deployed as (hosted by this Hardhat network). */
export const SAT_NETWORK = "satellite";

/** The home fund config (deploy/config/hardhat.ts) with a deployment across two chains on the given CCIP contracts. */
export async function multichainConfig(
  h: Awaited<ReturnType<typeof ccipInfra>>,
  s: Awaited<ReturnType<typeof ccipInfra>>,
): Promise<FundConfig> {
  const config = structuredClone(hardhatConfig);
  const chain = async (network: string, selector: bigint, c: Awaited<ReturnType<typeof ccipInfra>>) => ({
    network,
    chainSelector: selector.toString(),
    router: await c.lane.getAddress(),
    rmnProxy: await c.rmn.getAddress(),
    tokenAdminRegistry: await c.tar.getAddress(),
    registryModuleOwnerCustom: await c.module.getAddress(),
    fees: "native" as const,
  });
  config.multichain = {
    home: await chain("hardhat", HOME, h),
    satellites: [
      {
        ...(await chain(SAT_NETWORK, SAT, s)),
        // No rate limit: the rate-limit tests set them through the AccessManager.
        lane: { toSatellite: null, toHome: null },
        deployment: {
          name: "Treasury Fund (satellite)",
          symbol: "TFUND",
          kycValiditySeconds: YEAR,
          rules: RULES.SANCTIONS,
          roles: {
            admin: { account: SAT_ACCOUNTS.admin },
            issuer: { account: SAT_ACCOUNTS.issuer },
            transferAgent: { account: SAT_ACCOUNTS.transferAgent },
            guardian: { account: SAT_ACCOUNTS.guardian },
          },
          delays: { admin: 0, issuer: 0 },
        },
      },
    ],
  };
  return config;
}

/** The satellite's deployer context on this Hardhat network (what deploy script 10_multichain builds there). */
export async function satelliteContext(): Promise<SatelliteContext> {
  const signers = await hre.ethers.getSigners();
  const { deployer } = await hre.getNamedAccounts();
  return {
    hre,
    deployer: await hre.ethers.getSigner(deployer),
    address: (ref) => (typeof ref === "string" ? ref : signers[ref.account].address),
    log: () => undefined,
  };
}

/**
 * One fund on two chains from the deploy scripts (docs/MULTICHAIN.md "Deployment across networks"): the home
 * deployment (tag all) with the config's multichain section, the satellite's side (deploy script 10_multichain's
 * satellite path), then the home deployment again, which links the home pool to the satellite and hands over.
 */
export async function deployMultichain(config: FundConfig) {
  const run = (resetMemory: boolean) =>
    hre.deployments.run(["all"], {
      resetMemory,
      deletePreviousDeployments: false,
      writeDeploymentsToFiles: false,
    });
  setFundConfigOverride(config);
  try {
    await run(true);
    const satellite = await deploySatelliteSide(await satelliteContext(), config.multichain!, SAT_NETWORK);
    await run(false);
    return satellite;
  } finally {
    setFundConfigOverride(undefined);
  }
}

export async function multichainFixture(): Promise<MultichainFixture> {
  const { ethers } = hre;
  const signers = await ethers.getSigners();
  const deployer = signers[0];
  const investors = signers.slice(FIRST_INVESTOR_ACCOUNT);
  const outsider = signers[0];
  const [alice, bob, carol] = investors;
  const [satAdmin, satIssuer, satAgent, satGuardian] = investors.slice(10);

  const h = await ccipInfra(HOME, deployer);
  const s = await ccipInfra(SAT, deployer);
  await h.lane.setPeer(SAT, await s.lane.getAddress());
  await s.lane.setPeer(HOME, await h.lane.getAddress());

  const config = await multichainConfig(h, s);
  const satellite = await deployMultichain(config);
  const fund = await loadFund(hre);
  const at = async <T>(contract: string, name: string) =>
    (await ethers.getContractAt(contract, (await hre.deployments.get(name)).address)) as unknown as T;
  const pool = await at<FundLockReleasePool>("FundLockReleasePool", "FundLockReleasePool");
  const relay = await at<HomeRelay>("HomeRelay", "HomeRelay");

  // Two days pass between the deployment and the first investor (the tests' NAV rounds then move within the
  // oracle's bound per elapsed time, as they did when the bridge was set up through the Safes' delays).
  await time.increase(2 * DAY);
  // Alice and bob are investors on home; alice holds tokens; alice is copied to the satellite.
  await registerInvestor(fund, alice.address);
  await registerInvestor(fund, bob.address);
  await refreshReserves(fund);
  await mint(fund, alice.address, ALICE_TOKENS);
  await relay.connect(outsider).syncInvestors(SAT, [alice.address]);
  await s.lane.execute(await lastMessage(s.lane));
  await relay.connect(outsider).syncIndex(SAT);
  await s.lane.execute(await lastMessage(s.lane));
  return {
    config,
    fund,
    home: { ...h, pool, relay },
    // Connected to the satellite's admin, as the contracts deploySatellite returned.
    sat: {
      manager: satellite.manager.connect(satAdmin),
      registry: satellite.registry.connect(satAdmin),
      compliance: satellite.compliance.connect(satAdmin),
      token: satellite.token.connect(satAdmin),
      pool: satellite.pool.connect(satAdmin),
      mirror: satellite.mirror.connect(satAdmin),
      ...s,
    },
    deployer,
    satAdmin,
    satIssuer,
    satAgent,
    satGuardian,
    alice,
    bob,
    carol,
    outsider,
  };
}

/**
 * The multichain deployment replaces hardhat-deploy's in-memory records, which loadFixture's chain snapshots do not
 * restore: a file that uses it resets the network and forgets the snapshots after its tests (`after`), so that the
 * next file's fixtures deploy afresh, with records that match the chain.
 */
export async function resetAfterMultichain() {
  setFundConfigOverride(undefined);
  await hre.network.provider.send("hardhat_reset", []);
  await clearSnapshots();
}

/** The last message queued on a lane (the one a send just made). */
export async function lastMessage(lane: LocalCcipLane): Promise<string> {
  const q = await lane.queue();
  return q[q.length - 1];
}

/** The holder sends `amount` of its tokens to `receiver` on the other chain; returns the message id queued there. */
export async function send(
  from: { token: { getAddress(): Promise<string> }; lane: LocalCcipLane },
  to: { lane: LocalCcipLane },
  holder: HardhatEthersSigner,
  receiver: string,
  amount: bigint,
  destSelector: bigint,
) {
  const { ethers } = hre;
  const token = await ethers.getContractAt("IFundToken", await from.token.getAddress());
  await token.connect(holder).approve(await from.lane.getAddress(), amount);
  await from.lane.connect(holder).ccipSend(destSelector, {
    receiver: coder.encode(["address"], [receiver]),
    data: "0x",
    tokenAmounts: [{ token: await token.getAddress(), amount }],
    feeToken: ethers.ZeroAddress,
    extraArgs: "0x",
  });
  return lastMessage(to.lane);
}

export { expect };
