import net from 'node:net';
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
  /**
   * Which reverse proxies to believe about the client's address (Express "trust proxy"): false (none, the default),
   * a number of proxy hops, or addresses/CIDRs. Rate limits and logs use the address this yields.
   */
  readonly trustProxy: false | number | readonly string[];
  /** When set, GET /metrics requires "Authorization: Bearer <this>"; otherwise it is public (development). */
  readonly metricsToken: string | undefined;
  /** The web console's build output (console/dist), served at /console/; undefined serves no console. */
  readonly consoleDirectory: string | undefined;
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
  MEDREC_API_TRUST_PROXY: z.string().default(''),
  MEDREC_API_METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{32,256}$/, 'at least 32 printable characters without spaces (e.g. openssl rand -hex 32)')
    .optional(),
  MEDREC_API_CONSOLE_DIR: z.string().min(1).optional(),
});

/** Express's named ranges, and IPv4/IPv6 addresses with an optional prefix length. */
const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = net.isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

function trustProxyOf(value: string): ApiConfig['trustProxy'] {
  const text = value.trim();
  if (text === '') return false;
  if (/^\d{1,2}$/.test(text) && Number(text) >= 1 && Number(text) <= 10) return Number(text);
  const entries = text.split(',').map((s) => s.trim());
  const bad = entries.filter((entry) => !isProxyAddress(entry));
  if (bad.length > 0) {
    throw new ConfigError(
      `invalid API configuration: MEDREC_API_TRUST_PROXY: ${bad.join(', ')} is not a proxy hop count (1-10), an ` +
        'address, a CIDR, or loopback/linklocal/uniquelocal ("true" is refused: it lets any client forge its address)',
    );
  }
  return entries;
}

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
    trustProxy: trustProxyOf(e.MEDREC_API_TRUST_PROXY),
    metricsToken: e.MEDREC_API_METRICS_TOKEN,
    consoleDirectory: e.MEDREC_API_CONSOLE_DIR === undefined ? undefined : path.resolve(e.MEDREC_API_CONSOLE_DIR),
  };
}
