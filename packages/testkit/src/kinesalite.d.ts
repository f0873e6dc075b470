// kinesalite ships no types; this is the part of its API lean-ops uses.
declare module 'kinesalite' {
  import type { Server } from 'node:http';

  interface KinesaliteOptions {
    /** LevelDB directory; in memory when absent. */
    path?: string;
    /** Milliseconds a new stream stays CREATING. @defaultValue 500 */
    createStreamMs?: number;
    deleteStreamMs?: number;
    updateStreamMs?: number;
    shardLimit?: number;
  }

  /** Returns a plain Node.js HTTP server; `close` also closes its database. */
  function kinesalite(options?: KinesaliteOptions): Server;
  export default kinesalite;
}
