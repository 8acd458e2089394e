/**
 * Chain reads the tasks share: the chain's time, a wallet's decoded registry record, and the wallet index of
 * every investor identity (rebuilt from the registry's events).
 */
import { getAddress } from "ethers";
import { unpackRecord, isRegisteredRecord, type InvestorRecordFields } from "../../lib/investor-record";
import { buildWalletIndex, type WalletIndex } from "../../lib/registry-index";
import { deploymentBlock } from "../../lib/log-scan";
import { bulkReader, rpcConcurrency } from "../../lib/parallel";
import { OpsContext, TaskInputError } from "./context";
import { flag } from "./inputs";

/** The latest block's timestamp: what the contracts compare KYC expiries and schedules with. */
export async function chainNow(ctx: OpsContext): Promise<number> {
  return (await ctx.hre.ethers.provider.getBlock("latest"))!.timestamp;
}

export interface WalletRecord extends InvestorRecordFields {
  wallet: string;
  /** Registered, KYC expiry after the latest block, not revoked (`isVerified`). */
  verified: boolean;
}

/** The wallet's registry record, or undefined when it is not registered. */
export async function recordOf(
  ctx: OpsContext,
  wallet: string,
  now?: number,
): Promise<WalletRecord | undefined> {
  const word = await ctx.fund.contracts.registry.investorRecord(wallet);
  if (!isRegisteredRecord(word)) return undefined;
  const fields = unpackRecord(word);
  const time = now ?? (await chainNow(ctx));
  return { wallet: getAddress(wallet), ...fields, verified: !fields.revoked && fields.kycExpiry > time };
}

/** The record of a wallet given as `name`; fails naming the argument when the wallet is not registered. */
export async function requireRegistered(
  ctx: OpsContext,
  name: string,
  wallet: string,
): Promise<WalletRecord> {
  const record = await recordOf(ctx, wallet);
  if (!record)
    throw new TaskInputError(`${flag(name)}: ${wallet} is not registered in the identity registry`);
  return record;
}

/** First block of the registry's history (its deployment), unless given. */
export async function registryFromBlock(ctx: OpsContext, fromBlock?: number): Promise<number> {
  if (fromBlock !== undefined) return fromBlock;
  return deploymentBlock(ctx.hre.deployments, ctx.hre.ethers.provider, "IdentityRegistry");
}

/**
 * Wallets of every identity, from the registry's events up to the latest block, checked against its state (each
 * wallet's record word at that block, kept in `records` when given: the cap table reads it once).
 */
export async function walletIndex(
  ctx: OpsContext,
  fromBlock?: number,
  records?: Map<string, bigint>,
): Promise<WalletIndex> {
  const provider = ctx.hre.ethers.provider;
  const registry = ctx.fund.contracts.registry.connect(bulkReader(ctx.hre));
  return buildWalletIndex(provider, await registry.getAddress(), registry.interface, {
    fromBlock: await registryFromBlock(ctx, fromBlock),
    toBlock: await provider.getBlockNumber(),
    verify: async (wallet, blockTag) => {
      const word = await registry.investorRecord(wallet, { blockTag });
      records?.set(wallet, word);
      return unpackRecord(word).identity;
    },
    concurrency: rpcConcurrency(),
  });
}
