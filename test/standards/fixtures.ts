/**
 * Fixtures of the standards tests (ERC-7943 on the token and the wrapper, ERC-7575 / ERC-7540 / ERC-7887 on the
 * fund's entry points): the fund deployed by the real deploy scripts, its manager with the small limits of the
 * fund manager tests (test/fund/fixtures.ts `configure`), and the USDC entry point `FundVault.USDC` that
 * deploy/scripts/09_vaults.ts deployed and listed on the token.
 */
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  Interface,
  MaxUint256,
  type BaseContract,
  type ContractTransactionResponse,
  type TransactionReceipt,
} from "ethers";
import { configure, managerFixture, USDC, TOKENS, STATUS, HOLD, type ManagerFixture } from "../fund/fixtures";
import { registerInvestor } from "../helpers/fund";
import type { TxResult } from "../../lib/governance";
import type { FundVault } from "../../typechain-types";

export { USDC, TOKENS, STATUS, HOLD };

export interface VaultFixture extends ManagerFixture {
  vault: FundVault;
  vaultAddress: string;
  usdcAddress: string;
  /** Verified investors (accredited, US) without USDC. */
  dave: ManagerFixture["investors"][number];
  erin: ManagerFixture["investors"][number];
}

/**
 * The manager with the small limits of `configure` (minimum first 1,000, top-up 100, at most 1,000,000 per investor;
 * subscriptions 5,000 per investor and 8,000 for the fund a day; fees 10 bps in, 5 bps out; no NAV carry; index 1),
 * instant redemption on, and alice, bob and carol approving the USDC entry point for their USDC. dave and erin are
 * verified investors holding nothing. The NAV round published last is applied.
 */
export async function vaultFixture(): Promise<VaultFixture> {
  const f = await configure(await loadFixture(managerFixture));
  const vault = (await hre.ethers.getContractAt(
    "FundVault",
    (await hre.deployments.get("FundVault.USDC")).address,
  )) as unknown as FundVault;
  const vaultAddress = await vault.getAddress();
  for (const investor of [f.alice, f.bob, f.carol]) {
    await f.usdc.connect(investor).approve(vaultAddress, MaxUint256);
  }
  const [dave, erin] = f.investors.slice(3, 5);
  for (const investor of [dave, erin]) await registerInvestor(f.fund, investor.address);
  // Apply the NAV round `configure` published (anyone may): the steady state between two rounds, in which the
  // entry points' max* views answer the room left (while a round waits to be applied they answer 0).
  await f.fund.contracts.token.accrue();
  return { ...f, vault, vaultAddress, usdcAddress: await f.usdc.getAddress(), dave, erin };
}

/**
 * {vaultFixture} with holdings: alice and bob subscribed 4,000 USDC each through the vault (3,996 tokens each after
 * the 10 bps fee).
 */
export async function holdersFixture(): Promise<VaultFixture> {
  const f = await loadFixture(vaultFixture);
  await f.vault.connect(f.alice)["deposit(uint256,address)"](USDC("4000"), f.alice.address);
  await f.vault.connect(f.bob)["deposit(uint256,address)"](USDC("4000"), f.bob.address);
  return f;
}

/** The transaction of a role holder's call (executed through its Safe). */
export function txOf(result: TxResult | { response: ContractTransactionResponse }) {
  return result.response;
}

/** Settles `count` queue positions through the transfer agent's Safe. */
export async function settle(f: ManagerFixture, count = 10) {
  return f.fund.as("transferAgent").on(f.fm).settleRedemptions(count);
}

/** The token units the USDC amount `usdc` buys at index 1 with a 10 bps subscription fee and no carry. */
export function tokensFor(usdc: bigint): bigint {
  const fee = (usdc * 10n + 9_999n) / 10_000n;
  return (usdc - fee) * 10n ** 12n;
}

/** Net USDC of redeeming `tokens` at index 1 with the 5 bps redemption fee (gross rounded down, fee up). */
export function netFor(tokens: bigint): bigint {
  const gross = tokens / 10n ** 12n;
  const fee = (gross * 5n + 9_999n) / 10_000n;
  return gross - fee;
}

/** The selectors of the functions of an artifact's ABI. */
async function selectorsOf(artifact: string): Promise<Set<string>> {
  const iface = new Interface((await hre.artifacts.readArtifact(artifact)).abi);
  const out = new Set<string>();
  iface.forEachFunction((f) => out.add(f.selector));
  return out;
}

/**
 * ERC-165 identifier of an interface computed from its ABI, as Solidity defines `type(I).interfaceId`: the XOR of
 * the selectors of the functions I declares itself (those of its `parents` excluded).
 */
export async function interfaceIdOf(artifact: string, parents: string[] = []): Promise<string> {
  const own = await selectorsOf(artifact);
  for (const parent of parents) for (const s of await selectorsOf(parent)) own.delete(s);
  let id = 0;
  for (const s of own) id ^= Number.parseInt(s.slice(2), 16);
  return "0x" + (id >>> 0).toString(16).padStart(8, "0");
}

export const IERC165 = "@openzeppelin/contracts/utils/introspection/IERC165.sol:IERC165";

/** Names of the logs a contract emitted in a receipt, in order. */
export function logNames(contract: BaseContract, receipt: TransactionReceipt | null): string[] {
  const address = String(contract.target).toLowerCase();
  return receipt!.logs
    .filter((log) => log.address.toLowerCase() === address)
    .map((log) => contract.interface.parseLog(log)?.name ?? "?");
}
