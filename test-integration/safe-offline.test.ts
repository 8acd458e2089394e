/**
 * Issue 21, tested as it runs: a `hardhat node` child process on a free loopback port, the fund deployed on it, the
 * tasks run as separate processes, the Safe owners signing proposal files in their own processes with their own keys,
 * and a Transaction Service stand-in (its own process) that checks every request against the service's request
 * schema. docs/OPERATIONS.md ("Offline signing", "After a node restart") walks the same steps.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { Contract, HDNodeWallet, JsonRpcProvider, TypedDataEncoder, getAddress } from "ethers";
import {
  Running,
  freePort,
  hardhat,
  startHardhatNode,
  startTxService,
  type Run,
} from "./helpers/issue21-processes";

const MNEMONIC = "test test test test test test test test test test test junk";
/** Private key of Hardhat's default account `i` (what each owner keeps on its own machine). */
const keyOf = (i: number) => HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`).privateKey;
const addressOf = (i: number) => HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`).address;

const ALICE = addressOf(30);
const BOB = addressOf(31);
const ONE = 10n ** 18n;

/** The file and nonce a proposing task printed. */
function proposed(run: Run): { file: string; nonce: bigint; safeTxHash: string }[] {
  const out: { file: string; nonce: bigint; safeTxHash: string }[] = [];
  const re = /Safe transaction nonce (\d+), safeTxHash (0x[0-9a-f]{64})\n\s+written to (\S+) \(/g;
  for (const m of run.stdout.matchAll(re)) out.push({ nonce: BigInt(m[1]), safeTxHash: m[2], file: m[3] });
  return out;
}

function ok(run: Run): Run {
  expect(run.code, run.text).to.equal(0);
  return run;
}

/** A refused task: non-zero exit, its message, and no stack trace (no `--verbose`). */
function refused(run: Run, message: string): void {
  expect(run.code, run.text).to.not.equal(0);
  expect(run.text).to.include(message);
  expect(run.text).to.not.match(/^\s+at .+\(.+:\d+:\d+\)$/m);
}

describe("issue 21: running a fund on a node, Safe owners signing elsewhere (integration)", function () {
  this.timeout(30 * 60_000);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "issue21-"));
  const proposalsDir = path.join(tmp, "proposals");
  let node: Running;
  let service: Running;
  let env: Record<string, string>;
  let provider: JsonRpcProvider;

  /** `npx hardhat <task> --network localhost --proposals-dir …` where the task writes proposals. */
  const task = (args: string[], extra: Record<string, string> = {}) =>
    hardhat([...args, "--network", "localhost"], { ...env, ...extra });
  const withDir = (args: string[]) => [...args, "--proposals-dir", proposalsDir];
  /** An owner signs files in its own process, with its own key in its environment. */
  const sign = (owner: number, files: string[]) =>
    task(["safe:sign", "--file", files.join(",")], { SAFE_OWNER_PRIVATE_KEY: keyOf(owner) });
  const record = (name: string) =>
    JSON.parse(fs.readFileSync(path.join(tmp, "deployments", "localhost", `${name}.json`), "utf8"));
  const token = () => new Contract(record("FundToken").address, record("FundToken").abi, provider);
  const safeNonce = async (role: string) =>
    (await new Contract(
      record(`RoleHolder.${role}`).address,
      ["function nonce() view returns (uint256)"],
      provider,
    ).nonce()) as bigint;
  const requests = async () =>
    (await (await fetch(`${service.url.replace(/\/api$/, "")}/__requests`)).json()) as {
      method: string;
      url: string;
      status: number;
    }[];

  before(async function () {
    const port = await freePort();
    [node, service] = await Promise.all([startHardhatNode(port), startTxService()]);
    env = {
      LOCALHOST_RPC_URL: node.url,
      DEPLOYMENTS_DIR: path.join(tmp, "deployments"),
      LOCALHOST_SAFE_TX_SERVICE_URL: service.url,
      DEPLOY_QUIET: "true",
    };
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
  });

  after(async function () {
    provider?.destroy();
    await node?.stop();
    await service?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("should deploy the fund, its role holders being Safes on Safe's official 1.4.1 contracts", async function () {
    ok(await hardhat(["deploy", "--network", "localhost"], env));
    expect(record("Safe").address).to.equal("0x41675C099F32341bf84BFc5382aF534df5C7461a");
    expect(record("SafeProxyFactory").address).to.equal("0x4e1DCf7AD4e460CfD30791CCC4F9c8a4f820ec67");
    const agent = new Contract(
      record("RoleHolder.transferAgent").address,
      ["function getOwners() view returns (address[])", "function VERSION() view returns (string)"],
      provider,
    );
    expect(await agent.getOwners()).to.deep.equal([11, 12, 13].map(addressOf));
    expect(await agent.VERSION()).to.equal("1.4.1");
  });

  it("regression: issue 21 finding 6 - should refuse a country ISO 3166-1 does not assign, and an embargoed one, naming the rule", async function () {
    const base = ["investor:add", "--wallet", ALICE, "--classes", "accredited", "--kyc-expiry", "2099-01-01"];
    refused(
      await task([...base, "--country", "999"]),
      '--country: "999" is not an ISO 3166-1 numeric country code (e.g. 840 United States',
    );
    refused(
      await task([...base, "--country", "408"]),
      "country rule: 408 (North Korea) is on the deny-list (embargoed); a mint or transfer to this investor would " +
        "be refused with RECIPIENT_COUNTRY_RESTRICTED: nothing was sent (--force to register the investor anyway)",
    );
    ok(await task([...base, "--country", "840"]));
    ok(
      await task([
        "investor:add",
        "--wallet",
        BOB,
        "--country",
        "826",
        "--classes",
        "institutional",
        "--kyc-expiry",
        "2099-01-01",
      ]),
    );
  });

  let first: bigint;
  let mint1000: string;
  let freezeBob: string;
  let mint5: string;
  let mint7: string;
  let rejection: string;

  it("regression: issue 21 finding 1 - should give proposals pending for one Safe consecutive nonces and distinct files", async function () {
    first = await safeNonce("transferAgent");
    const a = proposed(
      ok(await task(withDir(["token:mint", "--wallet", ALICE, "--amount", "1000", "--offline"]))),
    );
    const b = proposed(ok(await task(withDir(["token:freeze", "--wallet", BOB, "--offline"]))));
    const c = proposed(
      ok(await task(withDir(["token:mint", "--wallet", ALICE, "--amount", "5", "--offline"]))),
    );
    expect([a, b, c].map((p) => p[0].nonce)).to.deep.equal([first, first + 1n, first + 2n]);
    [mint1000, freezeBob, mint5] = [a[0].file, b[0].file, c[0].file];
    expect(new Set([mint1000, freezeBob, mint5]).size).to.equal(3);
    for (const f of [mint1000, freezeBob, mint5]) {
      expect(fs.existsSync(f)).to.equal(true);
      expect(fs.existsSync(f.replace(/\.json$/, ".tx-builder.json"))).to.equal(true);
    }
    // What the Transaction Service accepts, beside what a wallet signs.
    const p = JSON.parse(fs.readFileSync(mint1000, "utf8"));
    expect(p.contractTransactionHash).to.equal(a[0].safeTxHash);
    expect(p).to.include({ sender: null, signature: null, nonce: String(first) });
  });

  it("should replace a pending proposal with --nonce, and write the rejection of another nonce", async function () {
    const replaced = ok(
      await task(
        withDir([
          "token:mint",
          "--wallet",
          ALICE,
          "--amount",
          "7",
          "--offline",
          "--nonce",
          String(first + 2n),
        ]),
      ),
    );
    mint7 = proposed(replaced)[0].file;
    expect(proposed(replaced)[0].nonce).to.equal(first + 2n);
    expect(replaced.stdout).to.include(`replaces ${mint5} (marked superseded)`);
    const rejected = ok(
      await task(withDir(["safe:reject", "--safe", "transferAgent", "--nonce", String(first + 1n)])),
    );
    rejection = rejected.stdout.match(/written to (\S+) \(/)![1];
    expect(rejected.stdout).to.include(`replaces ${freezeBob} (marked superseded)`);
    expect(JSON.parse(fs.readFileSync(freezeBob, "utf8")).supersededBy).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("should take two owners' signatures from their own processes and keys, through the Transaction Service", async function () {
    const byA = ok(await sign(11, [mint1000, rejection, mint7]));
    expect(byA.stdout.match(/Transaction Service .*: proposed/g)).to.have.length(3);
    const byB = ok(await sign(12, [mint1000, rejection]));
    expect(byB.stdout.match(/Transaction Service .*: confirmed/g)).to.have.length(2);
    expect(byB.stdout).to.include("2 of 2 signatures - ready");
    // The second owner of the last one confirms in Safe{Wallet}: straight to the service, not in the file.
    const p = JSON.parse(fs.readFileSync(mint7, "utf8"));
    const { EIP712Domain: _d, ...types } = p.typedData.types;
    const signature = await HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/13`).signTypedData(
      p.typedData.domain,
      types,
      p.typedData.message,
    );
    expect(TypedDataEncoder.hash(p.typedData.domain, types, p.typedData.message)).to.equal(p.safeTxHash);
    const r = await fetch(`${service.url}/v1/multisig-transactions/${p.safeTxHash}/confirmations/`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ signature }),
    });
    expect(r.status).to.equal(201);
    // A request the service's schema refuses is answered 400 (the stand-in checks every request).
    const bad = await fetch(`${service.url}/v2/safes/${p.safe}/multisig-transactions/`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...p, safeTxHash: p.safeTxHash }),
    });
    expect(bad.status).to.equal(400);
    const log = await requests();
    expect(log.filter((q) => q.method === "POST" && q.status !== 201)).to.have.length(1);
    expect(
      log.filter((q) => q.method === "POST" && q.url.includes("/v2/safes/") && q.status === 201),
    ).to.have.length(3);
  });

  it("should list what waits for the transfer agent's Safe, signatures read back from the service", async function () {
    const out = ok(await task(withDir(["safe:pending", "--safe", "transferAgent"]))).stdout;
    expect(out).to.include(`next nonce ${first}: 3 pending`);
    expect(out).to.match(
      new RegExp(`nonce ${first}  mint 1000 tokens to ${ALICE}  \\[2/2 signatures, READY\\]`),
    );
    expect(out).to.match(
      new RegExp(`nonce ${first + 1n}  reject nonce ${first + 1n} .*\\[2/2 signatures, READY\\]`),
    );
    expect(out).to.match(
      new RegExp(`nonce ${first + 2n}  mint 7 tokens to ${ALICE}  \\[2/2 signatures, READY\\]`),
    );
    expect(out.match(/\[SUPERSEDED\]/g)).to.have.length(2);
  });

  it("should execute the signed proposals in nonce order, the rejected nonce doing nothing", async function () {
    const out = ok(await task(withDir(["safe:execute", "--safe", "transferAgent"]))).stdout;
    const order = [...out.matchAll(/transferAgent Safe nonce (\d+): .*: executed/g)].map((m) => BigInt(m[1]));
    expect(order).to.deep.equal([first, first + 1n, first + 2n]);
    expect(await token().balanceOf(ALICE)).to.equal(1007n * ONE);
    expect(await token().isFrozen(BOB)).to.equal(false);
    expect(await safeNonce("transferAgent")).to.equal(first + 3n);
    expect(ok(await task(withDir(["safe:pending", "--safe", "transferAgent"]))).stdout).to.include(
      "0 pending",
    );
  });

  it("regression: issue 21 finding 1 - the daily NAV routine offline: reserves then NAV, two nonces, two files", async function () {
    await provider.send("evm_increaseTime", [86_400 + 2 * 3600]); // a day on, past the publishers' minimum interval
    await provider.send("evm_mine", []);
    const reserves = proposed(
      ok(await task(withDir(["nav:publish-reserves", "--reserves", "20000000", "--offline"]))),
    );
    const nav = proposed(ok(await task(withDir(["nav:publish", "--nav", "1.0001", "--offline"]))));
    expect(nav[0].nonce).to.equal(reserves[0].nonce + 1n);
    expect(nav[0].file).to.not.equal(reserves[0].file);
    ok(await sign(20, [reserves[0].file, nav[0].file]));
    ok(await sign(22, [reserves[0].file, nav[0].file]));
    const out = ok(await task(withDir(["safe:execute", "--safe", "navPublisher"]))).stdout;
    expect(out.match(/: executed/g)).to.have.length(2);
    ok(await task(["nav:accrue"]));
  });

  it("should let the guardian cancel a scheduled unpause, each Safe's owners signing elsewhere", async function () {
    ok(await task(["token:pause"])); // the guardian's owners' keys are on this node: executed at once
    const unpause = proposed(ok(await task(withDir(["token:unpause", "--offline"]))));
    ok(await sign(6, [unpause[0].file]));
    ok(await sign(7, [unpause[0].file]));
    expect(ok(await task(withDir(["safe:execute", "--safe", "issuer"]))).stdout).to.include(
      "OperationScheduled",
    );
    const listed = ok(await task(["governance:scheduled"])).stdout;
    expect(listed).to.include("1 operation(s) scheduled");
    expect(listed).to.include("FundToken.unpause(), scheduled by the issuer Safe");
    const operation = listed.match(/^\s+(0x[0-9a-f]{64})$/m)![1];
    const cancel = proposed(
      ok(await task(withDir(["governance:cancel", "--operation", operation, "--offline"]))),
    );
    ok(await sign(17, [cancel[0].file]));
    ok(await sign(19, [cancel[0].file]));
    expect(ok(await task(withDir(["safe:execute", "--safe", "guardian"]))).stdout).to.include(
      "OperationCanceled",
    );
    expect(ok(await task(["governance:scheduled"])).stdout).to.include("0 operation(s) scheduled");
    expect(await token().paused()).to.equal(true);
    await provider.send("evm_increaseTime", [3 * 86_400]);
    await provider.send("evm_mine", []);
    refused(await task(["token:unpause", "--execute"]), "is not scheduled by the issuer Safe");
  });

  it("regression: issue 21 finding 8 - after a node restart, the message names the recovery that works, and it does", async function () {
    await node.stop();
    node = await startHardhatNode(await freePort());
    env.LOCALHOST_RPC_URL = node.url;
    provider.destroy();
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
    refused(
      await task(["roles:show"]),
      "(was the node restarted?): deploy the fund again with npx hardhat deploy --network localhost --reset, and " +
        "move the proposals written for the old chain out of proposals/localhost/",
    );
    ok(await hardhat(["deploy", "--network", "localhost", "--reset"], env));
    // Left where they are, the old chain's proposals are never taken for this chain's.
    const all = ok(await task(withDir(["safe:pending", "--safe", "transferAgent", "--all"]))).stdout;
    expect(all).to.include("0 pending");
    expect(all).to.include("[OTHER CHAIN]");
    fs.renameSync(path.join(proposalsDir, "localhost"), path.join(proposalsDir, "localhost-before-restart"));
    ok(await task(["roles:show"]));
    expect(await token().balanceOf(ALICE)).to.equal(0n);
    expect(getAddress(record("RoleHolder.transferAgent").address)).to.equal(
      getAddress(
        JSON.parse(fs.readFileSync(mint1000.replace("/localhost/", "/localhost-before-restart/"), "utf8"))
          .safe,
      ),
    );
  });
});
