/**
 * The settlement orchestrator's off-chain DvP flow as a Chainlink CRE workflow (@chainlink/cre-sdk): the same pure
 * decision core as the service (services/orchestrator/core), hosted on CRE's triggers and capabilities instead of
 * the service's JSON-RPC loop, journal and Safe.
 *
 * - **EVM log trigger** on DvPSettlement (`OffChainTradeOpened`, `TradeAcknowledged`): the trade of the log takes
 *   its next step at once (acknowledge, then instruct the payment).
 * - **Cron trigger**: every open off-chain trade opened in the last `lookbackBlocks` blocks (EVM `filterLogs`, one
 *   bounded query) takes its next step: that is how a payment the rail settled (or rejected) is confirmed (or
 *   rejected) on chain, and how expired trades are refunded and late payments cancelled or returned.
 * - **EVM read** (`callContract`, `headerByNumber`): the trade, `releaseRestriction`, the seller's standing, the
 *   chain's clock, all read in the same execution, immediately before the payment is instructed.
 * - **HTTP capability** (`HTTPClient.sendRequest`, identical-answer consensus): the rail's status of the payment, its
 *   instruction (pacs.008-like, Idempotency-Key = the trade's end-to-end id) and its cancellation (camt.056-like).
 *   Every node of the DON sends the same instruction with the same key: the rail creates one payment.
 * - **EVM write** (`writeReport`): `acknowledge`, `confirmPayment`, `rejectTrade` and `refund` as signed reports to
 *   the settlement agent's CRE receiver (`receiver`), which checks the forwarder and the workflow and makes the
 *   call on DvPSettlement. That receiver contract is NOT part of this repository (docs/SETTLEMENT.md, "The
 *   settlement orchestrator as a CRE workflow"): the workflow is tested up to the report it writes.
 *
 * CRE keeps no local journal between executions: the chain is the record of the trade and the rail is the record of
 * its payment (a payment is "instructed" when the rail knows its end-to-end id), which the idempotency key makes
 * safe to ask again after any failure.
 *
 * Tests: services/orchestrator/cre/workflow.test.ts, on the SDK's test runtime (`npm run test:cre`, Bun).
 */
import {
  cre,
  consensusIdenticalAggregation,
  bytesToHex,
  encodeCallMsg,
  hexToBase64,
  logTriggerConfig,
  prepareReportRequest,
  protoBigIntToBigint,
  blockNumber as protoBlockNumber,
  LATEST_BLOCK_NUMBER,
  Runner,
  text,
  TxStatus,
  type CronPayload,
  type EVMLog,
  type HTTPSendRequester,
  type Runtime,
} from "@chainlink/cre-sdk";
import {
  decodeFunctionResult,
  encodeFunctionData,
  keccak256,
  parseAbi,
  hexToString,
  stringToHex,
  toEventSelector,
  type Address,
  type Hex,
} from "viem";
import {
  decideOffChain,
  DvpStatus,
  endToEndIdOf,
  sellerRestrictionOf,
  type OffChainAction,
  type RailState,
} from "../core";
import {
  cancellationOf,
  creditTransferOf,
  stateOf,
  type PaymentInstruction,
} from "../adapters/rail-messages";
import { defaultAccountOf, type PaymentStatusResponse, type StatusReport } from "../../bank-rail/iso20022";

/** The workflow's configuration (config.json next to the workflow in a CRE project). */
export interface WorkflowConfig {
  /** CRE chain selector name of the fund's chain, e.g. "ethereum-testnet-sepolia". */
  chainSelectorName: string;
  /** The fund's chain id (decimal): part of every payment's end-to-end id, as the service derives it. */
  chainId: string;
  /** DvPSettlement. */
  dvp: Address;
  /** The settlement agent's CRE receiver (holds SETTLEMENT_AGENT; forwards the reports to DvPSettlement). */
  receiver: Address;
  /** Base URL of the rail's HTTP API (services/bank-rail's, or a bank's with the same messages). */
  railUrl: string;
  /** Wallet (lower case) -> the rail's account id; `wallet:<address>` for wallets not listed. */
  accounts?: Record<string, string>;
  /** No payment is instructed once the deadline is closer than this (seconds). */
  instructMarginSeconds: number;
  /** The cron trigger's schedule (six fields, seconds first), e.g. every 30 s: "*\/30 * * * * *". */
  schedule: string;
  /** How far back (blocks) the cron run looks for open trades: at least the payment window. */
  lookbackBlocks: number;
  /** Most trades one cron run steps (CRE bounds the calls of an execution). */
  maxTradesPerRun: number;
  /** Gas limit of each report's delivery. */
  gasLimit: string;
}

