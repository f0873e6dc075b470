import type { Prng } from './prng.js';

/** What a topic's devices measure; chosen from the topic's name (`sensorKindOf`). */
export type SensorKind = 'environment' | 'location' | 'power';

export type Readings = Record<string, number>;

/**
 * One device's instrument on one topic. Each reading drifts slowly (a mean-reverting
 * random walk) and adds measurement noise, so series look like real telemetry.
 */
export interface Sensor {
  /** The next reading, `elapsedS` seconds after the previous one. */
  read(prng: Prng, elapsedS: number): Readings;
  /** The key this kind gains on schema drift, with its value. */
  driftReading(prng: Prng): Readings;
}

const round = (value: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};
const clamp = (value: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, value));

/** A random walk pulled back towards 0, so a drift stays within a plausible band. */
const walk = (prng: Prng, value: number, step: number): number => value * 0.995 + prng.normal(0, step);

/** Temperature (°C), relative humidity (%) and battery (%); drift adds `pressure` (hPa). */
class EnvironmentSensor implements Sensor {
  private readonly baseTemperature: number;
  private readonly baseHumidity: number;
  private readonly drainPerReading: number;
  private temperatureDrift = 0;
  private humidityDrift = 0;
  private battery: number;

  constructor(prng: Prng) {
    this.baseTemperature = prng.between(16, 26);
    this.baseHumidity = prng.between(35, 65);
    this.battery = prng.between(60, 100);
    this.drainPerReading = prng.between(0.002, 0.02);
  }

  read(prng: Prng): Readings {
    this.temperatureDrift = walk(prng, this.temperatureDrift, 0.05);
    this.humidityDrift = walk(prng, this.humidityDrift, 0.2);
    this.battery -= this.drainPerReading;
    if (this.battery < 5) this.battery = 100; // recharged
    return {
      temperature: round(this.baseTemperature + this.temperatureDrift + prng.normal(0, 0.15), 2),
      humidity: round(clamp(this.baseHumidity + this.humidityDrift + prng.normal(0, 0.5), 0, 100), 1),
      battery: round(this.battery, 1),
    };
  }

  driftReading(prng: Prng): Readings {
    return { pressure: round(prng.normal(1013, 4), 1) };
  }
}

/** Position (degrees), speed (km/h) and heading (degrees); drift adds `altitude` (m). */
class LocationSensor implements Sensor {
  private latitude: number;
  private longitude: number;
  private speed: number;
  private heading: number;

  constructor(prng: Prng) {
    this.latitude = prng.between(40, 55);
    this.longitude = prng.between(-5, 20);
    this.speed = prng.between(0, 90);
    this.heading = prng.between(0, 360);
  }

  read(prng: Prng, elapsedS: number): Readings {
    this.speed = clamp(this.speed + prng.normal(0, 3), 0, 130);
    this.heading = (this.heading + prng.normal(0, 5) + 360) % 360;
    const km = (this.speed * elapsedS) / 3600;
    const rad = (this.heading * Math.PI) / 180;
    this.latitude = clamp(this.latitude + (km * Math.cos(rad)) / 111, -89, 89);
    this.longitude += (km * Math.sin(rad)) / (111 * Math.cos((this.latitude * Math.PI) / 180));
    this.longitude = ((this.longitude + 540) % 360) - 180;
    return {
      latitude: round(this.latitude, 5),
      longitude: round(this.longitude, 5),
      speed: round(this.speed, 1),
      heading: round(this.heading, 0),
    };
  }

  driftReading(prng: Prng): Readings {
    return { altitude: round(prng.between(0, 800), 0) };
  }
}

/** Mains voltage (V), current (A), power (W) and a cumulative energy meter (kWh); drift adds `power_factor`. */
class PowerSensor implements Sensor {
  private current: number;
  private energy: number;

  constructor(prng: Prng) {
    this.current = prng.between(0.5, 10);
    this.energy = round(prng.between(0, 50_000), 3);
  }

  read(prng: Prng, elapsedS: number): Readings {
    const voltage = prng.normal(230, 1.5);
    this.current = clamp(walk(prng, this.current - 5, 0.3) + 5, 0, 16);
    const power = voltage * this.current * 0.95;
    this.energy += (power * elapsedS) / 3_600_000;
    return {
      voltage: round(voltage, 1),
      current: round(this.current, 2),
      power: round(power, 0),
      energy: round(this.energy, 3),
    };
  }

  driftReading(prng: Prng): Readings {
    return { power_factor: round(prng.between(0.85, 1), 2) };
  }
}

const KIND_HINTS: ReadonlyArray<[RegExp, SensorKind]> = [
  [/gps|location|position|track|fleet|vehicle/, 'location'],
  [/power|energy|meter|electric|grid/, 'power'],
];

/** A topic's sensor kind from hints in its name; `environment` otherwise. */
export function sensorKindOf(topic: string): SensorKind {
  return KIND_HINTS.find(([hint]) => hint.test(topic))?.[1] ?? 'environment';
}

export function createSensor(kind: SensorKind, prng: Prng): Sensor {
  if (kind === 'location') return new LocationSensor(prng);
  if (kind === 'power') return new PowerSensor(prng);
  return new EnvironmentSensor(prng);
}
