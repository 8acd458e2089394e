/**
 * The whole life of a tokenized Treasury fund in one run, on the in-process Hardhat network:
 *
 *   npm run demo        (npx hardhat run scripts/demo.ts)
 *
 * 1. deploys the suite with the deploy scripts (deploy/config/hardhat.ts: Safes hold every role);
 * 2. onboards investors of several kinds from a CSV file with the transfer agent's task (a bad row rejected);
 * 3. shows refusals with their reasons: an embargoed country, a sanctioned wallet;
 * 4. takes subscriptions in USDC through the fund manager;
 * 5. runs 30 calendar days: NAV published at the 16:00 New York strike of each business day of the US bond
 *    market (SIFMA's calendar, lib/market-calendar.ts: not on weekends nor full closures) at a T-bill
 *    yield, reserves reported by the custodian, the daily accrual applied by a keeper;
 * 6. settles secondary trades: on-chain DvP, off-chain payment driven by the settlement orchestrator against the
 *    bank-rail server (both in this process), and a cross-chain trade over CCIP (local simulator);
 * 7. recovers a lost wallet; redeems instantly and through the queue the transfer agent settles;
 * 8. onboards one investor from an ONCHAINID claim and one from EAS attestations (issue 20, docs/IDENTITY.md), and
 *    shows a revocation at the source stopping a transfer once a keeper refreshes;
 * 9. prints a summary and writes reports/demo/: REPORT.md (cap table, daily NAV and supply, yield per investor,
 *    gas per operation, the off-chain trade's timeline), nav-supply.svg, cap-table.csv.
 *
 * The demo does not depend on when it is started: before deploying it moves the chain's clock to the launch day
 * of its schedule (scripts/lib/demo-schedule.ts: the first business-day Monday, 08:00 New York, at least an hour
 * ahead of the chain's clock), so every step is priced with a NAV round of the same morning or of the last
 * business day. The report states the dates it used.
 */
import * as fs from "fs";
import * as path from "path";
import hre, { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { formatUnits, parseUnits, type ContractTransactionResponse, type TransactionReceipt } from "ethers";
import { loadFund, type Fund } from "../lib/fund";
import type { TxResult, ManagedCallResult } from "../lib/governance";
import { INVESTOR_CLASS_BITS } from "../lib/classes";
import { restrictionMessage } from "../lib/compliance-rules";
import { confirmTradeTerms, tradeTermsOf } from "../lib/cross-chain-terms";
import { dualAxisChart, markdownTable } from "./lib/report";
import { demoSchedule, DEMO_DAYS, type DemoEvent, type DemoSchedule } from "./lib/demo-schedule";
import { closureOn, addDays, weekdayName, type Closure } from "../lib/market-calendar";
import { setTaskOutput } from "./tasks/context";
import { multichainEpisode } from "./demo-multichain";
import { deployedEas } from "../lib/deploy/eas";
import {
  SCHEMA_KIND,
  VERIFIED_ACCOUNT_SCHEMA,
  VERIFIED_COUNTRY_SCHEMA,
  alpha2Key,
  attest,
  deployClaimIssuer,
  deployIdentity,
  encodeClaimData,
  encodeCountryAttestation,
  encodeFlagAttestation,
  issueClaim,
  registerSchema,
  revokeAttestation,
} from "../lib/identity-sources";
import * as os from "os";
import { BankRailServer, type Ledger } from "../services/bank-rail/server";
import { defaultAccountOf } from "../services/bank-rail/iso20022";
import { Orchestrator, offChainKey } from "../services/orchestrator/orchestrator";
import { ChainAdapter, settlementInterfaces } from "../services/orchestrator/adapters/chain";
import { AgentSafe } from "../services/orchestrator/adapters/safe";
import { HttpPaymentRail } from "../services/orchestrator/adapters/rail";
import { Journal } from "../services/orchestrator/journal";
import { DEFAULT_POLICY } from "../services/orchestrator/core";

process.env.DEPLOY_QUIET = "true";

const OUT = path.join(process.cwd(), "reports", "demo");
const DAY = 86_400;
const USDC = (n: string) => parseUnits(n, 6);
const TOKENS = (n: string) => parseUnits(n, 18);
/** Gross annual yield of the fund's T-bill portfolio. */
const T_BILL_YIELD = 0.0512;
/** The demo's events as the report names them. */
const EVENT_LABELS: Record<DemoEvent, string> = {
  onChainTrade: "on-chain DvP",
  offChainTrade: "off-chain DvP",
  crossChainTrade: "cross-chain DvP",
  recoverWallet: "wallet recovery",
  redemptions: "redemptions",
  settleQueue: "queue settled",
  integratorRequest: "ERC-7540 request",
  integratorClaim: "ERC-7540 claim",
};

// ------------------------------------------------------------------------------------------------ recording

const gas = new Map<string, bigint[]>();
const timeline: { date: string; nav: number; supply: number; index: number; fee: number }[] = [];

async function receiptOf(
  tx: ContractTransactionResponse | TxResult | ManagedCallResult,
): Promise<TransactionReceipt> {
  if ("receipt" in tx) return tx.receipt;
  const r = await tx.wait();
  if (!r) throw new Error(`transaction ${tx.hash} not mined`);
  return r;
}

/** Waits for a transaction and records its gas under `label`. */
async function rec<T extends ContractTransactionResponse | TxResult | ManagedCallResult>(
  label: string,
  tx: Promise<T>,
): Promise<TransactionReceipt> {
  const receipt = await receiptOf(await tx);
  const list = gas.get(label) ?? [];
  list.push(receipt.gasUsed);
  gas.set(label, list);
  return receipt;
}

/** Where the demo prints (the console, unless main() is given another sink). */
let print: (line: string) => void = (line) => console.log(line);

function say(line = ""): void {
  print(line);
}

function section(title: string): void {
  say();
  say(`=== ${title} ${"=".repeat(Math.max(0, 90 - title.length))}`);
}

const fmt = (v: bigint, decimals = 18, digits = 2) =>
  Number(formatUnits(v, decimals)).toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });

function dateOf(ts: number): string {
  return new Date(ts * 1000).toISOString().slice(0, 10);
}

