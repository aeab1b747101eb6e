/** createServer(): the Express application, wired from ports; nothing here knows about Fabric or the network. */
import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import pino, { type Logger } from 'pino';
import { createAuthenticate, createRequireAuthentication } from './auth/authenticate';
import type { ApiConfig } from './config';
import { createConsoleRouter } from './http/console-page';
import { createDocsRouter } from './http/docs-page';
import { createErrorHandler, createNotFoundHandler } from './http/error-handler';
import { createHttpMetrics } from './http/metrics';
import { createNoStore } from './http/no-store';
import { createOperationRouter } from './http/operation-router';
import { createAuthFailureRateLimit, createTokenRateLimit } from './http/rate-limits';
import { REDACTED_PATHS, createRequestLogging } from './http/request-logging';
import { AUDIT_VERIFY_BODY_LIMIT, AUDIT_VERIFY_CONTENT_TYPES, openApiDocument } from './openapi/document';
import { createRequestValidatorFactory } from './openapi/request-validator';
import type {
  AuditExporter,
  ExternalIdDirectory,
  LedgerGateway,
  NetworkObserver,
  ReadinessProbe,
  RecordCustody,
  RecordDescriptions,
  UserDirectory,
  UserRegistration,
} from './ports';
import { accountingRoutes } from './routes/accounting-routes';
import { auditRoutes } from './routes/audit-routes';
import { consentRoutes } from './routes/consent-routes';
import { identityRoutes } from './routes/identity-routes';
import { operationsRoutes } from './routes/operations-routes';
import { patientRoutes } from './routes/patient-routes';
import { recordRoutes } from './routes/record-routes';
import { relationshipRoutes } from './routes/relationship-routes';
import { organisationRoutes } from './routes/organisation-routes';
import { notificationRoutes } from './routes/notification-routes';
import { incentiveRoutes } from './routes/incentive-routes';
import { networkRoutes } from './routes/network-routes';
import { trendRoutes } from './routes/trend-routes';
import { createOrganisationUseCases } from './use-cases/organisations';
import { createNotificationUseCases } from './use-cases/notifications';
import { createIncentiveUseCases } from './use-cases/incentives';
import { createNetworkViewUseCases } from './use-cases/network-view';
import { createTrendUseCases } from './use-cases/trends';
import { createAccountingUseCases } from './use-cases/accounting';
import { createAuditExportUseCases } from './use-cases/audit-export';
import { createConsentUseCases } from './use-cases/consents';
import { createIdentityUseCases } from './use-cases/identity';
import { createPatientUseCases } from './use-cases/patients';
import { createRecordUseCases } from './use-cases/records';
import type { ReferencePseudonyms } from './use-cases/reference-pseudonyms';
import { createRelationshipUseCases } from './use-cases/relationships';

/** The parts of ApiConfig the HTTP application uses (host, port and token database belong to the launcher). */
export type ServerOptions = Pick<
  ApiConfig,
  | 'rateLimit'
  | 'corsOrigins'
  | 'bodyLimit'
  | 'sseHeartbeatMs'
  | 'logLevel'
  | 'trustProxy'
  | 'metricsToken'
  | 'consoleDirectory'
>;

export interface ServerDependencies {
  readonly options: ServerOptions;
  readonly users: UserDirectory;
  readonly ledger: LedgerGateway;
  readonly registration: UserRegistration;
  /** The organisation's own identifiers (MRNs) for its participants; never sent to the ledger. */
  readonly externalIds: ExternalIdDirectory;
  /** Keyed hashes of the organisation's own incident and review references (never sent to the ledger as given). */
  readonly references: ReferencePseudonyms;
  readonly custody: RecordCustody;
  readonly auditExporter: AuditExporter;
  /** What this organisation's store says its disclosed records are, for the accounting of disclosures. */
  readonly recordDescriptions: RecordDescriptions;
  /** The consortium's nodes for the operator page (GET /v1/network). */
  readonly network: NetworkObserver;
  /** /healthz answers 503 while any check fails. */
  readonly readiness?: ReadinessProbe;
  /** Defaults to JSON lines on stdout at options.logLevel. */
  readonly logger?: Logger;
}

