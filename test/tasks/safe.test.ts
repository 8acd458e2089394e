import * as fs from "fs";
import * as path from "path";
import hre from "hardhat";
import { expect } from "chai";
import Ajv from "ajv";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployFundFixture, registerInvestor, mint, ONE } from "../helpers/fund";
import { proposalTx, readProposal, readSafeState, safeTxHash, type SafeProposal } from "../../lib/safe";
import type { PerformResult } from "../../scripts/tasks/execute";
import type { ExecutedProposal, PendingSafe, SignResult } from "../../scripts/tasks/safe";
import type { ScheduledOperation } from "../../scripts/tasks/governance";
import { captureOutput, expectNothingSent, expectRefused, tmpDir } from "./helpers";

/** Alice holds 1,000 tokens; Bob is registered; `base` is the transfer agent Safe's next nonce. */
async function queueFixture() {
  const f = await loadFixture(deployFundFixture);
  const [alice, bob] = [f.investors[0].address, f.investors[1].address];
  await registerInvestor(f.fund, alice);
  await registerInvestor(f.fund, bob);
  await mint(f.fund, alice, 1000n * ONE);
  const signers = await hre.ethers.getSigners();
  /** The transfer agent Safe's next nonce (the mint above used one). */
  const base = (await readSafeState(f.fund.as("transferAgent").address, hre.ethers.provider)).nonce;
  return { ...f, alice, bob, signers, base };
}

function proposedFile(result: PerformResult, i = 0): { file: string; nonce: bigint } {
  const o = result.outcomes[i];
  if (o.status !== "proposed") throw new Error(`not proposed: ${o.status}`);
  return { file: o.file, nonce: o.nonce };
}

/** The Safe Transaction Service's request body held in a proposal (as `api-kit` sends it). */
function serviceBody(p: SafeProposal) {
  return {
    to: p.to,
    value: p.value,
    data: p.data,
    operation: p.operation,
    safeTxGas: p.safeTxGas,
    baseGas: p.baseGas,
    gasPrice: p.gasPrice,
    gasToken: p.gasToken,
    refundReceiver: p.refundReceiver,
    nonce: Number(p.nonce),
    contractTransactionHash: p.contractTransactionHash,
    sender: p.sender,
    signature: p.signature,
    origin: p.origin,
  };
}

