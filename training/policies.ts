/**
 * Builds the baseline policies an env offers, by name. The registry entry of an env declares
 * its family and which baselines serve it; each family's builders are in baselines/<family>/.
 * On an env whose action is Discrete over a DiscretizeAction wrapper (MicrogridDiscrete-v0), a
 * family's continuous controllers act through the nearest level of each set-point.
 */
import type { ParallelPolicyFactory, Policy, PolicyFactory } from "../src/core/env.js";
import { ConfigError } from "../src/core/errors.js";
import { spec, type AnyEnvSpec } from "../src/core/registry.js";
import { DiscretizeAction } from "../src/core/wrappers/discretize-action.js";
import type { BaselineFamily, BaselineOptions } from "../baselines/builders.js";
import { COMMUNITY_BASELINES } from "../baselines/community/index.js";
import { HUB_BASELINES } from "../baselines/hub/index.js";
import { MICROGRID_BASELINES } from "../baselines/microgrid/index.js";
import { STORAGE_BASELINES } from "../baselines/storage/index.js";

export type { BaselineOptions, ParallelPolicyFactory };

/** Every baseline family by the name an env's registry entry gives as its `family`. */
export const BASELINE_FAMILIES: Readonly<Record<string, BaselineFamily>> = {
  storage: STORAGE_BASELINES,
  microgrid: MICROGRID_BASELINES,
  "energy-hub": HUB_BASELINES,
  community: COMMUNITY_BASELINES,
};

/** Every baseline name some bundled family offers. */
export const BASELINE_NAMES: readonly string[] = [...new Set(Object.values(BASELINE_FAMILIES).flatMap((f) => [...Object.keys(f.env), ...Object.keys(f.parallel)]))];

/** The baseline names an env offers (its registry entry's `baselines`). */
export function baselinesFor(envId: string): string[] {
  return [...(spec(envId).baselines ?? [])];
}

/** The builder of `name` for env `s`, or a ConfigError listing what the env offers. */
function builderOf<K extends keyof BaselineFamily>(s: AnyEnvSpec, kind: K, name: string): NonNullable<BaselineFamily[K][string]> {
  const offered = s.baselines ?? [];
  const builder = offered.includes(name) && s.family !== undefined ? BASELINE_FAMILIES[s.family]?.[kind][name] : undefined;
  if (builder === undefined) {
    const expected = offered.length > 0 ? `one of ${offered.join(", ")} (for ${s.id})` : `a policy of its own (${s.id} declares no baselines)`;
    throw new ConfigError("policy", [{ path: "name", expected, received: JSON.stringify(name) }]);
  }
  return builder as NonNullable<BaselineFamily[K][string]>;
}

/**
 * A controller driving a DiscretizeAction env: a set-point array (a continuous controller's)
 * goes to its nearest level; a number (random actions from the Discrete space) passes as it is.
 */
function nearestLevel(wrapper: DiscretizeAction<unknown, Float32Array>, inner: Policy): Policy {
  return {
    name: inner.name,
    reset: (info) => inner.reset?.(info),
    act: (observation, info) => {
      const a = inner.act(observation, info);
      return typeof a === "number" ? a : wrapper.nearestAction(a as ArrayLike<number>);
    },
  };
}

/** The factory of baseline `name` for single-agent env `envId` (default CommunityBattery-v0). */
export async function baselineFactory(name: string, opts: BaselineOptions & { envId?: string } = {}): Promise<PolicyFactory> {
  const s = spec(opts.envId ?? "CommunityBattery-v0");
  if (s.kind !== "env") {
    throw new ConfigError("policy", [{ path: "envId", expected: "a single-agent env id (parallelBaselineFactory drives parallel envs)", received: JSON.stringify(s.id) }]);
  }
  const factory = await builderOf(s, "env", name)(opts);
  if (s.actionKind !== "discrete") return factory;
  return (env, ctx) => {
    if (!(env instanceof DiscretizeAction)) {
      throw new ConfigError("policy", [{ path: "env", expected: `a DiscretizeAction env (${s.id} declares a discrete action)`, received: env.spec?.id ?? "another env" }]);
    }
    return nearestLevel(env as DiscretizeAction<unknown, Float32Array>, factory(env, ctx));
  };
}

/** The factory of baseline `name` for parallel env `envId`. */
export async function parallelBaselineFactory(name: string, opts: BaselineOptions & { envId: string }): Promise<ParallelPolicyFactory> {
  const s = spec(opts.envId);
  if (s.kind !== "parallel") {
    throw new ConfigError("policy", [{ path: "envId", expected: "a parallel env id (baselineFactory drives single-agent envs)", received: JSON.stringify(s.id) }]);
  }
  return builderOf(s, "parallel", name)(opts);
}
