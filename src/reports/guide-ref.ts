import type { Kind } from '../contracts.js';
import { guideFor } from '../../alerts/guides.js';
import type { GuideRef } from './model.js';

/** The attachment name alert mails use too, so a reader sees the same file either way. */
export const guideAttachmentName = (kind: Kind): string => `${kind}-upgrade-guide.md`;

export function guideRef(kind: Kind): GuideRef {
  return { kind, title: guideFor(kind).title, command: `authwatch explain ${kind}`, attachment: guideAttachmentName(kind) };
}

/** The whole guide as Markdown, as attached to email reports. */
export const guideMarkdown = (kind: Kind): string => guideFor(kind).markdown;
