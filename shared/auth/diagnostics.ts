/**
 * What to do about a 401/403 from Databricks: the answers name the rule that failed only
 * vaguely, so this turns (status, error code, message, the path called) into a hint a
 * pipeline author can act on (localizable: shared/runtime/messages.json). No network access.
 */
import { message } from '../runtime/messages';

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

export function explainAuthFailure(status: number, errorCode: string, serviceMessage: string, context: AuthFailureContext): string | undefined {
  if (status !== 401 && status !== 403) return undefined;
  const text = `${errorCode} ${serviceMessage}`;
  if (EXPIRED.test(text) && !NOT_A_WORKSPACE_USER.test(text)) {
    return message('AuthHintTokenExpired');
  }
  if (status === 401 || NOT_A_WORKSPACE_USER.test(text)) return notAWorkspaceUser(context.usedManagementHeaders);
  return missingPrivilege(context);
}

function notAWorkspaceUser(usedManagementHeaders: boolean): string {
  if (usedManagementHeaders) {
    return message('AuthHintNotAddedToWorkspace');
  }
  return message('AuthHintNotAWorkspaceUser');
}

interface PrivilegeRule {
  matches(path: string, method: string | undefined): boolean;
  /** The hint, looked up when it is given (a localizable message: not at module load). */
  hint(): string;
}

/** First match wins: the alias rule must come before the general model rule. */
const PRIVILEGE_RULES: readonly PrivilegeRule[] = [
  {
    matches: (path, method) => (/\/unity-catalog\/models\/[^/]+\/aliases\//.test(path) && method !== 'GET') || /\/mlflow\/registered-models\/alias$/.test(path),
    hint: () => message('AuthHintModelAlias'),
  },
  {
    matches: (path) => /\/unity-catalog\/models|\/mlflow\/unity-catalog\/|\/mlflow\/(?:registered-models|model-versions)/.test(path),
    hint: () => message('AuthHintModelPrivilege'),
  },
  {
    matches: (path) => /\/serving-endpoints/.test(path),
    hint: () => message('AuthHintServingPermission'),
  },
  {
    matches: (path) => /\/monitor(?:s)?\b|\/data-quality\//.test(path),
    hint: () => message('AuthHintMonitorPrivilege'),
  },
  {
    matches: (path) => /\/sql\//.test(path),
    hint: () => message('AuthHintSqlPermission'),
  },
  {
    matches: (path) => /\/mlflow\/|\/workspace\//.test(path),
    hint: () => message('AuthHintExperimentPermission'),
  },
];

function missingPrivilege(context: AuthFailureContext): string {
  const method = context.method?.toUpperCase();
  const rule = PRIVILEGE_RULES.find((r) => r.matches(context.path, method));
  return rule ? rule.hint() : message('AuthHintMissingPermission', context.path);
}
