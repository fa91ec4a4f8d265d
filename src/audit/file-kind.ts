import { basename, extname } from 'node:path';

/** How a file is read: which section rule applies and which forms of settings it holds. */
export const FILE_KINDS = ['env', 'yaml', 'json', 'toml', 'ini', 'properties', 'postfix-sasl', 'postfix-main', 'code'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

const BY_EXTENSION: Readonly<Record<string, FileKind>> = {
  '.env': 'env',
  '.yml': 'yaml',
  '.yaml': 'yaml',
  '.json': 'json',
  '.toml': 'toml',
  '.ini': 'ini',
  '.cfg': 'ini',
  '.conf': 'ini',
  '.properties': 'properties',
};

/** Source files of the languages SendGrid's libraries and SMTP examples are written in, plus shell scripts. */
const CODE_EXTENSIONS = new Set([
  '.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts', '.tsx',
  '.py', '.php', '.rb', '.java', '.kt', '.go', '.cs', '.sh', '.bash',
]);

/** The kind of a file from its name, or null when it is neither configuration nor source code. */
export function fileKindOf(path: string): FileKind | null {
  const name = basename(path);
  const lower = name.toLowerCase();
  if (lower === 'sasl_passwd') return 'postfix-sasl';
  if (lower === 'main.cf') return 'postfix-main';
  // `.env`, `.env.production`, `.env.local`: dotenv's conventional names.
  if (lower === '.env' || lower.startsWith('.env.')) return 'env';
  const ext = extname(lower);
  const kind = BY_EXTENSION[ext];
  if (kind !== undefined) return kind;
  return CODE_EXTENSIONS.has(ext) ? 'code' : null;
}
