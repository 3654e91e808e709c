/** The fixed value sets of the registry inputs (DatabricksRegisterModel's manifest, Parameters and the settings-file schema read them). */

export const REGISTER_FROM = ['run', 'existingVersion'] as const;
export const METRIC_GOALS = ['maximize', 'minimize'] as const;
