/**
 * Issue 24: `npm run lint` fails on an import that runs from a lower layer to a higher one (scripts/check-imports.js,
 * docs/ARCHITECTURE.md "Which way imports go").
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { expect } from "chai";

interface WrongWayImport {
  file: string;
  line: number;
  specifier: string;
  from: string;
  to: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { wrongWayImports, describe: describeProblem } = require("../../scripts/check-imports.js") as {
  wrongWayImports: (root: string, files?: string[]) => WrongWayImport[];
  describe: (p: WrongWayImport) => string;
};

const ROOT = path.join(__dirname, "..", "..");
const SCRIPT = path.join(ROOT, "scripts", "check-imports.js");

/** A throwaway project with the given files (project-relative path -> text). */
function project(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "imports-"));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

describe("import layers (scripts/check-imports.js, npm run lint:imports)", function () {
  describe("wrongWayImports", function () {
    describe("on this repository", function () {
      it("should find no import that runs the wrong way", function () {
        expect(wrongWayImports(ROOT)).to.deep.equal([]);
      });
    });

    describe("when a lower layer imports a higher one", function () {
      it("should report each such import with its file, line, specifier and layers, static, dynamic or require", function () {
        const root = project({
          "lib/fund.ts": 'import { x } from "../scripts/lib/report";\nexport const y = x;\n',
          "lib/deploy/context.ts": '\n\nexport const t = () => import("../../deploy/scripts/04_token");\n',
          "deploy/scripts/04_token.ts":
            'const s = require("../../scripts/tasks/token");\nexport default s;\n',
          "services/orchestrator/main.ts": 'export { a } from "../../scripts/demo";\n',
          "scripts/tasks/token.ts":
            'import type { C } from "../../deploy/config/hardhat";\nexport type D = C;\n',
          "hardhat.config.ts": 'import "./deploy/config/hardhat";\n',
        });
        try {
          expect(wrongWayImports(root)).to.deep.equal([
            {
              file: "deploy/scripts/04_token.ts",
              line: 1,
              specifier: "../../scripts/tasks/token",
              from: "deploy",
              to: "scripts",
            },
            {
              file: "hardhat.config.ts",
              line: 1,
              specifier: "./deploy/config/hardhat",
              from: "hardhat.config.ts",
              to: "deploy",
            },
            {
              file: "lib/deploy/context.ts",
              line: 3,
              specifier: "../../deploy/scripts/04_token",
              from: "lib",
              to: "deploy",
            },
            { file: "lib/fund.ts", line: 1, specifier: "../scripts/lib/report", from: "lib", to: "scripts" },
            {
              file: "scripts/tasks/token.ts",
              line: 1,
              specifier: "../../deploy/config/hardhat",
              from: "scripts",
              to: "deploy",
            },
            {
              file: "services/orchestrator/main.ts",
              line: 1,
              specifier: "../../scripts/demo",
              from: "services",
              to: "scripts",
            },
          ]);
        } finally {
          fs.rmSync(root, { recursive: true });
        }
      });
    });

    describe("when imports run down the layers, or reach packages and typechain-types", function () {
      it("should report nothing", function () {
        const root = project({
          "lib/fund.ts":
            'import { ethers } from "ethers";\nimport { A } from "../typechain-types";\nimport { B } from "./generated/contracts";\nexport const c = [ethers, A, B];\n',
          "deploy/scripts/00_governance.ts":
            'import { loadContext } from "../../lib/deploy/context";\nexport default loadContext;\n',
          "scripts/tasks/settle.ts":
            'import { run } from "../../services/orchestrator/service";\nimport { f } from "../../lib/fund";\nexport const g = [run, f];\n',
          "services/orchestrator/service.ts": 'import { f } from "../../lib/fund";\nexport const run = f;\n',
          "hardhat.config.ts":
            'import "./scripts/tasks";\nimport { n } from "./lib/networks";\nexport default n;\n',
          "test/helpers/fund.ts":
            'import "../../deploy/scripts/00_governance";\nimport "../../scripts/tasks/settle";\nimport "../../test-integration/helpers/node";\n',
          "bench/gas.ts": 'import "../test/helpers/fund";\n',
        });
        try {
          expect(wrongWayImports(root)).to.deep.equal([]);
        } finally {
          fs.rmSync(root, { recursive: true });
        }
      });
    });
  });

  describe("the command", function () {
    describe("when an import runs the wrong way", function () {
      it("should exit 1 and name the file, the line and what the layer may import", function () {
        const root = project({
          "lib/safe.ts": '\nimport { t } from "../scripts/tasks/safe";\nexport const u = t;\n',
        });
        try {
          const run = spawnSync(process.execPath, [SCRIPT, root], { encoding: "utf8" });
          expect(run.status).to.equal(1);
          expect(run.stderr).to.equal(
            'lib/safe.ts:2 imports "../scripts/tasks/safe" (scripts/), but lib/ may import only lib/ ' +
              "(and packages, typechain-types/): move what both need into lib/\n" +
              "lint:imports: 1 import(s) run the wrong way (docs/ARCHITECTURE.md)\n",
          );
          expect(
            describeProblem({
              file: "scripts/a.ts",
              line: 4,
              specifier: "../deploy/b",
              from: "scripts",
              to: "deploy",
            }),
          ).to.equal(
            'scripts/a.ts:4 imports "../deploy/b" (deploy/), but scripts/ may import only lib/, services/, scripts/ ' +
              "(and packages, typechain-types/): move what both need into lib/",
          );
        } finally {
          fs.rmSync(root, { recursive: true });
        }
      });
    });

    describe("when every import runs the right way", function () {
      it("should exit 0 and say how many files it read", function () {
        const root = project({
          "lib/a.ts": "export const a = 1;\n",
          "scripts/b.ts": 'import { a } from "../lib/a";\nexport const b = a;\n',
        });
        try {
          const run = spawnSync(process.execPath, [SCRIPT, root], { encoding: "utf8" });
          expect(run.status).to.equal(0);
          expect(run.stdout).to.equal("lint:imports: 2 files, every import runs the right way\n");
        } finally {
          fs.rmSync(root, { recursive: true });
        }
      });
    });
  });
});
