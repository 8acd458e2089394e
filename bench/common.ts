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
  return Number(receipt.gasUsed);
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
