import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  AbiCoder,
  Interface,
  ZeroHash,
  dataLength,
  dataSlice,
  keccak256,
  toUtf8Bytes,
  type FunctionFragment,
  type ParamType,
} from "ethers";
import { investorsFixture } from "./fixtures";

/** Fully qualified artifact names of the interfaces the token declares. */
const ARTIFACT = {
  IFundToken: "contracts/interfaces/IFundToken.sol:IFundToken",
  IERC3643: "contracts/interfaces/IERC3643.sol:IERC3643",
  ISharesToken: "contracts/interfaces/ISharesToken.sol:ISharesToken",
  IERC20: "@openzeppelin/contracts/token/ERC20/IERC20.sol:IERC20",
  IERC20Metadata: "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol:IERC20Metadata",
  IERC20Permit: "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol:IERC20Permit",
  IERC165: "@openzeppelin/contracts/utils/introspection/IERC165.sol:IERC165",
  IERC7943Fungible: "contracts/interfaces/IERC7943.sol:IERC7943Fungible",
  IERC7575Share: "contracts/interfaces/IERC7575.sol:IERC7575Share",
} as const;
type InterfaceName = keyof typeof ARTIFACT;

/** Direct parents of each interface, as declared in Solidity (`interface X is ...`). */
const PARENTS: Record<InterfaceName, InterfaceName[]> = {
  IFundToken: ["IERC3643", "ISharesToken", "IERC20Permit", "IERC165", "IERC7943Fungible", "IERC7575Share"],
  IERC3643: ["IERC20Metadata"],
  ISharesToken: [],
  IERC20: [],
  IERC20Metadata: ["IERC20"],
  IERC20Permit: [],
  IERC165: [],
  IERC7943Fungible: ["IERC165"],
  IERC7575Share: ["IERC165"],
};

/** Functions an interface declares again because two of its parents declare them (ERC-3643 and ERC-7943). */
const REDECLARED: Partial<Record<InterfaceName, string[]>> = {
  IFundToken: ["forcedTransfer(address,address,uint256)", "getFrozenTokens(address)"],
};

async function selectorsOf(name: InterfaceName): Promise<Set<string>> {
  const iface = new Interface((await hre.artifacts.readArtifact(ARTIFACT[name])).abi);
  const selectors = new Set<string>();
  iface.forEachFunction((f) => selectors.add(f.selector));
  return selectors;
}

/**
 * ERC-165 identifier as Solidity defines `type(I).interfaceId`: the XOR of the selectors of the functions
 * declared in I itself, inherited functions excluded.
 */
async function interfaceId(name: InterfaceName): Promise<string> {
  const own = await selectorsOf(name);
  for (const parent of PARENTS[name]) for (const s of await selectorsOf(parent)) own.delete(s);
  // A function two parents declare is declared again in the interface (`override(A, B)`): it is its own then.
  for (const signature of REDECLARED[name] ?? []) own.add(keccak256(toUtf8Bytes(signature)).slice(0, 10));
  let id = 0;
  for (const s of own) id ^= Number.parseInt(s.slice(2), 16);
  return "0x" + (id >>> 0).toString(16).padStart(8, "0");
}

/** A harmless argument of each ABI type, to call every function through the proxy. */
function sampleArg(p: ParamType, wallet: string): unknown {
  if (p.baseType === "array") return [];
  if (p.baseType === "tuple") return p.components!.map((c) => sampleArg(c, wallet));
  if (p.type === "address") return wallet;
  if (p.type === "bool") return false;
  if (p.type === "string") return "x";
  if (p.type === "bytes") return "0x";
  if (p.type.startsWith("bytes")) return dataSlice(ZeroHash, 0, Number(p.type.slice(5)));
  if (p.type === "uint8") return 27;
  return 1n;
}

