/** The fixed value sets of the serving inputs (DatabricksDeployServing's manifest, Parameters and the settings-file schema read them). */

export const WORKLOAD_SIZES = ['Small', 'Medium', 'Large'] as const;
/** go-sdk `service/serving/model.go` `ServingModelWorkloadType` (v0.175.0); regional availability varies. */
export const WORKLOAD_TYPES = ['CPU', 'CPU_MEDIUM', 'CPU_LARGE', 'GPU_SMALL', 'GPU_MEDIUM', 'GPU_LARGE', 'GPU_XLARGE', 'GPU_XLARGE_8', 'MULTIGPU_MEDIUM'] as const;
export const TRAFFIC_MODES = ['replace', 'canary', 'promote', 'rollback'] as const;
