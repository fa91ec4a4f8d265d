import type { AuditKind } from './finding.js';
import type { FileKind } from './file-kind.js';
import type { Sections } from './sections.js';

/** What a rule found on one line, before it becomes a finding with an excerpt. */
export interface RuleHit {
  readonly kind: AuditKind;
  /** 1-based line. */
  readonly line: number;
  readonly detail: string;
  readonly fingerprint: string | null;
  /** [start, end) ranges of the line that hold a secret and must be masked in the excerpt. */
  readonly secrets: ReadonlyArray<readonly [number, number]>;
  /** Overrides the kind's default severity (e.g. a key in a file meant for secrets). */
  readonly severity?: 'high' | 'medium' | 'low';
}

/** One file as the rules see it. */
export interface FileText {
  readonly kind: FileKind;
  readonly lines: readonly string[];
  /** See sections.ts for the proximity rule. */
  readonly sections: Sections;
  /** Whether the file names SendGrid anywhere: context for `api_user` and relative `/api/*.json`. */
  readonly mentionsSendGrid: boolean;
}
