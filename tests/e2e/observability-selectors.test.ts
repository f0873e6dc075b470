import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  checkExpressions,
  dashboardExpressions,
  type ExpressionSource,
  metricCatalog,
  parseExposition,
  type RecordedSeries,
  ruleExpressions,
} from '@lean-ops/observability';
import { afterAll, describe, expect, it } from 'vitest';
import { DevProcess, eventually, FREE_PORTS, readDevJson } from './dev-process.js';
import { buildInput, inputConfig } from './input-fixture.js';

const ROOT = resolve(import.meta.dirname, '../..');
const RULES_DIR = join(ROOT, 'observability/prometheus');
const DASHBOARDS_DIR = join(ROOT, 'observability/grafana');

/** Every PromQL expression the repository ships: each rule of observability/prometheus/*.yml, each dashboard query. */
function shippedExpressions(): { expressions: ExpressionSource[]; recordings: RecordedSeries[] } {
  if (!existsSync(RULES_DIR))
    throw new Error(`${RULES_DIR} does not exist: the Prometheus rules (lean-ops observability rules) belong there`);
  const ruleFiles = readdirSync(RULES_DIR, { withFileTypes: true })
    .filter((f) => f.isFile() && /\.ya?ml$/.test(f.name) && !f.name.endsWith('.test.yml'))
    .map((f) => f.name);
  if (ruleFiles.length === 0) throw new Error(`no rule files (*.yml) in ${RULES_DIR}`);
  const expressions: ExpressionSource[] = [];
  const recordings: RecordedSeries[] = [];
  for (const file of ruleFiles) {
    const rules = ruleExpressions(`observability/prometheus/${file}`, readFileSync(join(RULES_DIR, file), 'utf8'));
    expressions.push(...rules.expressions);
    recordings.push(...rules.recordings);
  }
  const dashboards = readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json'));
  if (dashboards.length === 0) throw new Error(`no dashboards (*.json) in ${DASHBOARDS_DIR}`);
  for (const file of dashboards)
    expressions.push(
      ...dashboardExpressions(
        `observability/grafana/${file}`,
        JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')),
      ),
    );
  return { expressions, recordings };
}

describe('every metric a rule or dashboard names exists in the scrape of a running lean-ops dev', () => {
  const running: DevProcess[] = [];
  afterAll(async () => {
    for (const dev of running) {
      dev.signalGroup('SIGKILL');
      await dev.exited;
    }
  });

  it('checks each selector, its labels and its grouping labels against /metrics', async () => {
    // Read first: a missing rules folder fails here, before dev starts.
    const { expressions, recordings } = shippedExpressions();
    expect(expressions.length).toBeGreaterThan(50);

    const dir = mkdtempSync(join(tmpdir(), 'e2e-observability-'));
    const input = buildInput();
    writeFileSync(join(dir, 'input.jsonl'), `${input.lines.join('\n')}\n`);
    writeFileSync(
      join(dir, 'config.json'),
      inputConfig({
        thresholds: { triggerIntervalSeconds: 3 },
        // Maintenance soon after the first runs, so that the table health gauges have series.
        scheduler: { maintenanceIntervalSeconds: 10 },
      }),
    );
    const data = join(dir, 'data');
    const dev = DevProcess.start([
      '--config',
      join(dir, 'config.json'),
      '--input',
      join(dir, 'input.jsonl'),
      '--data-dir',
      data,
      ...FREE_PORTS,
    ]);
    running.push(dev);
    await dev.waitFor(/(http:\/\/127\.0\.0\.1:\d+)/);
    const runtime = await eventually(() => {
      const r = readDevJson(data);
      return r.metrics && r.queues?.sensors && r.sqs ? r : undefined;
    }, 60_000);
    if (!runtime?.metrics || !runtime.queues?.sensors || !runtime.sqs)
      throw new Error(`dev.json has no metrics endpoint or queues:\n${dev.stderr}`);

    // Straight into the DLQ: one message the processor redrives, one it quarantines.
    const sqs = new SQSClient({
      region: 'us-east-1',
      endpoint: runtime.sqs,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const dlqUrl = runtime.queues.sensors.dlqUrl;
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: dlqUrl,
        MessageBody: JSON.stringify({
          topic: 'sensors',
          device_id: 'dlq-1',
          event_timestamp: '2026-01-10T12:00:00Z',
          payload: { temperature: 20 },
        }),
      }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: '{"not": "a message"' }));
    sqs.destroy();

    // Scrape until every metric the expressions name has series (or the time is up), then judge.
    const url = `${runtime.metrics}/metrics`;
    let problems: string[] = [];
    await eventually(
      async () => {
        const response = await fetch(url);
        const catalog = metricCatalog(parseExposition([await response.text()]), recordings);
        problems = checkExpressions(expressions, catalog);
        return problems.length === 0 ? true : undefined;
      },
      150_000,
      2_000,
    );
    expect(problems, `scraped ${url}; lean-ops dev stderr:\n${dev.stderr.slice(-2000)}`).toEqual([]);
  });
});
