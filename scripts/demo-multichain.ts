/**
 * The demo's issue 18 episode (scripts/demo.ts section 8, docs/MULTICHAIN.md): the fund the demo runs gains a
 * satellite chain, hosted by the same Hardhat network on its own CCIP lane (contracts/mocks/LocalCcipLane.sol).
 * The satellite is deployed and linked by the deploy library (lib/deploy/multichain-deploy.ts, the satellite side
 * of deploy script 10_multichain); the home side, after the fund's handover, by the Safes through the
 * AccessManager (the same calls the deploy script makes before a handover). Then a holder moves shares home ->
 * satellite and back with an accrual in flight each way, a receiver not yet copied to the satellite is parked and
 * delivered, the index is synced, and the supplies are reconciled (captable:export --chains).
 */
import * as path from "path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { AbiCoder, type BaseContract } from "ethers";
import type { Fund } from "../lib/fund";
import { setFundConfigOverride } from "../lib/deploy/context";
import { loadFundConfig } from "../lib/config/validate";
import { deploySatelliteSide } from "../lib/deploy/multichain-deploy";
import {
  ACCOUNT_KYC_EXPIRY,
  FUND_POOL_ROLES,
  HOME_RELAY_ROLES,
  PROTOCOL_CLASS,
  chainUpdate,
} from "../lib/deploy/multichain";
import { bucket, type MultichainConfig } from "../lib/deploy/multichain-config";
import { ROLE_IDS, type FunctionRoles, type RoleName } from "../lib/deploy/roles";
import { RULES } from "../lib/compliance-rules";
import { setTaskOutput } from "./tasks/context";
import { demoTime } from "./lib/demo-schedule";
import { addDays, isBusinessDay, utcDate } from "../lib/market-calendar";
import type { ConsolidatedCapTable } from "../lib/bridge";
import type { LocalCcipLane } from "../typechain-types";

const coder = AbiCoder.defaultAbiCoder();
/** CCIP selectors of Ethereum mainnet (home) and Arbitrum One (satellite), as labels of the two local lanes. */
const HOME = 5009297550715157269n;
const SAT = 4949039107694359620n;
const SAT_NETWORK = "satellite";

export interface MultichainDemoIo {
  hre: HardhatRuntimeEnvironment;
  fund: Fund;
  say(line?: string): void;
  fmt(v: bigint): string;
  /** The demo's NAV model at a time (8 decimals). */
  navAt(ts: number): bigint;
  out: string;
}

export interface MultichainDemoResult {
  table: ConsolidatedCapTable;
  supplies: { chain: string; shares: bigint; supply: bigint; index: bigint }[];
  lockedOnHome: bigint;
  /** The business days of the episode's two accruals (NAV rounds at their strike). */
  accruals: string[];
}

