/** Types of scripts/localize.mjs (task.loc.json and resources.resjson generated from task.json). */
export declare const RESJSON_PATH: string;
export declare function localize<T extends object>(taskJson: T): { resources: Record<string, string>; loc: T };
export declare function writeLocalization(taskFolder: string, taskJson: object): void;
export declare const SHARED_CATALOGS: readonly string[];
export declare function sharedMessages(repo?: string): Record<string, Record<string, string>>;
export declare function taskMessages(
  name: string,
  declared: Record<string, string> | undefined,
  shared?: Record<string, Record<string, string>>,
  repo?: string,
): Record<string, string>;
