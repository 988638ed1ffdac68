// The reference "framework ceiling": a bare Fastify route answering a fixed payment JSON.
'use strict';
const fastify = require('fastify')({ logger: false });

const payment = {
  id: 'pay_01M80K7ZM74T3HYT3RT204W411', object: 'payment', amount: 2000, currency: 'USD', status: 'CAPTURED',
  capture_method: 'automatic', amount_captured: 2000, amount_refunded: 0,
  payment_method: { type: 'card', card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2031 } },
  failure_code: null, failure_message: null, description: null, customer_email: null, metadata: {},
  created_at: '2026-11-22T03:01:54.439Z', updated_at: '2026-11-22T03:01:54.439Z',
};

fastify.post('/v1/payments', async (request, reply) => reply.code(201).send(payment));
fastify.listen({ port: Number(process.env.PORT || 4299), host: '127.0.0.1' }).then(() => console.log('bare fastify ready'));
