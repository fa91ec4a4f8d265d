/** Email Activity records for the import tests; CANARY_* must never reach an output or the database. */
export const CANARY_API_KEY = `SG.${'canaryActivityKey01'.padEnd(22, 'q')}.${'canaryActivitySecret'.padEnd(43, 'z')}`;
export const CANARY_SUBJECT_SECRET = 'Subj-Canary-Pw-19c2';

export const MESSAGES: ReadonlyArray<Record<string, unknown>> = [
  { msg_id: 'm1.filter0001', from_email: 'billing@example.com', to_email: 'a@example.org', subject: `Invoice ${CANARY_SUBJECT_SECRET}`, status: 'delivered', last_event_time: '2024-03-04T10:00:05Z', api_key_id: '' },
  { msg_id: 'm2.filter0001', from_email: 'billing@example.com', to_email: 'b@example.org', subject: 'Invoice', status: 'delivered', last_event_time: '2024-03-04T10:00:04Z', api_key_id: null },
  { msg_id: 'm3.filter0001', from_email: 'news@example.com', to_email: 'c@example.org', subject: 'News', status: 'delivered', last_event_time: '2024-03-04T10:00:03Z', api_key_id: 'Ab3dEfGhIjKlMnOpQrStUv', categories: ['weekly'] },
  { msg_id: 'm4.filter0001', from_email: 'alerts@example.com', to_email: 'd@example.org', subject: 'Alert', status: 'not_delivered', last_event_time: '2024-03-04T10:00:02Z', subuser: 'ops-sub', categories: ['ops', 'pager'] },
  { msg_id: 'm5.filter0001', from_email: 'Billing@Example.com', to_email: 'e@example.org', subject: 'Invoice', status: 'bounced', last_event_time: '2024-03-04T10:00:01Z', api_key_id: '' },
];

/** The same messages as a UI-style CSV export: one row per event, so m1 appears twice. */
export const CSV = [
  'message_id,from,email,subject,status,api_key_id,subuser,categories,processed',
  `m1.filter0001,billing@example.com,a@example.org,"Invoice, ${CANARY_SUBJECT_SECRET}",processed,,,,1709546405`,
  `m1.filter0001,billing@example.com,a@example.org,"Invoice, ${CANARY_SUBJECT_SECRET}",delivered,,,,1709546405`,
  'm2.filter0001,billing@example.com,b@example.org,Invoice,delivered,,,,1709546404',
  'm3.filter0001,news@example.com,c@example.org,News,delivered,Ab3dEfGhIjKlMnOpQrStUv,,"[""weekly""]",1709546403',
  'm4.filter0001,alerts@example.com,d@example.org,Alert,not_delivered,,ops-sub,"ops;pager",1709546402',
  'm5.filter0001,Billing@Example.com,e@example.org,Invoice,bounced,,,,1709546401',
].join('\r\n');
