/**
 * What a run must undo however it ends (finished, failed, or Ctrl-C): its scratch database,
 * its temporary folders, its child processes. Steps run once, newest first; a step that fails
 * is reported on stderr and the others still run.
 */
export class Cleanup {
  private readonly steps: Array<{ readonly name: string; readonly run: () => Promise<void> | void }> = [];

  /** Adds a step and answers a function that runs it now (and drops it from the list). */
  add(name: string, run: () => Promise<void> | void): () => Promise<void> {
    const step = { name, run };
    this.steps.push(step);
    return async () => {
      const index = this.steps.indexOf(step);
      if (index < 0) return;
      this.steps.splice(index, 1);
      await step.run();
    };
  }

  async runAll(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop();
      if (step === undefined) break;
      try {
        await step.run();
      } catch (error) {
        process.stderr.write(`bench: cleaning up ${step.name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  }
}
