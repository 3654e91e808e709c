/**
 * What the unpacking view is made from, read from the workspace (reads only, so plan mode can
 * show the view it would create): the endpoint's AI Gateway payload table, the signature of the
 * model version that takes most of the endpoint's traffic, and the view as it stands.
 */
import type { catalog } from '@databricks/sdk-experimental';
import { readSmallText } from '../../../../shared/api/files';
import { openModelVersionFile, type ModelFileReadDeps } from '../../../../shared/api/modelStorage';
import { getServingEndpoint, type ServedEntityOutput, type ServingEndpointDetailed } from '../../../../shared/api/serving';
import type { DatabricksClient } from '../../../../shared/client/databricksClient';
import { DatabricksApiError, isNotFound } from '../../../../shared/client/errors';
import { apiPath } from '../../../../shared/client/path';
import { parseSignature, type ModelSignature } from './signature';
import { message } from '../messages';

export class UnpackError extends Error {
  override readonly name = 'UnpackError';
}

export interface PayloadSource {
  endpointName: string;
  /** catalog.schema.prefix_payload */
  payloadTable: string;
  /** The served entity whose signature names the features. */
  servedEntity: { name: string; model: string; version: string };
  signature: ModelSignature;
  /** Other served versions, whose signatures were not read (mentioned in the log). */
  otherEntities: string[];
}

/** `files`: how the served version's MLmodel is read (the route MLflow reads it with). */
export async function readPayloadSource(client: DatabricksClient, endpointName: string, files: ModelFileReadDeps): Promise<PayloadSource> {
  let endpoint: ServingEndpointDetailed;
  try {
    endpoint = await getServingEndpoint(client, endpointName);
  } catch (e) {
    if (isNotFound(e)) throw new UnpackError(message('EndpointMissing', endpointName));
    throw e;
  }
  const table = endpoint.ai_gateway?.inference_table_config;
  if (!table?.enabled || !table.catalog_name || !table.schema_name) {
    throw new UnpackError(
      `unpackFromEndpoint: the serving endpoint ${endpointName} has no AI Gateway inference table enabled, so there is no payload to unpack. Enable it (DatabricksDeployServing inferenceTable: true) and send some requests first.`,
    );
  }
  // The service's default prefix is the endpoint name [unconfirmed]; '-' is not allowed in a table name.
  const prefix = table.table_name_prefix ?? endpointName.replace(/-/g, '_');
  const payloadTable = `${table.catalog_name}.${table.schema_name}.${prefix}_payload`;

  const entities = (endpoint.config?.served_entities ?? []).filter((e): e is ServedEntityOutput & { name: string; entity_name: string; entity_version: string } =>
    Boolean(e.name && e.entity_name && e.entity_version && e.entity_name.split('.').length === 3),
  );
  if (entities.length === 0) throw new UnpackError(message('NoUcVersionServed', endpointName));
  const traffic = new Map((endpoint.config?.traffic_config?.routes ?? []).map((r) => [r.served_entity_name ?? r.served_model_name, r.traffic_percentage ?? 0]));
  const main = [...entities].sort((a, b) => (traffic.get(b.name) ?? 0) - (traffic.get(a.name) ?? 0))[0]!;
  const where = `the MLmodel of ${main.entity_name} version ${main.entity_version} (served as ${main.name} by ${endpointName})`;
  return {
    endpointName,
    payloadTable,
    servedEntity: { name: main.name, model: main.entity_name, version: main.entity_version },
    signature: parseSignature(await readMlModel(files, main.entity_name, main.entity_version, where), where),
    otherEntities: entities.filter((e) => e !== main).map((e) => `${e.name} (${e.entity_name} v${e.entity_version})`),
  };
}

/** An MLmodel is a few KiB; anything far larger is not one. */
const MAX_MLMODEL_BYTES = 1024 * 1024;

async function readMlModel(files: ModelFileReadDeps, model: string, version: string, where: string): Promise<string> {
  try {
    const { stream } = await openModelVersionFile(files, model, version, 'MLmodel');
    return await readSmallText(stream, MAX_MLMODEL_BYTES, `The MLmodel of ${where}`);
  } catch (e) {
    if (isNotFound(e)) throw new UnpackError(message('MlmodelMissing', where));
    throw e;
  }
}

/** The table or view `fullName`, or undefined when it does not exist. */
export async function findTable(client: DatabricksClient, fullName: string): Promise<catalog.TableInfo | undefined> {
  try {
    return await client.get<catalog.TableInfo>(apiPath`/api/2.1/unity-catalog/tables/${fullName}`);
  } catch (e) {
    if (e instanceof DatabricksApiError && (e.errorCode === 'TABLE_DOES_NOT_EXIST' || e.errorCode === 'RESOURCE_DOES_NOT_EXIST')) return undefined;
    throw e;
  }
}
