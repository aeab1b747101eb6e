import { expect } from 'chai';
import { readableFhir } from '../../../console/src/logic/fhir-text';

describe('console: a FHIR resource rendered for a person', () => {
  it('titles a condition by its coded meaning and lists status and dates, not identifiers', () => {
    const readable = readableFhir({
      resourceType: 'Condition',
      id: 'abc',
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
      },
      code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'E11.9', display: 'Type 2 diabetes' }] },
      subject: { reference: 'Patient/pt-1' },
      onsetDateTime: '2021-03-04',
    });
    expect(readable.title).to.equal('Condition: Type 2 diabetes (ICD-10-CM E11.9)');
    expect(readable.fields).to.deep.equal([
      { label: 'What', value: 'Type 2 diabetes (ICD-10-CM E11.9)' },
      { label: 'Clinical status', value: 'active' },
      { label: 'Since', value: '2021-03-04' },
    ]);
  });

  it('shows an observation’s value with its unit, and elements it has no rule for under a readable label', () => {
    const readable = readableFhir({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'Serum iron' },
      valueQuantity: { value: 112.5, unit: 'ug/dL' },
      effectiveDateTime: '2030-01-01T08:00:00Z',
      bodySite: { coding: [{ system: 'http://snomed.info/sct', code: '368209003', display: 'Right arm' }] },
      note: [{ text: 'fasting' }],
    });
    expect(readable.title).to.equal('Observation: Serum iron');
    expect(readable.fields).to.deep.include({ label: 'Value', value: '112.5 ug/dL' });
    expect(readable.fields).to.deep.include({ label: 'Body site', value: 'Right arm (SNOMED CT 368209003)' });
    expect(readable.fields).to.deep.include({ label: 'Note', value: '[{"text":"fasting"}]' });
    expect(readable.fields.map((f) => f.label)).to.not.include('Subject');
  });
});
