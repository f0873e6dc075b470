import {
  type MessageAttributeValue,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedSqs, startEmbeddedSqs } from '../../src/index.js';
import { drain, md5, sqsClient } from '../helpers/sqs-client.js';

// The characters SQS accepts: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF.
// Each range's ends and a character inside it, supplementary-plane characters included.
const EVERY_VALID_RANGE = [
  '\t',
  '\n',
  '\r',
  ' ',
  '~',
  '\u007F',
  '\u0080',
  'ü',
  'ß',
  '€',
  '\uD7FF',
  '\uE000',
  '\uFFFD',
  '🔥',
  '\u{10000}',
  '\u{1F600}',
  '\u{10FFFF}',
].join('');

// One of each kind SQS refuses: C0 controls but tab/LF/CR, the two non-characters at the top of
// the BMP, and lone surrogates (a JS string can hold them; JSON carries them as \uD800 escapes).
const INVALID = [
  ...Array.from({ length: 9 }, (_, code) => code),
  0x0b,
  0x0c,
  0x0e,
  0x1f,
  0xfffe,
  0xffff,
  0xd800,
  0xdbff,
  0xdc00,
  0xdfff,
];

const hex = (code: number) => `#x${code.toString(16).toUpperCase()}`;

describe('embedded SQS accepts and refuses message contents as Amazon SQS does (real @aws-sdk/client-sqs)', () => {
  let sqs: EmbeddedSqs;
  let client: SQSClient;
  let queueUrl: string;

  beforeAll(async () => {
    sqs = await startEmbeddedSqs();
    client = sqsClient(sqs.endpoint);
    ({ url: queueUrl } = await sqs.createTopicQueue('contents'));
  });
  afterAll(async () => {
    client?.destroy();
    await sqs?.close();
  });

  it('round-trips a body with characters from every valid range byte for byte (SendMessage and batch)', async () => {
    const bodies = [`{"status":"überhitzt 🔥","all":"${EVERY_VALID_RANGE}"}`, EVERY_VALID_RANGE, '🔥'];
    const single = await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: bodies[0] }));
    expect(single.MD5OfMessageBody).toBe(md5(bodies[0] as string));
    const batch = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.map((body, i) => ({ Id: `b${i}`, MessageBody: body })),
      }),
    );
    expect(batch.Failed ?? []).toEqual([]);

    const received = await drain(client, queueUrl);
    const sent = [bodies[0], ...bodies] as string[];
    expect(received.map((m) => m.Body).sort()).toEqual([...sent].sort());
    for (const message of received) {
      const body = message.Body as string;
      expect(message.MD5OfBody).toBe(md5(body));
      expect(sent.some((s) => Buffer.from(s, 'utf8').equals(Buffer.from(body, 'utf8')))).toBe(true);
    }
    expect(received.find((m) => m.MessageId === single.MessageId)?.Body).toBe(bodies[0]);
  });

  it.each(INVALID)('refuses U+%s in a body with InvalidMessageContents naming the character', async (code) => {
    const body = `ok ${String.fromCharCode(code)} ok`;
    const error = await client
      .send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }))
      .catch((e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } });
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('InvalidMessageContents');
    expect((error as Error).message).toBe(
      `Invalid binary character '${hex(code)}' was found in the message body, the set of allowed characters is ` +
        '#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].',
    );
  });

  it('fails only the entries with refused characters in SendMessageBatch', async () => {
    const entries = [
      { Id: 'good', MessageBody: 'fine 🔥' },
      ...INVALID.slice(0, 8).map((code) => ({ Id: `bad${code}`, MessageBody: `x${String.fromCharCode(code)}` })),
      { Id: 'surrogate', MessageBody: 'half \uD83D of an emoji' },
    ];
    const result = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    expect(result.Successful?.map((s) => s.Id)).toEqual(['good']);
    expect(result.Failed?.map((f) => [f.Id, f.Code, f.SenderFault])).toEqual(
      entries.slice(1).map((e) => [e.Id, 'InvalidMessageContents', true]),
    );
    expect(result.Failed?.find((f) => f.Id === 'surrogate')?.Message).toContain("'#xD83D'");
    expect((await drain(client, queueUrl)).map((m) => m.Body)).toEqual(['fine 🔥']);
  });

  it('accepts the attributes SQS accepts and returns them unchanged', async () => {
    const attributes: Record<string, MessageAttributeValue> = {
      'trace.id': { DataType: 'String', StringValue: 'überhitzt 🔥 \u{10FFFF}' },
      'device-id_2': { DataType: 'String.deviceId', StringValue: 'd-1' },
      AWSish: { DataType: 'Number', StringValue: '-1.5e3' },
      amazonia: { DataType: 'Number.int', StringValue: '42' },
      blob: { DataType: 'Binary.gif', BinaryValue: Uint8Array.from([0, 1, 2, 255]) },
      [`a${'b'.repeat(255)}`]: { DataType: 'String', StringValue: 'a 256-character name' },
      n7: { DataType: 'Number', StringValue: '.5' },
      n8: { DataType: 'Number', StringValue: '007' },
      n9: { DataType: 'Number', StringValue: '+3' },
      n10: { DataType: 'String', StringValue: '10 is the maximum' },
    };
    const sent = await client.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'with attributes', MessageAttributes: attributes }),
    );
    expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    const [message] = await drain(client, queueUrl);
    expect(message?.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(Object.keys(message?.MessageAttributes ?? {}).sort()).toEqual(Object.keys(attributes).sort());
    expect(message?.MessageAttributes?.['trace.id']?.StringValue).toBe('überhitzt 🔥 \u{10FFFF}');
    expect([...(message?.MessageAttributes?.blob?.BinaryValue ?? [])]).toEqual([0, 1, 2, 255]);
  });

  const refused: Array<[string, Record<string, MessageAttributeValue>, string, string]> = [
    [
      'eleven attributes',
      Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }])),
      'InvalidParameterValue',
      'Number of message attributes [11] exceeds the allowed maximum [10].',
    ],
    [
      'a name starting AWS.',
      { 'AWS.trace': { DataType: 'String', StringValue: 'v' } },
      'InvalidParameterValue',
      'reserved',
    ],
    [
      'a name starting amazon.',
      { 'amazon.x': { DataType: 'String', StringValue: 'v' } },
      'InvalidParameterValue',
      'reserved',
    ],
    ['a name starting with .', { '.x': { DataType: 'String', StringValue: 'v' } }, 'InvalidParameterValue', "'.'"],
    ['a name ending with .', { 'x.': { DataType: 'String', StringValue: 'v' } }, 'InvalidParameterValue', "'.'"],
    [
      'successive periods',
      { 'x..y': { DataType: 'String', StringValue: 'v' } },
      'InvalidParameterValue',
      "successive '.'",
    ],
    [
      'a space in a name',
      { 'x y': { DataType: 'String', StringValue: 'v' } },
      'InvalidParameterValue',
      'can only contain',
    ],
    [
      'a non-ASCII name',
      { tempé: { DataType: 'String', StringValue: 'v' } },
      'InvalidParameterValue',
      'can only contain',
    ],
    [
      'a 257-character name',
      { [`a${'b'.repeat(256)}`]: { DataType: 'String', StringValue: 'v' } },
      'InvalidParameterValue',
      '256',
    ],
    [
      'an unknown data type',
      { x: { DataType: 'Text', StringValue: 'v' } },
      'InvalidParameterValue',
      'String, Number or Binary',
    ],
    [
      'a lower-case data type',
      { x: { DataType: 'string', StringValue: 'v' } },
      'InvalidParameterValue',
      'String, Number or Binary',
    ],
    ['an empty String value', { x: { DataType: 'String', StringValue: '' } }, 'InvalidParameterValue', 'non-empty'],
    [
      'a Number that is not one',
      { x: { DataType: 'Number', StringValue: '12abc' } },
      'InvalidParameterValue',
      "Can't cast",
    ],
    [
      'a refused character in a value',
      { x: { DataType: 'String', StringValue: 'a\u0000b' } },
      'InvalidMessageContents',
      "'#x0'",
    ],
  ];

  it.each(refused)(
    'refuses %s, in SendMessage and per entry in SendMessageBatch',
    async (_what, attributes, code, text) => {
      const error = await client
        .send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'b', MessageAttributes: attributes }))
        .catch((e: unknown) => e as Error);
      expect((error as Error).name).toBe(code);
      expect((error as Error).message).toContain(text);

      const batch = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: [
            { Id: 'ok', MessageBody: 'b' },
            { Id: 'refused', MessageBody: 'b', MessageAttributes: attributes },
          ],
        }),
      );
      expect(batch.Successful?.map((s) => s.Id)).toEqual(['ok']);
      expect(batch.Failed?.map((f) => [f.Id, f.Code])).toEqual([['refused', code]]);
      expect(await drain(client, queueUrl)).toHaveLength(1);
    },
  );

  it('counts a Binary attribute by its bytes, not its base64 text, toward the 1 MiB limit', async () => {
    const value = new Uint8Array(3000).fill(7);
    // body + "blob" + "Binary" + 3000 bytes = exactly 1,048,576 bytes.
    const atLimit = 'x'.repeat(1_048_576 - 4 - 6 - 3000);
    const attributes = { blob: { DataType: 'Binary', BinaryValue: value } };
    await client.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: atLimit, MessageAttributes: attributes }),
    );
    const error = await client
      .send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: `${atLimit}x`, MessageAttributes: attributes }))
      .catch((e: unknown) => e as Error);
    expect((error as Error).message).toContain('Message must be shorter than 1048576 bytes');
    const received = await drain(client, queueUrl);
    expect(received.map((m) => m.Body?.length)).toEqual([atLimit.length]);
  });

  it('refuses a batch entry id longer than 80 characters', async () => {
    const error = await client
      .send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: 'i'.repeat(81), MessageBody: 'b' }] }))
      .catch((e: unknown) => e as Error);
    expect((error as Error).name).toBe('InvalidBatchEntryId');
    const ok = await client.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: 'i'.repeat(80), MessageBody: 'b' }] }),
    );
    expect(ok.Successful).toHaveLength(1);
    expect(await drain(client, queueUrl)).toHaveLength(1);
  });
});
