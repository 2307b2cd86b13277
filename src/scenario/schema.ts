/**
 * The scenario format: a dated, sourced timeline of an episode (tariff
 * measures and diplomacy), the actors' objectives, the questions to compute
 * and the branches to compare. docs/scenario.md explains it;
 * docs/scenario.schema.json is generated from this schema (npm run schema).
 */
import { BUILTIN_NAME } from '../data/datasets.js';
import { z } from 'zod';
import { isIsoDate } from '../schedule/measures.js';
import { AUTHORITIES } from '../schedule/measures.js';
import { DEFICITS } from '../model/equilibrium.js';
import { ChoiceSchema, Uncertain } from '../strategy/uncertainty.js';

const Code = z.string().regex(/^[A-Za-z0-9_.-]{1,24}$/, 'expected an economy code');
const Id = z.string().regex(BUILTIN_NAME, 'expected an id: lower-case letters, digits and "-"');
const DateString = z.string().refine(isIsoDate, 'expected a date YYYY-MM-DD');
const Codes = z.union([z.literal('*'), z.array(Code).min(1)]);

/** Every event says where it comes from: a source (URL or citation) or a stated assumption with its reason. */
const Sourced = {
  id: Id,
  date: DateString,
  source: z.string().min(1).optional(),
  assumption: z.string().min(1).optional(),
  note: z.string().optional(),
};

const MeasureFields = {
  effective: DateString.optional(),
  until: DateString.optional(),
  importer: Code,
  exporters: Codes,
  except: z.array(Code).optional(),
  sectors: z.union([z.literal('*'), z.array(z.string().min(1)).min(1)]).optional(),
  authority: z.enum(AUTHORITIES),
  /** Additional rate (fraction) or a parameter name of the data set. */
  rate: z.union([z.number().min(0), z.string().min(1)]),
  share: z.union([z.number().min(0).max(1), z.string().min(1)]).optional(),
  /** The part of the named sectors' goods the measure is about (default 1), or a parameter name. */
  covers: z.union([z.number().min(0).max(1), z.string().min(1)]).optional(),
};

const TariffChange = z.object({ importer: Code, exporter: Code, sector: z.string().optional(), change: Uncertain }).strict();

export const EventSchema = z.discriminatedUnion('type', [
  z.object({ ...Sourced, type: z.literal('tariff'), ...MeasureFields }).strict(),
  z.object({ ...Sourced, type: z.literal('retaliate'), ...MeasureFields }).strict(),
  z.object({ ...Sourced, type: z.literal('pause'), ...MeasureFields }).strict(),
  z.object({ ...Sourced, type: z.literal('exempt'), ...MeasureFields, rate: z.number().min(0).default(0) }).strict(),
  z
    .object({
      ...Sourced,
      type: z.literal('negotiation-round'),
      parties: z.array(Code).min(2),
      agenda: z.array(z.string()).optional(),
      outcome: z.string().optional(),
    })
    .strict(),
  z
    .object({
      ...Sourced,
      type: z.enum(['envoy', 'letter']),
      from: Code,
      to: Code,
      via: z.string().optional(),
      delivered: z.enum(['yes', 'no', 'unknown']),
      /** What it changes: the probability that an outside option materialises (a number or a distribution). */
      effect: z.object({ option: Id, probability: Uncertain, why: z.string().min(1) }).strict(),
    })
    .strict(),
  z
    .object({
      ...Sourced,
      type: z.literal('consult'),
      parties: z.array(Code).min(2),
      /** The coordination it makes possible: these economies may negotiate with the counterpart as one bloc. */
      coalition: z.object({ id: Id, members: z.array(Code).min(2), counterpart: Code, why: z.string().min(1) }).strict().optional(),
    })
    .strict(),
  z
    .object({
      ...Sourced,
      type: z.literal('demand'),
      by: Code,
      of: Code,
      /** A linked issue put on the table: values per unit come from the actors. */
      issue: z
        .object({
          name: Id,
          unit: z.string().min(1),
          lower: Uncertain,
          upper: Uncertain,
          tariffs: z.array(TariffChange).optional(),
          retaliation: z.object({ by: Code, probability: Uncertain, why: z.string().min(1) }).strict().optional(),
          /** Per unit, the party asked (`of`) buys `value` more of the demander's goods in `sectors` (docs/scenario.md). */
          purchases: z.array(z.object({ sectors: z.array(z.string().min(1)).min(1), value: Uncertain }).strict()).optional(),
          /** Per unit, the party asked (`of`) pays the demander `value` a year: an investment pledge's transfer-equivalent. */
          transfer: z.object({ value: Uncertain }).strict().optional(),
        })
        .strict(),
    })
    .strict(),
  z.object({ ...Sourced, type: z.literal('statement'), by: Code, text: z.string().min(1) }).strict(),
]);
export type ScenarioEvent = z.infer<typeof EventSchema>;