describe("tasks: Safe proposals (safe:*) and scheduled operations (governance:*)", function () {
  let output: ReturnType<typeof captureOutput>;
  let dir: string;
  beforeEach(() => {
    output = captureOutput();
    dir = tmpDir();
  });
  afterEach(() => {
    output.restore();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("regression: issue 21 finding 1 (offline proposals reused a nonce and overwrote each other's file)", function () {
    it("should give proposals of one Safe from separate runs consecutive nonces and distinct files", async function () {
      const { alice, bob, base } = await loadFixture(queueFixture);
      const a = await expectNothingSent<PerformResult>("token:freeze", {
        wallet: bob,
        offline: true,
        proposalsDir: dir,
      });
      const b = await expectNothingSent<PerformResult>("token:mint", {
        wallet: alice,
        amount: "5",
        offline: true,
        proposalsDir: dir,
      });
      const c = await expectNothingSent<PerformResult>("token:mint", {
        wallet: alice,
        amount: "5",
        offline: true,
        proposalsDir: dir,
      });
      expect([a, b, c].map((r) => proposedFile(r).nonce)).to.deep.equal([base, base + 1n, base + 2n]);
      expect(new Set([a, b, c].map((r) => proposedFile(r).file)).size).to.equal(3);
      for (const r of [a, b, c]) expect(readProposal(proposedFile(r).file).signatures).to.deep.equal([]);
    });

    it("should replace the proposal pending at --nonce, marking it superseded", async function () {
      const { alice, base } = await loadFixture(queueFixture);
      const first = proposedFile(
        await hre.run("token:mint", { wallet: alice, amount: "5", offline: true, proposalsDir: dir }),
      );
      const second = proposedFile(
        await hre.run("token:mint", {
          wallet: alice,
          amount: "6",
          offline: true,
          nonce: base.toString(),
          proposalsDir: dir,
        }),
      );
      expect(second.nonce).to.equal(base);
      expect(readProposal(first.file).supersededBy).to.equal(readProposal(second.file).safeTxHash);
      expect(output.lines).to.include(`    replaces ${first.file} (marked superseded)`);
    });

    it("should refuse a --nonce already used, one leaving a gap, and --nonce without --offline, writing nothing", async function () {
      const { fund, alice, base } = await loadFixture(queueFixture);
      const args = { wallet: alice, amount: "5", proposalsDir: dir };
      await expectRefused(
        "token:mint",
        { ...args, offline: true, nonce: (base + 1n).toString() },
        `--nonce: nonce ${base + 1n} would leave a gap the Safe cannot pass (the next free nonce is ${base}): ` +
          "nothing was written",
      );
      await expectRefused(
        "token:mint",
        { ...args, nonce: base.toString() },
        "--nonce places a proposal in the queue for owners who sign elsewhere: add --offline (the owners' keys are " +
          "local here, so the task would otherwise execute at once)",
      );
      await hre.run("token:mint", { wallet: alice, amount: "1" }); // the transfer agent's Safe uses nonce `base`
      await expectRefused(
        "token:mint",
        { ...args, offline: true, nonce: base.toString() },
        `--nonce: nonce ${base} was already used by the transferAgent Safe ${fund.as("transferAgent").address} ` +
          `(its next nonce is ${base + 1n}): nothing was written`,
      );
      expect(fs.existsSync(path.join(dir, "hardhat"))).to.equal(false);
    });
  });

  describe("regression: issue 21 finding 2 (no task sent a signed proposal, listed the queue or cancelled as guardian)", function () {
    it("should sign with an owner's account or a signature made elsewhere, list, and execute in nonce order", async function () {
      const { fund, alice, bob, signers, base } = await loadFixture(queueFixture);
      const freeze = proposedFile(
        await hre.run("token:freeze", { wallet: bob, offline: true, proposalsDir: dir }),
      );
      const mintFive = proposedFile(
        await hre.run("token:mint", { wallet: alice, amount: "5", offline: true, proposalsDir: dir }),
      );
      const [owner1, owner2] = [signers[11], signers[12]];
      const first: SignResult[] = await hre.run("safe:sign", {
        file: `${freeze.file},${mintFive.file}`,
        owner: owner1.address,
      });
      expect(first.map((r) => [r.owner, r.added, r.signatures])).to.deep.equal([
        [owner1.address, true, 1],
        [owner1.address, true, 1],
      ]);
      // The second owner signed the freeze on a hardware wallet: its signature is given.
      const p = readProposal(freeze.file);
      const { EIP712Domain: _d, ...types } = p.typedData.types;
      const signature = await owner2.signTypedData(p.typedData.domain, types, p.typedData.message);
      await hre.run("safe:sign", { file: freeze.file, signature });
      expect(readProposal(freeze.file)).to.include({ sender: owner1.address });
      expect(readProposal(freeze.file).signatures.map((s) => s.owner)).to.deep.equal([
        owner1.address,
        owner2.address,
      ]);

      const pending: PendingSafe[] = await expectNothingSent("safe:pending", {
        safe: "transferAgent",
        proposalsDir: dir,
      });
      expect(pending[0].rows.map((r) => [r.nonce, r.signatures.length, r.ready])).to.deep.equal([
        [base, 2, true],
        [base + 1n, 1, false],
      ]);

      const executed: ExecutedProposal[] = await hre.run("safe:execute", {
        safe: "transferAgent",
        proposalsDir: dir,
      });
      expect(executed.map((e) => e.nonce)).to.deep.equal([base]);
      expect(await fund.contracts.token.isFrozen(bob)).to.equal(true);
      expect(output.lines).to.include(
        `transferAgent Safe ${fund.as("transferAgent").address}: nonce ${base + 1n} ${mintFive.file} has 1 of 2 signatures ` +
          `(signed: ${owner1.address}; not yet: ${signers[12].address}, ${signers[13].address}): not sent`,
      );
      await hre.run("safe:sign", { file: mintFive.file, owner: signers[13].address });
      await hre.run("safe:execute", { safe: "transferAgent", proposalsDir: dir });
      expect(await fund.contracts.token.balanceOf(alice)).to.equal(1005n * ONE);
    });

    it("should refuse a signature of a non-owner and a proposal whose fields were altered, adding nothing", async function () {
      const { bob, signers } = await loadFixture(queueFixture);
      const { file } = proposedFile(
        await hre.run("token:freeze", { wallet: bob, offline: true, proposalsDir: dir }),
      );
      const p = readProposal(file);
      const { EIP712Domain: _d, ...types } = p.typedData.types;
      const outsider = signers[30];
      const signature = await outsider.signTypedData(p.typedData.domain, types, p.typedData.message);
      await expectRefused(
        "safe:sign",
        { file, signature },
        `--signature: the signature recovers to ${outsider.address}, not an owner of Safe ${p.safe} (owners: ` +
          `${p.owners.join(", ")}): nothing was added`,
      );
      fs.writeFileSync(file, JSON.stringify({ ...p, value: "1" }));
      await expectRefused(
        "safe:sign",
        { file, owner: signers[11].address },
        `--file: ${file}: Proposal fields hash to ${safeTxHashOf({ ...p, value: "1" })}, not to its recorded ` +
          `safeTxHash ${p.safeTxHash}: nothing was signed`,
      );
    });

    it("should write the rejection of a nonce, which replaces what is pending there and uses the nonce up", async function () {
      const { fund, bob, signers, base } = await loadFixture(queueFixture);
      const freeze = proposedFile(
        await hre.run("token:freeze", { wallet: bob, offline: true, proposalsDir: dir }),
      );
      const rejection = await hre.run("safe:reject", {
        safe: "transferAgent",
        nonce: base.toString(),
        proposalsDir: dir,
      });
      expect(rejection.replaced).to.deep.equal([freeze.file]);
      const p = readProposal(rejection.file);
      expect(p).to.include({
        to: fund.as("transferAgent").address,
        value: "0",
        data: "0x",
        action: "rejection",
      });
      await hre.run("safe:sign", { file: rejection.file, owner: signers[11].address });
      await hre.run("safe:sign", { file: rejection.file, owner: signers[12].address });
      await hre.run("safe:execute", { safe: "transferAgent", proposalsDir: dir });
      expect(await fund.contracts.token.isFrozen(bob)).to.equal(false);
      const pending: PendingSafe[] = await hre.run("safe:pending", {
        safe: "transferAgent",
        proposalsDir: dir,
        all: true,
      });
      expect(pending[0].nonce).to.equal(base + 1n);
      expect(pending[0].rows.map((r) => r.status)).to.deep.equal(["nonce used", "nonce used"]);
    });

    it("should list a scheduled unpause and let the guardian cancel it", async function () {
      const { fund } = await loadFixture(queueFixture);
      await hre.run("token:pause", {});
      await hre.run("token:unpause", {});
      const listed: ScheduledOperation[] = await expectNothingSent("governance:scheduled", {});
      expect(listed.map((o) => [o.call, o.callerLabel])).to.deep.equal([
        ["FundToken.unpause()", "issuer Safe"],
      ]);
      const id = listed[0].operationId;
      const result: PerformResult = await hre.run("governance:cancel", { operation: id });
      expect(result.role).to.equal("GUARDIAN");
      expect(output.text()).to.contain("AccessManager.OperationCanceled(operationId=" + id);
      expect(await expectNothingSent<ScheduledOperation[]>("governance:scheduled", {})).to.deep.equal([]);
      await expectRefused(
        "governance:cancel",
        { operation: id },
        `--operation: ${id} is not waiting on the AccessManager (never scheduled, executed, cancelled or expired; ` +
          "governance:scheduled lists those that are): nothing was sent",
      );
      expect(await fund.contracts.token.paused()).to.equal(true);
    });
  });

  describe("regression: issue 21 finding 3 (the proposal was not what the Safe Transaction Service accepts)", function () {
    it("should hold the service's request body, which passes the service's request schema once an owner signed", async function () {
      const { bob, signers } = await loadFixture(queueFixture);
      const { file } = proposedFile(
        await hre.run("token:freeze", { wallet: bob, offline: true, proposalsDir: dir }),
      );
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const schema = require("../../test-integration/helpers/safe-tx-service-requests.schema.json");
      const ajv = new Ajv({ allErrors: true });
      ajv.addSchema(schema, "service");
      const validate = ajv.getSchema("service#/definitions/proposeTransaction")!;
      expect(validate(serviceBody(readProposal(file)))).to.equal(false); // no sender before an owner signs
      await hre.run("safe:sign", { file, owner: signers[12].address });
      const p = readProposal(file);
      expect(validate(serviceBody(p)), JSON.stringify(validate.errors)).to.equal(true);
      expect(p).to.include({ sender: signers[12].address, contractTransactionHash: p.safeTxHash });
      expect(
        validate({ ...serviceBody(p), contractTransactionHash: undefined, safeTxHash: p.safeTxHash }),
      ).to.equal(false);
    });
  });

  describe("regression: issue 21 finding 7 (sanctioning a sanctioned wallet sent a second Safe transaction)", function () {
    it("should send nothing when every wallet is already in the wanted state, and leave out those that are", async function () {
      const { fund, alice, bob } = await loadFixture(queueFixture);
      await hre.run("compliance:sanction", { wallets: alice });
      const nothing = await expectNothingSent("compliance:sanction", { wallets: alice });
      expect(nothing).to.equal(undefined);
      expect(output.lines).to.include(
        "Nothing to change: every wallet is already sanctioned; nothing was sent.",
      );
      const result: PerformResult = await hre.run("compliance:sanction", { wallets: `${alice},${bob}` });
      expect(result.outcomes[0].step.args).to.deep.equal([[bob], true]);
      expect(await fund.contracts.compliance.isSanctioned(bob)).to.equal(true);
    });
  });

  describe("regression: issue 21 finding 9 (proposals/ was not ignored by git)", function () {
    it("should list proposals/ in .gitignore", function () {
      const lines = fs.readFileSync(path.join(__dirname, "..", "..", ".gitignore"), "utf8").split("\n");
      expect(lines).to.include("proposals/");
    });
  });
});

function safeTxHashOf(p: SafeProposal): string {
  return safeTxHash(BigInt(p.chainId), p.safe, proposalTx(p));
}
