import { InvalidArgumentError } from 'commander';
import { expect } from 'chai';
import {
  calendarDay,
  idOption,
  isoTimeOption,
  mspIdOption,
  peerOrg,
  role,
  wholeNumber,
} from '../../../network/src/cli-options';

function refusal(parse: () => unknown): string {
  try {
    parse();
  } catch (err) {
    expect(err).to.be.instanceOf(InvalidArgumentError);
    return (err as Error).message;
  }
  throw new Error('accepted a value that should be refused');
}

describe('medrec CLI options follow the ledger’s rules', () => {
  it('accepts a ledger id and refuses an e-mail address or a path, naming the flag and the rule', () => {
    expect(idOption('--patient')('pt-0123abcd')).to.equal('pt-0123abcd');
    const message = refusal(() => idOption('--patient')('jane@example.org'));
    expect(message).to.contain('--patient').and.to.contain('no e-mail addresses').and.to.contain('jane@example.org');
    refusal(() => idOption('--as')('a/b'));
  });

  it('takes an MSP id for --organisation, not a participant id with ":"', () => {
    expect(mspIdOption('--organisation')('Hospital1MSP')).to.equal('Hospital1MSP');
    refusal(() => mspIdOption('--organisation')('urn:x'));
  });

  it('normalises a UTC time to milliseconds and refuses impossible or out-of-range dates', () => {
    expect(isoTimeOption('--from')('2030-01-31T12:00:00Z')).to.equal('2030-01-31T12:00:00.000Z');
    refusal(() => isoTimeOption('--from')('2030-02-30T00:00:00.000Z'));
    refusal(() => isoTimeOption('--to')('1999-12-31T23:59:59.000Z'));
  });

  it('knows the roles and organisations, and bounds whole numbers', () => {
    expect(role('researcher')).to.equal('researcher');
    expect(refusal(() => role('root'))).to.contain('patient, clinician');
    expect(peerOrg('hospital2')).to.equal('hospital2');
    refusal(() => peerOrg('orderer'));
    expect(wholeNumber('--patients', 1, 10)('10')).to.equal(10);
    refusal(() => wholeNumber('--patients', 1, 10)('11'));
    refusal(() => wholeNumber('--patients', 1, 10)('1e1'));
  });

  it('takes calendar days that exist (seed and trend windows), and refuses the rest saying the format', () => {
    expect(calendarDay('--from')('2024-02-29')).to.equal('2024-02-29');
    for (const bad of ['2025-02-30', '2025-13-01', '2025-1-01', 'today']) {
      expect(() => calendarDay('--from')(bad), bad).to.throw(InvalidArgumentError, '--from must be a calendar day');
    }
  });
});
