import { pino, type Logger, type LoggerOptions } from 'pino';
import { currentRequestId } from './request-context';

export type { Logger };

/**
 * Paths pino replaces with "[redacted]" wherever they appear in a log object. Secrets, tokens and
 * personal data (phone numbers, ID and card numbers, names) must never reach a log line, even at
 * debug level, because logs are shipped to systems with far weaker access control than the DB.
 */
export const REDACTED_PATHS = [
  'authorization',
  'password',
  'secret',
  'token',
  'apiKey',
  'credentials',
  'mobile',
  'phone',
  'idCard',
  'cardNo',
  'realName',
  '*.authorization',
  '*.password',
  '*.secret',
  '*.secrets',
  '*.token',
  '*.apiKey',
  '*.credentials',
  '*.mobile',
  '*.phone',
  '*.idCard',
  '*.cardNo',
  '*.realName',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.headers.authorization',
  '*.variables',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'paygraph' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Every line written while serving a request names it.
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
  };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}
