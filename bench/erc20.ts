/**
 * Baseline suite: a plain OpenZeppelin 5 ERC-20 (contracts/mocks/PlainERC20.sol) with an owner-only
 * mint, measured on the in-process Hardhat network with the same accounts and amounts as the other
 * suites.
 */
import { ethers } from "hardhat";
import { benchAccounts, check, isolated, measureGas } from "./common";
import {
  INITIAL_BALANCE,
  MINT_AMOUNT,
  TRANSFER_AMOUNT,
  type GasRecord,
  type OperationKey,
} from "./operations";

/** Why an operation has no ERC-20 figure. */
export const ERC20_NOT_APPLICABLE: Partial<Record<OperationKey, string>> = {
  transfer_existing_country_maxbalance: "a plain ERC-20 has no compliance modules",
  transfer_existing_all_modules: "a plain ERC-20 has no compliance modules",
  register_investor: "a plain ERC-20 has no identity registry",
  register_investor_batch_per_item: "a plain ERC-20 has no identity registry",
  register_from_claims: "a plain ERC-20 has no identity registry",
  register_from_attestation: "a plain ERC-20 has no identity registry",
  refresh: "a plain ERC-20 has no identity registry",
  mint_live_check: "a plain ERC-20 has no identity registry",
  accrue_10_holders: "a plain ERC-20 does not accrue",
  accrue_1000_holders: "a plain ERC-20 does not accrue",
  accrue_10000_holders: "a plain ERC-20 does not accrue",
  vault_request_redeem: "a plain ERC-20 has no ERC-7540 vault",
  vault_claim_redeem: "a plain ERC-20 has no ERC-7540 vault",
};

/**
 * Deploys PlainERC20 (owner: the issuer), mints INITIAL_BALANCE to alice and bob, then measures:
 * - `transfer_existing_no_rules`: alice -> bob, both holding tokens;
 * - `transfer_new_no_rules`: alice -> carol, carol's balance zero;
 * - `mint`: owner mints MINT_AMOUNT to bob, who holds tokens.
 * Every other key is null (see ERC20_NOT_APPLICABLE).
 * Runs `isolated`: the network is reverted to its previous state afterwards.
 */
export async function measureErc20(): Promise<GasRecord> {
  return isolated(measureErc20Here);
}

async function measureErc20Here(): Promise<GasRecord> {
  const { issuer, alice, bob, carol } = await benchAccounts();
  const token = await ethers.deployContract(
    "PlainERC20",
    ["Plain USD", "PUSD", await issuer.getAddress()],
    issuer,
  );
  await token.waitForDeployment();
  const [a, b, c] = await Promise.all([alice.getAddress(), bob.getAddress(), carol.getAddress()]);

  await (await token.connect(issuer).mint(a, INITIAL_BALANCE)).wait();
  await (await token.connect(issuer).mint(b, INITIAL_BALANCE)).wait();
  check((await token.balanceOf(c)) === 0n, "carol starts with zero balance");

  const transferExisting = await measureGas(
    "ERC-20 transfer to holder",
    token.connect(alice).transfer(b, TRANSFER_AMOUNT),
  );
  check((await token.balanceOf(b)) === INITIAL_BALANCE + TRANSFER_AMOUNT, "bob received the transfer");

  const transferNew = await measureGas(
    "ERC-20 transfer to new wallet",
    token.connect(alice).transfer(c, TRANSFER_AMOUNT),
  );
  check((await token.balanceOf(c)) === TRANSFER_AMOUNT, "carol received the transfer");

  const mint = await measureGas("ERC-20 mint", token.connect(issuer).mint(b, MINT_AMOUNT));
  check(
    (await token.balanceOf(b)) === INITIAL_BALANCE + TRANSFER_AMOUNT + MINT_AMOUNT,
    "bob received the mint",
  );

  return {
    transfer_existing_no_rules: transferExisting,
    transfer_new_no_rules: transferNew,
    transfer_existing_country_maxbalance: null,
    transfer_existing_all_modules: null,
    mint,
    register_investor: null,
    register_investor_batch_per_item: null,
    register_from_claims: null,
    register_from_attestation: null,
    refresh: null,
    mint_live_check: null,
    accrue_10_holders: null,
    accrue_1000_holders: null,
    accrue_10000_holders: null,
    // The CCT baseline is measured by bench/bridge.ts and merged in bench/gas.ts.
    bridge_send: null,
    bridge_receive: null,
    vault_request_redeem: null,
    vault_claim_redeem: null,
  };
}
