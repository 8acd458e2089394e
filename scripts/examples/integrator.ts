/**
 * The worked example of docs/INTEGRATION.md: an integrator's code against the fund through the standards only
 * (ERC-165, ERC-7943 on the token, ERC-7575 / ERC-7540 / ERC-7887 on the entry points), with plain ethers v6 and
 * human-readable ABIs: nothing of this repository is imported. test/standards/integration-example.test.ts runs
 * it against the deployed suite and checks that docs/INTEGRATION.md quotes this file unchanged.
 */
import { Contract, type ContractRunner, type Signer } from "ethers";

export const TOKEN_ABI = [
  "function supportsInterface(bytes4) view returns (bool)",
  "function vault(address asset) view returns (address)",
  "function balanceOf(address) view returns (uint256)",
  "function canSend(address) view returns (bool)",
  "function canReceive(address) view returns (bool)",
  "function canTransfer(address from, address to, uint256 amount) view returns (bool)",
  "function getFrozenTokens(address) view returns (uint256)",
];

export const VAULT_ABI = [
  "function supportsInterface(bytes4) view returns (bool)",
  "function share() view returns (address)",
  "function asset() view returns (address)",
  "function maxDeposit(address receiver) view returns (uint256)",
  "function previewDeposit(uint256 assets) view returns (uint256)",
  "function deposit(uint256 assets, address receiver) returns (uint256 shares)",
  "function requestRedeem(uint256 shares, address controller, address owner) returns (uint256 requestId)",
  "function pendingRedeemRequest(uint256 requestId, address controller) view returns (uint256)",
  "function claimableRedeemRequest(uint256 requestId, address controller) view returns (uint256)",
  "function maxRedeem(address controller) view returns (uint256)",
  "function redeem(uint256 shares, address receiver, address controller) returns (uint256 assets)",
  "function setOperator(address operator, bool approved) returns (bool)",
  "function cancelRedeemRequest(uint256 requestId, address controller)",
  "function claimableCancelRedeemRequest(uint256 requestId, address controller) view returns (uint256)",
  "function claimCancelRedeemRequest(uint256 requestId, address receiver, address controller)",
  "event RedeemRequest(address indexed controller, address indexed owner, uint256 indexed requestId, address sender, uint256 shares)",
];

const ERC20_ABI = ["function approve(address spender, uint256 amount) returns (bool)"];

/** The contract with `signer` sending its transactions. */
function signed(contract: Contract, signer: Signer): Contract {
  return contract.connect(signer) as Contract;
}

/** ERC-165 ids the fund publishes (docs/INTEGRATION.md). */
export const IDS = {
  erc7943: "0x3edbb4c4",
  erc7575Share: "0xf815c03d",
  erc7575: "0x2f0a18c5",
  erc7540Operator: "0xe3bc4e65",
  erc7540Redeem: "0x620ee8e4",
  erc7887Redeem: "0xe76cffc7",
};

/** A wallet or custodian: may `from` send `amount` to `to` now, and if not, why (ERC-7943). */
export async function preflight(token: Contract, from: string, to: string, amount: bigint) {
  if (!(await token.supportsInterface(IDS.erc7943))) throw new Error("not an ERC-7943 token");
  const [canSend, canReceive, canTransfer, frozen] = await Promise.all([
    token.canSend(from),
    token.canReceive(to),
    token.canTransfer(from, to, amount),
    token.getFrozenTokens(from),
  ]);
  return { canSend, canReceive, canTransfer, frozen } as {
    canSend: boolean;
    canReceive: boolean;
    canTransfer: boolean;
    frozen: bigint;
  };
}

/** A fund platform: the entry point of a stablecoin, found from the share token (ERC-7575) and checked. */
export async function entryPoint(token: Contract, stablecoin: string, runner: ContractRunner) {
  const vault = new Contract(await token.vault(stablecoin), VAULT_ABI, runner);
  for (const id of [IDS.erc7575, IDS.erc7540Operator, IDS.erc7540Redeem, IDS.erc7887Redeem]) {
    if (!(await vault.supportsInterface(id))) throw new Error(`entry point does not support ${id}`);
  }
  if ((await vault.share()) !== (await token.getAddress())) throw new Error("entry point of another share");
  return vault;
}

/** Subscribes `assets` for `receiver` (synchronous ERC-4626 deposit), within what maxDeposit allows. */
export async function subscribe(vault: Contract, investor: Signer, assets: bigint, receiver: string) {
  const max: bigint = await vault.maxDeposit(receiver);
  if (assets > max) throw new Error(`the fund takes at most ${max} for ${receiver} now`);
  const stablecoin = new Contract(await vault.asset(), ERC20_ABI, investor);
  await (await stablecoin.approve(await vault.getAddress(), assets)).wait();
  const minimum: bigint = await vault.previewDeposit(assets);
  const shares: bigint = await signed(vault, investor).deposit.staticCall(assets, receiver);
  await (await signed(vault, investor).deposit(assets, receiver)).wait();
  return { minimum, shares };
}

/** Requests the redemption of `shares` of the investor's tokens (ERC-7540), controlled by the investor. */
export async function requestRedemption(vault: Contract, investor: Signer, shares: bigint): Promise<bigint> {
  const me = await investor.getAddress();
  const receipt = await (await signed(vault, investor).requestRedeem(shares, me, me)).wait();
  for (const log of receipt!.logs) {
    const event = vault.interface.parseLog(log);
    if (event?.name === "RedeemRequest") return event.args.requestId as bigint;
  }
  throw new Error("no RedeemRequest event");
}

/** Where request `requestId` of `controller` stands, in share (token) units. */
export async function requestState(vault: Contract, requestId: bigint, controller: string) {
  const [pending, claimable, cancelled] = await Promise.all([
    vault.pendingRedeemRequest(requestId, controller),
    vault.claimableRedeemRequest(requestId, controller),
    vault.claimableCancelRedeemRequest(requestId, controller),
  ]);
  return { pending, claimable, cancelled } as { pending: bigint; claimable: bigint; cancelled: bigint };
}

/** Claims everything the controller can claim now (ERC-7540 redeem), paid to `receiver`; returns the assets. */
export async function claimAll(vault: Contract, controller: Signer, receiver: string): Promise<bigint> {
  const me = await controller.getAddress();
  const shares: bigint = await vault.maxRedeem(me);
  if (shares === 0n) return 0n;
  const assets: bigint = await signed(vault, controller).redeem.staticCall(shares, receiver, me);
  await (await signed(vault, controller).redeem(shares, receiver, me)).wait();
  return assets;
}

/** Cancels a pending request (ERC-7887) and takes its tokens back at once. */
export async function cancelAndReclaim(vault: Contract, controller: Signer, requestId: bigint) {
  const me = await controller.getAddress();
  await (await signed(vault, controller).cancelRedeemRequest(requestId, me)).wait();
  await (await signed(vault, controller).claimCancelRedeemRequest(requestId, me, me)).wait();
}

/** An operator (a custodian, a router) the investor lets manage its requests and claims in this entry point. */
export async function approveOperator(vault: Contract, investor: Signer, operator: string) {
  await (await signed(vault, investor).setOperator(operator, true)).wait();
}
