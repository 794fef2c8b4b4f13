// Plain-JS equivalents of the loop's hot paths: the baselines the scheduler
// benchmarks are measured against, in the same run.

/** A minimal ring-buffer dispatcher of zero-argument callbacks. */
export class PlainRing {
  items: ((() => void) | undefined)[] = new Array(1024).fill(undefined);
  mask = 1023;
  head = 0;
  size = 0;

  push(cb: () => void): void {
    if (this.size > this.mask) this.grow();
    this.items[(this.head + this.size) & this.mask] = cb;
    this.size++;
  }

  run(): void {
    while (this.size > 0) {
      const cb = this.items[this.head]!;
      this.items[this.head] = undefined;
      this.head = (this.head + 1) & this.mask;
      this.size--;
      cb();
    }
  }

  grow(): void {
    const cap = this.items.length * 2;
    const items = new Array(cap).fill(undefined);
    for (let k = 0; k < this.size; k++) items[k] = this.items[(this.head + k) & this.mask];
    this.items = items;
    this.mask = cap - 1;
    this.head = 0;
  }
}

interface PlainTimer {
  when: number;
  seq: number;
  cancelled: boolean;
  cb: () => void;
}

/** A minimal binary heap of timers with lazy cancellation. */
export class PlainHeap {
  a: PlainTimer[] = [];
  seq = 0;

  push(when: number, cb: () => void): PlainTimer {
    const t = { when, seq: this.seq++, cancelled: false, cb };
    const a = this.a;
    let i = a.length;
    a.push(t);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p].when < t.when || (a[p].when === t.when && a[p].seq < t.seq)) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = t;
    return t;
  }

  pop(): PlainTimer {
    const a = this.a;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      const n = a.length;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (
          c + 1 < n &&
          (a[c + 1].when < a[c].when || (a[c + 1].when === a[c].when && a[c + 1].seq < a[c].seq))
        ) c++;
        if (a[c].when > last.when || (a[c].when === last.when && a[c].seq > last.seq)) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

/** Round-robin generator trampoline: each yield puts the generator back in the queue. */
export function trampoline(gens: Generator<unknown, unknown, unknown>[]): void {
  const q = new PlainRing();
  for (const g of gens) {
    const step = () => {
      if (!g.next().done) q.push(step);
    };
    q.push(step);
  }
  q.run();
}
