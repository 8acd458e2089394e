/**
 * The settlement agent's Safe, as the orchestrator uses it. Every Safe operation of the orchestrator goes through
 * this file, and this file uses only `readSafeState`, `execSafeTransaction` and `proposeSafeTransaction` of
 * lib/safe.ts (issue 21 reworks that library behind the same functions).
 *
 * - Owners' keys configured locally: the calls of a round are executed at once, in one Safe transaction (batched
 *   through Safe's MultiSendCallOnly when several are due and its address is configured).
 * - Owners sign elsewhere: the calls are written as a proposal for the owners (proposeSafeTransaction) at the next
 *   free nonce after the proposals still pending; the orchestrator picks up its execution by watching the Safe's
 *   nonce and its ExecutionSuccess events, whoever sends it.
 *
 * The hash of a Safe transaction is asked from the Safe itself (`getTransactionHash`), before anything is signed.
 */
import * as path from "path";
import {
  Contract,
  Interface,
  concat,
  getAddress,
  solidityPacked,
  zeroPadValue,
  type Provider,
  type Signer,
  type TransactionReceipt,
} from "ethers";
import { execSafeTransaction, proposeSafeTransaction, readSafeState, type SafeCall } from "../../../lib/safe";
import { withTimeout } from "./chain";

const safeAbi = new Interface([
  "function getTransactionHash(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, uint256 _nonce) view returns (bytes32)",
  "event ExecutionSuccess(bytes32 indexed txHash, uint256 payment)",
]);
const multiSendAbi = new Interface(["function multiSend(bytes transactions)"]);
const ZERO = "0x0000000000000000000000000000000000000000";
/** Safe's Enum.Operation. */
const CALL = 0;
const DELEGATE_CALL = 1;

export interface AgentCall {
  to: string;
  data: string;
}

/** A Safe transaction ready to execute or propose. */
export interface PreparedSafeTx {
  call: SafeCall;
  nonce: number;
  hash: string;
}

export interface AgentSafeOptions {
  safe: string;
  provider: Provider;
  /** Local owners (at least the threshold): executes; none: proposes. */
  owners: Signer[];
  /** Sends execTransaction (defaults to the first owner). */
  sender?: Signer;
  /** Safe's MultiSendCallOnly (1.4.1): several calls in one Safe transaction. */
  multiSendCallOnly?: string;
  /** Where proposals are written. */
  proposalsDir: string;
  /** ABIs to decode the inner calls' errors. */
  interfaces: Interface[];
  /** Longest wait for an execution to be mined. Default 60 s. */
  waitMs?: number;
}

export class AgentSafe {
  readonly address: string;
  private readonly provider: Provider;
  private readonly owners: Signer[];
  private readonly sender?: Signer;
  private readonly multiSend?: string;
  private readonly proposalsDir: string;
  private readonly interfaces: Interface[];
  private readonly waitMs: number;
  private readonly contract: Contract;

  constructor(o: AgentSafeOptions) {
    this.address = getAddress(o.safe);
    this.provider = o.provider;
    this.owners = o.owners;
    this.sender = o.sender ?? o.owners[0];
    this.multiSend = o.multiSendCallOnly ? getAddress(o.multiSendCallOnly) : undefined;
    this.proposalsDir = o.proposalsDir;
    this.interfaces = o.interfaces;
    this.waitMs = o.waitMs ?? 60_000;
    this.contract = new Contract(this.address, safeAbi, o.provider);
  }

  /** `execute` when enough owners' keys are configured here, else `proposal`. */
  async mode(): Promise<"execute" | "proposal"> {
    if (this.owners.length === 0) return "proposal";
    const state = await readSafeState(this.address, this.provider);
    const owners = new Set(state.owners);
    const local = await Promise.all(this.owners.map(async (s) => getAddress(await s.getAddress())));
    return local.filter((a) => owners.has(a)).length >= state.threshold ? "execute" : "proposal";
  }

  /** The Safe's next nonce. */
  async nonce(): Promise<number> {
    return Number((await readSafeState(this.address, this.provider)).nonce);
  }

  /** Whether several calls can go in one Safe transaction. */
  get batches(): boolean {
    return this.multiSend !== undefined;
  }

  /** One Safe transaction making `calls` (a MultiSendCallOnly batch when there are several) at `nonce`. */
  async prepare(calls: AgentCall[], nonce: number): Promise<PreparedSafeTx> {
    if (calls.length === 0) throw new Error("no call to prepare");
    let call: SafeCall;
    if (calls.length === 1) {
      call = { to: getAddress(calls[0].to), data: calls[0].data, value: 0n, operation: CALL };
    } else {
      if (!this.multiSend) throw new Error("several calls in one Safe transaction need multiSendCallOnly");
      const packed = concat(
        calls.map((c) =>
          solidityPacked(
            ["uint8", "address", "uint256", "uint256", "bytes"],
            [CALL, getAddress(c.to), 0n, BigInt((c.data.length - 2) / 2), c.data],
          ),
        ),
      );
      call = {
        to: this.multiSend,
        data: multiSendAbi.encodeFunctionData("multiSend", [packed]),
        value: 0n,
        operation: DELEGATE_CALL,
      };
    }
    const hash: string = await this.contract.getTransactionHash(
      call.to,
      call.value ?? 0n,
      call.data,
      call.operation ?? CALL,
      0n,
      0n,
      0n,
      ZERO,
      ZERO,
      BigInt(nonce),
    );
    return { call, nonce, hash };
  }

  /** Signs with the local owners and executes; the receipt and the executed transaction's safeTxHash. */
  async execute(tx: PreparedSafeTx): Promise<{ receipt: TransactionReceipt; safeTxHash: string }> {
    const result = await withTimeout(
      execSafeTransaction(this.address, tx.call, this.owners, {
        sender: this.sender,
        interfaces: this.interfaces,
      }),
      this.waitMs,
      `Safe transaction at nonce ${tx.nonce}`,
    );
    return { receipt: result.receipt, safeTxHash: result.safeTxHash };
  }

  /** Where the proposal of `tx` is written: one file per Safe, nonce and transaction hash (never reused). */
  proposalFile(tx: PreparedSafeTx, label: string): string {
    return path.join(
      this.proposalsDir,
      `${this.address}-nonce${tx.nonce}-${label}-${tx.hash.slice(2, 10)}.json`,
    );
  }

  /** Writes the proposal for the owners to `file` (see {@link proposalFile}). */
  async propose(tx: PreparedSafeTx, file: string): Promise<string> {
    const hash = await proposeSafeTransaction(this.address, tx.call, this.provider, {
      outFile: file,
      nonce: BigInt(tx.nonce),
    });
    if (hash !== tx.hash) throw new Error(`proposal hash ${hash} differs from the Safe's ${tx.hash}`);
    return file;
  }

  /** The block and transaction that executed the Safe transaction `hash`, searching from `fromBlock`. */
  async executedIn(hash: string, fromBlock: number): Promise<{ block: number; txHash: string } | undefined> {
    const topic = safeAbi.getEvent("ExecutionSuccess")!.topicHash;
    const logs = await this.provider.getLogs({
      address: this.address,
      topics: [topic, zeroPadValue(hash, 32)],
      fromBlock: Math.max(0, fromBlock),
      toBlock: "latest",
    });
    const log = logs[0];
    return log ? { block: log.blockNumber, txHash: log.transactionHash } : undefined;
  }
}
