/**
 * Issue 18: the deploy scripts deploy and link one fund across networks from the home chain's fund config
 * (deploy/scripts/10_multichain.ts, lib/deploy/multichain-deploy.ts). Both chains live in this Hardhat network: the
 * satellite is deployed under its network name ("satellite"), as the script does on that network.
 */
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, parseUnits } from "ethers";
import { expect } from "chai";
import {
  HOME,
  SAT,
  SAT_ACCOUNTS,
  SAT_NETWORK,
  ccipInfra,
  deployMultichain,
  multichainConfig,
  resetAfterMultichain,
  satelliteContext,
} from "./fixtures";
import { setFundConfigOverride } from "../../lib/deploy/context";
import type { FundConfig } from "../../lib/config/types";
import { deploySatelliteSide, satelliteRecord } from "../../lib/deploy/multichain-deploy";
import { ROLE_IDS } from "../../lib/deploy/roles";
import type { FundLockReleasePool, HomeRelay, IFundToken } from "../../typechain-types";

const { ethers, deployments } = hre;
const coder = AbiCoder.defaultAbiCoder();
const RUN = { resetMemory: false, deletePreviousDeployments: false, writeDeploymentsToFiles: false };
const RUN_FRESH = { ...RUN, resetMemory: true };

/** Lane limits of the deployment under test (whole tokens). */
const TO_SAT = { capacity: "10000", ratePerSecond: "10" };
const TO_HOME = { capacity: "5000", ratePerSecond: "5" };

async function infra() {
  const deployer = (await ethers.getSigners())[0];
  const h = await ccipInfra(HOME, deployer);
  const s = await ccipInfra(SAT, deployer);
  await h.lane.setPeer(SAT, await s.lane.getAddress());
  await s.lane.setPeer(HOME, await h.lane.getAddress());
  const config = await multichainConfig(h, s);
  config.multichain!.satellites[0].lane = { toSatellite: TO_SAT, toHome: TO_HOME };
  return { h, s, config };
}

async function deployedFixture() {
  const { h, s, config } = await infra();
  const satellite = await deployMultichain(config);
  const at = async <T>(contract: string, name: string) =>
    (await ethers.getContractAt(contract, (await deployments.get(name)).address)) as unknown as T;
  return {
    h,
    s,
    config,
    satellite,
    homePool: await at<FundLockReleasePool>("FundLockReleasePool", "FundLockReleasePool"),
    relay: await at<HomeRelay>("HomeRelay", "HomeRelay"),
    homeToken: await at<IFundToken>("IFundToken", "FundToken"),
    homeManager: await at<{ getAddress(): Promise<string> }>("AccessManager", "AccessManager"),
    records: await deployments.all(),
  };
}

/**
 * hardhat-deploy's records live in memory, outside the chain snapshots loadFixture restores: a test that runs the
 * deploy scripts again first puts back the records of the fixture's deployment.
 */
async function restoreRecords(f: Awaited<ReturnType<typeof deployedFixture>>) {
  for (const [name, d] of Object.entries(f.records)) await deployments.save(name, d);
}

