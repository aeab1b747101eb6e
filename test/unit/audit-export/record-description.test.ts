import { expect } from 'chai';
import { createStoreRecordDescriber } from '../../../gatekeeper/src/store/record-describer';
import { createSqliteRecordStore } from '../../../gatekeeper/src/store/sqlite-record-store';
import { describeFhirResource } from '../../../sdk/src/audit-export/record-description';
import { ticket } from './support/accounting-fixture';

const IRON = {
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '2498-4', display: 'Serum iron' }] },
  subject: { reference: 'Patient/pat-1' },
};

describe('audit export: describing a disclosed record from the custodian store', () => {
  it('names the FHIR resource type and its code text or first coding display', () => {
    expect(describeFhirResource(IRON)).to.equal('Observation: Serum iron');
    expect(describeFhirResource({ ...IRON, code: { text: 'Iron, serum', coding: IRON.code.coding } })).to.equal(
      'Observation: Iron, serum',
    );
    expect(describeFhirResource({ resourceType: 'Immunization', vaccineCode: { text: 'MMR' } })).to.equal(
      'Immunization: MMR',
    );
    expect(describeFhirResource({ resourceType: 'DocumentReference' })).to.equal('DocumentReference');
    expect(describeFhirResource({ code: { text: 'no type' } })).to.equal(undefined);
    expect(describeFhirResource('Observation')).to.equal(undefined);
    // Control characters never reach a document; a description stays a line.
    expect(describeFhirResource({ resourceType: 'Observation', code: { text: 'a\nb' } })).to.equal('Observation: a?b');
    expect(describeFhirResource({ resourceType: 'Observation', code: { text: 'x'.repeat(500) } })).to.have.length(120);
  });

  it("describes only this custodian's records of that patient, from their stored content", async () => {
    const store = await createSqliteRecordStore({ path: ':memory:' });
    try {
      await store.put({
        recordId: 'r-iron',
        patientId: 'pat-1',
        category: 'laboratory',
        resourceJson: JSON.stringify(IRON),
        contentHash: 'a'.repeat(64),
        authorId: 'doc-1',
      });
      const describe = createStoreRecordDescriber({ store, mspId: 'Hospital1MSP' });
      const own = ticket('t1', {
        requesterMsp: 'ResearchMSP',
        purpose: 'HRESCH',
        reason: 'consent',
        recordId: 'r-iron',
      });
      expect(await describe(own)).to.equal('Observation: Serum iron');
      expect(await describe({ ...own, custodianMsp: 'Hospital2MSP' })).to.equal(undefined);
      expect(await describe({ ...own, patientId: 'pat-2' })).to.equal(undefined);
      expect(await describe({ ...own, recordId: 'r-missing' })).to.equal(undefined);
    } finally {
      await store.close();
    }
  });
});
