import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployFundFixture, registerInvestor, mint, ONE } from "../helpers/fund";

describe("deployed fund (smoke)", function () {
  it("should let the transfer agent mint to a registered investor and the investor transfer", async function () {
    const { fund, investors } = await loadFixture(deployFundFixture);
    const [alice, bob] = investors;
    const { token } = fund.contracts;
    await registerInvestor(fund, alice.address);
    await registerInvestor(fund, bob.address);
    await mint(fund, alice.address, 1000n * ONE);
    await token.connect(alice).transfer(bob.address, 10n * ONE);
    expect(await token.balanceOf(bob.address)).to.equal(10n * ONE);
    expect(await token.balanceOf(alice.address)).to.equal(990n * ONE);
  });
});
