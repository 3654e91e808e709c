/**
 * What the monitor APIs' error answers mean: the data quality v1 API is not available here, the
 * table has no monitor, or the table (schema, catalog) itself is missing.
 */
import { DatabricksApiError, isNotFound } from '../../client/errors';

/**
 * error_codes saying a feature or route is not there: the v1 availability probe and "no monitor"
 * (the codes are unconfirmed; Terraform treats any 404 as missing, `apierr.IsMissing` in
 * databricks/terraform-provider-databricks `catalog/resource_quality_monitor.go`).
 */
const UNAVAILABLE_CODES = new Set(['ENDPOINT_NOT_FOUND', 'FEATURE_DISABLED', 'FEATURE_NOT_ENABLED', 'NOT_IMPLEMENTED']);

/**
 * True when an error says the data quality v1 API is not available in this workspace (the
 * route is missing or switched off, as opposed to a missing monitor).
 */
export function isDataQualityUnavailable(e: unknown): boolean {
  if (!(e instanceof DatabricksApiError)) return false;
  return (
    UNAVAILABLE_CODES.has(e.errorCode) ||
    e.statusCode === 501 ||
    // "… is not enabled for this workspace" and the like (the exact answer is unconfirmed).
    (e.statusCode === 403 && /not (enabled|available)|preview/i.test(e.serviceMessage))
  );
}

/** A 404 that says the monitor (not the route, not the table) does not exist. */
export function isMissingMonitor(e: unknown): boolean {
  return e instanceof DatabricksApiError && isNotFound(e) && !isDataQualityUnavailable(e) && !UC_MISSING_CODES.has(e.errorCode);
}

/** A missing table, schema or catalog: not "no monitor". */
export const UC_MISSING_CODES = new Set(['TABLE_DOES_NOT_EXIST', 'SCHEMA_DOES_NOT_EXIST', 'CATALOG_DOES_NOT_EXIST']);
