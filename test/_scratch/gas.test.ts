import { ethers, upgrades } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";

const ONE = 10n ** 18n;
function pack(identity: string, country: number, classes: number, expiry: bigint) {
  return BigInt(identity) | (BigInt(country) << 160n) | (BigInt(classes) << 176n) | (expiry << 192n);
}

describe("scratch gas", function () {
  it("measures", async function () {
    const [deployer, a, b, c, d, fee] = await ethers.getSigners();
    const AM = await ethers.getContractFactory("AccessManager");
    const am = await AM.deploy(deployer.address);
    const auth = await am.getAddress();
    const reg = await upgrades.deployProxy(await ethers.getContractFactory("IdentityRegistry"), [auth, 365 * 86400], { kind: "uups" });
    const cext = await (await ethers.getContractFactory("ModularComplianceAdmin")).deploy();
    const comp = await upgrades.deployProxy(await ethers.getContractFactory("ModularCompliance"), [auth], { kind: "uups", constructorArgs: [await cext.getAddress()] });
    const pubF = await ethers.getContractFactory("NavPublisher");
    const navPub = await upgrades.deployProxy(pubF, [auth, 8, "NAV", 3600, 500], { kind: "uups" });
    const resPub = await upgrades.deployProxy(pubF, [auth, 8, "Reserves", 3600, 65000], { kind: "uups" });
    const navOracle = await upgrades.deployProxy(await ethers.getContractFactory("NavOracle"), [auth, await navPub.getAddress(), 4 * 86400, 50, false], { kind: "uups" });
    const guard = await upgrades.deployProxy(await ethers.getContractFactory("ReserveGuard"), [auth, await resPub.getAddress(), 4 * 86400], { kind: "uups" });
    const text = await (await ethers.getContractFactory("FundTokenAdmin")).deploy();
    const token0 = await upgrades.deployProxy(await ethers.getContractFactory("FundToken"), [{
      authority: auth, name: "Fund", symbol: "FND", onchainID: ethers.ZeroAddress, identityRegistry: await reg.getAddress(), compliance: await comp.getAddress(),
      navOracle: await navOracle.getAddress(), reserveGuard: await guard.getAddress(), feeWallet: ethers.ZeroAddress, managementFeeBps: 15,
    }], { kind: "uups", constructorArgs: [await text.getAddress()] });
    const tokenAddr = await token0.getAddress();
    const token = await ethers.getContractAt("IFundToken", tokenAddr);
    const compAll = await ethers.getContractAt("IFundCompliance", await comp.getAddress());
    // open everything to deployer (admin) for the scratch
    const all = async (target: any, names: string[], role: bigint) => {
      const iface = target.interface; for (const n of names) if (!iface.getFunction(n)) console.log("missing", n);
      await am.setTargetFunctionRole(await target.getAddress(), names.map((n) => iface.getFunction(n)!.selector), role);
    };
    await am.grantRole(1n, deployer.address, 0);
    await am.grantRole(2n, deployer.address, 0);
    await am.grantRole(3n, deployer.address, 0);
    await am.grantRole(5n, deployer.address, 0);
    await am.grantRole(7n, deployer.address, 0);
    await all(reg, ["registerInvestor", "batchRegisterInvestor", "bindToken", "registerIdentity"], 3n);
    await all(compAll, ["bindToken", "setRules", "setCountriesListed", "setSanctioned", "setMaxInvestors", "setHoldingLimits", "setLockPeriod", "setMaxDailyOutflow", "setClassRequirements"], 1n);
    await all(navPub, ["publish"], 5n);
    await all(resPub, ["publish"], 5n);
    await all(token, ["mint", "setFeeWallet"], 7n);
    await compAll.bindToken(tokenAddr);
    await reg.bindToken(tokenAddr);
    await navPub.publish(100000000n);
    await resPub.publish(10n ** 8n * 10n ** 12n);
    await token.accrue();
    const exp = BigInt((await time.latest()) + 365 * 86400);
    let rx = await (await reg.registerInvestor(a.address, a.address, 840, 1, exp)).wait();
    console.log("registerInvestor", rx!.gasUsed);
    await reg.registerInvestor(b.address, b.address, 840, 1, exp);
    await reg.registerInvestor(c.address, c.address, 840, 1, exp);
    await reg.registerInvestor(fee.address, fee.address, 840, 16, exp);
    await token.setFeeWallet(fee.address);
    const rows = [];
    for (let i = 0; i < 50; i++) { const w = ethers.Wallet.createRandom().address; rows.push({ wallet: w, identity: w, country: 840, classes: 1, kycExpiry: exp }); }
    rx = await (await reg.batchRegisterInvestor(rows)).wait();
    console.log("batch per item", rx!.gasUsed / 50n);
    rx = await (await token.mint(a.address, 1000n * ONE)).wait();
    console.log("mint new holder (no rules)", rx!.gasUsed);
    await token.mint(b.address, 1000n * ONE);
    rx = await (await token.mint(b.address, 1000n * ONE)).wait();
    console.log("mint existing holder (no rules)", rx!.gasUsed);
    await breakdown(rx!.hash);
    rx = await (await token.connect(a).transfer(b.address, 10n * ONE)).wait();
    console.log("transfer existing no rules", rx!.gasUsed);

    rx = await (await token.connect(a).transfer(c.address, 10n * ONE)).wait();
    console.log("transfer new no rules", rx!.gasUsed);
    await compAll.setCountriesListed([192, 364], true);
    await compAll.setHoldingLimits(0, 10n ** 6n * ONE);
    await compAll.setRules(1 | 16);
    rx = await (await token.connect(a).transfer(b.address, 10n * ONE)).wait();
    console.log("transfer existing country+maxholding", rx!.gasUsed);
    await compAll.setMaxInvestors(1000);
    await compAll.setLockPeriod(86400);
    await compAll.setMaxDailyOutflow(10n ** 6n * ONE);
    await compAll.setClassRequirements(0, 1, 0);
    await compAll.setSanctioned([d.address], true);
    await compAll.setRules(127);
    rx = await (await token.connect(a).transfer(b.address, 10n * ONE)).wait();
    console.log("transfer existing all modules (first outflow)", rx!.gasUsed);
    rx = await (await token.connect(a).transfer(b.address, 10n * ONE)).wait();
    console.log("transfer existing all modules (again)", rx!.gasUsed);
    rx = await (await token.mint(b.address, 1000n * ONE)).wait();
    console.log("mint existing all modules (lock tranche)", rx!.gasUsed);
    await time.increase(86400);
    await navPub.publish(100013700n);
    rx = await (await token.accrue()).wait();
    console.log("accrue", rx!.gasUsed);
    await breakdown(rx!.hash);
    console.log("balance a", await token.balanceOf(a.address), "fee", await token.balanceOf(fee.address));
  });
});

export async function breakdown(txHash: string) {
  const { network } = require("hardhat");
  const trace = await network.provider.send("debug_traceTransaction", [txHash, { disableStorage: true, disableMemory: true, disableStack: false }]);
  const logs = trace.structLogs;
  // gas spent per depth frame: record gas at entry/exit
  const out: string[] = [];
  for (let i = 0; i < logs.length; i++) {
    const l = logs[i];
    if (["CALL", "STATICCALL", "DELEGATECALL"].includes(l.op)) {
      // find return to same depth
      let j = i + 1;
      while (j < logs.length && logs[j].depth > l.depth) j++;
      const spent = l.gas - (logs[j]?.gas ?? 0);
      const to = "0x" + String(l.stack[l.stack.length - 2]).slice(-40);
      out.push(`${"  ".repeat(l.depth)}${l.op} ${to.slice(0, 10)} spent ${spent}`);
    }
    if (l.op === "SLOAD" || l.op === "SSTORE") out.push(`${"  ".repeat(l.depth)}  ${l.op} cost ${l.gasCost}`);
  }
  console.log(out.join("\n"), "\ntotal trace gas", trace.gas);
}
