import hre from "hardhat";
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployFundFixture, DAY } from "../helpers/fund";
import { ROLE_IDS, TOKEN_ROLES } from "../../lib/deploy/roles";
import type { RolesReport } from "../../scripts/tasks/roles";
import { captureOutput, expectNothingSent } from "./helpers";

describe("tasks: roles:show", function () {
  let output: ReturnType<typeof captureOutput>;
  beforeEach(() => (output = captureOutput()));
  afterEach(() => output.restore());

  function role(report: RolesReport, name: string) {
    const r = report.roles.find((x) => x.name === name);
    if (!r) throw new Error(`no role ${name} in the report`);
    return r;
  }

  it("should show every role's holder Safe with its owners, threshold and delays, and its functions", async function () {
    const { fund } = await loadFixture(deployFundFixture);
    const signers = await hre.ethers.getSigners();
    const report: RolesReport = await expectNothingSent("roles:show", {});

    const issuer = role(report, "ISSUER");
    expect(issuer).to.include({ admin: "ADMIN", guardian: "GUARDIAN" });
    expect(issuer.members).to.deep.equal([
      {
        address: fund.as("issuer").address,
        label: "issuer Safe",
        active: true,
        executionDelay: BigInt(2 * DAY),
        safe: { owners: [6, 7, 8].map((i) => signers[i].address), threshold: 2 },
      },
    ]);
    expect(
      role(report, "ADMIN").members.map((m) => [m.label, m.executionDelay, m.safe?.threshold]),
    ).to.deep.equal([["admin Safe", BigInt(3 * DAY), 3]]);
    expect(role(report, "MINTER").members.map((m) => m.label)).to.have.members([
      "transferAgent Safe",
      "FundManager",
    ]);
    expect(role(report, "GUARDIAN").functions).to.deep.equal([
      "FundManager.pauseRedemptions",
      "FundManager.pauseSubscriptions",
      "FundToken.pause",
      "WrappedFundToken.pause",
    ]);
    expect(role(report, "MINTER").functions).to.deep.equal(
      [...TOKEN_ROLES.MINTER!].sort().map((fn) => `FundToken.${fn}`),
    );
    expect(role(report, "NAV_PUBLISHER").functions).to.deep.equal([
      "NavPublisher.publish",
      "ReservePublisher.publish",
    ]);
    expect(report.mismatches).to.deep.equal([]);
    expect(output.lines).to.include("Function wiring matches lib/deploy/roles.ts.");
  });

  it("should report a function wired differently from lib/deploy/roles.ts", async function () {
    const { fund } = await loadFixture(deployFundFixture);
    const { manager, token } = fund.contracts;
    const pause = token.interface.getFunction("pause")!.selector;
    await fund
      .as("admin")
      .now(manager)
      .setTargetFunctionRole(await token.getAddress(), [pause], ROLE_IDS.ISSUER);
    const report: RolesReport = await hre.run("roles:show", {});
    expect(report.mismatches).to.deep.equal([
      "FundToken.pause: wired to ISSUER on chain, lib/deploy/roles.ts says GUARDIAN",
    ]);
    expect(role(report, "GUARDIAN").functions).to.not.include("FundToken.pause");
    expect(role(report, "ISSUER").functions).to.include("FundToken.pause");
  });

  it("should drop a holder whose role was revoked", async function () {
    const { fund } = await loadFixture(deployFundFixture);
    await fund
      .as("admin")
      .now(fund.contracts.manager)
      .revokeRole(ROLE_IDS.GUARDIAN, fund.as("guardian").address);
    const report: RolesReport = await hre.run("roles:show", {});
    expect(role(report, "GUARDIAN").members).to.deep.equal([]);
    expect(output.lines).to.include("  holders: none");
  });
});
