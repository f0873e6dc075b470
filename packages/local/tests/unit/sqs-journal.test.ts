import { describe, expect, it } from 'vitest';
import type { FauxqsMessage } from '../../src/fauxqs-store.js';
import { type JournalRecord, replayJournal, SqsJournalError, stateRecords } from '../../src/sqs-journal.js';

const queue = (name: string) => ({
  name,
  arn: `arn:aws:sqs:us-east-1:000000000000:${name}`,
  attributes: { VisibilityTimeout: '30' },
  tags: {},
  createdTimestamp: 1,
  lastModifiedTimestamp: 1,
});
const message = (id: string, body = `body ${id} 🔥`): FauxqsMessage => ({
  messageId: id,
  body,
  md5OfBody: 'md5',
  messageAttributes: {},
  md5OfMessageAttributes: '',
  sentTimestamp: 1,
  approximateReceiveCount: 0,
});
const text = (records: JournalRecord[]) => records.map((r) => `${JSON.stringify(r)}\n`).join('');
const live = (state: ReturnType<typeof replayJournal>) =>
  Object.fromEntries([...state].map(([name, entry]) => [name, [...entry.messages.keys()]]));

describe('SQS journal replay', () => {
  it('keeps what was taken in and not deleted; a message taken in by another queue moved there', () => {
    const state = replayJournal(
      text([
        { t: 'h', v: 1 },
        { t: 'q', queue: queue('a') },
        { t: 'q', queue: queue('a-dlq') },
        { t: 'q', queue: queue('b') },
        { t: 'm', q: 'a', m: message('1') },
        { t: 'm', q: 'a', m: message('2') },
        { t: 'm', q: 'a', m: message('3') },
        { t: 'r', q: 'a', ids: ['1', '2'], at: 50 },
        { t: 'r', q: 'a', ids: ['2'], at: 60 },
        { t: 'd', q: 'a', id: '1' },
        { t: 'm', q: 'a-dlq', m: { ...message('2'), approximateReceiveCount: 2 } },
        { t: 'm', q: 'b', m: message('4') },
        { t: 'p', q: 'b' },
        { t: 'q', queue: queue('gone') },
        { t: 'm', q: 'gone', m: message('5') },
        { t: 'dq', name: 'gone' },
      ]),
    );
    expect(live(state)).toEqual({ a: ['3'], 'a-dlq': ['2'], b: [] });
    expect(state.get('a-dlq')?.messages.get('2')?.approximateReceiveCount).toBe(2);
  });

  it('counts receives and keeps the first receive time', () => {
    const state = replayJournal(
      text([
        { t: 'q', queue: queue('a') },
        { t: 'm', q: 'a', m: message('1') },
        { t: 'r', q: 'a', ids: ['1'], at: 50 },
        { t: 'r', q: 'a', ids: ['1'], at: 60 },
      ]),
    );
    expect(state.get('a')?.messages.get('1')).toMatchObject({
      approximateReceiveCount: 2,
      approximateFirstReceiveTimestamp: 50,
    });
  });

  it('drops a torn last line and refuses a broken line in the middle, naming file and line', () => {
    const good = text([
      { t: 'q', queue: queue('a') },
      { t: 'm', q: 'a', m: message('1') },
    ]);
    expect(live(replayJournal(`${good}{"t":"m","q":"a","m":{"messageId":"2"`))).toEqual({ a: ['1'] });
    expect(() => replayJournal(`${good}{"t":"m"\n${good}`, 'j.jsonl')).toThrow(SqsJournalError);
    expect(() => replayJournal(`${good}{"t":"m"\n${good}`, 'j.jsonl')).toThrow(/^j\.jsonl:3 is not a journal record/);
    expect(() => replayJournal(text([{ t: 'h', v: 99 }]))).toThrow(/format 99 is not supported/);
  });

  it('writes state as records that replay to the same state', () => {
    const state = replayJournal(
      text([
        { t: 'q', queue: queue('a') },
        { t: 'm', q: 'a', m: message('1', 'überhitzt 🔥 \u{10FFFF}') },
        { t: 'm', q: 'a', m: message('2') },
        { t: 'd', q: 'a', id: '2' },
      ]),
    );
    const again = replayJournal(stateRecords(state));
    expect(again).toEqual(state);
    expect(again.get('a')?.messages.get('1')?.body).toBe('überhitzt 🔥 \u{10FFFF}');
  });
});
