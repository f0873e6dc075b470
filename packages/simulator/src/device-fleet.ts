import { type Prng, prngFor } from './prng.js';
import { formatRfc3339 } from './rfc3339.js';
import { createSensor, type Readings, type Sensor, sensorKindOf } from './sensors.js';

/** One reading of one device on one topic, before it is written as a message body. */
export interface Reading {
  readonly deviceId: string;
  readonly topic: string;
  readonly eventTimeMs: number;
  /** The device clock's UTC offset, used when writing `event_timestamp`. */
  readonly offsetMinutes: number;
  /** Set for devices that send their own key; the others leave it to the pipeline. */
  readonly idempotencyKey: string | undefined;
  readonly payload: Readings;
}

export interface FleetOptions {
  readonly topics: readonly string[];
  readonly devices: number;
  readonly seed: number;
  /** Event time of a message due at 0 ms, epoch ms. */
  readonly startTimeMs: number;
}

interface Channel {
  readonly sensor: Sensor;
  count: number;
  lastEventMs: number | undefined;
}

interface Device {
  readonly id: string;
  readonly offsetMinutes: number;
  readonly sendsKey: boolean;
  readonly channels: Map<string, Channel>;
}

/** Device clock offsets, in minutes: most devices report UTC. */
const OFFSETS = [0, 0, 0, 60, 120, -300, 330, -180];
/** Delay between measuring and publishing (buffering, radio), ms. */
const MAX_PUBLISH_LAG_MS = 250;

/** `dev-0001` … : zero-padded to at least four digits, so ids sort in order. */
export function deviceId(index: number, devices: number): string {
  return `dev-${String(index + 1).padStart(Math.max(4, String(devices).length), '0')}`;
}

/**
 * N devices, each reporting on every topic in turn (device 1 on topic 1, device 2 on
 * topic 1, …, then topic 2). A device either sends its own `idempotency_key` or none
 * (the pipeline derives one), and writes `event_timestamp` in its own UTC offset.
 */
export class DeviceFleet {
  private readonly devices: Device[];
  private readonly topics: readonly string[];
  private readonly prng: Prng;
  private readonly runTag: string;

  constructor(private readonly options: FleetOptions) {
    this.topics = options.topics;
    this.prng = prngFor(options.seed, 'telemetry');
    // Keys name the run, so two runs of one seed at different times do not share keys.
    this.runTag = options.startTimeMs.toString(36);
    this.devices = Array.from({ length: options.devices }, (_, i) => {
      const channels = new Map<string, Channel>();
      for (const topic of this.topics) {
        channels.set(topic, { sensor: createSensor(sensorKindOf(topic), this.prng), count: 0, lastEventMs: undefined });
      }
      return {
        id: deviceId(i, options.devices),
        offsetMinutes: this.prng.pick(OFFSETS),
        sendsKey: this.prng.chance(0.5),
        channels,
      };
    });
  }

  /** Which topic message `seq` (1-based) carries. */
  topicOf(seq: number): string {
    return this.topics[
      Math.floor(((seq - 1) % (this.devices.length * this.topics.length)) / this.devices.length)
    ] as string;
  }

  /**
   * The reading of message `seq` (1-based), due `dueMs` after the start; with `drifted`,
   * its payload also carries the key its sensor gains on schema drift.
   */
  next(seq: number, dueMs: number, drifted: boolean): Reading {
    const slot = (seq - 1) % (this.devices.length * this.topics.length);
    const device = this.devices[slot % this.devices.length] as Device;
    const topic = this.topicOf(seq);
    const channel = device.channels.get(topic) as Channel;
    const eventTimeMs = Math.floor(this.options.startTimeMs + dueMs) - this.prng.int(0, MAX_PUBLISH_LAG_MS);
    const elapsedS = channel.lastEventMs === undefined ? 1 : Math.max(0, eventTimeMs - channel.lastEventMs) / 1000;
    channel.lastEventMs = eventTimeMs;
    channel.count++;
    return {
      deviceId: device.id,
      topic,
      eventTimeMs,
      offsetMinutes: device.offsetMinutes,
      idempotencyKey: device.sendsKey ? `${device.id}-${topic}-${this.runTag}-${channel.count}` : undefined,
      payload: {
        ...channel.sensor.read(this.prng, elapsedS),
        ...(drifted ? channel.sensor.driftReading(this.prng) : {}),
      },
    };
  }
}

/** The message body object of a reading, fields in the contract's order. */
export function readingMessage(reading: Reading): Record<string, unknown> {
  return {
    topic: reading.topic,
    device_id: reading.deviceId,
    event_timestamp: formatRfc3339(reading.eventTimeMs, reading.offsetMinutes),
    ...(reading.idempotencyKey === undefined ? {} : { idempotency_key: reading.idempotencyKey }),
    payload: reading.payload,
  };
}
