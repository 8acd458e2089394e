import type { DeployFunction } from "hardhat-deploy/types";
import { loadContext } from "../../lib/deploy/context";
import {
  accessManager,
  deployPlain,
  deployProxy,
  ensure,
  recorded,
  wireFunctionRoles,
  asDeployerWithRoles,
} from "../../lib/deploy/deploy";
import { IDENTITY_REGISTRY_ROLES } from "../../lib/deploy/roles";
import type { IdentityRegistry } from "../../typechain-types";

/**
 * The identity registry (UUPS proxy, with its verification-sources extension IdentityRegistrySources reached by
 * its fallback), its function roles and its KYC validity.
 */
const func: DeployFunction = async (hre) => {
  const ctx = await loadContext(hre);
  const manager = await accessManager(ctx);
  const validity = ctx.config.identity.defaultKycValiditySeconds;
  const extension = await deployPlain(ctx, "IdentityRegistrySources", "IdentityRegistrySources", []);
  await deployProxy(ctx, "IdentityRegistry", "IdentityRegistry", [await manager.getAddress(), validity], {
    constructorArgs: [extension],
    abiFrom: ["IdentityRegistrySources"],
  });
  const registry = await recorded<IdentityRegistry>(ctx, "IdentityRegistry");
  await wireFunctionRoles(
    ctx,
    "IdentityRegistry",
    await registry.getAddress(),
    registry.interface,
    IDENTITY_REGISTRY_ROLES,
  );
  await asDeployerWithRoles(ctx, ["ISSUER"], () =>
    ensure(
      ctx,
      `IdentityRegistry: default KYC validity ${validity} s`,
      async () => (await registry.defaultKycValidity()) !== BigInt(validity),
      () => registry.setDefaultKycValidity(validity),
    ),
  );
};
func.tags = ["identity", "all"];
func.dependencies = ["governance"];
export default func;
