import assert from 'node:assert/strict';
import { parseErrorBody } from '../../../shared/client/parseErrorBody';
import { errorPolicy } from '../../../shared/client/policies/errorPolicy';
import { DatabricksApiError, isAlreadyExists, isNotFound, type RequestError } from '../../../shared/client/errors';
import { request, response } from './helpers';

describe('error parsing', () => {
  it('reads the Databricks error JSON with its request id', () => {
    const body = JSON.stringify({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: "Endpoint with name 'x' does not exist.",
      details: [{ '@type': 'type.googleapis.com/google.rpc.RequestInfo', request_id: 'req-1', serving_data: '' }],
    });
    const p = parseErrorBody(404, 'application/json', body);
    assert.equal(p.errorCode, 'RESOURCE_DOES_NOT_EXIST');
    assert.equal(p.message, "Endpoint with name 'x' does not exist.");
    assert.equal(p.requestId, 'req-1');
    assert.equal(p.details.length, 1);
  });
  it('derives the code from the status when error_code is absent', () => {
    assert.equal(parseErrorBody(404, 'application/json', '{"message":"Resource not found"}').errorCode, 'NOT_FOUND');
    assert.equal(parseErrorBody(503, null, '').errorCode, 'TEMPORARILY_UNAVAILABLE');
  });
  it('reads ARM errors', () => {
    const p = parseErrorBody(404, 'application/json', '{"error":{"code":"ResourceNotFound","message":"The Resource was not found."}}');
    assert.equal(p.errorCode, 'ResourceNotFound');
    assert.equal(p.message, 'The Resource was not found.');
  });
  it('reads an HTML gateway page', () => {
    const p = parseErrorBody(502, 'text/html', '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>');
    assert.equal(p.errorCode, 'BAD_GATEWAY');
    assert.equal(p.message, '502 Bad Gateway');
  });
  it('prefers <pre> in an HTML page', () => {
    const p = parseErrorBody(400, 'text/html', '<html><title>Error 400 io.jsonwebtoken.IncorrectClaimException</title><body><pre>Token audience is wrong</pre></body></html>');
    assert.equal(p.message, 'Token audience is wrong');
  });
  it('reads plain "ERROR_CODE: message"', () => {
    const p = parseErrorBody(403, 'text/plain', 'PERMISSION_DENIED: User does not have USE CATALOG on main');
    assert.equal(p.errorCode, 'PERMISSION_DENIED');
    assert.equal(p.message, 'User does not have USE CATALOG on main');
  });
  it('clips very long messages', () => {
    assert.ok(parseErrorBody(500, 'text/plain', 'x'.repeat(5000)).message.length < 600);
  });
});

describe('errorPolicy', () => {
  it('throws a DatabricksApiError whose request and response are not enumerable', async () => {
    const req = request('GET', '/api/2.0/serving-endpoints/x');
    req.headers.set('authorization', 'Bearer super-secret-token');
    const policy = errorPolicy();
    const error = await policy.sendRequest(req, async (r) => response(r, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'bad' })).catch((e: unknown) => e);
    assert.ok(error instanceof DatabricksApiError);
    assert.equal(error.statusCode, 400);
    assert.equal(error.errorCode, 'INVALID_PARAMETER_VALUE');
    assert.equal(error.path, '/api/2.0/serving-endpoints/x');
    assert.equal(Object.keys(error).includes('request'), false);
    assert.equal(Object.keys(error).includes('response'), false);
    assert.ok(!JSON.stringify(error).includes('super-secret-token'));
    assert.equal(error.request.headers.get('authorization'), 'Bearer super-secret-token');
  });
  it('parses JSON 2xx answers and rejects malformed ones as PARSE_ERROR', async () => {
    const policy = errorPolicy();
    const ok = await policy.sendRequest(request(), async (r) => response(r, 200, { a: 1 }));
    assert.deepEqual(ok.bodyJson, { a: 1 });
    await assert.rejects(
      policy.sendRequest(request(), async (r) => response(r, 200, '{"a":')),
      (e: RequestError) => e.code === 'PARSE_ERROR',
    );
  });
  it('classifies errors by error_code, not status (MLflow answers RESOURCE_ALREADY_EXISTS with 400)', async () => {
    const policy = errorPolicy();
    const e = await policy.sendRequest(request('POST'), async (r) => response(r, 400, { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'exists' })).catch((x: unknown) => x);
    assert.ok(isAlreadyExists(e));
    assert.ok(!isNotFound(e));
  });
});
