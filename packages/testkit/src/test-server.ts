/** A protocol server started for a test: where to send requests, and how to stop it. */
export interface TestServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly endpoint: string;
  /** Stops the server; a second call awaits the same shutdown. */
  stop(): Promise<void>;
}
