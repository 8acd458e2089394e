/**
 * The orchestrator as a service: its configuration (JSON), how keys are found, and the assembly of chains, Safe,
 * rail and journal into an {@link Orchestrator}. The Hardhat task `settlement:orchestrate` builds the configuration
 * from a network's deployment records; services/orchestrator/main.ts reads it from a file.
 *
 * Keys are never in the configuration:
 * - `ORCHESTRATOR_OWNER_KEYS`: comma-separated private keys of settlement agent Safe owners (at least its
 *   threshold to execute; otherwise the orchestrator writes proposals for the owners);
 * - `ORCHESTRATOR_SENDER_KEY`: the account that sends Safe executions and the orchestrator's own transactions
 *   (refund, complete, cancel, executePayment: it pays their gas and CCIP fees).
 * On a local node (Hardhat, anvil) whose accounts are unlocked, the owners and the sender may be named by address
 * instead, and the node signs.
 */
import { JsonRpcProvider, NonceManager, Wallet, getAddress, type Signer } from "ethers";
import { DEFAULT_POLICY, type Policy } from "./core";
import { ChainAdapter, settlementInterfaces } from "./adapters/chain";
import { AgentSafe } from "./adapters/safe";
import { HttpPaymentRail } from "./adapters/rail";
import { Journal } from "./journal";
import { Orchestrator } from "./orchestrator";

export interface ChainSection {
  name: string;
  rpcUrl: string;
  chainId: number;
  /** CCIP chain selector (decimal string), needed for cross-chain trades. */
  ccipSelector?: string;
  dvp?: string;
  assetEscrow?: string;
  paymentEscrow?: string;
  /** First block to scan when the journal has no cursor (the contracts' deployment block). */
  startBlock: number;
  confirmations?: number;
  logChunk?: number;
  /** Address of the orchestrator's account on this chain (its key in ORCHESTRATOR_SENDER_KEY, or unlocked). */
  sender?: string;
  /** How often (ms) a sent transaction's receipt is polled for. Default 250. */
  pollingIntervalMs?: number;
}

export interface OrchestratorConfig {
  /** The journal file. */
  journal: string;
  /** Where Safe proposals for offline owners are written. */
  proposalsDir: string;
  /** Milliseconds between rounds. */
  pollIntervalMs: number;
  policy: Policy;
  rail?: { url: string; timeoutMs?: number; accounts?: Record<string, string> };
  chains: ChainSection[];
  safe?: {
    address: string;
    /** The chain (name) holding the Safe and DvPSettlement. */
    chain: string;
    /** Owner addresses whose keys or unlocked accounts the orchestrator may use. */
    owners: string[];
    multiSendCallOnly?: string;
    /** `propose`: always write proposals, even when owners' keys are available. */
    mode?: "auto" | "propose";
  };
  maxBatch?: number;
  pendingTimeoutSeconds?: number;
}

export const DEFAULT_SERVICE = {
  pollIntervalMs: 1_000,
  policy: DEFAULT_POLICY,
};

