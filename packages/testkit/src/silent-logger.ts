import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@lean-ops/logger';

/** A real logger that writes nowhere, for components under test. */
export function silentLogger(): Logger {
  return createLogger({
    component: 'test',
    format: 'json',
    level: 'silent',
    destination: new Writable({ write: (_c, _e, d) => d() }),
  });
}
