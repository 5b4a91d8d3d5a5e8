import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Text written to a stream with backpressure: a writer that outruns its reader waits for it, and holds one chunk at most. */
export class Output {
  constructor(private readonly stream: Writable) {}

  async write(text: string): Promise<void> {
    if (text === '' || this.stream.write(text)) return;
    await once(this.stream, 'drain');
  }
}
