/**
 * The operator's page in Chromium: the admin sees the consortium and its nodes, registers a patient by MRN (the token shown once
 * signs the patient in, who lands on their own page), issues a new token and revokes the first, which then no longer
 * signs in; a patient is refused the page.
 */
import { expect } from 'chai';
import { adminToken } from '../integration/support/rest-api';
import { consortium, freshId } from '../integration/support/shared-network';
import { capture, figure, signIn, type ConsolePage } from './support/console-page';
import { consoleSessions } from './support/console-sessions';

describe('console: the operator in Chromium', function () {
  const sessions = consoleSessions();
  const page = (): Promise<ConsolePage> => sessions.open('hospital1');

  it('registers a patient whose token signs in; a revoked token is refused with what to do', async () => {
    const admin = await page();
    await capture(admin, 'sign-in');
    await figure(admin.page.locator('main'), 'sign-in');
    await signIn(admin, adminToken('hospital1'));
    const organisations = admin.page.locator('table', {
      has: admin.page.getByText(/organisations registered on the ledger/),
    });
    await organisations.waitFor({ timeout: 60_000 });
    const rows = await organisations.locator('tbody tr').allTextContents();
    expect(rows.join('\n')).to.include('Hospital1MSP').and.include('Hospital2MSP');
    await admin.page.getByText(/This organisation's API is up/).waitFor();

    // The consortium's nodes: every peer and orderer of the topology answers, with its height and the chaincode.
    const summary = admin.page.getByRole('status', { name: 'Nodes summary' });
    await summary.waitFor({ timeout: 60_000 });
    const { topology } = consortium();
    const total = topology.peers.length + topology.orderers.length;
    expect(await summary.textContent()).to.include(`${String(total)} of ${String(total)} nodes answer.`);
    const nodes = admin.page.locator('table', { has: admin.page.getByText('Peers and orderers of the consortium') });
    for (const peer of topology.peers) {
      const row = nodes.locator(`tr[data-node="${peer.host}:${String(peer.port)}"]`);
      expect(await row.textContent())
        .to.include(peer.name)
        .and.include('up')
        .and.include('medrec');
    }
    expect(await nodes.locator('tbody tr', { hasText: 'orderer' }).count()).to.equal(topology.orderers.length);
    await figure(
      admin.page.locator('section', { has: admin.page.getByRole('heading', { name: 'Nodes' }) }),
      'admin-nodes',
    );

    const mrn = freshId('MRN');
    await admin.page.getByRole('combobox', { name: /^Role/ }).selectOption('patient');
    await admin.page.getByLabel(/^Your identifier for them/).fill(mrn);
    await admin.page.getByRole('button', { name: 'Register', exact: true }).click();
    const token = (await admin.page.getByLabel('New API token').textContent({ timeout: 60_000 }))?.trim() ?? '';
    expect(token).to.have.length.greaterThan(20);
    const registered = (await admin.page.getByRole('status', { name: 'Registered participant' }).textContent()) ?? '';
    const patientId = /Registered patient (\S+)\./.exec(registered)?.[1];
    expect(patientId, registered).to.be.a('string');
    await capture(admin, 'admin-register');
    await figure(
      admin.page.locator('section', { has: admin.page.getByRole('heading', { name: /^Register a person/ }) }),
      'admin-register',
    );

    // The new token signs the patient in: the role comes from the API, and the patient's own page opens.
    const patient = await page();
    await signIn(patient, token);
    await patient.page.getByRole('heading', { name: 'My records', level: 1 }).waitFor();
    expect(await patient.page.locator('.who').textContent()).to.include(`patient ${patientId!}`);

    // The admin finds the patient by MRN, issues a second token and revokes the first.
    await admin.page.getByLabel(/^Participant id or your identifier/).fill(mrn);
    await admin.page.getByRole('button', { name: 'Look up' }).click();
    const card = admin.page.locator(`[data-participant-id="${patientId!}"]`);
    await card.waitFor({ timeout: 60_000 });
    await card.getByRole('button', { name: 'Issue a new token' }).click();
    await admin.page.getByLabel('Issued API token').waitFor({ timeout: 60_000 });
    await card.locator('li').nth(1).waitFor();
    await card
      .getByRole('button', { name: /^Revoke token/ })
      .first()
      .click();
    await admin.page.getByText(/^Revoked token /).waitFor({ timeout: 60_000 });
    await capture(admin, 'admin-tokens');

    // The revoked token no longer signs in: the API's 401 problem and what to do.
    const again = await page();
    await again.page.getByLabel('API token').fill(token);
    await again.page.getByRole('button', { name: 'Sign in' }).click();
    const refused = again.page.getByRole('alert');
    await refused.waitFor();
    expect(await refused.textContent())
      .to.include('HTTP 401')
      .and.include('sign in with a current token');
    await capture(again, 'sign-in-refused');

    // The patient may not open the operator's page.
    await patient.page.goto(`${patient.page.url().split('#')[0] ?? ''}#/admin`);
    expect(await patient.page.getByRole('alert').first().textContent()).to.include('This page is for administrators');
  });
});
