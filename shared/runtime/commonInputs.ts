/**
 * The inputs every task has, declared once (shared/runtime/inputManifest.ts): the connection
 * group opens every task's inputs, the advanced group's retry budget closes them. The build adds
 * them around each task's own inputs in task.json and in docs/INPUTS.md, and readTaskInputs
 * reads them with the task's.
 */
import { defineInputs, type GroupDeclaration } from './inputManifest';
import { booleanRule, integerRule, textRule } from './rules/generic';
import { workspaceResourceIdRule, workspaceUrlRule } from './rules/databricks';

export const CONNECTION_GROUP: GroupDeclaration = { name: 'connection', displayName: 'Azure connection and workspace', isExpanded: true };
export const ADVANCED_GROUP: GroupDeclaration = { name: 'advanced', displayName: 'Advanced', isExpanded: false };

/** The first inputs of every task (group connection). */
export const connectionInputs = defineInputs({
  azureSubscription: {
    type: 'connectedService:AzureRM',
    label: 'Azure Resource Manager connection',
    group: 'connection',
    properties: { EndpointFilterRule: 'ScopeLevel != ManagementGroup' },
    required: true,
    rule: () => textRule(),
    help: 'The Azure Resource Manager service connection whose Microsoft Entra ID identity calls Azure Databricks. Supported schemes: workload identity federation (recommended), service principal with a secret or a certificate, and managed identity. The identity must be a user of the workspace (or have Contributor on it, see **Workspace resource ID**) and hold the Unity Catalog privileges this task needs. In YAML give the connection name, e.g. `azureSubscription: my-arm-connection`.',
    doc: { rule: 'non-empty (connection id)' },
  },
  workspaceUrl: {
    type: 'string',
    label: 'Workspace URL',
    group: 'connection',
    settings: { kind: 'text', description: 'Workspace URL, e.g. https://adb-1234567890123456.7.azuredatabricks.net. Exactly one of workspaceUrl / workspaceResourceId.' },
    rule: () => workspaceUrlRule(),
    help: 'The workspace URL, e.g. `https://adb-1234567890123456.7.azuredatabricks.net`. Any `https://` URL is accepted (Private Link and custom domains work); no path other than `/`, no query; a trailing `/` is removed. Give exactly one of **Workspace URL** and **Workspace resource ID**, on the task or in the settings file.',
    doc: {
      rule: '`https://` URL with a host, no path other than `/`, no query; trailing `/` removed. Exactly one of `workspaceUrl` / `workspaceResourceId` (from inputs or config file)',
    },
  },
  workspaceResourceId: {
    type: 'pickList',
    label: 'Workspace resource ID',
    group: 'connection',
    properties: { EditableOptions: 'True' },
    settings: { kind: 'text', description: 'Azure resource id of the workspace: /subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.Databricks/workspaces/<name>.' },
    rule: () => workspaceResourceIdRule(),
    help: 'The Azure resource ID of the workspace: `/subscriptions/<subscription-id>/resourceGroups/<resource-group>/providers/Microsoft.Databricks/workspaces/<name>`. The classic editor lists the workspaces the connection can see; you can also type an ID. The workspace URL is then looked up through Azure Resource Manager, and the Azure management token is sent with every call so that a service principal with Contributor or Owner on the workspace is admitted even before it was added as a workspace user. Give exactly one of **Workspace URL** and **Workspace resource ID**.',
    doc: {
      type: 'string (pickList, EditableOptions, filled from ARM)',
      rule: '`/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.Databricks/workspaces/<name>` (case-insensitive provider segment)',
    },
  },
  configFile: {
    type: 'filePath',
    label: 'Settings file',
    group: 'connection',
    help: 'Optional YAML settings file, e.g. `mlops/churn-model.yml`, with an `environments:` map (such as `dev`, `aut`, `prod`) whose blocks hold settings under the same names as the task inputs. Inputs set on the task override the file. Empty (the default): no settings file.',
    doc: { rule: 'optional; file must exist and be YAML (see CONFIG)' },
  },
  environment: {
    type: 'string',
    label: 'Environment',
    group: 'connection',
    help: "The block of the settings file's `environments:` map to use, e.g. `prod`. Required when the file defines more than one environment; with a single environment that one is used.",
    doc: { rule: 'required when the config file has more than one environment; must name one of them' },
  },
  dryRun: {
    type: 'boolean',
    label: 'Dry run (plan only)',
    group: 'connection',
    default: 'false',
    rule: () => booleanRule(),
    help: 'Plan mode for pull-request pipelines: the task reads the current state, prints the changes it would make (also in the run summary) and makes no write call. Default: off.',
    doc: { rule: 'plan mode: no write calls' },
  },
});

/** The last inputs of every task (group advanced). */
export const advancedInputs = defineInputs({
  retryBudgetSeconds: {
    type: 'string',
    label: 'Retry budget (seconds)',
    group: 'advanced',
    default: '300',
    settings: { kind: 'integer', description: 'Total seconds the client may spend retrying one call (10-3600, default 300).' },
    rule: () => integerRule(10, 3600),
    help: 'The total time the client may spend retrying one REST call after throttling (HTTP 429), a temporary service error (5xx) or a network failure; `Retry-After` is honoured. An integer from 10 to 3600, e.g. `600`. Default `300`.',
    doc: { note: 'added, group advanced', rule: 'integer 10–3600: total time the client may spend retrying one call' },
  },
});

export const commonInputDeclarations = { ...connectionInputs, ...advancedInputs };
