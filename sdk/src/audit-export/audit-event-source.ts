import type { AuditEvent, AuditQuery, Page } from '../chaincode-types';
import { assertValidFilters, matchesFilters } from './export-filters';
import type { ExportFilters } from './export-types';

/** Audit events selected by a filter, page by page, in time order. Only one page is held at a time. */
export interface AuditEventSource {
  pages(filters: Readonly<ExportFilters>): AsyncIterable<readonly AuditEvent[]>;
}

/** The two ledger queries the source needs (a MedrecClient has both). */
export interface AuditQueries {
  auditByPatient(query: AuditQuery & { readonly patientId: string }): Promise<Page<AuditEvent>>;
  auditByActor(query: AuditQuery & { readonly actorId: string }): Promise<Page<AuditEvent>>;
}

export interface LedgerAuditEventSourceOptions {
  /** 1-200 (the chaincode's limit); default 200. */
  readonly pageSize?: number;
}

const MAX_PAGE_SIZE = 200;

/**
 * Reads Audit:QueryByPatient (or QueryByActor when no patient is given) with bookmarks, and applies the other filters
 * (actor, organisation, event types) to each page.
 */
export function createLedgerAuditEventSource(
  queries: AuditQueries,
  options: Readonly<LedgerAuditEventSourceOptions> = {},
): AuditEventSource {
  const pageSize = Math.min(Math.max(Math.trunc(options.pageSize ?? MAX_PAGE_SIZE), 1), MAX_PAGE_SIZE);
  return new LedgerAuditEventSource(queries, pageSize);
}

class LedgerAuditEventSource implements AuditEventSource {
  readonly #queries: AuditQueries;
  readonly #pageSize: number;

  constructor(queries: AuditQueries, pageSize: number) {
    this.#queries = queries;
    this.#pageSize = pageSize;
  }

  async *pages(filters: Readonly<ExportFilters>): AsyncGenerator<readonly AuditEvent[]> {
    assertValidFilters(filters);
    let bookmark = '';
    do {
      const page = await this.#page(filters, bookmark);
      yield page.items.filter((event) => matchesFilters(event, filters));
      bookmark = page.bookmark;
    } while (bookmark !== '');
  }

  #page(filters: Readonly<ExportFilters>, bookmark: string): Promise<Page<AuditEvent>> {
    const window: AuditQuery = {
      pageSize: this.#pageSize,
      bookmark,
      ...(filters.from !== undefined ? { from: filters.from } : {}),
      ...(filters.to !== undefined ? { to: filters.to } : {}),
    };
    if (filters.patientId !== undefined) {
      return this.#queries.auditByPatient({ ...window, patientId: filters.patientId });
    }
    // assertValidFilters guarantees an actor when there is no patient.
    return this.#queries.auditByActor({ ...window, actorId: filters.actorId ?? '' });
  }
}
