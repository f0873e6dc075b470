/** Found in every watchdog's command line: a later start checks it before it reaps one. */
export const WATCHDOG_MARK = 'lean-ops child-server watchdog';

/**
 * The watchdog of a child server, run as `node -e WATCHDOG_SOURCE <graceMs> <command>
 * <args…>` (plain CommonJS: it needs no loader and starts in tens of milliseconds). It
 * spawns the server in its own process group, writes the server's pid on fd 3, and stops
 * the server (SIGTERM, SIGKILL after the grace) when its stdin ends: the owner closed it
 * (`stop()`) or the owner died and the kernel closed it. It exits when the server exits,
 * with the server's exit code (128 + the signal number when a signal ended it).
 */
export const WATCHDOG_SOURCE = `/* ${WATCHDOG_MARK} */
'use strict';
const { spawn } = require('node:child_process');
const { closeSync, writeSync } = require('node:fs');
const { constants } = require('node:os');
const [grace, command, ...args] = process.argv.slice(1);
const server = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
server.once('spawn', () => {
  try { writeSync(3, server.pid + '\\n'); closeSync(3); } catch {}
});
server.once('error', (err) => {
  process.stderr.write('failed to start: ' + err.message + '\\n');
  process.exit(127);
});
server.once('exit', (code, signal) => {
  process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
});
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.kill('SIGTERM');
  setTimeout(() => server.kill('SIGKILL'), Number(grace));
};
process.stdin.on('data', () => {});
process.stdin.once('end', stop);
process.stdin.once('close', stop);
process.stdin.once('error', stop);
process.on('SIGTERM', stop);
process.on('SIGHUP', stop);
`;
