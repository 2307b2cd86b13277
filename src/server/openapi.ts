/** The OpenAPI 3.1 description of the HTTP API, with request schemas generated from the validators. */
import { BUILTIN_NAME, DEFAULT_DATASET } from '../data/datasets.js';
import { z } from 'zod';
import { SPEC_SCHEMAS } from '../run/spec.js';
import { CounterfactualBody, ExportBody, LiberationDayBody, ScenarioCheckBody, ScenarioRunBody, SweepBody } from './schemas.js';

/** The server's limits as JSON Schema bounds: what a client may send is what the schema says, not 2^53. */
export interface SchemaLimits {
  draws: number;
  shockRows: number;
  scenarioChars: number;
}

/** Put the limits on every field they bound, wherever it sits in a generated schema. */
function bounded(node: unknown, limits: SchemaLimits): unknown {
  if (Array.isArray(node)) return node.map((n) => bounded(n, limits));
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = bounded(v, limits);
  const props = out.properties as Record<string, Record<string, unknown>> | undefined;
  if (props?.draws) props.draws = { ...props.draws, maximum: limits.draws };
  if (props?.shock) props.shock = { ...props.shock, maxItems: limits.shockRows };
  if (props?.text) props.text = { ...props.text, maxLength: limits.scenarioChars };
  return out;
}
const ok = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });
const errors = {
  '400': { description: 'invalid input: `{ error, field }`' },
  '404': { description: 'unknown resource' },
  '413': { description: 'over a size limit: `{ error, field }`' },
  '422': { description: 'did not converge, or ran past its time limit' },
  '429': { description: 'job queue full' },
};
const job = { '202': { description: 'a job: `{ job, status, poll }`; poll GET /api/jobs/{id}' } };

export function openApiDocument(limits: SchemaLimits): object {
  const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema: bounded(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', reused: 'ref' }), limits) } } });
  const strategy = Object.fromEntries(
    Object.entries(SPEC_SCHEMAS).map(([kind, schema]) => [
      `/api/strategy/${kind}`,
      { post: { summary: `${kind} (the spec of \`parley ${kind}\`)`, requestBody: json(schema), responses: { '200': ok('the result (best-response, negotiate without Monte Carlo)'), ...job, ...errors } } },
    ]),
  );
  return {
    openapi: '3.1.0',
    info: { title: 'Parley HTTP API', version: '0.1.0', description: 'Tariff wars and trade talks, computed. Every error is `{ error, field? }` with a 4xx status.' },
    paths: {
      '/health': { get: { summary: 'liveness', responses: { '200': ok('`{ status: "ok" }`') } } },
      '/openapi.json': { get: { summary: 'this document', responses: { '200': ok('OpenAPI 3.1') } } },
      '/api/datasets': { get: { summary: 'built-in data sets with totals and provenance', responses: { '200': ok('list') } } },
      '/api/datasets/{name}': { get: { summary: 'one data set', parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string', pattern: BUILTIN_NAME.source } }], responses: { '200': ok('summary, codes, hash'), ...errors } } },
      '/api/tariffs': {
        get: {
          summary: 'the tariff matrix in force on a date (as `parley tariffs --json`)',
          parameters: [
            { name: 'data', in: 'query', schema: { type: 'string', default: DEFAULT_DATASET } },
            { name: 'at', in: 'query', required: true, schema: { type: 'string', format: 'date' } },
            { name: 'as_known', in: 'query', schema: { type: 'boolean' } },
          ],
          responses: { '200': ok('`{ date, rates: [...] }`'), ...errors },
        },
      },
      '/api/counterfactual': { post: { summary: 'what a shock does to every economy (as `parley counterfactual --json`)', requestBody: json(CounterfactualBody), responses: { '200': ok('the counterfactual report'), ...errors } } },
      ...strategy,
      '/api/sweep': { post: { summary: 'a strategy spec over a grid or Latin hypercube of its scalars (as `parley sweep --json`); points bounded like Monte Carlo draws', requestBody: json(SweepBody), responses: { ...job, ...errors } } },
      '/api/replications/liberation-day': {
        get: { summary: "the Liberation Day paper's eight scenarios on its built-in data (as `parley replicate liberation-day --json`)", responses: { '200': ok('scenarios: economies x outcomes'), ...errors } },
        post: { summary: 'the same with a subset of scenarios or robustness parameters (eps, kappa, beta)', requestBody: json(LiberationDayBody), responses: { '200': ok('scenarios'), ...errors } },
      },
      '/api/export/xlsx': { post: { summary: 'tables (the page\'s view) as an Excel workbook, one sheet per table, units in the headers', requestBody: json(ExportBody), responses: { '200': { description: 'the .xlsx file' }, ...errors } } },
      '/api/scenarios/{name}/text': { get: { summary: 'a built-in scenario\'s YAML (the editor starts from it)', parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string', pattern: BUILTIN_NAME.source } }], responses: { '200': { description: 'YAML text' }, ...errors } } },
      '/api/scenarios/check': { post: { summary: 'check scenario text without running it: `{ ok, scenario, title, events, questions, branches }` or a 400 with the line and field', requestBody: json(ScenarioCheckBody), responses: { '200': ok('the summary'), ...errors } } },
      '/api/scenarios': { get: { summary: 'the built-in scenarios (name, title) and the default one', responses: { '200': ok('{ scenarios: [{ name, title }], default }') } } },
      '/api/scenarios/run': { post: { summary: 'run a scenario (built-in name or text) or one branch; the result is saved as a run', requestBody: json(ScenarioRunBody), responses: { ...job, ...errors } } },
      '/api/jobs/{id}': {
        get: { summary: 'a job: status, progress, then result or error', responses: { '200': ok('the job'), ...errors } },
        delete: { summary: 'cancel a job', responses: { '200': ok('the job, cancelled'), ...errors } },
      },
      '/api/runs': { get: { summary: 'saved runs, newest first', responses: { '200': ok('list') } } },
      '/api/runs/{id}': { get: { summary: 'a saved run with its result', responses: { '200': ok('the run'), ...errors } }, delete: { summary: 'delete a saved run', responses: { '200': ok('deleted'), ...errors } } },
      '/api/runs/{id}/rerun': { post: { summary: 're-run a saved run (same inputs, same seed, same result)', responses: { ...job, ...errors } } },
    },
  };
}
