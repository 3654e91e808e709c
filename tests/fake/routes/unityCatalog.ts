/**
 * Unity Catalog catalogs, schemas and tables: the store (with seeding helpers) and the read
 * routes the tasks use to resolve names to ids (`table_id`, `schema_id`) and columns.
 *
 * Faithful points: names are case-insensitive and stored lower-case; a missing object answers
 * 404 with UC's own codes (CATALOG_/SCHEMA_/TABLE_DOES_NOT_EXIST, "Table 'main.x.y' does not
 * exist.") after checking its parents; a malformed name is 400 INVALID_PARAMETER_VALUE; table
 * listing pages with max_results (unset = everything, 0 = the server's page size, capped by it,
 * negative = 400) and an opaque next_page_token that is absent on the last page; empty lists
 * omit the array, as proto3 JSON does.
 */
import { randomUUID } from 'node:crypto';
import type { catalog } from '@databricks/sdk-experimental';
import type { RequestContext } from '../http';
import { fail, json } from '../http';
import type { FakeWorkspace, RouteModule } from '../workspace';
import { parseColumnType } from './columnTypes';

declare module '../workspace' {
  interface WorkspaceState {
    uc: UnityCatalogStore;
  }
}

export interface ColumnSpec {
  name: string;
  /** SQL type text, e.g. `double`, `array<string>`, `struct<start:timestamp,end:timestamp>`. */
  type: string;
  nullable?: boolean;
  comment?: string;
}

export interface TableSpec {
  /** `catalog.schema.table`; missing parents are created. */
  fullName: string;
  columns?: ColumnSpec[];
  tableType?: catalog.TableType;
  /** Default DELTA, none for views. */
  dataSourceFormat?: catalog.DataSourceFormat;
  comment?: string;
  owner?: string;
  properties?: Record<string, string>;
  viewDefinition?: string;
}

export interface SecurableSpec {
  comment?: string;
  owner?: string;
  properties?: Record<string, string>;
}

const CREATOR = 'admin@contoso.com';
const DEFAULT_OWNER = 'mlops-admins';

export class UnityCatalogStore {
  readonly metastoreId = randomUUID();
  /** The server's page size: the cap on max_results and the page length for max_results=0. */
  maxPageSize = 50;
  private readonly catalogs = new Map<string, catalog.CatalogInfo>();
  private readonly schemas = new Map<string, catalog.SchemaInfo>();
  private readonly tables = new Map<string, catalog.TableInfo>();

  constructor(private readonly now: () => number) {}

  addCatalog(name: string, spec: SecurableSpec = {}): catalog.CatalogInfo {
    const key = name.toLowerCase();
    requireNameParts(key, 1, 'catalog');
    const existing = this.catalogs.get(key);
    if (existing) return existing;
    const info: catalog.CatalogInfo = {
      name: key,
      full_name: key,
      catalog_type: 'MANAGED_CATALOG',
      isolation_mode: 'OPEN',
      metastore_id: this.metastoreId,
      ...this.audit(spec),
    };
    this.catalogs.set(key, info);
    return info;
  }

  /** `catalog.schema`; a missing catalog is created. */
  addSchema(fullName: string, spec: SecurableSpec = {}): catalog.SchemaInfo {
    const key = fullName.toLowerCase();
    const [catalogName, name] = requireNameParts(key, 2, 'schema');
    const existing = this.schemas.get(key);
    if (existing) return existing;
    this.addCatalog(catalogName);
    const info: catalog.SchemaInfo = {
      name,
      catalog_name: catalogName,
      full_name: key,
      schema_id: randomUUID(),
      catalog_type: 'MANAGED_CATALOG',
      metastore_id: this.metastoreId,
      ...this.audit(spec),
    };
    this.schemas.set(key, info);
    return info;
  }

