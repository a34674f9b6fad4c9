// Every resource a run starts is registered here as it starts, and stopped in
// reverse order however the run ends: success, failure or Ctrl-C.

type Stopper = { label: string; stop: () => Promise<void> };

export class Teardown {
  private readonly stack: Stopper[] = [];

  add(label: string, stop: () => Promise<void>): void {
    this.stack.push({ label, stop });
  }

  /** Stops everything, newest first; one failure does not keep the rest running. */
  async run(onError: (label: string, error: unknown) => void = () => {}): Promise<void> {
    for (let item = this.stack.pop(); item; item = this.stack.pop()) {
      try {
        await item.stop();
      } catch (error) {
        onError(item.label, error);
      }
    }
  }
}
