/**
 * The researcher's page in Chromium: a weekly count of new cases of a fresh code, its price, budget and credits shown
 * before submitting (the price as the ledger then charges it), followed until combined, and the chart with intervals
 * and the suppressed cells marked; an over-budget ε cannot be submitted; a clinician is refused the page.
 */
import crypto from 'node:crypto';
import { expect } from 'chai';
import { send } from '../unit/api/support/conformance';
import { api, bearer, register } from '../integration/support/rest-api';
import { eventually } from '../integration/support/shared-network';
import { capture, figure } from './support/console-page';
import { consoleSessions } from './support/console-sessions';

const DAY = 86_400_000;
const day = (msAgo: number): string => new Date(Date.now() - msAgo).toISOString().slice(0, 10);

interface Account {
  readonly balance: { readonly amount: string };
  readonly settings: { readonly basePrice: string; readonly pricePerCell: string; readonly k: number };
}

describe('console: trend analysis in Chromium', function () {
  const sessions = consoleSessions();

  it('shows the cost before submitting, then the chart with intervals and suppressed cells marked', async () => {
    const researcher = await register('research', 'researcher');
    const account = async (): Promise<Account> =>
      (
        await send(
          api('research')
            .get('/v1/trends/account')
            .set(...bearer(researcher.token)),
        )
      ).body as Account;
    const { settings } = await account();
    // k + 5 patients with a fresh code (custodians suppress on the noisy count: the margin keeps it above k at ε 5), their onset three days ago, all at hospital1: its cell for that week is answered,
    // hospital2's (no such patient) and the other weeks' are suppressed.
    const code = `Z${crypto.randomBytes(4).toString('hex')}`;
    const clinician = await register('hospital1', 'clinician');
    const patients = await Promise.all(Array.from({ length: settings.k + 5 }, () => register('hospital1', 'patient')));
    for (const patient of patients) {
      const res = await send(
        api('hospital1')
          .post(`/v1/patients/${patient.participantId}/records`)
          .set(...bearer(clinician.token))
          .send({
            resourceType: 'Condition',
            code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code, display: 'console trend finding' }] },
            subject: { reference: `Patient/${patient.participantId}` },
            onsetDateTime: day(3 * DAY),
          }),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    }
    const price = BigInt(settings.basePrice) + 3n * BigInt(settings.pricePerCell);
    // The research institute's credits come from its miner's claims: wait for enough for one query.
    const before = await eventually(
      'credits for one query',
      account,
      (a) => BigInt(a.balance.amount) >= price,
      180_000,
    );

    const cp = await sessions.open('research', researcher.token);
    const page = cp.page;
    await page.getByRole('heading', { name: 'Budget and credits' }).waitFor({ timeout: 60_000 });
    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByLabel('From').fill(day(20 * DAY));
    await page.getByLabel('To (included)').fill(day(0));

    // Over budget: said, and not submittable.
    await page.getByLabel(/^Privacy ε/).fill('20');
    await page.getByText(/ε must be between 0.001 and 10/).waitFor();
    expect(await page.getByRole('button', { name: 'Submit the query' }).isDisabled()).to.equal(true);

    await page.getByLabel(/^Privacy ε/).fill('5');
    const preview = (await page.getByLabel('Cost before submitting').textContent()) ?? '';
    expect(preview).to.include(`3 cells: costs ${price.toString()} credits`);
    // The miner keeps claiming while the page loads: the page shows the balance then, at least the one read above.
    const shown = /balance (\d+)/.exec(preview)?.[1];
    expect(shown, preview).to.be.a('string');
    expect(BigInt(shown ?? '0') >= BigInt(before.balance.amount), preview).to.equal(true);
    expect(preview).to.include('spends ε 5 of the 10 left');
    await capture(cp, 'research-compose');

    await page.getByRole('button', { name: 'Submit the query' }).click();
    const result = page.locator('section[data-query-id]');
    await result.getByRole('table').waitFor({ timeout: 180_000 });
    const combined = (await result.getByText(/^Combined /).textContent()) ?? '';
    expect(combined, 'both hospitals answered').to.include('answered by Hospital1, Hospital2');
    const rows = await result.locator('tbody tr').allTextContents();
    expect(rows, rows.join('\n')).to.have.length(3);
    // Two weeks suppressed everywhere; the week of the onsets answered by hospital1, suppressed by hospital2.
    expect(
      rows.filter((r) => r.includes('suppressedHospital1, Hospital2')),
      rows.join('\n'),
    ).to.have.length(2);
    const answered = rows.filter((r) => !r.includes('suppressed'));
    expect(answered, rows.join('\n')).to.have.length(1);
    expect(answered[0]).to.match(/all-?\d+-?\d+ to -?\d+Hospital2$/);
    expect(await result.locator('.recharts-surface').count()).to.be.greaterThan(0);
    expect(await result.locator('.suppressed-mark').count(), 'suppressed cells marked').to.equal(2);
    expect(await result.locator('.recharts-errorBar').count(), 'an interval drawn').to.be.greaterThan(0);
    await page.getByRole('cell', { name: price.toString(), exact: true }).first().waitFor();
    await capture(cp, 'research-result');
    await page.mouse.move(0, 0); // no tooltip in the picture
    await figure(result.locator('figure'), 'research-chart');
  });
});
