import { DeleteMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { InProcessTransport, telemetryBody } from './in-process-transport.js';
const transport = new InProcessTransport(10_000_000, telemetryBody);
const sqs = new SQSClient({ region: 'us-east-1', endpoint: 'http://in-process.invalid', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, requestHandler: transport as never, md5: false });
if (process.env.NOLOG) sqs.middlewareStack.remove('loggerMiddleware');
const url = 'http://in-process.invalid/000000000000/telemetry';
const c = process.cpuUsage(); const t = performance.now();
for (let i = 0; i < 20000; i++) await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 10 }, (_, j) => ({ Id: String(j), ReceiptHandle: String(i * 10 + j) })) }));
const u = process.cpuUsage(c); console.log('cpu/call', (u.user + u.system) / 20000, 'wall', (performance.now() - t) * 1000 / 20000);
