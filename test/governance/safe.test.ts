import { expect } from "chai";
import { getSingletonFactoryInfo } from "@safe-global/safe-singleton-factory";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import hre, { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Contract, TypedDataEncoder, ZeroAddress, getCreate2Address, keccak256, toUtf8Bytes } from "ethers";
import {
  CallRevertedError,
  Operation,
  SAFE_DEPLOYMENT_NAMES,
  buildSafeTx,
  createSafe,
  deploySafeInfrastructure,
  deploySafeInfrastructureWithDeployments,
  encodeSignatures,
  execProposal,
  officialDeployment,
  SAFE_SINGLETON_FACTORY,
  TX_BUILDER_APP_VERSION,
  txBuilderChecksum,
  execSafeTransaction,
  predictSafeAddress,
  proposeSafeTransaction,
  readProposal,
  readSafeState,
  safeArtifacts,
  signSafeTx,
  verifySafeInfrastructure,
} from "../../lib/safe";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const deployedCode = (name: string): string => require(name).deployedBytecode;
const ARTIFACTS = "@safe-global/safe-contracts/build/artifacts/contracts";

const ROLE = 2n; // the role the Safe holds for ManagedTarget.setValue
const LIMIT = 100n;

async function expectRejection(promise: Promise<unknown>, message: RegExp): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect((error as Error).message).to.match(message);
    return error as Error;
  }
  expect.fail(`expected a rejection matching ${message}`);
}

