/**
 * Authorisation of a new record before its content is looked at or stored (issue 11, "authorise before storing"):
 * the role is checked locally, then the ledger is asked, by an evaluate of the very Records:RegisterRecord
 * transaction the custodian will submit, whether this caller may register this record for this patient.
 */
import crypto from 'node:crypto';
import { locatorFor } from '@medrec/gatekeeper';
import {
  contentHash,
  isSupportedResourceType,
  recordCategoryOf,
  type RecordAmendment,
  type RecordInput,
} from '@medrec/sdk';
import { ApiProblem, PROBLEMS } from '../http/problem';
import type { FhirResource, UserContext } from '../ports';

/**
 * Only clinicians register records (chaincode permission matrix, Records:RegisterRecord). Checked here first so that
 * any other role is refused without a ledger round trip and without its body being read.
 */
export function assertMayRegisterRecords(user: UserContext): void {
  if (user.role === 'clinician') return;
  throw new ApiProblem(
    PROBLEMS.forbidden,
    `Only clinicians register records; this token acts as a ${user.role}. Ask a clinician of ${user.mspId} who ` +
      'treats the patient to add the record.',
    { code: 'ROLE_MAY_NOT_REGISTER_RECORDS' },
  );
}

/** A fresh record id, in the custodian's format. */
export function newRecordId(): string {
  return `rec-${crypto.randomUUID()}`;
}

/**
 * The registration the custodian will submit for `resource` under `recordId`: same id, patient, locator, category
 * and content hash. The body has not been validated yet (the ledger decides first), so for a body that will fail
 * validation the category falls back to a placeholder; such a registration is only ever evaluated, never submitted.
 */
export function registrationFor(
  user: UserContext,
  request: Readonly<{ recordId: string; patientId: string; resource: FhirResource }>,
): RecordInput {
  const { resource } = request;
  return {
    recordId: request.recordId,
    patientId: request.patientId,
    category: provisionalCategory(resource),
    contentHash: contentHash(resource),
    locator: locatorFor(user.mspId, request.recordId),
  };
}

/** The amendment the custodian will submit for `resource` as the version after `recordId`, on the same terms. */
export function amendmentFor(
  user: UserContext,
  request: Readonly<{ recordId: string; newRecordId: string; resource: FhirResource }>,
): RecordAmendment {
  const { resource } = request;
  return {
    recordId: request.recordId,
    newRecordId: request.newRecordId,
    category: provisionalCategory(resource),
    contentHash: contentHash(resource),
    locator: locatorFor(user.mspId, request.newRecordId),
  };
}

function provisionalCategory(resource: FhirResource): RecordInput['category'] {
  return isSupportedResourceType(resource.resourceType)
    ? recordCategoryOf({ ...resource, resourceType: resource.resourceType })
    : 'note';
}
