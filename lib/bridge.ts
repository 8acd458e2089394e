/**
 * Issue 18 (docs/MULTICHAIN.md): what the bridge tasks do, as plain functions over contracts (one network per
 * contract set; the tasks connect them to their networks). Every answer comes from the pools and tokens
 * themselves (events and views), so it holds on real CCIP as on the local lanes.
 */
import { AbiCoder, ZeroAddress, type ContractTransactionReceipt, type Signer } from "ethers";
import type { FundSharesPool, FundLockReleasePool, IFundToken, LocalCcipLane } from "../typechain-types";

const coder = AbiCoder.defaultAbiCoder();

/** The CCIP router as the bridge uses it (IRouterClient). */
export type Router = Pick<LocalCcipLane, "getFee" | "ccipSend" | "getAddress" | "connect">;

/** The CCIP message of a holder's transfer of `amount` tokens to `receiver` (tokens only, native fee). */
export function transferMessage(token: string, receiver: string, amount: bigint) {
  return {
    receiver: coder.encode(["address"], [receiver]),
    data: "0x",
    tokenAmounts: [{ token, amount }],
    feeToken: ZeroAddress,
    extraArgs: "0x",
  };
}

export interface SendResult {
  fee: bigint;
  receipt: ContractTransactionReceipt;
  /** The source pool's nonce of the transfer (SharesSent), to follow it with {transferStatus}. */
  nonce: bigint;
  shares: bigint;
}

/** Quotes the CCIP fee of a transfer. */
export async function quoteTransfer(
  router: Router,
  dest: bigint,
  token: string,
  receiver: string,
  amount: bigint,
) {
  return router.getFee(dest, transferMessage(token, receiver, amount));
}

/**
 * A holder's transfer to another chain: approves the router, quotes the fee, sends it with the fee; returns the
 * source pool's nonce and the shares that left.
 */
export async function sendTransfer(
  holder: Signer,
  p: {
    token: IFundToken;
    pool: FundSharesPool;
    router: Router;
    dest: bigint;
    receiver: string;
    amount: bigint;
  },
): Promise<SendResult> {
  const token = await p.token.getAddress();
  const router = await p.router.getAddress();
  const fee = await quoteTransfer(p.router, p.dest, token, p.receiver, p.amount);
  await (await p.token.connect(holder).approve(router, p.amount)).wait();
  const tx = await p.router
    .connect(holder)
    .ccipSend(p.dest, transferMessage(token, p.receiver, p.amount), { value: fee });
  const receipt = (await tx.wait())!;
  const pool = await p.pool.getAddress();
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== pool.toLowerCase()) continue;
    const parsed = p.pool.interface.parseLog(log);
    if (parsed?.name === "SharesSent")
      return { fee, receipt, nonce: parsed.args.nonce, shares: parsed.args.shares };
  }
  throw new Error(`no SharesSent of pool ${pool} in ${receipt.hash}`);
}

export type TransferStatus =
  | { status: "in flight" }
  | { status: "delivered"; receiver: string; shares: bigint; amount: bigint }
  | { status: "parked"; id: bigint; receiver: string; shares: bigint; reason: string; waiting: boolean };

/** Where transfer `nonce` from `sourceSelector` is on the destination pool. */
export async function transferStatus(
  destPool: FundSharesPool,
  sourceSelector: bigint,
  nonce: bigint,
): Promise<TransferStatus> {
  if (!(await destPool.isReleased(sourceSelector, nonce))) return { status: "in flight" };
  const arrived = await destPool.queryFilter(destPool.filters.SharesArrived(sourceSelector, nonce));
  if (arrived.length > 0) {
    const a = arrived[0].args;
    return { status: "delivered", receiver: a.receiver, shares: a.shares, amount: a.amount };
  }
  const parked = (await destPool.queryFilter(destPool.filters.ArrivalParked(undefined, sourceSelector))).find(
    (e) => e.args.nonce === nonce,
  );
  if (!parked)
    throw new Error(`transfer ${nonce} from ${sourceSelector} is released but has no arrival event`);
  const id = parked.args.id;
  return {
    status: "parked",
    id,
    receiver: parked.args.receiver,
    shares: parked.args.shares,
    reason: parked.args.reason,
    waiting: (await destPool.parkedArrival(id)).shares !== 0n,
  };
}

