/**
 * Credential shapes shared by `authwatch audit` and the log scanner: SMTP AUTH usernames (never
 * passwords), HTTP Basic toward the SendGrid API, v2 Web API calls, API keys, and base64 values
 * broken by whitespace. Pure functions, plus two small per-stream trackers for exchanges that
 * span lines.
 */
export { API_KEY_USERNAME, isApiKeyUser, usernameFromAuthPlain, usernameFromAuthLogin } from './smtp-auth.js';
export { readSmtpDialogueLine } from './smtp-dialogue.js';
export type { SmtpDialogueLine, SmtpDirection } from './smtp-dialogue.js';
export { SmtpAuthTracker } from './smtp-auth-tracker.js';
export type { SmtpLogin, SmtpAuthMechanism, SmtpAuthTrackerOptions } from './smtp-auth-tracker.js';
export { SENDGRID_API_HOST, mentionsSendGridApiHost, readAuthorization, usernameFromBasic, findSendGridBasicAuth } from './http-basic.js';
export type { AuthorizationSeen } from './http-basic.js';
export { SendGridBasicAuthTracker } from './basic-auth-tracker.js';
export { findV2ApiCall } from './v2-api.js';
export type { V2ApiCall, V2ApiOptions } from './v2-api.js';
export { API_KEY_PATTERN, isApiKeyShape, findApiKeys } from './api-key.js';
export type { ApiKeyHit } from './api-key.js';
export { findBase64Whitespace, encodedKind, encodesTrailingNewline, isWrappedBase64Row, BASE64_WRAP_COLUMNS } from './base64-whitespace.js';
export type { Base64WhitespaceHit, EncodedCredential } from './base64-whitespace.js';
export { isBase64Token, decodeBase64 } from './base64.js';
