/**
 * Issue 18: one fund on two chains inside one Hardhat network. The home chain is the fund the deploy scripts deploy
 * (deployFundFixture: every role held by a Safe) plus its CCIP pool and relay (deploy/lib/multichain.ts); the
 * satellite is deployed by deploy/lib/multichain.ts `deploySatellite`. Each chain has its own LocalCcipLane
 * (router + ramps driving the real token pools), its own TokenAdminRegistry and RegistryModuleOwnerCustom
 * (Chainlink's), and its own RMN mock. The tokens are registered the CCT way (getCCIPAdmin -> the AccessManager).
 */
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { AbiCoder, type BaseContract } from "ethers";
import { expect } from "chai";
import { CLASS, COUNTRY, DAY, ONE, YEAR, deployFundFixture, mint, registerInvestor } from "../helpers/fund";
import type { Fund } from "../../scripts/lib/fund";
import { refreshReserves } from "../token/fixtures";
import type { RoleHolderName } from "../../deploy/config/types";
import {
  ACCOUNT_KYC_EXPIRY,
  FUND_POOL_ROLES,
  HOME_RELAY_ROLES,
  chainUpdate,
  deployHomeBridge,
  deploySatellite,
  type SatelliteStack,
} from "../../deploy/lib/multichain";
import { ROLE_IDS, type FunctionRoles, type RoleName } from "../../deploy/lib/roles";
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
/** TransferRestrictions codes used here. */
export const CODE = { SENDER_SANCTIONED: 9n } as const;

export interface MultichainFixture {
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

async function ccipInfra(selector: bigint, deployer: HardhatEthersSigner) {
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

export async function multichainFixture(): Promise<MultichainFixture> {
  const { fund, investors, outsider } = await loadFixture(deployFundFixture);
  const { ethers } = hre;
  const deployer = (await ethers.getSigners())[0];
  const [alice, bob, carol] = investors;
  const [satAdmin, satIssuer, satAgent, satGuardian] = investors.slice(10);
  const { manager, token, registry } = fund.contracts;
  const tokenAddress = await token.getAddress();

  const h = await ccipInfra(HOME, deployer);
  const s = await ccipInfra(SAT, deployer);
  await h.lane.setPeer(SAT, await s.lane.getAddress());
  await s.lane.setPeer(HOME, await h.lane.getAddress());

  const { pool, relay } = await deployHomeBridge(hre, deployer, {
    token: tokenAddress,
    router: await h.lane.getAddress(),
    rmnProxy: await h.rmn.getAddress(),
    manager: await manager.getAddress(),
  });
  const satellite = await deploySatellite(hre, {
    admin: satAdmin,
    issuer: satIssuer.address,
    transferAgent: satAgent.address,
    guardian: satGuardian.address,
    router: await s.lane.getAddress(),
    rmnProxy: await s.rmn.getAddress(),
    homeChainSelector: HOME,
    homeRelay: await relay.getAddress(),
    name: "Treasury Fund (satellite)",
    symbol: "TFUND",
    kycValiditySeconds: YEAR,
  });
  const satToken = await satellite.token.getAddress();
  const satPool = await satellite.pool.getAddress();
  const poolAddress = await pool.getAddress();

  // Lanes: each pool knows the other (no rate limit; the rate-limit tests set them).
  await pool.connect(deployer).applyChainUpdates([], [chainUpdate(SAT, satPool, satToken)]);
  await satellite.pool
    .connect(satAdmin)
    .applyChainUpdates([], [chainUpdate(HOME, poolAddress, tokenAddress)]);

  // Satellite CCT registration: its AccessManager is getCCIPAdmin; the admin acts through AccessManager.execute.
  const satManager = satellite.manager.connect(satAdmin);
  await satManager.execute(
    await s.module.getAddress(),
    s.module.interface.encodeFunctionData("registerAdminViaGetCCIPAdmin", [satToken]),
  );
  await satManager.execute(
    await s.tar.getAddress(),
    s.tar.interface.encodeFunctionData("acceptAdminRole", [satToken]),
  );
  await satManager.execute(
    await s.tar.getAddress(),
    s.tar.interface.encodeFunctionData("setPool", [satToken, satPool]),
  );
  await satellite.pool.connect(satAdmin).transferOwnership(await satellite.manager.getAddress());
  await satManager.execute(satPool, satellite.pool.interface.encodeFunctionData("acceptOwnership"));

  // Home: the same through the admin's Safe (behind its delay), and the pool listed as an account of the fund.
  await pool.connect(deployer).transferOwnership(await manager.getAddress());
  const setRoles = (target: BaseContract, map: FunctionRoles) =>
    (Object.entries(map) as [RoleName, string[]][]).map(
      ([role, names]) =>
        [
          manager,
          "setTargetFunctionRole",
          [
            String(target.target),
            names.map((n) => target.interface.getFunction(n)!.selector),
            ROLE_IDS[role],
          ],
        ] as [BaseContract, string, unknown[]],
    );
  await roleCalls(fund, "admin", [
    ...setRoles(pool, FUND_POOL_ROLES),
    ...setRoles(relay, HOME_RELAY_ROLES),
    [h.module, "registerAdminViaGetCCIPAdmin", [tokenAddress]],
    [h.tar, "acceptAdminRole", [tokenAddress]],
    [h.tar, "setPool", [tokenAddress, poolAddress]],
    [pool, "acceptOwnership", []],
  ]);
  await roleCalls(fund, "issuer", [
    [registry, "setProtocolAccount", [poolAddress, true]],
    [relay, "setMirror", [SAT, await satellite.mirror.getAddress()]],
  ]);
  await registerInvestor(fund, poolAddress, { classes: CLASS.protocol, kycExpiry: ACCOUNT_KYC_EXPIRY });

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
    fund,
    home: { ...h, pool, relay },
    sat: { ...satellite, ...s },
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
