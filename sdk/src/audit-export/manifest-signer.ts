/**
 * Who signed a manifest, bound three ways: the certificate verifies the signature and is issued by the MSP the
 * manifest names (checked elsewhere), its Fabric CA attribute `medrec.id` is the participant the manifest names, and
 * the ledger's participant record binds that participant to this very enrolment (MSP, enrolment id, issuing CA) and
 * was active when the export was made. Without the last two, any member could sign a manifest in another's name.
 */
import type { X509Certificate } from 'node:crypto';
import { participantSchema } from '@medrec/contract';
import type { Participant } from '../chaincode-types';
import { fabricCertificateAttributes } from '../ledger-evidence/certificate-attributes';
import { subjectValues } from '../ledger-evidence/msp-identity';
import type { SignedManifest } from './export-types';

/** The participant registry key of an id, as the chaincode builds it with fabric-shim's createCompositeKey. */
export function participantKey(participantId: string): string {
  return `\u0000medrec.participant\u0000${participantId}\u0000`;
}

/** A participant record read from a ledger write; undefined when the bytes are not one. */
export function parseParticipantRecord(value: Uint8Array): Participant | undefined {
  try {
    const parsed = participantSchema.safeParse(JSON.parse(Buffer.from(value).toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Problems binding the manifest's signing certificate to the participant it names; empty when bound. */
export function signerBindingProblems(
  manifest: Readonly<SignedManifest>,
  certificate: X509Certificate,
  participant: Participant | undefined,
): string[] {
  const { participantId, mspId } = manifest.generatedBy;
  const problems: string[] = [];
  const certifiedId = fabricCertificateAttributes(certificate)['medrec.id'];
  if (certifiedId !== participantId) {
    problems.push(
      `manifest: the signing certificate is enrolled as ${certifiedId === undefined ? 'no MedRec participant (no medrec.id attribute)' : `participant ${certifiedId}`}, not ${participantId} whom the manifest names as its author`,
    );
  }
  if (participant === undefined) {
    problems.push(`manifest: no participant ${participantId} is registered on the ledger`);
    return problems;
  }
  const [enrollmentId] = subjectValues(certificate, 'CN');
  const issuer = `/${certificate.issuer.split('\n').join('/')}`;
  if (
    participant.mspId !== mspId ||
    participant.enrollmentId !== enrollmentId ||
    participant.enrollmentIssuer !== issuer
  ) {
    problems.push(
      `manifest: the ledger binds ${participantId} to enrolment ${participant.enrollmentId} of ${participant.enrollmentIssuer} at ${participant.mspId}, but the manifest is signed by enrolment ${enrollmentId ?? '(no CN)'} of ${issuer} at ${mspId}`,
    );
  }
  if (participant.deactivatedAt !== undefined && participant.deactivatedAt <= manifest.generatedAt) {
    problems.push(
      `manifest: ${participantId} was deactivated at ${participant.deactivatedAt}, before the export was made (${manifest.generatedAt})`,
    );
  }
  return problems;
}
