/**
 * Strategy specs: the small YAML/JSON files (or their flag equivalents) that
 * say what to compute (a best response, a trade war, a negotiation, a
 * coalition analysis), on which data and from which date. Numbers that are
 * uncertain may be distributions (strategy/uncertainty.ts). The schemas only:
 * context.ts opens the data, runners.ts turns a resolved spec into a result.
 */
import { z } from 'zod';
import { readYamlWith } from '../data/yaml.js';
import { DEFICITS } from '../model/deficits.js';
import { ACTIONS, AUTHORITIES, isIsoDate } from '../schedule/measures.js';
import { ChoiceSchema, Uncertain } from '../strategy/uncertainty.js';

const Code = z.string().regex(/^[A-Za-z0-9_.-]{1,24}$/, 'expected an economy code');
const DateString = z.string().refine(isIsoDate, 'expected a date YYYY-MM-DD');
const Weight = Uncertain;
const Probability = z.union([z.number().min(0).max(1), Uncertain]);

const ObjectiveSpec = z
  .object({
    welfare: Weight.default(1),
    revenue: Weight.default(0),
    /** Partner -> weight on the change in the bilateral balance (% of GDP). */
    balances: z.record(Code, Weight).default({}),
    /** Sector -> weight on the change in its real value added (% of GDP; input-output worlds). */
    incomes: z.record(z.string().min(1), Weight).optional(),
  })
  .strict();

const TariffChangeSpec = z.object({ importer: Code, exporter: Code, sector: z.string().optional(), change: Uncertain }).strict();

/** Per unit of the issue, the buyer buys `value` (the data's currency, a year) more of the seller's goods in `sectors`. */
const PurchaseSpec = z.object({ buyer: Code, seller: Code, sectors: z.array(z.string().min(1)).min(1), value: Uncertain }).strict();

const IssueSpec = z
  .object({
    name: z.string().min(1),
    why: z.string().optional(),
    lower: Uncertain,
    upper: Uncertain,
    start: Uncertain.optional(),
    values: z.record(Code, Uncertain),
    tariffs: z.array(TariffChangeSpec).optional(),
    retaliation: z.object({ by: Code, probability: Probability }).strict().optional(),
    purchases: z.array(PurchaseSpec).optional(),
    /** An investment pledge's transfer-equivalent per unit: `from` pays `to` `value` a year (the data's currency). */
    transfers: z.array(z.object({ from: Code, to: Code, value: Uncertain }).strict()).optional(),
  })
  .strict();

const OutsideOptionSpec = z
  .object({ name: z.string().min(1), why: z.string().optional(), party: Code, probability: Probability, tariffs: z.array(TariffChangeSpec).min(1) })
  .strict();

const Instrument = z.enum(['uniform', 'partner', 'sector', 'partner-sector']);

const MeasureSpec = z
  .object({
    id: z.string().min(1),
    announced: DateString,
    effective: DateString,
    until: DateString.optional(),
    importer: Code,
    exporters: z.union([z.literal('*'), z.array(Code)]),
    except: z.array(Code),
    sectors: z.union([z.literal('*'), z.array(z.string())]),
    authority: z.enum(AUTHORITIES),
    action: z.enum(ACTIONS),
    rate: z.number().min(0),
    share: z.number().min(0).max(1),
    covers: z.number().min(0).max(1).default(1),
    rateParam: z.string().optional(),
    shareParam: z.string().optional(),
    coversParam: z.string().optional(),
    note: z.string().optional(),
  })
  .strict();

const CoalitionSpec = z.object({ id: z.string().min(1), members: z.array(Code).min(2), counterpart: Code }).strict();

const Common = {
  /** Built-in data set name or manifest path (the --data flag overrides it). */
  data: z.string().optional(),
  /** Status quo: the tariffs in force on this date (data sets with measures); default the baseline tariffs. */
  at: DateString.optional(),
  deficits: z.enum(DEFICITS).optional(),
  /** Trade elasticity for every sector, replacing the data set's. */
  eps: Uncertain.optional(),
  /** One of the data set's published elasticity sets by name (e.g. CP), or a choice among them that Monte Carlo draws from. */
  elasticity_set: z.union([z.string().min(1), ChoiceSchema]).optional(),
  objectives: z.record(Code, ObjectiveSpec).optional(),
  lower: z.number().optional(),
  upper: z.number().optional(),
  monte_carlo: z.object({ draws: z.number().int().min(1).max(100000), seed: z.number().int().default(1) }).strict().optional(),
  /** Dated measures replacing the data set's (a scenario branch passes its own timeline this way). */
  measures: z.array(MeasureSpec).optional(),
  /** Values of the data set's parameters replacing its own in every measure naming one; Monte Carlo draws any given as a distribution. */
  parameters: z.record(z.string().min(1), Uncertain).optional(),
};

