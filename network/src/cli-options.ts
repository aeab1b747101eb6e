/**
 * Parsers of the medrec CLI's option values. Ids, roles, MSP ids and times follow the contract module's rules, the
 * ones the ledger applies, so the CLI refuses at once what the chaincode would refuse later.
 */
import { InvalidArgumentError } from 'commander';
import type { z } from 'zod';
import { amountSchema, idSchema, isoTimeSchema, mspIdSchema, ROLES, roleSchema, type Role } from '@medrec/contract';
import { peerOrgKeys, type PeerOrgKey } from './topology';
import { currentTopology } from './topology-selection';

/** --org: an organisation of the consortium file that runs peers (hospital1, hospital2, research by default). */
export function peerOrg(value: string): PeerOrgKey {
  const orgs = peerOrgKeys(currentTopology());
  const found = orgs.find((org) => org === value);
  if (found === undefined) {
    throw new InvalidArgumentError(`--org must be ${orgs.join(', ')} (the organisations with peers), not "${value}"`);
  }
  return found;
}

/** The --org help text: the organisations of the default consortium, as examples. */
export const PEER_ORG_HELP = 'an organisation with peers (hospital1 | hospital2 | research in the default consortium)';

export function role(value: string): Role {
  const parsed = roleSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`--role must be one of ${ROLES.join(', ')}, not "${value}"`);
  return parsed.data;
}

/** A value checked with a contract schema; the schema's own message says what is expected. */
function contractOption(flag: string, schema: z.ZodType<string>): (value: string) => string {
  return (value) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new InvalidArgumentError(`${flag} ${parsed.error.issues[0]?.message ?? 'is not valid'}, not "${value}"`);
    }
    return parsed.data;
  };
}

/** A participant id as the ledger accepts it (no e-mail addresses). */
export const idOption = (flag: string): ((value: string) => string) => contractOption(flag, idSchema);
export const mspIdOption = (flag: string): ((value: string) => string) => contractOption(flag, mspIdSchema);
/** A whole number of credits as an integer string (amounts are never floating point). */
export const amountOption = (flag: string): ((value: string) => string) => contractOption(flag, amountSchema);
/** A UTC time as the ledger stores it, normalised to millisecond precision. */
export const isoTimeOption = (flag: string): ((value: string) => string) => contractOption(flag, isoTimeSchema);

export function wholeNumber(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`${flag} must be a whole number from ${min} to ${max}, not "${value}"`);
    }
    return Number(value);
  };
}

/** A calendar day YYYY-MM-DD that exists (2025-02-30 is refused, not read as March 2nd). */
export function calendarDay(flag: string): (value: string) => string {
  return (value) => {
    const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
      throw new InvalidArgumentError(`${flag} must be a calendar day YYYY-MM-DD, not "${value}"`);
    }
    return value;
  };
}
