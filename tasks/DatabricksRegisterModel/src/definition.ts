/**
 * DatabricksRegisterModel: Parameters → plan (the candidate, its files' route, the gate, the
 * aliases) → apply (register, tag, move aliases) → Outcome. Inputs are validated before
 * anything touches the network; the workspace connection is opened only afterwards.
 */
import { stepTitle } from '../../../shared/runtime/report';
import { message } from './messages';
import { taskLibInputSource, taskLibVariableSource } from '../../../shared/runtime/inputs';
import type { TaskDefinition } from '../../../shared/runtime/task';
import type { RegistrationReportData } from '../../../shared/runtime/reportTypes';
import { registerModelPhases, type RegisterModelPlan } from './operations';
import { registerModelWorstCase } from './worstCase';
import { buildParameters, type RegisterModelParameters } from './parameters';
import { registerModelSummary } from './summary';

export const definition: TaskDefinition<RegisterModelParameters, RegisterModelPlan, RegistrationReportData> = {
  name: 'DatabricksRegisterModel',
  kind: 'registration',
  parameters: () => buildParameters(taskLibInputSource(), taskLibVariableSource()),
  worstCase: registerModelWorstCase,
  ...registerModelPhases,
  title: (params) => stepTitle(message('TitleRegister', params.modelName), params.common.config?.environment),
  summary: registerModelSummary,
};