async function now(): Promise<number> {
  return (await ethers.provider.getBlock("latest"))!.timestamp;
}

/** Moves the chain's clock to a step of the schedule; a step already past means the schedule broke: refuse. */
async function setTime(ts: number): Promise<void> {
  const current = await now();
  if (ts < current) {
    throw new Error(`demo: the chain's clock (${iso(current)}) is already past the step due at ${iso(ts)}`);
  }
  if (ts > current) {
    await hre.network.provider.send("evm_setNextBlockTimestamp", [ts]);
    await hre.network.provider.send("evm_mine", []);
  }
}

function iso(ts: number): string {
  return new Date(ts * 1000).toISOString().replace(".000Z", "Z");
}

/** The revert reason of a refused call, decoded with the suite's ABIs. */
async function refusal(fund: Fund, call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (error) {
    const data = (error as { data?: string }).data ?? (error as { error?: { data?: string } }).error?.data;
    if (typeof data === "string") {
      for (const iface of fund.interfaces()) {
        try {
          const parsed = iface.parseError(data);
          if (parsed) {
            const args = parsed.args.map((a) => String(a)).join(", ");
            const code =
              parsed.name === "TransferRestricted" ? ` = ${restrictionMessage(parsed.args[0])}` : "";
            return `${parsed.name}(${args})${code}`;
          }
        } catch {
          // try the next ABI
        }
      }
    }
    return (error as Error).message.split("\n")[0];
  }
  throw new Error("the call was expected to be refused");
}

// ------------------------------------------------------------------------------------------------ the story

interface Investor {
  name: string;
  kind: string;
  wallet: HardhatEthersSigner;
  identity: string;
}

export interface DemoOptions {
  /** Directory of the report (default reports/demo). */
  out?: string;
  /** Where to print (default the console). */
  log?: (line: string) => void;
}

export interface DemoResult {
  /** The schedule the demo followed, computed from the chain's clock when it started. */
  schedule: DemoSchedule;
  /** The business days with a NAV published, in order, and what the token applied. */
  timeline: { date: string; nav: number; supply: number; index: number; fee: number }[];
  /** The report written. */
  report: string;
}

