import { expect } from 'chai';
import { z } from 'zod';
import { parseJsonArg, MAX_JSON_ARGUMENT_BYTES } from '../../../chaincode/src/common/args';
import { MedRecError, notFound } from '../../../chaincode/src/common/errors';
import { marshal, toJson, unmarshal } from '../../../chaincode/src/common/marshal';
import { idSchema, isoTimeSchema } from '../../../contract/src/primitives';

describe('common: errors, marshal, argument parsing', () => {
  it('puts the code and message in the error message as JSON', () => {
    const error = notFound('record r1 does not exist');
    expect(error).to.be.instanceOf(MedRecError);
    expect(JSON.parse(error.message)).to.deep.equal({ code: 'MEDREC_NOT_FOUND', message: 'record r1 does not exist' });
  });

  it('marshals canonically: key order never matters', () => {
    expect(toJson({ b: 1, a: { d: [2, 1], c: 'x' } })).to.equal('{"a":{"c":"x","d":[2,1]},"b":1}');
    expect(marshal({ z: 1, a: 2 }).toString()).to.equal('{"a":2,"z":1}');
    expect(() => toJson(undefined)).to.throw(MedRecError);
  });

  it('re-validates what it reads from the ledger', () => {
    const schema = z.strictObject({ a: z.number() });
    expect(unmarshal(Buffer.from('{"a":1}'), schema, 'thing')).to.deep.equal({ a: 1 });
    expect(() => unmarshal(Buffer.from('{'), schema, 'thing')).to.throw('MEDREC_INTERNAL');
    expect(() => unmarshal(Buffer.from('{"a":"1"}'), schema, 'thing')).to.throw('MEDREC_INTERNAL');
  });

  it('refuses oversized, non-string and malformed JSON arguments with MEDREC_INVALID_ARGUMENT', () => {
    const schema = z.strictObject({ a: z.number() });
    expect(() => parseJsonArg(schema, 'x'.repeat(MAX_JSON_ARGUMENT_BYTES + 1), 'q')).to.throw('at most');
    expect(() => parseJsonArg(schema, 42, 'q')).to.throw('must be a JSON text');
    expect(() => parseJsonArg(schema, '{"a":1,"b":2}', 'q')).to.throw('MEDREC_INVALID_ARGUMENT');
    expect(() => parseJsonArg(schema, '{"__proto__":{"a":1}}', 'q')).to.throw('MEDREC_INVALID_ARGUMENT');
  });

  it('accepts only sane ids and real UTC times', () => {
    for (const bad of ['', 'a\u0000b', 'a/b', ' a', 'a b', '-a', 'x'.repeat(129), 'é']) {
      expect(idSchema.safeParse(bad).success, JSON.stringify(bad)).to.equal(false);
    }
    expect(isoTimeSchema.parse('2030-01-31T12:00:00Z')).to.equal('2030-01-31T12:00:00.000Z');
    for (const bad of ['2030-02-30T00:00:00Z', '1999-12-31T00:00:00Z', '2030-01-31T12:00:00+01:00', '2030-01-31']) {
      expect(isoTimeSchema.safeParse(bad).success, bad).to.equal(false);
    }
  });
});
