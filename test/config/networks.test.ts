import { expect } from "chai";
import { missingNetworkProblem, remoteNetworks, requestedNetwork } from "../../lib/networks";

describe("hardhat.config networks (lib/networks.ts)", function () {
  describe("remoteNetworks", function () {
    it("should define only the networks whose RPC URL is set, with the deployer key when set", function () {
      expect(remoteNetworks({})).to.deep.equal({});
      expect(remoteNetworks({ SEPOLIA_RPC_URL: "https://rpc.example" })).to.deep.equal({
        sepolia: { url: "https://rpc.example", chainId: 11155111, accounts: [] },
      });
      const key = "0x" + "11".repeat(32);
      expect(
        remoteNetworks({ BASE_RPC_URL: "https://base.example", DEPLOYER_PRIVATE_KEY: key }),
      ).to.deep.equal({
        base: { url: "https://base.example", chainId: 8453, accounts: [key] },
      });
    });
  });

  describe("requestedNetwork", function () {
    it("should read --network, else HARDHAT_NETWORK", function () {
      expect(requestedNetwork(["node", "hardhat", "--network", "mainnet", "deploy"], {})).to.equal("mainnet");
      expect(requestedNetwork(["node", "hardhat", "test"], { HARDHAT_NETWORK: "sepolia" })).to.equal(
        "sepolia",
      );
      expect(requestedNetwork(["node", "hardhat", "test"], {})).to.equal(undefined);
    });
  });

  describe("missingNetworkProblem", function () {
    describe("when a remote network is asked for without its RPC URL", function () {
      it("should name the variable to set", function () {
        expect(missingNetworkProblem(["node", "hardhat", "--network", "sepolia", "deploy"], {})).to.equal(
          "--network sepolia: set SEPOLIA_RPC_URL to the network's RPC URL (README, Networks); " +
            "DEPLOYER_PRIVATE_KEY signs deployments when set",
        );
        expect(missingNetworkProblem(["node", "hardhat", "test"], { HARDHAT_NETWORK: "arbitrum" })).to.match(
          /^--network arbitrum: set ARBITRUM_RPC_URL /,
        );
      });
    });

    describe("when the network is local, unknown, or its RPC URL is set", function () {
      it("should find no problem", function () {
        expect(missingNetworkProblem(["node", "hardhat", "test"], {})).to.equal(undefined);
        expect(missingNetworkProblem(["node", "hardhat", "--network", "localhost", "demo"], {})).to.equal(
          undefined,
        );
        expect(missingNetworkProblem(["node", "hardhat", "--network", "nowhere"], {})).to.equal(undefined);
        expect(
          missingNetworkProblem(["node", "hardhat", "--network", "mainnet"], {
            MAINNET_RPC_URL: "https://x",
          }),
        ).to.equal(undefined);
      });
    });
  });
});
