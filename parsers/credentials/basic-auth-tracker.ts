import { mentionsSendGridApiHost, readAuthorization, type AuthorizationSeen } from './http-basic.js';

export interface BasicAuthTrackerOptions {
  /** Lines a request's host and its Authorization header may be apart. Lines; default 20. */
  readonly windowLines?: number;
}

// A request line (`> POST /v3/mail/send HTTP/1.1`, `POST https://... HTTP/1.1`) starts a new request.
const REQUEST_LINE = /\b(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|CONNECT)\s+\S+\s+HTTP\/\d/;

/**
 * Pairs a SendGrid API host and an `Authorization: Basic` header that debug output prints on
 * separate lines (curl -v: `> Host: api.sendgrid.com` then `> Authorization: Basic ...`, in either
 * order). A request line starts a new request, so a Basic header is never paired with the host
 * of an earlier request; both sides are forgotten after `windowLines`. One instance per stream.
 */
export class SendGridBasicAuthTracker {
  private readonly windowLines: number;
  private lines = 0;
  private hostAt: number | null = null;
  private basic: { seen: AuthorizationSeen; at: number } | null = null;

  constructor(opts: BasicAuthTrackerOptions = {}) {
    this.windowLines = opts.windowLines ?? 20;
  }

  /** Feeds one line; returns the Basic credentials sent to the SendGrid API once both halves are seen. */
  line(text: string): AuthorizationSeen | null {
    this.lines++;
    if (REQUEST_LINE.test(text)) {
      this.hostAt = null;
      this.basic = null;
    }
    if (this.hostAt !== null && this.lines - this.hostAt > this.windowLines) this.hostAt = null;
    if (this.basic !== null && this.lines - this.basic.at > this.windowLines) this.basic = null;
    if (mentionsSendGridApiHost(text)) this.hostAt = this.lines;
    const auth = readAuthorization(text);
    if (auth !== null && auth.scheme.toLowerCase() === 'basic') this.basic = { seen: auth, at: this.lines };
    if (this.hostAt !== null && this.basic !== null) {
      const hit = this.basic.seen;
      this.basic = null;
      return hit;
    }
    return null;
  }
}
