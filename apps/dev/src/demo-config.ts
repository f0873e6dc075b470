/**
 * The built-in demo of `lean-ops dev` without `--config`: three topics that show every
 * path. `sensors` gains a `pressure` key half-way through the default profile (drift),
 * `meters` runs the whole pipeline, `vehicles` has no semantic schema (NotifyMissingSchema,
 * CurationOnlySuccess). The simulator picks realistic readings from the topic names.
 */
export const DEMO_CONFIG = {
  topics: {
    sensors: {
      schema: {
        version: 1,
        columns: [
          { name: 'temperature', type: 'double', required: true },
          { name: 'humidity', type: 'double' },
          { name: 'battery', type: 'double' },
        ],
      },
    },
    meters: {
      schema: {
        version: 1,
        columns: [
          { name: 'voltage', type: 'double', required: true },
          { name: 'current', type: 'double' },
          { name: 'power', type: 'long' },
          { name: 'energy', type: 'double' },
        ],
      },
    },
    vehicles: {},
  },
  // A short timer: on a laptop runs follow the data within seconds.
  thresholds: { triggerIntervalSeconds: 10 },
} as const;
