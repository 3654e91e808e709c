/**
 * Which monitors the task refreshes: the tables listed in `tables` (each must have a monitor:
 * a missing one is an input mistake, reported before anything starts) and every table of
 * `schemaName` that has one (the others, e.g. the metric tables themselves, are skipped with a
 * note). Monitors are looked up a few at a time.
 */
import { listTables } from '../../../shared/api/unityCatalog';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { runPool } from '../../../shared/runtime/pool';
import { message } from './messages';

/** Monitor lookups at once while resolving targets (reads only). */
const LOOKUP_CONCURRENCY = 8;

export interface Targets<M> {
  monitors: Array<{ table: string; monitor: M }>;
  /** Tables of schemaName without a monitor. */
  skipped: string[];
}

export class MissingMonitorError extends Error {
  override readonly name = 'MissingMonitorError';
  constructor(readonly tables: string[]) {
    super(tables.length === 1 ? message('TableHasNoMonitor', tables[0]!) : message('TablesHaveNoMonitor', tables.join(', ')));
  }
}

export async function resolveTargets<M>(
  client: DatabricksClient,
  request: { tables: readonly string[]; schemaName?: string },
  getMonitor: (table: string) => Promise<M | undefined>,
  signal?: AbortSignal,
): Promise<Targets<M>> {
  const listed = request.tables.map((t) => t.toLowerCase());
  let discovered: string[] = [];
  if (request.schemaName) {
    const [catalogName, schemaName] = request.schemaName.split('.');
    const tables = await listTables(client, catalogName!, schemaName!, { signal });
    discovered = tables.map((t) => (t.full_name ?? `${t.catalog_name}.${t.schema_name}.${t.name}`).toLowerCase()).filter((t) => !listed.includes(t));
  }
  const names = [...new Set(listed)];
  const all = [...names, ...discovered];
  const monitors = await runPool(all, LOOKUP_CONCURRENCY, (table) => getMonitor(table));
  const missing = names.filter((_, i) => monitors[i] === undefined);
  if (missing.length > 0) throw new MissingMonitorError(missing);
  return {
    monitors: all.flatMap((table, i) => (monitors[i] === undefined ? [] : [{ table, monitor: monitors[i] as M }])),
    skipped: discovered.filter((_, i) => monitors[names.length + i] === undefined),
  };
}
