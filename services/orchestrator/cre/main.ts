/**
 * The CRE workflow's entry point, compiled to WASM by the CRE SDK's compiler:
 *
 *   node_modules/@oven/bun-linux-x64/bin/bun node_modules/@chainlink/cre-sdk/bin/cre-compile.ts \
 *     services/orchestrator/cre/main.ts <out>.wasm
 *
 * and deployed with the CRE CLI (docs/SETTLEMENT.md, "The settlement orchestrator as a CRE workflow").
 */
import { main } from "./workflow";

main();
