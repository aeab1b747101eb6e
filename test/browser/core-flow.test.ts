/**
 * The MedRec core flow through the console only, in Chromium: hospital1's clinician adds a record, the patient grants
 * hospital2's clinicians, hospital2's clinician reads it (content hash re-checked in the browser), the patient revokes,
 * the same read is refused, and the patient's timeline shows every step. The participants are registered through the
 * API as setup (the admin page is exercised in its own test).
 */
import fs from 'node:fs';
import { expect } from 'chai';
import { register } from '../integration/support/rest-api';
import { PHONE, capture, figure, type ConsolePage } from './support/console-page';
import { consoleSessions } from './support/console-sessions';

describe('console: the core flow in Chromium', function () {
  const sessions = consoleSessions();
  const person = (org: 'hospital1' | 'hospital2', token: string): Promise<ConsolePage> => sessions.open(org, token);

  it('add, grant, read from the other hospital, revoke, refused; the timeline shows every step', async () => {
    const patient = await register('hospital1', 'patient');
    const doc1 = await register('hospital1', 'clinician');
    const doc2 = await register('hospital2', 'clinician');

    // hospital1's clinician finds the patient and adds a record.
    const clinician1 = await person('hospital1', doc1.token);
    await clinician1.page.getByLabel('Patient', { exact: true }).fill(patient.participantId);
    await clinician1.page.getByRole('button', { name: 'Find' }).click();
    await clinician1.page.getByRole('heading', { name: `Patient ${patient.participantId}` }).waitFor();
    await clinician1.page.getByLabel('ICD-10-CM code').fill('E11.9');
    await clinician1.page.getByLabel('Description').fill('Type 2 diabetes mellitus without complications');
    await clinician1.page.getByRole('button', { name: 'Add record' }).click();
    const added = await clinician1.page.getByText(/^Added record /).textContent({ timeout: 60_000 });
    const recordId = /Added record (\S+) /.exec(added ?? '')?.[1];
    expect(recordId, added ?? '').to.be.a('string');
    await capture(clinician1, 'clinician-add-record');

    // The patient sees the record held by hospital1 and grants hospital2's clinicians, for treatment.
    const me = await person('hospital1', patient.token);
    await me.page.locator(`[data-record-id="${recordId!}"]`).waitFor();
    await me.page.getByLabel('Every clinician at an organisation').check();
    await me.page.getByRole('combobox', { name: /^Organisation/ }).selectOption('Hospital2MSP');
    await me.page.getByRole('checkbox', { name: 'Hospital1' }).check();
    expect(await me.page.getByLabel('treating me').isChecked(), 'TREAT is the default purpose').to.equal(true);
    const preview = await me.page.locator('.preview').textContent();
    expect(preview).to.match(
      /^Every clinician at Hospital2 may see my records held by Hospital1 \(all kinds\) for treating me/,
    );
    await figure(
      me.page.locator('form', { has: me.page.getByRole('heading', { name: 'Grant a consent' }) }),
      'grant-consent',
    );
    await me.page.getByRole('button', { name: 'Grant consent' }).click();
    const granted = await me.page.getByText(/^Granted: consent /).textContent({ timeout: 60_000 });
    const consentId = /consent (\S+) is on the ledger/.exec(granted ?? '')?.[1];
    expect(consentId, granted ?? '').to.be.a('string');
    await me.page
      .locator(`[data-consent-id="${consentId!}"]`)
      .getByText(/^Active/)
      .waitFor();
    await capture(me, 'patient-consents');

    // hospital2's clinician opens the record by the id the patient shared and reads it for treatment.
    const clinician2 = await person('hospital2', doc2.token);
    await clinician2.page.getByLabel('Record id').fill(recordId!);
    await clinician2.page.getByRole('button', { name: 'Open', exact: true }).click();
    const card = clinician2.page.locator(`[data-record-id="${recordId!}"]`);
    await card.getByRole('button', { name: 'Request access and read' }).click();
    await card.getByRole('heading', { name: /^Condition: Type 2 diabetes mellitus without complications/ }).waitFor({
      timeout: 60_000,
    });
    expect(await card.locator('.hash-check').textContent()).to.match(/SHA-256 [0-9a-f]{64} matches the ledger/);
    expect(await card.locator('dd').allTextContents()).to.include('active');
    await capture(clinician2, 'clinician-read-record');
    // The patient's page hears of the read live, from the ledger's event stream.
    const live = me.page.locator('section', { has: me.page.getByRole('heading', { name: 'Live notifications' }) });
    await live.getByText('DisclosureConfirmed').first().waitFor({ timeout: 60_000 });
    expect(await live.locator('[data-stream-state]').getAttribute('data-stream-state')).to.equal('open');
    await figure(card, 'clinician-read-record');

    // The patient revokes; the same read is refused, with the API's problem and what to do.
    await me.page.getByRole('button', { name: `Revoke consent ${consentId!}` }).click();
    await me.page
      .locator(`[data-consent-id="${consentId!}"]`)
      .getByText(/^Revoked/)
      .waitFor({ timeout: 60_000 });
    await card.getByRole('button', { name: 'Request access and read' }).click();
    const refusal = card.getByRole('alert');
    await refusal.waitFor({ timeout: 60_000 });
    const refusalText = (await refusal.textContent()) ?? '';
    expect(refusalText).to.include('HTTP 403');
    expect(refusalText).to.include('What to do:');
    expect(await card.locator('.record-content').count(), 'no content after the refusal').to.equal(0);
    await capture(clinician2, 'clinician-refused');
    await live.locator('li', { hasText: 'AccessDecided' }).getByText('refused').waitFor({ timeout: 60_000 });

    // The patient's timeline of the record: added by hospital1's clinician, read by hospital2's, then refused.
    await me.page.getByRole('button', { name: 'Refresh' }).first().click();
    const mine = me.page.locator(`[data-record-id="${recordId!}"]`);
    await mine.getByText(/Access timeline \(3 events\)/).waitFor({ timeout: 60_000 });
    await mine.locator('summary').click();
    const steps = await mine.locator('.timeline li').allTextContents();
    expect(steps).to.have.length(3);
    expect(steps[0]).to.include(doc1.participantId).and.include('at Hospital1').and.include('added the record');
    expect(steps[1]).to.include(doc2.participantId).and.include('at Hospital2').and.include('read it for treating me');
    expect(steps[1]).to.include('permitted');
    expect(steps[2]).to.include(doc2.participantId).and.include('for treating me').and.include('refused');
    await capture(me, 'patient-timeline');
    await figure(mine, 'patient-timeline');

    // The patient accepts hospital1's admission, and downloads the accounting of disclosures (a PDF).
    const relationship = me.page.locator('[data-custodian="Hospital1MSP"]');
    await relationship.getByRole('button', { name: 'Accept Hospital1' }).click();
    await relationship.getByText(/: accepted/).waitFor({ timeout: 60_000 });
    const [download] = await Promise.all([
      me.page.waitForEvent('download', { timeout: 120_000 }),
      me.page.getByRole('button', { name: 'Download the accounting (PDF)' }).click(),
    ]);
    const pdf = fs.readFileSync(await download.path());
    expect(pdf.subarray(0, 5).toString('latin1')).to.equal('%PDF-');

    // The patient appoints a carer (a patient-role participant) and removes them; a clinician cannot be appointed.
    const carer = await register('hospital1', 'patient');
    const delegates = me.page.locator('section', {
      has: me.page.getByRole('heading', { name: 'People acting for me' }),
    });
    await delegates.getByLabel('Patient id of the person to appoint').fill(doc1.participantId);
    await delegates.getByRole('button', { name: 'Appoint' }).click();
    expect(await delegates.getByRole('alert').textContent({ timeout: 60_000 })).to.match(/HTTP 4\d\d/);
    await delegates.getByLabel('Patient id of the person to appoint').fill(carer.participantId);
    await delegates.getByRole('button', { name: 'Appoint' }).click();
    await delegates
      .locator(`[data-delegate-id="${carer.participantId}"]`)
      .getByText(/acts for you/)
      .waitFor({ timeout: 60_000 });
    await delegates.getByRole('button', { name: `Remove ${carer.participantId}` }).click();
    await delegates.getByText('Nobody acts for you.').waitFor({ timeout: 60_000 });

    // The patient opts out of research use, and back in.
    await me.page.getByRole('button', { name: 'Opt out of research use' }).click();
    await me.page.locator('[data-research-choice="out"]').waitFor({ timeout: 60_000 });
    await me.page.getByRole('button', { name: 'Opt back in to research use' }).click();
    await me.page.locator('[data-research-choice="in"]').waitFor({ timeout: 60_000 });

    // The same page at phone width: one column, still without serious accessibility problems.
    await me.page.setViewportSize(PHONE);
    await capture(me, 'patient-phone');
  });

  it('refuses a page to a role it is not for, in the console and at the API', async () => {
    const patient = await register('hospital1', 'patient');
    const me = await person('hospital1', patient.token);
    await me.page.goto(`${me.page.url().split('#')[0] ?? ''}#/compliance`);
    const refused = me.page.getByRole('alert');
    await refused.waitFor();
    expect(await refused.textContent()).to.include('This page is for compliance officers');
    expect(await me.page.getByRole('heading', { name: 'Search the audit trail' }).count()).to.equal(0);
    await capture(me, 'patient-refused-compliance-page');
  });
});