  /**
   * Adds a table or view; missing parents are created. An existing table is an error unless
   * `replace` (CREATE OR REPLACE), which keeps its table_id and created_* fields.
   */
  addTable(spec: TableSpec, opts: { replace?: boolean } = {}): catalog.TableInfo {
    const key = spec.fullName.toLowerCase();
    const [catalogName, schemaName, name] = requireNameParts(key, 3, 'table');
    const existing = this.tables.get(key);
    if (existing && !opts.replace) throw new Error(`Table '${key}' already exists`);
    this.addSchema(`${catalogName}.${schemaName}`);
    const tableType = spec.tableType ?? 'MANAGED';
    const isView = tableType === 'VIEW' || tableType === 'MATERIALIZED_VIEW' || tableType === 'METRIC_VIEW';
    const tableId = existing?.table_id ?? randomUUID();
    const info: catalog.TableInfo = {
      name,
      catalog_name: catalogName,
      schema_name: schemaName,
      full_name: key,
      table_type: tableType,
      data_source_format: isView ? spec.dataSourceFormat : (spec.dataSourceFormat ?? 'DELTA'),
      table_id: tableId,
      columns: (spec.columns ?? []).map(columnInfo),
      storage_location: isView ? undefined : `abfss://unity-catalog-storage@dbstoragefake.dfs.core.windows.net/${this.metastoreId}/tables/${tableId}`,
      view_definition: spec.viewDefinition,
      metastore_id: this.metastoreId,
      ...this.audit(spec),
      ...(existing ? { created_at: existing.created_at, created_by: existing.created_by } : {}),
    };
    this.tables.set(key, info);
    return info;
  }

  getCatalog(name: string): catalog.CatalogInfo | undefined {
    return this.catalogs.get(name.toLowerCase());
  }

  getSchema(fullName: string): catalog.SchemaInfo | undefined {
    return this.schemas.get(fullName.toLowerCase());
  }

  getTable(fullName: string): catalog.TableInfo | undefined {
    return this.tables.get(fullName.toLowerCase());
  }

  dropTable(fullName: string): boolean {
    return this.tables.delete(fullName.toLowerCase());
  }

  /** The tables of a schema, ordered by name. */
  listTables(catalogName: string, schemaName: string): catalog.TableInfo[] {
    const c = catalogName.toLowerCase();
    const s = schemaName.toLowerCase();
    return [...this.tables.values()].filter((t) => t.catalog_name === c && t.schema_name === s).sort((a, b) => (a.name! < b.name! ? -1 : 1));
  }

  private audit(spec: SecurableSpec): Pick<catalog.TableInfo, 'owner' | 'comment' | 'properties' | 'created_at' | 'created_by' | 'updated_at' | 'updated_by'> {
    const at = this.now();
    return {
      owner: spec.owner ?? DEFAULT_OWNER,
      comment: spec.comment,
      properties: spec.properties,
      created_at: at,
      created_by: CREATOR,
      updated_at: at,
      updated_by: CREATOR,
    };
  }
}

function columnInfo(spec: ColumnSpec, position: number): catalog.ColumnInfo {
  const type = parseColumnType(spec.type);
  const nullable = spec.nullable ?? true;
  return {
    name: spec.name,
    type_text: type.typeText,
    type_name: type.typeName,
    type_json: JSON.stringify({ name: spec.name, type: type.spark, nullable, metadata: spec.comment ? { comment: spec.comment } : {} }),
    type_precision: type.precision ?? 0,
    type_scale: type.scale ?? 0,
    position,
    nullable,
    comment: spec.comment,
  };
}

