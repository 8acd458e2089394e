/**
 * Issue 18: gas of a cross-chain transfer of the fund token through its pools, and of the same transfer of a plain
 * CCT burn/mint ERC-20 through Chainlink's stock BurnMintTokenPool (the baseline), both on the LocalCcipLane
 * (contracts/mocks/LocalCcipLane.sol: router + on-ramp + off-ramp in one contract per chain, the same for both).
 *
 * - `bridge_send`: a holder's `ccipSend` on the satellite (tokens to the pool with `transferFrom`, `lockOrBurn`:
 *   every source check of the fund token included; the baseline's is a plain `transferFrom` and `burn`);
 * - `bridge_receive`: the execution of that kind of message on the satellite, to a receiver who already holds
 *   tokens (`releaseOrMint`: the fund pool mints to itself and transfers to the receiver with every destination
 *   check; the baseline mints to the receiver).
 * The home chain's lock/release side is reported beside them in gas.md (`homeSend`, `homeReceive`).
 */
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, ZeroAddress } from "ethers";
import { measureGas, isolated } from "./common";
import { multichainFixture, send, lastMessage, HOME, SAT } from "../test/multichain/fixtures";
import { chainUpdate } from "../lib/deploy/multichain";

const coder = AbiCoder.defaultAbiCoder();
const E18 = 10n ** 18n;

export interface BridgeGas {
  bridge_send: number;
  bridge_receive: number;
  /** The home chain's side (lock on send, release on arrival). */
  homeSend: number;
  homeReceive: number;
}

/** The fund token's pools. */
export async function measureBridgeFund(): Promise<BridgeGas> {
  return isolated(async () => {
    const f = await loadFixture(multichainFixture);
    const home = { token: f.fund.contracts.token, lane: f.home.lane };
    // Alice and bob hold tokens on both chains before anything is measured.
    await hre.network.provider.send("evm_mine", []);
    await f.sat.lane.execute(await send(home, f.sat, f.alice, f.alice.address, 300n * E18, SAT));
    await f.home.relay.syncInvestors(SAT, [f.bob.address]);
    await f.sat.lane.execute(await lastMessage(f.sat.lane));
    await f.sat.lane.execute(await send(home, f.sat, f.alice, f.bob.address, 100n * E18, SAT));
    await f.fund.contracts.token.connect(f.alice).transfer(f.bob.address, 100n * E18);

    const homeSend = await measureGas(
      "fund home send",
      sendTx(f.fund.contracts.token, f.home.lane, f.alice, f.bob.address, 50n * E18, SAT),
    );
    await f.sat.lane.execute(await lastMessage(f.sat.lane));
    const satSend = await measureGas(
      "fund satellite send",
      sendTx(f.sat.token, f.sat.lane, f.alice, f.bob.address, 50n * E18, HOME),
    );
    const homeRelease = await measureGas(
      "fund home receive",
      f.home.lane.execute(await lastMessage(f.home.lane)),
    );
    await measureGas(
      "fund home send (2)",
      sendTx(f.fund.contracts.token, f.home.lane, f.alice, f.bob.address, 50n * E18, SAT),
    );
    const satReceive = await measureGas(
      "fund satellite receive",
      f.sat.lane.execute(await lastMessage(f.sat.lane)),
    );
    return { bridge_send: satSend, bridge_receive: satReceive, homeSend, homeReceive: homeRelease };
  });
}

/** Chainlink's stock burn/mint pool and burn/mint ERC-20, on the same lanes. */
export async function measureBridgeBaseline(): Promise<Omit<BridgeGas, "homeSend" | "homeReceive">> {
  return isolated(async () => {
    const { ethers } = hre;
    const [deployer, , , alice, bob] = await ethers.getSigners();
    const chain = async (selector: bigint) => {
      const tar = await ethers.deployContract("TokenAdminRegistry", deployer);
      const module = await ethers.deployContract(
        "RegistryModuleOwnerCustom",
        [await tar.getAddress()],
        deployer,
      );
      await tar.addRegistryModule(await module.getAddress());
      const rmn = await ethers.deployContract("MockRMN", deployer);
      const lane = await ethers.deployContract("LocalCcipLane", [selector, await tar.getAddress()], deployer);
      const token = await ethers.deployContract("BurnMintERC20", ["Plain", "PLN", 18, 0, 0], deployer);
      const pool = await ethers.deployContract(
        "BurnMintTokenPool",
        [await token.getAddress(), 18, [], await rmn.getAddress(), await lane.getAddress()],
        deployer,
      );
      await token.grantMintAndBurnRoles(await pool.getAddress());
      await token.grantMintAndBurnRoles(deployer.address);
      await module.registerAdminViaGetCCIPAdmin(await token.getAddress());
      await tar.acceptAdminRole(await token.getAddress());
      await tar.setPool(await token.getAddress(), await pool.getAddress());
      return { tar, lane, token, pool };
    };
    const a = await chain(HOME);
    const b = await chain(SAT);
    await a.lane.setPeer(SAT, await b.lane.getAddress());
    await b.lane.setPeer(HOME, await a.lane.getAddress());
    await a.pool.applyChainUpdates(
      [],
      [chainUpdate(SAT, await b.pool.getAddress(), await b.token.getAddress())],
    );
    await b.pool.applyChainUpdates(
      [],
      [chainUpdate(HOME, await a.pool.getAddress(), await a.token.getAddress())],
    );
    for (const t of [a.token, b.token]) {
      await t.mint(alice.address, 1_000n * E18);
      await t.mint(bob.address, 1_000n * E18);
    }
    await (await sendTx(a.token, a.lane, alice, bob.address, 10n * E18, SAT)).wait();
    await b.lane.execute(await lastMessage(b.lane));
    const bridge_send = await measureGas(
      "baseline send",
      sendTx(b.token, b.lane, alice, bob.address, 50n * E18, HOME),
    );
    await a.lane.execute(await lastMessage(a.lane));
    await (await sendTx(a.token, a.lane, alice, bob.address, 50n * E18, SAT)).wait();
    const bridge_receive = await measureGas("baseline receive", b.lane.execute(await lastMessage(b.lane)));
    return { bridge_send, bridge_receive };
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function sendTx(token: any, lane: any, holder: any, receiver: string, amount: bigint, dest: bigint) {
  await (await token.connect(holder).approve(await lane.getAddress(), amount)).wait();
  return lane.connect(holder).ccipSend(dest, {
    receiver: coder.encode(["address"], [receiver]),
    data: "0x",
    tokenAmounts: [{ token: await token.getAddress(), amount }],
    feeToken: ZeroAddress,
    extraArgs: "0x",
  });
}
