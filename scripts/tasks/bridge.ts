/**
 * Issue 18 (docs/MULTICHAIN.md): the bridge tasks on the network Hardhat is connected to, with the pools, router and
 * tokens given by address (the deploy scripts do not record the bridge yet). They print what scripts/lib/bridge.ts
 * computes:
 *
 *   bridge:send     --token --pool --router --dest <selector> --to <receiver> --amount <tokens> [--quote-only]
 *   bridge:status   --pool <destination pool> --source <selector> --nonce <n>   (and the arrivals waiting)
 *   bridge:deliver  --pool --id      (TRANSFER_AGENT, signer with the role)
 *   bridge:return   --pool --id      (TRANSFER_AGENT; pays the quoted CCIP fee)
 *   bridge:captable --home-token --home-pool --satellites <name:selector:token:pool,...>
 *
 * The signer is Hardhat's first account of the network (an investor's own key for bridge:send).
 */
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { formatUnits } from "ethers";
import { TaskInputError, guarded, say } from "./context";
import { parseAddress, parseTokenAmount } from "./inputs";
import {
  capTableAcrossChains,
  quoteTransfer,
  sendTransfer,
  transferStatus,
  waitingArrivals,
} from "../lib/bridge";
import type { FundBurnMintPool, FundLockReleasePool, IFundToken, LocalCcipLane } from "../../typechain-types";

const tok = (v: bigint) => formatUnits(v, 18);

function selector(name: string, value: unknown): bigint {
  const v = String(value ?? "");
  if (!/^[1-9][0-9]*$/.test(v) || BigInt(v) >= 1n << 64n)
    throw new TaskInputError(`--${name}: "${v}" is not a CCIP chain selector`);
  return BigInt(v);
}

async function at<T>(hre: HardhatRuntimeEnvironment, abi: string, address: string): Promise<T> {
  return (await hre.ethers.getContractAt(abi, address)) as unknown as T;
}

/**
 * `captable:export --chains` (issue 18): the cap table across every network of the fund config's multichain
 * deployment, written to `out` as CSV (scripts/lib/captable-chains.ts), with the supply per chain and the
 * reconciliation printed.
 */
export async function exportChainsAcross(hre: HardhatRuntimeEnvironment, out: string) {
  if (typeof out !== "string" || out.trim() === "") throw new TaskInputError("--out is required");
  const { loadContext } = await import("../../deploy/lib/context");
  const mc = (await loadContext(hre)).config.multichain;
  if (!mc) throw new TaskInputError(`the fund config of ${hre.network.name} has no multichain deployment`);
  const { exportChainsCapTable } = await import("../lib/captable-chains");
  const table = await exportChainsCapTable(hre, mc, out, tok);
  say(`Cap table across ${table.chains.length} chains written to ${out}`);
  for (const c of table.chains)
    say(`  ${c.chain}: ${c.holders.length} holders, total shares ${c.totalShares} (index ${c.index})`);
  const all = table.consolidated.reduce((s, h) => s + h.shares, 0n);
  say(`  consolidated: ${table.consolidated.length} holders, ${all} shares`);
  for (const r of table.reconciliation)
    say(
      `  ${r.chain}: ${r.satelliteShares} shares, ${r.lockedOnHome} locked for it on home (difference ${r.difference}: in flight)`,
    );
  return table;
}

