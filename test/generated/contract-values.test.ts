/**
 * Issue 24: the values the contracts define are generated (lib/generated/contracts.ts by scripts/lib/contract-values.ts
 * and scripts/tasks/values.ts), never retyped.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { type FunctionFragment, Interface, id } from "ethers";
import {
  type AstNode,
  type BuildInfoLike,
  type EvalContext,
  UnevaluableConstantError,
  evaluateConstant,
  extractValues,
  parseNumberLiteral,
} from "../../scripts/lib/contract-values";
import {
  VALUES_FILE,
  generateValuesModule,
  readBuildInfos,
  shouldGenerateAfterCompile,
  stalenessProblem,
} from "../../scripts/tasks/values";
import * as generated from "../../lib/generated/contracts";
import {
  FundManagerBase,
  IDvPSettlement,
  ICrossChainAssetEscrow,
  ICrossChainPaymentEscrow,
  IFundManagerTypes,
  Roles,
  SettlementMessages,
  TransferRestrictions,
} from "../../lib/generated/contracts";
import { RESTRICTION, RESTRICTIONS } from "../../lib/compliance-rules";
import { AssetStatus, DvpStatus, MessageKind, PaymentStatus } from "../../services/orchestrator/core";
import { queueFixture, TOKENS, USDC } from "../fund/fixtures";

/** Whether the suite runs under `hardhat coverage` (instrumented sources). */
const UNDER_COVERAGE =
  (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true;

// ------------------------------------------------------------------------------------------------ AST builders

let nextId = 1;
const lit = (value: string, subdenomination?: string): AstNode => ({
  nodeType: "Literal",
  kind: "number",
  value,
  subdenomination: subdenomination ?? null,
  typeDescriptions: { typeString: "int_const" },
});
const str = (text: string): AstNode => ({
  nodeType: "Literal",
  kind: "string",
  value: text,
  hexValue: Buffer.from(text, "utf8").toString("hex"),
  typeDescriptions: { typeString: `literal_string "${text}"` },
});
const bin = (operator: string, l: AstNode, r: AstNode, typeString = "int_const"): AstNode => ({
  nodeType: "BinaryOperation",
  operator,
  leftExpression: l,
  rightExpression: r,
  commonType: { typeString },
  typeDescriptions: { typeString },
});
const paren = (e: AstNode): AstNode => ({
  nodeType: "TupleExpression",
  components: [e],
  isInlineArray: false,
});
const conv = (type: string, e: AstNode): AstNode => ({
  nodeType: "FunctionCall",
  kind: "typeConversion",
  expression: { nodeType: "ElementaryTypeNameExpression", typeName: { name: type } },
  arguments: [e],
  typeDescriptions: { typeString: type },
});
const typeMax = (type: string): AstNode => ({
  nodeType: "MemberAccess",
  memberName: "max",
  expression: {
    nodeType: "FunctionCall",
    kind: "functionCall",
    expression: { nodeType: "Identifier", name: "type" },
    arguments: [{ nodeType: "ElementaryTypeNameExpression", typeName: { name: type } }],
  },
  typeDescriptions: { typeString: type },
});
const keccak = (arg: AstNode): AstNode => ({
  nodeType: "FunctionCall",
  kind: "functionCall",
  expression: { nodeType: "Identifier", name: "keccak256" },
  arguments: [arg],
  typeDescriptions: { typeString: "bytes32" },
});
const decl = (name: string, type: string, value: AstNode): AstNode => ({
  nodeType: "VariableDeclaration",
  id: nextId++,
  name,
  constant: true,
  value,
  typeDescriptions: { typeString: type },
});
const ref = (d: AstNode, type: string): AstNode => ({
  nodeType: "Identifier",
  name: d.name,
  referencedDeclaration: d.id,
  typeDescriptions: { typeString: type },
});

function context(...decls: AstNode[]): EvalContext {
  return {
    declaration: (n) => decls.find((d) => d.id === n),
    describe: (d) => `Test.${d.name}`,
    locate: () => "contracts/Test.sol:1",
  };
}
const value = (d: AstNode, ...others: AstNode[]) => evaluateConstant(d, context(d, ...others));

describe("values the contracts define (issue 24: generated, not retyped)", function () {
  describe("parseNumberLiteral", function () {
    it("should read decimal, underscored, hex, scientific and fractional-scientific forms with their units", function () {
      expect(parseNumberLiteral("1_000_000")).to.deep.equal({ n: 1_000_000n, d: 1n });
      expect(parseNumberLiteral("0xff_ff")).to.deep.equal({ n: 65_535n, d: 1n });
      expect(parseNumberLiteral("1e18")).to.deep.equal({ n: 10n ** 18n, d: 1n });
      expect(parseNumberLiteral("2.5e3")).to.deep.equal({ n: 2_500n, d: 1n });
      expect(parseNumberLiteral("0.5")).to.deep.equal({ n: 1n, d: 2n });
      expect(parseNumberLiteral("5", "days")).to.deep.equal({ n: 432_000n, d: 1n });
      expect(parseNumberLiteral("1", "hours")).to.deep.equal({ n: 3_600n, d: 1n });
      expect(parseNumberLiteral("2", "gwei")).to.deep.equal({ n: 2_000_000_000n, d: 1n });
    });
  });

  describe("evaluateConstant", function () {
    describe("when the expression is made of literals", function () {
      it("should evaluate shifts, or, minus and units exactly, in the declared type", function () {
        expect(value(decl("A", "uint16", bin("<<", lit("1"), lit("6"))))).to.deep.include({ v: 64n });
        expect(
          value(decl("B", "uint16", bin("-", paren(bin("<<", lit("1"), lit("7"))), lit("1")))),
        ).to.deep.include({
          v: 127n,
        });
        expect(value(decl("C", "uint40", bin("*", lit("10"), lit("365", "days"))))).to.deep.include({
          v: 315_360_000n,
        });
        expect(value(decl("D", "uint8", bin("|", lit("1"), lit("2"))))).to.deep.include({ v: 3n });
        expect(value(decl("E", "uint256", bin("**", lit("10"), lit("18"))))).to.deep.include({
          v: 10n ** 18n,
        });
      });

      it("should keep fractions exact until the end, as solc folds literal expressions", function () {
        // (1 / 2) * 4 is 2 for solc, not 0.
        expect(
          value(decl("F", "uint8", bin("*", paren(bin("/", lit("1"), lit("2"))), lit("4")))),
        ).to.deep.include({
          v: 2n,
        });
      });
    });

    describe("when the expression has typed operands", function () {
      it("should truncate integer division in the operands' type", function () {
        const gas = decl("GAS", "uint256", lit("100_000"));
        const left = decl(
          "LEFT",
          "uint256",
          bin(
            "+",
            paren(bin("/", paren(bin("*", ref(gas, "uint256"), lit("64"), "uint256")), lit("63"), "uint256")),
            lit("5_000"),
            "uint256",
          ),
        );
        expect(value(left, gas)).to.deep.include({ v: 106_587n });
      });

      it("should evaluate type(uintN).max, a conversion to bytes32 and keccak256 of a string literal", function () {
        expect(value(decl("M", "uint64", typeMax("uint64")))).to.deep.include({ v: 2n ** 64n - 1n });
        expect(value(decl("Z", "bytes32", conv("bytes32", lit("0"))))).to.deep.equal({
          kind: "bytes",
          size: 32,
          hex: "0x" + "00".repeat(32),
        });
        expect(value(decl("H", "bytes32", keccak(str("Permit(address owner)"))))).to.deep.include({
          hex: id("Permit(address owner)"),
        });
      });

      it("should follow references to other constants, and truncate an explicit narrowing conversion", function () {
        const shift = decl("SHIFT", "uint256", lit("232"));
        const bit = decl(
          "BIT",
          "uint256",
          bin("<<", conv("uint256", lit("1")), ref(shift, "uint256"), "uint256"),
        );
        expect(value(bit, shift)).to.deep.include({ v: 1n << 232n });
        const wide = decl("WIDE", "uint256", lit("300"));
        expect(value(decl("NARROW", "uint8", conv("uint8", ref(wide, "uint256"))), wide)).to.deep.include({
          v: 44n,
        });
      });

      it("should evaluate string constants", function () {
        expect(value(decl("V", "string", str("1.0.0")))).to.deep.equal({ kind: "string", text: "1.0.0" });
      });
    });

    describe("when the evaluator cannot evaluate the expression", function () {
      it("should refuse abi.encode with UnevaluableConstantError naming the constant", function () {
        const call: AstNode = {
          nodeType: "FunctionCall",
          kind: "functionCall",
          expression: {
            nodeType: "MemberAccess",
            memberName: "encode",
            expression: { nodeType: "Identifier", name: "abi" },
          },
          arguments: [lit("1")],
          typeDescriptions: { typeString: "bytes memory" },
        };
        const d = decl("SLOT", "bytes32", keccak(call));
        expect(() => value(d))
          .to.throw(UnevaluableConstantError)
          .with.property("constant", "Test.SLOT");
        expect(() => value(d)).to.throw(/the call abi\.encode\(\.\.\.\)/);
      });

      it("should refuse a typed overflow (checked arithmetic reverts) rather than wrap", function () {
        const max = decl("MAX", "uint8", lit("255"));
        const d = decl("OVER", "uint8", bin("+", ref(max, "uint8"), lit("1"), "uint8"));
        expect(() => value(d, max)).to.throw(UnevaluableConstantError, /overflows uint8/);
      });

      it("should refuse a literal that does not fit the declared type, and a fraction", function () {
        expect(() => value(decl("BIG", "uint8", lit("256")))).to.throw(
          UnevaluableConstantError,
          /does not fit uint8/,
        );
        expect(() => value(decl("HALF", "uint8", bin("/", lit("1"), lit("2"))))).to.throw(
          UnevaluableConstantError,
          /not an integer/,
        );
      });

      it("should refuse a constant that refers to itself", function () {
        const d = decl("SELF", "uint8", lit("0"));
        d.value = ref(d, "uint8");
        expect(() => value(d)).to.throw(UnevaluableConstantError, /refers to itself/);
      });
    });
  });

  describe("extractValues", function () {
    describe("when two build-infos hold different texts of a source (after an incremental compile)", function () {
      it("should read the source from the build-info named as its owner, not from the first that holds it", async function () {
        if (UNDER_COVERAGE) this.skip(); // instrumented build-infos
        const source = "contracts/fund/FundManagerBase.sol";
        const current = (await hre.artifacts.getBuildInfo(
          `${source}:FundManagerBase`,
        )) as unknown as BuildInfoLike;
        // An older compile's text of the same source: MAX_FEE_BPS = 50 instead of 100.
        const older = structuredClone(current);
        let edited = 0;
        const edit = (node: AstNode) => {
          if (node.nodeType === "VariableDeclaration" && node.name === "MAX_FEE_BPS") {
            // The literal and its folded type (the evaluator checks its result against solc's folding).
            Object.assign(node.value as AstNode, {
              value: "50",
              typeDescriptions: { typeIdentifier: "t_rational_50_by_1", typeString: "int_const 50" },
            });
            edited++;
          }
          for (const child of (node.nodes ?? []) as AstNode[]) edit(child);
        };
        edit(older.output.sources[source].ast);
        expect(edited).to.equal(1);
        const maxFee = (values: ReturnType<typeof extractValues>) => {
          const member = values.contracts
            .find((c) => c.name === "FundManagerBase")!
            .members.find((m) => m.name === "MAX_FEE_BPS");
          return member?.kind === "constant" && member.value.kind === "int" ? member.value.v : undefined;
        };
        // Without an owner the first holder wins: the stale text.
        expect(maxFee(extractValues([older, current], [source]))).to.equal(50n);
        expect(maxFee(extractValues([older, current], [source], new Map([[source, current]])))).to.equal(
          100n,
        );
      });
    });
  });

  describe("readBuildInfos", function () {
    // A project on disk as Hardhat leaves it after an incremental compile: build-info old.json (the first compile)
    // still holds A.sol and B.sol; new.json (the recompile after an edit of both) holds them too, and A's artifact
    // names new.json. B.sol declares only file-level values, so no artifact names a build-info for it.
    function project() {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), "values-build-"));
      const sources = path.join(root, "contracts");
      fs.mkdirSync(sources);
      fs.writeFileSync(path.join(sources, "A.sol"), "contract A {}");
      fs.writeFileSync(path.join(sources, "B.sol"), "uint256 constant B = 1;");
      const buildInfoDir = path.join(root, "artifacts", "build-info");
      fs.mkdirSync(buildInfoDir, { recursive: true });
      const info = (compile: string) => ({
        compile,
        input: { sources: {} },
        output: {
          sources: { "contracts/A.sol": { ast: { id: 1 } }, "contracts/B.sol": { ast: { id: 2 } } },
          contracts: {},
        },
      });
      const oldPath = path.join(buildInfoDir, "old.json");
      const newPath = path.join(buildInfoDir, "new.json");
      fs.writeFileSync(oldPath, JSON.stringify(info("old")));
      fs.writeFileSync(newPath, JSON.stringify(info("new")));
      const hour = Date.now() / 1000 - 3600;
      fs.utimesSync(oldPath, hour, hour);
      const artifactDir = path.join(root, "artifacts", "contracts", "A.sol");
      fs.mkdirSync(artifactDir, { recursive: true });
      fs.writeFileSync(
        path.join(artifactDir, "A.dbg.json"),
        JSON.stringify({ buildInfo: "../../build-info/new.json" }),
      );
      const fakeHre = {
        config: { paths: { root, sources } },
        artifacts: {
          getAllFullyQualifiedNames: async () => ["contracts/A.sol:A"],
          formArtifactPathFromFullyQualifiedName: (fqn: string) => {
            const [file, name] = fqn.split(":");
            return path.join(root, "artifacts", file, `${name}.json`);
          },
          // Hardhat lists them by name: old.json is not first here, so only the file times can pick the newest.
          getBuildInfoPaths: async () => [newPath, oldPath],
        },
      } as unknown as typeof hre;
      return { root, fakeHre, oldPath, newPath };
    }
    const compileOf = (bi: BuildInfoLike | undefined) =>
      (bi as unknown as { compile: string } | undefined)?.compile;

    describe("when an older build-info still holds an earlier text of a source", function () {
      it("should take a source with an artifact from the build-info its .dbg.json names", async function () {
        const { root, fakeHre } = project();
        const { sources, owners } = await readBuildInfos(fakeHre);
        expect(sources).to.deep.equal(["contracts/A.sol", "contracts/B.sol"]);
        expect(compileOf(owners.get("contracts/A.sol"))).to.equal("new");
        fs.rmSync(root, { recursive: true });
      });

      it("should take a source without an artifact from the newest build-info that holds it", async function () {
        const { root, fakeHre, oldPath, newPath } = project();
        expect(compileOf((await readBuildInfos(fakeHre)).owners.get("contracts/B.sol"))).to.equal("new");
        // The other way round in time: old.json is now the newest file.
        const hour = Date.now() / 1000 - 3600;
        fs.utimesSync(newPath, hour - 60, hour - 60);
        fs.utimesSync(oldPath, hour, hour);
        expect(compileOf((await readBuildInfos(fakeHre)).owners.get("contracts/B.sol"))).to.equal("old");
        fs.rmSync(root, { recursive: true });
      });
    });
  });

  describe("lib/generated/contracts.ts", function () {
    describe("when generated again from the build", function () {
      let fresh: string;
      before(async function () {
        // solidity-coverage instruments the sources (a coverage call before every statement, TransferRestrictions'
        // lookup table included): its build is not the contracts' own; `npm run lint` checks the real one.
        if (UNDER_COVERAGE) this.skip();
        fresh = await generateValuesModule(hre);
      });

      it("should be exactly what the current contracts produce (what values:check enforces)", function () {
        const file = path.join(hre.config.paths.root, VALUES_FILE);
        expect(stalenessProblem(fresh, file, VALUES_FILE)).to.equal(undefined);
      });

      it("should list no skipped constant (every constant of contracts/ is a value)", function () {
        expect(fresh).to.include("Skipped constants (not values): none.");
      });
    });

    it("should give every custom error the selector ethers computes from its signature", function () {
      let count = 0;
      for (const scope of Object.values(generated) as Record<string, unknown>[]) {
        for (const member of Object.values(scope)) {
          const e = member as { signature?: string; selector?: string };
          if (typeof e === "object" && e !== null && typeof e.signature === "string") {
            expect(e.selector, e.signature).to.equal(id(e.signature).slice(0, 10));
            count++;
          }
        }
      }
      expect(count).to.be.greaterThan(200);
    });

    it("should give every error the signature and selector its contract's ABI (the artifact) has", async function () {
      // Each group is named after the contract that declares it; its artifact's ABI holds the same errors.
      let checked = 0;
      for (const [scope, members] of Object.entries(generated) as [string, Record<string, unknown>][]) {
        const fqns = (await hre.artifacts.getAllFullyQualifiedNames()).filter(
          (f) => f.endsWith(`:${scope}`) && !f.startsWith("contracts/mocks/") && f.startsWith("contracts/"),
        );
        expect(fqns, scope).to.have.length(1);
        const iface = new Interface((await hre.artifacts.readArtifact(fqns[0])).abi);
        for (const [name, member] of Object.entries(members)) {
          const e = member as { signature?: string; selector?: string };
          if (typeof e !== "object" || e === null || typeof e.signature !== "string") continue;
          const fragment = iface.getError(name);
          expect(fragment, `${scope}.${name}`).to.not.equal(null);
          expect([fragment!.format("sighash"), fragment!.selector], `${scope}.${name}`).to.deep.equal([
            e.signature,
            e.selector,
          ]);
          checked++;
        }
      }
      expect(checked).to.be.greaterThan(200);
    });

    it("should have a text for every TransferRestrictions code, codes 0..LAST without gaps", function () {
      const codes = Object.values(RESTRICTION).sort((a, b) => a - b);
      expect(codes).to.deep.equal([...Array(TransferRestrictions.LAST + 1).keys()]);
      for (const code of codes) {
        expect((TransferRestrictions.message as Record<number, string>)[code], `code ${code}`).to.be.a(
          "string",
        );
      }
      expect(RESTRICTIONS.map(([name]) => RESTRICTION[name])).to.deep.equal(codes);
    });

    it("should give the orchestrator's enums exactly the contracts' members and values", function () {
      const members = (e: object) =>
        Object.entries(e)
          .filter(([k]) => Number.isNaN(Number(k)))
          .map(([k, v]) => [k, v]);
      expect(members(DvpStatus)).to.deep.equal(Object.entries(IDvPSettlement.Status));
      expect(members(AssetStatus)).to.deep.equal(Object.entries(ICrossChainAssetEscrow.Status));
      expect(members(PaymentStatus)).to.deep.equal(Object.entries(ICrossChainPaymentEscrow.Status));
      expect(members(MessageKind)).to.deep.equal([
        ["LOCK", SettlementMessages.LOCK],
        ["CONFIRM", SettlementMessages.CONFIRM],
        ["CANCEL", SettlementMessages.CANCEL],
      ]);
    });
  });

  describe("against the deployed contracts", function () {
    it("should give Roles.ISSUER, the role the AccessManager wires to setFees", async function () {
      const f = await loadFixture(queueFixture);
      const selector = f.fm.interface.getFunction("setFees")!.selector;
      expect(await f.fund.contracts.manager.getTargetFunctionRole(f.fm, selector)).to.equal(Roles.ISSUER);
    });

    it("should give every public constant the deployed contracts return through their getters", async function () {
      await loadFixture(queueFixture);
      // Generated constants by name, with every value the name has (a name two contracts declare with different
      // values is compared only where it is unambiguous).
      const values = new Map<string, Set<string>>();
      for (const members of Object.values(generated) as Record<string, unknown>[]) {
        for (const [name, v] of Object.entries(members)) {
          if (!/^[A-Z][A-Z0-9_]*$/.test(name) || !["number", "bigint", "string"].includes(typeof v)) continue;
          if (!values.has(name)) values.set(name, new Set());
          values
            .get(name)!
            .add(typeof v === "string" ? v.toLowerCase() : BigInt(v as number | bigint).toString());
        }
      }
      // The suite's own deployments (named after their contract, `FundVault.USDC` after FundVault), not Safe's or EAS'.
      const own = new Set(
        (await hre.artifacts.getAllFullyQualifiedNames())
          .filter((f) => f.startsWith("contracts/") && !f.startsWith("contracts/mocks/"))
          .map((f) => f.split(":")[1]),
      );
      const compared = new Set<string>();
      for (const [deployment, { address, abi }] of Object.entries(await hre.deployments.all())) {
        if (!own.has(deployment.split(".")[0])) continue;
        const iface = new Interface(abi);
        const contract = new hre.ethers.Contract(address, iface, hre.ethers.provider);
        for (const fn of iface.fragments) {
          if (fn.type !== "function") continue;
          const f = fn as FunctionFragment;
          const expected = values.get(f.name);
          if (!expected || expected.size !== 1 || f.inputs.length !== 0 || f.outputs.length !== 1) continue;
          const actual: unknown = await contract.getFunction(f.name).staticCall();
          const shown = typeof actual === "string" ? actual.toLowerCase() : String(actual);
          expect(shown, `${deployment}.${f.name}()`).to.equal([...expected][0]);
          compared.add(f.name);
        }
      }
      expect([...compared].sort()).to.include.members([
        "MAX_BOUND_TOKENS",
        "MAX_FEE_BPS",
        "MAX_KYC_VALIDITY",
        "MAX_MANAGEMENT_FEE_BPS",
      ]);
    });

    it("should give IFundManagerTypes.RequestStatus.Pending, the status of a new redemption request", async function () {
      const f = await loadFixture(queueFixture);
      await f.fm.connect(f.alice).subscribe(f.usdc, USDC("5000"), 0);
      await f.fm.connect(f.alice).requestRedemption(TOKENS("100"), f.usdc, 0);
      expect((await f.fm.request(1))[0].status).to.equal(BigInt(IFundManagerTypes.RequestStatus.Pending));
    });

    it("should give FundManagerBase.MAX_FEE_BPS, the contract's public constant", async function () {
      const f = await loadFixture(queueFixture);
      expect(await f.fm.MAX_FEE_BPS()).to.equal(BigInt(FundManagerBase.MAX_FEE_BPS));
    });
  });

  describe("values:check (npm run lint)", function () {
    before(function () {
      // values:check compiles; under solidity-coverage that build is instrumented (see above).
      if (UNDER_COVERAGE) this.skip();
    });

    describe("when the module differs from what the contracts produce", function () {
      it("should fail naming the file and how to regenerate it (checked on a temporary copy)", async function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "values-"));
        const copy = path.join(dir, "contracts.ts");
        const committed = fs.readFileSync(path.join(hre.config.paths.root, VALUES_FILE), "utf8");
        fs.writeFileSync(copy, committed.replace("ISSUER: 1n,", "ISSUER: 11n,"));
        await expect(hre.run("values:check", { file: copy })).to.be.rejectedWith(
          /contracts\.ts is stale: .*from line \d+ .*ISSUER: 11n.*npx hardhat values:generate/,
        );
        fs.rmSync(copy);
        expect(stalenessProblem(committed, copy, "the copy")).to.match(
          /the copy is missing.*values:generate/,
        );
        fs.rmSync(dir, { recursive: true });
      });
    });

    describe("when the module is up to date", function () {
      it("should pass", async function () {
        await hre.run("values:check");
      });
    });
  });

  describe("shouldGenerateAfterCompile", function () {
    it("should regenerate after a compile that built something, or when the module is missing", function () {
      const base = { coverage: false, checking: false, compiled: false, exists: true };
      expect(shouldGenerateAfterCompile(base)).to.equal(false);
      expect(shouldGenerateAfterCompile({ ...base, compiled: true })).to.equal(true);
      expect(shouldGenerateAfterCompile({ ...base, exists: false })).to.equal(true);
    });

    it("should never write under hardhat coverage (instrumented build) nor while values:check compiles", function () {
      const all = { compiled: true, exists: false };
      expect(shouldGenerateAfterCompile({ ...all, coverage: true, checking: false })).to.equal(false);
      expect(shouldGenerateAfterCompile({ ...all, coverage: false, checking: true })).to.equal(false);
    });
  });
});
