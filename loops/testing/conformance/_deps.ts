// What the conformance cases use of the library, from the layers below
// loops/testing/ (the cases cannot import an entry point).

export { BaseEventLoop } from "../../core/base_event_loop.ts";
export {
  type AbstractEventLoop,
  type Coroutine,
  type ExceptionContext,
  getRunningLoop,
  Handle,
  TimerHandle,
} from "../../core/events.ts";
export { CancelledError, RuntimeError, TimeoutError } from "../../core/exceptions.ts";
export { Future } from "../../core/futures.ts";
export { allTasks, createTask, currentTask, Task } from "../../core/tasks.ts";
export { sleep } from "../../flow/sleep.ts";
export { gather } from "../../flow/gather.ts";
export {
  ALL_COMPLETED,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  type ReturnWhen,
  wait,
  waitFor,
} from "../../flow/wait.ts";
export { shield } from "../../flow/shield.ts";
