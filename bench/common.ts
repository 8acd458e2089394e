/**
 * Hardhat-side helpers shared by every benchmarked suite: the fixed accounts, the deterministic batch
 * investors, and the one way a transaction's gas is measured.
 */
import { ethers } from "hardhat";
import { takeSnapshot } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse, Signer } from "ethers";

/**
 * The benchmark's accounts. Every suite uses the same signer for the same role, so the measured
 * calldata (recipient addresses, amounts) is byte-identical across suites and calldata gas cancels out.
 */
export interface BenchAccounts {
  /** deploys infrastructure (factories, implementations) */
  deployer: Signer;
  /** token owner / issuer */
  issuer: Signer;
  /** operational agent: mints, registers investors */
  agent: Signer;
  /** management key of the KYC claim issuer */
  claimIssuer: Signer;
  /** existing holder, sender of every measured transfer */
  alice: Signer;
  /** existing holder, receiver of the "existing" transfers and of the mint */
  bob: Signer;
  /** verified investor with zero balance: receiver of the "new" transfer */
  carol: Signer;
  /** KYC'd investor registered by the measured single registration */
  dave: Signer;
}

/** Signer indices of the roles above (the Hardhat network has 40 accounts). */
export const ACCOUNT_INDEX = {
  deployer: 0,
  issuer: 1,
  agent: 2,
  claimIssuer: 3,
  alice: 4,
  bob: 5,
  carol: 6,
  dave: 7,
} as const;

export async function benchAccounts(): Promise<BenchAccounts> {
  const s = await ethers.getSigners();
  return {
    deployer: s[ACCOUNT_INDEX.deployer],
    issuer: s[ACCOUNT_INDEX.issuer],
    agent: s[ACCOUNT_INDEX.agent],
    claimIssuer: s[ACCOUNT_INDEX.claimIssuer],
    alice: s[ACCOUNT_INDEX.alice],
    bob: s[ACCOUNT_INDEX.bob],
    carol: s[ACCOUNT_INDEX.carol],
    dave: s[ACCOUNT_INDEX.dave],
  };
}

/**
 * Wallet addresses of the investors in the measured batch registration: derived from fixed seeds so
 * every suite registers the same `n` addresses (same calldata), none of which is a Hardhat signer.
 */
export function batchInvestorAddresses(n: number): string[] {
  return Array.from(
    { length: n },
    (_, i) =>
      new ethers.Wallet(ethers.keccak256(ethers.toUtf8Bytes(`fundsuite.bench.investor.${i}`))).address,
  );
}

/**
 * Sends one transaction and returns the `gasUsed` of its receipt (intrinsic 21,000 and calldata
 * included, refunds deducted: what the sender pays for). Each measurement is its own transaction, so
 * nothing done before it can leave a slot or account warm (EIP-2929 access lists are per transaction).
 * Throws when the transaction is not mined successfully.
 */
export async function measureGas(what: string, send: Promise<ContractTransactionResponse>): Promise<number> {
  const tx = await send;
  const receipt = await tx.wait();
  if (receipt === null || receipt.status !== 1) throw new Error(`${what}: transaction failed`);
  if (process.env.BENCH_BREAKDOWN) {
    console.log(`  ${what}: ${formatBreakdown(await gasBreakdown(tx.hash, Number(receipt.gasUsed)))}`);
  }
  return Number(receipt.gasUsed);
}

/** One step of Hardhat's `debug_traceTransaction` struct log. */
interface StructLog {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
}

/** Where a transaction's gas went, by kind of work (sums to `gasUsed`). */
export interface GasBreakdown {
  gasUsed: number;
  /** 21,000, calldata, net of refunds: everything not charged to an opcode */
  intrinsic: number;
  sload: number;
  /** SLOADs that paid the cold price (2,100) */
  coldSloads: number;
  sstore: number;
  /** own cost of CALL / STATICCALL / DELEGATECALL / EXTCODESIZE (account access), not the callee's work */
  calls: number;
  /** frames entered (external calls and delegate calls) */
  frames: number;
  logs: number;
  /** every other opcode: stack, memory, arithmetic, hashing, ABI coding */
  compute: number;
}

/**
 * Breaks a mined transaction's gas down by kind of work from its opcode trace (BENCH_BREAKDOWN=1). A call
 * opcode's own cost is what it charged minus what its callee consumed, so each unit of gas is counted once.
 */
export async function gasBreakdown(hash: string, gasUsed: number): Promise<GasBreakdown> {
  const trace = (await ethers.provider.send("debug_traceTransaction", [
    hash,
    { disableMemory: true, disableStack: true, disableStorage: true },
  ])) as { structLogs: StructLog[] };
  const logs = trace.structLogs;
  const b: GasBreakdown = {
    gasUsed,
    intrinsic: 0,
    sload: 0,
    coldSloads: 0,
    sstore: 0,
    calls: 0,
    frames: 0,
    logs: 0,
    compute: 0,
  };
  let charged = 0;
  for (let i = 0; i < logs.length; i++) {
    const l = logs[i];
    let cost = l.gasCost;
    const isCall = l.op === "CALL" || l.op === "STATICCALL" || l.op === "DELEGATECALL";
    if (isCall && logs[i + 1] !== undefined && logs[i + 1].depth > l.depth) {
      let j = i + 1;
      while (j < logs.length && logs[j].depth > l.depth) j++;
      const last = logs[j - 1];
      const inner = logs[i + 1].gas - (last.gas - last.gasCost);
      cost = l.gas - (logs[j]?.gas ?? last.gas - last.gasCost) - inner;
      b.frames++;
    } else if (isCall && logs[i + 1] !== undefined) {
      cost = l.gas - logs[i + 1].gas; // a call to an account without code
    }
    charged += cost;
    if (l.op === "SLOAD") {
      b.sload += cost;
      if (cost >= 2100) b.coldSloads++;
    } else if (l.op === "SSTORE") b.sstore += cost;
    else if (isCall || l.op === "EXTCODESIZE") b.calls += cost;
    else if (l.op.startsWith("LOG")) b.logs += cost;
    else b.compute += cost;
  }
  b.intrinsic = gasUsed - charged;
  return b;
}

/** One line: the breakdown's parts with thousands separators. */
export function formatBreakdown(b: GasBreakdown): string {
  const n = (x: number) => x.toLocaleString("en-US");
  return [
    `${n(b.gasUsed)} = intrinsic & calldata ${n(b.intrinsic)}`,
    `storage reads ${n(b.sload)} (${b.coldSloads} cold)`,
    `storage writes ${n(b.sstore)}`,
    `account access ${n(b.calls)} (${b.frames} frames)`,
    `events ${n(b.logs)}`,
    `computation ${n(b.compute)}`,
  ].join(" + ");
}

/** Throws `message` unless `condition` holds: post-conditions proving a measurement did its job. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`benchmark check failed: ${message}`);
}

/**
 * Runs `body` on the current network state and reverts the network to that state afterwards (also on
 * failure). Every suite is measured this way, so suites can be measured in any order: each one starts
 * from the same state (same deployer nonce, hence the same contract addresses and calldata) and
 * leaves nothing behind for the next.
 */
export async function isolated<T>(body: () => Promise<T>): Promise<T> {
  const snapshot = await takeSnapshot();
  try {
    return await body();
  } finally {
    await snapshot.restore();
  }
}
