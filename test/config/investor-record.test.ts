import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import { ethers, upgrades } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { getAddress } from "ethers";
import type { AccessManager, IdentityRegistry } from "../../typechain-types";
import {
  ALL_CLASS_BITS,
  INVESTOR_CLASS_BITS,
  INVESTOR_CLASS_NAMES,
  classBits,
  classNames,
} from "../../lib/classes";
import {
  InvestorRecordFields,
  isRegisteredRecord,
  packRecord,
  unpackRecord,
} from "../../lib/investor-record";
import { parseInvestorCsv } from "../../lib/investors-csv";

const SOURCE = path.join(__dirname, "../../contracts/identity/InvestorRecord.sol");
const MAX_ADDRESS = "0xFFfFfFffFFfffFFfFFfFFFFFffFFFffffFfFFFfF";

describe("Investor classes and records (lib/classes.ts, investor-record.ts)", function () {
  describe("class bits", function () {
    it("should match every flag of InvestorClasses in InvestorRecord.sol, and nothing else", function () {
      const source = fs.readFileSync(SOURCE, "utf8");
      const flags = [...source.matchAll(/uint16 internal constant (\w+) = 1 << (\d+);/g)];
      const fromSolidity = Object.fromEntries(
        flags.map(([, name, shift]) => [name.toLowerCase(), 1 << Number(shift)]),
      );
      expect(fromSolidity).to.deep.equal(INVESTOR_CLASS_BITS);
      const all = /uint16 internal constant ALL = \(1 << (\d+)\) - 1;/.exec(source);
      expect(all, "InvestorClasses.ALL").to.not.equal(null);
      expect(ALL_CLASS_BITS).to.equal((1 << Number(all![1])) - 1);
    });

    it("should turn names into bits and back, in bit order", function () {
      expect(classBits(["us_person", "accredited", "accredited"])).to.equal(0b1001);
      expect(classNames(0b10110)).to.deep.equal(["qualified_purchaser", "institutional", "protocol"]);
      expect(classNames(ALL_CLASS_BITS)).to.deep.equal(INVESTOR_CLASS_NAMES);
      expect(classNames(0)).to.deep.equal([]);
    });

    it("should refuse an undefined bit", function () {
      expect(() => classNames(1 << 5)).to.throw(
        RangeError,
        "Investor classes 32 contain an undefined bit (defined: 31)",
      );
    });
  });

  describe("packRecord / unpackRecord", function () {
    const sample: InvestorRecordFields = {
      identity: getAddress("0x00000000000000000000000000000000000000aa"),
      country: 840,
      classes: 0b101,
      kycExpiry: 1_800_000_000,
      revoked: true,
    };

    it("should place each field at InvestorRecordLib's bit offsets", function () {
      const expected = 0xaan | (840n << 160n) | (0b101n << 176n) | (1_800_000_000n << 192n) | (1n << 232n);
      expect(packRecord(sample)).to.equal(expected);
    });

    it("should round-trip the largest values of every field", function () {
      const max = {
        identity: MAX_ADDRESS,
        country: 65_535,
        classes: 65_535,
        kycExpiry: 2 ** 40 - 1,
        revoked: true,
      };
      expect(packRecord(max)).to.equal((1n << 233n) - 1n);
      expect(unpackRecord((1n << 233n) - 1n)).to.deep.equal(max);
    });

    it("should round-trip any record (property)", function () {
      const record = fc.record({
        identity: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => getAddress(ethers.hexlify(b))),
        country: fc.integer({ min: 0, max: 65_535 }),
        classes: fc.integer({ min: 0, max: 65_535 }),
        kycExpiry: fc.integer({ min: 0, max: 2 ** 40 - 1 }),
        revoked: fc.boolean(),
      });
      fc.assert(
        fc.property(record, (r) => {
          expect(unpackRecord(packRecord(r))).to.deep.equal(r);
        }),
      );
    });

    it("should ignore the unused high bits, as the contract does", function () {
      expect(unpackRecord(packRecord(sample) | (1n << 255n) | (1n << 233n))).to.deep.equal(sample);
    });

    it("should tell a registration from the zero record by its identity", function () {
      expect(isRegisteredRecord(0n)).to.equal(false);
      expect(isRegisteredRecord(packRecord({ ...sample, identity: ethers.ZeroAddress }))).to.equal(false);
      expect(isRegisteredRecord(packRecord(sample))).to.equal(true);
    });

    it("should refuse values that do not fit their field", function () {
      expect(() => packRecord({ ...sample, country: 65_536 })).to.throw(
        RangeError,
        "country 65536 does not fit uint16",
      );
      expect(() => packRecord({ ...sample, classes: -1 })).to.throw(
        RangeError,
        "classes -1 does not fit uint16",
      );
      expect(() => packRecord({ ...sample, kycExpiry: 2 ** 40 })).to.throw(
        RangeError,
        "kycExpiry 1099511627776 does not fit uint40",
      );
      expect(() => packRecord({ ...sample, identity: "0x1234" })).to.throw();
      expect(() => unpackRecord(1n << 256n)).to.throw(RangeError);
    });
  });

  describe("against a deployed IdentityRegistry", function () {
    /** The registry behind its proxy; the deployer is the AccessManager admin, so it may register. */
    async function registryFixture() {
      const [admin, existing, ...investors] = await ethers.getSigners();
      const manager = (await ethers.deployContract("AccessManager", [
        admin.address,
      ])) as unknown as AccessManager;
      const factory = await ethers.getContractFactory("IdentityRegistry");
      const extension = await ethers.deployContract("IdentityRegistrySources");
      const registry = (await upgrades.deployProxy(factory, [await manager.getAddress(), 365 * 86_400], {
        kind: "uups",
        constructorArgs: [await extension.getAddress()],
      })) as unknown as IdentityRegistry;
      const expiry = (await time.latest()) + 86_400;
      await registry.registerInvestor(existing.address, existing.address, 840, 1, expiry);
      return { registry, existing, investors };
    }

    it("should onboard a checked CSV whose records read back exactly as packRecord computes them", async function () {
      const { registry, existing, investors } = await loadFixture(registryFixture);
      const [a, b, c] = investors;
      // KYC expiries a few years after the chain's clock, never fixed dates the wall clock would one day pass.
      const now = await time.latest();
      const inYears = (years: number) =>
        new Date((now + years * 365 * 86_400) * 1000).toISOString().slice(0, 10);
      const [later, sooner] = [inYears(5), inYears(4)];
      const csv = [
        "wallet,identity,country,classes,kycExpiry",
        `${a.address},,840,accredited|us_person,${later}`,
        `${b.address},${a.address},840,accredited|us_person,${later}`,
        `${existing.address},,826,institutional,${later}`,
        `${c.address},,826,institutional;qualified_purchaser;us_person,${sooner}`,
      ].join("\n");
      const { valid, rejected } = await parseInvestorCsv(csv, {
        now,
        isRegistered: (wallet) => registry.contains(wallet),
      });
      expect(rejected).to.deep.equal([
        {
          line: 4,
          raw: `${existing.address},,826,institutional,${later}`,
          reasons: ["wallet: already registered on-chain"],
        },
      ]);

      await registry.batchRegisterInvestor(valid);
      for (const { wallet, ...fields } of valid) {
        const word = await registry.investorRecord(wallet);
        expect(word).to.equal(packRecord({ ...fields, revoked: false }));
        expect(unpackRecord(word)).to.deep.equal({ ...fields, revoked: false });
      }
      expect(classNames(Number(await registry.investorClasses(c.address)))).to.deep.equal([
        "qualified_purchaser",
        "institutional",
        "us_person",
      ]);

      await registry.setRevoked(a.address, [a.address, b.address], true);
      const { wallet, ...fields } = valid[1];
      expect(wallet).to.equal(b.address);
      expect(unpackRecord(await registry.investorRecord(wallet))).to.deep.equal({ ...fields, revoked: true });
    });
  });
});
