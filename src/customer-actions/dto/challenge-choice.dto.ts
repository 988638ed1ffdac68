import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';

export const CHALLENGE_CHOICES = ['complete', 'fail', 'cancel'] as const;
export type ChallengeChoice = (typeof CHALLENGE_CHOICES)[number];

/** The challenge page's form (application/x-www-form-urlencoded). */
export class ChallengeChoiceDto {
  @ApiProperty({ enum: CHALLENGE_CHOICES, example: 'complete' })
  @IsIn(CHALLENGE_CHOICES, { message: "choice must be one of 'complete', 'fail', 'cancel'" })
  choice: ChallengeChoice;
}
