/**
 * The Ethereum Attestation Service on the fund's chain. EAS 1.9.0 pins solc 0.8.29 while the suite compiles
 * offline with solc 0.8.28 only, so EAS is never compiled here: local networks deploy the SchemaRegistry and
 * EAS bytecode the npm package ships (`artifacts/`), and public networks use the EAS deployment the package
 * records (`deployments/<network>/EAS.json`).
 */
import fs from "node:fs";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { Contract, type Signer } from "ethers";

const PACKAGE = "@ethereum-attestation-service/eas-contracts";

interface Artifact {
  abi: unknown[];
  bytecode: string;
}

function packageDir(): string {
  return path.dirname(require.resolve(`${PACKAGE}/package.json`));
}

/** An artifact the package ships, e.g. `EAS.sol/EAS.json`. */
export function easArtifact(file: string): Artifact {
  return JSON.parse(fs.readFileSync(path.join(packageDir(), "artifacts", "contracts", file), "utf8"));
}

/** The EAS address the package records for a public network (undefined when it has none). */
export function recordedEasAddress(network: string): string | undefined {
  const file = path.join(packageDir(), "deployments", network, "EAS.json");
  if (!fs.existsSync(file)) return undefined;
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { address: string }).address;
}

/** Deploys EAS's SchemaRegistry and EAS from the package's bytecode; returns their addresses. */
export async function deployEasFromArtifacts(
  hre: HardhatRuntimeEnvironment,
  deployer: Signer,
): Promise<{ schemaRegistry: string; eas: string }> {
  const { ethers } = hre;
  const registryArtifact = easArtifact("SchemaRegistry.sol/SchemaRegistry.json");
  const easArtifactJson = easArtifact("EAS.sol/EAS.json");
  const registry = await new ethers.ContractFactory(
    registryArtifact.abi as never,
    registryArtifact.bytecode,
    deployer,
  ).deploy();
  await registry.waitForDeployment();
  const eas = await new ethers.ContractFactory(
    easArtifactJson.abi as never,
    easArtifactJson.bytecode,
    deployer,
  ).deploy(await registry.getAddress());
  await eas.waitForDeployment();
  return { schemaRegistry: await registry.getAddress(), eas: await eas.getAddress() };
}

/** The EAS and SchemaRegistry this deployment recorded, as contracts connected to `runner`. */
export async function deployedEas(
  hre: HardhatRuntimeEnvironment,
  runner: Signer,
): Promise<{ eas: Contract; schemaRegistry: Contract }> {
  const at = async (name: string, file: string) =>
    new Contract((await hre.deployments.get(name)).address, easArtifact(file).abi as never, runner);
  return {
    eas: await at("EAS", "EAS.sol/EAS.json"),
    schemaRegistry: await at("EAS.SchemaRegistry", "SchemaRegistry.sol/SchemaRegistry.json"),
  };
}
