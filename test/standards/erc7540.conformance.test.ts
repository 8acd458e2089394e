/**
 * ERC-7540 (Asynchronous ERC-4626 Tokenized Vaults, status Final): one `it` per MUST statement of the
 * specification that applies to the fund's entry points (FundVault), quoted. The entry points are asynchronous
 * redemption Vaults with synchronous subscriptions: the statements of asynchronous deposit Vaults (requestDeposit,
 * pendingDepositRequest, claimableDepositRequest, the DepositRequest event) are checked as not implemented, by
 * ERC-165 and by the ERC-4626 synchronous pattern of `deposit` / `mint` that the standard then requires.
 */
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Interface, MaxUint256, ZeroAddress, id as keccakText } from "ethers";
import {
  holdersFixture,
  vaultFixture,
  settle,
  tokensFor,
  interfaceIdOf,
  IERC165,
  USDC,
  TOKENS,
  type VaultFixture,
} from "./fixtures";
import { asIssuer } from "../fund/fixtures";
import { roleStep } from "../../lib/fund";

const IERC7540_OPERATOR = "contracts/interfaces/IERC7540.sol:IERC7540Operator";
const IERC7540_REDEEM = "contracts/interfaces/IERC7540.sol:IERC7540Redeem";
const IERC7575 = "contracts/interfaces/IERC7575.sol:IERC7575";

/** ERC-165 id of a list of function signatures (the XOR of their selectors). */
function idOfSignatures(signatures: string[]): string {
  let id = 0;
  for (const s of signatures) id ^= Number.parseInt(keccakText(s).slice(2, 10), 16);
  return "0x" + (id >>> 0).toString(16).padStart(8, "0");
}

/** {holdersFixture} after alice requested the redemption of 1,000 tokens (request #1, controlled by alice). */
async function requestedFixture(): Promise<VaultFixture> {
  const f = await loadFixture(holdersFixture);
  await f.vault.connect(f.alice).requestRedeem(TOKENS("1000"), f.alice.address, f.alice.address);
  return f;
}

/** {requestedFixture} after the transfer agent settled request #1 (Claimable: 999.5 USDC). */
async function claimableFixture(): Promise<VaultFixture> {
  const f = await loadFixture(requestedFixture);
  await settle(f, 1);
  return f;
}

