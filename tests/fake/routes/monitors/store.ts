/** The one store of monitors and refreshes both APIs answer from: state machines, refresh phases, metric tables. */
import type { catalog } from '@databricks/sdk-experimental';
import { randomBytes } from 'node:crypto';
import { fail } from '../../http';
import { type ColumnKind, createMetricTables, type SeverityContext, type StatsContext, writeMetricRows } from '../../seeds/monitoring';
import type { FakeWorkspace } from '../../workspace';
import { metricTableNames, type MonitorRecord, type RefreshRecord, type RefreshState, type Status } from './model';

declare module '../../workspace' {
  interface WorkspaceState {
    monitors: MonitorStore;
  }
}

export class MonitorStore {
  /** How the v1 API answers: available, or unavailable in one of the ways a workspace says so. */
  v1Mode: 'available' | 'endpointNotFound' | 'featureDisabled' | 'featureNotEnabled' | 'notImplemented' = 'available';
  /** The error_code of the legacy "no monitor" 404 (the message is known, the code is not). */
  legacyMissingCode = 'RESOURCE_DOES_NOT_EXIST';
  /** Workspace time from creation to ACTIVE (scaled). */
  activationMs = 60_000;
  /**
   * When set, monitors created from now on are PENDING until they have been read (GET) this
   * many times, whatever the time: tests whose point is "the create answer says PENDING, a
   * later read says ACTIVE" then hold on any machine.
   */
  activationReads?: number;
  /** The next created monitor ends in this status with this message instead of ACTIVE. */
  failNextCreate?: { status: 'ERROR' | 'FAILED'; message: string };
  /** Refresh phases (workspace time, scaled); per-table durations override `refreshDurationMs`. */
  refreshPendingMs = 10_000;
  refreshDurationMs = 5 * 60_000;
  readonly refreshDurations = new Map<string, number>();
  /** Tables whose refreshes fail, with the message. */
  readonly refreshFailures = new Map<string, string>();
  /** The answer to a refresh request while one is PENDING/RUNNING. */
  conflictMode: 'RESOURCE_CONFLICT' | 'INVALID_STATE' = 'RESOURCE_CONFLICT';
  /** Drift severity of the metric rows a successful refresh writes, per table. */
  readonly driftSeverity = new Map<string, (c: SeverityContext) => number>();
  /** Column statistics (min, max, num_nulls…) of the rows a successful refresh writes, per table. */
  readonly columnStats = new Map<string, (c: StatsContext) => Partial<Record<string, number>> | undefined>();
  /**
   * The model ids an inference-log refresh writes slices for, per table, for tables that exist in
   * Unity Catalog only; a table (or view) the SQL engine has gets its distinct model id values.
   */
  readonly modelIds = new Map<string, string[]>();
  /** Custom metric values of the rows a successful refresh writes, per table. */
  readonly customMetricValues = new Map<string, (c: StatsContext & { metric: string }) => number>();
  /** Windows a refresh writes: one per successful refresh so far, up to this many. */
  maxWindows = 7;
  /**
   * When true, refreshes started from now on stay RUNNING until `endRefresh()` ends them: tests
   * end a refresh on an event (e.g. "both refreshes were started") instead of after a duration
   * that a loaded machine may overrun.
   */
  holdRefreshes = false;
  private readonly byTable = new Map<string, MonitorRecord>();
  private nextRefreshId = 1;

  constructor(private readonly workspace: FakeWorkspace) {}

  get(tableName: string): MonitorRecord | undefined {
    return this.byTable.get(tableName.toLowerCase());
  }

  byTableId(tableId: string): MonitorRecord | undefined {
    return [...this.byTable.values()].find((m) => m.tableId === tableId);
  }

  all(): MonitorRecord[] {
    return [...this.byTable.values()].sort((a, b) => (a.tableName < b.tableName ? -1 : 1));
  }

  /** A GET of the monitor: counts towards `activationReads`. */
  noteRead(m: MonitorRecord): void {
    if (m.readsUntilActive === undefined) return;
    m.readsUntilActive--;
    if (m.readsUntilActive <= 0) {
      m.readsUntilActive = undefined;
      m.activeAt = Math.min(m.activeAt, Date.now());
    }
  }

