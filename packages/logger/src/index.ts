export { type CreateLoggerOptions, createLogger, type LogFormat, type Logger, type LogLevel } from './create-logger.js';
