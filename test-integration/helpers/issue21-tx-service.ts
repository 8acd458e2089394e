/**
 * A stand-in for the Safe Transaction Service, run as its own process by the integration test (issue 21):
 *
 *   node -r ts-node/register/transpile-only test-integration/helpers/issue21-tx-service.ts
 *
 * It listens on a free loopback port (printed as `listening on http://127.0.0.1:<port>/api`), and answers the calls
 * `@safe-global/api-kit` makes for the tasks: propose a transaction, confirm it, read one, list a Safe's. Each
 * request body is checked against the service's published request schema (safe-tx-service-requests.schema.json,
 * with Ajv); a body that does not match is answered 400 with the schema errors, as the service would refuse it. The
 * stand-in also recomputes the safeTxHash from the fields (chain id CHAIN_ID, default 31337) and checks that each
 * signature recovers to its sender; unlike the service it does not ask the chain who the owners are.
 *
 * `GET /__requests` returns every request received with whether it was accepted (for the test's assertions).
 */
import * as http from "http";
import Ajv from "ajv";
import { TypedDataEncoder, getAddress, recoverAddress } from "ethers";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const schema = require("./safe-tx-service-requests.schema.json");

const CHAIN_ID = BigInt(process.env.CHAIN_ID ?? "31337");
const ajv = new Ajv({ allErrors: true });
ajv.addSchema(schema, "service");
const validatePropose = ajv.getSchema("service#/definitions/proposeTransaction")!;
const validateConfirm = ajv.getSchema("service#/definitions/confirmTransaction")!;

const SAFE_TX_TYPES = {
  SafeTx: [
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "data", type: "bytes" },
    { name: "operation", type: "uint8" },
    { name: "safeTxGas", type: "uint256" },
    { name: "baseGas", type: "uint256" },
    { name: "gasPrice", type: "uint256" },
    { name: "gasToken", type: "address" },
    { name: "refundReceiver", type: "address" },
    { name: "nonce", type: "uint256" },
  ],
};

interface Confirmation {
  owner: string;
  submissionDate: string;
  signature: string;
  signatureType: "EOA";
  transactionHash: null;
}

interface StoredTx {
  safe: string;
  to: string;
  value: string;
  data: string | null;
  operation: number;
  gasToken: string;
  safeTxGas: string;
  baseGas: string;
  gasPrice: string;
  refundReceiver: string;
  nonce: string;
  safeTxHash: string;
  proposer: string;
  origin: string | null;
  submissionDate: string;
  confirmations: Confirmation[];
}

const transactions = new Map<string, StoredTx>();
const requests: { method: string; url: string; status: number; errors?: unknown }[] = [];

function send(res: http.ServerResponse, status: number, body?: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(body === undefined ? "" : JSON.stringify(body));
}

function response(tx: StoredTx) {
  return {
    ...tx,
    executionDate: null,
    modified: tx.submissionDate,
    blockNumber: null,
    transactionHash: null,
    executor: null,
    proposedByDelegate: null,
    isExecuted: false,
    isSuccessful: null,
    ethGasPrice: null,
    maxFeePerGas: null,
    maxPriorityFeePerGas: null,
    gasUsed: null,
    fee: null,
    dataDecoded: null,
    confirmationsRequired: 0,
    trusted: true,
    signatures: null,
  };
}

function hashOf(safe: string, b: Record<string, unknown>): string {
  return TypedDataEncoder.hash({ chainId: CHAIN_ID, verifyingContract: safe }, SAFE_TX_TYPES, {
    to: b.to,
    value: BigInt(b.value as string),
    data: (b.data as string | null) ?? "0x",
    operation: b.operation,
    safeTxGas: BigInt(b.safeTxGas as string),
    baseGas: BigInt(b.baseGas as string),
    gasPrice: BigInt(b.gasPrice as string),
    gasToken: (b.gasToken as string | null) ?? "0x0000000000000000000000000000000000000000",
    refundReceiver: (b.refundReceiver as string | null) ?? "0x0000000000000000000000000000000000000000",
    nonce: BigInt(b.nonce as string),
  });
}

