import { ApiProperty } from '@nestjs/swagger';

/** No parameters: the token acts for the API key that asked for it. Unknown fields are 400 like everywhere. */
export class CreateStreamTokenDto {}

export class StreamTokenView {
  @ApiProperty({ enum: ['stream_token'] }) object: 'stream_token';
  @ApiProperty({ example: 'sst_Jm2C8q4Vx0xQ6p3Qe3Jm2C8q4Vx0xQ6p3Qe3', description: 'Shown once. Pass as ?token= to GET /v1/events/stream or /v1/ws.' })
  token: string;
  @ApiProperty({ example: '2026-11-22T10:15:00.000Z', description: 'After this the token opens no new stream (open streams stay open).' })
  expires_at: string;
}