describe("FundToken: ERC-165 and extension routing", function () {
  describe("supportsInterface", function () {
    for (const name of Object.keys(ARTIFACT) as InterfaceName[]) {
      it(`should support ${name} (id computed from its ABI)`, async function () {
        const { token } = await loadFixture(investorsFixture);
        const id = await interfaceId(name);
        expect(await token.supportsInterface(id)).to.equal(true);
      });
    }

    it("should compute the ids the way Solidity does (IERC165 is 0x01ffc9a7, IERC20 is 0x36372b07)", async function () {
      expect(await interfaceId("IERC165")).to.equal("0x01ffc9a7");
      expect(await interfaceId("IERC20")).to.equal("0x36372b07");
    });

    it("should not support a random id nor 0xffffffff", async function () {
      const { token } = await loadFixture(investorsFixture);
      expect(await token.supportsInterface(dataSlice(keccak256(toUtf8Bytes("random")), 0, 4))).to.equal(
        false,
      );
      expect(await token.supportsInterface("0xffffffff")).to.equal(false);
    });
  });

  describe("extension", function () {
    it("should be the deployed FundTokenAdmin", async function () {
      const { token } = await loadFixture(investorsFixture);
      expect(await token.extension()).to.equal((await hre.deployments.get("FundTokenAdmin")).address);
    });

    it("should implement every function of IFundToken in FundToken or FundTokenAdmin", async function () {
      const tokenAbi = new Interface((await hre.artifacts.readArtifact("FundToken")).abi);
      const adminAbi = new Interface((await hre.artifacts.readArtifact("FundTokenAdmin")).abi);
      const full = new Interface((await hre.artifacts.readArtifact(ARTIFACT.IFundToken)).abi);
      const missing: string[] = [];
      full.forEachFunction((f) => {
        if (!tokenAbi.getFunction(f.selector) && !adminAbi.getFunction(f.selector)) missing.push(f.format());
      });
      expect(missing).to.deep.equal([]);
    });

    it("should route every function of IFundToken through the proxy to an implementation", async function () {
      const { token, outsider, alice } = await loadFixture(investorsFixture);
      const decoders = [
        token.interface,
        new Interface((await hre.artifacts.readArtifact("FundToken")).abi),
        new Interface((await hre.artifacts.readArtifact("FundTokenAdmin")).abi),
        new Interface((await hre.artifacts.readArtifact("NavOracle")).abi),
        new Interface((await hre.artifacts.readArtifact("IFundCompliance")).abi),
      ];
      const iface = new Interface(token.interface.fragments);
      const functions: FunctionFragment[] = [];
      iface.forEachFunction((fn) => functions.push(fn));
      const fallThrough: string[] = [];
      for (const fn of functions) {
        const data = iface.encodeFunctionData(
          fn,
          fn.inputs.map((p) => sampleArg(p, alice.address)),
        );
        try {
          const out = await ethers.provider.call({ from: outsider.address, to: token.target, data });
          // A view answers with its ABI-encoded outputs.
          if (fn.outputs.length > 0) {
            expect(() => AbiCoder.defaultAbiCoder().decode(fn.outputs, out), fn.format()).not.to.throw();
          }
        } catch (error) {
          const revertData = (error as { data?: string }).data;
          // A function with no implementation falls through the extension and reverts without data; any
          // implemented function refuses this caller or these arguments with a named error.
          if (revertData === undefined || dataLength(revertData) < 4) {
            fallThrough.push(fn.format());
            continue;
          }
          const known = decoders.some((d) => d.parseError(revertData) !== null);
          expect(known, `${fn.format()} reverted with unknown data ${revertData}`).to.equal(true);
        }
      }
      expect(fallThrough).to.deep.equal([]);
      // Every function of the IFundToken artifact was called.
      expect(functions.length).to.equal((await selectorsOf("IFundToken")).size);
    });

    it("should revert on an unknown selector (no silent success)", async function () {
      const { token, outsider } = await loadFixture(investorsFixture);
      await expect(outsider.sendTransaction({ to: token.target, data: "0x12345678" })).to.be.reverted;
    });

    it("should keep FundTokenAdmin inert when called directly (no authority, no token state)", async function () {
      const { token, outsider, alice } = await loadFixture(investorsFixture);
      const admin = await ethers.getContractAt("FundTokenAdmin", await token.extension());
      await expect(admin.connect(outsider).setAddressFrozen(alice.address, true)).to.be.reverted;
      expect(await admin.onchainID()).to.equal(ethers.ZeroAddress);
    });
  });

  describe("storage", function () {
    it("should keep its state in the ERC-7201 namespace fundsuite.storage.FundToken", async function () {
      const { token, fund } = await loadFixture(investorsFixture);
      const inner = BigInt(keccak256(toUtf8Bytes("fundsuite.storage.FundToken"))) - 1n;
      const slot = BigInt(keccak256(AbiCoder.defaultAbiCoder().encode(["uint256"], [inner]))) & ~0xffn;
      // First word: the routing (registry address, paused flag); third word: totalShares.
      const routing = BigInt(await ethers.provider.getStorage(token.target, slot));
      expect(ethers.getAddress(ethers.toBeHex(routing & ((1n << 160n) - 1n), 20))).to.equal(
        await fund.contracts.registry.getAddress(),
      );
      expect(BigInt(await ethers.provider.getStorage(token.target, slot + 2n))).to.equal(
        await token.totalShares(),
      );
    });
  });
});
