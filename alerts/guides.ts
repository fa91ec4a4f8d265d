import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kind } from '../src/contracts.js';
import { packageRoot } from './package-root.js';

export interface Guide {
  readonly title: string;
  /** One paragraph: what the rejection means for this service. */
  readonly summary: string;
  /** The numbered upgrade steps, as Markdown inline text (backticks, bold) without the numbers. */
  readonly steps: readonly string[];
  /** The whole guide, as attached to emails. */
  readonly markdown: string;
}

export interface KindSummary {
  /** One sentence: what the kind means. */
  readonly meaning: string;
  /** One line: the fix. */
  readonly fix: string;
}

/** Short texts for tables, Slack headers and the CLI; the guides carry the detail. */
export const KIND_SUMMARY: Readonly<Record<Kind, KindSummary>> = {
  smtp_basic_auth_2fa: {
    meaning: 'SendGrid refused an SMTP login made with the account username and password because the account has 2FA enabled.',
    fix: 'Sign in over SMTP with the username `apikey` and an API key (Mail Send → Full Access) as the password.',
  },
  api_basic_auth_2fa: {
    meaning: 'SendGrid refused a Web API call made with HTTP Basic authentication (username and password) because the account has 2FA enabled.',
    fix: 'Send an API key on every call as `Authorization: Bearer <key>` instead of a username and password.',
  },
  smtp_auth_failed: {
    meaning: 'SendGrid refused an SMTP login because the API key is wrong or revoked, the username is not `apikey`, or the encoded value has a stray newline or space.',
    fix: 'Use the username `apikey` with a valid, active API key, encoded without newlines or spaces.',
  },
  api_auth_failed: {
    meaning: 'SendGrid refused a Web API call because its API key is wrong, expired or revoked, or a v2 endpoint got a username and password.',
    fix: 'Send a valid, active API key as `Authorization: Bearer <key>`; move v2 username/password calls to API keys.',
  },
  basic_auth_in_use: {
    meaning: 'This service still signs in to SendGrid with a username and password, which will be refused once 2FA is enabled on the account.',
    fix: 'Switch the service to an API key before enabling 2FA.',
  },
};

const cache = new Map<Kind, Guide>();

/** The upgrade guide for a kind, read once from alerts/guides/<kind>.md under the package root. */
export function guideFor(kind: Kind): Guide {
  const hit = cache.get(kind);
  if (hit !== undefined) return hit;
  const markdown = readFileSync(join(packageRoot(), 'alerts', 'guides', `${kind}.md`), 'utf8');
  const guide = parseGuide(markdown);
  cache.set(kind, guide);
  return guide;
}

/**
 * Splits a guide into its parts: the `# ` title, the first paragraph after it, and the numbered
 * list under `## Steps`. The guides are ours, so a guide without these parts is a bug.
 */
export function parseGuide(markdown: string): Guide {
  const lines = markdown.split(/\r?\n/);
  const titleLine = lines.find((l) => l.startsWith('# '));
  if (titleLine === undefined) throw new Error('Guide has no "# " title line.');
  const afterTitle = lines.slice(lines.indexOf(titleLine) + 1);
  const start = afterTitle.findIndex((l) => l.trim() !== '');
  const end = afterTitle.findIndex((l, i) => i > start && l.trim() === '');
  const summary = afterTitle.slice(start, end === -1 ? undefined : end).join(' ').trim();
  const stepsAt = lines.findIndex((l) => /^##\s+Steps\s*$/.test(l));
  const steps: string[] = [];
  if (stepsAt !== -1) {
    for (const l of lines.slice(stepsAt + 1)) {
      if (l.startsWith('## ')) break;
      const m = /^\d+\.\s+(.*)$/.exec(l);
      if (m?.[1] !== undefined) steps.push(m[1].trim());
    }
  }
  if (summary === '' || steps.length === 0) throw new Error(`Guide "${titleLine.slice(2)}" needs a summary paragraph and a "## Steps" list.`);
  return { title: titleLine.slice(2).trim(), summary, steps, markdown };
}