/** Splits a lower-cased dotted name; seeding a malformed name is a test bug, so it throws. */
function requireNameParts(name: string, count: number, what: string): string[] {
  const parts = name.split('.');
  if (parts.length !== count || parts.some((p) => p === '')) throw new Error(`Invalid ${what} name '${name}': expected ${count} dot-separated parts`);
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Routes

const BASE = '/api/2.1/unity-catalog';

/** The parts of a name from a request, or 400 INVALID_PARAMETER_VALUE. */
function nameParts(name: string, count: number, what: string): string[] {
  const parts = name.toLowerCase().split('.');
  if (parts.length !== count || parts.some((p) => p.trim() === '')) {
    const shape = ['<catalog>', '<schema>', `<${what}>`].slice(3 - count).join('.');
    fail(400, 'INVALID_PARAMETER_VALUE', `Invalid ${what} name '${name}': expected the form ${shape}.`);
  }
  return parts;
}

function requireCatalog(store: UnityCatalogStore, name: string): catalog.CatalogInfo {
  return store.getCatalog(name) ?? fail(404, 'CATALOG_DOES_NOT_EXIST', `Catalog '${name}' does not exist.`);
}

function requireSchema(store: UnityCatalogStore, catalogName: string, schemaName: string): catalog.SchemaInfo {
  requireCatalog(store, catalogName);
  return store.getSchema(`${catalogName}.${schemaName}`) ?? fail(404, 'SCHEMA_DOES_NOT_EXIST', `Schema '${catalogName}.${schemaName}' does not exist.`);
}

function getCatalog(ctx: RequestContext) {
  const [name] = nameParts(ctx.params.name!, 1, 'catalog');
  return json(200, requireCatalog(ctx.workspace.state.uc, name!));
}

function getSchema(ctx: RequestContext) {
  const [c, s] = nameParts(ctx.params.full_name!, 2, 'schema');
  return json(200, requireSchema(ctx.workspace.state.uc, c!, s!));
}

function getTable(ctx: RequestContext) {
  const [c, s, t] = nameParts(ctx.params.full_name!, 3, 'table');
  const store = ctx.workspace.state.uc;
  requireSchema(store, c!, s!);
  const table = store.getTable(`${c}.${s}.${t}`) ?? fail(404, 'TABLE_DOES_NOT_EXIST', `Table '${c}.${s}.${t}' does not exist.`);
  return json(200, table);
}

interface PageToken {
  schema: string;
  after: string;
}

function listTables(ctx: RequestContext) {
  const store = ctx.workspace.state.uc;
  const catalogName = ctx.query.get('catalog_name') ?? fail(400, 'INVALID_PARAMETER_VALUE', 'Missing required field: catalog_name');
  const schemaName = ctx.query.get('schema_name') ?? fail(400, 'INVALID_PARAMETER_VALUE', 'Missing required field: schema_name');
  const schema = requireSchema(store, catalogName.toLowerCase(), schemaName.toLowerCase());
  const maxResults = ctx.query.int('max_results');
  if (maxResults !== undefined && maxResults < 0) fail(400, 'INVALID_PARAMETER_VALUE', `max_results must be greater than or equal to 0, got ${maxResults}.`);
  const pageSize = maxResults === undefined ? Infinity : maxResults === 0 ? store.maxPageSize : Math.min(maxResults, store.maxPageSize);

  let all = store.listTables(schema.catalog_name!, schema.name!);
  const token = ctx.query.get('page_token');
  if (token) {
    const after = decodePageToken(token, schema.full_name!);
    all = all.filter((t) => t.name! > after);
  }
  const page = all.slice(0, pageSize);
  const omitColumns = ctx.query.bool('omit_columns') ?? false;
  const omitProperties = ctx.query.bool('omit_properties') ?? false;
  const tables = page.map((t) => ({ ...t, columns: omitColumns ? undefined : t.columns, properties: omitProperties ? undefined : t.properties }));
  const more = all.length > page.length;
  return json(200, {
    ...(tables.length > 0 ? { tables } : {}),
    ...(more ? { next_page_token: encodePageToken({ schema: schema.full_name!, after: page[page.length - 1]!.name! }) } : {}),
  });
}

function encodePageToken(t: PageToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodePageToken(token: string, schema: string): string {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<PageToken>;
    if (t.schema === schema && typeof t.after === 'string') return t.after;
  } catch {
    // falls through to the error below
  }
  return fail(400, 'INVALID_PARAMETER_VALUE', `Invalid page_token '${token}'.`);
}

export const unityCatalogRoutes: RouteModule = {
  name: 'unity-catalog',
  install(workspace: FakeWorkspace): void {
    workspace.defineState('uc', () => new UnityCatalogStore(() => workspace.now()));
    workspace.route('GET', `${BASE}/catalogs/:name`, getCatalog);
    workspace.route('GET', `${BASE}/schemas/:full_name`, getSchema);
    workspace.route('GET', `${BASE}/tables/:full_name`, getTable);
    workspace.route('GET', `${BASE}/tables`, listTables);
  },
};
