import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

export interface LoggingConfig {
  level: string;
}

export function createLogger(config: LoggingConfig): Logger {
  const options: LoggerOptions = {
    level: config.level,
    base: undefined,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.passwordHash', '*.token'],
      censor: '[redacted]',
    },
  };
  return pino(options);
}
