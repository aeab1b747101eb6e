import { expect } from 'chai';
import { assertOutsideEphemeralRange } from '../../../network/src/ephemeral-ports';
import { DEFAULT_PORT_BASE } from '../../../network/src/topology';

describe('port base and the ephemeral port range', function () {
  const linuxDefault = [32768, 60999] as const;

  it('accepts the default base and bases clear of the range', function () {
    expect(() => {
      assertOutsideEphemeralRange(DEFAULT_PORT_BASE, linuxDefault);
    }).to.not.throw();
    expect(() => {
      assertOutsideEphemeralRange(31768, linuxDefault);
    }).to.not.throw();
    expect(() => {
      assertOutsideEphemeralRange(61000, linuxDefault);
    }).to.not.throw();
  });

  it('refuses a base whose ports overlap the range, saying which bases work', function () {
    for (const base of [37000, 32000, 60500]) {
      expect(() => {
        assertOutsideEphemeralRange(base, linuxDefault);
      }, String(base)).to.throw(/ephemeral port range 32768-60999.*below 31768/);
    }
  });

  it('does not guess when the range cannot be read', function () {
    expect(() => {
      assertOutsideEphemeralRange(40000, undefined);
    }).to.not.throw();
  });
});