  status(m: MonitorRecord): Status {
    if (Date.now() < m.activeAt) return 'PENDING';
    return m.failure?.status ?? 'ACTIVE';
  }

  async create(m: Omit<MonitorRecord, 'dashboardId' | 'monitorVersion' | 'activeAt' | 'refreshes' | 'failure'>): Promise<MonitorRecord> {
    if (this.get(m.tableName)) fail(409, 'RESOURCE_ALREADY_EXISTS', `Monitor for table '${m.tableName}' already exists.`);
    const record: MonitorRecord = {
      ...m,
      dashboardId: randomBytes(16).toString('hex'),
      monitorVersion: 1,
      activeAt: this.activationReads !== undefined ? Infinity : Date.now() + this.workspace.scaled(this.activationMs),
      readsUntilActive: this.activationReads,
      failure: this.failNextCreate,
      refreshes: [],
    };
    this.failNextCreate = undefined;
    this.byTable.set(m.tableName, record);
    await createMetricTables(this.workspace.state.sql, { ...metricTableNames(record), modelIdColumn: record.profile.modelId, customMetrics: record.customMetrics });
    return record;
  }

  delete(tableName: string): void {
    this.byTable.delete(tableName.toLowerCase());
  }

  /** Starts a refresh, or refuses while one is PENDING/RUNNING. */
  startRefresh(m: MonitorRecord): RefreshRecord {
    const active = m.refreshes.find((r) => this.refreshState(r) === 'PENDING' || this.refreshState(r) === 'RUNNING');
    if (active) {
      const message = `A refresh (${active.id}) is already ${this.refreshState(active)} for table '${m.tableName}'.`;
      if (this.conflictMode === 'INVALID_STATE') fail(400, 'INVALID_STATE', message);
      fail(409, 'RESOURCE_CONFLICT', message);
    }
    const now = Date.now();
    const runningAt = now + this.workspace.scaled(this.refreshPendingMs);
    const refresh: RefreshRecord = {
      id: this.nextRefreshId++,
      trigger: 'MANUAL',
      startMs: now,
      runningAt,
      endAt: this.holdRefreshes ? Infinity : runningAt + this.workspace.scaled(this.refreshDurations.get(m.tableName) ?? this.refreshDurationMs),
      failMessage: this.refreshFailures.get(m.tableName),
    };
    m.refreshes.push(refresh);
    this.scheduleMetrics(m, refresh);
    return refresh;
  }

  /** Ends a held (or still running) refresh now: it reads as SUCCESS once its metric rows are written. */
  endRefresh(table: string, refreshId: number): void {
    const m = this.get(table);
    const r = m?.refreshes.find((x) => x.id === refreshId);
    if (!m || !r) throw new Error(`No refresh ${refreshId} on ${table}`);
    const now = Date.now();
    r.runningAt = Math.min(r.runningAt, now);
    r.endAt = Math.min(r.endAt, now);
    this.scheduleMetrics(m, r);
  }

  /**
   * The metric tables are written when the refresh's time is up, off the request path; the
   * refresh reads as SUCCESS only once they are (as the service's tables are by then).
   */
  private scheduleMetrics(m: MonitorRecord, r: RefreshRecord): void {
    if (!Number.isFinite(r.endAt)) return;
    setTimeout(() => void this.writeMetrics(m, r).catch(() => undefined), Math.max(0, r.endAt - Date.now())).unref();
  }

  refreshState(r: RefreshRecord): RefreshState {
    if (r.canceledAt !== undefined) return 'CANCELED';
    const now = Date.now();
    if (now < r.runningAt) return 'PENDING';
    if (now < r.endAt) return 'RUNNING';
    if (r.failMessage) return 'FAILED';
    return r.metricsWritten ? 'SUCCESS' : 'RUNNING';
  }

  /**
   * A refresh's end time as the service would report it: durations run compressed by the
   * workspace's time scale, so the elapsed time is stretched back into task time (a 10-minute
   * refresh reads as 10 minutes in the task's summary even when it lasted 3 s).
   */
  reportedEndMs(r: RefreshRecord): number {
    const end = r.canceledAt ?? r.endAt;
    return Math.round(r.startMs + (end - r.startMs) / this.workspace.timeScale);
  }

