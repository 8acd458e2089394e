/**
 * Helpers of the task tests: run tasks through `hre.run` exactly as the CLI does, read what they print, check
 * that a refused task sent nothing (the block number did not move), and change the deployment records
 * (as a network without a deployment, or with remote Safe owners, would have them) for the length of a test.
 *
 * Fixtures built on the deployed fund call `loadFixture(deployFundFixture)`, never `deployFundFixture()`:
 * hardhat-deploy reverts to its own snapshot, which would silently invalidate the snapshots loadFixture keeps
 * for the other test files.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import hre from "hardhat";
import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { Deployment } from "hardhat-deploy/types";
import { setTaskOutput } from "../../scripts/tasks/context";
import { DAY } from "../helpers/fund";

/** Collects the lines tasks print (instead of the console) until `restore` is called. */
export function captureOutput(): { lines: string[]; text: () => string; restore: () => void } {
  const lines: string[] = [];
  const restore = setTaskOutput((line) => lines.push(line));
  return { lines, text: () => lines.join("\n"), restore };
}

/** Runs a task that must fail with exactly `message`, and checks that no transaction was mined. */
export async function expectRefused(
  taskName: string,
  args: Record<string, unknown>,
  message: string,
): Promise<Error & { data?: string }> {
  const before = await hre.ethers.provider.getBlockNumber();
  let error: (Error & { data?: string }) | undefined;
  try {
    await hre.run(taskName, args);
  } catch (e) {
    error = e as Error;
  }
  expect(error, `${taskName} should have failed`).to.not.equal(undefined);
  expect(error!.message).to.equal(message);
  expect(await hre.ethers.provider.getBlockNumber(), "a transaction was mined").to.equal(before);
  return error!;
}

/** Runs a task that must send nothing (dry run, proposal, read-only) and returns its result. */
export async function expectNothingSent<T>(taskName: string, args: Record<string, unknown>): Promise<T> {
  const before = await hre.ethers.provider.getBlockNumber();
  const result = (await hre.run(taskName, args)) as T;
  expect(await hre.ethers.provider.getBlockNumber(), "a transaction was mined").to.equal(before);
  return result;
}

/**
 * Runs `body` with the deployment records changed by `change` (deleted or replaced through hardhat-deploy's
 * own API), then puts every original record back.
 */
export async function withRecords(
  change: (records: Record<string, Deployment>) => Promise<void>,
  body: () => Promise<void>,
): Promise<void> {
  const original = { ...(await hre.deployments.all()) };
  try {
    await change(original);
    await body();
  } finally {
    const now = await hre.deployments.all();
    for (const [name, record] of Object.entries(original)) {
      if (now[name] !== record) await hre.deployments.save(name, record);
    }
  }
}

/** A fresh temporary folder. */
export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "fund-tasks-"));
}

/** Unix seconds `days` after the latest block, as a task argument. */
export async function inDays(days: number): Promise<string> {
  return String((await time.latest()) + days * DAY);
}