/** Runs the demo on the in-process Hardhat network, from whatever time the chain's clock shows. */
export async function main(options: DemoOptions = {}): Promise<DemoResult> {
  const started = Date.now();
  const out = options.out ?? OUT;
  print = options.log ?? ((line) => console.log(line));
  gas.clear();
  timeline.length = 0;
  fs.mkdirSync(out, { recursive: true });
  const signers = await ethers.getSigners();
  const [deployer] = signers;

  // The chain's clock when the demo starts (on a fresh network: the wall clock). Everything below follows the
  // schedule derived from it; the clock moves to the launch morning before anything is deployed.
  const schedule = demoSchedule(await now());
  const lastDate = addDays(schedule.launchDate, DEMO_DAYS - 1);
  const closures = schedule.days.map((d) => closureOn(d.date)).filter((c): c is Closure => c !== undefined);
  await setTime(schedule.deployAt);

  section("1. Deploy the suite (deploy scripts, Safes hold every role)");
  say(
    `  chain clock at start ${iso(schedule.chainTime)}; moved to the launch: ${weekdayName(schedule.launchDate)} ` +
      `${schedule.launchDate} 08:00 New York (${iso(schedule.deployAt)}); the demo runs to ${lastDate}`,
  );
  // A plain run of the deploy scripts (the fresh network of `hardhat run`): no fixture snapshot to revert to.
  await hre.deployments.run(["all"], {
    resetMemory: true,
    deletePreviousDeployments: false,
    writeDeploymentsToFiles: false,
  });
  const fund = await loadFund(hre);
  const { token, registry, compliance } = fund.contracts;
  const fm = fund.contracts.fundManager!;
  const usdc = fund.contracts.stablecoins.USDC;
  const navPublisher = fund.contracts.navPublisher!;
  const reservePublisher = fund.contracts.reservePublisher!;
  for (const [name, d] of Object.entries(await hre.deployments.all())) {
    if (!name.startsWith("Stablecoin.")) say(`  ${name.padEnd(34)} ${d.address}`);
  }
  for (const role of Object.keys(fund.actors) as (keyof typeof fund.actors)[]) {
    const h = fund.as(role).holder;
    say(`  role holder ${role.padEnd(18)} Safe ${h.threshold}-of-${h.owners.length} ${h.address}`);
  }
  say(`  deployer holds ADMIN: ${(await fund.contracts.manager.hasRole(0, deployer.address))[0]}`);

  // Investors (Hardhat accounts 26..39, deploy/config/hardhat.ts account plan).
  const w = signers.slice(26);
  const people: Record<string, Investor> = {
    alice: { name: "Alice", kind: "US accredited individual", wallet: w[0], identity: w[0].address },
    bob: {
      name: "Bob Capital LLC",
      kind: "US qualified purchaser, institutional",
      wallet: w[1],
      identity: w[1].address,
    },
    chloe: { name: "Chloe", kind: "Singapore accredited (non-US)", wallet: w[2], identity: w[2].address },
    dmitri: {
      name: "Dmitri GmbH",
      kind: "German institutional (non-US)",
      wallet: w[3],
      identity: w[3].address,
    },
    farid: { name: "Farid", kind: "accredited, resident in Iran", wallet: w[4], identity: w[4].address },
    eve: { name: "Eve", kind: "US accredited, later sanctioned", wallet: w[5], identity: w[5].address },
  };
  const aliceSecond = w[6];
  const aliceRecovery = w[7];
  const keeper = w[8];

  section("2. Onboard investors from a CSV file (transfer agent task investor:import)");
  // The NAV model: the portfolio compounds at the T-bill yield from the NAV baseline set at deployment.
  const baseline = Number((await token.appliedNav()).updatedAt);
  await setTime(schedule.onboardAt);
  const expiry = dateOf((await now()) + 365 * DAY);
  const csv = [
    "wallet,identity,country,classes,kycExpiry",
    `${people.alice.wallet.address},,840,accredited|us_person,${expiry}`,
    `${aliceSecond.address},${people.alice.identity},840,accredited|us_person,${expiry}`,
    `${people.bob.wallet.address},,840,qualified_purchaser|institutional|us_person,${expiry}`,
    `${people.chloe.wallet.address},,702,accredited,${expiry}`,
    `${people.dmitri.wallet.address},,276,institutional,${expiry}`,
    `${people.farid.wallet.address},,364,accredited,${expiry}`,
    `${people.eve.wallet.address},,840,accredited|us_person,${expiry}`,
    `0x000000000000000000000000000000000000dEaD,,840,accredited,2020-01-01`,
  ].join("\n");
  const csvFile = path.join(out, "investors.csv");
  fs.writeFileSync(csvFile, csv + "\n");
  const restoreOutput = setTaskOutput((l: string) => say(`  | ${l}`));
  try {
    await hre.run("investor:import", { file: csvFile, skipInvalid: true });
  } finally {
    restoreOutput();
  }
  for (const p of Object.values(people))
    say(`  ${p.name.padEnd(16)} ${p.kind.padEnd(40)} ${p.wallet.address}`);

  section("3. Subscriptions in USDC through the fund manager");
  const subscriptions: Record<string, string> = {
    alice: "2000000",
    bob: "5000000",
    chloe: "750000",
    dmitri: "1500000",
    eve: "250000",
  };
  await setTime(schedule.subscribeAt);
  await rec(
    "publish reserves (NAV publisher Safe)",
    fund.as("navPublisher").on(reservePublisher).publish(parseUnits("25000000", 8)),
  );
  const subscribed: Record<string, bigint> = {};
  for (const [key, amount] of Object.entries(subscriptions)) {
    const p = people[key];
    await (await usdc.connect(deployer).mint(p.wallet.address, USDC(amount))).wait();
    await (await usdc.connect(p.wallet).approve(await fm.getAddress(), USDC(amount))).wait();
    const r = await rec(
      "subscribe (investor)",
      fm.connect(p.wallet).subscribe(await usdc.getAddress(), USDC(amount), 0),
    );
    void r;
    subscribed[key] = USDC(amount);
    say(
      `  ${p.name.padEnd(16)} paid ${amount.padStart(9)} USDC -> ${fmt(await token.balanceOf(p.wallet.address))} tokens`,
    );
  }

  section("4. Refusals, with their reasons");
  await (await usdc.connect(deployer).mint(people.farid.wallet.address, USDC("100000"))).wait();
  await (await usdc.connect(people.farid.wallet).approve(await fm.getAddress(), USDC("100000"))).wait();
  say(
    `  Farid (Iran) subscribes 100,000 USDC: refused with ` +
      (await refusal(fund, () =>
        fm.connect(people.farid.wallet).subscribe.staticCall(usdc.target, USDC("100000"), 0),
      )),
  );
  await rec(
    "sanction a wallet (compliance officer Safe)",
    fund.as("complianceOfficer").on(compliance).setSanctioned([people.eve.wallet.address], true),
  );
  say(
    `  Eve is put on the sanctions list; Alice sends her 1,000 tokens: refused with ` +
      (await refusal(fund, () =>
        token.connect(people.alice.wallet).transfer.staticCall(people.eve.wallet.address, TOKENS("1000")),
      )),
  );
  say(
    `  Eve tries to redeem: refused with ` +
      (await refusal(fund, async () => {
        await (await token.connect(people.eve.wallet).approve(fm.target, TOKENS("1000"))).wait();
        return fm.connect(people.eve.wallet).requestRedemption.staticCall(TOKENS("1000"), usdc.target, 0);
      })),
  );
  const restore2 = setTaskOutput((l: string) => say(`  | ${l}`));
  try {
    await hre.run("compliance:explain", {
      from: people.chloe.wallet.address,
      to: people.farid.wallet.address,
      amount: "1000",
    });
  } finally {
    restore2();
  }

  section("5. 30 days of NAV, reserves and daily accrual");
  const startIndex = await token.index();
  const yieldByInvestor = new Map<string, bigint>();
  const wallets = [
    ...Object.values(people).map((p) => p.wallet.address),
    aliceSecond.address,
    aliceRecovery.address,
  ];
  const identityOf = async (wallet: string) => (await registry.identity(wallet)) as string;
  const episodes: Record<DemoEvent, () => Promise<unknown>> = {
    onChainTrade: () => onChainTrade(fund, people.chloe.wallet, people.dmitri.wallet, "100000"),
    offChainTrade: () =>
      offChainTrade(fund, people.bob.wallet, people.alice.wallet, "250000", [
        people.bob.name,
        people.alice.name,
      ]),
    crossChainTrade: () => crossChainTrade(fund, people.dmitri.wallet, people.chloe.wallet, "50000"),
    recoverWallet: () => recoverWallet(fund, people.alice, aliceRecovery),
    redemptions: () => redemptions(fund, people),
    settleQueue: () => settleQueue(fund),
    integratorRequest: () => integratorRequest(fund, people),
    integratorClaim: () => integratorClaim(fund, people),
  };
  for (const { date, closed, events, eventsAt, strikeAt, accrueAt } of schedule.days) {
    // Weekends and market closures: no NAV, no event.
    if (closed !== undefined) continue;
    const strike = strikeAt!;

    // Events of the month, during the business day before the NAV strike.
    if (events.length > 0) await setTime(eventsAt!);
    for (const event of events) await episodes[event]();

    await setTime(strike);
    // The custodian's report: assets a little above the fund's supply (it holds the bills plus cash).
    const supply = await token.totalSupply();
    await rec(
      "publish reserves (NAV publisher Safe)",
      fund
        .as("navPublisher")
        .on(reservePublisher)
        .publish((supply * 1002n) / 1000n / 10n ** 10n),
    );
    const elapsed = (strike - baseline) / (365 * DAY);
    const nav = BigInt(Math.round((1 + T_BILL_YIELD) ** elapsed * 1e8));
    await rec("publish NAV (NAV publisher Safe)", fund.as("navPublisher").on(navPublisher).publish(nav));
    const before = new Map<string, bigint>();
    for (const x of wallets) before.set(x, await token.balanceOf(x));
    const feeBefore = await token.balanceOf(await token.feeWallet());
    await setTime(accrueAt!);
    await rec("daily accrual (anyone)", token.connect(keeper).accrue());
    for (const x of wallets) {
      const delta = (await token.balanceOf(x)) - before.get(x)!;
      const id = await identityOf(x);
      if (delta !== 0n) yieldByInvestor.set(id, (yieldByInvestor.get(id) ?? 0n) + delta);
    }
    const fee = (await token.balanceOf(await token.feeWallet())) - feeBefore;
    const applied = await token.appliedNav();
    timeline.push({
      date,
      nav: Number(applied.nav) / 1e18,
      supply: Number(formatUnits(await token.totalSupply(), 18)),
      index: Number(await token.index()) / 1e18,
      fee: Number(formatUnits(fee, 18)),
    });
    say(
      `  ${date} NAV ${(Number(applied.nav) / 1e18).toFixed(6)}  index ${(Number(await token.index()) / 1e18).toFixed(8)}` +
        `  supply ${fmt(await token.totalSupply())}  fee ${fmt(fee, 18, 4)}`,
    );
  }

  section("6. Cap table and reconciliation (transfer agent tasks)");
  const capFile = path.join(out, "cap-table.csv");
  const restore3 = setTaskOutput((l: string) => say(`  | ${l}`));
  let capTable: {
    rows: {
      identity: string;
      wallets: string[];
      country: string;
      classes: string;
      shares: bigint;
      balance: bigint;
      locked: bigint;
      frozen: bigint;
    }[];
  };
  try {
    capTable = await hre.run("captable:export", { out: capFile });
    await hre.run("captable:reconcile", {});
  } finally {
    restore3();
  }

  section("7. Reusable identity: an ONCHAINID claim, EAS attestations, a revocation at the source");
  await reusableIdentity(fund, people.chloe.wallet, w[9], w[10], w[11], w[12]);

  section("8. One fund on two chains over CCIP (issue 18, docs/MULTICHAIN.md)");
  const navAt = (ts: number) =>
    BigInt(Math.round((1 + T_BILL_YIELD) ** ((ts - baseline) / (365 * DAY)) * 1e8));
  const multichain = await multichainEpisode(
    { hre, fund, say, fmt: (v) => fmt(v), navAt, out },
    people.bob.wallet,
    people.chloe.wallet,
    keeper,
  );

  section("Summary");
  const endIndex = await token.index();
  const days = (Number((await token.appliedNav()).updatedAt) - baseline) / DAY;
  const growth = Number(endIndex) / Number(startIndex) - 1;
  const nameOf = (identity: string) =>
    Object.values(people).find((p) => p.identity.toLowerCase() === identity.toLowerCase())?.name ?? identity;
  say(
    `  index ${Number(startIndex) / 1e18} -> ${(Number(endIndex) / 1e18).toFixed(8)} over ${days.toFixed(1)} days: ` +
      `${(growth * 100).toFixed(4)}% (${(((growth * 365) / days) * 100).toFixed(2)}% a year, net of the ${await token.managementFeeBps()} bps fee)`,
  );
  say(
    `  total supply ${fmt(await token.totalSupply())} tokens; fee wallet ${fmt(await token.balanceOf(await token.feeWallet()))}`,
  );
  say(`  investors counted by the compliance: ${await compliance.investorCount()}`);
  for (const [id, y] of yieldByInvestor) say(`  yield earned by ${nameOf(id).padEnd(16)} ${fmt(y)} tokens`);

  // ---------------------------------------------------------------------------------------------- report
  const feeWallet = await token.feeWallet();
  const svg = dualAxisChart(
    `${await token.name()}: NAV and total supply, ${timeline[0].date} to ${timeline.at(-1)!.date}`,
    timeline.map((t) => t.date.slice(5)),
    {
      label: "NAV per unit (USD)",
      color: "#1f5fa6",
      values: timeline.map((t) => t.nav),
      format: (v) => v.toFixed(5),
    },
    {
      label: "total supply (tokens = USD)",
      color: "#c0392b",
      values: timeline.map((t) => t.supply),
      format: (v) => `${(v / 1e6).toFixed(3)}M`,
    },
  );
  fs.writeFileSync(path.join(out, "nav-supply.svg"), svg);
  const gasRows = [...gas.entries()].map(([label, list]) => {
    const total = list.reduce((a, b) => a + b, 0n);
    return [
      label,
      list.length,
      (total / BigInt(list.length)).toLocaleString("en-US"),
      list
        .map(Number)
        .reduce((a, b) => Math.max(a, b))
        .toLocaleString("en-US"),
    ];
  });
  const md = [
    `# Demo report: ${await token.name()} (${await token.symbol()})`,
    "",
    `Generated by \`npm run demo\` (scripts/demo.ts) on the in-process Hardhat network. Every privileged action`,
    `went through the Safe holding the role; investors acted from their own wallets.`,
    "",
    `- Dates: the chain's clock read ${iso(schedule.chainTime)} when the demo started (a fresh Hardhat network starts at the wall clock). The demo moved it to its launch, the first Monday that is a business day of the US bond market with 08:00 New York at least an hour ahead: ${schedule.launchDate}, deployed at 08:00 New York (${iso(schedule.deployAt)}), subscriptions at 10:00; then ${DEMO_DAYS} calendar days to ${lastDate}. Business days follow SIFMA's recommended full closures (lib/market-calendar.ts); closures in these days: ${closures.length > 0 ? closures.map((c) => `${c.date} ${c.name}`).join(", ") : "none"}.`,
    `- Events, at 11:00 New York on business days: ${schedule.days.flatMap((d) => d.events.map((e) => `${EVENT_LABELS[e]} ${d.date}`)).join("; ")}.`,
    `- NAV and the custodian's reserves published at the 16:00 New York strike on ${timeline.length} business days from ${timeline[0].date} to ${timeline.at(-1)!.date} (none on weekends or closures), the accrual applied at 16:10, at a ${(T_BILL_YIELD * 100).toFixed(2)}% gross T-bill yield; the index grew ${(growth * 100).toFixed(4)}% (${(((growth * 365) / days) * 100).toFixed(2)}% annualised, net of the management fee).`,
    `- Total supply ${fmt(await token.totalSupply())} tokens, fee wallet ${fmt(await token.balanceOf(await token.feeWallet()))} tokens, ${await compliance.investorCount()} investors.`,
    "",
    "![NAV and total supply](nav-supply.svg)",
    "",
    "## Cap table",
    "",
    markdownTable(
      ["investor", "identity", "wallets", "country", "classes", "balance", "frozen"],
      capTable.rows
        .filter((r) => r.shares > 0n || !r.classes.includes("protocol"))
        .map((r) => [
          r.identity.toLowerCase() === feeWallet.toLowerCase()
            ? "fee wallet (fund account)"
            : nameOf(r.identity),
          `\`${r.identity.slice(0, 10)}…\``,
          r.wallets.length,
          r.country,
          r.classes.replace(/\|/g, ", "),
          fmt(r.balance),
          fmt(r.frozen),
        ]),
      ["wallets", "balance", "frozen"],
    ),
    "## One fund on two chains (issue 18)",
    "",
    "Section 8: a satellite chain on its own CCIP lane; Bob moved shares home -> satellite and back with an accrual",
    "in flight each way, Chloe's arrival was parked until her record reached the satellite, then delivered.",
    "Supply per chain (the home supply counts every share: the satellite's are locked in the home pool):",
    "",
    markdownTable(
      ["chain", "total shares", "supply (tokens)", "index"],
      multichain.supplies.map((x) => [
        x.chain,
        x.shares.toString(),
        fmt(x.supply),
        (Number(x.index) / 1e18).toFixed(8),
      ]),
      ["total shares", "supply (tokens)", "index"],
    ),
    `Home pool locked for the satellite: ${multichain.lockedOnHome} shares (${multichain.lockedOnHome === multichain.supplies[1].shares ? "equal to the satellite's supply" : "DIFFERS from the satellite's supply"}).`,
    "",
    "Consolidated cap table across the chains (`captable:export --chains`, cap-table-chains.csv):",
    "",
    markdownTable(
      ["holder", "wallet", ...multichain.table.chains.map((c) => `${c.chain} shares`), "all chains (tokens)"],
      multichain.table.consolidated.map((hd) => [
        nameOf(hd.wallet),
        `\`${hd.wallet.slice(0, 10)}…\``,
        ...multichain.table.chains.map((c) =>
          (c.holders.find((x) => x.wallet === hd.wallet)?.shares ?? 0n).toString(),
        ),
        fmt(hd.amount),
      ]),
      [...multichain.table.chains.map((c) => `${c.chain} shares`), "all chains (tokens)"],
    ),
    "## Yield earned per investor",
    "",
    markdownTable(
      ["investor", "yield (tokens = USD)"],
      [...yieldByInvestor.entries()].map(([id, y]) => [nameOf(id), fmt(y, 18, 4)]),
      ["yield (tokens = USD)"],
    ),
    "## Daily NAV and supply",
    "",
    markdownTable(
      ["date", "NAV", "index", "total supply", "fee minted"],
      timeline.map((t) => [
        t.date,
        t.nav.toFixed(8),
        t.index.toFixed(8),
        t.supply.toLocaleString("en-US", { maximumFractionDigits: 2 }),
        t.fee.toFixed(4),
      ]),
      ["NAV", "index", "total supply", "fee minted"],
    ),
    ...(offChainTimeline
      ? [
          "## Off-chain trade through the settlement orchestrator",
          "",
          `Trade ${offChainTimeline.trade}, settled by the settlement orchestrator (services/orchestrator) and the`,
          "bank-rail server (services/bank-rail), both run in the demo's process; timeline from the orchestrator's journal",
          "(chain time):",
          "",
          markdownTable(["time", "step"], offChainTimeline.rows),
        ]
      : []),
    "## Gas per operation",
    "",
    "Receipt `gasUsed` (21,000 base included). Operations through a Safe include the Safe's own cost",
    "(signature checks, ~30k): the bench (`npm run bench`) measures the contracts alone.",
    "",
    markdownTable(["operation", "count", "average gas", "max gas"], gasRows, [
      "count",
      "average gas",
      "max gas",
    ]),
  ].join("\n");
  const report = path.join(out, "REPORT.md");
  fs.writeFileSync(report, md);
  say();
  say(
    `Report: ${path.relative(process.cwd(), report)}, chart nav-supply.svg, cap-table.csv (${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
  return { schedule, timeline: [...timeline], report };
}

// ------------------------------------------------------------------------------------------------ episodes

async function tradeIdFrom(
  receipt: TransactionReceipt,
  contract: { interface: import("ethers").Interface },
  event: string,
) {
  for (const log of receipt.logs) {
    try {
      const parsed = contract.interface.parseLog(log);
      if (parsed?.name === event) return parsed.args[0];
    } catch {
      // another contract's log
    }
  }
  throw new Error(`no ${event} event`);
}

/** The buyer's cash for a secondary trade (the demo's USDC is a mock the deployer mints). */
async function fundBuyer(fund: Fund, buyer: HardhatEthersSigner, price: bigint) {
  const [deployer] = await ethers.getSigners();
  await (await fund.contracts.stablecoins.USDC.connect(deployer).mint(buyer.address, price)).wait();
}

async function onChainTrade(
  fund: Fund,
  seller: HardhatEthersSigner,
  buyer: HardhatEthersSigner,
  amount: string,
) {
  const { token } = fund.contracts;
  const dvp = fund.contracts.settlement!;
  const usdc = fund.contracts.stablecoins.USDC;
  const price = USDC(amount);
  await fundBuyer(fund, buyer, price);
  await (await token.connect(seller).approve(dvp.target, TOKENS(amount))).wait();
  await (await usdc.connect(buyer).approve(dvp.target, price)).wait();
  const r = await rec(
    "DvP on-chain: propose and lock tokens (seller)",
    dvp.connect(seller).proposeTrade({
      seller: seller.address,
      buyer: buyer.address,
      amount: TOKENS(amount),
      paymentToken: usdc.target,
      price,
      deadline: (await now()) + 2 * DAY,
    }),
  );
  const id = await tradeIdFrom(r, dvp, "TradeProposed");
  await rec("DvP on-chain: pay and settle (buyer)", dvp.connect(buyer).commit(id));
  say(
    `  DvP #${id} on-chain: ${amount} tokens against ${amount} USDC, settled atomically when the buyer committed`,
  );
  return 1;
}

