// The StreamReader's buffer: one contiguous run of bytes, consumed from the
// front and appended at the back.
//
// The hot path costs no copy: a chunk arriving into an empty buffer is kept
// as it is ("adopted"), and reads hand out the chunk itself or views of it.
// Only when bytes accumulate does the buffer copy them into storage of its
// own, which grows by doubling and is compacted when the consumed front is
// at least as large as what is left.

const EMPTY = new Uint8Array(0);
/** Smallest storage allocated for accumulated bytes. */
const MIN_CAPACITY = 16 * 1024;
/** Free space after the data that `indexOf` may scan instead of taking a view. */
const SCAN_SLACK = 1024;

/** A byte queue; `take` removes bytes from the front. */
export class ByteBuffer {
  #buf: Uint8Array = EMPTY;
  #start = 0;
  #end = 0;
  // Whether #buf is storage of our own (written into) or an adopted chunk
  // (never written into, so it may be handed out as it is).
  #owned = false;

  /** How many bytes are buffered. */
  get length(): number {
    return this.#end - this.#start;
  }

  /**
   * Appends `data`. With `adopt`, the caller gives the array up: when the
   * buffer is empty it is kept without copying.
   */
  push(data: Uint8Array, adopt: boolean): void {
    const n = data.length;
    if (n === 0) return;
    if (this.#end === this.#start) {
      this.#buf = adopt ? data : data.slice();
      this.#start = 0;
      this.#end = n;
      this.#owned = false;
      return;
    }
    this.#reserve(n);
    this.#buf.set(data, this.#end);
    this.#end += n;
  }

  /** Puts `data` back in front of the buffered bytes (the caller gives it up). */
  unshift(data: Uint8Array): void {
    if (data.length === 0) return;
    if (this.length === 0) {
      this.push(data, true);
      return;
    }
    const len = this.length;
    const out = new Uint8Array(Math.max(2 * (len + data.length), MIN_CAPACITY));
    out.set(data, 0);
    out.set(this.#buf.subarray(this.#start, this.#end), data.length);
    this.#buf = out;
    this.#start = 0;
    this.#end = len + data.length;
    this.#owned = true;
  }

  // Makes room for `extra` more bytes after #end in storage of our own.
  #reserve(extra: number): void {
    const len = this.length;
    if (this.#owned) {
      if (this.#end + extra <= this.#buf.length) return;
      if (this.#start >= len && len + extra <= this.#buf.length) {
        this.#buf.copyWithin(0, this.#start, this.#end);
        this.#start = 0;
        this.#end = len;
        return;
      }
    }
    const capacity = Math.max(2 * (len + extra), MIN_CAPACITY);
    const out = new Uint8Array(capacity);
    out.set(this.#buf.subarray(this.#start, this.#end), 0);
    this.#buf = out;
    this.#start = 0;
    this.#end = len;
    this.#owned = true;
  }

  /**
   * Removes and returns the first `n` bytes (`n <= length`). From an
   * adopted chunk, which is never written into, the bytes are returned
   * without a copy (the chunk itself, or a view of it); from our own
   * storage, which is reused, as a copy.
   */
  take(n: number): Uint8Array {
    const s = this.#start;
    let out: Uint8Array;
    if (this.#owned) out = this.#buf.slice(s, s + n);
    else if (s === 0 && n === this.#buf.length) out = this.#buf;
    else out = this.#buf.subarray(s, s + n);
    this.#start = s + n;
    if (this.#start === this.#end) this.clear();
    return out;
  }

  /** Drops everything. */
  clear(): void {
    this.#buf = EMPTY;
    this.#start = 0;
    this.#end = 0;
    this.#owned = false;
  }

  /** The byte at `i` (relative to the front). */
  at(i: number): number {
    return this.#buf[this.#start + i];
  }

  /**
   * Where `sep` first occurs at or after `from` (relative to the front), or
   * -1. `sep` must not be empty.
   */
  indexOf(sep: Uint8Array, from: number): number {
    const s = this.#start;
    const end = this.#end;
    const m = sep.length;
    // Owned storage has free space after #end; a view keeps the native scan
    // from running through a large stretch of it.
    const buf = this.#buf.length - end <= SCAN_SLACK ? this.#buf : this.#buf.subarray(0, end);
    const first = sep[0];
    let i = buf.indexOf(first, s + from);
    while (i !== -1 && i + m <= end) {
      let k = 1;
      while (k < m && buf[i + k] === sep[k]) k++;
      if (k === m) return i - s;
      i = buf.indexOf(first, i + 1);
    }
    return -1;
  }
}

/** Concatenates chunks into one array (the only chunk is returned as it is). */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  let size = 0;
  for (const c of chunks) size += c.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
