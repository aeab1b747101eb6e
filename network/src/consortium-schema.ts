/**
 * The shape of a consortium file (docs/consortium-file.md): which fields exist and what each may hold on its own.
 * Rules across fields (unique names, operators, orderer count, ports after the base) are in consortium-rules.ts.
 */
import net from 'node:net';
import { z } from 'zod';

/** The channel every MedRec service opens (topology.ts re-exports it). */
export const CHANNEL_NAME = 'medrec';

/** An organisation's key: a directory, process and schema name, so lower case, no dots or slashes. */
export const ORG_NAME_PATTERN = /^[a-z][a-z0-9-]{1,30}$/;
/** A node's name: also a file name, a process name and a TLS host name (peer0.hospital1). */
const NODE_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
/** An RFC 1123 host name: labels of letters, digits and inner hyphens, 253 characters at most. */
const DNS_NAME_PATTERN =
  /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

const orgName = z
  .string()
  .regex(ORG_NAME_PATTERN, 'must be 2 to 31 characters: a lower-case letter, then lower-case letters, digits or "-"');
const nodeName = z
  .string()
  .max(63)
  .regex(
    NODE_NAME_PATTERN,
    'must be lower-case letters, digits, "-" and "." (a DNS-style name such as peer0.hospital1)',
  );
/** Relative to portBase; whether the sum is a port (1-65535) is checked once the base is known. */
const port = z.int('must be a whole number (a port, relative to portBase)');

const host = z
  .string()
  .refine(
    (value) => net.isIP(value) !== 0 || DNS_NAME_PATTERN.test(value),
    'must be an IPv4 or IPv6 address or a DNS name (no scheme, no port)',
  );

const peerSchema = z.strictObject({
  name: nodeName,
  port,
  chaincodeListenPort: port,
  operationsPort: port,
});

const organisationSchema = z.strictObject({
  name: orgName,
  mspId: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9.-]{0,62}$/, 'must be a letter then letters, digits, "." or "-" (e.g. Hospital1MSP)'),
  displayName: z.string().trim().min(1, 'must not be empty').max(200),
  host,
  ca: z.strictObject({ port, operationsPort: port }),
  /** None for an organisation that only operates orderers. */
  peers: z.array(peerSchema).default([]),
  chaincodeServerPort: port.optional(),
  apiPort: port.optional(),
  gatekeeperPort: port.optional(),
});

const ordererSchema = z.strictObject({
  name: nodeName,
  operator: orgName,
  port,
  adminPort: port,
  operationsPort: port,
});

export const consortiumSchema = z.strictObject({
  portBase: z.int('must be a whole number (0 when every port below is absolute)').min(0).max(65535),
  channel: z.strictObject({
    // The API, gatekeeper and miners still open the channel by this name; another one needs them configured too.
    name: z.literal(CHANNEL_NAME, `must be "${CHANNEL_NAME}" (the only channel name the services support for now)`),
    /** The founding members: the genesis block's application organisations. */
    members: z.array(orgName).min(1, 'must name at least one organisation with peers'),
    /** Organisations that join the running channel later (`medrec org join`), by a configuration update. */
    joining: z.array(orgName).default([]),
  }),
  organisations: z.array(organisationSchema).min(1, 'must list at least one organisation'),
  orderers: z.array(ordererSchema),
});

export type ConsortiumSpec = z.infer<typeof consortiumSchema>;
export type OrganisationSpec = ConsortiumSpec['organisations'][number];