/** The off-chain trade's timeline (orchestrator's journal), for the report. */
let offChainTimeline: { trade: string; rows: string[][] } | undefined;

/**
 * The off-chain trade, settled by the settlement orchestrator (services/orchestrator) against the bank-rail server
 * (services/bank-rail), both in this process: the demo runs on the in-process Hardhat network, which has no JSON-RPC
 * port for separate processes (the integration test runs them as processes against a node). The seller opens the
 * trade; the orchestrator's rounds acknowledge it through the settlement agent's Safe, instruct the buyer's bank
 * payment (pacs.008-like, idempotency key = the trade), and confirm it on chain once the rail reports it settled.
 */
async function offChainTrade(
  fund: Fund,
  seller: HardhatEthersSigner,
  buyer: HardhatEthersSigner,
  amount: string,
  [sellerName, buyerName]: [string, string],
) {
  const { token } = fund.contracts;
  const dvp = fund.contracts.settlement!;
  const priceCents = BigInt(amount) * 100n;
  const from = await ethers.provider.getBlockNumber();
  await (await token.connect(seller).approve(dvp.target, TOKENS(amount))).wait();
  const r = await rec(
    "DvP off-chain: open and lock tokens (seller)",
    dvp.connect(seller).openOffChainTrade({
      buyer: buyer.address,
      amount: TOKENS(amount),
      price: priceCents,
      currency: ethers.hexlify(ethers.toUtf8Bytes("USD")),
    }),
  );
  const id = await tradeIdFrom(r, dvp, "OffChainTradeOpened");

  // The bank rail: the buyer's and the seller's accounts, a payment settling 50 ms after it is accepted.
  const rail = new BankRailServer({ settleMs: 50 });
  const railUrl = `http://127.0.0.1:${await rail.listen(0)}`;
  await fetch(`${railUrl}/__admin/accounts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      accounts: {
        [defaultAccountOf(buyer.address)]: { ccy: "USD", balance: (priceCents * 2n).toString() },
        [defaultAccountOf(seller.address)]: { ccy: "USD", balance: "0" },
      },
    }),
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "demo-orchestrator-"));
  const journal = Journal.open(path.join(dir, "journal.jsonl"));
  const agent = fund.as("settlementAgent");
  const owners = await Promise.all(agent.holder.owners.map((o) => ethers.getSigner(o)));
  const chain = new ChainAdapter({
    name: hre.network.name,
    provider: ethers.provider,
    dvp: dvp.target as string,
    startBlock: from,
  });
  const orchestrator = new Orchestrator({
    journal,
    chains: [chain],
    safe: new AgentSafe({
      safe: agent.address,
      provider: ethers.provider,
      owners,
      proposalsDir: path.join(dir, "proposals"),
      interfaces: settlementInterfaces,
    }),
    rail: new HttpPaymentRail(railUrl),
    policy: DEFAULT_POLICY,
    onTransaction: (label, receipt) => {
      const list = gas.get(`DvP off-chain: ${label}`) ?? [];
      list.push(receipt.gasUsed);
      gas.set(`DvP off-chain: ${label}`, list);
    },
  });
  const key = offChainKey(hre.network.name, id);
  try {
    let rounds = 0;
    while (Number((await dvp.trade(id)).status) !== 4) {
      if (++rounds > 40) throw new Error(`off-chain trade ${id} not settled after 40 orchestrator rounds`);
      const round = await orchestrator.round();
      for (const a of round.actions) say(`  orchestrator: ${a}`);
      for (const e of round.errors) say(`  orchestrator error: ${e}`);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await orchestrator.round(); // sees TradeSettled and closes the trade
    const trade = journal.state.trades.get(key)!;
    const ledger = (await (await fetch(`${railUrl}/__admin/ledger`)).json()) as Ledger;
    const payment = ledger.payments.find((p) => p.endToEndId === trade.endToEndId)!;
    if (payment.settlements !== 1 || payment.instructions !== 1) {
      throw new Error(
        `payment ${payment.endToEndId}: instructed ${payment.instructions}, settled ${payment.settlements}`,
      );
    }
    offChainTimeline = {
      trade: `#${id}: ${amount} tokens from ${sellerName} to ${buyerName} for USD ${amount} (payment ${payment.endToEndId}, rail reference ${payment.reference})`,
      rows: trade.timeline.map((t) => [iso(t.at), t.what]),
    };
    say(
      `  DvP #${id} off-chain: ${amount} tokens released after the bank payment ${payment.reference} settled (${rounds} orchestrator rounds)`,
    );
  } finally {
    journal.close();
    await rail.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return 1;
}

