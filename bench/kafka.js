// TODO(issue 7, Kafka cases): 2,000,000 messages of ~200 bytes from a real local broker into
// authwatch (detect, store, commit) against a bare kafkajs eachBatch consumer, ns per message on
// non-candidates; and alert latency p50/p99 (produce a `535 ... 2FA` line, time until a local
// HTTP Slack stand-in receives the notification, grouping wait 0) with that load running.
// test/support/kafka-broker.ts shows how to start a broker.
export const KAFKA_TODO = 'Kafka throughput and alert latency: TODO in bench/kafka.js; not measured yet.';
