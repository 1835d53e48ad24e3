import { z } from 'zod';

const url = z.string().refine((text) => /^http:\/\//.test(text) && URL.canParse(text), {
  error: 'is not an http:// URL (e.g. "http://127.0.0.1:9093")',
});

/** Where a run tells people what is happening: Alertmanager (which routes to e-mail, chat and paging) or a webhook. */
export const notifySchema = z
  .array(
    z.discriminatedUnion('kind', [
      z.strictObject({
        kind: z
          .literal('alertmanager')
          .describe(
            '"alertmanager": alerts posted to Prometheus Alertmanager\'s v2 API; its routes take them to e-mail, chat and paging.',
          ),
        url: url.describe(
          'Alertmanager\'s base URL, e.g. "http://127.0.0.1:9093" (allowlisted like every address; credentials in it are never shown).',
        ),
      }),
      z.strictObject({
        kind: z.literal('webhook').describe('"webhook": a JSON POST per event.'),
        url: url.describe('Where to POST (allowlisted like every address; credentials in it are never shown).'),
        format: z
          .enum(['json', 'slack'])
          .default('json')
          .describe('"json": ordeal\'s event object; "slack": a Slack-compatible body ({ text }).'),
      }),
    ]),
  )
  .default([])
  .describe(
    'Notification channels: told at run start, when a fault is applied and removed, when a guard trips, and the verdict. Delivery failures never change the verdict; they are reported.',
  );

export type NotifyChannel = z.output<typeof notifySchema>[number];
