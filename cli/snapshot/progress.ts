/**
 * How many AWS requests run at once, and how the run is reported as it goes. Identity Center shares about 20
 * requests per second across its APIs (matrix/aws/limits.ts); the clients retry throttling adaptively, and this
 * keeps the number in flight bounded so that retries do not pile up.
 */

/** Counts API calls, and reports them with an estimate of what is left once the total is known. */
export class CallCounter {
  calls = 0;
  private expected: number | undefined;
  private readonly started = Date.now();
  private lastReport = 0;

  constructor(private readonly report: (line: string) => void = () => undefined) {}

  /** The total number of calls, once the plan is known (for the estimate). */
  expect(total: number): void {
    this.expected = total;
  }

  count(): void {
    this.calls++;
    const now = Date.now();
    if (now - this.lastReport < 1000) return;
    this.lastReport = now;
    const rate = this.calls / Math.max(1, (now - this.started) / 1000);
    const left =
      this.expected !== undefined && this.expected > this.calls ? ` of about ${this.expected}, ${Math.ceil((this.expected - this.calls) / rate)} s left` : "";
    this.report(`${this.calls} calls${left}`);
  }
}
