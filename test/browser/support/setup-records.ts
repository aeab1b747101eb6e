/** Setup through the API for the browser tests that start from an existing record (the core flow adds its own). */
import { expect } from 'chai';
import { send } from '../../unit/api/support/conformance';
import { api, bearer, condition, register, type Registered } from '../../integration/support/rest-api';

export interface PatientWithRecord {
  readonly patient: Registered;
  readonly clinician: Registered;
  readonly recordId: string;
}

/** A fresh patient of hospital1 with one condition added by a fresh hospital1 clinician. */
export async function patientWithRecord(): Promise<PatientWithRecord> {
  const patient = await register('hospital1', 'patient');
  const clinician = await register('hospital1', 'clinician');
  const res = await send(
    api('hospital1')
      .post(`/v1/patients/${patient.participantId}/records`)
      .set(...bearer(clinician.token))
      .send(condition(patient.participantId)),
  );
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return { patient, clinician, recordId: (res.body as { record: { recordId: string } }).record.recordId };
}
