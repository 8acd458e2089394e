/**
 * The CRE workflow of the settlement orchestrator (workflow.ts) on the CRE SDK's own test runtime
 * (`@chainlink/cre-sdk/test`, run by Bun: `npm run test:cre`). The EVM capability is answered by a small model of
 * DvPSettlement and the token (reads decoded and answered with the contracts' ABI), the HTTP capability by a model of
 * the bank rail's API (services/bank-rail: idempotency keys, status reports, cancellation); the reports the workflow
 * writes are decoded back into DvPSettlement calls.
 */
import { describe, expect, test as bunTest } from "bun:test";
import {
  test,
  newTestRuntime,
  EvmMock,
  HttpActionsMock,
  REPORT_METADATA_HEADER_LENGTH,
} from "@chainlink/cre-sdk/test";
import { bigintToProtoBigInt, bytesToHex, hexToBase64, type EVMLog } from "@chainlink/cre-sdk";
import { create } from "@bufbuild/protobuf";
import { EVM_PB } from "@chainlink/cre-sdk/pb";
import {
  decodeFunctionData,
  encodeFunctionResult,
  getAddress,
  parseAbi,
  stringToHex,
  toHex,
  type Address,
  type Hex,
} from "viem";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
// The SDK's own compiler front end (type check, the CRE runtime's API restrictions, bundle): not in its exports map.
import { main as compileToJs } from "../../../node_modules/@chainlink/cre-sdk/scripts/src/compile-to-js";
import { encodeBytes32String, keccak256 as ethersKeccak, toUtf8Bytes } from "ethers";
import {
  initWorkflow,
  onSchedule,
  onTradeLog,
  reasonBytes,
  referenceBytes,
  OFF_CHAIN_TRADE_OPENED,
  TRADE_ACKNOWLEDGED,
  type WorkflowConfig,
} from "./workflow";
import { endToEndIdOf } from "../core";

const SELECTOR = 16015286601757825753n; // ethereum-testnet-sepolia
const DVP: Address = "0x00000000000000000000000000000000000000D1";
const TOKEN: Address = "0x00000000000000000000000000000000000000A1";
const REGISTRY: Address = "0x00000000000000000000000000000000000000A2";
const COMPLIANCE: Address = "0x00000000000000000000000000000000000000A3";
const RECEIVER: Address = "0x00000000000000000000000000000000000000E1";
const SELLER: Address = "0x000000000000000000000000000000000000a11c";
const BUYER: Address = "0x000000000000000000000000000000000000b0b0";
const RAIL = "https://rail.example";
const DAY = 86_400;
const NOW = 1_900_000_000;

const config: WorkflowConfig = {
  chainSelectorName: "ethereum-testnet-sepolia",
  chainId: "11155111",
  dvp: DVP,
  receiver: RECEIVER,
  railUrl: RAIL,
  instructMarginSeconds: 3600,
  schedule: "*/30 * * * * *",
  lookbackBlocks: 20_000,
  maxTradesPerRun: 50,
  gasLimit: "400000",
};

const ABI = parseAbi([
  "function trade(uint256 tradeId) view returns ((address seller, uint40 deadline, uint8 mode, uint8 status, address buyer, uint40 acknowledgedAt, bytes3 currency, uint128 amount, uint128 shares, address paymentToken, uint96 price, bytes32 paymentReference))",
  "function releaseRestriction(uint256 tradeId) view returns (uint8)",
  "function token() view returns (address)",
  "function acknowledge(uint256 tradeId)",
  "function confirmPayment(uint256 tradeId, bytes32 paymentReference)",
  "function rejectTrade(uint256 tradeId, bytes32 reason)",
  "function refund(uint256 tradeId)",
  "function identityRegistry() view returns (address)",
  "function compliance() view returns (address)",
  "function isFrozen(address wallet) view returns (bool)",
  "function isVerified(address wallet) view returns (bool)",
  "function isSanctioned(address wallet) view returns (bool)",
]);

/** DvPSettlement.Status */
const S = { SellerCommitted: 1, Acknowledged: 3, Settled: 4, Refunded: 5 } as const;

interface ChainModel {
  now: number;
  head: bigint;
  trades: Map<bigint, { status: number; deadline: number; price: bigint; mode: number }>;
  release: number;
  seller: { frozen: boolean; verified: boolean; sanctioned: boolean };
  openedLogs: bigint[];
  /** DvPSettlement calls delivered through reports, decoded. */
  written: { receiver: string; fn: string; args: readonly unknown[] }[];
  writeStatus: "TX_STATUS_SUCCESS" | "TX_STATUS_REVERTED";
}

