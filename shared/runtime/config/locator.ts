/** Where a path of the settings file is: the file, the path as text, and its line. */
import type { ConfigLocation } from '../inputError';
import { formatPath, type Segment, type YamlDocument } from '../yamlDocument';

export class Locator {
  constructor(
    private readonly file: string,
    private readonly doc: YamlDocument,
  ) {}

  /** The file path and line of a value (or of its key); a missing one is placed at its parent. */
  locate(path: readonly Segment[], key = false): ConfigLocation {
    const location: ConfigLocation = { file: this.file, path: formatPath(path) };
    const line = this.doc.lineOf(path, { key, orParent: true });
    if (line !== undefined) location.line = line;
    return location;
  }
}
