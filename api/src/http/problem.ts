/** RFC 9457 problem details: the only shape an error response of this API ever has. */

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** A problem type: its URI identifies the kind of problem, its title is the same for every occurrence. */
export interface ProblemType {
  readonly slug: string;
  readonly title: string;
  readonly status: number;
}

export const PROBLEMS = {
  validation: { slug: 'validation-failed', title: 'The request is not valid', status: 400 },
  malformedJson: { slug: 'malformed-json', title: 'The request body is not valid JSON', status: 400 },
  invalidArgument: { slug: 'invalid-argument', title: 'The ledger refused an argument', status: 400 },
  unauthenticated: { slug: 'unauthenticated', title: 'A valid API token is required', status: 401 },
  forbidden: { slug: 'forbidden', title: 'This user may not do this', status: 403 },
  accessDenied: { slug: 'access-denied', title: 'The ledger denied access to the record', status: 403 },
  notFound: { slug: 'not-found', title: 'Not found', status: 404 },
  conflict: { slug: 'conflict', title: "The ledger's state does not allow this", status: 409 },
  transactionInvalid: { slug: 'transaction-invalid', title: 'The transaction was invalidated at commit', status: 409 },
  tooLarge: { slug: 'payload-too-large', title: 'The request body is too large', status: 413 },
  unsupportedMediaType: { slug: 'unsupported-media-type', title: 'The request body must be JSON', status: 415 },
  fhirInvalid: { slug: 'fhir-invalid', title: 'The FHIR resource is not valid', status: 422 },
  rateLimited: { slug: 'rate-limited', title: 'Too many requests', status: 429 },
  internal: { slug: 'internal', title: 'Internal server error', status: 500 },
  badGateway: { slug: 'custodian-failure', title: "The custodian's answer cannot be used", status: 502 },
  unavailable: { slug: 'network-unavailable', title: 'The ledger network is unavailable', status: 503 },
  // The organisation's own services off the ledger: its record store, its certificate authority.
  serviceUnavailable: {
    slug: 'service-unavailable',
    title: 'A service this request needs is unavailable',
    status: 503,
  },
} as const satisfies Record<string, ProblemType>;

export function problemTypeUri(type: ProblemType): string {
  // A URN: problem types are identifiers, and this API may run where no documentation host is reachable.
  return `urn:medrec:problem:${type.slug}`;
}

/** The JSON body of a problem response. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  readonly code?: string;
  readonly transactionId?: string;
  readonly requestId?: string;
  readonly errors?: readonly ProblemFieldError[];
}

/** One invalid part of a request, e.g. {in: "body", path: "/period/notAfter", message: "must match format"}. */
export interface ProblemFieldError {
  readonly in: 'path' | 'query' | 'header' | 'body';
  readonly path: string;
  readonly message: string;
}

/** An error the API raises on purpose; the central error handler turns it into a problem response. */
export class ApiProblem extends Error {
  readonly type: ProblemType;
  readonly detail: string;
  readonly code: string | undefined;
  readonly transactionId: string | undefined;
  readonly errors: readonly ProblemFieldError[] | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    type: ProblemType,
    detail: string,
    extra: Readonly<{
      code?: string;
      transactionId?: string;
      errors?: readonly ProblemFieldError[];
      headers?: Readonly<Record<string, string>>;
      cause?: unknown;
    }> = {},
  ) {
    super(detail, { cause: extra.cause });
    this.name = 'ApiProblem';
    this.type = type;
    this.detail = detail;
    this.code = extra.code;
    this.transactionId = extra.transactionId;
    this.errors = extra.errors;
    this.headers = extra.headers ?? {};
  }
}
