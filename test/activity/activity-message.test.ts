import { describe, expect, it } from 'vitest';
import { hasApiKeyField, toActivityMessage } from '../../src/activity/activity-message.js';
import { msgIdOffset, serviceOf, toDetection } from '../../src/activity/to-detection.js';

describe('toActivityMessage', () => {
  it.each([
    ['API JSON', { msg_id: 'x1', from_email: 'A@Example.com', api_key_id: 'k', last_event_time: '2024-03-04T10:00:00Z' }, { msgId: 'x1', fromEmail: 'a@example.com', apiKeyId: 'k', lastEventTime: '2024-03-04T10:00:00.000Z' }],
    ['CSV aliases and epoch seconds', { message_id: 'x2', from: 'b@example.com', api_key_id: '', processed: '1709546400' }, { msgId: 'x2', fromEmail: 'b@example.com', apiKeyId: null, lastEventTime: '2024-03-04T10:00:00.000Z' }],
    ['null and "null" are empty', { MSG_ID: 'x3', api_key_id: 'null', subuser: ' sub-a ' }, { msgId: 'x3', apiKeyId: null, subuser: 'sub-a' }],
    ['categories as JSON in a cell', { msg_id: 'x4', categories: '["a","b"]' }, { categories: ['a', 'b'] }],
    ['categories as a list', { msg_id: 'x5', category: 'a; b ,c' }, { categories: ['a', 'b', 'c'] }],
  ] as const)('%s', (_name, rec, expected) => {
    expect(toActivityMessage(rec)).toMatchObject(expected);
  });

  it('refuses records without a message id', () => {
    expect(toActivityMessage({ from_email: 'a@example.com' })).toBeNull();
  });

  it('knows whether the deciding field exists at all', () => {
    expect(hasApiKeyField({ ' API_KEY_ID ': '' })).toBe(true);
    expect(hasApiKeyField({ msg_id: 'x' })).toBe(false);
  });
});

describe('activity detections', () => {
  it('uses a stable 48-bit offset per msg_id', () => {
    const a = msgIdOffset('m1.filter0001');
    expect(a).toBe(msgIdOffset('m1.filter0001'));
    expect(a).not.toBe(msgIdOffset('m2.filter0001'));
    expect(Number.isSafeInteger(a) && a >= 0 && a < 2 ** 48).toBe(true);
  });

  it('attributes to the subuser when present, else the from address', () => {
    const base = { msgId: 'x', categories: [], status: null, apiKeyId: null, lastEventTime: null };
    expect(serviceOf({ ...base, fromEmail: 'a@example.com', subuser: 'sub' })).toBe('sub');
    expect(serviceOf({ ...base, fromEmail: 'a@example.com', subuser: null })).toBe('a@example.com');
    expect(serviceOf({ ...base, fromEmail: null, subuser: null })).toBe('unknown-sender');
  });

  it('is a basic_auth_in_use on the api channel', () => {
    const d = toDetection({ msgId: 'x', fromEmail: 'a@example.com', subuser: null, categories: ['c'], status: 'delivered', apiKeyId: null, lastEventTime: '2024-03-04T10:00:00.000Z' }, 'export.json', 3);
    expect(d).toMatchObject({ kind: 'basic_auth_in_use', channel: 'api', provider: 'sendgrid', service: 'a@example.com', serviceVia: 'field', ts: '2024-03-04T10:00:00.000Z', line: 3 });
    expect(d.position.stream).toBe('activity:sendgrid');
  });
});
