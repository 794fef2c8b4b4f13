// The FIFO ring buffer of the loop's ready queue and of the waiters and
// items of the synchronization primitives and queues.

import assert from "node:assert/strict";
import { RingQueue } from "../../../loops/core/ring_queue.ts";

Deno.test("RingQueue: FIFO, growth, removal from the middle, shrinking when emptied", () => {
  const d = new RingQueue<number>();
  for (let i = 0; i < 10; i++) d.push(i);
  assert.equal(d.shift(), 0);
  assert.equal(d.shift(), 1);
  for (let i = 10; i < 14; i++) d.push(i); // wraps around the ring
  assert.deepEqual(d.toArray(), [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  assert.ok(d.remove(7));
  assert.ok(d.remove(2)); // the head
  assert.ok(d.remove(13)); // the tail
  assert.equal(d.remove(99), false);
  assert.deepEqual(d.toArray(), [3, 4, 5, 6, 8, 9, 10, 11, 12]);
  assert.equal(d.at(0), 3);
  assert.equal(d.at(d.length - 1), 12);
  while (d.length > 0) d.shift();
  assert.equal(d.remove(3), false);

  for (let i = 0; i < 5000; i++) d.push(i);
  for (let i = 0; i < 4999; i++) assert.equal(d.shift(), i);
  d.push(5000);
  assert.deepEqual(d.toArray(), [4999, 5000]);
  d.shift();
  d.shift();
  assert.equal(d.length, 0);
  d.push(1);
  assert.deepEqual(d.toArray(), [1]);
});
