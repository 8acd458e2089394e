import type { DeployFunction } from "hardhat-deploy/types";
import { getAddress, parseUnits } from "ethers";
import { loadContext, type DeployContext } from "../../lib/deploy/context";
import {
  accessManager,
  asDeployerWithRoles,
  deployPlain,
  ensure,
  recorded,
  wireFunctionRoles,
} from "../../lib/deploy/deploy";
import { NAV_ORACLE_ROLES, PUBLISHER_ROLES, RESERVE_GUARD_ROLES } from "../../lib/deploy/roles";
import type { NavOracle, NavPublisher, ReserveGuard } from "../../typechain-types";
import type { PublisherParams } from "../../lib/config/types";

/**
 * The NAV and reserve feeds (an existing Chainlink-compatible feed, or our NavPublisher with a first round),
 * the NavOracle validating NAV rounds and the ReserveGuard checking supply against reserves.
 */
const func: DeployFunction = async (hre) => {
  const ctx = await loadContext(hre);
  const authority = await (await accessManager(ctx)).getAddress();
  const { nav, reserve } = ctx.config.oracle;

  const navFeed =
    "feed" in nav
      ? getAddress(nav.feed)
      : await publisher(ctx, authority, "NavPublisher", nav.publisher, nav.publisher.initialNav);
  const reserveFeed =
    "feed" in reserve
      ? getAddress(reserve.feed)
      : await publisher(
          ctx,
          authority,
          "ReservePublisher",
          reserve.publisher,
          reserve.publisher.initialReserves,
        );

  await deployPlain(ctx, "NavOracle", "NavOracle", [
    authority,
    navFeed,
    nav.maxAgeSeconds,
    nav.maxChangeBpsPerDay,
    nav.allowDecrease,
  ]);
  const oracle = await recorded<NavOracle>(ctx, "NavOracle");
  await wireFunctionRoles(ctx, "NavOracle", await oracle.getAddress(), oracle.interface, NAV_ORACLE_ROLES);
  await deployPlain(ctx, "ReserveGuard", "ReserveGuard", [authority, reserveFeed, reserve.maxAgeSeconds]);
  const guard = await recorded<ReserveGuard>(ctx, "ReserveGuard");
  await wireFunctionRoles(
    ctx,
    "ReserveGuard",
    await guard.getAddress(),
    guard.interface,
    RESERVE_GUARD_ROLES,
  );

  // A re-run with changed settings updates the deployed contracts (through the issuer Safe after the handover).
  await asDeployerWithRoles(ctx, ["ISSUER"], async () => {
    await ensure(
      ctx,
      `NavOracle: feed ${navFeed}`,
      async () => (await oracle.feed()) !== navFeed,
      () => oracle.setFeed(navFeed),
    );
    await ensure(
      ctx,
      `NavOracle: max age ${nav.maxAgeSeconds} s`,
      async () => (await oracle.maxAge()) !== BigInt(nav.maxAgeSeconds),
      () => oracle.setMaxAge(nav.maxAgeSeconds),
    );
    await ensure(
      ctx,
      `NavOracle: max change ${nav.maxChangeBpsPerDay} bps/day`,
      async () => (await oracle.maxChangeBpsPerDay()) !== BigInt(nav.maxChangeBpsPerDay),
      () => oracle.setMaxChangeBpsPerDay(nav.maxChangeBpsPerDay),
    );
    await ensure(
      ctx,
      `NavOracle: allow decrease ${nav.allowDecrease}`,
      async () => (await oracle.allowDecrease()) !== nav.allowDecrease,
      () => oracle.setAllowDecrease(nav.allowDecrease),
    );
    await ensure(
      ctx,
      `ReserveGuard: feed ${reserveFeed}`,
      async () => (await guard.feed()) !== reserveFeed,
      () => guard.setFeed(reserveFeed),
    );
    await ensure(
      ctx,
      `ReserveGuard: max age ${reserve.maxAgeSeconds} s`,
      async () => (await guard.maxAge()) !== BigInt(reserve.maxAgeSeconds),
      () => guard.setMaxAge(reserve.maxAgeSeconds),
    );
  });
};

/** Deploys one of our publishers and publishes its first round (when it has none). */
async function publisher(
  ctx: DeployContext,
  authority: string,
  name: string,
  params: PublisherParams,
  initial: string,
): Promise<string> {
  const address = await deployPlain(ctx, name, "NavPublisher", [
    authority,
    params.decimals,
    params.description,
    params.minIntervalSeconds,
    params.maxChangeBpsPerRound,
  ]);
  const feed = await recorded<NavPublisher>(ctx, name);
  await wireFunctionRoles(ctx, name, address, feed.interface, PUBLISHER_ROLES);
  await asDeployerWithRoles(ctx, ["NAV_PUBLISHER"], () =>
    ensure(
      ctx,
      `${name}: first round ${initial}`,
      async () => (await feed.latestRound()) === 0n,
      () => feed.publish(parseUnits(initial, params.decimals)),
    ),
  );
  return address;
}

func.tags = ["oracles", "all"];
func.dependencies = ["governance"];
export default func;
