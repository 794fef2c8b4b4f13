// The size of each scheduler benchmark's workload, shared by the benches and
// bench/report.ts.

export const CALLBACKS = 1_000_000;
export const TIMERS = 200_000;
export const TASKS = 100;
export const SWITCHES_PER_TASK = 10_000;
export const PINGPONGS = 200_000;
export const GATHERED = 100_000;
export const QUEUE_ITEMS = 100_000;
export const LOCK_TASKS = 100;
export const LOCK_ROUNDS = 1_000;
export const GROUP_TASKS = 100_000;

/** Operations one bench iteration performs, per group (read by bench/report.ts). */
export const OPS: Record<string, number> = {
  "callSoon chain": CALLBACKS,
  "callSoon fan": CALLBACKS,
  "timers": TIMERS,
  "task switches": TASKS * SWITCHES_PER_TASK,
  "future ping-pong": PINGPONGS,
  "gather": GATHERED,
  "queue hand-off": QUEUE_ITEMS,
  "lock hand-off": LOCK_TASKS * LOCK_ROUNDS,
  "taskGroup": GROUP_TASKS,
};
