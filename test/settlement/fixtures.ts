/**
 * The settlement as the deploy scripts leave it (deployFundFixture: every role held by a Safe), with a seller
 * holding fund tokens, a buyer holding USDC, both verified investors, and helpers shared by the settlement tests.
 */
import hre from "hardhat";
import { impersonateAccount, loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { AbiCoder, concat, getAddress, keccak256, parseUnits } from "ethers";
import {
  deployFundFixture,
  mint,
  registerInvestor,
  publishNav,
  publishReserves,
  DAY,
  ONE,
} from "../helpers/fund";
import type { Fund } from "../../lib/fund";
import type {
  CCIPLocalSimulator,
  CrossChainAssetEscrow,
  CrossChainPaymentEscrow,
  DvPSettlement,
  MockCCIPRouter,
  MockStablecoin,
} from "../../typechain-types";
import {
  ICrossChainAssetEscrow,
  ICrossChainPaymentEscrow,
  IDvPSettlement,
  SettlementMessages,
} from "../../lib/generated/contracts";
import { RESTRICTION } from "../../lib/compliance-rules";

export { DAY, ONE };
export const USDC = (units: string) => parseUnits(units, 6);
const coder = AbiCoder.defaultAbiCoder();

/** A generated enum (lib/generated/contracts.ts) with bigint members, as ethers returns them. */
const asBigints = <T extends Record<string, number>>(e: T) =>
  Object.fromEntries(Object.entries(e).map(([k, v]) => [k, BigInt(v)])) as {
    readonly [K in keyof T]: bigint;
  };
/** IDvPSettlement.Mode / Status and the escrows' Status enums, as bigints. */
export const MODE = asBigints(IDvPSettlement.Mode);
export const STATUS = asBigints(IDvPSettlement.Status);
export const ASSET_STATUS = asBigints(ICrossChainAssetEscrow.Status);
export const PAYMENT_STATUS = asBigints(ICrossChainPaymentEscrow.Status);
/** SettlementMessages kinds. */
export const KIND = {
  LOCK: SettlementMessages.LOCK,
  CONFIRM: SettlementMessages.CONFIRM,
  CANCEL: SettlementMessages.CANCEL,
} as const;
/** TransferRestrictions codes. */
export { RESTRICTION };
/** Client.GENERIC_EXTRA_ARGS_V2_TAG. */
const GENERIC_EXTRA_ARGS_V2_TAG = "0x181dcf10";

export interface SettlementFixture {
  fund: Fund;
  dvp: DvPSettlement;
  asset: CrossChainAssetEscrow;
  payment: CrossChainPaymentEscrow;
  simulator: CCIPLocalSimulator;
  router: MockCCIPRouter;
  selector: bigint;
  usdc: MockStablecoin;
  seller: HardhatEthersSigner;
  buyer: HardhatEthersSigner;
  carol: HardhatEthersSigner;
  outsider: HardhatEthersSigner;
  /** Owner of the mock stablecoins (the deployer). */
  deployer: HardhatEthersSigner;
}

/** Tokens the seller starts with. */
export const SELLER_TOKENS = 1_000n * ONE;
/** USDC the buyer starts with. */
export const BUYER_USDC = USDC("1000000");

export async function settlementFixture(): Promise<SettlementFixture> {
  const { fund, investors, outsider } = await loadFixture(deployFundFixture);
  const { ethers, deployments } = hre;
  const at = async <T>(name: string): Promise<T> =>
    (await ethers.getContractAt(name, (await deployments.get(name)).address)) as unknown as T;
  const dvp = await at<DvPSettlement>("DvPSettlement");
  const asset = await at<CrossChainAssetEscrow>("CrossChainAssetEscrow");
  const payment = await at<CrossChainPaymentEscrow>("CrossChainPaymentEscrow");
  const simulator = await at<CCIPLocalSimulator>("CCIPLocalSimulator");
  const config = await simulator.configuration();
  const router = (await ethers.getContractAt(
    "MockCCIPRouter",
    config.sourceRouter_,
  )) as unknown as MockCCIPRouter;
  const usdc = fund.contracts.stablecoins.USDC;
  const [seller, buyer, carol] = investors;
  const deployer = outsider;
  await registerInvestor(fund, seller.address);
  await registerInvestor(fund, buyer.address);
  await mint(fund, seller.address, SELLER_TOKENS);
  await usdc.connect(deployer).mint(buyer.address, BUYER_USDC);
  for (const spender of [dvp, asset]) {
    await fund.contracts.token.connect(seller).approve(await spender.getAddress(), ethers.MaxUint256);
  }
  for (const spender of [dvp, payment]) {
    await usdc.connect(buyer).approve(await spender.getAddress(), ethers.MaxUint256);
  }
  return {
    fund,
    dvp,
    asset,
    payment,
    simulator,
    router,
    selector: config.chainSelector_,
    usdc,
    seller,
    buyer,
    carol,
    outsider,
    deployer,
  };
}

/** Moves one day on, publishes a NAV and fresh reserves, and applies the round: escrowed shares earn yield. */
export async function accrueYield(fund: Fund, nav: string): Promise<void> {
  await time.increase(DAY);
  await publishNav(fund, nav);
  await publishReserves(fund, "10000000");
  await fund.contracts.token.accrue();
}

/** The timestamp the next mined block will have when set explicitly. */
export async function nextTimestamp(): Promise<number> {
  const next = (await time.latest()) + 1;
  await time.setNextBlockTimestamp(next);
  return next;
}

/** Token amount of `shares` at the token's current index (rounded down, as the token does). */
export async function amountOf(fund: Fund, shares: bigint): Promise<bigint> {
  return (shares * (await fund.contracts.token.index())) / ONE;
}

/** Shares the token takes from a sender of `amount` (rounded up, or every share for a whole balance). */
export async function sharesFor(fund: Fund, from: string, amount: bigint): Promise<bigint> {
  const token = fund.contracts.token;
  const index = await token.index();
  if (amount === (await token.balanceOf(from))) return token.sharesOf(from);
  return (amount * ONE + index - 1n) / index;
}

/** The id CrossChainAssetEscrow gives its n-th trade. */
export async function crossChainTradeId(asset: CrossChainAssetEscrow, n: bigint): Promise<string> {
  const chainId = (await hre.ethers.provider.getNetwork()).chainId;
  return keccak256(coder.encode(["uint256", "address", "uint256"], [chainId, await asset.getAddress(), n]));
}

/** The message id Chainlink's MockCCIPRouter gives a message: keccak256(abi.encode(EVM2AnyMessage)). */
export function mockMessageId(receiver: string, data: string, gasLimit: bigint): string {
  const extraArgs = concat([GENERIC_EXTRA_ARGS_V2_TAG, coder.encode(["uint256", "bool"], [gasLimit, true])]);
  return keccak256(
    coder.encode(
      [
        "tuple(bytes receiver, bytes data, tuple(address token, uint256 amount)[] tokenAmounts, address feeToken, bytes extraArgs)",
      ],
      [
        [
          coder.encode(["address"], [receiver]),
          data,
          [],
          getAddress("0x0000000000000000000000000000000000000000"),
          extraArgs,
        ],
      ],
    ),
  );
}

/** The body of a LOCK message (SettlementMessages.Lock). */
export interface LockMessage {
  tradeId: string;
  seller: string;
  buyer: string;
  shares: bigint;
  amount: bigint;
  paymentChainSelector: bigint;
  payer: string;
  payee: string;
  price: bigint;
  paymentDeadline: bigint | number;
}

/** SettlementMessages encodings. */
export const encodeLock = (m: LockMessage) =>
  coder.encode(
    [
      "uint8",
      "bytes32",
      "address",
      "address",
      "uint256",
      "uint256",
      "uint64",
      "address",
      "address",
      "uint256",
      "uint40",
    ],
    [
      KIND.LOCK,
      m.tradeId,
      m.seller,
      m.buyer,
      m.shares,
      m.amount,
      m.paymentChainSelector,
      m.payer,
      m.payee,
      m.price,
      m.paymentDeadline,
    ],
  );
export const encodeDecision = (kind: number, tradeId: string) =>
  coder.encode(["uint8", "bytes32"], [kind, tradeId]);
export const encodeSender = (address: string) => coder.encode(["address"], [address]);

/** The CCIP router as a signer, to deliver hand-made messages (forged, replayed, malformed). */
export async function routerSigner(router: MockCCIPRouter): Promise<HardhatEthersSigner> {
  const address = await router.getAddress();
  await impersonateAccount(address);
  await setBalance(address, ONE);
  return hre.ethers.getSigner(address);
}

/** An Any2EVMMessage as the router hands it to a receiver. */
export function any2EvmMessage(messageId: string, sourceChainSelector: bigint, sender: string, data: string) {
  return { messageId, sourceChainSelector, sender: encodeSender(sender), data, destTokenAmounts: [] };
}
