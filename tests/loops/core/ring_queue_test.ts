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

Deno.test("RingQueue: growing with the items wrapped around keeps their order", () => {
  // Push and shift in bursts so the buffer grows with the head at many
  // different places, against a plain array.
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (const capacity of [4, 16, 1024]) {
    const q = new RingQueue<number>(capacity);
    const model: number[] = [];
    let next = 0;
    for (let round = 0; round < 400; round++) {
      const pushes = Math.floor(random() * 40);
      for (let i = 0; i < pushes; i++) {
        q.push(next);
        model.push(next++);
      }
      const shifts = Math.floor(random() * 30);
      for (let i = 0; i < shifts && model.length > 0; i++) assert.equal(q.shift(), model.shift());
      assert.equal(q.length, model.length);
    }
    assert.deepEqual(q.toArray(), model);
  }
});
