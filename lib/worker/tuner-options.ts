/**
 * The `tuner` and `*TaskPollerBehavior` options of `Worker.create`, in the official shapes, turned
 * into the core's slot suppliers and poller behaviors.
 */
import {
  InvalidOptionError,
  UnsupportedOptionError,
  checkedOptions,
  optionalInteger,
  optionalNumber,
  optionPath,
  requiredString,
} from '../common/options-validation';
import { parseDuration, type Duration } from '../common/time';
import type { PollerBehavior as CorePollerBehavior, ResourceBasedSlots } from '../core/types';
import { WORKER_DEFAULTS } from './defaults';

/** Target resource use of a resource-based tuner, as fractions of 1. */
export interface ResourceBasedTunerOptions {
  targetMemoryUsage: number;
  targetCpuUsage: number;
}

/** Bounds of one kind's resource-based slots; unset fields take the official defaults. */
export interface ResourceBasedSlotOptions {
  minimumSlots?: number;
  maximumSlots?: number;
  /** Least time between two new slots once past `minimumSlots`. */
  rampThrottle?: Duration;
}

/** A fixed number of slots. */
export interface FixedSizeSlotSupplier {
  type: 'fixed-size';
  numSlots: number;
}

/** Slots the core hands out while memory and CPU stay under the targets. */
export interface ResourceBasedSlotSupplier extends ResourceBasedSlotOptions {
  type: 'resource-based';
  tunerOptions: ResourceBasedTunerOptions;
}

export type SlotSupplier = FixedSizeSlotSupplier | ResourceBasedSlotSupplier;

/** One supplier per kind of task. */
export interface TunerHolder {
  workflowTaskSlotSupplier: SlotSupplier;
  activityTaskSlotSupplier: SlotSupplier;
  localActivityTaskSlotSupplier: SlotSupplier;
  nexusTaskSlotSupplier?: SlotSupplier;
}

/** Resource-based slots for every kind, with one target. */
export interface ResourceBasedTuner {
  tunerOptions: ResourceBasedTunerOptions;
  workflowTaskSlotOptions?: ResourceBasedSlotOptions;
  activityTaskSlotOptions?: ResourceBasedSlotOptions;
  localActivityTaskSlotOptions?: ResourceBasedSlotOptions;
  nexusTaskSlotOptions?: ResourceBasedSlotOptions;
}

/**
 * The `tuner` option: how many tasks of each kind the worker takes at once.
 *
 * @example
 * ```ts
 * await Worker.create({ connection, taskQueue, workflowsPath, activities,
 *   tuner: { tunerOptions: { targetMemoryUsage: 0.8, targetCpuUsage: 0.9 } } });
 * await Worker.create({ connection, taskQueue, activities, tuner: {
 *   workflowTaskSlotSupplier: { type: 'fixed-size', numSlots: 10 },
 *   activityTaskSlotSupplier: { type: 'resource-based', tunerOptions: { targetMemoryUsage: 0.8, targetCpuUsage: 0.9 } },
 *   localActivityTaskSlotSupplier: { type: 'fixed-size', numSlots: 10 } } });
 * ```
 */
export type WorkerTuner = TunerHolder | ResourceBasedTuner;

/**
 * How many polls of one kind run at once: at most `maximum`, or scaled by the core between
 * `minimum` and `maximum` on the server's hints.
 *
 * @example
 * ```ts
 * await Worker.create({ connection, taskQueue, activities,
 *   activityTaskPollerBehavior: { type: 'autoscaling', minimum: 1, maximum: 20, initial: 2 } });
 * ```
 */
export type PollerBehavior =
  | { type: 'simple-maximum'; maximum?: number }
  | { type: 'autoscaling'; minimum?: number; maximum?: number; initial?: number };

type SlotKind = 'workflow' | 'activity' | 'localActivity' | 'nexus';

/** The tuner, compiled: the slots per kind (a resource-based kind's maximum) and the resource-based kinds. */
export interface CompiledTuner {
  readonly slots: Record<SlotKind, number>;
  readonly resourceBasedSlots: Partial<Record<SlotKind, ResourceBasedSlots>> | undefined;
}

