import { expect } from 'chai';
import crypto from 'node:crypto';
import {
  NonCanonicalContentError,
  canonicalJson,
  contentHash,
  contentHashOfJson,
  hasContentHash,
  loadFhirR4Definitions,
  toRecordContent,
  InvalidFhirResourceError,
} from '../../../sdk/src/fhir';
import { thrownBy } from '../store/support/rejection';
import { exampleOf } from './support/examples';

describe('content hash (SHA-256 of RFC 8785 canonical JSON)', function () {
  it('matches an independently computed digest', function () {
    // sha256sum of the 13 bytes {"a":1,"b":2}
    expect(contentHash({ b: 2, a: 1 })).to.equal('43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777');
  });

  it('ignores key order and whitespace', function () {
    const text = '{ "resourceType": "Observation",\n  "status": "final", "code": {"text": "x"} }';
    const reordered = '{"code":{"text":"x"},"status":"final","resourceType":"Observation"}';
    expect(contentHashOfJson(text)).to.equal(contentHashOfJson(reordered));
  });

  it('changes when any value changes', function () {
    expect(contentHash({ a: 1 })).to.not.equal(contentHash({ a: 2 }));
    expect(contentHash({ a: 'x' })).to.not.equal(contentHash({ a: 'x ' }));
  });

  it('serialises numbers the ECMAScript way (RFC 8785 section 3.2.2.3)', function () {
    expect(canonicalJson({ n: 1e21, m: 0.1, x: 1.5, z: -0, i: 100 })).to.equal(
      '{"i":100,"m":0.1,"n":1e+21,"x":1.5,"z":0}',
    );
  });

  it('sorts keys by UTF-16 code units (RFC 8785 section 3.2.3 example)', function () {
    const value = {
      '\u20ac': 'Euro',
      '\r': 'CR',
      '\ufb33': 'Hebrew',
      '1': 'One',
      '\ud83d\ude00': 'Emoji',
      '\u0080': 'Control',
      '\u00f6': 'Latin',
    };
    const keys = Object.keys(JSON.parse(canonicalJson(value)) as object);
    // JSON.parse reorders integer-like keys, so check the text order instead.
    expect(keys).to.have.length(7);
    const order = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'].map((key) =>
      canonicalJson(value).indexOf(JSON.stringify(key)),
    );
    expect(order).to.deep.equal([...order].sort((a, b) => a - b));
  });

  for (const [label, value] of [
    ['NaN', { a: Number.NaN }],
    ['Infinity', { a: Number.POSITIVE_INFINITY }],
    ['a BigInt', { a: 1n }],
    ['undefined', undefined],
  ] as const) {
    it(`refuses ${label} with NonCanonicalContentError`, function () {
      const error = thrownBy(() => contentHash(value), NonCanonicalContentError);
      expect(error.code).to.equal('FHIR_NOT_CANONICALIZABLE');
      expect(error.message).to.include('plain JSON');
    });
  }

  it('refuses text that is not JSON', function () {
    thrownBy(() => contentHashOfJson('{nope'), NonCanonicalContentError);
  });

  it('checks an expected hash', function () {
    const value = { resourceType: 'Condition', id: crypto.randomUUID() };
    const hash = contentHash(value);
    expect(hasContentHash(value, hash)).to.be.true;
    expect(hasContentHash({ ...value, id: 'other' }, hash)).to.be.false;
    expect(hasContentHash(value, hash.toUpperCase())).to.be.false;
    expect(hasContentHash(value, 'abc')).to.be.false;
  });
});

describe('toRecordContent', function () {
  before(function () {
    this.timeout(30000);
    loadFhirR4Definitions();
  });

  it('derives patient, category, canonical text and hash from a valid resource', function () {
    const resource = exampleOf('Observation', 'pat-7');
    const content = toRecordContent(resource);
    expect(content.patientId).to.equal('pat-7');
    expect(content.category).to.equal('laboratory');
    expect(content.canonicalJson).to.equal(canonicalJson(resource));
    expect(content.contentHash).to.equal(crypto.createHash('sha256').update(content.canonicalJson).digest('hex'));
    expect(contentHashOfJson(content.canonicalJson)).to.equal(content.contentHash);
  });

  it('refuses an invalid resource', function () {
    thrownBy(() => toRecordContent({ ...exampleOf('Observation'), status: 'nope' }), InvalidFhirResourceError);
  });
});
