import { FirehoseClient, PutRecordBatchCommand, PutRecordCommand } from '@aws-sdk/client-firehose';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { InProcessTransport, telemetryBody } from './in-process-transport.js';

const variants: Record<string, object> = {
  default: {},
  md5off: { md5: false },
  whenreq: { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' },
  nolog: { md5: false, logger: undefined },
};
const N = 3000;
async function time(label: string, fn: (i: number) => Promise<unknown>, n = N) {
  for (let i = 0; i < 200; i++) await fn(i);
  const c = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn(i + 200);
  const u = process.cpuUsage(c);
  console.log(
    label.padEnd(40),
    ((u.user + u.system) / n).toFixed(1),
    'us cpu/call',
    (((performance.now() - t) * 1000) / n).toFixed(1),
    'us wall',
  );
}
for (const [name, extra] of Object.entries(variants)) {
  const transport = new InProcessTransport(10_000_000, telemetryBody);
  const cfg = {
    region: 'us-east-1',
    endpoint: 'http://in-process.invalid',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    requestHandler: transport as never,
    ...extra,
  };
  const sqs = new SQSClient(cfg);
  const fh = new FirehoseClient(cfg);
  const url = 'http://in-process.invalid/000000000000/telemetry';
  await time(`${name} receive10`, () =>
    sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
        MessageAttributeNames: ['x'],
      }),
    ),
  );
  await time(`${name} delete10`, (i) =>
    sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: Array.from({ length: 10 }, (_, j) => ({ Id: String(j), ReceiptHandle: String(i * 10 + j) })),
      }),
    ),
  );
  const data = Buffer.from(telemetryBody(1));
  await time(`${name} putRecord`, () =>
    fh.send(new PutRecordCommand({ DeliveryStreamName: 's', Record: { Data: data } })),
  );
  await time(
    `${name} putRecordBatch500`,
    () =>
      fh.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: 's',
          Records: Array.from({ length: 500 }, () => ({ Data: data })),
        }),
      ),
    200,
  );
}
// transport-only cost
const tr = new InProcessTransport(10_000_000, telemetryBody);
await time('transport receive10 only', () =>
  tr.handle({ headers: { 'x-amz-target': 'AmazonSQS.ReceiveMessage' }, body: '{"MaxNumberOfMessages":10}' }),
);
await time('telemetryBody', async (i) => telemetryBody(i));
