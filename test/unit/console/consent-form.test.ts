import { expect } from 'chai';
import {
  consentRequest,
  describeConsent,
  missingChoices,
  type ConsentChoice,
} from '../../../console/src/logic/consent-form';

const NOW = Date.parse('2030-01-10T12:00:00.000Z');
const CHOICE: ConsentChoice = {
  grantee: { kind: 'role', role: 'clinician', mspId: 'Hospital2MSP' },
  custodians: ['Hospital1MSP'],
  categories: [],
  purposes: ['TREAT'],
  duration: 'day',
};

describe('console: a consent chosen in plain words', () => {
  it('becomes the API request: all kinds when none is ticked, a minute of slack at the start, the chosen length', () => {
    expect(consentRequest(CHOICE, NOW)).to.deep.equal({
      grantee: { kind: 'role', role: 'clinician', mspId: 'Hospital2MSP' },
      scope: { custodians: ['Hospital1MSP'] },
      purposes: ['TREAT'],
      period: { notBefore: '2030-01-10T11:59:00.000Z', notAfter: '2030-01-11T12:00:00.000Z' },
    });
    const narrow = consentRequest(
      {
        ...CHOICE,
        categories: ['laboratory'],
        grantee: { kind: 'participant', participantId: ' cl-1 ' },
        duration: 'week',
      },
      NOW,
    );
    expect(narrow.scope).to.deep.equal({ custodians: ['Hospital1MSP'], categories: ['laboratory'] });
    expect(narrow.grantee).to.deep.equal({ kind: 'participant', participantId: 'cl-1' });
    expect(narrow.period.notAfter).to.equal('2030-01-17T12:00:00.000Z');
  });

  it('names what is still missing before it can be granted', () => {
    expect(missingChoices(CHOICE)).to.deep.equal([]);
    expect(
      missingChoices({ ...CHOICE, grantee: { kind: 'participant', participantId: ' ' }, custodians: [], purposes: [] }),
    ).to.have.length(3);
  });

  it('is read back as a sentence for each kind of grantee', () => {
    const request = consentRequest(CHOICE, NOW);
    expect(describeConsent(request)).to.equal(
      'Every clinician at Hospital2 may see my records held by Hospital1 (all kinds) for treating me, ' +
        'from 10 Jan 2030, 11:59 UTC until 11 Jan 2030, 12:00 UTC.',
    );
    expect(
      describeConsent({
        ...request,
        grantee: { kind: 'organisation', mspId: 'ResearchMSP' },
        scope: { custodians: ['Hospital1MSP', 'Hospital2MSP'], categories: ['laboratory', 'vital-signs'] },
        purposes: ['HRESCH', 'PUBHLTH'],
      }),
    ).to.match(
      /^Everyone at Research may see my records held by Hospital1 and Hospital2 \(laboratory results and vital signs\) for research and public health,/,
    );
    expect(
      describeConsent({
        ...request,
        grantee: { kind: 'participant', participantId: 'cl-7' },
        scope: { custodians: ['H1'], recordIds: ['r1', 'r2'] },
      }),
    ).to.match(/^The person with id cl-7 may see my records held by H1 \(all kinds\) \(only 2 chosen records\)/);
  });
});
