import { expect } from 'chai';
import { createReferencePseudonyms } from '../../../api/src/use-cases/reference-pseudonyms';

describe('api: reference pseudonyms (keyed hashes of a hospital own references)', () => {
  it('is deterministic per key and kind, and differs across keys and kinds', () => {
    const a = createReferencePseudonyms('secret-of-hospital-one');
    const b = createReferencePseudonyms('secret-of-hospital-two');
    expect(a.pseudonym('incident', 'MRN-12345')).to.equal(a.pseudonym('incident', 'MRN-12345'));
    expect(a.pseudonym('incident', 'MRN-12345')).to.match(/^incident-[0-9a-f]{32}$/);
    expect(a.pseudonym('incident', 'MRN-12345')).to.not.equal(b.pseudonym('incident', 'MRN-12345'));
    expect(a.pseudonym('incident', 'X')).to.not.equal(a.pseudonym('review', 'X').replace('review', 'incident'));
    expect(a.pseudonym('incident', 'MRN-12345')).to.not.contain('12345');
  });

  it('refuses a short secret', () => {
    expect(() => createReferencePseudonyms('short')).to.throw(RangeError);
  });
});