const HOLDER_FIELDS: Record<SlotKind, string> = {
  workflow: 'workflowTaskSlotSupplier',
  activity: 'activityTaskSlotSupplier',
  localActivity: 'localActivityTaskSlotSupplier',
  nexus: 'nexusTaskSlotSupplier',
};

const RESOURCE_FIELDS: Record<SlotKind, string> = {
  workflow: 'workflowTaskSlotOptions',
  activity: 'activityTaskSlotOptions',
  localActivity: 'localActivityTaskSlotOptions',
  nexus: 'nexusTaskSlotOptions',
};

const KINDS: readonly SlotKind[] = ['workflow', 'activity', 'localActivity', 'nexus'];

const CONTROLLER_INSTEAD = 'give tunerOptions ({ targetMemoryUsage, targetCpuUsage }): a controller shared across workers is not supported';

/**
 * Validates `tuner` (either official form). Custom slot suppliers and shared controllers are refused
 * with what to use instead.
 */
export function compileTuner(value: unknown, field = 'tuner'): CompiledTuner {
  const o = checkedOptions(value, field, {
    kind: 'tuner option',
    supported: ['tunerOptions', ...Object.values(HOLDER_FIELDS), ...Object.values(RESOURCE_FIELDS)],
    unsupported: { controller: CONTROLLER_INSTEAD },
  });
  const holder = Object.values(HOLDER_FIELDS).some((k) => o[k] !== undefined);
  const resource = o.tunerOptions !== undefined || Object.values(RESOURCE_FIELDS).some((k) => o[k] !== undefined);
  if (holder && resource) {
    throw new InvalidOptionError(field, 'is either slot suppliers (workflowTaskSlotSupplier, ...) or a resource-based tuner (tunerOptions, ...), not both');
  }
  const slots = {} as Record<SlotKind, number>;
  const resourceBasedSlots: Partial<Record<SlotKind, ResourceBasedSlots>> = {};
  if (resource) {
    const target = tunerOptions(o.tunerOptions, optionPath(field, 'tunerOptions'));
    for (const kind of KINDS) {
      const r = resourceSlots(o[RESOURCE_FIELDS[kind]], optionPath(field, RESOURCE_FIELDS[kind]), kind, target);
      resourceBasedSlots[kind] = r;
      slots[kind] = r.maximumSlots;
    }
    return { slots, resourceBasedSlots };
  }
  for (const kind of KINDS) {
    const path = optionPath(field, HOLDER_FIELDS[kind]);
    const supplier = o[HOLDER_FIELDS[kind]];
    if (supplier === undefined) {
      // Nexus is not polled by this SDK; the core still wants a supplier for it.
      if (kind === 'nexus') {
        slots.nexus = 1;
        continue;
      }
      throw new InvalidOptionError(path, 'is required in a tuner of slot suppliers');
    }
    const type = requiredString((supplier as { type?: unknown } | null)?.type, optionPath(path, 'type'));
    if (type === 'fixed-size') {
      const s = checkedOptions(supplier, path, { kind: 'fixed-size slot supplier option', supported: ['type', 'numSlots'] });
      slots[kind] = optionalInteger(s.numSlots, optionPath(path, 'numSlots'), { min: 1 }) ?? missing(optionPath(path, 'numSlots'));
    } else if (type === 'resource-based') {
      const s = checkedOptions(supplier, path, {
        kind: 'resource-based slot supplier option',
        supported: ['type', 'tunerOptions', 'minimumSlots', 'maximumSlots', 'rampThrottle'],
        unsupported: { controller: CONTROLLER_INSTEAD },
      });
      const r = resourceSlots(s, path, kind, tunerOptions(s.tunerOptions, optionPath(path, 'tunerOptions')), ['type', 'tunerOptions']);
      resourceBasedSlots[kind] = r;
      slots[kind] = r.maximumSlots;
    } else if (type === 'custom') {
      throw new UnsupportedOptionError(
        optionPath(path, 'type'),
        "custom slot suppliers need the core to call into JS for every slot; use 'fixed-size' or 'resource-based'",
      );
    } else {
      throw new InvalidOptionError(optionPath(path, 'type'), `must be 'fixed-size' or 'resource-based', got ${JSON.stringify(type)}`);
    }
  }
  return { slots, resourceBasedSlots: Object.keys(resourceBasedSlots).length > 0 ? resourceBasedSlots : undefined };
}