/** An outside option an actor may have; envoy/letter events set its probability over time. */
const OptionSchema = z
  .object({
    id: Id,
    party: Code,
    /** Probability before any event changes it. */
    probability: Uncertain,
    tariffs: z.array(TariffChange).min(1),
    why: z.string().min(1),
  })
  .strict();

const ActorSchema = z
  .object({
    objective: z
      .object({ welfare: Uncertain.default(1), revenue: Uncertain.default(0), balances: z.record(Code, Uncertain).default({}), incomes: z.record(z.string().min(1), Uncertain).optional() })
      .strict()
      .default({ welfare: 1, revenue: 0, balances: {} }),
    /**
     * The id of a calibrate question for this actor: the weights it estimates (each normal over its band,
     * run/calibrate.ts calibratedObjective) replace `objective` in every other question of the timeline. `objective`
     * stays the stated assumption (a branch can return to it with `objective_from: null`).
     */
    objective_from: Id.optional(),
    /** Discount rate per year: lower = more patient. */
    patience: Uncertain.optional(),
    /** Value per unit of each linked issue, in welfare percentage points. */
    values: z.record(Id, Uncertain).default({}),
    why: z.string().min(1),
  })
  .strict();

const QuestionBase = { id: Id, title: z.string().optional(), at: DateString };
/** Monte Carlo draws; by default on the main line only (branches at central values), `on: all` for every branch. */
const MonteCarlo = z.object({ draws: z.number().int().min(1).max(100000), on: z.enum(['main', 'all']).default('main') }).strict().optional();

export const QuestionSchema = z.discriminatedUnion('type', [
  z.object({ ...QuestionBase, type: z.literal('tariffs'), pairs: z.array(z.tuple([Code, Code])).optional() }).strict(),
  z.object({ ...QuestionBase, type: z.literal('counterfactual'), against: DateString.optional() }).strict(),
  z.object({ ...QuestionBase, type: z.literal('best-response'), player: Code, instrument: z.enum(['uniform', 'partner']).default('partner') }).strict(),
  z.object({ ...QuestionBase, type: z.literal('war'), players: z.array(Code).min(2), instrument: z.enum(['uniform', 'partner']).default('partner') }).strict(),
  z
    .object({
      ...QuestionBase,
      type: z.literal('negotiate'),
      parties: z.array(Code).length(2),
      /** status-quo, the tariffs on a date, or a deadline date (the status quo until then, the date's tariffs after). */
      disagreement: z.union([z.literal('status-quo'), z.object({ at: DateString }).strict(), z.object({ deadline: DateString }).strict()]).default('status-quo'),
      /** Levers to value: outside-option ids, issue names, patience:PARTY, coalition ids. */
      levers: z.array(z.string().min(1)).default([]),
      frontier: z.number().int().min(0).max(101).default(11),
      /** Tariff variables: one rate per pair (default) or one per pair and goods sector. */
      instrument: z.enum(['partner', 'partner-sector']).optional(),
      /** With instrument partner: goods sectors bargained apart (e.g. [AUTOS]), the other goods sharing one rate per pair. */
      separate: z.array(z.string().min(1)).optional(),
      monte_carlo: MonteCarlo,
      /** Where the levers, the frontier and the patience sweep are computed: every branch (default), or the main line only (branches then give the deal). */
      details_on: z.enum(['main', 'all']).default('all'),
    })
    .strict(),
  z.object({ ...QuestionBase, type: z.literal('coalitions'), coalition: Id }).strict(),
  /** A government's objective weights read from the tariffs it had announced by `at` (parley calibrate). */
  z
    .object({
      ...QuestionBase,
      type: z.literal('calibrate'),
      player: Code,
      /** revenue, balances, balance:CODE, income:SECTOR (docs/strategy.md). */
      weights: z.array(z.string().min(1)).min(1),
      instrument: z.enum(['uniform', 'partner', 'sector', 'partner-sector']).default('partner'),
      targets: z.array(Code).optional(),
      /** distance (default): fit the implied tariffs; conditions: the first-order conditions alone (one gradient pass). */
      method: z.enum(['distance', 'conditions']).default('distance'),
    })
    .strict(),
]);
export type Question = z.infer<typeof QuestionSchema>;

