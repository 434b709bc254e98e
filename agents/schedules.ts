/**
 * Schedules: a hyperparameter as a function of the env step (SB3's `Schedule` type, CleanRL's
 * `linear_schedule`). Used for DQN's epsilon and the actor-critics' learning-rate annealing.
 */

/** A value as a function of the global env step. */
export type Schedule = (step: number) => number;

/** Always `value`. */
export function constantSchedule(value: number): Schedule {
  return () => value;
}

/**
 * From `start` at step 0 to `end` at `durationSteps`, linearly, then `end` forever
 * (CleanRL's `linear_schedule`). A duration of 0 gives `end` from the first step.
 */
export function linearSchedule(start: number, end: number, durationSteps: number): Schedule {
  return (step) => {
    if (durationSteps <= 0 || step >= durationSteps) return end;
    return start + (end - start) * (Math.max(0, step) / durationSteps);
  };
}
