/**
 * The settings-file keys that DatabricksCreateMonitor and DatabricksRefreshMonitors both read,
 * declared once: each task's input manifest gives one of them as its input's `settings`, so the
 * key's kind and description cannot drift apart (the build fails when two manifests declare one
 * key differently).
 */
import type { SettingsDeclaration } from '../runtime/inputManifest';

/** monitoring.warehouseId (input warehouseId of both tasks). */
export const WAREHOUSE_SETTING = {
  section: 'monitoring',
  kind: 'text',
  description: 'SQL warehouse for the dashboard, the view, the alerts and the drift gate.',
} as const satisfies SettingsDeclaration;

/** monitoring.monitorApi (input monitorApi of both tasks; the values are the pick list's). */
export const MONITOR_API_SETTING = { section: 'monitoring', kind: 'text', description: 'auto (default), dataQuality or legacy.' } as const satisfies SettingsDeclaration;
