/**
 * The workspace pick list of every task (the ARM data source binding on workspaceResourceId):
 * the request URL it renders for connections whose URL has or lacks the trailing '/', the
 * nextLink paging templates of Microsoft's own azurerm data sources, and the filter that keeps
 * management-group connections (no subscription to list) out of the connection picker.
 *
 * Sources: the azurerm service endpoint type's data sources (e.g. AzureKubernetesClusters:
 * `{{{endpoint.url}}}subscriptions/…{{{#if nextQueryParam}}}&{{{nextQueryParam}}}{{{/if}}}` with
 * these callback templates, as GET _apis/serviceendpoint/types?type=azurerm returns them);
 * Tasks/AzureAppConfigurationExportV10/task.json (`{{{endpoint.url}}}/subscriptions/…`, which
 * works with and without the trailing '/'); DistributedTaskControls' default AzureRM
 * EndpointFilterRule "ScopeLevel != ManagementGroup".
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/repo';

const root = repoRoot();
const tasks = readdirSync(join(root, 'tasks'))
  .filter((t) => existsSync(join(root, 'tasks', t, 'task.json')))
  .map(
    (t) =>
      JSON.parse(readFileSync(join(root, 'tasks', t, 'task.json'), 'utf8')) as {
        name: string;
        inputs: Array<{ name: string; properties?: Record<string, string> }>;
        dataSourceBindings?: Array<Record<string, string>>;
      },
  );

/** The server's template subset the endpoint URL uses: {{{var}}} and {{{#if var}}}…{{{/if}}}. */
function render(template: string, values: Record<string, string>): string {
  return template
    .replace(/\{\{\{#if ([\w.]+)\}\}\}([\s\S]*?)\{\{\{\/if\}\}\}/g, (_, name: string, body: string) => (values[name] ? body : ''))
    .replace(/\{\{\{([\w.]+)\}\}\}/g, (_, name: string) => {
      if (!(name in values)) throw new Error(`unknown template variable ${name}`);
      return values[name];
    });
}

const SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

describe('workspace pick list (data source binding)', () => {
  const bindings = tasks.map((t) => ({ task: t.name, binding: (t.dataSourceBindings ?? []).find((b) => b.target === 'workspaceResourceId') }));

  it('is the same binding in every task', () => {
    for (const { task, binding } of bindings) assert.ok(binding, `${task}: no binding`);
    const [first, ...rest] = bindings.map((b) => JSON.stringify(b.binding));
    for (const other of rest) assert.equal(other, first);
  });

  for (const url of ['https://management.azure.com/', 'https://management.azure.com', 'https://management.usgovcloudapi.net/', 'https://management.local.azurestack.external']) {
    it(`lists the subscription's workspaces for a connection URL ${url}`, () => {
      const binding = bindings[0].binding!;
      const first = new URL(render(binding.endpointUrl, { 'endpoint.url': url, 'endpoint.subscriptionId': SUBSCRIPTION, nextQueryParam: '' }));
      assert.equal(first.host, new URL(url).host, "the host is the connection's, never glued to the path");
      // ARM accepts the '//' that a trailing '/' gives (AzureAppConfigurationExportV10 relies on it).
      assert.equal(first.pathname.replace(/\/{2,}/g, '/'), `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Databricks/workspaces`);
      assert.match(first.search, /^\?api-version=\d{4}-\d{2}-\d{2}$/);
      const next = new URL(render(binding.endpointUrl, { 'endpoint.url': url, 'endpoint.subscriptionId': SUBSCRIPTION, nextQueryParam: '%24skiptoken=abc' }));
      assert.equal(next.searchParams.get('$skiptoken'), 'abc', 'the next page carries the nextLink skip token');
      assert.ok(next.searchParams.get('api-version'));
    });
  }

  it('pages through nextLink with the templates of the azurerm data sources', () => {
    const binding = bindings[0].binding!;
    assert.equal(binding.resultSelector, 'jsonpath:$.value[*]');
    assert.equal(binding.initialContextTemplate, '{"nextQueryParam": ""}');
    assert.equal(binding.callbackRequiredTemplate, '{{isTokenPresent response.nextLink}}');
    assert.equal(
      binding.callbackContextTemplate,
      '{"nextQueryParam": "{{#getTokenValue response.nextLink}}{{extractUrlQueryParamKeyValue %24skiptoken,skipToken}}{{/getTokenValue}}"}',
    );
    assert.ok(JSON.parse(binding.initialContextTemplate) && JSON.parse(binding.callbackContextTemplate.replace(/\{\{[^}]*\}\}/g, '')));
  });

  it('is not offered for management-group connections (they have no subscription to list)', () => {
    for (const task of tasks) {
      const connection = task.inputs.find((i) => i.name === 'azureSubscription');
      assert.equal(connection?.properties?.EndpointFilterRule, 'ScopeLevel != ManagementGroup', task.name);
    }
  });
});