/** Checks a configuration read from a file; throws naming every problem. */
export function validateConfig(raw: unknown): OrchestratorConfig {
  const problems: string[] = [];
  const c = raw as Partial<OrchestratorConfig>;
  const isAddr = (v: unknown) => typeof v === "string" && /^0x[0-9a-fA-F]{40}$/.test(v);
  if (!c || typeof c !== "object") throw new Error("orchestrator config: not an object");
  if (typeof c.journal !== "string" || c.journal === "") problems.push("journal: a file path is required");
  if (typeof c.proposalsDir !== "string") problems.push("proposalsDir: a directory is required");
  if (!Array.isArray(c.chains) || c.chains.length === 0)
    problems.push("chains: at least one chain is required");
  for (const [i, ch] of (c.chains ?? []).entries()) {
    if (!ch.name) problems.push(`chains[${i}].name is required`);
    if (!/^https?:\/\//.test(ch.rpcUrl ?? "")) problems.push(`chains[${i}].rpcUrl must be an http(s) URL`);
    if (!Number.isInteger(ch.chainId) || ch.chainId <= 0)
      problems.push(`chains[${i}].chainId must be a positive integer`);
    if (!Number.isInteger(ch.startBlock) || ch.startBlock < 0)
      problems.push(`chains[${i}].startBlock must be a block number`);
    for (const k of ["dvp", "assetEscrow", "paymentEscrow", "sender"] as const) {
      if (ch[k] !== undefined && !isAddr(ch[k])) problems.push(`chains[${i}].${k} is not an address`);
    }
    if (!ch.dvp && !ch.assetEscrow && !ch.paymentEscrow) problems.push(`chains[${i}] watches no contract`);
    if ((ch.assetEscrow || ch.paymentEscrow) && !/^\d+$/.test(ch.ccipSelector ?? "")) {
      problems.push(`chains[${i}].ccipSelector (decimal) is required with a CCIP escrow`);
    }
  }
  if (c.safe) {
    if (!isAddr(c.safe.address)) problems.push("safe.address is not an address");
    if (!(c.chains ?? []).some((ch) => ch.name === c.safe!.chain && ch.dvp)) {
      problems.push(`safe.chain "${c.safe.chain}" must name a chain with dvp`);
    }
    for (const o of c.safe.owners ?? []) if (!isAddr(o)) problems.push(`safe.owners: ${o} is not an address`);
    if (c.safe.multiSendCallOnly !== undefined && !isAddr(c.safe.multiSendCallOnly)) {
      problems.push("safe.multiSendCallOnly is not an address");
    }
  } else if ((c.chains ?? []).some((ch) => ch.dvp)) {
    problems.push("safe: the settlement agent's Safe is required to settle off-chain trades");
  }
  if (c.rail && !/^https?:\/\//.test(c.rail.url ?? "")) problems.push("rail.url must be an http(s) URL");
  const p = c.policy ?? DEFAULT_POLICY;
  if (!(p.instructMarginSeconds >= 0)) problems.push("policy.instructMarginSeconds must be >= 0");
  if (!(p.ccipStuckAfterSeconds > 0)) problems.push("policy.ccipStuckAfterSeconds must be > 0");
  if (problems.length > 0) throw new Error(`orchestrator config:\n  - ${problems.join("\n  - ")}`);
  return {
    ...c,
    pollIntervalMs: c.pollIntervalMs ?? DEFAULT_SERVICE.pollIntervalMs,
    policy: { ...DEFAULT_POLICY, ...p },
  } as OrchestratorConfig;
}

function keysFromEnv(name: string, env: NodeJS.ProcessEnv): string[] {
  return (env[name] ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter((k) => k !== "");
}

/** Signers for `addresses`: a configured key, else the node's unlocked account, else none. */
async function signersFor(
  provider: JsonRpcProvider,
  addresses: string[],
  keys: string[],
): Promise<Map<string, Signer>> {
  const out = new Map<string, Signer>();
  const wallets = keys.map((k) => new Wallet(k, provider));
  for (const w of wallets) out.set(getAddress(w.address), w);
  let unlocked: string[] = [];
  try {
    unlocked = ((await provider.send("eth_accounts", [])) as string[]).map(getAddress);
  } catch {
    unlocked = [];
  }
  for (const a of addresses.map(getAddress)) {
    if (!out.has(a) && unlocked.includes(a)) out.set(a, await provider.getSigner(a));
  }
  return out;
}

export interface RunningService {
  orchestrator: Orchestrator;
  journal: Journal;
  /** How the Safe acts: executes with local owners, or writes proposals. */
  safeMode?: "execute" | "proposal";
  close(): void;
}

/** Assembles the orchestrator of `config` (opens and locks the journal). */
export async function buildService(
  config: OrchestratorConfig,
  options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {},
): Promise<RunningService> {
  const env = options.env ?? process.env;
  const ownerKeys = keysFromEnv("ORCHESTRATOR_OWNER_KEYS", env);
  const senderKey = env.ORCHESTRATOR_SENDER_KEY;
  const providers: JsonRpcProvider[] = [];
  const chains: ChainAdapter[] = [];
  let safe: AgentSafe | undefined;
  for (const ch of config.chains) {
    const provider = new JsonRpcProvider(ch.rpcUrl, ch.chainId, { staticNetwork: true, batchMaxCount: 100 });
    // How often a sent transaction's receipt is looked for (ethers' default is 4 s): a Safe transaction is mined in
    // the next block, and the round waits for it.
    provider.pollingInterval = ch.pollingIntervalMs ?? 250;
    providers.push(provider);
    let sender: Signer | undefined;
    if (senderKey) sender = new NonceManager(new Wallet(senderKey, provider));
    else if (ch.sender) sender = (await signersFor(provider, [ch.sender], [])).get(getAddress(ch.sender));
    if (ch.sender && !sender)
      throw new Error(`chain ${ch.name}: no key for the sender ${ch.sender} (set ORCHESTRATOR_SENDER_KEY)`);
    chains.push(
      new ChainAdapter({
        name: ch.name,
        provider,
        ccipSelector: ch.ccipSelector ? BigInt(ch.ccipSelector) : undefined,
        dvp: ch.dvp,
        assetEscrow: ch.assetEscrow,
        paymentEscrow: ch.paymentEscrow,
        confirmations: ch.confirmations,
        logChunk: ch.logChunk,
        startBlock: ch.startBlock,
        sender,
      }),
    );
    if (config.safe && config.safe.chain === ch.name) {
      const found =
        config.safe.mode === "propose"
          ? new Map<string, Signer>()
          : await signersFor(provider, config.safe.owners, ownerKeys);
      const owners = [...found.values()];
      safe = new AgentSafe({
        safe: config.safe.address,
        provider,
        owners,
        sender: sender ?? owners[0],
        multiSendCallOnly: config.safe.multiSendCallOnly,
        proposalsDir: config.proposalsDir,
        interfaces: settlementInterfaces,
      });
    }
  }
  const journal = Journal.open(config.journal);
  if (journal.recoveredTornLine)
    options.log?.(`journal ${config.journal}: dropped a torn last line (a crash mid-write)`);
  const rail = config.rail
    ? new HttpPaymentRail(config.rail.url, {
        timeoutMs: config.rail.timeoutMs,
        accounts: config.rail.accounts,
      })
    : undefined;
  const orchestrator = new Orchestrator({
    journal,
    chains,
    safe,
    rail,
    policy: config.policy,
    log: options.log,
    maxBatch: config.maxBatch,
    pendingTimeoutSeconds: config.pendingTimeoutSeconds,
  });
  return {
    orchestrator,
    journal,
    safeMode: safe ? await safe.mode() : undefined,
    close() {
      orchestrator.stop();
      journal.close();
      for (const p of providers) p.destroy();
    },
  };
}

/** Runs the service until SIGTERM or SIGINT (the journal is closed and its lock released). */
export async function runService(
  config: OrchestratorConfig,
  log: (line: string) => void = console.log,
): Promise<void> {
  const service = await buildService(config, { log });
  const chains = config.chains.map(
    (c) =>
      `${c.name} (${[c.dvp && "DvP", c.assetEscrow && "asset escrow", c.paymentEscrow && "payment escrow"].filter(Boolean).join(", ")})`,
  );
  log(
    `orchestrator started: ${chains.join("; ")}; Safe ${config.safe?.address ?? "none"} (${service.safeMode ?? "-"}); ` +
      `rail ${config.rail?.url ?? "none"}; journal ${config.journal}`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    log("orchestrator stopping");
    service.orchestrator.stop();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  try {
    await service.orchestrator.run(config.pollIntervalMs);
  } finally {
    service.close();
    log("orchestrator stopped");
  }
}
