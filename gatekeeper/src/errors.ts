/**
 * The gatekeeper service's own error families (record stores, the custodian's registration) are rooted in the SDK's
 * MedRecError, but their codes are not the SDK's: this is their union, next to SdkErrorCode.
 */
import type { RecordRegistrationErrorCode } from './registration-errors';
import type { RecordStoreErrorCode } from './store/store-errors';

/** Every code an error of @medrec/gatekeeper can carry: the union of its families' closed unions. */
export type GatekeeperServiceErrorCode = RecordStoreErrorCode | RecordRegistrationErrorCode;
