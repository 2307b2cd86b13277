/** Request bodies of the HTTP API that are not CLI specs (those come from strategy/spec.ts). */
import { z } from 'zod';
import { BUILTIN_NAME, DEFAULT_DATASET, isBuiltinDataset, listBuiltinDatasets } from '../data/datasets.js';
import { DEFICITS } from '../model/equilibrium.js';
import { MAX_TARIFF } from '../data/world.js';
import { isIsoDate } from '../schedule/measures.js';
import { LIBERATION_DAY_SCENARIOS } from '../replicate/liberation-day.js';

const BuiltinName = z.string().refine((s) => isBuiltinDataset(s), { message: `expected a built-in data set (${listBuiltinDatasets().join(', ')})` });
const DateString = z.string().refine(isIsoDate, 'expected a date YYYY-MM-DD');

export const CounterfactualBody = z
  .object({
    data: BuiltinName.default(DEFAULT_DATASET),
    /** Start from the tariffs in force on this date (data sets with measures). */
    at: DateString.optional(),
    deficits: z.enum(DEFICITS).default('fixed'),
    /** A named elasticity set of the data set (icio-2022: BSY, CP, FGO, GYY, IS, LL, Shap, U4). */
    elasticities: z.string().regex(/^[A-Za-z0-9_]{1,16}$/).optional(),
    /** Input-output data sets: the economies whose sector results to return (default: every economy). */
    sectors_of: z.array(z.string().min(1).max(24)).min(1).max(300).optional(),
    shock: z.array(
      z
        .object({ exporter: z.string().min(1).max(24), importer: z.string().min(1).max(24), sector: z.string().max(64).optional(), tariff: z.number().gt(-1).max(MAX_TARIFF).optional(), cost_factor: z.number().positive().max(1e6).optional() })
        .strict(),
    ),
  })
  .strict();

export const ScenarioRunBody = z
  .object({
    /** A built-in scenario name, or the scenario's YAML/JSON text. */
    scenario: z.string().regex(BUILTIN_NAME).optional(),
    text: z.string().optional(),
    branch: z.string().regex(BUILTIN_NAME).optional(),
    draws: z.number().int().min(0).optional(),
    /** Keep the result as a saved run (default true); the web page asks without, so page views are not runs. */
    save: z.boolean().optional(),
  })
  .strict();


/** The Liberation Day replication (as `parley replicate liberation-day`): scenarios and robustness parameters. */
export const LiberationDayBody = z
  .object({
    only: z.array(z.enum(LIBERATION_DAY_SCENARIOS)).min(1).optional(),
    eps: z.number().optional(),
    kappa: z.number().optional(),
    beta: z.number().optional(),
  })
  .strict();

/** A view of the page as a workbook: up to 10 tables of flat rows (the page's export). */
export const ExportBody = z
  .object({
    sheets: z
      .array(
        z
          .object({
            name: z.string().min(1).max(31).regex(/^[A-Za-z0-9 _-]+$/, 'letters, digits, spaces, _ and -'),
            rows: z.array(z.record(z.string().max(64), z.union([z.string().max(200), z.number(), z.boolean(), z.null()]))).max(20000),
          })
          .strict(),
      )
      .min(1)
      .max(10),
    currency: z.string().max(40).optional(),
  })
  .strict();

/** A sweep (as `parley sweep`): a strategy spec over a grid or a Latin hypercube of its scalars. */
export const SweepBody = z
  .object({
    kind: z.enum(['best-response', 'war', 'negotiate', 'coalitions']),
    /** The spec, validated by its kind's schema (distributions run at their centre). */
    spec: z.record(z.string(), z.unknown()),
    vary: z
      .array(
        z.union([
          z.object({ path: z.string().min(1).max(200), from: z.number(), to: z.number(), count: z.number().int().min(1).max(1000) }).strict(),
          z.object({ path: z.string().min(1).max(200), values: z.array(z.union([z.number(), z.string().max(64)])).min(1).max(1000) }).strict(),
        ]),
      )
      .min(1)
      .max(6),
    design: z.enum(['grid', 'lhs']).default('grid'),
    samples: z.number().int().min(1).optional(),
    seed: z.number().int().default(1),
    /** Result fields to report, as path prefixes (default: payoffs and welfare). */
    outputs: z.array(z.string().min(1).max(200)).max(50).optional(),
  })
  .strict();

/** Scenario text to check (the page's editor validates as you type). */
export const ScenarioCheckBody = z.object({ text: z.string() }).strict();
