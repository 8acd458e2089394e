import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ALL_RULES } from "../../lib/compliance-rules";
import { DAY, DEPLOYED_RULES, IDS, RULES, castFixture, configure, issue, tokens } from "./helpers";

/** Alice and Bob hold 10,000 each (issued with the deployed rules); a 30-day lockup period is configured. */
async function gasFixture() {
  const cast = await loadFixture(castFixture);
  const { fund, alice, bob } = cast;
  await issue(fund, alice.address, tokens("10000"));
  await issue(fund, bob.address, tokens("10000"));
  await configure(fund, "setLockPeriod", [30 * DAY]);
  return cast;
}

/**
 * Gas of a holder's transfer between two existing holders, measured on the second transfer after the rules
 * change (the first one initialises the outflow window), with the rules given.
 */
async function transferGas(rules: number, lockSome = false): Promise<bigint> {
  const { fund, alice, bob } = await loadFixture(gasFixture);
  const { token } = fund.contracts;
  await configure(fund, "setRules", [rules]);
  if (lockSome) await issue(fund, alice.address, tokens("100"));
  await (await token.connect(alice).transfer(bob.address, tokens("10"))).wait();
  const receipt = await (await token.connect(alice).transfer(bob.address, tokens("10"))).wait();
  return receipt!.gasUsed;
}

describe("ModularCompliance: gas", function () {
  it("should report the cost of a transfer by rule set, and of the restriction view", async function () {
    const none = await transferGas(0);
    const countryAndLimits = await transferGas(RULES.COUNTRY | RULES.HOLDING_LIMITS);
    const deployed = await transferGas(DEPLOYED_RULES);
    const all = await transferGas(ALL_RULES, true);

    const { fund, alice, bob } = await loadFixture(gasFixture);
    const { token, compliance } = fund.contracts;
    await configure(fund, "setRules", [ALL_RULES]);
    await issue(fund, alice.address, tokens("100"));
    expect(await fund.contracts.compliance.lockedShares(IDS.alice)).to.equal(tokens("100"));
    const viewCompliance = await compliance.detectTransferRestriction.estimateGas(
      alice.address,
      bob.address,
      tokens("10"),
    );
    const viewToken = await token.detectTransferRestriction.estimateGas(
      alice.address,
      bob.address,
      tokens("10"),
    );

    console.log("      transfer between existing holders (gasUsed):");
    console.log(`        (a) no rule                                  ${none}`);
    console.log(`        (b) country + holding limits                 ${countryAndLimits}`);
    console.log(`        (-) as deployed (all but lockup)             ${deployed}`);
    console.log(`        (c) all seven rules (sender has a lock)      ${all}`);
    console.log("      detectTransferRestriction, all seven rules (estimateGas, incl. 21,000 intrinsic):");
    console.log(`        compliance                                   ${viewCompliance}`);
    console.log(`        token (adds the token's own checks)          ${viewToken}`);

    expect(none).to.be.lt(countryAndLimits);
    expect(countryAndLimits).to.be.lt(deployed);
    expect(deployed).to.be.lt(all);
    expect(viewCompliance).to.be.lt(viewToken);
  });
});
