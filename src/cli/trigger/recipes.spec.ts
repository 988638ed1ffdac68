import spec from '../../../openapi.json';
import { RECIPES } from './recipes';

describe('trigger recipes', () => {
  it('cover every event type an endpoint can subscribe to (openapi.json), and nothing else', () => {
    const schema = spec.components.schemas.CreateWebhookEndpointDto.properties.enabled_events.items as { enum: string[] };
    const emitted = schema.enum.filter((type) => type !== '*').sort();
    // A new event type on the server needs one entry in src/cli/trigger/recipes.ts.
    expect(Object.keys(RECIPES).sort()).toEqual(emitted);
  });
});
