import type { SQSClient } from '@aws-sdk/client-sqs';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { ConfigError } from '@lean-ops/core';
import { errorCode, errorMessage } from './aws-errors.js';

/**
 * Looks up queue URLs by name (`GetQueueUrl`), all in parallel; returns name → URL in the
 * order given. Throws one `ConfigError` naming every queue that could not be resolved.
 */
export async function resolveQueueUrls(
  client: SQSClient,
  names: readonly string[],
  signal?: AbortSignal,
): Promise<ReadonlyMap<string, string>> {
  const results = await Promise.allSettled(
    names.map((name) => client.send(new GetQueueUrlCommand({ QueueName: name }), { abortSignal: signal })),
  );
  const urls = new Map<string, string>();
  const issues: string[] = [];
  results.forEach((result, i) => {
    const name = names[i] as string;
    if (result.status === 'rejected') {
      const code = errorCode(result.reason);
      const problem = /QueueDoesNotExist|NonExistentQueue/.test(code)
        ? 'queue does not exist'
        : `${code}: ${errorMessage(result.reason)}`;
      issues.push(`${name}: ${problem}`);
    } else if (!result.value.QueueUrl) {
      issues.push(`${name}: GetQueueUrl returned no QueueUrl`);
    } else {
      urls.set(name, result.value.QueueUrl);
    }
  });
  if (issues.length > 0) throw new ConfigError('SQS queue names', issues);
  return urls;
}
