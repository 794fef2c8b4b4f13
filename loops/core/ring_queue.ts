// A FIFO queue on a power-of-two ring buffer: push and shift are O(1) and
// allocation-free until the buffer has to grow (it doubles, it never shrinks
// below its initial size).

const INITIAL_CAPACITY = 1024;

/** A growable ring buffer used as the loop's ready queue. */
export class RingQueue<T> {
  #items: (T | undefined)[];
  #mask: number;
  #head = 0;
  #size = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    let cap = 16;
    while (cap < capacity) cap *= 2;
    this.#items = new Array(cap).fill(undefined);
    this.#mask = cap - 1;
  }

  get length(): number {
    return this.#size;
  }

  push(item: T): void {
    if (this.#size > this.#mask) this.#grow();
    this.#items[(this.#head + this.#size) & this.#mask] = item;
    this.#size++;
  }

  /** Removes and returns the oldest item; the queue must not be empty. */
  shift(): T {
    const i = this.#head;
    const item = this.#items[i] as T;
    this.#items[i] = undefined;
    this.#head = (i + 1) & this.#mask;
    this.#size--;
    return item;
  }

  clear(): void {
    this.#items.fill(undefined);
    this.#head = 0;
    this.#size = 0;
  }

  #grow(): void {
    const old = this.#items;
    const cap = old.length * 2;
    const items = new Array<T | undefined>(cap).fill(undefined);
    for (let k = 0; k < this.#size; k++) items[k] = old[(this.#head + k) & this.#mask];
    this.#items = items;
    this.#mask = cap - 1;
    this.#head = 0;
  }
}
