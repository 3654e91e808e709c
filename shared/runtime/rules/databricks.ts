/**
 * Input rules for Databricks names and places: serving endpoints, aliases, Unity Catalog names,
 * MLflow ids and keys, SQL warehouses, workspace URLs, resource ids and paths.
 */
import { scalar, type ValueRule } from './core';
import { patternRule } from './generic';
import { ruleText } from './messages';

export function endpointNameRule(): ValueRule<string> {
  return patternRule(/^[A-Za-z0-9_-]{1,63}$/, ruleText('EndpointName'));
}

const ALIAS = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const ALIAS_RULE = ruleText('AliasName');

function isAliasName(text: string): boolean {
  return text.length <= 255 && ALIAS.test(text) && text.toLowerCase() !== 'latest';
}

export function aliasRule(): ValueRule<string> {
  return scalar(ALIAS_RULE, (t) => (isAliasName(t) ? t : undefined));
}

/** A Unity Catalog identifier such as a catalog or schema name. */
export function identifierRule(): ValueRule<string> {
  return patternRule(/^[A-Za-z0-9_-]+$/, ruleText('Identifier'), 255);
}

/** Column names are plain identifiers: the tasks put them into SQL and monitor definitions. */
export function columnNameRule(): ValueRule<string> {
  return patternRule(/^[A-Za-z_][A-Za-z0-9_]*$/, ruleText('ColumnName'), 255);
}

export function warehouseIdRule(): ValueRule<string> {
  return patternRule(/^[A-Za-z0-9]+$/, ruleText('WarehouseId'));
}

export function metricKeyRule(): ValueRule<string> {
  return patternRule(/^[A-Za-z0-9_.\-/ ]+$/, ruleText('MetricKey'), 250);
}

export function runIdRule(): ValueRule<string> {
  return patternRule(/^[A-Za-z0-9_-]+$/, ruleText('RunId'));
}

const NAME_PART = /^(?:`([A-Za-z0-9_-]+)`|([A-Za-z0-9_-]+))$/;

/**
 * A Unity Catalog name of `parts` dot-separated parts; a part may be wrapped in backticks.
 * Returned without backticks, as the REST APIs take it.
 */
export function ucNameRule(parts: 2 | 3, shape: string): ValueRule<string> {
  return scalar(ruleText(parts === 2 ? 'TwoPartName' : 'ThreePartName', shape), (t) => {
    const split = t.split('.');
    if (split.length !== parts) return undefined;
    const clean: string[] = [];
    for (const part of split) {
      const m = NAME_PART.exec(part);
      if (!m) return undefined;
      clean.push(m[1] ?? m[2]);
    }
    return clean.join('.');
  });
}

/** `latest` or a positive integer version number. */
export function versionOrLatestRule(): ValueRule<number | 'latest'> {
  const version = (n: number) => (Number.isSafeInteger(n) && n >= 1 ? n : undefined);
  return scalar<number | 'latest'>(
    ruleText('VersionOrLatest'),
    (t) => {
      if (t.toLowerCase() === 'latest') return 'latest';
      return /^\d+$/.test(t) ? version(Number(t)) : undefined;
    },
    (v) => (typeof v === 'number' ? version(v) : undefined),
  );
}

/** A workspace URL: https, a host, nothing else. Returned as the origin (no trailing slash). */
export function workspaceUrlRule(): ValueRule<string> {
  return scalar(ruleText('WorkspaceUrl'), (t) => {
    let url: URL;
    try {
      url = new URL(t);
    } catch {
      return undefined;
    }
    const bare = !url.username && !url.password && (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash;
    // `new URL` drops an empty "?" or "#"; the text must not carry one either.
    return url.protocol === 'https:' && url.hostname !== '' && bare && !/[?#]/.test(t) ? url.origin : undefined;
  });
}

const RESOURCE_ID =
  /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resourceGroups\/[^/\s]+\/providers\/Microsoft\.Databricks\/workspaces\/[^/\s]+\/?$/i;

export function workspaceResourceIdRule(): ValueRule<string> {
  return scalar(ruleText('WorkspaceResourceId'), (t) => (RESOURCE_ID.test(t) ? t.replace(/\/$/, '') : undefined));
}

/** An absolute workspace path (assets directories). Returned without a trailing slash. */
export function workspacePathRule(): ValueRule<string> {
  return scalar(ruleText('WorkspacePath'), (t) => {
    const trimmed = t.replace(/\/+$/, '');
    const m = /^\/(?:Workspace|Users|Shared)(\/.+)$/.exec(trimmed);
    if (!m) return undefined;
    return m[1]
      .split('/')
      .slice(1)
      .every((s) => s !== '' && s !== '..')
      ? trimmed
      : undefined;
  });
}

/** A path inside an MLflow run's artifacts. */
export function artifactPathRule(): ValueRule<string> {
  return scalar(ruleText('ArtifactPath'), (t) => {
    if (t.startsWith('/')) return undefined;
    return t.split('/').every((s) => s !== '' && s !== '..') ? t : undefined;
  });
}
