/** Errors raised by the synthetic data generator. */
import { MedRecError } from '../medrec-error';

export const SEED_ERROR_CODES = ['SEED_INVALID_OPTION'] as const;
export type SeedErrorCode = (typeof SEED_ERROR_CODES)[number];

export abstract class SeedError extends MedRecError<SeedErrorCode> {
  abstract override readonly code: SeedErrorCode;
}

export class InvalidSeedOptionError extends SeedError {
  readonly code = 'SEED_INVALID_OPTION';
  readonly option: string;

  constructor(properties: Readonly<{ option: string; message: string }>) {
    super(properties.message);
    this.option = properties.option;
  }
}
