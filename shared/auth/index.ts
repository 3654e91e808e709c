/** AzureRM service connection → Entra ID tokens and the workspace to call. */
export * from './authority';
export { explainAuthFailure } from './diagnostics';
export type { AuthFailureContext } from './diagnostics';
export { OIDC_API_VERSION, OidcTokenError, createOidcTokenFetcher } from './oidc';
export type { OidcDeps, OidcRequestContext, OidcTokenFetcher } from './oidc';
export { ConnectionError, readAzureRmConnection } from './serviceConnection';
export type {
  AzureRmConnection,
  AzureRmScheme,
  EndpointReader,
  ManagedIdentityConnection,
  ServicePrincipalCertificateConnection,
  ServicePrincipalSecretConnection,
  WorkloadIdentityConnection,
} from './serviceConnection';
export { REFRESH_MARGIN_MS, TokenAcquisitionError, createTokenSources } from './tokenSources';
export type { AccessTokenValue, TokenSource, TokenSourceDeps, TokenSources } from './tokenSources';
export { ARM_WORKSPACE_API_VERSION, WorkspaceResolutionError, managementHeaders, resolveWorkspace } from './workspace';
export type { ResolveWorkspaceDeps, ResolvedWorkspace } from './workspace';
