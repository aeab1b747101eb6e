import { expect } from 'chai';
import { issuedByRoot, parsedCertificate } from '../../../gatekeeper/src/certificate-cache';
import { chainsToAnyRoot, parseCertificate } from '../../../chaincode/src/common/certs';
import { CLINICIAN_A_CERTIFICATE, CLINICIAN_B_CERTIFICATE } from './support/test-certificates';

// The test certificates are self-signed: each is its own issuer, and neither issued the other.
describe('certificate caches (gatekeeper and chaincode): remembered answers are the right ones', function () {
  it('parses a certificate once and refuses garbage every time', function () {
    const a = parsedCertificate(CLINICIAN_A_CERTIFICATE);
    expect(parsedCertificate(CLINICIAN_A_CERTIFICATE)).to.equal(a);
    expect(a.subject).to.contain('clinician-a');
    expect(() => parsedCertificate('not a certificate')).to.throw();
    expect(() => parsedCertificate('not a certificate')).to.throw();
    expect(parseCertificate('not a certificate')).to.equal(undefined);
    expect(parseCertificate('not a certificate')).to.equal(undefined);
    expect(parseCertificate(Buffer.from(CLINICIAN_B_CERTIFICATE))?.subject).to.contain('clinician-b');
  });

  it('keeps the issuance answer per (certificate, root) pair: a yes for one root is never a yes for another', function () {
    const a = parsedCertificate(CLINICIAN_A_CERTIFICATE);
    for (let round = 0; round < 2; round += 1) {
      expect(issuedByRoot(a, CLINICIAN_A_CERTIFICATE)).to.equal(true);
      expect(issuedByRoot(a, CLINICIAN_B_CERTIFICATE)).to.equal(false);
      expect(issuedByRoot(a, 'garbage')).to.equal(false);
    }
    const b = parseCertificate(CLINICIAN_B_CERTIFICATE);
    if (b === undefined) throw new Error('test certificate B does not parse');
    for (let round = 0; round < 2; round += 1) {
      expect(chainsToAnyRoot(b, [CLINICIAN_A_CERTIFICATE])).to.equal(false);
      expect(chainsToAnyRoot(b, [CLINICIAN_A_CERTIFICATE, CLINICIAN_B_CERTIFICATE])).to.equal(true);
      expect(chainsToAnyRoot(b, ['garbage', CLINICIAN_A_CERTIFICATE])).to.equal(false);
    }
  });
});