async function crossChainTrade(
  fund: Fund,
  seller: HardhatEthersSigner,
  buyer: HardhatEthersSigner,
  amount: string,
) {
  const { token } = fund.contracts;
  const asset = fund.contracts.assetEscrow!;
  const payment = fund.contracts.paymentEscrow!;
  const usdc = fund.contracts.stablecoins.USDC;
  const simulator = await ethers.getContractAt(
    "CCIPLocalSimulator",
    (await hre.deployments.get("CCIPLocalSimulator")).address,
  );
  const selector = (await simulator.configuration()).chainSelector_;
  const price = USDC(amount);
  await fundBuyer(fund, buyer, price);
  await (await token.connect(seller).approve(asset.target, TOKENS(amount))).wait();
  await (await usdc.connect(buyer).approve(payment.target, price)).wait();
  // The terms both parties agreed; the seller locks them, the payer's wallet pays only for them.
  const agreed = {
    buyer: buyer.address,
    amount: TOKENS(amount),
    paymentChainSelector: selector,
    payer: buyer.address,
    payee: seller.address,
    price,
    paymentDeadline: (await now()) + 2 * DAY,
  };
  const r = await rec(
    "DvP cross-chain: lock and send CCIP message (seller)",
    asset.connect(seller).lock(agreed),
  );
  const id = await tradeIdFrom(r, asset, "TradeLocked");
  // The payer's wallet reads every term from the payment escrow, checks the agreed ones (throwing on any
  // difference) and pays with their hash: the escrow refuses any other terms (TermsMismatch).
  const onChain = tradeTermsOf(await payment.tradeTerms(id));
  const termsHash = confirmTradeTerms(onChain, agreed);
  await rec("DvP cross-chain: pay and confirm over CCIP (buyer)", payment.connect(buyer).pay(id, termsHash));
  say(
    `  cross-chain DvP ${String(id).slice(0, 10)}…: tokens locked on the fund's chain, USDC paid on the payment chain, released by the CCIP confirmation`,
  );
  return 1;
}

