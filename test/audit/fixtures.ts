/**
 * Audit fixtures: each file's text and the findings expected in it as `kind@line`. The
 * secrets below are canaries: none may ever appear in any output.
 */

const key = (id: string, secret: string): string => `SG.${id.padEnd(22, 'x').slice(0, 22)}.${secret.padEnd(43, 'y').slice(0, 43)}`;

export const CANARY_KEY = key('canaryKeyId0001', 'canarySecretPartNumberOne0000');
export const CANARY_KEY_2 = key('canaryKeyId0002', 'canarySecretPartNumberTwo0000');
export const CANARY_KEY_3 = key('canaryKeyId0003', 'canarySecretPartNumberThree00');
export const CANARY_PASSWORD = 'Canary-Pw-7f3a9';
/** `printf %s "$KEY" | base64`, wrapped at 76 columns as `base64` prints it. */
export const CANARY_B64 = Buffer.from(CANARY_KEY_3).toString('base64');
export const CANARY_B64_WRAPPED = [CANARY_B64.slice(0, 76), CANARY_B64.slice(76)];
const basic = Buffer.from(`billing:${CANARY_PASSWORD}`).toString('base64');

/** Every secret of the fixtures, for the canary test. */
export const SECRETS: readonly string[] = [CANARY_KEY, CANARY_KEY_2, CANARY_KEY_3, CANARY_PASSWORD, CANARY_B64, ...CANARY_B64_WRAPPED, basic];

export interface AuditFixture {
  readonly path: string;
  readonly text: string;
  /** `kind@line`, sorted by line then kind. */
  readonly expected: readonly string[];
}

