import type { ChannelKind } from '../channels/notification-channel.ts';
import { NotificationRuleErrors } from '../notifications-rules.errors.ts';
import type { TemplateContent } from './default-templates.ts';
import { parseTemplate, TemplateSyntaxError, variablesOf } from './template-syntax.ts';
import { lookupVariable, templateVariablesOf, type VariableSchema } from './template-variables.ts';

const FIELDS = ['subject', 'html', 'text'] as const;
type Field = (typeof FIELDS)[number];

/** Which fields a channel's template has: email all three, SMS only text, in-app and push a title (`subject`) and text. */
const CHANNEL_FIELDS: Record<ChannelKind, { required: Field[]; allowed: Field[] }> = {
  email: { required: ['subject', 'html', 'text'], allowed: ['subject', 'html', 'text'] },
  sms: { required: ['text'], allowed: ['text'] },
  in_app: { required: ['text'], allowed: ['subject', 'text'] },
  push: { required: ['text'], allowed: ['subject', 'text'] },
};

export function variableSchemaOf(template: string): VariableSchema {
  const schema = templateVariablesOf(template);
  if (!schema) throw NotificationRuleErrors.NOTIFICATION_TEMPLATE_UNKNOWN(`No template key "${template}"; see GET /admin/notifications/templates/keys`);
  return schema;
}

const fieldError = (field: Field, rule: string, message: string) => ({ errors: [{ in: 'body', pointer: `/${field}`, rule, message }] });

/**
 * Refuses a template the renderer could not render as written: a field the channel does not use
 * (or a missing one), a tag that does not parse, or a variable its message does not have — each
 * 422 naming the field and, for variables, the variable.
 */
export function checkTemplate(template: string, channel: ChannelKind, content: Partial<TemplateContent>): void {
  const schema = variableSchemaOf(template);
  const fields = CHANNEL_FIELDS[channel];
  for (const field of FIELDS) {
    const value = content[field];
    const present = typeof value === 'string' && value !== '';
    if (present && !fields.allowed.includes(field)) {
      throw NotificationRuleErrors.NOTIFICATION_TEMPLATE_FIELD_INVALID(`A ${channel} template has no ${field}`, fieldError(field, 'absent', `must be absent for ${channel}`));
    }
    if (!present && fields.required.includes(field)) {
      throw NotificationRuleErrors.NOTIFICATION_TEMPLATE_FIELD_INVALID(`A ${channel} template needs ${field}`, fieldError(field, 'required', 'must not be empty'));
    }
    if (!present) continue;
    let nodes;
    try {
      nodes = parseTemplate(value);
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
      throw NotificationRuleErrors.NOTIFICATION_TEMPLATE_SYNTAX(`${field}: ${error.message} (at character ${error.at})`, fieldError(field, 'syntax', error.message));
    }
    const [first] = variableProblems(schema, template, nodes);
    if (first) {
      throw NotificationRuleErrors.NOTIFICATION_TEMPLATE_VARIABLE_UNKNOWN(`${field}: ${first.problem}`, {
        errors: [{ in: 'body', pointer: `/${field}`, rule: 'variable', message: first.problem }],
        extensions: { field, variable: first.variable },
      });
    }
  }
}

/** Each variable of the parsed template its message does not have (or uses as what it is not). */
function variableProblems(schema: VariableSchema, template: string, nodes: ReturnType<typeof parseTemplate>): Array<{ variable: string; problem: string }> {
  const problems: Array<{ variable: string; problem: string }> = [];
  for (const variable of variablesOf(nodes)) {
    const found = lookupVariable(schema, variable.path);
    const problem = !found.found
      ? `"${variable.path}" is not a variable of ${template}`
      : variable.list && found.kind !== 'list'
        ? `"${variable.path}" is not a list, so it cannot be used with #each`
        : !variable.list && (found.kind === 'group' || found.kind === 'list') && !isCondition(nodes, variable.at)
          ? `"${variable.path}" is a group of variables, not a value`
          : undefined;
    if (problem) problems.push({ variable: variable.path, problem });
  }
  return problems;
}

/**
 * What a saved template's variables no longer match (a template stored before its message's
 * variables changed): the same problems a save refuses, as warnings naming the field.
 */
export function variableWarnings(template: string, content: Partial<TemplateContent>): string[] {
  const schema = templateVariablesOf(template);
  if (!schema) return [`"${template}" is not a template key: it is never sent`];
  const warnings: string[] = [];
  for (const field of FIELDS) {
    const value = content[field];
    if (typeof value !== 'string' || value === '') continue;
    try {
      warnings.push(...variableProblems(schema, template, parseTemplate(value)).map(({ problem }) => `${field}: ${problem}`));
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
      warnings.push(`${field}: ${error.message} (at character ${error.at})`);
    }
  }
  return warnings;
}

/** Whether the tag at `at` is an #if/#unless (which may test a group or a list for being there). */
function isCondition(nodes: ReturnType<typeof parseTemplate>, at: number): boolean {
  for (const node of nodes) {
    if (node.kind === 'if' && node.at === at) return true;
    if (node.kind === 'if' && (isCondition(node.then, at) || isCondition(node.otherwise, at))) return true;
    if (node.kind === 'each' && isCondition(node.body, at)) return true;
  }
  return false;
}
