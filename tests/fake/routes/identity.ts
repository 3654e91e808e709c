/**
 * SCIM identity: `GET /api/2.0/preview/scim/v2/Me`, which the tasks call as a credentials
 * preflight. For a service principal `userName` is its application id (the token subject).
 */
import type { RequestContext } from '../http';
import { fail, json } from '../http';
import type { FakeWorkspace, RouteModule } from '../workspace';

function me(ctx: RequestContext) {
  // Authentication admitted the subject, so it is a user unless a handler removed it meanwhile.
  const user = ctx.workspace.users.get(ctx.subject) ?? fail(404, 'RESOURCE_DOES_NOT_EXIST', `User ${ctx.subject} does not exist.`);
  return json(200, {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:workspace:2.0:User'],
    id: user.id,
    userName: user.userName,
    displayName: user.displayName,
    active: user.active,
    emails: [],
    groups: [],
    entitlements: [],
  });
}

export const identityRoutes: RouteModule = {
  name: 'identity',
  install(workspace: FakeWorkspace): void {
    workspace.route('GET', '/api/2.0/preview/scim/v2/Me', me);
  },
};