export interface ParkedRow {
  id: bigint;
  receiver: string;
  sourceChainSelector: bigint;
  originalSender: string;
  shares: bigint;
}

/** Arrivals waiting for the transfer agent on a pool. */
export async function waitingArrivals(pool: FundSharesPool): Promise<ParkedRow[]> {
  const out: ParkedRow[] = [];
  const last = await pool.lastParkedId();
  for (let id = 1n; id <= last; ++id) {
    const p = await pool.parkedArrival(id);
    if (p.shares !== 0n)
      out.push({
        id,
        receiver: p.receiver,
        sourceChainSelector: p.sourceChainSelector,
        originalSender: p.originalSender,
        shares: p.shares,
      });
  }
  return out;
}

export interface ChainCapTable {
  chain: string;
  index: bigint;
  totalShares: bigint;
  holders: { wallet: string; shares: bigint; amount: bigint }[];
}

/** Holders of a token (from its TransferShares events) with their shares and amounts; pools and zero balances left out. */
export async function chainCapTable(
  chain: string,
  token: IFundToken,
  exclude: string[],
): Promise<ChainCapTable> {
  const events = await token.queryFilter(token.filters.TransferShares());
  const wallets = new Set<string>();
  for (const e of events) {
    if (e.args.to !== ZeroAddress) wallets.add(e.args.to);
  }
  const skip = new Set(exclude.map((a) => a.toLowerCase()));
  const index = await token.index();
  const holders = [];
  for (const w of [...wallets].sort()) {
    if (skip.has(w.toLowerCase())) continue;
    const shares = await token.sharesOf(w);
    if (shares !== 0n) holders.push({ wallet: w, shares, amount: (shares * index) / 10n ** 18n });
  }
  return { chain, index, totalShares: await token.totalShares(), holders };
}

export interface ConsolidatedCapTable {
  chains: ChainCapTable[];
  /** Per wallet, over every chain. */
  consolidated: { wallet: string; shares: bigint; amount: bigint }[];
  /** Per satellite: its total shares, the home pool's locked shares for it, the difference (in flight or parked). */
  reconciliation: { chain: string; satelliteShares: bigint; lockedOnHome: bigint; difference: bigint }[];
}

/**
 * The cap table across a deployment: per chain and consolidated (shares and amounts at the home index), and the
 * reconciliation of each satellite's supply with the home pool's locked shares.
 */
export async function capTableAcrossChains(
  home: { token: IFundToken; pool: FundLockReleasePool; name?: string },
  satellites: { chain: string; selector: bigint; token: IFundToken; pool: FundSharesPool }[],
): Promise<ConsolidatedCapTable> {
  const homePool = await home.pool.getAddress();
  const chains = [await chainCapTable(home.name ?? "home", home.token, [homePool])];
  const reconciliation = [];
  for (const s of satellites) {
    chains.push(await chainCapTable(s.chain, s.token, [await s.pool.getAddress()]));
    const satelliteShares = await s.token.totalShares();
    const lockedOnHome = await home.pool.lockedShares(s.selector);
    reconciliation.push({
      chain: s.chain,
      satelliteShares,
      lockedOnHome,
      difference: lockedOnHome - satelliteShares,
    });
  }
  const index = await home.token.index();
  const byWallet = new Map<string, bigint>();
  for (const c of chains)
    for (const h of c.holders) byWallet.set(h.wallet, (byWallet.get(h.wallet) ?? 0n) + h.shares);
  const consolidated = [...byWallet.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([wallet, shares]) => ({ wallet, shares, amount: (shares * index) / 10n ** 18n }));
  return { chains, consolidated, reconciliation };
}
