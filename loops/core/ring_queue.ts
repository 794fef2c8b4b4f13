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
  #initial: number;

  constructor(capacity = INITIAL_CAPACITY) {
    let cap = 16;
    while (cap < capacity) cap *= 2;
    this.#initial = cap;
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
    // A buffer that grew is dropped rather than emptied slot by slot.
    if (this.#items.length > this.#initial) this.#items = new Array(this.#initial).fill(undefined);
    else this.#items.fill(undefined);
    this.#mask = this.#items.length - 1;
    this.#head = 0;
    this.#size = 0;
  }

  // Doubles the buffer, the items in order from index 0. The copies are
  // builtins (slice, concat, length): a loop over 100,000 items here ran
  // unoptimized and cost as much as the pushes themselves.
  #grow(): void {
    const old = this.#items;
    const head = this.#head;
    const items = head === 0 ? old : old.slice(head).concat(old.slice(0, head));
    items.length = old.length * 2; // the new half reads as undefined
    this.#items = items;
    this.#mask = items.length - 1;
    this.#head = 0;
  }
}