export const FIXTURES: readonly AuditFixture[] = [
  {
    path: 'laravel/.env',
    text: ['APP_NAME=shop', 'DB_HOST=127.0.0.1', 'DB_USERNAME=shop', 'MAIL_MAILER=smtp', 'MAIL_HOST=smtp.sendgrid.net', 'MAIL_PORT=587', 'MAIL_USERNAME=shop-account', `MAIL_PASSWORD=${CANARY_PASSWORD}`].join('\n'),
    expected: ['smtp_password_login@7'],
  },
  {
    path: 'good/.env.production',
    text: ['MAIL_HOST=smtp.sendgrid.net', 'MAIL_USERNAME=apikey', `MAIL_PASSWORD=${CANARY_KEY}`].join('\n'),
    expected: ['hardcoded_api_key@3'],
  },
  {
    path: 'other-host/mail.env',
    text: ['SMTP_HOST=smtp.mailgun.org', 'SMTP_USER=postmaster@mg.example.com', `SMTP_PASS=${CANARY_PASSWORD}`].join('\n'),
    expected: [],
  },
  {
    path: 'spring/application.properties',
    text: ['spring.datasource.username=app', 'spring.mail.host=smtp.sendgrid.net', 'spring.mail.port=587', 'spring.mail.username=acme-mailer', `spring.mail.password=${CANARY_PASSWORD}`].join('\n'),
    expected: ['smtp_password_login@4'],
  },
  {
    path: 'rails/config/smtp.yml',
    text: [
      'production:',
      '  database:',
      '    host: db.internal',
      '    user_name: rails',
      '  smtp_settings:',
      '    address: smtp.sendgrid.net',
      '    port: 587',
      '    user_name: acme',
      `    password: ${CANARY_PASSWORD}`,
      'staging:',
      '  smtp_settings:',
      '    address: smtp.sendgrid.net',
      '    user_name: apikey',
      '    password: <%= ENV["SENDGRID_API_KEY"] %>',
    ].join('\n'),
    expected: ['smtp_password_login@8'],
  },
  {
    path: 'yaml/secrets.yaml',
    text: ['smtp:', '  password_b64: |', `    ${CANARY_B64_WRAPPED[0]}`, `    ${CANARY_B64_WRAPPED[1]}`, '  ok_b64: |-', `    ${CANARY_B64}`].join('\n'),
    expected: ['base64_with_whitespace@2'],
  },
  {
    path: 'json/config.json',
    text: [
      '{',
      '  "logging": { "host": "logs.internal", "user": "shipper" },',
      '  "mail": {',
      '    "host": "smtp.sendgrid.net",',
      '    "auth": { "user": "newsletter", "pass": "x" }',
      '  },',
      `  "encoded": "${CANARY_B64.slice(0, 50)}\\n${CANARY_B64.slice(50)}"`,
      '}',
    ].join('\n'),
    expected: ['smtp_password_login@5', 'base64_with_whitespace@7'],
  },
  {
    path: 'json/nested.json',
    text: ['{', '  "transport": {', '    "host": "smtp.sendgrid.net",', '    "auth": {', '      "user": "nested-json",', '      "pass": "x"', '    }', '  },', '  "db": { "user": "other" }', '}'].join('\n'),
    expected: ['smtp_password_login@5'],
  },
  {
    path: 'yaml/nested.yml',
    text: ['mailer:', '  host: smtp.sendgrid.net', '  auth:', '    user: nested-yaml', 'cache:', '  user: redis'].join('\n'),
    expected: ['smtp_password_login@4'],
  },
  {
    path: 'json/flat.json',
    text: ['{', '  "host": "smtp.sendgrid.net",', '  "user": "newsletter",', `  "pass": "${CANARY_PASSWORD}"`, '}'].join('\n'),
    expected: ['smtp_password_login@3'],
  },
  {
    path: 'ini/mail.ini',
    text: ['[database]', 'user = dbuser', '[smtp]', 'host = smtp.sendgrid.net', 'user = ini-mailer', `password = ${CANARY_PASSWORD}`, '[backup]', 'host = smtp.sendgrid.net', 'user = apikey'].join('\n'),
    expected: ['smtp_password_login@5'],
  },
  {
    path: 'toml/app.toml',
    text: ['[mail]', 'server = "smtp.sendgrid.net"', 'username = "toml-user"', '[cache]', 'user = "cacheuser"'].join('\n'),
    expected: ['smtp_password_login@3'],
  },
  {
    path: 'postfix/main.cf',
    text: ['relayhost = [smtp.sendgrid.net]:587', 'smtp_sasl_auth_enable = yes', 'smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd', 'smtp_tls_security_level = encrypt'].join('\n'),
    expected: [],
  },
  {
    path: 'postfix-static/main.cf',
    text: ['relayhost = [smtp.sendgrid.net]:587', `smtp_sasl_password_maps = static:relay-account:${CANARY_PASSWORD}`].join('\n'),
    expected: ['smtp_password_login@2'],
  },
  {
    path: 'postfix/sasl_passwd',
    text: [`[smtp.sendgrid.net]:587 postfix-account:${CANARY_PASSWORD}`, `[smtp.sendgrid.net]:2525 apikey:${CANARY_KEY_2}`, `[smtp.gmail.com]:587 someone@gmail.com:${CANARY_PASSWORD}`].join('\n'),
    expected: ['smtp_password_login@1', 'hardcoded_api_key@2'],
  },
  {
    path: 'node/mailer.js',
    text: [
      "import nodemailer from 'nodemailer';",
      'export const transport = nodemailer.createTransport({',
      "  host: 'smtp.sendgrid.net',",
      '  port: 587,',
      "  auth: { user: 'node-sender', pass: process.env.SMTP_PASS },",
      '});',
      'export const good = nodemailer.createTransport({',
      "  host: 'smtp.sendgrid.net',",
      "  auth: { user: 'apikey', pass: process.env.SENDGRID_API_KEY },",
      '});',
      `const url = 'smtp://url-user:${CANARY_PASSWORD}@smtp.sendgrid.net:587';`,
      `sgMail.setApiKey('${CANARY_KEY}');`,
      "await fetch('https://api.sendgrid.com/v3/mail/send', { headers: { Authorization: `Bearer ${process.env.SENDGRID_API_KEY}` } });",
    ].join('\n'),
    expected: ['smtp_password_login@5', 'smtp_password_login@11', 'hardcoded_api_key@12'],
  },
  {
    path: 'python/send.py',
    text: [
      'import smtplib, requests',
      "server = smtplib.SMTP('smtp.sendgrid.net', 587)",
      `server.login('py-user', '${CANARY_PASSWORD}')`,
      "r = requests.post('https://api.sendgrid.com/v3/mail/send', auth=('py-user', os.environ['SG_PASS']))",
      'noise = "dGhpcyBpcyBqdXN0IHNvbWUgdW5yZWxhdGVkIGJhc2U2NCB0ZXh0"',
    ].join('\n'),
    expected: ['smtp_password_login@3', 'api_basic_auth@4'],
  },
  {
    path: 'php/legacy.php',
    text: [
      '<?php',
      "$url = 'https://api.sendgrid.com/api/mail.send.json';",
      `$params = array('api_user' => 'php-user', 'api_key' => '${CANARY_PASSWORD}');`,
      '$mail = new PHPMailer();',
      "$mail->Host = 'smtp.sendgrid.net';",
      "$mail->Username = 'php-mailer';",
      `$mail->Password = '${CANARY_PASSWORD}';`,
    ].join('\n'),
    expected: ['v2_api@2', 'v2_api@3', 'smtp_password_login@6'],
  },
  {
    path: 'go/mail.go',
    text: ['package mail', `var auth = smtp.PlainAuth("", "go-user", "${CANARY_PASSWORD}", "smtp.sendgrid.net")`, `var ok = smtp.PlainAuth("", "apikey", os.Getenv("SENDGRID_API_KEY"), "smtp.sendgrid.net")`, `var other = smtp.PlainAuth("", "someone", "${CANARY_PASSWORD}", "smtp.office365.com")`].join('\n'),
    expected: ['smtp_password_login@2'],
  },
  {
    path: 'java/Mail.java',
    text: ['JavaMailSenderImpl s = new JavaMailSenderImpl();', 's.setHost("smtp.sendgrid.net");', 's.setUsername("java-user");', `s.setPassword("${CANARY_PASSWORD}");`, 'props.put("mail.smtp.user", "apikey");'].join('\n'),
    expected: ['smtp_password_login@3'],
  },
  {
    path: 'csharp/Mailer.cs',
    text: ['var client = new SmtpClient("smtp.sendgrid.net", 587);', `client.Credentials = new NetworkCredential("cs-user", "${CANARY_PASSWORD}");`].join('\n'),
    expected: ['smtp_password_login@2'],
  },
  {
    path: 'ruby/client.rb',
    text: ['require "net/http"', 'uri = URI("https://api.sendgrid.com/v3/templates")', 'req = Net::HTTP::Get.new(uri)', `req["Authorization"] = "Basic ${basic}"`].join('\n'),
    expected: ['api_basic_auth@4'],
  },
  {
    path: 'shell/send.sh',
    text: [`curl -s -u sh-user:${CANARY_PASSWORD} https://api.sendgrid.com/v3/mail/send -d @body.json`, 'curl -H "Authorization: Bearer $SENDGRID_API_KEY" https://api.sendgrid.com/v3/mail/send', `curl -u other:${CANARY_PASSWORD} https://api.example.com/v1/thing`].join('\n'),
    expected: ['api_basic_auth@1'],
  },
  {
    path: 'shell/wrapped.sh',
    text: ['export SMTP_AUTH_B64="', ...CANARY_B64_WRAPPED, '"', `NOTE="${CANARY_B64.slice(0, 10)} is the key prefix"`].join('\n'),
    expected: ['base64_with_whitespace@1'],
  },
  {
    path: 'env/encoded.env',
    text: [`SMTP_PASSWORD_B64=${Buffer.from(`${CANARY_KEY_3}\n`).toString('base64')}`, `SMTP_USERNAME_B64=${Buffer.from('apikey').toString('base64')}`].join('\n'),
    expected: ['base64_with_whitespace@1'],
  },
  {
    path: 'misc/notes.yml',
    text: ['description: "A pem block is fine"', 'cert: |', '  MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo', '  4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u', 'smtp_host: smtp.sendgrid.net'].join('\n'),
    expected: [],
  },
];
