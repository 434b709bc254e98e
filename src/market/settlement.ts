/**
 * Settlement of flexibility contracts per imbalance settlement period (ISP), after seed 004
 * (USEF): the DSO compares the baseline with the realised profile of each contract's assets,
 * computes the delivered volume, the shortfall and its penalty, the capacity and volume
 * remuneration, and sends a settlement message to every party (SPEC section 3).
 *
 * Profiles use the load convention: kW of net consumption of the contract's assets (summed),
 * so a contract amount < 0 asks for less consumption (or more injection), > 0 for more.
 * For one contract in one ISP of `dtHours`:
 *
 *   direction      d = sign(amountKw)
 *   requested      R = |amountKw| * dtHours                  (0 when not activated in the ISP)
 *   deviation      D = (realised - baseline) * dtHours       (kWh, signed)
 *   delivered      V = min(max(d * D, 0), R)                 (only movement in the requested
 *                                                             direction counts; capped at R)
 *   over-delivery  O = max(d * D - R, 0) when activated (unpaid, reported)
 *   shortfall      S = R - V
 *   capacity pay   C = |amountKw| * capacityEurPerKwPerPeriod when the ISP is inside the
 *                      contract's active window (availability, activated or not)
 *   volume pay     W = V * volumeEurPerKwh
 *   penalty        P = S * penaltyEurPerKwh
 *   net            N = C + W - P                            (paid by the aggregator to the provider)
 *
 *   deviation from the agreed profile = realised - (baseline + amountKw when activated), kWh:
 *   the USEF "deviation from the final forecast", reported as an absolute sum in the totals.
 */

/** Money and volume terms of a contract that the settlement needs. */
export interface SettlementTerms {
  /** Requested change of net consumption vs the baseline, kW (sign = direction). */
  amountKw: number;
  penaltyEurPerKwh: number;
  capacityEurPerKwPerPeriod: number;
  volumeEurPerKwh: number;
}

/** What happened to one contract in one ISP. */
export interface SettlementLine {
  contractId: string;
  provider: string;
  aggregator: string;
  /** Start hour of the ISP. */
  hour: number;
  /** Inside the contract's active window (earns capacity remuneration). */
  available: boolean;
  activated: boolean;
  baselineKwh: number;
  realisedKwh: number;
  requestedKwh: number;
  deliveredKwh: number;
  overDeliveredKwh: number;
  shortfallKwh: number;
  /** Realised minus the agreed profile (baseline plus the activated amount), kWh, signed. */
  deviationKwh: number;
  capacityEur: number;
  volumeEur: number;
  penaltyEur: number;
  /** capacity + volume - penalty: received by the provider, paid by the aggregator. */
  netEur: number;
}

/** Settles one contract for one ISP (formulas in the file header). */
export function settleContractPeriod(
  terms: SettlementTerms,
  ids: { contractId: string; provider: string; aggregator: string; hour: number },
  period: { available: boolean; activated: boolean; baselineKw: number; realisedKw: number; dtHours: number },
): SettlementLine {
  const { dtHours } = period;
  const magnitudeKw = Math.abs(terms.amountKw);
  const direction = terms.amountKw > 0 ? 1 : -1;
  const requestedKwh = period.activated ? magnitudeKw * dtHours : 0;
  const baselineKwh = period.baselineKw * dtHours;
  const realisedKwh = period.realisedKw * dtHours;
  const towardsKwh = direction * (realisedKwh - baselineKwh);
  const moved = towardsKwh > 0 ? towardsKwh : 0;
  const deliveredKwh = moved < requestedKwh ? moved : requestedKwh;
  const overDeliveredKwh = period.activated && moved > requestedKwh ? moved - requestedKwh : 0;
  const shortfallKwh = requestedKwh - deliveredKwh;
  const expectedKwh = baselineKwh + (period.activated ? terms.amountKw * dtHours : 0);
  const capacityEur = period.available ? magnitudeKw * terms.capacityEurPerKwPerPeriod : 0;
  const volumeEur = deliveredKwh * terms.volumeEurPerKwh;
  const penaltyEur = shortfallKwh * terms.penaltyEurPerKwh;
  return {
    ...ids,
    available: period.available,
    activated: period.activated,
    baselineKwh,
    realisedKwh,
    requestedKwh,
    deliveredKwh,
    overDeliveredKwh,
    shortfallKwh,
    deviationKwh: realisedKwh - expectedKwh,
    capacityEur,
    volumeEur,
    penaltyEur,
    netEur: capacityEur + volumeEur - penaltyEur,
  };
}

