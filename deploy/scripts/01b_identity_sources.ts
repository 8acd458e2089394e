import type { DeployFunction } from "hardhat-deploy/types";
import { loadContext, type DeployContext } from "../../lib/deploy/context";
import {
  accessManager,
  asDeployerWithRoles,
  deployProxy,
  ensure,
  recorded,
  wireFunctionRoles,
} from "../../lib/deploy/deploy";
import { ATTESTATION_SOURCE_ROLES, ONCHAINID_SOURCE_ROLES } from "../../lib/deploy/roles";
import { deployEasFromArtifacts, easArtifact, recordedEasAddress } from "../../lib/deploy/eas";
import type { AttestationSource, IRegistrySources, OnchainIdSource } from "../../typechain-types";

/** Registry ids of the two verification sources: the provenance a record carries (0 is the compliance officer). */
export const SOURCE_IDS = { OnchainIdSource: 1, AttestationSource: 2 } as const;

/** The chain's EAS: deployed from the package's bytecode on local networks, the recorded one elsewhere. */
async function easAddress(ctx: DeployContext): Promise<string | undefined> {
  const { deployments } = ctx.hre;
  const existing = await deployments.getOrNull("EAS");
  if (existing) return existing.address;
  if (ctx.isLocal) {
    const { schemaRegistry, eas } = await deployEasFromArtifacts(ctx.hre, ctx.deployer);
    await deployments.save("EAS.SchemaRegistry", {
      address: schemaRegistry,
      abi: easArtifact("SchemaRegistry.sol/SchemaRegistry.json").abi as never[],
    });
    await deployments.save("EAS", { address: eas, abi: easArtifact("EAS.sol/EAS.json").abi as never[] });
    ctx.log(`deployed EAS ${eas} and its SchemaRegistry ${schemaRegistry} from the package's bytecode`);
    return eas;
  }
  const recordedAddress = recordedEasAddress(ctx.network);
  if (recordedAddress) {
    await deployments.save("EAS", {
      address: recordedAddress,
      abi: easArtifact("EAS.sol/EAS.json").abi as never[],
    });
    ctx.log(`EAS: ${recordedAddress} (the package's ${ctx.network} deployment)`);
  }
  return recordedAddress;
}

/**
 * The identity registry's verification sources (docs/IDENTITY.md): the ONCHAINID claim source and, where the
 * chain has EAS, the attestation source, each behind a UUPS proxy with its ISSUER functions wired, and listed in
 * the registry under its id. They start unconfigured (no claim topic, no schema: they verify no one); the issuer
 * sets topics, trusted issuers, schemas and attesters behind its delay.
 */
const func: DeployFunction = async (hre) => {
  const ctx = await loadContext(hre);
  const manager = await accessManager(ctx);
  const authority = await manager.getAddress();
  // The registry's sources functions (its IdentityRegistrySources extension, in the record's merged ABI).
  const registry = await recorded<IRegistrySources>(ctx, "IdentityRegistry");
  const registryAddress = await registry.getAddress();
  const validity = ctx.config.identity.defaultKycValiditySeconds;

  await deployProxy(ctx, "OnchainIdSource", "OnchainIdSource", [authority, registryAddress, validity]);
  const onchainId = await recorded<OnchainIdSource>(ctx, "OnchainIdSource");
  await wireFunctionRoles(
    ctx,
    "OnchainIdSource",
    await onchainId.getAddress(),
    onchainId.interface,
    ONCHAINID_SOURCE_ROLES,
  );
  const sources: [string, number][] = [[await onchainId.getAddress(), SOURCE_IDS.OnchainIdSource]];

  const eas = await easAddress(ctx);
  if (eas) {
    await deployProxy(ctx, "AttestationSource", "AttestationSource", [
      authority,
      registryAddress,
      eas,
      validity,
    ]);
    const attestations = await recorded<AttestationSource>(ctx, "AttestationSource");
    await wireFunctionRoles(
      ctx,
      "AttestationSource",
      await attestations.getAddress(),
      attestations.interface,
      ATTESTATION_SOURCE_ROLES,
    );
    sources.push([await attestations.getAddress(), SOURCE_IDS.AttestationSource]);
  } else {
    ctx.log(`no EAS on ${ctx.network}: the attestation source is not deployed`);
  }

  await asDeployerWithRoles(ctx, ["ISSUER"], async () => {
    for (const [address, id] of sources) {
      await ensure(
        ctx,
        `IdentityRegistry: verification source ${id} -> ${address}`,
        async () => (await registry.verificationSource(id)) !== address,
        () => registry.setVerificationSource(id, address),
      );
    }
  });
};
func.tags = ["identity-sources", "all"];
func.dependencies = ["identity"];
export default func;