interface RailPayment {
  key: string;
  body: string;
  status: "ACSP" | "ACSC" | "RJCT" | "CANC" | "RTND";
  reference: string;
  reason?: string;
}

interface RailModel {
  payments: Map<string, RailPayment>;
  requests: { method: string; url: string; key?: string; body?: string }[];
  /** Answer 503 to everything. */
  down: boolean;
}

function report(e2e: string, p: RailPayment) {
  return {
    GrpHdr: { MsgId: `RPT-${e2e}`, CreDtTm: "2030-01-01T00:00:00Z" },
    OrgnlGrpInfAndSts: { OrgnlMsgId: "x", OrgnlMsgNmId: "pacs.008.001.08" },
    TxInfAndSts: {
      StsId: `S-${e2e}`,
      OrgnlEndToEndId: e2e,
      TxSts: p.status,
      AcctSvcrRef: p.reference,
      ...(p.reason ? { StsRsnInf: { Rsn: { Cd: p.reason } } } : {}),
    },
  };
}

const json = (code: number, body: unknown) => ({
  statusCode: code,
  body: hexToBase64(stringToHex(JSON.stringify(body))),
});

/** Installs the EVM and HTTP mocks over the two models (inside a CRE `test`). */
function world(over: Partial<ChainModel> = {}) {
  const chain: ChainModel = {
    now: NOW,
    head: 5_000n,
    trades: new Map(),
    release: 0,
    seller: { frozen: false, verified: true, sanctioned: false },
    openedLogs: [],
    written: [],
    writeStatus: "TX_STATUS_SUCCESS",
    ...over,
  };
  const railModel: RailModel = { payments: new Map(), requests: [], down: false };

  const evm = EvmMock.testInstance(SELECTOR);
  evm.headerByNumber = () => ({
    header: { timestamp: String(chain.now), blockNumber: bigintToProtoBigInt(chain.head) },
  });
  evm.callContract = (req) => {
    const to = getAddress(bytesToHex(req.call!.to));
    const { functionName, args } = decodeFunctionData({ abi: ABI, data: bytesToHex(req.call!.data) });
    let result: unknown;
    switch (functionName) {
      case "trade": {
        const t = chain.trades.get(args[0] as bigint);
        result = {
          seller: t ? SELLER : "0x0000000000000000000000000000000000000000",
          deadline: t?.deadline ?? 0,
          mode: t?.mode ?? 0,
          status: t?.status ?? 0,
          buyer: t ? BUYER : "0x0000000000000000000000000000000000000000",
          acknowledgedAt: 0,
          currency: stringToHex("USD"),
          amount: 10n ** 21n,
          shares: 10n ** 21n,
          paymentToken: "0x0000000000000000000000000000000000000000",
          price: t?.price ?? 0n,
          paymentReference: toHex(0, { size: 32 }),
        };
        break;
      }
      case "releaseRestriction":
        result = chain.release;
        break;
      case "token":
        expect(to).toBe(getAddress(DVP));
        result = TOKEN;
        break;
      case "identityRegistry":
        result = REGISTRY;
        break;
      case "compliance":
        result = COMPLIANCE;
        break;
      case "isFrozen":
        expect(to).toBe(getAddress(TOKEN));
        result = chain.seller.frozen;
        break;
      case "isVerified":
        expect(to).toBe(getAddress(REGISTRY));
        result = chain.seller.verified;
        break;
      case "isSanctioned":
        expect(to).toBe(getAddress(COMPLIANCE));
        result = chain.seller.sanctioned;
        break;
      default:
        throw new Error(`unexpected read ${functionName}`);
    }
    return { data: hexToBase64(encodeFunctionResult({ abi: ABI, functionName, result } as never)) };
  };
  evm.filterLogs = (req) => {
    expect(bytesToHex(req.filterQuery!.addresses[0]).toLowerCase()).toBe(DVP.toLowerCase());
    expect(bytesToHex(req.filterQuery!.topics[0].topic[0])).toBe(OFF_CHAIN_TRADE_OPENED);
    return {
      logs: chain.openedLogs.map((id) => ({
        address: hexToBase64(DVP),
        topics: [hexToBase64(OFF_CHAIN_TRADE_OPENED), hexToBase64(toHex(id, { size: 32 }))],
      })),
    };
  };
  evm.writeReport = (req) => {
    const raw = req.report!.rawReport;
    const payload = bytesToHex(raw.slice(REPORT_METADATA_HEADER_LENGTH));
    const { functionName, args } = decodeFunctionData({ abi: ABI, data: payload });
    chain.written.push({
      receiver: getAddress(bytesToHex(req.receiver)),
      fn: functionName,
      args: args ?? [],
    });
    return { txStatus: chain.writeStatus };
  };

  const http = HttpActionsMock.testInstance();
  http.sendRequest = (req) => {
    const body = req.body.length ? new TextDecoder().decode(req.body) : undefined;
    const key = req.headers["idempotency-key"];
    railModel.requests.push({ method: req.method, url: req.url, key, body });
    if (railModel.down) return { statusCode: 503, body: "" };
    const path = req.url.slice(RAIL.length);
    if (req.method === "POST" && path === "/v1/payments") {
      const ct = JSON.parse(body!);
      const e2e = ct.CdtTrfTxInf.PmtId.EndToEndId as string;
      const tx = JSON.stringify(ct.CdtTrfTxInf);
      const known = railModel.payments.get(e2e);
      if (known)
        return known.key === key && known.body === tx ? json(200, report(e2e, known)) : json(409, {});
      const p: RailPayment = {
        key: key!,
        body: tx,
        status: "ACSP",
        reference: `RAIL-${railModel.payments.size + 1}`,
      };
      railModel.payments.set(e2e, p);
      return json(202, report(e2e, p));
    }
    const m = /^\/v1\/payments\/([^/]+)(\/cancellation)?$/.exec(path);
    const p = m ? railModel.payments.get(decodeURIComponent(m[1])) : undefined;
    if (!m || !p) return json(404, {});
    const e2e = decodeURIComponent(m[1]);
    if (m[2]) p.status = p.status === "ACSC" ? "RTND" : p.status === "ACSP" ? "CANC" : p.status;
    return json(200, m[2] ? report(e2e, p) : { latest: report(e2e, p), reports: [report(e2e, p)] });
  };
  const runtime = newTestRuntime<WorkflowConfig>(null, {}, config);
  return { chain, rail: railModel, runtime };
}

