/**
 * Issue 18: the validator of a fund deployed across networks (lib/deploy/multichain-config.ts) refuses inconsistent
 * chains and lanes before anything is sent.
 */
import { expect } from "chai";
import {
  bucket,
  multichainProblems,
  validateMultichain,
  type MultichainConfig,
} from "../../lib/deploy/multichain-config";

const A = (n: number) => "0x" + n.toString(16).padStart(40, "0");

function config(): MultichainConfig {
  const chain = (network: string, chainSelector: string, base: number) => ({
    network,
    chainSelector,
    router: A(base + 1),
    rmnProxy: A(base + 2),
    tokenAdminRegistry: A(base + 3),
    registryModuleOwnerCustom: A(base + 4),
    fees: "native" as const,
  });
  return {
    home: chain("sepolia", "16015286601757825753", 0x100),
    satellites: [
      {
        ...chain("arbitrumSepolia", "3478487238524512106", 0x200),
        lane: {
          toSatellite: { capacity: "1000000", ratePerSecond: "100" },
          toHome: { capacity: "1000000", ratePerSecond: "100" },
        },
      },
    ],
  };
}

describe("multichainProblems (issue 18: the config of a fund across networks)", function () {
  describe("when the config is consistent", function () {
    it("should find no problem and return checksummed addresses", function () {
      expect(multichainProblems(config())).to.deep.equal([]);
      expect(validateMultichain(config()).home.router).to.equal("0x0000000000000000000000000000000000000101");
    });

    it("should turn a lane's buckets into Chainlink RateLimiter configs (18 decimals), off when null", function () {
      expect(bucket({ capacity: "1000", ratePerSecond: "1.5" })).to.deep.equal({
        isEnabled: true,
        capacity: 1000n * 10n ** 18n,
        rate: 15n * 10n ** 17n,
      });
      expect(bucket(null)).to.deep.equal({ isEnabled: false, capacity: 0n, rate: 0n });
    });
  });

  describe("when a satellite reuses the home chain's selector or network", function () {
    it("should name both problems", function () {
      const c = config();
      c.satellites[0].chainSelector = c.home.chainSelector;
      c.satellites[0].network = c.home.network;
      expect(multichainProblems(c)).to.deep.equal([
        "satellites[0] (sepolia): chainSelector 16015286601757825753 is already home's",
        "satellites[0] (sepolia): network sepolia is already home's",
      ]);
    });
  });

  describe("when a pair is inconsistent", function () {
    it("should refuse a receiving side that accepts less than the sending side sends", function () {
      const c = config();
      c.satellites[0].inbound = { toSatellite: { capacity: "500000", ratePerSecond: "100" } };
      expect(multichainProblems(c)).to.deep.equal([
        "satellites[0] (arbitrumSepolia) home -> satellite: the receiving side accepts less (500000, 100/s) than the sending side sends (1000000, 100/s)",
      ]);
      expect(() => validateMultichain(c)).to.throw("the receiving side accepts less");
    });

    it("should refuse a rate above its capacity and a zero capacity", function () {
      const c = config();
      c.satellites[0].lane.toHome = { capacity: "10", ratePerSecond: "11" };
      c.satellites[0].lane.toSatellite = { capacity: "0", ratePerSecond: "0" };
      expect(multichainProblems(c)).to.deep.equal([
        "satellites[0] (arbitrumSepolia) lane.toSatellite: capacity 0 (use null to switch the limit off)",
        "satellites[0] (arbitrumSepolia) lane.toHome: rate 11/s above capacity 10",
      ]);
    });
  });

  describe("when a chain is incomplete", function () {
    it("should refuse a zero router, LINK fees without a LINK token, and no satellite", function () {
      const c = config();
      c.home.router = A(0);
      c.home.fees = "link";
      c.satellites = [];
      expect(multichainProblems(c)).to.deep.equal([
        `home: router ${A(0)} is not a non-zero address`,
        "home: fees in LINK need linkToken",
        "satellites: none",
      ]);
    });
  });
});
