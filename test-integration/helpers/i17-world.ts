/**
 * The fund on the integration test's node, as the test's parties use it over JSON-RPC: sellers opening off-chain
 * trades and locking cross-chain ones, payers paying, the transfer agent freezing a wallet through its Safe, the
 * node's clock. Written by i17-setup.ts's output (addresses, investors, owners).
 */
import * as fs from "fs";
import {
  JsonRpcProvider,
  MaxUint256,
  hexlify,
  toUtf8Bytes,
  type JsonRpcSigner,
  type TransactionReceipt,
} from "ethers";
import {
  DvPSettlement__factory,
  CrossChainAssetEscrow__factory,
  CrossChainPaymentEscrow__factory,
  IFundToken__factory,
  MockBlockingStablecoin__factory,
  type DvPSettlement,
  type CrossChainAssetEscrow,
  type CrossChainPaymentEscrow,
  type IFundToken,
  type MockBlockingStablecoin,
} from "../../typechain-types";
import { execSafeTransaction } from "../../lib/safe";
import { endToEndIdOf } from "../../services/orchestrator/orchestrator";
import { rpc, sleep } from "./i17-processes";

export interface Setup {
  dvp: string;
  token: string;
  registry: string;
  assetEscrow: string;
  paymentEscrow: string;
  paymentCoin: string;
  multiSendCallOnly: string;
  ccipSelector: string;
  settlementAgent: string;
  transferAgent: string;
  agentOwners: string[];
  transferAgentOwners: string[];
  deployer: string;
  investors: string[];
  block: number;
}

export interface OffChainOrder {
  seller: string;
  buyer: string;
  amount: bigint;
  /** Minor units (cents). */
  price: bigint;
}

export const USD = hexlify(toUtf8Bytes("USD"));

export class World {
  readonly provider: JsonRpcProvider;
  readonly setup: Setup;
  readonly dvp: DvPSettlement;
  readonly token: IFundToken;
  readonly asset: CrossChainAssetEscrow;
  readonly payment: CrossChainPaymentEscrow;
  readonly coin: MockBlockingStablecoin;

  constructor(
    readonly rpcUrl: string,
    setupFile: string,
  ) {
    this.provider = new JsonRpcProvider(rpcUrl, 31337, { staticNetwork: true });
    this.provider.pollingInterval = 200;
    this.setup = JSON.parse(fs.readFileSync(setupFile, "utf8")) as Setup;
    this.dvp = DvPSettlement__factory.connect(this.setup.dvp, this.provider);
    this.token = IFundToken__factory.connect(this.setup.token, this.provider);
    this.asset = CrossChainAssetEscrow__factory.connect(this.setup.assetEscrow, this.provider);
    this.payment = CrossChainPaymentEscrow__factory.connect(this.setup.paymentEscrow, this.provider);
    this.coin = MockBlockingStablecoin__factory.connect(this.setup.paymentCoin, this.provider);
  }

  signer(address: string): Promise<JsonRpcSigner> {
    return this.provider.getSigner(address);
  }

  /** The payment's end-to-end id (and idempotency key) of an off-chain trade. */
  e2e(id: bigint): string {
    return endToEndIdOf(31337n, this.setup.dvp, id);
  }

  /** The latest block's timestamp, asked of the node each time (ethers caches identical requests for 250 ms). */
  async now(): Promise<number> {
    const b = (await rpc(this.rpcUrl, "eth_getBlockByNumber", ["latest", false])) as { timestamp: string };
    return Number(b.timestamp);
  }

  /** Moves the node's clock on (the next block is mined at once). */
  async increaseTime(seconds: number): Promise<void> {
    await rpc(this.rpcUrl, "evm_increaseTime", [seconds]);
    await rpc(this.rpcUrl, "evm_mine", []);
  }

  /**
   * Opens every order at once (each seller sends its own transactions); returns the trade ids in order. A seller's
   * transactions are sent one after the other (the node assigns their nonces; two identical ones sent at the same
   * instant would get the same nonce and the second be refused as "already imported"), sellers in parallel.
   */
  async openOffChain(orders: OffChainOrder[]): Promise<bigint[]> {
    const sent: Promise<{ wait(): Promise<TransactionReceipt | null> }>[] = new Array(orders.length);
    const bySeller = new Map<string, number[]>();
    orders.forEach((o, i) => bySeller.set(o.seller, [...(bySeller.get(o.seller) ?? []), i]));
    await Promise.all(
      [...bySeller.entries()].map(async ([seller, indexes]) => {
        const dvp = this.dvp.connect(await this.signer(seller));
        for (const i of indexes) {
          const o = orders[i];
          sent[i] = dvp.openOffChainTrade({
            buyer: o.buyer,
            amount: o.amount,
            price: o.price,
            currency: USD,
          });
          await sent[i];
        }
      }),
    );
    const receipts = await Promise.all(sent.map(async (t) => (await t).wait()));
    return receipts.map((r) => this.idFrom(r!));
  }

