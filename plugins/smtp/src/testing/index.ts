/**
 * Test helpers for `@cartwright/plugin-smtp`: a local SMTP server that keeps what it receives and
 * can refuse on request. Needs `smtp-server` and `mailparser` installed (as dev dependencies).
 */
export { startLocalSmtpServer, type LocalSmtpServer, type LocalSmtpServerOptions, type ReceivedEmail, type SmtpRefusal } from './local-smtp-server.ts';
