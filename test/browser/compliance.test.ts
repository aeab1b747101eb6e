/**
 * The compliance officer's page in Chromium: a clinician of the other hospital breaks the glass (coded reason, time
 * box), the custodian's officer finds it in the review queue and judges it; searches the patient's trail, exports it,
 * verifies the export (valid) and a tampered copy (discrepancies listed); a clinician is refused the page.
 */
import fs from 'node:fs';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { register } from '../integration/support/rest-api';
import { capture, figure, type ConsolePage } from './support/console-page';
import { consoleSessions } from './support/console-sessions';
import { patientWithRecord } from './support/setup-records';

async function downloadOf(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), click()]);
  const file = await download.path();
  return fs.readFileSync(file);
}

describe('console: compliance in Chromium', function () {
  const sessions = consoleSessions();
  const person = (org: 'hospital1' | 'hospital2', token: string): Promise<ConsolePage> => sessions.open(org, token);

  it('break-glass with a coded reason, reviewed from the queue; the trail searched, exported and verified', async () => {
    const { patient, clinician, recordId } = await patientWithRecord();
    const outsider = await register('hospital2', 'clinician');
    const officer = await register('hospital1', 'compliance');

    // Without consent the read is refused; break-glass (coded reason, 15 minutes) opens it, flagged.
    const doctor = await person('hospital2', outsider.token);
    await doctor.page.getByLabel('Record id').fill(recordId);
    await doctor.page.getByRole('button', { name: 'Open', exact: true }).click();
    const card = doctor.page.locator(`[data-record-id="${recordId}"]`);
    await card.getByRole('button', { name: 'Request access and read' }).click();
    expect(await card.getByRole('alert').textContent({ timeout: 60_000 })).to.include('HTTP 403');
    await card.getByText('Emergency access (break-glass)').click();
    await card.getByRole('combobox', { name: /^Reason/ }).selectOption('patient-unconscious');
    await card.getByLabel('Minutes (5-240)').fill('15');
    await card.getByRole('button', { name: 'Break the glass and read' }).click();
    const ticketLine = card.getByText(/^Ticket [0-9a-f]{64} \(break-glass, break-glass\)/);
    const ticketText = (await ticketLine.textContent({ timeout: 60_000 })) ?? '';
    const ticketId = /Ticket ([0-9a-f]{64})/.exec(ticketText)?.[1];
    expect(ticketId, ticketText).to.be.a('string');
    expect(await card.locator('.hash-check').textContent()).to.include('matches the ledger');
    await capture(doctor, 'clinician-break-glass');

    // The custodian's officer: the ticket waits in the queue with its reason; judged justified, it leaves the queue.
    const office = await person('hospital1', officer.token);
    const queued = office.page.locator(`[data-ticket-id="${ticketId!}"]`);
    await queued.waitFor({ timeout: 60_000 });
    expect(await queued.textContent())
      .to.include('Patient unconscious')
      .and.include(outsider.participantId);
    await capture(office, 'compliance-break-glass-queue');
    await queued.getByRole('button', { name: 'Justified', exact: true }).click();
    await office.page.getByText(`Reviewed ${ticketId!.slice(0, 12)}… as justified.`).waitFor({ timeout: 60_000 });
    // The queue is read again after the review is recorded: the card goes once that answer arrives.
    await office.page.locator(`[data-ticket-id="${ticketId!}"]`).waitFor({ state: 'detached', timeout: 60_000 });

    // Audit search: the patient's trail shows the record, the refusal and the break-glass.
    const search = office.page.locator('section', {
      has: office.page.getByRole('heading', { name: 'Search the audit trail' }),
    });
    await search.getByLabel('Participant id').fill(patient.participantId);
    await search.getByRole('button', { name: 'Search' }).click();
    const rows = search.locator('tbody tr');
    await rows.first().waitFor({ timeout: 60_000 });
    const trail = (await rows.allTextContents()).join('\n');
    expect(trail).to.include('RecordRegistered').and.include(clinician.participantId);
    expect(trail).to.include('AccessDecided').and.include('deny');
    expect(trail).to.include('BreakGlassGranted').and.include('BreakGlassReviewed');
    await capture(office, 'compliance-audit-search');

    // Export as JSON Lines, then verify it (valid) and a copy with one event altered (discrepancies listed).
    const exportForm = office.page.locator('form', {
      has: office.page.getByRole('heading', { name: 'Export a trail' }),
    });
    await exportForm.getByLabel('Participant id').fill(patient.participantId);
    const exported = await downloadOf(office.page, () =>
      exportForm.getByRole('button', { name: 'Export and download' }).click(),
    );
    const lines = exported.toString('utf8').trim().split('\n');
    expect(lines.length).to.be.greaterThan(3);
    expect(JSON.parse(lines[lines.length - 1]!)).to.have.property('manifest');

    const verifyForm = office.page.locator('form', {
      has: office.page.getByRole('heading', { name: 'Verify an export' }),
    });
    await verifyForm
      .getByLabel('Export file')
      .setInputFiles({ name: 'trail.jsonl', mimeType: 'application/x-ndjson', buffer: exported });
    await verifyForm.getByRole('button', { name: 'Verify' }).click();
    const report = verifyForm.getByRole('status', { name: 'Verification report' });
    expect(await report.textContent({ timeout: 120_000 })).to.match(/^Valid: \d+ events; complete/);
    await capture(office, 'compliance-verify-valid');

    const first = JSON.parse(lines[0]!) as { event: { actor: { participantId: string } } };
    first.event.actor.participantId = 'someone-else';
    const tampered = [JSON.stringify(first), ...lines.slice(1)].join('\n') + '\n';
    await verifyForm
      .getByLabel('Export file')
      .setInputFiles({ name: 'tampered.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(tampered) });
    await verifyForm.getByRole('button', { name: 'Verify' }).click();
    await verifyForm.getByText(/^Not valid/).waitFor({ timeout: 120_000 });
    const discrepancies = await verifyForm.locator('.discrepancies li').allTextContents();
    expect(discrepancies.length).to.be.greaterThan(0);
    expect(discrepancies.join('\n')).to.include('event at index 0');
    await capture(office, 'compliance-verify-tampered');
    await figure(verifyForm, 'compliance-verify-tampered');

    // The patient's accounting of disclosures, as the officer prints it: the break-glass read is a disclosure.
    const accounting = office.page.locator('section', {
      has: office.page.getByRole('heading', { name: 'Accounting of disclosures for a patient' }),
    });
    await accounting.getByLabel('Patient id').fill(patient.participantId);
    const pdf = await downloadOf(office.page, () =>
      accounting.getByRole('button', { name: 'Download the accounting' }).click(),
    );
    expect(pdf.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    // An unknown patient: the API's 404 problem, in the console.
    await accounting.getByLabel('Patient id').fill('pt-nobody-here');
    await accounting.getByRole('button', { name: 'Download the accounting' }).click();
    expect(await accounting.getByRole('alert').textContent({ timeout: 60_000 })).to.include('HTTP 404');

    // The officer's page is not the clinician's: refused in the console.
    await doctor.page.goto(`${doctor.page.url().split('#')[0] ?? ''}#/compliance`);
    expect(await doctor.page.getByRole('alert').first().textContent()).to.include(
      'This page is for compliance officers',
    );
  });
});
