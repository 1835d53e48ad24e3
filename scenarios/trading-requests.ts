/** The bundled stack's request mix: mostly quotes, some orders, a few portfolio reads. */
export const TRADING_REQUESTS = [
  { name: 'quote', method: 'GET', path: '/api/quotes/ACME', weight: 6 },
  { name: 'order', method: 'POST', path: '/api/orders', body: { symbol: 'ACME', quantity: 5, side: 'buy' }, weight: 3 },
  { name: 'portfolio', method: 'GET', path: '/api/portfolio', weight: 1 },
] as const;

/** Orders and portfolio reads only: what failover keeps serving when the ledger's primary is gone. */
export const ORDER_REQUESTS = [
  {
    name: 'order',
    method: 'POST',
    path: '/api/orders',
    body: { symbol: 'ACME', quantity: 1, side: 'buy' },
    weight: 4,
  },
  { name: 'portfolio', method: 'GET', path: '/api/portfolio', weight: 1 },
] as const;
