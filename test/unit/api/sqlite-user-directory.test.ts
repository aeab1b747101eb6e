import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { createSqliteUserDirectory, TOKEN_PREFIX } from '../../../api/src/auth/sqlite-user-directory';
import { user } from './support/fixtures';

describe('api: SQLite user directory (API tokens)', () => {
  const alice = user('clinician', 'doc-1');

  it('issues a prefixed 32-byte base64url token that resolves to its user', async () => {
    const users = createSqliteUserDirectory({ path: ':memory:' });
    const issued = await users.issueToken(alice);
    expect(issued.token).to.match(/^mrk_[A-Za-z0-9_-]{43}$/);
    expect(issued.token.startsWith(TOKEN_PREFIX)).to.be.true;
    expect(await users.resolve(issued.token)).to.deep.equal({ tokenId: issued.tokenId, user: alice });
    users.close();
  });

  it('stores only a hash: the database file never contains the token', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-api-'));
    const file = path.join(dir, 'nested', 'tokens.sqlite');
    const users = createSqliteUserDirectory({ path: file });
    const issued = await users.issueToken(alice);
    const secret = issued.token.slice(TOKEN_PREFIX.length);
    users.close();
    const bytes = Buffer.concat(
      fs.readdirSync(path.dirname(file)).map((f) => fs.readFileSync(path.join(path.dirname(file), f))),
    );
    expect(bytes.includes(Buffer.from(secret))).to.be.false;
    expect(fs.statSync(file).mode & 0o077).to.equal(0);
    // Tokens survive a restart.
    const reopened = createSqliteUserDirectory({ path: file });
    expect((await reopened.resolve(issued.token))?.user).to.deep.equal(alice);
    reopened.close();
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses unknown, malformed and revoked tokens', async () => {
    const users = createSqliteUserDirectory({ path: ':memory:' });
    const issued = await users.issueToken(alice);
    expect(await users.resolve(`${TOKEN_PREFIX}${'A'.repeat(43)}`)).to.equal(undefined);
    expect(await users.resolve('not a token')).to.equal(undefined);
    expect(await users.resolve(`${issued.token}x`)).to.equal(undefined);
    const revoked = await users.revokeToken(issued.tokenId);
    expect(revoked?.revokedAt).to.be.a('string');
    expect(await users.resolve(issued.token)).to.equal(undefined);
    // Revoking again keeps the first revocation time.
    expect((await users.revokeToken(issued.tokenId))?.revokedAt).to.equal(revoked?.revokedAt);
    expect(await users.revokeToken('tok_missing')).to.equal(undefined);
    users.close();
  });

  it("lists a user's tokens without secrets and revokes all of them at once", async () => {
    let now = Date.parse('2030-01-01T00:00:00.000Z');
    const users = createSqliteUserDirectory({ path: ':memory:', clock: () => new Date((now += 1000)) });
    const first = await users.issueToken(alice);
    const second = await users.issueToken(alice);
    await users.issueToken(user('patient', 'pat-1'));
    const listed = await users.listTokens(alice);
    expect(listed.map((t) => t.tokenId)).to.deep.equal([first.tokenId, second.tokenId]);
    expect(JSON.stringify(listed)).to.not.include(first.token);
    expect(await users.revokeTokensOf(alice)).to.equal(2);
    expect(await users.resolve(second.token)).to.equal(undefined);
    expect((await users.listTokens(user('patient', 'pat-1')))[0]?.revokedAt).to.equal(null);
    users.close();
  });

  it('a token stops authenticating at its expiry, which is shown with it', async () => {
    let now = Date.parse('2030-01-01T00:00:00.000Z');
    const users = createSqliteUserDirectory({ path: ':memory:', clock: () => new Date(now), tokenTtlMs: 60_000 });
    const issued = await users.issueToken(alice);
    expect(issued.expiresAt).to.equal('2030-01-01T00:01:00.000Z');
    expect((await users.getToken(issued.tokenId))?.expiresAt).to.equal(issued.expiresAt);
    now += 59_999;
    expect((await users.resolve(issued.token))?.user).to.deep.equal(alice);
    now += 1;
    expect(await users.resolve(issued.token)).to.equal(undefined);
    users.close();
  });

  it('refuses a lifetime that is not a positive whole number of milliseconds', () => {
    for (const tokenTtlMs of [0, -1, 1.5, Number.NaN]) {
      expect(() => createSqliteUserDirectory({ path: ':memory:', tokenTtlMs })).to.throw(RangeError, /tokenTtlMs/);
    }
  });

  it('upgrades a database from before token expiry: its active tokens get a full lifetime from the upgrade', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-api-'));
    const file = path.join(dir, 'tokens.sqlite');
    const legacy = new Database(file);
    legacy.exec(
      'CREATE TABLE api_tokens (token_id TEXT PRIMARY KEY, token_hash BLOB NOT NULL UNIQUE, org TEXT NOT NULL, ' +
        'msp_id TEXT NOT NULL, participant_id TEXT NOT NULL, enrollment_id TEXT NOT NULL, role TEXT NOT NULL, ' +
        'created_at TEXT NOT NULL, revoked_at TEXT)',
    );
    const token = `${TOKEN_PREFIX}${'B'.repeat(43)}`;
    legacy
      .prepare('INSERT INTO api_tokens VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)')
      .run(
        'tok_old',
        crypto.createHash('sha256').update(token).digest(),
        'hospital1',
        alice.mspId,
        alice.participantId,
        alice.enrollmentId,
        alice.role,
        '2029-01-01T00:00:00.000Z',
      );
    legacy.close();
    let now = Date.parse('2030-01-01T00:00:00.000Z');
    const users = createSqliteUserDirectory({ path: file, clock: () => new Date(now), tokenTtlMs: 1000 });
    expect((await users.resolve(token))?.tokenId).to.equal('tok_old');
    expect((await users.getToken('tok_old'))?.expiresAt).to.equal('2030-01-01T00:00:01.000Z');
    now += 1000;
    expect(await users.resolve(token)).to.equal(undefined);
    users.close();
    fs.rmSync(dir, { recursive: true });
  });
});
