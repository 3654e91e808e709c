/**
 * Seeding for serving scenarios (tests, the `npm start` demo, benchmarks): registered model
 * versions to serve (in the fake's Unity Catalog model registry), and endpoints that already
 * serve something.
 */
import type { AiGatewayConfig, EndpointTag, ServedEntityInput } from '@databricks/sdk-experimental/dist/apis/serving/model';
import type { VersionStatus } from '../routes/ucModels';
import type { StoredEndpoint } from '../routes/serving';
import type { FakeWorkspace } from '../workspace';

export interface ModelSeed {
  /** catalog.schema.model */
  fullName: string;
  /** Versions 1…n are registered; each is READY unless `statuses` says otherwise. */
  latestVersion: number;
  statuses?: Record<number, VersionStatus>;
  /** alias → version */
  aliases?: Record<string, number>;
}

/** A registered model with versions 1…latestVersion (missing ones are added) and its aliases. */
export function seedModel(ws: FakeWorkspace, seed: ModelSeed): void {
  const registry = ws.state.ucModels;
  const model = registry.addModel(seed.fullName);
  for (let v = model.nextVersion; v <= seed.latestVersion; v++) {
    registry.addVersion(model, {
      source: `dbfs:/databricks/mlflow-tracking/1/run${v}/artifacts/model`,
      createdBy: 'data-scientist@contoso.com',
      status: seed.statuses?.[v] ?? 'READY',
    });
  }
  for (const [alias, version] of Object.entries(seed.aliases ?? {})) registry.setAlias(model, alias, version);
}

export interface ServedSeed {
  /** Default `<model short name>-<version>`. */
  name?: string;
  model: string;
  version: number;
  traffic?: number;
  workloadSize?: string;
  scaleToZero?: boolean;
}

export interface EndpointSeed {
  name: string;
  served: ServedSeed[];
  inferenceTable?: { catalog: string; schema: string; prefix: string };
  tags?: EndpointTag[];
  notifyOnFailure?: string[];
}

/** An endpoint that is READY and serves `served` (traffic default: all to the first). */
export function seedServingEndpoint(ws: FakeWorkspace, seed: EndpointSeed): StoredEndpoint {
  const entities: ServedEntityInput[] = seed.served.map((s) => ({
    name: s.name ?? `${s.model.split('.').pop()}-${s.version}`,
    entity_name: s.model,
    entity_version: String(s.version),
    workload_size: s.workloadSize ?? 'Small',
    workload_type: 'CPU',
    scale_to_zero_enabled: s.scaleToZero ?? true,
  }));
  const routes = entities.map((e, i) => ({ served_entity_name: e.name, traffic_percentage: seed.served[i]!.traffic ?? (i === 0 ? 100 : 0) }));
  const aiGateway: AiGatewayConfig | undefined = seed.inferenceTable
    ? {
        inference_table_config: {
          catalog_name: seed.inferenceTable.catalog,
          schema_name: seed.inferenceTable.schema,
          table_name_prefix: seed.inferenceTable.prefix,
          enabled: true,
        },
      }
    : undefined;
  return ws.state.serving.seed(seed.name, entities, routes, {
    aiGateway,
    tags: seed.tags,
    notifications: seed.notifyOnFailure ? { on_update_failure: seed.notifyOnFailure } : undefined,
  });
}
