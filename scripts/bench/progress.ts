/** Progress on stderr, so stdout keeps the one table: which row runs, and how long the long ones have left. */
export class Progress {
  private readonly started = Date.now();

  constructor(private readonly quiet = false) {}

  line(text: string): void {
    if (!this.quiet) process.stderr.write(`bench ${clock(Date.now() - this.started)} ${text}\n`);
  }

  row(index: number, total: number, id: string, title: string, estimateS: number): void {
    this.line(`[${index}/${total}] ${id}: ${title}${estimateS >= 5 ? `, about ${duration(estimateS)}` : ''}`);
  }

  /** A rate-limited line for long work: done of total, the rate, and what is left at that rate. */
  eta(what: string, unit: string): (done: number, total: number, seconds: number) => void {
    let lastAt = 0;
    let finished = false;
    return (done, total, seconds) => {
      if (finished || (Date.now() - lastAt < 5_000 && done < total)) return;
      finished = done >= total;
      lastAt = Date.now();
      const rate = done / Math.max(seconds, 1e-3);
      const left = rate > 0 ? (total - done) / rate : Number.NaN;
      this.line(`  ${what}: ${done.toLocaleString('en')} of ${total.toLocaleString('en')} ${unit}, ${Math.round(rate).toLocaleString('en')} ${unit}/s${done < total ? `, about ${duration(left)} left` : ''}`);
    };
  }
}

const clock = (ms: number): string => {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  return seconds < 90 ? `${Math.max(1, Math.round(seconds))} s` : `${Math.round(seconds / 60)} min`;
}
