/**
 * The route modules every fake workspace installs, one per API area. A new area adds its
 * module here.
 */
import type { RouteModule } from '../workspace';
import { identityRoutes } from './identity';
import { unityCatalogRoutes } from './unityCatalog';
import { servingRoutes } from './serving';
import { sqlRoutes } from './sql';
import { monitorRoutes } from './monitors';
import { alertRoutes } from './alerts';
import { filesRoutes } from './files';
import { mlflowRoutes } from './mlflow';
import { ucModelRoutes } from './ucModels';
import { jobsRoutes } from './jobs';
import { workspaceFilesRoutes } from './workspaceFiles';

export const routeModules: readonly RouteModule[] = [
  identityRoutes,
  unityCatalogRoutes,
  sqlRoutes,
  monitorRoutes,
  alertRoutes,
  servingRoutes,
  filesRoutes,
  mlflowRoutes,
  ucModelRoutes,
  jobsRoutes,
  workspaceFilesRoutes,
];