/** Block number and deployer nonce: both unchanged when nothing was sent. */
async function sent() {
  const { deployer } = await hre.getNamedAccounts();
  return [await ethers.provider.getBlockNumber(), await ethers.provider.getTransactionCount(deployer)];
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

const bucket = (b: { capacity: string; ratePerSecond: string }) => [
  true,
  parseUnits(b.capacity, 18),
  parseUnits(b.ratePerSecond, 18),
];
const state = (s: { isEnabled: boolean; capacity: bigint; rate: bigint }) => [
  s.isEnabled,
  s.capacity,
  s.rate,
];

describe("issue 18: deploy scripts across networks (10_multichain)", function () {
  after(resetAfterMultichain);

  describe("deploying home, then the satellite, then home again", function () {
    it("should register both tokens as CCTs administered by their own AccessManager (getCCIPAdmin), each with its pool", async function () {
      const f = await loadFixture(deployedFixture);
      const homeCfg = await f.h.tar.getTokenConfig(await f.homeToken.getAddress());
      expect(homeCfg.administrator).to.equal(await f.homeManager.getAddress());
      expect(homeCfg.tokenPool).to.equal(await f.homePool.getAddress());
      expect(await f.homeToken.getCCIPAdmin()).to.equal(await f.homeManager.getAddress());
      const satCfg = await f.s.tar.getTokenConfig(await f.satellite.token.getAddress());
      expect(satCfg.administrator).to.equal(await f.satellite.manager.getAddress());
      expect(satCfg.tokenPool).to.equal(await f.satellite.pool.getAddress());
      expect(await f.satellite.token.getCCIPAdmin()).to.equal(await f.satellite.manager.getAddress());
    });

    it("should link each pool to the other side's pool and token with the config's rate limits, and the relay to the mirror", async function () {
      const f = await loadFixture(deployedFixture);
      const satPool = await f.satellite.pool.getAddress();
      const satToken = await f.satellite.token.getAddress();
      expect(await f.homePool.getRemotePools(SAT)).to.deep.equal([coder.encode(["address"], [satPool])]);
      expect(await f.homePool.getRemoteToken(SAT)).to.equal(coder.encode(["address"], [satToken]));
      expect(state(await f.homePool.getCurrentOutboundRateLimiterState(SAT))).to.deep.equal(bucket(TO_SAT));
      expect(state(await f.homePool.getCurrentInboundRateLimiterState(SAT))).to.deep.equal(bucket(TO_HOME));
      const sp = f.satellite.pool;
      expect(await sp.getRemotePools(HOME)).to.deep.equal([
        coder.encode(["address"], [await f.homePool.getAddress()]),
      ]);
      expect(await sp.getRemoteToken(HOME)).to.equal(
        coder.encode(["address"], [await f.homeToken.getAddress()]),
      );
      expect(state(await sp.getCurrentOutboundRateLimiterState(HOME))).to.deep.equal(bucket(TO_HOME));
      expect(state(await sp.getCurrentInboundRateLimiterState(HOME))).to.deep.equal(bucket(TO_SAT));
      expect(await f.relay.mirror(SAT)).to.equal(await f.satellite.mirror.getAddress());
      expect(await f.satellite.mirror.token()).to.equal(satToken);
    });

    it("should leave both pools owned by their AccessManager and the roles with the holders the config names", async function () {
      const f = await loadFixture(deployedFixture);
      expect(await f.homePool.owner()).to.equal(await f.homeManager.getAddress());
      expect(await f.satellite.pool.owner()).to.equal(await f.satellite.manager.getAddress());
      const signers = await ethers.getSigners();
      const { deployer } = await hre.getNamedAccounts();
      const m = f.satellite.manager;
      expect((await m.hasRole(ROLE_IDS.ADMIN, signers[SAT_ACCOUNTS.admin].address))[0]).to.equal(true);
      expect((await m.hasRole(ROLE_IDS.ISSUER, signers[SAT_ACCOUNTS.issuer].address))[0]).to.equal(true);
      expect(
        (await m.hasRole(ROLE_IDS.TRANSFER_AGENT, signers[SAT_ACCOUNTS.transferAgent].address))[0],
      ).to.equal(true);
      expect((await m.hasRole(ROLE_IDS.GUARDIAN, signers[SAT_ACCOUNTS.guardian].address))[0]).to.equal(true);
      expect((await m.hasRole(ROLE_IDS.BRIDGE_POOL, await f.satellite.pool.getAddress()))[0]).to.equal(true);
      expect((await m.hasRole(ROLE_IDS.CHAIN_MIRROR, await f.satellite.mirror.getAddress()))[0]).to.equal(
        true,
      );
      expect((await m.hasRole(ROLE_IDS.ADMIN, deployer))[0], "satellite deployer ADMIN").to.equal(false);
      const home = await ethers.getContractAt("AccessManager", await f.homeManager.getAddress());
      expect((await home.hasRole(ROLE_IDS.ADMIN, deployer))[0], "home deployer ADMIN").to.equal(false);
    });

    it("should send nothing when run again on both sides", async function () {
      const f = await loadFixture(deployedFixture);
      await restoreRecords(f);
      const before = await sent();
      setFundConfigOverride(f.config);
      try {
        await deployments.run(["all"], RUN);
        await deploySatelliteSide(await satelliteContext(), f.config.multichain!, SAT_NETWORK);
      } finally {
        setFundConfigOverride(undefined);
      }
      expect(await sent()).to.deep.equal(before);
    });
  });

  describe("when the records point a linked lane to another pool", function () {
    it("should refuse with MultichainLinkError before sending anything", async function () {
      const f = await loadFixture(deployedFixture);
      await restoreRecords(f);
      const real = await deployments.get(satelliteRecord(SAT_NETWORK, "FundBurnMintPool"));
      const impostor = (await ethers.getSigners())[5].address;
      await deployments.save(satelliteRecord(SAT_NETWORK, "FundBurnMintPool"), {
        ...real,
        address: impostor,
      });
      const before = await sent();
      setFundConfigOverride(f.config);
      try {
        const error = await rejection(deployments.run(["all"], RUN));
        expect(error.message).to.match(/already links chain 3478487238524512106 .* refused/);
      } finally {
        setFundConfigOverride(undefined);
        await deployments.save(satelliteRecord(SAT_NETWORK, "FundBurnMintPool"), real);
      }
      expect(await sent()).to.deep.equal(before);
    });
  });

  describe("when the config's rate limits change after the handover", function () {
    it("should refuse naming the AccessManager call the admin Safe must make, sending nothing", async function () {
      const f = await loadFixture(deployedFixture);
      await restoreRecords(f);
      const changed: FundConfig = structuredClone(f.config);
      changed.multichain!.satellites[0].lane.toSatellite = { capacity: "20000", ratePerSecond: "20" };
      const before = await sent();
      setFundConfigOverride(changed);
      try {
        const error = await rejection(deployments.run(["all"], RUN));
        expect(error.message).to.match(
          /rate limits from the config: the deployer no longer holds ADMIN; the admin Safe must call AccessManager\.execute/,
        );
      } finally {
        setFundConfigOverride(undefined);
      }
      expect(await sent()).to.deep.equal(before);
    });
  });

  describe("when the satellite is not deployed yet", function () {
    it("should deploy the home side and defer the handover (the deployer keeps ADMIN to link the satellite later)", async function () {
      const { config } = await infra();
      setFundConfigOverride(config);
      try {
        await deployments.run(["all"], RUN_FRESH);
      } finally {
        setFundConfigOverride(undefined);
      }
      const pool = await ethers.getContractAt(
        "FundLockReleasePool",
        (await deployments.get("FundLockReleasePool")).address,
      );
      expect(await pool.isSupportedChain(SAT)).to.equal(false);
      const manager = await ethers.getContractAt(
        "AccessManager",
        (await deployments.get("AccessManager")).address,
      );
      const { deployer } = await hre.getNamedAccounts();
      expect((await manager.hasRole(ROLE_IDS.ADMIN, deployer))[0]).to.equal(true);
    });
  });

  describe("when the satellite is deployed before the home chain", function () {
    it("should refuse, sending nothing", async function () {
      const { config } = await infra();
      await deployments.run(["no-such-tag"], RUN_FRESH); // forgets every record, runs no script
      const before = await sent();
      const error = await rejection(
        deploySatelliteSide(await satelliteContext(), config.multichain!, SAT_NETWORK),
      );
      expect(error.message).to.match(/deploy the home chain \(hardhat\) first/);
      expect(await sent()).to.deep.equal(before);
    });
  });

  describe("with an inconsistent multichain config", function () {
    const cases: { what: string; change: (c: FundConfig) => void; message: RegExp }[] = [
      {
        what: "a pair whose receiving side accepts less than its sending side sends",
        change: (c) => {
          c.multichain!.satellites[0].inbound = { toSatellite: { capacity: "100", ratePerSecond: "1" } };
        },
        message: /home -> satellite: the receiving side accepts less/,
      },
      {
        what: "a satellite on the home chain's selector",
        change: (c) => {
          c.multichain!.satellites[0].chainSelector = c.multichain!.home.chainSelector;
        },
        message: /chainSelector 16015286601757825753 is already home's/,
      },
      {
        what: "a satellite without its deployment section",
        change: (c) => {
          delete c.multichain!.satellites[0].deployment;
        },
        message: /satellites\[0\] \(satellite\) deployment: missing/,
      },
      {
        what: "a home chain that is not the config's network",
        change: (c) => {
          c.multichain!.home.network = "sepolia";
        },
        message: /multichain\.home\.network: is "sepolia", but this is the config of "hardhat"/,
      },
      {
        what: "a rate above its capacity (Chainlink's RateLimiter refuses it)",
        change: (c) => {
          c.multichain!.satellites[0].lane.toHome = { capacity: "10", ratePerSecond: "11" };
        },
        message: /lane\.toHome: rate 11\/s above capacity 10/,
      },
    ];
    for (const { what, change, message } of cases) {
      it(`should refuse ${what} before sending anything`, async function () {
        const { config } = await infra();
        change(config);
        const before = await sent();
        setFundConfigOverride(config);
        try {
          const error = await rejection(deployments.run(["all"], RUN_FRESH));
          expect(error.message).to.match(/Invalid fund config for network "hardhat"/);
          expect(error.message).to.match(message);
        } finally {
          setFundConfigOverride(undefined);
        }
        expect(await sent()).to.deep.equal(before);
      });
    }
  });
});
