/** Every task's input manifest, for the tests of what the build generates from them. */
import type { TaskInputManifest } from '../../../shared/runtime/inputManifest';
import { INPUTS as CREATE_MONITOR } from '../../../tasks/DatabricksCreateMonitor/src/inputs';
import { INPUTS as DEPLOY_SERVING } from '../../../tasks/DatabricksDeployServing/src/inputs';
import { INPUTS as REFRESH_MONITORS } from '../../../tasks/DatabricksRefreshMonitors/src/inputs';
import { INPUTS as REGISTER_MODEL } from '../../../tasks/DatabricksRegisterModel/src/inputs';
import { INPUTS as RUN_JOB } from '../../../tasks/DatabricksRunJob/src/inputs';

export { CREATE_MONITOR, DEPLOY_SERVING, REFRESH_MONITORS, REGISTER_MODEL, RUN_JOB };

export const MANIFESTS: readonly TaskInputManifest[] = [REGISTER_MODEL, DEPLOY_SERVING, CREATE_MONITOR, REFRESH_MONITORS, RUN_JOB];
