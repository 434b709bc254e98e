/**
 * Community grid-layer and P2P benchmark (SPEC section 3, issue 6): time of one feeder power
 * flow (backward/forward sweep, MV line + transformer + radial LV feeder with one bus per
 * household) and the continuous double auction's matching rate, at 20, 100 and 1,000 households.
 * Run: npx tsx bench/feeder.ts. Prints numbers, never pass/fail.
 */
import { Rng } from "../src/core/rng.js";
import { runDoubleAuction, shuffleOrders, type Order } from "../src/negotiation/double-auction.js";
import { FeederSolver, radialLvFeeder } from "../src/physics/feeder.js";

const SIZES = [20, 100, 1000];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

console.log(`community feeder and P2P benchmark, Node ${process.version}`);
console.log("power flow: 24 hourly load profiles solved in turn, median over 200 rounds after 20 warm-up rounds");
for (const n of SIZES) {
  // about 25 households per LV line, 30 m of 150 mm2 Al cable between neighbours; the transformer sized to the community
  const solver = new FeederSolver({
    transformer: { ratingKva: Math.max(250, 2 * n) },
    lvFeeder: radialLvFeeder(n, Math.max(2, Math.ceil(n / 25)), 0.206 * 0.03, 0.08 * 0.03),
  });
  const rng = new Rng(1, `bench-feeder-${n}`);
  const profiles = Array.from({ length: 24 }, (_, h) => {
    const cons = Float64Array.from({ length: n }, () => rng.uniform(0.2, 1.6));
    const gen = Float64Array.from({ length: n }, () => (h >= 9 && h <= 16 ? rng.uniform(0, 3.5) : 0));
    const p = new Float64Array(n);
    const q = new Float64Array(n);
    solver.householdPq(cons, gen, p, q);
    return { p, q };
  });
  const times: number[] = [];
  let iterations = 0;
  let solves = 0;
  for (let round = 0; round < 220; round++) {
    const t0 = performance.now();
    for (const { p, q } of profiles) {
      const s = solver.solve(p, q);
      if (round >= 20) {
        iterations += s.iterations;
        solves++;
      }
    }
    if (round >= 20) times.push((performance.now() - t0) / profiles.length);
  }
  const ms = median(times);
  console.log(`  ${String(n).padStart(5)} households: ${(ms * 1000).toFixed(1).padStart(8)} us per solve (${(1000 / ms).toFixed(0)} solves/s), ${(iterations / solves).toFixed(1)} sweeps on average`);
}

console.log("double auction: one order per household (random side, 0.1-5 kWh, 0.05-0.35 per kWh), shuffled arrival; median over 200 periods");
for (const n of SIZES) {
  const rng = new Rng(2, `bench-cda-${n}`);
  const periods = Array.from({ length: 20 }, () => {
    const orders: Order[] = Array.from({ length: n }, (_, i) => ({
      agentId: `hh-${i}`,
      side: rng.next() < 0.5 ? "buy" : "sell",
      quantityKwh: rng.uniform(0.1, 5),
      limitPriceEurPerKwh: rng.uniform(0.05, 0.35),
    }));
    return shuffleOrders(orders, rng);
  });
  const times: number[] = [];
  let trades = 0;
  for (let round = 0; round < 220; round++) {
    const orders = periods[round % periods.length]!;
    const t0 = performance.now();
    const out = runDoubleAuction(orders);
    const t = performance.now() - t0;
    if (round >= 20) {
      times.push(t);
      trades += out.trades.length;
    }
  }
  const ms = median(times);
  console.log(`  ${String(n).padStart(5)} households: ${ms.toFixed(3).padStart(8)} ms per period, ${((n / ms) * 1000).toFixed(0)} orders/s, ${(trades / 200).toFixed(0)} trades per period`);
}
