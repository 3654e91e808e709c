/**
 * Workspace files (Workspace API 2.0): a file uploaded as RAW, as Terraform's
 * databricks_workspace_file does (`workspace/resource_workspace_file.go`, Format "RAW"; py-sdk
 * `workspace.py` `import_`: AUTO would import a .sql file starting with a notebook header as a
 * notebook), read back
 * with export, and deleted. Content travels base64 (≤ 10 MB).
 */
import type { ExportResponse, Import } from '@databricks/sdk-experimental/dist/apis/workspace/model';
import type { DatabricksClient } from '../client/databricksClient';
import { isNotFound } from '../client/errors';

const BASE = '/api/2.0/workspace';

/** The file's text, or undefined when it does not exist. */
export async function readWorkspaceFile(client: DatabricksClient, path: string): Promise<string | undefined> {
  try {
    const answer = await client.get<ExportResponse>(`${BASE}/export`, { path, format: 'RAW' });
    return Buffer.from(answer.content ?? '', 'base64').toString('utf8');
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Writes (or replaces) a file, creating its folder first. */
export async function writeWorkspaceFile(client: DatabricksClient, path: string, text: string): Promise<void> {
  const folder = path.slice(0, path.lastIndexOf('/'));
  if (folder) await client.post(`${BASE}/mkdirs`, { path: folder }, { idempotent: true });
  const body: Import = { path, format: 'RAW', content: Buffer.from(text, 'utf8').toString('base64'), overwrite: true };
  await client.post(`${BASE}/import`, body, { idempotent: true });
}

/** Deletes a file; a file that is already gone is not an error. */
export async function deleteWorkspaceFile(client: DatabricksClient, path: string): Promise<void> {
  try {
    await client.post(`${BASE}/delete`, { path, recursive: false }, { idempotent: true });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}
