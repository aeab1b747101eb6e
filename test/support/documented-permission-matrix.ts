/** The chaincode's permission matrix as chaincode/README.md documents it: read by the unit and integration suites. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROLES, type Role } from '../../contract/src/primitives';

/** `✓` any subject, `own` under the row's condition, `—` forbidden whatever the subject. */
export type Cell = '✓' | 'own' | '—';

export function documentedMatrix(): Map<string, Record<Role, Cell>> {
  // Compiled to dist/test/support: the README sits three levels up from there, as from the source.
  const readme = readFileSync(resolve(__dirname, '../../../chaincode/README.md'), 'utf8');
  const rows = new Map<string, Record<Role, Cell>>();
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const name = cells[1] ?? '';
    if (!/^[A-Z][A-Za-z]+:[A-Z][A-Za-z]+$/.test(name) || cells.length !== 10) {
      continue;
    }
    const row = {} as Record<Role, Cell>;
    ROLES.forEach((role, index) => {
      row[role] = cells[index + 2] as Cell;
    });
    rows.set(name, row);
  }
  return rows;
}