export function registerBridgeTasks(): void {
  task("bridge:send", "An investor's transfer of fund tokens to another chain over CCIP, with its fee quote")
    .addParam("token", "The fund token on this chain")
    .addParam("pool", "This chain's fund pool")
    .addParam("router", "This chain's CCIP router")
    .addParam("dest", "Destination chain selector")
    .addParam("to", "Receiver on the destination chain")
    .addParam("amount", "Token amount")
    .addFlag("quoteOnly", "Print the fee and send nothing")
    .setAction(async (args, hre) =>
      guarded(async () => {
        const [signer] = await hre.ethers.getSigners();
        const token = await at<IFundToken>(hre, "IFundToken", parseAddress("token", args.token));
        const router = await at<LocalCcipLane>(hre, "LocalCcipLane", parseAddress("router", args.router));
        const pool = await at<FundLockReleasePool>(
          hre,
          "FundLockReleasePool",
          parseAddress("pool", args.pool),
        );
        const dest = selector("dest", args.dest);
        const to = parseAddress("to", args.to);
        const amount = parseTokenAmount("amount", args.amount);
        const fee = await quoteTransfer(router, dest, await token.getAddress(), to, amount);
        say(`fee: ${fee} wei (native)`);
        if (args.quoteOnly) return;
        const balance = await token.balanceOf(signer.address);
        if (amount > balance)
          throw new TaskInputError(`--amount: ${tok(amount)} exceeds the balance ${tok(balance)}`);
        const r = await sendTransfer(signer, { token, pool, router, dest, receiver: to, amount });
        say(
          `sent ${r.shares} shares (${tok(amount)} tokens) to ${to} on ${dest}: nonce ${r.nonce}, tx ${r.receipt.hash}`,
        );
      }),
    );

  task(
    "bridge:status",
    "Where a transfer is on its destination pool, and the arrivals waiting for the transfer agent",
  )
    .addParam("pool", "The destination chain's fund pool")
    .addParam("source", "Source chain selector")
    .addParam(
      "nonce",
      "The source pool's nonce of the transfer (printed by bridge:send)",
      undefined,
      types.string,
    )
    .setAction(async (args, hre) =>
      guarded(async () => {
        const pool = await at<FundBurnMintPool>(hre, "FundBurnMintPool", parseAddress("pool", args.pool));
        const s = await transferStatus(pool, selector("source", args.source), BigInt(args.nonce));
        if (s.status === "in flight") say("in flight: not released on the destination yet");
        else if (s.status === "delivered")
          say(`delivered: ${s.shares} shares (${tok(s.amount)} tokens) to ${s.receiver}`);
        else
          say(
            `parked as id ${s.id} for ${s.receiver} (${s.shares} shares), refusal ${s.reason}: ` +
              (s.waiting ? "waiting for the transfer agent" : "delivered or returned since"),
          );
        for (const w of await waitingArrivals(pool))
          say(
            `waiting: id ${w.id}, ${w.shares} shares for ${w.receiver} from ${w.originalSender} on ${w.sourceChainSelector}`,
          );
      }),
    );

  task("bridge:deliver", "Delivers a parked arrival to its receiver (TRANSFER_AGENT)")
    .addParam("pool", "This chain's fund pool")
    .addParam("id", "The parked arrival", undefined, types.string)
    .setAction(async (args, hre) =>
      guarded(async () => {
        const [signer] = await hre.ethers.getSigners();
        const pool = await at<FundBurnMintPool>(hre, "FundBurnMintPool", parseAddress("pool", args.pool));
        const tx = await pool.connect(signer).deliver(BigInt(args.id));
        say(`delivered arrival ${args.id}: tx ${(await tx.wait())!.hash}`);
      }),
    );

  task(
    "bridge:return",
    "Returns a parked arrival to its sender on its source chain (TRANSFER_AGENT, pays the fee)",
  )
    .addParam("pool", "This chain's fund pool")
    .addParam("id", "The parked arrival", undefined, types.string)
    .setAction(async (args, hre) =>
      guarded(async () => {
        const [signer] = await hre.ethers.getSigners();
        const pool = await at<FundBurnMintPool>(hre, "FundBurnMintPool", parseAddress("pool", args.pool));
        const fee = await pool.returnFee(BigInt(args.id));
        const tx = await pool.connect(signer).returnToSender(BigInt(args.id), { value: fee });
        say(`returned arrival ${args.id} (fee ${fee} wei): tx ${(await tx.wait())!.hash}`);
      }),
    );

  task(
    "bridge:captable",
    "The cap table per chain and consolidated, reconciled with the home pool's locked shares",
  )
    .addParam("homeToken", "The home fund token")
    .addParam("homePool", "The home pool")
    .addParam("satellites", "name:selector:token:pool, comma-separated (contracts reachable on this network)")
    .setAction(async (args, hre) =>
      guarded(async () => {
        const home = {
          token: await at<IFundToken>(hre, "IFundToken", parseAddress("home-token", args.homeToken)),
          pool: await at<FundLockReleasePool>(
            hre,
            "FundLockReleasePool",
            parseAddress("home-pool", args.homePool),
          ),
        };
        const sats = [];
        for (const item of String(args.satellites).split(",")) {
          const [chain, sel, t, p] = item.split(":");
          if (!p) throw new TaskInputError(`--satellites: "${item}" is not name:selector:token:pool`);
          sats.push({
            chain,
            selector: selector("satellites", sel),
            token: await at<IFundToken>(hre, "IFundToken", parseAddress("satellites", t)),
            pool: await at<FundBurnMintPool>(hre, "FundBurnMintPool", parseAddress("satellites", p)),
          });
        }
        const table = await capTableAcrossChains(home, sats);
        say("chain,wallet,shares,amount");
        for (const c of table.chains)
          for (const h of c.holders) say(`${c.chain},${h.wallet},${h.shares},${tok(h.amount)}`);
        for (const h of table.consolidated) say(`all,${h.wallet},${h.shares},${tok(h.amount)}`);
        for (const r of table.reconciliation)
          say(
            `reconciliation,${r.chain},satellite shares ${r.satelliteShares},locked on home ${r.lockedOnHome},in flight ${r.difference}`,
          );
      }),
    );
}
