// The receive buffer of a Socket: byte chunks read from Deno, taken out in
// any sizes without copying when a chunk can be handed out whole or sliced.

/** @ignore A FIFO of bytes made of chunks. */
export class ByteQueue {
  #chunks: Uint8Array[] = [];
  #size = 0;

  /** How many bytes are buffered. */
  get size(): number {
    return this.#size;
  }

  /** Appends a chunk (kept as it is: pass a private copy). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#size += chunk.length;
  }

  /** Removes and returns up to `n` bytes (`n` > 0, queue not empty). */
  take(n: number): Uint8Array {
    const first = this.#chunks[0];
    let out: Uint8Array;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
    } else {
      out = new Uint8Array(Math.min(n, this.#size));
      this.#copyOut(out);
    }
    this.#size -= out.length;
    return out;
  }

  /** Moves up to `into.length` bytes into `into`; returns the count. */
  takeInto(into: Uint8Array): number {
    const count = Math.min(into.length, this.#size);
    this.#copyOut(into.subarray(0, count));
    this.#size -= count;
    return count;
  }

  #copyOut(out: Uint8Array): void {
    let at = 0;
    while (at < out.length) {
      const c = this.#chunks[0];
      const k = Math.min(c.length, out.length - at);
      out.set(k === c.length ? c : c.subarray(0, k), at);
      at += k;
      if (k === c.length) this.#chunks.shift();
      else this.#chunks[0] = c.subarray(k);
    }
  }

  /** Drops everything. */
  clear(): void {
    this.#chunks = [];
    this.#size = 0;
  }
}
