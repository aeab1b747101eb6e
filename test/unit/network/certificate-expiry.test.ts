import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  certificateExpiry,
  dueForRenewal,
  heldCertificates,
  mergeExpiry,
  organisationCertificateExpiry,
  walletCertificateExpiry,
  type HeldCertificate,
} from '../../../network/src/certificate-expiry';
import { createFileWallet } from '@medrec/sdk';
import { Layout } from '../../../network/src/layout';
import { issueLeaf, makeCa } from '../chaincode/support/certs';

const DAY = 86_400_000;
const ca = makeCa('/C=US/O=Hospital1MSP/CN=ca.hospital1.medrec');
const yearLeaf = issueLeaf(ca, '/C=US/O=Hospital1MSP/OU=peer/CN=peer0.hospital1', 365);
const notAfterOf = (pem: string): number => new Date(new X509Certificate(pem).validTo).getTime();

const peerEnrollment: HeldCertificate = { owner: 'peer0.hospital1', kind: 'enrollment', file: '/x/cert.pem' };

describe('certificate expiry (medrec org certificates)', function () {
  it('counts the days left and calls a certificate valid outside the renewal window', function () {
    const end = notAfterOf(yearLeaf.certPem);
    const entry = certificateExpiry(peerEnrollment, yearLeaf.certPem, 'hospital1', {
      now: new Date(end - 100 * DAY - 1000),
      renewWithinDays: 30,
    });
    expect(entry.state).to.equal('valid');
    expect(entry.daysLeft).to.equal(100);
    expect(entry.notAfter).to.equal(new Date(end).toISOString());
    expect(entry.subject).to.contain('CN=peer0.hospital1');
  });

  it('asks for renewal inside the window, and names the command that renews each kind', function () {
    const end = notAfterOf(yearLeaf.certPem);
    const options = { now: new Date(end - 29 * DAY - 1000), renewWithinDays: 30 };
    const due = certificateExpiry(peerEnrollment, yearLeaf.certPem, 'hospital1', options);
    expect(due.state).to.equal('renew');
    expect(due.daysLeft).to.equal(29);
    expect(due.action).to.equal('medrec org renew-enrollment --org hospital1');
    const tls = certificateExpiry({ ...peerEnrollment, kind: 'TLS' }, yearLeaf.certPem, 'hospital1', options);
    expect(tls.action).to.equal('medrec org rotate-tls --org hospital1');
    const caServer = certificateExpiry(
      { ...peerEnrollment, kind: 'CA server TLS' },
      yearLeaf.certPem,
      'hospital1',
      options,
    );
    expect(caServer.action).to.equal('medrec org renew-enrollment --org hospital1');
    const root = certificateExpiry({ ...peerEnrollment, kind: 'CA root' }, ca.certPem, 'hospital1', options);
    expect(root.action).to.contain('docs/multi-host.md');
    // At the window's edge it is still valid: fewer days than the window is what is due.
    const edge = certificateExpiry(peerEnrollment, yearLeaf.certPem, 'hospital1', {
      now: new Date(end - 30 * DAY - 1000),
      renewWithinDays: 30,
    });
    expect(edge.state).to.equal('valid');
  });

  it('calls a certificate expired from its last second on, with negative days', function () {
    const end = notAfterOf(yearLeaf.certPem);
    const at = certificateExpiry(peerEnrollment, yearLeaf.certPem, 'hospital1', {
      now: new Date(end),
      renewWithinDays: 0,
    });
    expect(at.state).to.equal('expired');
    const before = certificateExpiry(peerEnrollment, yearLeaf.certPem, 'hospital1', {
      now: new Date(end - 1000),
      renewWithinDays: 0,
    });
    expect(before.state).to.equal('valid');
    const later = certificateExpiry(peerEnrollment, yearLeaf.certPem, 'hospital1', {
      now: new Date(end + 3 * DAY),
      renewWithinDays: 30,
    });
    expect(later.state).to.equal('expired');
    expect(later.daysLeft).to.equal(-3);
  });

  it('reports a file that is not a certificate as unreadable, never as valid', function () {
    const entry = certificateExpiry(peerEnrollment, 'not a certificate', 'hospital1', {
      now: new Date(),
      renewWithinDays: 30,
    });
    expect(entry.state).to.equal('unreadable');
    expect(dueForRenewal([entry])).to.have.length(1);
  });

  describe('in an organisation directory', function () {
    let home: string;
    let layout: Layout;

    beforeEach(function () {
      home = fs.mkdtempSync(path.join(os.tmpdir(), 'medrec-expiry-'));
      layout = new Layout(home);
    });

    afterEach(function () {
      fs.rmSync(home, { recursive: true, force: true });
    });

    const write = (file: string, content: string): void => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    };

    it("finds the CA's root and server certificate and every identity's enrollment and TLS certificate, soonest first", function () {
      const shortLeaf = issueLeaf(ca, '/C=US/O=Hospital1MSP/OU=client/CN=gatekeeper', 10);
      write(layout.caCert('hospital1'), ca.certPem);
      write(path.join(layout.caHome('hospital1'), 'tls-cert.pem'), yearLeaf.certPem);
      write(path.join(layout.caAdminHome('hospital1'), 'msp', 'signcerts', 'cert.pem'), yearLeaf.certPem);
      write(
        path.join(layout.identityDir('hospital1', 'peer0.hospital1'), 'msp', 'signcerts', 'cert.pem'),
        yearLeaf.certPem,
      );
      write(path.join(layout.identityDir('hospital1', 'peer0.hospital1'), 'tls', 'server.crt'), yearLeaf.certPem);
      write(
        path.join(layout.identityDir('hospital1', 'gatekeeper'), 'msp', 'signcerts', 'cert.pem'),
        shortLeaf.certPem,
      );
      // Another organisation's files are not this one's to report.
      write(path.join(layout.identityDir('hospital2', 'peer0.hospital2'), 'tls', 'server.crt'), shortLeaf.certPem);

      expect(heldCertificates(layout, 'hospital1').map((h) => `${h.owner}:${h.kind}`)).to.deep.equal([
        'CA:CA root',
        'CA:CA server TLS',
        'CA registrar:enrollment',
        'gatekeeper:enrollment',
        'peer0.hospital1:enrollment',
        'peer0.hospital1:TLS',
      ]);
      const report = organisationCertificateExpiry(layout, 'hospital1', { now: new Date(), renewWithinDays: 30 });
      expect(report[0]?.owner).to.equal('gatekeeper');
      expect(report.at(-1)?.kind).to.equal('CA root');
      expect(dueForRenewal(report).map((e) => e.owner)).to.deep.equal(['gatekeeper']);
      expect(organisationCertificateExpiry(layout, 'hospital1', { now: new Date(), renewWithinDays: 5 })).to.satisfy(
        (r: ReturnType<typeof organisationCertificateExpiry>) => dueForRenewal(r).length === 0,
      );
    });

    it("adds the API wallet's users, each by its label, to the directory's certificates", async function () {
      const wallet = await createFileWallet({
        directory: path.join(home, 'wallet'),
        secret: 'a wallet secret of enough length for the test',
      });
      const soon = issueLeaf(ca, '/C=US/O=Hospital1MSP/OU=client/CN=patient-soon', 5);
      await wallet.put({
        label: 'patient-soon',
        mspId: 'Hospital1MSP',
        certificate: soon.certPem,
        privateKey: soon.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      });
      await wallet.put({
        label: 'patient-later',
        mspId: 'Hospital1MSP',
        certificate: yearLeaf.certPem,
        privateKey: yearLeaf.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      });
      write(layout.caCert('hospital1'), ca.certPem);
      const options = { now: new Date(), renewWithinDays: 30 };
      const users = await walletCertificateExpiry(wallet, path.join(home, 'wallet'), 'hospital1', options);
      expect(users.map((u) => `${u.owner}:${u.kind}:${u.state}`)).to.deep.equal([
        'patient-soon:wallet user:renew',
        'patient-later:wallet user:valid',
      ]);
      expect(users[0]?.action).to.equal('medrec org renew-enrollment --org hospital1');
      const merged = mergeExpiry(organisationCertificateExpiry(layout, 'hospital1', options), users);
      expect(merged.map((m) => m.owner)).to.deep.equal(['patient-soon', 'patient-later', 'CA']);
      expect(dueForRenewal(merged).map((m) => m.owner)).to.deep.equal(['patient-soon']);
    });

    it('holds nothing for an organisation whose files are on another host', function () {
      expect(heldCertificates(layout, 'research')).to.deep.equal([]);
    });
  });
});
