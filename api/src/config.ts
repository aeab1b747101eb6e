import path from 'node:path';
import { z } from 'zod';

/** Everything the API server reads from its environment, validated once at start-up. */
export interface ApiConfig {
  readonly host: string;
  readonly port: number;
  /** The organisation this server acts for (its short name, e.g. "hospital1"). */
  readonly org: string;
  /** SQLite file holding the hashed API tokens; ':memory:' keeps them in memory (tests). */
  readonly tokenDbPath: string;
  /** Lifetime of newly issued API tokens. */
  readonly tokenTtlMs: number;
  readonly rateLimit: RateLimitConfig;
  /** Exact origins allowed by CORS; empty means CORS is off (no Access-Control-* headers at all). */
  readonly corsOrigins: readonly string[];
  /** Largest accepted request body, in the `bytes` notation Express understands (e.g. "1mb"). */
  readonly bodyLimit: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Interval of the comment lines that keep a Server-Sent Events stream open through proxies. */
  readonly sseHeartbeatMs: number;
}

export interface RateLimitConfig {
  readonly windowMs: number;
  /** Requests per window per API token. */
  readonly perToken: number;
  /** Failed authentications per window per client address, so tokens cannot be guessed at speed. */
  readonly authFailuresPerIp: number;
}

/** The configuration is unusable; the message names every offending variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function integer(min: number, max: number): z.ZodCoercedNumber {
  return z.coerce.number().int().min(min).max(max);
}

const origin = z
  .string()
  .regex(/^https?:\/\/[^/\s*]+$/, 'each origin must be scheme://host[:port] with no path and no wildcard');

const schema = z.object({
  MEDREC_API_HOST: z.string().min(1).default('127.0.0.1'),
  MEDREC_API_PORT: integer(0, 65535).default(8080),
  MEDREC_ORG: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and "-"'),
  MEDREC_HOME: z.string().min(1).optional(),
  MEDREC_API_TOKEN_DB: z.string().min(1).optional(),
  MEDREC_API_TOKEN_TTL_DAYS: integer(1, 3650).default(90),
  MEDREC_API_RATE_WINDOW_MS: integer(1000, 3_600_000).default(60_000),
  MEDREC_API_RATE_LIMIT: integer(1, 1_000_000).default(600),
  MEDREC_API_AUTH_FAILURE_LIMIT: integer(1, 1_000_000).default(30),
  MEDREC_API_CORS_ORIGINS: z.string().default(''),
  MEDREC_API_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'a size such as 512kb or 1mb')
    .default('1mb'),
  MEDREC_API_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MEDREC_API_SSE_HEARTBEAT_MS: integer(1000, 600_000).default(15_000),
});

const DAY_MS = 24 * 60 * 60 * 1000;

function parse<T extends z.ZodType>(target: T, env: Readonly<Record<string, string | undefined>>): z.infer<T> {
  // An empty variable means "not set": otherwise MEDREC_API_PORT= would silently coerce to port 0.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = target.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid API configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/**
 * The API token lifetime alone, for tools that issue tokens outside the server (`medrec user register`, the first
 * admin token), so every token of a deployment follows the same MEDREC_API_TOKEN_TTL_DAYS.
 */
export function readTokenTtlMs(env: Readonly<Record<string, string | undefined>> = process.env): number {
  return parse(schema.pick({ MEDREC_API_TOKEN_TTL_DAYS: true }), env).MEDREC_API_TOKEN_TTL_DAYS * DAY_MS;
}

/** Reads and validates the API's environment variables; throws ConfigError listing every problem at once. */
export function readApiConfig(env: Readonly<Record<string, string | undefined>> = process.env): ApiConfig {
  const e = parse(schema, env);
  const corsOrigins = e.MEDREC_API_CORS_ORIGINS.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const badOrigins = corsOrigins.filter((o) => !origin.safeParse(o).success);
  if (badOrigins.length > 0) {
    throw new ConfigError(
      `invalid API configuration: MEDREC_API_CORS_ORIGINS: ${badOrigins.join(', ')} ` +
        'must each be scheme://host[:port] with no path and no wildcard',
    );
  }
  const home = e.MEDREC_HOME ?? path.resolve('.medrec');
  return {
    host: e.MEDREC_API_HOST,
    port: e.MEDREC_API_PORT,
    org: e.MEDREC_ORG,
    tokenDbPath: e.MEDREC_API_TOKEN_DB ?? path.join(home, 'api', e.MEDREC_ORG, 'tokens.sqlite'),
    tokenTtlMs: e.MEDREC_API_TOKEN_TTL_DAYS * DAY_MS,
    rateLimit: {
      windowMs: e.MEDREC_API_RATE_WINDOW_MS,
      perToken: e.MEDREC_API_RATE_LIMIT,
      authFailuresPerIp: e.MEDREC_API_AUTH_FAILURE_LIMIT,
    },
    corsOrigins,
    bodyLimit: e.MEDREC_API_BODY_LIMIT,
    logLevel: e.MEDREC_API_LOG_LEVEL,
    sseHeartbeatMs: e.MEDREC_API_SSE_HEARTBEAT_MS,
  };
}