async function recoverWallet(fund: Fund, owner: Investor, fresh: HardhatEthersSigner) {
  const { token, registry } = fund.contracts;
  const lost = owner.wallet.address;
  const balance = await token.balanceOf(lost);
  const expiry = (await now()) + 365 * DAY;
  await rec(
    "register a recovery wallet (compliance officer Safe)",
    fund
      .as("complianceOfficer")
      .on(registry)
      .registerInvestor(
        fresh.address,
        owner.identity,
        840,
        INVESTOR_CLASS_BITS.accredited | INVESTOR_CLASS_BITS.us_person,
        expiry,
      ),
  );
  await rec(
    "recover a lost wallet (transfer agent Safe)",
    fund.as("transferAgent").on(token).recoveryAddress(lost, fresh.address, owner.identity),
  );
  await rec(
    "delete the lost wallet (compliance officer Safe)",
    fund.as("complianceOfficer").on(registry).deleteIdentity(lost),
  );
  say(
    `  ${owner.name} lost ${lost.slice(0, 10)}…: ${fmt(balance)} tokens recovered to ${fresh.address.slice(0, 10)}…, the lost wallet deregistered`,
  );
  owner.wallet = fresh;
}

async function redemptions(fund: Fund, people: Record<string, Investor>) {
  const { token } = fund.contracts;
  const fm = fund.contracts.fundManager!;
  const usdc = fund.contracts.stablecoins.USDC;
  const chloe = people.chloe.wallet;
  const bob = people.bob.wallet;
  await (await token.connect(chloe).approve(fm.target, TOKENS("200000"))).wait();
  const before = await usdc.balanceOf(chloe.address);
  await rec(
    "redeem instantly from the buffer (investor)",
    fm.connect(chloe).requestRedemption(TOKENS("200000"), usdc.target, 0),
  );
  say(
    `  Chloe redeems 200,000 tokens: paid ${fmt((await usdc.balanceOf(chloe.address)) - before, 6)} USDC at once from the liquidity buffer (5 bps fee)`,
  );
  await (await token.connect(bob).approve(fm.target, TOKENS("3000000"))).wait();
  await rec(
    "request a queued redemption (investor)",
    fm.connect(bob).requestRedemption(TOKENS("3000000"), usdc.target, 0),
  );
  const q = await fm.queue();
  say(
    `  Bob redeems 3,000,000 tokens: larger than the buffer, queued (queue ${q[0]}..${q[1]}), tokens in escrow keep earning`,
  );
}

