/** The fake Azure Databricks workspace and its building blocks. */
export { FakeWorkspace } from './workspace';
export type { FakeWorkspaceOptions, RecordedRequest, RouteModule, WorkspaceState } from './workspace';
export { ApiFailure, error, fail, jettyErrorPage, json, Query, raw } from './http';
export type { ErrorDetail, Handler, Reply, RequestContext, RouteOptions } from './http';
export { DATABRICKS_APP_ID, MANAGEMENT_TOKEN_HEADER, RESOURCE_ID_HEADER, WorkspaceUsers } from './auth';
export type { WorkspaceUser } from './auth';
export { FaultInjector, parseFaultRule } from './faults';
export type { FaultCounter, FaultHandle, FaultKind, FaultRule } from './faults';
export { UnityCatalogStore } from './routes/unityCatalog';
export type { ColumnSpec, TableSpec } from './routes/unityCatalog';
export { parseColumnType } from './routes/columnTypes';
export { FakeTokenAuthority } from './tokens';
export type { IssuedToken, TokenAudience } from './tokens';
export { testCertificates } from './certs';
