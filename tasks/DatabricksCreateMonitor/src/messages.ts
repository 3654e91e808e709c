/**
 * The fixed messages DatabricksCreateMonitor prints (tasks/DatabricksCreateMonitor/messages.json, their one declaration),
 * localizable: see shared/runtime/messages.ts.
 */
import { messageCatalog } from '../../../shared/runtime/messages';
import MESSAGES from '../messages.json';

export const message = messageCatalog(MESSAGES);
