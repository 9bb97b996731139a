import { escapeHtml } from './template-syntax.ts';

/**
 * The one layout every HTML email body is wrapped in: table-based with inline CSS (what mail
 * clients render), at most 600px wide and fluid below. `bodyHtml` is a rendered, already escaped
 * body; the title and store name are escaped here. Nothing here is parsed as a template.
 */
export function emailLayout({ title, bodyHtml, storeName, storeUrl, unsubscribe }: { title: string; bodyHtml: string; storeName: string; storeUrl: string; unsubscribe?: { url: string; label: string } }): string {
  const name = escapeHtml(storeName);
  const unsubscribeLink = unsubscribe ? ` · <a href="${escapeHtml(unsubscribe.url)}" style="color:#71717a;">${escapeHtml(unsubscribe.label)}</a>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<title>${escapeHtml(title)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f4f4f5;">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" border="0" style="background-color:#f4f4f5;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" border="0" style="max-width:600px;width:100%;background-color:#ffffff;border-radius:6px;">
<tr><td style="padding:20px 24px;border-bottom:1px solid #e4e4e7;font-family:Helvetica,Arial,sans-serif;font-size:18px;font-weight:bold;color:#18181b;">${name}</td></tr>
<tr><td style="padding:24px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#27272a;">
${bodyHtml}
</td></tr>
<tr><td style="padding:16px 24px;border-top:1px solid #e4e4e7;font-family:Helvetica,Arial,sans-serif;font-size:12px;color:#71717a;"><a href="${escapeHtml(storeUrl)}" style="color:#71717a;">${name}</a>${unsubscribeLink}</td></tr>
</table>
</td></tr>
</table>
</body>
</html>`;
}