describe("Safe library (lib/safe.ts)", function () {
  /** A fresh 2-of-3 Safe (salt `salt`: the official infrastructure is shared, so each fixture takes its own). */
  async function buildFixture(salt: bigint) {
    const [deployer, owner1, owner2, owner3, outsider, relayer] = await ethers.getSigners();
    const infra = await deploySafeInfrastructure(deployer);
    const owners = [owner1, owner2, owner3];
    const safeAddress = await createSafe(
      infra,
      owners.map((o) => o.address),
      2,
      salt,
      deployer,
    );
    const safe = new Contract(safeAddress, safeArtifacts.Safe.abi, ethers.provider);

    const manager = await ethers.deployContract("AccessManager", [deployer.address]);
    const target = await ethers.deployContract("ManagedTarget", [await manager.getAddress(), LIMIT]);
    await manager.setTargetFunctionRole(
      await target.getAddress(),
      [target.interface.getFunction("setValue").selector],
      ROLE,
    );
    await manager.grantRole(ROLE, safeAddress, 0);
    return {
      deployer,
      owner1,
      owner2,
      owner3,
      owners,
      outsider,
      relayer,
      infra,
      safe,
      safeAddress,
      target,
      salt,
    };
  }

  const deployFixture = () => buildFixture(0n);

  describe("deploySafeInfrastructure", function () {
    describe("when called with a deployer", function () {
      it("should deploy the unmodified Safe 1.4.1 singleton, proxy factory and fallback handler", async function () {
        const { infra } = await loadFixture(deployFixture);
        expect(infra.singletonKind).to.equal("Safe"); // the Hardhat network mirrors Ethereum L1
        expect(await ethers.provider.getCode(infra.singleton)).to.equal(
          deployedCode(`${ARTIFACTS}/Safe.sol/Safe.json`),
        );
        expect(await ethers.provider.getCode(infra.proxyFactory)).to.equal(
          deployedCode(`${ARTIFACTS}/proxies/SafeProxyFactory.sol/SafeProxyFactory.json`),
        );
        expect(await ethers.provider.getCode(infra.fallbackHandler)).to.equal(
          deployedCode(
            `${ARTIFACTS}/handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json`,
          ),
        );
        await verifySafeInfrastructure(infra, ethers.provider);
      });

      it("should put each contract at Safe's official 1.4.1 address (safe-deployments), through Safe's singleton factory", async function () {
        const { infra } = await loadFixture(deployFixture);
        // The addresses Safe{Wallet} and the Transaction Service recognise on every chain (safe-deployments).
        expect(infra).to.deep.include({
          singleton: "0x41675C099F32341bf84BFc5382aF534df5C7461a",
          proxyFactory: "0x4e1DCf7AD4e460CfD30791CCC4F9c8a4f820ec67",
          fallbackHandler: "0xfd0732Dc9E303f09fCEf3a7388Ad10A83459Ec99",
          multiSendCallOnly: "0x9641d764fc13c8B624c04430C7356C1C7C8102e2",
        });
        // CREATE2 of the published creation code by the singleton factory, salt 0.
        for (const [name, address] of [
          ["Safe", infra.singleton],
          ["SafeProxyFactory", infra.proxyFactory],
          ["CompatibilityFallbackHandler", infra.fallbackHandler],
        ] as const) {
          expect(
            getCreate2Address(
              SAFE_SINGLETON_FACTORY,
              ethers.ZeroHash,
              keccak256(safeArtifacts[name].bytecode),
            ),
          ).to.equal(address);
        }
        for (const name of ["Safe", "SafeProxyFactory", "CompatibilityFallbackHandler"] as const) {
          expect(officialDeployment(name, 1n).address).to.equal(officialDeployment(name, 31337n).address);
        }
        // On a Hardhat chain the factory's code is put in place (hardhat_setCode), not deployed by Safe's pre-signed
        // 100 gwei transaction, which would make the node price later transactions from it.
        const factoryDeployer = getSingletonFactoryInfo(31337)!.signerAddress;
        expect(await ethers.provider.getTransactionCount(factoryDeployer)).to.equal(0);
        expect(await ethers.provider.getCode(SAFE_SINGLETON_FACTORY)).to.not.equal("0x");
      });

      it("should send nothing when the contracts are already there", async function () {
        const { deployer, infra } = await loadFixture(deployFixture);
        const nonce = await ethers.provider.getTransactionCount(deployer.address);
        expect(await deploySafeInfrastructure(deployer)).to.deep.equal(infra);
        expect(await ethers.provider.getTransactionCount(deployer.address)).to.equal(nonce);
      });
    });

    describe("when SafeL2 is asked for", function () {
      it("should deploy SafeL2, whose executions emit SafeMultiSigTransaction for indexers", async function () {
        const { deployer, owners, target } = await loadFixture(deployFixture);
        const infra = await deploySafeInfrastructure(deployer, { singletonKind: "SafeL2" });
        expect(await ethers.provider.getCode(infra.singleton)).to.equal(
          deployedCode(`${ARTIFACTS}/SafeL2.sol/SafeL2.json`),
        );
        const safeAddress = await createSafe(
          infra,
          owners.map((o) => o.address),
          1,
          0n,
          deployer,
        );
        const l2Safe = new Contract(safeAddress, safeArtifacts.SafeL2.abi, ethers.provider);
        const { response } = await execSafeTransaction(
          safeAddress,
          { to: await target.getAddress(), data: target.interface.encodeFunctionData("limit") },
          [owners[0]],
        );
        await expect(response).to.emit(l2Safe, "SafeMultiSigTransaction");
      });
    });

    describe("when the infrastructure is not Safe 1.4.1", function () {
      it("should be rejected by verifySafeInfrastructure, naming the missing contract", async function () {
        const { infra, outsider } = await loadFixture(deployFixture);
        await expectRejection(
          verifySafeInfrastructure({ ...infra, proxyFactory: outsider.address }, ethers.provider),
          /no contract at proxyFactory/,
        );
      });
    });
  });

  describe("deploySafeInfrastructureWithDeployments", function () {
    const names = [
      "Safe",
      SAFE_DEPLOYMENT_NAMES.proxyFactory,
      SAFE_DEPLOYMENT_NAMES.fallbackHandler,
      "MultiSend",
      "MultiSendCallOnly",
      "SignMessageLib",
      "CreateCall",
      "SimulateTxAccessor",
    ];

    afterEach(async function () {
      // hardhat-deploy keeps Hardhat-network records in memory: leave none behind for other tests.
      for (const name of names) await hre.deployments.delete(name);
    });

    describe("when run twice", function () {
      it("should record the official contracts and send no transaction the second time", async function () {
        const { deployer } = await loadFixture(deployFixture);
        const chainId = (await ethers.provider.getNetwork()).chainId;
        const first = await deploySafeInfrastructureWithDeployments(hre.deployments, deployer, { chainId });
        const nonceAfterFirst = await ethers.provider.getTransactionCount(deployer.address);
        const second = await deploySafeInfrastructureWithDeployments(hre.deployments, deployer, { chainId });

        expect(second).to.deep.equal(first);
        expect(await ethers.provider.getTransactionCount(deployer.address)).to.equal(nonceAfterFirst);
        expect((await hre.deployments.get("Safe")).address).to.equal(first.singleton);
        expect((await hre.deployments.get("SafeProxyFactory")).address).to.equal(first.proxyFactory);
        expect((await hre.deployments.get("CompatibilityFallbackHandler")).address).to.equal(
          first.fallbackHandler,
        );
        expect((await hre.deployments.get("MultiSendCallOnly")).address).to.equal(first.multiSendCallOnly);
        await verifySafeInfrastructure(first, ethers.provider);
      });
    });
  });

  describe("createSafe", function () {
    describe("when the configuration is valid", function () {
      it("should create a Safe at its predicted address with the owners, threshold and fallback handler", async function () {
        const { infra, safe, safeAddress, owners } = await loadFixture(deployFixture);
        const ownerAddresses = owners.map((o) => o.address);
        expect(safeAddress).to.equal(await predictSafeAddress(infra, ownerAddresses, 2, 0n, ethers.provider));
        expect(await safe.getOwners()).to.deep.equal(ownerAddresses);
        expect(await safe.getThreshold()).to.equal(2n);
        expect(await safe.nonce()).to.equal(0n);
        const handlerSlot = keccak256(toUtf8Bytes("fallback_manager.handler.address"));
        expect(await ethers.provider.getStorage(safeAddress, handlerSlot)).to.equal(
          ethers.zeroPadValue(infra.fallbackHandler.toLowerCase(), 32),
        );
      });

      it("should emit ProxyCreation for the returned address", async function () {
        const { infra, owners, deployer } = await loadFixture(deployFixture);
        const factory = new Contract(infra.proxyFactory, safeArtifacts.SafeProxyFactory.abi, ethers.provider);
        const address = await createSafe(infra, [owners[0].address], 1, 7n, deployer);
        const events = await factory.queryFilter(factory.filters.ProxyCreation(address));
        expect(events).to.have.length(1);
      });

      it("should give another address for another saltNonce", async function () {
        const { infra, owners, deployer, safeAddress } = await loadFixture(deployFixture);
        const other = await createSafe(
          infra,
          owners.map((o) => o.address),
          2,
          1n,
          deployer,
        );
        expect(other).to.not.equal(safeAddress);
      });
    });

    describe("when the configuration is invalid", function () {
      const cases: [string, (a: string[]) => string[], number, RegExp][] = [
        ["the owner list is empty", () => [], 1, /owner list is empty/],
        ["an owner appears twice", (a) => [a[0], a[1], a[0].toLowerCase()], 2, /appears more than once/],
        ["an owner is the zero address", (a) => [a[0], ZeroAddress], 1, /owner #1 is the zero address/],
        ["an owner is not an address", (a) => [a[0], "0x1234"], 1, /owner #1 "0x1234" is not an address/],
        ["the threshold is 0", (a) => a, 0, /threshold must be an integer >= 1, got 0/],
        ["the threshold exceeds the owners", (a) => a, 4, /threshold 4 exceeds the number of owners \(3\)/],
      ];
      for (const [when, owners, threshold, message] of cases) {
        it(`should refuse before sending anything when ${when}`, async function () {
          const { infra, deployer, owners: signers } = await loadFixture(deployFixture);
          const nonce = await ethers.provider.getTransactionCount(deployer.address);
          await expectRejection(
            createSafe(infra, owners(signers.map((o) => o.address)), threshold, 5n, deployer),
            message,
          );
          expect(await ethers.provider.getTransactionCount(deployer.address)).to.equal(nonce);
        });
      }

      it("should refuse a Safe that already exists, naming its address", async function () {
        const { infra, deployer, owners, safeAddress } = await loadFixture(deployFixture);
        await expectRejection(
          createSafe(
            infra,
            owners.map((o) => o.address),
            2,
            0n,
            deployer,
          ),
          new RegExp(`already exists at ${safeAddress}`),
        );
      });
    });
  });

  describe("execSafeTransaction", function () {
    describe("when 2 of the 3 owners sign", function () {
      it("should execute the call as the Safe and emit ExecutionSuccess with the safeTxHash", async function () {
        const { safe, safeAddress, target, owner1, owner3 } = await loadFixture(deployFixture);
        const call = {
          to: await target.getAddress(),
          data: target.interface.encodeFunctionData("setValue", [7]),
        };
        const result = await execSafeTransaction(safeAddress, call, [owner3, owner1]); // not in address order
        await expect(result.response).to.emit(target, "ValueChanged").withArgs(0n, 7n);
        await expect(result.response).to.emit(safe, "ExecutionSuccess").withArgs(result.safeTxHash, 0n);
        expect(await safe.nonce()).to.equal(1n);
        expect(await target.value()).to.equal(7n);
      });

      it("should let a non-owner relayer send the transaction and pay its gas", async function () {
        const { safeAddress, target, owner1, owner2, relayer } = await loadFixture(deployFixture);
        const call = {
          to: await target.getAddress(),
          data: target.interface.encodeFunctionData("setValue", [9]),
        };
        const { response } = await execSafeTransaction(safeAddress, call, [owner1, owner2], {
          sender: relayer,
        });
        expect(response.from).to.equal(relayer.address);
        expect(await target.value()).to.equal(9n);
      });

      it("should use only the first threshold signers when more are given", async function () {
        const { safeAddress, target, owners } = await loadFixture(deployFixture);
        const call = {
          to: await target.getAddress(),
          data: target.interface.encodeFunctionData("setValue", [3]),
        };
        const { response } = await execSafeTransaction(safeAddress, call, owners);
        const tx = await ethers.provider.getTransaction(response.hash);
        const signatures = new Contract(ZeroAddress, safeArtifacts.Safe.abi).interface.decodeFunctionData(
          "execTransaction",
          tx!.data,
        ).signatures as string;
        expect(ethers.dataLength(signatures)).to.equal(2 * 65);
      });

      it("should send value from the Safe", async function () {
        const { safeAddress, owner1, owner2, outsider } = await loadFixture(deployFixture);
        await owner1.sendTransaction({ to: safeAddress, value: ethers.parseEther("1") });
        const { response } = await execSafeTransaction(
          safeAddress,
          { to: outsider.address, data: "0x", value: ethers.parseEther("0.4") },
          [owner1, owner2],
        );
        await expect(response).to.changeEtherBalances(
          [safeAddress, outsider],
          [-ethers.parseEther("0.4"), ethers.parseEther("0.4")],
        );
      });
    });

    describe("when only one owner signs", function () {
      it("should be reverted by the Safe with GS020", async function () {
        const { safe, safeAddress, target, owner1 } = await loadFixture(deployFixture);
        const state = await readSafeState(safeAddress, ethers.provider);
        const tx = buildSafeTx(
          { to: await target.getAddress(), data: target.interface.encodeFunctionData("setValue", [7]) },
          state.nonce,
        );
        const signatures = encodeSignatures(await signSafeTx(state.chainId, safeAddress, tx, [owner1]));
        await expect(
          (safe.connect(owner1) as Contract).execTransaction(
            tx.to,
            tx.value,
            tx.data,
            tx.operation,
            0,
            0,
            0,
            ZeroAddress,
            ZeroAddress,
            signatures,
          ),
        ).to.be.revertedWith("GS020");
      });

      it("should be refused by the library before sending", async function () {
        const { safe, safeAddress, target, owner1 } = await loadFixture(deployFixture);
        const call = {
          to: await target.getAddress(),
          data: target.interface.encodeFunctionData("setValue", [7]),
        };
        await expectRejection(
          execSafeTransaction(safeAddress, call, [owner1]),
          new RegExp(`Safe ${safeAddress} needs 2 owner signatures \\(its threshold\\); got 1`),
        );
        expect(await safe.nonce()).to.equal(0n);
      });
    });

    describe("when a signer is not an owner", function () {
      it("should be refused by the library before sending, naming the signer", async function () {
        const { safe, safeAddress, target, owner1, outsider } = await loadFixture(deployFixture);
        const call = {
          to: await target.getAddress(),
          data: target.interface.encodeFunctionData("setValue", [7]),
        };
        const before = await ethers.provider.getTransactionCount(owner1.address);
        await expectRejection(
          execSafeTransaction(safeAddress, call, [owner1, outsider]),
          new RegExp(`${outsider.address} is not an owner of Safe ${safeAddress}`),
        );
        expect(await ethers.provider.getTransactionCount(owner1.address)).to.equal(before);
        expect(await safe.nonce()).to.equal(0n);
      });
    });

    describe("when the same owner is given twice", function () {
      it("should be refused by the library", async function () {
        const { safeAddress, target, owner1 } = await loadFixture(deployFixture);
        const call = {
          to: await target.getAddress(),
          data: target.interface.encodeFunctionData("setValue", [7]),
        };
        await expectRejection(execSafeTransaction(safeAddress, call, [owner1, owner1]), /is given twice/);
      });
    });

    describe("when the inner call reverts", function () {
      it("should surface the target's custom error with its arguments instead of GS013", async function () {
        const { safe, safeAddress, target, owner1, owner2 } = await loadFixture(deployFixture);
        const call = {
          to: await target.getAddress(),
          data: target.interface.encodeFunctionData("setValue", [101]),
        };
        const error = (await expectRejection(
          execSafeTransaction(safeAddress, call, [owner1, owner2], { interfaces: [target.interface] }),
          /Inner call of Safe .* reverted: ValueAboveLimit\(101, 100\)/,
        )) as CallRevertedError;
        expect(error).to.be.instanceOf(CallRevertedError);
        expect(error.errorName).to.equal("ValueAboveLimit");
        expect(error.errorArgs?.toArray()).to.deep.equal([101n, 100n]);
        expect(error.revertData).to.equal(target.interface.encodeErrorResult("ValueAboveLimit", [101, 100]));
        expect(await safe.nonce()).to.equal(0n);
      });

      it("should still carry the raw revert data when no interface is given", async function () {
        const { safeAddress, target, owner1, owner2 } = await loadFixture(deployFixture);
        const call = {
          to: await target.getAddress(),
          data: target.interface.encodeFunctionData("setValue", [101]),
        };
        const error = (await expectRejection(
          execSafeTransaction(safeAddress, call, [owner1, owner2]),
          /reverted: unknown error, revert data 0x/,
        )) as CallRevertedError;
        expect(error.errorName).to.equal(undefined);
        expect(error.revertData).to.equal(target.interface.encodeErrorResult("ValueAboveLimit", [101, 100]));
      });

      it("should be what the Safe itself reports only as GS013", async function () {
        const { safe, safeAddress, target, owner1, owner2 } = await loadFixture(deployFixture);
        const state = await readSafeState(safeAddress, ethers.provider);
        const tx = buildSafeTx(
          { to: await target.getAddress(), data: target.interface.encodeFunctionData("setValue", [101]) },
          state.nonce,
        );
        const signatures = encodeSignatures(
          await signSafeTx(state.chainId, safeAddress, tx, [owner1, owner2]),
        );
        await expect(
          (safe.connect(owner1) as Contract).execTransaction(
            tx.to,
            0,
            tx.data,
            0,
            0,
            0,
            0,
            ZeroAddress,
            ZeroAddress,
            signatures,
          ),
        ).to.be.revertedWith("GS013");
      });
    });

    describe("when the address is not a Safe", function () {
      it("should be refused", async function () {
        const { owner1, owner2, outsider } = await loadFixture(deployFixture);
        await expectRejection(
          execSafeTransaction(outsider.address, { to: outsider.address, data: "0x" }, [owner1, owner2]),
          new RegExp(`No Safe at ${outsider.address}`),
        );
      });
    });
  });

  describe("proposeSafeTransaction", function () {
    let dir: string;
    beforeEach(function () {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "safe-proposal-"));
    });
    afterEach(function () {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    describe("when proposing at the current nonce", function () {
      it("should write the SafeTx whose safeTxHash equals the Safe's getTransactionHash", async function () {
        const { safe, safeAddress, target, owners } = await loadFixture(deployFixture);
        const data = target.interface.encodeFunctionData("setValue", [5]);
        const outFile = path.join(dir, "proposal.json");
        const hash = await proposeSafeTransaction(
          safeAddress,
          { to: await target.getAddress(), data },
          ethers.provider,
          {
            outFile,
          },
        );
        const p = readProposal(outFile);
        expect(p.safeTxHash).to.equal(hash);
        expect(p).to.include({
          safe: safeAddress,
          chainId: "31337",
          to: await target.getAddress(),
          value: "0",
          data,
          operation: Operation.Call,
          nonce: "0",
          threshold: 2,
        });
        expect(p.owners).to.deep.equal(owners.map((o) => o.address));
        expect(
          await safe.getTransactionHash(
            p.to,
            p.value,
            p.data,
            p.operation,
            0,
            0,
            0,
            ZeroAddress,
            ZeroAddress,
            p.nonce,
          ),
        ).to.equal(hash);
        const { EIP712Domain, ...types } = p.typedData.types;
        expect(EIP712Domain.map((f) => f.name)).to.deep.equal(["chainId", "verifyingContract"]);
        expect(TypedDataEncoder.hash(p.typedData.domain, types, p.typedData.message)).to.equal(hash);
        expect(await safe.domainSeparator()).to.equal(p.domainHash);
        expect(
          ethers.solidityPackedKeccak256(
            ["bytes2", "bytes32", "bytes32"],
            ["0x1901", p.domainHash, p.messageHash],
          ),
        ).to.equal(hash);
      });

      it("should be executable with signatures of the typed data collected offline", async function () {
        const { safeAddress, target, owner2, owner3, relayer } = await loadFixture(deployFixture);
        const outFile = path.join(dir, "proposal.json");
        const data = target.interface.encodeFunctionData("setValue", [5]);
        await proposeSafeTransaction(safeAddress, { to: await target.getAddress(), data }, ethers.provider, {
          outFile,
        });
        const p = readProposal(outFile);
        const { EIP712Domain: _domain, ...types } = p.typedData.types;
        const signatures = await Promise.all(
          [owner3, owner2].map((o) => o.signTypedData(p.typedData.domain, types, p.typedData.message)),
        );
        const { response } = await execProposal(p, signatures, relayer);
        await expect(response).to.emit(target, "ValueChanged").withArgs(0n, 5n);
      });

      it("should also write a Transaction Builder batch with the call", async function () {
        const { safeAddress, target } = await loadFixture(deployFixture);
        const data = target.interface.encodeFunctionData("setValue", [5]);
        const txBuilderFile = path.join(dir, "tx-builder.json");
        await proposeSafeTransaction(safeAddress, { to: await target.getAddress(), data }, ethers.provider, {
          outFile: path.join(dir, "proposal.json"),
          txBuilderFile,
        });
        const batch = JSON.parse(fs.readFileSync(txBuilderFile, "utf8"));
        expect(batch).to.include({ version: "1.0", chainId: "31337" });
        expect(batch.meta.createdFromSafeAddress).to.equal(safeAddress);
        expect(batch.meta.txBuilderVersion).to.equal(TX_BUILDER_APP_VERSION);
        expect(batch.transactions).to.deep.equal([
          {
            to: await target.getAddress(),
            value: "0",
            data,
            contractMethod: null,
            contractInputsValues: null,
          },
        ]);
        // The app's checksum: keccak256 of its canonical text of the batch with meta.name null.
        expect(batch.meta.checksum).to.equal(txBuilderChecksum(batch));
        expect(batch.meta.checksum).to.match(/^0x[0-9a-f]{64}$/);
        expect(txBuilderChecksum({ ...batch, meta: { ...batch.meta, name: "renamed" } })).to.equal(
          batch.meta.checksum,
        );
        expect(
          txBuilderChecksum({ ...batch, transactions: [{ ...batch.transactions[0], value: "1" }] }),
        ).to.not.equal(batch.meta.checksum);
      });
    });

    describe("when the proposal cannot be executed as written", function () {
      async function proposalFixture() {
        const f = await buildFixture(1000n);
        const data = f.target.interface.encodeFunctionData("setValue", [5]);
        const call = { to: await f.target.getAddress(), data };
        return { ...f, call };
      }

      it("should refuse a proposal queued after the next nonce", async function () {
        const { safeAddress, call, owner1, owner2 } = await loadFixture(proposalFixture);
        const outFile = path.join(dir, "p.json");
        await proposeSafeTransaction(safeAddress, call, ethers.provider, { outFile, nonce: 1n });
        const p = readProposal(outFile);
        const { EIP712Domain: _domain, ...types } = p.typedData.types;
        const sigs = await Promise.all(
          [owner1, owner2].map((o) => o.signTypedData(p.typedData.domain, types, p.typedData.message)),
        );
        await expectRejection(
          execProposal(p, sigs, owner1),
          /Proposal nonce 1 is not the Safe's next nonce 0/,
        );
      });

      it("should refuse a proposal whose fields were altered after hashing", async function () {
        const { safeAddress, call, target, owner1, owner2 } = await loadFixture(proposalFixture);
        const outFile = path.join(dir, "p.json");
        await proposeSafeTransaction(safeAddress, call, ethers.provider, { outFile });
        const p = readProposal(outFile);
        const { EIP712Domain: _domain, ...types } = p.typedData.types;
        const sigs = await Promise.all(
          [owner1, owner2].map((o) => o.signTypedData(p.typedData.domain, types, p.typedData.message)),
        );
        const tampered = { ...p, data: target.interface.encodeFunctionData("setValue", [99]) };
        await expectRejection(execProposal(tampered, sigs, owner1), /not to its recorded safeTxHash/);
      });

      it("should refuse signatures of a non-owner", async function () {
        const { safeAddress, call, owner1, outsider } = await loadFixture(proposalFixture);
        const outFile = path.join(dir, "p.json");
        await proposeSafeTransaction(safeAddress, call, ethers.provider, { outFile });
        const p = readProposal(outFile);
        const { EIP712Domain: _domain, ...types } = p.typedData.types;
        const sigs = await Promise.all(
          [owner1, outsider].map((o) => o.signTypedData(p.typedData.domain, types, p.typedData.message)),
        );
        await expectRejection(
          execProposal(p, sigs, owner1),
          new RegExp(`${outsider.address} is not an owner`),
        );
      });

      it("should refuse a nonce the Safe has already used", async function () {
        const { safeAddress, call, owner1, owner2 } = await loadFixture(proposalFixture);
        await execSafeTransaction(safeAddress, call, [owner1, owner2]);
        await expectRejection(
          proposeSafeTransaction(safeAddress, call, ethers.provider, {
            outFile: path.join(dir, "p.json"),
            nonce: 0n,
          }),
          /Nonce 0 was already used/,
        );
      });
    });
  });
});
