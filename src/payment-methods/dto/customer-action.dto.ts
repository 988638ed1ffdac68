import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { CUSTOMER_ACTIONS, CustomerAction } from '../customer-step';

export class CustomerActionDto {
  @ApiProperty({
    enum: CUSTOMER_ACTIONS,
    example: 'approve',
    description:
      'approve: the customer completes the step (the bank’s answer still applies); fail: 3DS authentication_failed, ' +
      'UPI/M-Pesa incorrect_pin; cancel: payment_cancelled; abandon: 3DS authentication_abandoned, UPI/M-Pesa payment_expired.',
  })
  @IsIn(CUSTOMER_ACTIONS, { message: "action must be one of 'approve', 'fail', 'cancel', 'abandon'" })
  action: CustomerAction;
}
