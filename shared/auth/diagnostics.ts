/**
 * What to do about a 401/403 from Databricks: the answers name the rule that failed only
 * vaguely, so this turns (status, error code, message, the path called) into a hint a
 * pipeline author can act on. Pure: no I/O.
 */

export interface AuthFailureContext {
  /** URL path of the failed call, e.g. /api/2.1/unity-catalog/models/a.b.c/aliases/champion. */
  path: string;
  /** Whether the call carried X-Databricks-Azure-SP-Management-Token (workspaceResourceId given). */
  usedManagementHeaders: boolean;
  /** HTTP method, when known; alias changes are PUT/DELETE (or the MLflow alias POST/DELETE). */
  method?: string;
}

const NOT_A_WORKSPACE_USER =
  /not (?:a )?(?:member|part) of|not authorized to access (?:this )?workspace|user not authorized|unable to load oauth config|does not (?:belong|exist) in (?:the |this )?workspace|not found in (?:the |this )?workspace|is not a user/i;
const EXPIRED = /expired|token is not (?:yet )?valid|invalid (?:access )?token|invalid authentication/i;

export function explainAuthFailure(status: number, errorCode: string, message: string, context: AuthFailureContext): string | undefined {
  if (status !== 401 && status !== 403) return undefined;
  const text = `${errorCode} ${message}`;
  if (EXPIRED.test(text) && !NOT_A_WORKSPACE_USER.test(text)) {
    return "The Entra ID token was rejected as expired or invalid. Check that the agent clock is correct and that the service connection targets the workspace's tenant; the task refreshes its tokens before expiry, so a long pause of the agent process can also cause this.";
  }
  if (status === 401 || NOT_A_WORKSPACE_USER.test(text)) return notAWorkspaceUser(context.usedManagementHeaders);
  return missingPrivilege(context);
}

function notAWorkspaceUser(usedManagementHeaders: boolean): string {
  if (usedManagementHeaders) {
    return "The service connection's principal is not a user of this workspace and Databricks did not add it automatically: it needs the Contributor (or Owner) role on the workspace resource in Azure for that, or an admin can add it in the workspace settings (Settings > Identity and access > Service principals, with its application (client) id).";
  }
  return "The service connection's principal is probably not a user of this workspace. Add it in the workspace settings (Settings > Identity and access > Service principals, with its application (client) id), or set workspaceResourceId instead of workspaceUrl and give the principal Contributor on the workspace resource, so Databricks adds it on the first call.";
}

interface PrivilegeRule {
  matches(path: string, method: string | undefined): boolean;
  hint: string;
}

/** First match wins: the alias rule must come before the general model rule. */
const PRIVILEGE_RULES: readonly PrivilegeRule[] = [
  {
    matches: (path, method) => (/\/unity-catalog\/models\/[^/]+\/aliases\//.test(path) && method !== 'GET') || /\/mlflow\/registered-models\/alias$/.test(path),
    hint: "Setting or deleting a model alias requires ownership of the registered model (plus USE CATALOG and USE SCHEMA): make the service connection's principal (or a group it is in) the owner of the model.",
  },
  {
    matches: (path) => /\/unity-catalog\/models|\/mlflow\/unity-catalog\/|\/mlflow\/(?:registered-models|model-versions)/.test(path),
    hint: 'The principal lacks a Unity Catalog privilege on the model: it needs USE CATALOG on the catalog, USE SCHEMA on the schema, and CREATE MODEL on the schema (new model) or CREATE MODEL VERSION / ownership of the model (new version); reading needs EXECUTE.',
  },
  {
    matches: (path) => /\/serving-endpoints/.test(path),
    hint: 'The principal lacks a permission for Model Serving: it needs CAN MANAGE on the endpoint (or the right to create endpoints), EXECUTE on the served model, and for the inference table USE CATALOG, USE SCHEMA and CREATE TABLE on the inference schema.',
  },
  {
    matches: (path) => /\/monitor(?:s)?\b|\/data-quality\//.test(path),
    hint: 'The principal lacks a privilege for the monitor: it must own the monitored table (or have MANAGE on it) with USE CATALOG, USE SCHEMA and SELECT, and have USE SCHEMA and CREATE TABLE on the output schema.',
  },
  {
    matches: (path) => /\/sql\//.test(path),
    hint: 'The principal lacks a permission for Databricks SQL: it needs CAN USE on the SQL warehouse, and USE CATALOG, USE SCHEMA and SELECT on the tables the statement reads (CREATE TABLE to create a view).',
  },
  {
    matches: (path) => /\/mlflow\/|\/workspace\//.test(path),
    hint: 'The principal lacks a permission on the MLflow experiment or workspace object: it needs at least CAN READ on the experiment that holds the run.',
  },
];

function missingPrivilege(context: AuthFailureContext): string {
  const method = context.method?.toUpperCase();
  const rule = PRIVILEGE_RULES.find((r) => r.matches(context.path, method));
  return rule?.hint ?? `The service connection's principal lacks a permission for ${context.path}. Grant it the needed privilege, or run the step as a principal that has it.`;
}
