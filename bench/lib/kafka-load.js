// Background load for the alert-latency case, as its own process so it competes for the CPU as
// another producer on the host would, without sharing the measured process's event loop:
//   node bench/lib/kafka-load.js <brokers> <topic> <partitions> <seed> <messages/s, 0 = unpaced> <seconds>
// Streams filler values (the Kafka case's background lines, no rejections) round-robin over the
// partitions until the time is up or SIGTERM, then prints {"messages":…,"bytes":…,"seconds":…}.
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { forEachChunk } from './kafka-messages.js';

const [brokers, topic, partitionsArg, seedArg, rateArg, secondsArg] = process.argv.slice(2);
const partitions = Number(partitionsArg);
const rate = Number(rateArg);
const deadline = Date.now() + Number(secondsArg) * 1000;
/** Messages per send, and sends in flight at most. */
const PER_SEND = 1_000;
const IN_FLIGHT = 4;

const kafka = new Kafka({ clientId: 'authwatch-bench-load', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
await producer.connect();
let stopping = false;
process.once('SIGTERM', () => (stopping = true));
/** Thrown out of the chunk loop once the time is up. */
class StopLoad extends Error {}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const t0 = Date.now();
let sent = 0;
let bytes = 0;
const inFlight = [];
// Up to 50 million values: far more than the case needs; the deadline ends it first.
await forEachChunk(50_000_000, { seed: Number(seedArg), rejectEvery: Infinity }, async (values) => {
  for (let i = 0; i < values.length && !stopping && Date.now() < deadline; i += PER_SEND) {
    const part = values.slice(i, i + PER_SEND);
    if (rate > 0) {
      const due = t0 + (sent / rate) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    inFlight.push(producer.send({ topic, acks: 1, messages: part.map((value, j) => ({ value, partition: (sent + j) % partitions })) }));
    sent += part.length;
    for (const v of part) bytes += v.length;
    if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
  }
  if (stopping || Date.now() >= deadline) throw new StopLoad();
}).catch((err) => {
  if (!(err instanceof StopLoad)) throw err;
});
await Promise.all(inFlight);
await producer.disconnect();
console.log(JSON.stringify({ messages: sent, bytes, seconds: (Date.now() - t0) / 1000 }));

