/** What `authwatch audit` reports: one risky credential setting at one place in one file. */

/** Audit finding kinds; one list is the type, the CLI help and the README table read it. */
export const AUDIT_KINDS = ['smtp_password_login', 'api_basic_auth', 'v2_api', 'hardcoded_api_key', 'base64_with_whitespace'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** `high`: breaks once 2FA is on; `medium`: leaks or breaks a login today; `low`: worth a look. */
export const SEVERITIES = ['high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface AuditFinding {
  readonly kind: AuditKind;
  readonly severity: Severity;
  /** The path as reached from the PATH argument. */
  readonly file: string;
  /** 1-based line of the setting. */
  readonly line: number;
  /** What was found, without any secret: e.g. `username "billing" for smtp.sendgrid.net (line 3)`. */
  readonly detail: string;
  /** The line, redacted and cut to a bounded length. */
  readonly excerpt: string;
  /** Non-reversible fingerprint of the credential involved, or null. */
  readonly fingerprint: string | null;
  readonly fix: string;
}

export interface AuditKindInfo {
  readonly severity: Severity;
  readonly meaning: string;
  readonly fix: string;
}

export const AUDIT_KIND_INFO: Readonly<Record<AuditKind, AuditKindInfo>> = {
  smtp_password_login: {
    severity: 'high',
    meaning: 'SMTP settings for smtp.sendgrid.net sign in with an account username, i.e. a password login that 2FA will refuse.',
    fix: 'Set the SMTP username to `apikey` and the password to an API key with Mail Send access, read from an environment variable.',
  },
  api_basic_auth: {
    severity: 'high',
    meaning: 'Calls to api.sendgrid.com authenticate with HTTP Basic (username and password), which 2FA will refuse.',
    fix: 'Send `Authorization: Bearer <API key>` instead of Basic credentials.',
  },
  v2_api: {
    severity: 'high',
    meaning: 'The v2 Web API (`/api/*.json`, `api_user`/`api_key` parameters) always signs in with the account username and password.',
    fix: 'Move the call to its v3 endpoint (mail: `POST /v3/mail/send`) with a Bearer API key.',
  },
  hardcoded_api_key: {
    severity: 'medium',
    meaning: 'A SendGrid API key is written into the file; anyone who can read the file or its history can send as you.',
    fix: 'Revoke this key, create a new least-privilege one, and read it from an environment variable or a secret store.',
  },
  base64_with_whitespace: {
    severity: 'medium',
    meaning: 'A base64-encoded credential has a line break or a space inside or at its end; SMTP is line-oriented, so the login fails.',
    fix: 'Re-encode without wrapping or a trailing newline, e.g. `printf %s "$KEY" | base64 | tr -d "\\n"`.',
  },
};

/** Severity order for sorting and for the table: most urgent first. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { high: 0, medium: 1, low: 2 };