async function settleQueue(fund: Fund) {
  const fm = fund.contracts.fundManager!;
  const usdc = fund.contracts.stablecoins.USDC;
  const custodian = (await ethers.getSigners())[10];
  const owed = await fm.pendingValue();
  const funding = owed / 10n ** 12n + USDC("1000");
  await rec(
    "custodian funds the queue (USDC transfer)",
    usdc.connect(custodian).transfer(fm.target, funding),
  );
  await rec(
    "settle queued redemptions (transfer agent Safe)",
    fund.as("transferAgent").on(fm).settleRedemptions(10),
  );
  say(
    `  custodian sold bills for ${fmt(funding, 6)} USDC; the transfer agent settled the queue at today's NAV (${fmt(owed)} tokens owed)`,
  );
}

// ------------------------------------------------------------------ issue 19: an integrator through the standards

/**
 * A fund platform speaking the standards only (docs/INTEGRATION.md): it pre-flights transfers with ERC-7943 (Eve,
 * sanctioned in section 4, may not send), finds the USDC entry point from the share token (ERC-7575
 * `vault(asset)`) and requests a redemption of Dmitri's tokens through it (ERC-7540 `requestRedeem`): queued with
 * the manager's other requests, first in, first out.
 */
async function integratorRequest(fund: Fund, people: Record<string, Investor>) {
  const { token } = fund.contracts;
  const usdc = fund.contracts.stablecoins.USDC;
  const dmitri = people.dmitri.wallet;
  const alice = people.alice.wallet.address;
  const vault = fund.contracts.vaults.USDC;
  for (const p of [people.dmitri, people.eve]) {
    const [canSend, canTransfer] = await Promise.all([
      token.canSend(p.wallet.address),
      token.canTransfer(p.wallet.address, alice, TOKENS("1000")),
    ]);
    say(
      `  ERC-7943 pre-flight, ${p.name} -> Alice, 1,000 tokens: canSend ${canSend}, canTransfer ${canTransfer}`,
    );
  }
  if ((await token.vault(usdc.target)) !== (await vault.getAddress()))
    throw new Error("USDC entry point not listed");
  await rec(
    "ERC-7540 requestRedeem through the USDC entry point (investor)",
    vault.connect(dmitri).requestRedeem(TOKENS("100000"), dmitri.address, dmitri.address),
  );
  const id = (await fund.contracts.fundManager!.queue()).tail - 1n;
  say(
    `  Dmitri's platform requests the redemption of 100,000 tokens through the USDC entry point (ERC-7540): ` +
      `request ${id}, pending ${fmt(await vault.pendingRedeemRequest(id, dmitri.address))} tokens, queued with the direct requests`,
  );
}

/** After the transfer agent settled the queue, the payout waits in the entry point until Dmitri claims it. */
async function integratorClaim(fund: Fund, people: Record<string, Investor>) {
  const usdc = fund.contracts.stablecoins.USDC;
  const dmitri = people.dmitri.wallet;
  const vault = fund.contracts.vaults.USDC;
  const shares = await vault.maxRedeem(dmitri.address);
  const before = await usdc.balanceOf(dmitri.address);
  await rec(
    "ERC-7540 redeem (claim) from the USDC entry point (investor)",
    vault.connect(dmitri).redeem(shares, dmitri.address, dmitri.address),
  );
  say(
    `  Dmitri claims his settled request (ERC-7540 redeem): ${fmt(shares)} tokens' worth, ` +
      `paid ${fmt((await usdc.balanceOf(dmitri.address)) - before, 6)} USDC from the entry point`,
  );
}