export async function multichainEpisode(
  io: MultichainDemoIo,
  holder: HardhatEthersSigner,
  receiver: HardhatEthersSigner,
  keeper: HardhatEthersSigner,
): Promise<MultichainDemoResult> {
  const { hre, fund, say, fmt } = io;
  const { ethers } = hre;
  const signers = await ethers.getSigners();
  const deployer = signers[0];
  const { token, registry, manager } = fund.contracts;
  const tokenAddress = await token.getAddress();
  const managerAddress = await manager.getAddress();
  const now = async () => (await ethers.provider.getBlock("latest"))!.timestamp;
  const advance = async (seconds: number) => {
    await hre.network.provider.send("evm_increaseTime", [seconds]);
    await hre.network.provider.send("evm_mine", []);
  };

  // CCIP's contracts on each chain (on a real network they exist: their addresses go in the fund config).
  const infra = async (selector: bigint) => {
    const tar = await (await ethers.getContractFactory("TokenAdminRegistry", deployer)).deploy();
    const module = await (
      await ethers.getContractFactory("RegistryModuleOwnerCustom", deployer)
    ).deploy(await tar.getAddress());
    await (await tar.addRegistryModule(await module.getAddress())).wait();
    const rmn = await (await ethers.getContractFactory("MockRMN", deployer)).deploy();
    const lane = (await (
      await ethers.getContractFactory("LocalCcipLane", deployer)
    ).deploy(selector, await tar.getAddress())) as unknown as LocalCcipLane;
    return { tar, module, rmn, lane };
  };
  const h = await infra(HOME);
  const s = await infra(SAT);
  await (await h.lane.setPeer(SAT, await s.lane.getAddress())).wait();
  await (await s.lane.setPeer(HOME, await h.lane.getAddress())).wait();
  const chain = async (network: string, selector: bigint, c: typeof h) => ({
    network,
    chainSelector: selector.toString(),
    router: await c.lane.getAddress(),
    rmnProxy: await c.rmn.getAddress(),
    tokenAdminRegistry: await c.tar.getAddress(),
    registryModuleOwnerCustom: await c.module.getAddress(),
    fees: "native" as const,
  });
  const lane = {
    toSatellite: { capacity: "1000000", ratePerSecond: "100" },
    toHome: { capacity: "1000000", ratePerSecond: "100" },
  };
  const mc: MultichainConfig = {
    home: await chain("hardhat", HOME, h),
    satellites: [
      {
        ...(await chain(SAT_NETWORK, SAT, s)),
        lane,
        deployment: {
          name: `${await token.name()} (satellite)`,
          symbol: await token.symbol(),
          kycValiditySeconds: 365 * 24 * 3600,
          rules: RULES.SANCTIONS,
          // In the demo, one owner of each home Safe holds the satellite role (its own Safes in production).
          roles: {
            admin: { account: 1 },
            issuer: { account: 6 },
            transferAgent: { account: 11 },
            guardian: { account: 17 },
          },
          delays: { admin: 0, issuer: 0 },
        },
      },
    ],
  };

  // Home: the pool and the relay, recorded as deploy script 10_multichain records them.
  const pool = await ethers.getContractAt(
    "FundLockReleasePool",
    (
      await hre.deployments.deploy("FundLockReleasePool", {
        from: deployer.address,
        args: [tokenAddress, mc.home.rmnProxy, mc.home.router, managerAddress],
      })
    ).address,
  );
  const relay = await ethers.getContractAt(
    "HomeRelay",
    (
      await hre.deployments.deploy("HomeRelay", {
        from: deployer.address,
        args: [mc.home.router, tokenAddress, managerAddress],
      })
    ).address,
  );
  const poolAddress = await pool.getAddress();

  // Satellite: deployed, wired, linked to the home pool, registered as a CCT and handed over by the deploy library.
  const sat = await deploySatelliteSide(
    {
      hre,
      deployer,
      address: (ref) => (typeof ref === "string" ? ref : signers[ref.account].address),
      log: (m) => say(`  | ${m}`),
    },
    mc,
    SAT_NETWORK,
  );
  say(
    `  satellite token ${await sat.token.getAddress()}, pool ${await sat.pool.getAddress()}, mirror ${await sat.mirror.getAddress()}`,
  );

  // Home, after the handover: the same steps through the Safes (each waits its role's delay).
  const roleCalls = (map: FunctionRoles, target: BaseContract) =>
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
        ] as const,
    );
  await (await pool.connect(deployer).transferOwnership(managerAddress)).wait();
  const adminCalls = [
    ...roleCalls(FUND_POOL_ROLES, pool),
    ...roleCalls(HOME_RELAY_ROLES, relay),
    [h.module, "registerAdminViaGetCCIPAdmin", [tokenAddress]],
    [h.tar, "acceptAdminRole", [tokenAddress]],
    [h.tar, "setPool", [tokenAddress, poolAddress]],
    [pool, "acceptOwnership", []],
    [
      pool,
      "applyChainUpdates",
      [
        [],
        [
          chainUpdate(
            SAT,
            await sat.pool.getAddress(),
            await sat.token.getAddress(),
            bucket(lane.toSatellite),
            bucket(lane.toHome),
          ),
        ],
      ],
    ],
  ] as const;
  // Every call of a Safe scheduled at once, then executed together after its role's delay.
  const governed = async (role: "admin" | "issuer", calls: [BaseContract, string, unknown[]][]) => {
    const actor = fund.as(role);
    let executableAt = 0n;
    const scheduled: boolean[] = [];
    for (const [target, fn, args] of calls) {
      const r = await actor.call(target, fn, args);
      scheduled.push(r.status === "scheduled");
      if (r.status === "scheduled" && r.executableAt > executableAt) executableAt = r.executableAt;
    }
    const wait = Number(executableAt) - (await now());
    if (wait > 0) await advance(wait);
    for (const [i, [target, fn, args]] of calls.entries())
      if (scheduled[i]) await actor.execute(target, fn, args);
  };
  await governed(
    "admin",
    adminCalls.map(([t, fn, args]) => [t as BaseContract, fn, [...args]]),
  );
  await governed("issuer", [
    [registry, "setProtocolAccount", [poolAddress, true]],
    [relay, "setMirror", [SAT, await sat.mirror.getAddress()]],
  ]);
  await fund
    .as("complianceOfficer")
    .now(registry)
    .registerInvestor(poolAddress, poolAddress, 840, PROTOCOL_CLASS, ACCOUNT_KYC_EXPIRY);
  say(
    `  home pool ${poolAddress} and relay ${await relay.getAddress()}, linked through the admin and issuer Safes`,
  );

  const last = async (l: LocalCcipLane) => (await l.queue()).at(-1)!;
  const syncInvestors = async (wallets: string[]) => {
    await (
      await relay
        .connect(keeper)
        .syncInvestors(SAT, wallets, { value: await relay.quoteInvestors(SAT, wallets) })
    ).wait();
    await (await s.lane.connect(keeper).execute(await last(s.lane))).wait();
  };
  const syncIndex = async () => {
    await (await relay.connect(keeper).syncIndex(SAT, { value: await relay.quoteIndex(SAT) })).wait();
    await (await s.lane.connect(keeper).execute(await last(s.lane))).wait();
  };
  // The next business day: the custodian's reserves and the NAV at the 16:00 New York strike, the accrual at 16:10
  // (the demo's NAV days: none on weekends or bond-market closures).
  const setTime = async (ts: number) => {
    await hre.network.provider.send("evm_setNextBlockTimestamp", [ts]);
    await hre.network.provider.send("evm_mine", []);
  };
  const accrueHome = async () => {
    const t = await now();
    let day = utcDate(t);
    while (!isBusinessDay(day) || demoTime(day, "strike") <= t + 60) day = addDays(day, 1);
    await setTime(demoTime(day, "strike"));
    await fund
      .as("navPublisher")
      .now(fund.contracts.reservePublisher!)
      .publish(((await token.totalSupply()) * 1002n) / 1000n / 10n ** 10n);
    await fund
      .as("navPublisher")
      .now(fund.contracts.navPublisher!)
      .publish(io.navAt(await now()));
    await setTime(demoTime(day, "accrue"));
    await (await token.connect(keeper).accrue()).wait();
    accruals.push(day);
  };
  const accruals: string[] = [];
  const send = async (
    from: { token: string; lane: LocalCcipLane },
    to: string,
    amount: bigint,
    dest: bigint,
  ) => {
    const t = await ethers.getContractAt("IFundToken", from.token);
    await (await t.connect(holder).approve(await from.lane.getAddress(), amount)).wait();
    const message = {
      receiver: coder.encode(["address"], [to]),
      data: "0x",
      tokenAmounts: [{ token: from.token, amount }],
      feeToken: ethers.ZeroAddress,
      extraArgs: "0x",
    };
    await (
      await from.lane
        .connect(holder)
        .ccipSend(dest, message, { value: await from.lane.getFee(dest, message) })
    ).wait();
  };
  const value = async (
    t: { sharesOf(a: string): Promise<bigint>; amountForShares(s: bigint): Promise<bigint> },
    a: string,
  ) => t.amountForShares(await t.sharesOf(a));

  await syncInvestors([holder.address]);
  await syncIndex();
  say(
    `  registry record and index copied to the satellite (HomeRelay -> SatelliteMirror): index ${await sat.token.index()}`,
  );

  // Home -> satellite with an accrual in flight.
  const amount = (await token.balanceOf(holder.address)) / 10n;
  await send({ token: tokenAddress, lane: h.lane }, holder.address, amount, SAT);
  const shares = await pool.lockedShares(SAT);
  say(`  holder sends ${fmt(amount)} tokens home -> satellite: ${shares} shares locked in the home pool`);

  const indexBefore = await token.index();
  await accrueHome();
  say(`  home accrues while the transfer is in flight: index ${indexBefore} -> ${await token.index()}`);
  await (await s.lane.connect(keeper).execute(await last(s.lane))).wait();
  await syncIndex();
  say(
    `  arrival: ${await sat.token.sharesOf(holder.address)} shares on the satellite, worth ${fmt(await value(sat.token, holder.address))} there` +
      ` (the same shares are worth ${fmt(await token.amountForShares(shares))} on home: one index)`,
  );

  // A receiver not yet copied to the satellite: parked, then delivered once its record is synced.
  const gift = (await token.balanceOf(holder.address)) / 100n;
  await send({ token: tokenAddress, lane: h.lane }, receiver.address, gift, SAT);
  await (await s.lane.connect(keeper).execute(await last(s.lane))).wait();
  const parked = (await sat.pool.queryFilter(sat.pool.filters.ArrivalParked())).at(-1)!;
  say(
    `  ${fmt(gift)} tokens to a receiver not yet on the satellite: parked as arrival ${parked.args.id} (the CCIP message succeeded)`,
  );
  await syncInvestors([receiver.address]);
  await (await sat.pool.connect(signers[11]).deliver(parked.args.id)).wait();
  say(
    `  receiver's record synced; the transfer agent delivers it: ${fmt(await sat.token.balanceOf(receiver.address))} tokens on the satellite`,
  );

  // Satellite -> home with an accrual in flight.
  const back = (await sat.token.balanceOf(holder.address)) / 2n;
  await send({ token: await sat.token.getAddress(), lane: s.lane }, holder.address, back, HOME);
  await accrueHome();
  await syncIndex();
  await (await h.lane.connect(keeper).execute(await last(h.lane))).wait();
  say(
    `  holder sends ${fmt(back)} tokens back satellite -> home with an accrual in flight; arrived at the home index ${await token.index()}`,
  );

  // Supplies and the cap table across chains.
  const satShares = await sat.token.totalShares();
  const lockedOnHome = await pool.lockedShares(SAT);
  const supplies = [
    {
      chain: "home",
      shares: await token.totalShares(),
      supply: await token.totalSupply(),
      index: await token.index(),
    },
    {
      chain: SAT_NETWORK,
      shares: satShares,
      supply: await sat.token.totalSupply(),
      index: await sat.token.index(),
    },
  ];
  for (const x of supplies)
    say(`  ${x.chain.padEnd(10)} total shares ${x.shares}, supply ${fmt(x.supply)}, index ${x.index}`);
  say(
    `  home pool locks ${lockedOnHome} shares for the satellite; the satellite has ${satShares}: ${lockedOnHome === satShares ? "reconciled" : "DIFFER"}`,
  );
  const config = loadFundConfig("hardhat", { isLocal: true, accountCount: signers.length });
  setFundConfigOverride({ ...config, multichain: mc });
  let table: ConsolidatedCapTable;
  const restoreOutput = setTaskOutput((l: string) => say(`  | ${l}`));
  try {
    table = await hre.run("captable:export", {
      out: path.join(io.out, "cap-table-chains.csv"),
      chains: true,
    });
  } finally {
    restoreOutput();
    setFundConfigOverride(undefined);
  }
  return { table, supplies, lockedOnHome, accruals };
}
