import { MappingType, type ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';

/** `leanops_sink_breaker_state`: 0 closed, 1 half-open, 2 open. */
export const BREAKER_STATES: readonly ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: {
      '0': { text: 'closed', color: 'green', index: 0 },
      '1': { text: 'half-open', color: 'orange', index: 1 },
      '2': { text: 'open', color: 'red', index: 2 },
    },
  },
];
