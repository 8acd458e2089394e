import { expect } from "chai";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { deal, mergeCoverage } = require("../../scripts/run-coverage.js") as {
  deal: (files: string[], n: number, sizeOf: (f: string) => number) => string[][];
  mergeCoverage: (parts: Record<string, FileCoverage>[]) => Record<string, FileCoverage>;
};

interface FileCoverage {
  path: string;
  l: Record<string, number>;
  s: Record<string, number>;
  f: Record<string, number>;
  b: Record<string, number[]>;
  statementMap: Record<string, unknown>;
  branchMap: Record<string, unknown>;
  fnMap: Record<string, unknown>;
}

/** An istanbul file entry with one statement, one function and one two-way branch, at the given hit counts. */
function file(path: string, hits: { line: number; statement: number; fn: number; branch: [number, number] }) {
  return {
    path,
    l: { "3": hits.line },
    s: { "1": hits.statement },
    f: { "1": hits.fn },
    b: { "1": [...hits.branch] },
    statementMap: { "1": { start: { line: 3, column: 4 }, end: { line: 3, column: 20 } } },
    branchMap: { "1": { line: 3, type: "if", locations: [{}, {}] } },
    fnMap: { "1": { name: "f", line: 2 } },
  };
}

describe("npm run coverage (scripts/run-coverage.js)", function () {
  describe("deal", function () {
    describe("when the files have different sizes", function () {
      it("should give each file to the lightest shard, largest first, so the shards weigh about the same", function () {
        const sizes: Record<string, number> = { a: 90, b: 60, c: 50, d: 40, e: 10 };
        const shards = deal(Object.keys(sizes), 2, (f) => sizes[f]);
        expect(shards).to.deep.equal([
          ["a", "d"],
          ["b", "c", "e"],
        ]);
      });
    });

    describe("when there are fewer files than shards", function () {
      it("should return no empty shard", function () {
        expect(deal(["only"], 3, () => 1)).to.deep.equal([["only"]]);
      });
    });
  });

  describe("mergeCoverage", function () {
    describe("when two shards covered the same file", function () {
      it("should add their line, statement, function and branch hit counts", function () {
        const merged = mergeCoverage([
          { "contracts/A.sol": file("contracts/A.sol", { line: 2, statement: 2, fn: 1, branch: [1, 0] }) },
          { "contracts/A.sol": file("contracts/A.sol", { line: 3, statement: 3, fn: 0, branch: [0, 4] }) },
        ]);
        expect(merged["contracts/A.sol"].l).to.deep.equal({ "3": 5 });
        expect(merged["contracts/A.sol"].s).to.deep.equal({ "1": 5 });
        expect(merged["contracts/A.sol"].f).to.deep.equal({ "1": 1 });
        expect(merged["contracts/A.sol"].b).to.deep.equal({ "1": [1, 4] });
      });

      it("should leave the shards' own objects unchanged", function () {
        const first = {
          "contracts/A.sol": file("contracts/A.sol", { line: 2, statement: 2, fn: 1, branch: [1, 0] }),
        };
        mergeCoverage([first, first]);
        expect(first["contracts/A.sol"].l).to.deep.equal({ "3": 2 });
      });
    });

    describe("when a file is in one shard only", function () {
      it("should keep it with its counts", function () {
        const merged = mergeCoverage([
          { "contracts/A.sol": file("contracts/A.sol", { line: 1, statement: 1, fn: 1, branch: [1, 1] }) },
          { "contracts/B.sol": file("contracts/B.sol", { line: 7, statement: 7, fn: 7, branch: [7, 0] }) },
        ]);
        expect(Object.keys(merged).sort()).to.deep.equal(["contracts/A.sol", "contracts/B.sol"]);
        expect(merged["contracts/B.sol"].b).to.deep.equal({ "1": [7, 0] });
      });
    });

    describe("when the shards instrumented a file differently", function () {
      it("should refuse to merge, naming the file", function () {
        const other = file("contracts/A.sol", { line: 1, statement: 1, fn: 1, branch: [1, 1] });
        other.statementMap = { "1": { start: { line: 4, column: 4 }, end: { line: 4, column: 20 } } };
        expect(() =>
          mergeCoverage([
            { "contracts/A.sol": file("contracts/A.sol", { line: 1, statement: 1, fn: 1, branch: [1, 1] }) },
            { "contracts/A.sol": other },
          ]),
        ).to.throw("coverage: the shards instrumented contracts/A.sol differently");
      });
    });
  });
});
