/** API tokens in SQLite: only SHA-256 hashes of the secrets are stored, so a copy of the file grants nothing. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Role } from '@medrec/sdk';
import type { IssuedToken, ResolvedToken, TokenInfo, UserContext, UserDirectory } from '../ports';

export interface SqliteUserDirectoryOptions {
  /** Database file path (its directory is created), or ':memory:' for a private in-memory database (tests). */
  readonly path: string;
  /** Source of createdAt / revokedAt / expiry; injectable so tests can pin them. */
  readonly clock?: () => Date;
  /** Lifetime of a newly issued token (default 90 days): a leaked token stops working on its own. */
  readonly tokenTtlMs?: number;
}

export const DEFAULT_TOKEN_TTL_MS = 90 * 24 * 60 * 60 * 1000;

export interface SqliteUserDirectory extends UserDirectory {
  close(): void;
}

/** Tokens are recognisable in logs, secret scanners and support requests by this prefix. */
export const TOKEN_PREFIX = 'mrk_';
const SECRET_BYTES = 32;
// 32 random bytes are 43 base64url characters.
const TOKEN_PATTERN = /^mrk_[A-Za-z0-9_-]{43}$/;

interface TokenRow {
  token_id: string;
  token_hash: Buffer;
  org: string;
  msp_id: string;
  participant_id: string;
  enrollment_id: string;
  role: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS api_tokens (
    token_id TEXT PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    org TEXT NOT NULL,
    msp_id TEXT NOT NULL,
    participant_id TEXT NOT NULL,
    enrollment_id TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
  );
  CREATE INDEX IF NOT EXISTS api_tokens_by_owner ON api_tokens (msp_id, participant_id, created_at);
`;

const COLUMNS =
  'token_id, token_hash, org, msp_id, participant_id, enrollment_id, role, created_at, expires_at, revoked_at';

function sha256(text: string): Buffer {
  return crypto.createHash('sha256').update(text, 'utf8').digest();
}

function toUser(row: TokenRow): UserContext {
  return {
    org: row.org,
    mspId: row.msp_id,
    enrollmentId: row.enrollment_id,
    participantId: row.participant_id,
    role: row.role as Role,
  };
}

function toInfo(row: TokenRow): TokenInfo {
  return {
    tokenId: row.token_id,
    ...toUser(row),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

export function createSqliteUserDirectory(options: Readonly<SqliteUserDirectoryOptions>): SqliteUserDirectory {
  return new SqliteUserDirectoryImpl(options);
}

class SqliteUserDirectoryImpl implements SqliteUserDirectory {
  readonly #db: Database.Database;
  readonly #clock: () => Date;
  readonly #ttlMs: number;
  readonly #byHash: Database.Statement;

  constructor(options: Readonly<SqliteUserDirectoryOptions>) {
    if (options.path !== ':memory:') fs.mkdirSync(path.dirname(options.path), { recursive: true, mode: 0o700 });
    this.#db = new Database(options.path);
    // Hashes are not secrets, but who holds tokens (participant ids, roles) is nobody else's business on this host.
    if (options.path !== ':memory:') fs.chmodSync(options.path, 0o600);
    this.#db.pragma('journal_mode = WAL');
    this.#clock = options.clock ?? ((): Date => new Date());
    this.#ttlMs = options.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS;
    if (!Number.isSafeInteger(this.#ttlMs) || this.#ttlMs <= 0) {
      throw new RangeError(`tokenTtlMs must be a positive whole number of milliseconds, not ${String(this.#ttlMs)}`);
    }
    this.#migrate();
    // Every authenticated request looks its token up: the statement is compiled once, not per request.
    this.#byHash = this.#db.prepare(`SELECT ${COLUMNS} FROM api_tokens WHERE token_hash = ?`);
  }

  /** Creates the schema; a database from before token expiry gets the column, its active tokens a full lifetime. */
  #migrate(): void {
    const exists = this.#db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'api_tokens'").get();
    const columns = exists === undefined ? [] : (this.#db.pragma('table_info(api_tokens)') as { name: string }[]);
    if (exists !== undefined && !columns.some((c) => c.name === 'expires_at')) {
      const expiresAt = new Date(this.#clock().getTime() + this.#ttlMs).toISOString();
      this.#db.transaction(() => {
        this.#db.exec("ALTER TABLE api_tokens ADD COLUMN expires_at TEXT NOT NULL DEFAULT ''");
        this.#db.prepare('UPDATE api_tokens SET expires_at = ?').run(expiresAt);
      })();
    }
    this.#db.exec(SCHEMA);
  }

  issueToken(user: UserContext): Promise<IssuedToken> {
    const token = TOKEN_PREFIX + crypto.randomBytes(SECRET_BYTES).toString('base64url');
    const tokenId = `tok_${crypto.randomBytes(12).toString('base64url')}`;
    const now = this.#clock();
    const createdAt = now.toISOString();
    const expiresAt = new Date(now.getTime() + this.#ttlMs).toISOString();
    this.#db
      .prepare(`INSERT INTO api_tokens (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`)
      .run(
        tokenId,
        sha256(token),
        user.org,
        user.mspId,
        user.participantId,
        user.enrollmentId,
        user.role,
        createdAt,
        expiresAt,
      );
    return Promise.resolve({ tokenId, token, createdAt, expiresAt });
  }

  resolve(token: string): Promise<ResolvedToken | undefined> {
    // Malformed input is refused before hashing, so arbitrary header text never reaches the database.
    if (!TOKEN_PATTERN.test(token)) return Promise.resolve(undefined);
    const hash = sha256(token);
    const row = this.#byHash.get(hash) as TokenRow | undefined;
    // The lookup is by hash; the constant-time comparison makes the match itself independent of where bytes differ.
    if (row === undefined || !crypto.timingSafeEqual(row.token_hash, hash) || row.revoked_at !== null) {
      return Promise.resolve(undefined);
    }
    if (!(Date.parse(row.expires_at) > this.#clock().getTime())) return Promise.resolve(undefined);
    return Promise.resolve({ tokenId: row.token_id, user: toUser(row) });
  }

  getToken(tokenId: string): Promise<TokenInfo | undefined> {
    return Promise.resolve(this.#row(tokenId));
  }

  revokeToken(tokenId: string): Promise<TokenInfo | undefined> {
    this.#db
      .prepare('UPDATE api_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL')
      .run(this.#clock().toISOString(), tokenId);
    return Promise.resolve(this.#row(tokenId));
  }

  revokeTokensOf(owner: Readonly<{ mspId: string; participantId: string }>): Promise<number> {
    const result = this.#db
      .prepare('UPDATE api_tokens SET revoked_at = ? WHERE msp_id = ? AND participant_id = ? AND revoked_at IS NULL')
      .run(this.#clock().toISOString(), owner.mspId, owner.participantId);
    return Promise.resolve(result.changes);
  }

  listTokens(owner: Readonly<{ mspId: string; participantId: string }>): Promise<readonly TokenInfo[]> {
    const rows = this.#db
      .prepare(
        `SELECT ${COLUMNS} FROM api_tokens WHERE msp_id = ? AND participant_id = ? ORDER BY created_at, token_id`,
      )
      .all(owner.mspId, owner.participantId) as TokenRow[];
    return Promise.resolve(rows.map(toInfo));
  }

  close(): void {
    this.#db.close();
  }

  #row(tokenId: string): TokenInfo | undefined {
    const row = this.#db.prepare(`SELECT ${COLUMNS} FROM api_tokens WHERE token_id = ?`).get(tokenId) as
      TokenRow | undefined;
    return row === undefined ? undefined : toInfo(row);
  }
}
