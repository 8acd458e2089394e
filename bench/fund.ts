/**
 * The fund suite, measured on the in-process Hardhat network with the same accounts, amounts and
 * countries as the other suites.
 *
 * The fund is deployed by the real deploy scripts (deploy/scripts, deploy/config/hardhat.ts): Safes hold
 * every role. To measure the contracts rather than the Safe's own execution overhead (about 30k gas per
 * call), the bench's agent EOA is granted MINTER and COMPLIANCE_OFFICER through the admin Safe, as T-REX's
 * agent is an EOA; investor transactions (transfers, accrual) are what they are in production.
 */
import hre, { ethers } from "hardhat";
import { loadFund, type Fund } from "../lib/fund";
import { ROLE_IDS } from "../lib/deploy/roles";
import { RULES, ALL_RULES } from "../lib/compliance-rules";
import { INVESTOR_CLASS_BITS } from "../lib/classes";
import { batchInvestorAddresses, benchAccounts, check, isolated, measureGas } from "./common";
import { measureSources } from "./sources";
import {
  BATCH_SIZE,
  COUNTRIES,
  INITIAL_BALANCE,
  MINT_AMOUNT,
  TRANSFER_AMOUNT,
  UNIT,
  type GasRecord,
} from "./operations";

const DAY = 86_400;
/** Holders of the accrual measurements (10 and 1,000 first, then topped up to 10,000). */
const HOLDER_COUNTS = [10, 1_000, 10_000] as const;
/** Investors registered and funded per transaction while building the holder base. */
const CHUNK = 150;
/** Balance of each additional holder: 10,000 holders stay within the demo fund's 10 million USD reserves. */
const HOLDER_BALANCE = 100n * UNIT;

/** Measures every operation of the benchmark on the fund suite; the network is reverted afterwards. */
export async function measureFund(): Promise<GasRecord> {
  return isolated(measureFundHere);
}

