/**
 * One watched chain, over JSON-RPC: the settlement contracts on it, bounded log queries from a block cursor
 * (lib/log-scan.ts), the reads the decision core needs, and the orchestrator's own transactions (the
 * functions anyone may call: refund, complete, refundExpired, cancel, executePayment), each simulated first.
 */
import {
  Contract,
  Interface,
  getAddress,
  isCallException,
  type Log,
  type LogDescription,
  type Provider,
  type Signer,
  type TransactionReceipt,
} from "ethers";
import { scanLogs } from "../../../lib/log-scan";
import { DvPSettlement__factory } from "../../../typechain-types/factories/contracts/settlement/DvPSettlement__factory";
import { CrossChainAssetEscrow__factory } from "../../../typechain-types/factories/contracts/settlement/CrossChainAssetEscrow__factory";
import { CrossChainPaymentEscrow__factory } from "../../../typechain-types/factories/contracts/settlement/CrossChainPaymentEscrow__factory";
import { IFundToken__factory } from "../../../typechain-types/factories/contracts/interfaces/IFundToken__factory";
import { IIdentityRegistry__factory } from "../../../typechain-types/factories/contracts/interfaces/IIdentityRegistry__factory";
import { IFundCompliance__factory } from "../../../typechain-types/factories/contracts/interfaces/IFundCompliance__factory";
import { AssetStatus, DvpStatus, PaymentStatus, type Check } from "../core/types";
import { sellerRestrictionOf } from "../core/offchain";

export const dvpInterface = new Interface(DvPSettlement__factory.abi);
export const assetInterface = new Interface(CrossChainAssetEscrow__factory.abi);
export const paymentInterface = new Interface(CrossChainPaymentEscrow__factory.abi);
const tokenInterface = new Interface(IFundToken__factory.abi);
const registryInterface = new Interface(IIdentityRegistry__factory.abi);
const complianceInterface = new Interface(IFundCompliance__factory.abi);

/** Every interface whose errors the orchestrator decodes. */
export const settlementInterfaces = [
  dvpInterface,
  assetInterface,
  paymentInterface,
  tokenInterface,
  registryInterface,
  complianceInterface,
];

export interface ChainConfig {
  /** A name for logs and the journal (e.g. the Hardhat network name). */
  name: string;
  provider: Provider;
  /** CCIP chain selector of this chain (cross-chain trades name chains by selector). */
  ccipSelector?: bigint;
  dvp?: string;
  assetEscrow?: string;
  paymentEscrow?: string;
  /** Blocks behind the latest one treated as final (default 0: a local node). */
  confirmations?: number;
  /** Blocks per log query (halved when the node refuses). Default 2,000. */
  logChunk?: number;
  /** First block to scan when the journal has no cursor for this chain. */
  startBlock: number;
  /** The orchestrator's own account on this chain (anyone-callable transactions, CCIP fees). */
  sender?: Signer;
}

/** An event of a watched contract, decoded, with its block's timestamp. */
export interface ChainEvent {
  contract: "dvp" | "asset" | "payment";
  name: string;
  args: LogDescription["args"];
  block: number;
  at: number;
  txHash: string;
  logIndex: number;
}

export interface DvpTradeView {
  status: DvpStatus;
  mode: number;
  deadline: number;
  seller: string;
  buyer: string;
  amount: bigint;
  shares: bigint;
  price: bigint;
  currency: string;
  paymentReference: string;
}

/** The revert of a simulated call, named with the suite's ABIs. */
export function revertName(error: unknown): string {
  const data = findRevertData(error);
  if (data && data !== "0x") {
    for (const iface of settlementInterfaces) {
      try {
        const parsed = iface.parseError(data);
        if (parsed) return `${parsed.name}(${parsed.args.map((a: unknown) => String(a)).join(", ")})`;
      } catch {
        // another interface's error
      }
    }
    return `revert ${data.slice(0, 10)}`;
  }
  if (isCallException(error)) return error.shortMessage;
  return (error as Error).message.split("\n")[0];
}

