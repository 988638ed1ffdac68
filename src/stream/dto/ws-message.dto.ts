import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

/** A WebSocket client message: `{"type":"subscribe", "payment_id"?, "types"?, "last_event_id"?}` or `{"type":"ping"}`. */
export class WsClientMessageDto {
  @IsIn(['subscribe', 'ping'], { message: 'type must be subscribe or ping' })
  type: 'subscribe' | 'ping';

  @IsOptional()
  @IsString()
  @MaxLength(64)
  payment_id?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  types?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(64)
  last_event_id?: string;
}
