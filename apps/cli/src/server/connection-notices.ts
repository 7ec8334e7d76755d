/**
 * The lines a person sees when the live connection to the server drops and comes back: one line
 * when the first subscription loses it, one when the last lost one is back, however many
 * subscriptions share the server (a submit --wait of several runs prints each once, not per run).
 */
export class ConnectionNotices {
  private readonly lost = new Set<string>();

  /**
   * @param beforeLine called before each line (e.g. to end a progress line drawn in place)
   */
  constructor(
    private readonly serverUrl: string,
    private readonly stream: Pick<NodeJS.WritableStream, "write">,
    private readonly beforeLine: () => void = () => {},
  ) {}

  /** The subscription `key` lost its connection (the link reconnects by itself). */
  connectionLost(key: string): void {
    if (this.lost.has(key)) return;
    const first = this.lost.size === 0;
    this.lost.add(key);
    if (!first) return;
    this.beforeLine();
    this.stream.write(`connection to ${this.serverUrl} lost; reconnecting…\n`);
  }

  /** The subscription `key` is connected (again). */
  connected(key: string): void {
    if (!this.lost.delete(key) || this.lost.size > 0) return;
    this.beforeLine();
    this.stream.write(`connection to ${this.serverUrl} back\n`);
  }
}