const DVP_ABI = parseAbi([
  "function trade(uint256 tradeId) view returns ((address seller, uint40 deadline, uint8 mode, uint8 status, address buyer, uint40 acknowledgedAt, bytes3 currency, uint128 amount, uint128 shares, address paymentToken, uint96 price, bytes32 paymentReference))",
  "function releaseRestriction(uint256 tradeId) view returns (uint8)",
  "function token() view returns (address)",
  "function acknowledge(uint256 tradeId)",
  "function confirmPayment(uint256 tradeId, bytes32 paymentReference)",
  "function rejectTrade(uint256 tradeId, bytes32 reason)",
  "function refund(uint256 tradeId)",
]);
const TOKEN_ABI = parseAbi([
  "function identityRegistry() view returns (address)",
  "function compliance() view returns (address)",
  "function isFrozen(address wallet) view returns (bool)",
]);
const REGISTRY_ABI = parseAbi(["function isVerified(address wallet) view returns (bool)"]);
const COMPLIANCE_ABI = parseAbi(["function isSanctioned(address wallet) view returns (bool)"]);

export const OFF_CHAIN_TRADE_OPENED = toEventSelector(
  "OffChainTradeOpened(uint256,address,address,uint256,uint256,bytes3,uint40)",
);
export const TRADE_ACKNOWLEDGED = toEventSelector("TradeAcknowledged(uint256,address)");

const ZERO: Address = "0x0000000000000000000000000000000000000000";

/** `rejectTrade`'s bytes32 reason: the text, right-padded (ethers' encodeBytes32String). */
export function reasonBytes(reason: string): Hex {
  return stringToHex(reason, { size: 32 });
}

/** The bytes32 `confirmPayment` records: the rail's reference when it fits in 31 bytes, else its keccak256. */
export function referenceBytes(reference: string): Hex {
  const hex = stringToHex(reference);
  return (hex.length - 2) / 2 <= 31 ? stringToHex(reference, { size: 32 }) : keccak256(hex);
}

/** What one step of one trade did. */
export interface StepResult {
  tradeId: string;
  status: string;
  action?: OffChainAction["kind"];
  /** The report's call (acknowledge, confirmPayment, rejectTrade, refund) or the rail request made. */
  detail?: string;
  waiting: string;
  stuck?: string;
  error?: string;
}

function evmOf(config: WorkflowConfig) {
  const selector =
    cre.capabilities.EVMClient.SUPPORTED_CHAIN_SELECTORS[
      config.chainSelectorName as keyof typeof cre.capabilities.EVMClient.SUPPORTED_CHAIN_SELECTORS
    ];
  if (selector === undefined) throw new Error(`chain ${config.chainSelectorName} is not supported by CRE`);
  return new cre.capabilities.EVMClient(selector);
}

type Evm = ReturnType<typeof evmOf>;

function read<T>(
  runtime: Runtime<WorkflowConfig>,
  evm: Evm,
  to: Address,
  data: Hex,
  decode: (d: Hex) => T,
): T {
  const reply = evm
    .callContract(runtime, {
      call: encodeCallMsg({ from: ZERO, to, data }),
      blockNumber: LATEST_BLOCK_NUMBER,
    })
    .result();
  return decode(bytesToHex(reply.data));
}

/** The rail's answer, as every node of the DON must see it identically (a JSON string of the RailState). */
function railRequest(
  sendRequester: HTTPSendRequester,
  req: {
    url: string;
    method: string;
    body?: string;
    headers?: Record<string, string>;
    kind: "status" | "write";
  },
): string {
  let response;
  try {
    response = sendRequester
      .sendRequest({
        url: req.url,
        method: req.method,
        headers: { "content-type": "application/json", ...(req.headers ?? {}) },
        ...(req.body === undefined ? {} : { body: hexToBase64(stringToHex(req.body)) }),
        timeout: "5s",
      })
      .result();
  } catch (e) {
    return JSON.stringify({ kind: "unreachable", error: (e as Error).message } satisfies RailState);
  }
  const code = response.statusCode;
  if (code >= 500) return JSON.stringify({ kind: "unreachable", error: `HTTP ${code}` } satisfies RailState);
  if (code === 404) return JSON.stringify({ kind: "unknown" } satisfies RailState);
  const body = text(response);
  if (code !== 200 && code !== 202) {
    return JSON.stringify({
      kind: "unreachable",
      error: `HTTP ${code} ${body.slice(0, 200)}`,
    } satisfies RailState);
  }
  const json = JSON.parse(body) as PaymentStatusResponse | StatusReport;
  const report = "latest" in json ? json.latest : json;
  return JSON.stringify(stateOf(report));
}

function rail(runtime: Runtime<WorkflowConfig>, req: Parameters<typeof railRequest>[1]): RailState {
  const http = new cre.capabilities.HTTPClient();
  const answer = http
    .sendRequest(
      runtime,
      railRequest,
      consensusIdenticalAggregation<string>(),
    )(req)
    .result();
  return JSON.parse(answer) as RailState;
}

