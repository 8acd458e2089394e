import { expect } from "chai";
import { getAddress, id } from "ethers";
import { CSV_COLUMNS, parseInvestorCsv } from "../../lib/investors-csv";

/** 2026-01-01T00:00:00Z: "now" for every test, so dates stay in the future whatever the clock says. */
const NOW = Date.UTC(2026, 0, 1) / 1000;
const HEADER = CSV_COLUMNS.join(",");

// Hardhat's default accounts #1..#6 (lower case in the file, checksummed in the output).
const W = [
  "0x70997970c51812dc3a010c7d01b50e20d17dc79c",
  "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
  "0x90f79bf6eb2c4f870365e785982e1f101e93b906",
  "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65",
  "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc",
  "0x976ea74026e726554db657fa54763abd0c3a0aa9",
];
const C = W.map((w) => getAddress(w));
const ZERO = "0x0000000000000000000000000000000000000000";

/** The address with the case of its first hex letter flipped: same bytes, wrong EIP-55 checksum. */
function breakChecksum(address: string): string {
  const i = address.slice(2).search(/[a-fA-F]/) + 2;
  const ch = address[i];
  return (
    address.slice(0, i) +
    (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) +
    address.slice(i + 1)
  );
}

const unix = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;

describe("Investor CSV (lib/investors-csv.ts)", function () {
  describe("parseInvestorCsv", function () {
    describe("when every row is valid", function () {
      it("should return one registration per row, with checksummed addresses, class bits and expiry seconds", async function () {
        const csv = [
          HEADER,
          `${W[0]},,840,accredited,2027-06-30`,
          `${C[1]},${C[2]},826,qualified_purchaser|institutional,${unix("2027-01-15")}`,
          "",
          `${W[3]},${W[2]},826,"institutional;qualified_purchaser",2027-01-15`,
          `  ${W[4]} , , 76 , ,2026-01-02`,
          `${W[5]},,840,Accredited | US_PERSON,1767312000`,
        ].join("\r\n");
        const result = await parseInvestorCsv("\uFEFF" + csv, { now: NOW });
        expect(result.rejected).to.deep.equal([]);
        expect(result.valid).to.deep.equal([
          { wallet: C[0], identity: C[0], country: 840, classes: 0b00001, kycExpiry: unix("2027-06-30") },
          { wallet: C[1], identity: C[2], country: 826, classes: 0b00110, kycExpiry: unix("2027-01-15") },
          { wallet: C[3], identity: C[2], country: 826, classes: 0b00110, kycExpiry: unix("2027-01-15") },
          { wallet: C[4], identity: C[4], country: 76, classes: 0, kycExpiry: unix("2026-01-02") },
          { wallet: C[5], identity: C[5], country: 840, classes: 0b01001, kycExpiry: 1767312000 },
        ]);
      });

      it("should accept the columns in any order and any case", async function () {
        const csv = `KYCEXPIRY,Classes,country,identity,Wallet\n2027-01-01,accredited,840,,${W[0]}\n`;
        const result = await parseInvestorCsv(csv, { now: NOW });
        expect(result).to.deep.equal({
          valid: [{ wallet: C[0], identity: C[0], country: 840, classes: 1, kycExpiry: unix("2027-01-01") }],
          rejected: [],
        });
      });
    });

    describe("when rows are wrong", function () {
      /** A distinct wallet per line (checksummed), written lower case in the file. */
      const A = (line: number) => getAddress(id(`wallet ${line}`).slice(0, 42));
      const a = (line: number) => A(line).toLowerCase();
      const registered = new Set([A(15)]);
      const isRegistered = async (wallet: string) => registered.has(wallet);
      const lines = [
        /* 1 */ HEADER,
        /* 2 */ `${a(2)},,840,accredited,2027-01-01`,
        /* 3 */ `0x1234,,840,accredited,2027-01-01`,
        /* 4 */ `${breakChecksum(A(4))},,840,accredited,2027-01-01`,
        /* 5 */ `${ZERO},,840,accredited,2027-01-01`,
        /* 6 */ `${a(6)},${breakChecksum(A(106))},840,accredited,2027-01-01`,
        /* 7 */ `${a(7)},,1000,accredited,2027-01-01`,
        /* 8 */ `${a(8)},,US,accredited,2027-01-01`,
        /* 9 */ `${a(9)},,840,accredited|vip,2027-01-01`,
        /* 10 */ `${a(10)},,840,accredited,2020-01-01`,
        /* 11 */ `${a(11)},,840,accredited,2027-02-30`,
        /* 12 */ `${a(12)},,840,accredited,next year`,
        /* 13 */ `${a(13)},,840,accredited,1798761600000`,
        /* 14 */ `${A(2)},,840,accredited,2027-01-01`,
        /* 15 */ `${a(15)},,840,accredited,2027-01-01`,
        /* 16 */ `${a(16)},,840,accredited`,
        /* 17 */ `${a(17)},,840,accredited,2027-01-01,extra`,
        /* 18 */ `${a(18)},${a(2)},250,accredited,2027-01-01`,
        /* 19 */ `not-a-wallet,,0,gold,yesterday`,
        /* 20 */ `${a(20)},${a(2)},840,accredited,2027-01-01`,
        /* 21 */ `${a(21)},,840,,2027-01-01`,
      ];

      it("should reject each bad row with its exact reasons and line, and keep the good ones", async function () {
        const result = await parseInvestorCsv(lines.join("\n") + "\n", { now: NOW, isRegistered });
        const reasons = result.rejected.map(({ line, reasons }) => [line, reasons]);
        expect(reasons).to.deep.equal([
          [3, ['wallet: not an address: "0x1234"']],
          [4, [`wallet: invalid EIP-55 checksum: "${breakChecksum(A(4))}"`]],
          [5, ["wallet: zero address"]],
          [6, [`identity: invalid EIP-55 checksum: "${breakChecksum(A(106))}"`]],
          [
            7,
            [
              'country: must be an ISO 3166-1 numeric country code (e.g. 840 United States, 826 United Kingdom, 276 Germany, 702 Singapore), got "1000"',
            ],
          ],
          [
            8,
            [
              'country: must be an ISO 3166-1 numeric country code (e.g. 840 United States, 826 United Kingdom, 276 Germany, 702 Singapore), got "US"',
            ],
          ],
          [9, ['classes: unknown class "vip"']],
          [10, ['kycExpiry: not in the future: "2020-01-01"']],
          [11, ['kycExpiry: not a calendar date: "2027-02-30"']],
          [12, ['kycExpiry: must be a date YYYY-MM-DD or unix seconds, got "next year"']],
          [13, ['kycExpiry: too large for unix seconds (milliseconds?): "1798761600000"']],
          [14, ["wallet: duplicate of line 2"]],
          [15, ["wallet: already registered on-chain"]],
          [16, ["expected 5 columns, got 4"]],
          [17, ["expected 5 columns, got 6"]],
          [18, ["identity: same investor as line 2 but a different country, classes or kycExpiry"]],
          [
            19,
            [
              'wallet: not an address: "not-a-wallet"',
              'country: must be an ISO 3166-1 numeric country code (e.g. 840 United States, 826 United Kingdom, 276 Germany, 702 Singapore), got "0"',
              'classes: unknown class "gold"',
              'kycExpiry: must be a date YYYY-MM-DD or unix seconds, got "yesterday"',
            ],
          ],
        ]);
        expect(result.rejected.map((r) => r.raw)).to.deep.equal(lines.slice(2, 19));
        // Line 20 is a second wallet of line 2's investor, with the same data.
        expect(result.valid).to.deep.equal([
          { wallet: A(2), identity: A(2), country: 840, classes: 1, kycExpiry: unix("2027-01-01") },
          { wallet: A(20), identity: A(2), country: 840, classes: 1, kycExpiry: unix("2027-01-01") },
          { wallet: A(21), identity: A(21), country: 840, classes: 0, kycExpiry: unix("2027-01-01") },
        ]);
      });

      it("should reject the protocol class, reserved for the fund's own accounts, and keep the other rows", async function () {
        const csv = [
          HEADER,
          `${W[0]},,840,accredited,2027-01-01`,
          `${W[1]},,840,protocol,2027-01-01`,
          `${W[2]},,826,institutional|PROTOCOL|gold,2027-01-01`,
        ].join("\n");
        const reserved =
          'classes: "protocol" is reserved for the fund\'s own accounts, which the deploy scripts register; ' +
          "an investor's classes are accredited, qualified_purchaser, institutional, us_person";
        expect(await parseInvestorCsv(csv, { now: NOW })).to.deep.equal({
          valid: [{ wallet: C[0], identity: C[0], country: 840, classes: 1, kycExpiry: unix("2027-01-01") }],
          rejected: [
            { line: 3, raw: `${W[1]},,840,protocol,2027-01-01`, reasons: [reserved] },
            {
              line: 4,
              raw: `${W[2]},,826,institutional|PROTOCOL|gold,2027-01-01`,
              reasons: [reserved, 'classes: unknown class "gold"'],
            },
          ],
        });
      });

      it("should report a row's first line when a quoted field spans lines", async function () {
        const csv = `${HEADER}\n\n${W[0]},,840,"accredited\n|vip",2027-01-01\n${W[1]},,0,,2027-01-01\n`;
        const result = await parseInvestorCsv(csv, { now: NOW });
        expect(result.rejected).to.deep.equal([
          {
            line: 3,
            raw: `${W[0]},,840,"accredited\n|vip",2027-01-01`,
            reasons: ['classes: unknown class "vip"'],
          },
          {
            line: 5,
            raw: `${W[1]},,0,,2027-01-01`,
            reasons: [
              'country: must be an ISO 3166-1 numeric country code (e.g. 840 United States, 826 United Kingdom, 276 Germany, 702 Singapore), got "0"',
            ],
          },
        ]);
      });

      it("should ask the chain about each distinct well-formed wallet once", async function () {
        const asked: string[] = [];
        await parseInvestorCsv(lines.join("\n"), {
          now: NOW,
          isRegistered: async (wallet) => {
            asked.push(wallet);
            return false;
          },
        });
        // Every well-formed wallet but line 14's, a duplicate of line 2's; not the rows with a wrong column count.
        const expected = [2, 6, 7, 8, 9, 10, 11, 12, 13, 15, 18, 20, 21].map(A);
        expect(asked).to.deep.equal(expected);
      });
    });

    describe("when wallets are registered on-chain already (issue 22: resuming an import)", function () {
      const expiry = unix("2027-01-01");
      const csv = [
        HEADER,
        `${W[0]},,840,accredited,2027-01-01`,
        `${W[1]},,840,accredited,2027-01-01`,
        `${W[2]},,840,accredited,2027-01-01`,
        `${W[3]},,840,accredited,2027-01-01`,
        `${W[4]},,840,accredited,2027-01-01`,
      ].join("\n");
      const same = (w: string) => ({
        identity: w,
        country: 840,
        classes: 1,
        kycExpiry: expiry,
        revoked: false,
      });

      it("regression: issue 22 import resume - should put the rows registered with their data in done, and reject the others registered", async function () {
        const records = new Map([
          [C[0], same(C[0])],
          [C[1], { ...same(C[1]), kycExpiry: expiry + 1 }],
          [C[3], { ...same(C[3]), revoked: true }],
        ]);
        const result = await parseInvestorCsv(csv, { now: NOW, recordOf: async (w) => records.get(w) });
        expect(result.done).to.deep.equal([
          { wallet: C[0], identity: C[0], country: 840, classes: 1, kycExpiry: expiry },
        ]);
        expect(result.valid.map((r) => r.wallet)).to.deep.equal([C[2], C[4]]);
        expect(result.rejected).to.deep.equal([
          {
            line: 3,
            raw: `${W[1]},,840,accredited,2027-01-01`,
            reasons: [
              `wallet: already registered on-chain with other data (identity ${C[1]}, country 840, classes 1, kycExpiry ${expiry + 1})`,
            ],
          },
          {
            line: 5,
            raw: `${W[3]},,840,accredited,2027-01-01`,
            reasons: [
              `wallet: already registered on-chain with a revoked record (identity ${C[3]}, country 840, classes 1, kycExpiry ${expiry})`,
            ],
          },
        ]);
      });

      it("should ask about the wallets `concurrency` at a time, once each, in file order", async function () {
        const asked: string[] = [];
        let inFlight = 0;
        let most = 0;
        await parseInvestorCsv(csv, {
          now: NOW,
          concurrency: 2,
          recordOf: async (w) => {
            asked.push(w);
            most = Math.max(most, ++inFlight);
            await new Promise((r) => setTimeout(r, 5));
            inFlight--;
            return undefined;
          },
        });
        expect(asked).to.deep.equal(C.slice(0, 5));
        expect(most).to.equal(2);
      });

      it("should reject a valid row a compliance rule would refuse, asking once per country and classes", async function () {
        const asked: string[] = [];
        const result = await parseInvestorCsv(csv.replace(`${W[4]},,840`, `${W[4]},,364`), {
          now: NOW,
          ruleProblems: async (country, classes) => {
            asked.push(`${country}/${classes}`);
            return country === 364 ? ["country rule: embargoed"] : [];
          },
        });
        expect(asked).to.deep.equal(["840/1", "364/1"]);
        expect(result.rejected.map((r) => [r.line, r.reasons])).to.deep.equal([
          [6, ["country rule: embargoed (--force to register it anyway)"]],
        ]);
      });
    });

    describe("when the file itself is wrong", function () {
      const cases: [string, string, { line: number; raw: string; reasons: string[] }][] = [
        ["empty", "", { line: 1, raw: "", reasons: [`empty file: expected the header ${HEADER}`] }],
        [
          "only blank lines",
          "\n\r\n\n",
          { line: 1, raw: "", reasons: [`empty file: expected the header ${HEADER}`] },
        ],
        [
          "only a header",
          `${HEADER}\n`,
          { line: 1, raw: HEADER, reasons: ["no investor rows after the header"] },
        ],
        [
          "missing its header",
          `${W[0]},,840,accredited,2027-01-01\n`,
          {
            line: 1,
            raw: `${W[0]},,840,accredited,2027-01-01`,
            reasons: [`header missing: the first line must be ${HEADER}`],
          },
        ],
        [
          "headed with other columns",
          `address,identity,country,classes,expiry,wallet,country\n${W[0]},,840,,2027-01-01,${W[0]},840\n`,
          {
            line: 1,
            raw: "address,identity,country,classes,expiry,wallet,country",
            reasons: [
              `unknown column "address" (expected ${HEADER})`,
              `unknown column "expiry" (expected ${HEADER})`,
              'duplicate column "country"',
              'missing column "kycExpiry"',
            ],
          },
        ],
        [
          "not readable as CSV",
          `${HEADER}\n${W[0]},,840,"accredited,2027-01-01\n`,
          {
            line: 2,
            raw: "",
            reasons: [
              "unreadable CSV: Quote Not Closed: the parsing is finished with an opening quote at line 2",
            ],
          },
        ],
      ];

      for (const [when, csv, rejected] of cases) {
        it(`should reject the whole file when it is ${when}`, async function () {
          expect(await parseInvestorCsv(csv, { now: NOW })).to.deep.equal({
            valid: [],
            rejected: [rejected],
          });
        });
      }
    });
  });
});
