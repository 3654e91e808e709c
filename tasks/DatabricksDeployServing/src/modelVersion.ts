/**
 * The version to serve: `modelVersion` as given, or `modelAlias` resolved through Unity Catalog.
 * Only READY versions can be served.
 */
import { getModelVersion, getModelVersionByAlias, type ModelVersionInfo } from '../../../shared/api/unityCatalogModels';
import type { DatabricksClient } from '../../../shared/client/databricksClient';
import { isNotFound } from '../../../shared/client/errors';
import type { ServedModel } from './parameters';
import { message } from './messages';

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
      if (isNotFound(e)) throw new Error(message('NoSuchAlias', modelName, model.alias));
      throw e;
    }
    if (info.version === undefined) throw new Error(message('AliasWithoutVersion', model.alias, modelName));
    how = `alias ${model.alias} → version ${info.version}`;
  } else {
    try {
      info = await getModelVersion(client, modelName, model.version);
    } catch (e) {
      if (isNotFound(e)) throw new Error(message('NoSuchVersion', modelName, model.version));
      throw e;
    }
    how = `version ${model.version}`;
  }
  const version = String(info.version ?? (model.kind === 'version' ? model.version : ''));
  if (info.status !== 'READY') {
    throw new Error(message('VersionNotReady', modelName, version, info.status ?? message('UnknownState')));
  }
  return { version, how };
}