/** Reads the trade, the rail and the clock, asks the decision core, and acts: one step of one trade. */
export function stepTrade(runtime: Runtime<WorkflowConfig>, tradeId: bigint): StepResult {
  const config = runtime.config;
  const evm = evmOf(config);
  const dvp = config.dvp;
  const header = evm.headerByNumber(runtime, { blockNumber: LATEST_BLOCK_NUMBER }).result();
  const now = Number(header.header?.timestamp ?? 0n);
  const t = read(
    runtime,
    evm,
    dvp,
    encodeFunctionData({ abi: DVP_ABI, functionName: "trade", args: [tradeId] }),
    (d) => decodeFunctionResult({ abi: DVP_ABI, functionName: "trade", data: d }),
  );
  const status = Number(t.status) as DvpStatus;
  const result: StepResult = { tradeId: tradeId.toString(), status: DvpStatus[status], waiting: "" };
  if (status === DvpStatus.None || Number(t.mode) !== 1) {
    result.waiting = status === DvpStatus.None ? "the trade to appear on chain" : "";
    return result;
  }
  const open = status === DvpStatus.SellerCommitted || status === DvpStatus.Acknowledged;
  let releaseRestriction = 0;
  let sellerRestriction = 0;
  if (open) {
    releaseRestriction = read(
      runtime,
      evm,
      dvp,
      encodeFunctionData({ abi: DVP_ABI, functionName: "releaseRestriction", args: [tradeId] }),
      (d) => Number(decodeFunctionResult({ abi: DVP_ABI, functionName: "releaseRestriction", data: d })),
    );
    const token = read(runtime, evm, dvp, encodeFunctionData({ abi: DVP_ABI, functionName: "token" }), (d) =>
      decodeFunctionResult({ abi: DVP_ABI, functionName: "token", data: d }),
    );
    const call = <T>(
      to: Address,
      abi: typeof TOKEN_ABI | typeof REGISTRY_ABI | typeof COMPLIANCE_ABI,
      fn: string,
      args: unknown[] = [],
    ) =>
      read(
        runtime,
        evm,
        to,
        encodeFunctionData({ abi, functionName: fn, args } as never),
        (d) => decodeFunctionResult({ abi, functionName: fn, data: d } as never) as T,
      );
    const registry = call<Address>(token, TOKEN_ABI, "identityRegistry");
    const compliance = call<Address>(token, TOKEN_ABI, "compliance");
    sellerRestriction = sellerRestrictionOf({
      frozen: call<boolean>(token, TOKEN_ABI, "isFrozen", [t.seller]),
      verified: call<boolean>(registry, REGISTRY_ABI, "isVerified", [t.seller]),
      sanctioned: call<boolean>(compliance, COMPLIANCE_ABI, "isSanctioned", [t.seller]),
    });
  }

  const e2e = endToEndIdOf(BigInt(config.chainId), dvp, tradeId);
  const base = config.railUrl.replace(/\/+$/, "");
  const railState = rail(runtime, {
    url: `${base}/v1/payments/${encodeURIComponent(e2e)}`,
    method: "GET",
    kind: "status",
  });
  // The rail is the record of the payment: instructed once it knows the end-to-end id. While it cannot be asked, an
  // acknowledged (or finished) trade is taken as possibly instructed: nothing is instructed and nothing rejected.
  const instructed =
    railState.kind === "unreachable" ? status !== DvpStatus.SellerCommitted : railState.kind !== "unknown";
  const decision = decideOffChain(
    {
      now,
      trade: { status, deadline: Number(t.deadline) },
      releaseRestriction,
      sellerRestriction,
      instructed,
      returnRequested: false,
      rail: railState,
    },
    { instructMarginSeconds: config.instructMarginSeconds, ccipStuckAfterSeconds: 3600 },
  );
  result.waiting = decision.waiting;
  result.stuck = decision.stuck;
  const action = decision.action;
  if (!action) return result;
  result.action = action.kind;

  if (action.kind === "instruct" || action.kind === "cancelPayment") {
    const iso = new Date(now * 1000).toISOString();
    let state: RailState;
    if (action.kind === "instruct") {
      const p: PaymentInstruction = {
        endToEndId: e2e,
        idempotencyKey: e2e,
        amountMinor: BigInt(t.price),
        currency: hexToString(t.currency),
        buyer: t.buyer,
        seller: t.seller,
        remittance: `DvP trade ${tradeId} (chain ${config.chainId}, DvPSettlement ${dvp})`,
      };
      const body = creditTransferOf(p, {
        // The same message on every node (the rail hashes the transaction, not the header, for its idempotency).
        msgId: `CRE-${e2e}`.slice(0, 35),
        now: iso,
        accountOf: (w) => config.accounts?.[w.toLowerCase()] ?? defaultAccountOf(w),
      });
      state = rail(runtime, {
        url: `${base}/v1/payments`,
        method: "POST",
        body: JSON.stringify(body),
        headers: { "idempotency-key": e2e },
        kind: "write",
      });
      result.detail = `instructed ${e2e}`;
    } else {
      state = rail(runtime, {
        url: `${base}/v1/payments/${encodeURIComponent(e2e)}/cancellation`,
        method: "POST",
        body: JSON.stringify(cancellationOf(e2e, action.reason, iso)),
        kind: "write",
      });
      result.detail = `cancellation of ${e2e} requested (${action.reason})`;
    }
    if (state.kind === "unreachable") result.error = `rail: ${state.error}`;
    return result;
  }

  const data =
    action.kind === "acknowledge"
      ? encodeFunctionData({ abi: DVP_ABI, functionName: "acknowledge", args: [tradeId] })
      : action.kind === "confirm"
        ? encodeFunctionData({
            abi: DVP_ABI,
            functionName: "confirmPayment",
            args: [tradeId, referenceBytes(action.reference)],
          })
        : action.kind === "reject"
          ? encodeFunctionData({
              abi: DVP_ABI,
              functionName: "rejectTrade",
              args: [tradeId, reasonBytes(action.reason)],
            })
          : encodeFunctionData({ abi: DVP_ABI, functionName: "refund", args: [tradeId] });
  const report = runtime.report(prepareReportRequest(data)).result();
  const reply = evm
    .writeReport(runtime, { receiver: config.receiver, report, gasConfig: { gasLimit: config.gasLimit } })
    .result();
  result.detail =
    action.kind === "confirm"
      ? `confirmPayment(${tradeId}, ${action.reference})`
      : action.kind === "reject"
        ? `rejectTrade(${tradeId}, ${action.reason})`
        : `${action.kind}(${tradeId})`;
  if (reply.txStatus !== TxStatus.SUCCESS)
    result.error = `report not delivered: ${reply.errorMessage ?? `status ${reply.txStatus}`}`;
  return result;
}

