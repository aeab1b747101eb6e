import { expect } from 'chai';
import { CATEGORIES } from '../../../contract/src/primitives';
import { recordCategoryOf } from '../../../sdk/src/fhir';
import { generateSyntheticData } from '../../../sdk/src/seed';
import { examples } from './support/examples';

describe('ledger categories of FHIR records', function () {
  it('are all categories the chaincode accepts (the SDK and the ledger agree)', function () {
    const resources = [
      ...examples(),
      ...generateSyntheticData({ seed: 7, patients: 20 }).records.map((r) => r.resource),
    ];
    for (const resource of resources) {
      expect(CATEGORIES, resource.resourceType).to.include(recordCategoryOf(resource));
    }
  });

  it('classifies an Observation as vital-signs only when its FHIR category says so', function () {
    const observation = examples().find((r) => r.resourceType === 'Observation');
    if (observation?.resourceType !== 'Observation') throw new Error('example set lacks an Observation');
    expect(recordCategoryOf(observation)).to.equal('laboratory');
    const vital = {
      ...observation,
      category: [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] },
      ],
    };
    expect(recordCategoryOf(vital)).to.equal('vital-signs');
  });
});