/** Sums over settlement lines, as a party sees them. */
export interface SettlementTotals {
  requestedKwh: number;
  deliveredKwh: number;
  shortfallKwh: number;
  /** Sum of |deviation from the agreed profile|, kWh. */
  absDeviationKwh: number;
  capacityEur: number;
  volumeEur: number;
  penaltyEur: number;
  /**
   * What this party receives (> 0) or pays (< 0): the provider +net, the aggregator -net,
   * the DSO 0 (it facilitates and reports the totals of all contracts).
   */
  netEur: number;
}

/**
 * Who a settlement is addressed to: the asset's provider, the aggregator that contracted it, or the DSO that
 * settles.
 */
export type SettlementRole = "provider" | "aggregator" | "dso";

/** The settlement message the DSO sends to one party for one ISP. */
export interface SettlementMessage {
  to: string;
  role: SettlementRole;
  hour: number;
  /** The contracts this message covers (all of them for the DSO). */
  contractIds: string[];
  /** This ISP. */
  period: SettlementTotals;
  /** Since the marketplace was created or reset, this ISP included. */
  accumulated: SettlementTotals;
}

/** Totals of zero, to accumulate settlement lines into. */
export function emptySettlementTotals(): SettlementTotals {
  return { requestedKwh: 0, deliveredKwh: 0, shortfallKwh: 0, absDeviationKwh: 0, capacityEur: 0, volumeEur: 0, penaltyEur: 0, netEur: 0 };
}

/** Adds `line` to `totals` as `role` sees it. */
export function addSettlementLine(totals: SettlementTotals, line: SettlementLine, role: SettlementRole): void {
  totals.requestedKwh += line.requestedKwh;
  totals.deliveredKwh += line.deliveredKwh;
  totals.shortfallKwh += line.shortfallKwh;
  totals.absDeviationKwh += Math.abs(line.deviationKwh);
  totals.capacityEur += line.capacityEur;
  totals.volumeEur += line.volumeEur;
  totals.penaltyEur += line.penaltyEur;
  totals.netEur += role === "provider" ? line.netEur : role === "aggregator" ? -line.netEur : 0;
}

function addSettlementTotals(into: SettlementTotals, t: SettlementTotals): void {
  into.requestedKwh += t.requestedKwh;
  into.deliveredKwh += t.deliveredKwh;
  into.shortfallKwh += t.shortfallKwh;
  into.absDeviationKwh += t.absDeviationKwh;
  into.capacityEur += t.capacityEur;
  into.volumeEur += t.volumeEur;
  into.penaltyEur += t.penaltyEur;
  into.netEur += t.netEur;
}

/**
 * One message per provider and per aggregator that has a line this ISP (in order of first
 * appearance), then one to the DSO with every line (no message at all when no contract is
 * available or activated in the ISP). `accumulated` (keyed `role:party`) is
 * updated in place and its running totals are copied into the messages.
 */
export function settlementMessages(hour: number, lines: readonly SettlementLine[], dso: string, accumulated: Map<string, SettlementTotals>): SettlementMessage[] {
  const parties = new Map<string, { to: string; role: SettlementRole; contractIds: string[]; period: SettlementTotals }>();
  const add = (to: string, role: SettlementRole, line: SettlementLine): void => {
    const key = `${role}:${to}`;
    let p = parties.get(key);
    if (p === undefined) {
      p = { to, role, contractIds: [], period: emptySettlementTotals() };
      parties.set(key, p);
    }
    if (!p.contractIds.includes(line.contractId)) p.contractIds.push(line.contractId);
    addSettlementLine(p.period, line, role);
  };
  for (const line of lines) add(line.provider, "provider", line);
  for (const line of lines) add(line.aggregator, "aggregator", line);
  for (const line of lines) add(dso, "dso", line);
  const out: SettlementMessage[] = [];
  for (const [key, p] of parties) {
    let acc = accumulated.get(key);
    if (acc === undefined) {
      acc = emptySettlementTotals();
      accumulated.set(key, acc);
    }
    addSettlementTotals(acc, p.period);
    out.push({ to: p.to, role: p.role, hour, contractIds: p.contractIds, period: p.period, accumulated: { ...acc } });
  }
  return out;
}
