import { expect } from 'chai';
import { configOfBlock } from '../../../network/src/channel-update';
import {
  checkOrderingParameters,
  durationMs,
  orderingParametersOf,
  withOrderingParameters,
} from '../../../network/src/ordering-parameters';

/** The Orderer group values as configtxlator decodes them from this project's genesis block. */
function config(): Record<string, unknown> {
  return {
    channel_group: {
      groups: {
        Orderer: {
          values: {
            BatchSize: {
              mod_policy: 'Admins',
              value: { absolute_max_bytes: 10485760, max_message_count: 100, preferred_max_bytes: 2097152 },
              version: '0',
            },
            BatchTimeout: { mod_policy: 'Admins', value: { timeout: '500ms' }, version: '0' },
          },
        },
      },
    },
  };
}

describe('ordering parameters: batch timeout and block size by configuration update', () => {
  it('reads the parameters from a decoded channel config', () => {
    expect(orderingParametersOf(config())).to.deep.equal({ batchTimeout: '500ms', maxMessageCount: 100 });
  });

  it('refuses a config without the Orderer values instead of guessing', () => {
    expect(() => orderingParametersOf({ channel_group: { groups: {} } })).to.throw('no Orderer BatchTimeout');
  });

  it('sets only what it is given, leaving every other value as it was', () => {
    const changed = config();
    withOrderingParameters({ batchTimeout: '250ms' })(changed);
    expect(orderingParametersOf(changed)).to.deep.equal({ batchTimeout: '250ms', maxMessageCount: 100 });
    const valuesOf = (c: Record<string, unknown>): Record<string, unknown> =>
      (c.channel_group as { groups: { Orderer: { values: Record<string, unknown> } } }).groups.Orderer.values;
    const values = valuesOf(changed);
    expect(values.BatchSize).to.deep.equal(valuesOf(config()).BatchSize);
    withOrderingParameters({ maxMessageCount: 40 })(changed);
    expect(orderingParametersOf(changed)).to.deep.equal({ batchTimeout: '250ms', maxMessageCount: 40 });
    expect((values.BatchSize as { value: Record<string, number> }).value.absolute_max_bytes).to.equal(10485760);
  });

  it('accepts durations from 10ms to 10s written as ms or s, and nothing else', () => {
    expect(durationMs('250ms')).to.equal(250);
    expect(durationMs('2s')).to.equal(2000);
    for (const bad of ['0ms', '250', '1.5s', '1m', '-5ms', ' 250ms', '250ms ', '1h', '01s']) {
      expect(durationMs(bad), bad).to.equal(undefined);
    }
    expect(() => {
      checkOrderingParameters({ batchTimeout: '10ms' });
    }).not.to.throw();
    expect(() => {
      checkOrderingParameters({ batchTimeout: '10s' });
    }).not.to.throw();
    expect(() => {
      checkOrderingParameters({ batchTimeout: '9ms' });
    }).to.throw('from 10ms to 10s');
    expect(() => {
      checkOrderingParameters({ batchTimeout: '11s' });
    }).to.throw('from 10ms to 10s');
  });

  it('accepts 1 to 10000 messages per block, whole numbers only', () => {
    expect(() => {
      checkOrderingParameters({ maxMessageCount: 1 });
    }).not.to.throw();
    expect(() => {
      checkOrderingParameters({ maxMessageCount: 10_000 });
    }).not.to.throw();
    for (const bad of [0, 10_001, 2.5, Number.NaN, -1]) {
      expect(() => {
        checkOrderingParameters({ maxMessageCount: bad });
      }, String(bad)).to.throw('whole number');
    }
  });

  it('refuses bad values before it touches any config', () => {
    expect(() => withOrderingParameters({ batchTimeout: '1m' })).to.throw('1m');
  });

  it('finds the config inside a decoded config block, and refuses any other block', () => {
    const block = { data: { data: [{ payload: { data: { config: config() } } }] } };
    expect(orderingParametersOf(configOfBlock(block)).batchTimeout).to.equal('500ms');
    expect(() => configOfBlock({ data: { data: [{ payload: { data: {} } }] } })).to.throw('not a config block');
  });
});
