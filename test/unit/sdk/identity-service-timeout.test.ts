import { expect } from 'chai';
import { Utils } from 'fabric-common';
import { createIdentityService } from '../../../sdk/src/identity-service';

describe('identity service: waiting for a busy CA', () => {
  it('gives the Fabric CA client 30 s, not its default 3 s, before a registration counts as failed', () => {
    expect(createIdentityService).to.be.a('function'); // loading the module applies the setting
    const config = Utils as unknown as { getConfigSetting(name: string, fallback?: unknown): unknown };
    expect(config.getConfigSetting('connection-timeout', 3000)).to.equal(30_000);
  });
});