function findRevertData(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const visit = (v: unknown): string | undefined => {
    if (v === null || typeof v !== "object" || seen.has(v)) return undefined;
    seen.add(v);
    const o = v as Record<string, unknown>;
    if (typeof o.data === "string" && /^0x[0-9a-fA-F]*$/.test(o.data) && o.data.length >= 10) return o.data;
    for (const k of ["data", "error", "info", "cause"]) {
      const found = visit(o[k]);
      if (found) return found;
    }
    return undefined;
  };
  return visit(error);
}

export class ChainAdapter {
  readonly name: string;
  readonly provider: Provider;
  readonly ccipSelector?: bigint;
  readonly dvp?: Contract;
  readonly asset?: Contract;
  readonly payment?: Contract;
  readonly confirmations: number;
  readonly logChunk: number;
  readonly startBlock: number;
  readonly sender?: Signer;
  private chainId?: bigint;
  private sellerContracts?: { token: Contract; registry: Contract; compliance: Contract };

  constructor(c: ChainConfig) {
    this.name = c.name;
    this.provider = c.provider;
    this.ccipSelector = c.ccipSelector;
    this.confirmations = c.confirmations ?? 0;
    this.logChunk = c.logChunk ?? 2_000;
    this.startBlock = c.startBlock;
    this.sender = c.sender;
    if (c.dvp) this.dvp = new Contract(getAddress(c.dvp), dvpInterface, c.provider);
    if (c.assetEscrow) this.asset = new Contract(getAddress(c.assetEscrow), assetInterface, c.provider);
    if (c.paymentEscrow)
      this.payment = new Contract(getAddress(c.paymentEscrow), paymentInterface, c.provider);
  }

  async getChainId(): Promise<bigint> {
    this.chainId ??= (await this.provider.getNetwork()).chainId;
    return this.chainId;
  }

  /** The latest block's number and timestamp (the chain's clock). */
  async latest(): Promise<{ number: number; timestamp: number }> {
    const b = await this.provider.getBlock("latest");
    if (!b) throw new Error(`${this.name}: no latest block`);
    return { number: b.number, timestamp: b.timestamp };
  }

  /** Decoded events of the watched contracts in [from, to], in chain order. */
  async scan(from: number, to: number): Promise<ChainEvent[]> {
    const out: ChainEvent[] = [];
    const targets: [ChainEvent["contract"], Contract | undefined][] = [
      ["dvp", this.dvp],
      ["asset", this.asset],
      ["payment", this.payment],
    ];
    const stamps = new Map<number, number>();
    for (const [kind, contract] of targets) {
      if (!contract) continue;
      const logs: Log[] = await scanLogs(this.provider, contract.target as string, {
        fromBlock: from,
        toBlock: to,
        chunk: this.logChunk,
      });
      for (const log of logs) {
        let parsed: LogDescription | null = null;
        try {
          parsed = contract.interface.parseLog(log);
        } catch {
          parsed = null;
        }
        if (!parsed) continue;
        out.push({
          contract: kind,
          name: parsed.name,
          args: parsed.args,
          block: log.blockNumber,
          at: 0,
          txHash: log.transactionHash,
          logIndex: log.index,
        });
        stamps.set(log.blockNumber, 0);
      }
    }
    await Promise.all(
      [...stamps.keys()].map(async (n) => {
        const b = await this.provider.getBlock(n);
        stamps.set(n, b?.timestamp ?? 0);
      }),
    );
    for (const e of out) e.at = stamps.get(e.block)!;
    return out.sort((a, b) => a.block - b.block || a.logIndex - b.logIndex);
  }

  // ------------------------------------------------------------------------------------------ DvP

  async dvpTrade(id: bigint): Promise<DvpTradeView> {
    const t = await this.dvp!.trade(id);
    return {
      status: Number(t.status) as DvpStatus,
      mode: Number(t.mode),
      deadline: Number(t.deadline),
      seller: t.seller as string,
      buyer: t.buyer as string,
      amount: t.amount as bigint,
      shares: t.shares as bigint,
      price: t.price as bigint,
      currency: bytes3ToString(t.currency as string),
      paymentReference: t.paymentReference as string,
    };
  }

