/**
 * The Safe Transaction Service, through Safe's `@safe-global/api-kit`: where a network has a service URL
 * (`<NETWORK>_SAFE_TX_SERVICE_URL`, e.g. `SEPOLIA_SAFE_TX_SERVICE_URL=https://…/api`, with
 * `SAFE_TX_SERVICE_API_KEY` for Safe's hosted services), the first owner's signature proposes the Safe transaction to
 * it, later owners' signatures confirm it, and the tasks read every owner's signature (given in Safe{Wallet} too) and
 * the service's pending nonces back from it.
 */
import SafeApiKit from "@safe-global/api-kit";
import { OperationType } from "@safe-global/types-kit";
import { getAddress } from "ethers";
import type { OwnerSignature, SafeProposal } from "./safe";

/** The environment variable naming the Transaction Service of `network`. */
export function serviceUrlVariable(network: string): string {
  return `${network.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_SAFE_TX_SERVICE_URL`;
}

/** The Transaction Service configured for `network`, if any. */
export function serviceUrl(network: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = env[serviceUrlVariable(network)]?.trim();
  return url ? url.replace(/\/+$/, "") : undefined;
}

/** A Transaction Service client for one chain. */
export class TxService {
  readonly api: SafeApiKit;

  constructor(
    readonly url: string,
    chainId: bigint,
    apiKey = process.env.SAFE_TX_SERVICE_API_KEY,
  ) {
    this.api = new SafeApiKit({ chainId, txServiceUrl: url, ...(apiKey ? { apiKey } : {}) });
  }

  /** The service's record of a Safe transaction, or undefined when it does not know it. */
  async find(safeTxHash: string) {
    try {
      return await this.api.getTransaction(safeTxHash);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  /**
   * Sends an owner's signature: proposes the Safe transaction with it when the service does not know the
   * transaction yet (`sender` = that owner), else adds it as a confirmation. Returns what was done.
   */
  async sendSignature(
    p: SafeProposal,
    s: OwnerSignature,
  ): Promise<"proposed" | "confirmed" | "already known"> {
    const known = await this.find(p.safeTxHash);
    if (!known) {
      await this.api.proposeTransaction({
        safeAddress: getAddress(p.safe),
        safeTransactionData: {
          to: getAddress(p.to),
          value: p.value,
          data: p.data,
          operation: p.operation === 0 ? OperationType.Call : OperationType.DelegateCall,
          safeTxGas: p.safeTxGas,
          baseGas: p.baseGas,
          gasPrice: p.gasPrice,
          gasToken: getAddress(p.gasToken),
          refundReceiver: getAddress(p.refundReceiver),
          nonce: Number(p.nonce),
        },
        safeTxHash: p.safeTxHash,
        senderAddress: getAddress(s.owner),
        senderSignature: s.signature,
        origin: p.origin,
      });
      return "proposed";
    }
    if ((known.confirmations ?? []).some((c) => getAddress(c.owner) === getAddress(s.owner)))
      return "already known";
    await this.api.confirmTransaction(p.safeTxHash, s.signature);
    return "confirmed";
  }

  /** The owners' signatures the service holds for a Safe transaction. */
  async signatures(safeTxHash: string): Promise<OwnerSignature[]> {
    const known = await this.find(safeTxHash);
    return (known?.confirmations ?? [])
      .filter((c) => typeof c.signature === "string" && c.signature.length === 132)
      .map((c) => ({ owner: getAddress(c.owner), signature: c.signature }));
  }

  /** Nonces of the Safe transactions the service holds, not executed, from `fromNonce` on. */
  async pendingNonces(safe: string, fromNonce: bigint): Promise<bigint[]> {
    const list = await this.api.getMultisigTransactions(getAddress(safe), { executed: false });
    return list.results.map((t) => BigInt(t.nonce)).filter((n) => n >= fromNonce);
  }
}
