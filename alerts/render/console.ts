import type { Notification } from '../notification.js';
import { plainText } from './plain-text.js';

const RULE = '─'.repeat(72);

/** A block for a terminal or a log file, framed by rules so consecutive alerts stand apart. */
export function renderConsole(n: Notification): string {
  return `${RULE}\n${plainText(n)}${RULE}\n`;
}
