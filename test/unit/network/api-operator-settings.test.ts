import { expect } from 'chai';
import { operatorSettings } from '../../../network/src/api-process';

describe('network: API settings an operator gives npm start', function () {
  it('passes the documented MEDREC_API_* settings on to the API processes, and nothing else', function () {
    const passed = operatorSettings({
      MEDREC_API_TRUST_PROXY: 'loopback',
      MEDREC_API_METRICS_TOKEN: 'm'.repeat(40),
      MEDREC_API_RATE_LIMIT: '50',
      MEDREC_API_CORS_ORIGINS: '',
      MEDREC_API_PORT: '1234',
      MEDREC_WALLET_SECRET: 'not for the API through this path',
      HOME: '/root',
    });
    expect(passed).to.deep.equal({
      MEDREC_API_TRUST_PROXY: 'loopback',
      MEDREC_API_METRICS_TOKEN: 'm'.repeat(40),
      MEDREC_API_RATE_LIMIT: '50',
    });
  });
});
