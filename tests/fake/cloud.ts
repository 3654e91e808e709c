/**
 * The whole fake cloud for task tests: FakeAzure (Entra ID, Azure DevOps OIDC, managed
 * identity, ARM) plus a fake Azure Databricks workspace, sharing one token authority and the
 * test certificates.
 *
 *   const cloud = await FakeCloud.start();
 *   cloud.registerWorkspace('/subscriptions/…/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/ws');
 *   const { env, connectionId } = cloud.connectionEnv('WorkloadIdentityFederation');
 *   … run a task with env and INPUT_AZURESUBSCRIPTION=connectionId …
 *   await cloud.close();
 */
import type { ArmWorkspace } from './arm';
import type { FakeAzureOptions } from './azure';
import { FakeAzure } from './azure';
import { testCertificates } from './certs';
import { FakeWorkspace } from './workspace';

import type { ConnectionEnv, ConnectionEnvOptions, ConnectionScheme } from './azure';

export type { ConnectionEnv, ConnectionEnvOptions, ConnectionScheme } from './azure';
export { endpointReaderFromEnv } from './azure';

export interface FakeCloudOptions extends FakeAzureOptions {
  /** Time scale of the workspace's state machines (DATABRICKS_MLOPS_TIME_SCALE of the task). */
  timeScale?: number;
}

export class FakeCloud extends FakeAzure {
  readonly workspace: FakeWorkspace;

  protected constructor(opts: FakeCloudOptions = {}) {
    super(opts);
    const tls = testCertificates();
    this.workspace = new FakeWorkspace({ authority: this.authority, tls: { cert: tls.certPem, key: tls.keyPem }, timeScale: opts.timeScale });
  }

  static override async start(opts?: FakeCloudOptions): Promise<FakeCloud> {
    const cloud = new FakeCloud(opts);
    await Promise.all([cloud.startServices(), cloud.workspace.start()]);
    return cloud;
  }

  /**
   * Makes ARM know the fake workspace under `resourceId` (workspaceUrl = its host:port), and the
   * workspace accept that id in X-Databricks-Azure-Workspace-Resource-Id.
   */
  registerWorkspace(resourceId: string, opts: Pick<ArmWorkspace, 'readers' | 'location' | 'workspaceId'> = {}): void {
    this.arm.registerWorkspace({ ...opts, resourceId, workspaceUrl: new URL(this.workspace.url).host });
    this.workspace.resourceId = resourceId;
  }

  /**
   * Everything a task test needs to reach the workspace: the agent env vars of a connection whose
   * principal is already a workspace user (unless `workspaceUser: false`), and the common inputs.
   */
  taskConnection(
    scheme: ConnectionScheme = 'WorkloadIdentityFederation',
    opts: ConnectionEnvOptions & { workspaceUser?: boolean; displayName?: string } = {},
  ): ConnectionEnv & { inputs: { azureSubscription: string; workspaceUrl: string } } {
    const conn = this.connectionEnv(scheme, opts);
    if (opts.workspaceUser !== false) this.workspace.users.add(conn.clientId, { displayName: opts.displayName ?? 'mlops-pipeline' });
    return { ...conn, inputs: { azureSubscription: conn.connectionId, workspaceUrl: this.workspace.url } };
  }

  override async close(): Promise<void> {
    await Promise.all([super.close(), this.workspace.close()]);
  }
}
