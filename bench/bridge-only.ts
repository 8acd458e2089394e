/** Runs only the issue 18 bridge measurements (quick check): `npx hardhat run bench/bridge-only.ts`. */
import { measureBridgeBaseline, measureBridgeFund } from "./bridge";

async function main() {
  const ours = await measureBridgeFund();
  const base = await measureBridgeBaseline();
  console.log(JSON.stringify({ ours, base }, null, 2));
  console.log(
    `send ratio ${(ours.bridge_send / base.bridge_send).toFixed(2)}, receive ratio ${(ours.bridge_receive / base.bridge_receive).toFixed(2)}`,
  );
}
main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
