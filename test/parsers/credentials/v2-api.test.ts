import { describe, expect, it } from 'vitest';
import { findV2ApiCall } from '../../../parsers/credentials/index.js';

describe('findV2ApiCall', () => {
  const positives: ReadonlyArray<readonly [string, string, string | null, boolean]> = [
    ['absolute mail.send URL', 'POST https://api.sendgrid.com/api/mail.send.json 200 12ms', 'mail.send', false],
    ['sendgrid.com host with api_user in the query', 'GET https://sendgrid.com/api/bounces.get.json?api_user=shop&api_key=hunter2-canary', 'bounces.get', true],
    ['relative path in an access log naming SendGrid', '10.0.0.5 - - [04/Mar/2024:10:00:00 +0000] "POST /api/mail.send.json HTTP/1.1" 200 17 upstream=sendgrid', 'mail.send', false],
    ['relative path with api_user in a form body', 'POST /api/mail.send.json body: api_user=shop&api_key=hunter2-canary&to=a@example.org', 'mail.send', true],
    ['api_user parameter in a SendGrid client log', 'sendgrid-php: POST form {"api_user": "shop", "api_key": "hunter2-canary"}', null, true],
    ['xml flavour', 'curl https://api.sendgrid.com/api/unsubscribes.get.xml', 'unsubscribes.get', false],
  ];
  it.each(positives)('%s', (_name, line, endpoint, apiUser) => {
    expect(findV2ApiCall(line)).toEqual({ endpoint, apiUser });
  });

  const negatives: ReadonlyArray<readonly [string, string]> = [
    ['v3 mail send', 'POST https://api.sendgrid.com/v3/mail/send 202'],
    ['another service /api/ path', 'GET /api/users.json 200 upstream=rails'],
    ['another host with .json', 'GET https://example.com/api/mail.send.json'],
    ['api_user without SendGrid context', 'config api_user=admin loaded'],
    ['look-alike host', 'POST https://notsendgrid.com.example/v3/mail/send'],
  ];
  it.each(negatives)('%s', (_name, line) => {
    expect(findV2ApiCall(line)).toBeNull();
  });
});