  private idFrom(receipt: TransactionReceipt): bigint {
    for (const log of receipt.logs) {
      try {
        const parsed = this.dvp.interface.parseLog(log);
        if (parsed?.name === "OffChainTradeOpened") return parsed.args.tradeId as bigint;
      } catch {
        // another contract's log
      }
    }
    throw new Error(`no OffChainTradeOpened in ${receipt.hash}`);
  }

  /** The trade ids the next `n` openings will get (ids are sequential). */
  async nextIds(n: number): Promise<bigint[]> {
    const count = await this.dvp.tradeCount();
    return Array.from({ length: n }, (_, i) => count + 1n + BigInt(i));
  }

  async status(id: bigint): Promise<number> {
    return Number((await this.dvp.trade(id)).status);
  }

  /** Polls `check` until it holds (or fails with `label` and the last value). */
  async waitUntil(label: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (await check()) return;
      await sleep(250);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
  }

  /** Waits until every trade of `ids` is Settled (4) or Refunded (5). */
  async waitTerminal(ids: bigint[], timeoutMs = 60_000): Promise<void> {
    await this.waitUntil(
      `trades ${ids.join(", ")} to end`,
      async () => (await Promise.all(ids.map((id) => this.status(id)))).every((s) => s === 4 || s === 5),
      timeoutMs,
    );
  }

  /** The transfer agent freezes or unfreezes a wallet through its Safe (two of its owners sign, on the node). */
  async setFrozen(wallet: string, frozen: boolean): Promise<void> {
    const owners = await Promise.all(this.setup.transferAgentOwners.slice(0, 2).map((o) => this.signer(o)));
    await execSafeTransaction(
      this.setup.transferAgent,
      {
        to: this.setup.token,
        data: this.token.interface.encodeFunctionData("setAddressFrozen", [wallet, frozen]),
      },
      owners,
      { interfaces: [this.token.interface] },
    );
  }

  /** The payment chain's stablecoin owner blocks or unblocks an account. */
  async setBlocked(account: string, blocked: boolean): Promise<void> {
    await (
      await this.coin.connect(await this.signer(this.setup.deployer)).setBlocked(account, blocked)
    ).wait();
  }

  /** The seller locks a cross-chain trade paid by `payer` to `payee` (the LOCK message pays its CCIP fee). */
  async lock(
    seller: string,
    buyer: string,
    amount: bigint,
    price: bigint,
    deadline: number,
  ): Promise<string> {
    const asset = this.asset.connect(await this.signer(seller));
    const terms = {
      buyer,
      amount,
      paymentChainSelector: BigInt(this.setup.ccipSelector),
      payer: buyer,
      payee: seller,
      price,
      paymentDeadline: deadline,
    };
    const fee = await this.asset.quoteFee(BigInt(this.setup.ccipSelector), 1);
    const receipt = await (await asset.lock(terms, { value: fee })).wait();
    for (const log of receipt!.logs) {
      try {
        const parsed = this.asset.interface.parseLog(log);
        if (parsed?.name === "TradeLocked") return parsed.args.tradeId as string;
      } catch {
        // another contract's log
      }
    }
    throw new Error("no TradeLocked");
  }

  /** The payer's wallet pays for the terms it reads on the payment escrow. */
  async pay(payer: string, tradeId: string): Promise<TransactionReceipt> {
    const hash = await this.payment.termsHash(tradeId);
    const fee = await this.payment.quoteFee(BigInt(this.setup.ccipSelector), 2);
    const tx = await this.payment.connect(await this.signer(payer)).pay(tradeId, hash, { value: fee });
    return (await tx.wait())!;
  }

  async approveAll(): Promise<void> {
    for (const w of this.setup.investors) {
      const s = await this.signer(w);
      await (await this.token.connect(s).approve(this.setup.dvp, MaxUint256)).wait();
    }
  }
}
