/**
 * Unity Catalog tables and schemas (`/api/2.1/unity-catalog`). Shared by the tasks: add
 * functions, do not change the existing ones' behaviour.
 */
import type { catalog } from '@databricks/sdk-experimental';
import type { DatabricksClient } from '../client/databricksClient';
import { collect, paginate } from '../client/paginate';

const BASE = '/api/2.1/unity-catalog';

export interface ListTablesOptions {
  /** Page size asked for (0 = the server's); the server may cap it. */
  pageSize?: number;
  signal?: AbortSignal;
}

/**
 * Every table and view of `catalog.schema`, following next_page_token. Columns and properties
 * are omitted (only names and ids are needed to find monitored tables).
 */
export function listTables(client: DatabricksClient, catalogName: string, schemaName: string, options: ListTablesOptions = {}): Promise<catalog.TableInfo[]> {
  return collect(
    paginate(
      (pageToken) =>
        client.get<catalog.ListTablesResponse>(
          `${BASE}/tables`,
          {
            catalog_name: catalogName,
            schema_name: schemaName,
            max_results: options.pageSize ?? 0,
            page_token: pageToken,
            omit_columns: true,
            omit_properties: true,
          },
          { signal: options.signal },
        ),
      (page) => page.tables,
    ),
  );
}
