/**
 * The version to serve: `modelVersion` as given, or `modelAlias` resolved through Unity Catalog.
 * Only READY versions can be served.
 */
import { getModelVersion, getModelVersionByAlias, type ModelVersionInfo } from '../../../shared/api/unityCatalogModels';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { isNotFound } from '../../../shared/client/errors';
import type { ServedModel } from './parameters';

export interface ResolvedVersion {
  version: string;
  /** How it was chosen, for the log: `version 8` or `alias champion → version 8`. */
  how: string;
}

export async function resolveServedVersion(client: DatabricksClient, modelName: string, model: ServedModel): Promise<ResolvedVersion> {
  let info: ModelVersionInfo;
  let how: string;
  if (model.kind === 'alias') {
    try {
      info = await getModelVersionByAlias(client, modelName, model.alias);
    } catch (e) {
      if (isNotFound(e)) throw new Error(`Model ${modelName} has no alias '${model.alias}' (or the model does not exist): set the alias first, or give modelVersion.`);
      throw e;
    }
    if (info.version === undefined) throw new Error(`Unity Catalog answered alias '${model.alias}' of ${modelName} without a version number.`);
    how = `alias ${model.alias} → version ${info.version}`;
  } else {
    try {
      info = await getModelVersion(client, modelName, model.version);
    } catch (e) {
      if (isNotFound(e)) throw new Error(`Model ${modelName} has no version ${model.version} (or the model does not exist).`);
      throw e;
    }
    how = `version ${model.version}`;
  }
  const version = String(info.version ?? (model.kind === 'version' ? model.version : ''));
  if (info.status !== 'READY') {
    throw new Error(`${modelName} version ${version} is ${info.status ?? 'in an unknown state'}, not READY: only READY versions can be served.`);
  }
  return { version, how };
}