// `npm run demo` runs this file as the main module; tests import main() and run it themselves.
if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

// ------------------------------------------------------------------------------------------------ issue 20

/**
 * Issue 20 (docs/IDENTITY.md): Grace is onboarded from the KYC claim a KYC provider signed on her ONCHAINID
 * identity, Hugo from Coinbase Verification-style EAS attestations (verified account, verified country), with no
 * compliance officer involved. The issuer's Safe configures the sources behind its delay. A holder sends Grace
 * tokens, Grace sends Hugo some; then the attester revokes Hugo's verified account: until someone refreshes, the
 * registry's record stands (the transfer path never reads an attestation); a keeper's `investor:refresh` finds
 * the revocation from EAS's events and revokes the record, and the next transfer to Hugo is refused.
 */
async function reusableIdentity(
  fund: Fund,
  holder: HardhatEthersSigner,
  grace: HardhatEthersSigner,
  hugo: HardhatEthersSigner,
  kycProviderKey: HardhatEthersSigner,
  attester: HardhatEthersSigner,
) {
  const [deployer] = await ethers.getSigners();
  const { token } = fund.contracts;
  const claims = fund.contracts.onchainIdSource!;
  const attestations = fund.contracts.attestationSource!;
  const KYC_TOPIC = 1n;
  // The KYC provider's ONCHAINID claim issuer, Grace's ONCHAINID identity (@onchain-id/solidity's contracts).
  const claimIssuer = await deployClaimIssuer(deployer, kycProviderKey.address);
  const identity = await deployIdentity(deployer, grace.address);
  const chainId = (await ethers.provider.getNetwork()).chainId;
  await issueClaim({
    identity,
    holder: grace,
    issuer: await claimIssuer.getAddress(),
    issuerKey: kycProviderKey,
    topic: KYC_TOPIC,
    data: encodeClaimData({ chainId, country: 840, classes: INVESTOR_CLASS_BITS.accredited }),
  });
  say(
    `  Grace's ONCHAINID ${await identity.getAddress()} holds a KYC claim (topic 1: US, accredited, chain ${chainId}) ` +
      `signed by the KYC provider's ClaimIssuer ${await claimIssuer.getAddress()}`,
  );
  // EAS (deployed from its package's bytecode) with Coinbase Verification's two schemas.
  const { eas, schemaRegistry } = await deployedEas(hre, deployer);
  const accountSchema = await registerSchema(schemaRegistry, VERIFIED_ACCOUNT_SCHEMA);
  const countrySchema = await registerSchema(schemaRegistry, VERIFIED_COUNTRY_SCHEMA);

  const calls: [typeof claims | typeof attestations, string, unknown[]][] = [
    [claims, "setClaimTopics", [[KYC_TOPIC]]],
    [claims, "setTrustedIssuer", [await claimIssuer.getAddress(), [KYC_TOPIC]]],
    [
      attestations,
      "setSchemaRules",
      [
        [
          { schema: accountSchema, kind: SCHEMA_KIND.Flag, classes: INVESTOR_CLASS_BITS.accredited },
          { schema: countrySchema, kind: SCHEMA_KIND.CountryCode, classes: 0 },
        ],
      ],
    ],
    [attestations, "setTrustedAttester", [accountSchema, attester.address, true]],
    [attestations, "setTrustedAttester", [countrySchema, attester.address, true]],
    [
      attestations,
      "setCountryCodes",
      [
        [alpha2Key("GB"), alpha2Key("US")],
        [826, 840],
      ],
    ],
  ];
  let due = 0n;
  for (const [target, fn, args] of calls) {
    const result = await fund.as("issuer").call(target, fn, args);
    if (result.status === "scheduled" && result.executableAt > due) due = result.executableAt;
  }
  say(
    `  issuer Safe scheduled the sources' configuration (${calls.length} calls), executable ${iso(Number(due))}`,
  );
  await setTime(Number(due));
  for (const [target, fn, args] of calls) {
    await rec(`identity sources: ${fn} (issuer Safe)`, fund.as("issuer").execute(target, fn, args));
  }
  say(
    `  configured: topic 1 from the KYC provider; EAS verified account (grants accredited) + verified country`,
  );

  const account = await attest(eas, attester, {
    schema: accountSchema,
    recipient: hugo.address,
    data: encodeFlagAttestation(true),
  });
  const country = await attest(eas, attester, {
    schema: countrySchema,
    recipient: hugo.address,
    data: encodeCountryAttestation("GB"),
  });
  const restore = setTaskOutput((l: string) => say(`  | ${l}`));
  try {
    await hre.run("investor:verify-claims", {
      wallet: grace.address,
      identity: await identity.getAddress(),
      sender: grace.address,
    });
    await hre.run("investor:verify-attestation", {
      wallet: hugo.address,
      uids: `${account},${country}`,
      sender: hugo.address,
    });
    await hre.run("investor:show", { wallet: grace.address });
  } finally {
    restore();
  }

  await rec("transfer (holder)", token.connect(holder).transfer(grace.address, TOKENS("1000")));
  await rec("transfer (holder)", token.connect(grace).transfer(hugo.address, TOKENS("100")));
  say(`  ${fmt(TOKENS("1000"))} tokens to Grace, who sends Hugo ${fmt(TOKENS("100"))}`);

  await revokeAttestation(eas, attester, accountSchema, account);
  say(`  the attester revokes Hugo's verified-account attestation ${account.slice(0, 10)}…`);
  await rec("transfer (holder)", token.connect(grace).transfer(hugo.address, TOKENS("10")));
  say(
    `  before any refresh, Grace can still send Hugo ${fmt(TOKENS("10"))}: the record stands until refreshed`,
  );
  const restore2 = setTaskOutput((l: string) => say(`  | ${l}`));
  try {
    await hre.run("investor:refresh", { sender: grace.address });
  } finally {
    restore2();
  }
  say(
    `  after the keeper's refresh, a transfer to Hugo is refused: ` +
      (await refusal(fund, () => token.connect(grace).transfer.staticCall(hugo.address, TOKENS("10")))),
  );
}
