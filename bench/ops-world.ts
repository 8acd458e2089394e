/**
 * The fund's history for `npm run bench:ops` (bench/ops.ts), on a node the fund was deployed to by the deploy
 * scripts; run as `hardhat run bench/ops-world.ts --network localhost` with `OPS_PHASE`:
 *
 * - `holders`: the issuer's Safe raises the max-investors rule to `OPS_MAX_INVESTORS` (the demo config stops at
 *   2,000, the Exchange Act threshold; a fund of 10,000 holders is past it; scheduled, the chain's clock moved
 *   past the issuer's delay, executed), then the transfer
 *   agent's Safe mints `OPS_TOKENS_EACH` tokens to every wallet of the CSV `OPS_CSV` (batchMint, 200 a transaction).
 * - `history`: `OPS_ROUNDS` business days (260: a year): each moves the chain's clock a day forward
 *   (evm_increaseTime + evm_mine: nothing reads the wall clock), republishes the reserves, publishes a NAV one
 *   basis point up and accrues it, and makes `OPS_TRANSFERS_PER_DAY` ordinary transfers between holders (the
 *   node signs for the investors: anvil_autoImpersonateAccount).
 * - `redemptions`: `OPS_REDEMPTIONS` holders request the redemption of `OPS_REDEEM_EACH` tokens in USDC (queued:
 *   the manager holds no USDC), then the manager is given the USDC that pays them all (the mock's mint).
 *
 * `OPS_PHASE` may list several phases, comma-separated (e.g. `holders,history`): run in that order by one process.
 * Writes what it did to `OPS_OUT` (JSON: the phase's record, or the array of the phases' records).
 */
import * as fs from "fs";
import hre from "hardhat";
import { getAddress, parseUnits } from "ethers";
import { loadFund } from "../lib/fund";

const env = (name: string, fallback?: string): string => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} is required`);
  return v;
};
const DAY = 86_400;
const CHUNK = 200;

/** The wallets of an investor CSV (first column), in file order. */
function csvWallets(file: string): string[] {
  return fs
    .readFileSync(file, "utf8")
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l.trim() !== "")
    .map((l) => getAddress(l.split(",")[0]));
}

/** A deterministic stream of numbers in [0, 1) (no Math.random: the same history every run). */
function stream(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

async function main(): Promise<void> {
  const phases = env("OPS_PHASE").split(",");
  const out = env("OPS_OUT");
  const fund = await loadFund(hre);
  const { token, compliance } = fund.contracts;
  const provider = hre.ethers.provider;
  const send = (method: string, params: unknown[]) => provider.send(method, params);
  const wallets = csvWallets(env("OPS_CSV"));
  const records: Record<string, unknown>[] = [];
  for (const phase of phases) {
    const started = Date.now();
    const record: Record<string, unknown> = { phase };

    if (phase === "holders") {
      const maxInvestors = Number(env("OPS_MAX_INVESTORS", "100000"));
      await fund.as("issuer").now(compliance).setMaxInvestors(maxInvestors);
      const each = parseUnits(env("OPS_TOKENS_EACH", "500"), 18);
      let txs = 0;
      for (let i = 0; i < wallets.length; i += CHUNK) {
        const chunk = wallets.slice(i, i + CHUNK);
        await fund
          .as("transferAgent")
          .on(token)
          .batchMint(
            chunk,
            chunk.map(() => each),
          );
        txs++;
      }
      Object.assign(record, { holders: wallets.length, mintTransactions: txs });
    } else if (phase === "history") {
      const rounds = Number(env("OPS_ROUNDS", "260"));
      const perDay = Number(env("OPS_TRANSFERS_PER_DAY", "10"));
      const navPublisher = fund.contracts.navPublisher!;
      const reservePublisher = fund.contracts.reservePublisher!;
      const next = stream(22);
      await send("anvil_autoImpersonateAccount", [true]);
      const funded = new Set<string>();
      let nav = (await navPublisher.latestRoundData())[1] as bigint;
      const reserves = parseUnits(env("OPS_RESERVES_USD", "10000000"), 8);
      let transfers = 0;
      for (let day = 0; day < rounds; day++) {
        await send("evm_increaseTime", [DAY]);
        await send("evm_mine", []);
        await fund.as("navPublisher").on(reservePublisher).publish(reserves);
        nav += nav / 10_000n; // one basis point a day
        await fund.as("navPublisher").on(navPublisher).publish(nav);
        await (await token.accrue()).wait();
        for (let t = 0; t < perDay; t++) {
          const from = wallets[Math.floor(next() * wallets.length)];
          let to = wallets[Math.floor(next() * wallets.length)];
          if (to === from) to = wallets[(wallets.indexOf(from) + 1) % wallets.length];
          if (!funded.has(from)) {
            await send("anvil_setBalance", [from, "0x56BC75E2D63100000"]); // 100 ETH for gas
            funded.add(from);
          }
          const signer = await provider.getSigner(from);
          await (await token.connect(signer).transfer(to, parseUnits("1", 18) + BigInt(transfers))).wait();
          transfers++;
        }
      }
      await send("anvil_autoImpersonateAccount", [false]);
      Object.assign(record, { rounds, transfers, nav: nav.toString() });
    } else if (phase === "redemptions") {
      const count = Number(env("OPS_REDEMPTIONS", "1000"));
      const each = parseUnits(env("OPS_REDEEM_EACH", "100"), 18);
      const fm = fund.contracts.fundManager!;
      const usdc = fund.contracts.stablecoins.USDC;
      const fmAddress = await fm.getAddress();
      await send("anvil_autoImpersonateAccount", [true]);
      for (const wallet of wallets.slice(0, count)) {
        await send("anvil_setBalance", [wallet, "0x56BC75E2D63100000"]);
        const signer = await provider.getSigner(wallet);
        await (await token.connect(signer).approve(fmAddress, each)).wait();
        await (await fm.connect(signer).requestRedemption(each, await usdc.getAddress(), 0)).wait();
      }
      await send("anvil_autoImpersonateAccount", [false]);
      const q = await fm.queue();
      const [, gross] = await fm.requestValue(q.head);
      const [deployer] = await hre.ethers.getSigners();
      const needed = gross * BigInt(count) * 2n;
      await (await usdc.connect(deployer).mint(fmAddress, needed)).wait();
      Object.assign(record, {
        requests: count,
        pending: Number(q.pendingCount),
        head: Number(q.head),
        tail: Number(q.tail),
        usdcGiven: needed.toString(),
      });
    } else throw new Error(`OPS_PHASE: unknown phase "${phase}"`);

    record.seconds = (Date.now() - started) / 1000;
    record.block = await provider.getBlockNumber();
    console.log(JSON.stringify(record));
    records.push(record);
  }
  fs.writeFileSync(out, JSON.stringify(records.length === 1 ? records[0] : records, null, 2));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
