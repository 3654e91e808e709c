/**
 * Input rules for Databricks names and places: serving endpoints, aliases, Unity Catalog names,
 * MLflow ids and keys, SQL warehouses, workspace URLs, resource ids and paths.
 */
import { scalar, type ValueRule } from './core';
import { patternRule } from './generic';

export function endpointNameRule(): ValueRule<string> {
  return patternRule(/^[A-Za-z0-9_-]{1,63}$/, 'must be 1 to 63 letters, digits, - or _');
}

const ALIAS = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const ALIAS_RULE = 'must be an alias name: a letter or _ then letters, digits, _ or -, at most 255 characters, not "latest"';

function isAliasName(text: string): boolean {
  return text.length <= 255 && ALIAS.test(text) && text.toLowerCase() !== 'latest';
}

export function aliasRule(): ValueRule<string> {
  return scalar(ALIAS_RULE, (t) => (isAliasName(t) ? t : undefined));
}

/** A Unity Catalog identifier such as a catalog or schema name. */
export function identifierRule(): ValueRule<string> {
  return patternRule(/^[A-Za-z0-9_-]+$/, 'must be an identifier of letters, digits, _ or -', 255);
}

/** Column names are plain identifiers: the tasks put them into SQL and monitor definitions. */
export function columnNameRule(): ValueRule<string> {
  return patternRule(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a column name: a letter or _ then letters, digits or _', 255);
}

export function warehouseIdRule(): ValueRule<string> {
  return patternRule(/^[A-Za-z0-9]+$/, 'must be a SQL warehouse id (letters and digits)');
}

export function metricKeyRule(): ValueRule<string> {
  return patternRule(/^[A-Za-z0-9_.\-/ ]+$/, 'must be an MLflow metric key of letters, digits, _ . - / or spaces, at most 250 characters', 250);
}

export function runIdRule(): ValueRule<string> {
  return patternRule(/^[A-Za-z0-9_-]+$/, 'must be an MLflow run id (letters, digits, _ or -)');
}

const NAME_PART = /^(?:`([A-Za-z0-9_-]+)`|([A-Za-z0-9_-]+))$/;

/**
 * A Unity Catalog name of `parts` dot-separated parts; a part may be wrapped in backticks.
 * Returned without backticks, as the REST APIs take it.
 */
export function ucNameRule(parts: 2 | 3, shape: string): ValueRule<string> {
  const count = parts === 2 ? 'a two-part' : 'a three-part';
  return scalar(`must be ${count} name ${shape}, each part letters, digits, _ or - (backticks allowed around a part)`, (t) => {
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
    'must be "latest" or a positive integer version',
    (t) => {
      if (t.toLowerCase() === 'latest') return 'latest';
      return /^\d+$/.test(t) ? version(Number(t)) : undefined;
    },
    (v) => (typeof v === 'number' ? version(v) : undefined),
  );
}

/** A workspace URL: https, a host, nothing else. Returned as the origin (no trailing slash). */
export function workspaceUrlRule(): ValueRule<string> {
  return scalar('must be an https:// URL with a host and no path, query or fragment, e.g. https://adb-1234567890123456.7.azuredatabricks.net', (t) => {
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
  return scalar('must be an Azure resource id /subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.Databricks/workspaces/<name>', (t) =>
    RESOURCE_ID.test(t) ? t.replace(/\/$/, '') : undefined,
  );
}

/** An absolute workspace path (assets directories). Returned without a trailing slash. */
export function workspacePathRule(): ValueRule<string> {
  return scalar('must be an absolute workspace path starting with /Workspace/, /Users/ or /Shared/, without empty or .. segments', (t) => {
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
  return scalar('must be a relative path inside the run (no leading /, no empty or .. segments)', (t) => {
    if (t.startsWith('/')) return undefined;
    return t.split('/').every((s) => s !== '' && s !== '..') ? t : undefined;
  });
}
