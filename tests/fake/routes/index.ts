/**
 * The route modules every fake workspace installs, one per API area. A new area adds its
 * module here.
 */
import type { RouteModule } from '../workspace';
import { identityRoutes } from './identity';
import { unityCatalogRoutes } from './unityCatalog';

export const routeModules: readonly RouteModule[] = [identityRoutes, unityCatalogRoutes];
