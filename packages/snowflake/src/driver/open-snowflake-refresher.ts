import type { SnowflakeConnection } from '@lean-ops/config';
import type { DriverConnection } from './driver-connection.js';
import { SnowflakeSdkRefresher } from './snowflake-sdk-refresher.js';

/** Where the driver's own log lines go (a pino logger fits). */
export interface DriverLogger {
  warn(message: string): void;
  error(message: string): void;
}

export interface OpenSnowflakeRefresherOptions {
  /** The config's `snowflake.connection`: account, user, role, warehouse. */
  readonly connection: Pick<SnowflakeConnection, 'account' | 'user' | 'role' | 'warehouse'>;
  /**
   * The PEM private key of `connection.user` (PKCS#8, unencrypted), read at every connect so
   * a rotated key is picked up: Secrets Manager (`connection.privateKeySecret`) in AWS.
   */
  readonly privateKey: () => Promise<string>;
  /** Receives the driver's warnings and errors; without it they are dropped. */
  readonly logger?: DriverLogger;
}

/**
 * A `SnowflakeRefresher` on snowflake-sdk with key-pair (JWT) auth. Nothing is loaded or
 * connected until the first statement: the driver is imported then, so a process without
 * a Snowflake connection never loads it.
 */
export function openSnowflakeRefresher(options: OpenSnowflakeRefresherOptions): SnowflakeSdkRefresher {
  const { connection } = options;
  return new SnowflakeSdkRefresher({
    connect: async (): Promise<DriverConnection> => {
      const [{ default: snowflake }, privateKey] = await Promise.all([import('snowflake-sdk'), options.privateKey()]);
      const log = options.logger;
      // The driver logs to a file in the working directory unless given a logger.
      snowflake.configure({
        logLevel: 'WARN',
        customLogger: {
          error: (m) => log?.error(m),
          warn: (m) => log?.warn(m),
          info: () => undefined,
          debug: () => undefined,
          trace: () => undefined,
        },
      });
      const session = snowflake.createConnection({
        account: connection.account,
        username: connection.user,
        role: connection.role,
        warehouse: connection.warehouse,
        authenticator: 'SNOWFLAKE_JWT',
        privateKey,
        application: 'lean-ops',
      });
      await session.connectAsync();
      return session;
    },
  });
}