describe("ERC-7540 on the fund's entry points (FundVault)", function () {
  describe("Request Flows", function () {
    it('"ERC-7540 Vaults MUST implement one or both of asynchronous deposit and redemption Request flows. If either flow is not implemented in a Request pattern, it MUST use the ERC-4626 standard synchronous interaction pattern" (redemptions are Requests; deposit mints at once)', async function () {
      const { vault, fund, alice } = await loadFixture(vaultFixture);
      const iface = vault.interface as Interface;
      expect(iface.getFunction("requestRedeem")).to.not.equal(null);
      expect(iface.getFunction("requestDeposit")).to.equal(null);
      await vault.connect(alice)["deposit(uint256,address)"](USDC("1000"), alice.address);
      expect(await fund.contracts.token.balanceOf(alice.address)).to.equal(tokensFor(USDC("1000")));
    });

    it('asynchronous redeem Vaults: "the controller MUST be msg.sender unless the controller has approved the msg.sender as an operator" (redeem and withdraw)', async function () {
      const { vault, usdc, alice, bob } = await loadFixture(claimableFixture);
      await expect(vault.connect(bob).redeem(TOKENS("100"), bob.address, alice.address))
        .to.be.revertedWithCustomError(vault, "UnauthorizedCaller")
        .withArgs(bob.address, alice.address);
      await expect(vault.connect(bob).withdraw(USDC("100"), bob.address, alice.address))
        .to.be.revertedWithCustomError(vault, "UnauthorizedCaller")
        .withArgs(bob.address, alice.address);
      await vault.connect(alice).setOperator(bob.address, true);
      const before = await usdc.balanceOf(bob.address);
      await vault.connect(bob).redeem(TOKENS("100"), bob.address, alice.address);
      await vault.connect(bob).withdraw(USDC("100"), bob.address, alice.address);
      expect((await usdc.balanceOf(bob.address)) - before).to.equal(USDC("99.95") + USDC("100"));
    });

    it('asynchronous redeem Vaults: "previewRedeem and previewWithdraw MUST revert for all callers and inputs"', async function () {
      const { vault, alice, outsider } = await loadFixture(claimableFixture);
      for (const caller of [alice, outsider]) {
        for (const amount of [0n, 1n, TOKENS("1000"), MaxUint256]) {
          await expect(vault.connect(caller).previewRedeem(amount)).to.be.revertedWithCustomError(
            vault,
            "PreviewUnavailable",
          );
          await expect(vault.connect(caller).previewWithdraw(amount)).to.be.revertedWithCustomError(
            vault,
            "PreviewUnavailable",
          );
        }
      }
    });

    it('"All ERC-7540 asynchronous tokenized Vaults MUST implement ERC-4626 with overrides for certain behavior" (the synchronous previews keep ERC-4626\'s behaviour)', async function () {
      const { vault } = await loadFixture(vaultFixture);
      expect(await vault.previewDeposit(USDC("1000"))).to.be.greaterThan(0n);
      expect(await vault.previewMint(TOKENS("1000"))).to.be.greaterThan(0n);
    });
  });

  describe("Request Lifecycle", function () {
    it('"Requests MUST NOT skip or otherwise short-circuit the Claim state ... Vaults MUST NOT \\"push\\" tokens onto the user after a Request, users MUST \\"pull\\" the tokens via the Claim function" (settlement pays the vault, the claim pays the user)', async function () {
      const f = await loadFixture(requestedFixture);
      const { vault, vaultAddress, usdc, alice } = f;
      const before = await usdc.balanceOf(alice.address);
      await settle(f, 1);
      expect(await usdc.balanceOf(alice.address)).to.equal(before);
      expect(await usdc.balanceOf(vaultAddress)).to.equal(USDC("999.5"));
      await vault.connect(alice).redeem(TOKENS("1000"), alice.address, alice.address);
      expect((await usdc.balanceOf(alice.address)) - before).to.equal(USDC("999.5"));
    });

    it('"to initiate and claim a Request, a user MUST call both request* and the corresponding Claim function separately" (a request the free buffer could pay is still only queued)', async function () {
      const { vault, fm, usdc, alice } = await loadFixture(holdersFixture);
      expect((await fm.liquidity(usdc)).free).to.equal(USDC("2000"));
      const before = await usdc.balanceOf(alice.address);
      await vault.connect(alice).requestRedeem(TOKENS("100"), alice.address, alice.address);
      expect(await usdc.balanceOf(alice.address)).to.equal(before);
      expect(await vault.pendingRedeemRequest(1, alice.address)).to.equal(TOKENS("100"));
      expect(await vault.claimableRedeemRequest(1, alice.address)).to.equal(0n);
    });
  });

  describe("Request Ids", function () {
    it('"Requests of the same requestId MUST be fungible with each other ... all Requests with the same requestId MUST transition from Pending to Claimable at the same time" (every Request has its own id, its queue position: no two Requests share one)', async function () {
      const f = await loadFixture(holdersFixture);
      const { vault, alice, bob } = f;
      const first = await vault
        .connect(alice)
        .requestRedeem.staticCall(TOKENS("100"), alice.address, alice.address);
      await vault.connect(alice).requestRedeem(TOKENS("100"), alice.address, alice.address);
      await vault.connect(bob).requestRedeem(TOKENS("200"), bob.address, bob.address);
      await vault.connect(alice).requestRedeem(TOKENS("300"), alice.address, alice.address);
      expect(first).to.equal(1n);
      // The id with another controller discriminates nothing: 0.
      expect(await vault.pendingRedeemRequest(1, bob.address)).to.equal(0n);
      expect(await vault.pendingRedeemRequest(2, bob.address)).to.equal(TOKENS("200"));
      expect(await vault.pendingRedeemRequest(3, alice.address)).to.equal(TOKENS("300"));
      await settle(f, 1);
      expect(await vault.claimableRedeemRequest(1, alice.address)).to.equal(TOKENS("100"));
      expect(await vault.pendingRedeemRequest(2, bob.address)).to.equal(TOKENS("200"));
      expect(await vault.pendingRedeemRequest(3, alice.address)).to.equal(TOKENS("300"));
    });

    it('"If a Vault returns 0 for the requestId of any request, it MUST return 0 for all requests" (ids start at 1, so none is 0)', async function () {
      const { vault, fm, usdc, alice, bob } = await loadFixture(holdersFixture);
      // A direct request of the manager takes a position in the same queue; the vault's next request comes after.
      await fm.connect(bob).requestRedemption(TOKENS("100"), usdc, 0);
      const next = await vault
        .connect(alice)
        .requestRedeem.staticCall(TOKENS("100"), alice.address, alice.address);
      expect(next).to.not.equal(0n);
    });
  });

  describe("requestRedeem", function () {
    it('"the shares MUST be removed from the custody of owner upon requestRedeem and burned by the time the request is Claimed"', async function () {
      const f = await loadFixture(holdersFixture);
      const { vault, fm, fund, alice } = f;
      const { token } = fund.contracts;
      const supply = await token.totalSupply();
      await vault.connect(alice).requestRedeem(TOKENS("1000"), alice.address, alice.address);
      expect(await token.balanceOf(alice.address)).to.equal(TOKENS("2996"));
      expect(await token.balanceOf(fm)).to.equal(TOKENS("1000"));
      await settle(f, 1);
      expect(await token.totalSupply()).to.equal(supply - TOKENS("1000"));
      expect(await token.balanceOf(fm)).to.equal(0n);
      await vault.connect(alice).redeem(TOKENS("1000"), alice.address, alice.address);
      expect(await token.totalSupply()).to.equal(supply - TOKENS("1000"));
    });

    it('"spenders with operator permission are not subject to allowance restrictions" (ERC-6909, as ERC-7540 requires)', async function () {
      const { vault, fund, alice, bob } = await loadFixture(holdersFixture);
      await vault.connect(alice).setOperator(bob.address, true);
      await vault.connect(bob).requestRedeem(TOKENS("100"), bob.address, alice.address);
      expect(await fund.contracts.token.allowance(alice.address, bob.address)).to.equal(0n);
      expect(await vault.pendingRedeemRequest(1, bob.address)).to.equal(TOKENS("100"));
    });

    it('"spenders with non-infinite approvals MUST have their balance deducted on delegated transfers" (the allowance over the owner\'s shares is spent)', async function () {
      const { vault, fund, alice, bob } = await loadFixture(holdersFixture);
      const { token } = fund.contracts;
      await token.connect(alice).approve(bob.address, TOKENS("150"));
      await vault.connect(bob).requestRedeem(TOKENS("100"), bob.address, alice.address);
      expect(await token.allowance(alice.address, bob.address)).to.equal(TOKENS("50"));
      await expect(vault.connect(bob).requestRedeem(TOKENS("51"), bob.address, alice.address))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(bob.address, TOKENS("50"), TOKENS("51"));
    });

    it('"spenders with infinite approvals SHOULD NOT have their allowance deducted on delegated transfers"', async function () {
      const { vault, fund, alice, bob } = await loadFixture(holdersFixture);
      const { token } = fund.contracts;
      await token.connect(alice).approve(bob.address, MaxUint256);
      await vault.connect(bob).requestRedeem(TOKENS("100"), bob.address, alice.address);
      expect(await token.allowance(alice.address, bob.address)).to.equal(MaxUint256);
    });

    it('"A Request MAY transition straight to Claimable state but MUST NOT skip the Claimable state" (settled: Claimable until claimed)', async function () {
      const { vault, alice } = await loadFixture(claimableFixture);
      expect(await vault.claimableRedeemRequest(1, alice.address)).to.equal(TOKENS("1000"));
      expect(await vault.maxRedeem(alice.address)).to.equal(TOKENS("1000"));
      await vault.connect(alice).redeem(TOKENS("1000"), alice.address, alice.address);
      expect(await vault.claimableRedeemRequest(1, alice.address)).to.equal(0n);
    });

    it('"MUST revert if all of shares cannot be requested for redeem / withdraw (due to withdrawal limit being reached, slippage, the owner not having enough shares, etc)"', async function () {
      const { vault, fund, alice } = await loadFixture(holdersFixture);
      const { token, compliance } = fund.contracts;
      await expect(vault.connect(alice).requestRedeem(TOKENS("3996") + 1n, alice.address, alice.address))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientBalance")
        .withArgs(alice.address, TOKENS("3996"), TOKENS("3996") + 1n);
      // The compliance's daily outflow limit.
      const rules = await compliance.rules();
      await asIssuer(fund, [
        roleStep(compliance, "setMaxDailyOutflow", [TOKENS("500")]),
        roleStep(compliance, "setRules", [rules | (1n << 6n)]),
      ]);
      await expect(vault.connect(alice).requestRedeem(TOKENS("501"), alice.address, alice.address))
        .to.be.revertedWithCustomError(compliance, "TransferRestricted")
        .withArgs(20);
      expect(await token.balanceOf(alice.address)).to.equal(TOKENS("3996"));
    });

    it('"MUST emit the RedeemRequest event" (controller, owner, requestId, sender, shares)', async function () {
      const { vault, alice, bob, dave } = await loadFixture(holdersFixture);
      await vault.connect(alice).setOperator(bob.address, true);
      await expect(vault.connect(bob).requestRedeem(TOKENS("100"), dave.address, alice.address))
        .to.emit(vault, "RedeemRequest")
        .withArgs(dave.address, alice.address, 1, bob.address, TOKENS("100"));
    });
  });

  describe("pendingRedeemRequest", function () {
    it('"MUST NOT include any shares in Claimable state for redeem or withdraw"', async function () {
      const { vault, alice } = await loadFixture(claimableFixture);
      expect(await vault.claimableRedeemRequest(1, alice.address)).to.equal(TOKENS("1000"));
      expect(await vault.pendingRedeemRequest(1, alice.address)).to.equal(0n);
    });

    it('"MUST NOT show any variations depending on the caller"', async function () {
      const { vault, alice, bob, outsider } = await loadFixture(requestedFixture);
      for (const caller of [alice, bob, outsider]) {
        expect(await vault.connect(caller).pendingRedeemRequest(1, alice.address)).to.equal(TOKENS("1000"));
      }
    });

    it('"MUST NOT revert unless due to integer overflow caused by an unreasonably large input" (unknown ids, controllers)', async function () {
      const { vault, alice } = await loadFixture(requestedFixture);
      expect(await vault.pendingRedeemRequest(0, alice.address)).to.equal(0n);
      expect(await vault.pendingRedeemRequest(MaxUint256, alice.address)).to.equal(0n);
      expect(await vault.pendingRedeemRequest(1, ZeroAddress)).to.equal(0n);
    });
  });

  describe("claimableRedeemRequest", function () {
    it('"MUST NOT include any shares in Pending state for redeem or withdraw"', async function () {
      const { vault, alice } = await loadFixture(requestedFixture);
      expect(await vault.pendingRedeemRequest(1, alice.address)).to.equal(TOKENS("1000"));
      expect(await vault.claimableRedeemRequest(1, alice.address)).to.equal(0n);
    });

    it('"MUST NOT show any variations depending on the caller"', async function () {
      const { vault, alice, bob, outsider } = await loadFixture(claimableFixture);
      for (const caller of [alice, bob, outsider]) {
        expect(await vault.connect(caller).claimableRedeemRequest(1, alice.address)).to.equal(TOKENS("1000"));
      }
    });

    it('"MUST NOT revert unless due to integer overflow caused by an unreasonably large input" (unknown ids, controllers)', async function () {
      const { vault, alice } = await loadFixture(claimableFixture);
      expect(await vault.claimableRedeemRequest(0, alice.address)).to.equal(0n);
      expect(await vault.claimableRedeemRequest(MaxUint256, alice.address)).to.equal(0n);
      expect(await vault.claimableRedeemRequest(1, ZeroAddress)).to.equal(0n);
    });
  });

  describe("setOperator and isOperator", function () {
    it('"MUST set the operator status to the approved value"; "MUST log the OperatorSet event"; "MUST return True"', async function () {
      const { vault, alice, bob } = await loadFixture(vaultFixture);
      expect(await vault.connect(alice).setOperator.staticCall(bob.address, true)).to.equal(true);
      await expect(vault.connect(alice).setOperator(bob.address, true))
        .to.emit(vault, "OperatorSet")
        .withArgs(alice.address, bob.address, true);
      expect(await vault.isOperator(alice.address, bob.address)).to.equal(true);
      expect(await vault.isOperator(bob.address, alice.address)).to.equal(false);
      expect(await vault.connect(alice).setOperator.staticCall(bob.address, false)).to.equal(true);
      await expect(vault.connect(alice).setOperator(bob.address, false))
        .to.emit(vault, "OperatorSet")
        .withArgs(alice.address, bob.address, false);
      expect(await vault.isOperator(alice.address, bob.address)).to.equal(false);
    });

    it('OperatorSet: "MAY be logged when the operator status is set to the same status it was before the current call"', async function () {
      const { vault, alice, bob } = await loadFixture(vaultFixture);
      await expect(vault.connect(alice).setOperator(bob.address, false))
        .to.emit(vault, "OperatorSet")
        .withArgs(alice.address, bob.address, false);
    });
  });

  describe("deposit and mint overloaded methods", function () {
    it('"Implementations MUST support an additional overloaded deposit and mint method ... with an additional controller input of type address"', async function () {
      const { vault } = await loadFixture(vaultFixture);
      const iface = vault.interface as Interface;
      expect(iface.getFunction("deposit(uint256,address,address)")).to.not.equal(null);
      expect(iface.getFunction("mint(uint256,address,address)")).to.not.equal(null);
    });

    it('"Calls MUST revert unless msg.sender is either equal to controller or an operator approved by controller"', async function () {
      const { vault, alice, bob } = await loadFixture(vaultFixture);
      await expect(
        vault.connect(bob)["deposit(uint256,address,address)"](USDC("1000"), bob.address, alice.address),
      )
        .to.be.revertedWithCustomError(vault, "UnauthorizedCaller")
        .withArgs(bob.address, alice.address);
      await expect(
        vault.connect(bob)["mint(uint256,address,address)"](TOKENS("1000"), bob.address, alice.address),
      )
        .to.be.revertedWithCustomError(vault, "UnauthorizedCaller")
        .withArgs(bob.address, alice.address);
      await vault
        .connect(alice)
        ["deposit(uint256,address,address)"](USDC("1000"), alice.address, alice.address);
      await vault.connect(alice).setOperator(bob.address, true);
      await vault.connect(bob)["mint(uint256,address,address)"](TOKENS("100"), alice.address, alice.address);
    });

    it('"When the Deposit event is emitted, the first parameter MUST be the controller, and the second parameter MUST be the receiver"', async function () {
      const { vault, usdc, alice, bob, dave } = await loadFixture(vaultFixture);
      await vault.connect(alice).setOperator(bob.address, true);
      const paid = await usdc.balanceOf(alice.address);
      await expect(
        vault.connect(bob)["deposit(uint256,address,address)"](USDC("1000"), dave.address, alice.address),
      )
        .to.emit(vault, "Deposit")
        .withArgs(alice.address, dave.address, USDC("1000"), tokensFor(USDC("1000")));
      expect(paid - (await usdc.balanceOf(alice.address))).to.equal(USDC("1000"));
      const assets = await vault.previewMint(TOKENS("100"));
      await expect(
        vault.connect(bob)["mint(uint256,address,address)"](TOKENS("100"), dave.address, alice.address),
      )
        .to.emit(vault, "Deposit")
        .withArgs(alice.address, dave.address, assets, tokensFor(assets));
    });
  });

  describe("Events", function () {
    it("should declare RedeemRequest and OperatorSet with the standard's signatures and indexed parameters", async function () {
      const { vault } = await loadFixture(vaultFixture);
      const iface = vault.interface as Interface;
      const redeemRequest = iface.getEvent("RedeemRequest")!;
      expect(redeemRequest.topicHash).to.equal(
        keccakText("RedeemRequest(address,address,uint256,address,uint256)"),
      );
      expect(redeemRequest.inputs.map((i) => i.indexed)).to.deep.equal([true, true, true, false, false]);
      const operatorSet = iface.getEvent("OperatorSet")!;
      expect(operatorSet.topicHash).to.equal(keccakText("OperatorSet(address,address,bool)"));
      expect(operatorSet.inputs.map((i) => i.indexed)).to.deep.equal([true, true, false]);
      expect(iface.getEvent("DepositRequest")).to.equal(null);
    });
  });

  describe("ERC-165 support", function () {
    it('"All asynchronous Vaults MUST return the constant value true if either 0xe3bc4e65 (representing the operator methods that all ERC-7540 Vaults implement) or 0x2f0a18c5 (representing the ERC-7575 interface) is passed" (ids computed from the interfaces)', async function () {
      const { vault } = await loadFixture(vaultFixture);
      const operator = await interfaceIdOf(IERC7540_OPERATOR);
      const erc7575 = await interfaceIdOf(IERC7575, [IERC165]);
      expect([operator, erc7575]).to.deep.equal(["0xe3bc4e65", "0x2f0a18c5"]);
      expect(await vault.supportsInterface(operator)).to.equal(true);
      expect(await vault.supportsInterface(erc7575)).to.equal(true);
      expect(await vault.supportsInterface(await interfaceIdOf(IERC165))).to.equal(true);
    });

    it('"Asynchronous redemption Vaults MUST return the constant value true if 0x620ee8e4 is passed" (id computed from the interface)', async function () {
      const { vault } = await loadFixture(vaultFixture);
      const id = await interfaceIdOf(IERC7540_REDEEM);
      expect(id).to.equal("0x620ee8e4");
      expect(await vault.supportsInterface(id)).to.equal(true);
    });

    it('"Asynchronous deposit Vaults MUST return the constant value true if 0xce3bbe50 is passed" (not one: false; the id computed from the three deposit Request methods and the two overloaded claims)', async function () {
      const { vault } = await loadFixture(vaultFixture);
      const id = idOfSignatures([
        "requestDeposit(uint256,address,address)",
        "pendingDepositRequest(uint256,address)",
        "claimableDepositRequest(uint256,address)",
        "deposit(uint256,address,address)",
        "mint(uint256,address,address)",
      ]);
      expect(id).to.equal("0xce3bbe50");
      expect(await vault.supportsInterface(id)).to.equal(false);
    });
  });

  describe("ERC-7575 support", function () {
    it('"Smart contracts implementing this Vault standard MUST implement the ERC-7575 standard (in particular the share method)"', async function () {
      const { vault, fund } = await loadFixture(vaultFixture);
      expect(await vault.share()).to.equal(await fund.contracts.token.getAddress());
    });
  });
});
