import { expect } from 'chai';
import {
  InvalidFhirResourceError,
  SUPPORTED_RESOURCE_TYPES,
  UnsupportedFhirResourceTypeError,
  fhirIssuesOf,
  loadFhirR4Definitions,
  patientIdOf,
  recordCategoryOf,
  validateFhirResource,
  type MedrecResource,
} from '../../../sdk/src/fhir';
import { thrownBy } from '../store/support/rejection';
import { exampleOf, examples } from './support/examples';

function invalidIssues(resource: unknown): { path: string; message: string }[] {
  const error = thrownBy(() => validateFhirResource(resource), InvalidFhirResourceError);
  expect(error.code).to.equal('FHIR_INVALID_RESOURCE');
  expect(error.message).to.include('Fix these elements');
  return [...error.issues];
}

function paths(resource: unknown): string[] {
  return invalidIssues(resource).map((issue) => issue.path);
}

describe('FHIR R4 validation', function () {
  before(function () {
    // Indexing the R4 definitions takes a few seconds once per process.
    this.timeout(30000);
    loadFhirR4Definitions();
  });

  describe('valid resources', function () {
    const expectedCategories: Record<MedrecResource['resourceType'], string> = {
      Condition: 'condition',
      Observation: 'laboratory',
      MedicationRequest: 'medication',
      AllergyIntolerance: 'allergy',
      DiagnosticReport: 'diagnostic-report',
      DocumentReference: 'note',
      Immunization: 'immunization',
    };

    it('covers every supported type with an example', function () {
      expect(examples().map((r) => r.resourceType)).to.have.members([...SUPPORTED_RESOURCE_TYPES]);
      expect([...SUPPORTED_RESOURCE_TYPES]).to.have.members(Object.keys(expectedCategories));
    });

    for (const example of examples('pat-42')) {
      it(`accepts a ${example.resourceType} and derives its category and patient`, function () {
        expect(fhirIssuesOf(example)).to.deep.equal([]);
        const validated = validateFhirResource(example);
        expect(validated).to.equal(example);
        expect(recordCategoryOf(validated)).to.equal(expectedCategories[example.resourceType]);
        expect(patientIdOf(validated)).to.equal('pat-42');
      });
    }
  });

  describe('unsupported input', function () {
    for (const input of [{ resourceType: 'Patient', id: 'x' }, { resourceType: 'Foo' }]) {
      it(`refuses resourceType ${input.resourceType} naming the supported types`, function () {
        const error = thrownBy(() => validateFhirResource(input), UnsupportedFhirResourceTypeError);
        expect(error.code).to.equal('FHIR_UNSUPPORTED_RESOURCE_TYPE');
        expect(error.resourceType).to.equal(input.resourceType);
        expect(error.message).to.include('Condition').and.to.include('Immunization');
      });
    }

    for (const input of [null, undefined, 'Condition', 42, [], [{ resourceType: 'Condition' }], {}] as unknown[]) {
      it(`refuses ${input === undefined ? 'undefined' : JSON.stringify(input)} as not a resource`, function () {
        const error = thrownBy(() => validateFhirResource(input), UnsupportedFhirResourceTypeError);
        expect(error.resourceType).to.be.undefined;
        expect(fhirIssuesOf(input)).to.deep.equal([
          { path: 'resourceType', message: `must be one of: ${SUPPORTED_RESOURCE_TYPES.join(', ')}` },
        ]);
      });
    }
  });

  describe('R4 structure', function () {
    it('refuses a missing required element (Observation.code)', function () {
      const observation = exampleOf('Observation');
      delete observation.code;
      expect(paths(observation)).to.include('Observation.code');
    });

    it('refuses a missing required element (MedicationRequest.intent)', function () {
      const request = exampleOf('MedicationRequest');
      delete request.intent;
      expect(paths(request)).to.include('MedicationRequest.intent');
    });

    it('refuses a DocumentReference without content', function () {
      const document = exampleOf('DocumentReference');
      delete document.content;
      expect(paths(document)).to.include('DocumentReference.content');
    });

    it('refuses an element that R4 does not define', function () {
      const condition = { ...exampleOf('Condition'), diagnosis: 'E11.9' };
      expect(invalidIssues(condition).some((issue) => issue.path === 'Condition.diagnosis')).to.be.true;
    });

    it('refuses a value of the wrong type', function () {
      const observation = exampleOf('Observation');
      observation.valueQuantity = { value: 'ninety-eight', unit: 'mg/dL' };
      expect(paths(observation).some((path) => path.startsWith('Observation.value'))).to.be.true;
    });

    it('refuses a malformed date', function () {
      const immunization = { ...exampleOf('Immunization'), occurrenceDateTime: '01/10/2023' };
      expect(paths(immunization).some((path) => path.startsWith('Immunization.occurrence'))).to.be.true;
    });
  });

  describe('MedRec rules', function () {
    it('requires the patient reference even where R4 makes it optional (Observation.subject)', function () {
      const observation = exampleOf('Observation');
      delete observation.subject;
      const issues = invalidIssues(observation);
      expect(issues.map((issue) => issue.path)).to.include('Observation.subject.reference');
      expect(issues.find((issue) => issue.path === 'Observation.subject.reference')?.message).to.include(
        'Patient/<id>',
      );
    });

    it('requires the patient reference on AllergyIntolerance.patient', function () {
      const allergy = exampleOf('AllergyIntolerance');
      allergy.patient = { display: 'someone' };
      expect(paths(allergy)).to.include('AllergyIntolerance.patient.reference');
    });

    it('refuses a subject that is not a patient', function () {
      const condition = { ...exampleOf('Condition'), subject: { reference: 'Group/g-1' } };
      expect(paths(condition)).to.include('Condition.subject.reference');
    });

    it('requires system and code on every coding, wherever it is', function () {
      const condition = exampleOf('Condition');
      condition.code = { coding: [{ code: 'E11.9' }, { system: 'http://hl7.org/fhir/sid/icd-10-cm' }] };
      condition.category = [{ coding: [{ system: 'icd10', code: 'x' }] }];
      const found = paths(condition);
      expect(found).to.include.members([
        'Condition.code.coding[0].system',
        'Condition.code.coding[1].code',
        'Condition.category[0].coding[0].system',
      ]);
    });

    it('requires the main code to be coded, not text only', function () {
      const allergy = exampleOf('AllergyIntolerance');
      allergy.code = { text: 'penicillin' };
      expect(paths(allergy)).to.include('AllergyIntolerance.code.coding');
    });

    it('requires a Condition to say which condition it is', function () {
      const condition = exampleOf('Condition');
      delete condition.code;
      expect(paths(condition)).to.include('Condition.code.coding');
    });

    it('refuses a status outside the required value set', function () {
      const observation = { ...exampleOf('Observation'), status: 'done' };
      const issue = invalidIssues(observation).find((i) => i.path === 'Observation.status');
      expect(issue?.message).to.include('final');
    });

    it('refuses an AllergyIntolerance category outside the value set', function () {
      const allergy = { ...exampleOf('AllergyIntolerance'), category: ['medication', 'pollen'] };
      expect(paths(allergy)).to.include('AllergyIntolerance.category');
    });

    it('refuses a clinical status from the wrong code system', function () {
      const condition = exampleOf('Condition');
      condition.clinicalStatus = { coding: [{ system: 'http://snomed.info/sct', code: '55561003' }] };
      expect(paths(condition)).to.include('Condition.clinicalStatus');
    });

    it('reports every problem at once', function () {
      const immunization: Record<string, unknown> = { ...exampleOf('Immunization'), status: 'given' };
      delete immunization.patient;
      delete immunization.vaccineCode;
      const found = paths(immunization);
      expect(found).to.include.members([
        'Immunization.status',
        'Immunization.patient.reference',
        'Immunization.vaccineCode',
      ]);
      expect(new Set(found).size).to.equal(found.length);
    });
  });
});
