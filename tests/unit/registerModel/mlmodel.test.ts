import * as assert from 'node:assert/strict';
import { modelVersionDependencies, parseMlModel, refuseFeatureStoreModel } from '../../../tasks/DatabricksRegisterModel/src/artifacts';

const parse = (text: string) => parseMlModel(text, 'MLmodel');

describe('RegisterModel: MLmodel dependencies and checks (as MLflow computes them)', () => {
  it("without resources, falls back to the langchain flavor's databricks_dependency keys", () => {
    const mlmodel = parse(
      [
        'flavors:',
        '  langchain:',
        '    databricks_dependency:',
        '      databricks_vector_search_index_name: [main.rag.idx]',
        '      databricks_embeddings_endpoint_name: [databricks-bge-large-en]',
        '      databricks_llm_endpoint_name: [llm-ep]',
        '      databricks_chat_endpoint_name: [chat-ep]',
      ].join('\n'),
    );
    assert.deepEqual(modelVersionDependencies(mlmodel), [
      { type: 'DATABRICKS_VECTOR_INDEX', name: 'main.rag.idx' },
      { type: 'DATABRICKS_MODEL_ENDPOINT', name: 'databricks-bge-large-en' },
      { type: 'DATABRICKS_MODEL_ENDPOINT', name: 'llm-ep' },
      { type: 'DATABRICKS_MODEL_ENDPOINT', name: 'chat-ep' },
    ]);
  });

  it('resources present (even empty): no langchain fallback', () => {
    const mlmodel = parse(
      ['resources:', '  api_version: "1"', 'flavors:', '  langchain:', '    databricks_dependency:', '      databricks_llm_endpoint_name: [llm-ep]'].join('\n'),
    );
    assert.deepEqual(modelVersionDependencies(mlmodel), []);
  });

  it('a plain sklearn model has no dependencies', () => {
    assert.deepEqual(modelVersionDependencies(parse('flavors:\n  sklearn: {}\n')), []);
  });

  it('refuses the Feature Store loader only', () => {
    assert.throws(
      () => refuseFeatureStoreModel(parse('flavors:\n  python_function:\n    loader_module: databricks.feature_store.mlflow_model\n'), 'x'),
      /packaged by Databricks Feature Store/,
    );
    refuseFeatureStoreModel(parse('flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n'), 'x');
  });
});
