import type { FastifyInstance } from 'fastify';
import { DomainError } from '../common/errors/domain-error';

const FORM = 'application/x-www-form-urlencoded';
const FORM_BODY_LIMIT_BYTES = 4_096;

/**
 * The challenge page posts an HTML form. Form bodies are read on its route only (everywhere else
 * they stay 415, JSON only); a parser registered earlier for all routes is left in charge.
 */
export function acceptChallengeForms(fastify: FastifyInstance, pathPrefix: string): void {
  if (fastify.hasContentTypeParser(FORM)) return;
  fastify.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT_BYTES }, (request, body, done) => {
    if (!request.url.startsWith(pathPrefix)) {
      return done(new DomainError('unsupported_media_type', 'Send a JSON body with Content-Type: application/json.'), undefined);
    }
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
}
