/** The filter fields shared by the audit search and the export. */
import type { AuditFilters } from '../../logic/audit-filters';

export function AuditFilterFields({
  idPrefix,
  filters,
  onChange,
  withOrganisation,
}: {
  readonly idPrefix: string;
  readonly filters: AuditFilters;
  readonly onChange: (filters: AuditFilters) => void;
  readonly withOrganisation: boolean;
}): React.JSX.Element {
  return (
    <div className="row">
      <label>
        Trail of
        <select
          name={`${idPrefix}-subject`}
          value={filters.subject}
          onChange={(e) => {
            onChange({ ...filters, subject: e.target.value as AuditFilters['subject'] });
          }}
        >
          <option value="patientId">a patient</option>
          <option value="actorId">an actor (what they did)</option>
        </select>
      </label>
      <label>
        Participant id
        <input
          name={`${idPrefix}-id`}
          required
          spellCheck={false}
          value={filters.id}
          onChange={(e) => {
            onChange({ ...filters, id: e.target.value });
          }}
        />
      </label>
      <label>
        From (UTC day)
        <input
          name={`${idPrefix}-from`}
          type="date"
          value={filters.from}
          onChange={(e) => {
            onChange({ ...filters, from: e.target.value });
          }}
        />
      </label>
      <label>
        To (UTC day, included)
        <input
          name={`${idPrefix}-to`}
          type="date"
          value={filters.to}
          onChange={(e) => {
            onChange({ ...filters, to: e.target.value });
          }}
        />
      </label>
      {withOrganisation ? (
        <label>
          Actors of organisation (MSP id, optional)
          <input
            name={`${idPrefix}-organisation`}
            spellCheck={false}
            value={filters.organisation}
            onChange={(e) => {
              onChange({ ...filters, organisation: e.target.value });
            }}
          />
        </label>
      ) : null}
    </div>
  );
}