async function measureFundHere(): Promise<GasRecord> {
  process.env.DEPLOY_QUIET = "true";
  await hre.deployments.fixture(["all"]);
  const fund = await loadFund(hre);
  const { token, compliance, registry, manager } = fund.contracts;
  const { agent, alice, bob, carol, dave, claimIssuer } = await benchAccounts();
  const agentAddress = await agent.getAddress();
  const [a, b, c, d] = await Promise.all([alice, bob, carol, dave].map((s) => s.getAddress()));

  // The bench's agent: an EOA with the roles T-REX's agent has (mint, register), granted by the admin Safe.
  for (const role of [ROLE_IDS.MINTER, ROLE_IDS.COMPLIANCE_OFFICER]) {
    await fund.as("admin").now(manager).grantRole(role, agentAddress, 0);
  }
  await advance(DAY + 1); // the roles' grant delay
  const expiry = (await latest()) + 10 * 365 * DAY;
  const accredited = INVESTOR_CLASS_BITS.accredited;
  for (const [wallet, country] of [
    [a, COUNTRIES.alice],
    [b, COUNTRIES.bob],
    [c, COUNTRIES.carol],
  ] as const) {
    await (
      await registry.connect(agent).registerInvestor(wallet, wallet, country, accredited, expiry)
    ).wait();
  }
  await setRules(fund, 0);
  await refreshReserves(fund);
  await (await token.connect(agent).mint(a, INITIAL_BALANCE)).wait();
  await (await token.connect(agent).mint(b, INITIAL_BALANCE)).wait();

  const transferExisting = await measureGas(
    "transfer to holder",
    token.connect(alice).transfer(b, TRANSFER_AMOUNT),
  );
  check((await token.balanceOf(b)) === INITIAL_BALANCE + TRANSFER_AMOUNT, "bob received the transfer");
  const transferNew = await measureGas(
    "transfer to new holder",
    token.connect(alice).transfer(c, TRANSFER_AMOUNT),
  );
  check((await token.balanceOf(c)) === TRANSFER_AMOUNT, "carol received the transfer");
  const mint = await measureGas("mint to holder", token.connect(agent).mint(b, MINT_AMOUNT));

  // Country (deny-list with the OFAC preset, from the deployment) + maximum holding.
  await setRules(fund, RULES.COUNTRY | RULES.HOLDING_LIMITS);
  const countryMax = await measureGas(
    "transfer, country + max holding",
    token.connect(alice).transfer(b, TRANSFER_AMOUNT),
  );

  // Every built-in rule: country, sanctions, class, max investors, holding limits, lockup, transfer limit.
  await fund
    .as("issuer")
    .now(compliance)
    .setLockPeriod(30 * DAY);
  await setRules(fund, ALL_RULES);
  const allRules = await measureGas("transfer, all rules", token.connect(alice).transfer(b, TRANSFER_AMOUNT));

  const register = await measureGas(
    "register investor",
    registry.connect(agent).registerInvestor(d, d, COUNTRIES.dave, accredited, expiry),
  );
  check(await registry.isVerified(d), "dave is verified");
  const batch = batchInvestorAddresses(BATCH_SIZE).map((w) => ({
    wallet: w,
    identity: w,
    country: COUNTRIES.batch,
    classes: accredited,
    kycExpiry: expiry,
  }));
  const batchTotal = await measureGas(
    "batch registration",
    registry.connect(agent).batchRegisterInvestor(batch),
  );

  // The verification sources (bench/sources.ts), on a network reverted afterwards.
  await setRules(fund, 0);
  const sources = await isolated(() => measureSources(fund, agent, claimIssuer, () => refreshReserves(fund)));
  // ERC-7540 through the USDC entry point (no compliance rules, as the "no rules" transfers).
  await setRules(fund, 0);
  const vaultOps = await measureVault(fund, alice, bob, carol);

  // Accrual at 10, 1,000 and 10,000 holders (the compliance is not involved in the accrual).
  const accrual: Record<number, number> = {};
  let holders = Number(await countHolders(fund, [a, b, c]));
  let nav = 100_000_000n; // 1.00000000 (8 decimals)
  // A first daily accrual outside the measurements: the fee wallet's first fee shares create its balance
  // slot once in the fund's life; every later day, at any holder count, pays the steady-state cost below.
  nav += 10_000n;
  await advance(DAY);
  await refreshReserves(fund);
  await fund.as("navPublisher").on(fund.contracts.navPublisher!).publish(nav);
  await (await token.accrue()).wait();
  check((await token.sharesOf(await token.feeWallet())) > 0n, "the fee wallet holds fee shares");
  for (const target of HOLDER_COUNTS) {
    await advance(DAY);
    await refreshReserves(fund);
    holders = await addHolders(fund, agent, holders, target, expiry);
    nav += 10_000n; // +1 bp a day
    await advance(DAY);
    await refreshReserves(fund);
    await fund.as("navPublisher").on(fund.contracts.navPublisher!).publish(nav);
    accrual[target] = await measureGas(`accrue at ${target} holders`, token.accrue());
    check((await token.appliedNav()).nav === nav * 10n ** 10n, `NAV applied at ${target} holders`);
  }

  return {
    transfer_existing_no_rules: transferExisting,
    transfer_new_no_rules: transferNew,
    transfer_existing_country_maxbalance: countryMax,
    transfer_existing_all_modules: allRules,
    mint,
    register_investor: register,
    register_investor_batch_per_item: Math.round(batchTotal / BATCH_SIZE),
    register_from_claims: sources.registerFromClaims,
    register_from_attestation: sources.registerFromAttestation,
    refresh: sources.refresh,
    mint_live_check: sources.mintLiveCheck,
    accrue_10_holders: accrual[10],
    accrue_1000_holders: accrual[1_000],
    accrue_10000_holders: accrual[10_000],
    // Measured by bench/bridge.ts and merged in bench/gas.ts.
    bridge_send: null,
    bridge_receive: null,
    vault_request_redeem: vaultOps.request,
    vault_claim_redeem: vaultOps.claim,
  };
}

/** An investor of the bench (a signer). */
type Investor = Awaited<ReturnType<typeof benchAccounts>>["alice"];

/**
 * ERC-7540 requestRedeem and its claim through the USDC entry point (FundVault, deploy/scripts/09_vaults.ts):
 * carol subscribes 5,000 USDC through the vault (liquidity for the settlement), bob's request registers the
 * vault in the manager (once in its life, not measured), then alice's request of 1,000 tokens is measured; the
 * transfer agent settles both (through its Safe) and alice's claim of the whole settled request is measured.
 */
