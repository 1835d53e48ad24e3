import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { startShopService, type ShopService } from '../support/shop-service.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';

const KEY = 'k-123456';
let shop: ShopService;
beforeEach(async () => {
  shop = await startShopService({ accounts: { admin: 'root-pw' }, apiKey: KEY });
});
afterEach(async () => {
  await shop.stop();
});

const headers = { Authorization: 'Bearer {{ adminToken }}', 'x-api-key': '{{ env.KEY }}' };
const login = {
  name: 'admin-login',
  method: 'POST',
  path: '/login',
  body: { user: 'admin', password: 'root-pw' },
  capture: { adminToken: { json: 'token' } },
} as const;

function scenario(extra: Record<string, unknown>) {
  return validateScenario({
    name: 'setup-and-closed',
    target: { baseUrl: shop.url },
    // Not a test of the generator's timing: it shares the machine.
    load: notAboutTheGenerator({ warmup: false }),
    setup: { steps: [login] },
    ...extra,
  });
}

describe('setup, the closed model with think time, and expectations', () => {
  it('setup runs once, before the first phase and counted in none; its captures reach every iteration', async () => {
    const report = await runScenario(
      scenario({
        flows: [
          {
            name: 'order',
            steps: [
              { name: 'place', method: 'POST', path: '/orders', headers, body: { item: 1 }, expect: { status: 201 } },
            ],
          },
        ],
        phases: [{ name: 'p', duration: '1s', rate: 20 }],
      }),
      { env: { KEY } },
    );
    expect(shop.logins.get('admin')).toBe(1);
    expect(shop.ordersWithValidToken).toBe(20);
    expect(shop.ordersRejected).toBe(0);
    expect(report.phases[0]!.requests).toBe(20);
    expect(report.verdict, report.verdictReason).toBe('pass');
  });

  it('setup that fails stops the run before any load, saying which step and why', async () => {
    await expect(
      runScenario(
        scenario({
          setup: { steps: [{ ...login, body: { user: 'admin', password: 'wrong' }, expect: { status: 200 } }] },
          flows: [{ name: 'order', steps: [{ name: 'place', method: 'POST', path: '/orders', headers }] }],
          phases: [{ name: 'p', duration: '1s', rate: 20 }],
        }),
        { env: { KEY } },
      ),
    ).rejects.toThrow('setup failed before any load: step admin-login: HTTP 401 (expected 200)');
    expect(shop.ordersWithValidToken + shop.ordersRejected).toBe(0);
  });

  it('closed model: each virtual user pauses its think time between steps, so iterations are bounded by it', async () => {
    const report = await runScenario(
      scenario({
        load: { model: 'closed', warmup: false },
        flows: [
          {
            name: 'order',
            thinkTime: '100ms',
            steps: [
              {
                name: 'place',
                method: 'POST',
                path: '/orders',
                headers,
                body: { item: 1 },
                capture: { id: { json: 'order.id' } },
              },
              { name: 'poll', path: '/orders/{{ id }}', headers },
            ],
          },
        ],
        phases: [{ name: 'p', duration: '1500ms', vus: 2 }],
      }),
      { env: { KEY } },
    );
    const phase = report.phases[0]!;
    // Each iteration: place, 100 ms, poll, 100 ms. In 1.5 s a user does at most 8 of them; without think time, hundreds.
    expect(phase.iterations).toBeGreaterThanOrEqual(2);
    expect(phase.iterations).toBeLessThanOrEqual(2 * 8);
    // The phase's end may fall between a user's two steps: at most one iteration per user is cut short, and counted so.
    expect(shop.ordersWithValidToken - shop.statusPolls).toBeGreaterThanOrEqual(0);
    expect(shop.ordersWithValidToken - shop.statusPolls).toBeLessThanOrEqual(2);
    expect(phase.steps!.find((s) => s.kind === 'flow')!.incomplete).toBe(shop.ordersWithValidToken - shop.statusPolls);
    expect(phase.requests).toBe(shop.ordersWithValidToken + shop.statusPolls);
  });

  it('a status the step does not expect is error kind "unexpected_status", with the status in the report', async () => {
    const report = await runScenario(
      scenario({
        flows: [
          {
            name: 'order',
            steps: [
              { name: 'place', method: 'POST', path: '/orders', headers, body: { item: 1 }, expect: { status: 202 } },
            ],
          },
        ],
        phases: [{ name: 'p', duration: '1s', rate: 10 }],
      }),
      { env: { KEY } },
    );
    const place = report.phases[0]!.steps!.find((s) => s.name === 'place')!;
    expect(place.errorsByKind.unexpected_status).toBe(10);
    expect(place.unexpectedStatuses).toEqual({ 201: 10 });
    expect(report.verdict, report.verdictReason).toBe('fail');
  });
});
