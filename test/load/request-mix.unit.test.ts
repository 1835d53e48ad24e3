import { describe, expect, it } from 'vitest';
import { createRequestPicker } from '../../harness/flows/request-mix.ts';

describe('createRequestPicker', () => {
  it('picks requests in proportion to their weights and serialises JSON bodies', () => {
    let seed = 1;
    const random = (): number => ((seed = (seed * 16_807) % 2_147_483_647) - 1) / 2_147_483_646;
    const pick = createRequestPicker(
      [
        { method: 'GET', path: '/a', weight: 6 },
        { method: 'POST', path: '/b', weight: 3, body: { x: 1 } },
        { method: 'GET', path: '/c', weight: 1 },
      ],
      random,
    );
    const counts: Record<string, number> = {};
    for (let i = 0; i < 10_000; i++) {
      const request = pick();
      counts[request.path] = (counts[request.path] ?? 0) + 1;
      if (request.path === '/b')
        expect(request).toMatchObject({ body: '{"x":1}', headers: { 'content-type': 'application/json' } });
    }
    expect(counts['/a']! / 10_000).toBeCloseTo(0.6, 1);
    expect(counts['/b']! / 10_000).toBeCloseTo(0.3, 1);
    expect(counts['/c']! / 10_000).toBeCloseTo(0.1, 1);
  });
});