const BranchSchema = z
  .object({
    name: Id,
    title: z.string().min(1),
    why: z.string().min(1),
    /** Events (by id) this branch removes. */
    remove: z.array(Id).default([]),
    /** Events it adds (or, with an existing id, replaces). */
    add: z.array(EventSchema).default([]),
    /** Actors' fields it overrides (e.g. patience); fields not named keep the main line's values. */
    actors: z
      .record(
        Code,
        z
          .object({
            objective: z.object({ welfare: Uncertain.optional(), revenue: Uncertain.optional(), balances: z.record(Code, Uncertain).optional() }).strict().optional(),
            /** A calibrate question's id, or null for the stated `objective`. */
            objective_from: z.union([Id, z.null()]).optional(),
            patience: Uncertain.optional(),
            values: z.record(Id, Uncertain).optional(),
            why: z.string().optional(),
          })
          .strict(),
      )
      .default({}),
  })
  .strict();
export type Branch = z.infer<typeof BranchSchema>;

export const ScenarioSchema = z
  .object({
    scenario: Id,
    title: z.string().min(1),
    description: z.string().optional(),
    /** A data set name or manifest path; its content hash goes into every result. */
    data: z.string().min(1),
    /** The date whose tariffs are the starting point (before the episode's measures). */
    baseline: DateString,
    /**
     * The day the scenario is written from: no event, main line or branch, may be dated after it, and the data set's
     * dated parameters are taken as known that day (parameters.csv `date`).
     */
    as_of: DateString.optional(),
    /**
     * Data-set parameters with a stated range (parameters.csv `low`, `high`) that Monte Carlo draws from: a triangular
     * distribution over the range peaked at the value, so central answers keep the value.
     */
    draw_parameters: z.array(z.string().min(1)).optional(),
    seed: z.number().int(),
    deficits: z.enum(DEFICITS).default('balanced'),
    /**
     * The data set's named elasticity set, or a choice among them (`{ dist: choice, values: [FGO, CP, ...] }`): every
     * question computes with the first (list the data set's default first), Monte Carlo draws pick one each.
     */
    elasticity_set: z.union([z.string().min(1), ChoiceSchema]).optional(),
    /**
     * What the report and the page lead with: the economies whose welfare they show, the reference economy of tariff
     * tables ("its tariff on X"; a tariffs question without pairs lists X against everyone) and, on a data set in
     * sectors, the sectors whose output and prices the report shows for the focus economies.
     */
    focus: z.object({ economies: z.array(Code).min(1), reference: Code, sectors: z.array(z.string().min(1)).optional() }).strict(),
    actors: z.record(Code, ActorSchema),
    options: z.array(OptionSchema).default([]),
    events: z.array(EventSchema).min(1),
    questions: z.array(QuestionSchema).min(1),
    branches: z.array(BranchSchema).default([]),
  })
  .strict();
export type Scenario = z.infer<typeof ScenarioSchema>;
