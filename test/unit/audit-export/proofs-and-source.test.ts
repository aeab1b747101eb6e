import { expect } from 'chai';
import { createLedgerAuditEventSource } from '../../../sdk/src/audit-export/audit-event-source';
import { AuditExportError } from '../../../sdk/src/audit-export/audit-export-errors';
import { auditEventKey, decodeBlock, txIdOfAuditEventKey } from '../../../sdk/src/audit-export/block-decoder';
import { createQsccProofSource } from '../../../sdk/src/audit-export/ledger-proof-source';
import { createFakeLedger, makeEvents } from './support/fake-ledger';

describe('audit export: event source and ledger proofs', function () {
  it('decodes a block: tx ids, validation codes and the audit-key writes', function () {
    const ledger = createFakeLedger(makeEvents(3));
    const block = decodeBlock(ledger.blocks.get(5)!);
    expect(block.number).to.equal(5);
    expect(block.transactions.map((t) => t.validationCodeName)).to.deep.equal([
      'VALID',
      'VALID',
      'VALID',
      'MVCC_READ_CONFLICT',
    ]);
    const first = block.transactions[0]!;
    expect(first.writes.map((w) => txIdOfAuditEventKey(w.key)).filter(Boolean)).to.deep.equal([first.txId]);
    expect(first.writes[0]!.key).to.equal(auditEventKey(first.txId));
  });

  it('gives channel, block number, transaction id and validation code, fetching each block once', async function () {
    const ledger = createFakeLedger(makeEvents(6));
    const proofs = createQsccProofSource(ledger.qscc);
    const result = [];
    for (const event of ledger.events) result.push(await proofs.proofOf(event.txId));
    expect(result.map((p) => p.blockNumber)).to.deep.equal([5, 5, 5, 6, 6, 6]);
    expect(result[4]).to.deep.equal({
      channel: 'medrec',
      blockNumber: 6,
      transactionId: ledger.events[4]!.txId,
      validationCode: 'VALID',
    });
    expect(ledger.calls.filter((c) => c.startsWith('GetBlockByTxID'))).to.have.length(2);
  });

  it('reads pages with bookmarks, bounded page size, and applies the other filters', async function () {
    const ledger = createFakeLedger(makeEvents(20));
    const source = createLedgerAuditEventSource(ledger, { pageSize: 1000 });
    const pages = [];
    for await (const page of source.pages({ patientId: 'pat-1', organisation: 'Hospital2MSP' })) pages.push(page);
    expect(pages).to.have.length(1); // 16 events of pat-1 fit in one page of at most 200
    const flat = pages.flat();
    expect(flat.every((e) => e.patientId === 'pat-1' && e.actor.mspId === 'Hospital2MSP')).to.be.true;
    const small = createLedgerAuditEventSource(ledger, { pageSize: 3 });
    let count = 0;
    let pageCount = 0;
    for await (const page of small.pages({ actorId: 'clin-a', eventTypes: ['RecordRegistered'] })) {
      pageCount += 1;
      count += page.length;
    }
    expect(pageCount).to.be.above(3);
    expect(count).to.equal(
      ledger.events.filter((e) => e.actor.participantId === 'clin-a' && e.type === 'RecordRegistered').length,
    );
  });

  it('refuses a filter without patient or actor, and a bad time window, with a code', async function () {
    const source = createLedgerAuditEventSource(createFakeLedger([]));
    for (const filters of [
      {},
      { patientId: 'p', from: 'yesterday' },
      { patientId: 'p', from: '2030-01-02T00:00:00Z', to: '2030-01-01T00:00:00Z' },
    ]) {
      try {
        for await (const page of source.pages(filters)) expect(page).to.equal(undefined);
        expect.fail('expected an error');
      } catch (error) {
        expect(error).to.be.instanceOf(AuditExportError);
        expect((error as AuditExportError).code).to.equal('AUDIT_EXPORT_INVALID_FILTER');
      }
    }
  });
});
