export { buildProgram } from './program.js';
export { EXIT, runCli } from './run-cli.js';
export { VERSION } from './version.js';