async function measureVault(
  fund: Fund,
  alice: Investor,
  bob: Investor,
  carol: Investor,
): Promise<{ request: number; claim: number }> {
  const { token } = fund.contracts;
  const fm = fund.contracts.fundManager!;
  const vault = fund.contracts.vaults.USDC;
  const usdc = fund.contracts.stablecoins.USDC;
  const [a, b, c] = await Promise.all([alice, bob, carol].map((s) => s.getAddress()));
  const [deployer] = await ethers.getSigners();
  // A fresh NAV round, applied, and fresh reserves: the subscription and the settlement price at it.
  await refreshReserves(fund);
  await fund.as("navPublisher").on(fund.contracts.navPublisher!).publish(100_000_000n);
  await (await token.accrue()).wait();
  await (await usdc.connect(deployer).mint(c, 5_000n * 10n ** 6n)).wait();
  await (await usdc.connect(carol).approve(vault, ethers.MaxUint256)).wait();
  await (await vault.connect(carol)["deposit(uint256,address)"](5_000n * 10n ** 6n, c)).wait();
  await (await vault.connect(bob).requestRedeem(1_000n * UNIT, b, b)).wait();
  const request = await measureGas(
    "ERC-7540 requestRedeem",
    vault.connect(alice).requestRedeem(1_000n * UNIT, a, a),
  );
  check((await vault.pendingRedeemRequest(2, a)) === 1_000n * UNIT, "alice's request is pending");
  await fund.as("transferAgent").now(fm).settleRedemptions(10);
  const [shares] = await fm.claimable(vault, a);
  check(shares === 1_000n * UNIT, "alice's request is claimable");
  const before = await usdc.balanceOf(a);
  const claim = await measureGas("ERC-7540 redeem (claim)", vault.connect(alice).redeem(shares, a, a));
  check((await usdc.balanceOf(a)) > before, "alice was paid");
  return { request, claim };
}

async function setRules(fund: Fund, rules: number): Promise<void> {
  if ((await fund.contracts.compliance.rules()) !== BigInt(rules)) {
    await fund.as("issuer").now(fund.contracts.compliance).setRules(rules);
  }
}

async function countHolders(fund: Fund, wallets: string[]): Promise<number> {
  let n = 0;
  for (const w of wallets) if ((await fund.contracts.token.sharesOf(w)) > 0n) n++;
  return n + ((await fund.contracts.token.sharesOf(await fund.contracts.token.feeWallet())) > 0n ? 1 : 0);
}

/** Registers and funds new investors until `target` wallets hold tokens. */
async function addHolders(
  fund: Fund,
  agent: Awaited<ReturnType<typeof benchAccounts>>["agent"],
  current: number,
  target: number,
  expiry: number,
): Promise<number> {
  const { token, registry } = fund.contracts;
  const needed = target - current;
  if (needed <= 0) return current;
  const wallets = Array.from(
    { length: needed },
    (_, i) =>
      new ethers.Wallet(ethers.keccak256(ethers.toUtf8Bytes(`fundsuite.bench.holder.${current + i}`)))
        .address,
  );
  for (let i = 0; i < wallets.length; i += CHUNK) {
    const chunk = wallets.slice(i, i + CHUNK);
    await (
      await registry.connect(agent).batchRegisterInvestor(
        chunk.map((w) => ({
          wallet: w,
          identity: w,
          country: COUNTRIES.batch,
          classes: 1,
          kycExpiry: expiry,
        })),
      )
    ).wait();
    await (
      await token.connect(agent).batchMint(
        chunk,
        chunk.map(() => HOLDER_BALANCE),
      )
    ).wait();
  }
  return target;
}

/** Republishes the demo fund's reserves (10 million USD) so the reserve guard's round is fresh. */
async function refreshReserves(fund: Fund): Promise<void> {
  await fund
    .as("navPublisher")
    .on(fund.contracts.reservePublisher!)
    .publish(10_000_000n * 10n ** 8n);
}

async function latest(): Promise<number> {
  return (await ethers.provider.getBlock("latest"))!.timestamp;
}

async function advance(seconds: number): Promise<void> {
  await hre.network.provider.send("evm_increaseTime", [seconds]);
  await hre.network.provider.send("evm_mine", []);
}
