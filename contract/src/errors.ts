import { z } from 'zod';

/** The general codes: every contract may raise them. */
export const GENERAL_ERROR_CODES = [
  'MEDREC_NOT_FOUND',
  'MEDREC_FORBIDDEN',
  'MEDREC_INVALID_ARGUMENT',
  'MEDREC_CONFLICT',
  'MEDREC_INTERNAL',
] as const;

/** Why an endorsement claim, an attestation or a transfer of the incentive layer was refused (chaincode/README.md, Incentive). */
export const INCENTIVE_ERROR_CODES = [
  'MEDREC_BAD_SIGNATURE',
  'MEDREC_WRONG_ORGANISATION',
  'MEDREC_NOT_A_PEER',
  'MEDREC_CERTIFICATE_NOT_VALID',
  'MEDREC_PAYLOAD_MISMATCH',
  'MEDREC_NOT_COMMITTED',
  'MEDREC_NOT_CLAIMABLE',
  'MEDREC_ALREADY_CLAIMED',
  'MEDREC_ALREADY_ATTESTED',
  'MEDREC_INSUFFICIENT_FUNDS',
] as const;

/** Why a trend query or answer was refused (chaincode/README.md, Trends). */
export const TREND_ERROR_CODES = [
  'MEDREC_BUDGET_EXHAUSTED',
  'MEDREC_ALREADY_ANSWERED',
  'MEDREC_QUERY_CLOSED',
  'MEDREC_DEADLINE_NOT_REACHED',
] as const;

/**
 * Every code the chaincode raises. Clients branch on these, never on message text; the chaincode's error
 * message is the JSON text {"code": one of these, "message": "..."}.
 */
export const ERROR_CODES = [...GENERAL_ERROR_CODES, ...INCENTIVE_ERROR_CODES, ...TREND_ERROR_CODES] as const;
export const errorCodeSchema = z.enum(ERROR_CODES);
export type MedRecErrorCode = (typeof ERROR_CODES)[number];
export type IncentiveErrorCode = (typeof INCENTIVE_ERROR_CODES)[number];
export type TrendErrorCode = (typeof TREND_ERROR_CODES)[number];

/** The payload of a chaincode refusal, as peers pass it back inside their own error text. */
export const errorPayloadSchema = z.object({ code: errorCodeSchema, message: z.string() });
export type ErrorPayload = z.infer<typeof errorPayloadSchema>;