  async releaseRestriction(id: bigint): Promise<number> {
    return Number(await this.dvp!.releaseRestriction(id));
  }

  /** What `acknowledge` checks of the seller (DvPSettlement._checkSeller): 0, or SellerRestricted's code. */
  async sellerRestriction(seller: string): Promise<number> {
    if (!this.sellerContracts) {
      const token = new Contract(await this.dvp!.token(), tokenInterface, this.provider);
      const [registry, compliance] = await Promise.all([token.identityRegistry(), token.compliance()]);
      this.sellerContracts = {
        token,
        registry: new Contract(registry, registryInterface, this.provider),
        compliance: new Contract(compliance, complianceInterface, this.provider),
      };
    }
    const { token, registry, compliance } = this.sellerContracts;
    const [frozen, verified, sanctioned] = await Promise.all([
      token.isFrozen(seller) as Promise<boolean>,
      registry.isVerified(seller) as Promise<boolean>,
      compliance.isSanctioned(seller) as Promise<boolean>,
    ]);
    // The codes of `DvPSettlement._checkSeller` (SellerRestricted), as the decision core names them.
    return sellerRestrictionOf({ frozen, verified, sanctioned });
  }

  // ------------------------------------------------------------------------------------------ cross-chain

  async assetTrade(id: string) {
    const t = await this.asset!.trade(id);
    return {
      status: Number(t.status) as AssetStatus,
      paymentDeadline: Number(t.paymentDeadline),
      refundableAt: Number(t.refundableAt),
      paymentChainSelector: t.paymentChainSelector as bigint,
      seller: t.seller as string,
      buyer: t.buyer as string,
      shares: t.shares as bigint,
    };
  }

  async paymentOf(id: string) {
    const p = await this.payment!.payment(id);
    return {
      status: Number(p.status) as PaymentStatus,
      deadline: Number(p.deadline),
      assetChainSelector: p.assetChainSelector as bigint,
      assetEscrow: p.assetEscrow as string,
      payer: p.payer as string,
      payee: p.payee as string,
      price: p.price as bigint,
    };
  }

  async isProcessed(escrow: "asset" | "payment", messageId: string): Promise<boolean> {
    const c = escrow === "asset" ? this.asset : this.payment;
    return (await c!.isProcessed(messageId)) as boolean;
  }

  // ------------------------------------------------------------------------------------------ own transactions

  /** Simulates `contract.fn(args)` from the orchestrator's account: ok, or the named revert. */
  async check(contract: Contract, fn: string, args: unknown[], value = 0n): Promise<Check> {
    const from = this.sender ? await this.sender.getAddress() : undefined;
    try {
      await this.provider.call({
        from,
        to: contract.target as string,
        data: contract.interface.encodeFunctionData(fn, args),
        value,
      });
      return { ok: true };
    } catch (e) {
      return { ok: false, error: revertName(e) };
    }
  }

  /** Sends `contract.fn(args)` from the orchestrator's account and waits for it (time-out: `waitMs`). */
  async send(
    contract: Contract,
    fn: string,
    args: unknown[],
    value = 0n,
    waitMs = 60_000,
  ): Promise<TransactionReceipt> {
    if (!this.sender) throw new Error(`${this.name}: no account configured to send ${fn}`);
    const response = await this.sender.sendTransaction({
      to: contract.target as string,
      data: contract.interface.encodeFunctionData(fn, args),
      value,
    });
    const receipt = await withTimeout(response.wait(), waitMs, `${fn} transaction ${response.hash}`);
    if (!receipt || receipt.status !== 1) throw new Error(`${fn} transaction ${response.hash} reverted`);
    return receipt;
  }

  /** The CCIP fee of a decision message from the payment escrow back to the asset chain. */
  async decisionFee(assetChainSelector: bigint, kind: number): Promise<bigint> {
    return (await this.payment!.quoteFee(assetChainSelector, kind)) as bigint;
  }
}

export function bytes3ToString(hex: string): string {
  const bytes = hex.slice(2).match(/../g) ?? [];
  return bytes
    .map((b) => parseInt(b, 16))
    .filter((c) => c !== 0)
    .map((c) => String.fromCharCode(c))
    .join("");
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
