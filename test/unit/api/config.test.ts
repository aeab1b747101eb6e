import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, readApiConfig, readTokenTtlMs } from '../../../api/src/config';

describe('api: configuration', () => {
  it('applies defaults for everything but the organisation', () => {
    const config = readApiConfig({ MEDREC_ORG: 'hospital1', MEDREC_HOME: '/var/medrec' });
    expect(config).to.deep.equal({
      host: '127.0.0.1',
      port: 8080,
      org: 'hospital1',
      tokenDbPath: path.join('/var/medrec', 'api', 'hospital1', 'tokens.sqlite'),
      tokenTtlMs: 90 * 86_400_000,
      rateLimit: { windowMs: 60_000, perToken: 600, authFailuresPerIp: 30 },
      corsOrigins: [],
      bodyLimit: '1mb',
      logLevel: 'info',
      sseHeartbeatMs: 15_000,
      trustProxy: false,
      metricsToken: undefined,
      consoleDirectory: undefined,
    });
  });

  it('reads every variable', () => {
    const config = readApiConfig({
      MEDREC_ORG: 'hospital2',
      MEDREC_API_HOST: '0.0.0.0',
      MEDREC_API_PORT: '9001',
      MEDREC_API_TOKEN_DB: ':memory:',
      MEDREC_API_RATE_WINDOW_MS: '1000',
      MEDREC_API_RATE_LIMIT: '5',
      MEDREC_API_AUTH_FAILURE_LIMIT: '2',
      MEDREC_API_CORS_ORIGINS: 'https://console.example.org, http://localhost:3000',
      MEDREC_API_BODY_LIMIT: '512kb',
      MEDREC_API_LOG_LEVEL: 'warn',
      MEDREC_API_SSE_HEARTBEAT_MS: '5000',
      MEDREC_API_TOKEN_TTL_DAYS: '7',
    });
    expect(config.port).to.equal(9001);
    expect(config.tokenTtlMs).to.equal(7 * 86_400_000);
    expect(config.tokenDbPath).to.equal(':memory:');
    expect(config.rateLimit).to.deep.equal({ windowMs: 1000, perToken: 5, authFailuresPerIp: 2 });
    expect(config.corsOrigins).to.deep.equal(['https://console.example.org', 'http://localhost:3000']);
  });

  it('names every invalid variable at once', () => {
    const read = (): unknown => readApiConfig({ MEDREC_API_PORT: '70000', MEDREC_API_RATE_LIMIT: 'many' });
    expect(read).to.throw(ConfigError, /MEDREC_API_PORT.*MEDREC_API_RATE_LIMIT.*MEDREC_ORG|MEDREC_ORG/);
    try {
      read();
    } catch (err) {
      const message = (err as Error).message;
      for (const name of ['MEDREC_API_PORT', 'MEDREC_API_RATE_LIMIT', 'MEDREC_ORG']) expect(message).to.include(name);
    }
  });

  it('reads the token lifetime alone for tools that issue tokens outside the server, with the same bounds', () => {
    expect(readTokenTtlMs({})).to.equal(90 * 86_400_000);
    expect(readTokenTtlMs({ MEDREC_API_TOKEN_TTL_DAYS: '1' })).to.equal(86_400_000);
    expect(() => readTokenTtlMs({ MEDREC_API_TOKEN_TTL_DAYS: '0' })).to.throw(ConfigError, /MEDREC_API_TOKEN_TTL_DAYS/);
    expect(() => readTokenTtlMs({ MEDREC_API_TOKEN_TTL_DAYS: '1.5' })).to.throw(ConfigError);
  });

  it('reads which proxies to trust, refusing "true" and malformed addresses', () => {
    const read = (value: string): unknown =>
      readApiConfig({ MEDREC_ORG: 'h1', MEDREC_API_TRUST_PROXY: value }).trustProxy;
    expect(read('2')).to.equal(2);
    expect(read('loopback, 10.0.0.0/8, fd00::/8, 192.168.1.7')).to.deep.equal([
      'loopback',
      '10.0.0.0/8',
      'fd00::/8',
      '192.168.1.7',
    ]);
    for (const bad of ['true', '10.0.0.0/33', '300.1.1.1', 'proxy.example.org', '0', '11']) {
      expect(() => read(bad), bad).to.throw(ConfigError, /MEDREC_API_TRUST_PROXY/);
    }
  });

  it('requires a metrics token of at least 32 printable characters when one is set', () => {
    const token = 'a'.repeat(32);
    expect(readApiConfig({ MEDREC_ORG: 'h1', MEDREC_API_METRICS_TOKEN: token }).metricsToken).to.equal(token);
    expect(() => readApiConfig({ MEDREC_ORG: 'h1', MEDREC_API_METRICS_TOKEN: 'short' })).to.throw(
      ConfigError,
      /MEDREC_API_METRICS_TOKEN/,
    );
  });

  it('serves the web console only from a configured directory, resolved to an absolute path', () => {
    expect(readApiConfig({ MEDREC_ORG: 'h1' }).consoleDirectory).to.equal(undefined);
    expect(readApiConfig({ MEDREC_ORG: 'h1', MEDREC_API_CONSOLE_DIR: 'console/dist' }).consoleDirectory).to.equal(
      path.resolve('console/dist'),
    );
  });

  it('treats an empty variable as unset (MEDREC_API_PORT= is not port 0)', () => {
    expect(readApiConfig({ MEDREC_ORG: 'hospital1', MEDREC_API_PORT: '' }).port).to.equal(8080);
  });

  it('refuses wildcard or path-carrying CORS origins', () => {
    expect(() => readApiConfig({ MEDREC_ORG: 'h1', MEDREC_API_CORS_ORIGINS: '*' })).to.throw(ConfigError, /\*/);
    expect(() => readApiConfig({ MEDREC_ORG: 'h1', MEDREC_API_CORS_ORIGINS: 'https://a.example/x' })).to.throw(
      ConfigError,
    );
  });
});