export function createServer(deps: Readonly<ServerDependencies>): Express {
  const { options } = deps;
  const logger =
    deps.logger ?? pino({ name: 'medrec-api', level: options.logLevel, redact: { paths: REDACTED_PATHS } });
  const metrics = createHttpMetrics();
  const app = express();
  app.disable('x-powered-by');
  // Route params are matched case-sensitively and "/a/" is not "/a": ids are exact.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.set('query parser', 'simple');
  // Only configured proxies may speak for the client's address: rate limits and logs depend on it.
  app.set('trust proxy', options.trustProxy === false ? false : options.trustProxy);

  app.use(metrics.middleware);
  app.use(createRequestLogging(logger));
  app.use('/v1', createNoStore());
  // The API serves plain HTTP next to its peer (TLS is a proxy's job); upgrading the docs page's own script
  // requests to https would break it there.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  if (options.corsOrigins.length > 0) {
    app.use(
      cors({
        origin: [...options.corsOrigins],
        methods: ['GET', 'POST', 'DELETE'],
        // x-medrec-manifest: a CSV export's signed manifest, sent to POST /v1/audit/verify.
        allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'x-medrec-manifest'],
        exposedHeaders: ['x-request-id', 'retry-after', 'ratelimit', 'ratelimit-policy'],
        maxAge: 600,
      }),
    );
  }
  // FHIR clients send application/fhir+json; any +json type is parsed as JSON.
  // Audit exports to verify are text (JSON Lines, CSV, a FHIR Bundle kept as sent), larger than the JSON bodies of the
  // other operations; parsed here first, the FHIR Bundle is not parsed again as JSON below.
  app.use('/v1/audit/verify', express.text({ type: [...AUDIT_VERIFY_CONTENT_TYPES], limit: AUDIT_VERIFY_BODY_LIMIT }));
  app.use(express.json({ limit: options.bodyLimit, strict: true, type: ['application/json', 'application/*+json'] }));
  app.use(createDocsRouter());
  app.use(createConsoleRouter(options.consoleDirectory));

  const validators = createRequestValidatorFactory(openApiDocument);
  const identity = createIdentityUseCases(deps);
  const records = createRecordUseCases(deps);
  const consents = createConsentUseCases(deps);
  const patients = createPatientUseCases(deps);
  const audit = createAuditExportUseCases(deps);
  app.use(
    createOperationRouter({
      document: openApiDocument,
      validators,
      publicHandlers: operationsRoutes({
        document: openApiDocument,
        metrics: metrics.registry,
        metricsToken: options.metricsToken,
        readiness: deps.readiness,
      }),
      handlers: {
        ...identityRoutes(identity),
        ...recordRoutes(records),
        ...consentRoutes(consents),
        ...relationshipRoutes(createRelationshipUseCases(deps)),
        ...patientRoutes(patients, { heartbeatMs: options.sseHeartbeatMs }),
        ...auditRoutes(audit),
        ...accountingRoutes(createAccountingUseCases(deps)),
        ...organisationRoutes(createOrganisationUseCases(deps)),
        ...notificationRoutes(createNotificationUseCases(deps)),
        ...incentiveRoutes(createIncentiveUseCases(deps)),
        ...trendRoutes(createTrendUseCases(deps)),
        ...networkRoutes(createNetworkViewUseCases(deps)),
      },
      secured: [
        // Authenticate, count failures only (a valid token is never limited here), then answer failures with 401.
        createAuthenticate(deps.users),
        createAuthFailureRateLimit(options.rateLimit),
        createRequireAuthentication(),
        createTokenRateLimit(options.rateLimit),
      ],
    }),
  );
  app.use(createNotFoundHandler());
  app.use(createErrorHandler());
  return app;
}