  cancelRefresh(r: RefreshRecord): void {
    const state = this.refreshState(r);
    if (state !== 'PENDING' && state !== 'RUNNING') fail(400, 'INVALID_STATE', `Refresh ${r.id} is already ${state}.`);
    r.canceledAt = Date.now();
  }

  /** Waits for the metric rows of refreshes whose time is up (normally already written by the timer). */
  async settle(m: MonitorRecord): Promise<void> {
    for (const r of m.refreshes) if (Date.now() >= r.endAt) await this.writeMetrics(m, r);
  }

  private writeMetrics(m: MonitorRecord, r: RefreshRecord): Promise<void> {
    if (r.metricsWritten || r.canceledAt !== undefined || r.failMessage !== undefined) return Promise.resolve();
    r.writing ??= (async () => {
      const succeeded = m.refreshes.filter((x) => x.metricsWritten).length + 1;
      const models = await this.modelIdsOf(m);
      await writeMetricRows(this.workspace.state.sql, {
        ...metricTableNames(m),
        modelIdColumn: m.profile.modelId,
        models,
        columns: this.profiledColumns(m),
        windows: Math.min(this.maxWindows, succeeded),
        granularity: m.profile.granularities?.[0] === '1 hour' ? '1 hour' : m.profile.granularities?.[0] === '1 week' ? '1 week' : '1 day',
        end: new Date(r.endAt),
        baseline: m.baselineTableName !== undefined,
        slices: [],
        problemType: m.profile.label && m.profile.problemType ? (m.profile.problemType === 'REGRESSION' ? 'regression' : 'classification') : undefined,
        severity: this.driftSeverity.get(m.tableName),
        stats: this.columnStats.get(m.tableName),
        customMetrics: m.customMetrics,
        customValue: this.customMetricValues.get(m.tableName),
        monitorVersion: m.monitorVersion,
      });
      r.metricsWritten = true;
    })();
    return r.writing;
  }

  /**
   * Unity Catalog tables and schemas, for lookups by id (v1 names objects by UUID). The UC store
   * has no such lookup yet (asked of its owner), so its maps are read directly.
   */
  knownTables(): catalog.TableInfo[] {
    return [...ucMaps(this.workspace).tables.values()];
  }

  knownSchemas(): catalog.SchemaInfo[] {
    return [...ucMaps(this.workspace).schemas.values()];
  }

  /**
   * The model id values of an inference-log monitor's table: the service writes one slice per
   * model id besides the all-models rows (model_id_col in the data quality monitoring docs). Read from the table
   * when the SQL engine has it, else scripted (`modelIds`), else none.
   */
  private async modelIdsOf(m: MonitorRecord): Promise<string[]> {
    const column = m.profile.modelId;
    if (!column || m.profile.kind !== 'inference_log') return [];
    const scripted = this.modelIds.get(m.tableName);
    if (scripted) return scripted;
    try {
      const r = await this.workspace.state.sql.exec(
        `SELECT DISTINCT \`${column.replace(/`/g, '``')}\` AS id FROM ${m.tableName} WHERE \`${column.replace(/`/g, '``')}\` IS NOT NULL ORDER BY id`,
      );
      return r.rows.map((row) => row[0]).filter((id): id is string => typeof id === 'string' && id !== '*');
    } catch {
      return []; // a table seeded in Unity Catalog only
    }
  }

  /** The monitored table's columns minus the timestamp and model id (those are not profiled). */
  private profiledColumns(m: MonitorRecord): Array<{ name: string; kind: ColumnKind }> {
    const table = this.workspace.state.uc.getTable(m.tableName);
    const skip = new Set([m.profile.timestamp, m.profile.modelId].filter((c): c is string => c !== undefined));
    return (table?.columns ?? [])
      .filter((c) => !skip.has(c.name!))
      .map((c) => ({ name: c.name!, kind: /^(INT|LONG|SHORT|BYTE|DOUBLE|FLOAT|DECIMAL)$/.test(c.type_name ?? '') ? 'numeric' : 'categorical' }));
  }
}

function ucMaps(ws: FakeWorkspace): { tables: Map<string, catalog.TableInfo>; schemas: Map<string, catalog.SchemaInfo> } {
  return ws.state.uc as unknown as { tables: Map<string, catalog.TableInfo>; schemas: Map<string, catalog.SchemaInfo> };
}
