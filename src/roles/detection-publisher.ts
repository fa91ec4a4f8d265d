import type { Clock, Detection } from '../contracts.js';
import type { KafkaProducerClient } from '../sources/kafka/kafka-client.js';
import { encodeDetection } from './detection-wire.js';

/** Publishes a batch's detections to the detections topic and resolves once the broker acknowledged them all. */
export class DetectionPublisher {
  constructor(
    private readonly producer: KafkaProducerClient,
    private readonly topic: string,
    /** Written into each message's `filter` field: which process found it. */
    private readonly filterId: string,
    private readonly clock: Clock = Date.now,
  ) {}

  async publish(detections: readonly Detection[]): Promise<void> {
    if (detections.length === 0) return;
    const at = new Date(this.clock());
    await this.producer.send(
      this.topic,
      detections.map((d) => encodeDetection(d, this.filterId, at)),
    );
  }
}