function logOf(id: bigint): EVMLog {
  return create(EVM_PB.LogSchema, {
    address: new Uint8Array(20),
    topics: [
      Uint8Array.from(Buffer.from(OFF_CHAIN_TRADE_OPENED.slice(2), "hex")),
      Uint8Array.from(Buffer.from(toHex(id, { size: 32 }).slice(2), "hex")),
    ],
  });
}

const e2eOf = (id: bigint) => endToEndIdOf(BigInt(config.chainId), DVP, id);
const trade = (status: number, deadline = NOW + 2 * DAY, price = 250_000n) => ({
  status,
  deadline,
  price,
  mode: 1,
});

describe("settlement orchestrator CRE workflow (services/orchestrator/cre/workflow.ts)", () => {
  describe("onTradeLog (EVM log trigger)", () => {
    test("should acknowledge a trade opened with the release allowed and the seller in good standing, through a report to the receiver", () => {
      const { chain, rail, runtime } = world();
      chain.trades.set(7n, trade(S.SellerCommitted));
      const r = JSON.parse(onTradeLog(runtime, logOf(7n)));
      expect(r.action).toBe("acknowledge");
      expect(chain.written).toEqual([{ receiver: getAddress(RECEIVER), fn: "acknowledge", args: [7n] }]);
      // Nothing moves on the rail before the acknowledgement is on chain (only the status was asked).
      expect(rail.requests.map((q) => q.method)).toEqual(["GET"]);
    });

    test("should instruct the payment of an acknowledged trade once, keyed by the trade's end-to-end id, with a pacs.008-like body", () => {
      const { chain, rail, runtime } = world();
      chain.trades.set(7n, trade(S.Acknowledged));
      expect(JSON.parse(onTradeLog(runtime, logOf(7n))).action).toBe("instruct");
      const post = rail.requests.find((q) => q.method === "POST")!;
      expect(post.url).toBe(`${RAIL}/v1/payments`);
      expect(post.key).toBe(e2eOf(7n));
      const tx = JSON.parse(post.body!).CdtTrfTxInf;
      expect(tx.PmtId.EndToEndId).toBe(e2eOf(7n));
      expect(tx.IntrBkSttlmAmt).toEqual({ Ccy: "USD", Amt: "2500.00" });
      expect(tx.DbtrAcct.Id.Othr.Id).toBe(`wallet:${BUYER.toLowerCase()}`);
      expect(tx.CdtrAcct.Id.Othr.Id).toBe(`wallet:${SELLER.toLowerCase()}`);
      // A second execution (another trigger, a retry) finds the payment on the rail and instructs nothing.
      const again = JSON.parse(onTradeLog(runtime, logOf(7n)));
      expect(again.action).toBeUndefined();
      expect(again.waiting).toBe("the rail to settle the payment (ACSP)");
      expect(rail.requests.filter((q) => q.method === "POST")).toHaveLength(1);
      expect(chain.written).toEqual([]);
    });

    test("should re-check compliance immediately before instructing: a buyer the token now refuses is rejected, nothing instructed", () => {
      const { chain, rail, runtime } = world({ release: 5 });
      chain.trades.set(8n, trade(S.Acknowledged));
      expect(JSON.parse(onTradeLog(runtime, logOf(8n))).action).toBe("reject");
      expect(chain.written).toEqual([
        {
          receiver: getAddress(RECEIVER),
          fn: "rejectTrade",
          args: [8n, reasonBytes("RELEASE_RESTRICTED:5")],
        },
      ]);
      expect(rail.requests.some((q) => q.method === "POST")).toBe(false);
    });

    test("should reject a trade whose seller is frozen (SELLER_RESTRICTED:4) before acknowledging it", () => {
      const { chain, runtime } = world({ seller: { frozen: true, verified: true, sanctioned: false } });
      chain.trades.set(9n, trade(S.SellerCommitted));
      onTradeLog(runtime, logOf(9n));
      expect(chain.written.map((w) => [w.fn, w.args[1]])).toEqual([
        ["rejectTrade", reasonBytes("SELLER_RESTRICTED:4")],
      ]);
    });

    test("should stop instructing once the deadline margin is reached, and reject (DEADLINE_MARGIN)", () => {
      const { chain, rail, runtime } = world();
      chain.trades.set(10n, trade(S.Acknowledged, NOW + 3599));
      onTradeLog(runtime, logOf(10n));
      expect(chain.written.map((w) => [w.fn, w.args[1]])).toEqual([
        ["rejectTrade", reasonBytes("DEADLINE_MARGIN")],
      ]);
      expect(rail.requests.some((q) => q.method === "POST")).toBe(false);
    });

    test("should neither instruct nor reject an acknowledged trade while the rail cannot be asked (503)", () => {
      const { chain, rail, runtime } = world();
      rail.down = true;
      chain.trades.set(11n, trade(S.Acknowledged));
      const r = JSON.parse(onTradeLog(runtime, logOf(11n)));
      expect(r.action).toBeUndefined();
      expect(r.waiting).toBe("the payment rail, unreachable (HTTP 503)");
      expect(chain.written).toEqual([]);
      expect(rail.requests.map((q) => q.method)).toEqual(["GET"]);
    });

    test("should report a write the receiver reverted as an error of the step", () => {
      const { chain, runtime } = world({ writeStatus: "TX_STATUS_REVERTED" });
      chain.trades.set(12n, trade(S.SellerCommitted));
      const r = JSON.parse(onTradeLog(runtime, logOf(12n)));
      expect(r.error).toMatch(/^report not delivered/);
    });
  });

  describe("onSchedule (cron trigger)", () => {
    test("should confirm, with the rail's reference, every trade whose payment settled; reject the one the rail rejected; wait for the pending one", () => {
      const { chain, rail, runtime } = world();
      for (const id of [1n, 2n, 3n]) chain.trades.set(id, trade(S.Acknowledged));
      chain.openedLogs = [1n, 2n, 3n];
      const set = (id: bigint, p: Partial<RailPayment>) =>
        rail.payments.set(e2eOf(id), {
          key: e2eOf(id),
          body: "",
          status: "ACSP",
          reference: `RAIL-${id}`,
          ...p,
        });
      set(1n, { status: "ACSC" });
      set(2n, { status: "RJCT", reason: "AM04" });
      set(3n, { status: "ACSP" });
      const results = JSON.parse(onSchedule(runtime, {} as never));
      expect(results.map((r: { tradeId: string; action: string }) => [r.tradeId, r.action])).toEqual([
        ["1", "confirm"],
        ["2", "reject"],
      ]);
      expect(chain.written).toEqual([
        { receiver: getAddress(RECEIVER), fn: "confirmPayment", args: [1n, referenceBytes("RAIL-1")] },
        { receiver: getAddress(RECEIVER), fn: "rejectTrade", args: [2n, reasonBytes("RAIL_REJECTED:AM04")] },
      ]);
    });

    test("should refund an open trade past its deadline, then have its payment cancelled once the trade is Refunded", () => {
      const { chain, rail, runtime } = world();
      chain.trades.set(4n, trade(S.Acknowledged, NOW - 1));
      chain.openedLogs = [4n];
      rail.payments.set(e2eOf(4n), { key: e2eOf(4n), body: "", status: "ACSP", reference: "RAIL-4" });
      onSchedule(runtime, {} as never);
      expect(chain.written.map((w) => w.fn)).toEqual(["refund"]);
      chain.trades.set(4n, trade(S.Refunded, NOW - 1));
      onSchedule(runtime, {} as never);
      const cancel = rail.requests.find((q) => q.url.endsWith("/cancellation"))!;
      expect(JSON.parse(cancel.body!).Undrlyg.TxInf).toEqual({
        OrgnlEndToEndId: e2eOf(4n),
        CxlRsnInf: { Rsn: { Prtry: "TRADE_REFUNDED" } },
      });
      expect(rail.payments.get(e2eOf(4n))!.status).toBe("CANC");
      // Cancelled: nothing more to do.
      expect(JSON.parse(onSchedule(runtime, {} as never))).toEqual([]);
    });

    test("should leave settled trades and refunded trades that were never paid alone", () => {
      const { chain, rail, runtime } = world();
      chain.trades.set(5n, trade(S.Settled));
      chain.trades.set(6n, trade(S.Refunded));
      chain.openedLogs = [5n, 6n];
      rail.payments.set(e2eOf(5n), { key: e2eOf(5n), body: "", status: "ACSC", reference: "RAIL-5" });
      expect(JSON.parse(onSchedule(runtime, {} as never))).toEqual([]);
      expect(chain.written).toEqual([]);
      expect(rail.requests.every((q) => q.method === "GET")).toBe(true);
    });
  });

  describe("initWorkflow", () => {
    test("should register a log trigger on DvPSettlement (OffChainTradeOpened, TradeAcknowledged) and the cron trigger", () => {
      const [log, cron] = initWorkflow(config);
      expect(log.trigger.capabilityId()).toBe(`evm:ChainSelector:${SELECTOR}@1.0.0`);
      const filter = (
        log.trigger as unknown as { config: { addresses: Uint8Array[]; topics: { values: Uint8Array[] }[] } }
      ).config;
      expect(filter.addresses.map((a) => bytesToHex(a).toLowerCase())).toEqual([DVP.toLowerCase()]);
      expect(filter.topics[0].values.map((v) => bytesToHex(v))).toEqual([
        OFF_CHAIN_TRADE_OPENED,
        TRADE_ACKNOWLEDGED,
      ]);
      expect((cron.trigger as unknown as { config: { schedule: string } }).config.schedule).toBe(
        config.schedule,
      );
    });
  });

  describe("main.ts (the WASM entry point)", () => {
    // Bun's own test, with a time-out (the type check takes from seconds to minutes on a busy machine): no capability
    // is used.
    bunTest(
      "should pass the CRE SDK's compiler front end: type check, no API the CRE runtime lacks, one bundle",
      async () => {
        const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cre-")), "workflow.js");
        await compileToJs(path.join(__dirname, "main.ts"), out);
        expect(fs.statSync(out).size).toBeGreaterThan(0);
        fs.rmSync(path.dirname(out), { recursive: true, force: true });
      },
      600_000,
    );
  });

  describe("encodings shared with the service", () => {
    test("should write the same bytes32 reason and reference as the service (ethers' encodeBytes32String, keccak256 above 31 bytes)", () => {
      expect(reasonBytes("RAIL_REJECTED:AM04")).toBe(encodeBytes32String("RAIL_REJECTED:AM04") as Hex);
      expect(referenceBytes("RAIL-000001")).toBe(encodeBytes32String("RAIL-000001") as Hex);
      const long = "R".repeat(40);
      expect(referenceBytes(long)).toBe(ethersKeccak(toUtf8Bytes(long)) as Hex);
    });
  });
});
