import assert from 'node:assert/strict';
import type { catalog } from '@databricks/sdk-experimental';
import { parseColumnType } from '../../fake/routes/columnTypes';
import type { Harness } from './harness';
import { SP, startHarness } from './harness';

const UC = '/api/2.1/unity-catalog';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('fake workspace: Unity Catalog', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());
  beforeEach(() => {
    h.ws.resetAll();
    h.ws.users.add(SP);
    h.ws.state.uc.addTable({
      fullName: 'Main.ML_Mon.Churn_Inference',
      columns: [
        { name: 'timestamp', type: 'timestamp', nullable: false },
        { name: 'model_id', type: 'string' },
        { name: 'prediction', type: 'INTEGER' },
        { name: 'amount', type: 'decimal(10,2)' },
        { name: 'window', type: 'struct<start:timestamp,end:timestamp>' },
      ],
    });
  });

  it('gets a table with a table_id UUID, typed columns and audit fields', async () => {
    const r = await h.call('GET', `${UC}/tables/main.ml_mon.churn_inference`);
    assert.equal(r.status, 200);
    const t = r.json<catalog.TableInfo>();
    assert.equal(t.name, 'churn_inference');
    assert.equal(t.catalog_name, 'main');
    assert.equal(t.schema_name, 'ml_mon');
    assert.equal(t.full_name, 'main.ml_mon.churn_inference');
    assert.equal(t.table_type, 'MANAGED');
    assert.equal(t.data_source_format, 'DELTA');
    assert.match(t.table_id!, UUID);
    assert.ok(typeof t.created_at === 'number' && t.owner && t.metastore_id);
    assert.deepEqual(
      t.columns!.map((c) => [c.name, c.type_name, c.type_text, c.position, c.nullable]),
      [
        ['timestamp', 'TIMESTAMP', 'timestamp', 0, false],
        ['model_id', 'STRING', 'string', 1, true],
        ['prediction', 'INT', 'int', 2, true],
        ['amount', 'DECIMAL', 'decimal(10,2)', 3, true],
        ['window', 'STRUCT', 'struct<start:timestamp,end:timestamp>', 4, true],
      ],
    );
    assert.deepEqual(JSON.parse(t.columns![2]!.type_json!), { name: 'prediction', type: 'integer', nullable: true, metadata: {} });
  });

  it('treats names case-insensitively', async () => {
    const a = (await h.call('GET', `${UC}/tables/MAIN.Ml_Mon.CHURN_INFERENCE`)).json<catalog.TableInfo>();
    assert.equal(a.full_name, 'main.ml_mon.churn_inference');
    assert.equal(a.table_id, h.ws.state.uc.getTable('main.ml_mon.churn_inference')!.table_id);
    assert.equal((await h.call('GET', `${UC}/schemas/MAIN.ML_MON`)).status, 200);
    assert.equal((await h.call('GET', `${UC}/catalogs/Main`)).status, 200);
  });

  it('gets schemas with a schema_id UUID and catalogs', async () => {
    const s = (await h.call('GET', `${UC}/schemas/main.ml_mon`)).json<catalog.SchemaInfo>();
    assert.deepEqual([s.name, s.catalog_name, s.full_name], ['ml_mon', 'main', 'main.ml_mon']);
    assert.match(s.schema_id!, UUID);
    const c = (await h.call('GET', `${UC}/catalogs/main`)).json<catalog.CatalogInfo>();
    assert.equal(c.name, 'main');
  });

  it('answers missing objects with 404 and UC error codes, checking parents first', async () => {
    const cases: Array<[string, string, string]> = [
      [`${UC}/tables/main.ml_mon.nope`, 'TABLE_DOES_NOT_EXIST', "Table 'main.ml_mon.nope' does not exist."],
      [`${UC}/tables/main.nope.t`, 'SCHEMA_DOES_NOT_EXIST', "Schema 'main.nope' does not exist."],
      [`${UC}/tables/nope.s.t`, 'CATALOG_DOES_NOT_EXIST', "Catalog 'nope' does not exist."],
      [`${UC}/schemas/main.nope`, 'SCHEMA_DOES_NOT_EXIST', "Schema 'main.nope' does not exist."],
      [`${UC}/catalogs/nope`, 'CATALOG_DOES_NOT_EXIST', "Catalog 'nope' does not exist."],
    ];
    for (const [path, code, message] of cases) {
      const r = await h.call('GET', path);
      assert.equal(r.status, 404, path);
      assert.equal(r.json().error_code, code, path);
      assert.equal(r.json().message, message, path);
    }
  });

  it('answers names with the wrong number of parts with 400 INVALID_PARAMETER_VALUE', async () => {
    for (const path of [`${UC}/tables/main.ml_mon`, `${UC}/tables/a.b.c.d`, `${UC}/tables/a..c`, `${UC}/schemas/main`]) {
      const r = await h.call('GET', path);
      assert.equal(r.status, 400, path);
      assert.equal(r.json().error_code, 'INVALID_PARAMETER_VALUE', path);
    }
  });

  describe('listing tables', () => {
    const names = ['e', 'a', 'd', 'b', 'c'];
    beforeEach(() => {
      for (const n of names) h.ws.state.uc.addTable({ fullName: `main.many.${n}`, columns: [{ name: 'x', type: 'double' }] });
      h.ws.state.uc.addSchema('main.empty');
    });
    const list = (query: string) => h.call('GET', `${UC}/tables?${query}`);

    it('pages with max_results and next_page_token until the token is absent', async () => {
      const seen: string[] = [];
      const pages: number[] = [];
      let token: string | undefined;
      do {
        const r = await list(`catalog_name=main&schema_name=many&max_results=2${token ? `&page_token=${encodeURIComponent(token)}` : ''}`);
        assert.equal(r.status, 200);
        const body = r.json<catalog.ListTablesResponse>();
        pages.push(body.tables!.length);
        seen.push(...body.tables!.map((t) => t.name!));
        token = body.next_page_token;
      } while (token);
      assert.deepEqual(pages, [2, 2, 1]);
      assert.deepEqual(seen, ['a', 'b', 'c', 'd', 'e']);
    });

    it('returns everything without max_results, the server page size for 0, and caps larger values', async () => {
      h.ws.state.uc.maxPageSize = 3;
      const all = (await list('catalog_name=main&schema_name=many')).json<catalog.ListTablesResponse>();
      assert.equal(all.tables!.length, 5);
      assert.equal(all.next_page_token, undefined);
      assert.equal((await list('catalog_name=main&schema_name=many&max_results=0')).json<catalog.ListTablesResponse>().tables!.length, 3);
      const capped = (await list('catalog_name=main&schema_name=many&max_results=100')).json<catalog.ListTablesResponse>();
      assert.equal(capped.tables!.length, 3);
      assert.ok(capped.next_page_token);
    });

    it('omits columns on request, and the array for an empty schema', async () => {
      const r = (await list('catalog_name=main&schema_name=many&omit_columns=true')).json<catalog.ListTablesResponse>();
      assert.ok(r.tables!.every((t) => t.columns === undefined && UUID.test(t.table_id!)));
      assert.deepEqual((await list('catalog_name=main&schema_name=empty')).json(), {});
    });

    it('refuses bad arguments', async () => {
      const cases: Array<[string, number, string]> = [
        ['catalog_name=main', 400, 'INVALID_PARAMETER_VALUE'],
        ['catalog_name=main&schema_name=many&max_results=-1', 400, 'INVALID_PARAMETER_VALUE'],
        ['catalog_name=main&schema_name=many&max_results=ten', 400, 'INVALID_PARAMETER_VALUE'],
        ['catalog_name=main&schema_name=many&page_token=garbage', 400, 'INVALID_PARAMETER_VALUE'],
        ['catalog_name=main&schema_name=nope', 404, 'SCHEMA_DOES_NOT_EXIST'],
      ];
      for (const [query, status, code] of cases) {
        const r = await list(query);
        assert.equal(r.status, status, query);
        assert.equal(r.json().error_code, code, query);
      }
      const first = (await list('catalog_name=main&schema_name=many&max_results=1')).json<catalog.ListTablesResponse>();
      h.ws.state.uc.addTable({ fullName: 'main.empty.z' });
      const foreign = await list(`catalog_name=main&schema_name=empty&page_token=${first.next_page_token}`);
      assert.equal(foreign.status, 400, "another schema's token");
    });
  });

  describe('seeding helpers', () => {
    it('refuse a second table of the same name unless replacing, which keeps the table_id', () => {
      const uc = h.ws.state.uc;
      const before = uc.getTable('main.ml_mon.churn_inference')!;
      assert.throws(() => uc.addTable({ fullName: 'MAIN.ml_mon.churn_inference' }), /already exists/);
      const after = uc.addTable({ fullName: 'main.ml_mon.churn_inference', tableType: 'VIEW', viewDefinition: 'SELECT 1' }, { replace: true });
      assert.equal(after.table_id, before.table_id);
      assert.equal(after.data_source_format, undefined);
      assert.equal(after.storage_location, undefined);
    });

    it('refuse malformed names and unknown column types', () => {
      assert.throws(() => h.ws.state.uc.addTable({ fullName: 'a.b' }), /3 dot-separated parts/);
      assert.throws(() => h.ws.state.uc.addTable({ fullName: 'a.b.c', columns: [{ name: 'x', type: 'strng' }] }), /unknown type 'strng'/);
    });
  });
});

describe('fake workspace: column types', () => {
  it('normalizes aliases and nested types', () => {
    assert.deepEqual(parseColumnType('LONG'), { typeName: 'LONG', typeText: 'bigint', spark: 'long' });
    assert.equal(parseColumnType('array< map<string, double> >').typeText, 'array<map<string,double>>');
    assert.deepEqual(parseColumnType('struct<statistic:double,pvalue:double>').spark, {
      type: 'struct',
      fields: [
        { name: 'statistic', type: 'double', nullable: true, metadata: {} },
        { name: 'pvalue', type: 'double', nullable: true, metadata: {} },
      ],
    });
    assert.equal(parseColumnType('struct<`odd name`: int>').typeText, 'struct<`odd name`:int>');
    assert.deepEqual(parseColumnType('decimal'), { typeName: 'DECIMAL', typeText: 'decimal(10,0)', spark: 'decimal(10,0)', precision: 10, scale: 0 });
  });

  it('refuses what is not a type', () => {
    for (const bad of ['', 'array<string', 'map<string>', 'decimal(40,2)', 'string extra', 'struct<a:>']) {
      assert.throws(() => parseColumnType(bad), /Invalid column type/, bad);
    }
  });
});