/** EVM log trigger: the trade of an OffChainTradeOpened or TradeAcknowledged log takes its next step. */
export function onTradeLog(runtime: Runtime<WorkflowConfig>, log: EVMLog): string {
  const tradeId = BigInt(bytesToHex(log.topics[1]));
  const r = stepTrade(runtime, tradeId);
  runtime.log(JSON.stringify(r));
  return JSON.stringify(r);
}

/** Cron trigger: every open off-chain trade opened in the last `lookbackBlocks` blocks takes its next step. */
export function onSchedule(runtime: Runtime<WorkflowConfig>, _payload: CronPayload): string {
  void _payload;
  const config = runtime.config;
  const evm = evmOf(config);
  const header = evm.headerByNumber(runtime, { blockNumber: LATEST_BLOCK_NUMBER }).result();
  const head = header.header?.blockNumber ? protoBigIntToBigint(header.header.blockNumber) : 0n;
  const from = head > BigInt(config.lookbackBlocks) ? head - BigInt(config.lookbackBlocks) : 0n;
  const logs = evm
    .filterLogs(runtime, {
      filterQuery: {
        addresses: [hexToBase64(config.dvp)],
        topics: [{ topic: [hexToBase64(OFF_CHAIN_TRADE_OPENED)] }],
        fromBlock: protoBlockNumber(from),
        toBlock: protoBlockNumber(head),
      },
    })
    .result().logs;
  const ids = [...new Set(logs.map((l) => BigInt(bytesToHex(l.topics[1]))))].slice(0, config.maxTradesPerRun);
  const results = ids.map((id) => stepTrade(runtime, id)).filter((r) => r.action || r.stuck || r.error);
  runtime.log(JSON.stringify(results));
  return JSON.stringify(results);
}

/** The workflow: a log trigger and a cron trigger over the same step. */
export function initWorkflow(config: WorkflowConfig) {
  const evm = evmOf(config);
  return [
    cre.handler(
      evm.logTrigger(
        logTriggerConfig({
          addresses: [config.dvp],
          topics: [[OFF_CHAIN_TRADE_OPENED, TRADE_ACKNOWLEDGED]],
          confidence: "LATEST",
        }),
      ),
      onTradeLog,
    ),
    cre.handler(new cre.capabilities.CronCapability().trigger({ schedule: config.schedule }), onSchedule),
  ];
}

/** Entry point when compiled to WASM (`cre-compile services/orchestrator/cre/workflow.ts`). */
export async function main(): Promise<void> {
  const runner = await Runner.newRunner<WorkflowConfig>();
  await runner.run(initWorkflow);
}
