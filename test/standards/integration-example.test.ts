/**
 * docs/INTEGRATION.md's worked example (scripts/examples/integrator.ts), run against the fund deployed by the
 * deploy scripts: a wallet's pre-flight (ERC-7943), a fund platform subscribing, requesting a redemption, waiting
 * for the transfer agent's settlement and claiming (ERC-7575 / ERC-7540), a cancellation (ERC-7887) and an
 * operator. The document must quote the example file unchanged.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Contract } from "ethers";
import { vaultFixture, settle, tokensFor, netFor, USDC, TOKENS } from "./fixtures";
import {
  TOKEN_ABI,
  preflight,
  entryPoint,
  subscribe,
  requestRedemption,
  requestState,
  claimAll,
  cancelAndReclaim,
  approveOperator,
} from "../../scripts/examples/integrator";

const ROOT = path.join(__dirname, "..", "..");

describe("docs/INTEGRATION.md: the worked example", function () {
  it("should be quoted unchanged by docs/INTEGRATION.md", function () {
    const example = fs.readFileSync(path.join(ROOT, "scripts/examples/integrator.ts"), "utf8");
    const doc = fs.readFileSync(path.join(ROOT, "docs/INTEGRATION.md"), "utf8");
    expect(doc.includes("```ts\n" + example + "```\n")).to.equal(true);
  });

  it("should pre-flight a transfer, subscribe, request, claim after settlement, cancel and use an operator", async function () {
    const f = await loadFixture(vaultFixture);
    const { alice, dave, outsider, usdc, fund } = f;
    const token = new Contract(await fund.contracts.token.getAddress(), TOKEN_ABI, hre.ethers.provider);

    // A fund platform finds the USDC entry point from the share token.
    const vault = await entryPoint(token, await usdc.getAddress(), hre.ethers.provider);
    expect(await vault.getAddress()).to.equal(f.vaultAddress);

    // It subscribes 4,000 USDC for alice: 3,996 tokens after the 10 bps fee.
    const { minimum, shares } = await subscribe(vault, alice, USDC("4000"), alice.address);
    expect(shares).to.equal(tokensFor(USDC("4000")));
    expect(minimum <= shares).to.equal(true);
    // Above the room left (5,000 a day for alice), the example refuses before sending anything.
    await expect(subscribe(vault, alice, USDC("1001"), alice.address)).to.be.rejectedWith(
      `the fund takes at most ${USDC("1000")}`,
    );

    // A wallet's pre-flight: alice may send to dave (verified), not to an outsider (not verified).
    expect(await preflight(token, alice.address, dave.address, TOKENS("100"))).to.deep.equal({
      canSend: true,
      canReceive: true,
      canTransfer: true,
      frozen: 0n,
    });
    const refused = await preflight(token, alice.address, outsider.address, TOKENS("100"));
    expect([refused.canReceive, refused.canTransfer]).to.deep.equal([false, false]);

    // A redemption request: pending until the transfer agent settles it, then claimable, then claimed.
    const requestId = await requestRedemption(vault, alice, TOKENS("1000"));
    expect(requestId).to.equal(1n);
    expect(await requestState(vault, requestId, alice.address)).to.deep.equal({
      pending: TOKENS("1000"),
      claimable: 0n,
      cancelled: 0n,
    });
    expect(await claimAll(vault, alice, alice.address)).to.equal(0n);
    await settle(f, 1);
    expect((await requestState(vault, requestId, alice.address)).claimable).to.equal(TOKENS("1000"));
    const before = await usdc.balanceOf(alice.address);
    expect(await claimAll(vault, alice, alice.address)).to.equal(netFor(TOKENS("1000")));
    expect((await usdc.balanceOf(alice.address)) - before).to.equal(netFor(TOKENS("1000")));

    // A second request, cancelled: the tokens come back at once.
    const second = await requestRedemption(vault, alice, TOKENS("500"));
    await cancelAndReclaim(vault, alice, second);
    expect(await token.balanceOf(alice.address)).to.equal(shares - TOKENS("1000"));

    // An operator (dave) requests for alice, who keeps control of the request.
    await approveOperator(vault, alice, dave.address);
    await vault.connect(dave).getFunction("requestRedeem")(TOKENS("100"), alice.address, alice.address);
    expect((await requestState(vault, 3n, alice.address)).pending).to.equal(TOKENS("100"));
  });
});