function missing(field: string): never {
  throw new InvalidOptionError(field, 'is required');
}

function tunerOptions(value: unknown, field: string): ResourceBasedTunerOptions {
  if (value === undefined) throw new InvalidOptionError(field, 'is required for resource-based slots ({ targetMemoryUsage, targetCpuUsage })');
  const o = checkedOptions(value, field, { kind: 'resource-based tuner option', supported: ['targetMemoryUsage', 'targetCpuUsage'] });
  const usage = (key: string): number => {
    const v = optionalNumber(o[key], optionPath(field, key), { min: 0, max: 1 }) ?? missing(optionPath(field, key));
    if (v === 0) throw new InvalidOptionError(optionPath(field, key), 'must be greater than 0');
    return v;
  };
  return { targetMemoryUsage: usage('targetMemoryUsage'), targetCpuUsage: usage('targetCpuUsage') };
}

function resourceSlots(
  value: unknown,
  field: string,
  kind: SlotKind,
  target: ResourceBasedTunerOptions,
  alsoAllowed: readonly string[] = [],
): ResourceBasedSlots {
  const d = WORKER_DEFAULTS.resourceBasedSlots[kind];
  const o =
    value === undefined
      ? {}
      : checkedOptions(value, field, { kind: 'resource-based slot option', supported: [...alsoAllowed, 'minimumSlots', 'maximumSlots', 'rampThrottle'] });
  const minimumSlots = optionalInteger(o.minimumSlots, optionPath(field, 'minimumSlots'), { min: 0 }) ?? d.minimumSlots;
  const maximumSlots = optionalInteger(o.maximumSlots, optionPath(field, 'maximumSlots'), { min: Math.max(1, minimumSlots) }) ?? Math.max(d.maximumSlots, minimumSlots);
  const rampThrottleMs = o.rampThrottle === undefined ? d.rampThrottleMs : durationMs(o.rampThrottle, optionPath(field, 'rampThrottle'));
  return { minimumSlots, maximumSlots, rampThrottleMs, ...target };
}

/**
 * Validates one `*TaskPollerBehavior`; `fallbackMaximum` is the `simple-maximum` default.
 */
export function compilePollerBehavior(value: unknown, field: string, fallbackMaximum: number): CorePollerBehavior {
  const type = requiredString((value as { type?: unknown } | null)?.type, optionPath(field, 'type'));
  if (type === 'simple-maximum') {
    const o = checkedOptions(value, field, { kind: 'simple-maximum poller option', supported: ['type', 'maximum'] });
    return { simpleMaximum: optionalInteger(o.maximum, optionPath(field, 'maximum'), { min: 1 }) ?? fallbackMaximum };
  }
  if (type === 'autoscaling') {
    const o = checkedOptions(value, field, { kind: 'autoscaling poller option', supported: ['type', 'minimum', 'maximum', 'initial'] });
    const d = WORKER_DEFAULTS.autoscalingPollers;
    const minimum = optionalInteger(o.minimum, optionPath(field, 'minimum'), { min: 1 }) ?? d.minimum;
    const maximum = optionalInteger(o.maximum, optionPath(field, 'maximum'), { min: minimum }) ?? Math.max(d.maximum, minimum);
    const initial = optionalInteger(o.initial, optionPath(field, 'initial'), { min: minimum, max: maximum }) ?? Math.min(Math.max(d.initial, minimum), maximum);
    return { autoscaling: { minimum, maximum, initial } };
  }
  throw new InvalidOptionError(optionPath(field, 'type'), `must be 'simple-maximum' or 'autoscaling', got ${JSON.stringify(type)}`);
}

function durationMs(value: unknown, field: string): number {
  try {
    return Math.round(parseDuration(value as Duration, field));
  } catch (error) {
    throw new InvalidOptionError(field, `must be a duration (milliseconds or an ms-style string like '50ms'): ${error instanceof Error ? error.message : String(error)}`);
  }
}