function handle(
  method: string,
  url: URL,
  body: unknown,
): { status: number; body?: unknown; errors?: unknown } {
  const path = url.pathname;
  let m: RegExpMatchArray | null;
  if (method === "GET" && path === "/__requests") return { status: 200, body: requests };

  if ((m = path.match(/^\/api\/v2\/safes\/(0x[0-9a-fA-F]{40})\/multisig-transactions\/$/))) {
    const safe = getAddress(m[1]);
    if (method === "POST") {
      if (!validatePropose(body))
        return { status: 400, body: { detail: validatePropose.errors }, errors: validatePropose.errors };
      const b = body as Record<string, unknown>;
      if (b.safe !== undefined && getAddress(b.safe as string) !== safe) {
        return { status: 400, body: { safe: ["does not match the address in the path"] } };
      }
      const hash = hashOf(safe, b);
      if (hash !== b.contractTransactionHash) {
        return { status: 422, body: { detail: `Contract-transaction-hash=${hash} does not match provided` } };
      }
      const owner = getAddress(recoverAddress(hash, b.signature as string));
      if (owner !== getAddress(b.sender as string)) {
        return { status: 422, body: { detail: `Signature does not match sender=${b.sender}` } };
      }
      const now = new Date().toISOString();
      if (!transactions.has(hash)) {
        transactions.set(hash, {
          safe,
          to: getAddress(b.to as string),
          value: String(b.value),
          data: (b.data as string | null) ?? null,
          operation: b.operation as number,
          gasToken: getAddress((b.gasToken as string | null) ?? "0x0000000000000000000000000000000000000000"),
          safeTxGas: String(b.safeTxGas),
          baseGas: String(b.baseGas),
          gasPrice: String(b.gasPrice),
          refundReceiver: getAddress(
            (b.refundReceiver as string | null) ?? "0x0000000000000000000000000000000000000000",
          ),
          nonce: String(b.nonce),
          safeTxHash: hash,
          proposer: owner,
          origin: (b.origin as string | null) ?? null,
          submissionDate: now,
          confirmations: [
            {
              owner,
              submissionDate: now,
              signature: b.signature as string,
              signatureType: "EOA",
              transactionHash: null,
            },
          ],
        });
      }
      return { status: 201 };
    }
    if (method === "GET") {
      const executed = url.searchParams.get("executed");
      const results = [...transactions.values()]
        .filter((t) => t.safe === safe && executed !== "true")
        .map(response);
      return { status: 200, body: { count: results.length, next: null, previous: null, results } };
    }
  }

  if (
    (m = path.match(/^\/api\/v1\/multisig-transactions\/(0x[0-9a-fA-F]{64})\/confirmations\/$/)) &&
    method === "POST"
  ) {
    if (!validateConfirm(body))
      return { status: 400, body: { detail: validateConfirm.errors }, errors: validateConfirm.errors };
    const tx = transactions.get(m[1].toLowerCase()) ?? transactions.get(m[1]);
    if (!tx) return { status: 404, body: { detail: "Not found." } };
    const signature = (body as { signature: string }).signature;
    const owner = getAddress(recoverAddress(tx.safeTxHash, signature));
    if (tx.confirmations.some((c) => c.owner === owner)) {
      return { status: 400, body: { signature: [`Signature for owner=${owner} is duplicated`] } };
    }
    tx.confirmations.push({
      owner,
      submissionDate: new Date().toISOString(),
      signature,
      signatureType: "EOA",
      transactionHash: null,
    });
    return { status: 201 };
  }

  if ((m = path.match(/^\/api\/v2\/multisig-transactions\/(0x[0-9a-fA-F]{64})\/$/)) && method === "GET") {
    const tx = transactions.get(m[1].toLowerCase()) ?? transactions.get(m[1]);
    return tx ? { status: 200, body: response(tx) } : { status: 404, body: { detail: "Not found." } };
  }

  return { status: 404, body: { detail: `No route for ${method} ${path}` } };
}

const server = http.createServer((req, res) => {
  let raw = "";
  req.on("data", (chunk) => (raw += chunk));
  req.on("end", () => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    let body: unknown;
    try {
      body = raw && raw !== "undefined" ? JSON.parse(raw) : undefined;
    } catch {
      requests.push({ method: req.method ?? "", url: url.pathname, status: 400, errors: "not JSON" });
      return send(res, 400, { detail: "JSON parse error" });
    }
    let result: { status: number; body?: unknown; errors?: unknown };
    try {
      result = handle(req.method ?? "GET", url, body);
    } catch (error) {
      result = { status: 400, body: { detail: (error as Error).message }, errors: (error as Error).message };
    }
    if (url.pathname !== "/__requests") {
      requests.push({
        method: req.method ?? "",
        url: url.pathname + url.search,
        status: result.status,
        errors: result.errors,
      });
    }
    send(res, result.status, result.body);
  });
});

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  console.log(`listening on http://127.0.0.1:${port}/api`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
