/**
 * The fixed value sets of the task inputs (pick lists and enumerated items), in one place so
 * the Parameters modules, the config-file schema (and the JSON Schema generated from it) and
 * the docs cannot disagree.
 */

export const REGISTER_FROM = ['run', 'existingVersion'] as const;
export const METRIC_GOALS = ['maximize', 'minimize'] as const;

export const WORKLOAD_SIZES = ['Small', 'Medium', 'Large'] as const;
/** go-sdk `service/serving/model.go` `ServingModelWorkloadType` (v0.175.0); regional availability varies. */
export const WORKLOAD_TYPES = ['CPU', 'CPU_MEDIUM', 'CPU_LARGE', 'GPU_SMALL', 'GPU_MEDIUM', 'GPU_LARGE', 'GPU_XLARGE', 'GPU_XLARGE_8', 'MULTIGPU_MEDIUM'] as const;
export const TRAFFIC_MODES = ['replace', 'canary', 'promote', 'rollback'] as const;
