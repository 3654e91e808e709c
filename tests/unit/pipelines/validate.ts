/**
 * Validates pipeline YAML offline with azure-pipelines-language-service 0.9.2, the validator of
 * the Azure Pipelines VS Code extension, against a schema object held in memory.
 *
 * Three things about that package (read from its published 0.9.2 and microsoft/azure-pipelines-vscode)
 * shape this module:
 * its schema request service must resolve to the parsed schema object (not text); the schema
 * is chosen by a custom schema provider returning its URI; and it prints console.log debug
 * lines (getSchemaForResource, loadSchema) while validating, which are silenced here.
 */
import { parse } from 'azure-pipelines-language-service';
import type { JSONSchema } from 'azure-pipelines-language-service';
import { JSONSchemaService } from 'azure-pipelines-language-service/lib/services/jsonSchemaService';
import { YAMLValidation } from 'azure-pipelines-language-service/lib/services/yamlValidation';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { SchemaNode } from '../../helpers/pipelineSchema';

export interface PipelineDiagnostic {
  /** 1-based line of the problem. */
  line: number;
  message: string;
}

const SCHEMA_URI = 'file:///databricks-mlops/azure-pipelines.schema.json';

export class PipelineValidator {
  private readonly validation: YAMLValidation;

  constructor(schema: SchemaNode) {
    const requestSchema = (uri: string): Promise<JSONSchema> =>
      uri === SCHEMA_URI ? Promise.resolve(schema as JSONSchema) : Promise.reject(new Error(`no schema at ${uri} (offline)`));
    const service = new JSONSchemaService(requestSchema, undefined, () => Promise.resolve(SCHEMA_URI));
    // The package declares its own PromiseConstructor interface, which the global one satisfies.
    this.validation = new YAMLValidation(service, Promise as unknown as ConstructorParameters<typeof YAMLValidation>[1]);
  }

  async validate(text: string, fileName = 'azure-pipelines.yml'): Promise<PipelineDiagnostic[]> {
    const document = TextDocument.create(`file:///${fileName}`, 'yaml', 1, text);
    // The package types the document as vscode-languageserver-types' TextDocument, which the
    // textdocument package's implementation satisfies at run time (same interface).
    const diagnostics = await quietly(() => this.validation.doValidation(document as unknown as Parameters<YAMLValidation['doValidation']>[0], parse(text)));
    return diagnostics
      .map((d) => ({ line: d.range.start.line + 1, message: typeof d.message === 'string' ? d.message : d.message.value, text: document.getText(d.range) }))
      .filter((d) => !patternHoldsOnceExpanded(d.message, d.text))
      .map(({ line, message }) => ({ line, message }));
  }
}

/**
 * Template expressions (`${{ env.name }}`) are replaced when the run is compiled, before names
 * are checked; the package tolerates them where a type is expected but not in a pattern (a job
 * name `refresh_${{ env.name }}`). Such a diagnostic is dropped only when the value, with every
 * expression replaced by a letter, matches the pattern the message names: a literal that breaks
 * the pattern is still reported.
 */
export function patternHoldsOnceExpanded(message: string, text: string): boolean {
  const pattern = /^String does not match the pattern of "(.*)"\.$/.exec(message)?.[1];
  if (pattern === undefined || !text.includes('${{')) return false;
  const value = text.replace(/^['"]|['"]$/g, '').replace(/\$\{\{[^}]*\}\}/g, 'x');
  return new RegExp(pattern).test(value);
}

/** Runs `work` with console.log muted: the published package leaves debug prints in. */
async function quietly<T>(work: () => PromiseLike<T>): Promise<T> {
  const log = console.log;
  console.log = () => undefined;
  try {
    return await work();
  } finally {
    console.log = log;
  }
}

export function formatDiagnostics(file: string, diagnostics: readonly PipelineDiagnostic[]): string {
  return diagnostics.map((d) => `${file}:${d.line}: ${d.message}`).join('\n');
}
