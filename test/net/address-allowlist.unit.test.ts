import { describe, expect, it } from 'vitest';
import { isHostAllowed, isLoopbackHost } from '../../harness/net/address-allowlist.ts';
import { assertTargetAllowed } from '../../harness/scenario/target-guard.ts';

const LOOPBACK_ONLY = ['127.0.0.0/8', '::1', 'localhost'];

describe('target allowlist', () => {
  it('knows loopback', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('127.5.6.7')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('example.com')).toBe(false);
  });

  it('matches CIDRs, addresses and exact names', () => {
    expect(isHostAllowed('127.0.0.9', LOOPBACK_ONLY)).toBe(true);
    expect(isHostAllowed('10.1.2.3', LOOPBACK_ONLY)).toBe(false); // a private address must be refused
    expect(isHostAllowed('api.internal', ['api.internal'])).toBe(true);
    expect(isHostAllowed('api.internal.evil', ['api.internal'])).toBe(false);
  });

  it('refuses a non-allowlisted host, and a non-loopback one without confirmation', () => {
    expect(() => assertTargetAllowed('target.baseUrl', 'http://192.168.1.10:80', LOOPBACK_ONLY)).toThrow(
      /not on the allowlist/,
    );
    expect(() => assertTargetAllowed('target.baseUrl', 'http://api.internal', ['api.internal'])).toThrow(
      /--allow-non-loopback/,
    );
    expect(assertTargetAllowed('target.baseUrl', 'http://127.0.0.1:8080', LOOPBACK_ONLY).port).toBe('8080');
  });
});

describe('redactWebhookUrl', () => {
  it('shows a webhook URL without the secrets in its path, its query values or its password', async () => {
    const { redactWebhookUrl } = await import('../../harness/net/redact-url.ts');
    expect(redactWebhookUrl('https://hooks.slack.com/services/T000/B000/XXXXSECRET')).toBe(
      'https://hooks.slack.com/services/…',
    );
    expect(redactWebhookUrl('http://127.0.0.1:9000/hook?token=s3cr3t&channel=ops')).toBe(
      'http://127.0.0.1:9000/hook?token=***&channel=***',
    );
    expect(redactWebhookUrl('http://user:pass@127.0.0.1:9093/')).toBe('http://user:***@127.0.0.1:9093');
    for (const shown of [
      redactWebhookUrl('https://hooks.slack.com/services/T000/B000/XXXXSECRET'),
      redactWebhookUrl('http://127.0.0.1:9000/hook?token=s3cr3t'),
    ])
      expect(shown).not.toMatch(/SECRET|s3cr3t/);
  });
});