const NegotiationFields = {
  ...Common,
  instrument: z.enum(['partner', 'partner-sector']).optional(),
  /** With instrument partner: goods sectors bargained apart (e.g. [AUTOS]); the other goods share one rate per pair. */
  separate: z.array(z.string().min(1)).optional(),
  theta: z.record(Code, Weight).optional(),
  patience: z.record(Code, Weight).optional(),
  disagreement: z
    .union([z.enum(['status-quo', 'war']), z.object({ at: DateString }).strict(), z.object({ deadline: DateString }).strict()])
    .optional(),
  issues: z.array(IssueSpec).optional(),
  outside_options: z.array(OutsideOptionSpec).optional(),
  levers: z.array(z.string().min(1)).optional(),
  frontier: z.number().int().min(0).max(101).optional(),
  /** Blocs that may negotiate jointly; a lever named by a coalition id values joining it. */
  coalitions: z.array(CoalitionSpec).optional(),
  /** Report how the deal moves with each party's patience (default true when patience is given). */
  sweep: z.boolean().optional(),
  /**
   * Starting points (the central solution's) for the deal and each lever's deal without it, and the payoff Hessians
   * their searches ended with (by "deal" or lever name): Monte Carlo draws continue from them.
   */
  warm: z
    .object({ deal: z.array(z.number()).optional(), levers: z.record(z.string(), z.array(z.number())).optional(), hessians: z.record(z.string(), z.array(z.array(z.number()))).optional() })
    .strict()
    .optional(),
};

export const NegotiateSpecSchema = z.object({ ...NegotiationFields, parties: z.array(Code).min(2, 'a negotiation needs at least two parties') }).strict();
export const WarSpecSchema = z.object({ ...Common, players: z.array(Code).min(1).optional(), instrument: Instrument.optional(), among_players: z.boolean().optional() }).strict();
export const BestResponseSpecSchema = z.object({ ...Common, player: Code, instrument: Instrument.optional() }).strict();
export const CoalitionsSpecSchema = z
  .object({ ...NegotiationFields, counterpart: Code, members: z.array(Code).min(1, 'coalitions need at least one member'), structures: z.array(z.array(z.array(Code).min(1)).min(1)).optional() })
  .strict();

export type NegotiateSpec = z.infer<typeof NegotiateSpecSchema>;
export type WarSpec = z.infer<typeof WarSpecSchema>;
export type BestResponseSpec = z.infer<typeof BestResponseSpecSchema>;
export type CoalitionsSpec = z.infer<typeof CoalitionsSpecSchema>;

export const SPEC_SCHEMAS = { negotiate: NegotiateSpecSchema, war: WarSpecSchema, 'best-response': BestResponseSpecSchema, coalitions: CoalitionsSpecSchema } as const;
export type SpecKind = keyof typeof SPEC_SCHEMAS;
export type AnySpec = NegotiateSpec | WarSpec | BestResponseSpec | CoalitionsSpec;

/** Read a spec file; with `partial`, fields flags can supply (parties, player, ...) may be missing. */
export function readSpec<K extends SpecKind>(kind: K, file: string, fields: 'all' | 'some' = 'all'): z.infer<(typeof SPEC_SCHEMAS)[K]> {
  // `some`: a spec file the command line completes (flags fill the required fields it leaves out).
  const schema = fields === 'some' ? SPEC_SCHEMAS[kind].partial() : SPEC_SCHEMAS[kind];
  return readYamlWith(file, schema, 'spec') as z.infer<(typeof SPEC_SCHEMAS)[K]>;
}

/** Numbers only: what a spec is after its distributions are resolved. */
export type Resolved<T> = T extends { dist: string } ? number : T extends (infer U)[] ? Resolved<U>[] : T extends object ? { [K in keyof T]: Resolved<T[K]> } : T;

